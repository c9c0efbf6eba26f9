//! The server takes exactly what `docs/openapi.yaml` allows (issue 7): each case is a request at
//! an edge of the contract, found by `scripts/schemathesis` (control characters, lengths counted
//! in characters, empty or `null` values, one-character base64url, arrays for objects), with
//! the answer the contract gives it. Refusals are 400 `BAD_REQUEST` with a fixed message that
//! never repeats the request.

use bingx_passkeys_testkit::harness::Harness;
use serde_json::{Value, json};

/// A marker put into refused values; no answer may echo it.
const MARK: &str = "Zq9mark";

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("<none>")
}

/// `n` copies of a two-byte character: `n` characters, `2 n` UTF-8 bytes.
fn wide(n: usize) -> String {
    "é".repeat(n)
}

/// An assertion credential of the contract's shape (it verifies nothing).
fn assertion() -> Value {
    json!({
        "id": "AAAA",
        "rawId": "AAAA",
        "type": "public-key",
        "authenticatorAttachment": "platform",
        "response": {"clientDataJSON": "e30", "authenticatorData": "AAAA", "signature": "AAAA",
                     "userHandle": null},
        "clientExtensionResults": {"appid": null}
    })
}

/// A registration credential of the contract's shape (it verifies nothing).
fn registration() -> Value {
    json!({
        "id": "AAAA",
        "rawId": "AAAA",
        "type": "public-key",
        "response": {"clientDataJSON": "e30", "attestationObject": "AAAA", "transports": null},
        "clientExtensionResults": {"credProps": {"rk": true}, "minPinLength": 4.0}
    })
}

/// `value` with the member at `pointer` set to `member`.
fn with(mut value: Value, pointer: &str, member: Value) -> Value {
    let (parent, key) = pointer.rsplit_once('/').expect("a pointer");
    value
        .pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .expect("the parent is an object")
        .insert(key.to_owned(), member);
    value
}

