//! Reports: one file per output format, each reading the same [`Results`].
//! Reports know nothing of sampling; the engine knows nothing of formats.

pub mod cells;
pub mod charts;
pub mod csv;
pub mod exports;
pub mod incidents;
pub mod json;
pub mod markdown;
pub mod output;
pub mod progress;
pub mod table;
pub mod verdicts;

use crate::simulation::Results;

/// An output format that renders results as text.
pub trait Report {
    /// Renders the results.
    fn render(&self, results: &Results) -> Result<String, ReportError>;
}

/// Why a report could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Serialisation failed.
    #[error("cannot serialise the results: {0}")]
    Serialize(String),
}
