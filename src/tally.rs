//! Running totals of a simulation: per strategy and disruption kind, and per
//! strategy and trial. Integers and fixed-point sums only, so tallies merge
//! exactly in any order (threads, shards) and memory does not grow with trials.

use serde::{Deserialize, Serialize};

use crate::incident::{Incident, Path, Step};
use crate::model::{DisruptionKind, Duration, Model, SimTime};
use crate::stats::{LogHistogram, Moments, Sum, TrialCounts, TrialTotals};

/// Totals over the incidents of one kind under one strategy.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct KindTally {
    /// Incidents.
    pub incidents: u64,
    /// In a stratum's tally: the square of each trial's count of these
    /// incidents, summed over trials. With `incidents` (their sum), how the
    /// count varies from trial to trial, which a stratified run's
    /// per-incident figures need for their standard error
    /// ([`crate::stats::stratified::count_spread`]). 0 in a plain run,
    /// which has no use for it (and does not pay for it).
    #[serde(default)]
    pub incidents_sq: u64,
    /// Incidents whose downtime met the RTO target.
    pub rto_met: u64,
    /// Incidents whose data loss met the RPO target.
    pub rpo_met: u64,
    /// Incidents that met both.
    pub both_met: u64,
    /// Incidents in which all data was lost.
    pub data_lost_entirely: u64,
    /// Load-weighted downtime per incident, seconds.
    pub downtime_s: LogHistogram,
    /// Data-loss window per incident, seconds (+inf when all data was lost).
    pub data_loss_s: LogHistogram,
    /// Degraded time per incident, seconds (mean only).
    pub degraded_s: Sum,
    /// Failback interruption per incident, seconds (mean only).
    pub failback_s: Sum,
    /// Time in each recovery step, seconds, indexed by [`Step`] (means only).
    pub steps_s: [Sum; Step::COUNT],
    /// Incidents by path, indexed by [`Path`].
    pub paths: [u64; Path::COUNT],
    /// Cost per incident, USD.
    pub cost_usd: Moments,
    /// Time until service is back per incident, unweighted (the wall time of
    /// its steps: from the loss of service, for `logical` from detection), seconds.
    #[serde(default)]
    pub service_back_s: LogHistogram,
    /// Simulated years (of [`year_slots`] per trial) with at least one
    /// incident of this kind missing the RTO target.
    #[serde(default)]
    pub years_with_rto_breach: u64,
    /// Simulated years with at least one incident of this kind missing the RPO target.
    #[serde(default)]
    pub years_with_rpo_breach: u64,
    /// With replayed recoveries ([`Tally::region_plays`] above 1, `region`
    /// incidents only): how many of each incident's plays met the targets,
    /// summed, and their squares summed; empty otherwise.
    #[serde(default, skip_serializing_if = "Replayed::is_empty")]
    pub replayed: Replayed,
    /// In a stratum's tally: the per-trial totals of the per-incident
    /// figures a stratified run estimates as ratios, for their exact
    /// standard errors; empty in a plain run, which does not pay for them.
    #[serde(default, skip_serializing_if = "KindTrials::is_empty")]
    pub per_trial: KindTrials,
}

/// Per-trial totals ([`TrialTotals`], [`TrialCounts`]) of one kind's
/// per-incident figures, kept in a stratum's tally: a trial's count of
/// incidents and its total of each figure, summed over the stratum's trials
/// with their squares and products (`stats::stratified`,
/// [`Spread::Totals`](crate::stats::stratified::Spread)).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindTrials {
    /// Cost, USD (count: incidents).
    pub cost_usd: TrialTotals,
    /// Load-weighted downtime, seconds (count: finite values, as its histogram's moments).
    pub downtime_s: TrialTotals,
    /// Time until service is back, seconds (count: finite values).
    pub service_back_s: TrialTotals,
    /// Incidents meeting the RTO target, the RPO target and both (count: incidents).
    pub met: [TrialCounts; 3],
    /// Incidents losing all data.
    pub data_lost_entirely: TrialCounts,
    /// With replays ([`Replayed`]): plays meeting the RTO target, the RPO
    /// target and both (count: replayed incidents).
    #[serde(default)]
    pub replayed: [TrialCounts; 3],
}

impl KindTrials {
    /// Whether no trial held an incident of the kind (or totals were not kept).
    pub fn is_empty(&self) -> bool {
        self.cost_usd.is_empty() && self.replayed.iter().all(TrialCounts::is_empty)
    }

