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
//!
//! The plans the search reports (the choice, the runner-ups and the listed
//! plans) are then run again, alone, on the same trials: an ordinary run
//! that gives the same figures bit for bit, and also follows each of them
//! whole, trial by trial, for what a sum of means cannot give: the standard
//! error and quantiles of each plan's annual cost and the paired difference
//! between plans (see [`super::plan_cost`]).

use schemars::JsonSchema;
use serde::Serialize;

use super::eval::{Evaluation, PlanFigures};
use super::play::{Combos, Player};
use super::swap::{OneChange, one_changes};
use super::{MAX_PLANS, Platform};
use crate::simulation::{RunOptions, SimulationError};
use crate::tally::Tally;

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

/// What [`simulate`] records.
#[derive(Clone, Debug)]
enum Record {
    /// The search: counts, sums and means, no function quantiles
    /// ([`Player::without_quantiles`]); its reported plans are run again.
    Search,
    /// The plans reported: every figure. The services' tallies are those
    /// given, when the search recorded them on the same trials
    /// ([`Player::reusing_services`]).
    Plans(Option<Vec<Tally>>),
}

/// Runs `combos` on the options' trials, following the plans `follow`
/// whole (each of their combinations must be in `combos`); returns the
/// evaluation, the threads used and the services' tallies.
fn simulate(
    platform: &Platform,
    combos: Combos,
    mut follow: Vec<Vec<usize>>,
    options: &RunOptions,
    record: Record,
) -> Result<(Evaluation, u64, Vec<Tally>), SimulationError> {
    options.validate_for(platform.world_model())?;
    // In one order whatever the caller's, so that a pair's difference is
    // accumulated the same way round (and gives the same bits) in any run
    // that follows both plans.
    follow.sort();
    follow.dedup();
    let mut player = Player::new(platform, &combos, options.seed, options.engine_config().horizon).following(&follow);
    match record {
        Record::Search => player = player.without_quantiles(),
        Record::Plans(Some(services)) => player = player.reusing_services(services),
        Record::Plans(None) => {}
    }
    let (tally, threads) = player.run(0..options.trials, options.threads)?;
    let eval = Evaluation::new(platform, combos.clone(), &tally, options.years, follow);
    Ok((eval, threads as u64, tally.services))
}

/// Runs exactly these plans, following each whole, with the services'
/// tallies of a search on the same trials when given.
fn simulate_plans(
    platform: &Platform,
    plans: Vec<Vec<usize>>,
    options: &RunOptions,
    services: Option<Vec<Tally>>,
) -> Result<(Evaluation, u64), SimulationError> {
    let (eval, threads, _) =
        simulate(platform, Combos::of_plans(platform, &plans), plans, options, Record::Plans(services))?;
    Ok((eval, threads))
}

