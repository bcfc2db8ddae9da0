//! The model file exactly as written: serde structures that mirror the TOML.
//!
//! Every table rejects unknown keys (`deny_unknown_fields`), so a typo is an
//! error with a position rather than a silent fall-back to a default. Nothing
//! here is validated beyond its TOML type; `validate` turns these into a
//! [`crate::model::Model`] and checks every rule once.

use serde::Deserialize;

use crate::model::dist::DistSpec;
use crate::model::duration::Duration;

/// The whole model file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawModel {
    pub workload: RawWorkload,
    pub targets: RawTargets,
    pub topology: RawTopology,
    pub response: RawSteps,
    pub costs: Option<RawCosts>,
    pub maintenance: Option<RawMaintenance>,
    #[serde(default)]
    pub failure: Vec<RawFailure>,
    #[serde(default)]
    pub strategy: Vec<RawStrategy>,
    /// Parameter path -> its distribution of plausible values (`model::uncertain`).
    pub uncertain: Option<toml::Table>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawWorkload {
    pub name: String,
    pub revenue_per_hour: f64,
    pub orders_per_hour: f64,
    pub average_order_value: Option<f64>,
    pub dataset_gb: f64,
    pub change_rate_gb_per_hour: f64,
    pub load_profile: Option<RawLoadProfile>,
}

/// Multipliers of the average load: an outage at a peak costs more.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLoadProfile {
    pub hour_of_day: Option<Vec<f64>>,
    pub day_of_week: Option<Vec<f64>>,
    #[serde(default)]
    pub peak: Vec<RawPeak>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPeak {
    pub name: Option<String>,
    /// Day of the year the peak starts, 1-based (Black Friday week: about 328).
    pub start_day: u32,
    pub days: u32,
    pub multiplier: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTargets {
    pub rpo: Duration,
    pub rto: Duration,
    pub confidence: f64,
    pub az: Option<RawKindTargets>,
    pub region: Option<RawKindTargets>,
    pub logical: Option<RawKindTargets>,
    /// Risk tolerance: points `{ usd, probability }` of the largest acceptable
    /// P(annual incident loss > usd).
    #[serde(default)]
    pub loss_tolerance: Vec<RawTolerancePoint>,
    pub application: Option<RawKindTargets>,
}

/// One point of the loss tolerance curve.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTolerancePoint {
    pub usd: f64,
    pub probability: f64,
}

