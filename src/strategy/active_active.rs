//! Active-Active: traffic is shared among regions. When a region (or the
//! single AZ of a single-AZ deployment) is lost, its share of the load is
//! lost until health checks detect it and DNS stops sending users there
//! (detection + traffic switch). If the automatic removal fails (drift since
//! the last drill), people remove it after the decision time. The survivors
//! then take all the load up to their headroom; beyond it the service is
//! degraded until scale-out completes. A one-AZ loss under Multi-AZ costs the
//! region's share of the database failover blip. Data loss is the async
//! replication lag, zero when synchronous. When every other active region is
//! down too, nobody can take the share: it stays lost for the whole outage
//! (each region's incident counts its own share, so a simultaneous loss of
//! all regions counts the whole load).

use super::Ctx;
use crate::incident::{DataLoss, Incident, Path, Step, StepClock};
use crate::model::{Duration, Posture, Replication, SimTime};
use crate::world::site::Disruption;

pub(super) fn respond(ctx: &mut Ctx<'_>, d: &Disruption, region: usize, share: f64) -> Incident {
    let Posture::ActiveActive { regions, headroom, scale_out, replication } = &ctx.strategy.posture else {
        unreachable!("active_active::respond is only called for active-active strategies")
    };
    let mut incident = Incident::new(d.kind, d.start);
    if d.blip {
        let blip = ctx.draw(&ctx.strategy.steps.az_failover);
        incident.path = Path::AzFailover;
        incident.steps[Step::Restore as usize] = blip;
        incident.downtime = blip * share;
        incident.degraded = blip;
        return incident;
    }
    let outage = d.end.saturating_since(d.start);
    let mut clock = StepClock::new(outage);
    let detection = ctx.draw_detection(d.start);
    clock.spend(Step::Detection, detection);
    let manual = ctx.failover_fails(d.start + detection);
    if manual {
        let decision = ctx.draw_decision(d.start);
        clock.spend(Step::Decision, decision);
    }
    let switch = ctx.draw(&ctx.strategy.steps.traffic_switch);
    clock.spend(Step::TrafficSwitch, switch);
    let removed = clock.elapsed();
    // This region also carries the shares of other active regions that were
    // already down (their traffic had been moved here).
    let others = || regions.iter().filter(|(r, _)| *r != region);
    let carried = share + others().filter(|(r, _)| ctx.world.region_down_at(*r, d.start)).map(|(_, s)| s).sum::<f64>();
    if removed >= outage {
        incident.path = Path::RodeOut;
        incident.steps = clock.finish(outage);
        incident.downtime = outage * carried;
        incident.degraded = outage;
        return incident;
    }
    // Regions that can take the traffic: the other active regions up at the moment of removal.
    let removed_at = d.start + removed;
    let survivors = others().filter(|(r, _)| !ctx.world.region_down_at(*r, removed_at)).count() as f64;
    if survivors == 0.0 {
        // Every other region is down too: the carried load is lost until the
        // first of them is back (or this one is).
        let back = others().filter_map(|(r, _)| ctx.world.region_back_after(*r, removed_at)).fold(d.end, SimTime::min);
        let lost = back.saturating_since(d.start).min(outage);
        incident.path = Path::DrUnavailableWaited;
        incident.steps = clock.finish(lost);
        incident.downtime = lost * carried;
        incident.degraded = lost;
        return incident;
    }
    let deficit = (1.0 - survivors * headroom).max(0.0);
    let short = if deficit > 0.0 { ctx.draw(scale_out).min(outage.saturating_sub(removed)) } else { Duration::ZERO };
    incident.path = if manual { Path::ManualFailover } else { Path::FailedOver };
    incident.steps = clock.finish(removed);
    incident.downtime = removed * carried + short * deficit;
    incident.degraded = removed + short;
    incident.data_loss = match replication {
        Replication::Sync => DataLoss::None,
        Replication::Async(lag) => DataLoss::window_of(ctx.draw(lag) + ctx.limp_lag(d)),
    };
    incident
}
