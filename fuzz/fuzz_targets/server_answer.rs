//! Server answers (`http/answers.rs`, BRIEF §5 #15, #18): first byte the endpoint family, two
//! bytes the HTTP status, the body after them, read as the client reads it once the bytes have
//! arrived (`parse_answer_for_fuzzing`); options an answer carries then go through the option
//! checks as the flows do. Never a panic; only a 2xx is ever read as a success; a refusal the app
//! has no variant for carries its status and a bounded code without control characters, and
//! every error names a text whose values are bounded and free of control characters.
#![no_main]

use bingx_passkeys_core::{PasskeysError, parse_answer_for_fuzzing};
use bingx_passkeys_core::webauthn::{prepare_create, prepare_get};
use bingx_passkeys_fuzz::{RP_ID, seeds, write_seeds};
use libfuzzer_sys::fuzz_target;

/// Statuses for the two status bytes that name no HTTP status.
const COMMON: [u16; 14] = [
    200, 201, 204, 400, 401, 403, 404, 409, 410, 413, 429, 500, 502, 503,
];

fuzz_target!(init: write_seeds(seeds::server_answers), |data: &[u8]| {
    let [kind, hi, lo, body @ ..] = data else {
        return;
    };
    let status = u16::from_be_bytes([*hi, *lo]);
    let status = if (100..=999).contains(&status) {
        status
    } else {
        COMMON[usize::from(status) % COMMON.len()]
    };
    match parse_answer_for_fuzzing(*kind, status, body) {
        Ok(options) => {
            assert!((200..300).contains(&status), "a {status} answer was read as a success");
            if let Some(options) = options {
                let _ = prepare_get(&options, RP_ID);
                let _ = prepare_create(&options, RP_ID);
            }
        }
        Err(e) => {
            if let PasskeysError::ServerRefused { code, status: refused } = &e {
                assert_eq!(*refused, status);
                assert!(!(200..300).contains(&status));
                let code = code.as_str();
                assert!(code.chars().count() <= 64, "{code:?}");
                assert!(!code.chars().any(char::is_control), "{code:?}");
            }
            for arg in e.text().args {
                assert!(arg.value.chars().count() <= 300, "{arg:?}");
                assert!(!arg.value.chars().any(char::is_control), "{arg:?}");
            }
        }
    }
});
