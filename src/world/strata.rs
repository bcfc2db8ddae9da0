//! Stratified sampling of worlds (`drsim run --variance-reduction stratified`,
//! and the designs that cross its count with others: `crossed`,
//! `late-detection`, `peak-season`; docs/variance.md). Peak-season counts
//! the primary region's long outages instead of all its failures (see
//! [`peak_design`]).
//!
//! The stratum variable is `N`, the number of points of the Poisson process
//! that fails the primary region on its own: its `region` failures and the
//! `application` failures (which take every region down), at their summed
//! rate `r` per year. With exponential up-times a component's failures are
//! the points of that process falling while it is up (memorylessness), so
//! `N ~ Poisson(r x horizon)` exactly and the stratum weights
//! `p_k = P(N = k)` (`k = 0, 1, 2`) and `P(N >= 3)` are known in closed form.
//!
//! Trial `i` belongs to stratum `table[i mod 256]`, a fixed interleaving of
//! the allocation (so every thread, batch and shard agrees); its `N` is `k`
//! (the last stratum: drawn from the Poisson law given `N >= 3`), the points
//! are uniform over the horizon on components chosen by rate (the Poisson
//! process given its count), drawn from the stream
//! [`super::seed::stratum_rng`], and the rest of the world is sampled as
//! usual from [`super::seed::world_rng`]. Estimates weight stratum `k`'s
//! trials by `p_k / n_k`: unbiased whatever the allocation.

use rand::RngExt;
use rand_distr::{Distribution, Poisson};

use super::seed::SimRng;
use super::{Component, Split, World, pick_by_rate};
use crate::model::{Duration, Model, SimTime};

/// How a run samples its trials' worlds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum VarianceReduction {
    /// Every trial's world drawn plainly (the default).
    #[default]
    None,
    /// Worlds drawn by strata of the primary region's failure count, weighted back.
    Stratified,
    /// Worlds drawn by strata of the primary region's failure count crossed
    /// with the count of `logical` failures, weighted back.
    Crossed,
    /// Worlds drawn by strata of the primary region's failure count crossed
    /// with the count of `logical` failures detected after the shortest
    /// backup retention (the years that can lose all data), weighted back.
    LateDetection,
    /// Worlds drawn by strata of the primary region's long outages (longer
    /// than the P90 of their length), crossed with the late-detection count
    /// and with the count of the primary region's other failures and the
    /// timely logical failures inside the load profile's peaks (what sets
    /// the cost tail); weighted back.
    PeakSeason,
    /// Worlds drawn by whether a week holds a failure of the primary region
    /// and one of another region (what makes a strategy with a region to
    /// fail over to miss its RTO: both down at once); weighted back.
    Coincidence,
}

impl VarianceReduction {
    /// The name on the command line and in results.json's provenance.
    pub fn name(self) -> &'static str {
        match self {
            VarianceReduction::None => "none",
            VarianceReduction::Stratified => "stratified",
            VarianceReduction::Crossed => "crossed",
            VarianceReduction::LateDetection => "late-detection",
            VarianceReduction::PeakSeason => "peak-season",
            VarianceReduction::Coincidence => "coincidence",
        }
    }

    /// The setting named `name` (see [`VarianceReduction::name`]).
    pub fn of_name(name: &str) -> Option<VarianceReduction> {
        [
            VarianceReduction::None,
            VarianceReduction::Stratified,
            VarianceReduction::Crossed,
            VarianceReduction::LateDetection,
            VarianceReduction::PeakSeason,
            VarianceReduction::Coincidence,
        ]
        .into_iter()
        .find(|v| v.name() == name)
    }

    /// The setting whose tally keeps `strata` strata (0: plain).
    pub fn of_strata(strata: usize) -> Option<VarianceReduction> {
        match strata {
            0 => Some(VarianceReduction::None),
            STRATA => Some(VarianceReduction::Stratified),
            CROSSED_STRATA => Some(VarianceReduction::Crossed),
            LATE_STRATA => Some(VarianceReduction::LateDetection),
            PEAK_STRATA => Some(VarianceReduction::PeakSeason),
            COINCIDENCE_STRATA => Some(VarianceReduction::Coincidence),
            _ => None,
        }
    }

    /// Strata its tally keeps (0: plain).
    pub fn strata(self) -> usize {
        match self {
            VarianceReduction::None => 0,
            VarianceReduction::Stratified => STRATA,
            VarianceReduction::Crossed => CROSSED_STRATA,
            VarianceReduction::LateDetection => LATE_STRATA,
            VarianceReduction::PeakSeason => PEAK_STRATA,
            VarianceReduction::Coincidence => COINCIDENCE_STRATA,
        }
    }
}

/// Strata: `N = 0`, `1`, `2` and `N >= 3`.
pub const STRATA: usize = 4;

/// Levels of the `logical` count in a crossed design: `0` to `4`, then `5 or more`.
pub const LOGICAL_LEVELS: usize = 6;

/// Strata of a crossed design: the region count's [`STRATA`] levels times
/// the logical count's [`LOGICAL_LEVELS`].
pub const CROSSED_STRATA: usize = STRATA * LOGICAL_LEVELS;

/// Levels of the late-detection count: `0`, then `1 or more`.
pub const LATE_LEVELS: usize = 2;

/// Strata of a late-detection design: the region count's [`STRATA`] levels
/// times the late-detection count's [`LATE_LEVELS`].
pub const LATE_STRATA: usize = STRATA * LATE_LEVELS;

/// Share of trials a late-detection design gives to the years with at least
/// one logical failure detected after the threshold (probability 0.28% on
/// SecureCart): an eighth. Their cost is up to hundreds of times a typical
/// year's, so they set most of the variance of an expected annual cost;
/// with an eighth of the trials its standard error at equal trials falls
/// about 8-fold on SecureCart (benches/README.md), while figures the late
/// years do not set lose about an eighth of their trials (logical
/// incidents' shares more, as the region strata reweight them too). A
/// quarter would take the expected cost's variance 1.8 times lower still,
/// at twice the loss elsewhere.
pub const LATE_SHARE: f64 = 0.125;

/// Levels of the peak count: `0`, then `1 or more`.
pub const PEAK_LEVELS: usize = 2;

/// Levels of the long-outage count: `0`, `1`, then `2 or more`.
pub const LONG_LEVELS: usize = 3;

/// Strata of a peak-season design: the long-outage count's [`LONG_LEVELS`],
/// times the late-detection count's [`LATE_LEVELS`], times the peak count's
/// [`PEAK_LEVELS`].
pub const PEAK_STRATA: usize = LONG_LEVELS * LATE_LEVELS * PEAK_LEVELS;

/// Share of trials a peak-season design gives to the years with at least
/// one failure of the primary region or a timely one of the data in a peak
/// window of the load profile (3.6% of years on SecureCart): a quarter. On
/// SecureCart 183 to 189 of the 200 costliest of 20,000 years of pilot
/// light, warm standby and active-active hold one or a late detection
/// (benches/README.md, "Peak season"); the figures those years do not set
/// lose a quarter of their trials.
pub const PEAK_SHARE: f64 = 0.25;

/// Share of trials a peak-season design gives to the years with at least
/// one long outage of the primary region (5.8% of years on SecureCart): a
/// fifth. They hold backup-restore's costliest years that the peak does
/// not (a long outage whose restore failed); a long outage sets them only
/// when the restore fails (the strategy's draw, which no count of the
/// world can mark) and the outage runs on for a day or two: one long
/// outage in twelve on SecureCart. So they need more trials than their
/// share of the tail suggests. Against the [`allocation`] of the region count
/// (12%), a fifth took the standard error of backup-restore's P99 of
/// annual cost from 1/1.68 to 1/2.23 of plain sampling's at equal trials
/// over 40 seeds, the others' within the noise of 40 seeds
/// (benches/README.md, "Long outages").
pub const LONG_SHARE: f64 = 0.2;

/// Strata of a coincidence design: no block holds a failure of the primary
/// region and one of another region (`D = 0`), or one does (`D >= 1`).
pub const COINCIDENCE_STRATA: usize = 2;

