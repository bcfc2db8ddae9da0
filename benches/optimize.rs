//! Criterion bench of the platform search: `drsim optimize` on SecureCart's
//! five services (4 candidates each, 1,024 plans, two functions), 2,000
//! one-year trials per iteration, on all cores. Run with
//! `cargo bench --bench optimize`; the whole-process figures at 100,000
//! trials are in benches/README.md.

use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use drsim::platform::optimize::optimize;
use drsim::simulation::RunOptions;

fn securecart_platform(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/securecart.toml");
    let platform = drsim::platform::load(&path).expect("SecureCart platform model");
    const TRIALS: u64 = 2_000;
    let mut group = c.benchmark_group("optimize");
    group.throughput(Throughput::Elements(TRIALS));
    group.sample_size(10);
    let options = RunOptions { trials: TRIALS, years: 1.0, seed: 20_260_101, threads: None };
    group
        .bench_function("securecart_platform_trials", |b| b.iter(|| optimize(&platform, &options).expect("optimizes")));
    group.finish();
}

criterion_group!(benches, securecart_platform);
criterion_main!(benches);
