//! `drsim sensitivity --format json`: every tornado as data, one per
//! strategy analysed, each input's low and high values with the expected
//! annual cost (USD) and P(targets met) at each, largest cost swing first.
//! Fields are only ever added (a `provenance` object may join them).

use serde::Serialize;

use super::json::pretty;
use super::{Report, ReportError};
use crate::whatif::sensitivity::{Bar, Outcome, Tornado};

/// The JSON of a list of tornados.
#[derive(Clone, Copy, Debug, Default)]
pub struct SensitivityJson;

/// The document as written.
#[derive(Serialize)]
struct SensitivityDocument<'a> {
    tornados: Vec<JsonTornado<'a>>,
}

#[derive(Serialize)]
struct JsonTornado<'a> {
    strategy: &'a str,
    /// The required share of incidents meeting each target.
    confidence: f64,
    /// The figures with every input as in the model.
    baseline: &'a Outcome,
    bars: Vec<JsonBar<'a>>,
}

/// A bar with its cost swing (the ranking key) spelled out.
#[derive(Serialize)]
struct JsonBar<'a> {
    #[serde(flatten)]
    bar: &'a Bar,
    /// |cost at high - cost at low|, USD a year.
    cost_swing_usd: f64,
}

impl Report<[Tornado]> for SensitivityJson {
    fn render(&self, tornados: &[Tornado]) -> Result<String, ReportError> {
        let tornados = tornados
            .iter()
            .map(|t| JsonTornado {
                strategy: &t.strategy,
                confidence: t.confidence,
                baseline: &t.baseline,
                bars: t.bars.iter().map(|bar| JsonBar { bar, cost_swing_usd: bar.cost_swing() }).collect(),
            })
            .collect();
        pretty(&SensitivityDocument { tornados })
    }
}
