//! `drsim sweep` and `drsim sensitivity` on a platform model (`[[service]]`
//! tables): the plan chosen at every setting, where the choice changes, and
//! the tornado of the chosen plan. The flags and outputs are those of the
//! single-service commands; only what is analysed differs.

use anyhow::anyhow;

use super::sweep::{emit, eval_options, eval_provenance, whatif_failure};
use super::{Failure, bad_input, runtime, stage_out};
use crate::cli::{SensitivityArgs, SweepArgs};
use drsim::report::Report;
use drsim::report::charts::sweep::SweepChart;
use drsim::report::plan_sweep_csv::PlanSweepCsv;
use drsim::report::plan_sweep_text::PlanSweepText;
use drsim::whatif::sensitivity::Metric;
use drsim::whatif::sweep::Axis;

/// `drsim sweep PLATFORM --set PATH=V1,V2,...`: at each point the listed
/// plans and the searched optimum; `--out` writes `plan_sweep.csv`, its
/// provenance and the sweep chart (a line per listed plan and one for the
/// chosen plan).
pub(super) fn sweep(args: &SweepArgs, text: &str, axes: &[Axis]) -> Result<(), Failure> {
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

/// `drsim sensitivity PLATFORM`: the tornado of the chosen plan, with the
/// inputs that change the choice.
pub(super) fn sensitivity(args: &SensitivityArgs, text: &str) -> Result<(), Failure> {
    if let Some(s) = &args.strategy {
        return Err(bad_input(anyhow!(
            "--strategy {s}: not available for a platform model ([[service]] tables): the analysis is of the plan \
             chosen (the cheapest meeting every target, or the closest); its candidates' inputs are included"
        )));
    }
    let metric = Metric::parse(&args.metric).map_err(|e| bad_input(anyhow!("{e}")))?;
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
    super::sensitivity::emit(args, text, &options, metric, &[tornado], staging)
}
