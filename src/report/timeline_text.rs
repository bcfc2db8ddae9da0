//! The text timeline of one incident (`drsim timeline`, and timeline.txt
//! beside its Gantt chart): the path it took, each step with its offset, and
//! the achieved RTO and RPO against the targets.

use std::fmt::Write;

use super::charts::gantt::step_bars;
use super::charts::steps::step_label;
use super::{Report, ReportError};
use crate::format::{fmt_duration_s, fmt_usd};
use crate::incident::Path;
use crate::model::Duration;
use crate::timeline::Walkthrough;

/// The text timeline of a [`Walkthrough`].
#[derive(Clone, Copy, Debug, Default)]
pub struct TimelineText;

impl Report<Walkthrough<'_>> for TimelineText {
    fn render(&self, w: &Walkthrough<'_>) -> Result<String, ReportError> {
        Ok(render_text(w))
    }
}

/// A reviewer's reading of a path.
pub fn path_text(path: Path) -> &'static str {
    match path {
        Path::AzFailover => "one AZ lost under Multi-AZ: only the database failover blip",
        Path::RodeOut => "the primary came back before DR was invoked or ready; no data lost",
        Path::FailedOver => "failed over to the DR region",
        Path::Restored => "restored from backup",
        Path::ManualFailover => "automatic removal of the lost region failed; people moved the traffic",
        Path::FailoverFailedRestored => "the failover failed; the fall-back restore from backup finished first",
        Path::FailoverFailedWaited => "the failover failed; the service waited for the primary",
        Path::DrUnavailableWaited => "DR could not be used; the service waited for the primary",
        Path::Rebuilt => "no clean backup: rebuilt empty, all data lost",
        Path::DrFailed => "failed over; the DR side then failed while serving, before the failback",
        Path::SplitBrain => "failed over, and the primary outlived the promotion: the diverged sides were reconciled",
        Path::DrillWentWrong => "a drill's failover or failback went wrong",
        Path::Remediated => "every region was down until the rollback or remediation was done; no data restored",
    }
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}

/// The text timeline of one incident.
fn render_text(w: &Walkthrough<'_>) -> String {
    let Walkthrough { model, strategy, seed, trial, incident } = w;
    let kind = incident.kind;
    let rto = model.targets.rto_for(kind);
    let rpo = model.targets.rpo_for(kind);
    let mut out = String::new();
    let _ = writeln!(out, "{} · strategy {strategy} · {kind} disruption", model.workload.name);
    let start = incident.start.since_start();
    let _ = writeln!(
        out,
        "seed {seed}, trial {trial}: the first {kind} incident of {strategy} in this seed's trials; \
         it began on day {} at {:02}:{:02} of the simulated year",
        (start.days().floor() as u64) + 1,
        (start.hours() % 24.0).floor() as u64,
        (start.minutes() % 60.0).floor() as u64
    );
    let _ = writeln!(out, "path: {} ({})", incident.path.name(), path_text(incident.path));
    if incident.detection_delay > Duration::ZERO {
        let _ = writeln!(
            out,
            "the damage went unnoticed for {} before it was discovered (not downtime; offsets start at discovery)",
            fmt_duration_s(incident.detection_delay.secs())
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "  {:>12}  {:<22} {:>12}", "offset", "step", "duration");
    for (step, from, d) in step_bars(incident) {
        let name = step.map_or("", step_label);
        let _ = writeln!(out, "  {:>12}  {:<22} {:>12}", format!("+{}", fmt_duration_s(from)), name, fmt_duration_s(d));
    }
    let back = incident.elapsed().secs();
    if incident.degraded > Duration::ZERO {
        let full = back + incident.degraded.secs();
        let _ = writeln!(out, "  {:>12}  service back at partial capacity", format!("+{}", fmt_duration_s(back)));
        let _ = writeln!(out, "  {:>12}  full capacity", format!("+{}", fmt_duration_s(full)));
    } else {
        let _ = writeln!(out, "  {:>12}  service back", format!("+{}", fmt_duration_s(back)));
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "downtime (load-weighted, the achieved RTO): {}  (RTO target {}: {})",
        fmt_duration_s(incident.downtime.secs()),
        rto,
        verdict(incident.rto_met(rto))
    );
    let loss = fmt_duration_s(incident.data_loss.secs());
    let _ =
        writeln!(out, "data loss (the achieved RPO): {loss}  (RPO target {rpo}: {})", verdict(incident.rpo_met(rpo)));
    if incident.degraded > Duration::ZERO {
        let _ = writeln!(out, "degraded (partial service): {}", fmt_duration_s(incident.degraded.secs()));
    }
    if incident.failback_downtime > Duration::ZERO {
        let _ = writeln!(
            out,
            "failback interruption later: {} (counts in annual downtime, not in the RTO)",
            fmt_duration_s(incident.failback_downtime.secs())
        );
    }
    let _ = writeln!(out, "cost of the incident: {} (revenue, lost orders, response)", fmt_usd(incident.cost_usd));
    out
}
