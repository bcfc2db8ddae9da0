//! `drsim sweep` and `drsim sensitivity` on a platform model: a candidate's
//! fixed cost moves its plan's cost exactly linearly and the choice switches
//! at the break-even value computed by hand; every point equals `drsim plans`
//! (and `drsim optimize`) on the model edited to that value, bit for bit;
//! `plan_sweep.csv` has the documented columns; bad paths and flags say what
//! is wrong and what is allowed.

mod common;

use std::path::{Path, PathBuf};

use common::cli::{run_drsim, stdout_of};
use common::*;
use serde_json::Value;

const TRIALS: &str = "400";

/// Two services: `app` with a cheap, slow candidate `a` (backup & restore,
/// fixed cost `x` USD a year) and a dear, fast one `b` (pilot light, $5,000 a
/// year); `db` with one candidate. Loose targets: every plan meets them, so
/// the choice is the cheaper plan. Two plans listed.
fn model(x: f64) -> String {
    let base = ModelSpec::new()
        .regions(&[("p", 2), ("dr", 2)])
        .rto("30d")
        .rpo("30d")
        .confidence(0.5)
        .response("detection", fixed("1m"))
        .response("decision", exponential("20m"))
        .failure(outage_failure("region", 1.0, &exponential("6h")).set("regions", "[\"p\"]"))
        .text();
    let app = candidates(vec![
        backup_restore("a").set("cost", format!("{{ total_usd = {x:?} }}")),
        pilot_light("b").set("cost", "{ total_usd = 5000.0 }"),
    ]);
    let db = candidates(vec![backup_restore("only").set("cost", "{ total_usd = 100.0 }")]);
    format!(
        "{base}\n[[service]]\nname = \"app\"\n{app}\n[[service]]\nname = \"db\"\n{db}\n\
         [[plan]]\nname = \"plan-a\"\nservices = {{ app = \"a\", db = \"only\" }}\n\n\
         [[plan]]\nname = \"plan-b\"\nservices = {{ app = \"b\", db = \"only\" }}\n"
    )
}

