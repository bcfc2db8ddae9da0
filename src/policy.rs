//! AWS Resilience Hub resiliency policies, read into drsim targets and
//! written from them.
//!
//! A resiliency policy gives an RTO and an RPO, in whole seconds, per
//! *disruption type* (`Software`, `Hardware`, `AZ`, `Region`), plus a tier
//! and a data-location constraint. drsim judges targets per *disruption
//! kind* (`az`, `region`, `logical`) with a confidence. The two do not map
//! one to one: [`import`] and [`export`] say what they could not carry over
//! as [`Notice`]s (a lossy one changes or drops an RTO or RPO), never
//! silently. The mapping is documented in `docs/resilience-hub.md`.
//!
//! Three JSON shapes are read, all as the Resilience Hub API writes them:
//! the bare `policy` map (what `aws resiliencehub create-resiliency-policy
//! --policy file://...` takes), a whole policy (the CreateResiliencyPolicy
//! request, what `--cli-input-json` takes), and the DescribeResiliencyPolicy
//! output (`{"policy": {"policyName": ..., "policy": {...}}}`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::input::InputError;
use crate::model::{DisruptionKind, Duration, Probability, Problem, RecoveryTargets, Targets};

/// The largest policy file drsim reads: 16 MiB, as for a model (a policy is
/// under 1 KB).
pub const POLICY_LIMIT_BYTES: u64 = crate::input::MODEL_LIMIT_BYTES;

/// The largest `rtoInSecs` / `rpoInSecs`: the API's `Integer` is 32-bit
/// signed, 2,147,483,647 s (68 years).
pub const MAX_SECONDS: u64 = i32::MAX as u64;

/// Resilience Hub's disruption types (`DisruptionType` in its API), in the
/// API's order. The console calls `Software` "Application" and `Hardware`
/// "Infrastructure".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DisruptionType {
    /// A failure of the application's software (the console's "Application").
    Software,
    /// A failure of a host or other infrastructure (the console's "Infrastructure").
    Hardware,
    /// The loss of one availability zone.
    Az,
    /// The loss of a region.
    Region,
}

impl DisruptionType {
    /// Every type, in the API's order.
    pub const ALL: [DisruptionType; 4] =
        [DisruptionType::Software, DisruptionType::Hardware, DisruptionType::Az, DisruptionType::Region];

    /// The name as the API writes it.
    pub fn name(self) -> &'static str {
        match self {
            DisruptionType::Software => "Software",
            DisruptionType::Hardware => "Hardware",
            DisruptionType::Az => "AZ",
            DisruptionType::Region => "Region",
        }
    }

    /// Parses an API name (exact spelling).
    pub fn parse(text: &str) -> Option<DisruptionType> {
        DisruptionType::ALL.into_iter().find(|t| t.name() == text)
    }
}

impl fmt::Display for DisruptionType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for DisruptionType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// How the policy was read and how each name is spelled: one list per
/// enumeration, for parsing, serialising and error messages alike.
macro_rules! api_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            /// Every value, in the API's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name as the API writes it.
            pub fn name(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses an API name (exact spelling).
            pub fn parse(text: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.name() == text)
            }

            /// The allowed names, for messages: `A, B or C`.
            pub fn allowed() -> String {
                or_list(&$name::ALL.iter().map(|v| v.name()).collect::<Vec<_>>())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.name())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<$name, D::Error> {
                let text = String::deserialize(deserializer)?;
                $name::parse(&text).ok_or_else(|| {
                    de::Error::custom(format!("unknown value \"{text}\"; allowed: {}", $name::allowed()))
                })
            }
        }
    };
}

api_enum! {
    /// A policy's tier (`ResiliencyPolicyTier`), from the most severe to the
    /// least. drsim has no tiers: it is carried as a label.
    Tier {
        /// The most severe.
        MissionCritical = "MissionCritical",
        /// Critical.
        Critical = "Critical",
        /// Important.
        Important = "Important",
        /// Foundational services others depend on.
        CoreServices = "CoreServices",
        /// The least severe.
        NonCritical = "NonCritical",
        /// No tier applies.
        NotApplicable = "NotApplicable",
    }
}

api_enum! {
    /// Where a policy's data may be stored (`DataLocationConstraint`). drsim
    /// has no counterpart: it is carried as a label.
    DataLocation {
        /// Anywhere.
        AnyLocation = "AnyLocation",
        /// On the same continent.
        SameContinent = "SameContinent",
        /// In the same country.
        SameCountry = "SameCountry",
    }
}

