//! Two-level Monte Carlo over the model's uncertain inputs (`[uncertain]`,
//! see [`crate::model::uncertain`]).
//!
//! Outer draw `j` samples every uncertain input from the stream
//! `(seed, j)` (in path order), writes the values into the model text
//! ([`super::param`]) and simulates the concrete model with its own inner
//! seed, every strategy on the same inner trials (common random numbers
//! within the draw). Only each draw's headline figures are kept
//! ([`DrawFigures`]: a few numbers per strategy and kind), so memory does not
//! grow with the inner trials, and draws are independent of one another: a
//! range of draws (a shard) gives the same figures as the same draws of the
//! whole run, on any thread count.
//!
//! [`summarize`] turns the draws into each figure's spread across plausible
//! inputs (mean, 5%, 50%, 95%) and the decision's robustness: the share of
//! draws in which each strategy is the cheapest one meeting the targets.

use std::ops::Range;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use serde::{Deserialize, Serialize};

use super::WhatIfError;
use super::param::{self, Assignment};
use crate::model::{DisruptionKind, Model};
use crate::simulation::{RunOptions, simulate};
use crate::world::seed;

/// Outer draws when `--outer` is given without a number.
pub const DEFAULT_DRAWS: u64 = 200;
/// Inner trials per outer draw unless `--trials` says otherwise: 200 draws of
/// SecureCart in about 15 s on 2 cores (benches/README.md).
pub const DEFAULT_INNER_TRIALS: u64 = 10_000;
/// Most outer draws a run may ask for.
pub const MAX_DRAWS: u64 = 1_000_000;

/// One strategy's headline figures in one outer draw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StrategyFigures {
    /// Expected total cost per year, USD.
    pub expected_annual_cost_usd: f64,
    /// Share of time served, load-weighted.
    pub availability: f64,
    /// P(a year with a total loss of data).
    pub total_loss_year: f64,
    /// Whether it meets the targets (every kind, both targets, at the model's confidence).
    pub meets_targets: bool,
    /// Per kind with incidents, in kind order: the share of incidents meeting both targets.
    pub targets_met: Vec<(DisruptionKind, f64)>,
}

/// The headline figures of one outer draw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DrawFigures {
    /// The draw's index (0-based).
    pub draw: u64,
    /// The value drawn for each uncertain input, in path order (base units: seconds for durations).
    pub inputs: Vec<f64>,
    /// Per strategy, in model order.
    pub strategies: Vec<StrategyFigures>,
    /// The cheapest strategy meeting the targets (index into the strategies), if any.
    pub recommended: Option<usize>,
    /// When none meets them, the strategy closest to the targets (index), if any.
    pub closest: Option<usize>,
}

/// The values the uncertain inputs take in outer draw `draw`.
pub fn draw_inputs(model: &Model, seed_value: u64, draw: u64) -> Vec<f64> {
    let mut rng = seed::outer_inputs_rng(seed_value, draw);
    model.uncertain.iter().map(|u| u.dist.sample(&mut rng)).collect()
}

