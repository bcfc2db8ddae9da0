//! The failure inputs beyond an outage of one AZ or region and damaged data:
//! a global `application` failure that damages no data, planned
//! maintenance, up-times that are not exponential, and region failures
//! that strike several regions at once (common mode). Each is off unless
//! the model gives its key or table, so a model without them simulates
//! exactly as before.

use super::check::{Check, optional_dist, probability};
use super::dist::Dist;
use super::duration::Duration;
use super::limits::MAX_NUMBER;
use super::raw::{RawFailure, RawMaintenance};
use super::{DisruptionKind, KeyPath, Probability, Unit};

/// Most hosts an `application` failure may need to remediate: a billion
/// (the 2024 agent update crashed about 8.5 million).
pub const MAX_HOSTS: u32 = 1_000_000_000;

/// How long an `application` failure keeps every region down: a rollback or
/// a remediation, optionally host by host.
///
/// Downtime = `duration` + ceil(`hosts` / `parallelism`) x `per_host`, with
/// one draw of each distribution per incident (the same for every strategy:
/// every strategy runs the same software).
#[derive(Clone, Debug)]
pub struct Remediation {
    /// Time to roll back or to have the fix ready; `None`: 0.
    pub duration: Option<Dist>,
    /// Hosts to remediate one by one (0: none, the rollback alone restores service).
    pub hosts: u32,
    /// Hosts remediated at once, at least 1.
    pub parallelism: u32,
    /// Time to remediate one batch of hosts; `None` when `hosts` is 0.
    pub per_host: Option<Dist>,
    /// Writes lost per incident; `None`: none (nothing damaged the data).
    pub data_loss: Option<Dist>,
}

impl Remediation {
    /// Batches of hosts remediated one after the other: ceil(hosts / parallelism).
    pub fn batches(&self) -> u32 {
        self.hosts.div_ceil(self.parallelism.max(1))
    }

    /// Short text for `drsim check`: "every region down for pert(...) + 40 x fixed 2h, no data damaged".
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(d) = &self.duration {
            parts.push(d.describe(Unit::Duration));
        }
        if let (Some(d), true) = (&self.per_host, self.hosts > 0) {
            parts.push(format!(
                "{} batches of {} hosts x {}",
                self.batches(),
                self.parallelism,
                d.describe(Unit::Duration)
            ));
        }
        let loss = match &self.data_loss {
            Some(d) => format!("data loss {}", d.describe(Unit::Duration)),
            None => "no data damaged".to_string(),
        };
        format!("every region down for {}, {loss}", parts.join(" + "))
    }

    /// One incident's time from the failure to service back everywhere.
    pub fn sample<R: rand::Rng + ?Sized>(&self, rng: &mut R) -> Duration {
        let rollback = self.duration.as_ref().map_or(Duration::ZERO, |d| d.sample_duration(rng));
        let hosts = match &self.per_host {
            Some(d) if self.hosts > 0 => d.sample_duration(rng) * f64::from(self.batches()),
            _ => Duration::ZERO,
        };
        rollback + hosts
    }
}

/// Planned maintenance (patch windows, major version upgrades): downtime
/// counted in availability and annual downtime, apart from incidents and
/// from the RTO/RPO targets. A strategy takes it unless it avoids it
/// (`avoids_maintenance`; by default active-active, which drains a region).
#[derive(Clone, Debug)]
pub struct Maintenance {
    /// Windows per year, evenly spaced with a random phase per trial.
    pub windows_per_year: f64,
    /// Length of each window (whole load down).
    pub duration: Dist,
}

/// The keys only an `application` failure takes, for "allowed" lists.
pub(super) const APPLICATION_KEYS: &str =
    "kind, rate_per_year, uptime, duration, hosts, parallelism, per_host, data_loss";

