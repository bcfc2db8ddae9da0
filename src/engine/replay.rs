//! Replayed recoveries: conditional Monte Carlo of P(region RTO met) and
//! P(region RPO met) (`drsim run --region-replays K`).
//!
//! Whether a region incident meets its targets depends on how long the
//! region stays down (a world draw), on the rest of the world (what else is
//! down, the load) and on the strategy's own draws (when it last drilled,
//! detection, decision, whether the failover works, how long promotion and
//! scale-up take). The world is what costs a trial; an outage's length and
//! a response cost a fraction of one (about a ninth of a one-strategy
//! SecureCart trial). So
//! each `region` incident is played `K` times: the first as always (it alone
//! feeds every other figure, which stays bit-identical to a run without
//! replays), and `K - 1` more from the same history, each with the outage
//! drawn afresh (its length, whether it took the control plane down,
//! whether it destroyed the site: the draws the world made when it began,
//! [`OutageDraw`]) and the strategy's response drawn afresh from the same
//! state of the strategy (backup pipeline, the event's shared draws), with
//! the drill and restore-test calendars drawn afresh too unless a backup
//! pipeline that can break remembers earlier incidents ([`Ctx::replay`]),
//! on streams of their own ([`TrialStreams::replay_rng`]).
//!
//! Why this is the same law: an outage's draws are made when it begins,
//! independent of everything before; what the strategy sees of its own
//! region during the incident is those draws alone (the region cannot fail
//! again while it is down, and no AZ outage of it begins while it is down),
//! and the rest of the world does not depend on them inside the incident. A
//! common-mode outage is the exception: another region went down and came
//! back with it, so its draws are known from the rest of the world, and
//! only the response is replayed. The `K` plays are then independent given
//! the incident's history, with the same law as the first, so the share of
//! plays meeting a target, averaged over incidents, is an unbiased estimate
//! of the share of incidents meeting it, with the part of its variance the
//! replayed draws caused divided by `K` (docs/variance.md, "Replayed
//! recoveries").

use crate::model::{DisruptionKind, Dist, Duration, FailureDetail, Model};
use crate::strategy::Ctx;
use crate::tally::ReplaysMet;
use crate::world::OutageDraw;
use crate::world::seed::TrialStreams;
use crate::world::site::Disruption;

/// Most plays per incident `--region-replays` accepts.
pub const MAX_PLAYS: u32 = 1024;

/// How many times each `region` incident (outage and recovery) is played, and the
/// region targets its replays are judged against.
#[derive(Clone, Copy, Debug, Default)]
pub struct Replays {
    /// Plays per region incident; 0 and 1 play it once (no replay).
    plays: u32,
    /// The RTO and RPO targets of `region` incidents.
    rto: Duration,
    rpo: Duration,
}

impl Replays {
    /// Plays each `region` incident (outage and recovery) `plays` times (1: once, as
    /// without replays), judged against `model`'s region targets.
    pub fn new(model: &Model, plays: u32) -> Replays {
        let kind = DisruptionKind::Region;
        Replays { plays, rto: model.targets.rto_for(kind), rpo: model.targets.rpo_for(kind) }
    }

    /// No replays: what the platform layer and a plain run use.
    pub fn off() -> Replays {
        Replays::default()
    }

    /// Whether any incident is played more than once.
    #[inline]
    pub fn is_on(&self) -> bool {
        self.plays > 1
    }

    /// How many replays (all but the first play) of `ctx`'s response to
    /// `d` in `region` (serving `share` of the load) met the targets;
    /// `None` unless `d` is a `region` disruption and more than one play is
    /// asked for. Call it before the first play, so that every replay starts
    /// from the state the first one starts from; `ctx` is not changed.
    #[inline]
    pub(crate) fn play(
        &self,
        ctx: &Ctx<'_>,
        streams: &TrialStreams,
        d: &Disruption,
        region: usize,
        share: f64,
    ) -> Option<ReplaysMet> {
        if self.plays <= 1 || d.kind != DisruptionKind::Region {
            return None;
        }
        Some(self.replay(ctx, streams, d, region, share))
    }

    /// [`Replays::play`] once it is known to replay: kept out of line, so
    /// a run without replays pays only the check above.
    #[inline(never)]
    fn replay(&self, ctx: &Ctx<'_>, streams: &TrialStreams, d: &Disruption, region: usize, share: f64) -> ReplaysMet {
        let mut met = ReplaysMet::default();
        let outage = replayable_outage(ctx, d, region);
        // A design that split the region's failures by the outage's length
        // gave this one on one side: its replays are drawn on the same side.
        let given = ctx.world.region_length_split(region, d.start);
        let horizon = ctx.world.horizon;
        for play in 1..self.plays {
            let mut rng = streams.replay_rng(ctx.strategy.id, d.start.secs(), play);
            // The outage's own draws first, as the world makes them.
            let d = match outage {
                Some((duration, cp, destroy)) => {
                    let o = OutageDraw::draw(duration, cp, destroy, d.kind, horizon, given, &mut rng);
                    Disruption { end: d.start + o.length, control_plane: o.control_plane, destroyed: o.destroyed, ..*d }
                }
                None => *d,
            };
            let incident = ctx.replay(&mut rng).respond(&d, region, share);
            let (rto, rpo) = (incident.rto_met(self.rto), incident.rpo_met(self.rpo));
            met.rto += u32::from(rto);
            met.rpo += u32::from(rpo);
            met.both += u32::from(rto && rpo);
        }
        met
    }
}

/// What to draw the region outage that began `d` (in `region`) from
/// again: the region failure mode's duration and its chances of taking the
/// control plane down and of destroying the site (see [`OutageDraw::draw`]).
/// `None` when its draws are not free to replay: a common-mode outage,
/// which another region shares (it has an outage of the same start, see
/// `World::sample`), or a model without a region outage mode (a disruption
/// given from outside).
fn replayable_outage<'m>(ctx: &Ctx<'m>, d: &Disruption, region: usize) -> Option<(&'m Dist, f64, f64)> {
    if ctx.world.region_outage_shared(region, d.start) {
        return None;
    }
    match &ctx.model.failure(DisruptionKind::Region)?.detail {
        FailureDetail::Outage { duration, control_plane_probability, destroy_probability } => {
            Some((duration, control_plane_probability.get(), destroy_probability.get()))
        }
        _ => None,
    }
}
