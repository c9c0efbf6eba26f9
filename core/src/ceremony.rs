//! One ceremony, the same way every time: check the server's options → hand the platform a request
//! shaped for it → check the platform's answer → only then let it leave the device.

use crate::client::Inner;
use crate::error::PasskeyError;
use crate::webauthn::{
    CheckedRegistration, Expected, check_assertion, check_registration, prepare_create, prepare_get,
};

/// A checked registration response, ready to send.
pub(crate) struct Created {
    /// `RegistrationResponseJSON` exactly as the platform produced it.
    pub(crate) json: String,
    /// What the core checked.
    pub(crate) checked: CheckedRegistration,
}

/// Run a registration ceremony for `options_json`.
pub(crate) async fn create(inner: &Inner, options_json: &str) -> Result<Created, PasskeyError> {
    let config = inner.api.config();
    let request = prepare_create(options_json, &config.rp_id)?;
    let challenge = request.challenge.clone();
    let json = inner.platform.create(request).await?;
    let checked = check_registration(
        &json,
        &Expected {
            rp_id: &config.rp_id,
            origins: &config.allowed_origins,
            challenge: &challenge,
        },
    )?;
    Ok(Created { json, checked })
}

/// Run an assertion ceremony for `options_json`; returns `AuthenticationResponseJSON` exactly as
/// the platform produced it, once checked.
pub(crate) async fn get(inner: &Inner, options_json: &str) -> Result<String, PasskeyError> {
    let config = inner.api.config();
    let request = prepare_get(options_json, &config.rp_id)?;
    let challenge = request.challenge.clone();
    let allowed = request.allow_credential_ids.clone();
    let json = inner.platform.get(request).await?;
    check_assertion(
        &json,
        &Expected {
            rp_id: &config.rp_id,
            origins: &config.allowed_origins,
            challenge: &challenge,
        },
        &allowed,
    )?;
    Ok(json)
}
