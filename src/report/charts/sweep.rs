//! The sweep chart: P(targets met) and expected annual cost against the swept
//! parameter, one line per strategy, the required confidence drawn.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{self, LABEL_SIZE, colour};
use super::{Chart, FONT, draw};
use crate::whatif::sweep::{StrategyPoint, Sweep};

/// The chart's file stem.
pub const NAME: &str = "sweep";

/// The sweep chart. With several swept parameters, the first is the x axis
/// and each combination of the others gets its own line per strategy.
#[derive(Debug)]
pub struct SweepChart<'a> {
    /// The finished sweep.
    pub sweep: &'a Sweep,
}

/// One plotted line: legend label, series index, points (x index, value).
type Line = (String, usize, Vec<(f64, f64)>);

impl SweepChart<'_> {
    /// Lines: (label, strategy index, points (x index, value)).
    fn lines(&self, metric: fn(&StrategyPoint) -> f64) -> Vec<Line> {
        let s = self.sweep;
        let per_x = s.axes.first().map_or(1, |a| a.values.len());
        let groups = s.points.len() / per_x.max(1);
        let strategies = s.points.first().map_or(0, |p| p.strategies.len());
        let mut out = Vec::new();
        // Points are ordered with the last axis fastest: for the first axis as
        // x, point (xi, g) sits at xi * groups + g.
        for g in 0..groups {
            for k in 0..strategies {
                let pts: Vec<(f64, f64)> =
                    (0..per_x).map(|xi| (xi as f64, metric(&s.points[xi * groups + g].strategies[k]))).collect();
                let first = &s.points[g];
                let mut label = first.strategies[k].strategy.clone();
                if s.axes.len() > 1 {
                    let rest: Vec<String> = s.axes[1..]
                        .iter()
                        .zip(&first.values[1..])
                        .map(|(a, v)| format!("{}={v}", short(&a.path)))
                        .collect();
                    label = format!("{label} ({})", rest.join(", "));
                }
                out.push((label, k + g * strategies, pts));
            }
        }
        out
    }
}

fn short(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

/// What one panel plots.
struct Panel {
    title: &'static str,
    y_desc: &'static str,
    metric: fn(&StrategyPoint) -> f64,
    /// A share (0-1, with the required confidence drawn) rather than USD.
    share: bool,
}

const PANELS: [Panel; 3] = [
    Panel {
        title: "P(RTO met), worst kind",
        y_desc: "share of incidents",
        metric: |p| p.rto_met.estimate,
        share: true,
    },
    Panel {
        title: "P(RPO met), worst kind",
        y_desc: "share of incidents",
        metric: |p| p.rpo_met.estimate,
        share: true,
    },
    Panel {
        title: "Expected annual cost",
        y_desc: "USD per year",
        metric: |p| p.expected_annual_cost_usd,
        share: false,
    },
];

impl SweepChart<'_> {
    fn panel<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, panel: &Panel) -> Result<(), String> {
        let s = self.sweep;
        let Some(axis) = s.axes.first() else { return Ok(()) };
        let labels = &axis.values;
        let n = labels.len() as f64;
        let x_range = -0.3..(n - 0.7).max(0.3);
        let x_fmt = |x: &f64| style::fmt_category_tick(labels, *x);
        let lines = self.lines(panel.metric);
        let values = || lines.iter().flat_map(|l| l.2.iter().map(|p| p.1));
        let y_range = if panel.share {
            let lowest = values().fold(s.confidence, f64::min);
            (((lowest - 0.02).max(0.0) * 50.0).floor() / 50.0)..1.005
        } else {
            0.0..(values().fold(0.0, f64::max) * 1.1).max(1.0)
        };
        let area = draw::panel_caption(area, panel.title)?;
        let mut chart = ChartBuilder::on(&area)
            .margin(15)
            .margin_top(0)
            .x_label_area_size(90)
            .y_label_area_size(if panel.share { 80 } else { 110 })
            .build_cartesian_2d(x_range.clone(), y_range)
            .map_err(draw::err)?;
        let y_fmt = |y: &f64| if panel.share { style::fmt_share_tick(*y) } else { format!("${:.2}M", y / 1e6) };
        draw::house_mesh(&mut chart.configure_mesh())
            .x_labels(labels.len())
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .x_desc(short(&axis.path))
            .y_desc(panel.y_desc)
            .axis_desc_style((FONT, LABEL_SIZE))
            .draw()
            .map_err(draw::err)?;
        if panel.share {
            draw::target_line(&mut chart, (x_range.start, s.confidence), (x_range.end, s.confidence), None)?;
        }
        for (_, i, points) in &lines {
            draw::line(&mut chart, points.clone(), *i, None)?;
            chart.draw_series(points.iter().map(|&p| Circle::new(p, 7, colour(*i).filled()))).map_err(draw::err)?;
        }
        Ok(())
    }
}

impl Chart for SweepChart<'_> {
    fn name(&self) -> &str {
        NAME
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let path = self.sweep.axes.first().map_or("", |a| a.path.as_str());
        let body = draw::titled(area, &format!("Sweep of {path}"))?;
        // The key once, above the panels: in a panel it would cover lines at 0% or 100%.
        let names: Vec<String> = self.lines(PANELS[0].metric).into_iter().map(|l| l.0).collect();
        let required = format!("required {}", crate::format::fmt_percent(self.sweep.confidence));
        let body = draw::key_strip(&body, &names, Some(&required), 50)?;
        for (panel, sub) in PANELS.iter().zip(&body.split_evenly((1, PANELS.len()))) {
            self.panel(sub, panel)?;
        }
        Ok(())
    }
}
