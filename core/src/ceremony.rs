//! One ceremony, the same way every time: check the server's options → hand the platform a request
//! shaped for it → check the platform's answer → only then let it leave the device. The service
//! also holds the app's one ceremony turn (two taps never run two ceremonies) and tells the
//! password manager what the relying party knows (signals), where the platform supports it.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Mutex, MutexGuard};

use crate::config::Config;
use crate::error::PasskeysError;
use crate::http::Http;
use crate::platform::{Capabilities, PlatformAuthenticator};
use crate::secret::SessionToken;
use crate::vocabulary::UnavailableReason;
use crate::webauthn::{
    CheckedRegistration, Expected, ResponseError, check_assertion, check_registration,
    prepare_create, prepare_get,
};
use crate::wire::PasskeyUser;

/// How long a ceremony may run when the server's options give no `timeout` (or 0), WebAuthn
/// Level 3's recommended default for a ceremony that requires user verification.
const DEFAULT_CEREMONY_TIME: Duration = Duration::from_secs(300);

/// The least time the platform gets, whatever shorter `timeout` the options give: a user who
/// sets up a screen lock in the middle of a ceremony is not cut off by the core.
const SHORTEST_CEREMONY: Duration = Duration::from_secs(120);

/// How long a signal to the password manager (and the capability check before it) may take.
/// Signals are best effort, sent while a flow still holds the ceremony turn: one that never
/// answers is given up on, not waited for.
const SIGNAL_TIME: Duration = Duration::from_secs(10);

/// The most characters of the platform's own words kept for a reason it gives.
const MAX_PLATFORM_DETAIL: usize = 200;

/// Time the platform gets past the options' `timeout` (its own timer, the screen lock, the
/// answer's way back over the FFI) before the core gives up on it.
const PLATFORM_GRACE: Duration = Duration::from_secs(30);

/// The longest the core waits for the platform, whatever the options say.
const LONGEST_CEREMONY: Duration = Duration::from_secs(600);

/// How long the core waits for the platform's answer to a request with `timeout_ms`. A password
/// manager that never answers (PLATFORM.md reports providers that do not) would otherwise hold
/// the app's one ceremony turn until the process dies: no passkey sign-in, and for an account
/// that requires passkeys no sign-in at all. Past it the request is dropped, which cancels the
/// platform call (the shells end the sheet when the core drops a request), and the flow ends
/// with [`PasskeysError::TimedOut`]. A passkey the platform made just as the wait ended stays
/// in the password manager unknown to the server; the server's ceremony has ended by then (its
/// lifetime is the options' `timeout`), so its finish would have been refused anyway.
fn platform_deadline(timeout_ms: Option<u32>) -> Duration {
    let asked = match timeout_ms {
        None | Some(0) => DEFAULT_CEREMONY_TIME,
        Some(ms) => Duration::from_millis(u64::from(ms)).max(SHORTEST_CEREMONY),
    };
    asked.saturating_add(PLATFORM_GRACE).min(LONGEST_CEREMONY)
}

/// A checked registration response, ready to send.
pub(crate) struct Created {
    /// `RegistrationResponseJSON` exactly as the platform produced it.
    pub(crate) json: String,
    /// What the core checked.
    pub(crate) checked: CheckedRegistration,
}

/// Ceremonies on the platform, one at a time.
#[derive(Clone)]
pub(crate) struct Ceremonies {
    platform: Arc<dyn PlatformAuthenticator>,
    config: Arc<Config>,
    turn: Arc<Mutex<()>>,
}

impl Ceremonies {
    pub(crate) fn new(platform: Arc<dyn PlatformAuthenticator>, config: Arc<Config>) -> Self {
        Self {
            platform,
            config,
            turn: Arc::new(Mutex::new(())),
        }
    }

