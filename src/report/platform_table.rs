//! The terminal table of a platform run (`drsim run` on a model with
//! `[[service]]`), within 100 columns: the plans ranked, the answer (the
//! cheapest plan meeting every target, or the target that blocks every plan
//! and what it would take), and the chosen plan by function and by service,
//! all in the first screen; then the runner-ups and each plan's tables.
//! `--brief` stops after the answer; `--detail` adds every ranked plan's
//! tables and margins.

use std::fmt::Write;

use super::answer::wrap;
use super::platform_view::{
    PlatformView, RankedPlan, Role, composition, cost_cell, cost_sentence, pooled, versus, weakest,
};
use super::table::Detail;
use crate::format::{fmt_duration_s, fmt_percent, fmt_usd};
use crate::platform::eval::PlanFigures;

/// Columns of the terminal.
pub const WIDTH: usize = 100;
/// Functions shown as columns of the ranked summary.
const FUNCTION_COLUMNS: usize = 3;
/// The widest a function's cell in the ranked summary gets (`99.83% RTO+RPO`
/// is 14); longer cells are cut with `~`.
const FUNCTION_CELL: usize = 15;

/// The terminal table of a platform run.
#[derive(Clone, Copy, Debug, Default)]
pub struct PlatformTable {
    /// How much to show.
    pub detail: Detail,
}

fn cut(s: &str, w: usize) -> String {
    if s.chars().count() <= w {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(w.saturating_sub(1)).collect();
        t.push('~');
        t
    }
}

/// A function's cell in the ranked summary: its availability and `ok`, or the targets it misses.
fn function_cell(p: &RankedPlan, function: &str) -> String {
    let Some(f) = p.plan.functions.iter().find(|f| f.function == function) else { return "-".into() };
    let missed: Vec<&str> = p.misses.iter().filter(|m| m.owner == function).map(|m| m.measure).collect();
    let verdict = if missed.is_empty() {
        "ok".to_string()
    } else {
        missed.iter().map(|m| if *m == "availability" { "A" } else { m }).collect::<Vec<_>>().join("+")
    };
    format!("{} {verdict}", fmt_percent(f.availability.value))
}

impl PlatformTable {
    /// The whole table.
    pub fn render(&self, v: &PlatformView, model_path: &str) -> String {
        let mut out = String::new();
        header(&mut out, v, model_path);
        let _ = writeln!(out);
        ranked(&mut out, v, self.detail);
        let _ = writeln!(out);
        out.push_str(&wrap(&v.answer(), WIDTH, "", ""));
        if self.detail == Detail::Brief {
            return out;
        }
        if let Some(chosen) = v.chosen() {
            let _ = writeln!(out);
            functions(&mut out, chosen.plan);
            services(&mut out, chosen.plan, &chosen.label);
        }
        let _ = writeln!(out);
        legend(&mut out, v);
        let _ = writeln!(out);
        let _ = writeln!(out, "Plans");
        for p in &v.ranked {
            let why = if p.misses.is_empty() {
                if p.role == Role::Recommended {
                    "the cheapest meeting every target".to_string()
                } else {
                    "meets every target".to_string()
                }
            } else {
                format!("misses {}", p.misses.iter().map(|m| m.short()).collect::<Vec<_>>().join(", "))
            };
            let against = v.chosen().and_then(|c| versus(p.plan, &c.label)).map_or(String::new(), |t| format!("; {t}"));
            out.push_str(&wrap(
                &format!("{}: {}; {}{against}; {why}", p.label, composition(p.plan), cost_sentence(p.plan)),
                WIDTH,
                "  ",
                "      ",
            ));
        }
        let _ = writeln!(out);
        let _ = writeln!(out, "Weakest link (share of the function's downtime during which each service is down)");
        if let Some(chosen) = v.chosen() {
            for f in &chosen.plan.functions {
                let parts: Vec<String> = weakest(v.platform, chosen.plan, f)
                    .into_iter()
                    .map(|(s, share)| format!("{s} {}", fmt_percent(share)))
                    .collect();
                out.push_str(&wrap(
                    &format!("{} under {}: {}", f.function, chosen.label, parts.join(", ")),
                    WIDTH,
                    "  ",
                    "    ",
                ));
            }
        }
        if self.detail == Detail::Full {
            for p in &v.ranked {
                let _ = writeln!(out);
                let _ = writeln!(out, "plan {} ({}/yr)", p.label, fmt_usd(p.plan.annual_cost_usd));
                functions(&mut out, p.plan);
                services(&mut out, p.plan, &p.label);
                for f in &p.plan.functions {
                    let a = f.margins.availability.map_or(String::new(), |m| format!(", availability {m:+.4}"));
                    let _ = writeln!(
                        out,
                        "  margins {}: RTO met {:+.4}, RPO met {:+.4}{a}",
                        f.function, f.margins.rto, f.margins.rpo
                    );
                }
            }
        }
        out
    }
}

fn header(out: &mut String, v: &PlatformView, model_path: &str) {
    let r = v.results;
    let _ = writeln!(out, "drsim {} · {} ({model_path})", crate::provenance::VERSION, r.name);
    let searched = if r.plans_searched > 0 {
        format!(", {} plans searched", super::platform_view::group(r.plans_searched))
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "seed {} · {} trials x {} year(s) · {} services, {} functions{searched}",
        r.seed,
        r.trials,
        r.years,
        v.platform.services.len(),
        v.platform.functions.len()
    );
}

