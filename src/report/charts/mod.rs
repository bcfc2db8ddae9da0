//! Charts for design reviews, drawn with plotters from the same summary
//! structs the CSV exports use. Each chart is written as PNG (for slides) and
//! SVG (for documents). The font is shipped in `assets/fonts` and compiled
//! in, so charts render the same on a machine with no system fonts.

pub mod cdf;
pub mod cost;
pub mod cost_risk;
pub mod draw;
pub mod fit;
pub mod gantt;
pub mod steps;
pub mod style;
pub mod sweep;
pub mod tornado;

use std::path::{Path, PathBuf};
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;

/// Font family name every chart uses; registered from the bundled DejaVu Sans.
pub const FONT: &str = "sans-serif";

static FONTS: Once = Once::new();

/// Registers the bundled fonts with plotters (once per process).
pub fn register_fonts() {
    FONTS.call_once(|| {
        // The bytes are compiled in and known to be valid TrueType; a failure
        // here would leave text unrendered, which the chart tests would catch.
        let _ = plotters::style::register_font(
            FONT,
            FontStyle::Normal,
            include_bytes!("../../../assets/fonts/DejaVuSans.ttf"),
        );
        let _ = plotters::style::register_font(
            FONT,
            FontStyle::Bold,
            include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf"),
        );
    });
}

/// Why a chart could not be drawn or written.
#[derive(Debug, thiserror::Error)]
#[error("cannot draw chart {name}")]
pub struct ChartError {
    /// The chart's file stem.
    pub name: String,
    /// What went wrong: the plotters error (its message, when a chart's
    /// drawing code reports one).
    #[source]
    pub source: Box<dyn std::error::Error + Send + Sync>,
}

/// Something that can draw itself on any plotters backend.
pub trait Chart {
    /// File stem, e.g. `downtime_cdf`.
    fn name(&self) -> &str;
    /// Size in pixels (PNG) and user units (SVG).
    fn size(&self) -> (u32, u32) {
        style::SLIDE_SIZE
    }
    /// Draws the chart.
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String>;
}

/// Writes a chart as `DIR/NAME.png` and `DIR/NAME.svg` (the caller's output
/// writer renames them into place). Returns the two paths.
pub fn render<C: Chart>(chart: &C, dir: &Path) -> Result<(PathBuf, PathBuf), ChartError> {
    register_fonts();
    let err = |source: Box<dyn std::error::Error + Send + Sync>| ChartError { name: chart.name().to_string(), source };
    let png = dir.join(format!("{}.png", chart.name()));
    let svg = dir.join(format!("{}.svg", chart.name()));
    {
        let root = BitMapBackend::new(&png, chart.size()).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(Box::new(e)))?;
        chart.draw(&root).map_err(|e| err(e.into()))?;
        root.present().map_err(|e| err(Box::new(e)))?;
    }
    {
        let root = SVGBackend::new(&svg, chart.size()).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(Box::new(e)))?;
        chart.draw(&root).map_err(|e| err(e.into()))?;
        root.present().map_err(|e| err(Box::new(e)))?;
    }
    Ok((png, svg))
}
