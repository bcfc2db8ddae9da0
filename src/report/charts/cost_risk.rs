//! Chart (d): cost against risk. Each strategy is a point at its expected
//! annual cost (x, log scale) and its P(meeting both targets) (y): the share
//! of its incidents, all kinds pooled, meeting both RTO and RPO (see
//! [`crate::summary::StrategySummary::both_met_all_kinds`]), with its 95% Wilson interval
//! as an error bar. The Pareto front (no other strategy is
//! both cheaper and at least as safe) is joined by a line; the recommendation
//! is labelled.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::draw::{self, err};
use super::style::{self, fmt_usd_tick, money_ticks};
use super::{Chart, FONT};
use crate::simulation::Results;

/// One strategy on the chart.
#[derive(Clone, Debug)]
pub struct Point {
    /// Strategy name.
    pub strategy: String,
    /// Expected total annual cost, USD.
    pub cost_usd: f64,
    /// Share of incidents (all kinds) meeting both targets.
    pub both_met: f64,
    /// Its 95% interval.
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// Whether it is the recommendation.
    pub recommended: bool,
    /// Whether, none meeting the targets, it is the one that comes closest.
    pub closest: bool,
    /// Its style slot ([`super::strategy_slots`]).
    pub slot: usize,
}

impl Point {
    /// The point's label: its name, marked when it is the recommendation or the closest.
    pub fn label(&self) -> String {
        if self.recommended {
            format!("{} (recommended)", self.strategy)
        } else if self.closest {
            format!("{} (closest; none meets the targets)", self.strategy)
        } else {
            self.strategy.clone()
        }
    }
}

/// The chart's title.
pub const TITLE: &str = "Cost against risk: expected annual cost vs P(meeting both targets)";

/// The words of a cost-against-risk chart: its file stem, title and y axis,
/// so that a platform's plans are drawn by the same code as strategies.
#[derive(Clone, Copy, Debug)]
pub struct Texts {
    /// File stem.
    pub name: &'static str,
    /// Title.
    pub title: &'static str,
    /// The y axis's description.
    pub y_desc: &'static str,
}

/// The words of the strategies' chart (`cost_vs_risk`).
pub const STRATEGY_TEXTS: Texts =
    Texts { name: "cost_vs_risk", title: TITLE, y_desc: "share of incidents meeting RTO and RPO" };

/// The cost-against-risk chart.
#[derive(Clone, Debug)]
pub struct CostRiskChart {
    /// One point per strategy.
    pub points: Vec<Point>,
    /// The required confidence (horizontal reference line).
    pub confidence: f64,
}

impl CostRiskChart {
    /// The chart from a run.
    pub fn new(results: &Results) -> CostRiskChart {
        let points = results
            .strategies
            .iter()
            .zip(super::strategy_slots(results))
            .map(|(s, slot)| {
                let share = s.both_met_all_kinds;
                Point {
                    strategy: s.name.clone(),
                    cost_usd: s.cost.total_annual_usd.value,
                    both_met: share.estimate,
                    low: share.low,
                    high: share.high,
                    recommended: results.decision.recommended.as_ref() == Some(&s.name),
                    closest: results.decision.closest.as_ref() == Some(&s.name),
                    slot,
                }
            })
            .collect();
        CostRiskChart { points, confidence: results.targets.confidence }
    }

    /// The axes: `((lo, hi), y_lo)`: expected cost in USD per year on a log
    /// scale, at least a factor 3 wide so the money ticks have room; the
    /// share from `y_lo` (a multiple of 5%, below every interval and the
    /// required confidence) to 100%.
    pub fn axes(&self) -> ((f64, f64), f64) {
        let min = self.points.iter().map(|p| p.cost_usd).filter(|c| *c > 0.0).fold(f64::INFINITY, f64::min);
        let max = self.points.iter().map(|p| p.cost_usd).fold(0.0, f64::max);
        let (lo, hi) = if min.is_finite() && max > 0.0 { (min / 1.3, max * 1.8) } else { (1.0, 10.0) };
        let widen = (3.0 / (hi / lo)).max(1.0).sqrt();
        let (lo, hi) = (lo / widen, hi * widen);
        let y_min = self.points.iter().map(|p| p.low).fold(self.confidence, f64::min);
        let y_lo = ((y_min - 0.05).max(0.0) * 20.0).floor() / 20.0;
        ((lo, hi), y_lo)
    }

