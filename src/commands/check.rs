//! `drsim check`: validate a model and summarise it.

use std::fmt::Write;

use anyhow::anyhow;

use super::{Failure, bad_input, load_model};
use crate::cli::CheckArgs;
use crate::lint::{lint, position};
use crate::model::{FailureDetail, Model, Posture};

/// A short description of a valid model.
pub fn describe(model: &Model) -> String {
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
    let regions: Vec<String> = model.topology.regions.iter().map(|r| format!("{} ({} AZs)", r.name, r.azs)).collect();
    let _ = writeln!(
        out,
        "  regions: {}; primary {}",
        regions.join(", "),
        model.topology.regions[model.topology.primary].name
    );
    for f in &model.failures {
        let what = match &f.detail {
            FailureDetail::Outage { duration, .. } => {
                format!("duration {}", duration.describe(crate::model::Unit::Duration))
            }
            FailureDetail::Logical { detection_delay, .. } => {
                format!("detected after {}", detection_delay.describe(crate::model::Unit::Duration))
            }
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
    out
}

pub(super) fn check(args: &CheckArgs) -> Result<(), Failure> {
    let model = load_model(&args.model)?;
    print!("{}", describe(&model));
    let findings = lint(&model);
    if findings.is_empty() {
        println!("  audit: no findings");
        return Ok(());
    }
    // The model was just read; if it vanished since, positions fall back to 1:1.
    let text = std::fs::read_to_string(&args.model).unwrap_or_default();
    let level = if args.strict { "error" } else { "warning" };
    for f in &findings {
        let (line, column) = position(&text, &f.key);
        eprintln!(
            "{}:{line}:{column}: {level}[{}]: {}: {}\n  why it matters: {}",
            args.model.display(),
            f.code,
            f.key,
            f.message,
            f.code.why()
        );
    }
    println!("  audit: {} finding(s); see docs/errors.md", findings.len());
    if args.strict {
        return Err(bad_input(anyhow!("{} audit finding(s) with --strict", findings.len())));
    }
    Ok(())
}
