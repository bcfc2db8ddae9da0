//! Reading a platform model: `[[service]]` (each with its `[[service.strategy]]`
//! candidates in the ordinary strategy syntax), `[[function]]` and `[[plan]]`
//! tables beside the ordinary sections of a model file.
//!
//! Each service is validated as an ordinary model: the file with every other
//! service, function and plan blanked out (lines kept, so positions stay
//! true) and its own `[[service.strategy]]` headers read as `[[strategy]]`
//! (the word `service.` replaced by spaces, so columns stay true too). Every
//! error of the existing validator therefore names the right line and
//! column; its key is prefixed with `service[i].`.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde::Deserialize;

use super::{Function, MAX_FUNCTION_COMBINATIONS, MAX_FUNCTIONS, MAX_SERVICES, Plan, Platform, Service};
use crate::model::{Duration, KeyPath, Model, ModelError, Problem, line_column, name_id};

/// The platform tables as written; everything else is the ordinary model's.
#[derive(Debug, Deserialize)]
struct RawDoc {
    #[serde(default)]
    service: Vec<RawService>,
    #[serde(default)]
    function: Vec<RawFunction>,
    #[serde(default)]
    plan: Vec<RawPlan>,
    #[serde(default)]
    strategy: Vec<toml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawService {
    name: String,
    stateless: Option<bool>,
    region: Option<String>,
    cost_share: Option<f64>,
    dataset_gb: Option<f64>,
    change_rate_gb_per_hour: Option<f64>,
    rto: Option<Duration>,
    rpo: Option<Duration>,
    #[serde(default)]
    strategy: Vec<toml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFunction {
    name: String,
    services: Vec<String>,
    at_least: Option<i64>,
    revenue_share: f64,
    order_share: Option<f64>,
    rto: Option<Duration>,
    rpo: Option<Duration>,
    availability: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlan {
    name: String,
    services: BTreeMap<String, String>,
}

/// Which part of the file a line belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    /// The ordinary model.
    Base,
    /// The keys of service `i` itself.
    ServiceOwn(usize),
    /// Service `i`'s candidates (`[[service.strategy]]` and its subtables).
    ServiceStrategy(usize),
    /// `[[function]]` and `[[plan]]`.
    Other,
}

/// A table header line: whether it is an array header and its dotted key
/// segments (bare keys only; anything else is not recognised as a header).
fn header(line: &str) -> Option<Vec<&str>> {
    let t = line.trim_start();
    let (inner, rest) = if let Some(r) = t.strip_prefix("[[") {
        let end = r.find("]]")?;
        (&r[..end], &r[end + 2..])
    } else if let Some(r) = t.strip_prefix('[') {
        let end = r.find(']')?;
        (&r[..end], &r[end + 1..])
    } else {
        return None;
    };
    let rest = rest.trim();
    if !(rest.is_empty() || rest.starts_with('#')) {
        return None;
    }
    let segments: Vec<&str> = inner.split('.').map(str::trim).collect();
    let bare = |s: &&str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    segments.iter().all(bare).then_some(segments)
}

/// The part of the file each line is in.
fn parts(text: &str) -> Vec<Part> {
    let mut out = Vec::new();
    let mut current = Part::Base;
    let mut service: Option<usize> = None;
    for line in text.split('\n') {
        if let Some(segments) = header(line) {
            current = match segments[0] {
                "service" => {
                    if segments.len() == 1 && line.trim_start().starts_with("[[") {
                        service = Some(service.map_or(0, |i| i + 1));
                    }
                    let i = service.unwrap_or(0);
                    if segments.get(1) == Some(&"strategy") { Part::ServiceStrategy(i) } else { Part::ServiceOwn(i) }
                }
                "function" | "plan" => Part::Other,
                _ => Part::Base,
            };
        }
        out.push(current);
    }
    out
}

/// The file as service `i`'s model: other platform lines blanked, the
/// service's own `[[service.strategy]]` headers read as `[[strategy]]`.
fn service_text(text: &str, parts: &[Part], i: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for (n, (line, part)) in text.split('\n').zip(parts).enumerate() {
        if n > 0 {
            out.push('\n');
        }
        match *part {
            Part::Base => out.push_str(line),
            Part::ServiceStrategy(j) if j == i => {
                if header(line).is_some() {
                    // `[[service.strategy]]` -> `[[        strategy]]`: same columns.
                    let at = line.find("service").expect("a service header names the service");
                    let dot = at + line[at..].find('.').expect("service.strategy has a dot");
                    out.push_str(&line[..at]);
                    out.push_str(&" ".repeat(dot + 1 - at));
                    out.push_str(&line[dot + 1..]);
                } else {
                    out.push_str(line);
                }
            }
            _ => {}
        }
    }
    out
}

/// Collects problems of the platform tables, located in the file.
struct Problems<'a> {
    text: &'a str,
    path: &'a Path,
    doc: Option<toml_edit::Document<&'a str>>,
    list: Vec<Problem>,
}

impl<'a> Problems<'a> {
    fn new(text: &'a str, path: &'a Path) -> Problems<'a> {
        Problems { text, path, doc: toml_edit::Document::parse(text).ok(), list: Vec::new() }
    }

