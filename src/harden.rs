//! Invariants every simulated figure must satisfy, checked by the fuzz target
//! (`fuzz/`), the stable-Rust fuzz regressions and the property tests: one
//! definition of "a number drsim can stand behind", used by all three.
//!
//! These functions panic on a broken invariant: that is their job, they are
//! test harnesses. Nothing in the CLI calls them.

use std::path::Path;

use crate::engine::Observer;
use crate::incident::Incident;
use crate::model::{Duration, Model};
use crate::report::{Report, json::Json, table::Table};
use crate::shard::{Part, merge};
use crate::simulation::{Results, RunOptions, Simulation, results_from_tally};

/// Why an incident breaks an invariant, or `Ok`.
pub fn check_incident(incident: &Incident, horizon: Duration) -> Result<(), String> {
    let fine = |d: Duration| d.secs().is_finite() && d.secs() >= 0.0;
    let mut durations = vec![
        ("downtime", incident.downtime),
        ("degraded", incident.degraded),
        ("detection_delay", incident.detection_delay),
        ("failback_downtime", incident.failback_downtime),
        ("start", incident.start.since_start()),
    ];
    durations.extend(incident.steps.iter().map(|s| ("step", *s)));
    if let Some((name, d)) = durations.iter().find(|(_, d)| !fine(*d)) {
        return Err(format!("{name} is {} s: {incident:?}", d.secs()));
    }
    // A trial cannot hold more downtime or lost writes than its own length;
    // a millisecond of slack absorbs the rounding of sums of step times.
    let cap = horizon + Duration::from_secs(1e-3);
    if incident.downtime > cap {
        return Err(format!("downtime {} exceeds the horizon {horizon}: {incident:?}", incident.downtime));
    }
    if let Some(window) = incident.data_loss.window() {
        if !(fine(window) && window <= cap) {
            return Err(format!("data loss {window} exceeds the horizon {horizon}: {incident:?}"));
        }
    }
    if !(incident.cost_usd.is_finite() && incident.cost_usd >= 0.0) {
        return Err(format!("cost {} USD: {incident:?}", incident.cost_usd));
    }
    Ok(())
}

/// An observer that panics on the first incident breaking [`check_incident`] and
/// keeps every incident for further checks.
#[derive(Debug)]
pub struct CheckingSink {
    /// The trial length the incidents are checked against.
    pub horizon: Duration,
    /// Every incident seen: (trial, strategy index, incident).
    pub incidents: Vec<(u64, usize, Incident)>,
}

impl CheckingSink {
    /// An empty sink for trials of this length.
    pub fn new(horizon: Duration) -> CheckingSink {
        CheckingSink { horizon, incidents: Vec::new() }
    }
}

impl Observer for CheckingSink {
    fn wants_incidents(&self) -> bool {
        true
    }

    fn incident(&mut self, trial: u64, strategy: usize, incident: &Incident) {
        if let Err(why) = check_incident(incident, self.horizon) {
            panic!("trial {trial}, strategy {strategy}: {why}");
        }
        self.incidents.push((trial, strategy, *incident));
    }
}

/// Simulates `trials` trials of a valid model on one thread, checks every
/// incident and every summary figure (finite; probabilities and availability
/// in [0, 1]; annual downtime at most the trial length), renders the table
/// (no `inf` or `NaN` anywhere) and the JSON (`"inf"` only for a data-loss
/// window, see [`crate::real`]), and returns the incidents.
pub fn simulate_checked(model: &Model, options: &RunOptions) -> Vec<(u64, usize, Incident)> {
    let options = RunOptions { threads: Some(1), ..options.clone() };
    let mut sink = CheckingSink::new(options.engine_config().horizon);
    let results = Simulation::new(model, options).observe(&mut sink).run().expect("a valid model simulates");
    let unit = |x: f64| x.is_finite() && (-1e-12..=1.0 + 1e-12).contains(&x);
    for s in &results.strategies {
        assert!(unit(s.availability.value), "{}: availability {}", s.name, s.availability.value);
        let year = Duration::YEAR.secs();
        let annual = s.annual_downtime_s.value;
        assert!(
            annual.is_finite() && annual >= 0.0 && annual <= year * (1.0 + 1e-9),
            "{}: annual downtime {annual} s",
            s.name
        );
        assert!(s.cost.total_annual_usd.value.is_finite(), "{}: annual cost", s.name);
        for k in &s.kinds {
            for share in [&k.rto_met, &k.rpo_met, &k.both_met] {
                assert!(
                    unit(share.estimate) && unit(share.low) && unit(share.high),
                    "{} {}: {share:?}",
                    s.name,
                    k.kind
                );
            }
        }
    }
    check_reports(&results);
    sink.incidents
}

