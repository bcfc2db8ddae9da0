//! The decision in words: one sentence per verdict and the recommendation,
//! as the terminal table, report.md, strategies.csv and results.json print
//! them. The decision itself (`crate::decision`) is data only.

use crate::decision::{Decision, SharedShortfall, Shortfall, Target, Verdict};
use crate::format::{fmt_duration_s, fmt_percent, fmt_usd};
use crate::simulation::Results;

/// The recommendation in words: the cheapest strategy meeting the targets
/// and its expected cost, or the closest one and its largest gap.
pub fn summary(results: &Results) -> String {
    let decision = &results.decision;
    let t = &results.targets;
    if let Some(r) = decision.recommended_verdict() {
        return format!(
            "Recommended: {} — the cheapest strategy that meets RPO {} and RTO {}{} for {} of incidents of every kind, at {} a year expected.",
            r.strategy,
            fmt_duration_s(t.rpo_s),
            fmt_duration_s(t.rto_s),
            overrides(decision),
            fmt_percent(t.confidence),
            fmt_usd(r.expected_annual_cost_usd)
        );
    }
    let apart = if decision.shared.is_empty() {
        String::new()
    } else {
        let parts: Vec<String> = decision.shared.iter().map(describe_shared).collect();
        let them = if decision.shared.len() == 1 { "that" } else { "those" };
        format!(" Every strategy misses {}. Setting {them} aside,", parts.join("; and "))
    };
    match decision.closest_verdict() {
        Some(c) if !decision.shared.is_empty() && c.distinguishing.is_empty() => format!(
            "No strategy meets the targets.{apart} {} meets every other target, at {} a year expected.",
            c.strategy,
            fmt_usd(c.expected_annual_cost_usd)
        ),
        Some(c) if !decision.shared.is_empty() => {
            let what = largest(&c.distinguishing)
                .map_or(String::new(), |s| format!(" Its largest other gap: {}.", describe(s)));
            format!(
                "No strategy meets the targets.{apart} the closest is {} ({} other shortfall(s)).{what}",
                c.strategy,
                c.distinguishing.len()
            )
        }
        Some(c) => {
            let what = c.largest_gap().map_or(String::new(), |s| format!(" Its largest gap: {}.", describe(s)));
            format!(
                "No strategy meets the targets. Closest: {} ({} shortfall(s)).{} To pass, the targets would have to be loosened to what it achieves, or that step made faster.",
                c.strategy,
                c.shortfalls.len(),
                what
            )
        }
        None => "No strategies to judge.".to_string(),
    }
}

/// The largest of some shortfalls: the one furthest from passing.
fn largest(shortfalls: &[Shortfall]) -> Option<&Shortfall> {
    shortfalls.iter().max_by(|a, b| (a.required - a.share.low).total_cmp(&(b.required - b.share.low)))
}

/// A target every strategy misses, and what would have to change: e.g.
/// `logical RTO 30m: no strategy can recover that fast (the fastest possible
/// recovery takes 2h 6m); it needs a restore throughput of at least 8,000
/// GB/h (at most 1,080 GB/h today), or a logical RTO target of at least 6h 9m
/// (what warm-standby achieves for 99.00% of incidents)`.
pub fn describe_shared(s: &SharedShortfall) -> String {
    let name = target_name(s.target);
    let mut out = format!("{} {name} {}", s.kind, fmt_duration_s(s.target_s));
    let mut needs = Vec::new();
    if let Some(fastest) = s.fastest_possible_s {
        out.push_str(&format!(
            ": no strategy can recover that fast (the fastest possible recovery takes {})",
            fmt_duration_s(fastest)
        ));
        if let Some(n) = s.throughput_needed_gb_per_hour {
            let today = s
                .throughput_max_gb_per_hour
                .map_or(String::new(), |m| format!(" (at most {} GB/h today)", fmt_count(m)));
            needs.push(format!("a restore throughput of at least {} GB/h{today}", fmt_count(n)));
        }
    }
    match (s.least_target_s, &s.least_target_strategy) {
        (Some(t), Some(who)) if t.is_finite() => needs.push(format!(
            "{} {} {name} target of at least {} (what {who} achieves for {} of incidents)",
            // "an az", "an application": both kinds start with a vowel sound.
            if matches!(s.kind.to_string().chars().next(), Some('a' | 'e' | 'i' | 'o' | 'u')) { "an" } else { "a" },
            s.kind,
            fmt_duration_s(t),
            fmt_percent(s.required)
        )),
        _ => {}
    }
    if needs.is_empty() {
        return out;
    }
    let sep = if s.fastest_possible_s.is_some() { "; it needs " } else { ": meeting it needs " };
    format!("{out}{sep}{}", needs.join(", or "))
}

