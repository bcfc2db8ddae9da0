//! `drsim check`: validate a model, summarise it and audit it, as text, JSON
//! or SARIF. The model comes from a file or, for `-`, from standard input.

use std::path::{Path, PathBuf};

use anyhow::anyhow;

use super::{Failure, bad_input, runtime, say};
use crate::cli::{CheckArgs, CheckFormat};
use drsim::input::{MODEL_LIMIT_BYTES, STDIN_NAME, read_stdin_text, read_text};
use drsim::lint::{Audit, lint};
use drsim::model::{Model, ModelError};
use drsim::report::Report;
use drsim::report::check_json::CheckJson;
use drsim::report::check_text::{AuditSummary, Diagnostics, ModelText};
use drsim::report::sarif::CheckSarif;

/// The model's name in messages and its text: the file, or standard input for `-`.
fn read_model(given: &Path) -> Result<(PathBuf, String), Failure> {
    let (path, text) = if given == Path::new("-") {
        (PathBuf::from(STDIN_NAME), read_stdin_text(MODEL_LIMIT_BYTES))
    } else {
        (given.to_path_buf(), read_text(given, MODEL_LIMIT_BYTES))
    };
    match text {
        Ok(text) => Ok((path, text)),
        Err(source) => Err(bad_input(ModelError::Read { path, source })),
    }
}

/// Prints the audit in a machine format; the text format has its own shape
/// (printed by the caller), so nothing is printed for it.
fn print_machine(format: CheckFormat, audit: &Audit<'_>) -> Result<(), Failure> {
    let text = match format {
        CheckFormat::Text => return Ok(()),
        CheckFormat::Json => CheckJson.render(audit),
        CheckFormat::Sarif => CheckSarif.render(audit),
    };
    say(&text.map_err(runtime)?)?;
    Ok(())
}

pub(super) fn check(args: &CheckArgs) -> Result<(), Failure> {
    let (path, text) = read_model(&args.model)?;
    // An [uncertain] entry is checked against the model it belongs to: a
    // typo or an out-of-range distribution is a problem like any other.
    let loaded = Model::from_str_at(&text, &path)
        .and_then(|m| drsim::whatif::uncertain_check::check(&text, &path, &m).map(|()| m));
    let model = match loaded {
        Ok(model) => model,
        Err(ModelError::Invalid { problems }) if args.format != CheckFormat::Text => {
            // The machine formats report the problems too, so a code-scanning
            // upload shows them at their lines; the exit code is still 2.
            let audit = Audit {
                path: &path,
                text: &text,
                workload: None,
                problems: &problems,
                findings: &[],
                strict: args.strict,
                model: None,
            };
            print_machine(args.format, &audit)?;
            return Err(bad_input(ModelError::Invalid { problems }));
        }
        Err(e) => return Err(bad_input(e)),
    };
    let findings = lint(&model);
    if args.format == CheckFormat::Text {
        say(&ModelText.render(&model).map_err(runtime)?)?;
    }
    if !findings.is_empty() {
        let diagnostics = Diagnostics { path: &path, text: &text, strict: args.strict };
        eprint!("{}", diagnostics.render(&findings).map_err(runtime)?);
    }
    if args.format == CheckFormat::Text {
        say(&AuditSummary.render(&findings).map_err(runtime)?)?;
    }
    let audit = Audit {
        path: &path,
        text: &text,
        workload: Some(&model.workload.name),
        problems: &[],
        findings: &findings,
        strict: args.strict,
        model: Some(&model),
    };
    print_machine(args.format, &audit)?;
    if args.strict && !findings.is_empty() {
        return Err(Failure::Findings(anyhow!("{} audit finding(s) with --strict", findings.len())));
    }
    Ok(())
}
