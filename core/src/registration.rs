//! Adding a passkey, the mechanism both Enable and the Passkeys page use: begin (authorised by a
//! step-up or a passkey proof) → ceremony → finish with the flag on. The checked response is kept
//! in the keystore until the server answers, so a crash or a dropped connection loses nothing and
//! the retry resends it rather than running a second ceremony.
//!
//! The server binds a ceremony to the session that began it (`CEREMONY_MISMATCH` otherwise), so a
//! kept result is only ever resent by that session: after a sign-out and a new sign-in, as the
//! same account or another, it is dropped unsent. And the password manager is told to forget the
//! new passkey only when the server's refusal proves it stored nothing for the ceremony: a result
//! whose fate is unknown may be the passkey the server now requires (forgetting it would lock the
//! user out).

use serde::{Deserialize, Serialize};

use crate::ceremony::Ceremonies;
use crate::encoding::base64url;
use crate::error::PasskeysError;
use crate::http::{AddAuthorisation, Http, RequestError};
use crate::policy::PolicyCache;
use crate::secret::SessionToken;
use crate::store::{SecretStore, StoreError};
use crate::vocabulary::ServerCode;
use crate::wire::PasskeyAdded;

#[derive(Serialize, Deserialize)]
struct PendingRegistration {
    ceremony_id: String,
    credential_json: String,
    credential_id: Vec<u8>,
    name: Option<String>,
    /// [`session_binding`] of the session that began the ceremony. Empty in a result kept by an
    /// older version, which no session then resends.
    #[serde(default)]
    session: String,
    /// Whether the finish turns the requirement on (Enable); an addition from the Passkeys page
    /// never does. A result kept by an older version, which always asked, resends `true`.
    #[serde(default = "enable_by_default")]
    enable: bool,
}

fn enable_by_default() -> bool {
    true
}

/// Which session a kept result belongs to, without keeping the token twice: base64url of the
/// token's SHA-256.
fn session_binding(session: &SessionToken) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, session.expose_secret().as_bytes());
    base64url::encode(digest.as_ref())
}

/// Whether a refusal of a finish proves the server stored nothing for the ceremony. A conforming
/// server answers the exact retry of a finish that succeeded with 200, so a refusal it decides
/// on the unused ceremony (verification failed, expired, the step-up or proof no longer holds,
/// the account's passkeys at their bound) proves it. The other refusals (another session's,
/// unknown or used ceremony, a credential id already held, a code this core does not know) leave
/// the passkey's fate unknown; they end the kept result without a word to the password manager.
/// What is no refusal at all (no answer, an answer it cannot read, a connection it does not
/// trust) keeps the result for a resend.
fn stored_nothing(error: &RequestError) -> bool {
    matches!(
        error.code(),
        Some(
            ServerCode::RegistrationRejected
                | ServerCode::CeremonyExpired
                | ServerCode::StepUpRequired
                | ServerCode::StepUpExpired
                | ServerCode::PasskeyVerificationRequired
                | ServerCode::PasskeyLimit
        )
    )
}

/// Longest passkey name the contract takes, in characters.
const MAX_NAME_CHARS: usize = 64;

/// A passkey name the user typed, as the server will take it: without control characters and
/// bidirectional embeddings, overrides or isolates, trimmed, at most 64 characters; `None` when
/// nothing is left. The server refuses other names with 400 `BAD_REQUEST`, which comes only after
/// the password manager's ceremony: at a finish, that refusal would leave a passkey in the password
/// manager that the server never stored (a 400 does not prove to the core that nothing was
/// stored, so it does not tell the password manager to forget it).
pub(crate) fn passkey_name(typed: &str) -> Option<String> {
    let name = crate::text::shown(typed, usize::MAX);
    let name: String = name.trim().chars().take(MAX_NAME_CHARS).collect();
    let name = name.trim_end();
    (!name.is_empty()).then(|| name.to_owned())
}

/// Registrations of new passkeys.
#[derive(Clone)]
pub(crate) struct Registrations {
    http: Http,
    ceremonies: Ceremonies,
    store: SecretStore,
    policy: PolicyCache,
}

