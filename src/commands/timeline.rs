//! `drsim timeline`.

use super::{Failure, runtime};
use crate::cli::TimelineArgs;

pub(super) fn timeline(_args: &TimelineArgs) -> Result<(), Failure> {
    Err(runtime(anyhow::anyhow!("`drsim timeline` is not available in this build yet")))
}