    /// The app's one ceremony turn, held while a flow runs its ceremony and the requests around
    /// it; [`PasskeysError::InProgress`] when another flow holds it.
    pub(crate) fn turn(&self) -> Result<MutexGuard<'_, ()>, PasskeysError> {
        self.turn.try_lock().map_err(|_| PasskeysError::InProgress)
    }

    /// What the device can do right now, asked for at most [`SIGNAL_TIME`]: a platform that
    /// never answers ends the check with [`PasskeysError::TimedOut`] rather than holding Enable's
    /// first step for ever. The platform's own words for a reason ([`UnavailableReason::Other`])
    /// are kept as they may be shown: without control or reordering characters, capped.
    pub(crate) async fn capabilities(&self) -> Result<Capabilities, PasskeysError> {
        let mut capabilities = tokio::time::timeout(SIGNAL_TIME, self.platform.capabilities())
            .await
            .map_err(|_| PasskeysError::TimedOut)?;
        if let Some(UnavailableReason::Other { detail }) = &mut capabilities.unavailable_reason {
            *detail = crate::text::shown(detail, MAX_PLATFORM_DETAIL);
        }
        Ok(capabilities)
    }

    fn expected<'a>(&'a self, challenge: &'a [u8]) -> Expected<'a> {
        Expected {
            rp_id: &self.config.rp_id,
            origins: &self.config.allowed_origins,
            challenge,
        }
    }

    /// Run a registration ceremony for `options_json`.
    pub(crate) async fn create(&self, options_json: &str) -> Result<Created, PasskeysError> {
        let request = prepare_create(options_json, &self.config.rp_id)?;
        let challenge = request.challenge.clone();
        let excluded = request.exclude_credential_ids.clone();
        let deadline = platform_deadline(request.timeout_ms);
        let json = tokio::time::timeout(deadline, self.platform.create(request))
            .await
            .map_err(|_| PasskeysError::TimedOut)??;
        let checked = check_registration(&json, &self.expected(&challenge))?;
        if excluded.contains(&checked.credential_id) {
            // Never sent, so never refused, so never forgotten: the id is the account's own.
            return Err(ResponseError::ExcludedCredential.into());
        }
        Ok(Created { json, checked })
    }

    /// Run an assertion ceremony for `options_json`; returns `AuthenticationResponseJSON`
    /// exactly as the platform produced it, once checked.
    pub(crate) async fn get(&self, options_json: &str) -> Result<String, PasskeysError> {
        let request = prepare_get(options_json, &self.config.rp_id)?;
        let challenge = request.challenge.clone();
        let allowed = request.allow_credential_ids.clone();
        let deadline = platform_deadline(request.timeout_ms);
        let json = tokio::time::timeout(deadline, self.platform.get(request))
            .await
            .map_err(|_| PasskeysError::TimedOut)??;
        check_assertion(&json, &self.expected(&challenge), &allowed)?;
        Ok(json)
    }

    /// Best effort: the password manager forgets a credential the server does not know.
    pub(crate) async fn forget(&self, credential_id: Vec<u8>) {
        let signal = self
            .platform
            .signal_unknown_credential(self.config.rp_id.clone(), credential_id);
        let _ = tokio::time::timeout(SIGNAL_TIME, signal).await;
    }

    /// Whether the platform takes signals, asked for at most [`SIGNAL_TIME`].
    async fn takes_signals(&self) -> bool {
        tokio::time::timeout(SIGNAL_TIME, self.platform.capabilities())
            .await
            .is_ok_and(|c| c.supports_signals)
    }

    /// Best effort, where the platform supports signals: tell the password manager which of the
    /// user's credentials the server still accepts and the user's current names, so it hides
    /// deleted passkeys and shows renamed accounts. Returns whether the signals were sent.
    pub(crate) async fn tell_accepted(
        &self,
        user: &PasskeyUser,
        credential_ids: Vec<Vec<u8>>,
    ) -> bool {
        if !self.takes_signals().await {
            return false;
        }
        let rp_id = self.config.rp_id.clone();
        let accepted = self.platform.signal_all_accepted_credentials(
            rp_id.clone(),
            user.id.clone(),
            credential_ids,
        );
        let accepted = tokio::time::timeout(SIGNAL_TIME, accepted).await;
        let details = self.platform.signal_current_user_details(
            rp_id,
            user.id.clone(),
            user.name.clone(),
            user.display_name.clone(),
        );
        let details = tokio::time::timeout(SIGNAL_TIME, details).await;
        matches!((accepted, details), (Ok(Ok(())), Ok(Ok(()))))
    }

    /// Signals after a change whose answer does not name the user: the account's passkeys are
    /// read first (one request, made only where the platform takes signals). Best effort.
    pub(crate) async fn tell_accepted_now(&self, http: &Http, session: &SessionToken) {
        if !self.takes_signals().await {
            return;
        }
        if let Ok(list) = http.passkeys(session).await
            && let Some(user) = list.user
        {
            let ids = list
                .passkeys
                .iter()
                .map(|p| p.credential_id.clone())
                .collect();
            self.tell_accepted(&user.into(), ids).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};

    use async_trait::async_trait;

    use super::*;
    use crate::encoding::base64url;
    use crate::platform::{CreateRequest, GetRequest, PlatformError};

    /// A password manager that never answers (PLATFORM.md: some providers do not), and records
    /// whether the core dropped, so cancelled, its request.
    #[derive(Default)]
    struct NeverAnswers {
        dropped: Arc<AtomicBool>,
        /// Whether the capability check never answers either (else it says signals are taken).
        silent_capabilities: AtomicBool,
    }

    /// Sets its flag when the pending platform call is dropped.
    struct OnDrop(Arc<AtomicBool>);

    impl Drop for OnDrop {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    impl NeverAnswers {
        async fn hang(&self) -> Result<String, PlatformError> {
            let _guard = OnDrop(self.dropped.clone());
            std::future::pending().await
        }
    }

    #[async_trait]
    impl PlatformAuthenticator for NeverAnswers {
        async fn capabilities(&self) -> Capabilities {
            if self.silent_capabilities.load(Ordering::SeqCst) {
                std::future::pending().await
            }
            Capabilities::ready_device()
        }
        async fn create(&self, _: CreateRequest) -> Result<String, PlatformError> {
            self.hang().await
        }
        async fn get(&self, _: GetRequest) -> Result<String, PlatformError> {
            self.hang().await
        }
        async fn signal_unknown_credential(
            &self,
            _: String,
            _: Vec<u8>,
        ) -> Result<(), PlatformError> {
            self.hang().await.map(|_| ())
        }
        async fn signal_all_accepted_credentials(
            &self,
            _: String,
            _: Vec<u8>,
            _: Vec<Vec<u8>>,
        ) -> Result<(), PlatformError> {
            self.hang().await.map(|_| ())
        }
        async fn signal_current_user_details(
            &self,
            _: String,
            _: Vec<u8>,
            _: String,
            _: String,
        ) -> Result<(), PlatformError> {
            self.hang().await.map(|_| ())
        }
    }

    fn ceremonies(platform: Arc<NeverAnswers>) -> Ceremonies {
        let config = Config::for_loopback_test_server("http://127.0.0.1:9", "bingx.test").unwrap();
        Ceremonies::new(platform, Arc::new(config))
    }

    fn request_options(timeout: Option<u64>) -> String {
        let mut options = serde_json::json!({
            "challenge": base64url::encode(&[9u8; 32]),
            "rpId": "bingx.test",
            "allowCredentials": [{"type": "public-key", "id": base64url::encode(&[4, 5])}],
            "userVerification": "required"
        });
        if let Some(ms) = timeout {
            options["timeout"] = ms.into();
        }
        options.to_string()
    }

    fn creation_options() -> String {
        serde_json::json!({
            "rp": {"id": "bingx.test", "name": "BingX"},
            "user": {"id": "dXNlci0x", "name": "alice@bingx.test", "displayName": "Alice"},
            "challenge": base64url::encode(&[7u8; 32]),
            "pubKeyCredParams": [{"type": "public-key", "alg": -7}],
            "timeout": 60000,
            "excludeCredentials": [],
            "authenticatorSelection": {"residentKey": "required", "userVerification": "required"},
            "attestation": "none"
        })
        .to_string()
    }

    /// `f`'s output, failing the test if it takes an hour of the (paused) clock: without a
    /// deadline of its own the core would wait for ever.
    async fn within_an_hour<T>(f: impl Future<Output = T>) -> T {
        tokio::time::timeout(Duration::from_secs(3600), f)
            .await
            .expect("the core waited for the platform for ever")
    }

    #[tokio::test(start_paused = true)]
    async fn a_password_manager_that_never_answers_times_out_and_frees_the_turn() {
        let platform = Arc::new(NeverAnswers::default());
        let ceremonies = ceremonies(platform.clone());
        let turn = ceremonies.turn().unwrap();
        let started = tokio::time::Instant::now();
        let result = within_an_hour(ceremonies.get(&request_options(Some(180_000)))).await;
        assert_eq!(result, Err(PasskeysError::TimedOut));
        // The options' three minutes and the grace, not less: a slow user is not cut off.
        assert!(started.elapsed() >= Duration::from_secs(210));
        assert!(
            platform.dropped.load(Ordering::SeqCst),
            "the request was not cancelled"
        );
        drop(turn);
        assert!(
            ceremonies.turn().is_ok(),
            "the next flow would be refused as in progress"
        );

        platform.dropped.store(false, Ordering::SeqCst);
        let created = within_an_hour(ceremonies.create(&creation_options())).await;
        assert!(matches!(created, Err(PasskeysError::TimedOut)));
        assert!(platform.dropped.load(Ordering::SeqCst));

        // Signals are best effort: one that never answers is given up on, turn or not, and so
        // is a capability check before them that never answers.
        within_an_hour(ceremonies.forget(vec![1, 2, 3])).await;
        let user = PasskeyUser {
            id: vec![1],
            name: "alice@bingx.test".into(),
            display_name: "Alice".into(),
        };
        assert!(!within_an_hour(ceremonies.tell_accepted(&user, vec![vec![1]])).await);
        platform.silent_capabilities.store(true, Ordering::SeqCst);
        assert!(!within_an_hour(ceremonies.tell_accepted(&user, vec![vec![1]])).await);
    }

    #[test]
    fn the_wait_follows_the_options_within_bounds() {
        assert_eq!(platform_deadline(Some(300_000)), Duration::from_secs(330));
        assert_eq!(platform_deadline(None), Duration::from_secs(330));
        assert_eq!(platform_deadline(Some(0)), Duration::from_secs(330));
        // A short timeout in the options does not cut a slow user off; a long one is capped.
        assert_eq!(platform_deadline(Some(60_000)), Duration::from_secs(150));
        assert_eq!(platform_deadline(Some(u32::MAX)), LONGEST_CEREMONY);
    }
}
