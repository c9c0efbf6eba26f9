//! The domain-association files the platforms fetch before they let an app use the rp id's
//! passkeys, built from the configured app identities: `assetlinks.json` (Android Credential
//! Manager) and `apple-app-site-association` (iOS). Both are public, always 200 and
//! `application/json`; `passkeys-testkit doctor` checks them as the platforms do.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use crate::server::config::android_cert_fingerprints;
use crate::server::state::AppState;

/// The relation that lets an Android app use the site's sign-in credentials.
const GET_LOGIN_CREDS: &str = "delegate_permission/common.get_login_creds";

/// `GET /.well-known/assetlinks.json`: one `get_login_creds` statement per configured package
/// with the certificate of every allowed `android:apk-key-hash:` origin; `[]` when no Android
/// origin is allowed (no app can be associated without its certificate).
pub async fn assetlinks(State(app): State<AppState>) -> Json<Value> {
    let fingerprints = android_cert_fingerprints(&app.config);
    if fingerprints.is_empty() {
        return Json(json!([]));
    }
    let statements: Vec<Value> = app
        .config
        .android_packages
        .iter()
        .map(|package| {
            json!({
                "relation": [GET_LOGIN_CREDS],
                "target": {
                    "namespace": "android_app",
                    "package_name": package,
                    "sha256_cert_fingerprints": fingerprints,
                },
            })
        })
        .collect();
    Json(Value::Array(statements))
}

/// `GET /.well-known/apple-app-site-association`: `webcredentials.apps` lists the configured
/// application identifiers.
pub async fn apple_app_site_association(State(app): State<AppState>) -> Json<Value> {
    Json(json!({ "webcredentials": { "apps": app.config.apple_app_ids } }))
}
