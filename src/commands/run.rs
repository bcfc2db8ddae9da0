//! `drsim run`: simulate a model and print its report.

use anyhow::anyhow;

use super::{Failure, bad_input, load_model, runtime};
use crate::cli::{Format, RunArgs};
use crate::model::Model;
use crate::report::{Report, json::Json, table::Table};
use crate::run::simulate;

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
    let results = simulate(&model, &args.options()).map_err(runtime)?;
    let text = match args.format {
        Format::Table => Table.render(&results),
        Format::Json => Json.render(&results),
    }
    .map_err(runtime)?;
    print!("{text}");
    Ok(())
}
