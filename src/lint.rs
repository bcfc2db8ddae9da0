//! `drsim check` as a lint: the practices DR auditors (PCI DSS, GDPR, ISO
//! 22301) ask about, checked on a valid model. A finding never changes the
//! simulation; it says what an auditor would flag and why it matters.
//!
//! Every finding is documented in `docs/errors.md` with its code.

use std::fmt;

use crate::model::{DisruptionKind, FailureDetail, KeyPath, Model, StrategyKind};
use crate::strategy::bounds as fastest;

/// The longest drill interval that is not a finding: six months (half of the
/// 365-day year drsim simulates). Audit frameworks ask for DR tests at least
/// yearly; six months is the common internal policy and what AWS's
/// Well-Architected reliability pillar (REL13) recommends as a floor.
pub const MAX_DRILL_INTERVAL_DAYS: f64 = 182.5;

/// The quantile of the `logical` detection delay that backup retention must
/// cover: P99, so that at most 1 in 100 logical incidents is discovered after
/// every clean backup has expired. (P95 would leave 1 in 20 unrecoverable,
/// too many for data an auditor asks about.)
pub const DETECTION_QUANTILE: f64 = 0.99;

/// What kind of finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    /// Backups stay in the primary region.
    BackupsNotCopied,
    /// Backups can be deleted by ransomware that the model says may strike.
    BackupsNotImmutable,
    /// The RPO target is shorter than the backup interval of a strategy that restores from backups.
    RpoBelowBackupInterval,
    /// Retention expires backups before `logical` damage is usually discovered.
    RetentionBelowDetection,
    /// No failover drill, or drills rarer than every six months, for a
    /// strategy whose failover reliability drifts (there is something to drill).
    DrillsMissingOrRare,
    /// Backups not encrypted at rest.
    BackupsNotEncrypted,
    /// Failover needs the control plane of the region that failed.
    FailoverNeedsFailedControlPlane,
    /// A backup job (or its copy) can never succeed.
    BackupJobNeverSucceeds,
    /// Copies take longer to arrive than backups are kept.
    CopyDelayBeyondRetention,
    /// A strategy with no backups faces `logical` damage.
    NoBackupsForLogical,
    /// Backups are never test-restored.
    RestoreTestsMissing,
    /// Every copy is held at the provider that the model says may delete the subscription.
    BackupsAtOneProvider,
    /// An RTO target is below the fastest recovery of every strategy.
    TargetBelowFastestRecovery,
}

impl Code {
    /// Every code, in documentation order.
    pub const ALL: [Code; 13] = [
        Code::BackupsNotCopied,
        Code::BackupsNotImmutable,
        Code::RpoBelowBackupInterval,
        Code::RetentionBelowDetection,
        Code::DrillsMissingOrRare,
        Code::BackupsNotEncrypted,
        Code::FailoverNeedsFailedControlPlane,
        Code::BackupJobNeverSucceeds,
        Code::CopyDelayBeyondRetention,
        Code::NoBackupsForLogical,
        Code::RestoreTestsMissing,
        Code::BackupsAtOneProvider,
        Code::TargetBelowFastestRecovery,
    ];

