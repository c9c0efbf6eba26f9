//! Request (assertion) options from the server (`webauthn::prepare_get`, BRIEF §5 #12, #18):
//! never a panic; and the re-serialized options handed to the platform pass the same checks again
//! and name the same request.
#![no_main]

use bingx_passkeys_core::webauthn::{MIN_CHALLENGE_BYTES, prepare_get};
use bingx_passkeys_fuzz::{RP_ID, seeds, write_seeds};
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: write_seeds(seeds::request_options), |data: &[u8]| {
    let Ok(json) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(request) = prepare_get(json, RP_ID) else {
        return;
    };
    assert!(request.challenge.len() >= MIN_CHALLENGE_BYTES);
    let again = prepare_get(&request.request_json, RP_ID)
        .expect("the options handed to the platform pass the checks again");
    assert_eq!(again.challenge, request.challenge);
    assert_eq!(again.allow_credential_ids, request.allow_credential_ids);
    assert_eq!(again.timeout_ms, request.timeout_ms);
});
