//! Mergeable, order-independent statistics for Monte Carlo results.
//!
//! The simulator accumulates per-incident and per-trial values (downtimes and
//! data-loss windows in seconds, annual costs in US dollars) over millions of trials
//! on many threads. Everything here is built so that the final numbers are
//! bit-identical whatever the thread count or the order in which partial results are
//! merged, and so that memory does not grow with the number of trials:
//!
//! * **Exact integer accumulation.** [`Moments`] keeps a `u64` count, an `i128`
//!   fixed-point sum of `f = round(x * 1e6)` and an exact 256-bit sum of `f²`; [`LogHistogram`] keeps
//!   `u64` bucket counts; [`Proportion`] keeps `u64` counts. Merging is integer
//!   addition, which is exactly commutative and associative, so no floating-point sum
//!   depends on the merge order. Floating point is only used when a statistic is read
//!   out, from the same integers, hence with the same result. [`TrialTotals`]
//!   keeps, the same way, a per-incident figure's per-trial counts and totals
//!   with their squares and products, for a stratified ratio estimator's
//!   exact error.
//! * **Histogram accuracy.** [`LogHistogram`] buckets positive values on a log scale
//!   with `γ = (1 + α)/(1 − α)`, `α` = [`LogHistogram::RELATIVE_ACCURACY`] = 0.5%:
//!   every quantile it reports is within 0.5% (relative) of the true sample value at
//!   the same rank. Values `<= 1e-6` are counted exactly as zeros and values `> 1e15`
//!   (or infinite) exactly as overflow.
//! * **Quantile intervals.** [`LogHistogram::quantile_interval`] is distribution-free:
//!   the number of samples below the true `q`-quantile is Binomial(n, q), so the order
//!   statistics at ranks `nq ∓ z sqrt(nq(1 − q))` (normal approximation, widened by one
//!   rank on top) bracket it with the requested confidence; their values are read from
//!   the histogram, each within 0.5%.
//! * **Other intervals.** [`Proportion::wilson`] (Wilson score interval for a success
//!   probability), [`Estimate::interval`] (normal interval for a mean with its
//!   standard error, e.g. from [`Moments::std_error`]), and
//!   [`poisson_exact_interval`] (exact Garwood interval for an event rate).

mod histogram;
mod interval;
mod moments;
pub mod stratified;
mod totals;

pub use histogram::{LogHistogram, Mixture};
pub use interval::{Estimate, Proportion, poisson_exact_interval, z_for};
pub use moments::{Moments, Sum};
pub use totals::{TrialCounts, TrialTotals};
