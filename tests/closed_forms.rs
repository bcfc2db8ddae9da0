//! drsim against closed forms: each test builds a small model, runs it at a
//! fixed seed and compares a figure with its exact value, either with f64
//! equality (where every input is fixed and every sum is of whole seconds, so
//! any order of addition is exact) or within 4 standard errors (SE), the SE
//! derived in the comment above each test. Run with `--nocapture` to see each
//! comparison in SE.

mod common;

use std::collections::HashMap;
use std::path::Path;

use common::*;
use drsim::incident::{Path as IncidentPath, Step};
use drsim::model::{DisruptionKind, Duration, Model, StrategyKind};
use drsim::report::{Report, json::Json};
use drsim::simulation::{RunOptions, simulate};
use drsim::world::World;
use drsim::world::seed::world_rng;

const SEED: u64 = 20_260_101;

/// Incidents of one strategy and kind.
fn of(recs: &[Rec], strategy: usize, kind: DisruptionKind) -> Vec<&Rec> {
    recs.iter().filter(|r| r.strategy == strategy && r.incident.kind == kind).collect()
}

// 1. Availability of one component.
//
// One AZ (the primary region has one; `az` failures strike only it) fails at
// rate L = 4/yr while up and stays down for Exp(mean M = 7 d). A single-AZ
// backup & restore that waits 100 years before invoking DR always rides the
// outage out, so its downtime is exactly the AZ's down time (detection 0).
// The AZ is a two-state Markov chain (up -> down at λ = L, down -> up at
// μ = 1/M) starting up: P(down at t) = λ/(λ+μ) (1 - e^{-(λ+μ)t}), so
//   E[down time in [0, H]] = λ/(λ+μ) · (H − (1 − e^{−(λ+μ)H})/(λ+μ)).
// Long-run availability 1/(1 + L·M) = 0.928747; over H = 1 y the expected
// availability is slightly higher (the chain starts up): 0.930022; the two
// forms differ by about 5 SE here, so the test tells them apart.
// SE: trials are independent (keyed streams), so the SE of the mean per-trial
// downtime is the sample standard deviation over trials / sqrt(trials)
// (`Moments::std_error`); about 0.5% of the mean at 40,000 trials.
#[test]
fn one_component_availability_is_one_over_one_plus_rate_times_mean_outage() {
    const L_PER_YEAR: f64 = 4.0;
    const M_S: f64 = 7.0 * 86_400.0;
    let model = ModelSpec::new()
        .regions(&[("p", 1), ("dr", 1)])
        .failure(region_only_in(outage_failure("az", L_PER_YEAR, &exponential("7d")), "p"))
        .strategy(backup_restore("never-fails-over").set("deployment", s("single_az")).set("invoke_after", s("100y")))
        .build();
    let trials = 40_000;
    let results = run(&model, trials, 1.0, SEED);
    let st = &results.tally.strategies[0];
    let az = &st.kinds[DisruptionKind::Az.index()];
    assert!(az.incidents > 100_000, "expected ~150k outages, got {}", az.incidents);
    assert_eq!(az.paths[IncidentPath::RodeOut.index()], az.incidents, "every outage is ridden out");

    let (lambda, mu, h) = (L_PER_YEAR / YEAR_S, 1.0 / M_S, YEAR_S);
    let s_rate = lambda + mu;
    let expected_down = lambda / s_rate * (h - (1.0 - (-s_rate * h).exp()) / s_rate);
    let m = st.trial_downtime_s.moments();
    let long_run = 1.0 / (1.0 + L_PER_YEAR * M_S / YEAR_S);
    println!(
        "availability: long-run 1/(1+LM) = {long_run:.6}; finite-horizon closed form {:.6}; simulated {:.6}",
        1.0 - expected_down / h,
        results.strategies[0].availability.value
    );
    assert_within_se("mean downtime per trial [s]", m.mean(), expected_down, m.std_error());
    assert_within_se(
        "availability (summary)",
        results.strategies[0].availability.value,
        1.0 - expected_down / h,
        results.strategies[0].availability.std_error,
    );
}

