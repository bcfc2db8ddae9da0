//! Summary figures of a stratified run (`drsim run --variance-reduction
//! stratified`): the same [`StrategySummary`] as a plain run's, each figure
//! combined from the strata's exact tallies with the weights
//! `p_k / n_k` (see `stats::stratified` and `world::strata`).

use crate::cost::LineItems;
use crate::incident::{Path, Step};
use crate::model::{DisruptionKind, Duration, Model};
use crate::stats::TrialTotals;
use crate::stats::stratified::{self as est, PartMean, PartShare, Spread};
use crate::stats::{LogHistogram, Mixture, Moments};
use crate::summary::{
    CONFIDENCE, CostSummary, KindSummary, Mean, Met, Outcome, OutcomeShare, Quantile, Quantiles, ReplayGain, Share,
    StrategySummary, met_part,
};
use crate::tally::{KindTally, KindTrials, StrategyTally, Tally};
use crate::world::strata::{Stratification, VarianceReduction};

/// Per-trial weight of each stratum of `tally`: `p_k / n_k` (0 for an empty stratum).
pub fn weights(tally: &Tally, design: &Stratification) -> Vec<f64> {
    tally
        .strata
        .iter()
        .zip(&design.weights)
        .map(|(t, p)| if t.trials == 0 { 0.0 } else { p / t.trials as f64 })
        .collect()
}

/// The design a stratified tally was sampled under (told by its count of
/// strata); `None` for a plain tally.
pub fn design(model: &Model, tally: &Tally) -> Option<Stratification> {
    let how = VarianceReduction::of_strata(tally.strata.len())?;
    if how == VarianceReduction::None {
        return None;
    }
    Stratification::new(model, Duration::from_secs(tally.horizon_s), how).ok()
}

/// The distribution a run estimates from one histogram of its tally (`of`
/// picks it from a tally): for a stratified run the mixture of the strata's
/// histograms, each value weighing its stratum's `weights[k]` (`p_k / n_k`,
/// see [`weights`]); for a plain run (`weights` empty) the tally's own
/// histogram, each value weighing 1. Charts and their CSVs read this, so a
/// stratified run's show the weighted distribution.
pub fn distribution<'a>(tally: &'a Tally, weights: &[f64], of: impl Fn(&'a Tally) -> &'a LogHistogram) -> Mixture<'a> {
    if weights.is_empty() || !tally.is_stratified() {
        return Mixture::of(of(tally));
    }
    Mixture::new(tally.strata.iter().zip(weights).map(|(t, &w)| (w, of(t))).collect())
}

/// A bad-outcome share (0 without values), as `Share::of_events`.
fn events(parts: &[PartShare]) -> Share {
    if parts.iter().all(|p| p.trials == 0) {
        return Share::of_events(0, 0);
    }
    Share::of_parts(parts)
}

fn quantiles(m: &Mixture<'_>) -> Option<Quantiles> {
    let q = |q: f64| {
        let value = m.quantile(q)?;
        let (low, high) = m.quantile_interval(q, CONFIDENCE)?;
        Some(Quantile { value, low, high })
    };
    Some(Quantiles { p50: q(0.5)?, p95: q(0.95)?, p99: q(0.99)? })
}

fn hist_mean(m: &Mixture<'_>) -> Mean {
    let (value, std_error) = m.mean();
    Mean { value, std_error }
}

/// The stratified mean of one `Moments` figure: of per-trial values with
/// `spreads` empty, of per-incident values with stratum `k`'s values
/// varying with their trials as `spreads[k]` says.
fn moments_mean<'a>(w: &[f64], spreads: &[Spread], of: impl Fn(usize) -> &'a Moments) -> Mean {
    let parts: Vec<PartMean> = w
        .iter()
        .enumerate()
        .map(|(k, &weight)| {
            let m = of(k);
            let spread = spreads.get(k).copied().unwrap_or_default();
            PartMean { weight, mean: m.mean(), std_error: m.std_error(), count: m.count(), spread }
        })
        .collect();
    let (value, std_error) = est::mean(&parts);
    Mean { value, std_error }
}

