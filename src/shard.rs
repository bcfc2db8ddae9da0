//! Sharded runs: one shard of a big run, written as a mergeable partial
//! result, and the merge back into the unsharded result.

use crate::cli::RunArgs;
use crate::model::Model;

/// Why a shard could not be run or merged.
#[derive(Debug, thiserror::Error)]
pub enum ShardError {
    /// Not yet built.
    #[error("--shard is not available in this build yet")]
    Unavailable,
}

/// Runs shard `K/N` of `args` on `model` and writes its partial result.
pub fn run_shard(_model: &Model, _args: &RunArgs, _spec: &str) -> Result<(), ShardError> {
    Err(ShardError::Unavailable)
}
