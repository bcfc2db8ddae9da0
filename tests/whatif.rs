//! What-if analysis against known answers: a sweep equals separate runs, the
//! `--find` bisection lands on a closed-form threshold, `drsim fit` recovers
//! synthetic parameters and family, and the tornado ranks first the input
//! that dominates by construction. Tolerances are derived in the comment
//! above each test (4 standard errors, plus the bisection's resolution).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::cli::temp_dir;
use common::*;
use drsim::model::Model;
use drsim::report::{Report, sweep_csv::SweepCsv};
use drsim::simulation::{RunOptions, simulate};
use drsim::whatif::param::{Assignment, apply};
use drsim::whatif::sensitivity::tornado;
use drsim::whatif::sweep::{Axis, Direction, FIND_STEPS, find, strategy_points, sweep};
use rand::SeedableRng;
use rand_distr::Distribution;

const SEED: u64 = 20_260_101;

fn options(trials: u64) -> RunOptions {
    RunOptions { trials, years: 1.0, seed: SEED, threads: Some(2) }
}

/// A model with two strategies whose figures depend on the swept values.
fn two_strategy_spec(interval: &str, dataset_gb: f64) -> ModelSpec {
    ModelSpec::new()
        .dataset_gb(dataset_gb)
        .failure(region_only_in(outage_failure("region", 3.0, &exponential("6h")), "p"))
        .failure(outage_failure("az", 1.0, &fixed("2h")))
        .strategy(backup_restore("br").backup("interval", s(interval)).backup("copy_delay", fixed("10m")))
        .strategy(pilot_light("pl"))
}

// The grid is the cartesian product (2 x 2 points, 2 strategies: 8 rows),
// the CSV has one row per point and strategy with every column filled, and
// every point equals a separate run of the model written with that value
// (same seed: exactly equal, not within noise).
#[test]
fn sweep_grid_and_csv_are_complete_and_equal_separate_runs() {
    let text = two_strategy_spec("1h", 100.0).text();
    let axes = vec![
        Axis { path: "strategy.br.backup.interval".into(), values: vec!["30m".into(), "2h".into()] },
        Axis { path: "workload.dataset_gb".into(), values: vec!["100".into(), "400".into()] },
    ];
    let result = sweep(&text, Path::new("test.toml"), &axes, &options(3_000), |_, _| {}).unwrap();
    let grid: Vec<Vec<String>> = result.points.iter().map(|p| p.values.clone()).collect();
    let want: Vec<Vec<String>> = [["30m", "100"], ["30m", "400"], ["2h", "100"], ["2h", "400"]]
        .iter()
        .map(|r| r.iter().map(|v| v.to_string()).collect())
        .collect();
    assert_eq!(grid, want);

    let csv = SweepCsv::default().render(&result).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 1 + 4 * 2, "{csv}");
    assert!(lines[0].starts_with("strategy.br.backup.interval,workload.dataset_gb,strategy,"), "{}", lines[0]);
    assert!(lines[0].contains("expected_annual_cost_usd") && lines[0].contains("p95_annual_cost_usd"));
    for row in &lines[1..] {
        assert!(row.split(',').all(|cell| !cell.is_empty()), "empty cell in {row}");
    }

    for p in &result.points {
        let gb: f64 = p.values[1].parse().unwrap();
        let model = two_strategy_spec(&p.values[0], gb).build();
        let separate = strategy_points(&simulate(&model, &options(3_000)).unwrap());
        assert_eq!(p.strategies, separate, "point {:?}", p.values);
    }
    // The swept value matters: a 2 h interval loses more data than 30 m.
    assert!(result.points[2].strategies[0].rpo_met.estimate < result.points[0].strategies[0].rpo_met.estimate);
}

/// Lower end of the 95% Wilson interval of a share `p` of `n`.
fn wilson_low(p: f64, n: f64) -> f64 {
    let z: f64 = 1.959_963_984_540_054;
    let z2 = z * z;
    (p + z2 / (2.0 * n) - z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt()) / (1.0 + z2 / n)
}

