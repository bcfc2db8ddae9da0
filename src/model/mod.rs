//! The model: what one decision is about. Parsed from a TOML file, validated
//! once, and from then on impossible to hold in an invalid state.
//!
//! The file format is documented in `docs/model-reference.md`; the meaning of
//! every number in `DESIGN.md` sections 1-5.

mod check;
mod costs;
pub mod dist;
pub mod duration;
mod error;
mod kinds;
pub mod limits;
mod posture;
mod profile;
mod raw;
mod risk;
mod shapes;
mod span;
mod time;
pub mod uncertain;
mod validate;
mod words;

use std::path::{Path, PathBuf};

pub use costs::{Costs, LineItemOverrides, LineItems, StrategyCost};
pub use dist::{Dist, DistSpec, Unit};
pub use duration::Duration;
pub use error::{ModelError, Problem};
pub use kinds::{Maintenance, Remediation};
pub use risk::{DrFailure, DrillRisk, RestoreRisk, SplitBrain};
pub use shapes::{CapacityShortage, IncidentShape, Pitr, RecoveryShape, RestoreQueue, SwitchTail};
pub use span::KeyPath;
pub(crate) use span::line_column;
pub use time::SimTime;
pub(crate) use validate::name_id;
pub use words::nearest;

/// Hours in the load profile's cycle (one year of 365 days).
pub const HOURS_PER_YEAR: usize = 8760;

/// The kinds of disruption drsim simulates and reports on separately (AWS
/// Resilience Hub's "disruption types": its AZ and Region types are `Az`
/// and `Region`; its Application (software) type is `Application` when no
/// data is damaged and `Logical` when it is). The only meaning of
/// "kind" on an incident, an outage, a failure mode or a target.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DisruptionKind {
    /// One availability zone is lost (power, cooling, network). Rate is per AZ.
    Az,
    /// A whole region, or a regional service the workload depends on, is lost.
    Region,
    /// Data corruption, ransomware, a bad deploy or an accidental delete.
    Logical,
    /// A failure that damages no data but takes every region of every
    /// strategy down at once: a bad global deploy or agent update, a global
    /// dependency (an identity provider) failing everywhere. Replication
    /// does not help; service is back after a rollback or a remediation.
    Application,
}

impl DisruptionKind {
    /// Every kind, in report order.
    pub const ALL: [DisruptionKind; 4] =
        [DisruptionKind::Az, DisruptionKind::Region, DisruptionKind::Logical, DisruptionKind::Application];
    /// Number of kinds; sizes per-kind arrays.
    pub const COUNT: usize = 4;

    /// Dense index for per-kind arrays.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The name used in model files and reports.
    pub fn name(self) -> &'static str {
        match self {
            DisruptionKind::Az => "az",
            DisruptionKind::Region => "region",
            DisruptionKind::Logical => "logical",
            DisruptionKind::Application => "application",
        }
    }

    /// Parses a kind name as written in a model file.
    pub fn parse(text: &str) -> Option<DisruptionKind> {
        DisruptionKind::ALL.into_iter().find(|k| k.name() == text)
    }
}

impl std::fmt::Display for DisruptionKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A probability, checked to lie in [0, 1] when built.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Default, serde::Serialize)]
pub struct Probability(f64);

impl Probability {
    /// Certainty.
    pub const ONE: Probability = Probability(1.0);
    /// Impossibility.
    pub const ZERO: Probability = Probability(0.0);

    /// Returns `None` unless `p` is a finite number in [0, 1].
    pub fn new(p: f64) -> Option<Probability> {
        (p.is_finite() && (0.0..=1.0).contains(&p)).then_some(Probability(p))
    }

    /// The value in [0, 1].
    pub fn get(self) -> f64 {
        self.0
    }
}

