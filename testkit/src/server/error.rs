//! The error envelope of the server contract: every refusal is a stable machine-readable code
//! plus a message fit to show a user, `{"error":{"code":"…","message":"…"}}`, and for a refusal
//! that lasts until a known time (a withdrawal hold, a reset's cooling-off) that time as `until`
//! (unix seconds).
//!
//! Messages are fixed sentences chosen here, never built from request data, so no secret
//! (token, code, password) can end up in one.

use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

macro_rules! error_codes {
    ($($variant:ident => $status:ident, $code:literal, $message:literal;)*) => {
        /// Every error code the server can emit (documented in `docs/openapi.yaml`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum ErrorCode {
            $(
                #[doc = concat!("`", $code, "`: ", $message)]
                $variant,
            )*
        }

        impl ErrorCode {
            /// All codes, for documentation checks.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// The stable wire spelling, e.g. `"STEP_UP_REQUIRED"`.
            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code),* }
            }

            /// The HTTP status this code is sent with.
            pub fn status(self) -> StatusCode {
                match self { $(ErrorCode::$variant => StatusCode::$status),* }
            }

            /// The default message, fit to show a user.
            pub fn default_message(self) -> &'static str {
                match self { $(ErrorCode::$variant => $message),* }
            }
        }
    };
}

error_codes! {
    BadRequest => BAD_REQUEST, "BAD_REQUEST", "The request is malformed.";
    PayloadTooLarge => PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE", "The request body is too large.";
    NotFound => NOT_FOUND, "NOT_FOUND", "There is no such endpoint.";
    MethodNotAllowed => METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED", "This endpoint does not support that method.";
    Unauthenticated => UNAUTHORIZED, "UNAUTHENTICATED", "Please sign in again.";
    AccountExists => CONFLICT, "ACCOUNT_EXISTS", "An account with this email already exists.";
    InvalidCredentials => UNAUTHORIZED, "INVALID_CREDENTIALS", "The email or password is incorrect.";
    CodeInvalid => UNAUTHORIZED, "CODE_INVALID", "The verification code is incorrect or has expired.";
    LoginExpired => UNAUTHORIZED, "LOGIN_EXPIRED", "This sign-in attempt has expired. Please start again.";
    PasskeyRequired => FORBIDDEN, "PASSKEY_REQUIRED", "This account is protected by a passkey. Verify with your passkey instead.";
    StepUpExpired => UNAUTHORIZED, "STEP_UP_EXPIRED", "This verification has expired. Please start again.";
    StepUpRequired => FORBIDDEN, "STEP_UP_REQUIRED", "Please verify your identity again to continue.";
    CeremonyNotFound => NOT_FOUND, "CEREMONY_NOT_FOUND", "This passkey request is no longer valid. Please try again.";
    CeremonyExpired => GONE, "CEREMONY_EXPIRED", "This passkey request has expired. Please try again.";
    CeremonyUsed => CONFLICT, "CEREMONY_USED", "This passkey request was already completed.";
    CeremonyMismatch => FORBIDDEN, "CEREMONY_MISMATCH", "This passkey request belongs to another sign-in.";
    RegistrationRejected => UNPROCESSABLE_ENTITY, "REGISTRATION_REJECTED", "The passkey could not be verified.";
    CredentialAlreadyRegistered => CONFLICT, "CREDENTIAL_ALREADY_REGISTERED", "This passkey is already registered.";
    AssertionRejected => UNPROCESSABLE_ENTITY, "ASSERTION_REJECTED", "The passkey could not be verified. Please try again.";
    CredentialNotAllowed => FORBIDDEN, "CREDENTIAL_NOT_ALLOWED", "This passkey does not belong to this account.";
    UserHandleMismatch => FORBIDDEN, "USER_HANDLE_MISMATCH", "This passkey does not match any account.";
    H5LoginBlocked => FORBIDDEN, "H5_LOGIN_BLOCKED", "Web login is turned off for this account because it is protected by a passkey. Sign in with the BingX app instead.";
    ThirdPartyLoginBlocked => FORBIDDEN, "THIRD_PARTY_LOGIN_BLOCKED", "Signing in with Google, Apple or Telegram is turned off for this account because it is protected by a passkey. Sign in with your passkey instead.";
    IdTokenInvalid => UNAUTHORIZED, "ID_TOKEN_INVALID", "The sign-in with the identity provider could not be verified. Please try again.";
    PasskeyVerificationRequired => FORBIDDEN, "PASSKEY_VERIFICATION_REQUIRED", "Please verify with your passkey to continue.";
    PasskeyLimit => CONFLICT, "PASSKEY_LIMIT", "This account has as many passkeys as it can have. Delete one you no longer use, then add the new one.";
    LastPasskey => CONFLICT, "LAST_PASSKEY", "This is your only passkey. Add another one or turn off the passkey requirement before removing it.";
    PasskeyNotFound => NOT_FOUND, "PASSKEY_NOT_FOUND", "There is no such passkey on this account.";
    CounterRegression => FORBIDDEN, "COUNTER_REGRESSION", "This passkey may have been copied, so it was refused. Use another passkey or contact support.";
    ScenarioUnknown => BAD_REQUEST, "SCENARIO_UNKNOWN", "This action is not known.";
    AccountOnHold => FORBIDDEN, "ACCOUNT_ON_HOLD", "Withdrawals and security changes are on hold after a reset of your passkeys. Please try again when the hold ends.";
    ResetNotNeeded => CONFLICT, "RESET_NOT_NEEDED", "This account does not require a passkey. Sign in with your password and a code instead.";
    ResetNotFound => NOT_FOUND, "RESET_NOT_FOUND", "There is no such reset request.";
    ResetNotPending => CONFLICT, "RESET_NOT_PENDING", "This reset request is no longer pending.";
    ResetCoolingOff => CONFLICT, "RESET_COOLING_OFF", "This reset request cannot be approved before its waiting period ends.";
    AdminRequired => UNAUTHORIZED, "ADMIN_REQUIRED", "This operation needs the back office's credential.";
    TooManyAttempts => TOO_MANY_REQUESTS, "TOO_MANY_ATTEMPTS", "Too many wrong codes. Please wait a few minutes, then start again.";
    TooManyCodes => TOO_MANY_REQUESTS, "TOO_MANY_CODES", "Too many verification codes were sent to you lately. Please wait a few minutes, then try again.";
    ServerBusy => SERVICE_UNAVAILABLE, "SERVER_BUSY", "Too many sign-ins are being checked right now. Please try again in a moment.";
    Internal => INTERNAL_SERVER_ERROR, "INTERNAL", "Something went wrong on our side. Please try again.";
}

