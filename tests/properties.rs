//! Property tests on the engine with common random numbers: two models that
//! differ in one parameter are run at the same seed, so trial `i` has the same
//! world (failure history) in both, and every strategy keeps its random
//! stream (streams are keyed by strategy name). Step times are fixed values
//! and failover reliability is 1, so the only randomness is the world: a
//! comparison incident by incident is then a statement about the rules, not
//! about luck. Bounded cases keep the file to a few seconds.

use std::path::Path;

use proptest::prelude::*;

use drsim::harden::simulate_checked;
use drsim::incident::Incident;
use drsim::model::{DisruptionKind, Model};
use drsim::simulation::RunOptions;

/// The parameters a case varies; times in seconds.
#[derive(Clone, Debug)]
struct P {
    rate: f64,
    median_h: f64,
    p95_factor: f64,
    detection: u32,
    decision: u32,
    switch: u32,
    promote: u32,
    scale_up: u32,
    capacity: f64,
    /// Extra provisioning time of backup & restore over the pilot light's scale-up.
    provision_extra: u32,
    /// Extra validation time of backup & restore over the replicas' promote.
    validation_extra: u32,
    dataset_gb: f64,
    /// Backup interval, a whole number of minutes in seconds.
    interval: u32,
}

fn params() -> impl Strategy<Value = P> {
    (
        (0.5f64..20.0, 0.05f64..48.0, 1.5f64..20.0),
        (1u32..600, 0u32..3600, 1u32..600),
        (1u32..900, 1u32..3600, 0.05f64..1.0),
        (0u32..3600, 0u32..3600, 1.0f64..5000.0, 1u32..1440),
    )
        .prop_map(
            |((rate, median_h, p95_factor), (detection, decision, switch), (promote, scale_up, capacity), rest)| {
                let (provision_extra, validation_extra, dataset_gb, minutes) = rest;
                // Whole minutes: divisible by every m of the backup property.
                let interval = minutes * 60;
                P {
                    rate,
                    median_h,
                    p95_factor,
                    detection,
                    decision,
                    switch,
                    promote,
                    scale_up,
                    capacity,
                    provision_extra,
                    validation_extra,
                    dataset_gb,
                    interval,
                }
            },
        )
}

/// Four strategies with shared step parameters: the same detection,
/// decision, traffic switch, backups and restore pipeline; the replicas share
/// promote and scale-up. Region failures strike only the primary, so every
/// strategy faces the same region losses (and active-active's second region
/// and the DR region never fail).
fn model_text(p: &P) -> String {
    let fixed = |s: u32| format!("{{ dist = \"fixed\", value = \"{s}s\" }}");
    let backup = format!(
        "\n[strategy.backup]\ninterval = \"{}s\"\njob_success = 1.0\ncopy_to_dr_region = true\n\
         copy_delay = {}\nretention = \"400d\"\nimmutable = true\nencrypted = true\n\n[strategy.restore]\n\
         provision = {}\nthroughput_gb_per_hour = {{ dist = \"fixed\", value = 1000.0 }}\nvalidation = {}\n",
        p.interval,
        fixed(600),
        fixed(p.scale_up + p.provision_extra),
        fixed(p.promote + p.validation_extra),
    );
    let common = "deployment = \"multi_az\"\ndrill_interval = \"30d\"\nreliability = { failure_probability = 0.0 }\n";
    format!(
        "[workload]\nname = \"Props\"\nrevenue_per_hour = 1000.0\norders_per_hour = 100.0\ndataset_gb = {dataset}\n\
         change_rate_gb_per_hour = 1.0\n\n[costs]\nprimary_compute_usd_per_month = 1000.0\n\
         primary_database_usd_per_month = 500.0\n\n[targets]\nrpo = \"1h\"\nrto = \"4h\"\nconfidence = 0.9\n\n\
         [topology]\nprimary = \"us-east-1\"\nregion = [{{ name = \"us-east-1\", azs = 3 }}, {{ name = \"us-west-2\", azs = 3 }}]\n\n\
         [response]\ndetection = {det}\ndecision = {dec}\ntraffic_switch = {switch}\naz_failover = {az}\nfailback = {fb}\n\n\
         [[failure]]\nkind = \"region\"\nrate_per_year = {rate}\nregions = [\"us-east-1\"]\n\
         duration = {{ dist = \"lognormal\", median = \"{median}s\", p95 = \"{p95}s\" }}\n\n\
         [[failure]]\nkind = \"logical\"\nrate_per_year = {rate}\ndetection_delay = {{ dist = \"lognormal\", median = \"2h\", p95 = \"2d\" }}\n\n\
         [[strategy]]\nname = \"br\"\nkind = \"backup_restore\"\ndr_region = \"us-west-2\"\n{common}{backup}\n\
         [[strategy]]\nname = \"pl\"\nkind = \"pilot_light\"\ndr_region = \"us-west-2\"\n{common}\
         replication_lag = {lag}\npromote = {promote}\nscale_up = {scale}\n{backup}\n\
         [[strategy]]\nname = \"ws\"\nkind = \"warm_standby\"\ndr_region = \"us-west-2\"\n{common}\
         replication_lag = {lag}\npromote = {promote}\nscale_up = {scale}\ncapacity_fraction = {capacity}\n{backup}\n\
         [[strategy]]\nname = \"aa\"\nkind = \"active_active\"\n{common}regions = [\"us-east-1\", \"us-west-2\"]\n\
         traffic_shares = [0.5, 0.5]\nheadroom = 1.0\nscale_out = {scale}\nreplication = \"async\"\nreplication_lag = {lag}\n{backup}",
        dataset = p.dataset_gb,
        det = fixed(p.detection),
        dec = fixed(p.decision),
        switch = fixed(p.switch),
        az = fixed(90),
        fb = fixed(300),
        rate = p.rate,
        median = (p.median_h * 3600.0).round().max(1.0),
        p95 = (p.median_h * 3600.0 * p.p95_factor).round().max(2.0),
        lag = fixed(1),
        promote = fixed(p.promote),
        scale = fixed(p.scale_up),
        capacity = p.capacity,
    )
}

