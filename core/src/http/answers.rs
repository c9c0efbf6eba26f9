//! The server's answers as the client reads them: private shapes of each endpoint's JSON, the
//! refusal envelope, and the checks on what arrives (size caps, control characters, key shape).

use crate::encoding::base64url;
use reqwest::StatusCode;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use super::{PolicyNonce, RequestError};
use crate::secret::{LoginId, ProofToken, SessionToken, StepUpId, TrustToken};
use crate::vocabulary::ServerCode;
use crate::wire::PasskeyUser;
use crate::wire::{
    NewDeviceNotice, PasskeyAdded, PasskeyHealth, PasskeyInfo, PasskeyProof, Policy, ResetState,
    ResetStatus, SecurityEvent,
};

/// Longest reset reference passed on to the app (the reference server's are 36 characters).
pub(super) const MAX_RESET_ID_CHARS: usize = 128;

/// The longest server message the core passes on to the app.
const MAX_MESSAGE_CHARS: usize = 300;

/// The longest device model or OS name the core passes on to the app (what it may send).
const MAX_DEVICE_CHARS: usize = 64;

#[derive(Deserialize)]
pub(crate) struct Envelope {
    pub(crate) error: EnvelopeError,
}

#[derive(Deserialize)]
pub(crate) struct EnvelopeError {
    pub(crate) code: String,
    pub(crate) message: String,
    /// Unix seconds, on codes that last until a time; anything but an integer counts as absent.
    #[serde(default)]
    pub(crate) until: Option<serde_json::Value>,
}

#[derive(Deserialize)]
pub(crate) struct SecurityEvents {
    pub(crate) events: Vec<SecurityEvent>,
}

/// An assertion ceremony the server opened: its id and `PublicKeyCredentialRequestOptionsJSON`.
#[derive(Debug, Clone)]
pub(crate) struct AssertionStarted {
    /// The server's ceremony.
    pub ceremony_id: String,
    /// The options, unparsed: the core checks them before use.
    pub options_json: String,
}

#[derive(Deserialize)]
pub(crate) struct AssertionBeginAnswer {
    pub(crate) ceremony_id: String,
    pub(crate) options: Box<RawValue>,
}