/// Length of a coincidence design's blocks: a week. A region outage lasts
/// hours (9.17 on average on SecureCart), so most pairs of failures whose
/// outages overlap fall in the same week: on SecureCart 648 of
/// active-active's 689 misses of the region RTO in a million plain years
/// are in years with such a week, which are 0.68% of years (one other
/// region; benches/coincidence_bound.py). Longer blocks catch more of
/// them but put more years without an overlap in `D >= 1`.
pub const COINCIDENCE_BLOCK: Duration = Duration::WEEK;

/// Share of trials a coincidence design gives to `D >= 1`: a quarter,
/// about what the Neyman allocation for active-active's P(region RTO met)
/// gives with week blocks on SecureCart (24%, benches/coincidence_bound.py);
/// the figures those years do not set lose a quarter of their trials.
pub const COINCIDENCE_SHARE: f64 = 0.25;

/// Length of the allocation table: trial `i` is in stratum `table[i % TABLE]`.
pub const TABLE: usize = 256;

/// Why a model cannot be sampled by strata.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StrataError {
    /// Nothing fails the primary region on its own.
    #[error(
        "--variance-reduction stratified stratifies on the failures of the primary region, and this model has none; \
         allowed: a model with a [[failure]] kind = \"region\" (or \"application\") of positive rate_per_year"
    )]
    NoRegionFailures,
    /// A peak-season design splits the primary region's outages by length.
    #[error(
        "--variance-reduction peak-season stratifies on the primary region's long outages, and this model has no \
         region outages there; allowed: a model with a [[failure]] kind = \"region\" of positive rate_per_year and \
         positive duration in the primary region, or --variance-reduction late-detection"
    )]
    NoRegionOutages,
    /// A crossed or late-detection design needs `logical` failures to
    /// stratify on (the setting's name).
    #[error(
        "--variance-reduction {0} crosses the primary region's failures with the logical failures, and this \
         model has no logical failures; allowed: a model with a [[failure]] kind = \"logical\" of positive \
         rate_per_year, or --variance-reduction stratified"
    )]
    NoLogicalFailures(&'static str),
    /// A late-detection design needs a strategy with backups, whose retention sets the threshold.
    #[error(
        "--variance-reduction {0} stratifies on the logical failures detected after the shortest backup \
         retention, and no strategy of this model keeps backups; allowed: a [[strategy]] with a \
         [strategy.backup], or --variance-reduction crossed"
    )]
    NoBackups(&'static str),
    /// No logical failure can be detected after the threshold.
    #[error(
        "--variance-reduction {0} stratifies on the logical failures detected after {1} (the shortest \
         backup retention less its backup interval), and this model's detection_delay never exceeds it; \
         allowed: a detection_delay that can exceed it, or --variance-reduction crossed"
    )]
    NoLateDetections(&'static str, String),
    /// A peak-season design needs a peak in the load profile.
    #[error(
        "--variance-reduction peak-season stratifies on the failures that fall in a peak of the load profile, and \
         this model has no [workload.load_profile] peak with a multiplier above 1; allowed: a model whose \
         [workload.load_profile] has peak = [{{ start_day = ..., days = ..., multiplier = ... }}] with multiplier \
         > 1, or --variance-reduction late-detection"
    )]
    NoPeaks,
    /// The model's peaks all fall after the end of a trial (its length).
    #[error(
        "--variance-reduction peak-season stratifies on the failures that fall in a peak of the load profile, and \
         every peak of this model starts after a trial of {0} ends; allowed: --years long enough to reach a peak, \
         or --variance-reduction late-detection"
    )]
    PeaksAfterTrial(String),
    /// A coincidence design needs region failures in the primary region and
    /// in another.
    #[error(
        "--variance-reduction coincidence stratifies on weeks holding a failure of the primary region and one of \
         another region, and this model has no {0}; allowed: a [[failure]] kind = \"region\" of positive \
         rate_per_year that strikes the primary region and at least one other region (a `regions = [...]` \
         list, if it has one, names both), with exponential up-times"
    )]
    NoCoincidences(&'static str),
    /// A stratified component has a non-exponential up-time (the setting's
    /// name, the failure kind's).
    #[error(
        "--variance-reduction {0} needs exponential up-times (a Poisson count of failures) for the {1} \
         failures; allowed: remove that [[failure]]'s uptime, or run without --variance-reduction"
    )]
    ShapedUptime(&'static str, &'static str),
}

/// Which points of its slots' Poisson processes a stratified count counts,
/// and so where a trial's given points fall.
#[derive(Clone, Debug, PartialEq)]
pub enum Points {
    /// Every failure over the horizon.
    All,
    /// The points above the threshold of each split (see [`Split`]): the
    /// `logical` failures detected late, the primary region's long outages;
    /// anywhere over the horizon.
    Above(Vec<Split>),
    /// The peak points: the splits' points at or below their thresholds
    /// inside the windows (their points above are an [`Points::Above`]
    /// count's, their points at or below outside the windows drawn).
    Peak(Vec<Split>, Season),
    /// The primary region's and the other regions' `region` failures, by
    /// whether a block holds both (a coincidence design's only count).
    Coincident(Coincidence),
}

/// The peak windows of a peak-season design over one trial's horizon.
#[derive(Clone, Debug, PartialEq)]
pub struct Season {
    /// `[start, end)` of each window, sorted and disjoint, within the horizon.
    pub windows: Vec<(SimTime, SimTime)>,
    /// Their summed length, in years.
    pub years: f64,
}

/// One stratified count: the world slots whose Poisson points it counts,
/// its mean and the probabilities of its levels.
#[derive(Clone, Debug, PartialEq)]
pub struct Dimension {
    /// World slots counted, with the rates per year of the points counted
    /// (for a split's count, of its points on that side of the threshold).
    pub slots: Vec<(usize, f64)>,
    /// Which of their points it counts.
    pub points: Points,
    /// Expected count per trial: summed rate x horizon in years.
    pub mean: f64,
    /// `P(N = k)` for every level but the last, then `P(N >= last)`; they add up to 1.
    pub weights: Vec<f64>,
}

impl Dimension {
    fn new(slots: Vec<(usize, f64)>, horizon: Duration, levels: usize) -> Dimension {
        let mean = slots.iter().map(|&(_, r)| r).sum::<f64>() * horizon.years();
        Dimension::with_mean(slots, Points::All, mean, levels)
    }

    /// A count of `points` of mean `mean` per trial.
    fn with_mean(slots: Vec<(usize, f64)>, points: Points, mean: f64, levels: usize) -> Dimension {
        Dimension { slots, points, mean, weights: poisson_levels(mean, levels) }
    }

    /// `E[N | level]` for every level (the last: given `N >= last`).
    fn level_means(&self) -> Vec<f64> {
        let last = self.weights.len() - 1;
        let tail = if self.weights[last] > 0.0 {
            let head: f64 = (0..last).map(|k| k as f64 * self.weights[k]).sum();
            ((self.mean - head) / self.weights[last]).max(last as f64)
        } else {
            last as f64
        };
        (0..=last).map(|k| if k == last { tail } else { k as f64 }).collect()
    }

    /// Draws the count of a trial at `level`: the level's own `k`, or for
    /// the last one a draw from the Poisson law given `N >= last`.
    fn count(&self, level: usize, rng: &mut SimRng) -> u64 {
        let last = self.weights.len() - 1;
        if level < last {
            return level as u64;
        }
        poisson_at_least(self.mean, last as u64, self.weights[last], rng)
    }
}

/// The stratified design of one model and horizon: which counts are
/// stratified, the strata's weights and the trials' allocation.
#[derive(Clone, Debug, PartialEq)]
pub struct Stratification {
    /// The counts stratified on, crossed: stratum `s` is level
    /// `s / (levels of the rest)` of the first, and so on (row-major).
    pub dims: Vec<Dimension>,
    /// Probability of each stratum (the product of its levels'); they add up to 1.
    pub weights: Vec<f64>,
    /// Share of trials allocated to each stratum (multiples of `1 / TABLE`).
    pub allocation: Vec<f64>,
    table: Vec<u8>,
}

