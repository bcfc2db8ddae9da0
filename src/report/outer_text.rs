//! The terminal report of an outer loop (`drsim run --outer`): the uncertain
//! inputs, each strategy's headline figures as a median with the 5% to 95%
//! range across plausible inputs, and the decision's robustness.

use std::fmt::Write as _;

use super::{Report, ReportError};
use crate::format::{fmt_duration_s, fmt_percent, fmt_usd};
use crate::whatif::outer::{OuterSummary, Spread};

/// The outer loop's table and robustness sentence.
#[derive(Clone, Copy, Debug, Default)]
pub struct OuterText;

fn range(s: &Spread, f: fn(f64) -> String) -> String {
    format!("{} [{} to {}]", f(s.p50), f(s.p5), f(s.p95))
}

fn number(x: f64) -> String {
    let digits = if x.abs() >= 100.0 {
        0
    } else if x.abs() >= 1.0 {
        2
    } else {
        4
    };
    format!("{x:.digits$}")
}

/// The robustness sentence: "X is the cheapest strategy meeting the targets
/// in 87% of plausible input sets; when it is not, Y is (9%); none meets
/// them in 4%."
pub fn robustness(s: &OuterSummary) -> String {
    let mut out = match &s.most_often {
        Some((name, share)) => {
            format!(
                "{name} is the cheapest strategy meeting the targets in {} of plausible input sets",
                fmt_percent(*share)
            )
        }
        None => "no strategy meets the targets in any plausible input set drawn".to_string(),
    };
    if s.most_often.is_none() {
        if let Some((name, share)) = &s.closest_most_often {
            let _ = write!(out, "; the closest is {name} in {} of them", fmt_percent(*share));
        }
    }
    if let Some((name, share)) = &s.otherwise {
        let _ = write!(out, "; when it is not, {name} is ({})", fmt_percent(*share));
    }
    if s.most_often.is_some() && s.none_meets_share > 0.0 {
        let _ = write!(out, "; no strategy meets them in {}", fmt_percent(s.none_meets_share));
    }
    out.push('.');
    out
}

impl Report<OuterSummary> for OuterText {
    fn render(&self, s: &OuterSummary) -> Result<String, ReportError> {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}: {} plausible input sets (outer draws) x {} trials each",
            s.model, s.draws, s.inner_trials
        );
        let _ = writeln!(out, "uncertain inputs (value drawn: median [5% to 95%]):");
        for i in &s.inputs {
            let f = if i.duration { fmt_duration_s } else { number };
            let _ = writeln!(out, "  {}: {}", i.path, i.distribution);
            let _ = writeln!(out, "      drawn {}", range(&i.drawn, f));
        }
        let _ = writeln!(out, "\nper strategy: median [5% to 95%] across plausible inputs");
        for st in &s.strategies {
            let _ = writeln!(
                out,
                "{}  meets targets in {} of input sets, cheapest meeting them in {}",
                st.name,
                fmt_percent(st.meets_targets_share),
                fmt_percent(st.recommended_share)
            );
            let _ = writeln!(out, "  expected cost/yr  {}", range(&st.expected_annual_cost_usd, fmt_usd));
            let _ = writeln!(out, "  availability      {}", range(&st.availability, fmt_percent));
            for (kind, sp) in &st.targets_met {
                let _ =
                    writeln!(out, "  {:<8} both targets met in {} of incidents", kind.name(), range(sp, fmt_percent));
            }
            if st.total_loss_year.p95 > 0.0 {
                let _ = writeln!(out, "  P(a year with a total loss) {}", range(&st.total_loss_year, fmt_percent));
            }
        }
        let _ = writeln!(out, "\ndecision: {}", robustness(s));
        let _ = writeln!(
            out,
            "The ranges are the spread across plausible inputs; each draw's figures also carry Monte Carlo error at {} trials.",
            s.inner_trials
        );
        Ok(out)
    }
}
