//! Support resets and the withdrawal hold (J8, BRIEF §7 "No lock-out"): what a reset looks like
//! on the wire, the notices sent about it, its approval by the back office, and the hold that
//! approval starts.
//!
//! Asking for a reset needs only the password and a code (`routes/recovery.rs`); acting on it
//! needs the back office's decision, and not before the cooling-off period
//! (`reset_cooling_off`) that started with the first request: a repeated request returns the
//! pending reset unchanged. Approval, in one transaction, turns the flag off, deletes every
//! passkey, signs out every session and trusted device, ends the account's open registration
//! ceremonies, and holds withdrawals and security changes for `withdrawal_hold`. The hold ends by
//! time only; nothing the user does shortens it. The back office may also refuse a pending reset
//! (`rejected`), and one it has not decided within `reset_expiry` of the first request ends as
//! `expired` (checked lazily, in the transaction of whatever reads or acts on the account's
//! resets): either way nothing changes, and the user may ask again.

use rusqlite::Connection;
use serde::Serialize;

use super::clock::{secs, utc_text};
use super::db::{self, Account, OutboxMessage, ResetRow};
use super::error::{ApiError, ApiResult, ErrorCode};
use super::events::{self, EventKind};
use super::state::App;

/// A reset as the contract's `Reset` object shows it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Reset {
    /// Names the reset for the back office.
    pub reset_id: String,
    /// `pending`, `approved`, `cancelled`, `rejected` or `expired`.
    pub status: String,
    /// When it was first requested (unix seconds).
    pub requested_at: i64,
    /// From when the back office may approve it (unix seconds).
    pub approvable_at: i64,
    /// When the withdrawal hold its approval started ends (unix seconds); `None` unless approved.
    pub hold_until: Option<i64>,
}

impl From<ResetRow> for Reset {
    fn from(row: ResetRow) -> Self {
        Self {
            reset_id: row.id,
            status: row.status,
            requested_at: row.requested_at,
            approvable_at: row.approvable_at,
            hold_until: row.hold_until,
        }
    }
}

/// The end of the account's withdrawal hold when one is in force at `now`.
pub fn hold_in_force(conn: &Connection, account_id: &str, now: i64) -> ApiResult<Option<i64>> {
    let until = db::hold_until(conn, account_id)?;
    Ok((now < until).then_some(until))
}

/// 403 `ACCOUNT_ON_HOLD` with the hold's end while the account is held: withdrawals and security
/// changes wait until then.
pub fn refuse_during_hold(conn: &Connection, account_id: &str, now: i64) -> ApiResult<()> {
    match hold_in_force(conn, account_id, now)? {
        Some(until) => Err(ApiError::until(ErrorCode::AccountOnHold, until)),
        None => Ok(()),
    }
}

/// The outbox purposes of the notices about a reset (no code in them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// A reset was requested.
    Requested,
    /// A pending reset was cancelled.
    Cancelled,
    /// A reset was approved and the hold started.
    Approved,
    /// The back office refused a reset.
    Rejected,
}

impl Notice {
    /// The outbox purpose.
    pub fn purpose(self) -> &'static str {
        match self {
            Notice::Requested => "notice_reset_requested",
            Notice::Cancelled => "notice_reset_cancelled",
            Notice::Approved => "notice_reset_approved",
            Notice::Rejected => "notice_reset_rejected",
        }
    }
}

/// Sends `notice` to the account's email and phone (if any) through the outbox, without a code.
pub fn notify(conn: &Connection, account: &Account, notice: Notice, now: i64) -> ApiResult<()> {
    let to = std::iter::once((account.email.as_str(), "email"))
        .chain(account.phone.as_deref().map(|phone| (phone, "sms")));
    for (to, channel) in to {
        db::push_outbox(
            conn,
            &OutboxMessage {
                to: to.to_owned(),
                channel: channel.to_owned(),
                purpose: notice.purpose().to_owned(),
                code: String::new(),
                sent_at: now,
            },
        )?;
    }
    Ok(())
}

