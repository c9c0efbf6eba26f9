//! Tables of HTTP cases against the reference server, and the driver that runs them.
//!
//! A table is a list of [`Step`]s run in order against one server. Most steps are requests
//! ([`call`]): method and path, whose session, a body, and what must come back — the status, the
//! error code, members of the answer ([`Checked`]) — and optionally a name under which the answer
//! is kept. Paths, tokens, bodies and expected values are templates: `{name}` or
//! `{name/json/pointer}` is the value kept under `name` (at that pointer), taken whole when it is
//! the whole string (so `"{cred}"` puts an object in a body) and as text inside a longer one (a
//! path). The other steps stand around requests: a password manager answering options
//! ([`assert_with`], [`create_with`]), the server's clock ([`advance`]), a cloned authenticator
//! ([`rewind`]), the outbox ([`outbox_code`]), and checks on a value kept earlier ([`inspect`]).
//!
//! Every request goes over loopback HTTP; nothing reaches into the server's Rust items but its
//! clock. The driver runs the whole table and then fails naming every case that failed, with
//! what was expected and what came back (a case that needs a value an earlier failure did not
//! produce says so). It prints each case's name as it starts, so that a panic inside a step is
//! attributed too.

#![allow(dead_code)] // each test file uses a part

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use bingx_passkeys_core::PlatformAuthenticator;
use bingx_passkeys_core::webauthn::{prepare_create, prepare_get};
use bingx_passkeys_testkit::harness::{Harness, RP_ID, RawSession, TestAccount};
use bingx_passkeys_testkit::softpm::{Fault, SoftPasswordManager};
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use serde_json::{Value, json};

/// Unpadded base64url, the contract's encoding of bytes.
pub const B64: data_encoding::Encoding = data_encoding::BASE64URL_NOPAD;

/// Builds a table from anything that becomes a [`Step`]. Written with braces, `table! { … }`,
/// a table keeps the layout it is written in (rustfmt leaves brace-delimited macros alone, as it
/// does the server's route table): a case to a line or a few.
#[macro_export]
macro_rules! table {
    ($($step:expr),* $(,)?) => {
        vec![$($crate::http_table::Step::from($step)),*]
    };
}

/// `Ok` when `condition`, else what `why` says.
pub fn ensure(condition: bool, why: impl FnOnce() -> String) -> Result<(), String> {
    if condition { Ok(()) } else { Err(why()) }
}

/// A property of an answer: `Ok`, or what is wrong with it.
pub type Property = Box<dyn Fn(&Value) -> Result<(), String>>;

