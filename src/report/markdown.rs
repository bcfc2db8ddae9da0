//! `report.md`: a design-doc section ready to paste: the question, the
//! answer, why (the ranking and each verdict), the assumptions that decide
//! it, the cost line items, then the tables; with `charts`, links to the
//! chart files beside it.

use std::fmt::Write;

use super::answer;
use super::cells::{kind_cells, strategy_cells};
use super::verdicts::{self, Standing};
use super::{Report, ReportError};
use crate::simulation::Results;

/// The Markdown report.
#[derive(Clone, Debug, Default)]
pub struct Markdown {
    /// Chart file stems to link (`NAME.png`, with `NAME.svg` beside it) and their captions.
    pub charts: Vec<(String, String)>,
}

/// Escapes text for a Markdown table cell: `|` would end the cell, a newline
/// the row, and `<`, `>`, `[`, `]`, backticks and `*`/`_` would turn user text
/// into markup or links.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

impl Report for Markdown {
    fn render(&self, r: &Results) -> Result<String, ReportError> {
        let p = &r.provenance;
        let mut out = String::new();
        let _ = writeln!(out, "# DR strategy comparison: {}\n", escape(p.model_name.as_deref().unwrap_or_default()));
        let _ = writeln!(
            out,
            "drsim {} · model `{}` (SHA-256 `{}`) · seed {} · {} trials x {} year(s){}\n",
            p.drsim_version,
            p.model_path.as_deref().unwrap_or_default().replace('`', "'"),
            p.model_sha256.as_deref().unwrap_or_default(),
            p.seed.unwrap_or_default(),
            p.trials.unwrap_or_default(),
            p.years_per_trial.unwrap_or_default(),
            p.estimation_note()
        );
        let names: Vec<String> = r.strategies.iter().map(|s| escape(&s.name)).collect();
        let _ = writeln!(out, "## Question\n");
        let _ = writeln!(
            out,
            "Which DR strategy should {} use: the cheapest of {} that meets the targets? {}\n",
            escape(p.model_name.as_deref().unwrap_or("the workload")),
            names.join(", "),
            verdicts::targets(r)
        );
        let _ = writeln!(out, "## Answer\n\n{}\n", escape(&verdicts::summary(r)));

        let _ = writeln!(out, "## Why\n");
        let _ = writeln!(
            out,
            "Ranked on the shortfalls that tell the strategies apart (those every strategy shares are named \
             once, below the table), then on expected cost.\n"
        );
        let _ = writeln!(
            out,
            "| # | Strategy | Verdict | Expected cost / yr | P95 cost / yr | Availability | Incidents meeting both targets | Blocking shortfall |"
        );
        let _ = writeln!(out, "|---:|---|---|---:|---:|---:|---:|---|");
        for row in answer::ranked_rows(r) {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                row.rank,
                escape(&row.strategy),
                row.verdict,
                row.cost,
                row.p95_cost,
                row.availability,
                row.both_met,
                escape(&row.blocking)
            );
        }
        if !r.decision.shared.is_empty() {
            let _ = writeln!(out, "\nMissed by every strategy:\n");
            for s in &r.decision.shared {
                let _ = writeln!(out, "- {}", escape(&verdicts::describe_shared(s)));
            }
        }
        let _ = writeln!(out, "\nEach strategy:\n");
        for v in &r.decision.verdicts {
            let _ = writeln!(out, "- **{}**: {}", escape(&v.strategy), escape(&verdicts::reason(v, &r.decision)));
        }

        let _ = writeln!(out, "\n## Deciding assumptions\n");
        let _ = writeln!(
            out,
            "How often a failover fails decides most region outcomes. It is what the model's failure \
             probability right after a drill, its drift and the drill interval imply, averaged over when \
             failovers happen (`drsim check` prints it from the model alone).\n"
        );
        let _ = writeln!(out, "| Strategy | Failover fails |");
        let _ = writeln!(out, "|---|---:|");
        for (name, p) in answer::failover_failures(r) {
            let _ = writeln!(out, "| {} | {p} |", escape(&name));
        }
        let _ = writeln!(out, "\nHow incidents ended, as shares of each kind's incidents:\n");
        let _ = writeln!(out, "| Strategy | Kind | Outcomes |");
        let _ = writeln!(out, "|---|---|---|");
        for s in &r.strategies {
            for k in s.kinds.iter().filter(|k| k.incidents > 0) {
                let _ = writeln!(out, "| {} | {} | {} |", escape(&s.name), k.kind.name(), answer::outcomes(k));
            }
        }
        let _ = writeln!(out, "\n{}.", escape(&answer::intervals_note(r)));

