//! Shared helpers of the statistical integration tests: a builder of small
//! models as TOML text (so each test states only what differs from a neutral
//! default), runners that collect every incident, and assertions whose
//! tolerance is a stated number of standard errors.
//!
//! The neutral default: two regions, `p` (primary) and `dr`, 3 AZs each; every
//! response step fixed at 0 s; 100 GB of data; no failure modes; no
//! strategies. Strategy constructors give each posture with every step fixed
//! (0 s unless stated), failover always reliable (failure probability 0, no
//! drift, no drills) and invoked at once (`invoke_after = "0s"`).
//!
//! Also what several test files need alike: platform models built from the
//! same specs ([`service`], [`candidates`]), the public cases and bundled
//! models loaded and run, the column lists of docs/exports.md; running the
//! binary is in [`cli`], report.html's common promises in [`html`]. One copy
//! each: a test file that needs one of these uses it from here.

#![allow(dead_code)]

pub mod cli;
pub mod html;
pub mod search;

use std::path::{Path, PathBuf};

use drsim::engine::Observer;
use drsim::incident::Incident;
use drsim::model::Model;
use drsim::simulation::{Results, RunOptions, Simulation, simulate};

/// Seconds in a (365-day) year.
pub const YEAR_S: f64 = 31_536_000.0;

/// Number of standard errors every statistical comparison allows.
pub const Z: f64 = 4.0;

/// A TOML string literal.
pub fn s(text: &str) -> String {
    format!("\"{text}\"")
}

/// `{ dist = "fixed", value = "<d>" }`.
pub fn fixed(d: &str) -> String {
    format!("{{ dist = \"fixed\", value = \"{d}\" }}")
}

/// A fixed plain number (e.g. a restore throughput in GB/h).
pub fn fixed_number(v: f64) -> String {
    format!("{{ dist = \"fixed\", value = {v:?} }}")
}

/// `{ dist = "exponential", mean = "<d>" }`.
pub fn exponential(mean: &str) -> String {
    format!("{{ dist = \"exponential\", mean = \"{mean}\" }}")
}

/// `{ dist = "uniform", min, max }` over durations.
pub fn uniform(min: &str, max: &str) -> String {
    format!("{{ dist = \"uniform\", min = \"{min}\", max = \"{max}\" }}")
}

/// `{ dist = "pert", min, mode, max }` over durations.
pub fn pert(min: &str, mode: &str, max: &str) -> String {
    format!("{{ dist = \"pert\", min = \"{min}\", mode = \"{mode}\", max = \"{max}\" }}")
}

/// An ordered TOML table of `key = <raw TOML value>` lines.
#[derive(Clone, Debug, Default)]
pub struct Table(Vec<(String, String)>);

impl Table {
    /// Sets (or replaces) a key; `value` is raw TOML (quote strings with [`s`]).
    pub fn set(mut self, key: &str, value: impl Into<String>) -> Table {
        let value = value.into();
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key.to_string(), value)),
        }
        self
    }

    /// Removes a key if present.
    pub fn unset(mut self, key: &str) -> Table {
        self.0.retain(|(k, _)| k != key);
        self
    }

    fn write(&self, out: &mut String) {
        for (k, v) in &self.0 {
            out.push_str(&format!("{k} = {v}\n"));
        }
    }
}

/// One `[[strategy]]` with its optional `[strategy.backup]` and `[strategy.restore]`.
#[derive(Clone, Debug)]
pub struct StrategySpec {
    top: Table,
    backup: Option<Table>,
    restore: Option<Table>,
}

impl StrategySpec {
    /// Sets a top-level key of the strategy (raw TOML value).
    pub fn set(mut self, key: &str, value: impl Into<String>) -> StrategySpec {
        self.top = self.top.set(key, value);
        self
    }

    /// Removes a top-level key.
    pub fn unset(mut self, key: &str) -> StrategySpec {
        self.top = self.top.unset(key);
        self
    }

    /// Sets a key of `[strategy.backup]` (adding the default backups and restore pipeline first if absent).
    pub fn backup(mut self, key: &str, value: impl Into<String>) -> StrategySpec {
        if self.backup.is_none() {
            self = self.with_backups();
        }
        self.backup = self.backup.map(|t| t.set(key, value));
        self
    }

    /// Sets a key of `[strategy.restore]` (adding the default backups and restore pipeline first if absent).
    pub fn restore(mut self, key: &str, value: impl Into<String>) -> StrategySpec {
        if self.restore.is_none() {
            self = self.with_backups();
        }
        self.restore = self.restore.map(|t| t.set(key, value));
        self
    }

