//! `drsim run --outer --format json`: the outer loop's summary as data
//! (inputs, per-strategy spreads, robustness), with the provenance first when
//! given. Fields are only ever added.

use serde::Serialize;

use super::json::pretty;
use super::{Report, ReportError};
use crate::provenance::Provenance;
use crate::whatif::outer::OuterSummary;

/// The JSON of an outer loop's summary.
#[derive(Clone, Copy, Debug, Default)]
pub struct OuterJson<'p> {
    /// Where the figures came from.
    pub provenance: Option<&'p Provenance>,
}

#[derive(Serialize)]
struct Document<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    provenance: Option<&'a Provenance>,
    outer: &'a OuterSummary,
    decision: String,
}

impl Report<OuterSummary> for OuterJson<'_> {
    fn render(&self, s: &OuterSummary) -> Result<String, ReportError> {
        pretty(&Document { provenance: self.provenance, outer: s, decision: super::outer_text::robustness(s) })
    }
}