/// `a, b or c`.
fn or_list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// The targets of one disruption type (`FailurePolicy`), whole seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct FailurePolicy {
    /// Recovery point objective, seconds, 0 to [`MAX_SECONDS`].
    #[serde(rename = "rpoInSecs")]
    pub rpo_secs: u64,
    /// Recovery time objective, seconds, 1 to [`MAX_SECONDS`] (the API
    /// allows 0; drsim cannot judge it and refuses it when reading).
    #[serde(rename = "rtoInSecs")]
    pub rto_secs: u64,
}

impl FailurePolicy {
    /// The same targets as drsim durations.
    pub fn targets(self) -> RecoveryTargets {
        RecoveryTargets {
            rto: Duration::from_secs(self.rto_secs as f64),
            rpo: Duration::from_secs(self.rpo_secs as f64),
        }
    }
}

/// A resiliency policy: its targets per disruption type and the labels drsim
/// carries along. Serialised, it is a CreateResiliencyPolicy request body.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResiliencyPolicy {
    /// `policyName`, when the file has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_name: Option<String>,
    /// `policyDescription`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_description: Option<String>,
    /// `tier`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<Tier>,
    /// `dataLocationConstraint`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_location_constraint: Option<DataLocation>,
    /// `policy`: the targets per disruption type; never empty once read.
    pub policy: BTreeMap<DisruptionType, FailurePolicy>,
}

/// Why a policy file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// The file could not be read (not a regular file, too large, missing, ...).
    #[error("{}: cannot read the policy file", path.display())]
    Read {
        /// The path given.
        path: PathBuf,
        /// Why.
        #[source]
        source: InputError,
    },
    /// The file is not JSON, or not a resiliency policy drsim can judge.
    #[error("{0}")]
    Invalid(Problem),
}

/// Reads a policy file: at most [`POLICY_LIMIT_BYTES`], regular files only.
///
/// # Errors
/// [`PolicyError::Read`] when the file cannot be read; [`PolicyError::Invalid`]
/// as [`parse`].
pub fn read(path: &Path) -> Result<ResiliencyPolicy, PolicyError> {
    let text = crate::input::read_text(path, POLICY_LIMIT_BYTES)
        .map_err(|source| PolicyError::Read { path: path.to_path_buf(), source })?;
    parse(&text, path)
}

/// Parses policy JSON in any of the three shapes (see the module doc).
///
/// # Errors
/// [`PolicyError::Invalid`] naming `path`, the line and column, the key
/// (`policy.AZ.rtoInSecs`), what is wrong and what is allowed: malformed
/// JSON, an unknown key or disruption type, a value out of range (negative,
/// fractional or over [`MAX_SECONDS`] seconds; an RTO of 0), a missing
/// `rtoInSecs`/`rpoInSecs`, no disruption type at all.
pub fn parse(text: &str, path: &Path) -> Result<ResiliencyPolicy, PolicyError> {
    let problem = |key: String, e: serde_json::Error| {
        let (line, column) = (e.line(), e.column());
        let message = e.to_string();
        let suffix = format!(" at line {line} column {column}");
        let message = message.strip_suffix(&suffix).unwrap_or(&message).to_string();
        PolicyError::Invalid(Problem { path: path.to_path_buf(), line, column, key, message })
    };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let node = serde_path_to_error::deserialize::<_, TopNode>(&mut deserializer).map_err(|e| {
        let key = e.path().to_string();
        problem(if key == "." { String::new() } else { key }, e.into_inner())
    })?;
    deserializer.end().map_err(|e| problem(String::new(), e))?;
    Ok(node.0.into_policy())
}

/// The keys of a whole policy besides `policy` that drsim reads or skips:
/// every member of ResiliencyPolicy and of the CreateResiliencyPolicy request.
const FIELDS: [&str; 10] = [
    "policyName",
    "policyDescription",
    "tier",
    "dataLocationConstraint",
    "policy",
    "policyArn",
    "creationTime",
    "estimatedCostTier",
    "tags",
    "clientToken",
];

/// One JSON object of a policy file as read: disruption types, or the
/// fields of a whole policy, or (describe output) only `policy`.
#[derive(Default)]
struct Node {
    entries: BTreeMap<DisruptionType, FailurePolicy>,
    fields: Vec<&'static str>,
    policy_name: Option<String>,
    policy_description: Option<String>,
    tier: Option<Tier>,
    data_location_constraint: Option<DataLocation>,
    inner: Option<Box<Node>>,
}

