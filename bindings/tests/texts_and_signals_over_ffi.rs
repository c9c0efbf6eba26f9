//! What a UI needs from the FFI surface beyond the journeys' results, against the reference
//! server:
//! - every error a journey produces names a text to show (`error_text`): a key of the repository's
//!   `i18n/texts.toml`, with exactly the table's placeholders, in every language we ship;
//! - the password manager hears what the Passkeys page changed (signals): after a delete, which
//!   passkeys the server still accepts; after a rename, the account's current names.
//!
//! The platform is a foreign-style `PlatformAuthenticator` (`Phone`): the software password manager
//! behind the FFI records, which can also throw what a shell's error mapping throws.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bingx_passkeys::{
    PasskeysClient, PlatformAuthenticator, PlatformAuthenticatorError, SecureStore,
    SecureStoreError, SignInStep, error_is_retryable, error_text,
};
use bingx_passkeys_core::{
    Capabilities, CreateRequest, Factor, GetRequest, LoginPath, PasskeysError, Scenario, Step,
    UnavailableReason,
};
use bingx_passkeys_testkit::harness::{Harness, RP_ID, TestAccount, TwoPasswordManagers};
use bingx_passkeys_testkit::softpm::{Fault, Signal, SoftPasswordManager};
use bingx_passkeys_testkit::texts::{Lang, Texts};
use common::{Keystore, Shell};

/// A phone's platform authenticator as a shell implements it: the password manager(s) behind the
/// FFI records (`Shell`); the next create can be made to throw what a shell's error mapping
/// throws (Android's `CredentialErrors`); every registration request it was handed is kept.
struct Phone {
    shell: Shell,
    fail_next_create: Mutex<Option<PlatformAuthenticatorError>>,
    created_for: Mutex<Vec<CreateRequest>>,
}

impl Phone {
    fn new(platform: Arc<dyn bingx_passkeys_core::PlatformAuthenticator>) -> Arc<Self> {
        Arc::new(Self {
            shell: Shell(platform),
            fail_next_create: Mutex::new(None),
            created_for: Mutex::new(Vec::new()),
        })
    }

    fn fail_next_create(&self, error: PlatformAuthenticatorError) {
        *self.fail_next_create.lock().unwrap() = Some(error);
    }

    /// The user the server's registration options named (handle, name, display name).
    fn user(&self) -> (Vec<u8>, String, String) {
        let created = self.created_for.lock().unwrap();
        let users: BTreeSet<_> = created
            .iter()
            .map(|r| {
                (
                    r.user_id.clone(),
                    r.user_name.clone(),
                    r.user_display_name.clone(),
                )
            })
            .collect();
        assert_eq!(users.len(), 1, "one account on this phone: {users:?}");
        users.into_iter().next().unwrap()
    }
}

#[async_trait::async_trait]
impl PlatformAuthenticator for Phone {
    async fn capabilities(&self) -> Result<Capabilities, PlatformAuthenticatorError> {
        self.shell.capabilities().await
    }

    async fn create(&self, request: CreateRequest) -> Result<String, PlatformAuthenticatorError> {
        if let Some(error) = self.fail_next_create.lock().unwrap().take() {
            return Err(error);
        }
        self.created_for.lock().unwrap().push(request.clone());
        self.shell.create(request).await
    }

    async fn get(&self, request: GetRequest) -> Result<String, PlatformAuthenticatorError> {
        self.shell.get(request).await
    }

    async fn signal_unknown_credential(
        &self,
        rp_id: String,
        credential_id: Vec<u8>,
    ) -> Result<(), PlatformAuthenticatorError> {
        self.shell
            .signal_unknown_credential(rp_id, credential_id)
            .await
    }

    async fn signal_all_accepted_credentials(
        &self,
        rp_id: String,
        user_id: Vec<u8>,
        credential_ids: Vec<Vec<u8>>,
    ) -> Result<(), PlatformAuthenticatorError> {
        self.shell
            .signal_all_accepted_credentials(rp_id, user_id, credential_ids)
            .await
    }

    async fn signal_current_user_details(
        &self,
        rp_id: String,
        user_id: Vec<u8>,
        name: String,
        display_name: String,
    ) -> Result<(), PlatformAuthenticatorError> {
        self.shell
            .signal_current_user_details(rp_id, user_id, name, display_name)
            .await
    }
}

