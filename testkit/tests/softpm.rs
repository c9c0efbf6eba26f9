//! The software password manager against passkey-rs for real: ceremonies driven by options that
//! webauthn-rs 0.6 issues (raw, as Android Credential Manager's `requestJson` receives them),
//! responses decoded member by member, and webauthn-rs as an independent verifier. Each fault
//! yields its documented error, or a response whose documented part, and only that part, is broken.

use std::sync::Arc;
use std::time::Duration;

use bingx_passkeys_core::platform::{
    Capabilities, CreateRequest, GetRequest, PlatformAuthenticator, PlatformError,
    UnavailableReason,
};
use bingx_passkeys_testkit::softpm::{
    Fault, GOOGLE_PASSWORD_MANAGER_AAGUID, PHISHING_ORIGIN, PHISHING_RP_ID, SoftPasswordManager,
    TESTKIT_AAGUID,
};
use passkey_crypto::coset::cbor::Value as Cbor;
use passkey_crypto::coset::{CoseKey, Label};
use passkey_types::ctap2::{AuthenticatorData, Flags};
use passkey_types::encoding::{base64url, try_from_base64url};
use serde_json::Value as Json;
use sha2_010::{Digest, Sha256};
use url::Url;
use uuid::Uuid;
use webauthn_rs::prelude::{
    CreationChallengeResponse, Passkey, PasskeyAuthentication, PasskeyRegistration,
    PublicKeyCredential, RegisterPublicKeyCredential, RequestChallengeResponse, Webauthn,
    WebauthnBuilder, WebauthnError,
};

const ORIGIN: &str = "https://passkeys.bingx.test";
const RP_ID: &str = "passkeys.bingx.test";

// ---------------------------------------------------------------------------------------------
// A relying party (webauthn-rs, in process) and the requests a shell would be handed.

fn rp() -> Webauthn {
    let origin = Url::parse(ORIGIN).expect("origin");
    WebauthnBuilder::new(RP_ID, &origin)
        .expect("builder")
        .rp_name("BingX")
        .build()
        .expect("webauthn")
}

fn manager() -> SoftPasswordManager {
    SoftPasswordManager::new(Url::parse(ORIGIN).expect("origin"))
}

struct Registration {
    request: CreateRequest,
    state: PasskeyRegistration,
}

fn registration(rp: &Webauthn, user: Uuid, exclude: Option<Vec<Vec<u8>>>) -> Registration {
    let (ccr, state): (CreationChallengeResponse, _) = rp
        .start_passkey_registration(user, "alice@bingx.test", "Alice", exclude)
        .expect("start registration");
    // The inner `publicKey` object, exactly as the server hands it to the app.
    let json = serde_json::to_string(&ccr.public_key).expect("options json");
    Registration {
        request: create_request(json),
        state,
    }
}

/// Shape a `CreateRequest` from options JSON the way a shell gets it (independently of the core).
fn create_request(json: String) -> CreateRequest {
    let v: Json = serde_json::from_str(&json).expect("options parse as JSON");
    CreateRequest {
        rp_id: v["rp"]["id"].as_str().expect("rp.id").to_owned(),
        challenge: b64(&v["challenge"]),
        user_id: b64(&v["user"]["id"]),
        user_name: v["user"]["name"].as_str().expect("user.name").to_owned(),
        user_display_name: v["user"]["displayName"]
            .as_str()
            .expect("displayName")
            .to_owned(),
        exclude_credential_ids: ids(&v["excludeCredentials"]),
        timeout_ms: v["timeout"].as_u64().and_then(|t| u32::try_from(t).ok()),
        request_json: json,
    }
}

struct Authentication {
    request: GetRequest,
    state: PasskeyAuthentication,
}

fn authentication(rp: &Webauthn, passkeys: &[Passkey]) -> Authentication {
    let (rcr, state): (RequestChallengeResponse, _) = rp
        .start_passkey_authentication(passkeys)
        .expect("start authentication");
    let json = serde_json::to_string(&rcr.public_key).expect("options json");
    Authentication {
        request: get_request(json),
        state,
    }
}

fn get_request(json: String) -> GetRequest {
    let v: Json = serde_json::from_str(&json).expect("options parse as JSON");
    GetRequest {
        rp_id: v["rpId"].as_str().expect("rpId").to_owned(),
        challenge: b64(&v["challenge"]),
        allow_credential_ids: ids(&v["allowCredentials"]),
        timeout_ms: v["timeout"].as_u64().and_then(|t| u32::try_from(t).ok()),
        request_json: json,
    }
}

fn b64(v: &Json) -> Vec<u8> {
    try_from_base64url(v.as_str().expect("a base64url string")).expect("base64url")
}

fn ids(v: &Json) -> Vec<Vec<u8>> {
    v.as_array()
        .map(|list| list.iter().map(|d| b64(&d["id"])).collect())
        .unwrap_or_default()
}

/// Register a passkey for `user` and return it as the relying party stored it.
async fn enrolled(rp: &Webauthn, pm: &SoftPasswordManager, user: Uuid) -> Passkey {
    let reg = registration(rp, user, None);
    let json = pm.create(reg.request).await.expect("create");
    rp.finish_passkey_registration(&parse_reg(&json), &reg.state)
        .expect("webauthn-rs accepts the registration")
}

fn parse_reg(json: &str) -> RegisterPublicKeyCredential {
    serde_json::from_str(json).expect("webauthn-rs reads RegistrationResponseJSON")
}

fn parse_auth(json: &str) -> PublicKeyCredential {
    serde_json::from_str(json).expect("webauthn-rs reads AuthenticationResponseJSON")
}

// ---------------------------------------------------------------------------------------------
// Decoding a response.

/// A decoded `RegistrationResponseJSON` / `AuthenticationResponseJSON`.
struct Decoded {
    json: Json,
    id: Vec<u8>,
    raw_id: Vec<u8>,
    client_data: Json,
    auth_data_bytes: Vec<u8>,
    auth_data: AuthenticatorData,
}

fn decode(json: &str) -> Decoded {
    let v: Json = serde_json::from_str(json).expect("response is JSON");
    assert_eq!(v["type"], "public-key");
    for member in ["id", "rawId"] {
        let text = v[member].as_str().expect("string");
        assert!(
            !text.contains('=') && !text.contains('+') && !text.contains('/'),
            "{member} is unpadded base64url: {text}"
        );
    }
    let client_data: Json =
        serde_json::from_slice(&b64(&v["response"]["clientDataJSON"])).expect("clientDataJSON");
    let auth_data_bytes = match v["response"].get("attestationObject") {
        Some(att) => attestation_auth_data(&b64(att)),
        None => b64(&v["response"]["authenticatorData"]),
    };
    let auth_data = AuthenticatorData::from_slice(&auth_data_bytes).expect("authenticatorData");
    Decoded {
        id: try_from_base64url(v["id"].as_str().expect("id")).expect("id is base64url"),
        raw_id: b64(&v["rawId"]),
        client_data,
        auth_data_bytes,
        auth_data,
        json: v,
    }
}

/// `authData` out of a CBOR attestation object, checking `fmt: "none"` on the way.
fn attestation_auth_data(attestation_object: &[u8]) -> Vec<u8> {
    let value: Cbor =
        passkey_crypto::coset::cbor::de::from_reader(attestation_object).expect("CBOR");
    let map = value.as_map().expect("attestation object is a map");
    let get = |key: &str| {
        map.iter()
            .find(|(k, _)| k.as_text() == Some(key))
            .map(|(_, v)| v.clone())
            .expect(key)
    };
    assert_eq!(get("fmt").as_text(), Some("none"));
    get("authData").as_bytes().expect("authData bytes").clone()
}

