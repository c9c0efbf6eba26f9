//! What Android's Credential Manager reads in `assetlinks.json`: statements whose relation
//! includes `delegate_permission/common.get_login_creds`, for the app's package, with its
//! signing certificate's SHA-256 in upper-case colon-separated hex.

use serde_json::Value;

use super::fingerprint::{Fingerprint, FingerprintError};
use super::{AndroidApp, Check};

/// The file's name in the report.
pub const FILE: &str = "assetlinks.json";
/// The relation that lets an app use the site's passkeys.
pub const GET_LOGIN_CREDS: &str = "delegate_permission/common.get_login_creds";
/// The App Links relation; not enough for passkeys on its own.
pub const HANDLE_ALL_URLS: &str = "delegate_permission/common.handle_all_urls";

/// An Android app statement as read from the file.
struct Statement<'a> {
    relations: Vec<&'a str>,
    package: &'a str,
    fingerprints: Vec<&'a str>,
}

impl Statement<'_> {
    fn grants_login(&self) -> bool {
        self.relations.contains(&GET_LOGIN_CREDS)
    }
}

fn check(name: &'static str, ok: bool, detail: String, fix: Option<String>) -> Check {
    Check {
        file: FILE,
        name,
        ok,
        detail,
        fix,
    }
}

/// Checks the parsed file for `apps` (every Android app statement of the file when `apps` is
/// empty). Returns the checks and the `android:apk-key-hash:` origins the file grants.
pub fn check_file(json: &Value, apps: &[AndroidApp]) -> (Vec<Check>, Vec<String>) {
    let mut checks = Vec::new();
    let mut origins = Vec::new();
    let Some(items) = json.as_array() else {
        checks.push(check(
            "statements",
            false,
            format!("the file is a JSON {}, not an array of statements", kind(json)),
            Some(format!(
                "make the file a JSON array: [{{\"relation\": [\"{GET_LOGIN_CREDS}\"], \"target\": {{\"namespace\": \"android_app\", \"package_name\": \"…\", \"sha256_cert_fingerprints\": [\"AB:CD:…\"]}}}}]"
            )),
        ));
        return (checks, origins);
    };
    let mut statements = Vec::new();
    let mut broken = Vec::new();
    let mut includes = 0;
    for (index, item) in items.iter().enumerate() {
        if item.get("include").is_some_and(Value::is_string) {
            includes += 1;
            continue;
        }
        match read_statement(item) {
            Ok(Some(statement)) => statements.push(statement),
            Ok(None) => {}
            Err(what) if broken.len() < 5 => broken.push(format!("statement {index}: {what}")),
            Err(_) => {}
        }
    }
    checks.push(if broken.is_empty() {
        check(
            "statements",
            true,
            if includes == 0 {
                format!(
                    "{} statement(s), {} for Android apps",
                    items.len(),
                    statements.len()
                )
            } else {
                format!(
                    "{} statement(s), {} for Android apps, {includes} include(s) the doctor does not follow (check the included file's domain too)",
                    items.len(),
                    statements.len()
                )
            },
            None,
        )
    } else {
        check(
            "statements",
            false,
            broken.join("; "),
            Some(
                "each statement is {\"relation\": [strings], \"target\": {\"namespace\": \"android_app\", \"package_name\": string, \"sha256_cert_fingerprints\": [strings]}}"
                    .to_owned(),
            ),
        )
    });

    let packages: Vec<(&str, &[Fingerprint])> = if apps.is_empty() {
        let mut seen: Vec<&str> = Vec::new();
        for statement in &statements {
            if !seen.contains(&statement.package) {
                seen.push(statement.package);
            }
        }
        if seen.is_empty() {
            checks.push(check(
                "package",
                false,
                "no statement for an Android app".to_owned(),
                Some(format!(
                    "add a statement with \"relation\": [\"{GET_LOGIN_CREDS}\"] and your app's package and certificate"
                )),
            ));
        }
        seen.into_iter().map(|p| (p, &[][..])).collect()
    } else {
        apps.iter()
            .map(|a| (a.package.as_str(), a.certificates.as_slice()))
            .collect()
    };
    for (package, certificates) in packages {
        check_package(
            &statements,
            package,
            certificates,
            &mut checks,
            &mut origins,
        );
    }
    (checks, origins)
}