    /// The stable name shown in messages and documented in `docs/errors.md`.
    pub fn name(self) -> &'static str {
        match self {
            Code::BackupsNotCopied => "backups-not-copied",
            Code::BackupsNotImmutable => "backups-not-immutable",
            Code::RpoBelowBackupInterval => "rpo-below-backup-interval",
            Code::RetentionBelowDetection => "retention-below-detection",
            Code::DrillsMissingOrRare => "drills-missing-or-rare",
            Code::BackupsNotEncrypted => "backups-not-encrypted",
            Code::FailoverNeedsFailedControlPlane => "failover-needs-failed-control-plane",
            Code::BackupJobNeverSucceeds => "backup-job-never-succeeds",
            Code::CopyDelayBeyondRetention => "copy-delay-beyond-retention",
            Code::NoBackupsForLogical => "no-backups-for-logical",
            Code::RestoreTestsMissing => "restore-tests-missing",
            Code::BackupsAtOneProvider => "backups-at-one-provider",
            Code::TargetBelowFastestRecovery => "target-below-fastest-recovery",
        }
    }

    /// What was found, as a short title (a SARIF rule's short description).
    pub fn title(self) -> &'static str {
        match self {
            Code::BackupsNotCopied => "Backups stay in the primary region",
            Code::BackupsNotImmutable => "Backups are not immutable though ransomware may strike",
            Code::RpoBelowBackupInterval => "The RPO target is shorter than the backup interval",
            Code::RetentionBelowDetection => "Backup retention is shorter than the P99 logical detection delay",
            Code::DrillsMissingOrRare => "No failover drill, or drills rarer than every 6 months",
            Code::BackupsNotEncrypted => "Backups are not encrypted at rest",
            Code::FailoverNeedsFailedControlPlane => "Failover needs the failed region's control plane",
            Code::BackupJobNeverSucceeds => "A backup job (or its copy) never succeeds",
            Code::CopyDelayBeyondRetention => "Backup copies arrive after the backups expire",
            Code::NoBackupsForLogical => "No backups while logical damage may strike",
            Code::RestoreTestsMissing => "Backups are never test-restored",
            Code::BackupsAtOneProvider => "Every backup is held at the provider that may delete the subscription",
            Code::TargetBelowFastestRecovery => "An RTO target is below the fastest recovery of every strategy",
        }
    }

    /// Why an auditor cares, in one sentence.
    pub fn why(self) -> &'static str {
        match self {
            Code::BackupsNotCopied => {
                "a region outage makes the only backups unreachable (backup_restore waits for the region), \
                 and one that destroys the region (destroy_probability) takes them with it: all data lost"
            }
            Code::BackupsNotImmutable => {
                "ransomware deletes or encrypts backups that are not locked (S3 Object Lock, AWS Backup \
                 Vault Lock); without a clean copy the data is lost entirely"
            }
            Code::RpoBelowBackupInterval => {
                "a restore loses everything written since the last backup, up to one interval, so the \
                 RPO target cannot be met for incidents that need a restore"
            }
            Code::RetentionBelowDetection => {
                "damage discovered after the last clean backup has expired cannot be undone: every copy \
                 left holds the damage"
            }
            Code::DrillsMissingOrRare => {
                "an untested failover drifts out of working order (DNS, IAM, capacity, runbooks); \
                 auditors ask for evidence of a recent DR test"
            }
            Code::BackupsNotEncrypted => {
                "backups hold the same personal and card data as production; PCI DSS 3.5 and GDPR \
                 Art. 32 expect them encrypted at rest"
            }
            Code::FailoverNeedsFailedControlPlane => {
                "region outages often take the control plane down too (the model says how often); a \
                 failover run from there fails exactly when it is needed: use data-plane failover"
            }
            Code::BackupJobNeverSucceeds => {
                "no backup is ever usable, so every restore finds nothing: each incident that needs one \
                 loses all data"
            }
            Code::CopyDelayBeyondRetention => {
                "a copy that arrives after its backup has expired is never usable: a restore in the DR \
                 region finds nothing"
            }
            Code::NoBackupsForLogical => {
                "replication copies corruption and deletions to every replica at once; without a backup \
                 taken before the damage, every logical incident loses all data"
            }
            Code::RestoreTestsMissing => {
                "a backup pipeline that breaks silently (a dump failing after an upgrade) stays broken \
                 until someone restores: only a restore test finds it before the incident does"
            }
            Code::BackupsAtOneProvider => {
                "a provider-side deletion of the subscription takes replicas and every backup held at \
                 that provider, locked or not; only a copy at another provider survives"
            }
            Code::TargetBelowFastestRecovery => {
                "no strategy can recover that fast even when every step takes its shortest time, so every \
                 strategy misses the target and the verdict cannot tell them apart: change the target or \
                 the slowest step (usually the restore throughput)"
            }
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One audit finding about a valid model.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// What kind of finding.
    pub code: Code,
    /// The key it is about, e.g. `strategy[0].backup.immutable`.
    pub key: KeyPath,
    /// What was found, with the model's figures.
    pub message: String,
}

