//! Real public cases (`tests/cases/*.toml`, each opening with its source, the
//! right value and what drsim 0.2 printed), run at a fixed seed and checked
//! against their right values.
//!
//! Tolerances: a share `p` estimated from `n` incidents has standard error
//! `sqrt(p (1 - p) / n)`; a mean carries its own standard error; a median of
//! a density `f` at the median has standard error `1 / (2 f sqrt(n))`. Every
//! check allows 4 standard errors (a false alarm about once in 16,000 checks)
//! plus the histogram's 0.5% relative resolution where a quantile is read.
//! Exact outcomes (every incident a total loss) are checked exactly.

mod common;

use common::{kind, load_case, strategy};
use drsim::lint::{Code, lint};
use drsim::model::DisruptionKind;
use drsim::simulation::{Results, RunOptions, simulate};
use drsim::summary::Share;

const TRIALS: u64 = 20_000;
const SEED: u64 = 20_260_101;
const HOUR: f64 = 3600.0;
const DAY: f64 = 86_400.0;

fn run(name: &str) -> Results {
    simulate(&load_case(name), &RunOptions { trials: TRIALS, seed: SEED, ..RunOptions::default() }).unwrap()
}

/// Asserts a share is within 4 standard errors of `p`.
fn share_near(what: &str, s: &Share, p: f64) {
    let se = (p * (1.0 - p) / s.trials as f64).sqrt().max(1.0 / s.trials as f64);
    assert!((s.estimate - p).abs() <= 4.0 * se, "{what}: {} vs {p} (4 SE = {})", s.estimate, 4.0 * se);
}

/// Every incident lost all data and met neither target.
fn all_lost(r: &Results, name: &str, k: DisruptionKind) {
    let ks = kind(r, name, k);
    assert!(ks.incidents > 1000, "{name}: {} incidents", ks.incidents);
    assert_eq!(ks.data_lost_entirely, ks.incidents, "{name}: every {k} incident loses all data");
    assert_eq!(ks.rto_met.successes, 0, "{name}: a total loss never meets the RTO");
    assert_eq!(ks.rpo_met.successes, 0, "{name}: nor the RPO");
}

/// The median of a histogram is within `tol_s` of `expected_s` (plus 0.5% resolution).
fn median_near(what: &str, got: f64, expected_s: f64, tol_s: f64) {
    let tol = tol_s + 0.005 * expected_s;
    assert!((got - expected_s).abs() <= tol, "{what}: median {got} s vs {expected_s} s (tolerance {tol} s)");
}

/// Standard error of the median of U(0, w) from n draws: w / (2 sqrt(n)).
fn uniform_median_se(w: f64, n: u64) -> f64 {
    w / (2.0 * (n as f64).sqrt())
}

fn has_finding(name: &str, code: Code) -> bool {
    lint(&load_case(name)).iter().any(|f| f.code == code)
}

#[test]
fn c01_silent_backup_failure() {
    let name = "c01-silent-backup-failure";
    let r = run(name);
    // Dumps that never succeed: all data lost in every incident, and the lint says why.
    all_lost(&r, "dumps-never-succeed", DisruptionKind::Logical);
    assert!(has_finding(name, Code::BackupJobNeverSucceeds));
    // The volume snapshot that saved the day: loss U(0, 24 h), RPO 24 h always met.
    let snap = kind(&r, "volume-snapshot-daily", DisruptionKind::Logical);
    assert_eq!(snap.rpo_met.successes, snap.incidents);
    let rpo50 = snap.rpo_s.unwrap().p50.value;
    median_near("snapshot RPO", rpo50, 12.0 * HOUR, 4.0 * uniform_median_se(24.0 * HOUR, snap.incidents));
    // RTO mean (from discovery) = decision (PERT 15/30/60 min: 32.5 min)
    // + 300 GB / U(15, 20) GB/h (300 ln(20/15) / 5 h) + validation (PERT
    // 0.5/1/2 h: 65 min); no provisioning: the hosts were not compromised.
    let expected = 32.5 * 60.0 + 300.0 * (20.0f64 / 15.0).ln() / 5.0 * HOUR + 65.0 * 60.0;
    let m = snap.rto_mean_s;
    assert!((m.value - expected).abs() <= 4.0 * m.std_error, "RTO mean {} vs {expected}", m.value);
    // A pipeline broken since an upgrade and never test-restored: tens of
    // percent of incidents lose weeks or everything, far worse than 3% of
    // jobs failing independently, and the lint flags the missing restore tests.
    let broken = kind(&r, "dumps-broken-since-upgrade", DisruptionKind::Logical);
    let independent = kind(&r, "dumps-independent-failures", DisruptionKind::Logical);
    let missed = 1.0 - broken.rpo_met.estimate;
    assert!((0.1..0.6).contains(&missed), "broken pipeline misses the RPO in {missed}");
    assert!(broken.total_loss.low > 0.1, "{:?}", broken.total_loss);
    assert!(independent.rpo_met.estimate - broken.rpo_met.estimate > 0.2);
    assert_eq!(independent.data_lost_entirely, 0);
    assert!(has_finding(name, Code::RestoreTestsMissing));
}

