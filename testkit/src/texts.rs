//! The user-facing texts, read from the one source table `i18n/texts.toml` (the table
//! `scripts/texts` turns into Android's `strings.xml` and the Apple String Catalog), for the demo
//! and the tests: a key of the core's `text::KEYS` and its placeholders' values, in a language.
//!
//! ```
//! use bingx_passkeys_testkit::texts::{self, Lang};
//! let text = texts::format("error.server.other", &[("code", "BAD_REQUEST")], Lang::En).unwrap();
//! assert!(text.contains("BAD_REQUEST"));
//! ```

use std::collections::BTreeMap;
use std::sync::OnceLock;

use bingx_passkeys_core::PasskeysText;

/// The table as the repository holds it.
pub const SOURCE: &str = include_str!("../../i18n/texts.toml");

/// A language of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lang {
    /// English, the source language (`en`).
    En,
    /// Simplified Chinese (`zh-Hans`).
    ZhHans,
}

impl Lang {
    /// Every language the table must have.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhHans];

    /// The table's field for this language (a BCP 47 tag).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhHans => "zh-Hans",
        }
    }

    /// The language whose field is `code`.
    pub fn from_code(code: &str) -> Result<Self, TextError> {
        Self::ALL
            .into_iter()
            .find(|lang| lang.code() == code)
            .ok_or_else(|| TextError::UnknownLanguage(code.to_owned()))
    }
}

/// Why a text could not be given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    /// The table is not TOML, or an entry is not shaped as `scripts/texts` documents.
    #[error("i18n/texts.toml: {0}")]
    Table(String),
    /// The table has no such key.
    #[error("no text for the key {0:?}")]
    UnknownKey(String),
    /// No such language in the table.
    #[error("no language {0:?} in the table")]
    UnknownLanguage(String),
    /// The key has no text in this language.
    #[error("{key} has no {lang} text")]
    MissingLanguage {
        /// The key.
        key: String,
        /// The language's code.
        lang: &'static str,
    },
    /// A placeholder of the text was given no value.
    #[error("{key} needs a value for {{{placeholder}}}")]
    MissingValue {
        /// The key.
        key: String,
        /// The placeholder's name.
        placeholder: String,
    },
    /// A `{` or `}` that is not part of a `{name}` placeholder.
    #[error("{key} ({lang}): {detail}")]
    BadTemplate {
        /// The key.
        key: String,
        /// The language's code.
        lang: &'static str,
        /// What is wrong.
        detail: String,
    },
}

/// One key of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Where the text shows, for translators.
    pub comment: Option<String>,
    /// Its placeholders, in the order of the generated `%1$s`, `%2$s`… (empty when none).
    pub placeholders: Vec<String>,
    /// Its text per language, with `{name}` placeholders.
    pub values: BTreeMap<Lang, String>,
    /// Fields the table has for this key beyond `comment`, `placeholders` and the languages.
    pub unknown_fields: Vec<String>,
}

/// The table, key by key (sorted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Texts {
    entries: BTreeMap<String, Entry>,
}

impl Texts {
    /// Read a table written as `i18n/texts.toml` is.
    pub fn parse(source: &str) -> Result<Self, TextError> {
        let table: toml::Table = source
            .parse()
            .map_err(|e: toml::de::Error| TextError::Table(e.message().to_owned()))?;
        let mut entries = BTreeMap::new();
        for (key, body) in table {
            let body = body
                .as_table()
                .ok_or_else(|| TextError::Table(format!("{key:?} is not a table")))?;
            let string = |field: &str| -> Result<Option<String>, TextError> {
                match body.get(field) {
                    None => Ok(None),
                    Some(value) => value.as_str().map(|s| Some(s.to_owned())).ok_or_else(|| {
                        TextError::Table(format!("{key:?}: {field} is not a string"))
                    }),
                }
            };
            let placeholders = match body.get("placeholders") {
                None => Vec::new(),
                Some(value) => value
                    .as_array()
                    .and_then(|names| {
                        names
                            .iter()
                            .map(|name| name.as_str().map(str::to_owned))
                            .collect::<Option<Vec<_>>>()
                    })
                    .ok_or_else(|| {
                        TextError::Table(format!("{key:?}: placeholders is not a list of names"))
                    })?,
            };
            let mut values = BTreeMap::new();
            for lang in Lang::ALL {
                if let Some(text) = string(lang.code())? {
                    values.insert(lang, text);
                }
            }
            let unknown_fields = body
                .keys()
                .filter(|field| {
                    !matches!(field.as_str(), "comment" | "placeholders")
                        && Lang::from_code(field).is_err()
                })
                .cloned()
                .collect();
            let entry = Entry {
                comment: string("comment")?,
                placeholders,
                values,
                unknown_fields,
            };
            entries.insert(key, entry);
        }
        Ok(Self { entries })
    }

    /// Every key, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// The entry of `key`.
    pub fn entry(&self, key: &str) -> Result<&Entry, TextError> {
        self.entries
            .get(key)
            .ok_or_else(|| TextError::UnknownKey(key.to_owned()))
    }

    /// The text of `key` in `lang` as the table writes it, `{name}` placeholders and all.
    pub fn template(&self, key: &str, lang: Lang) -> Result<&str, TextError> {
        self.entry(key)?
            .values
            .get(&lang)
            .map(String::as_str)
            .ok_or_else(|| TextError::MissingLanguage {
                key: key.to_owned(),
                lang: lang.code(),
            })
    }