    /// Indices of the Pareto-optimal points (no other point is at most as
    /// costly and at least as safe, with one strictly better), by cost.
    pub fn pareto(&self) -> Vec<usize> {
        let p = &self.points;
        let mut front: Vec<usize> = (0..p.len())
            .filter(|&i| {
                !(0..p.len()).any(|j| {
                    j != i
                        && p[j].cost_usd <= p[i].cost_usd
                        && p[j].both_met >= p[i].both_met
                        && (p[j].cost_usd < p[i].cost_usd || p[j].both_met > p[i].both_met)
                })
            })
            .collect();
        front.sort_by(|&a, &b| p[a].cost_usd.total_cmp(&p[b].cost_usd));
        front
    }
}

/// A box on the chart, in pixels of the whole chart: left, top, right, bottom.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PixelBox {
    /// Left edge.
    pub left: i32,
    /// Top edge.
    pub top: i32,
    /// Right edge (exclusive).
    pub right: i32,
    /// Bottom edge (exclusive).
    pub bottom: i32,
}

impl PixelBox {
    /// Whether the two boxes share any pixel.
    pub fn overlaps(&self, o: &PixelBox) -> bool {
        self.left < o.right && o.left < self.right && self.top < o.bottom && o.top < self.bottom
    }

    /// Whether `o` lies wholly inside this box.
    pub fn contains(&self, o: &PixelBox) -> bool {
        o.left >= self.left && o.right <= self.right && o.top >= self.top && o.bottom <= self.bottom
    }

    fn area_shared(&self, o: &PixelBox) -> i64 {
        let w = (self.right.min(o.right) - self.left.max(o.left)).max(0);
        let h = (self.bottom.min(o.bottom) - self.top.max(o.top)).max(0);
        i64::from(w) * i64::from(h)
    }
}

/// Where the chart put things: what the label test checks.
#[derive(Clone, Debug)]
pub struct Layout {
    /// The plotting area (inside the axes).
    pub plot: PixelBox,
    /// Each point's marker (the circle's bounding box), in the points' order.
    pub markers: Vec<PixelBox>,
    /// The labels, one per group of [`CostRiskChart::label_groups`], in the groups' order.
    pub labels: Vec<PixelBox>,
    /// The points each label names (indices into the points; every point in exactly one).
    pub groups: Vec<Vec<usize>>,
    /// The required-confidence line (a thin strip across the plot).
    pub required_line: PixelBox,
}

/// Radius of a point's marker, pixels.
pub const MARKER_RADIUS: i32 = 14;

/// Places one label of size `(w, h)` per point `anchors[i]` inside `plot`, so that no
/// label overlaps another label, any point's marker (`radius` around each anchor) or an
/// `obstacle` (the required-confidence line, say).
/// Labels are placed in the order `order` (the decision's label first); each takes the
/// first free spot among: right of its point, below right, above right, the same on the left,
/// above, below,
/// then the same further out (up to about 200 px). A label that finds no free spot goes
/// where it overlaps least (the label test fails on such a chart).
pub fn place_labels(
    plot: PixelBox,
    anchors: &[(i32, i32)],
    sizes: &[(i32, i32)],
    radius: i32,
    order: &[usize],
    obstacles: &[PixelBox],
) -> Vec<PixelBox> {
    let gap = 8;
    let markers: Vec<PixelBox> = anchors
        .iter()
        .map(|&(x, y)| PixelBox { left: x - radius, top: y - radius, right: x + radius + 1, bottom: y + radius + 1 })
        .chain(obstacles.iter().copied())
        .collect();
    let mut placed: Vec<Option<PixelBox>> = vec![None; anchors.len()];
    for &i in order {
        let (x, y) = anchors[i];
        let (w, h) = sizes[i];
        let at = |left: i32, top: i32| PixelBox { left, top, right: left + w, bottom: top + h };
        let mut candidates = Vec::new();
        for ring in 0..8 {
            let d = ring * 26;
            let r = radius + gap + d;
            candidates.push(at(x + r, y - h / 2));
            candidates.push(at(x + r, y + r - radius));
            candidates.push(at(x + r, y - r - h + radius));
            candidates.push(at(x - r - w, y - h / 2));
            candidates.push(at(x - r - w, y + r - radius));
            candidates.push(at(x - r - w, y - r - h + radius));
            candidates.push(at(x - w / 2, y - r - h));
            candidates.push(at(x - w / 2, y + r));
        }
        let cost = |b: &PixelBox| -> i64 {
            let outside = i64::from(w) * i64::from(h) - plot.area_shared(b);
            let on_labels: i64 = placed.iter().flatten().map(|o| o.area_shared(b)).sum();
            let on_markers: i64 = markers.iter().map(|m| m.area_shared(b)).sum();
            outside * 4 + on_labels + on_markers
        };
        let best = candidates
            .iter()
            .find(|b| cost(b) == 0)
            .copied()
            .or_else(|| candidates.iter().min_by_key(|b| cost(b)).copied());
        placed[i] = best;
    }
    placed.into_iter().map(|b| b.unwrap_or(PixelBox { left: 0, top: 0, right: 0, bottom: 0 })).collect()
}

