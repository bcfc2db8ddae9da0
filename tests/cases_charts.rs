//! Charts for slides: on every bundled model the cost-against-risk labels
//! stay inside the plot and clear of each other and of every point, and a
//! strategy keeps its colour whatever else the model holds.

mod common;

use common::cli::temp_path;
use common::{ModelSpec, backup_restore, bundled_results, fixed, outage_failure, s};
use drsim::model::Model;
use drsim::report::charts::cost_risk::{CostRiskChart, PixelBox, place_labels};
use drsim::report::charts::strategy_slots;

#[test]
fn cost_risk_labels_never_collide_nor_leave_the_plot_on_any_bundled_model() {
    for (name, results) in bundled_results() {
        let layout = CostRiskChart::new(&results).layout().unwrap();
        // A label per group of touching points, every strategy in exactly one.
        let mut named: Vec<usize> = layout.groups.concat();
        named.sort_unstable();
        assert_eq!(named, (0..results.strategies.len()).collect::<Vec<_>>(), "{name}: every strategy named once");
        assert_eq!(layout.labels.len(), layout.groups.len(), "{name}");
        for (i, label) in layout.labels.iter().enumerate() {
            assert!(layout.plot.contains(label), "{name}: label {i} {label:?} leaves the plot {:?}", layout.plot);
            for (j, other) in layout.labels.iter().enumerate().skip(i + 1) {
                assert!(!label.overlaps(other), "{name}: labels {i} and {j} overlap: {label:?} {other:?}");
            }
            assert!(!label.overlaps(&layout.required_line), "{name}: label {i} sits on the required line");
            for (j, marker) in layout.markers.iter().enumerate() {
                assert!(!label.overlaps(marker), "{name}: label {i} covers point {j}");
            }
        }
    }
}

#[test]
fn crowded_points_get_labels_on_free_sides() {
    // Two points 10 px apart in the plot's top-right corner, a third far away:
    // the right side is outside, so the labels go left, one above the other.
    let plot = PixelBox { left: 0, top: 0, right: 1000, bottom: 600 };
    let anchors = [(980, 30), (975, 40), (100, 300)];
    let sizes = [(300, 30), (300, 30), (120, 30)];
    let boxes = place_labels(plot, &anchors, &sizes, 16, &[0, 1, 2], &[]);
    for (i, b) in boxes.iter().enumerate() {
        assert!(plot.contains(b), "{i}: {b:?}");
        for (j, o) in boxes.iter().enumerate().skip(i + 1) {
            assert!(!b.overlaps(o), "{i} and {j}");
        }
    }
    assert_eq!(boxes[2].left, 100 + 16 + 8, "a lone point's label sits right of it");
}

#[test]
fn a_strategy_has_one_colour_in_every_bundled_model() {
    let mut seen: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for (name, results) in bundled_results() {
        for (s, slot) in results.strategies.iter().zip(strategy_slots(&results)) {
            let before = *seen.entry(s.name.clone()).or_insert(slot);
            assert_eq!(before, slot, "{name}: {} changed colour", s.name);
        }
    }
}

use drsim::model::ModelError;
use drsim::report::charts::loss_exceedance::LossExceedanceChart;

/// A model whose every incident costs about the same: a 2 h region outage
/// ridden out (DR invoked only after 10 h) and a $1M response cost, so a
/// year's loss is `c N` with `N` Poisson(0.5). (An outage in the last 2 h of
/// the trial loses less revenue, as revenue is lost only inside the trial:
/// at most $2,000 of $1M, in about 1 incident in 4,000.)
fn poisson_losses() -> ModelSpec {
    ModelSpec::new()
        .failure(outage_failure("region", 0.5, &fixed("2h")))
        .strategy(backup_restore("rides-out").set("invoke_after", s("10h")))
        .raw("[costs]\nprimary_compute_usd_per_month = 1000.0\nprimary_database_usd_per_month = 500.0\nincident_fixed_usd = 1000000.0\n")
}

#[test]
fn loss_exceedance_follows_the_poisson_count_of_equal_incidents() {
    let model = poisson_losses().build();
    let results = common::run(&model, 20_000, 1.0, 7);
    let per_incident = results.tally.strategies[0].kinds[1].cost_usd.mean();
    assert!(
        per_incident > 0.0 && results.tally.strategies[0].kinds[1].cost_usd.variance().sqrt() < 1e-4 * per_incident
    );
    let chart = LossExceedanceChart::new(&results, &[]);
    let curve = &chart.curves[0].points;
    let at = |x: f64| curve.iter().rev().find(|p| p.0 <= x).map_or(1.0, |p| p.1);
    let r: f64 = 0.5;
    // P(N >= 1) = 1 - e^-r between 0 and c; P(N >= 2) = 1 - e^-r (1 + r) between c and 2c.
    for (x, expected) in [(0.5, 1.0 - (-r).exp()), (1.5, 1.0 - (-r).exp() * (1.0 + r))] {
        let got = at(x * per_incident);
        let se = (expected * (1.0 - expected) / 20_000.0).sqrt();
        assert!((got - expected).abs() < common::Z * se, "P(loss > {x} c) = {got}, expected {expected} (se {se})");
    }
    let csv = chart.csv(&drsim::report::csv::RunColumns::of(&results.provenance)).unwrap();
    assert!(
        csv.starts_with(
            "strategy,loss_usd,probability_exceeded,years_per_loss,drsim_version,seed,trials,years_per_trial,\
             variance_reduction,region_replays\n"
        ),
        "{csv:.120}"
    );
    assert!(csv.lines().skip(1).all(|l| l.starts_with("rides-out,") && l.split(',').nth(3) == Some("1")));
}

