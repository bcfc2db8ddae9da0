//! `outcomes.csv`: a row per strategy and disruption kind with what decides
//! and explains its verdict: the effective chance a failover fails, how the
//! incidents ended (shares of the kind's incidents, one column per outcome,
//! 0 when none ended that way), the unweighted time until service is back,
//! and the chance a year has at least one incident missing the RTO or RPO
//! target, with its 95% interval. Shares are fractions 0-1, durations
//! seconds. Columns are documented in docs/exports.md.

use super::csv::{Cell, CsvWriter, RunColumns};
use super::{Report, ReportError};
use crate::simulation::Results;
use crate::summary::{Outcome, Quantiles};

/// `outcomes.csv`.
#[derive(Clone, Copy, Debug, Default)]
pub struct OutcomesCsv;

/// The header of `outcomes.csv`, in order.
pub fn header() -> Vec<String> {
    let mut h: Vec<String> =
        ["strategy", "kind", "incidents", "failover_failure_probability"].iter().map(|s| s.to_string()).collect();
    h.extend(Outcome::ALL.iter().map(|o| format!("share_{}", o.name())));
    h.extend(
        [
            "service_back_mean_s",
            "service_back_p95_s",
            "rto_p95_s",
            "p_year_rto_miss",
            "p_year_rto_miss_low",
            "p_year_rto_miss_high",
            "p_year_rpo_miss",
            "p_year_rpo_miss_low",
            "p_year_rpo_miss_high",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    h
}

fn p95(q: &Option<Quantiles>) -> f64 {
    q.as_ref().map_or(f64::NAN, |q| q.p95.value)
}

impl Report for OutcomesCsv {
    fn render(&self, results: &Results) -> Result<String, ReportError> {
        let mut w = CsvWriter::new().with_run(&RunColumns::of(&results.provenance));
        w.header(&header())?;
        for s in &results.strategies {
            for k in &s.kinds {
                let mut cells = vec![
                    Cell::Text(&s.name),
                    Cell::Text(k.kind.name()),
                    Cell::Count(k.incidents),
                    Cell::Number(s.failover_failure_probability),
                ];
                for o in Outcome::ALL {
                    let share = k.outcomes.iter().find(|x| x.outcome == o).map_or(0.0, |x| x.share.estimate);
                    cells.push(Cell::Number(share));
                }
                let back_mean = if k.incidents == 0 { f64::NAN } else { k.service_back_mean_s.value };
                cells.extend([
                    Cell::Number(back_mean),
                    Cell::Number(p95(&k.service_back_s)),
                    Cell::Number(p95(&k.rto_s)),
                    Cell::Number(k.years_with_rto_breach.estimate),
                    Cell::Number(k.years_with_rto_breach.low),
                    Cell::Number(k.years_with_rto_breach.high),
                    Cell::Number(k.years_with_rpo_breach.estimate),
                    Cell::Number(k.years_with_rpo_breach.low),
                    Cell::Number(k.years_with_rpo_breach.high),
                ]);
                w.record(&cells)?;
            }
        }
        w.finish()
    }
}
