//! Seed inputs for each target, built from the real responses of the fixtures and from the shapes
//! the server contract (`docs/openapi.yaml`) and WebAuthn Level 3 give. Each function returns
//! whole fuzz inputs in its target's format.

use passkey_types::encoding::base64url;
use serde_json::{Value, json};

use crate::{RP_ID, samples, selector};

/// Realistic `PublicKeyCredentialCreationOptionsJSON` for [`RP_ID`], and a few the core refuses.
pub fn creation_option_values() -> Vec<Value> {
    let full = json!({
        "rp": {"id": RP_ID, "name": "BingX"},
        "user": {"id": base64url(&[0x42; 16]), "name": "alice@bingx.test", "displayName": "Alice"},
        "challenge": base64url(&[7; 32]),
        "pubKeyCredParams": [{"type": "public-key", "alg": -7}, {"type": "public-key", "alg": -257}],
        "timeout": 300_000,
        "excludeCredentials": [
            {"type": "public-key", "id": base64url(&[1; 16]), "transports": ["internal", "hybrid"]},
        ],
        "authenticatorSelection": {
            "residentKey": "required", "requireResidentKey": true, "userVerification": "required",
            "authenticatorAttachment": "platform",
        },
        "attestation": "none",
        "hints": ["client-device"],
        "extensions": {
            "credentialProtectionPolicy": "userVerificationRequired",
            "enforceCredentialProtectionPolicy": false, "credProps": true, "uvm": true,
        },
    });
    let mut minimal = json!({
        "rp": {"id": RP_ID, "name": "BingX"},
        "user": {"id": base64url(&[9; 64]), "name": "bob", "displayName": ""},
        "challenge": base64url(&[3; 16]),
        "pubKeyCredParams": [{"type": "public-key", "alg": -7}],
        "authenticatorSelection": {"userVerification": "required"},
    });
    let mut prf = full.clone();
    prf["extensions"] = json!({
        "prf": {"eval": {"first": base64url(&[5; 32])}},
        "largeBlob": {"support": "preferred"},
    });
    prf["attestation"] = "direct".into();
    prf["attestationFormats"] = json!(["packed", "tpm"]);
    let mut preferred = full.clone();
    preferred["authenticatorSelection"]["userVerification"] = "preferred".into();
    let mut foreign = full.clone();
    foreign["rp"]["id"] = "bingx-login.example.net".into();
    let mut rs256 = full.clone();
    rs256["pubKeyCredParams"] =
        json!([{"type": "public-key", "alg": -257}, {"type": "public-key", "alg": -8}]);
    minimal["excludeCredentials"] = json!([]);
    vec![full, minimal, prf, preferred, foreign, rs256]
}

/// Realistic `PublicKeyCredentialRequestOptionsJSON` for [`RP_ID`], and a few the core refuses.
pub fn request_option_values() -> Vec<Value> {
    let allow = json!({
        "challenge": base64url(&[9; 32]),
        "timeout": 300_000,
        "rpId": RP_ID,
        "allowCredentials": [
            {"type": "public-key", "id": base64url(&[4; 16]), "transports": ["internal"]},
            {"type": "public-key", "id": base64url(&[5; 20])},
        ],
        "userVerification": "required",
        "hints": ["client-device", "hybrid"],
        "extensions": {"uvm": true},
    });
    let discoverable = json!({
        "challenge": base64url(&[1; 16]), "rpId": RP_ID, "userVerification": "required",
        "allowCredentials": [],
    });
    let mut preferred = allow.clone();
    preferred["userVerification"] = "preferred".into();
    let mut short = discoverable.clone();
    short["challenge"] = base64url(&[1; 15]).into();
    vec![allow, discoverable, preferred, short]
}

/// Seeds for `create_options`.
pub fn creation_options() -> Vec<Vec<u8>> {
    creation_option_values()
        .iter()
        .map(|v| v.to_string().into_bytes())
        .collect()
}

/// Seeds for `request_options`.
pub fn request_options() -> Vec<Vec<u8>> {
    request_option_values()
        .iter()
        .map(|v| v.to_string().into_bytes())
        .collect()
}

