//! `drsim run --out`: every export parses back and agrees with the results,
//! user text is neutralised against formula injection, and the output
//! directory is all or nothing.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::cli::temp_dir;
use common::{
    ModelSpec, backup_restore, csv_header, documented_columns, exponential, fixed, logical_failure, outage_failure,
    pilot_light,
};
use drsim::model::Model;
use drsim::report::exports::{CHARTS, write_all};
use drsim::report::output::Staging;
use drsim::simulation::{RunOptions, simulate};

fn drsim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_drsim"))
}

/// Two strategies, all three kinds, random step times.
fn spec() -> ModelSpec {
    ModelSpec::new()
        .response("detection", exponential("2m"))
        .failure(outage_failure("az", 2.0, &exponential("2h")))
        .failure(outage_failure("region", 1.0, &exponential("6h")))
        .failure(logical_failure(0.5, &exponential("1h")))
        .strategy(backup_restore("br"))
        .strategy(pilot_light("pl").backup("interval", common::s("1h")))
}

fn read_csv(path: &Path) -> (Vec<String>, Vec<HashMap<String, String>>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
    let rows =
        reader.records().map(|r| header.iter().cloned().zip(r.unwrap().iter().map(str::to_string)).collect()).collect();
    (header, rows)
}

fn num(row: &HashMap<String, String>, column: &str) -> f64 {
    row[column].parse().unwrap_or_else(|_| panic!("{column} = {:?} is not a number", row[column]))
}

/// The CSV cell holds `exact` to the 9 significant digits CSVs are written with.
#[track_caller]
fn near(row: &HashMap<String, String>, column: &str, exact: f64) {
    let got = num(row, column);
    assert!((got - exact).abs() <= 5e-9 * exact.abs(), "{column}: {got} is not {exact} to 9 significant digits");
}

