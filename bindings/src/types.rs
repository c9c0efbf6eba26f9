//! The core's values as they cross the FFI, mapped by uniffi itself (`#[uniffi::remote]`): each
//! definition here mirrors the core's type field for field, and uniffi generates the scaffolding
//! for the core's own type. No copies, no conversions; one exception, [`SignInStep`], whose
//! attempt crosses as an object (a secret never crosses as a string).

use std::sync::Arc;

use bingx_passkeys_core as core;

use crate::secrets::LoginId;

/// One passkey on the Passkeys page.
type PasskeyInfo = core::PasskeyInfo;
#[uniffi::remote(Record)]
pub struct PasskeyInfo {
    pub credential_id: Vec<u8>,
    pub name: String,
    pub aaguid: String,
    pub provider: String,
    pub provider_known: bool,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub backup_eligible: bool,
    pub backed_up: bool,
    pub transports: Vec<String>,
}

/// Which scenarios need a passkey, by server policy.
type PasskeyScenarios = core::PasskeyScenarios;
#[uniffi::remote(Record)]
pub struct PasskeyScenarios {
    pub login: bool,
    pub withdrawal: bool,
    pub security_settings: bool,
    pub api_keys: bool,
}

/// A policy as the server signed it.
type SignedPolicy = core::SignedPolicy;
#[uniffi::remote(Record)]
pub struct SignedPolicy {
    pub payload: String,
    pub signature: String,
}

/// The account's policy, as the server decides it.
type Policy = core::Policy;
#[uniffi::remote(Record)]
pub struct Policy {
    pub account_id: String,
    pub passkey_required: bool,
    pub passkey_count: u32,
    pub scenarios: PasskeyScenarios,
    pub blocked_paths: Vec<String>,
    pub version: i64,
    pub issued_at: i64,
    pub signed: Option<SignedPolicy>,
}

/// One line of the account's security activity.
type SecurityEvent = core::SecurityEvent;
#[uniffi::remote(Record)]
pub struct SecurityEvent {
    pub kind: String,
    pub at: i64,
    pub detail: String,
}

/// A passkey was added: the Passkeys page and the new policy in the same answer.
type PasskeyAdded = core::PasskeyAdded;
#[uniffi::remote(Record)]
pub struct PasskeyAdded {
    pub passkey: PasskeyInfo,
    pub passkeys: Vec<PasskeyInfo>,
    pub policy: Policy,
    pub revoked_sessions: u32,
    pub revoked_trusted_devices: u32,
    pub removed_passkeys: u32,
    pub health: Option<PasskeyHealth>,
}

/// Whether one lost phone could lock the account out, why, and what to do.
type PasskeyHealth = core::PasskeyHealth;
#[uniffi::remote(Record)]
pub struct PasskeyHealth {
    pub at_risk: bool,
    pub reasons: Vec<HealthReason>,
    pub action: Option<HealthAction>,
    pub nudge: bool,
}

/// A sign-in from a device model or OS the account had not used before, with the account's
/// passkey health (show `new_device_notice_text` with the health's headline and action).
type NewDeviceNotice = core::NewDeviceNotice;
#[uniffi::remote(Record)]
pub struct NewDeviceNotice {
    pub model: String,
    pub os: String,
    pub health: PasskeyHealth,
}

/// The device the app runs on, as the app describes it (model and OS, each 1 to 64 characters
/// without control characters), for the server's new-device notice.
type DeviceDescription = core::DeviceDescription;
#[uniffi::remote(Record)]
pub struct DeviceDescription {
    pub model: String,
    pub os: String,
}

/// Why an account's passkeys are at risk.
type HealthReason = core::HealthReason;
#[uniffi::remote(Enum)]
pub enum HealthReason {
    DeviceBoundOnly,
    SinglePasskey,
    Other,
}

/// What the user should do about passkeys at risk.
type HealthAction = core::HealthAction;
#[uniffi::remote(Enum)]
pub enum HealthAction {
    AddSyncedPasskey,
    AddSecondPasswordManager,
    Other,
}

/// A text to show: a key of the string tables and its placeholders' values.
type PasskeysText = core::PasskeysText;
#[uniffi::remote(Record)]
pub struct PasskeysText {
    pub key: String,
    pub args: Vec<PasskeysTextArg>,
}

