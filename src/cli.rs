//! Command-line definitions (clap derive) and the plain configuration they
//! turn into. Every flag is documented where it is defined.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use drsim::simulation::{DEFAULT_SEED, DEFAULT_TRIALS, RunOptions};

/// Discrete-event Monte Carlo simulator and cost/risk modeler for cloud
/// disaster recovery: simulates years of AZ, region and data-corruption
/// outages against every DR strategy in a model and reports downtime, data
/// loss and the probability of meeting RPO/RTO targets.
#[derive(Debug, Parser)]
#[command(name = "drsim", version = VERSION, about, long_about = None, after_long_help = exit_codes_help())]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// `drsim --version`: the crate version and the git revision it was built
/// from (see build.rs).
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (git ", env!("DRSIM_GIT_REVISION"), ")");

/// Exit code: success; `drsim check` found a valid model (audit findings
/// without `--strict` are warnings); `drsim run --fail-on-miss`: a strategy meets the targets.
pub const EXIT_SUCCESS: u8 = 0;
/// Exit code: a runtime failure (threads could not start, an output could not be written).
pub const EXIT_RUNTIME: u8 = 1;
/// Exit code: bad input or usage: an unreadable or invalid model, a bad flag value,
/// an `--out` that may not be replaced.
pub const EXIT_BAD_INPUT: u8 = 2;
/// Exit code: `drsim check --strict` found audit findings in a valid model.
pub const EXIT_FINDINGS: u8 = 3;
/// Exit code: `drsim run --fail-on-miss` (or `drsim merge --fail-on-miss`):
/// no strategy meets the targets; every output was still printed and written.
pub const EXIT_TARGETS_MISSED: u8 = 4;

/// Every exit code with its meaning, as `drsim --help` lists them (the same
/// table is in docs/errors.md).
pub const EXIT_CODES: [(&str, &str); 6] = [
    ("0", "success"),
    ("1", "runtime failure (threads could not start, an output could not be written)"),
    ("2", "bad input or usage (unreadable or invalid model, bad flag value, --out that may not be replaced)"),
    ("3", "drsim check --strict: audit findings in a valid model"),
    ("4", "drsim run/merge --fail-on-miss: no strategy meets the targets (outputs still written)"),
    ("129, 130, 143", "stopped cleanly by SIGHUP, SIGINT (Ctrl-C) or SIGTERM (128 + the signal)"),
];

/// The exit-code table at the end of `drsim --help`.
pub fn exit_codes_help() -> String {
    let mut text = String::from("Exit codes (see docs/errors.md):\n");
    for (code, meaning) in EXIT_CODES {
        text.push_str(&format!("  {code:<13}  {meaning}\n"));
    }
    text
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate a model and report every strategy's downtime, data loss and targets met.
    Run(RunArgs),
    /// Parse and validate a model, print a short summary and lint it for DR audit findings.
    Check(CheckArgs),
    /// Run the plans a platform model lists: figures per service and per business function.
    Plans(PlatformArgs),
    /// Search every plan (one candidate per service) for the cheapest meeting every target.
    Optimize(PlatformArgs),
    /// Walk one sampled incident through step by step (a Game Day walkthrough).
    Timeline(TimelineArgs),
    /// Merge the partial results of a sharded run into the unsharded result.
    Merge(MergeArgs),
    /// Run the model over a grid of parameter values, or find a threshold.
    Sweep(SweepArgs),
    /// Tornado analysis: which uncertain input moves cost and targets most.
    Sensitivity(SensitivityArgs),
    /// Fit an outage model (rate and duration distribution) from an incident history CSV.
    Fit(FitArgs),
    /// Read an AWS Resilience Hub resiliency policy (JSON) and print it as a model's `[targets]`.
    ImportPolicy(ImportPolicyArgs),
    /// Write a model's targets as an AWS Resilience Hub resiliency policy (JSON).
    ExportPolicy(ExportPolicyArgs),
    /// Print a shell completion script, e.g. `drsim completions bash > /etc/bash_completion.d/drsim`.
    Completions(CompletionsArgs),
    /// Print the manual page (roff), e.g. `drsim man > drsim.1 && man ./drsim.1`.
    Man,
    /// Print the JSON Schema of an output, e.g. `drsim schema results > results.schema.json`.
    Schema(SchemaArgs),
}

