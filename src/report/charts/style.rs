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

/// Series colours (Okabe-Ito), arranged by posture so that a strategy keeps
/// its colour across models and charts (see [`strategy_slots`]): slots 0 to 3
/// are the first strategy of each posture in the whitepaper's order (backup &
/// restore vermillion, pilot light orange, warm standby blue, active-active
/// bluish green), slots 4 to 7 a second strategy of the same posture
/// (reddish purple, mustard, sky blue, black). The yellow is darkened to a
/// mustard (Okabe-Ito's 240, 228, 66 all but vanished as a line on white on
/// a projector). Slots of one posture share a dash pattern ([`dash`]), so
/// postures stay apart in grey-scale print too.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(213, 94, 0),
    RGBColor(230, 159, 0),
    RGBColor(0, 114, 178),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(215, 195, 40),
    RGBColor(86, 180, 233),
    RGBColor(0, 0, 0),
];

/// The colour of series (slot) number `i`.
pub fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Colours of the recovery steps (detection, decision, provisioning, restore, traffic
/// switch, waiting, total-loss recovery), in the Okabe-Ito order that alternates dark
/// and light so stacked neighbours stay apart in grey-scale.
pub const STEP_PALETTE: [RGBColor; 8] = [
    RGBColor(0, 0, 0),
    RGBColor(230, 159, 0),
    RGBColor(0, 114, 178),
    RGBColor(215, 195, 40),
    RGBColor(213, 94, 0),
    RGBColor(86, 180, 233),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
];

/// The colour of recovery step number `i` (see [`STEP_PALETTE`]).
pub fn step_colour(i: usize) -> RGBColor {
    STEP_PALETTE[i % STEP_PALETTE.len()]
}

/// The style slot (index into [`PALETTE`] and [`dash`]) of each strategy, given as
/// `(name, posture)` with the posture as model files spell it (`backup_restore`,
/// `pilot_light`, `warm_standby`, `active_active`).
///
/// The slot is a stable function of the posture and the name: the first strategy of
/// a posture (in name order) gets the posture's slot (0 to 3), the second the
/// posture's second slot (4 to 7), a third the first again (told apart by nothing
/// but its label: rare enough). So `warm-standby` is blue in every chart of every
/// model, and two backup & restore variants are vermillion and reddish purple.
/// An unknown posture falls back to the position in the list.
pub fn strategy_slots(strategies: &[(&str, &str)]) -> Vec<usize> {
    const POSTURES: [&str; 4] = ["backup_restore", "pilot_light", "warm_standby", "active_active"];
    strategies
        .iter()
        .enumerate()
        .map(|(i, (name, posture))| match POSTURES.iter().position(|p| p == posture) {
            Some(p) => {
                let rank = strategies.iter().filter(|(n, q)| q == posture && n < name).count();
                p + 4 * (rank % 2)
            }
            None => i,
        })
        .collect()
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

/// Nice tick positions for a log axis of durations in seconds: round human
/// units (1 s, 1 min, 1 h, 1 d, ...) inside `lo..hi`, each at least a factor
/// `(hi/lo)^(1/max)` from the previous, so at most about `max` labels fit
/// without overlapping.
pub fn duration_ticks(lo: f64, hi: f64, max: usize) -> Vec<f64> {
    const CANDIDATES: [f64; 22] = [
        0.1,
        1.0,
        5.0,
        15.0,
        60.0,
        300.0,
        900.0,
        1800.0,
        3600.0,
        7200.0,
        14_400.0,
        21_600.0,
        43_200.0,
        86_400.0,
        172_800.0,
        345_600.0,
        604_800.0,
        1_209_600.0,
        2_592_000.0,
        7_776_000.0,
        15_552_000.0,
        31_536_000.0,
    ];
    let step = (hi / lo).powf(1.0 / max.max(1) as f64);
    let mut out: Vec<f64> = Vec::new();
    for t in CANDIDATES.iter().copied().filter(|&t| t >= lo && t <= hi) {
        if out.last().is_none_or(|&last| t >= last * step) {
            out.push(t);
        }
    }
    out
}

/// Ticks of a log axis of probabilities: the decades 1, 0.1, 0.01, ...
/// down to `lo` (a rounding margin of 0.1 % below it).
pub fn decade_ticks(lo: f64) -> Vec<f64> {
    let mut ticks = Vec::new();
    let mut t = 1.0;
    while t >= lo * 0.999 {
        ticks.push(t);
        t /= 10.0;
    }
    ticks
}

/// Nice tick positions for a log axis of money: 1, 2, 5 x 10^n inside
/// `lo..hi` (every 1..9 x 10^n on a narrow axis that would get fewer than 4), at most 9.
pub fn money_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let coarse = ticks_with(lo, hi, &[1.0, 2.0, 5.0]);
    if coarse.len() >= 4 {
        return coarse;
    }
    ticks_with(lo, hi, &[1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0])
}

fn ticks_with(lo: f64, hi: f64, mantissas: &[f64]) -> Vec<f64> {
    let mut out = Vec::new();
    let mut decade = 10f64.powf(lo.max(1e-3).log10().floor());
    while decade <= hi {
        for &m in mantissas {
            let t = m * decade;
            if t >= lo && t <= hi {
                out.push(t);
            }
        }
        decade *= 10.0;
    }
    thin(out)
}

/// Which ticks' labels fit side by side along an axis, left to right: the
/// indices of the ticks kept, for ticks at pixel positions `xs` (ascending)
/// with labels `labels` at the tick font. A tick whose label would touch the
/// previous kept one's is left out. A label's half width is estimated at
/// 0.3 em per character plus a gap, wide enough for the bundled font and
/// the usual system fonts.
pub fn fitting_ticks(xs: &[f64], labels: &[String]) -> Vec<usize> {
    let half = |label: &str| label.chars().count() as f64 * 0.3 * f64::from(TICK_SIZE) + 8.0;
    let mut kept: Vec<usize> = Vec::new();
    for (i, (x, label)) in xs.iter().zip(labels).enumerate() {
        let fits = kept.last().is_none_or(|&last| x - xs[last] >= half(&labels[last]) + half(label));
        if fits {
            kept.push(i);
        }
    }
    kept
}

/// [`money_ticks`] from `lo` to `hi` (USD, log scale) whose labels fit side
/// by side on an axis `width_px` wide.
pub fn money_ticks_within(lo: f64, hi: f64, width_px: f64) -> Vec<f64> {
    let ticks = money_ticks(lo, hi);
    let span = (hi / lo).ln();
    let xs: Vec<f64> = ticks.iter().map(|t| (t / lo).ln() / span * width_px).collect();
    let labels: Vec<String> = ticks.iter().map(|&t| fmt_usd_tick(t)).collect();
    fitting_ticks(&xs, &labels).into_iter().map(|i| ticks[i]).collect()
}

fn thin(mut ticks: Vec<f64>) -> Vec<f64> {
    while ticks.len() > 9 {
        ticks = ticks.into_iter().step_by(2).collect();
    }
    ticks
}

/// A plain number for an axis tick without a useless `.0`: `20`, `2.5`.
pub fn fmt_number_tick(x: f64) -> String {
    trim(x)
}

fn trim(x: f64) -> String {
    let s = if x >= 10.0 || (x - x.round()).abs() < 1e-9 { format!("{x:.0}") } else { format!("{x:.1}") };
    s.trim_end_matches(".0").to_string()
}

/// A share as a whole percentage for a linear axis tick: `0%`, `35%`, `100%`.
pub fn fmt_share_tick(p: f64) -> String {
    format!("{:.0}%", p * 100.0)
}

/// A share as a percentage for a log axis tick, with as many decimals as it
/// needs: `100%`, `1%`, `0.01%`.
pub fn fmt_percent_tick(p: f64) -> String {
    let pct = p * 100.0;
    let decimals = (-pct.log10()).ceil().max(0.0) as usize;
    format!("{pct:.decimals$}%")
}

/// The whole number a tick stands on, if it stands on one (within 1e-6)
/// that is not negative: where a category axis names a category (plotters
/// puts ticks where it likes; the ones between categories stay blank).
fn tick_index(at: f64) -> Option<usize> {
    let i = at.round();
    ((at - i).abs() < 1e-6 && i >= 0.0).then_some(i as usize)
}

/// The label of a category axis at tick `at`: `labels[i]` at the whole
/// number `i`, blank between categories and beyond the last.
pub fn fmt_category_tick(labels: &[String], at: f64) -> String {
    tick_index(at).and_then(|i| labels.get(i)).cloned().unwrap_or_default()
}

/// The label of a horizontal bar chart's row at tick `y`, the first label
/// at the top: row `i` from the bottom is `labels[labels.len() - 1 - i]`,
/// blank between rows and beyond the last.
pub fn fmt_row_tick(labels: &[String], y: f64) -> String {
    tick_index(y)
        .and_then(|i| labels.len().checked_sub(i)?.checked_sub(1))
        .and_then(|i| labels.get(i))
        .cloned()
        .unwrap_or_default()
}

/// A short duration label for an axis tick: `30 s`, `15 min`, `6 h`, `2 d`.
pub fn fmt_duration_tick(secs: f64) -> String {
    if secs < 60.0 {
        format!("{} s", trim(secs))
    } else if secs < 3600.0 {
        format!("{} min", trim(secs / 60.0))
    } else if secs < 86_400.0 {
        format!("{} h", trim(secs / 3600.0))
    } else {
        format!("{} d", trim(secs / 86_400.0))
    }
}

/// A short money label for an axis tick: `$500`, `$20k`, `$1.5M`.
pub fn fmt_usd_tick(usd: f64) -> String {
    if usd >= 1e9 {
        format!("${}B", trim(usd / 1e9))
    } else if usd >= 1e6 {
        format!("${}M", trim(usd / 1e6))
    } else if usd >= 1e3 {
        format!("${}k", trim(usd / 1e3))
    } else {
        format!("${}", trim(usd))
    }
}

/// A log-axis range covering `values` (positive, finite ones) and `always`
/// (targets that must be visible), with a margin of a factor 1.5 each side.
/// Falls back to a decade either side of `always` (or 1..10) when nothing is positive.
pub fn log_range(values: impl IntoIterator<Item = f64>, always: &[f64]) -> (f64, f64) {
    let mut lo = f64::INFINITY;
    let mut hi: f64 = 0.0;
    for v in values.into_iter().chain(always.iter().copied()).filter(|v| v.is_finite() && *v > 0.0) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (1.0, 10.0);
    }
    if hi / lo < 10.0 {
        let mid = (hi * lo).sqrt();
        return (mid / 10.0, mid * 10.0);
    }
    (lo / 1.5, hi * 1.5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_ticks_name_whole_positions_only_and_rows_count_from_the_top() {
        let labels: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let at = |f: fn(&[String], f64) -> String, xs: &[f64]| xs.iter().map(|&x| f(&labels, x)).collect::<Vec<_>>();
        let ticks = [-1.0, -0.0, 0.0, 0.5, 1.0 + 1e-7, 2.0, 3.0];
        assert_eq!(at(fmt_category_tick, &ticks), ["", "a", "a", "", "b", "c", ""]);
        assert_eq!(at(fmt_row_tick, &ticks), ["", "c", "c", "", "b", "a", ""]);
        assert_eq!(fmt_row_tick(&[], 0.0), "");
    }

    #[test]
    fn tick_labels_read_as_humans_write_them() {
        assert_eq!(fmt_share_tick(0.35), "35%");
        assert_eq!(fmt_duration_tick(30.0), "30 s");
        assert_eq!(fmt_duration_tick(900.0), "15 min");
        assert_eq!(fmt_duration_tick(5400.0), "1.5 h");
        assert_eq!(fmt_duration_tick(172_800.0), "2 d");
        assert_eq!(fmt_usd_tick(20_000.0), "$20k");
        assert_eq!(fmt_usd_tick(1_500_000.0), "$1.5M");
        assert_eq!(money_ticks(15.0, 600.0), vec![20.0, 50.0, 100.0, 200.0, 500.0]);
    }

    #[test]
    fn a_strategy_keeps_its_colour_whatever_else_is_in_the_model() {
        let alone = strategy_slots(&[("warm-standby", "warm_standby")]);
        let four = strategy_slots(&[
            ("backup-restore", "backup_restore"),
            ("pilot-light", "pilot_light"),
            ("warm-standby", "warm_standby"),
            ("active-active", "active_active"),
        ]);
        assert_eq!(alone, vec![2]);
        assert_eq!(four, vec![0, 1, 2, 3]);
        // Two of one posture: name order decides, not the order in the file.
        let twins = strategy_slots(&[("backups-mutable", "backup_restore"), ("backups-immutable", "backup_restore")]);
        assert_eq!(twins, vec![4, 0]);
    }
}
