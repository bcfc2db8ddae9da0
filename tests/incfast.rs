//! `incidents.csv` pinned byte for byte: small seeded runs whose files were
//! hashed before the rows were formatted into one reused buffer (instead of a
//! string per cell), so a change of spelling, order or quoting shows here.
//! One run covers every column (partial loads, total data loss, ransomware,
//! detection delays, failbacks, several years per trial) and a strategy name
//! that needs both the formula guard and CSV quoting. The gzip form holds the
//! same bytes; a CSV past Excel's row limit is named in report.md too, and
//! so is a stratified run's (its rows are not a plain sample).

mod common;

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

// 0.12.0 added the `variance_reduction` and `region_replays` columns: each
// pin below was moved after checking that the new file, those two columns
// cut off every line, hashes to the pin before.

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
        ("54b89b6a81bb892f80e1d3b1f28586742b4a0aa684c24173a700686eab4dd5e1", 32540),
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
        ("53bbe1e06574f5037b5f9f4bedadab40b0e5f522e1d0934efef87dbbd6a64928", 44874),
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
        ("1a5b745bcbafdc3478cf02dea8d7ed1d4465a03fdd7f24a422d2b00c69dee3f6", 11034),
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
