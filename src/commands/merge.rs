//! `drsim merge`.

use super::{Failure, runtime};
use crate::cli::MergeArgs;

pub(super) fn merge(_args: &MergeArgs) -> Result<(), Failure> {
    Err(runtime(anyhow::anyhow!("`drsim merge` is not available in this build yet")))
}