impl Finding {
    fn new(code: Code, key: KeyPath, message: String) -> Finding {
        Finding { code, key, message }
    }
}

/// Lints a valid model; findings come in strategy order.
pub fn lint(model: &Model) -> Vec<Finding> {
    let mut out = Vec::new();
    let ransomware = model.failure(DisruptionKind::Logical).and_then(|f| match &f.detail {
        FailureDetail::Logical { ransomware_share, .. } if ransomware_share.get() > 0.0 => Some(ransomware_share.get()),
        _ => None,
    });
    let detection = model.failure(DisruptionKind::Logical).and_then(|f| match &f.detail {
        FailureDetail::Logical { detection_delay, .. } => Some(detection_delay),
        _ => None,
    });
    let control_plane = model.failure(DisruptionKind::Region).and_then(|f| match &f.detail {
        FailureDetail::Outage { control_plane_probability, .. } if control_plane_probability.get() > 0.0 => {
            Some(control_plane_probability.get())
        }
        _ => None,
    });
    let logical = model.failure(DisruptionKind::Logical).and_then(|f| match &f.detail {
        FailureDetail::Logical { account_deletion_share, provider_deletion_share, .. } if f.rate_per_year > 0.0 => {
            Some((account_deletion_share.get(), provider_deletion_share.get()))
        }
        _ => None,
    });
    let destroy = model.failure(DisruptionKind::Region).and_then(|f| match &f.detail {
        FailureDetail::Outage { destroy_probability, .. } if destroy_probability.get() > 0.0 => {
            Some(destroy_probability.get())
        }
        _ => None,
    });
    out.extend(unreachable_targets(model));
    for (i, s) in model.strategies.iter().enumerate() {
        let at = KeyPath::root().key("strategy").index(i);
        let name = &s.name;
        if s.backup.is_none() && logical.is_some() {
            out.push(Finding::new(
                Code::NoBackupsForLogical,
                at.key("backup"),
                format!("strategy \"{name}\" has no backups while the model has logical damage: every logical incident loses all data"),
            ));
        }
        if let Some(b) = &s.backup {
            let bat = at.key("backup");
            if !b.copy_to_dr_region {
                let consequence = match destroy {
                    Some(p) => format!(
                        "; {:.0}% of region outages destroy the region, and with it the only backups",
                        p * 100.0
                    ),
                    None => "; a region outage leaves them unreachable until the region is back".to_string(),
                };
                out.push(Finding::new(
                    Code::BackupsNotCopied,
                    bat.key("copy_to_dr_region"),
                    format!("strategy \"{name}\": backups are not copied to another region{consequence}"),
                ));
            }
            if b.job_success.get() == 0.0 || (b.copy_to_dr_region && b.copy_success.get() == 0.0) {
                let key = if b.job_success.get() == 0.0 { "job_success" } else { "copy_success" };
                out.push(Finding::new(
                    Code::BackupJobNeverSucceeds,
                    bat.key(key),
                    format!("strategy \"{name}\": `{key}` is 0, so no backup is ever usable"),
                ));
            }
            if b.copy_to_dr_region {
                let median = crate::model::Duration::from_secs(b.copy_delay.quantile(0.5));
                if median >= b.retention {
                    out.push(Finding::new(
                        Code::CopyDelayBeyondRetention,
                        bat.key("copy_delay"),
                        format!(
                            "strategy \"{name}\": the median copy delay ({median}) is not shorter than retention ({})",
                            b.retention
                        ),
                    ));
                }
            }
            if b.restore_test_interval.is_none() {
                let consequence = if b.breakage_rate_per_year > 0.0 {
                    format!(
                        "; the pipeline breaks silently {} times a year and only a real restore finds it",
                        b.breakage_rate_per_year
                    )
                } else {
                    "; the model assumes it never breaks silently (set breakage_rate_per_year to see what that \
                     assumption hides)"
                        .to_string()
                };
                out.push(Finding::new(
                    Code::RestoreTestsMissing,
                    bat.key("restore_test_interval"),
                    format!("strategy \"{name}\": backups are never test-restored{consequence}"),
                ));
            }
            if let Some((_, provider)) = logical.filter(|(_, p)| *p > 0.0) {
                if b.vault != crate::model::Vault::OtherProvider {
                    out.push(Finding::new(
                        Code::BackupsAtOneProvider,
                        bat.key("vault"),
                        format!(
                            "strategy \"{name}\": every copy is held at the provider, which deletes the subscription in {:.0}% of logical incidents",
                            provider * 100.0
                        ),
                    ));
                }
            }
            let account = logical.is_some_and(|(a, _)| a > 0.0);
            let reachable = !b.immutable && b.vault == crate::model::Vault::SameAccount;
            if reachable && (ransomware.is_some() || account) {
                let threat = match ransomware {
                    Some(share) => format!("{:.0}% of logical incidents are ransomware", share * 100.0),
                    None => "logical incidents may delete the account".to_string(),
                };
                out.push(Finding::new(
                    Code::BackupsNotImmutable,
                    bat.key("immutable"),
                    format!("strategy \"{name}\": backups are not immutable while {threat}"),
                ));
            }
            // backup_restore restores from backups for every kind but `application`
            // (nothing damaged: waited out); every strategy does for `logical`.
            let kinds: &[DisruptionKind] = if s.kind() == StrategyKind::BackupRestore {
                &[DisruptionKind::Az, DisruptionKind::Region, DisruptionKind::Logical]
            } else {
                &[DisruptionKind::Logical]
            };
            let worst = kinds
                .iter()
                .filter(|k| model.failure(**k).is_some())
                .map(|k| (model.targets.rpo_for(*k), *k))
                .min_by(|a, b| a.0.total_cmp(&b.0));
            if let Some((rpo, kind)) = worst.filter(|(rpo, _)| *rpo < b.interval) {
                out.push(Finding::new(
                    Code::RpoBelowBackupInterval,
                    bat.key("interval"),
                    format!(
                        "strategy \"{name}\": the {kind} RPO target ({rpo}) is shorter than the backup interval ({})",
                        b.interval
                    ),
                ));
            }
            if let Some(delay) = detection {
                let p = crate::model::Duration::from_secs(delay.quantile(DETECTION_QUANTILE));
                if b.retention < p {
                    out.push(Finding::new(
                        Code::RetentionBelowDetection,
                        bat.key("retention"),
                        format!(
                            "strategy \"{name}\": retention ({}) is shorter than the P99 logical detection delay ({p})",
                            b.retention
                        ),
                    ));
                }
            }
            if !b.encrypted {
                out.push(Finding::new(
                    Code::BackupsNotEncrypted,
                    bat.key("encrypted"),
                    format!("strategy \"{name}\": backups are not encrypted at rest"),
                ));
            }
        }
        // Drills clear failover drift; a strategy with none has nothing a drill changes.
        let nothing_to_drill = s.reliability.drift.is_none();
        match s.drill_interval {
            _ if nothing_to_drill => {}
            None => out.push(Finding::new(
                Code::DrillsMissingOrRare,
                at.key("drill_interval"),
                format!("strategy \"{name}\": no failover drill is scheduled"),
            )),
            Some(d) if d.days() > MAX_DRILL_INTERVAL_DAYS => out.push(Finding::new(
                Code::DrillsMissingOrRare,
                at.key("drill_interval"),
                format!("strategy \"{name}\": drills every {d} are rarer than every 6 months (182.5d)"),
            )),
            Some(_) => {}
        }
        if let Some(p) = control_plane.filter(|_| s.needs_primary_control_plane) {
            out.push(Finding::new(
                Code::FailoverNeedsFailedControlPlane,
                at.key("failover_needs_primary_control_plane"),
                format!(
                    "strategy \"{name}\": failover needs the failed region's control plane, which {:.0}% of region outages take down",
                    p * 100.0
                ),
            ));
        }
    }
    out
}