fn ranked(out: &mut String, v: &PlatformView, detail: Detail) {
    let names: Vec<&str> = v.platform.functions.iter().take(FUNCTION_COLUMNS).map(|f| f.name.as_str()).collect();
    // The first screen shows the chosen plan and the listed ones; the
    // search's runner-ups (found-N) follow under Plans, and with --detail here.
    let rows: Vec<&RankedPlan> = v.ranked.iter().filter(|p| detail == Detail::Full || p.role != Role::Found).collect();
    // Columns as wide as their widest cell (verdicts and function cells
    // vary from run to run), so the blocking shortfall keeps its room.
    let width = |head: &str, cells: &mut dyn Iterator<Item = String>| {
        cells.map(|c| c.chars().count()).fold(head.chars().count(), usize::max)
    };
    let verdict_w = width("verdict", &mut rows.iter().map(|p| p.verdict()));
    let function_w: Vec<usize> =
        names.iter().map(|n| width(n, &mut rows.iter().map(|p| function_cell(p, n))).min(FUNCTION_CELL)).collect();
    let mut head = format!("{:>2} {:<18} {:<verdict_w$} {:>11}", "#", "plan", "verdict", "cost/yr ±");
    for (n, &w) in names.iter().zip(&function_w) {
        let _ = write!(head, " {:<w$}", cut(n, w));
    }
    let _ = write!(head, " blocking shortfall");
    let _ = writeln!(out, "{}", head.trim_end());
    for p in rows {
        let mut row =
            format!("{:>2} {:<18} {:<verdict_w$} {:>11}", p.rank, cut(&p.label, 18), p.verdict(), cost_cell(p.plan));
        for (n, &w) in names.iter().zip(&function_w) {
            let _ = write!(row, " {:<w$}", cut(&function_cell(p, n), w));
        }
        let blocking = p.misses.first().map_or("-".to_string(), |m| m.short());
        // The last column wraps within its own width rather than losing its end.
        let at = row.chars().count() + 1;
        let room = WIDTH.saturating_sub(at).max(16);
        let lines = wrap(&blocking, room, "", "");
        for (i, line) in lines.lines().enumerate() {
            if i == 0 {
                let _ = writeln!(out, "{row} {line}");
            } else {
                let _ = writeln!(out, "{:at$}{line}", "");
            }
        }
    }
}

fn functions(out: &mut String, p: &PlanFigures) {
    let _ = writeln!(
        out,
        "{:<16} {:>8} {:>11} {:>7} {:>15} {:>15} {:>9} {:>11}",
        "  by function", "avail.", "downtime/yr", "out/yr", "RTO met (tgt)", "RPO met (tgt)", "RPO p95", "lost/yr"
    );
    for f in &p.functions {
        let _ = writeln!(
            out,
            "  {:<14} {:>8} {:>11} {:>7.2} {:>15} {:>15} {:>9} {:>11}",
            cut(&f.function, 14),
            fmt_percent(f.availability.value),
            fmt_duration_s(f.downtime_per_year_s),
            f.outages_per_year,
            format!("{} ({})", fmt_percent(f.rto_met.estimate), fmt_duration_s(f.rto_target_s)),
            format!("{} ({})", fmt_percent(f.rpo_met.estimate), fmt_duration_s(f.rpo_target_s)),
            f.rpo_s.as_ref().map_or("-".to_string(), |q| fmt_duration_s(q.p95.value)),
            fmt_usd(f.lost_usd_per_year.value)
        );
    }
}

/// The plan `p` (labelled `label`) by service: the label heads the column
/// of the candidates it assigns, so the first screen says whose tables these are.
fn services(out: &mut String, p: &PlanFigures, label: &str) {
    let _ = writeln!(
        out,
        "{:<16} {:<14} {:>8} {:>11} {:>8} {:>8} {:>10} {:>11}",
        "  by service",
        cut(label, 14),
        "avail.",
        "downtime/yr",
        "RTO met",
        "RPO met",
        "loss/yr",
        "cost/yr"
    );
    for s in &p.services {
        let mark = if !s.judged {
            ""
        } else if s.meets_targets {
            " ok"
        } else {
            " MISS"
        };
        let row = format!(
            "  {:<14} {:<14} {:>8} {:>11} {:>8} {:>8} {:>10} {:>11}{mark}",
            cut(&s.service, 14),
            cut(&s.candidate, 14),
            fmt_percent(s.summary.availability.value),
            fmt_duration_s(s.summary.annual_downtime_s.value),
            fmt_percent(pooled(s, true).estimate),
            fmt_percent(pooled(s, false).estimate),
            fmt_duration_s(s.summary.annual_data_loss_s.value),
            fmt_usd(s.summary.cost.total_annual_usd.value),
        );
        let _ = writeln!(out, "{row}");
    }
}

fn legend(out: &mut String, v: &PlatformView) {
    let text = format!(
        "cost/yr = expected: each service's fixed and incident costs plus each function's lost revenue and \
         orders; ± = half the 95% interval of that expectation from the trials run (differences between plans, \
         paired on the same simulated years, are more precise: see Plans); a function's cell = its availability and ok, or the targets it misses (A = availability); \
         RTO/RPO met = share of the function's outages (a service's incidents, all kinds) meeting the target, \
         {} required on the 95% lower bound; # = rank among every plan reported (found-N, the search's \
         next cheapest plans, are listed under Plans); loss/yr = a service's data-loss window per year; MISS/ok = a \
         service with its own targets",
        fmt_percent(v.platform.confidence)
    );
    out.push_str(&wrap(&text, WIDTH, "", ""));
}
