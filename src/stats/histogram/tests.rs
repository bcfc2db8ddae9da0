//! Tests of [`LogHistogram`](super::LogHistogram).

use super::*;
use rand::SeedableRng;
use rand_distr::Distribution;
use statrs::distribution::ContinuousCDF;

const N: usize = 100_000;
const MEAN: f64 = 3600.0;
/// Lognormal parameters: median one hour, long right tail.
const MU: f64 = 8.188_689_124_218_891; // ln(3600)
const SIGMA: f64 = 1.5;
/// Slack for floating-point rounding in `ln`/`exp` of the bucket bounds (a few ulps,
/// ~1e-15 relative); the 0.5% accuracy bound itself is exact.
const ROUNDING: f64 = 1e-12;

fn rng(seed: u64) -> rand::rngs::Xoshiro256PlusPlus {
    rand::rngs::Xoshiro256PlusPlus::seed_from_u64(seed)
}

fn exponential_samples() -> Vec<f64> {
    let d = rand_distr::Exp::new(1.0 / MEAN).expect("valid rate");
    let mut r = rng(1);
    (0..N).map(|_| d.sample(&mut r)).collect()
}

fn lognormal_samples() -> Vec<f64> {
    let d = rand_distr::LogNormal::new(MU, SIGMA).expect("valid parameters");
    let mut r = rng(2);
    (0..N).map(|_| d.sample(&mut r)).collect()
}

fn build(values: &[f64]) -> LogHistogram {
    let mut h = LogHistogram::new();
    for &x in values {
        h.record(x);
    }
    h
}

fn sorted(values: &[f64]) -> Vec<f64> {
    let mut s = values.to_vec();
    s.sort_by(f64::total_cmp);
    s
}

/// Nearest-rank index (0-based) used by `quantile`.
fn rank_index(q: f64, n: usize) -> usize {
    ((q * n as f64).ceil() as usize).clamp(1, n) - 1
}

#[test]
fn quantiles_within_relative_accuracy_of_sample() {
    // Each value in bucket (γ^(i-1), γ^i] is reported as (1-α)γ^i = (1+α)γ^(i-1), so
    // |reported - x| <= α x for every x in the bucket; clamping into [min, max] only
    // moves it closer. Hence the check is exact, up to ROUNDING.
    for values in [exponential_samples(), lognormal_samples()] {
        let h = build(&values);
        let s = sorted(&values);
        let qs = (0..=1000).map(|i| f64::from(i) / 1000.0).chain([0.9999, 0.99999]);
        for q in qs {
            let exact = s[rank_index(q, N)];
            let got = h.quantile(q).expect("non-empty");
            let tol = (LogHistogram::RELATIVE_ACCURACY + ROUNDING) * exact;
            assert!((got - exact).abs() <= tol, "q={q}: {got} vs {exact}");
        }
        assert_eq!(h.quantile(0.0), Some(s[0]));
        assert_eq!(h.quantile(1.0), Some(s[N - 1]));
        assert_eq!((h.min(), h.max()), (Some(s[0]), Some(s[N - 1])));
        // Memory: buckets span only the observed range (~1e-2..1e5 s, < 2,000 buckets).
        assert!(h.counts.len() < 2_500, "{}", h.counts.len());
    }
}

/// Checks that 99.9% order-statistic intervals from `values` cover `truth(q)`.
fn check_coverage(values: &[f64], truth: impl Fn(f64) -> f64) {
    // For each q the interval covers the true quantile with probability ~0.999; with
    // 12 checks (6 per distribution) the chance that any fails at a given seed is
    // <= 1.2%. Each endpoint is within α of its order statistic X_(l), X_(u), so
    // X_(l) <= Q <= X_(u) implies lo/(1+α) <= Q <= hi/(1-α).
    let a = LogHistogram::RELATIVE_ACCURACY;
    let h = build(values);
    for q in [0.01, 0.1, 0.5, 0.9, 0.99, 0.999] {
        let (lo, hi) = h.quantile_interval(q, 0.999).expect("non-empty");
        let t = truth(q);
        assert!(lo / (1.0 + a) <= t && t <= hi / (1.0 - a), "q={q}: {t} !in ({lo}, {hi})");
        let point = h.quantile(q).expect("non-empty");
        assert!(lo <= point && point <= hi, "q={q}");
    }
}

#[test]
fn quantile_intervals_cover_analytic_quantiles() {
    let exp = statrs::distribution::Exp::new(1.0 / MEAN).expect("valid rate");
    let logn = statrs::distribution::LogNormal::new(MU, SIGMA).expect("valid parameters");
    check_coverage(&exponential_samples(), |p| exp.inverse_cdf(p));
    check_coverage(&lognormal_samples(), |p| logn.inverse_cdf(p));
}

