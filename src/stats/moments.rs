//! Exact, order-independent accumulation of count, sum and sum of squares.
//!
//! Values are converted to fixed point before they are added, so the state is a
//! handful of integers and merging two accumulators is plain integer addition:
//! the result is bit-identical whatever the order of the pushes and merges.

use serde::{Deserialize, Serialize};

/// Fixed-point scale of [`Moments`]' running sum: one unit is 1e-6 of the value's unit.
const SUM_SCALE: f64 = 1e6;
/// Fixed-point scale of [`Moments`]' running sum of squares: one unit is 1e-3 of the
/// value's unit squared.
const SUM_SQ_SCALE: f64 = 1e3;
/// `SUM_SCALE^2 / SUM_SQ_SCALE`, to bring the sum of squares to the scale of `sum^2`.
const SQ_RESCALE: u128 = 1_000_000_000;

/// Exact accumulator of the count, sum and sum of squares of `f64` values.
///
/// Each value `x` adds `f = round(x * 1e6)` to an `i128` sum and `round(x * x * 1e3)`
/// (computed exactly as `round(f² / 1e9)`, i.e. from the same fixed-point value) to an
/// `i128` sum of squares (both saturating), and 1 to a `u64` count. Because the
/// state is integers, [`Moments::merge`] is exactly commutative and associative:
/// accumulating a set of values in any order, on any number of threads, and merging
/// the partial results in any order gives the same bits.
///
/// Resolution: the sum is exact to 1e-6 units per value, the sum of squares to 1e-3
/// units² per value, so the variance carries an absolute error of at most about
/// 5e-4 units² (negligible for seconds or US dollars). The sum saturates when it
/// passes about ±1.7e32 units, and the sum of squares when it passes about 1.7e35
/// units²; saturation is only exactly order-independent for non-negative values.
///
/// Serialization writes the two `i128` fields as decimal strings, so that no JSON
/// reader rounds them to a 53-bit float and formats without 128-bit integers work.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moments {
    /// Number of values pushed.
    n: u64,
    /// Sum of `round(x * 1e6)`.
    #[serde(with = "i128_string")]
    sum: i128,
    /// Sum of `round(x * x * 1e3)` (see [`square_fixed`]).
    #[serde(with = "i128_string")]
    sum_sq: i128,
}

impl Moments {
    /// An empty accumulator (count 0).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one value.
    ///
    /// Values should be finite (checked by a `debug_assert!`). In release builds a NaN
    /// counts as one value equal to 0, and an infinity saturates the sums (the
    /// statistics derived from them are then meaningless but never panic).
    #[inline]
    pub fn push(&mut self, x: f64) {
        // Fast path (the hot loop pushes one value at a time): the same integers
        // as `push_n(x, 1)`, without 128-bit multiplication, division or the
        // f64 -> i128 conversion while |x * 1e6| < 2^62.
        let scaled = x * SUM_SCALE;
        if scaled.abs() < FAST_LIMIT {
            let fixed = round_half_away(scaled);
            self.n = self.n.saturating_add(1);
            if fixed != 0 {
                self.sum = self.sum.saturating_add(i128::from(fixed));
                self.sum_sq = self.sum_sq.saturating_add(square_rescaled(fixed.unsigned_abs()) as i128);
            }
            return;
        }
        self.push_n(x, 1);
    }

    /// Adds `count` copies of one value; exactly the same as calling
    /// [`Moments::push`] `count` times.
    pub fn push_n(&mut self, x: f64, count: u64) {
        debug_assert!(x.is_finite(), "Moments: non-finite value {x}");
        // `as` from f64 to i128 maps NaN to 0 and saturates at the i128 bounds.
        let fixed = (x * SUM_SCALE).round() as i128;
        let fixed_sq = square_fixed(fixed, x);
        let c = i128::from(count);
        self.n = self.n.saturating_add(count);
        self.sum = self.sum.saturating_add(fixed.saturating_mul(c));
        self.sum_sq = self.sum_sq.saturating_add(fixed_sq.saturating_mul(c));
    }