// --find on a closed form. Region failures strike only the primary, last
// 3 days (every incident fails over and restores in the DR region), every
// backup job succeeds and its copy reaches the DR region after exactly
// C = 10 min. The data-loss window is then C + U(0, T) for interval T (see
// closed_forms.rs, test 2), so P(window <= r) = (r - C)/T and the targets
// hold at confidence q when C + q T <= r: T <= (r - C)/q = 55.6 min for
// r = 1 h, q = 0.9. RTO (10 + 6 + 5 = 21 min) is always met.
// The decision judges on the Wilson lower bound of the share over n
// incidents, so the found T is where wilson_low((r - C)/T, n) = q, slightly
// below (r - C)/q: T* = (r - C)/p* with p* solving wilson_low(p*, n) = q.
// n = trials x rate (the primary is down 3 days a year at most, < 1%).
// Tolerance: (a) sampling noise: at fixed T the estimated share has SE
// sqrt(q(1-q)/n); 4 SE in the share moves T by (r - C)/q^2 x 4 SE;
// (b) the bisection stops within (HIGH - LOW)/2^FIND_STEPS; (c) values are
// written in whole seconds (0.5 s).
#[test]
fn find_lands_on_the_closed_form_backup_interval() {
    let (r_s, c_s, q) = (3600.0, 600.0, 0.9);
    let (trials, rate) = (10_000u64, 5.0);
    let spec = ModelSpec::new()
        .rpo("1h")
        .failure(region_only_in(outage_failure("region", rate, &fixed("3d")), "p"))
        .strategy(backup_restore("br").backup("copy_delay", fixed("10m")));
    let text = apply(
        &spec.text(),
        Path::new("test.toml"),
        &[Assignment { path: "targets.confidence".into(), value: "0.9".into() }],
    )
    .unwrap();
    let found =
        find(&text, Path::new("test.toml"), "strategy.br.backup.interval", "20m", "2h", &options(trials), |_| {})
            .unwrap();
    assert_eq!(found.direction, Some(Direction::Largest));
    let got = drsim::model::Duration::parse(found.value.as_deref().unwrap()).unwrap().secs();

    let n = trials as f64 * rate;
    let (mut lo, mut hi) = (q, 1.0);
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if wilson_low(mid, n) < q { lo = mid } else { hi = mid }
    }
    let t_star = (r_s - c_s) / hi;
    let noise = (r_s - c_s) / (q * q) * 4.0 * (q * (1.0 - q) / n).sqrt();
    let resolution = (7200.0 - 1200.0) / f64::from(1u32 << FIND_STEPS);
    let tolerance = noise + resolution + 0.5;
    println!(
        "found {got:.0} s, expected {t_star:.0} s (naive (r-C)/q = {:.0} s), tolerance {tolerance:.0} s",
        (r_s - c_s) / q
    );
    assert!((got - t_star).abs() <= tolerance, "found {got} s, expected {t_star} s +- {tolerance} s");
}

