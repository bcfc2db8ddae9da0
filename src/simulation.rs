//! One call from a model to its results: the library's front door.

use serde::Serialize;

use crate::decision::{Decision, decide};
use crate::engine::{self, EngineError, RunConfig};
use crate::model::{Duration, Model};
use crate::summary::{StrategySummary, strategy_summary};
use crate::tally::Tally;

/// The seed used when none is given, so every run is reproducible by default.
pub const DEFAULT_SEED: u64 = 20_260_101;
/// Trials when none are given.
pub const DEFAULT_TRIALS: u64 = 100_000;

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
    /// The engine's view of these options.
    pub fn engine_config(&self) -> RunConfig {
        RunConfig { seed: self.seed, horizon: Duration::YEAR * self.years, threads: self.threads }
    }
}

/// Where a result came from: enough to reproduce every figure.
#[derive(Clone, Debug, Serialize)]
pub struct Provenance {
    /// drsim's version.
    pub drsim_version: String,
    /// The workload's name.
    pub model_name: String,
    /// The model file as given.
    pub model_path: String,
    /// SHA-256 of the model file.
    pub model_sha256: String,
    /// Master seed.
    pub seed: u64,
    /// Trials simulated.
    pub trials: u64,
    /// Years per trial.
    pub years_per_trial: f64,
}

/// Targets as reported.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct TargetsReport {
    /// RPO target, seconds.
    pub rpo_s: f64,
    /// RTO target, seconds.
    pub rto_s: f64,
    /// Required share of incidents meeting each target.
    pub confidence: f64,
}

/// Everything a run produced.
#[derive(Clone, Debug, Serialize)]
pub struct Results {
    /// Provenance.
    #[serde(flatten)]
    pub provenance: Provenance,
    /// The targets judged against.
    pub targets: TargetsReport,
    /// Per strategy, in model order.
    pub strategies: Vec<StrategySummary>,
    /// Verdicts and the recommendation.
    pub decision: Decision,
    /// The exact totals the summaries come from.
    #[serde(skip)]
    pub tally: Tally,
}

/// Simulates a model and summarises the results.
pub fn simulate(model: &Model, options: &RunOptions) -> Result<Results, EngineError> {
    let tally = engine::run(model, &options.engine_config(), 0..options.trials)?;
    Ok(results_from_tally(model, options, tally))
}

/// Trials in the first batch of a precision-stopped run; each later batch
/// doubles the total.
pub const FIRST_BATCH: u64 = 10_000;

/// The largest 95% half-width among every strategy's P(RTO met) and P(RPO
/// met) per kind, and the largest relative standard error of an expected
/// annual cost: what `--precision` compares against.
pub fn precision_reached(results: &Results) -> f64 {
    let mut worst: f64 = 0.0;
    for s in &results.strategies {
        for k in s.kinds.iter().filter(|k| k.incidents > 0) {
            worst = worst.max((k.rto_met.high - k.rto_met.low) / 2.0).max((k.rpo_met.high - k.rpo_met.low) / 2.0);
        }
        let cost = &s.cost.total_annual_usd;
        if cost.value > 0.0 {
            worst = worst.max(cost.std_error / cost.value);
        }
    }
    worst
}

/// Runs batches until [`precision_reached`] is at most `precision` or
/// `max_trials` are done. Trials are added as contiguous index ranges and
/// tallies merge exactly, so the result is bit-identical to a fixed run of
/// the same number of trials. `on_batch` hears the trials done after each batch.
pub fn simulate_to_precision(
    model: &Model,
    options: &RunOptions,
    precision: f64,
    max_trials: u64,
    mut on_batch: impl FnMut(u64, f64),
) -> Result<Results, EngineError> {
    let config = options.engine_config();
    let mut tally = Tally::new(model, config.horizon);
    let mut done = 0;
    let mut next = FIRST_BATCH.min(max_trials);
    loop {
        let batch = engine::run(model, &config, done..next)?;
        tally.merge(&batch);
        done = next;
        let results = results_from_tally(model, options, tally.clone());
        let reached = precision_reached(&results);
        on_batch(done, reached);
        if reached <= precision || done >= max_trials {
            return Ok(results);
        }
        next = (done * 2).min(max_trials);
    }
}

/// Builds results from a finished tally.
pub fn results_from_tally(model: &Model, options: &RunOptions, tally: Tally) -> Results {
    let strategies: Vec<StrategySummary> =
        (0..model.strategies.len()).map(|i| strategy_summary(model, i, &tally)).collect();
    let decision = decide(model, &strategies, &tally);
    Results {
        provenance: Provenance {
            drsim_version: env!("CARGO_PKG_VERSION").to_string(),
            model_name: model.workload.name.clone(),
            model_path: model.source.path.display().to_string(),
            model_sha256: model.source.sha256.clone(),
            seed: options.seed,
            trials: tally.trials,
            years_per_trial: options.years,
        },
        targets: TargetsReport {
            rpo_s: model.targets.rpo.secs(),
            rto_s: model.targets.rto.secs(),
            confidence: model.targets.confidence.get(),
        },
        strategies,
        decision,
        tally,
    }
}