// 2. Backup & restore data loss after a region loss.
//
// Region failures strike only the primary (`regions = ["p"]`), last 3 days
// (far longer than the ~17 min recovery), DR is invoked at once and never
// fails. Backups every T = 1 h from a uniformly drawn anchor, every job
// succeeds, each copy reaches the DR region after exactly C = 20 min. The
// newest backup usable at the failure time t is the newest job at or before
// t − C, so the window is W = C + U with U = (t − C − anchor) mod T ~ U(0, T):
//   E[W] = C + T/2 = 50 min,  P(W <= r) = (r − C)/T for C <= r <= C + T.
// With the RPO target r = 38 min, P = 0.3.
// SE: one window per incident, independent across incidents (each failure
// time is continuous, spread over the year, so its phase against the hourly
// schedule is uniform and independent): SE of the mean = sd(U)/sqrt(n) =
// T/sqrt(12 n); SE of the share = sqrt(P(1 − P)/n) (binomial).
#[test]
fn backup_restore_region_loss_window_is_copy_delay_plus_uniform_interval() {
    const T_S: f64 = 3600.0;
    const C_S: f64 = 1200.0;
    const R_S: f64 = 38.0 * 60.0;
    let model = ModelSpec::new()
        .rpo("38m")
        .failure(region_only_in(outage_failure("region", 2.0, &fixed("3d")), "p"))
        .strategy(backup_restore("br").backup("interval", s("1h")).backup("copy_delay", fixed("20m")))
        .build();
    let results = run(&model, 20_000, 1.0, SEED);
    let k = &results.tally.strategies[0].kinds[DisruptionKind::Region.index()];
    let n = k.incidents;
    assert!(n > 30_000, "expected ~39k region incidents, got {n}");
    assert_eq!(k.paths[IncidentPath::Restored.index()], n, "every region loss is restored in the DR region");

    let m = k.data_loss_s.moments();
    assert_within_se("mean data-loss window [s]", m.mean(), C_S + T_S / 2.0, T_S / (12.0 * n as f64).sqrt());
    let p = (R_S - C_S) / T_S;
    assert_within_se("P(window <= 38 min) via rpo_met", k.rpo_met as f64 / n as f64, p, binomial_se(p, n));
    // The window never leaves [C, C + T].
    let (lo, hi) = (k.data_loss_s.min().unwrap(), k.data_loss_s.max().unwrap());
    assert!(lo >= C_S && hi <= C_S + T_S, "window range [{lo}, {hi}] outside [{C_S}, {}]", C_S + T_S);
}

// 3. With every step fixed, the downtime of a failover is the sum of its steps.
//
// Primary region outages last 2 days, far longer than either recovery, so DR
// always restores service and downtime = time until DR serves:
//   pilot light:    detection 70 s + decision 7 min + promote 2 min
//                   + scale-up 9 min + switch 45 s                        = 1195 s
//   backup/restore: detection 70 s + decision 7 min + provision 25 min
//                   + 500 GB / 250 GB/h = 2 h + validation 15 min + switch 45 s = 10135 s
// Every term is a whole number of seconds, so any order of f64 addition is
// exact: the comparison is f64 equality, no tolerance.
#[test]
fn fixed_steps_add_up_exactly_for_pilot_light_and_backup_restore() {
    let model = ModelSpec::new()
        .dataset_gb(500.0)
        .response("detection", fixed("70s"))
        .response("decision", fixed("7m"))
        .response("traffic_switch", fixed("45s"))
        .failure(region_only_in(outage_failure("region", 1.0, &fixed("2d")), "p"))
        .strategy(pilot_light("pl").set("promote", fixed("2m")).set("scale_up", fixed("9m")))
        .strategy(
            backup_restore("br")
                .restore("provision", fixed("25m"))
                .restore("throughput_gb_per_hour", fixed_number(250.0))
                .restore("validation", fixed("15m")),
        )
        .build();
    let recs = incidents(&model, 4_000, 1.0, SEED);
    let cases = [
        (0, IncidentPath::FailedOver, 70.0 + 420.0 + 120.0 + 540.0 + 45.0, [70.0, 420.0, 540.0, 120.0, 45.0, 0.0, 0.0]),
        (
            1,
            IncidentPath::Restored,
            70.0 + 420.0 + 1500.0 + 7200.0 + 900.0 + 45.0,
            [70.0, 420.0, 1500.0, 7200.0 + 900.0, 45.0, 0.0, 0.0],
        ),
    ];
    for (index, path, total, steps) in cases {
        let name = &model.strategies[index].name;
        let region = of(&recs, index, DisruptionKind::Region);
        assert!(region.len() > 3_000, "{name}: expected ~4k incidents, got {}", region.len());
        for r in region {
            let i = &r.incident;
            assert_eq!(i.path, path, "{name}: trial {}", r.trial);
            assert_eq!(i.downtime.secs(), total, "{name}: downtime is the sum of the steps (trial {})", r.trial);
            let got: Vec<f64> = i.steps.iter().map(|d| d.secs()).collect();
            assert_eq!(got, steps, "{name}: step times {:?}", Step::ALL);
            assert_eq!(i.elapsed().secs(), total, "{name}: steps add up to the downtime");
            assert_eq!(i.degraded.secs(), 0.0, "{name}: no degraded service");
        }
        println!("{name}: every region incident took exactly {total} s");
    }
}

