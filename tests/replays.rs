//! Replayed recoveries (`drsim run --region-replays K`, conditional Monte
//! Carlo; docs/variance.md): the replayed share of region incidents meeting
//! the RTO against its closed form, its stated standard error against the
//! closed-form one and against the spread over 50 seeds, every other figure
//! unchanged, and bad values refused. Merging replayed shards is in
//! tests/shard.rs.

mod common;

use common::cli::{drsim, results_figures};
use common::*;
use drsim::model::{DisruptionKind, Model};
use drsim::simulation::{Results, RunOptions, Simulation};
use drsim::summary::CONFIDENCE;

/// Pilot light whose DR serves `F + U` after a primary-region failure: a
/// fixed `F` = detection 70 s + promote 2 min + scale-up 9 min + switch 45 s
/// = 775 s, and a decision `U ~ Uniform(0, 40 min)` drawn by the strategy.
/// The primary's outage lasts `X ~ Exp(mean 1 h)` (a world draw), and
/// service returns at the earlier of the two (invoke_after 0), so the
/// downtime is `min(X, F + U)` and with RTO `R` = 30 min:
///
/// `q = P(met) = 1 - P(X > R) P(U > R - F) = 1 - e^{-1/2} (1375 / 2400)`.
///
/// Replayed `K` times, an incident's value is the share of its plays that
/// met the RTO. Each replay draws the outage's length `X` and the decision
/// `U` afresh, so the plays are `K` independent draws of `1{min(X, F + U) <= R}`
/// and the variance per incident is `q (1 - q) / K`: nothing in an
/// incident's history changes its chances (the region fails only in `p`).
///
/// `common_mode`: the same, but every outage of `p` is one event with a
/// region `x` elsewhere (common-mode probability 1, `x` failing as often):
/// `x`'s outage shows how long `p`'s lasts, so only the response is
/// replayed. The plays of an incident then share `X`, and by the law of
/// total variance the variance per incident is
/// `Var(E[I | X]) + E[Var(I | X)] / K` with
/// `Var(E[I | X]) = a (1 - a) (1 - u)^2`, `E[Var(I | X)] = (1 - a) u (1 - u)`,
/// `a = P(X <= R) = 1 - e^{-1/2}`, `u = 1025 / 2400`.
fn model(common_mode: bool) -> Model {
    let outage = outage_failure("region", 3.0, &exponential("1h"));
    let spec = ModelSpec::new()
        .rto("30m")
        .response("detection", fixed("70s"))
        .response("decision", uniform("0s", "40m"))
        .response("traffic_switch", fixed("45s"))
        .strategy(pilot_light("pl").set("promote", fixed("2m")).set("scale_up", fixed("9m")));
    if common_mode {
        spec.regions(&[("p", 3), ("dr", 3), ("x", 3)])
            .failure(outage.set("regions", "[\"p\", \"x\"]").set("common_mode_probability", "1.0"))
            .build()
    } else {
        spec.failure(region_only_in(outage, "p")).build()
    }
}

const R_S: f64 = 1800.0;
const F_S: f64 = 70.0 + 120.0 + 540.0 + 45.0;
const U_MAX_S: f64 = 2400.0;

/// `P(X <= R)` and `P(U <= R - F)` of the closed form above.
fn a_u() -> (f64, f64) {
    (1.0 - (-R_S / 3600.0f64).exp(), (R_S - F_S) / U_MAX_S)
}

/// `(q, variance of one incident's value with K plays)` from the closed
/// form above, with or without the outage's length replayed.
fn closed_form(plays: u32, length_replayed: bool) -> (f64, f64) {
    let (a, u) = a_u();
    let q = a + (1.0 - a) * u;
    if length_replayed {
        return (q, q * (1.0 - q) / f64::from(plays));
    }
    let between = a * (1.0 - a) * (1.0 - u).powi(2);
    let within = (1.0 - a) * u * (1.0 - u);
    (q, between + within / f64::from(plays))
}

fn run(model: &Model, trials: u64, seed: u64, plays: u32) -> Results {
    Simulation::new(model, RunOptions { trials, years: 1.0, seed, threads: None })
        .region_plays(plays)
        .run()
        .expect("simulation runs")
}

