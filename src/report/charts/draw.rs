//! Drawing helpers shared by the charts: styled series with legend entries,
//! target lines, error mapping. Every chart draws through these so the look
//! stays the same everywhere.

use plotters::coord::Shift;
use plotters::coord::ranged1d::Ranged;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::FONT;
use super::style;

/// Maps any plotters error to the chart error text.
pub fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Draws series number `i` as a line in its colour and dash pattern, with a
/// legend entry `label` (when given) showing the same colour and dash.
pub fn line<'a, DB, X, Y>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    points: Vec<(f64, f64)>,
    i: usize,
    label: Option<&str>,
) -> Result<(), String>
where
    DB: DrawingBackend + 'a,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let colour = style::colour(i);
    let stroke = colour.stroke_width(style::LINE_WIDTH);
    match style::dash(i) {
        None => {
            let anno = chart.draw_series(LineSeries::new(points, stroke)).map_err(err)?;
            if let Some(label) = label {
                anno.label(label).legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 40, y)], colour.stroke_width(style::LINE_WIDTH))
                });
            }
        }
        Some((dash, gap)) => {
            let anno = chart.draw_series(DashedLineSeries::new(points, dash, gap, stroke)).map_err(err)?;
            if let Some(label) = label {
                anno.label(label).legend(move |(x, y)| {
                    DashedPathElement::new(vec![(x, y), (x + 40, y)], dash, gap, colour.stroke_width(style::LINE_WIDTH))
                });
            }
        }
    }
    Ok(())
}

/// A grey dashed reference line (a target) between two points, labelled in the legend.
pub fn target_line<'a, DB, X, Y>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    from: (f64, f64),
    to: (f64, f64),
    label: Option<&str>,
) -> Result<(), String>
where
    DB: DrawingBackend + 'a,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let grey = RGBColor(110, 110, 110);
    let anno = chart.draw_series(DashedLineSeries::new(vec![from, to], 10, 6, grey.stroke_width(3))).map_err(err)?;
    if let Some(label) = label {
        anno.label(label)
            .legend(move |(x, y)| DashedPathElement::new(vec![(x, y), (x + 40, y)], 10, 6, grey.stroke_width(3)));
    }
    Ok(())
}

/// Draws the legend box of a chart at `position`.
pub fn legend<'a, DB, X, Y>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    position: SeriesLabelPosition,
) -> Result<(), String>
where
    DB: DrawingBackend + 'a,
    X: Ranged,
    Y: Ranged,
{
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .label_font((FONT, style::TICK_SIZE))
        .legend_area_size(50)
        .margin(12)
        .draw()
        .map_err(err)
}

/// Writes the chart title at the top, 12 px below the edge (plotters alone leaves 5, which looks
/// cut off on a slide); returns the area below it.
pub fn titled<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
) -> Result<DrawingArea<DB, Shift>, String> {
    area.margin(7, 0, 0, 0).titled(title, (FONT, style::TITLE_SIZE).into_font().style(FontStyle::Bold)).map_err(err)
}

/// Writes a panel's caption at the top of `area` and returns the area below it, 8 px lower: room
/// for the top tick label ("100%"), which sticks out above the plot and, under a caption drawn by
/// the chart builder, runs into a long caption's first letters.
pub fn panel_caption<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    caption: &str,
) -> Result<DrawingArea<DB, Shift>, String> {
    Ok(area.titled(caption, (FONT, style::LABEL_SIZE)).map_err(err)?.margin(8, 0, 0, 0))
}

/// What a key entry shows before its text.
#[derive(Clone, Copy, Debug)]
pub enum KeySample {
    /// A series line in slot `i`'s colour and dash.
    Series(usize),
    /// The grey dashed target line.
    Target,
    /// A solid black line (a front, an outline).
    Black,
}

