//! The account's policy on the device (BRIEF §5 #2, #14): a cache of the policy the server signed,
//! kept in the keystore, so the core can refuse blocked login paths before any request — offline
//! too — and fail closed when the cache is unreadable, tampered with, or missing for an account
//! known to be flagged. The server stays the authority: the cache only ever refuses more.

use passkey_types::encoding::try_from_base64url;
use ring::signature::{ECDSA_P256_SHA256_ASN1, UnparsedPublicKey};

use crate::api::{Policy, SignedPolicy};
use crate::client::Inner;
use crate::error::PasskeyError;

/// A way to sign in, as the app offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginPath {
    /// Email and password in the app (then a code, or a passkey when required).
    Password,
    /// Sign in with a passkey (usernameless); always allowed.
    Passkey,
    /// H5 (web) login.
    H5,
    /// Third-party login (Google, Apple, Telegram…).
    ThirdParty,
}

impl LoginPath {
    /// The name the server uses in `blocked_paths`.
    fn server_name(self) -> Option<&'static str> {
        match self {
            Self::H5 => Some("h5_login"),
            Self::ThirdParty => Some("third_party_login"),
            Self::Password | Self::Passkey => None,
        }
    }

    /// The message shown when the path is blocked (the server's own message is used instead
    /// whenever the server answered).
    pub(crate) fn blocked_message(self) -> &'static str {
        match self {
            Self::H5 => {
                "H5 (web) login is turned off for this account because it requires passkeys. \
                 Sign in in the BingX app with your passkey."
            }
            _ => {
                "Third-party login (Google, Apple, Telegram…) is turned off for this account because \
                 it requires passkeys. Sign in with your passkey."
            }
        }
    }
}

/// Check a server signature over a policy and read it.
fn verify(signed: &SignedPolicy, key: &[u8]) -> Option<Policy> {
    let payload = try_from_base64url(&signed.payload)?;
    let signature = try_from_base64url(&signed.signature)?;
    UnparsedPublicKey::new(&ECDSA_P256_SHA256_ASN1, key)
        .verify(&payload, &signature)
        .ok()?;
    serde_json::from_slice(&payload).ok()
}

/// Read a keystore copy (a [`SignedPolicy`] as JSON) and verify it against `key`.
fn read_blob(blob: &str, key: &[u8]) -> Option<Policy> {
    let signed: SignedPolicy = serde_json::from_str(blob).ok()?;
    verify(&signed, key)
}

/// For the fuzz targets in `fuzz/` only, not part of the API: the reading and verification of a
/// keystore copy of the policy, exactly as a client start does it (before the account checks).
#[doc(hidden)]
pub fn read_blob_for_fuzzing(blob: &str, key: &[u8]) -> Option<Policy> {
    read_blob(blob, key)
}

/// Keep what a server answer says about the account's policy.
///
/// A policy that requires passkeys only makes the device stricter: it is kept (and held in
/// memory for this session) without a signature check, since it came from the authority over
/// TLS; the keystore copy is verified when it is next read, and a bad one then fails closed.
/// A policy that lifts the requirement changes the device only when its signature verifies
/// against the pinned key (BRIEF §5 #14).
pub(crate) fn remember(inner: &Inner, policy: &Policy) -> Result<(), PasskeyError> {
    let store = &inner.store;
    let account = &policy.account_id;
    let kept = if policy.passkey_required {
        if let Some(signed) = &policy.signed {
            store.set_policy(account, &blob(signed)?)?;
        }
        store.set_flagged(account, true)?;
        true
    } else {
        let verified = match (&policy.signed, &inner.api.config().policy_key) {
            (Some(signed), Some(key)) => {
                verify(signed, key).is_some_and(|p| p.account_id == *account && !p.passkey_required)
            }
            _ => false,
        };
        if let (true, Some(signed)) = (verified, &policy.signed) {
            store.set_policy(account, &blob(signed)?)?;
            store.set_flagged(account, false)?;
        }
        verified
    };
    let remembered = store.account().ok().flatten();
    let mut memo = inner.policy_memo.lock().unwrap_or_else(|e| e.into_inner());
    memo.0 = if kept && remembered.as_deref() == Some(account.as_str()) {
        Some(Some(policy.clone()))
    } else {
        // The next check reads (and verifies) the keystore again.
        None
    };
    Ok(())
}