    /// Adds the default backups: hourly, every job succeeds, copied to the DR
    /// region at once, kept 35 days, immutable; restore: provision 10 m,
    /// 1000 GB/h, validation 5 m (all fixed).
    pub fn with_backups(mut self) -> StrategySpec {
        self.backup = Some(
            Table::default()
                .set("interval", s("1h"))
                .set("job_success", "1.0")
                .set("copy_to_dr_region", "true")
                .set("copy_delay", fixed("0s"))
                .set("retention", s("35d"))
                .set("immutable", "true"),
        );
        self.restore = Some(
            Table::default()
                .set("provision", fixed("10m"))
                .set("throughput_gb_per_hour", fixed_number(1000.0))
                .set("validation", fixed("5m")),
        );
        self
    }

    fn write(&self, out: &mut String) {
        out.push_str("\n[[strategy]]\n");
        self.top.write(out);
        if let Some(b) = &self.backup {
            out.push_str("\n[strategy.backup]\n");
            b.write(out);
        }
        if let Some(r) = &self.restore {
            out.push_str("\n[strategy.restore]\n");
            r.write(out);
        }
    }
}

fn failover_base(name: &str, kind: &str) -> Table {
    Table::default()
        .set("name", s(name))
        .set("kind", s(kind))
        .set("deployment", s("multi_az"))
        .set("dr_region", s("dr"))
        .set("invoke_after", s("0s"))
        .set("reliability", "{ failure_probability = 0.0 }")
}

/// Backup & restore to `dr` with the default backups (see [`StrategySpec::with_backups`]).
pub fn backup_restore(name: &str) -> StrategySpec {
    StrategySpec { top: failover_base(name, "backup_restore"), backup: None, restore: None }.with_backups()
}

/// Pilot light in `dr`: replication lag, promote and scale-up fixed 0 s; no backups.
pub fn pilot_light(name: &str) -> StrategySpec {
    let top = failover_base(name, "pilot_light")
        .set("replication_lag", fixed("0s"))
        .set("promote", fixed("0s"))
        .set("scale_up", fixed("0s"));
    StrategySpec { top, backup: None, restore: None }
}

/// Warm standby in `dr` at capacity fraction `c`: replication lag, promote and ramp fixed 0 s; no backups.
pub fn warm_standby(name: &str, c: f64) -> StrategySpec {
    let top = failover_base(name, "warm_standby")
        .set("replication_lag", fixed("0s"))
        .set("promote", fixed("0s"))
        .set("capacity_fraction", format!("{c:?}"))
        .set("scale_up", fixed("0s"));
    StrategySpec { top, backup: None, restore: None }
}

/// Active-active over `regions` with equal shares, headroom 1.0 (a survivor
/// carries all the load), synchronous replication, scale-out fixed 10 m.
pub fn active_active(name: &str, regions: &[&str]) -> StrategySpec {
    let names: Vec<String> = regions.iter().map(|r| s(r)).collect();
    let top = Table::default()
        .set("name", s(name))
        .set("kind", s("active_active"))
        .set("deployment", s("multi_az"))
        .set("regions", format!("[{}]", names.join(", ")))
        .set("headroom", "1.0")
        .set("scale_out", fixed("10m"))
        .set("replication", s("sync"))
        .set("reliability", "{ failure_probability = 0.0 }");
    StrategySpec { top, backup: None, restore: None }
}

/// A `[[failure]]` of kind `az` or `region`: `rate` per year per component, outage `duration`.
pub fn outage_failure(kind: &str, rate: f64, duration: &str) -> Table {
    Table::default().set("kind", s(kind)).set("rate_per_year", format!("{rate:?}")).set("duration", duration)
}

/// A `[[failure]]` of kind `logical`: `rate` per year, `detection_delay` a distribution.
pub fn logical_failure(rate: f64, detection_delay: &str) -> Table {
    Table::default()
        .set("kind", s("logical"))
        .set("rate_per_year", format!("{rate:?}"))
        .set("detection_delay", detection_delay)
}

/// A small model as TOML text.
#[derive(Clone, Debug)]
pub struct ModelSpec {
    regions: Vec<(String, u32)>,
    primary: String,
    rpo: String,
    rto: String,
    dataset_gb: f64,
    response: Table,
    failures: Vec<Table>,
    strategies: Vec<StrategySpec>,
    confidence: f64,
    extra: String,
}

