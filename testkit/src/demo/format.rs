//! How the story writes things: dates, wrapped paragraphs, the string tables' texts, a passkey
//! as the Passkeys page shows it, and the server's refusals.

use bingx_passkeys_core::{PasskeyInfo, PasskeysText};

use super::detail;

/// `BingX answers <status> <code>: "<message>"` from an error answer's JSON body.
pub(super) fn server_said(status: u16, body: &serde_json::Value) -> String {
    format!(
        "BingX answers {status} {}: \"{}\"",
        body["error"]["code"].as_str().unwrap_or("?"),
        body["error"]["message"].as_str().unwrap_or("?")
    )
}

/// `yes` or `no`.
pub(super) fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// A passkey as the Passkeys page shows it: name, provider, dates, synced or device-bound.
pub(super) fn show_passkey(p: &PasskeyInfo) {
    detail(&format!("• {}", p.name));
    detail(&format!(
        "  Provider: {}{}",
        p.provider,
        if p.provider_known {
            ""
        } else {
            " (not recognised)"
        }
    ));
    detail(&format!("  Created: {}", utc(p.created_at)));
    detail(&format!(
        "  Last used: {}",
        p.last_used_at.map(utc).unwrap_or_else(|| "never".into())
    ));
    detail(&format!(
        "  {}",
        if p.backup_eligible {
            "Synced passkey (backed up by the password manager)"
        } else {
            "Device-bound passkey (only on this device)"
        }
    ));
}

/// `YYYY-MM-DD HH:MM UTC` from unix seconds (Howard Hinnant's civil-from-days).
pub(super) fn utc(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60
    )
}

/// `text` in lines of at most `width` bytes (a longer word gets a line of its own).
pub(super) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let last = lines.last_mut().expect("never empty");
        if !last.is_empty() && last.len() + 1 + word.len() > width {
            lines.push(word.to_owned());
        } else {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    lines
}

/// A text of the string tables (`i18n/texts.toml`, the same table the apps' resources are
/// generated from), in English, as the demo shows it.
pub(super) fn shown(text: &PasskeysText) -> String {
    crate::texts::format_text(text, crate::texts::Lang::En)
        .unwrap_or_else(|e| format!("[{}: {e}]", text.key))
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_formats_known_instants() {
        assert_eq!(super::utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(super::utc(1_795_000_000), "2026-11-18 11:06 UTC");
    }
}
