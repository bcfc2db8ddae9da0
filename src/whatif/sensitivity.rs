//! Tornado analysis: every uncertain input of a model moved to a low and a
//! high value, one at a time, on common random numbers; the change in
//! expected annual cost and in P(targets met) recorded; inputs ranked by how
//! far they move the cost.
//!
//! The inputs are every distribution in the model (low and high: fixed at its
//! P10 and P90, from [`Dist::quantile`]) and every fixed numeric value or
//! duration (low and high: -swing and +swing, e.g. ±20%). Not inputs: the
//! targets (requirements, not uncertainties), the topology, the load profile,
//! names, kinds, region lists and switches. Shares and probabilities are kept
//! at most 1. With a strategy named, only that strategy's own parameters and
//! the shared ones (workload, response, failures, costs) are moved.
//!
//! Inputs are ranked by the swing of a [`Metric`] the user chooses (expected
//! cost, P(targets met) overall or for one kind, P(a year with a total loss)).
//! Work is shared between evaluations: the baseline and every shared input
//! are simulated once with every strategy (so the decision at each setting is
//! known, and an input that changes it is named: a [`Flip`]); a strategy's
//! own input is simulated for that strategy alone (the others' figures are
//! the baseline's: each strategy draws from its own keyed streams); an input
//! that only changes the fixed yearly line items (most of `[costs]` and
//! `[strategy.cost]`) is repriced without simulating: the expected cost moves
//! by exactly the change in line items, and nothing else moves.

use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;
use toml_edit::{DocumentMut, Item, TableLike, Value};

use super::param::{self, Assignment};
use super::{WhatIfError, targets_met};
use crate::model::{DisruptionKind, Dist, DistSpec, Duration, LineItems, Model, Unit};
use crate::simulation::{Results, RunOptions, simulate};

/// How an input's low and high values were chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    /// A distribution, fixed at its P10 (low) and P90 (high).
    Distribution,
    /// A fixed value, scaled by 1 - swing (low) and 1 + swing (high).
    Fixed,
}

/// One input moved by the analysis.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Input {
    /// The parameter's path (see [`param`]).
    pub path: String,
    /// How low and high were chosen.
    pub kind: InputKind,
    /// The low value as written into the model.
    pub low: String,
    /// The high value as written into the model.
    pub high: String,
    /// The low value for reading ("12m", "0.8").
    pub low_label: String,
    /// The high value for reading.
    pub high_label: String,
}

/// A model's figures for one strategy at one setting.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Outcome {
    /// Expected total cost per year, USD.
    pub expected_annual_cost_usd: f64,
    /// P(targets met): the smaller of the worst kind's P(RTO met) and P(RPO met).
    pub p_targets_met: f64,
    /// Per kind (az, region, logical): the share of its incidents meeting both targets; none without incidents.
    pub targets_met_by_kind: [Option<f64>; DisruptionKind::COUNT],
    /// P(a year with a total loss of data).
    pub total_loss_year: f64,
    /// Whether it meets the targets.
    pub meets_targets: bool,
}

/// What the tornado ranks inputs by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    /// Expected annual cost (`cost`).
    Cost,
    /// P(targets met): of the worst kind (`target-met`) or of one kind (`target-met:region`).
    TargetsMet(Option<DisruptionKind>),
    /// P(a year with a total loss) (`total-loss`).
    TotalLoss,
}

impl Metric {
    /// Parses `cost`, `target-met`, `target-met:KIND` or `total-loss`.
    pub fn parse(text: &str) -> Result<Metric, String> {
        let allowed = "allowed: cost, target-met, target-met:az, target-met:region, target-met:logical, total-loss";
        match text.trim() {
            "cost" => Ok(Metric::Cost),
            "target-met" => Ok(Metric::TargetsMet(None)),
            "total-loss" => Ok(Metric::TotalLoss),
            t => match t.strip_prefix("target-met:") {
                Some(k) => DisruptionKind::parse(k)
                    .map(|k| Metric::TargetsMet(Some(k)))
                    .ok_or_else(|| format!("--metric {t}: no kind `{k}`; {allowed}")),
                None => Err(format!("--metric {t}: {allowed}")),
            },
        }
    }

