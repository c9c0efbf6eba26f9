//! The server's ceiling on this machine: webauthn-rs assertion verification alone, with no HTTP,
//! no database and no ceremony state (de)serialisation, on as many threads as there are cores.
//!
//! Valid assertions are made first (webauthn-rs's own options, answered by the software password
//! manager, half synced and half device-bound like the load's accounts); then each thread verifies
//! them round-robin against the states they were made for, for a fixed time. Verification does
//! not consume the state, so the same pair verifies again and again.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use url::Url;
use webauthn_rs::prelude::{
    DiscoverableAuthentication, Passkey, PasskeyAuthentication, PublicKeyCredential,
    RegisterPublicKeyCredential, Uuid,
};
use webauthn_rs::{Webauthn, WebauthnBuilder};

use bingx_passkeys_core::PlatformAuthenticator;
use bingx_passkeys_core::webauthn::{prepare_create, prepare_get};

use super::cpu;
use crate::softpm::SoftPasswordManager;

/// How many distinct passkeys the measurement verifies assertions of.
const PASSKEYS: usize = 8;
/// Assertions made per passkey.
const ASSERTIONS_PER_PASSKEY: usize = 4;

/// The bare verification rates.
#[derive(Debug, Clone)]
pub struct BareRate {
    /// Threads that verified (the machine's available parallelism).
    pub threads: usize,
    /// `finish_passkey_authentication` (J2's path) per second, all threads together.
    pub passkey_per_sec: f64,
    /// `finish_discoverable_authentication_v2` (J3's path, with the state cloned each time as
    /// the server deserialises a fresh one) per second, all threads together.
    pub discoverable_per_sec: f64,
    /// `finish_passkey_authentication` per second of CPU time of the verifying threads: the
    /// rate of one free core, whatever else the machine is running (`None` where thread CPU time
    /// cannot be read).
    pub passkey_per_cpu_sec: Option<f64>,
    /// `finish_discoverable_authentication_v2` per second of CPU time of the verifying threads.
    pub discoverable_per_cpu_sec: Option<f64>,
    /// Verifications that failed (0 unless something is broken).
    pub failures: u64,
}

/// Two valid assertions of one passkey: one for J2's kind of state (allowCredentials = the
/// passkey), one for J3's (usernameless).
struct Pair {
    credential: PublicKeyCredential,
    state: PasskeyAuthentication,
    usernameless: PublicKeyCredential,
    discoverable: DiscoverableAuthentication,
    passkey: Passkey,
}

/// Measures for `time` per variant on `threads` threads. `Err` when the assertions could not be
/// made (a broken setup, not a slow machine).
pub async fn measure(rp_id: &str, threads: usize, time: Duration) -> Result<BareRate, String> {
    let origin =
        Url::parse(&format!("https://{rp_id}")).map_err(|e| format!("rp id {rp_id:?}: {e}"))?;
    let webauthn = WebauthnBuilder::new(rp_id, &origin)
        .and_then(|b| b.build())
        .map_err(|e| format!("webauthn-rs builder: {e}"))?;
    let mut pairs = Vec::new();
    for n in 0..PASSKEYS {
        let mut pm = SoftPasswordManager::new(origin.clone());
        if n.is_multiple_of(2) {
            pm = pm.device_bound();
        }
        let passkey = register(&webauthn, &pm, rp_id, n).await?;
        for _ in 0..ASSERTIONS_PER_PASSKEY {
            pairs.push(assertion(&webauthn, &pm, rp_id, &passkey).await?);
        }
    }
    let webauthn = Arc::new(webauthn);
    let pairs = Arc::new(pairs);
    let threads = threads.max(1);
    let run = |discoverable: bool| {
        let webauthn = webauthn.clone();
        let pairs = pairs.clone();
        tokio::task::spawn_blocking(move || {
            verify_for(&webauthn, &pairs, threads, time, discoverable)
        })
    };
    let passkey = run(false)
        .await
        .map_err(|e| format!("bare measurement: {e}"))?;
    let discoverable = run(true)
        .await
        .map_err(|e| format!("bare measurement: {e}"))?;
    Ok(BareRate {
        threads,
        passkey_per_sec: passkey.per_sec(),
        discoverable_per_sec: discoverable.per_sec(),
        passkey_per_cpu_sec: passkey.per_cpu_sec(),
        discoverable_per_cpu_sec: discoverable.per_cpu_sec(),
        failures: passkey.failed + discoverable.failed,
    })
}

