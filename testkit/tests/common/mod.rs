//! What several integration tests share: `passkeys-testkit serve` as a process of its own (to
//! read its memory, or to kill it with SIGKILL and start it again on the same database), and
//! database files that clean up after themselves.

#![allow(dead_code)] // each test file uses a part

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bingx_passkeys_testkit::harness::RP_ID;

/// A database file of this test's own, removed (with its journal) when dropped.
pub struct TempDb(pub PathBuf);

impl TempDb {
    /// A fresh path under the system's temp directory.
    pub fn new(name: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        Self(std::env::temp_dir().join(format!(
            "bingx-passkeys-{name}-{}-{nanos}.sqlite",
            std::process::id()
        )))
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }
}

/// A free loopback port (bound, then released for the server to take).
pub fn free_port() -> u16 {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    probe.local_addr().expect("address").port()
}

/// `passkeys-testkit serve` for [`RP_ID`] as its own process.
pub struct ServeProcess {
    child: Child,
    args: Vec<String>,
    /// Where it listens.
    pub addr: SocketAddr,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl ServeProcess {
    /// Starts it on a free port, in memory or on `db`, with `extra` arguments.
    pub fn start(db: Option<&Path>, extra: &[&str]) -> Self {
        // reqwest is built without a default TLS provider; the core installs ring's.
        bingx_passkeys_core::install_tls_provider();
        let port = free_port();
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let mut args = vec![
            "serve".to_owned(),
            "--addr".to_owned(),
            addr.to_string(),
            "--rp-id".to_owned(),
            RP_ID.to_owned(),
        ];
        if let Some(db) = db {
            args.extend(["--db".to_owned(), db.display().to_string()]);
        }
        args.extend(extra.iter().map(|a| (*a).to_owned()));
        let child = spawn(&args);
        Self {
            child,
            args,
            addr,
            base: format!("http://{addr}"),
        }
    }

    /// The process id (for /proc).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits until it answers (at most 30 s).
    pub async fn wait_ready(&self) {
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if http
                .get(format!("{}/v1/policy-key", self.base))
                .send()
                .await
                .is_ok()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("passkeys-testkit serve did not answer within 30 s");
    }

    /// SIGKILL: no shutdown, no flush, whatever the server was doing.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts it again with the same arguments (same port, same database) and waits for it.
    pub async fn restart(&mut self) {
        self.kill();
        // The port may linger for a moment after the kill.
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            self.child = spawn(&self.args);
            tokio::time::sleep(Duration::from_millis(50)).await;
            match self.child.try_wait() {
                Ok(None) => break,
                _ if Instant::now() < deadline => continue,
                other => panic!("passkeys-testkit serve did not restart: {other:?}"),
            }
        }
        self.wait_ready().await;
    }

    /// Resident set size in MiB, from /proc.
    pub fn rss_mib(&self) -> f64 {
        rss_mib(self.pid()).expect("/proc/<pid>/status")
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

fn spawn(args: &[String]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_passkeys-testkit"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("passkeys-testkit serve starts")
}

/// A process's resident set size in MiB, from /proc (`None` once it is gone).
pub fn rss_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kib: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())?;
    Some(kib / 1024.0)
}
