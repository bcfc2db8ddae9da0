//! What happened in one incident under one strategy: the record the engine
//! produces and statistics and reports consume.

use serde::{Deserialize, Serialize};

use crate::model::{DisruptionKind, Duration, SimTime};

/// The way an incident ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Path {
    /// One AZ lost under a Multi-AZ deployment: only the database failover blip.
    AzFailover,
    /// The primary came back before DR was invoked or ready: no data lost.
    RodeOut,
    /// Failed over to the DR region (or traffic moved off a lost active region).
    FailedOver,
    /// Restored from backup (backup & restore, or any strategy after `logical` damage).
    Restored,
    /// Active-active: automatic removal of the lost region failed; people moved the traffic.
    ManualFailover,
    /// The failover failed; the fall-back restore from backup finished first.
    FailoverFailedRestored,
    /// The failover failed; the service waited for the primary.
    FailoverFailedWaited,
    /// DR could not be used (DR region down, no backup copy there, or the
    /// failover needed the failed region's control plane): waited for the primary.
    DrUnavailableWaited,
    /// No usable copy of the data survived (no clean backup after `logical`
    /// damage, or the outage destroyed every copy): rebuilt empty, all data
    /// lost. Never a recovery: it meets neither target.
    Rebuilt,
    /// Failed over; the DR side then failed while serving, before the failback.
    DrFailed,
    /// Failed over; the primary outlived the promotion and the diverged sides were reconciled.
    SplitBrain,
    /// A drill's failover or failback went wrong.
    DrillWentWrong,
    /// An `application` failure: every region down until the rollback or
    /// remediation was done; no data restored.
    Remediated,
}

impl Path {
    /// Every path, in report order.
    pub const ALL: [Path; 13] = [
        Path::AzFailover,
        Path::RodeOut,
        Path::FailedOver,
        Path::Restored,
        Path::ManualFailover,
        Path::FailoverFailedRestored,
        Path::FailoverFailedWaited,
        Path::DrUnavailableWaited,
        Path::Rebuilt,
        Path::DrFailed,
        Path::SplitBrain,
        Path::DrillWentWrong,
        Path::Remediated,
    ];
    /// Number of paths; sizes per-path arrays.
    pub const COUNT: usize = 13;

    /// Dense index for per-path arrays.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The name used in reports and exports.
    pub fn name(self) -> &'static str {
        match self {
            Path::AzFailover => "az_failover",
            Path::RodeOut => "rode_out",
            Path::FailedOver => "failed_over",
            Path::Restored => "restored",
            Path::ManualFailover => "manual_failover",
            Path::FailoverFailedRestored => "failover_failed_then_restored",
            Path::FailoverFailedWaited => "failover_failed_then_waited",
            Path::DrUnavailableWaited => "dr_unavailable_waited",
            Path::Rebuilt => "rebuilt_data_lost",
            Path::DrFailed => "dr_failed",
            Path::SplitBrain => "split_brain_reconciled",
            Path::DrillWentWrong => "drill_went_wrong",
            Path::Remediated => "remediated",
        }
    }
}

/// The steps recovery time is spent in, in the order they happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Health checks noticing the outage.
    Detection,
    /// Declaring the disaster, and any policy wait (`invoke_after`) for the primary.
    Decision,
    /// Provisioning or scaling up compute in the DR region.
    Provisioning,
    /// Making the data serviceable: restore from backup, replica promotion, database failover.
    Restore,
    /// DNS TTL and client caches.
    TrafficSwitch,
    /// Waiting for the primary to come back (no usable DR, or DR not yet ready).
    Waiting,
    /// After all data was lost: the time the business needs to come back
    /// beyond the rebuild of an empty stack (`total_loss_recovery`; by
    /// default the rest of the trial).
    TotalLossRecovery,
}

impl Step {
    /// Every step, in order.
    pub const ALL: [Step; 7] = [
        Step::Detection,
        Step::Decision,
        Step::Provisioning,
        Step::Restore,
        Step::TrafficSwitch,
        Step::Waiting,
        Step::TotalLossRecovery,
    ];
    /// Number of steps.
    pub const COUNT: usize = 7;

    /// The name used in reports and exports.
    pub fn name(self) -> &'static str {
        match self {
            Step::Detection => "detection",
            Step::Decision => "decision",
            Step::Provisioning => "provisioning",
            Step::Restore => "restore",
            Step::TrafficSwitch => "traffic_switch",
            Step::Waiting => "waiting",
            Step::TotalLossRecovery => "total_loss_recovery",
        }
    }
}

/// The writes an incident lost.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DataLoss {
    /// Nothing was lost (synchronous replication, the primary came back).
    None,
    /// The writes of this window before the failure or damage were lost:
    /// the achieved RPO. Longer than zero.
    Window(Duration),
    /// No clean copy was left: all data was lost, whatever the window.
    All,
}

