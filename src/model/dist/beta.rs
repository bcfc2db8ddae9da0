//! Beta sampling for PERT by table-driven rejection: the strip method of Ahrens (1993), with
//! Marsaglia's split of each strip into a rectangle, accepted without looking at the density,
//! and a wedge, accepted by comparing with it.
//!
//! Why not rand_distr's Beta: PERT steps are the most frequent draw in a simulated year (about 22
//! per SecureCart trial) and Cheng's algorithm pays a logarithm and an exponential or two per draw,
//! a quarter of the whole simulation's instructions. Here a draw is two 64-bit random numbers, a
//! table lookup and a multiply in about 96% of draws; only a draw that lands in a wedge evaluates
//! the density (two `powf`).
//!
//! The method. The density of Beta(a, b), a, b >= 1 (PERT always has a + b = 6), is unimodal on
//! [0, 1]. Cut [0, 1] into [`STRIPS`] strips of equal width. On each strip the density lies between
//! `lo` (the smaller of its end values: a unimodal function's minimum on an interval is at an end)
//! and `hi` (the larger end value, or the mode's value if the strip holds the mode). The region
//! under the density is then the union of the rectangles [strip] × [0, lo] and the parts of the
//! wedges [strip] × [lo, hi] below the density. A point uniform in that union has the Beta
//! distribution as its x. So: pick one of the 2 × STRIPS cells (rectangles and wedges) with
//! probability proportional to its area (Walker's alias method, one 64-bit number); take x uniform
//! in the strip (a second number); a rectangle's x is returned at once; a wedge's x is returned if
//! a height uniform in [lo, hi] falls under the density, otherwise the draw starts over.
//!
//! Exactness: the distribution is exactly Beta(a, b) except that cell probabilities are rounded
//! to multiples of 2^-32 by the alias table (an error below 3e-10 in any probability, far below
//! any Monte Carlo standard error) and x has 53 random bits, like rand's own floats.

use rand::Rng;

/// Strips of [0, 1]; a power of two so that the cell index is the top bits of a random number.
const STRIPS: usize = 128;
/// Cells in the alias table: a rectangle and a wedge per strip.
const CELLS: usize = 2 * STRIPS;
/// log2(CELLS): the cell index is the top `CELL_BITS` bits of a random number.
const CELL_BITS: u32 = CELLS.trailing_zeros();
/// Width of a strip.
const WIDTH: f64 = 1.0 / STRIPS as f64;
/// 2^-53: turns the top 53 bits of a random number into a uniform in [0, 1).
const UNIT: f64 = 1.0 / (1u64 << 53) as f64;

/// A ready-to-sample Beta(a, b) for a, b >= 1. Built once per distribution (4 KB), read-only after.
#[derive(Clone)]
pub(super) struct BetaTable {
    /// a - 1 and b - 1: the density is x^(a-1) (1-x)^(b-1) up to a constant.
    exponents: (f64, f64),
    /// Per cell: the low 32 bits of a random number below `keep` keep the cell, otherwise it
    /// yields `alias`. Cells 0..STRIPS are rectangles, STRIPS.. the wedges of the same strips.
    cells: Box<[Cell; CELLS]>,
    /// Per strip: the wedge's height range [lo, hi] (density values, unnormalized).
    bounds: Box<[(f64, f64); STRIPS]>,
}

/// One alias-table entry.
#[derive(Clone, Copy, Debug, Default)]
struct Cell {
    keep: u32,
    alias: u32,
}

impl std::fmt::Debug for BetaTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (a1, b1) = self.exponents;
        write!(f, "BetaTable(a = {}, b = {})", a1 + 1.0, b1 + 1.0)
    }
}

impl BetaTable {
    /// The table for Beta(a, b). `None` unless a, b >= 1 and finite (where the density is bounded
    /// and unimodal, which the bounds rely on).
    pub(super) fn new(a: f64, b: f64) -> Option<BetaTable> {
        if !(a >= 1.0 && b >= 1.0 && a.is_finite() && b.is_finite()) {
            return None;
        }
        let exponents = (a - 1.0, b - 1.0);
        let density = |x: f64| density(exponents, x);
        let spread = exponents.0 + exponents.1;
        let mode = if spread > 0.0 { exponents.0 / spread } else { 0.5 };
        // Rounding in `powf` could put a true value a few ulps outside [lo, hi]; widening the
        // bounds by 1e-12 relative keeps them bounds, at a negligible cost in wedge rejections.
        let mut bounds = Box::new([(0.0, 0.0); STRIPS]);
        for (i, bound) in bounds.iter_mut().enumerate() {
            let (left, right) = (i as f64 * WIDTH, (i + 1) as f64 * WIDTH);
            let (at_left, at_right) = (density(left), density(right));
            let peak = if (left..=right).contains(&mode) { density(mode) } else { at_left.max(at_right) };
            *bound = (at_left.min(at_right) * (1.0 - 1e-12), peak.max(at_left).max(at_right) * (1.0 + 1e-12));
        }
        let areas: Vec<f64> =
            (bounds.iter().map(|&(lo, _)| lo)).chain(bounds.iter().map(|&(lo, hi)| hi - lo)).collect();
        Some(BetaTable { exponents, cells: alias_table(&areas), bounds })
    }

