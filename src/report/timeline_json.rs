//! `drsim timeline --format json`: the walkthrough of one incident as data,
//! the same figures as the text timeline (durations in seconds, `_s` keys).
//! Fields are only ever added (a `provenance` object may join them).

use serde::Serialize;

use super::charts::gantt::step_bars;
use super::json::pretty;
use super::timeline_text::path_text;
use super::{Report, ReportError};
use crate::timeline::Walkthrough;

/// The JSON of a [`Walkthrough`].
#[derive(Clone, Copy, Debug, Default)]
pub struct TimelineJson;

/// The document as written.
#[derive(Serialize)]
struct TimelineDocument<'a> {
    workload: &'a str,
    strategy: &'a str,
    kind: &'static str,
    seed: u64,
    /// The trial (0-based) whose first incident of this kind is shown.
    trial: u64,
    /// When service was lost (logical: when the damage began), seconds since the trial start.
    start_s: f64,
    path: &'static str,
    path_description: &'static str,
    /// Logical only: time from the damage to its discovery (offsets start at discovery).
    detection_delay_s: f64,
    /// The steps that took time, in order.
    steps: Vec<JsonStep>,
    /// When service was back (at full or partial capacity), seconds after the start of the first step.
    service_back_s: f64,
    /// Partial service after that, seconds.
    degraded_s: f64,
    /// Load-weighted downtime: the achieved RTO.
    downtime_s: f64,
    rto_target_s: f64,
    rto_met: bool,
    /// The window of writes lost (the achieved RPO); `null` when all data was lost.
    data_loss_s: Option<f64>,
    data_lost_entirely: bool,
    rpo_target_s: f64,
    rpo_met: bool,
    /// The planned failback's interruption later (annual downtime, not the RTO).
    failback_downtime_s: f64,
    /// Revenue, lost orders and response, USD.
    cost_usd: f64,
}

#[derive(Serialize)]
struct JsonStep {
    step: &'static str,
    offset_s: f64,
    duration_s: f64,
}

impl Report<Walkthrough<'_>> for TimelineJson {
    fn render(&self, w: &Walkthrough<'_>) -> Result<String, ReportError> {
        let i = &w.incident;
        let (rto, rpo) = (w.model.targets.rto_for(i.kind), w.model.targets.rpo_for(i.kind));
        let steps = step_bars(i)
            .into_iter()
            .filter_map(|(step, offset_s, duration_s)| step.map(|s| JsonStep { step: s.name(), offset_s, duration_s }))
            .collect();
        pretty(&TimelineDocument {
            workload: &w.model.workload.name,
            strategy: &w.strategy,
            kind: i.kind.name(),
            seed: w.seed,
            trial: w.trial,
            start_s: i.start.secs(),
            path: i.path.name(),
            path_description: path_text(i.path),
            detection_delay_s: i.detection_delay.secs(),
            steps,
            service_back_s: i.elapsed().secs(),
            degraded_s: i.degraded.secs(),
            downtime_s: i.downtime.secs(),
            rto_target_s: rto.secs(),
            rto_met: i.rto_met(rto),
            data_loss_s: i.data_loss.window().map(|d| d.secs()),
            data_lost_entirely: i.data_loss.is_total(),
            rpo_target_s: rpo.secs(),
            rpo_met: i.rpo_met(rpo),
            failback_downtime_s: i.failback_downtime.secs(),
            cost_usd: i.cost_usd,
        })
    }
}
