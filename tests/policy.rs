//! `drsim import-policy` and `drsim export-policy` through the binary: the
//! three JSON shapes of an AWS Resilience Hub resiliency policy (fixtures in
//! tests/fixtures/policy, written from the API reference's
//! CreateResiliencyPolicy, DescribeResiliencyPolicy and FailurePolicy
//! shapes), the lossy conversions warned about or refused, bad input with
//! its position, and every bundled model's targets surviving export then
//! import.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use drsim::model::Model;

fn drsim() -> Command {
    Command::cargo_bin("drsim").expect("the drsim binary is built")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/policy").join(name)
}

struct Out {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Out {
    let out = drsim().args(args).output().expect("drsim runs");
    let text = |b: Vec<u8>| String::from_utf8(b).expect("UTF-8 output");
    let out = Out { code: out.status.code(), stdout: text(out.stdout), stderr: text(out.stderr) };
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    out
}

/// The snippet without its header comments.
fn body(snippet: &str) -> String {
    snippet.lines().skip_while(|l| l.starts_with('#')).collect::<Vec<_>>().join("\n")
}

/// `model_text` with its `[targets]` tables replaced by `snippet`.
fn with_targets(model_text: &str, snippet: &str) -> String {
    let mut doc: toml_edit::DocumentMut = model_text.parse().expect("the model is TOML");
    doc.remove("targets").expect("the model has [targets]");
    format!("{doc}\n{snippet}")
}

#[test]
fn the_three_shapes_import_to_the_same_targets() {
    let outs: Vec<Out> = ["map.json", "request.json", "describe.json"]
        .iter()
        .map(|f| run(&["import-policy", fixture(f).to_str().unwrap()]))
        .collect();
    for out in &outs {
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        assert!(!out.stderr.contains("warning:"), "{}", out.stderr);
        assert!(out.stderr.contains("note: Hardware has the same targets as AZ"), "{}", out.stderr);
        assert!(out.stderr.contains("note: Software is judged as drsim's logical kind"), "{}", out.stderr);
    }
    let expected = "[targets]\nrpo = \"0s\"  # the strictest of the policy's\nrto = \"10m\"\n\
                    confidence = 0.99  # a policy has none: --confidence\n\n\
                    [targets.az]  # from AZ\nrpo = \"0s\"\nrto = \"10m\"\n\n\
                    [targets.region]  # from Region\nrpo = \"1h\"\nrto = \"4h\"\n\n\
                    [targets.logical]  # from Software\nrpo = \"5m\"\nrto = \"1h\"";
    for out in &outs {
        assert_eq!(body(&out.stdout), expected, "{}", out.stdout);
    }
    // The whole policy and the describe output carry their labels as comments.
    for out in &outs[1..] {
        assert!(out.stdout.starts_with("# Targets from the AWS Resilience Hub resiliency policy \"orders-critical\""));
        assert!(out.stdout.contains("# tier: Critical (drsim has no tiers)"), "{}", out.stdout);
        assert!(out.stdout.contains("# dataLocationConstraint: SameContinent"), "{}", out.stdout);
    }
    // The snippet is a valid [targets] for a model.
    let text = std::fs::read_to_string(root().join("models/securecart-monolith.toml")).unwrap();
    let model = Model::from_str_at(&with_targets(&text, &outs[2].stdout), Path::new("m.toml")).expect("valid");
    let az = model.targets.for_kind(drsim::model::DisruptionKind::Az);
    assert_eq!((az.rto.secs(), az.rpo.secs()), (600.0, 0.0));
    assert_eq!(model.targets.for_kind(drsim::model::DisruptionKind::Region).rto.secs(), 14400.0);
}

#[test]
fn a_hardware_target_drsim_cannot_express_is_warned_about_or_refused() {
    let file = fixture("hardware-stricter.json");
    let out = run(&["import-policy", file.to_str().unwrap(), "--confidence", "0.999"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("warning: Hardware (RTO 1m, RPO 0s) is not imported: drsim simulates no single-host failure"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("note: the policy sets no Region targets"), "{}", out.stderr);
    assert!(out.stdout.contains("# NOT CARRIED OVER: Hardware (RTO 1m, RPO 0s) is not imported"), "{}", out.stdout);
    assert!(out.stdout.contains("confidence = 0.999"), "{}", out.stdout);
    assert!(!out.stdout.contains("[targets.region]"), "{}", out.stdout);
    let strict = run(&["import-policy", file.to_str().unwrap(), "--strict"]);
    assert_eq!(strict.code, Some(2));
    assert!(
        strict.stderr.contains("not converted with --strict, 1 target(s) cannot be carried over"),
        "{}",
        strict.stderr
    );
    assert!(strict.stdout.is_empty());
}

#[test]
fn bad_policies_get_file_line_column_key_and_what_is_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "negative",
            "{\n  \"AZ\": { \"rtoInSecs\": -60, \"rpoInSecs\": 0 }\n}\n",
            &[":2:", "AZ.rtoInSecs: -60 is negative; allowed: a whole number of seconds from 1 to 2147483647"],
        ),
        ("missing-rto", "{\n  \"AZ\": { \"rpoInSecs\": 0 }\n}\n", &[":2:", "AZ: missing field `rtoInSecs`"]),
        (
            "application",
            "{\n  \"Application\": { \"rtoInSecs\": 60, \"rpoInSecs\": 0 }\n}\n",
            &[
                ":2:",
                "unknown key `Application` (the console's Application is the API's Software); allowed: the disruption types Software, Hardware, AZ or Region",
            ],
        ),
        (
            "unknown-type",
            "{\"policy\": {\"policyName\": \"p\", \"policy\": {\"Zone\": {}}}}",
            &[":1:", "policy.policy: unknown disruption type `Zone`; allowed: Software, Hardware, AZ or Region"],
        ),
        (
            "zero-rto",
            "{\"Region\": {\"rtoInSecs\": 0, \"rpoInSecs\": 0}}",
            &[":1:", "Region.rtoInSecs: an RTO of 0 s cannot be met"],
        ),
        (
            "fraction",
            "{\"Region\": {\"rtoInSecs\": 60, \"rpoInSecs\": 0.5}}",
            &["Region.rpoInSecs: 0.5 is not a whole number of seconds"],
        ),
        (
            "string",
            "{\"Region\": {\"rtoInSecs\": \"1h\", \"rpoInSecs\": 0}}",
            &["Region.rtoInSecs: invalid type: string \"1h\", expected a whole number of seconds"],
        ),
        (
            "extra-key",
            "{\"Region\": {\"rtoInSecs\": 60, \"rpoInSecs\": 0, \"rto\": 1}}",
            &["Region.rto: unknown field `rto`, expected `rpoInSecs` or `rtoInSecs`"],
        ),
        (
            "tier",
            "{\"policyName\": \"p\", \"tier\": \"Gold\", \"policy\": {}}",
            &[
                "tier: unknown value \"Gold\"; allowed: MissionCritical, Critical, Important, CoreServices, NonCritical or NotApplicable",
            ],
        ),
        ("empty", "{}", &[":1:2:", "no targets found"]),
        ("trailing-comma", "{\n  \"AZ\": { \"rtoInSecs\": 60, \"rpoInSecs\": 0, }\n}\n", &[":2:", "trailing comma"]),
        ("not-json", "rto = 60\n", &[":1:1:", "expected value"]),
    ];
    for (name, text, says) in cases {
        let file = dir.path().join(format!("{name}.json"));
        std::fs::write(&file, text).unwrap();
        let out = run(&["import-policy", file.to_str().unwrap()]);
        assert_eq!(out.code, Some(2), "{name}: {}", out.stderr);
        assert!(out.stderr.contains(&format!("{}:", file.display())), "{name}: {}", out.stderr);
        for s in *says {
            assert!(out.stderr.contains(s), "{name}: {:?} not in {}", s, out.stderr);
        }
        assert!(out.stdout.is_empty(), "{name}");
    }
    // Regular files only, as every reader.
    let out = run(&["import-policy", dir.path().to_str().unwrap()]);
    assert_eq!(out.code, Some(2));
    assert!(
        out.stderr.contains("cannot read the policy file: not a regular file (it is a directory)"),
        "{}",
        out.stderr
    );
    let out = run(&["import-policy", fixture("map.json").to_str().unwrap(), "--confidence", "1"]);
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("--confidence 1: allowed: a share strictly between 0 and 1"), "{}", out.stderr);
}

