//! The engine: trials in parallel, each a sampled world played against every
//! strategy, every incident handed to a [`Tally`].
//!
//! Determinism: trial `i` draws its world from `(seed, i)` and strategy `s`
//! its response from `(seed, i, s)`; tallies hold only integers (counts and
//! fixed-point sums), so merging them is exact in any order and a run is
//! bit-identical for any thread count or shard split.

pub mod observer;
pub mod replay;
pub mod stop;

use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use rayon::prelude::*;

use crate::cost::{CostModel, TrialPricer};
use crate::incident::Incident;
use crate::model::{Deployment, DisruptionKind, Duration, Model, Posture, Strategy};
use crate::strategy::Ctx;
use crate::tally::{KindMark, ReplaysMet, Tally};
use crate::world::site::{self, Disruption, SiteScratch};
use crate::world::strata::Stratification;
use crate::world::{World, seed};
pub use observer::{Encoder, Observer, Observers};
pub use replay::Replays;

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
    ///
    /// rayon's error is kept as a field, not as the error's source: its own
    /// source is the I/O error it displays, so a printed chain would show that
    /// text twice. The message names it once, as before.
    #[error("cannot start {threads} worker threads: {error}")]
    Threads {
        /// Threads asked for.
        threads: usize,
        /// rayon's error (the system's reason is its source).
        error: rayon::ThreadPoolBuildError,
    },
    /// Ctrl-C stopped the run before every trial was simulated.
    #[error("interrupted by Ctrl-C before every trial was simulated; nothing was written")]
    Interrupted,
}

/// Whose detection and decision an incident gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Response {
    /// The strategy's own draws, from its stream (a model of one service).
    Own,
    /// One per event for every service of a platform: drawn from the event's
    /// stream, so services hit by the same event are detected and decided on
    /// together (see `Ctx::response_step`).
    Shared,
}

/// Plays a trial's `world` against one strategy of `model`: every site
/// disruption of its regions, every `logical` outage and its drills, in
/// that order, each incident handed to `record` (unpriced: `cost_usd` is 0).
/// The strategy draws from its stream `(seed, trial, strategy.id)` of the
/// trial's `streams` (made once per trial for every strategy), so a
/// strategy's incidents depend on the world and its own id only; its
/// response is drawn as `response` says. The engine and the platform layer
/// (services sharing one world) both play through here. `replays` says how
/// often each `region` incident (outage and recovery) is played: `record` gets each
/// incident with how many of its replays met the targets (see [`replay`];
/// `None` without).
#[allow(clippy::too_many_arguments)]
pub fn play_strategy(
    response: Response,
    model: &Model,
    strategy: &Strategy,
    streams: &seed::TrialStreams,
    world: &World,
    sites: &mut SiteCache,
    site: &mut SiteScratch,
    replays: &Replays,
    record: &mut impl FnMut(&mut Incident, Option<ReplaysMet>),
) {
    let mut rng = streams.strategy_rng(strategy.id);
    let mut ctx = Ctx::new(model, strategy, world, streams.backups, streams.ops, &mut rng);
    ctx.shared_response = response == Response::Shared;
    let regions: &[(usize, f64)] = match &strategy.posture {
        Posture::ActiveActive { regions, .. } => regions,
        _ => &[(model.topology.primary, 1.0)],
    };
    for &(region, share) in regions {
        let disruptions = sites.get(world, region, strategy.deployment, site);
        // Two loops, so that a run without replays records exactly as before
        // (`None` known at compile time) and pays nothing per incident.
        if replays.is_on() {
            for d in disruptions {
                let replayed = replays.play(&ctx, streams, d, region, share);
                let mut incident = ctx.respond(d, region, share);
                record(&mut incident, replayed);
            }
        } else {
            for d in disruptions {
                record(&mut ctx.respond(d, region, share), None);
            }
        }
    }
    for o in world.outages.iter() {
        let mut incident = match o.kind {
            DisruptionKind::Logical => ctx.respond_logical(o),
            DisruptionKind::Application => ctx.respond_application(o),
            DisruptionKind::Az | DisruptionKind::Region => continue,
        };
        record(&mut incident, None);
    }
    ctx.respond_drills(|incident: &mut Incident| record(incident, None));
}