/// Arguments of `drsim schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// The output whose JSON Schema (draft 2020-12) to print.
    #[arg(value_enum)]
    pub output: SchemaOutput,
}

/// The outputs `drsim schema` describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SchemaOutput {
    /// results.json of `drsim run --out` and `drsim merge` (also `--format json`).
    Results,
    /// The `*.provenance.json` sidecar of `sweep`, `sensitivity` and `fit`.
    Provenance,
}

/// Arguments of `drsim plans` and `drsim optimize`.
#[derive(Debug, Args)]
pub struct PlatformArgs {
    /// The model file (TOML), with `[[service]]` tables or without (then one service).
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
    /// Output format on standard output: `table` or `json`.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

impl PlatformArgs {
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

/// Arguments of `drsim completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    pub shell: clap_complete::Shell,
}

/// Output formats of `drsim run` on standard output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A readable table.
    Table,
    /// JSON with every figure; durations in seconds (`_s` keys).
    Json,
    /// CSV: one row per strategy and disruption kind.
    Csv,
    /// Markdown tables and the recommendation.
    Markdown,
}

/// File formats of `drsim run --incidents`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum IncidentsFormat {
    /// Plain CSV: incidents.csv.
    Csv,
    /// Gzip-compressed CSV: incidents.csv.gz.
    #[value(name = "csv.gz")]
    CsvGz,
}

impl IncidentsFormat {
    /// The library's format.
    pub fn format(self) -> drsim::report::incidents::IncidentFormat {
        match self {
            IncidentsFormat::Csv => drsim::report::incidents::IncidentFormat::Csv,
            IncidentsFormat::CsvGz => drsim::report::incidents::IncidentFormat::CsvGz,
        }
    }
}

/// Output formats of `drsim check` on standard output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// A summary of the model; findings as `FILE:LINE:COLUMN: warning[CODE]` lines on standard error.
    Text,
    /// One JSON object: validity, the problems of an invalid model, the findings with their positions.
    Json,
    /// A SARIF 2.1.0 log, as GitHub code scanning reads it (also written for an invalid model).
    Sarif,
}

/// Output formats of `drsim timeline`, `sensitivity` and `fit` on standard output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TextFormat {
    /// Readable text.
    Text,
    /// JSON; durations in seconds (`_s` keys) unless the key names another unit.
    Json,
}

