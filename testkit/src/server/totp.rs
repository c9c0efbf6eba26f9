//! RFC 6238 TOTP (HMAC-SHA1, 30-second steps, 6 digits) with RFC 4648 base32 secrets.

use hmac::{Hmac, Mac};
use sha1::Sha1;

/// Length of a TOTP step in seconds.
pub const STEP_SECS: u64 = 30;
/// How many steps either side of the current one a code may come from.
pub const SKEW_STEPS: u64 = 1;

/// The 6-digit code for `secret_base32` (RFC 4648 base32, padding and case optional) at
/// `unix_time`. An undecodable secret yields an empty string, which no check accepts.
pub fn totp_code(secret_base32: &str, unix_time: u64) -> String {
    match decode_secret(secret_base32) {
        Some(key) => code_at_step(&key, unix_time / STEP_SECS),
        None => String::new(),
    }
}

/// Checks `code` against the steps around `unix_time`; returns the matching step so the
/// caller can refuse its reuse.
pub fn verify(secret_base32: &str, code: &str, unix_time: u64) -> Option<u64> {
    let key = decode_secret(secret_base32)?;
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = unix_time / STEP_SECS;
    (now.saturating_sub(SKEW_STEPS)..=now + SKEW_STEPS)
        .find(|&step| constant_time_eq(code_at_step(&key, step).as_bytes(), code.as_bytes()))
}

/// A fresh random 20-byte secret, base32 without padding.
pub fn new_secret() -> String {
    data_encoding::BASE32_NOPAD.encode(&rand::random::<[u8; 20]>())
}

fn decode_secret(secret: &str) -> Option<Vec<u8>> {
    let cleaned: String = secret
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '=')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let key = data_encoding::BASE32_NOPAD
        .decode(cleaned.as_bytes())
        .ok()?;
    (!key.is_empty()).then_some(key)
}

fn code_at_step(key: &[u8], step: u64) -> String {
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let binary = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    format!("{:06}", binary % 1_000_000)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 column (secret "12345678901234567890"), last 6 digits.
    #[test]
    fn rfc6238_vectors() {
        let secret = data_encoding::BASE32_NOPAD.encode(b"12345678901234567890");
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
            (20_000_000_000, "353130"),
        ] {
            assert_eq!(totp_code(&secret, time), code, "t={time}");
        }
    }

    #[test]
    fn verify_accepts_one_step_of_skew_only() {
        let secret = new_secret();
        let t = 1_700_000_000;
        let code = totp_code(&secret, t);
        assert_eq!(verify(&secret, &code, t), Some(t / 30));
        assert!(verify(&secret, &code, t + 30).is_some());
        assert!(verify(&secret, &code, t + 90).is_none());
        assert!(verify(&secret, "12345", t).is_none());
        assert!(verify("not base32!", &code, t).is_none());
    }
}
