//! Validation of the posture-specific strategy keys: which keys each kind of
//! strategy takes, and the rules on their values.

use super::check::Check;
use super::raw::RawStrategy;
use super::{KeyPath, Posture, Replication, StrategyKind, Topology, Unit};

/// Keys only some kinds of strategy take, with the kinds that take them.
const POSTURE_KEYS: [(&str, &[StrategyKind]); 13] = {
    use StrategyKind::*;
    [
        ("dr_region", &[BackupRestore, PilotLight, WarmStandby]),
        ("invoke_after", &[BackupRestore, PilotLight, WarmStandby]),
        ("promote_after", &[PilotLight, WarmStandby]),
        ("split_brain", &[PilotLight, WarmStandby]),
        ("dr_failure", &[BackupRestore, PilotLight, WarmStandby]),
        ("replication_lag", &[PilotLight, WarmStandby, ActiveActive]),
        ("promote", &[PilotLight, WarmStandby]),
        ("scale_up", &[PilotLight, WarmStandby]),
        ("capacity_fraction", &[WarmStandby]),
        ("regions", &[ActiveActive]),
        ("traffic_shares", &[ActiveActive]),
        ("headroom", &[ActiveActive]),
        ("scale_out", &[ActiveActive]),
    ]
};

fn present(s: &RawStrategy, key: &str) -> bool {
    match key {
        "dr_region" => s.dr_region.is_some(),
        "invoke_after" => s.invoke_after.is_some(),
        "promote_after" => s.promote_after.is_some(),
        "split_brain" => s.split_brain.is_some(),
        "dr_failure" => s.dr_failure.is_some(),
        "replication_lag" => s.replication_lag.is_some(),
        "promote" => s.promote.is_some(),
        "scale_up" => s.scale_up.is_some(),
        "capacity_fraction" => s.capacity_fraction.is_some(),
        "regions" => s.regions.is_some(),
        "traffic_shares" => s.traffic_shares.is_some(),
        "headroom" => s.headroom.is_some(),
        "scale_out" => s.scale_out.is_some(),
        _ => false,
    }
}

/// Reports every posture key given to a kind of strategy that does not take it.
pub(super) fn check_allowed_keys(v: &mut impl Check, at: &KeyPath, s: &RawStrategy, kind: StrategyKind) {
    let allowed: Vec<&str> = POSTURE_KEYS.iter().filter(|(_, kinds)| kinds.contains(&kind)).map(|(k, _)| *k).collect();
    for (key, kinds) in POSTURE_KEYS {
        if present(s, key) && !kinds.contains(&kind) {
            let takers: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
            v.problem(
                at.key(key),
                format!(
                    "`{key}` is not a parameter of a {} strategy (it is for {}); this kind takes: {}",
                    kind.name(),
                    takers.join(", "),
                    allowed.join(", ")
                ),
            );
        }
    }
    if s.replication.is_some() && kind != StrategyKind::ActiveActive {
        v.problem(
            at.key("replication"),
            format!("`replication` is not a parameter of a {} strategy (it is for active_active)", kind.name()),
        );
    }
}

/// Builds the posture of a strategy from its kind-specific keys.
pub(super) fn posture(
    v: &mut impl Check,
    at: &KeyPath,
    s: &RawStrategy,
    kind: StrategyKind,
    topology: &Topology,
) -> Option<Posture> {
    match kind {
        StrategyKind::BackupRestore => Some(Posture::BackupRestore),
        StrategyKind::PilotLight | StrategyKind::WarmStandby => {
            let replication_lag = v.required_dist(
                at.key("replication_lag"),
                s.replication_lag.as_ref(),
                Unit::Duration,
                "`replication_lag`",
            );
            let promote = v.required_dist(
                at.key("promote"),
                s.promote.as_ref(),
                Unit::Duration,
                "`promote` (replica promotion time)",
            );
            let scale_up = v.required_dist(
                at.key("scale_up"),
                s.scale_up.as_ref(),
                Unit::Duration,
                "`scale_up` (time to full capacity)",
            );
            if kind == StrategyKind::PilotLight {
                return Some(Posture::PilotLight {
                    replication_lag: replication_lag?,
                    promote: promote?,
                    scale_up: scale_up?,
                });
            }
            let fraction = match s.capacity_fraction {
                None => {
                    v.problem(at.key("capacity_fraction"), "missing: a warm_standby strategy needs `capacity_fraction` (share of full load the standby serves, e.g. 0.25)".into());
                    None
                }
                Some(c) if c.is_finite() && c > 0.0 && c <= 1.0 => Some(c),
                Some(c) => {
                    v.problem(
                        at.key("capacity_fraction"),
                        format!("{c} is not allowed; allowed: a share above 0 and at most 1"),
                    );
                    None
                }
            };
            Some(Posture::WarmStandby {
                replication_lag: replication_lag?,
                promote: promote?,
                capacity_fraction: fraction?,
                scale_up: scale_up?,
            })
        }
        StrategyKind::ActiveActive => active_active(v, at, s, topology),
    }
}

