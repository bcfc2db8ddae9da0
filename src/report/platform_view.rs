//! What every report of a platform run (`drsim run` on a model with
//! `[[service]]`) says, once: the plans ranked, a short label for each (plans
//! found by the search have no name), what each misses as structured
//! shortfalls, the target that blocks every plan and what it would take, and
//! the weakest link of each function. The terminal table, report.md, the
//! CSV files, results.json and the charts lay these out; none computes them
//! again.

use crate::format::{fmt_duration_s, fmt_percent, fmt_short, fmt_usd, fmt_usd_short};
use crate::platform::eval::{FunctionFigures, PlanFigures, ServiceFigures};
use crate::platform::optimize::PlatformResults;
use crate::platform::{Platform, no_target};
use crate::summary::{Quantiles, Share};

use super::platform_takes::{Target, faster_recovery, one_change_sentence, signed_usd};

/// Why a plan is in the ranking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The cheapest plan meeting every target.
    Recommended,
    /// No plan meets every target: the one with the fewest misses, then the cheapest.
    Closest,
    /// A plan the model lists (and neither of the above).
    Listed,
    /// A runner-up of the search (and none of the above).
    Found,
}

impl Role {
    /// How the CSV files and results.json spell it.
    pub fn name(self) -> &'static str {
        match self {
            Role::Recommended => "recommended",
            Role::Closest => "closest",
            Role::Listed => "listed",
            Role::Found => "found",
        }
    }
}

/// One plan in the ranking.
#[derive(Clone, Debug)]
pub struct RankedPlan<'a> {
    /// 1 for the first.
    pub rank: usize,
    /// Short name: the model's, or `optimum`, `closest`, `found-N` for plans
    /// the search found.
    pub label: String,
    /// Why it is ranked.
    pub role: Role,
    /// Whether the model lists it.
    pub listed: bool,
    /// Its figures.
    pub plan: &'a PlanFigures,
    /// Its shortfalls, largest gap first.
    pub misses: Vec<Miss>,
}

/// One target a plan misses.
#[derive(Clone, Debug, PartialEq)]
pub struct Miss {
    /// The target, the same for every plan: `checkout RTO 30m`, `orders region RPO 1h`, `checkout availability`.
    pub target: String,
    /// The function or service it belongs to.
    pub owner: String,
    /// `RTO`, `RPO` or `availability`.
    pub measure: &'static str,
    /// The share meeting it (availability: the mean availability).
    pub achieved: f64,
    /// How far below the requirement the lower bound (or the mean) is.
    pub gap: f64,
}

impl Miss {
    /// In a few words: `checkout RTO met 73.0%`.
    pub fn short(&self) -> String {
        match self.measure {
            "availability" => format!("{} avail. {}", self.owner, fmt_percent(self.achieved)),
            _ => {
                let head = self.target.rsplit_once(' ').map_or(self.target.as_str(), |(h, _)| h);
                format!("{head} met {}", fmt_percent(self.achieved))
            }
        }
    }
}

/// A platform run's results with everything the reports share.
#[derive(Clone, Debug)]
pub struct PlatformView<'a> {
    /// The platform run.
    pub platform: &'a Platform,
    /// What the run found.
    pub results: &'a PlatformResults,
    /// Every plan reported, best first: those meeting every target by cost,
    /// then the others by their number of misses, then by cost.
    pub ranked: Vec<RankedPlan<'a>>,
}

/// The share of every kind's incidents meeting a target, pooled over kinds.
pub fn pooled(s: &ServiceFigures, rto: bool) -> Share {
    let (mut met, mut all) = (0u64, 0u64);
    for k in &s.summary.kinds {
        let share = if rto { &k.rto_met } else { &k.rpo_met };
        met += share.successes;
        all += share.trials;
    }
    Share {
        successes: met,
        trials: all,
        estimate: if all == 0 { 1.0 } else { met as f64 / all as f64 },
        low: 0.0,
        high: 1.0,
    }
}

