//! JSON: every figure, durations in seconds with the unit in the key name.
//! One report for every JSON output (a run's results, a sweep, a provenance
//! sidecar), so they share the layout: pretty-printed, ending in a newline.
//! A run's results are written through a view that puts the decision's
//! sentences (`reason`, `summary`) beside its data.
//!
//! `results.json` is a versioned contract: [`RESULTS_SCHEMA_VERSION`] is
//! written in it, and [`results_schema`] is its JSON Schema, generated from
//! the view below and shipped as `schema/results.schema.json` (a test keeps
//! the two equal; `drsim schema results` prints it). Infinite numbers are
//! spelt as [`crate::real`] says, never `null`.

use schemars::JsonSchema;
use serde::Serialize;

use super::verdicts;
use super::{Report, ReportError};
use crate::decision::{CostDifference, SharedShortfall, Shortfall};
use crate::provenance::Provenance;
use crate::simulation::{Results, TargetsReport};
use crate::summary::StrategySummary;

/// The version of the `results.json` layout: raised whenever a key is
/// removed, renamed or changes meaning (adding a key raises it too, so a
/// consumer can tell what to expect). CHANGELOG.md lists each version.
pub const RESULTS_SCHEMA_VERSION: u32 = 1;

/// Pretty-printed JSON of the whole input (a run's results, a sweep).
#[derive(Clone, Copy, Debug, Default)]
pub struct Json;

/// results.json as written: the results with the decision in words.
#[derive(Serialize, JsonSchema)]
#[schemars(
    title = "drsim results.json",
    description = "Every figure of a drsim run (`drsim run --out DIR`, `drsim merge`, `drsim run --format json`): \
                   durations in seconds, money in USD, shares as fractions 0-1. Infinite numbers are the strings \
                   \"inf\"/\"-inf\", undefined ones \"nan\"; null means no value.",
    transform = require_run_provenance
)]
struct JsonResults<'a> {
    /// The version of this layout; see CHANGELOG.md.
    schema_version: u32,
    #[serde(flatten)]
    provenance: &'a Provenance,
    targets: &'a TargetsReport,
    strategies: &'a [StrategySummary],
    decision: JsonDecision<'a>,
    /// A platform run (a model with `[[service]]`): every plan reported,
    /// ranked, with its figures per function and per service. Absent for a
    /// model without services; then `strategies` is empty and the decision
    /// names plans instead of strategies.
    #[serde(skip_serializing_if = "Option::is_none")]
    platform: Option<&'a super::platform_section::PlatformSection<'a>>,
}

/// The decision: the recommendation, every strategy's verdict and the summary in words.
#[derive(Serialize, JsonSchema)]
struct JsonDecision<'a> {
    recommended: &'a Option<String>,
    /// When none meets the targets: the first of `ranking`.
    closest: &'a Option<String>,
    /// Strategy names, best first: those meeting the targets by expected
    /// cost, then the others by the shortfalls that tell them apart (fewest,
    /// then the smallest total gap), then by cost.
    ranking: &'a [String],
    /// Targets every strategy misses, with what would have to change.
    shared_shortfalls: Vec<JsonShared<'a>>,
    verdicts: Vec<JsonVerdict<'a>>,
    summary: String,
}

/// One strategy's verdict, with the reason in words.
#[derive(Serialize, JsonSchema)]
struct JsonVerdict<'a> {
    strategy: &'a str,
    meets_targets: bool,
    shortfalls: &'a [Shortfall],
    /// Its shortfalls that not every strategy shares (what the ranking turns on).
    distinguishing_shortfalls: &'a [Shortfall],
    expected_annual_cost_usd: f64,
    cost_vs_reference: &'a Option<CostDifference>,
    reason: String,
}

/// A target every strategy misses, with the sentence naming it.
#[derive(Serialize, JsonSchema)]
struct JsonShared<'a> {
    #[serde(flatten)]
    shortfall: &'a SharedShortfall,
    /// In words, as the terminal and report.md print it.
    text: String,
}

/// The view of `results` that results.json holds.
fn view(results: &Results) -> JsonResults<'_> {
    let d = &results.decision;
    JsonResults {
        schema_version: RESULTS_SCHEMA_VERSION,
        provenance: &results.provenance,
        targets: &results.targets,
        strategies: &results.strategies,
        decision: JsonDecision {
            recommended: &d.recommended,
            closest: &d.closest,
            ranking: &d.ranking,
            shared_shortfalls: d
                .shared
                .iter()
                .map(|s| JsonShared { shortfall: s, text: verdicts::describe_shared(s) })
                .collect(),
            verdicts: d
                .verdicts
                .iter()
                .map(|v| JsonVerdict {
                    strategy: &v.strategy,
                    meets_targets: v.meets_targets,
                    shortfalls: &v.shortfalls,
                    distinguishing_shortfalls: &v.distinguishing,
                    expected_annual_cost_usd: v.expected_annual_cost_usd,
                    cost_vs_reference: &v.cost_vs_reference,
                    reason: verdicts::reason(v, d),
                })
                .collect(),
            summary: verdicts::summary(results),
        },
        platform: None,
    }
}

