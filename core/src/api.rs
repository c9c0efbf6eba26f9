//! The HTTP client for the server contract (`docs/openapi.yaml`): reqwest over rustls (ring
//! provider), timeouts, a cap on every answer's size, and typed answers. Every refusal the server
//! sends is a stable code plus a message; [`ServerCode`] is the core's view of those codes.

use std::sync::Once;

use passkey_types::encoding::{base64url, try_from_base64url};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;

use crate::config::Config;
use crate::store::SessionToken;

/// The longest server message the core passes on to the app.
const MAX_MESSAGE_CHARS: usize = 300;

/// The server's stable refusal codes (see `docs/openapi.yaml`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerCode {
    /// The session is missing, expired or revoked.
    Unauthenticated,
    /// Wrong email or password.
    InvalidCredentials,
    /// Wrong or expired one-time code.
    CodeInvalid,
    /// The login attempt expired; start again.
    LoginExpired,
    /// A fresh step-up is needed for this action.
    StepUpRequired,
    /// The step-up expired; start again.
    StepUpExpired,
    /// The ceremony is unknown or was used for another credential.
    CeremonyNotFound,
    /// The ceremony expired.
    CeremonyExpired,
    /// The ceremony was already used by another request (not an exact retry).
    CeremonyUsed,
    /// The ceremony belongs to another account, session or purpose.
    CeremonyMismatch,
    /// The server's WebAuthn verification refused the credential.
    RegistrationRejected,
    /// The credential id is already registered.
    CredentialAlreadyRegistered,
    /// The request was malformed.
    BadRequest,
    /// The request was too large.
    PayloadTooLarge,
    /// The account already exists.
    AccountExists,
    /// Password and one-time codes are not enough: this account needs a passkey.
    PasskeyRequired,
    /// The server's WebAuthn verification refused the assertion.
    AssertionRejected,
    /// The assertion's credential does not belong to the account.
    CredentialNotAllowed,
    /// Usernameless sign-in: the user handle is not the credential owner's.
    UserHandleMismatch,
    /// H5 (web) login is turned off for this account.
    H5LoginBlocked,
    /// Third-party login is turned off for this account.
    ThirdPartyLoginBlocked,
    /// The third-party identity token was refused.
    IdTokenInvalid,
    /// A fresh passkey verification for this action is needed.
    PasskeyVerificationRequired,
    /// The last passkey cannot be deleted while passkeys are required.
    LastPasskey,
    /// No such passkey on this account.
    PasskeyNotFound,
    /// A device-bound passkey's signature counter went backwards (possible clone).
    CounterRegression,
    /// The scenario is not in the server's catalogue.
    ScenarioUnknown,
    /// Too many sign-ins are being checked at once; retry after a moment (503, `Retry-After`).
    ServerBusy,
    /// A code this core does not know.
    Other(String),
}

impl ServerCode {
    fn parse(code: &str) -> Self {
        match code {
            "UNAUTHENTICATED" => Self::Unauthenticated,
            "INVALID_CREDENTIALS" => Self::InvalidCredentials,
            "CODE_INVALID" => Self::CodeInvalid,
            "LOGIN_EXPIRED" => Self::LoginExpired,
            "STEP_UP_REQUIRED" => Self::StepUpRequired,
            "STEP_UP_EXPIRED" => Self::StepUpExpired,
            "CEREMONY_NOT_FOUND" => Self::CeremonyNotFound,
            "CEREMONY_EXPIRED" => Self::CeremonyExpired,
            "CEREMONY_USED" => Self::CeremonyUsed,
            "CEREMONY_MISMATCH" => Self::CeremonyMismatch,
            "REGISTRATION_REJECTED" => Self::RegistrationRejected,
            "CREDENTIAL_ALREADY_REGISTERED" => Self::CredentialAlreadyRegistered,
            "BAD_REQUEST" => Self::BadRequest,
            "PAYLOAD_TOO_LARGE" => Self::PayloadTooLarge,
            "ACCOUNT_EXISTS" => Self::AccountExists,
            "PASSKEY_REQUIRED" => Self::PasskeyRequired,
            "ASSERTION_REJECTED" => Self::AssertionRejected,
            "CREDENTIAL_NOT_ALLOWED" => Self::CredentialNotAllowed,
            "USER_HANDLE_MISMATCH" => Self::UserHandleMismatch,
            "H5_LOGIN_BLOCKED" => Self::H5LoginBlocked,
            "THIRD_PARTY_LOGIN_BLOCKED" => Self::ThirdPartyLoginBlocked,
            "ID_TOKEN_INVALID" => Self::IdTokenInvalid,
            "PASSKEY_VERIFICATION_REQUIRED" => Self::PasskeyVerificationRequired,
            "LAST_PASSKEY" => Self::LastPasskey,
            "PASSKEY_NOT_FOUND" => Self::PasskeyNotFound,
            "COUNTER_REGRESSION" => Self::CounterRegression,
            "SCENARIO_UNKNOWN" => Self::ScenarioUnknown,
            "SERVER_BUSY" => Self::ServerBusy,
            other => Self::Other(clean(other, 64)),
        }
    }

