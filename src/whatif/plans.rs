//! Sweeps and sensitivity on a platform model (`[[service]]` tables): at
//! every setting the model's listed plans are judged and every plan is
//! searched for the cheapest meeting the targets, on common random numbers
//! (the same seed and trials at every setting, as in [`super::sweep`]).
//!
//! Paths reach a service's own keys (`service.orders.dataset_gb`) and its
//! candidates' (`service.orders.strategy.warm-standby.cost.total_usd`), see
//! [`param`]. A setting is evaluated as `drsim run` evaluates a platform
//! ([`search`]), so each point's figures are those of `drsim plans` (and
//! `drsim optimize`) on the model edited to that value, bit for bit.
//!
//! * [`sweep`]: per grid point, the chosen plan (the cheapest meeting every
//!   target, or the closest when none does) and every listed plan's cost and
//!   verdict; where the choice changes, the break-even value.
//! * [`tornado`]: the tornado of the chosen plan (the plan held fixed while
//!   each input moves), and at each input's low and high value the plan a new
//!   search chooses.

use std::path::Path;

use serde::Serialize;

use super::param::{self, Assignment, ParamError};
use super::sensitivity::{Bar, Flip, Input, Metric, Outcome, Tornado, check_swing, evaluate_all, inputs_of, rank};
use super::sweep::{Axis, grid};
use super::{WhatIfError, targets_met};
use crate::model::{DisruptionKind, Duration};
use crate::platform::eval::PlanFigures;
use crate::platform::optimize::{PlatformResults, optimize, run_plans};
use crate::platform::{MAX_PLANS, Plan, Platform};
use crate::simulation::{RunOptions, SimulationError};

/// Whether the model text is a platform (lists `[[service]]` tables). Text
/// that is not TOML is not: the ordinary path reports its error.
pub fn is_platform(text: &str) -> bool {
    text.parse::<toml_edit::DocumentMut>().is_ok_and(|d| d.contains_key("service"))
}

/// The validated platform with every assignment applied.
///
/// # Errors
/// As [`param::model_with`]: a bad path or value, or the edited model's problems.
pub fn platform_with(text: &str, path: &Path, assignments: &[Assignment]) -> Result<Platform, ParamError> {
    let edited = param::apply(text, path, assignments)?;
    crate::platform::from_str_at(&edited, path).map_err(|source| ParamError::Invalid {
        assignments: assignments.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
        source,
    })
}

/// Evaluates a platform as `drsim run` does: every plan searched when the
/// product of the candidates allows ([`MAX_PLANS`]), else the listed plans.
///
/// # Errors
/// As [`optimize`] and [`run_plans`].
pub fn search(platform: &Platform, options: &RunOptions) -> Result<PlatformResults, SimulationError> {
    if platform.plan_count() <= MAX_PLANS { optimize(platform, options) } else { run_plans(platform, options) }
}

/// The plan chosen: the cheapest meeting every target, else the closest.
pub fn chosen(results: &PlatformResults) -> Option<&PlanFigures> {
    results.best.as_ref().or(results.closest.as_ref())
}

/// A plan's candidate indices from its `service=candidate` list.
fn choice_of(platform: &Platform, plan: &PlanFigures) -> Vec<usize> {
    platform
        .services
        .iter()
        .zip(&plan.choice)
        .map(|(s, c)| s.model.strategies.iter().position(|st| st.name == candidate(c)).unwrap_or(0))
        .collect()
}

/// One plan at one point: its cost and verdict.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlanVerdict {
    /// The plan's name (from the file, or its candidates for a plan found by search).
    pub name: String,
    /// The candidate of each service, as `service=candidate`.
    pub choice: Vec<String>,
    /// Expected annual cost, USD.
    pub annual_cost_usd: f64,
    /// P(targets met): the smallest share of outages (or incidents) meeting a
    /// target among its judged functions and services (see [`plan_outcome`]).
    pub p_targets_met: f64,
    /// Whether it meets every target.
    pub meets_targets: bool,
    /// What it misses, one line each.
    pub misses: Vec<String>,
}

impl PlanVerdict {
    fn of(platform: &Platform, p: &PlanFigures) -> PlanVerdict {
        PlanVerdict {
            name: p.name.clone(),
            choice: p.choice.clone(),
            annual_cost_usd: p.annual_cost_usd,
            p_targets_met: plan_outcome(platform, p).p_targets_met,
            meets_targets: p.meets_targets,
            misses: p.misses.clone(),
        }
    }
}

