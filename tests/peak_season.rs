//! The peak-season design (`--variance-reduction peak-season`: the primary
//! region's long outages, crossed with the logical failures detected late
//! and with the primary region's and the logical failures that are neither,
//! inside the load profile's peaks): its estimators reproduce closed forms
//! within their own standard errors, including one that only the peak
//! decides and one that only the outage's length decides (with replayed
//! outages), state errors that match the spread over 50 seeds or more, and
//! merge across 4 shard processes into the single run.

mod common;

use common::cli::assert_setting_shards_merge;
use common::*;
use drsim::model::{DisruptionKind, Model};
use drsim::simulation::{Results, RunOptions, Simulation};
use drsim::world::strata::{PEAK_STRATA, VarianceReduction};

/// Region failures per year of the primary `p`, each a 1-hour outage.
const REGION_PER_YEAR: f64 = 0.6;
const OUTAGE_S: f64 = 3_600.0;
/// Logical failures per year; detection delay exponential, mean 1 day.
const LOGICAL_PER_YEAR: f64 = 1.0;
const DELAY_S: f64 = 86_400.0;
/// Daily backups kept 7 days: the late threshold is 7 - 1 = 6 days.
const INTERVAL_S: f64 = 86_400.0;
const RETENTION_S: f64 = 7.0 * 86_400.0;
/// The peak: 120 days from day 100, at twice the load (hour of day and day
/// of week flat).
const PEAK_DAYS: f64 = 120.0;

/// One backup & restore that rides region outages out (never invokes DR),
/// so a region incident costs the revenue of its hour of downtime at the
/// load it falls in, and restores logical damage from daily backups kept a
/// week (as in tests/late_detection.rs).
fn peak_model(peak: &str) -> Model {
    peak_model_with(&fixed("1h"), peak)
}

/// [`peak_model`] with region outages of length `outage` (a distribution).
fn peak_model_with(outage: &str, peak: &str) -> Model {
    ModelSpec::new()
        .regions(&[("p", 1), ("dr", 1)])
        .failure(region_only_in(outage_failure("region", REGION_PER_YEAR, outage), "p"))
        .failure(logical_failure(LOGICAL_PER_YEAR, &exponential("1d")))
        .strategy(
            backup_restore("rides-out")
                .set("deployment", s("single_az"))
                .set("invoke_after", s("100y"))
                .backup("interval", s("1d"))
                .backup("retention", s("7d")),
        )
        .raw(&format!("[workload.load_profile]\npeak = [{peak}]"))
        .build()
}

fn season() -> Model {
    peak_model(&format!("{{ name = \"season\", start_day = 100, days = {PEAK_DAYS}, multiplier = 2.0 }}"))
}

/// [`season`] with exponential region outages of mean 1 hour: the design
/// calls the ones longer than their P90 (`ln 10` hours, 2.30 hours) long.
fn season_exponential() -> Model {
    peak_model_with(
        &exponential("1h"),
        &format!("{{ name = \"season\", start_day = 100, days = {PEAK_DAYS}, multiplier = 2.0 }}"),
    )
}

fn peak_season(model: &Model, trials: u64, seed: u64) -> Results {
    let options = RunOptions { trials, years: 1.0, seed, threads: Some(1) };
    Simulation::new(model, options).variance_reduction(VarianceReduction::PeakSeason).run().unwrap()
}

/// Mean cost of a region incident, USD: the revenue of its hour down
/// (`ModelSpec`'s $1,000 an hour at load 1) plus the same again for its
/// overlap with the peak (load 2 there). Failures are uniform over the year
/// (a Poisson process; the 1-hour down times thin it by 0.007%), and the
/// overlap of an hour starting uniformly in the year with a 120-day peak
/// has mean `1 h x 120 / 365` (`∫ overlap(t) dt` = one hour x the peak's
/// length), so `1000 x (1 + 120/365)`.
fn expected_region_cost() -> f64 {
    1_000.0 * (1.0 + PEAK_DAYS / 365.0)
}

