//! The charts of report.html as inline SVG, drawn from the same chart data
//! the PNG and SVG files are drawn from ([`crate::report::charts`]): the same
//! curves, axes, ticks, colours and dashes, plus a tooltip on every mark
//! (an SVG `<title>`, or a `title` attribute on the HTML keys) carrying the
//! figure behind it. Coordinates are in the PNG's pixels (fonts at the
//! sizes of [`style`]), scaled by the browser.

use maud::{Markup, html};

use crate::format::{fmt_duration_s, fmt_percent, fmt_usd};
use crate::incident::Step;
use crate::model::DisruptionKind;
use crate::report::charts::cdf::{CdfChart, Measure, Panel};
use crate::report::charts::cost::CostChart;
use crate::report::charts::cost_risk::{
    CostRiskChart, Layout, PixelBox, Point, STRATEGY_TEXTS, Texts, group_anchor, leader,
};
use crate::report::charts::platform::{PLAN_TEXTS, PlanCostRiskChart, WEAKEST_MEASURE, WeakestLinkChart};
use crate::report::charts::steps::{Bar, StepsChart, step_label, time_unit};
use crate::report::charts::style::{self, fmt_duration_tick, fmt_number_tick, fmt_usd_tick, money_ticks};
use crate::simulation::Results;
use crate::summary::{KindSummary, StrategySummary};