/// One grid point of a platform sweep.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlanPoint {
    /// One value per axis, in axis order.
    pub values: Vec<String>,
    /// The chosen plan: the cheapest meeting every target, or (when
    /// `meets_targets` is false) the closest; none when nothing was evaluated.
    pub chosen: Option<PlanVerdict>,
    /// Plans searched at this point (0: only the listed plans were run).
    pub plans_searched: u64,
    /// Every listed plan, in file order.
    pub plans: Vec<PlanVerdict>,
}

/// Where the chosen plan changes between two neighbouring points (the same
/// values on every axis but the last).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Switch {
    /// The values of the point before.
    pub from_values: Vec<String>,
    /// The values of the point after.
    pub to_values: Vec<String>,
    /// The plan chosen before.
    pub from_plan: String,
    /// The plan chosen after.
    pub to_plan: String,
    /// The last axis's value at which the two plans cost the same, by linear
    /// interpolation of their cost difference between the two points (exact
    /// when the costs move linearly, as with a fixed cost); none when a verdict
    /// changed instead or the values are not numbers or durations.
    pub break_even: Option<String>,
    /// Why the choice changes, as it reads.
    pub why: String,
}

/// A finished platform sweep.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlanSweep {
    /// The swept parameters.
    pub axes: Vec<Axis>,
    /// Every point of the grid, the last axis varying fastest.
    pub points: Vec<PlanPoint>,
    /// Every change of the chosen plan along the last axis, in grid order.
    pub switches: Vec<Switch>,
    /// The required share of incidents (and outages) meeting each target.
    pub confidence: f64,
}

impl PlanSweep {
    /// The sweep as the sweep chart reads it: one line per listed plan and
    /// one for the chosen plan (`chosen`), P(targets met) as in
    /// [`PlanVerdict::p_targets_met`] (no interval: estimate and low equal),
    /// no P95 cost and no downtime.
    pub fn as_sweep(&self) -> super::sweep::Sweep {
        let line = |name: &str, v: Option<&PlanVerdict>| {
            let met = v.map_or(f64::NAN, |v| v.p_targets_met);
            let share = super::WorstShare { estimate: met, low: met };
            super::sweep::StrategyPoint {
                strategy: name.to_string(),
                rto_met: share,
                rpo_met: share,
                expected_annual_cost_usd: v.map_or(f64::NAN, |v| v.annual_cost_usd),
                p95_annual_cost_usd: f64::NAN,
                meets_targets: v.is_some_and(|v| v.meets_targets),
                annual_downtime_s: f64::NAN,
                annual_downtime_se_s: f64::NAN,
            }
        };
        let points = self
            .points
            .iter()
            .map(|p| {
                let mut strategies: Vec<_> = p.plans.iter().map(|v| line(&v.name, Some(v))).collect();
                strategies.push(line("chosen", p.chosen.as_ref()));
                super::sweep::Point { values: p.values.clone(), strategies }
            })
            .collect();
        super::sweep::Sweep { axes: self.axes.clone(), points, confidence: self.confidence }
    }
}

/// A value as a number on its axis: a plain number, or a duration in seconds.
fn numeric(value: &str) -> Option<(bool, f64)> {
    if let Ok(x) = value.trim().parse::<f64>() {
        return Some((false, x));
    }
    Duration::parse(value.trim()).ok().map(|d| (true, d.secs()))
}

/// Runs the platform at every grid point with the same options (and so the
/// same seed). Every point is validated before any is simulated, so a bad
/// value fails at once. `on_point` hears each finished point's index.
///
/// # Errors
/// A bad path or value ([`WhatIfError::Param`]); a failed simulation.
pub fn sweep(
    text: &str,
    path: &Path,
    axes: &[Axis],
    options: &RunOptions,
    mut on_point: impl FnMut(usize, usize),
) -> Result<PlanSweep, WhatIfError> {
    let combos = grid(axes);
    let platforms = combos
        .iter()
        .map(|values| {
            let set: Vec<Assignment> =
                axes.iter().zip(values).map(|(a, v)| Assignment { path: a.path.clone(), value: v.clone() }).collect();
            platform_with(text, path, &set)
        })
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(p) = platforms.first() {
        options.validate_for(p.world_model())?;
    }
    let confidence = platforms.first().map_or(1.0, |p| p.confidence);
    let mut points = Vec::with_capacity(platforms.len());
    let mut picks = Vec::with_capacity(platforms.len());
    for (i, (values, platform)) in combos.into_iter().zip(&platforms).enumerate() {
        let results = search(platform, options)?;
        let pick = chosen(&results).cloned();
        points.push(PlanPoint {
            values,
            chosen: pick.as_ref().map(|p| PlanVerdict::of(platform, p)),
            plans_searched: results.plans_searched,
            plans: results.plans.iter().map(|p| PlanVerdict::of(platform, p)).collect(),
        });
        picks.push(pick);
        on_point(i + 1, platforms.len());
    }
    let mut switches = Vec::new();
    for i in 1..points.len() {
        let (a, b) = (&points[i - 1], &points[i]);
        let last = a.values.len() - 1;
        let (Some(pa), Some(pb)) = (&picks[i - 1], &picks[i]) else { continue };
        if a.values[..last] != b.values[..last] || pa.choice == pb.choice {
            continue;
        }
        switches.push(switch(&platforms[i - 1..=i], (a, b), (pa, pb), options)?);
    }
    Ok(PlanSweep { axes: axes.to_vec(), points, switches, confidence })
}

