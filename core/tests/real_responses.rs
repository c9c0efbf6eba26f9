//! Real platform output (Google Password Manager, iCloud Keychain, 1Password, Windows Hello) is
//! accepted by the core's response checks with its recorded context, and refused as soon as the
//! challenge, origin, rp id or ceremony type no longer match (BRIEF §5 #13).

use bingx_passkeys_core::webauthn::{Expected, ResponseError, check_assertion, check_registration};
use passkey_types::encoding::{base64url, try_from_base64url};
use serde_json::Value;

struct Sample {
    id: String,
    kind: String,
    rp_id: String,
    origin: String,
    challenge: Vec<u8>,
    response: Value,
}

fn samples() -> Vec<Sample> {
    let raw: Vec<Value> =
        serde_json::from_str(include_str!("fixtures/real-responses.json")).expect("fixture JSON");
    raw.into_iter()
        .map(|s| Sample {
            id: s["id"].as_str().unwrap().to_owned(),
            kind: s["kind"].as_str().unwrap().to_owned(),
            rp_id: s["rp_id"].as_str().unwrap().to_owned(),
            origin: s["origin"].as_str().unwrap().to_owned(),
            challenge: try_from_base64url(s["challenge_b64url"].as_str().unwrap()).unwrap(),
            response: s["response"].clone(),
        })
        .collect()
}

fn check(
    sample: &Sample,
    response: &Value,
    rp_id: &str,
    origin: &str,
    challenge: &[u8],
) -> Result<(), ResponseError> {
    let origins = [origin.to_owned()];
    let expected = Expected {
        rp_id,
        origins: &origins,
        challenge,
    };
    let json = response.to_string();
    match sample.kind.as_str() {
        "registration" => check_registration(&json, &expected).map(|_| ()),
        _ => check_assertion(&json, &expected, &[]).map(|_| ()),
    }
}

fn with_client_data(response: &Value, edit: impl Fn(&mut Value)) -> Value {
    let mut response = response.clone();
    let encoded = response["response"]["clientDataJSON"].as_str().unwrap();
    let mut client_data: Value =
        serde_json::from_slice(&try_from_base64url(encoded).unwrap()).unwrap();
    edit(&mut client_data);
    response["response"]["clientDataJSON"] = base64url(client_data.to_string().as_bytes()).into();
    response
}

#[test]
fn every_real_response_is_accepted_in_its_own_context() {
    let samples = samples();
    assert_eq!(
        samples.len(),
        10,
        "the fixture file holds ten real responses"
    );
    for s in &samples {
        check(s, &s.response, &s.rp_id, &s.origin, &s.challenge)
            .unwrap_or_else(|e| panic!("{} refused: {e}", s.id));
    }
}

#[test]
fn a_changed_challenge_is_refused() {
    for s in &samples() {
        let mut other = s.challenge.clone();
        other[0] ^= 1;
        assert_eq!(
            check(s, &s.response, &s.rp_id, &s.origin, &other),
            Err(ResponseError::ChallengeMismatch),
            "{}",
            s.id
        );
        // The same bytes written with padding inside clientDataJSON are not the same challenge string.
        let padded = with_client_data(&s.response, |cd| {
            let c = cd["challenge"].as_str().unwrap().to_owned();
            cd["challenge"] = format!("{c}=").into();
        });
        assert_eq!(
            check(s, &padded, &s.rp_id, &s.origin, &s.challenge),
            Err(ResponseError::ChallengeMismatch),
            "{}",
            s.id
        );
    }
}

#[test]
fn a_changed_origin_is_refused() {
    for s in &samples() {
        assert!(
            matches!(
                check(
                    s,
                    &s.response,
                    &s.rp_id,
                    "https://bingx-login.example.net",
                    &s.challenge
                ),
                Err(ResponseError::OriginMismatch(_))
            ),
            "{}",
            s.id
        );
        let phished = with_client_data(&s.response, |cd| {
            cd["origin"] = "https://bingx-login.example.net".into()
        });
        assert!(
            matches!(
                check(s, &phished, &s.rp_id, &s.origin, &s.challenge),
                Err(ResponseError::OriginMismatch(_))
            ),
            "{}",
            s.id
        );
    }
}

#[test]
fn a_changed_rp_id_is_refused() {
    for s in &samples() {
        assert_eq!(
            check(s, &s.response, "bingx.com", &s.origin, &s.challenge),
            Err(ResponseError::RpIdHashMismatch),
            "{}",
            s.id
        );
    }
}

