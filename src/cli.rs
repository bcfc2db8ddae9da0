//! Command-line definitions (clap derive) and the plain configuration they
//! turn into. Every flag is documented where it is defined.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::run::{DEFAULT_SEED, DEFAULT_TRIALS, RunOptions};

/// Discrete-event Monte Carlo simulator and cost/risk modeler for cloud
/// disaster recovery: simulates years of AZ, region and data-corruption
/// outages against every DR strategy in a model and reports downtime, data
/// loss and the probability of meeting RPO/RTO targets.
#[derive(Debug, Parser)]
#[command(name = "drsim", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate a model and report every strategy's downtime, data loss and targets met.
    Run(RunArgs),
    /// Parse and validate a model and print a short summary of it.
    Check(CheckArgs),
}

/// Output formats of `drsim run` on standard output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A readable table.
    Table,
    /// JSON with every figure; durations in seconds (`_s` keys).
    Json,
}

/// Arguments of `drsim run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The model file (TOML), e.g. models/securecart.toml.
    pub model: PathBuf,
    /// Number of trials (simulated horizons).
    #[arg(long, default_value_t = DEFAULT_TRIALS, value_parser = clap::value_parser!(u64).range(1..))]
    pub trials: u64,
    /// Years per trial.
    #[arg(long, default_value_t = 1.0)]
    pub years: f64,
    /// Master seed: the same seed gives the same numbers on any machine and thread count.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Worker threads (default: all cores).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub threads: Option<u64>,
    /// Only simulate the named strategy; repeat for several (default: all).
    #[arg(long = "strategy", value_name = "NAME")]
    pub strategies: Vec<String>,
    /// Output format on standard output.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

impl RunArgs {
    /// The library's run options.
    pub fn options(&self) -> RunOptions {
        RunOptions {
            trials: self.trials,
            years: self.years,
            seed: self.seed,
            threads: self.threads.map(|t| t as usize),
        }
    }
}

/// Arguments of `drsim check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The model file (TOML).
    pub model: PathBuf,
}
