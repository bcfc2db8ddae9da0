//! A mergeable log-bucketed histogram (DDSketch-style) with fixed relative accuracy.

use super::interval::z_for;
use super::moments::Moments;
use serde::{Deserialize, Serialize};

/// Relative accuracy `α` of [`LogHistogram`] (see [`LogHistogram::RELATIVE_ACCURACY`]).
const ALPHA: f64 = 0.005;
/// Bucket growth factor `γ = (1 + α) / (1 - α)`.
const GAMMA: f64 = (1.0 + ALPHA) / (1.0 - ALPHA);

/// `ln γ`, computed without cancellation.
fn ln_gamma() -> f64 {
    (2.0 * ALPHA / (1.0 - ALPHA)).ln_1p()
}

/// Index of the bucket `(γ^(i-1), γ^i]` holding the positive value `x`.
fn bucket_index(x: f64) -> i64 {
    crate::num::ceil_i64(x.ln() / ln_gamma())
}

/// Upper bound `γ^i` of bucket `i`.
fn bucket_upper(i: i64) -> f64 {
    (i as f64 * ln_gamma()).exp()
}

/// Value reported for bucket `i`: `2 γ^i / (γ + 1) = (1 - α) γ^i = (1 + α) γ^(i-1)`,
/// within `α` relative error of every value in the bucket.
fn bucket_value(i: i64) -> f64 {
    2.0 * bucket_upper(i) / (GAMMA + 1.0)
}

/// Sanitizes a value to record: NaN, negatives and -0 become +0.
fn sanitize(x: f64) -> f64 {
    debug_assert!(x >= 0.0, "LogHistogram: negative or NaN value {x}");
    if x > 0.0 { x } else { 0.0 }
}

/// Mergeable histogram of non-negative values with log-spaced buckets, a fixed
/// relative accuracy of 0.5%, and memory that does not grow with the sample count.
///
/// * Bucket `i` covers `(γ^(i-1), γ^i]` with `γ = (1 + α)/(1 - α)`, `α` =
///   [`Self::RELATIVE_ACCURACY`]; a value read back from a bucket is
///   `2 γ^i / (γ + 1)`, so every reported quantile is within relative error `α` of the
///   true sample value at the same rank.
/// * Values `<= ZERO_THRESHOLD` (1e-6) are counted exactly in a zero bucket and
///   reported as 0; values `> MAX_TRACKED` (1e15) and `+inf` are counted in an
///   overflow bucket and reported as `f64::INFINITY`.
/// * Bucket counts are a dense `Vec<u64>` spanning only the bucket indices seen (at
///   most about 4,900 buckets over 1e-6..1e15; one decade takes about 230).
/// * All state is integers (and min/max), so [`Self::merge`] is exactly commutative
///   and associative, and the representation is normalised (counts trimmed to their
///   first and last non-empty bucket): merging partial histograms in any order gives a
///   struct `==` to one built from all the samples, bit for bit.
/// * Exact [`Moments`] of the finite values are kept alongside for the mean and its
///   standard error.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Repr")]
pub struct LogHistogram {
    /// Count of values `<= ZERO_THRESHOLD`.
    zero: u64,
    /// Count of values `> MAX_TRACKED`, including `+inf`.
    overflow: u64,
    /// Bucket index of `counts[0]`; 0 when `counts` is empty.
    offset: i32,
    /// Counts of buckets `offset..offset + counts.len()`; first and last non-zero.
    counts: Vec<u64>,
    /// Exact moments of the finite values.
    moments: Moments,
    /// Smallest finite value recorded.
    min: Option<f64>,
    /// Largest finite value recorded.
    max: Option<f64>,
    /// Whether `+inf` was recorded.
    infinite: bool,
}

/// Serialized form of [`LogHistogram`], validated and normalised on the way in.
#[derive(Deserialize)]
struct Repr {
    zero: u64,
    overflow: u64,
    offset: i32,
    counts: Vec<u64>,
    moments: Moments,
    min: Option<f64>,
    max: Option<f64>,
    infinite: bool,
}

impl TryFrom<Repr> for LogHistogram {
    type Error = String;

