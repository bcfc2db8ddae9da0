//! What `drsim check` says: a short description of a valid model and the
//! audit's findings, on standard output, and each finding as a
//! compiler-style diagnostic (`FILE:LINE:COLUMN: warning[CODE]: ...`) on
//! standard error, so editors can jump to it.

use std::fmt::Write as _;
use std::path::Path;

use super::{Report, ReportError};
use crate::format::fmt_percent;
use crate::lint::{Finding, position};
use crate::model::{Duration, FailureDetail, Model, Posture, Strategy, Unit};
use crate::strategy::bounds;

/// A short description of a valid model: workload, targets, regions,
/// failures and strategies, a line each; under each strategy, how often its
/// failover fails (what the drill interval and drift imply) and the fastest
/// recovery it could achieve per kind.
#[derive(Clone, Copy, Debug, Default)]
pub struct ModelText;

impl Report<Model> for ModelText {
    fn render(&self, model: &Model) -> Result<String, ReportError> {
        let mut out = String::new();
        let w = &model.workload;
        let _ = writeln!(out, "{}: valid model ({})", model.source.path.display(), w.name);
        let _ = writeln!(
            out,
            "  workload: ${:.0}/h revenue, {:.0} orders/h, {} GB dataset, {} GB/h changed",
            w.revenue_per_hour, w.orders_per_hour, w.dataset_gb, w.change_rate_gb_per_hour
        );
        let t = &model.targets;
        let _ = writeln!(out, "  targets: RPO {}, RTO {}, confidence {}", t.rpo, t.rto, t.confidence.get());
        let regions: Vec<String> =
            model.topology.regions.iter().map(|r| format!("{} ({} AZs)", r.name, r.azs)).collect();
        let _ = writeln!(
            out,
            "  regions: {}; primary {}",
            regions.join(", "),
            model.topology.regions[model.topology.primary].name
        );
        for f in &model.failures {
            let what = match &f.detail {
                FailureDetail::Outage { duration, .. } => format!("duration {}", duration.describe(Unit::Duration)),
                FailureDetail::Logical { detection_delay, .. } => {
                    format!("detected after {}", detection_delay.describe(Unit::Duration))
                }
                FailureDetail::Application(r) => r.describe(),
            };
            let _ = writeln!(out, "  failure {}: {}/yr, {}", f.kind, f.rate_per_year, what);
        }
        for s in &model.strategies {
            let posture = match &s.posture {
                Posture::BackupRestore => String::new(),
                Posture::PilotLight { .. } => String::new(),
                Posture::WarmStandby { capacity_fraction, .. } => {
                    format!(", standby at {:.0}% capacity", capacity_fraction * 100.0)
                }
                Posture::ActiveActive { regions, .. } => {
                    let names: Vec<String> = regions
                        .iter()
                        .map(|(r, share)| format!("{} {:.0}%", model.topology.regions[*r].name, share * 100.0))
                        .collect();
                    format!(", traffic {}", names.join(" / "))
                }
            };
            let backups =
                s.backup.as_ref().map_or(", no backups".to_string(), |b| format!(", backups every {}", b.interval));
            let _ = writeln!(out, "  strategy {} ({}){}{}", s.name, s.kind().name(), posture, backups);
            let _ = writeln!(out, "    failover fails {}", failover(s));
            let fastest: Vec<String> = model
                .failures
                .iter()
                .map(|f| match bounds::fastest_recovery(model, s, f.kind) {
                    Some(b) => format!("{} {}", f.kind, Duration::from_secs(b.seconds)),
                    None => format!("{} never (no backups)", f.kind),
                })
                .collect();
            if !fastest.is_empty() {
                let _ = writeln!(out, "    fastest recovery (lower ends of its steps): {}", fastest.join(", "));
            }
        }
        Ok(out)
    }
}

/// How often the strategy's failover fails, and why: `22.9% of the time
/// (2.0% right after a drill, drift 180d, drills every 90d)`.
fn failover(s: &Strategy) -> String {
    let p = bounds::failover_failure_probability(s, Duration::YEAR);
    let r = s.reliability;
    let p0 = r.failure_probability.get();
    let why = match (r.drift, s.drill_interval) {
        (None, _) => "no drift".to_string(),
        (Some(d), Some(i)) => format!("{} right after a drill, drift {d}, drills every {i}", fmt_percent(p0)),
        (Some(d), None) => format!("{} right after a drill, drift {d}, never drilled", fmt_percent(p0)),
    };
    format!("{} of the time ({why})", fmt_percent(p))
}

/// The audit's closing line on standard output: no findings, or how many.
#[derive(Clone, Copy, Debug, Default)]
pub struct AuditSummary;

impl Report<[Finding]> for AuditSummary {
    fn render(&self, findings: &[Finding]) -> Result<String, ReportError> {
        Ok(if findings.is_empty() {
            "  audit: no findings\n".to_string()
        } else {
            format!("  audit: {} finding(s); see docs/errors.md\n", findings.len())
        })
    }
}

/// The findings as diagnostics for standard error, each pointing at the
/// line and column of its key in the model file.
#[derive(Clone, Copy, Debug)]
pub struct Diagnostics<'a> {
    /// The model file, as given on the command line.
    pub path: &'a Path,
    /// Its text, to locate the keys (empty: every finding points at 1:1).
    pub text: &'a str,
    /// Whether findings are errors (`--strict`) rather than warnings.
    pub strict: bool,
}

impl Report<[Finding]> for Diagnostics<'_> {
    fn render(&self, findings: &[Finding]) -> Result<String, ReportError> {
        let level = if self.strict { "error" } else { "warning" };
        let mut out = String::new();
        for f in findings {
            let (line, column) = position(self.text, &f.key);
            let _ = writeln!(
                out,
                "{}:{line}:{column}: {level}[{}]: {}: {}\n  why it matters: {}",
                self.path.display(),
                f.code,
                f.key,
                f.message,
                f.code.why()
            );
        }
        Ok(out)
    }
}
