//! Reports: every output drsim prints or writes, one file per output, each a
//! small type behind the [`Report`] trait. The run's reports read the same
//! [`Results`]; the what-if, fit and check outputs read what their analysis
//! returns. Reports know nothing of sampling; the engine, the what-if
//! analyses and the commands know nothing of formats. CSV files all go
//! through the one writer in [`csv`].

pub mod answer;
pub mod cells;
pub mod charts;
pub mod check_json;
pub mod check_text;
pub mod csv;
pub mod csv_row;
pub mod exports;
pub mod failure_toml;
pub mod find_text;
pub mod fit_csv;
pub mod fit_json;
pub mod fit_text;
pub mod html;
pub mod incidents;
pub mod json;
pub mod markdown;
pub mod outcomes_csv;
pub mod outer_csv;
pub mod outer_json;
pub mod outer_markdown;
pub mod outer_text;
pub mod output;
pub mod plan_sweep_csv;
pub mod plan_sweep_text;
pub mod platform_csv;
pub mod platform_exports;
pub mod platform_json;
pub mod platform_markdown;
pub mod platform_section;
pub mod platform_table;
pub mod platform_takes;
pub mod platform_text;
pub mod platform_view;
pub mod policy_json;
pub mod progress;
pub mod sarif;
pub mod sensitivity_columns;
pub mod sensitivity_csv;
pub mod sensitivity_json;
pub mod sensitivity_markdown;
pub mod sensitivity_text;
pub mod sweep_csv;
pub mod sweep_text;
pub mod table;
pub mod targets_toml;
pub mod timeline_json;
pub mod timeline_text;
pub mod verdicts;

use crate::simulation::Results;

/// An output that renders its input as text (printed or written to a file).
///
/// The input defaults to a run's [`Results`]; other outputs name theirs
/// (a sweep, a tornado list, a fitted history, a model), so every output is
/// one type with one `render`, whatever it reads.
pub trait Report<T: ?Sized = Results> {
    /// Renders the input.
    fn render(&self, input: &T) -> Result<String, ReportError>;
}

/// Why a report could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Serialisation failed; the serialiser's error (JSON, CSV, UTF-8) is the source.
    #[error("cannot serialise the results")]
    Serialize(#[source] Box<dyn std::error::Error + Send + Sync>),
}