// 4. invoke_after W with a fixed recovery D against an exponential outage.
//
// Detection and decision are 0, DR is invoked W = 1 h after the failure and
// serves D = promote 10 min + scale-up 15 min + switch 5 min = 30 min later.
// The primary's outage X ~ Exp(mean M = 2 h). Service returns at the earlier
// of the primary (X) and DR (W + D), so downtime = min(X, W + D):
//   P(downtime > x) = e^{−x/M} for x < W + D,  0 for x >= W + D,
// and P(downtime = W + D) = e^{−(W+D)/M}. Checked at x = 30 min, 1 h,
// 1 h 15 min, 1 h 29 min; the maximum must be W + D exactly.
// SE: each incident is an independent outage draw, so each empirical survival
// share has binomial SE sqrt(p(1 − p)/n) with p the closed form.
#[test]
fn invoke_after_caps_downtime_at_wait_plus_recovery() {
    const M_S: f64 = 7200.0;
    const CAP_S: f64 = 3600.0 + 1800.0;
    let model = ModelSpec::new()
        .failure(region_only_in(outage_failure("region", 5.0, &exponential("2h")), "p"))
        .strategy(
            pilot_light("pl")
                .set("invoke_after", s("1h"))
                .set("promote", fixed("10m"))
                .set("scale_up", fixed("15m"))
                .set("traffic_switch", fixed("5m")),
        )
        .build();
    let recs = incidents(&model, 10_000, 1.0, SEED);
    let down: Vec<f64> = of(&recs, 0, DisruptionKind::Region).iter().map(|r| r.incident.downtime.secs()).collect();
    let n = down.len() as u64;
    assert!(n > 40_000, "expected ~50k incidents, got {n}");
    let max = down.iter().copied().fold(0.0, f64::max);
    assert_eq!(max, CAP_S, "no downtime exceeds invoke_after + recovery, and the cap is reached");
    for x_min in [30.0, 60.0, 75.0, 89.0] {
        let x = x_min * 60.0;
        let p = (-x / M_S).exp();
        let got = down.iter().filter(|&&d| d > x).count() as f64 / n as f64;
        assert_within_se(&format!("P(downtime > {x_min} min)"), got, p, binomial_se(p, n));
    }
    let p = (-CAP_S / M_S).exp();
    let at_cap = down.iter().filter(|&&d| d == CAP_S).count() as f64 / n as f64;
    assert_within_se("P(downtime == W + D)", at_cap, p, binomial_se(p, n));
}