impl Stratification {
    /// The design of `how` (a stratified setting) for `model` over trials of `horizon`.
    ///
    /// # Errors
    /// [`StrataError`] when the primary region (or, crossed, the `logical`
    /// mode) has no failures to stratify on, or they have a non-exponential
    /// up-time; for late-detection and peak-season, when no strategy keeps
    /// backups or no detection can be late; for peak-season, when the load
    /// profile has no peak above 1, the trials end before every peak, or
    /// the primary region has no `region` outages to split by length.
    pub fn new(model: &Model, horizon: Duration, how: VarianceReduction) -> Result<Stratification, StrataError> {
        let world = World::new(model);
        let (slots, shaped) = world.primary_components(model);
        if let Some(kind) = shaped {
            return Err(StrataError::ShapedUptime(how.name(), kind.name()));
        }
        if how == VarianceReduction::Coincidence {
            return coincidence_design(model, &world, &slots, horizon);
        }
        if slots.is_empty() {
            return Err(StrataError::NoRegionFailures);
        }
        if how == VarianceReduction::PeakSeason {
            return peak_design(model, &world, &slots, horizon);
        }
        let region = Dimension::new(slots.clone(), horizon, STRATA);
        let a = allocation(&region.weights, &region.level_means());
        if how == VarianceReduction::Stratified {
            return Ok(Stratification::of(vec![region], &a));
        }
        let (slots, shaped) = world.logical_components();
        if shaped {
            return Err(StrataError::ShapedUptime(how.name(), crate::model::DisruptionKind::Logical.name()));
        }
        if slots.is_empty() {
            return Err(StrataError::NoLogicalFailures(how.name()));
        }
        let (second, b) = if how == VarianceReduction::LateDetection {
            let late = above_dimension(late_split(model, &slots, how)?, horizon, LATE_LEVELS);
            (late, vec![1.0 - LATE_SHARE, LATE_SHARE])
        } else {
            let logical = Dimension::new(slots, horizon, LOGICAL_LEVELS);
            let b = tail_allocation(&logical.weights, &logical.level_means(), TAIL_SHARE);
            (logical, b)
        };
        Ok(Stratification::of(vec![region, second], &cross([&a[..], &b[..]])))
    }

    fn of(dims: Vec<Dimension>, target: &[f64]) -> Stratification {
        let weights = cross(dims.iter().map(|d| d.weights.as_slice()));
        let table = interleave(target);
        let n = weights.len();
        let allocation =
            (0..n).map(|k| table.iter().filter(|&&s| usize::from(s) == k).count() as f64 / TABLE as f64).collect();
        Stratification { dims, weights, allocation, table }
    }

    /// How many trials of plain sampling one trial of `stratum` stands for:
    /// the stratum's probability over its share of the trials, `p_k / a_k`
    /// (the design's likelihood ratio; it does not depend on how many
    /// trials run, so every shard and thread agrees). Over whole tables of
    /// [`TABLE`] trials, weighting every trial by it and dividing by the
    /// trials gives exactly the stratified estimators' means and ratios.
    ///
    /// # Panics
    /// If `stratum` is not one of the design's strata (below [`Self::weights`]'s length).
    pub fn sampling_weight(&self, stratum: usize) -> f64 {
        self.weights[stratum] / self.allocation[stratum]
    }

    /// The stratum of trial `trial`.
    pub fn stratum_of(&self, trial: u64) -> usize {
        usize::from(self.table[(trial % TABLE as u64) as usize])
    }

    /// Trials of `trials` (a range of indices) in each stratum.
    pub fn counts(&self, trials: std::ops::Range<u64>) -> Vec<u64> {
        let mut out = vec![0; self.weights.len()];
        let len = trials.end.saturating_sub(trials.start);
        let (whole, rest) = (len / TABLE as u64, len % TABLE as u64);
        for s in &self.table {
            out[usize::from(*s)] += whole;
        }
        for i in 0..rest {
            out[self.stratum_of(trials.start + whole * TABLE as u64 + i)] += 1;
        }
        out
    }

    /// The level of each dimension of `stratum`.
    pub fn levels(&self, stratum: usize) -> Vec<usize> {
        let mut rest = stratum;
        let mut out = vec![0; self.dims.len()];
        for (i, d) in self.dims.iter().enumerate().rev() {
            out[i] = rest % d.weights.len();
            rest /= d.weights.len();
        }
        out
    }

    /// Draws the count of the first dimension's failures of a trial in
    /// `stratum` (see [`Stratification::give`]).
    pub fn count(&self, stratum: usize, rng: &mut SimRng) -> u64 {
        self.dims[0].count(self.levels(stratum)[0], rng)
    }

    /// Places the stratified failures of a trial in `stratum` into `world`
    /// for its next [`World::sample`]: per dimension, the count, then the
    /// points (for a split's count, its points above the threshold).
    pub fn give(&self, world: &mut World, stratum: usize, horizon: Duration, rng: &mut SimRng) {
        world.clear_given();
        for (d, level) in self.dims.iter().zip(self.levels(stratum)) {
            match &d.points {
                Points::All => world.give(&d.slots, d.count(level, rng), horizon, rng),
                Points::Above(splits) => world.give_above(&d.slots, splits, d.count(level, rng), horizon, rng),
                Points::Peak(splits, season) => {
                    world.give_peak(splits, &season.windows, d.count(level, rng), horizon, rng)
                }
                Points::Coincident(c) => c.give(world, level, rng),
            }
        }
    }
}

/// The products of one entry of each of `parts`, row-major (the last part
/// fastest): the strata's probabilities from their levels', or their
/// target shares from each count's allocation.
fn cross<'a>(parts: impl IntoIterator<Item = &'a [f64]>) -> Vec<f64> {
    parts.into_iter().fold(vec![1.0], |acc, part| acc.iter().flat_map(|x| part.iter().map(move |y| x * y)).collect())
}

/// The detection delay past which a strategy can lose all its data: the
/// shortest, over the strategies with backups, of the retention less the
/// backup interval (a restore point at most one interval older than the
/// damage and younger than the retention when the restore runs); at least
/// zero. `None` when no strategy keeps backups.
pub fn late_threshold(model: &Model) -> Option<Duration> {
    model
        .strategies
        .iter()
        .filter_map(|s| s.backup.as_ref())
        .map(|b| Duration::from_secs((b.retention.secs() - b.interval.secs()).max(0.0)))
        .min_by(|a, b| a.secs().total_cmp(&b.secs()))
}

/// The count of a split's points above its threshold (see [`Split`]):
/// the `logical` failure points whose detection delay `D` exceeds
/// [`late_threshold`] `T` (late detections), or the primary region's
/// failure points whose outage lasts longer than [`long_threshold`]. Marking
/// each point of a Poisson process (rate `r`) with probability `q = P(X > T)`
/// splits it into two independent Poisson processes: points above at rate
/// `r q`, with marks drawn given `X > T`, and the rest at `r (1 - q)`, with
/// marks given `X <= T`. So the count is `Poisson(r q x horizon)` and its
/// levels' weights are exact; the component's down time still thins both
/// (a failure cannot begin while the component is down), as in a plain world.
fn above_dimension(split: Split, horizon: Duration, levels: usize) -> Dimension {
    let rate = split.above_rate();
    Dimension::with_mean(vec![(split.slot, rate)], Points::Above(vec![split]), rate * horizon.years(), levels)
}

/// The detection delay of the model's `logical` failures, if it has them.
fn detection_delay(model: &Model) -> Option<&crate::model::Dist> {
    match model.failure(crate::model::DisruptionKind::Logical).map(|m| &m.detail) {
        Some(crate::model::FailureDetail::Logical { detection_delay, .. }) => Some(detection_delay),
        _ => None,
    }
}

