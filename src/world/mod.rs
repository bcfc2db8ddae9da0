//! The failure history of one trial (the *world*), sampled once and then
//! played against every strategy (common random numbers).
//!
//! Every component (each region, each AZ, and the data for `logical` damage)
//! is an alternating renewal process: it fails at its rate only while up, and
//! stays down for a duration drawn from its failure mode. The processes run on
//! one event queue ordered by `(time, insertion sequence)`, so simultaneous
//! events have a defined order. An AZ cannot fail while its region is down: a
//! region outage already takes every AZ down, and an AZ failure drawn for that
//! time is replaced by a fresh draw after the region returns; so is a region
//! failure drawn while a common-mode event already holds that region down.
//!
//! Up-times are exponential at the mode's rate unless the mode gives an
//! `uptime` distribution; then each component is a stationary renewal
//! process: its first failure in the trial is a forward recurrence time
//! (`Dist::sample_forward_recurrence`), later ones fresh up-times after
//! each return. A region failure is a common-mode event with the mode's
//! `common_mode_probability`: it also takes down, for as long, every other
//! region the mode strikes that is up. `application` failures (one global
//! component) take every region down at once and damage no data.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rand::RngExt;
use rand_distr::{Distribution, Exp1};

pub mod seed;
pub mod site;
pub mod strata;

use crate::model::{DisruptionKind, Dist, Duration, FailureDetail, Model, SimTime};
use seed::SimRng;

/// One outage of one component in a trial.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Outage {
    /// What failed.
    pub kind: DisruptionKind,
    /// The region (for `logical` and `application`: 0, unused). A
    /// common-mode event is one outage per region it took down, all with the
    /// same start and end, the others listed before the one that caused it.
    pub region: u16,
    /// The AZ within the region (for `region` and `logical`: 0, unused).
    pub az: u16,
    /// When it began.
    pub start: SimTime,
    /// When the component was back (`logical`: when the damage was noticed).
    pub end: SimTime,
    /// A region outage that also took the region's control plane down.
    pub control_plane: bool,
    /// A `logical` incident that is ransomware.
    pub ransomware: bool,
    /// A ransomware attack that destroys backups which are not immutable.
    pub destroys_mutable_backups: bool,
    /// An `az` or `region` outage that destroyed its site (fire, flood): the
    /// data and backups kept there are gone, not just unreachable.
    pub destroyed: bool,
    /// A `logical` incident that deleted an account or a subscription.
    pub deletion: Deletion,
}

/// What a `logical` incident deleted besides the data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Deletion {
    /// Only the data was damaged.
    #[default]
    None,
    /// The workload's whole account: every copy in it that is not immutable.
    Account,
    /// The whole subscription at the provider: every copy held there.
    Provider,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Fail,
    Recover,
}

/// Which process a queue entry belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Component {
    Region(u16),
    Az(u16, u16),
    Data,
    /// What every region runs alike (`application` failures).
    Global,
}

/// A queued state change, packed into one integer so the queue compares one
/// `u128`: the time's bits (non-negative `f64` bit patterns sort like the
/// numbers they encode) in the high 64 bits, then the insertion sequence
/// (unique, so it alone breaks ties), the component's slot and the phase.
type Entry = u128;

/// Bits of an [`Entry`] below the sequence number: slot and phase.
const SEQ_SHIFT: u32 = 24;

fn entry(at: SimTime, seq: u64, slot: usize, phase: Phase) -> Entry {
    debug_assert!(seq < 1 << (64 - SEQ_SHIFT) && slot < 1 << (SEQ_SHIFT - 1));
    // The bits sort like the times only with the sign bit clear: `-0.0` (which
    // `SimTime` admits) would sort after every positive time. It cannot arrive
    // here, so it is not normalised: a first failure is `Exp1 * year / rate`
    // (`+0.0` or more), and every later time (a next failure, a recovery, the end
    // of a region outage) is `now + d` with `now` a queued time, never `-0.0`;
    // a sum is `-0.0` only if both terms are (`+0.0 + -0.0` is `+0.0`).
    debug_assert!(at.secs().is_sign_positive(), "queued time {:?} has its sign bit set", at.secs());
    let low = (seq << SEQ_SHIFT) | ((slot as u64) << 1) | u64::from(phase == Phase::Fail);
    (u128::from(at.secs().to_bits()) << 64) | u128::from(low)
}

/// The time, slot and whether it is a failure, of a queued entry.
fn unpack(key: Entry) -> (SimTime, usize, bool) {
    let low = key as u64;
    (
        SimTime::from_secs(f64::from_bits((key >> 64) as u64)),
        ((low & ((1 << SEQ_SHIFT) - 1)) >> 1) as usize,
        low & 1 == 1,
    )
}

/// How a stratified design ([`strata`]) splits a component's Poisson
/// process of failures by a mark drawn when each failure begins: for the
/// `logical` failures of the data component, the detection delay (points
/// detected after `threshold` are *late*, the years that can lose all
/// data); for the primary region's `region` failures, the outage's length
/// (points lasting longer are *long*). Independent marks split a Poisson
/// process into two independent ones, above the threshold at rate `rate x
/// (1 - cdf_at)` and at or below it at `below_rate`; the points above are
/// given by the design ([`World::give_above`]), those at or below inside a
/// peak season's windows too ([`World::give_peak`]), the rest drawn while
/// sampling. Each point's mark is drawn given its side of the threshold.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Split {
    /// World slot of the component.
    pub slot: usize,
    /// Marks (a detection delay, an outage length) above this are above.
    pub threshold: Duration,
    /// `P(X <= threshold)` of the mark `X`.
    pub cdf_at: f64,
    /// Rate per year of every point of the component's process.
    pub rate: f64,
    /// Rate per year of the points at or below the threshold: `rate` times `cdf_at`.
    pub below_rate: f64,
}

impl Split {
    /// Rate per year of the points above the threshold.
    pub fn above_rate(&self) -> f64 {
        self.rate - self.below_rate
    }

    /// A mark drawn from `mark` given the point's side of the threshold
    /// (`above`). Out of line and cold, so that plain sampling's loop stays
    /// as it was.
    #[cold]
    #[inline(never)]
    fn mark(&self, mark: &Dist, above: bool, rng: &mut SimRng) -> Duration {
        Duration::from_secs(mark.sample_given(self.threshold.secs(), self.cdf_at, above, rng))
    }
}

/// The slot of `slots` (slot, rate) that a point falls on, `u` uniform on
/// `[0, summed rate)`: each in proportion to its rate (the last one when
/// rounding leaves `u` past every rate).
fn pick_by_rate(slots: impl IntoIterator<Item = (usize, f64)>, mut u: f64) -> usize {
    let mut pick = 0;
    for (slot, rate) in slots {
        pick = slot;
        if u < rate {
            break;
        }
        u -= rate;
    }
    pick
}