/// The mixture of one histogram across strata.
fn mixture<'a>(w: &[f64], of: impl Fn(usize) -> &'a LogHistogram) -> Mixture<'a> {
    Mixture::new(w.iter().enumerate().map(|(k, &weight)| (weight, of(k))).collect())
}

/// The weighted per-incident (or per-value) mean of a `Sum`-like figure.
fn ratio(w: &[f64], of: impl Fn(usize) -> (f64, u64)) -> f64 {
    let (mut num, mut den) = (0.0, 0.0);
    for (k, &weight) in w.iter().enumerate() {
        let (mean, count) = of(k);
        num += weight * mean * count as f64;
        den += weight * count as f64;
    }
    if den > 0.0 { num / den } else { 0.0 }
}

/// The estimated expected count per trial of something counted `of(k)` times in stratum `k`.
fn per_trial(w: &[f64], of: impl Fn(usize) -> u64) -> f64 {
    w.iter().enumerate().map(|(k, &weight)| weight * of(k) as f64).sum()
}

fn kind_summary(
    kind: DisruptionKind,
    w: &[f64],
    ks: &[&KindTally],
    per_year: f64,
    trials: &[u64],
    slots: &[u64],
    plays: u32,
) -> KindSummary {
    // How each stratum's count of these incidents varies from trial to
    // trial: what the figures read from histograms (quantiles) and the
    // outcome shares add for it, their values taken as independent.
    let spreads: Vec<f64> =
        ks.iter().zip(trials).map(|(k, &n)| est::count_spread(n, k.incidents, k.incidents_sq)).collect();
    // The other per-incident figures' exact errors: from each stratum's
    // per-trial totals of the figure (`of` picks them).
    let totals = |of: &dyn Fn(&KindTrials) -> &TrialTotals| -> Vec<Spread> {
        ks.iter().zip(trials).map(|(k, &n)| Spread::Totals(of(&k.per_trial).spread(n))).collect()
    };
    let met_parts = |met: Met| -> Vec<PartShare> {
        ks.iter()
            .zip(w)
            .zip(trials)
            .map(|((k, &weight), &n)| {
                let t = &k.per_trial;
                let at = match met {
                    Met::Rto => 0,
                    Met::Rpo => 1,
                    Met::Both => 2,
                };
                let (once, replayed) = (&t.met[at], &t.replayed[at]);
                // With replays a value is the share of an incident's plays that met.
                let spread =
                    if k.replayed.is_empty() { once.spread(n) } else { replayed.spread(n).per(f64::from(plays)) };
                met_part(k, met, weight, plays).per_incident(Spread::Totals(spread))
            })
            .collect()
    };
    let met = |met: Met| Share::of_parts(&met_parts(met));
    let incidents: u64 = ks.iter().map(|k| k.incidents).sum();
    let parts = |of: &dyn Fn(&KindTally) -> u64, spreads: &[Spread]| -> Vec<PartShare> {
        ks.iter()
            .zip(w)
            .zip(spreads)
            .map(|((k, &weight), &spread)| PartShare::of(weight, of(k), k.incidents).per_incident(spread))
            .collect()
    };
    let counted: Vec<Spread> = spreads.iter().map(|&s| Spread::Counts(s)).collect();
    let lost: Vec<Spread> =
        ks.iter().zip(trials).map(|(k, &n)| Spread::Totals(k.per_trial.data_lost_entirely.spread(n))).collect();
    let years = |of: &dyn Fn(&KindTally) -> u64| -> Vec<PartShare> {
        ks.iter().zip(w).zip(slots).map(|((k, &weight), &trials)| PartShare::of(weight, of(k), trials)).collect()
    };
    let mut paths = [0u64; Path::COUNT];
    for k in ks {
        for (a, b) in paths.iter_mut().zip(&k.paths) {
            *a += b;
        }
    }
    let downtime = mixture(w, |k| &ks[k].downtime_s).per_incident(spreads.clone());
    let loss = mixture(w, |k| &ks[k].data_loss_s).per_incident(spreads.clone());
    let back = mixture(w, |k| &ks[k].service_back_s).per_incident(spreads);
    let cost = moments_mean(w, &totals(&|t| &t.cost_usd), |k| &ks[k].cost_usd);
    KindSummary {
        kind,
        incidents,
        incidents_per_year: per_trial(w, |k| ks[k].incidents) / per_year,
        rto_s: quantiles(&downtime),
        rto_mean_s: moments_mean(w, &totals(&|t| &t.downtime_s), |k| ks[k].downtime_s.moments()),
        rpo_s: quantiles(&loss),
        rto_met: met(Met::Rto),
        rpo_met: met(Met::Rpo),
        both_met: met(Met::Both),
        data_lost_entirely: ks.iter().map(|k| k.data_lost_entirely).sum(),
        total_loss: events(&parts(&|k| k.data_lost_entirely, &lost)),
        degraded_mean_s: ratio(w, |k| (ks[k].degraded_s.mean(), ks[k].degraded_s.count())),
        steps_mean_s: Step::ALL
            .iter()
            .map(|&s| (s, ratio(w, |k| (ks[k].steps_s[s as usize].mean(), ks[k].steps_s[s as usize].count()))))
            .collect(),
        paths: Path::ALL.iter().filter(|p| paths[p.index()] > 0).map(|&p| (p, paths[p.index()])).collect(),
        cost_mean_usd: cost,
        outcomes: Outcome::ALL
            .iter()
            .map(|&outcome| {
                let of = |k: &KindTally| {
                    Path::ALL.iter().filter(|&&p| Outcome::of(p) == outcome).map(|p| k.paths[p.index()]).sum()
                };
                (outcome, parts(&of, &counted))
            })
            .filter(|(_, p)| p.iter().any(|p| p.successes > 0))
            .map(|(outcome, p)| OutcomeShare { outcome, share: events(&p) })
            .collect(),
        service_back_s: quantiles(&back),
        service_back_mean_s: moments_mean(w, &totals(&|t| &t.service_back_s), |k| ks[k].service_back_s.moments()),
        years_with_rto_breach: events(&years(&|k| k.years_with_rto_breach)),
        years_with_rpo_breach: events(&years(&|k| k.years_with_rpo_breach)),
        rto_met_replays: ReplayGain::of(&met_parts(Met::Rto)),
    }
}