#[test]
fn merge_equals_whole_in_any_order() {
    let values = exponential_samples();
    let whole = build(&values);
    let (a, rest) = values.split_at(30_000);
    let (b, c) = rest.split_at(50_000);
    let (ha, hb, hc) = (build(a), build(b), build(c));
    let mut left = ha.clone();
    left.merge(&hb);
    left.merge(&hc);
    let mut right = hb.clone();
    right.merge(&ha);
    let mut right_all = hc.clone();
    right_all.merge(&right);
    assert_eq!(left, whole);
    assert_eq!(right_all, whole);
    assert_eq!(left.cvar(0.99).map(f64::to_bits), whole.cvar(0.99).map(f64::to_bits));
    let mut empty = LogHistogram::new();
    empty.merge(&whole);
    assert_eq!(empty, whole);
    let mut same = whole.clone();
    same.merge(&LogHistogram::new());
    assert_eq!(same, whole);
}

#[test]
fn serde_round_trip() {
    let mut h = build(&lognormal_samples());
    for x in [0.0, 1e-9, 1e16, f64::INFINITY] {
        h.record(x);
    }
    let json = serde_json::to_string(&h).expect("serialize");
    let back: LogHistogram = serde_json::from_str(&json).expect("deserialize");
    assert_eq!(back, h);
    let empty_json = serde_json::to_string(&LogHistogram::new()).expect("serialize");
    let empty: LogHistogram = serde_json::from_str(&empty_json).expect("deserialize");
    assert_eq!(empty, LogHistogram::new());
}

#[test]
fn deserialize_normalises_and_validates() {
    let mut h = LogHistogram::new();
    h.record(1.0);
    h.record(2.0);
    let json = |offset: i64, counts: &str, min: &str| {
        format!(
            r#"{{"zero":0,"overflow":0,"offset":{offset},"counts":{counts},
            "moments":{{"n":2,"sum":"3000000","sum_sq":"0x48c27395000"}},
            "min":{min},"max":2.0,"infinite":false}}"#
        )
    };
    let i1 = bucket_index(1.0);
    let i2 = bucket_index(2.0);
    let mut counts = vec![0u64; (i2 - i1 + 5) as usize];
    counts[2] = 1;
    counts[(i2 - i1 + 2) as usize] = 1;
    let padded = serde_json::to_string(&counts).expect("serialize");
    let back: LogHistogram = serde_json::from_str(&json(i1 - 2, &padded, "1.0")).expect("valid");
    assert_eq!(back, h);
    assert!(serde_json::from_str::<LogHistogram>(&json(1 << 30, "[1]", "1.0")).is_err());
    assert!(serde_json::from_str::<LogHistogram>(&json(i1, "[1]", "-1.0")).is_err());
}

#[test]
fn cvar_of_exponential() {
    // For Exp(mean m), ES_q = VaR_q + m = m (1 - ln(1 - q)). The sample ES has
    // asymptotic variance Var((X - VaR)+) / ((1 - q)^2 n) = m^2 (1 + q) / ((1 - q) n)
    // (the tail excess is Exp(m) with probability 1 - q). Allow 4 standard errors plus
    // the α bucket bias.
    let values = exponential_samples();
    let h = build(&values);
    let s = sorted(&values);
    let a = LogHistogram::RELATIVE_ACCURACY;
    for q in [0.5, 0.9, 0.99, 0.999] {
        let got = h.cvar(q).expect("non-empty");
        let expected = MEAN * (1.0 - (1.0 - q).ln());
        let se = MEAN * ((1.0 + q) / ((1.0 - q) * N as f64)).sqrt();
        assert!((got - expected).abs() <= 4.0 * se + a * expected, "q={q}: {got}");
        // Against the exact sample figure (same fractional-boundary definition) the
        // bucket error is deterministic: every value within α.
        let tail = (1.0 - q) * N as f64;
        let (mut left, mut total) = (tail, 0.0);
        for &x in s.iter().rev() {
            let take = left.min(1.0);
            total += take * x;
            left -= take;
            if left <= 0.0 {
                break;
            }
        }
        let exact = total / tail;
        assert!((got - exact).abs() <= (a + ROUNDING) * exact, "q={q}: {got} vs {exact}");
    }
    assert_eq!(h.cvar(0.0).map(|c| (c - MEAN).abs() < 0.01 * MEAN), Some(true));
    assert_eq!(h.cvar(1.0), h.max());
}

#[test]
fn fraction_at_most_brackets_exact_ecdf() {
    // count_at_most(x) counts whole buckets with upper bound <= x, so it lies between
    // the exact counts at x/γ and at x (ROUNDING covers ulp-level bound errors).
    let values = lognormal_samples();
    let h = build(&values);
    let s = sorted(&values);
    let exact = |x: f64| s.partition_point(|&v| v <= x) as u64;
    for x in [1.0, 60.0, 600.0, 3600.0, 14_400.0, 86_400.0, 1e6] {
        let got = h.count_at_most(x);
        assert!(exact(x / GAMMA * (1.0 - ROUNDING)) <= got, "x={x}");
        assert!(got <= exact(x * (1.0 + ROUNDING)), "x={x}");
        assert_eq!(h.fraction_at_most(x), got as f64 / N as f64);
    }
    assert_eq!(h.fraction_at_most(-1.0), 0.0);
    assert_eq!(h.fraction_at_most(f64::NAN), 0.0);
    assert_eq!(h.fraction_at_most(f64::INFINITY), 1.0);
    assert_eq!(h.fraction_at_most(1e15), 1.0);
}

