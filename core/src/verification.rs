//! A fresh passkey verification for one purpose or one scenario: begin → ceremony → finish, two
//! requests, a single-use proof bound by the server to the account, the purpose (or scenario and
//! its parameters) and this session (BRIEF §5 #5).

use std::collections::BTreeMap;

use crate::ceremony::Ceremonies;
use crate::error::PasskeysError;
use crate::http::Http;
use crate::secret::SessionToken;
use crate::vocabulary::{Purpose, Scenario};
use crate::wire::PasskeyProof;

/// Passkey verifications.
#[derive(Clone)]
pub(crate) struct Verifications {
    http: Http,
    ceremonies: Ceremonies,
}

impl Verifications {
    pub(crate) fn new(http: Http, ceremonies: Ceremonies) -> Self {
        Self { http, ceremonies }
    }

    /// A proof for `purpose`. The caller holds the ceremony turn.
    pub(crate) async fn for_purpose(
        &self,
        session: &SessionToken,
        purpose: Purpose,
    ) -> Result<PasskeyProof, PasskeysError> {
        let started = self.http.verify_begin(session, purpose).await?;
        let asserted = self.ceremonies.get(&started.options_json).await?;
        Ok(self
            .http
            .verify_finish(session, &started.ceremony_id, &asserted)
            .await?)
    }

    /// A proof for `scenario` and the operation's `params`. The caller holds the ceremony turn.
    pub(crate) async fn for_scenario(
        &self,
        session: &SessionToken,
        scenario: &Scenario,
        params: &BTreeMap<String, String>,
    ) -> Result<PasskeyProof, PasskeysError> {
        let started = self.http.scenario_begin(session, scenario, params).await?;
        let asserted = self.ceremonies.get(&started.options_json).await?;
        Ok(self
            .http
            .scenario_finish(session, &started.ceremony_id, &asserted)
            .await?)
    }
}
