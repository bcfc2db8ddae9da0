//! `fit.csv`: one row per distribution family fitted by `drsim fit`, best
//! AIC first; durations in hours, the rate per year with its 95% interval
//! repeated on every row so each row stands alone.

use super::csv::{Cell, CsvWriter};
use super::fit_text::params_text;
use super::{Report, ReportError};
use crate::fit::Fitted;
use crate::provenance::Provenance;

/// The header row.
const COLUMNS: [&str; 14] = [
    "family",
    "parameters_hours",
    "aic",
    "delta_aic",
    "ks_d",
    "ks_p",
    "mean_hours",
    "median_hours",
    "p95_hours",
    "events",
    "years",
    "rate_per_year",
    "rate_low95_per_year",
    "rate_high95_per_year",
];

/// `fit.csv`.
#[derive(Clone, Copy, Debug, Default)]
pub struct FitCsv<'a> {
    /// Where the figures came from: its [`RunColumns`](super::csv::RunColumns) end every row (none when `None`).
    pub provenance: Option<&'a Provenance>,
}

impl Report<Fitted> for FitCsv<'_> {
    fn render(&self, f: &Fitted) -> Result<String, ReportError> {
        let mut w = CsvWriter::with_header(self.provenance, &COLUMNS)?;
        let best = f.fits[0].aic;
        for fit in &f.fits {
            w.record(&[
                Cell::Text(fit.family.name()),
                Cell::Text(&params_text(fit)),
                Cell::Number(fit.aic),
                Cell::Number(fit.aic - best),
                Cell::Number(fit.ks_statistic),
                Cell::Number(fit.ks_p_value),
                Cell::Number(fit.mean()),
                Cell::Number(fit.median()),
                Cell::Number(fit.quantile(0.95)),
                Cell::Count(f.events),
                Cell::Number(f.years),
                Cell::Number(f.rate),
                Cell::Number(f.interval.0),
                Cell::Number(f.interval.1),
            ])?;
        }
        w.finish()
    }
}
