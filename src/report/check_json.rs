//! `drsim check --format json`: the problems of an invalid model, or the
//! audit findings of a valid one, each with its key and position, for
//! scripts and dashboards; for a valid model, what the text `check` says of
//! each strategy too (how often its failover fails, the fastest recovery it
//! could achieve per kind). One object per model file; fields are only ever
//! added (a `provenance` object may join them).

use serde::Serialize;

use super::json::pretty;
use super::{Report, ReportError};
use crate::lint::{Audit, span};
use crate::model::{Duration, Model, Strategy};
use crate::strategy::bounds;

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
    /// Per strategy of a valid model (empty for an invalid one), in model order.
    strategies: Vec<JsonStrategy<'a>>,
}

/// What the model alone says of a strategy (no simulation).
#[derive(Serialize)]
struct JsonStrategy<'a> {
    name: &'a str,
    /// `backup_restore`, `pilot_light`, `warm_standby` or `active_active`.
    kind: &'static str,
    /// The chance a failover fails, averaged over when it happens (what the
    /// drill interval and drift imply), 0-1.
    failover_failure_probability: f64,
    /// The chance right after a drill (the model's `failure_probability`), 0-1.
    failover_failure_probability_after_drill: f64,
    /// The reliability's drift, seconds; `null` without drift.
    drift_s: Option<f64>,
    /// The drill interval, seconds; `null` when never drilled.
    drill_interval_s: Option<f64>,
    /// Per failure kind of the model, in model order.
    fastest_recovery: Vec<JsonFastest>,
}

/// The fastest recovery a strategy could achieve from one kind: the lower
/// ends of its steps along its quickest path.
#[derive(Serialize)]
struct JsonFastest {
    /// `az`, `region`, `logical` or `application`.
    kind: &'static str,
    /// Seconds (load-weighted, as the achieved RTO); `null` when it has no
    /// recovery (logical damage without backups: all data lost).
    seconds: Option<f64>,
    /// Whether the quickest path restores from backup.
    restores_from_backup: bool,
    /// For a restore: the highest restore throughput the model allows, GB/h.
    max_restore_throughput_gb_per_hour: Option<f64>,
}

fn strategy<'a>(model: &Model, s: &'a Strategy) -> JsonStrategy<'a> {
    let r = s.reliability;
    JsonStrategy {
        name: &s.name,
        kind: s.kind().name(),
        failover_failure_probability: bounds::failover_failure_probability(s, Duration::YEAR),
        failover_failure_probability_after_drill: r.failure_probability.get(),
        drift_s: r.drift.map(|d| d.secs()),
        drill_interval_s: s.drill_interval.map(|d| d.secs()),
        fastest_recovery: model
            .failures
            .iter()
            .map(|f| {
                let b = bounds::fastest_recovery(model, s, f.kind);
                let restore = b.and_then(|b| b.restore);
                JsonFastest {
                    kind: f.kind.name(),
                    seconds: b.map(|b| b.seconds),
                    restores_from_backup: restore.is_some(),
                    max_restore_throughput_gb_per_hour: restore.map(|r| r.max_throughput_gb_per_hour),
                }
            })
            .collect(),
    }
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
            strategies: audit.model.map(|m| m.strategies.iter().map(|s| strategy(m, s)).collect()).unwrap_or_default(),
        };
        pretty(&document)
    }
}