impl Node {
    /// The policy this (checked) top-level object holds.
    fn into_policy(self) -> ResiliencyPolicy {
        if !self.entries.is_empty() {
            return ResiliencyPolicy { policy: self.entries, ..ResiliencyPolicy::default() };
        }
        let Some(inner) = self.inner else { return ResiliencyPolicy::default() };
        let (whole, map) = match inner.inner {
            // Describe output: {"policy": {whole policy with "policy": {map}}}.
            Some(_) => {
                let mut whole = *inner;
                let map = whole.inner.take().map(|m| m.entries).unwrap_or_default();
                (whole, map)
            }
            // A whole policy: {"policyName": ..., "policy": {map}}.
            None => (Node { inner: None, ..self }, inner.entries),
        };
        ResiliencyPolicy {
            policy_name: whole.policy_name,
            policy_description: whole.policy_description,
            tier: whole.tier,
            data_location_constraint: whole.data_location_constraint,
            policy: map,
        }
    }
}

/// The file's top-level object.
struct TopNode(Node);

impl<'de> serde::Deserialize<'de> for TopNode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<TopNode, D::Error> {
        NodeSeed { depth: 0 }.deserialize(deserializer).map(TopNode)
    }
}

/// Reads a [`Node`] at a nesting depth: 0 the file, 1 its `policy`, 2 the
/// `policy` of a describe output (which holds only disruption types).
struct NodeSeed {
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for NodeSeed {
    type Value = Node;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_map(self)
    }
}

const TYPES: &str = "Software, Hardware, AZ or Region";

impl<'de> Visitor<'de> for NodeSeed {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.depth {
            0 => f.write_str(
                "a JSON object: a resiliency policy, its `policy` map, or describe-resiliency-policy output",
            ),
            _ => f.write_str("a JSON object"),
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut node = Node::default();
        let mut seen = BTreeSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key.clone()) {
                return Err(de::Error::custom(format!("`{key}` is given twice; allowed: each key once")));
            }
            if let Some(t) = DisruptionType::parse(&key) {
                if let Some(field) = node.fields.first() {
                    return Err(de::Error::custom(format!(
                        "the disruption type `{key}` stands beside `{field}`; in a whole policy the disruption types go inside `policy`"
                    )));
                }
                node.entries.insert(t, map.next_value::<Failure>()?.0);
                continue;
            }
            let field = FIELDS.iter().copied().find(|f| *f == key).filter(|_| self.depth < 2);
            let Some(field) = field else {
                return Err(de::Error::custom(unknown_key(&key, self.depth)));
            };
            if let Some(first) = node.entries.keys().next() {
                return Err(de::Error::custom(format!(
                    "`{key}` stands beside the disruption type `{first}`; a `policy` map holds only {TYPES}"
                )));
            }
            node.fields.push(field);
            match field {
                "policyName" => node.policy_name = Some(map.next_value()?),
                "policyDescription" => node.policy_description = Some(map.next_value()?),
                "tier" => node.tier = Some(map.next_value()?),
                "dataLocationConstraint" => node.data_location_constraint = Some(map.next_value()?),
                "policy" => {
                    node.inner = Some(Box::new(map.next_value_seed(NodeSeed { depth: self.depth + 1 })?));
                }
                // Read-only members (ARN, creation time, cost tier, tags, token): not needed.
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        self.check(&node).map_err(de::Error::custom)?;
        Ok(node)
    }
}

impl NodeSeed {
    /// What a complete object at this depth must hold.
    fn check(&self, node: &Node) -> Result<(), String> {
        let nested = node.inner.as_ref().is_some_and(|i| i.inner.is_some());
        match self.depth {
            0 if node.entries.is_empty() && node.inner.is_none() => Err(format!(
                "no targets found; allowed: the `policy` map ({TYPES}, each with rtoInSecs and rpoInSecs), a whole policy with `policy`, or describe-resiliency-policy output"
            )),
            0 if nested && node.fields.len() > 1 => Err(format!(
                "describe-resiliency-policy output holds only `policy`, but `{}` stands beside it",
                node.fields.iter().find(|f| **f != "policy").unwrap_or(&"?")
            )),
            1 if node.entries.is_empty() && node.inner.is_none() => {
                Err(format!("`policy` holds no disruption type; allowed: {TYPES}, each with rtoInSecs and rpoInSecs"))
            }
            1 if nested && node.inner.as_ref().is_some_and(|i| i.entries.is_empty()) => {
                Err(format!("`policy` holds no disruption type; allowed: {TYPES}"))
            }
            2 if node.entries.is_empty() => {
                Err(format!("`policy` holds no disruption type; allowed: {TYPES}, each with rtoInSecs and rpoInSecs"))
            }
            _ => Ok(()),
        }
    }
}

