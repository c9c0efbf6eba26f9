//! One ceremony through passkey-rs: the request JSON parsed as Android Credential Manager would
//! take it, a passkey-client [`Client`] over a passkey-authenticator [`Authenticator`] on the
//! shared vault, the "user" who answers the biometric prompt, and the mapping of passkey-client's
//! errors onto the core's [`PlatformError`] kinds.

use passkey_authenticator::{Authenticator, UiHint, UserCheck, UserValidationMethod};
use passkey_client::{Client, DefaultClientData, WebauthnError};
use passkey_crypto::AvailableBackend;
use passkey_types::Passkey;
use passkey_types::ctap2::{Aaguid, Ctap2Error};
use passkey_types::webauthn::{
    AuthenticatedPublicKeyCredential, CreatedPublicKeyCredential, CredentialCreationOptions,
    CredentialRequestOptions, PublicKeyCredentialCreationOptions,
    PublicKeyCredentialRequestOptions, UserVerificationRequirement,
};
use url::Url;

use bingx_passkeys_core::platform::{
    Capabilities, CreateRequest, GetRequest, PlatformError, UnavailableReason,
};

use super::device;
use super::faults::{self, Fault, PHISHING_ORIGIN, PHISHING_RP_ID};
use super::store::{CeremonyStore, SharedVault};

/// Everything a ceremony needs from the manager, copied at the moment the call started.
pub(crate) struct Setup {
    pub(crate) origin: Url,
    pub(crate) capabilities: Capabilities,
    pub(crate) aaguid: [u8; 16],
    pub(crate) fault: Option<Fault>,
    pub(crate) signature_counter: bool,
    pub(crate) device_bound: bool,
    pub(crate) vault: SharedVault,
}

/// Run a registration ceremony and return `RegistrationResponseJSON`.
pub(crate) async fn create(setup: Setup, request: &CreateRequest) -> Result<String, PlatformError> {
    let mut options: PublicKeyCredentialCreationOptions = parse_options(&request.request_json)?;
    check_create_consistency(&options, request)?;
    gate(&setup)?;
    let real_rp_id = options
        .rp
        .id
        .clone()
        .unwrap_or_else(|| request.rp_id.clone());

    let mut origin = setup.origin.clone();
    let mut store = CeremonyStore::new(setup.vault.clone());
    let mut user = SoftUser::verified();
    match setup.fault {
        Some(Fault::Cancel) => user = SoftUser::refusing(),
        Some(Fault::NoUserVerification) => {
            user = SoftUser::without_verification();
            lower_user_verification(&mut options);
        }
        Some(Fault::WrongOrigin) => {
            origin = phishing_origin()?;
            options.rp.id = Some(PHISHING_RP_ID.to_owned());
            store = store.with_lookup_alias(PHISHING_RP_ID.to_owned(), real_rp_id);
        }
        Some(Fault::WrongChallenge) => {
            options.challenge = faults::other_challenge(&options.challenge).into();
        }
        _ => {}
    }

    let mut client = Client::new(authenticator(&setup, store, user))
        .allows_insecure_localhost(is_localhost(&origin));
    let mut credential: CreatedPublicKeyCredential = client
        .register(
            &origin,
            CredentialCreationOptions {
                public_key: options,
            },
            DefaultClientData,
        )
        .await
        .map_err(map_webauthn_error)?;

    if setup.device_bound {
        device::bind_registration(&mut credential)?;
    }
    match setup.fault {
        Some(Fault::TamperSignature) => faults::tamper_public_key(&mut credential)?,
        Some(Fault::MismatchedRawId) => credential.id = faults::mismatched_id(&credential.raw_id),
        _ => {}
    }
    to_json(&credential)
}

/// Run an authentication ceremony and return `AuthenticationResponseJSON`.
pub(crate) async fn get(setup: Setup, request: &GetRequest) -> Result<String, PlatformError> {
    let mut options: PublicKeyCredentialRequestOptions = parse_options(&request.request_json)?;
    check_get_consistency(&options, request)?;
    gate(&setup)?;
    let real_rp_id = options
        .rp_id
        .clone()
        .unwrap_or_else(|| request.rp_id.clone());

    let mut origin = setup.origin.clone();
    let mut store = CeremonyStore::new(setup.vault.clone());
    if setup.device_bound {
        store = store.with_counter_kept_by_vault();
    }
    let mut user = SoftUser::verified();
    match setup.fault {
        Some(Fault::Cancel) => user = SoftUser::refusing(),
        Some(Fault::NoCredential) => store = store.hiding_all(),
        Some(Fault::IgnoreAllowList) => options.allow_credentials = None,
        Some(Fault::NoUserVerification) => {
            user = SoftUser::without_verification();
            options.user_verification = UserVerificationRequirement::Discouraged;
        }
        Some(Fault::WrongOrigin) => {
            origin = phishing_origin()?;
            options.rp_id = Some(PHISHING_RP_ID.to_owned());
            store = store.with_lookup_alias(PHISHING_RP_ID.to_owned(), real_rp_id);
        }
        Some(Fault::WrongChallenge) => {
            options.challenge = faults::other_challenge(&options.challenge).into();
        }
        _ => {}
    }

    let mut client = Client::new(authenticator(&setup, store, user))
        .allows_insecure_localhost(is_localhost(&origin));
    let mut credential: AuthenticatedPublicKeyCredential = client
        .authenticate(
            &origin,
            CredentialRequestOptions {
                public_key: options,
            },
            DefaultClientData,
        )
        .await
        .map_err(map_webauthn_error)?;

    if setup.device_bound {
        device::bind_assertion(&setup.vault, &mut credential)?;
    }
    match &setup.fault {
        Some(Fault::TamperSignature) => faults::tamper_signature(&mut credential)?,
        Some(Fault::MismatchedRawId) => credential.id = faults::mismatched_id(&credential.raw_id),
        Some(Fault::ForeignUserHandle(handle)) => {
            credential.response.user_handle = Some(handle.clone().into());
        }
        _ => {}
    }
    to_json(&credential)
}

