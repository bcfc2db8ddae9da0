//! The incident pipeline shared by every strategy that fails over to a DR
//! region (backup & restore, pilot light, warm standby).
//!
//! Offsets (`detection`, `invoked`, `ready`) are lengths counted from the loss
//! of service, `Duration`s; `outage` is how long the primary site stays down.
//! Where the world or the backup schedule is asked about a moment, the offset
//! becomes a trial time, a `SimTime`: `d.start + offset`.
//! 1. Detection, then the decision. DR is invoked at
//!    `detection + max(decision, invoke_after)`: the policy wait counts from
//!    detection and the disaster is declared while waiting.
//! 2. If the primary is back first, DR is never invoked (path `rode_out`, no data loss).
//! 3. If DR cannot be used (DR region down at that moment, no backup copy
//!    there, or the failover needs the failed region's control plane and that
//!    is down), the service waits for the primary.
//! 4. Otherwise the posture's recovery runs, then the traffic switch. The
//!    failover may fail (drift since the last drill); the failure shows at the
//!    end of the switch and falls back to a restore from backup when the
//!    strategy has backups copied to the DR region, else to waiting.
//! 5. Service returns at the earlier of DR ready and primary back: once
//!    invoked, recovery proceeds, but users are served by whichever is up first.
//!    Only a failover that restores service loses data. After the switch,
//!    load goes unserved while the DR side lacks capacity (a warm standby's
//!    ramp or step) or while stale clients keep the old address
//!    (`switch_tail`), counted by share until the primary is back (`shape.rs`).
//! 6. After a failover, the planned failback's interruption is recorded apart
//!    from the incident's downtime (it is not part of the achieved RTO).
//! 7. An outage that destroyed the primary's site (`destroy_probability`)
//!    never gives the service back by itself: waiting lasts the rest of the
//!    trial, and when no copy survives outside the site (no replica in
//!    another region, no backup copied there) the incident is a total loss.

use super::Ctx;
use super::attempts::restore_point;
use super::backup::Query;
use super::shape::{Shortfall, Tail, unserved};
use crate::incident::{DataLoss, Incident, Path, Step, StepClock};
use crate::model::{DisruptionKind, Duration, Posture, SimTime};
use crate::world::site::Disruption;

/// Answers one disruption of the primary site.
pub(super) fn respond(ctx: &mut Ctx<'_>, d: &Disruption) -> Incident {
    let mut incident = Incident::new(d.kind, d.start);
    if d.blip {
        let blip = ctx.draw(&ctx.strategy.steps.az_failover);
        incident.path = Path::AzFailover;
        incident.steps[Step::Restore as usize] = blip;
        incident.downtime = blip;
        return incident;
    }
    // A destroyed site comes back empty: for the service it never returns
    // within the trial, so only DR can end the incident.
    let outage = if d.destroyed {
        SimTime::after_start(ctx.world.horizon).saturating_since(d.start)
    } else {
        d.end.saturating_since(d.start)
    };
    let detection = ctx.draw_detection(d.start);
    let decision = ctx.draw_decision(d.start).max(ctx.strategy.invoke_after);
    let mut clock = StepClock::new(outage);
    clock.spend(Step::Detection, detection);
    clock.spend(Step::Decision, decision);
    // The "do not promote before" guard: no promotion before the site has been down `promote_after`.
    clock.spend(Step::Decision, ctx.strategy.promote_after.saturating_sub(detection + decision));
    let invoked = (detection + decision).max(ctx.strategy.promote_after);

    let rode_out = |incident: &mut Incident, clock: StepClock, path: Path| {
        incident.path = path;
        incident.steps = clock.finish(outage);
        incident.downtime = outage;
        *incident
    };
    if d.destroyed && !copy_survives(ctx, d) {
        // Nothing to fail over to or restore from: rebuild empty elsewhere.
        if let Some(restore) = &ctx.strategy.restore {
            let provision = ctx.draw(&restore.provision);
            let validation = ctx.draw(&restore.validation);
            clock.spend(Step::Provisioning, provision);
            clock.spend(Step::Restore, validation);
        }
        incident.downtime = clock.elapsed();
        incident.steps = clock.finish(incident.downtime);
        ctx.lose_everything(&mut incident, d.start);
        return incident;
    }
    if invoked >= outage {
        return rode_out(&mut incident, clock, Path::RodeOut);
    }
    let dr_region = ctx.strategy.dr_region.unwrap_or(ctx.model.topology.primary);
    let control_plane_blocks = ctx.strategy.needs_primary_control_plane && d.control_plane;
    // A failover sees the DR region's state whatever the kind of the disruption.
    let dr_down = dr_region != ctx.model.topology.primary && ctx.world.region_down_at(dr_region, d.start + invoked);
    if control_plane_blocks || dr_down {
        return rode_out(&mut incident, clock, Path::DrUnavailableWaited);
    }
    let Some(recovery) = ctx.recover(d, invoked) else {
        return rode_out(&mut incident, clock, Path::DrUnavailableWaited);
    };
    let switch = ctx.draw(&ctx.strategy.steps.traffic_switch);
    let failed = ctx.failover_fails(d.start + invoked);
    let mut ready = invoked + recovery.provisioning + recovery.restore + switch;
    let mut path = if ctx.strategy.kind() == crate::model::StrategyKind::BackupRestore {
        Path::Restored
    } else {
        Path::FailedOver
    };
    let mut data_loss = recovery.data_loss;
    let mut ramp = (recovery.start_fraction, recovery.hold, recovery.ramp);

    clock.spend(Step::Provisioning, recovery.provisioning);
    clock.spend(Step::Restore, recovery.restore);
    clock.spend(Step::TrafficSwitch, switch);
    if failed {
        match fallback_restore(ctx, d, ready) {
            Some((provision, restore, loss)) => {
                clock.spend(Step::Provisioning, provision);
                clock.spend(Step::Restore, restore);
                let switch_again = ctx.draw(&ctx.strategy.steps.traffic_switch);
                clock.spend(Step::TrafficSwitch, switch_again);
                ready = ready + provision + restore + switch_again;
                path = Path::FailoverFailedRestored;
                data_loss = loss;
                ramp = (1.0, Duration::ZERO, Duration::ZERO);
            }
            None => return rode_out(&mut incident, clock, Path::FailoverFailedWaited),
        }
    }
    if ready >= outage {
        let path = if failed { Path::FailoverFailedWaited } else { Path::RodeOut };
        return rode_out(&mut incident, clock, path);
    }
    let (start_fraction, hold, ramp_length) = ramp;
    let served = outage.saturating_sub(ready);
    let tail = switch_tail(ctx);
    let (degraded, ramp_loss) = if tail.is_none() && hold == Duration::ZERO {
        let degraded = if start_fraction < 1.0 { ramp_length.min(served) } else { Duration::ZERO };
        let ramp_loss = if ramp_length > Duration::ZERO {
            // Integral of the unserved share (1 - c)(1 - t/R) over the degraded span.
            let span = degraded.secs();
            Duration::from_secs((1.0 - start_fraction) * (span - span * span / (2.0 * ramp_length.secs())))
        } else {
            Duration::ZERO
        };
        (degraded, ramp_loss)
    } else {
        let shortfall = Shortfall { level: 1.0 - start_fraction, hold, ramp: ramp_length };
        let partial = tail.map_or(Duration::ZERO, |t| t.length).max(shortfall.length());
        (partial.min(served), unserved(served, shortfall, tail))
    };
    incident.path = path;
    incident.steps = clock.finish(ready);
    incident.downtime = ready + ramp_loss;
    incident.degraded = degraded;
    incident.data_loss = DataLoss::window_of(data_loss);
    super::after_switch::finish(ctx, d, &mut incident, ready, outage);
    incident
}

