//! The harness that end-to-end tests and the demo share: the reference server on a free loopback
//! port, sign-up and the outbox, and core clients wired to the software password manager.
//!
//! Product calls go through the core (`PasskeysClient`); the raw HTTP helpers here stand for an
//! attacker or a test that must bypass the core's own checks to prove the server's.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;

use bingx_passkeys_core::webauthn::{prepare_create, prepare_get};
use bingx_passkeys_core::{
    Capabilities, Config, CreateRequest, EnableFlow, GetRequest, PasskeysClient, PasskeysError,
    PlatformAuthenticator, PlatformError, SecretStore, SignInStep,
};
use serde_json::{Value, json};

use crate::server::{AdminToken, RunningServer, ServerConfig};
use crate::softpm::SoftPasswordManager;

/// Two password managers on one phone, as the platform's sheet offers them: assertions come from
/// whichever holds the passkey; a new passkey goes into the first, or — when the first already
/// holds one for the account (excludeCredentials) — the user picks the second. Both are real
/// software password managers; this only routes between them.
pub struct TwoPasswordManagers {
    /// The default provider.
    pub first: Arc<SoftPasswordManager>,
    /// The provider the user picks when the first already holds a passkey for the account.
    pub second: Arc<SoftPasswordManager>,
}

#[async_trait::async_trait]
impl PlatformAuthenticator for TwoPasswordManagers {
    async fn capabilities(&self) -> Capabilities {
        self.first.capabilities().await
    }

    async fn create(&self, request: CreateRequest) -> Result<String, PlatformError> {
        match self.first.create(request.clone()).await {
            Err(PlatformError::AlreadyRegistered) => self.second.create(request).await,
            other => other,
        }
    }

    async fn get(&self, request: GetRequest) -> Result<String, PlatformError> {
        match self.first.get(request.clone()).await {
            Err(PlatformError::NoCredential) => self.second.get(request).await,
            other => other,
        }
    }

    async fn signal_unknown_credential(
        &self,
        rp_id: String,
        credential_id: Vec<u8>,
    ) -> Result<(), PlatformError> {
        let first = self
            .first
            .signal_unknown_credential(rp_id.clone(), credential_id.clone())
            .await;
        let second = self
            .second
            .signal_unknown_credential(rp_id, credential_id)
            .await;
        first.and(second)
    }

    async fn signal_all_accepted_credentials(
        &self,
        rp_id: String,
        user_id: Vec<u8>,
        credential_ids: Vec<Vec<u8>>,
    ) -> Result<(), PlatformError> {
        let first = self
            .first
            .signal_all_accepted_credentials(rp_id.clone(), user_id.clone(), credential_ids.clone())
            .await;
        let second = self
            .second
            .signal_all_accepted_credentials(rp_id, user_id, credential_ids)
            .await;
        first.and(second)
    }

    async fn signal_current_user_details(
        &self,
        rp_id: String,
        user_id: Vec<u8>,
        name: String,
        display_name: String,
    ) -> Result<(), PlatformError> {
        let first = self
            .first
            .signal_current_user_details(
                rp_id.clone(),
                user_id.clone(),
                name.clone(),
                display_name.clone(),
            )
            .await;
        let second = self
            .second
            .signal_current_user_details(rp_id, user_id, name, display_name)
            .await;
        first.and(second)
    }
}

/// The relying party id of tests and the demo.
pub const RP_ID: &str = "passkeys.bingx.test";

/// An account made through the server's sign-up endpoint. Its `Debug` shows the id and the email,
/// never the password or the TOTP secret.
#[derive(Clone)]
pub struct TestAccount {
    /// The server's id for it.
    pub account_id: String,
    /// Its email (the outbox address of its codes).
    pub email: String,
    /// Its password.
    pub password: String,
    /// Its TOTP secret (base32).
    pub totp_secret: String,
}

/// A session obtained over raw HTTP (bypassing the core), with its optional trust mark. Its
/// `Debug` shows neither token.
#[derive(Clone)]
pub struct RawSession {
    /// The bearer token.
    pub token: String,
    /// The "trust this device" mark, when asked for.
    pub trust_token: Option<String>,
}

impl fmt::Debug for TestAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestAccount")
            .field("account_id", &self.account_id)
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for RawSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawSession")
            .field("token", &REDACTED)
            .field("trust_token", &self.trust_token.as_ref().map(|_| REDACTED))
            .finish()
    }
}