// 5. Active-active, two equal regions, ample headroom: a region loss costs
// its share (1/2) of the load until detection + traffic switch have removed
// it; the survivor carries everything (headroom 1.0), so nothing more:
//   downtime = 0.5 × (detection + switch).
// Fixed detection 30 s and switch 60 s: exactly 45 s (f64 equality: halves of
// whole seconds). With detection ~ U(20 s, 40 s) (mean 30 s, var 400/12 s²)
// and switch ~ PERT(30 s, 60 s, 120 s) (mean (30 + 4·60 + 120)/6 = 65 s,
// var (mean − min)(max − mean)/7 = 35·55/7 = 275 s²), outages of 6 h (never
// shorter than the removal): E[downtime] = 0.5 × (30 + 65) = 47.5 s.
// SE: incidents draw independently, so SE = sqrt(0.25 (400/12 + 275) / n).
#[test]
fn active_active_region_loss_costs_half_of_detection_plus_switch() {
    let model = ModelSpec::new()
        .regions(&[("a", 3), ("b", 3)])
        // Only region a fails, so b is always there to take its traffic.
        .failure(outage_failure("region", 1.0, &fixed("6h")).set("regions", "[\"a\"]"))
        .strategy(
            active_active("aa-fixed", &["a", "b"]).set("detection", fixed("30s")).set("traffic_switch", fixed("60s")),
        )
        .strategy(
            active_active("aa-dist", &["a", "b"])
                .set("detection", uniform("20s", "40s"))
                .set("traffic_switch", pert("30s", "60s", "2m")),
        )
        .build();
    let recs = incidents(&model, 20_000, 1.0, SEED);
    let fixed_incidents = of(&recs, 0, DisruptionKind::Region);
    assert!(fixed_incidents.len() > 15_000, "expected ~20k incidents, got {}", fixed_incidents.len());
    for r in &fixed_incidents {
        assert_eq!(r.incident.path, IncidentPath::FailedOver, "trial {}", r.trial);
        assert_eq!(r.incident.downtime.secs(), 45.0, "load-weighted downtime (trial {})", r.trial);
        assert_eq!(r.incident.degraded.secs(), 90.0, "the lost region's share is out for detection + switch");
    }
    println!("aa-fixed: every region incident cost exactly 45 s of load-weighted downtime");

    let dist: Vec<f64> = of(&recs, 1, DisruptionKind::Region).iter().map(|r| r.incident.downtime.secs()).collect();
    let n = dist.len() as f64;
    let mean = dist.iter().sum::<f64>() / n;
    let se = (0.25 * (400.0 / 12.0 + 35.0 * 55.0 / 7.0) / n).sqrt();
    assert_within_se("aa-dist mean load-weighted downtime [s]", mean, 0.5 * (30.0 + 65.0), se);
}

// 6. Warm standby ramp. After the switch the standby serves a share c of the
// load and ramps linearly to full over R; the unserved share (1 − c)(1 − t/R)
// integrates to (1 − c)·R/2. With fixed steps (detection 60 s, decision 5 min,
// promote 2 min, switch 1 min: 540 s) and a 1-day outage (longer than any
// recovery plus ramp):
//   downtime = 540 s + (1 − c)·R/2,  degraded = R.
// c = 0.25, R = 20 min: 540 + 0.75·600 = 990 s; c = 0.5, R = 40 min:
// 540 + 0.5·1200 = 1140 s. c and every product are exact binary fractions, so
// f64 equality. c = 1 (no ramp): 540 s and no degraded time.
#[test]
fn warm_standby_ramp_adds_unserved_share_times_half_the_ramp() {
    let ws = |name: &str, c: f64, ramp: &str| {
        warm_standby(name, c)
            .set("detection", fixed("60s"))
            .set("decision", fixed("5m"))
            .set("promote", fixed("2m"))
            .set("traffic_switch", fixed("1m"))
            .set("scale_up", fixed(ramp))
    };
    let model = ModelSpec::new()
        .failure(region_only_in(outage_failure("region", 1.0, &fixed("1d")), "p"))
        .strategy(ws("quarter", 0.25, "20m"))
        .strategy(ws("half", 0.5, "40m"))
        .strategy(ws("full", 1.0, "20m"))
        .build();
    let recs = incidents(&model, 4_000, 1.0, SEED);
    for (index, downtime, degraded) in [(0, 990.0, 1200.0), (1, 1140.0, 2400.0), (2, 540.0, 0.0)] {
        let name = &model.strategies[index].name;
        let region = of(&recs, index, DisruptionKind::Region);
        assert!(region.len() > 3_000, "{name}: expected ~4k incidents, got {}", region.len());
        for r in region {
            assert_eq!(r.incident.path, IncidentPath::FailedOver, "{name}: trial {}", r.trial);
            assert_eq!(r.incident.downtime.secs(), downtime, "{name}: downtime (trial {})", r.trial);
            assert_eq!(r.incident.degraded.secs(), degraded, "{name}: degraded time (trial {})", r.trial);
        }
        println!("{name}: every region incident: downtime {downtime} s, degraded {degraded} s");
    }
}