/// The split of the `logical` process (`slots`, the first) into points
/// detected after [`late_threshold`] and the rest, for the design `how`.
fn late_split(model: &Model, slots: &[(usize, f64)], how: VarianceReduction) -> Result<Split, StrataError> {
    let threshold = late_threshold(model).ok_or(StrataError::NoBackups(how.name()))?;
    let delay = detection_delay(model).ok_or(StrataError::NoLogicalFailures(how.name()))?;
    let cdf_at = delay.cdf(threshold.secs());
    if cdf_at >= 1.0 {
        return Err(StrataError::NoLateDetections(how.name(), format!("{threshold:#}")));
    }
    let &(slot, rate) = slots.first().ok_or(StrataError::NoLogicalFailures(how.name()))?;
    Ok(Split { slot, threshold, cdf_at, rate, below_rate: rate * cdf_at })
}

/// How far before a peak its window opens, as a quantile of the `logical`
/// failures' detection delay: 0.9 (32 hours on SecureCart, whose delay is
/// lognormal with median 2 hours and P95 3 days).
pub const LEAD_QUANTILE: f64 = 0.9;

/// The peak windows of `model`'s load profile over `horizon`: each peak with
/// a multiplier above 1, every simulated year (the profile repeats every
/// 365 days), opened earlier by [`LEAD_QUANTILE`] of the detection delay of
/// the `logical` failures (so that 90% of the logical failures detected in
/// a peak failed inside its window; no lead without logical failures),
/// clipped to the horizon and to the peak's own year, merged where they
/// overlap.
///
/// # Errors
/// [`StrataError::NoPeaks`] without such a peak, and
/// [`StrataError::PeaksAfterTrial`] when none reaches into `horizon`.
pub fn peak_season(model: &Model, horizon: Duration) -> Result<Season, StrataError> {
    let lead = detection_delay(model).map_or(0.0, |d| d.quantile(LEAD_QUANTILE).clamp(0.0, Duration::YEAR.secs()));
    let (year, end) = (Duration::YEAR.secs(), horizon.secs());
    let peaks: Vec<&crate::model::Peak> =
        model.workload.load_profile.peaks.iter().filter(|p| p.multiplier > 1.0).collect();
    if peaks.is_empty() {
        return Err(StrataError::NoPeaks);
    }
    let mut raw: Vec<(f64, f64)> = Vec::new();
    let mut y = 0.0;
    while y < end {
        for p in &peaks {
            let from = (y + p.start.secs() - lead).max(0.0);
            let to = (y + (p.start + p.length).secs().min(year)).min(end);
            if from < to {
                raw.push((from, to));
            }
        }
        y += year;
    }
    if raw.is_empty() {
        return Err(StrataError::PeaksAfterTrial(format!("{horizon:#}")));
    }
    raw.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut merged: Vec<(f64, f64)> = Vec::new();
    for (from, to) in raw {
        match merged.last_mut() {
            Some(last) if from <= last.1 => last.1 = last.1.max(to),
            _ => merged.push((from, to)),
        }
    }
    let years = merged.iter().map(|&(a, b)| b - a).sum::<f64>() / year;
    let windows = merged.into_iter().map(|(a, b)| (SimTime::from_secs(a), SimTime::from_secs(b))).collect();
    Ok(Season { windows, years })
}

/// The peak-season design: three independent Poisson counts, crossed.
///
/// - The long outages: the primary region's `region` failure points whose
///   outage lasts longer than [`long_threshold`] (anywhere), levels `0`,
///   `1`, `2 or more`, allocated as the region count of `stratified` is
///   ([`allocation`]);
/// - the late detections, as late-detection's ([`above_dimension`] of
///   [`late_split`]), levels `0`, `1 or more`, [`LATE_SHARE`] to the second;
/// - the peak points: the region's failure points that are not long and the
///   `logical` ones that are not late, inside the windows of
///   [`peak_season`], levels `0`, `1 or more`, [`PEAK_SHARE`] to the second.
///
/// Marking a Poisson process's points by their outage length (or detection
/// delay) and by where they fall splits it into independent Poisson
/// processes, so the three counts are independent and Poisson with exact
/// level weights; the rest (the region's short outages and the timely
/// logical failures outside the windows) are drawn while sampling, and the
/// primary region's `application` failures plainly.
fn peak_design(
    model: &Model,
    world: &World,
    primary: &[(usize, f64)],
    horizon: Duration,
) -> Result<Stratification, StrataError> {
    let how = VarianceReduction::PeakSeason;
    let season = peak_season(model, horizon)?;
    let region = region_split(model, world, primary)?;
    let (slots, shaped) = world.logical_components();
    if shaped {
        return Err(StrataError::ShapedUptime(how.name(), crate::model::DisruptionKind::Logical.name()));
    }
    if slots.is_empty() {
        return Err(StrataError::NoLogicalFailures(how.name()));
    }
    let logical = late_split(model, &slots, how)?;
    let long = above_dimension(region, horizon, LONG_LEVELS);
    let late = above_dimension(logical, horizon, LATE_LEVELS);
    let peak_slots = vec![(region.slot, region.below_rate), (logical.slot, logical.below_rate)];
    let peak_mean = (region.below_rate + logical.below_rate) * season.years;
    let peak = Dimension::with_mean(peak_slots, Points::Peak(vec![region, logical], season), peak_mean, PEAK_LEVELS);
    let a = tail_allocation(&long.weights, &long.level_means(), LONG_SHARE);
    let target = cross([&a[..], &[1.0 - LATE_SHARE, LATE_SHARE], &[1.0 - PEAK_SHARE, PEAK_SHARE]]);
    Ok(Stratification::of(vec![long, late, peak], &target))
}

/// The coincidence design: one count, `D`, the blocks of
/// [`COINCIDENCE_BLOCK`] (the last one cut at the horizon) that hold a
/// failure point of the primary region's `region` failures and one of the
/// other regions' (their superposition), levels `0` and `1 or more`,
/// [`COINCIDENCE_SHARE`] to the second. See [`Coincidence`].
fn coincidence_design(
    model: &Model,
    world: &World,
    primary: &[(usize, f64)],
    horizon: Duration,
) -> Result<Stratification, StrataError> {
    let how = VarianceReduction::Coincidence;
    let (slot, rate) = primary_region_slot(world, primary)
        .ok_or(StrataError::NoCoincidences("region failures in the primary region"))?;
    let (others, shaped) = world.other_region_components(model);
    if let Some(kind) = shaped {
        return Err(StrataError::ShapedUptime(how.name(), kind.name()));
    }
    if others.is_empty() {
        return Err(StrataError::NoCoincidences("region failures outside the primary region"));
    }
    let c = Coincidence::new((slot, rate), others, horizon, COINCIDENCE_BLOCK);
    let weights = vec![c.p_none, 1.0 - c.p_none];
    let d = Dimension { slots: Vec::new(), points: Points::Coincident(c), mean: 0.0, weights };
    Ok(Stratification::of(vec![d], &[1.0 - COINCIDENCE_SHARE, COINCIDENCE_SHARE]))
}