/// The message for a key that is neither a disruption type nor a policy field.
fn unknown_key(key: &str, depth: usize) -> String {
    let console = match key.to_ascii_lowercase().as_str() {
        "application" => " (the console's Application is the API's Software)",
        "infrastructure" => " (the console's Infrastructure is the API's Hardware)",
        "az" | "software" | "hardware" | "region" => " (the names are case-sensitive)",
        _ => "",
    };
    if depth >= 2 {
        format!("unknown disruption type `{key}`{console}; allowed: {TYPES}")
    } else {
        format!(
            "unknown key `{key}`{console}; allowed: the disruption types {TYPES}, or a policy's fields {}",
            FIELDS.join(", ")
        )
    }
}

/// A `FailurePolicy` as read: both members required, nothing else allowed.
struct Failure(FailurePolicy);

impl<'de> serde::Deserialize<'de> for Failure {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Failure, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Raw {
            #[serde(rename = "rpoInSecs")]
            rpo: Seconds<0>,
            #[serde(rename = "rtoInSecs")]
            rto: Seconds<1>,
        }
        let raw = Raw::deserialize(deserializer)?;
        Ok(Failure(FailurePolicy { rpo_secs: raw.rpo.0, rto_secs: raw.rto.0 }))
    }
}

/// Whole seconds from `MIN` to [`MAX_SECONDS`].
struct Seconds<const MIN: u64>(u64);

impl<'de, const MIN: u64> serde::Deserialize<'de> for Seconds<MIN> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Seconds<MIN>, D::Error> {
        deserializer.deserialize_any(SecondsVisitor::<MIN>)
    }
}

struct SecondsVisitor<const MIN: u64>;

impl<const MIN: u64> SecondsVisitor<MIN> {
    fn allowed() -> String {
        format!("allowed: a whole number of seconds from {MIN} to {MAX_SECONDS}")
    }
}

