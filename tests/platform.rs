//! Platforms: services sharing one world, functions over them, plans and
//! the search for the cheapest plan.

mod common;

use std::path::Path;

use common::*;
use drsim::platform::from_str_at;
use drsim::platform::optimize::{optimize, run_plans};
use drsim::simulation::{RunOptions, simulate};

const SEED: u64 = 20_260_101;

fn options(trials: u64) -> RunOptions {
    RunOptions { trials, years: 1.0, seed: SEED, threads: None }
}

// Series and 1-of-2. Services a (region p) and b (region q) ride out the
// outages of their own region; each region is an alternating renewal process
// (up -> down at λ = 4/yr, down for Exp(mean 7 d)) starting up, independent of
// the other. With c = λ/(λ+μ), s = λ+μ, P(down at t) = p(t) = c(1 − e^{−st}):
//   ∫0^H p = c(H − (1 − e^{−sH})/s),
//   ∫0^H p² = c²(H − 2(1 − e^{−sH})/s + (1 − e^{−2sH})/(2s)).
// A chain needing both is down while either is: E[down] = 2∫p − ∫p², i.e.
// availability A1·A2 at every instant, integrated over the finite horizon;
// a function needing 1 of the 2 is down while both are: E[down] = ∫p²
// (1 − U1·U2). SE: the function's per-trial downtime standard error.
#[test]
fn a_chain_has_availability_a1_times_a2_and_one_of_two_has_one_minus_u1_u2() {
    let (l, m) = (4.0, 7.0 * 86_400.0);
    let base = ModelSpec::new()
        .regions(&[("p", 1), ("q", 1), ("dr", 1)])
        .failure(outage_failure("region", l, &exponential("7d")).set("regions", "[\"p\", \"q\"]"))
        .text();
    let text = format!(
        "{base}{}{}\n[[function]]\nname = \"both\"\nservices = [\"a\", \"b\"]\nrevenue_share = 0.5\n\
         \n[[function]]\nname = \"either\"\nservices = [\"a\", \"b\"]\nat_least = 1\nrevenue_share = 0.5\n\
         \n[[plan]]\nname = \"ride\"\nservices = {{ a = \"ride\", b = \"ride\" }}\n",
        service("a", "region = \"p\"", vec![ride("ride")]),
        service("b", "region = \"q\"", vec![ride("ride")]),
    );
    let platform = load_platform(&text);
    let results = run_plans(&platform, &options(20_000)).expect("runs");
    let plan = &results.plans[0];
    let (lambda, mu, h) = (l / YEAR_S, 1.0 / m, YEAR_S);
    let (c, sr) = (lambda / (lambda + mu), lambda + mu);
    let int_p = c * (h - (1.0 - (-sr * h).exp()) / sr);
    let int_p2 = c * c * (h - 2.0 * (1.0 - (-sr * h).exp()) / sr + (1.0 - (-2.0 * sr * h).exp()) / (2.0 * sr));
    let both = &plan.functions[0];
    let either = &plan.functions[1];
    assert_within_se(
        "chain availability",
        both.availability.value,
        1.0 - (2.0 * int_p - int_p2) / h,
        both.availability.std_error,
    );
    assert_within_se("1-of-2 availability", either.availability.value, 1.0 - int_p2 / h, either.availability.std_error);
    // Each service alone: 1 − ∫p/H.
    for s in &plan.services {
        assert_within_se(&s.service, s.summary.availability.value, 1.0 - int_p / h, s.summary.availability.std_error);
    }
}

