//! "I lost my passkeys" (J8) across the FFI: the [`Recovery`] object the client hands out, and
//! the core's reset records and enum as they are (`#[uniffi::remote]`). The reset token stays in
//! the core and the app's keystore; nothing here returns it.

use bingx_passkeys_core as core;
use bingx_passkeys_core::{PasskeysError, PasskeysText};

/// A support reset was asked for: the code went to these factors.
type RecoveryCodeSent = core::RecoveryCodeSent;
#[uniffi::remote(Record)]
pub struct RecoveryCodeSent {
    pub factors: Vec<core::Factor>,
    pub expires_in_secs: u64,
}

/// Where a support reset stands.
type ResetState = core::ResetState;
#[uniffi::remote(Enum)]
pub enum ResetState {
    Pending,
    Approved,
    Cancelled,
    Rejected,
    Expired,
}

/// A support reset of the account's passkeys (times in unix seconds; show
/// [`reset_status_text`], and [`recovery_hold_text`] of `hold_until` once approved).
type ResetStatus = core::ResetStatus;
#[uniffi::remote(Record)]
pub struct ResetStatus {
    pub reset_id: String,
    pub state: ResetState,
    pub requested_at: i64,
    pub approvable_at: i64,
    pub hold_until: Option<i64>,
}

/// What a signed-in owner sees: a pending reset to cancel, and the withdrawal hold in force.
type RecoveryState = core::RecoveryState;
#[uniffi::remote(Record)]
pub struct RecoveryState {
    pub pending_reset: Option<ResetStatus>,
    pub hold_until: Option<i64>,
}

/// The "I lost my passkeys" screen (J8): asking for a support reset needs the password and a
/// code, never acts by itself; the owner's passkey cancels a pending one.
#[derive(Debug, uniffi::Object)]
pub struct Recovery(pub(crate) core::Recovery);

#[uniffi::export(async_runtime = "tokio")]
impl Recovery {
    /// Ask for a reset with the account's email and password; `device_id` identifies this
    /// install. A code goes to the account's email and phone: enter it with [`Recovery::confirm`].
    pub async fn request(
        &self,
        email: String,
        password: String,
        device_id: String,
    ) -> Result<RecoveryCodeSent, PasskeysError> {
        self.0.request(&email, &password, &device_id).await
    }

    /// Enter the code: files the reset (or returns the one already pending) and keeps its token
    /// in the app's keystore for [`Recovery::status`].
    pub async fn confirm(
        &self,
        factor: core::Factor,
        code: String,
    ) -> Result<ResetStatus, PasskeysError> {
        self.0.confirm(factor, &code).await
    }

    /// Where the reset this device asked for stands; `None` when it follows none (or the server
    /// no longer knows it). No session needed.
    pub async fn status(&self) -> Result<Option<ResetStatus>, PasskeysError> {
        self.0.status().await
    }

    /// Stop following the reset this device asked for (the reset itself is unchanged).
    pub fn forget(&self) -> Result<(), PasskeysError> {
        self.0.forget()
    }

    /// Signed in: the account's pending reset and the withdrawal hold in force.
    pub async fn account_state(&self) -> Result<RecoveryState, PasskeysError> {
        self.0.account_state().await
    }

    /// Signed in: cancel the pending reset with a passkey. Returns the cancelled reset.
    pub async fn cancel(&self) -> Result<ResetStatus, PasskeysError> {
        self.0.cancel().await
    }
}

/// The text for where a reset stands (`recovery.state.*`).
#[uniffi::export]
pub fn reset_status_text(status: ResetStatus) -> PasskeysText {
    status.text()
}

/// The notice for a reset pending when the user signed in (`SignIn.pending_reset`):
/// `recovery.pending_notice`, naming when it may be approved.
#[uniffi::export]
pub fn pending_reset_notice_text(status: ResetStatus) -> PasskeysText {
    status.notice_text()
}

/// The text for a withdrawal hold in force until `until` (unix seconds): `recovery.hold`.
#[uniffi::export]
pub fn recovery_hold_text(until: i64) -> PasskeysText {
    core::hold_text(until)
}