const BR: usize = 0;
const PL: usize = 1;
const WS: usize = 2;
const AA: usize = 3;

/// Incidents of one strategy and kind, in simulation order.
fn incidents(p: &P, years: f64) -> Vec<(u64, usize, Incident)> {
    let model = Model::from_str_at(&model_text(p), Path::new("properties.toml")).expect("the generated model is valid");
    // simulate_checked asserts per incident: downtime and data loss in
    // [0, horizon], finite; per strategy: availability in [0, 1], annual
    // downtime at most a year; and that the reports print no NaN or inf.
    // 100-year trials hold 100 times the incidents: fewer of them.
    let trials = if years > 1.0 { 2 } else { 40 };
    simulate_checked(&model, &RunOptions { trials, years, seed: 11, threads: Some(1) })
}

fn of(all: &[(u64, usize, Incident)], strategy: usize, kind: DisruptionKind) -> Vec<Incident> {
    all.iter().filter(|(_, s, i)| *s == strategy && i.kind == kind).map(|(_, _, i)| *i).collect()
}

/// Slack for sums of floating-point step times, seconds.
const EPS: f64 = 1e-6;

fn no_worse(a: &[Incident], b: &[Incident], field: fn(&Incident) -> f64, what: &str) -> Result<(), TestCaseError> {
    prop_assert_eq!(a.len(), b.len(), "{}: the same world must give the same incidents", what);
    for (x, y) in a.iter().zip(b) {
        prop_assert!(field(x) <= field(y) + EPS, "{}: {} > {}\n{:?}\n{:?}", what, field(x), field(y), x, y);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, failure_persistence: None, ..ProptestConfig::default() })]

    /// Never negative, never beyond the horizon, availability in [0, 1]: for
    /// one-year and 100-year trials (checked inside `simulate_checked`).
    #[test]
    fn figures_stay_in_range(p in params(), long in any::<bool>()) {
        incidents(&p, if long { 100.0 } else { 1.0 });
    }

    /// Backups every T/m take every backup of the schedule every T (the same
    /// anchor), so the newest usable backup is never older: no incident loses
    /// more data (jobs always succeed here, so no job draw can differ).
    #[test]
    fn more_frequent_backups_never_lose_more_data(p in params(), m in 2u32..6) {
        // T is whole minutes, so T/m (m < 6) is whole seconds and the schedule every
        // T/m holds every job of the schedule every T.
        let often = P { interval: p.interval / m, ..p.clone() };
        let (a, b) = (incidents(&often, 1.0), incidents(&p, 1.0));
        for s in [BR, PL, WS, AA] {
            no_worse(&of(&a, s, DisruptionKind::Logical), &of(&b, s, DisruptionKind::Logical), |i| i.data_loss.secs(), "logical data loss")?;
        }
        no_worse(&of(&a, BR, DisruptionKind::Region), &of(&b, BR, DisruptionKind::Region), |i| i.data_loss.secs(), "region data loss")?;
    }

    /// Every recovery path starts after detection and decision and is capped
    /// by the primary's return, so shortening either never adds downtime.
    #[test]
    fn faster_detection_or_decision_never_adds_downtime(p in params(), cut in 0.0f64..1.0) {
        let faster = P {
            detection: ((f64::from(p.detection) * cut) as u32).max(1),
            decision: (f64::from(p.decision) * cut) as u32,
            ..p.clone()
        };
        let (a, b) = (incidents(&faster, 1.0), incidents(&p, 1.0));
        for s in [BR, PL, WS, AA] {
            for kind in [DisruptionKind::Region, DisruptionKind::Logical] {
                no_worse(&of(&a, s, kind), &of(&b, s, kind), |i| i.downtime.secs(), "downtime")?;
            }
        }
    }

    /// With shared steps: active-active loses only its share until health
    /// checks and DNS drop the region (headroom 1: no scale-out); warm standby
    /// adds the decision and promote, then serves `c` at once and ramps;
    /// pilot light serves nothing until compute is up (scale-up >= the ramp's
    /// deficit); backup & restore provisions for at least the scale-up and
    /// restores for at least the promote. All are capped by the primary's
    /// return, which keeps the order. Hence AA <= WS <= PL <= BR per region loss.
    #[test]
    fn postures_order_by_downtime_for_region_loss(p in params()) {
        let all = incidents(&p, 1.0);
        let down = |i: &Incident| i.downtime.secs();
        no_worse(&of(&all, AA, DisruptionKind::Region), &of(&all, WS, DisruptionKind::Region), down, "active_active <= warm_standby")?;
        no_worse(&of(&all, WS, DisruptionKind::Region), &of(&all, PL, DisruptionKind::Region), down, "warm_standby <= pilot_light")?;
        no_worse(&of(&all, PL, DisruptionKind::Region), &of(&all, BR, DisruptionKind::Region), down, "pilot_light <= backup_restore")?;
    }

    /// `logical` damage replicates to every live copy, so active-active's
    /// replicas do not help: with the same backups it loses no less data
    /// than backup & restore.
    #[test]
    fn active_active_loses_no_less_data_to_logical_damage(p in params()) {
        let all = incidents(&p, 1.0);
        no_worse(&of(&all, BR, DisruptionKind::Logical), &of(&all, AA, DisruptionKind::Logical), |i| i.data_loss.secs(), "logical data loss")?;
    }
}
