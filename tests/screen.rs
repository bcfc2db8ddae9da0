//! What users of platform models see: no "1000000y" target, what it would
//! take when services go down together, and the cost-risk chart's labels of
//! coincident plans.

mod common;

use std::path::Path;

use common::*;
use drsim::platform::optimize::optimize;
use drsim::platform::{Platform, from_str_at};
use drsim::report::charts::cost_risk::{CostRiskChart, Point, join_runs};
use drsim::report::platform_takes::faster_recovery;
use drsim::report::platform_view::PlatformView;
use drsim::simulation::RunOptions;

const SEED: u64 = 20_260_101;

/// The `[[strategy]]` tables of `strategies` as one service's candidates.
fn service(name: &str, extra: &str, strategies: Vec<StrategySpec>) -> String {
    let mut spec = ModelSpec::new();
    for st in strategies {
        spec = spec.strategy(st);
    }
    let text = spec.text();
    let at = text.find("\n[[strategy]]").expect("a strategy was written");
    let cands =
        text[at..].replace("[[strategy]]", "[[service.strategy]]").replace("\n[strategy.", "\n[service.strategy.");
    format!("\n[[service]]\nname = \"{name}\"\n{extra}\n{cands}")
}

fn load(text: &str) -> Platform {
    from_str_at(text, Path::new("test.toml")).unwrap_or_else(|e| panic!("invalid platform: {e}\n---\n{text}"))
}

fn options(trials: u64) -> RunOptions {
    RunOptions { trials, years: 1.0, seed: SEED, threads: None }
}

/// Rides every outage out: down exactly while its site is down.
fn ride(name: &str, cost: f64) -> StrategySpec {
    backup_restore(name)
        .set("deployment", s("single_az"))
        .set("invoke_after", s("100y"))
        .set("cost", format!("{{ total_usd = {cost:?} }}"))
}

// A service declaring only `rpo` has no RTO target. With 2 region outages a
// year over 50 trials (about 100 incidents, all within any target), a share
// of 100% has a 95% Wilson lower bound n/(n + 1.96²) < 99% for n < 380: the
// declared RPO is (rightly) not shown to be met with 99% confidence, but the
// RTO it does not have must not be missed as a "1000000y" target.
#[test]
fn a_service_without_an_rto_target_never_misses_one() {
    let base = ModelSpec::new()
        .regions(&[("p", 2), ("dr", 2)])
        .rto("30d")
        .rpo("30d")
        .failure(outage_failure("region", 2.0, &fixed("2h")).set("regions", "[\"p\"]"))
        .text();
    let text = format!(
        "{base}{}\n[[function]]\nname = \"checkout\"\nservices = [\"orders\"]\nrevenue_share = 1.0\n",
        service("orders", "rpo = \"1h\"", vec![ride("wait", 1000.0), ride("wait-more", 2000.0)]),
    );
    let platform = load(&text);
    let results = optimize(&platform, &options(50)).expect("runs");
    let view = PlatformView::new(&platform, &results);
    let orders = &view.ranked[0].plan.services[0];
    let incidents: u64 = orders.summary.kinds.iter().map(|k| k.incidents).sum();
    assert!((20..380).contains(&incidents), "{incidents} incidents");
    for p in &view.ranked {
        for m in &p.misses {
            assert!(!m.target.contains("1000000y"), "{}: {}", p.label, m.target);
            assert!(!(m.owner == "orders" && m.measure == "RTO"), "{}: {}", p.label, m.target);
        }
        assert!(
            p.plan.misses.iter().all(|m| !(m.starts_with("orders ") && m.contains(" RTO "))),
            "{:?}",
            p.plan.misses
        );
        // The RPO it declares is still judged.
        assert!(p.misses.iter().any(|m| m.owner == "orders" && m.measure == "RPO"), "{:?}", p.misses);
    }
    let answer = view.answer();
    assert!(!answer.contains("1000000y"), "{answer}");
    let margin = orders.margin.expect("incidents");
    let rpo_low = orders.summary.kinds.iter().filter(|k| k.incidents > 0).map(|k| k.rpo_met.low).fold(1.0, f64::min);
    assert_eq!(margin, rpo_low - 0.99, "the margin is the RPO's alone");
}

