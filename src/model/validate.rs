//! Turns a [`RawModel`] into a [`Model`], checking every rule once and
//! collecting every problem (not just the first) with its key path.

use std::collections::HashSet;
use std::path::Path;

use super::check::Check;
use super::limits::{self, MAX_NUMBER, MAX_STRATEGIES, shown};
use super::raw::{RawBackup, RawFailure, RawModel, RawRestore, RawSteps, RawStrategy};
use super::span::{KeyPath, line_column};
use super::*;

/// Parses TOML text into a validated model.
pub(super) fn parse_and_validate(text: &str, path: &Path) -> Result<Model, ModelError> {
    let problem_at = |offset: Option<usize>, key: String, message: String| {
        let (line, column) = offset.map_or((1, 1), |o| line_column(text, o));
        Problem { path: path.to_path_buf(), line, column, key, message }
    };
    let raw: RawModel = toml::from_str(text).map_err(|e| {
        let offset = e.span().map(|s| s.start);
        // Malformed TOML has no document to find a key in; a type, unknown-key
        // or missing-key error names the key its position falls in.
        let key = offset
            .and_then(|o| {
                toml_edit::Document::parse(text)
                    .ok()
                    .and_then(|d| KeyPath::at_offset(&d, o))
                    .or_else(|| super::span::header_at(text, o))
            })
            .map_or_else(String::new, |k| k.to_string());
        ModelError::Invalid {
            problems: vec![{
                let message = super::words::rewrite(e.message(), &key);
                problem_at(offset, key, message)
            }],
        }
    })?;
    let base_dir = path.parent().unwrap_or(Path::new("."));
    let mut v = Validator { base_dir, problems: Vec::new() };
    let model = v.model(raw, path, text);
    if v.problems.is_empty() {
        if let Some(model) = model {
            v.problems = super::limits::check(&model);
            if v.problems.is_empty() {
                return Ok(model);
            }
        }
    }
    let doc = toml_edit::Document::parse(text).ok();
    let problems = v
        .problems
        .into_iter()
        .map(|(key, message)| {
            let offset = doc.as_ref().and_then(|d| key.locate(d)).map(|r| r.start);
            problem_at(offset, key.to_string(), message)
        })
        .collect();
    Err(ModelError::Invalid { problems })
}

/// Most AZs a region may have: AWS regions have 2-6; 26 (letters a-z) bounds
/// the per-AZ state a trial keeps.
pub const MAX_AZS: u32 = 26;

/// Highest failure rate: 8,760 a year is one every hour. A failure mode more
/// frequent than that is not a DR question, and the bound keeps the events of
/// a trial (at most rate x horizon per component) finite for outages of zero length.
pub const MAX_RATE_PER_YEAR: f64 = 8760.0;

/// The shortest backup interval a model may give: backup jobs are modelled
/// one by one, so a sub-second interval would make one incident's search for
/// a usable copy take millions of steps (shared/cases/hardening.md K2), and
/// no backup service schedules jobs that often.
pub const MIN_BACKUP_INTERVAL: Duration = Duration::SECOND;

struct Validator<'a> {
    base_dir: &'a Path,
    problems: Vec<(KeyPath, String)>,
}

