//! `report.html`: written by `drsim run --out`, listed in the manifest,
//! self-contained (no resource from the network: no `http://` or `https://`
//! anywhere, no external script, style, image or font), decision first, and
//! the same bytes for the same seed. That it renders, with no console error,
//! no request and tooltips equal to results.json, is checked in a real
//! browser by `.ci/browser` (tests/browser/).

mod common;

use common::cli::temp_dir;
use common::html::{checked_report_html, escaped, report_html};

#[test]
fn report_html_is_self_contained_decision_first_and_deterministic() {
    let dir = temp_dir("a");
    for model in ["models/securecart-monolith.toml", "models/small-shop-single-region.toml"] {
        let (html, results) = checked_report_html(model, "2000", &dir);

        // The decision first, then the tables, then the charts.
        let summary = escaped(results["decision"]["summary"].as_str().unwrap());
        let at = |needle: &str| html.find(needle).unwrap_or_else(|| panic!("{model}: no {needle:?}"));
        assert!(at("id=\"decision\"") < at(&summary));
        assert!(at(&summary) < at("id=\"strategies\""));
        assert!(at("id=\"strategies\"") < at("id=\"kinds\""));
        assert!(at("id=\"kinds\"") < at("<svg"));
        for section in ["cost-vs-risk", "downtime-cdf", "data-loss-cdf", "annual-cost", "recovery-steps"] {
            assert!(html.contains(&format!("id=\"{section}\"")), "{model}: chart {section}");
        }
        // Every strategy has a point to hover on the cost-against-risk chart.
        for s in results["strategies"].as_array().unwrap() {
            let name = escaped(s["name"].as_str().unwrap());
            assert!(html.contains(&format!("data-strategy=\"{name}\" data-measure=\"expected-cost\"")));
        }
    }
}

#[test]
fn user_text_in_report_html_is_escaped() {
    let dir = temp_dir("b");
    let source = std::fs::read_to_string("models/small-shop-single-region.toml").unwrap();
    let hostile = "<script>alert(1)</script>";
    let replaced = source.replacen("name = \"", &format!("name = \"{hostile}"), 1);
    assert_ne!(source, replaced, "the model has a name to replace");
    let model = dir.join("m.toml");
    std::fs::write(&model, replaced).unwrap();
    let out = dir.join("out");
    let html = report_html(model.to_str().unwrap(), "2000", &out);
    assert!(!html.contains(hostile), "user text must not become markup");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_eq!(html.matches("<script>").count(), 1, "only the report's own script");
}