/// Seeds for `registration_response` (`registration`) or `assertion_response`: the selector of a
/// sample of that kind, then its response JSON.
pub fn responses(registration: bool) -> Vec<Vec<u8>> {
    samples()
        .iter()
        .enumerate()
        .filter(|(_, s)| s.registration == registration)
        .map(|(i, s)| prefixed(&[selector(i)], s.response.to_string().as_bytes()))
        .collect()
}

/// Seeds for `client_data`: a sample's selector, then its clientDataJSON bytes (as recorded, and
/// with `crossOrigin` false).
pub fn client_data() -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    for (i, s) in samples().iter().enumerate() {
        let recorded = s.member("clientDataJSON");
        if let Ok(mut parsed) = serde_json::from_slice::<Value>(&recorded) {
            parsed["crossOrigin"] = false.into();
            seeds.push(prefixed(&[selector(i)], parsed.to_string().as_bytes()));
        }
        seeds.push(prefixed(&[selector(i)], &recorded));
    }
    seeds
}

/// Seeds for `authenticator_data`: a sample's selector, then its attestationObject (registration)
/// or authenticatorData (assertion) bytes.
pub fn authenticator_data() -> Vec<Vec<u8>> {
    samples()
        .iter()
        .enumerate()
        .map(|(i, s)| prefixed(&[selector(i)], &s.member(s.auth_data_member())))
        .collect()
}

/// One passkey as the Passkeys page lists it.
fn passkey(id: u8) -> Value {
    json!({
        "credential_id": base64url(&[id; 16]), "name": "Google Password Manager",
        "aaguid": "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4", "provider": "Google Password Manager",
        "provider_known": true, "created_at": 1_760_000_000, "last_used_at": null,
        "backup_eligible": true, "backed_up": true, "transports": ["internal", "hybrid"],
    })
}

/// A policy as the server sends it.
pub fn policy(required: bool) -> Value {
    json!({
        "account_id": "acc_7f3a", "passkey_required": required, "passkey_count": 1,
        "scenarios": {"login": true, "withdrawal": required, "security_settings": true, "api_keys": false},
        "blocked_paths": if required { json!(["h5_login", "third_party_login"]) } else { json!([]) },
        "version": 3, "issued_at": 1_760_000_000,
    })
}

/// Seeds for `server_answer`: the answer family, the HTTP status (big-endian), then the body.
pub fn server_answers() -> Vec<Vec<u8>> {
    let creation = creation_option_values().swap_remove(0);
    let request = request_option_values().swap_remove(0);
    let mut signed_policy = policy(true);
    signed_policy["signed"] = json!({"payload": base64url(policy(true).to_string().as_bytes()), "signature": base64url(&[0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01])});
    let ok: Vec<(u8, Value)> = vec![
        (
            0,
            json!({"status": "code_required", "login_id": "l_1", "factors": ["email", "sms", "totp"]}),
        ),
        (
            0,
            json!({"status": "signed_in", "session_token": "s_1", "account_id": "acc_7f3a", "trust_token": "t_1"}),
        ),
        (
            0,
            json!({"status": "passkey_required", "login_id": "l_2", "options": request}),
        ),
        (
            1,
            json!({"ceremony_id": "c_1", "options": request, "expires_in_secs": 300}),
        ),
        (
            2,
            json!({"ceremony_id": "c_2", "options": creation, "expires_in_secs": 300}),
        ),
        (3, json!({"proof": "p_1", "expires_in_secs": 300})),
        (4, json!({"passkeys": [passkey(1), passkey(2)]})),
        (
            5,
            json!({"passkeys": [passkey(1)], "policy": signed_policy}),
        ),
        (6, signed_policy.clone()),
        (
            7,
            json!({"events": [{"kind": "flag_on", "at": 1_760_000_000, "detail": "Passkeys are now required."}, {"kind": "new_kind", "at": 0}]}),
        ),
        (
            8,
            json!({"alg": "ES256", "public_key": base64url(&[4; 65])}),
        ),
        (9, json!({"step_up_id": "su_1", "factors": ["email"]})),
        (10, json!({"step_up_token": "sut_1"})),
        (
            11,
            json!({"passkey": passkey(1), "passkeys": [passkey(1)], "policy": signed_policy, "revoked_sessions": 2, "revoked_trusted_devices": 1}),
        ),
    ];
    let mut seeds: Vec<Vec<u8>> = ok
        .into_iter()
        .map(|(kind, body)| answer(kind, 200, body.to_string().as_bytes()))
        .collect();
    seeds.push(answer(12, 204, b""));
    let refusal = |code: &str| {
        json!({"error": {"code": code, "message": "Verify it's you first."}}).to_string()
    };
    for (status, code) in [
        (400, "BAD_REQUEST"),
        (401, "UNAUTHENTICATED"),
        (403, "PASSKEY_VERIFICATION_REQUIRED"),
        (403, "H5_LOGIN_BLOCKED"),
        (409, "LAST_PASSKEY"),
        (410, "CEREMONY_EXPIRED"),
        (429, "SOMETHING_NEW"),
        (503, "SERVER_BUSY"),
    ] {
        seeds.push(answer(0, status, refusal(code).as_bytes()));
    }
    seeds.push(answer(1, 502, b"<html><body>Bad gateway</body></html>"));
    seeds
}