/// Whether `at` falls in one of `windows` (`[start, end)`, sorted, disjoint).
#[cfg(test)]
fn in_windows(windows: &[(SimTime, SimTime)], at: SimTime) -> bool {
    let i = windows.partition_point(|&(_, end)| end <= at);
    windows.get(i).is_some_and(|&(start, _)| start <= at)
}

/// The time `gap` after `from` counted only outside `windows` (sorted,
/// disjoint): where a Poisson process with no points inside them puts its
/// next point, `gap` being an exponential draw at its rate outside.
fn after_outside(windows: &[(SimTime, SimTime)], from: SimTime, gap: Duration) -> SimTime {
    let (mut t, mut left) = (from.secs(), gap.secs());
    for &(start, end) in windows {
        let (start, end) = (start.secs(), end.secs());
        if end <= t {
            continue;
        }
        if start <= t {
            t = end;
            continue;
        }
        if t + left < start {
            break;
        }
        left -= start - t;
        t = end;
    }
    SimTime::from_secs(t + left)
}

/// The point `u` (uniform on `[0, 1)`) of the way through the union of
/// `windows` (`inside`) or through the rest of `[0, horizon)`: a uniform
/// point of that set.
fn place(windows: &[(SimTime, SimTime)], inside: bool, horizon: Duration, u: f64) -> SimTime {
    // Span `i` of the set as (start, length): the windows, or the gaps
    // before, between and after them.
    let span = |i: usize| -> (f64, f64) {
        let (from, to) = if inside {
            (windows[i].0.secs(), windows[i].1.secs())
        } else {
            let from = if i == 0 { 0.0 } else { windows[i - 1].1.secs() };
            (from, windows.get(i).map_or(horizon.secs(), |w| w.0.secs()))
        };
        (from, (to - from).max(0.0))
    };
    let spans = if inside { windows.len() } else { windows.len() + 1 };
    let total: f64 = (0..spans).map(|i| span(i).1).sum();
    let mut x = u * total;
    let mut last = 0.0;
    for i in 0..spans {
        let (from, len) = span(i);
        if x < len {
            return SimTime::from_secs(from + x);
        }
        x -= len;
        if len > 0.0 {
            last = from;
        }
    }
    // Rounding left `x` at the very end: the last non-empty span's first point.
    SimTime::from_secs(last)
}

/// The sampled world of one trial, with buffers reused from trial to trial.
#[derive(Debug, Default)]
pub struct World {
    /// Length of the trial: every queued time is earlier than `SimTime::after_start(horizon)`.
    pub horizon: Duration,
    /// Every outage that began within the horizon, in order of start.
    pub outages: Vec<Outage>,
    /// Anchor of every backup schedule in this trial: backups run at
    /// `anchor + k * interval`. Uniform over the trial's first day, shared by all
    /// strategies, so a schedule that divides another takes a superset of its backups.
    pub backup_anchor: SimTime,
    /// The event queue, unordered: the pending state changes (at most one per
    /// component: its next failure or its recovery) that fall within the
    /// horizon; later ones can start no outage in the trial and are never
    /// queued. A handful of entries at a time (most components do not fail
    /// in a year), so the next event is found by a scan; a topology with more
    /// than [`SCAN_QUEUE_MAX`] components queues them in `heap` instead.
    pending: Vec<Entry>,
    /// The event queue of a large topology: a binary heap, so an event costs
    /// `O(log components)` rather than a scan of every component.
    heap: BinaryHeap<Reverse<Entry>>,
    /// Whether `heap` (not `pending`) is the queue; fixed by the topology.
    use_heap: bool,
    components: Vec<Component>,
    /// Failure rate per year of each component, from [`World::rate_of`] once per run.
    rates: Vec<f64>,
    /// Up-time distribution of each component when not exponential.
    uptimes: Vec<Option<Dist>>,
    /// Planned maintenance windows in this trial, (start, length), in order;
    /// empty when the model has no `[maintenance]`.
    pub maintenance: Vec<(SimTime, Duration)>,
    /// When each region's current or last outage ends.
    region_down_until: Vec<SimTime>,
    /// Per region, its region-wide outages in order of start, each with the
    /// latest end of it and every earlier one: [`World::region_back_after`]
    /// answers with a binary search instead of rescanning every outage of
    /// the trial (which made long horizons and high rates quadratic).
    region_index: Vec<Vec<(SimTime, SimTime)>>,
    seq: u64,
    /// Stratified sampling ([`strata`]): per slot, whether its failures are
    /// the points given by [`World::give`] rather than up-time draws; empty
    /// when nothing is given (the plain sampler).
    given_slot: Vec<bool>,
    /// Per slot, the given failure points, sorted.
    given: Vec<Vec<SimTime>>,
    /// A late-detection or peak-season design's splits (see [`Split`]):
    /// their points above the threshold are the given points of their slot.
    splits: Vec<Split>,
    /// Per slot of a split, whether its pending failure is a point above the threshold.
    above_next: Vec<bool>,
    /// A peak-season design's windows (sorted, disjoint): the splits' drawn
    /// points at or below their thresholds fall outside them.
    season: Vec<(SimTime, SimTime)>,
    /// Per slot of a split, a peak-season design's given points at or below
    /// the threshold inside the windows, sorted.
    peak_below: Vec<Vec<SimTime>>,
}

/// Most components whose events are found by scanning the queue: a scan of a
/// few entries beats a heap's sifting (SecureCart has 13 components), a heap
/// wins once topologies grow (a 20-region, 6-AZ topology has 141).
const SCAN_QUEUE_MAX: usize = 32;

impl World {
    /// An empty world sized for a model.
    pub fn new(model: &Model) -> World {
        let mut components = Vec::new();
        for (r, region) in model.topology.regions.iter().enumerate() {
            components.push(Component::Region(r as u16));
            for a in 0..region.azs {
                components.push(Component::Az(r as u16, a as u16));
            }
        }
        components.push(Component::Data);
        components.push(Component::Global);
        let mut world = World {
            region_down_until: vec![SimTime::ZERO; model.topology.regions.len()],
            region_index: vec![Vec::new(); model.topology.regions.len()],
            use_heap: components.len() > SCAN_QUEUE_MAX,
            components,
            ..World::default()
        };
        world.rates = (0..world.components.len()).map(|slot| world.rate_of(model, slot)).collect();
        world.uptimes = (0..world.components.len())
            .map(|slot| {
                let mode = model.failure(world.kind_of(slot))?;
                mode.uptime.clone().filter(|_| world.rates[slot] > 0.0)
            })
            .collect();
        world
    }

