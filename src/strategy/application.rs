//! `application` failures (a bad global deploy or agent update, a global
//! dependency failing everywhere) take every region of every posture down
//! at once and damage no data. Failing over does not help (the DR side runs
//! the same software or depends on the same service) and nothing is
//! restored from backup: the whole load is down from the failure until the
//! rollback or remediation is done, the same for every strategy. The
//! data-loss window is zero unless the failure mode gives `data_loss`.

use super::Ctx;
use crate::incident::{DataLoss, Incident, Path, Step};
use crate::model::FailureDetail;
use crate::world::Outage;

pub(super) fn respond(ctx: &mut Ctx<'_>, o: &Outage) -> Incident {
    let mut incident = Incident::new(o.kind, o.start);
    let down = o.end.saturating_since(o.start);
    incident.path = Path::Remediated;
    incident.steps[Step::Waiting as usize] = down;
    incident.downtime = down;
    let loss = match ctx.model.failure(o.kind).map(|m| &m.detail) {
        Some(FailureDetail::Application(r)) => r.data_loss.as_ref(),
        _ => None,
    };
    // Drawn only when the mode gives a data loss, so nothing else moves.
    incident.data_loss = match loss {
        Some(dist) => DataLoss::window_of(ctx.draw(dist)),
        None => DataLoss::None,
    };
    incident
}
