//! The leftovers of the "answer first" work: `drsim check --format json`
//! carries what the text `check` says of each strategy, report.md and
//! report.html link the loss exceedance chart, the tornado's columns follow
//! `--metric`, the HTML cost-vs-risk labels are placed without collisions,
//! and `[uncertain]` entries are checked against the model by `check` and
//! `run`.

mod common;

use common::cli::run_drsim;

fn stdout(args: &[&str]) -> String {
    let out = run_drsim(args, None);
    assert!(out.status.success(), "drsim {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The effective failover failure probability and the fastest recovery per
/// kind, as `drsim check` prints them, are in its JSON too; the probability
/// is the closed form `1 - (1 - p0) (D / I) (1 - exp(-I / D))`.
#[test]
fn check_json_has_failover_failure_and_fastest_recovery_per_strategy() {
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&["check", "models/securecart.toml", "--format", "json"])).unwrap();
    let strategies = json["strategies"].as_array().unwrap();
    let names: Vec<&str> = strategies.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["backup-restore", "pilot-light", "warm-standby", "active-active"]);
    let text = stdout(&["check", "models/securecart.toml"]);
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
