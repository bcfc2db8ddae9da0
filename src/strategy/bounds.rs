//! What a strategy can do at best, and how often its failover fails, from the
//! model alone (no simulation): what `drsim check` prints, the lint
//! `target-below-fastest-recovery` compares with the targets, and what the
//! decision names when every strategy misses a target.
//!
//! The fastest recovery is the sum of the lower ends of the steps a recovery
//! goes through (for a restore: the dataset at the highest throughput), along
//! the quickest path the strategy has; it ignores the primary coming back by
//! itself (a short outage ridden out needs no recovery). The simulated
//! downtime of an incident that is recovered is never shorter.

use crate::model::{Deployment, DisruptionKind, Dist, Duration, Model, Posture, RestorePipeline, Strategy};

/// The lower end of a distribution (its 0-quantile), seconds or its unit; 0 if undefined.
fn low(d: &Dist) -> f64 {
    let x = d.quantile(0.0);
    if x.is_finite() { x.max(0.0) } else { 0.0 }
}

/// The fastest a strategy can recover from one disruption kind.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FastestRecovery {
    /// The kind.
    pub kind: DisruptionKind,
    /// The shortest achievable RTO (load-weighted downtime), seconds.
    pub seconds: f64,
    /// When the quickest path restores from backup: the time of its steps other
    /// than moving the data, seconds (`seconds = other_s + dataset / throughput`).
    pub restore: Option<RestoreBound>,
}

/// The part of a fastest recovery spent restoring from backup.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RestoreBound {
    /// The steps of the quickest path other than moving the data, seconds.
    pub other_s: f64,
    /// The data to move, GB.
    pub dataset_gb: f64,
    /// The highest restore throughput the model allows, GB/h.
    pub max_throughput_gb_per_hour: f64,
}

impl RestoreBound {
    /// The restore throughput (GB/h) at which this path could just meet a
    /// target of `target_s`; `None` when its other steps alone exceed it.
    pub fn throughput_for(&self, target_s: f64) -> Option<f64> {
        let room_h = (target_s - self.other_s) / 3600.0;
        (room_h > 0.0).then(|| self.dataset_gb / room_h)
    }
}

fn restore_time(model: &Model, r: &RestorePipeline) -> (f64, f64) {
    let max = r.throughput_gb_per_hour.quantile(1.0);
    let transfer = if max.is_finite() && max > 0.0 { model.workload.dataset_gb / max * 3600.0 } else { 0.0 };
    (transfer, max)
}

/// The fastest recovery of `strategy` from `kind`; `None` when it has no
/// recovery for it (no backups to restore after `logical` damage: every such
/// incident loses all data).
pub fn fastest_recovery(model: &Model, strategy: &Strategy, kind: DisruptionKind) -> Option<FastestRecovery> {
    let steps = &strategy.steps;
    let with_restore = |fixed: f64, r: &RestorePipeline| {
        let (transfer, max) = restore_time(model, r);
        let other_s = fixed + low(&r.validation);
        FastestRecovery {
            kind,
            seconds: other_s + transfer,
            restore: Some(RestoreBound {
                other_s,
                dataset_gb: model.workload.dataset_gb,
                max_throughput_gb_per_hour: max,
            }),
        }
    };
    let plain = |seconds: f64| FastestRecovery { kind, seconds, restore: None };
    if kind == DisruptionKind::Logical {
        // From detection: the decision, then the restore (a clean stack is
        // provisioned only for ransomware or deletions: not on the quickest path).
        let r = strategy.restore.as_ref().filter(|_| strategy.backup.is_some())?;
        return Some(with_restore(low(&steps.decision), r));
    }
    let blip =
        (kind == DisruptionKind::Az && strategy.deployment == Deployment::MultiAz).then(|| low(&steps.az_failover));
    let detection = low(&steps.detection);
    let failover = match &strategy.posture {
        Posture::ActiveActive { regions, .. } => {
            // The lost region's share is down until traffic moves: the smallest share weighs least.
            let share = regions.iter().map(|(_, s)| *s).fold(1.0, f64::min);
            Some(plain((detection + low(&steps.traffic_switch)) * share))
        }
        posture => {
            let invoked =
                (detection + low(&steps.decision).max(strategy.invoke_after.secs())).max(strategy.promote_after.secs());
            let switch = low(&steps.traffic_switch);
            match posture {
                Posture::BackupRestore => strategy
                    .restore
                    .as_ref()
                    .filter(|_| strategy.backup.is_some())
                    .map(|r| with_restore(invoked + low(&r.provision) + switch, r)),
                Posture::PilotLight { promote, scale_up, .. } => {
                    Some(plain(invoked + low(promote) + low(scale_up) + switch))
                }
                Posture::WarmStandby { promote, .. } => Some(plain(invoked + low(promote) + switch)),
                Posture::ActiveActive { .. } => None,
            }
        }
    };
    let blip = blip.map(|b| match &strategy.posture {
        Posture::ActiveActive { regions, .. } => b * regions.iter().map(|(_, s)| *s).fold(1.0, f64::min),
        _ => b,
    });
    match (blip, failover) {
        (Some(b), Some(f)) if f.seconds < b => Some(f),
        (Some(b), _) => Some(plain(b)),
        (None, f) => f,
    }
}

