//! An instant server for the SDK overhead benchmarks (BRIEF §6: the SDK's own overhead per
//! ceremony, called from Kotlin, and the same from Rust).
//!
//! What a benchmark of the SDK must not measure is the server: Argon2, webauthn-rs, SQLite. So the
//! journeys run once against the real reference server ([`record`]): a core client with the
//! software password manager goes through a recording proxy — sign-in with password and code,
//! Enable (step-up begin/finish, registration begin/finish), a J2 login (password step answered
//! `passkey_required`, then `POST /v1/login/passkey`) and a J3 usernameless sign-in — and every
//! answer is kept, the last one per method and path. [`ReplayServer`] then answers each request by
//! method and path with those bytes, prepared once, without reading the body or checking anything:
//! a tiny HTTP/1.1 server on loopback (keep-alive, `Content-Length` bodies, a thread per
//! connection, blocking I/O so an answer leaves as soon as the request is read).
//!
//! The options it replays carry the recorded (so: fixed) challenges, and the password manager's
//! answers to exactly those challenges were kept too: [`InstantAuthenticator`] (and its Kotlin
//! twin in `bindings/jvm/src/bench`) returns them at once, by challenge. They pass everything the
//! core checks (type, challenge, origin, rpIdHash, flags, id = rawId); the core verifies no
//! signature — the server would, and this one does not.
//!
//! `passkeys-testkit replay` records, serves, and prints what a benchmark in another process needs
//! ([`Recording::fixture_lines`]) before its `base URL:` line.

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;

use bingx_passkeys_core::{
    Capabilities, CreateRequest, GetRequest, PlatformAuthenticator, PlatformError, SecretStore,
    SignInStep,
};
use passkey_types::encoding::base64url;

use crate::harness::{Harness, RP_ID};
use crate::softpm::SoftPasswordManager;

/// `passkeys-testkit replay --help`.
pub const USAGE: &str = "usage: passkeys-testkit replay [--addr 127.0.0.1:0]

Records the journeys once against an embedded reference server (sign-in, Enable, a password login
answered passkey_required, a usernameless sign-in), then answers the same requests instantly from
memory on --addr (loopback only; port 0 picks a free one), by method and path, until its standard
input closes or Ctrl-C. Before the `base URL:` line it prints what a benchmark needs, one
tab-separated line each:
  fixture<TAB>rp_id|policy_key|email|password<TAB>value
  fixture<TAB>create|get<TAB>challenge (base64url)<TAB>the password manager's answer (JSON)
  fixture<TAB>route<TAB>METHOD PATH<TAB>status";

const EMAIL: &str = "replay@bench.bingx.test";
const MAX_HEAD_BYTES: usize = 64 * 1024;
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// One recorded answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// `GET`, `POST`…
    pub method: String,
    /// The request path, e.g. `/v1/login/password`.
    pub path: String,
    /// The HTTP status the reference server answered with.
    pub status: u16,
    /// The answer's body, byte for byte.
    pub body: Vec<u8>,
}

/// The journeys as the reference server and the password manager answered them once.
#[derive(Debug, Clone)]
pub struct Recording {
    /// The relying party id.
    pub rp_id: String,
    /// The server's policy-signing key (base64url), as an app pins it.
    pub policy_key: String,
    /// The account's email.
    pub email: String,
    /// The account's password.
    pub password: String,
    /// The last answer per method and path, in the order first seen.
    pub routes: Vec<Route>,
    /// Registration responses (`RegistrationResponseJSON`) by the challenge they answer.
    pub created: Vec<(Vec<u8>, String)>,
    /// Assertion responses (`AuthenticationResponseJSON`) by the challenge they answer.
    pub asserted: Vec<(Vec<u8>, String)>,
}

impl Recording {
    /// The lines `passkeys-testkit replay` prints (see [`USAGE`]). Values never hold a tab or a
    /// line break (JSON is compact, tokens are base64url).
    pub fn fixture_lines(&self) -> Vec<String> {
        let mut lines = vec![
            format!("fixture\trp_id\t{}", self.rp_id),
            format!("fixture\tpolicy_key\t{}", self.policy_key),
            format!("fixture\temail\t{}", self.email),
            format!("fixture\tpassword\t{}", self.password),
        ];
        for (kind, answers) in [("create", &self.created), ("get", &self.asserted)] {
            for (challenge, json) in answers {
                lines.push(format!(
                    "fixture\t{kind}\t{}\t{}",
                    base64url(challenge),
                    one_line(json)
                ));
            }
        }
        for r in &self.routes {
            lines.push(format!(
                "fixture\troute\t{} {}\t{}",
                r.method, r.path, r.status
            ));
        }
        lines
    }
}

