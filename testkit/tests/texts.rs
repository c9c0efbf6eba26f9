//! The string tables against the core: every key the core produces (`text::KEYS`) has a text in
//! every language of `i18n/texts.toml`, with exactly the key's placeholders; the table has no key
//! the core does not produce; and the files `scripts/texts` generates from the table (Android's
//! `strings.xml`, the Apple String Catalog and the two helpers) are the committed ones, byte for
//! byte, and read back as the table's texts.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use bingx_passkeys_core::text::KEYS;
use bingx_passkeys_core::{PasskeysText, PasskeysTextArg};
use bingx_passkeys_testkit::texts::{self, Lang, TextError, Texts, placeholders_in};

/// The generated Android files, by language, and the resource name prefix (scripts/texts).
const ANDROID: [(Lang, &str); 2] = [
    (
        Lang::En,
        "android/passkeys/src/main/res/values/bingx_passkeys_strings.xml",
    ),
    (
        Lang::ZhHans,
        "android/passkeys/src/main/res/values-zh-rCN/bingx_passkeys_strings.xml",
    ),
];
const PREFIX: &str = "bingx_passkeys_";
const CATALOG: &str = "ios/Sources/BingXPasskeys/Resources/Localizable.xcstrings";
const GENERATED: [&str; 5] = [
    ANDROID[0].1,
    ANDROID[1].1,
    "android/passkeys/src/main/kotlin/com/bingx/passkeys/android/PasskeysTexts.kt",
    CATALOG,
    "ios/Sources/BingXPasskeys/PasskeysTexts.swift",
];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn table() -> &'static Texts {
    texts::texts().expect("i18n/texts.toml reads")
}

fn keys() -> BTreeMap<&'static str, &'static [&'static str]> {
    KEYS.iter().copied().collect()
}