impl Default for ModelSpec {
    fn default() -> ModelSpec {
        ModelSpec::new()
    }
}

impl ModelSpec {
    /// The neutral default (see the module docs).
    pub fn new() -> ModelSpec {
        let zero = fixed("0s");
        ModelSpec {
            regions: vec![("p".into(), 3), ("dr".into(), 3)],
            primary: "p".into(),
            rpo: "1h".into(),
            rto: "1h".into(),
            dataset_gb: 100.0,
            response: Table::default()
                .set("detection", zero.clone())
                .set("decision", zero.clone())
                .set("traffic_switch", zero.clone())
                .set("az_failover", zero.clone())
                .set("failback", zero),
            failures: Vec::new(),
            strategies: Vec::new(),
            confidence: 0.99,
            extra: String::new(),
        }
    }

    /// The confidence the targets must be met with.
    pub fn confidence(mut self, confidence: f64) -> ModelSpec {
        self.confidence = confidence;
        self
    }

    /// Appends raw TOML tables (e.g. `[costs]`, `[workload.load_profile]`) at the end of the file.
    pub fn raw(mut self, toml: &str) -> ModelSpec {
        self.extra.push('\n');
        self.extra.push_str(toml);
        self.extra.push('\n');
        self
    }

    /// Replaces the regions: `(name, AZs)`, the first is the primary.
    pub fn regions(mut self, regions: &[(&str, u32)]) -> ModelSpec {
        self.regions = regions.iter().map(|(n, a)| (n.to_string(), *a)).collect();
        self.primary = self.regions[0].0.clone();
        self
    }

    /// The RPO target (for `rpo_met` counts).
    pub fn rpo(mut self, rpo: &str) -> ModelSpec {
        self.rpo = rpo.into();
        self
    }

    /// The RTO target (for `rto_met` counts).
    pub fn rto(mut self, rto: &str) -> ModelSpec {
        self.rto = rto.into();
        self
    }

    /// The size of the data to restore.
    pub fn dataset_gb(mut self, gb: f64) -> ModelSpec {
        self.dataset_gb = gb;
        self
    }

    /// Sets one shared `[response]` step (a distribution).
    pub fn response(mut self, step: &str, dist: impl Into<String>) -> ModelSpec {
        self.response = self.response.set(step, dist);
        self
    }

    /// Adds a failure mode.
    pub fn failure(mut self, f: Table) -> ModelSpec {
        self.failures.push(f);
        self
    }

    /// Adds a strategy.
    pub fn strategy(mut self, st: StrategySpec) -> ModelSpec {
        self.strategies.push(st);
        self
    }

    /// The model file text.
    pub fn text(&self) -> String {
        let mut out = String::new();
        out.push_str("[workload]\nname = \"closed-form test\"\nrevenue_per_hour = 1000.0\norders_per_hour = 100.0\n");
        out.push_str(&format!("dataset_gb = {:?}\nchange_rate_gb_per_hour = 1.0\n", self.dataset_gb));
        out.push_str(&format!(
            "\n[targets]\nrpo = \"{}\"\nrto = \"{}\"\nconfidence = {:?}\n",
            self.rpo, self.rto, self.confidence
        ));
        out.push_str(&format!("\n[topology]\nprimary = \"{}\"\nregion = [\n", self.primary));
        for (name, azs) in &self.regions {
            out.push_str(&format!("  {{ name = \"{name}\", azs = {azs} }},\n"));
        }
        out.push_str("]\n\n[response]\n");
        self.response.write(&mut out);
        for f in &self.failures {
            out.push_str("\n[[failure]]\n");
            f.write(&mut out);
        }
        for st in &self.strategies {
            st.write(&mut out);
        }
        out.push_str(&self.extra);
        out
    }

    /// The validated model; panics with the text and the problems if it is invalid.
    pub fn build(&self) -> Model {
        let text = self.text();
        match Model::from_str_at(&text, Path::new("test.toml")) {
            Ok(m) => m,
            Err(e) => panic!("test model is invalid: {e:?}\n---\n{text}"),
        }
    }
}

/// Runs a model with the library's front door (all cores).
pub fn run(model: &Model, trials: u64, years: f64, seed: u64) -> Results {
    simulate(model, &RunOptions { trials, years, seed, threads: None }).expect("simulation runs")
}

