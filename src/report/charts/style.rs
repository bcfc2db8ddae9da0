//! The look shared by every chart: sizes legible on a slide, a palette that
//! stays distinguishable in grey-scale print (Okabe-Ito hues, ordered so
//! neighbours differ in lightness, plus a distinct dash or marker per series).

use plotters::style::RGBColor;

/// 1600 x 900: 16:9, legible when projected.
pub const SLIDE_SIZE: (u32, u32) = (1600, 900);
/// Title font size, pixels.
pub const TITLE_SIZE: u32 = 40;
/// Axis label font size, pixels.
pub const LABEL_SIZE: u32 = 28;
/// Tick and legend font size, pixels.
pub const TICK_SIZE: u32 = 22;
/// Line width of data series, pixels.
pub const LINE_WIDTH: u32 = 4;

/// Series colours (Okabe-Ito), ordered dark / light alternately so adjacent
/// series stay apart in grey-scale: black, orange, blue, yellow, vermillion,
/// sky blue, bluish green, reddish purple.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 0, 0),
    RGBColor(230, 159, 0),
    RGBColor(0, 114, 178),
    RGBColor(240, 228, 66),
    RGBColor(213, 94, 0),
    RGBColor(86, 180, 233),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
];

/// The colour of series number `i`.
pub fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Dash pattern (dash length, gap) of series number `i`; `None` = solid.
/// Together with the colour this keeps series apart without colour.
pub fn dash(i: usize) -> Option<(u32, u32)> {
    match i % 4 {
        0 => None,
        1 => Some((18, 8)),
        2 => Some((6, 6)),
        _ => Some((24, 6)),
    }
}