    /// The code as the server writes it (`STEP_UP_REQUIRED`, …).
    pub fn as_str(&self) -> &str {
        match self {
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::InvalidCredentials => "INVALID_CREDENTIALS",
            Self::CodeInvalid => "CODE_INVALID",
            Self::LoginExpired => "LOGIN_EXPIRED",
            Self::StepUpRequired => "STEP_UP_REQUIRED",
            Self::StepUpExpired => "STEP_UP_EXPIRED",
            Self::CeremonyNotFound => "CEREMONY_NOT_FOUND",
            Self::CeremonyExpired => "CEREMONY_EXPIRED",
            Self::CeremonyUsed => "CEREMONY_USED",
            Self::CeremonyMismatch => "CEREMONY_MISMATCH",
            Self::RegistrationRejected => "REGISTRATION_REJECTED",
            Self::CredentialAlreadyRegistered => "CREDENTIAL_ALREADY_REGISTERED",
            Self::BadRequest => "BAD_REQUEST",
            Self::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            Self::AccountExists => "ACCOUNT_EXISTS",
            Self::PasskeyRequired => "PASSKEY_REQUIRED",
            Self::AssertionRejected => "ASSERTION_REJECTED",
            Self::CredentialNotAllowed => "CREDENTIAL_NOT_ALLOWED",
            Self::UserHandleMismatch => "USER_HANDLE_MISMATCH",
            Self::H5LoginBlocked => "H5_LOGIN_BLOCKED",
            Self::ThirdPartyLoginBlocked => "THIRD_PARTY_LOGIN_BLOCKED",
            Self::IdTokenInvalid => "ID_TOKEN_INVALID",
            Self::PasskeyVerificationRequired => "PASSKEY_VERIFICATION_REQUIRED",
            Self::LastPasskey => "LAST_PASSKEY",
            Self::PasskeyNotFound => "PASSKEY_NOT_FOUND",
            Self::CounterRegression => "COUNTER_REGRESSION",
            Self::ScenarioUnknown => "SCENARIO_UNKNOWN",
            Self::ServerBusy => "SERVER_BUSY",
            Self::Other(code) => code,
        }
    }
}

/// A failed call to the server.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// No answer: no connection, timeout, or the connection dropped.
    #[error("could not reach BingX; check your connection and try again")]
    Network,
    /// The server refused, with its code and a message fit to show.
    #[error("{message}")]
    Refused {
        /// HTTP status.
        status: u16,
        /// The stable code.
        code: ServerCode,
        /// The server's message (length-capped, control characters removed).
        message: String,
    },
    /// The answer was not what the contract says (bad JSON, wrong types, too large).
    #[error("BingX sent an answer that could not be read")]
    InvalidAnswer,
}

impl ApiError {
    /// The server's code, when it refused.
    pub fn code(&self) -> Option<&ServerCode> {
        match self {
            Self::Refused { code, .. } => Some(code),
            _ => None,
        }
    }

    /// Whether the same call may succeed later without the user changing anything.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Network => true,
            Self::Refused { status, .. } => *status >= 500,
            Self::InvalidAnswer => false,
        }
    }
}

#[derive(Deserialize)]
struct Envelope {
    error: EnvelopeError,
}

#[derive(Deserialize)]
struct EnvelopeError {
    code: String,
    message: String,
}

/// Decode a base64url string member into bytes.
fn b64url<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
    let s = String::deserialize(d)?;
    try_from_base64url(&s).ok_or_else(|| serde::de::Error::custom("not base64url"))
}

/// One passkey on the Passkeys page.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PasskeyInfo {
    /// The credential id.
    #[serde(deserialize_with = "b64url")]
    pub credential_id: Vec<u8>,
    /// The name the user gave it (the provider name by default).
    pub name: String,
    /// The authenticator's AAGUID.
    pub aaguid: String,
    /// The password manager that holds it ("Google Password Manager", "iCloud Keychain", …).
    pub provider: String,
    /// Whether the provider is known (false for an all-zero or unknown AAGUID).
    pub provider_known: bool,
    /// When it was added (unix seconds).
    pub created_at: i64,
    /// When it last signed in (unix seconds), if ever.
    pub last_used_at: Option<i64>,
    /// Backup eligible: a synced passkey rather than a device-bound one.
    pub backup_eligible: bool,
    /// Currently backed up.
    pub backed_up: bool,
    /// Transports the authenticator reported.
    #[serde(default)]
    pub transports: Vec<String>,
}

/// Which scenarios need a passkey, by server policy (BRIEF §2 J6).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Scenarios {
    /// Login.
    pub login: bool,
    /// Withdrawals.
    pub withdrawal: bool,
    /// Security-setting changes.
    pub security_settings: bool,
    /// API-key management.
    pub api_keys: bool,
}

/// The account's policy, as the server decides it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Policy {
    /// The account.
    pub account_id: String,
    /// "Must verify using passkeys for important scenarios" is on.
    pub passkey_required: bool,
    /// How many passkeys the account has.
    pub passkey_count: u32,
    /// Scenarios that need a passkey.
    pub scenarios: Scenarios,
    /// Login paths refused for this account (`h5_login`, `third_party_login`).
    pub blocked_paths: Vec<String>,
    /// Policy version.
    pub version: i64,
    /// When the server issued this policy (unix seconds).
    #[serde(default)]
    pub issued_at: i64,
    /// The server's signature over this policy, for the device cache.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed: Option<SignedPolicy>,
}

