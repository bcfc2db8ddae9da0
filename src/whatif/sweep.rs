//! Parameter sweeps: a grid of values run on common random numbers, and the
//! inverse question (`--find`): the most lenient value of one parameter that
//! still meets the targets, by bisection.

use std::path::Path;

use serde::Serialize;

use super::param::{self, Assignment};
use super::{WhatIfError, WorstShare, worst_shares};
use crate::model::Duration;
use crate::simulation::{Results, RunOptions, simulate};

/// One swept parameter and its values.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Axis {
    /// The parameter's path (see [`param`]).
    pub path: String,
    /// Its values, as written on the command line.
    pub values: Vec<String>,
}

/// One strategy's figures at one point.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StrategyPoint {
    /// The strategy.
    pub strategy: String,
    /// P(RTO met) of the worst kind.
    pub rto_met: WorstShare,
    /// P(RPO met) of the worst kind.
    pub rpo_met: WorstShare,
    /// Expected total cost per year, USD.
    pub expected_annual_cost_usd: f64,
    /// 95th percentile of the total annual cost, USD.
    pub p95_annual_cost_usd: f64,
    /// Whether the decision finds it meets every target.
    pub meets_targets: bool,
    /// Load-weighted downtime per year (failbacks and drills that went wrong included), seconds.
    pub annual_downtime_s: f64,
    /// Standard error of `annual_downtime_s`, seconds.
    pub annual_downtime_se_s: f64,
}

/// Every strategy's figures in a run's results.
pub fn strategy_points(results: &Results) -> Vec<StrategyPoint> {
    results
        .strategies
        .iter()
        .zip(&results.decision.verdicts)
        .map(|(s, v)| {
            let (rto_met, rpo_met) = worst_shares(s);
            StrategyPoint {
                strategy: s.name.clone(),
                rto_met,
                rpo_met,
                expected_annual_cost_usd: s.cost.total_annual_usd.value,
                p95_annual_cost_usd: s.cost.total_annual_quantiles_usd.map_or(f64::NAN, |q| q.p95.value),
                meets_targets: v.meets_targets,
                annual_downtime_s: s.annual_downtime_s.value,
                annual_downtime_se_s: s.annual_downtime_s.std_error,
            }
        })
        .collect()
}

/// One grid point: the values set and what every strategy achieved.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Point {
    /// One value per axis, in axis order.
    pub values: Vec<String>,
    /// Per strategy, in model order.
    pub strategies: Vec<StrategyPoint>,
}

/// A finished sweep.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Sweep {
    /// The swept parameters.
    pub axes: Vec<Axis>,
    /// Every point of the grid, the last axis varying fastest.
    pub points: Vec<Point>,
    /// The required share of incidents meeting each target.
    pub confidence: f64,
}

/// Every combination of the axes' values (cartesian product), the last axis
/// varying fastest.
pub fn grid(axes: &[Axis]) -> Vec<Vec<String>> {
    axes.iter().fold(vec![Vec::new()], |acc, axis| {
        acc.iter()
            .flat_map(|prefix| {
                axis.values.iter().map(move |v| {
                    let mut p = prefix.clone();
                    p.push(v.clone());
                    p
                })
            })
            .collect()
    })
}

fn assignments(axes: &[Axis], values: &[String]) -> Vec<Assignment> {
    axes.iter().zip(values).map(|(a, v)| Assignment { path: a.path.clone(), value: v.clone() }).collect()
}

/// Runs the model at every grid point with the same options (and so the same
/// seed). Every point is validated before any is simulated, so a bad value
/// fails at once. `on_point` hears each finished point's index.
pub fn sweep(
    text: &str,
    path: &Path,
    axes: &[Axis],
    options: &RunOptions,
    mut on_point: impl FnMut(usize, usize),
) -> Result<Sweep, WhatIfError> {
    let combos = grid(axes);
    let models = combos
        .iter()
        .map(|values| param::model_with(text, path, &assignments(axes, values)))
        .collect::<Result<Vec<_>, _>>()?;
    let confidence = models.first().map_or(1.0, |m| m.targets.confidence.get());
    let mut points = Vec::with_capacity(models.len());
    for (i, (values, model)) in combos.into_iter().zip(&models).enumerate() {
        let results = simulate(model, options)?;
        points.push(Point { values, strategies: strategy_points(&results) });
        on_point(i + 1, models.len());
    }
    Ok(Sweep { axes: axes.to_vec(), points, confidence })
}

/// Bisection steps of `--find`: the answer is within (HIGH - LOW) / 2^8 of
/// the threshold the simulation shows.
pub const FIND_STEPS: u32 = 8;

/// Which end of the range meets the targets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Low values meet, high ones do not: the answer is the largest value that meets
    /// (backup intervals, lags, delays).
    Largest,
    /// High values meet, low ones do not: the answer is the smallest value that meets
    /// (capacity, throughput).
    Smallest,
}

/// One evaluation made by `--find`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evaluation {
    /// The value tried.
    pub value: String,
    /// The strategy's figures there.
    pub point: StrategyPoint,
}