    /// Adds everything accumulated in `other` to `self`, as if its values had been
    /// pushed here. Exactly commutative and associative (integer additions).
    pub fn merge(&mut self, other: &Moments) {
        self.n = self.n.saturating_add(other.n);
        self.sum = self.sum.saturating_add(other.sum);
        self.sum_sq = self.sum_sq.saturating_add(other.sum_sq);
    }

    /// Number of values pushed.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// Sum of the values, in the values' unit (exact to 1e-6 units per value).
    pub fn sum(&self) -> f64 {
        self.sum as f64 / SUM_SCALE
    }

    /// Arithmetic mean of the values, in the values' unit; 0 when no value was pushed.
    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            return 0.0;
        }
        self.sum as f64 / SUM_SCALE / self.n as f64
    }

    /// Sample variance (divisor `n - 1`) in the values' unit squared; always `>= 0`,
    /// and 0 when fewer than two values were pushed.
    ///
    /// The sum of squared deviations `Σx² - (Σx)²/n` is formed in exact 256-bit integer
    /// arithmetic before the conversion to `f64`, so there is no cancellation even when
    /// the mean is large compared with the spread.
    pub fn variance(&self) -> f64 {
        if self.n < 2 {
            return 0.0;
        }
        let n = i128::from(self.n);
        // sum = q * n + r with 0 <= r < n, so sum² / n = n q² + 2 q r + r² / n.
        let q = self.sum.div_euclid(n);
        let r = self.sum.rem_euclid(n);
        let q_abs = q.unsigned_abs();
        // n * |q| <= |sum| < 2^127, so it fits; the products below are 256-bit.
        let n_q = q_abs.saturating_mul(self.n.into());
        let big_sq = mul_wide(self.sum_sq.max(0).unsigned_abs(), SQ_RESCALE);
        let big_mean = mul_wide(n_q, q_abs);
        // All in units of 1e-12 of the value's unit squared.
        let head = sub_wide_to_f64(big_sq, big_mean);
        let (q_f, r_f, n_f) = (q as f64, r as f64, self.n as f64);
        let tail = 2.0 * q_f * r_f + r_f * r_f / n_f;
        let ss = (head - tail) / (SUM_SCALE * SUM_SCALE);
        (ss / (n_f - 1.0)).max(0.0)
    }

    /// Standard error of the mean, `sqrt(variance / n)`, in the values' unit; 0 when
    /// fewer than two values were pushed.
    pub fn std_error(&self) -> f64 {
        if self.n < 2 {
            return 0.0;
        }
        (self.variance() / self.n as f64).sqrt()
    }
}

/// `round(x * x * 1e3)`, computed exactly from `fixed = round(x * 1e6)` as
/// `round(fixed² / 1e9)` when `fixed²` fits in an `i128` (|x| up to about 1.3e13), so
/// that the square carries no `f64` rounding (which would be ~100 units² at x = 1e9);
/// beyond that, in `f64` (saturating).
fn square_fixed(fixed: i128, x: f64) -> i128 {
    const HALF: u128 = SQ_RESCALE / 2;
    match fixed.unsigned_abs().checked_mul(fixed.unsigned_abs()) {
        Some(sq) if sq <= i128::MAX as u128 - HALF => ((sq + HALF) / SQ_RESCALE) as i128,
        _ => (x * x * SUM_SQ_SCALE).round() as i128,
    }
}

/// Below this magnitude a scaled value takes [`Moments::push`]'s fast path: its
/// rounding fits an `i64` and its square an `i128` with room for the rounding half.
const FAST_LIMIT: f64 = 4_611_686_018_427_387_904.0; // 2^62

/// `y.round() as i64` (half away from zero) for `|y| < 2^62`, without a libm call.
/// `y - trunc(y)` is exact: for `|y| >= 2^52` `y` is an integer, below it both
/// are within a factor 2 of each other (Sterbenz) or the truncation is 0.
fn round_half_away(y: f64) -> i64 {
    let t = y as i64;
    let frac = y - t as f64;
    if frac >= 0.5 {
        t + 1
    } else if frac <= -0.5 {
        t - 1
    } else {
        t
    }
}