    fn at_offset(&self, offset: Option<usize>, key: String, message: String) -> Problem {
        let (line, column) = offset.map_or((1, 1), |o| line_column(self.text, o));
        Problem { path: self.path.to_path_buf(), line, column, key, message }
    }

    fn add(&mut self, key: KeyPath, message: impl Into<String>) {
        let offset = self.doc.as_ref().and_then(|d| key.locate(d)).map(|r| r.start);
        let p = self.at_offset(offset, key.to_string(), message.into());
        self.list.push(p);
    }

    fn push(&mut self, p: Problem) {
        if !self.list.contains(&p) {
            self.list.push(p);
        }
    }

    fn finish(self) -> Result<(), ModelError> {
        if self.list.is_empty() { Ok(()) } else { Err(ModelError::Invalid { problems: self.list }) }
    }
}

/// Reads, parses and validates a model file as a platform: with
/// `[[service]]` tables, each service and its candidates, the functions and
/// the plans; without, the model as one service.
///
/// # Errors
/// [`ModelError`] as [`Model::load`], with every problem of the platform
/// tables named by file, line, column and key (`service[1].dataset_gb`,
/// `function[0].services[2]`, `plan[3].services.orders`).
pub fn load(path: &Path) -> Result<Platform, ModelError> {
    let text = crate::input::read_text(path, crate::input::MODEL_LIMIT_BYTES)
        .map_err(|source| ModelError::Read { path: path.to_path_buf(), source })?;
    from_str_at(&text, path)
}

/// [`load`] of text already read; `path` names it in messages.
///
/// # Errors
/// As [`load`].
pub fn from_str_at(text: &str, path: &Path) -> Result<Platform, ModelError> {
    let parts = parts(text);
    if !parts.iter().any(|p| *p != Part::Base) {
        return Ok(implied(Model::from_str_at(text, path)?));
    }
    let mut problems = Problems::new(text, path);
    let raw: RawDoc = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            let offset = e.span().map(|s| s.start);
            let key = offset
                .and_then(|o| problems.doc.as_ref().and_then(|d| KeyPath::at_offset(d, o)))
                .map_or_else(String::new, |k| k.to_string());
            let p = problems.at_offset(offset, key, e.message().trim().to_string());
            problems.push(p);
            return Err(problems.finish().expect_err("a problem was pushed"));
        }
    };
    let root = KeyPath::root();
    if raw.service.is_empty() {
        problems.add(
            root.key(if raw.function.is_empty() { "plan" } else { "function" }),
            "functions and plans need services; allowed: [[function]] and [[plan]] beside [[service]] tables",
        );
        return Err(problems.finish().expect_err("a problem was added"));
    }
    if !raw.strategy.is_empty() {
        problems.add(
            root.key("strategy").index(0),
            "a model with [[service]] lists each service's candidates under [[service.strategy]]; allowed: no \
             top-level [[strategy]] beside [[service]]",
        );
    }
    if raw.service.len() > MAX_SERVICES {
        problems.add(
            root.key("service").index(MAX_SERVICES),
            format!("{} services are too many; allowed: at most {MAX_SERVICES}", raw.service.len()),
        );
        return Err(problems.finish().expect_err("a problem was added"));
    }
    let services = services(text, path, &parts, &raw.service, &mut problems);
    let Some(services) = services else {
        return Err(problems.finish().expect_err("problems were found"));
    };
    let base = &services[0].1;
    let (base_rto, base_rpo) = (base.targets.rto, base.targets.rpo);
    let functions = functions(&raw.function, &services, (base_rto, base_rpo), &mut problems);
    let plans = plans(&raw.plan, &services, &mut problems);
    problems.finish()?;
    let first = &services[0].1;
    let (revenue_per_hour, orders_per_hour, average_order_value) =
        (services[0].2.0, services[0].2.1, first.workload.average_order_value);
    Ok(Platform {
        path: path.to_path_buf(),
        name: first.workload.name.clone(),
        explicit: true,
        revenue_per_hour,
        orders_per_hour,
        average_order_value,
        confidence: first.targets.confidence.get(),
        services: services.into_iter().map(|(s, _, _)| s).collect(),
        functions,
        plans,
    })
}

