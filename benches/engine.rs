//! Criterion benches of drsim's hot loop: trial-years per second of the
//! SecureCart model (all strategies, all failure modes) on one thread and on
//! all threads; the cost of sampling one trial's events; the cost of
//! recording one value in a quantile histogram and in exact moments.
//! Run with `cargo bench`; figures are recorded in benches/README.md.

use std::hint::black_box;
use std::path::Path;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use drsim::model::{Duration, Model};
use drsim::simulation::{RunOptions, Simulation};
use drsim::stats::{LogHistogram, Moments};
use drsim::world::{World, seed};
use rand::{RngExt, SeedableRng};

fn securecart() -> Model {
    Model::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("models/securecart-monolith.toml"))
        .expect("SecureCart model")
}

/// Trial-years per second: a [`Simulation`] with no observer (the hot path)
/// over a fixed range of trials, summaries included.
fn trial_years(c: &mut Criterion) {
    let model = securecart();
    const TRIALS: u64 = 20_000;
    let mut group = c.benchmark_group("securecart_trial_years");
    group.throughput(Throughput::Elements(TRIALS));
    group.sample_size(10);
    let all = std::thread::available_parallelism().map_or(1, |n| n.get());
    for threads in [1, all] {
        let options = RunOptions { trials: TRIALS, years: 1.0, seed: 20_260_101, threads: Some(threads) };
        group.bench_with_input(BenchmarkId::new("threads", threads), &options, |b, options| {
            b.iter(|| Simulation::new(&model, options.clone()).run().expect("run"))
        });
    }
    group.finish();
}

/// The event queue: one trial's world (every component's failures and
/// recoveries over a year), per outage sampled.
fn events(c: &mut Criterion) {
    let model = securecart();
    const TRIALS: u64 = 1_000;
    let mut world = World::new(&model);
    let outages: usize = (0..TRIALS)
        .map(|t| {
            world.sample(&model, Duration::YEAR, &mut seed::world_rng(1, t));
            world.outages.len()
        })
        .sum();
    let mut group = c.benchmark_group("events");
    group.throughput(Throughput::Elements(outages as u64));
    group.bench_function("world_sample_per_outage", |b| {
        b.iter(|| {
            for t in 0..TRIALS {
                world.sample(&model, Duration::YEAR, &mut seed::world_rng(1, t));
            }
            black_box(world.outages.len())
        })
    });
    group.finish();
}

/// Recording one value: the log histogram behind every quantile, and the
/// exact moments behind every mean.
fn recording(c: &mut Criterion) {
    let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(1);
    // Downtimes in seconds: log-uniform over 1 s .. 1 week.
    let values: Vec<f64> = (0..4096).map(|_| (rng.random::<f64>() * 13.3).exp()).collect();
    let mut group = c.benchmark_group("recording");
    group.throughput(Throughput::Elements(values.len() as u64));
    group.bench_function("log_histogram_record", |b| {
        let mut h = LogHistogram::new();
        b.iter(|| {
            for &x in &values {
                h.record(black_box(x));
            }
        })
    });
    group.bench_function("moments_push", |b| {
        let mut m = Moments::new();
        b.iter(|| {
            for &x in &values {
                m.push(black_box(x));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, trial_years, events, recording);
criterion_main!(benches);
