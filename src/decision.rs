//! The decision (DESIGN.md section 6): which strategies meet the targets, the
//! cheapest of those, and why each other one is not chosen.
//!
//! A strategy meets the targets when, for every disruption kind it faced, the
//! lower end of the 95% Wilson interval of P(RTO met) and of P(RPO met) is at
//! least the model's confidence. Judging on the lower bound means a strategy
//! is only recommended when the simulation has shown, not merely suggested,
//! that it meets them. Cost comparisons use the paired per-trial difference
//! (common random numbers), whose interval is much narrower than the
//! difference of two independent means.

use serde::{Deserialize, Serialize};

use crate::model::{Kind, Model};
use crate::summary::{CONFIDENCE, KindSummary, Share, StrategySummary};
use crate::tally::{Tally, pair_index};

/// Which target a shortfall is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// Recovery time.
    Rto,
    /// Recovery point (data loss).
    Rpo,
}

/// One way a strategy misses the targets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Shortfall {
    /// The disruption kind.
    pub kind: Kind,
    /// The target missed.
    pub target: Target,
    /// The share of incidents meeting it, with its interval.
    pub share: Share,
    /// The share required (the model's confidence).
    pub required: f64,
    /// The achieved RTO or RPO at the required confidence (its quantile at
    /// `required`), seconds: what the target would have to be for this kind to pass.
    pub achieved_at_confidence_s: Option<f64>,
    /// The target, seconds.
    pub target_s: f64,
}

/// A paired difference of expected annual cost with its 95% interval, USD.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CostDifference {
    /// Mean of (this strategy's cost - the reference's cost) per year.
    pub mean_usd: f64,
    /// Lower end of the 95% interval.
    pub low_usd: f64,
    /// Upper end.
    pub high_usd: f64,
}

/// The judgement on one strategy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// The strategy.
    pub strategy: String,
    /// Whether it meets every target for every kind it faced.
    pub meets_targets: bool,
    /// Every (kind, target) it misses.
    pub shortfalls: Vec<Shortfall>,
    /// Expected total cost per year, USD.
    pub expected_annual_cost_usd: f64,
    /// Its annual cost minus the recommended (or closest) strategy's, paired.
    pub cost_vs_reference: Option<CostDifference>,
    /// One sentence a reviewer can read.
    pub reason: String,
}

/// The recommendation across strategies.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// The cheapest strategy that meets the targets, if any.
    pub recommended: Option<String>,
    /// When none meets them: the one that comes closest (smallest largest shortfall).
    pub closest: Option<String>,
    /// One verdict per strategy, in model order.
    pub verdicts: Vec<Verdict>,
    /// The recommendation in words.
    pub summary: String,
}

fn shortfalls(
    k: &KindSummary,
    required: f64,
    rto_s: f64,
    rpo_s: f64,
    tally_kind: &crate::tally::KindTally,
) -> Vec<Shortfall> {
    let mut out = Vec::new();
    if k.incidents == 0 {
        return out;
    }
    let checks = [
        (Target::Rto, &k.rto_met, &tally_kind.downtime_s, rto_s),
        (Target::Rpo, &k.rpo_met, &tally_kind.data_loss_s, rpo_s),
    ];
    for (target, share, histogram, target_s) in checks {
        if share.low < required {
            out.push(Shortfall {
                kind: k.kind,
                target,
                share: *share,
                required,
                achieved_at_confidence_s: histogram.quantile(required),
                target_s,
            });
        }
    }
    out
}

/// How far a shortfall is from passing: required share minus the Wilson lower bound.
fn gap(s: &Shortfall) -> f64 {
    s.required - s.share.low
}

fn paired(tally: &Tally, i: usize, j: usize, per_year: f64) -> CostDifference {
    let n = tally.strategies.len();
    let (sign, m) = if i < j {
        (1.0, &tally.paired_cost_usd[pair_index(i, j, n)])
    } else {
        (-1.0, &tally.paired_cost_usd[pair_index(j, i, n)])
    };
    let mean = sign * m.mean() / per_year;
    let half = crate::stats::z_for(CONFIDENCE) * m.std_error() / per_year;
    CostDifference { mean_usd: mean, low_usd: mean - half, high_usd: mean + half }
}

