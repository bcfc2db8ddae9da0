//! The late-detection design (`--variance-reduction late-detection`: the
//! primary region's failure count crossed with the count of logical
//! failures detected after the shortest backup retention less its interval):
//! its estimators reproduce closed forms within their own standard errors,
//! state errors that match the spread over 50 seeds, estimate the years
//! that lose all data far more precisely than plain sampling, and merge
//! across 4 shard processes into the single run.

mod common;

use common::cli::assert_setting_shards_merge;
use common::*;
use drsim::model::Model;
use drsim::simulation::{Results, RunOptions, Simulation};
use drsim::world::strata::{LATE_STRATA, VarianceReduction};

/// Region failures per year of the primary `p` (exponential, mean 7 days).
const REGION_PER_YEAR: f64 = 0.6;
const OUTAGE_S: f64 = 7.0 * 86_400.0;
/// Logical failures per year; detection delay exponential, mean 1 day.
const LOGICAL_PER_YEAR: f64 = 1.0;
const DELAY_S: f64 = 86_400.0;
/// Daily backups kept 7 days: the threshold is 7 - 1 = 6 days.
const INTERVAL_S: f64 = 86_400.0;
const RETENTION_S: f64 = 7.0 * 86_400.0;

/// One backup & restore that rides region outages out (never invokes DR),
/// restores in `dr` (never down), decides at once: a logical incident
/// detected after `D` restores the newest daily backup taken before the
/// damage, `U` earlier (uniform over the interval), if it is younger than the
/// retention when the restore runs, i.e. it loses all data exactly when
/// `D > RETENTION - U`.
fn small_model() -> Model {
    ModelSpec::new()
        .regions(&[("p", 1), ("dr", 1)])
        .rto("5d")
        .failure(region_only_in(outage_failure("region", REGION_PER_YEAR, &exponential("7d")), "p"))
        .failure(logical_failure(LOGICAL_PER_YEAR, &exponential("1d")))
        .strategy(
            backup_restore("rides-out")
                .set("deployment", s("single_az"))
                .set("invoke_after", s("100y"))
                .backup("interval", s("1d"))
                .backup("retention", s("7d")),
        )
        .build()
}

fn late(model: &Model, trials: u64, seed: u64) -> Results {
    let options = RunOptions { trials, years: 1.0, seed, threads: Some(1) };
    Simulation::new(model, options).variance_reduction(VarianceReduction::LateDetection).run().unwrap()
}

fn plain(model: &Model, trials: u64, seed: u64) -> Results {
    let options = RunOptions { trials, years: 1.0, seed, threads: Some(1) };
    Simulation::new(model, options).run().unwrap()
}

/// P(a trial loses all data) ([`late_total_loss`]). A logical incident
/// holds its component down for its detection delay (mean 1 day), which
/// thins the process by about `L x 1 d` = 0.27%, a bias of 0.1 of the
/// test's standard error: negligible.
fn expected_total_loss() -> f64 {
    late_total_loss(LOGICAL_PER_YEAR, DELAY_S, INTERVAL_S, RETENTION_S)
}

/// Expected incidents per year: the region's failures (a two-state Markov
/// chain, [`markov_failures_per_year`]) plus the logical failures, `L`
/// (thinned as above).
fn expected_incidents_per_year() -> f64 {
    markov_failures_per_year(REGION_PER_YEAR, OUTAGE_S) + LOGICAL_PER_YEAR
}

// The late-detection estimators against closed forms, within 4 of their own
// standard errors (a miss by chance: 6e-5 each), at 4,000 trials. The raw
// share of trials that lose all data is far above the estimate (an eighth of
// the trials hold a late detection): the weights make it right.
#[test]
fn late_detection_estimates_reproduce_closed_forms_within_their_standard_error() {
    let model = small_model();
    let r = late(&model, 4_000, 20_261_201);
    assert_loss_and_incidents_within_se(&r, expected_total_loss(), expected_incidents_per_year());
    let loss = r.strategies[0].trials_with_total_data_loss;
    let raw = loss.successes as f64 / loss.trials as f64;
    assert!(raw > 0.05, "raw share {raw}");
    assert_eq!(r.provenance.variance_reduction.as_deref(), Some("late-detection"));
    assert_eq!(r.tally.strata.len(), LATE_STRATA);
}

// What the design is for: at equal trials, the standard error of P(a trial
// loses all data) is far below plain sampling's. Plain: sqrt(p (1 - p) / n)
// with p = 0.16%. Late detection: the stratum with a late point has
// probability P1 = 1 - e^{-L q} (q = e^{-6}, 0.25%) and n/8 trials, in which
// a share f = p / P1 (about 0.63) loses all data, so the SE is about
// P1 sqrt(f (1 - f) / (n/8)): 11.7 times smaller. The test asks for 5.
#[test]
fn late_detection_narrows_the_total_loss_share_by_an_order_of_magnitude() {
    let model = small_model();
    let (a, b) = (plain(&model, 8_000, 7), late(&model, 8_000, 7));
    let se = |r: &Results| {
        let l = r.strategies[0].trials_with_total_data_loss;
        share_se(l.low, l.high)
    };
    let p = expected_total_loss();
    let plain_se = (p * (1.0 - p) / 8_000.0).sqrt();
    assert!(se(&a) > 0.5 * plain_se, "plain run's stated SE {} vs {plain_se}", se(&a));
    assert!(se(&b) * 5.0 < plain_se, "late-detection SE {} vs plain {plain_se}", se(&b));
}

