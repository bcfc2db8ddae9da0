//! Disruption kinds and arrival processes beyond one AZ, one region and
//! damaged data: the `application` kind (cases C08 and B01, global failures
//! that damage no data), planned maintenance, Weibull up-times and
//! common-mode region failures. Each is checked against its right value or a
//! closed form at a fixed seed; tolerances are 4 standard errors (a false
//! alarm about once in 16,000 checks) plus the histogram's 0.5% relative
//! resolution where a quantile is read.

mod common;

use std::path::Path;

use common::{kind, load_case, strategy};
use drsim::incident::Path as IncidentPath;
use drsim::model::{DisruptionKind, Duration, Model};
use drsim::simulation::{Results, RunOptions, simulate};
use drsim::summary::KindSummary;
use drsim::world::{World, seed};

const TRIALS: u64 = 20_000;
const SEED: u64 = 20_260_101;
const HOUR: f64 = 3600.0;
const YEAR: f64 = 31_536_000.0;

fn inline(text: &str) -> Model {
    Model::from_str_at(text, Path::new("inline.toml")).unwrap_or_else(|e| panic!("{e}"))
}

fn run(model: &Model) -> Results {
    simulate(model, &RunOptions { trials: TRIALS, seed: SEED, ..RunOptions::default() }).unwrap()
}

/// Every incident of the kind lost nothing, restored nothing, and was remediated in place.
fn no_data_lost(k: &KindSummary, who: &str) {
    assert!(k.incidents > 1000, "{who}: {} incidents", k.incidents);
    assert_eq!(k.data_lost_entirely, 0, "{who}: an application failure never loses all data");
    assert_eq!(k.rpo_met.successes, k.incidents, "{who}: RPO met in every incident");
    assert_eq!(k.rpo_s.unwrap().p99.value, 0.0, "{who}: no data-loss window");
    assert_eq!(k.paths, vec![(IncidentPath::Remediated, k.incidents)], "{who}: remediated, never restored or rebuilt");
}

#[test]
fn c08_bad_agent_update_takes_every_strategy_down_for_the_remediation_without_data_loss() {
    let r = run(&load_case("c08-bad-agent-update-everywhere"));
    let aa = kind(&r, "active-active", DisruptionKind::Application);
    let ws = kind(&r, "warm-standby-with-backups", DisruptionKind::Application);
    no_data_lost(aa, "active-active");
    no_data_lost(ws, "warm-standby-with-backups");
    // The same remediation for both: every region runs the same agent.
    assert_eq!(aa.rto_mean_s, ws.rto_mean_s);
    assert_eq!(aa.rto_s, ws.rto_s);
    // Mean of pert(6 h, 24 h, 72 h) = (6 + 4 x 24 + 72) / 6 = 29 h.
    let m = aa.rto_mean_s;
    assert!((m.value - 29.0 * HOUR).abs() <= 4.0 * m.std_error, "mean RTO {} s vs 29 h (SE {})", m.value, m.std_error);
    // The 4 h RTO is never met: the remediation takes at least 6 h.
    assert_eq!(aa.rto_met.successes, 0);
    assert_eq!(ws.rto_met.successes, 0);
}

#[test]
fn b01_global_identity_outage_takes_active_active_down_too() {
    let r = run(&load_case("b01-global-identity-key-removed"));
    let (short, long) = (2.0 * HOUR + 5.0 * 60.0, 14.0 * HOUR + 25.0 * 60.0);
    for name in ["active-active", "warm-standby"] {
        let k = kind(&r, name, DisruptionKind::Application);
        no_data_lost(k, name);
        // RTO 1 h met 0% for every strategy.
        assert_eq!(k.rto_met.successes, 0, "{name}");
        let q = k.rto_s.unwrap();
        assert!((q.p50.value - short).abs() <= 0.005 * short, "{name}: p50 {} vs 2h05m", q.p50.value);
        assert!((q.p95.value - long).abs() <= 0.005 * long, "{name}: p95 {} vs 14h25m", q.p95.value);
        // Mean 0.7 x 2h05m + 0.3 x 14h25m; the share of slow incidents has SE sqrt(0.21 / n).
        let expected = 0.7 * short + 0.3 * long;
        let se = (0.21 / k.incidents as f64).sqrt() * (long - short);
        assert!((k.rto_mean_s.value - expected).abs() <= 4.0 * se, "{name}: mean {} vs {expected}", k.rto_mean_s.value);
    }
    // Active-active is no longer recommended for an outage it cannot avoid: nobody meets the targets.
    assert!(r.decision.recommended.is_none());
}