/// The colour of series `i` as CSS: `#0072b2`.
pub fn colour(i: usize) -> String {
    let c = style::colour(i);
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// The colour of recovery step `i` as CSS, as in the PNG charts.
pub fn step_colour(i: usize) -> String {
    let c = style::step_colour(i);
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// The SVG dash pattern of series `i`; empty for a solid line.
fn dash(i: usize) -> String {
    style::dash(i).map_or(String::new(), |(on, off)| format!("{on} {off}"))
}

/// A coordinate as written into the SVG: one decimal, so output is compact and stable.
fn n(v: f64) -> String {
    format!("{v:.1}")
}

/// One axis: a value range, log or linear.
#[derive(Clone, Copy, Debug)]
enum Scale {
    /// Logarithmic from `lo` to `hi` (both positive).
    Log(f64, f64),
    /// Linear from `lo` to `hi`.
    Linear(f64, f64),
}

impl Scale {
    /// Where `v` falls along the axis, 0 at `lo` and 1 at `hi`, clamped to it.
    fn frac(self, v: f64) -> f64 {
        let f = match self {
            Scale::Log(lo, hi) => (v.max(lo * 1e-3).ln() - lo.ln()) / (hi.ln() - lo.ln()),
            Scale::Linear(lo, hi) => (v - lo) / (hi - lo),
        };
        if f.is_finite() { f.clamp(0.0, 1.0) } else { 0.0 }
    }
}

/// A plot area inside an SVG of `width` x `height`: data to pixels.
#[derive(Clone, Copy, Debug)]
struct Frame {
    width: f64,
    height: f64,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    x: Scale,
    y: Scale,
}

impl Frame {
    /// A frame with room for tick labels and axis titles around the plot.
    fn new(width: f64, height: f64, x: Scale, y: Scale) -> Frame {
        Frame { width, height, left: 120.0, right: width - 30.0, top: 20.0, bottom: height - 100.0, x, y }
    }

    fn px(&self, x: f64) -> f64 {
        self.left + self.x.frac(x) * (self.right - self.left)
    }

    fn py(&self, y: f64) -> f64 {
        self.bottom - self.y.frac(y) * (self.bottom - self.top)
    }

    /// An SVG path through data points. Points that change nothing at the
    /// path's precision are left out: repeats, and the middle of runs along
    /// one horizontal or vertical line (a histogram's CDF has many).
    fn path(&self, points: &[(f64, f64)]) -> String {
        let pixels: Vec<(String, String)> = points.iter().map(|(x, y)| (n(self.px(*x)), n(self.py(*y)))).collect();
        let mut kept: Vec<&(String, String)> = Vec::new();
        for p in &pixels {
            if kept.last() == Some(&p) {
                continue;
            }
            if let [.., a, b] = kept[..] {
                if (a.0 == b.0 && b.0 == p.0) || (a.1 == b.1 && b.1 == p.1) {
                    kept.pop();
                }
            }
            kept.push(p);
        }
        let mut d = String::new();
        for (i, (x, y)) in kept.iter().enumerate() {
            d.push_str(if i == 0 { "M" } else { " L" });
            d.push_str(&format!("{x} {y}"));
        }
        d
    }

    /// The SVG element around a chart's marks, scaled to the page's width.
    fn svg(&self, label: &str, body: Markup) -> Markup {
        html! {
            svg viewBox=(format!("0 0 {} {}", self.width, self.height)) role="img" aria-label=(label) {
                rect class="bg" width=(self.width) height=(self.height) {}
                (body)
            }
        }
    }

    /// The grid, tick labels and axis titles.
    fn axes(&self, x_ticks: &[(f64, String)], y_ticks: &[(f64, String)], x_desc: &str, y_desc: &str) -> Markup {
        let mid_y = (self.top + self.bottom) / 2.0;
        let x_ticks = self.spaced(x_ticks);
        html! {
            g class="axes" {
                @for (x, label) in x_ticks {
                    line class="grid" x1=(n(self.px(*x))) x2=(n(self.px(*x))) y1=(n(self.top)) y2=(n(self.bottom)) {}
                    text class="tick" x=(n(self.px(*x))) y=(n(self.bottom + 32.0)) text-anchor="middle" { (label) }
                }
                @for (y, label) in y_ticks {
                    line class="grid" x1=(n(self.left)) x2=(n(self.right)) y1=(n(self.py(*y))) y2=(n(self.py(*y))) {}
                    text class="tick" x=(n(self.left - 10.0)) y=(n(self.py(*y) + 8.0)) text-anchor="end" { (label) }
                }
                rect class="frame" x=(n(self.left)) y=(n(self.top)) width=(n(self.right - self.left)) height=(n(self.bottom - self.top)) {}
                text class="desc" x=(n((self.left + self.right) / 2.0)) y=(n(self.bottom + 78.0)) text-anchor="middle" { (x_desc) }
                @if !y_desc.is_empty() {
                    text class="desc" transform=(format!("translate(28 {}) rotate(-90)", n(mid_y))) text-anchor="middle" { (y_desc) }
                }
            }
        }
    }

    /// The x ticks whose labels fit side by side, left to right: a tick
    /// whose label would touch the previous one's is left out.
    fn spaced<'t>(&self, ticks: &'t [(f64, String)]) -> Vec<&'t (f64, String)> {
        let xs: Vec<f64> = ticks.iter().map(|t| self.px(t.0)).collect();
        let labels: Vec<String> = ticks.iter().map(|t| t.1.clone()).collect();
        style::fitting_ticks(&xs, &labels).into_iter().map(|i| &ticks[i]).collect()
    }

    /// A dashed red reference line between two data points, with an optional label above its right end.
    fn target_line(&self, from: (f64, f64), to: (f64, f64), label: Option<&str>) -> Markup {
        html! {
            line class="target" x1=(n(self.px(from.0))) y1=(n(self.py(from.1))) x2=(n(self.px(to.0))) y2=(n(self.py(to.1))) {}
            @if let Some(label) = label {
                text class="target-label" x=(n(self.px(to.0) - 8.0)) y=(n(self.py(to.1) - 10.0)) text-anchor="end" { (label) }
            }
        }
    }

    /// A series line with its tooltip; a wide invisible stroke under it makes it easy to hover.
    fn series(&self, points: &[(f64, f64)], i: usize, tip: &str) -> Markup {
        let d = self.path(points);
        html! {
            g class="series" tabindex="0" {
                title { (tip) }
                path class="line" d=(d) stroke=(colour(i)) stroke-dasharray=(dash(i)) {}
                path class="hit" d=(d) {}
            }
        }
    }
}

