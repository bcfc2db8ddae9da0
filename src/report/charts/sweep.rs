//! The sweep chart: P(targets met) and expected annual cost against the swept
//! parameter, one line per strategy, the required confidence drawn.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{LABEL_SIZE, LINE_WIDTH, TICK_SIZE, TITLE_SIZE, colour, dash};
use super::{Chart, FONT};
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

/// A chart with f64 coordinates on both axes (linear or log).
type Cartesian<'a, DB, X, Y> = ChartContext<'a, DB, Cartesian2d<X, Y>>;

/// Draws series number `i` as a line (solid or dashed by [`dash`]) with
/// markers, in its palette colour, and labels it for the legend.
pub(crate) fn draw_series<'a, DB, X, Y>(
    chart: &mut Cartesian<'a, DB, X, Y>,
    points: &[(f64, f64)],
    i: usize,
    label: &str,
    markers: bool,
) -> Result<(), String>
where
    DB: DrawingBackend + 'a,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let style = colour(i).stroke_width(LINE_WIDTH);
    let legend_style = style;
    let annotation = match dash(i) {
        None => chart.draw_series(LineSeries::new(points.iter().copied(), style)).map_err(e)?,
        Some((on, off)) => {
            chart.draw_series(DashedLineSeries::new(points.iter().copied(), on, off, style)).map_err(e)?
        }
    };
    annotation.label(label).legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], legend_style));
    if markers {
        chart.draw_series(points.iter().map(|&p| Circle::new(p, 7, colour(i).filled()))).map_err(e)?;
    }
    Ok(())
}

/// Draws the legend in the given corner.
pub(crate) fn draw_legend<'a, DB, X, Y>(
    chart: &mut Cartesian<'a, DB, X, Y>,
    at: SeriesLabelPosition,
) -> Result<(), String>
where
    DB: DrawingBackend + 'a,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    chart
        .configure_series_labels()
        .position(at)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font((FONT, TICK_SIZE))
        .draw()
        .map_err(|e| e.to_string())
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

fn p_met(p: &StrategyPoint) -> f64 {
    p.rto_met.estimate.min(p.rpo_met.estimate)
}

impl Chart for SweepChart<'_> {
    fn name(&self) -> &str {
        NAME
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        let s = self.sweep;
        let Some(axis) = s.axes.first() else { return Ok(()) };
        let labels = axis.values.clone();
        let n = labels.len() as f64;
        let x_range = -0.3..(n - 0.7).max(0.3);
        let (w, _) = area.dim_in_pixel();
        let (left, right) = area.split_horizontally(w / 2);
        let x_fmt = |x: &f64| {
            let i = x.round();
            if (x - i).abs() < 1e-6 && i >= 0.0 {
                labels.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        };

        // Left: P(targets met), worst kind, with the required confidence.
        let probs = self.lines(p_met);
        let lowest = probs.iter().flat_map(|l| l.2.iter().map(|p| p.1)).fold(s.confidence, f64::min);
        let y_low = ((lowest - 0.02).max(0.0) * 50.0).floor() / 50.0;
        let mut chart = ChartBuilder::on(&left)
            .caption("P(targets met), worst kind", (FONT, TITLE_SIZE))
            .margin(20)
            .x_label_area_size(70)
            .y_label_area_size(100)
            .build_cartesian_2d(x_range.clone(), y_low..1.005)
            .map_err(e)?;
        chart
            .configure_mesh()
            .x_labels(labels.len())
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&|y| format!("{:.0}%", y * 100.0))
            .x_desc(axis.path.as_str())
            .y_desc("share of incidents meeting RTO and RPO")
            .label_style((FONT, TICK_SIZE))
            .axis_desc_style((FONT, LABEL_SIZE))
            .draw()
            .map_err(e)?;
        chart
            .draw_series(DashedLineSeries::new(
                [(x_range.start, s.confidence), (x_range.end, s.confidence)],
                10,
                8,
                RGBColor(120, 120, 120).stroke_width(3),
            ))
            .map_err(e)?
            .label(format!("required {}", crate::report::fmt_percent(s.confidence)))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], RGBColor(120, 120, 120).stroke_width(3)));
        for (label, i, pts) in &probs {
            draw_series(&mut chart, pts, *i, label, true)?;
        }
        draw_legend(&mut chart, SeriesLabelPosition::LowerLeft)?;

        // Right: expected annual cost.
        let costs = self.lines(|p| p.expected_annual_cost_usd);
        let top = costs.iter().flat_map(|l| l.2.iter().map(|p| p.1)).fold(0.0, f64::max) * 1.1;
        let mut chart = ChartBuilder::on(&right)
            .caption("Expected annual cost", (FONT, TITLE_SIZE))
            .margin(20)
            .x_label_area_size(70)
            .y_label_area_size(130)
            .build_cartesian_2d(x_range, 0.0..top.max(1.0))
            .map_err(e)?;
        chart
            .configure_mesh()
            .x_labels(labels.len())
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&|y| format!("${:.2}M", y / 1e6))
            .x_desc(axis.path.as_str())
            .y_desc("USD per year")
            .label_style((FONT, TICK_SIZE))
            .axis_desc_style((FONT, LABEL_SIZE))
            .draw()
            .map_err(e)?;
        for (label, i, pts) in &costs {
            draw_series(&mut chart, pts, *i, label, true)?;
        }
        Ok(())
    }
}
