//! `drsim run` on a platform model (`[[service]]` tables): the plans the
//! model lists and the cheapest plan the search finds, ranked, with every
//! function and service; `--out` writes the platform's exports.

use anyhow::anyhow;

use super::{Failure, bad_input, runtime, say};
use crate::cli::{Format, RunArgs};
use drsim::platform::Platform;
use drsim::platform::optimize::{PlatformResults, optimize, run_plans};
use drsim::report::output::Staging;
use drsim::report::platform_table::PlatformTable;
use drsim::report::platform_view::PlatformView;
use drsim::simulation::SimulationError;

/// Flags of `drsim run` that have no meaning for a platform.
fn check_flags(args: &RunArgs) -> Result<(), Failure> {
    let refuse = |flag: &str, why: &str| -> Result<(), Failure> {
        Err(bad_input(anyhow!("{flag}: not available for a platform model ([[service]] tables): {why}")))
    };
    if !args.strategies.is_empty() {
        return refuse("--strategy", "plans name each service's candidate; list the plans to compare in [[plan]]");
    }
    if args.precision.is_some() {
        return refuse("--precision", "set --trials");
    }
    if args.shard.is_some() {
        return refuse("--shard", "run the platform whole");
    }
    if args.outer.is_some() {
        return refuse("--outer", "run the platform with its point values");
    }
    if args.incidents {
        return refuse("--incidents", "a platform writes plans, functions and services, not incidents");
    }
    // Both were once accepted and silently ignored: a platform samples plainly.
    if args.variance_reduction != crate::cli::VarianceArg::None {
        return refuse(
            "--variance-reduction",
            "a platform samples every trial plainly; allowed: --variance-reduction none (the default)",
        );
    }
    if args.region_replays > 1 {
        return refuse(
            "--region-replays",
            "a platform plays every incident once; allowed: --region-replays 1 (the default)",
        );
    }
    Ok(())
}

/// Runs a platform: every plan when the product of the candidates allows
/// the search, else the listed plans only.
pub(super) fn run(args: &RunArgs, platform: &Platform) -> Result<(), Failure> {
    check_flags(args)?;
    let options = args.options();
    options.validate_for(platform.world_model()).map_err(bad_input)?;
    let staging = match &args.out {
        Some(dir) => Some(Staging::begin(dir, args.force).map_err(bad_input)?),
        None => None,
    };
    let sorted = |e: SimulationError| match e {
        e @ (SimulationError::Option { .. } | SimulationError::TooManyFailures { .. }) => bad_input(e),
        e => runtime(e),
    };
    let results: PlatformResults = if platform.plan_count() <= drsim::platform::MAX_PLANS {
        optimize(platform, &options).map_err(sorted)?
    } else {
        run_plans(platform, &options).map_err(sorted)?
    };
    let view = PlatformView::new(platform, &results);
    let path = args.model.display().to_string();
    let provenance = super::provenance();
    let run_columns =
        drsim::report::csv::RunColumns::of(&drsim::report::platform_json::provenance(&view, &provenance, &path));
    let text = match args.format {
        Format::Table => PlatformTable { detail: args.detail() }.render(&view, &path),
        Format::Json => drsim::report::platform_json::render(&view, &provenance, &path).map_err(runtime)?,
        Format::Csv => drsim::report::platform_csv::plans(&view, &run_columns).map_err(runtime)?,
        Format::Markdown => drsim::report::platform_markdown::render(&view, &path),
    };
    say(&text)?;
    if let Some(staging) = staging {
        drsim::report::platform_exports::write_all(&staging, &view, &provenance, &path).map_err(runtime)?;
        staging.commit().map_err(runtime)?;
    }
    if args.fail_on_miss && results.best.is_none() {
        return Err(Failure::TargetsMissed(anyhow!("targets missed (--fail-on-miss): {}", view.answer())));
    }
    Ok(())
}
