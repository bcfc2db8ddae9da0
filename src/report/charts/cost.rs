//! Chart (c): the distribution of total annual cost (fixed DR cost plus
//! incidents) per strategy, as a CDF on a log money axis, with each
//! strategy's P95 (circle) and CVaR 95 (triangle: mean of the worst 5% of
//! years) marked on its curve.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::cdf::cdf_points_of;
use super::draw::{self, err};
use super::style::{self, fmt_usd_tick, log_range, money_ticks_within};
use super::{Chart, FONT};
use crate::simulation::Results;

/// One strategy's annual cost distribution.
#[derive(Clone, Debug)]
pub struct CostCurve {
    /// Strategy name.
    pub strategy: String,
    /// Its style slot ([`super::strategy_slots`]).
    pub slot: usize,
    /// CDF points `(USD per year, share of years at most)`.
    pub points: Vec<(f64, f64)>,
    /// 95th percentile of annual cost, USD.
    pub p95_usd: Option<f64>,
    /// Mean annual cost in the worst 5% of years, USD.
    pub cvar95_usd: Option<f64>,
}

/// The chart's title.
pub const TITLE: &str = "Total annual cost (fixed DR cost + incidents), by strategy";

/// The annual cost distribution chart.
#[derive(Clone, Debug)]
pub struct CostChart {
    /// One curve per strategy.
    pub curves: Vec<CostCurve>,
}

impl CostChart {
    /// The chart from a run (per-trial costs scaled to one year, as in the summaries).
    pub fn new(results: &Results) -> CostChart {
        let per_year = results.tally.horizon_s / crate::model::Duration::YEAR.secs();
        let curves = results
            .strategies
            .iter()
            .enumerate()
            .zip(super::strategy_slots(results))
            .map(|((i, s), slot)| {
                let (points, zero, _) = cdf_points_of(&results.distribution(|t| &t.strategies[i].trial_cost_usd));
                let mut points: Vec<(f64, f64)> = points.into_iter().map(|(x, y)| (x / per_year, y)).collect();
                if zero > 0.0 {
                    points.insert(0, (0.0, zero));
                }
                CostCurve {
                    strategy: s.name.clone(),
                    slot,
                    points,
                    p95_usd: s.cost.total_annual_quantiles_usd.map(|q| q.p95.value),
                    cvar95_usd: s.cost.cvar95_usd,
                }
            })
            .collect();
        CostChart { curves }
    }
}

impl CostCurve {
    /// The curve as drawn on a panel from `lo` to `hi` USD showing shares
    /// from `y_lo` up: its positive points inside the panel, flat to the right edge.
    pub fn drawn(&self, lo: f64, hi: f64, y_lo: f64) -> Vec<(f64, f64)> {
        let mut points: Vec<(f64, f64)> =
            self.points.iter().copied().filter(|p| p.0 > 0.0 && p.0 >= lo && p.1 >= y_lo - 0.02).collect();
        let last = points.last().map_or(0.0, |p| p.1);
        points.push((hi, last));
        points
    }

    /// Where the P95 marker sits: `(USD, share)` on the curve; `None` when there is no positive P95.
    pub fn p95_marker(&self) -> Option<(f64, f64)> {
        self.p95_usd.filter(|v| *v > 0.0).map(|x| (x, cdf_at(&self.points, x)))
    }

    /// Where the CVaR95 marker sits: `(USD, share)` on the curve; `None` when there is no positive CVaR95.
    pub fn cvar95_marker(&self) -> Option<(f64, f64)> {
        self.cvar95_usd.filter(|v| *v > 0.0).map(|x| (x, cdf_at(&self.points, x)))
    }
}

/// The CDF value of a step curve at `x` (the last point at or left of `x`).
fn cdf_at(points: &[(f64, f64)], x: f64) -> f64 {
    points.iter().take_while(|p| p.0 <= x * (1.0 + 1e-9)).last().map_or(0.0, |p| p.1)
}

impl Chart for CostChart {
    fn name(&self) -> &str {
        "annual_cost"
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let body = draw::titled(area, TITLE)?;
        // Left: every year; right: the worst 10% of years stretched out, where
        // P95 and CVaR95 sit (on a 0-100% axis they crowd into the top edge).
        let (all, tail) = body.split_horizontally(body.dim_in_pixel().0 as i32 * 57 / 100);
        self.draw_panel(&all, "all years", 0.0, false)?;
        self.draw_panel(&tail, "the worst 10% of years (zoom)", 0.9, true)
    }
}

