//! Uncertain inputs and the two-level Monte Carlo (`drsim run --outer`):
//! the outer loop reproduces a closed-form mixture, a plain run ignores the
//! `[uncertain]` table, the figures do not depend on threads, sharded outer
//! draws merge to the unsharded run's figures exactly, and bad specs are
//! refused with their position.

mod common;

use std::fs;
use std::path::Path;
use std::process::Output;

use common::cli::{ok, temp_dir};
use common::*;
use drsim::model::Model;
use drsim::model::uncertain::gamma_matching;
use drsim::report::{Report, json::Json};
use drsim::simulation::RunOptions;
use drsim::whatif::outer;

const SEED: u64 = 20_260_101;

/// A model whose every logical incident loses all data (backups kept 1 h,
/// detected after 2 h), so a year has a total loss exactly when it has an
/// incident: P(a year with a total loss) = 1 - exp(-λ) for a rate λ.
fn total_loss_model(uncertain: &str) -> String {
    ModelSpec::new()
        .failure(logical_failure(1.0, &fixed("2h")))
        .strategy(backup_restore("short-retention").backup("interval", s("30m")).backup("retention", s("1h")))
        .raw(&format!("[uncertain]\n{uncertain}\n"))
        .text()
}

fn mixture_mean(uncertain: &str, draws: u64) -> outer::Spread {
    let text = total_loss_model(uncertain);
    let options = RunOptions { trials: 2_000, years: 1.0, seed: SEED, threads: None };
    let path = Path::new("test.toml");
    let figures = outer::run(&text, path, &[], 0..draws, &options, |_| {}).expect("outer loop runs");
    let model = Model::from_str_at(&text, path).unwrap();
    let summary = outer::summarize(&model, &[], options.trials, &figures);
    summary.strategies[0].total_loss_year
}

// The outer loop over λ ~ Gamma(k, θ) estimates the mixture
// E[1 - exp(-λ)] = 1 - (1 + θ)^-k (the gamma's Laplace transform at 1). Each
// draw's estimate is a binomial share over 2,000 one-year trials; their mean
// over draws has the standard error sd(draws)/sqrt(draws), which includes
// both the outer spread and the inner noise. Tolerance: 4 SE.
#[test]
fn outer_loop_over_a_gamma_rate_reproduces_the_closed_form_mixture() {
    let (k, theta) = (1.0f64, 1.0f64);
    let spread = mixture_mean(
        &format!("\"failure.logical.rate_per_year\" = {{ dist = \"gamma\", shape = {k:?}, scale = {theta:?} }}"),
        300,
    );
    let exact = 1.0 - (1.0 + theta).powf(-k);
    assert_within_se("P(a year with an incident), gamma rate", spread.mean, exact, spread.mean_std_error);
    // The fixed-rate figure is far off: the mixture is what the outer loop adds.
    assert!((1.0 - (-1.0f64).exp() - exact).abs() > 4.0 * spread.mean_std_error);
}

// A rate given as `drsim fit` prints it is the gamma whose 2.5% and 97.5%
// quantiles are the interval's ends: same closed form with its shape and scale.
#[test]
fn a_rate_with_its_interval_is_the_gamma_matching_the_interval() {
    let (k, theta) = gamma_matching(0.27, 1.14).unwrap();
    let spread = mixture_mean("\"failure.logical.rate_per_year\" = { estimate = 0.6, low = 0.27, high = 1.14 }", 300);
    let exact = 1.0 - (1.0 + theta).powf(-k);
    assert_within_se("P(a year with an incident), interval rate", spread.mean, exact, spread.mean_std_error);
}

#[test]
fn a_plain_run_ignores_the_uncertain_table() {
    let with = Model::from_str_at(
        &total_loss_model("\"failure.logical.rate_per_year\" = { estimate = 0.6, low = 0.27, high = 1.14 }"),
        Path::new("test.toml"),
    )
    .unwrap();
    let without = ModelSpec::new()
        .failure(logical_failure(1.0, &fixed("2h")))
        .strategy(backup_restore("short-retention").backup("interval", s("30m")).backup("retention", s("1h")))
        .build();
    let (a, b) = (run(&with, 3_000, 1.0, SEED), run(&without, 3_000, 1.0, SEED));
    assert_eq!(Json.render(&a).unwrap(), Json.render(&b).unwrap().replace(&without.source.sha256, &with.source.sha256));
    assert_eq!(with.uncertain.len(), 1);
}