/// Buffers reused from trial to trial on one thread: no allocation per event.
struct Scratch {
    world: World,
    site: SiteScratch,
    sites: SiteCache,
    annual_cost: Vec<f64>,
    replays: Replays,
    /// In a stratified run, the stratum's totals when the trial began
    /// ([`Tally::marks`]).
    marks: Vec<KindMark>,
}

/// The disruptions of each (region, deployment) asked for in the current
/// trial: strategies deployed alike see the same ones, computed once.
/// Clear it whenever a new world is sampled.
#[derive(Debug, Default)]
pub struct SiteCache {
    /// Entries `..used` are valid for the current trial; the rest keep their buffers.
    entries: Vec<((usize, Deployment), Vec<Disruption>)>,
    used: usize,
}

impl SiteCache {
    /// Forgets the previous trial's disruptions (keeps the buffers).
    pub fn clear(&mut self) {
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
    fn new(model: &Model, region_plays: u32) -> Scratch {
        Scratch {
            world: World::new(model),
            site: SiteScratch::default(),
            sites: SiteCache::default(),
            annual_cost: vec![0.0; model.strategies.len()],
            replays: Replays::new(model, region_plays),
            marks: Vec::new(),
        }
    }
}

/// The engine of one model and configuration: simulates ranges of trials
/// into a [`Tally`], watched by [`Observers`].
///
/// How the trials are driven depends only on what the observers ask for,
/// never on the figures (tallies merge exactly):
/// - no observer: contiguous blocks in parallel, merged at the end (the
///   hot path);
/// - observers of progress only: the same, a range at a time, with progress
///   after each range;
/// - an observer of incidents: chunks of [`STREAM_CHUNK`] trials in
///   parallel, a bounded window at a time, incidents handed over in trial
///   order, progress after each window, and an early stop once every such
///   observer is satisfied.
#[derive(Debug)]
pub struct Engine<'m> {
    model: &'m Model,
    costs: CostModel,
    config: RunConfig,
    /// Stratified sampling of worlds, when asked for (`None`: plain).
    strata: Option<Stratification>,
    /// Plays of every `region` incident (outage and recovery) (1: once; see [`replay`]).
    region_plays: u32,
    /// Worker threads of the last [`Engine::run`] (0 before the first).
    threads_used: std::sync::atomic::AtomicUsize,
}

/// Trials per chunk when incidents are streamed to observers.
pub const STREAM_CHUNK: u64 = 256;

/// Progress reports per range of trials when only progress is observed:
/// enough for a smooth bar, few enough that the per-range start is noise.
const PROGRESS_UPDATES: u64 = 200;