/// The back office's decision on reset `reset_id`: `decide` runs in one transaction with the
/// reset as it stands once an overdue one has expired (404 `RESET_NOT_FOUND` for no reset).
fn decide(
    app: &App,
    reset_id: &str,
    now: i64,
    decide: impl FnOnce(&rusqlite::Transaction<'_>, ResetRow) -> ApiResult<Reset>,
) -> ApiResult<Reset> {
    let not_found = || ApiError::new(ErrorCode::ResetNotFound);
    if reset_id.is_empty() || reset_id.len() > 128 {
        return Err(not_found());
    }
    app.db.transaction(|tx| {
        let reset = db::reset(tx, reset_id)?.ok_or_else(not_found)?;
        expire_due(tx, app, &reset.account_id, now)?;
        let reset = db::reset(tx, reset_id)?.ok_or_else(not_found)?;
        decide(tx, reset)
    })
}

/// Ends the account's pending reset as `expired` if the back office has not decided it within
/// `reset_expiry` of its first request (see the module's description). Run first in every
/// transaction that reads or acts on the account's resets.
pub fn expire_due(conn: &Connection, app: &App, account_id: &str, now: i64) -> ApiResult<()> {
    let requested_by = now.saturating_sub(secs(app.config.reset_expiry));
    db::expire_reset_of(conn, account_id, requested_by)?;
    Ok(())
}

/// The account's reset waiting for support at `now` (one left undecided too long ends as
/// `expired` first), as the contract shows it: `GET /v1/recovery` and every sign-in answer.
pub fn pending(
    conn: &Connection,
    app: &App,
    account_id: &str,
    now: i64,
) -> ApiResult<Option<Reset>> {
    expire_due(conn, app, account_id, now)?;
    Ok(db::pending_reset_of(conn, account_id)?.map(Reset::from))
}

/// The back office refuses reset `reset_id`: nothing changes but the reset, which ends as
/// `rejected`; the owner reads it in the security activity and gets a notice. 404
/// `RESET_NOT_FOUND`, 409 `RESET_NOT_PENDING` (decided, cancelled or expired).
pub fn reject(app: &App, reset_id: &str, now: i64) -> ApiResult<Reset> {
    let not_found = || ApiError::new(ErrorCode::ResetNotFound);
    decide(app, reset_id, now, |tx, reset| {
        if !db::reject_reset(tx, &reset.id)? {
            return Err(ApiError::new(ErrorCode::ResetNotPending));
        }
        let account = db::account_by_id(tx, &reset.account_id)?.ok_or_else(not_found)?;
        events::record(
            tx,
            &account.id,
            EventKind::ResetRejected,
            &format!(
                "Support refused the reset of your passkeys requested at {}; nothing was changed.",
                utc_text(reset.requested_at)
            ),
            now,
        )?;
        notify(tx, &account, Notice::Rejected, now)?;
        let rejected = db::reset(tx, &reset.id)?.ok_or_else(not_found)?;
        Ok(Reset::from(rejected))
    })
}

/// The back office approves reset `reset_id` (see the module's description). 404
/// `RESET_NOT_FOUND`, 409 `RESET_NOT_PENDING` (decided, cancelled or expired), 409
/// `RESET_COOLING_OFF` with the time it becomes approvable.
pub fn approve(app: &App, reset_id: &str, now: i64) -> ApiResult<Reset> {
    let not_found = || ApiError::new(ErrorCode::ResetNotFound);
    decide(app, reset_id, now, |tx, reset| {
        if reset.status != "pending" {
            return Err(ApiError::new(ErrorCode::ResetNotPending));
        }
        if now < reset.approvable_at {
            return Err(ApiError::until(
                ErrorCode::ResetCoolingOff,
                reset.approvable_at,
            ));
        }
        let account = db::account_by_id(tx, &reset.account_id)?.ok_or_else(not_found)?;
        let hold_until = now.saturating_add(secs(app.config.withdrawal_hold));
        if !db::approve_reset(tx, &reset.id, hold_until)? {
            return Err(ApiError::new(ErrorCode::ResetNotPending));
        }
        // The flag first: the last passkey of a flagged account can't be deleted.
        if account.passkey_required {
            db::clear_passkey_required(tx, &account.id)?;
        } else {
            db::bump_policy_version(tx, &account.id)?;
        }
        let removed = db::delete_passkeys_of(tx, &account.id)?;
        db::extend_hold(tx, &account.id, hold_until)?;
        // Every session: no id is empty, so none is kept.
        db::revoke_other_sessions(tx, &account.id, "", now)?;
        db::delete_trusted_devices(tx, &account.id, now)?;
        db::delete_open_ceremonies_of_account(tx, &account.id)?;
        db::delete_login_attempts_of(tx, &account.id)?;
        let passkeys = if removed == 1 { "passkey" } else { "passkeys" };
        events::record(
            tx,
            &account.id,
            EventKind::ResetApproved,
            &format!(
                "Support approved the reset of your passkeys: {removed} {passkeys} removed, the \
                 passkey requirement turned off, every session and trusted device signed out."
            ),
            now,
        )?;
        events::record(
            tx,
            &account.id,
            EventKind::WithdrawalHold,
            &format!(
                "Withdrawals and security changes are on hold until {}.",
                utc_text(hold_until)
            ),
            now,
        )?;
        notify(tx, &account, Notice::Approved, now)?;
        let approved = db::reset(tx, &reset.id)?.ok_or_else(not_found)?;
        Ok(Reset::from(approved))
    })
}
