//! The signed policy the device keeps (`policy.rs`, BRIEF §5 #14, #18), against a pinned key this
//! target made. First byte the mode: 0 — the rest is a whole keystore blob, which must never read
//! (it is not signed with the pinned key); 1 — the rest is a payload the target signs, which must
//! read exactly when it is a policy; 2 — the rest is a signature over a real policy, which must
//! never read. Never a panic.
#![no_main]

use std::sync::OnceLock;

use bingx_passkeys_core::Policy;
use bingx_passkeys_core::read_stored_policy;
use bingx_passkeys_fuzz::{seeds, split_first, write_seeds};
use libfuzzer_sys::fuzz_target;
use passkey_types::encoding::base64url;
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair};

struct Pinned {
    pair: EcdsaKeyPair,
    rng: SystemRandom,
}

fn pinned() -> &'static Pinned {
    static PINNED: OnceLock<Pinned> = OnceLock::new();
    PINNED.get_or_init(|| {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng)
            .expect("a P-256 key");
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng)
            .expect("the key reads");
        Pinned { pair, rng }
    })
}

fn blob(payload: &[u8], signature: &[u8]) -> String {
    serde_json::json!({"payload": base64url(payload), "signature": base64url(signature)})
        .to_string()
}

fuzz_target!(init: write_seeds(seeds::signed_policy), |data: &[u8]| {
    let (mode, rest) = split_first(data);
    let pinned = pinned();
    let key = pinned.pair.public_key().as_ref();
    match mode % 3 {
        0 => {
            let Ok(text) = std::str::from_utf8(rest) else {
                return;
            };
            assert!(read_stored_policy(text, key).is_none(), "an unsigned blob was read");
        }
        1 => {
            let signature = pinned.pair.sign(&pinned.rng, rest).expect("signing works");
            let read = read_stored_policy(&blob(rest, signature.as_ref()), key);
            let expected: Option<Policy> = serde_json::from_slice(rest).ok();
            assert_eq!(read, expected);
        }
        _ => {
            let payload = seeds::policy(false).to_string();
            let read = read_stored_policy(&blob(payload.as_bytes(), rest), key);
            assert!(read.is_none(), "a policy with a forged signature was read");
        }
    }
});
