//! `report.html`: the design-review report as one self-contained page, to
//! open from a file share on a laptop. The decision first (the sentences of
//! [`super::verdicts`]), then the tables of report.md (the cells of
//! [`super::cells`]), then the charts as inline SVG ([`svg`]) with every
//! figure shown on hover. Nothing is fetched: no fonts (the system's own, by
//! a CSS font stack), no scripts or styles from elsewhere (the few lines of
//! each are inline), no images but the inline SVG. The same results give the
//! same bytes.

pub mod platform;
pub mod svg;

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::cells::{kind_cells, strategy_cells};
use super::charts::cdf::{CdfChart, Measure};
use super::verdicts::{self, Standing};
use super::{Report, ReportError};
use crate::format::fmt_duration_s;
use crate::provenance::Provenance;
use crate::simulation::Results;

/// The page's style sheet, inline.
const CSS: &str = include_str!("report.css");
/// The tooltip script, inline: shows each mark's `<title>` (or an HTML
/// `title`) at once, styled, and for keyboard focus too.
const SCRIPT: &str = include_str!("report.js");

/// The HTML report.
#[derive(Clone, Debug, Default)]
pub struct Html {
    /// Chart file stems written beside the page (`NAME.png`, `NAME.svg`)
    /// and their captions, linked at the end for slides and documents.
    pub charts: Vec<(String, String)>,
}

impl Report for Html {
    fn render(&self, r: &Results) -> Result<String, ReportError> {
        Ok(page(r, &self.charts).into_string())
    }
}

fn page(r: &Results, charts: &[(String, String)]) -> Markup {
    let p = &r.provenance;
    let title = format!("DR strategy comparison: {}", p.model_name.as_deref().unwrap_or_default());
    let main = html! {
        (decision(r))
        (tables(r))
        (chart_sections(r))
    };
    let charts: Vec<(&str, &str)> = charts.iter().map(|(n, c)| (n.as_str(), c.as_str())).collect();
    shell(&title, provenance_line(p, None), main, &charts)
}

/// The header's line of provenance: drsim's version, the model's path and
/// SHA-256, the seed, trials and years, how the figures were estimated
/// beyond plain sampling, then `more` (a platform's services and functions).
fn provenance_line(p: &Provenance, more: Option<&str>) -> Markup {
    let model_path = p.model_path.as_deref().unwrap_or_default();
    let model_sha256 = p.model_sha256.as_deref().unwrap_or_default();
    let (seed, trials, years) =
        (p.seed.unwrap_or_default(), p.trials.unwrap_or_default(), p.years_per_trial.unwrap_or_default());
    html! {
        "drsim " (p.drsim_version) " · model " code { (model_path) }
        " (SHA-256 " code class="hash" { (model_sha256) } ") · seed " (seed) " · "
        (trials) " trials x " (years) " year(s)" (p.estimation_note())
        @if let Some(more) = more { " · " (more) }
    }
}

/// The page around a report's sections, the same for every report.html:
/// the head (inline style sheet, an empty icon), the title and provenance,
/// `main`, the list of chart files beside the page (stem, caption), the
/// tooltip and its inline script.
fn shell(title: &str, provenance: Markup, main: Markup, charts: &[(&str, &str)]) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                // An empty icon, so the browser asks for no favicon.
                link rel="icon" href="data:,";
                title { (title) }
                style { (PreEscaped(CSS)) }
            }
            body {
                header {
                    h1 { (title) }
                    p class="provenance" { (provenance) }
                }
                main {
                    (main)
                    @if !charts.is_empty() {
                        section id="files" {
                            h2 { "Chart files" }
                            p { "Each chart is also beside this file as PNG (for slides) and SVG (for documents):" }
                            ul {
                                @for (name, caption) in charts {
                                    li { (caption) ": " a href=(format!("{name}.png")) { (name) ".png" } ", "
                                        a href=(format!("{name}.svg")) { (name) ".svg" } }
                                }
                            }
                        }
                    }
                }
                div id="tip" role="tooltip" hidden {}
                script { (PreEscaped(SCRIPT)) }
            }
        }
    }
}

