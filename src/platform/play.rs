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

use super::plan_cost::PlanCosts;
use super::{MAX_SERVICES, Platform};
use crate::cost::CostModel;
use crate::engine::{
    BLOCKS_PER_THREAD, EngineError, Replays, Response, SiteCache, blocks, play_strategy, stop, with_threads,
};
use crate::incident::DataLoss;
use crate::model::{Duration, SimTime};
use crate::stats::{LogHistogram, Moments, Sum};
use crate::tally::Tally;
use crate::world::site::SiteScratch;
use crate::world::{World, seed};

/// One service incident as functions see it: a full outage over
/// `[from, to)` seconds since the trial start (clipped at the horizon) and
/// the data-loss window in seconds (0: none; infinite: all data).
#[derive(Clone, Copy, Debug)]
pub struct Down {
    /// Start of the outage, seconds since the trial start.
    pub from: f64,
    /// End, seconds since the trial start.
    pub to: f64,
    /// Writes lost, seconds; infinite when all data was lost.
    pub loss: f64,
    /// The load-weighted hours of the data-loss window, as an outage of a
    /// function starting with this incident prices it (see
    /// [`Player::loss_priced`]); NaN when not priced.
    pub loss_hours: f64,
}

impl Down {
    /// An incident as functions see it, its loss window not priced.
    pub fn new(from: f64, to: f64, loss: f64) -> Down {
        Down { from, to, loss, loss_hours: f64::NAN }
    }

    /// [`Self::loss_hours`] when priced.
    fn window_hours(&self) -> Option<f64> {
        (!self.loss_hours.is_nan()).then_some(self.loss_hours)
    }
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
    /// The load-weighted hours of its downtime
    /// ([`CostModel::load_hours`] from `from` for `downtime`) when already
    /// known: a period of one service priced once per trial and reused by
    /// every combination it stands alone in. `None`: priced when recorded.
    pub hours: Option<f64>,
    /// The load-weighted hours of its data-loss window (the `loss` seconds
    /// before `from`) when already known: priced once per service incident
    /// and reused by every combination whose outage starts with that
    /// incident. `None`: priced when recorded.
    pub loss_hours: Option<f64>,
}

impl Outage {
    /// Takes the data-loss window of the incident `d`, which began in this
    /// outage, if it is larger than its own (the largest wins), with its
    /// price when `d` began the outage: the window then ends where the
    /// outage's does, and is the same window.
    fn take_loss(&mut self, d: &Down) {
        let starts_it = d.from == self.from;
        if d.loss > self.loss {
            self.loss = d.loss;
            self.loss_hours = if starts_it { d.window_hours() } else { None };
        } else if d.loss == self.loss && self.loss_hours.is_none() && starts_it {
            self.loss_hours = d.window_hours();
        }
    }
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
            out.push(Outage { from: start, downtime: t - start, loss: 0.0, hours: None, loss_hours: None });
        }
    }
    assign_losses(lists, out);
}

/// The second half of [`function_outages`]: `out` holds the down periods in
/// order; each data-loss window of `lists` goes to the first period its
/// incident began in (largest window wins), or becomes an outage of its own
/// with no downtime; the outages end in order of start.
fn assign_losses(lists: &[&[Down]], out: &mut Vec<Outage>) {
    let periods = out.len();
    for list in lists {
        for d in list.iter().filter(|d| d.loss > 0.0) {
            let within = out[..periods].iter().position(|o| o.from <= d.from && d.from <= o.from + o.downtime);
            match within {
                Some(i) => out[i].take_loss(d),
                None => out.push(Outage {
                    from: d.from,
                    downtime: 0.0,
                    loss: d.loss,
                    hours: None,
                    loss_hours: d.window_hours(),
                }),
            }
        }
    }
    if out.len() > periods {
        out.sort_by(|a, b| a.from.total_cmp(&b.from));
    }
}

/// The outages of a function needing every service, from the union of its
/// services' down periods (in order, as [`union_periods`] joins them) and
/// their data-loss windows `lists`: what [`function_outages`] finds from
/// all the downs at once, bit for bit.
fn outages_of(periods: &[Period], lists: &[&[Down]], out: &mut Vec<Outage>) {
    out.clear();
    out.extend(periods.iter().map(Period::outage));
    assign_losses(lists, out);
}

/// A down period `[from, to)`, seconds since the trial start, with the
/// load-weighted hours of its length when known (NaN: not known, as for a
/// period joined from several).
#[derive(Clone, Copy, Debug)]
pub struct Period {
    /// Start, seconds since the trial start.
    pub from: f64,
    /// End, seconds since the trial start.
    pub to: f64,
    hours: f64,
}

impl Period {
    /// The period `[from, to)`, its load-weighted hours not known.
    pub fn new(from: f64, to: f64) -> Period {
        Period { from, to, hours: f64::NAN }
    }

    /// The period as an outage of no data loss.
    fn outage(&self) -> Outage {
        let hours = if self.hours.is_nan() { None } else { Some(self.hours) };
        Outage { from: self.from, downtime: self.to - self.from, loss: 0.0, hours, loss_hours: None }
    }
}

