//! Every chart is a valid PNG (signature, 1600 x 900 header) and SVG with
//! its title and the series names in it; fonts are bundled, so this holds on
//! a machine with no system fonts.

mod common;

use common::cli::temp_dir;
use common::{ModelSpec, backup_restore, exponential, logical_failure, outage_failure, pilot_light};
use drsim::report::charts::cdf::{CdfChart, Measure, cdf_points};
use drsim::report::charts::cost::CostChart;
use drsim::report::charts::cost_risk::CostRiskChart;
use drsim::report::charts::render;
use drsim::report::charts::steps::StepsChart;
use drsim::report::output::Staging;
use drsim::simulation::{RunOptions, simulate};
use drsim::stats::LogHistogram;

fn check(dir: &std::path::Path, name: &str, texts: &[&str]) {
    let png = std::fs::read(dir.join(format!("{name}.png"))).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{name}.png signature");
    assert_eq!(&png[12..16], b"IHDR");
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!((width, height), (1600, 900), "{name}.png size");
    assert!(png.len() > 20_000, "{name}.png has content");
    let svg = std::fs::read_to_string(dir.join(format!("{name}.svg"))).unwrap();
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"), "{name}.svg is one svg element");
    for text in texts {
        assert!(svg.contains(text), "{name}.svg shows {text:?}");
    }
}

#[test]
fn every_chart_is_a_valid_png_and_svg_with_its_title_and_series() {
    let model = ModelSpec::new()
        .response("detection", exponential("2m"))
        .failure(outage_failure("az", 2.0, &exponential("2h")))
        .failure(outage_failure("region", 1.0, &exponential("6h")))
        .failure(logical_failure(0.5, &exponential("1h")))
        .strategy(backup_restore("cheap-br"))
        .strategy(pilot_light("pl-standby").backup("interval", common::s("1h")))
        .build();
    let results = simulate(&model, &RunOptions { trials: 2_000, ..RunOptions::default() }).unwrap();
    let root = temp_dir("all");
    let staging = Staging::begin(&root.join("charts"), false).unwrap();
    render(&CdfChart::new(&results, Measure::Downtime), &staging).unwrap();
    render(&CdfChart::new(&results, Measure::DataLoss), &staging).unwrap();
    render(&CostChart::new(&results), &staging).unwrap();
    render(&CostRiskChart::new(&results), &staging).unwrap();
    render(&StepsChart::new(&results), &staging).unwrap();
    let dir = staging.commit().unwrap();
    let names = ["cheap-br", "pl-standby"];
    check(&dir, "downtime_cdf", &[&["Downtime per incident", "RTO target", "region disruption"][..], &names].concat());
    check(
        &dir,
        "data_loss_cdf",
        &[&["Data-loss window per incident", "RPO target", "logical disruption"][..], &names].concat(),
    );
    check(
        &dir,
        "annual_cost",
        &[&["Total annual cost", "P95 annual cost", "CVaR95", "USD (log scale)"][..], &names].concat(),
    );
    check(&dir, "cost_vs_risk", &[&["Cost against risk", "Pareto front", "required: 99.0%"][..], &names].concat());
    check(
        &dir,
        "recovery_steps",
        &[&["Where recovery time goes", "detection", "traffic switch", "az disruption"][..], &names].concat(),
    );
}

#[test]
fn cdf_points_climb_to_the_share_of_finite_values() {
    // Hand computation: 0, 10, 10, 100 and +inf: 1/5 at zero, 1/5 lost, the
    // curve reaches 4/5 at the last finite bucket.
    let mut h = LogHistogram::new();
    for x in [0.0, 10.0, 10.0, 100.0, f64::INFINITY] {
        h.record(x);
    }
    let (points, zero, lost) = cdf_points(&h);
    assert_eq!(zero, 0.2);
    assert_eq!(lost, 0.2);
    assert!((points.last().unwrap().1 - 0.8).abs() < 1e-12);
    assert!(points.windows(2).all(|w| w[0].0 <= w[1].0 && w[0].1 <= w[1].1), "monotone");
    // Between 10 and 100 the curve stands at 3/5 (zero + the two tens).
    let mid = points.iter().filter(|p| p.0 > 11.0 && p.0 < 99.0).count();
    assert_eq!(mid, 0, "no points between the buckets");
    let at_ten = points.iter().find(|p| p.0 >= 10.0).unwrap();
    assert!((at_ten.1 - 0.6).abs() < 1e-12, "{at_ten:?}");
}

#[test]
fn pareto_front_keeps_exactly_the_undominated_strategies() {
    use drsim::report::charts::cost_risk::Point;
    let p = |name: &str, cost: f64, share: f64| Point {
        strategy: name.into(),
        cost_usd: cost,
        both_met: share,
        low: share,
        high: share,
        recommended: false,
        closest: false,
        slot: 0,
    };
    // b is dominated by a (dearer and less safe); c is dearer but safer.
    let chart = CostRiskChart {
        points: vec![p("a", 100.0, 0.9), p("b", 150.0, 0.8), p("c", 200.0, 0.99), p("d", 50.0, 0.5)],
        confidence: 0.99,
    };
    assert_eq!(chart.pareto(), vec![3, 0, 2]);
}
