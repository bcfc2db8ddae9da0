//! `plan_sweep.csv`: the grid of a `drsim sweep` of a platform model, one
//! row per grid point and plan (long format): the parameter values (one
//! column per swept path), then each listed plan, and the chosen plan (the
//! cheapest meeting every target, or the closest) flagged in `chosen`; when
//! the search chose a plan the model does not list, it has a row of its own
//! (`listed` false). Columns are in docs/exports.md.

use super::csv::{Cell, CsvWriter, grid_cells};
use super::{Report, ReportError};
use crate::provenance::Provenance;
use crate::whatif::plans::{PlanSweep, PlanVerdict};

/// The columns after the swept paths, in order.
pub const COLUMNS: [&str; 9] = [
    "plan",
    "choice",
    "listed",
    "chosen",
    "annual_cost_usd",
    "p_targets_met",
    "meets_targets",
    "misses_count",
    "plans_searched",
];

/// `plan_sweep.csv`, also what `drsim sweep --format csv` prints for a platform.
#[derive(Clone, Copy, Debug, Default)]
pub struct PlanSweepCsv<'a> {
    /// Where the figures came from: its [`RunColumns`](super::csv::RunColumns) end every row (none when `None`).
    pub provenance: Option<&'a Provenance>,
}

impl Report<PlanSweep> for PlanSweepCsv<'_> {
    fn render(&self, sweep: &PlanSweep) -> Result<String, ReportError> {
        let mut w = CsvWriter::grid(self.provenance, &sweep.axes, &COLUMNS)?;
        for p in &sweep.points {
            let is_chosen = |v: &PlanVerdict| p.chosen.as_ref().is_some_and(|c| c.choice == v.choice);
            let mut rows: Vec<(&PlanVerdict, bool)> = p.plans.iter().map(|v| (v, true)).collect();
            if let Some(c) = &p.chosen {
                if !p.plans.iter().any(|v| v.choice == c.choice) {
                    rows.push((c, false));
                }
            }
            for (v, listed) in rows {
                let choice = v.choice.join(" ");
                let mut row = grid_cells(&p.values);
                row.extend([
                    Cell::Text(&v.name),
                    Cell::Text(&choice),
                    Cell::Flag(listed),
                    Cell::Flag(is_chosen(v)),
                    Cell::Number(v.annual_cost_usd),
                    Cell::Number(v.p_targets_met),
                    Cell::Flag(v.meets_targets),
                    Cell::Count(v.misses.len() as u64),
                    Cell::Count(p.plans_searched),
                ]);
                w.record(&row)?;
            }
        }
        w.finish()
    }
}