/// A validated model, ready to simulate.
#[derive(Clone, Debug)]
pub struct Model {
    /// Where the model came from and the SHA-256 of its bytes, so any figure can be traced back.
    pub source: Source,
    /// What is being protected.
    pub workload: Workload,
    /// The RPO/RTO targets and the confidence they must be met with.
    pub targets: Targets,
    /// Regions and availability zones.
    pub topology: Topology,
    /// Failure modes; at most one per kind.
    pub failures: Vec<FailureMode>,
    /// Planned maintenance; `None`: none.
    pub maintenance: Option<Maintenance>,
    /// Candidate DR strategies, in file order.
    pub strategies: Vec<Strategy>,
    /// Prices and cost inputs.
    pub costs: Costs,
    /// The risk tolerance (`[targets] loss_tolerance`): the largest acceptable
    /// chance that a year's incident losses exceed each amount; empty when the
    /// model gives none. Drawn on the loss exceedance chart.
    pub loss_tolerance: Vec<TolerancePoint>,
    /// Inputs given as uncertain (`[uncertain]`), sorted by path; only an
    /// outer loop (`drsim run --outer`) draws them, a plain run ignores them.
    pub uncertain: Vec<uncertain::Uncertain>,
}

/// One point of a loss tolerance curve: a year's incident losses should exceed
/// `usd` with a chance of at most `probability`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TolerancePoint {
    /// Annual incident loss, USD (> 0).
    pub usd: f64,
    /// Largest acceptable P(annual incident loss > `usd`), strictly between 0 and 1.
    pub probability: f64,
}

/// Provenance of a model.
#[derive(Clone, Debug)]
pub struct Source {
    /// The path the model was read from.
    pub path: PathBuf,
    /// Lower-case hex SHA-256 of the file's bytes.
    pub sha256: String,
}

/// The protected workload.
#[derive(Clone, Debug)]
pub struct Workload {
    /// Display name.
    pub name: String,
    /// Average revenue per hour in USD, before load-profile multipliers.
    pub revenue_per_hour: f64,
    /// Average orders (writes) per hour.
    pub orders_per_hour: f64,
    /// USD per order; defaults to revenue / orders.
    pub average_order_value: f64,
    /// Size of the data to restore, GB.
    pub dataset_gb: f64,
    /// Rate of changed data, GB per hour (replication and transfer volume).
    pub change_rate_gb_per_hour: f64,
    /// Load multipliers by time; flat when the model gives none.
    pub load_profile: LoadProfile,
}

/// Load multipliers relative to the average: hour of day x day of week x peak.
#[derive(Clone, Debug)]
pub struct LoadProfile {
    /// 24 multipliers, hour 0 first, normalised to mean 1.
    pub hour_of_day: [f64; 24],
    /// 7 multipliers, day 0 (the first day of the simulated year) first, normalised to mean 1.
    pub day_of_week: [f64; 7],
    /// Peak periods (e.g. Black Friday week) with their multiplier.
    pub peaks: Vec<Peak>,
}

/// A period of the year with a load multiplier.
#[derive(Clone, Debug)]
pub struct Peak {
    /// Label for reports.
    pub name: String,
    /// Start, as an offset from the start of the year.
    pub start: Duration,
    /// Length of the peak.
    pub length: Duration,
    /// Multiplier applied on top of hour-of-day and day-of-week.
    pub multiplier: f64,
}

/// The targets a strategy is judged against.
#[derive(Clone, Copy, Debug)]
pub struct Targets {
    /// Largest acceptable data-loss window (unless a kind overrides it).
    pub rpo: Duration,
    /// Largest acceptable (load-weighted) downtime per incident (unless a kind overrides it).
    pub rto: Duration,
    /// Share of incidents of each kind that must meet each target.
    pub confidence: Probability,
    /// The targets in force for each kind, indexed by [`DisruptionKind`]: the
    /// model-wide targets unless `[targets.KIND]` overrides them.
    pub per_kind: [RecoveryTargets; DisruptionKind::COUNT],
}

