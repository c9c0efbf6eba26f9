//! Later scenarios (BRIEF §2 J6): one generic "verify with a passkey for scenario S and operation
//! parameters P". Which scenarios need it comes from server policy, so they switch on without an
//! app release; the proof is single use and bound to account, scenario and parameters.

use std::collections::BTreeMap;

use crate::api::Proof;
use crate::ceremony;
use crate::client::PasskeysClient;
use crate::error::PasskeyError;
use crate::policy;

impl PasskeysClient {
    /// Does `scenario` (`login`, `withdrawal`, `security_settings`, `api_keys`, or one a later
    /// policy adds) need a passkey for the signed-in account? From the cached server-signed
    /// policy; `true` when that cache cannot be trusted (fail closed), `false` when nothing is
    /// known yet (the server still decides and refuses).
    pub fn scenario_needs_passkey(&self, scenario: &str) -> bool {
        policy::scenario_needs_passkey(self.inner(), scenario)
    }

    /// Verify with a passkey for `scenario` and the operation's `params` (e.g. a withdrawal's
    /// asset, address and amount). Returns the proof the operation's request carries; the server
    /// accepts it once, for exactly this account, scenario and parameters.
    pub async fn verify_scenario(
        &self,
        scenario: &str,
        params: &BTreeMap<String, String>,
    ) -> Result<Proof, PasskeyError> {
        let inner = self.inner();
        let session = inner.session()?;
        let Ok(_ceremony) = inner.ceremony.try_lock() else {
            return Err(PasskeyError::AlreadyInProgress);
        };
        let run = async {
            inner.count_request();
            let started = inner.api.scenario_begin(&session, scenario, params).await?;
            let asserted = ceremony::get(inner, &started.options_json).await?;
            inner.count_request();
            Ok(inner
                .api
                .scenario_finish(&session, &started.ceremony_id, &asserted)
                .await?)
        };
        run.await.map_err(|e| inner.on_error(e))
    }
}