    /// One draw in [0, 1].
    #[inline]
    pub(super) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        loop {
            let r = rng.next_u64();
            let index = (r >> (64 - CELL_BITS)) as usize;
            let cell = self.cells[index];
            // Kept or aliased is a coin toss the branch predictor cannot learn (about one draw in
            // seven goes to the alias): select by mask rather than by a branch.
            let keep = usize::from((r as u32) < cell.keep).wrapping_neg();
            let chosen = (index & keep) | (cell.alias as usize & !keep);
            let strip = chosen % STRIPS;
            let x = (strip as f64 + (rng.next_u64() >> 11) as f64 * UNIT) * WIDTH;
            if chosen < STRIPS {
                return x;
            }
            if self.wedge_accepts(strip, x, rng) {
                return x;
            }
        }
    }

    /// Whether a height uniform in strip `strip`'s wedge falls under the density at `x`.
    #[cold]
    fn wedge_accepts<R: Rng + ?Sized>(&self, strip: usize, x: f64, rng: &mut R) -> bool {
        let (lo, hi) = self.bounds[strip];
        let height = lo + (rng.next_u64() >> 11) as f64 * UNIT * (hi - lo);
        height < density(self.exponents, x)
    }

    /// The fraction of draws that evaluate the density (land in a wedge); for the documentation
    /// and tests.
    #[cfg(test)]
    pub(super) fn wedge_share(&self) -> f64 {
        let (rect, wedge) = self.bounds.iter().fold((0.0, 0.0), |(r, w), &(lo, hi)| (r + lo, w + hi - lo));
        wedge / (rect + wedge)
    }
}

/// The Beta density up to its constant: x^(a-1) (1-x)^(b-1), with 0^0 = 1 at the ends.
fn density((a1, b1): (f64, f64), x: f64) -> f64 {
    x.powf(a1) * (1.0 - x).powf(b1)
}

