//! The HTTP client for the server contract (`docs/openapi.yaml`): reqwest over rustls (ring
//! provider), timeouts, a cap on every answer's size, and typed answers. Every refusal the server
//! sends is a stable code plus a message; [`ServerCode`] is the core's view of those codes.

use std::sync::Once;

use passkey_types::encoding::try_from_base64url;
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
            "CEREMONY_MISMATCH" => Self::CeremonyMismatch,
            "REGISTRATION_REJECTED" => Self::RegistrationRejected,
            "CREDENTIAL_ALREADY_REGISTERED" => Self::CredentialAlreadyRegistered,
            "BAD_REQUEST" => Self::BadRequest,
            "PAYLOAD_TOO_LARGE" => Self::PayloadTooLarge,
            "ACCOUNT_EXISTS" => Self::AccountExists,
            other => Self::Other(clean(other, 64)),
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
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
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
        let url = self
            .config
            .base_url
            .join(path)
            .map_err(|_| ApiError::InvalidAnswer)?;
        let mut request = self.http.request(method, url);
        if let Some(token) = session {
            request = request.bearer_auth(token.expose());
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
        if !status.is_success() {
            return Err(refusal(status, &bytes));
        }
        let bytes = if bytes.is_empty() {
            &b"null"[..]
        } else {
            &bytes
        };
        serde_json::from_slice(bytes).map_err(|_| ApiError::InvalidAnswer)
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
            "trust_token": trust_token.map(SessionToken::expose),
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
            PasswordLogin::CodeRequired { .. } => Err(ApiError::InvalidAnswer),
        }
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
        step_up: &SessionToken,
    ) -> Result<RegistrationStarted, ApiError> {
        let body = serde_json::json!({ "step_up_token": step_up.expose() });
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
        let credential: serde_json::Value =
            serde_json::from_str(credential_json).map_err(|_| ApiError::InvalidAnswer)?;
        let body = serde_json::json!({
            "ceremony_id": ceremony_id, "credential": credential, "name": name, "enable": enable,
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

/// Cap a server-supplied string and drop control characters, so it can be shown as it is.
fn clean(s: &str, max: usize) -> String {
    s.chars().filter(|c| !c.is_control()).take(max).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
