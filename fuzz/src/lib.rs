//! What the fuzz targets share: the real platform responses of `core/tests/fixtures` with the
//! context each was made for, and the seeds a target writes when asked.
//!
//! Each target writes its seeds in its libFuzzer `init` when `BINGX_FUZZ_SEEDS` names a
//! directory (`scripts/fuzz` does that, then passes the directory to libFuzzer as a second
//! corpus), so the seeds come from the fixtures and from code, never from pasted blobs.

pub mod seeds;

use std::sync::OnceLock;

use bingx_passkeys_core::webauthn::{Expected, ResponseError, check_assertion, check_registration};
use passkey_types::encoding::{base64url, try_from_base64url};
use serde_json::Value;

/// The relying party id of the option and answer targets (the testkit's).
pub const RP_ID: &str = bingx_passkeys_testkit::harness::RP_ID;

/// The environment variable naming the directory a target writes its seeds to.
pub const SEEDS_ENV: &str = "BINGX_FUZZ_SEEDS";

/// A real platform response and the context it was made for.
#[derive(Debug)]
pub struct Sample {
    /// The fixture's short name.
    pub id: String,
    /// A registration (else an authentication) response.
    pub registration: bool,
    /// The relying party id it was made for.
    pub rp_id: String,
    /// The origin it was made from (as a one-element allowlist).
    pub origins: Vec<String>,
    /// The challenge it answers.
    pub challenge: Vec<u8>,
    /// Its credential id.
    pub raw_id: Vec<u8>,
    /// The response as `RegistrationResponseJSON` / `AuthenticationResponseJSON`.
    pub response: Value,
}

impl Sample {
    /// The context the response was made for, with `challenge` instead of its own.
    pub fn expected<'a>(&'a self, challenge: &'a [u8]) -> Expected<'a> {
        Expected {
            rp_id: &self.rp_id,
            origins: &self.origins,
            challenge,
        }
    }

    /// The core's check of the kind of this sample on `response_json`, in the sample's own
    /// context; for an assertion, `allowed` limits the credentials the request allowed.
    pub fn check(
        &self,
        response_json: &str,
        challenge: &[u8],
        allow_own: bool,
    ) -> Result<Vec<u8>, ResponseError> {
        let expected = self.expected(challenge);
        if self.registration {
            check_registration(response_json, &expected).map(|c| c.credential_id)
        } else {
            let allowed = if allow_own {
                vec![self.raw_id.clone()]
            } else {
                Vec::new()
            };
            check_assertion(response_json, &expected, &allowed).map(|c| c.credential_id)
        }
    }

    /// The response JSON with `response.<member>` replaced by the base64url of `bytes`.
    pub fn with_member(&self, member: &str, bytes: &[u8]) -> String {
        let mut response = self.response.clone();
        response["response"][member] = base64url(bytes).into();
        response.to_string()
    }

    /// The bytes of `response.<member>` (empty when absent).
    pub fn member(&self, member: &str) -> Vec<u8> {
        self.response["response"][member]
            .as_str()
            .and_then(try_from_base64url)
            .unwrap_or_default()
    }

    /// The member that holds the authenticator data the core reads: the attestation object of
    /// a registration, the authenticator data of an assertion.
    pub fn auth_data_member(&self) -> &'static str {
        if self.registration {
            "attestationObject"
        } else {
            "authenticatorData"
        }
    }
}

/// The ten real responses of `core/tests/fixtures/real-responses.json`.
pub fn samples() -> &'static [Sample] {
    static SAMPLES: OnceLock<Vec<Sample>> = OnceLock::new();
    SAMPLES.get_or_init(|| {
        let raw: Vec<Value> = serde_json::from_str(include_str!(
            "../../core/tests/fixtures/real-responses.json"
        ))
        .expect("the fixture file is JSON");
        raw.into_iter()
            .map(|s| {
                let text = |key: &str| s[key].as_str().expect("fixture member").to_owned();
                let bytes = |v: &Value| v.as_str().and_then(try_from_base64url).expect("base64url");
                Sample {
                    id: text("id"),
                    registration: s["kind"] == "registration",
                    rp_id: text("rp_id"),
                    origins: vec![text("origin")],
                    challenge: bytes(&s["challenge_b64url"]),
                    raw_id: bytes(&s["response"]["rawId"]),
                    response: s["response"].clone(),
                }
            })
            .collect()
    })
}

/// The sample a selector byte picks, and the index it stands at.
pub fn sample(selector: u8) -> (usize, &'static Sample) {
    let samples = samples();
    let index = usize::from(selector) % samples.len();
    (index, &samples[index])
}

/// A selector byte for sample `index`.
pub fn selector(index: usize) -> u8 {
    u8::try_from(index).expect("fewer than 256 samples")
}

/// The first byte and the rest (`0` and nothing for an empty input).
pub fn split_first(data: &[u8]) -> (u8, &[u8]) {
    match data.split_first() {
        Some((first, rest)) => (*first, rest),
        None => (0, &[]),
    }
}

/// When [`SEEDS_ENV`] names a directory, write `make()`'s seeds into it (one file each, named by
/// a hash of its content, so a second run rewrites the same files).
pub fn write_seeds(make: impl FnOnce() -> Vec<Vec<u8>>) {
    let Some(dir) = std::env::var_os(SEEDS_ENV) else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).expect("the seed directory can be made");
    for seed in make() {
        let name = format!("seed-{:016x}", fnv1a(&seed));
        std::fs::write(dir.join(name), &seed).expect("a seed can be written");
    }
}

/// FNV-1a, 64 bits: stable seed file names.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sample_passes_its_own_check() {
        for s in samples() {
            s.check(&s.response.to_string(), &s.challenge, true)
                .unwrap_or_else(|e| panic!("{}: {e}", s.id));
        }
    }
}
