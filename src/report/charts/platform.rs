//! The charts of a platform run: the weakest link (for each plan and
//! function, the share of the function's downtime during which each service
//! it needs is down) and the plans' cost against risk, drawn by the strategies'
//! cost-against-risk code with its collision-free labels.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::cost_risk::{CostRiskChart, Layout, Point, Texts};
use super::draw::{self, err};
use super::style::{self, LABEL_SIZE};
use super::{Chart, FONT};
use crate::report::platform_view::{PlatformView, Role, weakest};

/// The words of the plans' chart.
pub const PLAN_TEXTS: Texts = Texts {
    name: "plan_cost_vs_risk",
    title: "Plans: expected annual cost vs the worst function's share of outages meeting its targets",
    y_desc: "lowest share of outages meeting a target",
};

/// Plans drawn at most on the weakest-link chart (the CSV has every plan).
pub const MAX_PLANS: usize = 8;

/// The weakest-link chart's title.
pub const WEAKEST_TITLE: &str = "Weakest link: which service holds each function's downtime back";

/// What the weakest-link chart's bars measure (its x axis).
pub const WEAKEST_MEASURE: &str = "share of the function's downtime during which the service is down";

/// One group of bars of the weakest-link chart: a function under a plan.
#[derive(Clone, Debug)]
pub struct Bar {
    /// `plan · function`.
    pub label: String,
    /// The plan's label.
    pub plan: String,
    /// The function.
    pub function: String,
    /// Each service the function needs, in model order: its index in the
    /// platform's services (its colour) and its share, 0-1.
    pub shares: Vec<(usize, f64)>,
}

/// The weakest-link chart.
#[derive(Clone, Debug)]
pub struct WeakestLinkChart {
    /// The services, in model order (their colours).
    pub services: Vec<String>,
    /// One group per plan and function, the chosen plan first.
    pub bars: Vec<Bar>,
}

impl WeakestLinkChart {
    /// The chart of a platform run: the chosen plan and the listed ones, up to [`MAX_PLANS`].
    pub fn new(v: &PlatformView) -> WeakestLinkChart {
        let services: Vec<String> = v.platform.services.iter().map(|s| s.name.clone()).collect();
        let mut bars = Vec::new();
        for p in v.shown().take(MAX_PLANS) {
            for f in &p.plan.functions {
                let mut shares: Vec<(usize, f64)> = weakest(v.platform, p.plan, f)
                    .into_iter()
                    .filter_map(|(name, share)| Some((services.iter().position(|s| *s == name)?, share)))
                    .collect();
                shares.sort_by_key(|x| x.0);
                bars.push(Bar {
                    label: format!("{} · {}", p.label, f.function),
                    plan: p.label.clone(),
                    function: f.function.clone(),
                    shares,
                });
            }
        }
        WeakestLinkChart { services, bars }
    }

    /// Where bar `j` of group `i` lies on the y axis (groups from the top,
    /// one unit each): its bottom and top, in axis units.
    pub fn band(&self, i: usize, j: usize) -> (f64, f64) {
        let n = self.bars.len();
        let k = self.bars[i].shares.len().max(1) as f64;
        let top = (n - 1 - i) as f64 + 0.4;
        let h = 0.8 / k;
        (top - h * (j as f64 + 1.0) + h * 0.1, top - h * j as f64)
    }
}

impl Chart for WeakestLinkChart {
    fn name(&self) -> &str {
        "weakest_link"
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let body = draw::titled(area, WEAKEST_TITLE)?;
        let key: Vec<(draw::KeySample, String)> =
            self.services.iter().enumerate().map(|(i, s)| (draw::KeySample::Series(i), s.clone())).collect();
        let body = draw::key_strip_samples(&body, &key, 50)?;
        let n = self.bars.len().max(1);
        let labels: Vec<String> = self.bars.iter().map(|b| b.label.clone()).collect();
        let mut chart = ChartBuilder::on(&body)
            .margin(20)
            .margin_right(40)
            .x_label_area_size(80)
            .y_label_area_size(420)
            .build_cartesian_2d(0.0..1.0, -0.6..(n as f64 - 0.4))
            .map_err(err)?;
        draw::house_mesh(&mut chart.configure_mesh())
            .disable_y_mesh()
            .y_labels(n)
            .y_label_formatter(&|y| style::fmt_row_tick(&labels, *y))
            .x_label_formatter(&|x| style::fmt_share_tick(*x))
            .x_desc(WEAKEST_MEASURE)
            .axis_desc_style((FONT, LABEL_SIZE))
            .draw()
            .map_err(err)?;
        for (i, bar) in self.bars.iter().enumerate() {
            for (j, &(s, share)) in bar.shares.iter().enumerate() {
                let (lo, hi) = self.band(i, j);
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(0.0, lo), (share.clamp(0.0, 1.0), hi)],
                        style::colour(s).filled(),
                    )))
                    .map_err(err)?;
            }
        }
        Ok(())
    }
}

/// The plans' cost against risk: each plan reported at its expected annual
/// cost and the smallest share of outages meeting a function's RTO or RPO,
/// the optimum (or closest) and the runner-ups labelled.
#[derive(Clone, Debug)]
pub struct PlanCostRiskChart {
    /// The chart, drawn by the strategies' code.
    pub chart: CostRiskChart,
}

impl PlanCostRiskChart {
    /// The chart of a platform run.
    pub fn new(v: &PlatformView) -> PlanCostRiskChart {
        let points = v
            .ranked
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let worst = p
                    .plan
                    .functions
                    .iter()
                    .flat_map(|f| [f.rto_met, f.rpo_met])
                    .min_by(|a, b| a.estimate.total_cmp(&b.estimate));
                let (both, low, high) = worst.map_or((1.0, 1.0, 1.0), |s| (s.estimate, s.low, s.high));
                // `closest (closest; ...)` would say it twice.
                let name = if p.role == Role::Closest && !p.listed { "search".to_string() } else { p.label.clone() };
                Point {
                    strategy: name,
                    cost_usd: p.plan.annual_cost_usd,
                    both_met: both,
                    low,
                    high,
                    recommended: p.role == Role::Recommended,
                    closest: p.role == Role::Closest,
                    slot: i,
                }
            })
            .collect();
        PlanCostRiskChart { chart: CostRiskChart { points, confidence: v.platform.confidence } }
    }

    /// Where the chart puts its plot, markers and labels (what the label test checks).
    ///
    /// # Errors
    /// The drawing error, in words.
    pub fn layout(&self) -> Result<Layout, String> {
        self.chart.layout_with(&PLAN_TEXTS)
    }
}

impl Chart for PlanCostRiskChart {
    fn name(&self) -> &str {
        PLAN_TEXTS.name
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        self.chart.draw_laid_out(area, &PLAN_TEXTS).map(|_| ())
    }
}
