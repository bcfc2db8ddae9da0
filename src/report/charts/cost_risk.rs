//! Chart (d): cost against risk. Each strategy is a point at its expected
//! annual cost (x, log scale) and its P(meeting both targets) (y): the share
//! of its incidents, all kinds pooled, meeting both RTO and RPO (see
//! [`crate::report::csv::both_met_all_kinds`]), with its 95% Wilson interval
//! as an error bar. The Pareto front (no other strategy is
//! both cheaper and at least as safe) is joined by a line; the recommendation
//! is labelled.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::draw::{self, err};
use super::style::{self, fmt_usd_tick, money_ticks};
use super::{Chart, FONT};
use crate::report::csv::both_met_all_kinds;
use crate::simulation::Results;

/// One strategy on the chart.
#[derive(Clone, Debug)]
pub struct Point {
    /// Strategy name.
    pub strategy: String,
    /// Expected total annual cost, USD.
    pub cost_usd: f64,
    /// Share of incidents (all kinds) meeting both targets.
    pub both_met: f64,
    /// Its 95% interval.
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// Whether it is the recommendation.
    pub recommended: bool,
    /// Whether, none meeting the targets, it is the one that comes closest.
    pub closest: bool,
}

impl Point {
    /// The point's label: its name, marked when it is the recommendation or the closest.
    pub fn label(&self) -> String {
        if self.recommended {
            format!("{} (recommended)", self.strategy)
        } else if self.closest {
            format!("{} (closest; none meets the targets)", self.strategy)
        } else {
            self.strategy.clone()
        }
    }
}

/// The chart's title.
pub const TITLE: &str = "Cost against risk: expected annual cost vs P(meeting both targets)";

/// Where the points' labels go, for points at pixels `anchors` (x, y) on a
/// 1600 x 900 chart: the top of each label (placed right of its point), in
/// the order given. Labels are laid top to bottom, each pushed down to stay
/// 30 px below one above it that it would overlap.
pub fn label_tops(anchors: &[(i32, i32)]) -> Vec<i32> {
    let mut order: Vec<usize> = (0..anchors.len()).collect();
    order.sort_by_key(|&i| anchors[i].1);
    let mut tops = vec![0; anchors.len()];
    let mut placed: Vec<(i32, i32)> = Vec::new();
    for i in order {
        let (px, py) = anchors[i];
        let mut y = py - 14;
        for &(x0, y0) in &placed {
            if (px - x0).abs() < 320 && y < y0 + 30 {
                y = y0 + 30;
            }
        }
        placed.push((px, y));
        tops[i] = y;
    }
    tops
}

/// The cost-against-risk chart.
#[derive(Clone, Debug)]
pub struct CostRiskChart {
    /// One point per strategy.
    pub points: Vec<Point>,
    /// The required confidence (horizontal reference line).
    pub confidence: f64,
}

impl CostRiskChart {
    /// The chart from a run.
    pub fn new(results: &Results) -> CostRiskChart {
        let points = results
            .strategies
            .iter()
            .map(|s| {
                let share = both_met_all_kinds(s);
                Point {
                    strategy: s.name.clone(),
                    cost_usd: s.cost.total_annual_usd.value,
                    both_met: share.estimate,
                    low: share.low,
                    high: share.high,
                    recommended: results.decision.recommended.as_ref() == Some(&s.name),
                    closest: results.decision.closest.as_ref() == Some(&s.name),
                }
            })
            .collect();
        CostRiskChart { points, confidence: results.targets.confidence }
    }

    /// The axes: `((lo, hi), y_lo)`: expected cost in USD per year on a log
    /// scale, at least a factor 3 wide so the money ticks have room; the
    /// share from `y_lo` (a multiple of 5%, below every interval and the
    /// required confidence) to 100%.
    pub fn axes(&self) -> ((f64, f64), f64) {
        let min = self.points.iter().map(|p| p.cost_usd).filter(|c| *c > 0.0).fold(f64::INFINITY, f64::min);
        let max = self.points.iter().map(|p| p.cost_usd).fold(0.0, f64::max);
        let (lo, hi) = if min.is_finite() && max > 0.0 { (min / 1.3, max * 1.8) } else { (1.0, 10.0) };
        let widen = (3.0 / (hi / lo)).max(1.0).sqrt();
        let (lo, hi) = (lo / widen, hi * widen);
        let y_min = self.points.iter().map(|p| p.low).fold(self.confidence, f64::min);
        let y_lo = ((y_min - 0.05).max(0.0) * 20.0).floor() / 20.0;
        ((lo, hi), y_lo)
    }

