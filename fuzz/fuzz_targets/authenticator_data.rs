//! authenticatorData and the CBOR attestation object (BRIEF §5 #9, #18): the raw bytes after the
//! first byte become the attestationObject (registration) or authenticatorData (assertion) of
//! the real sample the first byte picks. Never a panic; and an assertion the core accepts has the
//! sample's rpIdHash and the UP and UV flags.
#![no_main]

use bingx_passkeys_fuzz::{sample, seeds, split_first, write_seeds};
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: write_seeds(seeds::authenticator_data), |data: &[u8]| {
    let (selector, bytes) = split_first(data);
    let (_, s) = sample(selector);
    let response = s.with_member(s.auth_data_member(), bytes);
    if s.check(&response, &s.challenge, true).is_err() || s.registration {
        return;
    }
    assert!(bytes.len() >= 37);
    let rp_id_hash = ring::digest::digest(&ring::digest::SHA256, s.rp_id.as_bytes());
    assert_eq!(&bytes[..32], rp_id_hash.as_ref());
    assert_eq!(bytes[32] & 0x05, 0x05, "UP and UV");
});
