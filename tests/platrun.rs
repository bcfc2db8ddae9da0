//! `drsim run` on a platform model: the first screen (plans ranked, the
//! answer, the chosen plan by function and by service), the same figures as
//! `drsim plans`, the exports of `--out` (results.json valid against the
//! shipped schema, the CSV columns as docs/exports.md lists them) and the
//! plans' cost-against-risk labels.

mod common;

use std::path::Path;

use common::cli::{run_drsim, stdout_of, temp_path};
use serde_json::Value;

const MODEL: &str = "models/securecart.toml";
const TRIALS: &str = "300";

#[test]
fn the_first_screen_has_the_plans_the_answer_and_the_platform_by_function_and_service() {
    let text = stdout_of(&["run", MODEL, "--trials", "2000", "--threads", "2", "-q"]);
    for (i, line) in text.lines().enumerate() {
        assert!(line.chars().count() <= 100, "line {} is {} columns: {line}", i + 1, line.chars().count());
    }
    let screen: Vec<&str> = text.lines().take(25).collect();
    let screen = screen.join("\n");
    for needle in ["plans searched", "by function", "by service", "checkout", "browsing", "orders", "all-active-active"]
    {
        assert!(screen.contains(needle), "the first screen lacks {needle:?}:\n{screen}");
    }
    // The answer wraps at 100 columns: read it as running text.
    let words = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("Recommended:") || (words.contains("No plan meets") && words.contains("It would take")),
        "the first screen gives the plan or why none meets and what it would take:\n{screen}"
    );
    insta::assert_snapshot!("platform_first_screen", screen);
}

fn plan_json(run: &Value, label: &str) -> Value {
    run["platform"]["plans"].as_array().unwrap().iter().find(|p| p["label"] == label).unwrap()["figures"].clone()
}

