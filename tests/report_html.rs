//! `report.html`: written by `drsim run --out`, listed in the manifest,
//! self-contained (no resource from the network: no `http://` or `https://`
//! anywhere, no external script, style, image or font), decision first, and
//! the same bytes for the same seed. That it renders, with no console error,
//! no request and tooltips equal to results.json, is checked in a real
//! browser by `.ci/browser` (tests/browser/).

use std::path::{Path, PathBuf};
use std::process::Command;

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("drsim-report-html-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(model: &str, out: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_drsim"))
        .args(["run", model, "--trials", "2000", "--seed", "11", "-q", "--format", "json", "--out"])
        .arg(out)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "drsim run {model} failed");
}

/// Text as maud escapes it in an element's content.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[test]
fn report_html_is_self_contained_decision_first_and_deterministic() {
    let dir = temp("a");
    for model in ["models/securecart-monolith.toml", "models/small-shop-single-region.toml"] {
        let (a, b) = (dir.join("a"), dir.join("b"));
        let _ = std::fs::remove_dir_all(&a);
        let _ = std::fs::remove_dir_all(&b);
        run(model, &a);
        run(model, &b);
        let html = std::fs::read_to_string(a.join("report.html")).expect("report.html is written");
        assert_eq!(
            html.as_bytes(),
            std::fs::read(b.join("report.html")).unwrap().as_slice(),
            "{model}: same seed, same bytes"
        );
        let manifest = std::fs::read_to_string(a.join(".drsim-output")).unwrap();
        assert!(manifest.lines().any(|l| l == "report.html"), "listed in the manifest");

        // Nothing from the network, nothing from another file.
        let lower = html.to_lowercase();
        for banned in ["http://", "https://", "//cdn", "@import", "url(", "<iframe", "<object", "<embed", "src="] {
            assert!(!lower.contains(banned), "{model}: report.html contains {banned:?}");
        }
        for link in lower.match_indices("<link").map(|(i, _)| &lower[i..i + lower[i..].find('>').unwrap()]) {
            assert!(link.contains("href=\"data:,\""), "{model}: only the empty inline icon is linked: {link}");
        }
        assert!(lower.starts_with("<!doctype html>"));
        assert!(lower.contains("<style>") && lower.contains("<script>"), "style and script are inline");

        // The decision first, then the tables, then the charts.
        let results: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(a.join("results.json")).unwrap()).unwrap();
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
    let dir = temp("b");
    let source = std::fs::read_to_string("models/small-shop-single-region.toml").unwrap();
    let hostile = "<script>alert(1)</script>";
    let replaced = source.replacen("name = \"", &format!("name = \"{hostile}"), 1);
    assert_ne!(source, replaced, "the model has a name to replace");
    let model = dir.join("m.toml");
    std::fs::write(&model, replaced).unwrap();
    let out = dir.join("out");
    run(model.to_str().unwrap(), &out);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains(hostile), "user text must not become markup");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_eq!(html.matches("<script>").count(), 1, "only the report's own script");
}
