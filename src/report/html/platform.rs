//! `report.html` of a platform run (`drsim run --out` on a model with
//! `[[service]]`): the single-service page's shell, styles, tables and
//! inline charts ([`super::shell`], [`super::svg`]) with the platform's
//! content, in report.md's order: the question, the answer (the cheapest
//! plan meeting every target, or the target every plan misses and what it
//! would take) with a sentence per plan, the plans table, the chosen and the
//! listed plans by function and by service, the weakest link, the plans'
//! cost against risk, the assumptions. Every sentence and cell comes from
//! [`crate::report::platform_view`], as in report.md and the terminal.
//! Self-contained and deterministic as the single-service page.

use maud::{Markup, html};

use super::svg;
use crate::format::{fmt_percent, fmt_usd};
use crate::provenance::Provenance;
use crate::report::charts::platform::{
    PLAN_TEXTS, PlanCostRiskChart, WEAKEST_MEASURE, WEAKEST_TITLE, WeakestLinkChart,
};
use crate::report::platform_view::{
    ASSUMPTIONS, COST_NOTE, FUNCTION_COLUMNS, PlatformView, RankedPlan, Role, SERVICE_COLUMNS, SPREAD_COLUMNS,
    composition, cost_parts, function_cells, service_cells, spread_cells,
};

/// report.html of a platform run: `provenance` as results.json's (see
/// [`crate::report::platform_json::provenance`]), `charts` the chart files
/// written beside it (stem, caption), linked at the end.
pub fn render(v: &PlatformView, provenance: &Provenance, charts: &[(&str, &str)]) -> String {
    let p = v.platform;
    let title = format!("DR plan comparison: {}", v.results.name);
    let more = format!("{} services, {} functions", p.services.len(), p.functions.len());
    let main = html! {
        section id="question" {
            h2 { "Question" }
            p { (v.question()) }
        }
        (answer(v))
        (plans(v))
        (functions(v))
        (services(v))
        section id="weakest-link" class="chart" {
            h2 { (WEAKEST_TITLE) }
            p class="note" { "Bars: " (WEAKEST_MEASURE) ". The chosen plan and the plans the model lists; hover a bar for its figure." }
            (svg::weakest_link(&WeakestLinkChart::new(v)))
        }
        section id="cost-vs-risk" class="chart" {
            h2 { (PLAN_TEXTS.title) }
            p class="note" { "Every plan reported. Hover a point for its expected annual cost and its worst function's share of outages meeting that function's targets." }
            (svg::plan_cost_risk(&PlanCostRiskChart::new(v)))
        }
        section id="assumptions" {
            h2 { "Assumptions" }
            ul {
                @for a in ASSUMPTIONS { li { (with_code(a)) } }
            }
        }
    };
    super::shell(&title, super::provenance_line(provenance, Some(&more)), main, charts).into_string()
}

/// Text with `code` spans in backticks, as markup.
fn with_code(text: &str) -> Markup {
    html! {
        @for (i, part) in text.split('`').enumerate() {
            @if i % 2 == 1 { code { (part) } } @else { (part) }
        }
    }
}

/// The CSS class of a plan's badge and row.
fn badge(p: &RankedPlan) -> &'static str {
    match p.role {
        Role::Recommended => "recommended",
        _ if p.plan.meets_targets => "meets",
        _ => "misses",
    }
}

/// A header as the single-service page writes them: capitalised.
fn heading(h: &str) -> String {
    let mut c = h.chars();
    c.next().map_or(String::new(), |first| first.to_uppercase().chain(c).collect())
}

/// The answer, the rule a plan is judged by, and a sentence per plan.
fn answer(v: &PlatformView) -> Markup {
    let class = if v.results.best.is_some() { "decision pass" } else { "decision fail" };
    html! {
        section id="decision" class=(class) {
            h2 { "Answer" }
            p class="summary" { (v.answer()) }
            p class="targets" {
                "A plan meets the targets when every function's share of outages meeting its RTO and its RPO is at least "
                (fmt_percent(v.platform.confidence)) " on the 95% lower bound (and its availability target, if set), and \
                every service with targets of its own meets them."
            }
            ul class="verdicts" {
                @for p in &v.ranked {
                    li {
                        span class=(format!("badge {}", badge(p))) { (p.verdict()) }
                        " " strong { (p.label) } " (" (fmt_usd(p.plan.annual_cost_usd)) "/yr): " (p.reason())
                    }
                }
            }
        }
    }
}

