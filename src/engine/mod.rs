//! The engine: trials in parallel, each a sampled world played against every
//! strategy, every incident handed to a [`Tally`].
//!
//! Determinism: trial `i` draws its world from `(seed, i)` and strategy `s`
//! its response from `(seed, i, s)`; tallies hold only integers (counts and
//! fixed-point sums), so merging them is exact in any order and a run is
//! bit-identical for any thread count or shard split.

pub mod stop;

use std::ops::Range;

use rayon::prelude::*;

use crate::cost::CostModel;
use crate::incident::Incident;
use crate::model::{Deployment, Duration, Kind, Model, Posture};
use crate::strategy::Ctx;
use crate::tally::Tally;
use crate::world::site::{self, Disruption, SiteScratch};
use crate::world::{World, seed};

/// What to simulate.
#[derive(Clone, Debug)]
pub struct RunConfig {
    /// Master seed.
    pub seed: u64,
    /// Length of one trial.
    pub horizon: Duration,
    /// Threads to use; `None`: all cores.
    pub threads: Option<usize>,
}

/// Why a run could not be carried out.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The thread pool could not be built.
    #[error("cannot start {threads} worker threads: {reason}")]
    Threads {
        /// Threads asked for.
        threads: usize,
        /// The system's reason.
        reason: String,
    },
    /// Ctrl-C stopped the run before every trial was simulated.
    #[error("interrupted by Ctrl-C before every trial was simulated; nothing was written")]
    Interrupted,
}

/// Receives every incident as it is simulated (for streaming exports).
pub trait IncidentSink: Send {
    /// One incident of strategy number `strategy` in trial `trial`.
    fn incident(&mut self, trial: u64, strategy: usize, incident: &Incident);
}

/// A sink that ignores incidents.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoSink;

impl IncidentSink for NoSink {
    fn incident(&mut self, _: u64, _: usize, _: &Incident) {}
}

/// Buffers reused from trial to trial on one thread: no allocation per event.
struct Scratch {
    world: World,
    site: SiteScratch,
    sites: SiteCache,
    annual_cost: Vec<f64>,
}

/// The disruptions of each (region, deployment) asked for in the current
/// trial: strategies deployed alike see the same ones, computed once.
#[derive(Default)]
struct SiteCache {
    /// Entries `..used` are valid for the current trial; the rest keep their buffers.
    entries: Vec<((usize, Deployment), Vec<Disruption>)>,
    used: usize,
}

impl SiteCache {
    /// Forgets the previous trial's disruptions (keeps the buffers).
    fn clear(&mut self) {
        self.used = 0;
    }

    /// The disruptions of a deployment in `region` of the current world.
    fn get(
        &mut self,
        world: &World,
        region: usize,
        deployment: Deployment,
        scratch: &mut SiteScratch,
    ) -> &[Disruption] {
        let key = (region, deployment);
        let at = match self.entries[..self.used].iter().position(|(k, _)| *k == key) {
            Some(at) => at,
            None => {
                if self.used == self.entries.len() {
                    self.entries.push((key, Vec::new()));
                }
                let (k, list) = &mut self.entries[self.used];
                *k = key;
                site::disruptions(world, region, deployment, scratch, list);
                self.used += 1;
                self.used - 1
            }
        };
        &self.entries[at].1
    }
}

impl Scratch {
    fn new(model: &Model) -> Scratch {
        Scratch {
            world: World::new(model),
            site: SiteScratch::default(),
            sites: SiteCache::default(),
            annual_cost: vec![0.0; model.strategies.len()],
        }
    }
}

/// Simulates the trials in `trials` and returns their tally.
///
/// The range is cut into a few contiguous blocks per thread; each block runs
/// on one thread into its own tally and scratch buffers (allocated once per
/// block, not per trial), and the block tallies are merged at the end. Merging
/// is exact, so the result does not depend on the blocks. Stops early with
/// [`EngineError::Interrupted`] after Ctrl-C (see [`stop`]).
pub fn run(model: &Model, config: &RunConfig, trials: Range<u64>) -> Result<Tally, EngineError> {
    let costs = CostModel::new(model);
    let work = || {
        let blocks = blocks(trials.clone(), rayon::current_num_threads() as u64 * BLOCKS_PER_THREAD);
        blocks
            .into_par_iter()
            .map(|block| {
                let mut tally = Tally::new(model, config.horizon);
                let mut scratch = Scratch::new(model);
                for trial in block {
                    if stop::requested() {
                        break;
                    }
                    simulate_trial(model, &costs, config, trial, &mut scratch, &mut tally, &mut NoSink);
                }
                tally
            })
            .reduce(
                || Tally::new(model, config.horizon),
                |mut a, b| {
                    a.merge(&b);
                    a
                },
            )
    };
    let tally = with_threads(config.threads, work)?;
    if stop::requested() {
        return Err(EngineError::Interrupted);
    }
    Ok(tally)
}

/// Blocks per worker thread: enough for load balance when trials differ in
/// cost or a core is slowed by other work (with 8 per thread a million
/// trials ran at 171-187% CPU on 2 cores), few enough that per-block set-up
/// (a tally and its merge, well under a millisecond) is negligible.
const BLOCKS_PER_THREAD: u64 = 32;