/// What a plan misses, as structured shortfalls, largest gap first.
pub fn misses(platform: &Platform, plan: &PlanFigures) -> Vec<Miss> {
    let confidence = platform.confidence;
    let mut out = Vec::new();
    for f in &plan.functions {
        if f.margins.rto < 0.0 {
            out.push(Miss {
                target: format!("{} RTO {}", f.function, fmt_duration_s(f.rto_target_s)),
                owner: f.function.clone(),
                measure: "RTO",
                achieved: f.rto_met.estimate,
                gap: -f.margins.rto,
            });
        }
        if f.margins.rpo < 0.0 {
            out.push(Miss {
                target: format!("{} RPO {}", f.function, fmt_duration_s(f.rpo_target_s)),
                owner: f.function.clone(),
                measure: "RPO",
                achieved: f.rpo_met.estimate,
                gap: -f.margins.rpo,
            });
        }
        if let Some(m) = f.margins.availability.filter(|m| *m < 0.0) {
            out.push(Miss {
                target: format!("{} availability", f.function),
                owner: f.function.clone(),
                measure: "availability",
                achieved: f.availability.value,
                gap: -m,
            });
        }
    }
    for (s, service) in plan.services.iter().zip(&platform.services) {
        if !s.judged {
            continue;
        }
        let model = &service.model;
        for k in s.summary.kinds.iter().filter(|k| k.incidents > 0) {
            let t = model.targets.for_kind(k.kind);
            for (measure, share, target) in [("RTO", &k.rto_met, t.rto), ("RPO", &k.rpo_met, t.rpo)] {
                if share.low < confidence && !no_target(target) {
                    out.push(Miss {
                        target: format!("{} {} {measure} {}", s.service, k.kind.name(), fmt_duration_s(target.secs())),
                        owner: s.service.clone(),
                        measure,
                        achieved: share.estimate,
                        gap: confidence - share.low,
                    });
                }
            }
        }
    }
    out.sort_by(|a, b| b.gap.total_cmp(&a.gap));
    out
}

