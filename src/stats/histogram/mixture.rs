//! A weighted mixture of log histograms: the distribution a stratified run
//! estimates, `sum_k P_k F_k`, read out at the histograms' resolution.

use std::cell::OnceCell;

use super::{LogHistogram, bucket_upper, bucket_value, z_for};

/// Histograms with a weight per value (`p_k / n_k` for a stratum's trials).
#[derive(Clone, Debug)]
pub struct Mixture<'a> {
    parts: Vec<(f64, &'a LogHistogram)>,
    /// Per part, for per-incident values, the `count_spread` of its
    /// per-trial counts (`stats::stratified`); empty for per-trial values.
    count_spreads: Vec<f64>,
    /// [`Mixture::buckets`], merged and sorted once: a summary reads
    /// several quantiles, their intervals and the CVaR from one mixture.
    buckets: OnceCell<Vec<(i64, f64)>>,
    /// [`Mixture::bounds`], found once (every bucket's value is clamped to them).
    bounds: OnceCell<(Option<f64>, Option<f64>)>,
}

/// Key of the zero bucket below every log bucket, and of overflow above.
const ZERO: i64 = i64::MIN;
const OVERFLOW: i64 = i64::MAX;

impl<'a> Mixture<'a> {
    /// The mixture of `parts`: (weight of each value, histogram).
    pub fn new(parts: Vec<(f64, &'a LogHistogram)>) -> Mixture<'a> {
        Mixture { parts, count_spreads: Vec::new(), buckets: OnceCell::new(), bounds: OnceCell::new() }
    }

    /// The same mixture of per-incident values, part `k`'s per-trial counts
    /// having `count_spread` `spreads[k]` (`stats::stratified::count_spread`):
    /// the standard errors of its mean and of its quantiles' CDF then add
    /// how the parts' counts vary (a ratio estimator).
    pub fn per_incident(self, spreads: Vec<f64>) -> Mixture<'a> {
        debug_assert_eq!(spreads.len(), self.parts.len());
        Mixture { count_spreads: spreads, ..self }
    }

    /// Part `k`'s count spread (0 for per-trial values).
    fn count_spread(&self, k: usize) -> f64 {
        self.count_spreads.get(k).copied().unwrap_or(0.0)
    }

    /// Values recorded in every part.
    pub fn count(&self) -> u64 {
        self.parts.iter().map(|(_, h)| h.count()).sum()
    }

    /// The mixture of one histogram alone, each value weighing 1: its
    /// masses are the histogram's counts, exactly.
    pub fn of(histogram: &'a LogHistogram) -> Mixture<'a> {
        Mixture::new(vec![(1.0, histogram)])
    }

    /// The total weighted mass: `sum_k w_k n_k` (the count for [`Mixture::of`]).
    pub fn total(&self) -> f64 {
        self.parts.iter().map(|(w, h)| w * h.count() as f64).sum()
    }

    /// Buckets in ascending order with their weighted mass (zero bucket
    /// and overflow keyed [`ZERO`] and [`OVERFLOW`]).
    fn buckets(&self) -> &[(i64, f64)] {
        self.buckets.get_or_init(|| self.merged_buckets())
    }

    fn merged_buckets(&self) -> Vec<(i64, f64)> {
        let mut all: Vec<(i64, f64)> = Vec::new();
        for &(w, h) in &self.parts {
            if w <= 0.0 {
                continue;
            }
            if h.zero > 0 {
                all.push((ZERO, w * h.zero as f64));
            }
            for (k, &c) in h.counts.iter().enumerate() {
                if c > 0 {
                    all.push((i64::from(h.offset) + k as i64, w * c as f64));
                }
            }
            if h.overflow > 0 {
                all.push((OVERFLOW, w * h.overflow as f64));
            }
        }
        all.sort_by_key(|&(k, _)| k);
        let mut out: Vec<(i64, f64)> = Vec::with_capacity(all.len());
        for (k, m) in all {
            match out.last_mut() {
                Some((last, mass)) if *last == k => *mass += m,
                _ => out.push((k, m)),
            }
        }
        out
    }

    fn bounds(&self) -> (Option<f64>, Option<f64>) {
        *self.bounds.get_or_init(|| self.live_bounds())
    }

    fn live_bounds(&self) -> (Option<f64>, Option<f64>) {
        let live = self.parts.iter().filter(|(w, h)| *w > 0.0 && h.count() > 0);
        let min = live.clone().filter_map(|(_, h)| h.min).reduce(f64::min);
        let max = live.filter_map(|(_, h)| h.max).reduce(f64::max);
        (min, max)
    }

    fn value(&self, key: i64) -> f64 {
        match key {
            ZERO => 0.0,
            OVERFLOW => f64::INFINITY,
            i => {
                let v = bucket_value(i);
                match self.bounds() {
                    (Some(lo), Some(hi)) => v.clamp(lo, hi),
                    _ => v,
                }
            }
        }
    }

    /// The `q`-quantile of the mixture: the first bucket where the weighted
    /// CDF reaches `q` (`q` clamped to `[0, 1]`). `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let total = self.total();
        if total <= 0.0 {
            return None;
        }
        let q = if q.is_nan() { 0.0 } else { q.clamp(0.0, 1.0) };
        let target = q * total * (1.0 - 1e-12);
        let buckets = self.buckets();
        let mut seen = 0.0;
        for &(key, mass) in buckets {
            seen += mass;
            if seen >= target && seen > 0.0 {
                return Some(self.value(key));
            }
        }
        buckets.last().map(|&(key, _)| self.value(key))
    }

    /// Interval at `confidence` for the `q`-quantile: the quantiles at
    /// `q -/+ z se`, `se^2 = sum_k P_k^2 F_k (1 - F_k) / n_k` the variance of the
    /// mixture CDF `F` at the estimate (plus, for per-incident values,
    /// `sum_k (P_k / n_k)^2 S_k (F_k - F)^2` for how the parts' counts vary;
    /// see [`Mixture::per_incident`]), widened by one value each way.
    pub fn quantile_interval(&self, q: f64, confidence: f64) -> Option<(f64, f64)> {
        let x = self.quantile(q)?;
        let total = self.total();
        let mixed = self.fraction_at_most(x);
        let var: f64 = self
            .parts
            .iter()
            .enumerate()
            .filter(|(_, (_, h))| h.count() > 0)
            .map(|(k, &(w, h))| {
                let n = h.count() as f64;
                let share = w * n / total;
                let f = h.fraction_at_most(x);
                share * share * f * (1.0 - f) / n + share * share * self.count_spread(k) * ((f - mixed) / n).powi(2)
            })
            .sum();
        let z = z_for(confidence);
        let step = z * var.sqrt() + 1.0 / self.count().max(1) as f64;
        let q = if q.is_nan() { 0.0 } else { q.clamp(0.0, 1.0) };
        Some((self.quantile((q - step).max(0.0))?, self.quantile((q + step).min(1.0))?))
    }

    /// The mixture CDF at `x` at bucket resolution (see [`LogHistogram::count_at_most`]).
    pub fn fraction_at_most(&self, x: f64) -> f64 {
        let total = self.total();
        if total <= 0.0 {
            return 0.0;
        }
        self.parts.iter().map(|&(w, h)| w * h.count_at_most(x) as f64).sum::<f64>() / total
    }

    /// Expected shortfall at level `q`: the weighted mean of the top `1 - q`
    /// of the mixture; infinite when overflow falls in it. `None` when empty.
    pub fn cvar(&self, q: f64) -> Option<f64> {
        let total = self.total();
        if total <= 0.0 {
            return None;
        }
        let q = if q.is_nan() { 0.0 } else { q.clamp(0.0, 1.0) };
        let tail = (1.0 - q) * total;
        if tail <= 0.0 {
            return self.quantile(1.0);
        }
        let mut remaining = tail;
        let mut sum = 0.0;
        for &(key, mass) in self.buckets().iter().rev() {
            if key == OVERFLOW {
                return Some(f64::INFINITY);
            }
            let take = mass.min(remaining);
            sum += take * self.value(key);
            remaining -= take;
            if remaining <= 0.0 {
                break;
            }
        }
        Some(sum / tail)
    }

    /// Mean of the finite values and its standard error (see `stats::stratified::mean`).
    pub fn mean(&self) -> (f64, f64) {
        let parts: Vec<crate::stats::stratified::PartMean> = self
            .parts
            .iter()
            .enumerate()
            .map(|(k, &(w, h))| crate::stats::stratified::PartMean {
                weight: w,
                mean: h.moments.mean(),
                std_error: h.moments.std_error(),
                count: h.moments.count(),
                spread: crate::stats::stratified::Spread::Counts(self.count_spread(k)),
            })
            .collect();
        crate::stats::stratified::mean(&parts)
    }

    /// Non-empty buckets in ascending order as `(lower, upper, share)`, as
    /// [`LogHistogram::iter_buckets`] with shares of the mixture for counts.
    pub fn shares(&self) -> Vec<(f64, f64, f64)> {
        let total = self.total();
        self.masses().into_iter().map(|(lo, hi, mass)| (lo, hi, mass / total)).collect()
    }

    /// Non-empty buckets in ascending order as `(lower, upper, mass)`, as
    /// [`LogHistogram::iter_buckets`] with weighted masses for counts (of
    /// [`Mixture::total`]); for [`Mixture::of`] the masses are the counts.
    pub fn masses(&self) -> Vec<(f64, f64, f64)> {
        self.buckets()
            .iter()
            .map(|&(key, mass)| {
                let (lo, hi) = match key {
                    ZERO => (0.0, 0.0),
                    OVERFLOW => (LogHistogram::MAX_TRACKED, f64::INFINITY),
                    i => (bucket_upper(i - 1), bucket_upper(i)),
                };
                (lo, hi, mass)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_part_matches_the_histogram() {
        let mut h = LogHistogram::new();
        for i in 0..1000 {
            h.record(f64::from(i));
        }
        let m = Mixture::new(vec![(1e-3, &h)]);
        for q in [0.01, 0.5, 0.95, 0.99] {
            assert_eq!(m.quantile(q), h.quantile(q), "q {q}");
        }
        assert!((m.cvar(0.95).unwrap() - h.cvar(0.95).unwrap()).abs() < 1e-9);
    }

    // Per-incident parts whose CDFs differ: how their counts vary widens
    // the quantile's interval and the mean's error; spreads of 0 leave both
    // as they were.
    #[test]
    fn count_spreads_widen_per_incident_intervals_where_parts_differ() {
        let (mut a, mut b) = (LogHistogram::new(), LogHistogram::new());
        for i in 0..100 {
            a.record(1.0 + f64::from(i) * 0.01);
            b.record(100.0 + f64::from(i));
        }
        let parts = vec![(0.009, &a), (0.001, &b)];
        let plain = Mixture::new(parts.clone());
        let zero = Mixture::new(parts.clone()).per_incident(vec![0.0, 0.0]);
        let wide = Mixture::new(parts).per_incident(vec![150.0, 150.0]);
        let q = 0.85;
        assert_eq!(zero.quantile_interval(q, 0.95), plain.quantile_interval(q, 0.95));
        assert_eq!(zero.mean(), plain.mean());
        let (lo, hi) = plain.quantile_interval(q, 0.95).unwrap();
        let (wlo, whi) = wide.quantile_interval(q, 0.95).unwrap();
        assert!(wlo <= lo && whi >= hi && (wlo, whi) != (lo, hi), "({wlo}, {whi}) against ({lo}, {hi})");
        assert!(wide.mean().1 > plain.mean().1);
        assert_eq!(wide.mean().0, plain.mean().0, "the estimate does not move");
    }

    #[test]
    fn weights_move_the_quantiles() {
        // Part a: 100 values at 1 (weight 0.9 / 100); part b: 100 values at 1000 (weight 0.1 / 100).
        let (mut a, mut b) = (LogHistogram::new(), LogHistogram::new());
        a.record_n(1.0, 100);
        b.record_n(1000.0, 100);
        let m = Mixture::new(vec![(0.009, &a), (0.001, &b)]);
        assert!((m.quantile(0.89).unwrap() - 1.0).abs() < 0.01);
        assert!((m.quantile(0.91).unwrap() - 1000.0).abs() < 10.0);
        assert!((m.fraction_at_most(500.0) - 0.9).abs() < 1e-12);
    }
}
