//! Running a platform: the plans its file lists, or the search of every plan
//! (the product of the services' candidates) for the cheapest one meeting
//! every target.
//!
//! The search does not simulate plans: every (service, candidate) is played
//! once per trial on the shared world, and every function is accumulated
//! under every combination of the candidates of the services it needs (a
//! function of 4 services with 4 candidates each: 256 accumulators), as the
//! trials stream. A plan's figures are then read off its services'
//! candidates and its functions' combinations; memory does not grow with the
//! trials.

use schemars::JsonSchema;
use serde::Serialize;

use super::eval::{Evaluation, PlanFigures};
use super::play::{Combos, Player};
use super::swap::{OneChange, one_changes};
use super::{MAX_PLANS, Platform};
use crate::simulation::{RunOptions, SimulationError};

/// A plan that is not the choice, and why.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct RunnerUp {
    /// The plan's figures.
    pub plan: PlanFigures,
    /// Why it is not chosen.
    pub why: String,
}

/// What a platform run found.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct PlatformResults {
    /// The workload.
    pub name: String,
    /// Master seed.
    pub seed: u64,
    /// Trials simulated.
    pub trials: u64,
    /// Years per trial.
    pub years: f64,
    /// Worker threads used.
    pub threads: u64,
    /// Plans searched (the product of the candidate counts; 0 when only the listed plans were run).
    pub plans_searched: u64,
    /// The plans the file lists, judged.
    pub plans: Vec<PlanFigures>,
    /// The cheapest plan meeting every target among those searched (or listed), if any.
    pub best: Option<PlanFigures>,
    /// When none meets: the one that comes closest (fewest misses, then cheapest).
    pub closest: Option<PlanFigures>,
    /// The next cheapest plans, each with why it loses.
    pub runner_ups: Vec<RunnerUp>,
    /// When the search evaluated every plan and none meets every target: the
    /// plans one service away from the closest ([`super::swap`]), for what
    /// it would take. Not in results.json.
    #[serde(skip)]
    #[schemars(skip)]
    pub one_changes: Vec<OneChange>,
}

/// Runner-ups reported.
pub const RUNNER_UPS: usize = 5;

fn simulate(platform: &Platform, combos: Combos, options: &RunOptions) -> Result<(Evaluation, u64), SimulationError> {
    options.validate_for(platform.world_model())?;
    let player = Player::new(platform, &combos, options.seed, options.engine_config().horizon);
    let (tally, threads) = player.run(0..options.trials, options.threads)?;
    Ok((Evaluation::new(platform, combos.clone(), &tally, options.years), threads as u64))
}

/// Runs the plans the platform lists (for a model without services: one
/// plan per strategy) and judges them.
///
/// # Errors
/// As [`crate::simulation::Simulation::run`].
pub fn run_plans(platform: &Platform, options: &RunOptions) -> Result<PlatformResults, SimulationError> {
    let choices: Vec<Vec<usize>> = platform.plans.iter().map(|p| p.choice.clone()).collect();
    let (eval, threads) = simulate(platform, Combos::of_plans(platform, &choices), options)?;
    let plans: Vec<PlanFigures> = platform
        .plans
        .iter()
        .map(|p| eval.plan(platform, &p.name, &p.choice).expect("every combination of a listed plan is evaluated"))
        .collect();
    Ok(finish(platform, options, threads, 0, plans.clone(), plans))
}

