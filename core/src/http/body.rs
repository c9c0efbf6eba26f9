//! Request bodies, written once as JSON text. A finish request embeds the platform's response as
//! it came: checked to be one JSON value and copied, not parsed into a tree and written again
//! (what `serde_json::json!` with a parsed value did, two thirds of the body's cost).

use serde::Serialize;
use serde_json::value::RawValue;

use super::RequestError;

/// A request's JSON body, ready to send. It carries secrets (a password, a code, a step-up
/// token, a proof, a reset or id token), so its `Debug` shows only its length.
pub(crate) struct Body(pub(super) String);

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Body({} bytes)", self.0.len())
    }
}

impl From<serde_json::Value> for Body {
    fn from(value: serde_json::Value) -> Self {
        Self(value.to_string())
    }
}

/// Which attempt a finish request closes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Closes<'a> {
    /// A password login answered "passkey required" (`login_id`).
    Login(&'a str),
    /// A ceremony the server began (`ceremony_id`).
    Ceremony(&'a str),
}

/// The registration-finish members that follow the credential.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Registering<'a> {
    /// The passkey's name, or `null`: the server names it.
    pub(crate) name: Option<&'a str>,
    /// Whether the passkey also turns the flag on (the Enable flow).
    pub(crate) enable: bool,
}

#[derive(Serialize)]
struct FinishBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    login_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ceremony_id: Option<&'a str>,
    credential: &'a RawValue,
    // `Some(None)` is written as `"name": null`, as the contract has it for a registration.
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<Option<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    enable: Option<bool>,
}

impl Body {
    /// The body of a finish request: the attempt it closes, the platform's response (already
    /// checked by the core) embedded unchanged, and for a registration its name and flag.
    pub(crate) fn finish(
        closes: Closes<'_>,
        credential_json: &str,
        registering: Option<Registering<'_>>,
    ) -> Result<Self, RequestError> {
        let credential: &RawValue = serde_json::from_str(credential_json.trim())
            .map_err(|_| RequestError::InvalidAnswer)?;
        let (login_id, ceremony_id) = match closes {
            Closes::Login(id) => (Some(id), None),
            Closes::Ceremony(id) => (None, Some(id)),
        };
        let body = FinishBody {
            login_id,
            ceremony_id,
            credential,
            name: registering.map(|r| r.name),
            enable: registering.map(|r| r.enable),
        };
        serde_json::to_string(&body)
            .map(Self)
            .map_err(|_| RequestError::InvalidAnswer)
    }
}

/// The registration-finish body (`ceremony_id`, the response, `name: null`, `enable: true`) and
/// the login-finish body (`login_id`, the response), as the client sends them; for the CPU
/// benchmark (`core/benches/ceremony.rs`), which measures this code rather than a copy of it.
/// `None` when the response is not JSON.
#[doc(hidden)]
pub fn finish_body_for_bench(
    registration: bool,
    id: &str,
    credential_json: &str,
) -> Option<String> {
    let body = if registration {
        Body::finish(
            Closes::Ceremony(id),
            credential_json,
            Some(Registering {
                name: None,
                enable: true,
            }),
        )
    } else {
        Body::finish(Closes::Login(id), credential_json, None)
    };
    body.ok().map(|b| b.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    const RESPONSE: &str = r#" {"id":"AQID","rawId":"AQID","type":"public-key","response":{"clientDataJSON":"e30","x":[1,2.5,"\u00e9"]}} "#;

    #[test]
    fn debug_shows_no_secret() {
        let body = Body::from(json!({"email": "a@b.test", "password": "hunter2-secret"}));
        let shown = format!("{body:?}");
        assert!(!shown.contains("hunter2-secret"), "{shown}");
        assert_eq!(shown, format!("Body({} bytes)", body.0.len()));
    }

    fn parsed(body: Body) -> Value {
        serde_json::from_str(&body.0).unwrap()
    }

    #[test]
    fn the_response_is_embedded_unchanged() {
        let response: Value = serde_json::from_str(RESPONSE).unwrap();
        let registration = Body::finish(
            Closes::Ceremony("c-1"),
            RESPONSE,
            Some(Registering {
                name: None,
                enable: true,
            }),
        )
        .unwrap();
        assert_eq!(
            parsed(registration),
            json!({ "ceremony_id": "c-1", "credential": response, "name": null, "enable": true })
        );
        let named = Body::finish(
            Closes::Ceremony("c-2"),
            RESPONSE,
            Some(Registering {
                name: Some("Pixel \"8\""),
                enable: false,
            }),
        )
        .unwrap();
        assert_eq!(
            parsed(named),
            json!({ "ceremony_id": "c-2", "credential": response, "name": "Pixel \"8\"", "enable": false })
        );
        let login = Body::finish(Closes::Login("l-1"), RESPONSE, None).unwrap();
        assert_eq!(
            parsed(login),
            json!({ "login_id": "l-1", "credential": response })
        );
    }

    #[test]
    fn a_response_that_is_not_one_json_value_is_refused() {
        for bad in [
            "",
            "{",
            r#"{"a":1} {"b":2}"#,
            "{\"a\":\"\u{1}\"}",
            r#"{"a":1,}"#,
        ] {
            assert_eq!(
                Body::finish(Closes::Login("l"), bad, None).unwrap_err(),
                RequestError::InvalidAnswer,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn the_bench_entry_writes_what_the_client_sends() {
        let registration = finish_body_for_bench(true, "c-1", RESPONSE).unwrap();
        assert!(registration.contains(r#""name":null"#), "{registration}");
        assert_eq!(finish_body_for_bench(false, "l", "not json"), None);
    }
}
