//! `drsim timeline MODEL --strategy NAME --kind KIND [--seed S] [--out DIR]`:
//! the first incident of that kind under that strategy in the trials of the
//! seed (trials 0, 1, 2, ... simulated in order, exactly as `drsim run`
//! simulates them), walked through step by step as a text timeline and a
//! Gantt chart: a Game Day walkthrough for a design review.

use std::fmt::Write;

use anyhow::anyhow;

use super::{Failure, bad_input, load_model, runtime};
use crate::cli::TimelineArgs;
use crate::engine::Observer;
use crate::format::fmt_duration_s;
use crate::format::fmt_usd;
use crate::incident::{Incident, Path};
use crate::model::{Duration, Kind, Model};
use crate::report::charts::gantt::{GanttChart, step_bars};
use crate::report::charts::render;
use crate::report::charts::steps::step_label;
use crate::report::output::{OutputError, Staging};
use crate::simulation::{RunOptions, Simulation};

/// Trials searched before giving up.
pub const MAX_TRIALS: u64 = 100_000;

/// Keeps the first incident of one kind: the earliest in the first trial that has one.
struct First {
    kind: Kind,
    found: Option<(u64, Incident)>,
}

impl Observer for First {
    fn wants_incidents(&self) -> bool {
        true
    }

    fn satisfied(&self) -> bool {
        self.found.is_some()
    }

    fn incident(&mut self, trial: u64, _strategy: usize, incident: &Incident) {
        // Within the first trial that has one, the earliest by start time
        // (the engine hands a trial's incidents over by cause, not by time).
        let earlier = match &self.found {
            None => true,
            Some((t, found)) => *t == trial && incident.start < found.start,
        };
        if incident.kind == self.kind && earlier {
            self.found = Some((trial, *incident));
        }
    }
}

/// The first incident of `kind` under the model's only strategy, with its
/// trial: trials `0..MAX_TRIALS` of the seed are simulated in order (in
/// parallel chunks, handed over in trial order) until one has such an incident.
fn find_first(model: &Model, kind: Kind, seed: u64) -> Result<Option<(u64, Incident)>, Failure> {
    let mut first = First { kind, found: None };
    let options = RunOptions { seed, trials: MAX_TRIALS, ..RunOptions::default() };
    Simulation::new(model, options).observe(&mut first).run().map_err(super::run::simulation_failure)?;
    Ok(first.found)
}

/// A reviewer's reading of a path.
fn path_text(path: Path) -> &'static str {
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
    }
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}

/// The text timeline of one incident.
pub fn render_text(model: &Model, strategy: &str, trial: u64, seed: u64, incident: &Incident) -> String {
    let kind = incident.kind;
    let rto = model.targets.rto_for(kind);
    let rpo = model.targets.rpo_for(kind);
    let mut out = String::new();
    let _ = writeln!(out, "{} · strategy {strategy} · {kind} disruption", model.workload.name);
    let start = incident.start;
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
    let loss =
        if incident.data_lost_entirely { "all data".to_string() } else { fmt_duration_s(incident.data_loss.secs()) };
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

pub(super) fn timeline(args: &TimelineArgs) -> Result<(), Failure> {
    let mut model = load_model(&args.model)?;
    let Some(kind) = Kind::parse(&args.kind) else {
        let allowed: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
        return Err(bad_input(anyhow!("--kind {}: unknown kind; allowed: {}", args.kind, allowed.join(", "))));
    };
    if model.failure(kind).is_none() {
        return Err(bad_input(anyhow!(
            "--kind {kind}: {} has no {kind} failure mode, so no such incident can happen",
            args.model.display()
        )));
    }
    super::run::select_strategies(&mut model, std::slice::from_ref(&args.strategy))?;
    // Refuse an existing --out before searching.
    let staging = match &args.out {
        Some(dir) => Some(Staging::begin(dir, false).map_err(|e| match e {
            OutputError::Exists { path } => {
                bad_input(anyhow!("{}: already exists; choose another --out directory or remove it", path.display()))
            }
            other => runtime(other),
        })?),
        None => None,
    };
    let Some((trial, incident)) = find_first(&model, kind, args.seed)? else {
        return Err(runtime(anyhow!(
            "no {kind} incident of {} in the first {MAX_TRIALS} trials of seed {}: this kind is too rare under this \
             model to walk through; try another --seed or --kind",
            args.strategy,
            args.seed
        )));
    };
    print!("{}", render_text(&model, &args.strategy, trial, args.seed, &incident));
    if let Some(staging) = staging {
        let chart = GanttChart {
            title: format!(
                "{}: {} disruption under {} (seed {}, trial {trial})",
                model.workload.name, kind, args.strategy, args.seed
            ),
            bars: step_bars(&incident),
            rto_target_s: model.targets.rto_for(kind).secs(),
            downtime_s: incident.downtime.secs(),
            degraded_s: incident.degraded.secs(),
        };
        render(&chart, staging.dir()).map_err(runtime)?;
        staging
            .write("timeline.txt", render_text(&model, &args.strategy, trial, args.seed, &incident).as_bytes())
            .map_err(runtime)?;
        let dir = staging.commit().map_err(runtime)?;
        eprintln!("wrote {}/timeline.png, timeline.svg and timeline.txt", dir.display());
    }
    Ok(())
}