/// A policy as the server signed it: the exact payload bytes and an ES256 (DER) signature.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct SignedPolicy {
    /// The policy JSON, base64url.
    pub payload: String,
    /// ECDSA P-256 SHA-256 signature over the payload bytes, DER, base64url.
    pub signature: String,
}

/// One line of the account's security activity.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SecurityEvent {
    /// What happened: `passkey_added`, `passkey_renamed`, `passkey_removed`, `flag_on`,
    /// `flag_off`, `blocked_h5_login`, `blocked_third_party_login`, `refused_otp_login`,
    /// `counter_regression`, or a kind this core does not know yet.
    pub kind: String,
    /// When (unix seconds).
    pub at: i64,
    /// Details fit to show.
    #[serde(default)]
    pub detail: String,
}

#[derive(Deserialize)]
struct SecurityEvents {
    events: Vec<SecurityEvent>,
}

/// An assertion ceremony the server opened: its id and `PublicKeyCredentialRequestOptionsJSON`.
#[derive(Debug, Clone)]
pub struct AssertionStarted {
    /// The server's ceremony.
    pub ceremony_id: String,
    /// The options, unparsed: the core checks them before use.
    pub options_json: String,
}

#[derive(Deserialize)]
struct AssertionBeginAnswer {
    ceremony_id: String,
    options: Box<RawValue>,
}

impl From<AssertionBeginAnswer> for AssertionStarted {
    fn from(a: AssertionBeginAnswer) -> Self {
        Self {
            ceremony_id: a.ceremony_id,
            options_json: a.options.get().to_owned(),
        }
    }
}

/// A fresh passkey proof for one purpose (or one scenario and its parameters), single use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proof {
    /// The proof token (a secret: never logged).
    pub token: SessionToken,
    /// Seconds it stays valid.
    pub expires_in_secs: u64,
}

#[derive(Deserialize)]
struct ProofAnswer {
    proof: String,
    expires_in_secs: u64,
}

impl From<ProofAnswer> for Proof {
    fn from(a: ProofAnswer) -> Self {
        Self {
            token: SessionToken::new(a.proof),
            expires_in_secs: a.expires_in_secs,
        }
    }
}

/// How a new passkey is authorised: the current factors (step-up) before the flag is on, a passkey
/// proof once it is.
#[derive(Debug, Clone, Copy)]
pub enum AddAuthorisation<'a> {
    /// A step-up token (password + one-time code).
    StepUp(&'a SessionToken),
    /// A passkey proof for purpose `add_passkey`.
    Proof(&'a SessionToken),
}

#[derive(Deserialize)]
struct PasskeysAndPolicy {
    passkeys: Vec<PasskeyInfo>,
    policy: Policy,
}

#[derive(Deserialize)]
struct PolicyKey {
    alg: String,
    public_key: String,
}

/// The answer to a password login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordLogin {
    /// A one-time code is needed.
    CodeRequired {
        /// The attempt, for [`Api::login_code`].
        login_id: String,
        /// The factors the server accepts (`email`, `sms`, `totp`).
        factors: Vec<String>,
    },
    /// Signed in (a trusted device, flag off).
    SignedIn(SignedIn),
    /// The account needs a passkey: the answer carries the assertion options.
    PasskeyRequired {
        /// The attempt, for [`Api::login_passkey`].
        login_id: String,
        /// `PublicKeyCredentialRequestOptionsJSON`, unparsed.
        options_json: String,
    },
}

/// A session the server handed out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    /// The session.
    pub session_token: SessionToken,
    /// The account.
    pub account_id: String,
    /// A "trust this device" mark, when asked for.
    pub trust_token: Option<SessionToken>,
}

#[derive(Deserialize)]
struct LoginAnswer {
    status: String,
    login_id: Option<String>,
    #[serde(default)]
    factors: Vec<String>,
    session_token: Option<String>,
    account_id: Option<String>,
    trust_token: Option<String>,
    options: Option<Box<RawValue>>,
}

impl LoginAnswer {
    fn into_login(self) -> Result<PasswordLogin, ApiError> {
        match (self.status.as_str(), self.login_id, self.session_token) {
            ("code_required", Some(login_id), _) => Ok(PasswordLogin::CodeRequired {
                login_id,
                factors: self.factors,
            }),
            ("signed_in", _, Some(token)) => Ok(PasswordLogin::SignedIn(SignedIn {
                session_token: SessionToken::new(token),
                account_id: self.account_id.ok_or(ApiError::InvalidAnswer)?,
                trust_token: self.trust_token.map(SessionToken::new),
            })),
            ("passkey_required", Some(login_id), _) => Ok(PasswordLogin::PasskeyRequired {
                login_id,
                options_json: self
                    .options
                    .ok_or(ApiError::InvalidAnswer)?
                    .get()
                    .to_owned(),
            }),
            _ => Err(ApiError::InvalidAnswer),
        }
    }
}

