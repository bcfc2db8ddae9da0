//! The platform search records trials in batches of 512 within blocks of at
//! least 2,048 trials; `tests/optspeed.rs` (600 trials) runs less than one
//! batch. These digests, taken with the code before batches and blocks
//! changed (batches of 64, 32 blocks per thread), pin every plan's cost and
//! every service and function figure of all 1,024 plans over several
//! batches, on one thread and on two.

use std::path::Path;

use drsim::platform::eval::Evaluation;
use drsim::platform::load;
use drsim::platform::play::{Combos, Player};
use drsim::simulation::RunOptions;

/// FNV-1a, 64 bits: a stable digest with no dependency.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// Digests of every plan's cost (bits), the service figures and the
/// function figures (`Debug` prints each `f64` so that it reads back to the
/// same bits) of a seeded search of `models/securecart.toml`.
fn digests(trials: u64, threads: usize) -> (u64, u64, u64) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/securecart.toml");
    let platform = load(&path).expect("the platform model loads");
    let options = RunOptions { trials, years: 1.0, seed: 5, threads: Some(threads) };
    let combos = Combos::all(&platform);
    let player = Player::new(&platform, &combos, options.seed, options.engine_config().horizon);
    let (tally, _) = player.run(0..options.trials, options.threads).expect("runs");
    let eval = Evaluation::new(&platform, combos.clone(), &tally, options.years, Vec::new());
    let mut costs = String::new();
    let mut choice = vec![0; platform.services.len()];
    for _ in 0..platform.plan_count() {
        let cost = eval.plan_cost(&platform, &choice).expect("every combination is evaluated");
        costs.push_str(&format!("{:016x}\n", cost.to_bits()));
        for s in (0..choice.len()).rev() {
            choice[s] += 1;
            if choice[s] < platform.services[s].candidates() {
                break;
            }
            choice[s] = 0;
        }
    }
    let services = format!("{:?}", eval.services);
    let functions = format!("{:?}", eval.functions);
    (fnv(costs.as_bytes()), fnv(services.as_bytes()), fnv(functions.as_bytes()))
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