/// `round(a² / 1e9)` (half up), as [`square_fixed`] computes it for `a < 2^62`:
/// in `u64` when `a² < 2^64`, else by long division in 32-bit limbs, where
/// every step divides a `u64` by the constant 1e9 (a multiplication, not a
/// call to the 128-bit division routine).
fn square_rescaled(a: u64) -> u128 {
    const D: u64 = SQ_RESCALE as u64;
    const HALF: u64 = D / 2;
    if a < 1 << 32 {
        return u128::from((a * a + HALF) / D);
    }
    let n = u128::from(a) * u128::from(a) + u128::from(HALF);
    let mut quotient: u128 = 0;
    let mut rest: u64 = 0;
    for shift in [96, 64, 32, 0] {
        let limb = ((n >> shift) as u64) & 0xffff_ffff;
        let x = (rest << 32) | limb;
        quotient |= u128::from(x / D) << shift;
        rest = x % D;
    }
    quotient
}

/// Full 256-bit product of two `u128`, as `(high, low)` halves.
fn mul_wide(a: u128, b: u128) -> (u128, u128) {
    const MASK: u128 = u64::MAX as u128;
    let (a1, a0) = (a >> 64, a & MASK);
    let (b1, b0) = (b >> 64, b & MASK);
    let p00 = a0 * b0;
    let p01 = a0 * b1;
    let p10 = a1 * b0;
    let p11 = a1 * b1;
    // Middle column: at most 3 * (2^64 - 1), computed in pieces to avoid overflow.
    let mid = (p00 >> 64) + (p01 & MASK) + (p10 & MASK);
    let low = (p00 & MASK) | (mid << 64);
    let high = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
    (high, low)
}

/// `a - b` for 256-bit unsigned `(high, low)` numbers, converted to `f64`.
fn sub_wide_to_f64(a: (u128, u128), b: (u128, u128)) -> f64 {
    let (sign, (hi, lo)) = if a >= b { (1.0, sub(a, b)) } else { (-1.0, sub(b, a)) };
    sign * (hi as f64 * 2f64.powi(128) + lo as f64)
}

/// `a - b` for 256-bit unsigned numbers with `a >= b`.
fn sub(a: (u128, u128), b: (u128, u128)) -> (u128, u128) {
    let (lo, borrow) = a.1.overflowing_sub(b.1);
    (a.0 - b.0 - u128::from(borrow), lo)
}

/// Serde helper writing an `i128` as a decimal string (and reading a string or any
/// integer), so the exact value survives JSON readers that use 53-bit floats.
mod i128_string {
    use serde::de::{self, Visitor};
    use serde::{Deserializer, Serializer};
    use std::fmt;

