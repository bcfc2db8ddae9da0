//! The documented ranges that keep every figure finite: the largest number,
//! duration and yearly amount a model may give, and the checks of the
//! yearly amounts derived from several keys (docs/model-reference.md,
//! "Limits"). Per-key checks use the constants where each key is validated;
//! [`check`] runs once the model is whole.

use super::{Duration, HOURS_PER_YEAR, KeyPath, LineItems, Model};

/// The largest plain number a model may give (money, GB, orders, servers,
/// multipliers, throughput): 1e12. Larger figures are not DR questions, and
/// bounded inputs keep every product of them finite.
pub const MAX_NUMBER: f64 = 1e12;

/// The largest cost of one incident a model may give (`incident_fixed_usd`,
/// `total_data_loss_usd`): 1e9 USD.
pub const MAX_INCIDENT_USD: f64 = 1e9;

/// The longest duration a model may give, in years, and the largest P99 of a
/// duration distribution: a million years is "never" next to the longest
/// trial (1,000 years) and keeps sums of durations finite.
pub const MAX_DURATION_YEARS: f64 = 1e6;

/// The largest yearly amount of each of a strategy's fixed DR cost, the
/// revenue of a year and the order value of a year: 1e11 USD. A trial of at
/// most 1,000 years then costs at most 3e14 before incident costs, below the
/// 1e15 USD up to which the cost statistics are tracked.
pub const MAX_ANNUAL_USD: f64 = 1e11;

/// The most strategies a model may compare: the paired cost statistics grow
/// with the square of the count (1,000 strategies: about 500,000 pairs).
pub const MAX_STRATEGIES: usize = 1000;

/// The longest duration a model may give.
pub fn max_duration() -> Duration {
    Duration::YEAR * MAX_DURATION_YEARS
}

/// The problem with a duration longer than [`max_duration`], if it is.
pub fn duration_problem(d: Duration) -> Option<String> {
    (d > max_duration())
        .then(|| format!("{} years is too long; allowed: at most {MAX_DURATION_YEARS:e} years", shown(d.years())))
}

/// The problem with a plain number above `max`, if it is.
pub fn number_problem(x: f64, max: f64) -> Option<String> {
    (x > max).then(|| format!("{} is too large; allowed: at most {max:e}", shown(x)))
}

/// Whether a yearly amount is finite and at most [`MAX_ANNUAL_USD`].
fn within_annual(usd: f64) -> bool {
    usd.is_finite() && usd <= MAX_ANNUAL_USD
}

/// A number as messages show it: a large finite one in scientific notation
/// (`1e308`, not 309 digits), any other as written.
pub(super) fn shown(x: f64) -> String {
    if x.is_finite() && x.abs() >= 1e6 { format!("{x:e}") } else { x.to_string() }
}

/// The yearly amounts derived from several keys, each at most
/// [`MAX_ANNUAL_USD`]: the revenue and the order value of a year (the
/// average times the load profile's hours of a year) and each strategy's
/// fixed DR cost. Returns the problems with the key each is blamed on.
pub(super) fn check(model: &Model) -> Vec<(KeyPath, String)> {
    let mut problems = Vec::new();
    let w = &model.workload;
    let workload = KeyPath::root().key("workload");
    let load_hours = w.load_profile.cumulative_hours()[HOURS_PER_YEAR];
    let over = |what: &str, usd: f64| {
        format!(
            "{what} comes to ${usd:e} a year; allowed: at most ${MAX_ANNUAL_USD:e} a year (docs/model-reference.md, Limits)"
        )
    };
    let revenue = w.revenue_per_hour * load_hours;
    if !within_annual(revenue) {
        problems.push((workload.key("revenue_per_hour"), over("the revenue (with the load profile)", revenue)));
    }
    let orders = w.orders_per_hour * w.average_order_value * load_hours;
    if !within_annual(orders) {
        problems
            .push((workload.key("orders_per_hour"), over("the order value (orders x average_order_value)", orders)));
    }
    for (i, s) in model.strategies.iter().enumerate() {
        let total = LineItems::of(model, s).total_usd;
        if !within_annual(total) {
            let what = format!("strategy \"{}\": the fixed DR cost", s.name);
            problems.push((KeyPath::root().key("strategy").index(i).key("name"), over(&what, total)));
        }
    }
    problems
}
