//! Exact, order-independent accumulation of count, sum and sum of squares.
//!
//! Values are converted to fixed point before they are added, so the state is a
//! handful of integers and merging two accumulators is plain integer addition:
//! the result is bit-identical whatever the order of the pushes and merges.

use serde::{Deserialize, Serialize};

/// Fixed-point scale of [`Moments`]: one unit is 1e-6 of the value's unit.
pub(crate) const SUM_SCALE: f64 = 1e6;

/// Exact accumulator of the count, sum and sum of squares of `f64` values.
///
/// Each value `x` is rounded once to the fixed-point integer `f = round(x * 1e6)`;
/// `f` is added to an `i128` sum and `f²` (exactly, no further rounding) to a
/// 256-bit sum of squares, and 1 to a `u64` count. Because the state is
/// integers, [`Moments::merge`] is exactly commutative and associative:
/// accumulating a set of values in any order, on any number of threads, and
/// merging the partial results in any order gives the same bits.
///
/// Resolution: each value is represented to 1e-6 units; the mean and the
/// variance are then exact for the represented values (the variance is formed
/// in 256-bit integers before one conversion to `f64`). The sums are kept
/// modulo 2^128 and 2^256, so additions never panic and stay exactly
/// order-independent; they are exact as long as the sum stays within about
/// ±1.7e32 units (1.7e20 values of 1e12 units each), which only an infinite
/// or absurd value can break, and then the statistics are meaningless.
///
/// A push is a rounding, a 128-bit addition and a 64×64-bit multiplication:
/// the hot loop pushes about a dozen values per simulated incident.
///
/// Serialization writes the sum as a decimal string and the sum of squares as
/// a hexadecimal string, so that no JSON reader rounds them to a 53-bit float.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moments {
    /// Number of values pushed.
    n: u64,
    /// Sum of `round(x * 1e6)`.
    #[serde(with = "i128_string")]
    sum: i128,
    /// Sum of `round(x * 1e6)²`.
    sum_sq: U256,
}

impl Moments {
    /// An empty accumulator (count 0).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one value.
    ///
    /// Values should be finite (checked by a `debug_assert!`). In release builds a NaN
    /// counts as one value equal to 0, and an infinity counts as the largest
    /// fixed-point value (the statistics derived from them are then
    /// meaningless but never panic).
    #[inline]
    pub fn push(&mut self, x: f64) {
        if !self.push_small(x) {
            self.push_large(x);
        }
    }

    /// Adds every value of `values`: the same integers as [`Self::push`] of
    /// each in turn (integer sums, so the order does not matter), with the
    /// sums kept in registers over the values instead of written back after
    /// each: for a batch of values recorded at once.
    pub fn push_all(&mut self, values: impl IntoIterator<Item = f64>) {
        let mut batch = Moments::default();
        for x in values {
            // A zero (often half of a batch: outages that lose no data)
            // adds 0 to both sums: only the count.
            if x == 0.0 {
                batch.n = batch.n.wrapping_add(1);
                continue;
            }
            // The rare large value goes straight to `self`; the sums of both add up.
            if !batch.push_small(x) {
                self.push_large(x);
            }
        }
        self.merge(&batch);
    }

    /// [`Self::push`]'s fast path: the same integers as `push_n(x, 1)` while
    /// |x * 1e6| < 2^62 (then f² < 2^124 and one 64×64-bit multiply gives
    /// it). Returns false, having added nothing, for a value beyond it.
    #[inline]
    fn push_small(&mut self, x: f64) -> bool {
        let scaled = x * SUM_SCALE;
        if scaled.abs() < FAST_LIMIT {
            let fixed = crate::num::round_small(scaled);
            let a = u128::from(fixed.unsigned_abs());
            self.n = self.n.wrapping_add(1);
            self.sum = self.sum.wrapping_add(i128::from(fixed));
            self.sum_sq = self.sum_sq.wrapping_add(U256 { hi: 0, lo: a * a });
            true
        } else {
            false
        }
    }