    /// The metric's value in an outcome (0 for a kind without incidents).
    pub fn of(self, o: &Outcome) -> f64 {
        match self {
            Metric::Cost => o.expected_annual_cost_usd,
            Metric::TargetsMet(None) => o.p_targets_met,
            Metric::TargetsMet(Some(k)) => o.targets_met_by_kind[k.index()].unwrap_or(1.0),
            Metric::TotalLoss => o.total_loss_year,
        }
    }

    /// How the metric reads in reports.
    pub fn label(self) -> String {
        match self {
            Metric::Cost => "expected annual cost".into(),
            Metric::TargetsMet(None) => "P(targets met), worst kind".into(),
            Metric::TargetsMet(Some(k)) => format!("P(both targets met), {}", k.name()),
            Metric::TotalLoss => "P(a year with a total loss)".into(),
        }
    }
}

/// An input whose low or high value changes which strategy is recommended.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Flip {
    /// The input's path.
    pub path: String,
    /// `low` or `high`.
    pub at: &'static str,
    /// The value, for reading.
    pub value_label: String,
    /// The recommendation at that value (none: no strategy meets the targets).
    pub recommended: Option<String>,
    /// The recommendation with every input as in the model.
    pub baseline: Option<String>,
}

/// One bar of the tornado.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bar {
    /// The input.
    pub input: Input,
    /// The figures with the input at its low value.
    pub low: Outcome,
    /// The figures with the input at its high value.
    pub high: Outcome,
}

impl Bar {
    /// |cost at high - cost at low|, USD a year.
    pub fn cost_swing(&self) -> f64 {
        self.swing(Metric::Cost)
    }

    /// |metric at high - metric at low|: the ranking key.
    pub fn swing(&self, metric: Metric) -> f64 {
        (metric.of(&self.high) - metric.of(&self.low)).abs()
    }
}

/// The tornado of one strategy.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tornado {
    /// The strategy.
    pub strategy: String,
    /// Its figures with every input as in the model.
    pub baseline: Outcome,
    /// Bars, largest swing of the metric first (ties: larger cost swing, then larger P(targets met) swing first).
    pub bars: Vec<Bar>,
    /// The required share of incidents meeting each target.
    pub confidence: f64,
    /// What the bars are ranked by, as it reads (`expected annual cost`).
    pub metric: String,
    /// The inputs among this strategy's (its own and the shared ones) that
    /// change the recommendation; empty when one strategy alone was analysed.
    pub flips: Vec<Flip>,
}

/// Keys never moved: identities, switches, lists and the requirements.
const NOT_INPUTS: [&str; 11] = [
    "name",
    "kind",
    "deployment",
    "dr_region",
    "regions",
    "traffic_shares",
    "replication",
    "targets",
    "topology",
    "load_profile",
    "uncertain",
];

/// Keys holding shares or probabilities, kept at most 1.
fn is_share(key: &str) -> bool {
    ["probability", "success", "share", "fraction", "mutable_backups", "headroom"].iter().any(|s| key.ends_with(s))
}

fn seconds(x: f64) -> String {
    format!("{}s", crate::fit::sig(x, 6))
}

fn label(x: f64, unit: Unit) -> String {
    match unit {
        Unit::Duration => Duration::from_secs(x).to_string(),
        Unit::Number => crate::fit::sig(x, 3),
    }
}

/// The low and high of a distribution: fixed at its P10 and P90.
fn distribution_input(path: String, value: &Value, base_dir: &Path) -> Option<Input> {
    #[derive(serde::Deserialize)]
    struct Wrap {
        v: DistSpec,
    }
    let table = value.as_inline_table()?;
    let is_duration = table.iter().any(|(k, v)| !["dist", "file", "column"].contains(&k) && v.is_str());
    let unit = if is_duration { Unit::Duration } else { Unit::Number };
    let spec: Wrap = toml::from_str(&format!("v = {value}")).ok()?;
    let dist = Dist::compile(&spec.v, unit, base_dir).ok()?;
    let (lo, hi) = (dist.quantile(0.1), dist.quantile(0.9));
    if dist.is_fixed().is_some() || !(lo.is_finite() && hi.is_finite()) {
        return None;
    }
    let fixed = |x: f64| match unit {
        Unit::Duration => format!("{{ dist = \"fixed\", value = \"{}\" }}", seconds(x)),
        Unit::Number => format!("{{ dist = \"fixed\", value = {} }}", crate::fit::sig(x, 6)),
    };
    Some(Input {
        path,
        kind: InputKind::Distribution,
        low: fixed(lo),
        high: fixed(hi),
        low_label: format!("P10 {}", label(lo, unit)),
        high_label: format!("P90 {}", label(hi, unit)),
    })
}