/// `target-below-fastest-recovery`: per disruption kind, an RTO target
/// below the fastest recovery of every strategy (the lower ends of its
/// steps; `crate::strategy::bounds`). One finding per kind, at the target's key.
fn unreachable_targets(model: &Model) -> Vec<Finding> {
    let mut out = Vec::new();
    if model.strategies.is_empty() {
        return out;
    }
    for f in model.failures.iter().filter(|f| f.rate_per_year > 0.0) {
        let target = model.targets.rto_for(f.kind);
        let bounds: Vec<Option<fastest::FastestRecovery>> =
            model.strategies.iter().map(|s| fastest::fastest_recovery(model, s, f.kind)).collect();
        let reachable = bounds.iter().flatten().any(|b| b.seconds <= target.secs());
        if reachable || bounds.iter().all(Option::is_none) {
            continue;
        }
        let each: Vec<String> = model
            .strategies
            .iter()
            .zip(&bounds)
            .map(|(s, b)| match b {
                Some(b) => format!("{} {}", s.name, crate::model::Duration::from_secs(b.seconds)),
                None => format!("{} never (no backups)", s.name),
            })
            .collect();
        let throughput = bounds
            .iter()
            .flatten()
            .filter_map(|b| b.restore)
            .filter_map(|r| r.throughput_for(target.secs()))
            .min_by(f64::total_cmp)
            .filter(|_| bounds.iter().flatten().all(|b| b.restore.is_some()))
            .map_or(String::new(), |n| {
                format!("; a restore throughput of at least {:.0} GB/h would make it reachable", n.ceil())
            });
        let ridden = if f.kind == DisruptionKind::Logical {
            ""
        } else {
            " (only outages shorter than the target, ridden out, can meet it)"
        };
        let key = if target != model.targets.rto {
            KeyPath::root().key("targets").key(f.kind.name()).key("rto")
        } else {
            KeyPath::root().key("targets").key("rto")
        };
        out.push(Finding::new(
            Code::TargetBelowFastestRecovery,
            key,
            format!(
                "the {} RTO target ({target}) is below the fastest recovery of every strategy{ridden}: {}{throughput}",
                f.kind,
                each.join(", ")
            ),
        ));
    }
    out
}

