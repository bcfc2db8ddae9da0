//! The inputs that shape how much of the load an incident takes and for how
//! long, validated: a traffic switch that leaves a tail of stale clients, a
//! warm standby whose capacity arrives as a step, a shortage of capacity in
//! the DR region during region-wide events, replication that falls behind
//! while a region limps, an outage that takes only a share of the load,
//! logical damage with a blast radius restored tenant by tenant, and
//! point-in-time restores that replay the log since the last full snapshot.
//! Every one is off unless the model gives its key, so a model without them
//! simulates exactly as before.

use super::check::{Check, optional_dist};
use super::dist::{Dist, DistSpec};
use super::duration::Duration;
use super::raw::{RawCapacityShortage, RawFailure, RawRestore, RawStrategy, RawSwitchTail};
use super::{DisruptionKind, KeyPath, Probability, StrategyKind, Unit};

/// Largest number of tenants a blast radius may name: bounds the work of a
/// restore queue (one draw per tenant per logical incident).
pub const MAX_TENANTS: i64 = 1_000_000;

/// Largest number of restores a queue may run at once.
pub const MAX_CONCURRENCY: i64 = 1_000_000;

/// Largest lag growth: seconds of replication lag per second the region limps.
pub const MAX_LAG_GROWTH: f64 = 1_000.0;

/// How one strategy's recovery is shaped beyond its posture.
#[derive(Clone, Debug)]
pub struct RecoveryShape {
    /// A share of clients that keep the old address after the switch.
    pub switch_tail: Option<SwitchTail>,
    /// Warm standby: the capacity beyond the standby's fraction arrives all at
    /// once at the end of `scale_up` (a step), not along a linear ramp.
    pub scale_up_step: bool,
    /// The DR region short of capacity during region-wide events.
    pub capacity_shortage: Option<CapacityShortage>,
    /// Seconds of replication lag gained per second a region limps before
    /// its outage is declared (a failure mode's `lead_in`); 1: replication
    /// stops while the region limps.
    pub lag_growth: f64,
}

impl Default for RecoveryShape {
    fn default() -> RecoveryShape {
        RecoveryShape { switch_tail: None, scale_up_step: false, capacity_shortage: None, lag_growth: 1.0 }
    }
}

/// Clients that keep the old address after the traffic switch (resolvers
/// that ignore the TTL, clients that cache lookups until restart).
#[derive(Clone, Debug)]
pub struct SwitchTail {
    /// Share of the load that keeps the old address, in [0, 1].
    pub share: f64,
    /// How long it keeps it after the switch; `None`: until the primary is back.
    pub duration: Option<Dist>,
}

/// No capacity to launch in the DR region for a while when a region-wide
/// event sends many customers there at once; drills never see it.
#[derive(Clone, Debug)]
pub struct CapacityShortage {
    /// Chance a region-wide event leaves the DR region short (drawn once per
    /// event, shared by every strategy with the same chance).
    pub probability: Probability,
    /// How long launches fail.
    pub stall: Dist,
}

/// How an incident of a failure mode takes the load, beyond its kind.
#[derive(Clone, Debug)]
pub struct IncidentShape {
    /// `az` and `region`: share of the load the outage takes, drawn per
    /// outage; `None`: all of it.
    pub load_share: Option<Dist>,
    /// `az` and `region`: how long the site limps (grey failure) before the
    /// outage is declared; replication falls behind meanwhile. `None`: none.
    pub lead_in: Option<Dist>,
    /// `logical`: share of the tenants (and their data) the damage reaches, in (0, 1].
    pub affected_share: f64,
    /// `logical`: how many tenants the damage reaches; `None`: one whole dataset.
    pub affected_tenants: Option<u32>,
}

impl Default for IncidentShape {
    fn default() -> IncidentShape {
        IncidentShape { load_share: None, lead_in: None, affected_share: 1.0, affected_tenants: None }
    }
}

/// Tenants restored a few at a time, each taking its own time.
#[derive(Clone, Debug)]
pub struct RestoreQueue {
    /// Restores run at once.
    pub concurrency: u32,
    /// Time to restore one tenant (validation included).
    pub per_tenant: Dist,
}

/// A point-in-time restore: the last full snapshot, then the log written since.
#[derive(Clone, Debug)]
pub struct Pitr {
    /// Time between full snapshots (anchored like the backup schedule).
    pub full_backup_interval: Duration,
    /// Size of a full snapshot, GB; `None`: the workload's `dataset_gb`.
    pub full_backup_gb: Option<f64>,
    /// Log written per hour, GB; `None`: the workload's `change_rate_gb_per_hour`.
    pub log_gb_per_hour: Option<f64>,
    /// Log replay rate, GB per hour.
    pub replay_gb_per_hour: Dist,
}

