//! Journey J1 (Enable), its observers, and J7 failures through the FFI surface, against the
//! reference server: the app's calls use the exported objects, records and `PasskeysError`, and
//! the platform is a foreign-style `PlatformAuthenticator` (the testkit's software password
//! manager behind the FFI records, `common::Shell`), so the adapter runs both ways exactly as it
//! does under Kotlin or Swift.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bingx_passkeys::{
    EnableFlow, EnableObserver, PasskeysClient, SignInStep, TrustToken, error_is_retryable,
};
use bingx_passkeys_core::platform as core_platform;
use bingx_passkeys_core::{
    EnableState, Factor, PasskeysError, Policy, ServerCode, Step, UnavailableReason,
};
use bingx_passkeys_testkit::harness::{Harness, TestAccount};
use bingx_passkeys_testkit::softpm::{Fault, SoftPasswordManager};
use common::{english, english_text, text_key};
use tokio::sync::mpsc;

fn new_client(h: &Harness, pm: Arc<SoftPasswordManager>) -> Arc<PasskeysClient> {
    common::in_memory_client(h, pm)
}

/// Sign in on the device "phone" with password and emailed code, asking to trust the device;
/// returns the client and the trust token.
async fn signed_in_client(
    h: &Harness,
    pm: Arc<SoftPasswordManager>,
    account: &TestAccount,
) -> (Arc<PasskeysClient>, Arc<TrustToken>) {
    let client = new_client(h, pm);
    assert!(!client.sign_in().is_signed_in().unwrap());
    let step = client
        .sign_in()
        .with_password(
            account.email.clone(),
            account.password.clone(),
            "phone".to_owned(),
            None,
        )
        .await
        .unwrap();
    let SignInStep::CodeRequired { login_id, factors } = step else {
        panic!("a new device needs a code: {step:?}");
    };
    assert!(factors.contains(&Factor::Email));
    let code = h.code_for(&account.email, "login").await;
    let trust = client
        .sign_in()
        .complete_with_code(login_id, Factor::Email, code, true)
        .await
        .unwrap()
        .expect("a trust token when asked for");
    assert!(client.sign_in().is_signed_in().unwrap());
    (client, trust)
}

/// Enable up to a finished step-up: device check, warning, password and emailed code.
async fn step_up(h: &Harness, flow: &EnableFlow, account: &TestAccount) {
    flow.check_device().await.unwrap();
    flow.acknowledge_warning().unwrap();
    flow.start_step_up().await.unwrap();
    let code = h.code_for(&account.email, "step_up").await;
    flow.finish_step_up(account.password.clone(), Factor::Email, code)
        .await
        .unwrap();
}

