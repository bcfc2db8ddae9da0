//! Replayed recoveries: conditional Monte Carlo of P(region RTO met) and
//! P(region RPO met) (`drsim run --region-replays K`).
//!
//! Whether a region incident meets its targets depends on the world (how
//! long the region stays down, what else is down, the load) and on the
//! strategy's own draws (detection, decision, whether the failover works,
//! how long promotion and scale-up take). The world is what costs a trial;
//! a response costs a fraction of one (about a ninth of a one-strategy
//! SecureCart trial). So each `region` incident's response is
//! played `K` times: the first as always (it alone feeds every other figure,
//! which stays bit-identical to a run without replays), and `K - 1` more
//! from the same state of the strategy (drill and test calendars, backup
//! pipeline, the event's shared draws) on streams of their own
//! ([`TrialStreams::replay_rng`]). The `K` plays are independent given the
//! incident's history, with the same law as the first, so the share of plays
//! meeting a target, averaged over incidents, is an unbiased estimate of the
//! share of incidents meeting it, with the part of its variance the
//! response draws caused divided by `K` (docs/variance.md, "Replayed
//! recoveries").

use crate::model::{DisruptionKind, Duration, Model};
use crate::strategy::Ctx;
use crate::tally::ReplaysMet;
use crate::world::seed::TrialStreams;
use crate::world::site::Disruption;

/// Most plays per incident `--region-replays` accepts.
pub const MAX_PLAYS: u32 = 1024;

/// How many times each `region` incident's recovery is played, and the
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
    /// Plays each `region` incident's recovery `plays` times (1: once, as
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
        for play in 1..self.plays {
            let mut rng = streams.replay_rng(ctx.strategy.id, d.start.secs(), play);
            let incident = ctx.replay(&mut rng).respond(d, region, share);
            let (rto, rpo) = (incident.rto_met(self.rto), incident.rpo_met(self.rpo));
            met.rto += u32::from(rto);
            met.rpo += u32::from(rpo);
            met.both += u32::from(rto && rpo);
        }
        met
    }
}
