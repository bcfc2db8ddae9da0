//! The terminal table: the answer first (a ranked summary that fits 100
//! columns and the recommendation), the assumptions that decide it, then one
//! block per strategy with a row per disruption kind. `--brief` stops after
//! the recommendation; `--detail` prints every figure.

use std::fmt::Write;

use super::answer;
use super::cells::{self, kind_cells};
use super::verdicts;
use super::{Report, ReportError};
use crate::cost::LineItems;
use crate::format::fmt_usd;
use crate::format::{fmt_duration_s, fmt_percent};
use crate::simulation::Results;
use crate::summary::{KindSummary, Quantile, Quantiles, StrategySummary};

/// How much the terminal table shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Detail {
    /// The ranked summary and the recommendation only (`--brief`).
    Brief,
    /// The summary, the recommendation, the deciding assumptions and a
    /// block per strategy within 100 columns (the default).
    #[default]
    Normal,
    /// Every figure, with the intervals of the tail quantiles (`--detail`).
    Full,
}

/// The human-readable table `drsim run` prints: the answer first (a ranked
/// summary and the recommendation), then the details.
#[derive(Clone, Copy, Debug, Default)]
pub struct Table {
    /// How much to show.
    pub detail: Detail,
}

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
    let back = k.service_back_s.as_ref().map_or("-".to_string(), |q| {
        format!(
            "mean {}, P95 {} [{}, {}]",
            fmt_duration_s(k.service_back_mean_s.value),
            fmt_duration_s(q.p95.value),
            fmt_duration_s(q.p95.low),
            fmt_duration_s(q.p95.high)
        )
    });
    let _ = writeln!(
        out,
        "  {:<8} users back: {back} · P(a year with a miss): RTO {}, RPO {}",
        "",
        cells::fmt_share(&k.years_with_rto_breach),
        cells::fmt_share(&k.years_with_rpo_breach),
    );
    let _ = writeln!(out, "  {:<8} ended: {}", "", answer::outcomes(k));
}

/// The widest line of the answer (ranked summary, recommendation, the
/// compact details): 100 columns, a terminal split in two or a slide.
pub const WIDTH: usize = 100;

fn header(out: &mut String, r: &Results) {
    let p = &r.provenance;
    let _ = writeln!(
        out,
        "drsim {} · {} ({})",
        p.drsim_version,
        p.model_name.as_deref().unwrap_or_default(),
        p.model_path.as_deref().unwrap_or_default()
    );
    let _ = writeln!(
        out,
        "seed {} · {} trials x {} year(s){}",
        p.seed.unwrap_or_default(),
        p.trials.unwrap_or_default(),
        p.years_per_trial.unwrap_or_default(),
        p.estimation_note(),
    );
    let line = format!(
        "targets: RPO {}, RTO {}, each met by {} of incidents of every kind",
        fmt_duration_s(r.targets.rpo_s),
        fmt_duration_s(r.targets.rto_s),
        fmt_percent(r.targets.confidence),
    );
    out.push_str(&answer::wrap(&line, WIDTH, "", "  "));
    if let Some(legend) = cells::years_legend(p.years_per_trial) {
        out.push_str(&answer::wrap(&legend, WIDTH, "", "  "));
    }
}

/// The strategy's name in at most `width` characters (cut with `…`).
fn fit(name: &str, width: usize) -> String {
    if name.chars().count() <= width {
        return name.to_string();
    }
    let mut cut: String = name.chars().take(width - 1).collect();
    cut.push('…');
    cut
}

/// The ranked summary and the recommendation: the answer, first.
fn summary(out: &mut String, r: &Results) {
    let _ = writeln!(
        out,
        "{:>2} {:<18} {:<11} {:>11} {:>11} {:>8} {:>8}  blocking shortfall",
        "#", "strategy", "verdict", "cost/yr", "P95 cost/yr", "avail.", "both met"
    );
    for row in answer::ranked_rows(r) {
        let _ = writeln!(
            out,
            "{:>2} {:<18} {:<11} {:>11} {:>11} {:>8} {:>8}  {}",
            row.rank,
            fit(&row.strategy, 18),
            row.verdict,
            row.cost,
            row.p95_cost,
            row.availability,
            row.both_met,
            row.blocking
        );
    }
    out.push_str(&answer::wrap(
        &format!(
            "cost/yr = expected total (fixed + incidents); both met = share of all incidents meeting RTO \
             and RPO; blocking = its largest shortfall that sets it apart, with the share of incidents \
             meeting that target ({} required, on the 95% lower bound); (all) = missed by every strategy",
            fmt_percent(r.targets.confidence)
        ),
        WIDTH,
        "   ",
        "   ",
    ));
    let _ = writeln!(out);
    out.push_str(&answer::wrap(&verdicts::summary(r), WIDTH, "", ""));
}