async fn sign_in_trusted(h: &Harness, account: &TestAccount, trust: &TrustToken) -> SignInStep {
    // The app kept the mark's value in its keystore and reads it back at the next launch.
    let kept = TrustToken::from_stored(trust.expose_secret());
    new_client(h, h.password_manager())
        .sign_in()
        .with_password(
            account.email.clone(),
            account.password.clone(),
            "phone".to_owned(),
            Some(kept),
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn j1_enable_through_the_ffi_surface() {
    let h = Harness::start().await;
    let alice = h.sign_up("alice@ffi.test").await;
    let (client, trust) = signed_in_client(&h, h.password_manager(), &alice).await;
    // The trust token the app kept in its keystore skips the code on the next launch.
    assert!(matches!(
        sign_in_trusted(&h, &alice, &trust).await,
        SignInStep::SignedIn { .. }
    ));

    // The mark never shows its value in a debug print.
    assert!(!format!("{trust:?}").contains(&trust.expose_secret()));

    let flow = client.enable();
    assert_eq!(flow.state(), EnableState::NotStarted);
    let early = flow.create_passkey(None).await.unwrap_err();
    // Creating the passkey needs the step before it, a finished step-up.
    assert_eq!(
        early,
        PasskeysError::NotAllowedInThisState {
            needs: Step::VerifyStepUp
        }
    );
    assert_eq!(
        text_key(&early),
        "error.not_allowed_in_this_state.verify_step_up"
    );
    assert!(
        flow.check_device()
            .await
            .unwrap()
            .password_manager_available
    );
    let warning = flow.warning();
    assert_eq!(warning.key, "enable.warning");
    assert!(english_text(&warning).contains("third-party"));
    flow.acknowledge_warning().unwrap();
    let factors = flow.start_step_up().await.unwrap();
    assert!(factors.contains(&Factor::Email));
    let code = h.code_for(&alice.email, "step_up").await;
    flow.finish_step_up(alice.password.clone(), Factor::Email, code)
        .await
        .unwrap();
    assert_eq!(flow.state(), EnableState::SteppedUp);

    let outcome = flow
        .create_passkey(Some("My phone".to_owned()))
        .await
        .unwrap();
    assert_eq!(flow.state(), EnableState::Enabled);
    assert!(outcome.policy.passkey_required);
    assert_eq!(outcome.passkey.name, "My phone");
    assert_eq!(client.passkeys().list().await.unwrap(), outcome.passkeys);
    // The same policy; each answer is signed with its own request's nonce.
    let unsigned = |p: Policy| Policy { signed: None, ..p };
    assert_eq!(
        unsigned(client.passkeys().policy().await.unwrap()),
        unsigned(outcome.policy.clone())
    );
    assert_eq!(flow.resume_pending().await.unwrap(), None);

    client.sign_in().sign_out().await.unwrap();
    assert!(!client.sign_in().is_signed_in().unwrap());
    let signed_out = client.passkeys().list().await.unwrap_err();
    assert_eq!(signed_out, PasskeysError::NotSignedIn);
    assert_eq!(text_key(&signed_out), "error.not_signed_in");
}

#[tokio::test]
async fn j7_failures_arrive_as_errors_a_ui_can_switch_on() {
    let h = Harness::start().await;
    let bob = h.sign_up("bob@ffi.test").await;
    let pm = h.password_manager();
    let (client, _) = signed_in_client(&h, pm.clone(), &bob).await;

    // No screen lock: the device check says why, in words fit to show.
    pm.set_capabilities(core_platform::Capabilities {
        user_can_authenticate: false,
        unavailable_reason: Some(core_platform::UnavailableReason::NoScreenLock),
        ..core_platform::Capabilities::ready_device()
    });
    let flow = client.enable();
    let not_ready = flow.check_device().await.unwrap_err();
    let PasskeysError::DeviceNotReady { reason } = &not_ready else {
        panic!("the device is not ready: {not_ready:?}");
    };
    assert_eq!(reason, &UnavailableReason::NoScreenLock);
    assert_eq!(
        text_key(&not_ready),
        "error.device_not_ready.no_screen_lock"
    );
    let shown = english(&not_ready);
    assert!(shown.contains("screen lock"), "{shown}");
    pm.set_capabilities(core_platform::Capabilities::ready_device());

    // A wrong one-time code is the server's refusal, with its stable code; the right one works.
    flow.check_device().await.unwrap();
    flow.acknowledge_warning().unwrap();
    flow.start_step_up().await.unwrap();
    let code = h.code_for(&bob.email, "step_up").await;
    let wrong: String = code
        .chars()
        .map(|c| {
            if c == '9' {
                '0'
            } else {
                char::from(c as u8 + 1)
            }
        })
        .collect();
    let refused = flow
        .finish_step_up(bob.password.clone(), Factor::Email, wrong)
        .await
        .unwrap_err();
    assert!(
        matches!(
            &refused,
            PasskeysError::ServerRefused {
                code: ServerCode::CodeInvalid,
                ..
            }
        ),
        "{refused:?}"
    );
    assert!(!error_is_retryable(refused.clone()));
    assert_eq!(text_key(&refused), "error.server.code_invalid");
    flow.finish_step_up(bob.password.clone(), Factor::Email, code)
        .await
        .unwrap();

    // The password manager lacks its account (Android: no Google account, sync off): the
    // shell's AccountMissing crosses the FFI and the app is told to sign in to it, not that
    // there is no password manager.
    pm.set_fault(Some(Fault::AccountMissing));
    let no_account = flow.create_passkey(None).await.unwrap_err();
    assert_eq!(
        no_account,
        PasskeysError::DeviceNotReady {
            reason: UnavailableReason::AccountMissing
        }
    );
    assert!(!error_is_retryable(no_account.clone()));
    assert_eq!(
        text_key(&no_account),
        "error.device_not_ready.account_missing"
    );

    // The user cancels the sheet: a typed error, and the same step can simply be retried.
    pm.set_fault(Some(Fault::Cancel));
    let cancelled = flow.create_passkey(None).await.unwrap_err();
    assert_eq!(cancelled, PasskeysError::Cancelled);
    assert!(error_is_retryable(cancelled.clone()));
    assert_eq!(text_key(&cancelled), "error.cancelled");
    assert!(matches!(
        flow.state(),
        EnableState::Failed {
            retryable: true,
            ..
        }
    ));
    pm.set_fault(None);
    let outcome = flow.create_passkey(None).await.unwrap();
    assert_eq!(outcome.policy.passkey_count, 1);

    // With the flag on, password + code no longer pass for a step-up (no downgrade).
    let again = client.enable();
    again.check_device().await.unwrap();
    again.acknowledge_warning().unwrap();
    let refused = again.start_step_up().await.unwrap_err();
    assert!(
        matches!(refused, PasskeysError::PasskeyRequired),
        "{refused:?}"
    );
    assert_eq!(text_key(&refused), "error.passkey_required");
}

/// An app's view model: it hands every state to the UI (a channel here).
struct ViewModel(Mutex<mpsc::UnboundedSender<EnableState>>);

impl EnableObserver for ViewModel {
    fn on_state(&self, state: EnableState) {
        let _ = self.0.lock().unwrap().send(state);
    }
}

fn view_model() -> (Arc<ViewModel>, mpsc::UnboundedReceiver<EnableState>) {
    let (sender, receiver) = mpsc::unbounded_channel();
    (Arc::new(ViewModel(Mutex::new(sender))), receiver)
}

/// The next state the observer is told, or `None` once it is unsubscribed.
async fn next(states: &mut mpsc::UnboundedReceiver<EnableState>) -> Option<EnableState> {
    tokio::time::timeout(Duration::from_secs(10), states.recv())
        .await
        .expect("the observer hears within 10 s")
}

#[tokio::test]
async fn j1_an_observer_sees_every_state_in_order() {
    let h = Harness::start().await;
    let carol = h.sign_up("carol@ffi.test").await;
    let pm = h.password_manager();
    let (client, _) = signed_in_client(&h, pm.clone(), &carol).await;
    let flow = client.enable();
    let (view_model, mut states) = view_model();
    let handle = flow.observe(view_model);

    flow.check_device().await.unwrap();
    flow.acknowledge_warning().unwrap();
    flow.start_step_up().await.unwrap();
    let code = h.code_for(&carol.email, "step_up").await;
    flow.finish_step_up(carol.password.clone(), Factor::Email, code)
        .await
        .unwrap();
    pm.set_fault(Some(Fault::Cancel));
    flow.create_passkey(None).await.unwrap_err();
    pm.set_fault(None);
    flow.create_passkey(None).await.unwrap();

    let mut seen = Vec::new();
    while seen.last() != Some(&EnableState::Enabled) {
        seen.push(next(&mut states).await.expect("still subscribed"));
    }
    assert!(
        matches!(
            seen.as_slice(),
            [
                EnableState::NotStarted,
                EnableState::DeviceChecked,
                EnableState::Warned,
                EnableState::SteppingUp,
                EnableState::SteppedUp,
                EnableState::Ceremony,
                EnableState::Failed { retryable: true, text },
                EnableState::Ceremony,
                EnableState::Enabled,
            ] if text.key == "error.cancelled"
        ),
        "{seen:?}"
    );
    drop(handle);
    assert_eq!(next(&mut states).await, None, "unsubscribed");
}

#[tokio::test]
async fn j1_after_the_handle_is_dropped_no_state_arrives() {
    let h = Harness::start().await;
    let dave = h.sign_up("dave@ffi.test").await;
    let (client, _) = signed_in_client(&h, h.password_manager(), &dave).await;
    let flow = client.enable();
    let (first, mut states) = view_model();
    let handle = flow.observe(first);
    let (second, mut second_states) = view_model();
    let kept = flow.observe(second);

    flow.check_device().await.unwrap();
    assert_eq!(next(&mut states).await, Some(EnableState::NotStarted));
    assert_eq!(next(&mut states).await, Some(EnableState::DeviceChecked));
    drop(handle);
    step_up(&h, &flow, &dave).await;
    flow.create_passkey(None).await.unwrap();

    // The dropped subscription hears nothing more: the channel closes (its task, and with it the
    // view model, is gone) with no state after DeviceChecked.
    assert_eq!(next(&mut states).await, None);
    // The other one heard everything; `cancel` ends it as dropping would.
    let mut heard = Vec::new();
    while heard.last() != Some(&EnableState::Enabled) {
        heard.push(next(&mut second_states).await.expect("subscribed"));
    }
    use EnableState::*;
    let device_checked_twice = [
        NotStarted,
        DeviceChecked,
        DeviceChecked,
        Warned,
        SteppingUp,
        SteppedUp,
        Ceremony,
        Enabled,
    ];
    assert_eq!(heard, device_checked_twice);
    kept.cancel();
    assert_eq!(next(&mut second_states).await, None);
}

#[tokio::test]
async fn j1_an_observer_ends_with_its_flow() {
    let h = Harness::start().await;
    let erin = h.sign_up("erin@ffi.test").await;
    let (client, _) = signed_in_client(&h, h.password_manager(), &erin).await;
    let flow = client.enable();
    let (view_model, mut states) = view_model();
    let _handle = flow.observe(view_model);
    assert_eq!(next(&mut states).await, Some(EnableState::NotStarted));
    drop(flow);
    assert_eq!(
        next(&mut states).await,
        None,
        "the task ends when the flow is gone"
    );
}

/// An observer whose `on_state` does not return until released: an app that hops to its UI
/// thread synchronously, while that thread is busy.
struct Blocking {
    entered: Mutex<Option<std::sync::mpsc::Sender<()>>>,
    release: Mutex<std::sync::mpsc::Receiver<()>>,
}

impl EnableObserver for Blocking {
    fn on_state(&self, _state: EnableState) {
        if let Some(entered) = self.entered.lock().unwrap().take() {
            let _ = entered.send(());
        }
        let _ = self
            .release
            .lock()
            .unwrap()
            .recv_timeout(Duration::from_secs(60));
    }
}

/// Wakes the thread that polls.
struct Unpark(std::thread::Thread);

impl std::task::Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// An exported async method as uniffi runs it for Kotlin or Swift: the future in async-compat's
/// `Compat`, polled by the foreign side's executor (here: this thread), so the library's own
/// runtime drives its I/O.
fn poll_as_a_foreign_executor<F: std::future::Future>(future: F) -> F::Output {
    let waker = std::task::Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = std::task::Context::from_waker(&waker);
    let mut future = std::pin::pin!(uniffi::deps::async_compat::Compat::new(future));
    loop {
        if let std::task::Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        std::thread::park_timeout(Duration::from_millis(50));
    }
}

#[test]
fn an_observer_inside_on_state_holds_up_no_request() {
    // The reference server on a runtime of its own (another thread), as a remote server is.
    let (ready, started) = std::sync::mpsc::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let h = Harness::start().await;
            let account = h.sign_up("observer@ffi.test").await;
            ready
                .send((common::config(&h, None), h.password_manager(), account))
                .unwrap();
            let _ = stopped.await;
        });
    });
    let (config, pm, account) = started.recv().unwrap();
    let client = PasskeysClient::new(
        config,
        Arc::new(common::Shell(pm)),
        Arc::new(common::Keystore::default()),
    )
    .unwrap();

    // The app observes an Enable, and its on_state is busy (the current state, at once).
    let flow = client.enable();
    let (entered, inside) = std::sync::mpsc::channel();
    let (release, released) = std::sync::mpsc::channel();
    let _handle = flow.observe(Arc::new(Blocking {
        entered: Mutex::new(Some(entered)),
        release: Mutex::new(released),
    }));
    inside
        .recv_timeout(Duration::from_secs(30))
        .expect("the observer is told the current state");

    // Meanwhile a sign-in, polled as Kotlin or Swift polls it, must still be answered: the
    // observer must not hold the thread that drives the library's I/O and timers.
    let (answered, answer) = std::sync::mpsc::channel();
    let signing_in = client.clone();
    std::thread::spawn(move || {
        let step = poll_as_a_foreign_executor(signing_in.sign_in().with_password(
            account.email.clone(),
            account.password.clone(),
            "phone".to_owned(),
            None,
        ));
        let _ = answered.send(step.is_ok());
    });
    // A bound for a deadlock, not a speed: the sign-in takes milliseconds.
    let outcome = answer.recv_timeout(Duration::from_secs(30));
    let _ = release.send(());
    let _ = stop.send(());
    server.join().unwrap();
    assert_eq!(
        outcome,
        Ok(true),
        "no sign-in was answered while an observer was inside on_state"
    );
}