    // The scan queue's push and pop stay inline in `sample` (the hot path of
    // small topologies); the heap's are calls of their own.
    #[inline(always)]
    fn push(&mut self, at: SimTime, slot: usize, phase: Phase) {
        self.seq += 1;
        if at.since_start() < self.horizon {
            let e = entry(at, self.seq, slot, phase);
            if self.use_heap {
                self.push_heap(e);
            } else {
                self.pending.push(e);
            }
        }
    }

    #[inline(never)]
    fn push_heap(&mut self, e: Entry) {
        self.heap.push(Reverse(e));
    }

    /// Takes the earliest pending event. Entries are unique (the sequence
    /// number is), so the scan and the heap pop them in the same order.
    #[inline(always)]
    fn pop(&mut self) -> Option<Entry> {
        if self.use_heap {
            return self.pop_heap();
        }
        let (at, _) = self.pending.iter().enumerate().min_by_key(|&(_, &e)| e)?;
        Some(self.pending.swap_remove(at))
    }

    #[inline(never)]
    fn pop_heap(&mut self) -> Option<Entry> {
        self.heap.pop().map(|Reverse(e)| e)
    }

    /// Time from a component's start (or return) to its next failure: an
    /// up-time from `uptime` when given (`first`: the forward recurrence
    /// time, as the trial starts inside a long-running process), else
    /// exponential at the rate. Inline: called for every component at the
    /// start of every trial and after every return, and as a call its
    /// register saves cost more than the exponential draw itself.
    #[inline(always)]
    fn next_failure(rng: &mut SimRng, rate_per_year: f64, uptime: Option<&Dist>, first: bool) -> Option<Duration> {
        if let Some(d) = uptime {
            let secs = if first { d.sample_forward_recurrence(rng) } else { d.sample(rng) };
            return Some(Duration::from_secs(secs.min(f64::MAX)));
        }
        (rate_per_year > 0.0).then(|| {
            let e: f64 = Exp1.sample(rng);
            Duration::from_secs(e * Duration::YEAR.secs() / rate_per_year)
        })
    }

    /// Samples a fresh history over `horizon`, replacing the previous one.
    pub fn sample(&mut self, model: &Model, horizon: Duration, rng: &mut SimRng) {
        self.horizon = horizon;
        self.outages.clear();
        self.pending.clear();
        self.heap.clear();
        self.seq = 0;
        self.region_down_until.iter_mut().for_each(|d| *d = SimTime::ZERO);
        self.backup_anchor = SimTime::after_start(Duration::DAY * rng.random::<f64>());

        for slot in 0..self.components.len() {
            if self.given_slot.get(slot) == Some(&true) {
                if let Some(at) = self.next_given(slot, None, rng) {
                    self.push(at, slot, Phase::Fail);
                }
            } else if let Some(t) = Self::next_failure(rng, self.rates[slot], self.uptimes[slot].as_ref(), true) {
                self.push(SimTime::after_start(t), slot, Phase::Fail);
            }
        }
        while let Some(e) = self.pop() {
            let (now, slot, is_fail) = unpack(e);
            let kind = self.kind_of(slot);
            if !is_fail {
                if self.given_slot.get(slot) == Some(&true) {
                    // Exponential up-times are memoryless: the next failure
                    // after a return is the next point of the component's
                    // Poisson process (points while it is down are thinned).
                    if let Some(at) = self.next_given(slot, Some(now), rng) {
                        self.push(at, slot, Phase::Fail);
                    }
                } else if let Some(t) = Self::next_failure(rng, self.rates[slot], self.uptimes[slot].as_ref(), false) {
                    self.push(now + t, slot, Phase::Fail);
                }
                continue;
            }
            let component = self.components[slot];
            if let Component::Az(r, _) | Component::Region(r) = component {
                let region_back = self.region_down_until[r as usize];
                if now < region_back {
                    // The AZ is already down with its region (or the region with a
                    // common-mode event): it cannot fail again.
                    self.push(region_back, slot, Phase::Recover);
                    continue;
                }
            }
            let Some(mode) = model.failure(kind) else { continue };
            let outage = match (&mode.detail, component) {
                (FailureDetail::Outage { duration, control_plane_probability, destroy_probability }, _) => {
                    let given = self.split_of(slot).map(|split| (split, self.above_next[slot]));
                    let OutageDraw { length: d, control_plane, destroyed } = OutageDraw::draw(
                        duration,
                        control_plane_probability.get(),
                        destroy_probability.get(),
                        kind,
                        horizon,
                        given,
                        rng,
                    );
                    let (region, az) = match component {
                        Component::Region(r) => (r, 0),
                        Component::Az(r, a) => (r, a),
                        Component::Data | Component::Global => (0, 0),
                    };
                    let outage = Outage {
                        kind,
                        region,
                        az,
                        start: now,
                        end: now + d,
                        control_plane,
                        ransomware: false,
                        destroys_mutable_backups: false,
                        destroyed,
                        deletion: Deletion::None,
                    };
                    if let Component::Region(r) = component {
                        self.region_down_until[r as usize] = now + d;
                        // Drawn only when the mode has common-mode events, so other models keep their streams.
                        let q = mode.common_mode_probability.get();
                        if q > 0.0 && rng.random::<f64>() < q {
                            for &other in &mode.regions {
                                if other != r as usize && self.region_down_until[other] <= now {
                                    self.region_down_until[other] = now + d;
                                    // The same event in another region: only where differs.
                                    self.outages.push(Outage { region: other as u16, az: 0, ..outage });
                                }
                            }
                        }
                    }
                    outage
                }
                (
                    FailureDetail::Logical {
                        detection_delay,
                        ransomware_share,
                        destroys_mutable_backups,
                        account_deletion_share,
                        provider_deletion_share,
                    },
                    _,
                ) => {
                    let d = match self.split_of(slot) {
                        Some(s) => s.mark(detection_delay, self.above_next[slot], rng),
                        None => detection_delay.sample_duration(rng),
                    };
                    let ransomware = rng.random::<f64>() < ransomware_share.get();
                    let destroys = ransomware && rng.random::<f64>() < destroys_mutable_backups.get();
                    let (account, provider) = (account_deletion_share.get(), provider_deletion_share.get());
                    let deletion = if account + provider > 0.0 {
                        let u = rng.random::<f64>();
                        if u < account {
                            Deletion::Account
                        } else if u < account + provider {
                            Deletion::Provider
                        } else {
                            Deletion::None
                        }
                    } else {
                        Deletion::None
                    };
                    Outage {
                        kind,
                        region: 0,
                        az: 0,
                        start: now,
                        end: now + d,
                        control_plane: false,
                        ransomware,
                        destroys_mutable_backups: destroys,
                        destroyed: false,
                        deletion,
                    }
                }
                (FailureDetail::Application(remediation), _) => {
                    let d = remediation.sample(rng).min(horizon);
                    Outage {
                        kind,
                        region: 0,
                        az: 0,
                        start: now,
                        end: now + d,
                        control_plane: false,
                        ransomware: false,
                        destroys_mutable_backups: false,
                        destroyed: false,
                        deletion: Deletion::None,
                    }
                }
            };
            self.push(outage.end, slot, Phase::Recover);
            self.outages.push(outage);
        }
        self.sample_maintenance(model, horizon, rng);
        self.index_regions();
    }

