//! Charts (a) and (b): the CDF of downtime (achieved RTO) and of the
//! data-loss window (achieved RPO) per incident, one line per strategy, one
//! panel per disruption kind, the target drawn as a vertical line. Log x axis:
//! these durations span seconds to days.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::draw::{self, err};
use super::style::{self, decade_ticks, duration_ticks, fmt_duration_tick, log_range};
use super::{Chart, FONT};
use crate::model::DisruptionKind;
use crate::simulation::Results;
use crate::stats::{LogHistogram, Mixture};

/// Which per-incident duration a CDF chart shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    /// Load-weighted downtime per incident (achieved RTO), against the RTO target.
    Downtime,
    /// Data-loss window per incident (achieved RPO), against the RPO target.
    DataLoss,
}

/// One strategy's curve in one panel: points `(seconds, share at most)`.
#[derive(Clone, Debug)]
pub struct Curve {
    /// Strategy name (legend).
    pub strategy: String,
    /// Its style slot ([`super::strategy_slots`]).
    pub slot: usize,
    /// CDF points, x ascending, seconds.
    pub points: Vec<(f64, f64)>,
    /// Share of incidents with a zero value (drawn from the left edge).
    pub zero_share: f64,
    /// Share of incidents beyond the axis (all data lost): the curve ends below 1 by this much.
    pub lost_share: f64,
}

/// One panel: one disruption kind.
#[derive(Clone, Debug)]
pub struct Panel {
    /// The kind.
    pub kind: DisruptionKind,
    /// Its target, seconds.
    pub target_s: f64,
    /// One curve per strategy that had incidents of this kind.
    pub curves: Vec<Curve>,
}

/// A CDF chart over every kind in the model.
#[derive(Clone, Debug)]
pub struct CdfChart {
    /// Downtime or data loss.
    pub measure: Measure,
    /// One panel per kind.
    pub panels: Vec<Panel>,
    /// The required share of incidents meeting the target: the tail view marks
    /// `1 - confidence`, the share allowed to miss it.
    pub confidence: f64,
}

/// The empirical CDF of a histogram at its bucket upper bounds: `(x, F(x))`
/// with `F` the share of values at most `x`; the zero bucket and the
/// overflow (infinite) bucket are returned as shares instead of points.
pub fn cdf_points(h: &LogHistogram) -> (Vec<(f64, f64)>, f64, f64) {
    cdf_points_of(&Mixture::of(h))
}

/// [`cdf_points`] of a weighted distribution (a stratified run's mixture of
/// strata): shares are of the weighted mass. For [`Mixture::of`] one
/// histogram the masses are its counts, summed exactly.
pub fn cdf_points_of(h: &Mixture<'_>) -> (Vec<(f64, f64)>, f64, f64) {
    let total = h.total();
    if total <= 0.0 {
        return (Vec::new(), 0.0, 0.0);
    }
    let mut points = Vec::new();
    let mut seen = 0.0;
    let mut zero = 0.0;
    let mut lost = 0.0;
    for (lo, hi, mass) in h.masses() {
        if hi == 0.0 {
            zero = mass / total;
            seen += mass;
        } else if hi.is_infinite() {
            lost = mass / total;
        } else {
            points.push((lo, seen / total));
            seen += mass;
            points.push((hi, seen / total));
        }
    }
    (points, zero, lost)
}

impl Curve {
    /// The tail of the curve as drawn on the tail view: `(x, share above x)`
    /// from `lo` to `hi`, shares below `y_lo` (a log axis has no 0) held at `y_lo`.
    pub fn tail(&self, lo: f64, hi: f64, y_lo: f64) -> Vec<(f64, f64)> {
        self.drawn(lo, hi).into_iter().map(|(x, f)| (x, (1.0 - f).max(y_lo))).collect()
    }

    /// The curve as drawn on an x axis from `lo` to `hi`: from the left edge
    /// at its zero share, through its points, flat to the right edge.
    pub fn drawn(&self, lo: f64, hi: f64) -> Vec<(f64, f64)> {
        let mut points = vec![(lo, self.zero_share)];
        points.extend(self.points.iter().copied());
        let last = points.last().map_or(self.zero_share, |p| p.1);
        points.push((hi, last));
        points
    }
}