#[test]
fn a_changed_ceremony_type_is_refused() {
    for s in &samples() {
        let swapped = with_client_data(&s.response, |cd| {
            let ty = if cd["type"] == "webauthn.create" {
                "webauthn.get"
            } else {
                "webauthn.create"
            };
            cd["type"] = ty.into();
        });
        assert_eq!(
            check(s, &swapped, &s.rp_id, &s.origin, &s.challenge),
            Err(ResponseError::WrongCeremonyType),
            "{}",
            s.id
        );
        let mut wrong_type = s.response.clone();
        wrong_type["type"] = "password".into();
        assert_eq!(
            check(s, &wrong_type, &s.rp_id, &s.origin, &s.challenge),
            Err(ResponseError::WrongCredentialType),
            "{}",
            s.id
        );
    }
}

#[test]
fn id_and_raw_id_must_match() {
    for s in &samples() {
        let mut forged = s.response.clone();
        forged["id"] = base64url(b"another-credential").into();
        assert_eq!(
            check(s, &forged, &s.rp_id, &s.origin, &s.challenge),
            Err(ResponseError::IdMismatch),
            "{}",
            s.id
        );
    }
}

/// The response with the flags byte of its authenticatorData changed by `edit` (for a
/// registration the authData inside the attestationObject, which is what the core reads).
fn with_flags(sample: &Sample, edit: impl Fn(u8) -> u8) -> Value {
    let mut response = sample.response.clone();
    let edit_auth_data = |auth_data: &mut Vec<u8>| auth_data[32] = edit(auth_data[32]);
    if sample.kind == "registration" {
        let encoded = response["response"]["attestationObject"].as_str().unwrap();
        let bytes = try_from_base64url(encoded).unwrap();
        let mut value: ciborium::Value = ciborium::de::from_reader(bytes.as_slice()).unwrap();
        for (k, v) in value.as_map_mut().unwrap() {
            if k.as_text() == Some("authData") {
                let ciborium::Value::Bytes(auth_data) = v else {
                    panic!("authData is not a byte string")
                };
                edit_auth_data(auth_data);
            }
        }
        let mut out = Vec::new();
        ciborium::ser::into_writer(&value, &mut out).unwrap();
        response["response"]["attestationObject"] = base64url(&out).into();
    } else {
        let encoded = response["response"]["authenticatorData"].as_str().unwrap();
        let mut auth_data = try_from_base64url(encoded).unwrap();
        edit_auth_data(&mut auth_data);
        response["response"]["authenticatorData"] = base64url(&auth_data).into();
    }
    response
}

#[test]
fn reserved_flag_bits_are_ignored() {
    // WebAuthn L3 §6.1: bits 1 (RFU1) and 5 (RFU2) of the flags are reserved for future use and
    // must be ignored by a relying party, not treated as malformed.
    for s in &samples() {
        for rfu in [0x20u8, 0x02, 0x22] {
            let flagged = with_flags(s, |f| f | rfu);
            check(s, &flagged, &s.rp_id, &s.origin, &s.challenge)
                .unwrap_or_else(|e| panic!("{} with flag bits {rfu:#04x} refused: {e}", s.id));
        }
        if s.kind == "registration" {
            // The attested credential data is still read: its id must still match the response's.
            let origins = [s.origin.clone()];
            let expected = Expected {
                rp_id: &s.rp_id,
                origins: &origins,
                challenge: &s.challenge,
            };
            let checked =
                check_registration(&with_flags(s, |f| f | 0x22).to_string(), &expected).unwrap();
            assert_eq!(
                base64url(&checked.credential_id),
                s.response["rawId"].as_str().unwrap(),
                "{}",
                s.id
            );
        }
        // Reserved bits never stand in for the ones that are required.
        for missing in [0x01u8, 0x04] {
            let weakened = with_flags(s, |f| (f | 0x22) & !missing);
            assert_eq!(
                check(s, &weakened, &s.rp_id, &s.origin, &s.challenge),
                Err(ResponseError::UserNotVerified),
                "{}",
                s.id
            );
        }
    }
}

#[test]
fn cross_origin_client_data_is_refused() {
    // An app's ceremony is never made inside another site's frame.
    for s in &samples() {
        let cross = with_client_data(&s.response, |cd| cd["crossOrigin"] = true.into());
        assert_eq!(
            check(s, &cross, &s.rp_id, &s.origin, &s.challenge),
            Err(ResponseError::CrossOrigin),
            "{}",
            s.id
        );
        let framed = with_client_data(&s.response, |cd| {
            cd["topOrigin"] = "https://bingx-login.example.net".into()
        });
        assert_eq!(
            check(s, &framed, &s.rp_id, &s.origin, &s.challenge),
            Err(ResponseError::CrossOrigin),
            "{}",
            s.id
        );
        let same_origin = with_client_data(&s.response, |cd| cd["crossOrigin"] = false.into());
        check(s, &same_origin, &s.rp_id, &s.origin, &s.challenge)
            .unwrap_or_else(|e| panic!("{} with crossOrigin false refused: {e}", s.id));
    }
}
