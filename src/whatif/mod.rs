//! What-if analysis: the same model run again with parameters changed. The
//! analyses return data; their tables, CSV files and charts are in
//! [`crate::report`].
//!
//! * [`param`] addresses any model parameter by a dotted path and sets it by
//!   editing the model's TOML text, re-validating the result.
//! * [`sweep`] runs a grid of parameter values, and finds by bisection the
//!   largest (or smallest) value that still meets the targets.
//! * [`sensitivity`] is a tornado analysis: every uncertain input at its low
//!   and high value, ranked by how much it moves the expected annual cost.
//! * [`plans`] does both on a platform model (`[[service]]` tables): the plan
//!   chosen at each setting, where the choice changes, and the tornado of
//!   the chosen plan.
//!
//! Every evaluation uses the same master seed, so points differ by the
//! parameter and not by sampling noise (common random numbers): trial `i`
//! draws its failures from the same keyed stream at every point.

pub mod outer;
pub mod outer_part;
pub mod param;
pub mod plans;
pub mod sensitivity;
pub mod sweep;
pub mod uncertain_check;

use crate::simulation::SimulationError;
use crate::summary::StrategySummary;

pub use param::{Assignment, ParamError};

/// Why a what-if analysis failed.
#[derive(Debug, thiserror::Error)]
pub enum WhatIfError {
    /// A parameter could not be set (bad input).
    #[error(transparent)]
    Param(#[from] ParamError),
    /// A request is inconsistent (bad input), e.g. a `--find` range that is not numeric.
    #[error("{0}")]
    Request(String),
    /// The simulation failed (runtime).
    #[error(transparent)]
    Simulation(#[from] SimulationError),
}

/// A share of incidents meeting a target, for the kind that does worst.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct WorstShare {
    /// The share's estimate for that kind.
    pub estimate: f64,
    /// The lower end of its 95% Wilson interval: the smallest over kinds.
    pub low: f64,
}

/// The worst kind's P(RTO met) and P(RPO met) of a strategy: for each target,
/// the kind whose Wilson lower bound is smallest (the one the decision
/// judges on). Kinds with no incidents are skipped; with none at all the
/// shares are 1 (nothing failed).
pub fn worst_shares(s: &StrategySummary) -> (WorstShare, WorstShare) {
    let worst = |pick: fn(&crate::summary::KindSummary) -> crate::summary::Share| {
        s.kinds
            .iter()
            .filter(|k| k.incidents > 0)
            .map(pick)
            .min_by(|a, b| a.low.total_cmp(&b.low))
            .map_or(WorstShare { estimate: 1.0, low: 1.0 }, |sh| WorstShare { estimate: sh.estimate, low: sh.low })
    };
    (worst(|k| k.rto_met), worst(|k| k.rpo_met))
}

/// P(targets met) as the what-if charts plot it: the smaller of the worst
/// kind's P(RTO met) and P(RPO met) estimates.
pub fn targets_met(s: &StrategySummary) -> f64 {
    let (rto, rpo) = worst_shares(s);
    rto.estimate.min(rpo.estimate)
}