/// Simulates outer draws `draws` of the model in `text` (read from `path`),
/// keeping the strategies named in `strategies` (all when empty), each draw
/// with `inner.trials` inner trials, and calls `on_draw` after each (in the
/// order they finish; the draws returned are in draw order).
///
/// Draws run side by side on one pool of worker threads (`inner.threads`,
/// all cores when `None`), and so do the blocks of each draw's inner trials,
/// in the same pool: a draw's edit, validation and summary then overlap other
/// draws' simulation instead of idling the other cores, and no draw waits
/// for the slowest block of another. A draw's figures depend only on the seed, the draw and the inner
/// trials (the engine's tallies merge exactly), so they are bit-identical to
/// a draw simulated alone on any number of threads.
///
/// # Errors
/// [`WhatIfError::Request`] when the model has no uncertain input or a path
/// names nothing; [`WhatIfError::Param`] when a drawn value makes the model
/// invalid (the message names the draw and the values; with several such
/// draws, the first); a simulation error.
pub fn run(
    text: &str,
    path: &Path,
    strategies: &[String],
    draws: Range<u64>,
    inner: &RunOptions,
    mut on_draw: impl FnMut(&DrawFigures),
) -> Result<Vec<DrawFigures>, WhatIfError> {
    let base = param::model_with(text, path, &[])?;
    if base.uncertain.is_empty() {
        return Err(WhatIfError::Request(format!(
            "{}: --outer: the model marks no input uncertain; add an [uncertain] table (docs/model-reference.md)",
            path.display()
        )));
    }
    // A typo in a path is refused before anything is simulated.
    if let Some(p) = super::uncertain_check::path_problems(text, path, &base).first() {
        return Err(WhatIfError::Request(p.to_string()));
    }
    let count = usize::try_from(draws.end - draws.start).unwrap_or(0);
    // The first draw that failed so far: later draws are skipped, earlier ones
    // still run, so the error returned is the first in draw order whatever
    // the threads did.
    let first_failed = AtomicU64::new(u64::MAX);
    let one = |draw: u64| {
        if draw > first_failed.load(Ordering::Relaxed) {
            return None;
        }
        let result = simulate_draw(text, path, &base, strategies, draw, inner);
        if result.is_err() {
            first_failed.fetch_min(draw, Ordering::Relaxed);
        }
        Some(result.map_err(|e| (draw, e)))
    };
    let (sender, receiver) = std::sync::mpsc::channel();
    let mut out = Vec::with_capacity(count);
    let mut failed: Option<(u64, WhatIfError)> = None;
    let pool = std::thread::scope(|scope| {
        let worker = scope.spawn(|| {
            crate::engine::with_threads(inner.threads, || {
                draws.into_par_iter().for_each_with(sender, |sender, draw| {
                    if let Some(result) = one(draw) {
                        // The receiver outlives the senders: a send cannot fail.
                        let _ = sender.send(result);
                    }
                });
            })
        });
        for result in receiver.iter() {
            match result {
                Ok(figures) => {
                    on_draw(&figures);
                    out.push(figures);
                }
                Err((draw, e)) => {
                    if failed.as_ref().is_none_or(|(first, _)| draw < *first) {
                        failed = Some((draw, e));
                    }
                }
            }
        }
        worker.join()
    });
    match pool {
        Ok(Ok(((), _threads))) => {}
        Ok(Err(e)) => return Err(WhatIfError::Simulation(e.into())),
        Err(panic) => std::panic::resume_unwind(panic),
    }
    if let Some((_, e)) = failed {
        return Err(e);
    }
    out.sort_by_key(|d| d.draw);
    Ok(out)
}

/// One outer draw: its inputs written into the model, every strategy
/// simulated on the draw's inner seed (in the calling thread's pool), the
/// headline figures kept.
fn simulate_draw(
    text: &str,
    path: &Path,
    base: &Model,
    strategies: &[String],
    draw: u64,
    inner: &RunOptions,
) -> Result<DrawFigures, WhatIfError> {
    let inputs = draw_inputs(base, inner.seed, draw);
    let set: Vec<Assignment> = base
        .uncertain
        .iter()
        .zip(&inputs)
        .map(|(u, &x)| Assignment { path: u.path.clone(), value: u.write(x) })
        .collect();
    let mut model = param::model_with(text, path, &set).map_err(|e| {
        WhatIfError::Request(format!("outer draw {draw}: the values drawn make the model invalid: {e:#}"))
    })?;
    if !strategies.is_empty() {
        model.strategies.retain(|s| strategies.contains(&s.name));
    }
    // No thread count: the inner trials run in the outer loop's pool.
    let options = RunOptions { seed: seed::outer_seed(inner.seed, draw), threads: None, ..inner.clone() };
    let results = simulate(&model, &options)?;
    let position =
        |name: &Option<String>| name.as_ref().and_then(|name| results.strategies.iter().position(|s| &s.name == name));
    Ok(DrawFigures {
        draw,
        inputs,
        strategies: results
            .strategies
            .iter()
            .zip(&results.decision.verdicts)
            .map(|(s, v)| StrategyFigures {
                expected_annual_cost_usd: s.cost.total_annual_usd.value,
                availability: s.availability.value,
                total_loss_year: s.years_with_total_data_loss.estimate,
                meets_targets: v.meets_targets,
                targets_met: s
                    .kinds
                    .iter()
                    .filter(|k| k.incidents > 0)
                    .map(|k| (k.kind, k.both_met.estimate))
                    .collect(),
            })
            .collect(),
        recommended: position(&results.decision.recommended),
        closest: position(&results.decision.closest),
    })
}