#[test]
fn every_export_parses_back_and_agrees_with_the_results() {
    let model = spec().build();
    let results = simulate(&model, &RunOptions { trials: 3_000, ..RunOptions::default() }).unwrap();
    let root = temp_dir("parse");
    let dir = root.join("out");
    let staging = Staging::begin(&dir, false).unwrap();
    write_all(&staging, &results, &model).unwrap();
    staging.commit().unwrap();

    // summary.csv: a row per strategy x kind; floats to 9 significant digits.
    let (header, rows) = read_csv(&dir.join("summary.csv"));
    assert_eq!(&header[..5], ["model", "strategy", "posture", "kind", "incidents_count"]);
    let run_columns = drsim::report::csv::RunColumns::NAMES;
    assert_eq!(header[header.len() - run_columns.len()..], run_columns);
    assert!(
        header.iter().all(|c| ["model", "strategy", "posture", "kind"].contains(&c.as_str())
            || drsim::report::csv::RunColumns::NAMES.contains(&c.as_str())
            || c.ends_with("_s")
            || c.ends_with("_usd")
            || c.ends_with("_share")
            || c.ends_with("_count")
            || c.ends_with("_per_year")),
        "every numeric column names its unit: {header:?}"
    );
    assert_eq!(rows.len(), 2 * 3);
    let mut i = 0;
    for s in &results.strategies {
        for k in &s.kinds {
            let row = &rows[i];
            i += 1;
            assert_eq!(row["strategy"], s.name);
            assert_eq!(row["kind"], k.kind.name());
            near(row, "incidents_count", k.incidents as f64);
            near(row, "rto_met_share", k.rto_met.estimate);
            near(row, "rpo_met_low_share", k.rpo_met.low);
            near(row, "rto_p95_s", k.rto_s.unwrap().p95.value);
            near(row, "cost_per_incident_mean_usd", k.cost_mean_usd.value);
            let steps: f64 = ["detection", "decision", "provisioning", "restore", "traffic_switch", "waiting"]
                .iter()
                .map(|s| num(row, &format!("{s}_mean_s")))
                .sum();
            let want: f64 = k.steps_mean_s.iter().map(|(_, v)| v).sum();
            assert!((steps - want).abs() <= 5e-8 * want.max(1.0), "steps to 9 significant digits");
        }
    }

    // strategies.csv: a row per strategy.
    let (_, rows) = read_csv(&dir.join("strategies.csv"));
    assert_eq!(rows.len(), 2);
    for (row, s) in rows.iter().zip(&results.strategies) {
        assert_eq!(row["strategy"], s.name);
        near(row, "total_annual_mean_usd", s.cost.total_annual_usd.value);
        near(row, "fixed_annual_usd", s.cost.line_items.total_usd);
        near(row, "availability_share", s.availability.value);
        near(row, "total_annual_cvar95_usd", s.cost.cvar95_usd.unwrap());
        let v = results.decision.verdicts.iter().find(|v| v.strategy == s.name).unwrap();
        assert_eq!(row["meets_targets"], v.meets_targets.to_string());
    }

    // results.json: provenance and the same numbers.
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("results.json")).unwrap()).unwrap();
    assert_eq!(json["model_name"], "closed-form test");
    assert_eq!(json["model_sha256"], results.provenance.model_sha256.as_deref().unwrap());
    assert_eq!(json["seed"], results.provenance.seed.unwrap());
    assert_eq!(json["schema_version"], drsim::report::json::RESULTS_SCHEMA_VERSION);
    assert_eq!(json["git_revision"], drsim::provenance::GIT_REVISION);
    assert_eq!(json["trials"], 3_000);
    assert_eq!(json["drsim_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        json["strategies"][1]["cost"]["total_annual_usd"]["value"],
        results.strategies[1].cost.total_annual_usd.value
    );

    // report.md: the recommendation, a table row per strategy, every chart linked and present.
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(md.contains(&drsim::report::verdicts::summary(&results).replace('_', "\\_")), "{md}");
    assert!(md.contains("| br | backup\\_restore |") || md.contains("| br | backup_restore |"), "{md}");
    for (name, _) in CHARTS {
        assert!(md.contains(&format!("({name}.png)")), "report links {name}");
        assert!(dir.join(format!("{name}.png")).is_file() && dir.join(format!("{name}.svg")).is_file());
    }
}