impl<'m> Engine<'m> {
    /// An engine for `model` under `config`; prices are computed once here.
    pub fn new(model: &'m Model, config: RunConfig) -> Engine<'m> {
        Engine {
            model,
            costs: CostModel::new(model),
            config,
            strata: None,
            region_plays: 1,
            threads_used: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// The same engine sampling worlds by strata (`None`: plainly): trial
    /// `i` goes to stratum `strata.stratum_of(i)`, is sampled given it, and
    /// is recorded in that stratum's tally ([`Tally::strata`]).
    pub fn with_strata(mut self, strata: Option<Stratification>) -> Engine<'m> {
        self.strata = strata;
        self
    }

    /// The same engine playing every `region` incident (outage and recovery) `plays`
    /// times (conditional Monte Carlo, see [`replay`]; 1: once). Only the
    /// shares of region incidents meeting their targets change.
    pub fn with_region_plays(mut self, plays: u32) -> Engine<'m> {
        self.region_plays = plays.max(1);
        self
    }

    /// The stratified design, if any.
    pub fn strata(&self) -> Option<&Stratification> {
        self.strata.as_ref()
    }

    /// An empty tally of the shape this engine records into.
    pub fn new_tally(&self) -> Tally {
        let tally = match &self.strata {
            Some(design) => Tally::stratified(self.model, self.config.horizon, design.weights.len()),
            None => Tally::new(self.model, self.config.horizon),
        };
        tally.with_region_plays(self.region_plays)
    }

    /// The configuration.
    pub fn config(&self) -> &RunConfig {
        &self.config
    }

    /// The worker threads the last [`Engine::run`] used (the configured
    /// number, or the pool's default: all cores, or `RAYON_NUM_THREADS`);
    /// 0 before the first run. Provenance only: the figures do not depend on it.
    pub fn threads_used(&self) -> usize {
        self.threads_used.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Simulates `trials` on the engine's thread pool, merging them into
    /// `tally`; `done_before` and `planned` place the range in the whole run
    /// for progress reports. Returns the index after the last trial
    /// simulated (less than `trials.end` when observers were satisfied early).
    ///
    /// # Errors
    /// [`EngineError::Threads`] when the pool cannot start;
    /// [`EngineError::Interrupted`] after Ctrl-C (see [`stop`]).
    pub fn run(
        &self,
        trials: Range<u64>,
        tally: &mut Tally,
        observers: &mut Observers<'_>,
        done_before: u64,
        planned: u64,
    ) -> Result<u64, EngineError> {
        let (end, threads) = with_threads(self.config.threads, || {
            if observers.is_empty() {
                tally.merge(&self.blocks(trials.clone()));
                trials.end
            } else if observers.want_incidents() {
                self.streaming(trials.clone(), tally, observers, done_before, planned)
            } else {
                // Steps for the progress reports, each cut into blocks that
                // record into the same few tallies from step to step, merged
                // once at the end: a fresh tally per block and step, merged
                // each step, cost more than simulating in a stratified run.
                let step = (trials.end.saturating_sub(trials.start) / PROGRESS_UPDATES).max(1_000);
                let slots: Vec<Mutex<Tally>> = (0..rayon::current_num_threads() * PROGRESS_BLOCKS_PER_THREAD)
                    .map(|_| Mutex::new(self.new_tally()))
                    .collect();
                let mut start = trials.start;
                while start < trials.end && !stop::requested() {
                    let next = (start + step).min(trials.end);
                    blocks(start..next, slots.len() as u64).into_par_iter().zip(&slots).for_each(|(block, slot)| {
                        self.run_block(block, &mut slot.lock().unwrap_or_else(PoisonError::into_inner));
                    });
                    start = next;
                    observers.progress(done_before + (start - trials.start), planned);
                }
                for slot in slots {
                    tally.merge(&slot.into_inner().unwrap_or_else(PoisonError::into_inner));
                }
                start
            }
        })?;
        self.threads_used.store(threads, std::sync::atomic::Ordering::Relaxed);
        if stop::requested() {
            return Err(EngineError::Interrupted);
        }
        Ok(end)
    }

    /// The hot path: `trials` cut into a few contiguous blocks per thread;
    /// each block runs on one thread into its own tally and scratch buffers
    /// (allocated once per block, not per trial), and the block tallies are
    /// merged at the end. Merging is exact, so the result does not depend on
    /// the blocks. Must run inside the pool.
    fn blocks(&self, trials: Range<u64>) -> Tally {
        let threads = rayon::current_num_threads() as u64;
        let len = trials.end.saturating_sub(trials.start);
        let count = (threads * BLOCKS_PER_THREAD).min((len / MIN_BLOCK_TRIALS).max(threads));
        blocks(trials, count)
            .into_par_iter()
            .map(|block| {
                let mut tally = self.new_tally();
                self.run_block(block, &mut tally);
                tally
            })
            .reduce(
                || self.new_tally(),
                |mut a, b| {
                    a.merge(&b);
                    a
                },
            )
    }

    /// Simulates the trials of `block` on this thread into `tally`, with
    /// scratch buffers made once for the block.
    fn run_block(&self, block: Range<u64>, tally: &mut Tally) {
        if let Some(strata) = &self.strata {
            return self.run_block_by_stratum(strata, block, tally);
        }
        let mut scratch = Scratch::new(self.model, self.region_plays);
        let fresh = self.costs.trial_pricer(self.config.horizon);
        for trial in block {
            if stop::requested() {
                break;
            }
            self.trial(trial, &mut scratch, tally, fresh, &mut |_, _, _| {});
        }
    }

    /// [`Engine::run_block`] of a stratified run: the block's trials
    /// stratum by stratum, so that one stratum's tally (its histograms)
    /// stays in cache while its trials record. The bytes are the same, as a
    /// tally's totals do not depend on the order trials are recorded in
    /// (integers and fixed-point sums). Out of line, so that the plain
    /// loop's code stays as it was.
    #[inline(never)]
    fn run_block_by_stratum(&self, strata: &Stratification, block: Range<u64>, tally: &mut Tally) {
        let mut scratch = Scratch::new(self.model, self.region_plays);
        let fresh = self.costs.trial_pricer(self.config.horizon);
        for stratum in 0..strata.weights.len() {
            for trial in block.clone().filter(|&t| strata.stratum_of(t) == stratum) {
                if stop::requested() {
                    return;
                }
                self.trial(trial, &mut scratch, tally, fresh, &mut |_, _, _| {});
            }
        }
    }

    /// Trials in chunks of [`STREAM_CHUNK`], a window of chunks at a time in
    /// parallel; incidents handed to `observers` in trial order, so what they
    /// see is the same on any thread count. Memory stays flat: at most one
    /// window of incidents is buffered. Must run inside the pool.
    fn streaming(
        &self,
        trials: Range<u64>,
        tally: &mut Tally,
        observers: &mut Observers<'_>,
        done_before: u64,
        planned: u64,
    ) -> u64 {
        let (model, chunk) = (self.model, STREAM_CHUNK);
        let window = (rayon::current_num_threads() as u64 * 4).max(1);
        // Observers that export incidents have them encoded here, in the
        // worker threads, chunk by chunk: the bytes do not depend on threads.
        let encoders = observers.encoders();
        // The incidents of the largest chunk so far: each chunk's buffer
        // starts that large, so its incidents are not copied again as it grows.
        let rows_seen = AtomicUsize::new(0);
        let mut start = trials.start;
        while start < trials.end && !stop::requested() && !observers.satisfied() {
            let end = (start + window * chunk).min(trials.end);
            let starts: Vec<u64> = (start..end).step_by(chunk as usize).collect();
            let parts: Vec<(Tally, Vec<Observed>, Vec<Encoded>)> = starts
                .par_iter()
                .map(|&from| {
                    let mut part = self.new_tally();
                    let mut scratch = Scratch::new(model, self.region_plays);
                    let fresh = self.costs.trial_pricer(self.config.horizon);
                    let mut rows = Vec::with_capacity(rows_seen.load(Ordering::Relaxed));
                    for trial in from..(from + chunk).min(end) {
                        self.trial(trial, &mut scratch, &mut part, fresh, &mut |t, s, i| rows.push((t, s, *i)));
                    }
                    rows_seen.fetch_max(rows.len(), Ordering::Relaxed);
                    let encoded = encoders
                        .iter()
                        .map(|e| {
                            e.as_ref().map(|e| {
                                let mut bytes = Vec::new();
                                e.encode(&rows, &mut bytes);
                                bytes
                            })
                        })
                        .collect();
                    (part, rows, encoded)
                })
                .collect();
            for (part, rows, encoded) in parts {
                observers.chunk(&rows, encoded);
                tally.merge(&part);
            }
            start = end;
            observers.progress(done_before + (start - trials.start), planned);
        }
        start
    }
}

/// An incident as buffered for observers: (trial, strategy index, incident).
type Observed = (u64, usize, Incident);

/// A chunk's incidents as one observer's encoder made them (`None`: it has none).
type Encoded = Option<Vec<u8>>;

/// Blocks per worker thread: enough for load balance when trials differ in
/// cost or a core is slowed by other work (with 8 per thread a million
/// trials ran at 171-187% CPU on 2 cores), few enough that per-block set-up
/// (a tally and its merge, well under a millisecond) is negligible.
pub const BLOCKS_PER_THREAD: u64 = 32;

/// Blocks per worker thread in each step of a run with progress reports.
const PROGRESS_BLOCKS_PER_THREAD: usize = 4;

/// Fewest trials in a block when a run is short: a block's set-up is a
/// tally and its merge, eight to twenty-four times larger in a stratified
/// run, which in blocks of a few dozen trials costs more than simulating
/// them. Each thread still gets at least one block.
pub const MIN_BLOCK_TRIALS: u64 = 256;

/// Cuts `trials` into at most `count` contiguous, non-empty blocks.
pub fn blocks(trials: Range<u64>, count: u64) -> Vec<Range<u64>> {
    let len = trials.end.saturating_sub(trials.start);
    let count = count.clamp(1, len.max(1));
    let at = |i: u64| trials.start + (u128::from(len) * u128::from(i) / u128::from(count)) as u64;
    (0..count).map(|i| at(i)..at(i + 1)).filter(|r| !r.is_empty()).collect()
}

/// The worker threads a run asking for `requested` uses: that number, or
/// the pool's default (all cores, or `RAYON_NUM_THREADS` when set).
pub fn threads_for(requested: Option<usize>) -> usize {
    requested.unwrap_or_else(rayon::current_num_threads)
}

/// Runs `work` on a pool of `threads` threads (all cores when `None`);
/// returns its result and the pool's size.
///
/// With `None` on a worker thread of a pool already (a simulation started
/// by work that is itself parallel, such as the outer loop's draws), `work`
/// runs in that pool: its parallel loops share the caller's threads instead
/// of starting a pool per call, which would put two pools' threads on the
/// same cores and a new set of threads (with their allocator arenas) behind
/// every call.
pub fn with_threads<T: Send>(
    threads: Option<usize>,
    work: impl FnOnce() -> T + Send,
) -> Result<(T, usize), EngineError> {
    if threads.is_none() && rayon::current_thread_index().is_some() {
        return Ok((work(), rayon::current_num_threads()));
    }
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        builder = builder.num_threads(n);
    }
    let pool = builder.build().map_err(|e| EngineError::Threads { threads: threads.unwrap_or(0), error: e })?;
    Ok((pool.install(work), pool.current_num_threads()))
}

impl Engine<'_> {
    /// Simulates trial `trial`: samples its world, plays it against every
    /// strategy, prices and records every incident (also handing it to
    /// `observe`), and ends the trial in `tally`. `fresh` is
    /// [`CostModel::trial_pricer`] of the horizon: the same for every trial,
    /// so its callers make it once per block, not once per trial.
    #[inline]
    fn trial(
        &self,
        trial: u64,
        scratch: &mut Scratch,
        tally: &mut Tally,
        fresh: TrialPricer<'_>,
        observe: &mut impl FnMut(u64, usize, &Incident),
    ) {
        let (model, costs, config) = (self.model, &self.costs, &self.config);
        let mut world_rng = seed::world_rng(config.seed, trial);
        let (tally, stratified) = match &self.strata {
            Some(strata) => {
                let stratum = strata.stratum_of(trial);
                strata.give(&mut scratch.world, stratum, config.horizon, &mut seed::stratum_rng(config.seed, trial));
                tally.trials += 1;
                let tally = &mut tally.strata[stratum];
                tally.marks(&mut scratch.marks);
                (tally, true)
            }
            None => (tally, false),
        };
        scratch.world.sample(model, config.horizon, &mut world_rng);
        let Scratch { world, site, sites, annual_cost, replays, marks } = scratch;
        let world = &*world;
        sites.clear();
        let streams = seed::TrialStreams::new(config.seed, trial);
        for (index, strategy) in model.strategies.iter().enumerate() {
            let mut trial_tally = tally.begin_trial(index);
            let mut pricer = fresh;
            play_strategy(
                Response::Own,
                model,
                strategy,
                &streams,
                world,
                sites,
                site,
                replays,
                &mut |incident, again| {
                    incident.cost_usd = pricer.price(incident);
                    observe(trial, index, incident);
                    trial_tally.record(incident);
                    if let Some(again) = again {
                        trial_tally.record_replays(incident, again);
                    }
                },
            );
            if !strategy.avoids_maintenance && !world.maintenance.is_empty() {
                trial_tally.maintenance(world.maintenance_downtime());
            }
            annual_cost[index] = trial_tally.finish(costs.fixed_annual_usd(index) * config.horizon.years());
        }
        if stratified {
            tally.close_stratum_trial(marks);
        }
        tally.end_trial(annual_cost);
    }
}
