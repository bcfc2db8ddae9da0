//! `drsim sweep`.

use super::{Failure, runtime};
use crate::cli::SweepArgs;

pub(super) fn sweep(_args: &SweepArgs) -> Result<(), Failure> {
    Err(runtime(anyhow::anyhow!("`drsim sweep` is not available in this build yet")))
}