fn drsim(args: &[&str]) -> Output {
    common::cli::drsim().args(args).output().unwrap()
}

/// The `outer` object of an outer.json (the provenance names the command line and threads).
fn outer_of(json: &[u8]) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_slice(json).unwrap();
    serde_json::json!({ "outer": v["outer"], "decision": v["decision"] })
}

const RUN: [&str; 7] = ["run", "models/securecart-monolith.toml", "--outer", "5", "--trials", "300", "-q"];

#[test]
fn outer_figures_do_not_depend_on_threads_and_shards_merge_exactly() {
    let dir = temp_dir("shards");
    let whole = dir.join("whole");
    let mut args = RUN.to_vec();
    let whole_s = whole.to_str().unwrap();
    args.extend(["--threads", "1", "--out", whole_s]);
    let text = ok(drsim(&args)).stdout;
    assert!(String::from_utf8_lossy(&text).contains("plausible input sets"), "{}", String::from_utf8_lossy(&text));
    let mut json2 = RUN.to_vec();
    json2.extend(["--threads", "2", "--format", "json"]);
    let two = ok(drsim(&json2)).stdout;
    let whole_json = fs::read(whole.join("outer.json")).unwrap();
    assert_eq!(outer_of(&whole_json), outer_of(&two), "threads change the outer figures");

    let mut parts = Vec::new();
    for k in ["1/3", "2/3", "3/3"] {
        let part = dir.join(format!("part-{}", &k[..1]));
        let mut a = RUN.to_vec();
        let p = part.to_str().unwrap().to_string();
        a.extend(["--shard", k, "--out", &p]);
        ok(drsim(&a));
        parts.push(p);
    }
    let merged = dir.join("merged");
    let mut m: Vec<&str> = vec!["merge", "--format", "json", "--out", merged.to_str().unwrap()];
    // Out of order on purpose: the merge puts the draws back in order.
    m.extend([parts[2].as_str(), parts[0].as_str(), parts[1].as_str()]);
    let printed = ok(drsim(&m)).stdout;
    assert_eq!(outer_of(&printed), outer_of(&whole_json));
    assert_eq!(outer_of(&fs::read(merged.join("outer.json")).unwrap()), outer_of(&whole_json));

    // A missing part is refused.
    let mut m: Vec<&str> = vec!["merge", "--out", dir.join("bad").to_str().unwrap().to_string().leak()];
    m.extend([parts[0].as_str(), parts[2].as_str()]);
    let out = drsim(&m);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("a part is missing"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = fs::remove_dir_all(&dir);
}

fn refused(text: &str, extra: &[&str]) -> String {
    let dir = temp_dir(&format!("bad-{:x}", text.len() * 31 + extra.len()));
    let file = dir.join("m.toml");
    fs::write(&file, text).unwrap();
    let mut args = vec!["run", file.to_str().unwrap(), "--trials", "100", "-q"];
    args.extend(extra);
    let out = drsim(&args);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stdout));
    let _ = fs::remove_dir_all(&dir);
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn bad_uncertain_specs_are_refused_with_their_position() {
    let e = refused(
        &total_loss_model("\"failure.logical.rate_per_year\" = { estimate = 0.6, low = 1.2, high = 1.14 }"),
        &[],
    );
    assert!(
        e.contains("m.toml:") && e.contains("uncertain") && e.contains("low (1.2) < estimate (0.6) < high (1.14)"),
        "{e}"
    );
    let e = refused(&total_loss_model("\"failure.logical.rate_per_year\" = 0.6"), &[]);
    assert!(e.contains("expected a table") && e.contains("allowed:"), "{e}");
    let e = refused(
        &total_loss_model("\"failure.logical.rate_per_year\" = { estimate = 0.6, low = 0.2, high = 1.1, n = 3 }"),
        &[],
    );
    assert!(e.contains("unknown field `n`"), "{e}");
    let e = refused(&total_loss_model("\"failure.logical.rate_per_year\" = { mean = 0.6 }"), &[]);
    assert!(e.contains("neither `estimate` nor `dist`"), "{e}");
    let e = refused(
        &total_loss_model("\"failure.logical.rate_per_year\" = { dist = \"uniform\", min = 2.0, max = 1.0 }"),
        &[],
    );
    assert!(e.contains("uncertain") && e.contains("max"), "{e}");
    // A path that names nothing: refused as the model is loaded, with its line and the nearest key.
    let e = refused(
        &total_loss_model("\"failure.logical.rate_per_yaer\" = { dist = \"uniform\", min = 0.5, max = 1.0 }"),
        &["--outer", "2"],
    );
    assert!(
        e.contains("m.toml:")
            && e.contains("uncertain.\"failure.logical.rate_per_yaer\"")
            && e.contains("the model sets no value at this path; did you mean `rate_per_year`?"),
        "{e}"
    );
    // --outer on a model with nothing uncertain.
    let plain = ModelSpec::new().failure(logical_failure(1.0, &fixed("2h"))).strategy(backup_restore("b")).text();
    let e = refused(&plain, &["--outer", "2"]);
    assert!(e.contains("marks no input uncertain"), "{e}");
    let e = refused(
        &total_loss_model("\"failure.logical.rate_per_year\" = { dist = \"uniform\", min = 0.5, max = 1.0 }"),
        &["--outer", "2", "--format", "csv"],
    );
    assert!(e.contains("--format table or json"), "{e}");
}

