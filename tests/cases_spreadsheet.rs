//! What a spreadsheet user sees: the CSV a run prints (9 significant digits,
//! the run's columns at the end of every row), pinned by a snapshot; and
//! restore tests as one schedule (`[strategy.backup] restore_test_interval`)
//! that also resets the restore reliability drift, checked against the
//! closed form at a fixed seed.

mod common;

use common::*;
use drsim::incident::Step;

#[test]
fn run_csv_has_nine_significant_digits_and_says_its_run() {
    let args = ["run", "models/small-shop-single-region.toml", "--trials", "300", "--seed", "7", "--threads", "2"];
    let text = cli::stdout_of(&[&args[..], &["-q", "--format", "csv"]].concat());
    let version = format!(",{},", drsim::provenance::VERSION);
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    assert!(
        header.ends_with(",drsim_version,seed,trials,years_per_trial,variance_reduction,region_replays"),
        "{header}"
    );
    for line in lines {
        assert!(line.contains(&version) && line.ends_with(",7,300,1,none,1"), "{line}");
    }
    // No cell has more than 9 significant digits.
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    for record in reader.records() {
        for cell in record.unwrap().iter().filter(|c| c.parse::<f64>().is_ok()) {
            // Zeros ending a whole number are not significant (`300`, `315360000`).
            let mantissa = if cell.contains('.') { cell.to_string() } else { cell.trim_end_matches('0').to_string() };
            let digits = mantissa.trim_start_matches('-').replace('.', "").trim_start_matches('0').len();
            assert!(digits <= 9, "{cell} has {digits} significant digits");
        }
    }
    insta::with_settings!({ description => format!("drsim {} -q --format csv", args.join(" ")) }, {
        insta::assert_snapshot!("run_csv_small_shop", text.replace(&version, ",[version],"));
    });
}

/// Backup & restore answering region outages of the primary (2 a year, 10 days
/// each) from backups that drift out of order with `unusable_drift = drift`
/// from `unusable_probability = 0.1`; each failed attempt costs a fixed hour.
fn model(restore_tests: Option<&str>, drift: &str) -> ModelSpec {
    let mut strategy = backup_restore("br")
        .restore("unusable_probability", "0.1")
        .restore("unusable_drift", s(drift))
        .restore("failed_attempt", fixed("1h"));
    if let Some(interval) = restore_tests {
        strategy = strategy.backup("restore_test_interval", s(interval));
    }
    ModelSpec::new().failure(outage_failure("region", 2.0, &fixed("10d")).set("regions", "[\"p\"]")).strategy(strategy)
}

/// Share of restores whose first copy was unusable (the restore step then
/// holds at least one failed hour; without one it takes under half an hour).
fn first_copy_unusable(spec: &ModelSpec, trials: u64) -> (f64, u64) {
    let recs = incidents(&spec.build(), trials, 1.0, 17);
    let restores: Vec<f64> = recs.iter().map(|r| r.incident.steps[Step::Restore as usize].secs()).collect();
    assert!(restores.iter().all(|s| *s > 0.0), "every incident restored");
    let base = restores.iter().copied().fold(f64::INFINITY, f64::min);
    assert!(base < 1800.0, "a restore without failed attempts takes {base} s");
    let failed = restores.iter().filter(|s| **s >= 3600.0).count();
    (failed as f64 / restores.len() as f64, restores.len() as u64)
}

#[test]
fn restore_tests_every_t_reset_the_drift_to_its_closed_form() {
    // Tests every T at a uniform phase: the age at a restore is U(0, T), so
    // P(first copy unusable) = 1 - (1 - p0) (d / T) (1 - exp(-T / d)); with
    // T = d = 30 d and p0 = 0.1: 1 - 0.9 (1 - 1/e) = 0.4311.
    let (got, n) = first_copy_unusable(&model(Some("30d"), "30d"), 4_000);
    let want = 1.0 - 0.9 * (1.0 - (-1.0f64).exp());
    assert_within_se("P(first copy unusable), monthly restore tests", got, want, binomial_se(want, n));
}

#[test]
fn without_restore_tests_the_drift_runs_from_a_year_before_the_trial() {
    // Age = t + a0, a0 ~ U(0, 1 y), t the restore's time in a one-year trial
    // (outages uniform over the year): E[exp(-age / d)] = (d / Y)^2 (1 - e^(-Y/d))^2
    // with Y = d = 1 y (a slower drift, so that some copy is
    // still usable and every incident restores): 1 - 0.9 (1 - 1/e)^2 = 0.640.
    let (got, n) = first_copy_unusable(&model(None, "1y"), 4_000);
    let ratio = 1.0f64;
    let survive = (ratio * (1.0 - (-1.0 / ratio).exp())).powi(2);
    let want = 1.0 - 0.9 * survive;
    assert_within_se("P(first copy unusable), no restore tests", got, want, binomial_se(want, n));
}