fn one_line(s: &str) -> String {
    s.replace(['\t', '\r', '\n'], " ")
}

/// Run the journeys once against an embedded reference server (in-memory SQLite) and keep its
/// answers and the password manager's.
pub async fn record() -> Result<Recording, String> {
    let harness = Harness::start().await;
    let upstream: SocketAddr = harness
        .base_url()
        .trim_start_matches("http://")
        .parse()
        .map_err(|e| format!("the reference server's address: {e}"))?;
    let tape: Arc<Mutex<Vec<Route>>> = Arc::default();
    let taped = tape.clone();
    let proxy = MiniServer::start(
        loopback_any(),
        Arc::new(move |request: &Request| match forward(upstream, request) {
            Ok((status, body)) => {
                let answer = response(status, &body);
                lock(&taped).push(Route {
                    method: request.method.clone(),
                    path: request.path.clone(),
                    status,
                    body,
                });
                answer.into()
            }
            Err(e) => error_response(502, &format!("replay: the reference server: {e}")).into(),
        }),
    )
    .map_err(|e| format!("the recording proxy: {e}"))?;

    let platform = Arc::new(Taping::new(harness.password_manager()));
    let store = SecretStore::in_memory().map_err(|e| e.to_string())?;
    let client = harness.client_with(&proxy.base_url(), store, platform.clone());
    let account = harness.sign_up(EMAIL).await;
    let failed = |step: &str| {
        let step = step.to_owned();
        move |e: bingx_passkeys_core::PasskeysError| format!("recording, {step}: {e:?}")
    };
    harness
        .sign_in(&client, &account, "replay")
        .await
        .map_err(failed("sign-in"))?;
    let flow = client.enable();
    harness
        .step_up(&flow, &account)
        .await
        .map_err(failed("step-up"))?;
    flow.create_passkey(None)
        .await
        .map_err(failed("create passkey"))?;
    let sign_in = client.sign_in();
    match sign_in
        .with_password(&account.email, &account.password, "replay", None)
        .await
        .map_err(failed("password step"))?
    {
        SignInStep::PasskeyRequired { login_id } => sign_in
            .complete_with_passkey(&login_id)
            .await
            .map_err(failed("passkey step"))?,
        other => return Err(format!("the password step answered {other:?}")),
    };
    sign_in
        .with_passkey()
        .await
        .map_err(failed("usernameless sign-in"))?;
    let (status, key) = harness.raw("GET", "/v1/policy-key", None, None).await;
    let policy_key = key["public_key"]
        .as_str()
        .filter(|_| status == 200)
        .ok_or("the reference server has no policy key")?
        .to_owned();
    drop(proxy);
    harness.shutdown().await;

    let mut routes: Vec<Route> = Vec::new();
    for route in lock(&tape).drain(..) {
        match routes
            .iter_mut()
            .find(|r| r.method == route.method && r.path == route.path)
        {
            Some(kept) => *kept = route,
            None => routes.push(route),
        }
    }
    Ok(Recording {
        rp_id: RP_ID.to_owned(),
        policy_key,
        email: account.email,
        password: account.password,
        routes,
        created: lock(&platform.created).clone(),
        asserted: lock(&platform.asserted).clone(),
    })
}

/// The software password manager, its answers kept by challenge.
struct Taping {
    inner: Arc<SoftPasswordManager>,
    created: Mutex<Vec<(Vec<u8>, String)>>,
    asserted: Mutex<Vec<(Vec<u8>, String)>>,
}

impl Taping {
    fn new(inner: Arc<SoftPasswordManager>) -> Self {
        Self {
            inner,
            created: Mutex::default(),
            asserted: Mutex::default(),
        }
    }
}

#[async_trait::async_trait]
impl PlatformAuthenticator for Taping {
    async fn capabilities(&self) -> Capabilities {
        self.inner.capabilities().await
    }

    async fn create(&self, request: CreateRequest) -> Result<String, PlatformError> {
        let challenge = request.challenge.clone();
        let json = self.inner.create(request).await?;
        lock(&self.created).push((challenge, json.clone()));
        Ok(json)
    }

    async fn get(&self, request: GetRequest) -> Result<String, PlatformError> {
        let challenge = request.challenge.clone();
        let json = self.inner.get(request).await?;
        lock(&self.asserted).push((challenge, json.clone()));
        Ok(json)
    }

