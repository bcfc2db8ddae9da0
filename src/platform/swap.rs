//! The plans one service away from a plan: the same candidates but for one
//! service. When the search evaluated every combination, each of them is read
//! off the evaluation (no simulation), so the reports can say which single
//! change would move a missed target most: an empirical, Birnbaum-style
//! importance of each service to the plan (how much the target's figure
//! changes when that service alone takes its best other candidate, with the
//! rest of the plan fixed), next to the Fussell-Vesely share of the weakest
//! link (how much of a function's downtime the service is down for).

use super::Platform;
use super::eval::{Evaluation, PlanFigures};

/// A plan that differs from another in one service's candidate.
#[derive(Clone, Debug)]
pub struct OneChange {
    /// Index of the service whose candidate changed.
    pub service: usize,
    /// Its new candidate's index.
    pub candidate: usize,
    /// The changed plan's figures, as the search recorded them: counts,
    /// shares and means; no quantiles (`rto_s`, `rpo_s` are `None`, see
    /// [`super::play::Player::without_quantiles`]).
    pub plan: PlanFigures,
}

/// Every plan one service away from `plan` (for each service, each of its
/// other candidates), in service then candidate order; those with a
/// combination `eval` did not evaluate are left out (so none when only the
/// listed plans were run).
pub fn one_changes(platform: &Platform, eval: &Evaluation, plan: &[usize]) -> Vec<OneChange> {
    let mut out = Vec::new();
    for (s, service) in platform.services.iter().enumerate() {
        for c in (0..service.candidates()).filter(|&c| c != plan[s]) {
            let mut choice = plan.to_vec();
            choice[s] = c;
            if let Some(figures) = eval.plan(platform, &platform.plan_label(&choice), &choice) {
                out.push(OneChange { service: s, candidate: c, plan: figures });
            }
        }
    }
    out
}