// 7. Reproducibility (DESIGN.md section 2): the world of trial i is keyed by
// (seed, i) and a strategy's response by (seed, i, hash of its name), and
// tallies are integers, so (a) the JSON report is byte-identical for 1 and 2
// threads, and (b) appending a strategy or reordering the strategies leaves
// every other strategy's summary and exact tally byte-identical. No
// statistics: equality of bytes.
fn securecart_text() -> String {
    std::fs::read_to_string("models/securecart-monolith.toml").expect("models/securecart-monolith.toml")
}

/// (text before the first strategy, each `[[strategy]]` block with its sub-tables).
fn split_strategies(text: &str) -> (String, Vec<String>) {
    let mut parts = text.split("\n[[strategy]]\n");
    let head = parts.next().unwrap_or_default().to_string();
    let blocks = parts
        .map(|b| {
            let mut block = format!("\n[[strategy]]\n{b}");
            if !block.ends_with('\n') {
                block.push('\n');
            }
            block
        })
        .collect();
    (head, blocks)
}

fn strategy_name(block: &str) -> String {
    let line = block.lines().find(|l| l.trim_start().starts_with("name")).expect("a name line");
    line.split('"').nth(1).expect("a quoted name").to_string()
}

/// Per strategy name: (summary JSON, exact tally JSON).
fn per_strategy_json(model: &Model, options: &RunOptions) -> HashMap<String, (String, String)> {
    let results = simulate(model, options).expect("runs");
    model
        .strategies
        .iter()
        .enumerate()
        .map(|(i, st)| {
            let summary = serde_json::to_string_pretty(&results.strategies[i]).expect("summary JSON");
            let tally = serde_json::to_string(&results.tally.strategies[i]).expect("tally JSON");
            (st.name.clone(), (summary, tally))
        })
        .collect()
}

#[test]
fn results_do_not_depend_on_threads_or_on_other_strategies() {
    let path = Path::new("models/securecart-monolith.toml");
    let text = securecart_text();
    let model = Model::from_str_at(&text, path).expect("securecart is valid");
    let options = |threads| RunOptions { trials: 20_000, years: 1.0, seed: SEED, threads };
    // The JSON records the threads (in `invocation`, how it was produced);
    // everything else must be the same bytes.
    let render = |threads: usize| {
        let mut results = simulate(&model, &options(Some(threads))).expect("runs");
        assert_eq!(results.provenance.invocation.threads, Some(threads as u64));
        results.provenance.invocation = Default::default();
        Json.render(&results).expect("renders")
    };
    let (one, two) = (render(1), render(2));
    assert!(one == two, "JSON differs between 1 and 2 threads");

    let base = per_strategy_json(&model, &options(None));
    let (head, blocks) = split_strategies(&text);
    assert_eq!(blocks.len(), model.strategies.len(), "one block per strategy");
    let copied = blocks
        .iter()
        .find(|b| strategy_name(b) == "pilot-light")
        .expect("a pilot-light strategy")
        .replace("name = \"pilot-light\"", "name = \"pilot-light-copy\"");
    let appended = format!("{head}{}{copied}", blocks.concat());
    let reversed = format!("{head}{}", blocks.iter().rev().cloned().collect::<String>());
    for (what, variant) in [("with a strategy appended", appended), ("with the strategies reversed", reversed)] {
        let variant_model = Model::from_str_at(&variant, path).expect("variant is valid");
        let got = per_strategy_json(&variant_model, &options(None));
        for (name, (summary, tally)) in &base {
            let (s2, t2) = got.get(name).unwrap_or_else(|| panic!("{name} missing {what}"));
            assert!(summary == s2, "{name}: summary JSON changed {what}");
            assert!(tally == t2, "{name}: exact tally changed {what}");
        }
        println!("{what}: all {} strategies byte-identical", base.len());
    }
}