/// The answer of `--find`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Found {
    /// The parameter.
    pub path: String,
    /// The strategy judged (named by the path).
    pub strategy: String,
    /// Which end meets; `None` when both or neither do.
    pub direction: Option<Direction>,
    /// The most lenient value shown to meet the targets, if any.
    pub value: Option<String>,
    /// The nearest value tried that does not meet them, if any.
    pub failing: Option<String>,
    /// The bisection's resolution, in the parameter's unit (text).
    pub resolution: String,
    /// Every evaluation, in the order made.
    pub evaluations: Vec<Evaluation>,
}

/// A parameter value that can be bisected: a duration or a plain number.
#[derive(Clone, Copy, Debug)]
enum Scale {
    Duration,
    Number,
}

fn parse_end(text: &str) -> Option<(Scale, f64)> {
    if let Ok(x) = text.trim().parse::<f64>() {
        return Some((Scale::Number, x));
    }
    Duration::parse(text).ok().map(|d| (Scale::Duration, d.secs()))
}

fn format_value(scale: Scale, x: f64) -> String {
    match scale {
        // Whole seconds: finer than any bisection of a range of minutes or more needs.
        Scale::Duration => format!("{:#}", Duration::from_secs(x.round())),
        Scale::Number => crate::fit::sig(x, 6),
    }
}

/// Parses `PATH=LOW..HIGH`.
pub fn parse_find(spec: &str) -> Result<(String, String, String), WhatIfError> {
    let bad = || {
        WhatIfError::Request(format!(
            "--find {spec}: expected PATH=LOW..HIGH, e.g. strategy.NAME.backup.interval=5m..4h"
        ))
    };
    let (path, range) = spec.split_once('=').ok_or_else(bad)?;
    let (low, high) = range.split_once("..").ok_or_else(bad)?;
    Ok((path.trim().to_string(), low.trim().to_string(), high.trim().to_string()))
}

/// Finds by bisection the most lenient value of `path` in `[low, high]` at
/// which the strategy the path names still meets the targets. Both ends are
/// evaluated first: the end that meets decides the direction
/// ([`Direction`]); if both or neither meet, that is the answer. Then
/// [`FIND_STEPS`] bisection steps, each on the same seed. Assumes the verdict
/// changes once over the range (monotonic); the evaluations are returned so a
/// reader can check.
pub fn find(
    text: &str,
    path: &Path,
    param_path: &str,
    low: &str,
    high: &str,
    options: &RunOptions,
    mut on_eval: impl FnMut(&Evaluation),
) -> Result<Found, WhatIfError> {
    let strategy = match param_path.split('.').collect::<Vec<_>>().as_slice() {
        ["strategy", name, _, ..] => name.to_string(),
        _ => {
            return Err(WhatIfError::Request(format!(
                "--find {param_path}: the path must name a strategy (`strategy.NAME.KEY`), whose targets are judged"
            )));
        }
    };
    let (scale, lo) = parse_end(low)
        .ok_or_else(|| WhatIfError::Request(format!("--find: LOW {low:?} is neither a number nor a duration")))?;
    let (_, hi) = parse_end(high)
        .ok_or_else(|| WhatIfError::Request(format!("--find: HIGH {high:?} is neither a number nor a duration")))?;
    if !(lo.is_finite() && hi.is_finite() && lo < hi) {
        return Err(WhatIfError::Request(format!("--find: LOW {low} must be below HIGH {high}")));
    }
    let mut evaluations = Vec::new();
    let mut eval = |x: f64| -> Result<bool, WhatIfError> {
        let value = format_value(scale, x);
        let mut model =
            param::model_with(text, path, &[Assignment { path: param_path.to_string(), value: value.clone() }])?;
        model.strategies.retain(|s| s.name == strategy);
        let results = simulate(&model, options)?;
        let point = strategy_points(&results).remove(0);
        let meets = point.meets_targets;
        let e = Evaluation { value, point };
        on_eval(&e);
        evaluations.push(e);
        Ok(meets)
    };
    let (meets_lo, meets_hi) = (eval(lo)?, eval(hi)?);
    let resolution = format_value(scale, (hi - lo) / f64::from(1u32 << FIND_STEPS));
    let direction = match (meets_lo, meets_hi) {
        (true, false) => Some(Direction::Largest),
        (false, true) => Some(Direction::Smallest),
        _ => None,
    };
    let (value, failing) = match direction {
        // Both ends meet, or neither: the range holds no threshold.
        None => (None, None),
        Some(d) => {
            let (mut good, mut bad) = if d == Direction::Largest { (lo, hi) } else { (hi, lo) };
            for _ in 0..FIND_STEPS {
                let mid = 0.5 * (good + bad);
                if eval(mid)? {
                    good = mid;
                } else {
                    bad = mid;
                }
            }
            (Some(format_value(scale, good)), Some(format_value(scale, bad)))
        }
    };
    Ok(Found { path: param_path.to_string(), strategy, direction, value, failing, resolution, evaluations })
}