/// Writes an incident history of `durations` (hours), AWS single-AZ events
/// spread over 2000-2019 (20 calendar years).
fn write_history(dir: &Path, durations: &[f64]) -> PathBuf {
    let mut text = String::from("date,provider,region,scope,services,duration_hours,source\n");
    for (i, d) in durations.iter().enumerate() {
        let year = 2000 + (i % 20);
        text.push_str(&format!("{year}-06-01,AWS,us-east-1,single-AZ,EC2,{d},synthetic\n"));
    }
    let path = dir.join("history.csv");
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs `drsim fit` and returns fit.csv's rows (family first).
fn fit_rows(name: &str, durations: &[f64]) -> Vec<Vec<String>> {
    let dir = temp_dir(name);
    let data = write_history(&dir, durations);
    let out = dir.join("out");
    let status = Command::new(env!("CARGO_BIN_EXE_drsim"))
        .args(["fit", data.to_str().unwrap(), "--kind", "az", "--provider", "AWS", "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let stdout = String::from_utf8_lossy(&status.stdout);
    assert!(stdout.contains("[[failure]]") && stdout.contains("kind = \"az\""), "{stdout}");
    assert!(out.join("fit.png").exists() && out.join("failure.toml").exists());
    let mut reader = csv::Reader::from_path(out.join("fit.csv")).unwrap();
    reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect()
}

fn column(rows: &[Vec<String>], row: usize, i: usize) -> f64 {
    rows[row][i].parse().unwrap()
}

// `drsim fit` on synthetic histories of n = 2000 durations from each family
// (fixed seed): the best family by AIC is the true one, the rate is exactly
// n / 20 years (2000 events over 2000-2019) with the exact Poisson interval
// around it, and the fitted median is within 4 SE of the true one. SE of the
// sample median-based estimate: for the lognormal, ln(median) = mu has SE
// sigma/sqrt(n); for the others the MLE median's relative SE is below
// 2/sqrt(n) x (its coefficient of variation, at most 1.3 here), so
// 4 x 2.6/sqrt(n) = 0.23 relative is a safe bound at n = 2000.
// The exponential is nested in the Weibull and gamma (shape 1), so AIC picks
// it only with probability ~84% (P(chi2_1 < 2)); for it only the mean is checked.
#[test]
fn fit_recovers_synthetic_parameters_and_picks_the_true_family() {
    let n = 2000;
    let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(7);
    // Columns of fit.csv.
    let (family, median, mean, events, years, rate, low, high) = (0, 7, 6, 9, 10, 11, 12, 13);

    let sigma = 1.2;
    let lognormal: Vec<f64> = {
        let d = rand_distr::LogNormal::new(4.0f64.ln(), sigma).unwrap();
        (0..n).map(|_| d.sample(&mut rng)).collect()
    };
    let rows = fit_rows("lognormal", &lognormal);
    assert_eq!(rows[0][family], "lognormal");
    let tol = 4.0 * sigma / (n as f64).sqrt();
    assert!((column(&rows, 0, median) / 4.0).ln().abs() <= tol, "median {}", rows[0][median]);
    assert_eq!(column(&rows, 0, events), n as f64);
    assert_eq!(column(&rows, 0, years), 20.0);
    assert_eq!(column(&rows, 0, rate), n as f64 / 20.0);
    assert!(column(&rows, 0, low) < 100.0 && column(&rows, 0, high) > 100.0);

    let weibull: Vec<f64> = {
        let d = rand_distr::Weibull::new(8.0, 0.7).unwrap(); // scale 8 h, shape 0.7
        (0..n).map(|_| d.sample(&mut rng)).collect()
    };
    let rows = fit_rows("weibull", &weibull);
    assert_eq!(rows[0][family], "weibull");
    let true_median = 8.0 * 2f64.ln().powf(1.0 / 0.7);
    assert!((column(&rows, 0, median) / true_median - 1.0).abs() <= 0.23, "median {}", rows[0][median]);

    let gamma: Vec<f64> = {
        let d = rand_distr::Gamma::new(3.0, 2.0).unwrap(); // shape 3, scale 2 h: mean 6 h
        (0..n).map(|_| d.sample(&mut rng)).collect()
    };
    let rows = fit_rows("gamma", &gamma);
    assert_eq!(rows[0][family], "gamma");
    // Mean 6 h, sd sqrt(3) x 2 = 3.46 h: 4 SE = 4 x 3.46/sqrt(n).
    assert!((column(&rows, 0, mean) - 6.0).abs() <= 4.0 * 3.46 / (n as f64).sqrt(), "mean {}", rows[0][mean]);

    let exponential: Vec<f64> = {
        let d = rand_distr::Exp::new(1.0 / 5.0).unwrap(); // mean 5 h
        (0..n).map(|_| d.sample(&mut rng)).collect()
    };
    let rows = fit_rows("exponential", &exponential);
    let exp_row = rows.iter().position(|r| r[family] == "exponential").unwrap();
    // The exponential MLE is the sample mean: SE = 5/sqrt(n).
    assert!((column(&rows, exp_row, mean) - 5.0).abs() <= 4.0 * 5.0 / (n as f64).sqrt());
}

// The tornado ranks first the input that dominates by construction. The one
// strategy never fails over (it waits 100 years), so every region outage's
// downtime is its duration, uniform on [1 h, 100 h]: its P10-P90 (10.9 h to
// 90.1 h) moves the cost of downtime by 79.2/50.5 = 157% of its mean, while
// every fixed input moves a cost by at most 2 x swing = 40% (revenue, rate)
// and the other distributions (fixed steps) are not uncertain at all.
// Margins are far beyond noise (2,000 trials; the ranking is on common
// random numbers).
#[test]
fn sensitivity_ranks_the_dominant_input_first() {
    let spec = ModelSpec::new()
        .failure(region_only_in(outage_failure("region", 2.0, &uniform("1h", "100h")), "p"))
        .response("detection", uniform("0s", "1m"))
        .strategy(backup_restore("waits").set("invoke_after", s("100y")));
    let t = tornado(&spec.text(), Path::new("test.toml"), "waits", 0.2, &options(2_000), |_, _| {}, |_, _| {}).unwrap();
    let names: Vec<&str> = t.bars.iter().map(|b| b.input.path.as_str()).collect();
    assert_eq!(names[0], "failure.region.duration", "ranking: {names:?}");
    assert!(names.contains(&"workload.revenue_per_hour") && names.contains(&"response.detection"), "{names:?}");
    assert!(t.bars[0].cost_swing() > 2.0 * t.bars[1].cost_swing());
}

// Every example model loads and runs.
#[test]
fn example_models_check_and_run() {
    let mut count = 0;
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/models")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            if std::fs::read_to_string(&path).unwrap().contains("[[service]]") {
                // A platform model: `drsim plans` runs it (tests/platform.rs).
                drsim::platform::load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                continue;
            }
            let model = Model::load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            simulate(&model, &options(200)).unwrap();
            count += 1;
        }
    }
    assert!(count >= 4, "expected SecureCart and the three what-if examples, found {count}");
}

// The commands as a user runs them: files written under --out, bad input
// named and exit code 2.
#[test]
fn sweep_and_sensitivity_commands_write_their_files_and_reject_bad_input() {
    let dir = temp_dir("cli");
    let model = dir.join("m.toml");
    std::fs::write(&model, two_strategy_spec("1h", 100.0).text()).unwrap();
    let drsim = |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_drsim")).args(args).output().unwrap();
    let m = model.to_str().unwrap();
    let out = dir.join("sweep");
    let o = drsim(&[
        "sweep",
        m,
        "--set",
        "strategy.br.backup.interval=30m,1h",
        "--trials",
        "500",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for f in ["sweep.csv", "sweep.png", "sweep.svg"] {
        assert!(out.join(f).exists(), "{f} missing");
    }
    let out = dir.join("sens");
    let o = drsim(&["sensitivity", m, "--strategy", "br", "--trials", "300", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for f in ["sensitivity.csv", "tornado_br.png", "tornado_br.svg"] {
        assert!(out.join(f).exists(), "{f} missing");
    }
    let o = drsim(&["sweep", m, "--set", "strategy.nope.backup.interval=1h"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("known: br, pl"));
    let o = drsim(&["sweep", m, "--set", "strategy.br.backup.interval=-5m"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("strategy.br.backup.interval=-5m"));
}