/// The decision: the recommendation (or the closest strategy and its gap),
/// the targets, and one sentence per strategy.
fn decision(r: &Results) -> Markup {
    let class = if r.decision.recommended.is_some() { "decision pass" } else { "decision fail" };
    html! {
        section id="decision" class=(class) {
            h2 { "Decision" }
            p class="summary" { (verdicts::summary(r)) }
            p class="targets" { (verdicts::targets(r)) }
            ul class="verdicts" {
                @for v in &r.decision.verdicts {
                    @let standing = Standing::of(r, &v.strategy);
                    li {
                        span class=(format!("badge {}", badge(standing))) { (standing.label()) }
                        " " strong { (v.strategy) } ": " (verdicts::reason(v, &r.decision))
                    }
                }
            }
        }
    }
}

fn badge(standing: Standing) -> &'static str {
    match standing {
        Standing::Recommended => "recommended",
        Standing::Meets => "meets",
        Standing::Misses => "misses",
        Standing::Unjudged => "unjudged",
    }
}

/// The strategy table and the per-kind table, as in report.md.
fn tables(r: &Results) -> Markup {
    html! {
        section id="strategies" {
            h2 { "Strategies" }
            div class="scroll" {
                table {
                    thead { tr {
                        th { "Strategy" } th { "Posture" } th { "Verdict" }
                        @for h in ["Availability", "Downtime / yr", "Fixed cost / yr", "Expected cost / yr", "P95 cost / yr", "CVaR95 cost / yr"] {
                            th class="num" { (h) }
                        }
                    } }
                    tbody {
                        @for s in &r.strategies {
                            @let standing = Standing::of(r, &s.name);
                            tr class=(badge(standing)) {
                                th scope="row" { (s.name) } td { (s.kind) }
                                td { span class=(format!("badge {}", badge(standing))) { (standing.label()) } }
                                @for cell in strategy_cells(s) { td class="num" { (cell) } }
                            }
                        }
                    }
                }
            }
        }
        section id="kinds" {
            h2 { "Per disruption kind" }
            p class="note" {
                "RTO = load-weighted downtime per incident; RPO = data-loss window. Targets: RTO "
                (fmt_duration_s(r.targets.rto_s)) ", RPO " (fmt_duration_s(r.targets.rpo_s)) ". "
                (crate::report::answer::intervals_note(r)) "."
            }
            div class="scroll" {
                table {
                    thead { tr {
                        th { "Strategy" } th { "Kind" }
                        @for h in ["Incidents / yr", "RTO P50", "RTO P95", "RTO P99", "RTO met", "RPO P50", "RPO P95", "RPO P99", "RPO met"] {
                            th class="num" { (h) }
                        }
                    } }
                    tbody {
                        @for s in &r.strategies {
                            @for (i, k) in s.kinds.iter().enumerate() {
                                tr class=(if i == 0 { "first" } else { "" }) {
                                    th scope="row" { (s.name) } td { (k.kind.name()) }
                                    @for cell in kind_cells(k) { td class="num" { (cell) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The charts, each with a short note on how to read it.
fn chart_sections(r: &Results) -> Markup {
    let downtime = CdfChart::new(r, Measure::Downtime);
    let data_loss = CdfChart::new(r, Measure::DataLoss);
    html! {
        section id="cost-vs-risk" class="chart" {
            h2 { (super::charts::cost_risk::TITLE) }
            p class="note" { "Hover a point for its expected annual cost and its share of incidents (all kinds) meeting both targets." }
            (svg::cost_risk(r))
        }
        section id="downtime-cdf" class="chart" {
            h2 { (downtime.title()) }
            p class="note" { "Share of incidents whose downtime is at most x; the dashed red line is the RTO target. Hover a key entry for its share meeting the target and its quantiles." }
            (svg::cdf(r, &downtime))
        }
        section id="data-loss-cdf" class="chart" {
            h2 { (data_loss.title()) }
            p class="note" { "Share of incidents whose data-loss window is at most x; the dashed red line is the RPO target." }
            (svg::cdf(r, &data_loss))
        }
        section id="annual-cost" class="chart" {
            h2 { (super::charts::cost::TITLE) }
            p class="note" { "Share of simulated years costing at most x. Hover the markers for P95 and CVaR95, a key entry for the whole distribution." }
            (svg::annual_cost(r))
        }
        section id="recovery-steps" class="chart" {
            h2 { (super::charts::steps::TITLE) }
            p class="note" { "Means add up: a bar's length is the mean time from service loss to service back. Hover a segment for its time." }
            (svg::steps(r))
        }
    }
}