    /// [`Self::push`] of a value beyond the fast path, out of line.
    #[cold]
    #[inline(never)]
    fn push_large(&mut self, x: f64) {
        self.push_n(x, 1);
    }

    /// Adds `count` copies of one value; exactly the same as calling
    /// [`Moments::push`] `count` times.
    pub fn push_n(&mut self, x: f64, count: u64) {
        debug_assert!(x.is_finite(), "Moments: non-finite value {x}");
        let fixed = to_fixed(x);
        let a = fixed.unsigned_abs();
        let (hi, lo) = mul_wide(a, a);
        let sq = U256 { hi, lo }.wrapping_mul_u64(count);
        self.n = self.n.wrapping_add(count);
        self.sum = self.sum.wrapping_add(fixed.wrapping_mul(i128::from(count)));
        self.sum_sq = self.sum_sq.wrapping_add(sq);
    }

    /// Adds everything accumulated in `other` to `self`, as if its values had been
    /// pushed here. Exactly commutative and associative (integer additions).
    pub fn merge(&mut self, other: &Moments) {
        self.n = self.n.wrapping_add(other.n);
        self.sum = self.sum.wrapping_add(other.sum);
        self.sum_sq = self.sum_sq.wrapping_add(other.sum_sq);
    }

    /// Adds one value given in fixed point, `round(x * 1e6)`: the same
    /// integers as [`Self::push`] of `x`, for a value already summed in
    /// fixed point (a trial's total of values, say), which it adds exactly.
    pub(crate) fn push_fixed(&mut self, fixed: i128) {
        let a = fixed.unsigned_abs();
        let (hi, lo) = if a <= u128::from(u64::MAX) { (0, a * a) } else { mul_wide(a, a) };
        self.n = self.n.wrapping_add(1);
        self.sum = self.sum.wrapping_add(fixed);
        self.sum_sq = self.sum_sq.wrapping_add(U256 { hi, lo });
    }

    /// The same sums as `n` values: the moments of these values with zeros
    /// added (or, below [`Self::count`], taken away) until there are `n`.
    pub(crate) fn with_count(&self, n: u64) -> Moments {
        Moments { n, ..self.clone() }
    }

    /// The fixed-point sum, `sum_i round(x_i * 1e6)`: exact, so two such
    /// sums' difference is the exact sum of the values pushed in between.
    pub(crate) fn fixed_sum(&self) -> i128 {
        self.sum
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
        mean_of(self.sum, self.n)
    }

    /// Sample variance (divisor `n - 1`) in the values' unit squared; always `>= 0`,
    /// and 0 when fewer than two values were pushed.
    ///
    /// The sum of squared deviations `Σf² - (Σf)²/n` is formed in exact 256-bit integer
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
        // n * |q| <= |sum| < 2^127, so it fits; the product below is 256-bit.
        let n_q = q_abs.saturating_mul(self.n.into());
        let big_mean = mul_wide(n_q, q_abs);
        // All in units of 1e-12 of the value's unit squared.
        let head = sub_wide_to_f64((self.sum_sq.hi, self.sum_sq.lo), big_mean);
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

/// Below this magnitude a scaled value takes the fast path of a push: its
/// rounding fits an `i64` and its square a `u128`.
const FAST_LIMIT: f64 = crate::num::FAST;

/// `round(x * 1e6)` for any `x`: `as` maps NaN to 0 and saturates at the
/// `i128` bounds.
fn to_fixed(x: f64) -> i128 {
    (x * SUM_SCALE).round() as i128
}

/// Exact sum of non-negative `f64` values, for figures of which only the
/// mean is reported (the time an incident spends in each recovery step, six
/// per incident): cheaper than [`Moments`] because a push is one conversion
/// and one addition. Each value is rounded to a whole multiple of 1e-6 units
/// as `trunc(x * 1e6 + 0.5)` (half up, but for the rare last-bit effects of
/// the addition; `x * 1e6` itself from 2^52, where it is an integer): the
/// same as [`Moments`]' rounding for all but a vanishing share of values, and
/// never more than 1e-6 units away; values beyond
/// 9.2e12 units count as 9.2e12 and NaN as 0. The sums are integers added with
/// wrap-around, which cannot wrap before 2^64 values and is exactly
/// commutative and associative, so partial sums merge to the same bits in any
/// order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sum {
    /// Number of values pushed.
    n: u64,
    /// Sum of `trunc(x * 1e6 + 0.5)`.
    #[serde(with = "i128_string")]
    sum: i128,
}