/// The two recovery objectives of one disruption kind.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RecoveryTargets {
    /// Recovery time objective: the largest acceptable load-weighted downtime per incident.
    pub rto: Duration,
    /// Recovery point objective: the largest acceptable data-loss window per incident.
    pub rpo: Duration,
}

impl Targets {
    /// The targets in force for a kind.
    pub fn for_kind(&self, kind: DisruptionKind) -> RecoveryTargets {
        self.per_kind[kind.index()]
    }

    /// The RPO target for a kind.
    pub fn rpo_for(&self, kind: DisruptionKind) -> Duration {
        self.for_kind(kind).rpo
    }

    /// The RTO target for a kind.
    pub fn rto_for(&self, kind: DisruptionKind) -> Duration {
        self.for_kind(kind).rto
    }
}

/// Index of a region in [`Topology::regions`].
pub type RegionId = usize;

/// Regions and their AZs.
#[derive(Clone, Debug)]
pub struct Topology {
    /// Every region the model mentions.
    pub regions: Vec<Region>,
    /// The primary region.
    pub primary: RegionId,
}

impl Topology {
    /// Looks a region up by name.
    pub fn region_id(&self, name: &str) -> Option<RegionId> {
        self.regions.iter().position(|r| r.name == name)
    }
}

/// One region.
#[derive(Clone, Debug)]
pub struct Region {
    /// AWS-style name, e.g. `us-east-1`.
    pub name: String,
    /// Number of availability zones.
    pub azs: u32,
}

/// One failure mode and its arrival process.
#[derive(Clone, Debug)]
pub struct FailureMode {
    /// The disruption kind.
    pub kind: DisruptionKind,
    /// Failures per year while the component is up (per AZ for `az`, per region for `region`);
    /// with `uptime`, one over its mean in years.
    pub rate_per_year: f64,
    /// Up-time from a component's start or return to its next failure, when
    /// not exponential (e.g. Weibull for wear-out or infant mortality); `None`:
    /// exponential at `rate_per_year`. A trial starts inside a stationary
    /// renewal process (see `Dist::sample_forward_recurrence`).
    pub uptime: Option<Dist>,
    /// For `region`: chance a region failure also takes down, at once and
    /// for as long, every other region this mode strikes that is up (a
    /// common-mode event); 0 for the other kinds.
    pub common_mode_probability: Probability,
    /// For `az` and `region`: the regions this mode strikes (every region when the model names none).
    pub regions: Vec<RegionId>,
    /// DisruptionKind-specific parameters.
    pub detail: FailureDetail,
    /// How much of the load an incident takes and how it starts (all of it, at once, by default).
    pub shape: IncidentShape,
}

/// What differs between failure kinds.
#[derive(Clone, Debug)]
pub enum FailureDetail {
    /// An infrastructure outage (`az` or `region`) with its duration.
    Outage {
        /// Outage duration.
        duration: Dist,
        /// Chance a region outage also takes the region's control plane down (0 for `az`).
        control_plane_probability: Probability,
        /// Chance the outage destroys what its site holds (fire, flood) rather
        /// than only interrupting it: the primary's data there and the backups
        /// kept there. For `az`: the AZ's copy; for `region`: everything in the region.
        destroy_probability: Probability,
    },
    /// Data damage that replicates everywhere.
    Logical {
        /// Time from the damage to its discovery.
        detection_delay: Dist,
        /// Share of logical incidents that are ransomware.
        ransomware_share: Probability,
        /// Chance ransomware destroys backups that are not immutable.
        destroys_mutable_backups: Probability,
        /// Share of logical incidents that delete the whole cloud account
        /// (a compromised administrator, as in an account takeover): every
        /// backup in the workload's account that is not immutable is gone.
        account_deletion_share: Probability,
        /// Share of logical incidents in which the provider deletes the
        /// customer's whole subscription: every copy held at the provider,
        /// immutable or not, is gone; only `vault = "other_provider"` survives.
        provider_deletion_share: Probability,
    },
    /// A global failure that damages no data (`application`): every region
    /// down until the rollback or remediation is done.
    Application(Remediation),
}

