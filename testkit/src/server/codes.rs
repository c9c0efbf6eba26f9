//! One-time codes, the second factor of a password login and of a step-up: sent through the
//! outbox (email, SMS) or computed by an authenticator app (TOTP, RFC 6238). Sent codes are stored
//! as digests bound to the login or step-up they were issued for; a TOTP step is claimed so that
//! its code can't be replayed.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::db::{self, Account, OutboxMessage};
use super::error::ApiResult;
use super::secrets;
use super::state::App;
use super::totp;

/// Wrong codes allowed per login attempt or step-up before it is dropped.
pub const MAX_CODE_FAILURES: i64 = 5;

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
/// digests to store, bound to `owner_id`.
pub fn send_codes(
    conn: &Connection,
    app: &App,
    account: &Account,
    owner_id: &str,
    purpose: &str,
    now: i64,
) -> ApiResult<(Vec<u8>, Option<Vec<u8>>)> {
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
    /// Digest of the emailed code.
    pub email: &'a [u8],
    /// Digest of the SMS code, if one was sent.
    pub sms: Option<&'a [u8]>,
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