/// A line sample in the key, 50 px long from `(x, y)`.
fn key_sample<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    sample: KeySample,
) -> Result<(), String> {
    let points = vec![(x, y), (x + 50, y)];
    match sample {
        KeySample::Series(i) => match style::dash(i) {
            None => area.draw(&PathElement::new(points, style::colour(i).stroke_width(style::LINE_WIDTH))),
            Some((dash, gap)) => {
                area.draw(&DashedPathElement::new(points, dash, gap, style::colour(i).stroke_width(style::LINE_WIDTH)))
            }
        },
        KeySample::Target => area.draw(&DashedPathElement::new(points, 10, 6, RGBColor(110, 110, 110).stroke_width(3))),
        KeySample::Black => area.draw(&PathElement::new(points, BLACK.stroke_width(3))),
    }
    .map_err(err)
}

/// Splits off a strip at the top of `area` and draws a key in it, each row centred: each series'
/// line sample and name, then the target line sample and `target` (when given). Entries go on one
/// row of `height` pixels while they fit the width, and wrap onto further rows when they do not
/// (a sweep over two parameters has a line per strategy and value). Returns the area below.
pub fn key_strip<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    names: &[String],
    target: Option<&str>,
    height: u32,
) -> Result<DrawingArea<DB, Shift>, String> {
    let entries: Vec<(String, usize)> = names.iter().cloned().enumerate().map(|(i, n)| (n, i)).collect();
    key_strip_styled(area, &entries, target, height)
}

/// [`key_strip`] with each entry's style slot given (a strategy's slot from
/// [`style::strategy_slots`], so the key matches the lines whatever their order).
pub fn key_strip_styled<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    names: &[(String, usize)],
    target: Option<&str>,
    height: u32,
) -> Result<DrawingArea<DB, Shift>, String> {
    let mut entries: Vec<(KeySample, String)> = names.iter().map(|(n, i)| (KeySample::Series(*i), n.clone())).collect();
    if let Some(t) = target {
        entries.push((KeySample::Target, t.to_string()));
    }
    key_strip_samples(area, &entries, height)
}

/// [`key_strip`] with any samples: the entries in order, wrapped onto rows as needed.
pub fn key_strip_samples<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(KeySample, String)],
    height: u32,
) -> Result<DrawingArea<DB, Shift>, String> {
    let font = TextStyle::from((FONT, style::TICK_SIZE).into_font());
    let widths: Vec<i32> = entries
        .iter()
        .map(|(_, text)| area.estimate_text_size(text, &font).map_or(100, |(w, _)| w as i32) + 50 + 12 + 36)
        .collect();
    let room = area.dim_in_pixel().0 as i32 - 20;
    let mut rows: Vec<std::ops::Range<usize>> = Vec::new();
    let (mut start, mut used) = (0, 0);
    for (i, w) in widths.iter().enumerate() {
        if i > start && used + w > room {
            rows.push(start..i);
            (start, used) = (i, 0);
        }
        used += w;
    }
    rows.push(start..entries.len());
    let (strip, rest) = area.split_vertically(height * rows.len() as u32);
    for (r, row) in rows.into_iter().enumerate() {
        let total: i32 = widths[row.clone()].iter().sum();
        let mut x = ((strip.dim_in_pixel().0 as i32 - total) / 2).max(10);
        let y = height as i32 * r as i32 + height as i32 / 2;
        for ((sample, text), w) in entries[row.clone()].iter().zip(&widths[row]) {
            key_sample(&strip, (x, y), *sample)?;
            strip
                .draw(&Text::new(text.to_string(), (x + 62, y - style::TICK_SIZE as i32 / 2 - 2), font.clone()))
                .map_err(err)?;
            x += w;
        }
    }
    Ok(rest)
}

/// The house grid of every chart: tick labels at the tick size, no
/// minor lines, faint major lines. Axis descriptions stay with each chart.
pub fn house_mesh<'m, 'a, 'b, X, Y, DB>(
    mesh: &'m mut plotters::chart::MeshStyle<'a, 'b, X, Y, DB>,
) -> &'m mut plotters::chart::MeshStyle<'a, 'b, X, Y, DB>
where
    X: Ranged,
    Y: Ranged,
    DB: DrawingBackend,
{
    mesh.label_style((FONT, style::TICK_SIZE)).light_line_style(WHITE.mix(0.0)).bold_line_style(BLACK.mix(0.12))
}