    fn merge(&mut self, o: &KindTrials) {
        self.cost_usd.merge(&o.cost_usd);
        self.downtime_s.merge(&o.downtime_s);
        self.service_back_s.merge(&o.service_back_s);
        let counts = self.met.iter_mut().chain([&mut self.data_lost_entirely]).chain(&mut self.replayed);
        for (a, b) in counts.zip(o.met.iter().chain([&o.data_lost_entirely]).chain(&o.replayed)) {
            a.merge(b);
        }
    }
}

/// A kind's running totals when a trial began, for
/// [`Tally::close_stratum_trial`]: what the trial added is the difference,
/// exact since every total is an integer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct KindMark {
    incidents: u64,
    met: [u64; 3],
    lost: u64,
    cost: i128,
    downtime: (u64, i128),
    back: (u64, i128),
    replayed: u64,
    replayed_met: [u64; 3],
}

impl KindMark {
    fn of(k: &KindTally) -> KindMark {
        let fixed = |m: &Moments| (m.count(), m.fixed_sum());
        KindMark {
            incidents: k.incidents,
            met: [k.rto_met, k.rpo_met, k.both_met],
            lost: k.data_lost_entirely,
            cost: k.cost_usd.fixed_sum(),
            downtime: fixed(k.downtime_s.moments()),
            back: fixed(k.service_back_s.moments()),
            replayed: k.replayed.incidents,
            replayed_met: [k.replayed.rto_met[0], k.replayed.rpo_met[0], k.replayed.both_met[0]],
        }
    }
}

/// How many of an incident's replays (all plays but the first, see
/// `engine::replay`) met the region targets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReplaysMet {
    /// Replays meeting the RTO target.
    pub rto: u32,
    /// Replays meeting the RPO target.
    pub rpo: u32,
    /// Replays meeting both.
    pub both: u32,
}

/// Per kind, the plays of replayed incidents (conditional Monte Carlo,
/// `engine::replay`): each incident played `K` times ([`Tally::region_plays`],
/// the first play being the one every other figure records), and for each
/// target the count `m` of plays that met it, summed over incidents (`m`)
/// and squared (`m^2`), so that the mean `m / K` per incident and its
/// sample variance come out exactly after any merge. Integers only.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replayed {
    /// Incidents replayed.
    pub incidents: u64,
    /// Plays meeting the RTO target, summed over incidents, and the sum of their squares.
    pub rto_met: [u64; 2],
    /// Plays meeting the RPO target, summed, and the sum of squares.
    pub rpo_met: [u64; 2],
    /// Plays meeting both, summed, and the sum of squares.
    pub both_met: [u64; 2],
}

impl Replayed {
    /// Whether no incident was replayed.
    pub fn is_empty(&self) -> bool {
        self.incidents == 0
    }

    fn merge(&mut self, o: &Replayed) {
        self.incidents += o.incidents;
        for (a, b) in [(&mut self.rto_met, o.rto_met), (&mut self.rpo_met, o.rpo_met), (&mut self.both_met, o.both_met)]
        {
            a[0] += b[0];
            a[1] += b[1];
        }
    }
}

impl KindTally {
    fn merge(&mut self, o: &KindTally) {
        self.incidents += o.incidents;
        self.incidents_sq += o.incidents_sq;
        self.rto_met += o.rto_met;
        self.rpo_met += o.rpo_met;
        self.both_met += o.both_met;
        self.data_lost_entirely += o.data_lost_entirely;
        self.downtime_s.merge(&o.downtime_s);
        self.data_loss_s.merge(&o.data_loss_s);
        self.degraded_s.merge(&o.degraded_s);
        self.failback_s.merge(&o.failback_s);
        for (a, b) in self.steps_s.iter_mut().zip(&o.steps_s) {
            a.merge(b);
        }
        for (a, b) in self.paths.iter_mut().zip(&o.paths) {
            *a += b;
        }
        self.cost_usd.merge(&o.cost_usd);
        self.service_back_s.merge(&o.service_back_s);
        self.years_with_rto_breach += o.years_with_rto_breach;
        self.years_with_rpo_breach += o.years_with_rpo_breach;
        self.replayed.merge(&o.replayed);
        self.per_trial.merge(&o.per_trial);
    }