    fn try_from(r: Repr) -> Result<Self, String> {
        let mut counts = r.counts;
        let lead = counts.iter().take_while(|&&c| c == 0).count();
        counts.drain(..lead);
        while counts.last() == Some(&0) {
            counts.pop();
        }
        let offset = if counts.is_empty() {
            0
        } else {
            let first = i64::from(r.offset) + lead as i64;
            let last = first + counts.len() as i64 - 1;
            let (lo, hi) = LogHistogram::index_range();
            if first < lo || last > hi {
                return Err(format!("bucket indices {first}..={last} outside {lo}..={hi}"));
            }
            first as i32
        };
        let bad = |v: Option<f64>| v.is_some_and(|x| !(x.is_finite() && x >= 0.0));
        if bad(r.min) || bad(r.max) {
            return Err("min and max must be finite and non-negative".into());
        }
        // Quantiles clamp bucket values into [min, max] (a forged part once
        // gave min 9218 > max 4020 and a panic in `drsim merge`).
        if let (Some(min), Some(max)) = (r.min, r.max) {
            if min > max {
                return Err(format!("min {min} is above max {max}"));
            }
        }
        Ok(Self {
            zero: r.zero,
            overflow: r.overflow,
            offset,
            counts,
            moments: r.moments,
            min: r.min,
            max: r.max,
            infinite: r.infinite,
        })
    }
}

impl LogHistogram {
    /// Relative accuracy `α` (0.5%) of every value the histogram reports for a bucket.
    pub const RELATIVE_ACCURACY: f64 = ALPHA;
    /// Values at or below this (1e-6, in the values' unit) count as zero and are
    /// reported as 0.
    pub const ZERO_THRESHOLD: f64 = 1e-6;
    /// Values above this (1e15, in the values' unit) count as overflow and are reported
    /// as `f64::INFINITY`.
    pub const MAX_TRACKED: f64 = 1e15;

    /// An empty histogram (allocates nothing).
    pub fn new() -> Self {
        Self::default()
    }

    /// Range of bucket indices that values in `(ZERO_THRESHOLD, MAX_TRACKED]` can take.
    fn index_range() -> (i64, i64) {
        (bucket_index(Self::ZERO_THRESHOLD), bucket_index(Self::MAX_TRACKED))
    }

    /// Records one value. Values must be non-negative (checked by a `debug_assert!`);
    /// in release builds negatives and NaN are recorded as 0.
    #[inline]
    pub fn record(&mut self, x: f64) {
        // The common case, in the hot loop once or twice per incident: a
        // finite value in the log buckets, in a bucket already spanned.
        if x > Self::ZERO_THRESHOLD && x <= Self::MAX_TRACKED {
            let at = (index::fast_bucket_index(x) - i64::from(self.offset)) as usize;
            if let Some(slot) = self.counts.get_mut(at) {
                *slot = slot.saturating_add(1);
                self.moments.push(x);
                // x is neither NaN nor zero here, so a comparison is f64::min/max.
                self.min = Some(self.min.map_or(x, |m| if x < m { x } else { m }));
                self.max = Some(self.max.map_or(x, |m| if x > m { x } else { m }));
                return;
            }
        } else if x == 0.0 {
            // The other common case: no downtime, no data lost.
            self.zero = self.zero.saturating_add(1);
            self.moments.push(0.0);
            self.min = Some(self.min.map_or(0.0, |m| if m > 0.0 { 0.0 } else { m }));
            self.max = Some(self.max.unwrap_or(0.0));
            return;
        }
        self.record_rare(x);
    }

    /// [`Self::record`] of a value outside the common cases (a new bucket, a
    /// value below the zero threshold, overflow, infinity, NaN); kept out of
    /// line so that `record` stays small enough to inline.
    #[cold]
    #[inline(never)]
    fn record_rare(&mut self, x: f64) {
        self.record_n(x, 1);
    }

    /// Records `n` copies of a value; the same as calling [`Self::record`] `n` times.
    pub fn record_n(&mut self, x: f64, n: u64) {
        let x = sanitize(x);
        if n == 0 {
            return;
        }
        if x.is_finite() {
            if n == 1 {
                self.moments.push(x);
            } else {
                self.moments.push_n(x, n);
            }
        }
        self.count_n(x, n);
    }

