//! `drsim plans` and `drsim optimize` as text: the choice (or why none
//! meets the targets) and the answer `drsim run` gives (what the choice
//! costs next to the listed plans, or what it would take to meet the target
//! that blocks every plan) first, then each plan by service and by function,
//! then the runner-ups and why each loses.

use std::fmt::Write as _;

use super::answer::wrap;
use super::platform_view::PlatformView;
use crate::format::{fmt_duration_s, fmt_percent, fmt_usd};
use crate::platform::Platform;
use crate::platform::eval::PlanFigures;
use crate::platform::optimize::PlatformResults;

/// Columns the text is wrapped at (tables are narrower).
const WIDTH: usize = 100;

/// The whole report of `r`, a run of `platform`.
pub fn render(platform: &Platform, r: &PlatformResults) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} trials x {} year(s), seed {}{}",
        r.name,
        r.trials,
        r.years,
        r.seed,
        if r.plans_searched > 0 { format!(", {} plans searched", r.plans_searched) } else { String::new() }
    );
    match (&r.best, &r.closest) {
        (Some(best), _) => {
            let head =
                format!("cheapest plan meeting every target: {} at {}/yr", best.name, fmt_usd(best.annual_cost_usd));
            out.push_str(&wrap(&head, WIDTH, "", "    "));
            out.push_str(&wrap(&PlatformView::new(platform, r).answer(), WIDTH, "  ", "  "));
            out.push('\n');
            plan(&mut out, best);
        }
        (None, Some(closest)) => {
            let head = format!(
                "NO PLAN MEETS EVERY TARGET; closest: {} at {}/yr, which misses: {}",
                closest.name,
                fmt_usd(closest.annual_cost_usd),
                closest.misses.join("; ")
            );
            out.push_str(&wrap(&head, WIDTH, "", "    "));
            out.push_str(&wrap(&PlatformView::new(platform, r).answer(), WIDTH, "  ", "  "));
            out.push('\n');
            plan(&mut out, closest);
        }
        (None, None) => {
            let _ = writeln!(out, "no plan was evaluated");
        }
    }
    if !r.runner_ups.is_empty() {
        let _ = writeln!(out, "\nrunner-ups:");
        for u in &r.runner_ups {
            let line = format!("{}  {}/yr: {}", u.plan.name, fmt_usd(u.plan.annual_cost_usd), u.why);
            out.push_str(&wrap(&line, WIDTH, "  ", "      "));
        }
    }
    if r.plans_searched > 0 && !r.plans.is_empty() {
        let _ = writeln!(out, "\nplans listed in the model:");
        for p in &r.plans {
            let verdict =
                if p.meets_targets { "meets every target".to_string() } else { format!("misses {}", p.misses.len()) };
            let _ = writeln!(out, "  {:<24} {:>14}/yr  {verdict}", p.name, fmt_usd(p.annual_cost_usd));
        }
    } else if r.plans_searched == 0 {
        for p in &r.plans {
            let line = format!("plan {}: {}/yr, {}", p.name, fmt_usd(p.annual_cost_usd), verdict(p));
            out.push('\n');
            out.push_str(&wrap(&line, WIDTH, "", "    "));
            plan(&mut out, p);
        }
    }
    out
}

fn verdict(p: &PlanFigures) -> String {
    if p.meets_targets { "meets every target".to_string() } else { format!("misses: {}", p.misses.join("; ")) }
}

/// One plan by service and by function.
fn plan(out: &mut String, p: &PlanFigures) {
    let _ = writeln!(out, "  service      candidate          availability  downtime/yr  cost/yr         judged");
    for s in &p.services {
        let _ = writeln!(
            out,
            "  {:<12} {:<18} {:>12}  {:>11}  {:>14}  {}",
            s.service,
            s.candidate,
            fmt_percent(s.summary.availability.value),
            fmt_duration_s(s.summary.annual_downtime_s.value),
            fmt_usd(s.summary.cost.total_annual_usd.value),
            if !s.judged {
                "-"
            } else if s.meets_targets {
                "meets"
            } else {
                "MISSES"
            }
        );
    }
    let _ = writeln!(out, "  function     availability  downtime/yr  outages/yr         lost/yr  availability margin");
    for f in &p.functions {
        let _ = writeln!(
            out,
            "  {:<12} {:>12}  {:>11}  {:>10.3}  {:>14}  {}",
            f.function,
            fmt_percent(f.availability.value),
            fmt_duration_s(f.downtime_per_year_s),
            f.outages_per_year,
            fmt_usd(f.lost_usd_per_year.value),
            f.margins.availability.map_or("-".to_string(), |m| format!("{m:+.4}"))
        );
    }
    let _ = writeln!(out, "  function     RTO p95  RTO met  target   margin    RPO p95  RPO met  target   margin");
    for f in &p.functions {
        let q = |x: &Option<crate::summary::Quantiles>| x.map_or("-".to_string(), |q| fmt_duration_s(q.p95.value));
        let _ = writeln!(
            out,
            "  {:<12} {:>7}  {:>7}  {:>6}  {:>7}    {:>7}  {:>7}  {:>6}  {:>7}",
            f.function,
            q(&f.rto_s),
            fmt_percent(f.rto_met.estimate),
            fmt_duration_s(f.rto_target_s),
            format!("{:+.4}", f.margins.rto),
            q(&f.rpo_s),
            fmt_percent(f.rpo_met.estimate),
            fmt_duration_s(f.rpo_target_s),
            format!("{:+.4}", f.margins.rpo),
        );
    }
}
