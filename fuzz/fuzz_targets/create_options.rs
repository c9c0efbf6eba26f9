//! Creation options from the server (`webauthn::prepare_create`, BRIEF §5 #12, #18): never a
//! panic; and what the platform is handed was checked — the re-serialized options pass the same
//! checks again and name the same request.
#![no_main]

use bingx_passkeys_core::webauthn::{MIN_CHALLENGE_BYTES, prepare_create};
use bingx_passkeys_fuzz::{RP_ID, seeds, write_seeds};
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: write_seeds(seeds::creation_options), |data: &[u8]| {
    let Ok(json) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(request) = prepare_create(json, RP_ID) else {
        return;
    };
    assert!(request.challenge.len() >= MIN_CHALLENGE_BYTES);
    let again = prepare_create(&request.request_json, RP_ID)
        .expect("the options handed to the platform pass the checks again");
    assert_eq!(again.challenge, request.challenge);
    assert_eq!(again.user_id, request.user_id);
    assert_eq!(again.user_name, request.user_name);
    assert_eq!(again.exclude_credential_ids, request.exclude_credential_ids);
    assert_eq!(again.timeout_ms, request.timeout_ms);
});