// 8. The bundled model against the AWS DR whitepaper bands
// (docs/sources.md#dr-whitepaper: backup & restore RTO "hours", pilot light
// "10s of minutes", warm standby "minutes", active/active "potentially zero", i.e. about a minute at
// most for DNS-based removal). Judged on the median load-weighted downtime of
// region incidents that failed over (paths failed_over / restored), i.e. what
// the posture itself achieves, not the primary coming back first.
// Bounds and why: backup & restore >= 1 h ("hours"; its restore of 2 TB at
// 360-1080 GB/h alone is 1.9-5.6 h). Pilot light in [10, 60] min ("tens of
// minutes": its scale-up from zero alone is 5-20 min, and an hour is where
// "hours" begins). Warm standby in [1, 30] min ("minutes": detection plus
// DNS switch alone exceed a minute; 30 min is the model's RTO target, the
// bound a warm standby is bought to meet, and the midpoint of pilot light's
// band). Also pilot light's median must exceed warm standby's: the ordering
// is the whitepaper's point. Active-active <= 1.5 min (half of 20-30 s
// detection + 0.5-5 min DNS switch). Medians of ~12,000 incidents are tight
// (their order-statistic interval is far narrower than these bands), so no
// statistical tolerance is added.
#[test]
fn securecart_lands_in_the_whitepaper_bands() {
    let model = Model::from_str_at(&securecart_text(), Path::new("models/securecart-monolith.toml")).expect("valid");
    let recs = incidents(&model, 20_000, 1.0, SEED);
    let mut medians = HashMap::new();
    for (index, st) in model.strategies.iter().enumerate() {
        let down: Vec<f64> = of(&recs, index, DisruptionKind::Region)
            .iter()
            .filter(|r| matches!(r.incident.path, IncidentPath::FailedOver | IncidentPath::Restored))
            .map(|r| r.incident.downtime.minutes())
            .collect();
        assert!(down.len() > 1_000, "{}: only {} region failovers", st.name, down.len());
        let med = median(down.clone());
        println!(
            "{} ({}): median region failover downtime {med:.2} min over {} incidents",
            st.name,
            st.kind().name(),
            down.len()
        );
        medians.insert(st.kind(), (st.name.clone(), med));
    }
    let band = |kind: StrategyKind, lo: f64, hi: f64| {
        let (name, med) = medians.get(&kind).unwrap_or_else(|| panic!("securecart has no {}", kind.name()));
        assert!((lo..=hi).contains(med), "{name}: median {med:.2} min outside the whitepaper band [{lo}, {hi}] min");
        *med
    };
    band(StrategyKind::BackupRestore, 60.0, f64::INFINITY);
    let pilot = band(StrategyKind::PilotLight, 10.0, 60.0);
    let warm = band(StrategyKind::WarmStandby, 1.0, 30.0);
    band(StrategyKind::ActiveActive, 0.0, 1.5);
    assert!(warm < pilot, "warm standby ({warm:.2} min) should recover faster than pilot light ({pilot:.2} min)");
}

// 9. Logical damage against backups. Every logical incident is ransomware
// (share 1) that destroys every backup that is not immutable (probability 1);
// the damage is noticed after a fixed 2 h.
// - mutable backups (35 d retention): no clean backup is left: every incident
//   loses all data (path rebuilt);
// - immutable backups (35 d): never: the newest backup before the damage is
//   restored; its window is U(0, T) with T = 1 h (no copy delay for an
//   in-region restore): E = T/2, SE = T/sqrt(12 n) (as in test 2);
// - immutable backups kept 1 h (< the 2 h detection delay; every 30 min): by
//   the time of the restore every backup from before the damage has expired:
//   every incident loses all data.
#[test]
fn logical_damage_immutable_backups_survive_ransomware_and_short_retention_loses_all() {
    let model = ModelSpec::new()
        .failure(
            logical_failure(2.0, &fixed("2h"))
                .set("ransomware_share", "1.0")
                .set("ransomware_destroys_mutable_backups", "1.0"),
        )
        .strategy(backup_restore("mutable").backup("immutable", "false"))
        .strategy(backup_restore("immutable"))
        .strategy(backup_restore("short-retention").backup("interval", s("30m")).backup("retention", s("1h")))
        .build();
    let results = run(&model, 20_000, 1.0, SEED);
    let logical = |i: usize| &results.tally.strategies[i].kinds[DisruptionKind::Logical.index()];
    let n = logical(0).incidents;
    assert!(n > 30_000, "expected ~40k logical incidents, got {n}");

    let mutable = logical(0);
    assert_eq!(mutable.data_lost_entirely, n, "mutable backups: every ransomware incident loses all data");
    assert_eq!(mutable.paths[IncidentPath::Rebuilt.index()], n);

    let immutable = logical(1);
    assert_eq!(immutable.incidents, n, "same world for every strategy");
    assert_eq!(immutable.data_lost_entirely, 0, "immutable backups survive ransomware");
    assert_eq!(immutable.paths[IncidentPath::Restored.index()], n);
    let m = immutable.data_loss_s.moments();
    assert_within_se("immutable: mean data-loss window [s]", m.mean(), 1800.0, 3600.0 / (12.0 * n as f64).sqrt());

    let short = logical(2);
    assert_eq!(short.data_lost_entirely, n, "retention shorter than the detection delay loses everything");
    println!("logical: {n} incidents; mutable lost all {n}, immutable lost 0, 1 h retention lost all {n}");
}

