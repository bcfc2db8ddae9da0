//! What `drsim check` says: a short description of a valid model and the
//! audit's findings, on standard output, and each finding as a
//! compiler-style diagnostic (`FILE:LINE:COLUMN: warning[CODE]: ...`) on
//! standard error, so editors can jump to it.

use std::fmt::Write as _;
use std::path::Path;

use super::{Report, ReportError};
use crate::lint::{Finding, position};
use crate::model::{FailureDetail, Model, Posture, Unit};

/// A short description of a valid model: workload, targets, regions,
/// failures and strategies, a line each.
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
        }
        Ok(out)
    }
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
