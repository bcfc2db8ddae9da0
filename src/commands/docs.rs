//! `drsim completions SHELL`, `drsim man` and `drsim schema OUTPUT`: the
//! shell completion scripts and the manual page, generated from the same
//! clap definitions as the command line itself, so they never fall behind
//! it, and the JSON Schemas of the outputs, generated from their types.

use clap::CommandFactory;

use super::{Failure, runtime, say};
use crate::cli::{Cli, CompletionsArgs, SchemaArgs, SchemaOutput};

pub(super) fn completions(args: &CompletionsArgs) -> Result<(), Failure> {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "drsim", &mut out);
    say(&out)
}

pub(super) fn man() -> Result<(), Failure> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out).map_err(runtime)?;
    say(&out)
}

pub(super) fn schema(args: &SchemaArgs) -> Result<(), Failure> {
    let text = match args.output {
        SchemaOutput::Results => drsim::report::json::results_schema(),
        SchemaOutput::Provenance => drsim::report::json::provenance_schema(),
    };
    say(text)
}
