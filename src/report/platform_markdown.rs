//! report.md of a platform run: the question, the answer, why (the plans
//! ranked and what each misses), the assumptions, the costs, and the tables
//! by function and by service of every plan reported, with the charts when
//! written into an output directory.

use std::fmt::Write;

use super::platform_view::{
    ASSUMPTIONS, COST_NOTE, FUNCTION_COLUMNS, PlatformView, SERVICE_COLUMNS, SPREAD_COLUMNS, composition, cost_parts,
    function_cells, service_cells, spread_cells,
};
use crate::format::fmt_usd;
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
    let _ = writeln!(out, "{}\n", v.question());
    let _ = writeln!(out, "## Answer\n");
    let _ = writeln!(out, "{}\n", v.answer());
    let _ = writeln!(out, "## Why\n");
    let _ = writeln!(out, "| # | plan | verdict | cost/yr | candidates | misses |");
    let _ = writeln!(out, "|---:|---|---|---:|---|---|");
    for x in &v.ranked {
        let verdict = x.verdict();
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
    for a in ASSUMPTIONS {
        let _ = writeln!(out, "- {a}");
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "## Costs\n");
    let _ = writeln!(
        out,
        "| plan | services' costs/yr | lost revenue and orders/yr | total/yr | {} |",
        SPREAD_COLUMNS.join(" | ")
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|");
    for x in &v.ranked {
        let (services, lost) = cost_parts(x.plan);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            cell(&x.label),
            fmt_usd(services),
            fmt_usd(lost),
            fmt_usd(x.plan.annual_cost_usd),
            spread_cells(x.plan).join(" | ")
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "{COST_NOTE}\n");
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
    row(out, std::iter::once("function").chain(FUNCTION_COLUMNS));
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|---|");
    for f in &plan.functions {
        let cells = function_cells(v.platform, plan, f);
        row(out, std::iter::once(f.function.as_str()).chain(cells.iter().map(String::as_str)));
    }
    let _ = writeln!(out);
    row(out, std::iter::once("service").chain(SERVICE_COLUMNS));
    let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---:|---:|---|");
    for s in &plan.services {
        let cells = service_cells(s);
        row(out, std::iter::once(s.service.as_str()).chain(cells.iter().map(String::as_str)));
    }
    let _ = writeln!(out);
}

/// One table row of escaped cells.
fn row<'a>(out: &mut String, cells: impl Iterator<Item = &'a str>) {
    let cells: Vec<String> = cells.map(cell).collect();
    let _ = writeln!(out, "| {} |", cells.join(" | "));
}