impl<const MIN: u64> Visitor<'_> for SecondsVisitor<MIN> {
    type Value = Seconds<MIN>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a whole number of seconds from {MIN} to {MAX_SECONDS}")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Seconds<MIN>, E> {
        if v > MAX_SECONDS {
            return Err(E::custom(format!("{v} is too large (the API's Integer); {}", Self::allowed())));
        }
        if v < MIN {
            // Only an RTO of 0 lands here.
            return Err(E::custom(format!(
                "an RTO of {v} s cannot be met (Resilience Hub marks it as breached, and drsim cannot judge it); {}",
                Self::allowed()
            )));
        }
        Ok(Seconds(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Seconds<MIN>, E> {
        match u64::try_from(v) {
            Ok(v) => self.visit_u64(v),
            Err(_) => Err(E::custom(format!("{v} is negative; {}", Self::allowed()))),
        }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Seconds<MIN>, E> {
        if v < 0.0 {
            return Err(E::custom(format!("{v} is negative; {}", Self::allowed())));
        }
        if v.fract() != 0.0 || !v.is_finite() {
            return Err(E::custom(format!("{v} is not a whole number of seconds; {}", Self::allowed())));
        }
        if v > MAX_SECONDS as f64 {
            return Err(E::custom(format!("{v} is too large (the API's Integer); {}", Self::allowed())));
        }
        self.visit_u64(v as u64)
    }
}

/// Something a conversion could not carry over, or an assumption it made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// True when an RTO or RPO of the source is changed or dropped.
    pub lossy: bool,
    /// What happened and why, in one sentence.
    pub message: String,
}

impl Notice {
    fn lossy(message: String) -> Notice {
        Notice { lossy: true, message }
    }
    fn note(message: String) -> Notice {
        Notice { lossy: false, message }
    }
}

/// `RTO 1h, RPO 5m`.
fn describe(t: RecoveryTargets) -> String {
    format!("RTO {:#}, RPO {:#}", t.rto, t.rpo)
}

/// A policy read into drsim targets.
#[derive(Clone, Debug)]
pub struct Imported {
    /// The policy as read (its name, tier and data location go into comments).
    pub policy: ResiliencyPolicy,
    /// The targets: per kind from the policy; model-wide the strictest of
    /// them (what a kind the policy does not name is judged by).
    pub targets: Targets,
    /// The disruption type each kind's targets come from; `None`: the policy
    /// names none, the model-wide targets apply.
    pub from: [Option<DisruptionType>; DisruptionKind::COUNT],
    /// What could not be carried over, and the assumptions made.
    pub notices: Vec<Notice>,
}

/// The drsim kind whose targets a disruption type's become, and back:
/// AZ is az, Region is region, Software is logical (data damage). Hardware
/// has no kind of its own (drsim simulates no single-host failure): it
/// stands in for az only when the policy has no AZ, and is written from az.
pub const KIND_OF: [(DisruptionType, DisruptionKind); 3] = [
    (DisruptionType::Az, DisruptionKind::Az),
    (DisruptionType::Region, DisruptionKind::Region),
    (DisruptionType::Software, DisruptionKind::Logical),
];

/// Turns a policy into drsim targets, judged with `confidence` (a policy has
/// none).
pub fn import(policy: &ResiliencyPolicy, confidence: Probability) -> Imported {
    let mut notices = Vec::new();
    let mut per_kind: [Option<RecoveryTargets>; DisruptionKind::COUNT] = [None; DisruptionKind::COUNT];
    let mut from = [None; DisruptionKind::COUNT];
    for (t, kind) in KIND_OF {
        if let Some(p) = policy.policy.get(&t) {
            per_kind[kind.index()] = Some(p.targets());
            from[kind.index()] = Some(t);
        }
    }
    if let Some(hardware) = policy.policy.get(&DisruptionType::Hardware).map(|p| p.targets()) {
        match per_kind[DisruptionKind::Az.index()] {
            None => {
                per_kind[DisruptionKind::Az.index()] = Some(hardware);
                from[DisruptionKind::Az.index()] = Some(DisruptionType::Hardware);
                notices.push(Notice::note(format!(
                    "the policy has no AZ: az takes Hardware's targets ({}), as an AZ loss is the smallest infrastructure failure drsim simulates",
                    describe(hardware)
                )));
            }
            Some(az) if az == hardware => notices.push(Notice::note(
                "Hardware has the same targets as AZ: drsim simulates no single-host failure, so its az targets stand for both"
                    .to_string(),
            )),
            Some(az) => notices.push(Notice::lossy(format!(
                "Hardware ({}) is not imported: drsim simulates no single-host failure, and its az kind takes AZ's targets ({})",
                describe(hardware),
                describe(az)
            ))),
        }
    }
    if policy.policy.contains_key(&DisruptionType::Software) {
        notices.push(Notice::note(
            "Software is judged as drsim's logical kind: data damage (corruption, ransomware, a bad deploy) that only a backup from before it repairs; software failures that damage no data (drsim's application kind) are judged by the model-wide targets unless the model adds [targets.application]"
                .to_string(),
        ));
    }
    let present: Vec<RecoveryTargets> = per_kind.iter().flatten().copied().collect();
    // A parsed policy names at least one type, so at least one kind is set.
    let strictest = RecoveryTargets {
        rto: present.iter().map(|t| t.rto).reduce(Duration::min).unwrap_or(Duration::HOUR),
        rpo: present.iter().map(|t| t.rpo).reduce(Duration::min).unwrap_or(Duration::ZERO),
    };
    for (t, kind) in KIND_OF {
        if per_kind[kind.index()].is_none() {
            notices.push(Notice::note(format!(
                "the policy sets no {t} targets: {kind} incidents are judged by the model-wide targets ({}), the strictest of the policy's",
                describe(strictest)
            )));
        }
    }
    notices.push(Notice::note(format!(
        "a resiliency policy has no confidence: {} is the share of incidents of each kind that must meet the targets",
        confidence.get()
    )));
    let labels: Vec<String> = [
        policy.tier.map(|t| format!("tier {t}")),
        policy.data_location_constraint.map(|d| format!("data location {d}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !labels.is_empty() {
        let verb = if labels.len() == 1 { "has" } else { "have" };
        notices.push(Notice::note(format!("{} {verb} no drsim counterpart: kept as comments", labels.join(" and "))));
    }
    let targets = Targets {
        rpo: strictest.rpo,
        rto: strictest.rto,
        confidence,
        per_kind: per_kind.map(|t| t.unwrap_or(strictest)),
    };
    Imported { policy: policy.clone(), targets, from, notices }
}

/// The labels of a policy that drsim writes but does not model.
#[derive(Clone, Debug)]
pub struct ExportOptions {
    /// `policyName`; must match the API's pattern (see [`policy_name_from`]).
    pub name: String,
    /// `tier`.
    pub tier: Tier,
    /// `policyDescription`, at most 500 characters.
    pub description: Option<String>,
    /// `dataLocationConstraint`.
    pub data_location: Option<DataLocation>,
}

/// Why targets cannot be written as a policy.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ExportError {
    /// A name the API would refuse.
    #[error(
        "policy name \"{0}\" is not allowed; allowed: 2 to 60 letters, digits, '-' and '_', starting with a letter or digit"
    )]
    Name(String),
    /// A description over the API's 500 characters.
    #[error("the policy description has {0} characters; allowed: at most 500")]
    Description(usize),
    /// A target a policy cannot hold.
    #[error("[targets] {kind} {what} {value:#}: {why}")]
    Target {
        /// The kind.
        kind: DisruptionKind,
        /// `RTO` or `RPO`.
        what: &'static str,
        /// The value.
        value: Duration,
        /// Why it cannot be written, and what is allowed.
        why: String,
    },
}

