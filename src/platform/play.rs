//! Trials of a platform: one world per trial, played against every
//! (service, candidate); each service's incidents go to its own engine
//! [`Tally`] and, as down intervals, to the accumulators of every
//! combination of candidates a function is evaluated under.
//!
//! A service incident is seen by functions as a full outage from the loss of
//! service for its load-weighted downtime plus its failback interruption (the
//! same laying end to end its revenue loss uses), and its data-loss window.
//! A function needing `n` services of which `at_least` must be up is down
//! while more than `n - at_least` of them are down at once: the union of
//! their down intervals for a chain, the intersection for 1 of 2. Each
//! maximal down period is one outage of the function: its downtime is the
//! period's length and its data loss the largest window of the service
//! incidents that began in it; a service incident that loses data without
//! taking the function down is an outage of no downtime with that loss.

use std::ops::Range;

use rayon::prelude::*;

use super::Platform;
use crate::cost::CostModel;
use crate::engine::{BLOCKS_PER_THREAD, EngineError, SiteCache, blocks, play_strategy, stop, with_threads};
use crate::incident::DataLoss;
use crate::model::{Duration, SimTime};
use crate::stats::{LogHistogram, Moments};
use crate::tally::Tally;
use crate::world::site::SiteScratch;
use crate::world::{World, seed};

/// One service incident as functions see it: a full outage over
/// `[from, to)` seconds since the trial start (clipped at the horizon) and
/// the data-loss window in seconds (0: none; infinite: all data).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Down {
    /// Start of the outage, seconds since the trial start.
    pub from: f64,
    /// End, seconds since the trial start.
    pub to: f64,
    /// Writes lost, seconds; infinite when all data was lost.
    pub loss: f64,
}

/// One outage of a function: when it began, its downtime and its data loss
/// (seconds; the loss infinite when all data was lost).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Outage {
    /// When the function went down (or lost data), seconds since the trial start.
    pub from: f64,
    /// How long it was down, seconds.
    pub downtime: f64,
    /// The largest data-loss window of the service incidents in it, seconds.
    pub loss: f64,
}

/// The outages of a function needing the services whose downs are `lists`,
/// `at_least` of which must be up, in order of start. `events` is scratch.
pub fn function_outages(lists: &[&[Down]], at_least: usize, events: &mut Vec<(f64, i32)>, out: &mut Vec<Outage>) {
    out.clear();
    events.clear();
    for list in lists {
        for d in list.iter().filter(|d| d.to > d.from) {
            events.push((d.from, 1));
            events.push((d.to, -1));
        }
    }
    // Ends before starts at the same instant: touching intervals do not overlap.
    events.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let threshold = (lists.len() - at_least + 1) as i32;
    let (mut count, mut start) = (0, 0.0);
    for &(t, step) in events.iter() {
        let before = count;
        count += step;
        if before < threshold && count >= threshold {
            start = t;
        } else if before >= threshold && count < threshold {
            out.push(Outage { from: start, downtime: t - start, loss: 0.0 });
        }
    }
    let periods = out.len();
    for list in lists {
        for d in list.iter().filter(|d| d.loss > 0.0) {
            let within = out[..periods].iter().position(|o| o.from <= d.from && d.from <= o.from + o.downtime);
            match within {
                Some(i) => out[i].loss = out[i].loss.max(d.loss),
                None => out.push(Outage { from: d.from, downtime: 0.0, loss: d.loss }),
            }
        }
    }
    if out.len() > periods {
        out.sort_by(|a, b| a.from.total_cmp(&b.from));
    }
}

/// A function's figures under one combination of candidates, as exact
/// mergeable totals.
#[derive(Clone, Debug, Default)]
pub struct FunctionTally {
    /// Trials recorded.
    pub trials: u64,
    /// Outages of the function.
    pub outages: u64,
    /// Outages whose downtime met the function's RTO (and lost not all data).
    pub rto_met: u64,
    /// Outages whose data loss met its RPO.
    pub rpo_met: u64,
    /// Downtime per outage, seconds.
    pub downtime_s: LogHistogram,
    /// Data loss per outage, seconds (infinite: all data).
    pub data_loss_s: LogHistogram,
    /// Downtime per trial within the horizon, seconds.
    pub trial_downtime_s: Moments,
    /// Revenue and orders lost per trial, USD.
    pub trial_cost_usd: Moments,
}

impl FunctionTally {
    /// Adds another tally of the same function and combination.
    pub fn merge(&mut self, other: &FunctionTally) {
        self.trials += other.trials;
        self.outages += other.outages;
        self.rto_met += other.rto_met;
        self.rpo_met += other.rpo_met;
        self.downtime_s.merge(&other.downtime_s);
        self.data_loss_s.merge(&other.data_loss_s);
        self.trial_downtime_s.merge(&other.trial_downtime_s);
        self.trial_cost_usd.merge(&other.trial_cost_usd);
    }
}

/// Which combinations of candidates each function is evaluated under: for
/// function `f`, `combos[f][j]` gives a candidate per service it needs (in
/// the order of `Function::services`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Combos(pub Vec<Vec<Vec<usize>>>);