/// A model without services as a platform: one service whose candidates
/// are the model's strategies (same streams, same figures), one function
/// that carries no revenue of its own (the service's incidents are priced
/// as today), one plan per strategy.
pub fn implied(model: Model) -> Platform {
    let name = model.workload.name.clone();
    let function = Function {
        name: name.clone(),
        services: vec![0],
        at_least: 1,
        revenue_share: 0.0,
        order_share: 0.0,
        rto: model.targets.rto,
        rpo: model.targets.rpo,
        availability: None,
        judged: false,
    };
    let plans =
        model.strategies.iter().enumerate().map(|(i, s)| Plan { name: s.name.clone(), choice: vec![i] }).collect();
    Platform {
        path: model.source.path.clone(),
        name: name.clone(),
        explicit: false,
        revenue_per_hour: model.workload.revenue_per_hour,
        orders_per_hour: model.workload.orders_per_hour,
        average_order_value: model.workload.average_order_value,
        confidence: model.targets.confidence.get(),
        services: vec![Service { name, stateless: false, has_targets: true, model }],
        functions: vec![function],
        plans,
    }
}

/// Each service validated as a model; with its model before its revenue was
/// zeroed: (service, model as validated, (revenue, orders) per hour).
type Loaded = (Service, Model, (f64, f64));

fn services(
    text: &str,
    path: &Path,
    parts: &[Part],
    raw: &[RawService],
    problems: &mut Problems<'_>,
) -> Option<Vec<Loaded>> {
    let mut names = HashSet::new();
    let mut out = Vec::new();
    for (i, s) in raw.iter().enumerate() {
        let at = KeyPath::root().key("service").index(i);
        if !names.insert(s.name.as_str()) {
            problems.add(at.key("name"), format!("service \"{}\" is defined twice; names must be unique", s.name));
        }
        if s.name.trim().is_empty() || s.name.contains('=') {
            problems.add(at.key("name"), "a service needs a name; allowed: any text without `=`, not blank");
        }
        if s.strategy.is_empty() {
            problems.add(
                at.key("name"),
                format!(
                    "service \"{}\" has no candidates; allowed: one or more [[service.strategy]] tables after its \
                     [[service]] header",
                    s.name
                ),
            );
            continue;
        }
        let stateless = s.stateless.unwrap_or(false);
        let gb = |key: &str, value: Option<f64>, problems: &mut Problems<'_>| -> Option<f64> {
            let v = value?;
            let ok = v.is_finite() && if stateless { v >= 0.0 } else { v > 0.0 } && v <= 1e9;
            if !ok {
                problems.add(
                    at.key(key),
                    format!(
                        "{v} is not allowed; allowed: a number {} 1e9",
                        if stateless { "from 0 to" } else { "above 0, at most" }
                    ),
                );
            }
            Some(v)
        };
        let dataset = gb("dataset_gb", s.dataset_gb, problems);
        let change = gb("change_rate_gb_per_hour", s.change_rate_gb_per_hour, problems);
        let derived = service_text(text, parts, i);
        let mut model = match Model::from_str_at(&derived, path) {
            Ok(m) => m,
            Err(ModelError::Invalid { problems: list }) => {
                for mut p in list {
                    if p.key.starts_with("strategy") {
                        p.key = format!("service[{i}].{}", p.key);
                        p.message = p.message.replace("[[strategy]]", "[[service.strategy]]");
                    }
                    problems.push(p);
                }
                continue;
            }
            Err(e) => return Err(e).ok(),
        };
        let validated = model.clone();
        let money = (model.workload.revenue_per_hour, model.workload.orders_per_hour);
        if stateless {
            model.workload.dataset_gb = dataset.unwrap_or(0.0);
            model.workload.change_rate_gb_per_hour = change.unwrap_or(0.0);
        } else {
            model.workload.dataset_gb = dataset.unwrap_or(model.workload.dataset_gb);
            model.workload.change_rate_gb_per_hour = change.unwrap_or(model.workload.change_rate_gb_per_hour);
        }
        model.workload.name = format!("{}/{}", model.workload.name, s.name);
        model.workload.revenue_per_hour = 0.0;
        model.workload.orders_per_hour = 0.0;
        for strategy in &mut model.strategies {
            strategy.id = name_id(&format!("{}/{}", s.name, strategy.name));
        }
        // A service judged on one target only is not judged on the other.
        let unbounded = Duration::YEAR * super::NO_TARGET_YEARS;
        let judged = |d: Option<Duration>| d.or((s.rto.is_some() || s.rpo.is_some()).then_some(unbounded));
        for (key, value) in [("rto", judged(s.rto)), ("rpo", judged(s.rpo))] {
            let Some(d) = value else { continue };
            if !(d.secs().is_finite() && d.secs() >= 0.0) {
                problems.add(at.key(key), "allowed: a duration of 0s or more");
            }
            for k in model.targets.per_kind.iter_mut() {
                if key == "rto" {
                    k.rto = d;
                } else {
                    k.rpo = d;
                }
            }
            if key == "rto" {
                model.targets.rto = d;
            } else {
                model.targets.rpo = d;
            }
        }
        if let Some(share) = s.cost_share {
            if share.is_finite() && share > 0.0 && share <= 1.0 {
                model.costs.primary_compute_usd_per_month *= share;
                model.costs.primary_database_usd_per_month *= share;
            } else {
                problems
                    .add(at.key("cost_share"), format!("{share} is not allowed; allowed: a share above 0, at most 1"));
            }
        }
        if let Some(region) = &s.region {
            match model.topology.region_id(region) {
                Some(id) => {
                    model.topology.primary = id;
                    for (j, st) in model.strategies.iter().enumerate() {
                        if st.dr_region == Some(id) {
                            problems.add(
                                at.key("strategy").index(j).key("dr_region"),
                                format!(
                                    "the DR region is the service's own region \"{region}\"; allowed: another region"
                                ),
                            );
                        }
                    }
                }
                None => {
                    let known: Vec<&str> = model.topology.regions.iter().map(|r| r.name.as_str()).collect();
                    problems.add(at.key("region"), format!("no region \"{region}\"; allowed: {}", known.join(", ")));
                }
            }
        }
        let has_targets = s.rto.is_some() || s.rpo.is_some();
        out.push((Service { name: s.name.clone(), stateless, has_targets, model }, validated, money));
    }
    (problems.list.is_empty() && out.len() == raw.len()).then_some(out)
}