fn check_package(
    statements: &[Statement<'_>],
    package: &str,
    certificates: &[Fingerprint],
    checks: &mut Vec<Check>,
    origins: &mut Vec<String>,
) {
    let mine: Vec<&Statement<'_>> = statements.iter().filter(|s| s.package == package).collect();
    if mine.is_empty() {
        let named: Vec<String> = statements
            .iter()
            .take(10)
            .map(|s| clip(s.package))
            .collect();
        checks.push(check(
            "package",
            false,
            if named.is_empty() {
                format!("no statement names {package}")
            } else {
                format!(
                    "no statement names {package} (the file names {})",
                    named.join(", ")
                )
            },
            Some(format!(
                "add a statement whose target has \"namespace\": \"android_app\", \"package_name\": \"{package}\" (the applicationId of the release build)"
            )),
        ));
        return;
    }
    checks.push(check("package", true, format!("{package} is named"), None));

    let granting: Vec<&Statement<'_>> = mine.iter().copied().filter(|s| s.grants_login()).collect();
    if granting.is_empty() {
        let app_links_only = mine.iter().any(|s| s.relations.contains(&HANDLE_ALL_URLS));
        checks.push(check(
            "relation",
            false,
            if app_links_only {
                format!(
                    "{package} has only {HANDLE_ALL_URLS} (App Links), which does not share sign-in credentials"
                )
            } else {
                format!("no statement for {package} has {GET_LOGIN_CREDS}")
            },
            Some(format!(
                "add \"{GET_LOGIN_CREDS}\" to the statement's \"relation\" array"
            )),
        ));
        return;
    }
    checks.push(check(
        "relation",
        true,
        format!("{package} has {GET_LOGIN_CREDS}"),
        None,
    ));

    let mut valid = Vec::new();
    let mut problems = Vec::new();
    let mut fixes = Vec::new();
    for text in granting.iter().flat_map(|s| s.fingerprints.iter().copied()) {
        match Fingerprint::parse_strict(text) {
            Ok(fp) => valid.push(fp),
            Err(FingerprintError::LowerCase(fp)) => {
                problems.push(format!("{text:?} is in lower case"));
                fixes.push(format!("write it in upper case: \"{fp}\""));
            }
            Err(FingerprintError::Malformed) => {
                problems.push(format!("{:?} is not a SHA-256 fingerprint", clip(text)));
                fixes.push(
                    "write the SHA-256 of the signing certificate as 32 upper-case hex pairs separated by colons (keytool -list -v, or Play Console > App integrity)"
                        .to_owned(),
                );
            }
        }
    }
    if valid.is_empty() && problems.is_empty() {
        problems.push(format!("{package} has no sha256_cert_fingerprints"));
        fixes.push("add the signing certificate's SHA-256 (Play App Signing's, plus the upload or debug certificate where needed)".to_owned());
    }
    let implied: Vec<String> = valid
        .iter()
        .map(|fp| format!("{fp} -> {}", fp.apk_key_hash_origin()))
        .collect();
    for fp in &valid {
        let origin = fp.apk_key_hash_origin();
        if !origins.contains(&origin) {
            origins.push(origin);
        }
    }
    checks.push(if problems.is_empty() {
        check(
            "fingerprints",
            true,
            format!("{package}: {}", implied.join("; ")),
            None,
        )
    } else {
        check(
            "fingerprints",
            false,
            format!("{package}: {}", problems.join("; ")),
            Some(fixes.join("; ")),
        )
    });

    for wanted in certificates {
        let listed = valid.contains(wanted);
        checks.push(check(
            "certificate",
            listed,
            if listed {
                format!(
                    "{package} signed by {wanted} is listed: origin {}",
                    wanted.apk_key_hash_origin()
                )
            } else {
                format!("{package}: {wanted} is not listed in upper-case colon form")
            },
            (!listed).then(|| {
                format!(
                    "add \"{wanted}\" to sha256_cert_fingerprints of {package}'s statement; the server must allow the origin {}",
                    wanted.apk_key_hash_origin()
                )
            }),
        ));
    }
}

/// An Android app statement, `None` for another kind of target (a website), or what is wrong.
fn read_statement(item: &Value) -> Result<Option<Statement<'_>>, String> {
    let object = item.as_object().ok_or("not an object")?;
    let relations = object
        .get("relation")
        .and_then(Value::as_array)
        .ok_or("\"relation\" is not an array")?
        .iter()
        .map(|r| r.as_str().ok_or("\"relation\" holds a non-string"))
        .collect::<Result<Vec<_>, _>>()?;
    let target = object
        .get("target")
        .and_then(Value::as_object)
        .ok_or("\"target\" is not an object")?;
    match target.get("namespace").and_then(Value::as_str) {
        Some("android_app") => {}
        Some(_) => return Ok(None),
        None => return Err("\"target.namespace\" is not a string".to_owned()),
    }
    let package = target
        .get("package_name")
        .and_then(Value::as_str)
        .ok_or("\"target.package_name\" is not a string")?;
    let fingerprints = target
        .get("sha256_cert_fingerprints")
        .and_then(Value::as_array)
        .ok_or("\"target.sha256_cert_fingerprints\" is not an array")?
        .iter()
        .map(|f| {
            f.as_str()
                .ok_or("\"target.sha256_cert_fingerprints\" holds a non-string")
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(Statement {
        relations,
        package,
        fingerprints,
    }))
}

/// A JSON value's kind, for messages.
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Text from the file made safe for a message: at most 100 characters, control characters
/// (terminal escapes) replaced by U+FFFD.
pub fn clip(text: &str) -> String {
    clip_to(text, 100)
}

/// [`clip`] to at most `max` characters.
pub fn clip_to(text: &str, max: usize) -> String {
    let mut clipped: String = text
        .chars()
        .take(max)
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect();
    if text.chars().nth(max).is_some() {
        clipped.push('…');
    }
    clipped
}