fn share(v: &mut impl Check, at: KeyPath, value: f64, zero_allowed: bool) -> Option<f64> {
    let ok = value.is_finite() && value <= 1.0 && (value > 0.0 || (zero_allowed && value == 0.0));
    if ok {
        return Some(value);
    }
    let allowed = if zero_allowed { "a share from 0 to 1" } else { "a share above 0 and at most 1" };
    v.problem(at, format!("{value} is not allowed; allowed: {allowed}"));
    None
}

/// A distribution of shares: every value it can draw in (0, 1].
fn share_dist(v: &mut impl Check, at: KeyPath, spec: Option<&DistSpec>) -> Option<Option<Dist>> {
    let dist = optional_dist(v, at.clone(), spec, Unit::Number, "`load_share`")?;
    if let Some(d) = &dist {
        let (lo, hi) = (d.quantile(0.0), d.quantile(1.0));
        if !(lo > 0.0 && hi <= 1.0) {
            v.problem(at, format!("draws from {lo} to {hi}; allowed: shares of the load above 0 and at most 1"));
            return None;
        }
    }
    Some(dist)
}

/// Validates the strategy keys of the recovery shape.
pub(super) fn recovery_shape(
    v: &mut impl Check,
    at: &KeyPath,
    s: &RawStrategy,
    kind: StrategyKind,
) -> Option<RecoveryShape> {
    let fails_over = kind != StrategyKind::ActiveActive;
    let failover_kinds = "backup_restore, pilot_light, warm_standby";
    let misplaced = [
        ("switch_tail", s.switch_tail.is_some() && !fails_over, failover_kinds),
        ("capacity_shortage", s.capacity_shortage.is_some() && !fails_over, failover_kinds),
        ("scale_up_shape", s.scale_up_shape.is_some() && kind != StrategyKind::WarmStandby, "warm_standby"),
        (
            "replication_lag_growth",
            s.replication_lag_growth.is_some() && kind == StrategyKind::BackupRestore,
            "pilot_light, warm_standby, active_active",
        ),
    ];
    let mut ok = true;
    for (key, wrong, who) in misplaced {
        if wrong {
            v.problem(
                at.key(key),
                format!("`{key}` is not a parameter of a {} strategy (it is for {who})", kind.name()),
            );
            ok = false;
        }
    }
    let tail = match &s.switch_tail {
        Some(t) => switch_tail(v, &at.key("switch_tail"), t).map(Some),
        None => Some(None),
    };
    let step = match s.scale_up_shape.as_deref() {
        None | Some("linear") => Some(false),
        Some("step") => Some(true),
        Some(other) => {
            v.problem(at.key("scale_up_shape"), format!("unknown shape \"{other}\"; allowed: linear, step"));
            None
        }
    };
    let shortage = match &s.capacity_shortage {
        Some(c) => capacity_shortage(v, &at.key("capacity_shortage"), c).map(Some),
        None => Some(None),
    };
    let growth = match s.replication_lag_growth {
        None => Some(1.0),
        Some(g) if g.is_finite() && (0.0..=MAX_LAG_GROWTH).contains(&g) => Some(g),
        Some(g) => {
            v.problem(
                at.key("replication_lag_growth"),
                format!("{g} is not allowed; allowed: 0 to {MAX_LAG_GROWTH} seconds of lag per second"),
            );
            None
        }
    };
    if !ok {
        return None;
    }
    Some(RecoveryShape { switch_tail: tail?, scale_up_step: step?, capacity_shortage: shortage?, lag_growth: growth? })
}

fn switch_tail(v: &mut impl Check, at: &KeyPath, raw: &RawSwitchTail) -> Option<SwitchTail> {
    let s = match raw.share {
        Some(s) => share(v, at.key("share"), s, true),
        None => {
            v.problem(
                at.key("share"),
                "missing: `share` (share of the load that keeps the old address) is required here".into(),
            );
            None
        }
    };
    let duration = optional_dist(v, at.key("duration"), raw.duration.as_ref(), Unit::Duration, "`duration`");
    Some(SwitchTail { share: s?, duration: duration? })
}

fn capacity_shortage(v: &mut impl Check, at: &KeyPath, raw: &RawCapacityShortage) -> Option<CapacityShortage> {
    let value = raw.probability.unwrap_or(1.0);
    let p = Probability::new(value);
    if p.is_none() {
        v.problem(at.key("probability"), format!("{value} is not a probability; allowed: a number from 0 to 1"));
    }
    let stall = v.required_dist(
        at.key("stall"),
        raw.stall.as_ref(),
        Unit::Duration,
        "`stall` (how long the DR region has no capacity to launch)",
    );
    Some(CapacityShortage { probability: p?, stall: stall? })
}

