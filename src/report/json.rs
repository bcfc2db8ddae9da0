//! JSON: every figure, durations in seconds with the unit in the key name.

use super::{Report, ReportError};
use crate::simulation::Results;

/// Pretty-printed JSON of the whole result.
#[derive(Clone, Copy, Debug, Default)]
pub struct Json;

impl Report for Json {
    fn render(&self, results: &Results) -> Result<String, ReportError> {
        let mut text = serde_json::to_string_pretty(results).map_err(|e| ReportError::Serialize(e.to_string()))?;
        text.push('\n');
        Ok(text)
    }
}