/// Stable 64-bit FNV-1a hash of a name: keys a strategy's random stream by its
/// name, so reordering or adding strategies changes no other stream.
pub(crate) fn name_id(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

impl Validator<'_> {
    fn problem(&mut self, at: KeyPath, message: impl Into<String>) {
        self.problems.push((at, message.into()));
    }

    fn dist(&mut self, at: KeyPath, spec: &DistSpec, unit: Unit) -> Option<Dist> {
        match Dist::compile(spec, unit, self.base_dir) {
            Ok(d) => Some(d),
            Err(e) => {
                let at = match &e.key {
                    Some(k) => at.key(k),
                    None => at,
                };
                self.problem(at, e.message);
                None
            }
        }
    }

    fn required_dist(&mut self, at: KeyPath, spec: Option<&DistSpec>, unit: Unit, what: &str) -> Option<Dist> {
        match spec {
            Some(spec) => self.dist(at, spec, unit),
            None => {
                self.problem(at, format!("missing: {what} is required here"));
                None
            }
        }
    }

    fn probability(&mut self, at: KeyPath, value: f64) -> Option<Probability> {
        let p = Probability::new(value);
        if p.is_none() {
            self.problem(at, format!("{value} is not a probability; allowed: a number from 0 to 1"));
        }
        p
    }

    fn positive(&mut self, at: KeyPath, value: f64, unit: &str) -> Option<f64> {
        if value > 0.0 && value <= MAX_NUMBER {
            Some(value)
        } else {
            let v = shown(value);
            self.problem(
                at,
                format!("{v} is not allowed; allowed: a positive number of {unit}, at most {MAX_NUMBER:e}"),
            );
            None
        }
    }

    fn non_negative(&mut self, at: KeyPath, value: f64, unit: &str) -> Option<f64> {
        if (0.0..=MAX_NUMBER).contains(&value) {
            Some(value)
        } else {
            let v = shown(value);
            self.problem(
                at,
                format!("{v} is not allowed; allowed: zero or a positive number of {unit}, at most {MAX_NUMBER:e}"),
            );
            None
        }
    }

    /// Checks a duration key against the longest duration a model may give.
    fn duration(&mut self, at: KeyPath, d: Duration) {
        if let Some(message) = limits::duration_problem(d) {
            self.problem(at, message);
        }
    }

    fn model(&mut self, raw: RawModel, path: &Path, text: &str) -> Option<Model> {
        let root = KeyPath::root();
        let workload = self.workload(&raw, &root);
        let targets = self.targets(&raw, &root);
        let topology = self.topology(&raw, &root);
        let failures = match &topology {
            Some(t) => self.failures(&raw.failure, t, &root),
            None => None,
        };
        let strategies = match &topology {
            Some(t) => self.strategies(&raw, t, &root),
            None => None,
        };
        let costs = super::costs::costs(self, raw.costs.as_ref());
        let loss_tolerance = self.loss_tolerance(&raw.targets.loss_tolerance, &root.key("targets"));
        let maintenance = match &raw.maintenance {
            Some(m) => super::kinds::maintenance(self, m, MAX_RATE_PER_YEAR).map(Some),
            None => Some(None),
        };
        let uncertain = self.uncertain(raw.uncertain.as_ref(), &root);
        let source = Source { path: path.to_path_buf(), sha256: crate::provenance::sha256_hex(text.as_bytes()) };
        Some(Model {
            source,
            workload: workload?,
            targets: targets?,
            topology: topology?,
            failures: failures?,
            maintenance: maintenance?,
            strategies: strategies?,
            costs: costs?,
            loss_tolerance: loss_tolerance?,
            uncertain,
        })
    }

    /// `[targets] loss_tolerance`: amounts increasing, chances strictly between 0 and 1 and
    /// not increasing (a larger loss cannot be more acceptable), at most 20 points.
    fn loss_tolerance(
        &mut self,
        raw: &[super::raw::RawTolerancePoint],
        at: &KeyPath,
    ) -> Option<Vec<super::TolerancePoint>> {
        let at = at.key("loss_tolerance");
        if raw.len() > 20 {
            self.problem(at, format!("{} points; allowed: at most 20", raw.len()));
            return None;
        }
        let mut out: Vec<super::TolerancePoint> = Vec::new();
        let mut ok = true;
        for (i, p) in raw.iter().enumerate() {
            let here = at.index(i);
            let usd = self.positive(here.key("usd"), p.usd, "USD");
            let probability = if p.probability > 0.0 && p.probability < 1.0 {
                Some(p.probability)
            } else {
                self.problem(
                    here.key("probability"),
                    format!(
                        "{} is not allowed; allowed: a chance strictly between 0 and 1, e.g. 0.01 for once in 100 years",
                        shown(p.probability)
                    ),
                );
                None
            };
            let (Some(usd), Some(probability)) = (usd, probability) else {
                ok = false;
                continue;
            };
            if let Some(last) = out.last() {
                if usd <= last.usd {
                    self.problem(
                        here.key("usd"),
                        format!(
                            "{} is not above the previous point's {}; allowed: amounts in increasing order",
                            shown(usd),
                            shown(last.usd)
                        ),
                    );
                    ok = false;
                } else if probability > last.probability {
                    self.problem(
                        here.key("probability"),
                        format!(
                            "{} is above the previous point's {}; allowed: chances that do not increase with the amount",
                            shown(probability),
                            shown(last.probability)
                        ),
                    );
                    ok = false;
                }
            }
            out.push(super::TolerancePoint { usd, probability });
        }
        ok.then_some(out)
    }

    /// `[uncertain]`: every entry read, sorted by path (the order the outer loop draws them in).
    fn uncertain(&mut self, raw: Option<&toml::Table>, root: &KeyPath) -> Vec<super::uncertain::Uncertain> {
        let Some(table) = raw else { return Vec::new() };
        let at = root.key("uncertain");
        if table.len() > super::uncertain::MAX_UNCERTAIN {
            self.problem(
                at.clone(),
                format!("{} uncertain inputs; allowed: at most {}", table.len(), super::uncertain::MAX_UNCERTAIN),
            );
        }
        let mut out = Vec::new();
        for (path, value) in table {
            match super::uncertain::entry(path, value, self.base_dir) {
                Ok(u) => out.push(u),
                Err((key, message)) => {
                    let here = at.key(path);
                    self.problem(key.map_or_else(|| here.clone(), |k| here.key(&k)), message);
                }
            }
        }
        out.sort_by(|a, b| a.path.cmp(&b.path));
        out
    }

    fn workload(&mut self, raw: &RawModel, root: &KeyPath) -> Option<Workload> {
        let at = root.key("workload");
        let w = &raw.workload;
        let revenue = self.non_negative(at.key("revenue_per_hour"), w.revenue_per_hour, "USD per hour");
        let orders = self.non_negative(at.key("orders_per_hour"), w.orders_per_hour, "orders per hour");
        let dataset = self.positive(at.key("dataset_gb"), w.dataset_gb, "GB");
        let change = self.non_negative(at.key("change_rate_gb_per_hour"), w.change_rate_gb_per_hour, "GB per hour");
        let order_value = match w.average_order_value {
            Some(v) => self.non_negative(at.key("average_order_value"), v, "USD"),
            None => match (revenue, orders) {
                (Some(r), Some(o)) if o > 0.0 => Some(r / o),
                (Some(_), Some(_)) => Some(0.0),
                _ => None,
            },
        };
        let load_profile = super::profile::load_profile(self, &at, w.load_profile.as_ref());
        if w.name.trim().is_empty() {
            self.problem(at.key("name"), "the workload needs a name");
        }
        Some(Workload {
            name: w.name.clone(),
            revenue_per_hour: revenue?,
            orders_per_hour: orders?,
            average_order_value: order_value?,
            dataset_gb: dataset?,
            change_rate_gb_per_hour: change?,
            load_profile: load_profile?,
        })
    }

    fn targets(&mut self, raw: &RawModel, root: &KeyPath) -> Option<Targets> {
        let at = root.key("targets");
        let t = &raw.targets;
        if t.rto <= Duration::ZERO {
            self.problem(at.key("rto"), "the RTO target must be longer than 0s");
        }
        self.duration(at.key("rto"), t.rto);
        self.duration(at.key("rpo"), t.rpo);
        for (kind, over) in
            [("az", &t.az), ("region", &t.region), ("logical", &t.logical), ("application", &t.application)]
        {
            if let Some(o) = over {
                for (key, d) in [("rto", o.rto), ("rpo", o.rpo)] {
                    if let Some(d) = d {
                        self.duration(at.key(kind).key(key), d);
                    }
                }
            }
        }
        let confidence = self.probability(at.key("confidence"), t.confidence)?;
        if confidence.get() <= 0.0 || confidence.get() >= 1.0 {
            self.problem(
                at.key("confidence"),
                format!("{} cannot be judged; allowed: a share strictly between 0 and 1, e.g. 0.99", t.confidence),
            );
            return None;
        }
        let mut per_kind = [RecoveryTargets { rto: t.rto, rpo: t.rpo }; DisruptionKind::COUNT];
        for (kind, over) in [
            (DisruptionKind::Az, &t.az),
            (DisruptionKind::Region, &t.region),
            (DisruptionKind::Logical, &t.logical),
            (DisruptionKind::Application, &t.application),
        ] {
            if let Some(o) = over {
                per_kind[kind.index()] = RecoveryTargets { rto: o.rto.unwrap_or(t.rto), rpo: o.rpo.unwrap_or(t.rpo) };
                if o.rto == Some(Duration::ZERO) {
                    self.problem(at.key(kind.name()).key("rto"), "the RTO target must be longer than 0s");
                }
            }
        }
        Some(Targets { rpo: t.rpo, rto: t.rto, confidence, per_kind })
    }

    fn topology(&mut self, raw: &RawModel, root: &KeyPath) -> Option<Topology> {
        let at = root.key("topology");
        let t = &raw.topology;
        let mut regions = Vec::new();
        let mut seen = HashSet::new();
        for (i, r) in t.region.iter().enumerate() {
            if !seen.insert(r.name.clone()) {
                self.problem(at.key("region").index(i).key("name"), format!("region \"{}\" is listed twice", r.name));
            }
            if r.azs == 0 || r.azs > MAX_AZS {
                self.problem(
                    at.key("region").index(i).key("azs"),
                    format!("{} AZs; allowed: 1 to {MAX_AZS} AZs per region", r.azs),
                );
            }
            regions.push(Region { name: r.name.clone(), azs: r.azs });
        }
        if regions.is_empty() {
            self.problem(at, "no regions: add at least one [[topology.region]]");
            return None;
        }
        let Some(primary) = regions.iter().position(|r| r.name == t.primary) else {
            let names: Vec<&str> = regions.iter().map(|r| r.name.as_str()).collect();
            self.problem(
                at.key("primary"),
                format!("primary region \"{}\" is not a listed region; allowed: {}", t.primary, names.join(", ")),
            );
            return None;
        };
        Some(Topology { regions, primary })
    }

    fn failures(&mut self, raw: &[RawFailure], topology: &Topology, root: &KeyPath) -> Option<Vec<FailureMode>> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        let mut ok = true;
        for (i, f) in raw.iter().enumerate() {
            let at = root.key("failure").index(i);
            match self.failure(&at, f, topology) {
                Some(mode) => {
                    if !seen.insert(mode.kind) {
                        self.problem(
                            at.key("kind"),
                            format!("a second \"{}\" failure mode; give each kind once", mode.kind),
                        );
                        ok = false;
                    }
                    out.push(mode);
                }
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn failure(&mut self, at: &KeyPath, f: &RawFailure, topology: &Topology) -> Option<FailureMode> {
        let Some(kind) = DisruptionKind::parse(&f.kind) else {
            self.problem(
                at.key("kind"),
                super::words::unknown_value("failure kind", &f.kind, &["az", "region", "logical", "application"]),
            );
            return None;
        };
        let arrivals = super::kinds::arrivals(self, at, f, MAX_RATE_PER_YEAR);
        let common_mode = super::kinds::common_mode(self, at, f, kind);
        let forbid = |v: &mut Self, present: bool, key: &str, allowed: &str| {
            if present {
                v.problem(
                    at.key(key),
                    format!("`{key}` does not apply to a \"{kind}\" failure; allowed keys: {allowed}"),
                );
            }
        };
        let allowed = match kind {
            DisruptionKind::Region => {
                "kind, rate_per_year, uptime, duration, regions, control_plane_probability, destroy_probability, \
                 common_mode_probability, load_share, lead_in"
            }
            DisruptionKind::Az => {
                "kind, rate_per_year, uptime, duration, regions, destroy_probability, load_share, lead_in"
            }
            DisruptionKind::Logical => {
                "kind, rate_per_year, uptime, detection_delay, ransomware_share, \
                 ransomware_destroys_mutable_backups, account_deletion_share, provider_deletion_share, \
                 affected_share, affected_tenants"
            }
            DisruptionKind::Application => super::kinds::APPLICATION_KEYS,
        };
        if kind != DisruptionKind::Region {
            forbid(self, f.common_mode_probability.is_some(), "common_mode_probability", allowed);
        }
        if kind != DisruptionKind::Application {
            forbid(self, f.hosts.is_some(), "hosts", allowed);
            forbid(self, f.parallelism.is_some(), "parallelism", allowed);
            forbid(self, f.per_host.is_some(), "per_host", allowed);
            forbid(self, f.data_loss.is_some(), "data_loss", allowed);
        }
        let detail = match kind {
            DisruptionKind::Az | DisruptionKind::Region => {
                forbid(self, f.account_deletion_share.is_some(), "account_deletion_share", allowed);
                forbid(self, f.provider_deletion_share.is_some(), "provider_deletion_share", allowed);
                forbid(self, f.detection_delay.is_some(), "detection_delay", allowed);
                forbid(self, f.ransomware_share.is_some(), "ransomware_share", allowed);
                forbid(
                    self,
                    f.ransomware_destroys_mutable_backups.is_some(),
                    "ransomware_destroys_mutable_backups",
                    allowed,
                );
                if kind == DisruptionKind::Az {
                    forbid(self, f.control_plane_probability.is_some(), "control_plane_probability", allowed);
                }
                let duration = self.required_dist(
                    at.key("duration"),
                    f.duration.as_ref(),
                    Unit::Duration,
                    "the outage `duration`",
                );
                let cp =
                    self.probability(at.key("control_plane_probability"), f.control_plane_probability.unwrap_or(0.0));
                let destroy = self.probability(at.key("destroy_probability"), f.destroy_probability.unwrap_or(0.0));
                FailureDetail::Outage {
                    duration: duration?,
                    control_plane_probability: cp?,
                    destroy_probability: destroy?,
                }
            }
            DisruptionKind::Application => {
                for (present, key) in [
                    (f.detection_delay.is_some(), "detection_delay"),
                    (f.ransomware_share.is_some(), "ransomware_share"),
                    (f.ransomware_destroys_mutable_backups.is_some(), "ransomware_destroys_mutable_backups"),
                    (f.account_deletion_share.is_some(), "account_deletion_share"),
                    (f.provider_deletion_share.is_some(), "provider_deletion_share"),
                    (f.destroy_probability.is_some(), "destroy_probability"),
                    (f.control_plane_probability.is_some(), "control_plane_probability"),
                    (f.regions.is_some(), "regions"),
                ] {
                    forbid(self, present, key, allowed);
                }
                FailureDetail::Application(super::kinds::remediation(self, at, f)?)
            }
            DisruptionKind::Logical => {
                forbid(self, f.duration.is_some(), "duration", allowed);
                forbid(self, f.destroy_probability.is_some(), "destroy_probability", allowed);
                forbid(self, f.regions.is_some(), "regions", allowed);
                forbid(self, f.control_plane_probability.is_some(), "control_plane_probability", allowed);
                let delay = self.required_dist(
                    at.key("detection_delay"),
                    f.detection_delay.as_ref(),
                    Unit::Duration,
                    "`detection_delay` (time until the damage is noticed)",
                );
                let share = self.probability(at.key("ransomware_share"), f.ransomware_share.unwrap_or(0.0));
                let destroys = self.probability(
                    at.key("ransomware_destroys_mutable_backups"),
                    f.ransomware_destroys_mutable_backups.unwrap_or(0.0),
                );
                let account =
                    self.probability(at.key("account_deletion_share"), f.account_deletion_share.unwrap_or(0.0));
                let provider =
                    self.probability(at.key("provider_deletion_share"), f.provider_deletion_share.unwrap_or(0.0));
                if let (Some(a), Some(p)) = (account, provider) {
                    if a.get() + p.get() > 1.0 {
                        self.problem(
                            at.key("provider_deletion_share"),
                            format!(
                                "account_deletion_share ({}) and provider_deletion_share ({}) add up to more than 1; \
                                 allowed: shares of the same incidents summing to at most 1",
                                a.get(),
                                p.get()
                            ),
                        );
                    }
                }
                FailureDetail::Logical {
                    detection_delay: delay?,
                    ransomware_share: share?,
                    destroys_mutable_backups: destroys?,
                    account_deletion_share: account?,
                    provider_deletion_share: provider?,
                }
            }
        };
        let regions = match &f.regions {
            None => Some((0..topology.regions.len()).collect()),
            Some(names) => {
                let mut ids = Vec::new();
                for (i, name) in names.iter().enumerate() {
                    match topology.region_id(name) {
                        Some(id) => ids.push(id),
                        None => {
                            self.problem(at.key("regions").index(i), format!("region \"{name}\" is not in [topology]"))
                        }
                    }
                }
                (ids.len() == names.len()).then_some(ids)
            }
        };
        let shape = super::shapes::incident_shape(self, at, f, kind);
        let (rate_per_year, uptime) = arrivals?;
        Some(FailureMode {
            kind,
            rate_per_year,
            uptime,
            common_mode_probability: common_mode?,
            regions: regions?,
            detail,
            shape: shape?,
        })
    }

    fn strategies(&mut self, raw: &RawModel, topology: &Topology, root: &KeyPath) -> Option<Vec<Strategy>> {
        if raw.strategy.is_empty() {
            self.problem(root.key("strategy"), "no strategies: add at least one [[strategy]] to compare");
            return None;
        }
        if raw.strategy.len() > MAX_STRATEGIES {
            self.problem(
                root.key("strategy").index(MAX_STRATEGIES).key("name"),
                format!(
                    "{} strategies are too many; allowed: at most {MAX_STRATEGIES} (the paired cost statistics grow \
                     with the square of the count): split the comparison into several models",
                    raw.strategy.len()
                ),
            );
            return None;
        }
        let mut out = Vec::new();
        let mut names = HashSet::new();
        let mut ok = true;
        for (i, s) in raw.strategy.iter().enumerate() {
            let at = root.key("strategy").index(i);
            if !names.insert(s.name.clone()) {
                self.problem(at.key("name"), format!("strategy \"{}\" is defined twice; names must be unique", s.name));
                ok = false;
            }
            match self.strategy(&at, s, &raw.response, topology) {
                Some(st) => out.push(st),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn steps(&mut self, at: &KeyPath, s: &RawStrategy, shared: &RawSteps) -> Option<Steps> {
        let step = |v: &mut Self, key: &str, own: Option<&DistSpec>, common: Option<&DistSpec>| match own {
            Some(spec) => v.dist(at.key(key), spec, Unit::Duration),
            None => match common {
                Some(spec) => v.dist(KeyPath::root().key("response").key(key), spec, Unit::Duration),
                None => {
                    v.problem(at.key(key), format!("missing: give `{key}` in [response] or in this strategy"));
                    None
                }
            },
        };
        let detection = step(self, "detection", s.detection.as_ref(), shared.detection.as_ref());
        let decision = step(self, "decision", s.decision.as_ref(), shared.decision.as_ref());
        let traffic_switch = step(self, "traffic_switch", s.traffic_switch.as_ref(), shared.traffic_switch.as_ref());
        let az_failover = step(self, "az_failover", s.az_failover.as_ref(), shared.az_failover.as_ref());
        let failback = step(self, "failback", s.failback.as_ref(), shared.failback.as_ref());
        // Optional: without it a total loss lasts the rest of the trial.
        let total_loss_recovery = match (&s.total_loss_recovery, &shared.total_loss_recovery) {
            (Some(spec), _) => self.dist(at.key("total_loss_recovery"), spec, Unit::Duration).map(Some),
            (None, Some(spec)) => {
                self.dist(KeyPath::root().key("response").key("total_loss_recovery"), spec, Unit::Duration).map(Some)
            }
            (None, None) => Some(None),
        };
        Some(Steps {
            detection: detection?,
            decision: decision?,
            traffic_switch: traffic_switch?,
            az_failover: az_failover?,
            failback: failback?,
            total_loss_recovery: total_loss_recovery?,
        })
    }

    fn backup(&mut self, at: &KeyPath, b: &RawBackup) -> Option<BackupPolicy> {
        if b.interval < MIN_BACKUP_INTERVAL {
            self.problem(
                at.key("interval"),
                format!(
                    "the backup interval must be at least {MIN_BACKUP_INTERVAL} (got {}): backup jobs are modelled one \
                     by one; model continuous replication with replication_lag instead",
                    b.interval
                ),
            );
        }
        self.duration(at.key("interval"), b.interval);
        self.duration(at.key("retention"), b.retention);
        if let Some(d) = b.cold_after {
            self.duration(at.key("cold_after"), d);
        }
        if b.retention < b.interval {
            self.problem(
                at.key("retention"),
                format!(
                    "retention ({}) is shorter than the backup interval ({}); allowed: at least one interval",
                    b.retention, b.interval
                ),
            );
        }
        let success = self.probability(at.key("job_success"), b.job_success.unwrap_or(1.0));
        let copy_success = self.probability(at.key("copy_success"), b.copy_success.unwrap_or(1.0));
        let breakage = self.non_negative(
            at.key("breakage_rate_per_year"),
            b.breakage_rate_per_year.unwrap_or(0.0),
            "breakages per year",
        );
        if breakage.is_some_and(|r| r > MAX_RATE_PER_YEAR) {
            self.problem(
                at.key("breakage_rate_per_year"),
                format!(
                    "{} breakages a year is more than one every hour; allowed: 0 to {MAX_RATE_PER_YEAR}",
                    b.breakage_rate_per_year.unwrap_or(0.0)
                ),
            );
        }
        if let Some(t) = b.restore_test_interval {
            if t < b.interval {
                self.problem(
                    at.key("restore_test_interval"),
                    format!(
                        "restore tests every {t} are more frequent than the backups ({}); allowed: at least one backup interval",
                        b.interval
                    ),
                );
            }
        }
        let vault = match b.vault.as_deref() {
            None => Some(Vault::SameAccount),
            Some(name) => {
                let found = Vault::ALL.into_iter().find(|v| v.name() == name);
                if found.is_none() {
                    self.problem(
                        at.key("vault"),
                        super::words::unknown_value(
                            "vault",
                            name,
                            &["same_account", "isolated_account", "other_provider"],
                        ),
                    );
                }
                found
            }
        };
        let copy_delay = match &b.copy_delay {
            Some(spec) => self.dist(at.key("copy_delay"), spec, Unit::Duration),
            None => Some(Dist::fixed(0.0)),
        };
        Some(BackupPolicy {
            interval: b.interval,
            job_success: success?,
            copy_to_dr_region: b.copy_to_dr_region.unwrap_or(false),
            copy_delay: copy_delay?,
            retention: b.retention,
            cold_after: b.cold_after,
            immutable: b.immutable.unwrap_or(false),
            encrypted: b.encrypted.unwrap_or(false),
            vault: vault?,
            copy_success: copy_success?,
            breakage_rate_per_year: breakage?,
            restore_test_interval: b.restore_test_interval,
        })
    }

    fn restore(&mut self, at: &KeyPath, r: &RawRestore) -> Option<RestorePipeline> {
        let provision = self.dist(at.key("provision"), &r.provision, Unit::Duration);
        let throughput = self.dist(at.key("throughput_gb_per_hour"), &r.throughput_gb_per_hour, Unit::Number);
        if let Some(t) = &throughput {
            if t.quantile(0.0) <= 0.0 && t.mean() <= 0.0 {
                self.problem(at.key("throughput_gb_per_hour"), "restore throughput must be above 0 GB per hour");
            }
        }
        let validation = self.dist(at.key("validation"), &r.validation, Unit::Duration);
        let risk = super::risk::restore_risk(self, at, r);
        let queue = super::shapes::restore_queue(self, at, r);
        let pitr = super::shapes::pitr(self, at, r);
        Some(RestorePipeline {
            provision: provision?,
            throughput_gb_per_hour: throughput?,
            validation: validation?,
            risk: risk?,
            queue: queue?,
            pitr: pitr?,
        })
    }

    fn strategy(&mut self, at: &KeyPath, s: &RawStrategy, shared: &RawSteps, topology: &Topology) -> Option<Strategy> {
        let kind = StrategyKind::ALL.into_iter().find(|k| k.name() == s.kind);
        let Some(kind) = kind else {
            self.problem(
                at.key("kind"),
                super::words::unknown_value(
                    "strategy kind",
                    &s.kind,
                    &["backup_restore", "pilot_light", "warm_standby", "active_active"],
                ),
            );
            return None;
        };
        super::posture::check_allowed_keys(self, at, s, kind);
        let deployment = match s.deployment.as_deref() {
            None | Some("multi_az") => Some(Deployment::MultiAz),
            Some("single_az") => Some(Deployment::SingleAz),
            Some(other) => {
                self.problem(
                    at.key("deployment"),
                    super::words::unknown_value("deployment", other, &["multi_az", "single_az"]),
                );
                None
            }
        };
        let dr_region = match (&s.dr_region, kind) {
            (_, StrategyKind::ActiveActive) => Some(None),
            (None, _) => {
                self.problem(at.key("dr_region"), format!("missing: a {} strategy needs a `dr_region`", kind.name()));
                None
            }
            (Some(name), _) => match topology.region_id(name) {
                Some(id) if id == topology.primary => {
                    self.problem(
                        at.key("dr_region"),
                        format!("the DR region \"{name}\" is the primary region; pick another region"),
                    );
                    None
                }
                Some(id) => Some(Some(id)),
                None => {
                    self.problem(at.key("dr_region"), format!("region \"{name}\" is not in [topology]"));
                    None
                }
            },
        };
        let steps = self.steps(at, s, shared);
        let backup = match &s.backup {
            Some(b) => self.backup(&at.key("backup"), b).map(Some),
            None => Some(None),
        };
        let restore = match &s.restore {
            Some(r) => self.restore(&at.key("restore"), r).map(Some),
            None => Some(None),
        };
        if s.backup.is_some() != s.restore.is_some() {
            let (key, msg) = if s.backup.is_some() {
                (
                    "restore",
                    "backups without a [restore] pipeline cannot be restored; add `restore` with provision, throughput_gb_per_hour and validation",
                )
            } else {
                ("backup", "a [restore] pipeline needs backups to restore from; add `backup`")
            };
            self.problem(at.key(key), msg);
        }
        if kind == StrategyKind::BackupRestore && s.backup.is_none() {
            self.problem(at.key("backup"), "missing: a backup_restore strategy needs `backup` and `restore` tables");
        }
        let reliability = match &s.reliability {
            None => Some(Reliability { failure_probability: Probability::ZERO, drift: None }),
            Some(r) => {
                let p = self.probability(at.key("reliability").key("failure_probability"), r.failure_probability);
                if let Some(d) = r.drift {
                    self.duration(at.key("reliability").key("drift"), d);
                    if d <= Duration::ZERO {
                        self.problem(
                            at.key("reliability").key("drift"),
                            "drift must be longer than 0s (leave it out for no drift)",
                        );
                    }
                }
                p.map(|p| Reliability { failure_probability: p, drift: r.drift })
            }
        };
        if let Some(d) = s.invoke_after {
            self.duration(at.key("invoke_after"), d);
        }
        if let Some(d) = s.drill_interval {
            self.duration(at.key("drill_interval"), d);
            if d <= Duration::ZERO {
                self.problem(
                    at.key("drill_interval"),
                    "the drill interval must be longer than 0s (leave it out for no drills)",
                );
            }
        }
        let drill_risk = match &s.drill_risk {
            Some(r) => super::risk::drill_risk(self, &at.key("drill_risk"), r, s.drill_interval.is_some()).map(Some),
            None => Some(None),
        };
        let dr_failure = match &s.dr_failure {
            Some(r) => super::risk::dr_failure(self, &at.key("dr_failure"), r, MAX_RATE_PER_YEAR).map(Some),
            None => Some(None),
        };
        let split_brain = match &s.split_brain {
            Some(r) => super::risk::split_brain(self, &at.key("split_brain"), r).map(Some),
            None => Some(None),
        };
        let posture = super::posture::posture(self, at, s, kind, topology);
        let shape = super::shapes::recovery_shape(self, at, s, kind);
        let cost = super::costs::strategy_cost(self, at, s.cost.as_ref());
        Some(Strategy {
            name: s.name.clone(),
            id: name_id(&s.name),
            deployment: deployment?,
            dr_region: dr_region?,
            invoke_after: s.invoke_after.unwrap_or(Duration::ZERO),
            promote_after: s.promote_after.unwrap_or(Duration::ZERO),
            needs_primary_control_plane: s.failover_needs_primary_control_plane.unwrap_or(false),
            steps: steps?,
            backup: backup?,
            restore: restore?,
            reliability: reliability?,
            drill_interval: s.drill_interval,
            drill_risk: drill_risk?,
            dr_failure: dr_failure?,
            split_brain: split_brain?,
            avoids_maintenance: s.avoids_maintenance.unwrap_or(kind == StrategyKind::ActiveActive),
            posture: posture?,
            shape: shape?,
            cost: cost?,
        })
    }
}

impl Check for Validator<'_> {
    fn problem(&mut self, at: KeyPath, message: String) {
        Validator::problem(self, at, message)
    }
    fn required_dist(&mut self, at: KeyPath, spec: Option<&DistSpec>, unit: Unit, what: &str) -> Option<Dist> {
        Validator::required_dist(self, at, spec, unit, what)
    }
}