impl<'a> PlatformView<'a> {
    /// Ranks every plan of `results`: the listed ones, the recommended (or
    /// closest) and the runner-ups, each once.
    pub fn new(platform: &'a Platform, results: &'a PlatformResults) -> PlatformView<'a> {
        let mut pool: Vec<(&PlanFigures, Role, bool)> = Vec::new();
        let listed = |p: &PlanFigures| platform.plans.iter().any(|l| l.name == p.name);
        let mut add = |p: &'a PlanFigures, role: Role| {
            if !pool.iter().any(|(q, _, _)| q.choice == p.choice) {
                pool.push((p, role, listed(p)));
            }
        };
        if let Some(b) = &results.best {
            add(b, Role::Recommended);
        }
        if let Some(c) = &results.closest {
            add(c, Role::Closest);
        }
        for p in &results.plans {
            add(p, Role::Listed);
        }
        for u in &results.runner_ups {
            add(&u.plan, Role::Found);
        }
        let mut ranked: Vec<RankedPlan<'a>> = pool
            .into_iter()
            .map(|(plan, role, listed)| RankedPlan {
                rank: 0,
                label: plan.name.clone(),
                role,
                listed,
                plan,
                misses: misses(platform, plan),
            })
            .collect();
        ranked.sort_by(|a, b| {
            let key = |p: &RankedPlan| (!p.plan.meets_targets, if p.plan.meets_targets { 0 } else { p.misses.len() });
            let first = |p: &RankedPlan| !matches!(p.role, Role::Recommended | Role::Closest);
            first(a)
                .cmp(&first(b))
                .then(key(a).cmp(&key(b)))
                .then(a.plan.annual_cost_usd.total_cmp(&b.plan.annual_cost_usd))
        });
        let mut found = 0;
        for (i, p) in ranked.iter_mut().enumerate() {
            p.rank = i + 1;
            if !p.listed {
                p.label = match p.role {
                    Role::Recommended => "optimum".to_string(),
                    Role::Closest => "closest".to_string(),
                    _ => {
                        found += 1;
                        format!("found-{found}")
                    }
                };
            }
        }
        PlatformView { platform, results, ranked }
    }

    /// The recommended plan, or the closest when none meets every target.
    pub fn chosen(&self) -> Option<&RankedPlan<'a>> {
        self.ranked.iter().find(|p| matches!(p.role, Role::Recommended | Role::Closest))
    }

    /// The ranking's label of a plan.
    pub fn label_of(&self, plan: &PlanFigures) -> String {
        self.ranked.iter().find(|p| p.plan.choice == plan.choice).map_or_else(|| plan.name.clone(), |p| p.label.clone())
    }

    /// The targets every ranked plan misses, in the order of the chosen
    /// plan's misses.
    pub fn shared(&self) -> Vec<&Miss> {
        let Some(chosen) = self.chosen() else { return Vec::new() };
        chosen
            .misses
            .iter()
            .filter(|m| self.ranked.iter().all(|p| p.misses.iter().any(|q| q.target == m.target)))
            .collect()
    }

    /// The answer in sentences: the recommended plan and what it costs next
    /// to the listed plans, or the target that blocks every plan and what it
    /// would take.
    pub fn answer(&self) -> String {
        let r = self.results;
        let searched = if r.plans_searched > 0 {
            format!(" ({} plans searched)", group(r.plans_searched))
        } else {
            " (the plans the model lists)".to_string()
        };
        let Some(chosen) = self.chosen() else { return "No plan was evaluated.".to_string() };
        let cost = cost_interval(chosen.plan);
        if chosen.role == Role::Recommended {
            let mut text = format!(
                "Recommended: {} at {cost} a year expected, the cheapest plan meeting every target{searched}: {}.",
                chosen.label,
                composition(chosen.plan)
            );
            let others: Vec<String> = self
                .ranked
                .iter()
                .filter(|p| p.listed && p.plan.choice != chosen.plan.choice)
                .map(|p| match p.plan.cost_vs_chosen_usd {
                    Some(d) => format!("{} {} (± {})", p.label, signed_usd(d.value), fmt_usd(half_width(d.std_error))),
                    None => format!("{} {}", p.label, signed_usd(p.plan.annual_cost_usd - chosen.plan.annual_cost_usd)),
                })
                .collect();
            if !others.is_empty() {
                text.push_str(&format!(" Listed plans a year, paired on the same years: {}.", others.join(", ")));
            }
            return text;
        }
        let shared = self.shared();
        let rest: Vec<String> =
            chosen.misses.iter().filter(|m| !shared.iter().any(|s| s.target == m.target)).map(Miss::short).collect();
        let Some(m) = shared.first() else {
            return format!(
                "No plan meets every target{searched}, and no single target is missed by every plan shown. \
                 Closest plan ({}, tables below): {cost} a year, missing {}.",
                chosen.label,
                rest.join(", ")
            );
        };
        let mut text = self.what_it_takes(m);
        if shared.len() > 1 {
            let more: Vec<&str> = shared[1..].iter().map(|m| m.target.as_str()).collect();
            text.push_str(&format!(" Every plan also misses {}.", more.join(", ")));
        }
        // The closest plan's cost and verdict are row 1 of the ranked table,
        // its figures the tables below (the by-service table names it).
        if !rest.is_empty() {
            text.push_str(&format!(" The {} plan also misses {}.", chosen.label, rest.join(", ")));
        }
        text
    }

    /// One target every plan misses, the best any ranked plan achieves and
    /// what target would be met.
    pub fn what_it_takes(&self, m: &Miss) -> String {
        let confidence = self.platform.confidence;
        let best = self
            .ranked
            .iter()
            .filter_map(|p| p.misses.iter().find(|q| q.target == m.target).map(|q| (p, q)))
            .max_by(|a, b| a.1.achieved.total_cmp(&b.1.achieved));
        let Some((plan, miss)) = best else { return String::new() };
        let function = plan.plan.functions.iter().find(|f| f.function == m.owner);
        let none = if self.results.plans_searched > 0 { "No plan" } else { "No listed plan" };
        let mut text = if m.measure == "availability" {
            format!(
                "{none} meets the {} availability target: at best {} ({}).",
                m.owner,
                fmt_percent(miss.achieved),
                plan.label
            )
        } else {
            format!(
                "{none} meets {}: at most {} of {} ({}; {} required).",
                m.target,
                fmt_percent(miss.achieved),
                if function.is_some() { "outages" } else { "incidents" },
                plan.label,
                fmt_percent(confidence)
            )
        };
        let Some(f) = function else { return text };
        let quantile = |q: &Option<Quantiles>| -> Option<(f64, &'static str)> {
            let q = q.as_ref()?;
            if (confidence - 0.99).abs() < 1e-9 {
                Some((q.p99.value, "P99"))
            } else if (confidence - 0.95).abs() < 1e-9 {
                Some((q.p95.value, "P95"))
            } else {
                None
            }
        };
        let at = match m.measure {
            "RTO" => quantile(&f.rto_s),
            "RPO" => quantile(&f.rpo_s),
            _ => None,
        };
        let mut ways = Vec::new();
        if let Some((at, name)) = at {
            ways.push(format!("an {} target of {} ({}'s {name})", m.measure, fmt_duration_s(at), plan.label));
        }
        ways.extend(faster_recovery(&f.function, &weakest(self.platform, plan.plan, f)));
        if !ways.is_empty() {
            text.push_str(&format!(" It would take {}.", ways.join(" or ")));
        }
        if let Some(chosen) = self.chosen() {
            let meets = |p: &PlanFigures| !misses(self.platform, p).iter().any(|q| q.target == m.target);
            let target = Target { owner: &m.owner, measure: m.measure, meets: &meets };
            let one =
                one_change_sentence(self.platform, chosen.plan, &chosen.label, &self.results.one_changes, &target);
            if !one.is_empty() {
                text.push_str(&format!(" {one}"));
            }
        }
        text
    }
}

