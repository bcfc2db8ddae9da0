//! What it would take to meet a function's target that every plan misses,
//! beyond a looser target: which services' recovery holds the function back
//! (from the weakest-link shares) and how far changing one service of the
//! closest plan moves the target (from the plans one service away, read off
//! the search's evaluation). Part of the answer [`super::platform_view`]
//! writes.

use crate::format::{fmt_percent, fmt_usd};
use crate::platform::Platform;
use crate::platform::eval::{FunctionFigures, PlanFigures};
use crate::platform::swap::OneChange;

/// A service down during more than this share of a function's downtime
/// (its Fussell-Vesely share, [`FunctionFigures::down_with`]) holds the
/// function back. Two services above it are down together for part of the
/// function's downtime (their shares add up to more than all of it), so no
/// one of them alone is the weakest link: the answer names them all.
pub const DOWN_TOGETHER: f64 = 0.5;

/// The services whose faster recovery it would take, in words, from the
/// weakest-link shares `weak` (largest first) of function `function`:
/// `faster recovery of orders, checkout's weakest link (down in 99.50% of its downtime)`
/// when at most one service is above [`DOWN_TOGETHER`], or `faster
/// recovery of web, orders and payments together (each down in 85.0% to
/// 99.50% of checkout's downtime)` when several are: services each down
/// during more than half of the function's downtime go down together, so
/// only a faster recovery of all of them shortens it. `None` when the
/// function has no service.
pub fn faster_recovery(function: &str, weak: &[(String, f64)]) -> Option<String> {
    let (first, share) = weak.first()?;
    let together: Vec<&(String, f64)> = weak.iter().filter(|(_, s)| *s > DOWN_TOGETHER).collect();
    if together.len() < 2 {
        return Some(format!(
            "faster recovery of {first}, {function}'s weakest link (down in {} of its downtime)",
            fmt_percent(*share)
        ));
    }
    let names: Vec<&str> = together.iter().map(|(s, _)| s.as_str()).collect();
    let (low, high) = (fmt_percent(together.last().map_or(0.0, |(_, s)| *s)), fmt_percent(*share));
    let each = if low == high { high } else { format!("{low} to {high}") };
    Some(format!("faster recovery of {} together (each down in {each} of {function}'s downtime)", and_list(&names)))
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A function's target every plan misses: the function (`owner`), the
/// measure (`RTO`, `RPO` or `availability`) and whether a plan meets it.
pub struct Target<'a> {
    /// The function.
    pub owner: &'a str,
    /// `RTO`, `RPO` or `availability`.
    pub measure: &'a str,
    /// Whether a plan meets it.
    pub meets: &'a dyn Fn(&PlanFigures) -> bool,
}

/// What a plan achieves on a function's target `m` (the share of outages
/// meeting its RTO or RPO, or its availability), and whether that meets it.
/// `None` when the plan has no such function.
pub fn achieved(plan: &PlanFigures, m: &Target) -> Option<(f64, bool)> {
    let f: &FunctionFigures = plan.functions.iter().find(|f| f.function == m.owner)?;
    let value = match m.measure {
        "RTO" => f.rto_met.estimate,
        "RPO" => f.rpo_met.estimate,
        _ => f.availability.value,
    };
    Some((value, (m.meets)(plan)))
}

/// `+$1,234` or `-$1,234`.
pub fn signed_usd(x: f64) -> String {
    if x >= 0.0 { format!("+{}", fmt_usd(x)) } else { fmt_usd(x) }
}

/// For each service of the function `m` belongs to, the best of its other
/// candidates on `m`'s figure, the rest of the plan fixed (an empirical
/// Birnbaum-style importance): `(change, achieved, meets)`, the largest
/// figure first (ties: the cheaper plan). Services the function does not
/// need cannot move it and are left out.
pub fn best_changes<'a>(platform: &Platform, changes: &'a [OneChange], m: &Target) -> Vec<(&'a OneChange, f64, bool)> {
    let Some(function) = platform.functions.iter().find(|f| f.name == m.owner) else { return Vec::new() };
    let mut out: Vec<(&OneChange, f64, bool)> = Vec::new();
    for &s in &function.services {
        let best = changes
            .iter()
            .filter(|c| c.service == s)
            .filter_map(|c| achieved(&c.plan, m).map(|(v, ok)| (c, v, ok)))
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.plan.annual_cost_usd.total_cmp(&a.0.plan.annual_cost_usd)));
        out.extend(best);
    }
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.plan.annual_cost_usd.total_cmp(&b.0.plan.annual_cost_usd)));
    out
}

/// How far changing one service of the closest plan `closest` (labelled
/// `label`) moves the function target `m`, in a sentence: which single
/// changes would meet it (the cheapest first), or that none does and how far
/// the best of them ([`best_changes`]) takes it. Empty when the plans one service
/// away were not evaluated (only the listed plans were run) or `m` is not a
/// function's target.
pub fn one_change_sentence(
    platform: &Platform,
    closest: &PlanFigures,
    label: &str,
    changes: &[OneChange],
    m: &Target,
) -> String {
    let Some((now, _)) = achieved(closest, m) else { return String::new() };
    let best = best_changes(platform, changes, m);
    if best.is_empty() {
        return String::new();
    }
    // The sentence follows one naming the target, so the measure alone says what the figures are.
    let what = match m.measure {
        "availability" => "availability".to_string(),
        measure => format!("{measure} met"),
    };
    let name = |c: &OneChange| {
        let s = &platform.services[c.service];
        format!("{} {}", s.name, s.model.strategies[c.candidate].name)
    };
    let mut meeting: Vec<&(&OneChange, f64, bool)> = best.iter().filter(|b| b.2).collect();
    if !meeting.is_empty() {
        meeting.sort_by(|a, b| a.0.plan.annual_cost_usd.total_cmp(&b.0.plan.annual_cost_usd));
        let ways: Vec<String> = meeting
            .iter()
            .map(|(c, v, _)| {
                format!(
                    "{} ({what} {}, {}/yr)",
                    name(c),
                    fmt_percent(*v),
                    signed_usd(c.plan.annual_cost_usd - closest.annual_cost_usd)
                )
            })
            .collect();
        return format!("Changing one service of the {label} plan would meet it: {}.", ways.join(" or "));
    }
    match best.first().filter(|b| b.1 > now) {
        None => format!("No one-service change to the {label} plan raises {what} above its {}.", fmt_percent(now)),
        Some((c, v, _)) => {
            format!(
                "No one-service change to the {label} plan meets it (best: {}, {what} {}).",
                name(c),
                fmt_percent(*v)
            )
        }
    }
}
