//! The `platform` section of a platform run's results.json: every plan
//! reported, ranked, by function and by service, with what each misses and
//! the weakest link of each function. Types only, so that [`super::json`]
//! (which writes every results.json) and [`super::platform_json`] (which
//! fills it for a platform) share them without importing each other.

use schemars::JsonSchema;
use serde::Serialize;

use super::platform_view::{PlatformView, Role, weakest};
use crate::platform::eval::PlanFigures;

/// The `platform` section of results.json.
#[derive(Serialize, JsonSchema)]
pub struct PlatformSection<'a> {
    /// Plans searched (the product of the candidate counts; 0 when only the listed plans were run).
    pub plans_searched: u64,
    /// The services, in model order.
    pub services: Vec<String>,
    /// The business functions, in model order.
    pub functions: Vec<String>,
    /// The label of the cheapest plan meeting every target, if any.
    pub recommended: Option<String>,
    /// When none meets every target: the label of the closest plan.
    pub closest: Option<String>,
    /// Plan labels, best first.
    pub ranking: Vec<String>,
    /// The answer in words, as the terminal prints it.
    pub answer: String,
    /// Every plan reported, best first.
    pub plans: Vec<JsonPlan<'a>>,
}

/// One plan as results.json reports it.
#[derive(Serialize, JsonSchema)]
pub struct JsonPlan<'a> {
    /// 1 for the first.
    pub rank: usize,
    /// Its name in the model, or `optimum`, `closest`, `found-N` for plans the search found.
    pub label: String,
    /// `recommended`, `closest`, `listed` or `found`.
    pub role: &'static str,
    /// Whether the model lists it.
    pub listed: bool,
    /// Why it ranks where it does, in words.
    pub reason: String,
    /// The targets it misses, largest gap first.
    pub misses: Vec<JsonMiss>,
    /// Per function: each service's share of the function's downtime during which it is down (the weakest link first).
    pub weakest_link: Vec<WeakestLink>,
    /// Its figures: cost, per service, per function.
    pub figures: &'a PlanFigures,
}

/// One target a plan misses.
#[derive(Serialize, JsonSchema)]
pub struct JsonMiss {
    /// The target: `checkout RTO 30m`, `orders region RPO 1h`, `checkout availability`.
    pub target: String,
    /// `RTO`, `RPO` or `availability`.
    pub measure: String,
    /// Share meeting it (availability: the mean availability).
    pub achieved: f64,
    /// How far below the requirement.
    pub gap: f64,
}

/// The weakest link of one function under one plan.
#[derive(Serialize, JsonSchema)]
pub struct WeakestLink {
    /// The function.
    pub function: String,
    /// Its services, the largest share first.
    pub services: Vec<ServiceShare>,
}

/// One service's share of a function's downtime.
#[derive(Serialize, JsonSchema)]
pub struct ServiceShare {
    /// The service.
    pub service: String,
    /// The share of the function's downtime during which the service is down (its Fussell-Vesely importance), 0-1;
    /// outages several services share count for each, so a function's shares add up to 1 or more.
    pub share: f64,
}

/// The `platform` section of a view.
pub fn section<'a>(v: &PlatformView<'a>) -> PlatformSection<'a> {
    let plans = v
        .ranked
        .iter()
        .map(|p| JsonPlan {
            rank: p.rank,
            label: p.label.clone(),
            role: p.role.name(),
            listed: p.listed,
            reason: p.reason(),
            misses: p
                .misses
                .iter()
                .map(|m| JsonMiss {
                    target: m.target.clone(),
                    measure: m.measure.to_string(),
                    achieved: m.achieved,
                    gap: m.gap,
                })
                .collect(),
            weakest_link: p
                .plan
                .functions
                .iter()
                .map(|f| WeakestLink {
                    function: f.function.clone(),
                    services: weakest(v.platform, p.plan, f)
                        .into_iter()
                        .map(|(service, share)| ServiceShare { service, share })
                        .collect(),
                })
                .collect(),
            figures: p.plan,
        })
        .collect();
    let label = |r: Role| v.ranked.iter().find(|p| p.role == r).map(|p| p.label.clone());
    PlatformSection {
        plans_searched: v.results.plans_searched,
        services: v.platform.services.iter().map(|s| s.name.clone()).collect(),
        functions: v.platform.functions.iter().map(|f| f.name.clone()).collect(),
        recommended: label(Role::Recommended),
        closest: label(Role::Closest),
        ranking: v.ranked.iter().map(|p| p.label.clone()).collect(),
        answer: v.answer(),
        plans,
    }
}