/// Lists of a batch's trials, one after another in one buffer: trial `b`'s
/// list is `items[ends[b - 1]..ends[b]]` (from 0 for the first). Walking
/// one (service, candidate) or one depth of a chain over every trial of the
/// batch then reads memory in order, which the processor prefetches, instead
/// of chasing a separate small vector per trial.
#[derive(Clone, Debug)]
struct Runs<T> {
    items: Vec<T>,
    ends: Vec<usize>,
}

impl<T> Default for Runs<T> {
    fn default() -> Self {
        Runs { items: Vec::new(), ends: Vec::new() }
    }
}

impl<T> Runs<T> {
    fn clear(&mut self) {
        self.items.clear();
        self.ends.clear();
    }

    /// Ends the list of the next trial with what `items` holds now.
    fn close(&mut self) {
        self.ends.push(self.items.len());
    }

    /// Trial `b`'s list.
    fn trial(&self, b: usize) -> &[T] {
        let from = if b == 0 { 0 } else { self.ends[b - 1] };
        &self.items[from..self.ends[b]]
    }
}

/// The down periods of one service's downs: the downs of positive length,
/// overlapping ones joined (touching ones kept apart, as in
/// [`function_outages`]), in order of start.
pub fn periods_of(list: &[Down], out: &mut Vec<Period>) {
    out.clear();
    out.extend(list.iter().filter(|d| d.to > d.from).map(|d| Period::new(d.from, d.to)));
    out.sort_unstable_by(|a, b| a.from.total_cmp(&b.from));
    // A period that starts before the last kept one ends joins it.
    out.dedup_by(|next, last| {
        let joins = next.from < last.to;
        if joins {
            last.to = last.to.max(next.to);
        }
        joins
    });
}

/// The union of two lists of periods as [`periods_of`] makes them: the
/// periods of a chain needing both services. A period is an open interval's
/// connected span (two periods that only touch stay apart), so joining
/// lists pairwise gives the periods [`function_outages`] finds from all the
/// downs at once, with the same start (the smallest) and end (the largest).
fn union_periods(a: &[Period], b: &[Period], out: &mut Vec<Period>) {
    out.clear();
    append_union(a, b, out);
}

/// [`union_periods`] appended to `out` after what it holds (which it does
/// not touch): a batch's unions written one trial after another into one
/// buffer (see [`Runs`]).
fn append_union(a: &[Period], b: &[Period], out: &mut Vec<Period>) {
    let start = out.len();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let next = if j == b.len() || (i < a.len() && a[i].from <= b[j].from) {
            i += 1;
            a[i - 1]
        } else {
            j += 1;
            b[j - 1]
        };
        match out[start..].last_mut() {
            Some(last) if next.from < last.to => {
                // A period within the last one leaves it (and its hours) as it is.
                if next.to > last.to {
                    last.to = next.to;
                    last.hours = f64::NAN;
                }
            }
            _ => out.push(next),
        }
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
    /// Functions needing fewer than all their services (`at_least`): per
    /// service (in the order of `Function::services`), the time per trial
    /// it is down while the function is down, seconds (see [`overlap`]);
    /// over `trial_downtime_s`, its Fussell-Vesely importance. None for a
    /// chain, which is down whenever one of its services is: there it is
    /// the service's own down time ([`PlatformTally::service_down_s`]).
    pub down_with_s: Vec<Sum>,
}

impl FunctionTally {
    /// An empty tally, with `services` sums of [`Self::down_with_s`]
    /// (0 for a chain).
    pub fn new(services: usize) -> FunctionTally {
        FunctionTally { down_with_s: vec![Sum::default(); services], ..FunctionTally::default() }
    }
}

/// How long the down periods `service` (as [`periods_of`] makes them) and
/// the function's outages (in order of start) overlap, seconds: the time
/// the service is down while the function is down. For a chain it is the
/// service's whole down time; for 1 of 2 the function's.
pub fn overlap(service: &[Period], outages: &[Outage]) -> f64 {
    let (mut i, mut total) = (0, 0.0);
    for o in outages.iter().filter(|o| o.downtime > 0.0) {
        let (from, to) = (o.from, o.from + o.downtime);
        while i < service.len() && service[i].to <= from {
            i += 1;
        }
        let mut j = i;
        while j < service.len() && service[j].from < to {
            total += service[j].to.min(to) - service[j].from.max(from);
            j += 1;
        }
    }
    total
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
        for (a, b) in self.down_with_s.iter_mut().zip(&other.down_with_s) {
            a.merge(b);
        }
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
    /// Per service, per candidate: its down time per trial as functions see
    /// it (the length of the union of its down intervals), seconds.
    pub service_down_s: Vec<Vec<Sum>>,
    /// Per function, per evaluated combination (as [`Combos`]).
    pub functions: Vec<Vec<FunctionTally>>,
    /// The plans the player follows whole (see [`Player::following`]).
    pub plans: PlanCosts,
}