/// The clients that keep the old address after this switch, when the
/// strategy has a `switch_tail`: its share, for its drawn length (or, without
/// one, until the primary is back: `unserved` cuts it at the outage's end).
fn switch_tail(ctx: &mut Ctx<'_>) -> Option<Tail> {
    let t = ctx.strategy.shape.switch_tail.as_ref()?;
    let length = match &t.duration {
        Some(dist) => ctx.draw(dist),
        None => ctx.world.horizon,
    };
    Some(Tail { share: t.share, length })
}

/// A restore from backups copied to the DR region, started at `at` after a
/// failed failover: (provisioning, restore, data-loss window).
fn fallback_restore(ctx: &mut Ctx<'_>, d: &Disruption, at: Duration) -> Option<(Duration, Duration, Duration)> {
    if ctx.strategy.kind() == crate::model::StrategyKind::BackupRestore {
        return None;
    }
    let (Some(policy), Some(restore)) = (&ctx.strategy.backup, &ctx.strategy.restore) else { return None };
    let copy_arrived_by = if d.kind == DisruptionKind::Region {
        if !policy.copy_to_dr_region {
            return None;
        }
        Some(d.start)
    } else {
        None
    };
    let query = Query { taken_before: d.start, copy_arrived_by, restore_at: d.start + at };
    let point = restore_point(ctx, policy, query)?;
    let provision = ctx.draw(&restore.provision);
    let restored_to = d.start.secs() - point.loss.secs();
    let restore_time = point.failed + super::backup_restore::restore_duration(ctx, restore, restored_to, 1.0);
    Some((provision, restore_time, point.loss))
}

/// Whether a copy of the data outlives the destruction of the primary's
/// site: a live replica in another region (pilot light, warm standby), or
/// backups outside the destroyed site (copied to the DR region; for the loss
/// of one AZ, the region's own backups).
fn copy_survives(ctx: &Ctx<'_>, d: &Disruption) -> bool {
    let other_region = ctx.strategy.dr_region.is_some_and(|r| r != ctx.model.topology.primary);
    let replica = matches!(ctx.strategy.posture, Posture::PilotLight { .. } | Posture::WarmStandby { .. });
    let backups = ctx
        .strategy
        .backup
        .as_ref()
        .is_some_and(|b| (b.copy_to_dr_region && other_region) || d.kind == DisruptionKind::Az)
        && ctx.strategy.restore.is_some();
    (replica && other_region) || backups
}
