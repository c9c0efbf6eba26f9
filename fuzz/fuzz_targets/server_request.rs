//! The reference server's request bodies (BRIEF §5 #18, and #15 from the other side): first byte
//! the route of `server::route_table()` and the account (see
//! `bingx_passkeys_testkit::server::fuzzing`), the JSON body after it, sent signed in with fresh
//! ceremonies, codes and proofs filled in. Never a 5xx, never a panic.
#![no_main]

use bingx_passkeys_fuzz::{seeds, split_first, write_seeds};
use bingx_passkeys_testkit::server::fuzzing::Target;
use libfuzzer_sys::fuzz_target;

thread_local! {
    static TARGET: Target = Target::new();
}

fuzz_target!(
    init: write_seeds(|| {
        let mut all = TARGET.with(Target::seeds);
        all.extend(seeds::server_requests_from_fixtures());
        all
    }),
    |data: &[u8]| {
        let (route, body) = split_first(data);
        TARGET.with(|target| target.request(route, body));
    }
);
