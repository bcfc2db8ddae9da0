//! `incidents.csv` pinned byte for byte: small seeded runs whose files were
//! hashed before the rows were formatted into one reused buffer (instead of a
//! string per cell), so a change of spelling, order or quoting shows here.
//! One run covers every column (partial loads, total data loss, ransomware,
//! detection delays, failbacks, several years per trial) and a strategy name
//! that needs both the formula guard and CSV quoting. The gzip form holds the
//! same bytes; a CSV past Excel's row limit is named in report.md too, and
//! so is a stratified run's (its rows are not a plain sample).

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::cli::temp_dir;
use common::gunzip;
use drsim::provenance::{VERSION, sha256_hex};

const BIN: &str = env!("CARGO_BIN_EXE_drsim");

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `drsim run MODEL --incidents --out OUT` with `extra` flags; returns stderr.
fn run(model: &Path, out: &Path, extra: &[&str]) -> String {
    let output = Command::new(BIN)
        .current_dir(root())
        .arg("run")
        .arg(model)
        .args(["-q", "--format", "json", "--incidents", "--out"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    assert!(output.status.success(), "drsim failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stderr).into_owned()
}

// 0.12.0 added the `variance_reduction` and `region_replays` columns, 0.13.0
// `stratum` and `sampling_weight` (empty and 1 in a plain run): each pin
// below was moved after checking that the new file, those columns cut out
// of every line, hashes to the pin before.

/// The SHA-256 of a file's bytes with this build's version cell made
/// neutral, so the pins survive a version bump and nothing else.
fn pin(bytes: &[u8]) -> String {
    let text = std::str::from_utf8(bytes).unwrap().replace(&format!(",{VERSION},"), ",VERSION,");
    sha256_hex(text.as_bytes())
}

/// Checks the plain and the gzip file of one run against `want` (hash, rows).
fn check(name: &str, model: &Path, flags: &[&str], want: (&str, usize)) -> Vec<u8> {
    let dir = temp_dir(name);
    run(model, &dir.join("csv"), flags);
    let mut gz_flags = flags.to_vec();
    gz_flags.extend(["--incidents-format", "csv.gz"]);
    run(model, &dir.join("gz"), &gz_flags);
    let bytes = std::fs::read(dir.join("csv/incidents.csv")).unwrap();
    let rows = bytes.iter().filter(|&&b| b == b'\n').count() - 1;
    assert_eq!((pin(&bytes).as_str(), rows), want, "{name}: incidents.csv changed");
    assert!(gunzip(&dir.join("gz/incidents.csv.gz")) == bytes, "{name}: incidents.csv.gz holds other bytes");
    let _ = std::fs::remove_dir_all(&dir);
    bytes
}

#[test]
fn securecart_incidents_are_the_pinned_bytes() {
    let flags = ["--trials", "3000", "--seed", "11", "--threads", "2"];
    check(
        "monolith",
        &root().join("models/securecart-monolith.toml"),
        &flags,
        ("0335aa3264b241d6bd4e0856969c58335d1618530be7713cfb0e1d3debb365f7", 32540),
    );
}

/// The column's cells of every row (header excluded).
fn column<'a>(text: &'a str, name: &str) -> Vec<&'a str> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    // Counted from the end: only the strategy cell (column 1) may hold a comma.
    let from_end = header.len() - 1 - header.iter().position(|c| *c == name).unwrap();
    lines.map(|l| l.rsplit(',').nth(from_end).unwrap_or("")).collect()
}

#[test]
fn every_column_is_the_pinned_bytes() {
    // Ransomware and total data loss, several years per trial, a strategy
    // name that is a formula and holds a comma and a quote.
    let dir = temp_dir("every-model");
    let source = std::fs::read_to_string(root().join("models/ransomware-immutability.toml")).unwrap();
    let model = dir.join("model.toml");
    std::fs::write(&model, source.replacen("name = \"backups-mutable\"", "name = '=backups, \"mutable\"'", 1)).unwrap();
    let flags = ["--trials", "1500", "--years", "3", "--seed", "5", "--threads", "2"];
    let bytes = check(
        "ransomware",
        &model,
        &flags,
        ("f0b8fa88f91554903b31f794c9c7245d1523c1fca37c3e4c5c6367a2804ce38f", 44874),
    );
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains("\n0,\"'=backups, \"\"mutable\"\"\","), "the strategy cell is guarded and quoted");
    let kinds = column(&text, "kind");
    assert!(["az", "region", "logical"].iter().all(|k| kinds.contains(k)), "kinds");
    assert!(column(&text, "data_lost_entirely").contains(&"true"));
    assert!(column(&text, "data_loss_s").contains(&"inf"));
    for name in ["detection_delay_s", "failback_downtime_s", "provisioning_s", "restore_s", "waiting_s"] {
        assert!(column(&text, name).iter().any(|c| *c != "0"), "{name} is always 0");
    }
    let _ = std::fs::remove_dir_all(&dir);

    // Partial loads (degraded service), in time and in scope.
    let flags = ["--trials", "1500", "--years", "2", "--seed", "9", "--threads", "1"];
    let bytes = check(
        "partial",
        &root().join("models/multi-tenant-saas.toml"),
        &flags,
        ("864061cb1126bcc5eccb52da2ee39e43e7ad167a74701f509887c8547a2a1280", 11034),
    );
    let text = String::from_utf8(bytes).unwrap();
    assert!(column(&text, "degraded_s").iter().any(|c| *c != "0"), "degraded_s is always 0");
}