/// Summarises one strategy of a stratified tally under `design`.
pub fn strategy_summary(model: &Model, index: usize, tally: &Tally, design: &Stratification) -> StrategySummary {
    let w = weights(tally, design);
    let strata: Vec<&StrategyTally> = tally.strata.iter().map(|t| &t.strategies[index]).collect();
    let strategy = &model.strategies[index];
    let per_year = tally.horizon_s / Duration::YEAR.secs();
    let horizon = Duration::from_secs(tally.horizon_s);
    let year_slots = crate::tally::year_slots(horizon);
    let slots: Vec<u64> = tally.strata.iter().map(|t| t.trials * year_slots).collect();
    // Years are counted per slot: a slot weighs its trial's weight.
    let trial_parts = |of: &dyn Fn(&StrategyTally) -> u64, trials: &[u64]| -> Vec<PartShare> {
        strata.iter().zip(&w).zip(trials).map(|((s, &weight), &trials)| PartShare::of(weight, of(s), trials)).collect()
    };
    let trials: Vec<u64> = tally.strata.iter().map(|t| t.trials).collect();
    let downtime_mix = mixture(&w, |k| &strata[k].trial_downtime_s);
    let downtime = hist_mean(&downtime_mix);
    let cost_mix = mixture(&w, |k| &strata[k].trial_cost_usd);
    let scale = |m: Mean| Mean { value: m.value / per_year, std_error: m.std_error / per_year };
    let total = scale(hist_mean(&cost_mix));
    let line_items = LineItems::of(model, strategy);
    StrategySummary {
        name: strategy.name.clone(),
        kind: strategy.kind().name().to_string(),
        kinds: DisruptionKind::ALL
            .iter()
            .filter(|k| model.failure(**k).is_some())
            .map(|&k| {
                let ks: Vec<&KindTally> = strata.iter().map(|s| &s.kinds[k.index()]).collect();
                kind_summary(k, &w, &ks, per_year, &trials, &slots, tally.region_plays)
            })
            .collect(),
        availability: Mean {
            value: 1.0 - downtime.value / tally.horizon_s,
            std_error: downtime.std_error / tally.horizon_s,
        },
        annual_downtime_s: scale(downtime),
        annual_maintenance_s: model
            .maintenance
            .as_ref()
            .map(|_| scale(moments_mean(&w, &[], |k| &strata[k].trial_maintenance_s))),
        annual_downtime_quantiles_s: quantiles(&downtime_mix),
        incidents_per_year: scale(moments_mean(&w, &[], |k| &strata[k].trial_incidents)),
        annual_data_loss_s: scale(moments_mean(&w, &[], |k| &strata[k].trial_data_loss_s)),
        trials_with_total_data_loss: events(&trial_parts(&|s| s.trials_with_total_loss, &trials)),
        years_with_total_data_loss: events(&trial_parts(&|s| s.years_with_total_loss, &slots)),
        cost: CostSummary {
            incidents_annual_usd: Mean {
                value: (total.value - line_items.total_usd).max(0.0),
                std_error: total.std_error,
            },
            total_annual_usd: total,
            total_annual_quantiles_usd: quantiles(&cost_mix).map(|q| q.per(per_year)),
            cvar95_usd: cost_mix.cvar(0.95).map(|c| c / per_year),
            failover_running_annual_usd: ratio(&w, |k| {
                (strata[k].failover_running_usd.mean(), strata[k].failover_running_usd.count())
            }) / per_year,
            line_items,
        },
        failover_failure_probability: crate::strategy::bounds::failover_failure_probability(strategy, horizon),
        // Pooled over kinds stratum by stratum: each stratum's incidents of
        // every kind are one part, weighted as its trials are, their count
        // per trial varying as `trial_incidents` does.
        both_met_all_kinds: Share::of_parts(
            &strata
                .iter()
                .zip(&w)
                .map(|(s, &weight)| {
                    let (met, incidents) = s.both_met_all_kinds();
                    let spread = s.trial_incidents.variance() * s.trial_incidents.count() as f64;
                    PartShare::of(weight, met, incidents).per_incident(Spread::Counts(spread))
                })
                .collect::<Vec<_>>(),
        ),
    }
}

/// The paired cost difference `i - j` per trial of a stratified tally:
/// mean and standard error.
pub fn paired(tally: &Tally, design: &Stratification, i: usize, j: usize) -> (f64, f64) {
    let w = weights(tally, design);
    let n = tally.strategies.len();
    let (sign, at) =
        if i < j { (1.0, crate::tally::pair_index(i, j, n)) } else { (-1.0, crate::tally::pair_index(j, i, n)) };
    let m = moments_mean(&w, &[], |k| &tally.strata[k].paired_cost_usd[at]);
    (sign * m.value, m.std_error)
}

/// The `q`-quantile of one kind's per-incident histogram across strata
/// (`of` picks it from a kind's tally).
pub fn kind_quantile(
    tally: &Tally,
    design: &Stratification,
    strategy: usize,
    kind: DisruptionKind,
    of: impl Fn(&KindTally) -> &LogHistogram,
    q: f64,
) -> Option<f64> {
    let w = weights(tally, design);
    mixture(&w, |k| of(&tally.strata[k].strategies[strategy].kinds[kind.index()])).quantile(q)
}