#[test]
fn a_plans_figures_in_run_are_those_of_drsim_plans_and_add_up_to_its_cost() {
    let run: Value =
        serde_json::from_str(&stdout_of(&["run", MODEL, "--trials", TRIALS, "--format", "json", "-q"])).unwrap();
    let plans: Value =
        serde_json::from_str(&stdout_of(&["plans", MODEL, "--trials", TRIALS, "--format", "json"])).unwrap();
    let listed = plans["plans"].as_array().unwrap();
    assert_eq!(listed.len(), 5, "the model lists five plans");
    for p in listed {
        let name = p["name"].as_str().unwrap();
        let figures = plan_json(&run, name);
        // Every figure of the plan, per function and per service, is the same number.
        assert_eq!(figures["functions"], p["functions"], "{name}: functions");
        assert_eq!(figures["services"], p["services"], "{name}: services");
        assert_eq!(figures["annual_cost_usd"], p["annual_cost_usd"], "{name}: cost");
        // By hand: the plan's cost is its services' costs plus its functions' lost revenue and orders.
        let services: f64 = figures["services"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["summary"]["cost"]["total_annual_usd"]["value"].as_f64().unwrap())
            .sum();
        let lost: f64 = figures["functions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["lost_usd_per_year"]["value"].as_f64().unwrap())
            .sum();
        let cost = figures["annual_cost_usd"].as_f64().unwrap();
        assert!((services + lost - cost).abs() <= 1e-9 * cost, "{name}: {services} + {lost} != {cost}");
        // A function's downtime per year is its unavailability times the year.
        for f in figures["functions"].as_array().unwrap() {
            let a = f["availability"]["value"].as_f64().unwrap();
            let down = f["downtime_per_year_s"].as_f64().unwrap();
            let year = 365.0 * 86_400.0;
            assert!(
                (down - (1.0 - a) * year).abs() <= 1e-6 * year,
                "{name} {}: {down} vs {}",
                f["function"],
                (1.0 - a) * year
            );
        }
    }
    // The decision names plans: the ranking holds every listed plan.
    let ranking: Vec<&str> =
        run["decision"]["ranking"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    for p in listed {
        assert!(ranking.contains(&p["name"].as_str().unwrap()), "{ranking:?}");
    }
    assert_eq!(run["strategies"], Value::Array(Vec::new()));
}

/// The subset of JSON Schema (draft 2020-12) the generated schema uses:
/// `$ref` to `$defs`, `type` (one or several), `properties`, `required`,
/// `items`, `anyOf`, `oneOf`, `enum`, `const`, `minimum`. Returns the errors.
fn validate(schema: &Value, root: &Value, doc: &Value, at: &str, errors: &mut Vec<String>) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.trim_start_matches("#/$defs/");
        return validate(&root["$defs"][name], root, doc, at, errors);
    }
    if let Some(b) = schema.as_bool() {
        if !b {
            errors.push(format!("{at}: not allowed"));
        }
        return;
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(options) = schema.get(key).and_then(Value::as_array) {
            let fits = options
                .iter()
                .filter(|o| {
                    let mut e = Vec::new();
                    validate(o, root, doc, at, &mut e);
                    e.is_empty()
                })
                .count();
            if fits == 0 || (key == "oneOf" && fits > 1) {
                errors.push(format!("{at}: {fits} of the {key} options fit"));
            }
        }
    }
    if let Some(c) = schema.get("const") {
        if c != doc {
            errors.push(format!("{at}: {doc} is not {c}"));
        }
    }
    if let Some(e) = schema.get("enum").and_then(Value::as_array) {
        if !e.contains(doc) {
            errors.push(format!("{at}: {doc} not in {e:?}"));
        }
    }
    if let Some(t) = schema.get("type") {
        let types: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let is = |ty: &str| match ty {
            "object" => doc.is_object(),
            "array" => doc.is_array(),
            "string" => doc.is_string(),
            "boolean" => doc.is_boolean(),
            "null" => doc.is_null(),
            "number" => doc.is_number(),
            "integer" => doc.is_u64() || doc.is_i64(),
            _ => false,
        };
        if !types.iter().any(|ty| is(ty)) {
            errors.push(format!("{at}: {doc} is not {types:?}"));
            return;
        }
    }
    if let Some(req) = schema.get("required").and_then(Value::as_array) {
        for k in req.iter().filter_map(Value::as_str) {
            if doc.get(k).is_none() {
                errors.push(format!("{at}: lacks {k}"));
            }
        }
    }
    if let (Some(props), Some(obj)) = (schema.get("properties").and_then(Value::as_object), doc.as_object()) {
        for (k, v) in obj {
            match props.get(k) {
                Some(s) => validate(s, root, v, &format!("{at}/{k}"), errors),
                None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    errors.push(format!("{at}: unexpected {k}"))
                }
                None => {}
            }
        }
    }
    if let (Some(items), Some(arr)) = (schema.get("items"), doc.as_array()) {
        for (i, v) in arr.iter().enumerate() {
            validate(items, root, v, &format!("{at}/{i}"), errors);
        }
    }
    if let (Some(min), Some(x)) = (schema.get("minimum").and_then(Value::as_f64), doc.as_f64()) {
        if x < min {
            errors.push(format!("{at}: {x} < {min}"));
        }
    }
}

fn csv_header(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines().next().unwrap().split(',').map(str::to_string).collect()
}