/// `1,024`.
pub fn group(n: u64) -> String {
    fmt_usd(n as f64).trim_start_matches('$').to_string()
}

/// Half the 95% interval of a standard error.
fn half_width(std_error: f64) -> f64 {
    crate::stats::z_for(0.95) * std_error
}

/// A plan's expected annual cost in a table cell, to three significant
/// digits with half its 95% interval: `$2.61M±363k`. Without a spread
/// (a plan not followed whole), the expectation alone.
pub fn cost_cell(plan: &PlanFigures) -> String {
    match &plan.annual_cost_spread_usd {
        Some(s) => format!("{}±{}", fmt_usd_short(plan.annual_cost_usd), fmt_short(half_width(s.std_error))),
        None => fmt_usd_short(plan.annual_cost_usd),
    }
}

/// A plan's annual cost in words: the expectation with its 95% interval,
/// then how it spreads over the years: `$2,611,866 a year expected (±
/// $363,187 at 95%); P50 $1.17M, P95 $2.32M, P99 $3.29M; worst 5% of
/// years $24.5M on average`.
pub fn cost_sentence(plan: &PlanFigures) -> String {
    let mut text = format!("{} a year expected", cost_interval(plan));
    if let Some(s) = &plan.annual_cost_spread_usd {
        if let Some(q) = &s.quantiles {
            text.push_str(&format!(
                "; P50 {}, P95 {}, P99 {}",
                fmt_usd_short(q.p50.value),
                fmt_usd_short(q.p95.value),
                fmt_usd_short(q.p99.value)
            ));
        }
        if let Some(c) = s.cvar95 {
            text.push_str(&format!("; worst 5% of years {} on average", fmt_usd_short(c)));
        }
    }
    text
}

/// What the cost spread columns mean, in one paragraph.
pub const COST_NOTE: &str = "± 95% = half the 95% interval of the expected cost, from the trials run. P95/yr and \
     P99/yr = the annual cost exceeded in 5% and 1% of simulated years. vs chosen = the plan's expected cost minus \
     the chosen plan's, on the same simulated years (common random numbers): the rare costly years every plan \
     shares cancel, so the difference is far more precise than either cost; a difference within its ± cannot be \
     told apart from zero at this trial count.";

/// Headers of [`spread_cells`].
pub const SPREAD_COLUMNS: [&str; 4] = ["± 95%", "P95/yr", "P99/yr", "vs chosen, paired"];

/// A plan's cost spread as table cells: half the 95% interval of its
/// expectation, its P95 and P99 annual cost, and its cost against the
/// chosen plan's with half that difference's 95% interval (`-` where absent).
pub fn spread_cells(plan: &PlanFigures) -> [String; 4] {
    let dash = || "-".to_string();
    let spread = plan.annual_cost_spread_usd.as_ref();
    let q = spread.and_then(|s| s.quantiles.as_ref());
    [
        spread.map_or_else(dash, |s| fmt_usd(half_width(s.std_error))),
        q.map_or_else(dash, |q| fmt_usd(q.p95.value)),
        q.map_or_else(dash, |q| fmt_usd(q.p99.value)),
        plan.cost_vs_chosen_usd
            .map_or_else(dash, |d| format!("{} ± {}", signed_usd(d.value), fmt_usd(half_width(d.std_error)))),
    ]
}

