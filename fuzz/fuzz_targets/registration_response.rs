//! Registration responses from the platform (`webauthn::check_registration`, BRIEF §5 #13, #18)
//! in the context of a real sample (first byte), JSON after it: never a panic; and a response the
//! core accepts is accepted for that challenge, origin and rp id only.
#![no_main]

use bingx_passkeys_core::webauthn::{Expected, MAX_CREDENTIAL_ID_BYTES, check_registration};
use bingx_passkeys_fuzz::{sample, seeds, split_first, write_seeds};
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: write_seeds(|| seeds::responses(true)), |data: &[u8]| {
    let (selector, rest) = split_first(data);
    let (_, s) = sample(selector);
    let Ok(json) = std::str::from_utf8(rest) else {
        return;
    };
    let Ok(checked) = check_registration(json, &s.expected(&s.challenge)) else {
        return;
    };
    assert!(!checked.credential_id.is_empty());
    assert!(checked.credential_id.len() <= MAX_CREDENTIAL_ID_BYTES);
    let mut other = s.challenge.clone();
    other[0] ^= 1;
    assert!(check_registration(json, &s.expected(&other)).is_err());
    let phishing = ["https://bingx-login.example.net".to_owned()];
    let elsewhere = Expected { origins: &phishing, ..s.expected(&s.challenge) };
    assert!(check_registration(json, &elsewhere).is_err());
    let other_rp = Expected { rp_id: "bingx-login.example.net", ..s.expected(&s.challenge) };
    assert!(check_registration(json, &other_rp).is_err());
});