impl PlatformTally {
    /// An empty tally, following `plans` plans whole.
    pub fn new(platform: &Platform, combos: &Combos, horizon: Duration, plans: usize) -> PlatformTally {
        PlatformTally {
            services: platform.services.iter().map(|s| Tally::new(&s.model, horizon)).collect(),
            service_down_s: platform.services.iter().map(|s| vec![Sum::default(); s.candidates()]).collect(),
            functions: combos
                .0
                .iter()
                .zip(&platform.functions)
                .map(|(c, f)| {
                    let partial = if f.at_least < f.services.len() { f.services.len() } else { 0 };
                    vec![FunctionTally::new(partial); c.len()]
                })
                .collect(),
            plans: PlanCosts::new(plans),
        }
    }

    /// Adds another tally of the same platform, combinations and settings.
    pub fn merge(&mut self, other: &PlatformTally) {
        for (a, b) in self.services.iter_mut().zip(&other.services) {
            a.merge(b);
        }
        for (a, b) in self.service_down_s.iter_mut().flatten().zip(other.service_down_s.iter().flatten()) {
            a.merge(b);
        }
        for (fa, fb) in self.functions.iter_mut().zip(&other.functions) {
            for (a, b) in fa.iter_mut().zip(fb) {
                a.merge(b);
            }
        }
        self.plans.merge(&other.plans);
    }

    /// Trials recorded.
    pub fn trials(&self) -> u64 {
        self.services[0].trials
    }
}

/// The functions that need every service they list and are evaluated under
/// every combination, in the order [`Combos::all`] gives them.
fn chains_of(platform: &Platform, combos: &Combos) -> Vec<usize> {
    (0..platform.functions.len())
        .filter(|&f| {
            let function = &platform.functions[f];
            let sizes: Vec<usize> = function.services.iter().map(|&s| platform.services[s].candidates()).collect();
            let mut next = vec![0; sizes.len()];
            let product = sizes.iter().product::<usize>();
            function.at_least == function.services.len()
                && combos.0[f].len() == product
                && combos.0[f].iter().all(|combo| {
                    let same = *combo == next;
                    for i in (0..next.len()).rev() {
                        next[i] += 1;
                        if next[i] < sizes[i] {
                            break;
                        }
                        next[i] = 0;
                    }
                    same
                })
        })
        .collect()
}

/// Buffers reused from trial to trial on one thread.
struct Scratch {
    world: World,
    sites: SiteCache,
    site: SiteScratch,
    /// Per trial of the batch, per service, per candidate: the trial's downs.
    downs: Vec<Vec<Vec<Vec<Down>>>>,
    annual: Vec<Vec<f64>>,
    events: Vec<(f64, i32)>,
    outages: Vec<Outage>,
    /// Per service, per candidate, per trial of the batch: the trial's down
    /// periods (services of functions needing all theirs only).
    periods: Vec<Vec<Runs<Period>>>,
    /// Per service, per candidate, per trial of the batch: the downs that
    /// lose data (as `periods`), so that a combination's data-loss
    /// windows are found without walking the downs that lose none.
    lossy: Vec<Vec<Runs<Down>>>,
    /// Per depth of a chain function, per trial of the batch: the union of
    /// its first services' periods.
    levels: Vec<Runs<Period>>,
    /// The periods of the combination being recorded, one trial.
    last: Vec<Period>,
    /// The combination being recorded, per service of the function.
    choice: Vec<usize>,
    /// One service's down periods, and the time each service of a function
    /// is down while the function is.
    own: Vec<Period>,
    down_with: [f64; MAX_SERVICES],
    /// Per trial of the batch, per service, per candidate: its cost over
    /// the horizon, USD (when plans are followed).
    service_cost: Vec<Vec<Vec<f64>>>,
    /// Per function, per evaluated combination, per trial of the batch: the
    /// function's lost revenue and orders, USD (when plans are followed).
    function_cost: Vec<Vec<Vec<f64>>>,
    /// The followed plans' totals of one trial.
    totals: Vec<f64>,
    /// The figures of the combination being recorded, over the batch.
    gathered: Gathered,
}

/// One combination's figures over a batch of trials, gathered trial by
/// trial and then added to its [`FunctionTally`] at once
/// ([`LogHistogram::record_all`], [`Moments::push_all`]): the histograms'
/// table and the sums are then fetched once per batch, not once per value
/// (recording value by value was a fifth of the search's instructions).
/// Every accumulator is an exact sum, so the figures are the same bits.
#[derive(Debug, Default)]
struct Gathered {
    /// Outages.
    outages: u64,
    /// Downtime of each outage, seconds (empty without quantiles: see
    /// [`Player::without_quantiles`]).
    downtime: Vec<f64>,
    /// Data loss of each outage, seconds (infinite: all data); empty
    /// without quantiles.
    loss: Vec<f64>,
    /// Downtime of each trial within the horizon, seconds.
    trial_downtime: Vec<f64>,
    /// Outages meeting the function's RTO, and its RPO.
    rto_met: u64,
    rpo_met: u64,
}

