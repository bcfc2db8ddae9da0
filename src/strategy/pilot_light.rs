//! Pilot Light: the database replicates continuously into the DR region and
//! runs there; compute is off. Recovery promotes the replica and scales
//! compute up from zero (launch and warm-up). Data loss is the replication
//! lag at the moment of failure.

use super::{Ctx, Recovery};
use crate::model::{Dist, Duration};

pub(super) fn recover(ctx: &mut Ctx<'_>, replication_lag: &Dist, promote: &Dist, scale_up: &Dist) -> Recovery {
    let data_loss = ctx.draw(replication_lag);
    let restore = ctx.draw(promote);
    let provisioning = ctx.draw(scale_up);
    Recovery { provisioning, restore, start_fraction: 1.0, hold: Duration::ZERO, ramp: Duration::ZERO, data_loss }
}