async fn register(
    webauthn: &Webauthn,
    pm: &SoftPasswordManager,
    rp_id: &str,
    n: usize,
) -> Result<Passkey, String> {
    let (ccr, state) = webauthn
        .start_passkey_registration(Uuid::new_v4(), &format!("bare{n}"), "Bare", None)
        .map_err(|e| format!("registration options: {e}"))?;
    let options = serde_json::to_string(&ccr.public_key).map_err(|e| e.to_string())?;
    let request = prepare_create(&options, rp_id).map_err(|e| format!("options refused: {e}"))?;
    let json = pm
        .create(request)
        .await
        .map_err(|e| format!("password manager create: {e}"))?;
    let credential: RegisterPublicKeyCredential =
        serde_json::from_str(&json).map_err(|e| format!("registration JSON: {e}"))?;
    webauthn
        .finish_passkey_registration(&credential, &state)
        .map_err(|e| format!("registration refused: {e}"))
}

async fn assertion(
    webauthn: &Webauthn,
    pm: &SoftPasswordManager,
    rp_id: &str,
    passkey: &Passkey,
) -> Result<Pair, String> {
    let (rcr, state) = webauthn
        .start_passkey_authentication(std::slice::from_ref(passkey))
        .map_err(|e| format!("request options: {e}"))?;
    let credential = get(pm, rp_id, &rcr.public_key).await?;
    webauthn
        .finish_passkey_authentication(&credential, &state)
        .map_err(|e| format!("assertion refused: {e}"))?;

    let (rcr, discoverable) = webauthn
        .start_discoverable_authentication()
        .map_err(|e| format!("usernameless options: {e}"))?;
    let usernameless = get(pm, rp_id, &rcr.public_key).await?;
    webauthn
        .finish_discoverable_authentication_v2(&usernameless, discoverable.clone(), passkey)
        .map_err(|e| format!("usernameless assertion refused: {e}"))?;
    Ok(Pair {
        credential,
        state,
        usernameless,
        discoverable,
        passkey: passkey.clone(),
    })
}

async fn get<T: serde::Serialize>(
    pm: &SoftPasswordManager,
    rp_id: &str,
    options: &T,
) -> Result<PublicKeyCredential, String> {
    let options = serde_json::to_string(options).map_err(|e| e.to_string())?;
    let request = prepare_get(&options, rp_id).map_err(|e| format!("options refused: {e}"))?;
    let json = pm
        .get(request)
        .await
        .map_err(|e| format!("password manager get: {e}"))?;
    serde_json::from_str(&json).map_err(|e| format!("assertion JSON: {e}"))
}

/// What one timed verification loop counted.
struct Counted {
    ok: u64,
    failed: u64,
    wall: Duration,
    /// CPU time of the verifying threads, when every one of them could read it.
    cpu: Option<Duration>,
}

impl Counted {
    fn per_sec(&self) -> f64 {
        self.ok as f64 / self.wall.as_secs_f64().max(1e-9)
    }

    fn per_cpu_sec(&self) -> Option<f64> {
        self.cpu
            .filter(|cpu| !cpu.is_zero())
            .map(|cpu| self.ok as f64 / cpu.as_secs_f64())
    }
}

/// Verifies round-robin on `threads` threads for `time`.
fn verify_for(
    webauthn: &Webauthn,
    pairs: &[Pair],
    threads: usize,
    time: Duration,
    discoverable: bool,
) -> Counted {
    let stop = AtomicBool::new(false);
    let started = Instant::now();
    let counts: Vec<(u64, u64, Option<Duration>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let stop = &stop;
                scope.spawn(move || {
                    let cpu_before = cpu::thread_time();
                    let (mut ok, mut failed) = (0u64, 0u64);
                    let mut at = t;
                    while !stop.load(Ordering::Relaxed) {
                        let pair = &pairs[at % pairs.len()];
                        at += 1;
                        let verified = if discoverable {
                            webauthn
                                .finish_discoverable_authentication_v2(
                                    &pair.usernameless,
                                    pair.discoverable.clone(),
                                    &pair.passkey,
                                )
                                .is_ok()
                        } else {
                            webauthn
                                .finish_passkey_authentication(&pair.credential, &pair.state)
                                .is_ok()
                        };
                        if verified { ok += 1 } else { failed += 1 }
                    }
                    let cpu = cpu::since(cpu_before, cpu::thread_time());
                    (ok, failed, cpu)
                })
            })
            .collect();
        std::thread::sleep(time);
        stop.store(true, Ordering::Relaxed);
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or((0, 1, None)))
            .collect()
    });
    Counted {
        ok: counts.iter().map(|c| c.0).sum(),
        failed: counts.iter().map(|c| c.1).sum(),
        wall: started.elapsed(),
        cpu: counts.iter().map(|c| c.2).sum(),
    }
}