    async fn signal_unknown_credential(
        &self,
        rp_id: String,
        credential_id: Vec<u8>,
    ) -> Result<(), PlatformError> {
        self.inner
            .signal_unknown_credential(rp_id, credential_id)
            .await
    }

    async fn signal_all_accepted_credentials(
        &self,
        rp_id: String,
        user_id: Vec<u8>,
        credential_ids: Vec<Vec<u8>>,
    ) -> Result<(), PlatformError> {
        self.inner
            .signal_all_accepted_credentials(rp_id, user_id, credential_ids)
            .await
    }

    async fn signal_current_user_details(
        &self,
        rp_id: String,
        user_id: Vec<u8>,
        name: String,
        display_name: String,
    ) -> Result<(), PlatformError> {
        self.inner
            .signal_current_user_details(rp_id, user_id, name, display_name)
            .await
    }
}

/// A platform authenticator that answers at once with the responses of a [`Recording`], by
/// challenge (an unknown challenge is an `Other` error). The device is always ready; signals are
/// accepted and dropped.
pub struct InstantAuthenticator {
    created: HashMap<Vec<u8>, String>,
    asserted: HashMap<Vec<u8>, String>,
}

impl InstantAuthenticator {
    /// The answers of `recording`.
    pub fn new(recording: &Recording) -> Self {
        Self {
            created: recording.created.iter().cloned().collect(),
            asserted: recording.asserted.iter().cloned().collect(),
        }
    }
}

fn unprepared() -> PlatformError {
    PlatformError::Other {
        kind: "replay".to_owned(),
        message: "no prepared answer for this challenge".to_owned(),
    }
}

#[async_trait::async_trait]
impl PlatformAuthenticator for InstantAuthenticator {
    async fn capabilities(&self) -> Capabilities {
        Capabilities::ready_device()
    }

    async fn create(&self, request: CreateRequest) -> Result<String, PlatformError> {
        self.created
            .get(&request.challenge)
            .cloned()
            .ok_or_else(unprepared)
    }

    async fn get(&self, request: GetRequest) -> Result<String, PlatformError> {
        self.asserted
            .get(&request.challenge)
            .cloned()
            .ok_or_else(unprepared)
    }

    async fn signal_unknown_credential(&self, _: String, _: Vec<u8>) -> Result<(), PlatformError> {
        Ok(())
    }

    async fn signal_all_accepted_credentials(
        &self,
        _: String,
        _: Vec<u8>,
        _: Vec<Vec<u8>>,
    ) -> Result<(), PlatformError> {
        Ok(())
    }

    async fn signal_current_user_details(
        &self,
        _: String,
        _: Vec<u8>,
        _: String,
        _: String,
    ) -> Result<(), PlatformError> {
        Ok(())
    }
}

/// A running replay: the recorded answers on loopback. Stops when dropped.
pub struct ReplayServer {
    server: MiniServer,
}

impl ReplayServer {
    /// Answer `recording`'s routes on `addr` (a loopback address; port 0 picks a free one).
    /// Anything else gets a 404 in the server's error envelope.
    pub fn start(recording: &Recording, addr: SocketAddr) -> io::Result<Self> {
        let table: Vec<(String, String, Arc<[u8]>)> = recording
            .routes
            .iter()
            .map(|r| {
                let bytes: Arc<[u8]> = response(r.status, &r.body).into();
                (r.method.clone(), r.path.clone(), bytes)
            })
            .collect();
        let server = MiniServer::start(
            addr,
            Arc::new(move |request: &Request| {
                table
                    .iter()
                    .find(|(method, path, _)| *method == request.method && *path == request.path)
                    .map_or_else(
                        || {
                            let message = format!(
                                "replay: no recorded answer for {} {}",
                                request.method, request.path
                            );
                            error_response(404, &message).into()
                        },
                        |(_, _, bytes)| bytes.clone(),
                    )
            }),
        )?;
        Ok(Self { server })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        self.server.base_url()
    }
}

fn loopback_any() -> SocketAddr {
    ([127, 0, 0, 1], 0).into()
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// An HTTP/1.1 request as [`MiniServer`] reads it.
struct Request {
    method: String,
    path: String,
    /// Names in lower case.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

type Handler = dyn Fn(&Request) -> Arc<[u8]> + Send + Sync;

/// Just enough HTTP/1.1 for a client on this machine: keep-alive, `Content-Length` bodies (no
/// chunked requests), one thread per connection, the handler's bytes written as the answer.
struct MiniServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
}

impl MiniServer {
    fn start(addr: SocketAddr, handler: Arc<Handler>) -> io::Result<Self> {
        if !addr.ip().is_loopback() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the replay server listens on loopback only",
            ));
        }
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        thread::Builder::new()
            .name("replay-accept".to_owned())
            .spawn(move || {
                for stream in listener.incoming() {
                    if stopped.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let handler = handler.clone();
                    let _ = thread::Builder::new()
                        .name("replay-conn".to_owned())
                        .spawn(move || serve_connection(stream, &*handler));
                }
            })?;
        Ok(Self { addr, stop })
    }

    fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for MiniServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}

