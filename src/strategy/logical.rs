//! `logical` damage (corruption, ransomware, a bad deploy, an accidental
//! delete) replicates to every live copy at once, so every posture answers it
//! the same way: restore the newest clean backup, taken before the damage
//! began, still within retention when the restore runs, and not destroyed
//! (ransomware destroys backups that are not immutable with the failure
//! mode's probability; an account deletion destroys every mutable backup in
//! the workload's account; a provider-side deletion destroys every copy held
//! at the provider: see [`backups_destroyed`]). Downtime runs from detection: the decision, then (for
//! ransomware, whose hosts cannot be trusted) provisioning a clean stack, then
//! the restore and validation. The data-loss window is the time from the
//! restore point to the damage; writes after the damage are the damage.
//! Without a clean backup the data is lost entirely: the service is rebuilt
//! empty (decision, provisioning, validation) and stays down until the
//! business is back (`total_loss_recovery`, by default the rest of the trial).
//!
//! Damage with a blast radius (`affected_share` of the tenants and their
//! data) restores only that share, and counts in the load-weighted downtime
//! by it. With `affected_tenants` and a restore queue (`concurrency`,
//! `per_tenant`), tenants come back one by one: a tenant's downtime is the
//! decision, provisioning and its place in the queue; the incident's
//! load-weighted downtime is the share times the mean tenant's, and the
//! service is degraded until the last tenant is back.

use super::Ctx;
use super::attempts::restore_point;
use super::backup::Query;
use super::backup_restore::restore_duration;
use super::shape::Queue;
use crate::incident::{DataLoss, Incident, Path, Step, StepClock};
use crate::model::Duration;
use crate::model::{BackupPolicy, RestoreQueue, Vault};
use crate::world::{Deletion, Outage};

pub(super) fn respond(ctx: &mut Ctx<'_>, o: &Outage) -> Incident {
    let mut incident = Incident::new(o.kind, o.start);
    incident.detection_delay = o.end.saturating_since(o.start);
    let decision = ctx.draw(&ctx.strategy.steps.decision);
    let restore_at = o.end + decision;
    let policy = ctx.strategy.backup.as_ref();
    let destroyed = policy.is_some_and(|p| backups_destroyed(o, p));
    let point = match policy {
        Some(p) if !destroyed => {
            restore_point(ctx, p, Query { taken_before: o.start, copy_arrived_by: None, restore_at })
        }
        _ => None,
    };
    let window = point.map(|p| p.loss);
    // The restore attempt verifies the pipeline: a silent breakage is found now.
    if let Some(b) = ctx.jobs.breakage.as_mut() {
        b.last_restore = Some(restore_at);
    }
    let shape = ctx.incident_shape(crate::model::DisruptionKind::Logical);
    let share = shape.map_or(1.0, |s| s.affected_share);
    // With a queue: (the last tenant's restore, the mean tenant's) after the failed attempts.
    let mut queued: Option<(Duration, Duration)> = None;
    let (provisioning, restore) = match &ctx.strategy.restore {
        Some(pipeline) => {
            let provisioning = if o.ransomware || o.deletion != Deletion::None || window.is_none() {
                ctx.draw(&pipeline.provision)
            } else {
                Duration::ZERO
            };
            let failed = point.map_or(Duration::ZERO, |p| p.failed);
            let tenants = shape.and_then(|s| s.affected_tenants);
            let restore = match (window, pipeline.queue.as_ref(), tenants) {
                (Some(_), Some(q), Some(n)) => {
                    let (last, mean) = restore_queue(ctx, q, n);
                    queued = Some((failed + last, failed + mean));
                    failed + last
                }
                (Some(w), _, _) => failed + restore_duration(ctx, pipeline, o.start.secs() - w.secs(), share),
                (None, _, _) => ctx.draw(&pipeline.validation),
            };
            (provisioning, restore)
        }
        None => (Duration::ZERO, Duration::ZERO),
    };
    // No outage ends this incident, so cap it at the trial length: a
    // recovery that would take longer (a restore at near-zero throughput)
    // never finishes, and is reported as down for the whole horizon rather
    // than as an astronomical or infinite figure.
    let mut clock = StepClock::new(ctx.world.horizon);
    clock.spend(Step::Decision, decision);
    clock.spend(Step::Provisioning, provisioning);
    clock.spend(Step::Restore, restore);
    incident.downtime = clock.elapsed();
    incident.steps = clock.finish(incident.downtime);
    if share < 1.0 || queued.is_some() {
        // Only the affected tenants are down, each until its own restore:
        // the load-weighted downtime is the share times the mean tenant's;
        // the service is partial until the last one is back.
        incident.degraded = incident.downtime;
        let mean =
            queued.map_or(incident.downtime, |(_, mean)| (decision + provisioning + mean).min(ctx.world.horizon));
        incident.downtime = mean * share;
    }
    match window {
        Some(w) => {
            incident.path = Path::Restored;
            incident.data_loss = DataLoss::window_of(w);
        }
        None => ctx.lose_everything(&mut incident, o.end),
    }
    incident
}

/// Restores `tenants` through a queue of `q.concurrency` at a time, each
/// taking a `per_tenant` draw, in rank order: (when the last is back, the
/// mean time a tenant is back), from the queue's start.
fn restore_queue(ctx: &mut Ctx<'_>, q: &RestoreQueue, tenants: u32) -> (Duration, Duration) {
    let mut queue = Queue::new(q.concurrency, tenants);
    let (mut last, mut sum) = (Duration::ZERO, 0.0);
    for _ in 0..tenants {
        let time = ctx.draw(&q.per_tenant);
        let back = queue.next(time);
        last = last.max(back);
        sum += back.secs();
    }
    (last, Duration::from_secs(sum / f64::from(tenants)))
}

/// Whether a logical incident destroyed a strategy's backups: ransomware that
/// hunts backups, or an account deletion, reaches what is mutable in the
/// workload's own account; a provider-side deletion reaches everything held
/// at the provider, locked or not.
pub(super) fn backups_destroyed(o: &Outage, policy: &BackupPolicy) -> bool {
    let in_reach_of_the_account = !policy.immutable && policy.vault == Vault::SameAccount;
    match o.deletion {
        Deletion::Provider => policy.vault != Vault::OtherProvider,
        Deletion::Account => in_reach_of_the_account,
        Deletion::None => o.destroys_mutable_backups && in_reach_of_the_account,
    }
}
