//! The reference server's enforcement of contract v2 (issue 3: passkeys are required while the
//! flag is on), over raw loopback HTTP with no core in between: blocked paths and their
//! reopening, the test identity provider's tokens, the global policy, proofs, withdrawals, the
//! signed policy, security events, and the assertion ceremonies (with the software password
//! manager standing in for the platform) — BRIEF §5 #1, #2, #5, #6, #7, #10, #11.
//!
//! Each test sets up the accounts it names, then runs tables of cases (`http_table`): a request
//! as a user or an attacker would send it and the answer the server must give, and — where a
//! refusal must leave something unchanged or recorded — a request that reads it back. Names in
//! braces are values set up or kept by earlier cases: `{alice/session}` is Alice's session
//! token, `{login/options}` the options of the answer kept as `login`.

mod common;
mod http_table;

use bingx_passkeys_testkit::harness::{Harness, RP_ID};
use bingx_passkeys_testkit::server::{PolicyKey, ServerConfig};
use bingx_passkeys_testkit::softpm::Fault;
use http_table::{
    B64, Call, Checked, Request, Step, World, advance, assert_with, call, create_with, ensure,
    inspect, now, outbox_code, remove, rewind,
};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use serde_json::{Value, json};

const PROVIDERS: [&str; 3] = ["google", "apple", "telegram"];

// ---------------------------------------------------------------------------------------------
// request bodies, and the sequences several tables share

/// `{"email", "password", "device_id"}` of the account kept as `a`.
fn password(a: &str) -> Value {
    json!({"email": format!("{{{a}/email}}"), "password": format!("{{{a}/password}}"), "device_id": "web"})
}

/// An assertion finish: the ceremony kept as `begun`, the credential kept as `credential`.
fn finish(begun: &str, credential: &str) -> Value {
    json!({"ceremony_id": format!("{{{begun}/ceremony_id}}"), "credential": format!("{{{credential}}}")})
}

/// A passkey login's second step: the login kept as `started`, the credential as `credential`.
fn login(started: &str, credential: &str) -> Value {
    json!({"login_id": format!("{{{started}/login_id}}"), "credential": format!("{{{credential}}}")})
}

/// A rename to `name` with the proof kept as `proof`.
fn rename(name: &str, proof: &str) -> Value {
    json!({"name": name, "proof": format!("{{{proof}/proof}}")})
}

/// A withdrawal of `amount` USDT to TXabc, with `proof` (a template, or null).
fn withdrawal(amount: &str, proof: Value) -> Value {
    json!({"asset": "USDT", "address": "TXabc", "amount": amount, "proof": proof})
}

/// The test identity provider's `provider` token for `email` (a template): `{save/id_token}`.
fn id_token(save: &str, provider: &str, email: &str) -> Call {
    call(
        format!("the IdP's {provider} token for {email}"),
        "POST /v1/testkit/idp/token",
    )
    .body(json!({"provider": provider, "email": email}))
    .ok()
    .save(save)
}

/// Third-party login with `provider` and the token `token` (a template).
fn third_party(name: impl Into<String>, provider: &str, token: &str) -> Request {
    call(name, "POST /v1/login/third-party").body(json!({"provider": provider, "id_token": token}))
}

/// Password, then the passkey in `pm`, for the account kept as `account`: the signed-in answer
/// is kept as `save` (`{save/session_token}`).
fn passkey_login(save: &str, account: &str, pm: &str) -> Step {
    let (started, credential) = (format!("{save}_started"), format!("{save}_credential"));
    Step::Seq(table! {
        call(format!("{save}: the password step"), "POST /v1/login/password")
            .body(password(account)).ok().field("/status", "passkey_required").save(&started),
        assert_with(pm, &format!("{{{started}/options}}"), &credential),
        call(format!("{save}: the passkey step signs in"), "POST /v1/login/passkey")
            .body(login(&started, &credential)).ok().field("/status", "signed_in").save(save),
    })
}

/// A proof for `purpose` (`"purpose"` for a passkey verification, or `"scenario"` with
/// `params`) in the session `by` (a template), from `pm`: `{save/proof}`.
fn verified(save: &str, by: &str, pm: &str, kind: &str, begin: Value) -> Step {
    let (begun, credential) = (format!("{save}_begun"), format!("{save}_credential"));
    let (begin_path, finish_path) = match kind {
        "purpose" => (
            "POST /v1/passkeys/verify/begin",
            "POST /v1/passkeys/verify/finish",
        ),
        _ => (
            "POST /v1/scenarios/verify/begin",
            "POST /v1/scenarios/verify/finish",
        ),
    };
    Step::Seq(table! {
        call(format!("{save}: a verification begins"), begin_path)
            .by(by).body(begin).ok().save(&begun),
        assert_with(pm, &format!("{{{begun}/options}}"), &credential),
        call(format!("{save}: the proof"), finish_path)
            .by(by).body(finish(&begun, &credential)).ok().save(save),
    })
}

/// A passkey proof for `purpose` in the session `by` (a template), from `pm`: `{save/proof}`.
fn proof(save: &str, by: &str, pm: &str, purpose: &str) -> Step {
    verified(save, by, pm, "purpose", json!({"purpose": purpose}))
}

/// A scenario proof for `scenario` and `params` in the session `by`, from `pm`: `{save/proof}`.
fn scenario_proof(save: &str, by: &str, pm: &str, scenario: &str, params: Value) -> Step {
    verified(
        save,
        by,
        pm,
        "scenario",
        json!({"scenario": scenario, "params": params}),
    )
}

fn b64_json(part: &str) -> Value {
    serde_json::from_slice(&B64.decode(part.as_bytes()).expect("base64url")).expect("JSON")
}

// ---------------------------------------------------------------------------------------------
// blocked paths (BRIEF §5 #1, #2)

#[tokio::test]
async fn h5_and_third_party_login_work_for_an_unflagged_account() {
    let mut w = World::start().await;
    w.account("bob", "bob@open.test").await;
    let mut table = table! {
        call("unflagged: H5 login asks for a code", "POST /v1/login/h5")
            .body(password("bob")).ok().field("/status", "code_required"),
        call("unflagged: the H5 login sent one code", "GET /v1/testkit/outbox?to={bob/email}")
            .ok().len("/messages", 1),
    };
    for p in PROVIDERS {
        table.extend(table! {
            // The email as the provider spells it: trimmed and compared without case.
            id_token("token", p, "  BOB@open.test "),
            third_party(format!("unflagged: {p} login signs in"), p, "{token/id_token}")
                .ok().field("/status", "signed_in").field("/account_id", "{bob/account_id}")
                .save("signed_in"),
            call(format!("unflagged: the {p} session's policy requires no passkey"), "GET /v1/policy")
                .by("{signed_in/session_token}").ok().field("/passkey_required", false),
        });
    }
    table.extend(table! {
        id_token("nobody", "google", "nobody@open.test"),
        third_party("no account has the email: a wrong password's answer", "google", "{nobody/id_token}")
            .refused(401, "INVALID_CREDENTIALS"),
    });
    w.run(table).await;
}

#[tokio::test]
async fn id_tokens_are_verified_strictly() {
    let mut w = World::start().await;
    w.account("bob", "bob@idp.test").await;
    w.run(table! {
        id_token("good", "google", "{bob/email}")
            .that("an ES256 token of the test IdP for bingx, Google and Bob", |answer| {
                let token = answer["id_token"].as_str().ok_or("no id_token")?;
                let parts: Vec<&str> = token.split('.').collect();
                let (header, claims) = (b64_json(parts[0]), b64_json(parts[1]));
                ensure(header["alg"] == "ES256" && claims["iss"] == "https://idp.testkit.bingx.test"
                    && claims["aud"] == "bingx" && claims["provider"] == "google"
                    && claims["email"] == "bob@idp.test", || format!("{header} {claims}"))
            }),
        call("the IdP's token for another app", "POST /v1/testkit/idp/token")
            .body(json!({"provider": "google", "email": "{bob/email}", "audience": "another-app"}))
            .ok().save("other_app"),
    })
    .await;

    let good = w.text("{good/id_token}");
    let parts: Vec<&str> = good.split('.').collect();
    let (header, claims, signature) = (parts[0], b64_json(parts[1]), parts[2]);
    let encode = |value: &Value| B64.encode(value.to_string().as_bytes());
    let mut other_email = claims.clone();
    other_email["email"] = json!("mallory@idp.test");
    let mut late = claims.clone();
    late["exp"] = json!(claims["exp"].as_i64().unwrap() + 86_400);
    let forger = SigningKey::from_slice(&[42u8; 32]).expect("key");
    let signed = format!("{header}.{}", parts[1]);
    let forged: Signature = p256::ecdsa::signature::Signer::sign(&forger, signed.as_bytes());
    let (none, hs256) = (
        encode(&json!({"alg": "none"})),
        encode(&json!({"alg": "HS256"})),
    );
    let forgeries = [
        (
            "the email changed under the original signature",
            format!("{header}.{}.{signature}", encode(&other_email)),
        ),
        (
            "the expiry a day later under the original signature",
            format!("{header}.{}.{signature}", encode(&late)),
        ),
        (
            "signed by someone else's key, well formed otherwise",
            format!("{signed}.{}", B64.encode(&forged.to_bytes())),
        ),
        (
            "alg none without a signature",
            format!("{none}.{}.", parts[1]),
        ),
        (
            "alg HS256 over the ES256 signature",
            format!("{hs256}.{}.{signature}", parts[1]),
        ),
        (
            "an all-zero ECDSA signature (CVE-2022-21449)",
            format!("{signed}.{}", B64.encode(&[0u8; 64])),
        ),
        ("not a token", "not-a-token".to_owned()),
        ("an empty token", String::new()),
        (
            "a genuine token for another app (wrong audience)",
            "{other_app/id_token}".to_owned(),
        ),
    ];
    let mut table: Vec<Step> = forgeries
        .into_iter()
        .map(|(name, token)| {
            let case = third_party(name, "google", &token);
            case.refused(401, "ID_TOKEN_INVALID").into()
        })
        .collect();
    for p in ["apple", "facebook", ""] {
        let case = third_party(format!("a Google token presented as {p:?}'s"), p, &good);
        table.push(case.refused(401, "ID_TOKEN_INVALID").into());
    }
    let signature = signature.to_owned();
    table.extend(table! {
        call("the IdP serves only the three providers", "POST /v1/testkit/idp/token")
            .body(json!({"provider": "facebook", "email": "{bob/email}"}))
            .refused(400, "BAD_REQUEST"),
        third_party("the genuine token, still valid", "google", "{good/id_token}")
            .ok().field("/status", "signed_in"),
        // The token lives 300 s on the server's clock.
        advance(301),
        third_party("the genuine token, expired", "google", "{good/id_token}")
            .refused(401, "ID_TOKEN_INVALID")
            .that("the answer shows no part of the token", move |answer| {
                ensure(!answer.to_string().contains(&signature), || "it does".into())
            }),
    });
    w.run(table).await;
}

