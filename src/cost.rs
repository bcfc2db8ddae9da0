//! Money: the yearly infrastructure line items of each strategy and the cost
//! of each incident (revenue lost by the load profile, orders lost in the
//! data-loss window, a fixed response cost).

use crate::incident::Incident;
pub use crate::model::LineItems;
use crate::model::{Duration, Model, SimTime};

use crate::model::HOURS_PER_YEAR;

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
            cumulative_load: w.load_profile.cumulative_hours(),
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
    ///
    /// Revenue is lost only inside the trial: the window ends at `horizon`
    /// (the trial's length), as the trial's downtime does.
    pub fn incident_cost(&self, incident: &Incident, horizon: Duration) -> f64 {
        let (revenue, rest) = self.incident_cost_parts(incident, horizon);
        revenue + rest
    }

    /// [`CostModel::incident_cost`] in two parts, USD: the revenue lost, and
    /// everything else (orders, the fixed response cost, a total loss, the
    /// DR side's running cost).
    fn incident_cost_parts(&self, incident: &Incident, horizon: Duration) -> (f64, f64) {
        let down_from = incident.start + incident.detection_delay;
        let room = SimTime::after_start(horizon).saturating_since(down_from);
        let down = (incident.downtime + incident.failback_downtime).min(room);
        let revenue = self.revenue_per_hour * self.load_hours(down_from, down);
        let lost_window = incident.data_loss.window().unwrap_or(Duration::ZERO);
        // The window before the incident, clipped at the trial start.
        let lost_from = incident.start - lost_window;
        let orders = self.orders_per_hour * self.load_hours(lost_from, lost_window) * self.average_order_value;
        let total_loss = if incident.data_loss.is_total() { self.total_data_loss_usd } else { 0.0 };
        (revenue, orders + self.incident_fixed_usd + total_loss + incident.failover_running_usd)
    }

    /// Prices the incidents of one strategy in one trial of length
    /// `horizon`, in the order they are answered: each as
    /// [`CostModel::incident_cost`], except that together they lose at most
    /// the trial's revenue, however their windows overlap (as the trial's
    /// downtime is at most its length). The trial's revenue depends on
    /// neither the strategy nor the trial: make one pricer and copy it for
    /// each strategy of each trial.
    pub fn trial_pricer(&self, horizon: Duration) -> TrialPricer<'_> {
        let revenue_left = self.revenue_per_hour * self.load_hours(SimTime::ZERO, horizon);
        TrialPricer { costs: self, horizon, revenue_left }
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

/// The incident costs of one strategy in one trial; see
/// [`CostModel::trial_pricer`]. A copy of a fresh pricer is a fresh pricer.
#[derive(Clone, Copy, Debug)]
pub struct TrialPricer<'a> {
    costs: &'a CostModel,
    horizon: Duration,
    /// Revenue of the trial not yet lost by an earlier incident, USD.
    revenue_left: f64,
}

impl TrialPricer<'_> {
    /// The cost of the next incident of the trial, USD.
    pub fn price(&mut self, incident: &Incident) -> f64 {
        let (revenue, rest) = self.costs.incident_cost_parts(incident, self.horizon);
        let revenue = revenue.min(self.revenue_left);
        self.revenue_left -= revenue;
        revenue + rest
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};

    #[test]
    fn first_year_lookup_equals_the_general_one() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/securecart-monolith.toml");
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