/// What stops a ceremony before the sheet shows: the device is not ready, or a fault that ends it
/// from outside the authenticator.
fn gate(setup: &Setup) -> Result<(), PlatformError> {
    if let Some(reason) = setup.capabilities.blocking_reason() {
        let detail = format!("{reason:?}");
        return Err(match reason {
            UnavailableReason::AccountMissing => PlatformError::AccountMissing { detail },
            _ => PlatformError::NoPasswordManager { detail },
        });
    }
    match setup.fault {
        Some(Fault::AccountMissing) => Err(PlatformError::AccountMissing {
            detail: "no account is signed in to the password manager on this device".to_owned(),
        }),
        Some(Fault::Timeout) => Err(PlatformError::TimedOut),
        Some(Fault::Interrupted) => Err(PlatformError::Interrupted {
            detail: "the password manager sheet was closed when the app went to the background"
                .to_owned(),
        }),
        _ => Ok(()),
    }
}

/// A fresh authenticator on the shared vault (cheap: the vault is an `Arc`). Each ceremony gets
/// its own, wrapped in a passkey-client `Client` (whose public suffix list is static).
fn authenticator(
    setup: &Setup,
    store: CeremonyStore,
    user: SoftUser,
) -> Authenticator<CeremonyStore, SoftUser, AvailableBackend> {
    let mut authenticator = Authenticator::new(Aaguid(setup.aaguid), store, user, AvailableBackend);
    authenticator
        .set_make_credentials_with_signature_counter(setup.signature_counter || setup.device_bound);
    authenticator
}

/// `http://localhost` origins are allowed for loopback demos; everything else must be https.
fn is_localhost(origin: &Url) -> bool {
    origin.host_str() == Some("localhost")
}

/// Parse the inner `publicKey` options object, exactly what Credential Manager's `requestJson`
/// takes. A wrapper (`{"publicKey": …}`) is refused like Android refuses it.
fn parse_options<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, PlatformError> {
    serde_json::from_str(json).map_err(|e| PlatformError::Other {
        kind: "softpm.bad_request".to_owned(),
        message: format!("the request JSON is not WebAuthn options: {e}"),
    })
}

/// The iOS shell reads the byte fields, the Android shell the JSON: they must say the same thing.
fn check_create_consistency(
    options: &PublicKeyCredentialCreationOptions,
    request: &CreateRequest,
) -> Result<(), PlatformError> {
    let exclude: Vec<&[u8]> = options
        .exclude_credentials
        .iter()
        .flatten()
        .map(|d| d.id.as_slice())
        .collect();
    let requested: Vec<&[u8]> = request
        .exclude_credential_ids
        .iter()
        .map(Vec::as_slice)
        .collect();
    let mismatch = if options
        .rp
        .id
        .as_deref()
        .is_some_and(|id| id != request.rp_id)
    {
        Some("rp id")
    } else if options.challenge.as_slice() != request.challenge.as_slice() {
        Some("challenge")
    } else if options.user.id.as_slice() != request.user_id.as_slice() {
        Some("user id")
    } else if exclude != requested {
        Some("excluded credential ids")
    } else {
        None
    };
    inconsistent(mismatch)
}

fn check_get_consistency(
    options: &PublicKeyCredentialRequestOptions,
    request: &GetRequest,
) -> Result<(), PlatformError> {
    let allow: Vec<&[u8]> = options
        .allow_credentials
        .iter()
        .flatten()
        .map(|d| d.id.as_slice())
        .collect();
    let requested: Vec<&[u8]> = request
        .allow_credential_ids
        .iter()
        .map(Vec::as_slice)
        .collect();
    let mismatch = if options
        .rp_id
        .as_deref()
        .is_some_and(|id| id != request.rp_id)
    {
        Some("rp id")
    } else if options.challenge.as_slice() != request.challenge.as_slice() {
        Some("challenge")
    } else if allow != requested {
        Some("allowed credential ids")
    } else {
        None
    };
    inconsistent(mismatch)
}

