//! A loopback HTTP/1.1 proxy that drops the connection on purpose, so tests can cut the network
//! before a request reaches the server or after the server has answered it (BRIEF §2 J7, §5 #19),
//! or answers a request in the server's place (a man in the middle, for the device's own checks).
//!
//! It understands just enough HTTP/1.1 for this: a request head, a `Content-Length` body, and an
//! upstream answer read to the end (each request goes upstream on its own `Connection: close`
//! connection). It only ever talks to addresses on this machine.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// When the proxy cuts the connection of a matching request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// The request never reaches the server.
    BeforeServer,
    /// The server handles the request; its answer never reaches the client.
    AfterServer,
}

/// An answer given in the server's place.
#[derive(Clone)]
struct Answer {
    status: u16,
    body: String,
}

#[derive(Default)]
struct Rules {
    /// (path prefix, cut, remaining count)
    rules: Vec<(String, Cut, usize)>,
    /// (path prefix, status and JSON body answered instead of the server's, remaining count)
    answers: Vec<(String, Answer, usize)>,
    seen: Vec<String>,
}

/// A running proxy in front of one upstream server.
pub struct NetCut {
    addr: SocketAddr,
    rules: Arc<Mutex<Rules>>,
    task: JoinHandle<()>,
}

impl NetCut {
    /// Start a proxy on a free loopback port in front of `upstream` (a loopback address).
    pub async fn start(upstream: SocketAddr) -> std::io::Result<Self> {
        assert!(upstream.ip().is_loopback(), "NetCut only proxies loopback");
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let rules = Arc::new(Mutex::new(Rules::default()));
        let shared = rules.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let rules = shared.clone();
                tokio::spawn(async move {
                    let _ = serve(client, upstream, rules).await;
                });
            }
        });
        Ok(Self { addr, rules, task })
    }

    /// The proxy's base URL (`http://127.0.0.1:PORT`).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Cut the next `times` requests whose path starts with `path_prefix`.
    pub fn cut(&self, path_prefix: &str, cut: Cut, times: usize) {
        lock(&self.rules)
            .rules
            .push((path_prefix.to_owned(), cut, times));
    }

    /// Answer the next `times` requests whose path starts with `path_prefix` with `body` (JSON,
    /// status 200) in the server's place: the server never sees them.
    pub fn answer(&self, path_prefix: &str, body: &str, times: usize) {
        self.answer_with(path_prefix, 200, body, times);
    }

    /// [`NetCut::answer`] with another status: a refusal the server never made (for a 4xx, the
    /// body is the server's error shape, `{"error":{"code":…,"message":…}}`).
    pub fn answer_with(&self, path_prefix: &str, status: u16, body: &str, times: usize) {
        let answer = Answer {
            status,
            body: body.to_owned(),
        };
        lock(&self.rules)
            .answers
            .push((path_prefix.to_owned(), answer, times));
    }

    /// Every request path seen so far, in order.
    pub fn seen(&self) -> Vec<String> {
        lock(&self.rules).seen.clone()
    }
}

impl Drop for NetCut {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn lock(rules: &Mutex<Rules>) -> std::sync::MutexGuard<'_, Rules> {
    rules.lock().unwrap_or_else(|e| e.into_inner())
}

const MAX_HEAD: usize = 16 * 1024;
const MAX_BODY: usize = 1024 * 1024;

/// One request per client connection: the proxy answers with `Connection: close`.
async fn serve(
    mut client: TcpStream,
    upstream: SocketAddr,
    rules: Arc<Mutex<Rules>>,
) -> std::io::Result<()> {
    let mut buffered = Vec::new();
    let Some((head, body)) = read_request(&mut client, &mut buffered).await? else {
        return Ok(());
    };
    let path = head
        .split(|b| *b == b' ')
        .nth(1)
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .unwrap_or_default();
    let (cut, answer) = {
        let mut r = lock(&rules);
        r.seen.push(path.clone());
        let answer = r
            .answers
            .iter_mut()
            .find(|(prefix, _, left)| *left > 0 && path.starts_with(prefix.as_str()))
            .map(|(_, answer, left)| {
                *left -= 1;
                answer.clone()
            });
        let hit = r.rules.iter_mut().find(|(prefix, _, left)| {
            answer.is_none() && *left > 0 && path.starts_with(prefix.as_str())
        });
        let cut = hit.map(|(_, cut, left)| {
            *left -= 1;
            *cut
        });
        (cut, answer)
    };
    if let Some(Answer { status, body }) = answer {
        let head = format!(
            "HTTP/1.1 {status} Answered\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        client.write_all(head.as_bytes()).await?;
        client.write_all(body.as_bytes()).await?;
        return client.shutdown().await;
    }
    if cut == Some(Cut::BeforeServer) {
        return Ok(()); // drop the client connection; the server never sees the request
    }
    let mut up = TcpStream::connect(upstream).await?;
    up.write_all(&with_connection_close(&head)).await?;
    up.write_all(&body).await?;
    let mut answer = Vec::new();
    up.read_to_end(&mut answer).await?;
    if cut == Some(Cut::AfterServer) {
        return Ok(()); // the server did the work; the client never hears of it
    }
    client.write_all(&answer).await?;
    client.shutdown().await
}

async fn read_request(
    client: &mut TcpStream,
    buffered: &mut Vec<u8>,
) -> std::io::Result<Option<(Vec<u8>, Vec<u8>)>> {
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buffered.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buffered.len() > MAX_HEAD {
            return Ok(None);
        }
        let n = client.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buffered.extend_from_slice(&chunk[..n]);
    };
    let head: Vec<u8> = buffered.drain(..head_end).collect();
    let length = content_length(&head).min(MAX_BODY);
    while buffered.len() < length {
        let n = client.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buffered.extend_from_slice(&chunk[..n]);
    }
    let body: Vec<u8> = buffered.drain(..length).collect();
    Ok(Some((head, body)))
}

fn content_length(head: &[u8]) -> usize {
    String::from_utf8_lossy(head)
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0)
}

fn with_connection_close(head: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(head);
    let mut out: String = text
        .trim_end_matches("\r\n")
        .lines()
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .map(|l| format!("{l}\r\n"))
        .collect();
    out.push_str("Connection: close\r\n\r\n");
    out.into_bytes()
}