/// A phone as shipped (the app's keystore, the pinned policy key) on `platform`.
async fn client(h: &Harness, platform: Arc<Phone>) -> (Arc<PasskeysClient>, Arc<Keystore>) {
    let keystore = Arc::new(Keystore::default());
    let config = common::config(h, Some(common::policy_key(h).await));
    let client = PasskeysClient::new(config, platform, keystore.clone()).unwrap();
    (client, keystore)
}

/// Password, then the emailed code or the passkey, whichever the server asks for.
async fn sign_in(h: &Harness, client: &PasskeysClient, account: &TestAccount) {
    let sign_in = client.sign_in();
    let step = sign_in
        .with_password(
            account.email.clone(),
            account.password.clone(),
            "phone".to_owned(),
            None,
        )
        .await
        .unwrap();
    match step {
        SignInStep::SignedIn { .. } => {}
        SignInStep::PasskeyRequired { login_id } => {
            sign_in.complete_with_passkey(login_id).await.unwrap();
        }
        SignInStep::CodeRequired { login_id, .. } => {
            let code = h.code_for(&account.email, "login").await;
            sign_in
                .complete_with_code(login_id, Factor::Email, code, false)
                .await
                .unwrap();
        }
    }
}

/// Enable on a signed-in phone: device check, warning, password and emailed code, passkey.
async fn enable(h: &Harness, client: &PasskeysClient, account: &TestAccount) {
    let flow = client.enable();
    flow.check_device().await.unwrap();
    flow.acknowledge_warning().unwrap();
    flow.start_step_up().await.unwrap();
    let code = h.code_for(&account.email, "step_up").await;
    flow.finish_step_up(account.password.clone(), Factor::Email, code)
        .await
        .unwrap();
    flow.create_passkey(Some("Phone".to_owned())).await.unwrap();
}