// Two services a and b both in region p; a function needs both. A region
// outage lasts D ~ Exp(mean 1 h) and takes both down at the same instant.
// Candidates: `wait` (rides it out: down exactly D, $10k) and `fast` (also
// rides it out, $20k): every plan's function is down exactly D per outage,
// so each service is down during 100% of the function's downtime (both
// above the 50% of DOWN_TOGETHER: the answer names both, together), and
// the RTO target of 20 m is met in P(D <= 20 m) = 1 - e^(-1/3) = 28.35% of
// outages under every plan (tolerance: 4 standard errors of a share over
// the outages). No single-service change of the closest (cheapest) plan
// raises it: the changed plans are down over the same intervals.
#[test]
fn services_down_together_are_named_together_and_no_single_change_helps() {
    let base = ModelSpec::new()
        .regions(&[("p", 2), ("dr", 2)])
        .rto("20m")
        .rpo("30d")
        .failure(outage_failure("region", 4.0, &exponential("1h")).set("regions", "[\"p\"]"))
        .text();
    let text = format!(
        "{base}{}{}\n[[function]]\nname = \"checkout\"\nservices = [\"a\", \"b\"]\nrevenue_share = 1.0\n",
        service("a", "", vec![ride("wait", 10_000.0), ride("fast", 20_000.0)]),
        service("b", "", vec![ride("wait", 10_000.0), ride("fast", 20_000.0)]),
    );
    let platform = load(&text);
    let results = optimize(&platform, &options(2_000)).expect("runs");
    assert!(results.best.is_none(), "no plan meets the 20m RTO");
    assert_eq!(results.one_changes.len(), 2, "one other candidate for each of two services");
    let closest = results.closest.as_ref().expect("closest");
    let f = &closest.functions[0];
    let want = 1.0 - (-1.0f64 / 3.0).exp();
    let n = f.rto_met.trials as f64;
    let se = (want * (1.0 - want) / n).sqrt();
    assert!((f.rto_met.estimate - want).abs() < 4.0 * se, "RTO met {} vs {want} (se {se})", f.rto_met.estimate);
    for c in &results.one_changes {
        assert_eq!(c.plan.functions[0].rto_met.estimate, f.rto_met.estimate, "{}", c.plan.name);
    }
    let view = PlatformView::new(&platform, &results);
    let answer = view.answer();
    assert!(
        answer.contains("faster recovery of a and b together (each down in 100.0% of checkout's downtime)"),
        "{answer}"
    );
    assert!(
        answer.contains(&format!(
            "No one-service change to the closest plan raises RTO met above its {}.",
            drsim::format::fmt_percent(f.rto_met.estimate)
        )),
        "{answer}"
    );
}

#[test]
fn one_service_above_half_is_the_weakest_link_and_several_are_named_together() {
    let one = faster_recovery("checkout", &[("orders".into(), 0.995), ("web".into(), 0.5)]).unwrap();
    assert_eq!(one, "faster recovery of orders, checkout's weakest link (down in 99.50% of its downtime)");
    let three = faster_recovery(
        "checkout",
        &[("orders".into(), 0.995), ("web".into(), 0.9), ("payments".into(), 0.85), ("images".into(), 0.2)],
    )
    .unwrap();
    assert!(
        three.starts_with(
            "faster recovery of orders, web and payments together (each down in 85.0% to 99.50% of checkout's \
             downtime)"
        ),
        "{three}"
    );
    assert_eq!(faster_recovery("checkout", &[]), None);
}