/// Writes `text` to `platform.toml` in a fresh directory named after
/// `name` in the temporary directory; the directory goes when the returned
/// guard is dropped.
fn write(name: &str, text: &str) -> (common::cli::TempPath, PathBuf) {
    let dir = common::cli::temp_dir(name);
    let path = dir.join("platform.toml");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

fn json(args: &[&str]) -> Value {
    serde_json::from_str(&stdout_of(args)).unwrap()
}

/// `drsim sweep --format json` of `path` over the fixed cost of candidate `a`.
fn sweep(path: &Path, values: &[f64]) -> Value {
    let list: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
    let set = format!("service.app.strategy.a.cost.total_usd={}", list.join(","));
    json(&["sweep", path.to_str().unwrap(), "--set", &set, "--trials", TRIALS, "--format", "json"])
}

/// The listed plans' costs of `drsim plans --format json`.
fn plan_costs(path: &Path) -> Vec<f64> {
    let v = json(&["plans", path.to_str().unwrap(), "--trials", TRIALS, "--format", "json"]);
    v["plans"].as_array().unwrap().iter().map(|p| p["annual_cost_usd"].as_f64().unwrap()).collect()
}

fn point_costs(point: &Value) -> Vec<f64> {
    point["plans"].as_array().unwrap().iter().map(|p| p["annual_cost_usd"].as_f64().unwrap()).collect()
}

#[test]
fn a_fixed_cost_moves_its_plan_linearly_and_the_choice_switches_at_the_break_even() {
    let (_dir, path) = write("breakeven", &model(0.0));
    // By hand: plan-a costs c_a(0) + x, plan-b c_b whatever x; they cost the
    // same at x* = c_b - c_a(0).
    let at_zero = plan_costs(&path);
    let (ca0, cb) = (at_zero[0], at_zero[1]);
    let x_star = cb - ca0;
    assert!(x_star > 100.0, "plan-a must be cheaper at x = 0 by a margin: {at_zero:?}");
    let values = [0.0, (x_star - 1.0).floor(), (x_star + 1.0).ceil(), 2.0 * x_star.ceil()];
    let s = sweep(&path, &values);
    let points = s["points"].as_array().unwrap();
    assert_eq!(points.len(), values.len());
    for (p, &x) in points.iter().zip(&values) {
        let costs = point_costs(p);
        assert!((costs[0] - (ca0 + x)).abs() < 1e-6 * cb, "plan-a at {x}: {} vs {}", costs[0], ca0 + x);
        assert_eq!(costs[1].to_bits(), cb.to_bits(), "plan-b does not depend on a's cost");
        assert!(p["plans"].as_array().unwrap().iter().all(|p| p["meets_targets"] == true));
        let want = if x < x_star { "plan-a" } else { "plan-b" };
        assert_eq!(p["chosen"]["name"], want, "chosen at {x} (x* = {x_star})");
    }
    // One switch, between the values either side of x*, at x*.
    let switches = s["switches"].as_array().unwrap();
    assert_eq!(switches.len(), 1, "{switches:?}");
    let w = &switches[0];
    assert_eq!((w["from_plan"].as_str(), w["to_plan"].as_str()), (Some("plan-a"), Some("plan-b")));
    let at: f64 = w["break_even"].as_str().unwrap().parse().unwrap();
    assert!((at - x_star).abs() <= 1e-5 * x_star, "break-even {at}, by hand {x_star}");
    // The table says so.
    let list: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
    let set = format!("service.app.strategy.a.cost.total_usd={}", list.join(","));
    let table = stdout_of(&["sweep", path.to_str().unwrap(), "--set", &set, "--trials", TRIALS]);
    assert!(table.contains("plan-a -> plan-b") && table.contains("break-even at"), "{table}");
}

#[test]
fn every_point_is_a_plans_and_an_optimize_run_of_the_edited_model_bit_for_bit() {
    let (_dir, path) = write("bits", &model(1000.0));
    let values = [500.0, 3000.0, 9000.0];
    let s = sweep(&path, &values);
    for (p, &x) in s["points"].as_array().unwrap().iter().zip(&values) {
        let (_edited_dir, edited) = write(&format!("bits-{x}"), &model(x));
        let plans = plan_costs(&edited);
        let swept = point_costs(p);
        let bits = |v: &[f64]| v.iter().map(|c| c.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&swept), bits(&plans), "listed plans at {x}");
        let best = json(&["optimize", edited.to_str().unwrap(), "--trials", TRIALS, "--format", "json"]);
        assert_eq!(p["chosen"]["name"], best["best"]["name"], "choice at {x}");
        assert_eq!(
            p["chosen"]["annual_cost_usd"].as_f64().unwrap().to_bits(),
            best["best"]["annual_cost_usd"].as_f64().unwrap().to_bits(),
            "chosen cost at {x}"
        );
    }
}

#[test]
fn plan_sweep_csv_has_the_documented_columns_and_out_writes_its_files() {
    let (_dir, path) = write("csv", &model(1000.0));
    let out = path.parent().unwrap().join("out");
    let args = [
        "sweep",
        path.to_str().unwrap(),
        "--set",
        "service.db.dataset_gb=50,100",
        "--trials",
        "200",
        "--format",
        "csv",
        "--out",
        out.to_str().unwrap(),
    ];
    let csv = stdout_of(&args);
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    assert_eq!(header[0], "service.db.dataset_gb");
    // The rows `+N` of its column table: the columns after the swept paths.
    let documented = documented_columns_where("plan_sweep.csv", |row| row.starts_with("| +"));
    assert_eq!(header[1..].to_vec(), documented.iter().map(String::as_str).collect::<Vec<_>>());
    // Two points, two listed plans each, one of them chosen per point.
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 4, "{csv}");
    let chosen = header.iter().position(|c| *c == "chosen").unwrap();
    assert_eq!(rows.iter().filter(|r| r.split(',').nth(chosen) == Some("true")).count(), 2, "{csv}");
    for f in ["plan_sweep.csv", "plan_sweep.provenance.json", "sweep.png", "sweep.svg"] {
        assert!(out.join(f).is_file(), "{f} written");
    }
    assert_eq!(std::fs::read_to_string(out.join("plan_sweep.csv")).unwrap(), csv);
}

