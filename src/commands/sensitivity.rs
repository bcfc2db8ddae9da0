//! `drsim sensitivity`: the tornado of one strategy, or of each in turn; on a
//! platform model (`[[service]]` tables), of the plan chosen.

use super::sweep::{eval_options, eval_provenance, read_model_text, sidecar, whatif_failure};
use super::{Failure, bad_input, load_model, runtime, say, stage_out};
use crate::cli::{SensitivityArgs, TextFormat};
use drsim::report::Report;
use drsim::report::charts::render;
use drsim::report::charts::tornado::TornadoChart;
use drsim::report::json::Json;
use drsim::report::output::Staging;
use drsim::report::sensitivity_csv::SensitivityCsv;
use drsim::report::sensitivity_json::SensitivityJson;
use drsim::report::sensitivity_markdown::SensitivityMarkdown;
use drsim::report::sensitivity_text::TornadoText;
use drsim::whatif::sensitivity::{Metric, Tornado, tornados as analyse};

pub(super) fn sensitivity(args: &SensitivityArgs) -> Result<(), Failure> {
    let text = read_model_text(&args.model)?;
    if drsim::whatif::plans::is_platform(&text) {
        return plan_sensitivity(args, &text);
    }
    load_model(&args.model)?;
    let staging = match &args.out {
        Some(dir) => Some(Staging::begin(dir, args.force).map_err(bad_input)?),
        None => None,
    };
    let metric = Metric::parse(&args.metric).map_err(|e| bad_input(anyhow::anyhow!("{e}")))?;
    let options = eval_options(&args.eval, false);
    let what = args.strategy.as_deref().unwrap_or("every strategy");
    let tornados = analyse(
        &text,
        &args.model,
        args.strategy.as_deref(),
        args.swing,
        metric,
        &options,
        |done, total| {
            if done == total || done % 10 == 0 {
                eprintln!("sensitivity {what}: {done} of {total} inputs done");
            }
        },
        |input, e| eprintln!("warning: {} left out: {e}", input.path),
    )
    .map_err(whatif_failure)?;
    emit(args, &text, &options, metric, &tornados, staging)
}

/// Prints finished tornados in `--format` and, with `--out`, writes
/// `sensitivity.csv`, `sensitivity.md`, the provenance sidecar and a tornado
/// chart per tornado.
pub(super) fn emit(
    args: &SensitivityArgs,
    text: &str,
    options: &drsim::simulation::RunOptions,
    metric: Metric,
    tornados: &[Tornado],
    staging: Option<Staging>,
) -> Result<(), Failure> {
    if args.format == TextFormat::Text {
        for t in tornados {
            say(&TornadoText { metric }.render(t).map_err(runtime)?)?;
        }
    }
    let provenance = eval_provenance(text, &args.model, options);
    if args.format == TextFormat::Json {
        say(&SensitivityJson { provenance: Some(&provenance) }.render(tornados).map_err(runtime)?)?;
    }
    if let Some(staging) = staging {
        let csv = SensitivityCsv { provenance: Some(&provenance), metric }.render(tornados).map_err(runtime)?;
        staging.write("sensitivity.csv", csv.as_bytes()).map_err(runtime)?;
        let md = SensitivityMarkdown { metric }.render(tornados).map_err(runtime)?;
        staging.write("sensitivity.md", md.as_bytes()).map_err(runtime)?;
        staging
            .write(&sidecar("sensitivity.csv"), Json.render(&provenance).map_err(runtime)?.as_bytes())
            .map_err(runtime)?;
        for t in tornados {
            render(&TornadoChart::new(t, metric), &staging).map_err(runtime)?;
        }
        let dir = staging.commit().map_err(runtime)?;
        eprintln!(
            "wrote {0}/sensitivity.csv, {0}/sensitivity.md, {0}/sensitivity.provenance.json and the tornado charts",
            dir.display()
        );
    }
    Ok(())
}

/// `drsim sensitivity PLATFORM`: the tornado of the chosen plan, with the
/// inputs that change the choice.
fn plan_sensitivity(args: &SensitivityArgs, text: &str) -> Result<(), Failure> {
    if let Some(s) = &args.strategy {
        return Err(bad_input(anyhow::anyhow!(
            "--strategy {s}: not available for a platform model ([[service]] tables): the analysis is of the plan \
             chosen (the cheapest meeting every target, or the closest); its candidates' inputs are included"
        )));
    }
    let metric = Metric::parse(&args.metric).map_err(|e| bad_input(anyhow::anyhow!("{e}")))?;
    let staging = stage_out(args.out.as_deref(), args.force)?;
    let options = eval_options(&args.eval, true);
    let tornado = drsim::whatif::plans::tornado(
        text,
        &args.model,
        args.swing,
        metric,
        &options,
        |done, total| {
            if done == total || done % 10 == 0 {
                eprintln!("sensitivity of the chosen plan: {done} of {total} inputs done");
            }
        },
        |input, e| eprintln!("warning: {} left out: {e}", input.path),
    )
    .map_err(whatif_failure)?;
    emit(args, text, &options, metric, &[tornado], staging)
}