fn answer(kind: u8, status: u16, body: &[u8]) -> Vec<u8> {
    let [hi, lo] = status.to_be_bytes();
    prefixed(&[kind, hi, lo], body)
}

/// Seeds for `signed_policy`: mode byte, then its data (see the target).
pub fn signed_policy() -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    for required in [true, false] {
        let payload = policy(required).to_string();
        // Mode 0: a whole keystore blob (its signature is not the pinned key's).
        let blob = json!({
            "payload": base64url(payload.as_bytes()),
            "signature": base64url(&[0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00]),
        });
        seeds.push(prefixed(&[0], blob.to_string().as_bytes()));
        // Mode 1: a payload the target signs with the pinned key.
        seeds.push(prefixed(&[1], payload.as_bytes()));
    }
    // Mode 2: a signature over a real payload: zero r and s (CVE-2022-21449), a DER-shaped one.
    seeds.push(prefixed(
        &[2],
        &[0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00],
    ));
    let mut der = vec![0x30, 0x44, 0x02, 0x20];
    der.extend_from_slice(&[0x11; 32]);
    der.extend_from_slice(&[0x02, 0x20]);
    der.extend_from_slice(&[0x22; 32]);
    seeds.push(prefixed(&[2], &der));
    seeds
}

/// Seeds for `server_request` from the real responses: each as the credential of the finish
/// routes, made for the testkit's origin with the challenge left to the target to fill in.
pub fn server_requests_from_fixtures() -> Vec<Vec<u8>> {
    use bingx_passkeys_testkit::server::fuzzing::{CEREMONY, CHALLENGE, Target};
    let origin = format!("https://{RP_ID}");
    let mut seeds = Vec::new();
    for s in samples() {
        let mut credential = s.response.clone();
        if let Ok(mut client_data) = serde_json::from_slice::<Value>(&s.member("clientDataJSON")) {
            client_data["origin"] = origin.as_str().into();
            client_data["challenge"] = CHALLENGE.into();
            credential["response"]["clientDataJSON"] =
                base64url(client_data.to_string().as_bytes()).into();
        }
        let routes: &[(&str, &str)] = if s.registration {
            &[("post", "/v1/passkeys/registration/finish")]
        } else {
            &[
                ("post", "/v1/login/discoverable/finish"),
                ("post", "/v1/passkeys/verify/finish"),
                ("post", "/v1/login/passkey"),
            ]
        };
        for (method, path) in routes {
            let id_member = if *path == "/v1/login/passkey" {
                "login_id"
            } else {
                "ceremony_id"
            };
            let body = json!({ id_member: CEREMONY, "credential": credential, "enable": false });
            for flagged in [false, true] {
                if let Some(byte) = Target::route_byte(method, path, flagged) {
                    seeds.push(prefixed(&[byte], body.to_string().as_bytes()));
                }
            }
        }
    }
    seeds
}

fn prefixed(prefix: &[u8], rest: &[u8]) -> Vec<u8> {
    let mut input = prefix.to_vec();
    input.extend_from_slice(rest);
    input
}