/// Runs the plans the platform lists (for a model without services: one
/// plan per strategy) and judges them.
///
/// # Errors
/// As [`crate::simulation::Simulation::run`].
pub fn run_plans(platform: &Platform, options: &RunOptions) -> Result<PlatformResults, SimulationError> {
    let choices: Vec<Vec<usize>> = platform.plans.iter().map(|p| p.choice.clone()).collect();
    let (eval, threads) = simulate_plans(platform, choices, options, None)?;
    let plans: Vec<(Vec<usize>, PlanFigures)> = platform
        .plans
        .iter()
        .map(|p| {
            let figures =
                eval.plan(platform, &p.name, &p.choice).expect("every combination of a listed plan is evaluated");
            (p.choice.clone(), figures)
        })
        .collect();
    Ok(finish(platform, options, &eval, threads, 0, plans.clone(), plans))
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
    // Counts and means judge every plan; the plans reported are run again in full.
    let (search, _, services) = simulate(platform, Combos::all(platform), Vec::new(), options, Record::Search)?;
    let mut all: Vec<(f64, usize, Vec<usize>)> = Vec::with_capacity(count as usize);
    let mut choice = vec![0; platform.services.len()];
    for _ in 0..count {
        let cost = search.plan_cost(platform, &choice).expect("all combinations are evaluated");
        let misses = search.plan_misses(platform, &choice).expect("all combinations are evaluated").len();
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
    // The cheapest plans, the cheapest meeting every target and, when none
    // does, the closest: the pool the choice and its runner-ups come from.
    let mut pool: Vec<Vec<usize>> = all.iter().take(RUNNER_UPS + 1).map(|(_, _, c)| c.clone()).collect();
    let best_meeting = all.iter().find(|p| p.1 == 0);
    let closest = all.iter().min_by(|a, b| a.1.cmp(&b.1).then(a.0.total_cmp(&b.0)));
    if let Some((_, _, c)) = best_meeting.or(closest) {
        if !pool.contains(c) {
            pool.push(c.clone());
        }
    }
    // The reported plans again, alone and followed whole: the same figures,
    // and each plan's cost spread and paired differences.
    let listed: Vec<Vec<usize>> = platform.plans.iter().map(|p| p.choice.clone()).collect();
    let mut reported = pool.clone();
    reported.extend(listed.iter().filter(|c| !pool.contains(c)).cloned());
    // On the same trials: the services' tallies are the search's, to the bit.
    let (eval, threads) = simulate_plans(platform, reported, options, Some(services))?;
    let name = |c: &[usize]| {
        platform.plans.iter().find(|p| p.choice == c).map_or_else(|| platform.plan_label(c), |p| p.name.clone())
    };
    let figures = |c: &Vec<usize>| (c.clone(), eval.plan(platform, &name(c), c).expect("reported plans are run"));
    let listed = listed.iter().map(figures).collect();
    let mut results = finish(platform, options, &eval, threads, count, listed, pool.iter().map(figures).collect());
    if best_meeting.is_none() {
        if let Some((_, _, c)) = closest {
            results.one_changes = one_changes(platform, &search, c);
        }
    }
    Ok(results)
}

/// The choice among `pool` (each plan with its candidate per service) and
/// the runner-ups, with why each loses and its paired cost difference.
fn finish(
    platform: &Platform,
    options: &RunOptions,
    eval: &Evaluation,
    threads: u64,
    searched: u64,
    plans: Vec<(Vec<usize>, PlanFigures)>,
    mut pool: Vec<(Vec<usize>, PlanFigures)>,
) -> PlatformResults {
    pool.sort_by(|a, b| a.1.annual_cost_usd.total_cmp(&b.1.annual_cost_usd));
    let best = pool.iter().find(|p| p.1.meets_targets).cloned();
    let closest = if best.is_none() {
        pool.iter()
            .min_by(|a, b| {
                a.1.misses.len().cmp(&b.1.misses.len()).then(a.1.annual_cost_usd.total_cmp(&b.1.annual_cost_usd))
            })
            .cloned()
    } else {
        None
    };
    let reference = best.as_ref().or(closest.as_ref()).map(|r| r.0.clone());
    // Every other plan's cost against the choice, paired.
    let against = |(choice, mut p): (Vec<usize>, PlanFigures)| {
        p.cost_vs_chosen_usd = reference.as_ref().and_then(|r| eval.difference(&choice, r));
        (choice, p)
    };
    let pool: Vec<(Vec<usize>, PlanFigures)> = pool.into_iter().map(against).collect();
    let plans: Vec<PlanFigures> = plans.into_iter().map(|p| against(p).1).collect();
    let runner_ups = pool
        .iter()
        .filter(|p| reference.as_ref().is_none_or(|r| *r != p.0))
        .take(RUNNER_UPS)
        .map(|(_, p)| {
            let why = if !p.meets_targets {
                format!("misses {}", p.misses.join("; "))
            } else {
                let chosen = best.as_ref().map_or(0.0, |b| b.1.annual_cost_usd);
                let more = p.cost_vs_chosen_usd.map_or(p.annual_cost_usd - chosen, |d| d.value);
                let noise = p.cost_vs_chosen_usd.map_or(String::new(), |d| {
                    if d.resolved() {
                        format!(" (± {} at 95%)", crate::format::fmt_usd(crate::stats::z_for(0.95) * d.std_error))
                    } else {
                        format!(
                            ", within the simulation's noise (± {} at 95%): more trials would tell them apart",
                            crate::format::fmt_usd(crate::stats::z_for(0.95) * d.std_error)
                        )
                    }
                });
                format!("meets every target but costs {}/yr more{noise}", crate::format::fmt_usd(more))
            };
            RunnerUp { plan: p.clone(), why }
        })
        .collect();
    let (best, closest) = (best.map(|b| b.1), closest.map(|c| c.1));
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
