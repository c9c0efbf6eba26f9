//! The test identity provider behind third-party login (Google, Apple, Telegram) for real: it
//! signs id tokens (compact JWS, ES256) with a key that never leaves this process, and verifies
//! them strictly (BRIEF §2 J4, §5 #2).

use std::fmt;

use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use p256::elliptic_curve::Generate;
use serde::{Deserialize, Serialize};
use sha2_010::{Digest, Sha256};

/// The `iss` of every token the test identity provider signs.
pub const IDP_ISSUER: &str = "https://idp.testkit.bingx.test";
/// The `aud` the login accepts (BingX's client id at the identity provider).
pub const IDP_AUDIENCE: &str = "bingx";
/// How long an id token is valid.
const TOKEN_TTL_SECS: i64 = 300;
/// How far in the future `iat` may be (clock skew).
const CLOCK_SKEW_SECS: i64 = 60;
/// Longest id token looked at.
const MAX_TOKEN_LEN: usize = 8 * 1024;

/// An identity provider BingX accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentityProvider {
    /// Sign in with Google.
    Google,
    /// Sign in with Apple.
    Apple,
    /// Telegram login.
    Telegram,
}

impl IdentityProvider {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            IdentityProvider::Google => "google",
            IdentityProvider::Apple => "apple",
            IdentityProvider::Telegram => "telegram",
        }
    }

    /// The provider spelled `name`, if BingX accepts it.
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Google, Self::Apple, Self::Telegram]
            .into_iter()
            .find(|p| p.as_str() == name)
    }
}

/// The claims of an id token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Issuer, [`IDP_ISSUER`].
    pub iss: String,
    /// Audience, [`IDP_AUDIENCE`] for BingX (a single string; arrays are refused).
    pub aud: String,
    /// The provider's stable id for the user.
    pub sub: String,
    /// The user's email at the provider.
    pub email: String,
    /// Which provider vouches for the user.
    pub provider: String,
    /// Issued at (unix seconds).
    pub iat: i64,
    /// Expires at (unix seconds).
    pub exp: i64,
}

/// Why an id token was refused (all of them are 401 `ID_TOKEN_INVALID` on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenRefusal {
    /// Not three base64url parts of JSON, or too long.
    #[error("malformed token")]
    Malformed,
    /// A header whose `alg` is not exactly ES256 (including `none`), or with `crit`.
    #[error("algorithm not accepted")]
    Algorithm,
    /// The signature does not verify with the identity provider's key.
    #[error("bad signature")]
    Signature,
    /// `iss` is not the identity provider.
    #[error("wrong issuer")]
    Issuer,
    /// `aud` is not BingX.
    #[error("wrong audience")]
    Audience,
    /// `exp` has passed, or `iat` is in the future.
    #[error("expired or not yet valid")]
    Expired,
    /// The provider is unknown or not the one the token was issued for.
    #[error("unknown or mismatched provider")]
    Provider,
}

/// The test identity provider: an ES256 key generated at start that never leaves the process.
pub struct TestIdp {
    key: SigningKey,
}

impl fmt::Debug for TestIdp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TestIdp(<secret>)")
    }
}

impl Default for TestIdp {
    fn default() -> Self {
        Self::generate()
    }
}

const B64: data_encoding::Encoding = data_encoding::BASE64URL_NOPAD;

impl TestIdp {
    /// An identity provider with a new random key.
    pub fn generate() -> Self {
        Self {
            key: SigningKey::generate(),
        }
    }

    /// The 32-byte secret scalar (for the secret ledger of leak tests; never print it).
    pub(crate) fn secret_bytes(&self) -> Vec<u8> {
        self.key.to_bytes().to_vec()
    }

    /// Signs an id token for `email` at `provider`, issued `now`, for `audience`.
    pub fn issue(
        &self,
        provider: IdentityProvider,
        email: &str,
        audience: &str,
        now: i64,
    ) -> Result<String, serde_json::Error> {
        let digest = Sha256::new()
            .chain_update(provider.as_str())
            .chain_update([0u8])
            .chain_update(email)
            .finalize();
        let claims = Claims {
            iss: IDP_ISSUER.to_owned(),
            aud: audience.to_owned(),
            sub: B64.encode(&digest[..16]),
            email: email.to_owned(),
            provider: provider.as_str().to_owned(),
            iat: now,
            exp: now.saturating_add(TOKEN_TTL_SECS),
        };
        let header = serde_json::json!({"alg": "ES256", "typ": "JWT", "kid": "testkit-idp"});
        let signing_input = format!(
            "{}.{}",
            B64.encode(&serde_json::to_vec(&header)?),
            B64.encode(&serde_json::to_vec(&claims)?)
        );
        let signature: Signature = self.key.sign(signing_input.as_bytes());
        Ok(format!(
            "{signing_input}.{}",
            B64.encode(&signature.to_bytes())
        ))
    }

