//! Every export of a run written into one output directory (all or nothing,
//! through [`super::output::Staging`]): `summary.csv`, `strategies.csv`, `outcomes.csv`,
//! `results.json`, `report.md`, `report.html`, `loss_exceedance.csv` and every chart as PNG and SVG. The file list
//! and column order are documented in docs/exports.md.

use super::charts::cdf::{CdfChart, Measure};
use super::charts::cost::CostChart;
use super::charts::cost_risk::CostRiskChart;
use super::charts::loss_exceedance::{self, LossExceedanceChart};
use super::charts::steps::StepsChart;
use super::charts::{ChartError, render};
use super::csv::{RunColumns, StrategiesCsv, SummaryCsv};
use super::html::Html;
use super::json::Json;
use super::markdown::Markdown;
use super::outcomes_csv::OutcomesCsv;
use super::output::{OutputError, Staging};
use super::{Report, ReportError};
use crate::model::Model;
use crate::simulation::Results;

/// Why the exports could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Writing a file failed.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// Rendering a text export failed.
    #[error(transparent)]
    Report(#[from] ReportError),
    /// Drawing a chart failed.
    #[error(transparent)]
    Chart(#[from] ChartError),
}

/// The charts written by [`write_all`]: file stem and caption, in report order.
pub const CHARTS: [(&str, &str); 6] = [
    ("downtime_cdf", "Downtime per incident (achieved RTO)"),
    ("data_loss_cdf", "Data-loss window per incident (achieved RPO)"),
    ("annual_cost", "Total annual cost distribution"),
    ("cost_vs_risk", "Cost against risk"),
    ("recovery_steps", "Where recovery time goes"),
    (loss_exceedance::NAME, "Loss exceedance: P(a year's incident losses above x)"),
];

/// The Markdown report as written into an output directory (charts linked).
pub fn report_markdown() -> Markdown {
    Markdown { charts: CHARTS.iter().map(|(n, c)| (n.to_string(), c.to_string())).collect() }
}

/// The HTML report as written into an output directory (chart files linked).
pub fn report_html() -> Html {
    Html { charts: report_markdown().charts }
}

/// Writes every export of `results` into the staging directory.
pub fn write_all(staging: &Staging, results: &Results, model: &Model) -> Result<(), ExportError> {
    staging.write("summary.csv", SummaryCsv.render(results)?.as_bytes())?;
    staging.write("strategies.csv", StrategiesCsv.render(results)?.as_bytes())?;
    staging.write("outcomes.csv", OutcomesCsv.render(results)?.as_bytes())?;
    staging.write("results.json", Json.render(results)?.as_bytes())?;
    staging.write("report.md", report_markdown().render(results)?.as_bytes())?;
    staging.write("report.html", report_html().render(results)?.as_bytes())?;
    render(&CdfChart::new(results, Measure::Downtime), staging)?;
    render(&CdfChart::new(results, Measure::DataLoss), staging)?;
    render(&CostChart::new(results), staging)?;
    render(&CostRiskChart::new(results), staging)?;
    render(&StepsChart::new(results), staging)?;
    let losses = LossExceedanceChart::new(results, &model.loss_tolerance);
    staging.write("loss_exceedance.csv", losses.csv(&RunColumns::of(&results.provenance))?.as_bytes())?;
    render(&losses, staging)?;
    Ok(())
}

/// Ends the staged report.md with `notes` (warnings about the exports beside
/// it, such as a CSV past Excel's row limit) under a "Notes" heading; nothing
/// when there are none.
pub fn add_notes(staging: &Staging, notes: &[String]) -> Result<(), ExportError> {
    if notes.is_empty() {
        return Ok(());
    }
    let path = staging.dir().join("report.md");
    let mut text = std::fs::read_to_string(&path).map_err(|source| OutputError::Io {
        path: path.clone(),
        action: "cannot read",
        source,
    })?;
    text.push_str("\n## Notes\n\n");
    for note in notes {
        text.push_str(&format!("- {note}\n"));
    }
    staging.write("report.md", text.as_bytes())?;
    Ok(())
}