// 10. Multi-AZ vs single-AZ. Three AZs in the primary, each failing at
// λ = 2/yr while up for a fixed D = 1 day; DR is never invoked
// (invoke_after 100 y). The Multi-AZ deployment answers a lone AZ loss with
// the database failover blip only: downtime = az_failover = 90 s exactly,
// path az_failover. It is down only while two AZs are down at once: an AZ
// failure that finds another AZ already down. By independence of the AZs and
// stationarity (the transient of the first day is ~D/H = 0.3% of the year), an
// AZ is down with q = λD/(1 + λD), so the share of AZ incidents that are
// two-AZ outages rather than blips is p = 1 − (1 − q)² = 1.087%.
// The single-AZ deployment (AZ 0) suffers every loss of its AZ as an outage:
// downtime = D = 86,400 s (to the f64 rounding of absolute times), ridden out; it sees one AZ in three, so its
// incident count is 1/3 of the Multi-AZ deployment's (each AZ loss is AZ 0's
// with probability 1/3 by symmetry, independently: Poisson splitting).
// SE: binomial, sqrt(p(1 − p)/n) for each share.
#[test]
fn multi_az_turns_an_az_loss_into_a_blip_single_az_into_an_outage() {
    const LAMBDA_PER_DAY: f64 = 2.0 / 365.0;
    const D_S: f64 = 86_400.0;
    // The engine keeps absolute times in f64 seconds: the outage ends at
    // fl(start + D) and lasts fl(end − start), within one ulp of the end time
    // of D (each of the two roundings is at most half an ulp): 2ε(start + D),
    // under 4e-9 s within a year. This is the representation's precision, not
    // a statistical tolerance.
    let ulp_bound = |start: f64| 2.0 * f64::EPSILON * (start + D_S);
    let model = ModelSpec::new()
        .response("az_failover", fixed("90s"))
        .failure(region_only_in(outage_failure("az", 2.0, &fixed("1d")), "p"))
        .strategy(backup_restore("multi").set("invoke_after", s("100y")))
        .strategy(backup_restore("single").set("deployment", s("single_az")).set("invoke_after", s("100y")))
        .build();
    let recs = incidents(&model, 5_000, 1.0, SEED);
    let multi = of(&recs, 0, DisruptionKind::Az);
    let single = of(&recs, 1, DisruptionKind::Az);
    let n = multi.len() as u64;
    assert!(n > 25_000, "expected ~30k AZ incidents, got {n}");

    let mut double = 0u64;
    for r in &multi {
        let i = &r.incident;
        if i.path == IncidentPath::AzFailover {
            assert_eq!(i.downtime.secs(), 90.0, "a lone AZ loss costs the blip only (trial {})", r.trial);
            assert_eq!(i.data_loss.secs(), 0.0);
        } else {
            double += 1;
            assert!(
                i.downtime.secs() <= D_S + ulp_bound(i.start.secs()),
                "a two-AZ outage lasts at most one AZ outage"
            );
        }
    }
    let q = LAMBDA_PER_DAY / (1.0 + LAMBDA_PER_DAY);
    let p = 1.0 - (1.0 - q) * (1.0 - q);
    assert_within_se(
        "multi-AZ: share of AZ incidents that are two-AZ outages",
        double as f64 / n as f64,
        p,
        binomial_se(p, n),
    );

    for r in &single {
        let i = &r.incident;
        assert_eq!(i.path, IncidentPath::RodeOut, "trial {}", r.trial);
        let error = (i.downtime.secs() - D_S).abs();
        assert!(
            error <= ulp_bound(i.start.secs()),
            "single-AZ: the AZ outage is the outage: downtime {} s (trial {})",
            i.downtime.secs(),
            r.trial
        );
    }
    // Outages of AZ 0 are a third of all AZ outages; the Multi-AZ incidents
    // count every AZ outage once (three AZs down at once, ~q², is negligible).
    let share = single.len() as f64 / n as f64;
    assert_within_se("single-AZ incidents / all AZ incidents", share, 1.0 / 3.0, binomial_se(1.0 / 3.0, n));
}

