//! The outer loop (`drsim run --outer`) run draw-parallel: each draw's
//! figures equal the same draw simulated alone, the first invalid draw is
//! the one reported whatever the threads, what a draw keeps does not grow
//! with the inner trials, and `--out` writes `outer.csv` (documented column
//! by column in docs/exports.md) and `report.md`.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::cli::temp_dir;
use common::*;
use drsim::report::csv::RunColumns;
use drsim::report::outer_csv::{COLUMNS, FIGURES};
use drsim::simulation::{RunOptions, simulate};
use drsim::whatif::outer::{self, DrawFigures};
use drsim::whatif::param::{self, Assignment};
use drsim::world::seed;

const BIN: &str = env!("CARGO_BIN_EXE_drsim");
const SECURECART: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/models/securecart-monolith.toml");

fn options(trials: u64, threads: Option<usize>) -> RunOptions {
    RunOptions { trials, years: 1.0, seed: 20_260_101, threads }
}

/// Draw `draw` the way the outer loop defines it, simulated on its own with
/// every core: the inputs written into the model, the draw's inner seed.
fn draw_alone(text: &str, path: &Path, draw: u64, inner: &RunOptions) -> (Vec<f64>, Vec<f64>, Option<String>) {
    let base = param::model_with(text, path, &[]).unwrap();
    let inputs = outer::draw_inputs(&base, inner.seed, draw);
    let set: Vec<Assignment> = base
        .uncertain
        .iter()
        .zip(&inputs)
        .map(|(u, &x)| Assignment { path: u.path.clone(), value: u.write(x) })
        .collect();
    let model = param::model_with(text, path, &set).unwrap();
    let results =
        simulate(&model, &RunOptions { seed: seed::outer_seed(inner.seed, draw), threads: None, ..inner.clone() })
            .unwrap();
    let figures = results
        .strategies
        .iter()
        .flat_map(|s| {
            let mut v =
                vec![s.cost.total_annual_usd.value, s.availability.value, s.years_with_total_data_loss.estimate];
            v.extend(s.kinds.iter().filter(|k| k.incidents > 0).map(|k| k.both_met.estimate));
            v
        })
        .collect();
    (inputs, figures, results.decision.recommended.clone())
}

fn flat(d: &DrawFigures) -> Vec<f64> {
    d.strategies
        .iter()
        .flat_map(|s| {
            let mut v = vec![s.expected_annual_cost_usd, s.availability, s.total_loss_year];
            v.extend(s.targets_met.iter().map(|(_, x)| *x));
            v
        })
        .collect()
}

// Draws run side by side, each on one thread: every figure must be the
// bit-identical figure of the draw simulated alone on all cores, and the
// draws come back in draw order on any thread count.
#[test]
fn parallel_draws_equal_each_draw_simulated_alone() {
    let text = fs::read_to_string(SECURECART).unwrap();
    let path = Path::new(SECURECART);
    let one = outer::run(&text, path, &[], 0..5, &options(300, Some(1)), |_| {}).unwrap();
    let two = outer::run(&text, path, &[], 0..5, &options(300, Some(2)), |_| {}).unwrap();
    assert_eq!(one, two, "threads change the outer draws");
    let model = param::model_with(&text, path, &[]).unwrap();
    for d in &two {
        let (inputs, figures, recommended) = draw_alone(&text, path, d.draw, &options(300, None));
        assert_eq!(d.inputs, inputs, "draw {}: inputs", d.draw);
        assert_eq!(flat(d), figures, "draw {}: figures", d.draw);
        assert_eq!(d.recommended.map(|i| model.strategies[i].name.clone()), recommended, "draw {}", d.draw);
    }
    assert_eq!(two.iter().map(|d| d.draw).collect::<Vec<_>>(), vec![0, 1, 2, 3, 4]);
    // A range of draws (a shard) is the same draws of the whole run.
    let part = outer::run(&text, path, &[], 2..4, &options(300, Some(2)), |_| {}).unwrap();
    assert_eq!(part, two[2..4].to_vec());
}

/// A model whose targets' confidence is drawn from a uniform that reaches
/// past 1: some draws are invalid.
fn sometimes_invalid() -> String {
    ModelSpec::new()
        .failure(logical_failure(1.0, &fixed("2h")))
        .strategy(backup_restore("br"))
        .raw("[uncertain]\n\"targets.confidence\" = { dist = \"uniform\", min = 0.5, max = 1.5 }\n")
        .text()
}

