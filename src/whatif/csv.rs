//! CSV exports of the what-if analyses, one row per observation, units in
//! the column names (`_usd`, shares as fractions 0-1).

use super::sensitivity::Tornado;
use super::sweep::Sweep;

fn to_string(w: csv::Writer<Vec<u8>>) -> Result<String, csv::Error> {
    let bytes = w.into_inner().map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn num(x: f64) -> String {
    if x.is_finite() { format!("{x}") } else { String::new() }
}

/// `sweep.csv`: one row per grid point and strategy: the parameter values
/// (one column per swept path), then the strategy and its figures. P(RTO met)
/// and P(RPO met) are of the worst kind (the one with the smallest Wilson
/// lower bound), with that lower bound.
pub fn sweep_csv(sweep: &Sweep) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = sweep.axes.iter().map(|a| a.path.clone()).collect();
    header.extend(
        [
            "strategy",
            "p_rto_met",
            "p_rto_met_low95",
            "p_rpo_met",
            "p_rpo_met_low95",
            "expected_annual_cost_usd",
            "p95_annual_cost_usd",
            "meets_targets",
        ]
        .map(String::from),
    );
    w.write_record(&header)?;
    for p in &sweep.points {
        for s in &p.strategies {
            let mut row = p.values.clone();
            row.extend([
                s.strategy.clone(),
                num(s.rto_met.estimate),
                num(s.rto_met.low),
                num(s.rpo_met.estimate),
                num(s.rpo_met.low),
                num(s.expected_annual_cost_usd),
                num(s.p95_annual_cost_usd),
                s.meets_targets.to_string(),
            ]);
            w.write_record(&row)?;
        }
    }
    to_string(w)
}

/// `sensitivity.csv`: one row per strategy and input, in rank order.
pub fn sensitivity_csv(tornados: &[Tornado]) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "strategy",
        "rank",
        "input",
        "how",
        "low",
        "high",
        "baseline_annual_cost_usd",
        "annual_cost_at_low_usd",
        "annual_cost_at_high_usd",
        "cost_swing_usd",
        "baseline_p_targets_met",
        "p_targets_met_at_low",
        "p_targets_met_at_high",
    ])?;
    for t in tornados {
        for (i, b) in t.bars.iter().enumerate() {
            w.write_record([
                t.strategy.clone(),
                (i + 1).to_string(),
                b.input.path.clone(),
                match b.input.kind {
                    super::sensitivity::InputKind::Distribution => "p10_p90".to_string(),
                    super::sensitivity::InputKind::Fixed => "minus_plus_swing".to_string(),
                },
                b.input.low_label.clone(),
                b.input.high_label.clone(),
                num(t.baseline.expected_annual_cost_usd),
                num(b.low.expected_annual_cost_usd),
                num(b.high.expected_annual_cost_usd),
                num(b.cost_swing()),
                num(t.baseline.p_targets_met),
                num(b.low.p_targets_met),
                num(b.high.p_targets_met),
            ])?;
        }
    }
    to_string(w)
}