/// Arguments of `drsim run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The model file (TOML), e.g. models/securecart-monolith.toml.
    pub model: PathBuf,
    /// Number of trials (simulated horizons) [default: 100000; with --outer: 10000 per outer draw].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub trials: Option<u64>,
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
    /// Stop when every P(RTO met) and P(RPO met) has a 95% half-width below this, and every
    /// expected annual cost a relative standard error below it (e.g. 0.001); overrides --trials.
    /// A pilot of 10,000 trials predicts the trials needed.
    #[arg(long, value_name = "X")]
    pub precision: Option<f64>,
    /// With --precision: the most trials to run.
    #[arg(long, default_value_t = 10_000_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_trials: u64,
    /// `stratified`: sample trials by the number of primary-region failures, rare counts more
    /// often, and weight them back (unbiased; more precision per second on region figures and
    /// cost tails). `crossed`: the same crossed with
    /// the number of logical failures (for cost tails logical incidents set). `late-detection`: the
    /// region count crossed with the number of logical failures detected after the shortest backup
    /// retention (the rare years that lose all data; for the expected annual cost and --precision).
    /// `peak-season`: the late detections crossed with the primary region's long outages and
    /// the region and logical failures inside the load profile's peaks (for the P95/P99 of
    /// annual cost where a peak or a long outage sets it). `coincidence`: whether a week holds a
    /// failure of the primary region and one of another region (for P(region RTO met) of a
    /// strategy that misses only when both are down, such as active-active). See docs/variance.md.
    #[arg(long, value_enum, default_value_t = VarianceArg::None, conflicts_with = "outer")]
    pub variance_reduction: VarianceArg,
    /// Play every region incident K times (the first as always, K-1 more with the outage's length,
    /// the strategy's response and when it last drilled drawn afresh on streams of their own)
    /// and report P(RTO met),
    /// P(RPO met) of region incidents as the share of plays meeting the target: conditional
    /// Monte Carlo, unbiased, narrower intervals unless other regions being down decides them
    /// (active-active), at the cost of K-1 more responses per region incident. Every other
    /// figure is the same as without replays. See docs/variance.md.
    #[arg(long, value_name = "K", default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(1..=drsim::engine::replay::MAX_PLAYS as i64),
          conflicts_with = "outer")]
    pub region_replays: u32,
    /// Output format on standard output.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Also write every export (CSV, JSON, Markdown, charts) into this directory.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace the contents of an existing --out directory.
    #[arg(long)]
    pub force: bool,
    /// With --out: also write incidents.csv, one row per simulated incident (streamed).
    #[arg(long)]
    pub incidents: bool,
    /// With --incidents: `csv` (incidents.csv) or `csv.gz` (incidents.csv.gz, gzip-compressed:
    /// for runs whose rows would not fit a spreadsheet anyway).
    #[arg(long, value_enum, default_value_t = IncidentsFormat::Csv, requires = "incidents")]
    pub incidents_format: IncidentsFormat,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    /// Run only shard K of N (`K/N`, K from 1) and write a mergeable partial result to --out;
    /// `auto/N` takes K from the array-job engine's environment.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Exit with code 4 when no strategy meets the targets (after printing and writing every
    /// output as usual): a gate for CI pipelines. A shard has no verdict: use it on `drsim merge`.
    #[arg(long, conflicts_with = "shard")]
    pub fail_on_miss: bool,
    /// Table output: only the ranked summary and the recommendation.
    #[arg(long, conflicts_with = "detail")]
    pub brief: bool,
    /// Table output: every figure (quantiles with their intervals, how incidents ended),
    /// after the summary and the recommendation.
    #[arg(long)]
    pub detail: bool,
    /// Two-level Monte Carlo over the model's [uncertain] inputs: draw them N times (default
    /// 200) and simulate each draw's concrete model with --trials trials; reports each figure's
    /// spread across plausible inputs and how often each strategy is the one to pick.
    #[arg(long, value_name = "N", num_args = 0..=1, default_missing_value = "200",
          value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub outer: Option<u64>,
}

impl RunArgs {
    /// How much the table shows.
    pub fn detail(&self) -> drsim::report::table::Detail {
        detail(self.brief, self.detail)
    }

    /// The library's run options.
    pub fn options(&self) -> RunOptions {
        RunOptions {
            trials: self.trials.unwrap_or(if self.outer.is_some() {
                drsim::whatif::outer::DEFAULT_INNER_TRIALS
            } else {
                DEFAULT_TRIALS
            }),
            years: self.years,
            seed: self.seed,
            threads: self.threads.map(|t| t as usize),
        }
    }
}

/// `--variance-reduction`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum VarianceArg {
    /// Plain sampling (the default).
    None,
    /// Stratified on the primary region's failure count (docs/variance.md).
    Stratified,
    /// Stratified on the primary region's failure count crossed with the
    /// count of logical failures (docs/variance.md).
    Crossed,
    /// Stratified on the primary region's failure count crossed with the
    /// count of logical failures detected after the shortest backup
    /// retention (docs/variance.md).
    LateDetection,
    /// Stratified on the primary region's long outages crossed with the
    /// count of primary-region and logical failures in a peak and logical
    /// failures detected late: the years that set the tail of annual cost
    /// (docs/variance.md).
    PeakSeason,
    /// Stratified on whether a week holds a failure of the primary region
    /// and one of another region: the coincidences that make a strategy
    /// with a region to fail over to miss its RTO (docs/variance.md).
    Coincidence,
}

impl VarianceArg {
    /// The library's setting.
    pub fn setting(self) -> drsim::world::strata::VarianceReduction {
        match self {
            VarianceArg::None => drsim::world::strata::VarianceReduction::None,
            VarianceArg::Stratified => drsim::world::strata::VarianceReduction::Stratified,
            VarianceArg::Crossed => drsim::world::strata::VarianceReduction::Crossed,
            VarianceArg::LateDetection => drsim::world::strata::VarianceReduction::LateDetection,
            VarianceArg::PeakSeason => drsim::world::strata::VarianceReduction::PeakSeason,
            VarianceArg::Coincidence => drsim::world::strata::VarianceReduction::Coincidence,
        }
    }
}