#[test]
fn every_key_of_the_core_has_a_text_in_every_language() {
    let mut missing = Vec::new();
    for (key, _) in KEYS {
        for lang in Lang::ALL {
            match table().template(key, lang) {
                Ok(text) if !text.trim().is_empty() => {}
                Ok(_) => missing.push(format!("{key}: empty {} text", lang.code())),
                Err(e) => missing.push(e.to_string()),
            }
        }
        if let Ok(entry) = table().entry(key)
            && entry.comment.as_deref().is_none_or(|c| c.trim().is_empty())
        {
            missing.push(format!("{key}: no comment for translators"));
        }
    }
    assert!(
        missing.is_empty(),
        "i18n/texts.toml:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_table_has_no_key_the_core_does_not_produce() {
    let core = keys();
    let extra: Vec<&str> = table().keys().filter(|k| !core.contains_key(k)).collect();
    assert!(
        extra.is_empty(),
        "i18n/texts.toml has keys the core never produces (not in core/src/text.rs KEYS): {extra:?}"
    );
    let odd: Vec<String> = table()
        .keys()
        .filter_map(|k| {
            let fields = &table().entry(k).ok()?.unknown_fields;
            (!fields.is_empty()).then(|| format!("{k}: {fields:?}"))
        })
        .collect();
    assert!(
        odd.is_empty(),
        "fields that are no language of the table: {odd:?}"
    );
}

#[test]
fn every_text_has_exactly_the_keys_placeholders() {
    let mut wrong = Vec::new();
    for (key, expected) in KEYS {
        let Ok(entry) = table().entry(key) else {
            continue; // reported by every_key_of_the_core_has_a_text_in_every_language
        };
        if entry.placeholders != *expected {
            wrong.push(format!(
                "{key}: placeholders = {:?}, KEYS says {expected:?} (the generated %1$s… follow it)",
                entry.placeholders
            ));
        }
        let expected: BTreeSet<&str> = expected.iter().copied().collect();
        for (lang, text) in &entry.values {
            match placeholders_in(text) {
                Err(e) => wrong.push(format!("{key} ({}): {e}", lang.code())),
                Ok(used) => {
                    let used: BTreeSet<&str> = used.into_iter().collect();
                    if used != expected {
                        wrong.push(format!(
                            "{key} ({}): uses {used:?}, the key has {expected:?}",
                            lang.code()
                        ));
                    }
                }
            }
        }
    }
    assert!(wrong.is_empty(), "i18n/texts.toml:\n{}", wrong.join("\n"));
}

#[test]
fn every_key_formats_with_its_values_and_refuses_without_them() {
    for (key, placeholders) in KEYS {
        let args: Vec<PasskeysTextArg> = placeholders
            .iter()
            .map(|name| PasskeysTextArg {
                name: (*name).to_owned(),
                value: format!("<{name} value>"),
            })
            .collect();
        let text = PasskeysText {
            key: (*key).to_owned(),
            args,
        };
        for lang in Lang::ALL {
            let shown = texts::format_text(&text, lang).expect("formats");
            for arg in &text.args {
                assert!(
                    shown.contains(&arg.value),
                    "{key} ({}): {shown}",
                    lang.code()
                );
            }
            assert!(!shown.contains('{') && !shown.contains('}'), "{shown}");
            if let Some(first) = placeholders.first() {
                assert_eq!(
                    texts::format(key, &[], lang),
                    Err(TextError::MissingValue {
                        key: (*key).to_owned(),
                        placeholder: (*first).to_owned()
                    })
                );
            }
        }
    }
    assert_eq!(
        texts::format("error.no_such_key", &[], Lang::En),
        Err(TextError::UnknownKey("error.no_such_key".to_owned()))
    );
}

#[test]
fn the_generated_files_are_up_to_date() {
    let out = std::env::temp_dir().join(format!(
        "bingx-passkeys-texts-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default()
    ));
    let run = Command::new("python3")
        .arg(repo().join("scripts/texts"))
        .arg("--out")
        .arg(&out)
        .output()
        .expect("python3 runs scripts/texts");
    let result = || {
        assert!(
            run.status.success(),
            "scripts/texts --out failed:\n{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let mut stale = Vec::new();
        for relative in GENERATED {
            let fresh = std::fs::read(out.join(relative))
                .unwrap_or_else(|e| panic!("scripts/texts wrote no {relative}: {e}"));
            let committed = std::fs::read(repo().join(relative)).unwrap_or_default();
            if fresh != committed {
                stale.push(relative);
            }
        }
        assert!(
            stale.is_empty(),
            "out of date with i18n/texts.toml, run scripts/texts: {stale:?}"
        );
    };
    let outcome = std::panic::catch_unwind(result);
    let _ = std::fs::remove_dir_all(&out);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// `text` with `{name}` as `%N$<spec>` in `placeholders` order and `%` as `%%` (what scripts/texts
/// writes for a text with placeholders; a text without them is written as it is).
fn positional(text: &str, placeholders: &[&str], spec: &str) -> String {
    if placeholders.is_empty() {
        return text.to_owned();
    }
    let mut out = text.replace('%', "%%");
    for (i, name) in placeholders.iter().enumerate() {
        out = out.replace(&format!("{{{name}}}"), &format!("%{}${spec}", i + 1));
    }
    out
}

/// A `<string>`'s content as Android reads it: XML entities, then aapt2's escapes. Refuses what
/// aapt2 would read differently from the table: an unescaped quote or apostrophe, a leading `@`
/// or `?` that is not escaped, a dangling backslash.
fn android_unescape(raw: &str) -> Result<String, String> {
    let xml = raw
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&");
    if xml.starts_with('@') || xml.starts_with('?') {
        return Err(format!("a leading @ or ? must be escaped: {raw}"));
    }
    let mut out = String::new();
    let mut chars = xml.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(c @ ('\'' | '"' | '\\' | '@' | '?')) => out.push(c),
                other => return Err(format!("unknown escape \\{other:?} in {raw}")),
            },
            '\'' | '"' => return Err(format!("an unescaped {c} in {raw}")),
            c => out.push(c),
        }
    }
    Ok(out)
}