    /// Records every value of `values`: the same histogram, bit for bit, as
    /// [`Self::record`] of each in turn (counts and moments are integer
    /// sums, the extremes exact, so the order does not matter), for less
    /// work per value: the bucket table is looked up once, and the zero
    /// count, the extremes and the moments are kept in registers over the
    /// values instead of written back after each. For values gathered over
    /// a batch of trials: the platform search records every combination's
    /// outages this way, about two thousand values per trial.
    pub fn record_all(&mut self, values: &[f64]) {
        let index = index::Indexer::get();
        let (mut zero, mut min, mut max) = (0u64, f64::INFINITY, f64::NEG_INFINITY);
        for &x in values {
            // The two common cases of `record`; the rest counted one by one.
            if x > Self::ZERO_THRESHOLD && x <= Self::MAX_TRACKED {
                let at = (index.of(x) - i64::from(self.offset)) as usize;
                if let Some(slot) = self.counts.get_mut(at) {
                    *slot = slot.saturating_add(1);
                    min = if x < min { x } else { min };
                    max = if x > max { x } else { max };
                    continue;
                }
            } else if x == 0.0 {
                // Recorded as +0 (also a -0), as `record` does.
                zero += 1;
                min = if 0.0 < min { 0.0 } else { min };
                max = if 0.0 > max { 0.0 } else { max };
                continue;
            }
            self.count_rare(x);
        }
        self.zero = self.zero.saturating_add(zero);
        // Some value was counted above: fold its extremes in.
        if min <= max {
            self.min = Some(self.min.map_or(min, |m| if min < m { min } else { m }));
            self.max = Some(self.max.map_or(max, |m| if max > m { max } else { m }));
        }
        self.moments.push_all(values.iter().map(|&x| sanitize(x)).filter(|x| x.is_finite()));
    }

    /// [`Self::count_n`] of one value outside [`Self::record_all`]'s common
    /// cases, out of line.
    #[cold]
    #[inline(never)]
    fn count_rare(&mut self, x: f64) {
        self.count_n(sanitize(x), 1);
    }

    /// Everything [`Self::record_n`] records of `n > 0` copies of the
    /// sanitized value `x` but its moments: its bucket (or the zero or
    /// overflow count) and the extremes.
    fn count_n(&mut self, x: f64, n: u64) {
        if x.is_finite() {
            self.min = Some(self.min.map_or(x, |m| m.min(x)));
            self.max = Some(self.max.map_or(x, |m| m.max(x)));
        } else {
            self.infinite = true;
        }
        if x <= Self::ZERO_THRESHOLD {
            self.zero = self.zero.saturating_add(n);
        } else if x > Self::MAX_TRACKED {
            self.overflow = self.overflow.saturating_add(n);
        } else {
            let i = index::fast_bucket_index(x);
            self.cover(i, i);
            let slot = &mut self.counts[(i - i64::from(self.offset)) as usize];
            *slot = slot.saturating_add(n);
        }
    }

