//! Confidence intervals: normal quantiles, Wilson score intervals for proportions,
//! normal intervals for means, and exact (Garwood) intervals for Poisson rates.
//!
//! Every `confidence` argument is a two-sided level such as `0.95`. It is clamped to
//! `[0, 1]` (NaN counts as 0): confidence 0 gives a zero-width interval at the point
//! estimate, confidence 1 the widest possible interval.

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, Gamma, Normal};

/// Clamps a confidence level into `[0, 1]`, mapping NaN to 0.
fn clamp_confidence(confidence: f64) -> f64 {
    if confidence.is_nan() { 0.0 } else { confidence.clamp(0.0, 1.0) }
}

/// Two-sided standard-normal critical value for `confidence`: the `z` with
/// `P(-z <= Z <= z) = confidence` for a standard normal `Z`, e.g. `0.95 -> 1.959964`.
///
/// Returns 0 for confidence 0 and `f64::INFINITY` for confidence 1.
pub fn z_for(confidence: f64) -> f64 {
    let c = clamp_confidence(confidence);
    if c >= 1.0 {
        return f64::INFINITY;
    }
    Normal::standard().inverse_cdf(0.5 + c / 2.0)
}

/// A count of successes out of a number of trials, e.g. incidents recovered within
/// their recovery-time objective. Mergeable exactly (integer counts).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proportion {
    /// Number of trials that succeeded.
    pub successes: u64,
    /// Number of trials.
    pub trials: u64,
}

impl Proportion {
    /// A proportion of `successes` out of `trials`.
    pub fn new(successes: u64, trials: u64) -> Self {
        Self { successes, trials }
    }

    /// Records one trial, successful or not.
    pub fn record(&mut self, success: bool) {
        self.trials = self.trials.saturating_add(1);
        if success {
            self.successes = self.successes.saturating_add(1);
        }
    }

    /// Fraction of trials that succeeded, `successes / trials`, in `[0, 1]`; `None`
    /// when there are no trials or (invalid state) more successes than trials.
    pub fn estimate(&self) -> Option<f64> {
        if self.trials == 0 || self.successes > self.trials {
            return None;
        }
        Some(self.successes as f64 / self.trials as f64)
    }

    /// Wilson score interval `(lower, upper)` for the success probability, within
    /// `[0, 1]`, at the given two-sided `confidence`; `None` when
    /// [`Proportion::estimate`] is `None`.
    ///
    /// Unlike the normal ("Wald") interval it has sensible width at 0 or `trials`
    /// successes: with 0 successes out of 10 at 95% it is `(0, 0.2775)`.
    pub fn wilson(&self, confidence: f64) -> Option<(f64, f64)> {
        let p = self.estimate()?;
        let z = z_for(confidence);
        if z.is_infinite() {
            return Some((0.0, 1.0));
        }
        let n = self.trials as f64;
        let z2n = z * z / n;
        let denom = 1.0 + z2n;
        let center = (p + z2n / 2.0) / denom;
        let half = z / denom * (p * (1.0 - p) / n + z2n / (4.0 * n)).sqrt();
        // The exact bounds at 0 and `trials` successes are 0 and 1; avoid rounding.
        let lower = if self.successes == 0 { 0.0 } else { center - half };
        let upper = if self.successes == self.trials { 1.0 } else { center + half };
        Some((lower.clamp(0.0, 1.0), upper.clamp(0.0, 1.0)))
    }

    /// Adds `other`'s successes and trials to `self` (saturating integer additions).
    pub fn merge(&mut self, other: &Proportion) {
        self.successes = self.successes.saturating_add(other.successes);
        self.trials = self.trials.saturating_add(other.trials);
    }
}

/// A point estimate (typically a mean) with its standard error, in the same unit.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// The point estimate.
    pub value: f64,
    /// Standard error of the estimate (standard deviation of its sampling distribution).
    pub std_error: f64,
}

impl Estimate {
    /// Half-width `z * std_error` of the normal interval at the two-sided `confidence`.
    pub fn half_width(&self, confidence: f64) -> f64 {
        if self.std_error == 0.0 {
            return 0.0;
        }
        z_for(confidence) * self.std_error
    }

    /// Normal-approximation interval `(value - h, value + h)` with
    /// `h = self.half_width(confidence)`.
    pub fn interval(&self, confidence: f64) -> (f64, f64) {
        let h = self.half_width(confidence);
        (self.value - h, self.value + h)
    }
}

/// Exact (Garwood) two-sided interval `(lower, upper)` for a Poisson rate, from `k`
/// events observed over `exposure` units (e.g. trial-years), in events per unit.
///
/// With `a = 1 - confidence`, `lower = G(a/2; k) / exposure` and
/// `upper = G(1 - a/2; k + 1) / exposure`, where `G(p; s)` is the `p`-quantile of a
/// gamma distribution with shape `s` and rate 1 (half a chi-squared quantile with `2s`
/// degrees of freedom). The lower bound is 0 when `k == 0`. A non-positive or
/// non-finite `exposure` gives the uninformative `(0, f64::INFINITY)`.
pub fn poisson_exact_interval(k: u64, exposure: f64, confidence: f64) -> (f64, f64) {
    if !(exposure > 0.0 && exposure.is_finite()) {
        return (0.0, f64::INFINITY);
    }
    let tail = (1.0 - clamp_confidence(confidence)) / 2.0;
    let lower = if k == 0 { 0.0 } else { gamma_quantile(k as f64, tail) };
    let upper = gamma_quantile(k as f64 + 1.0, 1.0 - tail);
    (lower / exposure, upper / exposure)
}

