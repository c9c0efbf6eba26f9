//! The untimed setup: accounts made through the real HTTP flow (sign-up, password + emailed code,
//! step-up, registration with `enable: true`) with one software password manager each, and the
//! password steps of the planned J2 logins. Password checks cost one Argon2 each: requests run
//! with limited concurrency and a 503 is retried after its Retry-After.

use std::future::Future;
use std::sync::Arc;

use reqwest::Method;
use serde_json::{Value, json};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use url::Url;

use bingx_passkeys_core::PlatformAuthenticator;
use bingx_passkeys_core::webauthn::prepare_create;

use super::http::{Answer, Api, Transport};
use crate::softpm::SoftPasswordManager;

/// What every setup request shares.
pub(crate) struct Target {
    pub(crate) api: Api,
    pub(crate) rp_id: String,
    pub(crate) origin: Url,
    /// The password of every account of this run (random, never printed).
    password: String,
    /// Distinguishes this run's accounts from earlier runs' on a persistent server.
    run_id: String,
}

impl Target {
    /// A target with a fresh run id and password.
    pub(crate) fn new(api: Api, rp_id: &str) -> Result<Self, String> {
        let origin = Url::parse(&format!("https://{rp_id}"))
            .map_err(|e| format!("rp id {rp_id:?} gives no origin: {e}"))?;
        Ok(Self {
            api,
            rp_id: rp_id.to_owned(),
            origin,
            password: format!("load-{:032x}", rand::random::<u128>()),
            run_id: format!("{:08x}", rand::random::<u32>()),
        })
    }
}

/// An account of the run: its passkey lives in its own software password manager (one phone per
/// account), so a usernameless assertion finds exactly that passkey.
pub(crate) struct LoadAccount {
    pub(crate) account_id: String,
    pub(crate) email: String,
    /// The session of the setup (kept when enabling revoked the others); a secret.
    pub(crate) session: String,
    /// Unpadded base64url, as the Passkeys page spells it.
    pub(crate) credential_id: String,
    /// Server time of the registration.
    pub(crate) created_at: i64,
    /// `last_used_at` as the registration answer gave it.
    pub(crate) last_used_before: Option<i64>,
    pub(crate) device_bound: bool,
    pub(crate) pm: SoftPasswordManager,
    /// Held for the whole of each login with this account: a passkey is never used by two
    /// ceremonies at once (a device-bound counter would legitimately arrive out of order).
    pub(crate) turn: tokio::sync::Mutex<()>,
}

/// A J2 login whose password step is done: the passkey step remains.
pub(crate) struct PreparedJ2 {
    /// A secret (it names a live login).
    pub(crate) login_id: String,
    /// The assertion options of the `passkey_required` answer, as JSON text.
    pub(crate) options: String,
}

/// A setup request that failed for good.
#[derive(Debug, Clone)]
pub(crate) struct SetupError {
    pub(crate) what: String,
}

impl SetupError {
    fn at(step: &str, kind: impl std::fmt::Display) -> Self {
        Self {
            what: format!("{step}: {kind}"),
        }
    }
}

type SetupResult<T> = Result<T, SetupError>;

/// Sends a setup request (retrying 503) and requires `expected`; counts the 503s in `busy`.
async fn call(
    target: &Target,
    step: &str,
    path: &str,
    bearer: Option<&str>,
    body: Value,
    expected: u16,
    busy: &mut u64,
) -> SetupResult<Value> {
    let (answer, refused): (Answer, u64) = target
        .api
        .send_retrying(Method::POST, path, bearer, Some(body.to_string()))
        .await
        .map_err(|t: Transport| SetupError::at(step, t.kind()))?;
    *busy += refused;
    if answer.status != expected {
        return Err(SetupError::at(step, answer.kind()));
    }
    Ok(answer.body)
}

fn text(body: &Value, step: &str, key: &str) -> SetupResult<String> {
    body[key]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| SetupError::at(step, format!("no {key} in the answer")))
}