impl From<AssertionBeginAnswer> for AssertionStarted {
    fn from(a: AssertionBeginAnswer) -> Self {
        Self {
            ceremony_id: a.ceremony_id,
            options_json: a.options.get().to_owned(),
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct ProofAnswer {
    pub(crate) proof: String,
    pub(crate) expires_in_secs: u64,
}

impl From<ProofAnswer> for PasskeyProof {
    fn from(a: ProofAnswer) -> Self {
        Self {
            token: ProofToken::new(a.proof),
            expires_in_secs: a.expires_in_secs,
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct PasskeysAndPolicy {
    pub(crate) passkeys: Vec<PasskeyInfo>,
    pub(crate) policy: Policy,
    #[serde(default)]
    pub(crate) user: Option<UserAnswer>,
    /// The nonce the request carried (not in the JSON: `Http::delete_passkey` sets it).
    #[serde(skip)]
    pub(crate) asked: Option<PolicyNonce>,
}

/// The account as its passkeys name it (for signals); servers before it was added leave it out.
#[derive(Deserialize)]
pub(crate) struct UserAnswer {
    #[serde(deserialize_with = "crate::wire::b64url")]
    pub(crate) id: Vec<u8>,
    pub(crate) name: String,
    pub(crate) display_name: String,
}

impl From<UserAnswer> for PasskeyUser {
    fn from(u: UserAnswer) -> Self {
        Self {
            id: u.id,
            name: u.name,
            display_name: u.display_name,
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct PolicyKey {
    pub(crate) alg: String,
    pub(crate) public_key: String,
}

/// The answer to a password login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PasswordLogin {
    /// A one-time code is needed.
    CodeRequired {
        /// The attempt, for `Http::login_code`.
        login_id: LoginId,
        /// The factors the server accepts (`email`, `sms`, `totp`).
        factors: Vec<String>,
        /// The account's signed policy (servers before it leave it out): lifts a device's
        /// "requires passkeys" mark only if it verifies, is newer and echoes `asked`
        /// (`PolicyCache::lift_with`).
        policy: Option<Policy>,
        /// The nonce the request carried.
        asked: Option<PolicyNonce>,
    },
    /// Signed in (a trusted device, flag off).
    SignedIn(SignedIn),
    /// The account needs a passkey: the answer carries the assertion options.
    PasskeyRequired {
        /// The attempt, for `Http::login_passkey`.
        login_id: LoginId,
        /// `PublicKeyCredentialRequestOptionsJSON`, unparsed.
        options_json: String,
    },
}

/// A session the server handed out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SignedIn {
    /// The session.
    pub session_token: SessionToken,
    /// The account.
    pub account_id: String,
    /// A "trust this device" mark, when asked for.
    pub trust_token: Option<TrustToken>,
    /// The sign-in came from a device model or OS the account had not used before.
    pub new_device: Option<NewDeviceNotice>,
    /// The account's signed policy (servers before it leave it out): after a passkey sign-in the
    /// device learns from it that the account needs passkeys; after another, a newer signed lift
    /// in it clears a mark the device holds (`PolicyCache::lift_with`).
    pub policy: Option<Policy>,
    /// The nonce the request carried, which a lift in `policy` must echo.
    pub asked: Option<PolicyNonce>,
    /// The account's reset waiting for support (servers before it leave it out): the owner
    /// sees it right after signing in and can cancel it with a passkey.
    pub pending_reset: Option<ResetStatus>,
}

/// A `signed_in` answer's `new_device` member.
#[derive(Deserialize)]
pub(crate) struct NewDeviceAnswer {
    pub(crate) model: String,
    pub(crate) os: String,
    pub(crate) health: PasskeyHealth,
}

impl From<NewDeviceAnswer> for NewDeviceNotice {
    fn from(a: NewDeviceAnswer) -> Self {
        // The app puts both names into a sentence: capped, without control characters.
        Self {
            model: clean(&a.model, MAX_DEVICE_CHARS),
            os: clean(&a.os, MAX_DEVICE_CHARS),
            health: a.health,
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct LoginAnswer {
    pub(crate) status: String,
    pub(crate) login_id: Option<String>,
    #[serde(default)]
    pub(crate) factors: Vec<String>,
    pub(crate) session_token: Option<String>,
    pub(crate) account_id: Option<String>,
    pub(crate) trust_token: Option<String>,
    pub(crate) options: Option<Box<RawValue>>,
    /// Servers before the new-device notice leave it out.
    #[serde(default)]
    pub(crate) new_device: Option<NewDeviceAnswer>,
    /// With `code_required`: the account's signed policy.
    #[serde(default)]
    pub(crate) policy: Option<Policy>,
    /// With `signed_in`: the account's reset waiting for support (servers before it leave it out).
    #[serde(default)]
    pub(crate) pending_reset: Option<ResetAnswer>,
}

impl LoginAnswer {
    /// The answer as the flows read it; `asked` is the nonce its request carried.
    pub(crate) fn into_login(
        self,
        asked: Option<PolicyNonce>,
    ) -> Result<PasswordLogin, RequestError> {
        match (self.status.as_str(), self.login_id, self.session_token) {
            ("code_required", Some(login_id), _) => Ok(PasswordLogin::CodeRequired {
                login_id: LoginId::new(login_id),
                factors: self.factors,
                policy: self.policy,
                asked,
            }),
            ("signed_in", _, Some(token)) if !crate::secret::is_session_token(&token) => {
                Err(RequestError::InvalidAnswer)
            }
            ("signed_in", _, Some(token)) => Ok(PasswordLogin::SignedIn(SignedIn {
                session_token: SessionToken::new(token),
                account_id: self.account_id.ok_or(RequestError::InvalidAnswer)?,
                trust_token: self.trust_token.map(TrustToken::new),
                new_device: self.new_device.map(Into::into),
                policy: self.policy,
                asked,
                pending_reset: pending_reset(self.pending_reset)?,
            })),
            ("passkey_required", Some(login_id), _) => Ok(PasswordLogin::PasskeyRequired {
                login_id: LoginId::new(login_id),
                options_json: self
                    .options
                    .ok_or(RequestError::InvalidAnswer)?
                    .get()
                    .to_owned(),
            }),
            _ => Err(RequestError::InvalidAnswer),
        }
    }
}

/// The contract's `Reset` object.
#[derive(Deserialize)]
pub(crate) struct ResetAnswer {
    reset_id: String,
    status: String,
    requested_at: i64,
    approvable_at: i64,
    #[serde(default)]
    hold_until: Option<i64>,
}

impl TryFrom<ResetAnswer> for ResetStatus {
    type Error = RequestError;

    fn try_from(a: ResetAnswer) -> Result<Self, RequestError> {
        let state = match a.status.as_str() {
            "pending" => ResetState::Pending,
            // An approval always starts a hold; one without it is not the contract.
            "approved" if a.hold_until.is_some() => ResetState::Approved,
            "cancelled" => ResetState::Cancelled,
            "rejected" => ResetState::Rejected,
            "expired" => ResetState::Expired,
            _ => return Err(RequestError::InvalidAnswer),
        };
        if a.reset_id.is_empty()
            || a.reset_id.chars().count() > MAX_RESET_ID_CHARS
            || clean(&a.reset_id, MAX_RESET_ID_CHARS) != a.reset_id
        {
            return Err(RequestError::InvalidAnswer);
        }
        Ok(Self {
            reset_id: a.reset_id,
            state,
            requested_at: a.requested_at,
            approvable_at: a.approvable_at,
            hold_until: a.hold_until,
        })
    }
}

/// A sign-in answer's `pending_reset`: a valid reset that is pending, or none. Anything else
/// (a decided reset, a malformed one) is not the contract and refuses the answer, so that a
/// broken server shows as an error rather than hiding a reset from its owner.
fn pending_reset(answer: Option<ResetAnswer>) -> Result<Option<ResetStatus>, RequestError> {
    match answer.map(ResetStatus::try_from).transpose()? {
        Some(reset) if reset.state != ResetState::Pending => Err(RequestError::InvalidAnswer),
        reset => Ok(reset),
    }
}

/// A step-up the server started.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub(crate) struct StepUpStarted {
    /// The step-up, for `Http::step_up_finish`.
    pub step_up_id: StepUpId,
    /// The factors the server accepts.
    pub factors: Vec<String>,
}

#[derive(Deserialize)]
pub(crate) struct StepUpAnswer {
    pub(crate) step_up_token: String,
}

/// Registration options and the server-side ceremony they belong to.
#[derive(Debug, Clone)]
pub(crate) struct RegistrationStarted {
    /// The server's ceremony (its state stays on the server).
    pub ceremony_id: String,
    /// `PublicKeyCredentialCreationOptionsJSON`, unparsed: the core checks it before use.
    pub options_json: String,
}

#[derive(Deserialize)]
pub(crate) struct RegistrationBeginAnswer {
    pub(crate) ceremony_id: String,
    pub(crate) options: Box<RawValue>,
}

#[derive(Deserialize)]
pub(crate) struct PasskeyList {
    pub(crate) passkeys: Vec<PasskeyInfo>,
    #[serde(default)]
    pub(crate) user: Option<UserAnswer>,
    /// Servers before passkey health leave it out.
    #[serde(default)]
    pub(crate) health: Option<PasskeyHealth>,
}

/// A whole answer: its body when the status is a success, the server's refusal otherwise.
pub(crate) fn answer(status: StatusCode, body: Vec<u8>) -> Result<Vec<u8>, RequestError> {
    if !status.is_success() {
        return Err(refusal(status, &body));
    }
    Ok(body)
}

/// A successful answer's body as `T` (an empty body reads as `null`).
pub(crate) fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, RequestError> {
    let body = if body.is_empty() { &b"null"[..] } else { body };
    serde_json::from_slice(body).map_err(|_| RequestError::InvalidAnswer)
}

/// The policy-signing key an answer names: ES256, a SEC1 uncompressed P-256 point.
pub(crate) fn policy_key_bytes(key: PolicyKey) -> Result<Vec<u8>, RequestError> {
    match base64url::decode(&key.public_key) {
        Some(bytes) if key.alg == "ES256" && bytes.len() == 65 => Ok(bytes),
        _ => Err(RequestError::InvalidAnswer),
    }
}

/// For the fuzz targets in `fuzz/` only, not part of the API: read a server answer (`status`,
/// `body`) as the client reads the answer of one endpoint family (`answer`, taken modulo the
/// number of families), with the same status handling, decoding and checks as `Http`'s calls
/// after the bytes have arrived. Returns the options JSON when the answer carries WebAuthn
/// options (for the caller to run through `webauthn::prepare_*`, as the flows do).
#[doc(hidden)]
pub fn parse_answer_for_fuzzing(
    answer_kind: u8,
    status: u16,
    body: &[u8],
) -> Result<Option<String>, crate::error::PasskeysError> {
    parse_answer(answer_kind, status, body).map_err(Into::into)
}

fn parse_answer(answer_kind: u8, status: u16, body: &[u8]) -> Result<Option<String>, RequestError> {
    let status = StatusCode::from_u16(status).map_err(|_| RequestError::InvalidAnswer)?;
    let body = answer(status, body.to_vec())?;
    let options = match answer_kind % 13 {
        // login/password, login/h5, login/code, login/passkey, discoverable finish, third-party
        0 => match decode::<LoginAnswer>(&body)?.into_login(None)? {
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
            .map(PasskeyProof::from)
            .map(|_| None)?,
        4 => decode::<PasskeyList>(&body).map(|_| None)?,
        5 => decode::<PasskeysAndPolicy>(&body).map(|_| None)?,
        6 => decode::<Policy>(&body).map(|_| None)?,
        7 => decode::<SecurityEvents>(&body).map(|_| None)?,
        8 => policy_key_bytes(decode(&body)?).map(|_| None)?,
        9 => decode::<StepUpStarted>(&body).map(|_| None)?,
        10 => decode::<StepUpAnswer>(&body).map(|_| None)?,
        11 => decode::<PasskeyAdded>(&body).map(|_| None)?,
        // logout
        _ => decode::<serde_json::Value>(&body).map(|_| None)?,
    };
    Ok(options)
}

pub(crate) fn refusal(status: StatusCode, body: &[u8]) -> RequestError {
    match serde_json::from_slice::<Envelope>(body) {
        Ok(envelope) => RequestError::Refused {
            status: status.as_u16(),
            code: ServerCode::parse(&envelope.error.code),
            message: clean(&envelope.error.message, MAX_MESSAGE_CHARS),
            until: envelope
                .error
                .until
                .as_ref()
                .and_then(serde_json::Value::as_i64),
        },
        // A gateway's HTML error page: a server failure the user may retry.
        Err(_) if status.is_server_error() => RequestError::Refused {
            status: status.as_u16(),
            code: ServerCode::Other {
                code: "SERVER_ERROR".into(),
            },
            message: "BingX is having trouble right now; please try again shortly.".into(),
            until: None,
        },
        Err(_) => RequestError::InvalidAnswer,
    }
}

/// Cap a server-supplied string and drop control characters (and bidirectional controls), so it
/// can be shown as it is.
pub(crate) fn clean(s: &str, max: usize) -> String {
    crate::text::shown(s, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_no_header_can_carry_is_an_unreadable_answer() {
        for token in ["a\nb", "a b", "", "\u{e9}t\u{e9}"] {
            let body = serde_json::json!({
                "status": "signed_in", "session_token": token, "account_id": "a",
            });
            let login = decode::<LoginAnswer>(body.to_string().as_bytes())
                .unwrap()
                .into_login(None);
            assert_eq!(login, Err(RequestError::InvalidAnswer), "{token:?}");
        }
        let long = "t".repeat(4097);
        let body =
            serde_json::json!({"status": "signed_in", "session_token": long, "account_id": "a"});
        let login = decode::<LoginAnswer>(body.to_string().as_bytes())
            .unwrap()
            .into_login(None);
        assert_eq!(login, Err(RequestError::InvalidAnswer));
    }

    #[test]
    fn the_attempts_a_server_hands_out_never_print() {
        // A sign-in's second step and a step-up each wait on an id that, with a code, finishes
        // them: the answers the flows keep show neither in their Debug.
        for (status, extra) in [
            ("code_required", r#""factors":["email"]"#),
            ("passkey_required", r#""options":{"challenge":"c"}"#),
        ] {
            let body = format!(r#"{{"status":"{status}","login_id":"l0g1n-s3cr3t",{extra}}}"#);
            let login = decode::<LoginAnswer>(body.as_bytes())
                .unwrap()
                .into_login(None)
                .unwrap();
            let shown = format!("{login:?}");
            assert!(!shown.contains("l0g1n-s3cr3t"), "{shown}");
        }
        let body = br#"{"step_up_id":"st3p-s3cr3t","factors":["totp"]}"#;
        let started = decode::<StepUpStarted>(body).unwrap();
        assert_eq!(started.step_up_id.expose_secret(), "st3p-s3cr3t");
        let shown = format!("{started:?}");
        assert!(!shown.contains("st3p-s3cr3t"), "{shown}");
    }

    #[test]
    fn a_sign_in_names_only_a_pending_reset() {
        let login = |reset: &str| {
            let body = format!(
                r#"{{"status":"signed_in","session_token":"t","account_id":"a","pending_reset":{reset}}}"#
            );
            decode::<LoginAnswer>(body.as_bytes())?.into_login(None)
        };
        let reset = |status: &str, id: &str| {
            format!(
                r#"{{"reset_id":"{id}","status":"{status}","requested_at":1,"approvable_at":2,"hold_until":null}}"#
            )
        };
        let Ok(PasswordLogin::SignedIn(signed_in)) = login(&reset("pending", "r1")) else {
            panic!("a pending reset is read");
        };
        let pending = signed_in.pending_reset.expect("named");
        assert_eq!(
            (pending.reset_id.as_str(), pending.state),
            ("r1", ResetState::Pending)
        );
        let Ok(PasswordLogin::SignedIn(signed_in)) = login("null") else {
            panic!("none");
        };
        assert_eq!(signed_in.pending_reset, None);
        // A decided reset, a malformed one or a reference with a control character is not the
        // contract: the answer is refused rather than a reset hidden.
        for hostile in [
            reset("cancelled", "r1"),
            reset("approved", "r1"),
            reset("pending", ""),
            reset("pending", "r\\u0007"),
            r#"{"reset_id":"r1"}"#.to_owned(),
            "7".to_owned(),
        ] {
            assert_eq!(
                login(&hostile).err(),
                Some(RequestError::InvalidAnswer),
                "{hostile}"
            );
        }
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
            RequestError::InvalidAnswer
        );
        assert!(refusal(StatusCode::BAD_GATEWAY, b"<html>").is_retryable());
    }

    #[test]
    fn a_refusal_may_name_until_when_and_a_bad_until_counts_as_none() {
        let until = |body: &str| match refusal(StatusCode::FORBIDDEN, body.as_bytes()) {
            RequestError::Refused { until, .. } => until,
            other => panic!("{other:?}"),
        };
        let held = r#"{"error":{"code":"ACCOUNT_ON_HOLD","message":"m","until":1796400000}}"#;
        assert_eq!(until(held), Some(1_796_400_000));
        for bad in [r#""soon""#, "1.5", "null", "[1]", "18446744073709551615"] {
            let body =
                format!(r#"{{"error":{{"code":"ACCOUNT_ON_HOLD","message":"m","until":{bad}}}}}"#);
            assert_eq!(until(&body), None, "{bad}");
        }
        assert_eq!(until(r#"{"error":{"code":"X","message":"m"}}"#), None);
    }
}
