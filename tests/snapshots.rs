//! Snapshot tests of the command-line output: the terminal table, report.md,
//! `check`, `timeline` and `sweep` on the bundled models, with fixed seeds,
//! `fit` on the bundled outage history, and the machine formats pipelines
//! read (`check` as JSON and SARIF, `timeline`, `fit` and `sensitivity` as JSON).
//!
//! Why: every figure, column and format drsim prints is pinned, so a change of
//! any of them (a reordered random draw, a renamed column, a different number
//! of digits) fails here and has to be accepted on purpose by updating the
//! snapshot under `tests/snapshots/` (`INSTA_UPDATE=always cargo test --test
//! snapshots`, or `cargo insta review`), where the diff shows what changed.
//!
//! The tests run the built binary with the repository root as the current
//! directory, so paths in the output are the relative `models/...` paths the
//! user typed. They need no network and no system fonts (no charts are drawn),
//! and drsim writes no files without `--out`. On a mismatch insta writes the
//! new output as a `.snap.new` file beside the snapshot (set `INSTA_UPDATE=no`
//! to prevent that, as CI does).
//!
//! One redaction: the version in `drsim <version>` headers becomes `drsim
//! [version]`, so a release does not rewrite every snapshot. Nothing else in
//! the output depends on the machine: it shows neither thread counts nor
//! timings nor absolute paths, and the figures are promised to be the same on
//! any thread count (checked below).

mod common;

use std::process::Output;

use common::cli::{exits, stdout_of};

/// The bundled models, by file stem.
const MODELS: [&str; 4] =
    ["securecart-monolith", "payments-rpo-zero", "ransomware-immutability", "small-shop-single-region"];

/// Standard output, then standard error under a marker if there is any, with
/// the version redacted (see the file's doc comment).
fn transcript(out: &Output) -> String {
    let mut text = String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8");
    let stderr = String::from_utf8(out.stderr.clone()).expect("stderr is UTF-8");
    if !stderr.is_empty() {
        text.push_str("\n----- stderr -----\n");
        text.push_str(&stderr);
    }
    redact_provenance(&text.replace(concat!("drsim ", env!("CARGO_PKG_VERSION")), "drsim [version]"))
}

/// The parts of a JSON output's `provenance` that depend on the build and
/// the machine, not on the output: version, git revision, the binary's path
/// (first on the command line) and the thread count.
fn redact_provenance(text: &str) -> String {
    let text = text
        .replace(concat!("\"drsim_version\": \"", env!("CARGO_PKG_VERSION"), "\""), "\"drsim_version\": \"[version]\"")
        .replace(
            &format!("\"git_revision\": \"{}\"", drsim::provenance::GIT_REVISION),
            "\"git_revision\": \"[revision]\"",
        )
        .replace(&format!("\"{}\"", env!("CARGO_BIN_EXE_drsim")), "\"drsim\"");
    let mut out: Vec<String> = Vec::new();
    for line in text.split('\n') {
        match line.find("\"threads\": ") {
            Some(at) if !line.ends_with("null") && !line.ends_with("null,") => {
                let comma = if line.ends_with(',') { "," } else { "" };
                out.push(format!("{}\"threads\": \"[threads]\"{comma}", &line[..at]));
            }
            _ => out.push(line.to_string()),
        }
    }
    out.join("\n")
}

/// Runs `drsim <args>` and compares its transcript with snapshot `name`; the
/// command line is recorded in the snapshot's header.
fn assert_output(name: &str, args: &[&str]) {
    let text = transcript(&exits(0, args, None));
    let mut settings = insta::Settings::clone_current();
    settings.set_description(format!("drsim {}", args.join(" ")));
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name, text));
}

/// The terminal table of a small fixed-seed run of one bundled model.
fn assert_run_table(model: &str) {
    let path = format!("models/{model}.toml");
    let args = ["run", &path, "--trials", "2000", "--seed", "7", "--threads", "2", "-q"];
    assert_output(&format!("run_table_{model}"), &args);
}

#[test]
fn run_table_of_securecart_is_pinned() {
    assert_run_table("securecart-monolith");
}

#[test]
fn run_table_of_payments_rpo_zero_is_pinned() {
    assert_run_table("payments-rpo-zero");
}

#[test]
fn run_table_of_ransomware_immutability_is_pinned() {
    assert_run_table("ransomware-immutability");
}

#[test]
fn run_table_of_small_shop_single_region_is_pinned() {
    assert_run_table("small-shop-single-region");
}

#[test]
fn run_table_over_three_years_is_pinned() {
    let args = [
        "run",
        "models/securecart-monolith.toml",
        "--trials",
        "2000",
        "--seed",
        "7",
        "--threads",
        "2",
        "--years",
        "3",
        "-q",
    ];
    assert_output("run_table_securecart_3_years", &args);
}