// Same AZ, same instant. Services a and b both run single-AZ in AZ 0 of p.
// AZ outages last exactly 2 h. a rides them out: down 7,200 s each. b is a
// pilot light whose only non-zero step is a fixed 30-minute decision: down
// 1,800 s from the same instant, then served from dr (failback 0 s). The
// chain needing both is down over the union, [t, t + 7200 s): 7,200 s per
// outage, not the sum 9,000 s, and exactly a's downtime (both clipped at the
// horizon alike).
#[test]
fn two_services_in_one_az_fail_together_and_a_chain_is_down_over_the_union() {
    let base = ModelSpec::new()
        .regions(&[("p", 2), ("dr", 2)])
        .response("decision", fixed("30m"))
        .failure(outage_failure("az", 3.0, &fixed("2h")).set("regions", "[\"p\"]"))
        .text();
    let text = format!(
        "{base}{}{}\n[[function]]\nname = \"checkout\"\nservices = [\"a\", \"b\"]\nrevenue_share = 1.0\n",
        service("a", "", vec![ride("ride")]),
        service("b", "", vec![pilot_light("pl").set("deployment", s("single_az"))]),
    );
    let mut platform = load_platform(&text);
    platform.plans = vec![drsim::platform::Plan { name: "only".into(), choice: vec![0, 0] }];
    let results = run_plans(&platform, &options(4_000)).expect("runs");
    let plan = &results.plans[0];
    let (a, b, f) = (&plan.services[0].summary, &plan.services[1].summary, &plan.functions[0]);
    let incidents = |s: &drsim::summary::StrategySummary| s.kinds.iter().map(|k| k.incidents).sum::<u64>();
    assert_eq!(incidents(a), incidents(b), "both see every AZ 0 outage");
    assert!(incidents(a) > 10_000, "{} outages", incidents(a));
    // a: 7,200 s per outage; b: 1,800 s per outage (up to horizon clipping).
    let per = |s: &drsim::summary::StrategySummary| s.annual_downtime_s.value / s.incidents_per_year.value;
    assert!((per(a) - 7200.0).abs() < 10.0 && (per(b) - 1800.0).abs() < 5.0, "a {} b {}", per(a), per(b));
    assert_eq!(f.outages_per_year, a.incidents_per_year.value, "one function outage per AZ outage");
    assert!(
        (f.downtime_per_year_s - a.annual_downtime_s.value).abs() < 1e-3,
        "union {} != a's downtime {} (sum would be {})",
        f.downtime_per_year_s,
        a.annual_downtime_s.value,
        a.annual_downtime_s.value + b.annual_downtime_s.value
    );
    let rto = f.rto_s.expect("outages");
    assert!((rto.p50.value - 7200.0).abs() <= 7200.0 * 0.005, "RTO p50 {}", rto.p50.value);
}

/// Three services of three candidates (cost 10k/30k/90k a year, slow to
/// fast), two functions with an RTO target most slow plans miss.
fn three_by_three() -> String {
    let base = ModelSpec::new()
        .regions(&[("p", 2), ("dr", 2)])
        .rto("2h")
        .confidence(0.9)
        .response("detection", fixed("1m"))
        .response("decision", exponential("20m"))
        .failure(outage_failure("region", 2.0, &exponential("6h")).set("regions", "[\"p\"]"))
        .text();
    let cands = |scale: f64| {
        vec![
            ride("wait").set("cost", format!("{{ total_usd = {:?} }}", 10_000.0 * scale)),
            backup_restore("restore").set("cost", format!("{{ total_usd = {:?} }}", 30_000.0 * scale)),
            pilot_light("pilot").set("cost", format!("{{ total_usd = {:?} }}", 90_000.0 * scale)),
        ]
    };
    format!(
        "{base}{}{}{}\n[[function]]\nname = \"checkout\"\nservices = [\"web\", \"orders\"]\nrevenue_share = 0.7\n\
         \n[[function]]\nname = \"browse\"\nservices = [\"web\", \"catalog\"]\nrevenue_share = 0.3\nrto = \"12h\"\n",
        service("web", "stateless = true", cands(1.0)),
        service("orders", "", cands(1.5)),
        service("catalog", "", cands(0.5)),
    )
}

/// Every plan of [`three_by_three`], named by its candidates (`"021"`).
fn every_plan() -> Vec<drsim::platform::Plan> {
    let mut every = Vec::new();
    for a in 0..3 {
        for b in 0..3 {
            for c in 0..3 {
                every.push(drsim::platform::Plan { name: format!("{a}{b}{c}"), choice: vec![a, b, c] });
            }
        }
    }
    every
}

#[test]
fn the_optimizer_picks_the_best_of_an_exhaustive_evaluation_at_the_cost_of_a_full_run() {
    let mut platform = load_platform(&three_by_three());
    let found = optimize(&platform, &options(3_000)).expect("optimizes");
    assert_eq!(found.plans_searched, 27);
    let best = found.best.clone().expect("some plan meets the targets");
    // Exhaustive: every plan listed and run as an ordinary run of plans.
    platform.plans = every_plan();
    let all = run_plans(&platform, &options(3_000)).expect("runs");
    let cheapest = all
        .plans
        .iter()
        .filter(|p| p.meets_targets)
        .min_by(|a, b| a.annual_cost_usd.total_cmp(&b.annual_cost_usd))
        .expect("some plan meets");
    assert_eq!(cheapest.choice, best.choice);
    assert_eq!(cheapest.annual_cost_usd, best.annual_cost_usd);
    assert!(all.plans.iter().any(|p| !p.meets_targets), "the targets must rule some plans out");
    // A full run of the chosen plan alone gives the same cost, exactly.
    let choice: Vec<usize> = platform
        .plans
        .iter()
        .find(|p| best.choice == cheapest.choice && p.name == cheapest.name)
        .unwrap()
        .choice
        .clone();
    platform.plans = vec![drsim::platform::Plan { name: "chosen".into(), choice }];
    let alone = run_plans(&platform, &options(3_000)).expect("runs");
    assert_eq!(alone.plans[0].annual_cost_usd, best.annual_cost_usd);
    assert_eq!(alone.plans[0].functions[0].availability.value, best.functions[0].availability.value);
    // Every runner-up says why it loses.
    assert!(found.runner_ups.iter().all(|u| !u.why.is_empty()));
}

