//! The reference server over real loopback HTTP, for everything that needs no authenticator:
//! accounts, login factors, trusted devices, step-up, creation options, and hostile input.
//! (Registration with a password manager is covered by the end-to-end tests.)

use std::time::Duration;

use bingx_passkeys_testkit::server::{self, RunningServer, ServerConfig, totp_code};
use serde_json::{Value, json};

const RP_ID: &str = "server.bingx.test";
const PASSWORD: &str = "correct horse battery";

struct Server {
    server: RunningServer,
    http: reqwest::Client,
}

struct Account {
    email: String,
    totp_secret: String,
}

impl Server {
    async fn start() -> Self {
        Self::start_with(ServerConfig::for_tests(RP_ID)).await
    }

    async fn start_with(config: ServerConfig) -> Self {
        let server = server::start(config, ([127, 0, 0, 1], 0).into())
            .await
            .expect("server starts");
        bingx_passkeys_core::install_tls_provider();
        Self {
            server,
            http: reqwest::Client::new(),
        }
    }

    /// Sends a request; the body is JSON text (or anything, for hostile-input tests).
    async fn send(
        &self,
        method: &str,
        path: &str,
        bearer: Option<&str>,
        body: Option<String>,
    ) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.server.base_url()));
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body);
        }
        let response = request.send().await.expect("server answers");
        let status = response.status().as_u16();
        let bytes = response.bytes().await.expect("body");
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    async fn post(&self, path: &str, bearer: Option<&str>, body: Value) -> (u16, Value) {
        self.send("POST", path, bearer, Some(body.to_string()))
            .await
    }

    async fn get(&self, path: &str, bearer: Option<&str>) -> (u16, Value) {
        self.send("GET", path, bearer, None).await
    }

    async fn sign_up(&self, email: &str) -> Account {
        let (status, body) = self
            .post(
                "/v1/accounts",
                None,
                json!({"email": email, "password": PASSWORD}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        Account {
            email: body["email"].as_str().expect("email").to_owned(),
            totp_secret: body["totp_secret"].as_str().expect("secret").to_owned(),
        }
    }

    /// The newest code sent to `to` for `purpose`.
    async fn latest_code(&self, to: &str, purpose: &str) -> String {
        let (status, body) = self.get(&format!("/v1/testkit/outbox?to={to}"), None).await;
        assert_eq!(status, 200, "{body}");
        let messages = body["messages"].as_array().expect("messages");
        let message = messages
            .iter()
            .rev()
            .find(|m| m["purpose"] == purpose)
            .expect("a code was sent");
        message["code"].as_str().expect("code").to_owned()
    }

    async fn password_login(&self, account: &Account, device: &str, trust: Option<&str>) -> Value {
        let mut body = json!({"email": account.email, "password": PASSWORD, "device_id": device});
        if let Some(trust) = trust {
            body["trust_token"] = json!(trust);
        }
        let (status, body) = self.post("/v1/login/password", None, body).await;
        assert_eq!(status, 200, "{body}");
        body
    }

    /// Password + emailed code; returns the signed-in answer.
    async fn login(&self, account: &Account, device: &str, trust_device: bool) -> Value {
        let started = self.password_login(account, device, None).await;
        assert_eq!(started["status"], "code_required", "{started}");
        let code = self.latest_code(&account.email, "login").await;
        let (status, body) = self
            .post(
                "/v1/login/code",
                None,
                json!({"login_id": started["login_id"], "factor": "email", "code": code, "trust_device": trust_device}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["status"], "signed_in");
        body
    }

    async fn session(&self, account: &Account, device: &str) -> String {
        let body = self.login(account, device, false).await;
        body["session_token"].as_str().expect("token").to_owned()
    }

    /// A step-up token for `session` with password + emailed code.
    async fn step_up(&self, account: &Account, session: &str) -> String {
        let (status, begun) = self
            .post(
                "/v1/step-up/begin",
                Some(session),
                json!({"purpose": "passkey_registration"}),
            )
            .await;
        assert_eq!(status, 200, "{begun}");
        let code = self.latest_code(&account.email, "step_up").await;
        let (status, body) = self
            .post(
                "/v1/step-up/finish",
                Some(session),
                json!({"step_up_id": begun["step_up_id"], "password": PASSWORD, "factor": "email", "code": code}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body["step_up_token"].as_str().expect("token").to_owned()
    }
}

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("<no envelope>")
}

/// The envelope is `{"error":{"code","message"}}` and the message is a non-empty sentence.
fn assert_envelope(body: &Value, expected: &str) {
    assert_eq!(code(body), expected, "{body}");
    let message = body["error"]["message"].as_str().expect("message");
    assert!(!message.is_empty());
}

fn b64url_len(text: &str) -> usize {
    data_encoding::BASE64URL_NOPAD
        .decode(text.as_bytes())
        .expect("unpadded base64url")
        .len()
}

#[tokio::test]
async fn sign_up_returns_a_totp_secret_and_refuses_duplicates_and_weak_passwords() {
    let s = Server::start().await;
    let account = s.sign_up("Ann@Example.test").await;
    assert_eq!(account.email, "ann@example.test");
    assert_eq!(account.totp_secret.len(), 32);
    assert!(
        account
            .totp_secret
            .bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
    );

    let (status, body) = s
        .post(
            "/v1/accounts",
            None,
            json!({"email": "ann@example.test", "password": "another password"}),
        )
        .await;
    assert_eq!(status, 409);
    assert_envelope(&body, "ACCOUNT_EXISTS");

    for bad in [
        json!({"email": "bo@example.test", "password": "short"}),
        json!({"email": "not-an-email", "password": PASSWORD}),
        json!({"email": "cy@example.test", "password": PASSWORD, "phone": "12"}),
    ] {
        let (status, body) = s.post("/v1/accounts", None, bad).await;
        assert_eq!(status, 400);
        assert_envelope(&body, "BAD_REQUEST");
    }
    s.server.shutdown().await;
}

#[tokio::test]
async fn login_with_an_emailed_code_from_the_outbox() {
    let s = Server::start().await;
    let account = s.sign_up("email@login.test").await;
    let started = s.password_login(&account, "phone-1", None).await;
    assert_eq!(started["status"], "code_required");
    assert_eq!(started["factors"], json!(["email", "totp"]));

    let code = s.latest_code(&account.email, "login").await;
    assert_eq!(code.len(), 6);
    let body = json!({"login_id": started["login_id"], "factor": "email", "code": code, "trust_device": false});
    let (status, signed_in) = s.post("/v1/login/code", None, body.clone()).await;
    assert_eq!(status, 200, "{signed_in}");
    assert_eq!(signed_in["status"], "signed_in");
    assert!(signed_in.get("trust_token").is_none());
    let token = signed_in["session_token"].as_str().expect("token");

    let (status, policy) = s.get("/v1/policy", Some(token)).await;
    assert_eq!(status, 200);
    assert_eq!(policy["account_id"], signed_in["account_id"]);
    assert_eq!(policy["passkey_required"], false);
    assert_eq!(policy["passkey_count"], 0);
    assert_eq!(policy["blocked_paths"], json!([]));
    let (status, list) = s.get("/v1/passkeys", Some(token)).await;
    assert_eq!(status, 200, "{list}");
    // No passkeys yet; the account as its passkeys would name it (for the signals), its health
    // (nothing to lose yet), and nothing else.
    let user_id = list["user"]["id"].as_str().expect("user id");
    assert!(
        passkey_types::encoding::try_from_base64url(user_id).is_some_and(|id| !id.is_empty()),
        "{list}"
    );
    assert_eq!(
        list,
        json!({
            "passkeys": [],
            "user": {"id": user_id, "name": account.email, "display_name": account.email},
            "health": {"at_risk": false, "reasons": [], "action": null, "nudge": false},
        })
    );

    // The login and its code are single use.
    let (status, again) = s.post("/v1/login/code", None, body).await;
    assert_eq!(status, 401);
    assert_envelope(&again, "LOGIN_EXPIRED");
    s.server.shutdown().await;
}

#[tokio::test]
async fn login_with_sms_when_the_account_has_a_phone() {
    let s = Server::start().await;
    let (status, _) = s
        .post(
            "/v1/accounts",
            None,
            json!({"email": "sms@login.test", "password": PASSWORD, "phone": "+15550001234"}),
        )
        .await;
    assert_eq!(status, 201);
    let account = Account {
        email: "sms@login.test".into(),
        totp_secret: String::new(),
    };
    let started = s.password_login(&account, "phone-1", None).await;
    assert_eq!(started["factors"], json!(["email", "sms", "totp"]));
    let code = s.latest_code("%2B15550001234", "login").await;
    let (status, body) = s
        .post(
            "/v1/login/code",
            None,
            json!({"login_id": started["login_id"], "factor": "sms", "code": code, "trust_device": false}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    s.server.shutdown().await;
}

#[tokio::test]
async fn login_with_totp_and_a_totp_code_is_single_use() {
    let s = Server::start().await;
    let account = s.sign_up("totp@login.test").await;
    let code = totp_code(&account.totp_secret, s.server.unix_time());
    let started = s.password_login(&account, "phone-1", None).await;
    let (status, body) = s
        .post(
            "/v1/login/code",
            None,
            json!({"login_id": started["login_id"], "factor": "totp", "code": code, "trust_device": false}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "signed_in");

    let started = s.password_login(&account, "phone-1", None).await;
    let (status, body) = s
        .post(
            "/v1/login/code",
            None,
            json!({"login_id": started["login_id"], "factor": "totp", "code": code, "trust_device": false}),
        )
        .await;
    assert_eq!(status, 401);
    assert_envelope(&body, "CODE_INVALID");
    s.server.shutdown().await;
}

#[tokio::test]
async fn a_trusted_device_skips_the_code_on_that_device_only() {
    let s = Server::start().await;
    let account = s.sign_up("trust@login.test").await;
    let signed_in = s.login(&account, "phone-1", true).await;
    let trust = signed_in["trust_token"].as_str().expect("trust token");

    let again = s.password_login(&account, "phone-1", Some(trust)).await;
    assert_eq!(again["status"], "signed_in", "{again}");
    assert_eq!(again["account_id"], signed_in["account_id"]);
    let (status, _) = s.get("/v1/policy", again["session_token"].as_str()).await;
    assert_eq!(status, 200);

    let elsewhere = s.password_login(&account, "phone-2", Some(trust)).await;
    assert_eq!(elsewhere["status"], "code_required");
    let forged = s.password_login(&account, "phone-1", Some("forged")).await;
    assert_eq!(forged["status"], "code_required");

    // The mark is bound to its account too.
    let other = s.sign_up("other@login.test").await;
    let theirs = s.password_login(&other, "phone-1", Some(trust)).await;
    assert_eq!(theirs["status"], "code_required");
    s.server.shutdown().await;
}

#[tokio::test]
async fn wrong_password_unknown_email_and_wrong_codes_are_refused() {
    let s = Server::start().await;
    let account = s.sign_up("wrong@login.test").await;
    let (status, wrong_password) = s
        .post(
            "/v1/login/password",
            None,
            json!({"email": account.email, "password": "not the password", "device_id": "d"}),
        )
        .await;
    assert_eq!(status, 401);
    assert_envelope(&wrong_password, "INVALID_CREDENTIALS");
    let (status, unknown) = s
        .post(
            "/v1/login/password",
            None,
            json!({"email": "nobody@login.test", "password": PASSWORD, "device_id": "d"}),
        )
        .await;
    assert_eq!(status, 401);
    assert_eq!(unknown, wrong_password, "same answer for unknown email");

    let started = s.password_login(&account, "d", None).await;
    let real = s.latest_code(&account.email, "login").await;
    let wrong = if real == "000000" { "111111" } else { "000000" };
    let attempt = |factor: &str, code: &str| json!({"login_id": started["login_id"], "factor": factor, "code": code, "trust_device": false});
    for (factor, bad) in [("email", wrong), ("sms", real.as_str()), ("totp", "12x456")] {
        let (status, body) = s.post("/v1/login/code", None, attempt(factor, bad)).await;
        assert_eq!(status, 401, "{factor}");
        assert_envelope(&body, "CODE_INVALID");
    }
    // Two more wrong codes and the attempt is dropped: even the right code no longer works.
    for _ in 0..2 {
        s.post("/v1/login/code", None, attempt("email", wrong))
            .await;
    }
    let (status, body) = s
        .post("/v1/login/code", None, attempt("email", &real))
        .await;
    assert_eq!(status, 401);
    assert_envelope(&body, "LOGIN_EXPIRED");

    let (status, body) = s
        .post(
            "/v1/login/code",
            None,
            json!({"login_id": "made-up", "factor": "email", "code": "123456", "trust_device": false}),
        )
        .await;
    assert_eq!(status, 401);
    assert_envelope(&body, "LOGIN_EXPIRED");
    s.server.shutdown().await;
}

#[tokio::test]
async fn a_login_expires() {
    let s = Server::start().await;
    let account = s.sign_up("late@login.test").await;
    let started = s.password_login(&account, "d", None).await;
    let code = s.latest_code(&account.email, "login").await;
    s.server.advance_clock(Duration::from_secs(301));
    let (status, body) = s
        .post(
            "/v1/login/code",
            None,
            json!({"login_id": started["login_id"], "factor": "email", "code": code, "trust_device": false}),
        )
        .await;
    assert_eq!(status, 401);
    assert_envelope(&body, "LOGIN_EXPIRED");
    s.server.shutdown().await;
}

#[tokio::test]
async fn registration_begin_with_only_a_session_is_step_up_required() {
    // BRIEF §5 #4: an attacker holding only a session cannot add a passkey.
    let s = Server::start().await;
    let account = s.sign_up("session-only@reg.test").await;
    let session = s.session(&account, "d").await;
    for body in [
        json!({}),
        json!({"step_up_token": null}),
        json!({"step_up_token": ""}),
        json!({"step_up_token": "forged-token"}),
        json!({"step_up_token": session}),
    ] {
        let (status, answer) = s
            .post("/v1/passkeys/registration/begin", Some(&session), body)
            .await;
        assert_eq!(status, 403, "{answer}");
        assert_envelope(&answer, "STEP_UP_REQUIRED");
    }
    s.server.shutdown().await;
}

#[tokio::test]
async fn a_step_up_token_from_another_session_is_refused() {
    let s = Server::start().await;
    let account = s.sign_up("two-sessions@reg.test").await;
    let first = s.session(&account, "phone-1").await;
    let second = s.session(&account, "phone-2").await;
    let token = s.step_up(&account, &first).await;
    let (status, answer) = s
        .post(
            "/v1/passkeys/registration/begin",
            Some(&second),
            json!({"step_up_token": token}),
        )
        .await;
    assert_eq!(status, 403);
    assert_envelope(&answer, "STEP_UP_REQUIRED");

    // Nor is one from another account.
    let other = s.sign_up("other@reg.test").await;
    let other_session = s.session(&other, "phone-3").await;
    let (status, answer) = s
        .post(
            "/v1/passkeys/registration/begin",
            Some(&other_session),
            json!({"step_up_token": token}),
        )
        .await;
    assert_eq!(status, 403);
    assert_envelope(&answer, "STEP_UP_REQUIRED");

    // It works for the session it was made for.
    let (status, answer) = s
        .post(
            "/v1/passkeys/registration/begin",
            Some(&first),
            json!({"step_up_token": token}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    s.server.shutdown().await;
}

#[tokio::test]
async fn step_up_refuses_a_wrong_password_a_wrong_code_and_expires() {
    let s = Server::start().await;
    let account = s.sign_up("step-up@reg.test").await;
    let session = s.session(&account, "d").await;
    let (status, begun) = s
        .post(
            "/v1/step-up/begin",
            Some(&session),
            json!({"purpose": "passkey_registration"}),
        )
        .await;
    assert_eq!(status, 200, "{begun}");
    assert_eq!(begun["factors"], json!(["email", "totp"]));
    assert_eq!(begun["expires_in_secs"], 300);
    let real = s.latest_code(&account.email, "step_up").await;
    let wrong = if real == "000000" { "111111" } else { "000000" };
    let finish = |password: &str, factor: &str, code: &str| json!({"step_up_id": begun["step_up_id"], "password": password, "factor": factor, "code": code});
    let (status, body) = s
        .post(
            "/v1/step-up/finish",
            Some(&session),
            finish("wrong password", "email", &real),
        )
        .await;
    assert_eq!(status, 401);
    assert_envelope(&body, "INVALID_CREDENTIALS");
    let (status, body) = s
        .post(
            "/v1/step-up/finish",
            Some(&session),
            finish(PASSWORD, "email", wrong),
        )
        .await;
    assert_eq!(status, 401);
    assert_envelope(&body, "CODE_INVALID");

    // TOTP works as the code too.
    let totp = totp_code(&account.totp_secret, s.server.unix_time());
    let (status, body) = s
        .post(
            "/v1/step-up/finish",
            Some(&session),
            finish(PASSWORD, "totp", &totp),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["expires_in_secs"], 300);
    let token = body["step_up_token"].as_str().expect("token").to_owned();
    // A finished step-up can't be finished again with any other code, even the emailed one
    // (only a repeat of its own finish is answered: code_guessing.rs).
    let (status, body) = s
        .post(
            "/v1/step-up/finish",
            Some(&session),
            finish(PASSWORD, "email", &real),
        )
        .await;
    assert_eq!(status, 401);
    assert_envelope(&body, "CODE_INVALID");

    // Its token expires.
    s.server.advance_clock(Duration::from_secs(301));
    let (status, answer) = s
        .post(
            "/v1/passkeys/registration/begin",
            Some(&session),
            json!({"step_up_token": token}),
        )
        .await;
    assert_eq!(status, 403);
    assert_envelope(&answer, "STEP_UP_REQUIRED");

    // So does a begun step-up.
    let (_, begun) = s
        .post(
            "/v1/step-up/begin",
            Some(&session),
            json!({"purpose": "passkey_registration"}),
        )
        .await;
    let code = s.latest_code(&account.email, "step_up").await;
    s.server.advance_clock(Duration::from_secs(301));
    let (status, body) = s
        .post(
            "/v1/step-up/finish",
            Some(&session),
            json!({"step_up_id": begun["step_up_id"], "password": PASSWORD, "factor": "email", "code": code}),
        )
        .await;
    assert_eq!(status, 401);
    assert_envelope(&body, "STEP_UP_EXPIRED");

    let (status, body) = s
        .post(
            "/v1/step-up/begin",
            Some(&session),
            json!({"purpose": "withdrawal"}),
        )
        .await;
    assert_eq!(status, 400);
    assert_envelope(&body, "BAD_REQUEST");
    s.server.shutdown().await;
}

#[tokio::test]
async fn registration_begin_returns_the_inner_creation_options() {
    let s = Server::start().await;
    let account = s.sign_up("options@reg.test").await;
    let session = s.session(&account, "d").await;
    let token = s.step_up(&account, &session).await;
    let (status, body) = s
        .post(
            "/v1/passkeys/registration/begin",
            Some(&session),
            json!({"step_up_token": token}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body["ceremony_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty())
    );
    // The ceremony ends with the step-up that began it (300 s from its finish, a moment ago).
    let expires_in = body["expires_in_secs"].as_i64().unwrap_or_default();
    assert!((290..=300).contains(&expires_in), "{body}");
    let options = &body["options"];
    assert!(options.get("publicKey").is_none(), "the inner object");
    assert!(b64url_len(options["challenge"].as_str().expect("challenge")) >= 16);
    assert_eq!(options["rp"]["id"], RP_ID);
    assert_eq!(options["user"]["name"], account.email);
    assert!(b64url_len(options["user"]["id"].as_str().expect("user id")) >= 16);
    assert_eq!(options["pubKeyCredParams"][0]["alg"], -7, "ES256 first");
    assert_eq!(options["pubKeyCredParams"][0]["type"], "public-key");
    let selection = &options["authenticatorSelection"];
    assert_eq!(selection["residentKey"], "required");
    assert_eq!(selection["requireResidentKey"], true);
    assert_eq!(selection["userVerification"], "required");
    assert_eq!(options["attestation"], "none");
    assert_eq!(options["excludeCredentials"], json!([]));
    assert!(options["timeout"].as_u64().is_some());

    // A second begin gets a different challenge.
    let (_, again) = s
        .post(
            "/v1/passkeys/registration/begin",
            Some(&session),
            json!({"step_up_token": token}),
        )
        .await;
    assert_ne!(again["options"]["challenge"], options["challenge"]);
    assert_ne!(again["ceremony_id"], body["ceremony_id"]);
    s.server.shutdown().await;
}

#[tokio::test]
async fn registration_finish_refuses_unknown_foreign_and_expired_ceremonies() {
    let s = Server::start().await;
    let account = s.sign_up("finish@reg.test").await;
    let session = s.session(&account, "d").await;
    let credential = json!({
        "id": "AAAA", "rawId": "AAAA", "type": "public-key",
        "response": {"clientDataJSON": "e30", "attestationObject": "oA"},
        "clientExtensionResults": {}
    });
    let finish = |ceremony_id: &Value| json!({"ceremony_id": ceremony_id, "credential": credential, "enable": true});
    let (status, body) = s
        .post(
            "/v1/passkeys/registration/finish",
            Some(&session),
            finish(&json!("no-such-ceremony")),
        )
        .await;
    assert_eq!(status, 404);
    assert_envelope(&body, "CEREMONY_NOT_FOUND");

    let token = s.step_up(&account, &session).await;
    let (_, begun) = s
        .post(
            "/v1/passkeys/registration/begin",
            Some(&session),
            json!({"step_up_token": token}),
        )
        .await;
    let ceremony = &begun["ceremony_id"];

    // Another session of the same account: mismatch, and the ceremony survives.
    let other_session = s.session(&account, "d2").await;
    let (status, body) = s
        .post(
            "/v1/passkeys/registration/finish",
            Some(&other_session),
            finish(ceremony),
        )
        .await;
    assert_eq!(status, 403);
    assert_envelope(&body, "CEREMONY_MISMATCH");

    s.server.advance_clock(Duration::from_secs(301));
    let (status, body) = s
        .post(
            "/v1/passkeys/registration/finish",
            Some(&session),
            finish(ceremony),
        )
        .await;
    assert_eq!(status, 410);
    assert_envelope(&body, "CEREMONY_EXPIRED");

    // A garbage credential on a live ceremony is rejected and spends it.
    let token = s.step_up(&account, &session).await;
    let (_, begun) = s
        .post(
            "/v1/passkeys/registration/begin",
            Some(&session),
            json!({"step_up_token": token}),
        )
        .await;
    let ceremony = &begun["ceremony_id"];
    let (status, body) = s
        .post(
            "/v1/passkeys/registration/finish",
            Some(&session),
            finish(ceremony),
        )
        .await;
    assert_eq!(status, 422);
    assert_envelope(&body, "REGISTRATION_REJECTED");
    let (status, body) = s
        .post(
            "/v1/passkeys/registration/finish",
            Some(&session),
            finish(ceremony),
        )
        .await;
    assert_eq!(status, 404);
    assert_envelope(&body, "CEREMONY_NOT_FOUND");

    let (status, policy) = s.get("/v1/policy", Some(&session)).await;
    assert_eq!(status, 200);
    assert_eq!(policy["passkey_required"], false);
    s.server.shutdown().await;
}

#[tokio::test]
async fn revoked_unknown_and_missing_tokens_are_unauthenticated() {
    let s = Server::start().await;
    let account = s.sign_up("logout@auth.test").await;
    let session = s.session(&account, "d").await;
    let (status, _) = s.send("POST", "/v1/logout", Some(&session), None).await;
    assert_eq!(status, 204);
    for bearer in [Some(session.as_str()), Some("unknown-token"), None] {
        for (method, path) in [("GET", "/v1/policy"), ("GET", "/v1/passkeys")] {
            let (status, body) = s.send(method, path, bearer, None).await;
            assert_eq!(status, 401, "{path}");
            assert_envelope(&body, "UNAUTHENTICATED");
        }
        let (status, body) = s
            .post(
                "/v1/step-up/begin",
                bearer,
                json!({"purpose": "passkey_registration"}),
            )
            .await;
        assert_eq!(status, 401);
        assert_envelope(&body, "UNAUTHENTICATED");
    }
    // A malformed Authorization header is no better.
    let response = s
        .http
        .get(format!("{}/v1/policy", s.server.base_url()))
        .header("authorization", "Basic Zm9vOmJhcg==")
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status().as_u16(), 401);
    s.server.shutdown().await;
}

#[tokio::test]
async fn hostile_input_gets_the_json_envelope() {
    let s = Server::start().await;
    // Oversized body: 413, declared or not.
    let huge = format!("{{\"email\":\"{}\"}}", "a".repeat(70 * 1024));
    let (status, body) = s.send("POST", "/v1/accounts", None, Some(huge)).await;
    assert_eq!(status, 413);
    assert_envelope(&body, "PAYLOAD_TOO_LARGE");
    let (status, body) = chunked_post(&s, "/v1/accounts", 80 * 1024).await;
    assert_eq!(status, 413);
    assert_envelope(&body, "PAYLOAD_TOO_LARGE");

    // Malformed, ill-typed and deeply nested JSON: 400.
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    for bad in [
        "{not json",
        "",
        "[]",
        r#"{"email": 5, "password": "long enough"}"#,
        r#"{"email": "a@b.test"}"#,
        deep.as_str(),
    ] {
        let (status, body) = s
            .send("POST", "/v1/accounts", None, Some(bad.to_owned()))
            .await;
        assert_eq!(status, 400, "{bad:.40}");
        assert_envelope(&body, "BAD_REQUEST");
    }
    // No content type: 400 too.
    let response = s
        .http
        .post(format!("{}/v1/accounts", s.server.base_url()))
        .body(r#"{"email":"a@b.test","password":"long enough"}"#)
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status().as_u16(), 400);

    // Unknown route and wrong method.
    let (status, body) = s.get("/v1/nope", None).await;
    assert_eq!(status, 404);
    assert_envelope(&body, "NOT_FOUND");
    let (status, body) = s.get("/v1/accounts", None).await;
    assert_eq!(status, 405);
    assert_envelope(&body, "METHOD_NOT_ALLOWED");
    let (status, body) = s.get("/v1/testkit/outbox", None).await;
    assert_eq!(status, 400);
    assert_envelope(&body, "BAD_REQUEST");
    s.server.shutdown().await;
}

/// POSTs `len` bytes with chunked transfer encoding (no Content-Length declared) over a raw
/// socket; returns the status and the JSON body.
async fn chunked_post(s: &Server, path: &str, len: usize) -> (u16, Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(s.server.addr())
        .await
        .expect("connect");
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.expect("head");
    let chunk = format!("400\r\n{}\r\n", " ".repeat(1024));
    for _ in 0..len / 1024 {
        if stream.write_all(chunk.as_bytes()).await.is_err() {
            break; // the server may answer and close early
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response).await;
    let text = String::from_utf8_lossy(&response);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .expect("a status line");
    let body = text.split("\r\n\r\n").nth(1).unwrap_or_default();
    let json = body
        .find('{')
        .and_then(|start| body.rfind('}').map(|end| &body[start..=end]))
        .and_then(|json| serde_json::from_str(json).ok())
        .unwrap_or(Value::Null);
    (status, json)
}

#[tokio::test]
async fn no_secret_is_echoed_in_errors() {
    let s = Server::start().await;
    let account = s.sign_up("secrets@auth.test").await;
    let secret_password = "hunter2-very-secret";
    let (_, body) = s
        .post(
            "/v1/login/password",
            None,
            json!({"email": account.email, "password": secret_password, "device_id": "d"}),
        )
        .await;
    assert!(!body.to_string().contains(secret_password));
    let (_, body) = s
        .send("GET", "/v1/policy", Some("bearer-secret-value"), None)
        .await;
    assert!(!body.to_string().contains("bearer-secret-value"));
    s.server.shutdown().await;
}

#[tokio::test]
async fn config_validation_refuses_origins_that_would_never_match() {
    let mut config = ServerConfig::for_tests(RP_ID);
    config
        .origins
        .push("android:apk-key-hash:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=".into());
    assert!(
        server::start(config, ([127, 0, 0, 1], 0).into())
            .await
            .is_err()
    );
    let mut config = ServerConfig::for_tests(RP_ID);
    config.origins = vec![format!("http://{RP_ID}")];
    assert!(config.validate().is_err());
}

#[tokio::test]
async fn demo_accounts_are_seeded_with_a_known_totp_secret() {
    let mut config = ServerConfig::for_tests(RP_ID);
    config.seed_demo_accounts = true;
    let s = Server::start_with(config).await;
    let alice = &server::DEMO_ACCOUNTS[0];
    let (status, started) = s
        .post(
            "/v1/login/password",
            None,
            json!({"email": alice.email, "password": alice.password, "device_id": "qa"}),
        )
        .await;
    assert_eq!(status, 200, "{started}");
    let code = totp_code(alice.totp_secret, s.server.unix_time());
    let (status, body) = s
        .post(
            "/v1/login/code",
            None,
            json!({"login_id": started["login_id"], "factor": "totp", "code": code, "trust_device": false}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    s.server.shutdown().await;
}