/// The `Retry-After` of a 503 `SERVER_BUSY`, in seconds.
pub const RETRY_AFTER_SECS: &str = "1";

/// A refusal: an [`ErrorCode`] and the message sent with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", code.as_str())]
pub struct ApiError {
    /// The stable code.
    pub code: ErrorCode,
    /// A sentence fit to show a user; never contains request data.
    pub message: &'static str,
    /// When the refusal ends (unix seconds), for the codes that say so (`ACCOUNT_ON_HOLD`,
    /// `RESET_COOLING_OFF`, `TOO_MANY_ATTEMPTS`, `TOO_MANY_CODES`); sent as the envelope's `until`.
    pub until: Option<i64>,
}

impl ApiError {
    /// The error for `code` with its default message.
    pub fn new(code: ErrorCode) -> Self {
        Self {
            code,
            message: code.default_message(),
            until: None,
        }
    }

    /// The error for `code` with a more specific fixed message.
    pub fn with_message(code: ErrorCode, message: &'static str) -> Self {
        Self {
            code,
            message,
            until: None,
        }
    }

    /// The error for `code` with its default message and the time it ends (unix seconds).
    pub fn until(code: ErrorCode, until: i64) -> Self {
        Self {
            until: Some(until),
            ..Self::new(code)
        }
    }

    /// A 400 with a specific fixed message.
    pub fn bad_request(message: &'static str) -> Self {
        Self::with_message(ErrorCode::BadRequest, message)
    }
}

impl From<ErrorCode> for ApiError {
    fn from(code: ErrorCode) -> Self {
        Self::new(code)
    }
}

/// Storage failures become a 500 without detail on the wire (the detail goes to stderr; SQLite
/// errors carry no bound parameter values, so no secret).
impl From<rusqlite::Error> for ApiError {
    fn from(err: rusqlite::Error) -> Self {
        eprintln!("passkeys-testkit: storage error: {err}");
        Self::new(ErrorCode::Internal)
    }
}

#[derive(Serialize)]
struct Envelope<'a> {
    error: Body<'a>,
}

#[derive(Serialize)]
struct Body<'a> {
    code: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    until: Option<i64>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Envelope {
            error: Body {
                code: self.code.as_str(),
                message: self.message,
                until: self.until,
            },
        };
        let mut response = (self.code.status(), axum::Json(body)).into_response();
        if self.code == ErrorCode::ServerBusy {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from_static(RETRY_AFTER_SECS));
        }
        response
    }
}

/// Handlers return this.
pub type ApiResult<T> = Result<T, ApiError>;
