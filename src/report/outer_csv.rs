//! `outer.csv`: the outer loop of `drsim run --outer` as rows a spreadsheet
//! reads: per strategy, each headline figure's spread across the outer draws
//! (plausible input sets), with the decision's robustness on every row of
//! the strategy. Long format (one row per strategy and figure), so the
//! columns stay the same whatever kinds of disruption a model has.

use super::csv::{Cell, CsvWriter};
use super::{Report, ReportError};
use crate::provenance::Provenance;
use crate::whatif::outer::{OuterSummary, Spread, StrategySpread};

/// The header row (before the [`RunColumns`]).
pub const COLUMNS: [&str; 12] = [
    "strategy",
    "figure",
    "kind",
    "outer_draws",
    "mean",
    "mean_std_error",
    "p5",
    "p50",
    "p95",
    "meets_targets_share",
    "recommended_share",
    "no_strategy_meets_share",
];

/// The `figure` column's values, in row order within a strategy (the
/// per-kind share is repeated once per kind with incidents).
pub const FIGURES: [&str; 4] =
    ["expected_annual_cost_usd", "availability_share", "total_loss_year_share", "both_met_share"];

/// `outer.csv`, from the summary of an outer loop.
#[derive(Clone, Copy, Debug, Default)]
pub struct OuterCsv<'a> {
    /// Where the figures came from: its [`RunColumns`](super::csv::RunColumns) end every row (none
    /// when `None`); its `trials` are the inner trials per outer draw.
    pub provenance: Option<&'a Provenance>,
}

/// The rows of one strategy: (figure, kind, spread).
fn rows(st: &StrategySpread) -> Vec<(&'static str, &'static str, &Spread)> {
    let mut out = vec![
        (FIGURES[0], "", &st.expected_annual_cost_usd),
        (FIGURES[1], "", &st.availability),
        (FIGURES[2], "", &st.total_loss_year),
    ];
    out.extend(st.targets_met.iter().map(|(kind, s)| (FIGURES[3], kind.name(), s)));
    out
}

impl Report<OuterSummary> for OuterCsv<'_> {
    fn render(&self, s: &OuterSummary) -> Result<String, ReportError> {
        let mut w = CsvWriter::with_header(self.provenance, &COLUMNS)?;
        for st in &s.strategies {
            for (figure, kind, spread) in rows(st) {
                w.record(&[
                    Cell::Text(&st.name),
                    Cell::Text(figure),
                    Cell::Text(kind),
                    Cell::Count(s.draws),
                    Cell::Number(spread.mean),
                    Cell::Number(spread.mean_std_error),
                    Cell::Number(spread.p5),
                    Cell::Number(spread.p50),
                    Cell::Number(spread.p95),
                    Cell::Number(st.meets_targets_share),
                    Cell::Number(st.recommended_share),
                    Cell::Number(s.none_meets_share),
                ])?;
            }
        }
        w.finish()
    }
}
