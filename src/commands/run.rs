//! `drsim run`: simulate a model and print its report.

use anyhow::anyhow;

use super::{Failure, bad_input, load_model, provenance, runtime, say, stage_out};
use crate::cli::{Format, RunArgs};
use drsim::engine::Observer;
use drsim::model::Model;
use drsim::report::csv::{RunColumns, SummaryCsv};
use drsim::report::exports::{add_notes, write_all};
use drsim::report::incidents::{IncidentCsv, excel_warning, stratified_warning};
use drsim::report::markdown::Markdown;
use drsim::report::output::Staging;
use drsim::report::progress::Progress;
use drsim::report::table::{Detail, Table};
use drsim::report::{Report, json::Json};
use drsim::shard::{PART_FILE, Part, ShardError, ShardSpec};
use drsim::simulation::{PrecisionFigure, PrecisionStop, Results, Simulation, SimulationError, precision_worst};
use drsim::world::strata::{Stratification, VarianceReduction};

/// Keeps only the strategies named on the command line, in model order.
pub(crate) fn select_strategies(model: &mut Model, names: &[String]) -> Result<(), Failure> {
    if names.is_empty() {
        return Ok(());
    }
    for name in names {
        if model.strategy(name).is_none() {
            let known: Vec<&str> = model.strategies.iter().map(|s| s.name.as_str()).collect();
            return Err(bad_input(anyhow!(
                "--strategy {name}: no such strategy in the model; known: {}",
                known.join(", ")
            )));
        }
    }
    model.strategies.retain(|s| names.contains(&s.name));
    Ok(())
}

/// Every flag combination of `drsim run` that cannot work, refused here and
/// only here, before the model is read or anything is simulated.
fn check_flags(args: &RunArgs) -> Result<(), Failure> {
    let refuse = |why: &str| Err(bad_input(anyhow!("{why}")));
    if args.incidents && args.out.is_none() {
        return refuse("--incidents: needs --out DIR (incidents.csv is written there)");
    }
    if args.shard.is_some() {
        if args.out.is_none() {
            return refuse("--shard needs --out DIR: where to write the partial result");
        }
        if args.precision.is_some() {
            return refuse(
                "--shard and --precision cannot be combined: each shard must simulate its fixed share of --trials",
            );
        }
    }
    args.options().validate().map_err(bad_input)?;
    if let Some(target) = args.precision {
        PrecisionStop { target, max_trials: args.max_trials }.validate().map_err(bad_input)?;
    }
    Ok(())
}

pub(super) fn run(args: &RunArgs) -> Result<(), Failure> {
    if let Some(platform) = platform_model(&args.model)? {
        return super::platform_run::run(args, &platform);
    }
    check_flags(args)?;
    let mut model = load_model(&args.model)?;
    select_strategies(&mut model, &args.strategies)?;
    args.options().validate_for(&model).map_err(bad_input)?;
    if args.outer.is_some() {
        return super::outer::run_outer(args, &model);
    }
    if let Some(spec) = &args.shard {
        return run_shard(&model, args, spec);
    }
    // Refuse an existing --out before spending any time simulating.
    let staging = stage_out(args.out.as_deref(), args.force)?;
    let (mut results, notes) = simulate(&model, args, staging.as_ref(), 0..args.options().trials)?;
    results.provenance.invocation.command_line = provenance().invocation.command_line;
    emit_noted(&results, &model, (args.format, args.detail()), staging, &notes)?;
    gate(&results, args.fail_on_miss)
}

/// The model as a platform when it lists `[[service]]` tables (then
/// `drsim run` runs its plans and the search); `None` for any other model,
/// whose errors [`load_model`] reports as before.
fn platform_model(path: &std::path::Path) -> Result<Option<drsim::platform::Platform>, Failure> {
    match drsim::platform::load(path) {
        Ok(p) if p.explicit => Ok(Some(p)),
        Ok(_) => Ok(None),
        Err(e) => match load_model(path) {
            Err(Failure::BadInput(single)) if is_platform_error(&single.to_string()) => Err(bad_input(e)),
            _ => Ok(None),
        },
    }
}

/// Whether a single model's error says the file has platform tables.
fn is_platform_error(text: &str) -> bool {
    ["unknown field `service`", "unknown field `function`", "unknown field `plan`"].iter().any(|f| text.contains(f))
}