#[test]
fn c02_site_fire_destroys_backups_on_the_same_site() {
    let name = "c02-site-fire-backups-same-site";
    let r = run(name);
    all_lost(&r, "backups-same-campus", DisruptionKind::Region);
    // The lint and the simulation agree: the finding names the destruction.
    let findings = lint(&load_case(name));
    let f = findings.iter().find(|f| f.code == Code::BackupsNotCopied).expect("lint fires");
    assert!(f.message.contains("destroy"), "{}", f.message);
    // The other campus's copy: loss = copy delay + U(0, 24 h), so the RPO of
    // 24 h is missed exactly when the day's copy had not landed:
    // P(miss) = E[copy delay] / 24 h = PERT(0.5, 1, 3 h) mean 1.25 h / 24 h.
    let other = kind(&r, "backups-other-campus", DisruptionKind::Region);
    share_near("other campus RPO met", &other.rpo_met, 1.0 - 1.25 / 24.0);
    assert_eq!(other.data_lost_entirely, 0);
    let rto50 = other.rto_s.unwrap().p50.value;
    assert!((5.0 * HOUR..10.0 * HOUR).contains(&rto50), "other campus RTO p50 {rto50}");
}

#[test]
fn c04_control_plane_impaired_regression() {
    let r = run("c04-control-plane-impaired");
    let apis = kind(&r, "failover-via-primary-apis", DisruptionKind::Region);
    assert_eq!(apis.rto_met.successes, 0);
    median_near("waits the 7 h", apis.rto_s.unwrap().p50.value, 7.0 * HOUR, 0.0);
    let plane = kind(&r, "failover-data-plane-only", DisruptionKind::Region);
    let p50 = plane.rto_s.unwrap().p50.value;
    assert!((20.0 * 60.0..40.0 * 60.0).contains(&p50), "data-plane failover p50 {p50}");
    assert!(has_finding("c04-control-plane-impaired", Code::FailoverNeedsFailedControlPlane));
}

#[test]
fn c05_regional_dns_outage_regression() {
    let r = run("c05-regional-service-dns-outage");
    median_near(
        "waits 14.5 h",
        kind(&r, "wait-for-region", DisruptionKind::Region).rto_s.unwrap().p50.value,
        14.5 * HOUR,
        0.0,
    );
    let ws = kind(&r, "warm-standby-25pct", DisruptionKind::Region).rto_s.unwrap().p50.value;
    assert!((25.0 * 60.0..45.0 * 60.0).contains(&ws), "warm standby p50 {ws}");
    let aa = kind(&r, "active-active-global-tables", DisruptionKind::Region).rto_s.unwrap().p50.value;
    assert!((60.0..120.0).contains(&aa), "active-active p50 {aa}");
}