/// A step-up the server started.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct StepUpStarted {
    /// The step-up, for [`Api::step_up_finish`].
    pub step_up_id: String,
    /// The factors the server accepts.
    pub factors: Vec<String>,
}

#[derive(Deserialize)]
struct StepUpToken {
    step_up_token: String,
}

/// Registration options and the server-side ceremony they belong to.
#[derive(Debug, Clone)]
pub struct RegistrationStarted {
    /// The server's ceremony (its state stays on the server).
    pub ceremony_id: String,
    /// `PublicKeyCredentialCreationOptionsJSON`, unparsed: the core checks it before use.
    pub options_json: String,
}

#[derive(Deserialize)]
struct RegistrationBeginAnswer {
    ceremony_id: String,
    options: Box<RawValue>,
}

/// The server stored the passkey (and turned the flag on when asked).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RegistrationFinished {
    /// The new passkey.
    pub passkey: PasskeyInfo,
    /// Every passkey of the account (the Passkeys page, without another round trip).
    pub passkeys: Vec<PasskeyInfo>,
    /// The account's policy afterwards.
    pub policy: Policy,
    /// Other sessions signed out.
    pub revoked_sessions: u32,
    /// Trusted-device marks cleared.
    pub revoked_trusted_devices: u32,
}

#[derive(Deserialize)]
struct PasskeyList {
    passkeys: Vec<PasskeyInfo>,
}

/// The server contract, one method per endpoint.
#[derive(Debug, Clone)]
pub struct Api {
    http: reqwest::Client,
    config: Config,
}

static TLS_PROVIDER: Once = Once::new();

/// Install rustls's ring crypto provider as the process default, once (BRIEF §6: ring keeps the
/// library small). [`Api::new`] calls it; call it yourself before building another reqwest client
/// in the same process.
pub fn install_tls_provider() {
    TLS_PROVIDER.call_once(|| {
        // Another part of the app may have installed a provider already; either is fine.
        let _ = tls_provider().install_default();
    });
}

/// What a mobile client talking to BingX's own servers needs from TLS, built from ring's parts:
/// AES-GCM suites (TLS 1.3, and TLS 1.2 ECDHE with ECDSA or RSA), X25519 and P-256 key exchange,
/// and the signature algorithms of the Web PKI (ECDSA P-256/P-384, RSA PKCS#1 and PSS). No
/// ChaCha20, P-384 key exchange, Ed25519 or client-certificate keys: the library is smaller by
/// their code (BRIEF §6).
fn tls_provider() -> rustls::crypto::CryptoProvider {
    use rustls::SignatureScheme as S;
    use rustls::crypto::ring::{cipher_suite as cs, kx_group};
    use webpki::ring as alg;
    static SIGNATURES: rustls::crypto::WebPkiSupportedAlgorithms =
        rustls::crypto::WebPkiSupportedAlgorithms {
            all: &[
                alg::ECDSA_P256_SHA256,
                alg::ECDSA_P256_SHA384,
                alg::ECDSA_P384_SHA256,
                alg::ECDSA_P384_SHA384,
                alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
                alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
                alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
                alg::RSA_PKCS1_2048_8192_SHA256,
                alg::RSA_PKCS1_2048_8192_SHA384,
                alg::RSA_PKCS1_2048_8192_SHA512,
                alg::RSA_PKCS1_2048_8192_SHA256_ABSENT_PARAMS,
                alg::RSA_PKCS1_2048_8192_SHA384_ABSENT_PARAMS,
                alg::RSA_PKCS1_2048_8192_SHA512_ABSENT_PARAMS,
            ],
            mapping: &[
                (
                    S::ECDSA_NISTP384_SHA384,
                    &[alg::ECDSA_P384_SHA384, alg::ECDSA_P256_SHA384],
                ),
                (
                    S::ECDSA_NISTP256_SHA256,
                    &[alg::ECDSA_P256_SHA256, alg::ECDSA_P384_SHA256],
                ),
                (
                    S::RSA_PSS_SHA512,
                    &[alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY],
                ),
                (
                    S::RSA_PSS_SHA384,
                    &[alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY],
                ),
                (
                    S::RSA_PSS_SHA256,
                    &[alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY],
                ),
                (S::RSA_PKCS1_SHA512, &[alg::RSA_PKCS1_2048_8192_SHA512]),
                (S::RSA_PKCS1_SHA384, &[alg::RSA_PKCS1_2048_8192_SHA384]),
                (S::RSA_PKCS1_SHA256, &[alg::RSA_PKCS1_2048_8192_SHA256]),
            ],
        };
    rustls::crypto::CryptoProvider {
        cipher_suites: vec![
            cs::TLS13_AES_128_GCM_SHA256,
            cs::TLS13_AES_256_GCM_SHA384,
            cs::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            cs::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            cs::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
            cs::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        ],
        kx_groups: vec![kx_group::X25519, kx_group::SECP256R1],
        signature_verification_algorithms: SIGNATURES,
        secure_random: &TlsRandom,
        key_provider: &NoClientKeys,
    }
}

/// The system's random numbers, through ring.
#[derive(Debug)]
struct TlsRandom;

