//! One method per endpoint of the server contract.

use crate::encoding::base64url;
use reqwest::Method;

use super::answers::*;
use super::body::{Body, Closes, Registering};
use super::{AddAuthorisation, Http, PolicyNonce, RequestError};
use crate::secret::{InstallKey, ProofToken, SessionToken, StepUpId, StepUpToken, TrustToken};
use crate::vocabulary::{Factor, Purpose, Scenario};
use crate::wire::{PasskeyAdded, PasskeyHealth, PasskeyProof, Policy, SecurityEvent};

impl Http {
    /// `body` with the configured device description as its `device` member and this install's
    /// key as its `install_key` (the sign-in requests that begin a session: password, H5,
    /// usernameless begin, third-party); the finishing steps carry neither, the server keeps
    /// what their begin sent.
    fn describing_device(
        &self,
        mut body: serde_json::Value,
        install_key: Option<&InstallKey>,
    ) -> serde_json::Value {
        if let Some(members) = body.as_object_mut() {
            if let Some(device) = &self.config().device {
                members.insert("device".to_owned(), serde_json::json!(device));
            }
            if let Some(key) = install_key {
                members.insert("install_key".to_owned(), key.expose_secret().into());
            }
        }
        body
    }

    /// `POST /v1/login/password`.
    pub(crate) async fn login_password(
        &self,
        email: &str,
        password: &str,
        device_id: &str,
        trust_token: Option<&TrustToken>,
        install_key: Option<&InstallKey>,
    ) -> Result<PasswordLogin, RequestError> {
        let body = serde_json::json!({
            "email": email, "password": password, "device_id": device_id,
            "trust_token": trust_token.map(TrustToken::expose_secret),
        });
        let body = self.describing_device(body, install_key);
        let (answer, asked) = self
            .call_asking::<LoginAnswer>(Method::POST, "v1/login/password", None, Some(body.into()))
            .await?;
        answer.into_login(asked)
    }

    /// `POST /v1/login/code`.
    pub(crate) async fn login_code(
        &self,
        login_id: &str,
        factor: Factor,
        code: &str,
        trust_device: bool,
    ) -> Result<SignedIn, RequestError> {
        let body = serde_json::json!({
            "login_id": login_id, "factor": factor.as_str(), "code": code, "trust_device": trust_device,
        });
        let (answer, asked) = self
            .call_asking::<LoginAnswer>(Method::POST, "v1/login/code", None, Some(body.into()))
            .await?;
        match answer.into_login(asked)? {
            PasswordLogin::SignedIn(s) => Ok(s),
            _ => Err(RequestError::InvalidAnswer),
        }
    }

    async fn signed_in(
        &self,
        path: &str,
        session: Option<&SessionToken>,
        body: Body,
    ) -> Result<SignedIn, RequestError> {
        let (answer, asked) = self
            .call_asking::<LoginAnswer>(Method::POST, path, session, Some(body))
            .await?;
        match answer.into_login(asked)? {
            PasswordLogin::SignedIn(s) => Ok(s),
            _ => Err(RequestError::InvalidAnswer),
        }
    }

    /// `POST /v1/login/passkey`: finish a password login with a passkey assertion.
    pub(crate) async fn login_passkey(
        &self,
        login_id: &str,
        credential_json: &str,
    ) -> Result<SignedIn, RequestError> {
        let body = Body::finish(Closes::Login(login_id), credential_json, None)?;
        self.signed_in("v1/login/passkey", None, body).await
    }

    /// `POST /v1/login/discoverable/begin`: a usernameless sign-in.
    pub(crate) async fn discoverable_begin(
        &self,
        install_key: Option<&InstallKey>,
    ) -> Result<AssertionStarted, RequestError> {
        self.call::<AssertionBeginAnswer>(
            Method::POST,
            "v1/login/discoverable/begin",
            None,
            Some(
                self.describing_device(serde_json::json!({}), install_key)
                    .into(),
            ),
        )
        .await
        .map(Into::into)
    }

    /// `POST /v1/login/discoverable/finish`.
    pub(crate) async fn discoverable_finish(
        &self,
        ceremony_id: &str,
        credential_json: &str,
    ) -> Result<SignedIn, RequestError> {
        let body = Body::finish(Closes::Ceremony(ceremony_id), credential_json, None)?;
        self.signed_in("v1/login/discoverable/finish", None, body)
            .await
    }

    /// `POST /v1/login/h5`: the H5 (web) login path.
    pub(crate) async fn login_h5(
        &self,
        email: &str,
        password: &str,
        device_id: &str,
        install_key: Option<&InstallKey>,
    ) -> Result<PasswordLogin, RequestError> {
        let body = self.describing_device(
            serde_json::json!({ "email": email, "password": password, "device_id": device_id }),
            install_key,
        );
        let (answer, asked) = self
            .call_asking::<LoginAnswer>(Method::POST, "v1/login/h5", None, Some(body.into()))
            .await?;
        answer.into_login(asked)
    }

