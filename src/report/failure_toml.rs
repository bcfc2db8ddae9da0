//! `failure.toml`: the `[[failure]]` snippet of a `drsim fit`, ready to paste
//! into a model (also printed at the end of the summary).

use super::{Report, ReportError};
use crate::fit::{Fitted, failure_snippet_ranked};

/// The fitted outage model as a `[[failure]]` TOML snippet, the runner-up
/// family named in its header comment.
#[derive(Clone, Copy, Debug, Default)]
pub struct FailureToml;

impl Report<Fitted> for FailureToml {
    fn render(&self, f: &Fitted) -> Result<String, ReportError> {
        Ok(failure_snippet_ranked(&f.scope, f.rate, f.interval, f.events, f.years, &f.fits, &f.source))
    }
}
