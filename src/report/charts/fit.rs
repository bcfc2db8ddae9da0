//! The fit chart: the empirical CDF of the observed durations against the CDF
//! of every fitted family (log time axis), best fit (lowest AIC) first.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{self, LABEL_SIZE};
use super::{Chart, FONT, draw};
use crate::fit::FamilyFit;

/// The chart's file stem.
pub const NAME: &str = "fit";

/// Observed durations (hours) and the ranked fits.
#[derive(Debug)]
pub struct FitChart<'a> {
    /// What was fitted, for the title.
    pub title: String,
    /// The observed durations, hours.
    pub data_hours: &'a [f64],
    /// The fits, best first.
    pub fits: &'a [FamilyFit],
}

impl Chart for FitChart<'_> {
    fn name(&self) -> &str {
        NAME
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        let mut data = self.data_hours.to_vec();
        data.sort_by(f64::total_cmp);
        let (Some(&min), Some(&max)) = (data.first(), data.last()) else { return Ok(()) };
        let (lo, hi) = (min / 3.0, max * 3.0);
        let body = draw::titled(area, &self.title)?;
        let mut chart = ChartBuilder::on(&body)
            .margin(20)
            .x_label_area_size(70)
            .y_label_area_size(100)
            .build_cartesian_2d((lo..hi).log_scale(), 0.0..1.0)
            .map_err(e)?;
        draw::house_mesh(&mut chart.configure_mesh())
            .x_label_formatter(&|x| crate::fit::hours(*x))
            .y_label_formatter(&|y| style::fmt_share_tick(*y))
            .x_desc("outage duration (log scale)")
            .y_desc("share of outages at most this long")
            .axis_desc_style((FONT, LABEL_SIZE))
            .draw()
            .map_err(e)?;
        // Fitted CDFs on 200 log-spaced points; series 0 (black) is kept for the data.
        let grid: Vec<f64> = (0..=200).map(|i| lo * (hi / lo).powf(f64::from(i) / 200.0)).collect();
        for (k, f) in self.fits.iter().enumerate() {
            let pts: Vec<(f64, f64)> = grid.iter().map(|&x| (x, f.cdf(x))).collect();
            let label = format!("{} (AIC {:.1}, KS p {:.2})", f.family.name(), f.aic, f.ks_p_value);
            draw::line(&mut chart, pts, k + 1, Some(&label))?;
        }
        // The empirical CDF as a staircase with a dot at each observation.
        let n = data.len() as f64;
        let mut steps = vec![(lo, 0.0)];
        for (i, &x) in data.iter().enumerate() {
            steps.push((x, i as f64 / n));
            steps.push((x, (i + 1) as f64 / n));
        }
        steps.push((hi, 1.0));
        chart
            .draw_series(LineSeries::new(steps, BLACK.stroke_width(3)))
            .map_err(e)?
            .label(format!("observed ({} outages)", data.len()))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 40, y)], BLACK.stroke_width(3)));
        chart
            .draw_series(data.iter().enumerate().map(|(i, &x)| Circle::new((x, (i + 1) as f64 / n), 7, BLACK.filled())))
            .map_err(e)?;
        draw::legend(&mut chart, SeriesLabelPosition::LowerRight)
    }
}