/// Per-kind overrides of the targets (as AWS Resilience Hub policies allow).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawKindTargets {
    pub rpo: Option<Duration>,
    pub rto: Option<Duration>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTopology {
    pub primary: String,
    pub region: Vec<RawRegion>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRegion {
    pub name: String,
    pub azs: u32,
}

/// The shared incident steps; `[response]` gives them for every strategy and a
/// strategy may override any of them.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSteps {
    pub detection: Option<DistSpec>,
    pub decision: Option<DistSpec>,
    pub traffic_switch: Option<DistSpec>,
    pub az_failover: Option<DistSpec>,
    pub failback: Option<DistSpec>,
    pub total_loss_recovery: Option<DistSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFailure {
    pub kind: String,
    pub rate_per_year: Option<f64>,
    pub uptime: Option<DistSpec>,
    pub common_mode_probability: Option<f64>,
    pub hosts: Option<u32>,
    pub parallelism: Option<u32>,
    pub per_host: Option<DistSpec>,
    pub data_loss: Option<DistSpec>,
    pub duration: Option<DistSpec>,
    pub control_plane_probability: Option<f64>,
    pub regions: Option<Vec<String>>,
    pub detection_delay: Option<DistSpec>,
    pub ransomware_share: Option<f64>,
    pub ransomware_destroys_mutable_backups: Option<f64>,
    pub destroy_probability: Option<f64>,
    pub account_deletion_share: Option<f64>,
    pub provider_deletion_share: Option<f64>,
    // The incident's shape (`shapes.rs`).
    pub load_share: Option<DistSpec>,
    pub lead_in: Option<DistSpec>,
    pub affected_share: Option<f64>,
    pub affected_tenants: Option<i64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStrategy {
    pub name: String,
    pub kind: String,
    pub deployment: Option<String>,
    pub dr_region: Option<String>,
    pub invoke_after: Option<Duration>,
    pub promote_after: Option<Duration>,
    pub failover_needs_primary_control_plane: Option<bool>,

    // Overrides of the shared steps.
    pub detection: Option<DistSpec>,
    pub decision: Option<DistSpec>,
    pub traffic_switch: Option<DistSpec>,
    pub az_failover: Option<DistSpec>,
    pub failback: Option<DistSpec>,
    pub total_loss_recovery: Option<DistSpec>,

    pub backup: Option<RawBackup>,
    pub restore: Option<RawRestore>,
    pub reliability: Option<RawReliability>,
    pub drill_interval: Option<Duration>,
    pub drill_risk: Option<RawDrillRisk>,
    pub dr_failure: Option<RawDrFailure>,
    pub split_brain: Option<RawSplitBrain>,
    pub avoids_maintenance: Option<bool>,
    pub cost: Option<RawStrategyCost>,
    // The recovery's shape (`shapes.rs`).
    pub switch_tail: Option<RawSwitchTail>,
    pub capacity_shortage: Option<RawCapacityShortage>,
    pub scale_up_shape: Option<String>,
    pub replication_lag_growth: Option<f64>,

    // Posture parameters; which are allowed depends on `kind`.
    pub replication_lag: Option<DistSpec>,
    pub promote: Option<DistSpec>,
    pub scale_up: Option<DistSpec>,
    pub capacity_fraction: Option<f64>,
    pub regions: Option<Vec<String>>,
    pub traffic_shares: Option<Vec<f64>>,
    pub headroom: Option<f64>,
    pub scale_out: Option<DistSpec>,
    pub replication: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawBackup {
    pub interval: Duration,
    pub job_success: Option<f64>,
    pub copy_to_dr_region: Option<bool>,
    pub copy_delay: Option<DistSpec>,
    pub retention: Duration,
    pub cold_after: Option<Duration>,
    pub immutable: Option<bool>,
    pub encrypted: Option<bool>,
    pub vault: Option<String>,
    pub copy_success: Option<f64>,
    pub breakage_rate_per_year: Option<f64>,
    pub restore_test_interval: Option<Duration>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRestore {
    pub provision: DistSpec,
    pub throughput_gb_per_hour: DistSpec,
    pub validation: DistSpec,
    pub unusable_probability: Option<f64>,
    pub failed_attempt: Option<DistSpec>,
    pub unusable_drift: Option<Duration>,
    /// Replaced by `[strategy.backup] restore_test_interval`; read only to
    /// say so (an unknown-key error would not name the replacement).
    pub test_interval: Option<toml::Value>,
    // A restore queue and point-in-time restores (`shapes.rs`).
    pub concurrency: Option<i64>,
    pub per_tenant: Option<DistSpec>,
    pub full_backup_interval: Option<Duration>,
    pub full_backup_gb: Option<f64>,
    pub log_gb_per_hour: Option<f64>,
    pub replay_gb_per_hour: Option<DistSpec>,
}

/// `[strategy.switch_tail]` as written: clients that keep the old address.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSwitchTail {
    pub share: Option<f64>,
    pub duration: Option<DistSpec>,
}

/// `[strategy.capacity_shortage]` as written: no capacity in the DR region during region-wide events.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCapacityShortage {
    pub probability: Option<f64>,
    pub stall: Option<DistSpec>,
}

/// `[strategy.drill_risk]` as written: drills that go wrong.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDrillRisk {
    pub failover_failure_probability: Option<f64>,
    pub failback_failure_probability: Option<f64>,
    pub outage: Option<DistSpec>,
    pub data_at_risk: Option<DistSpec>,
}

/// `[strategy.dr_failure]` as written: the DR side failing while it serves.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDrFailure {
    pub rate_per_year: Option<f64>,
    pub under_load_probability: Option<f64>,
    pub under_load_after: Option<DistSpec>,
    pub recovery: Option<DistSpec>,
}

/// `[strategy.split_brain]` as written: a promotion the primary outlives.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSplitBrain {
    pub probability: Option<f64>,
    pub reconcile: Option<DistSpec>,
    pub unserved_share: Option<f64>,
    pub writes_at_risk: Option<DistSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawReliability {
    pub failure_probability: f64,
    pub drift: Option<Duration>,
}

/// `[costs]` as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCosts {
    pub primary_compute_usd_per_month: Option<f64>,
    pub primary_database_usd_per_month: Option<f64>,
    pub incident_fixed_usd: Option<f64>,
    pub total_data_loss_usd: Option<f64>,
    pub drill_labour_usd: Option<f64>,
    pub drill_hours: Option<f64>,
    pub transfer_usd_per_gb: Option<f64>,
    pub backup_warm_usd_per_gb_month: Option<f64>,
    pub backup_cold_usd_per_gb_month: Option<f64>,
    pub replica_storage_usd_per_gb_month: Option<f64>,
    pub dr_service_usd_per_server_hour: Option<f64>,
}

/// `[strategy.cost]` as written: any line item (USD per year) overrides the computed one.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStrategyCost {
    pub dr_service_servers: Option<f64>,
    pub failover_usd_per_hour: Option<f64>,
    pub standby_compute_usd: Option<f64>,
    pub replica_database_usd: Option<f64>,
    pub replica_storage_usd: Option<f64>,
    pub backup_storage_usd: Option<f64>,
    pub transfer_usd: Option<f64>,
    pub dr_service_usd: Option<f64>,
    pub drills_usd: Option<f64>,
    pub total_usd: Option<f64>,
}

/// `[maintenance]` as written: planned downtime windows.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMaintenance {
    pub windows_per_year: f64,
    pub duration: DistSpec,
}
