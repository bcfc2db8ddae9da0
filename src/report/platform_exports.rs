//! Every export of a platform run written into one output directory (all or
//! nothing, through [`super::output::Staging`]): `results.json`, `plans.csv`,
//! `plan_functions.csv`, `plan_services.csv`, `report.md`, `report.html` and the charts
//! `weakest_link` and `plan_cost_vs_risk` as PNG and SVG. The file list and
//! columns are documented in docs/exports.md.

use super::charts::platform::{PlanCostRiskChart, WeakestLinkChart};
use super::charts::render;
use super::csv::RunColumns;
use super::exports::ExportError;
use super::output::Staging;
use super::platform_view::PlatformView;
use crate::provenance::Provenance;

/// The charts of a platform run: file stem and caption, in report order.
pub const PLATFORM_CHARTS: [(&str, &str); 2] = [
    ("weakest_link", "Weakest link: which service holds each function's downtime back, per plan"),
    (
        "plan_cost_vs_risk",
        "Plans: expected annual cost against the worst function's share of outages meeting its targets",
    ),
];

/// Writes every export of a platform run into the staging directory.
///
/// # Errors
/// [`ExportError`] when a file cannot be rendered or written.
pub fn write_all(staging: &Staging, v: &PlatformView, base: &Provenance, path: &str) -> Result<(), ExportError> {
    let provenance = super::platform_json::provenance(v, base, path);
    let run = RunColumns::of(&provenance);
    staging.write("results.json", super::platform_json::render(v, base, path)?.as_bytes())?;
    staging.write("plans.csv", super::platform_csv::plans(v, &run)?.as_bytes())?;
    staging.write("plan_functions.csv", super::platform_csv::functions(v, &run)?.as_bytes())?;
    staging.write("plan_services.csv", super::platform_csv::services(v, &run)?.as_bytes())?;
    staging.write("report.md", super::platform_markdown::render_with(v, path, &PLATFORM_CHARTS).as_bytes())?;
    staging.write("report.html", super::html::platform::render(v, &provenance, &PLATFORM_CHARTS).as_bytes())?;
    render(&WeakestLinkChart::new(v), staging)?;
    render(&PlanCostRiskChart::new(v), staging)?;
    Ok(())
}
