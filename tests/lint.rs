//! `drsim check` as a lint: one purpose-built model per finding
//! (tests/fixtures/lint/), each made from clean.toml by changing one line, so
//! each triggers exactly its own finding and nothing else.

use std::path::Path;
use std::process::Command;

use drsim::lint::{Code, lint};
use drsim::model::Model;

const CASES: [(&str, Code); 14] = [
    ("backups-not-copied", Code::BackupsNotCopied),
    ("backups-not-immutable", Code::BackupsNotImmutable),
    ("rpo-below-backup-interval", Code::RpoBelowBackupInterval),
    ("retention-below-detection", Code::RetentionBelowDetection),
    ("drills-missing", Code::DrillsMissingOrRare),
    ("drills-rare", Code::DrillsMissingOrRare),
    ("backups-not-encrypted", Code::BackupsNotEncrypted),
    ("failover-needs-failed-control-plane", Code::FailoverNeedsFailedControlPlane),
    ("backup-job-never-succeeds", Code::BackupJobNeverSucceeds),
    ("copy-delay-beyond-retention", Code::CopyDelayBeyondRetention),
    ("no-backups-for-logical", Code::NoBackupsForLogical),
    ("restore-tests-missing", Code::RestoreTestsMissing),
    ("backups-at-one-provider", Code::BackupsAtOneProvider),
    ("target-below-fastest-recovery", Code::TargetBelowFastestRecovery),
];

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/lint/{name}.toml", env!("CARGO_MANIFEST_DIR"))
}

fn check(path: &str, strict: bool) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_drsim"));
    cmd.arg("check").arg(path);
    if strict {
        cmd.arg("--strict");
    }
    let out = cmd.output().expect("runs drsim");
    (
        out.status.code().expect("exit code"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_clean_model_has_no_findings_even_strict() {
    let model = Model::load(Path::new(&fixture("clean"))).expect("valid");
    assert_eq!(lint(&model), vec![]);
    let (code, stdout, stderr) = check(&fixture("clean"), true);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("audit: no findings"), "{stdout}");
}

#[test]
fn every_finding_fires_alone_on_its_model() {
    for (name, expected) in CASES {
        let model = Model::load(Path::new(&fixture(name))).expect("valid");
        let codes: Vec<Code> = lint(&model).iter().map(|f| f.code).collect();
        assert_eq!(codes, vec![expected], "{name}");
    }
}

#[test]
fn findings_are_warnings_by_default_and_errors_with_strict() {
    for (name, expected) in CASES {
        let path = fixture(name);
        let (code, stdout, stderr) = check(&path, false);
        assert_eq!(code, 0, "{name}: {stderr}");
        assert!(stdout.contains("audit: 1 finding(s)"), "{name}: {stdout}");
        let tag = format!("warning[{}]", expected.name());
        assert!(stderr.contains(&tag), "{name}: {stderr}");
        assert!(stderr.contains(&format!("why it matters: {}", expected.why())), "{name}: {stderr}");
        // file:line:column of the key the finding is about
        let located = stderr.lines().next().unwrap_or_default();
        let rest = located.strip_prefix(&format!("{path}:")).unwrap_or_else(|| panic!("{name}: {located}"));
        let mut parts = rest.splitn(3, ':');
        let line: usize = parts.next().unwrap().parse().expect("line");
        let column: usize = parts.next().unwrap().parse().expect("column");
        assert!(line > 1 && column >= 1, "{name}: {located}");

        let (code, _, stderr) = check(&path, true);
        assert_eq!(code, 3, "{name}: {stderr}");
        assert!(stderr.contains(&format!("error[{}]", expected.name())), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    }
}

/// SecureCart passes every practice the audit asks about; its one finding is
/// the logical RTO of 30m, which no restore of its 2,000 GB can reach: what
/// its verdict turns on, so `drsim check` says so before anything is simulated.
#[test]
fn the_bundled_model_passes_the_audit_but_for_its_unreachable_logical_rto() {
    let path = format!("{}/models/securecart-monolith.toml", env!("CARGO_MANIFEST_DIR"));
    let model = Model::load(Path::new(&path)).expect("valid");
    let codes: Vec<Code> = lint(&model).iter().map(|f| f.code).collect();
    assert_eq!(codes, vec![Code::TargetBelowFastestRecovery]);
    let (code, _, stderr) = check(&path, false);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("the logical RTO target (30m) is below the fastest recovery of every strategy"),
        "{stderr}"
    );
}

/// The retention finding compares with the P99 of the detection delay. For
/// lognormal(median 2h, p95 2d): sigma = ln(24) / 1.6449 = 1.9320, and
/// P99 = 2h * exp(2.3263 * 1.9320) = 2h * 89.31 = 178.6 h = 7.44 d. So 7d of
/// retention is a finding and 7d 12h is not.
#[test]
fn retention_is_compared_with_the_p99_detection_delay() {
    let text = std::fs::read_to_string(fixture("clean")).unwrap();
    for (retention, finding) in [("7d", true), ("7d 12h", false)] {
        let model = Model::from_str_at(
            &text.replace("retention = \"35d\"", &format!("retention = \"{retention}\"")),
            Path::new("retention.toml"),
        )
        .expect("valid");
        let found = lint(&model).iter().any(|f| f.code == Code::RetentionBelowDetection);
        assert_eq!(found, finding, "retention {retention}");
    }
}

/// Six months is 182.5 days: a drill every 182d passes, every 183d does not.
#[test]
fn drills_rarer_than_six_months_are_a_finding() {
    let text = std::fs::read_to_string(fixture("clean")).unwrap();
    for (interval, finding) in [("182d", false), ("183d", true)] {
        let model = Model::from_str_at(
            &text.replace("drill_interval = \"90d\"", &format!("drill_interval = \"{interval}\"")),
            Path::new("drill.toml"),
        )
        .expect("valid");
        assert_eq!(lint(&model).iter().any(|f| f.code == Code::DrillsMissingOrRare), finding, "{interval}");
    }
}

/// Drills clear failover drift: a strategy without drift has nothing a drill
/// changes in the simulation, so its missing drills are no finding.
#[test]
fn no_drill_finding_without_something_to_drill() {
    let text = std::fs::read_to_string(fixture("drills-missing")).unwrap();
    let model = Model::from_str_at(
        &text.replace("reliability = { failure_probability = 0.05, drift = \"180d\" }", ""),
        Path::new("no-drift.toml"),
    )
    .expect("valid");
    assert!(!lint(&model).iter().any(|f| f.code == Code::DrillsMissingOrRare));
}