/// The `<string name="…">…</string>` lines of a generated resource file (one per line).
fn android_strings(xml: &str) -> BTreeMap<String, String> {
    xml.lines()
        .filter_map(|line| {
            let rest = line.trim().strip_prefix("<string name=\"")?;
            let (name, rest) = rest.split_once("\">")?;
            let value = rest.strip_suffix("</string>")?;
            Some((name.to_owned(), value.to_owned()))
        })
        .collect()
}

#[test]
fn android_resources_read_back_as_the_table() {
    let core = keys();
    let mut wrong = Vec::new();
    for (lang, relative) in ANDROID {
        let xml = std::fs::read_to_string(repo().join(relative)).expect(relative);
        let strings = android_strings(&xml);
        let mut seen = BTreeSet::new();
        for (name, raw) in &strings {
            // The name scheme: the prefix, then the key with "." written "__".
            let Some(key) = name.strip_prefix(PREFIX).map(|k| k.replace("__", ".")) else {
                wrong.push(format!("{relative}: {name} lacks the prefix {PREFIX}"));
                continue;
            };
            let Some(placeholders) = core.get(key.as_str()) else {
                wrong.push(format!(
                    "{relative}: {name} names no key of the core ({key})"
                ));
                continue;
            };
            seen.insert(key.clone());
            let Ok(text) = table().template(&key, lang) else {
                continue; // reported by every_key_of_the_core_has_a_text_in_every_language
            };
            match android_unescape(raw) {
                Err(e) => wrong.push(format!("{relative}: {name}: {e}")),
                Ok(read) if read != positional(text, placeholders, "s") => wrong.push(format!(
                    "{relative}: {name} reads {read:?}, the table says {text:?}"
                )),
                Ok(_) => {}
            }
        }
        let absent: Vec<_> = core.keys().filter(|k| !seen.contains(**k)).collect();
        if !absent.is_empty() {
            wrong.push(format!("{relative}: no string for {absent:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));

    // An apostrophe in a text (English has several: "couldn't") is written \' in strings.xml.
    let (key, text) = KEYS
        .iter()
        .find_map(|(key, _)| {
            let text = table().template(key, Lang::En).ok()?;
            text.contains('\'').then_some((*key, text))
        })
        .expect("some English text has an apostrophe");
    let xml = std::fs::read_to_string(repo().join(ANDROID[0].1)).unwrap();
    let raw = &android_strings(&xml)[&format!("{PREFIX}{}", key.replace('.', "__"))];
    assert!(
        raw.contains("\\'") && !raw.replace("\\'", "").contains('\''),
        "{text} → {raw}"
    );
    assert_eq!(android_unescape("\\'a\\\"b\\@"), Ok("'a\"b@".to_owned()));
    assert!(android_unescape("don't").is_err());
    assert!(android_unescape("@string/x").is_err());
}

#[test]
fn the_string_catalog_reads_back_as_the_table() {
    let json = std::fs::read_to_string(repo().join(CATALOG)).expect(CATALOG);
    let catalog: serde_json::Value = serde_json::from_str(&json).expect("the catalog is JSON");
    assert_eq!(catalog["sourceLanguage"], "en");
    let strings = catalog["strings"].as_object().expect("strings");
    let mut wrong = Vec::new();
    let names: BTreeSet<&str> = strings.keys().map(String::as_str).collect();
    let core: BTreeSet<&str> = keys().keys().copied().collect();
    if names != core {
        wrong.push(format!(
            "keys differ from KEYS: {:?}",
            names.symmetric_difference(&core).collect::<Vec<_>>()
        ));
    }
    for (key, placeholders) in KEYS {
        for lang in Lang::ALL {
            let Ok(text) = table().template(key, lang) else {
                continue;
            };
            let value = strings
                .get(*key)
                .map(|entry| &entry["localizations"][lang.code()]["stringUnit"]["value"]);
            let expected = positional(text, placeholders, "@");
            if value.and_then(|v| v.as_str()) != Some(expected.as_str()) {
                wrong.push(format!(
                    "{key} ({}): {value:?}, expected {expected:?}",
                    lang.code()
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{CATALOG}:\n{}", wrong.join("\n"));
}
