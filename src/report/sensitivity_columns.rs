//! What the columns of a tornado show, shared by the table `drsim
//! sensitivity` prints, `sensitivity.csv`, `sensitivity.md` and the tornado
//! chart: the metric the inputs are ranked by (`--metric`) at each input's low
//! and high value and its swing, then one other figure for context: P(targets
//! met) when ranking by cost, the expected annual cost otherwise. Each column
//! is named after the figure it holds.

use crate::format::{fmt_percent, fmt_usd};
use crate::model::DisruptionKind;
use crate::whatif::sensitivity::Metric;

/// The columns of a tornado ranked by `metric`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Columns {
    /// What the inputs are ranked by.
    pub metric: Metric,
}

impl Columns {
    /// The columns of a tornado ranked by `metric`.
    pub fn new(metric: Metric) -> Columns {
        Columns { metric }
    }

    /// The figure shown beside the ranking metric: P(targets met) of the
    /// worst kind when ranking by cost, the expected annual cost otherwise.
    pub fn context(&self) -> Metric {
        match self.metric {
            Metric::Cost => Metric::TargetsMet(None),
            _ => Metric::Cost,
        }
    }

    /// The metric as `--metric` spells it: `cost`, `target-met`, `target-met:region`, `total-loss`.
    pub fn key(metric: Metric) -> String {
        match metric {
            Metric::Cost => "cost".into(),
            Metric::TargetsMet(None) => "target-met".into(),
            Metric::TargetsMet(Some(k)) => format!("target-met:{}", k.name()),
            Metric::TotalLoss => "total-loss".into(),
        }
    }

    /// A short column heading for a metric: `cost`, `P met`, `P region met`, `P loss yr`.
    pub fn short(metric: Metric) -> String {
        match metric {
            Metric::Cost => "cost".into(),
            Metric::TargetsMet(None) => "P met".into(),
            Metric::TargetsMet(Some(k)) => format!("P {} met", k.name()),
            Metric::TotalLoss => "P loss yr".into(),
        }
    }

    /// What a short heading means, for the line under the table:
    /// `P region met = P(both targets met), region`.
    pub fn meaning(metric: Metric) -> String {
        format!("{} = {}", Columns::short(metric), metric.label())
    }

    /// A value of `metric` as it reads: USD for cost, a percentage otherwise.
    pub fn show(metric: Metric, value: f64) -> String {
        match metric {
            Metric::Cost => fmt_usd(value),
            _ => fmt_percent(value),
        }
    }

    /// A swing of `metric` as it reads: USD for cost, percentage points otherwise.
    pub fn show_swing(metric: Metric, swing: f64) -> String {
        match metric {
            Metric::Cost => fmt_usd(swing),
            _ => format!("{:.2} pp", swing * 100.0),
        }
    }

    /// The legend of the table's headings: the ranking metric's and the context's.
    pub fn legend(&self) -> String {
        format!("{}; {}", Columns::meaning(self.metric), Columns::meaning(self.context()))
    }
}

/// Every metric `--metric` accepts, for tests and documentation.
pub fn metrics() -> Vec<Metric> {
    let mut all = vec![Metric::Cost, Metric::TargetsMet(None)];
    all.extend(DisruptionKind::ALL.iter().map(|&k| Metric::TargetsMet(Some(k))));
    all.push(Metric::TotalLoss);
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metric_key_parses_back() {
        for m in metrics() {
            let key = Columns::key(m);
            assert_eq!(Metric::parse(&key), Ok(m), "{key}");
        }
        assert_eq!(Columns::key(Metric::TargetsMet(Some(DisruptionKind::Region))), "target-met:region");
        assert_eq!(Columns::new(Metric::Cost).context(), Metric::TargetsMet(None));
        assert_eq!(Columns::new(Metric::TotalLoss).context(), Metric::Cost);
    }
}
