//! Figures of services, functions and plans from a [`PlatformTally`], and
//! whether each meets its targets.
//!
//! A plan's expected annual cost is the sum of its parts: each service's
//! candidate (fixed line items, plus its incidents' response and total-loss
//! costs) and each function's lost revenue and orders under the plan's
//! combination. The parts come from exact totals, so the same plan has the
//! same cost whether it was evaluated alone or among every combination.

use schemars::JsonSchema;
use serde::Serialize;

use super::Platform;
use super::plan_cost::PlanCosts;
use super::play::{Combos, FunctionTally, PlatformTally};
use crate::decision::decide;
use crate::model::Duration;
use crate::summary::{Mean, Quantiles, Share, StrategySummary, strategy_summary};

/// One service under one candidate.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ServiceFigures {
    /// The service.
    pub service: String,
    /// The candidate strategy.
    pub candidate: String,
    /// Whether it is judged on its own targets (it declares `rto`/`rpo`).
    pub judged: bool,
    /// Whether it meets them (true when not judged).
    pub meets_targets: bool,
    /// What it misses, one line per kind and target.
    pub misses: Vec<String>,
    /// Smallest margin of a P(target met) lower bound over the confidence, among its kinds.
    pub margin: Option<f64>,
    /// The engine's summary of the candidate on this service (availability, RTO/RPO per kind, cost).
    pub summary: StrategySummary,
}

/// One function under one combination of candidates.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct FunctionFigures {
    /// The function.
    pub function: String,
    /// The candidate of each service it needs, as `service=candidate`.
    pub combination: Vec<String>,
    /// Share of time it worked (mean over trials, 95% standard error).
    pub availability: Mean,
    /// Downtime per year, seconds.
    pub downtime_per_year_s: f64,
    /// Outages per year.
    pub outages_per_year: f64,
    /// Downtime per outage (achieved RTO), seconds.
    pub rto_s: Option<Quantiles>,
    /// Data loss per outage (achieved RPO), seconds; infinite where all data was lost.
    pub rpo_s: Option<Quantiles>,
    /// Share of outages meeting the function's RTO, with its 95% interval.
    pub rto_met: Share,
    /// Share of outages meeting its RPO.
    pub rpo_met: Share,
    /// Revenue and orders lost per year, USD.
    pub lost_usd_per_year: Mean,
    /// RTO target, seconds.
    pub rto_target_s: f64,
    /// RPO target, seconds.
    pub rpo_target_s: f64,
    /// Availability target, if any.
    pub availability_target: Option<f64>,
    /// Margins: RTO met lower bound minus the confidence, the same for RPO,
    /// and availability minus its target (when set).
    pub margins: Margins,
    /// Whether every target is met.
    pub meets_targets: bool,
    /// What it misses.
    pub misses: Vec<String>,
    /// Per service it needs (in the model's order of its `services`): the
    /// share of the function's downtime during which that service is down,
    /// 0-1 (its Fussell-Vesely importance; 0 when the function was never
    /// down). Outages several services share count for each of them, so the
    /// shares add up to 1 or more. Reported as the weakest link.
    #[serde(skip)]
    #[schemars(skip)]
    pub down_with: Vec<f64>,
}

/// How far above (positive) or below its targets a function is.
#[derive(Clone, Copy, Debug, Serialize, JsonSchema)]
pub struct Margins {
    /// Lower bound of P(RTO met) minus the confidence.
    pub rto: f64,
    /// Lower bound of P(RPO met) minus the confidence.
    pub rpo: f64,
    /// Mean availability minus its target.
    pub availability: Option<f64>,
}

/// Every figure of a finished platform run, for every candidate and
/// every evaluated combination; plans are judged from it.
#[derive(Clone, Debug)]
pub struct Evaluation {
    /// Per service, per candidate.
    pub services: Vec<Vec<ServiceFigures>>,
    /// Per function, per evaluated combination.
    pub functions: Vec<Vec<FunctionFigures>>,
    /// The combinations evaluated.
    pub combos: Combos,
    /// Trials.
    pub trials: u64,
    /// Years per trial.
    pub years: f64,
    /// The plans followed whole in the run, in the order of `plan_costs`.
    pub followed: Vec<Vec<usize>>,
    /// Their per-trial costs.
    pub plan_costs: PlanCosts,
}