impl Registrations {
    pub(crate) fn new(
        http: Http,
        ceremonies: Ceremonies,
        store: SecretStore,
        policy: PolicyCache,
    ) -> Self {
        Self {
            http,
            ceremonies,
            store,
            policy,
        }
    }

    /// Whether a ceremony result of `session` waits to be sent.
    pub(crate) fn has_pending(&self, session: &SessionToken) -> Result<bool, PasskeysError> {
        Ok(self.pending(session)?.is_some())
    }

    /// The kept ceremony result of `session`, if any. One the keystore can no longer read (its
    /// key was lost, the entry corrupted) or that no longer parses is dropped, and so is one of
    /// another session (a sign-out and a new sign-in since), which the server refuses for good:
    /// none can ever be sent, and keeping it would refuse every later Enable (a lock-out). The
    /// password manager is not told to forget its passkey: the server may hold it (the finish
    /// committed and only its answer was lost), and the next signals of the accepted passkeys
    /// settle it either way.
    fn pending(
        &self,
        session: &SessionToken,
    ) -> Result<Option<PendingRegistration>, PasskeysError> {
        let stored = match self.store.pending_registration() {
            Err(StoreError::Corrupt) => None,
            other => match other? {
                None => return Ok(None),
                Some(stored) => serde_json::from_str::<PendingRegistration>(&stored).ok(),
            },
        };
        match stored {
            Some(pending) if pending.session == session_binding(session) => Ok(Some(pending)),
            _ => {
                self.store.clear_pending_registration()?;
                Ok(None)
            }
        }
    }

    /// Register a passkey. The caller holds the ceremony turn. `enable`: `Some(keep)` turns the
    /// requirement on (Enable), and then only the account's passkeys in `keep` stay; `None` adds
    /// the passkey and changes nothing else.
    pub(crate) async fn register(
        &self,
        session: &SessionToken,
        authorisation: AddAuthorisation<'_>,
        name: Option<&str>,
        enable: Option<&[Vec<u8>]>,
    ) -> Result<PasskeyAdded, PasskeysError> {
        let started = self
            .http
            .registration_begin(session, authorisation, enable)
            .await?;
        let created = self.ceremonies.create(&started.options_json).await?;
        let pending = PendingRegistration {
            ceremony_id: started.ceremony_id,
            credential_json: created.json,
            credential_id: created.checked.credential_id,
            name: name.and_then(passkey_name),
            session: session_binding(session),
            enable: enable.is_some(),
        };
        // Kept until the server answers, so a crash or a dropped connection loses nothing.
        let serialized = serde_json::to_string(&pending).map_err(|_| StoreError::Corrupt)?;
        if let Err(e) = self.store.set_pending_registration(&serialized) {
            // Not kept (a locked keystore, a full disk), so never sent: the server stores nothing
            // for this ceremony, and the retry runs a new one. The password manager forgets the
            // passkey — only once no kept copy can be left (a write that failed after it landed),
            // which a later resend could make the passkey the server requires.
            if self.store.clear_pending_registration().is_ok() {
                self.ceremonies.forget(pending.credential_id).await;
            }
            return Err(e.into());
        }
        self.send(session, pending).await
    }

    /// Send a registration the server may not have stored yet. `None` when nothing was pending.
    pub(crate) async fn send_pending(
        &self,
        session: &SessionToken,
    ) -> Result<Option<PasskeyAdded>, PasskeysError> {
        let Some(pending) = self.pending(session)? else {
            return Ok(None);
        };
        self.send(session, pending).await.map(Some)
    }

