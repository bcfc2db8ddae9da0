//! Incident exports at simulation speed: rows formatted in the worker threads
//! and written by a writer thread are the bytes of one row after another on
//! one thread, on any thread count; `--incidents-format csv.gz` holds the same
//! bytes compressed; an observer hearing incidents one by one writes the same
//! file; Excel's row limit is named when a CSV passes it.

mod common;

use std::path::Path;
use std::process::Command;

use common::cli::temp_dir;
use common::gunzip;
use drsim::engine::Observer;
use drsim::incident::Incident;
use drsim::model::Model;
use drsim::report::csv::RunColumns;
use drsim::report::incidents::{EXCEL_MAX_ROWS, IncidentCsv, IncidentFormat, excel_warning};
use drsim::simulation::{RunOptions, Simulation};

const BIN: &str = env!("CARGO_BIN_EXE_drsim");

fn run(out: &Path, extra: &[&str]) -> std::process::Output {
    let out = Command::new(BIN)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", "models/securecart-monolith.toml", "--trials", "1500", "--years", "2", "--seed", "3", "-q"])
        .args(["--format", "json", "--out"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    assert!(out.status.success(), "drsim failed: {}", String::from_utf8_lossy(&out.stderr));
    out
}

#[test]
fn incidents_are_the_same_bytes_on_any_thread_count_and_compressed() {
    let dir = temp_dir("threads");
    run(&dir.join("one"), &["--incidents", "--threads", "1"]);
    run(&dir.join("two"), &["--incidents", "--threads", "2"]);
    run(&dir.join("gz"), &["--incidents", "--threads", "2", "--incidents-format", "csv.gz"]);
    let one = std::fs::read(dir.join("one/incidents.csv")).unwrap();
    assert!(one.len() > 1_000_000, "{} bytes", one.len());
    assert!(one.starts_with(b"trial,strategy,kind,start_s,path,"));
    assert!(one == std::fs::read(dir.join("two/incidents.csv")).unwrap(), "1 and 2 threads differ");
    assert!(!dir.join("gz/incidents.csv").exists());
    let gz = dir.join("gz/incidents.csv.gz");
    assert!(std::fs::metadata(&gz).unwrap().len() < one.len() as u64 / 2);
    assert!(gunzip(&gz) == one, "incidents.csv.gz does not hold incidents.csv");
    // The manifest of the result directory names the file written.
    let manifest = std::fs::read_to_string(dir.join("gz/.drsim-output")).unwrap();
    assert!(manifest.contains("incidents.csv.gz"), "{manifest}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn incidents_format_needs_incidents() {
    let dir = temp_dir("needs");
    let out = Command::new(BIN)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "run",
            "models/securecart-monolith.toml",
            "--trials",
            "10",
            "-q",
            "--incidents-format",
            "csv.gz",
            "--out",
        ])
        .arg(dir.join("out"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--incidents"), "{stderr}");
    assert!(!dir.join("out").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Keeps every incident it hears, one by one (no encoder).
#[derive(Default)]
struct Collect(Vec<(u64, usize, Incident)>);

impl Observer for Collect {
    fn wants_incidents(&self) -> bool {
        true
    }

    fn incident(&mut self, trial: u64, strategy: usize, incident: &Incident) {
        self.0.push((trial, strategy, *incident));
    }
}

/// The run columns every row ends with.
fn run_columns() -> RunColumns {
    RunColumns {
        drsim_version: "test".to_string(),
        seed: Some(5),
        trials: Some(700),
        years_per_trial: Some(1.0),
        sampling: Some(("none".to_string(), 1)),
    }
}

#[test]
fn incidents_heard_one_by_one_write_the_file_the_engine_encodes() {
    let model = Model::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("models/securecart-monolith.toml")).unwrap();
    let names: Vec<String> = model.strategies.iter().map(|s| s.name.clone()).collect();
    let dir = temp_dir("direct");
    for format in [IncidentFormat::Csv, IncidentFormat::CsvGz] {
        let (engine_path, direct_path) = (dir.join("engine"), dir.join("direct"));
        // Beside an observer without an encoder, which hears every incident.
        let mut collect = Collect::default();
        let mut csv = IncidentCsv::create_as(&engine_path, &names, &run_columns(), format, None).unwrap();
        let options = RunOptions { trials: 700, years: 1.0, seed: 5, threads: Some(2) };
        Simulation::new(&model, options).observe(&mut collect).observe(&mut csv).run().unwrap();
        let rows = csv.finish().unwrap();
        assert_eq!(rows, collect.0.len() as u64);
        assert!(rows > 1000, "{rows} rows");

        let mut direct = IncidentCsv::create_as(&direct_path, &names, &run_columns(), format, None).unwrap();
        for (trial, strategy, incident) in &collect.0 {
            direct.incident(*trial, *strategy, incident);
        }
        assert_eq!(direct.finish().unwrap(), rows);
        let read = |p: &Path| if format == IncidentFormat::CsvGz { gunzip(p) } else { std::fs::read(p).unwrap() };
        let engine = read(&engine_path);
        assert!(engine == read(&direct_path), "{format:?}: the two paths differ");
        // A header and a line per incident.
        assert_eq!(engine.iter().filter(|&&b| b == b'\n').count() as u64, rows + 1);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn no_incident_writes_an_empty_csv_or_an_empty_gzip() {
    let dir = temp_dir("empty");
    for format in [IncidentFormat::Csv, IncidentFormat::CsvGz] {
        let path = dir.join(format.file_name());
        let csv = IncidentCsv::create_as(&path, &["a".to_string()], &run_columns(), format, None).unwrap();
        assert_eq!(csv.finish().unwrap(), 0);
        match format {
            IncidentFormat::Csv => assert_eq!(std::fs::metadata(&path).unwrap().len(), 0),
            IncidentFormat::CsvGz => assert!(gunzip(&path).is_empty()),
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn excel_row_limit_is_named_for_plain_csv_past_it() {
    // The header is a row too.
    assert_eq!(excel_warning(IncidentFormat::Csv, EXCEL_MAX_ROWS - 1), None);
    let warning = excel_warning(IncidentFormat::Csv, EXCEL_MAX_ROWS).unwrap();
    assert!(warning.contains("1048576") && warning.contains("Excel"), "{warning}");
    assert_eq!(excel_warning(IncidentFormat::CsvGz, 10 * EXCEL_MAX_ROWS), None);
}