impl Combos {
    /// Every combination of every function: what the optimizer needs.
    pub fn all(platform: &Platform) -> Combos {
        Combos(
            platform
                .functions
                .iter()
                .map(|f| {
                    let mut out = vec![Vec::new()];
                    for &s in &f.services {
                        let n = platform.services[s].candidates();
                        out = out
                            .into_iter()
                            .flat_map(|c: Vec<usize>| (0..n).map(move |i| [c.clone(), vec![i]].concat()))
                            .collect();
                    }
                    out
                })
                .collect(),
        )
    }

    /// The combinations the given plans use (each once, in order of first use).
    pub fn of_plans(platform: &Platform, plans: &[Vec<usize>]) -> Combos {
        Combos(
            platform
                .functions
                .iter()
                .map(|f| {
                    let mut out: Vec<Vec<usize>> = Vec::new();
                    for plan in plans {
                        let c: Vec<usize> = f.services.iter().map(|&s| plan[s]).collect();
                        if !out.contains(&c) {
                            out.push(c);
                        }
                    }
                    out
                })
                .collect(),
        )
    }

    /// Where function `f`'s combination for `plan` is, if evaluated.
    pub fn index(&self, platform: &Platform, f: usize, plan: &[usize]) -> Option<usize> {
        let c: Vec<usize> = platform.functions[f].services.iter().map(|&s| plan[s]).collect();
        self.0[f].iter().position(|x| *x == c)
    }
}

/// Everything a platform run accumulates: each service's engine tally (its
/// candidates as strategies) and each evaluated function combination's tally.
#[derive(Clone, Debug)]
pub struct PlatformTally {
    /// Per service.
    pub services: Vec<Tally>,
    /// Per function, per evaluated combination (as [`Combos`]).
    pub functions: Vec<Vec<FunctionTally>>,
}

impl PlatformTally {
    /// An empty tally.
    pub fn new(platform: &Platform, combos: &Combos, horizon: Duration) -> PlatformTally {
        PlatformTally {
            services: platform.services.iter().map(|s| Tally::new(&s.model, horizon)).collect(),
            functions: combos.0.iter().map(|c| vec![FunctionTally::default(); c.len()]).collect(),
        }
    }

    /// Adds another tally of the same platform, combinations and settings.
    pub fn merge(&mut self, other: &PlatformTally) {
        for (a, b) in self.services.iter_mut().zip(&other.services) {
            a.merge(b);
        }
        for (fa, fb) in self.functions.iter_mut().zip(&other.functions) {
            for (a, b) in fa.iter_mut().zip(fb) {
                a.merge(b);
            }
        }
    }

    /// Trials recorded.
    pub fn trials(&self) -> u64 {
        self.services[0].trials
    }
}

/// Buffers reused from trial to trial on one thread.
struct Scratch {
    world: World,
    sites: SiteCache,
    site: SiteScratch,
    /// Per service, per candidate: this trial's downs.
    downs: Vec<Vec<Vec<Down>>>,
    annual: Vec<Vec<f64>>,
    events: Vec<(f64, i32)>,
    outages: Vec<Outage>,
}

/// Plays trials of a platform.
#[derive(Debug)]
pub struct Player<'p> {
    platform: &'p Platform,
    combos: &'p Combos,
    seed: u64,
    horizon: Duration,
    costs: Vec<CostModel>,
    /// The shared load profile, to price functions' lost revenue and orders.
    load: CostModel,
}