    /// Grows `counts` so that it spans bucket indices `lo..=hi` (both within
    /// [`Self::index_range`]).
    fn cover(&mut self, lo: i64, hi: i64) {
        if self.counts.is_empty() {
            self.offset = lo as i32;
            self.counts = vec![0; (hi - lo + 1) as usize];
            return;
        }
        let start = i64::from(self.offset);
        let end = start + self.counts.len() as i64 - 1;
        if lo < start {
            let extra = (start - lo) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, extra));
            self.offset = lo as i32;
        }
        if hi > end {
            let len = self.counts.len() + (hi - end) as usize;
            self.counts.resize(len, 0);
        }
    }

    /// Adds all of `other`'s samples to `self`. Exactly commutative and associative.
    pub fn merge(&mut self, other: &LogHistogram) {
        self.zero = self.zero.saturating_add(other.zero);
        self.overflow = self.overflow.saturating_add(other.overflow);
        if !other.counts.is_empty() {
            let lo = i64::from(other.offset);
            self.cover(lo, lo + other.counts.len() as i64 - 1);
            let skip = (lo - i64::from(self.offset)) as usize;
            for (mine, theirs) in self.counts[skip..].iter_mut().zip(&other.counts) {
                *mine = mine.saturating_add(*theirs);
            }
        }
        self.moments.merge(&other.moments);
        let pick = |a: Option<f64>, b: Option<f64>, f: fn(f64, f64) -> f64| match (a, b) {
            (Some(x), Some(y)) => Some(f(x, y)),
            (x, y) => x.or(y),
        };
        self.min = pick(self.min, other.min, f64::min);
        self.max = pick(self.max, other.max, f64::max);
        self.infinite |= other.infinite;
    }

    /// Number of values recorded, including zeros and overflow.
    pub fn count(&self) -> u64 {
        self.counts.iter().fold(self.zero.saturating_add(self.overflow), |a, &c| a.saturating_add(c))
    }

    /// Number of values recorded at or below [`Self::ZERO_THRESHOLD`] (reported as 0).
    pub fn zero_count(&self) -> u64 {
        self.zero
    }

    /// Number of values recorded above [`Self::MAX_TRACKED`], including `+inf`
    /// (reported as `f64::INFINITY`).
    pub fn overflow_count(&self) -> u64 {
        self.overflow
    }

    /// Exact count, sum and sum of squares of the finite values recorded (every value
    /// except `+inf`), for the mean and its standard error.
    pub fn moments(&self) -> &Moments {
        &self.moments
    }

    /// Smallest value recorded (exact), or `None` if the histogram is empty.
    pub fn min(&self) -> Option<f64> {
        self.min.or(self.infinite.then_some(f64::INFINITY))
    }

    /// Largest value recorded (exact; `f64::INFINITY` if `+inf` was recorded), or
    /// `None` if the histogram is empty.
    pub fn max(&self) -> Option<f64> {
        if self.infinite { Some(f64::INFINITY) } else { self.max }
    }

    /// Value reported at 1-based `rank` (`1..=n`, `n = self.count()`): 0 in the zero
    /// bucket, `f64::INFINITY` in overflow, else the bucket value clamped into
    /// `[min, max]`, except that rank 1 and rank `n`, when they fall in the log
    /// buckets, report the exact min and max.
    fn value_at_rank(&self, rank: u64, n: u64) -> f64 {
        let mut seen = self.zero;
        if rank <= seen {
            return 0.0;
        }
        let in_buckets = !self.counts.is_empty();
        match (self.min, self.max) {
            (Some(min), _) if in_buckets && self.zero == 0 && rank == 1 => return min,
            (_, Some(max)) if in_buckets && self.overflow == 0 && rank == n => return max,
            _ => {}
        }
        for (k, &c) in self.counts.iter().enumerate() {
            seen = seen.saturating_add(c);
            if rank <= seen {
                return self.clamped_value(i64::from(self.offset) + k as i64);
            }
        }
        f64::INFINITY
    }

    /// Bucket value of bucket `i` clamped into the finite `[min, max]` seen.
    fn clamped_value(&self, i: i64) -> f64 {
        let v = bucket_value(i);
        match (self.min, self.max) {
            (Some(lo), Some(hi)) => v.clamp(lo, hi),
            _ => v,
        }
    }

    /// The `q`-quantile by nearest rank: the value at 1-based rank
    /// `max(1, ceil(q * count))`, within [`Self::RELATIVE_ACCURACY`] relative error of
    /// the true sample value at that rank (0 if that sample is in the zero bucket,
    /// `f64::INFINITY` if in overflow; the exact min/max at the first/last rank of the
    /// log buckets). `q` is clamped to `[0, 1]` (NaN counts as 0). `None` if empty.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let n = self.count();
        if n == 0 {
            return None;
        }
        let q = if q.is_nan() { 0.0 } else { q.clamp(0.0, 1.0) };
        let rank = ((q * n as f64).ceil() as u64).clamp(1, n);
        Some(self.value_at_rank(rank, n))
    }

    /// Distribution-free confidence interval `(lower, upper)` for the population
    /// `q`-quantile at the two-sided `confidence`, from order statistics.
    ///
    /// The number of samples below the true quantile is Binomial(n, q); with the
    /// normal approximation the ranks `l = floor(nq - z sqrt(nq(1-q)))` and
    /// `u = ceil(nq + z sqrt(nq(1-q))) + 1`, clamped to `[1, n]`, bracket it with
    /// probability about `confidence`, and the values reported at those ranks (each
    /// within [`Self::RELATIVE_ACCURACY`]) are returned. `None` if empty.
    pub fn quantile_interval(&self, q: f64, confidence: f64) -> Option<(f64, f64)> {
        let n = self.count();
        if n == 0 {
            return None;
        }
        let q = if q.is_nan() { 0.0 } else { q.clamp(0.0, 1.0) };
        let z = z_for(confidence);
        let nf = n as f64;
        let nq = nf * q;
        let spread = z * (nq * (1.0 - q)).sqrt();
        let rank = |r: f64| {
            if r.is_nan() { 1 } else { r.clamp(1.0, nf) as u64 }
        };
        let lower = rank((nq - spread).floor());
        let upper = rank((nq + spread).ceil() + 1.0);
        Some((self.value_at_rank(lower, n), self.value_at_rank(upper, n)))
    }

    /// Number of values known to be `<= x` at bucket resolution: the zero bucket (if
    /// `x >= 0`) plus every bucket whose upper bound is `<= x`, plus overflow only if
    /// `x` is `+inf`. Lies between the exact counts at `x / γ` and at `x` (`γ ≈ 1.01`):
    /// it never over-counts, and under-counts only values in `(x/γ, x]`.
    pub fn count_at_most(&self, x: f64) -> u64 {
        if x.is_nan() || x < 0.0 {
            return 0;
        }
        if x == f64::INFINITY {
            return self.count();
        }
        let last = (x.ln() / ln_gamma()).floor();
        let mut total = self.zero;
        for (k, &c) in self.counts.iter().enumerate() {
            if (i64::from(self.offset) + k as i64) as f64 > last {
                break;
            }
            total = total.saturating_add(c);
        }
        total
    }

    /// Fraction of values `<= x` at bucket resolution, `count_at_most(x) / count()`
    /// (see [`Self::count_at_most`]): the empirical CDF, lying between its exact
    /// values at `x / γ` and at `x`. 0 for an empty histogram.
    pub fn fraction_at_most(&self, x: f64) -> f64 {
        match self.count() {
            0 => 0.0,
            n => self.count_at_most(x) as f64 / n as f64,
        }
    }

    /// Expected shortfall (CVaR) at level `q`: the mean of the worst (largest)
    /// `(1 - q)` share of the values, i.e. of the top `(1 - q) n` values, the value at
    /// the boundary taken fractionally. Computed from bucket values, so within
    /// [`Self::RELATIVE_ACCURACY`] of the exact sample figure; `f64::INFINITY` if any
    /// overflow value falls in the tail. `q` is clamped to `[0, 1]` (NaN counts as 0);
    /// at `q = 1` it is the largest value. `None` if the histogram is empty.
    pub fn cvar(&self, q: f64) -> Option<f64> {
        let n = self.count();
        if n == 0 {
            return None;
        }
        let q = if q.is_nan() { 0.0 } else { q.clamp(0.0, 1.0) };
        let tail = (1.0 - q) * n as f64;
        if tail <= 0.0 {
            return self.quantile(1.0);
        }
        if self.overflow > 0 {
            return Some(f64::INFINITY);
        }
        let mut remaining = tail;
        let mut total = 0.0;
        for (k, &c) in self.counts.iter().enumerate().rev() {
            let take = (c as f64).min(remaining);
            total += take * self.clamped_value(i64::from(self.offset) + k as i64);
            remaining -= take;
            if remaining <= 0.0 {
                break;
            }
        }
        // Whatever remains comes from the zero bucket, whose values are reported as 0.
        Some(total / tail)
    }

    /// Non-empty buckets in ascending order as `(lower, upper, count)`, for charts such
    /// as CDFs: the zero bucket first as `(0, 0, count)`, then each log bucket
    /// `(γ^(i-1), γ^i, count)`, then overflow as `(MAX_TRACKED, INFINITY, count)`.
    /// The counts add up to [`Self::count`].
    pub fn iter_buckets(&self) -> impl Iterator<Item = (f64, f64, u64)> {
        let zero = (self.zero > 0).then_some((0.0, 0.0, self.zero));
        let overflow = (self.overflow > 0).then_some((Self::MAX_TRACKED, f64::INFINITY, self.overflow));
        let offset = i64::from(self.offset);
        let buckets = self.counts.iter().enumerate().filter(|&(_, &c)| c > 0).map(move |(k, &c)| {
            let i = offset + k as i64;
            (bucket_upper(i - 1), bucket_upper(i), c)
        });
        zero.into_iter().chain(buckets).chain(overflow)
    }
}

mod index;
mod mixture;

pub use mixture::Mixture;

#[cfg(test)]
mod tests;