    /// Gives the failures of the stratified components `slots` (slot and
    /// rate per year, from [`strata::Stratification`]) for the next
    /// [`World::sample`]: `count` points, each uniform over `horizon` and on
    /// a component chosen in proportion to its rate (a Poisson process of the
    /// summed rate, given its count). The component fails at the first
    /// point and, after each return, at the first point after it: with
    /// exponential up-times this is the same process as drawing them, so the
    /// world is sampled from the exact conditional law given the count.
    /// Draws from `rng` only.
    /// Adds to what [`World::clear_given`] left (the slots of several
    /// stratified counts are given in turn).
    pub fn give(&mut self, slots: &[(usize, f64)], count: u64, horizon: Duration, rng: &mut SimRng) {
        self.give_placed(slots, count, &[], false, horizon, rng);
    }

    /// [`World::give`] with the points uniform inside `windows` (`inside`)
    /// or outside them (no windows: the whole horizon).
    fn give_placed(
        &mut self,
        slots: &[(usize, f64)],
        count: u64,
        windows: &[(SimTime, SimTime)],
        inside: bool,
        horizon: Duration,
        rng: &mut SimRng,
    ) {
        let n = self.components.len();
        self.given_slot.resize(n, false);
        self.given.resize_with(n, Vec::new);
        for &(slot, _) in slots {
            self.given_slot[slot] = true;
        }
        let total: f64 = slots.iter().map(|&(_, r)| r).sum();
        for _ in 0..count {
            let at = if windows.is_empty() {
                SimTime::after_start(horizon * rng.random::<f64>())
            } else {
                place(windows, inside, horizon, rng.random::<f64>())
            };
            let slot = if slots.len() == 1 {
                slots[0].0
            } else {
                pick_by_rate(slots.iter().copied(), rng.random::<f64>() * total)
            };
            self.given[slot].push(at);
        }
        for &(slot, _) in slots {
            if self.given[slot].len() > 1 {
                self.given[slot].sort_unstable_by(|a, b| a.secs().total_cmp(&b.secs()));
            }
        }
    }

    /// Gives `slot`'s failure points for the next [`World::sample`]: the
    /// points of its Poisson process over the horizon as a design drew them
    /// (a coincidence design's, [`strata::Coincidence`]), none if `points`
    /// is empty; kept sorted. The component fails at the first and, after each return,
    /// at the first point after it, as under [`World::give`]. Adds to what
    /// [`World::clear_given`] left.
    pub fn give_points(&mut self, slot: usize, points: impl IntoIterator<Item = SimTime>) {
        let n = self.components.len();
        self.given_slot.resize(n, false);
        self.given.resize_with(n, Vec::new);
        self.given_slot[slot] = true;
        let given = &mut self.given[slot];
        given.extend(points);
        if !given.is_sorted_by(|a, b| a.secs() <= b.secs()) {
            given.sort_unstable_by(|a, b| a.secs().total_cmp(&b.secs()));
        }
    }

    /// Gives the points above the threshold of `splits` (see [`Split`]):
    /// `count` points uniform over `horizon`, each on a slot of `above` (the
    /// splits' slots with their rates above, the count's
    /// `strata::Dimension::slots`) chosen in proportion to its rate, as
    /// [`World::give`]; the slots' points at or below are then drawn while
    /// sampling, at their `below_rate`, and each point's mark given its
    /// side. Draws from `rng` only.
    pub fn give_above(
        &mut self,
        above: &[(usize, f64)],
        splits: &[Split],
        count: u64,
        horizon: Duration,
        rng: &mut SimRng,
    ) {
        self.give(above, count, horizon, rng);
        for split in splits {
            self.add_split(split);
        }
    }

    /// Gives the points of a peak count (see [`strata`]): `count` points
    /// uniform inside `windows`, each a point at or below the threshold of
    /// one of `splits`, chosen in proportion to their `below_rate`; their
    /// points above are given by [`World::give_above`], their points at or
    /// below outside the windows drawn while sampling. Draws from `rng` only.
    pub fn give_peak(
        &mut self,
        splits: &[Split],
        windows: &[(SimTime, SimTime)],
        count: u64,
        horizon: Duration,
        rng: &mut SimRng,
    ) {
        for split in splits {
            self.add_split(split);
        }
        let total: f64 = splits.iter().map(|s| s.below_rate).sum();
        for _ in 0..count {
            let pick = pick_by_rate(splits.iter().map(|s| (s.slot, s.below_rate)), rng.random::<f64>() * total);
            let at = place(windows, true, horizon, rng.random::<f64>());
            self.peak_below[pick].push(at);
        }
        for split in splits {
            self.peak_below[split.slot].sort_unstable_by(|a, b| a.secs().total_cmp(&b.secs()));
        }
        if self.season.as_slice() != windows {
            self.season.clear();
            self.season.extend_from_slice(windows);
        }
    }

    /// Notes `split` for [`World::sample`] (once), its slot's failures
    /// being given points and drawn points below its threshold.
    fn add_split(&mut self, split: &Split) {
        let n = self.components.len();
        self.given_slot.resize(n, false);
        self.given.resize_with(n, Vec::new);
        self.above_next.resize(n, false);
        self.peak_below.resize_with(n, Vec::new);
        self.given_slot[split.slot] = true;
        if !self.splits.contains(split) {
            self.splits.push(*split);
        }
    }

    /// The split of `slot`'s failures, if a design split them.
    #[inline]
    fn split_of(&self, slot: usize) -> Option<Split> {
        self.splits.iter().find(|s| s.slot == slot).copied()
    }

    /// The split of `region`'s own failures, if a design split them by the
    /// outage's length, and whether its outage that began at `start` was
    /// one of the given points above the threshold (a long outage): what a
    /// replayed outage must be drawn given (`engine::replay`).
    pub fn region_length_split(&self, region: usize, start: SimTime) -> Option<(Split, bool)> {
        let split =
            self.splits.iter().find(|s| self.components.get(s.slot) == Some(&Component::Region(region as u16)))?;
        let above = self.given[split.slot].binary_search_by(|p| p.secs().total_cmp(&start.secs())).is_ok();
        Some((*split, above))
    }

