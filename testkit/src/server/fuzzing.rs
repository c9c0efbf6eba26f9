//! The server half of the coverage-guided fuzzing of BRIEF §5 #18 (`fuzz/`, `scripts/fuzz`): not
//! part of the server's API.
//!
//! [`Target`] starts the reference server once, in this process, on a loopback port, with two
//! accounts that have a passkey in a software password manager: a plain one and one with the
//! passkey requirement on. [`Target::request`] sends fuzzer bytes as the JSON body of one route of
//! [`route_table`], with the chosen account's session, and checks the one property: the server
//! never answers 5xx (a panic in a handler aborts the fuzzer, which reports it as a crash).
//!
//! So that mutated bodies reach the handlers' checks and webauthn-rs instead of stopping at
//! "unknown ceremony", placeholders in a body are replaced before it is sent: [`CEREMONY`] by the
//! id of a fresh ceremony (or login attempt, or step-up) of the route, [`CHALLENGE`] by that
//! ceremony's challenge — in the body, and inside a base64url `credential.response.clientDataJSON`
//! — [`CODE`] by the newest one-time code sent to the account, [`PROOF`] by a fresh passkey proof
//! for what the route does, [`STEP_UP`] by a step-up token, [`ID_TOKEN`] by a test identity
//! provider token, and [`EMAIL`], [`PASSWORD`], [`CREDENTIAL`] by the account's own. The path
//! parameter `{credential_id}` is always the account's passkey.

use std::cell::{Cell, RefCell};
use std::sync::Arc;

use bingx_passkeys_core::PlatformAuthenticator;
use bingx_passkeys_core::webauthn::{prepare_create, prepare_get};
use passkey_types::encoding::{base64url, try_from_base64url};
use serde_json::{Value, json};

use super::extract::ADMIN_TOKEN_HEADER;
use super::{AdminToken, RunningServer, ServerConfig, route_table, start};
use crate::harness::RP_ID;
use crate::softpm::SoftPasswordManager;

/// Replaced by the id of a fresh ceremony, login attempt or step-up of the route.
pub const CEREMONY: &str = "@CEREMONY@";
/// Replaced by the challenge of that ceremony (also inside a base64url clientDataJSON).
pub const CHALLENGE: &str = "@CHALLENGE@";
/// Replaced by the newest one-time code sent to the account.
pub const CODE: &str = "@CODE@";
/// Replaced by a fresh passkey proof for what the route does.
pub const PROOF: &str = "@PROOF@";
/// Replaced by a fresh step-up token.
pub const STEP_UP: &str = "@STEP_UP@";
/// Replaced by an id token of the test identity provider for the account.
pub const ID_TOKEN: &str = "@ID_TOKEN@";
/// Replaced by the account's email.
pub const EMAIL: &str = "@EMAIL@";
/// Replaced by the account's password.
pub const PASSWORD: &str = "@PASSWORD@";
/// Replaced by the account's passkey's credential id (base64url).
pub const CREDENTIAL: &str = "@CREDENTIAL@";

/// The password of the fuzzing accounts.
const ACCOUNT_PASSWORD: &str = "fuzzing password 0123456789";
/// The device the fuzzing sessions are for.
const DEVICE_ID: &str = "fuzz-device";
/// The back office's credential of the fuzzed server.
const ADMIN_TOKEN: &str = "fuzzing-back-office-0123456789";

/// Which of the two accounts a request runs as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Passkey registered, requirement off.
    Plain,
    /// Passkey registered, requirement on.
    Flagged,
}

/// One fuzzing account.
struct Account {
    email: String,
    session: Option<String>,
    pm: Arc<SoftPasswordManager>,
    credential_id: String,
    /// A request may have changed what the account is (requirement, passkeys): check first.
    suspect: bool,
}

/// The reference server in this process and the two accounts the requests run as.
pub struct Target {
    runtime: tokio::runtime::Runtime,
    server: RunningServer,
    http: reqwest::Client,
    accounts: [RefCell<Option<Account>>; 2],
    created: Cell<u32>,
}

impl Default for Target {
    fn default() -> Self {
        Self::new()
    }
}