fn fails(args: &[&str]) -> String {
    let out = run_drsim(args, None);
    assert_eq!(out.status.code(), Some(2), "drsim {args:?} must fail as bad input");
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn bad_paths_and_flags_say_what_is_wrong_and_what_is_allowed() {
    let (_dir, path) = write("errors", &model(1000.0));
    let p = path.to_str().unwrap();
    let e = fails(&["sweep", p, "--set", "service.ap.dataset_gb=1,2"]);
    assert!(e.contains("no [[service]] with name = \"ap\"") && e.contains("did you mean `app`?"), "{e}");
    assert!(e.contains("known: app, db"), "{e}");
    let e = fails(&["sweep", p, "--set", "service.app.strategy.c.cost.total_usd=1"]);
    assert!(
        e.contains("no [[service.strategy]] in service \"app\" with name = \"c\"") && e.contains("known: a, b"),
        "{e}"
    );
    let e = fails(&["sweep", p, "--set", "service.app.strategy.a.cots.total_usd=1"]);
    assert!(e.contains("no key `cots`") && e.contains("did you mean `cost`?"), "{e}");
    let e = fails(&["sweep", p, "--set", "strategy.a.cost.total_usd=1"]);
    assert!(e.contains("service.SERVICE.strategy.NAME.KEY"), "{e}");
    let e = fails(&["sweep", p, "--set", "service.app=1"]);
    assert!(e.contains("say which") || e.contains("names a whole table"), "{e}");
    // A bad value: the file, line and column of the key, what is allowed.
    let e = fails(&["sweep", p, "--set", "service.app.strategy.a.cost.total_usd=-5"]);
    assert!(e.contains("with service.app.strategy.a.cost.total_usd=-5"), "{e}");
    assert!(e.contains("platform.toml:") && e.contains("service[0].strategy[0].cost"), "{e}");
    let e = fails(&["sweep", p, "--find", "service.app.dataset_gb=1..2"]);
    assert!(e.contains("--find: not available for a platform model") && e.contains("allowed: --set"), "{e}");
    let e = fails(&["sensitivity", p, "--metric", "total-loss", "--trials", "10"]);
    assert!(e.contains("--metric total-loss") && e.contains("allowed for a platform: cost, target-met"), "{e}");
    let e = fails(&["sensitivity", p, "--strategy", "a", "--trials", "10"]);
    assert!(e.contains("--strategy a: not available for a platform model"), "{e}");
}

#[test]
fn sensitivity_of_the_chosen_plan_names_the_input_that_changes_the_choice() {
    // x at 95% of the break-even: plan-a is chosen; at +20% plan-b is.
    let x_star = {
        let costs = plan_costs(&write("sens0", &model(0.0)).1);
        costs[1] - costs[0]
    };
    let x = (0.95 * x_star).round();
    let (_dir, path) = write("sens", &model(x));
    let v = json(&["sensitivity", path.to_str().unwrap(), "--trials", TRIALS, "--format", "json"]);
    let t = &v["tornados"][0];
    assert_eq!(t["strategy"], "plan plan-a");
    let key = "service.app.strategy.a.cost.total_usd";
    let bar = t["bars"].as_array().unwrap().iter().find(|b| b["input"]["path"] == key).expect("a's cost is an input");
    let swing = bar["high"]["expected_annual_cost_usd"].as_f64().unwrap()
        - bar["low"]["expected_annual_cost_usd"].as_f64().unwrap();
    assert!((swing - 0.4 * x).abs() < 1e-6 * x_star, "cost swing {swing}, by hand {}", 0.4 * x);
    // Service-level inputs are there; the other candidate's are not (not in the plan).
    let paths: Vec<&str> = t["bars"].as_array().unwrap().iter().map(|b| b["input"]["path"].as_str().unwrap()).collect();
    assert!(paths.iter().any(|p| p.starts_with("service.db.strategy.only.")), "{paths:?}");
    assert!(!paths.iter().any(|p| p.starts_with("service.app.strategy.b.")), "{paths:?}");
    let flips = t["flips"].as_array().unwrap();
    let flip = flips.iter().find(|f| f["path"] == key).expect("a's cost flips the choice");
    assert_eq!((flip["at"].as_str(), flip["recommended"].as_str()), (Some("high"), Some("plan-b")));
    assert!(!flips.iter().any(|f| f["path"] == key && f["at"] == "low"), "{flips:?}");
}

#[test]
fn a_model_without_services_takes_the_single_service_path() {
    // The snapshots pin the output byte for byte; here: no platform wording.
    let table = stdout_of(&[
        "sweep",
        "models/securecart-monolith.toml",
        "--set",
        "strategy.pilot-light.backup.interval=5m",
        "--trials",
        "100",
    ]);
    assert!(table.contains("P(RTO met), P(RPO met): worst kind") && !table.contains("Chosen:"), "{table}");
}