/// The low and high of a fixed number or duration: ± swing.
fn fixed_input(path: String, key: &str, value: &Value, swing: f64) -> Option<Input> {
    let (x, unit) = match value {
        Value::Float(f) => (*f.value(), Unit::Number),
        Value::Integer(i) => (*i.value() as f64, Unit::Number),
        Value::String(s) => (Duration::parse(s.value()).ok()?.secs(), Unit::Duration),
        Value::InlineTable(t) if t.get("dist").and_then(Value::as_str) == Some("fixed") => {
            return fixed_input(path, key, t.get("value")?, swing).map(|mut i| {
                let wrap = |v: &str| format!("{{ dist = \"fixed\", value = {v} }}");
                (i.low, i.high) = (wrap(&i.low), wrap(&i.high));
                i
            });
        }
        _ => return None,
    };
    if x == 0.0 {
        return None;
    }
    let mut hi = x * (1.0 + swing);
    let lo = x * (1.0 - swing).max(0.0);
    if is_share(key) && x <= 1.0 {
        hi = hi.min(1.0);
    }
    let write = |v: f64| match (unit, value) {
        (Unit::Duration, _) => format!("\"{}\"", seconds(v)),
        (_, Value::Integer(_)) => format!("{}", v.round() as i64),
        _ => {
            let s = crate::fit::sig(v, 6);
            if s.contains('.') { s } else { format!("{s}.0") }
        }
    };
    let (low, high) = (write(lo), write(hi));
    if low == high {
        return None;
    }
    Some(Input { path, kind: InputKind::Fixed, low, high, low_label: label(lo, unit), high_label: label(hi, unit) })
}

fn walk(table: &dyn TableLike, prefix: &str, swing: f64, base_dir: &Path, out: &mut Vec<Input>) {
    for (key, item) in table.iter() {
        if NOT_INPUTS.contains(&key) {
            continue;
        }
        let path = format!("{prefix}{key}");
        match item {
            Item::Table(t) => walk(t, &format!("{path}."), swing, base_dir, out),
            Item::Value(Value::InlineTable(t)) if !t.contains_key("dist") => {
                walk(t, &format!("{path}."), swing, base_dir, out);
            }
            Item::Value(v @ Value::InlineTable(t)) if t.get("dist").and_then(Value::as_str) != Some("fixed") => {
                out.extend(distribution_input(path, v, base_dir));
            }
            Item::Value(v) => out.extend(fixed_input(path, key, v, swing)),
            _ => {}
        }
    }
}

/// Every input of the model, in file order; with `strategy`, only that
/// strategy's parameters and the shared ones.
pub fn inputs(doc: &DocumentMut, model_path: &Path, strategy: Option<&str>, swing: f64) -> Vec<Input> {
    inputs_of(doc, model_path, swing, &|owner: &str| {
        strategy.is_none_or(|s| owner.strip_prefix("strategy.") == Some(s))
    })
}

/// Keys of a `[[service]]` table that are not inputs: its targets (requirements) and its candidates
/// (walked one by one).
const SERVICE_NOT_INPUTS: [&str; 3] = ["rto", "rpo", "strategy"];

