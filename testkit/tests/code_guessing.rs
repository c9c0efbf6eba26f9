//! One-time codes cannot be guessed by asking often (BRIEF §5 #1: password plus a code is the
//! factor an attacker who knows the password attacks). An attempt allows five wrong codes, also
//! when the guesses arrive at once; and an account allows ten wrong codes in 15 minutes across
//! all its logins, step-ups and reset requests, after which its codes are not checked for 15
//! minutes (429 `TOO_MANY_ATTEMPTS`, with `until`) — new attempts bring no new guesses. Nor can
//! the password alone have the server send codes without end: 20 sends per account in 15
//! minutes, then 429 `TOO_MANY_CODES` with `until`, and nothing sent.
//!
//! Neither bound is a lock-out: each is counted per room. A device the account has signed in
//! from has its own ten wrong codes and 20 sends, which nothing done from other devices uses up,
//! so an attacker holding only the password cannot keep the owner's phone from a code sign-in or
//! from the step-up that turns the passkey requirement on. All rooms together stay within three
//! times one room's bounds.

use std::sync::Arc;

use bingx_passkeys_testkit::harness::{Harness, RawSession, Shown, TestAccount};
use serde_json::{Value, json};

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

/// A six-digit code that is not `right`.
fn wrong(right: &str) -> String {
    let n: u32 = right.parse().expect("a numeric code");
    format!("{:06}", (n + 1) % 1_000_000)
}

/// A password login's `login_id` (its codes go to the outbox).
async fn password_login(h: &Harness, account: &TestAccount) -> String {
    let (status, body) = h.raw_password_step(account, "guesser").await;
    assert_eq!(
        (status, body["status"].as_str()),
        (200, Some("code_required")),
        "{body}"
    );
    body["login_id"].as_str().unwrap().to_owned()
}

