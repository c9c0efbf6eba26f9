//! The endpoints of a support reset (lost passkeys, J8) and the answers' private shapes, read
//! defensively: an unknown status, an approved reset without its hold, or an id or token out of
//! bounds is an answer that could not be read, never a panic or a value the app shows as is.

use reqwest::Method;
use serde::Deserialize;

#[cfg(test)]
use super::answers::MAX_RESET_ID_CHARS;
use super::answers::ResetAnswer;
use super::{Http, PolicyNonce, RequestError};
use crate::secret::{InstallKey, ProofToken, RecoveryId, ResetToken, SessionToken};
use crate::vocabulary::Factor;
use crate::wire::{Policy, RecoveryCodeSent, RecoveryState, ResetState, ResetStatus};

/// Longest recovery id or reset token kept (the reference server's are 43 characters, and it
/// looks up none longer than 512).
const MAX_TOKEN_LEN: usize = 512;

/// A reset request the server accepted: the attempt's id, kept in memory, and what the app shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RecoveryStarted {
    /// The attempt, for `Http::recovery_finish`.
    pub recovery_id: RecoveryId,
    /// The factors and the code's lifetime.
    pub sent: RecoveryCodeSent,
}

/// A reset filed (or the one already pending) and the token that follows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ResetFiled {
    /// The reset.
    pub reset: ResetStatus,
    /// Follows it without a session (a secret).
    pub token: ResetToken,
}

#[derive(Deserialize)]
struct BeginAnswer {
    recovery_id: String,
    factors: Vec<String>,
    expires_in_secs: u64,
}

#[derive(Deserialize)]
struct FinishAnswer {
    reset: ResetAnswer,
    reset_token: String,
}

#[derive(Deserialize)]
struct OverviewAnswer {
    pending_reset: Option<ResetAnswer>,
    hold_until: Option<i64>,
}

/// The answer of `POST /v1/recovery/status`: the reset, and the account's signed policy once it is
/// approved.
#[derive(Deserialize)]
struct StatusAnswer {
    #[serde(flatten)]
    reset: ResetAnswer,
    #[serde(default)]
    policy: Option<Policy>,
}

/// A reset this device follows, as the status answer shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ResetFollowed {
    /// The reset.
    pub reset: ResetStatus,
    /// The account's policy, signed, when the reset is approved (for the device's cache, which
    /// keeps a policy that lifts the requirement only when its signature verifies).
    pub policy: Option<Policy>,
    /// The nonce the request carried, which a lift in `policy` must echo.
    pub asked: Option<PolicyNonce>,
}

impl TryFrom<StatusAnswer> for ResetFollowed {
    type Error = RequestError;

    fn try_from(a: StatusAnswer) -> Result<Self, RequestError> {
        Ok(Self {
            reset: a.reset.try_into()?,
            policy: a.policy,
            asked: None,
        })
    }
}

/// An id or token the core keeps and sends back: non-empty, bounded, no control characters.
fn bounded_token(token: String) -> Result<String, RequestError> {
    if token.is_empty() || token.len() > MAX_TOKEN_LEN || token.chars().any(char::is_control) {
        return Err(RequestError::InvalidAnswer);
    }
    Ok(token)
}

impl TryFrom<BeginAnswer> for RecoveryStarted {
    type Error = RequestError;

    fn try_from(a: BeginAnswer) -> Result<Self, RequestError> {
        Ok(Self {
            recovery_id: RecoveryId::new(bounded_token(a.recovery_id)?),
            sent: RecoveryCodeSent {
                factors: Factor::parse_all(&a.factors),
                expires_in_secs: a.expires_in_secs,
            },
        })
    }
}

impl TryFrom<FinishAnswer> for ResetFiled {
    type Error = RequestError;

    fn try_from(a: FinishAnswer) -> Result<Self, RequestError> {
        Ok(Self {
            reset: a.reset.try_into()?,
            token: ResetToken::new(bounded_token(a.reset_token)?),
        })
    }
}

impl TryFrom<OverviewAnswer> for RecoveryState {
    type Error = RequestError;

    fn try_from(a: OverviewAnswer) -> Result<Self, RequestError> {
        let pending_reset = a.pending_reset.map(ResetStatus::try_from).transpose()?;
        if pending_reset
            .as_ref()
            .is_some_and(|r| r.state != ResetState::Pending)
        {
            return Err(RequestError::InvalidAnswer);
        }
        Ok(Self {
            pending_reset,
            hold_until: a.hold_until,
        })
    }
}