fn serve_connection(stream: TcpStream, handler: &Handler) {
    let _ = stream.set_nodelay(true);
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    while let Ok(Some(request)) = read_request(&mut reader) {
        let answer = handler(&request);
        if writer.write_all(&answer).is_err() {
            break;
        }
        if request
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"))
        {
            break;
        }
    }
}

fn bad(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_owned())
}

/// The next request on the connection; `None` when the client closed it between requests.
fn read_request(reader: &mut impl BufRead) -> io::Result<Option<Request>> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut head_bytes = line.len();
    let mut parts = line.split_whitespace();
    let (Some(method), Some(path)) = (parts.next(), parts.next()) else {
        return Err(bad("request line"));
    };
    let (method, path) = (method.to_owned(), path.to_owned());
    let mut headers = Vec::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Err(bad("end of stream in the head"));
        }
        head_bytes += line.len();
        if head_bytes > MAX_HEAD_BYTES {
            return Err(bad("head too large"));
        }
        let header = line.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    let mut request = Request {
        method,
        path,
        headers,
        body: Vec::new(),
    };
    if request.header("transfer-encoding").is_some() {
        return Err(bad("chunked requests are not supported"));
    }
    let length: usize = match request.header("content-length") {
        Some(v) => v.parse().map_err(|_| bad("content-length"))?,
        None => 0,
    };
    if length > MAX_BODY_BYTES {
        return Err(bad("body too large"));
    }
    request.body = vec![0; length];
    reader.read_exact(&mut request.body)?;
    Ok(Some(request))
}

fn response(status: u16, body: &[u8]) -> Vec<u8> {
    let reason = match status {
        200 => "OK",
        201 => "Created",
        404 => "Not Found",
        502 => "Bad Gateway",
        _ => "Status",
    };
    let mut bytes = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

fn error_response(status: u16, message: &str) -> Vec<u8> {
    let body = serde_json::json!({ "error": { "code": "replay", "message": message } });
    response(status, body.to_string().as_bytes())
}

/// One request to the reference server on its own `Connection: close` connection; its status and
/// body.
fn forward(upstream: SocketAddr, request: &Request) -> io::Result<(u16, Vec<u8>)> {
    let mut stream = TcpStream::connect(upstream)?;
    let mut head = format!(
        "{} {} HTTP/1.1\r\nhost: {upstream}\r\nconnection: close\r\ncontent-length: {}\r\n",
        request.method,
        request.path,
        request.body.len()
    );
    for (name, value) in &request.headers {
        if matches!(name.as_str(), "authorization" | "content-type" | "accept") {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(&request.body)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| bad("no end of head in the answer"))?;
    let head = std::str::from_utf8(&raw[..end]).map_err(|_| bad("answer head"))?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad("status line"))?;
    let mut body = raw[end + 4..].to_vec();
    for line in head.lines().skip(1) {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let (name, value) = (name.trim().to_ascii_lowercase(), value.trim());
        if name == "transfer-encoding" {
            return Err(bad("chunked answers are not supported"));
        }
        if name == "content-length" {
            let length: usize = value.parse().map_err(|_| bad("content-length"))?;
            body.truncate(length);
        }
    }
    Ok((status, body))
}

/// `passkeys-testkit replay …`: records, serves until standard input closes (or Ctrl-C), prints
/// the fixture and the `base URL:` line. Returns the process's exit code.
pub async fn run(args: &[String]) -> u8 {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return 0;
    }
    let mut addr = loopback_any();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--addr", Some(value)) => match value.parse() {
                Ok(a) => addr = a,
                Err(e) => {
                    eprintln!("passkeys-testkit replay: --addr {value}: {e}\n\n{USAGE}");
                    return 2;
                }
            },
            _ => {
                eprintln!("passkeys-testkit replay: unexpected {arg:?}\n\n{USAGE}");
                return 2;
            }
        }
    }
    let recording = match record().await {
        Ok(recording) => recording,
        Err(e) => {
            eprintln!("passkeys-testkit replay: {e}");
            return 1;
        }
    };
    let server = match ReplayServer::start(&recording, addr) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("passkeys-testkit replay: {addr}: {e}");
            return 1;
        }
    };
    let mut out = io::stdout().lock();
    for line in recording.fixture_lines() {
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out, "base URL: {}", server.base_url());
    let _ = out.flush();
    drop(out);
    let stdin_closed = tokio::task::spawn_blocking(|| {
        let _ = io::copy(&mut io::stdin().lock(), &mut io::sink());
    });
    tokio::select! {
        _ = stdin_closed => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    drop(server);
    0
}