/// Where the primary runs inside its region.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Deployment {
    /// Spread over the region's AZs with a synchronous standby database:
    /// survives one AZ loss with a short database failover.
    MultiAz,
    /// In one AZ: the loss of that AZ is an outage.
    SingleAz,
}

/// The four DR postures of the AWS whitepaper.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StrategyKind {
    /// Provision and restore from backups after the event.
    BackupRestore,
    /// Data replicated live, compute off; scale up after the event.
    PilotLight,
    /// A scaled-down working copy; scale up after the switch.
    WarmStandby,
    /// Production in two or more regions sharing the traffic.
    ActiveActive,
}

impl StrategyKind {
    /// Every kind, in the order of the whitepaper.
    pub const ALL: [StrategyKind; 4] =
        [StrategyKind::BackupRestore, StrategyKind::PilotLight, StrategyKind::WarmStandby, StrategyKind::ActiveActive];

    /// The name used in model files.
    pub fn name(self) -> &'static str {
        match self {
            StrategyKind::BackupRestore => "backup_restore",
            StrategyKind::PilotLight => "pilot_light",
            StrategyKind::WarmStandby => "warm_standby",
            StrategyKind::ActiveActive => "active_active",
        }
    }
}

/// The steps every incident goes through.
#[derive(Clone, Debug)]
pub struct Steps {
    /// Health checks noticing the outage (interval x failure threshold).
    pub detection: Dist,
    /// A person declaring the disaster (fixed 0 when failover is automated).
    pub decision: Dist,
    /// DNS TTL and client caches after the switch.
    pub traffic_switch: Dist,
    /// The Multi-AZ database failover blip when one AZ is lost.
    pub az_failover: Dist,
    /// Service interruption of the planned failback once the primary is back.
    pub failback: Dist,
    /// After an incident that lost all data: the time from the loss of
    /// service until the business is back (rebuilt, data re-entered,
    /// customers back), counted as downtime. `None`: the rest of the trial,
    /// i.e. a total loss is never recovered within the simulated horizon.
    pub total_loss_recovery: Option<Dist>,
}

/// Scheduled backups. Backup times are computed, never enqueued.
#[derive(Clone, Debug)]
pub struct BackupPolicy {
    /// Time between backup jobs.
    pub interval: Duration,
    /// Chance one job succeeds.
    pub job_success: Probability,
    /// Whether backups are copied to the DR region (needed to restore after a region loss).
    pub copy_to_dr_region: bool,
    /// Time for a backup to reach the DR region.
    pub copy_delay: Dist,
    /// Backups older than this are gone.
    pub retention: Duration,
    /// Backups older than this move to the cold tier; `None`: all stay warm.
    pub cold_after: Option<Duration>,
    /// Object Lock / vault lock: ransomware cannot destroy them.
    pub immutable: bool,
    /// Encrypted at rest (audit finding only; does not change the simulation).
    pub encrypted: bool,
    /// Where the backups are kept administratively.
    pub vault: Vault,
    /// Chance one job's copy to the DR region succeeds, apart from the job itself.
    pub copy_success: Probability,
    /// Silent breakages of the backup pipeline per year (a dump that starts
    /// failing after an upgrade): from a breakage on, every job fails until
    /// a restore test or a real restore finds it. 0: never breaks silently.
    pub breakage_rate_per_year: f64,
    /// Time between restore tests: each finds and repairs a broken pipeline
    /// and resets the restore reliability drift
    /// ([`RestoreRisk::drift`]); `None`: never tested.
    pub restore_test_interval: Option<Duration>,
}

