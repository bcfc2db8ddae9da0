//! Backup & Restore: nothing runs in the DR region. Recovery provisions the
//! stack (infrastructure as code), restores `dataset_gb` at the restore
//! throughput and validates it. Data loss is the time since the last good
//! backup that had reached the DR region (for the loss of a single-AZ
//! primary's AZ, the in-region backups serve, with no copy delay).

use super::attempts::restore_point;
use super::backup::Query;
use super::{Ctx, Recovery};
use crate::model::{DisruptionKind, Duration, RestorePipeline};
use crate::world::site::Disruption;

/// Restore plus validation: `share x dataset_gb / throughput` hours, then
/// validation. With a point-in-time restore (`pitr`): the full snapshot at the
/// throughput, then the log written between the last full snapshot and the
/// instant restored to (`restored_to_s`, seconds of trial time, negative
/// before the trial) at the replay rate. `share` is the share of the data
/// restored (1 but for logical damage with a blast radius).
pub(super) fn restore_duration(
    ctx: &mut Ctx<'_>,
    restore: &RestorePipeline,
    restored_to_s: f64,
    share: f64,
) -> Duration {
    let throughput = restore.throughput_gb_per_hour.sample(ctx.rng).max(f64::MIN_POSITIVE);
    let workload = &ctx.model.workload;
    let transfer = match &restore.pitr {
        None => Duration::from_hours(share * workload.dataset_gb / throughput),
        Some(p) => {
            let full = p.full_backup_gb.unwrap_or(workload.dataset_gb);
            let log = p.log_gb_per_hour.unwrap_or(workload.change_rate_gb_per_hour);
            let replay = p.replay_gb_per_hour.sample(ctx.rng).max(f64::MIN_POSITIVE);
            let anchor = ctx.world.backup_anchor.secs();
            let replay_hours = super::shape::replay_hours(restored_to_s, anchor, p.full_backup_interval, log, replay);
            Duration::from_hours(share * (full / throughput + replay_hours))
        }
    };
    transfer + ctx.draw(&restore.validation)
}

/// Restores from backup, DR having been invoked `invoked` after the loss of service.
pub(super) fn recover(ctx: &mut Ctx<'_>, d: &Disruption, invoked: Duration) -> Option<Recovery> {
    let (Some(policy), Some(restore)) = (&ctx.strategy.backup, &ctx.strategy.restore) else { return None };
    let copy_arrived_by = match d.kind {
        DisruptionKind::Region if !policy.copy_to_dr_region => return None,
        DisruptionKind::Region => Some(d.start),
        _ => None,
    };
    let query = Query { taken_before: d.start, copy_arrived_by, restore_at: d.start + invoked };
    let point = restore_point(ctx, policy, query)?;
    let provisioning = ctx.draw(&restore.provision);
    let restored_to = d.start.secs() - point.loss.secs();
    let restore_time = point.failed + restore_duration(ctx, restore, restored_to, 1.0);
    Some(Recovery {
        provisioning,
        restore: restore_time,
        start_fraction: 1.0,
        hold: Duration::ZERO,
        ramp: Duration::ZERO,
        data_loss: point.loss,
    })
}