    /// Adds to [`Self::incidents_sq`] and [`Self::per_trial`] what one
    /// trial added to the totals since `before`.
    fn close_trial(&mut self, before: &KindMark) {
        let now = KindMark::of(self);
        let x = now.incidents - before.incidents;
        if x > 0 {
            self.incidents_sq += x * x;
            let t = &mut self.per_trial;
            t.cost_usd.push(x, now.cost - before.cost);
            t.downtime_s.push(now.downtime.0 - before.downtime.0, now.downtime.1 - before.downtime.1);
            t.service_back_s.push(now.back.0 - before.back.0, now.back.1 - before.back.1);
            for ((t, now), before) in t.met.iter_mut().zip(now.met).zip(before.met) {
                t.push(x, now - before);
            }
            t.data_lost_entirely.push(x, now.lost - before.lost);
        }
        let replayed = now.replayed - before.replayed;
        if replayed > 0 {
            for ((t, now), before) in self.per_trial.replayed.iter_mut().zip(now.replayed_met).zip(before.replayed_met)
            {
                t.push(replayed, now - before);
            }
        }
    }
}

/// Totals for one strategy.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct StrategyTally {
    /// Per disruption kind, indexed by [`DisruptionKind`].
    pub kinds: Vec<KindTally>,
    /// Downtime per trial (load-weighted, incl. failback, within the horizon), seconds.
    pub trial_downtime_s: LogHistogram,
    /// Data-loss windows added up per trial, seconds (trials with total loss excluded).
    pub trial_data_loss_s: Moments,
    /// Trials in which some incident lost all data.
    pub trials_with_total_loss: u64,
    /// Simulated years (of [`Tally::year_slots`] per trial) in which some
    /// incident lost all data: P(a year with a total loss) is this over
    /// `trials x year_slots`.
    #[serde(default)]
    pub years_with_total_loss: u64,
    /// Incidents per trial.
    pub trial_incidents: Moments,
    /// Total cost per trial (fixed + incidents), USD.
    pub trial_cost_usd: LogHistogram,
    /// Per trial: what the DR side cost while serving after failovers, USD
    /// (part of the incident costs; see `[strategy.cost] failover_usd_per_hour`).
    #[serde(default)]
    pub failover_running_usd: Sum,
    /// Planned maintenance downtime per trial, seconds (part of `trial_downtime_s`).
    #[serde(default)]
    pub trial_maintenance_s: Moments,
}

/// The running totals of a run.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Tally {
    /// Trials simulated.
    pub trials: u64,
    /// Length of each trial, seconds.
    pub horizon_s: f64,
    /// RTO target per kind used for `rto_met`, seconds, indexed by [`DisruptionKind`].
    pub rto_s: Vec<f64>,
    /// RPO target per kind used for `rpo_met`, seconds, indexed by [`DisruptionKind`].
    pub rpo_s: Vec<f64>,
    /// Per strategy, in model order.
    pub strategies: Vec<StrategyTally>,
    /// Per trial difference of total cost between strategies i and j (i < j),
    /// at index `pair_index(i, j)`: for paired intervals on common random numbers.
    pub paired_cost_usd: Vec<Moments>,
    /// Stratified sampling (`world::strata`): one tally per stratum, holding
    /// its trials (this tally's own per-strategy totals then stay empty and
    /// `trials` counts every stratum's); empty in a plain run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub strata: Vec<Tally>,
    /// Plays of every `region` incident, outage and recovery (`drsim run
    /// --region-replays`, conditional Monte Carlo; see
    /// [`KindTally::replayed`]): 1, the default, plays each once.
    #[serde(default = "one_play", skip_serializing_if = "is_one_play")]
    pub region_plays: u32,
}

fn one_play() -> u32 {
    1
}

fn is_one_play(plays: &u32) -> bool {
    *plays == 1
}

/// Simulated years per trial for per-year shares: the horizon in whole years,
/// rounded up (a trial shorter than a year counts as one).
pub fn year_slots(horizon: Duration) -> u64 {
    slots_of((horizon / Duration::YEAR) - 1e-9)
}

/// `years.ceil().max(1.0) as u64` without a libm call (baseline x86-64 has
/// no rounding instruction, and this ran for every incident that missed a
/// target): 1 up to one year (and for NaN, as `max` gives), else
/// [`crate::num::ceil_i64`]. Exact for any count of years below 2^63, far
/// beyond the 1,000 years a trial may last.
fn slots_of(years: f64) -> u64 {
    if years > 1.0 { crate::num::ceil_i64(years) as u64 } else { 1 }
}