// The estimators against closed forms, within 4 of their own standard
// errors (a miss by chance: 6e-5 each), at 4,000 trials: P(a trial loses
// all data) ([`late_total_loss`]), and incidents per year, the region's
// failures (a two-state Markov chain) plus the logical ones.
#[test]
fn peak_season_estimates_reproduce_closed_forms_within_their_standard_error() {
    let model = season();
    let r = peak_season(&model, 4_000, 20_261_201);
    let total_loss = late_total_loss(LOGICAL_PER_YEAR, DELAY_S, INTERVAL_S, RETENTION_S);
    let incidents = markov_failures_per_year(REGION_PER_YEAR, OUTAGE_S) + LOGICAL_PER_YEAR;
    assert_loss_and_incidents_within_se(&r, total_loss, incidents);
    let logical = kind(&r, "rides-out", DisruptionKind::Logical).incidents_per_year;
    assert!((logical - LOGICAL_PER_YEAR).abs() < 0.1, "logical incidents per year {logical}");
    assert_eq!(r.provenance.variance_reduction.as_deref(), Some("peak-season"));
    assert_eq!(r.tally.strata.len(), PEAK_STRATA);
}

// A region incident's mean cost is set by where region failures fall
// against the peak: given points placed anywhere but inside the windows, or
// region failures drawn inside them as well, would move it. Its closed form
// against the mean of 400 runs of 400 trials, within 4 standard errors of
// that mean taken from the runs' spread. The strata hold very different
// incidents here (peak ones cost twice the others, and a stratum fixes how
// many fall outside the peak), so the stated error of this ratio estimator
// must come from the trials' totals: it matches the spread within 20%
// (docs/variance.md, "Estimators"). Over 400 seeds, not 50: this figure's
// spread over 50 seeds is itself uncertain by about 11% (12 disjoint sets
// of 50 seeds gave stated/spread 0.80 to 1.16, standard deviation 0.11), so
// the 20% bound would be under 2 of its standard errors; over 400 seeds it
// is about 5.
#[test]
fn peak_season_region_incident_cost_matches_its_closed_form_and_its_spread() {
    let model = season();
    let runs: Vec<(f64, f64)> = (0..400)
        .map(|seed| {
            let cost = kind(&peak_season(&model, 400, 7_000 + seed), "rides-out", DisruptionKind::Region).cost_mean_usd;
            (cost.value, cost.std_error)
        })
        .collect();
    let values: Vec<f64> = runs.iter().map(|r| r.0).collect();
    let (mean, se) = mean_se(&values);
    assert_within_se("region incident cost", mean, expected_region_cost(), se);
    assert_stated_se_matches_spread("region incident cost", runs);
}

// Outages of varying length: the design gives the long ones (a count of
// their own, oversampled) and draws the short ones given their side of the
// threshold, and a replayed outage is drawn on its side too. A region
// incident's mean cost has the closed form above (its expected length is
// still 1 hour: the revenue of an hour plus its overlap with the peak), and
// its P(RTO met) is P(length <= 1 h) = 1 - e^-1 (it rides the outage out,
// with no detection or decision time), here with every incident played 8
// times. Each against the mean of 200 runs of 400 trials, within 4 standard
// errors of that mean taken from the runs' spread; each stated error
// matches that spread within 20%. Drawing the short outages plainly, or the
// long ones from the whole law, would move both.
#[test]
fn peak_season_long_outages_keep_region_figures_and_replays_unbiased() {
    let model = season_exponential();
    let (mut costs, mut met) = (Vec::new(), Vec::new());
    for seed in 0..200 {
        let options = RunOptions { trials: 400, years: 1.0, seed: 11_000 + seed, threads: Some(1) };
        let r = Simulation::new(&model, options)
            .variance_reduction(VarianceReduction::PeakSeason)
            .region_plays(8)
            .run()
            .unwrap();
        let k = kind(&r, "rides-out", DisruptionKind::Region);
        costs.push((k.cost_mean_usd.value, k.cost_mean_usd.std_error));
        let z = drsim::stats::z_for(drsim::summary::CONFIDENCE);
        met.push((k.rto_met.estimate, (k.rto_met.high - k.rto_met.low) / (2.0 * z)));
    }
    for (what, runs, want) in
        [("region incident cost", costs, expected_region_cost()), ("region P(RTO met)", met, 1.0 - (-1.0f64).exp())]
    {
        let (mean, se) = mean_se(&runs.iter().map(|r| r.0).collect::<Vec<_>>());
        assert_within_se(what, mean, want, se);
        assert_stated_se_matches_spread(what, runs);
    }
}

