//! Stratified sampling of worlds (`drsim run --variance-reduction stratified`).
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
use super::{LateSplit, World};
use crate::model::{Duration, Model};

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
}

impl VarianceReduction {
    /// The name on the command line and in results.json's provenance.
    pub fn name(self) -> &'static str {
        match self {
            VarianceReduction::None => "none",
            VarianceReduction::Stratified => "stratified",
            VarianceReduction::Crossed => "crossed",
            VarianceReduction::LateDetection => "late-detection",
        }
    }

    /// The setting named `name` (see [`VarianceReduction::name`]).
    pub fn of_name(name: &str) -> Option<VarianceReduction> {
        [
            VarianceReduction::None,
            VarianceReduction::Stratified,
            VarianceReduction::Crossed,
            VarianceReduction::LateDetection,
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
        "--variance-reduction late-detection stratifies on the logical failures detected after the shortest \
         backup retention, and no strategy of this model keeps backups; allowed: a [[strategy]] with a \
         [strategy.backup], or --variance-reduction crossed"
    )]
    NoBackups,
    /// No logical failure can be detected after the threshold.
    #[error(
        "--variance-reduction late-detection stratifies on the logical failures detected after {0} (the \
         shortest backup retention less its backup interval), and this model's detection_delay never \
         exceeds it; allowed: a detection_delay that can exceed it, or --variance-reduction crossed"
    )]
    NoLateDetections(String),
    /// A stratified component has a non-exponential up-time (the setting's
    /// name, the failure kind's).
    #[error(
        "--variance-reduction {0} needs exponential up-times (a Poisson count of failures) for the {1} \
         failures; allowed: remove that [[failure]]'s uptime, or run without --variance-reduction"
    )]
    ShapedUptime(&'static str, &'static str),
}

/// One stratified count: the world slots whose Poisson points it counts,
/// its mean and the probabilities of its levels.
#[derive(Clone, Debug, PartialEq)]
pub struct Dimension {
    /// World slots counted, with their rates per year (for a late-detection
    /// count, the rate of the late points only).
    pub slots: Vec<(usize, f64)>,
    /// For a late-detection count, how the `logical` process splits into
    /// late and timely points; `None` for a count of failures.
    pub late: Option<LateSplit>,
    /// Expected count per trial: summed rate x horizon in years.
    pub mean: f64,
    /// `P(N = k)` for every level but the last, then `P(N >= last)`; they add up to 1.
    pub weights: Vec<f64>,
}

impl Dimension {
    fn new(slots: Vec<(usize, f64)>, horizon: Duration, levels: usize) -> Dimension {
        let mean = slots.iter().map(|&(_, r)| r).sum::<f64>() * horizon.years();
        Dimension { slots, late: None, mean, weights: poisson_levels(mean, levels) }
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
        if self.mean < 30.0 {
            // Inversion inside the tail: exact up to rounding.
            let tail = self.weights[last];
            let mut u = rng.random::<f64>() * tail;
            let mut k = last as u64;
            let mut p = pmf(self.mean, k);
            while u >= p && p > 0.0 {
                u -= p;
                k += 1;
                p *= self.mean / k as f64;
            }
            return k;
        }
        // A large mean puts almost all mass in the tail: rejection is cheap.
        let poisson = Poisson::new(self.mean).expect("a positive finite mean");
        loop {
            let n: f64 = poisson.sample(rng);
            if n >= last as f64 {
                return n as u64;
            }
        }
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
    /// up-time.
    pub fn new(model: &Model, horizon: Duration, how: VarianceReduction) -> Result<Stratification, StrataError> {
        let world = World::new(model);
        let (slots, shaped) = world.primary_components(model);
        if let Some(kind) = shaped {
            return Err(StrataError::ShapedUptime(how.name(), kind.name()));
        }
        if slots.is_empty() {
            return Err(StrataError::NoRegionFailures);
        }
        let region = Dimension::new(slots, horizon, STRATA);
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
            let late = late_dimension(model, &slots, horizon)?;
            (late, vec![1.0 - LATE_SHARE, LATE_SHARE])
        } else {
            let logical = Dimension::new(slots, horizon, LOGICAL_LEVELS);
            let b = tail_allocation(&logical.weights, &logical.level_means());
            (logical, b)
        };
        let target: Vec<f64> = a.iter().flat_map(|x| b.iter().map(move |y| x * y)).collect();
        Ok(Stratification::of(vec![region, second], &target))
    }

