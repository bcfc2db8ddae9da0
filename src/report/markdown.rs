//! `report.md`: Markdown tables and the recommendation, ready to paste into a
//! design document; with `charts`, links to the chart files beside it.

use std::fmt::Write;

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
            "drsim {} · model `{}` (SHA-256 `{}`) · seed {} · {} trials x {} year(s)\n",
            p.drsim_version,
            p.model_path.as_deref().unwrap_or_default().replace('`', "'"),
            p.model_sha256.as_deref().unwrap_or_default(),
            p.seed.unwrap_or_default(),
            p.trials.unwrap_or_default(),
            p.years_per_trial.unwrap_or_default()
        );
        let _ = writeln!(out, "{}\n", verdicts::targets(r));
        let _ = writeln!(out, "## Recommendation\n\n{}\n", escape(&verdicts::summary(r)));

        let _ = writeln!(out, "## Strategies\n");
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
        let _ =
            writeln!(out, "RTO = load-weighted downtime per incident; RPO = data-loss window; [..] = 95% interval.\n");
        let _ = writeln!(
            out,
            "| Strategy | Kind | Incidents / yr | RTO P50 | RTO P95 | RTO P99 | RTO met | RPO P50 | RPO P95 | RPO P99 | RPO met |"
        );
        let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---|---:|---:|---:|---|");
        for s in &r.strategies {
            for k in &s.kinds {
                let _ = writeln!(out, "| {} | {} | {} |", escape(&s.name), k.kind.name(), kind_cells(k).join(" | "));
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

        let _ = writeln!(out, "\n## Verdicts\n");
        for v in &r.decision.verdicts {
            let _ = writeln!(out, "- **{}**: {}", escape(&v.strategy), escape(&verdicts::reason(v, &r.decision)));
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
