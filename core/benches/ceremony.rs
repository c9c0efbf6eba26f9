//! The core's own CPU time on one Enable and one passkey login (BRIEF §6: ≤ 50 µs each), without
//! the network and without the authenticator: what the core does between the server's answer and
//! the platform, and between the platform's answer and the next request.
//!
//! - `enable/*`: check the creation options (`prepare_create`, on webauthn-rs-shaped options of
//!   about 1 KiB); check a real Google Password Manager registration response
//!   (`check_registration`); the registration-finish body; read the finish answer (passkeys and the
//!   signed policy). A policy that requires passkeys is kept without a signature check at arrival
//!   (`policy::remember`; the keystore copy is verified at the next start), so Enable verifies
//!   nothing; `policy/verify_signed` is the cost of that later read, and of a policy that lifts
//!   the requirement.
//! - `login/*`: `prepare_get`; a real Google Password Manager assertion (`check_assertion`); the
//!   login-finish body; the signed-policy check the password step makes for a remembered account.
//! - `policy/*`: one policy question from the cached, server-signed policy (keyring-core's mock
//!   store; the core holds the verified policy in memory after the first read):
//!   `scenario_needs_passkey`, `check_login_path(H5)`; verifying a signed policy (what the first
//!   read and `policy::remember` do), and the ECDSA P-256 verification inside it on its own.
//!
//! `*/ceremony` runs one ceremony's steps back to back: the figure to hold against the budget.
//! `scripts/bench` runs these with short settings and writes docs/performance.md.

use std::hint::black_box;
use std::sync::Arc;

use async_trait::async_trait;
use bingx_passkeys_core::webauthn::{
    Expected, check_assertion, check_registration, prepare_create, prepare_get,
};
use bingx_passkeys_core::{
    Capabilities, Config, CreateRequest, GetRequest, LoginPath, PasskeysClient,
    PlatformAuthenticator, PlatformError, SecretStore,
};
use bingx_passkeys_core::{PasskeyAdded, SignedPolicy, finish_body_for_bench};
use criterion::{Criterion, criterion_group, criterion_main};
use passkey_types::encoding::{base64url, try_from_base64url};
use ring::rand::SystemRandom;
use ring::signature::{
    ECDSA_P256_SHA256_ASN1, ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair,
    UnparsedPublicKey,
};
use serde_json::{Value, json};

const RP_ID: &str = "bingx.com";
const ACCOUNT: &str = "acct-7f3c9a2e-51d4-4c8e-9b1a-2f6d8e4c0a17";

/// A real platform response and the context it was made for.
struct Sample {
    response_json: String,
    rp_id: String,
    origins: Vec<String>,
    challenge: Vec<u8>,
}

fn sample(id: &str) -> Sample {
    let all: Vec<Value> =
        serde_json::from_str(include_str!("../tests/fixtures/real-responses.json")).unwrap();
    let s = all.iter().find(|s| s["id"] == id).unwrap();
    Sample {
        response_json: s["response"].to_string(),
        rp_id: s["rp_id"].as_str().unwrap().to_owned(),
        origins: vec![s["origin"].as_str().unwrap().to_owned()],
        challenge: try_from_base64url(s["challenge_b64url"].as_str().unwrap()).unwrap(),
    }
}

impl Sample {
    fn expected(&self) -> Expected<'_> {
        Expected {
            rp_id: &self.rp_id,
            origins: &self.origins,
            challenge: &self.challenge,
        }
    }
}

/// `PublicKeyCredentialCreationOptionsJSON` as webauthn-rs sends it for a second passkey: about
/// 1 KiB.
fn creation_options() -> String {
    json!({
        "rp": {"name": "BingX", "id": RP_ID},
        "user": {
            "id": base64url(b"7f3c9a2e51d44c8e9b1a2f6d8e4c0a17"),
            "name": "alice.trader@example.com",
            "displayName": "alice.trader@example.com"
        },
        "challenge": base64url(&[0x5a; 32]),
        "pubKeyCredParams": [{"type": "public-key", "alg": -7}, {"type": "public-key", "alg": -257}],
        "timeout": 300000,
        "excludeCredentials": [
            {"type": "public-key", "id": base64url(&[0x11; 16]), "transports": ["internal", "hybrid"]},
            {"type": "public-key", "id": base64url(&[0x22; 64]), "transports": ["internal"]}
        ],
        "authenticatorSelection": {
            "authenticatorAttachment": "platform",
            "residentKey": "required",
            "requireResidentKey": true,
            "userVerification": "required"
        },
        "attestation": "none",
        "extensions": {
            "credentialProtectionPolicy": "userVerificationRequired",
            "enforceCredentialProtectionPolicy": false,
            "uvm": true,
            "credProps": true
        }
    })
    .to_string()
}