/// Ticks on a share axis from `lo` to 100%: every 5, 10 or 20 points, at most about 6.
fn share_ticks(lo: f64) -> Vec<(f64, String)> {
    let span = 1.0 - lo;
    let step = [0.01, 0.02, 0.05, 0.1, 0.2].into_iter().find(|s| span / s <= 6.0).unwrap_or(0.2);
    let first = (lo / step).ceil() as i64;
    let last = (1.0 / step + 1e-9).floor() as i64;
    (first..=last).map(|k| k as f64 * step).map(|y| (y, format!("{:.0}%", y * 100.0))).collect()
}

fn labelled(ticks: Vec<f64>, fmt: fn(f64) -> String) -> Vec<(f64, String)> {
    ticks.into_iter().map(|t| (t, fmt(t))).collect()
}

/// The summary of `strategy` for `kind`, if it had any.
fn kind_of<'a>(results: &'a Results, strategy: &str, kind: DisruptionKind) -> Option<&'a KindSummary> {
    results.strategies.iter().find(|s| s.name == strategy)?.kinds.iter().find(|k| k.kind == kind)
}

/// What a key entry's figure is, for scripts and tests reading the page:
/// strategy, disruption kind (if any) and measure (`rto-met`, `expected-cost`, ...).
type Figure<'a> = (&'a str, Option<&'a str>, &'a str);

/// A key entry: a swatch in the series' colour and dash, a name, a figure, a tooltip.
fn key_entry(i: usize, name: &str, figure: &str, tip: &str, data: Option<Figure>) -> Markup {
    html! {
        li title=(tip) tabindex="0" data-strategy=[data.map(|d| d.0)] data-kind=[data.and_then(|d| d.1)]
            data-measure=[data.map(|d| d.2)] {
            svg class="swatch" viewBox="0 0 40 12" aria-hidden="true" {
                line x1="0" y1="6" x2="40" y2="6" stroke=(colour(i)) stroke-width="4" stroke-dasharray=(dash(i)) {}
            }
            span class="name" { (name) }
            @if !figure.is_empty() { " " span class="figure" { (figure) } }
        }
    }
}

/// Label font sizes of report.css (`svg .label`, `svg .label.strong`), px.
const LABEL_PX: u32 = 24;
const STRONG_LABEL_PX: u32 = 26;

/// A CSS font size (the em) as the size plotters measures text at (the
/// height from descender to ascender): DejaVu Sans's ascender and
/// descender span 2,384 of its 2,048 units per em. Measured at the CSS size
/// itself, a label came out 1/1.164 of its width in a browser whose system
/// font is DejaVu Sans, and ran into the next point.
const EM_TO_PLOTTERS_SIZE: f64 = 2384.0 / 2048.0;

/// The frame of report.html's cost-against-risk chart.
fn cost_risk_frame(chart: &CostRiskChart) -> Frame {
    let ((lo, hi), y_lo) = chart.axes();
    let mut f = Frame::new(1600.0, 760.0, Scale::Log(lo, hi), Scale::Linear(y_lo, 1.005));
    f.left = 130.0;
    f
}

/// Where report.html's cost-against-risk chart puts its plot, points and
/// labels, in the SVG's units: by the same placement as the PNG chart
/// ([`CostRiskChart::place`]), with each label's size measured in the bundled
/// font (DejaVu Sans, as wide as the widest usual system font) at report.css's
/// sizes, so the browser's text fits its box.
pub fn cost_risk_layout(results: &Results) -> Layout {
    let chart = CostRiskChart::new(results);
    layout_in(&chart, &cost_risk_frame(&chart))
}