// The stated standard error against the spread over 50 seeds of 400
// trials (the 20% bound of `assert_stated_se_matches_spread`): the
// total-loss share, incidents per year and the expected annual cost.
#[test]
fn peak_season_stated_standard_error_matches_the_spread_over_50_seeds() {
    let model = season();
    let runs: Vec<Results> = (0..50).map(|seed| peak_season(&model, 400, 9_000 + seed)).collect();
    assert_per_trial_figures_match_spread(&runs);
    assert_logical_incident_figures_match_spread(&runs);
}

#[test]
fn four_peak_season_shards_merge_into_the_single_run() {
    assert_setting_shards_merge("peak-season");
}

// What the design is for, on the bundled model: at equal trials the P99 of
// annual cost of the strategies whose tail is logical restores in the
// Black Friday week states an interval at least 1.3 times narrower than
// plain sampling's (benches/README.md measured 1.8 to 2.1 on average over
// 40 seeds; one seed's ratio varies by about 15% at this size).
#[test]
fn peak_season_narrows_the_p99_of_annual_cost_on_securecart() {
    let model =
        Model::load(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/models/securecart-monolith.toml")))
            .unwrap();
    let width = |vr: VarianceReduction| {
        let options = RunOptions { trials: 40_000, years: 1.0, seed: 5, threads: Some(2) };
        let r = Simulation::new(&model, options).variance_reduction(vr).run().unwrap();
        r.strategies
            .iter()
            .map(|s| {
                let q = s.cost.total_annual_quantiles_usd.expect("costs").p99;
                (s.name.clone(), q.high - q.low)
            })
            .collect::<Vec<_>>()
    };
    let (plain, season) = (width(VarianceReduction::None), width(VarianceReduction::PeakSeason));
    for ((name, p), (_, s)) in plain.iter().zip(&season) {
        if name == "backup-restore" {
            continue; // its tail is region outages outside the peak
        }
        assert!(p / s > 1.3, "{name}: P99 interval {s} against plain {p}");
    }
}

// Models the design cannot stratify are refused, saying what is allowed:
// no peak above 1 in the load profile, no backups (no late threshold), and
// no `region` outages of the primary region to split by length (only
// `application` failures take it down).
#[test]
fn peak_season_without_a_peak_or_backups_is_refused_with_what_is_allowed() {
    let flat = peak_model("{ name = \"sale\", start_day = 100, days = 7, multiplier = 1.0 }");
    let no_backups = ModelSpec::new()
        .regions(&[("p", 1), ("dr", 1)])
        .failure(outage_failure("region", 0.6, &exponential("1h")))
        .failure(logical_failure(1.0, &exponential("1d")))
        .strategy(pilot_light("pl"))
        .raw("[workload.load_profile]\npeak = [{ name = \"sale\", start_day = 100, days = 7, multiplier = 3.0 }]")
        .build();
    let no_region = ModelSpec::new()
        .regions(&[("p", 1), ("dr", 1)])
        .failure(outage_failure("application", 0.6, &exponential("1h")))
        .failure(logical_failure(1.0, &exponential("1d")))
        .strategy(backup_restore("br").backup("interval", s("1d")).backup("retention", s("7d")))
        .raw("[workload.load_profile]\npeak = [{ name = \"sale\", start_day = 100, days = 7, multiplier = 3.0 }]")
        .build();
    for (model, says) in [
        (flat, "has no [workload.load_profile] peak with a multiplier above 1"),
        (no_backups, "no strategy of this model keeps backups"),
        (no_region, "stratifies on the primary region's long outages"),
    ] {
        let err = refusal(&model, VarianceReduction::PeakSeason);
        assert!(err.contains(says) && err.contains("allowed:") && err.contains("peak-season"), "{err}");
    }
}
