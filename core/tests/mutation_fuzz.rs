//! BRIEF §5 #18 (and #15): every parser of outside input — options JSON, platform response JSON,
//! base64url, clientDataJSON, CBOR attestation objects and authenticator data — survives hostile
//! input. Seeded mutations of real platform output (and of realistic options) run through the
//! core's checks: each must return (accept or a typed error) without panicking. Deterministic, so a
//! failure reproduces; a coverage-guided fuzzer (cargo fuzz) can reuse the same entry points.

use bingx_passkeys_core::webauthn::{
    Expected, check_assertion, check_registration, prepare_create, prepare_get,
};
use passkey_types::encoding::{base64url, try_from_base64url};
use serde_json::Value;

/// xorshift64*: small, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate_bytes(rng: &mut Rng, mut bytes: Vec<u8>) -> Vec<u8> {
    for _ in 0..=rng.below(4) {
        let len = bytes.len();
        match rng.below(6) {
            0 if len > 0 => {
                let i = rng.below(len);
                bytes[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => bytes.truncate(rng.below(len)),
            2 => {
                let i = rng.below(len + 1);
                bytes.insert(i, rng.next() as u8);
            }
            3 if len > 0 => {
                let i = rng.below(len);
                bytes[i] = [0x00, 0xff, 0x9f, 0xbf, 0x5b, 0x7b][rng.below(6)];
            }
            4 if len > 1 => {
                let i = rng.below(len);
                let j = rng.below(len);
                bytes.swap(i, j);
            }
            _ => {
                let i = rng.below(len + 1);
                let run = vec![rng.next() as u8; rng.below(64)];
                bytes.splice(i..i, run);
            }
        }
    }
    bytes
}

/// Mutate one base64url member in place (decoded, mutated, re-encoded), or the JSON text around it.
fn mutate_json(rng: &mut Rng, value: &Value, members: &[&[&str]]) -> String {
    let mut value = value.clone();
    if rng.below(4) == 0 {
        let text = value.to_string().into_bytes();
        return String::from_utf8_lossy(&mutate_bytes(rng, text)).into_owned();
    }
    let path = members[rng.below(members.len())];
    let mut slot = &mut value;
    for key in path {
        slot = &mut slot[*key];
    }
    if let Some(encoded) = slot.as_str() {
        let bytes = try_from_base64url(encoded).unwrap_or_default();
        *slot = base64url(&mutate_bytes(rng, bytes)).into();
    } else {
        *slot = Value::from(rng.next() as i64);
    }
    value.to_string()
}

fn fixtures() -> Vec<Value> {
    serde_json::from_str(include_str!("fixtures/real-responses.json")).expect("fixture JSON")
}

#[test]
fn mutated_real_responses_never_panic() {
    let mut rng = Rng(0x005e_ed0f_b11d_c0de);
    let members: &[&[&str]] = &[
        &["id"],
        &["rawId"],
        &["response", "clientDataJSON"],
        &["response", "attestationObject"],
        &["response", "authenticatorData"],
        &["response", "signature"],
        &["response", "userHandle"],
        &["type"],
    ];
    let mut refused = 0usize;
    let mut runs = 0usize;
    for sample in fixtures() {
        let origins = [sample["origin"].as_str().unwrap().to_owned()];
        let challenge = try_from_base64url(sample["challenge_b64url"].as_str().unwrap()).unwrap();
        let expected = Expected {
            rp_id: sample["rp_id"].as_str().unwrap(),
            origins: &origins,
            challenge: &challenge,
        };
        for _ in 0..1500 {
            let json = mutate_json(&mut rng, &sample["response"], members);
            let result = if sample["kind"] == "registration" {
                check_registration(&json, &expected).map(|_| ())
            } else {
                check_assertion(&json, &expected, &[]).map(|_| ())
            };
            refused += usize::from(result.is_err());
            runs += 1;
        }
    }
    // Most mutations break something the core checks; the rest (e.g. a flipped signature bit,
    // which only the server can judge) pass through typed and unchanged.
    assert!(refused * 2 > runs, "{refused} of {runs} refused");
}

#[test]
fn mutated_options_never_panic_and_never_loosen_the_checks() {
    let mut rng = Rng(0x0b71_05ee);
    let creation: Value = serde_json::json!({
        "rp": {"id": "passkeys.bingx.test", "name": "BingX"},
        "user": {"id": base64url(b"0d3887a9-a0bc-463b"), "name": "alice@bingx.test", "displayName": "Alice"},
        "challenge": base64url(&[7u8; 32]),
        "pubKeyCredParams": [{"type": "public-key", "alg": -7}, {"type": "public-key", "alg": -257}],
        "timeout": 300000,
        "excludeCredentials": [{"type": "public-key", "id": base64url(&[1u8; 16]), "transports": ["internal", "hybrid"]}],
        "authenticatorSelection": {"residentKey": "required", "requireResidentKey": true, "userVerification": "required"},
        "attestation": "none",
        "extensions": {"credentialProtectionPolicy": "userVerificationRequired", "credProps": true, "uvm": true}
    });
    let request: Value = serde_json::json!({
        "challenge": base64url(&[9u8; 32]),
        "timeout": 300000,
        "rpId": "passkeys.bingx.test",
        "allowCredentials": [{"type": "public-key", "id": base64url(&[1u8; 16])}],
        "userVerification": "required"
    });
    let create_members: &[&[&str]] =
        &[&["challenge"], &["user", "id"], &["rp", "id"], &["timeout"]];
    let get_members: &[&[&str]] = &[
        &["challenge"],
        &["rpId"],
        &["userVerification"],
        &["timeout"],
    ];
    for _ in 0..4000 {
        let json = mutate_json(&mut rng, &creation, create_members);
        if let Ok(shaped) = prepare_create(&json, "passkeys.bingx.test") {
            // Whatever got through still meets every rule of BRIEF §5 #12.
            assert!(shaped.challenge.len() >= 16);
            assert_eq!(shaped.rp_id, "passkeys.bingx.test");
            assert!(
                shaped
                    .request_json
                    .contains("\"userVerification\":\"required\"")
            );
        }
        let json = mutate_json(&mut rng, &request, get_members);
        if let Ok(shaped) = prepare_get(&json, "passkeys.bingx.test") {
            assert!(shaped.challenge.len() >= 16);
            assert!(
                shaped
                    .request_json
                    .contains("\"userVerification\":\"required\"")
            );
        }
    }
}

#[test]
fn random_bytes_never_panic_any_parser() {
    let mut rng = Rng(0xdead_beef_cafe);
    let expected = Expected {
        rp_id: "passkeys.bingx.test",
        origins: &["https://passkeys.bingx.test".to_owned()],
        challenge: &[0u8; 32],
    };
    for _ in 0..3000 {
        let len = rng.below(600);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        let text = String::from_utf8_lossy(&bytes);
        assert!(prepare_create(&text, "passkeys.bingx.test").is_err());
        assert!(prepare_get(&text, "passkeys.bingx.test").is_err());
        // Random CBOR-ish bytes inside an otherwise well-formed response.
        let response = serde_json::json!({
            "id": "AAAA", "rawId": "AAAA", "type": "public-key",
            "response": {
                "clientDataJSON": base64url(&bytes),
                "attestationObject": base64url(&bytes),
                "authenticatorData": base64url(&bytes),
                "signature": base64url(&bytes)
            }
        })
        .to_string();
        assert!(check_registration(&response, &expected).is_err());
        assert!(check_assertion(&response, &expected, &[]).is_err());
    }
}
