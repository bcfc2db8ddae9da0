//! The tornado chart: for each input (largest swing on top), the change in
//! the metric the inputs are ranked by (`--metric`: expected annual cost,
//! P(targets met), P(a year with a total loss)) from the baseline with the
//! input at its low value and at its high value.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{self, LABEL_SIZE, colour};
use super::{Chart, FONT, draw};
use crate::report::sensitivity_columns::Columns;
use crate::whatif::sensitivity::{Metric, Tornado};

/// Bars drawn at most (the CSV has every input).
pub const MAX_BARS: usize = 15;

/// The tornado chart of one strategy, written as `tornado_STRATEGY`.
#[derive(Debug)]
pub struct TornadoChart<'a> {
    /// The analysis.
    pub tornado: &'a Tornado,
    /// File stem.
    pub name: String,
    /// What the bars show (the metric the tornado was ranked by).
    pub metric: Metric,
}

impl<'a> TornadoChart<'a> {
    /// The chart of a tornado ranked by `metric`, named after its strategy.
    pub fn new(tornado: &'a Tornado, metric: Metric) -> TornadoChart<'a> {
        TornadoChart { tornado, name: file_stem(&tornado.strategy), metric }
    }
}

/// The longest file stem used, bytes: with `.png`/`.svg` it stays far below
/// the 255 bytes most file systems allow for a name.
const MAX_STEM_BYTES: usize = 100;

/// `tornado_NAME`, with every character but letters, digits and `-` replaced
/// by `_`; a name too long for a file name is cut at a character boundary
/// and given 8 hex digits of the full name's SHA-256, so two long names
/// that share a beginning still get two files.
fn file_stem(strategy: &str) -> String {
    use sha2::{Digest, Sha256};
    let safe: String = strategy.chars().map(|c| if c.is_alphanumeric() || c == '-' { c } else { '_' }).collect();
    let stem = format!("tornado_{safe}");
    if stem.len() <= MAX_STEM_BYTES {
        return stem;
    }
    let mut cut = MAX_STEM_BYTES - 9;
    while !stem.is_char_boundary(cut) {
        cut -= 1;
    }
    let hash: String = Sha256::digest(strategy.as_bytes()).iter().take(4).map(|b| format!("{b:02x}")).collect();
    format!("{}-{hash}", &stem[..cut])
}

impl Chart for TornadoChart<'_> {
    fn name(&self) -> &str {
        &self.name
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        let t = self.tornado;
        let bars = &t.bars[..t.bars.len().min(MAX_BARS)];
        let m = self.metric;
        let base = m.of(&t.baseline);
        let deltas: Vec<(f64, f64)> = bars.iter().map(|b| (m.of(&b.low) - base, m.of(&b.high) - base)).collect();
        // At least $1 or 0.1 percentage point either side, so an input that moves nothing still gets an axis.
        let floor = if m == Metric::Cost { 1.0 } else { 1e-3 };
        let reach = deltas.iter().flat_map(|&(l, h)| [l.abs(), h.abs()]).fold(floor, f64::max) * 1.1;
        let n = bars.len().max(1);
        let names: Vec<String> = bars.iter().map(|b| b.input.path.clone()).collect();
        let title = format!("{}: change in {} (baseline {})", t.strategy, m.label(), Columns::show(m, base));
        let body = draw::titled(area, &title)?;
        let mut chart = ChartBuilder::on(&body)
            .margin(20)
            .x_label_area_size(70)
            .y_label_area_size(560)
            .build_cartesian_2d(-reach..reach, -0.6..(n as f64 - 0.4))
            .map_err(e)?;
        draw::house_mesh(&mut chart.configure_mesh())
            .disable_y_mesh()
            .y_labels(n)
            .y_label_formatter(&|y| style::fmt_row_tick(&names, *y))
            .x_label_formatter(&|x| {
                // A tick a rounding error away from 0 is 0 (not "-0.0 pp").
                let zero = x.abs() <= reach * 1e-9;
                let sign = if zero {
                    ""
                } else if *x > 0.0 {
                    "+"
                } else {
                    "-"
                };
                if m == Metric::Cost {
                    format!("{sign}${:.2}M", x.abs() / 1e6)
                } else {
                    format!("{sign}{:.1} pp", x.abs() * 100.0)
                }
            })
            .x_desc(if m == Metric::Cost {
                "USD per year, relative to the baseline"
            } else {
                "percentage points, relative to the baseline"
            })
            .axis_desc_style((FONT, LABEL_SIZE))
            .draw()
            .map_err(e)?;
        let (low_c, high_c) = (colour(2), colour(1));
        let y = |i: usize| (n - 1 - i) as f64;
        chart
            .draw_series(
                deltas
                    .iter()
                    .enumerate()
                    .map(|(i, &(l, _))| Rectangle::new([(0.0, y(i) - 0.35), (l, y(i) + 0.35)], low_c.filled())),
            )
            .map_err(e)?
            .label("input at its low value (P10 or -swing)")
            .legend(move |(x, y)| Rectangle::new([(x, y - 8), (x + 18, y + 8)], low_c.filled()));
        chart
            .draw_series(deltas.iter().enumerate().map(|(i, &(_, h))| {
                // Hatched look in grey-scale: the high bar is drawn with a black outline.
                Rectangle::new([(0.0, y(i) - 0.35), (h, y(i) + 0.35)], high_c.filled())
            }))
            .map_err(e)?
            .label("input at its high value (P90 or +swing)")
            .legend(move |(x, y)| Rectangle::new([(x, y - 8), (x + 18, y + 8)], high_c.filled()));
        chart
            .draw_series(
                deltas
                    .iter()
                    .enumerate()
                    .map(|(i, &(_, h))| Rectangle::new([(0.0, y(i) - 0.35), (h, y(i) + 0.35)], BLACK.stroke_width(2))),
            )
            .map_err(e)?;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, -0.6), (0.0, n as f64 - 0.4)],
                BLACK.stroke_width(2),
            )))
            .map_err(e)?;
        draw::legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::file_stem;

    #[test]
    fn file_stems_stay_short_and_distinct() {
        assert_eq!(file_stem("pilot-light"), "tornado_pilot-light");
        assert_eq!(file_stem("a b/c"), "tornado_a_b_c");
        let long = "é".repeat(200);
        let stem = file_stem(&long);
        assert!(stem.len() <= 100 && stem.starts_with("tornado_é"), "{stem}");
        let other = file_stem(&format!("{long}x"));
        assert_ne!(stem, other, "a shared beginning still gives two files");
    }
}