/// One incident as handed to a sink.
#[derive(Clone, Copy, Debug)]
pub struct Rec {
    /// Trial index.
    pub trial: u64,
    /// Strategy index in model order.
    pub strategy: usize,
    /// The incident.
    pub incident: Incident,
}

#[derive(Default)]
struct Collect(Vec<Rec>);

impl Observer for Collect {
    fn wants_incidents(&self) -> bool {
        true
    }

    fn incident(&mut self, trial: u64, strategy: usize, incident: &Incident) {
        self.0.push(Rec { trial, strategy, incident: *incident });
    }
}

/// Every incident of trials `0..trials`, in trial order, collected by an
/// observer of the simulation (all cores; the order does not depend on them).
pub fn incidents(model: &Model, trials: u64, years: f64, seed: u64) -> Vec<Rec> {
    let mut collect = Collect::default();
    let options = RunOptions { trials, years, seed, threads: None };
    Simulation::new(model, options).observe(&mut collect).run().expect("simulation runs");
    collect.0
}

/// Standard error of a binomial proportion `p` estimated from `n` trials.
pub fn binomial_se(p: f64, n: u64) -> f64 {
    (p * (1.0 - p) / n as f64).sqrt()
}

/// Asserts `|got - want| <= Z * se` and prints the comparison in standard errors.
#[track_caller]
pub fn assert_within_se(what: &str, got: f64, want: f64, se: f64) {
    assert!(se > 0.0 && se.is_finite(), "{what}: standard error {se} is not usable");
    let z = (got - want) / se;
    println!("{what}: got {got:.6}, closed form {want:.6}, SE {se:.6}, deviation {z:+.2} SE");
    assert!(z.abs() <= Z, "{what}: got {got}, closed form {want}, SE {se}: {z:+.2} SE is beyond {Z} SE");
}

/// Sample median (the lower middle value for an even count).
pub fn median(mut values: Vec<f64>) -> f64 {
    assert!(!values.is_empty(), "median of nothing");
    values.sort_by(f64::total_cmp);
    values[(values.len() - 1) / 2]
}

/// The file of a public case, tests/cases/`name`.toml.
pub fn case_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases").join(format!("{name}.toml"))
}

/// The index of the strategy called `name`.
pub fn strategy_index(model: &Model, name: &str) -> usize {
    model.strategies.iter().position(|s| s.name == name).expect("strategy in the case")
}

/// Mean and standard error of a sample.
pub fn mean_se(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
    (mean, (var / n).sqrt())
}

/// Asserts a share `k / n` is within [`Z`] binomial standard errors of `p`.
pub fn assert_share(what: &str, k: u64, n: u64, p: f64) {
    let got = k as f64 / n as f64;
    let se = binomial_se(p, n).max(1.0 / n as f64);
    assert!((got - p).abs() <= Z * se, "{what}: {got:.4} ({k} of {n}) vs {p:.4} (4 SE = {:.4})", Z * se);
}

/// The column names of a CSV text: its first line, split at commas.
pub fn csv_header(text: &str) -> Vec<String> {
    text.lines().next().unwrap_or_default().split(',').map(str::to_string).collect()
}

/// The columns docs/exports.md lists for `file` (the first code span of each
/// table row of its `## file` section), in order.
pub fn documented_columns(file: &str) -> Vec<String> {
    documented_columns_where(file, |_| true)
}

/// [`documented_columns`] of the table rows `row` keeps (given the whole
/// line, `| ...`).
pub fn documented_columns_where(file: &str, row: impl Fn(&str) -> bool) -> Vec<String> {
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/exports.md")).unwrap();
    let section = docs.split(&format!("\n## {file}\n")).nth(1).unwrap_or_else(|| panic!("docs/exports.md: ## {file}"));
    let section = section.split("\n## ").next().unwrap();
    section
        .lines()
        .filter(|l| l.starts_with("| ") && row(l))
        .filter_map(|l| l.split('`').nth(1).map(str::to_string))
        .collect()
}

/// Standard error of a share from its 95% interval (the Wilson interval at
/// the effective size is symmetric to first order).
pub fn share_se(low: f64, high: f64) -> f64 {
    (high - low) / (2.0 * 1.959_963_984_540_054)
}

/// The `[[strategy]]` tables of `strategies` as one service's candidates
/// (`[[service.strategy]]`), for a platform model.
pub fn candidates(strategies: Vec<StrategySpec>) -> String {
    let mut spec = ModelSpec::new();
    for st in strategies {
        spec = spec.strategy(st);
    }
    let text = spec.text();
    let at = text.find("\n[[strategy]]").expect("a strategy was written");
    text[at..].replace("[[strategy]]", "[[service.strategy]]").replace("\n[strategy.", "\n[service.strategy.")
}

