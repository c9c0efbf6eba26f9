//! The sample app's string table, `i18n/sample.toml` (the screens' titles, labels and notes),
//! beside the library's: every key is the sample's own (`sample.…`, none of `i18n/texts.toml`),
//! has a comment and a text in every language with exactly its placeholders; and the desktop's
//! properties files `scripts/texts` writes from both tables read back, key by key, as the tables.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use bingx_passkeys_testkit::texts::{self, Lang, Texts, placeholders_in};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn sample() -> Texts {
    let source =
        std::fs::read_to_string(repo().join("i18n/sample.toml")).expect("i18n/sample.toml reads");
    Texts::parse(&source).expect("i18n/sample.toml parses")
}

#[test]
fn every_key_is_the_samples_own_with_a_comment_and_every_language() {
    let sample = sample();
    let library = texts::texts().expect("i18n/texts.toml reads");
    let mut problems = Vec::new();
    assert!(
        sample.keys().count() > 50,
        "the sample's table lost its keys"
    );
    for key in sample.keys() {
        if !key.starts_with("sample.") {
            problems.push(format!("{key}: does not start with sample."));
        }
        if library.entry(key).is_ok() {
            problems.push(format!("{key}: also a key of i18n/texts.toml"));
        }
        let entry = sample.entry(key).expect("listed key");
        if entry.comment.as_deref().is_none_or(|c| c.trim().is_empty()) {
            problems.push(format!("{key}: no comment for translators"));
        }
        if !entry.unknown_fields.is_empty() {
            problems.push(format!("{key}: unknown fields {:?}", entry.unknown_fields));
        }
        for lang in Lang::ALL {
            let Some(text) = entry.values.get(&lang) else {
                problems.push(format!("{key}: no {} text", lang.code()));
                continue;
            };
            let mut used: Vec<&str> =
                placeholders_in(text).unwrap_or_else(|e| panic!("{key}: {e}"));
            used.sort_unstable();
            used.dedup();
            let mut declared: Vec<&str> = entry.placeholders.iter().map(String::as_str).collect();
            declared.sort_unstable();
            if used != declared {
                problems.push(format!(
                    "{key}: {} uses {used:?}, declares {declared:?}",
                    lang.code()
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// A `java.util.Properties` file as Java reads the lines scripts/texts writes (`key=value`,
/// `\uXXXX`, `\n`, `\\`, and `\` before `=`, `:`, `#`, `!` and spaces).
fn read_properties(text: &str) -> BTreeMap<String, String> {
    fn unescape(raw: &str) -> String {
        let mut out = String::new();
        let mut units = Vec::new();
        let mut chars = raw.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push_str(&String::from_utf16(&std::mem::take(&mut units)).expect("utf-16"));
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('u') => {
                    let hex: String = chars.by_ref().take(4).collect();
                    units.push(u16::from_str_radix(&hex, 16).expect("4 hex digits"));
                }
                Some('n') => out.push('\n'),
                Some(other) => {
                    out.push_str(&String::from_utf16(&std::mem::take(&mut units)).expect("utf-16"));
                    out.push(other);
                }
                None => panic!("a line ends in a lone backslash: {raw}"),
            }
        }
        out + &String::from_utf16(&units).expect("utf-16")
    }
    let mut map = BTreeMap::new();
    for line in text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let split = line
            .char_indices()
            .find(|&(i, c)| c == '=' && !line[..i].ends_with('\\'))
            .map(|(i, _)| i)
            .unwrap_or_else(|| panic!("no '=' in {line}"));
        let previous = map.insert(unescape(&line[..split]), unescape(&line[split + 1..]));
        assert!(previous.is_none(), "a key repeats: {line}");
    }
    map
}

#[test]
fn the_desktop_properties_read_back_as_both_tables() {
    let out = std::env::temp_dir().join(format!("bingx-sample-texts-{}", std::process::id()));
    let run = Command::new("python3")
        .arg(repo().join("scripts/texts"))
        .arg("--out")
        .arg(&out)
        .output()
        .expect("python3 runs scripts/texts");
    let result = std::panic::catch_unwind(|| {
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let sample = sample();
        let library = texts::texts().expect("i18n/texts.toml reads");
        for lang in Lang::ALL {
            let file = out.join(format!(
                "android/ui/src/desktopMain/resources/texts/{}.properties",
                lang.code()
            ));
            let read = read_properties(&std::fs::read_to_string(&file).expect("written"));
            assert_eq!(read.len(), sample.keys().count() + library.keys().count());
            for table in [&sample, library] {
                for key in table.keys() {
                    assert_eq!(
                        read.get(key).map(String::as_str),
                        Some(table.template(key, lang).unwrap()),
                        "{key} in {}",
                        lang.code()
                    );
                }
            }
            let committed =
                std::fs::read(repo().join(file.strip_prefix(&out).unwrap())).unwrap_or_default();
            assert_eq!(
                committed,
                std::fs::read(&file).unwrap(),
                "{} is out of date: run scripts/texts",
                file.display()
            );
        }
        let en = read_properties(
            &std::fs::read_to_string(
                out.join("android/ui/src/desktopMain/resources/texts/en.properties"),
            )
            .unwrap(),
        );
        assert_eq!(en["sample.code.sent.email"], "We sent a code to {email}.");
        let zh = read_properties(
            &std::fs::read_to_string(
                out.join("android/ui/src/desktopMain/resources/texts/zh-Hans.properties"),
            )
            .unwrap(),
        );
        assert_eq!(zh["sample.security_center.title"], "安全中心");
    });
    let _ = std::fs::remove_dir_all(&out);
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}