    /// The text of `key` in `lang` with `args` (name, value) in its placeholders. Values the text
    /// does not use are ignored.
    pub fn format(
        &self,
        key: &str,
        args: &[(&str, &str)],
        lang: Lang,
    ) -> Result<String, TextError> {
        let template = self.template(key, lang)?;
        let mut out = String::with_capacity(template.len());
        for piece in pieces(template).map_err(|detail| TextError::BadTemplate {
            key: key.to_owned(),
            lang: lang.code(),
            detail,
        })? {
            match piece {
                Piece::Literal(text) => out.push_str(text),
                Piece::Placeholder(name) => {
                    let value = args.iter().find(|(arg, _)| *arg == name).ok_or_else(|| {
                        TextError::MissingValue {
                            key: key.to_owned(),
                            placeholder: name.to_owned(),
                        }
                    })?;
                    out.push_str(value.1);
                }
            }
        }
        Ok(out)
    }

    /// The core's `text` in `lang`.
    pub fn format_text(&self, text: &PasskeysText, lang: Lang) -> Result<String, TextError> {
        let args: Vec<(&str, &str)> = text
            .args
            .iter()
            .map(|arg| (arg.name.as_str(), arg.value.as_str()))
            .collect();
        self.format(&text.key, &args, lang)
    }
}

/// The repository's table, read once.
pub fn texts() -> Result<&'static Texts, TextError> {
    static TEXTS: OnceLock<Result<Texts, TextError>> = OnceLock::new();
    TEXTS
        .get_or_init(|| Texts::parse(SOURCE))
        .as_ref()
        .map_err(Clone::clone)
}

/// `key` in `lang` from the repository's table, with `args` (name, value) in its placeholders.
pub fn format(key: &str, args: &[(&str, &str)], lang: Lang) -> Result<String, TextError> {
    texts()?.format(key, args, lang)
}

/// The core's `text` in `lang`, from the repository's table.
pub fn format_text(text: &PasskeysText, lang: Lang) -> Result<String, TextError> {
    texts()?.format_text(text, lang)
}

/// The placeholder names a text uses, in order (a name may come twice), or what is wrong with a
/// `{` or `}` in it.
pub fn placeholders_in(template: &str) -> Result<Vec<&str>, String> {
    Ok(pieces(template)?
        .into_iter()
        .filter_map(|piece| match piece {
            Piece::Placeholder(name) => Some(name),
            Piece::Literal(_) => None,
        })
        .collect())
}

enum Piece<'a> {
    Literal(&'a str),
    Placeholder(&'a str),
}

/// A text cut into literals and `{name}` placeholders (a name: a lower-case letter, then
/// lower-case letters, digits and `_`).
fn pieces(template: &str) -> Result<Vec<Piece<'_>>, String> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return Err(format!("a '}}' with no '{{' before it in {template:?}"));
        }
        let close = rest[open..]
            .find('}')
            .map(|i| open + i)
            .ok_or_else(|| format!("a '{{' that is never closed in {template:?}"))?;
        let name = &rest[open + 1..close];
        let valid = name.starts_with(|c: char| c.is_ascii_lowercase())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid {
            return Err(format!("{{{name}}} is not a placeholder in {template:?}"));
        }
        if open > 0 {
            out.push(Piece::Literal(&rest[..open]));
        }
        out.push(Piece::Placeholder(name));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        out.push(Piece::Literal(rest));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = r#"
["a.b"]
placeholders = ["x", "y"]
comment = "c"
en = "{y} then {x}, {y}"
zh-Hans = "{x}{y}"

["a.c"]
comment = "c"
en = "a { b"
"#;

    #[test]
    fn formats_by_name_in_any_order() {
        let texts = Texts::parse(TABLE).unwrap();
        let args = [("x", "1"), ("y", "2"), ("unused", "3")];
        assert_eq!(texts.format("a.b", &args, Lang::En).unwrap(), "2 then 1, 2");
        assert_eq!(texts.format("a.b", &args, Lang::ZhHans).unwrap(), "12");
    }

    #[test]
    fn refuses_with_a_typed_error() {
        let texts = Texts::parse(TABLE).unwrap();
        assert_eq!(
            texts.format("a.b", &[("x", "1")], Lang::En),
            Err(TextError::MissingValue {
                key: "a.b".into(),
                placeholder: "y".into()
            })
        );
        assert_eq!(
            texts.format("nope", &[], Lang::En),
            Err(TextError::UnknownKey("nope".into()))
        );
        assert_eq!(
            texts.format("a.c", &[], Lang::ZhHans),
            Err(TextError::MissingLanguage {
                key: "a.c".into(),
                lang: "zh-Hans"
            })
        );
        assert!(matches!(
            texts.format("a.c", &[], Lang::En),
            Err(TextError::BadTemplate { .. })
        ));
        assert_eq!(
            Lang::from_code("fr"),
            Err(TextError::UnknownLanguage("fr".into()))
        );
        assert!(matches!(Texts::parse("[x"), Err(TextError::Table(_))));
        assert!(matches!(Texts::parse("x = 1"), Err(TextError::Table(_))));
    }

    #[test]
    fn finds_placeholders_and_stray_braces() {
        assert_eq!(
            placeholders_in("{a} and {b_2}{a}"),
            Ok(vec!["a", "b_2", "a"])
        );
        for bad in ["{", "}", "a } {b}", "{B}", "{}", "{1a}", "{a b}"] {
            assert!(placeholders_in(bad).is_err(), "{bad}");
        }
    }
}