    /// Indices of the Pareto-optimal points (no other point is at most as
    /// costly and at least as safe, with one strictly better), by cost.
    pub fn pareto(&self) -> Vec<usize> {
        let p = &self.points;
        let mut front: Vec<usize> = (0..p.len())
            .filter(|&i| {
                !(0..p.len()).any(|j| {
                    j != i
                        && p[j].cost_usd <= p[i].cost_usd
                        && p[j].both_met >= p[i].both_met
                        && (p[j].cost_usd < p[i].cost_usd || p[j].both_met > p[i].both_met)
                })
            })
            .collect();
        front.sort_by(|&a, &b| p[a].cost_usd.total_cmp(&p[b].cost_usd));
        front
    }
}

impl Chart for CostRiskChart {
    fn name(&self) -> &str {
        "cost_vs_risk"
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let body = draw::titled(area, TITLE)?;
        let ((lo, hi), y_lo) = self.axes();
        let mut chart = ChartBuilder::on(&body)
            .margin(20)
            .x_label_area_size(80)
            .y_label_area_size(110)
            .build_cartesian_2d((lo..hi).log_scale().with_key_points(money_ticks(lo, hi)), y_lo..1.005)
            .map_err(err)?;
        draw::house_mesh(&mut chart.configure_mesh())
            .x_desc("expected total cost per year, USD (log scale)")
            .y_desc("share of incidents meeting RTO and RPO")
            .x_label_formatter(&|x| fmt_usd_tick(*x))
            .y_label_formatter(&|y| format!("{:.0}%", y * 100.0))
            .axis_desc_style((FONT, style::LABEL_SIZE))
            .draw()
            .map_err(err)?;
        let required = format!("required: {:.1}%", self.confidence * 100.0);
        draw::target_line(&mut chart, (lo, self.confidence), (hi, self.confidence), Some(&required))?;
        let front: Vec<(f64, f64)> =
            self.pareto().iter().map(|&i| (self.points[i].cost_usd, self.points[i].both_met)).collect();
        chart
            .draw_series(LineSeries::new(front, BLACK.stroke_width(3)))
            .map_err(err)?
            .label("Pareto front (nothing cheaper is safer)")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 40, y)], BLACK.stroke_width(3)));
        let front_set = self.pareto();
        let mut labels = Vec::new();
        for (i, p) in self.points.iter().enumerate() {
            let colour = style::colour(i);
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(p.cost_usd, p.low), (p.cost_usd, p.high)],
                    colour.stroke_width(3),
                )))
                .map_err(err)?;
            let on_front = front_set.contains(&i);
            chart
                .draw_series(std::iter::once(Circle::new((p.cost_usd, p.both_met), 14, colour.filled())))
                .map_err(err)?
                .label(p.strategy.clone())
                .legend(move |(x, y)| Circle::new((x + 20, y), 10, colour.filled()));
            chart
                .draw_series(std::iter::once(Circle::new(
                    (p.cost_usd, p.both_met),
                    14,
                    BLACK.stroke_width(if on_front { 4 } else { 1 }),
                )))
                .map_err(err)?;
            let text = p.label();
            let font = if p.recommended || p.closest {
                (FONT, style::LABEL_SIZE).into_font().style(FontStyle::Bold)
            } else {
                (FONT, style::TICK_SIZE).into_font()
            };
            labels.push((chart.backend_coord(&(p.cost_usd, p.both_met)), text, font));
        }
        draw::legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        let (ox, oy) = body.get_base_pixel();
        let anchors: Vec<(i32, i32)> = labels.iter().map(|(at, _, _)| *at).collect();
        for (((px, _), text, font), y) in labels.into_iter().zip(label_tops(&anchors)) {
            body.draw(&Text::new(text, (px - ox + 22, y - oy), font)).map_err(err)?;
        }
        Ok(())
    }
}