#[test]
fn export_writes_the_create_request_and_the_bare_map() {
    let model = root().join("models/securecart-monolith.toml");
    let out = run(&["export-policy", model.to_str().unwrap(), "--tier", "Critical", "--data-location", "AnyLocation"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["policyName"], "SecureCart");
    assert_eq!(json["tier"], "Critical");
    assert_eq!(json["dataLocationConstraint"], "AnyLocation");
    for t in ["Software", "Hardware", "AZ", "Region"] {
        assert_eq!(json["policy"][t]["rtoInSecs"], 1800, "{t}");
        assert_eq!(json["policy"][t]["rpoInSecs"], 3600, "{t}");
    }
    assert!(out.stderr.contains("note: confidence 0.99 is not written"), "{}", out.stderr);
    assert!(out.stderr.contains("note: Hardware takes az's targets"), "{}", out.stderr);
    assert!(!out.stderr.contains("warning:"), "{}", out.stderr);

    let out = run(&["export-policy", model.to_str().unwrap(), "--map-only"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 4, "{keys:?}");
    assert!(out.stderr.contains("no --tier given: tier NotApplicable"), "{}", out.stderr);

    for (args, says) in [
        (&["--tier", "Gold"][..], "--tier Gold: allowed: MissionCritical, Critical"),
        (&["--name", "a b"][..], "policy name \"a b\" is not allowed"),
        (&["--data-location", "Mars"][..], "--data-location Mars: allowed: AnyLocation, SameContinent or SameCountry"),
    ] {
        let mut all = vec!["export-policy", model.to_str().unwrap()];
        all.extend_from_slice(args);
        let out = run(&all);
        assert_eq!(out.code, Some(2), "{args:?}");
        assert!(out.stderr.contains(says), "{args:?}: {}", out.stderr);
    }
}

#[test]
fn a_sub_second_target_is_cut_with_a_warning_or_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("models/securecart-monolith.toml")).unwrap();
    let file = dir.path().join("m.toml");
    std::fs::write(&file, text.replace("rto = \"30m\"", "rto = \"30m 0.5s\"")).unwrap();
    let out = run(&["export-policy", file.to_str().unwrap()]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stderr.contains("warning: az RTO 30m 0.5s is written as 1800 s"), "{}", out.stderr);
    let out = run(&["export-policy", file.to_str().unwrap(), "--strict"]);
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("not converted with --strict, 3 target(s)"), "{}", out.stderr);
    assert!(out.stdout.is_empty());
}

