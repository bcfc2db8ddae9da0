//! The readable table `drsim sweep` prints for a platform model: per grid
//! point the chosen plan (the cheapest meeting every target, or the closest)
//! and every listed plan's cost and verdict; then where the choice changes,
//! with the break-even value.

use std::fmt::Write as _;

use super::{Report, ReportError};
use crate::format::{fmt_percent, fmt_usd};
use crate::whatif::plans::{PlanSweep, PlanVerdict};

/// The platform sweep table (`--format table`, the default).
#[derive(Clone, Copy, Debug, Default)]
pub struct PlanSweepText;

fn verdict(v: &PlanVerdict) -> String {
    match v.misses.len() {
        0 => "meets".into(),
        1 => "misses 1 target".into(),
        n => format!("misses {n} targets"),
    }
}

impl Report<PlanSweep> for PlanSweepText {
    fn render(&self, s: &PlanSweep) -> Result<String, ReportError> {
        let mut out = String::new();
        let searched = s.points.first().map_or(0, |p| p.plans_searched);
        let how = if searched > 0 {
            format!("the cheapest of the {searched} plans searched that meets every target")
        } else {
            "the cheapest listed plan that meets every target".to_string()
        };
        let _ = writeln!(
            out,
            "Chosen: {how}, or the closest (fewest misses, then cheapest) when none does.\n\
             P(targets met): the smallest share of outages or incidents meeting a target, over the plan's \
             functions and services; required {}.",
            fmt_percent(s.confidence)
        );
        for p in &s.points {
            let set: Vec<String> = s.axes.iter().zip(&p.values).map(|(a, v)| format!("{} = {v}", a.path)).collect();
            let _ = writeln!(out, "\n{}", set.join(", "));
            match &p.chosen {
                Some(c) if c.meets_targets => {
                    let _ = writeln!(out, "  chosen: {} at {}/yr", c.name, fmt_usd(c.annual_cost_usd));
                }
                Some(c) => {
                    let _ = writeln!(
                        out,
                        "  no plan meets every target; closest: {} at {}/yr, {}",
                        c.name,
                        fmt_usd(c.annual_cost_usd),
                        verdict(c)
                    );
                }
                None => {
                    let _ = writeln!(out, "  no plan evaluated");
                }
            }
            if let Some(c) = &p.chosen {
                let label = c.choice.join(" ");
                if c.name != label {
                    let _ = writeln!(out, "    ({label})");
                }
                for m in &c.misses {
                    let _ = writeln!(out, "    misses {m}");
                }
            }
            let _ = writeln!(out, "  {:<28} {:>14} {:>15}  verdict", "plan", "cost/yr", "P(targets met)");
            for v in &p.plans {
                let mark = if p.chosen.as_ref().is_some_and(|c| c.choice == v.choice) { "  <- chosen" } else { "" };
                let _ = writeln!(
                    out,
                    "  {:<28} {:>14} {:>15}  {}{mark}",
                    v.name,
                    fmt_usd(v.annual_cost_usd),
                    fmt_percent(v.p_targets_met),
                    verdict(v)
                );
            }
        }
        let last = s.axes.last().map_or("", |a| a.path.as_str());
        if s.switches.is_empty() {
            let _ = writeln!(out, "\nThe chosen plan is the same at every value of {last}.");
        } else {
            let _ = writeln!(out, "\nWhere the chosen plan changes ({last}):");
            for w in &s.switches {
                let from = w.from_values.last().map_or("", String::as_str);
                let to = w.to_values.last().map_or("", String::as_str);
                let others = if w.from_values.len() > 1 {
                    let rest: Vec<String> = s.axes[..s.axes.len() - 1]
                        .iter()
                        .zip(&w.from_values)
                        .map(|(a, v)| format!("{} = {v}", a.path))
                        .collect();
                    format!(" (with {})", rest.join(", "))
                } else {
                    String::new()
                };
                let at = w.break_even.as_ref().map_or(String::new(), |b| format!("; break-even at {b}"));
                let _ =
                    writeln!(out, "  between {from} and {to}{others}: {} -> {}: {}{at}", w.from_plan, w.to_plan, w.why);
            }
        }
        Ok(out)
    }
}