/// A two-region model with `failures` and `extra` (strategies and tables)
/// spliced in; response steps fast and fixed.
fn two_regions(targets: &str, failures: &str, extra: &str) -> String {
    format!(
        r#"
[workload]
name = "closed form"
revenue_per_hour = 1000.0
orders_per_hour = 100.0
dataset_gb = 100.0
change_rate_gb_per_hour = 1.0

[targets]
rpo = "1h"
rto = "1h"
confidence = 0.9
{targets}

[topology]
primary = "r1"
region = [{{ name = "r1", azs = 3 }}, {{ name = "r2", azs = 3 }}]

[response]
detection = {{ dist = "fixed", value = "1m" }}
decision = {{ dist = "fixed", value = "5m" }}
traffic_switch = {{ dist = "fixed", value = "1m" }}
az_failover = {{ dist = "fixed", value = "1m" }}
failback = {{ dist = "fixed", value = "0s" }}

{failures}

[[strategy]]
name = "active-active"
kind = "active_active"
regions = ["r1", "r2"]
headroom = 1.0
scale_out = {{ dist = "fixed", value = "5m" }}
replication = "sync"

[[strategy]]
name = "warm-standby"
kind = "warm_standby"
dr_region = "r2"
capacity_fraction = 1.0
replication_lag = {{ dist = "fixed", value = "1s" }}
promote = {{ dist = "fixed", value = "1m" }}
scale_up = {{ dist = "fixed", value = "0s" }}
{extra}
"#
    )
}

#[test]
fn host_by_host_remediation_is_the_rollback_plus_ceil_hosts_over_parallelism_batches() {
    // 1 h + ceil(100 / 8) = 13 batches x 30 min = 7 h 30 min, every incident, every strategy.
    let failures = r#"
[[failure]]
kind = "application"
rate_per_year = 2.0
duration = { dist = "fixed", value = "1h" }
hosts = 100
parallelism = 8
per_host = { dist = "fixed", value = "30m" }
"#;
    let targets = "[targets.application]\nrto = \"8h\"\nrpo = \"0s\"";
    let model = inline(&two_regions(targets, failures, ""));
    let r = run(&model);
    for name in ["active-active", "warm-standby"] {
        let k = kind(&r, name, DisruptionKind::Application);
        no_data_lost(k, name);
        assert!((k.rto_mean_s.value - 7.5 * HOUR).abs() < 1e-6, "{name}: {}", k.rto_mean_s.value);
        // Judged by its own targets: 7.5 h is within the 8 h application RTO.
        assert_eq!(k.rto_met.successes, k.incidents, "{name}");
    }
}

#[test]
fn an_application_data_loss_is_drawn_when_the_model_gives_one() {
    let failures = r#"
[[failure]]
kind = "application"
rate_per_year = 1.0
duration = { dist = "fixed", value = "2h" }
data_loss = { dist = "fixed", value = "10m" }
"#;
    let r = run(&inline(&two_regions("", failures, "")));
    let k = kind(&r, "active-active", DisruptionKind::Application);
    assert_eq!(k.rpo_s.unwrap().p50.value, 600.0);
    assert_eq!(k.rpo_met.successes, k.incidents);
}

