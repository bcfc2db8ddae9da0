//! Number formatting shared by the human-readable reports.

use crate::model::Duration;
use crate::summary::{KindSummary, Quantiles, Share};

/// A duration in seconds, humane (`1h 30m`); infinite means all data lost.
pub fn fmt_duration_s(secs: f64) -> String {
    if secs.is_infinite() { "all data".to_string() } else { Duration::from_secs(secs.max(0.0)).to_string() }
}

/// A fraction as a percentage with enough digits to tell 99.9% from 99.99%.
pub fn fmt_percent(x: f64) -> String {
    let pct = x * 100.0;
    if (99.0..100.0).contains(&pct) {
        let digits = (-(100.0 - pct).log10()).ceil().clamp(1.0, 5.0) as usize + 1;
        format!("{pct:.digits$}%")
    } else {
        format!("{pct:.1}%")
    }
}

/// A share with its interval: `99.2% [98.9-99.4]`.
pub fn fmt_share(s: &Share) -> String {
    if s.trials == 0 {
        return "n/a".to_string();
    }
    format!("{} [{}-{}]", fmt_percent(s.estimate), trim_pct(s.low), trim_pct(s.high))
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

fn trim_pct(x: f64) -> String {
    fmt_percent(x).trim_end_matches('%').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_keep_the_nines() {
        assert_eq!(fmt_percent(0.5), "50.0%");
        assert_eq!(fmt_percent(0.9995), "99.950%");
        assert_eq!(fmt_percent(0.99), "99.00%");
        assert_eq!(fmt_percent(1.0), "100.0%");
    }
}
