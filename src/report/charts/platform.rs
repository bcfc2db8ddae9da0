//! The charts of a platform run: the weakest link (for each plan and
//! function, the share of the function's downtime each service it needs
//! holds back) and the plans' cost against risk, drawn by the strategies'
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
    y_desc: "worst function: share of outages meeting RTO (or RPO, if lower)",
};

/// Plans drawn at most on the weakest-link chart (the CSV has every plan).
pub const MAX_PLANS: usize = 8;

/// One bar of the weakest-link chart.
#[derive(Clone, Debug)]
pub struct Bar {
    /// `plan · function`.
    pub label: String,
    /// Each service's share, in the platform's service order (0 for services the function does not need).
    pub shares: Vec<f64>,
}

/// The weakest-link chart.
#[derive(Clone, Debug)]
pub struct WeakestLinkChart {
    /// The services, in model order (their colours).
    pub services: Vec<String>,
    /// One bar per plan and function, the chosen plan first.
    pub bars: Vec<Bar>,
}

impl WeakestLinkChart {
    /// The chart of a platform run: the chosen plan and the listed ones, up to [`MAX_PLANS`].
    pub fn new(v: &PlatformView) -> WeakestLinkChart {
        let services: Vec<String> = v.platform.services.iter().map(|s| s.name.clone()).collect();
        let mut bars = Vec::new();
        for p in v.ranked.iter().filter(|p| p.role != Role::Found).take(MAX_PLANS) {
            for f in &p.plan.functions {
                let mut shares = vec![0.0; services.len()];
                for (name, share) in weakest(v.platform, p.plan, f) {
                    if let Some(i) = services.iter().position(|s| *s == name) {
                        shares[i] = share;
                    }
                }
                bars.push(Bar { label: format!("{} · {}", p.label, f.function), shares });
            }
        }
        WeakestLinkChart { services, bars }
    }
}

impl Chart for WeakestLinkChart {
    fn name(&self) -> &str {
        "weakest_link"
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let body = draw::titled(area, "Weakest link: which service holds each function's downtime back")?;
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
            .y_label_formatter(&|y| {
                let i = y.round();
                if (y - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < n {
                    labels.get(n - 1 - i as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .x_label_formatter(&|x| format!("{:.0}%", x * 100.0))
            .x_desc("each service's own downtime under the plan, as a share of the sum over the function's services")
            .axis_desc_style((FONT, LABEL_SIZE))
            .draw()
            .map_err(err)?;
        for (i, bar) in self.bars.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            let mut from = 0.0;
            for (s, &share) in bar.shares.iter().enumerate() {
                if share <= 0.0 {
                    continue;
                }
                let to = from + share;
                let colour = style::colour(s);
                chart
                    .draw_series(std::iter::once(Rectangle::new([(from, y - 0.35), (to, y + 0.35)], colour.filled())))
                    .map_err(err)?;
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(from, y - 0.35), (to, y + 0.35)],
                        WHITE.stroke_width(2),
                    )))
                    .map_err(err)?;
                if share >= 0.08 {
                    chart
                        .draw_series(std::iter::once(Text::new(
                            format!("{:.0}%", share * 100.0),
                            ((from + to) / 2.0 - 0.02, y + 0.12),
                            (FONT, style::TICK_SIZE).into_font().color(&WHITE),
                        )))
                        .map_err(err)?;
                }
                from = to;
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
