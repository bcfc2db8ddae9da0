//! `sensitivity.md`: every tornado of a `drsim sensitivity` as a Markdown
//! section, for a design document: per strategy its baseline, then every
//! input ranked by the swing of the chosen metric (`--metric`), with the
//! same columns as the printed table (see [`Columns`]), then the inputs that
//! change the recommendation.

use std::fmt::Write as _;

use super::markdown::escape;
use super::sensitivity_columns::Columns;
use super::{Report, ReportError};
use crate::format::{fmt_percent, fmt_usd};
use crate::whatif::sensitivity::{Metric, Tornado};

/// `sensitivity.md`, from the tornados of every strategy analysed.
#[derive(Clone, Copy, Debug)]
pub struct SensitivityMarkdown {
    /// What the tornados were ranked by (`--metric`).
    pub metric: Metric,
}

impl Report<[Tornado]> for SensitivityMarkdown {
    fn render(&self, tornados: &[Tornado]) -> Result<String, ReportError> {
        let c = Columns::new(self.metric);
        let (m, x) = (c.metric, c.context());
        let mut out = String::new();
        let _ = writeln!(out, "# Sensitivity: inputs ranked by the swing in {}\n", m.label());
        let _ = writeln!(
            out,
            "Each input moved alone to its low and high value (a distribution to its P10 and P90, a fixed value by the swing), on common random numbers. Columns: {}.",
            escape(&c.legend())
        );
        for t in tornados {
            let _ = writeln!(out, "\n## {}\n", escape(&t.strategy));
            let _ = writeln!(
                out,
                "Baseline: expected annual cost {}, P(targets met) {} (worst kind; required {}); {} {}.\n",
                fmt_usd(t.baseline.expected_annual_cost_usd),
                fmt_percent(t.baseline.p_targets_met),
                fmt_percent(t.confidence),
                escape(&m.label()),
                Columns::show(m, m.of(&t.baseline))
            );
            let (ms, xs) = (escape(&Columns::short(m)), escape(&Columns::short(x)));
            let _ = writeln!(
                out,
                "| # | input | low | high | {ms} at low | {ms} at high | {ms} swing | {xs} at low | {xs} at high |"
            );
            let _ = writeln!(out, "|---:|---|---:|---:|---:|---:|---:|---:|---:|");
            for (rank, b) in (1..).zip(&t.bars) {
                let _ = writeln!(
                    out,
                    "| {rank} | {} | {} | {} | {} | {} | {} | {} | {} |",
                    escape(&b.input.path),
                    escape(&b.input.low_label),
                    escape(&b.input.high_label),
                    Columns::show(m, m.of(&b.low)),
                    Columns::show(m, m.of(&b.high)),
                    Columns::show_swing(m, b.swing(m)),
                    Columns::show(x, x.of(&b.low)),
                    Columns::show(x, x.of(&b.high))
                );
            }
            if !t.flips.is_empty() {
                let _ = writeln!(out, "\nInputs that change the recommendation:\n");
                for f in &t.flips {
                    let pick = |p: &Option<String>| p.clone().unwrap_or_else(|| "no strategy".into());
                    let _ = writeln!(
                        out,
                        "- {} at its {} value ({}): {} instead of {}",
                        escape(&f.path),
                        f.at,
                        escape(&f.value_label),
                        escape(&pick(&f.recommended)),
                        escape(&pick(&f.baseline))
                    );
                }
            }
        }
        Ok(out)
    }
}