const REDACTED: &str = "<redacted>";

/// The members of the server's answers that hold a secret (a token, an attempt's id, a TOTP
/// secret): [`Shown`] prints them as `<redacted>`.
const SECRET_MEMBERS: [&str; 11] = [
    "session_token",
    "trust_token",
    "step_up_token",
    "proof",
    "login_id",
    "step_up_id",
    "recovery_id",
    "reset_token",
    "totp_secret",
    "id_token",
    "password",
];

/// A server answer as an assertion message shows it: the JSON with every secret member's value
/// redacted, at any depth. An unexpected answer (a `signed_in` where `code_required` was
/// expected, say) then never puts a live token into a test's or the demo's output.
pub struct Shown<'a>(pub &'a Value);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn redact(value: &Value) -> Value {
            match value {
                Value::Object(members) => Value::Object(
                    members
                        .iter()
                        .map(|(name, v)| {
                            let v = if SECRET_MEMBERS.contains(&name.as_str()) && !v.is_null() {
                                Value::from(REDACTED)
                            } else {
                                redact(v)
                            };
                            (name.clone(), v)
                        })
                        .collect(),
                ),
                Value::Array(items) => Value::Array(items.iter().map(redact).collect()),
                other => other.clone(),
            }
        }
        write!(f, "{}", redact(self.0))
    }
}

/// A reference server plus the means to drive it.
pub struct Harness {
    server: Option<RunningServer>,
    base_url: String,
    http: reqwest::Client,
    policy_key: Option<Vec<u8>>,
    admin_token: Option<String>,
}

impl Harness {
    /// The reference server with the test configuration, in-memory SQLite.
    pub async fn start() -> Self {
        Self::start_with(ServerConfig::for_tests(RP_ID)).await
    }

    /// The reference server with `config`, on a free loopback port. Without an admin credential
    /// in `config`, the server gets a random one ([`Self::admin_token`]).
    pub async fn start_with(mut config: ServerConfig) -> Self {
        let admin_token = config
            .admin_token
            .get_or_insert_with(|| {
                AdminToken::new(data_encoding::BASE64URL_NOPAD.encode(&rand::random::<[u8; 24]>()))
            })
            .expose()
            .to_owned();
        let addr: SocketAddr = ([127, 0, 0, 1], 0).into();
        let server = crate::server::start(config, addr)
            .await
            .expect("the reference server starts");
        let base_url = server.base_url();
        let mut harness = Self::with_server(Some(server), base_url).await;
        harness.admin_token = Some(admin_token);
        harness
    }

    /// A harness for a server running elsewhere on this machine (e.g. a `passkeys-testkit
    /// serve` process a test kills and restarts), at `base_url`, for the rp id [`RP_ID`].
    pub async fn attach(base_url: &str) -> Self {
        Self::with_server(None, base_url.trim_end_matches('/').to_owned()).await
    }

    async fn with_server(server: Option<RunningServer>, base_url: String) -> Self {
        bingx_passkeys_core::install_tls_provider();
        let mut harness = Self {
            server,
            base_url,
            http: reqwest::Client::new(),
            policy_key: None,
            admin_token: None,
        };
        // The app pins the server's policy-signing key; tests read it from the server.
        let (status, key) = harness.raw("GET", "/v1/policy-key", None, None).await;
        if status == 200 {
            harness.policy_key = key["public_key"]
                .as_str()
                .and_then(passkey_types::encoding::try_from_base64url);
        }
        harness
    }

    /// The running server (panics for a harness [attached](Self::attach) to another process).
    pub fn server(&self) -> &RunningServer {
        self.server
            .as_ref()
            .expect("this harness runs its own server")
    }

    /// The back office's credential of the server this harness started (panics for a harness
    /// [attached](Self::attach) to another process: it does not know that server's).
    pub fn admin_token(&self) -> &str {
        self.admin_token
            .as_deref()
            .expect("this harness started its own server")
    }

    /// Stops the server (e.g. to start another on the same database file).
    pub async fn shutdown(self) {
        if let Some(server) = self.server {
            server.shutdown().await;
        }
    }

    /// The server's base URL.
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// A new software password manager for this relying party (an app on a device).
    pub fn password_manager(&self) -> Arc<SoftPasswordManager> {
        let origin = url::Url::parse(&format!("https://{RP_ID}")).expect("static origin");
        Arc::new(SoftPasswordManager::new(origin))
    }