// The stated standard error against the spread over 50 seeds of 400 trials
// (the 20% bound: `assert_stated_se_matches_spread`): the total-loss share,
// incidents per year, and the expected annual cost, whose variance the late
// years set.
#[test]
fn late_detection_stated_standard_error_matches_the_spread_over_50_seeds() {
    let model = small_model();
    let runs: Vec<Results> = (0..50).map(|seed| late(&model, 400, 9_000 + seed)).collect();
    assert_per_trial_figures_match_spread(&runs);
    assert_logical_incident_figures_match_spread(&runs);
}

#[test]
fn four_late_detection_shards_merge_into_the_single_run() {
    assert_setting_shards_merge("late-detection");
}

// Models the design cannot stratify are refused, saying what is allowed:
// no strategy keeps backups (no threshold), and a detection delay that never
// exceeds the threshold (no late point to stratify on).
#[test]
fn late_detection_without_backups_or_late_delays_is_refused_with_what_is_allowed() {
    let base =
        || ModelSpec::new().regions(&[("p", 1), ("dr", 1)]).failure(outage_failure("region", 0.6, &exponential("1h")));
    let no_backups = base().failure(logical_failure(1.0, &exponential("1d"))).strategy(pilot_light("pl")).build();
    let never_late = base().failure(logical_failure(1.0, &fixed("1h"))).strategy(backup_restore("b")).build();
    let shaped = base()
        .failure(
            logical_failure(1.0, &exponential("1d"))
                .unset("rate_per_year")
                .set("uptime", "{ dist = \"weibull\", shape = 2.0, scale = \"1y\" }"),
        )
        .strategy(backup_restore("b"))
        .build();
    for (model, says) in [
        (no_backups, "no strategy of this model keeps backups"),
        (never_late, "never exceeds"),
        (shaped, "--variance-reduction late-detection needs exponential up-times"),
    ] {
        let err = refusal(&model, VarianceReduction::LateDetection);
        assert!(err.contains(says) && err.contains("allowed:"), "{err}");
    }
}

// A --precision run that stops at --max-trials because an expected cost's
// relative standard error is still too wide says which option narrows it;
// a late-detection run that stops short does not repeat the hint.
#[test]
fn a_precision_run_short_on_the_expected_cost_points_to_late_detection() {
    let run = |extra: &[&str]| {
        let mut args =
            vec!["run", "models/securecart-monolith.toml", "--precision", "0.002", "--max-trials", "12000", "-q"];
        args.extend_from_slice(extra);
        let out = common::cli::ok(common::cli::drsim().args(&args).output().unwrap());
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let plain = run(&[]);
    assert!(plain.contains("reached before --precision"), "{plain}");
    assert!(plain.contains("the expected annual cost of"), "{plain}");
    assert!(plain.contains("--variance-reduction late-detection narrows it"), "{plain}");
    let late = run(&["--variance-reduction", "late-detection"]);
    assert!(late.contains("reached before --precision") && !late.contains("hint:"), "{late}");
}

// The share of all incidents meeting both targets (the table's "both met",
// strategies.csv, the cost-against-risk chart) is weighted in a stratified
// run as every other share: it is the incidents-weighted mean of the kinds'
// own weighted shares, sum_k r_k q_k / sum_k r_k with r_k the kind's
// weighted incidents per year (the same ratio of weighted sums). It once
// pooled the strata's raw counts, which for backup-restore under
// late-detection gave 28.5% against 33.3%.
#[test]
fn the_share_meeting_both_targets_is_weighted_in_a_stratified_run() {
    let model = drsim::model::Model::load(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/models/securecart-monolith.toml"
    )))
    .unwrap();
    for vr in [VarianceReduction::LateDetection, VarianceReduction::Stratified, VarianceReduction::None] {
        let options = RunOptions { trials: 20_000, years: 1.0, seed: 3, threads: Some(2) };
        let r = Simulation::new(&model, options).variance_reduction(vr).run().unwrap();
        for s in &r.strategies {
            let rate: f64 = s.kinds.iter().map(|k| k.incidents_per_year).sum();
            let pooled = s.kinds.iter().map(|k| k.incidents_per_year * k.both_met.estimate).sum::<f64>() / rate;
            let got = s.both_met_all_kinds;
            assert!((got.estimate - pooled).abs() < 1e-9, "{vr:?} {}: {} vs {pooled}", s.name, got.estimate);
            assert!(got.low <= got.estimate && got.estimate <= got.high, "{vr:?} {}: {got:?}", s.name);
        }
    }
}
