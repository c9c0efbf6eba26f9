//! What iOS reads in `apple-app-site-association` for passkeys: `webcredentials.apps`, each
//! entry an application identifier `<Team ID>.<bundle id>`.

use serde_json::Value;

use super::assetlinks::{clip, kind};
use super::{AppleAppId, Check};

/// The file's name in the report.
pub const FILE: &str = "apple-app-site-association";

fn check(name: &'static str, ok: bool, detail: String, fix: Option<String>) -> Check {
    Check {
        file: FILE,
        name,
        ok,
        detail,
        fix,
    }
}

/// Checks the parsed file for `apps` (only the file's own entries when `apps` is empty).
pub fn check_file(json: &Value, apps: &[AppleAppId]) -> Vec<Check> {
    let mut checks = Vec::new();
    let example = apps
        .first()
        .map_or("TEAMID1234.com.example.app".to_owned(), ToString::to_string);
    let add =
        format!("add \"webcredentials\": {{\"apps\": [\"{example}\"]}} to the top-level object");
    let Some(object) = json.as_object() else {
        checks.push(check(
            "webcredentials",
            false,
            format!("the file is a JSON {}, not an object", kind(json)),
            Some(format!("make the file a JSON object and {add}")),
        ));
        return checks;
    };
    let entries = match object.get("webcredentials") {
        None => Err("there is no \"webcredentials\"".to_owned()),
        Some(web) => match web.get("apps").map(|apps| (apps, apps.as_array())) {
            None => Err("\"webcredentials\" has no \"apps\"".to_owned()),
            Some((apps, None)) => Err(format!(
                "\"webcredentials.apps\" is a {}, not an array",
                kind(apps)
            )),
            Some((_, Some(list))) => list
                .iter()
                .map(|entry| entry.as_str().ok_or("a non-string entry"))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|what| format!("\"webcredentials.apps\" holds {what}")),
        },
    };
    let entries = match entries {
        Ok(entries) => entries,
        Err(detail) => {
            checks.push(check("webcredentials", false, detail, Some(add)));
            return checks;
        }
    };
    checks.push(check(
        "webcredentials",
        !entries.is_empty(),
        format!("webcredentials.apps has {} entr(ies)", entries.len()),
        entries.is_empty().then(|| add.clone()),
    ));

    let unprefixed: Vec<&str> = entries
        .iter()
        .copied()
        .filter(|e| AppleAppId::parse(e).is_none())
        .collect();
    checks.push(if unprefixed.is_empty() {
        check(
            "app-ids",
            true,
            "every entry is <Team ID>.<bundle id>".to_owned(),
            None,
        )
    } else {
        let shown: Vec<String> = unprefixed.iter().take(5).map(|e| format!("{:?}", clip(e))).collect();
        check(
            "app-ids",
            false,
            format!(
                "{} entr(ies) without a Team ID prefix: {}",
                unprefixed.len(),
                shown.join(", ")
            ),
            Some(format!(
                "write each entry as <Team ID>.<bundle id>, e.g. \"TEAMID1234.{}\": the 10-character Team ID of the developer account",
                clip(unprefixed[0])
            )),
        )
    });

    for app in apps {
        let listed = entries.iter().any(|e| *e == app.to_string());
        checks.push(check(
            "app",
            listed,
            if listed {
                format!("{app} is listed")
            } else {
                format!("{app} is not in webcredentials.apps")
            },
            (!listed).then(|| format!("add \"{app}\" to webcredentials.apps")),
        ));
    }
    checks
}
