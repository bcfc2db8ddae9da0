//! Active-Active: traffic is shared among regions. When a region (or the
//! single AZ of a single-AZ deployment) is lost, its share of the load is
//! lost until health checks detect it and DNS stops sending users there
//! (detection + traffic switch). If the automatic removal fails (drift since
//! the last drill), people remove it after the decision time. The survivors
//! then take all the load up to their headroom; beyond it the service is
//! degraded until scale-out completes. A one-AZ loss under Multi-AZ costs the
//! region's share of the database failover blip. Data loss is the async
//! replication lag, zero when synchronous.

use super::Ctx;
use crate::engine::site::Disruption;
use crate::incident::{Incident, Path, Step, StepClock};
use crate::model::{Duration, Posture, Replication};

pub(super) fn respond(ctx: &mut Ctx<'_>, d: &Disruption, share: f64) -> Incident {
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
    let outage = d.end.saturating_sub(d.start);
    let mut clock = StepClock::new(outage);
    let detection = ctx.draw(&ctx.strategy.steps.detection);
    clock.spend(Step::Detection, detection);
    let manual = ctx.failover_fails(d.start + detection);
    if manual {
        let decision = ctx.draw(&ctx.strategy.steps.decision);
        clock.spend(Step::Decision, decision);
    }
    let switch = ctx.draw(&ctx.strategy.steps.traffic_switch);
    clock.spend(Step::TrafficSwitch, switch);
    let removed = clock.elapsed();
    if removed >= outage {
        incident.path = Path::RodeOut;
        incident.steps = clock.finish(outage);
        incident.downtime = outage * share;
        incident.degraded = outage;
        return incident;
    }
    let survivors = regions.len().saturating_sub(1) as f64;
    let deficit = (1.0 - survivors * headroom).max(0.0);
    let short = if deficit > 0.0 { ctx.draw(scale_out).min(outage.saturating_sub(removed)) } else { Duration::ZERO };
    incident.path = if manual { Path::ManualFailover } else { Path::FailedOver };
    incident.steps = clock.finish(removed);
    incident.downtime = removed * share + short * deficit;
    incident.degraded = removed + short;
    incident.data_loss = match replication {
        Replication::Sync => Duration::ZERO,
        Replication::Async(lag) => ctx.draw(lag),
    };
    incident
}