impl rustls::crypto::SecureRandom for TlsRandom {
    fn fill(&self, buf: &mut [u8]) -> Result<(), rustls::crypto::GetRandomFailed> {
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), buf)
            .map_err(|_| rustls::crypto::GetRandomFailed)
    }
}

/// The library never authenticates with a client certificate, so it loads no private keys.
#[derive(Debug)]
struct NoClientKeys;

impl rustls::crypto::KeyProvider for NoClientKeys {
    fn load_private_key(
        &self,
        _key: rustls::pki_types::PrivateKeyDer<'static>,
    ) -> Result<std::sync::Arc<dyn rustls::sign::SigningKey>, rustls::Error> {
        Err(rustls::Error::General(
            "client certificates are not supported".into(),
        ))
    }
}

impl Api {
    /// A client for `config`. Certificate checks are never disabled (BRIEF §5 #16).
    pub fn new(config: Config) -> Result<Self, ApiError> {
        install_tls_provider();
        let http = reqwest::Client::builder()
            .https_only(!config.is_insecure_loopback())
            .timeout(config.request_timeout)
            .connect_timeout(config.request_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|_| ApiError::Network)?;
        Ok(Self { http, config })
    }

    /// The configuration in use.
    pub fn config(&self) -> &Config {
        &self.config
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        session: Option<&SessionToken>,
        body: Option<serde_json::Value>,
    ) -> Result<T, ApiError> {
        let bytes = self.exchange(method, path, session, body).await?;
        decode(&bytes)
    }