/// A `[[service]]` table named `name`, with the lines `extra` and the
/// `strategies` as its candidates.
pub fn service(name: &str, extra: &str, strategies: Vec<StrategySpec>) -> String {
    format!("\n[[service]]\nname = \"{name}\"\n{extra}\n{}", candidates(strategies))
}

/// A candidate that rides every outage out: down exactly while its site is down.
pub fn ride(name: &str) -> StrategySpec {
    backup_restore(name).set("deployment", s("single_az")).set("invoke_after", s("100y"))
}

/// The platform model in `text` (panics with the text when it is invalid).
pub fn load_platform(text: &str) -> drsim::platform::Platform {
    drsim::platform::from_str_at(text, Path::new("test.toml"))
        .unwrap_or_else(|e| panic!("invalid platform: {e}\n---\n{text}"))
}

/// The model of a public case, tests/cases/`name`.toml (panics naming the
/// case when it does not load).
pub fn load_case(name: &str) -> Model {
    Model::load(&case_path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The summary of the strategy called `name`.
pub fn strategy<'a>(r: &'a Results, name: &str) -> &'a drsim::summary::StrategySummary {
    r.strategies.iter().find(|s| s.name == name).unwrap_or_else(|| panic!("no strategy {name}"))
}

/// The summary of strategy `name` facing disruptions of `kind`.
pub fn kind<'a>(r: &'a Results, name: &str, kind: drsim::model::DisruptionKind) -> &'a drsim::summary::KindSummary {
    strategy(r, name).kinds.iter().find(|k| k.kind == kind).unwrap()
}

/// `failure` striking region `region` only.
pub fn region_only_in(failure: Table, region: &str) -> Table {
    failure.set("regions", format!("[{}]", s(region)))
}

/// Every bundled single-service model (`models/*.toml` without `[[service]]`
/// tables: platform models are run by `drsim plans`), sorted by path, with
/// its results at 2,000 trials and the default seed.
pub fn bundled_results() -> Vec<(String, Results)> {
    let mut paths: Vec<_> = std::fs::read_dir("models")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .filter(|p| !std::fs::read_to_string(p).unwrap().contains("[[service]]"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 3, "the bundled models");
    paths
        .iter()
        .map(|p| {
            let model = Model::load(p).unwrap();
            let results = simulate(&model, &RunOptions { trials: 2_000, ..RunOptions::default() }).unwrap();
            (p.display().to_string(), results)
        })
        .collect()
}

/// The bytes of a gzip file (every member, as `gzip -d` reads it).
pub fn gunzip(path: &Path) -> Vec<u8> {
    use std::io::Read;
    let mut text = Vec::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(path).unwrap()).read_to_end(&mut text).unwrap();
    text
}