/// `PublicKeyCredentialRequestOptionsJSON` as webauthn-rs sends it for an account with two passkeys.
fn request_options() -> String {
    json!({
        "challenge": base64url(&[0x6b; 32]),
        "timeout": 300000,
        "rpId": RP_ID,
        "allowCredentials": [
            {"type": "public-key", "id": base64url(&[0x11; 16]), "transports": ["internal", "hybrid"]},
            {"type": "public-key", "id": base64url(&[0x22; 64]), "transports": ["internal"]}
        ],
        "userVerification": "required",
        "extensions": {"uvm": true}
    })
    .to_string()
}

/// The body `Api::registration_finish` sends: the checked response embedded unchanged (the
/// client's own code, not a copy).
fn registration_finish_body(credential_json: &str) -> String {
    finish_body_for_bench(
        true,
        "c7b1e0f2-9a54-4c1e-8f0d-3b6a2e9d4f71",
        credential_json,
    )
    .unwrap()
}

/// The body `Api::login_passkey` sends.
fn login_finish_body(credential_json: &str) -> String {
    finish_body_for_bench(
        false,
        "l-4e8a1c3b-7d2f-4b6e-a9c0-5f1e3d7b2a86",
        credential_json,
    )
    .unwrap()
}

/// The server's policy-signing key and a policy it signed for [`ACCOUNT`].
struct Signer {
    public_key: Vec<u8>,
    signed: SignedPolicy,
}

fn signer() -> Signer {
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).unwrap();
    let key =
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng).unwrap();
    let payload = json!({
        "account_id": ACCOUNT, "passkey_required": true, "passkey_count": 2,
        "scenarios": {"login": true, "withdrawal": true, "security_settings": false, "api_keys": false},
        "blocked_paths": ["h5_login", "third_party_login"], "version": 7, "issued_at": 1_764_000_000,
    })
    .to_string();
    let signature = key.sign(&rng, payload.as_bytes()).unwrap();
    Signer {
        public_key: key.public_key().as_ref().to_vec(),
        signed: SignedPolicy {
            payload: base64url(payload.as_bytes()),
            signature: base64url(signature.as_ref()),
        },
    }
}

/// What `policy::verify` (private to the core) does with a signed policy: decode, check the
/// ECDSA P-256 signature against the pinned key, read the policy.
/// The answer to `POST /v1/passkeys/registration/finish` with the flag turned on.
fn registration_finished_answer(signed: &SignedPolicy) -> String {
    let passkey = |id: &[u8], name: &str, created: i64| {
        json!({
            "credential_id": base64url(id), "name": name,
            "aaguid": "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4", "provider": "Google Password Manager",
            "provider_known": true, "created_at": created, "last_used_at": Value::Null,
            "backup_eligible": true, "backed_up": true, "transports": ["hybrid", "internal"],
        })
    };
    let new = passkey(&[0x33; 16], "Google Password Manager", 1_764_000_100);
    json!({
        "passkey": new,
        "passkeys": [passkey(&[0x11; 16], "Pixel 8", 1_760_000_000), new],
        "policy": {
            "account_id": ACCOUNT, "passkey_required": true, "passkey_count": 2,
            "scenarios": {"login": true, "withdrawal": true, "security_settings": false, "api_keys": false},
            "blocked_paths": ["h5_login", "third_party_login"], "version": 7,
            "issued_at": 1_764_000_000, "signed": signed,
        },
        "revoked_sessions": 3, "revoked_trusted_devices": 1,
    })
    .to_string()
}

/// The platform is never called here: the benchmarks stop at the core's edges.
struct NoPlatform;

#[async_trait]
impl PlatformAuthenticator for NoPlatform {
    async fn capabilities(&self) -> Capabilities {
        Capabilities::ready_device()
    }
    async fn create(&self, _: CreateRequest) -> Result<String, PlatformError> {
        Err(PlatformError::Cancelled)
    }
    async fn get(&self, _: GetRequest) -> Result<String, PlatformError> {
        Err(PlatformError::Cancelled)
    }
    async fn signal_unknown_credential(&self, _: String, _: Vec<u8>) -> Result<(), PlatformError> {
        Ok(())
    }
    async fn signal_all_accepted_credentials(
        &self,
        _: String,
        _: Vec<u8>,
        _: Vec<Vec<u8>>,
    ) -> Result<(), PlatformError> {
        Ok(())
    }

    async fn signal_current_user_details(
        &self,
        _: String,
        _: Vec<u8>,
        _: String,
        _: String,
    ) -> Result<(), PlatformError> {
        Ok(())
    }
}