#[test]
fn report_markdown_is_pinned() {
    let args =
        ["run", "models/securecart-monolith.toml", "--trials", "2000", "--seed", "7", "-q", "--format", "markdown"];
    assert_output("report_markdown_securecart", &args);
}

#[test]
fn check_of_every_bundled_model_is_pinned() {
    for model in MODELS {
        let path = format!("models/{model}.toml");
        assert_output(&format!("check_{model}"), &["check", &path]);
    }
}

#[test]
fn timeline_of_a_region_incident_is_pinned() {
    assert_output(
        "timeline_securecart_pilot_light_region",
        &["timeline", "models/securecart-monolith.toml", "--strategy", "pilot-light", "--kind", "region"],
    );
}

#[test]
fn timeline_of_a_logical_incident_is_pinned() {
    assert_output(
        "timeline_securecart_pilot_light_logical",
        &["timeline", "models/securecart-monolith.toml", "--strategy", "pilot-light", "--kind", "logical"],
    );
}

#[test]
fn sweep_is_pinned() {
    // The progress lines on standard error are part of the transcript: they
    // count the points done ("point 1 of 2"), so they do not depend on which
    // point finishes first.
    assert_output(
        "sweep_securecart_backup_interval",
        &[
            "sweep",
            "models/securecart-monolith.toml",
            "--set",
            "strategy.pilot-light.backup.interval=5m,1h",
            "--trials",
            "1000",
        ],
    );
}

/// `drsim fit` on the bundled history: the rate says what it counts, and the
/// snippet's `rate_per_year` is per region or per AZ as in a model. A
/// provider-wide region rate with no `--regions` leaves the key to the user;
/// us-east-1's AZ history over its 6 AZs gives 6 events / 15 years / 6 AZs
/// = 0.0667 per AZ.
#[test]
fn fit_says_what_its_rate_counts() {
    let data = "models/data/public-outages.csv";
    assert_output("fit_aws_region", &["fit", data, "--provider", "AWS", "--kind", "region"]);
    let args = ["fit", data, "--provider", "AWS", "--kind", "az", "--region", "us-east-1", "--azs", "6"];
    assert_output("fit_aws_az_us_east_1_per_az", &args);
}

#[test]
fn check_json_and_sarif_are_pinned() {
    // A bundled model with findings: their positions, levels and texts.
    let model = "models/ransomware-immutability.toml";
    assert_output("check_json_ransomware-immutability", &["check", model, "--format", "json"]);
    assert_output("check_sarif_ransomware-immutability", &["check", model, "--format", "sarif"]);
}

#[test]
fn timeline_json_is_pinned() {
    assert_output(
        "timeline_json_securecart_pilot_light_region",
        &[
            "timeline",
            "models/securecart-monolith.toml",
            "--strategy",
            "pilot-light",
            "--kind",
            "region",
            "--format",
            "json",
        ],
    );
}

#[test]
fn fit_json_is_pinned() {
    assert_output(
        "fit_json_public_outages_region",
        &["fit", "models/data/public-outages.csv", "--kind", "region", "--format", "json"],
    );
}

#[test]
fn sensitivity_json_is_pinned() {
    let args = [
        "sensitivity",
        "models/small-shop-single-region.toml",
        "--strategy",
        "local-backups",
        "--trials",
        "200",
        "--seed",
        "7",
        "--format",
        "json",
    ];
    assert_output("sensitivity_json_small_shop_local_backups", &args);
}

#[test]
fn run_output_does_not_depend_on_thread_count() {
    // drsim promises the same figures on any thread count: every trial draws
    // from its own keyed streams (src/world/seed.rs). Three threads split the
    // trials unevenly, unlike one and two.
    for format in ["table", "json"] {
        let run = |threads: &str| {
            let args = [
                "run",
                "models/securecart-monolith.toml",
                "--trials",
                "2000",
                "--seed",
                "7",
                "-q",
                "--format",
                format,
                "--threads",
                threads,
            ];
            let out = stdout_of(&args);
            if format != "json" {
                return out;
            }
            // The JSON records how it was produced (`invocation`: the threads
            // and the command line); the figures are everything else.
            let mut json: serde_json::Value = serde_json::from_str(&out).unwrap();
            assert_eq!(json["invocation"]["threads"], threads.parse::<u64>().unwrap());
            json["invocation"].take();
            json.to_string()
        };
        let one = run("1");
        for threads in ["2", "3"] {
            assert!(one == run(threads), "--format {format}: --threads {threads} differs from --threads 1");
        }
    }
}