/// The region kind's P(RTO met): (estimate, standard error stated by its
/// interval, incidents).
fn region_rto(results: &Results) -> (f64, f64, u64) {
    let k = results.strategies[0].kinds.iter().find(|k| k.kind == DisruptionKind::Region).expect("region kind");
    let z = drsim::stats::z_for(CONFIDENCE);
    (k.rto_met.estimate, (k.rto_met.high - k.rto_met.low) / (2.0 * z), k.incidents)
}

/// One long run: the estimate against `q`, its stated SE against the
/// closed-form SE (from the sample variance of about 60k values: within 3%),
/// and what the run says replays did against the closed form's share of
/// the variance the replayed draws cause.
fn check_one_run(common_mode: bool, replayed_share: f64) {
    let model = model(common_mode);
    for plays in [1, 8] {
        let (q, var) = closed_form(plays, !common_mode);
        let results = run(&model, 20_000, 20_260_101, plays);
        let (estimate, stated, n) = region_rto(&results);
        let want = if common_mode { 110_000 } else { 55_000 };
        assert!(n > want, "expected more than {want} region incidents, got {n}");
        let se = (var / n as f64).sqrt();
        let what = format!("P(region RTO met), {plays} plays, common mode {common_mode}");
        assert_within_se(&what, estimate, q, se);
        assert!((stated / se - 1.0).abs() < 0.03, "{what}: stated SE {stated} against closed form {se}");
        if plays == 1 {
            assert!(results.strategies[0].kinds.iter().all(|k| k.rto_met_replays.is_none()));
            continue;
        }
        // Each incident's within-play variance is in [0, 1/4]: the share's
        // SE is about 0.002 over 60k incidents, so 4 SE = 0.01.
        let region = results.strategies[0].kinds.iter().find(|k| k.kind == DisruptionKind::Region).unwrap();
        let replays = region.rto_met_replays.expect("a replayed run says what replays did");
        println!("{what}: replayed share {:.4}, closed form {replayed_share:.4}", replays.replayed_share);
        assert_eq!(replays.plays, 8);
        assert!((replays.replayed_share - replayed_share).abs() < 0.01, "{replays:?} against {replayed_share}");
        let want_gain = 1.0 / ((1.0 - replayed_share) + replayed_share / 8.0);
        assert!((replays.variance_gain / want_gain - 1.0).abs() < 0.03, "{replays:?} against gain {want_gain}");
        let gain = closed_form(1, !common_mode).1 / closed_form(8, !common_mode).1;
        println!("{what}: variance at equal trials, 1 play / 8 plays: {gain:.2}");
    }
}

#[test]
fn replayed_share_meets_its_closed_form_and_states_its_error_right() {
    // Every draw of an incident is replayed: the plays of one incident vary
    // as much as plays of different incidents.
    check_one_run(false, 1.0);

    // 50 seeds: the spread of the estimates against the SE the runs state.
    // With 50 seeds the spread's own relative error is about 1 / sqrt(98) = 10%,
    // so the 20% tolerance is two of its standard errors.
    let model = model(false);
    let runs: Vec<(f64, f64, u64)> = (0..50).map(|s| region_rto(&run(&model, 2_000, 1_000 + s, 8))).collect();
    let estimates: Vec<f64> = runs.iter().map(|r| r.0).collect();
    let (mean, se_of_mean) = mean_se(&estimates);
    let spread = se_of_mean * (estimates.len() as f64).sqrt();
    let stated = runs.iter().map(|r| r.1).sum::<f64>() / runs.len() as f64;
    println!("50 seeds x 2,000 trials, 8 plays: spread {spread:.5}, stated {stated:.5}, mean {mean:.5}");
    assert!((stated / spread - 1.0).abs() <= 0.20, "stated SE {stated} against the spread {spread} over 50 seeds");
    assert_within_se("mean over 50 seeds", mean, closed_form(8, true).0, se_of_mean);
}

/// A common-mode outage's length is known from the other region it took
/// down, so its replays draw only the response: still unbiased, with the
/// variance the closed form gives for plays sharing the outage.
#[test]
fn a_common_mode_outage_replays_only_the_response() {
    let (a, u) = a_u();
    let (q, _) = closed_form(1, false);
    check_one_run(true, (1.0 - a) * u * (1.0 - u) / (q * (1.0 - q)));
}

