//! One simulation pipeline: a `Simulation` watched by any set of observers
//! gives the same figures as one with none; observers of incidents hear them
//! in trial order on any thread count; a satisfied observer stops the run at
//! a chunk boundary; and the flag combinations the single path made possible
//! (`--incidents` with `--precision` or `--shard`) work from the CLI.

mod common;

use std::path::Path;

use common::cli::ok;
use drsim::engine::Observer;
use drsim::incident::Incident;
use drsim::model::Model;
use drsim::simulation::{PrecisionStop, RunOptions, Simulation};

fn securecart() -> Model {
    Model::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("models/securecart-monolith.toml")).expect("bundled model")
}

fn options(trials: u64, threads: usize) -> RunOptions {
    RunOptions { trials, years: 1.0, seed: 11, threads: Some(threads) }
}

/// Keeps every incident it hears, and counts progress and batch reports.
#[derive(Default)]
struct Collect {
    incidents: Vec<(u64, usize, Incident)>,
    progress: Vec<u64>,
    batches: Vec<u64>,
    stop_after: Option<usize>,
}

impl Observer for Collect {
    fn wants_incidents(&self) -> bool {
        true
    }
    fn incident(&mut self, trial: u64, strategy: usize, incident: &Incident) {
        self.incidents.push((trial, strategy, *incident));
    }
    fn progress(&mut self, done: u64, _planned: u64) {
        self.progress.push(done);
    }
    fn batch(&mut self, trials: u64, _reached: f64) {
        self.batches.push(trials);
    }
    fn satisfied(&self) -> bool {
        self.stop_after.is_some_and(|n| self.incidents.len() >= n)
    }
}

/// Hears progress only (like the progress bar).
#[derive(Default)]
struct ProgressOnly(Vec<u64>);

impl Observer for ProgressOnly {
    fn progress(&mut self, done: u64, _planned: u64) {
        self.0.push(done);
    }
}

fn tally_json(results: &drsim::simulation::Results) -> String {
    serde_json::to_string(&results.tally).expect("tally serialises")
}

#[test]
fn observers_never_change_the_figures() {
    let model = securecart();
    let plain = Simulation::new(&model, options(3000, 2)).run().expect("runs");
    let mut incidents = Collect::default();
    let mut progress = ProgressOnly::default();
    let watched =
        Simulation::new(&model, options(3000, 2)).observe(&mut incidents).observe(&mut progress).run().expect("runs");
    assert_eq!(tally_json(&plain), tally_json(&watched));
    let mut only_progress = ProgressOnly::default();
    let with_bar = Simulation::new(&model, options(3000, 1)).observe(&mut only_progress).run().expect("runs");
    assert_eq!(tally_json(&plain), tally_json(&with_bar));
    // Progress ends at the planned total and never goes back.
    for seen in [&progress.0, &only_progress.0, &incidents.progress] {
        assert_eq!(seen.last(), Some(&3000));
        assert!(seen.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
    }
    // Every incident was heard once: the tally counts the same number.
    let counted: u64 = plain.strategies.iter().flat_map(|s| &s.kinds).map(|k| k.incidents).sum();
    assert_eq!(incidents.incidents.len() as u64, counted);
}

#[test]
fn incidents_arrive_in_trial_order_on_any_thread_count() {
    let model = securecart();
    let heard = |threads| {
        let mut c = Collect::default();
        Simulation::new(&model, options(2000, threads)).observe(&mut c).run().expect("runs");
        c.incidents
    };
    let one = heard(1);
    let two = heard(2);
    assert!(one.windows(2).all(|w| (w[0].0, w[0].1) <= (w[1].0, w[1].1)), "trial, then strategy order");
    assert_eq!(format!("{one:?}"), format!("{two:?}"));
}

#[test]
fn a_satisfied_observer_stops_the_run_at_a_chunk_boundary() {
    let model = securecart();
    let mut all = Collect::default();
    Simulation::new(&model, options(20_000, 2)).observe(&mut all).run().expect("runs");
    let mut first = Collect { stop_after: Some(1), ..Collect::default() };
    let results = Simulation::new(&model, options(20_000, 2)).observe(&mut first).run().expect("runs");
    assert!(results.tally.trials < 20_000, "stopped early: {} trials", results.tally.trials);
    assert_eq!(results.tally.trials % drsim::engine::STREAM_CHUNK, 0);
    // What it heard is exactly the beginning of the full run.
    assert_eq!(format!("{:?}", first.incidents[0]), format!("{:?}", all.incidents[0]));
}

#[test]
fn a_precision_stop_equals_a_fixed_run_of_the_trials_it_used() {
    let model = securecart();
    let mut log = Collect::default();
    let stopped = Simulation::new(&model, options(1, 2))
        .precision(PrecisionStop { target: 0.05, max_trials: 40_000 })
        .observe(&mut log)
        .run()
        .expect("runs");
    let trials = stopped.tally.trials;
    assert_eq!(log.batches.last(), Some(&trials));
    assert_eq!(log.batches[0], drsim::simulation::FIRST_BATCH);
    assert!(log.batches.windows(2).all(|w| w[1] > w[0] && w[1] <= 40_000), "{:?}", log.batches);
    let fixed = Simulation::new(&model, options(trials, 1)).run().expect("runs");
    assert_eq!(tally_json(&stopped), tally_json(&fixed));
    // The incidents heard across the batches are those of the fixed run, in order.
    let mut fixed_incidents = Collect::default();
    Simulation::new(&model, options(trials, 2)).observe(&mut fixed_incidents).run().expect("runs");
    assert_eq!(format!("{:?}", log.incidents), format!("{:?}", fixed_incidents.incidents));
}

#[test]
fn out_of_range_options_are_refused_before_simulating() {
    let model = securecart();
    let years = Simulation::new(&model, RunOptions { years: 0.0, ..options(10, 1) }).run();
    assert_eq!(years.unwrap_err().to_string(), "--years 0: allowed: a number of years from 0.001 (8.76 hours) to 1000");
    let precision =
        Simulation::new(&model, options(10, 1)).precision(PrecisionStop { target: 1.5, max_trials: 10 }).run();
    assert!(precision.unwrap_err().to_string().starts_with("--precision 1.5: allowed:"));
}

// ---- the CLI ----

/// A fresh directory, removed with everything in it when dropped (the
/// incident exports here run to hundreds of MB).
fn temp(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new().prefix(&format!("drsim-pipeline-{name}-")).tempdir().expect("a temporary directory")
}

fn drsim(args: &[&str]) -> std::process::Output {
    common::cli::drsim().args(args).output().expect("drsim starts")
}

#[test]
fn incidents_with_precision_stream_the_trials_the_stop_used() {
    let tmp = temp("precision");
    let dir = tmp.path();
    let out = dir.join("o");
    let o = out.to_str().unwrap();
    ok(drsim(&["run", "models/securecart-monolith.toml", "-q", "--precision", "0.05", "--incidents", "--out", o]));
    let results: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("results.json")).unwrap()).unwrap();
    let trials = results["trials"].as_u64().unwrap();
    let csv = std::fs::read_to_string(out.join("incidents.csv")).unwrap();
    let last_trial: u64 = csv.lines().last().unwrap().split(',').next().unwrap().parse().unwrap();
    assert!(last_trial < trials && last_trial + 100 > trials, "last trial {last_trial} of {trials}");
    // The same file as a fixed run of that many trials.
    let fixed = dir.join("f");
    let n = trials.to_string();
    ok(drsim(&[
        "run",
        "models/securecart-monolith.toml",
        "-q",
        "--trials",
        &n,
        "--incidents",
        "--out",
        fixed.to_str().unwrap(),
    ]));
    // Row for row, except the `trials` cell of the run's columns: a fixed run
    // knows its count, a precision-stopped one decides it as it goes (empty).
    let fixed_csv = std::fs::read_to_string(fixed.join("incidents.csv")).unwrap();
    assert_eq!(fixed_csv.lines().count(), csv.lines().count());
    // Counted from the end: only the strategy cell may hold a comma.
    let names = drsim::report::csv::RunColumns::NAMES;
    let from_end = names.len() - names.iter().position(|&c| c == "trials").unwrap();
    for (i, (f, p)) in fixed_csv.lines().zip(csv.lines()).enumerate() {
        let (f, p): (Vec<&str>, Vec<&str>) = (f.split(',').collect(), p.split(',').collect());
        let trials_cell = f.len() - from_end;
        if i > 0 {
            assert_eq!((f[trials_cell], p[trials_cell]), (n.as_str(), ""), "row {i}");
        }
        assert_eq!([&f[..trials_cell], &f[trials_cell + 1..]], [&p[..trials_cell], &p[trials_cell + 1..]], "row {i}");
    }
}