/// A count with thousands separators, rounded up: `8,000`.
fn fmt_count(x: f64) -> String {
    fmt_usd(x.ceil()).trim_start_matches('$').to_string()
}

fn target_name(t: Target) -> &'static str {
    match t {
        Target::Rto => "RTO",
        Target::Rpo => "RPO",
    }
}

/// The targets in words, as report.md and report.html state them above the decision.
pub fn targets(results: &Results) -> String {
    format!(
        "Targets: RPO {}, RTO {}, each met by at least {} of incidents of every kind \
         (judged on the lower end of the 95% interval).",
        fmt_duration_s(results.targets.rpo_s),
        fmt_duration_s(results.targets.rto_s),
        fmt_percent(results.targets.confidence)
    )
}

/// Where a strategy stands in the decision, as the report tables label it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// The recommendation.
    Recommended,
    /// Meets every target but is not the recommendation.
    Meets,
    /// Misses a target.
    Misses,
    /// Not judged (no verdict).
    Unjudged,
}

impl Standing {
    /// The strategy named `strategy` in `results`.
    pub fn of(results: &Results, strategy: &str) -> Standing {
        match results.decision.verdicts.iter().find(|v| v.strategy == strategy) {
            Some(_) if results.decision.recommended.as_deref() == Some(strategy) => Standing::Recommended,
            Some(v) if v.meets_targets => Standing::Meets,
            Some(_) => Standing::Misses,
            None => Standing::Unjudged,
        }
    }

    /// The table cell: `recommended`, `meets targets`, `misses targets` or `-`.
    pub fn label(self) -> &'static str {
        match self {
            Standing::Recommended => "recommended",
            Standing::Meets => "meets targets",
            Standing::Misses => "misses targets",
            Standing::Unjudged => "-",
        }
    }
}

/// One sentence a reviewer can read about `verdict`.
pub fn reason(verdict: &Verdict, decision: &Decision) -> String {
    if verdict.recommended {
        return format!(
            "meets every target; cheapest that does, {} a year expected",
            fmt_usd(verdict.expected_annual_cost_usd)
        );
    }
    if verdict.shortfalls.is_empty() {
        let more = verdict.cost_vs_reference.map_or(String::new(), |d| {
            format!(
                " {} more a year than {} (95% CI {} to {})",
                fmt_usd(d.mean_usd),
                decision.recommended.as_deref().unwrap_or(""),
                fmt_usd(d.low_usd),
                fmt_usd(d.high_usd)
            )
        });
        return format!("meets every target but costs{more}");
    }
    let parts: Vec<String> = verdict.shortfalls.iter().map(describe).collect();
    format!("misses: {}", parts.join("; "))
}

/// The per-kind target overrides in words, e.g. ` (logical: RPO 1h, RTO 8h)`; empty when there are none.
fn overrides(decision: &Decision) -> String {
    let parts: Vec<String> = decision
        .target_overrides
        .iter()
        .map(|k| format!("{}: RPO {}, RTO {}", k.kind, fmt_duration_s(k.rpo_s), fmt_duration_s(k.rto_s)))
        .collect();
    if parts.is_empty() { String::new() } else { format!(" ({})", parts.join("; ")) }
}

/// A shortfall in words: the share met, its lower bound, what is required,
/// and the achieved value at the required confidence against the target.
pub fn describe(s: &Shortfall) -> String {
    let name = target_name(s.target);
    let achieved = s.achieved_at_confidence_s.map_or("-".to_string(), fmt_duration_s);
    format!(
        "{} {} met in {} of incidents (95% CI lower bound {}), {} required; its P{} is {} against a target of {}",
        s.kind,
        name,
        fmt_percent(s.share.estimate),
        fmt_percent(s.share.low),
        fmt_percent(s.required),
        (s.required * 1000.0).round() / 10.0,
        achieved,
        fmt_duration_s(s.target_s)
    )
}