/// Pilot light whose failover alone decides the RTO: a region outage of
/// 10 h (3 a year, in `p` only), a response of 1,075 s (detection 70 s,
/// decision 5 min, promote 2 min, scale-up 9 min, switch 45 s) against an
/// RTO of 30 min, and a failover that fails
/// with `1 - (1 - p0) e^{-a / d}` at `a` since the last drill (`p0` = 0.1,
/// drift `d` = 90 days, drills every `T` = 180 days); a failed failover
/// waits the outage out. The incident meets the RTO with `m(a) = (1 - p0)
/// e^{-a / d}`, and the age `a` at a failure is uniform on `[0, T)` whenever
/// it falls (the calendar's phase is uniform), so
///
/// `q = E[m] = (1 - p0) (d / T) (1 - e^{-T / d})`.
///
/// `breakable`: the same with backups that can break silently (not copied
/// to the DR region, so still no fallback). A restore changes such a
/// pipeline's state, so replays keep the drill calendar, and the plays of
/// an incident share `a`: the replayed draws cause
/// `E[m (1 - m)] / (q (1 - q))` of the variance, with
/// `E[m^2] = (1 - p0)^2 (d / 2T) (1 - e^{-2T / d})`. Without it replays
/// redraw the calendar, and every play is an independent draw of the
/// same Bernoulli: they cause all of it.
fn drifting_failover(breakable: bool) -> Model {
    let mut strategy = pilot_light("pl")
        .set("promote", fixed("2m"))
        .set("scale_up", fixed("9m"))
        .set("drill_interval", s("180d"))
        .set("reliability", "{ failure_probability = 0.1, drift = \"90d\" }");
    if breakable {
        strategy = strategy.backup("breakage_rate_per_year", "1.0").backup("copy_to_dr_region", "false");
    }
    ModelSpec::new()
        .rto("30m")
        .response("detection", fixed("70s"))
        .response("decision", fixed("5m"))
        .response("traffic_switch", fixed("45s"))
        .failure(region_only_in(outage_failure("region", 3.0, &fixed("10h")), "p"))
        .strategy(strategy)
        .build()
}

/// `(q, E[m^2])` of [`drifting_failover`]'s closed form.
fn drifting_moments() -> (f64, f64) {
    let (works, d_over_t) = (0.9f64, 0.5f64);
    let q = works * d_over_t * (1.0 - (-1.0 / d_over_t).exp());
    let m2 = works * works * d_over_t / 2.0 * (1.0 - (-2.0 / d_over_t).exp());
    (q, m2)
}

/// Replays redraw when the last drill was, where nothing the strategy
/// keeps from earlier incidents depends on it: an incident's plays are
/// then independent draws, so the variance the drift's calendar caused
/// falls by `K` too, and the stated error is the closed form's.
#[test]
fn replays_redraw_the_drill_calendar_unless_the_pipeline_remembers() {
    let (q, m2) = drifting_moments();
    for (breakable, replayed_share) in [(false, 1.0), (true, (q - m2) / (q * (1.0 - q)))] {
        let results = run(&drifting_failover(breakable), 20_000, 20_261_201, 8);
        let (estimate, stated, n) = region_rto(&results);
        assert!(n > 55_000, "expected more than 55,000 region incidents, got {n}");
        // Each incident's value has variance at most q (1 - q): its SE bounds the estimate's.
        let what = format!("P(region RTO met) with a drifting failover, breakable pipeline {breakable}");
        assert_within_se(&what, estimate, q, (q * (1.0 - q) / n as f64).sqrt());
        let region = results.strategies[0].kinds.iter().find(|k| k.kind == DisruptionKind::Region).unwrap();
        let replays = region.rto_met_replays.expect("a replayed run says what replays did");
        println!(
            "{what}: {estimate:.4} against {q:.4}; replayed share {:.4} against {replayed_share:.4}",
            replays.replayed_share
        );
        // As above: the within-play variance's mean over 60k incidents is good to about 0.01.
        assert!((replays.replayed_share - replayed_share).abs() < 0.01, "{replays:?} against {replayed_share}");
        if !breakable {
            let se = (q * (1.0 - q) / 8.0 / n as f64).sqrt();
            assert!((stated / se - 1.0).abs() < 0.03, "{what}: stated SE {stated} against closed form {se}");
        }
    }
    // The stated error against the spread over 50 seeds, within 20% (two of
    // the spread's own standard errors, as above).
    let model = drifting_failover(false);
    let runs: Vec<(f64, f64, u64)> = (0..50).map(|s| region_rto(&run(&model, 2_000, 5_000 + s, 8))).collect();
    let estimates: Vec<f64> = runs.iter().map(|r| r.0).collect();
    let (mean, se_of_mean) = mean_se(&estimates);
    let spread = se_of_mean * (estimates.len() as f64).sqrt();
    let stated = (runs.iter().map(|r| r.1 * r.1).sum::<f64>() / runs.len() as f64).sqrt();
    println!("drifting failover, 50 seeds x 2,000 trials, 8 plays: spread {spread:.5}, stated {stated:.5}");
    assert!((stated / spread - 1.0).abs() <= 0.20, "stated SE {stated} against the spread {spread} over 50 seeds");
    assert_within_se("drifting failover, mean over 50 seeds", mean, q, se_of_mean);
}

