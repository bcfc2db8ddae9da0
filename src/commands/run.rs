//! `drsim run`: simulate a model and print its report.

use anyhow::anyhow;

use super::{Failure, bad_input, load_model, runtime};
use crate::cli::{Format, RunArgs};
use crate::model::Model;
use crate::report::csv::SummaryCsv;
use crate::report::exports::write_all;
use crate::report::incidents::IncidentCsv;
use crate::report::markdown::Markdown;
use crate::report::output::Staging;
use crate::report::progress::{Progress, simulate_with_progress};
use crate::report::{Report, json::Json, table::Table};
use crate::simulation::{Results, precision_reached, results_from_tally, simulate_to_precision};

/// Trials per chunk of a streamed run (see `engine::run_streaming`).
const STREAM_CHUNK: u64 = 256;

/// Simulates while streaming every incident into `incidents.csv` in the staging directory.
fn incidents_run(model: &Model, args: &RunArgs, staging: &Staging) -> Result<crate::simulation::Results, Failure> {
    let names: Vec<String> = model.strategies.iter().map(|s| s.name.clone()).collect();
    let progress = Progress::new(args.trials, args.quiet);
    let bar = progress.clone();
    let mut sink = IncidentCsv::create(&staging.dir().join("incidents.csv"), &names)
        .map_err(runtime)?
        .on_trial(move |done| bar.set(done));
    let options = args.options();
    let tally = crate::engine::run_streaming(model, &options.engine_config(), 0..args.trials, STREAM_CHUNK, &mut sink)
        .map_err(runtime)?;
    sink.finish().map_err(runtime)?;
    progress.finish();
    Ok(results_from_tally(model, &options, tally))
}

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

pub(super) fn run(args: &RunArgs) -> Result<(), Failure> {
    if !(args.years.is_finite() && args.years > 0.0 && args.years <= 1000.0) {
        return Err(bad_input(anyhow!("--years {}: allowed: a number of years above 0 and at most 1000", args.years)));
    }
    let mut model = load_model(&args.model)?;
    select_strategies(&mut model, &args.strategies)?;
    if let Some(spec) = &args.shard {
        return super::merge::run_shard(&model, args, spec);
    }
    // Refuse an existing --out before spending any time simulating.
    let staging = match &args.out {
        Some(dir) => Some(Staging::begin(dir, args.force).map_err(bad_input)?),
        None => None,
    };
    if args.incidents && args.out.is_none() {
        return Err(bad_input(anyhow!("--incidents: needs --out DIR (incidents.csv is written there)")));
    }
    if args.incidents && args.precision.is_some() {
        return Err(bad_input(anyhow!("--incidents: cannot be combined with --precision; give --trials instead")));
    }
    let results = match (args.precision, &staging) {
        (None, Some(staging)) if args.incidents => incidents_run(&model, args, staging)?,
        (None, _) => {
            let progress = Progress::new(args.trials, args.quiet);
            simulate_with_progress(&model, &args.options(), &progress).map_err(runtime)?
        }
        (Some(x), _) if x.is_finite() && x > 0.0 && x < 1.0 => {
            let results = simulate_to_precision(&model, &args.options(), x, args.max_trials, |done, reached| {
                eprintln!("precision: {done} trials, worst half-width / relative SE {reached:.5} (target {x})");
            })
            .map_err(runtime)?;
            let reached = precision_reached(&results);
            if reached > x {
                eprintln!(
                    "warning: --max-trials {} reached before --precision {x} (reached {reached:.5})",
                    args.max_trials
                );
            }
            results
        }
        (Some(x), _) => {
            return Err(bad_input(anyhow!("--precision {x}: allowed: a number between 0 and 1, e.g. 0.001")));
        }
    };
    emit(&results, &model, args.format, staging)
}

/// Prints the report in `format` and writes every export into `staging`:
/// how `drsim run` and `drsim merge` both end, so their outputs are the same bytes.
pub(super) fn emit(results: &Results, model: &Model, format: Format, staging: Option<Staging>) -> Result<(), Failure> {
    let text = match format {
        Format::Table => Table.render(results),
        Format::Json => Json.render(results),
        Format::Csv => SummaryCsv.render(results),
        Format::Markdown => Markdown::default().render(results),
    }
    .map_err(runtime)?;
    print!("{text}");
    if let Some(staging) = staging {
        write_all(&staging, results, model).map_err(runtime)?;
        staging.commit().map_err(runtime)?;
    }
    Ok(())
}