        let _ = writeln!(out, "\n## Cost line items\n");
        let _ = writeln!(out, "Per year, USD: the fixed DR line items, then the expected cost of incidents.\n");
        let used: Vec<usize> =
            (0..7).filter(|&i| r.strategies.iter().any(|s| s.cost.line_items.items()[i].1 > 0.0)).collect();
        let heads: Vec<String> = used
            .iter()
            .map(|&i| {
                let name = r.strategies.first().map_or("", |s| s.cost.line_items.items()[i].0);
                let mut c = name.chars();
                c.next().map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
            })
            .collect();
        let _ = writeln!(
            out,
            "| Strategy | {}{}Fixed total | Incidents (expected) | Total (expected) |",
            heads.join(" | "),
            if heads.is_empty() { "" } else { " | " }
        );
        let _ = writeln!(out, "|---|{}---:|---:|---:|", "---:|".repeat(used.len()));
        for s in &r.strategies {
            let c = &s.cost;
            let items = c.line_items.items();
            let cells: Vec<String> = used.iter().map(|&i| crate::format::fmt_usd(items[i].1)).collect();
            let _ = writeln!(
                out,
                "| {} | {}{}{} | {} | {} |",
                escape(&s.name),
                cells.join(" | "),
                if cells.is_empty() { "" } else { " | " },
                crate::format::fmt_usd(c.line_items.total_usd),
                crate::format::fmt_usd(c.incidents_annual_usd.value),
                crate::format::fmt_usd(c.total_annual_usd.value)
            );
        }

        let _ = writeln!(out, "\n## Strategies\n");
        if let Some(legend) = super::cells::years_legend(p.years_per_trial) {
            let _ = writeln!(out, "{}\n", escape(&legend));
        }
        let tail = super::cells::trial_basis(p.years_per_trial).map_or(String::new(), |b| format!(", {b}"));
        let _ = writeln!(
            out,
            "| Strategy | Posture | Verdict | Availability | Downtime / yr | Fixed cost / yr | Expected cost / yr | P95 cost / yr{tail} | CVaR95 cost / yr{tail} |"
        );
        let _ = writeln!(out, "|---|---|---|---:|---:|---:|---:|---:|---:|");
        for s in &r.strategies {
            let verdict = match Standing::of(r, &s.name) {
                Standing::Recommended => "**recommended**",
                other => other.label(),
            };
            let _ =
                writeln!(out, "| {} | {} | {} | {} |", escape(&s.name), s.kind, verdict, strategy_cells(s).join(" | "));
        }

        let _ = writeln!(out, "\n## Per disruption kind\n");
        let _ = writeln!(
            out,
            "RTO = load-weighted downtime per incident; back = time until service is back for the users \
             affected (unweighted); RPO = data-loss window; P(year with a miss) = the chance a year has at \
             least one incident of the kind missing the target; [..] = 95% interval (Monte Carlo error at \
             this trial count).\n"
        );
        let _ = writeln!(
            out,
            "| Strategy | Kind | Incidents / yr | RTO P50 | RTO P95 | RTO P99 | RTO met | RPO P50 | RPO P95 | RPO P99 | RPO met | Back mean | Back P95 | P(year with an RTO miss) | P(year with an RPO miss) |"
        );
        let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---|---:|---:|---:|---|---:|---:|---|---|");
        for s in &r.strategies {
            for k in &s.kinds {
                let back_mean = if k.incidents == 0 {
                    "-".to_string()
                } else {
                    crate::format::fmt_duration_s(k.service_back_mean_s.value)
                };
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {back_mean} | {} | {} | {} |",
                    escape(&s.name),
                    k.kind.name(),
                    kind_cells(k).join(" | "),
                    super::cells::fmt_quantile(&k.service_back_s, |q| q.p95.value),
                    super::cells::fmt_share(&k.years_with_rto_breach),
                    super::cells::fmt_share(&k.years_with_rpo_breach),
                );
            }
        }
        let losses: Vec<String> = r
            .strategies
            .iter()
            .filter_map(|s| super::cells::total_loss_line(s).map(|line| format!("- **{}**: {}", escape(&s.name), line)))
            .collect();
        if !losses.is_empty() {
            let _ = writeln!(out, "\n## Total data loss\n");
            let _ = writeln!(
                out,
                "An incident that lost all data meets neither target, however fast an empty stack was rebuilt.\n"
            );
            for line in losses {
                let _ = writeln!(out, "{line}");
            }
        }

        if !self.charts.is_empty() {
            let _ = writeln!(out, "\n## Charts\n");
            for (name, caption) in &self.charts {
                let _ = writeln!(out, "### {caption}\n\n![{caption}]({name}.png)\n\n[SVG]({name}.svg)\n");
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn cell_breaking_characters_are_escaped() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("[x](http://e)"), "\\[x\\](http://e)");
        assert_eq!(escape("line\nbreak"), "line break");
    }
}
