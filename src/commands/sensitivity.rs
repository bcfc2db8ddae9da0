//! `drsim sensitivity`.

use super::{Failure, runtime};
use crate::cli::SensitivityArgs;

pub(super) fn sensitivity(_args: &SensitivityArgs) -> Result<(), Failure> {
    Err(runtime(anyhow::anyhow!("`drsim sensitivity` is not available in this build yet")))
}