#[test]
fn runs_of_numbered_names_are_shortened() {
    assert_eq!(join_runs(&["found-1", "found-2", "found-3", "all-pilot-light"]), "found-1..3, all-pilot-light");
    assert_eq!(join_runs(&["a", "found-2", "found-4", "found-5"]), "a, found-2, found-4..5");
    assert_eq!(join_runs(&["x-1"]), "x-1");
}

fn point(name: &str, cost: f64, share: f64, closest: bool) -> Point {
    Point {
        strategy: name.into(),
        cost_usd: cost,
        both_met: share,
        low: share - 0.01,
        high: share + 0.01,
        recommended: false,
        closest,
        slot: 0,
    }
}

// Six plans at (nearly) one spot, as `drsim run models/securecart.toml
// --trials 1000` draws found-1..5 and all-pilot-light: one label names them
// all, clear of every point and of the other labels; the closest plan keeps
// its own even when it sits among them.
#[test]
fn coincident_points_share_one_label_clear_of_every_point() {
    let mut points = vec![point("closest", 1.27e6, 0.34, true)];
    for i in 1..=5 {
        points.push(point(
            &format!("found-{i}"),
            1.268e6 + 1000.0 * f64::from(i),
            0.339 + 0.0005 * f64::from(i),
            false,
        ));
    }
    points.push(point("all-pilot-light", 1.278e6, 0.339, false));
    points.push(point("all-active-active", 2.4e6, 0.73, false));
    let chart = CostRiskChart { points, confidence: 0.99 };
    let layout = chart.layout().expect("lays out");
    assert_eq!(layout.groups, vec![vec![0], vec![1, 2, 3, 4, 5, 6], vec![7]]);
    assert_eq!(chart.group_label(&layout.groups[1]), "found-1..5, all-pilot-light");
    assert_eq!(layout.labels.len(), 3);
    for (i, label) in layout.labels.iter().enumerate() {
        assert!(layout.plot.contains(label), "label {i} {label:?} leaves the plot");
        for other in layout.labels.iter().skip(i + 1) {
            assert!(!label.overlaps(other), "labels overlap: {label:?} {other:?}");
        }
        for (j, marker) in layout.markers.iter().enumerate() {
            assert!(!label.overlaps(marker), "label {i} covers point {j}");
        }
    }
}

/// `drsim optimize` and `drsim plans` say which targets the closest plan
/// misses as misses (not as "what it would take"), then give the answer
/// `drsim run` gives: the target every plan misses and what it would take;
/// every line fits in 100 columns.
#[test]
fn optimize_and_plans_name_the_misses_and_what_it_would_take() {
    let model = concat!(env!("CARGO_MANIFEST_DIR"), "/models/securecart.toml");
    for (command, answer) in
        [("optimize", "No plan meets checkout RTO 30m"), ("plans", "No listed plan meets checkout RTO 30m")]
    {
        let done = std::process::Command::new(env!("CARGO_BIN_EXE_drsim"))
            .args([command, model, "--trials", "2000", "--threads", "2"])
            .output()
            .expect("drsim runs");
        let text = String::from_utf8_lossy(&done.stdout);
        assert_eq!(done.status.code(), Some(0), "{command}: {}", String::from_utf8_lossy(&done.stderr));
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[1].starts_with("NO PLAN MEETS EVERY TARGET; closest: "), "{command}:\n{text}");
        // The first paragraph, its lines joined: the misses, then the answer.
        let words = lines[1..].iter().take_while(|l| !l.is_empty()).map(|l| l.trim()).collect::<Vec<_>>().join(" ");
        let misses = words.find(", which misses: checkout RTO 30m met in ").expect("the misses are named");
        let opens = words.find(answer).expect("the answer follows");
        assert!(misses < opens, "{command}:\n{text}");
        assert!(words[opens..].contains("It would take an RTO target of"), "{command}:\n{text}");
        for line in &lines {
            assert!(line.chars().count() <= 100, "{command}: {} columns:\n{line}", line.chars().count());
        }
    }
}