/// The inputs that decide the verdict: how often failovers fail, and how incidents ended.
fn assumptions(out: &mut String, r: &Results) {
    let _ = writeln!(out, "Deciding assumptions");
    let fails: Vec<String> = answer::failover_failures(r).iter().map(|(name, p)| format!("{name} {p}")).collect();
    out.push_str(&answer::wrap(
        &format!(
            "failover fails (the model's failure probability after a drill, grown by drift until the next \
             drill, averaged): {}",
            fails.join(", ")
        ),
        WIDTH,
        "  ",
        "    ",
    ));
    let _ = writeln!(out, "  how incidents ended (share of each kind's incidents):");
    for s in &r.strategies {
        for k in s.kinds.iter().filter(|k| k.incidents > 0) {
            let lead = format!("    {} {}: ", s.name, k.kind.name());
            out.push_str(&answer::wrap(&answer::outcomes(k), WIDTH, &lead, "      "));
        }
    }
}

/// A share without its interval.
fn pct(s: &crate::summary::Share) -> String {
    if s.trials == 0 { "n/a".to_string() } else { fmt_percent(s.estimate) }
}

/// A strategy's block as the default view prints it: within 100 columns.
/// A strategy block's first line: name, kind, availability ± its 95 %
/// half-width, downtime and incidents a year, then `tail` (the full block
/// adds the failover failure probability).
fn headline(out: &mut String, s: &StrategySummary, tail: &str) {
    let _ = writeln!(
        out,
        "{} ({})  availability {} ±{}  downtime {}/yr  incidents {:.2}/yr{tail}",
        s.name,
        s.kind,
        fmt_percent(s.availability.value),
        fmt_points(s.availability.std_error * 1.96),
        fmt_duration_s(s.annual_downtime_s.value),
        s.incidents_per_year.value,
    );
}

fn compact_block(out: &mut String, r: &Results, s: &StrategySummary) {
    headline(out, s, "");
    maintenance_line(out, s);
    let w = kind_width(s);
    let _ = writeln!(
        out,
        "  {:<w$} {:>7} {:>9} {:>8} {:>10} {:>9} {:>8} {:>9} {:>8} {:>8}",
        "kind", "inc/yr", "RTO p95", "RTO met", "back mean", "back p95", "yr miss", "RPO p95", "RPO met", "yr miss"
    );
    for k in &s.kinds {
        let _ = writeln!(
            out,
            "  {:<w$} {:>7} {:>9} {:>8} {:>10} {:>9} {:>8} {:>9} {:>8} {:>8}",
            k.kind.name(),
            format!("{:.3}", k.incidents_per_year),
            cells::fmt_quantile(&k.rto_s, |q| q.p95.value),
            pct(&k.rto_met),
            if k.incidents == 0 { "-".to_string() } else { fmt_duration_s(k.service_back_mean_s.value) },
            cells::fmt_quantile(&k.service_back_s, |q| q.p95.value),
            pct(&k.years_with_rto_breach),
            cells::fmt_quantile(&k.rpo_s, |q| q.p95.value),
            pct(&k.rpo_met),
            pct(&k.years_with_rpo_breach),
        );
    }
    if let Some(line) = cells::total_loss_line(s) {
        out.push_str(&answer::wrap(&line, WIDTH, "  ", "    "));
    }
    if let Some(line) = cells::replay_line(s) {
        out.push_str(&answer::wrap(&line, WIDTH, "  ", "    "));
    }
    let c = &s.cost;
    let items = line_items(&c.line_items);
    let fixed = if items.is_empty() { String::new() } else { format!(" ({})", items.join(" + ")) };
    let p95 = c.total_annual_quantiles_usd.as_ref().map_or("-".to_string(), |q| fmt_usd(q.p95.value));
    let cost = format!(
        "cost/yr: mean {} ±{} = fixed {}{fixed} + incidents {}; P95 {}; CVaR95 {}",
        fmt_usd(c.total_annual_usd.value),
        fmt_usd(1.96 * c.total_annual_usd.std_error),
        fmt_usd(c.line_items.total_usd),
        fmt_usd(c.incidents_annual_usd.value),
        p95,
        c.cvar95_usd.map_or("-".to_string(), fmt_usd),
    );
    out.push_str(&answer::wrap(&cost, WIDTH, "  ", "    "));
    if let Some(text) = verdict(r, s) {
        out.push_str(&answer::wrap(&text, WIDTH, "  ", "    "));
    }
}

