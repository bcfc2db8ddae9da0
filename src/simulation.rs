//! The library's front door: a [`Simulation`] of a validated model over a
//! range of trials, with an optional precision stop and any number of
//! [`Observer`]s, run once into [`Results`] (per-strategy summaries and the
//! decision).

use schemars::JsonSchema;
use serde::Serialize;

use crate::decision::{Decision, decide};
use crate::engine::{Engine, EngineError, Observer, Observers, RunConfig};
use crate::model::{Duration, Model};
pub use crate::provenance::Provenance;
use crate::stats::{LogHistogram, Mixture};
use crate::summary::{StrategySummary, strategy_summary};
use crate::tally::Tally;
use crate::world::strata::{Stratification, VarianceReduction};

/// The seed used when none is given, so every run is reproducible by default.
pub const DEFAULT_SEED: u64 = 20_260_101;
/// Trials when none are given.
pub const DEFAULT_TRIALS: u64 = 100_000;

/// The shortest trial, in years (8.76 hours): costs are summed to 1e-6 USD,
/// and a shorter trial would scale that rounding to whole dollars a year.
pub const MIN_YEARS: f64 = 0.001;
/// The longest trial, in years.
pub const MAX_YEARS: f64 = 1000.0;
/// The most failures a trial may expect (the failure rates times the
/// components they strike, times `--years`): a trial's outages are kept in
/// memory, about 40 bytes each per worker thread.
pub const MAX_FAILURES_PER_TRIAL: f64 = 1e6;

/// How to run a model.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Trials (simulated horizons).
    pub trials: u64,
    /// Years per trial.
    pub years: f64,
    /// Master seed.
    pub seed: u64,
    /// Worker threads; `None`: all cores.
    pub threads: Option<usize>,
}

impl Default for RunOptions {
    fn default() -> RunOptions {
        RunOptions { trials: DEFAULT_TRIALS, years: 1.0, seed: DEFAULT_SEED, threads: None }
    }
}

impl RunOptions {
    /// Checks the ranges: years per trial in (0, 1000].
    ///
    /// # Errors
    /// [`SimulationError::Option`] naming the option and what is allowed.
    pub fn validate(&self) -> Result<(), SimulationError> {
        if !(self.years.is_finite() && (MIN_YEARS..=MAX_YEARS).contains(&self.years)) {
            return Err(SimulationError::Option {
                what: "--years",
                value: if self.years.abs() >= 1e6 || (self.years != 0.0 && self.years.abs() < 1e-3) {
                    format!("{:e}", self.years)
                } else {
                    self.years.to_string()
                },
                allowed: "a number of years from 0.001 (8.76 hours) to 1000",
            });
        }
        Ok(())
    }

    /// [`Self::validate`], and that a trial of this model stays within
    /// [`MAX_FAILURES_PER_TRIAL`] expected failures: the engine keeps a
    /// trial's outages in memory, so the rates times the years bound its memory.
    ///
    /// # Errors
    /// [`SimulationError::Option`] as [`Self::validate`];
    /// [`SimulationError::TooManyFailures`] when the rates times `years` expect more.
    pub fn validate_for(&self, model: &Model) -> Result<(), SimulationError> {
        self.validate()?;
        let per_year = model.failures_per_year();
        let expected = per_year * self.years;
        if expected > MAX_FAILURES_PER_TRIAL {
            return Err(SimulationError::TooManyFailures {
                model: model.source.path.display().to_string(),
                years: self.years,
                per_year,
                expected,
            });
        }
        Ok(())
    }

    /// The engine's view of these options.
    pub fn engine_config(&self) -> RunConfig {
        RunConfig { seed: self.seed, horizon: Duration::YEAR * self.years, threads: self.threads }
    }
}

/// Targets as reported.
#[derive(Clone, Copy, Debug, Serialize, JsonSchema)]
pub struct TargetsReport {
    /// RPO target, seconds.
    pub rpo_s: f64,
    /// RTO target, seconds.
    pub rto_s: f64,
    /// Required share of incidents meeting each target.
    pub confidence: f64,
}

