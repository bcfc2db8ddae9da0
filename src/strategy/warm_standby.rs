//! Warm Standby: a scaled-down, fully working copy at capacity fraction `c`.
//! Recovery promotes the replica; after the switch the standby serves `c` of
//! the load at once and ramps linearly to full capacity over the scale-up
//! time, or with `scale_up_shape = "step"` serves `c` until the whole
//! capacity arrives at the end of it. The load not served during the ramp counts as (weighted) downtime
//! and the ramp as degraded time. Data loss is the replication lag.

use super::{Ctx, Recovery};
use crate::model::{Dist, Duration};

pub(super) fn recover(
    ctx: &mut Ctx<'_>,
    replication_lag: &Dist,
    promote: &Dist,
    capacity_fraction: f64,
    scale_up: &Dist,
) -> Recovery {
    let data_loss = ctx.draw(replication_lag);
    let restore = ctx.draw(promote);
    let scale_up = ctx.draw(scale_up);
    let (hold, ramp) =
        if ctx.strategy.shape.scale_up_step { (scale_up, Duration::ZERO) } else { (Duration::ZERO, scale_up) };
    Recovery { provisioning: Duration::ZERO, restore, start_fraction: capacity_fraction, hold, ramp, data_loss }
}