/// One thing a case expects of an answer (or of a value kept earlier).
pub enum Check {
    /// The member at the pointer equals the (filled) template.
    Eq(&'static str, Value),
    /// There is no member at the pointer.
    Absent(&'static str),
    /// The array at the pointer has this many elements.
    Len(&'static str, usize),
    /// The members at `.1` of the elements of the array at `.0` are `.2`, in order (with `.3`:
    /// begin with `.2`).
    Each(&'static str, &'static str, Vec<Value>, bool),
    /// This many elements of the array at `.0` have the text `.2` at `.1`.
    Count(&'static str, &'static str, &'static str, usize),
    /// The integer at the pointer is above (1), at least (0) or at most (-1) the (filled)
    /// template.
    Compare(&'static str, i8, Value),
    /// A property of the whole answer, named by its description.
    That(String, Property),
}

/// The checks of a case, written after its expected status.
pub trait Checked: Sized {
    /// Adds `check`.
    fn check(self, check: Check) -> Self;

    /// The member at `pointer` equals `value` (a template).
    fn field(self, pointer: &'static str, value: impl Into<Value>) -> Self {
        self.check(Check::Eq(pointer, value.into()))
    }

    /// There is no member at `pointer`.
    fn absent(self, pointer: &'static str) -> Self {
        self.check(Check::Absent(pointer))
    }

    /// The array at `pointer` has `n` elements.
    fn len(self, pointer: &'static str, n: usize) -> Self {
        self.check(Check::Len(pointer, n))
    }

    /// The members `member` of the array's elements are exactly `values`, in order.
    fn each(self, array: &'static str, member: &'static str, values: &[&str]) -> Self {
        let values = values.iter().map(|v| json!(v)).collect();
        self.check(Check::Each(array, member, values, false))
    }

    /// The members `member` of the array's first elements are `values`, in order.
    fn starts(self, array: &'static str, member: &'static str, values: &[&str]) -> Self {
        let values = values.iter().map(|v| json!(v)).collect();
        self.check(Check::Each(array, member, values, true))
    }

    /// `n` elements of the array have the text `value` at `member`.
    fn count(
        self,
        array: &'static str,
        member: &'static str,
        value: &'static str,
        n: usize,
    ) -> Self {
        self.check(Check::Count(array, member, value, n))
    }

    /// The integer at `pointer` is above `than` (a template).
    fn above(self, pointer: &'static str, than: impl Into<Value>) -> Self {
        self.check(Check::Compare(pointer, 1, than.into()))
    }

    /// The integer at `pointer` is at least `low` and at most `high` (templates).
    fn within(self, pointer: &'static str, low: impl Into<Value>, high: impl Into<Value>) -> Self {
        self.check(Check::Compare(pointer, 0, low.into()))
            .check(Check::Compare(pointer, -1, high.into()))
    }

    /// A property of the whole answer; `what` names it in a failure.
    fn that(self, what: &str, property: impl Fn(&Value) -> Result<(), String> + 'static) -> Self {
        self.check(Check::That(what.to_owned(), Box::new(property)))
    }
}

/// A request of a case, before its expected answer.
pub struct Request {
    name: String,
    method: String,
    path: String,
    bearer: Option<String>,
    body: Option<Value>,
    admin: bool,
}

/// A case named `name`: `request` is `"METHOD /path"`, the path a template.
pub fn call(name: impl Into<String>, request: impl AsRef<str>) -> Request {
    let (method, path) = request
        .as_ref()
        .split_once(' ')
        .expect("a request is \"METHOD /path\"");
    Request {
        name: name.into(),
        method: method.to_owned(),
        path: path.to_owned(),
        bearer: None,
        body: None,
        admin: false,
    }
}

impl Request {
    /// With this bearer token (a template, e.g. `"{alice/session}"`).
    pub fn by(mut self, token: &str) -> Self {
        self.bearer = Some(token.to_owned());
        self
    }

    /// With the back office's credential of the harness's server in `X-Admin-Token`.
    pub fn with_admin_token(mut self) -> Self {
        self.admin = true;
        self
    }

    /// With this JSON body (a template).
    pub fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    /// Expect 200.
    pub fn ok(self) -> Call {
        Call {
            request: self,
            outcomes: vec![(200, None)],
            checks: Vec::new(),
            save: None,
        }
    }

    /// Expect a refusal: `status` with the error code `code`.
    pub fn refused(self, status: u16, code: &'static str) -> Call {
        self.refused_either(&[(status, code)])
    }

    /// Expect one of these refusals (status, error code): where the contract allows either and
    /// the test must not depend on which.
    pub fn refused_either(self, outcomes: &[(u16, &'static str)]) -> Call {
        Call {
            outcomes: outcomes.iter().map(|&(s, c)| (s, Some(c))).collect(),
            ..self.ok()
        }
    }
}

/// A request and what must come back.
pub struct Call {
    request: Request,
    /// The acceptable (status, error code) pairs.
    outcomes: Vec<(u16, Option<&'static str>)>,
    checks: Vec<Check>,
    save: Option<String>,
}

impl Call {
    /// Keep the answer as `name` (also when the case fails, so that later cases report their
    /// own failures).
    pub fn save(mut self, name: &str) -> Self {
        self.save = Some(name.to_owned());
        self
    }
}

impl Checked for Call {
    fn check(mut self, check: Check) -> Self {
        self.checks.push(check);
        self
    }
}

/// Checks on a value kept earlier.
pub struct Inspect {
    name: String,
    template: String,
    checks: Vec<Check>,
}

/// A case named `name` that checks the value `template` names (e.g. `"{flagged}"`).
pub fn inspect(name: &str, template: &str) -> Inspect {
    Inspect {
        name: name.to_owned(),
        template: template.to_owned(),
        checks: Vec::new(),
    }
}

impl Checked for Inspect {
    fn check(mut self, check: Check) -> Self {
        self.checks.push(check);
        self
    }
}

/// A ceremony the named password manager runs on the options a template names.
pub struct Ceremony {
    pm: String,
    options: String,
    fault: Option<Fault>,
    save: String,
    create: bool,
}

/// `pm` answers the assertion options `options` (a template); the credential is kept as
/// `save`.
pub fn assert_with(pm: &str, options: &str, save: &str) -> Ceremony {
    Ceremony {
        pm: pm.to_owned(),
        options: options.to_owned(),
        fault: None,
        save: save.to_owned(),
        create: false,
    }
}

/// `pm` answers the creation options `options` (a template); the credential is kept as `save`.
pub fn create_with(pm: &str, options: &str, save: &str) -> Ceremony {
    Ceremony {
        create: true,
        ..assert_with(pm, options, save)
    }
}

impl Ceremony {
    /// With this fault, for this ceremony only.
    pub fn fault(mut self, fault: Fault) -> Self {
        self.fault = Some(fault);
        self
    }
}

/// Something done to the world between requests.
type Action = Box<dyn FnOnce(&mut World) -> Result<(), String>>;

/// One step of a table.
pub enum Step {
    /// A request and what must come back.
    Call(Call),
    /// Checks on a value kept earlier.
    Inspect(Inspect),
    /// A password manager runs a ceremony.
    Ceremony(Ceremony),
    /// The newest code in the outbox for `.0` (a template) and purpose `.1`, kept as `.2`.
    Code(String, &'static str, String),
    /// Something done to the world (the clock, a clone's counters, a value), named for the log.
    Do(String, Action),
    /// Several steps as one (what helpers return).
    Seq(Vec<Step>),
}

impl From<Call> for Step {
    fn from(call: Call) -> Self {
        Step::Call(call)
    }
}

impl From<Inspect> for Step {
    fn from(inspect: Inspect) -> Self {
        Step::Inspect(inspect)
    }
}

impl From<Ceremony> for Step {
    fn from(ceremony: Ceremony) -> Self {
        Step::Ceremony(ceremony)
    }
}

impl From<Vec<Step>> for Step {
    fn from(steps: Vec<Step>) -> Self {
        Step::Seq(steps)
    }
}

fn act(name: String, action: impl FnOnce(&mut World) -> Result<(), String> + 'static) -> Step {
    Step::Do(name, Box::new(action))
}

/// The server's clock moves `secs` forward.
pub fn advance(secs: u64) -> Step {
    act(format!("the server's clock moves {secs} s on"), move |w| {
        w.h.server().advance_clock(Duration::from_secs(secs));
        Ok(())
    })
}

/// The password manager `pm` acts as a clone, its counters `by` behind (`0`: the last again).
pub fn rewind(pm: &str, by: u32) -> Step {
    let pm = pm.to_owned();
    act(
        format!("{pm}'s password manager is cloned, {by} behind"),
        move |w| {
            w.pm_named(&pm).rewind_counter(RP_ID, by);
            Ok(())
        },
    )
}

/// The server's time (unix seconds), kept as `save`.
pub fn now(save: &str) -> Step {
    let save = save.to_owned();
    act(format!("the server's time is {save}"), move |w| {
        w.set(&save, json!(w.now()));
        Ok(())
    })
}

/// The member at `pointer` of the value kept as `var` goes.
pub fn remove(var: &str, pointer: &'static str) -> Step {
    let var = var.to_owned();
    act(format!("{pointer} goes from {var}"), move |w| {
        let (parent, member) = pointer.rsplit_once('/').expect("a pointer");
        w.vars
            .get_mut(&var)
            .and_then(|v| v.pointer_mut(parent))
            .and_then(Value::as_object_mut)
            .and_then(|o| o.remove(member))
            .map(drop)
            .ok_or_else(|| format!("nothing at {{{var}{pointer}}}"))
    })
}

/// The newest `purpose` code sent to `to` (a template), kept as `save`.
pub fn outbox_code(to: &str, purpose: &'static str, save: &str) -> Step {
    Step::Code(to.to_owned(), purpose, save.to_owned())
}

/// One server; the accounts, sessions and password managers the tables name; the values earlier
/// cases kept.
pub struct World {
    /// The harness (raw HTTP, sign-up, the outbox).
    pub h: Harness,
    vars: BTreeMap<String, Value>,
    accounts: BTreeMap<String, TestAccount>,
    pms: BTreeMap<String, Arc<SoftPasswordManager>>,
}

impl World {
    /// The reference server with the test configuration.
    pub async fn start() -> Self {
        Self::on(Harness::start().await)
    }

    /// Tables against `h`'s server.
    pub fn on(h: Harness) -> Self {
        Self {
            h,
            vars: BTreeMap::new(),
            accounts: BTreeMap::new(),
            pms: BTreeMap::new(),
        }
    }

    // -----------------------------------------------------------------------------------------
    // set-up that must work, or the test stops there

    /// Keeps `value` as `name`.
    pub fn set(&mut self, name: &str, value: Value) {
        self.vars.insert(name.to_owned(), value);
    }

    /// The text a template names.
    pub fn text(&self, template: &str) -> String {
        self.fill_text(template)
            .unwrap_or_else(|missing| panic!("{missing}"))
    }

    /// The server's time, unix seconds.
    pub fn now(&self) -> u64 {
        self.h.server().unix_time()
    }

    /// A password manager of its own, named `name`.
    pub fn pm(&mut self, name: &str) {
        self.pms.insert(name.to_owned(), self.h.password_manager());
    }

    /// A device-bound password manager (BE = 0, a counter that counts), named `name`.
    pub fn device_bound_pm(&mut self, name: &str) {
        let pm = Arc::unwrap_or_clone(self.h.password_manager()).device_bound();
        self.pms.insert(name.to_owned(), Arc::new(pm));
    }

    fn pm_named(&self, name: &str) -> Arc<SoftPasswordManager> {
        self.pms
            .get(name)
            .unwrap_or_else(|| panic!("no password manager named {name}"))
            .clone()
    }

    fn account_named(&self, name: &str) -> &TestAccount {
        self.accounts
            .get(name)
            .unwrap_or_else(|| panic!("no account named {name}"))
    }

    /// Signs up an account, kept as `name`: `{name/account_id}`, `{name/email}`,
    /// `{name/password}`.
    pub async fn account(&mut self, name: &str, email: &str) {
        let account = self.h.sign_up(email).await;
        let var = json!({"account_id": account.account_id, "email": account.email, "password": account.password});
        self.set(name, var);
        self.accounts.insert(name.to_owned(), account);
    }

    /// Signs `account` in on `device` with password + code, asking to trust the device when
    /// `trust`: `{save/token}`, `{save/trust_token}`.
    pub async fn session(&mut self, save: &str, account: &str, device: &str, trust: bool) {
        let account = self.account_named(account);
        let session = self.h.raw_sign_in(account, device, trust).await;
        let var = json!({"token": session.token, "trust_token": session.trust_token});
        self.set(save, var);
    }

    /// An account signed in on "phone": besides [`Self::account`]'s, `{name/session}`.
    pub async fn signed_in(&mut self, name: &str, email: &str) {
        self.account(name, email).await;
        let session = self
            .h
            .raw_sign_in(self.account_named(name), "phone", false)
            .await;
        self.vars.get_mut(name).expect("the account")["session"] = json!(session.token);
    }

    /// Registers a passkey in the password manager `pm` for the signed-in `account` (step-up,
    /// ceremony, finish), turning the flag on when `enable`: the finish answer is
    /// `{account/registered}`, the passkey `{account/passkey}`.
    pub async fn register(&mut self, account: &str, pm: &str, enable: bool) {
        let session = RawSession {
            token: self.text(&format!("{{{account}/session}}")),
            trust_token: None,
        };
        let (status, registered) = self
            .h
            .raw_register(
                self.account_named(account),
                &session,
                &self.pm_named(pm),
                enable,
            )
            .await;
        assert_eq!(status, 200, "registering {account}'s passkey: {registered}");
        assert_eq!(
            registered["policy"]["passkey_required"], enable,
            "{registered}"
        );
        let var = self.vars.get_mut(account).expect("the account");
        var["passkey"] = registered["passkey"].clone();
        var["registered"] = registered;
    }

    /// An account signed in on "phone" with one passkey in the password manager `pm` (a new
    /// one unless there is one of that name) and the flag on (J1 over raw HTTP).
    pub async fn flagged_with(&mut self, name: &str, email: &str, pm: &str) {
        if !self.pms.contains_key(pm) {
            self.pm(pm);
        }
        self.signed_in(name, email).await;
        self.register(name, pm, true).await;
    }

    /// [`Self::flagged_with`] a password manager of the account's own name.
    pub async fn flagged(&mut self, name: &str, email: &str) {
        self.flagged_with(name, email, name).await;
    }

    /// A check that the policy at `pointer` is signed with the key the server publishes (the
    /// key devices pin): the ES256 signature (ASN.1 DER) verifies over the exact payload bytes
    /// and not over tampered ones, the payload is the policy without `signed`, and `issued_at`
    /// is a plausible unix time.
    pub async fn signed(&self, pointer: &'static str) -> Check {
        let (status, key) = self.h.raw("GET", "/v1/policy-key", None, None).await;
        assert_eq!(status, 200, "{key}");
        let point = B64
            .decode(key["public_key"].as_str().unwrap_or("!").as_bytes())
            .expect("the policy key is base64url");
        let key = VerifyingKey::from_sec1_bytes(&point).expect("the policy key is a P-256 point");
        let what = format!("the policy at {pointer:?} is signed with the published key");
        Check::That(
            what,
            Box::new(move |answer| {
                let policy = answer.pointer(pointer).ok_or("no policy")?;
                let decode = |p: &str| {
                    let text = policy.pointer(p).and_then(Value::as_str).unwrap_or("!");
                    B64.decode(text.as_bytes())
                        .map_err(|_| format!("{p} is not base64url"))
                };
                let payload = decode("/signed/payload")?;
                let signature = Signature::from_der(&decode("/signed/signature")?)
                    .map_err(|_| "the signature is not ASN.1 DER")?;
                key.verify(&payload, &signature)
                    .map_err(|_| "the signature does not verify")?;
                let mut tampered = payload.clone();
                tampered[10] ^= 1;
                ensure(key.verify(&tampered, &signature).is_err(), || {
                    "it verifies over tampered bytes".into()
                })?;
                let mut unsigned = policy.clone();
                unsigned
                    .as_object_mut()
                    .ok_or("not an object")?
                    .remove("signed");
                let signed: Value =
                    serde_json::from_slice(&payload).map_err(|_| "the payload is not JSON")?;
                ensure(signed == unsigned, || format!("the payload is {signed}"))?;
                let issued = policy["issued_at"].as_i64();
                ensure(issued > Some(1_600_000_000), || {
                    format!("issued_at {issued:?}")
                })
            }),
        )
    }

    // -----------------------------------------------------------------------------------------
    // the driver

    /// Runs `table` in order; then fails naming every case that failed.
    pub async fn run(&mut self, table: Vec<Step>) {
        let mut steps = Vec::new();
        flatten(table, &mut steps);
        assert!(
            steps
                .iter()
                .any(|s| matches!(s, Step::Call(_) | Step::Inspect(_))),
            "a table without a request or an inspection checks nothing"
        );
        let mut failures = Vec::new();
        for step in steps {
            if let Err(failure) = self.step(step).await {
                eprintln!("    FAILED: {failure}");
                failures.push(failure);
            }
        }
        assert!(
            failures.is_empty(),
            "{} case(s) failed:\n  - {}",
            failures.len(),
            failures.join("\n  - ")
        );
    }

    async fn step(&mut self, step: Step) -> Result<(), String> {
        match step {
            Step::Call(call) => self.call(call).await,
            Step::Inspect(Inspect {
                name,
                template,
                checks,
            }) => {
                eprintln!("case: {name}");
                let value = self.fill(&json!(template));
                value
                    .and_then(|value| self.verify(&checks, &value))
                    .map_err(|e| format!("{name}: {e}"))
            }
            Step::Ceremony(ceremony) => self.ceremony(ceremony).await,
            Step::Code(to, purpose, save) => {
                let to = self.fill_text(&to)?;
                let code = self.h.code_for(&to, purpose).await;
                self.set(&save, json!(code));
                Ok(())
            }
            Step::Do(name, action) => {
                eprintln!("step: {name}");
                action(self).map_err(|e| format!("{name}: {e}"))
            }
            Step::Seq(_) => unreachable!("flattened"),
        }
    }

    async fn call(&mut self, call: Call) -> Result<(), String> {
        let Call {
            request,
            outcomes,
            checks,
            save,
        } = call;
        let label = format!("{} ({} {})", request.name, request.method, request.path);
        eprintln!("case: {label}");
        let filled = (|| {
            let path = self.fill_text(&request.path)?;
            let bearer = request.bearer.as_deref().map(|t| self.fill_text(t));
            let body = request.body.as_ref().map(|b| self.fill(b));
            Ok::<_, String>((path, bearer.transpose()?, body.transpose()?))
        })();
        let (path, bearer, body) = filled.map_err(|e| format!("{label}: {e}"))?;
        let (status, answer) = if request.admin {
            let token = self.h.admin_token();
            self.h
                .raw_admin(&request.method, &path, Some(token), body)
                .await
        } else {
            self.h
                .raw(&request.method, &path, bearer.as_deref(), body)
                .await
        };
        let code = answer["error"]["code"].as_str();
        let expected = outcomes
            .iter()
            .any(|&(s, c)| status == s && (c.is_none() || code == c));
        let outcome = if expected {
            self.verify(&checks, &answer)
        } else {
            let outcomes: Vec<String> = outcomes
                .iter()
                .map(|(s, c)| format!("{s} {}", c.unwrap_or("")).trim_end().to_owned())
                .collect();
            let outcomes = outcomes.join(" or ");
            Err(format!("expected {outcomes}, got {status} {answer}"))
        };
        if let Some(name) = save {
            self.vars.insert(name, answer);
        }
        outcome.map_err(|e| format!("{label}: {e}"))
    }

    async fn ceremony(&mut self, ceremony: Ceremony) -> Result<(), String> {
        let Ceremony {
            pm,
            options,
            fault,
            save,
            create,
        } = ceremony;
        let verb = if create { "creates" } else { "asserts" };
        let with = fault.as_ref().map(|f| format!(" with {f:?}"));
        let label = format!(
            "{pm}'s password manager {verb} on {options}{}",
            with.unwrap_or_default()
        );
        eprintln!("step: {label}");
        let options = self
            .fill(&json!(options))
            .map_err(|e| format!("{label}: {e}"))?
            .to_string();
        let pm = self.pm_named(&pm);
        pm.set_fault(fault);
        let credential = if create {
            match prepare_create(&options, RP_ID) {
                Ok(request) => pm.create(request).await.map_err(|e| format!("{e:?}")),
                Err(e) => Err(format!("options refused: {e:?}")),
            }
        } else {
            match prepare_get(&options, RP_ID) {
                Ok(request) => pm.get(request).await.map_err(|e| format!("{e:?}")),
                Err(e) => Err(format!("options refused: {e:?}")),
            }
        };
        pm.set_fault(None);
        let credential = credential
            .and_then(|c| serde_json::from_str(&c).map_err(|e| e.to_string()))
            .map_err(|e| format!("{label}: {e}"))?;
        self.set(&save, credential);
        Ok(())
    }

    fn verify(&self, checks: &[Check], answer: &Value) -> Result<(), String> {
        let wrong: Vec<String> = checks
            .iter()
            .filter_map(|check| self.verify_one(check, answer).err())
            .collect();
        ensure(wrong.is_empty(), || {
            format!("{} in {answer}", wrong.join("; "))
        })
    }

    fn verify_one(&self, check: &Check, answer: &Value) -> Result<(), String> {
        let at = |p: &str| answer.pointer(p).ok_or_else(|| format!("{p}: missing"));
        let array = |p: &str| {
            at(p)?
                .as_array()
                .ok_or_else(|| format!("{p}: not an array"))
        };
        match check {
            Check::Eq(p, template) => {
                let (expected, got) = (self.fill(template)?, at(p)?);
                ensure(*got == expected, || {
                    format!("{p}: expected {expected}, got {got}")
                })
            }
            Check::Absent(p) => match answer.pointer(p) {
                None => Ok(()),
                Some(got) => Err(format!("{p}: expected nothing, got {got}")),
            },
            Check::Len(p, n) => {
                let len = array(p)?.len();
                ensure(len == *n, || {
                    format!("{p}: expected {n} elements, got {len}")
                })
            }
            Check::Each(p, member, expected, prefix) => {
                let got: Vec<Value> = array(p)?
                    .iter()
                    .map(|e| e.pointer(member).cloned().unwrap_or(Value::Null))
                    .collect();
                let matches = if *prefix {
                    got.starts_with(expected)
                } else {
                    got == *expected
                };
                let how = if *prefix { "to begin with " } else { "" };
                ensure(matches, || {
                    format!("{p}[*]{member}: expected {how}{expected:?}, got {got:?}")
                })
            }
            Check::Count(p, member, value, n) => {
                let count = array(p)?
                    .iter()
                    .filter(|e| e.pointer(member).and_then(Value::as_str) == Some(*value))
                    .count();
                ensure(count == *n, || {
                    format!("{p}: expected {n} with {member} = {value:?}, got {count}")
                })
            }
            Check::Compare(p, sign, template) => {
                let bound = self.fill(template)?;
                let (Some(got), Some(bound)) = (at(p)?.as_i64(), bound.as_i64()) else {
                    return Err(format!("{p}: not integers ({bound})"));
                };
                let (ok, relation) = match sign {
                    1 => (got > bound, "above"),
                    0 => (got >= bound, "at least"),
                    _ => (got <= bound, "at most"),
                };
                ensure(ok, || {
                    format!("{p}: expected {relation} {bound}, got {got}")
                })
            }
            Check::That(what, property) => property(answer).map_err(|e| format!("{what}: {e}")),
        }
    }

    // -----------------------------------------------------------------------------------------
    // templates

    fn lookup(&self, reference: &str) -> Result<Value, String> {
        let (name, pointer) = reference.split_at(reference.find('/').unwrap_or(reference.len()));
        self.vars
            .get(name)
            .and_then(|v| v.pointer(pointer))
            .filter(|v| !v.is_null())
            .cloned()
            .ok_or_else(|| format!("no value for {{{reference}}} (did an earlier case fail?)"))
    }

    fn fill_text(&self, text: &str) -> Result<String, String> {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find('{') {
            let end = rest[start..]
                .find('}')
                .ok_or_else(|| format!("an open {{ in {text:?}"))?;
            out.push_str(&rest[..start]);
            match self.lookup(&rest[start + 1..start + end])? {
                Value::String(s) => out.push_str(&s),
                other => out.push_str(&other.to_string()),
            }
            rest = &rest[start + end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    fn fill(&self, template: &Value) -> Result<Value, String> {
        Ok(match template {
            Value::String(s)
                if s.starts_with('{') && s.ends_with('}') && s.matches('{').count() == 1 =>
            {
                self.lookup(&s[1..s.len() - 1])?
            }
            Value::String(s) => Value::String(self.fill_text(s)?),
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|i| self.fill(i))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(members) => Value::Object(
                members
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), self.fill(v)?)))
                    .collect::<Result<_, String>>()?,
            ),
            other => other.clone(),
        })
    }
}

fn flatten(steps: Vec<Step>, into: &mut Vec<Step>) {
    for step in steps {
        match step {
            Step::Seq(inner) => flatten(inner, into),
            other => into.push(other),
        }
    }
}
