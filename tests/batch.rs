//! How drsim behaves under batch schedulers (Kubernetes, Slurm, AWS Batch,
//! Spot): SIGINT, SIGTERM and SIGHUP stop a run cleanly with 128 + the
//! signal's number and leave nothing behind, during `--out` (with the
//! streamed incidents.csv) and during `--shard`; and runs staging into the
//! same parent directory at once do not disturb each other.

#![cfg(unix)]

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::cli::{drsim, temp_dir};

const MODEL: &str = "models/securecart-monolith.toml";

/// Whether a staging directory under `dir` exists yet (the run is simulating).
fn staging_exists(dir: &Path) -> bool {
    fs::read_dir(dir).unwrap().flatten().any(|e| e.file_name().to_string_lossy().contains(".partial-"))
}

#[test]
fn stop_signals_end_a_run_cleanly_with_their_exit_code() {
    for (signal, code, word) in [("INT", 130, "interrupted"), ("TERM", 143, "SIGTERM"), ("HUP", 129, "SIGHUP")] {
        for shard in [false, true] {
            let root = temp_dir(&format!("{signal}-{shard}"));
            let out = root.join("results");
            let mut cmd = drsim();
            cmd.args(["run", MODEL, "--trials", "50000000", "--quiet", "--out"]).arg(&out);
            if shard {
                cmd.args(["--shard", "1/2"]);
            } else {
                cmd.arg("--incidents");
            }
            let child = cmd.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
            let started = Instant::now();
            while !staging_exists(&root) && started.elapsed() < Duration::from_secs(20) {
                std::thread::sleep(Duration::from_millis(20));
            }
            std::thread::sleep(Duration::from_millis(300));
            let sent = Command::new("kill").args([&format!("-{signal}"), &child.id().to_string()]).status().unwrap();
            assert!(sent.success());
            let done = child.wait_with_output().unwrap();
            let err = String::from_utf8_lossy(&done.stderr);
            let what = format!("SIG{signal} during {}", if shard { "--shard" } else { "--out --incidents" });
            assert_eq!(done.status.code(), Some(code), "{what}: {err}");
            assert_eq!(err.lines().count(), 1, "{what}: one line: {err}");
            assert!(err.contains(word) && err.contains("stopped cleanly"), "{what}: {err}");
            let left: Vec<_> = fs::read_dir(&root).unwrap().flatten().map(|e| e.file_name()).collect();
            assert!(left.is_empty(), "{what}: nothing written, staging removed: {left:?}");
            fs::remove_dir_all(&root).unwrap();
        }
    }
}

#[test]
fn concurrent_runs_into_one_parent_directory_all_complete() {
    let root = temp_dir("concurrent");
    // Four shards of one run, and two runs of the same target with --force,
    // all staging in `root` at once.
    let mut children = Vec::new();
    for k in 1..=4 {
        let out = root.join(format!("part-{k}"));
        let mut cmd = drsim();
        cmd.args(["run", MODEL, "--trials", "20000", "--quiet", "--threads", "1", "--shard", &format!("{k}/4")]);
        children.push((format!("shard {k}"), cmd.arg("--out").arg(&out).stderr(Stdio::piped()).spawn().unwrap()));
    }
    for seed in ["1", "2"] {
        let mut cmd = drsim();
        cmd.args(["run", MODEL, "--trials", "20000", "--quiet", "--threads", "1", "--seed", seed, "--force", "--out"]);
        children.push((format!("seed {seed}"), cmd.arg(root.join("same")).stderr(Stdio::piped()).spawn().unwrap()));
    }
    let mut same_ok = 0;
    for (what, child) in children {
        let done = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&done.stderr);
        if what.starts_with("shard") {
            assert!(done.status.success(), "{what}: {err}");
        } else if done.status.success() {
            same_ok += 1;
        } else {
            // Losing the race for the same target is allowed, with a clear error.
            assert_eq!(done.status.code(), Some(1), "{what}: {err}");
            assert!(err.contains("same"), "{what}: {err}");
        }
    }
    assert!(same_ok >= 1);
    for k in 1..=4 {
        assert!(root.join(format!("part-{k}/part.json")).is_file(), "shard {k} complete");
    }
    // `same` holds one complete, unmixed result, and nothing else is left.
    let results: serde_json::Value =
        serde_json::from_slice(&fs::read(root.join("same/results.json")).unwrap()).unwrap();
    let seed = results["seed"].as_u64().unwrap();
    let summary = fs::read_to_string(root.join("same/summary.csv")).unwrap();
    assert!(seed == 1 || seed == 2);
    assert!(!summary.is_empty());
    let mut left: Vec<String> =
        fs::read_dir(&root).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    left.sort();
    assert_eq!(left, ["part-1", "part-2", "part-3", "part-4", "same"]);
    fs::remove_dir_all(&root).unwrap();
}