impl Gathered {
    /// Adds what was gathered, and the trials' lost revenue and orders
    /// `costs` (USD, one per trial gathered), to `ft`; empties itself.
    fn flush(&mut self, ft: &mut FunctionTally, costs: &[f64]) {
        debug_assert_eq!(costs.len(), self.trial_downtime.len());
        ft.trials += self.trial_downtime.len() as u64;
        ft.outages += self.outages;
        ft.rto_met += self.rto_met;
        ft.rpo_met += self.rpo_met;
        ft.downtime_s.record_all(&self.downtime);
        ft.data_loss_s.record_all(&self.loss);
        ft.trial_downtime_s.push_all(self.trial_downtime.iter().copied());
        ft.trial_cost_usd.push_all(costs.iter().copied());
        self.downtime.clear();
        self.loss.clear();
        self.trial_downtime.clear();
        self.outages = 0;
        self.rto_met = 0;
        self.rpo_met = 0;
    }
}

/// The buffers [`Player::chain`] reads and writes (see [`Scratch`]).
struct Chain<'a> {
    periods: &'a [Vec<Runs<Period>>],
    lossy: &'a [Vec<Runs<Down>>],
    levels: &'a mut [Runs<Period>],
    last: &'a mut Vec<Period>,
    choice: &'a mut [usize],
    outages: &'a mut Vec<Outage>,
    gathered: &'a mut Gathered,
}

/// Trials played before their functions are recorded: a combination's
/// accumulators are then used for this many trials in a row. A
/// combination's two histograms span about a thousand buckets each (20 KB):
/// over 64 trials most of its few hundred values landed in a cache line not
/// touched since the previous batch, fetched from the shared cache (a
/// quarter of the search's time); over 512 trials the lines are reused.
/// The batch's lists take a few hundred kilobytes per thread, whatever the
/// trial count.
const BATCH: usize = 512;

/// Fewest trials in a block of [`Player::run`] (unless there are fewer
/// blocks than threads): every block starts an empty [`PlatformTally`] (a
/// function tally per combination, hundreds) and merges it at the end, a
/// fixed cost worth spreading over several batches. The engine's
/// `BLOCKS_PER_THREAD` blocks of a few trials each made that cost most of a
/// short search's time (a sensitivity analysis runs hundreds of them).
const MIN_BLOCK_TRIALS: u64 = 4 * BATCH as u64;