/// A plan's expected annual cost and half its 95% interval: `$2,611,866
/// (± $363,187 at 95%)`.
pub fn cost_interval(plan: &PlanFigures) -> String {
    match &plan.annual_cost_spread_usd {
        Some(s) => format!("{} (± {} at 95%)", fmt_usd(plan.annual_cost_usd), fmt_usd(half_width(s.std_error))),
        None => fmt_usd(plan.annual_cost_usd),
    }
}

/// A plan's cost against the chosen plan's (`chosen`: its label), paired
/// on the same simulated years: `$261,589 less than closest (± $1,464)`,
/// or that the run cannot tell them apart. `None` for the chosen plan.
pub fn versus(plan: &PlanFigures, chosen: &str) -> Option<String> {
    let d = plan.cost_vs_chosen_usd?;
    let side = if d.value >= 0.0 { "more" } else { "less" };
    let amount = fmt_usd(d.value.abs());
    let noise = fmt_usd(half_width(d.std_error));
    Some(if d.resolved() {
        format!("{amount} a year {side} than {chosen} (± {noise} at 95%, paired)")
    } else {
        format!("{amount} a year {side} than {chosen}, within the noise (± {noise} at 95%, paired)")
    })
}

/// A plan's candidates: `web pilot-light, orders warm-standby`.
pub fn composition(plan: &PlanFigures) -> String {
    plan.services.iter().map(|s| format!("{} {}", s.service, s.candidate)).collect::<Vec<_>>().join(", ")
}

/// The weakest link of a function under a plan: each service it needs
/// with the share of the function's downtime during which that service is
/// down (its Fussell-Vesely importance, [`FunctionFigures::down_with`]),
/// largest first. A service down alone holds the function back by all of
/// its downtime; an outage several services share (a region loss) counts
/// for each of them, so the shares add up to 1 or more and the first is the
/// service whose faster recovery would help the function most.
pub fn weakest(platform: &Platform, plan: &PlanFigures, f: &FunctionFigures) -> Vec<(String, f64)> {
    let Some(function) = platform.functions.iter().find(|x| x.name == f.function) else { return Vec::new() };
    let mut out: Vec<(String, f64)> = function
        .services
        .iter()
        .zip(&f.down_with)
        .filter_map(|(&s, &share)| Some((plan.services.get(s)?.service.clone(), share)))
        .collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1));
    out
}

impl RankedPlan<'_> {
    /// Its verdict in a word or two: `RECOMMENDED`, `meets` or `misses N`.
    pub fn verdict(&self) -> String {
        match self.role {
            Role::Recommended => "RECOMMENDED".to_string(),
            _ if self.plan.meets_targets => "meets".to_string(),
            _ => format!("misses {}", self.misses.len()),
        }
    }

    /// Why it ranks where it does, in a sentence: `meets every target at $X a year (...)`
    /// or `misses checkout RTO met 58.1%, ...`.
    pub fn reason(&self) -> String {
        if self.misses.is_empty() {
            format!("meets every target at {} a year ({})", fmt_usd(self.plan.annual_cost_usd), composition(self.plan))
        } else {
            format!("misses {}", self.misses.iter().map(|m| m.short()).collect::<Vec<_>>().join(", "))
        }
    }
}

impl PlatformView<'_> {
    /// The question a platform run answers, with every judged function's targets.
    pub fn question(&self) -> String {
        let p = self.platform;
        let targets: Vec<String> = p
            .functions
            .iter()
            .filter(|f| f.judged)
            .map(|f| {
                let a = f.availability.map_or(String::new(), |a| format!(", availability {}", fmt_percent(a)));
                format!("{} RTO {}, RPO {}{a}", f.name, fmt_duration_s(f.rto.secs()), fmt_duration_s(f.rpo.secs()))
            })
            .collect();
        format!(
            "Which disaster recovery posture should each service ({}) have, so that every business function meets \
             its targets ({}; each met by {} of outages) at the lowest expected annual cost?",
            p.services.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", "),
            targets.join("; "),
            fmt_percent(p.confidence)
        )
    }

    /// The plans whose tables by function and by service the reports show
    /// in full: the chosen plan and the plans the model lists, in rank order.
    pub fn shown(&self) -> impl Iterator<Item = &RankedPlan<'_>> {
        self.ranked.iter().filter(|p| p.role != Role::Found)
    }
}