/// A successful answer's body as `T`, then checked into `U`.
fn read<T, U>(body: &[u8]) -> Result<U, RequestError>
where
    T: serde::de::DeserializeOwned,
    U: TryFrom<T, Error = RequestError>,
{
    super::answers::decode::<T>(body)?.try_into()
}

impl Http {
    /// `POST /v1/recovery/begin`: password first; a code goes to the account's email and phone.
    pub(crate) async fn recovery_begin(
        &self,
        email: &str,
        password: &str,
        device_id: &str,
        install_key: Option<&InstallKey>,
    ) -> Result<RecoveryStarted, RequestError> {
        let body = serde_json::json!({
            "email": email, "password": password, "device_id": device_id,
            "install_key": install_key.map(InstallKey::expose_secret),
        });
        let bytes = self
            .exchange(Method::POST, "v1/recovery/begin", None, Some(body.into()))
            .await?;
        read::<BeginAnswer, _>(&bytes)
    }

    /// `POST /v1/recovery/finish`: the code files the reset (or returns the one pending).
    pub(crate) async fn recovery_finish(
        &self,
        recovery_id: &RecoveryId,
        factor: Factor,
        code: &str,
    ) -> Result<ResetFiled, RequestError> {
        let body = serde_json::json!({
            "recovery_id": recovery_id.expose_secret(), "factor": factor.as_str(), "code": code,
        });
        let bytes = self
            .exchange(Method::POST, "v1/recovery/finish", None, Some(body.into()))
            .await?;
        read::<FinishAnswer, _>(&bytes)
    }

    /// `POST /v1/recovery/status`: the reset `token` follows.
    pub(crate) async fn recovery_status(
        &self,
        token: &ResetToken,
    ) -> Result<ResetFollowed, RequestError> {
        let body = serde_json::json!({ "reset_token": token.expose_secret() });
        let (bytes, asked) = self
            .exchange_asking(Method::POST, "v1/recovery/status", None, Some(body.into()))
            .await?;
        let followed: ResetFollowed = read::<StatusAnswer, _>(&bytes)?;
        Ok(ResetFollowed { asked, ..followed })
    }

    /// `GET /v1/recovery`: the signed-in owner's pending reset and hold.
    pub(crate) async fn recovery_overview(
        &self,
        session: &SessionToken,
    ) -> Result<RecoveryState, RequestError> {
        let bytes = self
            .exchange(Method::GET, "v1/recovery", Some(session), None)
            .await?;
        read::<OverviewAnswer, _>(&bytes)
    }