fn layout_in(chart: &CostRiskChart, f: &Frame) -> Layout {
    crate::report::charts::register_fonts();
    let plot = PixelBox { left: f.left as i32, top: f.top as i32, right: f.right as i32, bottom: f.bottom as i32 };
    let anchors: Vec<(i32, i32)> =
        chart.points.iter().map(|p| (f.px(p.cost_usd).round() as i32, f.py(p.both_met).round() as i32)).collect();
    let groups = chart.label_groups(&anchors);
    let sizes: Vec<(i32, i32)> = groups
        .iter()
        .map(|g| {
            let strong = chart.group_strong(g);
            let label = chart.group_label(g);
            let size = f64::from(if strong { STRONG_LABEL_PX } else { LABEL_PX }) * EM_TO_PLOTTERS_SIZE;
            let font = plotters::style::FontDesc::from((crate::report::charts::FONT, size));
            let font = if strong { font.style(plotters::style::FontStyle::Bold) } else { font };
            let w = font.box_size(&label).map_or(label.chars().count() as u32 * 16, |(w, _)| w);
            // A browser's text box is a line high (ascender to descender) whatever the letters,
            // drawn from the top edge 2 px into the box.
            (w as i32 + 4, size.ceil() as i32 + 4)
        })
        .collect();
    let line_y = f.py(chart.confidence).round() as i32;
    let (labels, line) = chart.place(plot, &anchors, &groups, &sizes, line_y);
    Layout { plot, markers: CostRiskChart::markers(&anchors), labels, groups, required_line: line }
}

/// The cost-against-risk chart: a point per strategy with its interval, the
/// Pareto front, the required confidence; each point's tooltip gives its
/// expected annual cost and its share of incidents meeting both targets.
/// Labels are placed as on the PNG chart (see [`cost_risk_layout`]).
pub fn cost_risk(results: &Results) -> Markup {
    cost_risk_chart(&CostRiskChart::new(results), &STRATEGY_TEXTS, &|p: &Point| {
        format!(
            "meets RTO and RPO in {} of incidents (95% CI {} to {})",
            fmt_percent(p.both_met),
            fmt_percent(p.low),
            fmt_percent(p.high)
        )
    })
}

/// A platform's plans against risk ([`PlanCostRiskChart`]): a point per
/// plan at its expected annual cost and its worst function's share of
/// outages meeting the function's RTO (or RPO, if lower); the tooltip gives
/// both. Labels are placed as on the PNG chart (see [`plan_cost_risk_layout`]).
pub fn plan_cost_risk(chart: &PlanCostRiskChart) -> Markup {
    cost_risk_chart(&chart.chart, &PLAN_TEXTS, &|p: &Point| {
        format!(
            "worst function: {} of outages meet its RTO (or RPO, if lower) (95% CI {} to {})",
            fmt_percent(p.both_met),
            fmt_percent(p.low),
            fmt_percent(p.high)
        )
    })
}

/// Where report.html's plans chart puts its plot, points and labels (see [`cost_risk_layout`]).
pub fn plan_cost_risk_layout(chart: &PlanCostRiskChart) -> Layout {
    layout_in(&chart.chart, &cost_risk_frame(&chart.chart))
}

/// A cost-against-risk chart in `texts`' words, `risk` giving each point's
/// risk figure in words for its tooltip.
fn cost_risk_chart(chart: &CostRiskChart, texts: &Texts, risk: &dyn Fn(&Point) -> String) -> Markup {
    let ((lo, hi), y_lo) = chart.axes();
    let f = cost_risk_frame(chart);
    let front = chart.pareto();
    let front_points: Vec<(f64, f64)> =
        front.iter().map(|&i| (chart.points[i].cost_usd, chart.points[i].both_met)).collect();
    let layout = layout_in(chart, &f);
    let anchors: Vec<(i32, i32)> =
        chart.points.iter().map(|p| (f.px(p.cost_usd).round() as i32, f.py(p.both_met).round() as i32)).collect();
    let required = format!("required: {:.1}%", chart.confidence * 100.0);
    let body = html! {
        (f.axes(&labelled(money_ticks(lo, hi), fmt_usd_tick), &share_ticks(y_lo),
            "expected total cost per year, USD (log scale)", texts.y_desc))
        (f.target_line((lo, chart.confidence), (hi, chart.confidence), None))
        path class="front" d=(f.path(&front_points)) {}
        @for (i, p) in chart.points.iter().enumerate() {
            @let (x, y) = (f.px(p.cost_usd), f.py(p.both_met));
            @let tip = format!("{}\nexpected cost {} a year\n{}", p.label(), fmt_usd(p.cost_usd), risk(p));
            g class="point" tabindex="0" data-strategy=(p.strategy) data-measure="expected-cost" {
                title { (tip) }
                line x1=(n(x)) x2=(n(x)) y1=(n(f.py(p.low))) y2=(n(f.py(p.high))) stroke=(colour(p.slot)) stroke-width="3" {}
                circle cx=(n(x)) cy=(n(y)) r="14" fill=(colour(p.slot)) stroke="#000"
                    stroke-width=(if front.contains(&i) { "4" } else { "1" }) {}
            }
        }
        @for (g, b) in layout.groups.iter().zip(&layout.labels) {
            @if let Some(((ax, ay), (cx, cy))) = leader(group_anchor(&anchors, g), b) {
                line class="leader" x1=(ax) y1=(ay) x2=(cx) y2=(cy) stroke="#000" stroke-opacity="0.5" stroke-width="1" {}
            }
            text class=(if chart.group_strong(g) { "label strong" } else { "label" })
                x=(b.left + 2) y=(b.top + 2) dominant-baseline="text-before-edge" { (chart.group_label(g)) }
        }
    };
    let key = html! {
        ul class="key" {
            @for p in chart.points.iter() {
                @let tip = format!("{}: expected cost {} a year", p.strategy, fmt_usd(p.cost_usd));
                (key_entry(p.slot, &p.strategy, &fmt_usd(p.cost_usd), &tip, None))
            }
            li class="note" { "Thick outline: on the Pareto front (nothing cheaper is safer). Bars: 95% interval. Dashed red line: " (required) "." }
        }
    };
    html! { (f.svg(texts.title, body)) (key) }
}

