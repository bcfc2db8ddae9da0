//! Platforms: several services (tiers) sharing one world, business functions
//! (user journeys) that need some of them, and plans that give each service
//! one of its candidate strategies.
//!
//! This is a layer over the engine, not a second engine: each service is an
//! ordinary [`Model`] (the shared workload, topology, failures and response,
//! with the service's own data and its candidates as strategies), every
//! (service, candidate) is played through [`crate::engine::play_strategy`]
//! against the one world sampled for a trial, and a function's outcome is
//! computed from the down intervals of the services it needs (`play`). The
//! figures of every plan and of every combination the optimizer looks at come
//! from accumulators that merge exactly (`eval`), so a plan's figures are the
//! same whether it was evaluated alone or found by [`optimize`].
//!
//! A model without `[[service]]` is a platform of one service (its
//! strategies are the candidates) and one function; that service's figures
//! are the engine's, bit for bit.

pub mod eval;
pub mod load;
pub mod optimize;
pub mod plan_cost;
pub mod play;
pub mod swap;

use std::path::PathBuf;

use crate::model::{Duration, Model};

pub use load::{from_str_at, implied, load};

/// Plans an optimizer may search at most (the product of the candidate counts).
pub const MAX_PLANS: u64 = 1 << 20;
/// Combinations of candidates one function may need accumulators for.
pub const MAX_FUNCTION_COMBINATIONS: u64 = 1 << 16;
/// Services a platform may list.
pub const MAX_SERVICES: usize = 32;
/// Functions a platform may list.
pub const MAX_FUNCTIONS: usize = 32;
/// The target a service declaring only one of `rto`/`rpo` gets for the
/// other, in years: no target at all. An incident always meets it, so it is
/// never judged (with few incidents, a share of 100% has a Wilson lower bound
/// under the confidence, which must not read as a miss of a "1000000y"
/// target) and never printed.
pub const NO_TARGET_YEARS: f64 = 1e6;

/// Whether a target duration is [`NO_TARGET_YEARS`] or longer: no target.
pub fn no_target(d: Duration) -> bool {
    d.secs() >= Duration::YEAR.secs() * NO_TARGET_YEARS
}

/// A validated platform: services with their candidates, functions, plans.
#[derive(Clone, Debug)]
pub struct Platform {
    /// The model file.
    pub path: PathBuf,
    /// The workload's name.
    pub name: String,
    /// Whether the file listed `[[service]]` tables (false: one implied service).
    pub explicit: bool,
    /// Average revenue per hour of the whole platform, USD (shaped by the load profile).
    pub revenue_per_hour: f64,
    /// Orders per hour of the whole platform.
    pub orders_per_hour: f64,
    /// Revenue of one order, USD.
    pub average_order_value: f64,
    /// Required share of incidents meeting each target (`[targets] confidence`).
    pub confidence: f64,
    /// The services, in file order.
    pub services: Vec<Service>,
    /// The business functions, in file order.
    pub functions: Vec<Function>,
    /// The plans the file lists, in file order.
    pub plans: Vec<Plan>,
}

/// One service (tier): its own data and its candidate strategies.
#[derive(Clone, Debug)]
pub struct Service {
    /// Unique name.
    pub name: String,
    /// No data to lose (web tier redeployed from an image): data loss is
    /// ignored in every figure of the service and of its functions.
    pub stateless: bool,
    /// Whether the service declared its own `rto`/`rpo`: only then is it
    /// judged on its own (otherwise only through its functions).
    pub has_targets: bool,
    /// The service as a model: shared world and response, its data, its
    /// candidates as `strategies`. With explicit services its revenue and
    /// orders are zero (revenue is lost per function), so its incidents cost
    /// the response and total-loss costs and its fixed line items.
    pub model: Model,
}

impl Service {
    /// Number of candidate strategies.
    pub fn candidates(&self) -> usize {
        self.model.strategies.len()
    }
}

/// A business function (user journey).
#[derive(Clone, Debug)]
pub struct Function {
    /// Unique name.
    pub name: String,
    /// Indices of the services it needs, in the order written.
    pub services: Vec<usize>,
    /// How many of them must be up for it to work: all (a chain) by default;
    /// 1 of 2 for replicas either of which serves.
    pub at_least: usize,
    /// Share of the platform's revenue it earns, in [0, 1].
    pub revenue_share: f64,
    /// Share of the platform's orders it writes, in [0, 1].
    pub order_share: f64,
    /// Longest acceptable downtime of one outage of the function.
    pub rto: Duration,
    /// Longest acceptable data-loss window.
    pub rpo: Duration,
    /// Smallest acceptable mean availability, if any.
    pub availability: Option<f64>,
    /// Whether plans are judged on this function's targets (false for the
    /// function implied by a model without services: it is judged as today,
    /// per disruption kind, through its one service).
    pub judged: bool,
}

/// A plan: one candidate per service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// Name from the file, or the candidates joined by `+` for a plan found by search.
    pub name: String,
    /// Candidate index per service.
    pub choice: Vec<usize>,
}

impl Platform {
    /// The number of plans in the product of every service's candidates
    /// (saturating).
    pub fn plan_count(&self) -> u64 {
        self.services.iter().fold(1u64, |n, s| n.saturating_mul(s.candidates() as u64))
    }

    /// The name of a plan found by search: each service's candidate, joined by ` + `.
    pub fn plan_label(&self, choice: &[usize]) -> String {
        let parts: Vec<String> = self
            .services
            .iter()
            .zip(choice)
            .map(|(s, &c)| format!("{}={}", s.name, s.model.strategies[c].name))
            .collect();
        parts.join(" ")
    }

    /// Failures a year the shared world expects (as [`Model::failures_per_year`]).
    pub fn failures_per_year(&self) -> f64 {
        self.services[0].model.failures_per_year()
    }

    /// The model the shared world is sampled from (every service's model
    /// has the same topology and failures).
    pub fn world_model(&self) -> &Model {
        &self.services[0].model
    }
}
