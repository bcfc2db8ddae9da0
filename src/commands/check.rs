//! `drsim check`: validate a model and summarise it.

use anyhow::anyhow;

use super::{Failure, bad_input, load_model, runtime};
use crate::cli::CheckArgs;
use drsim::lint::lint;
use drsim::report::Report;
use drsim::report::check_text::{AuditSummary, Diagnostics, ModelText};

pub(super) fn check(args: &CheckArgs) -> Result<(), Failure> {
    let model = load_model(&args.model)?;
    print!("{}", ModelText.render(&model).map_err(runtime)?);
    let findings = lint(&model);
    if !findings.is_empty() {
        // The model was just read; if it vanished since, positions fall back to 1:1.
        let text = drsim::input::read_text(&args.model, drsim::input::MODEL_LIMIT_BYTES).unwrap_or_default();
        let diagnostics = Diagnostics { path: &args.model, text: &text, strict: args.strict };
        eprint!("{}", diagnostics.render(&findings).map_err(runtime)?);
    }
    print!("{}", AuditSummary.render(&findings).map_err(runtime)?);
    if args.strict && !findings.is_empty() {
        return Err(bad_input(anyhow!("{} audit finding(s) with --strict", findings.len())));
    }
    Ok(())
}
