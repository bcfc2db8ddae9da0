//! Table cells shared by the terminal table, report.md and report.html:
//! shares with their intervals, quantiles, a disruption kind's row, a
//! strategy's row.

use crate::format::{fmt_duration_s, fmt_percent, fmt_usd};
use crate::summary::{KindSummary, Quantiles, Share, StrategySummary};

/// A share with its interval: `99.2% [98.9-99.4]`.
pub fn fmt_share(s: &Share) -> String {
    if s.trials == 0 {
        return "n/a".to_string();
    }
    let (mut estimate, mut low, mut high) = (fmt_percent(s.estimate), trim_pct(s.low), trim_pct(s.high));
    // An interval narrower than the digits shown would print as one value
    // ("0.3% [0.3-0.3]", a tight stratified estimate), or an end as the
    // estimate though it differs ("0.3% [0.2-0.3]" for 0.296% [0.24-0.33]):
    // more decimals, up to 4, until the ends differ from each other and
    // from the estimate.
    let blurred = |low: &str, high: &str, estimate: &str| {
        let estimate = estimate.trim_end_matches('%');
        (low == high && s.low < s.high)
            || (low == estimate && s.low < s.estimate)
            || (high == estimate && s.high > s.estimate)
    };
    let mut decimals = 2;
    while blurred(&low, &high, &estimate) && decimals <= 4 {
        let pct = |x: f64| format!("{:.decimals$}", x * 100.0);
        (estimate, low, high) = (format!("{}%", pct(s.estimate)), pct(s.low), pct(s.high));
        decimals += 1;
    }
    format!("{estimate} [{low}-{high}]")
}

/// One quantile of an optional set, humane; `-` for a kind without incidents.
pub fn fmt_quantile(qs: &Option<Quantiles>, pick: fn(&Quantiles) -> f64) -> String {
    qs.as_ref().map_or("-".to_string(), |q| fmt_duration_s(pick(q)))
}

/// The cells of a disruption kind's row, as the terminal table and report.md both print them:
/// incidents per year, RTO P50/P95/P99, RTO met, RPO P50/P95/P99, RPO met.
pub fn kind_cells(k: &KindSummary) -> [String; 9] {
    [
        format!("{:.3}", k.incidents_per_year),
        fmt_quantile(&k.rto_s, |q| q.p50.value),
        fmt_quantile(&k.rto_s, |q| q.p95.value),
        fmt_quantile(&k.rto_s, |q| q.p99.value),
        fmt_share(&k.rto_met),
        fmt_quantile(&k.rpo_s, |q| q.p50.value),
        fmt_quantile(&k.rpo_s, |q| q.p95.value),
        fmt_quantile(&k.rpo_s, |q| q.p99.value),
        fmt_share(&k.rpo_met),
    ]
}

/// The figures of a strategy's row, as report.md and report.html both print
/// them: availability, downtime per year, fixed cost per year, expected,
/// P95 and CVaR95 total cost per year.
pub fn strategy_cells(s: &StrategySummary) -> [String; 6] {
    let c = &s.cost;
    [
        fmt_percent(s.availability.value),
        fmt_duration_s(s.annual_downtime_s.value),
        fmt_usd(c.line_items.total_usd),
        fmt_usd(c.total_annual_usd.value),
        c.total_annual_quantiles_usd.as_ref().map_or("-".into(), |q| fmt_usd(q.p95.value)),
        c.cvar95_usd.map_or("-".into(), fmt_usd),
    ]
}

/// With trials longer than a year, what the quantiles of a trial (annual
/// cost P50/P95/P99 and CVaR95, the downtime P95 per trial) are: "per
/// 3-year trial ÷ 3", the average year of a trial, not a single year (whose
/// spread is wider). `None` for one-year trials, where a trial is a year.
pub fn trial_basis(years_per_trial: Option<f64>) -> Option<String> {
    let years = years_per_trial.filter(|y| (*y - 1.0).abs() > 1e-12)?;
    let y = crate::format::trim_decimals(years, 3);
    Some(format!("per {y}-year trial ÷ {y}"))
}

/// The legend line that says which figures are per year and which per
/// trial, printed by the terminal table and report.md when a trial is not
/// one year; `None` for one-year trials.
pub fn years_legend(years_per_trial: Option<f64>) -> Option<String> {
    let basis = trial_basis(years_per_trial)?;
    let y = crate::format::trim_decimals(years_per_trial.unwrap_or(1.0), 3);
    Some(format!("{y}-year trials: /yr = per year; cost P50/P95/P99, CVaR95 = {basis} (an average year)"))
}

fn trim_pct(x: f64) -> String {
    fmt_percent(x).trim_end_matches('%').to_string()
}

/// What replayed recoveries did for a strategy's P(RTO met) (`--region-replays`):
/// per replayed kind, the plays, the part of the share's variance the
/// replayed draws (the outage, the response and the drill calendar where
/// replays redraw it; docs/variance.md) cause and the
/// variance left against one play. `None` without replays.
pub fn replay_line(s: &StrategySummary) -> Option<String> {
    let kinds: Vec<String> = s
        .kinds
        .iter()
        .filter_map(|k| {
            let g = k.rto_met_replays?;
            let gain = if g.variance_gain < 1.05 {
                "replays gain next to nothing here (the incident's history decides it)".to_string()
            } else {
                format!("{:.1}x less variance than one play per incident", g.variance_gain)
            };
            // A share of a variance, itself estimated: one decimal is all it carries.
            Some(format!(
                "{} RTO met from {} plays per incident: the replayed draws cause {:.1}% of its variance; {gain}",
                k.kind.name(),
                g.plays,
                100.0 * g.replayed_share,
            ))
        })
        .collect();
    (!kinds.is_empty()).then(|| kinds.join("; "))
}

/// The total-loss figures of a strategy, as the terminal table and report.md
/// print them: the share of incidents of each kind that lost all data and
/// P(a year with a total loss). `None` when no incident lost all data, so
/// the line appears exactly where a total loss happened.
pub fn total_loss_line(s: &StrategySummary) -> Option<String> {
    let kinds: Vec<String> = s
        .kinds
        .iter()
        .filter(|k| k.data_lost_entirely > 0)
        .map(|k| format!("{} {} of incidents", k.kind.name(), fmt_share(&k.total_loss)))
        .collect();
    if kinds.is_empty() {
        return None;
    }
    Some(format!(
        "ALL DATA LOST (meets neither target): {}; P(a year with a total loss) {}",
        kinds.join(", "),
        fmt_share(&s.years_with_total_data_loss)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    // One decimal where it shows the interval; more where the ends would
    // print alike: 0 of 99,900 has a Wilson upper bound of
    // 1.96^2 / (99,900 + 1.96^2) = 0.0038%.
    #[test]
    fn a_share_gets_the_decimals_that_show_its_interval() {
        assert_eq!(fmt_share(&Share::new(500, 1_000)), "50.0% [46.9-53.1]");
        assert_eq!(fmt_share(&Share::new(0, 99_900)), "0.000% [0.000-0.004]");
        assert_eq!(fmt_share(&Share::new(30, 100_000)), "0.03% [0.02-0.04]");
        // An end that rounds to the estimate gets the decimals that part them.
        let s = Share { estimate: 0.00296, low: 0.00244, high: 0.00331, ..Share::new(30, 10_000) };
        assert_eq!(fmt_share(&s), "0.30% [0.24-0.33]");
        assert_eq!(fmt_share(&Share::new(0, 0)), "n/a");
    }
}
