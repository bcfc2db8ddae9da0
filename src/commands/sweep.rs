//! `drsim sweep`: a grid of parameter values, or `--find` a threshold; on a
//! platform model (`[[service]]` tables), the plan chosen at each point.

use anyhow::anyhow;

use super::{Failure, bad_input, provenance, runtime, say, stage_out};
use crate::cli::{EVAL_TRIALS, EvalArgs, Format, PLATFORM_EVAL_TRIALS, SweepArgs};
use drsim::provenance::Provenance;
use drsim::report::Report;
use drsim::report::charts::render;
use drsim::report::charts::sweep::SweepChart;
use drsim::report::find_text::{FoundText, evaluation_line};
use drsim::report::json::{Json, WithProvenance};
use drsim::report::plan_sweep_csv::PlanSweepCsv;
use drsim::report::plan_sweep_text::PlanSweepText;
use drsim::report::sweep_csv::SweepCsv;
use drsim::report::sweep_text::SweepText;
use drsim::simulation::RunOptions;
use drsim::whatif::sweep::{Axis, find, parse_find, sweep as run_sweep};
use drsim::whatif::{WhatIfError, param::parse_set};

/// Sorts a what-if error into bad input or a runtime failure.
pub(super) fn whatif_failure(e: WhatIfError) -> Failure {
    match e {
        WhatIfError::Simulation(_) => runtime(e),
        _ => bad_input(e),
    }
}

/// Reads a model file's text, tagging failures as bad input.
pub(super) fn read_model_text(path: &std::path::Path) -> Result<String, Failure> {
    drsim::input::read_text(path, drsim::input::MODEL_LIMIT_BYTES)
        .map_err(|e| bad_input(anyhow!("{}: cannot read the model file: {e}", path.display())))
}

/// The provenance of a sweep or sensitivity run of the model `text` (read
/// from `path`) with `options`: the model's name when the base model parses,
/// the SHA-256 of its bytes, the seed, the trials per evaluation and the threads.
pub(super) fn eval_provenance(text: &str, path: &std::path::Path, options: &RunOptions) -> Provenance {
    let name = drsim::platform::from_str_at(text, path).map(|p| p.name).unwrap_or_default();
    provenance()
        .with_model(&name, &path.display().to_string(), &drsim::provenance::sha256_hex(text.as_bytes()))
        .with_run(options.seed, options.trials, options.years)
        .with_threads(drsim::engine::threads_for(options.threads))
}

/// The name of the provenance sidecar written beside `file` (`sweep.csv` ->
/// `sweep.provenance.json`).
pub(super) fn sidecar(file: &str) -> String {
    format!("{}.provenance.json", file.strip_suffix(".csv").unwrap_or(file))
}

/// The run options of every evaluation of a sweep or a sensitivity run
/// (one-year trials); without `--trials`, [`EVAL_TRIALS`], or
/// [`PLATFORM_EVAL_TRIALS`] for a platform model.
pub(super) fn eval_options(eval: &EvalArgs, platform: bool) -> RunOptions {
    let trials = eval.trials.unwrap_or(if platform { PLATFORM_EVAL_TRIALS } else { EVAL_TRIALS });
    RunOptions { trials, years: 1.0, seed: eval.seed, threads: eval.threads.map(|t| t as usize) }
}