    /// The next failure of a given slot after `after` (`None`: from the
    /// trial's start): its next given point, or, for a split's slot, the
    /// earliest of that, its next given point below the threshold inside a
    /// peak window, and its drawn process's next point below the threshold
    /// (drawn afresh: memoryless), noting in `above_next` which it is.
    fn next_given(&mut self, slot: usize, after: Option<SimTime>, rng: &mut SimRng) -> Option<SimTime> {
        let list = &self.given[slot];
        let given = match after {
            None => list.first().copied(),
            Some(now) => list.get(list.partition_point(|&p| p <= now)).copied(),
        };
        let Some(split) = self.split_of(slot) else { return given };
        let from = after.unwrap_or(SimTime::ZERO);
        let mut below = Self::next_failure(rng, split.below_rate, None, after.is_none())
            .map(|t| if self.season.is_empty() { from + t } else { after_outside(&self.season, from, t) });
        let peak = &self.peak_below[slot];
        let i = peak.partition_point(|&p| after.is_some_and(|now| p <= now));
        if let Some(&p) = peak.get(i) {
            below = Some(below.map_or(p, |t| if p < t { p } else { t }));
        }
        let (at, above) = match (given, below) {
            (Some(g), Some(t)) if t < g => (Some(t), false),
            (Some(g), _) => (Some(g), true),
            (None, t) => (t, false),
        };
        self.above_next[slot] = above;
        at
    }

    /// Forgets every given failure point: the next [`World::give`] starts afresh.
    pub fn clear_given(&mut self) {
        self.given_slot.iter_mut().for_each(|g| *g = false);
        self.given.iter_mut().for_each(Vec::clear);
        self.splits.clear();
        self.above_next.iter_mut().for_each(|a| *a = false);
        self.season.clear();
        self.peak_below.iter_mut().for_each(Vec::clear);
    }

    /// The components whose failures are `logical` (the data), with their
    /// rates per year where positive; and whether one has a non-exponential
    /// up-time (stratification needs a Poisson process).
    pub fn logical_components(&self) -> (Vec<(usize, f64)>, bool) {
        let (out, shaped) = self.components_where(|c| matches!(c, Component::Data));
        (out, shaped.is_some())
    }

    /// The components that can take the primary region down on their own
    /// (its `region` failures, and `application` failures) with their rates
    /// per year, where the rate is positive; and, if any of them has a
    /// non-exponential up-time, its kind (stratification needs a Poisson process).
    pub fn primary_components(&self, model: &Model) -> (Vec<(usize, f64)>, Option<DisruptionKind>) {
        let primary = model.topology.primary;
        self.components_where(|c| match c {
            Component::Region(r) => usize::from(*r) == primary,
            Component::Global => true,
            Component::Az(..) | Component::Data => false,
        })
    }

    /// The `region` failure components of the regions other than the
    /// primary, with their rates per year where positive, and the kind of
    /// one with a non-exponential up-time if any (a coincidence design needs
    /// Poisson processes).
    pub fn other_region_components(&self, model: &Model) -> (Vec<(usize, f64)>, Option<DisruptionKind>) {
        let primary = model.topology.primary;
        self.components_where(|c| matches!(c, Component::Region(r) if usize::from(*r) != primary))
    }

    /// The components `keep` selects that fail at a positive rate, with
    /// their rates per year, and the kind of the last of them with a
    /// non-exponential up-time, if any: what a stratified design needs to
    /// know of the failure processes it splits.
    fn components_where(&self, keep: impl Fn(&Component) -> bool) -> (Vec<(usize, f64)>, Option<DisruptionKind>) {
        let mut out = Vec::new();
        let mut shaped = None;
        for (slot, c) in self.components.iter().enumerate() {
            if keep(c) && self.rates[slot] > 0.0 {
                out.push((slot, self.rates[slot]));
                if self.uptimes[slot].is_some() {
                    shaped = Some(self.kind_of(slot));
                }
            }
        }
        (out, shaped)
    }

    /// A world with the given outages (in order of start) over `horizon`, as
    /// [`World::sample`] would leave it: for tests and hand-made histories.
    pub fn with_outages(horizon: Duration, outages: Vec<Outage>) -> World {
        let regions = outages.iter().map(|o| usize::from(o.region) + 1).max().unwrap_or(0);
        let mut world = World { horizon, outages, region_index: vec![Vec::new(); regions], ..World::default() };
        world.index_regions();
        world
    }

    /// Rebuilds the per-region index of region-wide outages from `outages`:
    /// one pass, after the history is complete.
    fn index_regions(&mut self) {
        self.region_index.iter_mut().for_each(Vec::clear);
        for o in self.outages.iter().filter(|o| o.kind == DisruptionKind::Region) {
            let Some(list) = self.region_index.get_mut(usize::from(o.region)) else { continue };
            let latest = list.last().map_or(o.end, |&(_, end)| end.max(o.end));
            list.push((o.start, latest));
        }
    }

    /// Draws the trial's maintenance windows: `windows_per_year` a year,
    /// evenly spaced from a uniform phase, each of a drawn length. Nothing
    /// is drawn without `[maintenance]`, so other models keep their streams.
    fn sample_maintenance(&mut self, model: &Model, horizon: Duration, rng: &mut SimRng) {
        self.maintenance.clear();
        let Some(m) = &model.maintenance else { return };
        let spacing = Duration::YEAR / m.windows_per_year;
        let mut at = spacing * rng.random::<f64>();
        while at < horizon {
            let length = m.duration.sample_duration(rng);
            self.maintenance.push((SimTime::after_start(at), length));
            at += spacing;
        }
    }

    /// Total planned maintenance in this trial (each window counted whole,
    /// as incidents are, and the trial's downtime is capped at its length).
    pub fn maintenance_downtime(&self) -> Duration {
        self.maintenance.iter().map(|&(_, d)| d).sum()
    }

    /// Failure rate of a component: zero where its failure mode is absent or
    /// does not strike its region.
    fn rate_of(&self, model: &Model, slot: usize) -> f64 {
        let region = match self.components[slot] {
            Component::Region(r) | Component::Az(r, _) => Some(r as usize),
            Component::Data | Component::Global => None,
        };
        match model.failure(self.kind_of(slot)) {
            Some(f) if region.is_none_or(|r| f.regions.contains(&r)) => f.rate_per_year,
            _ => 0.0,
        }
    }

    fn kind_of(&self, slot: usize) -> DisruptionKind {
        match self.components[slot] {
            Component::Region(_) => DisruptionKind::Region,
            Component::Az(..) => DisruptionKind::Az,
            Component::Data => DisruptionKind::Logical,
            Component::Global => DisruptionKind::Application,
        }
    }

    /// When the region-wide outage of `region` covering time `t` ends, if one
    /// does (the latest end when several do).
    ///
    /// `O(log n)` in the region's outages: among those begun by `t`, the
    /// latest end is either after `t` (then its outage covers `t` and no
    /// covering one ends later) or not (then none covers `t`).
    pub fn region_back_after(&self, region: usize, t: SimTime) -> Option<SimTime> {
        let list = self.region_index.get(region)?;
        let begun = list.partition_point(|&(start, _)| start <= t);
        let &(_, latest) = list[..begun].last()?;
        (t < latest).then_some(latest)
    }