/// A figure's spread across outer draws.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Spread {
    /// Mean over the draws: the figure averaged over plausible inputs.
    pub mean: f64,
    /// Standard error of that mean (standard deviation over draws / sqrt(draws)).
    pub mean_std_error: f64,
    /// 5% quantile over draws.
    pub p5: f64,
    /// Median over draws.
    pub p50: f64,
    /// 95% quantile over draws.
    pub p95: f64,
}

impl Spread {
    /// The spread of `values` (linearly interpolated quantiles, as numpy's default). `None` if empty.
    pub fn of(values: &[f64]) -> Option<Spread> {
        if values.is_empty() {
            return None;
        }
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len() as f64;
        let q = |p: f64| {
            let h = (n - 1.0) * p;
            let (i, f) = (h.floor() as usize, h - h.floor());
            let next = sorted[(i + 1).min(sorted.len() - 1)];
            sorted[i] + f * (next - sorted[i])
        };
        let mean = values.iter().sum::<f64>() / n;
        let var = if values.len() > 1 {
            values.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0)
        } else {
            0.0
        };
        Some(Spread { mean, mean_std_error: (var / n).sqrt(), p5: q(0.05), p50: q(0.5), p95: q(0.95) })
    }
}

/// One strategy's figures across outer draws.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StrategySpread {
    /// The strategy.
    pub name: String,
    /// Expected annual cost, USD.
    pub expected_annual_cost_usd: Spread,
    /// Availability (share of time served).
    pub availability: Spread,
    /// P(a year with a total loss).
    pub total_loss_year: Spread,
    /// Per kind: the share of incidents meeting both targets (draws with incidents of that kind).
    pub targets_met: Vec<(DisruptionKind, Spread)>,
    /// Share of draws in which it meets the targets.
    pub meets_targets_share: f64,
    /// Share of draws in which it is the cheapest strategy meeting the targets.
    pub recommended_share: f64,
}

/// An uncertain input and the spread of the values drawn for it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InputSpread {
    /// Its path.
    pub path: String,
    /// Its distribution, as given.
    pub distribution: String,
    /// Whether its values are seconds (a duration) or plain numbers.
    pub duration: bool,
    /// The values drawn.
    pub drawn: Spread,
}

/// The outer loop's answer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OuterSummary {
    /// The model's name.
    pub model: String,
    /// Outer draws summarised.
    pub draws: u64,
    /// Inner trials per draw.
    pub inner_trials: u64,
    /// The uncertain inputs.
    pub inputs: Vec<InputSpread>,
    /// Per strategy, in model order.
    pub strategies: Vec<StrategySpread>,
    /// Share of draws in which no strategy meets the targets.
    pub none_meets_share: f64,
    /// The strategy recommended in most draws and its share (ties: the first in model order).
    pub most_often: Option<(String, f64)>,
    /// Among the draws where `most_often` is not recommended, the strategy most often
    /// recommended instead and its share of all draws.
    pub otherwise: Option<(String, f64)>,
    /// Among the draws where no strategy meets the targets, the one most often
    /// closest to them and its share of all draws.
    pub closest_most_often: Option<(String, f64)>,
}