    async fn send(
        &self,
        session: &SessionToken,
        pending: PendingRegistration,
    ) -> Result<PasskeyAdded, PasskeysError> {
        let result = self
            .http
            .registration_finish(
                session,
                &pending.ceremony_id,
                &pending.credential_json,
                pending.name.as_deref(),
                pending.enable,
            )
            .await;
        match result {
            Ok(added) => {
                // The policy first: if the keystore cannot keep it, the result stays pending and
                // the retry resends it (the server answers a repeat the same way), instead of
                // beginning again with a step-up the finish has spent.
                self.policy.remember(&added.policy, None)?;
                self.store.clear_pending_registration()?;
                Ok(added)
            }
            // No answer the core can take as the server's word — a dropped connection, a 5xx, an
            // answer it cannot read (a captive portal's page, a body cut short), a connection it
            // does not trust: the server may or may not have stored it. Keep it and resend later
            // (a conforming server answers the exact resend of a finish it stored with 200).
            // An answer it cannot read is then reported as the network failure it most likely
            // is, so that the app offers the retry that resends it.
            Err(RequestError::InvalidAnswer) => Err(PasskeysError::Network),
            Err(e) if e.is_retryable() || e.code().is_none() => Err(e.into()),
            // Refused for good: never sent again. The password manager forgets the passkey only
            // when the server surely does not hold it.
            Err(e) => {
                // Told to forget even when the keystore then fails to drop the kept copy: a resend
                // of it could no longer prove that the server stored nothing.
                let cleared = self.store.clear_pending_registration();
                if stored_nothing(&e) {
                    self.ceremonies.forget(pending.credential_id).await;
                }
                cleared?;
                Err(e.into())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(code: &str) -> RequestError {
        RequestError::Refused {
            status: 400,
            code: ServerCode::parse(code),
            message: String::new(),
            until: None,
        }
    }

    #[test]
    fn only_a_refusal_of_the_unused_ceremony_makes_the_password_manager_forget() {
        for code in [
            "REGISTRATION_REJECTED",
            "CEREMONY_EXPIRED",
            "STEP_UP_REQUIRED",
            "STEP_UP_EXPIRED",
            "PASSKEY_VERIFICATION_REQUIRED",
            "PASSKEY_LIMIT",
        ] {
            assert!(stored_nothing(&refused(code)), "{code}");
        }
        // The server may hold the passkey (a committed finish whose answer was lost, a used
        // ceremony a server purged, a session that ended): its fate is unknown.
        for code in [
            "CEREMONY_MISMATCH",
            "CEREMONY_NOT_FOUND",
            "CEREMONY_USED",
            "CREDENTIAL_ALREADY_REGISTERED",
            "UNAUTHENTICATED",
            "BAD_REQUEST",
            "SOMETHING_NEW",
        ] {
            assert!(!stored_nothing(&refused(code)), "{code}");
        }
        assert!(!stored_nothing(&RequestError::InvalidAnswer));
        assert!(!stored_nothing(&RequestError::UntrustedServer {
            pin_mismatch: true
        }));
    }

    #[test]
    fn names_are_made_what_the_server_takes_before_the_ceremony() {
        assert_eq!(passkey_name("  Work phone "), Some("Work phone".to_owned()));
        assert_eq!(
            passkey_name("\u{202E}enohp\u{7} krow"),
            Some("enohp krow".to_owned())
        );
        // Direction marks stay: Arabic and Hebrew names hold them.
        assert_eq!(
            passkey_name("هاتف\u{200F} 2"),
            Some("هاتف\u{200F} 2".to_owned())
        );
        assert_eq!(passkey_name(" \u{2066}\u{2069} "), None);
        let long = passkey_name(&"名".repeat(100)).unwrap();
        assert_eq!(long.chars().count(), 64);
        assert_eq!(
            passkey_name(&format!("{} x", "a".repeat(63)))
                .unwrap()
                .len(),
            63
        );
    }

    #[test]
    fn a_result_kept_by_an_older_version_still_turns_the_requirement_on() {
        // Before the Passkeys page's additions stopped enabling, every kept result was Enable's.
        let older = r#"{"ceremony_id":"c","credential_json":"{}","credential_id":[1],"name":null,"session":"s"}"#;
        let pending: PendingRegistration = serde_json::from_str(older).unwrap();
        assert!(pending.enable);
        let addition = PendingRegistration {
            enable: false,
            ..pending
        };
        let again: PendingRegistration =
            serde_json::from_str(&serde_json::to_string(&addition).unwrap()).unwrap();
        assert!(!again.enable);
    }

    #[test]
    fn a_result_is_bound_to_its_session_without_keeping_the_token() {
        let a = SessionToken::new("session-a-secret".into());
        let b = SessionToken::new("session-b-secret".into());
        assert_eq!(session_binding(&a), session_binding(&a));
        assert_ne!(session_binding(&a), session_binding(&b));
        assert!(!session_binding(&a).contains("secret"));
    }
}
