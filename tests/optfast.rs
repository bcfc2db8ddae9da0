//! The platform search records trials in batches of 512 within blocks of at
//! least 2,048 trials; `tests/optspeed.rs` (600 trials) runs less than one
//! batch. These digests, taken with the code before batches and blocks
//! changed (batches of 64, 32 blocks per thread), pin every plan's cost and
//! every service and function figure of all 1,024 plans over several
//! batches, on one thread and on two.

mod common;

use common::search::{fnv, securecart_search, securecart_search_recording, services_debug};

/// Digests of every plan's cost (bits), the service figures and the
/// function figures (`Debug` prints each `f64` so that it reads back to the
/// same bits) of a seeded search of `models/securecart.toml`.
fn digests(trials: u64, threads: usize) -> (u64, u64, u64) {
    let (eval, costs) = securecart_search(trials, 5, threads);
    let services = services_debug(&eval);
    let functions = format!("{:?}", eval.functions);
    (costs, fnv(services.as_bytes()), fnv(functions.as_bytes()))
}

/// One block of three batches (512, 512, 476 trials).
#[test]
fn a_search_over_several_batches_keeps_every_figure() {
    let got = digests(1500, 1);
    assert_eq!(
        got,
        (16571700422833982121, 17355971810472321020, 14788796545772819773),
        "digests of plan costs, service figures, function figures"
    );
}

/// Two blocks of 2,250 trials, five batches each, on two threads.
#[test]
fn a_search_over_several_blocks_keeps_every_figure() {
    let got = digests(4500, 2);
    assert_eq!(
        got,
        (17420858425237119691, 7678709994911467209, 6379332882612993254),
        "digests of plan costs, service figures, function figures"
    );
}

/// The search records no function quantiles (`Player::without_quantiles`):
/// every other figure of every plan, the costs included, is the same to the
/// bit as when it records them, and the quantiles are absent, not zero.
#[test]
fn a_search_without_quantiles_keeps_every_other_figure() {
    let strip = |eval: &drsim::platform::eval::Evaluation| {
        let functions: Vec<Vec<_>> = eval
            .functions
            .iter()
            .map(|c| {
                c.iter()
                    .map(|f| {
                        let mut f = f.clone();
                        f.rto_s = None;
                        f.rpo_s = None;
                        f
                    })
                    .collect()
            })
            .collect();
        format!("{:?}{functions:?}", eval.services)
    };
    let (full, full_costs) = securecart_search_recording(1500, 5, 1, true);
    let (lean, lean_costs) = securecart_search_recording(1500, 5, 1, false);
    assert_eq!(lean_costs, full_costs, "every plan's cost");
    assert_eq!(strip(&lean), strip(&full), "every figure but the quantiles");
    assert!(full.functions.iter().flatten().any(|f| f.rto_s.is_some()), "the full search has quantiles");
    assert!(lean.functions.iter().flatten().all(|f| f.rto_s.is_none() && f.rpo_s.is_none()), "the lean one has none");
}
