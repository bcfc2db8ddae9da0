//! The answer first (issue 18, items 1-4): the figures added beside the
//! verdict, checked against closed forms, and the outputs that carry them.
//!
//! - P(a year has at least one incident breaching the RTO): Poisson incidents
//!   at rate r, each breaching with probability p, give breaches as a Poisson
//!   process at rate r p, so P(>= 1 in a year) = 1 - exp(-r p).
//! - The time until service is back, unweighted, against the load-weighted RTO
//!   of a warm standby that ramps up.
//! - The effective failover failure probability and the outcome shares.
//! - The ranked summary within 100 columns, `--brief` and `--detail`.

mod common;

use std::path::Path;

use common::cli::{run_drsim, stdout_of};
use common::{csv_header, documented_columns};
use drsim::model::{DisruptionKind, Model};
use drsim::simulation::{Results, RunOptions, simulate};
use drsim::summary::{KindSummary, Outcome};

/// One region failure mode striking the primary only, fixed steps of 0 s,
/// a warm standby with the given posture lines.
fn model(rate: f64, outage: &str, rto: &str, posture: &str) -> Model {
    let text = format!(
        r#"
[workload]
name = "w"
revenue_per_hour = 100.0
orders_per_hour = 1.0
dataset_gb = 1.0
change_rate_gb_per_hour = 0.0
[targets]
rpo = "1h"
rto = "{rto}"
confidence = 0.9
[topology]
primary = "a"
region = [{{ name = "a", azs = 1 }}, {{ name = "b", azs = 1 }}]
[response]
detection = {{ dist = "fixed", value = "0s" }}
decision = {{ dist = "fixed", value = "0s" }}
traffic_switch = {{ dist = "fixed", value = "0s" }}
az_failover = {{ dist = "fixed", value = "0s" }}
failback = {{ dist = "fixed", value = "0s" }}
[[failure]]
kind = "region"
rate_per_year = {rate}
regions = ["a"]
duration = {{ dist = "fixed", value = "{outage}" }}
[[strategy]]
name = "ws"
kind = "warm_standby"
dr_region = "b"
replication_lag = {{ dist = "fixed", value = "1s" }}
promote = {{ dist = "fixed", value = "0s" }}
{posture}
"#
    );
    Model::from_str_at(&text, Path::new("answer.toml")).expect("valid")
}

fn run(model: &Model, trials: u64) -> Results {
    simulate(model, &RunOptions { trials, seed: 18, threads: Some(2), ..RunOptions::default() }).unwrap()
}

fn region(r: &Results) -> &KindSummary {
    r.strategies[0].kinds.iter().find(|k| k.kind == DisruptionKind::Region).unwrap()
}

/// Rate r = 2/yr, failover failing with p = 0.3 (no drift), no backups to
/// fall back on: a failed failover waits out the 1 h outage and breaches the
/// 30 min RTO, a good one is back at once. P(year with a breach) = 1 - e^-0.6
/// = 0.4512; the tolerance is 4 standard errors of a share at 20,000 years.
#[test]
fn a_year_with_a_breach_is_one_minus_exp_of_minus_r_p() {
    let m = model(
        2.0,
        "1h",
        "30m",
        "capacity_fraction = 1.0\nscale_up = { dist = \"fixed\", value = \"0s\" }\nreliability = { failure_probability = 0.3 }",
    );
    let trials = 20_000;
    let r = run(&m, trials);
    let k = region(&r);
    let expected = 1.0 - (-2.0f64 * 0.3).exp();
    let got = k.years_with_rto_breach.estimate;
    let se = (expected * (1.0 - expected) / trials as f64).sqrt();
    assert!((got - expected).abs() < 4.0 * se, "P(year with an RTO breach) {got} vs {expected} (se {se})");
    // The interval is the Wilson interval of the same count.
    assert!(k.years_with_rto_breach.low < got && got < k.years_with_rto_breach.high);
    // No incident loses more than 1 s of writes: no year breaches the RPO.
    assert_eq!(k.years_with_rpo_breach.successes, 0);
    // The per-incident breach share is p itself.
    let p = 1.0 - k.rto_met.estimate;
    let se_p = (0.3 * 0.7 / k.incidents as f64).sqrt();
    assert!((p - 0.3).abs() < 4.0 * se_p, "{p}");
    // How the incidents ended: failed over, or the failover failed and the service waited.
    let share = |o: Outcome| k.outcomes.iter().find(|x| x.outcome == o).map_or(0.0, |x| x.share.estimate);
    assert!((share(Outcome::FailoverFailedThenWaited) - p).abs() < 1e-12);
    assert!((share(Outcome::FailedOver) + share(Outcome::FailoverFailedThenWaited) - 1.0).abs() < 1e-12);
    // Without drift the effective failover failure probability is p0.
    assert_eq!(r.strategies[0].failover_failure_probability, 0.3);
}