fn write_model(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("model.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn formula_injection_in_user_text_comes_out_inert() {
    let dir = temp_dir("inject");
    let evil = r#"=HYPERLINK("http://evil.example","click")"#;
    let text = spec().text().replace("name = \"closed-form test\"", &format!("name = '{evil}'"));
    let model = write_model(&dir, &text);
    let out = drsim()
        .args(["run", model.to_str().unwrap(), "--trials", "300", "--incidents", "--quiet", "--out"])
        .arg(dir.join("out"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for file in ["summary.csv", "strategies.csv"] {
        let (_, rows) = read_csv(&dir.join("out").join(file));
        for row in rows {
            assert_eq!(row["model"], format!("'{evil}"), "{file}: the formula is quoted as text");
            for column in ["model", "strategy", "verdict"] {
                if let Some(cell) = row.get(column) {
                    assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{file} {column}: {cell:?}");
                }
            }
        }
    }
    let stdout = drsim().args(["run", model.to_str().unwrap(), "--trials", "300", "--format", "csv"]).output().unwrap();
    let (_, rows) = {
        let mut reader = csv::Reader::from_reader(&stdout.stdout[..]);
        let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
        let rows: Vec<Vec<String>> =
            reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
        (header, rows)
    };
    assert!(rows.iter().all(|r| r[0] == format!("'{evil}")), "--format csv is neutralised too");
}

#[test]
fn neutralise_quotes_every_formula_starter() {
    use drsim::report::csv::neutralise;
    for (input, want) in [("=1", "'=1"), ("+1", "'+1"), ("-1", "'-1"), ("@A", "'@A"), ("\tx", "'\tx"), ("\rx", "'\rx")]
    {
        assert_eq!(neutralise(input), want);
    }
    assert_eq!(neutralise("pilot light"), "pilot light");
}

#[test]
fn incidents_csv_has_a_row_per_incident_agreeing_with_the_tally() {
    let dir = temp_dir("incidents");
    let model_path = write_model(&dir, &spec().text());
    let out = drsim()
        .args(["run", model_path.to_str().unwrap(), "--trials", "500", "--incidents", "--quiet", "--out"])
        .arg(dir.join("out"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let model = Model::load(&model_path).unwrap();
    let results = simulate(&model, &RunOptions { trials: 500, ..RunOptions::default() }).unwrap();
    let (header, rows) = read_csv(&dir.join("out/incidents.csv"));
    assert_eq!(header[..5], ["trial", "strategy", "kind", "start_s", "path"]);
    for s in &results.strategies {
        for k in &s.kinds {
            let mine: Vec<_> = rows.iter().filter(|r| r["strategy"] == s.name && r["kind"] == k.kind.name()).collect();
            assert_eq!(mine.len() as u64, k.incidents, "{} {}", s.name, k.kind);
            let met = mine.iter().filter(|r| num(r, "downtime_s") <= 3600.0).count() as u64;
            assert_eq!(met, k.rto_met.successes, "RTO met recomputed from the rows");
            let mean = mine.iter().map(|r| num(r, "downtime_s")).sum::<f64>() / mine.len().max(1) as f64;
            assert!((mean - k.rto_mean_s.value).abs() <= 1e-6 * mean.max(1.0));
        }
    }
    // Trials come in order (streamed in trial order on any thread count).
    let trials: Vec<u64> = rows.iter().map(|r| r["trial"].parse().unwrap()).collect();
    assert!(trials.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn existing_directory_is_refused_without_force_and_replaced_whole_with_it() {
    let dir = temp_dir("force");
    let model = write_model(&dir, &spec().text());
    let target = dir.join("out");
    let run = |force: bool| {
        let mut cmd = drsim();
        cmd.args(["run", model.to_str().unwrap(), "--trials", "200", "--quiet", "--out"]).arg(&target);
        if force {
            cmd.arg("--force");
        }
        cmd.output().unwrap()
    };
    assert!(run(false).status.success());
    std::fs::write(target.join("summary.csv"), "stale").unwrap();
    let out = run(false);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    let out = run(true);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_ne!(std::fs::read_to_string(target.join("summary.csv")).unwrap(), "stale");
}

/// `--force` replaces only a previous drsim output: never the folder that
/// holds the model, a folder the user made, one the user added files to,
/// or the current directory (shared/cases/hardening.md, kind K7).
#[test]
fn force_never_deletes_the_users_files() {
    let dir = temp_dir("force-proj");
    let proj = dir.join("proj");
    std::fs::create_dir_all(&proj).unwrap();
    let model = write_model(&proj, &spec().text());
    std::fs::write(proj.join("notes.txt"), "my notes").unwrap();
    let run = |out: &str, cwd: &Path| {
        drsim()
            .current_dir(cwd)
            .args(["run", model.to_str().unwrap(), "--trials", "200", "--quiet", "--force", "--out", out])
            .output()
            .unwrap()
    };
    let before = |p: &Path| {
        let mut names: Vec<_> = std::fs::read_dir(p).unwrap().map(|e| e.unwrap().file_name()).collect();
        names.sort();
        names
    };
    std::fs::create_dir_all(proj.join("sub")).unwrap();
    let listing = before(&proj);
    for (out, cwd) in [(proj.to_str().unwrap(), &*dir), (".", proj.as_path()), ("sub/..", proj.as_path())] {
        let got = run(out, cwd);
        let stderr = String::from_utf8_lossy(&got.stderr);
        assert_eq!(got.status.code(), Some(2), "--out {out}: {stderr}");
        assert!(stderr.contains("--force replaces only a previous drsim output"), "--out {out}: {stderr}");
        assert_eq!(before(&proj), listing, "--out {out} touched the user's files");
    }
    // A previous output the user added a file to is refused too, naming the file.
    let out = dir.join("out");
    assert!(run(out.to_str().unwrap(), &dir).status.success());
    std::fs::write(out.join("review-notes.md"), "mine").unwrap();
    let got = run(out.to_str().unwrap(), &dir);
    assert_eq!(got.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&got.stderr).contains("holds review-notes.md that drsim did not write"));
    assert_eq!(std::fs::read_to_string(out.join("review-notes.md")).unwrap(), "mine");
}

#[test]
fn a_killed_run_leaves_no_partial_output() {
    let dir = temp_dir("kill");
    let model = write_model(&dir, &spec().response("failback", fixed("0s")).text());
    let target = dir.join("out");
    let mut child = drsim()
        .args(["run", model.to_str().unwrap(), "--trials", "100000000", "--incidents", "--quiet", "--out"])
        .arg(&target)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until incidents.csv is being written in the staging directory, then kill.
    let started = Instant::now();
    let staging_has_rows = || {
        std::fs::read_dir(&dir).unwrap().flatten().any(|e| {
            e.file_name().to_string_lossy().starts_with(".out.partial-")
                && std::fs::metadata(e.path().join("incidents.csv")).is_ok_and(|m| m.len() > 100_000)
        })
    };
    while !staging_has_rows() && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(staging_has_rows(), "the run got going");
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!target.exists(), "no partial results under the target name");
    let staged = |dir: &Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".partial-"))
            .collect();
        names.sort();
        names
    };
    let left = staged(&dir);
    assert_eq!(left.len(), 1, "kill -9 leaves the hidden staging directory: {left:?}");
    // The next run completes, says what it found, and leaves the leftover
    // alone: on a shared volume it could be a live run's.
    let out = drsim()
        .args(["run", model.to_str().unwrap(), "--trials", "200", "--incidents", "--quiet", "--out"])
        .arg(&target)
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&left[0]) && stderr.contains("killed"), "{stderr}");
    assert_eq!(staged(&dir), left, "only the leftover remains; this run's staging is gone");
    for file in ["summary.csv", "strategies.csv", "results.json", "report.md", "incidents.csv"] {
        assert!(target.join(file).is_file(), "{file} complete");
    }
}