fn functions(
    raw: &[RawFunction],
    services: &[Loaded],
    (rto, rpo): (Duration, Duration),
    problems: &mut Problems<'_>,
) -> Vec<Function> {
    let root = KeyPath::root().key("function");
    if raw.is_empty() {
        // One journey through every service, earning everything.
        return vec![Function {
            name: "platform".to_string(),
            services: (0..services.len()).collect(),
            at_least: services.len(),
            revenue_share: 1.0,
            order_share: 1.0,
            rto,
            rpo,
            availability: None,
            judged: true,
        }];
    }
    if raw.len() > MAX_FUNCTIONS {
        problems.add(root.index(MAX_FUNCTIONS), format!("allowed: at most {MAX_FUNCTIONS} functions"));
        return Vec::new();
    }
    let mut names = HashSet::new();
    let mut out = Vec::new();
    let (mut revenue, mut orders) = (0.0, 0.0);
    for (i, f) in raw.iter().enumerate() {
        let at = root.index(i);
        if !names.insert(f.name.as_str()) {
            problems.add(at.key("name"), format!("function \"{}\" is defined twice; names must be unique", f.name));
        }
        let mut needed = Vec::new();
        for (j, name) in f.services.iter().enumerate() {
            match services.iter().position(|s| s.0.name == *name) {
                Some(s) if needed.contains(&s) => {
                    problems.add(at.key("services").index(j), format!("service \"{name}\" is listed twice"));
                }
                Some(s) => needed.push(s),
                None => {
                    let known: Vec<&str> = services.iter().map(|s| s.0.name.as_str()).collect();
                    problems.add(
                        at.key("services").index(j),
                        format!("no service \"{name}\"; allowed: {}", known.join(", ")),
                    );
                }
            }
        }
        if f.services.is_empty() {
            problems.add(at.key("services"), "a function needs at least one service; allowed: service names");
        }
        let at_least = match f.at_least {
            None => f.services.len(),
            Some(k) if k >= 1 && (k as usize) <= f.services.len() => k as usize,
            Some(k) => {
                problems.add(
                    at.key("at_least"),
                    format!("{k} is not allowed; allowed: 1 to {} (the services listed)", f.services.len()),
                );
                1
            }
        };
        let share = |key: &str, v: f64, problems: &mut Problems<'_>| {
            if !(v.is_finite() && (0.0..=1.0).contains(&v)) {
                problems.add(at.key(key), format!("{v} is not allowed; allowed: a share from 0 to 1"));
            }
        };
        let order_share = f.order_share.unwrap_or(f.revenue_share);
        share("revenue_share", f.revenue_share, problems);
        share("order_share", order_share, problems);
        revenue += f.revenue_share;
        orders += order_share;
        if let Some(a) = f.availability {
            if !(a.is_finite() && a > 0.0 && a < 1.0) {
                problems.add(at.key("availability"), format!("{a} is not allowed; allowed: a share above 0, below 1"));
            }
        }
        for (key, d) in [("rto", f.rto), ("rpo", f.rpo)] {
            if d.is_some_and(|d| !(d.secs().is_finite() && d.secs() >= 0.0)) {
                problems.add(at.key(key), "allowed: a duration of 0s or more");
            }
        }
        let combinations = needed.iter().fold(1u64, |n, &s| n.saturating_mul(services[s].0.candidates() as u64));
        if combinations > MAX_FUNCTION_COMBINATIONS {
            problems.add(
                at.key("services"),
                format!(
                    "the services of \"{}\" have {combinations} combinations of candidates; allowed: at most \
                     {MAX_FUNCTION_COMBINATIONS}: split the function or drop candidates",
                    f.name
                ),
            );
        }
        out.push(Function {
            name: f.name.clone(),
            services: needed,
            at_least,
            revenue_share: f.revenue_share,
            order_share,
            rto: f.rto.unwrap_or(rto),
            rpo: f.rpo.unwrap_or(rpo),
            availability: f.availability,
            judged: true,
        });
    }
    for (key, total) in [("revenue_share", revenue), ("order_share", orders)] {
        if total > 1.0 + 1e-9 {
            problems.add(
                root.index(raw.len() - 1).key(key),
                format!("the functions' {key}s add up to {total}; allowed: at most 1 (shares of the whole platform)"),
            );
        }
    }
    out
}