#[test]
fn c07_account_takeover_total_loss_is_not_a_recovery() {
    let name = "c07-account-takeover-deletes-backups";
    let r = run(name);
    all_lost(&r, "same-account-copies", DisruptionKind::Logical);
    let locked = kind(&r, "locked-copies", DisruptionKind::Logical);
    assert_eq!(locked.data_lost_entirely, 0);
    median_near(
        "locked copies loss U(0, 4 h)",
        locked.rpo_s.unwrap().p50.value,
        2.0 * HOUR,
        4.0 * uniform_median_se(4.0 * HOUR, locked.incidents),
    );
    let rto50 = locked.rto_s.unwrap().p50.value;
    assert!((5.0 * HOUR..10.0 * HOUR).contains(&rto50), "locked copies RTO p50 {rto50}");
    // Losing everything never looks better than getting the data back.
    assert!(strategy(&r, "locked-copies").availability.value > strategy(&r, "same-account-copies").availability.value);
    assert!(has_finding(name, Code::BackupsNotImmutable));
}

#[test]
fn c10_snapshot_restore_regression() {
    let r = run("c10-snapshot-restore-initialization");
    let k = kind(&r, "snapshot-restore-initialised", DisruptionKind::Logical);
    share_near("RTO 24 h met", &k.rto_met, 0.237);
}

#[test]
fn b03_provider_keeps_storage_regression() {
    let name = "b03-region-cooling-loss-provider-keeps-storage";
    let r = run(name);
    assert_eq!(kind(&r, "provider-managed-geo-storage", DisruptionKind::Region).rto_met.successes, 0);
    let own = kind(&r, "customer-failover-warm-standby", DisruptionKind::Region);
    let p50 = own.rto_s.unwrap().p50.value;
    assert!((30.0 * 60.0..75.0 * 60.0).contains(&p50), "own failover p50 {p50}");
    share_near("RPO 15 min met", &own.rpo_met, 0.948);
    assert_eq!(kind(&r, "customer-failover-needs-global-control-plane", DisruptionKind::Region).rto_met.successes, 0);
    assert!(has_finding(name, Code::FailoverNeedsFailedControlPlane));
}

#[test]
fn b08_provider_deletes_the_subscription() {
    let name = "b08-provider-deletes-subscription-both-regions";
    let r = run(name);
    all_lost(&r, "two-region-replicas-only", DisruptionKind::Logical);
    all_lost(&r, "in-provider-backups", DisruptionKind::Logical);
    let third = kind(&r, "third-party-backups", DisruptionKind::Logical);
    assert_eq!(third.data_lost_entirely, 0);
    assert_eq!(third.rpo_met.successes, third.incidents, "daily copies: RPO 24 h always met");
    median_near(
        "third-party loss U(0, 24 h)",
        third.rpo_s.unwrap().p50.value,
        12.0 * HOUR,
        4.0 * uniform_median_se(24.0 * HOUR, third.incidents),
    );
    let rto50 = third.rto_s.unwrap().p50.value;
    assert!((10.0 * DAY..16.0 * DAY).contains(&rto50), "rebuild at another provider p50 {rto50}");
    assert!(third.rto_met.estimate > 0.99);
    assert!(has_finding(name, Code::BackupsAtOneProvider));
}

#[test]
fn b14_expired_versions_lose_everything_and_meet_neither_target() {
    let name = "b14-versioning-as-backup-noncurrent-expiry";
    let r = run(name);
    let k = kind(&r, "versioning-30d-noncurrent", DisruptionKind::Logical);
    // P(detection + decision > 30 d) = 13.4% (the case's own figure).
    share_near("total loss", &k.total_loss, 0.134);
    // Total losses fail the RTO too (0.2 counted them as met).
    assert!(k.rto_met.successes + k.data_lost_entirely <= k.incidents);
    assert!(k.rto_met.estimate <= 1.0 - k.total_loss.estimate + 1e-12);
    assert!(has_finding(name, Code::RetentionBelowDetection));
}

/// P(a year with a total loss) with Poisson incidents at rate r, every one a
/// total loss, is 1 - exp(-r): 63.2% at one a year.
#[test]
fn the_chance_of_a_year_with_a_total_loss_is_poisson() {
    let r = run("c07-account-takeover-deletes-backups");
    let s = strategy(&r, "same-account-copies");
    share_near("P(year with a total loss)", &s.years_with_total_data_loss, 1.0 - (-1.0f64).exp());
    assert_eq!(strategy(&r, "locked-copies").years_with_total_data_loss.successes, 0);
}