    /// One request and its whole answer (capped), or the server's refusal. Not generic: the HTTP
    /// machinery is in the library once, not once per answer type.
    async fn exchange(
        &self,
        method: Method,
        path: &str,
        session: Option<&SessionToken>,
        body: Option<serde_json::Value>,
    ) -> Result<Vec<u8>, ApiError> {
        let url = self
            .config
            .base_url
            .join(path)
            .map_err(|_| ApiError::InvalidAnswer)?;
        let mut request = self.http.request(method, url);
        if let Some(token) = session {
            request = request.bearer_auth(token.expose_secret());
        }
        if let Some(body) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.to_string());
        }
        let mut response = request.send().await.map_err(|_| ApiError::Network)?;
        let status = response.status();
        let limit = self.config.max_response_bytes;
        if response.content_length().is_some_and(|n| n > limit as u64) {
            return Err(ApiError::InvalidAnswer);
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|_| ApiError::Network)? {
            if bytes.len() + chunk.len() > limit {
                return Err(ApiError::InvalidAnswer);
            }
            bytes.extend_from_slice(&chunk);
        }
        answer(status, bytes)
    }

    /// `POST /v1/login/password`.
    pub async fn login_password(
        &self,
        email: &str,
        password: &str,
        device_id: &str,
        trust_token: Option<&SessionToken>,
    ) -> Result<PasswordLogin, ApiError> {
        let body = serde_json::json!({
            "email": email, "password": password, "device_id": device_id,
            "trust_token": trust_token.map(SessionToken::expose_secret),
        });
        self.call::<LoginAnswer>(Method::POST, "v1/login/password", None, Some(body))
            .await?
            .into_login()
    }

    /// `POST /v1/login/code`.
    pub async fn login_code(
        &self,
        login_id: &str,
        factor: &str,
        code: &str,
        trust_device: bool,
    ) -> Result<SignedIn, ApiError> {
        let body = serde_json::json!({
            "login_id": login_id, "factor": factor, "code": code, "trust_device": trust_device,
        });
        match self
            .call::<LoginAnswer>(Method::POST, "v1/login/code", None, Some(body))
            .await?
            .into_login()?
        {
            PasswordLogin::SignedIn(s) => Ok(s),
            _ => Err(ApiError::InvalidAnswer),
        }
    }

    async fn signed_in(
        &self,
        path: &str,
        session: Option<&SessionToken>,
        body: serde_json::Value,
    ) -> Result<SignedIn, ApiError> {
        match self
            .call::<LoginAnswer>(Method::POST, path, session, Some(body))
            .await?
            .into_login()?
        {
            PasswordLogin::SignedIn(s) => Ok(s),
            _ => Err(ApiError::InvalidAnswer),
        }
    }

    /// `POST /v1/login/passkey`: finish a password login with a passkey assertion.
    pub async fn login_passkey(
        &self,
        login_id: &str,
        credential_json: &str,
    ) -> Result<SignedIn, ApiError> {
        let body =
            serde_json::json!({ "login_id": login_id, "credential": as_json(credential_json)? });
        self.signed_in("v1/login/passkey", None, body).await
    }

    /// `POST /v1/login/discoverable/begin`: a usernameless sign-in.
    pub async fn discoverable_begin(&self) -> Result<AssertionStarted, ApiError> {
        self.call::<AssertionBeginAnswer>(
            Method::POST,
            "v1/login/discoverable/begin",
            None,
            Some(serde_json::json!({})),
        )
        .await
        .map(Into::into)
    }

    /// `POST /v1/login/discoverable/finish`.
    pub async fn discoverable_finish(
        &self,
        ceremony_id: &str,
        credential_json: &str,
    ) -> Result<SignedIn, ApiError> {
        let body = serde_json::json!({ "ceremony_id": ceremony_id, "credential": as_json(credential_json)? });
        self.signed_in("v1/login/discoverable/finish", None, body)
            .await
    }

    /// `POST /v1/login/h5`: the H5 (web) login path.
    pub async fn login_h5(
        &self,
        email: &str,
        password: &str,
        device_id: &str,
    ) -> Result<PasswordLogin, ApiError> {
        let body =
            serde_json::json!({ "email": email, "password": password, "device_id": device_id });
        self.call::<LoginAnswer>(Method::POST, "v1/login/h5", None, Some(body))
            .await?
            .into_login()
    }

    /// `POST /v1/login/third-party`: Google, Apple, Telegram… with the provider's id token.
    pub async fn login_third_party(
        &self,
        provider: &str,
        id_token: &str,
    ) -> Result<SignedIn, ApiError> {
        let body = serde_json::json!({ "provider": provider, "id_token": id_token });
        self.signed_in("v1/login/third-party", None, body).await
    }

    async fn assertion_begin(
        &self,
        path: &str,
        session: &SessionToken,
        body: serde_json::Value,
    ) -> Result<AssertionStarted, ApiError> {
        self.call::<AssertionBeginAnswer>(Method::POST, path, Some(session), Some(body))
            .await
            .map(Into::into)
    }

    async fn proof_finish(
        &self,
        path: &str,
        session: &SessionToken,
        ceremony_id: &str,
        credential_json: &str,
    ) -> Result<Proof, ApiError> {
        let body = serde_json::json!({ "ceremony_id": ceremony_id, "credential": as_json(credential_json)? });
        self.call::<ProofAnswer>(Method::POST, path, Some(session), Some(body))
            .await
            .map(Into::into)
    }

    /// `POST /v1/passkeys/verify/begin`: a passkey verification for `purpose`.
    pub async fn verify_begin(
        &self,
        session: &SessionToken,
        purpose: &str,
    ) -> Result<AssertionStarted, ApiError> {
        let body = serde_json::json!({ "purpose": purpose });
        self.assertion_begin("v1/passkeys/verify/begin", session, body)
            .await
    }

    /// `POST /v1/passkeys/verify/finish`: returns the proof.
    pub async fn verify_finish(
        &self,
        session: &SessionToken,
        ceremony_id: &str,
        credential_json: &str,
    ) -> Result<Proof, ApiError> {
        self.proof_finish(
            "v1/passkeys/verify/finish",
            session,
            ceremony_id,
            credential_json,
        )
        .await
    }

    /// `POST /v1/scenarios/verify/begin`: a passkey verification for a scenario and its parameters.
    pub async fn scenario_begin(
        &self,
        session: &SessionToken,
        scenario: &str,
        params: &std::collections::BTreeMap<String, String>,
    ) -> Result<AssertionStarted, ApiError> {
        let body = serde_json::json!({ "scenario": scenario, "params": params });
        self.assertion_begin("v1/scenarios/verify/begin", session, body)
            .await
    }

    /// `POST /v1/scenarios/verify/finish`: returns the scenario proof.
    pub async fn scenario_finish(
        &self,
        session: &SessionToken,
        ceremony_id: &str,
        credential_json: &str,
    ) -> Result<Proof, ApiError> {
        self.proof_finish(
            "v1/scenarios/verify/finish",
            session,
            ceremony_id,
            credential_json,
        )
        .await
    }

    /// `PATCH /v1/passkeys/{id}`: rename, with a `rename_passkey` proof.
    pub async fn rename_passkey(
        &self,
        session: &SessionToken,
        credential_id: &[u8],
        name: &str,
        proof: &SessionToken,
    ) -> Result<Vec<PasskeyInfo>, ApiError> {
        let path = format!("v1/passkeys/{}", base64url(credential_id));
        let body = serde_json::json!({ "name": name, "proof": proof.expose_secret() });
        let list: PasskeyList = self
            .call(Method::PATCH, &path, Some(session), Some(body))
            .await?;
        Ok(list.passkeys)
    }

    /// `DELETE /v1/passkeys/{id}`, with a `delete_passkey` proof.
    pub async fn delete_passkey(
        &self,
        session: &SessionToken,
        credential_id: &[u8],
        proof: &SessionToken,
    ) -> Result<(Vec<PasskeyInfo>, Policy), ApiError> {
        let path = format!("v1/passkeys/{}", base64url(credential_id));
        let body = serde_json::json!({ "proof": proof.expose_secret() });
        let answer: PasskeysAndPolicy = self
            .call(Method::DELETE, &path, Some(session), Some(body))
            .await?;
        Ok((answer.passkeys, answer.policy))
    }

    /// `POST /v1/policy/disable`, with a `disable_passkeys` proof.
    pub async fn disable_flag(
        &self,
        session: &SessionToken,
        proof: &SessionToken,
    ) -> Result<Policy, ApiError> {
        let body = serde_json::json!({ "proof": proof.expose_secret() });
        self.call(Method::POST, "v1/policy/disable", Some(session), Some(body))
            .await
    }

    /// `GET /v1/security-events`.
    pub async fn security_events(
        &self,
        session: &SessionToken,
    ) -> Result<Vec<SecurityEvent>, ApiError> {
        let answer: SecurityEvents = self
            .call(Method::GET, "v1/security-events", Some(session), None)
            .await?;
        Ok(answer.events)
    }

    /// `GET /v1/policy-key`: the server's policy-signing key (SEC1 uncompressed P-256 point).
    /// Apps pin this key in their configuration; tests and QA builds may fetch it.
    pub async fn policy_key(&self) -> Result<Vec<u8>, ApiError> {
        let key: PolicyKey = self.call(Method::GET, "v1/policy-key", None, None).await?;
        policy_key_bytes(key)
    }

    /// `POST /v1/step-up/begin`.
    pub async fn step_up_begin(&self, session: &SessionToken) -> Result<StepUpStarted, ApiError> {
        let body = serde_json::json!({ "purpose": "passkey_registration" });
        self.call(Method::POST, "v1/step-up/begin", Some(session), Some(body))
            .await
    }

    /// `POST /v1/step-up/finish`; returns the step-up token.
    pub async fn step_up_finish(
        &self,
        session: &SessionToken,
        step_up_id: &str,
        password: &str,
        factor: &str,
        code: &str,
    ) -> Result<SessionToken, ApiError> {
        let body = serde_json::json!({
            "step_up_id": step_up_id, "password": password, "factor": factor, "code": code,
        });
        let answer: StepUpToken = self
            .call(Method::POST, "v1/step-up/finish", Some(session), Some(body))
            .await?;
        Ok(SessionToken::new(answer.step_up_token))
    }

    /// `POST /v1/passkeys/registration/begin`.
    pub async fn registration_begin(
        &self,
        session: &SessionToken,
        authorisation: AddAuthorisation<'_>,
    ) -> Result<RegistrationStarted, ApiError> {
        let body = match authorisation {
            AddAuthorisation::StepUp(t) => {
                serde_json::json!({ "step_up_token": t.expose_secret() })
            }
            AddAuthorisation::Proof(p) => serde_json::json!({ "proof": p.expose_secret() }),
        };
        let answer: RegistrationBeginAnswer = self
            .call(
                Method::POST,
                "v1/passkeys/registration/begin",
                Some(session),
                Some(body),
            )
            .await?;
        Ok(RegistrationStarted {
            ceremony_id: answer.ceremony_id,
            options_json: answer.options.get().to_owned(),
        })
    }

    /// `POST /v1/passkeys/registration/finish`: the platform's response JSON goes on unchanged.
    pub async fn registration_finish(
        &self,
        session: &SessionToken,
        ceremony_id: &str,
        credential_json: &str,
        name: Option<&str>,
        enable: bool,
    ) -> Result<RegistrationFinished, ApiError> {
        let body = serde_json::json!({
            "ceremony_id": ceremony_id, "credential": as_json(credential_json)?, "name": name,
            "enable": enable,
        });
        self.call(
            Method::POST,
            "v1/passkeys/registration/finish",
            Some(session),
            Some(body),
        )
        .await
    }

    /// `GET /v1/passkeys`.
    pub async fn passkeys(&self, session: &SessionToken) -> Result<Vec<PasskeyInfo>, ApiError> {
        let list: PasskeyList = self
            .call(Method::GET, "v1/passkeys", Some(session), None)
            .await?;
        Ok(list.passkeys)
    }

    /// `GET /v1/policy`.
    pub async fn policy(&self, session: &SessionToken) -> Result<Policy, ApiError> {
        self.call(Method::GET, "v1/policy", Some(session), None)
            .await
    }

    /// `POST /v1/logout`.
    pub async fn logout(&self, session: &SessionToken) -> Result<(), ApiError> {
        self.call::<serde_json::Value>(Method::POST, "v1/logout", Some(session), None)
            .await
            .map(|_| ())
    }
}