// A stratified run's rows carry their trial's stratum and sampling weight,
// which depend on the trial's index alone: its shards' rows are the
// unsharded run's too.
#[test]
fn shards_with_incidents_concatenate_into_the_unsharded_file() {
    let tmp = temp("shards");
    let dir = tmp.path();
    for setting in ["none", "peak-season"] {
        let run = |out: &Path, shard: Option<&str>| {
            let mut args = vec!["run", "models/securecart-monolith.toml", "-q", "--trials", "1001", "--incidents"];
            args.extend(["--variance-reduction", setting, "--out", out.to_str().unwrap()]);
            args.extend(shard.map(|k| ["--shard", k]).into_iter().flatten());
            ok(drsim(&args));
            std::fs::read_to_string(out.join("incidents.csv")).unwrap()
        };
        let whole = run(&dir.join(setting).join("whole"), None);
        let mut joined = String::new();
        for k in ["1/2", "2/2"] {
            let text = run(&dir.join(setting).join(k.replace('/', "-")), Some(k));
            if joined.is_empty() {
                joined = text;
            } else {
                joined.push_str(text.split_once('\n').unwrap().1);
            }
        }
        assert!(whole == joined, "{setting}");
    }
}

#[test]
fn impossible_flag_combinations_are_refused_with_the_reason() {
    let refused = |args: &[&str], words: &str| {
        let out = drsim(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(words), "{args:?}: {stderr}");
    };
    let tmp = temp("refused");
    let dir = tmp.path();
    let o = dir.join("o");
    let o = o.to_str().unwrap();
    refused(
        &["run", "models/securecart-monolith.toml", "--shard", "1/2", "--precision", "0.01", "--out", o],
        "--shard and --precision",
    );
    refused(&["run", "models/securecart-monolith.toml", "--shard", "1/2"], "--shard needs --out");
    refused(&["run", "models/securecart-monolith.toml", "--incidents"], "--incidents: needs --out");
    refused(&["run", "models/securecart-monolith.toml", "--years", "0"], "--years 0: allowed");
    refused(&["run", "models/securecart-monolith.toml", "--precision", "2"], "--precision 2: allowed");
    assert!(!dir.join("o").exists());
}