/// A coincidence design's count `D`: over blocks `[b_i, b_{i+1})` of the
/// horizon, how many hold a point of the primary region's `region` failure
/// process (rate `a` per year) and a point of the other regions' (the
/// superposition of their processes, rate `b`).
///
/// **Why the weights are exact.** Before thinning by their own down time,
/// the two are independent Poisson processes, so the pair of counts in a
/// block is independent of every other block's: block `i` (length `L_i`)
/// holds both with probability `q_i = (1 - e^{-a L_i})(1 - e^{-b L_i})`,
/// and `P(D = 0) = prod_i (1 - q_i)` in closed form. The world thins the
/// given points as it thins drawn ones (a component fails at the first
/// point after each return: memorylessness), so the world is drawn from its
/// exact law given the level.
///
/// **Sampling a level.** `D = 0`: both processes given that no block holds
/// both ([`Coincidence::none_before`]: drawn over the horizon again until
/// none does, exact rejection accepted with probability `P(D = 0)`, 98.7% a
/// try on SecureCart; block by block where that is below one half). `D >=
/// 1`: the first block holding both, `J`, has `P(J = j | D >= 1) = q_j
/// prod_{i<j} (1 - q_i) / P(D >= 1)`, drawn by inversion; before it, both
/// processes given that no block holds both, as for `D = 0`; in it, each
/// count given at least one (a zero-truncated Poisson count, uniform points
/// in the block); after it, both plainly. Each of the other regions' points goes to one of them in
/// proportion to its rate.
#[derive(Clone, Debug, PartialEq)]
pub struct Coincidence {
    /// The primary region's `region` failure slot and its rate per year.
    pub primary: (usize, f64),
    /// The other regions' `region` failure slots and their rates per year.
    pub others: Vec<(usize, f64)>,
    /// The blocks' bounds, seconds from the trial's start: block `i` is
    /// `[bounds[i], bounds[i + 1])`; the last bound is the horizon.
    pub bounds: Vec<f64>,
    /// `P(J <= j | D >= 1)` for every block `j`: the first block holding both.
    first: Vec<f64>,
    /// `prod_{i<j} (1 - q_i)` for `j` from 0 to the number of blocks: the
    /// chance that no block before `j` holds both.
    none_upto: Vec<f64>,
    /// `P(D = 0)`.
    pub p_none: f64,
}

impl Coincidence {
    fn new(primary: (usize, f64), others: Vec<(usize, f64)>, horizon: Duration, block: Duration) -> Coincidence {
        let end = horizon.secs();
        let mut bounds: Vec<f64> = (0..).map(|i| i as f64 * block.secs()).take_while(|&t| t < end).collect();
        bounds.push(end);
        let c = Coincidence { primary, others, bounds, first: Vec::new(), none_upto: Vec::new(), p_none: 1.0 };
        // P(J = j) = q_j prod_{i<j} (1 - q_i): the chance no block holds
        // both is the running product, summed in logs (no underflow).
        let (mut log_none, mut first) = (0.0f64, Vec::with_capacity(c.bounds.len()));
        let mut none_upto = vec![1.0];
        for i in 0..c.bounds.len() - 1 {
            let q = c.both(i);
            first.push(-log_none.exp_m1() + log_none.exp() * q);
            log_none += (-q).ln_1p();
            none_upto.push(log_none.exp());
        }
        let p_none = log_none.exp();
        let p_any = -log_none.exp_m1();
        let first = first.iter().map(|f| if p_any > 0.0 { (f / p_any).min(1.0) } else { 1.0 }).collect();
        Coincidence { first, none_upto, p_none, ..c }
    }

    /// The rate per year of the other regions' failures, summed.
    fn other_rate(&self) -> f64 {
        self.others.iter().map(|&(_, r)| r).sum()
    }

    /// `q_i`: the chance block `i` holds a point of each process.
    fn both(&self, i: usize) -> f64 {
        let years = (self.bounds[i + 1] - self.bounds[i]) / Duration::YEAR.secs();
        (-(-self.primary.1 * years).exp_m1()) * (-(-self.other_rate() * years).exp_m1())
    }

    /// The block holding `t` seconds.
    fn block_of(&self, t: f64) -> usize {
        self.bounds.partition_point(|&b| b <= t).saturating_sub(1)
    }

    /// Whether a block holds a point of each of `a` and `b` (sorted).
    fn coincide(&self, a: &[f64], b: &[f64]) -> bool {
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            let (x, y) = (self.block_of(a[i]), self.block_of(b[j]));
            if x == y {
                return true;
            }
            if x < y { i += 1 } else { j += 1 }
        }
        false
    }

    /// Draws the points of a trial at `level` (0: `D = 0`, 1: `D >= 1`)
    /// and gives them to `world`: the primary region's and each other
    /// region's, every one of those slots given (an empty list: no failure).
    pub fn give(&self, world: &mut World, level: usize, rng: &mut SimRng) {
        let (a, b) = self.draw(level, rng);
        world.give_points(self.primary.0, a.iter().map(|&t| SimTime::from_secs(t)));
        if let [(slot, _)] = self.others[..] {
            world.give_points(slot, b.iter().map(|&t| SimTime::from_secs(t)));
            return;
        }
        for &(slot, _) in &self.others {
            world.give_points(slot, []);
        }
        // In time order, so each slot's points stay sorted.
        let rate_b = self.other_rate();
        for t in b {
            let slot = pick_by_rate(self.others.iter().copied(), rng.random::<f64>() * rate_b);
            world.give_points(slot, [SimTime::from_secs(t)]);
        }
    }

    /// The points of both processes at `level`, seconds from the trial's
    /// start, each sorted: the primary region's, the other regions'.
    fn draw(&self, level: usize, rng: &mut SimRng) -> (Vec<f64>, Vec<f64>) {
        let end = *self.bounds.last().unwrap_or(&0.0);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        let blocks = self.bounds.len() - 1;
        if level == 0 {
            self.none_before(blocks, &mut a, &mut b, rng);
            return (a, b);
        }
        let u = rng.random::<f64>();
        let j = self.first.partition_point(|&f| f <= u).min(blocks - 1);
        let (from, to) = (self.bounds[j], self.bounds[j + 1]);
        self.none_before(j, &mut a, &mut b, rng);
        let years = (to - from) / Duration::YEAR.secs();
        for (points, rate) in [(&mut a, self.primary.1), (&mut b, self.other_rate())] {
            let n = at_least_one(rate * years, rng);
            points.extend((0..n).map(|_| from + (to - from) * rng.random::<f64>()));
            uniform_points(rate, to, end, points, rng);
            points.sort_unstable_by(f64::total_cmp);
        }
        (a, b)
    }

    /// Both processes over the first `blocks` blocks given that none of
    /// them holds a point of each, into `a` and `b` (cleared first), sorted.
    /// Where that is likely (at least [`REJECT_ABOVE`]) both are drawn
    /// plainly again until no block holds both (exact rejection, few
    /// tries); otherwise block by block, each given that it does not hold
    /// both (exact too, and never stuck however often the regions fail).
    fn none_before(&self, blocks: usize, a: &mut Vec<f64>, b: &mut Vec<f64>, rng: &mut SimRng) {
        let until = self.bounds[blocks];
        if self.none_upto[blocks] >= REJECT_ABOVE {
            loop {
                a.clear();
                b.clear();
                uniform_points(self.primary.1, 0.0, until, a, rng);
                uniform_points(self.other_rate(), 0.0, until, b, rng);
                a.sort_unstable_by(f64::total_cmp);
                b.sort_unstable_by(f64::total_cmp);
                if !self.coincide(a, b) {
                    return;
                }
            }
        }
        a.clear();
        b.clear();
        let year = Duration::YEAR.secs();
        for i in 0..blocks {
            let (from, to) = (self.bounds[i], self.bounds[i + 1]);
            let (mean_a, mean_b) = (self.primary.1 * (to - from) / year, self.other_rate() * (to - from) / year);
            let (none_a, none_b) = ((-mean_a).exp(), (-mean_b).exp());
            // Given not both: only `a`, only `b`, or neither, in proportion
            // to their chances.
            let (only_a, only_b) = (-(-mean_a).exp_m1() * none_b, none_a * -(-mean_b).exp_m1());
            let u = rng.random::<f64>() * (only_a + only_b + none_a * none_b);
            let (points, mean) = if u < only_a {
                (&mut *a, mean_a)
            } else if u < only_a + only_b {
                (&mut *b, mean_b)
            } else {
                continue;
            };
            let n = at_least_one(mean, rng);
            let start = points.len();
            points.extend((0..n).map(|_| from + (to - from) * rng.random::<f64>()));
            points[start..].sort_unstable_by(f64::total_cmp);
        }
    }
}

/// The least chance of no coincidence over the blocks to draw for which a
/// coincidence design draws them by rejection (at most 2 tries on average);
/// below it, block by block.
const REJECT_ABOVE: f64 = 0.5;