/// Every plan reported, ranked, with its cost in two parts and what it misses.
fn plans(v: &PlatformView) -> Markup {
    html! {
        section id="plans" {
            h2 { "Plans" }
            p class="note" {
                "Ranked: the plans meeting every target by cost, then the others by their number of misses, then by cost. "
                "Expected cost = the services' fixed and incident costs + the functions' lost revenue and orders. "
                (COST_NOTE)
            }
            div class="scroll" {
                table {
                    thead { tr {
                        th class="num" { "#" } th { "Plan" } th { "Verdict" }
                        @for h in ["Expected cost / yr", "Services / yr", "Lost revenue and orders / yr"] {
                            th class="num" { (h) }
                        }
                        @for h in SPREAD_COLUMNS { th class="num" { (h) } }
                        th { "Candidates" } th { "Misses" }
                    } }
                    tbody {
                        @for p in &v.ranked {
                            @let (services, lost) = cost_parts(p.plan);
                            tr class=(badge(p)) {
                                td class="num" { (p.rank) } th scope="row" { (p.label) }
                                td { span class=(format!("badge {}", badge(p))) { (p.verdict()) } }
                                td class="num" { (fmt_usd(p.plan.annual_cost_usd)) }
                                td class="num" { (fmt_usd(services)) } td class="num" { (fmt_usd(lost)) }
                                @for c in spread_cells(p.plan) { td class="num" { (c) } }
                                td class="wrap" { (composition(p.plan)) }
                                td class="wrap" { @if p.misses.is_empty() { "-" } @else {
                                    (p.misses.iter().map(|m| m.short()).collect::<Vec<_>>().join("; "))
                                } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The chosen and the listed plans by function.
fn functions(v: &PlatformView) -> Markup {
    html! {
        section id="functions" {
            h2 { "Per function" }
            p class="note" {
                "The chosen plan and the plans the model lists. RTO met / RPO met: share of the function's outages meeting its target "
                "(in brackets); weakest link: the service with the largest " (WEAKEST_MEASURE) "."
            }
            div class="scroll" {
                table {
                    thead { tr {
                        th { "Plan" } th { "Function" }
                        @for (i, h) in FUNCTION_COLUMNS.iter().enumerate() {
                            th class=(if i + 1 < FUNCTION_COLUMNS.len() { "num" } else { "" }) { (heading(h)) }
                        }
                    } }
                    tbody {
                        @for p in v.shown() {
                            @for (i, f) in p.plan.functions.iter().enumerate() {
                                tr class=(if i == 0 { "first" } else { "" }) {
                                    th scope="row" { (p.label) } td { (f.function) }
                                    @let cells = function_cells(v.platform, p.plan, f);
                                    @for (j, cell) in cells.iter().enumerate() {
                                        td class=(if j + 1 < cells.len() { "num" } else { "" }) { (cell) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The chosen and the listed plans by service.
fn services(v: &PlatformView) -> Markup {
    let text = |j: usize| j == 0 || j + 1 == SERVICE_COLUMNS.len();
    html! {
        section id="services" {
            h2 { "Per service" }
            p class="note" {
                "RTO met / RPO met: share of the service's incidents (all kinds) meeting its model's targets; own targets: "
                "whether a service with targets of its own meets them."
            }
            div class="scroll" {
                table {
                    thead { tr {
                        th { "Plan" } th { "Service" }
                        @for (j, h) in SERVICE_COLUMNS.iter().enumerate() {
                            th class=(if text(j) { "" } else { "num" }) { (heading(h)) }
                        }
                    } }
                    tbody {
                        @for p in v.shown() {
                            @for (i, s) in p.plan.services.iter().enumerate() {
                                tr class=(if i == 0 { "first" } else { "" }) {
                                    th scope="row" { (p.label) } td { (s.service) }
                                    @for (j, cell) in service_cells(s).iter().enumerate() {
                                        td class=(if text(j) { "" } else { "num" }) { (cell) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