/// The repository's table of texts, read from disk as `scripts/texts` reads it.
fn table() -> Texts {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../i18n/texts.toml");
    let source =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Texts::parse(&source).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The variant's name, as Kotlin's `PasskeysException.<Name>` and Swift's `.<Name>` spell it.
fn variant(error: &PasskeysError) -> String {
    format!("{error:?}")
        .split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap()
        .to_owned()
}

/// What a UI shows for `error`, in every language of the table; fails when the table lacks the
/// key, a language or a placeholder's value, or when the core's values name other placeholders
/// than the table's.
fn shown(table: &Texts, error: &PasskeysError) -> BTreeMap<Lang, String> {
    let text = error_text(error.clone());
    let entry = table.entry(&text.key).unwrap_or_else(|e| {
        panic!(
            "{error:?} names {}, which i18n/texts.toml lacks: {e}",
            text.key
        )
    });
    let given: Vec<&str> = text.args.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(given, entry.placeholders, "{error:?} ({})", text.key);
    Lang::ALL
        .into_iter()
        .map(|lang| {
            let shown = table
                .format_text(&text, lang)
                .unwrap_or_else(|e| panic!("{error:?} ({}) in {lang:?}: {e}", text.key));
            assert!(
                !shown.trim().is_empty(),
                "{error:?} ({}) in {lang:?}",
                text.key
            );
            (lang, shown)
        })
        .collect()
}

/// A keystore that is locked (before first unlock, a locked Keychain).
struct LockedKeystore;

impl SecureStore for LockedKeystore {
    fn get(&self, _: String) -> Result<Option<String>, SecureStoreError> {
        Err(SecureStoreError::Unavailable {
            detail: "locked".to_owned(),
        })
    }

    fn set(&self, _: String, _: String) -> Result<(), SecureStoreError> {
        Err(SecureStoreError::Unavailable {
            detail: "locked".to_owned(),
        })
    }

    fn delete(&self, _: String) -> Result<(), SecureStoreError> {
        Err(SecureStoreError::Unavailable {
            detail: "locked".to_owned(),
        })
    }
}

/// `result`'s error, kept in `errors`; panics on success.
fn refused<T: std::fmt::Debug>(
    errors: &mut Vec<PasskeysError>,
    what: &str,
    result: Result<T, PasskeysError>,
) -> PasskeysError {
    let error = result.expect_err(what);
    errors.push(error.clone());
    error
}

#[tokio::test]
async fn every_error_a_journey_produces_names_a_text_of_the_table_in_every_language() {
    let h = Harness::start().await;
    let alice = h.sign_up("alice@texts.ffi.test").await;
    let pm = h.password_manager();
    let phone = Phone::new(pm.clone());
    let (app, keystore) = client(&h, phone.clone()).await;
    let mut errors = Vec::new();
    let e = &mut errors;

    // Signed out, and sign-in steps out of order: an attempt this client never began (the app
    // cannot make one up; another install's is the nearest).
    refused(e, "signed out", app.passkeys().list().await);
    let (other, _) = client(&h, phone.clone()).await;
    let step = other
        .sign_in()
        .with_password(
            alice.email.clone(),
            alice.password.clone(),
            "other".into(),
            None,
        )
        .await
        .unwrap();
    let SignInStep::CodeRequired {
        login_id: others, ..
    } = step
    else {
        panic!("a code first: {step:?}");
    };
    refused(
        e,
        "a code before the password",
        app.sign_in()
            .complete_with_code(others, Factor::Email, "1".into(), false)
            .await,
    );
    let wrong_password = app
        .sign_in()
        .with_password(alice.email.clone(), "wrong".into(), "phone".into(), None)
        .await;
    refused(e, "a wrong password", wrong_password);
    let step = app
        .sign_in()
        .with_password(
            alice.email.clone(),
            alice.password.clone(),
            "phone".into(),
            None,
        )
        .await
        .unwrap();
    let SignInStep::CodeRequired { login_id, .. } = step else {
        panic!("a code first: {step:?}");
    };
    refused(
        e,
        "a wrong code",
        app.sign_in()
            .complete_with_code(login_id.clone(), Factor::Email, "000000".into(), false)
            .await,
    );
    let code = h.code_for(&alice.email, "login").await;
    app.sign_in()
        .complete_with_code(login_id, Factor::Email, code, false)
        .await
        .unwrap();

    // Enable, every step out of order, then every way the device and the sheet fail.
    let flow = app.enable();
    refused(e, "warning first", flow.acknowledge_warning());
    pm.set_capabilities(Capabilities {
        user_can_authenticate: false,
        unavailable_reason: Some(UnavailableReason::NoScreenLock),
        ..Capabilities::ready_device()
    });
    refused(e, "no screen lock", flow.check_device().await);
    pm.set_capabilities(Capabilities {
        password_manager_available: false,
        unavailable_reason: Some(UnavailableReason::Other {
            detail: "work profile".into(),
        }),
        ..Capabilities::ready_device()
    });
    refused(e, "another reason", flow.check_device().await);
    pm.set_capabilities(Capabilities::ready_device());
    pm.set_fault(Some(Fault::NoPasswordManager));
    refused(e, "no password manager", flow.check_device().await);
    pm.set_fault(None);
    flow.check_device().await.unwrap();
    refused(e, "accept the warning first", flow.start_step_up().await);
    flow.acknowledge_warning().unwrap();
    refused(
        e,
        "request a code first",
        flow.finish_step_up(alice.password.clone(), Factor::Email, "1".into())
            .await,
    );
    refused(e, "verify first", flow.create_passkey(None).await);
    flow.start_step_up().await.unwrap();
    let code = h.code_for(&alice.email, "step_up").await;
    flow.finish_step_up(alice.password.clone(), Factor::Email, code)
        .await
        .unwrap();
    for fault in [
        Fault::Cancel,
        Fault::Timeout,
        Fault::Interrupted,
        Fault::WrongChallenge,
    ] {
        pm.set_fault(Some(fault.clone()));
        refused(e, &format!("{fault:?}"), flow.create_passkey(None).await);
    }
    pm.set_fault(None);
    for thrown in [
        PlatformAuthenticatorError::DomainNotAssociated {
            detail: "The incoming request cannot be validated".into(),
        },
        PlatformAuthenticatorError::AlreadyRegistered,
        PlatformAuthenticatorError::Other {
            kind: "androidx.credentials.TYPE_UNKNOWN_ERROR".into(),
            detail: "unknown".into(),
        },
    ] {
        phone.fail_next_create(thrown.clone());
        refused(e, &format!("{thrown:?}"), flow.create_passkey(None).await);
    }
    // Two taps at once: the second is refused while the first's sheet is up.
    pm.set_delay(Duration::from_millis(500));
    let (first, second) = tokio::join!(flow.create_passkey(None), async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        flow.create_passkey(None).await
    });
    pm.set_delay(Duration::ZERO);
    first.unwrap();
    refused(e, "a second tap", second);

    // Passkeys required: codes, blocked paths, the last passkey, an unknown scenario.
    app.passkeys().policy().await.unwrap();
    let (tablet, _) = client(&h, Phone::new(h.password_manager())).await;
    let step = tablet
        .sign_in()
        .with_password(
            alice.email.clone(),
            alice.password.clone(),
            "tablet".into(),
            None,
        )
        .await
        .unwrap();
    let SignInStep::PasskeyRequired { login_id } = step else {
        panic!("a passkey: {step:?}");
    };
    refused(
        e,
        "a code for a flagged account",
        tablet
            .sign_in()
            .complete_with_code(login_id.clone(), Factor::Email, "1".into(), false)
            .await,
    );
    refused(
        e,
        "no passkey on the tablet",
        tablet.sign_in().complete_with_passkey(login_id).await,
    );
    refused(e, "H5", app.sign_in().check_path(LoginPath::H5));
    refused(
        e,
        "third party",
        app.sign_in().check_path(LoginPath::ThirdParty),
    );
    let bob = h.sign_up("bob@texts.ffi.test").await;
    let (idp_status, idp) = h
        .raw(
            "POST",
            "/v1/testkit/idp/token",
            None,
            Some(serde_json::json!({"provider": "google", "email": bob.email})),
        )
        .await;
    assert_eq!(idp_status, 200, "{idp}");
    let token = idp["id_token"].as_str().unwrap();
    let forged = format!("{}x", &token[..token.len() - 1]);
    let (fresh, _) = client(&h, Phone::new(h.password_manager())).await;
    refused(
        e,
        "a forged id token",
        fresh
            .sign_in()
            .with_third_party("google".into(), forged)
            .await,
    );
    let only = app.passkeys().list().await.unwrap()[0]
        .credential_id
        .clone();
    refused(e, "the last passkey", app.passkeys().delete(only).await);
    let teleport = Scenario::Other {
        name: "teleport".into(),
    };
    refused(
        e,
        "an unknown scenario",
        app.scenarios().verify(teleport, Default::default()).await,
    );

    // The device's copy of the policy tampered with: fail closed.
    let name = format!("com.bingx.passkeys/policy:{}", alice.account_id);
    keystore.set(name, "{not json".into()).unwrap();
    let config = common::config(&h, Some(common::policy_key(&h).await));
    let restarted = PasskeysClient::new(config, phone.clone(), keystore.clone()).unwrap();
    refused(
        e,
        "a tampered policy",
        restarted.sign_in().check_path(LoginPath::H5),
    );

    // No network, a locked keystore, a bad configuration.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let offline = PasskeysClient::new(
        bingx_passkeys::PasskeysConfig {
            base_url: closed,
            ..common::config(&h, None)
        },
        phone.clone(),
        Arc::new(common::Keystore::default()),
    )
    .unwrap();
    refused(
        e,
        "no connection",
        offline
            .sign_in()
            .with_password(
                alice.email.clone(),
                alice.password.clone(),
                "x".into(),
                None,
            )
            .await,
    );
    let locked = PasskeysClient::new(
        common::config(&h, None),
        phone.clone(),
        Arc::new(LockedKeystore),
    );
    match locked {
        Ok(locked) => {
            refused(e, "a locked keystore", locked.sign_in().is_signed_in());
        }
        Err(error) => e.push(error),
    }
    refused(
        e,
        "plain http to a server that is not on loopback",
        PasskeysClient::new(
            bingx_passkeys::PasskeysConfig {
                base_url: "http://api.bingx.com".into(),
                allow_insecure_loopback: false,
                ..common::config(&h, None)
            },
            phone.clone(),
            Arc::new(common::Keystore::default()),
        ),
    );

    // Each one names a text of the table, in every language, with its values filled in.
    let table = table();
    let mut variants = BTreeSet::new();
    for error in &errors {
        let texts = shown(&table, error);
        variants.insert(variant(error));
        // Values fill placeholders; no placeholder is left for the user to see.
        for (lang, text) in &texts {
            assert!(!text.contains('{'), "{error:?} in {lang:?}: {text}");
        }
    }
    // The journey above produced them all: a UI has a text for each, in every language.
    let expected = [
        "NotSignedIn",
        "NotAllowedInThisState",
        "ServerRefused",
        "DeviceNotReady",
        "Cancelled",
        "TimedOut",
        "Interrupted",
        "InvalidResponse",
        "DomainNotAssociated",
        "AlreadyRegistered",
        "PasswordManagerFailed",
        "InProgress",
        "PasskeyRequired",
        "NoCredential",
        "PathBlocked",
        "LastPasskey",
        "NotSupported",
        "PolicyUnavailable",
        "Network",
        "KeystoreFailed",
        "InvalidConfig",
    ];
    let missing: Vec<_> = expected
        .iter()
        .filter(|v| !variants.contains(**v))
        .collect();
    assert!(
        missing.is_empty(),
        "no journey produced {missing:?}: {errors:#?}"
    );
    // Each step out of order names its own step, so the UI can lead the user back to it.
    let steps: BTreeSet<String> = errors
        .iter()
        .filter_map(|e| match e {
            PasskeysError::NotAllowedInThisState { needs } => Some(format!("{needs:?}")),
            _ => None,
        })
        .collect();
    for needs in [
        Step::CheckDevice,
        Step::AcceptWarning,
        Step::RequestCode,
        Step::VerifyStepUp,
        Step::SignInWithPassword,
    ] {
        assert!(
            steps.contains(&format!("{needs:?}")),
            "{needs:?}: {steps:?}"
        );
    }
    // Retry is offered where the same step may succeed as it is, and only there.
    for error in &errors {
        let retry = error_is_retryable(error.clone());
        match error {
            PasskeysError::Cancelled
            | PasskeysError::TimedOut
            | PasskeysError::Interrupted { .. }
            | PasskeysError::InProgress
            | PasskeysError::Network => assert!(retry, "{error:?}"),
            PasskeysError::NotSignedIn
            | PasskeysError::PasskeyRequired
            | PasskeysError::PathBlocked { .. }
            | PasskeysError::LastPasskey
            | PasskeysError::InvalidConfig { .. }
            | PasskeysError::NotAllowedInThisState { .. } => assert!(!retry, "{error:?}"),
            _ => {}
        }
    }
}