impl Target {
    /// Starts the server (in-memory SQLite) on a current-thread runtime. The accounts are made
    /// on first use.
    pub fn new() -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let mut config = ServerConfig::for_tests(RP_ID);
        config.admin_token = Some(AdminToken::new(ADMIN_TOKEN));
        let server = runtime
            .block_on(start(config, ([127, 0, 0, 1], 0).into()))
            .expect("the reference server starts");
        bingx_passkeys_core::install_tls_provider();
        Self {
            runtime,
            server,
            http: reqwest::Client::new(),
            accounts: [RefCell::new(None), RefCell::new(None)],
            created: Cell::new(0),
        }
    }

    /// The route byte of [`Self::request`] for `method` (lowercase) and `path` of
    /// [`route_table`], as the plain or the flagged account.
    pub fn route_byte(method: &str, path: &str, flagged: bool) -> Option<u8> {
        let routes = route_table();
        let index = routes.iter().position(|r| *r == (method, path))?;
        u8::try_from(index + if flagged { routes.len() } else { 0 }).ok()
    }

    /// Sends `body` to route `route_index` (modulo the route count; the quotient's parity picks
    /// the plain or the flagged account) after replacing the placeholders; returns the status.
    /// Panics if the server answers 5xx or does not answer.
    pub fn request(&self, route_index: u8, body: &[u8]) -> u16 {
        let routes = route_table();
        let (method, path) = routes[usize::from(route_index) % routes.len()];
        let role = if (usize::from(route_index) / routes.len()).is_multiple_of(2) {
            Role::Plain
        } else {
            Role::Flagged
        };
        self.runtime.block_on(self.send(method, path, role, body))
    }

    /// Realistic inputs for every route and both accounts (route byte, then body), with fresh
    /// credentials from the software password manager whose challenge is [`CHALLENGE`].
    pub fn seeds(&self) -> Vec<Vec<u8>> {
        self.runtime.block_on(self.make_seeds())
    }

    async fn send(&self, method: &str, path: &str, role: Role, body: &[u8]) -> u16 {
        let mut account = self.take_account(role).await;
        let mut path = path.to_owned();
        let body = match account.as_mut() {
            Some(account) => {
                path = path.replace("{credential_id}", &account.credential_id);
                if path == "/v1/testkit/outbox" {
                    path = format!("{path}?to={}", account.email.replace('@', "%40"));
                }
                self.fill(method, &path, account, body).await
            }
            None => body.to_vec(),
        };
        let session = account.as_ref().and_then(|a| a.session.clone());
        let status = self.raw(method, &path, session.as_deref(), body).await.0;
        if let Some(account) = account.as_mut() {
            if status == 401 || (path == "/v1/logout" && status < 300) {
                account.session = None;
            }
            let changes_account = path == "/v1/passkeys/registration/finish"
                || path == "/v1/policy/disable"
                || (method == "delete" && path.starts_with("/v1/passkeys/"));
            if changes_account && status < 300 {
                account.suspect = true;
            }
        }
        *self.slot(role).borrow_mut() = account;
        status
    }

    fn slot(&self, role: Role) -> &RefCell<Option<Account>> {
        &self.accounts[usize::from(role == Role::Flagged)]
    }

    /// The account for `role`, signed in and as `role` says, made anew when it no longer is.
    async fn take_account(&self, role: Role) -> Option<Account> {
        let mut account = self.slot(role).borrow_mut().take();
        if let Some(a) = account.as_mut() {
            if a.session.is_none() {
                a.session = self.sign_in(a).await;
            }
            if a.session.is_none() || (a.suspect && !self.still_fits(a, role).await) {
                account = None;
            } else {
                a.suspect = false;
            }
        }
        if account.is_none() {
            account = self.create(role).await;
        }
        account
    }

    /// Whether the account still has its passkey and the requirement as `role` says.
    async fn still_fits(&self, account: &Account, role: Role) -> bool {
        let session = account.session.as_deref();
        let Some(policy) = self.call("get", "/v1/policy", session, None).await else {
            return false;
        };
        let Some(list) = self.call("get", "/v1/passkeys", session, None).await else {
            return false;
        };
        let has_passkey = list["passkeys"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|p| p["credential_id"] == account.credential_id.as_str());
        has_passkey && policy["passkey_required"] == (role == Role::Flagged)
    }

    /// A new account for `role`: sign-up, sign-in, step-up, a passkey (and the requirement on
    /// for the flagged one).
    async fn create(&self, role: Role) -> Option<Account> {
        let n = self.created.get() + 1;
        self.created.set(n);
        let email = format!("fuzz-{n}@bingx.test");
        let origin = url::Url::parse(&format!("https://{RP_ID}")).ok()?;
        let mut account = Account {
            email: email.clone(),
            session: None,
            pm: Arc::new(SoftPasswordManager::new(origin)),
            credential_id: String::new(),
            suspect: false,
        };
        let made = async {
            self.call(
                "post",
                "/v1/accounts",
                None,
                Some(json!({"email": email, "password": ACCOUNT_PASSWORD})),
            )
            .await?;
            account.session = Some(self.sign_in(&account).await?);
            let step_up = self.step_up(&account).await?;
            let begun = self
                .call(
                    "post",
                    "/v1/passkeys/registration/begin",
                    account.session.as_deref(),
                    Some(json!({ "step_up_token": step_up })),
                )
                .await?;
            let request = prepare_create(&begun["options"].to_string(), RP_ID).ok()?;
            let credential = account.pm.create(request).await.ok()?;
            let credential: Value = serde_json::from_str(&credential).ok()?;
            let finished = self
                .call(
                    "post",
                    "/v1/passkeys/registration/finish",
                    account.session.as_deref(),
                    Some(json!({
                        "ceremony_id": begun["ceremony_id"], "credential": credential,
                        "enable": role == Role::Flagged,
                    })),
                )
                .await?;
            finished["passkey"]["credential_id"]
                .as_str()
                .map(str::to_owned)
        }
        .await;
        match made {
            Some(credential_id) => {
                account.credential_id = credential_id;
                Some(account)
            }
            None => {
                if n <= 3 {
                    eprintln!("fuzzing target: could not set up a {role:?} account");
                }
                None
            }
        }
    }

    /// A session for the account: password, then the emailed code or the passkey.
    async fn sign_in(&self, account: &Account) -> Option<String> {
        let started = self
            .call(
                "post",
                "/v1/login/password",
                None,
                Some(json!({
                    "email": account.email, "password": ACCOUNT_PASSWORD, "device_id": DEVICE_ID,
                })),
            )
            .await?;
        let done = if started["status"] == "passkey_required" {
            let credential = self.assert(account, &started["options"]).await?;
            self.call(
                "post",
                "/v1/login/passkey",
                None,
                Some(json!({"login_id": started["login_id"], "credential": credential})),
            )
            .await?
        } else {
            let code = self.code(&account.email, "login").await?;
            self.call(
                "post",
                "/v1/login/code",
                None,
                Some(json!({
                    "login_id": started["login_id"], "factor": "email", "code": code,
                })),
            )
            .await?
        };
        done["session_token"].as_str().map(str::to_owned)
    }

    /// The password manager's answer to assertion options.
    async fn assert(&self, account: &Account, options: &Value) -> Option<Value> {
        let request = prepare_get(&options.to_string(), RP_ID).ok()?;
        let credential = account.pm.get(request).await.ok()?;
        serde_json::from_str(&credential).ok()
    }

    /// The newest code in the outbox for `to` and `purpose` (`login`, `step_up`).
    async fn code(&self, to: &str, purpose: &str) -> Option<String> {
        let path = format!("/v1/testkit/outbox?to={}", to.replace('@', "%40"));
        let outbox = self.call("get", &path, None, None).await?;
        outbox["messages"]
            .as_array()?
            .iter()
            .rev()
            .find(|m| m["purpose"] == purpose)?["code"]
            .as_str()
            .map(str::to_owned)
    }

    /// A step-up token (password + emailed code); only an account without the requirement
    /// gets one.
    async fn step_up(&self, account: &Account) -> Option<String> {
        let session = account.session.as_deref();
        let begun = self
            .call(
                "post",
                "/v1/step-up/begin",
                session,
                Some(json!({"purpose": "passkey_registration"})),
            )
            .await?;
        let code = self.code(&account.email, "step_up").await?;
        let token = self
            .call(
                "post",
                "/v1/step-up/finish",
                session,
                Some(json!({
                    "step_up_id": begun["step_up_id"], "password": ACCOUNT_PASSWORD,
                    "factor": "email", "code": code,
                })),
            )
            .await?;
        token["step_up_token"].as_str().map(str::to_owned)
    }

    /// A passkey proof: `purpose` for `/v1/passkeys/verify`, or the withdrawal scenario bound to
    /// `params` when `params` is given.
    async fn proof(
        &self,
        account: &Account,
        purpose: &str,
        params: Option<Value>,
    ) -> Option<String> {
        let session = account.session.as_deref();
        let (prefix, begin) = match params {
            Some(params) => (
                "/v1/scenarios/verify",
                json!({"scenario": "withdrawal", "params": params}),
            ),
            None => ("/v1/passkeys/verify", json!({ "purpose": purpose })),
        };
        let begun = self
            .call("post", &format!("{prefix}/begin"), session, Some(begin))
            .await?;
        let credential = self.assert(account, &begun["options"]).await?;
        let proof = self
            .call(
                "post",
                &format!("{prefix}/finish"),
                session,
                Some(json!({"ceremony_id": begun["ceremony_id"], "credential": credential})),
            )
            .await?;
        proof["proof"].as_str().map(str::to_owned)
    }

    /// Opens what the route finishes: `(id, challenge)` (the challenge empty where there is none).
    async fn open(&self, path: &str, account: &Account) -> Option<(String, String)> {
        let session = account.session.as_deref();
        let (begin, body, id) = match path {
            "/v1/passkeys/registration/finish" => {
                let proof = self.proof(account, "add_passkey", None).await?;
                (
                    "/v1/passkeys/registration/begin",
                    json!({ "proof": proof }),
                    "ceremony_id",
                )
            }
            "/v1/passkeys/verify/finish" => (
                "/v1/passkeys/verify/begin",
                json!({"purpose": "security_settings"}),
                "ceremony_id",
            ),
            "/v1/scenarios/verify/finish" => (
                "/v1/scenarios/verify/begin",
                json!({"scenario": "withdrawal", "params": {}}),
                "ceremony_id",
            ),
            "/v1/login/discoverable/finish" => {
                ("/v1/login/discoverable/begin", json!({}), "ceremony_id")
            }
            "/v1/login/passkey" | "/v1/login/code" => (
                "/v1/login/password",
                json!({"email": account.email, "password": ACCOUNT_PASSWORD, "device_id": DEVICE_ID}),
                "login_id",
            ),
            "/v1/step-up/finish" => (
                "/v1/step-up/begin",
                json!({"purpose": "passkey_registration"}),
                "step_up_id",
            ),
            _ => return None,
        };
        let answer = self.call("post", begin, session, Some(body)).await?;
        let challenge = answer["options"]["challenge"].as_str().unwrap_or_default();
        Some((answer[id].as_str()?.to_owned(), challenge.to_owned()))
    }

    /// The body with every placeholder replaced (a placeholder whose value cannot be had stays).
    async fn fill(&self, method: &str, path: &str, account: &Account, body: &[u8]) -> Vec<u8> {
        let mut body = body.to_vec();
        for (placeholder, value) in [
            (EMAIL, account.email.as_str()),
            (PASSWORD, ACCOUNT_PASSWORD),
            (CREDENTIAL, account.credential_id.as_str()),
        ] {
            body = replace(&body, placeholder, value);
        }
        if (contains(&body, CEREMONY) || contains(&body, CHALLENGE))
            && let Some((id, challenge)) = self.open(path, account).await
        {
            body = replace(&body, CEREMONY, &id);
            body = replace_challenge(&body, &challenge);
        }
        if contains(&body, CODE) {
            let purpose = if path.starts_with("/v1/step-up/") {
                "step_up"
            } else {
                "login"
            };
            if let Some(code) = self.code(&account.email, purpose).await {
                body = replace(&body, CODE, &code);
            }
        }
        if contains(&body, PROOF) {
            let proof = match (method, path) {
                ("patch", _) => self.proof(account, "rename_passkey", None).await,
                ("delete", _) => self.proof(account, "delete_passkey", None).await,
                (_, "/v1/policy/disable") => self.proof(account, "disable_passkeys", None).await,
                (_, "/v1/passkeys/registration/begin") => {
                    self.proof(account, "add_passkey", None).await
                }
                (_, "/v1/withdrawals") => {
                    let params = withdrawal_params(&body);
                    self.proof(account, "", Some(params)).await
                }
                _ => self.proof(account, "security_settings", None).await,
            };
            if let Some(proof) = proof {
                body = replace(&body, PROOF, &proof);
            }
        }
        if contains(&body, STEP_UP)
            && let Some(token) = self.step_up(account).await
        {
            body = replace(&body, STEP_UP, &token);
        }
        if contains(&body, ID_TOKEN) {
            let token = self
                .call(
                    "post",
                    "/v1/testkit/idp/token",
                    None,
                    Some(json!({"provider": "google", "email": account.email})),
                )
                .await;
            if let Some(token) = token.as_ref().and_then(|t| t["id_token"].as_str()) {
                body = replace(&body, ID_TOKEN, token);
            }
        }
        body
    }

    /// A JSON call; the answer when it is a success.
    async fn call(
        &self,
        method: &str,
        path: &str,
        bearer: Option<&str>,
        body: Option<Value>,
    ) -> Option<Value> {
        let body = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        let (status, answer) = self.raw(method, path, bearer, body).await;
        if !(200..300).contains(&status) {
            return None;
        }
        serde_json::from_slice(&answer).ok()
    }

    /// One request. Panics on a 5xx answer or none.
    async fn raw(
        &self,
        method: &str,
        path: &str,
        bearer: Option<&str>,
        body: Vec<u8>,
    ) -> (u16, Vec<u8>) {
        let verb = reqwest::Method::from_bytes(method.to_ascii_uppercase().as_bytes())
            .expect("route table methods are HTTP methods");
        let mut request = self
            .http
            .request(verb, format!("{}{path}", self.server.base_url()))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body);
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        // The back office's endpoints get its credential, so their bodies are read too.
        if path.starts_with("/v1/testkit/admin/") {
            request = request.header(ADMIN_TOKEN_HEADER, ADMIN_TOKEN);
        }
        let answer = match request.send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                response.bytes().await.map(|b| (status, b.to_vec()))
            }
            Err(e) => Err(e),
        };
        let (status, bytes) =
            answer.unwrap_or_else(|e| panic!("{method} {path}: the server did not answer: {e}"));
        if status >= 500 {
            panic!(
                "{method} {path} answered {status}: {}",
                String::from_utf8_lossy(&bytes)
            );
        }
        (status, bytes)
    }

    async fn make_seeds(&self) -> Vec<Vec<u8>> {
        let mut seeds = Vec::new();
        for role in [Role::Plain, Role::Flagged] {
            let Some(account) = self.take_account(role).await else {
                continue;
            };
            let assertion = self.seed_assertion(&account).await.unwrap_or(Value::Null);
            let registration = self
                .seed_registration(&account)
                .await
                .unwrap_or(Value::Null);
            let id_token = json!({"provider": "google", "id_token": ID_TOKEN});
            for (method, path) in route_table() {
                let bodies = seed_bodies(path, &assertion, &registration, &id_token);
                let flagged = role == Role::Flagged;
                let Some(byte) = Self::route_byte(method, path, flagged) else {
                    continue;
                };
                for body in bodies {
                    let mut input = vec![byte];
                    input.extend_from_slice(body.to_string().as_bytes());
                    seeds.push(input);
                }
            }
            *self.slot(role).borrow_mut() = Some(account);
        }
        seeds
    }

    /// An assertion for the account's passkey whose clientDataJSON challenge is [`CHALLENGE`].
    async fn seed_assertion(&self, account: &Account) -> Option<Value> {
        let (_, options) = self
            .begun(
                account,
                "/v1/passkeys/verify/begin",
                json!({"purpose": "security_settings"}),
            )
            .await?;
        let credential = self.assert(account, &options).await?;
        Some(with_placeholder_challenge(credential, &options))
    }

    /// A new credential (from a password manager the server never hears of) whose
    /// clientDataJSON challenge is [`CHALLENGE`].
    async fn seed_registration(&self, account: &Account) -> Option<Value> {
        let proof = self.proof(account, "add_passkey", None).await?;
        let (_, options) = self
            .begun(
                account,
                "/v1/passkeys/registration/begin",
                json!({ "proof": proof }),
            )
            .await?;
        let request = prepare_create(&options.to_string(), RP_ID).ok()?;
        let origin = url::Url::parse(&format!("https://{RP_ID}")).ok()?;
        let credential = SoftPasswordManager::new(origin)
            .create(request)
            .await
            .ok()?;
        let credential = serde_json::from_str(&credential).ok()?;
        Some(with_placeholder_challenge(credential, &options))
    }

    async fn begun(&self, account: &Account, path: &str, body: Value) -> Option<(String, Value)> {
        let answer = self
            .call("post", path, account.session.as_deref(), Some(body))
            .await?;
        Some((
            answer["ceremony_id"].as_str()?.to_owned(),
            answer["options"].clone(),
        ))
    }
}