#[tokio::test]
async fn flagged_accounts_are_refused_on_h5_and_third_party_until_the_policy_reopens_them() {
    let mut w = World::start().await;
    w.flagged("alice", "alice@blocked.test").await;
    let mut table = table! {
        call("the outbox before", "GET /v1/testkit/outbox?to={alice/email}").ok().save("outbox"),
        call("flagged: H5 login is refused, with a message to show", "POST /v1/login/h5")
            .body(password("alice")).refused(403, "H5_LOGIN_BLOCKED")
            .that("the message names the passkey", |answer| {
                let message = answer["error"]["message"].as_str().unwrap_or_default();
                ensure(message.contains("passkey"), || message.to_owned())
            }),
        // The password is checked first: a wrong one reveals nothing about the flag.
        call("flagged: H5 login with a wrong password", "POST /v1/login/h5")
            .body(json!({"email": "{alice/email}", "password": "wrong password", "device_id": "web"}))
            .refused(401, "INVALID_CREDENTIALS"),
    };
    for p in PROVIDERS {
        table.extend(table! {
            id_token("token", p, "{alice/email}"),
            third_party(format!("flagged: {p} login is refused"), p, "{token/id_token}")
                .refused(403, "THIRD_PARTY_LOGIN_BLOCKED"),
        });
    }
    table.extend(table! {
        call("no code was sent", "GET /v1/testkit/outbox?to={alice/email}")
            .ok().field("/messages", "{outbox/messages}"),
        call("the policy blocks both paths", "GET /v1/policy").by("{alice/session}")
            .ok().field("/blocked_paths", json!(["h5_login", "third_party_login"])).save("before"),
        // A later phase reopens H5: it then behaves like the app's password login (a passkey,
        // never a code); third-party stays blocked.
        call("the operator reopens H5 login", "PUT /v1/testkit/admin/policy").with_admin_token()
            .body(json!({"reopen_h5_login": true}))
            .ok().field("/reopen_h5_login", true).field("/reopen_third_party_login", false),
        call("the policy shows it, and cached policies go stale", "GET /v1/policy")
            .by("{alice/session}").ok().field("/blocked_paths", json!(["third_party_login"]))
            .above("/version", "{before/version}"),
        call("reopened H5 asks for the passkey, not a code", "POST /v1/login/h5")
            .body(password("alice")).ok().field("/status", "passkey_required"),
        id_token("token", "google", "{alice/email}"),
        third_party("third-party stays blocked while only H5 is reopened", "google", "{token/id_token}")
            .refused(403, "THIRD_PARTY_LOGIN_BLOCKED"),
        call("the operator reopens third-party login", "PUT /v1/testkit/admin/policy").with_admin_token()
            .body(json!({"reopen_third_party_login": true}))
            .ok().field("/reopen_third_party_login", true),
        third_party("reopened third-party signs the flagged account in", "google", "{token/id_token}")
            .ok().field("/status", "signed_in"),
        call("the policy blocks nothing", "GET /v1/policy").by("{alice/session}")
            .ok().field("/blocked_paths", json!([])),
        call("the operator closes both again", "PUT /v1/testkit/admin/policy").with_admin_token()
            .body(json!({"reopen_h5_login": false, "reopen_third_party_login": false})).ok(),
        call("H5 is blocked again at the next request", "POST /v1/login/h5")
            .body(password("alice")).refused(403, "H5_LOGIN_BLOCKED"),
        third_party("third-party is blocked again at the next request", "google", "{token/id_token}")
            .refused(403, "THIRD_PARTY_LOGIN_BLOCKED"),
        call("each refusal is a security event", "GET /v1/security-events").by("{alice/session}")
            .ok().count("/events", "/kind", "blocked_h5_login", 2)
            .count("/events", "/kind", "blocked_third_party_login", 5),
    });
    w.run(table).await;
}

#[tokio::test]
async fn a_refused_h5_login_writes_no_sentence_of_its_own_into_the_activity() {
    // Anyone with the password chooses the device id of a refused H5 login; the owner reads it
    // in the activity (and may be deciding about a reset request). It is shown as an identifier
    // only: no quotes to close the server's sentence and open one of the caller's.
    let mut w = World::start().await;
    w.flagged("alice", "alice@h5-words.test").await;
    let forged =
        "x\" was checked. Support: the pending reset is routine, do not cancel it. Ref \"7";
    w.run(table! {
        call("H5 with a device id that writes a sentence", "POST /v1/login/h5")
            .body(json!({"email": "{alice/email}", "password": "{alice/password}", "device_id": forged}))
            .refused(403, "H5_LOGIN_BLOCKED"),
        call("the owner's activity", "GET /v1/security-events").by("{alice/session}").ok()
            .that("the refusal shows the device id as an identifier", |answer| {
                let detail = answer["events"].as_array().into_iter().flatten()
                    .find(|e| e["kind"] == "blocked_h5_login")
                    .and_then(|e| e["detail"].as_str()).unwrap_or_default().to_owned();
                ensure(detail.matches('"').count() == 2 && !detail.contains("do not cancel"), || detail)
            }),
    })
    .await;
}

#[tokio::test]
async fn a_passkey_name_cannot_close_its_quotes_in_the_activity() {
    // A passkey's name is the user's (or whoever registered it) own words; in the activity it
    // stays inside its quotes, whatever it contains.
    let mut w = World::start().await;
    w.flagged("alice", "alice@name-words.test").await;
    let patch = "PATCH /v1/passkeys/{alice/passkey/credential_id}";
    let forged = "x\" was checked by BingX Support. Do not cancel the reset. \"y";
    w.run(table! {
        proof("rename", "{alice/session}", "alice", "rename_passkey"),
        call("a name with quotes of its own", patch).by("{alice/session}")
            .body(rename(forged, "rename")).ok(),
        call("the owner's activity", "GET /v1/security-events").by("{alice/session}").ok()
            .that("the new name stays inside its quotes", |answer| {
                let detail = answer["events"].as_array().into_iter().flatten()
                    .find(|e| e["kind"] == "passkey_renamed")
                    .and_then(|e| e["detail"].as_str()).unwrap_or_default().to_owned();
                ensure(detail.matches('"').count() == 4 && detail.contains("'y"), || detail)
            }),
    })
    .await;
}