/// A warm standby at half capacity, back 10 min after the loss of service
/// and ramping linearly to full load over 1 h (outage 10 h): the users are
/// served again after 10 min, while the load-weighted RTO adds the unserved
/// half of the ramp, 0.5 x (1 h - 1 h / 2) = 15 min: 25 min.
#[test]
fn service_is_back_before_the_load_weighted_rto_of_a_ramp_ends() {
    let m = model(
        3.0,
        "10h",
        "1h",
        "capacity_fraction = 0.5\nscale_up = { dist = \"fixed\", value = \"1h\" }\ninvoke_after = \"10m\"",
    );
    let r = run(&m, 2_000);
    let k = region(&r);
    assert!(k.incidents > 1000);
    assert!((k.service_back_mean_s.value - 600.0).abs() < 1e-3, "{}", k.service_back_mean_s.value);
    assert!((k.rto_mean_s.value - 1500.0).abs() < 1e-3, "{}", k.rto_mean_s.value);
    let p95 = k.service_back_s.unwrap().p95.value;
    assert!((p95 - 600.0).abs() < 600.0 * 0.005, "{p95}");
}

/// Drills every 90 d and drift of 180 d: a failover fails with
/// 1 - (1 - p0) x 2 x (1 - e^-0.5), and the simulated share of failed
/// failovers agrees with it within 4 standard errors.
#[test]
fn the_effective_failover_failure_probability_is_what_the_simulation_sees() {
    let m = model(
        2.0,
        "10h",
        "1h",
        "capacity_fraction = 1.0\nscale_up = { dist = \"fixed\", value = \"0s\" }\n\
         reliability = { failure_probability = 0.05, drift = \"180d\" }\ndrill_interval = \"90d\"",
    );
    let r = run(&m, 10_000);
    let expected = 1.0 - 0.95 * 2.0 * (1.0 - (-0.5f64).exp());
    let s = &r.strategies[0];
    assert!((s.failover_failure_probability - expected).abs() < 1e-12);
    let k = region(&r);
    let failed = k.outcomes.iter().find(|x| x.outcome == Outcome::FailoverFailedThenWaited).unwrap().share;
    let se = (expected * (1.0 - expected) / k.incidents as f64).sqrt();
    assert!((failed.estimate - expected).abs() < 4.0 * se, "{} vs {expected}", failed.estimate);
}

const SECURECART: [&str; 8] =
    ["run", "models/securecart-monolith.toml", "--trials", "2000", "--seed", "7", "--threads", "2"];

/// The first screen (25 lines of 100 columns) says what to do: here, that
/// nothing meets the targets, which shortfall every strategy shares and what
/// would fix it, and which strategy meets everything else.
#[test]
fn the_first_screen_of_securecart_gives_the_answer_within_100_columns() {
    let text = stdout_of(&[&SECURECART[..], &["-q"]].concat());
    let first: Vec<&str> = text.lines().take(25).collect();
    for line in &first {
        assert!(line.chars().count() <= 100, "wider than 100 columns: {line}");
    }
    let screen = first.join("\n");
    assert!(screen.contains("No strategy meets the targets"), "{screen}");
    assert!(screen.contains("Every strategy misses logical RTO 30m"), "{screen}");
    assert!(screen.contains("restore throughput of at least"), "{screen}");
    assert!(screen.contains("active-active meets every other target"), "{screen}");
    assert!(first[4].trim_start().starts_with("# strategy"), "{screen}");
    assert!(first[5].contains("active-active") && first[5].contains("shared only"), "{screen}");
    // The default details fit 100 columns too.
    for line in text.lines() {
        assert!(line.chars().count() <= 100, "wider than 100 columns: {line}");
    }
}

#[test]
fn brief_stops_after_the_recommendation_and_detail_adds_every_figure() {
    let normal = stdout_of(&[&SECURECART[..], &["-q"]].concat());
    let brief = stdout_of(&[&SECURECART[..], &["-q", "--brief"]].concat());
    let detail = stdout_of(&[&SECURECART[..], &["-q", "--detail"]].concat());
    assert!(normal.starts_with(&brief), "the brief view is the start of the default one");
    assert!(brief.trim_end().ends_with("a year expected."), "{brief}");
    assert!(!brief.contains("Deciding assumptions"));
    assert!(normal.contains("Deciding assumptions") && detail.contains("Deciding assumptions"));
    assert!(detail.contains("95% CI: RTO p95") && !normal.contains("95% CI: RTO p95"));
    assert!(detail.contains("users back: mean") && detail.contains("P(a year with a miss)"));
    assert!(detail.contains("Monte Carlo error at 2000 trials"));
    let both = run_drsim(&[&SECURECART[..], &["-q", "--brief", "--detail"]].concat(), None);
    assert_eq!(both.status.code(), Some(2), "--brief and --detail exclude each other");
}

