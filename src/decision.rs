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
//!
//! A (kind, target) that every strategy misses does not tell them apart: it
//! is named once (`Decision::shared`) with what would have to change (the
//! loosest target the best strategy meets, and when no strategy can recover
//! fast enough at all, the restore throughput that would make it reachable),
//! and the strategies are ranked on their other shortfalls.
//!
//! The decision is data: verdicts, shortfalls and cost differences. The
//! reports put it into words (`report/verdicts.rs`).

use serde::{Deserialize, Serialize};

use crate::model::{DisruptionKind, Model, RecoveryTargets};
use crate::strategy::bounds::{FastestRecovery, fastest_recovery};
use crate::summary::{CONFIDENCE, KindSummary, Share, StrategySummary};
use crate::tally::{KindTally, Tally, pair_index};
use crate::world::strata::Stratification;

/// Which target a shortfall is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// Recovery time.
    Rto,
    /// Recovery point (data loss).
    Rpo,
}

/// One way a strategy misses the targets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Shortfall {
    /// The disruption kind.
    pub kind: DisruptionKind,
    /// The target missed.
    pub target: Target,
    /// The share of incidents meeting it, with its interval.
    pub share: Share,
    /// The share required (the model's confidence).
    pub required: f64,
    /// The achieved RTO or RPO at the required confidence (its quantile at
    /// `required`), seconds: what the target would have to be for this kind
    /// to pass; infinite (`"inf"` in JSON) when that share lost all data.
    #[serde(with = "crate::real::optional")]
    #[schemars(with = "Option<crate::real::Real>")]
    pub achieved_at_confidence_s: Option<f64>,
    /// The target, seconds.
    pub target_s: f64,
}

/// A paired difference of expected annual cost with its 95% interval, USD.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CostDifference {
    /// Mean of (this strategy's cost - the reference's cost) per year.
    pub mean_usd: f64,
    /// Lower end of the 95% interval.
    pub low_usd: f64,
    /// Upper end.
    pub high_usd: f64,
}

/// The judgement on one strategy.
#[derive(Clone, Debug, PartialEq)]
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
    /// Whether it is the recommended strategy.
    pub recommended: bool,
    /// Its shortfalls that not every strategy shares: what tells it apart
    /// from the others, and what the ranking turns on.
    pub distinguishing: Vec<Shortfall>,
}

/// A (kind, target) every strategy misses: naming it once says what must
/// change whichever strategy is chosen; it does not tell the strategies apart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SharedShortfall {
    /// The disruption kind.
    pub kind: DisruptionKind,
    /// The target missed.
    pub target: Target,
    /// The target, seconds.
    pub target_s: f64,
    /// The share of incidents required to meet it (the model's confidence).
    pub required: f64,
    /// The loosest target that would pass for at least one strategy: the
    /// smallest achieved value at the required confidence, seconds; infinite
    /// (`"inf"`) when every strategy lost all data in that share.
    #[serde(with = "crate::real::optional")]
    #[schemars(with = "Option<crate::real::Real>")]
    pub least_target_s: Option<f64>,
    /// The strategy achieving `least_target_s`.
    pub least_target_strategy: Option<String>,
    /// RTO only: the fastest recovery any strategy could achieve (the lower
    /// ends of its steps, `drsim check`), seconds, when the target is below
    /// it for every strategy; `None` when some strategy could reach the target.
    pub fastest_possible_s: Option<f64>,
    /// RTO only, when no strategy can reach the target and each one's
    /// quickest recovery is a restore: the restore throughput (GB/h) at which
    /// the quickest one could just meet it.
    pub throughput_needed_gb_per_hour: Option<f64>,
    /// The highest restore throughput the model allows today, GB/h.
    pub throughput_max_gb_per_hour: Option<f64>,
}

/// The recommendation across strategies.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    /// The cheapest strategy that meets the targets, if any.
    pub recommended: Option<String>,
    /// When none meets them: the one that comes closest, judged on the
    /// shortfalls that tell strategies apart (the first of `ranking`).
    pub closest: Option<String>,
    /// One verdict per strategy, in model order.
    pub verdicts: Vec<Verdict>,
    /// Targets every strategy misses (only with two strategies or more), in
    /// the order of the first verdict's shortfalls.
    pub shared: Vec<SharedShortfall>,
    /// Strategy names, best first: those meeting the targets by expected
    /// cost, then the others by their distinguishing shortfalls (fewest,
    /// then the smallest total gap), then by cost.
    pub ranking: Vec<String>,
    /// The targets that differ from the model-wide ones, per disruption kind
    /// the model has (Resilience Hub's per-disruption-type targets).
    pub target_overrides: Vec<KindTargets>,
}

