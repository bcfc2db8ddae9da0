//! `drsim optimize`: the search over every plan gives exactly the figures of
//! an ordinary evaluation of each plan, its choice is the best of an
//! exhaustive evaluation, and its memory does not grow with the trials.

mod common;

use std::path::Path;

use common::*;
use drsim::model::Duration;
use drsim::platform::optimize::{optimize, run_plans};
use drsim::platform::play::{Combos, Player};
use drsim::platform::{Plan, Platform, from_str_at};
use drsim::simulation::RunOptions;

const SEED: u64 = 20_260_101;

fn options(trials: u64) -> RunOptions {
    RunOptions { trials, years: 1.0, seed: SEED, threads: None }
}

/// Three services of three candidates each (cheap and slow to dear and
/// fast), region and AZ outages and logical damage, and two chain
/// functions with targets that rule some plans out.
fn three_by_three() -> Platform {
    let base = ModelSpec::new()
        .regions(&[("p", 2), ("dr", 2)])
        .rto("2h")
        .rpo("4h")
        .confidence(0.9)
        .response("detection", fixed("1m"))
        .response("decision", exponential("20m"))
        .failure(outage_failure("region", 2.0, &exponential("6h")).set("regions", "[\"p\"]"))
        .failure(outage_failure("az", 1.0, &exponential("3h")).set("regions", "[\"p\"]"))
        .failure(logical_failure(1.0, &exponential("2h")))
        .text();
    let cands = |scale: f64| {
        vec![
            backup_restore("wait")
                .set("invoke_after", s("100y"))
                .set("cost", format!("{{ total_usd = {:?} }}", 10_000.0 * scale))
                .with_backups(),
            backup_restore("restore").set("cost", format!("{{ total_usd = {:?} }}", 30_000.0 * scale)).with_backups(),
            pilot_light("pilot").set("cost", format!("{{ total_usd = {:?} }}", 90_000.0 * scale)).with_backups(),
        ]
    };
    let text = format!(
        "{base}{}{}{}\n[[function]]\nname = \"checkout\"\nservices = [\"web\", \"orders\", \"catalog\"]\n\
         revenue_share = 0.7\n\n[[function]]\nname = \"browse\"\nservices = [\"web\", \"catalog\"]\n\
         revenue_share = 0.3\nrto = \"12h\"\nrpo = \"1d\"\n",
        service("web", "stateless = true", cands(1.0)),
        service("orders", "", cands(1.5)),
        service("catalog", "", cands(0.5)),
    );
    load_platform(&text)
}

/// Every plan of the platform, listed last to first, so that a run of the
/// listed plans evaluates each function's combinations in another order
/// than the search does (and by the general sweep, not the search's
/// shared unions).
fn every_plan_backwards(platform: &Platform) -> Vec<Plan> {
    let mut plans = Vec::new();
    for a in (0..3).rev() {
        for b in (0..3).rev() {
            for c in (0..3).rev() {
                plans.push(Plan { name: format!("{a}{b}{c}"), choice: vec![a, b, c] });
            }
        }
    }
    assert_eq!(plans.len() as u64, platform.plan_count());
    plans
}

#[test]
fn the_search_picks_the_best_of_an_exhaustive_evaluation_with_the_same_figures() {
    let mut platform = three_by_three();
    let found = optimize(&platform, &options(2_000)).expect("optimizes");
    assert_eq!(found.plans_searched, 27);
    let best = found.best.clone().expect("some plan meets the targets");
    platform.plans = every_plan_backwards(&platform);
    let all = run_plans(&platform, &options(2_000)).expect("runs");
    assert!(all.plans.iter().any(|p| !p.meets_targets), "the targets must rule some plans out");
    assert!(all.plans.iter().any(|p| p.meets_targets), "some plan must meet them");
    let cheapest = all
        .plans
        .iter()
        .filter(|p| p.meets_targets)
        .min_by(|a, b| a.annual_cost_usd.total_cmp(&b.annual_cost_usd).then(b.name.cmp(&a.name)))
        .expect("some plan meets");
    assert_eq!(cheapest.choice, best.choice);
    assert_eq!(cheapest.annual_cost_usd.to_bits(), best.annual_cost_usd.to_bits());
    // Every figure of the chosen plan, and of every plan the search
    // reports, is the ordinary evaluation's, bit for bit.
    let json = |x: &drsim::platform::eval::PlanFigures| {
        let mut v = serde_json::to_value(x).expect("serializes");
        v["name"] = serde_json::Value::Null;
        v.to_string()
    };
    let reported = std::iter::once(&best).chain(found.runner_ups.iter().map(|u| &u.plan));
    for plan in reported {
        let same = all.plans.iter().find(|p| p.choice == plan.choice).expect("every plan was run");
        assert_eq!(json(same), json(plan), "plan {:?}", plan.choice);
    }
    // A run of the chosen plan alone: the same figures again.
    let choice = all.plans.iter().find(|p| p.choice == best.choice).unwrap().name.clone();
    platform.plans.retain(|p| p.name == choice);
    let alone = run_plans(&platform, &options(2_000)).expect("runs");
    assert_eq!(json(&alone.plans[0]), json(&best));
}

