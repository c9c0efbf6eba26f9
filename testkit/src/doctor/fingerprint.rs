//! SHA-256 signing-certificate fingerprints as assetlinks.json writes them, and the
//! `android:apk-key-hash:` origin each one implies.

use std::fmt;

/// The prefix of the origin an Android app writes into clientDataJSON.
pub const APK_KEY_HASH_PREFIX: &str = "android:apk-key-hash:";

/// The SHA-256 of an app's signing certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint([u8; 32]);

/// Why a fingerprint was not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FingerprintError {
    /// Well formed but in lower case: assetlinks.json wants upper-case hex.
    #[error("is in lower case")]
    LowerCase(Fingerprint),
    /// Not 32 bytes of hex pairs separated by colons.
    #[error("is not 32 hex pairs separated by colons")]
    Malformed,
}

impl Fingerprint {
    /// Reads a fingerprint exactly as assetlinks.json must hold it: 32 upper-case hex pairs
    /// separated by colons (`AB:01:…`, 95 characters). The same bytes in lower case are
    /// [`FingerprintError::LowerCase`].
    pub fn parse_strict(text: &str) -> Result<Self, FingerprintError> {
        if text.len() != 95 {
            return Err(FingerprintError::Malformed);
        }
        let mut bytes = [0u8; 32];
        let mut lower = false;
        for (i, pair) in text.split(':').enumerate() {
            let slot = bytes.get_mut(i).ok_or(FingerprintError::Malformed)?;
            if pair.len() != 2 {
                return Err(FingerprintError::Malformed);
            }
            lower |= pair.bytes().any(|b| b.is_ascii_lowercase());
            *slot = u8::from_str_radix(pair, 16).map_err(|_| FingerprintError::Malformed)?;
            if !pair.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(FingerprintError::Malformed);
            }
        }
        if lower {
            Err(FingerprintError::LowerCase(Self(bytes)))
        } else {
            Ok(Self(bytes))
        }
    }

    /// Reads a fingerprint as people paste it on a command line: hex in either case, with or
    /// without colons (what `keytool -list -v` or `apksigner verify --print-certs` print).
    pub fn parse_lenient(text: &str) -> Result<Self, FingerprintError> {
        let hex: String = text.chars().filter(|c| *c != ':').collect();
        if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(FingerprintError::Malformed);
        }
        let mut bytes = [0u8; 32];
        for (slot, pair) in bytes.iter_mut().zip(hex.as_bytes().chunks(2)) {
            let pair = std::str::from_utf8(pair).map_err(|_| FingerprintError::Malformed)?;
            *slot = u8::from_str_radix(pair, 16).map_err(|_| FingerprintError::Malformed)?;
        }
        Ok(Self(bytes))
    }

    /// The origin an app signed with this certificate sends:
    /// `android:apk-key-hash:` and the unpadded base64url of the 32 bytes.
    pub fn apk_key_hash_origin(&self) -> String {
        format!(
            "{APK_KEY_HASH_PREFIX}{}",
            data_encoding::BASE64URL_NOPAD.encode(&self.0)
        )
    }
}

impl fmt::Display for Fingerprint {
    /// The form assetlinks.json wants: upper-case hex pairs separated by colons.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, byte) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{byte:02X}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SHA-256 of the empty string: its base64url is known from RFC test vectors.
    const EMPTY_SHA256: &str = "E3:B0:C4:42:98:FC:1C:14:9A:FB:F4:C8:99:6F:B9:24:27:AE:41:E4:64:9B:93:4C:A4:95:99:1B:78:52:B8:55";

    #[test]
    fn reads_upper_case_and_implies_the_origin() {
        let fp = Fingerprint::parse_strict(EMPTY_SHA256).expect("valid");
        assert_eq!(fp.to_string(), EMPTY_SHA256);
        assert_eq!(
            fp.apk_key_hash_origin(),
            "android:apk-key-hash:47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"
        );
    }

    #[test]
    fn tells_lower_case_from_malformed() {
        let lower = EMPTY_SHA256.to_lowercase();
        assert!(matches!(
            Fingerprint::parse_strict(&lower),
            Err(FingerprintError::LowerCase(fp)) if fp.to_string() == EMPTY_SHA256
        ));
        for bad in [
            "",
            &EMPTY_SHA256[3..],
            &EMPTY_SHA256.replace(':', ""),
            &EMPTY_SHA256.replace(':', "-"),
            &EMPTY_SHA256.replacen("E3", "G3", 1),
            &EMPTY_SHA256.replacen("E3:", "+E:3", 1),
            "É3:B0:C4:42:98:FC:1C:14:9A:FB:F4:C8:99:6F:B9:24:27:AE:41:E4:64:9B:93:4C:A4:95:99:1B:78:52:B8:5",
        ] {
            assert_eq!(
                Fingerprint::parse_strict(bad),
                Err(FingerprintError::Malformed),
                "{bad}"
            );
        }
    }

    #[test]
    fn command_line_form_is_lenient_about_case_and_colons() {
        let expected = Fingerprint::parse_strict(EMPTY_SHA256).expect("valid");
        for text in [
            EMPTY_SHA256.to_owned(),
            EMPTY_SHA256.to_lowercase(),
            EMPTY_SHA256.replace(':', ""),
        ] {
            assert_eq!(Fingerprint::parse_lenient(&text), Ok(expected), "{text}");
        }
        assert!(Fingerprint::parse_lenient("E3:B0").is_err());
        assert!(Fingerprint::parse_lenient(&"é".repeat(32)).is_err());
    }
}
