//! `drsim timeline MODEL --strategy NAME --kind KIND [--seed S] [--out DIR]`:
//! the first incident of that kind under that strategy in the trials of the
//! seed (trials 0, 1, 2, ... simulated in order, exactly as `drsim run`
//! simulates them), walked through step by step as a text timeline and a
//! Gantt chart: a Game Day walkthrough for a design review.

use anyhow::anyhow;

use super::{Failure, bad_input, load_model, runtime, say};
use crate::cli::{TextFormat, TimelineArgs};
use drsim::model::DisruptionKind;
use drsim::report::Report;
use drsim::report::charts::gantt::{GanttChart, step_bars};
use drsim::report::charts::render;
use drsim::report::output::{OutputError, Staging};
use drsim::report::timeline_json::TimelineJson;
use drsim::report::timeline_text::TimelineText;
use drsim::timeline::{MAX_TRIALS, Walkthrough, first_incident};

pub(super) fn timeline(args: &TimelineArgs) -> Result<(), Failure> {
    let mut model = load_model(&args.model)?;
    let Some(kind) = DisruptionKind::parse(&args.kind) else {
        let allowed: Vec<&str> = DisruptionKind::ALL.iter().map(|k| k.name()).collect();
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
    let found = first_incident(&model, kind, args.seed).map_err(super::run::simulation_failure)?;
    let Some((trial, incident)) = found else {
        return Err(runtime(anyhow!(
            "no {kind} incident of {} in the first {MAX_TRIALS} trials of seed {}: this kind is too rare under this \
             model to walk through; try another --seed or --kind",
            args.strategy,
            args.seed
        )));
    };
    let walk = Walkthrough { model: &model, strategy: args.strategy.clone(), seed: args.seed, trial, incident };
    let text = TimelineText.render(&walk).map_err(runtime)?;
    match args.format {
        TextFormat::Text => say(&text)?,
        TextFormat::Json => say(&TimelineJson.render(&walk).map_err(runtime)?)?,
    }
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
            path: incident.path,
            ending: drsim::report::timeline_text::path_text(incident.path).to_string(),
            kind,
            detection_delay_s: incident.detection_delay.secs(),
            active_active: model
                .strategies
                .iter()
                .any(|s| s.name == args.strategy && s.kind() == drsim::model::StrategyKind::ActiveActive),
        };
        render(&chart, &staging).map_err(runtime)?;
        staging.write("timeline.txt", text.as_bytes()).map_err(runtime)?;
        let dir = staging.commit().map_err(runtime)?;
        eprintln!("wrote {}/timeline.png, timeline.svg and timeline.txt", dir.display());
    }
    Ok(())
}