impl CostChart {
    fn draw_panel<DB: DrawingBackend>(
        &self,
        body: &DrawingArea<DB, Shift>,
        caption: &str,
        y_lo: f64,
        with_legend: bool,
    ) -> Result<(), String> {
        let (lo, hi) = self.axis(y_lo);
        let body = draw::panel_caption(&body.margin(14, 0, 0, 0), caption)?;
        // The plot's width: the panel less the y labels (110) and the margins (2 x 20); the zoom
        // panel is narrow, so ticks whose labels would run into each other are left out.
        let width = f64::from(body.dim_in_pixel().0) - 150.0;
        let mut chart = ChartBuilder::on(&body)
            .margin(20)
            .margin_top(0)
            .x_label_area_size(80)
            .y_label_area_size(110)
            .build_cartesian_2d((lo..hi).log_scale().with_key_points(money_ticks_within(lo, hi, width)), y_lo..1.0)
            .map_err(err)?;
        draw::house_mesh(&mut chart.configure_mesh())
            .x_desc("total cost in one year, USD (log scale)")
            .y_desc(if y_lo == 0.0 { "share of years costing at most x" } else { "" })
            .x_label_formatter(&|x| fmt_usd_tick(*x))
            .y_label_formatter(&|y| style::fmt_share_tick(*y))
            .axis_desc_style((FONT, style::LABEL_SIZE))
            .draw()
            .map_err(err)?;
        for c in &self.curves {
            draw::line(&mut chart, c.drawn(lo, hi, y_lo), c.slot, with_legend.then_some(c.strategy.as_str()))?;
            let colour = style::colour(c.slot);
            if let Some(at) = c.p95_marker() {
                chart.draw_series(std::iter::once(Circle::new(at, 12, colour.filled()))).map_err(err)?;
                chart.draw_series(std::iter::once(Circle::new(at, 12, BLACK.stroke_width(2)))).map_err(err)?;
            }
            if let Some(at) = c.cvar95_marker() {
                chart.draw_series(std::iter::once(TriangleMarker::new(at, 14, colour.filled()))).map_err(err)?;
                chart.draw_series(std::iter::once(TriangleMarker::new(at, 14, BLACK.stroke_width(2)))).map_err(err)?;
            }
        }
        draw::target_line(&mut chart, (lo, 0.95), (hi, 0.95), with_legend.then_some("95% of years"))?;
        if !with_legend {
            return Ok(());
        }
        chart
            .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())
            .map_err(err)?
            .label("P95 annual cost")
            .legend(|(x, y)| Circle::new((x + 20, y), 10, BLACK.stroke_width(2)));
        chart
            .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())
            .map_err(err)?
            .label("CVaR95 (mean of the worst 5% of years)")
            .legend(|(x, y)| TriangleMarker::new((x + 20, y), 12, BLACK.stroke_width(2)));
        // In the zoom, the lower right is empty: every curve has climbed past it.
        draw::legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        Ok(())
    }

    /// The x axis of a panel showing shares from `y_lo` up: `(lo, hi)` in
    /// USD per year on a log scale (ticks: [`style::money_ticks`]). With `y_lo`
    /// above 0 (the tail zoom), it starts where the first curve reaches `y_lo`.
    pub fn axis(&self, y_lo: f64) -> (f64, f64) {
        let xs = self.curves.iter().flat_map(|c| c.points.iter().map(|p| p.0).chain(c.cvar95_usd));
        let (lo, hi) = log_range(xs, &[]);
        let lo = if y_lo > 0.0 { self.tail_start(y_lo).unwrap_or(lo) } else { lo };
        (lo, hi)
    }

    /// The smallest annual cost at which any strategy's CDF reaches `share`, less a margin.
    fn tail_start(&self, share: f64) -> Option<f64> {
        self.curves
            .iter()
            .filter_map(|c| c.points.iter().find(|p| p.1 >= share && p.0 > 0.0).map(|p| p.0))
            .min_by(f64::total_cmp)
            .map(|x| x / 1.3)
    }
}
