//! `drsim check` and the simulation never disagree: for every audit finding
//! that concerns what is simulated, the finding's own fixture
//! (tests/fixtures/lint/, at most with the rate or probability the finding's
//! message names made explicit) is simulated and shows the consequence the
//! finding warns about. `backups-not-encrypted` changes nothing simulated
//! (documented in docs/errors.md).

use std::path::Path;

use drsim::incident::Path as IncidentPath;
use drsim::lint::{Code, lint};
use drsim::model::{DisruptionKind, Model};
use drsim::simulation::{Results, RunOptions, simulate};
use drsim::summary::KindSummary;

const TRIALS: u64 = 4_000;

fn text(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/lint/{name}.toml", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "fixture has {from:?}");
    text.replacen(from, to, 1)
}

/// Lints and simulates a model text; asserts the finding fires.
fn run(text: &str, code: Code) -> Results {
    let model = Model::from_str_at(text, Path::new("fixture.toml")).expect("valid");
    assert!(lint(&model).iter().any(|f| f.code == code), "{code} fires");
    simulate(&model, &RunOptions { trials: TRIALS, seed: 11, ..RunOptions::default() }).unwrap()
}

fn kind(r: &Results, k: DisruptionKind) -> &KindSummary {
    r.strategies[0].kinds.iter().find(|s| s.kind == k).unwrap()
}

fn path_count(k: &KindSummary, path: IncidentPath) -> u64 {
    k.paths.iter().find(|(p, _)| *p == path).map_or(0, |(_, n)| *n)
}

const REGION_FAILURE: &str = "control_plane_probability = 0.3";

#[test]
fn backups_not_copied_wait_for_the_region_or_are_lost_with_it() {
    let base = text("backups-not-copied");
    let waited = kind(&run(&base, Code::BackupsNotCopied), DisruptionKind::Region).clone();
    assert_eq!(path_count(&waited, IncidentPath::Restored), 0, "no copy to restore from in the DR region");
    assert!(path_count(&waited, IncidentPath::DrUnavailableWaited) > 0);
    let fire = edit(&base, REGION_FAILURE, "control_plane_probability = 0.3\ndestroy_probability = 1.0");
    let model = Model::from_str_at(&fire, Path::new("fixture.toml")).unwrap();
    let finding = lint(&model).into_iter().find(|f| f.code == Code::BackupsNotCopied).unwrap();
    assert!(finding.message.contains("destroy"), "{}", finding.message);
    let lost = kind(&run(&fire, Code::BackupsNotCopied), DisruptionKind::Region).clone();
    assert_eq!(lost.data_lost_entirely, lost.incidents, "a destroyed region takes the only backups");
}

#[test]
fn mutable_backups_are_destroyed_by_ransomware() {
    let k = kind(&run(&text("backups-not-immutable"), Code::BackupsNotImmutable), DisruptionKind::Logical).clone();
    assert!(k.data_lost_entirely > 0);
}

#[test]
fn an_rpo_below_the_backup_interval_is_missed() {
    let k =
        kind(&run(&text("rpo-below-backup-interval"), Code::RpoBelowBackupInterval), DisruptionKind::Logical).clone();
    assert!(k.rpo_met.estimate < 1.0);
}

#[test]
fn retention_below_detection_loses_everything_sometimes() {
    let k =
        kind(&run(&text("retention-below-detection"), Code::RetentionBelowDetection), DisruptionKind::Logical).clone();
    assert!(k.data_lost_entirely > 0);
}

#[test]
fn a_failover_that_needs_the_failed_control_plane_waits() {
    let r = run(&text("failover-needs-failed-control-plane"), Code::FailoverNeedsFailedControlPlane);
    assert!(path_count(kind(&r, DisruptionKind::Region), IncidentPath::DrUnavailableWaited) > 0);
}

#[test]
fn a_job_that_never_succeeds_loses_everything() {
    let k =
        kind(&run(&text("backup-job-never-succeeds"), Code::BackupJobNeverSucceeds), DisruptionKind::Logical).clone();
    assert_eq!(k.data_lost_entirely, k.incidents);
    assert_eq!(k.rto_met.successes, 0);
}

#[test]
fn copies_that_outlive_retention_never_restore_a_region() {
    let r = run(&text("copy-delay-beyond-retention"), Code::CopyDelayBeyondRetention);
    assert_eq!(path_count(kind(&r, DisruptionKind::Region), IncidentPath::Restored), 0);
}

#[test]
fn no_backups_lose_every_logical_incident() {
    let k = kind(&run(&text("no-backups-for-logical"), Code::NoBackupsForLogical), DisruptionKind::Logical).clone();
    assert_eq!(k.data_lost_entirely, k.incidents);
}

#[test]
fn untested_backups_that_break_lose_more_than_tested_ones() {
    let broken = |t: &str| edit(t, "job_success = 0.99", "job_success = 0.99\nbreakage_rate_per_year = 4.0");
    let untested =
        kind(&run(&broken(&text("restore-tests-missing")), Code::RestoreTestsMissing), DisruptionKind::Logical).clone();
    let model = Model::from_str_at(&broken(&text("clean")), Path::new("clean.toml")).unwrap();
    assert!(lint(&model).is_empty());
    let r = simulate(&model, &RunOptions { trials: TRIALS, seed: 11, ..RunOptions::default() }).unwrap();
    let tested = kind(&r, DisruptionKind::Logical).clone();
    // Monthly tests bound a broken spell to a month; untested, it lasts until
    // a restore. 4 SE of the difference of two shares of ~4,000 incidents.
    let se = |p: f64, n: u64| p * (1.0 - p) / n as f64;
    let diff_se =
        (se(untested.rpo_met.estimate, untested.incidents) + se(tested.rpo_met.estimate, tested.incidents)).sqrt();
    assert!(
        tested.rpo_met.estimate - untested.rpo_met.estimate > 4.0 * diff_se,
        "tested {} vs untested {}",
        tested.rpo_met.estimate,
        untested.rpo_met.estimate
    );
}

#[test]
fn backups_at_one_provider_are_deleted_with_the_subscription() {
    let k = kind(&run(&text("backups-at-one-provider"), Code::BackupsAtOneProvider), DisruptionKind::Logical).clone();
    // 10% of logical incidents: 4 standard errors of a share of ~4,000.
    let p = 0.1;
    let share = k.data_lost_entirely as f64 / k.incidents as f64;
    assert!((share - p).abs() <= 4.0 * (p * (1.0 - p) / k.incidents as f64).sqrt(), "{share}");
}

#[test]
fn without_drills_drifting_failovers_fail_more_often() {
    // The fixtures give failover reliability a drift (the finding fires only then).
    let failed = |r: &Results| {
        let k = kind(r, DisruptionKind::Region);
        (path_count(k, IncidentPath::FailoverFailedWaited) + path_count(k, IncidentPath::FailoverFailedRestored)) as f64
            / k.incidents as f64
    };
    let undrilled = failed(&run(&text("drills-missing"), Code::DrillsMissingOrRare));
    let model = Model::from_str_at(&text("clean"), Path::new("clean.toml")).unwrap();
    let drilled = failed(&simulate(&model, &RunOptions { trials: TRIALS, seed: 11, ..RunOptions::default() }).unwrap());
    assert!(undrilled > drilled + 0.05, "undrilled {undrilled} vs drilled {drilled}");
}
