//! `report.md` of `drsim run --outer --out DIR`: a design-doc section on the
//! decision under uncertain inputs: the question, the answer (how robust the
//! recommendation is across plausible input sets), the inputs drawn, then
//! each strategy's figures as a median with the 5% to 95% range across draws.

use std::fmt::Write as _;

use super::markdown::escape;
use super::outer_text::robustness;
use super::{Report, ReportError};
use crate::format::{fmt_duration_s, fmt_percent, fmt_usd};
use crate::whatif::outer::{OuterSummary, Spread};

/// The Markdown report of an outer loop.
#[derive(Clone, Copy, Debug, Default)]
pub struct OuterMarkdown;

fn range(s: &Spread, f: fn(f64) -> String) -> String {
    format!("{} ({} to {})", f(s.p50), f(s.p5), f(s.p95))
}

fn number(x: f64) -> String {
    crate::fit::sig(x, 3)
}

impl Report<OuterSummary> for OuterMarkdown {
    fn render(&self, s: &OuterSummary) -> Result<String, ReportError> {
        let mut out = String::new();
        let _ = writeln!(out, "# DR strategy comparison under uncertain inputs: {}\n", escape(&s.model));
        let _ = writeln!(out, "## The question\n");
        let _ = writeln!(
            out,
            "Which strategy is the cheapest meeting the targets, when the inputs marked uncertain are not known \
             exactly? {} plausible input sets (outer draws) were sampled from their distributions; each was \
             simulated with {} trials, every strategy on the same trials.\n",
            s.draws, s.inner_trials
        );
        let _ = writeln!(out, "## The answer\n");
        let _ = writeln!(out, "{}\n", escape(&robustness(s)));
        let _ = writeln!(out, "| strategy | meets the targets | cheapest meeting them |");
        let _ = writeln!(out, "|---|---:|---:|");
        for st in &s.strategies {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                escape(&st.name),
                fmt_percent(st.meets_targets_share),
                fmt_percent(st.recommended_share)
            );
        }
        let _ = writeln!(out, "\nShares are of the {} input sets drawn.\n", s.draws);
        let _ = writeln!(out, "## The uncertain inputs\n");
        let _ = writeln!(out, "| input | distribution | drawn: median (5% to 95%) |");
        let _ = writeln!(out, "|---|---|---|");
        for i in &s.inputs {
            let f = if i.duration { fmt_duration_s } else { number };
            let _ = writeln!(out, "| {} | {} | {} |", escape(&i.path), escape(&i.distribution), range(&i.drawn, f));
        }
        let _ = writeln!(out, "\n## The figures across plausible inputs\n");
        let _ = writeln!(out, "Median (5% to 95%) across the input sets drawn.\n");
        let _ = writeln!(out, "| strategy | expected cost/yr | availability | P(a year with a total loss) |");
        let _ = writeln!(out, "|---|---|---|---|");
        for st in &s.strategies {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                escape(&st.name),
                range(&st.expected_annual_cost_usd, fmt_usd),
                range(&st.availability, fmt_percent),
                range(&st.total_loss_year, fmt_percent)
            );
        }
        let _ = writeln!(out, "\nShare of incidents meeting both targets, per kind:\n");
        let _ = writeln!(out, "| strategy | kind | both targets met |");
        let _ = writeln!(out, "|---|---|---|");
        for st in &s.strategies {
            for (kind, sp) in &st.targets_met {
                let _ = writeln!(out, "| {} | {} | {} |", escape(&st.name), kind.name(), range(sp, fmt_percent));
            }
        }
        let _ = writeln!(
            out,
            "\nThe ranges are the spread across plausible inputs; each draw's figures also carry Monte Carlo error \
             at {} trials. Every figure, with its mean, is in `outer.csv`; the summary as data in `outer.json`.",
            s.inner_trials
        );
        Ok(out)
    }
}