/// A policy written from drsim targets.
#[derive(Clone, Debug)]
pub struct Exported {
    /// The policy.
    pub policy: ResiliencyPolicy,
    /// What could not be carried over, and the assumptions made.
    pub notices: Vec<Notice>,
}

/// Whether a name matches the API's `EntityName` pattern
/// `^[A-Za-z0-9][A-Za-z0-9_\-]{1,59}$`.
pub fn valid_policy_name(name: &str) -> bool {
    let ok = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    (2..=60).contains(&name.len()) && name.starts_with(|c: char| c.is_ascii_alphanumeric()) && name.chars().all(ok)
}

/// A valid policy name made from a workload name: every other character
/// becomes `-`, cut to 60, padded to 2 (`SecureCart` stays `SecureCart`,
/// `Small shop` becomes `Small-shop`).
pub fn policy_name_from(workload: &str) -> String {
    let mut name: String = workload
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '-' })
        .skip_while(|c| !c.is_ascii_alphanumeric())
        .take(60)
        .collect();
    while name.len() < 2 {
        name.push_str(if name.is_empty() { "drsim" } else { "-policy" });
        name.truncate(60);
    }
    name
}

/// Whole seconds of a target; sub-second parts are cut (the policy is then
/// no looser than the model) and reported.
fn whole_seconds(
    kind: DisruptionKind,
    what: &'static str,
    value: Duration,
    min: u64,
    notices: &mut Vec<Notice>,
) -> Result<u64, ExportError> {
    let secs = value.secs();
    let error = |why: String| ExportError::Target { kind, what, value, why };
    if secs > MAX_SECONDS as f64 {
        return Err(error(format!("a policy holds at most {MAX_SECONDS} s (68 years)")));
    }
    let whole = secs.floor() as u64;
    if whole < min {
        return Err(error(format!(
            "a policy counts whole seconds and an RTO of 0 s cannot be met; allowed: {min} s or more"
        )));
    }
    if (whole as f64) < secs {
        notices.push(Notice::lossy(format!(
            "{kind} {what} {value:#} is written as {whole} s: a policy counts whole seconds (cut, so it is no looser than the model)"
        )));
    }
    Ok(whole)
}