/// The points of a Poisson process of `rate` per year over `[from, to)`
/// seconds, appended to `out` (unsorted): a Poisson count, uniform points.
fn uniform_points(rate: f64, from: f64, to: f64, out: &mut Vec<f64>, rng: &mut SimRng) {
    let mean = rate * (to - from).max(0.0) / Duration::YEAR.secs();
    if mean <= 0.0 {
        return;
    }
    let n = poisson(mean, rng);
    out.extend((0..n).map(|_| from + (to - from) * rng.random::<f64>()));
}

/// A draw from `Poisson(mean)`.
fn poisson(mean: f64, rng: &mut SimRng) -> u64 {
    poisson_at_least(mean, 0, 1.0, rng)
}

/// A draw from `Poisson(mean)` given at least one.
fn at_least_one(mean: f64, rng: &mut SimRng) -> u64 {
    poisson_at_least(mean, 1, -(-mean).exp_m1(), rng)
}

/// A draw from `Poisson(mean)` given `N >= min`, where `tail` is
/// `P(N >= min)`: by inversion inside the tail for means below 30 (exact up
/// to rounding), else by rejection (a large mean puts almost all its mass
/// in the tail, so rejection is cheap).
fn poisson_at_least(mean: f64, min: u64, tail: f64, rng: &mut SimRng) -> u64 {
    if mean < 30.0 {
        let mut u = rng.random::<f64>() * tail;
        let (mut k, mut p) = (min, pmf(mean, min));
        while u >= p && p > 0.0 {
            u -= p;
            k += 1;
            p *= mean / k as f64;
        }
        return k;
    }
    let poisson = Poisson::new(mean).expect("a positive finite mean");
    loop {
        let n: f64 = poisson.sample(rng);
        if n >= min as f64 {
            return n as u64;
        }
    }
}

/// Quantile of the region outage's length past which a peak-season design
/// calls an outage long: 0.9 (21 hours on SecureCart, whose region outages
/// are exponential with mean 9.17 hours). Long outages set the cost tail
/// of a strategy that waits out a region outage when its failover fails:
/// on SecureCart 70 of backup-restore's 200 costliest of 20,000 years are
/// such outages of 20 to 60 hours outside the peak (benches/README.md).
pub const LONG_QUANTILE: f64 = 0.9;

/// The outage length past which a peak-season design calls a `region`
/// outage long, with `P(length <= it)`: the [`LONG_QUANTILE`] of
/// `duration`, or, where no length exceeds that (a fixed length), zero, so
/// that every outage is long.
pub fn long_threshold(duration: &crate::model::Dist) -> (Duration, f64) {
    let at = duration.quantile(LONG_QUANTILE).max(0.0);
    let cdf_at = duration.cdf(at);
    if cdf_at < 1.0 {
        return (Duration::from_secs(at), cdf_at);
    }
    (Duration::ZERO, duration.cdf(0.0))
}

/// The primary region's own `region` failure slot among `primary` (the
/// primary's components, [`World::primary_components`]) and its rate per
/// year; `None` when it has no `region` failures.
fn primary_region_slot(world: &World, primary: &[(usize, f64)]) -> Option<(usize, f64)> {
    primary.iter().copied().find(|&(slot, _)| matches!(world.components[slot], Component::Region(_)))
}

/// The split of the primary region's own `region` failures (a slot of
/// `primary`) by the outage's length at [`long_threshold`].
fn region_split(model: &Model, world: &World, primary: &[(usize, f64)]) -> Result<Split, StrataError> {
    let kind = crate::model::DisruptionKind::Region;
    let (slot, rate) = primary_region_slot(world, primary).ok_or(StrataError::NoRegionOutages)?;
    let Some(crate::model::FailureDetail::Outage { duration, .. }) = model.failure(kind).map(|m| &m.detail) else {
        return Err(StrataError::NoRegionOutages);
    };
    let (threshold, cdf_at) = long_threshold(duration);
    if cdf_at >= 1.0 {
        return Err(StrataError::NoRegionOutages);
    }
    Ok(Split { slot, threshold, cdf_at, rate, below_rate: rate * cdf_at })
}

/// `P(N = k)` for a Poisson mean `mean`.
fn pmf(mean: f64, k: u64) -> f64 {
    let mut p = (-mean).exp();
    for i in 1..=k {
        p *= mean / i as f64;
    }
    p
}

/// The strata's weights: `P(N = k)` for `k < STRATA - 1`, then the tail.
pub fn poisson_strata(mean: f64) -> Vec<f64> {
    poisson_levels(mean, STRATA)
}

/// `P(N = k)` for `k < levels - 1`, then `P(N >= levels - 1)`.
pub fn poisson_levels(mean: f64, levels: usize) -> Vec<f64> {
    let last = levels as u64 - 1;
    let mut w: Vec<f64> = (0..last).map(|k| pmf(mean, k)).collect();
    let tail = if mean < 30.0 {
        // The tail's terms summed directly: no cancellation for small means.
        let (mut p, mut k, mut sum) = (pmf(mean, last), last, 0.0);
        while p > 0.0 && (p > sum * 1e-18 || (k as f64) < mean) {
            sum += p;
            k += 1;
            p *= mean / k as f64;
        }
        sum
    } else {
        (1.0 - w.iter().sum::<f64>()).max(0.0)
    };
    w.push(tail);
    w
}

/// Target shares of trials: Neyman-like, `p_k x s_k` with `s_k` a proxy of
/// the spread of what decides within stratum `k`: `sqrt(E[N | stratum] + 1/4)`
/// (the figures that decide grow with the count of region failures; `1/4`
/// keeps the stratum without any, which holds logical and AZ incidents and
/// most of the probability, sampled). Every stratum keeps at least two table
/// slots, so each is estimated even in short runs.
fn allocation(weights: &[f64], level_means: &[f64]) -> Vec<f64> {
    let raw: Vec<f64> = weights.iter().zip(level_means).map(|(w, n)| w * (n + 0.25).sqrt()).collect();
    let total: f64 = raw.iter().sum();
    raw.iter().map(|r| r / total).collect()
}

/// Share of trials a crossed design gives to the logical count's tail
/// levels (see [`tail_allocation`]).
pub const TAIL_SHARE: f64 = 0.5;

/// Probability the tail levels of the logical count hold at most: where the
/// upper quantiles of annual cost (P95, P99) sit when logical incidents set them.
pub const TAIL_PROBABILITY: f64 = 0.1;

/// Target shares of a count's levels: the levels from the first `t` with
/// `P(N >= t) <= TAIL_PROBABILITY` up (where the upper quantiles of annual
/// cost sit), and at least from 1, get `share` of the trials
/// ([`TAIL_SHARE`] for a crossed design's logical count, [`LONG_SHARE`] for
/// a peak-season design's long outages), the levels below the rest, each
/// part split Neyman-like as [`allocation`] does. Without such a level
/// (every level's tail above it) the last level alone is the tail.
fn tail_allocation(weights: &[f64], level_means: &[f64], share: f64) -> Vec<f64> {
    let n = weights.len();
    let mut above = 0.0;
    let mut start = n - 1;
    for k in (0..n).rev() {
        above += weights[k];
        if above > TAIL_PROBABILITY {
            break;
        }
        start = k;
    }
    let start = start.max(1);
    let raw: Vec<f64> = weights.iter().zip(level_means).map(|(w, m)| w * (m + 0.25).sqrt()).collect();
    let (body, tail): (f64, f64) = (raw[..start].iter().sum(), raw[start..].iter().sum());
    raw.iter()
        .enumerate()
        .map(|(k, r)| {
            let (part, of) = if k < start { (1.0 - share, body) } else { (share, tail) };
            if of > 0.0 { part * r / of } else { 0.0 }
        })
        .collect()
}