#[test]
fn a_model_without_services_is_one_service_with_todays_figures() {
    let model = ModelSpec::new()
        .failure(outage_failure("region", 3.0, &exponential("5h")))
        .failure(outage_failure("az", 2.0, &exponential("2h")))
        .strategy(backup_restore("br"))
        .strategy(pilot_light("pl"))
        .build();
    let today = simulate(&model, &options(5_000)).expect("runs");
    let platform = drsim::platform::implied(model);
    let results = run_plans(&platform, &options(5_000)).expect("runs");
    for (i, plan) in results.plans.iter().enumerate() {
        let ours = serde_json::to_string(&plan.services[0].summary).unwrap();
        let theirs = serde_json::to_string(&today.strategies[i]).unwrap();
        assert_eq!(ours, theirs, "strategy {i}");
        assert_eq!(plan.meets_targets, today.decision.verdicts[i].meets_targets);
    }
}

#[test]
fn bad_platform_values_are_named_by_line_column_and_key() {
    let text = three_by_three().replace("name = \"catalog\"\n", "name = \"catalog\"\ndataset_gb = -1.0\n");
    let err = from_str_at(&text, Path::new("t.toml")).unwrap_err().to_string();
    assert!(err.contains("service[2].dataset_gb: -1 is not allowed; allowed:"), "{err}");
    assert!(err.starts_with("t.toml:"), "{err}");
    let text = three_by_three()
        + "\n[[plan]]\nname = \"x\"\nservices = { web = \"wait\", orders = \"nope\", catalog = \"wait\" }\n";
    let err = from_str_at(&text, Path::new("t.toml")).unwrap_err().to_string();
    assert!(
        err.contains(
            "plan[0].services.orders: service \"orders\" has no candidate \"nope\"; allowed: wait, restore, pilot"
        ),
        "{err}"
    );
    let text = three_by_three().replace("services = [\"web\", \"catalog\"]", "services = [\"web\", \"catalogue\"]");
    let err = from_str_at(&text, Path::new("t.toml")).unwrap_err().to_string();
    assert!(err.contains("function[1].services[1]: no service \"catalogue\"; allowed: web, orders, catalog"), "{err}");
    // An error inside a candidate names its line and the service.
    let text = three_by_three().replacen("invoke_after = \"100y\"", "invoke_after = \"soon\"", 1);
    let err = from_str_at(&text, Path::new("t.toml")).unwrap_err().to_string();
    assert!(err.contains("invoke_after"), "{err}");
}