/// Every input of the model, in file order: the shared ones, each
/// `[[service]]`'s own keys (`service.NAME.dataset_gb`, its targets left
/// out), and the parameters of each strategy or candidate whose owner
/// (`strategy.NAME` or `service.SERVICE.strategy.NAME`) `keep` accepts.
pub fn inputs_of(doc: &DocumentMut, model_path: &Path, swing: f64, keep: &dyn Fn(&str) -> bool) -> Vec<Input> {
    let base_dir = model_path.parent().unwrap_or(Path::new("."));
    let mut out = Vec::new();
    for (key, item) in doc.iter() {
        match (key, item) {
            ("strategy" | "failure", Item::ArrayOfTables(tables)) => {
                let id_key = if key == "strategy" { "name" } else { "kind" };
                for t in tables.iter() {
                    let Some(id) = t.get(id_key).and_then(Item::as_str) else { continue };
                    if key == "strategy" && !keep(&format!("strategy.{id}")) {
                        continue;
                    }
                    walk(t, &format!("{key}.{id}."), swing, base_dir, &mut out);
                }
            }
            ("service", Item::ArrayOfTables(services)) => {
                for service in services.iter() {
                    let Some(name) = service.get("name").and_then(Item::as_str) else { continue };
                    let mut own = service.clone();
                    own.retain(|k, _| !SERVICE_NOT_INPUTS.contains(&k));
                    walk(&own, &format!("service.{name}."), swing, base_dir, &mut out);
                    let Some(candidates) = service.get("strategy").and_then(Item::as_array_of_tables) else { continue };
                    for t in candidates.iter() {
                        let Some(id) = t.get("name").and_then(Item::as_str) else { continue };
                        let owner = format!("service.{name}.strategy.{id}");
                        if keep(&owner) {
                            walk(t, &format!("{owner}."), swing, base_dir, &mut out);
                        }
                    }
                }
            }
            (_, Item::Table(t)) if !NOT_INPUTS.contains(&key) => walk(t, &format!("{key}."), swing, base_dir, &mut out),
            _ => {}
        }
    }
    out
}

/// A strategy's outcome in a run's results.
fn outcome_of(results: &Results, index: usize) -> Outcome {
    let s = &results.strategies[index];
    let mut by_kind = [None; DisruptionKind::COUNT];
    for k in s.kinds.iter().filter(|k| k.incidents > 0) {
        by_kind[k.kind.index()] = Some(k.both_met.estimate);
    }
    Outcome {
        expected_annual_cost_usd: s.cost.total_annual_usd.value,
        p_targets_met: targets_met(s),
        targets_met_by_kind: by_kind,
        total_loss_year: s.years_with_total_data_loss.estimate,
        meets_targets: results.decision.verdicts[index].meets_targets,
    }
}

/// The recommendation among outcomes (model order): the cheapest meeting the
/// targets, the first of equals, as [`crate::decision`] decides.
fn recommended(names: &[String], outcomes: &[Outcome]) -> Option<String> {
    (0..outcomes.len())
        .filter(|&i| outcomes[i].meets_targets)
        .min_by(|&a, &b| outcomes[a].expected_annual_cost_usd.total_cmp(&outcomes[b].expected_annual_cost_usd))
        .map(|i| names[i].clone())
}

/// Keys whose value only enters the fixed yearly line items: changing one
/// reprices a strategy without simulating it.
fn is_cost_only(path: &str) -> bool {
    let key = path.rsplit('.').next().unwrap_or(path);
    let priced_per_incident = ["incident_fixed_usd", "total_data_loss_usd", "failover_usd_per_hour"];
    let in_costs =
        path.starts_with("costs.") || (path.starts_with("strategy.") && path.split('.').nth(2) == Some("cost"));
    in_costs && !priced_per_incident.contains(&key)
}

