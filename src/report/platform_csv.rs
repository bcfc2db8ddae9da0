//! The CSV files of a platform run: `plans.csv` (a row per plan reported),
//! `plan_functions.csv` (a row per plan and business function) and
//! `plan_services.csv` (a row per plan and service). Plans are in the
//! ranking's order; the conventions are those of every drsim CSV
//! ([`super::csv`]); the columns are documented in docs/exports.md.

use serde::Serialize;

use super::ReportError;
use super::csv::{RunColumns, to_csv};
use super::platform_view::{PlatformView, composition, pooled, weakest};

/// One row of `plans.csv`.
#[derive(Clone, Debug, Serialize)]
pub struct PlanRow {
    /// Position in the ranking, 1 for the first.
    pub rank: usize,
    /// The plan's name in the model, or `optimum`, `closest`, `found-N`.
    pub plan: String,
    /// `recommended`, `closest`, `listed` or `found`.
    pub role: String,
    /// Each service's candidate: `web pilot-light, orders warm-standby`.
    pub candidates: String,
    /// Expected annual cost (services' costs plus functions' lost revenue and orders), USD.
    pub expected_annual_cost_usd: f64,
    /// Its standard error, USD.
    pub annual_cost_std_error_usd: Option<f64>,
    /// Annual cost exceeded in 5% of simulated years, USD.
    pub p95_annual_cost_usd: Option<f64>,
    /// Annual cost exceeded in 1% of simulated years, USD.
    pub p99_annual_cost_usd: Option<f64>,
    /// Mean annual cost of the worst 5% of simulated years, USD.
    pub cvar95_annual_cost_usd: Option<f64>,
    /// Expected annual cost minus the chosen plan's, paired on the same years, USD (empty for the chosen plan).
    pub cost_vs_chosen_usd: Option<f64>,
    /// Its standard error, USD.
    pub cost_vs_chosen_std_error_usd: Option<f64>,
    /// Whether every function and every service with targets meets them.
    pub meets_targets: bool,
    /// Targets missed.
    pub misses_count: usize,
    /// The largest shortfall in words, empty when none.
    pub blocking: String,
}

/// One row of `plan_functions.csv`.
#[derive(Clone, Debug, Serialize)]
pub struct FunctionRow {
    /// The plan's label.
    pub plan: String,
    /// The business function.
    pub function: String,
    /// Mean availability, a fraction.
    pub availability_share: f64,
    /// Downtime per year, seconds.
    pub downtime_per_year_s: f64,
    /// Outages per year.
    pub outages_per_year: f64,
    /// RTO target, seconds.
    pub rto_target_s: f64,
    /// Share of outages meeting it.
    pub rto_met_share: f64,
    /// Its 95% lower bound.
    pub rto_met_low95_share: f64,
    /// Downtime per outage, 95th percentile, seconds (empty: no outages).
    pub rto_p95_s: Option<f64>,
    /// RPO target, seconds.
    pub rpo_target_s: f64,
    /// Share of outages meeting it.
    pub rpo_met_share: f64,
    /// Its 95% lower bound.
    pub rpo_met_low95_share: f64,
    /// Data loss per outage, 95th percentile, seconds (`inf`: all data).
    pub rpo_p95_s: Option<f64>,
    /// Availability target (empty: none).
    pub availability_target_share: Option<f64>,
    /// Revenue and orders lost per year, USD.
    pub lost_usd_per_year: f64,
    /// Whether every target of the function is met.
    pub meets_targets: bool,
    /// The service holding the function back most: down during the largest share of the function's downtime.
    pub weakest_service: String,
    /// That share, a fraction.
    pub weakest_share: f64,
}

/// One row of `plan_services.csv`.
#[derive(Clone, Debug, Serialize)]
pub struct ServiceRow {
    /// The plan's label.
    pub plan: String,
    /// The service.
    pub service: String,
    /// Its candidate in the plan.
    pub candidate: String,
    /// Mean availability, a fraction.
    pub availability_share: f64,
    /// Downtime per year, seconds.
    pub downtime_per_year_s: f64,
    /// Incidents per year.
    pub incidents_per_year: f64,
    /// Share of its incidents (all kinds) meeting their RTO.
    pub rto_met_share: f64,
    /// Share meeting their RPO.
    pub rpo_met_share: f64,
    /// Data-loss window per year, seconds (`inf` when data was lost entirely).
    pub data_loss_per_year_s: f64,
    /// Expected annual cost of the service (fixed and incident costs), USD.
    pub expected_annual_cost_usd: f64,
    /// Whether it has targets of its own.
    pub judged: bool,
    /// Whether it meets them (true when not judged).
    pub meets_targets: bool,
}