/// Everything a run produced. `report::json` writes it as results.json.
#[derive(Clone, Debug)]
pub struct Results {
    /// Where the figures came from: the build, the model, seed, trials and
    /// years per trial, and the invocation (threads; the command line is
    /// the caller's to add, see [`Provenance::with_command_line`]).
    pub provenance: Provenance,
    /// The targets judged against.
    pub targets: TargetsReport,
    /// Per strategy, in model order.
    pub strategies: Vec<StrategySummary>,
    /// Verdicts and the recommendation.
    pub decision: Decision,
    /// The exact totals the summaries come from.
    pub tally: Tally,
    /// A stratified run's weight of each trial of stratum `k`, `p_k / n_k`
    /// (`tally.strata[k]`); empty for a plain run.
    pub stratum_weights: Vec<f64>,
}

impl Results {
    /// The distribution the run estimates from one histogram of its tally
    /// (`of` picks it from a tally: the plain one, or each stratum's), with
    /// every value weighted: what charts and their CSVs draw.
    pub fn distribution<'a>(&'a self, of: impl Fn(&'a Tally) -> &'a LogHistogram) -> Mixture<'a> {
        crate::stratified::distribution(&self.tally, &self.stratum_weights, of)
    }
}

/// Trials in the first batch of a precision-stopped run, the pilot from
/// which the run predicts the trials it needs ([`predicted_trials`]).
pub const FIRST_BATCH: u64 = 10_000;

/// Why a simulation could not be set up or carried out.
#[derive(Debug, thiserror::Error)]
pub enum SimulationError {
    /// An option is outside its documented range.
    #[error("{what} {value}: allowed: {allowed}")]
    Option {
        /// The option, as the CLI names it (`--years`, `--precision`, ...).
        what: &'static str,
        /// The value given.
        value: String,
        /// What is allowed.
        allowed: &'static str,
    },
    /// The failure rates times the years per trial expect more failures than
    /// a trial may hold ([`MAX_FAILURES_PER_TRIAL`]).
    #[error(
        "{model}: --years {years} with failure rates that strike {per_year:.0} times a year expects {expected:.0} \
         failures per trial; allowed: at most {max:.0} per trial (docs/model-reference.md, Limits): lower --years \
         or the failure[].rate_per_year",
        max = MAX_FAILURES_PER_TRIAL
    )]
    TooManyFailures {
        /// The model file.
        model: String,
        /// Years per trial.
        years: f64,
        /// Failures a year expected over every component.
        per_year: f64,
        /// Failures a trial expects.
        expected: f64,
    },
    /// Stratified sampling does not fit the model.
    #[error(transparent)]
    Strata(#[from] crate::world::strata::StrataError),
    /// The engine failed (threads) or was interrupted.
    #[error(transparent)]
    Engine(#[from] EngineError),
}

/// Stop a run once its figures are precise enough (see [`precision_reached`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PrecisionStop {
    /// The largest acceptable 95% half-width of a P(target met) and relative
    /// standard error of an expected annual cost; in (0, 1).
    pub target: f64,
    /// Trials after which the run stops whatever the precision.
    pub max_trials: u64,
}

impl PrecisionStop {
    /// Checks the target is in (0, 1).
    ///
    /// # Errors
    /// [`SimulationError::Option`] naming `--precision` and what is allowed.
    pub fn validate(&self) -> Result<(), SimulationError> {
        if self.target.is_finite() && self.target > 0.0 && self.target < 1.0 {
            return Ok(());
        }
        Err(SimulationError::Option {
            what: "--precision",
            value: self.target.to_string(),
            allowed: "a number between 0 and 1, e.g. 0.001",
        })
    }
}

/// One simulation run: a validated model, its options, the trials to
/// simulate, an optional precision stop and the observers watching it.
///
/// The figures depend only on the model, the seed, the years per trial and
/// the trials simulated: not on threads, observers or how the trials were
/// batched (tallies merge exactly), so a precision-stopped run equals a fixed
/// run of the trials it used, and shards merge into the unsharded run.
///
/// ```no_run
/// # use drsim::{model::Model, simulation::{RunOptions, Simulation}};
/// let model = Model::load(std::path::Path::new("models/securecart-monolith.toml")).unwrap();
/// let results = Simulation::new(&model, RunOptions::default()).run().unwrap();
/// assert_eq!(results.tally.trials, 100_000);
/// ```
pub struct Simulation<'a> {
    model: &'a Model,
    options: RunOptions,
    first_trial: u64,
    precision: Option<PrecisionStop>,
    variance_reduction: VarianceReduction,
    region_plays: u32,
    observers: Vec<&'a mut dyn Observer>,
}

