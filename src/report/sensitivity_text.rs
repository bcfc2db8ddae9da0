//! The table `drsim sensitivity` prints for each strategy: its baseline, then
//! the inputs ranked by the swing in expected annual cost between their low
//! and high values, the first [`PRINTED`] of them (`sensitivity.csv` has all).

use std::fmt::Write as _;

use super::{Report, ReportError};
use crate::format::fmt_percent;
use crate::format::fmt_usd;
use crate::whatif::sensitivity::Tornado;

/// Rows printed per strategy (the CSV has every input).
pub const PRINTED: usize = 15;

/// The ranked table of one strategy's tornado.
#[derive(Clone, Copy, Debug, Default)]
pub struct TornadoText;

impl Report<Tornado> for TornadoText {
    fn render(&self, t: &Tornado) -> Result<String, ReportError> {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "\n{}: baseline expected annual cost {}, P(targets met) {} (worst kind; required {}).",
            t.strategy,
            fmt_usd(t.baseline.expected_annual_cost_usd),
            fmt_percent(t.baseline.p_targets_met),
            fmt_percent(t.confidence)
        );
        let _ = writeln!(out, "Inputs ranked by the swing in {} between their low and high values:", t.metric);
        let _ = writeln!(
            out,
            "  {:>3} {:<58} {:>16} {:>16} {:>13} {:>13} {:>11} {:>11}",
            "#", "input", "low", "high", "cost at low", "cost at high", "P met low", "P met high"
        );
        for (i, b) in t.bars.iter().take(PRINTED).enumerate() {
            let _ = writeln!(
                out,
                "  {:>3} {:<58} {:>16} {:>16} {:>13} {:>13} {:>11} {:>11}",
                i + 1,
                b.input.path,
                b.input.low_label,
                b.input.high_label,
                fmt_usd(b.low.expected_annual_cost_usd),
                fmt_usd(b.high.expected_annual_cost_usd),
                fmt_percent(b.low.p_targets_met),
                fmt_percent(b.high.p_targets_met)
            );
        }
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
