//! JSON: every figure, durations in seconds with the unit in the key name.
//! One report for every JSON output (a run's results, a sweep), so they share
//! the layout: pretty-printed, ending in a newline. A run's results are
//! written through a view that puts the decision's sentences (`reason`,
//! `summary`) beside its data.

use serde::Serialize;

use super::verdicts;
use super::{Report, ReportError};
use crate::decision::{CostDifference, Shortfall};
use crate::simulation::{Provenance, Results, TargetsReport};
use crate::summary::StrategySummary;

/// Pretty-printed JSON of the whole input (a run's results, a sweep).
#[derive(Clone, Copy, Debug, Default)]
pub struct Json;

/// results.json as written: the results with the decision in words.
#[derive(Serialize)]
struct JsonResults<'a> {
    #[serde(flatten)]
    provenance: &'a Provenance,
    targets: &'a TargetsReport,
    strategies: &'a [StrategySummary],
    decision: JsonDecision<'a>,
}

#[derive(Serialize)]
struct JsonDecision<'a> {
    recommended: &'a Option<String>,
    closest: &'a Option<String>,
    verdicts: Vec<JsonVerdict<'a>>,
    summary: String,
}

#[derive(Serialize)]
struct JsonVerdict<'a> {
    strategy: &'a str,
    meets_targets: bool,
    shortfalls: &'a [Shortfall],
    expected_annual_cost_usd: f64,
    cost_vs_reference: &'a Option<CostDifference>,
    reason: String,
}

/// The view of `results` that results.json holds.
fn view(results: &Results) -> JsonResults<'_> {
    let d = &results.decision;
    JsonResults {
        provenance: &results.provenance,
        targets: &results.targets,
        strategies: &results.strategies,
        decision: JsonDecision {
            recommended: &d.recommended,
            closest: &d.closest,
            verdicts: d
                .verdicts
                .iter()
                .map(|v| JsonVerdict {
                    strategy: &v.strategy,
                    meets_targets: v.meets_targets,
                    shortfalls: &v.shortfalls,
                    expected_annual_cost_usd: v.expected_annual_cost_usd,
                    cost_vs_reference: &v.cost_vs_reference,
                    reason: verdicts::reason(v, d),
                })
                .collect(),
            summary: verdicts::summary(results),
        },
    }
}

/// Pretty JSON of anything serialisable, ending in a newline.
pub(super) fn pretty<T: Serialize + ?Sized>(input: &T) -> Result<String, ReportError> {
    let mut text = serde_json::to_string_pretty(input).map_err(|e| ReportError::Serialize(Box::new(e)))?;
    text.push('\n');
    Ok(text)
}

impl Report<Results> for Json {
    fn render(&self, results: &Results) -> Result<String, ReportError> {
        pretty(&view(results))
    }
}

impl Report<crate::whatif::sweep::Sweep> for Json {
    fn render(&self, sweep: &crate::whatif::sweep::Sweep) -> Result<String, ReportError> {
        pretty(sweep)
    }
}
