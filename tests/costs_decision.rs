//! Costs, the recommendation and precision stopping, against hand computations.

mod common;

use common::*;
use drsim::cost::{CostModel, LineItems};
use drsim::decision::Target;
use drsim::engine::Observer;
use drsim::incident::{Incident, Path as IncidentPath};
use drsim::model::{DisruptionKind, Duration, SimTime};
use drsim::simulation::{PrecisionStop, RunOptions, Simulation, precision_reached, predicted_trials, simulate};

const SEED: u64 = 7;

const COSTS: &str = "[costs]
primary_compute_usd_per_month = 10000.0
primary_database_usd_per_month = 5000.0
incident_fixed_usd = 500.0
total_data_loss_usd = 1000000.0
drill_labour_usd = 2000.0
drill_hours = 4.0
transfer_usd_per_gb = 0.02
backup_warm_usd_per_gb_month = 0.05
backup_cold_usd_per_gb_month = 0.01
replica_storage_usd_per_gb_month = 0.1
dr_service_usd_per_server_hour = 0.028
";

// Hand computation, with dataset 100 GB and change rate 1 GB/h (the test
// builder's workload), compute $120,000/yr and database $60,000/yr:
//
// warm standby at c = 0.25, hourly backups kept 10 d (2 d warm, then cold),
// copied to the DR region, drills every 73 d (5 a year), 3 DRS servers:
//   standby compute   0.25 x 120,000                           = 30,000
//   replica database  1 x 60,000                               = 60,000
//   replica storage   100 GB x 0.10 x 12                       = 120
//   backup storage    (100 + 48 GB) x 0.05 + 192 GB x 0.01
//                     = 9.32 /month x 12 x 2 copies            = 223.68
//   transfer          1 GB/h x 8760 h x 0.02 x (1 replica + 1 backup copy) = 350.4
//   DR service        3 x 8760 x 0.028                         = 735.84
//   drills            5 x (2,000 + 4 h x 120,000/8760 x 0.75)  = 10,205.479...
// active-active over 2 regions with headroom 0.75: extra sites 2 x 0.75 - 1 = 0.5
//   standby compute   0.5 x 120,000 = 60,000; replica database 60,000; no
//   backups, so transfer is the replication only: 175.2; drills (standing
//   fraction 1) labour only: 12 x 2,000 = 24,000 (every ~30.4 d).
#[test]
fn line_items_match_a_hand_computation() {
    let model = ModelSpec::new()
        .regions(&[("p", 3), ("dr", 3)])
        .failure(outage_failure("region", 0.5, &fixed("2h")))
        .strategy(
            warm_standby("ws", 0.25)
                .backup("interval", s("1h"))
                .backup("retention", s("10d"))
                .backup("cold_after", s("2d"))
                .set("drill_interval", s("73d"))
                .set("cost", "{ dr_service_servers = 3 }"),
        )
        .strategy(
            active_active("aa", &["p", "dr"])
                .set("headroom", "0.75")
                .set("replication", s("async"))
                .set("replication_lag", fixed("1s"))
                .set("drill_interval", s("30.416666666666668d")),
        )
        .raw(COSTS)
        .build();
    let ws = LineItems::of(&model, &model.strategies[0]);
    let close = |got: f64, want: f64| assert!((got - want).abs() <= 1e-9 * want.abs().max(1.0), "{got} != {want}");
    close(ws.standby_compute_usd, 30_000.0);
    close(ws.replica_database_usd, 60_000.0);
    close(ws.replica_storage_usd, 120.0);
    close(ws.backup_storage_usd, 223.68);
    close(ws.transfer_usd, 350.4);
    close(ws.dr_service_usd, 735.84);
    close(ws.drills_usd, 5.0 * (2000.0 + 4.0 * 120_000.0 / 8760.0 * 0.75));
    close(ws.total_usd, ws.items().iter().map(|(_, v)| v).sum());
    let aa = LineItems::of(&model, &model.strategies[1]);
    close(aa.standby_compute_usd, 60_000.0);
    close(aa.replica_database_usd, 60_000.0);
    close(aa.backup_storage_usd, 0.0);
    close(aa.transfer_usd, 175.2);
    close(aa.drills_usd, 12.0 * 2000.0);
}

#[test]
fn a_total_or_an_item_given_as_a_number_replaces_the_computed_one() {
    let model = ModelSpec::new()
        .failure(outage_failure("region", 0.5, &fixed("2h")))
        .strategy(warm_standby("ws", 0.25).set("cost", "{ standby_compute_usd = 1234.0 }"))
        .strategy(warm_standby("ws-total", 0.25).set("cost", "{ total_usd = 99.0 }"))
        .raw(COSTS)
        .build();
    assert_eq!(LineItems::of(&model, &model.strategies[0]).standby_compute_usd, 1234.0);
    assert_eq!(LineItems::of(&model, &model.strategies[1]).total_usd, 99.0);
}

