//! Stratified runs beyond their summaries: every chart and CSV drawn from a
//! histogram shows the weighted distribution (a stratified loss exceedance
//! curve matches the plain one within standard error at a fixed seed); and
//! the crossed design (`--variance-reduction crossed`: region failures
//! crossed with logical failures) reproduces closed forms within its own
//! standard errors, states errors that match the spread over 50 seeds, and
//! merges across 4 shard processes into the single run.

mod common;

use std::path::Path;

use common::cli::{assert_four_shards_merge, drsim, ok, temp_dir};
use common::*;
use drsim::model::{DisruptionKind, Model};

use drsim::report::charts::cdf::{CdfChart, Measure};
use drsim::report::charts::cost::CostChart;
use drsim::report::charts::loss_exceedance::LossExceedanceChart;
use drsim::simulation::{Results, RunOptions, Simulation};
use drsim::world::strata::VarianceReduction;

fn monolith() -> Model {
    drsim::model::Model::load(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/models/securecart-monolith.toml")))
        .unwrap()
}

fn run(model: &Model, trials: u64, seed: u64, vr: VarianceReduction) -> Results {
    let options = RunOptions { trials, years: 1.0, seed, threads: Some(2) };
    Simulation::new(model, options).variance_reduction(vr).run().unwrap()
}

/// The step curve's value at `x`: the last point at or before `x`.
fn at(points: &[(f64, f64)], x: f64) -> Option<f64> {
    points.iter().rev().find(|p| p.0 <= x).map(|p| p.1)
}

/// Standard error of a stratified run's `P(cost > threshold)` for one
/// strategy: `sqrt(sum_k P_k^2 q_k (1 - q_k) / n_k)`, `P_k` the stratum's
/// probability, `q_k` its own share above.
fn stratified_se(r: &Results, strategy: usize, threshold: f64) -> f64 {
    let total: f64 = r.tally.strata.iter().zip(&r.stratum_weights).map(|(t, w)| w * t.trials as f64).sum();
    r.tally
        .strata
        .iter()
        .zip(&r.stratum_weights)
        .filter(|(t, _)| t.trials > 0)
        .map(|(t, w)| {
            let h = &t.strategies[strategy].trial_cost_usd;
            let p = w * t.trials as f64 / total;
            let q = 1.0 - h.fraction_at_most(threshold);
            p * p * q * (1.0 - q) / t.trials as f64
        })
        .sum::<f64>()
        .sqrt()
}

// Both curves at the losses where the plain one is between 0.3% and 60%: they
// agree within 4 combined standard errors (a miss by chance: 6e-5 per point).
#[test]
fn stratified_loss_exceedance_matches_the_plain_curve_within_standard_error() {
    let model = monolith();
    let n = 40_000;
    let plain = run(&model, n, 20_261_130, VarianceReduction::None);
    let strat = run(&model, n, 20_261_130, VarianceReduction::Stratified);
    let (a, b) = (LossExceedanceChart::new(&plain, &[]), LossExceedanceChart::new(&strat, &[]));
    let mut compared = 0;
    for (i, (ca, cb)) in a.curves.iter().zip(&b.curves).enumerate() {
        assert!(!cb.points.is_empty(), "{}: the stratified curve is empty", cb.strategy);
        let fixed = plain.strategies[i].cost.line_items.total_usd;
        for &(x, _) in ca.points.iter().filter(|p| p.1 > 0.003 && p.1 < 0.6) {
            // Just inside the step, away from bucket edges.
            let x = x * 1.001;
            let (Some(p), Some(q)) = (at(&ca.points, x), at(&cb.points, x)) else { continue };
            let se_p = (p * (1.0 - p) / n as f64).sqrt();
            let se_q = stratified_se(&strat, i, fixed + x);
            let se = (se_p * se_p + se_q * se_q).sqrt();
            assert!((p - q).abs() <= 4.0 * se, "{} at loss {x:.0}: plain {p} vs stratified {q} (se {se})", ca.strategy);
            compared += 1;
        }
    }
    assert!(compared > 20, "only {compared} points compared");
}

// The CSV, the annual-cost chart and the per-incident CDFs of a stratified
// run have curves, weighted: shares add up to 1 (a raw count of strata would
// not reach it in the tail views), and the CSV has rows.
#[test]
fn every_histogram_chart_of_a_stratified_run_has_weighted_curves() {
    let model = monolith();
    let r = run(&model, 5_000, 7, VarianceReduction::Stratified);
    let loss = LossExceedanceChart::new(&r, &[]);
    let run_columns = drsim::report::csv::RunColumns::of(&r.provenance);
    let csv = loss.csv(&run_columns).unwrap();
    assert!(csv.lines().count() > 10, "{csv}");
    let cost = CostChart::new(&r);
    for c in &cost.curves {
        let last = c.points.last().expect("a cost curve").1;
        assert!((last - 1.0).abs() < 1e-9, "{}: the CDF ends at {last}", c.strategy);
    }
    for measure in [Measure::Downtime, Measure::DataLoss] {
        let chart = CdfChart::new(&r, measure);
        assert!(chart.panels.iter().any(|p| !p.curves.is_empty()), "{measure:?}: no curves");
        for p in &chart.panels {
            for c in &p.curves {
                let end = c.points.last().map_or(c.zero_share, |p| p.1) + c.lost_share;
                assert!((end - 1.0).abs() < 1e-9, "{measure:?} {}: ends at {end}", c.strategy);
            }
        }
    }
}

// A plain run's curve is the histogram's own, share for share (plain output
// stays byte-identical; the snapshots check the files).
#[test]
fn a_plain_run_reads_its_histogram_unweighted() {
    let model = monolith();
    let r = run(&model, 2_000, 1, VarianceReduction::None);
    let chart = LossExceedanceChart::new(&r, &[]);
    for (i, c) in chart.curves.iter().enumerate() {
        let fixed = r.strategies[i].cost.line_items.total_usd;
        let own =
            drsim::report::charts::loss_exceedance::exceedance_points(&r.tally.strategies[i].trial_cost_usd, fixed);
        assert_eq!(c.points, own);
    }
}

/// Region failures per year of the primary region.
const REGION_PER_YEAR: f64 = 0.6;
/// Mean region outage, seconds (7 days).
const OUTAGE_S: f64 = 7.0 * 86_400.0;
/// Logical failures per year, and the share of them that is ransomware
/// destroying mutable backups.
const LOGICAL_PER_YEAR: f64 = 1.0;
const RANSOMWARE: f64 = 0.5;

/// Region failures of the primary `p` (exponential, mean 7 days) and logical
/// failures (detected after 1 s; half of them ransomware that destroys
/// mutable backups). One backup & restore, single AZ, never invoking DR (it
/// rides region outages out), with mutable backups: a ransomware incident
/// loses all data, any other restores.
fn small_model() -> Model {
    ModelSpec::new()
        .regions(&[("p", 1), ("dr", 1)])
        .rto("5d")
        .failure(region_only_in(outage_failure("region", REGION_PER_YEAR, &exponential("7d")), "p"))
        .failure(
            logical_failure(LOGICAL_PER_YEAR, &fixed("1s"))
                .set("ransomware_share", format!("{RANSOMWARE:?}"))
                .set("ransomware_destroys_mutable_backups", "1.0"),
        )
        .strategy(
            backup_restore("rides-out")
                .set("deployment", s("single_az"))
                .set("invoke_after", s("100y"))
                .backup("immutable", "false"),
        )
        .build()
}

fn crossed(model: &Model, trials: u64, seed: u64) -> Results {
    let options = RunOptions { trials, years: 1.0, seed, threads: Some(1) };
    Simulation::new(model, options).variance_reduction(VarianceReduction::Crossed).run().unwrap()
}

/// P(a trial loses all data) = P(at least one ransomware incident) =
/// `1 - e^{-L s}`: ransomware points are a thinned Poisson process of rate
/// `L s`. A logical incident holds its component down for its 1 s detection
/// delay only, which thins the process by about `L x 1 s` (3e-8): negligible.
fn expected_total_loss() -> f64 {
    1.0 - (-LOGICAL_PER_YEAR * RANSOMWARE).exp()
}

/// Expected incidents per year: the region's failures (a two-state Markov
/// chain, [`markov_failures_per_year`]) plus the logical failures, `L`
/// (thinning as above).
fn expected_incidents_per_year() -> f64 {
    markov_failures_per_year(REGION_PER_YEAR, OUTAGE_S) + LOGICAL_PER_YEAR
}

// The crossed estimators against closed forms, within 4 of their own standard
// errors (a miss by chance: 6e-5 each), at 4,000 trials. Both figures vary
// within strata (the ransomware mark is drawn plainly; region failures are
// thinned by outages), so the weights, not the strata alone, make them right.
#[test]
fn crossed_estimates_reproduce_closed_forms_within_their_standard_error() {
    let model = small_model();
    let r = crossed(&model, 4_000, 20_261_130);
    assert_loss_and_incidents_within_se(&r, expected_total_loss(), expected_incidents_per_year());
    // Stratum weights matter: the raw share is far from the estimate, as
    // trials with 3 or more logical failures get half the trials.
    let loss = r.strategies[0].trials_with_total_data_loss;
    let raw = loss.successes as f64 / loss.trials as f64;
    assert!(raw > expected_total_loss() + 0.1, "raw share {raw}");
    assert_eq!(r.provenance.variance_reduction.as_deref(), Some("crossed"));
    assert_eq!(r.tally.strata.len(), drsim::world::strata::CROSSED_STRATA);
}

// The stated standard error against the spread over 50 seeds. With 50
// replicates the sample standard deviation has a relative standard error of
// 1/sqrt(2 x 49) = 10%, so the two agree within 20% unless the stated error
// is wrong; the stated one is the root mean square over the 50 runs. 400
// trials each. P(region RTO met) with an RTO of 5 days against outages of
// mean 7 days varies within the region strata; the total-loss share within
// the logical ones.
#[test]
fn crossed_stated_standard_error_matches_the_spread_over_50_seeds() {
    let model = small_model();
    let runs: Vec<Results> = (0..50).map(|seed| crossed(&model, 400, 5_000 + seed)).collect();
    let check = assert_stated_se_matches_spread;
    check("P(a trial loses all data)", runs.iter().map(total_loss_of).collect());
    check("incidents per year", runs.iter().map(incidents_of).collect());
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
fn four_crossed_shards_merge_into_the_single_run_and_stratified_parts_are_refused() {
    let root = temp_dir("shards");
    let model = "models/securecart-monolith.toml";
    let run = ["run", model, "--trials", "2003", "--quiet", "--variance-reduction", "crossed"];
    let (single, dirs) = assert_four_shards_merge(&run, &root);
    assert!(String::from_utf8_lossy(&single.stdout).contains("\"variance_reduction\": \"crossed\""));
    // The merged run's loss exceedance CSV is weighted and not empty.
    let csv = std::fs::read_to_string(root.join("merged").join("loss_exceedance.csv")).unwrap();
    assert!(csv.lines().count() > 10, "{csv}");

    // A part stratified on regions alone in place of the last: refused.
    let other = root.join("stratified-4");
    ok(drsim()
        .args(["run", model, "--trials", "2003", "--quiet", "--shard", "4/4", "--variance-reduction", "stratified"])
        .arg("--out")
        .arg(&other)
        .output()
        .unwrap());
    let mixed = drsim()
        .args(["merge", "--format", "json", "--out"])
        .arg(root.join("mixed"))
        .args(&dirs[..3])
        .arg(&other)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&mixed.stderr);
    assert_eq!(mixed.status.code(), Some(2), "{err}");
    assert!(err.contains("variance reduction"), "{err}");
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn crossed_on_a_model_without_logical_failures_is_refused_with_what_is_allowed() {
    let model = ModelSpec::new()
        .regions(&[("p", 1), ("dr", 1)])
        .failure(outage_failure("region", 0.6, &exponential("1h")))
        .strategy(backup_restore("b"))
        .build();
    let options = RunOptions { trials: 10, years: 1.0, seed: 1, threads: Some(1) };
    let err = Simulation::new(&model, options).variance_reduction(VarianceReduction::Crossed).run().unwrap_err();
    assert!(err.to_string().contains("allowed:"), "{err}");
}