    /// Verifies an id token strictly: three parts, `alg` exactly ES256 (never `none`, never
    /// another algorithm, no `crit`), the signature with this provider's key (the header names no
    /// key that is looked at), `iss`, `aud`, `exp`/`iat` against `now`, and a `provider` claim
    /// equal to `provider`.
    pub fn verify(
        &self,
        token: &str,
        provider: IdentityProvider,
        now: i64,
    ) -> Result<Claims, TokenRefusal> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(TokenRefusal::Malformed);
        }
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenRefusal::Malformed);
        };
        let decode = |part: &str| {
            B64.decode(part.as_bytes())
                .map_err(|_| TokenRefusal::Malformed)
        };
        let header: serde_json::Map<String, serde_json::Value> =
            serde_json::from_slice(&decode(header)?).map_err(|_| TokenRefusal::Malformed)?;
        if header.get("alg").and_then(|alg| alg.as_str()) != Some("ES256")
            || header.contains_key("crit")
        {
            return Err(TokenRefusal::Algorithm);
        }
        let signature =
            Signature::from_slice(&decode(signature)?).map_err(|_| TokenRefusal::Signature)?;
        let signing_input = token
            .rsplit_once('.')
            .map(|(input, _)| input)
            .ok_or(TokenRefusal::Malformed)?;
        VerifyingKey::from(&self.key)
            .verify(signing_input.as_bytes(), &signature)
            .map_err(|_| TokenRefusal::Signature)?;
        let claims: Claims =
            serde_json::from_slice(&decode(payload)?).map_err(|_| TokenRefusal::Malformed)?;
        if claims.iss != IDP_ISSUER {
            return Err(TokenRefusal::Issuer);
        }
        if claims.aud != IDP_AUDIENCE {
            return Err(TokenRefusal::Audience);
        }
        if claims.exp <= now || claims.iat > now.saturating_add(CLOCK_SKEW_SECS) {
            return Err(TokenRefusal::Expired);
        }
        if claims.provider != provider.as_str() {
            return Err(TokenRefusal::Provider);
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    fn parts(token: &str) -> Vec<String> {
        token.split('.').map(str::to_owned).collect()
    }

    fn with_claims(idp: &TestIdp, edit: impl Fn(&mut Claims)) -> String {
        // Re-sign edited claims with the provider's own key (what a bug in our IdP would do).
        let token = idp
            .issue(IdentityProvider::Google, "a@b.test", IDP_AUDIENCE, NOW)
            .expect("issued");
        let p = parts(&token);
        let mut claims: Claims =
            serde_json::from_slice(&B64.decode(p[1].as_bytes()).expect("b64")).expect("claims");
        edit(&mut claims);
        let input = format!(
            "{}.{}",
            p[0],
            B64.encode(&serde_json::to_vec(&claims).expect("json"))
        );
        let signature: Signature = idp.key.sign(input.as_bytes());
        format!("{input}.{}", B64.encode(&signature.to_bytes()))
    }

    #[test]
    fn a_token_round_trips() {
        let idp = TestIdp::generate();
        let token = idp
            .issue(IdentityProvider::Apple, "a@b.test", IDP_AUDIENCE, NOW)
            .expect("issued");
        let claims = idp
            .verify(&token, IdentityProvider::Apple, NOW + 10)
            .expect("valid");
        assert_eq!(claims.email, "a@b.test");
        assert_eq!(claims.provider, "apple");
        assert_eq!(claims.exp, NOW + TOKEN_TTL_SECS);
    }

    #[test]
    fn every_refusal() {
        let idp = TestIdp::generate();
        let other = TestIdp::generate();
        let google = IdentityProvider::Google;
        let good = idp
            .issue(google, "a@b.test", IDP_AUDIENCE, NOW)
            .expect("issued");
        let p = parts(&good);
        let forged = other
            .issue(google, "a@b.test", IDP_AUDIENCE, NOW)
            .expect("issued");
        let none_header = B64.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let hs_header = B64.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let crit_header = B64.encode(br#"{"alg":"ES256","crit":["exp"]}"#);
        let cases = [
            (
                format!("{}.{}.", none_header, p[1]),
                TokenRefusal::Algorithm,
            ),
            (
                format!("{}.{}.{}", hs_header, p[1], p[2]),
                TokenRefusal::Algorithm,
            ),
            (
                format!("{}.{}.{}", crit_header, p[1], p[2]),
                TokenRefusal::Algorithm,
            ),
            (forged, TokenRefusal::Signature),
            (
                format!(
                    "{}.{}.{}",
                    p[0],
                    parts(&with_claims(&idp, |c| c.email = "x@y.test".into()))[1],
                    p[2]
                ),
                TokenRefusal::Signature,
            ),
            (
                with_claims(&idp, |c| c.iss = "https://evil.test".into()),
                TokenRefusal::Issuer,
            ),
            (
                with_claims(&idp, |c| c.aud = "other-app".into()),
                TokenRefusal::Audience,
            ),
            (with_claims(&idp, |c| c.exp = NOW), TokenRefusal::Expired),
            (
                with_claims(&idp, |c| c.iat = NOW + 3600),
                TokenRefusal::Expired,
            ),
            (
                with_claims(&idp, |c| c.provider = "facebook".into()),
                TokenRefusal::Provider,
            ),
            ("a.b".to_owned(), TokenRefusal::Malformed),
            (format!("{good}.x"), TokenRefusal::Malformed),
            ("x".repeat(MAX_TOKEN_LEN + 1), TokenRefusal::Malformed),
            (
                format!("{}.{}.{}", p[0], p[1], "A".repeat(86)),
                TokenRefusal::Signature,
            ),
        ];
        for (token, refusal) in cases {
            assert_eq!(idp.verify(&token, google, NOW + 1), Err(refusal), "{token}");
        }
        assert_eq!(
            idp.verify(&good, IdentityProvider::Telegram, NOW + 1),
            Err(TokenRefusal::Provider)
        );
        assert!(idp.verify(&good, google, NOW + TOKEN_TTL_SECS).is_err());
        assert_eq!(format!("{idp:?}"), "TestIdp(<secret>)");
    }
}
