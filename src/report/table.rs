//! The terminal table: one block per strategy, one row per disruption kind.

use std::fmt::Write;

use super::cells::{self, kind_cells};
use super::verdicts;
use super::{Report, ReportError};
use crate::format::fmt_usd;
use crate::format::{fmt_duration_s, fmt_percent};
use crate::simulation::Results;
use crate::summary::{KindSummary, Quantile, Quantiles, StrategySummary};

/// The human-readable table `drsim run` prints by default.
#[derive(Clone, Copy, Debug, Default)]
pub struct Table;

/// Width of the kind column: 8, or the longest kind name shown (`application`).
fn kind_width(s: &StrategySummary) -> usize {
    s.kinds.iter().map(|k| k.kind.name().len()).max().unwrap_or(0).max(8)
}

fn kind_row(out: &mut String, k: &KindSummary, w: usize) {
    let [inc, rto50, rto95, rto99, rto_met, rpo50, rpo95, rpo99, rpo_met] = kind_cells(k);
    let _ = writeln!(
        out,
        "  {:<w$} {inc:>7} {rto50:>9} {rto95:>9} {rto99:>9}  {rto_met:<22} {rpo50:>9} {rpo95:>9} {rpo99:>9}  {rpo_met:<22}",
        k.kind.name(),
    );
    // The 95% intervals of the tail quantiles the verdict turns on.
    let ci = |qs: &Option<Quantiles>, pick: fn(&Quantiles) -> Quantile| {
        qs.as_ref().map_or("-".to_string(), |q| {
            let q = pick(q);
            format!("[{}, {}]", fmt_duration_s(q.low), fmt_duration_s(q.high))
        })
    };
    let _ = writeln!(
        out,
        "  {:<w$} 95% CI: RTO p95 {} p99 {} · RPO p95 {} p99 {}",
        "",
        ci(&k.rto_s, |q| q.p95),
        ci(&k.rto_s, |q| q.p99),
        ci(&k.rpo_s, |q| q.p95),
        ci(&k.rpo_s, |q| q.p99),
    );
}

impl Report for Table {
    fn render(&self, r: &Results) -> Result<String, ReportError> {
        let p = &r.provenance;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "drsim {} · {} ({})",
            p.drsim_version,
            p.model_name.as_deref().unwrap_or_default(),
            p.model_path.as_deref().unwrap_or_default()
        );
        let _ = writeln!(
            out,
            "seed {} · {} trials x {} year(s) · targets: RPO {}, RTO {}, each met by {} of incidents of every kind",
            p.seed.unwrap_or_default(),
            p.trials.unwrap_or_default(),
            p.years_per_trial.unwrap_or_default(),
            fmt_duration_s(r.targets.rpo_s),
            fmt_duration_s(r.targets.rto_s),
            fmt_percent(r.targets.confidence),
        );
        let _ = writeln!(out, "RTO = load-weighted downtime per incident; RPO = data-loss window; [..] = 95% interval");
        for s in &r.strategies {
            let _ = writeln!(out);
            let w = kind_width(s);
            let _ = writeln!(
                out,
                "{} ({})  availability {} ±{}  downtime {}/yr  incidents {:.2}/yr",
                s.name,
                s.kind,
                fmt_percent(s.availability.value),
                fmt_points(s.availability.std_error * 1.96),
                fmt_duration_s(s.annual_downtime_s.value),
                s.incidents_per_year.value,
            );
            if let Some(m) = &s.annual_maintenance_s {
                let how = if m.value > 0.0 { "included in the downtime" } else { "avoided" };
                let _ = writeln!(
                    out,
                    "  planned maintenance {}/yr ({how}; not an incident, not judged by the targets)",
                    fmt_duration_s(m.value)
                );
            }
            let _ = writeln!(
                out,
                "  {:<w$} {:>7} {:>9} {:>9} {:>9}  {:<22} {:>9} {:>9} {:>9}  {:<22}",
                "kind",
                "inc/yr",
                "RTO p50",
                "RTO p95",
                "RTO p99",
                "RTO met",
                "RPO p50",
                "RPO p95",
                "RPO p99",
                "RPO met"
            );
            for k in &s.kinds {
                kind_row(&mut out, k, w);
            }
            if let Some(line) = cells::total_loss_line(s) {
                let _ = writeln!(out, "  {line}");
            }
            cost_block(&mut out, s);
            if let Some(v) = r.decision.verdicts.iter().find(|v| v.strategy == s.name) {
                let mark = if v.meets_targets { "MEETS TARGETS" } else { "DOES NOT MEET TARGETS" };
                let _ = writeln!(out, "  verdict: {mark}: {}", verdicts::reason(v, &r.decision));
            }
        }
        let _ = writeln!(out);
        let _ = writeln!(out, "{}", verdicts::summary(r));
        Ok(out)
    }
}

/// A half-width in percentage points to two significant digits: `0.0012%`.
fn fmt_points(x: f64) -> String {
    let pct = x * 100.0;
    if pct <= 0.0 {
        return "0%".to_string();
    }
    let digits = (1.0 - pct.log10().floor()).max(0.0) as usize;
    format!("{pct:.digits$}%")
}

fn cost_block(out: &mut String, s: &StrategySummary) {
    let c = &s.cost;
    let items: Vec<String> = c
        .line_items
        .items()
        .iter()
        .filter(|(_, v)| *v > 0.0)
        .map(|(name, v)| format!("{name} {}", fmt_usd(*v)))
        .collect();
    let _ = writeln!(
        out,
        "  fixed DR cost {}/yr{}",
        fmt_usd(c.line_items.total_usd),
        if items.is_empty() { String::new() } else { format!(" = {}", items.join(" + ")) }
    );
    let q = |pick: fn(&Quantiles) -> Quantile| {
        c.total_annual_quantiles_usd.as_ref().map_or("-".to_string(), |q| {
            let q = pick(q);
            format!("{} [{}, {}]", fmt_usd(q.value), fmt_usd(q.low), fmt_usd(q.high))
        })
    };
    let _ = writeln!(
        out,
        "  total cost/yr: mean {} ±{} (incidents {})  P50 {}  P95 {}  P99 {}  CVaR95 {}",
        fmt_usd(c.total_annual_usd.value),
        fmt_usd(1.96 * c.total_annual_usd.std_error),
        fmt_usd(c.incidents_annual_usd.value),
        q(|q| q.p50),
        q(|q| q.p95),
        q(|q| q.p99),
        c.cvar95_usd.map_or("-".to_string(), fmt_usd),
    );
    if c.failover_running_annual_usd > 0.0 {
        let _ = writeln!(
            out,
            "  DR side scaled up while failed over {}/yr (expected; part of the incident cost)",
            fmt_usd(c.failover_running_annual_usd)
        );
    }
}