#[test]
fn every_bundled_model_survives_export_then_import() {
    let dir = tempfile::tempdir().unwrap();
    let mut models: Vec<PathBuf> = std::fs::read_dir(root().join("models"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        // Platform models (`[[service]]`) have no top-level strategies to export targets for.
        .filter(|p| !std::fs::read_to_string(p).unwrap().contains("[[service]]"))
        .collect();
    models.sort();
    assert!(models.len() >= 4);
    for path in models {
        let original = Model::load(&path).unwrap();
        let exported = run(&["export-policy", path.to_str().unwrap(), "--tier", "Important"]);
        assert_eq!(exported.code, Some(0), "{}: {}", path.display(), exported.stderr);
        let policy = dir.path().join("policy.json");
        std::fs::write(&policy, &exported.stdout).unwrap();
        let confidence = original.targets.confidence.get().to_string();
        let imported = run(&["import-policy", policy.to_str().unwrap(), "--confidence", &confidence, "--strict"]);
        assert_eq!(imported.code, Some(0), "{}: {}", path.display(), imported.stderr);
        let text = std::fs::read_to_string(&path).unwrap();
        let again = Model::from_str_at(&with_targets(&text, &imported.stdout), &path).unwrap();
        assert_eq!(again.targets.per_kind, original.targets.per_kind, "{}", path.display());
        assert_eq!(again.targets.confidence, original.targets.confidence, "{}", path.display());
    }
}