#[tokio::test]
async fn every_security_event_names_a_text_of_the_table() {
    let h = Harness::start().await;
    let alice = h.sign_up("alice@events.ffi.test").await;
    let phone = Phone::new(h.password_manager());
    let (app, _) = client(&h, phone).await;
    sign_in(&h, &app, &alice).await;
    enable(&h, &app, &alice).await;
    let (web, _) = client(&h, Phone::new(h.password_manager())).await;
    let blocked = web
        .sign_in()
        .with_h5(alice.email.clone(), alice.password.clone(), "web".into())
        .await;
    assert!(matches!(blocked, Err(PasskeysError::PathBlocked { .. })));

    let table = table();
    let events = app.passkeys().activity().await.unwrap();
    assert!(events.len() >= 2, "{events:?}");
    for event in events {
        let text = bingx_passkeys::security_event_text(event.clone());
        assert!(text.key.starts_with("activity."), "{event:?}: {}", text.key);
        for lang in Lang::ALL {
            let shown = table
                .format_text(&text, lang)
                .unwrap_or_else(|e| panic!("{event:?} ({}) in {lang:?}: {e}", text.key));
            assert!(!shown.trim().is_empty());
        }
    }
}

/// The signals a password manager received, after `from` (an earlier count).
fn since(pm: &SoftPasswordManager, from: usize) -> Vec<Signal> {
    pm.signals().into_iter().skip(from).collect()
}