/// The newest code of `purpose` the test outbox holds for `to` (never printed).
async fn code_for(target: &Target, to: &str, purpose: &str) -> SetupResult<String> {
    let step = "outbox";
    let to: String = url::form_urlencoded::byte_serialize(to.as_bytes()).collect();
    let answer = target
        .api
        .send(
            Method::GET,
            &format!("/v1/testkit/outbox?to={to}"),
            None,
            None,
        )
        .await
        .map_err(|t| SetupError::at(step, t.kind()))?;
    if answer.status != 200 {
        return Err(SetupError::at(step, answer.kind()));
    }
    answer.body["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .rev()
        .find(|m| m["purpose"] == purpose)
        .and_then(|m| m["code"].as_str())
        .map(str::to_owned)
        .ok_or_else(|| SetupError::at(step, format!("no {purpose} code")))
}

/// Makes account `index`: sign-up, password + emailed code, step-up, registration of a passkey
/// from a new software password manager with `enable: true`. Returns it and the 503s retried.
pub(crate) async fn make_account(
    target: &Target,
    index: usize,
    device_bound: bool,
) -> SetupResult<(LoadAccount, u64)> {
    let mut busy = 0;
    let email = format!("load-{}-{index}@load.bingx.test", target.run_id);
    let password = target.password.as_str();
    let body = call(
        target,
        "sign-up",
        "/v1/accounts",
        None,
        json!({"email": email, "password": password}),
        201,
        &mut busy,
    )
    .await?;
    let account_id = text(&body, "sign-up", "account_id")?;

    let step = "password login";
    let body = call(
        target,
        step,
        "/v1/login/password",
        None,
        json!({"email": email, "password": password, "device_id": "load-setup"}),
        200,
        &mut busy,
    )
    .await?;
    if body["status"] != "code_required" {
        return Err(SetupError::at(step, "the answer is not code_required"));
    }
    let login_id = text(&body, step, "login_id")?;
    let code = code_for(target, &email, "login").await?;
    let step = "code login";
    let body = call(
        target,
        step,
        "/v1/login/code",
        None,
        json!({"login_id": login_id, "factor": "email", "code": code, "trust_device": false}),
        200,
        &mut busy,
    )
    .await?;
    let session = text(&body, step, "session_token")?;

    let step = "step-up begin";
    let body = call(
        target,
        step,
        "/v1/step-up/begin",
        Some(&session),
        json!({"purpose": "passkey_registration"}),
        200,
        &mut busy,
    )
    .await?;
    let step_up_id = text(&body, step, "step_up_id")?;
    let code = code_for(target, &email, "step_up").await?;
    let step = "step-up finish";
    let body = call(
        target,
        step,
        "/v1/step-up/finish",
        Some(&session),
        json!({"step_up_id": step_up_id, "password": password, "factor": "email", "code": code}),
        200,
        &mut busy,
    )
    .await?;
    let step_up_token = text(&body, step, "step_up_token")?;

    let step = "registration begin";
    let begun = call(
        target,
        step,
        "/v1/passkeys/registration/begin",
        Some(&session),
        json!({"step_up_token": step_up_token}),
        200,
        &mut busy,
    )
    .await?;
    let ceremony_id = text(&begun, step, "ceremony_id")?;
    let mut pm = SoftPasswordManager::new(target.origin.clone());
    if device_bound {
        pm = pm.device_bound();
    }
    let step = "registration ceremony";
    let request = prepare_create(&begun["options"].to_string(), &target.rp_id)
        .map_err(|e| SetupError::at(step, format!("options refused: {e}")))?;
    let credential = pm
        .create(request)
        .await
        .map_err(|e| SetupError::at(step, format!("password manager: {e}")))?;
    let credential: Value = serde_json::from_str(&credential)
        .map_err(|_| SetupError::at(step, "the credential is not JSON"))?;
    let step = "registration finish";
    let body = call(
        target,
        step,
        "/v1/passkeys/registration/finish",
        Some(&session),
        json!({"ceremony_id": ceremony_id, "credential": credential, "enable": true}),
        200,
        &mut busy,
    )
    .await?;
    let passkey = &body["passkey"];
    let credential_id = text(passkey, step, "credential_id")?;
    let held = pm.credential_ids(&target.rp_id);
    let held_id = held
        .first()
        .map(|id| data_encoding::BASE64URL_NOPAD.encode(id));
    if held.len() != 1 || held_id.as_deref() != Some(credential_id.as_str()) {
        return Err(SetupError::at(
            step,
            "the server's passkey is not the one the password manager holds",
        ));
    }
    if passkey["backup_eligible"].as_bool() != Some(!device_bound) {
        return Err(SetupError::at(
            step,
            "the server stored another backup eligibility than the passkey's",
        ));
    }
    let created_at = passkey["created_at"]
        .as_i64()
        .ok_or_else(|| SetupError::at(step, "no created_at"))?;
    Ok((
        LoadAccount {
            account_id,
            email,
            session,
            credential_id,
            created_at,
            last_used_before: passkey["last_used_at"].as_i64(),
            device_bound,
            pm,
            turn: tokio::sync::Mutex::new(()),
        },
        busy,
    ))
}

/// The password step of a J2 login (one Argon2 on the server): `passkey_required` with a
/// `login_id` and options. `device_id` names the login (and the session it will open).
pub(crate) async fn prepare_j2(
    target: &Target,
    account: &LoadAccount,
    device_id: &str,
) -> SetupResult<(PreparedJ2, u64)> {
    let mut busy = 0;
    let step = "J2 password step";
    let body = call(
        target,
        step,
        "/v1/login/password",
        None,
        json!({"email": account.email, "password": target.password, "device_id": device_id}),
        200,
        &mut busy,
    )
    .await?;
    if body["status"] != "passkey_required" {
        return Err(SetupError::at(step, "the answer is not passkey_required"));
    }
    let login_id = text(&body, step, "login_id")?;
    if !body["options"].is_object() {
        return Err(SetupError::at(step, "no options"));
    }
    Ok((
        PreparedJ2 {
            login_id,
            options: body["options"].to_string(),
        },
        busy,
    ))
}

/// Runs `task` on every item with at most `limit` at once; the results come back in the items'
/// order. A panicking task panics here.
pub(crate) async fn in_parallel<T, R, F, Fut>(items: Vec<T>, limit: usize, task: F) -> Vec<R>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> Fut,
    Fut: Future<Output = R> + Send + 'static,
{
    let permits = Arc::new(Semaphore::new(limit.max(1)));
    let mut set = JoinSet::new();
    let count = items.len();
    for (at, item) in items.into_iter().enumerate() {
        let permit = permits
            .clone()
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        let run = task(item);
        set.spawn(async move {
            let out = run.await;
            drop(permit);
            (at, out)
        });
    }
    let mut out: Vec<Option<R>> = (0..count).map(|_| None).collect();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok((at, result)) => out[at] = Some(result),
            Err(err) => std::panic::resume_unwind(err.into_panic()),
        }
    }
    out.into_iter()
        .map(|r| r.expect("every task reported"))
        .collect()
}
