//! The `[targets]` snippet of `drsim import-policy`: a resiliency policy as
//! a model's targets, ready to paste, with where each figure came from and
//! what was not carried over in comments.

use std::fmt::Write as _;

use super::{Report, ReportError};
use crate::model::DisruptionKind;
use crate::policy::Imported;

/// The imported targets as TOML: `[targets]` (model-wide: the strictest of
/// the policy's) and one `[targets.KIND]` per kind the policy names.
#[derive(Clone, Copy, Debug, Default)]
pub struct TargetsToml;

/// User text made safe for a one-line TOML comment.
fn comment_text(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

impl Report<Imported> for TargetsToml {
    fn render(&self, imported: &Imported) -> Result<String, ReportError> {
        let mut out = String::new();
        let p = &imported.policy;
        let name = p.policy_name.as_deref().map_or_else(String::new, |n| format!(" \"{}\"", comment_text(n)));
        let _ = writeln!(out, "# Targets from the AWS Resilience Hub resiliency policy{name} (drsim import-policy).");
        if let Some(tier) = p.tier {
            let _ = writeln!(out, "# tier: {tier} (drsim has no tiers)");
        }
        if let Some(d) = p.data_location_constraint {
            let _ = writeln!(out, "# dataLocationConstraint: {d} (drsim has no counterpart)");
        }
        if let Some(d) = &p.policy_description {
            let _ = writeln!(out, "# policyDescription: {}", comment_text(d));
        }
        for notice in imported.notices.iter().filter(|n| n.lossy) {
            let _ = writeln!(out, "# NOT CARRIED OVER: {}", comment_text(&notice.message));
        }
        let t = &imported.targets;
        let _ = writeln!(out, "[targets]");
        let _ = writeln!(out, "rpo = \"{:#}\"  # the strictest of the policy's", t.rpo);
        let _ = writeln!(out, "rto = \"{:#}\"", t.rto);
        let _ = writeln!(out, "confidence = {}  # a policy has none: --confidence", t.confidence.get());
        for kind in DisruptionKind::ALL {
            let Some(from) = imported.from[kind.index()] else { continue };
            let k = t.for_kind(kind);
            let _ = writeln!(out, "\n[targets.{kind}]  # from {from}");
            let _ = writeln!(out, "rpo = \"{:#}\"", k.rpo);
            let _ = writeln!(out, "rto = \"{:#}\"", k.rto);
        }
        Ok(out)
    }
}