/// Judges every strategy and picks the recommendation.
pub fn decide(model: &Model, summaries: &[StrategySummary], tally: &Tally) -> Decision {
    let required = model.targets.confidence.get();
    let per_year = tally.horizon_s / crate::model::Duration::YEAR.secs();
    let all: Vec<Vec<Shortfall>> = summaries
        .iter()
        .enumerate()
        .map(|(i, s)| {
            s.kinds
                .iter()
                .flat_map(|k| {
                    let (rpo, rto) = model.targets.per_kind[k.kind.index()];
                    shortfalls(k, required, rto.secs(), rpo.secs(), &tally.strategies[i].kinds[k.kind.index()])
                })
                .collect()
        })
        .collect();
    let cost = |i: usize| summaries[i].cost.total_annual_usd.value;
    let meeting: Vec<usize> = (0..summaries.len()).filter(|&i| all[i].is_empty()).collect();
    let recommended = meeting.iter().copied().min_by(|&a, &b| cost(a).total_cmp(&cost(b)));
    let closest = if recommended.is_none() {
        // Fewest shortfalls, then the smallest total gap, then the cheapest.
        (0..summaries.len()).min_by(|&a, &b| {
            let total = |i: usize| all[i].iter().map(gap).sum::<f64>();
            all[a].len().cmp(&all[b].len()).then(total(a).total_cmp(&total(b))).then(cost(a).total_cmp(&cost(b)))
        })
    } else {
        None
    };
    let reference = recommended.or(closest);
    let verdicts = summaries
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let diff = reference.filter(|&r| r != i).map(|r| paired(tally, i, r, per_year));
            let reason = reason(s, &all[i], Some(i) == recommended, recommended.map(|r| &summaries[r].name), diff);
            Verdict {
                strategy: s.name.clone(),
                meets_targets: all[i].is_empty(),
                shortfalls: all[i].clone(),
                expected_annual_cost_usd: cost(i),
                cost_vs_reference: diff,
                reason,
            }
        })
        .collect();
    let summary = match (recommended, closest) {
        (Some(r), _) => format!(
            "Recommended: {} — the cheapest strategy that meets RPO {} and RTO {}{} for {} of incidents of every kind, at {} a year expected.",
            summaries[r].name,
            model.targets.rpo,
            model.targets.rto,
            overrides(model),
            crate::report::fmt_percent(required),
            fmt_usd(cost(r))
        ),
        (None, Some(c)) => {
            let worst = all[c].iter().max_by(|a, b| gap(a).total_cmp(&gap(b)));
            let what = worst.map_or(String::new(), |s| format!(" Its largest gap: {}.", describe(s)));
            format!(
                "No strategy meets the targets. Closest: {} ({} shortfall(s)).{} To pass, the targets would have to be loosened to what it achieves, or that step made faster.",
                summaries[c].name,
                all[c].len(),
                what
            )
        }
        (None, None) => "No strategies to judge.".to_string(),
    };
    Decision {
        recommended: recommended.map(|r| summaries[r].name.clone()),
        closest: closest.map(|c| summaries[c].name.clone()),
        verdicts,
        summary,
    }
}

/// The per-kind target overrides in words, e.g. ` (logical: RPO 1h, RTO 8h)`; empty when there are none.
fn overrides(model: &Model) -> String {
    let t = &model.targets;
    let parts: Vec<String> = model
        .failures
        .iter()
        .filter(|f| t.rpo_for(f.kind) != t.rpo || t.rto_for(f.kind) != t.rto)
        .map(|f| format!("{}: RPO {}, RTO {}", f.kind, t.rpo_for(f.kind), t.rto_for(f.kind)))
        .collect();
    if parts.is_empty() { String::new() } else { format!(" ({})", parts.join("; ")) }
}

/// USD with thousands separators: `$1,234,567`.
pub fn fmt_usd(x: f64) -> String {
    let negative = x < 0.0;
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{}${out}", if negative { "-" } else { "" })
}

fn describe(s: &Shortfall) -> String {
    let name = match s.target {
        Target::Rto => "RTO",
        Target::Rpo => "RPO",
    };
    let achieved = s.achieved_at_confidence_s.map_or("-".to_string(), crate::report::fmt_duration_s);
    format!(
        "{} {} met in {} of incidents (95% CI lower bound {}), {} required; its P{} is {} against a target of {}",
        s.kind,
        name,
        crate::report::fmt_percent(s.share.estimate),
        crate::report::fmt_percent(s.share.low),
        crate::report::fmt_percent(s.required),
        (s.required * 1000.0).round() / 10.0,
        achieved,
        crate::report::fmt_duration_s(s.target_s)
    )
}

fn reason(
    s: &StrategySummary,
    shortfalls: &[Shortfall],
    is_recommended: bool,
    recommended: Option<&String>,
    diff: Option<CostDifference>,
) -> String {
    if is_recommended {
        return format!(
            "meets every target; cheapest that does, {} a year expected",
            fmt_usd(s.cost.total_annual_usd.value)
        );
    }
    if shortfalls.is_empty() {
        let more = diff.map_or(String::new(), |d| {
            format!(
                " {} more a year than {} (95% CI {} to {})",
                fmt_usd(d.mean_usd),
                recommended.map_or("", |r| r.as_str()),
                fmt_usd(d.low_usd),
                fmt_usd(d.high_usd)
            )
        });
        return format!("meets every target but costs{more}");
    }
    let parts: Vec<String> = shortfalls.iter().map(describe).collect();
    format!("misses: {}", parts.join("; "))
}
