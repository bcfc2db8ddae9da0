//! Standard output that cannot be written: a reader that went away
//! (`drsim run m.toml | head`) ends nothing, a full device is an error
//! that says so; neither is a panic.

use std::process::{Command, Stdio};

const MODEL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/models/securecart-monolith.toml");
/// The platform model (services, plans).
const PLATFORM: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/models/securecart.toml");

fn drsim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_drsim"))
}

// The pipe's read end is closed before the run has anything to print, so
// every write to it fails with EPIPE, as behind `| head -1`. The run still
// writes its --out directory and exits 0.
#[test]
fn a_closed_pipe_is_not_an_error_and_outputs_are_still_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    for args in [
        vec!["run", MODEL, "--trials", "2000", "--threads", "1", "--out", out.to_str().expect("utf-8")],
        vec!["check", MODEL],
        vec!["schema", "results"],
        vec!["plans", PLATFORM, "--trials", "200", "--threads", "1"],
        vec!["optimize", PLATFORM, "--trials", "200", "--threads", "1"],
        vec!["run", MODEL, "--outer", "2", "--trials", "200", "--threads", "1"],
    ] {
        let mut child =
            drsim().args(&args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("drsim starts");
        drop(child.stdout.take());
        let done = child.wait_with_output().expect("drsim ends");
        let stderr = String::from_utf8_lossy(&done.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(done.status.code(), Some(0), "{args:?}: {stderr}");
    }
    assert!(out.join("results.json").is_file(), "the run's outputs are written");
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_device_is_a_runtime_error_that_says_so() {
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full");
    let done = drsim().args(["check", MODEL]).stdout(full).output().expect("drsim ends");
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert_eq!(done.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot write to standard output"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
