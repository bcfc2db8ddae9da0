//! Small models for the unit tests of the strategy modules: the same neutral
//! workload, targets, two single-AZ regions `a` (primary) and `b`, and every
//! shared response step fixed at 0 s, so each test states only its failure
//! modes and strategy. (The integration tests have their own builder,
//! tests/common.)

use crate::engine::{Engine, Observers, RunConfig};
use crate::model::{Duration, Model};
use crate::tally::Tally;

/// The model: the neutral header with `failback` as the fixed failback
/// time, then `rest` (failure modes and strategies, as TOML).
pub(crate) fn model(failback: &str, rest: &str) -> Model {
    let text = format!(
        r#"
[workload]
name = "w"
revenue_per_hour = 0.0
orders_per_hour = 0.0
dataset_gb = 1.0
change_rate_gb_per_hour = 0.0
[targets]
rpo = "1h"
rto = "1h"
confidence = 0.9
[topology]
primary = "a"
region = [{{ name = "a", azs = 1 }}, {{ name = "b", azs = 1 }}]
[response]
detection = {{ dist = "fixed", value = "0s" }}
decision = {{ dist = "fixed", value = "0s" }}
traffic_switch = {{ dist = "fixed", value = "0s" }}
az_failover = {{ dist = "fixed", value = "0s" }}
failback = {{ dist = "fixed", value = "{failback}" }}
{rest}
"#
    );
    Model::from_str_at(&text, std::path::Path::new("m.toml")).unwrap_or_else(|e| panic!("{e}\n---\n{text}"))
}

/// A warm standby `ws` in `b` at full capacity, 1 s replication lag, instant
/// promotion and scale-up; `extra` (more keys, then tables) follows.
pub(crate) fn warm_standby(extra: &str) -> String {
    format!(
        r#"
[[strategy]]
name = "ws"
kind = "warm_standby"
dr_region = "b"
capacity_fraction = 1.0
replication_lag = {{ dist = "fixed", value = "1s" }}
promote = {{ dist = "fixed", value = "0s" }}
scale_up = {{ dist = "fixed", value = "0s" }}
{extra}
"#
    )
}

/// A backup-and-restore `br` restoring into `b` from hourly backups kept
/// 30 days, with an instant provision and validation and 1 GB/h of
/// throughput; `restore_extra` (more `[strategy.restore]` keys) follows.
pub(crate) fn backup_restore(restore_extra: &str) -> String {
    format!(
        r#"
[[strategy]]
name = "br"
kind = "backup_restore"
dr_region = "b"
[strategy.backup]
interval = "1h"
retention = "30d"
[strategy.restore]
provision = {{ dist = "fixed", value = "0s" }}
throughput_gb_per_hour = {{ dist = "fixed", value = 1.0 }}
validation = {{ dist = "fixed", value = "0s" }}
{restore_extra}
"#
    )
}

/// Runs one-year trials `0..trials` of `model` at `seed` on one thread.
pub(crate) fn run(model: &Model, seed: u64, trials: u64) -> Tally {
    let engine = Engine::new(model, RunConfig { seed, horizon: Duration::YEAR, threads: Some(1) });
    let mut tally = Tally::new(model, Duration::YEAR);
    engine.run(0..trials, &mut tally, &mut Observers::new(Vec::new()), 0, trials).unwrap();
    tally
}