/// How uncertain a plan's expected annual cost is and how it spreads from
/// year to year: from the plan's total cost in each trial, so only for
/// plans a run followed whole (every plan a run reports).
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct CostSpread {
    /// Standard error of the expected annual cost (`annual_cost_usd`), USD:
    /// the simulation's own uncertainty, shrinking as 1/sqrt(trials).
    pub std_error: f64,
    /// P50, P95 and P99 of the annual cost over the simulated years, USD,
    /// each with its 95% interval.
    pub quantiles: Option<Quantiles>,
    /// Expected shortfall: the mean annual cost of the worst 5% of years, USD.
    pub cvar95: Option<f64>,
}

/// One plan's annual cost minus another's on the same simulated years
/// (common random numbers), USD per year.
#[derive(Clone, Copy, Debug, Serialize, JsonSchema)]
pub struct CostDifference {
    /// The mean difference, USD/yr.
    pub value: f64,
    /// Its standard error, USD/yr: smaller than the two plans' own standard
    /// errors combined, as the noise they share cancels.
    pub std_error: f64,
}

impl CostDifference {
    /// Whether the difference is beyond its 95% interval (|value| > 1.96 SE):
    /// whether the run tells the two plans' costs apart.
    pub fn resolved(&self) -> bool {
        self.value.abs() > crate::stats::z_for(0.95) * self.std_error
    }
}

/// One plan judged.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct PlanFigures {
    /// Its name.
    pub name: String,
    /// The candidate of each service, as `service=candidate`.
    pub choice: Vec<String>,
    /// Expected annual cost, USD: services' costs plus functions' lost revenue and orders.
    pub annual_cost_usd: f64,
    /// Its standard error and its spread over the years (absent for a plan
    /// the run did not follow whole, which no report shows).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annual_cost_spread_usd: Option<CostSpread>,
    /// Its annual cost minus the chosen plan's (the recommended, or the
    /// closest when none meets every target), paired on the same simulated
    /// years, USD/yr: absent for the chosen plan itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_vs_chosen_usd: Option<CostDifference>,
    /// Whether every service (with targets) and every function meets its targets.
    pub meets_targets: bool,
    /// What it misses, one line each.
    pub misses: Vec<String>,
    /// Per service.
    pub services: Vec<ServiceFigures>,
    /// Per function.
    pub functions: Vec<FunctionFigures>,
}

fn pct(x: f64) -> String {
    crate::format::fmt_percent(x)
}