/// The table's level of detail from `--brief` and `--detail` (clap keeps them apart).
fn detail(brief: bool, detail: bool) -> drsim::report::table::Detail {
    use drsim::report::table::Detail;
    if brief {
        Detail::Brief
    } else if detail {
        Detail::Full
    } else {
        Detail::Normal
    }
}

impl MergeArgs {
    /// How much the table shows.
    pub fn detail(&self) -> drsim::report::table::Detail {
        detail(self.brief, self.detail)
    }
}

/// Arguments of `drsim check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The model file (TOML); `-` reads it from standard input (messages then name it `<stdin>`,
    /// and files it refers to are found from the current directory).
    pub model: PathBuf,
    /// Treat audit findings (warnings) as errors: exit code 3 when there are any (an invalid
    /// model is exit code 2).
    #[arg(long)]
    pub strict: bool,
    /// Output format on standard output.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
}

/// Arguments of `drsim import-policy`.
#[derive(Debug, Args)]
pub struct ImportPolicyArgs {
    /// The policy (JSON): its `policy` map (as `create-resiliency-policy --policy file://` takes it),
    /// a whole policy (as `--cli-input-json` takes it), or `describe-resiliency-policy` output.
    pub file: PathBuf,
    /// Share of incidents of each kind that must meet the targets (a policy has none);
    /// strictly between 0 and 1.
    #[arg(long, default_value_t = 0.99)]
    pub confidence: f64,
    /// Refuse (exit code 2) instead of warning when an RTO or RPO of the policy cannot be carried over.
    #[arg(long)]
    pub strict: bool,
}

/// Arguments of `drsim export-policy`.
#[derive(Debug, Args)]
pub struct ExportPolicyArgs {
    /// The model file (TOML).
    pub model: PathBuf,
    /// policyName: 2-60 letters, digits, '-' and '_'; default: the workload name made to fit.
    #[arg(long)]
    pub name: Option<String>,
    /// tier: MissionCritical, Critical, Important, CoreServices, NonCritical or NotApplicable
    /// (the default: drsim has no tiers).
    #[arg(long)]
    pub tier: Option<String>,
    /// policyDescription (at most 500 characters).
    #[arg(long)]
    pub description: Option<String>,
    /// dataLocationConstraint: AnyLocation, SameContinent or SameCountry; default: none written.
    #[arg(long)]
    pub data_location: Option<String>,
    /// Write only the `policy` map (for `create-resiliency-policy --policy file://`).
    #[arg(long)]
    pub map_only: bool,
    /// Refuse (exit code 2) instead of warning when an RTO or RPO of the model cannot be written exactly.
    #[arg(long)]
    pub strict: bool,
}

/// Arguments of `drsim timeline`.
#[derive(Debug, Args)]
pub struct TimelineArgs {
    /// The model file (TOML).
    pub model: PathBuf,
    /// The strategy to walk through.
    #[arg(long)]
    pub strategy: String,
    /// The disruption kind: az, region or logical.
    #[arg(long)]
    pub kind: String,
    /// Seed: the first incident of this kind in the trials of this seed is shown.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Also draw the Gantt chart (PNG and SVG) into this directory.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Output format on standard output.
    #[arg(long, value_enum, default_value_t = TextFormat::Text)]
    pub format: TextFormat,
}

/// Arguments of `drsim merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The partial-result directories (or files) written by `drsim run --shard`.
    #[arg(required = true)]
    pub parts: Vec<PathBuf>,
    /// Where to write the merged exports.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Replace the contents of an existing --out directory.
    #[arg(long)]
    pub force: bool,
    /// Output format on standard output.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Exit with code 4 when no strategy meets the targets (after printing and writing every
    /// output as usual): a gate for CI pipelines.
    #[arg(long)]
    pub fail_on_miss: bool,
    /// Table output: only the ranked summary and the recommendation.
    #[arg(long, conflicts_with = "detail")]
    pub brief: bool,
    /// Table output: every figure (quantiles with their intervals, how incidents ended),
    /// after the summary and the recommendation.
    #[arg(long)]
    pub detail: bool,
}