/// The administrative home of a strategy's backups (and their copies): what
/// an account compromise or a provider-side deletion can reach.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Vault {
    /// In the workload's own account (the default).
    SameAccount,
    /// In a separate, locked-down backup account (AWS Backup logically
    /// air-gapped vault, a cross-account vault): an account deletion or
    /// compromise of the workload's account cannot reach it.
    IsolatedAccount,
    /// At another provider: survives even the provider deleting the subscription.
    OtherProvider,
}

impl Vault {
    /// Every value, in documentation order.
    pub const ALL: [Vault; 3] = [Vault::SameAccount, Vault::IsolatedAccount, Vault::OtherProvider];

    /// The name used in model files.
    pub fn name(self) -> &'static str {
        match self {
            Vault::SameAccount => "same_account",
            Vault::IsolatedAccount => "isolated_account",
            Vault::OtherProvider => "other_provider",
        }
    }
}

/// How a restore from backup runs.
#[derive(Clone, Debug)]
pub struct RestorePipeline {
    /// Provisioning the stack with infrastructure as code.
    pub provision: Dist,
    /// Restore throughput, GB per hour.
    pub throughput_gb_per_hour: Dist,
    /// Validation before traffic is let in.
    pub validation: Dist,
    /// Backups that may be found unusable when restored; `None`: every backup restores.
    pub risk: Option<RestoreRisk>,
    /// Tenants restored a few at a time after logical damage with a blast
    /// radius; `None`: the affected data is restored as one.
    pub queue: Option<RestoreQueue>,
    /// A point-in-time restore (full snapshot, then log replay); `None`: the
    /// dataset at the restore throughput.
    pub pitr: Option<Pitr>,
}

/// How likely a failover is to fail, growing with time since the last drill.
///
/// P(fail) = 1 - (1 - p0) * exp(-age / drift): configuration drifts that break
/// failover arrive at rate 1/drift and a drill (Game Day) clears them.
#[derive(Clone, Copy, Debug)]
pub struct Reliability {
    /// Failure probability right after a drill.
    pub failure_probability: Probability,
    /// Mean time until drift breaks the failover; `None`: no drift.
    pub drift: Option<Duration>,
}

/// How an active-active strategy replicates writes.
#[derive(Clone, Debug)]
pub enum Replication {
    /// Synchronous: no data loss on a region loss.
    Sync,
    /// Asynchronous with this lag.
    Async(Dist),
}

/// What the DR region runs, and the rules of recovery that follow from it.
#[derive(Clone, Debug)]
pub enum Posture {
    /// Nothing runs in the DR region; recovery is the restore pipeline.
    BackupRestore,
    /// Database replicas live, compute off.
    PilotLight {
        /// Replication lag: the data-loss window of a failover.
        replication_lag: Dist,
        /// Promoting the replica to a writer.
        promote: Dist,
        /// Launching and warming compute from zero.
        scale_up: Dist,
    },
    /// A working copy at a fraction of capacity.
    WarmStandby {
        /// Replication lag: the data-loss window of a failover.
        replication_lag: Dist,
        /// Promoting the replica to a writer.
        promote: Dist,
        /// Share of full load the standby serves at once, in (0, 1].
        capacity_fraction: f64,
        /// Time to ramp linearly from the fraction to full capacity.
        scale_up: Dist,
    },
    /// Traffic shared among regions.
    ActiveActive {
        /// The active regions and their traffic shares (summing to 1).
        regions: Vec<(RegionId, f64)>,
        /// Load one region can carry without scaling, as a share of the total.
        headroom: f64,
        /// Time to scale out the survivors when headroom is short.
        scale_out: Dist,
        /// Replication between the regions.
        replication: Replication,
    },
}