/// One placeholder's value.
type PasskeysTextArg = core::PasskeysTextArg;
#[uniffi::remote(Record)]
pub struct PasskeysTextArg {
    pub name: String,
    pub value: String,
}

/// A factor besides the password.
type Factor = core::Factor;
#[uniffi::remote(Enum)]
pub enum Factor {
    Email,
    Sms,
    Totp,
}

/// An important scenario server policy may put behind a passkey.
type Scenario = core::Scenario;
#[uniffi::remote(Enum)]
pub enum Scenario {
    Login,
    Withdrawal,
    SecuritySettings,
    ApiKeys,
    Other { name: String },
}

/// A way to sign in, as the app offers it.
type LoginPath = core::LoginPath;
#[uniffi::remote(Enum)]
pub enum LoginPath {
    Password,
    Passkey,
    H5,
    ThirdParty,
}

/// What a passkey verification is for.
type Purpose = core::Purpose;
#[uniffi::remote(Enum)]
pub enum Purpose {
    AddPasskey,
    RenamePasskey,
    DeletePasskey,
    DisablePasskeys,
    SecuritySettings,
    CancelReset,
}

/// Why a device cannot run a passkey ceremony.
type UnavailableReason = core::UnavailableReason;
#[uniffi::remote(Enum)]
pub enum UnavailableReason {
    NoPasswordManager,
    NoScreenLock,
    OsTooOld,
    AccountMissing,
    Other { detail: String },
}

/// The server's stable refusal codes.
type ServerCode = core::ServerCode;
#[uniffi::remote(Enum)]
pub enum ServerCode {
    Unauthenticated,
    InvalidCredentials,
    CodeInvalid,
    LoginExpired,
    StepUpRequired,
    StepUpExpired,
    CeremonyNotFound,
    CeremonyExpired,
    CeremonyUsed,
    CeremonyMismatch,
    RegistrationRejected,
    CredentialAlreadyRegistered,
    BadRequest,
    PayloadTooLarge,
    AccountExists,
    PasskeyRequired,
    AssertionRejected,
    CredentialNotAllowed,
    UserHandleMismatch,
    H5LoginBlocked,
    ThirdPartyLoginBlocked,
    IdTokenInvalid,
    PasskeyVerificationRequired,
    LastPasskey,
    PasskeyNotFound,
    CounterRegression,
    ScenarioUnknown,
    ServerBusy,
    AccountOnHold,
    ResetNotNeeded,
    ResetNotFound,
    ResetNotPending,
    ResetCoolingOff,
    AdminRequired,
    PasskeyLimit,
    TooManyAttempts,
    TooManyCodes,
    Other { code: String },
}

/// A step of a flow, named when a later step is called before it.
type Step = core::Step;
#[uniffi::remote(Enum)]
pub enum Step {
    CheckDevice,
    AcceptWarning,
    RequestCode,
    VerifyStepUp,
    SignInWithPassword,
    RequestRecoveryCode,
}

/// What a password sign-in needs next. Not a mirror of the core's: the attempt crosses as an
/// object, so that it never shows in a `toString`/`description` or a log.
#[derive(Debug, uniffi::Enum)]
pub enum SignInStep {
    /// Enter a one-time code; then call `SignIn.completeWithCode` with `login_id`.
    CodeRequired {
        /// The attempt, to pass back.
        login_id: Arc<LoginId>,
        /// The factors the server accepts (unknown ones left out).
        factors: Vec<Factor>,
    },
    /// Signed in; the session is in the keystore.
    SignedIn {
        /// The account.
        account_id: String,
    },
    /// The account needs a passkey: call `SignIn.completeWithPasskey` with `login_id`. No code
    /// was sent, and none will be accepted.
    PasskeyRequired {
        /// The attempt, to pass back.
        login_id: Arc<LoginId>,
    },
}

impl From<core::SignInStep> for SignInStep {
    fn from(step: core::SignInStep) -> Self {
        match step {
            core::SignInStep::CodeRequired { login_id, factors } => Self::CodeRequired {
                login_id: Arc::new(LoginId(login_id)),
                factors,
            },
            core::SignInStep::SignedIn { account_id } => Self::SignedIn { account_id },
            core::SignInStep::PasskeyRequired { login_id } => Self::PasskeyRequired {
                login_id: Arc::new(LoginId(login_id)),
            },
        }
    }
}