#[cfg(test)]
mod tests {
    use bingx_passkeys_core::{Config, Factor, LoginPath, PasskeysClient, PasskeysError};

    use super::*;

    #[test]
    fn requests_are_read_with_their_bodies_one_after_another() {
        let raw = b"POST /v1/login/password HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}GET /v1/a HTTP/1.1\r\nconnection: close\r\n\r\n";
        let mut reader = &raw[..];
        let first = read_request(&mut reader).unwrap().unwrap();
        assert_eq!(
            (first.method.as_str(), first.path.as_str()),
            ("POST", "/v1/login/password")
        );
        assert_eq!(first.body, b"{}");
        let second = read_request(&mut reader).unwrap().unwrap();
        assert_eq!(second.header("connection"), Some("close"));
        assert!(read_request(&mut reader).unwrap().is_none());
        let chunked = b"POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n";
        assert!(read_request(&mut &chunked[..]).is_err());
    }

    /// The harness works: recorded once, the three ceremonies replay through the core's checks,
    /// again and again, with the requests the budgets count. (How fast is for the benchmarks.)
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn replayed_ceremonies_pass_the_cores_checks() {
        let recording = record().await.expect("recorded");
        let paths: Vec<&str> = recording.routes.iter().map(|r| r.path.as_str()).collect();
        for path in [
            "/v1/step-up/begin",
            "/v1/step-up/finish",
            "/v1/passkeys/registration/begin",
            "/v1/passkeys/registration/finish",
            "/v1/login/password",
            "/v1/login/passkey",
            "/v1/login/discoverable/begin",
            "/v1/login/discoverable/finish",
        ] {
            assert!(paths.contains(&path), "{path} not recorded: {paths:?}");
        }
        assert_eq!((recording.created.len(), recording.asserted.len()), (1, 2));
        let lines = recording.fixture_lines();
        assert!(lines.iter().all(|l| !l.contains('\n')));
        assert_eq!(
            lines
                .iter()
                .filter(|l| l.starts_with("fixture\tget\t"))
                .count(),
            2
        );

        let server = ReplayServer::start(&recording, loopback_any()).expect("replay starts");
        let key = passkey_types::encoding::try_from_base64url(&recording.policy_key).unwrap();
        let config = Config::for_loopback_test_server(&server.base_url(), RP_ID)
            .unwrap()
            .with_policy_key(key)
            .unwrap();
        let platform = Arc::new(InstantAuthenticator::new(&recording));
        let store = SecretStore::in_memory().unwrap();
        let client = PasskeysClient::new(config.clone(), store.clone(), platform.clone()).unwrap();
        for _ in 0..3 {
            let sign_in = client.sign_in();
            let before = client.requests_sent();
            let step = sign_in
                .with_password(&recording.email, &recording.password, "bench", None)
                .await
                .unwrap();
            let SignInStep::PasskeyRequired { login_id } = step else {
                panic!("{step:?}")
            };
            sign_in.complete_with_passkey(&login_id).await.unwrap();
            sign_in.with_passkey().await.unwrap();
            let flow = client.enable();
            flow.check_device().await.unwrap();
            flow.acknowledge_warning().unwrap();
            flow.start_step_up().await.unwrap();
            flow.finish_step_up(&recording.password, Factor::Email, "000000")
                .await
                .unwrap();
            let added = flow.create_passkey(None).await.unwrap();
            assert!(added.policy.passkey_required);
            assert_eq!(client.requests_sent() - before, 2 + 2 + 4);
        }
        // An app start on the same keystore: its copy of the signed policy verifies against the
        // pinned key, and H5 is refused before any request.
        let restarted = PasskeysClient::new(config, store, platform).unwrap();
        assert!(matches!(
            restarted.sign_in().check_path(LoginPath::H5),
            Err(PasskeysError::PathBlocked { .. })
        ));
        let unknown = reqwest::get(format!("{}/v1/nothing", server.base_url()))
            .await
            .unwrap();
        assert_eq!(unknown.status(), 404);
    }
}