    /// True when region `region` is down at time `t` (a region-wide outage).
    pub fn region_down_at(&self, region: usize, t: SimTime) -> bool {
        self.region_back_after(region, t).is_some()
    }

    /// True when a region other than `region` has a region-wide outage
    /// beginning exactly at `start`: the region outage of `region` that began
    /// then is a common-mode event (see [`Outage::region`]), whose length and
    /// marks the other regions share. `O(R log n)` over the regions' indexes.
    pub fn region_outage_shared(&self, region: usize, start: SimTime) -> bool {
        self.region_index.iter().enumerate().filter(|&(r, _)| r != region).any(|(_, list)| {
            let at = list.partition_point(|&(s, _)| s < start);
            list.get(at).is_some_and(|&(s, _)| s == start)
        })
    }
}

/// The draws of one outage of an `az` or `region` failure mode, made when
/// it begins, in the order [`World::sample`] makes them: its length, whether
/// it took the region's control plane down, whether it destroyed its site.
/// Replayed region incidents (`engine::replay`) draw the same again.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OutageDraw {
    /// How long the component stays down: the mode's `duration`, capped at
    /// the trial's `horizon` (an outage longer than the trial is down for the
    /// whole trial: the cap changes nothing inside the horizon and keeps
    /// every incident's downtime within it).
    pub length: Duration,
    /// A `region` outage that took the control plane down too (drawn for
    /// `region` outages only; always false for `az`).
    pub control_plane: bool,
    /// The outage destroyed its site (drawn only when the mode can destroy,
    /// so models without destruction keep their random streams).
    pub destroyed: bool,
}

impl OutageDraw {
    /// Draws an outage of `kind` from an outage mode's `duration`, its
    /// chance of taking the control plane down (`region` only) and its
    /// chance of destroying the site (`FailureDetail::Outage`); `given`, for
    /// a failure point of a design that splits the region's failures by the
    /// outage's length, the split and the point's side of its threshold
    /// (above: a long outage), the length drawn on that side. Inlined: it
    /// runs for every outage of every trial.
    #[inline]
    pub fn draw(
        duration: &Dist,
        control_plane_probability: f64,
        destroy_probability: f64,
        kind: DisruptionKind,
        horizon: Duration,
        given: Option<(Split, bool)>,
        rng: &mut SimRng,
    ) -> OutageDraw {
        let length = match given {
            None => duration.sample_duration(rng),
            Some((split, above)) => split.mark(duration, above, rng),
        }
        .min(horizon);
        let control_plane = kind == DisruptionKind::Region && rng.random::<f64>() < control_plane_probability;
        let destroyed = destroy_probability > 0.0 && rng.random::<f64>() < destroy_probability;
        OutageDraw { length, control_plane, destroyed }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, RngExt, SeedableRng};

    /// Times that probe the packing: zero, the smallest subnormal and normal
    /// numbers, neighbours of one, a year, and the largest finite number.
    const EDGE_TIMES: [f64; 9] = [
        0.0,
        5e-324,
        f64::MIN_POSITIVE,
        1.0 - f64::EPSILON / 2.0,
        1.0,
        1.0 + f64::EPSILON,
        3600.0,
        31_536_000.0,
        f64::MAX,
    ];

    /// Largest sequence number and slot an entry can hold.
    const MAX_SEQ: u64 = (1 << (64 - SEQ_SHIFT)) - 1;
    const MAX_SLOT: usize = (1 << (SEQ_SHIFT - 1)) - 1;

    /// A time: an edge value half the time, else uniform over ten years.
    fn time(rng: &mut SimRng) -> f64 {
        if rng.next_u64() % 2 == 0 {
            EDGE_TIMES[(rng.next_u64() % EDGE_TIMES.len() as u64) as usize]
        } else {
            rng.random::<f64>() * 10.0 * 31_536_000.0
        }
    }

    fn phase(fail: bool) -> Phase {
        if fail { Phase::Fail } else { Phase::Recover }
    }

    #[test]
    fn entry_unpacks_to_the_time_slot_and_phase_packed() {
        let mut rng = SimRng::seed_from_u64(1);
        let slots = [0, 1, 2, 1000, MAX_SLOT];
        let seqs = [0, 1, 12_345, MAX_SEQ];
        for t in EDGE_TIMES.into_iter().chain((0..200).map(|_| time(&mut rng))) {
            for slot in slots {
                for seq in seqs {
                    for fail in [false, true] {
                        let (at, s, f) = unpack(entry(SimTime::from_secs(t), seq, slot, phase(fail)));
                        assert_eq!(at.secs().to_bits(), t.to_bits(), "time of ({t}, {seq}, {slot}, {fail})");
                        assert_eq!((s, f), (slot, fail), "slot and phase of ({t}, {seq}, {slot}, {fail})");
                    }
                }
            }
        }
    }

    #[test]
    fn entries_order_exactly_like_time_then_sequence() {
        // Slot and phase are random and independent of the order: they must
        // never decide it, since the sequence number is unique (so a pair
        // with equal time and equal sequence cannot occur and is skipped).
        fn check((ta, qa): (f64, u64), (tb, qb): (f64, u64), rng: &mut SimRng) {
            if ta == tb && qa == qb {
                return;
            }
            let slot = |rng: &mut SimRng| (rng.next_u64() % (MAX_SLOT as u64 + 1)) as usize;
            let a = entry(SimTime::from_secs(ta), qa, slot(rng), phase(rng.next_u64() % 2 == 0));
            let b = entry(SimTime::from_secs(tb), qb, slot(rng), phase(rng.next_u64() % 2 == 0));
            let expected = ta.partial_cmp(&tb).unwrap().then(qa.cmp(&qb));
            assert_eq!(a.cmp(&b), expected, "({ta}, {qa}) vs ({tb}, {qb})");
        }
        let mut rng = SimRng::seed_from_u64(2);
        // Every pair of edge times with every pair of edge sequence numbers,
        // equal times (time 0 among them) included.
        let seqs = [0, 1, 2, MAX_SEQ - 1, MAX_SEQ];
        for ta in EDGE_TIMES {
            for tb in EDGE_TIMES {
                for qa in seqs {
                    for qb in seqs {
                        check((ta, qa), (tb, qb), &mut rng);
                    }
                }
            }
        }
        // Random pairs; one in four shares its time, so the sequence decides.
        for _ in 0..100_000 {
            let ta = time(&mut rng);
            let tb = if rng.next_u64() % 4 == 0 { ta } else { time(&mut rng) };
            let (qa, qb) = (rng.next_u64() % (MAX_SEQ + 1), rng.next_u64() % (MAX_SEQ + 1));
            check((ta, qa), (tb, qb), &mut rng);
        }
    }

