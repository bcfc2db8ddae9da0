//! `sweep.csv`: the grid of a `drsim sweep`, one row per grid point and
//! strategy (long format, see docs/whatif.md): the parameter values (one
//! column per swept path), then the strategy and its figures. P(RTO met) and
//! P(RPO met) are of the worst kind (the one with the smallest Wilson lower
//! bound), with that lower bound; shares are fractions 0-1. The last two
//! columns are the downtime per year (failbacks and drills that went wrong
//! included) and its standard error, seconds.

use super::csv::{Cell, CsvWriter, grid_cells};
use super::{Report, ReportError};
use crate::provenance::Provenance;
use crate::whatif::sweep::Sweep;

/// The columns after the swept paths, in order.
const COLUMNS: [&str; 10] = [
    "strategy",
    "p_rto_met",
    "p_rto_met_low95",
    "p_rpo_met",
    "p_rpo_met_low95",
    "expected_annual_cost_usd",
    "p95_annual_cost_usd",
    "meets_targets",
    "annual_downtime_s",
    "annual_downtime_se_s",
];

/// `sweep.csv`, also what `drsim sweep --format csv` prints.
#[derive(Clone, Copy, Debug, Default)]
pub struct SweepCsv<'a> {
    /// Where the figures came from: its [`RunColumns`](super::csv::RunColumns) end every row (none when `None`).
    pub provenance: Option<&'a Provenance>,
}

impl Report<Sweep> for SweepCsv<'_> {
    fn render(&self, sweep: &Sweep) -> Result<String, ReportError> {
        let mut w = CsvWriter::grid(self.provenance, &sweep.axes, &COLUMNS)?;
        for p in &sweep.points {
            for s in &p.strategies {
                let mut row = grid_cells(&p.values);
                row.extend([
                    Cell::Text(&s.strategy),
                    Cell::Number(s.rto_met.estimate),
                    Cell::Number(s.rto_met.low),
                    Cell::Number(s.rpo_met.estimate),
                    Cell::Number(s.rpo_met.low),
                    Cell::Number(s.expected_annual_cost_usd),
                    Cell::Number(s.p95_annual_cost_usd),
                    Cell::Flag(s.meets_targets),
                    Cell::Number(s.annual_downtime_s),
                    Cell::Number(s.annual_downtime_se_s),
                ]);
                w.record(&row)?;
            }
        }
        w.finish()
    }
}