/// Cuts `trials` into at most `count` contiguous, non-empty blocks.
fn blocks(trials: Range<u64>, count: u64) -> Vec<Range<u64>> {
    let len = trials.end.saturating_sub(trials.start);
    let count = count.clamp(1, len.max(1));
    let at = |i: u64| trials.start + (u128::from(len) * u128::from(i) / u128::from(count)) as u64;
    (0..count).map(|i| at(i)..at(i + 1)).filter(|r| !r.is_empty()).collect()
}

/// Simulates trials in order on the calling thread, handing every incident to `sink` as well.
pub fn run_sequential(model: &Model, config: &RunConfig, trials: Range<u64>, sink: &mut dyn IncidentSink) -> Tally {
    let costs = CostModel::new(model);
    let mut tally = Tally::new(model, config.horizon);
    let mut scratch = Scratch::new(model);
    for trial in trials {
        simulate_trial(model, &costs, config, trial, &mut scratch, &mut tally, sink);
    }
    tally
}

/// Simulates trials in parallel and hands every incident to `sink` in trial
/// order (then strategy order, as simulated), so a streamed export is the same
/// file on any thread count. Trials run in chunks of `chunk`; at most a window
/// of chunks is buffered at once, so memory stays flat however many trials run.
pub fn run_streaming(
    model: &Model,
    config: &RunConfig,
    trials: Range<u64>,
    chunk: u64,
    sink: &mut dyn IncidentSink,
) -> Result<Tally, EngineError> {
    let costs = CostModel::new(model);
    let chunk = chunk.max(1);
    let work = || {
        let window = (rayon::current_num_threads() as u64 * 4).max(1);
        let mut tally = Tally::new(model, config.horizon);
        let mut start = trials.start;
        while start < trials.end && !stop::requested() {
            let end = (start + window * chunk).min(trials.end);
            let starts: Vec<u64> = (start..end).step_by(chunk as usize).collect();
            let parts: Vec<(Tally, Collect)> = starts
                .par_iter()
                .map(|&from| {
                    let mut part = Tally::new(model, config.horizon);
                    let mut scratch = Scratch::new(model);
                    let mut rows = Collect(Vec::new());
                    for trial in from..(from + chunk).min(end) {
                        simulate_trial(model, &costs, config, trial, &mut scratch, &mut part, &mut rows);
                    }
                    (part, rows)
                })
                .collect();
            for (part, rows) in parts {
                for (trial, strategy, incident) in &rows.0 {
                    sink.incident(*trial, *strategy, incident);
                }
                tally.merge(&part);
            }
            start = end;
        }
        tally
    };
    let tally = with_threads(config.threads, work)?;
    if stop::requested() {
        return Err(EngineError::Interrupted);
    }
    Ok(tally)
}

/// Buffers incidents of one chunk.
struct Collect(Vec<(u64, usize, Incident)>);

impl IncidentSink for Collect {
    fn incident(&mut self, trial: u64, strategy: usize, incident: &Incident) {
        self.0.push((trial, strategy, *incident));
    }
}

/// Runs `work` on a pool of `threads` threads (all cores when `None`).
pub fn with_threads<T: Send>(threads: Option<usize>, work: impl FnOnce() -> T + Send) -> Result<T, EngineError> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        builder = builder.num_threads(n);
    }
    let pool =
        builder.build().map_err(|e| EngineError::Threads { threads: threads.unwrap_or(0), reason: e.to_string() })?;
    Ok(pool.install(work))
}

fn simulate_trial(
    model: &Model,
    costs: &CostModel,
    config: &RunConfig,
    trial: u64,
    scratch: &mut Scratch,
    tally: &mut Tally,
    sink: &mut (impl IncidentSink + ?Sized),
) {
    let mut world_rng = seed::world_rng(config.seed, trial);
    scratch.world.sample(model, config.horizon, &mut world_rng);
    let Scratch { world, site, sites, annual_cost } = scratch;
    let world = &*world;
    sites.clear();
    let backups = seed::BackupJobs::new(config.seed, trial);
    for (index, strategy) in model.strategies.iter().enumerate() {
        let mut rng = seed::strategy_rng(config.seed, trial, strategy.id);
        let mut ctx = Ctx::new(model, strategy, world, backups, &mut rng);
        let mut trial_tally = tally.begin_trial(index);
        let mut record = |incident: &mut Incident| {
            incident.cost_usd = costs.incident_cost(incident);
            sink.incident(trial, index, incident);
            trial_tally.record(incident);
        };
        let regions: &[(usize, f64)] = match &strategy.posture {
            Posture::ActiveActive { regions, .. } => regions,
            _ => &[(model.topology.primary, 1.0)],
        };
        for &(region, share) in regions {
            for d in sites.get(world, region, strategy.deployment, site) {
                let mut incident = ctx.respond(d, region, share);
                record(&mut incident);
            }
        }
        for o in world.outages.iter().filter(|o| o.kind == Kind::Logical) {
            let mut incident = ctx.respond_logical(o);
            record(&mut incident);
        }
        annual_cost[index] = trial_tally.finish(costs.fixed_annual_usd(index) * config.horizon.years());
    }
    tally.end_trial(annual_cost);
}