#[tokio::test]
async fn flagged_password_login_gives_passkey_options_and_never_a_code() {
    let mut w = World::start().await;
    w.signed_in("alice", "alice@j2.test").await;
    // A trusted laptop, from before the flag went on.
    w.session("laptop", "alice", "laptop", true).await;
    w.pm("alice");
    w.register("alice", "alice", true).await;
    let mut table = table! {
        call("the outbox before", "GET /v1/testkit/outbox?to={alice/email}").ok().save("outbox"),
    };
    let trusted = json!("{laptop/trust_token}");
    for (device, trust) in [
        ("untrusted", Value::Null),
        ("trusted before the flag", trusted),
    ] {
        let body = json!({"email": "{alice/email}", "password": "{alice/password}",
                          "device_id": "laptop", "trust_token": trust});
        table.extend(table! {
            call(format!("{device}: the password gives passkey options only"), "POST /v1/login/password")
                .body(body).ok()
                .field("/status", "passkey_required").absent("/session_token").absent("/factors")
                .field("/options/rpId", RP_ID).field("/options/userVerification", "required")
                .len("/options/allowCredentials", 1)
                .field("/options/allowCredentials/0/id", "{alice/passkey/credential_id}")
                .absent("/options/publicKey")
                .that("a 32-byte challenge", |answer| {
                    let challenge = answer["options"]["challenge"].as_str().unwrap_or("!");
                    let len = B64.decode(challenge.as_bytes()).map(|c| c.len());
                    ensure(len == Ok(32), || format!("{len:?}"))
                })
                .save("login"),
        });
        // The passkey login's id offered with a code: refused, no downgrade.
        for factor in ["email", "sms", "totp"] {
            let code = json!({"login_id": "{login/login_id}", "factor": factor,
                              "code": "000000", "trust_device": true});
            table.extend(table! {
                call(format!("{device}: the passkey login with an {factor} code"), "POST /v1/login/code")
                    .body(code).refused(403, "PASSKEY_REQUIRED"),
            });
        }
    }
    table.extend(table! {
        call("no code, ever", "GET /v1/testkit/outbox?to={alice/email}")
            .ok().field("/messages", "{outbox/messages}"),
        call("step-up with password + code is refused", "POST /v1/step-up/begin")
            .by("{alice/session}").body(json!({"purpose": "passkey_registration"}))
            .refused(403, "PASSKEY_REQUIRED"),
        call("adding a passkey with a step-up is refused", "POST /v1/passkeys/registration/begin")
            .by("{alice/session}").body(json!({"step_up_token": "anything"}))
            .refused(403, "PASSKEY_VERIFICATION_REQUIRED"),
        // Once per sign-in, however often a code is offered: repeating it cannot flood the
        // activity (and push older events, such as a reset request, out of the owner's view).
        call("each refused sign-in is one security event, newest first", "GET /v1/security-events")
            .by("{alice/session}").ok().each("/events", "/kind", &[
                "refused_otp_login", "refused_otp_login", "flag_on", "passkey_added",
            ]),
    });
    w.run(table).await;
}