    fn of(dims: Vec<Dimension>, target: &[f64]) -> Stratification {
        let weights = dims.iter().fold(vec![1.0], |acc, d| {
            acc.iter().flat_map(|x| d.weights.iter().map(move |y| x * y)).collect::<Vec<f64>>()
        });
        let table = interleave(target);
        let n = weights.len();
        let allocation =
            (0..n).map(|k| table.iter().filter(|&&s| usize::from(s) == k).count() as f64 / TABLE as f64).collect();
        Stratification { dims, weights, allocation, table }
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
    /// points (for a late-detection count, the late points).
    pub fn give(&self, world: &mut World, stratum: usize, horizon: Duration, rng: &mut SimRng) {
        world.clear_given();
        for (d, level) in self.dims.iter().zip(self.levels(stratum)) {
            let count = d.count(level, rng);
            match &d.late {
                None => world.give(&d.slots, count, horizon, rng),
                Some(split) => world.give_late(split, count, horizon, rng),
            }
        }
    }
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

/// The late-detection count: the `logical` failure points whose detection
/// delay `D` exceeds [`late_threshold`] `T`. Marking each point of the
/// logical Poisson process (rate `r`) late with probability
/// `q = P(D > T)` splits it into two independent Poisson processes: late
/// points at rate `r q`, with delays drawn given `D > T`, and timely ones
/// at `r (1 - q)`, with delays given `D <= T`. So the late count is
/// `Poisson(r q x horizon)` and its levels' weights are exact; the
/// component's down time still thins both (a failure cannot begin while
/// the data is already damaged and undetected), as in a plain world.
fn late_dimension(model: &Model, slots: &[(usize, f64)], horizon: Duration) -> Result<Dimension, StrataError> {
    let threshold = late_threshold(model).ok_or(StrataError::NoBackups)?;
    let delay = match model.failure(crate::model::DisruptionKind::Logical).map(|m| &m.detail) {
        Some(crate::model::FailureDetail::Logical { detection_delay, .. }) => detection_delay,
        _ => return Err(StrataError::NoLogicalFailures(VarianceReduction::LateDetection.name())),
    };
    let cdf_at = delay.cdf(threshold.secs());
    let late = 1.0 - cdf_at;
    if late <= 0.0 {
        return Err(StrataError::NoLateDetections(format!("{threshold:#}")));
    }
    let &(slot, rate) = slots.first().ok_or(StrataError::NoLogicalFailures(VarianceReduction::LateDetection.name()))?;
    let split = LateSplit { slot, threshold, cdf_at, timely_rate: rate * cdf_at };
    let mut d = Dimension::new(vec![(slot, rate * late)], horizon, LATE_LEVELS);
    d.late = Some(split);
    Ok(d)
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

/// Target shares of the logical count's levels: the levels from the first
/// `t` with `P(N >= t) <= TAIL_PROBABILITY` up (where the upper quantiles of
/// annual cost sit) get [`TAIL_SHARE`] of the trials, the levels below the
/// rest, each part split Neyman-like as [`allocation`] does. Without such a
/// level (every level's tail above it) the last level alone is the tail.
fn tail_allocation(weights: &[f64], level_means: &[f64]) -> Vec<f64> {
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
            let (part, of) = if k < start { (1.0 - TAIL_SHARE, body) } else { (TAIL_SHARE, tail) };
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
        let b = tail_allocation(&logical.weights, &logical.level_means());
        // Levels 3, 4 and 5+ hold P(N >= 3) = 0.080 <= 0.1: the tail, half the trials.
        assert!((b[3..].iter().sum::<f64>() - TAIL_SHARE).abs() < 1e-12, "{b:?}");
        let target: Vec<f64> = a.iter().flat_map(|x| b.iter().map(move |y| x * y)).collect();
        let s = Stratification::of(vec![region.clone(), logical.clone()], &target);
        assert_eq!(s.weights.len(), CROSSED_STRATA);
        assert!((s.weights.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        for k in 0..CROSSED_STRATA {
            let l = s.levels(k);
            assert_eq!(k, l[0] * LOGICAL_LEVELS + l[1]);
            assert!((s.weights[k] - region.weights[l[0]] * logical.weights[l[1]]).abs() < 1e-15);
            assert!(s.allocation[k] >= 2.0 / TABLE as f64);
        }
    }
}