fn blob(signed: &SignedPolicy) -> Result<String, PasskeyError> {
    serde_json::to_string(signed).map_err(|_| PasskeyError::PolicyUnavailable)
}

/// The device's copy of the policy in memory: the last policy the server sent in this session,
/// or the keystore copy read and verified once (a signature check costs ~50 µs; a policy check
/// across the FFI must cost a few). A sign-in drops it, so the next check reads and verifies the
/// keystore again. A broken keystore copy is never memoised: every check fails closed until it is
/// repaired.
#[derive(Debug, Default)]
pub(crate) struct PolicyMemo(Option<Option<Policy>>);

impl Inner {
    pub(crate) fn forget_policy_memo(&self) {
        self.policy_memo.lock().unwrap_or_else(|e| e.into_inner()).0 = None;
    }
}

/// Run `f` on the cached policy of the remembered account (see [`cached`]).
fn with_cached<R>(inner: &Inner, f: impl FnOnce(Result<Option<&Policy>, PasskeyError>) -> R) -> R {
    let mut memo = inner.policy_memo.lock().unwrap_or_else(|e| e.into_inner());
    if memo.0.is_none() {
        match load(inner) {
            Ok(policy) => memo.0 = Some(policy),
            Err(e) => return f(Err(e)),
        }
    }
    f(Ok(memo.0.as_ref().and_then(Option::as_ref)))
}

/// The cached policy of the remembered account. `Ok(None)`: nothing is known (the server
/// decides). An error: the account is known to be flagged, or the cache was tampered with, and
/// the cache cannot be trusted — fail closed.
pub(crate) fn cached(inner: &Inner) -> Result<Option<Policy>, PasskeyError> {
    with_cached(inner, |p| p.map(|p| p.cloned()))
}

/// Read and verify the keystore's copy.
fn load(inner: &Inner) -> Result<Option<Policy>, PasskeyError> {
    let store = &inner.store;
    let unreadable = |_| PasskeyError::PolicyUnavailable;
    let Some(account) = store.account().map_err(unreadable)? else {
        return Ok(None);
    };
    let known_flagged = store.is_flagged(&account).map_err(unreadable)?;
    let blob = store.policy(&account).map_err(unreadable)?;
    let Some(blob) = blob else {
        return if known_flagged {
            Err(PasskeyError::PolicyUnavailable)
        } else {
            Ok(None)
        };
    };
    let key = inner
        .api
        .config()
        .policy_key
        .as_deref()
        .ok_or(PasskeyError::PolicyUnavailable)?;
    let policy = read_blob(&blob, key).ok_or(PasskeyError::PolicyUnavailable)?;
    if policy.account_id != account {
        // A policy for another account stored under this one: tampering.
        return Err(PasskeyError::PolicyUnavailable);
    }
    if known_flagged && !policy.passkey_required {
        // An older signed policy cannot lift a flag the device saw later.
        return Err(PasskeyError::PolicyUnavailable);
    }
    Ok(Some(policy))
}

/// May the remembered account use `path`? Refuses before any request where the device knows the
/// account; says yes when it knows nothing (the server still decides).
pub(crate) fn check_path(inner: &Inner, path: LoginPath) -> Result<(), PasskeyError> {
    let Some(name) = path.server_name() else {
        return Ok(());
    };
    with_cached(inner, |cached| match cached {
        Ok(Some(policy)) if policy.blocked_paths.iter().any(|p| p == name) => {
            Err(PasskeyError::PathBlocked {
                message: path.blocked_message().to_owned(),
            })
        }
        Ok(_) => Ok(()),
        Err(e) => Err(e),
    })
}

/// Does `scenario` need a passkey for the remembered account? Fails closed: `true` when the cache
/// cannot be trusted.
pub(crate) fn scenario_needs_passkey(inner: &Inner, scenario: &str) -> bool {
    with_cached(inner, |cached| match cached {
        Ok(Some(p)) => {
            p.passkey_required
                && match scenario {
                    "login" => p.scenarios.login,
                    "withdrawal" => p.scenarios.withdrawal,
                    "security_settings" => p.scenarios.security_settings,
                    "api_keys" => p.scenarios.api_keys,
                    _ => true,
                }
        }
        Ok(None) => false,
        Err(_) => true,
    })
}