/// The CDF charts (downtime or data loss): a panel per disruption kind,
/// a curve per strategy, the target drawn; each panel's key gives every
/// strategy's share of incidents meeting the target, its tooltip the
/// interval and the quantiles.
pub fn cdf(results: &Results, chart: &CdfChart) -> Markup {
    html! {
        div class="panels" {
            @for panel in &chart.panels {
                (cdf_panel(results, chart.measure, panel))
            }
        }
    }
}

fn cdf_panel(results: &Results, measure: Measure, panel: &Panel) -> Markup {
    let (lo, hi, ticks) = panel.axis();
    let (target, axis, slug) = match measure {
        Measure::Downtime => ("RTO", "downtime per incident (log scale)", "rto-met"),
        Measure::DataLoss => ("RPO", "data-loss window (log scale)", "rpo-met"),
    };
    let f = Frame::new(720.0, 540.0, Scale::Log(lo, hi), Scale::Linear(0.0, 1.0));
    let notes = panel.notes(measure);
    let caption = format!("{} disruption ({target} target {})", panel.kind, fmt_duration_tick(panel.target_s));
    let body = html! {
        (f.axes(&labelled(ticks, fmt_duration_tick), &share_ticks(0.0), axis, "share of incidents at most x"))
        @for curve in &panel.curves {
            @let tip = kind_of(results, &curve.strategy, panel.kind)
                .map_or(curve.strategy.clone(), |k| format!("{} · {}\n{}", curve.strategy, panel.kind, quantiles(k, measure)));
            (f.series(&curve.drawn(lo, hi), curve.slot, &tip))
        }
        (f.target_line((panel.target_s, 0.0), (panel.target_s, 1.0), None))
        @for (row, note) in notes.iter().enumerate() {
            text class="note" x=(n(f.left + 16.0)) y=(n(f.top + 40.0 + 30.0 * row as f64)) { (note) }
        }
    };
    html! {
        figure class="panel" {
            figcaption { (caption) }
            (f.svg(&caption, body))
            ul class="key" {
                @for curve in &panel.curves {
                    @if let Some(k) = kind_of(results, &curve.strategy, panel.kind) {
                        @let share = match measure { Measure::Downtime => &k.rto_met, Measure::DataLoss => &k.rpo_met };
                        @let tip = format!(
                            "{} · {}\n{target} met in {} of incidents (95% CI {} to {}), target {}\n{}",
                            curve.strategy, panel.kind, fmt_percent(share.estimate), fmt_percent(share.low),
                            fmt_percent(share.high), fmt_duration_s(panel.target_s), quantiles(k, measure));
                        (key_entry(curve.slot, &curve.strategy, &format!("{} met", fmt_percent(share.estimate)), &tip,
                            Some((&curve.strategy, Some(panel.kind.name()), slug))))
                    }
                }
            }
        }
    }
}