fn rp_id_hash(rp_id: &str) -> Vec<u8> {
    Sha256::digest(rp_id.as_bytes()).to_vec()
}

fn cose_x(key: &CoseKey) -> Vec<u8> {
    key.params
        .iter()
        .find(|(l, _)| *l == Label::Int(-2))
        .and_then(|(_, v)| v.as_bytes().cloned())
        .expect("x coordinate")
}

fn assert_flags(d: &Decoded, expected: Flags, absent: Flags) {
    let flags = d.auth_data.flags;
    assert!(
        flags.contains(expected),
        "flags {flags:?} lack {expected:?}"
    );
    assert!(
        !flags.intersects(absent),
        "flags {flags:?} carry {absent:?}"
    );
}

fn other_kind(e: &PlatformError) -> &str {
    match e {
        PlatformError::Other { kind, .. } => kind,
        other => panic!("expected PlatformError::Other, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Round trips.

#[tokio::test]
async fn create_then_get_round_trip_is_webauthn_level_3_and_verifies() {
    let rp = rp();
    let pm = manager();
    let user = Uuid::new_v4();

    let reg = registration(&rp, user, None);
    // webauthn-rs 0.6 sends extensions passkey-types has no fields for; they must parse.
    for member in [
        "credentialProtectionPolicy",
        "enforceCredentialProtectionPolicy",
        "credProps",
        "uvm",
    ] {
        assert!(reg.request.request_json.contains(member), "{member} sent");
    }
    let challenge = reg.request.challenge.clone();
    let user_id = reg.request.user_id.clone();
    let json = pm.create(reg.request).await.expect("create");

    let d = decode(&json);
    assert_eq!(d.id, d.raw_id);
    assert_eq!(d.client_data["type"], "webauthn.create");
    assert_eq!(d.client_data["challenge"], base64url(&challenge));
    assert_eq!(d.client_data["origin"], ORIGIN);
    assert_eq!(d.auth_data.rp_id_hash(), rp_id_hash(RP_ID).as_slice());
    assert_flags(
        &d,
        Flags::UP | Flags::UV | Flags::BE | Flags::BS | Flags::AT,
        Flags::empty(),
    );
    assert_eq!(d.auth_data.counter, Some(0));
    let attested = d.auth_data.attested_credential_data.as_ref().expect("AT");
    assert_eq!(attested.aaguid.0, TESTKIT_AAGUID);
    assert_eq!(attested.credential_id(), d.raw_id.as_slice());
    // The Level 3 convenience members agree with the attestation object.
    assert_eq!(
        b64(&d.json["response"]["authenticatorData"]),
        d.auth_data_bytes
    );
    assert_eq!(d.json["response"]["publicKeyAlgorithm"], -7);
    let der = b64(&d.json["response"]["publicKey"]);
    assert_eq!(der.len(), 91, "SubjectPublicKeyInfo of a P-256 key");
    assert_eq!(&der[27..59], cose_x(&attested.key).as_slice());
    assert_eq!(d.json["authenticatorAttachment"], "platform");
    assert_eq!(d.json["clientExtensionResults"]["credProps"]["rk"], true);
    assert_eq!(pm.credential_ids(RP_ID), vec![d.raw_id.clone()]);

    let passkey = rp
        .finish_passkey_registration(&parse_reg(&json), &reg.state)
        .expect("webauthn-rs accepts the registration");
    assert!(passkey.cred_id().as_slice() == d.raw_id.as_slice());

    let auth = authentication(&rp, std::slice::from_ref(&passkey));
    let challenge = auth.request.challenge.clone();
    let json = pm.get(auth.request).await.expect("get");
    let a = decode(&json);
    assert_eq!(a.id, a.raw_id);
    assert_eq!(a.raw_id, d.raw_id);
    assert_eq!(a.client_data["type"], "webauthn.get");
    assert_eq!(a.client_data["challenge"], base64url(&challenge));
    assert_eq!(a.client_data["origin"], ORIGIN);
    assert_eq!(a.auth_data.rp_id_hash(), rp_id_hash(RP_ID).as_slice());
    assert_flags(&a, Flags::UP | Flags::UV | Flags::BE | Flags::BS, Flags::AT);
    assert_eq!(a.auth_data.counter, Some(0));
    assert_eq!(b64(&a.json["response"]["userHandle"]), user_id);
    assert!(!b64(&a.json["response"]["signature"]).is_empty());

    let result = rp
        .finish_passkey_authentication(&parse_auth(&json), &auth.state)
        .expect("webauthn-rs verifies the assertion");
    assert!(result.user_verified());
    assert!(result.backup_eligible() && result.backup_state());
    assert_eq!(result.counter(), 0);
}

#[tokio::test]
async fn usernameless_sign_in_finds_the_discoverable_passkey() {
    let rp = rp();
    let pm = manager();
    let user = Uuid::new_v4();
    // webauthn-rs asks for residentKey "discouraged"; a password manager keeps passkeys anyway.
    let passkey = enrolled(&rp, &pm, user).await;

    let (rcr, state) = rp
        .start_discoverable_authentication()
        .expect("discoverable options");
    let request = get_request(serde_json::to_string(&rcr.public_key).expect("json"));
    assert!(request.allow_credential_ids.is_empty());
    let json = pm.get(request).await.expect("get without allowCredentials");

    let credential = parse_auth(&json);
    let (found_user, cred_id) = rp
        .identify_discoverable_authentication(&credential)
        .expect("user handle returned");
    assert_eq!(found_user, user);
    assert_eq!(cred_id, passkey.cred_id().as_slice());
    rp.finish_discoverable_authentication_v2(&credential, state, &passkey)
        .expect("webauthn-rs verifies the usernameless assertion");
}

#[tokio::test]
async fn requests_shaped_by_the_core_work_too() {
    let rp = rp();
    let pm = manager();
    let user = Uuid::new_v4();
    let (ccr, reg_state) = rp
        .start_passkey_registration(user, "bob@bingx.test", "Bob", None)
        .expect("options");
    let options = serde_json::to_string(&ccr.public_key).expect("json");
    let request =
        bingx_passkeys_core::webauthn::prepare_create(&options, RP_ID).expect("core accepts");
    let json = pm.create(request).await.expect("create");
    let passkey = rp
        .finish_passkey_registration(&parse_reg(&json), &reg_state)
        .expect("registration verifies");

    let (rcr, auth_state) = rp
        .start_passkey_authentication(&[passkey])
        .expect("options");
    let options = serde_json::to_string(&rcr.public_key).expect("json");
    let request =
        bingx_passkeys_core::webauthn::prepare_get(&options, RP_ID).expect("core accepts");
    let json = pm.get(request).await.expect("get");
    rp.finish_passkey_authentication(&parse_auth(&json), &auth_state)
        .expect("assertion verifies");
}

#[tokio::test]
async fn with_aaguid_reports_that_provider() {
    let rp = rp();
    let pm = manager().with_aaguid(GOOGLE_PASSWORD_MANAGER_AAGUID);
    assert_eq!(
        Uuid::from_bytes(GOOGLE_PASSWORD_MANAGER_AAGUID).to_string(),
        "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4"
    );
    assert_eq!(
        Uuid::from_bytes(TESTKIT_AAGUID).to_string(),
        "b1d0c2a4-5f3e-4e2b-9a7c-7e57c0de0001"
    );
    let reg = registration(&rp, Uuid::new_v4(), None);
    let d = decode(&pm.create(reg.request).await.expect("create"));
    let attested = d.auth_data.attested_credential_data.expect("AT");
    assert_eq!(attested.aaguid.0, GOOGLE_PASSWORD_MANAGER_AAGUID);
}

#[tokio::test]
async fn signature_counter_option_counts_assertions() {
    let rp = rp();
    let pm = manager().with_signature_counter(true);
    let mut passkey = enrolled(&rp, &pm, Uuid::new_v4()).await;
    for expected in 1..=2u32 {
        let auth = authentication(&rp, std::slice::from_ref(&passkey));
        let json = pm.get(auth.request).await.expect("get");
        assert_eq!(decode(&json).auth_data.counter, Some(expected));
        let result = rp
            .finish_passkey_authentication(&parse_auth(&json), &auth.state)
            .expect("verifies");
        passkey.update_credential(&result);
    }
}

// ---------------------------------------------------------------------------------------------
// excludeCredentials, overwrite, requests that cannot run.

#[tokio::test]
async fn exclude_credentials_with_a_held_passkey_is_already_registered() {
    let rp = rp();
    let pm = manager();
    let user = Uuid::new_v4();
    let passkey = enrolled(&rp, &pm, user).await;
    let held = pm.credential_ids(RP_ID);

    let reg = registration(&rp, user, Some(vec![passkey.cred_id().to_vec()]));
    assert_eq!(
        pm.create(reg.request).await,
        Err(PlatformError::AlreadyRegistered)
    );
    assert_eq!(
        pm.credential_ids(RP_ID),
        held,
        "nothing created or replaced"
    );

    // An id this manager does not hold excludes nothing: the "other device" case.
    let other = manager();
    let reg = registration(&rp, user, Some(vec![passkey.cred_id().to_vec()]));
    other
        .create(reg.request)
        .await
        .expect("another manager creates");
    assert_eq!(other.credential_ids(RP_ID).len(), 1);
}

#[tokio::test]
async fn a_second_passkey_for_the_same_account_replaces_the_first() {
    let rp = rp();
    let pm = manager();
    let user = Uuid::new_v4();
    let first = enrolled(&rp, &pm, user).await;
    let second = enrolled(&rp, &pm, user).await;
    assert_eq!(pm.credential_ids(RP_ID), vec![second.cred_id().to_vec()]);
    assert_ne!(first.cred_id(), second.cred_id());
    let third = enrolled(&rp, &pm, Uuid::new_v4()).await;
    assert_eq!(
        pm.credential_ids(RP_ID),
        vec![second.cred_id().to_vec(), third.cred_id().to_vec()]
    );
}

#[tokio::test]
async fn get_for_a_passkey_it_does_not_hold_is_no_credential() {
    let rp = rp();
    let elsewhere = manager();
    let passkey = enrolled(&rp, &elsewhere, Uuid::new_v4()).await;
    let pm = manager();
    let auth = authentication(&rp, &[passkey]);
    assert_eq!(pm.get(auth.request).await, Err(PlatformError::NoCredential));
    let (rcr, _) = rp.start_discoverable_authentication().expect("options");
    let request = get_request(serde_json::to_string(&rcr.public_key).expect("json"));
    assert_eq!(pm.get(request).await, Err(PlatformError::NoCredential));
}

#[tokio::test]
async fn malformed_or_inconsistent_requests_are_refused_without_panic() {
    let rp = rp();
    let pm = manager();
    let good = registration(&rp, Uuid::new_v4(), None).request;

    for bad in [
        String::new(),
        "{".to_owned(),
        "[]".to_owned(),
        r#"{"challenge": 5}"#.to_owned(),
        format!(r#"{{"publicKey": {}}}"#, good.request_json),
        "{\"rp\":{\"id\":\"a\u{0}\"}}".to_owned(),
    ] {
        let request = CreateRequest {
            request_json: bad.clone(),
            ..good.clone()
        };
        let e = pm.create(request).await.expect_err("refused");
        assert_eq!(other_kind(&e), "softpm.bad_request", "{bad}");
        let request = GetRequest {
            request_json: bad.clone(),
            rp_id: RP_ID.to_owned(),
            challenge: good.challenge.clone(),
            allow_credential_ids: vec![],
            timeout_ms: None,
        };
        let e = pm.get(request).await.expect_err("refused");
        assert_eq!(other_kind(&e), "softpm.bad_request", "{bad}");
    }

    let mut request = good.clone();
    request.challenge.push(0);
    let e = pm.create(request).await.expect_err("refused");
    assert_eq!(other_kind(&e), "softpm.inconsistent_request");
    assert!(pm.credential_ids(RP_ID).is_empty());
}

#[tokio::test]
async fn an_rp_id_the_origin_may_not_use_is_domain_not_associated() {
    let other_origin = Url::parse("https://evil.example.org").expect("url");
    let other_rp = WebauthnBuilder::new("evil.example.org", &other_origin)
        .expect("builder")
        .build()
        .expect("rp");
    let pm = manager();
    let reg = registration(&other_rp, Uuid::new_v4(), None);
    assert!(matches!(
        pm.create(reg.request).await,
        Err(PlatformError::DomainNotAssociated { .. })
    ));
}

// ---------------------------------------------------------------------------------------------
// Faults that end the ceremony.

#[tokio::test]
async fn cancel_is_cancelled_and_creates_nothing() {
    let rp = rp();
    let pm = manager();
    let passkey = enrolled(&rp, &pm, Uuid::new_v4()).await;
    pm.set_fault(Some(Fault::Cancel));
    let reg = registration(&rp, Uuid::new_v4(), None);
    assert_eq!(pm.create(reg.request).await, Err(PlatformError::Cancelled));
    let auth = authentication(&rp, std::slice::from_ref(&passkey));
    assert_eq!(pm.get(auth.request).await, Err(PlatformError::Cancelled));
    assert_eq!(pm.credential_ids(RP_ID).len(), 1);

    pm.set_fault(None);
    let auth = authentication(&rp, &[passkey]);
    pm.get(auth.request)
        .await
        .expect("works again once cleared");
}

#[tokio::test]
async fn no_credential_fault_hides_every_passkey_from_get_only() {
    let rp = rp();
    let pm = manager();
    let passkey = enrolled(&rp, &pm, Uuid::new_v4()).await;
    pm.set_fault(Some(Fault::NoCredential));
    let auth = authentication(&rp, &[passkey]);
    assert_eq!(pm.get(auth.request).await, Err(PlatformError::NoCredential));
    let reg = registration(&rp, Uuid::new_v4(), None);
    pm.create(reg.request)
        .await
        .expect("create is not affected");
}

#[tokio::test]
async fn no_password_manager_fault_shows_in_capabilities_and_ceremonies() {
    let rp = rp();
    let pm = manager();
    assert_eq!(pm.capabilities().await, Capabilities::ready_device());
    pm.set_fault(Some(Fault::NoPasswordManager));
    let caps = pm.capabilities().await;
    assert!(!caps.password_manager_available);
    assert!(!caps.ready());
    assert_eq!(
        caps.unavailable_reason,
        Some(UnavailableReason::NoPasswordManager)
    );

    let reg = registration(&rp, Uuid::new_v4(), None);
    assert!(matches!(
        pm.create(reg.request).await,
        Err(PlatformError::NoPasswordManager { .. })
    ));
    let (rcr, _) = rp.start_discoverable_authentication().expect("options");
    let request = get_request(serde_json::to_string(&rcr.public_key).expect("json"));
    assert!(matches!(
        pm.get(request).await,
        Err(PlatformError::NoPasswordManager { .. })
    ));
    assert!(matches!(
        pm.signal_unknown_credential(RP_ID.to_owned(), vec![1; 16])
            .await,
        Err(PlatformError::NoPasswordManager { .. })
    ));

    pm.set_fault(None);
    assert!(pm.capabilities().await.ready());
}

#[tokio::test]
async fn account_missing_fault_fails_ceremonies_but_not_the_device_check() {
    let rp = rp();
    let pm = manager();
    pm.set_fault(Some(Fault::AccountMissing));
    // As on Android: an app cannot see the password manager's accounts before a ceremony.
    assert_eq!(pm.capabilities().await, Capabilities::ready_device());

    let reg = registration(&rp, Uuid::new_v4(), None);
    assert!(matches!(
        pm.create(reg.request).await,
        Err(PlatformError::AccountMissing { .. })
    ));
    let (rcr, _) = rp.start_discoverable_authentication().expect("options");
    let request = get_request(serde_json::to_string(&rcr.public_key).expect("json"));
    assert!(matches!(
        pm.get(request).await,
        Err(PlatformError::AccountMissing { .. })
    ));
    pm.signal_unknown_credential(RP_ID.to_owned(), vec![1; 16])
        .await
        .expect("signals are not affected");

    // Capabilities that say so block ceremonies with the same kind.
    pm.set_fault(None);
    pm.set_capabilities(Capabilities {
        password_manager_available: false,
        unavailable_reason: Some(UnavailableReason::AccountMissing),
        ..Capabilities::ready_device()
    });
    let reg = registration(&rp, Uuid::new_v4(), None);
    assert_eq!(
        pm.create(reg.request).await,
        Err(PlatformError::AccountMissing {
            detail: format!("{:?}", UnavailableReason::AccountMissing)
        })
    );

    pm.set_capabilities(Capabilities::ready_device());
    let reg = registration(&rp, Uuid::new_v4(), None);
    pm.create(reg.request).await.expect("signed in again");
}

#[tokio::test]
async fn set_capabilities_is_reported_and_blocks_ceremonies() {
    let rp = rp();
    let pm = manager();
    let no_lock = Capabilities {
        user_can_authenticate: false,
        unavailable_reason: Some(UnavailableReason::NoScreenLock),
        ..Capabilities::ready_device()
    };
    pm.set_capabilities(no_lock.clone());
    assert_eq!(pm.capabilities().await, no_lock);
    let reg = registration(&rp, Uuid::new_v4(), None);
    match pm.create(reg.request).await {
        Err(PlatformError::NoPasswordManager { detail }) => {
            assert_eq!(detail, format!("{:?}", UnavailableReason::NoScreenLock));
        }
        other => panic!("expected NoPasswordManager, got {other:?}"),
    }

    pm.set_capabilities(Capabilities {
        supports_signals: false,
        ..Capabilities::ready_device()
    });
    let e = pm
        .signal_unknown_credential(RP_ID.to_owned(), vec![1; 16])
        .await
        .expect_err("no signals");
    assert_eq!(other_kind(&e), "softpm.signals_unsupported");
    assert!(pm.signalled_unknown().is_empty());
}

#[tokio::test]
async fn timeout_and_interrupted_faults() {
    let rp = rp();
    let pm = manager();
    let passkey = enrolled(&rp, &pm, Uuid::new_v4()).await;

    pm.set_fault(Some(Fault::Timeout));
    let reg = registration(&rp, Uuid::new_v4(), None);
    assert_eq!(pm.create(reg.request).await, Err(PlatformError::TimedOut));
    let auth = authentication(&rp, std::slice::from_ref(&passkey));
    assert_eq!(pm.get(auth.request).await, Err(PlatformError::TimedOut));

    pm.set_fault(Some(Fault::Interrupted));
    let reg = registration(&rp, Uuid::new_v4(), None);
    assert!(matches!(
        pm.create(reg.request).await,
        Err(PlatformError::Interrupted { .. })
    ));
    let auth = authentication(&rp, &[passkey]);
    assert!(matches!(
        pm.get(auth.request).await,
        Err(PlatformError::Interrupted { .. })
    ));
    assert_eq!(pm.credential_ids(RP_ID).len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Faults that answer with a broken response.

#[tokio::test]
async fn no_user_verification_clears_uv_and_the_rp_refuses() {
    let rp = rp();
    let pm = manager();
    let passkey = enrolled(&rp, &pm, Uuid::new_v4()).await;
    pm.set_fault(Some(Fault::NoUserVerification));

    let reg = registration(&rp, Uuid::new_v4(), None);
    let json = pm.create(reg.request).await.expect("the ceremony runs");
    let d = decode(&json);
    assert_flags(&d, Flags::UP | Flags::AT, Flags::UV);
    assert_eq!(d.client_data["origin"], ORIGIN);
    assert!(matches!(
        rp.finish_passkey_registration(&parse_reg(&json), &reg.state),
        Err(WebauthnError::UserNotVerified)
    ));

    let auth = authentication(&rp, std::slice::from_ref(&passkey));
    let json = pm.get(auth.request).await.expect("the ceremony runs");
    assert_flags(&decode(&json), Flags::UP, Flags::UV);
    assert!(matches!(
        rp.finish_passkey_authentication(&parse_auth(&json), &auth.state),
        Err(WebauthnError::UserNotVerified)
    ));
}

/// Minimal creation options: no authenticatorSelection (userVerification "preferred"), no rp id.
fn minimal_create_request() -> CreateRequest {
    let json = format!(
        r#"{{"rp":{{"name":"BingX"}},"user":{{"id":"{}","name":"carol","displayName":"Carol"}},"challenge":"{}","pubKeyCredParams":[{{"type":"public-key","alg":-7}}]}}"#,
        base64url(b"carol-user-handle"),
        base64url(&[7u8; 32]),
    );
    let mut request = create_request_without_rp_id(json);
    request.rp_id = RP_ID.to_owned();
    request
}

fn create_request_without_rp_id(json: String) -> CreateRequest {
    let v: Json = serde_json::from_str(&json).expect("JSON");
    CreateRequest {
        rp_id: String::new(),
        challenge: b64(&v["challenge"]),
        user_id: b64(&v["user"]["id"]),
        user_name: "carol".to_owned(),
        user_display_name: "Carol".to_owned(),
        exclude_credential_ids: vec![],
        timeout_ms: None,
        request_json: json,
    }
}

#[tokio::test]
async fn minimal_options_use_the_origin_as_rp_id_and_still_verify_the_user() {
    let pm = manager();
    let d = decode(&pm.create(minimal_create_request()).await.expect("create"));
    assert_eq!(d.auth_data.rp_id_hash(), rp_id_hash(RP_ID).as_slice());
    assert_flags(&d, Flags::UP | Flags::UV, Flags::empty());

    pm.set_fault(Some(Fault::NoUserVerification));
    let d = decode(&pm.create(minimal_create_request()).await.expect("create"));
    assert_flags(&d, Flags::UP, Flags::UV);
}

#[tokio::test]
async fn wrong_origin_runs_as_a_phishing_page() {
    let rp = rp();
    let pm = manager();
    let passkey = enrolled(&rp, &pm, Uuid::new_v4()).await;
    pm.set_fault(Some(Fault::WrongOrigin));

    let reg = registration(&rp, Uuid::new_v4(), None);
    let challenge = reg.request.challenge.clone();
    let json = pm.create(reg.request).await.expect("the ceremony runs");
    let d = decode(&json);
    assert_eq!(d.client_data["origin"], PHISHING_ORIGIN);
    assert_eq!(d.client_data["challenge"], base64url(&challenge));
    assert_eq!(
        d.auth_data.rp_id_hash(),
        rp_id_hash(PHISHING_RP_ID).as_slice()
    );
    assert_ne!(d.auth_data.rp_id_hash(), rp_id_hash(RP_ID).as_slice());
    assert!(
        rp.finish_passkey_registration(&parse_reg(&json), &reg.state)
            .is_err()
    );
    assert_eq!(pm.credential_ids(RP_ID), vec![passkey.cred_id().to_vec()]);
    assert_eq!(pm.credential_ids(PHISHING_RP_ID), vec![d.raw_id]);

    // The fooled password manager offers the real site's passkey to the phishing page.
    let auth = authentication(&rp, std::slice::from_ref(&passkey));
    let json = pm.get(auth.request).await.expect("the ceremony runs");
    let a = decode(&json);
    assert_eq!(a.raw_id, passkey.cred_id().to_vec());
    assert_eq!(a.client_data["origin"], PHISHING_ORIGIN);
    assert_eq!(
        a.auth_data.rp_id_hash(),
        rp_id_hash(PHISHING_RP_ID).as_slice()
    );
    assert_flags(&a, Flags::UP | Flags::UV, Flags::empty());
    assert!(matches!(
        rp.finish_passkey_authentication(&parse_auth(&json), &auth.state),
        Err(WebauthnError::InvalidRPOrigin)
    ));
}

#[tokio::test]
async fn tamper_signature_flips_one_bit_of_the_assertion_signature() {
    let rp = rp();
    let pm = manager();
    let passkey = enrolled(&rp, &pm, Uuid::new_v4()).await;
    pm.set_fault(Some(Fault::TamperSignature));

    let auth = authentication(&rp, std::slice::from_ref(&passkey));
    let json = pm.get(auth.request).await.expect("the ceremony runs");
    let a = decode(&json);
    assert_eq!(a.client_data["origin"], ORIGIN);
    assert_flags(&a, Flags::UP | Flags::UV, Flags::empty());
    assert!(matches!(
        rp.finish_passkey_authentication(&parse_auth(&json), &auth.state),
        Err(WebauthnError::AuthenticationFailure)
    ));

    // Flipping that bit back gives a signature webauthn-rs accepts: exactly one bit was wrong.
    let mut v = a.json.clone();
    let mut signature = b64(&v["response"]["signature"]);
    if let Some(last) = signature.last_mut() {
        *last ^= 0x01;
    }
    v["response"]["signature"] = Json::String(base64url(&signature));
    let repaired = serde_json::to_string(&v).expect("json");
    rp.finish_passkey_authentication(&parse_auth(&repaired), &auth.state)
        .expect("the repaired signature verifies");
}

#[tokio::test]
async fn tamper_signature_on_create_breaks_the_public_key_consistently() {
    let rp = rp();
    let pm = manager();
    pm.set_fault(Some(Fault::TamperSignature));
    let reg = registration(&rp, Uuid::new_v4(), None);
    let json = pm.create(reg.request).await.expect("the ceremony runs");
    let d = decode(&json);
    assert_eq!(d.id, d.raw_id);
    assert_flags(&d, Flags::UP | Flags::UV | Flags::AT, Flags::empty());
    let top_level = b64(&d.json["response"]["authenticatorData"]);
    assert_eq!(top_level, d.auth_data_bytes, "both authenticatorData agree");
    let x = cose_x(
        &d.auth_data
            .attested_credential_data
            .as_ref()
            .expect("AT")
            .key,
    );
    let der = b64(&d.json["response"]["publicKey"]);
    // SPKI of a P-256 key: ... 0x04 || x || y.
    assert_eq!(der.len(), 91);
    assert_eq!(
        &der[27..59],
        x.as_slice(),
        "publicKey carries the same tampered x"
    );
    assert!(
        rp.finish_passkey_registration(&parse_reg(&json), &reg.state)
            .is_err(),
        "a key that is not on the curve is refused"
    );

    // Flipping the bit back everywhere gives a registration webauthn-rs accepts.
    let mut v = d.json.clone();
    for member in ["attestationObject", "authenticatorData", "publicKey"] {
        let mut bytes = b64(&v["response"][member]);
        let at = bytes
            .windows(x.len())
            .position(|w| w == x.as_slice())
            .expect("x present");
        bytes[at + x.len() - 1] ^= 0x01;
        v["response"][member] = Json::String(base64url(&bytes));
    }
    let repaired = serde_json::to_string(&v).expect("json");
    rp.finish_passkey_registration(&parse_reg(&repaired), &reg.state)
        .expect("the repaired key registers");
}

#[tokio::test]
async fn wrong_challenge_signs_another_challenge() {
    let rp = rp();
    let pm = manager();
    let passkey = enrolled(&rp, &pm, Uuid::new_v4()).await;
    pm.set_fault(Some(Fault::WrongChallenge));

    let reg = registration(&rp, Uuid::new_v4(), None);
    let challenge = reg.request.challenge.clone();
    let json = pm.create(reg.request).await.expect("the ceremony runs");
    let d = decode(&json);
    let signed = b64(&d.client_data["challenge"]);
    assert_ne!(signed, challenge);
    assert_eq!(signed.len(), challenge.len());
    assert_eq!(d.client_data["origin"], ORIGIN);
    assert!(matches!(
        rp.finish_passkey_registration(&parse_reg(&json), &reg.state),
        Err(WebauthnError::MismatchedChallenge)
    ));

    let auth = authentication(&rp, std::slice::from_ref(&passkey));
    let challenge = auth.request.challenge.clone();
    let json = pm.get(auth.request).await.expect("the ceremony runs");
    let a = decode(&json);
    assert_ne!(b64(&a.client_data["challenge"]), challenge);
    assert!(matches!(
        rp.finish_passkey_authentication(&parse_auth(&json), &auth.state),
        Err(WebauthnError::MismatchedChallenge)
    ));
}

#[tokio::test]
async fn mismatched_raw_id_names_another_credential_in_id() {
    let rp = rp();
    let pm = manager();
    let passkey = enrolled(&rp, &pm, Uuid::new_v4()).await;
    pm.set_fault(Some(Fault::MismatchedRawId));

    let reg = registration(&rp, Uuid::new_v4(), None);
    let d = decode(&pm.create(reg.request).await.expect("the ceremony runs"));
    assert_ne!(d.id, d.raw_id);
    assert_eq!(d.id.len(), d.raw_id.len());
    let attested = d.auth_data.attested_credential_data.as_ref().expect("AT");
    assert_eq!(
        attested.credential_id(),
        d.raw_id.as_slice(),
        "rawId is genuine"
    );
    assert!(pm.credential_ids(RP_ID).contains(&d.raw_id));

    let auth = authentication(&rp, std::slice::from_ref(&passkey));
    let a = decode(&pm.get(auth.request).await.expect("the ceremony runs"));
    assert_ne!(a.id, a.raw_id);
    assert_eq!(a.raw_id, passkey.cred_id().to_vec());
}

// ---------------------------------------------------------------------------------------------
// Counting, delay, signals, sharing.

#[tokio::test]
async fn calls_are_counted_including_failures() {
    let rp = rp();
    let pm = manager();
    assert_eq!((pm.create_calls(), pm.get_calls()), (0, 0));
    let passkey = enrolled(&rp, &pm, Uuid::new_v4()).await;
    pm.set_fault(Some(Fault::Cancel));
    let reg = registration(&rp, Uuid::new_v4(), None);
    let _ = pm.create(reg.request).await;
    let auth = authentication(&rp, std::slice::from_ref(&passkey));
    let _ = pm.get(auth.request).await;
    pm.set_fault(None);
    let auth = authentication(&rp, &[passkey]);
    pm.get(auth.request).await.expect("get");
    assert_eq!((pm.create_calls(), pm.get_calls()), (2, 2));
    let clone = pm.clone();
    assert_eq!(clone.create_calls(), 2, "clones share the counters");
}

#[tokio::test]
async fn delay_lets_a_second_tap_overlap_and_a_dropped_ceremony_leaves_nothing() {
    let rp = rp();
    let pm = Arc::new(manager());
    pm.set_delay(Duration::from_secs(1));

    // Dropped before the delay ends: counted, nothing created.
    let reg = registration(&rp, Uuid::new_v4(), None);
    let abandoned = tokio::time::timeout(Duration::from_millis(50), pm.create(reg.request)).await;
    assert!(abandoned.is_err());
    assert_eq!(pm.create_calls(), 1);
    assert!(pm.credential_ids(RP_ID).is_empty());

    // Two taps at once: both ceremonies are in flight together.
    let (a, b) = (
        registration(&rp, Uuid::new_v4(), None),
        registration(&rp, Uuid::new_v4(), None),
    );
    let (pa, pb) = (pm.clone(), pm.clone());
    let first = tokio::spawn(async move { pa.create(a.request).await });
    let second = tokio::spawn(async move { pb.create(b.request).await });
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        pm.create_calls(),
        3,
        "both started while the first still waits"
    );
    assert!(pm.credential_ids(RP_ID).is_empty());
    first.await.expect("join").expect("first create");
    second.await.expect("join").expect("second create");
    assert_eq!(pm.credential_ids(RP_ID).len(), 2);
}

#[tokio::test]
async fn signal_unknown_credential_removes_and_records() {
    let rp = rp();
    let pm = manager();
    let gone = enrolled(&rp, &pm, Uuid::new_v4()).await;
    let kept = enrolled(&rp, &pm, Uuid::new_v4()).await;

    pm.signal_unknown_credential(RP_ID.to_owned(), gone.cred_id().to_vec())
        .await
        .expect("signal");
    assert_eq!(pm.credential_ids(RP_ID), vec![kept.cred_id().to_vec()]);
    assert_eq!(pm.signalled_unknown(), vec![gone.cred_id().to_vec()]);

    let auth = authentication(&rp, &[gone]);
    assert_eq!(pm.get(auth.request).await, Err(PlatformError::NoCredential));

    // Another rp id's signal touches nothing here.
    pm.signal_unknown_credential("other.example.com".to_owned(), kept.cred_id().to_vec())
        .await
        .expect("signal");
    assert_eq!(pm.credential_ids(RP_ID), vec![kept.cred_id().to_vec()]);
}

#[tokio::test]
async fn signal_all_accepted_credentials_prunes_only_that_users_others() {
    let rp = rp();
    let pm = manager();
    let (alice, bob) = (Uuid::new_v4(), Uuid::new_v4());
    let alice_key = enrolled(&rp, &pm, alice).await;
    let bob_key = enrolled(&rp, &pm, bob).await;

    pm.signal_all_accepted_credentials(
        RP_ID.to_owned(),
        alice.as_bytes().to_vec(),
        vec![alice_key.cred_id().to_vec()],
    )
    .await
    .expect("signal");
    assert_eq!(pm.credential_ids(RP_ID).len(), 2, "alice's key is accepted");

    pm.signal_all_accepted_credentials(RP_ID.to_owned(), alice.as_bytes().to_vec(), vec![])
        .await
        .expect("signal");
    assert_eq!(pm.credential_ids(RP_ID), vec![bob_key.cred_id().to_vec()]);
    assert!(pm.signalled_unknown().is_empty());
}

#[tokio::test]
async fn the_manager_is_send_sync_and_debug_shows_no_passkey() {
    fn assert_send_sync<T: Send + Sync + Clone + 'static>() {}
    assert_send_sync::<SoftPasswordManager>();
    let pm = manager();
    let _: Arc<dyn PlatformAuthenticator> = Arc::new(pm.clone());
    let passkey = enrolled(&rp(), &pm, Uuid::new_v4()).await;
    let debug = format!("{pm:?}");
    assert!(
        debug.contains("b1d0c2a4-5f3e-4e2b-9a7c-7e57c0de0001"),
        "{debug}"
    );
    assert!(!debug.contains(&base64url(passkey.cred_id())), "{debug}");
    assert!(!debug.contains("Cose") && !debug.contains("EC2"), "{debug}");
}

// ---------------------------------------------------------------------------------------------
// Device-bound mode and cloned authenticators (BRIEF §5 #11).

/// The same authentication state (same challenge) with the relying party's stored counter of
/// every allowed credential set to `counter`, through webauthn-rs's state serialisation.
fn with_stored_counter(state: &PasskeyAuthentication, counter: u32) -> PasskeyAuthentication {
    let mut v = serde_json::to_value(state).expect("state serialises");
    for cred in v["ast"]["credentials"].as_array_mut().expect("credentials") {
        cred["counter"] = counter.into();
    }
    serde_json::from_value(v).expect("state deserialises")
}

/// What webauthn-rs stored at registration, as JSON (its `Passkey` has no getters for it).
fn stored(passkey: &Passkey) -> Json {
    serde_json::to_value(passkey).expect("passkey serialises")["cred"].clone()
}

#[tokio::test]
async fn device_bound_clears_be_bs_counts_assertions_and_verifies() {
    let rp = rp();
    let pm = manager().device_bound();

    let reg = registration(&rp, Uuid::new_v4(), None);
    let json = pm.create(reg.request).await.expect("create");
    let d = decode(&json);
    assert_flags(&d, Flags::UP | Flags::UV | Flags::AT, Flags::BE | Flags::BS);
    assert_eq!(d.auth_data.counter, Some(0), "0 at registration");
    assert_eq!(
        b64(&d.json["response"]["authenticatorData"]),
        d.auth_data_bytes,
        "the top-level authenticatorData is rewritten too"
    );
    let mut passkey = rp
        .finish_passkey_registration(&parse_reg(&json), &reg.state)
        .expect("webauthn-rs accepts the device-bound registration");
    assert_eq!(stored(&passkey)["backup_eligible"], false);
    assert_eq!(stored(&passkey)["backup_state"], false);
    assert_eq!(stored(&passkey)["counter"], 0);

    for expected in 1..=3u32 {
        let auth = authentication(&rp, std::slice::from_ref(&passkey));
        let json = pm.get(auth.request).await.expect("get");
        let a = decode(&json);
        assert_flags(&a, Flags::UP | Flags::UV, Flags::BE | Flags::BS | Flags::AT);
        assert_eq!(a.auth_data.counter, Some(expected));
        let result = rp
            .finish_passkey_authentication(&parse_auth(&json), &auth.state)
            .expect("webauthn-rs verifies the re-signed assertion");
        assert!(result.user_verified());
        assert!(!result.backup_eligible() && !result.backup_state());
        assert_eq!(result.counter(), expected);
        assert!(result.needs_update());
        assert_eq!(passkey.update_credential(&result), Some(true));
    }
    assert_eq!(stored(&passkey)["counter"], 3);

    // Usernameless sign-in with the device-bound passkey verifies too.
    let (rcr, state) = rp
        .start_discoverable_authentication()
        .expect("discoverable options");
    let request = get_request(serde_json::to_string(&rcr.public_key).expect("json"));
    let json = pm.get(request).await.expect("get");
    assert_eq!(decode(&json).auth_data.counter, Some(4));
    let result = rp
        .finish_discoverable_authentication_v2(&parse_auth(&json), state, &passkey)
        .expect("webauthn-rs verifies the usernameless assertion");
    assert_eq!(result.counter(), 4);
}

#[tokio::test]
async fn device_bound_faults_still_apply_on_top() {
    let rp = rp();
    let pm = manager().device_bound();
    let passkey = enrolled(&rp, &pm, Uuid::new_v4()).await;

    pm.set_fault(Some(Fault::TamperSignature));
    let auth = authentication(&rp, std::slice::from_ref(&passkey));
    let json = pm.get(auth.request).await.expect("the ceremony runs");
    assert_flags(&decode(&json), Flags::UP | Flags::UV, Flags::BE | Flags::BS);
    assert!(matches!(
        rp.finish_passkey_authentication(&parse_auth(&json), &auth.state),
        Err(WebauthnError::AuthenticationFailure)
    ));

    pm.set_fault(Some(Fault::NoUserVerification));
    let auth = authentication(&rp, std::slice::from_ref(&passkey));
    let json = pm.get(auth.request).await.expect("the ceremony runs");
    assert_flags(&decode(&json), Flags::UP, Flags::UV | Flags::BE | Flags::BS);
    assert!(matches!(
        rp.finish_passkey_authentication(&parse_auth(&json), &auth.state),
        Err(WebauthnError::UserNotVerified)
    ));

    pm.set_fault(Some(Fault::TamperSignature));
    let reg = registration(&rp, Uuid::new_v4(), None);
    let d = decode(&pm.create(reg.request).await.expect("the ceremony runs"));
    assert_flags(&d, Flags::UP | Flags::UV | Flags::AT, Flags::BE | Flags::BS);
    assert_eq!(
        b64(&d.json["response"]["authenticatorData"]),
        d.auth_data_bytes,
        "both authenticatorData agree"
    );
}

#[tokio::test]
async fn concurrent_device_bound_assertions_never_repeat_a_counter() {
    let rp = rp();
    let pm = manager().device_bound();
    let passkey = enrolled(&rp, &pm, Uuid::new_v4()).await;
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let auth = authentication(&rp, std::slice::from_ref(&passkey));
        let pm = pm.clone();
        tasks.push(tokio::spawn(async move { pm.get(auth.request).await }));
    }
    let mut counters = Vec::new();
    for task in tasks {
        let json = task.await.expect("join").expect("get");
        counters.push(decode(&json).auth_data.counter.expect("counter"));
    }
    counters.sort_unstable();
    assert_eq!(counters, (1..=8).collect::<Vec<u32>>());
}

#[tokio::test]
async fn rewind_counter_goes_backwards_with_a_valid_signature() {
    let rp = rp();
    let pm = manager().device_bound();
    let mut passkey = enrolled(&rp, &pm, Uuid::new_v4()).await;
    for _ in 0..3 {
        let auth = authentication(&rp, std::slice::from_ref(&passkey));
        let json = pm.get(auth.request).await.expect("get");
        let result = rp
            .finish_passkey_authentication(&parse_auth(&json), &auth.state)
            .expect("verifies");
        passkey.update_credential(&result);
    }
    assert_eq!(stored(&passkey)["counter"], 3);

    // A clone taken after the first assertion: the next counter is 3 - 2 = 1.
    pm.rewind_counter(RP_ID, 2);
    let auth = authentication(&rp, std::slice::from_ref(&passkey));
    let json = pm.get(auth.request).await.expect("get");
    let a = decode(&json);
    assert_eq!(a.auth_data.counter, Some(1));
    assert_flags(&a, Flags::UP | Flags::UV, Flags::BE | Flags::BS);
    // webauthn-rs 0.6 refuses a counter at or below the stored one (not configurable)...
    assert!(matches!(
        rp.finish_passkey_authentication(&parse_auth(&json), &auth.state),
        Err(WebauthnError::CredentialPossibleCompromise)
    ));
    // ...and only the counter is wrong: the same response (same challenge) with a stored counter
    // of 0 verifies, signature included.
    let result = rp
        .finish_passkey_authentication(&parse_auth(&json), &with_stored_counter(&auth.state, 0))
        .expect("the rewound assertion is validly signed");
    assert_eq!(result.counter(), 1);
    assert!(!result.backup_eligible());

    // The clone counts on from there: 2, then 3 (equal to the stored 3: refused too), then 4.
    for (expected, accepted) in [(2u32, false), (3, false), (4, true)] {
        let auth = authentication(&rp, std::slice::from_ref(&passkey));
        let json = pm.get(auth.request).await.expect("get");
        assert_eq!(decode(&json).auth_data.counter, Some(expected));
        let verdict = rp.finish_passkey_authentication(&parse_auth(&json), &auth.state);
        match verdict {
            Ok(result) => {
                assert!(accepted, "counter {expected} accepted");
                assert_eq!(result.counter(), expected);
            }
            Err(e) => {
                assert!(!accepted, "counter {expected} refused: {e:?}");
                assert!(matches!(e, WebauthnError::CredentialPossibleCompromise));
            }
        }
    }
}

#[tokio::test]
async fn rewind_counter_floors_at_one_and_leaves_synced_passkeys_at_zero() {
    let rp = rp();
    let pm = manager().device_bound();
    let passkey = enrolled(&rp, &pm, Uuid::new_v4()).await;
    let get_counter = |pm: SoftPasswordManager, passkey: Passkey| {
        let auth = authentication(&rp, std::slice::from_ref(&passkey));
        async move {
            let json = pm.get(auth.request).await.expect("get");
            decode(&json).auth_data.counter
        }
    };
    assert_eq!(get_counter(pm.clone(), passkey.clone()).await, Some(1));
    assert_eq!(get_counter(pm.clone(), passkey.clone()).await, Some(2));
    pm.rewind_counter(RP_ID, 0);
    assert_eq!(
        get_counter(pm.clone(), passkey.clone()).await,
        Some(2),
        "by 0 repeats the last counter"
    );
    pm.rewind_counter(RP_ID, 100);
    assert_eq!(get_counter(pm.clone(), passkey.clone()).await, Some(1));
    pm.rewind_counter("other.example.com", 1);
    assert_eq!(get_counter(pm.clone(), passkey.clone()).await, Some(2));

    // with_signature_counter (BE/BS set) rewinds the same way.
    let counting = manager().with_signature_counter(true);
    let counted = enrolled(&rp, &counting, Uuid::new_v4()).await;
    assert_eq!(
        get_counter(counting.clone(), counted.clone()).await,
        Some(1)
    );
    assert_eq!(
        get_counter(counting.clone(), counted.clone()).await,
        Some(2)
    );
    counting.rewind_counter(RP_ID, 1);
    assert_eq!(get_counter(counting.clone(), counted).await, Some(1));

    // A synced passkey has no counter to rewind: still 0, and webauthn-rs accepts 0 after 0.
    let synced = manager();
    let key = enrolled(&rp, &synced, Uuid::new_v4()).await;
    synced.rewind_counter(RP_ID, 5);
    let auth = authentication(&rp, std::slice::from_ref(&key));
    let json = synced.get(auth.request).await.expect("get");
    assert_eq!(decode(&json).auth_data.counter, Some(0));
    let result = rp
        .finish_passkey_authentication(&parse_auth(&json), &auth.state)
        .expect("counter 0 with a stored 0 is accepted");
    assert!(result.backup_eligible() && result.backup_state());
    assert_eq!(result.counter(), 0);
}

// ---------------------------------------------------------------------------------------------
// Hostile answers (BRIEF §5 #10).

/// The same authentication state (same challenge) allowing `passkey` instead.
fn allowing(state: &PasskeyAuthentication, passkey: &Passkey) -> PasskeyAuthentication {
    let mut v = serde_json::to_value(state).expect("state serialises");
    let cred = serde_json::to_value(passkey).expect("passkey serialises")["cred"].clone();
    v["ast"]["credentials"] = Json::Array(vec![cred]);
    serde_json::from_value(v).expect("state deserialises")
}

#[tokio::test]
async fn ignore_allow_list_answers_with_the_attackers_own_passkey() {
    let rp = rp();
    let (alice, mallory) = (Uuid::new_v4(), Uuid::new_v4());
    let victim_pm = manager();
    let alice_key = enrolled(&rp, &victim_pm, alice).await;
    let attacker_pm = manager();
    let mallory_key = enrolled(&rp, &attacker_pm, mallory).await;

    // Without the fault the attacker's manager has nothing to offer for Alice's login.
    let auth = authentication(&rp, std::slice::from_ref(&alice_key));
    assert_eq!(
        attacker_pm.get(auth.request).await,
        Err(PlatformError::NoCredential)
    );

    attacker_pm.set_fault(Some(Fault::IgnoreAllowList));
    let auth = authentication(&rp, std::slice::from_ref(&alice_key));
    assert_eq!(
        auth.request.allow_credential_ids,
        vec![alice_key.cred_id().to_vec()]
    );
    let json = attacker_pm
        .get(auth.request)
        .await
        .expect("the ceremony runs");
    let a = decode(&json);
    assert_eq!(a.id, a.raw_id);
    assert_eq!(a.raw_id, mallory_key.cred_id().to_vec());
    assert_eq!(b64(&a.json["response"]["userHandle"]), mallory.as_bytes());
    assert_eq!(a.client_data["origin"], ORIGIN);
    // The relying party that asked for Alice's credential refuses Mallory's...
    let refused = rp
        .finish_passkey_authentication(&parse_auth(&json), &auth.state)
        .expect_err("a credential outside allowCredentials is refused");
    assert!(
        matches!(refused, WebauthnError::CredentialNotFound),
        "{refused:?}"
    );
    // ...though the response is genuine: it verifies against Mallory's own passkey.
    rp.finish_passkey_authentication(&parse_auth(&json), &allowing(&auth.state, &mallory_key))
        .expect("validly signed by the attacker's passkey");

    // Holding the victim's passkey too, it answers with its newest passkey, allowed or not.
    attacker_pm.set_fault(None);
    let newer = enrolled(&rp, &attacker_pm, Uuid::new_v4()).await;
    attacker_pm.set_fault(Some(Fault::IgnoreAllowList));
    let auth = authentication(&rp, std::slice::from_ref(&mallory_key));
    let a = decode(&attacker_pm.get(auth.request).await.expect("get"));
    assert_eq!(a.raw_id, newer.cred_id().to_vec());

    // Create is not affected.
    let reg = registration(&rp, Uuid::new_v4(), None);
    let json = attacker_pm.create(reg.request).await.expect("create");
    rp.finish_passkey_registration(&parse_reg(&json), &reg.state)
        .expect("registers");
}

#[tokio::test]
async fn foreign_user_handle_replaces_the_unsigned_user_handle() {
    let rp = rp();
    let pm = manager();
    let (alice, bob) = (Uuid::new_v4(), Uuid::new_v4());
    let alice_key = enrolled(&rp, &pm, alice).await;
    let _bob_key = enrolled(&rp, &pm, bob).await;

    pm.set_fault(Some(Fault::ForeignUserHandle(bob.as_bytes().to_vec())));
    let auth = authentication(&rp, std::slice::from_ref(&alice_key));
    let json = pm.get(auth.request).await.expect("the ceremony runs");
    let a = decode(&json);
    assert_eq!(a.raw_id, alice_key.cred_id().to_vec(), "Alice's credential");
    assert_eq!(
        b64(&a.json["response"]["userHandle"]),
        bob.as_bytes(),
        "Bob's user handle"
    );

    // The user handle is not signed: the assertion verifies for Alice's credential.
    rp.finish_passkey_authentication(&parse_auth(&json), &auth.state)
        .expect("webauthn-rs does not look at the user handle with allowCredentials");

    // Usernameless: the user handle names Bob, the credential is Alice's.
    let (rcr, state) = rp
        .start_discoverable_authentication()
        .expect("discoverable options");
    let mut request = get_request(serde_json::to_string(&rcr.public_key).expect("json"));
    // Alice's passkey is the older one; the discoverable request would pick Bob's, so name hers.
    request.allow_credential_ids = vec![alice_key.cred_id().to_vec()];
    let mut options: Json = serde_json::from_str(&request.request_json).expect("json");
    options["allowCredentials"] =
        serde_json::json!([{"type": "public-key", "id": base64url(alice_key.cred_id())}]);
    request.request_json = options.to_string();
    let json = pm.get(request).await.expect("the ceremony runs");
    let credential = parse_auth(&json);
    let (named_user, cred_id) = rp
        .identify_discoverable_authentication(&credential)
        .expect("a user handle is present");
    assert_eq!(named_user, bob);
    assert_eq!(cred_id, alice_key.cred_id().as_slice());
    // webauthn-rs 0.6 does not compare the user handle with the credential it is given: the
    // relying party must look the credential id up under the user the handle names (and find
    // nothing there), as BRIEF §5 #10 asks.
    let result = rp
        .finish_discoverable_authentication_v2(&credential, state, &alice_key)
        .expect("webauthn-rs verifies the signature only");
    assert_eq!(result.cred_id().as_slice(), alice_key.cred_id().as_slice());

    // Empty bytes give an empty member, not an absent one.
    pm.set_fault(Some(Fault::ForeignUserHandle(Vec::new())));
    let auth = authentication(&rp, std::slice::from_ref(&alice_key));
    let a = decode(&pm.get(auth.request).await.expect("the ceremony runs"));
    assert_eq!(a.json["response"]["userHandle"], "");

    // Create is not affected.
    let reg = registration(&rp, Uuid::new_v4(), None);
    let json = pm.create(reg.request).await.expect("create");
    rp.finish_passkey_registration(&parse_reg(&json), &reg.state)
        .expect("registers");
}
