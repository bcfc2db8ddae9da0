//! The subcommands behind the CLI, one file each. This is the edge of the
//! library: errors become `anyhow` errors sorted into bad input (exit 2) and
//! runtime failures (exit 1); the gates a pipeline acts on have codes of
//! their own (audit findings with `--strict`: 3, targets missed with
//! `--fail-on-miss`: 4). The codes are defined in `cli.rs`.

mod check;
mod docs;
mod fit;
mod merge;
mod outer;
mod platform;
mod platform_run;
mod policy;
mod run;
mod sensitivity;
mod sweep;
mod timeline;

use crate::cli::{Cli, Command, EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_RUNTIME, EXIT_TARGETS_MISSED};

/// Why a command failed, deciding the exit code.
#[derive(Debug)]
pub enum Failure {
    /// The user's input (model, arguments) is wrong: exit code 2.
    BadInput(anyhow::Error),
    /// Something failed while running: exit code 1.
    Runtime(anyhow::Error),
    /// `drsim check --strict` found audit findings: exit code 3.
    Findings(anyhow::Error),
    /// `--fail-on-miss` and no strategy meets the targets: exit code 4.
    TargetsMissed(anyhow::Error),
}

impl Failure {
    /// The exit code of this failure.
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::BadInput(_) => EXIT_BAD_INPUT,
            Failure::Runtime(_) => EXIT_RUNTIME,
            Failure::Findings(_) => EXIT_FINDINGS,
            Failure::TargetsMissed(_) => EXIT_TARGETS_MISSED,
        }
    }

    /// What went wrong, for standard error.
    pub fn error(&self) -> &anyhow::Error {
        match self {
            Failure::BadInput(e) | Failure::Runtime(e) | Failure::Findings(e) | Failure::TargetsMissed(e) => e,
        }
    }
}

/// Writes a command's report to standard output. A reader that has gone
/// away (`drsim run m.toml | head`) is not an error: the rest is not wanted,
/// so it is dropped and the command goes on (a run still writes `--out`)
/// and exits as it would have. Any other write error (`> /dev/full`) is a
/// runtime failure that says so, never a panic.
pub(crate) fn say(text: impl AsRef<[u8]>) -> Result<(), Failure> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_ref()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(runtime(anyhow::Error::new(e).context("cannot write to standard output")))
        }
        _ => Ok(()),
    }
}

/// Tags an error as bad input.
pub(crate) fn bad_input(e: impl Into<anyhow::Error>) -> Failure {
    Failure::BadInput(e.into())
}

/// Tags an error as a runtime failure.
pub(crate) fn runtime(e: impl Into<anyhow::Error>) -> Failure {
    Failure::Runtime(e.into())
}

/// Opens `--out DIR` for staged writing, refusing an existing directory
/// unless `force`: done before any time is spent. `None` without `--out`.
pub(crate) fn stage_out(
    out: Option<&std::path::Path>,
    force: bool,
) -> Result<Option<drsim::report::output::Staging>, Failure> {
    out.map(|dir| drsim::report::output::Staging::begin(dir, force).map_err(bad_input)).transpose()
}

/// Runs a parsed command line.
pub fn execute(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Check(args) => check::check(&args),
        Command::Plans(args) => platform::platform(&args, false),
        Command::Optimize(args) => platform::platform(&args, true),
        Command::Timeline(args) => timeline::timeline(&args),
        Command::Merge(args) => merge::merge(&args),
        Command::Sweep(args) => sweep::sweep(&args),
        Command::Sensitivity(args) => sensitivity::sensitivity(&args),
        Command::Fit(args) => fit::fit(&args),
        Command::ImportPolicy(args) => policy::import_policy(&args),
        Command::ExportPolicy(args) => policy::export_policy(&args),
        Command::Completions(args) => docs::completions(&args),
        Command::Man => docs::man(),
        Command::Schema(args) => docs::schema(&args),
    }
}

/// The provenance of this invocation: the build and the command line, to
/// which each command adds its input, options and threads.
pub(crate) fn provenance() -> drsim::provenance::Provenance {
    drsim::provenance::Provenance::of_build()
        .with_command_line(std::env::args_os().map(|a| a.to_string_lossy().into_owned()))
}

/// Loads a model, its `[uncertain]` entries checked against it, tagging failures as bad input.
pub(crate) fn load_model(path: &std::path::Path) -> Result<drsim::model::Model, Failure> {
    let text = drsim::input::read_text(path, drsim::input::MODEL_LIMIT_BYTES)
        .map_err(|source| bad_input(drsim::model::ModelError::Read { path: path.to_path_buf(), source }))?;
    let loaded = drsim::model::Model::from_str_at(&text, path)
        .and_then(|m| drsim::whatif::uncertain_check::check(&text, path, &m).map(|()| m));
    loaded.map_err(|e| {
        let text = e.to_string();
        if ["unknown field `service`", "unknown field `function`", "unknown field `plan`"]
            .iter()
            .any(|f| text.contains(f))
        {
            bad_input(anyhow::anyhow!(
                "{text}\nthis is a platform model ([[service]] tables): run it with `drsim plans` or `drsim optimize`"
            ))
        } else {
            bad_input(e)
        }
    })
}