/// Where an Enable journey stands.
type EnableState = core::EnableState;
#[uniffi::remote(Enum)]
pub enum EnableState {
    NotStarted,
    DeviceChecked,
    Warned,
    SteppingUp,
    SteppedUp,
    Ceremony,
    Enabled,
    Failed { retryable: bool, text: PasskeysText },
}

/// What the device can do, as the shell finds it.
type Capabilities = core::Capabilities;
#[uniffi::remote(Record)]
pub struct Capabilities {
    pub password_manager_available: bool,
    pub user_can_authenticate: bool,
    pub supports_signals: bool,
    pub unavailable_reason: Option<UnavailableReason>,
}

/// A registration ceremony, shaped for both platforms.
type CreateRequest = core::CreateRequest;
#[uniffi::remote(Record)]
pub struct CreateRequest {
    pub request_json: String,
    pub rp_id: String,
    pub challenge: Vec<u8>,
    pub user_id: Vec<u8>,
    pub user_name: String,
    pub user_display_name: String,
    pub exclude_credential_ids: Vec<Vec<u8>>,
    pub timeout_ms: Option<u32>,
}

/// An authentication ceremony, shaped for both platforms.
type GetRequest = core::GetRequest;
#[uniffi::remote(Record)]
pub struct GetRequest {
    pub request_json: String,
    pub rp_id: String,
    pub challenge: Vec<u8>,
    pub allow_credential_ids: Vec<Vec<u8>>,
    pub timeout_ms: Option<u32>,
}

/// Why a passkey flow stopped. Kotlin sees `PasskeysException`, Swift `PasskeysError`; show
/// [`error_text`] of it, and offer a retry where [`error_is_retryable`] says so.
type PasskeysError = core::PasskeysError;
#[uniffi::remote(Error)]
pub enum PasskeysError {
    NotSignedIn,
    DeviceNotReady { reason: UnavailableReason },
    Cancelled,
    NoCredential,
    AlreadyRegistered,
    DomainNotAssociated { detail: String },
    Interrupted { detail: String },
    TimedOut,
    PasswordManagerFailed { kind: String },
    StepUpRequired,
    PasskeyRequired,
    DowngradeRefused,
    PathBlocked { path: LoginPath },
    InProgress,
    Network,
    UntrustedServer { pin_mismatch: bool },
    NotInitialized,
    ServerRefused { code: ServerCode, status: u16 },
    InvalidResponse { detail: String },
    NotAllowedInThisState { needs: Step },
    LastPasskey,
    InvalidName,
    PolicyUnavailable,
    NotSupported,
    InvalidConfig { detail: String },
    KeystoreFailed { retryable: bool },
    AccountOnHold { until: i64 },
    ResetNotNeeded,
}

/// The text to show for `error`: a key of the string tables (`i18n/texts.toml`, generated into
/// Android's `strings.xml` and the Apple String Catalog) and its placeholders' values.
#[uniffi::export]
pub fn error_text(error: PasskeysError) -> PasskeysText {
    error.text()
}

/// Whether trying the same step again may succeed without the user changing anything.
#[uniffi::export]
pub fn error_is_retryable(error: PasskeysError) -> bool {
    error.is_retryable()
}

/// The headline of a passkey health (`health.ok` or `health.reason.*`).
#[uniffi::export]
pub fn health_text(health: PasskeyHealth) -> PasskeysText {
    health.text()
}

/// The recommended action's text (`health.action.*`), when the passkeys are at risk. The nudge's
/// own text is `health.nudge`.
#[uniffi::export]
pub fn health_action_text(health: PasskeyHealth) -> Option<PasskeysText> {
    health.action_text()
}

/// The warning to show for a new-device notice (`health.new_device_warning`, with the device's
/// model and OS).
#[uniffi::export]
pub fn new_device_notice_text(notice: NewDeviceNotice) -> PasskeysText {
    notice.text()
}

/// The text naming a security event's kind (`activity.*`).
#[uniffi::export]
pub fn security_event_text(event: SecurityEvent) -> PasskeysText {
    event.text()
}