#[test]
fn a_csv_past_excels_rows_is_named_on_stderr_and_in_report_md() {
    // About 10.7 rows a trial: past 1,048,576 rows.
    let dir = temp_dir("excel");
    let model = root().join("models/securecart-monolith.toml");
    let stderr = run(&model, &dir.join("big"), &["--trials", "110000", "--seed", "1"]);
    assert!(stderr.contains("warning: incidents.csv has") && stderr.contains("Excel"), "{stderr}");
    let report = std::fs::read_to_string(dir.join("big/report.md")).unwrap();
    let notes = report.split("\n## Notes\n").nth(1).expect("report.md has no Notes");
    assert!(notes.contains("incidents.csv has") && notes.contains("1048576"), "{notes}");
    // Compressed, or below the limit: no note.
    std::fs::remove_dir_all(dir.join("big")).unwrap();
    let stderr = run(&model, &dir.join("gz"), &["--trials", "110000", "--seed", "1", "--incidents-format", "csv.gz"]);
    assert!(!stderr.contains("Excel"), "{stderr}");
    assert!(!std::fs::read_to_string(dir.join("gz/report.md")).unwrap().contains("## Notes"));
    let _ = std::fs::remove_dir_all(&dir);
}

// A stratified run's incidents oversample rare years (a quarter of a
// peak-season run's trials hold a failure in a peak that 3.5% of years
// hold; an eighth of a late-detection run's hold a late detection, which
// 0.28% of years do): the rows' averages are not estimates.
// The run says so on stderr and in report.md, naming the file and the
// setting; a plain run does not.
#[test]
fn a_stratified_runs_incidents_are_named_a_stratified_sample() {
    let dir = temp_dir("strata");
    let model = root().join("models/securecart-monolith.toml");
    for (setting, name) in [("peak-season", "incidents.csv"), ("late-detection", "incidents.csv.gz")] {
        let out = dir.join(setting);
        let mut flags = vec!["--trials", "300", "--variance-reduction", setting];
        if name.ends_with(".gz") {
            flags.extend(["--incidents-format", "csv.gz"]);
        }
        let stderr = run(&model, &out, &flags);
        let says = format!("{name} comes from --variance-reduction {setting}");
        assert!(stderr.contains(&format!("warning: {says}")) && stderr.contains("not estimates"), "{stderr}");
        let report = std::fs::read_to_string(out.join("report.md")).unwrap();
        let notes = report.split("\n## Notes\n").nth(1).expect("report.md has no Notes");
        assert!(notes.contains(&says), "{notes}");
    }
    let stderr = run(&model, &dir.join("plain"), &["--trials", "300"]);
    assert!(!stderr.contains("variance-reduction"), "{stderr}");
    assert!(!std::fs::read_to_string(dir.join("plain/report.md")).unwrap().contains("## Notes"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Per strategy, from `incidents.csv`'s rows weighted by `sampling_weight`:
/// the incidents' cost a year, and per kind the incidents a year and
/// their mean cost (weighted sum over weights). Read by the header's names.
type Figures = BTreeMap<String, (f64, BTreeMap<String, (f64, f64)>)>;

fn weighted_figures(text: &str) -> Figures {
    let mut out = Figures::new();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let at = |name: &str| header.iter().position(|c| *c == name).unwrap();
    let (strategy, kind, cost, weight, trials, years) =
        (at("strategy"), at("kind"), at("cost_usd"), at("sampling_weight"), at("trials"), at("years_per_trial"));
    // The years simulated: trials times years per trial.
    let mut n = 0.0;
    for line in lines {
        // The bundled models' strategy names hold no comma.
        let cells: Vec<&str> = line.split(',').collect();
        n = cells[trials].parse::<f64>().unwrap() * cells[years].parse::<f64>().unwrap();
        let (w, c): (f64, f64) = (cells[weight].parse().unwrap(), cells[cost].parse().unwrap());
        let s = out.entry(cells[strategy].to_string()).or_default();
        s.0 += w * c;
        let k = s.1.entry(cells[kind].to_string()).or_default();
        k.0 += w;
        k.1 += w * c;
    }
    for s in out.values_mut() {
        s.0 /= n;
        for k in s.1.values_mut() {
            *k = (k.0 / n, k.1 / k.0);
        }
    }
    out
}

// A stratified run's rows say how their trial was sampled: its stratum and
// `sampling_weight`, the plain trials it stands for (p_k / a_k). Over whole
// tables of 256 trials each stratum holds exactly a_k of the trials, so the
// weighted sums over the rows are results.json's stratified estimators
// themselves: the incidents' annual cost, each kind's incidents per year
// and mean cost (sums over the years simulated, trials times years per
// trial), to the CSV's nine significant digits. A plain run's rows
// have no stratum and weigh 1, and the same sums are its plain figures.
#[test]
fn rows_weighted_by_sampling_weight_give_the_runs_estimates() {
    let dir = temp_dir("weights");
    let model = root().join("models/securecart-monolith.toml");
    // Peak-season over two years a trial: the sums are per year simulated.
    for (setting, years) in [("peak-season", "2"), ("late-detection", "1"), ("none", "1")] {
        let out = dir.join(setting);
        run(&model, &out, &["--trials", "2560", "--years", years, "--variance-reduction", setting]);
        let text = std::fs::read_to_string(out.join("incidents.csv")).unwrap();
        let results: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).unwrap()).unwrap();
        let strata = column(&text, "stratum");
        let weights = column(&text, "sampling_weight");
        if setting == "none" {
            assert!(strata.iter().all(|s| s.is_empty()) && weights.iter().all(|w| *w == "1"), "plain rows");
        } else {
            assert!(strata.iter().all(|s| s.parse::<usize>().is_ok()), "{setting}: a row without a stratum");
            assert!(weights.iter().any(|w| *w != weights[0]), "{setting}: one weight for every stratum");
        }
        let figures = weighted_figures(&text);
        assert_eq!(figures.len(), 4, "{setting}: strategies");
        let close = |got: f64, want: &serde_json::Value, what: &str| {
            let want = want.as_f64().unwrap();
            assert!((got - want).abs() <= 1e-8 * want.abs(), "{setting} {what}: rows give {got}, results.json {want}");
        };
        for (name, (annual, kinds)) in figures {
            let s = results["strategies"].as_array().unwrap().iter().find(|s| s["name"] == name.as_str()).unwrap();
            close(annual, &s["cost"]["incidents_annual_usd"]["value"], &format!("{name} incident cost a year"));
            for (kind, (per_year, mean)) in kinds {
                let k = s["kinds"].as_array().unwrap().iter().find(|k| k["kind"] == kind.as_str()).unwrap();
                close(per_year, &k["incidents_per_year"], &format!("{name} {kind} incidents a year"));
                close(mean, &k["cost_mean_usd"]["value"], &format!("{name} {kind} mean cost"));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
