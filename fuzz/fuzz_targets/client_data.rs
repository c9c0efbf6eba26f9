//! clientDataJSON (BRIEF §5 #13, #18): the raw bytes after the first byte become the
//! clientDataJSON of the real sample the first byte picks, checked by the core as that sample's
//! kind. Never a panic; and when the core accepts, an independent reading of the same bytes
//! agrees: the right type, exactly the challenge and the origin, not cross-origin.
#![no_main]

use bingx_passkeys_fuzz::{sample, seeds, split_first, write_seeds};
use libfuzzer_sys::fuzz_target;
use passkey_types::encoding::base64url;
use serde_json::Value;

fuzz_target!(init: write_seeds(seeds::client_data), |data: &[u8]| {
    let (selector, client_data) = split_first(data);
    let (_, s) = sample(selector);
    let response = s.with_member("clientDataJSON", client_data);
    if s.check(&response, &s.challenge, true).is_err() {
        return;
    }
    let read: Value = serde_json::from_slice(client_data).expect("accepted client data is JSON");
    let ty = if s.registration { "webauthn.create" } else { "webauthn.get" };
    assert_eq!(read["type"], ty);
    assert_eq!(read["challenge"], base64url(&s.challenge));
    assert_eq!(read["origin"], s.origins[0].as_str());
    assert_ne!(read["crossOrigin"], true);
    assert!(read.get("topOrigin").is_none());
});
