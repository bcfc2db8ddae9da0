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
use crate::model::{BackupPolicy, RestoreQueue, Vault};
use crate::model::{Duration, Posture, RegionId, SimTime};
use crate::world::{Deletion, Outage};

pub(super) fn respond(ctx: &mut Ctx<'_>, o: &Outage) -> Incident {
    let mut incident = Incident::new(o.kind, o.start);
    incident.detection_delay = o.end.saturating_since(o.start);
    let decision = ctx.draw_decision(o.start);
    // The restore runs in a region the strategy can serve from: while a
    // region outage has them all down, it waits for the first one back.
    let wait = region_wait(ctx, o.end + decision);
    let restore_at = o.end + decision + wait;
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
    clock.spend(Step::Waiting, wait);
    clock.spend(Step::Provisioning, provisioning);
    clock.spend(Step::Restore, restore);
    incident.downtime = clock.elapsed();
    incident.steps = clock.finish(incident.downtime);
    if share < 1.0 || queued.is_some() {
        // Only the affected tenants are down, each until its own restore:
        // the load-weighted downtime is the share times the mean tenant's;
        // the service is partial until the last one is back.
        incident.degraded = incident.downtime;
        let mean = queued
            .map_or(incident.downtime, |(_, mean)| (decision + wait + provisioning + mean).min(ctx.world.horizon));
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

/// How long a restore that would start at `t` waits for a region to run
/// in: zero when any region the strategy serves from (its primary and DR
/// region, or every active region) is up at `t`, else until the first of
/// them is back from its region outage.
fn region_wait(ctx: &Ctx<'_>, t: SimTime) -> Duration {
    let wait =
        |region: RegionId| ctx.world.region_back_after(region, t).map_or(Duration::ZERO, |b| b.saturating_since(t));
    let shortest = |a: Option<Duration>, w: Duration| Some(a.map_or(w, |a| a.min(w)));
    let waits = match &ctx.strategy.posture {
        Posture::ActiveActive { regions, .. } => regions.iter().map(|&(r, _)| wait(r)).fold(None, shortest),
        _ => std::iter::once(ctx.model.topology.primary).chain(ctx.strategy.dr_region).map(wait).fold(None, shortest),
    };
    waits.unwrap_or(Duration::ZERO)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DisruptionKind;
    use crate::world::World;
    use crate::world::seed::{BackupJobs, OperationStreams, SimRng};
    use rand::SeedableRng;

    fn outage(kind: DisruptionKind, region: u16, start_h: f64, end_h: f64) -> Outage {
        Outage {
            kind,
            region,
            az: 0,
            start: SimTime::after_start(Duration::from_hours(start_h)),
            end: SimTime::after_start(Duration::from_hours(end_h)),
            control_plane: false,
            ransomware: false,
            destroys_mutable_backups: false,
            destroyed: false,
            deletion: Deletion::None,
        }
    }

    /// Damage found at 3 h, a 1 h restore (1 GB at 1 GB/h), the decision
    /// instant: with the primary `a` down 1 h to 11 h and the DR region `b`
    /// down 2 h to 6 h, the restore waits 3 h for `b` and the service is
    /// back 4 h after discovery; with `b` up it starts at once (1 h).
    #[test]
    fn a_restore_waits_while_every_region_it_can_run_in_is_down() {
        let model = super::super::test_model::model("0s", &super::super::test_model::backup_restore(""));
        let strategy = &model.strategies[0];
        let damage = outage(DisruptionKind::Logical, 0, 0.0, 3.0);
        let both_down =
            vec![damage, outage(DisruptionKind::Region, 0, 1.0, 11.0), outage(DisruptionKind::Region, 1, 2.0, 6.0)];
        let primary_down = vec![damage, outage(DisruptionKind::Region, 0, 1.0, 11.0)];
        for (outages, hours, waited) in [(both_down, 4.0, 3.0), (primary_down, 1.0, 0.0)] {
            let world = World::with_outages(Duration::YEAR, outages);
            let mut rng = SimRng::seed_from_u64(1);
            let mut ctx =
                Ctx::new(&model, strategy, &world, BackupJobs::new(7, 0), OperationStreams::new(7, 0), &mut rng);
            let incident = respond(&mut ctx, &damage);
            assert_eq!(incident.path, Path::Restored);
            assert!((incident.downtime.hours() - hours).abs() < 1e-9, "{}", incident.downtime.hours());
            assert!((incident.steps[Step::Waiting as usize].hours() - waited).abs() < 1e-9);
        }
    }
}