/// The reference server names the account (`user`) in its answers to the Passkeys page's list,
/// rename and delete; the core signals only with it. Until the server change that adds it has
/// landed, the signal tests fail here, saying so.
fn awaiting_user_member(signals: &[Signal], what: &str) -> ! {
    panic!(
        "WAITING FOR THE SERVER: no {what} signal reached the password manager ({signals:?}). \
         The core sends it only when the server's answer names the account (`user`: id, name, \
         display_name in GET /v1/passkeys, PATCH and DELETE /v1/passkeys/{{id}}); the reference \
         server does not return it yet (change in progress in testkit/src/server)."
    )
}

#[tokio::test]
async fn j5_after_a_delete_the_password_manager_hears_exactly_the_passkeys_that_remain() {
    let h = Harness::start().await;
    let alice = h.sign_up("alice@signals.ffi.test").await;
    let first = h.password_manager();
    let second = h.password_manager();
    let both = Arc::new(TwoPasswordManagers {
        first: first.clone(),
        second: second.clone(),
    });
    let phone = Phone::new(both);
    let (app, _) = client(&h, phone.clone()).await;
    sign_in(&h, &app, &alice).await;
    enable(&h, &app, &alice).await;
    let page = app.passkeys();
    page.policy().await.unwrap();
    page.add(Some("Backup".to_owned())).await.unwrap();
    let before = page.list().await.unwrap();
    assert_eq!(before.len(), 2);
    let deleted = before[0].credential_id.clone();

    let heard = first.signals().len();
    let remaining = page.delete(deleted.clone()).await.unwrap();
    let remaining_ids: BTreeSet<Vec<u8>> =
        remaining.iter().map(|p| p.credential_id.clone()).collect();
    assert_eq!(remaining_ids.len(), 1);
    assert!(!remaining_ids.contains(&deleted));
    assert_eq!(
        remaining_ids,
        second.credential_ids(RP_ID).into_iter().collect(),
        "the passkey left is the one in the second password manager"
    );

    let signals = since(&first, heard);
    // The deleted passkey itself, as before.
    assert!(
        signals.contains(&Signal::Unknown {
            rp_id: RP_ID.to_owned(),
            credential_id: deleted.clone(),
        }),
        "{signals:?}"
    );
    let accepted: Vec<_> = signals
        .iter()
        .filter_map(|s| match s {
            Signal::AllAccepted {
                rp_id,
                user_id,
                credential_ids,
            } => Some((rp_id, user_id, credential_ids)),
            _ => None,
        })
        .collect();
    let Some((rp_id, user_id, credential_ids)) = accepted.last() else {
        awaiting_user_member(&signals, "AllAccepted");
    };
    assert_eq!(rp_id.as_str(), RP_ID);
    let (handle, _, _) = phone.user();
    assert_eq!(**user_id, handle, "the account's user handle");
    let listed: BTreeSet<Vec<u8>> = credential_ids.iter().cloned().collect();
    assert_eq!(listed.len(), credential_ids.len(), "no id twice");
    assert_eq!(listed, remaining_ids, "exactly the passkeys that remain");
    // The first password manager forgot the deleted passkey; the second keeps the other.
    assert!(first.credential_ids(RP_ID).is_empty());
    assert_eq!(second.credential_ids(RP_ID).len(), 1);
}

