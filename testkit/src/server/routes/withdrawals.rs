//! Withdrawals, the first later scenario (J6): when the account's flag is on and the global
//! catalogue has `withdrawal` on, a withdrawal needs a scenario proof bound to exactly this
//! asset, address and amount (BRIEF §5 #6, §7). None is accepted during the withdrawal hold that
//! follows a support reset (J8).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};

use crate::server::catalogue::Scenario;
use crate::server::db::{self, Withdrawal};
use crate::server::error::{ApiError, ApiResult, ErrorCode};
use crate::server::extract::{ApiJson, Authenticated};
use crate::server::input;
use crate::server::proofs;
use crate::server::resets;
use crate::server::secrets;
use crate::server::state::AppState;

/// Longest asset or address, in characters.
const MAX_FIELD_LEN: usize = 128;

/// Longest amount, in characters (all ASCII digits and one dot).
const MAX_AMOUNT_LEN: usize = 40;

/// Withdrawal body.
#[derive(Deserialize)]
pub struct WithdrawalRequest {
    asset: String,
    address: String,
    amount: String,
    #[serde(default)]
    proof: Option<String>,
}

/// Withdrawal answer.
#[derive(Serialize)]
pub struct WithdrawalResponse {
    withdrawal_id: String,
    status: &'static str,
}

fn valid_field(value: &str) -> bool {
    input::valid_text(value, MAX_FIELD_LEN)
}

fn valid_amount(amount: &str) -> bool {
    let mut parts = amount.splitn(2, '.');
    let whole = parts.next().unwrap_or_default();
    let fraction = parts.next();
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
        && amount.len() <= MAX_AMOUNT_LEN
}

/// The parameters a withdrawal proof is bound to.
pub fn withdrawal_params(asset: &str, address: &str, amount: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("asset".to_owned(), asset.to_owned()),
        ("address".to_owned(), address.to_owned()),
        ("amount".to_owned(), amount.to_owned()),
    ])
}

/// `POST /v1/withdrawals`: 403 `ACCOUNT_ON_HOLD` (with `until`) during a withdrawal hold; 403
/// `PASSKEY_VERIFICATION_REQUIRED` when the account needs a passkey for withdrawals and the proof
/// is missing or not for exactly this withdrawal. A proof given when none is needed is still
/// checked and consumed.
pub async fn create(
    State(app): State<AppState>,
    Authenticated(claim): Authenticated,
    ApiJson(body): ApiJson<WithdrawalRequest>,
) -> ApiResult<Json<WithdrawalResponse>> {
    if !valid_field(&body.asset) || !valid_field(&body.address) || !valid_amount(&body.amount) {
        return Err(ApiError::bad_request(
            "asset and address must be 1 to 128 characters without control characters, and amount a decimal number of at most 40 characters.",
        ));
    }
    let now = app.clock.now();
    let hash = proofs::params_hash(&withdrawal_params(&body.asset, &body.address, &body.amount))?;
    app.db.transaction(|tx| {
        let session = claim.live(tx, now)?;
        let account = db::account_by_id(tx, &session.account_id)?
            .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?;
        // Checked before the proof, which stays unspent for after the hold.
        resets::refuse_during_hold(tx, &account.id, now)?;
        let needs_passkey = account.passkey_required
            && db::global_policy(tx)?.scenarios.is_on(Scenario::Withdrawal);
        if needs_passkey || body.proof.is_some() {
            let proof = proofs::require(
                tx,
                body.proof.as_deref(),
                &session,
                &proofs::scenario_label(Scenario::Withdrawal),
                Some(&hash),
                now,
            )?;
            proofs::consume(tx, &proof)?;
        }
        let withdrawal_id = secrets::new_token();
        db::insert_withdrawal(
            tx,
            &Withdrawal {
                id: withdrawal_id.clone(),
                account_id: account.id.clone(),
                asset: body.asset.clone(),
                address: body.address.clone(),
                amount: body.amount.clone(),
            },
            now,
        )?;
        Ok(Json(WithdrawalResponse {
            withdrawal_id,
            status: "accepted",
        }))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_plain_decimals() {
        for ok in ["1", "0.5", "1000000.00000001"] {
            assert!(valid_amount(ok), "{ok}");
        }
        for bad in ["", ".5", "1.", "-1", "1e5", "1.2.3", " 1", "NaN"] {
            assert!(!valid_amount(bad), "{bad}");
        }
    }
}