/// `--fail-on-miss`: exit code 4 when no strategy meets the targets. Called
/// after every output is printed and written, so a failed gate still leaves
/// the results to look at.
pub(super) fn gate(results: &Results, fail_on_miss: bool) -> Result<(), Failure> {
    if fail_on_miss && results.decision.recommended.is_none() {
        return Err(Failure::TargetsMissed(anyhow!(
            "targets missed (--fail-on-miss): {}",
            drsim::report::verdicts::summary(results)
        )));
    }
    Ok(())
}

/// Reports each batch of a precision-stopped run on standard error.
struct PrecisionLog(f64);

impl Observer for PrecisionLog {
    fn batch(&mut self, trials: u64, reached: f64) {
        eprintln!("precision: {trials} trials, worst half-width / relative SE {reached:.5} (target {})", self.0);
    }
}

/// Simulates trials `first..first + trials` (the whole run, or a shard's
/// share), with the progress bar, `--incidents` streamed into `staging` and
/// the `--precision` stop as the flags ask. With the results come the
/// warnings about `incidents.csv`, already printed (report.md repeats
/// them): that it is past Excel's row limit, and that its rows come from a
/// stratified sample.
pub(super) fn simulate(
    model: &Model,
    args: &RunArgs,
    staging: Option<&Staging>,
    range: std::ops::Range<u64>,
) -> Result<(Results, Vec<String>), Failure> {
    let planned = args.precision.map_or(range.end - range.start, |_| args.max_trials);
    let mut progress = Progress::new(planned, args.quiet || args.precision.is_some());
    let format = args.incidents_format.format();
    let mut incidents = match staging {
        Some(staging) if args.incidents => {
            let names: Vec<String> = model.strategies.iter().map(|s| s.name.clone()).collect();
            // A precision-stopped run decides its trial count at the end:
            // the trials cell stays empty (results.json has the count).
            let run = RunColumns {
                drsim_version: drsim::provenance::VERSION.to_string(),
                seed: Some(args.seed),
                trials: if args.precision.is_some() { None } else { Some(args.options().trials) },
                years_per_trial: Some(args.years),
                sampling: Some((args.variance_reduction.setting().name().to_string(), args.region_replays)),
            };
            let path = staging.dir().join(format.file_name());
            // Each row's stratum and weight. A design the model cannot be
            // sampled by fails the simulation below, with the model named.
            let setting = args.variance_reduction.setting();
            let horizon = args.options().engine_config().horizon;
            let design = (setting != VarianceReduction::None)
                .then(|| Stratification::new(model, horizon, setting).ok())
                .flatten();
            Some(IncidentCsv::create_as(&path, &names, &run, format, design.as_ref()).map_err(runtime)?)
        }
        _ => None,
    };
    let mut log = args.precision.map(PrecisionLog);
    let mut simulation = Simulation::new(model, args.options())
        .trials(range)
        .variance_reduction(args.variance_reduction.setting())
        .region_plays(args.region_replays);
    if progress.is_visible() {
        simulation = simulation.observe(&mut progress);
    }
    if let Some(csv) = incidents.as_mut() {
        simulation = simulation.observe(csv);
    }
    if let (Some(log), Some(target)) = (log.as_mut(), args.precision) {
        simulation = simulation.precision(PrecisionStop { target, max_trials: args.max_trials }).observe(log);
    }
    let results = simulation.run().map_err(|e| match e {
        // A design the model cannot be sampled by: say which model.
        e @ SimulationError::Strata(_) => bad_input(anyhow!("{}: {e}", args.model.display())),
        e => simulation_failure(e),
    })?;
    progress.finish();
    let mut notes = Vec::new();
    if let Some(csv) = incidents {
        let rows = csv.finish().map_err(runtime)?;
        notes.extend(excel_warning(format, rows));
        notes.extend(stratified_warning(format, args.variance_reduction.setting()));
        for note in &notes {
            eprintln!("warning: {note}");
        }
    }
    if let Some(x) = args.precision {
        let (reached, figure) = precision_worst(&results);
        if reached > x {
            eprintln!(
                "warning: --max-trials {} reached before --precision {x} (reached {reached:.5})",
                args.max_trials
            );
            if let PrecisionFigure::ExpectedCost(i) = figure {
                if late_detection_helps(model, args) {
                    eprintln!(
                        "hint: the figure furthest from the target is the expected annual cost of {}; if rare \
                         years that lose all data set its spread (a logical failure detected after the backup \
                         retention), --variance-reduction late-detection narrows it (docs/variance.md)",
                        results.strategies[i].name
                    );
                }
            }
        }
    }
    Ok((results, notes))
}

