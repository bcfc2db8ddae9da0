//! Restores that try copies which turn out unusable (a corrupt snapshot, a
//! dump that does not load): applied after the restore point is found, so the
//! backup arithmetic (`backup.rs`) stays as it is. Each copy tried is unusable
//! with the strategy's restore failure probability at the restore's start;
//! each failed attempt costs a `failed_attempt` draw, and the restore moves on
//! to the next older copy that the same query allows. Whether copy `k` of a
//! schedule is usable comes from a stream keyed by the job, so strategies with
//! the same schedule and the same chance find the same copies unusable.

use rand::RngExt;

use super::Ctx;
use super::backup::{Query, loss_window, loss_window_before};
use crate::model::{BackupPolicy, Duration};

/// Failed attempts after which a restore gives up (no usable copy): bounds
/// the work of a chance near 1, where the restore would try every copy.
pub(crate) const MAX_FAILED_ATTEMPTS: u32 = 100;

/// A restore point after any failed attempts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct RestorePoint {
    /// Time from the usable copy to `query.taken_before`: the data-loss window.
    pub loss: Duration,
    /// Time lost in failed attempts before it (zero when the first copy restores).
    pub failed: Duration,
}

/// The newest copy matching `query` that restores, and the time failed
/// attempts cost before it; `None` when no copy within retention restores.
/// Without restore risk this is [`loss_window`] with no time lost, and draws nothing.
pub(super) fn restore_point(ctx: &mut Ctx<'_>, policy: &BackupPolicy, query: Query) -> Option<RestorePoint> {
    let loss = loss_window(policy, ctx.jobs, query)?;
    let Some(risk) = ctx.strategy.restore.as_ref().and_then(|r| r.risk.as_ref()) else {
        return Some(RestorePoint { loss, failed: Duration::ZERO });
    };
    let p = ctx.restore_failure_probability(query.restore_at);
    if p <= 0.0 {
        return Some(RestorePoint { loss, failed: Duration::ZERO });
    }
    let interval = policy.interval.secs();
    let interval_ms = crate::num::round_i64(interval * 1000.0) as u64;
    let mut point = RestorePoint { loss, failed: Duration::ZERO };
    for _ in 0..MAX_FAILED_ATTEMPTS {
        let taken = query.taken_before.secs() - point.loss.secs();
        let job = crate::num::round_i64((taken - ctx.jobs.anchor.secs()) / interval);
        let usable = ctx.ops.restore_attempt(interval_ms, job).random::<f64>() >= p;
        if usable {
            return Some(point);
        }
        point.failed += ctx.draw(&risk.failed_attempt);
        // Half an interval before the failed copy: strictly older jobs only,
        // whatever the rounding of `taken`.
        point.loss = loss_window_before(policy, ctx.jobs, query, taken - interval / 2.0)?;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SimTime;
    use crate::world::World;
    use crate::world::seed::{BackupJobs, OperationStreams, SimRng};
    use rand::SeedableRng;

    /// Three copies in ten are unusable; a failed attempt costs 1 h.
    const RESTORE: &str = r#"
unusable_probability = 0.3
failed_attempt = { dist = "fixed", value = "1h" }
"#;

    #[test]
    fn failed_attempts_are_geometric_and_each_costs_its_time() {
        // With every job succeeding, a restore tries copies 1h apart: k failed
        // attempts cost k hours and move the restore point k hours back, with
        // P(k) = 0.7 x 0.3^k, so E[k] = 0.3 / 0.7.
        let model = super::super::test_model::model("0s", &super::super::test_model::backup_restore(RESTORE));
        let strategy = &model.strategies[0];
        let policy = strategy.backup.as_ref().unwrap();
        let mut world = World::default();
        world.horizon = Duration::YEAR;
        let n = 20_000u64;
        let (mut sum, mut sum_sq) = (0.0, 0.0);
        for trial in 0..n {
            let mut rng = SimRng::seed_from_u64(trial);
            let mut ctx = Ctx::new(
                &model,
                strategy,
                &world,
                BackupJobs::new(7, trial),
                OperationStreams::new(7, trial),
                &mut rng,
            );
            let at = SimTime::after_start(Duration::DAY * 10.0);
            let q = Query { taken_before: at, copy_arrived_by: None, restore_at: at };
            let plain = loss_window(policy, ctx.jobs, q).unwrap();
            let point = restore_point(&mut ctx, policy, q).unwrap();
            let k = point.failed.hours();
            assert!((k - k.round()).abs() < 1e-9, "{k}");
            assert!((point.loss.hours() - plain.hours() - k).abs() < 1e-6);
            sum += k;
            sum_sq += k * k;
            // Near the trial start the older copies predate it: still found.
            let early = SimTime::after_start(Duration::MINUTE * 10.0);
            let q = Query { taken_before: early, copy_arrived_by: None, restore_at: early };
            let point = restore_point(&mut ctx, policy, q).unwrap();
            assert!(
                (point.loss.hours() - loss_window(policy, ctx.jobs, q).unwrap().hours() - point.failed.hours()).abs()
                    < 1e-6
            );
        }
        let mean = sum / n as f64;
        let se = ((sum_sq / n as f64 - mean * mean) / n as f64).sqrt();
        let expected = 0.3 / 0.7;
        assert!((mean - expected).abs() < 4.0 * se, "mean {mean} expected {expected} se {se}");
    }
}