pub(super) fn sweep(args: &SweepArgs) -> Result<(), Failure> {
    let text = read_model_text(&args.model)?;
    let options = eval_options(&args.eval, false);
    if let Some(spec) = &args.find {
        if !args.sets.is_empty() {
            return Err(bad_input(anyhow!("--find and --set: give one or the other")));
        }
        if drsim::whatif::plans::is_platform(&text) {
            return Err(bad_input(anyhow!(
                "--find: not available for a platform model ([[service]] tables); allowed: --set PATH=V1,V2,... \
                 (the chosen plan at each value and the break-even where it changes)"
            )));
        }
        let (path, low, high) = parse_find(spec).map_err(whatif_failure)?;
        let found =
            find(&text, &args.model, &path, &low, &high, &options, |e| eprintln!("{}", evaluation_line(&path, e)))
                .map_err(whatif_failure)?;
        say(&FoundText.render(&found).map_err(runtime)?)?;
        return Ok(());
    }
    if args.sets.is_empty() {
        return Err(bad_input(anyhow!(
            "give at least one --set PATH=V1,V2,... (e.g. --set strategy.NAME.backup.interval=30m,1h,2h) or --find PATH=LOW..HIGH"
        )));
    }
    let axes = args
        .sets
        .iter()
        .map(|s| parse_set(s).map(|(path, values)| Axis { path, values }))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad_input(anyhow!("--set {e}")))?;
    if matches!(args.format, Format::Markdown) {
        return Err(bad_input(anyhow!("--format markdown: not available for sweep; use table, csv or json")));
    }
    if drsim::whatif::plans::is_platform(&text) {
        return plan_sweep(args, &text, &axes);
    }
    let staging = stage_out(args.out.as_deref(), args.force)?;
    let result = run_sweep(&text, &args.model, &axes, &options, |done, total| {
        eprintln!("sweep: point {done} of {total} done");
    })
    .map_err(whatif_failure)?;
    let provenance = eval_provenance(&text, &args.model, &options);
    let csv = SweepCsv { provenance: Some(&provenance) }.render(&result).map_err(runtime)?;
    let table = || SweepText.render(&result);
    emit(args, &provenance, &result, &csv, table, "sweep.csv", &SweepChart { sweep: &result }, staging)
}

/// Prints a finished sweep in `--format` (`table` renders the table) and,
/// with `--out`, writes `csv_name`, its provenance sidecar and the chart.
#[allow(clippy::too_many_arguments)]
pub(super) fn emit<T>(
    args: &SweepArgs,
    provenance: &Provenance,
    result: &T,
    csv: &str,
    table: impl FnOnce() -> Result<String, drsim::report::ReportError>,
    csv_name: &str,
    chart: &impl drsim::report::charts::Chart,
    staging: Option<drsim::report::output::Staging>,
) -> Result<(), Failure>
where
    for<'b> Json: Report<WithProvenance<'b, T>>,
{
    match args.format {
        Format::Table | Format::Markdown => say(&table().map_err(runtime)?)?,
        Format::Csv => say(csv)?,
        Format::Json => say(&Json.render(&WithProvenance { provenance, body: result }).map_err(runtime)?)?,
    }
    if let Some(staging) = staging {
        staging.write(csv_name, csv.as_bytes()).map_err(runtime)?;
        let sidecar_json = <Json as Report<Provenance>>::render(&Json, provenance).map_err(runtime)?;
        staging.write(&sidecar(csv_name), sidecar_json.as_bytes()).map_err(runtime)?;
        render(chart, &staging).map_err(runtime)?;
        let dir = staging.commit().map_err(runtime)?;
        eprintln!("wrote {0}/{csv_name}, {0}/{1} and {0}/{2}.png/.svg", dir.display(), sidecar(csv_name), chart_name());
    }
    Ok(())
}

/// `drsim sweep PLATFORM --set PATH=V1,V2,...`: at each point the listed
/// plans and the searched optimum; `--out` writes `plan_sweep.csv`, its
/// provenance and the sweep chart (a line per listed plan and one for the
/// chosen plan).
fn plan_sweep(args: &SweepArgs, text: &str, axes: &[Axis]) -> Result<(), Failure> {
    let options = eval_options(&args.eval, true);
    let staging = stage_out(args.out.as_deref(), args.force)?;
    let result = drsim::whatif::plans::sweep(text, &args.model, axes, &options, |done, total| {
        eprintln!("sweep: point {done} of {total} done");
    })
    .map_err(whatif_failure)?;
    let provenance = eval_provenance(text, &args.model, &options);
    let csv = PlanSweepCsv { provenance: Some(&provenance) }.render(&result).map_err(runtime)?;
    let as_sweep = result.as_sweep();
    let table = || PlanSweepText.render(&result);
    emit(args, &provenance, &result, &csv, table, "plan_sweep.csv", &SweepChart { sweep: &as_sweep }, staging)
}

fn chart_name() -> &'static str {
    drsim::report::charts::sweep::NAME
}