    /// A model with many regions and AZs (so the heap is the queue) and high
    /// rates (so outages overlap and repeat).
    fn big_model() -> Model {
        let mut regions = vec![
            "{ name = \"us-east-1\", azs = 6 }".to_string(),
            "{ name = \"us-west-2\", azs = 6 }".to_string(),
            "{ name = \"eu-central-1\", azs = 6 }".to_string(),
        ];
        regions.extend((3..12).map(|r| format!("{{ name = \"r{r}\", azs = 6 }}")));
        let text = include_str!("../../models/securecart-monolith.toml")
            .replace(
                "region = [\n  { name = \"us-east-1\", azs = 3 },\n  { name = \"us-west-2\", azs = 3 },\n  \
                 { name = \"eu-central-1\", azs = 3 },\n]",
                &format!("region = [{}]", regions.join(", ")),
            )
            .replace("rate_per_year = 0.25", "rate_per_year = 40")
            .replace("rate_per_year = 0.6", "rate_per_year = 25");
        let model = Model::from_str_at(&text, std::path::Path::new("big.toml")).unwrap();
        assert_eq!(model.topology.regions.len(), 12);
        model
    }

    /// securecart-monolith with 30 logical failures a year, so that a
    /// stratum's given points are often thinned by other down times.
    fn monolith_with_30_logical_failures() -> Model {
        let text =
            include_str!("../../models/securecart-monolith.toml").replace("rate_per_year = 1.0", "rate_per_year = 30");
        Model::from_str_at(&text, std::path::Path::new("m.toml")).unwrap()
    }

    // A late-detection stratum's worlds: with no late point every logical
    // incident is detected within the threshold; with late points, each one
    // the data component is up for becomes an incident detected after it,
    // and no other incident is. 30 logical failures a year, so that the
    // down time of one thins others in many trials.
    #[test]
    fn a_late_split_gives_late_delays_exactly_at_its_late_points() {
        let model = monolith_with_30_logical_failures();
        let design =
            strata::Stratification::new(&model, Duration::YEAR, strata::VarianceReduction::LateDetection).unwrap();
        let strata::Points::Above(splits) = design.dims[1].points.clone() else { panic!("a late split") };
        let split = splits[0];
        assert_eq!(split.threshold, Duration::from_secs(35.0 * 86_400.0 - 3_600.0));
        let mut world = World::new(&model);
        let (mut late_seen, mut thinned) = (0, 0);
        for trial in 0..400 {
            let count = trial % 3;
            let mut rng = seed::world_rng(3, trial);
            world.clear_given();
            world.give_above(&design.dims[1].slots, &splits, count, Duration::YEAR, &mut rng);
            let points = world.given[split.slot].clone();
            world.sample(&model, Duration::YEAR, &mut rng);
            let logical: Vec<&Outage> = world.outages.iter().filter(|o| o.kind == DisruptionKind::Logical).collect();
            let late: Vec<SimTime> =
                logical.iter().filter(|o| o.end.saturating_since(o.start) > split.threshold).map(|o| o.start).collect();
            assert!(late.iter().all(|t| points.contains(t)), "trial {trial}: a late incident off the late points");
            for p in &points {
                let down = logical.iter().any(|o| o.start < *p && *p <= o.end);
                assert_eq!(late.contains(p), !down, "trial {trial}: point {p:?}");
                thinned += usize::from(down);
            }
            late_seen += late.len();
        }
        assert!(late_seen > 200 && thinned > 0, "{late_seen} late incidents, {thinned} points thinned");
    }

    // A peak-season stratum's worlds: a logical incident is detected late
    // exactly when it is one of the given late points, and a primary-region
    // outage is long exactly when it is one of the given long points; a
    // logical or region failure inside a window that is neither is one of
    // the given peak points. 30 logical failures a year, so that windows
    // hold many and down times thin some.
    #[test]
    fn a_peak_season_split_puts_drawn_points_outside_its_windows_only() {
        let model = monolith_with_30_logical_failures();
        let design =
            strata::Stratification::new(&model, Duration::YEAR, strata::VarianceReduction::PeakSeason).unwrap();
        assert_eq!(design.weights.len(), strata::PEAK_STRATA);
        let strata::Points::Peak(splits, season) = design.dims[2].points.clone() else { panic!("a peak count") };
        let (region, logical) = (splits[0], splits[1]);
        assert_eq!(design.dims[0].points, strata::Points::Above(vec![region]));
        assert_eq!(design.dims[1].points, strata::Points::Above(vec![logical]));
        let windows = season.windows.clone();
        assert_eq!(windows.len(), 1);
        let mut world = World::new(&model);
        let (mut inside_seen, mut late_seen, mut long_seen, mut region_inside) = (0, 0, 0, 0);
        for trial in 0..2_000 {
            let mut rng = seed::world_rng(4, trial);
            design.give(&mut world, design.stratum_of(trial), Duration::YEAR, &mut rng);
            let late_points = world.given[logical.slot].clone();
            let long_points = world.given[region.slot].clone();
            let peak_points = [world.peak_below[logical.slot].clone(), world.peak_below[region.slot].clone()];
            world.sample(&model, Duration::YEAR, &mut rng);
            for o in &world.outages {
                let inside = in_windows(&windows, o.start);
                let length = o.end.saturating_since(o.start);
                let (above, given, peak) = match o.kind {
                    DisruptionKind::Logical => (length > logical.threshold, &late_points, &peak_points[0]),
                    DisruptionKind::Region if o.region == 0 && !world.region_outage_shared(0, o.start) => {
                        // A long outage is capped at the trial's end.
                        let capped = o.end >= SimTime::after_start(Duration::YEAR);
                        (length > region.threshold || capped, &long_points, &peak_points[1])
                    }
                    _ => continue,
                };
                assert_eq!(above, given.contains(&o.start), "trial {trial}: {:?} at {:?}", o.kind, o.start);
                if inside && !above {
                    assert!(peak.contains(&o.start), "trial {trial}: a drawn point inside a window");
                }
                match o.kind {
                    DisruptionKind::Logical => {
                        late_seen += usize::from(above);
                        inside_seen += usize::from(inside && !above);
                    }
                    _ => {
                        long_seen += usize::from(above);
                        region_inside += usize::from(inside && !above);
                    }
                }
            }
        }
        assert!(
            inside_seen > 500 && late_seen > 25 && long_seen > 100 && region_inside > 3,
            "{inside_seen} {late_seen} {long_seen} {region_inside}"
        );
    }