impl Evaluation {
    /// Summarises a tally whose player followed the plans `followed`
    /// (see [`super::play::Player::following`]).
    pub fn new(
        platform: &Platform,
        combos: Combos,
        tally: &PlatformTally,
        years: f64,
        followed: Vec<Vec<usize>>,
    ) -> Evaluation {
        let confidence = platform.confidence;
        let services = platform
            .services
            .iter()
            .zip(&tally.services)
            .map(|(service, t)| {
                let summaries: Vec<StrategySummary> =
                    (0..service.candidates()).map(|c| strategy_summary(&service.model, c, t)).collect();
                let decision = decide(&service.model, &summaries, t);
                summaries
                    .into_iter()
                    .zip(decision.verdicts)
                    .map(|(summary, verdict)| {
                        // A measure with no target (see `super::no_target`) has no margin.
                        let margin = summary
                            .kinds
                            .iter()
                            .filter(|k| k.incidents > 0)
                            .flat_map(|k| {
                                let t = service.model.targets.for_kind(k.kind);
                                [(k.rto_met.low, t.rto), (k.rpo_met.low, t.rpo)]
                            })
                            .filter(|(_, target)| !super::no_target(*target))
                            .map(|(low, _)| low - confidence)
                            .reduce(f64::min);
                        let misses: Vec<String> = if service.has_targets {
                            verdict
                                .shortfalls
                                .iter()
                                .filter(|s| !super::no_target(Duration::from_secs(s.target_s)))
                                .map(|s| {
                                    format!(
                                        "{} {} {} met in {} of incidents (lower bound {}), {} required",
                                        service.name,
                                        s.kind.name(),
                                        format!("{:?}", s.target).to_uppercase(),
                                        pct(s.share.estimate),
                                        pct(s.share.low),
                                        pct(s.required)
                                    )
                                })
                                .collect()
                        } else {
                            Vec::new()
                        };
                        ServiceFigures {
                            service: service.name.clone(),
                            candidate: summary.name.clone(),
                            judged: service.has_targets,
                            meets_targets: misses.is_empty(),
                            misses,
                            margin,
                            summary,
                        }
                    })
                    .collect()
            })
            .collect();
        let functions = platform
            .functions
            .iter()
            .zip(&combos.0)
            .zip(&tally.functions)
            .map(|((function, list), tallies)| {
                list.iter()
                    .zip(tallies)
                    .map(|(combo, t)| {
                        // Per service: the mean time per trial it is down while the function is.
                        let down_with: Vec<f64> = if t.down_with_s.is_empty() {
                            function
                                .services
                                .iter()
                                .zip(combo)
                                .map(|(&s, &c)| tally.service_down_s[s][c].mean())
                                .collect()
                        } else {
                            t.down_with_s.iter().map(|d| d.mean()).collect()
                        };
                        let combination = function
                            .services
                            .iter()
                            .zip(combo)
                            .map(|(&s, &c)| {
                                let service = &platform.services[s];
                                format!("{}={}", service.name, service.model.strategies[c].name)
                            })
                            .collect();
                        function_figures(platform, function, combination, t, &down_with, years)
                    })
                    .collect()
            })
            .collect();
        Evaluation {
            services,
            functions,
            combos,
            trials: tally.trials(),
            years,
            followed,
            plan_costs: tally.plans.clone(),
        }
    }

    /// How a followed plan's annual cost spreads; `None` for a plan not followed.
    pub fn spread(&self, plan: &[usize]) -> Option<CostSpread> {
        let i = self.followed.iter().position(|p| p == plan)?;
        let h = &self.plan_costs.trial_cost_usd[i];
        let per_year = self.years;
        Some(CostSpread {
            std_error: h.moments().std_error() / per_year,
            quantiles: Quantiles::of(h).map(|q| q.per(per_year)),
            cvar95: h.cvar(0.95).map(|c| c / per_year),
        })
    }

    /// Plan `a`'s annual cost minus plan `b`'s, paired trial by trial; `None`
    /// unless both were followed.
    pub fn difference(&self, a: &[usize], b: &[usize]) -> Option<CostDifference> {
        let i = self.followed.iter().position(|p| p == a)?;
        let j = self.followed.iter().position(|p| p == b)?;
        let (m, sign) = self.plan_costs.difference(i, j)?;
        Some(CostDifference { value: sign * m.mean() / self.years, std_error: m.std_error() / self.years })
    }

    /// Expected annual cost of a plan, USD (see the module's documentation).
    pub fn plan_cost(&self, platform: &Platform, plan: &[usize]) -> Option<f64> {
        let mut cost = 0.0;
        for (s, &c) in plan.iter().enumerate() {
            cost += self.services[s][c].summary.cost.total_annual_usd.value;
        }
        for f in 0..platform.functions.len() {
            cost += self.functions[f][self.combos.index(platform, f, plan)?].lost_usd_per_year.value;
        }
        Some(cost)
    }

