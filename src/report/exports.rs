//! Every export of a run written into one output directory (all or nothing,
//! through [`super::output::Staging`]).

use super::output::{OutputError, Staging};
use crate::model::Model;
use crate::run::Results;

/// Writes every export of `results` into the staging directory.
pub fn write_all(staging: &Staging, results: &Results, _model: &Model) -> Result<(), OutputError> {
    let json = serde_json::to_vec_pretty(results).unwrap_or_default();
    staging.write("results.json", &json)?;
    Ok(())
}