/// A table of [`TABLE`] strata interleaving `shares`: every stratum twice
/// (first each once, so any 4 consecutive trials from 0 hold all strata),
/// the rest by largest deficit, ties to the lower stratum.
fn interleave(shares: &[f64]) -> Vec<u8> {
    let strata = shares.len();
    let mut slots = vec![2usize; strata];
    let free = TABLE - 2 * strata;
    // Largest remainders over the free slots.
    let ideal: Vec<f64> = shares.iter().map(|s| s * TABLE as f64).collect();
    let mut extra: Vec<usize> = ideal.iter().map(|&x| (x - 2.0).max(0.0).floor() as usize).collect();
    let mut given: usize = extra.iter().sum();
    while given > free {
        let k = (0..strata).max_by(|&a, &b| extra[a].cmp(&extra[b])).unwrap_or(0);
        extra[k] -= 1;
        given -= 1;
    }
    while given < free {
        let k = (0..strata)
            .max_by(|&a, &b| {
                let da = ideal[a] - (extra[a] + 2) as f64;
                let db = ideal[b] - (extra[b] + 2) as f64;
                da.total_cmp(&db).then(b.cmp(&a))
            })
            .unwrap_or(0);
        extra[k] += 1;
        given += 1;
    }
    for k in 0..strata {
        slots[k] += extra[k];
    }
    let mut table: Vec<u8> = (0..strata as u8).collect();
    let mut used = vec![1usize; strata];
    while table.len() < TABLE {
        let j = table.len() as f64 + 1.0;
        let k = (0..strata)
            .filter(|&k| used[k] < slots[k])
            .max_by(|&a, &b| {
                let da = slots[a] as f64 * j / TABLE as f64 - used[a] as f64;
                let db = slots[b] as f64 * j / TABLE as f64 - used[b] as f64;
                da.total_cmp(&db).then(b.cmp(&a))
            })
            .unwrap_or(0);
        table.push(k as u8);
        used[k] += 1;
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn weights_are_the_poisson_law() {
        let w = poisson_strata(0.6);
        assert!((w[0] - (-0.6f64).exp()).abs() < 1e-15);
        assert!((w[1] - 0.6 * (-0.6f64).exp()).abs() < 1e-15);
        assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-15);
    }

    #[test]
    fn the_table_holds_the_allocation_and_starts_with_every_stratum() {
        let region = Dimension::new(vec![(0, 0.6)], Duration::YEAR, STRATA);
        let shares = allocation(&region.weights, &region.level_means());
        let table = interleave(&shares);
        assert_eq!(table.len(), TABLE);
        assert_eq!(&table[..STRATA], &[0, 1, 2, 3]);
        for (k, share) in shares.iter().enumerate() {
            let n = table.iter().filter(|&&s| usize::from(s) == k).count();
            assert!(n >= 2 && (n as f64 - share * TABLE as f64).abs() <= 2.0, "stratum {k}: {n} vs {share}");
        }
    }

    #[test]
    fn sampling_weights_take_a_table_of_trials_back_to_the_strata_probabilities() {
        let region = Dimension::new(vec![(0, 0.6)], Duration::YEAR, STRATA);
        let s = Stratification::of(vec![region.clone()], &allocation(&region.weights, &region.level_means()));
        // A whole table: stratum k has a_k TABLE trials, each weighing
        // p_k / a_k, so the stratum weighs p_k TABLE and all of them TABLE.
        for (k, n) in s.counts(0..TABLE as u64).into_iter().enumerate() {
            let weighs = n as f64 * s.sampling_weight(k);
            assert!((weighs - s.weights[k] * TABLE as f64).abs() < 1e-12, "stratum {k}: {weighs}");
        }
        let total: f64 = (0..TABLE as u64).map(|t| s.sampling_weight(s.stratum_of(t))).sum();
        assert!((total - TABLE as f64).abs() < 1e-9, "{total}");
    }

    /// A coincidence design over one year at rates high enough that both
    /// levels are common (a = 6, b = 4 + 8 a year, weekly blocks).
    fn busy_coincidence() -> Coincidence {
        Coincidence::new((0, 6.0), vec![(1, 4.0), (2, 8.0)], Duration::YEAR, Duration::WEEK)
    }

    #[test]
    fn coincidence_weights_are_the_closed_form() {
        let c = busy_coincidence();
        // 52 whole weeks and a last block of one day.
        assert_eq!(c.bounds.len(), 54);
        assert!((c.bounds[53] - c.bounds[52] - 86_400.0).abs() < 1e-6);
        let q = |days: f64| {
            let y = days / 365.0;
            (1.0 - (-6.0 * y).exp()) * (1.0 - (-12.0 * y).exp())
        };
        let none = (1.0 - q(7.0)).powi(52) * (1.0 - q(1.0));
        assert!((c.p_none - none).abs() < 1e-12, "{} vs {none}", c.p_none);
        // One block: both processes in the year, independently.
        let one = Coincidence::new((0, 0.6), vec![(1, 0.6)], Duration::YEAR, Duration::YEAR);
        let both = (1.0 - (-0.6f64).exp()).powi(2);
        assert!((1.0 - one.p_none - both).abs() < 1e-15);
        assert!((one.first[0] - 1.0).abs() < 1e-15);
    }

    // Each level's draws follow the law given the level, so the two mixed
    // by their weights give back the plain Poisson processes: the counts'
    // means (rate x year) and the chance of none, and the chance of a
    // primary point in the first week, within 4 standard errors of the
    // mixture at a fixed seed.
    #[test]
    fn coincidence_levels_mix_back_to_the_poisson_processes() {
        let c = busy_coincidence();
        let mut rng = SimRng::seed_from_u64(3);
        let n = 20_000;
        let week = Duration::WEEK.secs();
        // Per level, per trial: #a, #b, #a = 0, a point of `a` in week 0.
        let draws: Vec<Vec<[f64; 4]>> = (0..2)
            .map(|level| {
                (0..n)
                    .map(|_| {
                        let (a, b) = c.draw(level, &mut rng);
                        assert!(a.windows(2).all(|w| w[0] <= w[1]) && b.windows(2).all(|w| w[0] <= w[1]));
                        assert_eq!(c.coincide(&a, &b), level == 1, "level {level}");
                        let first = f64::from(u8::from(a.first().is_some_and(|&t| t < week)));
                        [a.len() as f64, b.len() as f64, f64::from(u8::from(a.is_empty())), first]
                    })
                    .collect()
            })
            .collect();
        let weights = [c.p_none, 1.0 - c.p_none];
        let want = [6.0, 12.0, (-6.0f64).exp(), 1.0 - (-6.0 * 7.0 / 365.0f64).exp()];
        for (i, want) in want.into_iter().enumerate() {
            let (mut est, mut var) = (0.0, 0.0);
            for (level, w) in weights.iter().enumerate() {
                let xs: Vec<f64> = draws[level].iter().map(|d| d[i]).collect();
                let mean = xs.iter().sum::<f64>() / n as f64;
                let v = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
                est += w * mean;
                var += w * w * v / n as f64;
            }
            let se = var.sqrt();
            assert!((est - want).abs() < 4.0 * se, "figure {i}: {est} vs {want} (se {se})");
        }
    }

    // Regions failing every few days: no year is without a coincidence in
    // practice, yet a trial of `D = 0` is still drawn (block by block) and
    // holds none.
    #[test]
    fn coincidence_draws_d_zero_however_often_regions_fail() {
        let c = Coincidence::new((0, 100.0), vec![(1, 100.0)], Duration::YEAR, Duration::WEEK);
        assert!(c.p_none < 1e-20, "{}", c.p_none);
        let mut rng = SimRng::seed_from_u64(5);
        for level in [0, 1] {
            let (a, b) = c.draw(level, &mut rng);
            assert_eq!(c.coincide(&a, &b), level == 1);
            assert!(!a.is_empty() && !b.is_empty(), "level {level}: {} and {} points", a.len(), b.len());
        }
    }

    #[test]
    fn the_tail_count_follows_the_conditional_law() {
        for mean in [0.6, 50.0] {
            let s = Stratification::of(vec![Dimension::new(vec![(0, mean)], Duration::YEAR, STRATA)], &[0.25; STRATA]);
            let mut rng = SimRng::seed_from_u64(1);
            let n = 20_000;
            let draws: Vec<u64> = (0..n).map(|_| s.count(STRATA - 1, &mut rng)).collect();
            assert!(draws.iter().all(|&d| d >= 3));
            // E[N | N >= 3] in closed form.
            let w = &s.dims[0].weights;
            let expected = (mean - w[1] - 2.0 * w[2]) / w[3];
            let got = draws.iter().sum::<u64>() as f64 / n as f64;
            let var = draws.iter().map(|&d| (d as f64 - got).powi(2)).sum::<f64>() / n as f64;
            let se = (var / n as f64).sqrt();
            assert!((got - expected).abs() < 4.0 * se, "mean {mean}: {got} vs {expected} (se {se})");
        }
    }

    #[test]
    fn counts_of_a_range_match_the_table() {
        let region = Dimension::new(vec![(0, 0.6)], Duration::YEAR, STRATA);
        let s = Stratification::of(vec![region.clone()], &allocation(&region.weights, &region.level_means()));
        let range = 17..1_000;
        let mut brute = vec![0u64; STRATA];
        for i in range.clone() {
            brute[s.stratum_of(i)] += 1;
        }
        assert_eq!(s.counts(range), brute);
    }

    #[test]
    fn crossed_strata_are_the_product_of_their_levels() {
        let region = Dimension::new(vec![(0, 0.6)], Duration::YEAR, STRATA);
        let logical = Dimension::new(vec![(1, 1.0)], Duration::YEAR, LOGICAL_LEVELS);
        let a = allocation(&region.weights, &region.level_means());
        let b = tail_allocation(&logical.weights, &logical.level_means(), TAIL_SHARE);
        // Levels 3, 4 and 5+ hold P(N >= 3) = 0.080 <= 0.1: the tail, half the trials.
        assert!((b[3..].iter().sum::<f64>() - TAIL_SHARE).abs() < 1e-12, "{b:?}");
        let s = Stratification::of(vec![region.clone(), logical.clone()], &cross([&a[..], &b[..]]));
        assert_eq!(s.weights.len(), CROSSED_STRATA);
        assert!((s.weights.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        for k in 0..CROSSED_STRATA {
            let l = s.levels(k);
            assert_eq!(k, l[0] * LOGICAL_LEVELS + l[1]);
            assert!((s.weights[k] - region.weights[l[0]] * logical.weights[l[1]]).abs() < 1e-15);
            assert!(s.allocation[k] >= 2.0 / TABLE as f64);
        }
    }

    // The windows: each peak above 1 every year, opened by the lead, clipped
    // to the horizon and the peak's year, merged where they overlap.
    #[test]
    fn peak_windows_repeat_every_year_open_early_and_merge() {
        let text = include_str!("../../models/securecart-monolith.toml");
        let model = Model::from_str_at(text, std::path::Path::new("m.toml")).unwrap();
        let day = Duration::DAY.secs();
        let season = peak_season(&model, Duration::YEAR * 2.5).unwrap();
        // Black Friday week: day 328 for 7 days; the lognormal detection
        // delay (median 2 h, P95 3 d) has its P90 at 2 h x 36^(1.2816/1.6449).
        let lead = 7_200.0 * 36f64.powf(1.281_551_565_545 / 1.644_853_626_951);
        assert_eq!(season.windows.len(), 2, "{:?}", season.windows);
        for (y, &(a, b)) in season.windows.iter().enumerate() {
            let year = y as f64 * 365.0 * day;
            assert!((a.secs() - (year + 327.0 * day - lead)).abs() < 1.0, "{a:?}");
            assert!((b.secs() - (year + 334.0 * day)).abs() < 1e-6, "{b:?}");
        }
        assert!((season.years - 2.0 * (7.0 * day + lead) / (365.0 * day)).abs() < 1e-9);
        // Trials that end before the peak (and its lead) begins are refused, saying why.
        let short = peak_season(&model, Duration::YEAR * 0.5).unwrap_err();
        assert!(matches!(short, StrataError::PeaksAfterTrial(_)), "{short}");
        assert!(short.to_string().contains("allowed: --years"), "{short}");
        // Overlapping peaks merge; one past the horizon is dropped.
        let two = text.replace(
            "peak = [{ name = \"Black Friday week\", start_day = 328, days = 7, multiplier = 5.0 }]",
            "peak = [{ name = \"a\", start_day = 10, days = 7, multiplier = 2.0 }, \
             { name = \"b\", start_day = 12, days = 2, multiplier = 3.0 }, \
             { name = \"c\", start_day = 200, days = 7, multiplier = 0.5 }]",
        );
        assert_ne!(two, text);
        let model = Model::from_str_at(&two, std::path::Path::new("m.toml")).unwrap();
        let season = peak_season(&model, Duration::YEAR * 0.5).unwrap();
        assert_eq!(season.windows.len(), 1, "{:?}", season.windows);
        assert!((season.windows[0].1.secs() - 16.0 * day).abs() < 1e-6);
    }

    // The design's counts: the long-outage count's mean is the region rate
    // times P(length > threshold), the threshold the P90 of the length
    // (exponential, mean 9.17 h: 9.17 h x ln 10), the late count's the
    // logical rate times P(late), the peak count's the rest of both rates
    // over the windows; the strata weights are their levels' products.
    #[test]
    fn a_peak_season_design_splits_the_rates_by_length_lateness_and_windows() {
        let text = include_str!("../../models/securecart-monolith.toml");
        let model = Model::from_str_at(text, std::path::Path::new("m.toml")).unwrap();
        let s = Stratification::new(&model, Duration::YEAR, VarianceReduction::PeakSeason).unwrap();
        let Points::Peak(splits, season) = &s.dims[2].points else { panic!("a peak count") };
        let (region, logical) = (splits[0], splits[1]);
        assert!((region.threshold.secs() - 9.17 * 3_600.0 * 10f64.ln()).abs() < 1e-6, "{:?}", region.threshold);
        assert!((region.cdf_at - 0.9).abs() < 1e-12);
        assert!((s.dims[0].mean - 0.6 * 0.1).abs() < 1e-12);
        assert!((s.dims[1].mean - logical.rate * (1.0 - logical.cdf_at)).abs() < 1e-12);
        assert!((s.dims[2].mean - (0.6 * 0.9 + logical.below_rate) * season.years).abs() < 1e-12);
        assert!((s.weights.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        for k in 0..PEAK_STRATA {
            let l = s.levels(k);
            let w = s.dims[0].weights[l[0]] * s.dims[1].weights[l[1]] * s.dims[2].weights[l[2]];
            assert!((s.weights[k] - w).abs() < 1e-15);
        }
        let peak_share: f64 = (0..PEAK_STRATA).filter(|&k| s.levels(k)[2] == 1).map(|k| s.allocation[k]).sum();
        assert!((peak_share - PEAK_SHARE).abs() < 0.03, "{peak_share}");
        // The table's shares of the long-outage levels (docs/variance.md,
        // "Allocation"): 200, 48 and 8 of its 256 slots to G = 0, 1, 2 or more.
        let long: Vec<usize> = (0..LONG_LEVELS)
            .map(|g| (0..PEAK_STRATA).filter(|&k| s.levels(k)[0] == g).map(|k| s.allocation[k]).sum::<f64>())
            .map(|share| (share * TABLE as f64).round() as usize)
            .collect();
        assert_eq!(long, [200, 48, 8]);
        // A fixed outage length has nothing above its P90: every outage is long.
        let fixed = text.replace(
            "duration = { dist = \"exponential\", mean = \"9.17h\" }",
            "duration = { dist = \"fixed\", value = \"9h\" }",
        );
        assert_ne!(fixed, text);
        let model = Model::from_str_at(&fixed, std::path::Path::new("m.toml")).unwrap();
        let s = Stratification::new(&model, Duration::YEAR, VarianceReduction::PeakSeason).unwrap();
        assert!((s.dims[0].mean - 0.6).abs() < 1e-12);
        let Points::Peak(splits, _) = &s.dims[2].points else { panic!("a peak count") };
        assert_eq!((splits[0].threshold, splits[0].below_rate), (Duration::ZERO, 0.0));
    }
}
