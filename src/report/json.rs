//! JSON: every figure, durations in seconds with the unit in the key name.
//! One report for every JSON output (a run's results, a sweep), so they share
//! the layout: pretty-printed, ending in a newline.

use serde::Serialize;

use super::{Report, ReportError};

/// Pretty-printed JSON of the whole input (a run's results, a sweep).
#[derive(Clone, Copy, Debug, Default)]
pub struct Json;

impl<T: Serialize + ?Sized> Report<T> for Json {
    fn render(&self, input: &T) -> Result<String, ReportError> {
        let mut text = serde_json::to_string_pretty(input).map_err(|e| ReportError::Serialize(e.to_string()))?;
        text.push('\n');
        Ok(text)
    }
}
