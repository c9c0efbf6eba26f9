//! Runs every journey of the scenario catalogue (`scenarios/*.json`) through the core against
//! the reference server, each on a fresh server (the back office's steps and the clock go
//! through its test endpoints with the harness's admin credential). The Kotlin tests of the bindings run the same
//! files through the FFI.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bingx_passkeys_core::{
    Factor, HealthReason, LoginPath, PasskeysClient, PasskeysError, ResetState, SecretStore,
    SignInStep,
};
use bingx_passkeys_testkit::harness::{Harness, TestAccount, TwoPasswordManagers};
use bingx_passkeys_testkit::softpm::SoftPasswordManager;
use serde_json::{Value, json};

struct Device {
    client: PasskeysClient,
    store: SecretStore,
    /// The password managers of this device: the one Enable uses, and a second one that
    /// "add another passkey" saves into.
    managers: (Arc<SoftPasswordManager>, Arc<SoftPasswordManager>),
    login_id: Option<bingx_passkeys_core::LoginId>,
}

struct Run {
    h: Harness,
    accounts: HashMap<String, TestAccount>,
    devices: HashMap<String, Device>,
}

/// The stable name of an outcome, as the catalogue writes it.
fn kind(error: &PasskeysError) -> String {
    match error {
        PasskeysError::NotSignedIn => "not_signed_in".into(),
        PasskeysError::DeviceNotReady { .. } => "device_not_ready".into(),
        PasskeysError::Cancelled => "cancelled".into(),
        PasskeysError::NoCredential => "no_credential".into(),
        PasskeysError::AlreadyRegistered => "already_registered".into(),
        PasskeysError::DomainNotAssociated { .. }
        | PasskeysError::Interrupted { .. }
        | PasskeysError::TimedOut
        | PasskeysError::PasswordManagerFailed { .. } => "platform".into(),
        PasskeysError::PasskeyRequired => "passkey_required".into(),
        PasskeysError::DowngradeRefused => "downgrade_refused".into(),
        PasskeysError::PathBlocked { .. } => "path_blocked".into(),
        PasskeysError::PolicyUnavailable => "policy_unavailable".into(),
        PasskeysError::LastPasskey => "last_passkey".into(),
        PasskeysError::InProgress => "in_progress".into(),
        PasskeysError::Network => "network".into(),
        PasskeysError::ServerRefused { code, .. } => {
            format!("server_refused:{}", code.as_str())
        }
        PasskeysError::InvalidResponse { .. } => "invalid_response".into(),
        PasskeysError::AccountOnHold { .. } => "account_on_hold".into(),
        PasskeysError::ResetNotNeeded => "reset_not_needed".into(),
        other => format!("{other:?}"),
    }
}

/// The outcome of a refused request the runner sends itself (a withdrawal, the back office's
/// approval): a hold is `account_on_hold`, as the core names it; any other code
/// `server_refused:<CODE>`.
fn refusal(body: &Value) -> String {
    match body["error"]["code"].as_str().unwrap_or("?") {
        "ACCOUNT_ON_HOLD" => "account_on_hold".into(),
        code => format!("server_refused:{code}"),
    }
}

/// The catalogue's name of a reset's state.
fn state_name(state: ResetState) -> &'static str {
    match state {
        ResetState::Pending => "pending",
        ResetState::Approved => "approved",
        ResetState::Cancelled => "cancelled",
        ResetState::Rejected => "rejected",
        ResetState::Expired => "expired",
    }
}

/// The catalogue's name of a health reason.
fn reason_name(reason: HealthReason) -> &'static str {
    match reason {
        HealthReason::SinglePasskey => "single_passkey",
        HealthReason::DeviceBoundOnly => "device_bound_only",
        HealthReason::Other => "other",
    }
}

fn str_arg<'a>(step: &'a Value, name: &str) -> &'a str {
    step[name]
        .as_str()
        .unwrap_or_else(|| panic!("step {step} needs \"{name}\""))
}

impl Run {
    fn device(&self, step: &Value) -> &Device {
        let name = str_arg(step, "device");
        self.devices
            .get(name)
            .unwrap_or_else(|| panic!("unknown device {name}"))
    }