fn inconsistent(mismatch: Option<&str>) -> Result<(), PlatformError> {
    match mismatch {
        None => Ok(()),
        Some(what) => Err(PlatformError::Other {
            kind: "softpm.inconsistent_request".to_owned(),
            message: format!(
                "the request's {what} differs between request_json and its byte fields"
            ),
        }),
    }
}

/// The password manager skips biometrics whatever the relying party asked (no
/// `authenticatorSelection` means "preferred", which passkey-client would turn into a UV request).
fn lower_user_verification(options: &mut PublicKeyCredentialCreationOptions) {
    options
        .authenticator_selection
        .get_or_insert_with(Default::default)
        .user_verification = UserVerificationRequirement::Discouraged;
}

fn phishing_origin() -> Result<Url, PlatformError> {
    Url::parse(PHISHING_ORIGIN).map_err(|e| PlatformError::Other {
        kind: "softpm.internal".to_owned(),
        message: format!("phishing origin: {e}"),
    })
}

fn to_json<T: serde::Serialize>(credential: &T) -> Result<String, PlatformError> {
    serde_json::to_string(credential).map_err(|e| PlatformError::Other {
        kind: "softpm.internal".to_owned(),
        message: format!("could not serialize the credential: {e}"),
    })
}

/// How passkey-client's errors look to the core, as Credential Manager would report them.
pub(crate) fn map_webauthn_error(error: WebauthnError) -> PlatformError {
    match error {
        WebauthnError::CredentialNotFound => PlatformError::NoCredential,
        WebauthnError::TimeoutError => PlatformError::TimedOut,
        // The app (origin) may not act for this rp id: Android's "incoming request cannot be
        // validated" / iOS's "not associated with domain".
        WebauthnError::OriginRpMissmatch | WebauthnError::RequiresRelatedOriginsSupport => {
            PlatformError::DomainNotAssociated {
                detail: format!("passkey-client {error:?}"),
            }
        }
        WebauthnError::AuthenticatorError(code) => match Ctap2Error::try_from(code) {
            Ok(Ctap2Error::CredentialExcluded) => PlatformError::AlreadyRegistered,
            Ok(Ctap2Error::NoCredentials) => PlatformError::NoCredential,
            Ok(Ctap2Error::OperationDenied | Ctap2Error::KeepAliveCancel) => {
                PlatformError::Cancelled
            }
            Ok(Ctap2Error::UserActionTimeout | Ctap2Error::ActionTimeout | Ctap2Error::Timeout) => {
                PlatformError::TimedOut
            }
            known => PlatformError::Other {
                kind: "passkey-client AuthenticatorError".to_owned(),
                message: match known {
                    Ok(ctap) => format!("CTAP2 status 0x{code:02x} ({ctap:?})"),
                    Err(_) => format!("CTAP2 status 0x{code:02x}"),
                },
            },
        },
        other => {
            let variant = format!("{other:?}");
            let name = variant
                .split(|c: char| !c.is_alphanumeric())
                .next()
                .unwrap_or_default()
                .to_owned();
            PlatformError::Other {
                kind: format!("passkey-client {name}"),
                message: variant,
            }
        }
    }
}

/// The person holding the phone, answering the password manager's prompt.
pub(crate) struct SoftUser {
    /// Passes biometrics / the screen lock.
    verifies: bool,
    /// Dismisses the sheet.
    refuses: bool,
}

impl SoftUser {
    fn verified() -> Self {
        Self {
            verifies: true,
            refuses: false,
        }
    }

    fn without_verification() -> Self {
        Self {
            verifies: false,
            refuses: false,
        }
    }

    fn refusing() -> Self {
        Self {
            verifies: true,
            refuses: true,
        }
    }
}

#[async_trait::async_trait]
impl UserValidationMethod for SoftUser {
    type PasskeyItem = Passkey;

    async fn check_user<'a>(
        &self,
        hint: UiHint<'a, Passkey>,
        presence: bool,
        _verification: bool,
    ) -> Result<UserCheck, Ctap2Error> {
        if self.refuses {
            return Err(Ctap2Error::OperationDenied);
        }
        // passkey-authenticator 0.6 leaves the excludeCredentials decision to this prompt: the
        // password manager tells the user the passkey already exists and the ceremony ends, as
        // CTAP 2 §6.1 step 1 (CTAP2_ERR_CREDENTIAL_EXCLUDED) and Credential Manager do.
        if matches!(hint, UiHint::InformExcludedCredentialFound(_)) {
            return Err(Ctap2Error::CredentialExcluded);
        }
        // A platform password manager always asks for the screen lock, whatever was requested.
        Ok(UserCheck {
            presence,
            verification: self.verifies,
        })
    }

    fn is_presence_enabled(&self) -> bool {
        true
    }

    fn is_verification_enabled(&self) -> Option<bool> {
        Some(true)
    }
}