#[tokio::test]
async fn j5_after_a_rename_the_password_manager_hears_the_account_s_current_names() {
    let h = Harness::start().await;
    let alice = h.sign_up("alice@rename-signals.ffi.test").await;
    let pm = h.password_manager();
    let phone = Phone::new(pm.clone());
    let (app, _) = client(&h, phone.clone()).await;
    sign_in(&h, &app, &alice).await;
    enable(&h, &app, &alice).await;
    let page = app.passkeys();
    let id = page.list().await.unwrap()[0].credential_id.clone();

    let heard = pm.signals().len();
    let list = page
        .rename(id.clone(), "Work phone".to_owned())
        .await
        .unwrap();
    assert_eq!(list[0].name, "Work phone");
    let signals = since(&pm, heard);
    let details: Vec<_> = signals
        .iter()
        .filter_map(|s| match s {
            Signal::CurrentUserDetails {
                rp_id,
                user_id,
                name,
                display_name,
            } => Some((rp_id, user_id, name, display_name)),
            _ => None,
        })
        .collect();
    let Some((rp_id, user_id, name, display_name)) = details.last() else {
        awaiting_user_member(&signals, "CurrentUserDetails");
    };
    // The names the password manager showed since the passkey was made: the account's, from
    // the server, for the same user handle.
    let (handle, user_name, user_display_name) = phone.user();
    assert_eq!(rp_id.as_str(), RP_ID);
    assert_eq!(**user_id, handle);
    assert_eq!(name.as_str(), user_name);
    assert_eq!(display_name.as_str(), user_display_name);
    // The passkey's own new name is the Passkeys page's, not the account's.
    assert_ne!(name.as_str(), "Work phone");
    // Nothing was forgotten: the rename keeps the passkey in the password manager.
    assert_eq!(pm.credential_ids(RP_ID), vec![id]);
    assert!(
        !signals.iter().any(|s| matches!(s, Signal::Unknown { .. })),
        "{signals:?}"
    );
}
