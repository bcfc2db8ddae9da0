//! The bucket index of a value by table lookup: the same integer as the
//! definition `ceil(ln x / ln γ)` ([`super::bucket_index`]) without computing
//! a logarithm. Recording a value is the hot loop's most frequent operation
//! after drawing random numbers, and `ln` was most of its cost.
//!
//! A value's bits, shifted, give its binade and the first [`SUB_BITS`] bits of
//! its mantissa: a key to a sub-range of relative width at most 2^-8 (0.39%),
//! narrower than a bucket (γ - 1 = 1.005%), so each sub-range holds at most
//! one bucket boundary. The table keeps, per key, the bucket of the
//! sub-range's first value, and per bucket `i` the smallest `f64` whose
//! index (by the definition) is at least `i`; one comparison finishes the job.
//! Both tables are built once per process from the definition itself (about
//! 18,000 keys and 4,900 boundaries, 75 KB, a few milliseconds), and checked
//! against it: were the definition's `ln` not monotone around some boundary,
//! the table would be refused and every index computed by the definition.

use std::sync::OnceLock;

use super::{LogHistogram, bucket_index};

/// Mantissa bits in a key.
const SUB_BITS: u32 = 8;
/// Shift from a value's bits to its key.
const SHIFT: u32 = 52 - SUB_BITS;

struct Table {
    /// Key of [`LogHistogram::ZERO_THRESHOLD`]: the first row of `base`.
    first_key: u64,
    /// Bucket index of the first value of each key's sub-range.
    base: Vec<i16>,
    /// Bucket index of `boundary[0]`.
    lo: i64,
    /// `boundary[i - lo]`: the smallest value whose bucket index is at least `i`.
    boundary: Vec<f64>,
}

/// The bucket index of `x`, for `ZERO_THRESHOLD < x <= MAX_TRACKED`: equal to
/// [`bucket_index`].
#[inline]
pub(super) fn fast_bucket_index(x: f64) -> i64 {
    Indexer::get().of(x)
}

/// The bucket index function with its table looked up: for a run of values,
/// the table is fetched once rather than once per value.
#[derive(Clone, Copy)]
pub(super) struct Indexer(Option<&'static Table>);

impl Indexer {
    /// The table, if it was built (else every index is computed by the definition).
    #[inline]
    pub(super) fn get() -> Indexer {
        Indexer(table())
    }

    /// The bucket index of `x`, for `ZERO_THRESHOLD < x <= MAX_TRACKED`:
    /// equal to [`bucket_index`].
    #[inline]
    pub(super) fn of(self, x: f64) -> i64 {
        debug_assert!(x > LogHistogram::ZERO_THRESHOLD && x <= LogHistogram::MAX_TRACKED);
        match self.0 {
            Some(t) => {
                let base = i64::from(t.base[((x.to_bits() >> SHIFT) - t.first_key) as usize]);
                base + i64::from(x >= t.boundary[(base + 1 - t.lo) as usize])
            }
            None => bucket_index(x),
        }
    }
}

fn table() -> Option<&'static Table> {
    static TABLE: OnceLock<Option<Table>> = OnceLock::new();
    TABLE.get_or_init(build).as_ref()
}

/// The smallest positive `f64` with a bucket index of at least `i`, by
/// bisection over bit patterns (positive `f64` order like their bits).
fn boundary(i: i64) -> f64 {
    let guess = super::bucket_upper(i - 1).to_bits();
    let at_least = |bits: u64| bucket_index(f64::from_bits(bits)) >= i;
    // Widen a bracket around the guess until `below` is under and `above` at or over.
    let mut width = 64u64;
    let (mut below, mut above) = loop {
        let (b, a) = (guess.saturating_sub(width), guess.saturating_add(width));
        if !at_least(b) && at_least(a) {
            break (b, a);
        }
        width *= 16;
    };
    while above - below > 1 {
        let mid = below + (above - below) / 2;
        if at_least(mid) {
            above = mid;
        } else {
            below = mid;
        }
    }
    f64::from_bits(above)
}

fn build() -> Option<Table> {
    let first_key = LogHistogram::ZERO_THRESHOLD.to_bits() >> SHIFT;
    let last_key = LogHistogram::MAX_TRACKED.to_bits() >> SHIFT;
    let base: Vec<i64> = (first_key..=last_key).map(|k| bucket_index(f64::from_bits(k << SHIFT))).collect();
    let lo = base[0] + 1;
    let hi = base[base.len() - 1] + 2;
    let boundary: Vec<f64> = (lo..=hi).map(boundary).collect();
    let table =
        Table { first_key, base: base.iter().map(|&b| i16::try_from(b).ok()).collect::<Option<_>>()?, lo, boundary };
    // Every sub-range must hold at most one boundary: the one after its base
    // bucket's successor lies at or beyond the next sub-range.
    let sound = (first_key..=last_key).zip(&base).all(|(k, &b)| {
        let next = f64::from_bits((k + 1) << SHIFT);
        table.boundary[(b + 2 - lo) as usize] >= next
            && table.boundary[(b - lo + 1) as usize] > f64::from_bits(k << SHIFT)
    });
    sound.then_some(table)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};

    #[test]
    fn the_table_is_built_and_sound() {
        assert!(table().is_some());
    }

    #[test]
    fn equals_the_definition_at_every_boundary() {
        let t = table().expect("table");
        for &b in &t.boundary {
            for bits in b.to_bits() - 3..=b.to_bits() + 3 {
                let x = f64::from_bits(bits);
                if x > LogHistogram::ZERO_THRESHOLD && x <= LogHistogram::MAX_TRACKED {
                    assert_eq!(fast_bucket_index(x), bucket_index(x), "{x:e}");
                }
            }
        }
    }

    #[test]
    fn equals_the_definition_on_random_and_edge_values() {
        let mut r = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(11);
        let lo = LogHistogram::ZERO_THRESHOLD.ln();
        let span = LogHistogram::MAX_TRACKED.ln() - lo;
        let mut values: Vec<f64> = (0..1_000_000).map(|_| (lo + span * r.random::<f64>()).exp()).collect();
        values.extend([LogHistogram::MAX_TRACKED, f64::from_bits(LogHistogram::ZERO_THRESHOLD.to_bits() + 1)]);
        values.extend((1..=1000).map(|s| f64::from(s) * 3600.0));
        for x in values.into_iter().filter(|&x| x > LogHistogram::ZERO_THRESHOLD && x <= LogHistogram::MAX_TRACKED) {
            assert_eq!(fast_bucket_index(x), bucket_index(x), "{x:e}");
        }
    }
}
