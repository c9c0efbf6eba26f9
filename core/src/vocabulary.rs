//! The words the contract and the app share, as types: factors, scenarios, login paths, purposes,
//! the reasons a device is not ready, and the server's refusal codes. The ground of the core:
//! it imports nothing from the crate.

/// A factor the user proves a sign-in or a step-up with, besides the password.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Factor {
    /// A code sent by email.
    Email,
    /// A code sent by SMS.
    Sms,
    /// A code from an authenticator app.
    Totp,
}

impl Factor {
    /// The name the server uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
            Self::Totp => "totp",
        }
    }

    /// The factor the server names, or `None` for one this core does not know (the app could
    /// not ask for it either, so it is left out).
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "email" => Some(Self::Email),
            "sms" => Some(Self::Sms),
            "totp" => Some(Self::Totp),
            _ => None,
        }
    }

    /// The factors among `names` this core knows, in the server's order.
    pub(crate) fn parse_all(names: &[String]) -> Vec<Self> {
        names.iter().filter_map(|n| Self::parse(n)).collect()
    }
}

/// An important scenario that server policy may put behind a passkey (BRIEF §2 J6).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scenario {
    /// Signing in.
    Login,
    /// A withdrawal.
    Withdrawal,
    /// A security-setting change.
    SecuritySettings,
    /// Creating or changing API keys.
    ApiKeys,
    /// A scenario a later policy adds, by the server's name for it.
    Other {
        /// The server's name.
        name: String,
    },
}

impl Scenario {
    /// The name the server uses.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Login => "login",
            Self::Withdrawal => "withdrawal",
            Self::SecuritySettings => "security_settings",
            Self::ApiKeys => "api_keys",
            Self::Other { name } => name,
        }
    }
}

/// A way to sign in, as the app offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LoginPath {
    /// Email and password in the app (then a code, or a passkey when required).
    Password,
    /// Sign in with a passkey (usernameless); always allowed.
    Passkey,
    /// H5 (web) login.
    H5,
    /// Third-party login (Google, Apple, Telegram…).
    ThirdParty,
}

impl LoginPath {
    /// The name the server uses in a policy's `blocked_paths`; `None` for paths policy never
    /// blocks.
    pub fn server_name(self) -> Option<&'static str> {
        match self {
            Self::H5 => Some("h5_login"),
            Self::ThirdParty => Some("third_party_login"),
            Self::Password | Self::Passkey => None,
        }
    }
}

/// What a passkey verification is for (BRIEF §5 #5): the server binds the proof to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Purpose {
    /// Add another passkey while passkeys are required.
    AddPasskey,
    /// Rename a passkey.
    RenamePasskey,
    /// Delete a passkey.
    DeletePasskey,
    /// Turn the passkey requirement off.
    DisablePasskeys,
    /// Change a security setting.
    SecuritySettings,
    /// Cancel a pending support reset of the account's passkeys (the owner still has one).
    CancelReset,
}

impl Purpose {
    /// The name the server uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AddPasskey => "add_passkey",
            Self::RenamePasskey => "rename_passkey",
            Self::DeletePasskey => "delete_passkey",
            Self::DisablePasskeys => "disable_passkeys",
            Self::SecuritySettings => "security_settings",
            Self::CancelReset => "cancel_reset",
        }
    }
}

/// Why a device cannot run a passkey ceremony.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum UnavailableReason {
    /// No password manager can hold a passkey (none installed, or all disabled).
    NoPasswordManager,
    /// The user has no screen lock or biometrics set up, so user verification is impossible.
    NoScreenLock,
    /// The OS is too old for passkeys (Android < 9, iOS < 16).
    OsTooOld,
    /// The password manager needs an account it does not have (e.g. no Google account signed in).
    AccountMissing,
    /// Any other reason, in the platform's own words.
    Other {
        /// The platform's words.
        detail: String,
    },
}

/// The server's stable refusal codes (see `docs/openapi.yaml`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
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
    /// Withdrawals and security changes are on hold after a support reset, until the envelope's
    /// `until`.
    AccountOnHold,
    /// A support reset was asked for an account that does not require a passkey: sign in with
    /// the password and a code instead.
    ResetNotNeeded,
    /// No such reset (an unknown reset id or reset token).
    ResetNotFound,
    /// The reset is no longer pending (approved or cancelled already), or none is.
    ResetNotPending,
    /// The reset cannot be approved before its cooling-off ends (the envelope's `until`).
    ResetCoolingOff,
    /// A back-office endpoint was called without the back office's credential.
    AdminRequired,
    /// The account holds as many passkeys as the server allows: delete one to add another.
    PasskeyLimit,
    /// Too many wrong one-time codes for this account lately: its codes are not checked for a
    /// while (429; the envelope's `until` says until when). Wait, then start again.
    TooManyAttempts,
    /// Too many one-time codes were sent for this account lately (its logins, step-ups and reset
    /// requests): no new one is sent for a while (429; the envelope's `until` says until when).
    /// Wait, then try again.
    TooManyCodes,
    /// A code this core does not know (`SERVER_ERROR` for a gateway's error page).
    Other {
        /// The code as the server wrote it (capped, without control characters).
        code: String,
    },
}