    /// A core client talking to the server, with its own in-memory keystore.
    pub fn client(&self, pm: Arc<SoftPasswordManager>) -> PasskeysClient {
        self.client_via(&self.base_url(), pm)
    }

    /// A core client talking to the server through `base_url` (e.g. a [`crate::netcut::NetCut`]).
    pub fn client_via(&self, base_url: &str, pm: Arc<SoftPasswordManager>) -> PasskeysClient {
        let store = SecretStore::in_memory().expect("in-memory keystore");
        self.client_with(base_url, store, pm)
    }

    /// A core client on `store` (e.g. the same keystore after an app restart, or one a test
    /// tampers with), talking to `base_url`, with any platform authenticator.
    pub fn client_with(
        &self,
        base_url: &str,
        store: SecretStore,
        platform: Arc<dyn PlatformAuthenticator>,
    ) -> PasskeysClient {
        let mut config =
            Config::for_loopback_test_server(base_url, RP_ID).expect("loopback config is valid");
        if let Some(key) = &self.policy_key {
            config = config
                .with_policy_key(key.clone())
                .expect("the server's key is valid");
        }
        PasskeysClient::new(config, store, platform).expect("core client")
    }

    /// Raw HTTP call; returns the status and the JSON body (`null` when empty or not JSON).
    pub async fn raw(
        &self,
        method: &str,
        path: &str,
        bearer: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        self.send(method, path, bearer, &[], body).await
    }

    /// [`Harness::raw`] with `nonce` in `X-Policy-Nonce`: the policy in the answer is signed
    /// with it (a client accepts a lift only with the nonce of its own request).
    pub async fn raw_asking(
        &self,
        method: &str,
        path: &str,
        bearer: Option<&str>,
        nonce: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        self.send(method, path, bearer, &[("x-policy-nonce", nonce)], body)
            .await
    }

    /// Raw HTTP call to a back-office endpoint (`/v1/testkit/admin/…`) with `admin_token`
    /// in `X-Admin-Token` (none when `None`); returns the status and the JSON body.
    pub async fn raw_admin(
        &self,
        method: &str,
        path: &str,
        admin_token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let headers: &[(&str, &str)] = match admin_token {
            Some(token) => &[("x-admin-token", token)],
            None => &[],
        };
        self.send(method, path, None, headers, body).await
    }

    /// The back office approves reset `reset_id` with this server's credential; returns the
    /// status and the answer.
    pub async fn approve_reset(&self, reset_id: &str) -> (u16, Value) {
        let path = format!("/v1/testkit/admin/resets/{reset_id}/approve");
        self.raw_admin("POST", &path, Some(self.admin_token()), None)
            .await
    }

    async fn send(
        &self,
        method: &str,
        path: &str,
        bearer: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<Value>,
    ) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut request = self
            .http
            .request(method, format!("{}{}", self.base_url(), path));
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        let response = request.send().await.expect("the server answers");
        let status = response.status().as_u16();
        let bytes = response.bytes().await.expect("a body");
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    /// Sign up a new account (the server's test/demo sign-up endpoint).
    pub async fn sign_up(&self, email: &str) -> TestAccount {
        let password = "correct horse battery staple";
        let (status, body) = self
            .raw(
                "POST",
                "/v1/accounts",
                None,
                Some(json!({"email": email, "password": password})),
            )
            .await;
        assert_eq!(status, 201, "sign-up: {}", Shown(&body));
        TestAccount {
            account_id: body["account_id"].as_str().expect("account_id").to_owned(),
            email: email.to_owned(),
            password: password.to_owned(),
            totp_secret: body["totp_secret"]
                .as_str()
                .expect("totp_secret")
                .to_owned(),
        }
    }

    /// The newest code the outbox holds for `to` and `purpose` (`login`, `step_up`).
    pub async fn code_for(&self, to: &str, purpose: &str) -> String {
        let (status, body) = self
            .raw("GET", &format!("/v1/testkit/outbox?to={to}"), None, None)
            .await;
        assert_eq!(status, 200, "outbox: {}", Shown(&body));
        body["messages"]
            .as_array()
            .into_iter()
            .flatten()
            .rev()
            .find(|m| m["purpose"] == purpose)
            .and_then(|m| m["code"].as_str())
            .unwrap_or_else(|| panic!("no {purpose} code for {to}"))
            .to_owned()
    }