/// Where a finding is in the model text: 1-based line and column (1:1 when
/// the key cannot be found, e.g. a value taken from a default).
pub fn position(text: &str, key: &KeyPath) -> (usize, usize) {
    span(text, key).unwrap_or((1, 1))
}

/// Where a key is in the model text: 1-based line and column, or `None`
/// when the text does not hold it (a value taken from a default, or no text).
pub fn span(text: &str, key: &KeyPath) -> Option<(usize, usize)> {
    let doc = toml_edit::Document::parse(text).ok()?;
    key.locate(&doc).map(|r| crate::model::line_column(text, r.start))
}

/// What `drsim check` found in one model file, as its machine-readable
/// reports (JSON, SARIF) read it: the problems that make it invalid, or the
/// audit findings of a valid model.
#[derive(Clone, Copy, Debug)]
pub struct Audit<'a> {
    /// The model file as given on the command line, or
    /// [`crate::input::STDIN_NAME`] for standard input.
    pub path: &'a std::path::Path,
    /// Its text, to locate the findings' keys.
    pub text: &'a str,
    /// The workload's name when the model is valid.
    pub workload: Option<&'a str>,
    /// Why the model is invalid (empty when it is valid), each with its position.
    pub problems: &'a [crate::model::Problem],
    /// The audit findings of a valid model.
    pub findings: &'a [Finding],
    /// Whether findings are errors (`--strict`) rather than warnings.
    pub strict: bool,
    /// The validated model (none when it is invalid): what the machine
    /// formats say of each strategy beside the findings.
    pub model: Option<&'a crate::model::Model>,
}

impl Audit<'_> {
    /// The level of the findings: `error` with `--strict`, else `warning`.
    pub fn finding_level(&self) -> &'static str {
        if self.strict { "error" } else { "warning" }
    }
}
