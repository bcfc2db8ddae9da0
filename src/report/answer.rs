//! The answer first: the ranked summary, the assumptions that decide it and
//! what the intervals mean, as the terminal table and report.md both open
//! with them. Cells and sentences only; each report lays them out.

use crate::decision::{Decision, Shortfall, Target, Verdict};
use crate::format::{fmt_percent, fmt_usd};
use crate::simulation::Results;

/// One row of the ranked summary, as text cells.
#[derive(Clone, Debug, PartialEq)]
pub struct RankedRow {
    /// 1 for the best.
    pub rank: usize,
    /// The strategy's name.
    pub strategy: String,
    /// `RECOMMENDED`, `meets`, `misses N` (shortfalls that tell it apart) or
    /// `shared only` (it misses only what every strategy misses).
    pub verdict: String,
    /// Expected total cost per year.
    pub cost: String,
    /// P95 of the total cost per year.
    pub p95_cost: String,
    /// Availability (load-weighted), mean over trials.
    pub availability: String,
    /// Share of all incidents meeting both targets.
    pub both_met: String,
    /// The one shortfall that blocks it: its largest that tells it apart,
    /// else the first shared one marked `(all)`; `-` when it meets the targets.
    pub blocking: String,
}

/// The verdict cell of a strategy.
fn verdict_cell(v: &Verdict) -> String {
    if v.recommended {
        "RECOMMENDED".to_string()
    } else if v.meets_targets {
        "meets".to_string()
    } else if v.distinguishing.is_empty() {
        "shared only".to_string()
    } else {
        format!("misses {}", v.distinguishing.len())
    }
}

/// A shortfall in a few words: `region RTO met 79.4%` (the share of
/// incidents meeting that target).
pub fn short(s: &Shortfall) -> String {
    let name = match s.target {
        Target::Rto => "RTO",
        Target::Rpo => "RPO",
    };
    format!("{} {name} met {}", s.kind, fmt_percent(s.share.estimate))
}

/// The one blocking shortfall of a verdict, in a few words.
pub fn blocking(v: &Verdict, d: &Decision) -> String {
    let largest =
        v.distinguishing.iter().max_by(|a, b| (a.required - a.share.low).total_cmp(&(b.required - b.share.low)));
    match (largest, d.shared.first()) {
        (Some(s), _) => short(s),
        (None, Some(s)) if !v.meets_targets => {
            let name = match s.target {
                Target::Rto => "RTO",
                Target::Rpo => "RPO",
            };
            format!("{} {name} (all)", s.kind)
        }
        _ => "-".to_string(),
    }
}

/// The ranked summary's rows, best first (the decision's ranking).
pub fn ranked_rows(r: &Results) -> Vec<RankedRow> {
    let d = &r.decision;
    d.ranking
        .iter()
        .enumerate()
        .filter_map(|(i, name)| {
            let s = r.strategies.iter().find(|s| &s.name == name)?;
            let v = d.verdicts.iter().find(|v| &v.strategy == name)?;
            let c = &s.cost;
            Some(RankedRow {
                rank: i + 1,
                strategy: name.clone(),
                verdict: verdict_cell(v),
                cost: fmt_usd(c.total_annual_usd.value),
                p95_cost: c.total_annual_quantiles_usd.as_ref().map_or("-".into(), |q| fmt_usd(q.p95.value)),
                availability: fmt_percent(s.availability.value),
                both_met: fmt_percent(s.both_met_all_kinds.estimate),
                blocking: blocking(v, d),
            })
        })
        .collect()
}

/// What the 95% intervals are, in one sentence with the trial count.
pub fn intervals_note(r: &Results) -> String {
    let trials = r.provenance.trials.unwrap_or(r.tally.trials);
    format!(
        "[..] = 95% interval: Monte Carlo error at {trials} trials (more trials narrow it), \
         not uncertainty in the model's inputs"
    )
}

/// The effective chance a failover fails, per strategy: `backup-restore 40.0%`.
pub fn failover_failures(r: &Results) -> Vec<(String, String)> {
    r.strategies.iter().map(|s| (s.name.clone(), fmt_percent(s.failover_failure_probability))).collect()
}

/// How a kind's incidents ended under a strategy: `failed over 77.0%; rode it out 12.1%; ...`,
/// largest share first.
pub fn outcomes(k: &crate::summary::KindSummary) -> String {
    let mut shares: Vec<_> = k.outcomes.iter().collect();
    shares.sort_by(|a, b| b.share.estimate.total_cmp(&a.share.estimate));
    let parts: Vec<String> =
        shares.iter().map(|o| format!("{} {}", o.outcome.words(), fmt_percent(o.share.estimate))).collect();
    if parts.is_empty() { "no incidents".to_string() } else { parts.join("; ") }
}

/// Wraps `text` at `width` columns (counted in characters): the first line
/// starts with `first`, the others with `rest`. Words longer than a line stay whole.
pub fn wrap(text: &str, width: usize, first: &str, rest: &str) -> String {
    let mut out = String::new();
    let mut line = first.to_string();
    let mut empty = true;
    for word in text.split_whitespace() {
        let len = line.chars().count() + usize::from(!empty) + word.chars().count();
        if !empty && len > width {
            out.push_str(line.trim_end());
            out.push('\n');
            line = rest.to_string();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wrap_breaks_between_words_and_indents_continuations() {
        assert_eq!(wrap("aa bb cc dd", 8, "", "  "), "aa bb cc\n  dd\n");
        assert_eq!(wrap("a verylongword", 5, "> ", "  "), "> a\n  verylongword\n");
    }
}
