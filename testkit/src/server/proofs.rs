//! Proofs of a fresh passkey verification: what they can authorise (a purpose — adding, renaming
//! or deleting a passkey, turning the flag off, a security setting: BRIEF §5 #5; cancelling a
//! pending support reset: J8 — or a scenario of
//! the global catalogue: J6, §5 #6), the labels that bind ceremonies and proofs to it, the digest
//! of a scenario's parameters, and the check and spending of a proof. A proof is single use,
//! valid for `proof_ttl`, bound to account, session and label (and for scenarios to the SHA-256
//! of the operation's canonical parameters), spent when the passkey that made it is deleted
//! (`db::delete_passkey`), and stored as a digest only. `routes/verify.rs` issues them.

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde::Deserialize;
use sha2_010::{Digest, Sha256};

use super::catalogue::Scenario;
use super::db::{self, Proof, Session};
use super::error::{ApiError, ApiResult, ErrorCode};
use super::secrets;

/// What a passkey verification can authorise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerifyPurpose {
    /// Adding a passkey while the flag is on.
    AddPasskey,
    /// Renaming a passkey.
    RenamePasskey,
    /// Deleting a passkey.
    DeletePasskey,
    /// Turning the passkey requirement off.
    DisablePasskeys,
    /// Changing a security setting.
    SecuritySettings,
    /// Cancelling a pending support reset (the owner still has a passkey, J8).
    CancelReset,
}

impl VerifyPurpose {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            VerifyPurpose::AddPasskey => "add_passkey",
            VerifyPurpose::RenamePasskey => "rename_passkey",
            VerifyPurpose::DeletePasskey => "delete_passkey",
            VerifyPurpose::DisablePasskeys => "disable_passkeys",
            VerifyPurpose::SecuritySettings => "security_settings",
            VerifyPurpose::CancelReset => "cancel_reset",
        }
    }

    /// The label stored with ceremonies and proofs.
    pub fn label(self) -> String {
        format!("{VERIFY_PREFIX}{}", self.as_str())
    }
}

/// The label prefix of a purpose's ceremonies and proofs.
pub const VERIFY_PREFIX: &str = "verify:";
/// The label prefix of a scenario's ceremonies and proofs.
pub const SCENARIO_PREFIX: &str = "scenario:";

/// The label stored with a scenario's ceremonies and proofs.
pub fn scenario_label(scenario: Scenario) -> String {
    format!("{SCENARIO_PREFIX}{}", scenario.as_str())
}

/// SHA-256 of the canonical JSON of an operation's parameters (keys sorted, no whitespace).
pub fn params_hash(params: &BTreeMap<String, String>) -> ApiResult<Vec<u8>> {
    let canonical = serde_json::to_vec(params).map_err(|_| ApiError::new(ErrorCode::Internal))?;
    Ok(Sha256::digest(&canonical).to_vec())
}

/// The live proof named by `token` if it is unconsumed, unexpired and bound to this session, its
/// account, `label` and `params_hash`; otherwise 403 `PASSKEY_VERIFICATION_REQUIRED`. Not
/// consumed here: [`consume`] it in the transaction that does what it approves.
pub fn require(
    conn: &Connection,
    token: Option<&str>,
    session: &Session,
    label: &str,
    params_hash: Option<&[u8]>,
    now: i64,
) -> ApiResult<Proof> {
    let required = || ApiError::new(ErrorCode::PasskeyVerificationRequired);
    let token = token
        .filter(|t| !t.is_empty() && t.len() <= 512)
        .ok_or_else(required)?;
    db::proof(conn, &secrets::digest(token))?
        .filter(|proof| {
            proof.session_id == session.id
                && proof.account_id == session.account_id
                && proof.purpose == label
                && proof.params_hash.as_deref() == params_hash
                && !proof.consumed
                && proof.expires_at > now
        })
        .ok_or_else(required)
}

/// Spends a proof; 403 `PASSKEY_VERIFICATION_REQUIRED` if it was spent concurrently.
pub fn consume(conn: &Connection, proof: &Proof) -> ApiResult<()> {
    if db::consume_proof(conn, &proof.token_hash)? {
        Ok(())
    } else {
        Err(ApiError::new(ErrorCode::PasskeyVerificationRequired))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_are_hashed_canonically() {
        let mut a = BTreeMap::new();
        a.insert("b".to_owned(), "2".to_owned());
        a.insert("a".to_owned(), "1".to_owned());
        let expected = Sha256::digest(br#"{"a":"1","b":"2"}"#).to_vec();
        assert_eq!(params_hash(&a).expect("hash"), expected);
        a.insert("a".to_owned(), "1 ".to_owned());
        assert_ne!(params_hash(&a).expect("hash"), expected);
    }

    #[test]
    fn labels_keep_purposes_and_scenarios_apart() {
        assert_eq!(
            VerifyPurpose::SecuritySettings.label(),
            "verify:security_settings"
        );
        assert_eq!(
            scenario_label(Scenario::SecuritySettings),
            "scenario:security_settings"
        );
    }
}