    /// Sign `client` in with password, then the emailed code — or the passkey, when the account
    /// requires one.
    pub async fn sign_in(
        &self,
        client: &PasskeysClient,
        account: &TestAccount,
        device_id: &str,
    ) -> Result<(), PasskeysError> {
        match client
            .sign_in()
            .with_password(&account.email, &account.password, device_id, None)
            .await?
        {
            SignInStep::SignedIn { .. } => Ok(()),
            SignInStep::PasskeyRequired { login_id } => client
                .sign_in()
                .complete_with_passkey(&login_id)
                .await
                .map(|_| ()),
            SignInStep::CodeRequired { login_id, .. } => {
                let code = self.code_for(&account.email, "login").await;
                client
                    .sign_in()
                    .complete_with_code(&login_id, bingx_passkeys_core::Factor::Email, &code, false)
                    .await
                    .map(|_| ())
            }
        }
    }

    /// Run the Enable flow up to a completed step-up (device check, warning, password + code).
    pub async fn step_up(
        &self,
        flow: &EnableFlow,
        account: &TestAccount,
    ) -> Result<(), PasskeysError> {
        flow.check_device().await?;
        flow.acknowledge_warning()?;
        flow.start_step_up().await?;
        let code = self.code_for(&account.email, "step_up").await;
        flow.finish_step_up(&account.password, bingx_passkeys_core::Factor::Email, &code)
            .await
    }

    /// Sign in over raw HTTP (password + emailed code), optionally asking to trust the device.
    pub async fn raw_sign_in(
        &self,
        account: &TestAccount,
        device_id: &str,
        trust: bool,
    ) -> RawSession {
        let (status, body) = self.raw_password_step(account, device_id).await;
        assert_eq!(status, 200, "password login: {}", Shown(&body));
        assert_eq!(body["status"], "code_required", "{}", Shown(&body));
        let code = self.code_for(&account.email, "login").await;
        let (status, body) = self
            .raw(
                "POST",
                "/v1/login/code",
                None,
                Some(json!({"login_id": body["login_id"], "factor": "email", "code": code, "trust_device": trust})),
            )
            .await;
        assert_eq!(status, 200, "code login: {}", Shown(&body));
        RawSession {
            token: body["session_token"].as_str().expect("session").to_owned(),
            trust_token: body["trust_token"].as_str().map(str::to_owned),
        }
    }

    /// The password step of a sign-in over raw HTTP (`POST /v1/login/password` with the
    /// account's email and password from `device_id`, sending [`install_key_of`] it, as the
    /// library on that device would); the status and the answer.
    pub async fn raw_password_step(&self, account: &TestAccount, device_id: &str) -> (u16, Value) {
        self.raw(
            "POST",
            "/v1/login/password",
            None,
            Some(json!({"email": account.email, "password": account.password,
                        "device_id": device_id, "install_key": install_key_of(device_id)})),
        )
        .await
    }

    /// `POST /v1/recovery/begin` (J8: a support reset asked for with `email` and `password`
    /// from a device calling itself `device_id`); the status and the answer (`recovery_id`).
    pub async fn raw_recovery_begin(
        &self,
        email: &str,
        password: &str,
        device_id: &str,
    ) -> (u16, Value) {
        self.raw(
            "POST",
            "/v1/recovery/begin",
            None,
            Some(
                json!({"email": email, "password": password, "device_id": device_id,
                        "install_key": install_key_of(device_id)}),
            ),
        )
        .await
    }

    /// `POST /v1/recovery/finish` of `recovery_id` with an emailed `code`; the status and the
    /// answer (`reset`, `reset_token`).
    pub async fn raw_recovery_finish(&self, recovery_id: &Value, code: &str) -> (u16, Value) {
        self.raw(
            "POST",
            "/v1/recovery/finish",
            None,
            Some(json!({"recovery_id": recovery_id, "factor": "email", "code": code})),
        )
        .await
    }

    /// A step-up begun for a passkey registration over raw HTTP (its code goes to the outbox);
    /// the status and the answer (`step_up_id`).
    pub async fn raw_step_up_begin(&self, session: &RawSession) -> (u16, Value) {
        self.raw(
            "POST",
            "/v1/step-up/begin",
            Some(&session.token),
            Some(json!({"purpose": "passkey_registration"})),
        )
        .await
    }