// Every incident of a deterministic pilot light (fixed 1 h promotion, 30 min
// replication lag, flat load) costs exactly: revenue 1000 $/h x 1 h + orders
// 100/h x 0.5 h x $10 (order value = revenue / orders) + fixed $500 = $2,000;
// and each trial's total is the fixed line items plus $2,000 per incident.
#[test]
fn incident_cost_is_revenue_plus_lost_orders_plus_the_fixed_cost() {
    let model = ModelSpec::new()
        .failure(outage_failure("region", 2.0, &fixed("10h")).set("regions", "[\"p\"]"))
        .strategy(pilot_light("pl").set("promote", fixed("1h")).set("replication_lag", fixed("30m")))
        .raw(COSTS)
        .build();
    let recs = incidents(&model, 2000, 1.0, SEED);
    assert!(recs.len() > 3000);
    for r in &recs {
        assert_eq!(r.incident.path, IncidentPath::FailedOver);
        if r.incident.start + r.incident.detection_delay + r.incident.downtime > SimTime::after_start(Duration::YEAR) {
            // Ends after the trial: revenue is lost only inside it (the next test).
            continue;
        }
        // Exact up to floating-point rounding: the load integral is a difference of
        // cumulative sums over the year (about 1e-12 relative), not an estimate.
        assert!((r.incident.cost_usd - 2000.0).abs() <= 2000.0 * 1e-9, "trial {}: {}", r.trial, r.incident.cost_usd);
    }
    let results = run(&model, 2000, 1.0, SEED);
    let fixed = LineItems::of(&model, &model.strategies[0]).total_usd;
    let total = results.tally.strategies[0].trial_cost_usd.moments().sum();
    // Revenue only inside the trial: an incident that ends after it loses
    // 1000 $/h for the hours left (the test below).
    let end = SimTime::after_start(Duration::YEAR);
    let incident_costs: f64 =
        recs.iter().map(|r| 1000.0 * end.saturating_since(r.incident.start).hours().min(1.0) + 1000.0).sum();
    let want = fixed * 2000.0 + incident_costs;
    assert!((total - want).abs() <= want * 1e-9, "sum of trial costs {total} vs {want}");
}

// Revenue is lost only inside the trial, as downtime is counted: a 3 h
// outage that starts 1 h before the end of a 1-year trial loses 1 h of
// revenue (flat load, $1,000/h), and a 2-year failback cannot make a
// 1-year trial lose more than its $8.76M of revenue.
#[test]
fn revenue_is_lost_only_inside_the_trial() {
    let model = ModelSpec::new()
        .failure(outage_failure("region", 0.5, &fixed("3d")))
        .strategy(backup_restore("br").with_backups())
        .response("failback", fixed("2y"))
        .build();
    let costs = CostModel::new(&model);
    let mut i = Incident::new(
        DisruptionKind::Region,
        SimTime::after_start(Duration::YEAR.saturating_sub(Duration::from_hours(1.0))),
    );
    i.downtime = Duration::from_hours(3.0);
    assert_eq!(costs.incident_cost(&i, Duration::YEAR), 1000.0);
    i.failback_downtime = Duration::YEAR * 2.0;
    assert_eq!(costs.incident_cost(&i, Duration::YEAR), 1000.0);
    let results = run(&model, 2000, 1.0, SEED);
    let fixed_cost = LineItems::of(&model, &model.strategies[0]).total_usd;
    let worst = results.tally.strategies[0].trial_cost_usd.max().expect("trials ran");
    // At most a year of revenue, plus per incident the fixed response cost
    // and the orders of the data-loss window (none here: 0 incident_fixed_usd,
    // hourly backups lose at most a few hours of $1,000 orders).
    assert!(worst - fixed_cost <= 8.76e6 + 1e5, "worst trial loses {} of revenue", worst - fixed_cost);
}

// The same outage in a 5x peak week costs 5x the revenue of the same outage
// outside it (flat hour-of-day and day-of-week, so only the peak differs).
#[test]
fn the_same_outage_costs_its_multiplier_more_at_peak() {
    let model = ModelSpec::new()
        .failure(outage_failure("region", 1.0, &fixed("2h")))
        .strategy(pilot_light("pl"))
        .raw("[workload.load_profile]\npeak = [{ name = \"peak\", start_day = 100, days = 7, multiplier = 5.0 }]")
        .build();
    let costs = CostModel::new(&model);
    let outage = |start: SimTime| {
        let mut i = Incident::new(DisruptionKind::Region, start);
        i.downtime = Duration::from_hours(3.0);
        costs.incident_cost(&i, Duration::YEAR)
    };
    let quiet = outage(SimTime::after_start(Duration::DAY * 50.0));
    let peak = outage(SimTime::after_start(Duration::DAY * 101.0));
    assert_eq!(quiet, 3000.0);
    assert_eq!(peak, 5.0 * quiet);
    // Straddling the start of the peak: 1 h before at 1x, 2 h inside at 5x.
    let straddle = outage(SimTime::after_start(Duration::DAY * 99.0) - Duration::from_hours(1.0));
    assert!((straddle - 1000.0 * (1.0 + 2.0 * 5.0)).abs() < 1e-6, "{straddle}");
}