impl std::fmt::Debug for Simulation<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulation")
            .field("options", &self.options)
            .field("first_trial", &self.first_trial)
            .field("precision", &self.precision)
            .field("observers", &self.observers.len())
            .finish()
    }
}

impl<'a> Simulation<'a> {
    /// Trials `0..options.trials` of `model`, no precision stop, no observer.
    pub fn new(model: &'a Model, options: RunOptions) -> Simulation<'a> {
        Simulation {
            model,
            options,
            first_trial: 0,
            precision: None,
            variance_reduction: VarianceReduction::None,
            region_plays: 1,
            observers: Vec::new(),
        }
    }

    /// Samples worlds with `how` (default: plainly). Stratified runs give
    /// different (equally unbiased) figures than plain ones of the same seed.
    pub fn variance_reduction(mut self, how: VarianceReduction) -> Simulation<'a> {
        self.variance_reduction = how;
        self
    }

    /// Plays every `region` incident (outage and recovery) `plays` times (default 1:
    /// once; see `engine::replay`). Only P(RTO met), P(RPO met) and
    /// P(both met) of region incidents change: they become the mean share
    /// of plays meeting the target, with a smaller standard error.
    pub fn region_plays(mut self, plays: u32) -> Simulation<'a> {
        self.region_plays = plays;
        self
    }

    /// Simulates the trial indices `range` instead (a shard of a bigger run).
    pub fn trials(mut self, range: std::ops::Range<u64>) -> Simulation<'a> {
        self.first_trial = range.start;
        self.options.trials = range.end.saturating_sub(range.start);
        self
    }

    /// Runs batches (a pilot of [`FIRST_BATCH`] trials, then up to the
    /// [`predicted_trials`]) until [`precision_reached`] is at most
    /// `stop.target` or `stop.max_trials` are done; the trial count of the
    /// options is then ignored.
    pub fn precision(mut self, stop: PrecisionStop) -> Simulation<'a> {
        self.precision = Some(stop);
        self
    }

    /// Adds an observer; it hears the run's events after those added before it.
    pub fn observe(mut self, observer: &'a mut dyn Observer) -> Simulation<'a> {
        self.observers.push(observer);
        self
    }

    /// Checks the options, simulates and summarises.
    ///
    /// # Errors
    /// [`SimulationError::Option`] for years outside (0, 1000] or a precision
    /// outside (0, 1), before anything is simulated; the engine's errors
    /// (threads, Ctrl-C) otherwise.
    pub fn run(self) -> Result<Results, SimulationError> {
        let Simulation { model, options, first_trial, precision, variance_reduction, region_plays, observers } = self;
        options.validate_for(model)?;
        if !(1..=crate::engine::replay::MAX_PLAYS).contains(&region_plays) {
            return Err(SimulationError::Option {
                what: "--region-replays",
                value: region_plays.to_string(),
                allowed: "a whole number of plays from 1 (no replays) to 1024, e.g. 16",
            });
        }
        if let Some(p) = precision {
            p.validate()?;
        }
        let design = match variance_reduction {
            VarianceReduction::None => None,
            how => Some(Stratification::new(model, options.engine_config().horizon, how)?),
        };
        let engine = Engine::new(model, options.engine_config()).with_strata(design).with_region_plays(region_plays);
        let mut observers = Observers::new(observers);
        let mut tally = engine.new_tally();
        let Some(stop) = precision else {
            let range = first_trial..first_trial + options.trials;
            engine.run(range, &mut tally, &mut observers, 0, options.trials)?;
            return Ok(with_threads(results_from_tally(model, &options, tally), &engine));
        };
        let mut done = 0;
        let mut next = FIRST_BATCH.min(stop.max_trials);
        loop {
            engine.run(first_trial + done..first_trial + next, &mut tally, &mut observers, done, stop.max_trials)?;
            done = next;
            let results = results_from_tally(model, &options, tally.clone());
            let reached = precision_reached(&results);
            observers.batch(done, reached);
            if reached <= stop.target || done >= stop.max_trials {
                return Ok(with_threads(results, &engine));
            }
            next = predicted_trials(done, reached, stop.target).min(stop.max_trials);
        }
    }
}