    fn account(&self, step: &Value) -> &TestAccount {
        let name = str_arg(step, "account");
        self.accounts
            .get(name)
            .unwrap_or_else(|| panic!("unknown account {name}"))
    }

    fn session(&self, step: &Value) -> String {
        self.device(step)
            .store
            .session_token()
            .unwrap()
            .map(|t| t.expose_secret().to_owned())
            .unwrap_or_default()
    }

    /// Do one step; returns the outcome's name.
    async fn step(&mut self, step: &Value) -> Result<String, PasskeysError> {
        let verb = str_arg(step, "do");
        match verb {
            "sign_up" => {
                let name = str_arg(step, "account").to_owned();
                let account = self.h.sign_up(&format!("{name}@catalogue.test")).await;
                self.accounts.insert(name, account);
                Ok("ok".into())
            }
            "device" => {
                let name = str_arg(step, "device").to_owned();
                // A named password manager is a synced vault: the same passkeys on both devices.
                let managers = match step["password_manager"].as_str() {
                    Some(other) => self.devices[other].managers.clone(),
                    None => (self.h.password_manager(), self.h.password_manager()),
                };
                let store = SecretStore::in_memory().unwrap();
                let platform = Arc::new(TwoPasswordManagers {
                    first: managers.0.clone(),
                    second: managers.1.clone(),
                });
                let client = self
                    .h
                    .client_with(&self.h.base_url(), store.clone(), platform);
                self.devices.insert(
                    name,
                    Device {
                        client,
                        store,
                        managers,
                        login_id: None,
                    },
                );
                Ok("ok".into())
            }
            "sign_in" => {
                let account = self.account(step).clone();
                let device = self.device(step);
                self.h
                    .sign_in(&device.client, &account, str_arg(step, "device"))
                    .await?;
                Ok("signed_in".into())
            }
            "password_login" => {
                let account = self.account(step).clone();
                let name = str_arg(step, "device").to_owned();
                let device = self.devices.get_mut(&name).unwrap();
                let next = device
                    .client
                    .sign_in()
                    .with_password(&account.email, &account.password, &name, None)
                    .await?;
                Ok(match next {
                    SignInStep::CodeRequired { login_id, .. } => {
                        device.login_id = Some(login_id);
                        "code_required".into()
                    }
                    SignInStep::PasskeyRequired { login_id } => {
                        device.login_id = Some(login_id);
                        "passkey_required".into()
                    }
                    SignInStep::SignedIn { .. } => "signed_in".into(),
                })
            }
            "code_login" => {
                let account = self.account(step).clone();
                let device = self.device(step);
                let login_id = (device.login_id.clone())
                    .unwrap_or_else(|| bingx_passkeys_core::LoginId::new(String::new()));
                let code = self.h.code_for(&account.email, "login").await;
                device
                    .client
                    .sign_in()
                    .complete_with_code(&login_id, bingx_passkeys_core::Factor::Email, &code, false)
                    .await?;
                Ok("signed_in".into())
            }
            "passkey_login" => {
                let device = self.device(step);
                let login_id = (device.login_id.clone())
                    .unwrap_or_else(|| bingx_passkeys_core::LoginId::new(String::new()));
                device
                    .client
                    .sign_in()
                    .complete_with_passkey(&login_id)
                    .await?;
                Ok("signed_in".into())
            }
            "usernameless" => {
                self.device(step).client.sign_in().with_passkey().await?;
                Ok("signed_in".into())
            }
            "enable" => {
                let account = self.account(step).clone();
                let flow = self.device(step).client.enable();
                self.h.step_up(&flow, &account).await?;
                flow.create_passkey(None).await?;
                Ok("ok".into())
            }
            "check_path" => {
                let path = match str_arg(step, "path") {
                    "h5" => LoginPath::H5,
                    "third_party" => LoginPath::ThirdParty,
                    "password" => LoginPath::Password,
                    _ => LoginPath::Passkey,
                };
                self.device(step).client.sign_in().check_path(path)?;
                Ok("ok".into())
            }
            "third_party_login" => {
                let provider = str_arg(step, "provider");
                let email = self.account(step).email.clone();
                let token = self.h.id_token(provider, &email).await;
                self.device(step)
                    .client
                    .sign_in()
                    .with_third_party(provider, &token)
                    .await?;
                Ok("signed_in".into())
            }
            "h5_login" => {
                let account = self.account(step).clone();
                let next = self
                    .device(step)
                    .client
                    .sign_in()
                    .with_h5(&account.email, &account.password, "web")
                    .await?;
                Ok(match next {
                    SignInStep::CodeRequired { .. } => "code_required".into(),
                    SignInStep::PasskeyRequired { .. } => "passkey_required".into(),
                    SignInStep::SignedIn { .. } => "signed_in".into(),
                })
            }
            "rename" | "delete" => {
                let client = &self.device(step).client;
                let list = client.passkeys().list().await?;
                let index = step["index"].as_u64().unwrap_or(0) as usize;
                let id = list[index].credential_id.clone();
                if verb == "rename" {
                    client.passkeys().rename(&id, str_arg(step, "name")).await?;
                } else {
                    client.passkeys().delete(&id).await?;
                }
                Ok("ok".into())
            }
            "add_passkey" => {
                let name = step["name"].as_str();
                self.device(step).client.passkeys().add(name).await?;
                Ok("ok".into())
            }
            "disable" => {
                self.device(step)
                    .client
                    .passkeys()
                    .turn_off_requirement()
                    .await?;
                Ok("ok".into())
            }
            "refresh_policy" => {
                self.device(step).client.passkeys().policy().await?;
                Ok("ok".into())
            }
            "server_policy" => {
                let mut change = json!({"scenarios": {}});
                for s in ["withdrawal", "security_settings", "api_keys"] {
                    if let Some(on) = step[s].as_bool() {
                        change["scenarios"][s] = on.into();
                    }
                }
                for r in ["reopen_h5_login", "reopen_third_party_login"] {
                    if let Some(on) = step[r].as_bool() {
                        change[r] = on.into();
                    }
                }
                assert_eq!(self.h.set_server_policy(change).await, 200, "{step}");
                Ok("ok".into())
            }
            "withdraw" => {
                let amount = str_arg(step, "amount").to_owned();
                let params: BTreeMap<String, String> = [
                    ("asset", "USDT".to_owned()),
                    ("address", "TXcatalogue".to_owned()),
                    ("amount", amount.clone()),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect();
                let proof = if step["with_proof"].as_bool().unwrap_or(false) {
                    let proof = self
                        .device(step)
                        .client
                        .scenarios()
                        .verify(&bingx_passkeys_core::Scenario::Withdrawal, &params)
                        .await?;
                    Some(proof.token.expose_secret().to_owned())
                } else {
                    None
                };
                let session = self.session(step);
                let (status, body) = self
                    .h
                    .raw(
                        "POST",
                        "/v1/withdrawals",
                        Some(&session),
                        Some(json!({"asset": "USDT", "address": "TXcatalogue", "amount": amount, "proof": proof})),
                    )
                    .await;
                Ok(if status == 200 {
                    "ok".into()
                } else {
                    refusal(&body)
                })
            }
            "request_reset" => {
                let account = self.account(step).clone();
                let recovery = self.device(step).client.recovery();
                recovery
                    .request(&account.email, &account.password, str_arg(step, "device"))
                    .await?;
                let code = self.h.code_for(&account.email, "recovery").await;
                recovery.confirm(Factor::Email, &code).await?;
                Ok("ok".into())
            }
            "reset_status" => {
                let status = self.device(step).client.recovery().status().await?;
                let state = status.as_ref().map_or("none", |s| state_name(s.state));
                assert_eq!(state, str_arg(step, "state"), "{step}");
                if let Some(hold) = step["hold"].as_bool() {
                    let has_hold = status.as_ref().is_some_and(|s| s.hold_until.is_some());
                    assert_eq!(has_hold, hold, "{step}: {status:?}");
                }
                Ok("ok".into())
            }
            "approve_reset" => {
                let email = self.account(step).email.clone();
                let (status, body) = self
                    .h
                    .raw_admin(
                        "GET",
                        &format!("/v1/testkit/admin/resets?email={email}"),
                        Some(self.h.admin_token()),
                        None,
                    )
                    .await;
                assert_eq!(status, 200, "{step}: {body}");
                let newest = body["resets"][0]["reset_id"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{step}: {email} has no reset"));
                let (status, body) = self.h.approve_reset(newest).await;
                Ok(if status == 200 {
                    "ok".into()
                } else {
                    refusal(&body)
                })
            }
            "cancel_reset" => {
                self.device(step).client.recovery().cancel().await?;
                Ok("ok".into())
            }
            "advance_clock" => {
                let hours = step["hours"]
                    .as_u64()
                    .unwrap_or_else(|| panic!("step {step} needs \"hours\""));
                let (status, body) = self
                    .h
                    .raw_admin(
                        "POST",
                        "/v1/testkit/clock/advance",
                        Some(self.h.admin_token()),
                        Some(json!({"seconds": hours * 3600})),
                    )
                    .await;
                assert_eq!(status, 200, "{step}: {body}");
                Ok("ok".into())
            }
            "expect_hold" => {
                let state = self.device(step).client.recovery().account_state().await?;
                let active = step["active"].as_bool().unwrap_or(true);
                assert_eq!(state.hold_until.is_some(), active, "{step}: {state:?}");
                Ok("ok".into())
            }
            "expect_health" => {
                let health = self.device(step).client.passkeys().health().await?;
                if let Some(v) = step["at_risk"].as_bool() {
                    assert_eq!(health.at_risk, v, "{step}: {health:?}");
                }
                if let Some(v) = step["reason"].as_str() {
                    let first = health.reasons.first().map(|r| reason_name(*r));
                    assert_eq!(first, Some(v), "{step}: {health:?}");
                }
                if let Some(v) = step["nudge"].as_bool() {
                    assert_eq!(health.nudge, v, "{step}: {health:?}");
                }
                Ok("ok".into())
            }
            "dismiss_nudge" => {
                self.device(step).client.passkeys().dismiss_nudge().await?;
                Ok("ok".into())
            }
            "expect_policy" => {
                let policy = self.device(step).client.passkeys().policy().await?;
                if let Some(v) = step["passkey_required"].as_bool() {
                    assert_eq!(policy.passkey_required, v, "{step}");
                }
                if let Some(v) = step["passkey_count"].as_u64() {
                    assert_eq!(u64::from(policy.passkey_count), v, "{step}");
                }
                if let Some(v) = step["withdrawal"].as_bool() {
                    assert_eq!(policy.scenarios.withdrawal, v, "{step}");
                }
                Ok("ok".into())
            }
            "expect_passkeys" => {
                let list = self.device(step).client.passkeys().list().await?;
                if let Some(n) = step["count"].as_u64() {
                    assert_eq!(list.len() as u64, n, "{step}");
                }
                if let Some(names) = step["names"].as_array() {
                    let got: Vec<&str> = list.iter().map(|p| p.name.as_str()).collect();
                    let want: Vec<&str> = names.iter().filter_map(Value::as_str).collect();
                    assert_eq!(got, want, "{step}");
                }
                Ok("ok".into())
            }
            "expect_event" => {
                let events = self.device(step).client.passkeys().activity().await?;
                let kind = str_arg(step, "kind");
                assert!(
                    events.iter().any(|e| e.kind == kind),
                    "{kind} missing: {events:?}"
                );
                Ok("ok".into())
            }
            other => panic!("unknown verb {other}"),
        }
    }
}

fn catalogue_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios")
}

async fn run_file(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap();
    let journey: Value = serde_json::from_str(&text).unwrap();
    let mut run = Run {
        h: Harness::start().await,
        accounts: HashMap::new(),
        devices: HashMap::new(),
    };
    for (i, step) in journey["steps"].as_array().unwrap().iter().enumerate() {
        let expected = step["expect"].as_str().unwrap_or("ok");
        let outcome = match run.step(step).await {
            Ok(outcome) => outcome,
            Err(e) => kind(&e),
        };
        let ok = outcome == expected
            || (expected == "ok" && matches!(outcome.as_str(), "signed_in" | "code_required"));
        assert!(
            ok,
            "{} step {i} {step}: expected {expected}, got {outcome}",
            path.display()
        );
    }
}

#[tokio::test]
async fn every_journey_of_the_catalogue_passes() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(catalogue_dir())
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 8, "one file per journey J1–J6, J8, J9");
    for file in files {
        run_file(&file).await;
    }
}