/// What a platform run assumes, one sentence each (`code` in backticks).
pub const ASSUMPTIONS: [&str; 5] = [
    "Services share one world: an AZ or region loss hits every service placed there at the same instant.",
    "A function is down while any service it needs is down (or, for `at_least`, while too few are up); its \
     outage lasts from the first service down to the last back, and its data loss is the largest window of \
     the service incidents in it.",
    "Revenue is lost per function, by its revenue share and the load profile; orders by its order share.",
    "The weakest link of a function is the service down during the largest share of the function's \
     downtime (its Fussell-Vesely importance): an outage several services share (a region loss) counts for \
     each of them, so the shares add up to 100% or more. Services each down during more than half of it \
     are named together; with every plan searched, the answer also gives how far changing one service of \
     the closest plan (its best other candidate, the rest fixed) moves a missed target.",
    "Plans found by the search are named `optimum` (the cheapest meeting every target), `closest` (none \
     meets: the fewest misses, then the cheapest) and `found-N` (the next cheapest).",
];

/// A plan's expected annual cost in two parts, USD: the services' own
/// (fixed and incident) costs, and the functions' lost revenue and orders.
pub fn cost_parts(plan: &PlanFigures) -> (f64, f64) {
    let services: f64 = plan.services.iter().map(|s| s.summary.cost.total_annual_usd.value).sum();
    let lost: f64 = plan.functions.iter().map(|f| f.lost_usd_per_year.value).sum();
    (services, lost)
}

/// Headers of [`function_cells`].
pub const FUNCTION_COLUMNS: [&str; 8] = [
    "availability",
    "downtime/yr",
    "outages/yr",
    "RTO met (target)",
    "RPO met (target)",
    "RPO p95",
    "lost/yr",
    "weakest link",
];

/// A function's row under a plan, as report.md and report.html print it
/// (the columns of [`FUNCTION_COLUMNS`]).
pub fn function_cells(platform: &Platform, plan: &PlanFigures, f: &FunctionFigures) -> [String; 8] {
    let weak =
        weakest(platform, plan, f).first().map_or("-".to_string(), |(s, share)| format!("{s} {}", fmt_percent(*share)));
    [
        fmt_percent(f.availability.value),
        fmt_duration_s(f.downtime_per_year_s),
        format!("{:.3}", f.outages_per_year),
        format!("{} ({})", fmt_percent(f.rto_met.estimate), fmt_duration_s(f.rto_target_s)),
        format!("{} ({})", fmt_percent(f.rpo_met.estimate), fmt_duration_s(f.rpo_target_s)),
        f.rpo_s.as_ref().map_or("-".to_string(), |q| fmt_duration_s(q.p95.value)),
        fmt_usd(f.lost_usd_per_year.value),
        weak,
    ]
}

/// Headers of [`service_cells`].
pub const SERVICE_COLUMNS: [&str; 8] =
    ["candidate", "availability", "downtime/yr", "RTO met", "RPO met", "data loss/yr", "cost/yr", "own targets"];

/// A service's row under a plan, as report.md and report.html print it
/// (the columns of [`SERVICE_COLUMNS`]; own targets `-` when it has none).
pub fn service_cells(s: &ServiceFigures) -> [String; 8] {
    let judged = if !s.judged {
        "-"
    } else if s.meets_targets {
        "met"
    } else {
        "MISSED"
    };
    [
        s.candidate.clone(),
        fmt_percent(s.summary.availability.value),
        fmt_duration_s(s.summary.annual_downtime_s.value),
        fmt_percent(pooled(s, true).estimate),
        fmt_percent(pooled(s, false).estimate),
        fmt_duration_s(s.summary.annual_data_loss_s.value),
        fmt_usd(s.summary.cost.total_annual_usd.value),
        judged.to_string(),
    ]
}