/// A client whose keystore remembers [`ACCOUNT`], flagged, with its signed policy cached.
fn client_with_cached_policy(signer: &Signer) -> PasskeysClient {
    let config = Config::new("https://api.bingx.com/passkeys/", RP_ID)
        .unwrap()
        .with_policy_key(signer.public_key.clone())
        .unwrap();
    let store = SecretStore::in_memory().unwrap();
    store.set_account(ACCOUNT).unwrap();
    store.set_flagged(ACCOUNT, true).unwrap();
    store
        .set_policy(ACCOUNT, &serde_json::to_string(&signer.signed).unwrap())
        .unwrap();
    PasskeysClient::new(config, store, Arc::new(NoPlatform)).unwrap()
}

fn enable(c: &mut Criterion) {
    let options = creation_options();
    let registration = sample("android-gpm-yuana-reg");
    let signer = signer();
    let answer = registration_finished_answer(&signer.signed);
    let client = client_with_cached_policy(&signer);
    assert!(
        client
            .scenarios()
            .needs_passkey(&bingx_passkeys_core::Scenario::Withdrawal)
    );

    let mut g = c.benchmark_group("enable");
    g.bench_function("prepare_create", |b| {
        b.iter(|| prepare_create(black_box(&options), RP_ID).unwrap())
    });
    g.bench_function("check_registration", |b| {
        b.iter(|| {
            check_registration(
                black_box(&registration.response_json),
                &registration.expected(),
            )
            .unwrap()
        })
    });
    g.bench_function("finish_body", |b| {
        b.iter(|| registration_finish_body(black_box(&registration.response_json)))
    });
    g.bench_function("finish_answer", |b| {
        b.iter(|| serde_json::from_str::<PasskeyAdded>(black_box(&answer)).unwrap())
    });
    g.bench_function("ceremony", |b| {
        b.iter(|| {
            let request = prepare_create(black_box(&options), RP_ID).unwrap();
            let checked =
                check_registration(&registration.response_json, &registration.expected()).unwrap();
            let body = registration_finish_body(&registration.response_json);
            let finished: PasskeyAdded = serde_json::from_str(&answer).unwrap();
            (request, checked, body, finished)
        })
    });
    g.finish();
}

fn login(c: &mut Criterion) {
    let options = request_options();
    let assertion = sample("android-gpm-yuana-auth");
    let signer = signer();
    let client = client_with_cached_policy(&signer);
    // The fixture's credential, as if the server had allowed exactly it.
    let checked = check_assertion(&assertion.response_json, &assertion.expected(), &[]).unwrap();
    let allowed = vec![checked.credential_id];

    let mut g = c.benchmark_group("login");
    g.bench_function("prepare_get", |b| {
        b.iter(|| prepare_get(black_box(&options), RP_ID).unwrap())
    });
    g.bench_function("check_assertion", |b| {
        b.iter(|| {
            check_assertion(
                black_box(&assertion.response_json),
                &assertion.expected(),
                &allowed,
            )
            .unwrap()
        })
    });
    g.bench_function("finish_body", |b| {
        b.iter(|| login_finish_body(black_box(&assertion.response_json)))
    });
    g.bench_function("ceremony", |b| {
        b.iter(|| {
            let flagged = client
                .scenarios()
                .needs_passkey(&bingx_passkeys_core::Scenario::Login);
            let request = prepare_get(black_box(&options), RP_ID).unwrap();
            let checked =
                check_assertion(&assertion.response_json, &assertion.expected(), &allowed).unwrap();
            let body = login_finish_body(&assertion.response_json);
            (flagged, request, checked, body)
        })
    });
    g.finish();
}

fn policy(c: &mut Criterion) {
    let signer = signer();
    let client = client_with_cached_policy(&signer);
    assert!(client.sign_in().check_path(LoginPath::H5).is_err());
    let payload = try_from_base64url(&signer.signed.payload).unwrap();
    let signature = try_from_base64url(&signer.signed.signature).unwrap();

    let mut g = c.benchmark_group("policy");
    g.bench_function("scenario_needs_passkey", |b| {
        b.iter(|| {
            client
                .scenarios()
                .needs_passkey(black_box(&bingx_passkeys_core::Scenario::Withdrawal))
        })
    });
    g.bench_function("check_login_path_h5", |b| {
        b.iter(|| {
            client
                .sign_in()
                .check_path(black_box(LoginPath::H5))
                .is_err()
        })
    });
    // The keystore copy as the client stores it, read and checked by the core's own function.
    let stored = serde_json::to_string(&signer.signed).unwrap();
    g.bench_function("verify_signed", |b| {
        b.iter(|| {
            bingx_passkeys_core::read_stored_policy(black_box(&stored), &signer.public_key).unwrap()
        })
    });
    g.bench_function("p256_verify", |b| {
        b.iter(|| {
            UnparsedPublicKey::new(&ECDSA_P256_SHA256_ASN1, &signer.public_key)
                .verify(black_box(&payload), &signature)
                .unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, enable, login, policy);
criterion_main!(benches);