// A plan's cost trial by trial. Each trial of the 3 x 3 x 3 platform is run
// alone, and its total for a plan is added by hand from the tallies the
// search itself reads (each service's candidate cost, each function's lost
// revenue and orders under the plan's combination). Over those trials: the
// mean is the plan's cost, the sample standard error and the paired
// difference's (mean, standard error) are what the run reports, and the
// nearest-rank P95 lies in the reported P95's 95% interval. Tolerances: the
// 1e-6 USD fixed-point rounding of each trial's total.
#[test]
fn each_plans_cost_spread_and_paired_difference_match_a_hand_computation_over_its_trials() {
    use drsim::platform::play::{Combos, Player};
    let mut platform = load_platform(&three_by_three());
    let plans = vec![vec![0, 0, 0], vec![2, 1, 0], vec![1, 2, 2]];
    platform.plans = plans
        .iter()
        .enumerate()
        .map(|(i, c)| drsim::platform::Plan { name: format!("p{i}"), choice: c.clone() })
        .collect();
    let trials = 400;
    let results = run_plans(&platform, &options(trials)).expect("runs");
    let combos = Combos::of_plans(&platform, &plans);
    let player = Player::new(&platform, &combos, SEED, drsim::model::Duration::YEAR);
    let mut totals = vec![Vec::new(); plans.len()];
    for t in 0..trials {
        let (tally, _) = player.run(t..t + 1, Some(1)).expect("runs");
        for (plan, out) in plans.iter().zip(totals.iter_mut()) {
            let mut total = 0.0;
            for (s, &c) in plan.iter().enumerate() {
                total += tally.services[s].strategies[c].trial_cost_usd.moments().mean();
            }
            for (f, tallies) in tally.functions.iter().enumerate() {
                total += tallies[combos.index(&platform, f, plan).unwrap()].trial_cost_usd.mean();
            }
            out.push(total);
        }
    }
    let n = trials as f64;
    let mean = |x: &[f64]| x.iter().sum::<f64>() / n;
    let se = |x: &[f64]| {
        let m = mean(x);
        (x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1.0) / n).sqrt()
    };
    let rounding = 1e-6 * 4.0;
    for (i, p) in results.plans.iter().enumerate() {
        let spread = p.annual_cost_spread_usd.as_ref().expect("a listed plan is followed whole");
        assert!((p.annual_cost_usd - mean(&totals[i])).abs() <= rounding, "{}: mean", p.name);
        assert!((spread.std_error - se(&totals[i])).abs() <= 1e-6 * se(&totals[i]).max(1.0), "{}: SE", p.name);
        let mut sorted = totals[i].clone();
        sorted.sort_by(f64::total_cmp);
        let p95 = sorted[(0.95 * n).ceil() as usize - 1];
        let q = &spread.quantiles.as_ref().expect("quantiles").p95;
        assert!(q.low <= p95 * 1.005 && p95 <= q.high * 1.005, "{}: P95 {p95} outside [{}, {}]", p.name, q.low, q.high);
    }
    // The first listed plan is not necessarily the chosen one: check every
    // plan's difference against the chosen, by hand.
    let chosen = results.best.as_ref().or(results.closest.as_ref()).expect("a choice");
    let c = results.plans.iter().position(|p| p.choice == chosen.choice).expect("chosen among the listed");
    for (i, p) in results.plans.iter().enumerate() {
        let Some(d) = p.cost_vs_chosen_usd else {
            assert_eq!(i, c, "only the chosen plan has no difference");
            continue;
        };
        let diff: Vec<f64> = totals[i].iter().zip(&totals[c]).map(|(a, b)| a - b).collect();
        assert!((d.value - mean(&diff)).abs() <= 2.0 * rounding, "{}: paired mean", p.name);
        assert!((d.std_error - se(&diff)).abs() <= 1e-6 * se(&diff).max(1.0), "{}: paired SE", p.name);
        // The shared noise cancels: the paired SE is below the unpaired one.
        assert!(d.std_error < (se(&totals[i]).powi(2) + se(&totals[c]).powi(2)).sqrt(), "{}", p.name);
    }
}

// The runner-ups are the cheapest plans other than the choice, whatever the
// choice is: an exhaustive run of every plan ranks them the same way.
#[test]
fn the_runner_ups_are_the_next_cheapest_plans_of_an_exhaustive_evaluation() {
    let mut platform = load_platform(&three_by_three());
    let found = optimize(&platform, &options(2_000)).expect("optimizes");
    let chosen = found.best.as_ref().or(found.closest.as_ref()).expect("a choice").choice.clone();
    platform.plans = every_plan();
    let all = run_plans(&platform, &options(2_000)).expect("runs");
    let mut others: Vec<_> = all.plans.iter().filter(|p| p.choice != chosen).collect();
    others.sort_by(|a, b| a.annual_cost_usd.total_cmp(&b.annual_cost_usd));
    let want: Vec<&Vec<String>> = others.iter().take(found.runner_ups.len()).map(|p| &p.choice).collect();
    let got: Vec<&Vec<String>> = found.runner_ups.iter().map(|u| &u.plan.choice).collect();
    assert_eq!(got, want);
    // Each runner-up's cost against the choice is the exhaustive run's paired difference.
    for u in &found.runner_ups {
        let d = u.plan.cost_vs_chosen_usd.expect("paired against the choice");
        let same = all.plans.iter().find(|p| p.choice == u.plan.choice).unwrap();
        let base = all.plans.iter().find(|p| p.choice == chosen).unwrap();
        assert!((d.value - (same.annual_cost_usd - base.annual_cost_usd)).abs() < 1e-5);
    }
}