    /// `POST /v1/login/third-party`: Google, Apple, Telegram… with the provider's id token.
    pub(crate) async fn login_third_party(
        &self,
        provider: &str,
        id_token: &str,
        install_key: Option<&InstallKey>,
    ) -> Result<SignedIn, RequestError> {
        let body = self.describing_device(
            serde_json::json!({ "provider": provider, "id_token": id_token }),
            install_key,
        );
        self.signed_in("v1/login/third-party", None, body.into())
            .await
    }

    async fn assertion_begin(
        &self,
        path: &str,
        session: &SessionToken,
        body: serde_json::Value,
    ) -> Result<AssertionStarted, RequestError> {
        self.call::<AssertionBeginAnswer>(Method::POST, path, Some(session), Some(body.into()))
            .await
            .map(Into::into)
    }

    async fn proof_finish(
        &self,
        path: &str,
        session: &SessionToken,
        ceremony_id: &str,
        credential_json: &str,
    ) -> Result<PasskeyProof, RequestError> {
        let body = Body::finish(Closes::Ceremony(ceremony_id), credential_json, None)?;
        self.call::<ProofAnswer>(Method::POST, path, Some(session), Some(body))
            .await
            .map(Into::into)
    }

    /// `POST /v1/passkeys/verify/begin`: a passkey verification for `purpose`.
    pub(crate) async fn verify_begin(
        &self,
        session: &SessionToken,
        purpose: Purpose,
    ) -> Result<AssertionStarted, RequestError> {
        let body = serde_json::json!({ "purpose": purpose.as_str() });
        self.assertion_begin("v1/passkeys/verify/begin", session, body)
            .await
    }

    /// `POST /v1/passkeys/verify/finish`: returns the proof.
    pub(crate) async fn verify_finish(
        &self,
        session: &SessionToken,
        ceremony_id: &str,
        credential_json: &str,
    ) -> Result<PasskeyProof, RequestError> {
        self.proof_finish(
            "v1/passkeys/verify/finish",
            session,
            ceremony_id,
            credential_json,
        )
        .await
    }

    /// `POST /v1/scenarios/verify/begin`: a passkey verification for a scenario and its parameters.
    pub(crate) async fn scenario_begin(
        &self,
        session: &SessionToken,
        scenario: &Scenario,
        params: &std::collections::BTreeMap<String, String>,
    ) -> Result<AssertionStarted, RequestError> {
        let body = serde_json::json!({ "scenario": scenario.as_str(), "params": params });
        self.assertion_begin("v1/scenarios/verify/begin", session, body)
            .await
    }

    /// `POST /v1/scenarios/verify/finish`: returns the scenario proof.
    pub(crate) async fn scenario_finish(
        &self,
        session: &SessionToken,
        ceremony_id: &str,
        credential_json: &str,
    ) -> Result<PasskeyProof, RequestError> {
        self.proof_finish(
            "v1/scenarios/verify/finish",
            session,
            ceremony_id,
            credential_json,
        )
        .await
    }

    /// `PATCH /v1/passkeys/{id}`: rename, with a `rename_passkey` proof.
    pub(crate) async fn rename_passkey(
        &self,
        session: &SessionToken,
        credential_id: &[u8],
        name: &str,
        proof: &ProofToken,
    ) -> Result<PasskeyList, RequestError> {
        let path = format!("v1/passkeys/{}", base64url::encode(credential_id));
        let body = serde_json::json!({ "name": name, "proof": proof.expose_secret() });
        self.call(Method::PATCH, &path, Some(session), Some(body.into()))
            .await
    }

    /// `DELETE /v1/passkeys/{id}`, with a `delete_passkey` proof.
    pub(crate) async fn delete_passkey(
        &self,
        session: &SessionToken,
        credential_id: &[u8],
        proof: &ProofToken,
    ) -> Result<PasskeysAndPolicy, RequestError> {
        let path = format!("v1/passkeys/{}", base64url::encode(credential_id));
        let body = serde_json::json!({ "proof": proof.expose_secret() });
        let (mut answer, asked): (PasskeysAndPolicy, _) = self
            .call_asking(Method::DELETE, &path, Some(session), Some(body.into()))
            .await?;
        answer.asked = asked;
        Ok(answer)
    }

    /// `POST /v1/policy/disable`, with a `disable_passkeys` proof; the policy with the nonce its
    /// request carried.
    pub(crate) async fn disable_flag(
        &self,
        session: &SessionToken,
        proof: &ProofToken,
    ) -> Result<(Policy, Option<PolicyNonce>), RequestError> {
        let body = serde_json::json!({ "proof": proof.expose_secret() });
        self.call_asking(
            Method::POST,
            "v1/policy/disable",
            Some(session),
            Some(body.into()),
        )
        .await
    }

