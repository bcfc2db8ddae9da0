//! The DR strategies. Every incident goes through the same pipeline
//! (detect, decide, wait for the primary, recover, switch traffic, fail back;
//! `failover.rs`); each posture supplies only its recovery rules, one file
//! each. `logical` damage is answered from backups whatever the posture
//! (`logical.rs`): replication copies the damage everywhere. `application`
//! failures take every region down alike and are waited out (`application.rs`).

mod active_active;
mod after_switch;
mod application;
mod attempts;
pub(crate) mod backup;
mod backup_restore;
pub mod bounds;
mod drills;
mod failover;
mod logical;
mod pilot_light;
mod shape;
#[cfg(test)]
#[path = "tests/test_model.rs"]
mod test_model;
mod warm_standby;

use rand::RngExt;

use crate::incident::Incident;
use crate::model::{DisruptionKind, Dist, Duration, IncidentShape, Model, Posture, SimTime, Strategy};
use crate::world::seed::{BackupJobs, OperationStreams, SimRng};
use crate::world::site::Disruption;
use crate::world::{Outage, World};
use backup::{Breakage, JobStream};

/// What a posture's recovery yields once DR is invoked.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Recovery {
    /// Provisioning or scaling compute.
    pub provisioning: Duration,
    /// Restore, promotion: making the data serviceable.
    pub restore: Duration,
    /// Warm standby: share of load served at the switch, ramping to 1 over `ramp`.
    pub start_fraction: f64,
    /// Warm standby: how long `start_fraction` holds before the ramp (a
    /// stalled or stepped scale-up).
    pub hold: Duration,
    /// Length of the linear ramp to full capacity.
    pub ramp: Duration,
    /// Data-loss window if this recovery is what restores service.
    pub data_loss: Duration,
}

/// Everything a strategy's rules may read while answering one trial's incidents.
pub(crate) struct Ctx<'a> {
    pub model: &'a Model,
    pub strategy: &'a Strategy,
    pub world: &'a World,
    pub jobs: JobStream,
    pub rng: &'a mut SimRng,
    /// Time of the first drill in the trial (drills repeat every interval).
    drill_phase: SimTime,
    /// Without drills: how long before the trial the failover was last exercised.
    age_at_start: Duration,
    /// The trial's streams for risky operations (drills, restore tests, restore attempts).
    ops: OperationStreams,
    /// Restore tests: the first test's time, or without tests how long before
    /// the trial restores were last tested; drawn only when restores drift.
    restore_tests: Calendar,
    /// Whether detection and the decision are the platform's, one per
    /// incident (services sharing one response), not the strategy's own.
    pub(crate) shared_response: bool,
}

/// Purposes of the incident streams ([`OperationStreams::incident`]).
const LOAD_SHARE: u64 = 1;
const LEAD_IN: u64 = 2;
const SHORTAGE: u64 = 3;
const DETECTION: u64 = 4;
const DECISION: u64 = 5;

/// When an operation was last exercised: at `phase + k × interval` with
/// drills or tests, else `age_at_start` before the trial started.
#[derive(Clone, Copy, Debug)]
struct Calendar {
    interval: Option<Duration>,
    phase: SimTime,
    age_at_start: Duration,
}

impl Calendar {
    /// No calendar: restores that do not drift never ask for one.
    const NONE: Calendar = Calendar { interval: None, phase: SimTime::ZERO, age_at_start: Duration::ZERO };

    /// Time since the operation was last exercised, at `t`.
    fn age(&self, t: SimTime) -> Duration {
        match self.interval {
            Some(interval) => {
                let since = (t.secs() - self.phase.secs()).rem_euclid(interval.secs());
                Duration::from_secs(since)
            }
            None => t.since_start() + self.age_at_start,
        }
    }
}

/// `1 - (1 - p0) exp(-age / drift)`: the chance an operation fails after
/// drift has had `age` to break it (`p0` without drift).
fn decayed(p0: f64, drift: Option<Duration>, age: impl FnOnce() -> Duration) -> f64 {
    let Some(drift) = drift else { return p0 };
    1.0 - (1.0 - p0) * (-(age() / drift)).exp()
}

/// The failover's drill calendar, drawn from `rng`: the first drill's
/// time (uniform over one `drill_interval`; the trial's start without
/// drills) and, without drills, how long before the trial the failover
/// was last exercised (uniform over a year).
fn failover_calendar(strategy: &Strategy, rng: &mut SimRng) -> (SimTime, Duration) {
    let phase = SimTime::after_start(strategy.drill_interval.map_or(Duration::ZERO, |i| i * rng.random::<f64>()));
    (phase, Duration::YEAR * rng.random::<f64>())
}

