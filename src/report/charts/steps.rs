//! Chart (e): where recovery time goes. Per disruption kind (one panel each),
//! a horizontal stacked bar per strategy of the mean time per incident spent
//! in each recovery step (detection, decision, provisioning, restore, traffic
//! switch, waiting for the primary). Means add up, so the bar's length is the
//! mean wall time from service loss to service back.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::draw::{self, err};
use super::style;
use super::{Chart, FONT};
use crate::incident::Step;
use crate::model::DisruptionKind;
use crate::simulation::Results;

/// One bar: a strategy's mean step times for one kind, seconds, in [`Step::ALL`] order.
#[derive(Clone, Debug)]
pub struct Bar {
    /// Strategy name.
    pub strategy: String,
    /// Mean seconds per step.
    pub steps_s: Vec<f64>,
}

/// The chart's title.
pub const TITLE: &str = "Where recovery time goes: mean time per incident in each step";

/// The stacked-bar chart.
#[derive(Clone, Debug)]
pub struct StepsChart {
    /// Per kind, one bar per strategy.
    pub panels: Vec<(DisruptionKind, Vec<Bar>)>,
}

impl StepsChart {
    /// The chart from a run's summaries (`steps_mean_s`, as in summary.csv).
    pub fn new(results: &Results) -> StepsChart {
        let panels = super::kinds(results)
            .into_iter()
            .map(|kind| {
                let bars = results
                    .strategies
                    .iter()
                    .filter_map(|s| {
                        let k = s.kinds.iter().find(|k| k.kind == kind)?;
                        let steps_s = Step::ALL
                            .iter()
                            .map(|st| k.steps_mean_s.iter().find(|(x, _)| x == st).map_or(0.0, |(_, v)| *v))
                            .collect();
                        Some(Bar { strategy: s.name.clone(), steps_s })
                    })
                    .collect();
                (kind, bars)
            })
            .collect();
        StepsChart { panels }
    }
}

/// Step labels as a reviewer reads them.
pub fn step_label(step: Step) -> &'static str {
    match step {
        Step::Detection => "detection",
        Step::Decision => "decision",
        Step::Provisioning => "provisioning",
        Step::Restore => "restore / promote",
        Step::TrafficSwitch => "traffic switch",
        Step::Waiting => "waiting for primary",
        Step::TotalLossRecovery => "after total loss",
    }
}

/// A time unit for an axis whose largest value is `max_s` seconds: (divisor, name).
pub fn time_unit(max_s: f64) -> (f64, &'static str) {
    if max_s <= 180.0 {
        (1.0, "s")
    } else if max_s <= 3.0 * 3600.0 {
        (60.0, "min")
    } else if max_s <= 3.0 * 86_400.0 {
        (3600.0, "h")
    } else {
        (86_400.0, "d")
    }
}

impl Chart for StepsChart {
    fn name(&self) -> &str {
        "recovery_steps"
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let body = draw::titled(area, TITLE)?;
        let (plots, key) = body.split_horizontally(body.dim_in_pixel().0 as i32 - 330);
        let n = self.panels.len().max(1);
        for ((kind, bars), cell) in self.panels.iter().zip(plots.split_evenly((n, 1))) {
            draw_panel(*kind, bars, &cell)?;
        }
        draw_key(&key)
    }
}

fn draw_panel<DB: DrawingBackend>(
    kind: DisruptionKind,
    bars: &[Bar],
    area: &DrawingArea<DB, Shift>,
) -> Result<(), String> {
    let max = bars.iter().map(|b| b.steps_s.iter().sum::<f64>()).fold(0.0, f64::max);
    let (div, unit) = time_unit(max);
    let x_max = (max / div * 1.15).max(1e-9);
    let rows = bars.len().max(1);
    let mut chart = ChartBuilder::on(area)
        .caption(format!("{kind} disruption"), (FONT, style::LABEL_SIZE))
        .margin(8)
        .x_label_area_size(55)
        .y_label_area_size(260)
        .build_cartesian_2d(0.0..x_max, -0.6..rows as f64 - 0.4)
        .map_err(err)?;
    draw::house_mesh(&mut chart.configure_mesh())
        .x_desc(format!("mean time per incident, {unit}"))
        .y_labels(0)
        .x_label_formatter(&|x| style::fmt_number_tick(*x))
        .axis_desc_style((FONT, style::TICK_SIZE))
        .disable_y_mesh()
        .draw()
        .map_err(err)?;
    let name_font = TextStyle::from((FONT, style::TICK_SIZE).into_font()).pos(Pos::new(HPos::Right, VPos::Center));
    let total_font = TextStyle::from((FONT, style::TICK_SIZE).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
    // The first strategy in model order at the top, as in every other chart's key.
    for (row, bar) in bars.iter().enumerate() {
        let y = (rows - 1 - row) as f64;
        let total: f64 = bar.steps_s.iter().sum();
        let (ex, ey) = chart.backend_coord(&(total / div, y));
        let (bx, by) = area.get_base_pixel();
        area.draw(&Text::new(crate::format::fmt_duration_s(total), (ex - bx + 8, ey - by), total_font.clone()))
            .map_err(err)?;
        let (px, py) = chart.backend_coord(&(0.0, y));
        let (ox, oy) = area.get_base_pixel();
        area.draw(&Text::new(bar.strategy.clone(), (px - ox - 12, py - oy), name_font.clone())).map_err(err)?;
        let mut from = 0.0;
        for (s, secs) in bar.steps_s.iter().enumerate() {
            let to = from + secs / div;
            if to > from {
                let rect = [(from, y - 0.32), (to, y + 0.32)];
                chart
                    .draw_series(std::iter::once(Rectangle::new(rect, style::step_colour(s).filled())))
                    .map_err(err)?;
                chart.draw_series(std::iter::once(Rectangle::new(rect, WHITE.stroke_width(2)))).map_err(err)?;
            }
            from = to;
        }
    }
    Ok(())
}

fn draw_key<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>) -> Result<(), String> {
    let font = (FONT, style::TICK_SIZE).into_font();
    area.draw(&Text::new("Recovery step", (20, 60), (FONT, style::LABEL_SIZE).into_font().style(FontStyle::Bold)))
        .map_err(err)?;
    for (i, step) in Step::ALL.iter().enumerate() {
        let y = 110 + 50 * i as i32;
        area.draw(&Rectangle::new([(20, y), (60, y + 32)], style::step_colour(i).filled())).map_err(err)?;
        area.draw(&Rectangle::new([(20, y), (60, y + 32)], BLACK.stroke_width(1))).map_err(err)?;
        area.draw(&Text::new(step_label(*step), (72, y + 4), font.clone())).map_err(err)?;
    }
    Ok(())
}