    /// A registration begun over raw HTTP with a step-up token; the status and the answer
    /// (`ceremony_id`, `options`).
    pub async fn raw_registration_begin(
        &self,
        session: &RawSession,
        step_up: &str,
    ) -> (u16, Value) {
        self.raw(
            "POST",
            "/v1/passkeys/registration/begin",
            Some(&session.token),
            Some(json!({ "step_up_token": step_up })),
        )
        .await
    }

    /// A step-up token for a raw session (password + emailed code).
    pub async fn raw_step_up(&self, account: &TestAccount, session: &RawSession) -> String {
        let (status, body) = self.raw_step_up_begin(session).await;
        assert_eq!(status, 200, "step-up begin: {}", Shown(&body));
        let code = self.code_for(&account.email, "step_up").await;
        let (status, body) = self
            .raw(
                "POST",
                "/v1/step-up/finish",
                Some(&session.token),
                Some(json!({"step_up_id": body["step_up_id"], "password": account.password, "factor": "email", "code": code})),
            )
            .await;
        assert_eq!(status, 200, "step-up finish: {}", Shown(&body));
        body["step_up_token"]
            .as_str()
            .expect("step_up_token")
            .to_owned()
    }

    /// Register a passkey over raw HTTP with `pm` (step-up, begin, ceremony, finish), turning the
    /// flag on only when `enable`. Returns the finish answer.
    pub async fn raw_register(
        &self,
        account: &TestAccount,
        session: &RawSession,
        pm: &SoftPasswordManager,
        enable: bool,
    ) -> (u16, Value) {
        let step_up = self.raw_step_up(account, session).await;
        let (status, begun) = self.raw_registration_begin(session, &step_up).await;
        assert_eq!(status, 200, "registration begin: {}", Shown(&begun));
        let credential = self.raw_create(pm, &begun["options"]).await;
        self.raw(
            "POST",
            "/v1/passkeys/registration/finish",
            Some(&session.token),
            Some(json!({ "ceremony_id": begun["ceremony_id"], "credential": credential, "enable": enable })),
        )
        .await
    }

    /// Sign in over raw HTTP with password and then the passkey `pm` holds (an account with the
    /// requirement on). Returns the session token.
    pub async fn raw_sign_in_with_passkey(
        &self,
        account: &TestAccount,
        pm: &SoftPasswordManager,
    ) -> String {
        let (status, started) = self.raw_password_step(account, "raw").await;
        assert_eq!(status, 200, "password login: {}", Shown(&started));
        assert_eq!(started["status"], "passkey_required", "{}", Shown(&started));
        let credential = self.raw_assert(pm, &started["options"]).await;
        let (status, body) = self.raw_login_passkey(&started, &credential).await;
        assert_eq!(status, 200, "passkey login: {}", Shown(&body));
        body["session_token"].as_str().expect("session").to_owned()
    }

    /// The security events of the account `session` belongs to, newest first (`GET
    /// /v1/security-events`, asserted to answer 200).
    pub async fn raw_events(&self, session: &str) -> Vec<Value> {
        let (status, body) = self
            .raw("GET", "/v1/security-events", Some(session), None)
            .await;
        assert_eq!(status, 200, "security events: {}", Shown(&body));
        body["events"].as_array().cloned().unwrap_or_default()
    }

    /// `POST /v1/login/passkey` finishing the password step `started` (its answer) with
    /// `credential`; the status and the answer.
    pub async fn raw_login_passkey(&self, started: &Value, credential: &Value) -> (u16, Value) {
        self.raw(
            "POST",
            "/v1/login/passkey",
            None,
            Some(json!({"login_id": started["login_id"], "credential": credential})),
        )
        .await
    }

    /// A passkey proof for `purpose` over raw HTTP (verify begin → `pm` → verify finish).
    pub async fn raw_proof(
        &self,
        session: &str,
        pm: &SoftPasswordManager,
        purpose: &str,
    ) -> String {
        let (status, begun) = self
            .raw(
                "POST",
                "/v1/passkeys/verify/begin",
                Some(session),
                Some(json!({ "purpose": purpose })),
            )
            .await;
        assert_eq!(status, 200, "verify begin: {}", Shown(&begun));
        let (status, body) = self.raw_verify_finish(session, pm, &begun).await;
        assert_eq!(status, 200, "verify finish: {}", Shown(&body));
        body["proof"].as_str().expect("proof").to_owned()
    }

