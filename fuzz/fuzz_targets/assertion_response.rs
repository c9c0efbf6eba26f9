//! Authentication responses from the platform (`webauthn::check_assertion`, BRIEF §5 #13, #18) in
//! the context of a real sample (first byte; its top bit: the request allowed only the sample's
//! credential), JSON after it: never a panic; and a response the core accepts is accepted for
//! that challenge, origin and rp id only, with an allowed credential.
#![no_main]

use bingx_passkeys_core::webauthn::{Expected, check_assertion};
use bingx_passkeys_fuzz::{sample, seeds, split_first, write_seeds};
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: write_seeds(|| seeds::responses(false)), |data: &[u8]| {
    let (selector, rest) = split_first(data);
    let (_, s) = sample(selector & 0x7f);
    let allowed = if selector & 0x80 != 0 {
        vec![s.raw_id.clone()]
    } else {
        Vec::new()
    };
    let Ok(json) = std::str::from_utf8(rest) else {
        return;
    };
    let Ok(checked) = check_assertion(json, &s.expected(&s.challenge), &allowed) else {
        return;
    };
    assert!(allowed.is_empty() || allowed.contains(&checked.credential_id));
    let mut other = s.challenge.clone();
    other[0] ^= 1;
    assert!(check_assertion(json, &s.expected(&other), &allowed).is_err());
    let phishing = ["https://bingx-login.example.net".to_owned()];
    let elsewhere = Expected { origins: &phishing, ..s.expected(&s.challenge) };
    assert!(check_assertion(json, &elsewhere, &allowed).is_err());
    let other_rp = Expected { rp_id: "bingx-login.example.net", ..s.expected(&s.challenge) };
    assert!(check_assertion(json, &other_rp, &allowed).is_err());
});
