//! One-time codes, the second factor of a password login and of a step-up: sent through the
//! outbox (email, SMS) or computed by an authenticator app (TOTP, RFC 6238). Sent codes are stored
//! as digests bound to the login or step-up they were issued for; a TOTP step is claimed so that
//! its code can't be replayed.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::db::{self, Account, OutboxMessage};
use super::error::{ApiError, ApiResult, ErrorCode};
use super::secrets;
use super::state::App;
use super::totp;

/// Wrong codes allowed per login attempt or step-up before it is dropped.
pub const MAX_CODE_FAILURES: i64 = 5;

/// Wrong codes an account may have, across all its attempts, in [`ACCOUNT_CODE_WINDOW_SECS`]:
/// the next one refuses its codes for that long (429 `TOO_MANY_ATTEMPTS`). Without it, new
/// attempts would bring five fresh guesses each, and an authenticator's code stays the same
/// across attempts for 30 s (three codes are right at any time). Counted per room
/// ([`db::SignInRoom`]): a device the account has signed in from has its own, which wrong codes
/// sent from elsewhere do not use up; all rooms together at most `db::ALL_ROOMS_FACTOR` times
/// this.
pub const MAX_ACCOUNT_CODE_FAILURES: i64 = 10;

/// The window of [`MAX_ACCOUNT_CODE_FAILURES`], and how long codes are refused after it; also the
/// window of the code sends an account may have (`ServerConfig::max_code_sends_per_account`).
pub const ACCOUNT_CODE_WINDOW_SECS: i64 = 15 * 60;

/// Which kind of attempt a code was sent for: its own failures are read and counted with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeAttempt {
    /// A password login's second factor (`/v1/login/code`).
    Login,
    /// A step-up (`/v1/step-up/finish`).
    StepUp,
    /// A support reset request (`/v1/recovery/finish`).
    Recovery,
}

impl CodeAttempt {
    /// The refusal once the attempt is gone or has used its guesses.
    fn ended(self) -> ApiError {
        ApiError::new(match self {
            Self::Login | Self::Recovery => ErrorCode::LoginExpired,
            Self::StepUp => ErrorCode::StepUpExpired,
        })
    }

    /// The attempt's wrong codes so far; `None` when it is gone.
    fn failures(self, conn: &Connection, id: &str) -> ApiResult<Option<i64>> {
        Ok(match self {
            Self::Login => db::login_attempt(conn, id)?.map(|a| a.failures),
            Self::StepUp => db::step_up(conn, id)?.map(|s| s.failures),
            Self::Recovery => db::recovery(conn, id)?.map(|r| r.failures),
        })
    }

    fn count_failure(self, conn: &Connection, id: &str) -> ApiResult<()> {
        match self {
            Self::Login => db::count_login_failure(conn, id),
            Self::StepUp => db::count_step_up_failure(conn, id),
            Self::Recovery => db::count_recovery_failure(conn, id),
        }
    }
}

/// Checks the code of `attempt` (the codes `sent` for it) and counts a wrong one against the
/// attempt and the account's room of the device it was sent for, all on one connection (one
/// request at a time): two requests at once cannot both pass the count. Refuses without checking
/// while that room's codes are locked (429 `TOO_MANY_ATTEMPTS`, with `until`) or once the attempt
/// has used its guesses.
pub fn verify_code(
    conn: &Connection,
    attempt: CodeAttempt,
    account: &Account,
    sent: &SentCodes<'_>,
    factor: Factor,
    code: &str,
    now: i64,
) -> ApiResult<()> {
    let room = db::sign_in_room(conn, &account.id, sent.room)?;
    if let Some(until) = db::codes_locked_until(conn, &account.id, room, now)? {
        return Err(ApiError::until(ErrorCode::TooManyAttempts, until));
    }
    match attempt.failures(conn, sent.owner_id)? {
        Some(failures) if failures < MAX_CODE_FAILURES => {}
        _ => return Err(attempt.ended()),
    }
    if check_code(conn, account, sent, factor, code, now)? {
        return Ok(());
    }
    attempt.count_failure(conn, sent.owner_id)?;
    db::count_code_failure(
        conn,
        &account.id,
        room,
        now,
        ACCOUNT_CODE_WINDOW_SECS,
        MAX_ACCOUNT_CODE_FAILURES,
    )?;
    Err(ApiError::new(ErrorCode::CodeInvalid))
}