/// The year of a trial an instant falls in, `0..slots` (`slots`: its
/// [`year_slots`]). The years since the start are truncated, which for the
/// non-negative times of a trial is the floor (and `as` maps NaN and
/// negatives to 0, as `floor().max(0.0)` did).
fn year_slot(t: SimTime, slots: u64) -> u64 {
    let year = (t.since_start() / Duration::YEAR) as u64;
    year.min(slots - 1)
}

/// Index of the pair (i, j), i < j, among `n` strategies.
pub fn pair_index(i: usize, j: usize, n: usize) -> usize {
    debug_assert!(i < j && j < n);
    i * n - i * (i + 1) / 2 + (j - i - 1)
}

/// Pushes one trial's difference `values[i] - values[j]` of every pair
/// `i < j` into `pairs`, at [`pair_index`]`(i, j, values.len())`.
pub fn push_pairs(pairs: &mut [Moments], values: &[f64]) {
    let n = values.len();
    debug_assert_eq!(pairs.len(), n * n.saturating_sub(1) / 2);
    let mut k = 0;
    for (i, &a) in values.iter().enumerate() {
        for &b in &values[i + 1..] {
            pairs[k].push(a - b);
            k += 1;
        }
    }
}

impl StrategyTally {
    /// Incidents of every kind meeting both targets, and incidents of every
    /// kind: the raw counts of the pooled share
    /// (`StrategySummary::both_met_all_kinds`).
    pub fn both_met_all_kinds(&self) -> (u64, u64) {
        (self.kinds.iter().map(|k| k.both_met).sum(), self.kinds.iter().map(|k| k.incidents).sum())
    }
}

impl Tally {
    /// An empty tally for a model.
    pub fn new(model: &Model, horizon: Duration) -> Tally {
        let n = model.strategies.len();
        let strategy =
            StrategyTally { kinds: vec![KindTally::default(); DisruptionKind::COUNT], ..StrategyTally::default() };
        Tally {
            trials: 0,
            horizon_s: horizon.secs(),
            rto_s: DisruptionKind::ALL.iter().map(|&k| model.targets.rto_for(k).secs()).collect(),
            rpo_s: DisruptionKind::ALL.iter().map(|&k| model.targets.rpo_for(k).secs()).collect(),
            strategies: vec![strategy; n],
            paired_cost_usd: vec![Moments::new(); n * n.saturating_sub(1) / 2],
            strata: Vec::new(),
            region_plays: 1,
        }
    }

    /// The same empty tally, recording `plays` plays of every `region`
    /// incident, outage and recovery (every stratum's too).
    pub fn with_region_plays(mut self, plays: u32) -> Tally {
        self.region_plays = plays;
        for t in &mut self.strata {
            t.region_plays = plays;
        }
        self
    }

    /// An empty tally of a stratified run with `strata` strata.
    pub fn stratified(model: &Model, horizon: Duration, strata: usize) -> Tally {
        Tally { strata: vec![Tally::new(model, horizon); strata], ..Tally::new(model, horizon) }
    }

    /// Whether this is a stratified run's tally.
    pub fn is_stratified(&self) -> bool {
        !self.strata.is_empty()
    }

    /// Adds another tally of the same model and settings.
    pub fn merge(&mut self, other: &Tally) {
        self.trials += other.trials;
        for (a, b) in self.strategies.iter_mut().zip(&other.strategies) {
            for (ka, kb) in a.kinds.iter_mut().zip(&b.kinds) {
                ka.merge(kb);
            }
            a.trial_downtime_s.merge(&b.trial_downtime_s);
            a.trial_data_loss_s.merge(&b.trial_data_loss_s);
            a.trials_with_total_loss += b.trials_with_total_loss;
            a.years_with_total_loss += b.years_with_total_loss;
            a.trial_incidents.merge(&b.trial_incidents);
            a.trial_cost_usd.merge(&b.trial_cost_usd);
            a.failover_running_usd.merge(&b.failover_running_usd);
            a.trial_maintenance_s.merge(&b.trial_maintenance_s);
        }
        for (a, b) in self.paired_cost_usd.iter_mut().zip(&other.paired_cost_usd) {
            a.merge(b);
        }
        if self.strata.is_empty() {
            self.strata = other.strata.clone();
        } else {
            for (a, b) in self.strata.iter_mut().zip(&other.strata) {
                a.merge(b);
            }
        }
    }

