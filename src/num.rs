//! Rounding to integers without libm calls and without branches on the
//! value's fraction.
//!
//! On baseline x86-64 (no SSE4.1) `f64::ceil` and `round` are calls
//! into libm, and a rounding written as `if frac >= 0.5` mispredicts on
//! random values about half the time; the hot loop rounds several times per
//! incident. These give the same integers as the std functions for every
//! finite `|v| < 2^62` and fall back to them beyond.

/// Magnitude below which a truncation to `i64` and back is exact and leaves
/// room for a ±1 correction.
pub const FAST: f64 = 4_611_686_018_427_387_904.0; // 2^62

/// `v.ceil() as i64`.
#[inline]
pub fn ceil_i64(v: f64) -> i64 {
    if v.abs() < FAST {
        let t = v as i64;
        t + i64::from((t as f64) < v)
    } else {
        v.ceil() as i64
    }
}

/// `v.round() as i64` (half away from zero).
#[inline]
pub fn round_i64(v: f64) -> i64 {
    if v.abs() < FAST { round_small(v) } else { round_large(v) }
}

/// [`round_i64`] for `|v| < 2^62` (checked by a `debug_assert!`): the fast
/// path alone, for callers that have already tested the magnitude.
///
/// `v - trunc(v)` is exact: for `|v| >= 2^52` `v` is an integer, below it the
/// two are within a factor 2 of each other (Sterbenz) or the truncation is 0.
#[inline]
pub fn round_small(v: f64) -> i64 {
    debug_assert!(v.abs() < FAST, "round_small({v:e})");
    let t = v as i64;
    let frac = v - t as f64;
    t + i64::from(frac >= 0.5) - i64::from(frac <= -0.5)
}

/// The rare rest of [`round_i64`], out of line.
#[cold]
#[inline(never)]
fn round_large(v: f64) -> i64 {
    v.round() as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};

    /// Values around integers, half-integers and the fast-path limit, plus
    /// random ones over many magnitudes, in both signs.
    fn probes() -> Vec<f64> {
        let mut out = vec![0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, FAST, -FAST, 2.0 * FAST, f64::MAX, f64::MIN];
        for i in -300i64..300 {
            for base in [i as f64, i as f64 + 0.5, (i as f64) * 1e6 + 0.5, (i as f64) * 2f64.powi(52)] {
                let mut x = base;
                let mut y = base;
                for _ in 0..4 {
                    x = step(x, 1);
                    y = step(y, -1);
                    out.extend([x, y]);
                }
                out.push(base);
            }
        }
        let mut r = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(3);
        for _ in 0..200_000 {
            let m = 10f64.powf(r.random::<f64>() * 24.0 - 6.0);
            out.extend([m, -m]);
        }
        out
    }

    /// The neighbouring `f64` above (`dir = 1`) or below (`-1`) a finite `x`.
    fn step(x: f64, dir: i64) -> f64 {
        if x == 0.0 {
            return f64::from_bits(1) * dir as f64;
        }
        let away = (x > 0.0) == (dir > 0);
        f64::from_bits(if away { x.to_bits() + 1 } else { x.to_bits() - 1 })
    }

    #[test]
    fn equal_to_std_everywhere_tested() {
        for v in probes() {
            assert_eq!(ceil_i64(v), v.ceil() as i64, "ceil {v:e}");
            assert_eq!(round_i64(v), v.round() as i64, "round {v:e}");
        }
    }

    #[test]
    fn ceil_equals_ceil_on_a_dense_grid() {
        // Histogram bucket indices come from ceil_i64: it must agree with `ceil` everywhere.
        let mut v =
            vec![0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 1e-300, -1e-300, 3_499.999_999_999_999_5, -1_381.000_000_000_001];
        v.extend([4.7e18, -4.7e18, 1e300, -1e300, f64::MAX, f64::MIN]);
        for i in -300_000..300_000 {
            let x = f64::from(i) / 97.0;
            v.extend([x, x.next_up(), x.next_down(), f64::from(i), f64::from(i).next_up(), f64::from(i).next_down()]);
        }
        for x in v {
            assert_eq!(ceil_i64(x), x.ceil() as i64, "{x}");
        }
    }
}