/// The change of choice between points `a` and `b`: the two plans are run
/// at both points (listed alone, so only their combinations are simulated;
/// their figures are those of the search) and their cost difference is
/// interpolated to zero when both meet every target at both points.
fn switch(
    platforms: &[Platform],
    (a, b): (&PlanPoint, &PlanPoint),
    (pa, pb): (&PlanFigures, &PlanFigures),
    options: &RunOptions,
) -> Result<Switch, WhatIfError> {
    let pair = |platform: &Platform| -> Result<(PlanFigures, PlanFigures), WhatIfError> {
        let mut both = platform.clone();
        both.plans = vec![
            Plan { name: pa.name.clone(), choice: choice_of(platform, pa) },
            Plan { name: pb.name.clone(), choice: choice_of(platform, pb) },
        ];
        let mut plans = run_plans(&both, options)?.plans.into_iter();
        let (old, new) = (plans.next(), plans.next());
        old.zip(new).ok_or_else(|| WhatIfError::Request("a plan was not evaluated".into()))
    };
    let (old_a, new_a) = pair(&platforms[0])?;
    let (old_b, new_b) = pair(&platforms[1])?;
    let last = a.values.len() - 1;
    let all_meet = [&old_a, &new_a, &old_b, &new_b].iter().all(|p| p.meets_targets);
    let why = if all_meet {
        "both meet every target; the new choice becomes the cheaper".to_string()
    } else if !old_b.meets_targets && old_a.meets_targets {
        "the old choice stops meeting every target".to_string()
    } else if new_b.meets_targets && !new_a.meets_targets {
        "the new choice starts meeting every target".to_string()
    } else {
        "no plan meets every target; the new choice comes closer".to_string()
    };
    let break_even = match (all_meet, numeric(&a.values[last]), numeric(&b.values[last])) {
        (true, Some((duration, xa)), Some((_, xb))) => {
            let da = old_a.annual_cost_usd - new_a.annual_cost_usd;
            let db = old_b.annual_cost_usd - new_b.annual_cost_usd;
            (da != db).then(|| {
                let x = xa + (xb - xa) * (-da) / (db - da);
                if duration { format!("{:#}", Duration::from_secs(x.round())) } else { crate::fit::sig(x, 6) }
            })
        }
        _ => None,
    };
    Ok(Switch {
        from_values: a.values.clone(),
        to_values: b.values.clone(),
        from_plan: pa.name.clone(),
        to_plan: pb.name.clone(),
        break_even,
        why,
    })
}

/// A plan's figures as a tornado's [`Outcome`]: its expected annual cost;
/// P(targets met) as the smallest share of outages meeting a target among
/// its judged functions and of incidents among its services with targets;
/// per kind, the smallest share of incidents meeting both targets among its
/// services; P(a year with a total loss) as the largest among its services
/// (a lower bound of the platform's; `--metric total-loss` is refused).
pub fn plan_outcome(platform: &Platform, p: &PlanFigures) -> Outcome {
    let mut p_met: f64 = 1.0;
    for (f, figures) in platform.functions.iter().zip(&p.functions) {
        if f.judged && figures.rto_met.trials > 0 {
            p_met = p_met.min(figures.rto_met.estimate).min(figures.rpo_met.estimate);
        }
    }
    let mut by_kind: [Option<f64>; DisruptionKind::COUNT] = [None; DisruptionKind::COUNT];
    let mut total_loss: f64 = 0.0;
    for (service, figures) in platform.services.iter().zip(&p.services) {
        if service.has_targets {
            p_met = p_met.min(targets_met(&figures.summary));
        }
        for k in figures.summary.kinds.iter().filter(|k| k.incidents > 0) {
            let slot = &mut by_kind[k.kind.index()];
            *slot = Some(slot.map_or(k.both_met.estimate, |x: f64| x.min(k.both_met.estimate)));
        }
        total_loss = total_loss.max(figures.summary.years_with_total_data_loss.estimate);
    }
    Outcome {
        expected_annual_cost_usd: p.annual_cost_usd,
        p_targets_met: p_met,
        targets_met_by_kind: by_kind,
        total_loss_year: total_loss,
        meets_targets: p.meets_targets,
    }
}