// A strategy that meets region targets but restores logical damage too
// slowly (2 h restore vs a 30 min RTO) is rejected for that reason alone.
#[test]
fn a_strategy_failing_only_on_logical_is_rejected_with_that_reason() {
    let model = ModelSpec::new()
        .rto("30m")
        .failure(outage_failure("region", 1.0, &fixed("6h")).set("regions", "[\"p\"]"))
        .failure(logical_failure(1.0, &fixed("1h")))
        .strategy(
            active_active("aa", &["p", "dr"]).with_backups().restore("throughput_gb_per_hour", fixed_number(50.0)),
        )
        .build();
    let results = run(&model, 5000, 1.0, SEED);
    let verdict = &results.decision.verdicts[0];
    assert!(!verdict.meets_targets);
    assert_eq!(verdict.shortfalls.len(), 1, "{:?}", verdict.shortfalls);
    assert_eq!((verdict.shortfalls[0].kind, verdict.shortfalls[0].target), (DisruptionKind::Logical, Target::Rto));
    let reason = drsim::report::verdicts::reason(verdict, &results.decision);
    assert!(reason.contains("logical RTO"), "{reason}");
    assert_eq!(results.decision.recommended, None);
    assert_eq!(results.decision.closest.as_deref(), Some("aa"));
    let summary = drsim::report::verdicts::summary(&results);
    assert!(summary.starts_with("No strategy meets the targets"), "{summary}");
}

// Two strategies that both meet the targets (no failures they cannot ride:
// fixed 1 min recovery, 1 h RTO); the cheaper (by its given total) wins and
// the other is told how much more it costs, from the paired difference.
#[test]
fn the_cheaper_of_two_strategies_meeting_the_targets_wins() {
    let model = ModelSpec::new()
        .failure(outage_failure("region", 1.0, &fixed("6h")).set("regions", "[\"p\"]"))
        .strategy(pilot_light("dear").set("promote", fixed("1m")).set("cost", "{ total_usd = 50000.0 }"))
        .strategy(pilot_light("cheap").set("promote", fixed("1m")).set("cost", "{ total_usd = 20000.0 }"))
        .build();
    let results = run(&model, 5000, 1.0, SEED);
    assert_eq!(results.decision.recommended.as_deref(), Some("cheap"));
    let dear = &results.decision.verdicts[0];
    assert!(dear.meets_targets);
    let diff = dear.cost_vs_reference.expect("paired difference");
    // Identical responses on common random numbers: the difference is exactly the fixed costs.
    assert!((diff.mean_usd - 30_000.0).abs() < 1e-6 && (diff.high_usd - diff.low_usd).abs() < 1e-6, "{diff:?}");
    let reason = drsim::report::verdicts::reason(dear, &results.decision);
    assert!(reason.contains("$30,000 more a year than cheap"), "{reason}");
}

// --precision X (0.005): the worst Wilson half-width / relative cost SE at the end is
// at most X, each batch ends where the previous one predicted
// (`predicted_trials`: done x (reached / X)^2, 5% to spare, whole tables of 256),
// and the result is bit-identical to a fixed run of the same length.
#[test]
fn precision_stops_within_the_half_width_and_equals_a_fixed_run() {
    let model = ModelSpec::new()
        .rto("20m")
        .failure(outage_failure("region", 1.0, &exponential("1h")).set("regions", "[\"p\"]"))
        .strategy(pilot_light("pl").set("promote", uniform("5m", "30m")))
        .raw(COSTS)
        .build();
    let options = RunOptions { trials: 1, years: 1.0, seed: SEED, threads: None };
    struct Batches(Vec<(u64, f64)>);
    impl Observer for Batches {
        fn batch(&mut self, trials: u64, reached: f64) {
            self.0.push((trials, reached));
        }
    }
    let mut log = Batches(Vec::new());
    let results = Simulation::new(&model, options.clone())
        .precision(PrecisionStop { target: 0.005, max_trials: 1_000_000 })
        .observe(&mut log)
        .run()
        .expect("runs");
    let batches = log.0;
    let reached = precision_reached(&results);
    assert!(reached <= 0.005, "{reached}");
    let trials = results.tally.trials;
    assert_eq!(batches[0].0, 10_000, "{batches:?}");
    assert!(
        batches.windows(2).all(|w| w[1].0 == predicted_trials(w[0].0, w[0].1, 0.005).min(1_000_000)),
        "{batches:?}"
    );
    // Errors fall as 1/sqrt(trials), so the pilot's prediction (5% to spare)
    // ends the run, or one more batch does when the pilot's error was low.
    assert!((2..=3).contains(&batches.len()), "{batches:?}");
    assert!(batches[..batches.len() - 1].iter().all(|(_, r)| *r > 0.005));
    let fixed = simulate(&model, &RunOptions { trials, ..options }).expect("runs");
    assert_eq!(serde_json::to_string(&fixed.tally).unwrap(), serde_json::to_string(&results.tally).unwrap());
}
