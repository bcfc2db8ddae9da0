//! One end-to-end figure pinned to the last bit: a fixed-seed run of the
//! SecureCart model, read back from `--format json`, compared with literal
//! numbers by exact `f64` equality.
//!
//! Why: the table snapshots (tests/snapshots.rs) show figures rounded for
//! people, so a change that moves a result by less than the printed precision
//! (e.g. one random draw taken in a different order, or a sum accumulated in
//! another order) could slip through them. The JSON prints every `f64` so it
//! parses back to the same bits; an accidental change of the draw order, of a
//! stream key or of the arithmetic fails these lines. A deliberate change
//! updates the literals (and says so in its commit).

use std::process::Command;

use serde_json::Value;

#[test]
fn securecart_seed_7_figures_are_pinned_to_the_bit() {
    let out = Command::new(env!("CARGO_BIN_EXE_drsim"))
        .args(["run", "models/securecart-monolith.toml", "--trials", "2000", "--seed", "7", "--format", "json", "-q"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("drsim runs");
    assert!(out.status.success(), "drsim failed: {}", String::from_utf8_lossy(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).expect("the output is JSON");

    assert_eq!(json["seed"], 7);
    assert_eq!(json["trials"], 2000);
    let strategies = json["strategies"].as_array().expect("strategies");
    let names: Vec<&str> = strategies.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["backup-restore", "pilot-light", "warm-standby", "active-active"]);

    let first = &strategies[0];
    // Expected annual cost (fixed DR cost plus the mean incident cost).
    assert_eq!(first["cost"]["total_annual_usd"]["value"].as_f64(), Some(2730054.231490077));
    assert_eq!(first["availability"]["value"].as_f64(), Some(0.9978894235831002));

    let kind = |s: &Value, k: &str| -> Value {
        s["kinds"].as_array().unwrap().iter().find(|x| x["kind"] == k).unwrap_or_else(|| panic!("kind {k}")).clone()
    };
    let region = kind(first, "region");
    assert_eq!(region["incidents"], 1196);
    assert_eq!(region["rto_s"]["p95"]["value"].as_f64(), Some(69918.14359564964));

    let pilot_light_region = kind(&strategies[1], "region");
    assert_eq!(pilot_light_region["rto_s"]["p95"]["value"].as_f64(), Some(17069.84455457485));
    assert_eq!(strategies[1]["cost"]["total_annual_usd"]["value"].as_f64(), Some(2561418.9828941072));
}