    /// Starts recording one strategy's incidents in one trial.
    #[inline]
    pub(crate) fn begin_trial(&mut self, strategy: usize) -> TrialTally<'_> {
        let horizon = Duration::from_secs(self.horizon_s);
        TrialTally {
            horizon,
            slots: year_slots(horizon),
            rto: &self.rto_s,
            rpo: &self.rpo_s,
            tally: &mut self.strategies[strategy],
            downtime: Duration::ZERO,
            data_loss: Duration::ZERO,
            total_loss: false,
            incidents: 0,
            cost_usd: 0.0,
            failover_running_usd: 0.0,
            years: YearMarks::default(),
            maintenance: Duration::ZERO,
        }
    }

    /// Every strategy's totals of every kind so far, strategy by strategy,
    /// into `marks` (for [`Tally::close_stratum_trial`]).
    pub(crate) fn marks(&self, marks: &mut Vec<KindMark>) {
        marks.clear();
        marks.extend(self.strategies.iter().flat_map(|s| s.kinds.iter().map(KindMark::of)));
    }

    /// Closes a trial of a stratum's tally, `before` its [`Tally::marks`]
    /// when the trial began: adds the trial's count of each kind, squared,
    /// to [`KindTally::incidents_sq`], and its totals to
    /// [`KindTally::per_trial`].
    pub(crate) fn close_stratum_trial(&mut self, before: &[KindMark]) {
        let kinds = self.strategies.iter_mut().flat_map(|s| s.kinds.iter_mut());
        for (k, before) in kinds.zip(before) {
            k.close_trial(before);
        }
    }

    /// Closes a trial: records the paired cost differences.
    pub(crate) fn end_trial(&mut self, annual_cost: &[f64]) {
        self.trials += 1;
        push_pairs(&mut self.paired_cost_usd, annual_cost);
    }
}

/// One strategy's incidents in one trial, being recorded.
pub(crate) struct TrialTally<'a> {
    horizon: Duration,
    /// [`year_slots`] of the horizon.
    slots: u64,
    rto: &'a [f64],
    rpo: &'a [f64],
    tally: &'a mut StrategyTally,
    downtime: Duration,
    data_loss: Duration,
    total_loss: bool,
    incidents: u64,
    cost_usd: f64,
    failover_running_usd: f64,
    /// The year slots already counted in this trial: with an RTO or RPO
    /// breach per kind, with a total loss.
    years: YearMarks,
    maintenance: Duration,
}

/// Which year slots of one trial are already counted, per mark (an RTO
/// breach of kind `k` is mark `2k`, an RPO breach `2k + 1`, a total loss
/// [`TOTAL_LOSS`]): a bit mask of the first 64 years, so that a trial of up
/// to 64 years neither allocates nor drops anything; a list beyond.
///
/// A year is counted (in the strategy's tally) when it is first marked, so
/// nothing is left to add up when the trial ends.
#[derive(Default)]
struct YearMarks {
    first: [u64; MARKS],
    /// (mark, slot) of marked slots from 64 on.
    later: Vec<(usize, u64)>,
}

/// Marks of [`YearMarks`]: an RTO and an RPO breach per kind, and a total loss.
const MARKS: usize = 2 * DisruptionKind::COUNT + 1;
/// The mark of a year with a total loss.
const TOTAL_LOSS: usize = MARKS - 1;

impl YearMarks {
    /// Marks year `slot` with `mark`; true if it was not marked yet.
    #[inline]
    fn mark(&mut self, mark: usize, slot: u64) -> bool {
        if slot < 64 {
            let bit = 1 << slot;
            let new = self.first[mark] & bit == 0;
            self.first[mark] |= bit;
            new
        } else if self.later.contains(&(mark, slot)) {
            false
        } else {
            self.later.push((mark, slot));
            true
        }
    }
}

