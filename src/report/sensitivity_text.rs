//! The table `drsim sensitivity` prints for each strategy: its baseline, then
//! the inputs ranked by the swing of the chosen metric (`--metric`) between
//! their low and high values, the first [`PRINTED`] of them
//! (`sensitivity.csv` has all). The metric's columns come first, each named
//! after it; then one figure for context (see [`Columns`]).

use std::fmt::Write as _;

use super::sensitivity_columns::Columns;
use super::{Report, ReportError};
use crate::format::fmt_percent;
use crate::format::fmt_usd;
use crate::whatif::sensitivity::{Metric, Tornado};

/// Rows printed per strategy (the CSV has every input).
pub const PRINTED: usize = 15;

/// The ranked table of one strategy's tornado.
#[derive(Clone, Copy, Debug)]
pub struct TornadoText {
    /// What the tornado was ranked by (`--metric`).
    pub metric: Metric,
}

impl Report<Tornado> for TornadoText {
    fn render(&self, t: &Tornado) -> Result<String, ReportError> {
        let c = Columns::new(self.metric);
        let (m, x) = (c.metric, c.context());
        let mut out = String::new();
        let _ = writeln!(
            out,
            "\n{}: baseline expected annual cost {}, P(targets met) {} (worst kind; required {}).",
            t.strategy,
            fmt_usd(t.baseline.expected_annual_cost_usd),
            fmt_percent(t.baseline.p_targets_met),
            fmt_percent(t.confidence)
        );
        if !matches!(m, Metric::Cost | Metric::TargetsMet(None)) {
            let _ = writeln!(out, "Baseline {}: {}.", m.label(), Columns::show(m, m.of(&t.baseline)));
        }
        let _ = writeln!(out, "Inputs ranked by the swing in {} between their low and high values:", m.label());
        let (ml, mh, ms) = (
            format!("{} at low", Columns::short(m)),
            format!("{} at high", Columns::short(m)),
            format!("{} swing", Columns::short(m)),
        );
        let (xl, xh) = (format!("{} at low", Columns::short(x)), format!("{} at high", Columns::short(x)));
        // Each figure column as wide as its heading (at least 13): the headings name the metric.
        let w: Vec<usize> = [&ml, &mh, &ms, &xl, &xh].iter().map(|h| h.len().max(13)).collect();
        let _ = writeln!(
            out,
            "  {:>3} {:<58} {:>16} {:>16} {:>w0$} {:>w1$} {:>w2$} {:>w3$} {:>w4$}",
            "#",
            "input",
            "low",
            "high",
            ml,
            mh,
            ms,
            xl,
            xh,
            w0 = w[0],
            w1 = w[1],
            w2 = w[2],
            w3 = w[3],
            w4 = w[4]
        );
        for (i, b) in t.bars.iter().take(PRINTED).enumerate() {
            let _ = writeln!(
                out,
                "  {:>3} {:<58} {:>16} {:>16} {:>w0$} {:>w1$} {:>w2$} {:>w3$} {:>w4$}",
                i + 1,
                b.input.path,
                b.input.low_label,
                b.input.high_label,
                Columns::show(m, m.of(&b.low)),
                Columns::show(m, m.of(&b.high)),
                Columns::show_swing(m, b.swing(m)),
                Columns::show(x, x.of(&b.low)),
                Columns::show(x, x.of(&b.high)),
                w0 = w[0],
                w1 = w[1],
                w2 = w[2],
                w3 = w[3],
                w4 = w[4]
            );
        }
        let _ = writeln!(out, "  columns: {}", c.legend());
        if t.bars.len() > PRINTED {
            let _ = writeln!(out, "  ... {} more inputs (see sensitivity.csv with --out)", t.bars.len() - PRINTED);
        }
        for f in &t.flips {
            let pick = |p: &Option<String>| p.clone().unwrap_or_else(|| "no strategy".into());
            let _ = writeln!(
                out,
                "  decision flips: {} at its {} value ({}): {} instead of {}",
                f.path,
                f.at,
                f.value_label,
                pick(&f.recommended),
                pick(&f.baseline)
            );
        }
        Ok(out)
    }
}
