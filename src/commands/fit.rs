//! `drsim fit`.

use super::{Failure, runtime};
use crate::cli::FitArgs;

pub(super) fn fit(_args: &FitArgs) -> Result<(), Failure> {
    Err(runtime(anyhow::anyhow!("`drsim fit` is not available in this build yet")))
}
