//! `drsim check` as a lint: the practices DR auditors (PCI DSS, GDPR, ISO
//! 22301) ask about, checked on a valid model. A finding never changes the
//! simulation; it says what an auditor would flag and why it matters.
//!
//! Every finding is documented in `docs/errors.md` with its code.

use std::fmt;

use crate::model::{DisruptionKind, FailureDetail, KeyPath, Model, StrategyKind};

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
}

impl Code {
    /// Every code, in documentation order.
    pub const ALL: [Code; 7] = [
        Code::BackupsNotCopied,
        Code::BackupsNotImmutable,
        Code::RpoBelowBackupInterval,
        Code::RetentionBelowDetection,
        Code::DrillsMissingOrRare,
        Code::BackupsNotEncrypted,
        Code::FailoverNeedsFailedControlPlane,
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
        }
    }

    /// Why an auditor cares, in one sentence.
    pub fn why(self) -> &'static str {
        match self {
            Code::BackupsNotCopied => {
                "a region loss takes the only backups with it, so backup_restore cannot restore and no \
                 strategy can recover from logical damage during the outage"
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
    for (i, s) in model.strategies.iter().enumerate() {
        let at = KeyPath::root().key("strategy").index(i);
        let name = &s.name;
        if let Some(b) = &s.backup {
            let bat = at.key("backup");
            if !b.copy_to_dr_region {
                out.push(Finding::new(
                    Code::BackupsNotCopied,
                    bat.key("copy_to_dr_region"),
                    format!("strategy \"{name}\": backups are not copied to another region"),
                ));
            }
            if let Some(share) = ransomware.filter(|_| !b.immutable) {
                out.push(Finding::new(
                    Code::BackupsNotImmutable,
                    bat.key("immutable"),
                    format!(
                        "strategy \"{name}\": backups are not immutable while {:.0}% of logical incidents are ransomware",
                        share * 100.0
                    ),
                ));
            }
            // backup_restore restores from backups for every kind; every strategy does for `logical`.
            let kinds: &[DisruptionKind] =
                if s.kind() == StrategyKind::BackupRestore { &DisruptionKind::ALL } else { &[DisruptionKind::Logical] };
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

/// Where a finding is in the model text: 1-based line and column (1:1 when
/// the key cannot be found, e.g. a value taken from a default).
pub fn position(text: &str, key: &KeyPath) -> (usize, usize) {
    let doc = toml_edit::Document::parse(text).ok();
    doc.as_ref().and_then(|d| key.locate(d)).map_or((1, 1), |r| crate::model::line_column(text, r.start))
}
