//! The `passkeys-testkit` command line as a shell user meets it.

use std::io::Read;
use std::process::{Command, Stdio};

/// `passkeys-testkit … --help | head`: when the reader of the output has gone, the command ends
/// quietly (killed by SIGPIPE, as Unix tools are), never with a Rust panic on stderr.
#[cfg(unix)]
#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    use std::os::unix::process::ExitStatusExt;
    for args in [&["--help"][..], &["serve", "--help"], &["load", "--help"]] {
        let (reader, writer) = std::io::pipe().expect("a pipe");
        drop(reader); // nobody reads: the first write fails
        let mut child = Command::new(env!("CARGO_BIN_EXE_passkeys-testkit"))
            .args(args)
            .stdout(writer)
            .stderr(Stdio::piped())
            .spawn()
            .expect("run passkeys-testkit");
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .expect("stderr")
            .read_to_string(&mut stderr)
            .expect("read stderr");
        let status = child.wait().expect("wait");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(status.signal(), Some(libc::SIGPIPE), "{args:?}: {status}");
    }
}
