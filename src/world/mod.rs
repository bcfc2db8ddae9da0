//! The failure history of one trial (the *world*), sampled once and then
//! played against every strategy (common random numbers).
//!
//! Every component (each region, each AZ, and the data for `logical` damage)
//! is an alternating renewal process: it fails at its rate only while up, and
//! stays down for a duration drawn from its failure mode. The processes run on
//! one event queue ordered by `(time, insertion sequence)`, so simultaneous
//! events have a defined order. An AZ cannot fail while its region is down: a
//! region outage already takes every AZ down, and an AZ failure drawn for that
//! time is replaced by a fresh draw after the region returns.

use rand::RngExt;
use rand_distr::{Distribution, Exp1};

pub mod seed;
pub mod site;

use crate::model::{Duration, FailureDetail, Kind, Model};
use seed::SimRng;

/// One outage of one component in a trial.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Outage {
    /// What failed.
    pub kind: Kind,
    /// The region (for `logical`: 0, unused).
    pub region: u16,
    /// The AZ within the region (for `region` and `logical`: 0, unused).
    pub az: u16,
    /// When it began, since the start of the trial.
    pub start: Duration,
    /// When the component was back (`logical`: when the damage was noticed).
    pub end: Duration,
    /// A region outage that also took the region's control plane down.
    pub control_plane: bool,
    /// A `logical` incident that is ransomware.
    pub ransomware: bool,
    /// A ransomware attack that destroys backups which are not immutable.
    pub destroys_mutable_backups: bool,
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
}

/// A queued state change, packed into one integer so the queue compares one
/// `u128`: the time's bits (non-negative `f64` bit patterns sort like the
/// numbers they encode) in the high 64 bits, then the insertion sequence
/// (unique, so it alone breaks ties), the component's slot and the phase.
type Entry = u128;

/// Bits of an [`Entry`] below the sequence number: slot and phase.
const SEQ_SHIFT: u32 = 24;

fn entry(at: Duration, seq: u64, slot: usize, phase: Phase) -> Entry {
    debug_assert!(seq < 1 << (64 - SEQ_SHIFT) && slot < 1 << (SEQ_SHIFT - 1));
    let low = (seq << SEQ_SHIFT) | ((slot as u64) << 1) | u64::from(phase == Phase::Fail);
    (u128::from(at.secs().to_bits()) << 64) | u128::from(low)
}

/// The time, slot and whether it is a failure, of a queued entry.
fn unpack(key: Entry) -> (Duration, usize, bool) {
    let low = key as u64;
    (
        Duration::from_secs(f64::from_bits((key >> 64) as u64)),
        ((low & ((1 << SEQ_SHIFT) - 1)) >> 1) as usize,
        low & 1 == 1,
    )
}