impl CostRiskChart {
    /// Where the chart puts its plot, markers and labels on its 1600 x 900 canvas
    /// (computed with the bundled font, as when it is drawn).
    pub fn layout(&self) -> Result<Layout, String> {
        self.layout_with(&STRATEGY_TEXTS)
    }

    /// [`CostRiskChart::layout`] with other words (a platform's plans).
    pub fn layout_with(&self, texts: &Texts) -> Result<Layout, String> {
        super::register_fonts();
        let (w, h) = self.size();
        let mut svg = String::new();
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        self.draw_laid_out(&root, texts)
    }

    fn group_font(&self, group: &[usize]) -> FontDesc<'static> {
        if self.group_strong(group) {
            (FONT, style::LABEL_SIZE).into_font().style(FontStyle::Bold)
        } else {
            (FONT, style::TICK_SIZE).into_font()
        }
    }

    /// Which points share a label, each group in the points' order and the
    /// groups by their first point: points whose markers touch (centres
    /// closer than [`SHARED_LABEL_PX`] at pixels `anchors`, linked in
    /// chains) share one, as labels of their own could not be told apart
    /// nor kept clear of each other's markers. The recommendation and the
    /// closest plan keep a label of their own.
    pub fn label_groups(&self, anchors: &[(i32, i32)]) -> Vec<Vec<usize>> {
        let n = self.points.len().min(anchors.len());
        let strong = |i: usize| self.points[i].recommended || self.points[i].closest;
        let mut group: Vec<usize> = (0..n).collect();
        for i in 0..n {
            for j in 0..i {
                let ((xi, yi), (xj, yj)) = (anchors[i], anchors[j]);
                let near = (xi - xj).pow(2) + (yi - yj).pow(2) < SHARED_LABEL_PX.pow(2);
                if near && !strong(i) && !strong(j) && group[i] != group[j] {
                    let (from, to) = (group[i].max(group[j]), group[i].min(group[j]));
                    group.iter_mut().filter(|g| **g == from).for_each(|g| *g = to);
                }
            }
        }
        (0..n).filter(|&i| group[i] == i).map(|g| (0..n).filter(|&i| group[i] == g).collect()).collect()
    }

    /// A group's label: the point's own label when alone, else the names of
    /// its points, runs such as `found-1`, `found-2`, `found-3` as `found-1..3`.
    pub fn group_label(&self, group: &[usize]) -> String {
        match group {
            [one] => self.points[*one].label(),
            _ => join_runs(&group.iter().map(|&i| self.points[i].strategy.as_str()).collect::<Vec<_>>()),
        }
    }

    /// Whether a group's label is set in bold: the recommendation's or the closest's.
    pub fn group_strong(&self, group: &[usize]) -> bool {
        matches!(group, [one] if self.points[*one].recommended || self.points[*one].closest)
    }

    /// Draws the chart and returns where its labels went.
    pub fn draw_laid_out<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        texts: &Texts,
    ) -> Result<Layout, String> {
        let body = draw::titled(area, texts.title)?;
        let required = format!("required: {:.1}%", self.confidence * 100.0);
        let key = [
            (draw::KeySample::Black, "Pareto front (nothing cheaper is safer)".to_string()),
            (draw::KeySample::Target, required),
        ];
        let body = draw::key_strip_samples(&body, &key, 50)?;
        let ((lo, hi), y_lo) = self.axes();
        let mut chart = ChartBuilder::on(&body)
            .margin(20)
            .margin_right(30)
            .x_label_area_size(80)
            .y_label_area_size(110)
            .build_cartesian_2d((lo..hi).log_scale().with_key_points(money_ticks(lo, hi)), y_lo..1.005)
            .map_err(err)?;
        draw::house_mesh(&mut chart.configure_mesh())
            .x_desc("expected total cost per year, USD (log scale); vertical bars: 95% interval")
            .y_desc(texts.y_desc)
            .x_label_formatter(&|x| fmt_usd_tick(*x))
            .y_label_formatter(&|y| style::fmt_share_tick(*y))
            .axis_desc_style((FONT, style::LABEL_SIZE))
            .draw()
            .map_err(err)?;
        draw::target_line(&mut chart, (lo, self.confidence), (hi, self.confidence), None)?;
        let front: Vec<(f64, f64)> =
            self.pareto().iter().map(|&i| (self.points[i].cost_usd, self.points[i].both_met)).collect();
        chart.draw_series(LineSeries::new(front, BLACK.stroke_width(3))).map_err(err)?;
        let front_set = self.pareto();
        for (i, p) in self.points.iter().enumerate() {
            let colour = style::colour(p.slot);
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(p.cost_usd, p.low), (p.cost_usd, p.high)],
                    colour.stroke_width(3),
                )))
                .map_err(err)?;
            let on_front = front_set.contains(&i);
            chart
                .draw_series(std::iter::once(Circle::new((p.cost_usd, p.both_met), MARKER_RADIUS, colour.filled())))
                .map_err(err)?;
            chart
                .draw_series(std::iter::once(Circle::new(
                    (p.cost_usd, p.both_met),
                    MARKER_RADIUS,
                    BLACK.stroke_width(if on_front { 4 } else { 1 }),
                )))
                .map_err(err)?;
        }
        let (xs, ys) = chart.plotting_area().get_pixel_range();
        let plot = PixelBox { left: xs.start, top: ys.start, right: xs.end, bottom: ys.end };
        let anchors: Vec<(i32, i32)> =
            self.points.iter().map(|p| chart.backend_coord(&(p.cost_usd, p.both_met))).collect();
        let groups = self.label_groups(&anchors);
        let sizes: Vec<(i32, i32)> = groups
            .iter()
            .map(|g| {
                let font = TextStyle::from(self.group_font(g));
                let (w, h) = area.estimate_text_size(&self.group_label(g), &font).unwrap_or((200, 30));
                (w as i32 + 4, h as i32 + 4)
            })
            .collect();
        let (_, line_y) = chart.backend_coord(&(lo, self.confidence));
        let (labels, line) = self.place(plot, &anchors, &groups, &sizes, line_y);
        let (ox, oy) = area.get_base_pixel();
        for (g, b) in groups.iter().zip(&labels) {
            if let Some(((ax, ay), (cx, cy))) = leader(group_anchor(&anchors, g), b) {
                area.draw(&PathElement::new(
                    vec![(ax - ox, ay - oy), (cx - ox, cy - oy)],
                    BLACK.mix(0.5).stroke_width(1),
                ))
                .map_err(err)?;
            }
            area.draw(&Text::new(self.group_label(g), (b.left + 2 - ox, b.top + 2 - oy), self.group_font(g)))
                .map_err(err)?;
        }
        Ok(Layout { plot, markers: Self::markers(&anchors), labels, groups, required_line: line })
    }
}