fn active_active(v: &mut impl Check, at: &KeyPath, s: &RawStrategy, topology: &Topology) -> Option<Posture> {
    let Some(names) = &s.regions else {
        v.problem(at.key("regions"), "missing: an active_active strategy needs `regions` (at least two)".into());
        return None;
    };
    let mut ok = true;
    if names.len() < 2 {
        v.problem(at.key("regions"), format!("{} region(s) given; active_active needs at least two", names.len()));
        ok = false;
    }
    let mut ids = Vec::new();
    for (i, name) in names.iter().enumerate() {
        match topology.region_id(name) {
            Some(id) if ids.contains(&id) => {
                v.problem(at.key("regions").index(i), format!("region \"{name}\" is listed twice"));
                ok = false;
            }
            Some(id) => ids.push(id),
            None => {
                v.problem(at.key("regions").index(i), format!("region \"{name}\" is not in [topology]"));
                ok = false;
            }
        }
    }
    let shares = match &s.traffic_shares {
        None => vec![1.0 / names.len().max(1) as f64; names.len()],
        Some(shares) => {
            if shares.len() != names.len() {
                v.problem(
                    at.key("traffic_shares"),
                    format!("{} shares for {} regions; give one share per region", shares.len(), names.len()),
                );
                ok = false;
            }
            let sum: f64 = shares.iter().sum();
            if shares.iter().any(|x| !x.is_finite() || *x <= 0.0) {
                v.problem(at.key("traffic_shares"), "every share must be a positive number".into());
                ok = false;
            } else if (sum - 1.0).abs() > 1e-6 {
                v.problem(at.key("traffic_shares"), format!("shares add up to {sum}; they must add up to 1"));
                ok = false;
            }
            shares.clone()
        }
    };
    let headroom = match s.headroom {
        None => {
            v.problem(
                at.key("headroom"),
                "missing: `headroom` (load one region can carry, as a share of the total; 1.0 = all of it)".into(),
            );
            None
        }
        Some(h) if h.is_finite() && h > 0.0 => Some(h),
        Some(h) => {
            v.problem(
                at.key("headroom"),
                format!("{h} is not allowed; allowed: a share above 0 (1.0 = one region carries all the load)"),
            );
            None
        }
    };
    let scale_out = v.required_dist(
        at.key("scale_out"),
        s.scale_out.as_ref(),
        Unit::Duration,
        "`scale_out` (time to add capacity to the survivors)",
    );
    let replication = match s.replication.as_deref() {
        None | Some("async") => v
            .required_dist(
                at.key("replication_lag"),
                s.replication_lag.as_ref(),
                Unit::Duration,
                "`replication_lag` for async replication",
            )
            .map(Replication::Async),
        Some("sync") => {
            if s.replication_lag.is_some() {
                v.problem(
                    at.key("replication_lag"),
                    "synchronous replication has no lag; remove `replication_lag` or use replication = \"async\""
                        .into(),
                );
            }
            Some(Replication::Sync)
        }
        Some(other) => {
            v.problem(at.key("replication"), super::words::unknown_value("replication", other, &["async", "sync"]));
            None
        }
    };
    if !ok {
        return None;
    }
    Some(Posture::ActiveActive {
        regions: ids.into_iter().zip(shares).collect(),
        headroom: headroom?,
        scale_out: scale_out?,
        replication: replication?,
    })
}
