//! report.html as `drsim run --out` writes it, and what every such page
//! promises whatever the model (tests/report_html.rs, tests/planhtml.rs).

use std::path::Path;

use super::cli::drsim;

/// Text as maud escapes it in an element's content.
pub fn escaped(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Runs `drsim run MODEL --trials TRIALS --seed 11 -q --format json --out
/// OUT` and returns the report.html it wrote.
pub fn report_html(model: &str, trials: &str, out: &Path) -> String {
    let status = drsim()
        .args(["run", model, "--trials", trials, "--seed", "11", "-q", "--format", "json", "--out"])
        .arg(out)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "drsim run {model} failed");
    std::fs::read_to_string(out.join("report.html")).expect("report.html is written")
}

/// Writes the report.html of `model` twice, into `dir/a` and `dir/b`, and
/// checks what every page promises: the same bytes for the same seed,
/// listed in the manifest, nothing from the network nor from another file
/// (no URL, no external script, style, image or font; only the empty inline
/// icon is linked), style and script inline. Returns the page and the
/// results.json beside it.
pub fn checked_report_html(model: &str, trials: &str, dir: &Path) -> (String, serde_json::Value) {
    let (a, b) = (dir.join("a"), dir.join("b"));
    let _ = std::fs::remove_dir_all(&a);
    let _ = std::fs::remove_dir_all(&b);
    let html = report_html(model, trials, &a);
    assert_eq!(html, report_html(model, trials, &b), "{model}: same seed, same bytes");
    let manifest = std::fs::read_to_string(a.join(".drsim-output")).unwrap();
    assert!(manifest.lines().any(|l| l == "report.html"), "{model}: listed in the manifest");

    let lower = html.to_lowercase();
    for banned in ["http://", "https://", "//cdn", "@import", "url(", "<iframe", "<object", "<embed", "src="] {
        assert!(!lower.contains(banned), "{model}: report.html contains {banned:?}");
    }
    for link in lower.match_indices("<link").map(|(i, _)| &lower[i..i + lower[i..].find('>').unwrap()]) {
        assert!(link.contains("href=\"data:,\""), "{model}: only the empty inline icon is linked: {link}");
    }
    assert!(lower.starts_with("<!doctype html>"));
    assert!(lower.contains("<style>") && lower.contains("<script>"), "{model}: style and script are inline");
    let results = serde_json::from_str(&std::fs::read_to_string(a.join("results.json")).unwrap()).unwrap();
    (html, results)
}