/// The outcomes of every strategy of `base` with `set` applied: repriced,
/// simulated for one strategy, or simulated for all, whichever suffices.
fn evaluate(
    text: &str,
    path: &Path,
    base: &Model,
    baseline: &[Outcome],
    input_path: &str,
    set: &[Assignment],
    options: &RunOptions,
) -> Result<Vec<Outcome>, WhatIfError> {
    let mut model = param::model_with(text, path, set)?;
    model.strategies.retain(|s| base.strategy(&s.name).is_some());
    let owner = input_path
        .strip_prefix("strategy.")
        .and_then(|rest| base.strategies.iter().position(|s| rest.starts_with(&format!("{}.", s.name))));
    let mut out = baseline.to_vec();
    if is_cost_only(input_path) {
        for (i, s) in base.strategies.iter().enumerate() {
            if owner.is_some_and(|o| o != i) {
                continue;
            }
            let Some(new) = model.strategy(&s.name) else { continue };
            let delta = LineItems::of(&model, new).total_usd - LineItems::of(base, s).total_usd;
            out[i].expected_annual_cost_usd += delta;
        }
        return Ok(out);
    }
    if let Some(o) = owner {
        model.strategies.retain(|s| s.name == base.strategies[o].name);
        out[o] = outcome_of(&simulate(&model, options)?, 0);
        return Ok(out);
    }
    let results = simulate(&model, options)?;
    Ok((0..results.strategies.len()).map(|i| outcome_of(&results, i)).collect())
}

/// Every input's outcomes at its low and at its high value, in input order,
/// `on_progress(done, total)` called as inputs finish. `eval(input, value,
/// options)` evaluates the model with the input set to `value`.
///
/// The evaluations run side by side on one pool of worker threads
/// (`options.threads`, all cores when `None`), each simulation's trials in
/// that same pool (`eval` gets options without a thread count): one
/// evaluation's edit and validation overlap another's simulation, and no
/// evaluation waits for the slowest block of another. Each evaluation's
/// figures depend only on the model, the seed and the trials, so they are
/// those of the evaluations run one after another.
///
/// # Errors
/// A failure to start the worker threads; every evaluation's own error is
/// returned in its place.
#[allow(clippy::type_complexity)]
pub(crate) fn evaluate_all<T: Send>(
    inputs: &[Input],
    options: &RunOptions,
    on_progress: &mut impl FnMut(usize, usize),
    eval: impl Fn(&Input, &str, &RunOptions) -> Result<T, WhatIfError> + Sync,
) -> Result<Vec<Result<(T, T), WhatIfError>>, WhatIfError> {
    let total = inputs.len();
    let inner = RunOptions { threads: None, ..options.clone() };
    let one =
        |input: &Input| eval(input, &input.low, &inner).and_then(|low| Ok((low, eval(input, &input.high, &inner)?)));
    let (sender, receiver) = std::sync::mpsc::channel();
    let mut results: Vec<Option<Result<(T, T), WhatIfError>>> = (0..total).map(|_| None).collect();
    let pool = std::thread::scope(|scope| {
        let worker = scope.spawn(|| {
            crate::engine::with_threads(options.threads, || {
                inputs.par_iter().enumerate().for_each_with(sender, |sender, (n, input)| {
                    // The receiver outlives the senders: a send cannot fail.
                    let _ = sender.send((n, one(input)));
                });
            })
        });
        for (done, (n, result)) in (1..).zip(receiver.iter()) {
            results[n] = Some(result);
            on_progress(done, total);
        }
        worker.join()
    });
    match pool {
        Ok(Ok(((), _threads))) => {}
        Ok(Err(e)) => return Err(WhatIfError::Simulation(e.into())),
        Err(panic) => std::panic::resume_unwind(panic),
    }
    // Every input sent its result unless the pool stopped, which returned above.
    Ok(results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(WhatIfError::Request("an input was not evaluated".into()))))
        .collect())
}

/// Bars ranked: largest swing of `metric` first; ties: larger cost swing,
/// then larger P(targets met) swing first.
pub(crate) fn rank(bars: &mut [Bar], metric: Metric) {
    let p_swing = |b: &Bar| (b.high.p_targets_met - b.low.p_targets_met).abs();
    bars.sort_by(|a, b| {
        b.swing(metric)
            .total_cmp(&a.swing(metric))
            .then(b.cost_swing().total_cmp(&a.cost_swing()))
            .then(p_swing(b).total_cmp(&p_swing(a)))
    });
}

/// Checks `--swing`: a fraction strictly between 0 and 1.
pub(crate) fn check_swing(swing: f64) -> Result<(), WhatIfError> {
    if swing.is_finite() && swing > 0.0 && swing < 1.0 {
        Ok(())
    } else {
        Err(WhatIfError::Request(format!("--swing {swing}: allowed: a fraction between 0 and 1, e.g. 0.2")))
    }
}