/// P50, P95 and P99 of a kind's downtime or data loss, in words.
fn quantiles(k: &KindSummary, measure: Measure) -> String {
    let qs = match measure {
        Measure::Downtime => &k.rto_s,
        Measure::DataLoss => &k.rpo_s,
    };
    qs.as_ref().map_or("no incidents".to_string(), |q| {
        format!(
            "P50 {} · P95 {} · P99 {}",
            fmt_duration_s(q.p50.value),
            fmt_duration_s(q.p95.value),
            fmt_duration_s(q.p99.value)
        )
    })
}

/// The annual cost chart: every year, and the worst 10% of years zoomed;
/// P95 (circle) and CVaR95 (triangle) marked, each with its value on hover.
pub fn annual_cost(results: &Results) -> Markup {
    let chart = CostChart::new(results);
    let panels = [("all years", 0.0), ("the worst 10% of years (zoom)", 0.9)];
    html! {
        div class="panels two" {
            @for (caption, y_lo) in panels {
                (cost_panel(&chart, caption, y_lo))
            }
        }
        ul class="key" {
            @for (c, s) in chart.curves.iter().zip(&results.strategies) {
                (key_entry(c.slot, &c.strategy, "", &cost_tip(s), Some((&s.name, None, "annual-cost"))))
            }
            li class="note" { "Circle: P95 annual cost. Triangle: CVaR95, the mean of the worst 5% of years." }
        }
    }
}

fn cost_tip(s: &StrategySummary) -> String {
    let c = &s.cost;
    let q = c.total_annual_quantiles_usd.as_ref().map_or(String::new(), |q| {
        format!("\nP50 {} · P95 {} · P99 {}", fmt_usd(q.p50.value), fmt_usd(q.p95.value), fmt_usd(q.p99.value))
    });
    format!(
        "{}\nexpected cost {} a year (fixed {}, incidents {}){q}{}",
        s.name,
        fmt_usd(c.total_annual_usd.value),
        fmt_usd(c.line_items.total_usd),
        fmt_usd(c.incidents_annual_usd.value),
        c.cvar95_usd.map_or(String::new(), |v| format!("\nCVaR95 {}", fmt_usd(v)))
    )
}

fn cost_panel(chart: &CostChart, caption: &str, y_lo: f64) -> Markup {
    let (lo, hi) = chart.axis(y_lo);
    let f = Frame::new(800.0, 560.0, Scale::Log(lo, hi), Scale::Linear(y_lo, 1.0));
    let body = html! {
        (f.axes(&labelled(money_ticks(lo, hi), fmt_usd_tick), &share_ticks(y_lo),
            "total cost in one year, USD (log scale)", if y_lo == 0.0 { "share of years costing at most x" } else { "" }))
        @for c in &chart.curves {
            (f.series(&c.drawn(lo, hi, y_lo), c.slot, &c.strategy))
        }
        (f.target_line((lo, 0.95), (hi, 0.95), (y_lo > 0.0).then_some("95% of years")))
        @for c in &chart.curves {
            @if let Some((x, y)) = c.p95_marker() {
                circle class="mark" tabindex="0" cx=(n(f.px(x))) cy=(n(f.py(y))) r="10" fill=(colour(c.slot)) {
                    title { (format!("{}: P95 annual cost {}", c.strategy, fmt_usd(x))) }
                }
            }
            @if let Some((x, y)) = c.cvar95_marker() {
                @let (cx, cy) = (f.px(x), f.py(y));
                path class="mark" tabindex="0" fill=(colour(c.slot))
                    d=(format!("M{} {} L{} {} L{} {} Z", n(cx), n(cy - 12.0), n(cx + 11.0), n(cy + 8.0), n(cx - 11.0), n(cy + 8.0))) {
                    title { (format!("{}: CVaR95 {} (mean annual cost of the worst 5% of years)", c.strategy, fmt_usd(x))) }
                }
            }
        }
    };
    html! {
        figure class="panel" {
            figcaption { (caption) }
            (f.svg(caption, body))
        }
    }
}

