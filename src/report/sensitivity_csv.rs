//! `sensitivity.csv`: every input of every tornado of a `drsim sensitivity`,
//! one row per strategy and input in rank order (the printed table stops at
//! the first few; this file has them all). Costs in USD, P(targets met) as a
//! fraction 0-1. The last five columns are the metric the rows are ranked by
//! (`--metric`, as spelled there): its name, its baseline, its value at low
//! and at high, and its swing (USD for `cost`, a fraction 0-1 otherwise).

use super::csv::{Cell, CsvWriter};
use super::sensitivity_columns::Columns;
use super::{Report, ReportError};
use crate::provenance::Provenance;
use crate::whatif::sensitivity::{InputKind, Metric, Tornado};

/// The header row.
const COLUMNS: [&str; 18] = [
    "strategy",
    "rank",
    "input",
    "how",
    "low",
    "high",
    "baseline_annual_cost_usd",
    "annual_cost_at_low_usd",
    "annual_cost_at_high_usd",
    "cost_swing_usd",
    "baseline_p_targets_met",
    "p_targets_met_at_low",
    "p_targets_met_at_high",
    "metric",
    "baseline_metric",
    "metric_at_low",
    "metric_at_high",
    "metric_swing",
];

/// `sensitivity.csv`, from the tornados of every strategy analysed.
#[derive(Clone, Copy, Debug)]
pub struct SensitivityCsv<'a> {
    /// Where the figures came from: its [`RunColumns`](super::csv::RunColumns) end every row (none when `None`).
    pub provenance: Option<&'a Provenance>,
    /// What the rows are ranked by (`--metric`).
    pub metric: Metric,
}

/// How an input's low and high values were chosen, as the `how` column says it.
fn how(kind: InputKind) -> &'static str {
    match kind {
        InputKind::Distribution => "p10_p90",
        InputKind::Fixed => "minus_plus_swing",
    }
}

impl Report<[Tornado]> for SensitivityCsv<'_> {
    fn render(&self, tornados: &[Tornado]) -> Result<String, ReportError> {
        let mut w = CsvWriter::with_header(self.provenance, &COLUMNS)?;
        let m = self.metric;
        let key = Columns::key(m);
        for t in tornados {
            for (rank, b) in (1..).zip(&t.bars) {
                w.record(&[
                    Cell::Text(&t.strategy),
                    Cell::Count(rank),
                    Cell::Text(&b.input.path),
                    Cell::Text(how(b.input.kind)),
                    Cell::Text(&b.input.low_label),
                    Cell::Text(&b.input.high_label),
                    Cell::Number(t.baseline.expected_annual_cost_usd),
                    Cell::Number(b.low.expected_annual_cost_usd),
                    Cell::Number(b.high.expected_annual_cost_usd),
                    Cell::Number(b.cost_swing()),
                    Cell::Number(t.baseline.p_targets_met),
                    Cell::Number(b.low.p_targets_met),
                    Cell::Number(b.high.p_targets_met),
                    Cell::Text(&key),
                    Cell::Number(m.of(&t.baseline)),
                    Cell::Number(m.of(&b.low)),
                    Cell::Number(m.of(&b.high)),
                    Cell::Number(b.swing(m)),
                ])?;
            }
        }
        w.finish()
    }
}
