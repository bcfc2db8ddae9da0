//! Extreme but valid models run to completion with figures drsim can stand
//! behind (every incident and summary checked by `drsim::harden`), a model
//! that can never recover is reported as down for the whole trial, and a run
//! killed while it works leaves its output directory as it was.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration as Wait;

use drsim::harden::simulate_checked;
use drsim::incident::Path as IncidentPath;
use drsim::model::{DisruptionKind, Duration, Model};
use drsim::simulation::RunOptions;

fn base() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/bad/base.toml")).unwrap()
}

fn edited(edits: &[(&str, &str)]) -> Model {
    let mut text = base();
    for (from, to) in edits {
        assert!(text.contains(from), "{from}");
        text = text.replacen(from, to, 1);
    }
    Model::from_str_at(&text, Path::new("extreme.toml")).expect("valid")
}

fn options(trials: u64, years: f64) -> RunOptions {
    RunOptions { trials, years, seed: 3, threads: Some(1) }
}

const REGION_DURATION: &str = "duration = { dist = \"lognormal\", median = \"6h\", p95 = \"20h\" }";

#[test]
fn a_thousand_failures_a_year_run_to_completion() {
    let model =
        edited(&[("rate_per_year = 0.5", "rate_per_year = 1000.0"), ("rate_per_year = 1.0", "rate_per_year = 1000.0")]);
    let incidents = simulate_checked(&model, &options(3, 1.0));
    // Failures arrive at 1000/yr only while up (alternating renewal): a
    // region cycle is 8.76 h up + a mean 7.84 h outage (lognormal median 6h,
    // sigma = ln(20/6)/1.645 = 0.732, mean = 6h * e^(sigma^2/2)) = 528/yr; the
    // data cycle is 8.76 h + a mean 12.9 h detection delay (median 2h, p95 2d,
    // sigma = 1.932) = 404/yr. So ~932 incidents per trial, ~2800 in 3 trials.
    assert!((2000..3600).contains(&incidents.len()), "{} incidents", incidents.len());
}

#[test]
fn outages_of_seconds_and_of_months_run_to_completion() {
    for duration in [
        "duration = { dist = \"uniform\", min = \"1s\", max = \"5s\" }",
        "duration = { dist = \"lognormal\", median = \"60d\", p95 = \"200d\" }",
    ] {
        let model = edited(&[(REGION_DURATION, duration), ("rate_per_year = 0.5", "rate_per_year = 20.0")]);
        let incidents = simulate_checked(&model, &options(20, 1.0));
        assert!(incidents.iter().any(|(_, _, i)| i.kind == DisruptionKind::Region), "{duration}");
    }
}

#[test]
fn a_hundred_year_horizon_runs_to_completion() {
    let model = edited(&[]);
    let incidents = simulate_checked(&model, &options(2, 100.0));
    let horizon = Duration::YEAR * 100.0;
    assert!(incidents.iter().all(|(_, _, i)| i.start.since_start() < horizon));
    assert!(incidents.len() > 100, "{} incidents in 2 x 100 years", incidents.len());
}

/// 10 PB at 1000 GB/h is 10,000 h (417 days) of restore: longer than a
/// 1-year trial. The restore of a logical incident never finishes inside the
/// trial, so its downtime is the whole trial, never more, never NaN or inf.
#[test]
fn ten_petabytes_and_zero_throughput_are_reported_as_never_recovering() {
    for edits in [[("dataset_gb = 100.0", "dataset_gb = 10000000.0")], [("value = 500.0", "value = 1e-9")]] {
        let model = edited(&edits);
        let incidents = simulate_checked(&model, &options(20, 1.0));
        let restored: Vec<_> = incidents
            .iter()
            .filter(|(_, _, i)| i.kind == DisruptionKind::Logical && i.path == IncidentPath::Restored)
            .collect();
        assert!(!restored.is_empty());
        for (_, _, i) in restored {
            assert_eq!(i.downtime, Duration::YEAR, "{edits:?}: {i:?}");
        }
    }
}

#[test]
fn the_cli_prints_finite_figures_for_a_century_and_for_a_never_ending_restore() {
    let dir = std::env::temp_dir().join(format!("drsim-robust-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let never = dir.join("never.toml");
    std::fs::write(&never, base().replacen("value = 500.0", "value = 1e-9", 1)).unwrap();
    let securecart = concat!(env!("CARGO_MANIFEST_DIR"), "/models/securecart-monolith.toml");
    for args in [vec![securecart, "--years", "100", "--trials", "20"], vec![never.to_str().unwrap(), "--trials", "200"]]
    {
        let out = Command::new(env!("CARGO_BIN_EXE_drsim")).arg("run").args(&args).arg("-q").output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        let bad = stdout.split(|c: char| !c.is_ascii_alphanumeric()).find(|w| matches!(*w, "NaN" | "inf"));
        assert!(bad.is_none(), "{args:?} printed {bad:?}:\n{stdout}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn listing(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| (e.path(), std::fs::read(e.path()).unwrap_or_default())).collect())
        .unwrap_or_default();
    files.sort();
    files
}

/// A run with --out killed (SIGKILL, the worst case: no handler runs) while
/// it simulates leaves the previous results untouched, or no directory at all.
#[test]
fn a_killed_run_leaves_the_previous_results_or_none() {
    let root = std::env::temp_dir().join(format!("drsim-kill-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    let model = concat!(env!("CARGO_MANIFEST_DIR"), "/models/securecart-monolith.toml");
    let out = root.join("out");
    let run = |trials: &str, force: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_drsim"));
        cmd.args(["run", model, "-q", "--threads", "1", "--trials", trials, "--out"]).arg(&out);
        if force {
            cmd.arg("--force");
        }
        cmd.stdout(Stdio::null()).stderr(Stdio::null());
        cmd
    };
    let kill_after = |mut cmd: Command, wait: Wait| {
        let mut child = cmd.spawn().unwrap();
        std::thread::sleep(wait);
        let finished = child.try_wait().unwrap().is_some();
        child.kill().unwrap_or_default();
        child.wait().unwrap();
        assert!(!finished, "the run finished before it could be killed");
    };

    // No previous results: nothing appears.
    kill_after(run("100000000", false), Wait::from_millis(400));
    assert!(!out.exists(), "a killed first run left {out:?}");

    // Previous results: they survive byte for byte, and carry the model hash and seed.
    assert!(run("200", false).status().unwrap().success());
    let before = listing(&out);
    let json =
        String::from_utf8_lossy(&before.iter().find(|(p, _)| p.ends_with("results.json")).unwrap().1).into_owned();
    assert!(json.contains("\"model_sha256\"") && json.contains("\"seed\""), "{json}");
    for wait in [100, 500] {
        kill_after(run("100000000", true), Wait::from_millis(wait));
        assert_eq!(listing(&out), before, "killed after {wait} ms");
    }
    let _ = std::fs::remove_dir_all(&root);
}