/// Summarises the draws of a run of `model` (the strategies as simulated).
pub fn summarize(model: &Model, strategies: &[String], inner_trials: u64, draws: &[DrawFigures]) -> OuterSummary {
    let names: Vec<String> = model
        .strategies
        .iter()
        .filter(|s| strategies.is_empty() || strategies.contains(&s.name))
        .map(|s| s.name.clone())
        .collect();
    let n = draws.len().max(1) as f64;
    let spread = |values: Vec<f64>| {
        Spread::of(&values).unwrap_or(Spread { mean: 0.0, mean_std_error: 0.0, p5: 0.0, p50: 0.0, p95: 0.0 })
    };
    let share = |count: usize| count as f64 / n;
    let strategy_spreads = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let of = |f: fn(&StrategyFigures) -> f64| spread(draws.iter().map(|d| f(&d.strategies[i])).collect());
            let targets_met = DisruptionKind::ALL
                .iter()
                .filter_map(|&kind| {
                    let values: Vec<f64> = draws
                        .iter()
                        .filter_map(|d| d.strategies[i].targets_met.iter().find(|(k, _)| *k == kind).map(|(_, x)| *x))
                        .collect();
                    Spread::of(&values).map(|s| (kind, s))
                })
                .collect();
            StrategySpread {
                name: name.clone(),
                expected_annual_cost_usd: of(|s| s.expected_annual_cost_usd),
                availability: of(|s| s.availability),
                total_loss_year: of(|s| s.total_loss_year),
                targets_met,
                meets_targets_share: share(draws.iter().filter(|d| d.strategies[i].meets_targets).count()),
                recommended_share: share(draws.iter().filter(|d| d.recommended == Some(i)).count()),
            }
        })
        .collect::<Vec<_>>();
    let count = |pick: Option<usize>, skip: Option<usize>| {
        draws.iter().filter(|d| d.recommended == pick && (skip.is_none() || d.recommended != skip)).count()
    };
    let best = |skip: Option<usize>| {
        let mut best: Option<(usize, usize)> = None;
        for i in 0..names.len() {
            let c = count(Some(i), skip);
            if c > 0 && best.is_none_or(|(_, b)| c > b) {
                best = Some((i, c));
            }
        }
        best
    };
    let first = best(None);
    let otherwise = first.and_then(|(i, _)| best(Some(i)));
    let mut closest: Option<(usize, usize)> = None;
    for i in 0..names.len() {
        let c = draws.iter().filter(|d| d.recommended.is_none() && d.closest == Some(i)).count();
        if c > 0 && closest.is_none_or(|(_, b)| c > b) {
            closest = Some((i, c));
        }
    }
    OuterSummary {
        model: model.workload.name.clone(),
        draws: draws.len() as u64,
        inner_trials,
        inputs: model
            .uncertain
            .iter()
            .enumerate()
            .map(|(j, u)| InputSpread {
                path: u.path.clone(),
                distribution: u.described.clone(),
                duration: u.unit == crate::model::Unit::Duration,
                drawn: spread(draws.iter().map(|d| d.inputs[j]).collect()),
            })
            .collect(),
        strategies: strategy_spreads,
        none_meets_share: share(count(None, None)),
        most_often: first.map(|(i, c)| (names[i].clone(), share(c))),
        otherwise: otherwise.map(|(i, c)| (names[i].clone(), share(c))),
        closest_most_often: closest.map(|(i, c)| (names[i].clone(), share(c))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_quantiles_interpolate_like_numpy() {
        let s = Spread::of(&[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        assert_eq!((s.p5, s.p50, s.p95, s.mean), (1.2, 3.0, 4.8, 3.0));
        assert!(Spread::of(&[]).is_none());
        assert_eq!(Spread::of(&[7.0]).unwrap().p95, 7.0);
    }
}