#[test]
fn monthly_maintenance_costs_exactly_twelve_windows_unless_avoided() {
    // No failures: the only downtime is maintenance, 12 x 4 h a year, exactly.
    let extra = r#"
[maintenance]
windows_per_year = 12
duration = { dist = "fixed", value = "4h" }
"#;
    let model = inline(&two_regions("", "", extra));
    let r = run(&model);
    let ws = strategy(&r, "warm-standby");
    let expected = 12.0 * 4.0 / 8760.0;
    assert!((1.0 - ws.availability.value - expected).abs() < 1e-12, "{}", ws.availability.value);
    assert!((ws.annual_maintenance_s.unwrap().value - 48.0 * HOUR).abs() < 1e-6);
    assert_eq!(ws.incidents_per_year.value, 0.0, "maintenance is not an incident");
    // Active-active drains a region: it avoids maintenance by default.
    let aa = strategy(&r, "active-active");
    assert_eq!(aa.availability.value, 1.0);
    assert_eq!(aa.annual_maintenance_s.unwrap().value, 0.0);
    // Either default can be overridden.
    let overridden = two_regions("", "", extra)
        .replace("replication = \"sync\"", "replication = \"sync\"\navoids_maintenance = false");
    let r = run(&inline(&overridden));
    let aa = strategy(&r, "active-active");
    assert!((1.0 - aa.availability.value - expected).abs() < 1e-12);
    // Maintenance is shown on its own line and in its own CSV column and JSON field.
    use drsim::report::Report;
    let json = drsim::report::json::Json.render(&r).unwrap();
    assert!(json.contains("\"annual_maintenance_s\""), "{json}");
    let table = drsim::report::table::Table::default().render(&r).unwrap();
    assert!(table.contains("planned maintenance 2d/yr (included in the downtime"), "{table}");
}

/// Weibull up-times: a stationary renewal process has exactly T / mean
/// failures in a window T on average, whatever the shape; the shape shows in
/// the spread of the count (regular for wear-out, bursty for infant mortality).
#[test]
fn weibull_uptimes_give_horizon_over_mean_failures_with_the_shape_in_their_spread() {
    for (shape, scale_years) in [(3.0, 0.2), (0.5, 0.05)] {
        let failures = format!(
            r#"
[[failure]]
kind = "region"
uptime = {{ dist = "weibull", shape = {shape}, scale = "{}d" }}
duration = {{ dist = "fixed", value = "1s" }}
regions = ["r1"]
"#,
            scale_years * 365.0
        );
        let model = inline(&two_regions("", &failures, ""));
        let mean_years = scale_years * statrs::function::gamma::gamma(1.0 + 1.0 / shape);
        let expected = 1.0 / (mean_years + 1.0 / YEAR);
        let r = run(&model);
        let ws = strategy(&r, "warm-standby");
        let m = ws.incidents_per_year;
        assert!(
            (m.value - expected).abs() <= 4.0 * m.std_error,
            "shape {shape}: {} vs {expected} (SE {})",
            m.value,
            m.std_error
        );
        // Poisson counts have variance = mean; the spread per trial is SE x sqrt(trials).
        let sd = m.std_error * (TRIALS as f64).sqrt();
        let poisson = expected.sqrt();
        if shape > 1.0 {
            assert!(sd < 0.6 * poisson, "wear-out is more regular than Poisson: sd {sd} vs {poisson}");
        } else {
            assert!(sd > 1.2 * poisson, "infant mortality is burstier than Poisson: sd {sd} vs {poisson}");
        }
    }
}

#[test]
fn common_mode_region_failures_take_both_regions_down_at_rate_q_times_the_failures() {
    let (rate, q) = (2.0, 0.3);
    let failures = format!(
        r#"
[[failure]]
kind = "region"
rate_per_year = {rate}
duration = {{ dist = "fixed", value = "1h" }}
common_mode_probability = {q}
"#
    );
    let model = inline(&two_regions("", &failures, ""));
    // In the world: events that take both regions down with the same start.
    let mut world = World::new(&model);
    let (mut common, n) = (0u64, 50_000u64);
    for trial in 0..n {
        world.sample(&model, Duration::YEAR, &mut seed::world_rng(SEED, trial));
        let o = &world.outages;
        common += o.windows(2).filter(|w| w[0].start == w[1].start && w[0].region != w[1].region).count() as u64;
    }
    // Each of the 2 regions fails at `rate` a year while up (up all but ~2 h a year).
    let expected = 2.0 * rate * q * (1.0 - 2.0 * rate * HOUR / YEAR);
    let got = common as f64 / n as f64;
    let se = (expected / n as f64).sqrt();
    assert!((got - expected).abs() <= 4.0 * se, "common-mode events {got}/yr vs {expected} (SE {se})");
    // Active-active gets no credit for independence: a common event leaves no region to fail over to.
    let r = run(&model);
    let k = kind(&r, "active-active", DisruptionKind::Region);
    let waited = k.paths.iter().find(|(p, _)| *p == IncidentPath::DrUnavailableWaited).map_or(0, |p| p.1);
    // Each common event is two incidents (one per region), each other failure one.
    let p = 2.0 * q / (2.0 * q + (1.0 - q));
    let share = waited as f64 / k.incidents as f64;
    let se = (p * (1.0 - p) / k.incidents as f64).sqrt();
    assert!((share - p).abs() <= 4.0 * se + 0.002, "both regions down in {share} of incidents vs {p}");
}

