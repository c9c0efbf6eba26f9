//! The two encodings WebAuthn's wire format needs and nothing else: base64url for binary JSON
//! members, and the little of CBOR the client reads (the attestation object's map, the
//! authenticator data's COSE key and extensions). Small on purpose: the library links no general
//! base64 or CBOR crate (docs/performance.md, "The way back").

pub(crate) mod base64url;
pub(crate) mod cbor;