/// The blocks `trials` are split into on `threads` threads: as many as the
/// engine's, but of at least [`MIN_BLOCK_TRIALS`] trials, and one per thread
/// at least. The tallies are exact sums, so the split changes no figure.
fn platform_blocks(trials: Range<u64>, threads: u64) -> Vec<Range<u64>> {
    let len = trials.end.saturating_sub(trials.start);
    let count = (threads * BLOCKS_PER_THREAD).min(len / MIN_BLOCK_TRIALS).max(threads);
    blocks(trials, count)
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
    /// The functions evaluated by [`Player::chain`]: every service needed,
    /// every combination, in the order of [`Combos::all`].
    chains_of: Vec<usize>,
    /// Per service: whether a function needing every service it lists
    /// needs it (its periods and data-loss windows are then kept per trial).
    in_series: Vec<bool>,
    /// The plans followed whole: per plan, its candidate per service and,
    /// per function, where its combination is in `combos`.
    following: Vec<(Vec<usize>, Vec<usize>)>,
    /// Whether functions' downtime and data-loss histograms are recorded
    /// (see [`Player::without_quantiles`]).
    quantiles: bool,
    /// The services' tallies of these trials when already recorded (see
    /// [`Player::reusing_services`]); `None`: recorded by this player.
    services: Option<Vec<Tally>>,
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
            chains_of: chains_of(platform, combos),
            in_series: (0..platform.services.len())
                .map(|s| platform.functions.iter().any(|f| f.at_least == f.services.len() && f.services.contains(&s)))
                .collect(),
            following: Vec::new(),
            quantiles: true,
            services: None,
        }
    }

    /// Records no service tallies but returns these: the services' tallies
    /// of another run of the same platform on the same seed, horizon and
    /// trials (the search, for the run of the plans it reports), which are
    /// the same to the bit, since every (service, candidate) is played on
    /// the same streams. Each incident is still priced, for the plans'
    /// costs. Recording them again was a tenth of that run's time.
    ///
    /// # Panics
    /// [`Player::run`] panics if the tallies are not of as many trials as it runs.
    pub fn reusing_services(mut self, services: Vec<Tally>) -> Player<'p> {
        self.services = Some(services);
        self
    }

    /// Records no function histograms: every [`FunctionTally::downtime_s`]
    /// and [`FunctionTally::data_loss_s`] stays empty (so their quantiles
    /// are `None`); every count, sum and mean is recorded as before, to the
    /// bit. For the search, which judges plans on counts and means and runs
    /// the plans it reports again in full: recording the histograms of
    /// every combination was a sixth of its instructions.
    pub fn without_quantiles(mut self) -> Player<'p> {
        self.quantiles = false;
        self
    }

    /// Also follows these plans whole (a candidate per service each), into
    /// [`PlatformTally::plans`] in this order: each trial's total cost of
    /// each plan and of each pair's difference.
    ///
    /// # Panics
    /// If a plan's combination of some function is not among the player's
    /// combinations (make them with [`Combos::of_plans`] of these plans, or
    /// [`Combos::all`]).
    pub fn following(mut self, plans: &[Vec<usize>]) -> Player<'p> {
        let p = self.platform;
        self.following = plans
            .iter()
            .map(|plan| {
                let at = (0..p.functions.len())
                    .map(|f| self.combos.index(p, f, plan).expect("a followed plan's combinations are evaluated"))
                    .collect();
                (plan.clone(), at)
            })
            .collect();
        self
    }

    fn scratch(&self) -> Scratch {
        let p = self.platform;
        Scratch {
            world: World::new(p.world_model()),
            sites: SiteCache::default(),
            site: SiteScratch::default(),
            downs: vec![p.services.iter().map(|s| vec![Vec::new(); s.candidates()]).collect(); BATCH],
            annual: p.services.iter().map(|s| vec![0.0; s.candidates()]).collect(),
            events: Vec::new(),
            outages: Vec::new(),
            periods: p.services.iter().map(|s| vec![Runs::default(); s.candidates()]).collect(),
            lossy: p.services.iter().map(|s| vec![Runs::default(); s.candidates()]).collect(),
            levels: vec![Runs::default(); MAX_SERVICES],
            last: Vec::new(),
            choice: vec![0; MAX_SERVICES],
            own: Vec::new(),
            down_with: [0.0; MAX_SERVICES],
            service_cost: vec![p.services.iter().map(|s| vec![0.0; s.candidates()]).collect(); BATCH],
            function_cost: self.combos.0.iter().map(|c| vec![vec![0.0; BATCH]; c.len()]).collect(),
            totals: vec![0.0; self.following.len()],
            gathered: Gathered::default(),
        }
    }

    /// Simulates `trials` on `threads` worker threads (all cores: `None`)
    /// into a new tally; returns it and the threads used.
    ///
    /// # Errors
    /// [`EngineError::Threads`] when the pool cannot start;
    /// [`EngineError::Interrupted`] after Ctrl-C.
    pub fn run(&self, trials: Range<u64>, threads: Option<usize>) -> Result<(PlatformTally, usize), EngineError> {
        let empty = || PlatformTally::new(self.platform, self.combos, self.horizon, self.following.len());
        let run = trials.end.saturating_sub(trials.start);
        let (tally, used) = with_threads(threads, || {
            platform_blocks(trials, rayon::current_num_threads() as u64)
                .into_par_iter()
                .map(|block| {
                    let mut tally = empty();
                    let mut scratch = self.scratch();
                    let mut next = block.start;
                    while next < block.end && !stop::requested() {
                        let batch = next..(next + BATCH as u64).min(block.end);
                        for (b, trial) in batch.clone().enumerate() {
                            self.trial(trial, b, &mut scratch, &mut tally);
                        }
                        let n = (batch.end - batch.start) as usize;
                        self.functions(n, &mut scratch, &mut tally);
                        self.plans(n, &mut scratch, &mut tally.plans);
                        next = batch.end;
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
        let mut tally = tally;
        if let Some(services) = &self.services {
            let reused = services.first().map_or(0, |s| s.trials);
            assert_eq!(reused, run, "reused service tallies are of as many trials as run");
            tally.services.clone_from(services);
        }
        Ok((tally, used))
    }

    /// One trial: the world and every (service, candidate), into the
    /// services' tallies and the batch's `b`-th downs and periods.
    fn trial(&self, trial: u64, b: usize, scratch: &mut Scratch, tally: &mut PlatformTally) {
        let (p, seed, horizon) = (self.platform, self.seed, self.horizon);
        let mut world_rng = seed::world_rng(seed, trial);
        scratch.world.sample(p.world_model(), horizon, &mut world_rng);
        let Scratch { world, sites, site, downs, annual, periods, lossy, own, service_cost, .. } = scratch;
        let downs = &mut downs[b];
        let scratch_costs = &mut service_cost[b];
        if b == 0 {
            periods.iter_mut().flatten().for_each(Runs::clear);
            lossy.iter_mut().flatten().for_each(Runs::clear);
        }
        sites.clear();
        let end = horizon.secs();
        // Services of a platform share the response to an incident; a model
        // without services keeps its strategies' own (the engine's figures).
        let response = if p.explicit { Response::Shared } else { Response::Own };
        let streams = seed::TrialStreams::new(seed, trial);
        for (s, service) in p.services.iter().enumerate() {
            let costs = &self.costs[s];
            let service_tally = &mut tally.services[s];
            let fresh = costs.trial_pricer(horizon);
            let record = self.services.is_none();
            for (c, strategy) in service.model.strategies.iter().enumerate() {
                let list = &mut downs[s][c];
                list.clear();
                let mut trial_tally = record.then(|| service_tally.begin_trial(c));
                // The trial's incident costs when not recorded, added as `TrialTally` adds them.
                let mut incidents_usd = 0.0;
                let mut pricer = fresh;
                play_strategy(
                    response,
                    &service.model,
                    strategy,
                    &streams,
                    world,
                    sites,
                    site,
                    &Replays::off(),
                    &mut |incident, _| {
                        if service.stateless {
                            incident.data_loss = DataLoss::None;
                        }
                        incident.cost_usd = pricer.price(incident);
                        match trial_tally.as_mut() {
                            Some(t) => t.record(incident),
                            None => incidents_usd += incident.cost_usd,
                        }
                        let from = (incident.start + incident.detection_delay).secs().min(end);
                        let to = (from + (incident.downtime + incident.failback_downtime).secs()).min(end);
                        let loss = incident.data_loss.secs();
                        if to > from || loss > 0.0 {
                            list.push(Down::new(from, to, loss));
                        }
                    },
                );
                let fixed = costs.fixed_annual_usd(c) * horizon.years();
                annual[s][c] = match trial_tally {
                    Some(t) => t.finish(fixed),
                    None => fixed + incidents_usd,
                };
            }
            if !self.following.is_empty() {
                scratch_costs[s].copy_from_slice(&annual[s]);
            }
            if record {
                service_tally.end_trial(&annual[s]);
            }
        }
        for s in 0..p.services.len() {
            let chained = self.in_series[s];
            for (c, (list, sum)) in downs[s].iter().zip(tally.service_down_s[s].iter_mut()).enumerate() {
                periods_of(list, own);
                sum.push(own.iter().map(|p| p.to - p.from).sum());
                if chained {
                    // Priced once here, not once per combination it stands alone in.
                    let runs = &mut periods[s][c];
                    runs.items.extend(own.iter().map(|period| self.priced(*period)));
                    runs.close();
                    // Priced once here, not once per combination whose outage it starts.
                    lossy[s][c].items.extend(list.iter().filter(|d| d.loss > 0.0).map(|d| self.loss_priced(*d)));
                    lossy[s][c].close();
                }
            }
        }
    }

    /// Every evaluated function combination over the first `n` trials of
    /// the batch, one combination at a time: a combination's accumulators
    /// (histograms of a few kilobytes each, hundreds of combinations) stay
    /// in cache over the batch instead of being fetched once per trial.
    /// Accumulators are exact sums, so the order does not change a bit.
    fn functions(&self, n: usize, scratch: &mut Scratch, tally: &mut PlatformTally) {
        let Scratch {
            downs,
            events,
            outages,
            periods,
            lossy,
            levels,
            last,
            choice,
            own,
            down_with,
            function_cost,
            gathered,
            ..
        } = scratch;
        let mut lists: [&[Down]; MAX_SERVICES] = [&[]; MAX_SERVICES];
        for (f, function) in self.platform.functions.iter().enumerate() {
            let tallies = &mut tally.functions[f];
            let needs = &function.services;
            if self.chains_of.contains(&f) {
                let buffers = Chain { periods, lossy, levels, last, choice, outages, gathered };
                self.chain(function, n, buffers, tallies, &mut function_cost[f]);
                continue;
            }
            let series = function.at_least == needs.len();
            for ((combo, ft), costs) in self.combos.0[f].iter().zip(tallies.iter_mut()).zip(&mut function_cost[f]) {
                for (b, (downs, cost)) in downs[..n].iter().zip(costs.iter_mut()).enumerate() {
                    if series {
                        // The chain's way without its shared prefixes: the services'
                        // periods joined pairwise, then their data-loss windows; the
                        // outages of `function_outages`, bit for bit.
                        own.clear();
                        own.extend_from_slice(periods[needs[0]][combo[0]].trial(b));
                        for (&s, &c) in needs.iter().zip(combo).skip(1) {
                            union_periods(own, periods[s][c].trial(b), last);
                            std::mem::swap(own, last);
                        }
                        for (i, (&s, &c)) in needs.iter().zip(combo).enumerate() {
                            lists[i] = lossy[s][c].trial(b);
                        }
                        outages_of(own, &lists[..needs.len()], outages);
                        *cost = self.gather(function, outages, gathered);
                        continue;
                    }
                    for (i, (&s, &c)) in needs.iter().zip(combo).enumerate() {
                        lists[i] = &downs[s][c];
                    }
                    function_outages(&lists[..needs.len()], function.at_least, events, outages);
                    let k = if function.at_least < needs.len() { needs.len() } else { 0 };
                    for (i, list) in lists[..k].iter().enumerate() {
                        periods_of(list, own);
                        down_with[i] = overlap(own, outages);
                    }
                    for (sum, &d) in ft.down_with_s.iter_mut().zip(&down_with[..k]) {
                        sum.push(d);
                    }
                    *cost = self.gather(function, outages, gathered);
                }
                gathered.flush(ft, &costs[..n]);
            }
        }
    }

    /// Every combination of a chain function (all of its services needed,
    /// every combination evaluated, in the order of [`Combos::all`]) over
    /// the first `n` trials of the batch: the union of the periods of the
    /// first `d` services' candidates is kept per depth `d` for every trial
    /// and shared by every combination that starts alike, so a combination
    /// costs one union per trial and its data-loss windows, not a sort of
    /// every down. Gives exactly the outages of [`function_outages`].
    ///
    /// A combination is recorded for all `n` trials in a row, so its
    /// accumulators (histograms of kilobytes) stay in cache, and the lists
    /// it reads are read in order ([`Runs`]).
    /// Each combination's lost revenue and orders per trial go to `costs`.
    fn chain(
        &self,
        function: &super::Function,
        n: usize,
        buffers: Chain<'_>,
        tallies: &mut [FunctionTally],
        costs: &mut [Vec<f64>],
    ) {
        let Chain { periods, lossy, levels, last, choice, outages, gathered } = buffers;
        let needs = &function.services;
        let k = needs.len();
        let choice = &mut choice[..k];
        choice.fill(0);
        // levels[d], 2 <= d < k: every trial's union of the chosen candidates
        // of services 0..d; depth 1 is the first service's own periods.
        let mut from = 0;
        let mut lists: [&[Down]; MAX_SERVICES] = [&[]; MAX_SERVICES];
        for (ft, costs) in tallies.iter_mut().zip(costs.iter_mut()) {
            for d in (from + 1).max(2)..k {
                let (done, rest) = levels.split_at_mut(d);
                let before = if d == 2 { &periods[needs[0]][choice[0]] } else { &done[d - 1] };
                let adding = &periods[needs[d - 1]][choice[d - 1]];
                let level = &mut rest[0];
                level.clear();
                for b in 0..n {
                    let start = level.items.len();
                    append_union(before.trial(b), adding.trial(b), &mut level.items);
                    // A joined period is priced here, once for the combinations
                    // starting alike, not by each one it stays unchanged in.
                    for period in level.items[start..].iter_mut().filter(|p| p.hours.is_nan()) {
                        *period = self.priced(*period);
                    }
                    level.close();
                }
            }
            let before = match k {
                1 => None,
                2 => Some(&periods[needs[0]][choice[0]]),
                _ => Some(&levels[k - 1]),
            };
            let adding = &periods[needs[k - 1]][choice[k - 1]];
            let losses: [Option<&Runs<Down>>; MAX_SERVICES] =
                std::array::from_fn(|i| needs.get(i).map(|&s| &lossy[s][choice[i]]));
            for (b, cost) in costs[..n].iter_mut().enumerate() {
                let joined = match before {
                    Some(before) => {
                        union_periods(before.trial(b), adding.trial(b), last);
                        &last[..]
                    }
                    None => adding.trial(b),
                };
                for (list, runs) in lists.iter_mut().zip(losses.iter().flatten()) {
                    *list = runs.trial(b);
                }
                outages_of(joined, &lists[..k], outages);
                *cost = self.gather(function, outages, gathered);
            }
            gathered.flush(ft, &costs[..n]);
            // Next combination: mixed radix, last service fastest.
            from = k;
            while from > 0 {
                from -= 1;
                choice[from] += 1;
                if choice[from] < self.platform.services[needs[from]].candidates() {
                    break;
                }
                choice[from] = 0;
            }
        }
    }

    /// Gathers one trial's outages of a function under one combination
    /// (see [`Gathered`]); returns the revenue and orders lost, USD.
    #[inline]
    fn gather(&self, function: &super::Function, outages: &[Outage], gathered: &mut Gathered) -> f64 {
        let end = self.horizon.secs();
        let (mut down, mut cost) = (0.0, 0.0);
        for o in outages.iter() {
            let rto_met = o.loss.is_finite() && o.downtime <= function.rto.secs();
            let rpo_met = o.loss <= function.rpo.secs();
            gathered.outages += 1;
            gathered.rto_met += u64::from(rto_met);
            gathered.rpo_met += u64::from(rpo_met);
            if self.quantiles {
                gathered.downtime.push(o.downtime);
                gathered.loss.push(o.loss);
            }
            down += o.downtime;
            cost += self.outage_cost(function.revenue_share, function.order_share, o);
        }
        gathered.trial_downtime.push(down.min(end));
        cost
    }

    /// Each followed plan's total over the first `n` trials of the batch:
    /// its services' costs plus its functions' losses, the same parts (in
    /// the same order) as [`super::eval::Evaluation::plan_cost`] adds up.
    fn plans(&self, n: usize, scratch: &mut Scratch, costs: &mut PlanCosts) {
        if self.following.is_empty() {
            return;
        }
        let Scratch { service_cost, function_cost, totals, .. } = scratch;
        for (b, services) in service_cost[..n].iter().enumerate() {
            for ((plan, at), total) in self.following.iter().zip(totals.iter_mut()) {
                let mut sum = 0.0;
                for (s, &c) in plan.iter().enumerate() {
                    sum += services[s][c];
                }
                for (f, &j) in at.iter().enumerate() {
                    sum += function_cost[f][j][b];
                }
                *total = sum;
            }
            costs.record(totals);
        }
    }

    /// The period with its load-weighted hours: what [`Self::outage_cost`]
    /// computes for it as an outage, bit for bit.
    fn priced(&self, period: Period) -> Period {
        let hours = self.load.load_hours(SimTime::from_secs(period.from), Duration::from_secs(period.to - period.from));
        Period { hours, ..period }
    }

    /// The incident with the load-weighted hours of its data-loss window, as
    /// [`Self::outage_cost`] prices it for an outage starting with it, bit
    /// for bit (not priced when the loss is infinite, which costs no orders).
    fn loss_priced(&self, down: Down) -> Down {
        let loss_hours = if down.loss.is_finite() { self.window_hours(down.from, down.loss) } else { f64::NAN };
        Down { loss_hours, ..down }
    }

    /// The load-weighted hours of the data-loss window of `loss` seconds
    /// before `at` (seconds since the trial start), clipped at the trial start.
    fn window_hours(&self, at: f64, loss: f64) -> f64 {
        let from = (at - loss).max(0.0);
        self.load.load_hours(SimTime::from_secs(from), Duration::from_secs(at - from))
    }

    /// Revenue lost while a function is down and orders lost in its
    /// data-loss window (clipped at the trial start), by the load profile.
    fn outage_cost(&self, revenue_share: f64, order_share: f64, o: &Outage) -> f64 {
        let p = self.platform;
        let at = SimTime::from_secs(o.from);
        let hours = match o.hours {
            Some(hours) => hours,
            None => self.load.load_hours(at, Duration::from_secs(o.downtime)),
        };
        let revenue = revenue_share * p.revenue_per_hour * hours;
        // A function writing no orders loses none: 0 times the (finite)
        // window's load hours is 0, without pricing the window.
        let orders = if o.loss.is_finite() && o.loss > 0.0 && order_share != 0.0 {
            let hours = match o.loss_hours {
                Some(hours) => hours,
                None => self.window_hours(o.from, o.loss),
            };
            order_share * p.orders_per_hour * p.average_order_value * hours
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
        Down::new(from, to, loss)
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

    /// A data-loss window's price goes with it to the outage only when its
    /// incident began the outage (the window then ends where the outage's
    /// does); the largest window wins, and an equal window that began the
    /// outage supplies the price another left out.
    #[test]
    fn an_outage_takes_a_windows_price_only_when_the_window_starts_it() {
        let priced = |from: f64, loss: f64, hours: f64| Down { loss_hours: hours, ..d(from, from + 5.0, loss) };
        let mut out = vec![Period::new(10.0, 30.0).outage()];
        assign_losses(&[&[priced(10.0, 4.0, 0.5)]], &mut out);
        assert_eq!((out[0].loss, out[0].loss_hours), (4.0, Some(0.5)));
        // A larger window of an incident that began later in the outage: not the same window.
        assign_losses(&[&[priced(12.0, 6.0, 0.7)]], &mut out);
        assert_eq!((out[0].loss, out[0].loss_hours), (6.0, None));
        // An equal window that began the outage: the same window, its price taken.
        assign_losses(&[&[priced(10.0, 6.0, 0.9)]], &mut out);
        assert_eq!((out[0].loss, out[0].loss_hours), (6.0, Some(0.9)));
        // A smaller one changes nothing; one outside every period is an outage of its own.
        assign_losses(&[&[priced(10.0, 1.0, 0.1), priced(40.0, 2.0, 0.2)]], &mut out);
        assert_eq!((out[0].loss, out[0].loss_hours), (6.0, Some(0.9)));
        assert_eq!((out[1].from, out[1].downtime, out[1].loss, out[1].loss_hours), (40.0, 0.0, 2.0, Some(0.2)));
        // An unpriced incident (NaN) leaves the outage to be priced when recorded.
        let mut out = vec![Period::new(10.0, 30.0).outage()];
        assign_losses(&[&[d(10.0, 15.0, 3.0)]], &mut out);
        assert_eq!((out[0].loss, out[0].loss_hours), (3.0, None));
    }

    /// The chain path (periods per service, joined pairwise, then the
    /// data-loss windows) gives the outages of the sweep over every down,
    /// bit for bit, including touching, nested and zero-length downs.
    #[test]
    fn joining_periods_pairwise_gives_the_sweeps_outages_exactly() {
        use rand::{RngExt, SeedableRng};
        let mut rng = crate::world::seed::SimRng::seed_from_u64(17);
        let (mut ev, mut want, mut got) = (Vec::new(), Vec::new(), Vec::new());
        let (mut a, mut b, mut u) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..20_000 {
            let mut lists: Vec<Vec<Down>> = Vec::new();
            let services = rng.random_range(1..5);
            for _ in 0..services {
                let n = rng.random_range(0..5);
                let list = (0..n)
                    .map(|_| {
                        // Coarse grid: many equal and touching endpoints.
                        let from = f64::from(rng.random_range(0..20u32)) * 0.5;
                        let to = from + f64::from(rng.random_range(0..6u32)) * 0.5;
                        let loss = if rng.random::<f64>() < 0.4 { f64::from(rng.random_range(1..4u32)) } else { 0.0 };
                        d(from, to, loss)
                    })
                    .filter(|d| d.to > d.from || d.loss > 0.0)
                    .collect();
                lists.push(list);
            }
            let refs: Vec<&[Down]> = lists.iter().map(|l| l.as_slice()).collect();
            function_outages(&refs, refs.len(), &mut ev, &mut want);
            u.clear();
            for list in &lists {
                periods_of(list, &mut a);
                union_periods(&u, &a, &mut b);
                std::mem::swap(&mut u, &mut b);
            }
            outages_of(&u, &refs, &mut got);
            assert_eq!(got, want, "{lists:?}");
        }
    }
}
