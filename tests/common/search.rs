//! A seeded search of every plan of `models/securecart.toml`, and a stable
//! digest of its figures (tests/optspeed.rs, tests/optfast.rs).

use std::path::{Path, PathBuf};

use drsim::platform::eval::Evaluation;
use drsim::platform::load;
use drsim::platform::play::{Combos, Player};
use drsim::simulation::RunOptions;

/// FNV-1a, 64 bits: a stable digest with no dependency.
pub fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// The bundled five-service platform.
pub fn securecart() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("models/securecart.toml")
}

/// Every combination of `models/securecart.toml` played for `trials` trials
/// (seed `seed`, `threads` threads) and evaluated, with the digest of every
/// plan's cost in the search's order (the bits of each `f64`).
pub fn securecart_search(trials: u64, seed: u64, threads: usize) -> (Evaluation, u64) {
    securecart_search_recording(trials, seed, threads, true)
}

/// The service figures of a search as the digests were taken over them:
/// their derived `Debug`, less the fields added since, which a platform
/// search leaves empty (`rto_met_replays`: a search never replays), so
/// the digests pin every figure they pinned and no more.
pub fn services_debug(eval: &Evaluation) -> String {
    let mut text = format!("{:?}", eval.services).replace(", rto_met_replays: None", "");
    // The pooled share meeting both targets came after the digests: it is
    // set aside (a Share, without braces inside) so they still pin the rest.
    const POOLED: &str = ", both_met_all_kinds: Share {";
    while let Some(at) = text.find(POOLED) {
        let end = at + text[at..].find('}').expect("a Share ends") + 1;
        text.replace_range(at..end, "");
    }
    text
}

/// [`securecart_search`], recording function quantiles or not
/// (`Player::without_quantiles`).
pub fn securecart_search_recording(trials: u64, seed: u64, threads: usize, quantiles: bool) -> (Evaluation, u64) {
    let platform = load(&securecart()).expect("the platform model loads");
    let options = RunOptions { trials, years: 1.0, seed, threads: Some(threads) };
    let combos = Combos::all(&platform);
    let mut player = Player::new(&platform, &combos, options.seed, options.engine_config().horizon);
    if !quantiles {
        player = player.without_quantiles();
    }
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
    (eval, fnv(costs.as_bytes()))
}