/// `p`-quantile of a gamma distribution with the given shape (>= 1) and rate 1.
fn gamma_quantile(shape: f64, p: f64) -> f64 {
    match Gamma::new(shape, 1.0) {
        Ok(g) => g.inverse_cdf(p.clamp(0.0, 1.0)),
        // Unreachable: the shape is always a finite number >= 1.
        Err(_) => f64::NAN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn z_for_known_values() {
        assert!(close(z_for(0.95), 1.959_963_984_540_054, 1e-9));
        assert!(close(z_for(0.99), 2.575_829_303_548_901, 1e-9));
        assert!(close(z_for(0.6826894921370859), 1.0, 1e-9));
        assert_eq!(z_for(0.0), 0.0);
        assert_eq!(z_for(1.0), f64::INFINITY);
        assert_eq!(z_for(f64::NAN), 0.0);
    }

    #[test]
    fn wilson_published_values() {
        // Expected values recomputed independently (Python, z = 1.959963984540054):
        //   p = k/n, c = (p + z²/2n)/(1 + z²/n), h = z/(1 + z²/n)·sqrt(p(1-p)/n + z²/4n²)
        // k=81,  n=263 -> (0.255289, 0.366210)   (Newcombe 1998, Table I: 0.2553..0.3662)
        // k=15,  n=148 -> (0.062386, 0.160487)   (Newcombe 1998, Table I: 0.0624..0.1605)
        // k=0,   n=20  -> (0, 0.161125)           (Newcombe 1998, Table I: 0..0.1611)
        // k=1,   n=29  -> (0.006113, 0.171755)   (Newcombe 1998, Table I: 0.0061..0.1718)
        // k=0,   n=10  -> (0, 0.277533)
        // k=10,  n=10  -> (0.722467, 1)           (mirror image of k = 0)
        let cases = [
            (81, 263, 0.255289, 0.366210),
            (15, 148, 0.062386, 0.160487),
            (0, 20, 0.0, 0.161125),
            (1, 29, 0.006113, 0.171755),
            (0, 10, 0.0, 0.277533),
            (10, 10, 0.722467, 1.0),
        ];
        for (k, n, lo, hi) in cases {
            let (l, u) = Proportion::new(k, n).wilson(0.95).expect("trials > 0");
            assert!(close(l, lo, 1e-6) && close(u, hi, 1e-6), "{k}/{n}: ({l}, {u})");
        }
    }

    #[test]
    fn proportion_edge_cases_and_merge() {
        assert_eq!(Proportion::default().estimate(), None);
        assert_eq!(Proportion::default().wilson(0.95), None);
        assert_eq!(Proportion::new(3, 2).wilson(0.95), None);
        let mut p = Proportion::new(1, 4);
        p.merge(&Proportion::new(2, 6));
        p.record(true);
        p.record(false);
        assert_eq!(p, Proportion::new(4, 12));
        assert_eq!(p.estimate(), Some(1.0 / 3.0));
        assert_eq!(p.wilson(0.0), Some((1.0 / 3.0, 1.0 / 3.0)));
        assert_eq!(p.wilson(1.0), Some((0.0, 1.0)));
    }

    #[test]
    fn estimate_interval() {
        let e = Estimate { value: 10.0, std_error: 2.0 };
        let (l, u) = e.interval(0.95);
        assert!(close(l, 10.0 - 3.919_927_969, 1e-8) && close(u, 10.0 + 3.919_927_969, 1e-8));
        assert!(close(e.half_width(0.95), 3.919_927_969, 1e-8));
        let exact = Estimate { value: 1.0, std_error: 0.0 };
        assert_eq!(exact.interval(1.0), (1.0, 1.0));
    }

    #[test]
    fn garwood_known_values() {
        // Chi-squared table values, checked independently (Python bisection on the
        // regularized incomplete gamma function):
        //   k=0:  upper = chi2(0.975; 2)/2 = -ln(0.025) = 3.688879
        //   k=10: lower = chi2(0.025; 20)/2 = 9.590777/2 = 4.795389,
        //         upper = chi2(0.975; 22)/2 = 36.780712/2 = 18.390356
        let (l, u) = poisson_exact_interval(0, 1.0, 0.95);
        assert_eq!(l, 0.0);
        assert!(close(u, 3.688_879, 1e-5), "{u}");
        let (l, u) = poisson_exact_interval(10, 1.0, 0.95);
        assert!(close(l, 4.795_389, 1e-5) && close(u, 18.390_356, 1e-5), "({l}, {u})");
        // Rates scale with exposure.
        let (l2, u2) = poisson_exact_interval(10, 4.0, 0.95);
        assert!(close(l2, l / 4.0, 1e-12) && close(u2, u / 4.0, 1e-12));
        assert_eq!(poisson_exact_interval(3, 0.0, 0.95), (0.0, f64::INFINITY));
        assert_eq!(poisson_exact_interval(3, f64::NAN, 0.95), (0.0, f64::INFINITY));
        // Large counts approach the normal interval k ± z sqrt(k).
        let (l, u) = poisson_exact_interval(1_000_000, 1.0, 0.95);
        assert!(close(l, 1e6 - 1959.96, 5.0) && close(u, 1e6 + 1959.96, 5.0), "({l}, {u})");
    }
}