impl Panel {
    /// The panel's x axis: `(lo, hi, ticks)` in seconds on a log scale,
    /// covering every curve and the target, the target always a tick (round
    /// ticks too close to it make way).
    pub fn axis(&self) -> (f64, f64, Vec<f64>) {
        let xs = self.curves.iter().flat_map(|c| c.points.iter().map(|p| p.0));
        let (lo, hi) = log_range(xs, &[self.target_s]);
        let mut ticks: Vec<f64> = duration_ticks(lo, hi, 5)
            .into_iter()
            .filter(|t| (t / self.target_s).ln().abs() > (hi / lo).ln() / 10.0)
            .collect();
        ticks.push(self.target_s);
        ticks.sort_by(f64::total_cmp);
        (lo, hi, ticks)
    }

    /// Notes a reviewer needs that the curves cannot show: incidents that
    /// lost all data (beyond the axis), or nothing lost at all.
    pub fn notes(&self, measure: Measure) -> Vec<String> {
        let mut notes: Vec<String> = self
            .curves
            .iter()
            .filter(|c| c.lost_share > 0.0)
            .map(|c| format!("{}: {:.2}% lost all data", c.strategy, c.lost_share * 100.0))
            .collect();
        let what = match measure {
            Measure::Downtime => "no downtime",
            Measure::DataLoss => "no data lost",
        };
        if !self.curves.is_empty() && self.curves.iter().all(|c| c.zero_share >= 1.0) {
            notes.push(format!("{what} in any {} incident", self.kind));
        } else if !self.curves.is_empty() && self.curves.iter().all(|c| c.zero_share >= 0.99) {
            // Nearly flat at 100%: the curves say little; the shares say it all.
            for c in &self.curves {
                notes.push(format!("{}: {what} in {:.2}%", c.strategy, c.zero_share * 100.0));
            }
        }
        notes
    }
}

impl CdfChart {
    /// The chart for `measure` from a run's tally.
    pub fn new(results: &Results, measure: Measure) -> CdfChart {
        let t = &results.tally;
        let slots = super::strategy_slots(results);
        let panels = super::kinds(results)
            .into_iter()
            .map(|kind| {
                let i = kind.index();
                let target_s = match measure {
                    Measure::Downtime => t.rto_s[i],
                    Measure::DataLoss => t.rpo_s[i],
                };
                let curves = results
                    .strategies
                    .iter()
                    .enumerate()
                    .zip(&slots)
                    .filter(|((_, s), _)| s.kinds.iter().any(|k| k.kind == kind && k.incidents > 0))
                    .map(|((j, s), &slot)| {
                        let h = results.distribution(|t| match measure {
                            Measure::Downtime => &t.strategies[j].kinds[i].downtime_s,
                            Measure::DataLoss => &t.strategies[j].kinds[i].data_loss_s,
                        });
                        let (points, zero_share, lost_share) = cdf_points_of(&h);
                        Curve { strategy: s.name.clone(), slot, points, zero_share, lost_share }
                    })
                    .collect();
                Panel { kind, target_s, curves }
            })
            .collect();
        CdfChart { measure, panels, confidence: results.targets.confidence }
    }

    /// The chart's title.
    pub fn title(&self) -> &'static str {
        match self.measure {
            Measure::Downtime => "Downtime per incident (achieved RTO), by strategy",
            Measure::DataLoss => "Data-loss window per incident (achieved RPO), by strategy",
        }
    }
}

impl Chart for CdfChart {
    fn name(&self) -> &str {
        match self.measure {
            Measure::Downtime => "downtime_cdf",
            Measure::DataLoss => "data_loss_cdf",
        }
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let body = draw::titled(area, self.title())?;
        let names: Vec<(String, usize)> = self
            .panels
            .iter()
            .max_by_key(|p| p.curves.len())
            .map(|p| p.curves.iter().map(|c| (c.strategy.clone(), c.slot)).collect())
            .unwrap_or_default();
        let target = match self.measure {
            Measure::Downtime => "RTO target",
            Measure::DataLoss => "RPO target",
        };
        let body = draw::key_strip_styled(&body, &names, Some(target), 50)?;
        let n = self.panels.len().max(1);
        for (p, (panel, cell)) in self.panels.iter().zip(body.split_evenly((1, n))).enumerate() {
            let height = cell.dim_in_pixel().1;
            let (top, bottom) = cell.split_vertically(height * 55 / 100);
            self.draw_panel(panel, &top, p == 0)?;
            self.draw_tail(panel, &bottom, p == 0)?;
        }
        Ok(())
    }
}

