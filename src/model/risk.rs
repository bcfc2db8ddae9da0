//! The inputs that make recovery itself risky, validated: a promotion the
//! primary outlives (split brain), a DR side that fails while it serves,
//! backups found unusable only when restored, and drills that go wrong.
//! Every one is off unless the model gives its table or key, so a model
//! without them simulates exactly as before.

use super::check::{Check, optional_dist, probability};
use super::dist::Dist;
use super::duration::Duration;
use super::raw::{RawDrFailure, RawDrillRisk, RawRestore, RawSplitBrain};
use super::{KeyPath, Probability, Unit};

/// What happens when the primary returns after a promotion completed:
/// the two sides took writes and must be reconciled.
#[derive(Clone, Debug)]
pub struct SplitBrain {
    /// Chance a completed promotion diverges from the returning primary
    /// (the old primary kept taking writes: no fencing).
    pub probability: Probability,
    /// Degraded period while the two sides are reconciled (replaces the planned failback).
    pub reconcile: Dist,
    /// Share of the load not served while reconciling, in [0, 1].
    pub unserved_share: f64,
    /// Window of writes at risk; `None`: the replication lag of the failover.
    pub writes_at_risk: Option<Dist>,
}

/// The DR side failing while it serves after a failover.
#[derive(Clone, Debug)]
pub struct DrFailure {
    /// Failures per year of the DR side while it serves (exponential).
    pub rate_per_year: f64,
    /// Chance per failover that the DR side fails under the failover load before the primary is back.
    pub under_load_probability: Probability,
    /// Time from the switch to a failure under load; `None`: uniform over the time the DR side serves.
    pub under_load_after: Option<Dist>,
    /// Time from the DR failure to service back; `None`: a restore from the
    /// strategy's backups (provision, restore, validation), or waiting for
    /// the primary without backups.
    pub recovery: Option<Dist>,
}

/// Backups that may be unusable when a restore tries them.
#[derive(Clone, Debug)]
pub struct RestoreRisk {
    /// Chance a backup copy is found unusable when restored, right after a restore test.
    pub unusable_probability: Probability,
    /// Time each failed attempt costs before the next older copy is tried.
    pub failed_attempt: Dist,
    /// Mean time until drift breaks restores; `None`: no drift. The restore
    /// tests of `[strategy.backup] restore_test_interval` reset it.
    pub drift: Option<Duration>,
}

/// Drills that go wrong and cause an incident.
#[derive(Clone, Debug)]
pub struct DrillRisk {
    /// Chance a drill's failover goes wrong.
    pub failover_failure_probability: Probability,
    /// Chance a drill's failback goes wrong (when its failover went well).
    pub failback_failure_probability: Probability,
    /// Outage a drill that goes wrong causes (whole load).
    pub outage: Dist,
    /// Window of writes lost when it goes wrong; `None`: none.
    pub data_at_risk: Option<Dist>,
}

fn positive_duration(v: &mut impl Check, at: KeyPath, value: Option<Duration>, leave_out: &str) -> Option<()> {
    match value {
        Some(d) if d <= Duration::ZERO => {
            v.problem(at, format!("{d} is not allowed; allowed: a duration longer than 0s ({leave_out})"));
            None
        }
        _ => Some(()),
    }
}

/// Validates `[strategy.split_brain]`.
pub(super) fn split_brain(v: &mut impl Check, at: &KeyPath, raw: &RawSplitBrain) -> Option<SplitBrain> {
    let probability = probability(v, at.key("probability"), raw.probability, 1.0);
    let reconcile = v.required_dist(
        at.key("reconcile"),
        raw.reconcile.as_ref(),
        Unit::Duration,
        "`reconcile` (degraded period while the diverged sides are reconciled)",
    );
    let share = raw.unserved_share.unwrap_or(0.0);
    let unserved_share = if share.is_finite() && (0.0..=1.0).contains(&share) {
        Some(share)
    } else {
        v.problem(
            at.key("unserved_share"),
            format!("{share} is not allowed; allowed: a share of the load from 0 to 1"),
        );
        None
    };
    let writes =
        optional_dist(v, at.key("writes_at_risk"), raw.writes_at_risk.as_ref(), Unit::Duration, "`writes_at_risk`");
    Some(SplitBrain {
        probability: probability?,
        reconcile: reconcile?,
        unserved_share: unserved_share?,
        writes_at_risk: writes?,
    })
}