/// The strategy's verdict line (without indent): whether it meets the
/// targets, and why; `None` when the decision has no verdict for it.
fn verdict(r: &Results, s: &StrategySummary) -> Option<String> {
    let v = r.decision.verdicts.iter().find(|v| v.strategy == s.name)?;
    let mark = if v.meets_targets { "MEETS TARGETS" } else { "DOES NOT MEET TARGETS" };
    Some(format!("verdict: {mark}: {}", verdicts::reason(v, &r.decision)))
}

/// The strategy's fixed line items that cost anything, each as `name $x`.
fn line_items(items: &LineItems) -> Vec<String> {
    items.items().iter().filter(|(_, v)| *v > 0.0).map(|(name, v)| format!("{name} {}", fmt_usd(*v))).collect()
}

/// The planned-maintenance line of a strategy, when the model has maintenance.
fn maintenance_line(out: &mut String, s: &StrategySummary) {
    if let Some(m) = &s.annual_maintenance_s {
        let how = if m.value > 0.0 { "included in the downtime" } else { "avoided" };
        let _ = writeln!(
            out,
            "  planned maintenance {}/yr ({how}; not an incident, not judged by the targets)",
            fmt_duration_s(m.value)
        );
    }
}

/// A strategy's block with every figure (`--detail`).
fn full_block(out: &mut String, r: &Results, s: &StrategySummary) {
    headline(out, s, &format!("  failover fails {}", fmt_percent(s.failover_failure_probability)));
    maintenance_line(out, s);
    let w = kind_width(s);
    let _ = writeln!(
        out,
        "  {:<w$} {:>7} {:>9} {:>9} {:>9}  {:<22} {:>9} {:>9} {:>9}  {:<22}",
        "kind", "inc/yr", "RTO p50", "RTO p95", "RTO p99", "RTO met", "RPO p50", "RPO p95", "RPO p99", "RPO met"
    );
    for k in &s.kinds {
        kind_row(out, k, w);
    }
    if let Some(line) = cells::total_loss_line(s) {
        let _ = writeln!(out, "  {line}");
    }
    if let Some(line) = cells::replay_line(s) {
        let _ = writeln!(out, "  {line}");
    }
    cost_block(out, s, cells::trial_basis(r.provenance.years_per_trial));
    if let Some(text) = verdict(r, s) {
        let _ = writeln!(out, "  {text}");
    }
}

impl Report for Table {
    fn render(&self, r: &Results) -> Result<String, ReportError> {
        let mut out = String::new();
        header(&mut out, r);
        let _ = writeln!(out);
        summary(&mut out, r);
        if self.detail == Detail::Brief {
            return Ok(out);
        }
        let _ = writeln!(out);
        assumptions(&mut out, r);
        let _ = writeln!(out);
        let _ = writeln!(out, "Details");
        let legend = match self.detail {
            Detail::Full => {
                "RTO = load-weighted downtime per incident; back = time until service is back for \
                             the users affected (unweighted); RPO = data-loss window; P(a year with a miss) = \
                             chance a year has at least one incident missing the target"
            }
            _ => {
                "RTO = load-weighted downtime per incident; back = time until service is back for the users \
                  affected (unweighted; an incident that lost all data counts until the business is back); RPO = \
                  data-loss window; yr miss = chance a year has at least one incident missing the target"
            }
        };
        out.push_str(&answer::wrap(legend, WIDTH, "", ""));
        out.push_str(&answer::wrap(&answer::intervals_note(r), WIDTH, "", ""));
        for s in &r.strategies {
            let _ = writeln!(out);
            match self.detail {
                Detail::Full => full_block(&mut out, r, s),
                _ => compact_block(&mut out, r, s),
            }
        }
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

/// The cost lines of a strategy; `basis` names what the quantiles are of
/// when a trial is not one year ([`cells::trial_basis`]).
fn cost_block(out: &mut String, s: &StrategySummary, basis: Option<String>) {
    let c = &s.cost;
    let items = line_items(&c.line_items);
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
        "  total cost/yr: mean {} ±{} (incidents {})  {}P50 {}  P95 {}  P99 {}  CVaR95 {}",
        fmt_usd(c.total_annual_usd.value),
        fmt_usd(1.96 * c.total_annual_usd.std_error),
        fmt_usd(c.incidents_annual_usd.value),
        basis.map_or(String::new(), |b| format!("{b}: ")),
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
