//! Stratified sampling (`--variance-reduction stratified`): the weighted
//! estimators reproduce closed forms within their own standard errors, their
//! stated standard errors match the spread over 50 seeds, and a stratified
//! run is the same for any thread count and merges across 4 shard processes
//! byte for byte; a merge refuses to mix plain and stratified parts.

mod common;

use std::path::Path;

use common::cli::{assert_four_shards_merge, drsim, ok, temp_dir};
use common::*;
use drsim::model::{DisruptionKind, Model};
use drsim::simulation::{Results, RunOptions, Simulation};
use drsim::world::strata::VarianceReduction;

/// Region failures per year of the primary region.
const L_PER_YEAR: f64 = 0.6;
/// Mean region outage, seconds (7 days: downtime large enough to see).
const M_S: f64 = 7.0 * 86_400.0;

/// One region failure mode striking only the primary `p`; a single-AZ
/// backup & restore that never invokes DR rides every outage out, so its
/// downtime is the region's down time (detection 0). RTO target 1 minute:
/// every region incident misses it.
fn model() -> Model {
    model_with_rto("1m")
}

/// The same with another RTO target.
fn model_with_rto(rto: &str) -> Model {
    ModelSpec::new()
        .regions(&[("p", 1), ("dr", 1)])
        .rto(rto)
        .failure(region_only_in(outage_failure("region", L_PER_YEAR, &exponential("7d")), "p"))
        .strategy(backup_restore("rides-out").set("deployment", s("single_az")).set("invoke_after", s("100y")))
        .build()
}

fn stratified(model: &Model, trials: u64, seed: u64, threads: usize) -> Results {
    let options = RunOptions { trials, years: 1.0, seed, threads: Some(threads) };
    Simulation::new(model, options).variance_reduction(VarianceReduction::Stratified).run().unwrap()
}

/// The two-state Markov chain of `closed_forms.rs` (test 1): up -> down at
/// λ, down -> up at μ, starting up; expected down time over one year.
fn expected_downtime_s() -> f64 {
    let (lambda, mu, h) = (L_PER_YEAR / YEAR_S, 1.0 / M_S, YEAR_S);
    let s = lambda + mu;
    lambda / s * (h - (1.0 - (-s * h).exp()) / s)
}

/// P(a year has at least one region incident) = P(N >= 1) = 1 - e^{-L}: the
/// first failure of the year always happens (the region starts up).
fn expected_year_with_incident() -> f64 {
    1.0 - (-L_PER_YEAR).exp()
}

// The weighted estimators against closed forms, within 4 of their own
// standard errors (a miss by chance: 6e-5), at 4,000 trials.
#[test]
fn weighted_estimates_reproduce_closed_forms_within_their_standard_error() {
    let model = model();
    let r = stratified(&model, 4_000, 20_260_101, 2);
    let s = &r.strategies[0];
    let downtime = s.annual_downtime_s;
    assert_within_se("annual downtime [s]", downtime.value, expected_downtime_s(), downtime.std_error);
    let region = s.kinds.iter().find(|k| k.kind == DisruptionKind::Region).unwrap();
    let years = region.years_with_rto_breach;
    assert_within_se(
        "P(a year with a region incident)",
        years.estimate,
        expected_year_with_incident(),
        share_se(years.low, years.high),
    );
    // It is set by the strata alone (stratum 0: none; the others: at least
    // one), so the weighted estimate is exact: 1 - p_0.
    assert!((years.estimate - expected_year_with_incident()).abs() < 1e-12, "{}", years.estimate);
    // Stratum 0 (no failure) gets fewer trials than its probability: the
    // estimate is weighted, the raw share would be far above 1 - e^{-L}.
    let raw = years.successes as f64 / years.trials as f64;
    assert!(raw > expected_year_with_incident() + 0.05, "raw share {raw}");
    assert_eq!(r.provenance.variance_reduction.as_deref(), Some("stratified"));
}

// The stated standard error against the spread over 50 seeds. With 50
// replicates the sample standard deviation has a relative standard error of
// 1/sqrt(2 x 49) = 10% (normal estimates), so the two agree within 20% (2
// of those) unless the stated error is wrong; the stated one is the root
// mean square over the 50 runs. 400 trials each: 20,000 in all. The share
// is P(region RTO met) with an RTO of 5 days: an outage (Exp, mean 7 days)
// meets it with probability 1 - e^{-5/7} = 0.51, so it varies within strata.
#[test]
fn stated_standard_error_matches_the_spread_over_50_seeds() {
    let model = model_with_rto("5d");
    let runs: Vec<Results> = (0..50).map(|seed| stratified(&model, 400, 1_000 + seed, 1)).collect();
    let check = assert_stated_se_matches_spread;
    check(
        "annual downtime",
        runs.iter()
            .map(|r| (r.strategies[0].annual_downtime_s.value, r.strategies[0].annual_downtime_s.std_error))
            .collect(),
    );
    check(
        "P(region RTO met)",
        runs.iter()
            .map(|r| {
                let k = r.strategies[0].kinds.iter().find(|k| k.kind == DisruptionKind::Region).unwrap();
                (k.rto_met.estimate, share_se(k.rto_met.low, k.rto_met.high))
            })
            .collect(),
    );
}

#[test]
fn one_and_two_threads_give_the_same_figures() {
    let model =
        drsim::model::Model::load(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/models/securecart-monolith.toml")))
            .unwrap();
    let (a, b) = (stratified(&model, 700, 3, 1), stratified(&model, 700, 3, 2));
    assert_eq!(serde_json::to_string(&a.tally).unwrap(), serde_json::to_string(&b.tally).unwrap());
    assert_eq!(serde_json::to_string(&a.strategies).unwrap(), serde_json::to_string(&b.strategies).unwrap());
    assert!(a.tally.is_stratified());
}

#[test]
fn four_stratified_shards_merge_into_the_single_run_and_mixed_parts_are_refused() {
    let root = temp_dir("shards");
    let run =
        ["run", "models/securecart-monolith.toml", "--trials", "2003", "--quiet", "--variance-reduction", "stratified"];
    let (single, dirs) = assert_four_shards_merge(&run, &root);
    assert!(String::from_utf8_lossy(&single.stdout).contains("\"variance_reduction\": \"stratified\""));

    // A plain part in place of the last: refused, naming the setting.
    let plain = root.join("plain-4");
    ok(drsim()
        .args(["run", "models/securecart-monolith.toml", "--trials", "2003", "--quiet", "--shard", "4/4", "--out"])
        .arg(&plain)
        .output()
        .unwrap());
    let mixed = drsim()
        .args(["merge", "--format", "json", "--out"])
        .arg(root.join("mixed"))
        .args(&dirs[..3])
        .arg(&plain)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&mixed.stderr);
    assert_eq!(mixed.status.code(), Some(2), "{err}");
    assert!(err.contains("variance reduction"), "{err}");
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn a_model_without_region_failures_is_refused_with_what_is_allowed() {
    let text = ModelSpec::new()
        .regions(&[("p", 1), ("dr", 1)])
        .failure(outage_failure("az", 1.0, &exponential("1h")))
        .strategy(backup_restore("b"))
        .text();
    let dir = temp_dir("refuse");
    let path = dir.join("m.toml");
    std::fs::write(&path, text).unwrap();
    let out = drsim()
        .args(["run", "--quiet", "--trials", "10", "--variance-reduction", "stratified"])
        .arg(&path)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("allowed:"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