/// Replays draw from streams of their own and record only the shares of
/// region incidents meeting their targets: every other figure of
/// SecureCart is byte-identical to the run without.
#[test]
fn replays_change_only_the_shares_of_region_incidents() {
    let figures = |plays: &str| {
        let out = drsim()
            .args(["run", "models/securecart-monolith.toml", "--trials", "3000", "-q", "--format", "json"])
            .args(["--region-replays", plays])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        results_figures(&out.stdout)
    };
    let (plain, mut replayed) = (figures("1"), figures("8"));
    assert_eq!(replayed["region_replays"], 8, "the provenance says how the shares were estimated");
    assert!(plain.get("region_replays").is_none());
    replayed.as_object_mut().unwrap().remove("region_replays");
    let mut moved = 0;
    for (p, r) in plain["strategies"].as_array().unwrap().iter().zip(replayed["strategies"].as_array_mut().unwrap()) {
        let p_region = p["kinds"].as_array().unwrap().iter().find(|k| k["kind"] == "region").unwrap();
        let r_region = r["kinds"].as_array_mut().unwrap().iter_mut().find(|k| k["kind"] == "region").unwrap();
        for share in ["rto_met", "rpo_met", "both_met"] {
            // Raw counts stay the first plays'; the estimate and interval may move.
            assert_eq!(p_region[share]["successes"], r_region[share]["successes"]);
            assert_eq!(p_region[share]["trials"], r_region[share]["trials"]);
            moved += usize::from(p_region[share]["estimate"] != r_region[share]["estimate"]);
            r_region[share] = p_region[share].clone();
        }
        // What replays did is said beside them, and only for the replayed kind.
        assert!(r_region["rto_met_replays"]["plays"] == 8, "{r_region}");
        r_region.as_object_mut().unwrap().remove("rto_met_replays");
    }
    assert!(moved > 0, "some strategy's response decides some region incidents");
    // The decision reads the shares, so it may move; everything else may not.
    let (mut plain, mut replayed) = (plain, replayed);
    plain.as_object_mut().unwrap().remove("decision");
    replayed.as_object_mut().unwrap().remove("decision");
    assert_eq!(plain, replayed, "a figure other than the region shares moved");
}

/// The reader of a table or Markdown report learns how its shares were estimated.
#[test]
fn the_report_header_says_how_the_figures_were_estimated() {
    for format in ["table", "markdown"] {
        let out = drsim()
            .args(["run", "models/securecart-monolith.toml", "--trials", "300", "-q", "--format", format])
            .args(["--variance-reduction", "stratified", "--region-replays", "8"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let head: String = text.lines().take(4).collect::<Vec<_>>().join("\n");
        assert!(
            head.contains("300 trials x 1 year(s) · stratified sampling · region incidents played 8 times"),
            "{head}"
        );
        if format == "table" {
            // Below each strategy's kinds: what replays did, the share of a
            // variance to one decimal (it is an estimate itself).
            let line = text.split("region RTO met from 8 plays per incident: ").nth(1).expect("the replay line");
            let share = line.split('%').next().unwrap();
            assert!(share.starts_with("the replayed draws cause "), "{line}");
            let digits = share.rsplit(' ').next().unwrap();
            assert!(digits.split('.').nth(1).is_some_and(|d| d.len() == 1), "{digits}");
        }
    }
}

#[test]
fn a_replay_count_outside_1_to_1024_is_refused_with_the_range() {
    for bad in ["0", "1025", "two"] {
        let out = drsim()
            .args(["run", "models/securecart-monolith.toml", "--trials", "10", "--region-replays", bad])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "--region-replays {bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("--region-replays") && err.contains(bad), "{err}");
    }
}