/// `plans.csv`, also what `drsim run --format csv` prints for a platform.
///
/// # Errors
/// [`ReportError::Serialize`] when serialisation fails.
pub fn plans(v: &PlatformView, run: &RunColumns) -> Result<String, ReportError> {
    let rows: Vec<PlanRow> = v
        .ranked
        .iter()
        .map(|p| {
            let spread = p.plan.annual_cost_spread_usd.as_ref();
            let quantiles = spread.and_then(|s| s.quantiles.as_ref());
            PlanRow {
                rank: p.rank,
                plan: p.label.clone(),
                role: p.role.name().to_string(),
                candidates: composition(p.plan),
                expected_annual_cost_usd: p.plan.annual_cost_usd,
                annual_cost_std_error_usd: spread.map(|s| s.std_error),
                p95_annual_cost_usd: quantiles.map(|q| q.p95.value),
                p99_annual_cost_usd: quantiles.map(|q| q.p99.value),
                cvar95_annual_cost_usd: spread.and_then(|s| s.cvar95),
                cost_vs_chosen_usd: p.plan.cost_vs_chosen_usd.map(|d| d.value),
                cost_vs_chosen_std_error_usd: p.plan.cost_vs_chosen_usd.map(|d| d.std_error),
                meets_targets: p.plan.meets_targets,
                misses_count: p.misses.len(),
                blocking: p.misses.first().map_or(String::new(), |m| m.short()),
            }
        })
        .collect();
    to_csv(&rows, run)
}

/// `plan_functions.csv`.
///
/// # Errors
/// As [`plans`].
pub fn functions(v: &PlatformView, run: &RunColumns) -> Result<String, ReportError> {
    let mut rows = Vec::new();
    for p in &v.ranked {
        for f in &p.plan.functions {
            let weak = weakest(v.platform, p.plan, f);
            let (weakest_service, weakest_share) = weak.first().cloned().unwrap_or_default();
            rows.push(FunctionRow {
                plan: p.label.clone(),
                function: f.function.clone(),
                availability_share: f.availability.value,
                downtime_per_year_s: f.downtime_per_year_s,
                outages_per_year: f.outages_per_year,
                rto_target_s: f.rto_target_s,
                rto_met_share: f.rto_met.estimate,
                rto_met_low95_share: f.rto_met.low,
                rto_p95_s: f.rto_s.as_ref().map(|q| q.p95.value),
                rpo_target_s: f.rpo_target_s,
                rpo_met_share: f.rpo_met.estimate,
                rpo_met_low95_share: f.rpo_met.low,
                rpo_p95_s: f.rpo_s.as_ref().map(|q| q.p95.value),
                availability_target_share: f.availability_target,
                lost_usd_per_year: f.lost_usd_per_year.value,
                meets_targets: f.meets_targets,
                weakest_service,
                weakest_share,
            });
        }
    }
    to_csv(&rows, run)
}

/// `plan_services.csv`.
///
/// # Errors
/// As [`plans`].
pub fn services(v: &PlatformView, run: &RunColumns) -> Result<String, ReportError> {
    let mut rows = Vec::new();
    for p in &v.ranked {
        for s in &p.plan.services {
            rows.push(ServiceRow {
                plan: p.label.clone(),
                service: s.service.clone(),
                candidate: s.candidate.clone(),
                availability_share: s.summary.availability.value,
                downtime_per_year_s: s.summary.annual_downtime_s.value,
                incidents_per_year: s.summary.incidents_per_year.value,
                rto_met_share: pooled(s, true).estimate,
                rpo_met_share: pooled(s, false).estimate,
                data_loss_per_year_s: s.summary.annual_data_loss_s.value,
                expected_annual_cost_usd: s.summary.cost.total_annual_usd.value,
                judged: s.judged,
                meets_targets: s.meets_targets,
            });
        }
    }
    to_csv(&rows, run)
}