    pub fn serialize<S: Serializer>(v: &i128, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i128, D::Error> {
        d.deserialize_any(I128Visitor)
    }

    struct I128Visitor;

    impl Visitor<'_> for I128Visitor {
        type Value = i128;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a 128-bit integer as a decimal string or an integer")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<i128, E> {
            v.trim().parse().map_err(E::custom)
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<i128, E> {
            Ok(v.into())
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<i128, E> {
            Ok(v.into())
        }

        fn visit_i128<E: de::Error>(self, v: i128) -> Result<i128, E> {
            Ok(v)
        }

        fn visit_u128<E: de::Error>(self, v: u128) -> Result<i128, E> {
            i128::try_from(v).map_err(E::custom)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::seq::SliceRandom;
    use rand::{RngExt, SeedableRng};

    fn rng(seed: u64) -> rand::rngs::Xoshiro256PlusPlus {
        rand::rngs::Xoshiro256PlusPlus::seed_from_u64(seed)
    }

    /// A few thousand values log-uniform over 1e-3..1e9.
    fn wide_values() -> Vec<f64> {
        let mut r = rng(7);
        (0..4000)
            .map(|_| {
                let u: f64 = r.random();
                10f64.powf(-3.0 + 12.0 * u)
            })
            .collect()
    }

    fn build(values: &[f64]) -> Moments {
        let mut m = Moments::new();
        for &x in values {
            m.push(x);
        }
        m
    }

    #[test]
    fn merge_of_halves_equals_whole() {
        let values = wide_values();
        let whole = build(&values);
        let (a, b) = values.split_at(1234);
        let mut ab = build(a);
        ab.merge(&build(b));
        let mut ba = build(b);
        ba.merge(&build(a));
        assert_eq!(ab, whole);
        assert_eq!(ba, whole);
    }

    #[test]
    fn push_order_is_irrelevant() {
        let mut values = wide_values();
        let whole = build(&values);
        values.shuffle(&mut rng(99));
        assert_eq!(build(&values), whole);
        assert_eq!(build(&values).variance().to_bits(), whole.variance().to_bits());
    }

    #[test]
    fn agrees_with_naive_f64() {
        let values = wide_values();
        let m = build(&values);
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let var = values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        let rel = |a: f64, b: f64| ((a - b) / b).abs();
        assert_eq!(m.count(), values.len() as u64);
        assert!(rel(m.mean(), mean) < 1e-9, "{} vs {mean}", m.mean());
        assert!(rel(m.sum(), mean * n) < 1e-9);
        assert!(rel(m.variance(), var) < 1e-9, "{} vs {var}", m.variance());
        assert!(rel(m.std_error(), (var / n).sqrt()) < 1e-9);
    }

    #[test]
    fn no_cancellation_with_large_mean() {
        // Mean 1e9, spread ±1: the naive Σx² − (Σx)²/n in f64 would lose everything.
        let values: Vec<f64> = (0..1001).map(|i| 1e9 + f64::from(i % 3) - 1.0).collect();
        let m = build(&values);
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let var = values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        assert!(((m.variance() - var) / var).abs() < 1e-9, "{}", m.variance());
    }

    #[test]
    fn empty_single_and_non_finite() {
        let mut m = Moments::new();
        assert_eq!((m.mean(), m.variance(), m.std_error()), (0.0, 0.0, 0.0));
        m.push(-2.5);
        assert_eq!((m.count(), m.mean(), m.variance()), (1, -2.5, 0.0));
        // Release-build behaviour of non-finite input (debug builds assert instead).
        if !cfg!(debug_assertions) {
            m.push(f64::NAN);
            assert_eq!((m.count(), m.sum()), (2, -2.5));
            m.push(f64::INFINITY);
            assert!(m.sum() > 1e30 && m.variance() >= 0.0);
        }
    }

    #[test]
    fn serde_round_trip_keeps_i128_exact() {
        let mut m = build(&wide_values());
        for _ in 0..10 {
            let copy = m.clone();
            m.merge(&copy);
        }
        assert!(m.sum > i128::from(u64::MAX));
        let json = serde_json::to_string(&m).expect("serialize");
        let back: Moments = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back, m);
        let plain: Moments = serde_json::from_str(r#"{"n":2,"sum":3000000,"sum_sq":"5000"}"#).expect("numbers");
        assert_eq!(plain.mean(), 1.5);
    }

    #[test]
    fn fast_push_gives_the_same_integers_as_push_n() {
        let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(1);
        let mut edge = vec![0.0, -0.0, 0.5e-6, -0.5e-6, 1.5e-6, 2.5e-6, 4294.967295, 4294.967296, 1e13, -1e13];
        edge.extend([4.6e12, 4.611686018427387e12, 4.7e12, 9.2e12, 1e20, -1e20, 4503599627.370496]);
        for i in 0..200_000 {
            let scale = 10f64.powi(i % 22 - 8);
            let x: f64 = (rng.random::<f64>() - 0.3) * scale;
            edge.push(x);
            edge.push((x * 1e6).round() / 1e6 + 0.5e-6);
        }
        for x in edge {
            let (mut a, mut b) = (Moments::new(), Moments::new());
            a.push(x);
            b.push_n(x, 1);
            assert_eq!(a, b, "{x}");
        }
    }

    #[test]
    fn wide_multiplication() {
        let (hi, lo) = mul_wide(u128::MAX, u128::MAX);
        assert_eq!((hi, lo), (u128::MAX - 1, 1));
        assert_eq!(mul_wide(1 << 64, 1 << 64), (1, 0));
        assert_eq!(sub_wide_to_f64((0, 5), (0, 7)), -2.0);
        assert_eq!(sub_wide_to_f64((1, 0), (0, 1)), 2f64.powi(128) - 1.0);
    }
}
