//! Later scenarios (BRIEF §2 J6): withdrawal, security-setting change, API-key management — one
//! generic "verify with a passkey for scenario S". Which scenarios need it is server policy, so
//! they switch on without an app release.

use std::collections::HashMap;
use std::sync::Arc;

use crate::client::PasskeysClient;
use crate::error::PasskeysError;
use crate::manage::PasskeyProof;

// A plain synchronous call (the "policy check across the FFI" of BRIEF §6): no request and no
// runtime hop.
#[uniffi::export]
impl PasskeysClient {
    /// Does `scenario` (`login`, `withdrawal`, `security_settings`, `api_keys`, or one a later
    /// policy adds) need a passkey for the signed-in account? From the device's verified copy of
    /// the policy: `true` when that copy cannot be trusted (fail closed), `false` when nothing is
    /// known yet (the server still decides, and refuses an operation without its proof).
    pub fn scenario_needs_passkey(&self, scenario: String) -> bool {
        self.inner.scenario_needs_passkey(&scenario)
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl PasskeysClient {
    /// Verify with a passkey for `scenario` and the operation's `params` (e.g. a withdrawal's
    /// `asset`, `address` and `amount`). Returns the proof the operation's own request carries;
    /// the server accepts it once, for exactly this account, scenario and parameters.
    pub async fn verify_scenario(
        &self,
        scenario: String,
        params: HashMap<String, String>,
    ) -> Result<Arc<PasskeyProof>, PasskeysError> {
        let params = params.into_iter().collect();
        Ok(Arc::new(
            self.inner.verify_scenario(&scenario, &params).await?.into(),
        ))
    }
}
