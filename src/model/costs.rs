//! Prices and cost inputs: the `[costs]` table of a model and each
//! strategy's `[strategy.cost]` overrides. Defaults are AWS list prices in
//! us-east-1 and a published incident cost, each cited beside it by its
//! section of docs/sources.md.

use super::KeyPath;
use super::check::Check;
use super::raw::{RawCosts, RawStrategyCost};

/// Prices and cost inputs of a model, validated.
#[derive(Clone, Debug, PartialEq)]
pub struct Costs {
    /// Production compute in the primary region, USD per month (standby fractions scale it).
    pub primary_compute_usd_per_month: f64,
    /// Production database in the primary region, USD per month (replicas cost the same).
    pub primary_database_usd_per_month: f64,
    /// Fixed cost of responding to one incident (labour, penalties), USD.
    pub incident_fixed_usd: f64,
    /// Cost of an incident that loses all data, on top of its other costs, USD.
    /// Default: Sophos 2024 mean ransomware recovery cost, $2.73M (docs/sources.md#sophos-ransomware).
    pub total_data_loss_usd: f64,
    /// Labour of one drill (Game Day), USD.
    pub drill_labour_usd: f64,
    /// Hours the DR stack runs at full size during a drill.
    pub drill_hours: f64,
    /// Inter-region transfer, USD per GB. Default $0.02 (docs/sources.md#list-prices).
    pub transfer_usd_per_gb: f64,
    /// Warm backup storage, USD per GB-month. Default $0.05, AWS Backup warm (docs/sources.md#list-prices).
    pub backup_warm_usd_per_gb_month: f64,
    /// Cold backup storage, USD per GB-month. Default $0.01, AWS Backup cold (docs/sources.md#list-prices).
    pub backup_cold_usd_per_gb_month: f64,
    /// Replica database storage, USD per GB-month. Default $0.10, Aurora (Standard) storage
    /// list price (docs/sources.md#list-prices).
    pub replica_storage_usd_per_gb_month: f64,
    /// DR service fee per replicating server-hour. Default $0.028, AWS DRS (docs/sources.md#aws-drs).
    pub dr_service_usd_per_server_hour: f64,
}

/// A strategy's cost settings, validated.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StrategyCost {
    /// Servers replicated by a DR service (AWS DRS style), billed per server-hour.
    pub dr_service_servers: f64,
    /// What the DR side costs per hour while it serves after a failover
    /// (resources scaled up beyond what runs all year), USD per hour; 0: not billed.
    pub failover_usd_per_hour: f64,
    /// Line items given as plain numbers (USD per year), replacing the computed ones.
    pub overrides: LineItemOverrides,
    /// One total for all fixed DR costs (USD per year), replacing every line item.
    pub total_usd: Option<f64>,
}

/// Overrides of the computed line items, USD per year.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LineItemOverrides {
    /// Standby or extra-region compute.
    pub standby_compute_usd: Option<f64>,
    /// Replica databases.
    pub replica_database_usd: Option<f64>,
    /// Replica storage.
    pub replica_storage_usd: Option<f64>,
    /// Backup storage (warm and cold, with the DR-region copy).
    pub backup_storage_usd: Option<f64>,
    /// Cross-region transfer of the change rate.
    pub transfer_usd: Option<f64>,
    /// DR service fees.
    pub dr_service_usd: Option<f64>,
    /// Drills: labour and resources launched.
    pub drills_usd: Option<f64>,
}

fn amount(v: &mut impl Check, at: KeyPath, value: Option<f64>, default: f64) -> Option<f64> {
    match value {
        None => Some(default),
        Some(x) if x.is_finite() && x >= 0.0 => Some(x),
        Some(x) => {
            v.problem(at, format!("{x} is not allowed; allowed: zero or a positive amount"));
            None
        }
    }
}

/// Validates `[costs]`.
pub(super) fn costs(v: &mut impl Check, raw: Option<&RawCosts>) -> Option<Costs> {
    let at = KeyPath::root().key("costs");
    let empty = RawCosts::default();
    let r = raw.unwrap_or(&empty);
    let mut get = |key: &str, value: Option<f64>, default: f64| amount(v, at.key(key), value, default);
    Some(Costs {
        primary_compute_usd_per_month: get("primary_compute_usd_per_month", r.primary_compute_usd_per_month, 0.0)?,
        primary_database_usd_per_month: get("primary_database_usd_per_month", r.primary_database_usd_per_month, 0.0)?,
        incident_fixed_usd: get("incident_fixed_usd", r.incident_fixed_usd, 0.0)?,
        total_data_loss_usd: get("total_data_loss_usd", r.total_data_loss_usd, 2_730_000.0)?,
        drill_labour_usd: get("drill_labour_usd", r.drill_labour_usd, 0.0)?,
        drill_hours: get("drill_hours", r.drill_hours, 4.0)?,
        transfer_usd_per_gb: get("transfer_usd_per_gb", r.transfer_usd_per_gb, 0.02)?,
        backup_warm_usd_per_gb_month: get("backup_warm_usd_per_gb_month", r.backup_warm_usd_per_gb_month, 0.05)?,
        backup_cold_usd_per_gb_month: get("backup_cold_usd_per_gb_month", r.backup_cold_usd_per_gb_month, 0.01)?,
        replica_storage_usd_per_gb_month: get(
            "replica_storage_usd_per_gb_month",
            r.replica_storage_usd_per_gb_month,
            0.10,
        )?,
        dr_service_usd_per_server_hour: get("dr_service_usd_per_server_hour", r.dr_service_usd_per_server_hour, 0.028)?,
    })
}

/// Validates a strategy's `cost` table.
pub(super) fn strategy_cost(v: &mut impl Check, at: &KeyPath, raw: Option<&RawStrategyCost>) -> Option<StrategyCost> {
    let Some(r) = raw else { return Some(StrategyCost::default()) };
    let at = at.key("cost");
    let mut opt = |key: &str, value: Option<f64>| match value {
        None => Some(None),
        Some(_) => amount(v, at.key(key), value, 0.0).map(Some),
    };
    let overrides = LineItemOverrides {
        standby_compute_usd: opt("standby_compute_usd", r.standby_compute_usd)?,
        replica_database_usd: opt("replica_database_usd", r.replica_database_usd)?,
        replica_storage_usd: opt("replica_storage_usd", r.replica_storage_usd)?,
        backup_storage_usd: opt("backup_storage_usd", r.backup_storage_usd)?,
        transfer_usd: opt("transfer_usd", r.transfer_usd)?,
        dr_service_usd: opt("dr_service_usd", r.dr_service_usd)?,
        drills_usd: opt("drills_usd", r.drills_usd)?,
    };
    let total_usd = opt("total_usd", r.total_usd)?;
    let servers = opt("dr_service_servers", r.dr_service_servers)?.unwrap_or(0.0);
    let failover = opt("failover_usd_per_hour", r.failover_usd_per_hour)?.unwrap_or(0.0);
    Some(StrategyCost { dr_service_servers: servers, failover_usd_per_hour: failover, overrides, total_usd })
}