/// The chance a failover fails, averaged over when it happens: with
/// `reliability = { failure_probability = p0, drift = D }` and drills every
/// `I`, the time since the last drill is uniform on `[0, I)`, so
/// `1 - (1 - p0) (D / I) (1 - exp(-I / D))`. Without drills the failover was
/// last exercised a uniform time up to a year before the trial, and the
/// failover happens a uniform time into a trial of `horizon`. Without drift: `p0`.
pub fn failover_failure_probability(strategy: &Strategy, horizon: Duration) -> f64 {
    let r = strategy.reliability;
    let p0 = r.failure_probability.get();
    let Some(drift) = r.drift else { return p0 };
    let d = drift.secs();
    // E[exp(-U / D)] for U uniform on [0, len).
    let mean_survival = |len: f64| if len > 0.0 { d / len * (1.0 - (-len / d).exp()) } else { 1.0 };
    let survive = match strategy.drill_interval {
        Some(i) => mean_survival(i.secs()),
        None => mean_survival(Duration::YEAR.secs()) * mean_survival(horizon.secs()),
    };
    1.0 - (1.0 - p0) * survive
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> Model {
        let path = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/models/securecart-monolith.toml"));
        Model::load(path).unwrap()
    }

    /// p0 = 0.02, drills every 90 d, drift 180 d: 1 - 0.98 x 2 x (1 - e^-0.5) = 0.2288.
    #[test]
    fn drills_and_drift_give_the_closed_form() {
        let m = model();
        let ws = m.strategy("warm-standby").unwrap();
        let expected = 1.0 - 0.98 * 2.0 * (1.0 - (-0.5f64).exp());
        assert!((failover_failure_probability(ws, Duration::YEAR) - expected).abs() < 1e-12);
        assert!((expected - 0.2288).abs() < 1e-4);
    }

    /// 2,000 GB at 1,080 GB/h at best is 1h 51m 7s, plus the decision's lower
    /// end (5 min; warm standby's rehearsed 2 min) and 10 min validation.
    #[test]
    fn the_fastest_logical_restore_moves_the_dataset_at_the_highest_throughput() {
        let m = model();
        for s in &m.strategies {
            let f = fastest_recovery(&m, s, DisruptionKind::Logical).unwrap();
            let decision = if s.name == "warm-standby" { 120.0 } else { 300.0 };
            let expected = decision + 600.0 + 2000.0 / 1080.0 * 3600.0;
            assert!((f.seconds - expected).abs() < 1e-6, "{}: {}", s.name, f.seconds);
            let r = f.restore.unwrap();
            // A 30 min target leaves 30 min - decision - 10 min for 2,000 GB.
            let room_h = (1800.0 - decision - 600.0) / 3600.0;
            assert!((r.throughput_for(1800.0).unwrap() - 2000.0 / room_h).abs() < 1e-6);
            assert_eq!(r.throughput_for(decision + 600.0 - 1.0), None);
        }
    }
}