/// results.json of a platform run: the provenance and targets as for any
/// run, no strategies, the decision over plans (`recommended`, `closest`,
/// `ranking` and `verdicts` name plans; `summary` is the answer in words)
/// and the `platform` section.
pub(super) fn platform_results(
    provenance: &Provenance,
    targets: &TargetsReport,
    section: &super::platform_section::PlatformSection<'_>,
) -> Result<String, ReportError> {
    let no_shortfalls: &[Shortfall] = &[];
    let view = JsonResults {
        schema_version: RESULTS_SCHEMA_VERSION,
        provenance,
        targets,
        strategies: &[],
        decision: JsonDecision {
            recommended: &section.recommended,
            closest: &section.closest,
            ranking: &section.ranking,
            shared_shortfalls: Vec::new(),
            verdicts: section
                .plans
                .iter()
                .map(|p| JsonVerdict {
                    strategy: &p.label,
                    meets_targets: p.figures.meets_targets,
                    shortfalls: no_shortfalls,
                    distinguishing_shortfalls: no_shortfalls,
                    expected_annual_cost_usd: p.figures.annual_cost_usd,
                    cost_vs_reference: &None,
                    reason: p.reason.clone(),
                })
                .collect(),
            summary: section.answer.clone(),
        },
        platform: Some(section),
    };
    pretty(&view)
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

/// Any JSON output with the provenance of the run that produced it, as a
/// `provenance` object before the output's own keys (`drsim sweep --format
/// json`). results.json keeps its provenance keys at the top level, as in 0.2.
#[derive(Serialize)]
pub struct WithProvenance<'a, T: ?Sized> {
    /// Where `body` came from.
    pub provenance: &'a Provenance,
    /// The output itself (its keys follow the provenance's).
    #[serde(flatten)]
    pub body: &'a T,
}

impl Report<WithProvenance<'_, crate::whatif::sweep::Sweep>> for Json {
    fn render(&self, sweep: &WithProvenance<'_, crate::whatif::sweep::Sweep>) -> Result<String, ReportError> {
        pretty(sweep)
    }
}

impl Report<WithProvenance<'_, crate::whatif::plans::PlanSweep>> for Json {
    fn render(&self, sweep: &WithProvenance<'_, crate::whatif::plans::PlanSweep>) -> Result<String, ReportError> {
        pretty(sweep)
    }
}

/// The provenance sidecar (`sweep.provenance.json` beside `sweep.csv`, and
/// the same for `sensitivity` and `fit`).
impl Report<Provenance> for Json {
    fn render(&self, provenance: &Provenance) -> Result<String, ReportError> {
        pretty(provenance)
    }
}

/// The provenance keys a run's results always have (optional in
/// [`Provenance`], whose other users, such as `fit`, have no model or seed).
const RUN_PROVENANCE: [&str; 6] = ["model_name", "model_path", "model_sha256", "seed", "trials", "years_per_trial"];

/// Provenance keys a run's results never have (those of `fit`'s input).
const NOT_RUN_PROVENANCE: [&str; 2] = ["data_path", "data_sha256"];

/// In the schema of `results.json`: marks [`RUN_PROVENANCE`] required and
/// not null, leaves out [`NOT_RUN_PROVENANCE`], and pins `schema_version`
/// to [`RESULTS_SCHEMA_VERSION`].
fn require_run_provenance(schema: &mut schemars::Schema) {
    let Some(object) = schema.as_object_mut() else { return };
    if let Some(serde_json::Value::Object(properties)) = object.get_mut("properties") {
        for key in NOT_RUN_PROVENANCE {
            properties.remove(key);
        }
        if let Some(serde_json::Value::Object(version)) = properties.get_mut("schema_version") {
            version.insert("const".into(), RESULTS_SCHEMA_VERSION.into());
        }
        for key in RUN_PROVENANCE {
            if let Some(serde_json::Value::Object(property)) = properties.get_mut(key) {
                if let Some(serde_json::Value::Array(types)) = property.get_mut("type") {
                    types.retain(|t| t != "null");
                    if types.len() == 1 {
                        let only = types[0].clone();
                        property.insert("type".into(), only);
                    }
                }
            }
        }
    }
    if let Some(serde_json::Value::Array(required)) = object.get_mut("required") {
        for key in RUN_PROVENANCE {
            if !required.iter().any(|r| r == key) {
                required.push(key.into());
            }
        }
    }
}

/// The JSON Schema (draft 2020-12) of `results.json`, pretty-printed and
/// ending in a newline: the text of `schema/results.schema.json`.
pub fn results_schema() -> String {
    schema_text::<JsonResults<'_>>()
}

/// The JSON Schema of a provenance sidecar (`*.provenance.json`): the text
/// of `schema/provenance.schema.json`.
pub fn provenance_schema() -> String {
    schema_text::<Provenance>()
}

fn schema_text<T: JsonSchema + ?Sized>() -> String {
    let schema =
        schemars::generate::SchemaSettings::draft2020_12().for_serialize().into_generator().into_root_schema_for::<T>();
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