/// report.md opens as a design-doc section, in this order.
#[test]
fn report_md_reads_question_answer_why_assumptions_costs_then_tables() {
    let md = stdout_of(&[&SECURECART[..], &["-q", "--format", "markdown"]].concat());
    let at = |h: &str| md.find(h).unwrap_or_else(|| panic!("no {h}"));
    let order = [
        "## Question",
        "## Answer",
        "## Why",
        "## Deciding assumptions",
        "## Cost line items",
        "## Strategies",
        "## Per disruption kind",
    ];
    for pair in order.windows(2) {
        assert!(at(pair[0]) < at(pair[1]), "{} before {}", pair[0], pair[1]);
    }
    assert!(md.contains("Monte Carlo error at 2000 trials"));
    assert!(md.contains("| warm-standby | 22.9% |"), "the effective failover failure probability");
}

/// The decision names the logical RTO once, with what would have to change,
/// and ranks on the rest: active-active misses nothing else.
#[test]
fn the_shared_shortfall_is_named_once_and_the_ranking_turns_on_the_others() {
    let m = Model::load(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/models/securecart-monolith.toml"))).unwrap();
    let r = simulate(&m, &RunOptions { trials: 2000, seed: 7, threads: Some(2), ..RunOptions::default() }).unwrap();
    let d = &r.decision;
    assert_eq!(d.shared.len(), 1);
    let s = &d.shared[0];
    assert_eq!(s.kind, DisruptionKind::Logical);
    // 2,000 GB in the 30 min target minus the warm standby's 2 min decision and 10 min validation.
    let needed = 2000.0 / ((1800.0 - 120.0 - 600.0) / 3600.0);
    assert!((s.throughput_needed_gb_per_hour.unwrap() - needed).abs() < 1e-6);
    assert_eq!(s.throughput_max_gb_per_hour, Some(1080.0));
    assert_eq!(d.ranking[0], "active-active");
    assert_eq!(d.closest.as_deref(), Some("active-active"));
    for v in &d.verdicts {
        assert!(v.distinguishing.iter().all(|x| x.kind != DisruptionKind::Logical || x.target != s.target));
    }
}

/// outcomes.csv: the documented columns, the outcome shares adding up to 1.
#[test]
fn outcomes_csv_is_documented_and_its_shares_add_up() {
    use drsim::report::Report;
    let m = Model::load(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/models/securecart-monolith.toml"))).unwrap();
    let r = simulate(&m, &RunOptions { trials: 300, seed: 7, threads: Some(2), ..RunOptions::default() }).unwrap();
    let text = drsim::report::outcomes_csv::OutcomesCsv.render(&r).unwrap();
    let header = csv_header(&text);
    assert_eq!(documented_columns("outcomes.csv"), header);
    let shares: Vec<usize> = (0..header.len()).filter(|&i| header[i].starts_with("share_")).collect();
    for line in text.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let sum: f64 = shares.iter().map(|&i| cells[i].parse::<f64>().unwrap()).sum();
        assert!((sum - 1.0).abs() < 1e-9, "{line}");
    }
}

/// `target-below-fastest-recovery` and the simulation agree: with the region
/// RTO (45m) below the fastest restore (1h 9m), no incident that was recovered
/// meets it; only outages ridden out or waited for can.
#[test]
fn below_the_fastest_recovery_only_incidents_that_needed_no_recovery_meet_the_target() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lint/target-below-fastest-recovery.toml");
    let m = Model::load(Path::new(path)).unwrap();
    assert!(drsim::lint::lint(&m).iter().any(|f| f.code == drsim::lint::Code::TargetBelowFastestRecovery));
    let r = run(&m, 4_000);
    let k = region(&r);
    let share = |o: Outcome| k.outcomes.iter().find(|x| x.outcome == o).map_or(0, |x| x.share.successes);
    let without_recovery =
        share(Outcome::RodeOut) + share(Outcome::DrUnavailableWaited) + share(Outcome::FailoverFailedThenWaited);
    assert!(share(Outcome::Restored) > 0);
    assert!(
        k.rto_met.successes <= without_recovery,
        "{} met, {without_recovery} without recovery",
        k.rto_met.successes
    );
    assert!(r.decision.ranking.len() == 1 && r.decision.shared.is_empty(), "one strategy shares nothing");
}