/// Validates `[strategy.dr_failure]`; `max_rate` is the highest failure rate a model may give.
pub(super) fn dr_failure(v: &mut impl Check, at: &KeyPath, raw: &RawDrFailure, max_rate: f64) -> Option<DrFailure> {
    let rate = raw.rate_per_year.unwrap_or(0.0);
    let rate_per_year = if rate.is_finite() && (0.0..=max_rate).contains(&rate) {
        Some(rate)
    } else {
        v.problem(at.key("rate_per_year"), format!("{rate} is not allowed; allowed: 0 to {max_rate} failures a year"));
        None
    };
    let under_load = probability(v, at.key("under_load_probability"), raw.under_load_probability, 0.0);
    let after = optional_dist(
        v,
        at.key("under_load_after"),
        raw.under_load_after.as_ref(),
        Unit::Duration,
        "`under_load_after`",
    );
    let recovery = optional_dist(v, at.key("recovery"), raw.recovery.as_ref(), Unit::Duration, "`recovery`");
    Some(DrFailure {
        rate_per_year: rate_per_year?,
        under_load_probability: under_load?,
        under_load_after: after?,
        recovery: recovery?,
    })
}

/// Validates the risk keys of `[strategy.restore]`; `None` inside when none is given.
pub(super) fn restore_risk(v: &mut impl Check, at: &KeyPath, raw: &RawRestore) -> Option<Option<RestoreRisk>> {
    if raw.test_interval.is_some() {
        v.problem(
            at.key("test_interval"),
            "`[strategy.restore] test_interval` is replaced by `[strategy.backup] restore_test_interval`: one \
             schedule of restore tests finds a broken backup pipeline and resets the restore drift; move the \
             key there"
                .into(),
        );
        return None;
    }
    let given = raw.unusable_probability.is_some() || raw.failed_attempt.is_some() || raw.unusable_drift.is_some();
    if !given {
        return Some(None);
    }
    let p = probability(v, at.key("unusable_probability"), raw.unusable_probability, 0.0);
    let attempt = v.required_dist(
        at.key("failed_attempt"),
        raw.failed_attempt.as_ref(),
        Unit::Duration,
        "`failed_attempt` (time a failed restore attempt costs) when backups may be unusable",
    );
    let drift = positive_duration(v, at.key("unusable_drift"), raw.unusable_drift, "leave it out for no drift");
    drift?;
    Some(Some(RestoreRisk { unusable_probability: p?, failed_attempt: attempt?, drift: raw.unusable_drift }))
}

/// Validates `[strategy.drill_risk]`; `drilled` says whether the strategy has a `drill_interval`.
pub(super) fn drill_risk(v: &mut impl Check, at: &KeyPath, raw: &RawDrillRisk, drilled: bool) -> Option<DrillRisk> {
    if !drilled {
        v.problem(
            at.clone(),
            "drill risk needs drills: give the strategy a `drill_interval`, or leave `drill_risk` out".into(),
        );
    }
    let failover = probability(v, at.key("failover_failure_probability"), raw.failover_failure_probability, 0.0);
    let failback = probability(v, at.key("failback_failure_probability"), raw.failback_failure_probability, 0.0);
    let outage = v.required_dist(
        at.key("outage"),
        raw.outage.as_ref(),
        Unit::Duration,
        "`outage` (the outage a drill that goes wrong causes)",
    );
    let data = optional_dist(v, at.key("data_at_risk"), raw.data_at_risk.as_ref(), Unit::Duration, "`data_at_risk`");
    if !drilled {
        return None;
    }
    Some(DrillRisk {
        failover_failure_probability: failover?,
        failback_failure_probability: failback?,
        outage: outage?,
        data_at_risk: data?,
    })
}