/// One request at an edge of the contract.
struct Case {
    what: &'static str,
    method: &'static str,
    path: &'static str,
    signed_in: bool,
    body: Value,
    /// The status and error code of the answer (`""`: not a refusal).
    expect: (u16, &'static str),
}

fn case(
    what: &'static str,
    method: &'static str,
    path: &'static str,
    signed_in: bool,
    body: Value,
    expect: (u16, &'static str),
) -> Case {
    Case {
        what,
        method,
        path,
        signed_in,
        body,
        expect,
    }
}

/// The cases; `id_token` is a genuine Google token of the signed-in account.
fn cases(id_token: &str) -> Vec<Case> {
    const BAD: (u16, &str) = (400, "BAD_REQUEST");
    const OK: (u16, &str) = (200, "");
    let login = |device_id: Value| json!({"email": "nobody@contract.test", "password": "whatever password", "device_id": device_id});
    let withdrawal = |asset: Value, address: Value, amount: &str| json!({"asset": asset, "address": address, "amount": amount});
    let assert_finish =
        |credential: Value| json!({"ceremony_id": "unknown", "credential": credential});
    let register_finish =
        |credential: Value| json!({"ceremony_id": "unknown", "credential": credential});
    let unknown_ceremony = (404, "CEREMONY_NOT_FOUND");
    vec![
        // Device ids: 1 to 128 characters, no control characters.
        case(
            "device id with a control character",
            "POST",
            "/v1/login/password",
            false,
            login(json!(format!("phone\u{7}{MARK}"))),
            BAD,
        ),
        case(
            "device id with a C1 control character",
            "POST",
            "/v1/login/discoverable/begin",
            false,
            json!({"device_id": format!("\u{85}{MARK}")}),
            BAD,
        ),
        case(
            "third-party device id with a control character",
            "POST",
            "/v1/login/third-party",
            false,
            json!({"provider": "google", "id_token": id_token,
                           "device_id": format!("\u{0}{MARK}")}),
            BAD,
        ),
        case(
            "third-party device id of 128 two-byte characters",
            "POST",
            "/v1/login/third-party",
            false,
            json!({"provider": "google", "id_token": id_token, "device_id": wide(128)}),
            OK,
        ),
        case(
            "empty device id",
            "POST",
            "/v1/login/password",
            false,
            login(json!("")),
            BAD,
        ),
        case(
            "device id of 128 two-byte characters",
            "POST",
            "/v1/login/discoverable/begin",
            false,
            json!({"device_id": wide(128)}),
            OK,
        ),
        case(
            "device id of 129 characters",
            "POST",
            "/v1/login/discoverable/begin",
            false,
            json!({"device_id": wide(129)}),
            BAD,
        ),
        case(
            "device id of 128 characters at password login",
            "POST",
            "/v1/login/password",
            false,
            login(json!(wide(128))),
            (401, "INVALID_CREDENTIALS"),
        ),
        // Withdrawals: asset and address 1 to 128 characters without control characters.
        case(
            "withdrawal address with a control character",
            "POST",
            "/v1/withdrawals",
            true,
            withdrawal(json!("BTC"), json!(format!("bc1q\u{2}{MARK}")), "1"),
            BAD,
        ),
        case(
            "withdrawal asset with DEL",
            "POST",
            "/v1/withdrawals",
            true,
            withdrawal(json!(format!("BTC\u{7f}{MARK}")), json!("bc1q"), "1"),
            BAD,
        ),
        case(
            "withdrawal fields of 128 two-byte characters",
            "POST",
            "/v1/withdrawals",
            true,
            withdrawal(json!(wide(128)), json!(wide(128)), "0.5"),
            OK,
        ),
        case(
            "withdrawal address of 129 characters",
            "POST",
            "/v1/withdrawals",
            true,
            withdrawal(json!("BTC"), json!(wide(129)), "1"),
            BAD,
        ),
        case(
            "withdrawal amount of 41 characters",
            "POST",
            "/v1/withdrawals",
            true,
            withdrawal(json!("BTC"), json!("bc1q"), &"1".repeat(41)),
            BAD,
        ),
        case(
            "withdrawal with a null asset",
            "POST",
            "/v1/withdrawals",
            true,
            withdrawal(Value::Null, json!("bc1q"), "1"),
            BAD,
        ),
        // The test identity provider: audience 1 to 128 characters.
        case(
            "empty audience",
            "POST",
            "/v1/testkit/idp/token",
            false,
            json!({"provider": "google", "email": "a@contract.test", "audience": ""}),
            BAD,
        ),
        case(
            "audience of 128 two-byte characters",
            "POST",
            "/v1/testkit/idp/token",
            false,
            json!({"provider": "google", "email": "a@contract.test", "audience": wide(128)}),
            OK,
        ),
        case(
            "audience of 129 characters",
            "POST",
            "/v1/testkit/idp/token",
            false,
            json!({"provider": "google", "email": "a@contract.test", "audience": wide(129)}),
            BAD,
        ),
        // The admin policy: booleans, never null; objects, never arrays.
        case(
            "null H5 switch",
            "PUT",
            "/v1/testkit/admin/policy",
            false,
            json!({"reopen_h5_login": null}),
            BAD,
        ),
        case(
            "null third-party switch",
            "PUT",
            "/v1/testkit/admin/policy",
            false,
            json!({"reopen_third_party_login": null}),
            BAD,
        ),
        case(
            "null scenario switch",
            "PUT",
            "/v1/testkit/admin/policy",
            false,
            json!({"scenarios": {"api_keys": null}}),
            BAD,
        ),
        case(
            "scenarios as an array",
            "PUT",
            "/v1/testkit/admin/policy",
            false,
            json!({"scenarios": [true, true, true]}),
            BAD,
        ),
        case(
            "policy update as an array",
            "PUT",
            "/v1/testkit/admin/policy",
            false,
            json!([true]),
            BAD,
        ),
        case(
            "empty policy update",
            "PUT",
            "/v1/testkit/admin/policy",
            false,
            json!({}),
            OK,
        ),
        // Bodies are JSON objects (serde alone reads a struct from an array of its members).
        case(
            "body as an empty array",
            "POST",
            "/v1/login/discoverable/begin",
            false,
            json!([]),
            BAD,
        ),
        case(
            "body as an array of members",
            "POST",
            "/v1/login/password",
            false,
            json!(["nobody@contract.test", "whatever password", "phone", null]),
            BAD,
        ),
        case(
            "body as a string",
            "POST",
            "/v1/passkeys/registration/begin",
            true,
            json!(MARK),
            BAD,
        ),
        // Credentials: canonical unpadded base64url, `type` public-key, objects where objects.
        case(
            "assertion of the contract's shape",
            "POST",
            "/v1/login/discoverable/finish",
            false,
            assert_finish(assertion()),
            unknown_ceremony,
        ),
        case(
            "one-character rawId",
            "POST",
            "/v1/login/discoverable/finish",
            false,
            assert_finish(with(assertion(), "/rawId", json!("A"))),
            BAD,
        ),
        case(
            "padded rawId",
            "POST",
            "/v1/login/discoverable/finish",
            false,
            assert_finish(with(assertion(), "/rawId", json!("AA=="))),
            BAD,
        ),
        case(
            "rawId with non-zero unused bits",
            "POST",
            "/v1/login/discoverable/finish",
            false,
            assert_finish(with(assertion(), "/rawId", json!("AB"))),
            BAD,
        ),
        case(
            "id that is not base64url",
            "POST",
            "/v1/login/discoverable/finish",
            false,
            assert_finish(with(assertion(), "/id", json!(MARK.to_owned() + "*"))),
            BAD,
        ),
        case(
            "padded signature",
            "POST",
            "/v1/passkeys/verify/finish",
            true,
            assert_finish(with(assertion(), "/response/signature", json!("AAA="))),
            BAD,
        ),
        case(
            "one-character userHandle",
            "POST",
            "/v1/login/passkey",
            false,
            json!({"login_id": "unknown",
                    "credential": with(assertion(), "/response/userHandle", json!("A"))}),
            BAD,
        ),
        case(
            "type other than public-key",
            "POST",
            "/v1/scenarios/verify/finish",
            true,
            assert_finish(with(assertion(), "/type", json!(MARK))),
            BAD,
        ),
        case(
            "authenticatorAttachment as a number",
            "POST",
            "/v1/login/discoverable/finish",
            false,
            assert_finish(with(assertion(), "/authenticatorAttachment", json!(5))),
            BAD,
        ),
        case(
            "response as an array",
            "POST",
            "/v1/login/discoverable/finish",
            false,
            assert_finish(with(
                assertion(),
                "/response",
                json!(["e30", "AAAA", "AAAA"]),
            )),
            BAD,
        ),
        case(
            "both spellings of the extension outputs",
            "POST",
            "/v1/login/discoverable/finish",
            false,
            assert_finish(with(assertion(), "/extensions", json!({}))),
            BAD,
        ),
        case(
            "registration of the contract's shape",
            "POST",
            "/v1/passkeys/registration/finish",
            true,
            register_finish(registration()),
            unknown_ceremony,
        ),
        case(
            "registration with a one-character rawId",
            "POST",
            "/v1/passkeys/registration/finish",
            true,
            register_finish(with(registration(), "/rawId", json!("A"))),
            BAD,
        ),
        case(
            "registration with credProps as an array",
            "POST",
            "/v1/passkeys/registration/finish",
            true,
            register_finish(with(
                registration(),
                "/clientExtensionResults/credProps",
                json!([true]),
            )),
            BAD,
        ),
        case(
            "registration with minPinLength 4.5",
            "POST",
            "/v1/passkeys/registration/finish",
            true,
            register_finish(with(
                registration(),
                "/clientExtensionResults/minPinLength",
                json!(4.5),
            )),
            BAD,
        ),
        // Passkey names: 1 to 64 characters, not only white space, no control characters and no
        // bidirectional controls.
        case(
            "passkey name of spaces",
            "POST",
            "/v1/passkeys/registration/finish",
            true,
            with(register_finish(registration()), "/name", json!("   ")),
            BAD,
        ),
        case(
            "passkey name with a control character",
            "POST",
            "/v1/passkeys/registration/finish",
            true,
            with(
                register_finish(registration()),
                "/name",
                json!(format!("a\u{1b}{MARK}")),
            ),
            BAD,
        ),
        case(
            "passkey name with a right-to-left override",
            "POST",
            "/v1/passkeys/registration/finish",
            true,
            with(
                register_finish(registration()),
                "/name",
                json!(format!("\u{202e}enohp sihT{MARK}")),
            ),
            BAD,
        ),
        case(
            "device id with a left-to-right isolate",
            "POST",
            "/v1/login/discoverable/begin",
            false,
            json!({"device_id": format!("\u{2066}phone{MARK}")}),
            BAD,
        ),
        case(
            "passkey name of 64 two-byte characters",
            "POST",
            "/v1/passkeys/registration/finish",
            true,
            with(register_finish(registration()), "/name", json!(wide(64))),
            unknown_ceremony,
        ),
        case(
            "passkey name of 65 characters, one a trailing space",
            "POST",
            "/v1/passkeys/registration/finish",
            true,
            with(
                register_finish(registration()),
                "/name",
                json!(wide(64) + " "),
            ),
            BAD,
        ),
        // Scenario parameters: names up to 64 and values up to 512 characters.
        case(
            "parameter name of 64 two-byte characters",
            "POST",
            "/v1/scenarios/verify/begin",
            true,
            json!({"scenario": "withdrawal", "params": {wide(64): wide(512)}}),
            (404, "PASSKEY_NOT_FOUND"),
        ),
        case(
            "parameter name of 65 characters",
            "POST",
            "/v1/scenarios/verify/begin",
            true,
            json!({"scenario": "withdrawal", "params": {wide(65): "x"}}),
            BAD,
        ),
        case(
            "scenario outside the catalogue",
            "POST",
            "/v1/scenarios/verify/begin",
            true,
            json!({"scenario": ""}),
            (400, "SCENARIO_UNKNOWN"),
        ),
        // Support resets (J8): the same device ids as at login; tokens and ids name nothing
        // when unknown; the back office's endpoints need its credential before anything else.
        case(
            "reset request device id with a control character",
            "POST",
            "/v1/recovery/begin",
            false,
            login(json!(format!("phone\u{1}{MARK}"))),
            BAD,
        ),
        case(
            "reset request device id of 128 two-byte characters",
            "POST",
            "/v1/recovery/begin",
            false,
            login(json!(wide(128))),
            (401, "INVALID_CREDENTIALS"),
        ),
        case(
            "reset code with a factor outside the contract",
            "POST",
            "/v1/recovery/finish",
            false,
            json!({"recovery_id": "unknown", "factor": MARK, "code": "123456"}),
            BAD,
        ),
        case(
            "reset code for an unknown request",
            "POST",
            "/v1/recovery/finish",
            false,
            json!({"recovery_id": "unknown", "factor": "email", "code": "123456"}),
            (401, "LOGIN_EXPIRED"),
        ),
        case(
            "reset status with an unknown token",
            "POST",
            "/v1/recovery/status",
            false,
            json!({"reset_token": MARK}),
            (404, "RESET_NOT_FOUND"),
        ),
        case(
            "reset status with a null token",
            "POST",
            "/v1/recovery/status",
            false,
            json!({"reset_token": null}),
            BAD,
        ),
        case(
            "reset cancel body as an array",
            "POST",
            "/v1/recovery/cancel",
            true,
            json!([MARK]),
            BAD,
        ),
        case(
            "reset list without the back office's credential",
            "GET",
            "/v1/testkit/admin/resets",
            false,
            json!({}),
            (401, "ADMIN_REQUIRED"),
        ),
        case(
            "reset approval without the back office's credential",
            "POST",
            "/v1/testkit/admin/resets/unknown/approve",
            false,
            json!({}),
            (401, "ADMIN_REQUIRED"),
        ),
        case(
            "clock advance without the back office's credential",
            "POST",
            "/v1/testkit/clock/advance",
            false,
            json!({"seconds": 3600}),
            (401, "ADMIN_REQUIRED"),
        ),
        // Passwords: 8 to 1024 characters at sign-up.
        case(
            "password of 1025 characters",
            "POST",
            "/v1/accounts",
            false,
            json!({"email": "long@contract.test", "password": wide(1025)}),
            BAD,
        ),
    ]
}

#[tokio::test]
async fn the_server_takes_what_the_contract_allows_and_refuses_the_rest() {
    let h = Harness::start().await;
    let account = h.sign_up("edges@contract.test").await;
    let session = h.raw_sign_in(&account, "phone", false).await;
    let (_, policy_before) = h.raw("GET", "/v1/testkit/admin/policy", None, None).await;
    let id_token = h.id_token("google", &account.email).await;
    for case in cases(&id_token) {
        let bearer = case.signed_in.then_some(session.token.as_str());
        // The global policy's bodies are read once the back office's credential is checked.
        let (status, body) = if case.path == "/v1/testkit/admin/policy" {
            let token = Some(h.admin_token());
            h.raw_admin(case.method, case.path, token, Some(case.body))
                .await
        } else {
            h.raw(case.method, case.path, bearer, Some(case.body)).await
        };
        let got = (status, if status < 300 { "" } else { code(&body) });
        assert_eq!(got, case.expect, "{}: {body}", case.what);
        assert!(
            !body.to_string().contains(MARK),
            "{}: the answer repeats the request: {body}",
            case.what
        );
    }
    let (_, policy_after) = h.raw("GET", "/v1/testkit/admin/policy", None, None).await;
    assert_eq!(
        policy_after, policy_before,
        "refused updates changed nothing"
    );
}

#[tokio::test]
async fn an_email_that_only_unicode_case_folding_makes_another_names_no_account() {
    // Review finding (2026-12-05): emails were folded with Unicode lowercasing, which maps the
    // KELVIN SIGN (U+212A) to `k`: an identity provider's verified `\u{212A}ate@…`, a mailbox
    // someone else can hold, signed in to `kate@…`'s account.
    let h = Harness::start().await;
    let kate = h.sign_up("kate@fold.test").await;
    let lookalike = h.id_token("google", "\u{212A}ate@fold.test").await;
    let (status, body) = h
        .raw(
            "POST",
            "/v1/login/third-party",
            None,
            Some(json!({"provider": "google", "id_token": lookalike})),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (401, "INVALID_CREDENTIALS"),
        "{body}"
    );
    // ASCII case still names the same account.
    let upper = h.id_token("google", "KATE@Fold.Test").await;
    let (status, body) = h
        .raw(
            "POST",
            "/v1/login/third-party",
            None,
            Some(json!({"provider": "google", "id_token": upper})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["account_id"], kate.account_id.as_str());
}

#[tokio::test]
async fn a_password_of_1024_two_byte_characters_signs_up_and_in() {
    let h = Harness::start().await;
    let password = wide(1024);
    let (status, body) = h
        .raw(
            "POST",
            "/v1/accounts",
            None,
            Some(json!({"email": "wide@contract.test", "password": password})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = h
        .raw(
            "POST",
            "/v1/login/password",
            None,
            Some(
                json!({"email": "wide@contract.test", "password": password, "device_id": "phone"}),
            ),
        )
        .await;
    assert_eq!(
        (status, &body["status"]),
        (200, &json!("code_required")),
        "{body}"
    );
}

#[tokio::test]
async fn the_clock_moves_forward_only_with_the_back_offices_credential_and_within_a_year() {
    let h = Harness::start().await;
    let advance = async |token: Option<&str>, seconds: Value| {
        h.raw_admin(
            "POST",
            "/v1/testkit/clock/advance",
            token,
            Some(json!({"seconds": seconds})),
        )
        .await
    };
    let wall = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_secs() as i64
    };
    // A wrong credential, then refused values: none of them moves the clock.
    let (status, body) = advance(Some("not-the-admin-token"), json!(3600)).await;
    assert_eq!((status, code(&body)), (401, "ADMIN_REQUIRED"), "{body}");
    for seconds in [
        json!(0),
        json!(-3600),
        json!(366 * 24 * 3600 + 1),
        json!("3600"),
        json!(null),
        json!(1.5),
    ] {
        let (status, body) = advance(Some(h.admin_token()), seconds.clone()).await;
        assert_eq!(
            (status, code(&body)),
            (400, "BAD_REQUEST"),
            "{seconds}: {body}"
        );
    }
    let (status, body) = advance(Some(h.admin_token()), json!(1)).await;
    assert_eq!(status, 200, "{body}");
    let first = body["now"].as_i64().expect("now");
    assert!(
        first - wall() < 3600,
        "a refused move moved the clock: {body}"
    );
    // Two days forward, as J8 moves past a hold.
    let (status, body) = advance(Some(h.admin_token()), json!(48 * 3600)).await;
    assert_eq!(status, 200, "{body}");
    let second = body["now"].as_i64().expect("now");
    assert!(second - first >= 48 * 3600, "{body}");
    assert!(second - wall() >= 48 * 3600, "{body}");
}