impl TrialTally<'_> {
    /// Records one incident.
    pub(crate) fn record(&mut self, incident: &Incident) {
        let k = &mut self.tally.kinds[incident.kind.index()];
        let rto_met = incident.rto_met(Duration::from_secs(self.rto[incident.kind.index()]));
        let rpo_met = incident.rpo_met(Duration::from_secs(self.rpo[incident.kind.index()]));
        k.incidents += 1;
        k.rto_met += u64::from(rto_met);
        k.rpo_met += u64::from(rpo_met);
        k.both_met += u64::from(rto_met && rpo_met);
        k.data_lost_entirely += u64::from(incident.data_loss.is_total());
        k.downtime_s.record(incident.downtime.secs());
        k.data_loss_s.record(incident.data_loss.secs());
        k.degraded_s.push(incident.degraded.secs());
        k.failback_s.push(incident.failback_downtime.secs());
        for (m, d) in k.steps_s.iter_mut().zip(incident.steps) {
            m.push(d.secs());
        }
        k.paths[incident.path.index()] += 1;
        k.cost_usd.push(incident.cost_usd);
        k.service_back_s.record(incident.elapsed().secs());

        // Only the part of an incident inside the horizon counts toward the year.
        let down_from = incident.start + incident.detection_delay;
        if !(rto_met && rpo_met) {
            let slot = year_slot(down_from, self.slots);
            let kind = incident.kind.index();
            if !rto_met && self.years.mark(2 * kind, slot) {
                k.years_with_rto_breach += 1;
            }
            if !rpo_met && self.years.mark(2 * kind + 1, slot) {
                k.years_with_rpo_breach += 1;
            }
        }
        let room = SimTime::after_start(self.horizon).saturating_since(down_from);
        self.downtime += (incident.downtime + incident.failback_downtime).min(room);
        self.incidents += 1;
        match incident.data_loss.window() {
            Some(window) => self.data_loss += window,
            None => {
                self.total_loss = true;
                if self.years.mark(TOTAL_LOSS, year_slot(down_from, self.slots)) {
                    self.tally.years_with_total_loss += 1;
                }
            }
        }
        self.cost_usd += incident.cost_usd;
        self.failover_running_usd += incident.failover_running_usd;
    }

    /// Records the plays of a replayed incident: `first`, already
    /// [`record`](Self::record)ed, and how many of its replays (same event,
    /// independent responses) met each target.
    pub(crate) fn record_replays(&mut self, first: &Incident, again: ReplaysMet) {
        let index = first.kind.index();
        let rto = first.rto_met(Duration::from_secs(self.rto[index]));
        let rpo = first.rpo_met(Duration::from_secs(self.rpo[index]));
        let r = &mut self.tally.kinds[index].replayed;
        r.incidents += 1;
        for (sums, first_met, again) in [
            (&mut r.rto_met, rto, again.rto),
            (&mut r.rpo_met, rpo, again.rpo),
            (&mut r.both_met, rto && rpo, again.both),
        ] {
            let met = u64::from(again) + u64::from(first_met);
            sums[0] += met;
            sums[1] += met * met;
        }
    }

    /// Records the trial's planned maintenance downtime: counted in the
    /// trial's downtime (availability), not as an incident.
    pub(crate) fn maintenance(&mut self, downtime: Duration) {
        self.downtime += downtime;
        self.maintenance += downtime;
    }

    /// Closes the trial with its fixed cost; returns the trial's total cost.
    pub(crate) fn finish(self, fixed_cost_usd: f64) -> f64 {
        let t = self.tally;
        t.trial_downtime_s.record(self.downtime.min(self.horizon).secs());
        t.trial_data_loss_s.push(self.data_loss.secs());
        t.trials_with_total_loss += u64::from(self.total_loss);
        t.trial_incidents.push(self.incidents as f64);
        t.failover_running_usd.push(self.failover_running_usd);
        t.trial_maintenance_s.push(self.maintenance.min(self.horizon).secs());
        let total = fixed_cost_usd + self.cost_usd;
        t.trial_cost_usd.record(total);
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The libm-free year arithmetic gives what `ceil` and `floor` gave.
    #[test]
    fn year_slots_and_slot_match_ceil_and_floor() {
        let mut values = vec![
            f64::NAN,
            f64::NEG_INFINITY,
            -1.5,
            -0.0,
            0.0,
            5e-324,
            0.999_999_999,
            1.0,
            1.0 + f64::EPSILON,
            1.5,
            2.0,
            63.999,
            64.0,
            999.999_999_999,
            1000.0,
            4_503_599_627_370_495.5,
            9_007_199_254_740_993.0,
            crate::num::FAST,
            9.2e18,
        ];
        values.extend((0..20_000).map(|i| f64::from(i) * 0.0517));
        for y in values {
            assert_eq!(slots_of(y), y.ceil().max(1.0) as u64, "{y}");
        }
        for horizon_years in [0.001, 0.5, 1.0, 1.000_000_000_5, 1.5, 3.0, 64.0, 65.0, 1000.0] {
            let horizon = Duration::YEAR * horizon_years;
            let slots = year_slots(horizon);
            assert_eq!(slots, ((horizon / Duration::YEAR) - 1e-9).ceil().max(1.0) as u64);
            for i in 0..=4000 {
                let t = SimTime::after_start(horizon * (f64::from(i) / 4000.0));
                let old = ((t.since_start() / Duration::YEAR).floor().max(0.0) as u64).min(slots - 1);
                assert_eq!(year_slot(t, slots), old, "{horizon_years} years, {i}");
            }
        }
    }

    /// Years are counted once each, whether below 64 (bits) or beyond (the list).
    #[test]
    fn year_marks_count_each_year_once_per_mark() {
        let mut marks = YearMarks::default();
        let slots = [0, 5, 5, 63, 64, 64, 700, 0, 700, 999];
        let new: Vec<bool> = slots.iter().map(|&s| marks.mark(3, s)).collect();
        assert_eq!(new, [true, true, false, true, true, false, true, false, false, true]);
        assert!(marks.mark(TOTAL_LOSS, 5) && marks.mark(TOTAL_LOSS, 64), "marks are independent");
    }

    // A trial's count per kind is what it added to `incidents`; its square
    // is what `incidents_sq` gains, and its totals (here its cost and its
    // incidents meeting the RTO) go to `per_trial` with the count.
    #[test]
    fn a_stratum_trial_adds_its_counts_and_totals_kind_by_kind() {
        let strategy =
            StrategyTally { kinds: vec![KindTally::default(); DisruptionKind::COUNT], ..StrategyTally::default() };
        let mut tally = Tally {
            trials: 0,
            horizon_s: Duration::YEAR.secs(),
            rto_s: Vec::new(),
            rpo_s: Vec::new(),
            strategies: vec![strategy; 2],
            paired_cost_usd: Vec::new(),
            strata: Vec::new(),
            region_plays: 1,
        };
        let mut before = Vec::new();
        // Per trial, kind 0's incidents (each costing 2.5 and meeting the
        // RTO) and kind 1's (costing 1, missing it).
        for (trial, counts) in [[2u64, 0], [3, 1], [0, 0]].iter().enumerate() {
            tally.marks(&mut before);
            for s in &mut tally.strategies {
                for (k, (&count, cost)) in s.kinds.iter_mut().zip(counts.iter().zip([2.5, 1.0])) {
                    let count = count + if k.incidents == 0 { 0 } else { trial as u64 % 2 };
                    k.incidents += count;
                    k.rto_met += if cost > 2.0 { count } else { 0 };
                    (0..count).for_each(|_| k.cost_usd.push(cost));
                }
            }
            tally.close_stratum_trial(&before);
        }
        for s in &tally.strategies {
            let (a, b) = (&s.kinds[0], &s.kinds[1]);
            assert_eq!((a.incidents, a.incidents_sq), (6, 4 + 16));
            assert_eq!((b.incidents, b.incidents_sq), (1, 1));
            let cost = &a.per_trial.cost_usd;
            assert_eq!((cost.count, cost.count_sq, cost.products), (6, 20, (2 * 5 + 4 * 10) * 1_000_000));
            assert_eq!((cost.sums.count(), cost.sums.sum()), (2, 15.0), "trials holding incidents");
            assert_eq!(a.per_trial.met[0].products, 2 * 2 + 4 * 4);
            assert_eq!((b.per_trial.met[0].count, b.per_trial.met[0].products), (1, 0));
            assert!(s.kinds[2].per_trial.is_empty(), "kinds without incidents keep nothing");
        }
    }

    #[test]
    fn pairs_are_pushed_where_pair_index_finds_them() {
        let values = [5.0, 2.0, 9.0, 4.0];
        let mut pairs = vec![Moments::new(); 6];
        push_pairs(&mut pairs, &values);
        for i in 0..4 {
            for j in i + 1..4 {
                assert_eq!(pairs[pair_index(i, j, 4)].mean(), values[i] - values[j]);
            }
        }
    }
}