/// Asserts that the standard error runs state matches the spread of their
/// estimates over seeds within 20%. `values` holds each run's (estimate,
/// stated SE); the stated one is their root mean square. With 50 runs the
/// sample standard deviation has a relative standard error of
/// 1/sqrt(2 x 49) = 10%, so the two agree within 20% unless the stated
/// error is wrong.
pub fn assert_stated_se_matches_spread(what: &str, values: Vec<(f64, f64)>) {
    let n = values.len() as f64;
    let mean = values.iter().map(|v| v.0).sum::<f64>() / n;
    let spread = (values.iter().map(|v| (v.0 - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let stated = (values.iter().map(|v| v.1 * v.1).sum::<f64>() / n).sqrt();
    println!("{what}: spread {spread:.6}, stated {stated:.6}, ratio {:.3}", stated / spread);
    assert!((stated / spread - 1.0).abs() < 0.2, "{what}: stated {stated} vs spread {spread}");
}

/// The first strategy's P(a trial loses all data) and the standard error
/// its interval states.
pub fn total_loss_of(r: &Results) -> (f64, f64) {
    let l = r.strategies[0].trials_with_total_data_loss;
    (l.estimate, share_se(l.low, l.high))
}

/// P(a trial of a year loses all data) for logical failures at `per_year`
/// with an exponential detection delay of mean `delay_s`, restored from
/// backups every `interval_s` kept `retention_s` (seconds): an incident
/// detected after `D` restores the newest backup taken before the damage,
/// `U` earlier (uniform over the interval), if younger than the retention
/// when the restore runs, so it loses all data when `D > R - U`, with
/// probability `p = (1/I) ∫_0^I e^{-(R-u)/m} du = e^{-R/m} (m/I) (e^{I/m} - 1)`;
/// those incidents are a thinned Poisson process of rate `L p`, so
/// `1 - e^{-L p}`.
pub fn late_total_loss(per_year: f64, delay_s: f64, interval_s: f64, retention_s: f64) -> f64 {
    let (m, i, r) = (delay_s, interval_s, retention_s);
    1.0 - (-per_year * (-r / m).exp() * (m / i) * ((i / m).exp() - 1.0)).exp()
}

/// Asserts that runs' stated standard errors match their spread over seeds
/// ([`assert_stated_se_matches_spread`]) for the per-trial figures of the
/// first strategy: P(a trial loses all data), incidents per year and the
/// expected annual cost.
pub fn assert_per_trial_figures_match_spread(runs: &[Results]) {
    assert_stated_se_matches_spread("P(a trial loses all data)", runs.iter().map(total_loss_of).collect());
    assert_stated_se_matches_spread("incidents per year", runs.iter().map(incidents_of).collect());
    assert_stated_se_matches_spread("expected annual cost", runs.iter().map(expected_cost_of).collect());
}

/// Asserts, as [`assert_per_trial_figures_match_spread`], that the first
/// strategy's per-incident figures of `logical` failures state errors
/// matching their spread: the share of its incidents losing all data and
/// its mean cost (ratio estimators, whose values a stratum ties together
/// within a trial).
pub fn assert_logical_incident_figures_match_spread(runs: &[Results]) {
    let logical = |r: &Results| {
        let name = r.strategies[0].name.clone();
        kind(r, &name, drsim::model::DisruptionKind::Logical).clone()
    };
    let shares = runs.iter().map(|r| logical(r).total_loss).map(|s| (s.estimate, share_se(s.low, s.high)));
    assert_stated_se_matches_spread("logical incidents losing all data", shares.collect());
    let costs = runs.iter().map(|r| logical(r).cost_mean_usd).map(|c| (c.value, c.std_error));
    assert_stated_se_matches_spread("logical incident cost", costs.collect());
}

/// Asserts that the first strategy's P(a trial loses all data) and
/// incidents per year are within 4 of their own standard errors of the
/// closed forms `total_loss` and `incidents_per_year`
/// ([`assert_within_se`]).
pub fn assert_loss_and_incidents_within_se(r: &Results, total_loss: f64, incidents_per_year: f64) {
    let (loss, se) = total_loss_of(r);
    assert_within_se("P(a trial loses all data)", loss, total_loss, se);
    let (incidents, se) = incidents_of(r);
    assert_within_se("incidents per year", incidents, incidents_per_year, se);
}

/// The first strategy's expected annual cost and its stated standard error.
pub fn expected_cost_of(r: &Results) -> (f64, f64) {
    let c = &r.strategies[0].cost.total_annual_usd;
    (c.value, c.std_error)
}

/// The first strategy's incidents per year and its stated standard error.
pub fn incidents_of(r: &Results) -> (f64, f64) {
    (r.strategies[0].incidents_per_year.value, r.strategies[0].incidents_per_year.std_error)
}

/// Expected failures in a year of a component that fails at `per_year`
/// while up and is down for an exponential time of mean `outage_s`
/// seconds, starting up: the up -> down transitions of the two-state Markov
/// chain (up -> down at λ, down -> up at μ),
/// `λ ∫_0^H P(up at t) dt = λ (μ H / s + λ (1 - e^{-s H}) / s^2)` with
/// `s = λ + μ`, `H` a year.
pub fn markov_failures_per_year(per_year: f64, outage_s: f64) -> f64 {
    let (lambda, mu, h) = (per_year / YEAR_S, 1.0 / outage_s, YEAR_S);
    let s = lambda + mu;
    lambda * (mu * h / s + lambda * (1.0 - (-s * h).exp()) / (s * s))
}

/// The error a 10-trial run of `model` sampled as `how` fails with: for
/// the tests of models a design must refuse.
pub fn refusal(model: &Model, how: drsim::world::strata::VarianceReduction) -> String {
    let options = RunOptions { trials: 10, years: 1.0, seed: 1, threads: Some(1) };
    Simulation::new(model, options).variance_reduction(how).run().unwrap_err().to_string()
}