/// Points whose centres are closer than this, pixels, share one label
/// ([`CostRiskChart::label_groups`]): their markers touch.
pub const SHARED_LABEL_PX: i32 = 2 * MARKER_RADIUS;

/// Where a group's label points: the middle of its points' pixels.
pub fn group_anchor(anchors: &[(i32, i32)], group: &[usize]) -> (i32, i32) {
    let n = group.len().max(1) as i32;
    let (x, y) = group.iter().fold((0, 0), |(x, y), &i| (x + anchors[i].0, y + anchors[i].1));
    (x / n, y / n)
}

/// Names joined by `, `, with runs of consecutive numbers of one stem
/// (`found-1`, `found-2`, `found-3`) written `found-1..3`.
pub fn join_runs(names: &[&str]) -> String {
    let numbered = |s: &str| -> Option<(String, u64)> {
        let (stem, n) = s.rsplit_once('-')?;
        Some((stem.to_string(), n.parse().ok()?))
    };
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < names.len() {
        let mut j = i;
        if let Some((stem, first)) = numbered(names[i]) {
            while j + 1 < names.len() && numbered(names[j + 1]) == Some((stem.clone(), first + (j + 1 - i) as u64)) {
                j += 1;
            }
            if j > i {
                out.push(format!("{stem}-{first}..{}", first + (j - i) as u64));
                i = j + 1;
                continue;
            }
        }
        out.push(names[i].to_string());
        i += 1;
    }
    out.join(", ")
}

