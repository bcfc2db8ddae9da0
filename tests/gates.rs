//! The exit codes and machine-readable formats a CI pipeline acts on: every
//! exit code of `drsim --help` (and docs/errors.md) is produced by the case
//! that documents it, `check` writes JSON and SARIF 2.1.0 (checked field by
//! field against what GitHub code scanning requires, and read back through
//! `serde-sarif`'s types, which are generated from the SARIF 2.1.0 schema),
//! `check -` reads standard input under the model size limit, and
//! `sensitivity`, `fit` and `timeline` write JSON.

use std::path::Path;

mod common;

use common::cli::{self, ROOT, temp_dir};
use serde_json::Value;

/// Runs drsim with `args` (and `stdin`), asserts the exit code, returns
/// (stdout, stderr).
fn exits(code: i32, args: &[&str], stdin: Option<Vec<u8>>) -> (String, String) {
    let out = cli::exits(code, args, stdin);
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

fn fixture(name: &str) -> String {
    format!("tests/fixtures/lint/{name}.toml")
}

/// `securecart-monolith.toml` with RTO "30 parsecs" on line 46: invalid.
fn invalid_model() -> String {
    let text = std::fs::read_to_string(Path::new(ROOT).join("models/securecart-monolith.toml")).unwrap();
    assert!(text.contains("rto = \"30m\""));
    text.replacen("rto = \"30m\"", "rto = \"30 parsecs\"", 1)
}

#[test]
fn help_lists_every_exit_code_and_docs_errors_md_has_the_same_table() {
    let (help, _) = exits(0, &["--help"], None);
    let errors = std::fs::read_to_string(Path::new(ROOT).join("docs/errors.md")).unwrap();
    let ci = std::fs::read_to_string(Path::new(ROOT).join("docs/ci.md")).unwrap();
    for code in ["0", "1", "2", "3", "4", "129, 130, 143"] {
        assert!(help.contains(&format!("\n  {code:<13}  ")), "--help lacks exit code {code}:\n{help}");
        assert!(errors.contains(&format!("\n| {code} |")), "docs/errors.md lacks exit code {code}");
        assert!(ci.contains(&format!("\n| {code} |")), "docs/ci.md lacks exit code {code}");
    }
}

#[test]
fn check_exits_0_for_a_valid_model_and_its_warnings() {
    exits(0, &["check", &fixture("clean"), "--strict"], None);
    let (stdout, stderr) = exits(0, &["check", &fixture("backups-not-copied")], None);
    assert!(stdout.contains("audit: 1 finding(s)"), "{stdout}");
    assert!(stderr.contains("warning[backups-not-copied]"), "{stderr}");
}

#[test]
fn check_exits_2_for_an_invalid_model_and_3_for_findings_with_strict() {
    for format in ["text", "json", "sarif"] {
        let (_, stderr) = exits(2, &["check", "-", "--format", format], Some(invalid_model().into_bytes()));
        assert!(stderr.contains("error: <stdin>:46:7: targets.rto: invalid duration"), "{stderr}");
        let (_, stderr) = exits(3, &["check", &fixture("backups-not-copied"), "--strict", "--format", format], None);
        assert!(stderr.contains("error[backups-not-copied]"), "{stderr}");
        assert!(stderr.contains("error: 1 audit finding(s) with --strict"), "{stderr}");
        let (_, stderr) = exits(2, &["check", "no/such/model.toml", "--format", format], None);
        assert!(stderr.contains("no/such/model.toml: cannot read the model file"), "{stderr}");
    }
}

#[test]
fn run_and_merge_exit_4_with_fail_on_miss_when_no_strategy_meets_the_targets() {
    let dir = temp_dir("miss");
    let out = dir.join("results");
    let run = ["run", "models/securecart-monolith.toml", "--trials", "2000", "--seed", "7", "--quiet"];
    let (_, stderr) = exits(4, &[&run[..], &["--fail-on-miss", "--out", out.to_str().unwrap()]].concat(), None);
    assert!(
        stderr.contains(
            "targets missed (--fail-on-miss): No strategy meets the targets. Every strategy misses logical RTO"
        ),
        "{stderr}"
    );
    // The gate fails after every output is written.
    for file in ["results.json", "report.md", "strategies.csv"] {
        assert!(out.join(file).is_file(), "{file} not written");
    }
    // Without the flag, the same run succeeds.
    exits(0, &run, None);
    // payments-rpo-zero has a strategy that meets its targets.
    exits(
        0,
        &["run", "models/payments-rpo-zero.toml", "--trials", "2000", "--seed", "7", "--quiet", "--fail-on-miss"],
        None,
    );

    // A shard has no verdict: the flag is refused there (2), and applies to the merge.
    let part = |k: &str| dir.join(format!("part-{k}"));
    let (_, stderr) = exits(
        2,
        &[&run[..], &["--shard", "1/2", "--fail-on-miss", "--out", part("x").to_str().unwrap()]].concat(),
        None,
    );
    assert!(stderr.contains("--fail-on-miss"), "{stderr}");
    for k in ["1", "2"] {
        exits(0, &[&run[..], &["--shard", &format!("{k}/2"), "--out", part(k).to_str().unwrap()]].concat(), None);
    }
    let merged = dir.join("merged");
    let (one, two) = (part("1"), part("2"));
    let merge = ["merge", one.to_str().unwrap(), two.to_str().unwrap(), "--out", merged.to_str().unwrap()];
    exits(4, &[&merge[..], &["--fail-on-miss"]].concat(), None);
    assert!(merged.join("results.json").is_file());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_runtime_failure_exits_1() {
    // No region outage can happen at rate 0, so no incident is found to walk through.
    let dir = temp_dir("runtime");
    let text = std::fs::read_to_string(Path::new(ROOT).join("models/securecart-monolith.toml")).unwrap();
    let model = dir.join("m.toml");
    std::fs::write(&model, text.replacen("rate_per_year = 0.6", "rate_per_year = 0.0", 1)).unwrap();
    let args = ["timeline", model.to_str().unwrap(), "--strategy", "pilot-light", "--kind", "region"];
    let (_, stderr) = exits(1, &args, None);
    assert!(stderr.contains("no region incident"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn check_reads_the_model_from_standard_input_under_the_size_limit() {
    let text = std::fs::read(Path::new(ROOT).join("models/securecart-monolith.toml")).unwrap();
    let (stdout, _) = exits(0, &["check", "-"], Some(text));
    assert!(stdout.starts_with("<stdin>: valid model (SecureCart)"), "{stdout}");
    let (stdout, _) =
        exits(3, &["check", "-", "--strict", "--format", "json"], Some(std::fs::read(fixture("drills-rare")).unwrap()));
    assert_eq!(json(&stdout)["model"], "<stdin>");
    // 16 MiB and one byte: refused, as a file of that size is.
    let (_, stderr) = exits(2, &["check", "-"], Some(vec![b'#'; (16 << 20) + 1]));
    assert!(stderr.contains("<stdin>: cannot read the model file: larger than the 16 MiB allowed"), "{stderr}");
    let (_, stderr) = exits(2, &["check", "-"], Some(vec![0xff, 0xfe]));
    assert!(stderr.contains("not UTF-8"), "{stderr}");
}

#[test]
fn check_json_lists_the_findings_with_their_positions() {
    let path = fixture("backups-not-encrypted");
    let (stdout, stderr) = exits(0, &["check", &path, "--format", "json"], None);
    // The diagnostics stay on standard error for the log; standard output is the document only.
    assert!(stderr.contains("warning[backups-not-encrypted]"), "{stderr}");
    let doc = json(&stdout);
    assert_eq!(doc["model"], path.as_str());
    assert_eq!(doc["valid"], true);
    assert_eq!(doc["strict"], false);
    assert_eq!(doc["problems"], Value::Array(vec![]));
    let findings = doc["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1);
    let f = &findings[0];
    assert_eq!(f["code"], "backups-not-encrypted");
    assert_eq!(f["level"], "warning");
    assert_eq!(f["key"], "strategy[0].backup.encrypted");
    assert!(f["line"].as_u64().unwrap() > 1 && f["column"].as_u64().unwrap() >= 1, "{f}");
    assert!(f["why"].as_str().unwrap().contains("PCI DSS"), "{f}");

    let (stdout, _) = exits(2, &["check", "-", "--format", "json"], Some(invalid_model().into_bytes()));
    let doc = json(&stdout);
    assert_eq!(doc["valid"], false);
    assert_eq!(doc["problems"][0]["line"], 46);
    assert_eq!(doc["problems"][0]["column"], 7);
    assert_eq!(doc["problems"][0]["key"], "targets.rto");
}

/// The fields GitHub code scanning requires of a SARIF upload, checked one
/// by one, plus a read through the schema-generated types.
fn assert_sarif(text: &str, uri: &str) -> Value {
    let log = json(text);
    let typed: serde_sarif::sarif::Sarif = serde_json::from_str(text).expect("reads as SARIF 2.1.0");
    assert_eq!(typed.runs.len(), 1);
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().unwrap().ends_with("sarif-2.1.0.json"));
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "drsim");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    for code in drsim::lint::Code::ALL {
        assert!(ids.contains(&code.name()), "no rule {code}");
    }
    assert!(ids.contains(&"invalid-model"));
    for rule in rules {
        assert!(!rule["shortDescription"]["text"].as_str().unwrap().is_empty(), "{rule}");
        assert!(!rule["fullDescription"]["text"].as_str().unwrap().is_empty(), "{rule}");
        assert!(["warning", "error"].contains(&rule["defaultConfiguration"]["level"].as_str().unwrap()), "{rule}");
    }
    for result in runs[0]["results"].as_array().unwrap() {
        let id = result["ruleId"].as_str().unwrap();
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(ids[index], id, "{result}");
        assert!(["note", "warning", "error"].contains(&result["level"].as_str().unwrap()), "{result}");
        assert!(!result["message"]["text"].as_str().unwrap().is_empty(), "{result}");
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], uri, "{result}");
        assert!(location["region"]["startLine"].as_u64().unwrap() >= 1, "{result}");
        assert!(location["region"]["startColumn"].as_u64().unwrap() >= 1, "{result}");
    }
    log
}

#[test]
fn check_sarif_is_a_sarif_2_1_0_log_code_scanning_can_read() {
    // No findings: a log with its rules and no results.
    let clean = fixture("clean");
    let (stdout, _) = exits(0, &["check", &clean, "--format", "sarif"], None);
    let log = assert_sarif(&stdout, &clean);
    assert_eq!(log["runs"][0]["results"], Value::Array(vec![]));

    // One finding per lint fixture, at the line and column the text format gives.
    for (name, code) in [("backups-not-immutable", "backups-not-immutable"), ("drills-rare", "drills-missing-or-rare")]
    {
        let path = fixture(name);
        let (stdout, stderr) = exits(0, &["check", &path, "--format", "sarif"], None);
        let log = assert_sarif(&stdout, &path);
        let result = &log["runs"][0]["results"][0];
        assert_eq!(result["ruleId"], code);
        assert_eq!(result["level"], "warning");
        let region = &result["locations"][0]["physicalLocation"]["region"];
        let at = format!("{path}:{}:{}: warning[{code}]", region["startLine"], region["startColumn"]);
        assert!(stderr.starts_with(&at), "{at} / {stderr}");
        let (stdout, _) = exits(3, &["check", &path, "--format", "sarif", "--strict"], None);
        assert_eq!(assert_sarif(&stdout, &path)["runs"][0]["results"][0]["level"], "error");
    }

    // An invalid model: its problems as `invalid-model` errors, exit 2.
    let (stdout, _) = exits(2, &["check", "-", "--format", "sarif"], Some(invalid_model().into_bytes()));
    let log = assert_sarif(&stdout, "%3Cstdin%3E");
    let result = &log["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "invalid-model");
    assert_eq!(result["level"], "error");
    assert_eq!(result["locations"][0]["physicalLocation"]["region"]["startLine"], 46);
}

#[test]
fn timeline_fit_and_sensitivity_write_json() {
    let (stdout, _) = exits(
        0,
        &[
            "timeline",
            "models/securecart-monolith.toml",
            "--strategy",
            "pilot-light",
            "--kind",
            "region",
            "--format",
            "json",
        ],
        None,
    );
    let t = json(&stdout);
    assert_eq!(t["strategy"], "pilot-light");
    assert_eq!(t["kind"], "region");
    let steps = t["steps"].as_array().unwrap();
    let last = steps.last().unwrap();
    let end = last["offset_s"].as_f64().unwrap() + last["duration_s"].as_f64().unwrap();
    assert!((end - t["service_back_s"].as_f64().unwrap()).abs() < 1e-6, "{t}");
    assert_eq!(t["rto_met"], t["downtime_s"].as_f64().unwrap() <= t["rto_target_s"].as_f64().unwrap());

    let (stdout, _) =
        exits(0, &["fit", "models/data/public-outages.csv", "--kind", "region", "--format", "json"], None);
    let f = json(&stdout);
    assert_eq!(f["kind"], "region");
    assert_eq!(f["events"].as_u64().unwrap() as usize, f["durations_hours"].as_array().unwrap().len());
    assert_eq!(f["fits"][0]["delta_aic"], 0.0);
    assert!(f["failure_toml"].as_str().unwrap().contains("[[failure]]"));

    let args = [
        "sensitivity",
        "models/small-shop-single-region.toml",
        "--strategy",
        "local-backups",
        "--trials",
        "200",
        "--format",
        "json",
    ];
    let (stdout, _) = exits(0, &args, None);
    let s = json(&stdout);
    let tornados = s["tornados"].as_array().unwrap();
    assert_eq!(tornados.len(), 1);
    assert_eq!(tornados[0]["strategy"], "local-backups");
    let swings: Vec<f64> =
        tornados[0]["bars"].as_array().unwrap().iter().map(|b| b["cost_swing_usd"].as_f64().unwrap()).collect();
    assert!(!swings.is_empty() && swings.windows(2).all(|w| w[0] >= w[1]), "{swings:?}");
}
