//! `drsim sensitivity --format json`: every tornado as data, one per
//! strategy analysed, each input's low and high values with the expected
//! annual cost (USD) and P(targets met) at each, largest cost swing first.
//! Fields are only ever added. With a provenance (as `drsim sensitivity`
//! writes it), a `provenance` object comes first.

use serde::Serialize;

use super::json::pretty;
use super::{Report, ReportError};
use crate::provenance::Provenance;
use crate::whatif::sensitivity::{Bar, Flip, Outcome, Tornado};

/// The JSON of a list of tornados, with the provenance of the run if given.
#[derive(Clone, Copy, Debug, Default)]
pub struct SensitivityJson<'p> {
    /// Where the tornados came from (model, seed, trials, command line).
    pub provenance: Option<&'p Provenance>,
}

/// The document as written.
#[derive(Serialize)]
struct SensitivityDocument<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    provenance: Option<&'a Provenance>,
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
    /// What the bars are ranked by.
    metric: &'a str,
    /// Inputs that change the recommendation at their low or high value.
    flips: &'a [Flip],
}

/// A bar with its cost swing (the ranking key) spelled out.
#[derive(Serialize)]
struct JsonBar<'a> {
    #[serde(flatten)]
    bar: &'a Bar,
    /// |cost at high - cost at low|, USD a year.
    cost_swing_usd: f64,
}

impl Report<[Tornado]> for SensitivityJson<'_> {
    fn render(&self, tornados: &[Tornado]) -> Result<String, ReportError> {
        let tornados = tornados
            .iter()
            .map(|t| JsonTornado {
                strategy: &t.strategy,
                confidence: t.confidence,
                baseline: &t.baseline,
                bars: t.bars.iter().map(|bar| JsonBar { bar, cost_swing_usd: bar.cost_swing() }).collect(),
                metric: &t.metric,
                flips: &t.flips,
            })
            .collect();
        pretty(&SensitivityDocument { provenance: self.provenance, tornados })
    }
}
