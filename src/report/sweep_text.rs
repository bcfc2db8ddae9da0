//! The readable table `drsim sweep` prints: one block per grid point, one
//! row per strategy, with the worst kind's P(RTO met) and P(RPO met) (the
//! estimate and its 95% lower bound, which the verdict turns on) and the cost.

use std::fmt::Write as _;

use super::{Report, ReportError};
use crate::format::fmt_usd;
use crate::format::{fmt_duration_s, fmt_percent};
use crate::whatif::WorstShare;
use crate::whatif::sweep::Sweep;

/// The sweep table (`--format table`, the default).
#[derive(Clone, Copy, Debug, Default)]
pub struct SweepText;

/// A worst-kind share as the table shows it: `99.2% [98.9%]`.
fn share(w: WorstShare) -> String {
    format!("{} [{}]", fmt_percent(w.estimate), fmt_percent(w.low))
}

impl Report<Sweep> for SweepText {
    fn render(&self, s: &Sweep) -> Result<String, ReportError> {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "P(RTO met), P(RPO met): worst kind, estimate [95% lower bound]; required {} for every kind.",
            fmt_percent(s.confidence)
        );
        for p in &s.points {
            let set: Vec<String> = s.axes.iter().zip(&p.values).map(|(a, v)| format!("{} = {v}", a.path)).collect();
            let _ = writeln!(out, "\n{}", set.join(", "));
            let _ = writeln!(
                out,
                "  {:<20} {:>20} {:>20} {:>14} {:>14} {:>12}  verdict",
                "strategy", "P(RTO met)", "P(RPO met)", "cost/yr", "P95 cost/yr", "downtime/yr"
            );
            for st in &p.strategies {
                let _ = writeln!(
                    out,
                    "  {:<20} {:>20} {:>20} {:>14} {:>14} {:>12}  {}",
                    st.strategy,
                    share(st.rto_met),
                    share(st.rpo_met),
                    fmt_usd(st.expected_annual_cost_usd),
                    fmt_usd(st.p95_annual_cost_usd),
                    fmt_duration_s(st.annual_downtime_s),
                    if st.meets_targets { "meets" } else { "misses" }
                );
            }
        }
        Ok(out)
    }
}