/// Arguments of `drsim sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// The model file (TOML).
    pub model: PathBuf,
    /// A parameter and its values, e.g. `strategy.backup-restore.backup.interval=15m,30m,1h,2h`;
    /// repeat for a grid over several parameters.
    #[arg(long = "set", value_name = "PATH=V1,V2,...")]
    pub sets: Vec<String>,
    /// Find the largest (or smallest) value of one parameter that still meets the targets, by
    /// bisection: `PATH=LOW..HIGH` for the strategy named by the path.
    #[arg(long, value_name = "PATH=LOW..HIGH")]
    pub find: Option<String>,
    /// Trials, seed and threads of every evaluation.
    #[command(flatten)]
    pub eval: EvalArgs,
    /// Write sweep.csv and the sweep chart into this directory.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace the contents of an existing --out directory.
    #[arg(long)]
    pub force: bool,
    /// Output format on standard output.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// The simulation settings of every evaluation in `drsim sweep` and `drsim sensitivity`: each
/// point (or each low and high value) runs the same trials from the same seed, so evaluations
/// differ only by the parameter changed (common random numbers).
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Trials per evaluation (each point of a sweep, each low or high value of a sensitivity run)
    /// [default: 20000; 1000 for a platform model, where each evaluation searches every plan].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub trials: Option<u64>,
    /// Master seed, the same for every evaluation (common random numbers).
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Worker threads (default: all cores).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub threads: Option<u64>,
}

/// Trials per evaluation of `sweep` and `sensitivity` without `--trials`.
pub const EVAL_TRIALS: u64 = 20_000;
/// The same on a platform model: each evaluation searches every plan.
pub const PLATFORM_EVAL_TRIALS: u64 = 1_000;

/// Arguments of `drsim sensitivity`.
#[derive(Debug, Args)]
pub struct SensitivityArgs {
    /// The model file (TOML).
    pub model: PathBuf,
    /// The strategy to analyse (default: each strategy in turn).
    #[arg(long)]
    pub strategy: Option<String>,
    /// For fixed values: the relative change used as low and high (0.2 = -20% / +20%).
    #[arg(long, default_value_t = 0.2)]
    pub swing: f64,
    /// What to rank the inputs by: cost (expected annual cost), target-met (P(targets met) of
    /// the worst kind), target-met:az|region|logical (P(both targets met) of that kind), or
    /// total-loss (P(a year with a total loss)).
    #[arg(long, default_value = "cost", value_name = "METRIC")]
    pub metric: String,
    /// Trials, seed and threads of every evaluation.
    #[command(flatten)]
    pub eval: EvalArgs,
    /// Write sensitivity.csv and the tornado chart into this directory.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace the contents of an existing --out directory.
    #[arg(long)]
    pub force: bool,
    /// Output format on standard output (JSON: one document once every strategy is done).
    #[arg(long, value_enum, default_value_t = TextFormat::Text)]
    pub format: TextFormat,
}

/// Arguments of `drsim fit`.
#[derive(Debug, Args)]
pub struct FitArgs {
    /// Incident history CSV: date,provider,region,scope,services,duration_hours,source.
    pub data: PathBuf,
    /// Only incidents of this scope: az or region.
    #[arg(long)]
    pub kind: Option<String>,
    /// Only incidents of this provider (e.g. AWS).
    #[arg(long)]
    pub provider: Option<String>,
    /// Only incidents whose region contains this text (e.g. us-east-1): the
    /// rate is then that region's own.
    #[arg(long)]
    pub region: Option<String>,
    /// Spread a provider-wide rate evenly over N regions, so the snippet's
    /// rate_per_year is per region (without --region).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..), conflicts_with = "region")]
    pub regions: Option<u32>,
    /// AZs per region, so the snippet's rate_per_year for --kind az is per AZ.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub azs: Option<u32>,
    /// Write fit.csv, the TOML snippet and the Q-Q / CDF chart into this directory.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace the contents of an existing --out directory.
    #[arg(long)]
    pub force: bool,
    /// Output format on standard output.
    #[arg(long, value_enum, default_value_t = TextFormat::Text)]
    pub format: TextFormat,
}
