//! report.html of a platform run and the weakest link it shows.
//!
//! - The weakest link is each service's Fussell-Vesely importance: the share
//!   of the function's downtime during which the service is down, computed
//!   by hand on fixed steps (two services in one AZ, overlapping outages)
//!   for a chain and for 1 of 2, and on explicit intervals.
//! - `drsim run models/securecart.toml --out DIR` writes report.html:
//!   every plan and function, every section in report.md's order, nothing
//!   from the network, user text escaped, the same bytes for the same seed,
//!   and the plans' cost-against-risk labels inside the plot and clear of
//!   each other. That it renders with no console error is checked in a
//!   browser by `.ci/browser`.

mod common;

use std::path::Path;

use common::cli::temp_dir;
use common::html::{checked_report_html, escaped, report_html};
use common::*;
use drsim::platform::Plan;
use drsim::platform::optimize::run_plans;
use drsim::platform::play::{Outage, Period, overlap};
use drsim::report::platform_view::{PlatformView, weakest};
use drsim::simulation::RunOptions;

const MODEL: &str = "models/securecart.toml";

// Fixed steps, as the union test of tests/platform.rs: services a and b run
// single-AZ in AZ 0 of region p; AZ outages last exactly 2 h. a rides them
// out: down [t, t + 7,200 s). b is a pilot light whose only non-zero step is
// a fixed 30-minute decision: down [t, t + 1,800 s), then served from dr.
//
// checkout needs both (a chain): down over the union, [t, t + 7,200 s).
//   a is down during all of it:           7,200 / 7,200 = 1
//   b during its first half hour:          1,800 / 7,200 = 1/4
// (the old share of the sum of their downtimes said 0.8 and 0.2).
// either needs 1 of the 2: down while both are, [t, t + 1,800 s); both are
// down during all of it: 1 and 1.
// An outage cut by the horizon cuts a and the chain alike; b's share can
// only grow (by at most 5,400 s in 3 x 7,200 s a year, bounded below).
#[test]
fn the_weakest_link_is_the_share_of_the_functions_downtime_each_service_is_down() {
    let base = ModelSpec::new()
        .regions(&[("p", 2), ("dr", 2)])
        .response("decision", fixed("30m"))
        .failure(outage_failure("az", 3.0, &fixed("2h")).set("regions", "[\"p\"]"))
        .text();
    let text = format!(
        "{base}{}{}\n[[function]]\nname = \"checkout\"\nservices = [\"a\", \"b\"]\nrevenue_share = 0.5\n\
         \n[[function]]\nname = \"either\"\nservices = [\"a\", \"b\"]\nat_least = 1\nrevenue_share = 0.5\n",
        service("a", "", vec![ride("ride")]),
        service("b", "", vec![pilot_light("pl").set("deployment", s("single_az"))]),
    );
    let mut platform = load_platform(&text);
    platform.plans = vec![Plan { name: "only".into(), choice: vec![0, 0] }];
    let options = RunOptions { trials: 4_000, years: 1.0, seed: 20_260_101, threads: None };
    let results = run_plans(&platform, &options).expect("runs");
    let plan = &results.plans[0];
    let (checkout, either) = (&plan.functions[0], &plan.functions[1]);
    assert!(checkout.outages_per_year > 2.9, "{} outages a year", checkout.outages_per_year);
    assert!((checkout.downtime_per_year_s / checkout.outages_per_year - 7200.0).abs() < 10.0);
    assert!((either.downtime_per_year_s / either.outages_per_year - 1800.0).abs() < 5.0);

    let share = |f: &drsim::platform::eval::FunctionFigures, service: &str| {
        weakest(&platform, plan, f).into_iter().find(|(s, _)| s == service).map(|(_, x)| x).unwrap()
    };
    assert_eq!(weakest(&platform, plan, checkout)[0].0, "a", "a holds checkout back most");
    assert!((share(checkout, "a") - 1.0).abs() < 1e-9, "a: {}", share(checkout, "a"));
    // Exact but for horizon clipping, which only adds to b's share (< 0.2%).
    let b = share(checkout, "b");
    assert!((0.25..0.2505).contains(&b), "b: {b}");
    // 1 of 2: down only while both are, so both are down all of it.
    assert!((share(either, "a") - 1.0).abs() < 1e-9, "either a: {}", share(either, "a"));
    assert!((share(either, "b") - 1.0).abs() < 1e-9, "either b: {}", share(either, "b"));

    // The same shares in results.json, CSV and report.html's words.
    let view = PlatformView::new(&platform, &results);
    assert!(view.ranked[0].plan.functions[0].down_with.iter().all(|x| (0.0..=1.0).contains(x)));
}

/// The time a service is down while the function is, on explicit intervals:
/// service down [0, 10) and [20, 30); function down [5, 25) and [28, 40),
/// with an outage of no downtime (a data loss) between them:
/// 5 + 5 + 2 = 12 s.
#[test]
fn overlap_counts_the_time_a_service_is_down_while_the_function_is() {
    let service = [Period::new(0.0, 10.0), Period::new(20.0, 30.0)];
    let outages = [
        Outage { from: 5.0, downtime: 20.0, loss: 0.0, hours: None, loss_hours: None },
        Outage { from: 26.0, downtime: 0.0, loss: 3.0, hours: None, loss_hours: None },
        Outage { from: 28.0, downtime: 12.0, loss: 0.0, hours: None, loss_hours: None },
    ];
    assert_eq!(overlap(&service, &outages), 12.0);
    assert_eq!(overlap(&[], &outages), 0.0);
    assert_eq!(overlap(&service, &[]), 0.0);
    // Touching intervals do not overlap.
    assert_eq!(
        overlap(
            &[Period::new(0.0, 5.0)],
            &[Outage { from: 5.0, downtime: 5.0, loss: 0.0, hours: None, loss_hours: None }]
        ),
        0.0
    );
}