/// The column lists in docs/exports.md and README.md are the CSV headers, in order.
#[test]
fn documented_column_order_is_the_written_order() {
    let model = spec().build();
    let results = simulate(&model, &RunOptions { trials: 100, ..RunOptions::default() }).unwrap();
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap().replace("\n  ", " ");
    use drsim::report::Report;
    let summary = csv_header(&drsim::report::csv::SummaryCsv.render(&results).unwrap());
    let strategies = csv_header(&drsim::report::csv::StrategiesCsv.render(&results).unwrap());
    for (file, columns) in [("summary.csv", &summary), ("strategies.csv", &strategies)] {
        assert_eq!(&documented_columns(file), columns, "docs/exports.md lists {file} in order");
        let listed = format!("`{file}`: {}", columns.join(", "));
        assert!(readme.contains(&listed), "README lists {file} in order: {listed}");
    }
}

#[test]
fn markdown_on_stdout_and_incidents_without_out_is_bad_input() {
    let dir = temp_dir("stdout");
    let model = write_model(&dir, &spec().text());
    let out =
        drsim().args(["run", model.to_str().unwrap(), "--trials", "200", "--format", "markdown"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("# DR strategy comparison: closed-form test"), "{text}");
    assert!(text.contains("| br |") && !text.contains("## Charts"), "no chart links without --out");
    let out = drsim().args(["run", model.to_str().unwrap(), "--trials", "200", "--incidents"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--incidents: needs --out DIR"));
}