/// The plan a search chose as a [`Flip`] reads it: its name, marked when it
/// is only the closest.
fn pick_label(results: &PlatformResults) -> Option<String> {
    match (&results.best, &results.closest) {
        (Some(b), _) => Some(b.name.clone()),
        (None, Some(c)) => Some(format!("{} (closest; none meets every target)", c.name)),
        (None, None) => None,
    }
}

/// The tornado of the plan chosen with every input as in the model (the
/// cheapest meeting every target, or the closest), ranked by `metric`: the
/// shared inputs, every service's own (`service.NAME.dataset_gb`) and the
/// parameters of the chosen plan's candidates, each at its low and high
/// value (as [`super::sensitivity`] chooses them). At each, the chosen plan
/// is evaluated as it is (its bars) and every plan searched again: an input
/// whose low or high value changes the choice is a [`Flip`], naming the plan
/// chosen there. The tornado's `strategy` reads `plan NAME`.
///
/// # Errors
/// A bad `swing`; `--metric total-loss` (not defined for a plan); a model
/// that does not load; a failed simulation. An input whose low or high value
/// makes the model invalid is left out and named in `on_skip`.
#[allow(clippy::too_many_arguments)]
pub fn tornado(
    text: &str,
    path: &Path,
    swing: f64,
    metric: Metric,
    options: &RunOptions,
    mut on_progress: impl FnMut(usize, usize),
    mut on_skip: impl FnMut(&Input, &WhatIfError),
) -> Result<Tornado, WhatIfError> {
    check_swing(swing)?;
    if metric == Metric::TotalLoss {
        return Err(WhatIfError::Request(
            "--metric total-loss: not defined for a plan (services lose data apart); allowed for a platform: cost, \
             target-met, target-met:az, target-met:region, target-met:logical"
                .into(),
        ));
    }
    let mut platform = platform_with(text, path, &[])?;
    options.validate_for(platform.world_model())?;
    let results = search(&platform, options)?;
    let Some(base) = chosen(&results).cloned() else {
        return Err(WhatIfError::Request("the platform has no plan to analyse; list one in [[plan]]".into()));
    };
    let base_pick = pick_label(&results);
    let choice = choice_of(&platform, &base);
    // The chosen plan is listed, so every evaluation judges it as it is.
    let at = platform.plans.iter().position(|p| p.choice == choice).unwrap_or_else(|| {
        platform.plans.push(Plan { name: base.name.clone(), choice: choice.clone() });
        platform.plans.len() - 1
    });
    let listed = platform.plans.clone();
    let baseline = plan_outcome(&platform, &base);
    let owners: Vec<String> = platform
        .services
        .iter()
        .zip(&base.choice)
        .map(|(s, c)| format!("service.{}.strategy.{}", s.name, candidate(c)))
        .collect();
    let doc = param::parse_document(text, path)?;
    let inputs = inputs_of(&doc, path, swing, &|owner: &str| owners.iter().any(|o| o == owner));
    let evaluated = evaluate_all(&inputs, options, &mut on_progress, |input, value, inner| {
        let mut edited =
            platform_with(text, path, &[Assignment { path: input.path.clone(), value: value.to_string() }])?;
        edited.plans = listed.clone();
        let results = search(&edited, inner)?;
        let fixed =
            results.plans.get(at).ok_or_else(|| WhatIfError::Request("the chosen plan was not evaluated".into()))?;
        Ok((plan_outcome(&edited, fixed), pick_label(&results)))
    })?;
    let mut bars = Vec::new();
    let mut flips = Vec::new();
    for (input, result) in inputs.into_iter().zip(evaluated) {
        match result {
            Ok(((low, low_pick), (high, high_pick))) => {
                for (side, pick, label) in [("low", low_pick, &input.low_label), ("high", high_pick, &input.high_label)]
                {
                    if pick != base_pick {
                        flips.push(Flip {
                            path: input.path.clone(),
                            at: side,
                            value_label: label.clone(),
                            recommended: pick,
                            baseline: base_pick.clone(),
                        });
                    }
                }
                bars.push(Bar { input, low, high });
            }
            Err(e @ WhatIfError::Param(_)) => on_skip(&input, &e),
            Err(e) => return Err(e),
        }
    }
    rank(&mut bars, metric);
    Ok(Tornado {
        strategy: format!("plan {}", base.name),
        baseline,
        bars,
        confidence: platform.confidence,
        metric: metric.label(),
        flips,
    })
}

/// The candidate of a `service=candidate` entry.
fn candidate(entry: &str) -> &str {
    entry.split_once('=').map_or(entry, |(_, c)| c)
}