/// A second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Factor {
    /// A code sent by email.
    Email,
    /// A code sent by SMS.
    Sms,
    /// An RFC 6238 authenticator code.
    Totp,
}

/// The factors an account can use, in the order the contract lists them.
pub fn factors_of(account: &Account) -> Vec<Factor> {
    let mut factors = vec![Factor::Email];
    if account.phone.is_some() {
        factors.push(Factor::Sms);
    }
    factors.push(Factor::Totp);
    factors
}

/// Sends a fresh code to the account's email (and phone, if any) through the outbox; returns the
/// digests to store, bound to `owner_id`. Refused (429 `TOO_MANY_CODES`, with `until`) when the
/// account's `room` (`db::SignInRoom`) had its most sends (`max_code_sends_per_account`) in the current
/// window (a device the account has signed in from counts its own; every other device shares the
/// account's; all together at most `db::ALL_ROOMS_FACTOR` times that); the send is counted on the
/// caller's connection, so a refusal or a rolled-back transaction counts nothing.
pub fn send_codes(
    conn: &Connection,
    app: &App,
    account: &Account,
    owner_id: &str,
    purpose: &str,
    room: Option<&str>,
    now: i64,
) -> ApiResult<(Vec<u8>, Option<Vec<u8>>)> {
    let room = db::sign_in_room(conn, &account.id, room)?;
    if let Err(until) = db::count_code_send(
        conn,
        &account.id,
        room,
        now,
        ACCOUNT_CODE_WINDOW_SECS,
        app.config.max_code_sends_per_account,
    )? {
        return Err(ApiError::until(ErrorCode::TooManyCodes, until));
    }
    let send = |to: &str, channel: &str| -> ApiResult<Vec<u8>> {
        let code = secrets::new_code();
        app.note_secret(&code);
        let digest = secrets::code_digest(owner_id, &code);
        db::push_outbox(
            conn,
            &OutboxMessage {
                to: to.to_owned(),
                channel: channel.to_owned(),
                purpose: purpose.to_owned(),
                code,
                sent_at: now,
            },
        )?;
        Ok(digest)
    };
    let email = send(&account.email, "email")?;
    let sms = account
        .phone
        .as_deref()
        .map(|phone| send(phone, "sms"))
        .transpose()?;
    Ok((email, sms))
}

/// The codes sent for a login attempt or step-up (`owner_id`), as stored digests.
pub struct SentCodes<'a> {
    /// The login or step-up the codes were issued for.
    pub owner_id: &'a str,
    /// The room of the device they were sent for (a step-up's: its session's), if any.
    pub room: Option<&'a str>,
    /// Digest of the emailed code.
    pub email: &'a [u8],
    /// Digest of the SMS code, if one was sent.
    pub sms: Option<&'a [u8]>,
    /// Set when the attempt was finished already, to the [`finish_digest`] of the factor and
    /// code it was finished with: only those are right now (a repeat of a finish whose answer
    /// was lost; a TOTP step, once used, is not claimed again).
    pub finished: Option<&'a [u8]>,
}

/// The digest a finish's factor and code are remembered by, for `owner_id`.
pub fn finish_digest(owner_id: &str, factor: Factor, code: &str) -> Vec<u8> {
    secrets::code_digest(owner_id, &format!("{factor:?}:{code}"))
}

/// Checks a second-factor code. For TOTP the used step is claimed so the code can't be replayed.
pub fn check_code(
    conn: &Connection,
    account: &Account,
    sent: &SentCodes<'_>,
    factor: Factor,
    code: &str,
    now: i64,
) -> ApiResult<bool> {
    if code.len() > 16 {
        return Ok(false);
    }
    if let Some(finished) = sent.finished {
        return Ok(secrets::digests_equal(
            &finish_digest(sent.owner_id, factor, code),
            finished,
        ));
    }
    let digest = secrets::code_digest(sent.owner_id, code);
    match factor {
        Factor::Email => Ok(secrets::digests_equal(&digest, sent.email)),
        Factor::Sms => Ok(sent
            .sms
            .is_some_and(|sms| secrets::digests_equal(&digest, sms))),
        Factor::Totp => {
            let unix = u64::try_from(now).unwrap_or(0);
            match totp::verify(&account.totp_secret, code, unix) {
                Some(step) => {
                    db::claim_totp_step(conn, &account.id, i64::try_from(step).unwrap_or(0))
                }
                None => Ok(false),
            }
        }
    }
}