/// A candidate DR strategy.
#[derive(Clone, Debug)]
pub struct Strategy {
    /// Unique name from the model file.
    pub name: String,
    /// Stable identifier derived from the name: keys the strategy's random stream.
    pub id: u64,
    /// The primary deployment.
    pub deployment: Deployment,
    /// The DR region (`None` for active-active).
    pub dr_region: Option<RegionId>,
    /// How long after detection to wait for the primary before invoking DR.
    pub invoke_after: Duration,
    /// "Do not promote before": the shortest outage, from the loss of service,
    /// after which DR may be invoked (zero: no guard).
    pub promote_after: Duration,
    /// Failover needs the failed region's control plane (e.g. a failover run from there).
    pub needs_primary_control_plane: bool,
    /// The incident steps (shared, with this strategy's overrides).
    pub steps: Steps,
    /// Scheduled backups, if any.
    pub backup: Option<BackupPolicy>,
    /// The restore pipeline, if backups exist.
    pub restore: Option<RestorePipeline>,
    /// Failover reliability.
    pub reliability: Reliability,
    /// Time between failover drills; `None`: never drilled.
    pub drill_interval: Option<Duration>,
    /// Drills that go wrong; `None`: drills are harmless.
    pub drill_risk: Option<DrillRisk>,
    /// The DR side failing while it serves; `None`: it never fails.
    pub dr_failure: Option<DrFailure>,
    /// Reconciliation when the primary outlives a completed promotion; `None`: a planned failback.
    pub split_brain: Option<SplitBrain>,
    /// Planned maintenance does not take this strategy down (it drains a
    /// region or fails over for the window). Default: active-active only.
    pub avoids_maintenance: bool,
    /// Posture-specific rules.
    pub posture: Posture,
    /// How the switch, the capacity and the replica's lag shape the recovery.
    pub shape: RecoveryShape,
    /// Cost settings and overrides.
    pub cost: StrategyCost,
}

impl Strategy {
    /// Which of the four postures it is, as the model file names it: derived
    /// from [`Strategy::posture`], so the two cannot disagree.
    pub fn kind(&self) -> StrategyKind {
        match self.posture {
            Posture::BackupRestore => StrategyKind::BackupRestore,
            Posture::PilotLight { .. } => StrategyKind::PilotLight,
            Posture::WarmStandby { .. } => StrategyKind::WarmStandby,
            Posture::ActiveActive { .. } => StrategyKind::ActiveActive,
        }
    }
}

impl Model {
    /// Reads, parses and validates a model file.
    pub fn load(path: &Path) -> Result<Model, ModelError> {
        let text = crate::input::read_text(path, crate::input::MODEL_LIMIT_BYTES)
            .map_err(|source| ModelError::Read { path: path.to_path_buf(), source })?;
        Model::from_str_at(&text, path)
    }

    /// Parses and validates model text; `path` is used for messages and to resolve relative files.
    pub fn from_str_at(text: &str, path: &Path) -> Result<Model, ModelError> {
        validate::parse_and_validate(text, path)
    }

    /// The failure mode of a kind, if the model has one.
    pub fn failure(&self, kind: DisruptionKind) -> Option<&FailureMode> {
        self.failures.iter().find(|f| f.kind == kind)
    }

    /// Failures a year while every component is up: each mode's rate times
    /// the components it strikes (every AZ of its regions for `az`, each of
    /// its regions for `region`, the data once for `logical`). A trial of
    /// `y` years expects at most `y` times as many.
    pub fn failures_per_year(&self) -> f64 {
        self.failures
            .iter()
            .map(|f| {
                let components = match f.kind {
                    DisruptionKind::Az => f.regions.iter().map(|&r| f64::from(self.topology.regions[r].azs)).sum(),
                    DisruptionKind::Region => f.regions.len() as f64,
                    DisruptionKind::Logical | DisruptionKind::Application => 1.0,
                };
                f.rate_per_year * components
            })
            .sum()
    }

    /// The strategy with this name.
    pub fn strategy(&self, name: &str) -> Option<&Strategy> {
        self.strategies.iter().find(|s| s.name == name)
    }
}
