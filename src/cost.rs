//! Money: the yearly infrastructure line items of each strategy and the cost
//! of each incident (revenue lost by the load profile, orders lost in the
//! data-loss window, a fixed response cost).

use serde::{Deserialize, Serialize};

use crate::incident::Incident;
use crate::model::{Costs, Duration, LoadProfile, Model, Posture, SimTime, Strategy};

/// Hours in the profile's cycle (one year).
const HOURS_PER_YEAR: usize = 8760;

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
        let c: &Costs = &model.costs;
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

/// 2^53: from here on every `f64` is an integer and `u64` truncation no longer
/// round-trips every value.
const FIRST_INEXACT: f64 = 9_007_199_254_740_992.0;

/// Everything needed to price incidents and years, precomputed once per run.
#[derive(Clone, Debug)]
pub struct CostModel {
    revenue_per_hour: f64,
    orders_per_hour: f64,
    average_order_value: f64,
    /// Cumulative load multiplier at the start of each hour of the year
    /// (`HOURS_PER_YEAR + 1` entries): integrals of the profile in O(1).
    cumulative_load: Vec<f64>,
    line_items: Vec<LineItems>,
    incident_fixed_usd: f64,
    total_data_loss_usd: f64,
}

impl CostModel {
    /// Prepares the prices of a model.
    pub fn new(model: &Model) -> CostModel {
        let w = &model.workload;
        CostModel {
            revenue_per_hour: w.revenue_per_hour,
            orders_per_hour: w.orders_per_hour,
            average_order_value: w.average_order_value,
            cumulative_load: cumulative(&w.load_profile),
            line_items: model.strategies.iter().map(|s| LineItems::of(model, s)).collect(),
            incident_fixed_usd: model.costs.incident_fixed_usd,
            total_data_loss_usd: model.costs.total_data_loss_usd,
        }
    }

    /// Integral of the load multiplier over `[from, from + length]`, in hours
    /// (equal to `length` in hours for a flat profile).
    pub fn load_hours(&self, from: SimTime, length: Duration) -> f64 {
        if length == Duration::ZERO {
            // What the integral below gives (c - c), without two lookups:
            // most incidents lose no data.
            return 0.0;
        }
        let a = from.since_start().hours();
        let b = a + length.hours();
        self.cumulative_at(b) - self.cumulative_at(a)
    }

    fn cumulative_at(&self, hours: f64) -> f64 {
        let year = HOURS_PER_YEAR as f64;
        if (0.0..year).contains(&hours) {
            // Within the first year (most lookups): what the general case
            // below computes, as `hours / year < 1` truncates to 0 cycles.
            return self.interpolate(0.0, hours, (hours as i64) as usize);
        }
        self.cumulative_any(hours)
    }

    /// [`Self::cumulative_at`] for any time.
    fn cumulative_any(&self, hours: f64) -> f64 {
        let year = HOURS_PER_YEAR as f64;
        // Times are non-negative, where truncation is the floor: no libm call.
        let (cycles, within, index) = if (0.0..FIRST_INEXACT).contains(&hours) {
            // Through i64, not u64: baseline x86-64 converts signed integers in one instruction.
            let cycles = ((hours / year) as i64) as f64;
            let within = hours - cycles * year;
            (cycles, within, ((within as i64) as usize).min(HOURS_PER_YEAR - 1))
        } else {
            let cycles = (hours / year).floor();
            let within = hours - cycles * year;
            (cycles, within, (within.floor() as usize).min(HOURS_PER_YEAR - 1))
        };
        self.interpolate(cycles * self.cumulative_load[HOURS_PER_YEAR], within, index)
    }

    /// `before` (the load of the whole years already past) plus the cumulative load at `within`
    /// hours into a year, `index` being its whole hour: linear within the hour.
    fn interpolate(&self, before: f64, within: f64, index: usize) -> f64 {
        let step = self.cumulative_load[index + 1] - self.cumulative_load[index];
        before + self.cumulative_load[index] + step * (within - index as f64)
    }

    /// Cost of one incident in USD: revenue lost while down (load-weighted
    /// downtime plus the failback interruption, laid end to end from the loss
    /// of service and integrated over the load profile), orders lost in the
    /// data-loss window before the incident (integrated the same way) times the
    /// order value, the fixed response cost, and the cost of a total data loss
    /// where one happened, plus what the DR side cost while it served scaled
    /// up (`Incident::failover_running_usd`, 0 unless the strategy prices it).
    pub fn incident_cost(&self, incident: &Incident) -> f64 {
        let down_from = incident.start + incident.detection_delay;
        let revenue =
            self.revenue_per_hour * self.load_hours(down_from, incident.downtime + incident.failback_downtime);
        let lost_window = incident.data_loss.window().unwrap_or(Duration::ZERO);
        // The window before the incident, clipped at the trial start.
        let lost_from = incident.start - lost_window;
        let orders = self.orders_per_hour * self.load_hours(lost_from, lost_window) * self.average_order_value;
        let total_loss = if incident.data_loss.is_total() { self.total_data_loss_usd } else { 0.0 };
        revenue + orders + self.incident_fixed_usd + total_loss + incident.failover_running_usd
    }

    /// The fixed infrastructure cost of strategy number `strategy`, USD per year.
    pub fn fixed_annual_usd(&self, strategy: usize) -> f64 {
        self.line_items[strategy].total_usd
    }

    /// The line items of strategy number `strategy`.
    pub fn line_items(&self, strategy: usize) -> &LineItems {
        &self.line_items[strategy]
    }
}

fn cumulative(profile: &LoadProfile) -> Vec<f64> {
    let mut out = Vec::with_capacity(HOURS_PER_YEAR + 1);
    let mut sum = 0.0;
    out.push(0.0);
    for hour in 0..HOURS_PER_YEAR {
        sum += profile.multiplier_at(Duration::from_hours(hour as f64 + 0.5));
        out.push(sum);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};

    #[test]
    fn first_year_lookup_equals_the_general_one() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/securecart.toml");
        let costs = CostModel::new(&Model::load(&path).expect("SecureCart"));
        let year = HOURS_PER_YEAR as f64;
        let mut r = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(5);
        let mut hours: Vec<f64> = (0..200_000).map(|_| r.random::<f64>() * year).collect();
        hours.extend((0..HOURS_PER_YEAR).map(|h| h as f64));
        hours.extend([0.0, year - 1e-9, f64::from_bits(year.to_bits() - 1)]);
        for h in hours {
            assert_eq!(costs.cumulative_at(h).to_bits(), costs.cumulative_any(h).to_bits(), "{h}");
        }
        // Beyond the first year the general lookup serves.
        assert_eq!(costs.cumulative_at(year + 1.5), costs.cumulative_any(year + 1.5));
    }
}