/// Validates the failure-mode keys of the incident shape; reports keys that
/// do not apply to `kind`.
pub(super) fn incident_shape(
    v: &mut impl Check,
    at: &KeyPath,
    f: &RawFailure,
    kind: DisruptionKind,
) -> Option<IncidentShape> {
    let outage = matches!(kind, DisruptionKind::Az | DisruptionKind::Region);
    let logical = kind == DisruptionKind::Logical;
    let misplaced = [
        ("load_share", f.load_share.is_some() && !outage, "az and region failures"),
        ("lead_in", f.lead_in.is_some() && !outage, "az and region failures"),
        ("affected_share", f.affected_share.is_some() && !logical, "logical failures"),
        ("affected_tenants", f.affected_tenants.is_some() && !logical, "logical failures"),
    ];
    let mut ok = true;
    for (key, wrong, applies) in misplaced {
        if wrong {
            v.problem(at.key(key), format!("`{key}` does not apply to a \"{kind}\" failure (it is for {applies})"));
            ok = false;
        }
    }
    let load_share = share_dist(v, at.key("load_share"), f.load_share.as_ref());
    let lead_in = optional_dist(v, at.key("lead_in"), f.lead_in.as_ref(), Unit::Duration, "`lead_in`");
    let affected_share = share(v, at.key("affected_share"), f.affected_share.unwrap_or(1.0), false);
    let tenants = match f.affected_tenants {
        None => Some(None),
        Some(n) if (1..=MAX_TENANTS).contains(&n) => Some(Some(n as u32)),
        Some(n) => {
            v.problem(
                at.key("affected_tenants"),
                format!("{n} is not allowed; allowed: a whole number of tenants from 1 to {MAX_TENANTS}"),
            );
            None
        }
    };
    if !ok {
        return None;
    }
    Some(IncidentShape {
        load_share: load_share?,
        lead_in: lead_in?,
        affected_share: affected_share?,
        affected_tenants: tenants?,
    })
}

/// Validates the queue keys of `[strategy.restore]`; `None` inside when none is given.
pub(super) fn restore_queue(v: &mut impl Check, at: &KeyPath, raw: &RawRestore) -> Option<Option<RestoreQueue>> {
    if raw.concurrency.is_none() && raw.per_tenant.is_none() {
        return Some(None);
    }
    let concurrency = match raw.concurrency.unwrap_or(1) {
        n if (1..=MAX_CONCURRENCY).contains(&n) => Some(n as u32),
        n => {
            v.problem(
                at.key("concurrency"),
                format!("{n} is not allowed; allowed: a whole number of restores at once from 1 to {MAX_CONCURRENCY}"),
            );
            None
        }
    };
    let per_tenant = v.required_dist(
        at.key("per_tenant"),
        raw.per_tenant.as_ref(),
        Unit::Duration,
        "`per_tenant` (time to restore one tenant) when restores run as a queue",
    );
    Some(Some(RestoreQueue { concurrency: concurrency?, per_tenant: per_tenant? }))
}

/// Validates the point-in-time keys of `[strategy.restore]`; `None` inside when none is given.
pub(super) fn pitr(v: &mut impl Check, at: &KeyPath, raw: &RawRestore) -> Option<Option<Pitr>> {
    let given = raw.full_backup_interval.is_some()
        || raw.full_backup_gb.is_some()
        || raw.log_gb_per_hour.is_some()
        || raw.replay_gb_per_hour.is_some();
    if !given {
        return Some(None);
    }
    let interval = match raw.full_backup_interval {
        Some(d) if d > Duration::ZERO && super::limits::duration_problem(d).is_none() => Some(d),
        Some(d) => {
            v.problem(
                at.key("full_backup_interval"),
                format!("{d} is not allowed; allowed: a duration longer than 0s (time between full snapshots)"),
            );
            None
        }
        None => {
            v.problem(
                at.key("full_backup_interval"),
                "missing: `full_backup_interval` (time between full snapshots) is required for a point-in-time restore"
                    .into(),
            );
            None
        }
    };
    let gb = |v: &mut dyn Check, key: &str, value: Option<f64>| match value {
        Some(x) if !(x.is_finite() && (0.0..=super::limits::MAX_NUMBER).contains(&x)) => {
            v.problem(at.key(key), format!("{x} is not allowed; allowed: zero or a positive number of GB"));
            None
        }
        x => Some(x),
    };
    let full = gb(v, "full_backup_gb", raw.full_backup_gb);
    let log = gb(v, "log_gb_per_hour", raw.log_gb_per_hour);
    let replay = v.required_dist(
        at.key("replay_gb_per_hour"),
        raw.replay_gb_per_hour.as_ref(),
        Unit::Number,
        "`replay_gb_per_hour` (log replay rate) for a point-in-time restore",
    );
    if let Some(r) = &replay {
        if r.quantile(0.0) <= 0.0 && r.mean() <= 0.0 {
            v.problem(at.key("replay_gb_per_hour"), "log replay rate must be above 0 GB per hour".into());
            return None;
        }
    }
    Some(Some(Pitr {
        full_backup_interval: interval?,
        full_backup_gb: full?,
        log_gb_per_hour: log?,
        replay_gb_per_hour: replay?,
    }))
}