/// A whole answer: its body when the status is a success, the server's refusal otherwise.
fn answer(status: StatusCode, body: Vec<u8>) -> Result<Vec<u8>, ApiError> {
    if !status.is_success() {
        return Err(refusal(status, &body));
    }
    Ok(body)
}

/// A successful answer's body as `T` (an empty body reads as `null`).
fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let body = if body.is_empty() { &b"null"[..] } else { body };
    serde_json::from_slice(body).map_err(|_| ApiError::InvalidAnswer)
}

/// The policy-signing key an answer names: ES256, a SEC1 uncompressed P-256 point.
fn policy_key_bytes(key: PolicyKey) -> Result<Vec<u8>, ApiError> {
    match try_from_base64url(&key.public_key) {
        Some(bytes) if key.alg == "ES256" && bytes.len() == 65 => Ok(bytes),
        _ => Err(ApiError::InvalidAnswer),
    }
}

/// For the fuzz targets in `fuzz/` only, not part of the API: read a server answer (`status`,
/// `body`) as the client reads the answer of one endpoint family (`answer`, taken modulo the
/// number of families), with the same status handling, decoding and checks as [`Api`]'s calls
/// after the bytes have arrived. Returns the options JSON when the answer carries WebAuthn
/// options (for the caller to run through `webauthn::prepare_*`, as the flows do).
#[doc(hidden)]
pub fn parse_answer_for_fuzzing(
    answer_kind: u8,
    status: u16,
    body: &[u8],
) -> Result<Option<String>, ApiError> {
    let status = StatusCode::from_u16(status).map_err(|_| ApiError::InvalidAnswer)?;
    let body = answer(status, body.to_vec())?;
    let options = match answer_kind % 13 {
        // login/password, login/h5, login/code, login/passkey, discoverable finish, third-party
        0 => match decode::<LoginAnswer>(&body)?.into_login()? {
            PasswordLogin::PasskeyRequired { options_json, .. } => Some(options_json),
            PasswordLogin::CodeRequired { .. } | PasswordLogin::SignedIn(_) => None,
        },
        // discoverable/begin, passkeys/verify/begin, scenarios/verify/begin
        1 => Some(AssertionStarted::from(decode::<AssertionBeginAnswer>(&body)?).options_json),
        2 => Some(
            decode::<RegistrationBeginAnswer>(&body)?
                .options
                .get()
                .to_owned(),
        ),
        3 => decode::<ProofAnswer>(&body)
            .map(Proof::from)
            .map(|_| None)?,
        4 => decode::<PasskeyList>(&body).map(|_| None)?,
        5 => decode::<PasskeysAndPolicy>(&body).map(|_| None)?,
        6 => decode::<Policy>(&body).map(|_| None)?,
        7 => decode::<SecurityEvents>(&body).map(|_| None)?,
        8 => policy_key_bytes(decode(&body)?).map(|_| None)?,
        9 => decode::<StepUpStarted>(&body).map(|_| None)?,
        10 => decode::<StepUpToken>(&body).map(|_| None)?,
        11 => decode::<RegistrationFinished>(&body).map(|_| None)?,
        // logout
        _ => decode::<serde_json::Value>(&body).map(|_| None)?,
    };
    Ok(options)
}