// Sensitivity shares work: a cost-only input is repriced, a strategy's own
// input simulated for it alone, a shared input once for all. Each bar must be
// what simulating the edited model with every strategy gives: exactly for
// simulated inputs (each strategy draws from its own keyed streams), to the
// rounding of the fixed-point cost sums (1e-9 relative) for repriced ones.
#[test]
fn sensitivity_shared_work_gives_the_figures_of_a_full_simulation() {
    use drsim::whatif::param::{Assignment, model_with};
    use drsim::whatif::sensitivity::{Metric, tornados};
    let path = Path::new("models/securecart-monolith.toml");
    let text = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap();
    let options = RunOptions { trials: 300, years: 1.0, seed: SEED, threads: None };
    let ts = tornados(&text, path, None, 0.2, Metric::TargetsMet(None), &options, |_, _| {}, |_, _| {}).unwrap();
    assert_eq!(ts.len(), 4);
    let checked = ["costs.primary_compute_usd_per_month", "strategy.pilot-light.promote", "workload.dataset_gb"];
    for t in &ts {
        for w in t.bars.windows(2) {
            assert!(w[0].swing(Metric::TargetsMet(None)) >= w[1].swing(Metric::TargetsMet(None)));
        }
        for bar in t.bars.iter().filter(|b| checked.contains(&b.input.path.as_str())) {
            let set = [Assignment { path: bar.input.path.clone(), value: bar.input.low.clone() }];
            let full = drsim::simulation::simulate(&model_with(&text, path, &set).unwrap(), &options).unwrap();
            let s = full.strategies.iter().find(|s| s.name == t.strategy).unwrap();
            let want = s.cost.total_annual_usd.value;
            let got = bar.low.expected_annual_cost_usd;
            assert!((got - want).abs() <= 1e-9 * want, "{} {}: {got} vs {want}", t.strategy, bar.input.path);
            assert_eq!(bar.low.p_targets_met, drsim::whatif::targets_met(s), "{} {}", t.strategy, bar.input.path);
        }
    }
    // Pilot-light's own input is not in the other strategies' tornados.
    assert!(ts[2].bars.iter().all(|b| !b.input.path.starts_with("strategy.pilot-light.")));
    assert!(Metric::parse("target-met:moon").unwrap_err().contains("allowed:"));
    assert_eq!(Metric::parse("total-loss"), Ok(Metric::TotalLoss));
}