/// Validates the keys of a `kind = "application"` failure (the caller has
/// rejected the keys of other kinds).
pub(super) fn remediation(v: &mut impl Check, at: &KeyPath, f: &RawFailure) -> Option<Remediation> {
    let duration =
        optional_dist(v, at.key("duration"), f.duration.as_ref(), Unit::Duration, "the rollback `duration`")?;
    let per_host = optional_dist(v, at.key("per_host"), f.per_host.as_ref(), Unit::Duration, "the time `per_host`")?;
    let data_loss =
        optional_dist(v, at.key("data_loss"), f.data_loss.as_ref(), Unit::Duration, "the `data_loss` window")?;
    let hosts = f.hosts.unwrap_or(0);
    let parallelism = f.parallelism.unwrap_or(1);
    let mut ok = true;
    if hosts > MAX_HOSTS {
        v.problem(at.key("hosts"), format!("{hosts} hosts; allowed: 0 to {MAX_HOSTS}"));
        ok = false;
    }
    if parallelism == 0 || parallelism > MAX_HOSTS {
        v.problem(
            at.key("parallelism"),
            format!("{parallelism} hosts at once; allowed: 1 to {MAX_HOSTS} (hosts remediated at the same time)"),
        );
        ok = false;
    }
    if hosts > 0 && per_host.is_none() {
        v.problem(
            at.key("per_host"),
            format!("missing: {hosts} hosts need `per_host`, the time to remediate one batch"),
        );
        ok = false;
    }
    if hosts == 0 && f.per_host.is_some() {
        v.problem(
            at.key("hosts"),
            "missing: `per_host` needs `hosts`, the number of hosts to remediate (1 or more)".to_string(),
        );
        ok = false;
    }
    if f.duration.is_none() && f.per_host.is_none() {
        v.problem(
            at.key("duration"),
            "missing: an application failure needs `duration` (rollback or fix), or `hosts` and `per_host`, or both"
                .to_string(),
        );
        ok = false;
    }
    ok.then_some(Remediation { duration, hosts, parallelism, per_host, data_loss })
}

/// The arrival process of a failure mode: its rate per year and, when the
/// model gives `uptime`, the up-time distribution (the rate is then one over
/// its mean in years). Exactly one of the two must be given.
/// `max_rate`: the highest rate a model may give (one failure an hour).
pub(super) fn arrivals(v: &mut impl Check, at: &KeyPath, f: &RawFailure, max_rate: f64) -> Option<(f64, Option<Dist>)> {
    match (f.rate_per_year, &f.uptime) {
        (Some(_), Some(_)) => {
            v.problem(
                at.key("uptime"),
                "both `rate_per_year` and `uptime` are given; allowed: one of them (`rate_per_year` for exponential up-times, `uptime` for their distribution)".to_string(),
            );
            None
        }
        (None, None) => {
            v.problem(
                at.key("rate_per_year"),
                "missing: `rate_per_year` (or `uptime`, the distribution of up-times) is required here".to_string(),
            );
            None
        }
        (Some(rate), None) => {
            let shown = super::limits::shown(rate);
            if !(0.0..=MAX_NUMBER).contains(&rate) {
                v.problem(
                    at.key("rate_per_year"),
                    format!(
                        "{shown} is not allowed; allowed: zero or a positive number of failures per year, at most {MAX_NUMBER:e}"
                    ),
                );
                return None;
            }
            if rate > max_rate {
                v.problem(
                    at.key("rate_per_year"),
                    format!("{shown} failures a year is more than one every hour; allowed: 0 to {max_rate}"),
                );
                return None;
            }
            Some((rate, None))
        }
        (None, Some(spec)) => {
            let dist = v.required_dist(at.key("uptime"), Some(spec), Unit::Duration, "`uptime`")?;
            let mean = Duration::from_secs(dist.mean());
            if mean < Duration::HOUR {
                v.problem(
                    at.key("uptime"),
                    format!(
                        "a mean up-time of {mean} is more than one failure every hour; allowed: a mean of 1h or more"
                    ),
                );
                return None;
            }
            Some((Duration::YEAR / mean, Some(dist)))
        }
    }
}

/// Validates `common_mode_probability` (region failures only; the caller
/// rejects it on other kinds).
pub(super) fn common_mode(
    v: &mut impl Check,
    at: &KeyPath,
    f: &RawFailure,
    kind: DisruptionKind,
) -> Option<Probability> {
    if kind != DisruptionKind::Region {
        return Some(Probability::ZERO);
    }
    probability(v, at.key("common_mode_probability"), f.common_mode_probability, 0.0)
}

/// Validates `[maintenance]`.
pub(super) fn maintenance(v: &mut impl Check, raw: &RawMaintenance, max_per_year: f64) -> Option<Maintenance> {
    let at = KeyPath::root().key("maintenance");
    let per_year = raw.windows_per_year;
    let windows = if per_year > 0.0 && per_year <= max_per_year {
        Some(per_year)
    } else {
        let shown = super::limits::shown(per_year);
        v.problem(
            at.key("windows_per_year"),
            format!("{shown} windows a year is not allowed; allowed: more than 0, at most {max_per_year}"),
        );
        None
    };
    let duration = v.required_dist(at.key("duration"), Some(&raw.duration), Unit::Duration, "the window `duration`");
    Some(Maintenance { windows_per_year: windows?, duration: duration? })
}
