//! Prices and cost inputs: the `[costs]` table of a model and each
//! strategy's `[strategy.cost]` overrides. Defaults are AWS list prices in
//! us-east-1 and a published incident cost, each cited beside it by its
//! section of docs/sources.md.

use serde::{Deserialize, Serialize};

use super::KeyPath;
use super::check::Check;
use super::limits::{MAX_INCIDENT_USD, MAX_NUMBER, shown};
use super::raw::{RawCosts, RawStrategyCost};
use super::{Duration, Model, Posture, Strategy};

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

/// A strategy's fixed DR costs for one year, USD, as transparent line items.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LineItems {
    /// Standby compute at its capacity fraction (warm standby), or the extra
    /// regions' compute (active-active: regions x headroom - 1 sites).
    pub standby_compute_usd: f64,
    /// Replica databases running in the DR region(s).
    pub replica_database_usd: f64,
    /// Storage of the replicas.
    pub replica_storage_usd: f64,
    /// Backup storage: one full copy plus the changes kept for the retention
    /// (warm, then cold after `cold_after`), doubled when copied to the DR region.
    pub backup_storage_usd: f64,
    /// Cross-region transfer of the change rate, once per replica region and
    /// once for backup copies.
    pub transfer_usd: f64,
    /// DR service fees per replicated server-hour.
    pub dr_service_usd: f64,
    /// Drills: labour plus the DR stack launched at full size for the drill.
    pub drills_usd: f64,
    /// Sum of the items, or the strategy's own total when it gives one.
    pub total_usd: f64,
}

impl LineItems {
    /// Names and amounts of the items, in report order (total excluded).
    pub fn items(&self) -> [(&'static str, f64); 7] {
        [
            ("standby compute", self.standby_compute_usd),
            ("replica databases", self.replica_database_usd),
            ("replica storage", self.replica_storage_usd),
            ("backup storage", self.backup_storage_usd),
            ("cross-region transfer", self.transfer_usd),
            ("DR service fees", self.dr_service_usd),
            ("drills", self.drills_usd),
        ]
    }

    /// The line items of one strategy.
    pub fn of(model: &Model, strategy: &Strategy) -> LineItems {
        let c = &model.costs;
        let w = &model.workload;
        let compute_year = c.primary_compute_usd_per_month * 12.0;
        let database_year = c.primary_database_usd_per_month * 12.0;
        let hours_per_year = Duration::YEAR.hours();
        // Copies of the full stack outside the primary, and the share of it already running.
        let (extra_sites, replicas, standing_fraction) = match &strategy.posture {
            Posture::BackupRestore => (0.0, 0.0, 0.0),
            Posture::PilotLight { .. } => (0.0, 1.0, 0.0),
            Posture::WarmStandby { capacity_fraction, .. } => (*capacity_fraction, 1.0, *capacity_fraction),
            Posture::ActiveActive { regions, headroom, .. } => {
                let n = regions.len() as f64;
                ((n * headroom - 1.0).max(0.0), n - 1.0, 1.0)
            }
        };
        let backup_copies = strategy.backup.as_ref().map_or(0.0, |b| if b.copy_to_dr_region { 1.0 } else { 0.0 });
        let backup_storage = strategy.backup.as_ref().map_or(0.0, |b| {
            let warm = b.cold_after.unwrap_or(b.retention).min(b.retention);
            let cold = b.retention.saturating_sub(warm);
            let warm_gb = w.dataset_gb + w.change_rate_gb_per_hour * warm.hours();
            let cold_gb = w.change_rate_gb_per_hour * cold.hours();
            let monthly = warm_gb * c.backup_warm_usd_per_gb_month + cold_gb * c.backup_cold_usd_per_gb_month;
            monthly * 12.0 * (1.0 + backup_copies)
        });
        let drills_per_year = strategy.drill_interval.map_or(0.0, |i| Duration::YEAR / i);
        let per_drill = c.drill_labour_usd + c.drill_hours * compute_year / hours_per_year * (1.0 - standing_fraction);
        let o = &strategy.cost.overrides;
        let mut items = LineItems {
            standby_compute_usd: o.standby_compute_usd.unwrap_or(extra_sites * compute_year),
            replica_database_usd: o.replica_database_usd.unwrap_or(replicas * database_year),
            replica_storage_usd: o
                .replica_storage_usd
                .unwrap_or(replicas * w.dataset_gb * c.replica_storage_usd_per_gb_month * 12.0),
            backup_storage_usd: o.backup_storage_usd.unwrap_or(backup_storage),
            transfer_usd: o.transfer_usd.unwrap_or(
                w.change_rate_gb_per_hour * hours_per_year * c.transfer_usd_per_gb * (replicas + backup_copies),
            ),
            dr_service_usd: o
                .dr_service_usd
                .unwrap_or(strategy.cost.dr_service_servers * hours_per_year * c.dr_service_usd_per_server_hour),
            drills_usd: o.drills_usd.unwrap_or(drills_per_year * per_drill),
            total_usd: 0.0,
        };
        items.total_usd = strategy.cost.total_usd.unwrap_or_else(|| items.items().iter().map(|(_, v)| v).sum());
        items
    }
}

fn amount(v: &mut impl Check, at: KeyPath, value: Option<f64>, default: f64) -> Option<f64> {
    capped(v, at, value, default, MAX_NUMBER)
}

/// `value` (or `default`) when it is finite, not negative and at most `max`.
fn capped(v: &mut impl Check, at: KeyPath, value: Option<f64>, default: f64, max: f64) -> Option<f64> {
    match value {
        None => Some(default),
        Some(x) if (0.0..=max).contains(&x) => Some(x),
        Some(x) => {
            let x = shown(x);
            v.problem(at, format!("{x} is not allowed; allowed: zero or a positive amount, at most {max:e}"));
            None
        }
    }
}

/// Validates `[costs]`.
pub(super) fn costs(v: &mut impl Check, raw: Option<&RawCosts>) -> Option<Costs> {
    let at = KeyPath::root().key("costs");
    let empty = RawCosts::default();
    let r = raw.unwrap_or(&empty);
    // One incident's own costs are capped lower: a trial may hold up to a
    // million incidents (docs/model-reference.md, Limits).
    let incident_fixed_usd = capped(v, at.key("incident_fixed_usd"), r.incident_fixed_usd, 0.0, MAX_INCIDENT_USD);
    let total_data_loss_usd =
        capped(v, at.key("total_data_loss_usd"), r.total_data_loss_usd, 2_730_000.0, MAX_INCIDENT_USD);
    let mut get = |key: &str, value: Option<f64>, default: f64| amount(v, at.key(key), value, default);
    Some(Costs {
        primary_compute_usd_per_month: get("primary_compute_usd_per_month", r.primary_compute_usd_per_month, 0.0)?,
        primary_database_usd_per_month: get("primary_database_usd_per_month", r.primary_database_usd_per_month, 0.0)?,
        incident_fixed_usd: incident_fixed_usd?,
        total_data_loss_usd: total_data_loss_usd?,
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