/// Bad values of the new keys are errors that name the file, line, column
/// and key, say what is wrong and what is allowed.
#[test]
fn bad_values_of_the_new_keys_are_errors_naming_the_key() {
    let app = |body: &str| format!("[[failure]]\nkind = \"application\"\nrate_per_year = 1.0\n{body}\n");
    let cases: Vec<(String, String, &str)> = vec![
        (app("duration = { dist = \"fixed\", value = \"1h\" }\nparallelism = 0"), String::new(), "failure[0].parallelism"),
        (app("hosts = 10"), String::new(), "failure[0].per_host"),
        (app(""), String::new(), "failure[0].duration"),
        (app("duration = { dist = \"fixed\", value = \"1h\" }\nregions = [\"r1\"]"), String::new(), "failure[0].regions"),
        (
            "[[failure]]\nkind = \"az\"\nrate_per_year = 1.0\nduration = { dist = \"fixed\", value = \"1h\" }\ncommon_mode_probability = 0.1\n"
                .to_string(),
            String::new(),
            "failure[0].common_mode_probability",
        ),
        (
            "[[failure]]\nkind = \"region\"\nrate_per_year = 1.0\nduration = { dist = \"fixed\", value = \"1h\" }\ncommon_mode_probability = 1.5\n"
                .to_string(),
            String::new(),
            "failure[0].common_mode_probability",
        ),
        (
            "[[failure]]\nkind = \"region\"\nrate_per_year = 1.0\nuptime = { dist = \"weibull\", shape = 2.0, scale = \"1y\" }\nduration = { dist = \"fixed\", value = \"1h\" }\n"
                .to_string(),
            String::new(),
            "failure[0].uptime",
        ),
        (
            "[[failure]]\nkind = \"region\"\nuptime = { dist = \"weibull\", shape = 2.0, scale = \"10m\" }\nduration = { dist = \"fixed\", value = \"1h\" }\n"
                .to_string(),
            String::new(),
            "failure[0].uptime",
        ),
        (
            String::new(),
            "[maintenance]\nwindows_per_year = 0\nduration = { dist = \"fixed\", value = \"1h\" }\n".to_string(),
            "maintenance.windows_per_year",
        ),
    ];
    for (failures, extra, key) in cases {
        let text = two_regions("", &failures, &extra);
        let e = Model::from_str_at(&text, Path::new("bad.toml")).err().unwrap_or_else(|| panic!("{key}: accepted"));
        let e = e.to_string();
        assert!(e.contains("bad.toml:") && e.contains(key), "{key}: {e}");
        assert!(e.contains("allowed") || e.contains("missing"), "{key}: {e}");
    }
}

/// The bundled model that uses every new input keeps every invariant
/// (finite figures, downtime and losses within the horizon), over 1 and 3 years.
#[test]
fn the_bundled_global_model_keeps_every_invariant() {
    let path = format!("{}/models/securecart-global.toml", env!("CARGO_MANIFEST_DIR"));
    let model = Model::load(Path::new(&path)).unwrap();
    for years in [1.0, 3.0] {
        let options = RunOptions { trials: 2_000, seed: SEED, years, ..RunOptions::default() };
        let incidents = drsim::harden::simulate_checked(&model, &options);
        assert!(incidents.iter().any(|(_, _, i)| i.kind == DisruptionKind::Application));
    }
}