impl CdfChart {
    fn draw_panel<DB: DrawingBackend>(
        &self,
        panel: &Panel,
        area: &DrawingArea<DB, Shift>,
        with_legend: bool,
    ) -> Result<(), String> {
        let (target_name, axis) = match self.measure {
            Measure::Downtime => ("RTO", "downtime per incident (log scale)"),
            Measure::DataLoss => ("RPO", "data-loss window (log scale)"),
        };
        let (lo, hi, ticks) = panel.axis();
        let caption = format!("{} disruption ({target_name} target {})", panel.kind, fmt_duration_tick(panel.target_s));
        let area = draw::panel_caption(area, &caption)?;
        let mut chart = ChartBuilder::on(&area)
            .margin(12)
            .margin_top(0)
            .margin_right(30)
            .x_label_area_size(70)
            .y_label_area_size(if with_legend { 90 } else { 60 })
            .build_cartesian_2d((lo..hi).log_scale().with_key_points(ticks), 0.0..1.0)
            .map_err(err)?;
        draw::house_mesh(&mut chart.configure_mesh())
            .x_desc(axis)
            .y_desc(if with_legend { "share of incidents at most x" } else { "" })
            .x_label_formatter(&|x| fmt_duration_tick(*x))
            .y_label_formatter(&|y| style::fmt_share_tick(*y))
            .axis_desc_style((FONT, style::TICK_SIZE))
            .draw()
            .map_err(err)?;
        for curve in &panel.curves {
            draw::line(&mut chart, curve.drawn(lo, hi), curve.slot, None)?;
        }
        draw::target_line(&mut chart, (panel.target_s, 0.0), (panel.target_s, 1.0), None)?;
        let notes = panel.notes(self.measure);
        let notes: Vec<String> = notes.into_iter().take(4).collect();
        let font = (FONT, style::TICK_SIZE).into_font();
        let (ox, oy) = area.get_base_pixel();
        let style = TextStyle::from(font.clone());
        for (row, note) in notes.iter().enumerate() {
            let (x, y) = chart.backend_coord(&(lo * 1.15, 0.88 - 0.1 * row as f64));
            let (w, h) = area.estimate_text_size(note, &style).map_err(err)?;
            // A light box under the note, so it reads where it crosses a curve.
            let (x, y) = (x - ox, y - oy);
            area.draw(&Rectangle::new(
                [(x - 4, y - 2), (x + w as i32 + 4, y + h as i32 + 2)],
                WHITE.mix(0.85).filled(),
            ))
            .map_err(err)?;
            area.draw(&Text::new(note.clone(), (x, y), font.clone())).map_err(err)?;
        }
        Ok(())
    }

    /// The tail view under a panel: the share of incidents *above* x on a log scale, so the
    /// required confidence reads off directly: a curve must pass under the marked point where
    /// the target meets `1 - confidence` (the share allowed to miss).
    fn draw_tail<DB: DrawingBackend>(
        &self,
        panel: &Panel,
        area: &DrawingArea<DB, Shift>,
        with_legend: bool,
    ) -> Result<(), String> {
        let (lo, hi, ticks) = panel.axis();
        let allowed = (1.0 - self.confidence).clamp(1e-9, 1.0);
        let y_lo = 10f64.powf(allowed.log10().floor() - 2.0);
        let y_ticks = decade_ticks(y_lo);
        let target = match self.measure {
            Measure::Downtime => "RTO",
            Measure::DataLoss => "RPO",
        };
        let caption = format!("tail: at most {} above the {target}", style::fmt_percent_tick(allowed));
        let area = draw::panel_caption(area, &caption)?;
        let mut chart = ChartBuilder::on(&area)
            .margin(12)
            .margin_top(0)
            .margin_right(30)
            .x_label_area_size(40)
            .y_label_area_size(if with_legend { 90 } else { 60 })
            .build_cartesian_2d(
                (lo..hi).log_scale().with_key_points(ticks),
                (y_lo..1.0).log_scale().with_key_points(y_ticks),
            )
            .map_err(err)?;
        draw::house_mesh(&mut chart.configure_mesh())
            .y_desc(if with_legend { "share above x (log)" } else { "" })
            .x_label_formatter(&|x| fmt_duration_tick(*x))
            .y_label_formatter(&|y| style::fmt_percent_tick(*y))
            .axis_desc_style((FONT, style::TICK_SIZE))
            .draw()
            .map_err(err)?;
        for curve in &panel.curves {
            draw::line(&mut chart, curve.tail(lo, hi, y_lo), curve.slot, None)?;
        }
        draw::target_line(&mut chart, (panel.target_s, y_lo), (panel.target_s, 1.0), None)?;
        draw::target_line(&mut chart, (lo, allowed), (hi, allowed), None)?;
        let red = RGBColor(213, 94, 0);
        chart
            .draw_series(std::iter::once(Circle::new((panel.target_s, allowed), 9, red.stroke_width(3))))
            .map_err(err)?;
        Ok(())
    }
}