/// The model text with `line` added to `[targets]`.
fn with_targets(line: &str) -> String {
    let text = poisson_losses().text();
    assert!(text.contains("confidence = 0.99\n"));
    text.replacen("confidence = 0.99\n", &format!("confidence = 0.99\n{line}\n"), 1)
}

#[test]
fn loss_tolerance_is_read_and_bad_points_are_named() {
    let good = with_targets("loss_tolerance = [{ usd = 1000, probability = 0.5 }, { usd = 1e6, probability = 0.01 }]");
    let model = Model::from_str_at(&good, std::path::Path::new("t.toml")).unwrap();
    assert_eq!(model.loss_tolerance.len(), 2);
    assert_eq!(model.loss_tolerance[1].usd, 1e6);
    for (points, key, words) in [
        ("[{ usd = 1000, probability = 1.5 }]", "targets.loss_tolerance[0].probability", "strictly between 0 and 1"),
        ("[{ usd = -5, probability = 0.5 }]", "targets.loss_tolerance[0].usd", "positive number of USD"),
        (
            "[{ usd = 1000, probability = 0.1 }, { usd = 500, probability = 0.01 }]",
            "targets.loss_tolerance[1].usd",
            "increasing order",
        ),
        (
            "[{ usd = 1000, probability = 0.1 }, { usd = 5000, probability = 0.2 }]",
            "targets.loss_tolerance[1].probability",
            "do not increase",
        ),
        ("[{ usd = 1000, chance = 0.1 }]", "loss_tolerance", "chance"),
    ] {
        let text = with_targets(&format!("loss_tolerance = {points}"));
        let err: ModelError = Model::from_str_at(&text, std::path::Path::new("t.toml")).unwrap_err();
        let shown = format!("{err}");
        assert!(shown.contains(key) && shown.contains(words), "{points}: {shown}");
    }
}

fn drsim(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_drsim")).args(args).output().unwrap()
}

#[test]
fn run_out_writes_the_loss_exceedance_chart_and_csv() {
    let out = temp_path("run");
    let o = drsim(&[
        "run",
        "models/securecart-monolith.toml",
        "--trials",
        "2000",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = std::fs::read_to_string(out.join("loss_exceedance.csv")).unwrap();
    assert!(csv.starts_with("strategy,loss_usd,probability_exceeded,years_per_loss,drsim_version,"));
    let svg = std::fs::read_to_string(out.join("loss_exceedance.svg")).unwrap();
    for text in ["Loss exceedance", "warm-standby", "fixed DR cost not included", "1 in 100"] {
        assert!(svg.contains(text), "loss_exceedance.svg shows {text:?}");
    }
    assert!(!svg.contains("risk tolerance"), "no tolerance in the model, none drawn");
    let tail = std::fs::read_to_string(out.join("downtime_cdf.svg")).unwrap();
    assert!(tail.contains("tail: at most 1% above the RTO"), "the tail view with the 99% decision");
    let data_loss = std::fs::read_to_string(out.join("data_loss_cdf.svg")).unwrap();
    assert!(data_loss.contains("no data lost in"), "the near-empty az panel says why");
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn the_gantt_shows_a_failed_failover_and_counts_a_logical_incident_from_discovery() {
    // Seed 4: pilot light's first region incident is a failover that failed.
    let out = temp_path("failed");
    let o = drsim(&[
        "timeline",
        "models/securecart-monolith.toml",
        "--strategy",
        "pilot-light",
        "--kind",
        "region",
        "--seed",
        "4",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("failover_failed"), "{stdout}");
    let svg = std::fs::read_to_string(out.join("timeline.svg")).unwrap();
    assert!(svg.contains("FAILED FAILOVER") && svg.contains("(incl. failed)"), "failed attempt marked");
    let _ = std::fs::remove_dir_all(&out);

    let out = temp_path("logical");
    let args =
        ["timeline", "models/securecart-monolith.toml", "--strategy", "backup-restore", "--kind", "logical", "--out"];
    let o = drsim(&[&args[..], &[out.to_str().unwrap()]].concat());
    assert!(o.status.success());
    let svg = std::fs::read_to_string(out.join("timeline.svg")).unwrap();
    assert!(svg.contains("time since the damage was discovered"), "logical axis");
    assert!(svg.contains("earlier, unnoticed"));
    let _ = std::fs::remove_dir_all(&out);

    let out = temp_path("aa");
    let args =
        ["timeline", "models/securecart-monolith.toml", "--strategy", "active-active", "--kind", "region", "--out"];
    let o = drsim(&[&args[..], &[out.to_str().unwrap()]].concat());
    assert!(o.status.success());
    let svg = std::fs::read_to_string(out.join("timeline.svg")).unwrap();
    assert!(svg.contains("partial service (other regions)"));
    let _ = std::fs::remove_dir_all(&out);
}