/// The sampled world of one trial, with buffers reused from trial to trial.
#[derive(Debug, Default)]
pub struct World {
    /// Length of the trial.
    pub horizon: Duration,
    /// Every outage that began within the horizon, in order of start.
    pub outages: Vec<Outage>,
    /// Anchor of every backup schedule in this trial: backups run at
    /// `anchor + k * interval`. Uniform over one day, shared by all strategies,
    /// so a schedule that divides another takes a superset of its backups.
    pub backup_anchor: Duration,
    /// The event queue, unordered: the pending state changes (at most one per
    /// component: its next failure or its recovery) that fall within the
    /// horizon; later ones can start no outage in the trial and are never
    /// queued. A handful of entries at a time (most components do not fail
    /// in a year), so the next event is found by a scan.
    pending: Vec<Entry>,
    components: Vec<Component>,
    /// Failure rate per year of each component, from [`World::rate_of`] once per run.
    rates: Vec<f64>,
    region_down_until: Vec<Duration>,
    seq: u64,
}

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
        let mut world = World {
            region_down_until: vec![Duration::ZERO; model.topology.regions.len()],
            components,
            ..World::default()
        };
        world.rates = (0..world.components.len()).map(|slot| world.rate_of(model, slot)).collect();
        world
    }

    fn push(&mut self, at: Duration, slot: usize, phase: Phase) {
        self.seq += 1;
        if at < self.horizon {
            self.pending.push(entry(at, self.seq, slot, phase));
        }
    }

    /// Takes the earliest pending event.
    fn pop(&mut self) -> Option<Entry> {
        let (at, _) = self.pending.iter().enumerate().min_by_key(|&(_, &e)| e)?;
        Some(self.pending.swap_remove(at))
    }

    fn next_failure(rng: &mut SimRng, rate_per_year: f64) -> Option<Duration> {
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
        self.seq = 0;
        self.region_down_until.iter_mut().for_each(|d| *d = Duration::ZERO);
        self.backup_anchor = Duration::DAY * rng.random::<f64>();

        for slot in 0..self.components.len() {
            if let Some(t) = Self::next_failure(rng, self.rates[slot]) {
                self.push(t, slot, Phase::Fail);
            }
        }
        while let Some(e) = self.pop() {
            let (now, slot, is_fail) = unpack(e);
            let kind = self.kind_of(slot);
            if !is_fail {
                if let Some(t) = Self::next_failure(rng, self.rates[slot]) {
                    self.push(now + t, slot, Phase::Fail);
                }
                continue;
            }
            let component = self.components[slot];
            if let Component::Az(r, _) = component {
                let region_back = self.region_down_until[r as usize];
                if now < region_back {
                    // The AZ is already down with its region: it cannot fail again.
                    self.push(region_back, slot, Phase::Recover);
                    continue;
                }
            }
            let Some(mode) = model.failure(kind) else { continue };
            let outage = match (&mode.detail, component) {
                (FailureDetail::Outage { duration, control_plane_probability }, _) => {
                    // An outage longer than the trial is down for the whole trial: the
                    // cap changes nothing inside the horizon and keeps every
                    // incident's downtime within it.
                    let d = duration.sample_duration(rng).min(horizon);
                    let control_plane = kind == Kind::Region && rng.random::<f64>() < control_plane_probability.get();
                    let (region, az) = match component {
                        Component::Region(r) => (r, 0),
                        Component::Az(r, a) => (r, a),
                        Component::Data => (0, 0),
                    };
                    if let Component::Region(r) = component {
                        self.region_down_until[r as usize] = now + d;
                    }
                    Outage {
                        kind,
                        region,
                        az,
                        start: now,
                        end: now + d,
                        control_plane,
                        ransomware: false,
                        destroys_mutable_backups: false,
                    }
                }
                (FailureDetail::Logical { detection_delay, ransomware_share, destroys_mutable_backups }, _) => {
                    let d = detection_delay.sample_duration(rng);
                    let ransomware = rng.random::<f64>() < ransomware_share.get();
                    let destroys = ransomware && rng.random::<f64>() < destroys_mutable_backups.get();
                    Outage {
                        kind,
                        region: 0,
                        az: 0,
                        start: now,
                        end: now + d,
                        control_plane: false,
                        ransomware,
                        destroys_mutable_backups: destroys,
                    }
                }
            };
            self.push(outage.end, slot, Phase::Recover);
            self.outages.push(outage);
        }
    }

    /// Failure rate of a component: zero where its failure mode is absent or
    /// does not strike its region.
    fn rate_of(&self, model: &Model, slot: usize) -> f64 {
        let region = match self.components[slot] {
            Component::Region(r) | Component::Az(r, _) => Some(r as usize),
            Component::Data => None,
        };
        match model.failure(self.kind_of(slot)) {
            Some(f) if region.is_none_or(|r| f.regions.contains(&r)) => f.rate_per_year,
            _ => 0.0,
        }
    }

    fn kind_of(&self, slot: usize) -> Kind {
        match self.components[slot] {
            Component::Region(_) => Kind::Region,
            Component::Az(..) => Kind::Az,
            Component::Data => Kind::Logical,
        }
    }

    /// When the region-wide outage of `region` covering time `t` ends, if one does.
    pub fn region_back_after(&self, region: usize, t: Duration) -> Option<Duration> {
        self.outages
            .iter()
            .take_while(|o| o.start <= t)
            .filter(|o| o.kind == Kind::Region && o.region as usize == region && t < o.end)
            .map(|o| o.end)
            .reduce(Duration::max)
    }

    /// True when region `region` is down at time `t` (a region-wide outage).
    pub fn region_down_at(&self, region: usize, t: Duration) -> bool {
        self.region_back_after(region, t).is_some()
    }
}
