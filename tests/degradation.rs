//! Weaker backups never look better. On `models/ransomware-immutability.toml`
//! (ransomware destroying mutable backups, region and AZ outages), each of
//! these changes is applied to every strategy and run at the same seed
//! (common random numbers: trial `i` sees the same world in both runs):
//! making backups mutable, dropping the cross-region copy, lowering
//! `job_success`. No strategy's availability, share of incidents meeting both
//! targets (per kind) or expected annual cost may improve by more than 4
//! standard errors of the difference (the two runs' errors added as if
//! independent, which overstates the error of paired runs: conservative).

use std::path::Path;

use drsim::model::Model;
use drsim::simulation::{Results, RunOptions, simulate};

const TRIALS: u64 = 20_000;

fn bundled() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/models/ransomware-immutability.toml")).unwrap()
}

fn run(text: &str) -> Results {
    let model = Model::from_str_at(text, Path::new("ransomware-immutability.toml")).unwrap();
    simulate(&model, &RunOptions { trials: TRIALS, seed: 5, ..RunOptions::default() }).unwrap()
}

/// `worse` is no better than `base` on any figure, beyond 4 standard errors.
fn no_better(change: &str, base: &Results, worse: &Results) {
    for (b, w) in base.strategies.iter().zip(&worse.strategies) {
        let tol = |sa: f64, sb: f64| 4.0 * (sa * sa + sb * sb).sqrt();
        let (ab, aw) = (&b.availability, &w.availability);
        assert!(
            aw.value <= ab.value + tol(ab.std_error, aw.std_error),
            "{change}: {} availability {} -> {}",
            b.name,
            ab.value,
            aw.value
        );
        let (cb, cw) = (&b.cost.total_annual_usd, &w.cost.total_annual_usd);
        assert!(
            cw.value >= cb.value - tol(cb.std_error, cw.std_error),
            "{change}: {} expected cost {} -> {}",
            b.name,
            cb.value,
            cw.value
        );
        for (kb, kw) in b.kinds.iter().zip(&w.kinds) {
            let se = |s: &drsim::summary::Share| {
                (s.estimate * (1.0 - s.estimate) / s.trials.max(1) as f64).sqrt().max(1.0 / s.trials.max(1) as f64)
            };
            assert!(
                kw.both_met.estimate <= kb.both_met.estimate + tol(se(&kb.both_met), se(&kw.both_met)),
                "{change}: {} {} P(both met) {} -> {}",
                b.name,
                kb.kind,
                kb.both_met.estimate,
                kw.both_met.estimate
            );
        }
    }
}

#[test]
fn weaker_backups_never_improve_any_figure() {
    let text = bundled();
    let base = run(&text);
    let changes = [
        ("mutable backups", text.replace("immutable = true", "immutable = false")),
        ("no cross-region copy", text.replace("copy_to_dr_region = true", "copy_to_dr_region = false")),
        ("job_success 0.99 -> 0.5", text.replace("job_success = 0.99", "job_success = 0.5")),
    ];
    for (change, changed) in changes {
        assert_ne!(changed, text, "{change} changes the model");
        no_better(change, &base, &run(&changed));
    }
}