/// Every string of `value` that spells a non-finite number (`inf`, `-inf`,
/// `nan`, see [`crate::real`]), with its JSON pointer.
fn non_finite_spellings(value: &serde_json::Value, path: &str, out: &mut Vec<(String, String)>) {
    match value {
        serde_json::Value::String(s) if matches!(s.as_str(), "inf" | "-inf" | "nan") => {
            out.push((path.to_string(), s.clone()));
        }
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                non_finite_spellings(item, &format!("{path}/{i}"), out);
            }
        }
        serde_json::Value::Object(map) => {
            for (key, item) in map {
                non_finite_spellings(item, &format!("{path}/{key}"), out);
            }
        }
        _ => {}
    }
}

/// The fuzz target's body: parses and validates any text as a model; a model
/// that validates is simulated for 20 one-year trials under
/// [`simulate_checked`]. An invalid model must produce an error message that
/// names a position. Empirical files named by the text are resolved against a
/// directory that does not exist, so fuzzing reads no file of the machine.
pub fn parse_validate_simulate(text: &str) {
    match Model::from_str_at(text, Path::new("/nonexistent-drsim-fuzz/model.toml")) {
        Err(e) => {
            let message = e.to_string();
            assert!(message.starts_with("/nonexistent-drsim-fuzz/model.toml:"), "unlocated error: {message}");
        }
        Ok(model) => {
            let options = RunOptions { trials: 20, years: 1.0, seed: 7, threads: Some(1) };
            // A model may be valid and still expect too many failures for a
            // one-year trial (hundreds of regions at the highest rate): the
            // run refuses it with an error, which is all there is to check.
            if options.validate_for(&model).is_ok() {
                simulate_checked(&model, &options);
            }
        }
    }
}

/// Renders the table and JSON reports of `results`; panics when either
/// fails or shows a non-finite number.
fn check_reports(results: &Results) {
    let table = Table::default().render(results).expect("renders");
    let bad = table.split(|c: char| !c.is_ascii_alphanumeric()).find(|w| matches!(*w, "NaN" | "inf" | "infinity"));
    assert!(bad.is_none(), "the table shows {bad:?}:\n{table}");
    let json = Json.render(results).expect("renders");
    let value: serde_json::Value = serde_json::from_str(&json).expect("results.json is JSON");
    let mut spelled = Vec::new();
    non_finite_spellings(&value, "", &mut spelled);
    for (path, word) in spelled {
        // Only a data-loss window may be infinite (all data lost): an RPO
        // quantile, the achieved RPO of a shortfall, or the least RPO target
        // any strategy would pass when every one lost all data.
        let rpo = path.contains("/rpo_s/")
            || path.ends_with("/achieved_at_confidence_s")
            || path.ends_with("/least_target_s");
        assert!(word == "inf" && rpo, "results.json has {word:?} at {path}:\n{json}");
    }
}

/// The part reader's fuzz body: any bytes as the part file of `drsim merge`.
/// Reading, checking and merging must return a merged run or an error that
/// names the file, never panic; a merged run's reports must show finite
/// numbers only (as [`simulate_checked`] requires of a simulation).
pub fn read_check_merge_part(bytes: &[u8]) {
    let file = Path::new("/nonexistent-drsim-fuzz/part.json");
    let merged = Part::from_bytes(bytes, file).and_then(|part| merge(vec![(file.to_path_buf(), part)]));
    match merged {
        Err(e) => {
            assert!(!e.to_string().is_empty(), "an empty error message");
        }
        Ok(m) => check_reports(&results_from_tally(&m.model, &m.options, m.tally)),
    }
}