    /// `GET /v1/security-events`.
    pub(crate) async fn security_events(
        &self,
        session: &SessionToken,
    ) -> Result<Vec<SecurityEvent>, RequestError> {
        let answer: SecurityEvents = self
            .call(Method::GET, "v1/security-events", Some(session), None)
            .await?;
        Ok(answer.events)
    }

    /// `POST /v1/step-up/begin`.
    pub(crate) async fn step_up_begin(
        &self,
        session: &SessionToken,
        install_key: Option<&InstallKey>,
    ) -> Result<StepUpStarted, RequestError> {
        let body = serde_json::json!({
            "purpose": "passkey_registration",
            "install_key": install_key.map(InstallKey::expose_secret),
        });
        self.call(
            Method::POST,
            "v1/step-up/begin",
            Some(session),
            Some(body.into()),
        )
        .await
    }

    /// `POST /v1/step-up/finish`; returns the step-up token.
    pub(crate) async fn step_up_finish(
        &self,
        session: &SessionToken,
        step_up_id: &StepUpId,
        password: &str,
        factor: Factor,
        code: &str,
    ) -> Result<StepUpToken, RequestError> {
        let body = serde_json::json!({
            "step_up_id": step_up_id.expose_secret(), "password": password, "factor": factor.as_str(), "code": code,
        });
        let answer: StepUpAnswer = self
            .call(
                Method::POST,
                "v1/step-up/finish",
                Some(session),
                Some(body.into()),
            )
            .await?;
        Ok(StepUpToken::new(answer.step_up_token))
    }

    /// `POST /v1/passkeys/registration/begin`. `keep`: the account's passkeys that stay when
    /// this ceremony turns the requirement on (the others are removed then); `None` keeps all.
    pub(crate) async fn registration_begin(
        &self,
        session: &SessionToken,
        authorisation: AddAuthorisation<'_>,
        keep: Option<&[Vec<u8>]>,
    ) -> Result<RegistrationStarted, RequestError> {
        let mut body = match authorisation {
            AddAuthorisation::StepUp(t) => {
                serde_json::json!({ "step_up_token": t.expose_secret() })
            }
            AddAuthorisation::Proof(p) => serde_json::json!({ "proof": p.expose_secret() }),
        };
        if let Some(keep) = keep {
            let ids: Vec<String> = keep.iter().map(|id| base64url::encode(id)).collect();
            body["keep_passkeys"] = serde_json::json!(ids);
        }
        let answer: RegistrationBeginAnswer = self
            .call(
                Method::POST,
                "v1/passkeys/registration/begin",
                Some(session),
                Some(body.into()),
            )
            .await?;
        Ok(RegistrationStarted {
            ceremony_id: answer.ceremony_id,
            options_json: answer.options.get().to_owned(),
        })
    }

    /// `POST /v1/passkeys/registration/finish`: the platform's response JSON goes on unchanged.
    pub(crate) async fn registration_finish(
        &self,
        session: &SessionToken,
        ceremony_id: &str,
        credential_json: &str,
        name: Option<&str>,
        enable: bool,
    ) -> Result<PasskeyAdded, RequestError> {
        let body = Body::finish(
            Closes::Ceremony(ceremony_id),
            credential_json,
            Some(Registering { name, enable }),
        )?;
        self.call(
            Method::POST,
            "v1/passkeys/registration/finish",
            Some(session),
            Some(body),
        )
        .await
    }

    /// `GET /v1/passkeys`.
    pub(crate) async fn passkeys(
        &self,
        session: &SessionToken,
    ) -> Result<PasskeyList, RequestError> {
        self.call(Method::GET, "v1/passkeys", Some(session), None)
            .await
    }

    /// `POST /v1/passkeys/nudge/dismiss`: the "add a second passkey" nudge stays away for a while.
    pub(crate) async fn dismiss_nudge(
        &self,
        session: &SessionToken,
    ) -> Result<PasskeyHealth, RequestError> {
        self.call(
            Method::POST,
            "v1/passkeys/nudge/dismiss",
            Some(session),
            None,
        )
        .await
    }

    /// `GET /v1/policy`: the policy with the nonce its request carried.
    pub(crate) async fn policy(
        &self,
        session: &SessionToken,
    ) -> Result<(Policy, Option<PolicyNonce>), RequestError> {
        self.call_asking(Method::GET, "v1/policy", Some(session), None)
            .await
    }

    /// `POST /v1/logout`.
    pub(crate) async fn logout(&self, session: &SessionToken) -> Result<(), RequestError> {
        self.call::<serde_json::Value>(Method::POST, "v1/logout", Some(session), None)
            .await
            .map(|_| ())
    }
}