/// Writes drsim targets as a policy: AZ and Hardware from az, Region from
/// region, Software from logical.
///
/// # Errors
/// [`ExportError`] for a name or description the API would refuse, or a
/// target over [`MAX_SECONDS`] or an RTO under 1 s.
pub fn export(targets: &Targets, options: &ExportOptions) -> Result<Exported, ExportError> {
    if !valid_policy_name(&options.name) {
        return Err(ExportError::Name(options.name.clone()));
    }
    if let Some(d) = &options.description {
        let n = d.chars().count();
        if n > 500 {
            return Err(ExportError::Description(n));
        }
    }
    let mut notices = Vec::new();
    let mut map = BTreeMap::new();
    for (t, kind) in KIND_OF {
        let k = targets.for_kind(kind);
        let rto_secs = whole_seconds(kind, "RTO", k.rto, 1, &mut notices)?;
        let rpo_secs = whole_seconds(kind, "RPO", k.rpo, 0, &mut notices)?;
        map.insert(t, FailurePolicy { rto_secs, rpo_secs });
    }
    let az = map[&DisruptionType::Az];
    map.insert(DisruptionType::Hardware, az);
    notices.push(Notice::note(
        "Hardware takes az's targets: drsim simulates no single-host failure, and an AZ loss is the smallest infrastructure failure it judges"
            .to_string(),
    ));
    notices.push(Notice::note(
        "Software takes logical's targets: drsim's logical kind is data damage (corruption, ransomware, a bad deploy)"
            .to_string(),
    ));
    let (application, logical) =
        (targets.for_kind(DisruptionKind::Application), targets.for_kind(DisruptionKind::Logical));
    if application != logical {
        notices.push(Notice::lossy(format!(
            "application ({}) is not written: a policy has one Software type, which takes logical's targets ({})",
            describe(application),
            describe(logical)
        )));
    }
    notices.push(Notice::note(format!(
        "confidence {} is not written: a resiliency policy has no confidence",
        targets.confidence.get()
    )));
    let policy = ResiliencyPolicy {
        policy_name: Some(options.name.clone()),
        policy_description: options.description.clone(),
        tier: Some(options.tier),
        data_location_constraint: options.data_location,
        policy: map,
    };
    Ok(Exported { policy, notices })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<ResiliencyPolicy, String> {
        parse(text, Path::new("p.json")).map_err(|e| e.to_string())
    }

    const MAP: &str = r#"{"Software": {"rpoInSecs": 300, "rtoInSecs": 3600},
 "Hardware": {"rpoInSecs": 0, "rtoInSecs": 600},
 "AZ": {"rpoInSecs": 0, "rtoInSecs": 600},
 "Region": {"rpoInSecs": 3600, "rtoInSecs": 14400}}"#;

    #[test]
    fn the_three_shapes_give_the_same_targets() {
        let bare = parse_str(MAP).unwrap();
        assert_eq!(bare.policy.len(), 4);
        assert_eq!(bare.policy[&DisruptionType::Region], FailurePolicy { rpo_secs: 3600, rto_secs: 14400 });
        let whole = parse_str(&format!(r#"{{"policyName": "p1", "tier": "Critical", "policy": {MAP}}}"#)).unwrap();
        assert_eq!(whole.policy, bare.policy);
        assert_eq!(whole.tier, Some(Tier::Critical));
        assert_eq!(whole.policy_name.as_deref(), Some("p1"));
        let described = parse_str(&format!(
            r#"{{"policy": {{"policyArn": "arn:aws:resiliencehub:us-east-1:123456789012:resiliency-policy/x",
               "policyName": "p2", "tier": "MissionCritical", "dataLocationConstraint": "SameCountry",
               "estimatedCostTier": "L3", "creationTime": 1700000000.0, "tags": {{"team": "a"}}, "policy": {MAP}}}}}"#
        ))
        .unwrap();
        assert_eq!(described.policy, bare.policy);
        assert_eq!(described.tier, Some(Tier::MissionCritical));
        assert_eq!(described.data_location_constraint, Some(DataLocation::SameCountry));
    }

    #[test]
    fn errors_name_line_column_key_and_what_is_allowed() {
        let e = parse_str("{\n \"AZ\": {\"rpoInSecs\": 0, \"rtoInSecs\": -5}\n}").unwrap_err();
        assert!(e.starts_with("p.json:2:"), "{e}");
        assert!(e.contains("AZ.rtoInSecs: -5 is negative; allowed: a whole number of seconds from 1"), "{e}");
        let e = parse_str("{\"Application\": {\"rpoInSecs\": 0, \"rtoInSecs\": 5}}").unwrap_err();
        assert!(e.contains("unknown key `Application` (the console's Application is the API's Software)"), "{e}");
        let e = parse_str("{\"policy\": {\"policy\": {\"Zone\": {}}}}").unwrap_err();
        assert!(e.contains("policy.policy: unknown disruption type `Zone`"), "{e}");
        let e = parse_str("{\"AZ\": {\"rpoInSecs\": 0}}").unwrap_err();
        assert!(e.contains("AZ: missing field `rtoInSecs`"), "{e}");
        let e = parse_str("{\"AZ\": {\"rpoInSecs\": 0, \"rtoInSecs\": 0}}").unwrap_err();
        assert!(e.contains("AZ.rtoInSecs: an RTO of 0 s cannot be met"), "{e}");
        let e = parse_str("{\"AZ\": {\"rpoInSecs\": 1.5, \"rtoInSecs\": 60}}").unwrap_err();
        assert!(e.contains("AZ.rpoInSecs: 1.5 is not a whole number"), "{e}");
        let e = parse_str("{\"AZ\": {\"rpoInSecs\": 3000000000, \"rtoInSecs\": 60}}").unwrap_err();
        assert!(e.contains("is too large"), "{e}");
        let e = parse_str("{\"tier\": \"Gold\", \"policy\": {}}").unwrap_err();
        assert!(e.contains("tier: unknown value \"Gold\"; allowed: MissionCritical, Critical"), "{e}");
        let e = parse_str("{\"policyName\": \"x\"}").unwrap_err();
        assert!(e.contains("no targets found"), "{e}");
        let e = parse_str("{\"policyName\": \"x\", \"AZ\": {\"rpoInSecs\": 0, \"rtoInSecs\": 60}}").unwrap_err();
        assert!(e.contains("go inside `policy`"), "{e}");
        let e = parse_str("{\"AZ\": {\"rpoInSecs\": 0, \"rtoInSecs\": 60},\n \"AZ\": {}}").unwrap_err();
        assert!(e.contains("`AZ` is given twice"), "{e}");
        let e = parse_str("{\"AZ\": {\"rpoInSecs\": 0, \"rtoInSecs\": 60}").unwrap_err();
        assert!(e.starts_with("p.json:1:"), "{e}");
        let e = parse_str("{\"AZ\": {\"rpoInSecs\": 0, \"rtoInSecs\": 60}} x").unwrap_err();
        assert!(e.contains("trailing characters"), "{e}");
        let e = parse_str("[]").unwrap_err();
        assert!(e.contains("expected a JSON object"), "{e}");
    }

    #[test]
    fn import_maps_types_to_kinds_and_says_what_it_drops() {
        let mut policy = parse_str(MAP).unwrap();
        let imported = import(&policy, Probability::new(0.99).unwrap());
        let t = imported.targets;
        assert_eq!(t.for_kind(DisruptionKind::Az).rto, Duration::from_secs(600.0));
        assert_eq!(t.for_kind(DisruptionKind::Region).rto, Duration::from_secs(14400.0));
        assert_eq!(t.for_kind(DisruptionKind::Logical).rpo, Duration::from_secs(300.0));
        assert_eq!((t.rto, t.rpo), (Duration::from_secs(600.0), Duration::ZERO));
        assert!(imported.notices.iter().all(|n| !n.lossy), "{:?}", imported.notices);
        // Hardware stricter than AZ cannot be expressed: reported as lossy.
        policy.policy.insert(DisruptionType::Hardware, FailurePolicy { rpo_secs: 0, rto_secs: 60 });
        let imported = import(&policy, Probability::new(0.99).unwrap());
        let lossy: Vec<&Notice> = imported.notices.iter().filter(|n| n.lossy).collect();
        assert_eq!(lossy.len(), 1);
        assert!(lossy[0].message.starts_with("Hardware (RTO 1m, RPO 0s) is not imported"), "{}", lossy[0].message);
        // No Region: region is judged by the strictest targets, and says so.
        policy.policy.remove(&DisruptionType::Region);
        let imported = import(&policy, Probability::new(0.99).unwrap());
        assert_eq!(imported.from[DisruptionKind::Region.index()], None);
        assert!(imported.notices.iter().any(|n| n.message.starts_with("the policy sets no Region targets")));
    }

    #[test]
    fn export_then_import_gives_the_same_targets() {
        let confidence = Probability::new(0.95).unwrap();
        let r = |rto: f64, rpo: f64| RecoveryTargets { rto: Duration::from_secs(rto), rpo: Duration::from_secs(rpo) };
        let targets = Targets {
            rto: Duration::from_secs(1800.0),
            rpo: Duration::from_secs(60.0),
            confidence,
            per_kind: [r(1800.0, 60.0), r(14400.0, 3600.0), r(1800.0, 60.0), r(1800.0, 60.0)],
        };
        let options =
            ExportOptions { name: "SecureCart".into(), tier: Tier::Critical, description: None, data_location: None };
        let exported = export(&targets, &options).unwrap();
        assert!(exported.notices.iter().all(|n| !n.lossy));
        let json = serde_json::to_string(&exported.policy).unwrap();
        let back = import(&parse_str(&json).unwrap(), confidence);
        assert_eq!(back.targets.per_kind, targets.per_kind);
        assert!(back.notices.iter().all(|n| !n.lossy), "{:?}", back.notices);
        // Sub-second targets are cut and reported; an RTO under 1 s is refused.
        let mut fine = targets;
        fine.per_kind[0].rto = Duration::from_secs(90.5);
        let exported = export(&fine, &options).unwrap();
        assert_eq!(exported.policy.policy[&DisruptionType::Az].rto_secs, 90);
        assert!(exported.notices.iter().any(|n| n.lossy && n.message.contains("az RTO 1m 30.5s is written as 90 s")));
        fine.per_kind[0].rto = Duration::from_secs(0.5);
        assert!(matches!(export(&fine, &options), Err(ExportError::Target { what: "RTO", .. })));
    }

    #[test]
    fn policy_names_follow_the_api_pattern() {
        assert!(valid_policy_name("SecureCart"));
        assert!(!valid_policy_name("x"));
        assert!(!valid_policy_name("-x"));
        assert!(!valid_policy_name("a b"));
        assert_eq!(policy_name_from("Small shop (single region)"), "Small-shop--single-region-");
        assert_eq!(policy_name_from("  é"), "drsim");
        assert_eq!(policy_name_from("a"), "a-policy");
        assert!(valid_policy_name(&policy_name_from(&"x".repeat(100))));
    }
}