/// What one accumulator of a platform run holds, as bytes of its serialized
/// histograms: bounded by the histograms' fixed bucket range, whatever the
/// number of trials.
fn accumulated_bytes(platform: &Platform, combos: &Combos, trials: u64) -> (usize, Vec<usize>) {
    let player = Player::new(platform, combos, SEED, Duration::YEAR);
    let (tally, _) = player.run(0..trials, Some(1)).expect("runs");
    let sizes: Vec<usize> = tally.functions.iter().map(Vec::len).collect();
    let bytes = tally
        .functions
        .iter()
        .flatten()
        .map(|t| {
            serde_json::to_string(&t.downtime_s).unwrap().len() + serde_json::to_string(&t.data_loss_s).unwrap().len()
        })
        .max()
        .unwrap_or(0);
    (bytes, sizes)
}

#[test]
fn the_searchs_memory_is_one_accumulator_per_combination_whatever_the_trials() {
    let platform = three_by_three();
    let combos = Combos::all(&platform);
    let (small, few) = accumulated_bytes(&platform, &combos, 200);
    let (large, many) = accumulated_bytes(&platform, &combos, 4_000);
    // One accumulator per combination of each function (3^3 and 3^2), not per trial.
    assert_eq!(few, vec![27, 9]);
    assert_eq!(many, few);
    // A histogram spans at most its fixed range of buckets (1e-6 to 1e15 at
    // 0.5% relative accuracy: under 5,000), whatever the trials: its
    // serialized size has a bound that 20 times more trials cannot pass.
    let bound = 5_000 * 21 + 1_000;
    assert!(small <= bound && large <= bound, "{small} {large} bytes");
}

// One response for the platform. Services a and b run in region p and fail
// over to dr by pilot light (every step fixed 0 but detection); p is lost 3
// times a year for a fixed 100 h, so every outage is one incident of each,
// down exactly its detection time. Detection is uniform on [1 min, 61 min]
// and is drawn once per event for the platform: both services are down over
// the same interval, the chain needing both is down exactly as long as each
// (E[downtime] = 31 min), not over the longer of two independent draws
// (E[max] = 1 + 60 x 2/3 = 41 min).
#[test]
fn services_hit_by_one_event_share_one_detection() {
    let base = ModelSpec::new()
        .regions(&[("p", 2), ("dr", 2)])
        .response("detection", uniform("1m", "61m"))
        .failure(outage_failure("region", 3.0, &fixed("100h")).set("regions", "[\"p\"]"))
        .text();
    let text = format!(
        "{base}{}{}\n[[function]]\nname = \"both\"\nservices = [\"a\", \"b\"]\nrevenue_share = 1.0\n\
         \n[[plan]]\nname = \"pl\"\nservices = {{ a = \"pl\", b = \"pl\" }}\n",
        service("a", "", vec![pilot_light("pl")]),
        service("b", "", vec![pilot_light("pl")]),
    );
    let platform = from_str_at(&text, Path::new("t.toml")).expect("valid");
    let results = run_plans(&platform, &options(4_000)).expect("runs");
    let plan = &results.plans[0];
    let (a, b, f) = (&plan.services[0].summary, &plan.services[1].summary, &plan.functions[0]);
    assert!(a.incidents_per_year.value > 2.5, "{}", a.incidents_per_year.value);
    // The same detection for both, incident by incident: equal downtimes,
    // and the chain's downtime is each one's, not the longer of two.
    assert_eq!(a.annual_downtime_s.value, b.annual_downtime_s.value);
    assert_eq!(f.outages_per_year, a.incidents_per_year.value);
    assert!((f.downtime_per_year_s - a.annual_downtime_s.value).abs() < 1e-6, "{f:?}");
    // Mean downtime per outage: the detection's mean; SE: its standard
    // deviation (60 min / sqrt 12) over the square root of the outages.
    let outages = f.outages_per_year * 4_000.0;
    let mean = f.downtime_per_year_s / f.outages_per_year;
    assert_within_se("mean detection", mean, 31.0 * 60.0, 3600.0 / 12f64.sqrt() / outages.sqrt());
    assert!(mean < 36.0 * 60.0, "{mean} s: the longer of two independent draws would be 41 min");
}

/// The run of the reported plans takes the services' tallies of the search
/// (`Player::reusing_services`) instead of recording them again: every
/// figure, the plans' cost spreads and paired differences included, is the
/// same to the bit as when it records them, on one thread and on two.
#[test]
fn reusing_the_searchs_service_tallies_gives_the_same_figures() {
    let platform = three_by_three();
    let all = Combos::all(&platform);
    let plans = vec![vec![0, 1, 2], vec![2, 2, 2], vec![1, 0, 1]];
    let some = Combos::of_plans(&platform, &plans);
    for threads in [1, 2] {
        let search = Player::new(&platform, &all, SEED, Duration::YEAR).without_quantiles();
        let (searched, _) = search.run(0..3_000, Some(threads)).expect("runs");
        let own = Player::new(&platform, &some, SEED, Duration::YEAR).following(&plans);
        let (recorded, _) = own.run(0..3_000, Some(threads)).expect("runs");
        let reusing =
            Player::new(&platform, &some, SEED, Duration::YEAR).following(&plans).reusing_services(searched.services);
        let (reused, _) = reusing.run(0..3_000, Some(threads)).expect("runs");
        assert_eq!(format!("{reused:?}"), format!("{recorded:?}"), "{threads} threads");
    }
}
