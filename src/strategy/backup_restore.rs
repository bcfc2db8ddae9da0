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

/// Restore plus validation: `dataset_gb / throughput` hours, then validation.
pub(super) fn restore_duration(ctx: &mut Ctx<'_>, restore: &RestorePipeline) -> Duration {
    let throughput = restore.throughput_gb_per_hour.sample(ctx.rng).max(f64::MIN_POSITIVE);
    let transfer = Duration::from_hours(ctx.model.workload.dataset_gb / throughput);
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
    let restore_time = point.failed + restore_duration(ctx, restore);
    Some(Recovery {
        provisioning,
        restore: restore_time,
        start_fraction: 1.0,
        ramp: Duration::ZERO,
        data_loss: point.loss,
    })
}
