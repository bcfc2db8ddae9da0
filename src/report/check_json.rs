//! `drsim check --format json`: the problems of an invalid model, or the
//! audit findings of a valid one, each with its key and position, for
//! scripts and dashboards. One object per model file; fields are only ever
//! added (a `provenance` object may join them).

use serde::Serialize;

use super::json::pretty;
use super::{Report, ReportError};
use crate::lint::{Audit, span};

/// The JSON of a [`drsim check`](Audit).
#[derive(Clone, Copy, Debug, Default)]
pub struct CheckJson;

/// The document as written.
#[derive(Serialize)]
struct CheckDocument<'a> {
    /// The model file as given (`<stdin>` for standard input).
    model: String,
    /// Whether the model is valid (no problems).
    valid: bool,
    /// The workload's name, when valid.
    workload: Option<&'a str>,
    /// Whether `--strict` made the findings errors.
    strict: bool,
    /// Why the model is invalid.
    problems: Vec<JsonProblem<'a>>,
    /// The audit findings of a valid model.
    findings: Vec<JsonFinding<'a>>,
}

#[derive(Serialize)]
struct JsonProblem<'a> {
    line: usize,
    column: usize,
    key: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'static str,
    level: &'static str,
    key: String,
    /// 1-based; `null` when the key is not in the file (a default value).
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
    why: &'static str,
}

impl Report<Audit<'_>> for CheckJson {
    fn render(&self, audit: &Audit<'_>) -> Result<String, ReportError> {
        let document = CheckDocument {
            model: audit.path.display().to_string(),
            valid: audit.problems.is_empty(),
            workload: audit.workload,
            strict: audit.strict,
            problems: audit
                .problems
                .iter()
                .map(|p| JsonProblem { line: p.line, column: p.column, key: &p.key, message: &p.message })
                .collect(),
            findings: audit
                .findings
                .iter()
                .map(|f| {
                    let at = span(audit.text, &f.key);
                    JsonFinding {
                        code: f.code.name(),
                        level: audit.finding_level(),
                        key: f.key.to_string(),
                        line: at.map(|(line, _)| line),
                        column: at.map(|(_, column)| column),
                        message: &f.message,
                        why: f.code.why(),
                    }
                })
                .collect(),
        };
        pretty(&document)
    }
}
