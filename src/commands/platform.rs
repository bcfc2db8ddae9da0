//! `drsim plans` and `drsim optimize`: a platform's listed plans, or the
//! search of every plan for the cheapest meeting every target.

use anyhow::anyhow;

use super::{Failure, bad_input, runtime, say};
use crate::cli::{Format, PlatformArgs};
use drsim::simulation::SimulationError;

pub(super) fn platform(args: &PlatformArgs, search: bool) -> Result<(), Failure> {
    if !matches!(args.format, Format::Table | Format::Json) {
        return Err(bad_input(anyhow!("--format: allowed for plans and optimize: table, json")));
    }
    let options = args.options();
    options.validate().map_err(bad_input)?;
    let platform = drsim::platform::load(&args.model).map_err(bad_input)?;
    let sorted = |e: SimulationError| match e {
        SimulationError::Engine(_) => runtime(e),
        _ => bad_input(e),
    };
    let results = if search {
        drsim::platform::optimize::optimize(&platform, &options).map_err(sorted)?
    } else {
        drsim::platform::optimize::run_plans(&platform, &options).map_err(sorted)?
    };
    let text = match args.format {
        Format::Json => serde_json::to_string_pretty(&results).map_err(runtime)? + "\n",
        _ => drsim::report::platform_text::render(&platform, &results),
    };
    say(text)
}