#[test]
fn a_platform_run_writes_a_self_contained_report_html_with_every_plan_and_function() {
    let dir = temp_dir("a");
    let (html, results) = checked_report_html(MODEL, "300", &dir);
    let a = dir.join("a");
    // Links go to the chart files beside it, which exist.
    for (i, _) in html.match_indices("href=\"") {
        let target = &html[i + 6..i + 6 + html[i + 6..].find('"').unwrap()];
        if target != "data:," {
            assert!(a.join(target).is_file(), "link to {target} resolves");
        }
    }

    // The question, the answer, then the tables, the charts, the assumptions.
    let answer = escaped(results["platform"]["answer"].as_str().unwrap());
    let at = |needle: &str| html.find(needle).unwrap_or_else(|| panic!("no {needle:?}"));
    let order = [
        "id=\"question\"",
        "id=\"decision\"",
        &answer,
        "id=\"plans\"",
        "id=\"functions\"",
        "id=\"services\"",
        "id=\"weakest-link\"",
        "id=\"cost-vs-risk\"",
        "id=\"assumptions\"",
        "id=\"files\"",
    ];
    for w in order.windows(2) {
        assert!(at(w[0]) < at(w[1]), "{} before {}", w[0], w[1]);
    }
    // Every plan in the plans table and on the chart; every function and service shown.
    let platform = &results["platform"];
    for plan in platform["plans"].as_array().unwrap() {
        let label = escaped(plan["label"].as_str().unwrap());
        assert!(html.contains(&format!("<th scope=\"row\">{label}</th>")), "plan {label} in a table");
        let point = if label == "closest" && !plan["listed"].as_bool().unwrap() { "search".into() } else { label };
        assert!(html.contains(&format!("data-strategy=\"{point}\" data-measure=\"expected-cost\"")), "{point}");
    }
    for f in platform["functions"].as_array().unwrap() {
        let f = escaped(f.as_str().unwrap());
        assert!(html.contains(&format!("<td>{f}</td>")), "function {f} in the table");
        assert!(html.contains(&format!("<figcaption>{f}</figcaption>")), "function {f} on the weakest link");
    }
    for s in platform["services"].as_array().unwrap() {
        let s = escaped(s.as_str().unwrap());
        assert!(html.contains(&format!("data-service=\"{s}\"")), "service {s} on the weakest link");
    }
    for chart in ["weakest_link", "plan_cost_vs_risk"] {
        assert!(html.contains(&format!("href=\"{chart}.png\"")), "links {chart}");
    }
}

#[test]
fn user_text_in_a_platform_report_html_is_escaped() {
    let dir = temp_dir("b");
    let source = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(MODEL)).unwrap();
    let hostile = "<script>alert(1)</script>";
    let replaced = source.replacen("name = \"SecureCart", &format!("name = \"{hostile}"), 1).replacen(
        "name = \"all-pilot-light\"",
        "name = \"pilot & <b>light</b>\"",
        1,
    );
    assert_ne!(source, replaced, "the model has a name to replace");
    let model = dir.join("m.toml");
    std::fs::write(&model, replaced).unwrap();
    let out = dir.join("out");
    let html = report_html(model.to_str().unwrap(), "300", &out);
    assert!(!html.contains(hostile), "user text must not become markup");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("<b>light</b>"));
    assert!(html.contains("pilot &amp; &lt;b&gt;light&lt;/b&gt;"));
    assert_eq!(html.matches("<script>").count(), 1, "only the report's own script");
}

/// report.html's plans chart: labels inside the plot, clear of each other,
/// of every point and of the required line (the PNG's are checked in
/// tests/platrun.rs, by the same placement).
#[test]
fn the_plans_cost_risk_labels_in_report_html_never_collide_nor_leave_the_plot() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(MODEL);
    let platform = drsim::platform::load(&path).unwrap();
    let options = RunOptions { trials: 300, years: 1.0, seed: 11, threads: None };
    let results = drsim::platform::optimize::optimize(&platform, &options).unwrap();
    let view = PlatformView::new(&platform, &results);
    let chart = drsim::report::charts::platform::PlanCostRiskChart::new(&view);
    let layout = drsim::report::html::svg::plan_cost_risk_layout(&chart);
    // A label per group of touching points, every plan in exactly one.
    let mut named: Vec<usize> = layout.groups.concat();
    named.sort_unstable();
    assert_eq!(named, (0..view.ranked.len()).collect::<Vec<_>>(), "every plan named once");
    assert_eq!(layout.labels.len(), layout.groups.len());
    for (i, label) in layout.labels.iter().enumerate() {
        assert!(layout.plot.contains(label), "label {i} {label:?} leaves the plot {:?}", layout.plot);
        for (j, other) in layout.labels.iter().enumerate().skip(i + 1) {
            assert!(!label.overlaps(other), "labels {i} and {j} overlap: {label:?} {other:?}");
        }
        assert!(!label.overlaps(&layout.required_line), "label {i} sits on the required line");
        for (j, marker) in layout.markers.iter().enumerate() {
            assert!(!label.overlaps(marker), "label {i} covers point {j}");
        }
    }
    let html = drsim::report::html::svg::plan_cost_risk(&chart).into_string();
    for label in &layout.labels {
        assert!(html.contains(&format!("x=\"{}\" y=\"{}\"", label.left + 2, label.top + 2)), "{label:?}");
    }
}
