//! The results contract: the JSON Schemas shipped in `schema/` are the ones
//! generated from the types (regenerate with `drsim schema results >
//! schema/results.schema.json` and `drsim schema provenance >
//! schema/provenance.schema.json`, then list the change in CHANGELOG.md),
//! `drsim schema` prints them, and infinite values are spelt the same way
//! in results.json and the CSV files. `.ci/schema` validates the bundled
//! models' outputs against the shipped schema.

mod common;

use std::path::Path;
use std::process::Command;

use common::cli::temp_path;

const BIN: &str = env!("CARGO_BIN_EXE_drsim");

fn shipped(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn drsim(args: &[&str]) -> std::process::Output {
    let out = Command::new(BIN).current_dir(env!("CARGO_MANIFEST_DIR")).args(args).output().unwrap();
    assert!(out.status.success(), "drsim {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

#[test]
fn the_shipped_schemas_are_the_generated_ones() {
    for (name, generated) in [
        ("results.schema.json", drsim::report::json::results_schema()),
        ("provenance.schema.json", drsim::report::json::provenance_schema()),
    ] {
        let what = name.trim_end_matches(".schema.json");
        assert!(
            shipped(name) == generated,
            "schema/{name} differs from the one generated from the types: if the change is intended, run \
             `cargo run -- schema {what} > schema/{name}`, raise RESULTS_SCHEMA_VERSION when results.json \
             changed, and list the change in CHANGELOG.md"
        );
        assert_eq!(String::from_utf8(drsim(&["schema", what]).stdout).unwrap(), generated, "drsim schema {what}");
    }
}

#[test]
fn the_schema_pins_its_version_and_lists_the_non_finite_spellings() {
    let schema: serde_json::Value = serde_json::from_str(&shipped("results.schema.json")).unwrap();
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(schema["properties"]["schema_version"]["const"], drsim::report::json::RESULTS_SCHEMA_VERSION);
    assert_eq!(schema["$defs"]["Real"]["anyOf"][1]["enum"], serde_json::json!(["inf", "-inf", "nan"]));
    let required: Vec<&str> = schema["required"].as_array().unwrap().iter().filter_map(|v| v.as_str()).collect();
    for key in ["schema_version", "drsim_version", "git_revision", "model_sha256", "seed", "trials", "invocation"] {
        assert!(required.contains(&key), "{key} is not required: {required:?}");
    }
}

/// The ransomware model loses all data in some logical incidents: its RPO
/// quantiles are infinite. results.json says `"inf"` where summary.csv says
/// `inf`, and never `null` for a quantile.
#[test]
fn all_data_lost_is_inf_in_json_and_csv_alike() {
    let dir = temp_path("inf");
    drsim(&["run", "models/ransomware-immutability.toml", "--trials", "2000", "-q", "--out", dir.to_str().unwrap()]);
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("results.json")).unwrap()).unwrap();
    let mut infinite = 0;
    for s in json["strategies"].as_array().unwrap() {
        for k in s["kinds"].as_array().unwrap() {
            let Some(rpo) = k["rpo_s"].as_object() else { continue };
            for q in ["p50", "p95", "p99"] {
                for end in ["value", "low", "high"] {
                    let v = &rpo[q][end];
                    assert!(v.is_number() || v == "inf", "{}: rpo {q} {end} = {v}", s["name"]);
                    infinite += usize::from(v == "inf");
                }
            }
        }
    }
    assert!(infinite > 0, "the model should lose all data in some incidents");
    let csv = std::fs::read_to_string(dir.join("summary.csv")).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let p99 = header.iter().position(|c| *c == "rpo_p99_s").unwrap();
    let cells: Vec<String> = csv.lines().skip(1).map(|l| l.split(',').nth(p99).unwrap().to_string()).collect();
    assert!(cells.iter().any(|c| c == "inf"), "{cells:?}");
    assert!(
        cells.iter().all(|c| c == "inf" || c.is_empty() || c.parse::<f64>().is_ok_and(f64::is_finite)),
        "{cells:?}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// sweep, sensitivity and fit write the same provenance beside their CSV.
#[test]
fn sweep_sensitivity_and_fit_write_a_provenance_sidecar() {
    let model = "models/securecart-monolith.toml";
    let sha = drsim::provenance::sha256_hex(&std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(model)).unwrap());
    let read = |dir: &Path, name: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(dir.join(name)).unwrap()).unwrap()
    };
    let sweep = temp_path("sweep");
    let printed = drsim(&[
        "sweep",
        model,
        "--set",
        "strategy.pilot-light.backup.interval=5m,1h",
        "--trials",
        "500",
        "--seed",
        "3",
        "--threads",
        "1",
        "--format",
        "json",
        "--out",
        sweep.to_str().unwrap(),
    ]);
    let p = read(&sweep, "sweep.provenance.json");
    // --format json: the same provenance as a `provenance` object, then the sweep.
    let json: serde_json::Value = serde_json::from_slice(&printed.stdout).unwrap();
    assert_eq!(json["provenance"], p);
    assert_eq!(json["points"].as_array().map(Vec::len), Some(2));
    assert_eq!(p["model_sha256"], sha.as_str());
    assert_eq!(
        (p["seed"].as_u64(), p["trials"].as_u64(), p["years_per_trial"].as_f64()),
        (Some(3), Some(500), Some(1.0))
    );
    assert_eq!(p["invocation"]["threads"], 1);
    assert_eq!(p["invocation"]["command_line"][1], "sweep");
    assert_eq!(p["drsim_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(p["git_revision"], drsim::provenance::GIT_REVISION);

    let sensitivity = temp_path("sensitivity");
    drsim(&[
        "sensitivity",
        model,
        "--strategy",
        "pilot-light",
        "--trials",
        "300",
        "--out",
        sensitivity.to_str().unwrap(),
    ]);
    let p = read(&sensitivity, "sensitivity.provenance.json");
    assert_eq!(p["model_sha256"], sha.as_str());
    assert_eq!(p["trials"], 300);

    let fit = temp_path("fit");
    let data = "models/data/public-outages.csv";
    drsim(&["fit", data, "--out", fit.to_str().unwrap()]);
    let p = read(&fit, "fit.provenance.json");
    let data_sha =
        drsim::provenance::sha256_hex(&std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(data)).unwrap());
    assert_eq!(p["data_sha256"], data_sha.as_str());
    assert_eq!(p["data_path"], data);
    assert!(p.get("seed").is_none() && p.get("model_sha256").is_none(), "{p}");
    assert!(p["invocation"]["threads"].is_null(), "{p}");
    for dir in [sweep, sensitivity, fit] {
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