impl DataLoss {
    /// A window of lost writes: [`DataLoss::None`] when it is zero.
    pub fn window_of(d: Duration) -> DataLoss {
        if d == Duration::ZERO { DataLoss::None } else { DataLoss::Window(d) }
    }

    /// The window lost (zero for none), or `None` when all data was lost.
    pub fn window(self) -> Option<Duration> {
        match self {
            DataLoss::None => Some(Duration::ZERO),
            DataLoss::Window(d) => Some(d),
            DataLoss::All => None,
        }
    }

    /// Whether all data was lost.
    pub fn is_total(self) -> bool {
        self == DataLoss::All
    }

    /// The window in seconds; infinite when all data was lost (as the
    /// data-loss histograms and quantiles record it).
    pub fn secs(self) -> f64 {
        self.window().map_or(f64::INFINITY, Duration::secs)
    }

    /// The same loss with its window capped at `cap` (a trial cannot lose
    /// more writes than it holds).
    pub fn capped(self, cap: Duration) -> DataLoss {
        match self {
            DataLoss::Window(d) => DataLoss::window_of(d.min(cap)),
            other => other,
        }
    }
}

/// One incident under one strategy.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Incident {
    /// The disruption kind.
    pub kind: DisruptionKind,
    /// When service was lost (for `logical`: when the damage began).
    pub start: SimTime,
    /// How it ended.
    pub path: Path,
    /// Wall time spent in each step, indexed by [`Step`]; they add up to the
    /// time from service loss (for `logical`: from detection) to service back.
    pub steps: [Duration; Step::COUNT],
    /// Downtime weighted by the share of load not served: the achieved RTO.
    pub downtime: Duration,
    /// Wall time with partial service (warm-standby ramp, active-active shares).
    pub degraded: Duration,
    /// Writes lost: none, a window (the achieved RPO), or all data.
    pub data_loss: DataLoss,
    /// `logical` only: time from the damage to its discovery (not downtime).
    pub detection_delay: Duration,
    /// Interruption of the planned failback after a failover (counted in annual downtime, not in the RTO).
    pub failback_downtime: Duration,
    /// What the DR side cost while it served scaled up after a failover, USD
    /// (`failover_usd_per_hour` times the hours; part of `cost_usd`).
    pub failover_running_usd: f64,
    /// Revenue lost, lost orders, fixed response cost and the DR side's running cost, USD.
    pub cost_usd: f64,
}

impl Incident {
    /// An incident with nothing recorded yet.
    pub fn new(kind: DisruptionKind, start: SimTime) -> Incident {
        Incident {
            kind,
            start,
            path: Path::RodeOut,
            steps: [Duration::ZERO; Step::COUNT],
            downtime: Duration::ZERO,
            degraded: Duration::ZERO,
            data_loss: DataLoss::None,
            detection_delay: Duration::ZERO,
            failback_downtime: Duration::ZERO,
            failover_running_usd: 0.0,
            cost_usd: 0.0,
        }
    }

    /// Whether the achieved RTO meets a target: never when all data was
    /// lost, whatever the time to rebuild an empty stack (an empty service is
    /// not a recovered one).
    pub fn rto_met(&self, rto: Duration) -> bool {
        !self.data_loss.is_total() && self.downtime <= rto
    }

    /// Whether the achieved RPO meets a target: never when all data was lost.
    pub fn rpo_met(&self, rpo: Duration) -> bool {
        self.data_loss.window().is_some_and(|w| w <= rpo)
    }

    /// Sum of the step times.
    pub fn elapsed(&self) -> Duration {
        self.steps.iter().copied().sum()
    }
}

/// Fills step times in order, never past a cap (the moment the primary came
/// back), so the steps of an interrupted recovery add up to the outage.
#[derive(Clone, Copy, Debug)]
pub(crate) struct StepClock {
    steps: [Duration; Step::COUNT],
    elapsed: Duration,
    cap: Duration,
}

impl StepClock {
    /// A clock that stops at `cap`.
    pub(crate) fn new(cap: Duration) -> StepClock {
        StepClock { steps: [Duration::ZERO; Step::COUNT], elapsed: Duration::ZERO, cap }
    }

    /// Spends `d` in `step`, clipped at the cap.
    pub(crate) fn spend(&mut self, step: Step, d: Duration) {
        let room = self.cap.saturating_sub(self.elapsed);
        let d = d.min(room);
        self.steps[step as usize] += d;
        self.elapsed += d;
    }

    /// Time spent so far.
    pub(crate) fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// The step times, with any time left before `end` spent waiting.
    pub(crate) fn finish(mut self, end: Duration) -> [Duration; Step::COUNT] {
        let end = end.min(self.cap);
        if end > self.elapsed {
            self.steps[Step::Waiting as usize] += end.saturating_sub(self.elapsed);
        }
        self.steps
    }
}