impl<'p> Player<'p> {
    /// A player of `platform` evaluating `combos`, with the engine's seed and horizon.
    pub fn new(platform: &'p Platform, combos: &'p Combos, seed: u64, horizon: Duration) -> Player<'p> {
        Player {
            platform,
            combos,
            seed,
            horizon,
            costs: platform.services.iter().map(|s| CostModel::new(&s.model)).collect(),
            load: CostModel::new(platform.world_model()),
        }
    }

    fn scratch(&self) -> Scratch {
        let p = self.platform;
        Scratch {
            world: World::new(p.world_model()),
            sites: SiteCache::default(),
            site: SiteScratch::default(),
            downs: p.services.iter().map(|s| vec![Vec::new(); s.candidates()]).collect(),
            annual: p.services.iter().map(|s| vec![0.0; s.candidates()]).collect(),
            events: Vec::new(),
            outages: Vec::new(),
        }
    }

    /// Simulates `trials` on `threads` worker threads (all cores: `None`)
    /// into a new tally; returns it and the threads used.
    ///
    /// # Errors
    /// [`EngineError::Threads`] when the pool cannot start;
    /// [`EngineError::Interrupted`] after Ctrl-C.
    pub fn run(&self, trials: Range<u64>, threads: Option<usize>) -> Result<(PlatformTally, usize), EngineError> {
        let empty = || PlatformTally::new(self.platform, self.combos, self.horizon);
        let (tally, used) = with_threads(threads, || {
            blocks(trials, rayon::current_num_threads() as u64 * BLOCKS_PER_THREAD)
                .into_par_iter()
                .map(|block| {
                    let mut tally = empty();
                    let mut scratch = self.scratch();
                    for trial in block {
                        if stop::requested() {
                            break;
                        }
                        self.trial(trial, &mut scratch, &mut tally);
                    }
                    tally
                })
                .reduce(empty, |mut a, b| {
                    a.merge(&b);
                    a
                })
        })?;
        if stop::requested() {
            return Err(EngineError::Interrupted);
        }
        Ok((tally, used))
    }

    /// One trial: the world, every (service, candidate), every evaluated
    /// function combination.
    fn trial(&self, trial: u64, scratch: &mut Scratch, tally: &mut PlatformTally) {
        let (p, seed, horizon) = (self.platform, self.seed, self.horizon);
        let mut world_rng = seed::world_rng(seed, trial);
        scratch.world.sample(p.world_model(), horizon, &mut world_rng);
        let Scratch { world, sites, site, downs, annual, events, outages } = scratch;
        sites.clear();
        let end = horizon.secs();
        for (s, service) in p.services.iter().enumerate() {
            let costs = &self.costs[s];
            let service_tally = &mut tally.services[s];
            for (c, strategy) in service.model.strategies.iter().enumerate() {
                let list = &mut downs[s][c];
                list.clear();
                let mut trial_tally = service_tally.begin_trial(c);
                let mut pricer = costs.trial_pricer(horizon);
                play_strategy(&service.model, strategy, seed, trial, world, sites, site, &mut |incident| {
                    if service.stateless {
                        incident.data_loss = DataLoss::None;
                    }
                    incident.cost_usd = pricer.price(incident);
                    trial_tally.record(incident);
                    let from = (incident.start + incident.detection_delay).secs().min(end);
                    let to = (from + (incident.downtime + incident.failback_downtime).secs()).min(end);
                    let loss = incident.data_loss.secs();
                    if to > from || loss > 0.0 {
                        list.push(Down { from, to, loss });
                    }
                });
                annual[s][c] = trial_tally.finish(costs.fixed_annual_usd(c) * horizon.years());
            }
            service_tally.end_trial(&annual[s]);
        }
        let mut lists: Vec<&[Down]> = Vec::new();
        for (f, function) in p.functions.iter().enumerate() {
            for (combo, ft) in self.combos.0[f].iter().zip(tally.functions[f].iter_mut()) {
                lists.clear();
                lists.extend(function.services.iter().zip(combo).map(|(&s, &c)| downs[s][c].as_slice()));
                function_outages(&lists, function.at_least, events, outages);
                let (mut down, mut cost) = (0.0, 0.0);
                for o in outages.iter() {
                    let rto_met = o.loss.is_finite() && o.downtime <= function.rto.secs();
                    let rpo_met = o.loss <= function.rpo.secs();
                    ft.outages += 1;
                    ft.rto_met += u64::from(rto_met);
                    ft.rpo_met += u64::from(rpo_met);
                    ft.downtime_s.record(o.downtime);
                    ft.data_loss_s.record(o.loss);
                    down += o.downtime;
                    cost += self.outage_cost(function.revenue_share, function.order_share, o);
                }
                ft.trials += 1;
                ft.trial_downtime_s.push(down.min(end));
                ft.trial_cost_usd.push(cost);
            }
        }
    }

    /// Revenue lost while a function is down and orders lost in its
    /// data-loss window (clipped at the trial start), by the load profile.
    fn outage_cost(&self, revenue_share: f64, order_share: f64, o: &Outage) -> f64 {
        let p = self.platform;
        let at = SimTime::from_secs(o.from);
        let revenue = revenue_share * p.revenue_per_hour * self.load.load_hours(at, Duration::from_secs(o.downtime));
        let orders = if o.loss.is_finite() && o.loss > 0.0 {
            let from = (o.from - o.loss).max(0.0);
            order_share
                * p.orders_per_hour
                * p.average_order_value
                * self.load.load_hours(SimTime::from_secs(from), Duration::from_secs(o.from - from))
        } else {
            0.0
        };
        revenue + orders
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(from: f64, to: f64, loss: f64) -> Down {
        Down { from, to, loss }
    }

    #[test]
    fn a_chain_is_down_over_the_union_and_a_pair_over_the_intersection() {
        let a = [d(0.0, 10.0, 0.0), d(50.0, 60.0, 5.0)];
        let b = [d(5.0, 20.0, 0.0), d(100.0, 100.0, 7.0)];
        let (mut ev, mut out) = (Vec::new(), Vec::new());
        function_outages(&[&a, &b], 2, &mut ev, &mut out);
        let got: Vec<(f64, f64, f64)> = out.iter().map(|o| (o.from, o.downtime, o.loss)).collect();
        assert_eq!(got, vec![(0.0, 20.0, 0.0), (50.0, 10.0, 5.0), (100.0, 0.0, 7.0)]);
        function_outages(&[&a, &b], 1, &mut ev, &mut out);
        let got: Vec<(f64, f64, f64)> = out.iter().map(|o| (o.from, o.downtime, o.loss)).collect();
        assert_eq!(got, vec![(5.0, 5.0, 0.0), (50.0, 0.0, 5.0), (100.0, 0.0, 7.0)]);
    }
}