/// The tornado of one strategy: [`tornados`] for it alone.
pub fn tornado(
    text: &str,
    path: &Path,
    strategy: &str,
    swing: f64,
    options: &RunOptions,
    on_progress: impl FnMut(usize, usize),
    on_skip: impl FnMut(&Input, &WhatIfError),
) -> Result<Tornado, WhatIfError> {
    let mut t = tornados(text, path, Some(strategy), swing, Metric::Cost, options, on_progress, on_skip)?;
    Ok(t.remove(0))
}

/// The tornado of `strategy`, or of every strategy (model order) when
/// `None`, ranked by `metric`. Every evaluation runs on `options` (the same
/// seed). With one strategy named, only it is simulated and no flip is
/// looked for; with all, the decision at every setting is known and each
/// tornado lists the inputs that change it. An input whose low or high value
/// makes the model invalid is left out and named in `on_skip`.
#[allow(clippy::too_many_arguments)]
pub fn tornados(
    text: &str,
    path: &Path,
    strategy: Option<&str>,
    swing: f64,
    metric: Metric,
    options: &RunOptions,
    mut on_progress: impl FnMut(usize, usize),
    mut on_skip: impl FnMut(&Input, &WhatIfError),
) -> Result<Vec<Tornado>, WhatIfError> {
    check_swing(swing)?;
    let mut model = param::model_with(text, path, &[])?;
    if let Some(strategy) = strategy {
        if model.strategy(strategy).is_none() {
            let known: Vec<&str> = model.strategies.iter().map(|s| s.name.as_str()).collect();
            return Err(WhatIfError::Request(format!(
                "--strategy {strategy}: no such strategy; known: {}",
                known.join(", ")
            )));
        }
        model.strategies.retain(|s| s.name == strategy);
    }
    let names: Vec<String> = model.strategies.iter().map(|s| s.name.clone()).collect();
    let results = simulate(&model, options)?;
    let baseline: Vec<Outcome> = (0..names.len()).map(|i| outcome_of(&results, i)).collect();
    let base_pick = recommended(&names, &baseline);
    let doc = param::parse_document(text, path)?;
    let inputs = inputs(&doc, path, strategy, swing);
    let mut bars: Vec<Vec<Bar>> = vec![Vec::new(); names.len()];
    let mut flips: Vec<Vec<Flip>> = vec![Vec::new(); names.len()];
    let evaluated = evaluate_all(&inputs, options, &mut on_progress, |input, value, inner| {
        let set = [Assignment { path: input.path.clone(), value: value.to_string() }];
        evaluate(text, path, &model, &baseline, &input.path, &set, inner)
    })?;
    for (input, result) in inputs.into_iter().zip(evaluated) {
        match result {
            Ok((low, high)) => {
                let owner = input.path.strip_prefix("strategy.").map(|rest| rest.split('.').next().unwrap_or(""));
                let mut found = Vec::new();
                if strategy.is_none() {
                    for (side, outcomes, label) in [("low", &low, &input.low_label), ("high", &high, &input.high_label)]
                    {
                        let pick = recommended(&names, outcomes);
                        if pick != base_pick {
                            found.push(Flip {
                                path: input.path.clone(),
                                at: side,
                                value_label: label.clone(),
                                recommended: pick,
                                baseline: base_pick.clone(),
                            });
                        }
                    }
                }
                for (i, name) in names.iter().enumerate() {
                    if owner.is_some_and(|o| o != name) {
                        continue;
                    }
                    bars[i].push(Bar { input: input.clone(), low: low[i], high: high[i] });
                    flips[i].extend(found.iter().cloned());
                }
            }
            Err(e @ WhatIfError::Param(_)) => on_skip(&input, &e),
            Err(e) => return Err(e),
        }
    }
    let confidence = model.targets.confidence.get();
    Ok(names
        .into_iter()
        .zip(bars)
        .zip(flips)
        .enumerate()
        .map(|(i, ((name, mut bars), flips))| {
            rank(&mut bars, metric);
            Tornado { strategy: name, baseline: baseline[i], bars, confidence, metric: metric.label(), flips }
        })
        .collect())
}