fn plans(raw: &[RawPlan], services: &[Loaded], problems: &mut Problems<'_>) -> Vec<Plan> {
    let mut out = Vec::new();
    let mut names = HashSet::new();
    for (i, p) in raw.iter().enumerate() {
        let at = KeyPath::root().key("plan").index(i);
        if !names.insert(p.name.as_str()) {
            problems.add(at.key("name"), format!("plan \"{}\" is defined twice; names must be unique", p.name));
        }
        let mut choice = Vec::new();
        for (service, _, _) in services {
            let Some(candidate) = p.services.get(&service.name) else {
                problems.add(
                    at.key("services"),
                    format!(
                        "plan \"{}\" gives no candidate for service \"{}\"; every service needs one",
                        p.name, service.name
                    ),
                );
                continue;
            };
            match service.model.strategies.iter().position(|s| s.name == *candidate) {
                Some(c) => choice.push(c),
                None => {
                    let known: Vec<&str> = service.model.strategies.iter().map(|s| s.name.as_str()).collect();
                    problems.add(
                        at.key("services").key(&service.name),
                        format!(
                            "service \"{}\" has no candidate \"{candidate}\"; allowed: {}",
                            service.name,
                            known.join(", ")
                        ),
                    );
                }
            }
        }
        for name in p.services.keys() {
            if !services.iter().any(|s| s.0.name == *name) {
                let known: Vec<&str> = services.iter().map(|s| s.0.name.as_str()).collect();
                problems
                    .add(at.key("services").key(name), format!("no service \"{name}\"; allowed: {}", known.join(", ")));
            }
        }
        out.push(Plan { name: p.name.clone(), choice });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_recognised_and_rewritten_in_place() {
        assert_eq!(header("[[service.strategy]]  # x"), Some(vec!["service", "strategy"]));
        assert_eq!(header("[ costs ]"), Some(vec!["costs"]));
        assert_eq!(header("[1, 2]"), None);
        let text =
            "[a]\nx = 1\n[[service]]\nname = \"s\"\n[[service.strategy]]\nname = \"c\"\n[service.strategy.backup]\n";
        let parts = parts(text);
        let derived = service_text(text, &parts, 0);
        assert_eq!(derived, "[a]\nx = 1\n\n\n[[        strategy]]\nname = \"c\"\n[        strategy.backup]\n");
        assert_eq!(derived.lines().count(), text.lines().count());
    }
}