/// The line from a point to its label when the label had to move away from
/// it (farther than just beside its marker): `(point, nearest spot of the label)`.
pub fn leader(anchor: (i32, i32), label: &PixelBox) -> Option<((i32, i32), (i32, i32))> {
    let (ax, ay) = anchor;
    let (cx, cy) = (ax.clamp(label.left, label.right), ay.clamp(label.top, label.bottom));
    ((cx - ax).pow(2) + (cy - ay).pow(2) > (MARKER_RADIUS + 20).pow(2)).then_some(((ax, ay), (cx, cy)))
}

impl CostRiskChart {
    /// Where the labels go, on any canvas (the PNG and SVG files, and
    /// report.html's inline SVG): the plot area `plot`, the points at pixels
    /// `anchors`, one label per group of `groups`
    /// ([`CostRiskChart::label_groups`]) of `sizes` (width, height), the
    /// required confidence at pixel row `line_y`. Labels stay inside the
    /// plot, clear of each other, of every point, of the required line and of
    /// the Pareto front; the decision's label is placed first. Returns the
    /// labels' boxes (in the groups' order) and the required line's strip.
    pub fn place(
        &self,
        plot: PixelBox,
        anchors: &[(i32, i32)],
        groups: &[Vec<usize>],
        sizes: &[(i32, i32)],
        line_y: i32,
    ) -> (Vec<PixelBox>, PixelBox) {
        let at: Vec<(i32, i32)> = groups.iter().map(|g| group_anchor(anchors, g)).collect();
        // The decision's label first (it gets the best spot), then top to bottom.
        let mut order: Vec<usize> = (0..groups.len()).collect();
        order.sort_by_key(|&i| (!self.group_strong(&groups[i]), at[i].1));
        let line = PixelBox { left: plot.left, top: line_y - 8, right: plot.right, bottom: line_y + 9 };
        // The Pareto front as a chain of small boxes every 8 px along its segments.
        let front_px: Vec<(i32, i32)> = self.pareto().iter().map(|&i| anchors[i]).collect();
        let mut obstacles = vec![line];
        for w in front_px.windows(2) {
            let ((x0, y0), (x1, y1)) = (w[0], w[1]);
            let steps = ((x1 - x0).abs().max((y1 - y0).abs()) / 8).max(1);
            for k in 0..=steps {
                let (x, y) = (x0 + (x1 - x0) * k / steps, y0 + (y1 - y0) * k / steps);
                obstacles.push(PixelBox { left: x - 4, top: y - 4, right: x + 5, bottom: y + 5 });
            }
        }
        // Every point's marker, those of a group not at its label's anchor too.
        let r = MARKER_RADIUS + 2;
        obstacles.extend(anchors.iter().map(|&(x, y)| PixelBox {
            left: x - r,
            top: y - r,
            right: x + r + 1,
            bottom: y + r + 1,
        }));
        (place_labels(plot, &at, sizes, r, &order, &obstacles), line)
    }

    /// Each point's marker box at pixels `anchors`.
    pub fn markers(anchors: &[(i32, i32)]) -> Vec<PixelBox> {
        anchors
            .iter()
            .map(|&(x, y)| PixelBox {
                left: x - MARKER_RADIUS,
                top: y - MARKER_RADIUS,
                right: x + MARKER_RADIUS + 1,
                bottom: y + MARKER_RADIUS + 1,
            })
            .collect()
    }
}

impl Chart for CostRiskChart {
    fn name(&self) -> &str {
        STRATEGY_TEXTS.name
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        self.draw_laid_out(area, &STRATEGY_TEXTS).map(|_| ())
    }
}