/// Searches every plan for the cheapest meeting every target; also judges
/// the listed plans.
///
/// # Errors
/// [`SimulationError::Option`] when the product of the candidates exceeds
/// [`MAX_PLANS`]; otherwise as [`crate::simulation::Simulation::run`].
pub fn optimize(platform: &Platform, options: &RunOptions) -> Result<PlatformResults, SimulationError> {
    let count = platform.plan_count();
    if count > MAX_PLANS {
        return Err(SimulationError::Option {
            what: "optimize",
            value: format!("{count} plans"),
            allowed: "at most 1,048,576 plans (the product of every service's candidate count)",
        });
    }
    let (eval, threads) = simulate(platform, Combos::all(platform), options)?;
    let mut all: Vec<(f64, usize, Vec<usize>)> = Vec::with_capacity(count as usize);
    let mut choice = vec![0; platform.services.len()];
    for _ in 0..count {
        let cost = eval.plan_cost(platform, &choice).expect("all combinations are evaluated");
        let misses = eval.plan_misses(platform, &choice).expect("all combinations are evaluated").len();
        all.push((cost, misses, choice.clone()));
        // Next plan: mixed radix, last service fastest.
        for s in (0..choice.len()).rev() {
            choice[s] += 1;
            if choice[s] < platform.services[s].candidates() {
                break;
            }
            choice[s] = 0;
        }
    }
    // Cheapest first; ties broken by the plan's position in the product.
    all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.2.cmp(&b.2)));
    let name = |c: &[usize]| {
        platform.plans.iter().find(|p| p.choice == c).map_or_else(|| platform.plan_label(c), |p| p.name.clone())
    };
    let figures = |c: &[usize]| eval.plan(platform, &name(c), c).expect("all combinations are evaluated");
    let ranked: Vec<PlanFigures> = all.iter().take(RUNNER_UPS + 1).map(|(_, _, c)| figures(c)).collect();
    let best_meeting = all.iter().find(|p| p.1 == 0).map(|(_, _, c)| figures(c));
    let listed: Vec<PlanFigures> = platform.plans.iter().map(|p| figures(&p.choice)).collect();
    let mut candidates = ranked;
    if let Some(b) = &best_meeting {
        if !candidates.iter().any(|p| p.choice == b.choice) {
            candidates.push(b.clone());
        }
    }
    let closest_choice = if best_meeting.is_none() {
        all.iter().min_by(|a, b| a.1.cmp(&b.1).then(a.0.total_cmp(&b.0))).map(|(_, _, c)| c)
    } else {
        None
    };
    let closest = closest_choice.map(|c| figures(c));
    let mut results = finish(platform, options, threads, count, listed, candidates);
    if closest.is_some() {
        results.closest = closest;
    }
    if let Some(c) = closest_choice {
        results.one_changes = one_changes(platform, &eval, c);
    }
    Ok(results)
}

/// The choice among `pool` and the runner-ups, with why each loses.
fn finish(
    platform: &Platform,
    options: &RunOptions,
    threads: u64,
    searched: u64,
    plans: Vec<PlanFigures>,
    mut pool: Vec<PlanFigures>,
) -> PlatformResults {
    pool.sort_by(|a, b| a.annual_cost_usd.total_cmp(&b.annual_cost_usd));
    let best = pool.iter().find(|p| p.meets_targets).cloned();
    let closest = if best.is_none() {
        pool.iter()
            .min_by(|a, b| a.misses.len().cmp(&b.misses.len()).then(a.annual_cost_usd.total_cmp(&b.annual_cost_usd)))
            .cloned()
    } else {
        None
    };
    let reference = best.as_ref().or(closest.as_ref());
    let runner_ups = pool
        .iter()
        .filter(|p| reference.is_none_or(|r| r.choice != p.choice))
        .take(RUNNER_UPS)
        .map(|p| {
            let why = if !p.meets_targets {
                format!("misses {}", p.misses.join("; "))
            } else {
                let more = p.annual_cost_usd - reference.map_or(0.0, |r| r.annual_cost_usd);
                format!("meets every target but costs {}/yr more", crate::format::fmt_usd(more))
            };
            RunnerUp { plan: p.clone(), why }
        })
        .collect();
    PlatformResults {
        name: platform.name.clone(),
        seed: options.seed,
        trials: options.trials,
        years: options.years,
        threads,
        plans_searched: searched,
        plans,
        best,
        closest,
        runner_ups,
        one_changes: Vec::new(),
    }
}