    /// Finishes the passkey verification `begun` (a verify begin's answer) in `session` with
    /// `pm`'s assertion; returns the status and the answer.
    pub async fn raw_verify_finish(
        &self,
        session: &str,
        pm: &SoftPasswordManager,
        begun: &Value,
    ) -> (u16, Value) {
        let credential = self.raw_assert(pm, &begun["options"]).await;
        self.raw(
            "POST",
            "/v1/passkeys/verify/finish",
            Some(session),
            Some(json!({"ceremony_id": begun["ceremony_id"], "credential": credential})),
        )
        .await
    }

    /// `pm`'s registration response (`RegistrationResponseJSON`) to creation `options`, as the
    /// core's checks shape the request.
    pub async fn raw_create(&self, pm: &SoftPasswordManager, options: &Value) -> Value {
        let request = prepare_create(&options.to_string(), RP_ID).expect("creation options");
        let credential = pm
            .create(request)
            .await
            .expect("the password manager creates");
        serde_json::from_str(&credential).expect("credential JSON")
    }

    /// Let `pm` answer assertion options (as Credential Manager would), without the core's checks.
    pub async fn raw_assert(&self, pm: &SoftPasswordManager, options: &Value) -> Value {
        let request = prepare_get(&options.to_string(), RP_ID).expect("assertion options");
        let credential = pm.get(request).await.expect("the password manager asserts");
        serde_json::from_str(&credential).expect("credential JSON")
    }

    /// An id token from the test identity provider (`provider`: google, apple, telegram), as
    /// the provider's SDK would hand it to the app.
    pub async fn id_token(&self, provider: &str, email: &str) -> String {
        let (status, body) = self
            .raw(
                "POST",
                "/v1/testkit/idp/token",
                None,
                Some(json!({"provider": provider, "email": email})),
            )
            .await;
        assert_eq!(status, 200, "test identity provider: {}", Shown(&body));
        body["id_token"].as_str().expect("id_token").to_owned()
    }

    /// Change the server's global policy (scenarios, reopened paths) as its operator would, with
    /// the back office's credential (panics for a harness [attached](Self::attach) to another
    /// process); returns the HTTP status.
    pub async fn set_server_policy(&self, change: Value) -> u16 {
        self.raw_admin(
            "PUT",
            "/v1/testkit/admin/policy",
            Some(self.admin_token()),
            Some(change),
        )
        .await
        .0
    }
}

/// The install key the raw helpers send for `device_id`: the one a library on the device so named
/// would keep in its keystore (in the tests, derived from the name, so that the same name is the
/// same device; a real key is 32 random bytes, and the device id says nothing of it).
pub fn install_key_of(device_id: &str) -> String {
    use sha2_010::Digest;
    data_encoding::BASE64URL_NOPAD.encode(&sha2_010::Sha256::digest(
        format!("install key of {device_id}").as_bytes(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_harness_never_shows_a_secret() {
        let account = TestAccount {
            account_id: "acct-1".into(),
            email: "a@bingx.test".into(),
            password: "hunter2-password".into(),
            totp_secret: "JBSWY3DPEHPK3PXP".into(),
        };
        let session = RawSession {
            token: "s3ssion".into(),
            trust_token: Some("tru5t".into()),
        };
        let shown = format!("{account:?} {session:?}");
        for secret in ["hunter2", "JBSWY3DPEHPK3PXP", "s3ssion", "tru5t"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(
            shown.contains("acct-1") && shown.contains("a@bingx.test"),
            "{shown}"
        );
        // An unexpected answer in an assertion message: secrets at any depth are redacted, the
        // rest (what tells the reader what went wrong) stays.
        let answer = json!({
            "status": "signed_in", "session_token": "s3ssion", "trust_token": null,
            "reset": {"reset_token": "r3set", "status": "pending"},
            "items": [{"proof": "pr00f"}],
        });
        let shown = Shown(&answer).to_string();
        for secret in ["s3ssion", "r3set", "pr00f"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(
            shown.contains("signed_in") && shown.contains("pending"),
            "{shown}"
        );
        assert!(shown.contains(r#""trust_token":null"#), "{shown}");
    }
}