/// Whether the run could use `--variance-reduction late-detection`: it does
/// not already oversample the late years (late-detection, peak-season), and
/// the model has what the design stratifies on.
fn late_detection_helps(model: &Model, args: &RunArgs) -> bool {
    let setting = args.variance_reduction.setting();
    !matches!(setting, VarianceReduction::LateDetection | VarianceReduction::PeakSeason)
        && Stratification::new(model, args.options().engine_config().horizon, VarianceReduction::LateDetection).is_ok()
}

/// Sorts a simulation error: a bad option is the user's input (exit 2),
/// anything else a runtime failure (exit 1).
pub(super) fn simulation_failure(e: SimulationError) -> Failure {
    match e {
        e @ (SimulationError::Option { .. } | SimulationError::TooManyFailures { .. } | SimulationError::Strata(_)) => {
            bad_input(e)
        }
        e => runtime(e),
    }
}

/// Prints the report in `format` and writes every export into `staging`:
/// how `drsim run` and `drsim merge` both end, so their outputs are the same bytes.
pub(super) fn emit(
    results: &Results,
    model: &Model,
    (format, detail): (Format, Detail),
    staging: Option<Staging>,
) -> Result<(), Failure> {
    emit_noted(results, model, (format, detail), staging, &[])
}

/// [`emit`], with `notes` (warnings about the exports) at the end of report.md.
fn emit_noted(
    results: &Results,
    model: &Model,
    (format, detail): (Format, Detail),
    staging: Option<Staging>,
    notes: &[String],
) -> Result<(), Failure> {
    let text = match format {
        Format::Table => Table { detail }.render(results),
        Format::Json => Json.render(results),
        Format::Csv => SummaryCsv.render(results),
        Format::Markdown => Markdown::default().render(results),
    }
    .map_err(runtime)?;
    say(&text)?;
    if let Some(staging) = staging {
        write_all(&staging, results, model).map_err(runtime)?;
        add_notes(&staging, notes).map_err(runtime)?;
        staging.commit().map_err(runtime)?;
    }
    Ok(())
}

/// Every shard error is about the user's input (a bad spec, bad or
/// mismatched parts): exit code 2.
pub(super) fn shard_failure(e: ShardError) -> Failure {
    bad_input(e)
}

/// Runs shard `spec` of the run `args` describes and writes its part into `--out`.
pub(super) fn run_shard(model: &Model, args: &RunArgs, spec: &str) -> Result<(), Failure> {
    let spec = ShardSpec::parse(spec, |name| std::env::var(name).ok()).map_err(shard_failure)?;
    let Some(out) = &args.out else {
        return Err(bad_input(anyhow!("--shard needs --out DIR: where to write the partial result")));
    };
    let staging = Staging::begin(out, args.force).map_err(bad_input)?;
    // The model text travels in the part, so the merge needs nothing else; it
    // must be the text that was parsed (same hash).
    let text = drsim::input::read_text(&args.model, drsim::input::MODEL_LIMIT_BYTES)
        .map_err(|e| runtime(anyhow!("{}: {e}", args.model.display())))?;
    let options = args.options();
    let range = spec.trials(options.trials);
    let tally = simulate(model, args, Some(&staging), range.clone())?.0.tally;
    let part = Part::new(model, text, &options, spec, tally);
    if part.model_sha256 != sha256_of(&part.model_text, model) {
        return Err(runtime(anyhow!("{}: the model file changed while the shard ran", args.model.display())));
    }
    staging.write(PART_FILE, &part.to_json()).map_err(runtime)?;
    let dir = staging.commit().map_err(runtime)?;
    if !args.quiet {
        eprintln!(
            "shard {}/{}: trials {}..{} of {} written to {}",
            part.shard,
            part.shards,
            range.start,
            range.end,
            options.trials,
            dir.join(PART_FILE).display()
        );
    }
    Ok(())
}

/// The hash the model would have if parsed from `text` (its own on success).
fn sha256_of(text: &str, model: &Model) -> String {
    Model::from_str_at(text, &model.source.path).map_or_else(|_| String::new(), |m| m.source.sha256)
}
