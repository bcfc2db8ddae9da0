//! Money: the yearly infrastructure line items of each strategy and the cost
//! of each incident (revenue lost by the load profile, orders lost in the
//! data-loss window, a fixed response cost).

use crate::incident::Incident;
use crate::model::{Duration, LoadProfile, Model};

/// Hours in the profile's cycle (one year).
const HOURS_PER_YEAR: usize = 8760;

/// Everything needed to price incidents and years, precomputed once per run.
#[derive(Clone, Debug)]
pub struct CostModel {
    revenue_per_hour: f64,
    orders_per_hour: f64,
    average_order_value: f64,
    /// Cumulative load multiplier at the start of each hour of the year
    /// (`HOURS_PER_YEAR + 1` entries): integrals of the profile in O(1).
    cumulative_load: Vec<f64>,
    fixed_annual_usd: Vec<f64>,
    incident_fixed_usd: f64,
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
            fixed_annual_usd: vec![0.0; model.strategies.len()],
            incident_fixed_usd: 0.0,
        }
    }

    /// Integral of the load multiplier over `[from, from + length]`, in hours
    /// (equal to `length` in hours for a flat profile).
    pub fn load_hours(&self, from: Duration, length: Duration) -> f64 {
        let a = from.hours();
        let b = a + length.hours();
        self.cumulative_at(b) - self.cumulative_at(a)
    }

    fn cumulative_at(&self, hours: f64) -> f64 {
        let year = HOURS_PER_YEAR as f64;
        let cycles = (hours / year).floor();
        let within = hours - cycles * year;
        let index = (within.floor() as usize).min(HOURS_PER_YEAR - 1);
        let per_cycle = self.cumulative_load[HOURS_PER_YEAR];
        let step = self.cumulative_load[index + 1] - self.cumulative_load[index];
        cycles * per_cycle + self.cumulative_load[index] + step * (within - index as f64)
    }

    /// Cost of one incident in USD: revenue lost while down (load-weighted
    /// downtime, priced at the load of the hours it falls in), orders lost in
    /// the data-loss window times the order value, and the fixed response cost.
    pub fn incident_cost(&self, incident: &Incident) -> f64 {
        let down_from = incident.start + incident.detection_delay;
        let revenue =
            self.revenue_per_hour * self.load_hours(down_from, incident.downtime + incident.failback_downtime);
        let lost_window = if incident.data_lost_entirely { Duration::ZERO } else { incident.data_loss };
        let lost_from = Duration::from_secs((incident.start.secs() - lost_window.secs()).max(0.0));
        let orders = self.orders_per_hour * self.load_hours(lost_from, lost_window) * self.average_order_value;
        revenue + orders + self.incident_fixed_usd
    }

    /// The fixed infrastructure cost of strategy number `strategy`, USD per year.
    pub fn fixed_annual_usd(&self, strategy: usize) -> f64 {
        self.fixed_annual_usd[strategy]
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