#[tokio::test]
async fn a_code_login_begun_before_enabling_gets_no_session_after() {
    let mut w = World::start().await;
    w.signed_in("alice", "alice@race.test").await;
    // A password login on another device waits for its code...
    w.run(table! {
        call("a password login before the flag asks for a code", "POST /v1/login/password")
            .body(password("alice")).ok().field("/status", "code_required").save("pending"),
        outbox_code("{alice/email}", "login", "code"),
        inspect("the code was sent", "{code}").that("six digits", |code| {
            ensure(code.as_str().is_some_and(|c| c.len() == 6), || code.to_string())
        }),
    })
    .await;
    // ...while the phone enables.
    w.pm("alice");
    w.register("alice", "alice", true).await;
    let code = json!({"login_id": "{pending/login_id}", "factor": "email", "code": "{code}",
                      "trust_device": false});
    // Either the login went with the Enable (the reference server drops it) or the code is
    // refused for the flag: the contract allows both. No session, ever.
    w.run(table! {
        call("the right code after the flag went on", "POST /v1/login/code").body(code.clone())
            .refused_either(&[(401, "LOGIN_EXPIRED"), (403, "PASSKEY_REQUIRED")])
            .absent("/session_token"),
        call("the same code again: that login is gone", "POST /v1/login/code").body(code)
            .refused(401, "LOGIN_EXPIRED").absent("/session_token"),
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// the global policy, the signed policy, security events

#[tokio::test]
async fn the_global_policy_round_trips_and_takes_effect_at_once() {
    let mut w = World::start().await;
    w.signed_in("bob", "bob@admin.test").await;
    let default = json!({
        "scenarios": {"login": true, "withdrawal": false, "security_settings": false, "api_keys": false},
        "reopen_h5_login": false,
        "reopen_third_party_login": false,
    });
    let mut table = table! {
        call("the default global policy", "GET /v1/testkit/admin/policy").ok().field("", default.clone()),
        // Reopening H5 and third-party login undoes every flagged account's requirement: only
        // the back office may.
        call("a signed-in user cannot change it", "PUT /v1/testkit/admin/policy")
            .by("{bob/session}").body(json!({"reopen_third_party_login": true}))
            .refused(401, "ADMIN_REQUIRED"),
        call("nor can anyone without the credential", "PUT /v1/testkit/admin/policy")
            .body(json!({"reopen_h5_login": true, "scenarios": {"withdrawal": true}}))
            .refused(401, "ADMIN_REQUIRED"),
        call("refused changes change nothing", "GET /v1/testkit/admin/policy")
            .ok().field("", default),
        call("bob's policy before", "GET /v1/policy").by("{bob/session}").ok().save("v1"),
        call("the operator switches two scenarios on", "PUT /v1/testkit/admin/policy").with_admin_token()
            .body(json!({"scenarios": {"withdrawal": true, "api_keys": true}})).ok()
            .field("/scenarios/withdrawal", true).field("/scenarios/api_keys", true)
            .field("/scenarios/security_settings", false).save("changed"),
        call("the change reads back", "GET /v1/testkit/admin/policy").ok().field("", "{changed}"),
        call("bob's policy has it at once, with a newer version", "GET /v1/policy")
            .by("{bob/session}").ok()
            .field("/scenarios", "{changed/scenarios}").above("/version", "{v1/version}")
            // Unflagged: nothing is blocked whatever the catalogue says.
            .field("/blocked_paths", json!([])).save("v2"),
    };
    for (name, bad) in [
        (
            "switching login off",
            json!({"scenarios": {"login": false}}),
        ),
        (
            "an unknown scenario",
            json!({"scenarios": {"teleport": true}}),
        ),
        ("an unknown member", json!({"reopen_everything": true})),
        ("a string for a boolean", json!({"reopen_h5_login": "yes"})),
    ] {
        table.extend(table! {
            call(format!("refused: {name}"), "PUT /v1/testkit/admin/policy").with_admin_token()
                .body(bad).refused(400, "BAD_REQUEST"),
        });
    }
    table.extend(table! {
        call("refused updates change nothing", "GET /v1/testkit/admin/policy")
            .ok().field("", "{changed}"),
        call("refused updates leave bob's policy as it was", "GET /v1/policy").by("{bob/session}")
            .ok().field("/version", "{v2/version}"),
    });
    w.run(table).await;
}

#[tokio::test]
async fn serve_flags_set_the_global_policy_at_start() {
    let flags = [
        "--scenario",
        "security_settings=on",
        "--reopen",
        "third-party",
    ];
    let serve = common::ServeProcess::start(None, &flags);
    serve.wait_ready().await;
    let mut w = World::on(Harness::attach(&serve.base).await);
    let expected = json!({
        "scenarios": {"login": true, "withdrawal": false, "security_settings": true, "api_keys": false},
        "reopen_h5_login": false,
        "reopen_third_party_login": true,
    });
    w.run(table! {
        call(format!("serve {}", flags.join(" ")), "GET /v1/testkit/admin/policy")
            .ok().field("", expected),
    })
    .await;
}

#[tokio::test]
async fn every_policy_is_signed_with_the_published_key() {
    let secret = [9u8; 32];
    let mut config = ServerConfig::for_tests(RP_ID);
    config.policy_key = PolicyKey::from_secret_bytes(&secret);
    let configured = VerifyingKey::from(&SigningKey::from_slice(&secret).unwrap());
    let configured = B64.encode(configured.to_sec1_point(false).as_bytes());
    let mut w = World::on(Harness::start_with(config).await);
    w.signed_in("alice", "alice@signed.test").await;
    w.run(table! {
        call("the published key: the configured one, SEC1 uncompressed", "GET /v1/policy-key")
            .ok().field("/alg", "ES256").field("/public_key", configured),
        call("an unflagged account's policy is signed", "GET /v1/policy").by("{alice/session}")
            .ok().check(w.signed("").await),
    })
    .await;
    w.pm("alice");
    w.register("alice", "alice", true).await;
    w.run(table! {
        inspect("the policy in the Enable answer is signed", "{alice/registered}")
            .check(w.signed("/policy").await),
        // The server's clock away from the wall clock, to see whose clock `issued_at` is.
        advance(3600),
        now("t0"),
        call("a flagged account's policy is signed", "GET /v1/policy").by("{alice/session}")
            .ok().field("/passkey_required", true).check(w.signed("").await).save("flagged"),
        now("t1"),
        inspect("it was issued on the server's clock", "{flagged}")
            .within("/issued_at", "{t0}", "{t1}"),
        proof("off", "{alice/session}", "alice", "disable_passkeys"),
        call("the policy in the Disable answer is signed", "POST /v1/policy/disable")
            .by("{alice/session}").body(json!({"proof": "{off/proof}"}))
            .ok().field("/passkey_required", false).check(w.signed("").await),
    })
    .await;
}

#[tokio::test]
async fn security_events_need_a_session_and_hold_no_secret() {
    let mut w = World::start().await;
    w.flagged("alice", "alice@events.test").await;
    w.signed_in("bob", "bob@events.test").await;
    let secrets = [w.text("{alice/session}"), w.text("{alice/password}")];
    w.run(table! {
        call("security events without a session", "GET /v1/security-events")
            .refused(401, "UNAUTHENTICATED"),
        call("Enable's events, newest first", "GET /v1/security-events").by("{alice/session}")
            .ok().each("/events", "/kind", &["flag_on", "passkey_added"])
            .that("each with a time and a detail, and no secret", move |answer| {
                for event in answer["events"].as_array().ok_or("no events")? {
                    let detail = event["detail"].as_str().unwrap_or_default();
                    ensure(event["at"].as_i64() > Some(1_600_000_000) && !detail.is_empty()
                        && !secrets.iter().any(|s| detail.contains(s.as_str())),
                        || event.to_string())?;
                }
                Ok(())
            }),
        call("another account sees none of them", "GET /v1/security-events").by("{bob/session}")
            .ok().len("/events", 0),
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// proofs and management (BRIEF §5 #5, #6)

#[tokio::test]
async fn management_without_a_valid_proof_is_refused_flag_on_or_off() {
    let mut w = World::start().await;
    w.signed_in("bob", "bob@proofs.test").await;
    w.pm("bob");
    w.register("bob", "bob", false).await;
    w.flagged("carol", "carol@proofs.test").await;
    let long = "x".repeat(600);
    let mut table = Vec::new();
    for (who, flag) in [("bob", "flag off"), ("carol", "flag on")] {
        let session = format!("{{{who}/session}}");
        let passkey = format!("/v1/passkeys/{{{who}/passkey/credential_id}}");
        // Each needs a proof for its purpose; a proof that is given is checked even where none
        // is needed (a withdrawal while the scenario is off).
        let requests = |proof: Option<&str>| {
            let given = proof.unwrap_or("x");
            [
                (
                    "rename",
                    format!("PATCH {passkey}"),
                    json!({"name": "Mine", "proof": proof}),
                ),
                (
                    "delete",
                    format!("DELETE {passkey}"),
                    json!({"proof": proof}),
                ),
                (
                    "disable",
                    "POST /v1/policy/disable".into(),
                    json!({"proof": proof}),
                ),
                (
                    "withdraw",
                    "POST /v1/withdrawals".into(),
                    json!({"asset": "BTC", "address": "bc1q", "amount": "1", "proof": given}),
                ),
                (
                    "add a passkey",
                    "POST /v1/passkeys/registration/begin".into(),
                    json!({"proof": given}),
                ),
            ]
        };
        let proofs = [
            ("no proof", None),
            ("a forged proof", Some("forged")),
            ("an empty proof", Some("")),
            ("a 600-character proof", Some(long.as_str())),
        ];
        for (proof_name, proof) in proofs {
            for (what, request, body) in requests(proof) {
                table.extend(table! {
                    call(format!("{flag}: {what} with {proof_name}"), request).by(&session)
                        .body(body).refused(403, "PASSKEY_VERIFICATION_REQUIRED"),
                });
            }
        }
        // Without a session nothing gets that far.
        for (what, request, body) in requests(Some("x")) {
            table.extend(table! {
                call(format!("{flag}: {what} without a session"), request)
                    .body(body).refused(401, "UNAUTHENTICATED"),
            });
        }
        table.extend(table! {
            call(format!("{flag}: the passkey is there, named as before"), "GET /v1/passkeys")
                .by(&session).ok().len("/passkeys", 1)
                .field("/passkeys/0/name", format!("{{{who}/passkey/name}}")),
            call(format!("{flag}: the flag is as it was"), "GET /v1/policy").by(&session)
                .ok().field("/passkey_required", flag == "flag on"),
        });
    }
    w.run(table).await;
}

#[tokio::test]
async fn proofs_are_bound_to_purpose_session_and_single_use() {
    let mut w = World::start().await;
    w.flagged("alice", "alice@bound.test").await;
    let patch = "PATCH /v1/passkeys/{alice/passkey/credential_id}";
    let mut table = table! {
        proof("delete", "{alice/session}", "alice", "delete_passkey"),
        call("rename with a delete proof", patch).by("{alice/session}")
            .body(rename("x", "delete")).refused(403, "PASSKEY_VERIFICATION_REQUIRED"),
        // The same account, signed in elsewhere with the passkey.
        passkey_login("other", "alice", "alice"),
        proof("foreign", "{other/session_token}", "alice", "rename_passkey"),
        call("rename with another session's proof", patch).by("{alice/session}")
            .body(rename("x", "foreign")).refused(403, "PASSKEY_VERIFICATION_REQUIRED"),
        proof("right", "{alice/session}", "alice", "rename_passkey"),
        call("rename with the right proof (the name stored trimmed)", patch).by("{alice/session}")
            .body(rename("  Work phone  ", "right")).ok()
            .field("/passkeys/0/name", "Work phone"),
        call("the same proof again", patch).by("{alice/session}")
            .body(rename("Again", "right")).refused(403, "PASSKEY_VERIFICATION_REQUIRED"),
        // Refusals of bad input do not spend the proof.
        proof("kept", "{alice/session}", "alice", "rename_passkey"),
        call("an empty name", patch).by("{alice/session}")
            .body(rename("", "kept")).refused(400, "BAD_REQUEST"),
    };
    // An id that is not the contract's Base64Url is malformed; a well-formed one names no
    // passkey of the account.
    for (id, status, code) in [
        ("AAAA", 404, "PASSKEY_NOT_FOUND"),
        ("not*base64", 400, "BAD_REQUEST"),
        ("x", 400, "BAD_REQUEST"),
    ] {
        table.extend(table! {
            call(format!("rename the passkey {id:?}"), format!("PATCH /v1/passkeys/{id}"))
                .by("{alice/session}").body(rename("y", "kept")).refused(status, code),
        });
    }
    table.extend(table! {
        call("the proof those refusals did not spend", patch).by("{alice/session}")
            .body(rename("Still mine", "kept")).ok().field("/passkeys/0/name", "Still mine"),
        proof("late", "{alice/session}", "alice", "rename_passkey"),
        advance(301),
        call("a proof past its 300 s", patch).by("{alice/session}")
            .body(rename("Late", "late")).refused(403, "PASSKEY_VERIFICATION_REQUIRED"),
        call("each rename is a security event", "GET /v1/security-events").by("{alice/session}")
            .ok().count("/events", "/kind", "passkey_renamed", 2),
    });
    w.run(table).await;
}

#[tokio::test]
async fn the_last_passkey_stays_while_the_flag_is_on() {
    let mut w = World::start().await;
    w.flagged("alice", "alice@last.test").await;
    w.pm("laptop");
    let first = "DELETE /v1/passkeys/{alice/passkey/credential_id}";
    let laptop = json!({"ceremony_id": "{adding/ceremony_id}", "credential": "{laptop_credential}",
                        "name": "Laptop", "enable": true});
    w.run(table! {
        proof("delete", "{alice/session}", "alice", "delete_passkey"),
        call("delete the only passkey while the flag is on", first).by("{alice/session}")
            .body(json!({"proof": "{delete/proof}"})).refused(409, "LAST_PASSKEY"),
        // A second passkey, in a laptop's password manager, with an add_passkey proof.
        proof("add", "{alice/session}", "alice", "add_passkey"),
        call("adding with an add_passkey proof", "POST /v1/passkeys/registration/begin")
            .by("{alice/session}").body(json!({"proof": "{add/proof}"})).ok().save("adding"),
        create_with("laptop", "{adding/options}", "laptop_credential"),
        call("the second passkey; nothing more to revoke", "POST /v1/passkeys/registration/finish")
            .by("{alice/session}").body(laptop).ok()
            .field("/revoked_sessions", 0).field("/policy/passkey_count", 2)
            .check(w.signed("/policy").await),
        call("the add proof added one; it can't begin another", "POST /v1/passkeys/registration/begin")
            .by("{alice/session}").body(json!({"proof": "{add/proof}"}))
            .refused(403, "PASSKEY_VERIFICATION_REQUIRED"),
        call("now the first can go, with the proof LAST_PASSKEY did not spend", first)
            .by("{alice/session}").body(json!({"proof": "{delete/proof}"})).ok()
            .field("/policy/passkey_count", 1).len("/passkeys", 1)
            .field("/passkeys/0/name", "Laptop").check(w.signed("/policy").await),
        call("the password step", "POST /v1/login/password")
            .body(password("alice")).ok().save("login"),
        assert_with("alice", "{login/options}", "deleted").fault(Fault::IgnoreAllowList),
        call("the deleted passkey no longer signs in", "POST /v1/login/passkey")
            .body(login("login", "deleted")).refused(403, "CREDENTIAL_NOT_ALLOWED"),
        // Turning the flag off reopens everything; the passkey stays registered.
        proof("off", "{alice/session}", "laptop", "disable_passkeys"),
        call("turning the flag off with the laptop's passkey", "POST /v1/policy/disable")
            .by("{alice/session}").body(json!({"proof": "{off/proof}"})).ok()
            .field("/passkey_required", false).field("/passkey_count", 1)
            .field("/blocked_paths", json!([])).check(w.signed("").await),
        call("H5 login asks for a code again", "POST /v1/login/h5")
            .body(password("alice")).ok().field("/status", "code_required"),
        call("the changes are security events, newest first", "GET /v1/security-events")
            .by("{alice/session}").ok()
            .starts("/events", "/kind", &["flag_off", "passkey_removed", "passkey_added"]),
    })
    .await;
}

/// A check that a ceremony's `expires_in_secs` is `secs`, give or take the seconds the wall
/// clock (under the server's offset) moved during the test.
fn ends_in(secs: i64) -> impl Fn(&Value) -> Result<(), String> + 'static {
    move |answer| {
        let got = answer["expires_in_secs"].as_i64().unwrap_or_default();
        ensure((secs - 5..=secs).contains(&got), || {
            format!("expires_in_secs {got}, not about {secs}")
        })
    }
}

#[tokio::test]
async fn a_passkey_is_added_only_while_what_authorised_it_is_fresh() {
    // A proof or a step-up lives 300 s; the ceremony it begins ends with it, so the passkey
    // cannot be added up to a whole ceremony's lifetime after the authorisation expired.
    let mut w = World::start().await;
    w.flagged("alice", "alice@fresh-add.test").await;
    w.signed_in("bob", "bob@fresh-add.test").await;
    w.pm("laptop");
    w.pm("bob");
    let begin = "POST /v1/passkeys/registration/begin";
    let finish = "POST /v1/passkeys/registration/finish";
    let added = |begun: &str, credential: &str| {
        json!({"ceremony_id": format!("{{{begun}/ceremony_id}}"),
               "credential": format!("{{{credential}}}"), "enable": false})
    };
    w.run(table! {
        proof("add", "{alice/session}", "alice", "add_passkey"),
        advance(200),
        call("flag on: begun 200 s into the add_passkey proof", begin).by("{alice/session}")
            .body(json!({"proof": "{add/proof}"})).ok().that("it ends with the proof", ends_in(100))
            .save("late"),
        create_with("laptop", "{late/options}", "late_credential"),
        advance(101),
        call("finished after the proof expired", finish).by("{alice/session}")
            .body(added("late", "late_credential")).refused(410, "CEREMONY_EXPIRED"),
        proof("fresh", "{alice/session}", "alice", "add_passkey"),
        call("a fresh proof", begin).by("{alice/session}")
            .body(json!({"proof": "{fresh/proof}"})).ok().that("a whole ceremony", ends_in(300))
            .save("on_time"),
        create_with("laptop", "{on_time/options}", "laptop_credential"),
        call("finished in time", finish).by("{alice/session}")
            .body(added("on_time", "laptop_credential")).ok().field("/policy/passkey_count", 2),
        step_up("bob_add", "{bob/session}", "bob", "passkey_registration"),
        advance(200),
        call("flag off: begun 200 s into the step-up", begin).by("{bob/session}")
            .body(json!({"step_up_token": "{bob_add/step_up_token}"})).ok()
            .that("it ends with the step-up", ends_in(100)).save("bob_late"),
        create_with("bob", "{bob_late/options}", "bob_credential"),
        advance(101),
        call("finished after the step-up expired", finish).by("{bob/session}")
            .body(added("bob_late", "bob_credential")).refused(410, "CEREMONY_EXPIRED"),
        call("bob has no passkey", "GET /v1/passkeys").by("{bob/session}").ok()
            .len("/passkeys", 0),
    })
    .await;
}

#[tokio::test]
async fn withdrawals_need_a_proof_for_exactly_this_withdrawal_when_on() {
    let mut w = World::start().await;
    w.flagged("alice", "alice@withdraw.test").await;
    w.signed_in("bob", "bob@withdraw.test").await;
    let params = json!({"asset": "USDT", "address": "TXabc", "amount": "250"});
    let mut padded = params.clone();
    padded["memo"] = json!("hi");
    let with = |proof: &str| json!(format!("{{{proof}/proof}}"));
    let mut table = table! {
        // Off (the default): flagged or not, no proof needed.
        call("scenario off: a withdrawal without a proof", "POST /v1/withdrawals")
            .by("{alice/session}").body(withdrawal("250", Value::Null)).ok()
            .field("/status", "accepted")
            .that("a withdrawal id", |answer| {
                let id = answer["withdrawal_id"].as_str();
                ensure(id.is_some_and(|id| !id.is_empty()), || "none".into())
            }),
        call("the operator switches withdrawals on", "PUT /v1/testkit/admin/policy").with_admin_token()
            .body(json!({"scenarios": {"withdrawal": true}})).ok(),
        call("alice's policy says so", "GET /v1/policy").by("{alice/session}")
            .ok().field("/scenarios/withdrawal", true),
        call("scenario on: a withdrawal without a proof", "POST /v1/withdrawals")
            .by("{alice/session}").body(withdrawal("250", Value::Null))
            .refused(403, "PASSKEY_VERIFICATION_REQUIRED"),
        // Bound to the parameters: another amount, or extra parameters, don't match.
        scenario_proof("p250", "{alice/session}", "alice", "withdrawal", params.clone()),
        call("a proof for 250 presented for 999", "POST /v1/withdrawals").by("{alice/session}")
            .body(withdrawal("999", with("p250"))).refused(403, "PASSKEY_VERIFICATION_REQUIRED"),
        scenario_proof("padded", "{alice/session}", "alice", "withdrawal", padded),
        call("a proof over the parameters and a memo", "POST /v1/withdrawals").by("{alice/session}")
            .body(withdrawal("250", with("padded"))).refused(403, "PASSKEY_VERIFICATION_REQUIRED"),
        // Bound to the scenario.
        scenario_proof("api", "{alice/session}", "alice", "api_keys", params.clone()),
        call("an api_keys proof, same parameters", "POST /v1/withdrawals").by("{alice/session}")
            .body(withdrawal("250", with("api"))).refused(403, "PASSKEY_VERIFICATION_REQUIRED"),
        scenario_proof("right", "{alice/session}", "alice", "withdrawal", params),
        call("the proof for exactly this withdrawal", "POST /v1/withdrawals").by("{alice/session}")
            .body(withdrawal("250", with("right"))).ok().field("/status", "accepted"),
        call("the same proof again", "POST /v1/withdrawals").by("{alice/session}")
            .body(withdrawal("250", with("right"))).refused(403, "PASSKEY_VERIFICATION_REQUIRED"),
        call("unflagged: no proof needed, scenario on or not", "POST /v1/withdrawals")
            .by("{bob/session}").body(withdrawal("1", Value::Null)).ok(),
        call("a scenario outside the catalogue", "POST /v1/scenarios/verify/begin")
            .by("{alice/session}").body(json!({"scenario": "teleport", "params": {}}))
            .refused(400, "SCENARIO_UNKNOWN"),
        call("a purpose outside the contract", "POST /v1/passkeys/verify/begin")
            .by("{alice/session}").body(json!({"purpose": "teleport"}))
            .refused(400, "BAD_REQUEST"),
    };
    for amount in ["-1", "1e9", ""] {
        table.extend(table! {
            call(format!("a withdrawal of {amount:?}"), "POST /v1/withdrawals").by("{bob/session}")
                .body(withdrawal(amount, Value::Null)).refused(400, "BAD_REQUEST"),
        });
    }
    w.run(table).await;
}

/// A step-up for `purpose` in the session `by` (a template) of the account kept as `a`:
/// `{save/step_up_token}`.
fn step_up(save: &str, by: &str, a: &str, purpose: &str) -> Step {
    let (begun, code) = (format!("{save}_begun"), format!("{save}_code"));
    Step::Seq(table! {
        call(format!("{save}: a step-up begins"), "POST /v1/step-up/begin")
            .by(by).body(json!({ "purpose": purpose })).ok().save(&begun),
        outbox_code(&format!("{{{a}/email}}"), "step_up", &code),
        call(format!("{save}: password and code"), "POST /v1/step-up/finish").by(by)
            .body(json!({"step_up_id": format!("{{{begun}/step_up_id}}"),
                         "password": format!("{{{a}/password}}"), "factor": "email",
                         "code": format!("{{{code}}}")}))
            .ok().save(save),
    })
}

/// A password change to `new_password` authorised by `auth` (`{"proof": …}` or
/// `{"step_up_token": …}`, templates).
fn new_password(new_password: &str, auth: Value) -> Value {
    let mut body = json!({ "new_password": new_password });
    if let (Some(body), Some(auth)) = (body.as_object_mut(), auth.as_object()) {
        body.extend(auth.clone());
    }
    body
}

#[tokio::test]
async fn changing_the_password_needs_the_passkey_while_the_flag_is_on() {
    // BRIEF §5 #5: a security setting changes only with a fresh passkey assertion for that
    // purpose; password + code is not enough once the flag is on.
    let mut w = World::start().await;
    w.flagged("alice", "alice@password.test").await;
    let proof_of = |p: &str| json!({ "proof": format!("{{{p}/proof}}") });
    w.run(table! {
        passkey_login("laptop", "alice", "alice"),
        call("no proof", "POST /v1/account/password").by("{alice/session}")
            .body(new_password("a brand new password", json!({})))
            .refused(403, "PASSKEY_VERIFICATION_REQUIRED"),
        call("a step-up cannot even begin (password + code is weaker)", "POST /v1/step-up/begin")
            .by("{alice/session}").body(json!({"purpose": "security_settings"}))
            .refused(403, "PASSKEY_REQUIRED"),
        proof("rename", "{alice/session}", "alice", "rename_passkey"),
        call("a proof for another purpose", "POST /v1/account/password").by("{alice/session}")
            .body(new_password("a brand new password", proof_of("rename")))
            .refused(403, "PASSKEY_VERIFICATION_REQUIRED"),
        proof("laptops", "{laptop/session_token}", "alice", "security_settings"),
        call("a proof made in another session", "POST /v1/account/password").by("{alice/session}")
            .body(new_password("a brand new password", proof_of("laptops")))
            .refused(403, "PASSKEY_VERIFICATION_REQUIRED"),
        scenario_proof("withdrawal", "{alice/session}", "alice", "security_settings",
            json!({"setting": "email"})),
        call("a scenario proof for another setting", "POST /v1/account/password")
            .by("{alice/session}").body(new_password("a brand new password", proof_of("withdrawal")))
            .refused(403, "PASSKEY_VERIFICATION_REQUIRED"),
        call("the password is unchanged: it still starts a sign-in", "POST /v1/login/password")
            .body(password("alice")).ok().field("/status", "passkey_required"),
        proof("right", "{alice/session}", "alice", "security_settings"),
        call("too short a password, with the right proof", "POST /v1/account/password")
            .by("{alice/session}").body(new_password("short", proof_of("right")))
            .refused(400, "BAD_REQUEST"),
        call("the passkey's proof changes it", "POST /v1/account/password").by("{alice/session}")
            .body(new_password("a brand new password", proof_of("right"))).ok()
            .field("/revoked_sessions", 1),
        call("the same proof again", "POST /v1/account/password").by("{alice/session}")
            .body(new_password("another new password", proof_of("right")))
            .refused(403, "PASSKEY_VERIFICATION_REQUIRED"),
        call("the laptop was signed out", "GET /v1/passkeys").by("{laptop/session_token}")
            .refused(401, "UNAUTHENTICATED"),
        call("the old password no longer starts a sign-in", "POST /v1/login/password")
            .body(password("alice")).refused(401, "INVALID_CREDENTIALS"),
        call("the new one does, and still needs the passkey", "POST /v1/login/password")
            .body(json!({"email": "{alice/email}", "password": "a brand new password", "device_id": "web"}))
            .ok().field("/status", "passkey_required").absent("/session_token"),
        scenario_proof("scenario", "{alice/session}", "alice", "security_settings",
            json!({"setting": "password"})),
        call("a scenario proof bound to this change (J6) changes it too", "POST /v1/account/password")
            .by("{alice/session}").body(new_password("a third new password", proof_of("scenario")))
            .ok(),
        call("each change is a security event", "GET /v1/security-events").by("{alice/session}")
            .ok().starts("/events", "/kind", &["password_changed", "password_changed"]),
    })
    .await;
}

#[tokio::test]
async fn changing_the_password_needs_a_fresh_step_up_while_the_flag_is_off() {
    let mut w = World::start().await;
    w.signed_in("bob", "bob@password.test").await;
    w.session("tablet", "bob", "tablet", true).await;
    let token_of = |s: &str| json!({ "step_up_token": format!("{{{s}/step_up_token}}") });
    w.run(table! {
        call("a session alone", "POST /v1/account/password").by("{bob/session}")
            .body(new_password("a brand new password", json!({})))
            .refused(403, "STEP_UP_REQUIRED"),
        step_up("reg_done", "{bob/session}", "bob", "passkey_registration"),
        call("a step-up for another purpose", "POST /v1/account/password").by("{bob/session}")
            .body(new_password("a brand new password", token_of("reg_done")))
            .refused(403, "STEP_UP_REQUIRED"),
        step_up("tablets", "{tablet/token}", "bob", "security_settings"),
        call("a step-up of another session", "POST /v1/account/password").by("{bob/session}")
            .body(new_password("a brand new password", token_of("tablets")))
            .refused(403, "STEP_UP_REQUIRED"),
        step_up("right", "{bob/session}", "bob", "security_settings"),
        call("password and code change it", "POST /v1/account/password").by("{bob/session}")
            .body(new_password("a brand new password", token_of("right"))).ok()
            .field("/revoked_sessions", 1).field("/revoked_trusted_devices", 1),
        call("the same step-up again", "POST /v1/account/password").by("{bob/session}")
            .body(new_password("another new password", token_of("right")))
            .refused(403, "STEP_UP_REQUIRED"),
        call("the tablet was signed out", "GET /v1/passkeys").by("{tablet/token}")
            .refused(401, "UNAUTHENTICATED"),
        call("the old password is refused", "POST /v1/login/password")
            .body(password("bob")).refused(401, "INVALID_CREDENTIALS"),
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// assertion ceremonies (BRIEF §5 #7, #10, #11)

#[tokio::test]
async fn a_passkey_login_is_single_use_and_updates_the_passkey() {
    let mut w = World::start().await;
    w.flagged("alice", "alice@login.test").await;
    let mut table = table! {
        call("a new passkey was never used", "GET /v1/passkeys").by("{alice/session}")
            .ok().field("/passkeys/0/last_used_at", Value::Null),
        call("the password step", "POST /v1/login/password")
            .body(password("alice")).ok().save("login"),
        assert_with("alice", "{login/options}", "credential"),
        now("t0"),
        call("the passkey step signs alice in", "POST /v1/login/passkey")
            .body(login("login", "credential")).ok()
            .field("/status", "signed_in").field("/account_id", "{alice/account_id}")
            .save("signed_in"),
        now("t1"),
        call("the new session's policy requires the passkey", "GET /v1/policy")
            .by("{signed_in/session_token}").ok().field("/passkey_required", true),
        call("the passkey was used just now", "GET /v1/passkeys")
            .by("{signed_in/session_token}").ok()
            .within("/passkeys/0/last_used_at", "{t0}", "{t1}"),
        call("replayed: the login is spent", "POST /v1/login/passkey")
            .body(login("login", "credential")).refused(401, "LOGIN_EXPIRED"),
        call("a new login", "POST /v1/login/password").body(password("alice")).ok().save("fresh"),
        call("replayed on a new login: the challenge differs", "POST /v1/login/passkey")
            .body(login("fresh", "credential")).refused(422, "ASSERTION_REJECTED"),
        assert_with("alice", "{fresh/options}", "fresh_credential"),
        call("that failure spent the new login too", "POST /v1/login/passkey")
            .body(login("fresh", "fresh_credential")).refused(401, "LOGIN_EXPIRED"),
    };
    for fault in [
        Fault::TamperSignature,
        Fault::WrongChallenge,
        Fault::WrongOrigin,
        Fault::NoUserVerification,
        Fault::MismatchedRawId,
    ] {
        table.extend(table! {
            call("the password step", "POST /v1/login/password")
                .body(password("alice")).ok().save("tampered"),
            assert_with("alice", "{tampered/options}", "bad").fault(fault.clone()),
            call(format!("a response with {fault:?}"), "POST /v1/login/passkey")
                .body(login("tampered", "bad")).refused(422, "ASSERTION_REJECTED"),
        });
    }
    table.extend(table! {
        call("the password step", "POST /v1/login/password")
            .body(password("alice")).ok().save("late"),
        assert_with("alice", "{late/options}", "late_credential"),
        advance(301),
        call("the passkey step after the ceremony's 300 s", "POST /v1/login/passkey")
            .body(login("late", "late_credential")).refused(401, "LOGIN_EXPIRED"),
    });
    w.run(table).await;
}

#[tokio::test]
async fn usernameless_login_finds_the_owner_and_checks_the_user_handle() {
    let mut w = World::start().await;
    w.flagged("alice", "alice@usernameless.test").await;
    // Bob never turned the flag on: usernameless login is always allowed.
    w.signed_in("bob", "bob@usernameless.test").await;
    w.pm("bob");
    w.register("bob", "bob", false).await;
    let begin = "POST /v1/login/discoverable/begin";
    let finished = "POST /v1/login/discoverable/finish";
    let mut table = Vec::new();
    for who in ["alice", "bob"] {
        let credential = format!("{who}_credential");
        table.extend(table! {
            call(format!("{who}: a usernameless login names no passkey"), begin)
                .body(json!({})).ok().field("/options/allowCredentials", json!([]))
                .field("/options/userVerification", "required").save("begun"),
            assert_with(who, "{begun/options}", &credential),
            call(format!("{who}: the passkey finds its owner"), finished)
                .body(finish("begun", &credential)).ok().field("/status", "signed_in")
                .field("/account_id", format!("{{{who}/account_id}}")),
            call(format!("{who}: the same finish again"), finished)
                .body(finish("begun", &credential)).refused(404, "CEREMONY_NOT_FOUND"),
        });
    }
    w.run(table).await;

    // Alice's passkey under Bob's user handle, an unknown one, an empty one, and none.
    let bob = B64.decode(w.text("{bob_credential/response/userHandle}").as_bytes());
    let mut table = Vec::new();
    for (name, handle) in [
        ("bob's", bob.unwrap()),
        ("an unknown", vec![7; 16]),
        ("an empty", vec![]),
    ] {
        table.extend(table! {
            call("a usernameless login", begin).body(json!({"device_id": "kiosk"})).ok().save("begun"),
            assert_with("alice", "{begun/options}", "credential")
                .fault(Fault::ForeignUserHandle(handle)),
            call(format!("alice's passkey under {name} user handle"), finished)
                .body(finish("begun", "credential")).refused(403, "USER_HANDLE_MISMATCH"),
        });
    }
    table.extend(table! {
        call("a usernameless login", begin).body(json!({})).ok().save("begun"),
        assert_with("alice", "{begun/options}", "credential"),
        remove("credential", "/response/userHandle"),
        call("alice's passkey without a user handle", finished)
            .body(finish("begun", "credential")).refused(403, "USER_HANDLE_MISMATCH"),
        call("a usernameless login", begin).body(json!({})).ok().save("late"),
        assert_with("alice", "{late/options}", "late_credential"),
        advance(301),
        call("the finish after the ceremony's 300 s", finished)
            .body(finish("late", "late_credential")).refused(410, "CEREMONY_EXPIRED"),
    });
    w.run(table).await;
}

#[tokio::test]
async fn another_accounts_passkey_does_not_sign_in() {
    // BRIEF §5 #10: one password manager holds Alice's passkey and, newer, Mallory's; answering
    // Alice's ceremonies with Mallory's (validly signed) passkey must not work.
    let mut w = World::start().await;
    w.flagged_with("alice", "alice@mixup.test", "shared").await;
    w.flagged_with("mallory", "mallory@mixup.test", "shared")
        .await;
    let mallorys =
        |options: &str| assert_with("shared", options, "mallorys").fault(Fault::IgnoreAllowList);
    w.run(table! {
        call("alice's password step", "POST /v1/login/password")
            .body(password("alice")).ok().save("login"),
        mallorys("{login/options}"),
        call("alice's login answered with mallory's passkey", "POST /v1/login/passkey")
            .body(login("login", "mallorys")).refused(403, "CREDENTIAL_NOT_ALLOWED"),
        call("a verification in alice's session", "POST /v1/passkeys/verify/begin")
            .by("{alice/session}").body(json!({"purpose": "disable_passkeys"})).ok().save("verify"),
        mallorys("{verify/options}"),
        call("alice's verification answered with mallory's passkey", "POST /v1/passkeys/verify/finish")
            .by("{alice/session}").body(finish("verify", "mallorys"))
            .refused(403, "CREDENTIAL_NOT_ALLOWED"),
        call("a scenario verification in alice's session", "POST /v1/scenarios/verify/begin")
            .by("{alice/session}").body(json!({"scenario": "withdrawal", "params": {}}))
            .ok().save("scenario"),
        mallorys("{scenario/options}"),
        call("alice's scenario answered with mallory's passkey", "POST /v1/scenarios/verify/finish")
            .by("{alice/session}").body(finish("scenario", "mallorys"))
            .refused(403, "CREDENTIAL_NOT_ALLOWED"),
        call("mallory's account is as it was", "GET /v1/policy").by("{mallory/session}")
            .ok().field("/passkey_required", true),
    })
    .await;
}

#[tokio::test]
async fn ceremonies_are_bound_to_their_purpose_and_session() {
    let mut w = World::start().await;
    w.flagged("alice", "alice@purpose.test").await;
    let (verify_begin, verify_finish) = (
        "POST /v1/passkeys/verify/begin",
        "POST /v1/passkeys/verify/finish",
    );
    let (scenario_begin, scenario_finish) = (
        "POST /v1/scenarios/verify/begin",
        "POST /v1/scenarios/verify/finish",
    );
    let rename = json!({"purpose": "rename_passkey"});
    // A purpose ceremony finished as a scenario, a scenario one as a purpose, a login's as a
    // verification, a verification's as a login: refused (and spent).
    w.run(table! {
        passkey_login("other", "alice", "alice"),
        call("a delete_passkey verification", verify_begin).by("{alice/session}")
            .body(json!({"purpose": "delete_passkey"})).ok().save("purpose"),
        assert_with("alice", "{purpose/options}", "purpose_credential"),
        call("a purpose ceremony finished as a scenario", scenario_finish).by("{alice/session}")
            .body(finish("purpose", "purpose_credential")).refused(422, "ASSERTION_REJECTED"),
        call("then as its purpose: spent by the cross-purpose attempt", verify_finish)
            .by("{alice/session}").body(finish("purpose", "purpose_credential"))
            .refused(404, "CEREMONY_NOT_FOUND"),
        call("a security_settings verification", scenario_begin).by("{alice/session}")
            .body(json!({"scenario": "security_settings", "params": {}})).ok().save("scenario"),
        assert_with("alice", "{scenario/options}", "scenario_credential"),
        call("a scenario ceremony finished as a purpose", verify_finish).by("{alice/session}")
            .body(finish("scenario", "scenario_credential")).refused(422, "ASSERTION_REJECTED"),
        call("the password step", "POST /v1/login/password")
            .body(password("alice")).ok().save("login"),
        assert_with("alice", "{login/options}", "login_credential"),
        call("a login's ceremony finished as a verification", verify_finish).by("{alice/session}")
            .body(json!({"ceremony_id": "{login/login_id}", "credential": "{login_credential}"}))
            .refused(422, "ASSERTION_REJECTED"),
        call("a rename_passkey verification", verify_begin).by("{alice/session}")
            .body(rename.clone()).ok().save("verify"),
        assert_with("alice", "{verify/options}", "verify_credential"),
        call("a verification's ceremony finished as a login", "POST /v1/login/passkey")
            .body(json!({"login_id": "{verify/ceremony_id}", "credential": "{verify_credential}"}))
            .refused(422, "ASSERTION_REJECTED"),
        call("a rename_passkey verification", verify_begin).by("{alice/session}")
            .body(rename.clone()).ok().save("elsewhere"),
        assert_with("alice", "{elsewhere/options}", "elsewhere_credential"),
        call("begun by one session, finished by another", verify_finish)
            .by("{other/session_token}").body(finish("elsewhere", "elsewhere_credential"))
            .refused(403, "CEREMONY_MISMATCH"),
        call("an unknown verification ceremony", verify_finish).by("{alice/session}")
            .body(json!({"ceremony_id": "nope", "credential": "{elsewhere_credential}"}))
            .refused(404, "CEREMONY_NOT_FOUND"),
        call("an unknown login", "POST /v1/login/passkey")
            .body(json!({"login_id": "nope", "credential": "{elsewhere_credential}"}))
            .refused(401, "LOGIN_EXPIRED"),
        call("a verification without a session", verify_begin)
            .body(rename).refused(401, "UNAUTHENTICATED"),
        call("a scenario verification without a session", scenario_begin)
            .body(json!({"scenario": "security_settings", "params": {}}))
            .refused(401, "UNAUTHENTICATED"),
    })
    .await;
}

#[tokio::test]
async fn verification_needs_a_passkey_on_the_account() {
    let mut w = World::start().await;
    w.signed_in("bob", "bob@nokey.test").await;
    w.run(table! {
        call("a verification without a passkey", "POST /v1/passkeys/verify/begin")
            .by("{bob/session}").body(json!({"purpose": "add_passkey"}))
            .refused(404, "PASSKEY_NOT_FOUND"),
        call("a scenario verification without a passkey", "POST /v1/scenarios/verify/begin")
            .by("{bob/session}").body(json!({"scenario": "withdrawal", "params": {}}))
            .refused(404, "PASSKEY_NOT_FOUND"),
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// sign counters (BRIEF §5 #11)

#[tokio::test]
async fn a_device_bound_counter_that_goes_backwards_is_refused_and_recorded() {
    let mut w = World::start().await;
    w.device_bound_pm("alice");
    w.flagged("alice", "alice@clone.test").await;
    w.run(table! {
        call("the passkey is device-bound", "GET /v1/passkeys").by("{alice/session}")
            .ok().field("/passkeys/0/backup_eligible", false),
        // A counting counter is fine.
        passkey_login("first", "alice", "alice"),
        passkey_login("second", "alice", "alice"),
        passkey_login("third", "alice", "alice"),
        call("the counter as last verified", "GET /v1/passkeys").by("{alice/session}")
            .ok().field("/passkeys/0/sign_count", 3).field("/passkeys/0/use_count", 3),
        // A clone answers with an older counter (webauthn-rs itself sees it)...
        rewind("alice", 2),
        call("the password step", "POST /v1/login/password")
            .body(password("alice")).ok().save("login"),
        assert_with("alice", "{login/options}", "clone"),
        call("a login with a counter that went back", "POST /v1/login/passkey")
            .body(login("login", "clone")).refused(403, "COUNTER_REGRESSION"),
        // ...or with the same one again.
        rewind("alice", 0),
        call("a rename_passkey verification", "POST /v1/passkeys/verify/begin")
            .by("{alice/session}").body(json!({"purpose": "rename_passkey"})).ok().save("verify"),
        assert_with("alice", "{verify/options}", "repeat"),
        call("a verification with a repeated counter", "POST /v1/passkeys/verify/finish")
            .by("{alice/session}").body(finish("verify", "repeat"))
            .refused(403, "COUNTER_REGRESSION"),
        call("the clone's answers moved no counter", "GET /v1/passkeys").by("{alice/session}")
            .ok().field("/passkeys/0/sign_count", 3).field("/passkeys/0/use_count", 3),
        call("each regression is a security event", "GET /v1/security-events")
            .by("{alice/session}").ok().count("/events", "/kind", "counter_regression", 2)
            .that("the details say device-bound", |answer| {
                let events = answer["events"].as_array().ok_or("no events")?;
                let details: Vec<&str> = events.iter()
                    .filter(|e| e["kind"] == "counter_regression")
                    .filter_map(|e| e["detail"].as_str()).collect();
                ensure(details.iter().all(|d| d.contains("device-bound")), || format!("{details:?}"))
            }),
    })
    .await;
}

#[tokio::test]
async fn an_older_assertion_answered_after_a_newer_one_is_a_regression() {
    // Two ceremonies begun together: the ceremony state holds the counter of when it began, so
    // the server checks again against the stored counter of now.
    let mut w = World::start().await;
    w.device_bound_pm("alice");
    w.flagged("alice", "alice@order.test").await;
    let rename = json!({"purpose": "rename_passkey"});
    let (begin, finished) = (
        "POST /v1/passkeys/verify/begin",
        "POST /v1/passkeys/verify/finish",
    );
    w.run(table! {
        call("a verification", begin).by("{alice/session}").body(rename.clone()).ok().save("first"),
        call("another", begin).by("{alice/session}").body(rename).ok().save("second"),
        assert_with("alice", "{first/options}", "older"),
        assert_with("alice", "{second/options}", "newer"),
        call("the newer assertion first", finished).by("{alice/session}")
            .body(finish("second", "newer")).ok(),
        call("then the older one", finished).by("{alice/session}")
            .body(finish("first", "older")).refused(403, "COUNTER_REGRESSION"),
        call("the regression is a security event", "GET /v1/security-events")
            .by("{alice/session}").ok().count("/events", "/kind", "counter_regression", 1),
    })
    .await;
}

#[tokio::test]
async fn synced_passkeys_with_counter_zero_are_accepted_every_time() {
    let mut w = World::start().await;
    w.flagged("alice", "alice@synced.test").await;
    let (begin, finished) = (
        "POST /v1/login/discoverable/begin",
        "POST /v1/login/discoverable/finish",
    );
    w.run(table! {
        call("the passkey is backup eligible", "GET /v1/passkeys").by("{alice/session}")
            .ok().field("/passkeys/0/backup_eligible", true),
        passkey_login("first", "alice", "alice"),
        passkey_login("second", "alice", "alice"),
        passkey_login("third", "alice", "alice"),
        // Two ceremonies in either order are fine too: 0 and 0 is no regression.
        call("a usernameless login", begin).body(json!({})).ok().save("one"),
        call("another", begin).body(json!({})).ok().save("two"),
        assert_with("alice", "{one/options}", "older"),
        assert_with("alice", "{two/options}", "newer"),
        call("the newer assertion first", finished).body(finish("two", "newer")).ok(),
        call("then the older one", finished).body(finish("one", "older")).ok(),
        call("the counter stays 0; every use counts", "GET /v1/passkeys").by("{alice/session}")
            .ok().field("/passkeys/0/sign_count", 0).field("/passkeys/0/use_count", 5),
        call("no regression was recorded", "GET /v1/security-events").by("{alice/session}")
            .ok().count("/events", "/kind", "counter_regression", 0),
    })
    .await;
}

/// `credential` (an assertion made with the P-256 `key`) with `flags` set in its authenticator
/// data, signed again with `key`: what a copy of a device-bound key can claim.
fn with_flags_resigned(credential: &mut Value, key: &[u8], flags: u8) {
    use p256::ecdsa::signature::Signer;
    use sha2_010::Digest;
    let decode = |v: &Value| {
        data_encoding::BASE64URL_NOPAD
            .decode(v.as_str().unwrap().as_bytes())
            .unwrap()
    };
    let mut data = decode(&credential["response"]["authenticatorData"]);
    data[32] |= flags;
    let mut signed = data.clone();
    signed.extend(sha2_010::Sha256::digest(decode(
        &credential["response"]["clientDataJSON"],
    )));
    let signature: Signature = SigningKey::from_slice(key).unwrap().sign(&signed);
    let encode = |b: &[u8]| json!(data_encoding::BASE64URL_NOPAD.encode(b));
    credential["response"]["authenticatorData"] = encode(&data);
    credential["response"]["signature"] = encode(&signature.to_der().to_bytes());
}

#[tokio::test]
async fn a_forged_backup_flag_is_refused_and_recorded_nowhere() {
    // webauthn-rs refuses an assertion whose backup eligibility differs from the passkey's before
    // it checks the signature: anyone with the password (or a passkey's id) can send one. It
    // must not write "possibly copied" into the owner's activity (nor push their changes out).
    let h = Harness::start().await;
    let account = h.sign_up("forged-flag@enforce.test").await;
    let session = h.raw_sign_in(&account, "phone", false).await;
    let pm = h.password_manager(); // synced: backup eligible
    let (status, body) = h.raw_register(&account, &session, &pm, true).await;
    assert_eq!(status, 200, "{body}");
    for _ in 0..3 {
        let (_, started) = h.raw_password_step(&account, "forger").await;
        let mut credential = h.raw_assert(&pm, &started["options"]).await;
        let mut data = data_encoding::BASE64URL_NOPAD
            .decode(
                credential["response"]["authenticatorData"]
                    .as_str()
                    .unwrap()
                    .as_bytes(),
            )
            .unwrap();
        data[32] &= !0x18; // backup eligible and backed up cleared; the signature no longer fits
        credential["response"]["authenticatorData"] =
            json!(data_encoding::BASE64URL_NOPAD.encode(&data));
        let (status, body) = h.raw_login_passkey(&started, &credential).await;
        assert_eq!(status, 422, "{body}");
    }
    let token = h.raw_sign_in_with_passkey(&account, &pm).await;
    let events = h.raw_events(&token).await;
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["kind"].as_str()).collect();
    assert!(!kinds.contains(&"counter_regression"), "{kinds:?}");
    assert!(kinds.contains(&"flag_on"), "{kinds:?}");
}

#[tokio::test]
async fn a_device_bound_passkey_that_claims_backup_eligibility_is_refused() {
    // The flag is fixed when a credential is made. A copy of a device-bound key that signs with
    // it set must not sign in, nor turn the record "backup-eligible" (which hid the account's
    // device-bound risk and locked the genuine authenticator out of both login paths).
    let h = Harness::start().await;
    let account = h.sign_up("backup-flip@enforce.test").await;
    let session = h.raw_sign_in(&account, "phone", false).await;
    let pm = bingx_passkeys_testkit::softpm::SoftPasswordManager::new(
        url::Url::parse(&format!("https://{RP_ID}")).unwrap(),
    )
    .device_bound();
    let (status, body) = h.raw_register(&account, &session, &pm, true).await;
    assert_eq!(status, 200, "{body}");
    let key = pm.private_keys_for_leak_tests()[0].clone();

    let (_, started) = h.raw_password_step(&account, "copy").await;
    let mut credential = h.raw_assert(&pm, &started["options"]).await;
    with_flags_resigned(&mut credential, &key, 0x08);
    let (status, body) = h.raw_login_passkey(&started, &credential).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("ASSERTION_REJECTED")),
        "{body}"
    );

    // The same copy on the usernameless path: webauthn-rs's own check refuses it (before the
    // signature, so it is not recorded: anyone could forge that refusal).
    let (status, begun) = h
        .raw(
            "POST",
            "/v1/login/discoverable/begin",
            None,
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 200, "{begun}");
    let mut credential = h.raw_assert(&pm, &begun["options"]).await;
    with_flags_resigned(&mut credential, &key, 0x08);
    let (status, body) = h
        .raw(
            "POST",
            "/v1/login/discoverable/finish",
            None,
            Some(json!({"ceremony_id": begun["ceremony_id"], "credential": credential})),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("ASSERTION_REJECTED")),
        "{body}"
    );

    // The record is unchanged and the genuine authenticator signs in.
    let token = h.raw_sign_in_with_passkey(&account, &pm).await;
    let (status, listed) = h.raw("GET", "/v1/passkeys", Some(&token), None).await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed["passkeys"][0]["backup_eligible"], false, "{listed}");
    // The owner is told: a possibly copied passkey was refused.
    let events = h.raw_events(&token).await;
    let refused: Vec<_> = events
        .iter()
        .filter(|e| e["kind"] == "counter_regression")
        .filter(|e| {
            e["detail"]
                .as_str()
                .is_some_and(|d| d.contains("backup eligibility"))
        })
        .collect();
    assert_eq!(refused.len(), 1, "the verified copy only: {events:?}");
}
