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

use std::path::Path;

use serde::Serialize;
use toml_edit::{DocumentMut, Item, TableLike, Value};

use super::param::{self, Assignment};
use super::{WhatIfError, targets_met};
use crate::model::{Dist, DistSpec, Duration, Unit};
use crate::simulation::{RunOptions, simulate};

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
    /// |cost at high - cost at low|, USD a year: the ranking key.
    pub fn cost_swing(&self) -> f64 {
        (self.high.expected_annual_cost_usd - self.low.expected_annual_cost_usd).abs()
    }
}

/// The tornado of one strategy.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tornado {
    /// The strategy.
    pub strategy: String,
    /// Its figures with every input as in the model.
    pub baseline: Outcome,
    /// Bars, largest cost swing first (ties: larger P(targets met) swing first).
    pub bars: Vec<Bar>,
    /// The required share of incidents meeting each target.
    pub confidence: f64,
}

/// Keys never moved: identities, switches, lists and the requirements.
const NOT_INPUTS: [&str; 10] = [
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
    let base_dir = model_path.parent().unwrap_or(Path::new("."));
    let mut out = Vec::new();
    for (key, item) in doc.iter() {
        match (key, item) {
            ("strategy" | "failure", Item::ArrayOfTables(tables)) => {
                let id_key = if key == "strategy" { "name" } else { "kind" };
                for t in tables.iter() {
                    let Some(id) = t.get(id_key).and_then(Item::as_str) else { continue };
                    if key == "strategy" && strategy.is_some_and(|s| s != id) {
                        continue;
                    }
                    walk(t, &format!("{key}.{id}."), swing, base_dir, &mut out);
                }
            }
            (_, Item::Table(t)) if !NOT_INPUTS.contains(&key) => walk(t, &format!("{key}."), swing, base_dir, &mut out),
            _ => {}
        }
    }
    out
}

fn outcome(
    text: &str,
    path: &Path,
    strategy: &str,
    set: &[Assignment],
    options: &RunOptions,
) -> Result<Outcome, WhatIfError> {
    let mut model = param::model_with(text, path, set)?;
    model.strategies.retain(|s| s.name == strategy);
    let results = simulate(&model, options)?;
    let s = &results.strategies[0];
    Ok(Outcome { expected_annual_cost_usd: s.cost.total_annual_usd.value, p_targets_met: targets_met(s) })
}

/// The tornado of one strategy. Every evaluation runs on `options` (the same
/// seed), with only that strategy simulated. An input whose low or high value
/// makes the model invalid is left out and named in `on_skip`.
pub fn tornado(
    text: &str,
    path: &Path,
    strategy: &str,
    swing: f64,
    options: &RunOptions,
    mut on_progress: impl FnMut(usize, usize),
    mut on_skip: impl FnMut(&Input, &WhatIfError),
) -> Result<Tornado, WhatIfError> {
    if !(swing.is_finite() && swing > 0.0 && swing < 1.0) {
        return Err(WhatIfError::Request(format!("--swing {swing}: allowed: a fraction between 0 and 1, e.g. 0.2")));
    }
    let model = param::model_with(text, path, &[])?;
    if model.strategy(strategy).is_none() {
        let known: Vec<&str> = model.strategies.iter().map(|s| s.name.as_str()).collect();
        return Err(WhatIfError::Request(format!(
            "--strategy {strategy}: no such strategy; known: {}",
            known.join(", ")
        )));
    }
    let doc = param::parse_document(text, path)?;
    let inputs = inputs(&doc, path, Some(strategy), swing);
    let baseline = outcome(text, path, strategy, &[], options)?;
    let total = inputs.len();
    let mut bars = Vec::new();
    for (i, input) in inputs.into_iter().enumerate() {
        let at = |value: &str| vec![Assignment { path: input.path.clone(), value: value.to_string() }];
        let result = outcome(text, path, strategy, &at(&input.low), options)
            .and_then(|low| Ok((low, outcome(text, path, strategy, &at(&input.high), options)?)));
        match result {
            Ok((low, high)) => bars.push(Bar { input, low, high }),
            Err(e @ WhatIfError::Param(_)) => on_skip(&input, &e),
            Err(e) => return Err(e),
        }
        on_progress(i + 1, total);
    }
    let p_swing = |b: &Bar| (b.high.p_targets_met - b.low.p_targets_met).abs();
    bars.sort_by(|a, b| b.cost_swing().total_cmp(&a.cost_swing()).then(p_swing(b).total_cmp(&p_swing(a))));
    Ok(Tornado { strategy: strategy.to_string(), baseline, bars, confidence: model.targets.confidence.get() })
}
