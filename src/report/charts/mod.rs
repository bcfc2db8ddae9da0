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
pub mod loss_exceedance;
pub mod platform;
pub mod steps;
pub mod style;
pub mod sweep;
pub mod tornado;

use std::path::PathBuf;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::output::{OutputError, Staging};
use crate::simulation::Results;

/// The style slot of each strategy of a run, in the run's order: a stable
/// function of its posture and name (see [`style::strategy_slots`]), so a
/// strategy has the same colour and dash in every chart of every model.
pub fn strategy_slots(results: &Results) -> Vec<usize> {
    let pairs: Vec<(&str, &str)> = results.strategies.iter().map(|s| (s.name.as_str(), s.kind.as_str())).collect();
    style::strategy_slots(&pairs)
}

/// The disruption kinds a run has figures for, in its summaries' order
/// (every strategy lists the same kinds): one panel each.
fn kinds(results: &Results) -> Vec<crate::model::DisruptionKind> {
    results.strategies.first().map(|s| s.kinds.iter().map(|k| k.kind).collect()).unwrap_or_default()
}

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
pub enum ChartError {
    /// Drawing failed.
    #[error("cannot draw chart {name}")]
    Draw {
        /// The chart's file stem.
        name: String,
        /// What went wrong: the plotters or image error (its message, when a
        /// chart's drawing code reports one).
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Writing a drawn chart failed (a full disk, say): the file and the
    /// operating system's reason, as for every other output file.
    #[error(transparent)]
    Write(#[from] OutputError),
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

/// Writes a chart as `NAME.png` and `NAME.svg` into the staging directory
/// (renamed into place with the other outputs). Returns the two paths.
///
/// Both are drawn in memory and written like every other output file, so a
/// write failure names the file and the operating system's reason.
pub fn render<C: Chart>(chart: &C, staging: &Staging) -> Result<(PathBuf, PathBuf), ChartError> {
    let (png, svg) = draw_bytes(chart)?;
    let png = staging.write(&format!("{}.png", chart.name()), &png)?;
    let svg = staging.write(&format!("{}.svg", chart.name()), svg.as_bytes())?;
    Ok((png, svg))
}

/// Draws a chart as the bytes of a PNG file and the text of an SVG file.
pub fn draw_bytes<C: Chart>(chart: &C) -> Result<(Vec<u8>, String), ChartError> {
    register_fonts();
    let err =
        |source: Box<dyn std::error::Error + Send + Sync>| ChartError::Draw { name: chart.name().to_string(), source };
    let (width, height) = chart.size();
    let mut pixels = vec![0u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(Box::new(e)))?;
        chart.draw(&root).map_err(|e| err(e.into()))?;
        root.present().map_err(|e| err(Box::new(e)))?;
    }
    // The encoder and settings plotters uses when it writes a PNG file itself.
    let mut png = std::io::Cursor::new(Vec::new());
    image::write_buffer_with_format(
        &mut png,
        &pixels,
        width,
        height,
        image::ColorType::Rgb8,
        image::ImageOutputFormat::Png,
    )
    .map_err(|e| err(Box::new(e)))?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(Box::new(e)))?;
        chart.draw(&root).map_err(|e| err(e.into()))?;
        root.present().map_err(|e| err(Box::new(e)))?;
    }
    Ok((png.into_inner(), svg))
}
