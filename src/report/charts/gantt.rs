//! The Gantt chart of `drsim timeline`: one sampled incident, each recovery
//! step a bar from its start to its end (time since the service was lost),
//! with the RTO target drawn. A Game Day walkthrough for a design review.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::draw::{self, err};
use super::steps::{step_label, time_unit};
use super::style;
use super::{Chart, FONT};
use crate::incident::{Incident, Path, Step};
use crate::model::DisruptionKind;

/// The Gantt chart of one incident.
#[derive(Clone, Debug)]
pub struct GanttChart {
    /// Chart title.
    pub title: String,
    /// The steps that took time: (step, start since service loss, duration), seconds.
    pub bars: Vec<(Option<Step>, f64, f64)>,
    /// The RTO target, seconds.
    pub rto_target_s: f64,
    /// The load-weighted downtime (achieved RTO), seconds.
    pub downtime_s: f64,
    /// Partial service after the service came back (warm-standby ramp, active-active shares), seconds.
    pub degraded_s: f64,
    /// How the incident ended: a failed failover's bars are drawn as failed.
    pub path: Path,
    /// The path in words, shown under the key (see `drsim timeline`'s text).
    pub ending: String,
    /// The disruption kind: a logical incident's offsets start at discovery.
    pub kind: DisruptionKind,
    /// `logical` only: how long the damage went unnoticed before it was discovered, seconds.
    pub detection_delay_s: f64,
    /// Whether the strategy is active-active: the other regions serve throughout,
    /// so the service is partial from the first second, never wholly down.
    pub active_active: bool,
}

impl GanttChart {
    /// Whether the failover was attempted and failed: its provisioning, restore and traffic
    /// switch bars then include the failed attempt.
    pub fn failover_failed(&self) -> bool {
        matches!(self.path, Path::FailoverFailedRestored | Path::FailoverFailedWaited)
    }

    /// The x axis description: what the offsets count from.
    pub fn x_desc(&self, unit: &str) -> String {
        if self.kind == DisruptionKind::Logical {
            format!(
                "time since the damage was discovered, {unit} (it began {} earlier, unnoticed)",
                crate::format::fmt_duration_s(self.detection_delay_s)
            )
        } else {
            format!("time since the service was lost, {unit}")
        }
    }
}

/// The steps of an incident that took time, as `(step, offset_s, duration_s)` in order.
pub fn step_bars(incident: &Incident) -> Vec<(Option<Step>, f64, f64)> {
    let mut at = 0.0;
    let mut out = Vec::new();
    for step in Step::ALL {
        let d = incident.steps[step as usize].secs();
        if d > 0.0 {
            out.push((Some(step), at, d));
        }
        at += d;
    }
    out
}

impl Chart for GanttChart {
    fn name(&self) -> &str {
        "timeline"
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let body = draw::titled(area, &self.title)?;
        let downtime = format!("downtime (load-weighted) {}", crate::format::fmt_duration_s(self.downtime_s));
        let target = format!("RTO target {}", crate::format::fmt_duration_s(self.rto_target_s));
        let key = [(draw::KeySample::Black, downtime), (draw::KeySample::Target, target)];
        let body = draw::key_strip_samples(&body, &key, 50)?;
        let how = &self.ending;
        let body = if self.failover_failed() {
            let font = (FONT, style::LABEL_SIZE).into_font().style(FontStyle::Bold).color(&RGBColor(190, 0, 0));
            body.titled(&format!("FAILED FAILOVER: {how}"), font).map_err(err)?
        } else {
            draw::panel_caption(&body, &format!("how it ended: {how}"))?
        };
        let end = self.bars.last().map_or(0.0, |b| b.1 + b.2);
        let mut bars = self.bars.clone();
        if self.active_active {
            // The surviving regions serve from the first second: partial service throughout.
            bars.push((None, 0.0, end + self.degraded_s));
        } else if self.degraded_s > 0.0 {
            bars.push((None, end, self.degraded_s));
        }
        let max = (end + self.degraded_s).max(self.rto_target_s).max(self.downtime_s);
        let (div, unit) = time_unit(max);
        let x_max = (max / div * 1.1).max(1e-9);
        let rows = bars.len().max(1);
        let mut chart = ChartBuilder::on(&body)
            .margin(20)
            .x_label_area_size(80)
            .y_label_area_size(420)
            .build_cartesian_2d(0.0..x_max, -0.6..rows as f64 - 0.4)
            .map_err(err)?;
        draw::house_mesh(&mut chart.configure_mesh())
            .x_desc(self.x_desc(unit))
            .y_labels(0)
            .x_label_formatter(&|x| style::fmt_number_tick(*x))
            .axis_desc_style((FONT, style::LABEL_SIZE))
            .disable_y_mesh()
            .draw()
            .map_err(err)?;
        let (ox, oy) = body.get_base_pixel();
        let name_font = TextStyle::from((FONT, style::LABEL_SIZE).into_font()).pos(Pos::new(HPos::Right, VPos::Center));
        let value_font = TextStyle::from((FONT, style::TICK_SIZE).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
        // First step at the top: rows count down.
        for (row, (step, from, d)) in bars.iter().enumerate() {
            let y = (rows - 1 - row) as f64;
            let rect = [(from / div, y - 0.3), ((from + d) / div, y + 0.3)];
            let fill = step.map_or(RGBColor(200, 200, 200), |s| style::step_colour(s as usize));
            chart.draw_series(std::iter::once(Rectangle::new(rect, fill.filled()))).map_err(err)?;
            let failed = self.failover_failed()
                && matches!(step, Some(Step::Provisioning) | Some(Step::Restore) | Some(Step::TrafficSwitch));
            if failed {
                // Crossed out in red: this time includes the attempt that failed.
                let red = RGBColor(190, 0, 0);
                chart.draw_series(std::iter::once(Rectangle::new(rect, red.stroke_width(4)))).map_err(err)?;
                let [(x0, y0), (x1, y1)] = rect;
                chart
                    .draw_series(std::iter::once(PathElement::new(vec![(x0, y0), (x1, y1)], red.stroke_width(3))))
                    .map_err(err)?;
                chart
                    .draw_series(std::iter::once(PathElement::new(vec![(x0, y1), (x1, y0)], red.stroke_width(3))))
                    .map_err(err)?;
            } else {
                chart.draw_series(std::iter::once(Rectangle::new(rect, BLACK.stroke_width(1)))).map_err(err)?;
            }
            let (px, py) = chart.backend_coord(&(0.0, y));
            let name = match step {
                Some(s) if failed => format!("{} (incl. failed)", step_label(*s)),
                Some(s) => step_label(*s).to_string(),
                None if self.active_active => "partial service (other regions)".to_string(),
                None => "partial service".to_string(),
            };
            body.draw(&Text::new(name, (px - ox - 12, py - oy), name_font.clone())).map_err(err)?;
            let (ex, ey) = chart.backend_coord(&((from + d) / div, y));
            let text = crate::format::fmt_duration_s(*d);
            body.draw(&Text::new(text, (ex - ox + 10, ey - oy), value_font.clone())).map_err(err)?;
        }
        let t = self.rto_target_s / div;
        draw::target_line(&mut chart, (t, -0.6), (t, rows as f64 - 0.4), None)?;
        let d = self.downtime_s / div;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(d, -0.6), (d, rows as f64 - 0.4)],
                BLACK.stroke_width(style::LINE_WIDTH),
            )))
            .map_err(err)?;
        Ok(())
    }
}