// With draws finishing in any order, the error names the first invalid draw
// in draw order, as a sequential loop would.
#[test]
fn the_first_invalid_draw_is_reported_whatever_the_threads() {
    let text = sometimes_invalid();
    let path = Path::new("test.toml");
    let base = drsim::model::Model::from_str_at(&text, path).unwrap();
    let first = (0..100u64).find(|&j| outer::draw_inputs(&base, 20_260_101, j)[0] > 1.0).expect("an invalid draw");
    for threads in [Some(1), Some(2)] {
        let e = outer::run(&text, path, &[], 0..40, &options(50, threads), |_| {}).unwrap_err().to_string();
        assert!(e.starts_with(&format!("outer draw {first}: ")), "{threads:?}: {e}");
    }
}

// Memory flat in the number of draws: what the loop keeps of a draw is a
// few numbers per input, strategy and kind, the same for 50 and for 2,000
// inner trials (nothing of the inner run survives the draw).
#[test]
fn a_draw_keeps_the_same_few_numbers_whatever_the_inner_trials() {
    let text = fs::read_to_string(SECURECART).unwrap();
    let path = Path::new(SECURECART);
    let size = |d: &DrawFigures| {
        (d.inputs.len(), d.strategies.len(), d.strategies.iter().map(|s| s.targets_met.len()).sum::<usize>())
    };
    let small = outer::run(&text, path, &[], 0..2, &options(50, None), |_| {}).unwrap();
    let large = outer::run(&text, path, &[], 0..2, &options(2_000, None), |_| {}).unwrap();
    for (a, b) in small.iter().zip(&large) {
        assert_eq!(size(a), size(b));
        assert!(size(b).0 + size(b).1 * 4 + size(b).2 < 64, "a draw keeps a few numbers: {:?}", size(b));
    }
}

#[test]
fn outer_out_writes_the_csv_and_report_documented() {
    let dir = temp_dir("export");
    let out = dir.join("out");
    let run = Command::new(BIN)
        .args(["run", SECURECART, "--outer", "4", "--trials", "300", "-q", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let csv = fs::read_to_string(out.join("outer.csv")).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&fs::read(out.join("outer.json")).unwrap()).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let mut expected: Vec<&str> = COLUMNS.to_vec();
    expected.extend(RunColumns::NAMES);
    assert_eq!(header, expected);
    // The numbered rows of its column table.
    let numbered = |row: &str| row.split('|').nth(1).is_some_and(|c| c.trim().parse::<u32>().is_ok());
    assert_eq!(
        documented_columns_where("outer.csv", numbered),
        expected,
        "docs/exports.md lists outer.csv's columns in order"
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let strategies = json["outer"]["strategies"].as_array().unwrap();
    let per_strategy: usize = strategies.iter().map(|s| 3 + s["targets_met"].as_array().unwrap().len()).sum();
    assert_eq!(rows.len(), per_strategy, "a row per strategy and figure (and kind)");
    let col = |name: &str| header.iter().position(|c| *c == name).unwrap();
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-8 * b.abs().max(1e-12);
    for s in strategies {
        let name = s["name"].as_str().unwrap();
        let cost = rows
            .iter()
            .find(|r| r[col("strategy")] == name && r[col("figure")] == FIGURES[0])
            .unwrap_or_else(|| panic!("{name}: no cost row"));
        for (column, key) in [("mean", "mean"), ("p5", "p5"), ("p50", "p50"), ("p95", "p95")] {
            let v: f64 = cost[col(column)].parse().unwrap();
            assert!(close(v, s["expected_annual_cost_usd"][key].as_f64().unwrap()), "{name} {column}");
        }
        let share: f64 = cost[col("recommended_share")].parse().unwrap();
        assert!(close(share, s["recommended_share"].as_f64().unwrap()) || share == 0.0);
        assert_eq!(cost[col("outer_draws")], "4");
        assert_eq!(cost[col("trials")], "300", "trials per outer draw");
    }
    let kinds: Vec<&str> = rows.iter().filter(|r| r[col("figure")] == FIGURES[3]).map(|r| r[col("kind")]).collect();
    assert!(kinds.contains(&"region"), "{kinds:?}");
    let report = fs::read_to_string(out.join("report.md")).unwrap();
    let decision = json["decision"].as_str().unwrap();
    assert!(report.contains("## The answer") && report.contains(&decision.replace('_', "\\_")), "{report}");
    assert!(report.contains("| failure.region.rate\\_per\\_year |"), "{report}");
    let _ = fs::remove_dir_all(&dir);
}