// 11. Active-active when every region is down. DESIGN.md section 4: the
// surviving regions absorb a lost region's load. When no region survives
// (both regions of a two-region active-active down at once), nobody is
// served, so the load-weighted downtime of a trial is at least the time both
// regions are down together. Checked pointwise, trial by trial, against the
// trial's world (re-sampled from the same keyed stream): no tolerance.
// Closed form, for scale: each region is an independent two-state Markov
// chain starting up (λ = 10/yr, outages Exp(mean 10 d), μ = 36.5/yr), so with
// a = λ/(λ+μ), s = λ+μ: E[both down in [0, H]] = ∫ a²(1 − e^{−st})² dt
// = a² (H − 2(1 − e^{−sH})/s + (1 − e^{−2sH})/(2s)); the mean of the
// per-trial overlaps is compared with it within 4 SE (sample SE over trials).
#[test]

fn active_active_is_down_while_every_region_is_down() {
    let model = ModelSpec::new()
        .regions(&[("a", 3), ("b", 3)])
        .failure(outage_failure("region", 10.0, &exponential("10d")))
        .strategy(active_active("aa", &["a", "b"]).set("detection", fixed("30s")).set("traffic_switch", fixed("60s")))
        .build();
    let trials = 2_000;
    let horizon = Duration::YEAR;
    let recs = incidents(&model, trials, 1.0, SEED);
    let mut engine_down = vec![0.0f64; trials as usize];
    for r in recs.iter().filter(|r| r.strategy == 0) {
        let i = &r.incident;
        let room = horizon.secs() - (i.start + i.detection_delay).secs();
        engine_down[r.trial as usize] += (i.downtime + i.failback_downtime).secs().min(room.max(0.0));
    }

    let mut world = World::new(&model);
    let mut overlaps = Vec::with_capacity(trials as usize);
    for trial in 0..trials {
        world.sample(&model, horizon, &mut world_rng(SEED, trial));
        let spans = |region: u16| -> Vec<(f64, f64)> {
            world
                .outages
                .iter()
                .filter(|o| o.kind == DisruptionKind::Region && o.region == region)
                .map(|o| (o.start.secs(), o.end.secs().min(horizon.secs())))
                .collect()
        };
        let (a, b) = (spans(0), spans(1));
        let both: f64 =
            a.iter().flat_map(|&(s1, e1)| b.iter().map(move |&(s2, e2)| (e1.min(e2) - s1.max(s2)).max(0.0))).sum();
        overlaps.push(both);
    }
    let n = trials as f64;
    let mean = overlaps.iter().sum::<f64>() / n;
    let var = overlaps.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let (lambda, mu, h) = (10.0 / YEAR_S, 1.0 / (10.0 * 86_400.0), YEAR_S);
    let (a, s_rate) = (lambda / (lambda + mu), lambda + mu);
    let expected =
        a * a * (h - 2.0 * (1.0 - (-s_rate * h).exp()) / s_rate + (1.0 - (-2.0 * s_rate * h).exp()) / (2.0 * s_rate));
    assert_within_se("mean time both regions are down per trial [s]", mean, expected, (var / n).sqrt());

    let short: Vec<(usize, f64, f64)> = engine_down
        .iter()
        .zip(&overlaps)
        .enumerate()
        .filter(|(_, (d, o))| **d + 1e-6 < **o)
        .map(|(t, (d, o))| (t, *d, *o))
        .collect();
    println!(
        "active-active: mean load-weighted downtime {:.0} s per trial; both regions down {:.0} s per trial",
        engine_down.iter().sum::<f64>() / n,
        mean
    );
    assert!(
        short.is_empty(),
        "{} of {trials} trials report less downtime than the time both regions were down, e.g. (trial, downtime s, both-down s) {:?}",
        short.len(),
        &short[..short.len().min(3)]
    );
}