#[test]
fn out_writes_results_json_valid_against_the_schema_the_csv_files_documented_and_the_charts() {
    let dir = temp_path("out");
    stdout_of(&["run", MODEL, "--trials", TRIALS, "-q", "--out", dir.to_str().unwrap()]);
    for file in [
        "results.json",
        "plans.csv",
        "plan_functions.csv",
        "plan_services.csv",
        "report.md",
        "weakest_link.png",
        "weakest_link.svg",
        "plan_cost_vs_risk.png",
        "plan_cost_vs_risk.svg",
    ] {
        assert!(dir.join(file).is_file(), "{file} written");
    }
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema/results.schema.json")).unwrap(),
    )
    .unwrap();
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("results.json")).unwrap()).unwrap();
    let mut errors = Vec::new();
    validate(&schema, &schema, &doc, "", &mut errors);
    assert!(errors.is_empty(), "results.json against schema/results.schema.json: {errors:#?}");
    assert!(doc["platform"]["plans"].as_array().unwrap().len() >= 6, "the listed plans and the search's");
    // The validator is not blind: a document without its provenance fails.
    let mut broken = doc.clone();
    broken.as_object_mut().unwrap().remove("seed");
    let mut errors = Vec::new();
    validate(&schema, &schema, &broken, "", &mut errors);
    assert!(!errors.is_empty());

    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/exports.md")).unwrap();
    for file in ["plans.csv", "plan_functions.csv", "plan_services.csv"] {
        let section = docs.split(&format!("## {file}")).nth(1).unwrap().split("\n## ").next().unwrap();
        let documented: Vec<String> = section
            .lines()
            .filter_map(|l| l.split('`').nth(1).filter(|_| l.starts_with("| ")).map(str::to_string))
            .collect();
        assert_eq!(documented, csv_header(&dir.join(file)), "docs/exports.md lists {file} in order");
    }
    let plans = doc["platform"]["plans"].as_array().unwrap().len();
    let rows = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap().lines().count() - 1;
    assert_eq!(rows("plans.csv"), plans);
    assert_eq!(rows("plan_functions.csv"), plans * 2);
    assert_eq!(rows("plan_services.csv"), plans * 5);
    let report = std::fs::read_to_string(dir.join("report.md")).unwrap();
    for heading in ["## Question", "## Answer", "## Why", "## Assumptions", "## Costs", "weakest_link.svg"] {
        assert!(report.contains(heading), "report.md has {heading}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_plans_cost_risk_labels_never_collide_nor_leave_the_plot() {
    use drsim::report::charts::platform::PlanCostRiskChart;
    use drsim::report::platform_view::PlatformView;
    let platform = drsim::platform::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(MODEL)).unwrap();
    let options = drsim::simulation::RunOptions { trials: 300, ..Default::default() };
    let results = drsim::platform::optimize::optimize(&platform, &options).unwrap();
    let view = PlatformView::new(&platform, &results);
    let layout = PlanCostRiskChart::new(&view).layout().unwrap();
    // A label per group of touching points, every plan in exactly one.
    let mut named: Vec<usize> = layout.groups.concat();
    named.sort_unstable();
    assert_eq!(named, (0..view.ranked.len()).collect::<Vec<_>>(), "every plan named once");
    assert_eq!(layout.labels.len(), layout.groups.len());
    for (i, label) in layout.labels.iter().enumerate() {
        assert!(layout.plot.contains(label), "label {i} {label:?} leaves the plot {:?}", layout.plot);
        for (j, other) in layout.labels.iter().enumerate().skip(i + 1) {
            assert!(!label.overlaps(other), "labels {i} and {j} overlap: {label:?} {other:?}");
        }
        assert!(!label.overlaps(&layout.required_line), "label {i} sits on the required line");
        for (j, marker) in layout.markers.iter().enumerate() {
            assert!(!label.overlaps(marker), "label {i} covers point {j}");
        }
    }
}

#[test]
fn flags_without_meaning_for_a_platform_are_refused_and_the_gate_works() {
    let out = run_drsim(&["run", MODEL, "--trials", "50", "--strategy", "pilot-light"], None);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--strategy: not available for a platform model"), "{err}");
    // A platform samples plainly: asking otherwise is refused, not ignored.
    for flag in [["--variance-reduction", "late-detection"], ["--region-replays", "8"]] {
        let out = run_drsim(&["run", MODEL, "--trials", "50", flag[0], flag[1]], None);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&format!("{}: not available for a platform model", flag[0])), "{err}");
        assert!(err.contains("allowed:"), "{err}");
    }
    let out = run_drsim(&["run", MODEL, "--trials", "100", "-q", "--brief", "--fail-on-miss"], None);
    let text = String::from_utf8_lossy(&out.stdout);
    if text.contains("No plan meets") {
        assert_eq!(out.status.code(), Some(4), "{}", String::from_utf8_lossy(&out.stderr));
    } else {
        assert!(out.status.success());
    }
    assert!(!text.contains("by service") && !text.contains("Plans\n"), "--brief stops after the answer:\n{text}");
    let csv = stdout_of(&["run", MODEL, "--trials", "100", "-q", "--format", "csv"]);
    assert!(csv.starts_with("rank,plan,role,candidates,"), "{csv}");
}