/// Realistic bodies for `path`.
fn seed_bodies(
    path: &str,
    assertion: &Value,
    registration: &Value,
    id_token: &Value,
) -> Vec<Value> {
    match path {
        "/v1/accounts" => vec![
            json!({"email": "new-account@bingx.test", "password": "a new password 0123", "phone": "+15550001111"}),
            json!({"email": EMAIL, "password": PASSWORD}),
        ],
        "/v1/login/password" | "/v1/login/h5" => vec![
            json!({"email": EMAIL, "password": PASSWORD, "device_id": DEVICE_ID}),
            json!({"email": EMAIL, "password": PASSWORD, "device_id": DEVICE_ID, "trust_token": "t"}),
        ],
        "/v1/login/code" => vec![
            json!({"login_id": CEREMONY, "factor": "email", "code": CODE, "trust_device": true}),
            json!({"login_id": CEREMONY, "factor": "totp", "code": "123456"}),
        ],
        "/v1/login/passkey" => vec![json!({"login_id": CEREMONY, "credential": assertion})],
        "/v1/login/discoverable/begin" => vec![json!({}), json!({"device_id": DEVICE_ID})],
        "/v1/login/discoverable/finish"
        | "/v1/passkeys/verify/finish"
        | "/v1/scenarios/verify/finish" => {
            vec![json!({"ceremony_id": CEREMONY, "credential": assertion})]
        }
        "/v1/login/third-party" => vec![id_token.clone()],
        "/v1/testkit/idp/token" => vec![json!({"provider": "apple", "email": EMAIL})],
        "/v1/testkit/admin/policy" => vec![json!({
            "scenarios": {"withdrawal": true, "security_settings": false},
            "reopen_h5_login": false, "reopen_third_party_login": true,
        })],
        "/v1/step-up/begin" => vec![json!({"purpose": "passkey_registration"})],
        "/v1/step-up/finish" => vec![json!({
            "step_up_id": CEREMONY, "password": PASSWORD, "factor": "email", "code": CODE,
        })],
        "/v1/passkeys/registration/begin" => vec![
            json!({ "step_up_token": STEP_UP }),
            json!({ "proof": PROOF }),
        ],
        "/v1/passkeys/registration/finish" => vec![json!({
            "ceremony_id": CEREMONY, "credential": registration, "name": "Fuzz key", "enable": true,
        })],
        "/v1/passkeys/verify/begin" => vec![json!({"purpose": "rename_passkey"})],
        "/v1/passkeys/{credential_id}" => vec![
            json!({"name": "Renamed", "proof": PROOF}),
            json!({ "proof": PROOF }),
        ],
        "/v1/policy/disable" => vec![json!({ "proof": PROOF })],
        "/v1/scenarios/verify/begin" => vec![json!({
            "scenario": "withdrawal",
            "params": {"asset": "USDT", "address": "TXbingxFuzz", "amount": "10.5"},
        })],
        "/v1/withdrawals" => vec![json!({
            "asset": "USDT", "address": "TXbingxFuzz", "amount": "10.5", "proof": PROOF,
        })],
        "/v1/recovery/begin" => vec![
            json!({"email": EMAIL, "password": PASSWORD, "device_id": DEVICE_ID}),
            json!({"email": "nobody@bingx.test", "password": PASSWORD, "device_id": DEVICE_ID}),
        ],
        "/v1/recovery/finish" => vec![json!({
            "recovery_id": "unknown", "factor": "sms", "code": "123456",
        })],
        "/v1/recovery/status" => vec![json!({"reset_token": "unknown"})],
        "/v1/recovery/cancel" => vec![json!({ "proof": PROOF })],
        _ => vec![json!({})],
    }
}