#[test]
fn zero_and_overflow() {
    let mut h = LogHistogram::new();
    for x in [0.0, 5e-7, 1e-6, 2e-6, 1e16, f64::INFINITY] {
        h.record(x);
    }
    assert_eq!((h.count(), h.zero_count(), h.overflow_count()), (6, 3, 2));
    assert_eq!(h.moments().count(), 5); // +inf excluded
    assert_eq!((h.min(), h.max()), (Some(0.0), Some(f64::INFINITY)));
    assert_eq!(h.quantile(0.0), Some(0.0));
    assert_eq!(h.quantile(0.5), Some(0.0)); // rank 3
    let fourth = h.quantile(4.0 / 6.0).expect("non-empty");
    assert!((fourth - 2e-6).abs() <= LogHistogram::RELATIVE_ACCURACY * 2e-6);
    assert_eq!(h.quantile(5.0 / 6.0), Some(f64::INFINITY));
    assert_eq!(h.quantile(1.0), Some(f64::INFINITY));
    assert_eq!(h.cvar(0.5), Some(f64::INFINITY));
    assert_eq!(h.fraction_at_most(0.0), 0.5);
    assert_eq!(h.count_at_most(1e15), 4);
    let buckets: Vec<_> = h.iter_buckets().collect();
    assert_eq!(buckets.first(), Some(&(0.0, 0.0, 3)));
    assert_eq!(buckets.last(), Some(&(1e15, f64::INFINITY, 2)));
    assert_eq!(buckets.iter().map(|b| b.2).sum::<u64>(), 6);
    // Only zeros: every quantile and the CVaR are 0.
    let mut z = LogHistogram::new();
    z.record_n(0.0, 10);
    assert_eq!((z.quantile(0.9), z.cvar(0.9)), (Some(0.0), Some(0.0)));
    if !cfg!(debug_assertions) {
        // Release builds record negatives and NaN as 0 (debug builds assert).
        z.record(-1.0);
        z.record(f64::NAN);
        assert_eq!(z.zero_count(), 12);
    }
}

#[test]
fn empty_histogram() {
    let h = LogHistogram::new();
    assert_eq!(h.count(), 0);
    assert_eq!(h.quantile(0.5), None);
    assert_eq!(h.quantile_interval(0.5, 0.95), None);
    assert_eq!(h.cvar(0.9), None);
    assert_eq!((h.min(), h.max()), (None, None));
    assert_eq!(h.fraction_at_most(1.0), 0.0);
    assert_eq!(h.iter_buckets().count(), 0);
    assert_eq!(h.counts.capacity(), 0);
}

#[test]
fn record_n_and_buckets() {
    let mut a = LogHistogram::new();
    let mut b = LogHistogram::new();
    for x in [3.0, 1e4, 0.5] {
        a.record_n(x, 5);
        for _ in 0..5 {
            b.record(x);
        }
    }
    a.record_n(7.0, 0);
    assert_eq!(a, b);
    let buckets: Vec<_> = a.iter_buckets().collect();
    assert_eq!(buckets.len(), 3);
    for (&(lo, hi, c), x) in buckets.iter().zip([0.5, 3.0, 1e4]) {
        assert!(lo < x && x <= hi * (1.0 + ROUNDING) && c == 5, "{x}: ({lo}, {hi})");
        assert!((hi / lo - GAMMA).abs() < 1e-12);
    }
    // NaN or out-of-range q is clamped.
    assert_eq!(a.quantile(f64::NAN), a.quantile(0.0));
    assert_eq!(a.quantile(7.0), Some(1e4));
    assert_eq!(a.quantile(-1.0), Some(0.5));
}

/// `record_all` gives the histogram of one `record` per value, bit for bit:
/// values in new buckets, zeros (also -0), values below the zero threshold,
/// overflow and infinity mixed in, into an empty histogram and into one that
/// already holds values.
#[test]
fn record_all_equals_recording_each() {
    use rand::seq::SliceRandom;
    let mut values = lognormal_samples()[..5000].to_vec();
    values.extend([0.0, -0.0, 0.0, 1e-9, 1e-6, 2e-6, 1e15, 2e15, 1e30, f64::INFINITY, 7.5e12]);
    values.shuffle(&mut rng(5));
    for split in [0, 1, 17, 2500] {
        let mut all = build(&values[..split]);
        for chunk in values[split..].chunks(700) {
            all.record_all(chunk);
        }
        assert_eq!(all, build(&values), "split at {split}");
    }
    let mut zeros = build(&[3.0]);
    zeros.record_all(&[0.0, -0.0]);
    assert_eq!(zeros, build(&[3.0, 0.0, 0.0]));
    let mut none = build(&values[..10]);
    none.record_all(&[]);
    assert_eq!(none, build(&values[..10]));
}