async fn login_code(h: &Harness, login_id: &str, factor: &str, code: &str) -> (u16, Value) {
    h.raw(
        "POST",
        "/v1/login/code",
        None,
        Some(json!({"login_id": login_id, "factor": factor, "code": code})),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn guesses_sent_at_once_to_one_step_up_get_five_checks_in_all() {
    let h = Arc::new(Harness::start().await);
    let account = h.sign_up("parallel-guesses@codes.test").await;
    let session = h.raw_sign_in(&account, "phone", false).await;
    let (status, begun) = h.raw_step_up_begin(&session).await;
    assert_eq!(status, 200, "{begun}");
    let step_up_id = begun["step_up_id"].as_str().unwrap().to_owned();
    let right = h.code_for(&account.email, "step_up").await;
    let guess = json!({
        "step_up_id": step_up_id,
        "password": account.password,
        "factor": "email",
        "code": wrong(&right),
    });

    // Twelve guesses at once: each waits for its password check (Argon2) before the code's.
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..12 {
        let (h, token, guess) = (h.clone(), session.token.clone(), guess.clone());
        tasks.spawn(async move {
            h.raw("POST", "/v1/step-up/finish", Some(&token), Some(guess))
                .await
        });
    }
    let mut answers = Vec::new();
    while let Some(answer) = tasks.join_next().await {
        answers.push(answer.expect("a guess"));
    }
    let checked = answers
        .iter()
        .filter(|(status, body)| *status == 401 && code(body) == "CODE_INVALID")
        .count();
    assert_eq!(checked, 5, "{answers:?}");
    for (status, body) in &answers {
        assert!(
            matches!(code(body), "CODE_INVALID" | "STEP_UP_EXPIRED"),
            "{status} {body}"
        );
    }
    // The step-up has used its guesses: the right code is no use to it now.
    let (status, body) = h
        .raw(
            "POST",
            "/v1/step-up/finish",
            Some(&session.token),
            Some(json!({
                "step_up_id": step_up_id, "password": account.password,
                "factor": "email", "code": right,
            })),
        )
        .await;
    assert_eq!((status, code(&body)), (401, "STEP_UP_EXPIRED"), "{body}");
}

/// Ten wrong codes from devices the account has not signed in from stop the code checks of every
/// such device for 15 minutes; the owner's phone, signed in from before, is not stopped.
#[tokio::test]
async fn wrong_codes_across_attempts_stop_the_accounts_code_checks_for_a_while() {
    let h = Harness::start().await;
    let account = h.sign_up("many-attempts@codes.test").await;
    let session = h.raw_sign_in(&account, "phone", false).await;

    // New logins, four wrong codes each: the tenth wrong code of the account is its last check.
    let mut refused = 0;
    let mut locked = None;
    for _ in 0..3 {
        let login_id = password_login(&h, &account).await;
        let right = h.code_for(&account.email, "login").await;
        for _ in 0..4 {
            let (status, body) = login_code(&h, &login_id, "email", &wrong(&right)).await;
            match (status, code(&body)) {
                (401, "CODE_INVALID") => refused += 1,
                (429, "TOO_MANY_ATTEMPTS") => locked = body["error"]["until"].as_i64(),
                other => panic!("{other:?} {body}"),
            }
        }
    }
    assert_eq!(refused, 10, "ten wrong codes are checked, no more");
    let until = locked.expect("the eleventh is refused with the time it ends");

    // While it lasts, even the right code from such a device is not checked: a login's emailed
    // code, an authenticator's code, from the guesser or any other new device.
    let login_id = password_login(&h, &account).await;
    let right = h.code_for(&account.email, "login").await;
    let (status, body) = login_code(&h, &login_id, "email", &right).await;
    assert_eq!((status, code(&body)), (429, "TOO_MANY_ATTEMPTS"), "{body}");
    assert_eq!(body["error"]["until"].as_i64(), Some(until), "{body}");
    let totp = bingx_passkeys_testkit::server::totp_code(&account.totp_secret, now(&h).await);
    let (status, body) = login_code(&h, &login_id, "totp", &totp).await;
    assert_eq!((status, code(&body)), (429, "TOO_MANY_ATTEMPTS"), "{body}");

    // The owner's phone is not locked out: its step-up (the one Enable needs) and its sign-in
    // with a code still work.
    step_up_with_code(&h, &account, &session).await;
    h.raw_sign_in(&account, "phone", false).await;

    // Afterwards any device signs in with the right code, as before.
    advance(&h, 15 * 60).await;
    h.raw_sign_in(&account, "new-tablet", false).await;
}

/// A step-up of `session` finished with its emailed code (asserted to succeed).
async fn step_up_with_code(h: &Harness, account: &TestAccount, session: &RawSession) {
    let (status, begun) = h.raw_step_up_begin(session).await;
    assert_eq!(status, 200, "{}", Shown(&begun));
    let step_up_code = h.code_for(&account.email, "step_up").await;
    let (status, body) = h
        .raw(
            "POST",
            "/v1/step-up/finish",
            Some(&session.token),
            Some(json!({
                "step_up_id": begun["step_up_id"], "password": account.password,
                "factor": "email", "code": step_up_code,
            })),
        )
        .await;
    assert_eq!(status, 200, "{}", Shown(&body));
}

/// Someone holding the password and the install ids of devices the account signed in from (a
/// past intruder) gets each room's ten wrong codes, but no more than 30 across the account: then
/// every room's codes are refused, the right ones too.
#[tokio::test]
async fn wrong_codes_across_rooms_stay_within_three_rooms() {
    let h = Harness::start().await;
    let account = h.sign_up("many-rooms@codes.test").await;
    let devices = ["laptop-1", "laptop-2", "laptop-3", "laptop-4"];
    for device in devices {
        h.raw_sign_in(&account, device, false).await;
    }
    let mut refused = 0;
    for device in &devices[..3] {
        for _ in 0..2 {
            let (_, body) = h.raw_password_step(&account, device).await;
            let right = h.code_for(&account.email, "login").await;
            for _ in 0..5 {
                let (status, answer) = login_code(
                    &h,
                    body["login_id"].as_str().unwrap(),
                    "email",
                    &wrong(&right),
                )
                .await;
                assert_eq!((status, code(&answer)), (401, "CODE_INVALID"), "{answer}");
                refused += 1;
            }
        }
    }
    assert_eq!(refused, 30);
    for device in [devices[3], "new-tablet"] {
        let (_, body) = h.raw_password_step(&account, device).await;
        let right = h.code_for(&account.email, "login").await;
        let (status, answer) =
            login_code(&h, body["login_id"].as_str().unwrap(), "email", &right).await;
        assert_eq!(
            (status, code(&answer)),
            (429, "TOO_MANY_ATTEMPTS"),
            "{device}: {answer}"
        );
    }
}

#[tokio::test]
async fn the_password_alone_cannot_have_codes_sent_without_end() {
    let h = Harness::start().await;
    let account = h.sign_up("many-sends@codes.test").await;
    let session = h.raw_sign_in(&account, "phone", false).await; // the first send
    let outbox = || async {
        let to = format!("/v1/testkit/outbox?to={}", account.email);
        let (status, body) = h.raw("GET", &to, None, None).await;
        assert_eq!(status, 200, "{}", Shown(&body));
        body["messages"].as_array().map_or(0, Vec::len)
    };
    // 19 more password steps: every one sends its code.
    for _ in 0..19 {
        password_login(&h, &account).await;
    }
    let sent = outbox().await;
    // The 21st send in the window, from a login, a step-up or a reset request: refused with
    // when it may be asked again, and nothing goes out.
    let (status, body) = h.raw_password_step(&account, "spammer").await;
    assert_eq!(
        (status, code(&body)),
        (429, "TOO_MANY_CODES"),
        "{}",
        Shown(&body)
    );
    let until = body["error"]["until"].as_i64().expect("until");
    assert_eq!(outbox().await, sent, "nothing more was sent");
    // A wrong password is still told as such (the limit answers only after the password).
    let mut guesser = account.clone();
    guesser.password = "not the password".into();
    let (status, body) = h.raw_password_step(&guesser, "guesser").await;
    assert_eq!(
        (status, code(&body)),
        (401, "INVALID_CREDENTIALS"),
        "{}",
        Shown(&body)
    );

    // The owner's phone, signed in from before, still has its codes sent: a step-up (the one
    // Enable needs) and a sign-in.
    step_up_with_code(&h, &account, &session).await;
    h.raw_sign_in(&account, "phone", false).await;

    // When the window ends, any device has codes sent again.
    let now = now(&h).await as i64;
    advance(&h, until - now).await;
    h.raw_sign_in(&account, "new-tablet", false).await;
}

/// A stolen session alone (no password) begins step-ups again and again, each sending a code: it
/// uses up its own device's sends, not the owner's phone's nor those of a device never signed in
/// from, so the owner can still sign in with a code and step up (to turn the requirement on).
#[tokio::test]
async fn a_stolen_session_cannot_use_up_the_owners_code_sends() {
    let h = Harness::start().await;
    let account = h.sign_up("stolen-sends@codes.test").await;
    let phone = h.raw_sign_in(&account, "phone", false).await;
    let stolen = h.raw_sign_in(&account, "thief-laptop", false).await;
    let mut refused = None;
    for _ in 0..25 {
        let (status, body) = h.raw_step_up_begin(&stolen).await;
        if status == 429 {
            refused = Some(code(&body).to_owned());
        }
    }
    assert_eq!(
        refused.as_deref(),
        Some("TOO_MANY_CODES"),
        "the thief's room has a bound"
    );
    step_up_with_code(&h, &account, &phone).await;
    h.raw_sign_in(&account, "phone", false).await;
    h.raw_sign_in(&account, "new-tablet", false).await;
}

/// A trust mark ("trust this device", 30 days) skips the code for its device, but makes no other
/// install key a known device: whoever holds one (a past intruder) and the password cannot sign
/// in with made-up install keys, each a room of its own, until the account's sends across rooms
/// are used up and the owner's phone is refused a code.
#[tokio::test]
async fn a_trust_mark_makes_no_made_up_install_key_known() {
    let mut config = bingx_passkeys_testkit::server::ServerConfig::for_tests(
        bingx_passkeys_testkit::harness::RP_ID,
    );
    config.max_code_sends_per_account = 3;
    let h = Harness::start_with(config).await;
    let account = h.sign_up("trusted-rooms@codes.test").await;
    let phone = h.raw_sign_in(&account, "phone", false).await;
    let laptop = h.raw_sign_in(&account, "laptop", true).await;
    advance(&h, 15 * 60).await;
    let made_up =
        |n: usize| bingx_passkeys_testkit::harness::install_key_of(&format!("made-up-{n}"));
    for n in 0..3 {
        let (status, body) = h
            .raw(
                "POST",
                "/v1/login/password",
                None,
                Some(json!({"email": account.email, "password": account.password,
                            "device_id": "laptop", "install_key": made_up(n),
                            "trust_token": laptop.trust_token})),
            )
            .await;
        assert_eq!(body["status"], "signed_in", "{status}: {body}");
    }
    // Codes from the made-up keys: they share the room of unknown devices, which allows 3.
    let mut sent = 0;
    for n in 0..3 {
        for _ in 0..3 {
            let (_, body) = h
                .raw(
                    "POST",
                    "/v1/login/password",
                    None,
                    Some(json!({"email": account.email, "password": account.password,
                                "device_id": "laptop", "install_key": made_up(n)})),
                )
                .await;
            if body["status"] == "code_required" {
                sent += 1;
            }
        }
    }
    assert_eq!(sent, 3, "one room's sends, not three rooms'");
    // The owner's phone still gets its codes.
    step_up_with_code(&h, &account, &phone).await;
    h.raw_sign_in(&account, "phone", false).await;
}

/// A session opened without an install key (before the library sent one, or while its keystore
/// failed) takes its device's key at the next step-up, so that the phone counts as known from
/// then on: someone holding the password cannot use up its step-up codes (the Enable step-up).
#[tokio::test]
async fn a_session_opened_without_an_install_key_takes_it_at_its_step_up() {
    let h = Harness::start().await;
    let account = h.sign_up("keyless-session@codes.test").await;
    let (_, started) = h
        .raw(
            "POST",
            "/v1/login/password",
            None,
            Some(json!({"email": account.email, "password": account.password,
                        "device_id": "old-phone"})),
        )
        .await;
    let sent = h.code_for(&account.email, "login").await;
    let (status, body) =
        login_code(&h, started["login_id"].as_str().unwrap(), "email", &sent).await;
    assert_eq!(status, 200, "{body}");
    let session = RawSession {
        token: body["session_token"].as_str().unwrap().to_owned(),
        trust_token: None,
    };
    let key = bingx_passkeys_testkit::harness::install_key_of("old-phone");
    let step_up = || {
        h.raw(
            "POST",
            "/v1/step-up/begin",
            Some(&session.token),
            Some(json!({"purpose": "passkey_registration", "install_key": key})),
        )
    };
    let (status, body) = step_up().await;
    assert_eq!(status, 200, "{body}");
    // The password alone uses up the room of unknown devices…
    for i in 0..25 {
        h.raw_password_step(&account, &format!("attacker-{i}"))
            .await;
    }
    let (status, body) = h.raw_password_step(&account, "attacker-last").await;
    assert_eq!((status, code(&body)), (429, "TOO_MANY_CODES"), "{body}");
    // …and the phone's step-up still sends its code.
    let (status, body) = step_up().await;
    assert_eq!(status, 200, "{body}");
}

/// Sends across rooms stay within three rooms' bound: someone holding the password and the
/// install ids of devices the account signed in from gets each room's sends, then nothing more
/// for the account.
#[tokio::test]
async fn code_sends_across_rooms_stay_within_three_rooms() {
    let mut config = bingx_passkeys_testkit::server::ServerConfig::for_tests(
        bingx_passkeys_testkit::harness::RP_ID,
    );
    config.max_code_sends_per_account = 2;
    let h = Harness::start_with(config).await;
    let account = h.sign_up("sends-rooms@codes.test").await;
    let devices = ["laptop-1", "laptop-2", "laptop-3", "laptop-4"];
    for pair in devices.chunks(2) {
        for device in pair {
            h.raw_sign_in(&account, device, false).await;
        }
        advance(&h, 15 * 60).await;
    }
    // Six sends (two in each of three rooms), then the account has had three rooms' worth.
    for device in &devices[..3] {
        for _ in 0..2 {
            let (status, body) = h.raw_password_step(&account, device).await;
            assert_eq!(body["status"], "code_required", "{device} {status}: {body}");
        }
    }
    for device in [devices[3], "new-tablet"] {
        let (status, body) = h.raw_password_step(&account, device).await;
        assert_eq!(
            (status, code(&body)),
            (429, "TOO_MANY_CODES"),
            "{device}: {body}"
        );
    }
}

/// A step-up finish can be repeated (its answer may have been lost), but only as it was: the
/// same session, factor and code, while its token is unused. The repeat's new token ends the
/// first; another code is a wrong code (counted as one); once the token was used, or from
/// another session, the step-up is over.
#[tokio::test]
async fn a_finished_step_up_is_repeated_only_with_its_own_code_and_only_until_used() {
    let h = Harness::start().await;
    let account = h.sign_up("repeat-step-up@codes.test").await;
    let session = h.raw_sign_in(&account, "phone", false).await;
    let other = h.raw_sign_in(&account, "tablet", false).await;
    let (_, begun) = h.raw_step_up_begin(&session).await;
    let right = h.code_for(&account.email, "step_up").await;
    let finish = |session: &RawSession, factor: &str, guess: &str| {
        let body = json!({
            "step_up_id": begun["step_up_id"], "password": account.password,
            "factor": factor, "code": guess,
        });
        let token = session.token.clone();
        let h = &h;
        async move {
            h.raw("POST", "/v1/step-up/finish", Some(&token), Some(body))
                .await
        }
    };
    let (status, first) = finish(&session, "email", &right).await;
    assert_eq!(status, 200, "{}", Shown(&first));

    // Another code, or the right code as another factor, is a wrong code for the repeat.
    let totp = bingx_passkeys_testkit::server::totp_code(&account.totp_secret, now(&h).await);
    for (factor, guess) in [("email", wrong(&right)), ("totp", totp)] {
        let (status, body) = finish(&session, factor, &guess).await;
        assert_eq!(
            (status, code(&body)),
            (401, "CODE_INVALID"),
            "{factor}: {body}"
        );
    }
    // Another session cannot repeat it at all.
    let (status, body) = finish(&other, "email", &right).await;
    assert_eq!((status, code(&body)), (401, "STEP_UP_EXPIRED"), "{body}");

    // The repeat gets a new token; the first one no longer counts.
    let (status, repeat) = finish(&session, "email", &right).await;
    assert_eq!(status, 200, "{}", Shown(&repeat));
    assert_ne!(repeat["step_up_token"], first["step_up_token"]);
    let (status, body) = h
        .raw_registration_begin(&session, first["step_up_token"].as_str().unwrap())
        .await;
    assert_eq!(
        (status, code(&body)),
        (403, "STEP_UP_REQUIRED"),
        "the first token ended: {body}"
    );
    let (status, begun) = h
        .raw_registration_begin(&session, repeat["step_up_token"].as_str().unwrap())
        .await;
    assert_eq!(status, 200, "{begun}");
    let credential = h.raw_create(&h.password_manager(), &begun["options"]).await;
    let (status, body) = h
        .raw(
            "POST",
            "/v1/passkeys/registration/finish",
            Some(&session.token),
            Some(json!({"ceremony_id": begun["ceremony_id"], "credential": credential})),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    // Used, the step-up cannot be finished again.
    let (status, body) = finish(&session, "email", &right).await;
    assert_eq!((status, code(&body)), (401, "STEP_UP_EXPIRED"), "{body}");
}

/// A finished step-up is not repeated once the requirement is on: passkeys alone authorise then,
/// and a step-up token (password and code) must not come back by the repeat that answers a lost
/// answer.
#[tokio::test]
async fn a_finished_step_up_is_not_repeated_once_passkeys_are_required() {
    let h = Harness::start().await;
    let account = h.sign_up("repeat-after-enable@codes.test").await;
    let session = h.raw_sign_in(&account, "phone", false).await;
    let (_, begun) = h.raw_step_up_begin(&session).await;
    let right = h.code_for(&account.email, "step_up").await;
    let finish = json!({
        "step_up_id": begun["step_up_id"], "password": account.password,
        "factor": "email", "code": right,
    });
    let (status, body) = h
        .raw(
            "POST",
            "/v1/step-up/finish",
            Some(&session.token),
            Some(finish.clone()),
        )
        .await;
    assert_eq!(status, 200, "{}", Shown(&body));
    // Another step-up of the same session turns the requirement on.
    let (status, body) = h
        .raw_register(&account, &session, &h.password_manager(), true)
        .await;
    assert_eq!(status, 200, "{body}");

    let (status, body) = h
        .raw(
            "POST",
            "/v1/step-up/finish",
            Some(&session.token),
            Some(finish),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (403, "PASSKEY_REQUIRED"),
        "{}",
        Shown(&body)
    );
}

/// The server's clock (unix seconds), from the `until` a clock advance of one second reports.
async fn now(h: &Harness) -> u64 {
    advance(h, 1).await
}

/// Moves the server's clock `seconds` on (the back office's test endpoint); returns its time.
async fn advance(h: &Harness, seconds: i64) -> u64 {
    let (status, body) = h
        .raw_admin(
            "POST",
            "/v1/testkit/clock/advance",
            Some(h.admin_token()),
            Some(json!({ "seconds": seconds })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body["now"].as_u64().expect("the server's time")
}