/// Where recovery time goes: per kind, a stacked bar per strategy of the
/// mean time per incident in each step; each segment's tooltip gives it.
pub fn steps(results: &Results) -> Markup {
    let chart = StepsChart::new(results);
    html! {
        div class="panels" {
            @for (kind, bars) in &chart.panels {
                (steps_panel(*kind, bars))
            }
        }
        ul class="key steps" {
            @for (i, step) in Step::ALL.iter().enumerate() {
                li { span class="block" style=(format!("background:{}", step_colour(i))) {} (step_label(*step)) }
            }
        }
    }
}

fn steps_panel(kind: DisruptionKind, bars: &[Bar]) -> Markup {
    let max = bars.iter().map(|b| b.steps_s.iter().sum::<f64>()).fold(0.0, f64::max);
    let (div, unit) = time_unit(max);
    let x_max = (max / div * 1.15).max(1e-9);
    let rows = bars.len().max(1) as f64;
    let mut f = Frame::new(720.0, 140.0 + 70.0 * rows, Scale::Linear(0.0, x_max), Scale::Linear(-0.6, rows - 0.4));
    f.left = 240.0;
    let caption = format!("{kind} disruption");
    let ticks: Vec<(f64, String)> = linear_ticks(x_max).into_iter().map(|t| (t, fmt_number_tick(t))).collect();
    // Each bar's segments: step index, from and to (in axis units), seconds.
    let segments = |steps_s: &[f64]| {
        let mut from = 0.0;
        let mut out = Vec::new();
        for (s, secs) in steps_s.iter().enumerate() {
            let to = from + secs / div;
            if to > from {
                out.push((s, from, to, *secs));
            }
            from = to;
        }
        out
    };
    let body = html! {
        (f.axes(&ticks, &[], &format!("mean time per incident, {unit}"), ""))
        @for (row, bar) in bars.iter().enumerate() {
            @let y = rows - 1.0 - row as f64;
            @let total: f64 = bar.steps_s.iter().sum();
            text class="tick" x=(n(f.left - 12.0)) y=(n(f.py(y) + 8.0)) text-anchor="end" { (bar.strategy) }
            @for (s, from, to, secs) in segments(&bar.steps_s) {
                rect class="mark" tabindex="0" x=(n(f.px(from))) y=(n(f.py(y + 0.32)))
                    width=(n(f.px(to) - f.px(from))) height=(n(f.py(y - 0.32) - f.py(y + 0.32)))
                    fill=(step_colour(s)) stroke="#fff" stroke-width="2" {
                    title { (format!("{} · {kind}: {} {} mean per incident", bar.strategy,
                        step_label(Step::ALL[s]), fmt_duration_s(secs))) }
                }
            }
            text class="tick" x=(n(f.px(total / div) + 8.0)) y=(n(f.py(y) + 8.0)) { (fmt_duration_s(total)) }
        }
    };
    html! {
        figure class="panel" {
            figcaption { (caption) }
            (f.svg(&caption, body))
        }
    }
}

/// The weakest-link chart ([`WeakestLinkChart`]): a panel per function, a
/// group of bars per plan, a bar per service the function needs, each with
/// its share in figures and on hover.
pub fn weakest_link(chart: &WeakestLinkChart) -> Markup {
    let mut functions: Vec<&str> = Vec::new();
    for b in &chart.bars {
        if !functions.contains(&b.function.as_str()) {
            functions.push(&b.function);
        }
    }
    html! {
        div class="panels two" {
            @for function in &functions {
                (weakest_panel(chart, function))
            }
        }
        ul class="key" {
            @for (i, service) in chart.services.iter().enumerate() {
                li { span class="block" style=(format!("background:{}", colour(i))) {} (service) }
            }
        }
    }
}

/// Height of one service's bar on the weakest-link chart, px (its label's room).
const WEAKEST_BAR_PX: f64 = 26.0;

