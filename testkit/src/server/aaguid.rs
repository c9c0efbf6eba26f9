//! AAGUID → password-manager name, from `testkit/data/aaguid.json` (the community format of
//! passkeydeveloper/passkey-authenticator-aaguids: `{"<lowercase aaguid>": {"name": "…"}}`).
//! Used only to name passkeys on the Passkeys page: an unknown or all-zero AAGUID is never
//! refused.

use std::collections::HashMap;

use serde::Deserialize;
use uuid::Uuid;

/// The name shown for an all-zero or unknown AAGUID.
pub const UNKNOWN_PROVIDER: &str = "Unknown password manager";

const BUILTIN: &str = include_str!("../../data/aaguid.json");

#[derive(Deserialize)]
struct Entry {
    name: String,
}

/// What an AAGUID says about the password manager that made a passkey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provider {
    /// Display name, [`UNKNOWN_PROVIDER`] when unknown.
    pub name: String,
    /// Whether the AAGUID was found in the table.
    pub known: bool,
}

/// The AAGUID table.
#[derive(Debug, Clone, Default)]
pub struct AaguidTable {
    names: HashMap<Uuid, String>,
}

impl AaguidTable {
    /// The table shipped in `testkit/data/aaguid.json`.
    pub fn builtin() -> Result<Self, serde_json::Error> {
        Self::parse(BUILTIN)
    }

    /// Parses a table in the community format; keys that are not UUIDs are skipped.
    pub fn parse(json: &str) -> Result<Self, serde_json::Error> {
        let raw: HashMap<String, Entry> = serde_json::from_str(json)?;
        let names = raw
            .into_iter()
            .filter_map(|(key, entry)| Some((Uuid::parse_str(&key).ok()?, entry.name)))
            .collect();
        Ok(Self { names })
    }

    /// The provider for `aaguid`; the nil AAGUID is always unknown.
    pub fn provider(&self, aaguid: Uuid) -> Provider {
        match self.names.get(&aaguid) {
            Some(name) if !aaguid.is_nil() => Provider {
                name: name.clone(),
                known: true,
            },
            _ => Provider {
                name: UNKNOWN_PROVIDER.to_owned(),
                known: false,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_names_known_and_unknown() {
        let table = AaguidTable::builtin().expect("shipped table parses");
        let gpm = Uuid::parse_str("ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4").expect("uuid");
        assert_eq!(table.provider(gpm).name, "Google Password Manager");
        assert!(table.provider(gpm).known);
        let softpm = Uuid::parse_str("b1d0c2a4-5f3e-4e2b-9a7c-7e57c0de0001").expect("uuid");
        assert_eq!(
            table.provider(softpm).name,
            "BingX Testkit Password Manager"
        );
        assert_eq!(table.provider(Uuid::nil()).name, UNKNOWN_PROVIDER);
        assert!(!table.provider(Uuid::from_u128(7)).known);
    }
}