/// `credential` with the challenge of `options` in its clientDataJSON replaced by [`CHALLENGE`].
fn with_placeholder_challenge(mut credential: Value, options: &Value) -> Value {
    let challenge = options["challenge"].as_str().unwrap_or_default();
    let encoded = credential["response"]["clientDataJSON"]
        .as_str()
        .unwrap_or_default();
    if let Some(client_data) = try_from_base64url(encoded) {
        let edited = replace(&client_data, challenge, CHALLENGE);
        credential["response"]["clientDataJSON"] = base64url(&edited).into();
    }
    credential
}

/// The withdrawal parameters a withdrawal body names (empty where it names none).
fn withdrawal_params(body: &[u8]) -> Value {
    let parsed: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let mut params = serde_json::Map::new();
    for key in ["asset", "address", "amount"] {
        if let Some(value) = parsed[key].as_str() {
            params.insert(key.to_owned(), value.into());
        }
    }
    Value::Object(params)
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// `haystack` with every `from` replaced by `to`.
fn replace(haystack: &[u8], from: &str, to: &str) -> Vec<u8> {
    let from = from.as_bytes();
    if from.is_empty() {
        return haystack.to_vec();
    }
    let mut out = Vec::with_capacity(haystack.len());
    let mut rest = haystack;
    while !rest.is_empty() {
        if rest.starts_with(from) {
            out.extend_from_slice(to.as_bytes());
            rest = &rest[from.len()..];
        } else {
            out.push(rest[0]);
            rest = &rest[1..];
        }
    }
    out
}

/// [`CHALLENGE`] replaced by `challenge` in the body and inside the base64url clientDataJSON of
/// `credential.response`.
fn replace_challenge(body: &[u8], challenge: &str) -> Vec<u8> {
    let body = replace(body, CHALLENGE, challenge);
    let parsed: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let Some(encoded) = parsed["credential"]["response"]["clientDataJSON"].as_str() else {
        return body;
    };
    match try_from_base64url(encoded) {
        Some(client_data) if contains(&client_data, CHALLENGE) => {
            let filled = base64url(&replace(&client_data, CHALLENGE, challenge));
            replace(&body, encoded, &filled)
        }
        _ => body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_replaced_in_the_body_and_in_client_data() {
        assert_eq!(replace(b"a@X@b@X@", "@X@", "yz"), b"ayzbyz");
        let client_data = format!(r#"{{"type":"webauthn.get","challenge":"{CHALLENGE}"}}"#);
        let body = json!({
            "ceremony_id": CEREMONY,
            "credential": {"response": {"clientDataJSON": base64url(client_data.as_bytes())}},
        })
        .to_string();
        let filled = replace_challenge(body.as_bytes(), "Y2hhbGxlbmdl");
        let filled: Value = serde_json::from_slice(&filled).unwrap();
        let client_data = try_from_base64url(
            filled["credential"]["response"]["clientDataJSON"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
        assert!(contains(&client_data, "\"challenge\":\"Y2hhbGxlbmdl\""));
        assert_eq!(filled["ceremony_id"], CEREMONY, "ids are filled separately");
    }

    #[test]
    fn every_seed_runs_and_the_placeholders_reach_the_handlers() {
        let target = Target::new();
        let seeds = target.seeds();
        assert!(
            seeds.len() > 2 * route_table().len(),
            "{} seeds",
            seeds.len()
        );
        let mut accepted = Vec::new();
        for seed in &seeds {
            let (route, body) = seed.split_first().expect("a route byte");
            if (200..300).contains(&target.request(*route, body)) {
                accepted.push(*route);
            }
        }
        // Fresh ceremonies, challenges, codes and proofs made these succeed: the fuzzer's
        // mutations of them reach the handlers' checks and webauthn-rs.
        for (method, path, flagged) in [
            ("post", "/v1/passkeys/registration/finish", false),
            ("post", "/v1/passkeys/registration/finish", true),
            ("post", "/v1/step-up/finish", false),
            ("post", "/v1/login/code", false),
            ("patch", "/v1/passkeys/{credential_id}", true),
            ("post", "/v1/withdrawals", true),
        ] {
            let byte = Target::route_byte(method, path, flagged).expect("a route");
            assert!(
                accepted.contains(&byte),
                "{method} {path} (flagged: {flagged}) never succeeded"
            );
        }
    }

    #[test]
    fn route_bytes_pick_the_route_and_the_account() {
        let routes = route_table();
        let plain = Target::route_byte("post", "/v1/logout", false).unwrap();
        let flagged = Target::route_byte("post", "/v1/logout", true).unwrap();
        assert_eq!(routes[usize::from(plain)], ("post", "/v1/logout"));
        assert_eq!(usize::from(flagged), usize::from(plain) + routes.len());
        assert_eq!(Target::route_byte("post", "/v1/nowhere", false), None);
    }
}
