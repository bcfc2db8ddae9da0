//! Per-trial totals of a per-incident figure, kept exactly: what a ratio
//! estimator's standard error needs when a trial's incidents are not
//! independent of one another (cluster sampling, the trial being the
//! cluster).
//!
//! A per-incident mean estimated from trials is `sum_i y_i / sum_i x_i`,
//! where trial `i` holds `x_i` values summing to `y_i`. Its delta-method
//! variance reads the trials' variances of `x` and `y` and their covariance
//! (`stats::stratified`, "Estimators" in docs/variance.md), whatever ties
//! the values of one trial together (a season that prices all of them, a
//! count fixed by a stratum). [`TrialTotals`] keeps the sums those need as
//! integers, so it merges exactly in any order, as [`Moments`] does.

use serde::{Deserialize, Serialize};

use super::Moments;
use super::moments::{SUM_SCALE, i128_string};
use super::stratified::{TrialSpread, co_spread, count_spread};

/// Sums over trials of a figure's per-trial count `x` and total `y` (a
/// trial's values summed in fixed point, `round(v * 1e6)` each, exactly as
/// [`Moments`] sums them): `sum x`, `sum x^2`, the moments of `y` over the
/// trials that held values, and `sum x y`. Trials without values add 0 to
/// every sum and are not pushed: [`TrialTotals::spread`] takes the trial
/// count.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrialTotals {
    /// `sum x`: values.
    pub count: u64,
    /// `sum x^2`.
    pub count_sq: u64,
    /// The per-trial totals `y` (in the values' unit) of the trials holding values.
    pub sums: Moments,
    /// `sum x y`, `y` in fixed point (units of 1e-6 of the values' unit).
    #[serde(with = "i128_string")]
    pub products: i128,
}

impl TrialTotals {
    /// Whether no trial held values.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Adds one trial's `count` values totalling `fixed` (fixed point,
    /// units of 1e-6); nothing for a trial without values.
    #[inline]
    pub fn push(&mut self, count: u64, fixed: i128) {
        if count == 0 {
            return;
        }
        self.count += count;
        self.count_sq += count * count;
        self.sums.push_fixed(fixed);
        self.products = self.products.wrapping_add(fixed.wrapping_mul(i128::from(count)));
    }

    /// Adds everything accumulated in `other`. Exactly commutative and associative.
    pub fn merge(&mut self, other: &TrialTotals) {
        self.count += other.count;
        self.count_sq += other.count_sq;
        self.sums.merge(&other.sums);
        self.products = self.products.wrapping_add(other.products);
    }

    /// `n` times the sample variances of `x` and `y` and their sample
    /// covariance over `trials` trials (divisor `n - 1`), `y` in the
    /// values' unit; all 0 below two trials.
    pub fn spread(&self, trials: u64) -> TrialSpread {
        if trials < 2 {
            return TrialSpread::default();
        }
        let (x, y) = (self.count as f64, self.sums.sum());
        TrialSpread {
            count: count_spread(trials, self.count, self.count_sq),
            cross: co_spread(trials, x, y, self.products as f64 / SUM_SCALE),
            total: self.sums.with_count(trials).variance() * trials as f64,
        }
    }
}

/// [`TrialTotals`] of a figure whose values are 0 or 1 (an incident
/// meeting a target, losing all data), or whole counts (plays meeting a
/// target): a trial's total `y` is a count of successes, and every sum is
/// a `u64`, cheaper to keep than fixed point.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrialCounts {
    /// `sum x`: values.
    pub count: u64,
    /// `sum x^2`.
    pub count_sq: u64,
    /// `sum y`: successes.
    pub successes: u64,
    /// `sum y^2`.
    pub successes_sq: u64,
    /// `sum x y`.
    pub products: u64,
}

impl TrialCounts {
    /// Whether no trial held values.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Adds one trial's `count` values, `successes` their total.
    #[inline]
    pub fn push(&mut self, count: u64, successes: u64) {
        self.count += count;
        self.count_sq += count * count;
        self.successes += successes;
        self.successes_sq += successes * successes;
        self.products += count * successes;
    }

    /// Adds everything accumulated in `other`.
    pub fn merge(&mut self, other: &TrialCounts) {
        self.count += other.count;
        self.count_sq += other.count_sq;
        self.successes += other.successes;
        self.successes_sq += other.successes_sq;
        self.products += other.products;
    }

    /// As [`TrialTotals::spread`], `y` in successes.
    pub fn spread(&self, trials: u64) -> TrialSpread {
        if trials < 2 {
            return TrialSpread::default();
        }
        let (x, y) = (self.count as f64, self.successes as f64);
        TrialSpread {
            count: count_spread(trials, self.count, self.count_sq),
            cross: co_spread(trials, x, y, self.products as f64),
            total: count_spread(trials, self.successes, self.successes_sq),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Three trials holding (2 values, 3.0), (0, 0), (1, 0.5): by hand,
    // means x 1, y 7/6; sums of squares about them 2 (x) and
    // 9.25 - 3.5^2 / 3 = 31/6 (y), of products 6.5 - 3 * 3.5 / 3 = 3;
    // n times the sample (co)variances: each times n / (n - 1) = 3/2.
    #[test]
    fn spread_is_n_times_the_sample_covariances_by_hand() {
        let mut t = TrialTotals::default();
        t.push(2, 3_000_000);
        t.push(0, 0);
        t.push(1, 500_000);
        let s = t.spread(3);
        assert!((s.count - 3.0).abs() < 1e-12, "{s:?}");
        assert!((s.cross - 4.5).abs() < 1e-12, "{s:?}");
        assert!((s.total - 7.75).abs() < 1e-12, "{s:?}");
        assert_eq!(t.spread(1), TrialSpread::default(), "one trial: no spread");
    }

    // A 0/1 figure's counts give the spread of the same totals kept in
    // fixed point.
    #[test]
    fn counts_spread_as_totals_do() {
        let trials = [(2u64, 1u64), (0, 0), (3, 3), (1, 0)];
        let (mut counts, mut totals) = (TrialCounts::default(), TrialTotals::default());
        for &(x, y) in &trials {
            counts.push(x, y);
            totals.push(x, i128::from(y) * 1_000_000);
        }
        let (a, b) = (counts.spread(4), totals.spread(4));
        for (u, v) in [(a.count, b.count), (a.cross, b.cross), (a.total, b.total)] {
            assert!((u - v).abs() < 1e-12, "{a:?} against {b:?}");
        }
    }

    // Merging in any split gives the same integers as one accumulator.
    #[test]
    fn totals_merge_exactly() {
        let trials = [(1u64, 7i128), (3, -2), (0, 0), (2, 1 << 70)];
        let mut all = TrialTotals::default();
        trials.iter().for_each(|&(x, y)| all.push(x, y));
        let (mut a, mut b) = (TrialTotals::default(), TrialTotals::default());
        trials[..2].iter().for_each(|&(x, y)| a.push(x, y));
        trials[2..].iter().for_each(|&(x, y)| b.push(x, y));
        b.merge(&a);
        assert_eq!(b, all);
    }
}