    /// `POST /v1/recovery/cancel`, with a `cancel_reset` proof.
    pub(crate) async fn recovery_cancel(
        &self,
        session: &SessionToken,
        proof: &ProofToken,
    ) -> Result<ResetStatus, RequestError> {
        let body = serde_json::json!({ "proof": proof.expose_secret() });
        let bytes = self
            .exchange(
                Method::POST,
                "v1/recovery/cancel",
                Some(session),
                Some(body.into()),
            )
            .await?;
        read::<ResetAnswer, _>(&bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reset(body: &str) -> Result<ResetStatus, RequestError> {
        read::<ResetAnswer, _>(body.as_bytes())
    }

    #[test]
    fn resets_are_read_as_the_contract_says() {
        let pending = reset(
            r#"{"reset_id":"r-1","status":"pending","requested_at":10,"approvable_at":20,"hold_until":null}"#,
        )
        .unwrap();
        assert_eq!(
            pending,
            ResetStatus {
                reset_id: "r-1".into(),
                state: ResetState::Pending,
                requested_at: 10,
                approvable_at: 20,
                hold_until: None,
            }
        );
        let approved = reset(
            r#"{"reset_id":"r-1","status":"approved","requested_at":10,"approvable_at":20,"hold_until":30}"#,
        )
        .unwrap();
        assert_eq!(approved.state, ResetState::Approved);
        assert_eq!(approved.hold_until, Some(30));
        // A member this core does not know yet is ignored.
        let cancelled = reset(
            r#"{"reset_id":"r-1","status":"cancelled","requested_at":10,"approvable_at":20,"by":"x"}"#,
        )
        .unwrap();
        assert_eq!(cancelled.state, ResetState::Cancelled);
        for (status, state) in [
            ("rejected", ResetState::Rejected),
            ("expired", ResetState::Expired),
        ] {
            let body = format!(
                r#"{{"reset_id":"r-1","status":"{status}","requested_at":10,"approvable_at":20}}"#
            );
            assert_eq!(reset(&body).unwrap().state, state);
        }
    }

    #[test]
    fn hostile_resets_are_typed_errors() {
        let long_id = "r".repeat(MAX_RESET_ID_CHARS + 1);
        let bodies = [
            // A state this core does not know: never guessed at.
            r#"{"reset_id":"r","status":"reverted","requested_at":1,"approvable_at":2}"#.to_owned(),
            r#"{"reset_id":"r","status":"PENDING","requested_at":1,"approvable_at":2}"#.to_owned(),
            // Approved without the hold it always starts.
            r#"{"reset_id":"r","status":"approved","requested_at":1,"approvable_at":2}"#.to_owned(),
            r#"{"reset_id":"","status":"pending","requested_at":1,"approvable_at":2}"#.to_owned(),
            format!(
                r#"{{"reset_id":"{long_id}","status":"pending","requested_at":1,"approvable_at":2}}"#
            ),
            r#"{"reset_id":"r\u0007","status":"pending","requested_at":1,"approvable_at":2}"#
                .to_owned(),
            r#"{"reset_id":"r","status":"pending","requested_at":"1","approvable_at":2}"#
                .to_owned(),
            r#"{"reset_id":"r","status":"pending","requested_at":1e300,"approvable_at":2}"#
                .to_owned(),
            r#"{"reset_id":"r","status":"pending"}"#.to_owned(),
            "[]".to_owned(),
            String::new(),
            "{".repeat(100_000),
        ];
        for body in bodies {
            assert_eq!(
                reset(&body),
                Err(RequestError::InvalidAnswer),
                "{}",
                &body[..body.len().min(80)]
            );
        }
    }

    #[test]
    fn tokens_and_ids_the_core_keeps_are_bounded() {
        let finish = |token: &str| {
            let body = serde_json::json!({
                "reset": {"reset_id": "r", "status": "pending", "requested_at": 1, "approvable_at": 2},
                "reset_token": token,
            });
            read::<FinishAnswer, ResetFiled>(body.to_string().as_bytes())
        };
        let filed = finish("t0k3n").unwrap();
        assert_eq!(filed.token.expose_secret(), "t0k3n");
        assert!(
            !format!("{filed:?}").contains("t0k3n"),
            "the token never prints"
        );
        for bad in [
            String::new(),
            "t".repeat(MAX_TOKEN_LEN + 1),
            "a\nb".to_owned(),
        ] {
            assert_eq!(finish(&bad), Err(RequestError::InvalidAnswer));
        }
        let begin = |id: &str| {
            let body = serde_json::json!({
                "recovery_id": id, "factors": ["email", "pigeon", "sms"], "expires_in_secs": 300,
            });
            read::<BeginAnswer, RecoveryStarted>(body.to_string().as_bytes())
        };
        let started = begin("rec-1").unwrap();
        assert!(
            !format!("{started:?}").contains("rec-1"),
            "the attempt's id never prints: with the code it files a reset"
        );
        assert_eq!(started.sent.factors, vec![Factor::Email, Factor::Sms]);
        assert_eq!(started.sent.expires_in_secs, 300);
        assert_eq!(
            begin(&"x".repeat(MAX_TOKEN_LEN + 1)),
            Err(RequestError::InvalidAnswer)
        );
    }

    #[test]
    fn an_overview_holds_only_a_pending_reset() {
        let overview = |body: &str| read::<OverviewAnswer, RecoveryState>(body.as_bytes());
        assert_eq!(
            overview(r#"{"pending_reset":null,"hold_until":null}"#).unwrap(),
            RecoveryState {
                pending_reset: None,
                hold_until: None
            }
        );
        let held = overview(r#"{"pending_reset":null,"hold_until":99}"#).unwrap();
        assert_eq!(held.hold_until, Some(99));
        let cancelled = r#"{"pending_reset":{"reset_id":"r","status":"cancelled","requested_at":1,"approvable_at":2},"hold_until":null}"#;
        assert_eq!(overview(cancelled), Err(RequestError::InvalidAnswer));
        assert_eq!(overview("null"), Err(RequestError::InvalidAnswer));
    }
}