impl Sum {
    /// Adds one value.
    #[inline]
    pub fn push(&mut self, x: f64) {
        debug_assert!(x.is_finite() && x >= 0.0, "Sum: value {x} is not finite and >= 0");
        self.n = self.n.wrapping_add(1);
        // From 2^52 on every f64 is an integer (and adding 0.5 would round to even).
        let scaled = x * SUM_SCALE;
        let half = if scaled < 4_503_599_627_370_496.0 { 0.5 } else { 0.0 };
        self.sum = self.sum.wrapping_add(i128::from((scaled + half) as i64));
    }

    /// Adds everything accumulated in `other`. Exactly commutative and associative.
    pub fn merge(&mut self, other: &Sum) {
        self.n = self.n.wrapping_add(other.n);
        self.sum = self.sum.wrapping_add(other.sum);
    }

    /// Number of values pushed.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// Arithmetic mean, in the values' unit; 0 when no value was pushed.
    pub fn mean(&self) -> f64 {
        mean_of(self.sum, self.n)
    }
}

/// Mean of `n` values whose fixed-point sum is `sum`; 0 for none.
fn mean_of(sum: i128, n: u64) -> f64 {
    if n == 0 {
        return 0.0;
    }
    sum as f64 / SUM_SCALE / n as f64
}

/// An unsigned 256-bit integer, as much of one as a sum of squares needs:
/// addition and multiplication by a `u64`, both modulo 2^256.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct U256 {
    hi: u128,
    lo: u128,
}

impl U256 {
    #[inline]
    fn wrapping_add(self, o: U256) -> U256 {
        let (lo, carry) = self.lo.overflowing_add(o.lo);
        U256 { hi: self.hi.wrapping_add(o.hi).wrapping_add(u128::from(carry)), lo }
    }

    fn wrapping_mul_u64(self, m: u64) -> U256 {
        let (lo_hi, lo) = mul_wide(self.lo, u128::from(m));
        U256 { hi: self.hi.wrapping_mul(u128::from(m)).wrapping_add(lo_hi), lo }
    }
}

/// Written as a `0x`-prefixed hexadecimal string (read back from that or from
/// a decimal string or integer up to 2^128).
impl Serialize for U256 {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.hi == 0 {
            s.collect_str(&format_args!("{:#x}", self.lo))
        } else {
            s.collect_str(&format_args!("{:#x}{:032x}", self.hi, self.lo))
        }
    }
}

impl<'de> Deserialize<'de> for U256 {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<U256, D::Error> {
        use serde::de::Error;
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Number(u64),
        }
        let text = match Raw::deserialize(d)? {
            Raw::Number(v) => return Ok(U256 { hi: 0, lo: v.into() }),
            Raw::Text(t) => t,
        };
        let t = text.trim();
        let parsed = match t.strip_prefix("0x") {
            Some(hex) if !hex.is_empty() && hex.len() <= 64 => {
                let split = hex.len().saturating_sub(32);
                let hi = if split == 0 { Ok(0) } else { u128::from_str_radix(&hex[..split], 16) };
                hi.and_then(|hi| Ok(U256 { hi, lo: u128::from_str_radix(&hex[split..], 16)? }))
            }
            Some(_) => return Err(D::Error::custom(format!("{t:?}: expected at most 64 hexadecimal digits"))),
            None => t.parse::<u128>().map(|lo| U256 { hi: 0, lo }),
        };
        parsed.map_err(|e| D::Error::custom(format!("{t:?}: {e}")))
    }
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
pub(super) mod i128_string {
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

