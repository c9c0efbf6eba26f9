//! CPU time, so that figures stay meaningful on a machine shared with other work: the CPU time
//! of the calling thread and of the whole process (Linux and other Unix; `None` elsewhere).

use std::time::Duration;

/// CPU time the calling thread has used (`CLOCK_THREAD_CPUTIME_ID`).
pub(crate) fn thread_time() -> Option<Duration> {
    #[cfg(unix)]
    {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `ts` is a valid, writable timespec; the call only writes it.
        let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
        if rc != 0 {
            return None;
        }
        Some(Duration::new(
            u64::try_from(ts.tv_sec).ok()?,
            u32::try_from(ts.tv_nsec).ok()?,
        ))
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// User + system CPU time the whole process has used, every thread, living or ended
/// (`getrusage(RUSAGE_SELF)`).
pub(crate) fn process_time() -> Option<Duration> {
    #[cfg(unix)]
    {
        // SAFETY: an all-zero rusage is a valid value of this plain C struct.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: `usage` is a valid, writable rusage; the call only writes it.
        let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
        if rc != 0 {
            return None;
        }
        let time = |tv: libc::timeval| -> Option<Duration> {
            Some(Duration::new(
                u64::try_from(tv.tv_sec).ok()?,
                u32::try_from(tv.tv_usec).ok()?.checked_mul(1_000)?,
            ))
        };
        Some(time(usage.ru_utime)? + time(usage.ru_stime)?)
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// User + system CPU time another process has used (Linux `/proc/<pid>/stat`, fields 14 and 15,
/// in clock ticks); `None` when it cannot be read.
pub(crate) fn process_time_of(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command name (which may hold spaces and parentheses) start with
    // field 3, the state.
    let rest = stat.get(stat.rfind(')')? + 1..)?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    let ticks = clock_ticks_per_sec()?;
    Some(Duration::from_secs_f64(
        (utime + stime) as f64 / ticks as f64,
    ))
}

fn clock_ticks_per_sec() -> Option<u64> {
    #[cfg(unix)]
    {
        // SAFETY: sysconf only reads a configuration value.
        let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
        u64::try_from(ticks).ok().filter(|t| *t > 0)
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// `after - before` when both were read.
pub(crate) fn since(before: Option<Duration>, after: Option<Duration>) -> Option<Duration> {
    after?.checked_sub(before?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_time_moves_with_work() {
        let (thread, process) = (thread_time(), process_time());
        let mut x = 0u64;
        for i in 0..5_000_000u64 {
            x = x.wrapping_mul(31).wrapping_add(i);
        }
        std::hint::black_box(x);
        if cfg!(unix) {
            assert!(since(thread, thread_time()).is_some_and(|d| !d.is_zero()));
            assert!(since(process, process_time()).is_some());
        }
        if cfg!(target_os = "linux") {
            assert!(process_time_of(std::process::id()).is_some());
        }
    }
}
