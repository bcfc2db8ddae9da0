//! The `drsim` binary: parses arguments, calls the library, maps errors to
//! exit codes (0 success, 1 runtime failure, 2 bad input or usage).

use std::process::ExitCode;

mod cli;
mod commands;

use clap::Parser;
use cli::Cli;
use commands::Failure;
use drsim::engine::stop;

fn main() -> ExitCode {
    let cli = Cli::parse();
    stop::install_handler();
    match commands::execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) if stop::requested() => {
            eprintln!("interrupted: stopped cleanly, no results written");
            ExitCode::from(stop::INTERRUPTED_EXIT_CODE)
        }
        Err(Failure::BadInput(e)) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
        Err(Failure::Runtime(e)) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}
