//! Secrets as types, one per kind (BRIEF §5 #17): a session, a step-up, a passkey proof, a
//! trusted-device mark, a password sign-in's attempt, a step-up's and a reset request's attempts
//! and a support reset's token are never confused with each other or with plain strings, and
//! their `Debug` never shows the value.

use std::fmt;

macro_rules! secret {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            /// Wrap a value received from the server (or, for a trust mark, from the app's
            /// keystore).
            pub fn new(value: String) -> Self {
                Self(value)
            }

            /// The secret itself, only for the request that carries it. Never log or display it.
            pub fn expose_secret(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "(<redacted>)"))
            }
        }
    };
}

secret!(
    /// The session a sign-in opened; kept in the keystore.
    SessionToken
);
secret!(
    /// A step-up with the user's current factors, for one purpose; held in memory only.
    StepUpToken
);
secret!(
    /// A fresh passkey verification for one purpose or scenario; single use.
    ProofToken
);
secret!(
    /// A "trust this device" mark; the app keeps it in its keystore and passes it at the next
    /// password sign-in. Never enough for an account that requires passkeys.
    TrustToken
);
secret!(
    /// A password sign-in waiting for its second step (a one-time code or a passkey): whoever
    /// holds it and the code finishes the sign-in, so it is never shown or logged either.
    LoginId
);
secret!(
    /// Follows a support reset from the device that asked for it, without a session (`POST
    /// /v1/recovery/status`); valid for the reset's life, kept in the keystore so the status
    /// survives an app restart.
    ResetToken
);
secret!(
    /// This install's key: 32 random bytes the library makes once and keeps in the keystore,
    /// sent with the requests that begin a sign-in or a reset request. The server keeps what a
    /// device the account has signed in from begins (pending sign-ins, code sends, wrong codes)
    /// apart by its digest, so that whoever holds only the password cannot end or use it up;
    /// unlike the app's device id, no one else ever holds it.
    InstallKey
);

secret!(
    /// A step-up waiting for the user's password and code (`step_up_id`); held in memory only.
    /// With the session, the password and a code it makes a step-up token.
    StepUpId
);
secret!(
    /// A reset request waiting for its code (`recovery_id`); held in memory only. With the code
    /// it files a support reset.
    RecoveryId
);

/// Longest session token kept or sent, in bytes (the reference server's are 43 characters).
const MAX_SESSION_TOKEN_LEN: usize = 4096;

/// Whether `value` can be a session token: 1 to 4,096 visible ASCII characters, what an
/// `Authorization: Bearer` header can carry. A value the server hands out that is not is an
/// unreadable answer; one the keystore gives back that is not is a damaged entry (see
/// `SecretStore::session_token`). Either way the token never reaches a request, where it would
/// fail before anything is sent, every time, as if the network were down.
pub(crate) fn is_session_token(value: &str) -> bool {
    (1..=MAX_SESSION_TOKEN_LEN).contains(&value.len())
        && value.bytes().all(|b| b.is_ascii_graphic())
}

impl<'de> serde::Deserialize<'de> for StepUpId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Self::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let all = format!(
            "{:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
            SessionToken::new("s3cr3t-a".into()),
            StepUpToken::new("s3cr3t-b".into()),
            ProofToken::new("s3cr3t-c".into()),
            TrustToken::new("s3cr3t-d".into()),
            ResetToken::new("s3cr3t-e".into()),
            LoginId::new("s3cr3t-f".into()),
            StepUpId::new("s3cr3t-g".into()),
            RecoveryId::new("s3cr3t-h".into()),
        );
        assert!(!all.contains("s3cr3t"), "{all}");
        assert!(all.contains("ProofToken(<redacted>)"));
        assert!(all.contains("ResetToken(<redacted>)"));
    }
}