fn refusal(status: StatusCode, body: &[u8]) -> ApiError {
    match serde_json::from_slice::<Envelope>(body) {
        Ok(envelope) => ApiError::Refused {
            status: status.as_u16(),
            code: ServerCode::parse(&envelope.error.code),
            message: clean(&envelope.error.message, MAX_MESSAGE_CHARS),
        },
        // A gateway's HTML error page: a server failure the user may retry.
        Err(_) if status.is_server_error() => ApiError::Refused {
            status: status.as_u16(),
            code: ServerCode::Other("SERVER_ERROR".into()),
            message: "BingX is having trouble right now; please try again shortly.".into(),
        },
        Err(_) => ApiError::InvalidAnswer,
    }
}

/// A platform response (already checked by the core) as a JSON value, to embed unchanged.
fn as_json(credential_json: &str) -> Result<serde_json::Value, ApiError> {
    serde_json::from_str(credential_json).map_err(|_| ApiError::InvalidAnswer)
}

/// Cap a server-supplied string and drop control characters, so it can be shown as it is.
fn clean(s: &str, max: usize) -> String {
    s.chars().filter(|c| !c.is_control()).take(max).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tls_provider_makes_a_client_config_for_tls_1_2_and_1_3() {
        let provider = std::sync::Arc::new(tls_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
            .expect("suites and groups for both versions")
            .with_root_certificates(rustls::RootCertStore::empty())
            .with_no_client_auth();
        assert_eq!(config.crypto_provider().cipher_suites.len(), 6);
    }

    #[test]
    fn server_codes_round_trip_to_their_wire_names() {
        for code in [
            "UNAUTHENTICATED",
            "STEP_UP_REQUIRED",
            "H5_LOGIN_BLOCKED",
            "THIRD_PARTY_LOGIN_BLOCKED",
            "PASSKEY_VERIFICATION_REQUIRED",
            "LAST_PASSKEY",
            "SOMETHING_NEW",
        ] {
            assert_eq!(ServerCode::parse(code).as_str(), code);
        }
        assert_eq!(
            ServerCode::parse("H5_LOGIN_BLOCKED"),
            ServerCode::H5LoginBlocked
        );
    }

    #[test]
    fn refusals_are_typed_and_bounded() {
        let body =
            br#"{"error":{"code":"STEP_UP_REQUIRED","message":"Verify it's you first.\u0007"}}"#;
        let e = refusal(StatusCode::FORBIDDEN, body);
        assert_eq!(e.code(), Some(&ServerCode::StepUpRequired));
        assert_eq!(e.to_string(), "Verify it's you first.");
        let long = format!(
            r#"{{"error":{{"code":"X","message":"{}"}}}}"#,
            "a".repeat(10_000)
        );
        let e = refusal(StatusCode::BAD_REQUEST, long.as_bytes());
        assert_eq!(e.to_string().len(), MAX_MESSAGE_CHARS);
        assert_eq!(
            refusal(StatusCode::BAD_REQUEST, b"<html>"),
            ApiError::InvalidAnswer
        );
        assert!(refusal(StatusCode::BAD_GATEWAY, b"<html>").is_retryable());
    }
}