/// Walker's alias table (Vose's construction) for cells with the given areas (>= 0, not all 0):
/// cell i is kept with probability keep/2^32, else its alias is taken, so that each cell is
/// chosen with probability area / total (to within 2^-32).
fn alias_table(areas: &[f64]) -> Box<[Cell; CELLS]> {
    debug_assert_eq!(areas.len(), CELLS);
    let total: f64 = areas.iter().sum();
    let mut scaled: Vec<f64> = areas.iter().map(|a| a / total * CELLS as f64).collect();
    let (mut small, mut large): (Vec<usize>, Vec<usize>) = (0..CELLS).partition(|&i| scaled[i] < 1.0);
    let mut cells = Box::new([Cell::default(); CELLS]);
    let full = Cell { keep: u32::MAX, alias: 0 };
    while let (Some(&s), Some(&l)) = (small.last(), large.last()) {
        small.pop();
        let keep = (scaled[s] * 4_294_967_296.0).round().min(u32::MAX as f64) as u32;
        cells[s] = Cell { keep, alias: l as u32 };
        scaled[l] -= 1.0 - scaled[s];
        if scaled[l] < 1.0 {
            large.pop();
            small.push(l);
        }
    }
    // What is left is 1 up to rounding: kept always (the alias is itself, so a draw of the low
    // bits at u32::MAX changes nothing).
    for i in small.into_iter().chain(large) {
        cells[i] = Cell { alias: i as u32, ..full };
    }
    cells
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::Xoshiro256PlusPlus;
    use statrs::distribution::{Beta, ContinuousCDF};

    use super::*;

    /// Draws per test.
    const N: usize = 400_000;

    fn draws(a: f64, b: f64, seed: u64) -> Vec<f64> {
        let table = BetaTable::new(a, b).unwrap();
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        (0..N).map(|_| table.sample(&mut rng)).collect()
    }

    /// The shapes PERT produces: the ends (mode at min or max), skewed, symmetric, and SecureCart's.
    const SHAPES: [(f64, f64); 6] =
        [(1.0, 5.0), (5.0, 1.0), (3.0, 3.0), (1.5, 4.5), (2.0, 4.0), (1.0 + 4.0 / 7.0, 5.0 - 4.0 / 7.0)];

    /// The cells' probabilities reproduce the areas they were built from: summing, per cell, the
    /// share of the alias space that yields it gives area / total to within 2^-32 per cell.
    #[test]
    fn alias_table_reproduces_the_areas() {
        let areas: Vec<f64> =
            (0..CELLS).map(|i| ((i * 37) % 11) as f64 + if i % 5 == 0 { 0.0 } else { 0.25 }).collect();
        let cells = alias_table(&areas);
        let mut mass = vec![0.0; CELLS];
        for (i, cell) in cells.iter().enumerate() {
            let keep = cell.keep as f64 / 4_294_967_296.0;
            mass[i] += keep / CELLS as f64;
            mass[cell.alias as usize] += (1.0 - keep) / CELLS as f64;
        }
        let total: f64 = areas.iter().sum();
        for (i, (m, a)) in mass.iter().zip(&areas).enumerate() {
            assert!((m - a / total).abs() <= 2.0 / 4_294_967_296.0, "cell {i}: {m} vs {}", a / total);
        }
    }

    /// Kolmogorov–Smirnov against statrs' Beta CDF. Under the null, sqrt(n) D is asymptotically
    /// Kolmogorov-distributed and P(sqrt(n) D > 2.3) = 2 Σ (-1)^(k-1) exp(-2 k² 2.3²) ≈ 5e-5, the
    /// same false-alarm rate as the 4-standard-error checks elsewhere.
    #[test]
    fn matches_the_beta_cdf() {
        for (seed, &(a, b)) in SHAPES.iter().enumerate() {
            let mut xs = draws(a, b, seed as u64);
            assert!(xs.iter().all(|x| (0.0..=1.0).contains(x)));
            xs.sort_by(f64::total_cmp);
            let beta = Beta::new(a, b).unwrap();
            let n = N as f64;
            let d = xs.iter().enumerate().fold(0.0f64, |d, (i, &x)| {
                let f = beta.cdf(x);
                d.max((f - i as f64 / n).abs()).max(((i + 1) as f64 / n - f).abs())
            });
            assert!(n.sqrt() * d < 2.3, "Beta({a}, {b}): sqrt(n) D = {}", n.sqrt() * d);
        }
    }

    /// Strip by strip (where a wrong bound or alias entry would show): the count in each strip is
    /// Binomial(n, p) with p from the Beta CDF; Pearson's chi-square over the 128 strips has 127
    /// degrees of freedom, mean 127 and sd sqrt(254) ≈ 15.9, so mean + 4 sd = 191 bounds it.
    #[test]
    fn strip_counts_match_the_beta_cdf() {
        for (seed, &(a, b)) in SHAPES.iter().enumerate() {
            let xs = draws(a, b, 100 + seed as u64);
            let mut counts = [0usize; STRIPS];
            for x in xs {
                counts[((x * STRIPS as f64) as usize).min(STRIPS - 1)] += 1;
            }
            let beta = Beta::new(a, b).unwrap();
            let chi2: f64 = (0..STRIPS)
                .map(|i| {
                    let p = beta.cdf((i + 1) as f64 * WIDTH) - beta.cdf(i as f64 * WIDTH);
                    let expected = p * N as f64;
                    (counts[i] as f64 - expected).powi(2) / expected
                })
                .sum();
            assert!(chi2 < 127.0 + 4.0 * 254f64.sqrt(), "Beta({a}, {b}): chi-square {chi2}");
        }
    }

    /// The wedges are small: at most 8% of draws evaluate the density, whatever the PERT shape
    /// (the worst is a mode at an end, where the density is steepest).
    #[test]
    fn few_draws_evaluate_the_density() {
        for (a, b) in SHAPES {
            let share = BetaTable::new(a, b).unwrap().wedge_share();
            assert!(share < 0.08, "Beta({a}, {b}): {share}");
        }
    }

    #[test]
    fn refuses_shapes_below_one() {
        assert!(BetaTable::new(0.5, 2.0).is_none());
        assert!(BetaTable::new(2.0, f64::NAN).is_none());
        assert!(BetaTable::new(1.0, 1.0).is_some());
    }
}