pub(crate) const SERVER_CODES: &[(&str, ServerCode)] = &[
    ("UNAUTHENTICATED", ServerCode::Unauthenticated),
    ("INVALID_CREDENTIALS", ServerCode::InvalidCredentials),
    ("CODE_INVALID", ServerCode::CodeInvalid),
    ("LOGIN_EXPIRED", ServerCode::LoginExpired),
    ("STEP_UP_REQUIRED", ServerCode::StepUpRequired),
    ("STEP_UP_EXPIRED", ServerCode::StepUpExpired),
    ("CEREMONY_NOT_FOUND", ServerCode::CeremonyNotFound),
    ("CEREMONY_EXPIRED", ServerCode::CeremonyExpired),
    ("CEREMONY_USED", ServerCode::CeremonyUsed),
    ("CEREMONY_MISMATCH", ServerCode::CeremonyMismatch),
    ("REGISTRATION_REJECTED", ServerCode::RegistrationRejected),
    (
        "CREDENTIAL_ALREADY_REGISTERED",
        ServerCode::CredentialAlreadyRegistered,
    ),
    ("BAD_REQUEST", ServerCode::BadRequest),
    ("PAYLOAD_TOO_LARGE", ServerCode::PayloadTooLarge),
    ("ACCOUNT_EXISTS", ServerCode::AccountExists),
    ("PASSKEY_REQUIRED", ServerCode::PasskeyRequired),
    ("ASSERTION_REJECTED", ServerCode::AssertionRejected),
    ("CREDENTIAL_NOT_ALLOWED", ServerCode::CredentialNotAllowed),
    ("USER_HANDLE_MISMATCH", ServerCode::UserHandleMismatch),
    ("H5_LOGIN_BLOCKED", ServerCode::H5LoginBlocked),
    (
        "THIRD_PARTY_LOGIN_BLOCKED",
        ServerCode::ThirdPartyLoginBlocked,
    ),
    ("ID_TOKEN_INVALID", ServerCode::IdTokenInvalid),
    (
        "PASSKEY_VERIFICATION_REQUIRED",
        ServerCode::PasskeyVerificationRequired,
    ),
    ("LAST_PASSKEY", ServerCode::LastPasskey),
    ("PASSKEY_NOT_FOUND", ServerCode::PasskeyNotFound),
    ("COUNTER_REGRESSION", ServerCode::CounterRegression),
    ("SCENARIO_UNKNOWN", ServerCode::ScenarioUnknown),
    ("SERVER_BUSY", ServerCode::ServerBusy),
    ("ACCOUNT_ON_HOLD", ServerCode::AccountOnHold),
    ("RESET_NOT_NEEDED", ServerCode::ResetNotNeeded),
    ("RESET_NOT_FOUND", ServerCode::ResetNotFound),
    ("RESET_NOT_PENDING", ServerCode::ResetNotPending),
    ("RESET_COOLING_OFF", ServerCode::ResetCoolingOff),
    ("ADMIN_REQUIRED", ServerCode::AdminRequired),
    ("PASSKEY_LIMIT", ServerCode::PasskeyLimit),
    ("TOO_MANY_ATTEMPTS", ServerCode::TooManyAttempts),
    ("TOO_MANY_CODES", ServerCode::TooManyCodes),
];

impl ServerCode {
    /// The code for the server's name of it. An unknown name is kept, capped at 64 characters
    /// without control characters.
    pub fn parse(code: &str) -> Self {
        SERVER_CODES
            .iter()
            .find(|(name, _)| *name == code)
            .map(|(_, c)| c.clone())
            .unwrap_or_else(|| Self::Other {
                code: code.chars().filter(|c| !c.is_control()).take(64).collect(),
            })
    }

    /// The code as the server writes it (`STEP_UP_REQUIRED`, …).
    pub fn as_str(&self) -> &str {
        match self {
            Self::Other { code } => code,
            known => SERVER_CODES
                .iter()
                .find(|(_, c)| c == known)
                .map_or("", |(name, _)| name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_codes_round_trip_to_their_wire_names() {
        for (name, code) in SERVER_CODES {
            assert_eq!(&ServerCode::parse(name), code);
            assert_eq!(code.as_str(), *name);
        }
        assert_eq!(ServerCode::parse("SOMETHING_NEW").as_str(), "SOMETHING_NEW");
        assert_eq!(
            ServerCode::parse("BAD\u{7}").as_str(),
            "BAD",
            "control characters are dropped"
        );
    }

    #[test]
    fn unknown_factors_are_left_out() {
        let names = [
            "sms".to_owned(),
            "carrier-pigeon".to_owned(),
            "totp".to_owned(),
        ];
        assert_eq!(Factor::parse_all(&names), vec![Factor::Sms, Factor::Totp]);
    }
}
