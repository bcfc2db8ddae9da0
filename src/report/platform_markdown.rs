//! report.md of a platform run: the question, the answer, why (the plans
//! ranked and what each misses), the assumptions, the costs, and the tables
//! by function and by service of every plan reported, with the charts when
//! written into an output directory.

use std::fmt::Write;

use super::platform_view::{PlatformView, Role, composition, pooled, weakest};
use crate::format::{fmt_duration_s, fmt_percent, fmt_usd};
use crate::platform::eval::PlanFigures;

/// Escapes the characters that would break a Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// report.md; `charts` lists the chart files (stem, caption) to link.
pub fn render_with(v: &PlatformView, path: &str, charts: &[(&str, &str)]) -> String {
    let r = v.results;
    let p = v.platform;
    let mut out = String::new();
    let _ = writeln!(out, "# {}: disaster recovery plans\n", cell(&r.name));
    let _ = writeln!(
        out,
        "drsim {} · model `{path}` · seed {} · {} trials x {} year(s) · {} services, {} functions\n",
        crate::provenance::VERSION,
        r.seed,
        r.trials,
        r.years,
        p.services.len(),
        p.functions.len()
    );
    let _ = writeln!(out, "## Question\n");
    let targets: Vec<String> = p
        .functions
        .iter()
        .filter(|f| f.judged)
        .map(|f| {
            let a = f.availability.map_or(String::new(), |a| format!(", availability {}", fmt_percent(a)));
            format!("{} RTO {}, RPO {}{a}", f.name, fmt_duration_s(f.rto.secs()), fmt_duration_s(f.rpo.secs()))
        })
        .collect();
    let _ = writeln!(
        out,
        "Which disaster recovery posture should each service ({}) have, so that every business function meets \
         its targets ({}; each met by {} of outages) at the lowest expected annual cost?\n",
        p.services.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", "),
        targets.join("; "),
        fmt_percent(p.confidence)
    );
    let _ = writeln!(out, "## Answer\n");
    let _ = writeln!(out, "{}\n", v.answer());
    let _ = writeln!(out, "## Why\n");
    let _ = writeln!(out, "| # | plan | verdict | cost/yr | candidates | misses |");
    let _ = writeln!(out, "|---:|---|---|---:|---|---|");
    for x in &v.ranked {
        let verdict = match x.role {
            Role::Recommended => "RECOMMENDED".to_string(),
            _ if x.plan.meets_targets => "meets".to_string(),
            _ => format!("misses {}", x.misses.len()),
        };
        let misses = if x.misses.is_empty() {
            "-".to_string()
        } else {
            x.misses.iter().map(|m| m.short()).collect::<Vec<_>>().join("; ")
        };
        let _ = writeln!(
            out,
            "| {} | {} | {verdict} | {} | {} | {} |",
            x.rank,
            cell(&x.label),
            fmt_usd(x.plan.annual_cost_usd),
            cell(&composition(x.plan)),
            cell(&misses)
        );
    }
    let _ = writeln!(out);
    for (stem, caption) in charts {
        let _ = writeln!(out, "![{caption}]({stem}.svg)\n");
    }
    let _ = writeln!(out, "## Assumptions\n");
    let _ = writeln!(
        out,
        "- Services share one world: an AZ or region loss hits every service placed there at the same instant.\n\
         - A function is down while any service it needs is down (or, for `at_least`, while too few are up); its \
         outage lasts from the first service down to the last back, and its data loss is the largest window of \
         the service incidents in it.\n\
         - Revenue is lost per function, by its revenue share and the load profile; orders by its order share.\n\
         - The weakest link of a function is each service's own downtime under the plan as a share of the sum \
         over the function's services: outages several services share (a region loss) count for each.\n\
         - Plans found by the search are named `optimum` (the cheapest meeting every target), `closest` (none \
         meets: the fewest misses, then the cheapest) and `found-N` (the next cheapest).\n"
    );
    let _ = writeln!(out, "## Costs\n");
    let _ = writeln!(out, "| plan | services' costs/yr | lost revenue and orders/yr | total/yr |");
    let _ = writeln!(out, "|---|---:|---:|---:|");
    for x in &v.ranked {
        let services: f64 = x.plan.services.iter().map(|s| s.summary.cost.total_annual_usd.value).sum();
        let lost: f64 = x.plan.functions.iter().map(|f| f.lost_usd_per_year.value).sum();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            cell(&x.label),
            fmt_usd(services),
            fmt_usd(lost),
            fmt_usd(x.plan.annual_cost_usd)
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "## Plans by function and by service\n");
    for x in &v.ranked {
        let _ = writeln!(out, "### {} ({}/yr)\n", cell(&x.label), fmt_usd(x.plan.annual_cost_usd));
        tables(&mut out, v, x.plan);
    }
    out
}

/// report.md printed by `drsim run --format markdown` (no charts).
pub fn render(v: &PlatformView, path: &str) -> String {
    render_with(v, path, &[])
}

fn tables(out: &mut String, v: &PlatformView, plan: &PlanFigures) {
    let _ = writeln!(
        out,
        "| function | availability | downtime/yr | outages/yr | RTO met (target) | RPO met (target) | RPO p95 | lost/yr | weakest link |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|---|");
    for f in &plan.functions {
        let weak = weakest(v.platform, plan, f)
            .first()
            .map_or("-".to_string(), |(s, share)| format!("{s} {}", fmt_percent(*share)));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.3} | {} ({}) | {} ({}) | {} | {} | {} |",
            cell(&f.function),
            fmt_percent(f.availability.value),
            fmt_duration_s(f.downtime_per_year_s),
            f.outages_per_year,
            fmt_percent(f.rto_met.estimate),
            fmt_duration_s(f.rto_target_s),
            fmt_percent(f.rpo_met.estimate),
            fmt_duration_s(f.rpo_target_s),
            f.rpo_s.as_ref().map_or("-".to_string(), |q| fmt_duration_s(q.p95.value)),
            fmt_usd(f.lost_usd_per_year.value),
            cell(&weak)
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "| service | candidate | availability | downtime/yr | RTO met | RPO met | data loss/yr | cost/yr | own targets |"
    );
    let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---:|---:|---|");
    for s in &plan.services {
        let judged = if !s.judged {
            "-"
        } else if s.meets_targets {
            "met"
        } else {
            "MISSED"
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {judged} |",
            cell(&s.service),
            cell(&s.candidate),
            fmt_percent(s.summary.availability.value),
            fmt_duration_s(s.summary.annual_downtime_s.value),
            fmt_percent(pooled(s, true).estimate),
            fmt_percent(pooled(s, false).estimate),
            fmt_duration_s(s.summary.annual_data_loss_s.value),
            fmt_usd(s.summary.cost.total_annual_usd.value)
        );
    }
    let _ = writeln!(out);
}