    /// Whether a plan meets every target, and its misses. `None` when a
    /// combination of the plan was not evaluated.
    pub fn plan_misses(&self, platform: &Platform, plan: &[usize]) -> Option<Vec<String>> {
        let mut misses = Vec::new();
        for (s, &c) in plan.iter().enumerate() {
            misses.extend(self.services[s][c].misses.iter().cloned());
        }
        for f in 0..platform.functions.len() {
            misses.extend(self.functions[f][self.combos.index(platform, f, plan)?].misses.iter().cloned());
        }
        Some(misses)
    }

    /// Every figure of a plan. `None` when a combination was not evaluated.
    pub fn plan(&self, platform: &Platform, name: &str, plan: &[usize]) -> Option<PlanFigures> {
        let misses = self.plan_misses(platform, plan)?;
        Some(PlanFigures {
            name: name.to_string(),
            choice: plan
                .iter()
                .enumerate()
                .map(|(s, &c)| {
                    format!("{}={}", platform.services[s].name, platform.services[s].model.strategies[c].name)
                })
                .collect(),
            annual_cost_usd: self.plan_cost(platform, plan)?,
            annual_cost_spread_usd: self.spread(plan),
            cost_vs_chosen_usd: None,
            meets_targets: misses.is_empty(),
            misses,
            services: plan.iter().enumerate().map(|(s, &c)| self.services[s][c].clone()).collect(),
            functions: (0..platform.functions.len())
                .map(|f| self.functions[f][self.combos.index(platform, f, plan).expect("checked above")].clone())
                .collect(),
        })
    }
}

fn function_figures(
    platform: &Platform,
    function: &super::Function,
    combination: Vec<String>,
    t: &FunctionTally,
    down_with: &[f64],
    years: f64,
) -> FunctionFigures {
    let horizon = Duration::YEAR.secs() * years;
    let trials = t.trials.max(1) as f64;
    let down = &t.trial_downtime_s;
    let availability = Mean { value: 1.0 - down.mean() / horizon, std_error: down.std_error() / horizon };
    let rto_met = Share::new(t.rto_met, t.outages);
    let rpo_met = Share::new(t.rpo_met, t.outages);
    let confidence = platform.confidence;
    let margins = Margins {
        rto: rto_met.low - confidence,
        rpo: rpo_met.low - confidence,
        availability: function.availability.map(|a| availability.value - a),
    };
    let mut misses = Vec::new();
    let name = &function.name;
    let margins = if function.judged { margins } else { Margins { rto: 0.0, rpo: 0.0, availability: None } };
    if margins.rto < 0.0 {
        misses.push(format!(
            "{name} RTO {} met in {} of outages (lower bound {}), {} required",
            crate::format::fmt_duration_s(function.rto.secs()),
            pct(rto_met.estimate),
            pct(rto_met.low),
            pct(confidence)
        ));
    }
    if margins.rpo < 0.0 {
        misses.push(format!(
            "{name} RPO {} met in {} of outages (lower bound {}), {} required",
            crate::format::fmt_duration_s(function.rpo.secs()),
            pct(rpo_met.estimate),
            pct(rpo_met.low),
            pct(confidence)
        ));
    }
    if let (Some(target), Some(m)) = (function.availability, margins.availability) {
        if m < 0.0 {
            misses.push(format!("{name} availability {} below the {} required", pct(availability.value), pct(target)));
        }
    }
    FunctionFigures {
        function: function.name.clone(),
        combination,
        availability,
        downtime_per_year_s: down.mean() / years,
        outages_per_year: t.outages as f64 / trials / years,
        rto_s: Quantiles::of(&t.downtime_s),
        rpo_s: Quantiles::of(&t.data_loss_s),
        rto_met,
        rpo_met,
        lost_usd_per_year: Mean {
            value: t.trial_cost_usd.mean() / years,
            std_error: t.trial_cost_usd.std_error() / years,
        },
        rto_target_s: function.rto.secs(),
        rpo_target_s: function.rpo.secs(),
        availability_target: function.availability,
        margins,
        meets_targets: misses.is_empty(),
        misses,
        down_with: down_with.iter().map(|d| if down.mean() > 0.0 { (d / down.mean()).min(1.0) } else { 0.0 }).collect(),
    }
}
