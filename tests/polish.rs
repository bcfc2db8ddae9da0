//! The leftovers of the "answer first" work: `drsim check --format json`
//! carries what the text `check` says of each strategy, report.md and
//! report.html link the loss exceedance chart, the tornado's columns follow
//! `--metric`, the HTML cost-vs-risk labels are placed without collisions,
//! and `[uncertain]` entries are checked against the model by `check` and
//! `run`.

mod common;

use common::bundled_results;
use common::cli::{run_drsim, stdout_of};

/// The effective failover failure probability and the fastest recovery per
/// kind, as `drsim check` prints them, are in its JSON too; the probability
/// is the closed form `1 - (1 - p0) (D / I) (1 - exp(-I / D))`.
#[test]
fn check_json_has_failover_failure_and_fastest_recovery_per_strategy() {
    let json: serde_json::Value =
        serde_json::from_str(&stdout_of(&["check", "models/securecart-monolith.toml", "--format", "json"])).unwrap();
    let strategies = json["strategies"].as_array().unwrap();
    let names: Vec<&str> = strategies.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["backup-restore", "pilot-light", "warm-standby", "active-active"]);
    let text = stdout_of(&["check", "models/securecart-monolith.toml"]);
    for s in strategies {
        let p0 = s["failover_failure_probability_after_drill"].as_f64().unwrap();
        let d = s["drift_s"].as_f64().unwrap();
        let i = s["drill_interval_s"].as_f64().unwrap();
        let expected = 1.0 - (1.0 - p0) * (d / i) * (1.0 - (-i / d).exp());
        let p = s["failover_failure_probability"].as_f64().unwrap();
        assert!((p - expected).abs() < 1e-12, "{}: {p} against {expected}", s["name"]);
        // The text says the same, to one decimal of a percent.
        let shown = format!("failover fails {:.1}% of the time", p * 100.0);
        assert!(text.contains(&shown), "{shown} in\n{text}");
        let kinds: Vec<&str> =
            s["fastest_recovery"].as_array().unwrap().iter().map(|f| f["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["az", "region", "logical"]);
    }
    let ws = &strategies[2];
    assert!((ws["failover_failure_probability"].as_f64().unwrap() - 0.229).abs() < 5e-4);
    // Warm standby's region recovery: the lower ends of detection, decision,
    // promotion and the traffic switch add to 4 minutes (the text's "region 4m").
    let region = &ws["fastest_recovery"][1];
    assert_eq!(region["seconds"].as_f64().unwrap(), 240.0);
    assert_eq!(region["restores_from_backup"], false);
    assert!(text.contains("az 1m, region 4m, logical 2h 3m"), "{text}");
    // Logical damage is restored from backup: 2,000 GB at the highest throughput.
    let logical = &ws["fastest_recovery"][2];
    assert_eq!(logical["restores_from_backup"], true);
    assert_eq!(logical["max_restore_throughput_gb_per_hour"].as_f64().unwrap(), 1080.0);
    assert!(logical["seconds"].as_f64().unwrap() >= 2000.0 / 1080.0 * 3600.0);
}

/// An invalid model has no strategies to describe: the key is there, empty.
#[test]
fn check_json_of_an_invalid_model_has_no_strategies() {
    let model = "[workload]\nname = \"x\"\n";
    let out = run_drsim(&["check", "-", "--format", "json"], Some(model.as_bytes().to_vec()));
    assert_eq!(out.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["valid"], false);
    assert_eq!(json["strategies"], serde_json::json!([]));
}

/// report.md shows and links the loss exceedance chart beside the others,
/// and report.html lists its files.
#[test]
fn reports_link_the_loss_exceedance_chart() {
    let out = std::env::temp_dir().join(format!("drsim-polish-charts-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    stdout_of(&[
        "run",
        "models/small-shop-single-region.toml",
        "--trials",
        "500",
        "-q",
        "--out",
        out.to_str().unwrap(),
    ]);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    for (name, caption) in drsim::report::exports::CHARTS {
        assert!(md.contains(&format!("![{caption}]({name}.png)")), "report.md shows {name}");
        assert!(html.contains(&format!("href=\"{name}.png\"")), "report.html links {name}");
        assert!(out.join(format!("{name}.png")).is_file() && out.join(format!("{name}.svg")).is_file(), "{name}");
    }
    assert!(drsim::report::exports::CHARTS.iter().any(|(n, _)| *n == "loss_exceedance"));
    std::fs::remove_dir_all(&out).unwrap();
}

fn sensitivity(metric: &str) -> String {
    stdout_of(&[
        "sensitivity",
        "models/small-shop-single-region.toml",
        "--strategy",
        "local-backups",
        "--trials",
        "200",
        "--seed",
        "7",
        "--metric",
        metric,
    ])
}

/// Every column of the tornado names the figure it holds: the ranking
/// metric's at low, at high and its swing come first, then one figure for
/// context; the ranks follow the metric's swing.
#[test]
fn tornado_columns_follow_the_metric() {
    let region = sensitivity("target-met:region");
    insta::assert_snapshot!("sensitivity_text_small_shop_target_met_region", region);
    assert!(region.contains("P region met at low") && region.contains("P region met swing"), "{region}");
    assert!(region.contains("cost at low"), "{region}");
    assert!(!region.contains("P met low"), "no column of another metric unnamed: {region}");
    let cost = sensitivity("cost");
    insta::assert_snapshot!("sensitivity_text_small_shop_cost", cost);
    assert!(cost.contains("cost at low") && cost.contains("cost swing") && cost.contains("P met at low"), "{cost}");
    assert!(cost.contains("columns: cost = expected annual cost; P met = P(targets met), worst kind"), "{cost}");
}

/// `sensitivity.csv` ends each row with the metric it is ranked by, and
/// `sensitivity.md` has the same columns as the printed table.
#[test]
fn tornado_csv_and_markdown_carry_the_metric() {
    let out = std::env::temp_dir().join(format!("drsim-polish-sens-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let args = [
        "sensitivity",
        "models/small-shop-single-region.toml",
        "--strategy",
        "local-backups",
        "--trials",
        "200",
        "--seed",
        "7",
        "--metric",
        "total-loss",
        "--out",
        out.to_str().unwrap(),
    ];
    let text = stdout_of(&args);
    let csv = std::fs::read_to_string(out.join("sensitivity.csv")).unwrap();
    let mut rows = csv.lines();
    let header: Vec<&str> = rows.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap_or_else(|| panic!("{name} in {header:?}"));
    let (metric, low, high, swing) = (col("metric"), col("metric_at_low"), col("metric_at_high"), col("metric_swing"));
    let mut last = f64::INFINITY;
    for row in rows {
        let cells: Vec<&str> = row.split(',').collect();
        assert_eq!(cells[metric], "total-loss");
        let (l, h, s): (f64, f64, f64) =
            (cells[low].parse().unwrap(), cells[high].parse().unwrap(), cells[swing].parse().unwrap());
        assert!((s - (h - l).abs()).abs() < 1e-6, "{row}");
        assert!(s <= last + 1e-9, "rows ranked by the metric's swing: {row}");
        last = s;
    }
    let md = std::fs::read_to_string(out.join("sensitivity.md")).unwrap();
    assert!(md.contains("| # | input | low | high | P loss yr at low | P loss yr at high | P loss yr swing | cost at low | cost at high |"), "{md}");
    assert!(text.contains("P loss yr at low"), "{text}");
    std::fs::remove_dir_all(&out).unwrap();
}

/// report.html's cost-against-risk labels: inside the plot, clear of each
/// other, of every point and of the required line, on every bundled model
/// (the PNG's are checked in tests/cases_charts.rs, by the same placement).
#[test]
fn html_cost_risk_labels_never_collide_nor_leave_the_plot() {
    for (name, results) in bundled_results() {
        let layout = drsim::report::html::svg::cost_risk_layout(&results);
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
        // The page draws each label where the layout put it.
        let html = drsim::report::html::svg::cost_risk(&results).into_string();
        for label in &layout.labels {
            assert!(html.contains(&format!("x=\"{}\" y=\"{}\"", label.left + 2, label.top + 2)), "{name}: {label:?}");
        }
    }
}

/// A model with `[uncertain]` entries appended, checked with `drsim check`
/// and `drsim run`: both exit 2 and say what `check` says.
fn refused(entries: &str) -> String {
    let base = std::fs::read_to_string("models/securecart-monolith.toml").unwrap();
    let kept = &base[..base.find("[uncertain]").unwrap()];
    let text = format!("{kept}[uncertain]\n{entries}");
    // One directory per call: tests run in parallel within one process.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("drsim-polish-uncertain-{}-{call}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("model.toml");
    std::fs::write(&path, &text).unwrap();
    let p = path.to_str().unwrap();
    let check = run_drsim(&["check", p], None);
    assert_eq!(check.status.code(), Some(2), "{}", String::from_utf8_lossy(&check.stderr));
    let run = run_drsim(&["run", p, "--trials", "10", "-q"], None);
    assert_eq!(run.status.code(), Some(2));
    let said = String::from_utf8(check.stderr).unwrap();
    assert_eq!(said, String::from_utf8(run.stderr).unwrap(), "check and run say the same");
    let line = text.lines().position(|l| l.starts_with("[uncertain]")).unwrap() + 2;
    assert!(said.contains(&format!("{p}:{line}:1: uncertain.")), "file:line:col of the entry: {said}");
    std::fs::remove_dir_all(&dir).unwrap();
    said
}

#[test]
fn uncertain_entry_naming_no_key_is_refused_with_the_nearest_key() {
    let said = refused("\"strategy.warm-standby.capacity_fracton\" = { dist = \"uniform\", min = 0.2, max = 0.3 }\n");
    assert!(said.contains("uncertain.\"strategy.warm-standby.capacity_fracton\""), "{said}");
    assert!(said.contains("did you mean `capacity_fraction`?"), "{said}");
    assert!(said.contains("allowed: a key the model sets there"), "{said}");
    let said = refused("\"strategy.warm-standb.capacity_fraction\" = { dist = \"uniform\", min = 0.2, max = 0.3 }\n");
    assert!(said.contains("did you mean `warm-standby`?"), "{said}");
    let said = refused("\"workload.nothing.here\" = { dist = \"uniform\", min = 0.2, max = 0.3 }\n");
    assert!(said.contains("no key `nothing` under `workload`"), "{said}");
}

#[test]
fn uncertain_entry_out_of_the_keys_range_is_refused_with_what_is_allowed() {
    // A probability drawn up to 1.3.
    let said = refused(
        "\"strategy.pilot-light.reliability.failure_probability\" = { dist = \"uniform\", min = 0.5, max = 1.3 }\n",
    );
    assert!(said.contains("uncertain.\"strategy.pilot-light.reliability.failure_probability\""), "{said}");
    assert!(said.contains("is not a probability; allowed: a number from 0 to 1"), "{said}");
    assert!(said.contains("upper end"), "{said}");
    // A duration drawn for a rate.
    let said = refused("\"failure.region.rate_per_year\" = { dist = \"uniform\", min = \"1h\", max = \"2h\" }\n");
    assert!(said.contains("expected a number"), "{said}");
    // A number drawn for a duration.
    let said = refused("\"failure.region.duration\" = { dist = \"uniform\", min = 1, max = 2 }\n");
    assert!(said.contains("expected a duration with a unit"), "{said}");
}

/// The bundled models' `[uncertain]` tables pass, and a lognormal on a key
/// that must be positive passes too (its lower limit, 0, is never drawn).
#[test]
fn plausible_uncertain_entries_pass() {
    stdout_of(&["check", "models/securecart-monolith.toml"]);
    let base = std::fs::read_to_string("models/securecart-monolith.toml").unwrap();
    let text = format!("{base}\"workload.dataset_gb\" = {{ dist = \"lognormal\", median = 2000.0, p95 = 4000.0 }}\n");
    let out = run_drsim(&["check", "-"], Some(text.into_bytes()));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