    #[test]
    fn after_outside_skips_the_windows_and_place_stays_on_its_side() {
        let t = |d: f64| SimTime::from_secs(d * 86_400.0);
        let windows = [(t(10.0), t(20.0)), (t(30.0), t(31.0))];
        let day = Duration::DAY;
        assert_eq!(after_outside(&windows, t(0.0), day * 5.0), t(5.0));
        assert_eq!(after_outside(&windows, t(5.0), day * 6.0), t(21.0));
        assert_eq!(after_outside(&windows, t(15.0), day * 1.0), t(21.0));
        assert_eq!(after_outside(&windows, t(5.0), day * 20.0), t(36.0));
        assert!(in_windows(&windows, t(10.0)) && !in_windows(&windows, t(20.0)) && in_windows(&windows, t(30.5)));
        for i in 0..1000 {
            let u = f64::from(i) / 1000.0;
            assert!(in_windows(&windows, place(&windows, true, Duration::YEAR, u)));
            assert!(!in_windows(&windows, place(&windows, false, Duration::YEAR, u)));
        }
        // Uniform: the share of the inside placed in the first window is its share of the length.
        let first =
            (0..1100).filter(|&i| place(&windows, true, Duration::YEAR, f64::from(i) / 1100.0) < t(20.0)).count();
        assert_eq!(first, 1000);
    }

    #[test]
    fn heap_and_scan_queues_sample_the_same_world() {
        let model = big_model();
        let mut heap = World::new(&model);
        assert!(heap.use_heap, "{} components", heap.components.len());
        let mut scan = World::new(&model);
        scan.use_heap = false;
        for trial in 0..20 {
            heap.sample(&model, Duration::YEAR * 3.0, &mut seed::world_rng(9, trial));
            scan.sample(&model, Duration::YEAR * 3.0, &mut seed::world_rng(9, trial));
            assert!(!heap.outages.is_empty());
            assert_eq!(heap.outages, scan.outages, "trial {trial}");
        }
    }

    #[test]
    fn region_back_after_matches_a_scan_of_every_outage() {
        let model = big_model();
        let mut world = World::new(&model);
        let brute = |w: &World, region: usize, t: SimTime| {
            w.outages
                .iter()
                .filter(|o| {
                    o.kind == DisruptionKind::Region && o.region as usize == region && o.start <= t && t < o.end
                })
                .map(|o| o.end)
                .reduce(SimTime::max)
        };
        let mut rng = SimRng::seed_from_u64(3);
        let mut covered = 0;
        for trial in 0..3 {
            world.sample(&model, Duration::YEAR * 2.0, &mut seed::world_rng(4, trial));
            // The start and end (the edges) of every region outage and random instants.
            let mut probes: Vec<SimTime> = world
                .outages
                .iter()
                .filter(|o| o.kind == DisruptionKind::Region)
                .flat_map(|o| [o.start, o.end])
                .collect();
            probes.extend((0..200).map(|_| SimTime::after_start(Duration::YEAR * 2.0 * rng.random::<f64>())));
            for t in probes {
                for region in 0..13 {
                    let expected = brute(&world, region, t);
                    covered += usize::from(expected.is_some());
                    assert_eq!(world.region_back_after(region, t), expected, "trial {trial}, region {region}, {t:?}");
                }
            }
        }
        assert!(covered > 100, "{covered} probes inside an outage");
    }

    /// `h` hours into the trial.
    fn at(h: f64) -> SimTime {
        SimTime::after_start(Duration::HOUR * h)
    }

    /// A region-wide outage of `region` from `start` to `end` hours, with no marks.
    fn region_outage(region: u16, start: f64, end: f64) -> Outage {
        Outage {
            kind: DisruptionKind::Region,
            region,
            az: 0,
            start: at(start),
            end: at(end),
            control_plane: false,
            ransomware: false,
            destroys_mutable_backups: false,
            destroyed: false,
            deletion: Deletion::None,
        }
    }

    /// Overlapping region outages (which a sampled world never has) still
    /// give the latest end, as a scan would.
    #[test]
    fn region_back_after_takes_the_latest_end_of_overlapping_outages() {
        let outage = |start: f64, end: f64| region_outage(1, start, end);
        let world = World::with_outages(Duration::YEAR, vec![outage(1.0, 10.0), outage(2.0, 4.0), outage(5.0, 6.0)]);
        assert_eq!(world.region_back_after(1, at(0.5)), None);
        assert_eq!(world.region_back_after(1, at(5.5)), Some(at(10.0)));
        assert_eq!(world.region_back_after(1, at(10.0)), None);
        assert_eq!(world.region_back_after(0, at(5.0)), None);
        assert_eq!(world.region_back_after(7, at(5.0)), None);
    }

    /// A common-mode event is one outage per region with the same start;
    /// an outage of its own starts at a time no other region's does.
    #[test]
    fn a_region_outage_is_shared_when_another_region_began_one_at_the_same_time() {
        let outages = vec![
            region_outage(1, 1.0, 3.0),
            region_outage(0, 1.0, 3.0),
            region_outage(2, 2.0, 4.0),
            region_outage(0, 5.0, 6.0),
        ];
        let world = World::with_outages(Duration::YEAR, outages);
        assert!(world.region_outage_shared(0, at(1.0)) && world.region_outage_shared(1, at(1.0)));
        assert!(!world.region_outage_shared(2, at(2.0)), "region 2's own outage, during the others'");
        assert!(!world.region_outage_shared(0, at(5.0)));
        assert!(!world.region_outage_shared(0, at(1.5)), "no outage begins then");
    }

    #[test]
    fn simultaneous_events_pop_in_the_order_they_were_pushed() {
        let mut world = World { horizon: Duration::YEAR, ..World::default() };
        let at = SimTime::after_start(Duration::HOUR);
        // Slots and phases deliberately out of order, so only the push order can explain the pops.
        let pushed = [(7, Phase::Recover), (3, Phase::Fail), (9, Phase::Fail), (0, Phase::Recover), (5, Phase::Fail)];
        for (slot, phase) in pushed {
            world.push(at, slot, phase);
        }
        // One earlier event pushed last and one later event pushed in between
        // show that time still comes first; time 0 is the earliest of all.
        world.push(SimTime::from_secs(at.secs() * 2.0), 1, Phase::Fail);
        world.push(SimTime::ZERO, 2, Phase::Recover);
        world.push(SimTime::after_start(Duration::YEAR), 4, Phase::Fail); // at the horizon: never queued

        let mut popped = Vec::new();
        while let Some(e) = world.pop() {
            popped.push(unpack(e));
        }
        let mut expected = vec![(SimTime::ZERO, 2, false)];
        expected.extend(pushed.iter().map(|&(slot, phase)| (at, slot, phase == Phase::Fail)));
        expected.push((SimTime::from_secs(at.secs() * 2.0), 1, true));
        assert_eq!(popped, expected);
    }
}
