//! The annual cost of whole plans, trial by trial.
//!
//! A plan's expected cost is the sum of its services' and functions' mean
//! costs, which the search reads off without following plans. What that sum
//! cannot say needs each trial's total for the plan: how far the mean may be
//! from the true one (its standard error), how bad a bad year is (P95, P99,
//! expected shortfall), and whether one plan is cheaper than another beyond
//! the simulation's noise (the paired difference on common random numbers:
//! both plans see the same world in every trial, so the noise they share
//! cancels). Plans followed this way are few (those a run reports), so the
//! per-trial work is a few additions per plan and pair.

use crate::stats::{LogHistogram, Moments};
use crate::tally::{pair_index, push_pairs};

/// Most plans whose pairwise differences are followed (2,016 pairs): past
/// it, each plan's own cost is followed but not the pairs, whose number
/// grows as the square of the plans'.
pub const MAX_PAIRED: usize = 64;

/// Per-trial costs of the plans a run follows, as exact mergeable totals
/// (integer sums: merging in any order gives the same bits).
#[derive(Clone, Debug, Default)]
pub struct PlanCosts {
    /// Per followed plan: its cost per trial, over the horizon, USD.
    pub trial_cost_usd: Vec<LogHistogram>,
    /// Per pair `(i, j)` of followed plans with `i < j`: plan `i`'s cost minus plan `j`'s per
    /// trial, USD, at [`pair_index`]`(i, j, plans)`. Empty past [`MAX_PAIRED`] plans.
    pub paired_usd: Vec<Moments>,
}

impl PlanCosts {
    /// Empty totals for `plans` followed plans (and their pairs, up to
    /// [`MAX_PAIRED`] plans).
    pub fn new(plans: usize) -> PlanCosts {
        let pairs = if plans <= MAX_PAIRED { plans * plans.saturating_sub(1) / 2 } else { 0 };
        PlanCosts { trial_cost_usd: vec![LogHistogram::new(); plans], paired_usd: vec![Moments::new(); pairs] }
    }

    /// Plans followed.
    pub fn plans(&self) -> usize {
        self.trial_cost_usd.len()
    }

    /// Records one trial: `totals[i]` is followed plan `i`'s cost over the
    /// horizon, USD (non-negative).
    pub fn record(&mut self, totals: &[f64]) {
        let n = self.plans();
        debug_assert_eq!(totals.len(), n);
        for (h, &a) in self.trial_cost_usd.iter_mut().zip(totals) {
            h.record(a);
        }
        if !self.paired_usd.is_empty() {
            push_pairs(&mut self.paired_usd, totals);
        }
    }

    /// Plan `i`'s cost minus plan `j`'s per trial, as its moments and a sign
    /// to apply to their mean (`-1.0` when the pair is stored as `(j, i)`).
    /// `None` when `i == j`, either is not followed, or pairs are not.
    pub fn difference(&self, i: usize, j: usize) -> Option<(&Moments, f64)> {
        let n = self.plans();
        if i == j || i >= n || j >= n || self.paired_usd.is_empty() {
            return None;
        }
        let (a, b, sign) = if i < j { (i, j, 1.0) } else { (j, i, -1.0) };
        Some((&self.paired_usd[pair_index(a, b, n)], sign))
    }

    /// Adds another run's totals of the same plans.
    pub fn merge(&mut self, other: &PlanCosts) {
        for (a, b) in self.trial_cost_usd.iter_mut().zip(&other.trial_cost_usd) {
            a.merge(b);
        }
        for (a, b) in self.paired_usd.iter_mut().zip(&other.paired_usd) {
            a.merge(b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_the_limit_only_each_plans_cost_is_followed() {
        let mut costs = PlanCosts::new(MAX_PAIRED + 1);
        costs.record(&vec![1.0; MAX_PAIRED + 1]);
        assert!(costs.paired_usd.is_empty());
        assert!(costs.difference(0, 1).is_none());
        assert_eq!(costs.trial_cost_usd[MAX_PAIRED].moments().mean(), 1.0);
    }

    #[test]
    fn differences_are_paired_and_signed() {
        let mut costs = PlanCosts::new(3);
        costs.record(&[10.0, 4.0, 7.0]);
        costs.record(&[12.0, 6.0, 7.0]);
        let (m, sign) = costs.difference(0, 1).unwrap();
        assert_eq!(sign * m.mean(), 6.0);
        // Both trials differ by exactly 6: no spread, no standard error.
        assert_eq!(m.std_error(), 0.0);
        let (m, sign) = costs.difference(2, 0).unwrap();
        assert_eq!(sign * m.mean(), -4.0);
        assert!(costs.difference(1, 1).is_none());
        assert_eq!(costs.trial_cost_usd[2].moments().mean(), 7.0);
    }

    #[test]
    fn merging_gives_the_same_bits_in_any_order() {
        let trials = [[3.0, 1.5], [8.25, 9.0], [0.0, 2.0]];
        let mut whole = PlanCosts::new(2);
        for t in &trials {
            whole.record(t);
        }
        let (mut a, mut b) = (PlanCosts::new(2), PlanCosts::new(2));
        a.record(&trials[2]);
        b.record(&trials[0]);
        b.record(&trials[1]);
        a.merge(&b);
        assert_eq!(format!("{a:?}"), format!("{whole:?}"));
    }
}