/// Simulates trials `0..options.trials` of a model with no observer: the
/// shortest way to [`Results`].
///
/// # Errors
/// As [`Simulation::run`].
pub fn simulate(model: &Model, options: &RunOptions) -> Result<Results, SimulationError> {
    Simulation::new(model, options.clone()).run()
}

/// The kind of figure that sets [`precision_reached`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrecisionFigure {
    /// A 95% half-width of a P(RTO met) or P(RPO met).
    Share,
    /// The relative standard error of the expected annual cost of the
    /// strategy at this index (model order).
    ExpectedCost(usize),
}

/// The largest 95% half-width among every strategy's P(RTO met) and P(RPO
/// met) per kind, and the largest relative standard error of an expected
/// annual cost: what a [`PrecisionStop`] compares against.
pub fn precision_reached(results: &Results) -> f64 {
    precision_worst(results).0
}

/// [`precision_reached`] with the kind of figure that sets it (a share on a tie).
pub fn precision_worst(results: &Results) -> (f64, PrecisionFigure) {
    let mut worst = (0.0, PrecisionFigure::Share);
    for (i, s) in results.strategies.iter().enumerate() {
        for k in s.kinds.iter().filter(|k| k.incidents > 0) {
            let half = ((k.rto_met.high - k.rto_met.low) / 2.0).max((k.rpo_met.high - k.rpo_met.low) / 2.0);
            if half > worst.0 {
                worst = (half, PrecisionFigure::Share);
            }
        }
        let cost = &s.cost.total_annual_usd;
        if cost.value > 0.0 && cost.std_error / cost.value > worst.0 {
            worst = (cost.std_error / cost.value, PrecisionFigure::ExpectedCost(i));
        }
    }
    worst
}

/// Trials a run needs to bring `reached` (measured after `done` trials)
/// down to `target`: standard errors and Wilson half-widths fall as
/// `1 / sqrt(trials)` (under a fixed allocation, for a stratified run), so
/// `done (reached / target)^2`, with 5% to spare, in whole allocation
/// tables of 256 trials; at least one table more than `done`. Depends only
/// on the figures, so a run stays reproducible.
pub fn predicted_trials(done: u64, reached: f64, target: f64) -> u64 {
    let table = crate::world::strata::TABLE as u64;
    let want = (done as f64 * (reached / target).powi(2) * 1.05).min(1e18);
    let want = if want.is_finite() { want as u64 } else { done * 2 };
    want.div_ceil(table).saturating_mul(table).max(done + table)
}

/// Records in `results` the worker threads `engine` simulated on.
fn with_threads(mut results: Results, engine: &Engine<'_>) -> Results {
    results.provenance.invocation.threads = Some(engine.threads_used() as u64);
    results
}

/// Builds results from a finished tally. Its provenance has no command line
/// and no thread count (a merged tally was simulated elsewhere); a
/// [`Simulation`] adds the threads, the caller the command line.
pub fn results_from_tally(model: &Model, options: &RunOptions, tally: Tally) -> Results {
    let design = crate::stratified::design(model, &tally);
    let strategies: Vec<StrategySummary> = (0..model.strategies.len())
        .map(|i| match &design {
            Some(d) => crate::stratified::strategy_summary(model, i, &tally, d),
            None => strategy_summary(model, i, &tally),
        })
        .collect();
    let decision = decide(model, &strategies, &tally);
    let stratum_weights = design.as_ref().map(|d| crate::stratified::weights(&tally, d)).unwrap_or_default();
    Results {
        provenance: Provenance::of_build()
            .with_model(&model.workload.name, &model.source.path.display().to_string(), &model.source.sha256)
            .with_run(options.seed, tally.trials, options.years)
            .with_variance_reduction(
                VarianceReduction::of_strata(tally.strata.len())
                    .filter(|&v| v != VarianceReduction::None)
                    .map(VarianceReduction::name),
            )
            .with_region_replays(tally.region_plays),
        targets: TargetsReport {
            rpo_s: model.targets.rpo.secs(),
            rto_s: model.targets.rto.secs(),
            confidence: model.targets.confidence.get(),
        },
        strategies,
        decision,
        tally,
        stratum_weights,
    }
}
