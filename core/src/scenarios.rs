//! Important scenarios (BRIEF §2 J6): one generic "verify with a passkey for scenario S and
//! operation parameters P". Which scenarios need it comes from server policy, so they switch on
//! without an app release; the proof is single use and bound to account, scenario and parameters.

use std::collections::BTreeMap;

use crate::ceremony::Ceremonies;
use crate::error::PasskeysError;
use crate::policy::PolicyCache;
use crate::session::Sessions;
use crate::verification::Verifications;
use crate::vocabulary::Scenario;
use crate::wire::PasskeyProof;

/// Scenario checks. Get it from [`crate::PasskeysClient::scenarios`].
#[derive(Clone)]
pub struct Scenarios {
    ceremonies: Ceremonies,
    sessions: Sessions,
    policy: PolicyCache,
    verifications: Verifications,
}

impl std::fmt::Debug for Scenarios {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scenarios").finish_non_exhaustive()
    }
}

impl Scenarios {
    pub(crate) fn new(
        ceremonies: Ceremonies,
        sessions: Sessions,
        policy: PolicyCache,
        verifications: Verifications,
    ) -> Self {
        Self {
            ceremonies,
            sessions,
            policy,
            verifications,
        }
    }

    /// Does `scenario` need a passkey for the signed-in account? From the cached server-signed
    /// policy; `true` when that cache cannot be trusted (fail closed) and for scenarios this
    /// core does not know, `false` when nothing is known yet (the server still decides and
    /// refuses).
    pub fn needs_passkey(&self, scenario: &Scenario) -> bool {
        self.policy.needs_passkey(scenario)
    }

    /// Verify with a passkey for `scenario` and the operation's `params` (e.g. a withdrawal's
    /// asset, address and amount). Returns the proof the operation's request carries; the server
    /// accepts it once, for exactly this account, scenario and parameters.
    pub async fn verify(
        &self,
        scenario: &Scenario,
        params: &BTreeMap<String, String>,
    ) -> Result<PasskeyProof, PasskeysError> {
        let _turn = self.ceremonies.turn()?;
        self.sessions
            .run(async |session| {
                self.verifications
                    .for_scenario(&session, scenario, params)
                    .await
            })
            .await
    }
}