/// Whether restores drift (`[strategy.restore.risk]` with a `drift`):
/// only then is the restore-test calendar drawn.
fn restores_drift(strategy: &Strategy) -> bool {
    strategy.restore.as_ref().and_then(|r| r.risk.as_ref()).is_some_and(|r| r.drift.is_some())
}

/// The restore-test calendar that resets restore drift, drawn from `rng`:
/// the first test uniform over one `restore_test_interval` (or
/// `pipeline_tests`' first, when a breakable pipeline's tests set it) and
/// the age of the last test before the trial, uniform over a year.
fn restore_calendar(strategy: &Strategy, pipeline_tests: Option<SimTime>, rng: &mut SimRng) -> Calendar {
    let interval = strategy.backup.as_ref().and_then(|b| b.restore_test_interval);
    let own = SimTime::after_start(interval.map_or(Duration::ZERO, |i| i * rng.random::<f64>()));
    Calendar { interval, phase: pipeline_tests.unwrap_or(own), age_at_start: Duration::YEAR * rng.random::<f64>() }
}

impl<'a> Ctx<'a> {
    /// Sets up one strategy for one trial; draws the drill calendar from the strategy's stream.
    pub(crate) fn new(
        model: &'a Model,
        strategy: &'a Strategy,
        world: &'a World,
        backups: BackupJobs,
        ops: OperationStreams,
        rng: &'a mut SimRng,
    ) -> Ctx<'a> {
        let (drill_phase, age_at_start) = failover_calendar(strategy, rng);
        // Drawn only for a pipeline that can break, so other models keep their streams.
        let breakage = strategy.backup.as_ref().filter(|b| b.breakage_rate_per_year > 0.0).map(|b| Breakage {
            rate_per_s: b.breakage_rate_per_year / Duration::YEAR.secs(),
            tests: b.restore_test_interval.map(|i| (SimTime::after_start(i * rng.random::<f64>()), i)),
            verified_before_trial_s: -Duration::YEAR.secs() * rng.random::<f64>(),
            last_restore: None,
        });
        let jobs = JobStream { streams: backups, anchor: world.backup_anchor, breakage };
        // The same tests that find a broken pipeline reset the drift.
        let pipeline_tests = jobs.breakage.as_ref().and_then(|b| b.tests).map(|(first, _)| first);
        // Its own stream: drawn only when restores drift, so nothing else moves.
        let restore_tests = if restores_drift(strategy) {
            restore_calendar(strategy, pipeline_tests, &mut ops.restore_tests(strategy.id))
        } else {
            Calendar::NONE
        };
        Ctx { model, strategy, world, jobs, rng, drill_phase, age_at_start, ops, restore_tests, shared_response: false }
    }

    /// The same strategy, drawing from `rng` instead: its response to the
    /// next incident is an independent replay of the response this context
    /// would give, with the same chance of every outcome given the world
    /// (the backup pipeline's state and the event's shared draws are the
    /// same; the strategy's own draws differ). Nothing this context holds
    /// changes.
    ///
    /// The drill and restore-test calendars are drawn afresh from `rng`
    /// too, when the strategy's state cannot depend on how its earlier
    /// incidents ended (no backup pipeline that can break, whose state a
    /// restore changes): they are drawn at the trial's start, independent
    /// of the world, and nothing since has told anything about them, so
    /// given the world their law is the one they were drawn from. A
    /// replay then averages over when the last drill was too, which the
    /// trial's first play fixes for all its incidents (docs/variance.md,
    /// "Replayed recoveries").
    pub(crate) fn replay<'b>(&self, rng: &'b mut SimRng) -> Ctx<'b>
    where
        'a: 'b,
    {
        let (drill_phase, age_at_start, restore_tests) = if self.jobs.breakage.is_none() {
            let (phase, age) = failover_calendar(self.strategy, rng);
            let tests = if restores_drift(self.strategy) {
                restore_calendar(self.strategy, None, rng)
            } else {
                self.restore_tests
            };
            (phase, age, tests)
        } else {
            (self.drill_phase, self.age_at_start, self.restore_tests)
        };
        Ctx {
            model: self.model,
            strategy: self.strategy,
            world: self.world,
            jobs: self.jobs,
            rng,
            drill_phase,
            age_at_start,
            ops: self.ops,
            restore_tests,
            shared_response: self.shared_response,
        }
    }

    /// Draws a duration from a distribution on the strategy's stream.
    pub(crate) fn draw(&mut self, dist: &Dist) -> Duration {
        dist.sample_duration(self.rng)
    }

    /// The detection of the incident that began at `start`: from the
    /// strategy's stream, or with a shared response from the incident's own
    /// stream (see [`Ctx::response_step`]).
    pub(crate) fn draw_detection(&mut self, start: SimTime) -> Duration {
        let dist = &self.strategy.steps.detection;
        self.response_step(dist, start, DETECTION)
    }

    /// The decision to invoke DR for the incident that began at `start`
    /// (as [`Ctx::draw_detection`]).
    pub(crate) fn draw_decision(&mut self, start: SimTime) -> Duration {
        let dist = &self.strategy.steps.decision;
        self.response_step(dist, start, DECISION)
    }

    /// A step of the people's response. Services of one platform share the
    /// response: its draw comes from the stream of the event (keyed by the
    /// trial, the event's start and the step, not by the service), so every
    /// service hit by one event with the same distribution gets the same
    /// time, and with other distributions the same random numbers. A fixed
    /// step (an automated failover's zero decision) draws nothing.
    fn response_step(&mut self, dist: &Dist, start: SimTime, purpose: u64) -> Duration {
        if self.shared_response {
            dist.sample_duration(&mut self.ops.incident(start.secs(), purpose))
        } else {
            dist.sample_duration(self.rng)
        }
    }

    /// Chance a failover started at `t` fails: `1 - (1 - p0) exp(-age / drift)`
    /// where `age` is the time since the last drill (see [`crate::model::Reliability`]).
    pub(crate) fn failover_failure_probability(&self, t: SimTime) -> f64 {
        let r = self.strategy.reliability;
        let drills = Calendar {
            interval: self.strategy.drill_interval,
            phase: self.drill_phase,
            age_at_start: self.age_at_start,
        };
        decayed(r.failure_probability.get(), r.drift, || drills.age(t))
    }

    /// Chance a backup copy tried by a restore started at `t` is unusable:
    /// `1 - (1 - p0) exp(-age / drift)` where `age` is the time since the last
    /// restore test (see [`crate::model::RestoreRisk`]); 0 without restore risk.
    pub(crate) fn restore_failure_probability(&self, t: SimTime) -> f64 {
        let Some(r) = self.strategy.restore.as_ref().and_then(|r| r.risk.as_ref()) else { return 0.0 };
        decayed(r.unusable_probability.get(), r.drift, || self.restore_tests.age(t))
    }

    /// Answers the strategy's drills that go wrong in this trial, in time
    /// order, handing each incident to `record` (nothing without drill risk).
    pub(crate) fn respond_drills(&mut self, record: impl FnMut(&mut Incident)) {
        drills::respond(self, record);
    }

    /// Draws whether a failover started at `t` fails.
    pub(crate) fn failover_fails(&mut self, t: SimTime) -> bool {
        let p = self.failover_failure_probability(t);
        self.rng.random::<f64>() < p
    }

    /// Answers one disruption of the primary site.
    pub(crate) fn respond(&mut self, d: &Disruption, region: usize, region_share: f64) -> Incident {
        let mut incident = match &self.strategy.posture {
            Posture::ActiveActive { .. } => active_active::respond(self, d, region, region_share),
            _ => failover::respond(self, d),
        };
        // An outage that takes only part of the load: everything it costs in
        // service counts by that share.
        if let Some(share) = self.load_share(d) {
            incident.downtime = incident.downtime * share;
            incident.failback_downtime = incident.failback_downtime * share;
        }
        self.within_horizon(&mut incident);
        incident
    }

    /// The shape of the incidents of `kind` (from its failure mode).
    pub(crate) fn incident_shape(&self, kind: DisruptionKind) -> Option<&'a IncidentShape> {
        self.model.failure(kind).map(|f| &f.shape)
    }

    /// Share of the load the outage behind `d` takes, when its failure mode
    /// gives `load_share`: drawn once per event, the same for every strategy.
    fn load_share(&self, d: &Disruption) -> Option<f64> {
        let dist = self.incident_shape(d.kind)?.load_share.as_ref()?;
        Some(dist.sample(&mut self.ops.incident(d.start.secs(), LOAD_SHARE)))
    }

    /// Replication lag gained while the site limped before the outage behind
    /// `d` was declared: the failure mode's `lead_in` (drawn once per event)
    /// times the strategy's lag growth; zero without a lead-in.
    pub(crate) fn limp_lag(&self, d: &Disruption) -> Duration {
        let Some(dist) = self.incident_shape(d.kind).and_then(|s| s.lead_in.as_ref()) else { return Duration::ZERO };
        dist.sample_duration(&mut self.ops.incident(d.start.secs(), LEAD_IN)) * self.strategy.shape.lag_growth
    }

    /// How long the DR region cannot supply capacity to a failover from
    /// `d`: only in region-wide events, decided once per event (the same
    /// for every strategy with the same chance and stall); zero otherwise.
    fn capacity_stall(&self, d: &Disruption) -> Duration {
        let Some(c) = &self.strategy.shape.capacity_shortage else { return Duration::ZERO };
        if d.kind != DisruptionKind::Region {
            return Duration::ZERO;
        }
        let mut rng = self.ops.incident(d.start.secs(), SHORTAGE);
        if rng.random::<f64>() >= c.probability.get() {
            return Duration::ZERO;
        }
        c.stall.sample_duration(&mut rng)
    }

    /// Answers an `application` failure: every region down until remediated.
    pub(crate) fn respond_application(&mut self, o: &Outage) -> Incident {
        let mut incident = application::respond(self, o);
        self.within_horizon(&mut incident);
        incident
    }

    /// Answers `logical` damage.
    pub(crate) fn respond_logical(&mut self, o: &Outage) -> Incident {
        let mut incident = logical::respond(self, o);
        self.within_horizon(&mut incident);
        incident
    }

    /// Ends `incident` as a total loss: no usable copy of the data survived.
    /// The service is down from `down_from` (the loss of service, or for
    /// `logical` damage its discovery) until the business is back: the
    /// strategy's `total_loss_recovery` (at most the trial length), or by
    /// default the rest of the trial, and never less than the rebuild steps
    /// already spent. The extra time is the `total_loss_recovery` step.
    pub(crate) fn lose_everything(&mut self, incident: &mut Incident, down_from: SimTime) {
        incident.path = crate::incident::Path::Rebuilt;
        incident.data_loss = crate::incident::DataLoss::All;
        let needed = match &self.strategy.steps.total_loss_recovery {
            Some(dist) => dist.sample_duration(self.rng).min(self.world.horizon),
            None => SimTime::after_start(self.world.horizon).saturating_since(down_from),
        };
        if needed > incident.downtime {
            let extra = needed.saturating_sub(incident.downtime);
            incident.steps[crate::incident::Step::TotalLossRecovery as usize] += extra;
            incident.downtime = needed;
        }
    }

    /// A trial cannot lose more writes than it holds, nor be down longer than
    /// it lasts: a data-loss window (a replication lag or backup age drawn
    /// from a long-tailed distribution) and the downtime are capped at the
    /// trial length, as outages and recoveries are.
    fn within_horizon(&self, incident: &mut Incident) {
        incident.data_loss = incident.data_loss.capped(self.world.horizon);
        // Only a reconciliation after split brain can add downtime beyond the outage.
        incident.downtime = incident.downtime.min(self.world.horizon);
    }

    /// The posture's recovery for a failover that starts at `invoked` for a
    /// disruption that began at `failed`; `None` when it cannot recover (for
    /// backup & restore: no usable backup copy).
    ///
    /// A shortage of capacity in the DR region (region-wide events only)
    /// delays what must be launched: the whole stack for backup & restore and
    /// pilot light; for a warm standby only the scale-up beyond its fraction,
    /// which it keeps serving. A lead-in before the outage adds to the
    /// replica's lag.
    pub(crate) fn recover(&mut self, d: &Disruption, invoked: Duration) -> Option<Recovery> {
        let stall = self.capacity_stall(d);
        let mut recovery = match &self.strategy.posture {
            Posture::BackupRestore => backup_restore::recover(self, d, invoked),
            Posture::PilotLight { replication_lag, promote, scale_up } => {
                Some(pilot_light::recover(self, replication_lag, promote, scale_up))
            }
            Posture::WarmStandby { replication_lag, promote, capacity_fraction, scale_up } => {
                Some(warm_standby::recover(self, replication_lag, promote, *capacity_fraction, scale_up))
            }
            Posture::ActiveActive { .. } => None,
        }?;
        match self.strategy.posture {
            Posture::WarmStandby { .. } => recovery.hold += stall,
            _ => recovery.provisioning += stall,
        }
        if !matches!(self.strategy.posture, Posture::BackupRestore) {
            recovery.data_loss += self.limp_lag(d);
        }
        Some(recovery)
    }
}