fn weakest_panel(chart: &WeakestLinkChart, function: &str) -> Markup {
    let bars: Vec<&crate::report::charts::platform::Bar> =
        chart.bars.iter().filter(|b| b.function == function).collect();
    let per_group = bars.iter().map(|b| b.shares.len()).max().unwrap_or(1).max(1) as f64;
    let group_px = per_group * WEAKEST_BAR_PX + 24.0;
    let rows = bars.len().max(1) as f64;
    let mut f = Frame::new(900.0, 120.0 + group_px * rows, Scale::Linear(0.0, 1.45), Scale::Linear(0.0, rows));
    f.left = 240.0;
    let ticks: Vec<(f64, String)> =
        (0..=5).map(|k| f64::from(k) * 0.2).map(|x| (x, format!("{:.0}%", x * 100.0))).collect();
    let body = html! {
        (f.axes(&ticks, &[], "share of the function's downtime", ""))
        @for (row, bar) in bars.iter().enumerate() {
            @let top = f.py(rows - row as f64) + 12.0;
            text class="tick" x=(n(f.left - 12.0)) y=(n(top + bar.shares.len() as f64 * WEAKEST_BAR_PX / 2.0 + 8.0)) text-anchor="end" { (bar.plan) }
            @for (j, &(s, share)) in bar.shares.iter().enumerate() {
                @let y = top + j as f64 * WEAKEST_BAR_PX;
                @let service = chart.services.get(s).map_or("", String::as_str);
                rect class="mark" tabindex="0" x=(n(f.left)) y=(n(y + 2.0)) width=(n(f.px(share) - f.left))
                    height=(n(WEAKEST_BAR_PX - 4.0)) fill=(colour(s)) data-service=(service) data-plan=(bar.plan) {
                    title { (format!("{} · {function}: {service} {}\n{}", bar.plan, fmt_percent(share), WEAKEST_MEASURE)) }
                }
                text class="tick" x=(n(f.px(share) + 8.0)) y=(n(y + WEAKEST_BAR_PX / 2.0 + 7.0)) { (service) " " (fmt_percent(share)) }
            }
        }
    };
    html! {
        figure class="panel" {
            figcaption { (function) }
            (f.svg(&format!("weakest link of {function}"), body))
        }
    }
}

/// Round ticks from 0 to `max` (1, 2 or 5 x 10^n apart), at most about 6.
fn linear_ticks(max: f64) -> Vec<f64> {
    let raw = max / 5.0;
    let decade = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * decade).find(|s| *s >= raw).unwrap_or(decade * 10.0);
    (0..).map(|k| k as f64 * step).take_while(|t| *t <= max).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_inside_the_axis() {
        assert_eq!(linear_ticks(12.0), vec![0.0, 5.0, 10.0]);
        assert_eq!(linear_ticks(9.0), vec![0.0, 2.0, 4.0, 6.0, 8.0]);
        let shares: Vec<String> = share_ticks(0.8).into_iter().map(|t| t.1).collect();
        assert_eq!(shares, ["80%", "85%", "90%", "95%", "100%"]);
        assert_eq!(colour(2), "#0072b2");
    }

    #[test]
    fn paths_leave_out_points_that_change_nothing() {
        let f = Frame::new(1000.0, 1000.0, Scale::Linear(0.0, 1.0), Scale::Linear(0.0, 1.0));
        let f = Frame { left: 0.0, right: 1000.0, top: 0.0, bottom: 1000.0, ..f };
        let points = [(0.0, 0.0), (0.1, 0.0), (0.2, 0.0), (0.2, 0.0), (0.2, 0.5), (0.2, 0.6), (0.3, 0.7)];
        assert_eq!(f.path(&points), "M0.0 1000.0 L200.0 1000.0 L200.0 400.0 L300.0 300.0");
    }

    #[test]
    fn log_scale_clamps_to_the_axis() {
        let s = Scale::Log(1.0, 100.0);
        assert!((s.frac(10.0) - 0.5).abs() < 1e-12);
        assert_eq!(s.frac(0.0), 0.0);
        assert_eq!(s.frac(1e9), 1.0);
    }
}