    /// `push_all` gives the integers of one push per value, including the
    /// values beyond the fast path (huge ones) mixed in.
    #[test]
    fn push_all_equals_pushing_each() {
        let mut values = wide_values();
        values.extend([0.0, -0.0, 0.0, 1e-9, -3.5, 5e12, 4.7e12, 1e15, 1e30, f64::MAX]);
        values.shuffle(&mut rng(3));
        let mut all = build(&values[..10]);
        all.push_all(values[10..].iter().copied());
        assert_eq!(all, build(&values));
        let mut none = build(&values[..10]);
        none.push_all(std::iter::empty());
        assert_eq!(none, build(&values[..10]));
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
        let plain: Moments =
            serde_json::from_str(r#"{"n":2,"sum":3000000,"sum_sq":"5000000000000"}"#).expect("numbers");
        assert_eq!((plain.mean(), plain.variance()), (1.5, 0.5));
        let hex: Moments = serde_json::from_str(r#"{"n":2,"sum":3000000,"sum_sq":"0x48c27395000"}"#).expect("hex");
        assert_eq!(hex, plain);
    }

    #[test]
    fn wide_sum_of_squares_round_trips_and_wraps() {
        let big = U256 { hi: 0xdead_beef, lo: u128::MAX - 7 };
        let json = serde_json::to_string(&big).expect("serialize");
        assert_eq!(json, format!("\"0xdeadbeef{}8\"", "f".repeat(31)));
        assert_eq!(serde_json::from_str::<U256>(&json).expect("deserialize"), big);
        assert!(serde_json::from_str::<U256>(r#""0x""#).is_err());
        assert!(serde_json::from_str::<U256>(&format!(r#""0x{}""#, "f".repeat(65))).is_err());
        assert_eq!(U256 { hi: 0, lo: u128::MAX }.wrapping_add(U256 { hi: 0, lo: 1 }), U256 { hi: 1, lo: 0 });
        let max = U256 { hi: u128::MAX, lo: u128::MAX };
        assert_eq!(max.wrapping_add(U256 { hi: 0, lo: 1 }), U256::default());
        assert_eq!(U256 { hi: 1, lo: 3 }.wrapping_mul_u64(5), U256 { hi: 5, lo: 15 });
        assert_eq!(U256 { hi: 1, lo: u128::MAX }.wrapping_mul_u64(2), U256 { hi: 3, lo: u128::MAX - 1 });
    }

    #[test]
    fn variance_is_exact_for_represented_values() {
        // 0.000001, 0.000002, 0.000003: fixed 1, 2, 3; Σf² = 14, (Σf)² / n = 12,
        // so the variance is 2 / 2 = 1 unit² of 1e-12.
        let m = build(&[1e-6, 2e-6, 3e-6]);
        assert_eq!(m.variance(), 1e-12);
        // Large values: f = 1e15 (x = 1e9) squares to 1e30 > 2^64 per value.
        let m = build(&[1e9, 1e9 + 1.0, 1e9 + 2.0]);
        assert_eq!(m.variance(), 1.0);
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
    fn sum_rounds_to_microunits_and_merges_exactly() {
        let mut s = Sum::default();
        for x in [1.0000019, 2.5e-7, 0.3, 0.0] {
            s.push(x);
        }
        // 1000002 + 0 + 300000 (0.3e6 is 299999.99999999994) + 0 micro-units over 4 values.
        assert_eq!((s.count(), s.sum), (4, 1_300_002));
        assert_eq!(s.mean(), 1_300_002.0 / 1e6 / 4.0);
        let values = wide_values();
        let mut whole = Sum::default();
        values.iter().for_each(|&x| whole.push(x));
        let m = build(&values);
        assert_eq!(whole.sum, m.sum, "the same integers as Moments on these values");
        let mut big = Sum::default();
        big.push(4_503_599_627.370_497);
        assert_eq!(big.sum, 4_503_599_627_370_497, "odd integers from 2^52 on stay as they are");
        let (a, b) = values.split_at(777);
        let mut part = Sum::default();
        a.iter().for_each(|&x| part.push(x));
        let mut rest = Sum::default();
        b.iter().for_each(|&x| rest.push(x));
        rest.merge(&part);
        assert_eq!(rest, whole);
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
