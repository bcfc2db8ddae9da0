//! Charts (a) and (b): the CDF of downtime (achieved RTO) and of the
//! data-loss window (achieved RPO) per incident, one line per strategy, one
//! panel per disruption kind, the target drawn as a vertical line. Log x axis:
//! these durations span seconds to days.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::draw::{self, err};
use super::style::{self, duration_ticks, fmt_duration_tick, log_range};
use super::{Chart, FONT};
use crate::model::DisruptionKind;
use crate::simulation::Results;
use crate::stats::LogHistogram;

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
}

/// The empirical CDF of a histogram at its bucket upper bounds: `(x, F(x))`
/// with `F` the share of values at most `x`; the zero bucket and the
/// overflow (infinite) bucket are returned as shares instead of points.
pub fn cdf_points(h: &LogHistogram) -> (Vec<(f64, f64)>, f64, f64) {
    let total = h.count() as f64;
    if total == 0.0 {
        return (Vec::new(), 0.0, 0.0);
    }
    let mut points = Vec::new();
    let mut seen = 0u64;
    let mut zero = 0.0;
    let mut lost = 0.0;
    for (lo, hi, count) in h.iter_buckets() {
        if hi == 0.0 {
            zero = count as f64 / total;
            seen += count;
        } else if hi.is_infinite() {
            lost = count as f64 / total;
        } else {
            points.push((lo, seen as f64 / total));
            seen += count;
            points.push((hi, seen as f64 / total));
        }
    }
    (points, zero, lost)
}

impl Curve {
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
        if !self.curves.is_empty() && self.curves.iter().all(|c| c.zero_share >= 1.0) {
            notes.push(match measure {
                Measure::Downtime => "no downtime in any incident".to_string(),
                Measure::DataLoss => "no data lost in any incident".to_string(),
            });
        }
        notes
    }
}

impl CdfChart {
    /// The chart for `measure` from a run's tally.
    pub fn new(results: &Results, measure: Measure) -> CdfChart {
        let t = &results.tally;
        let kinds: Vec<DisruptionKind> =
            results.strategies.first().map(|s| s.kinds.iter().map(|k| k.kind).collect()).unwrap_or_default();
        let panels = kinds
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
                    .zip(&t.strategies)
                    .filter(|(_, st)| st.kinds[i].incidents > 0)
                    .map(|(s, st)| {
                        let h = match measure {
                            Measure::Downtime => &st.kinds[i].downtime_s,
                            Measure::DataLoss => &st.kinds[i].data_loss_s,
                        };
                        let (points, zero_share, lost_share) = cdf_points(h);
                        Curve { strategy: s.name.clone(), points, zero_share, lost_share }
                    })
                    .collect();
                Panel { kind, target_s, curves }
            })
            .collect();
        CdfChart { measure, panels }
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
        let names: Vec<String> = self
            .panels
            .iter()
            .max_by_key(|p| p.curves.len())
            .map(|p| p.curves.iter().map(|c| c.strategy.clone()).collect())
            .unwrap_or_default();
        let target = match self.measure {
            Measure::Downtime => "RTO target",
            Measure::DataLoss => "RPO target",
        };
        let body = draw::key_strip(&body, &names, Some(target), 50)?;
        let n = self.panels.len().max(1);
        for (p, (panel, cell)) in self.panels.iter().zip(body.split_evenly((1, n))).enumerate() {
            self.draw_panel(panel, &cell, p == 0)?;
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
            .x_label_area_size(70)
            .y_label_area_size(if with_legend { 90 } else { 60 })
            .build_cartesian_2d((lo..hi).log_scale().with_key_points(ticks), 0.0..1.0)
            .map_err(err)?;
        draw::house_mesh(&mut chart.configure_mesh())
            .x_desc(axis)
            .y_desc(if with_legend { "share of incidents at most x" } else { "" })
            .x_label_formatter(&|x| fmt_duration_tick(*x))
            .y_label_formatter(&|y| format!("{:.0}%", y * 100.0))
            .axis_desc_style((FONT, style::TICK_SIZE))
            .draw()
            .map_err(err)?;
        for (i, curve) in panel.curves.iter().enumerate() {
            draw::line(&mut chart, curve.drawn(lo, hi), i, None)?;
        }
        draw::target_line(&mut chart, (panel.target_s, 0.0), (panel.target_s, 1.0), None)?;
        let notes = panel.notes(self.measure);
        let font = (FONT, style::TICK_SIZE).into_font();
        for (row, note) in notes.iter().enumerate() {
            let y = 0.9 - 0.06 * row as f64;
            chart.draw_series(std::iter::once(Text::new(note.clone(), (lo * 1.15, y), font.clone()))).map_err(err)?;
        }
        Ok(())
    }
}