/// The targets of one disruption kind, seconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KindTargets {
    /// The disruption kind.
    pub kind: DisruptionKind,
    /// Its RPO target, seconds.
    pub rpo_s: f64,
    /// Its RTO target, seconds.
    pub rto_s: f64,
}

impl Decision {
    /// The verdict of the recommended strategy, if any.
    pub fn recommended_verdict(&self) -> Option<&Verdict> {
        self.verdicts.iter().find(|v| v.recommended)
    }

    /// The verdict of the closest strategy, when none meets the targets.
    pub fn closest_verdict(&self) -> Option<&Verdict> {
        self.closest.as_ref().and_then(|c| self.verdicts.iter().find(|v| &v.strategy == c))
    }
}

impl Verdict {
    /// Its largest shortfall: the one furthest from passing (required share
    /// minus the Wilson lower bound).
    pub fn largest_gap(&self) -> Option<&Shortfall> {
        self.shortfalls.iter().max_by(|a, b| gap(a).total_cmp(&gap(b)))
    }
}

fn shortfalls(
    k: &KindSummary,
    required: f64,
    targets: RecoveryTargets,
    achieved: impl Fn(Target, f64) -> Option<f64>,
) -> Vec<Shortfall> {
    let (rto_s, rpo_s) = (targets.rto.secs(), targets.rpo.secs());
    let mut out = Vec::new();
    if k.incidents == 0 {
        return out;
    }
    let checks = [(Target::Rto, &k.rto_met, rto_s), (Target::Rpo, &k.rpo_met, rpo_s)];
    for (target, share, target_s) in checks {
        if share.low < required {
            out.push(Shortfall {
                kind: k.kind,
                target,
                share: *share,
                required,
                achieved_at_confidence_s: achieved(target, required),
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

fn paired(tally: &Tally, design: Option<&Stratification>, i: usize, j: usize, per_year: f64) -> CostDifference {
    if let Some(design) = design {
        let (mean, se) = crate::stratified::paired(tally, design, i, j);
        let (mean, half) = (mean / per_year, crate::stats::z_for(CONFIDENCE) * se / per_year);
        return CostDifference { mean_usd: mean, low_usd: mean - half, high_usd: mean + half };
    }
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
    let design = crate::stratified::design(model, tally);
    let design = design.as_ref();
    let all: Vec<Vec<Shortfall>> = summaries
        .iter()
        .enumerate()
        .map(|(i, s)| {
            s.kinds
                .iter()
                .flat_map(|k| {
                    let targets = model.targets.for_kind(k.kind);
                    let plain = &tally.strategies[i].kinds[k.kind.index()];
                    shortfalls(k, required, targets, |target, q| {
                        fn of(target: Target, t: &KindTally) -> &crate::stats::LogHistogram {
                            match target {
                                Target::Rto => &t.downtime_s,
                                Target::Rpo => &t.data_loss_s,
                            }
                        }
                        match design {
                            Some(d) => crate::stratified::kind_quantile(tally, d, i, k.kind, |t| of(target, t), q),
                            None => of(target, plain).quantile(q),
                        }
                    })
                })
                .collect()
        })
        .collect();
    let cost = |i: usize| summaries[i].cost.total_annual_usd.value;
    let same = |a: &Shortfall, b: &Shortfall| a.kind == b.kind && a.target == b.target;
    let shared_keys: Vec<&Shortfall> = if all.len() >= 2 {
        all[0].iter().filter(|s| all[1..].iter().all(|o| o.iter().any(|t| same(s, t)))).collect()
    } else {
        Vec::new()
    };
    let distinguishing: Vec<Vec<Shortfall>> =
        all.iter().map(|v| v.iter().filter(|s| !shared_keys.iter().any(|k| same(s, k))).cloned().collect()).collect();
    let meeting: Vec<usize> = (0..summaries.len()).filter(|&i| all[i].is_empty()).collect();
    let recommended = meeting.iter().copied().min_by(|&a, &b| cost(a).total_cmp(&cost(b)));
    // Meeting every target first; then the fewest shortfalls that tell the
    // strategies apart, then the smallest total gap, then the cheapest.
    let mut ranking: Vec<usize> = (0..summaries.len()).collect();
    ranking.sort_by(|&a, &b| {
        let total = |i: usize| distinguishing[i].iter().map(gap).sum::<f64>();
        all[b]
            .is_empty()
            .cmp(&all[a].is_empty())
            .then(distinguishing[a].len().cmp(&distinguishing[b].len()))
            .then(total(a).total_cmp(&total(b)))
            .then(cost(a).total_cmp(&cost(b)))
    });
    let closest = if recommended.is_none() { ranking.first().copied() } else { None };
    let shared = shared_keys.iter().map(|s| shared_shortfall(model, s, &all, summaries)).collect();
    let reference = recommended.or(closest);
    let verdicts = summaries
        .iter()
        .enumerate()
        .map(|(i, s)| Verdict {
            strategy: s.name.clone(),
            meets_targets: all[i].is_empty(),
            shortfalls: all[i].clone(),
            expected_annual_cost_usd: cost(i),
            cost_vs_reference: reference.filter(|&r| r != i).map(|r| paired(tally, design, i, r, per_year)),
            recommended: Some(i) == recommended,
            distinguishing: distinguishing[i].clone(),
        })
        .collect();
    let t = &model.targets;
    let target_overrides = model
        .failures
        .iter()
        .filter(|f| t.rpo_for(f.kind) != t.rpo || t.rto_for(f.kind) != t.rto)
        .map(|f| KindTargets { kind: f.kind, rpo_s: t.rpo_for(f.kind).secs(), rto_s: t.rto_for(f.kind).secs() })
        .collect();
    Decision {
        recommended: recommended.map(|r| summaries[r].name.clone()),
        closest: closest.map(|c| summaries[c].name.clone()),
        verdicts,
        shared,
        ranking: ranking.iter().map(|&i| summaries[i].name.clone()).collect(),
        target_overrides,
    }
}

/// A shortfall every strategy has, with what would have to change.
fn shared_shortfall(
    model: &Model,
    s: &Shortfall,
    all: &[Vec<Shortfall>],
    summaries: &[StrategySummary],
) -> SharedShortfall {
    let mut least: Option<(f64, usize)> = None;
    for (i, v) in all.iter().enumerate() {
        let achieved =
            v.iter().find(|t| t.kind == s.kind && t.target == s.target).and_then(|t| t.achieved_at_confidence_s);
        if let Some(a) = achieved {
            if least.is_none_or(|(l, _)| a < l) {
                least = Some((a, i));
            }
        }
    }
    let mut out = SharedShortfall {
        kind: s.kind,
        target: s.target,
        target_s: s.target_s,
        required: s.required,
        least_target_s: least.map(|(a, _)| a),
        least_target_strategy: least.map(|(_, i)| summaries[i].name.clone()),
        fastest_possible_s: None,
        throughput_needed_gb_per_hour: None,
        throughput_max_gb_per_hour: None,
    };
    if s.target != Target::Rto {
        return out;
    }
    let bounds: Vec<Option<FastestRecovery>> = summaries
        .iter()
        .map(|sum| model.strategy(&sum.name).and_then(|st| fastest_recovery(model, st, s.kind)))
        .collect();
    // Unreachable only when every strategy's quickest recovery is slower than the target.
    let unreachable = bounds.iter().all(|b| b.is_none_or(|b| b.seconds > s.target_s));
    if !unreachable {
        return out;
    }
    out.fastest_possible_s = bounds.iter().flatten().map(|b| b.seconds).min_by(f64::total_cmp);
    let restores: Vec<_> = bounds.iter().flatten().map(|b| b.restore).collect();
    if !restores.is_empty() && restores.iter().all(Option::is_some) {
        let restores: Vec<_> = restores.into_iter().flatten().collect();
        out.throughput_needed_gb_per_hour =
            restores.iter().filter_map(|r| r.throughput_for(s.target_s)).min_by(f64::total_cmp);
        out.throughput_max_gb_per_hour = restores.iter().map(|r| r.max_throughput_gb_per_hour).max_by(f64::total_cmp);
    }
    out
}
