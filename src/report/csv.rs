//! The one CSV writer of drsim ([`CsvWriter`]), and the run's CSV exports:
//! `summary.csv` (a row per strategy and disruption kind) and
//! `strategies.csv` (a row per strategy). Every CSV drsim writes (these two,
//! `incidents.csv`, `sweep.csv`, `sensitivity.csv`, `fit.csv`) goes through
//! [`CsvWriter`], so the conventions below hold for all of them.
//!
//! Conventions (documented in docs/exports.md): a header row, RFC 4180
//! quoting (the `csv` crate), `.` decimals whatever the locale (Rust never
//! localises numbers), the unit in every column name (`_s` seconds, `_usd`
//! US dollars, `_share` a fraction in [0, 1], `_per_year`, `_count`), a fixed
//! column order (the field order of the row structs below, which only ever
//! grows at the end). An empty cell means "no value" (no incidents of that
//! kind); `inf` means all data was lost (infinite and undefined numbers are
//! spelt `inf`, `-inf`, `nan` in every CSV and JSON file, see
//! [`crate::real`]). Every cell that comes from user text
//! (model and strategy names, verdict sentences) is passed through
//! [`neutralise`] because these files are opened in spreadsheets.
//!
//! Numbers come in two spellings, kept so that no existing file changes:
//! rows written with [`CsvWriter::serialize`] (the run's exports) spell a
//! float the serde way, shortest round-trip with `.0` on whole numbers
//! (`1800.0`); rows written with [`CsvWriter::record`] (the what-if and fit
//! exports) spell it with [`number`], shortest round-trip without `.0`
//! (`1800`). Both spell a non-finite number the [`crate::real`] way.

use std::io;

use serde::Serialize;

use super::verdicts;
use super::{Report, ReportError};
use crate::incident::Step;
use crate::simulation::Results;
use crate::summary::{KindSummary, Quantiles, Share, StrategySummary};

/// Neutralises spreadsheet formula injection: a cell starting with `=`, `+`,
/// `-`, `@`, tab or carriage return is prefixed with a single quote, so
/// Excel, LibreOffice and Google Sheets show it as text instead of running it
/// (the OWASP "CSV injection" advice).
pub fn neutralise(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

/// One row of `summary.csv`: one strategy facing one disruption kind.
#[derive(Clone, Debug, Serialize)]
pub struct SummaryRow {
    /// Workload name from the model (user text, neutralised).
    pub model: String,
    /// Strategy name (user text, neutralised).
    pub strategy: String,
    /// Posture: backup_restore, pilot_light, warm_standby, active_active.
    pub posture: String,
    /// Disruption kind: az, region, logical.
    pub kind: String,
    /// Incidents simulated.
    pub incidents_count: u64,
    /// Incidents per simulated year.
    pub incidents_per_year: f64,
    /// RTO target for this kind, seconds.
    pub rto_target_s: f64,
    /// Achieved RTO (load-weighted downtime per incident), median, seconds.
    pub rto_p50_s: Option<f64>,
    /// 95th percentile, seconds.
    pub rto_p95_s: Option<f64>,
    /// 99th percentile, seconds.
    pub rto_p99_s: Option<f64>,
    /// Mean downtime per incident, seconds.
    pub rto_mean_s: f64,
    /// Share of incidents meeting the RTO target.
    pub rto_met_share: f64,
    /// Lower end of its 95% Wilson interval.
    pub rto_met_low_share: f64,
    /// Upper end.
    pub rto_met_high_share: f64,
    /// RPO target for this kind, seconds.
    pub rpo_target_s: f64,
    /// Achieved RPO (data-loss window per incident), median, seconds (`inf`: all data lost).
    #[serde(with = "crate::real::optional")]
    pub rpo_p50_s: Option<f64>,
    /// 95th percentile, seconds.
    #[serde(with = "crate::real::optional")]
    pub rpo_p95_s: Option<f64>,
    /// 99th percentile, seconds.
    #[serde(with = "crate::real::optional")]
    pub rpo_p99_s: Option<f64>,
    /// Share of incidents meeting the RPO target.
    pub rpo_met_share: f64,
    /// Lower end of its 95% Wilson interval.
    pub rpo_met_low_share: f64,
    /// Upper end.
    pub rpo_met_high_share: f64,
    /// Share meeting both targets.
    pub both_met_share: f64,
    /// Incidents in which all data was lost.
    pub data_lost_entirely_count: u64,
    /// Share of incidents in which all data was lost (they meet neither target).
    pub total_loss_share: f64,
    /// Mean degraded (partial service) time per incident, seconds.
    pub degraded_mean_s: f64,
    /// Mean time in detection per incident, seconds.
    pub detection_mean_s: f64,
    /// Mean time in decision (declaring, policy wait), seconds.
    pub decision_mean_s: f64,
    /// Mean time provisioning or scaling up, seconds.
    pub provisioning_mean_s: f64,
    /// Mean time restoring or promoting data, seconds.
    pub restore_mean_s: f64,
    /// Mean time switching traffic (DNS, caches), seconds.
    pub traffic_switch_mean_s: f64,
    /// Mean time waiting for the primary, seconds.
    pub waiting_mean_s: f64,
    /// Mean time after a total loss until the business is back, beyond the rebuild, seconds.
    pub total_loss_recovery_mean_s: f64,
    /// Mean cost per incident (revenue, orders, response), USD.
    pub cost_per_incident_mean_usd: f64,
}

fn pick(q: &Option<Quantiles>, f: fn(&Quantiles) -> f64) -> Option<f64> {
    q.as_ref().map(f)
}

fn step_mean(k: &KindSummary, step: Step) -> f64 {
    k.steps_mean_s.iter().find(|(s, _)| *s == step).map_or(0.0, |(_, v)| *v)
}

/// The rows of `summary.csv`, in model order of strategies then kinds.
pub fn summary_rows(results: &Results) -> Vec<SummaryRow> {
    let t = &results.tally;
    let model = neutralise(results.provenance.model_name.as_deref().unwrap_or_default());
    let mut rows = Vec::new();
    for s in &results.strategies {
        for k in &s.kinds {
            let i = k.kind.index();
            rows.push(SummaryRow {
                model: model.clone(),
                strategy: neutralise(&s.name),
                posture: s.kind.clone(),
                kind: k.kind.name().to_string(),
                incidents_count: k.incidents,
                incidents_per_year: k.incidents_per_year,
                rto_target_s: t.rto_s.get(i).copied().unwrap_or(results.targets.rto_s),
                rto_p50_s: pick(&k.rto_s, |q| q.p50.value),
                rto_p95_s: pick(&k.rto_s, |q| q.p95.value),
                rto_p99_s: pick(&k.rto_s, |q| q.p99.value),
                rto_mean_s: k.rto_mean_s.value,
                rto_met_share: k.rto_met.estimate,
                rto_met_low_share: k.rto_met.low,
                rto_met_high_share: k.rto_met.high,
                rpo_target_s: t.rpo_s.get(i).copied().unwrap_or(results.targets.rpo_s),
                rpo_p50_s: pick(&k.rpo_s, |q| q.p50.value),
                rpo_p95_s: pick(&k.rpo_s, |q| q.p95.value),
                rpo_p99_s: pick(&k.rpo_s, |q| q.p99.value),
                rpo_met_share: k.rpo_met.estimate,
                rpo_met_low_share: k.rpo_met.low,
                rpo_met_high_share: k.rpo_met.high,
                both_met_share: k.both_met.estimate,
                data_lost_entirely_count: k.data_lost_entirely,
                total_loss_share: k.total_loss.estimate,
                degraded_mean_s: k.degraded_mean_s,
                detection_mean_s: step_mean(k, Step::Detection),
                decision_mean_s: step_mean(k, Step::Decision),
                provisioning_mean_s: step_mean(k, Step::Provisioning),
                restore_mean_s: step_mean(k, Step::Restore),
                traffic_switch_mean_s: step_mean(k, Step::TrafficSwitch),
                waiting_mean_s: step_mean(k, Step::Waiting),
                total_loss_recovery_mean_s: step_mean(k, Step::TotalLossRecovery),
                cost_per_incident_mean_usd: k.cost_mean_usd.value,
            });
        }
    }
    rows
}

/// One row of `strategies.csv`: a strategy's costs, availability and verdict.
#[derive(Clone, Debug, Serialize)]
pub struct StrategyRow {
    /// Workload name from the model (user text, neutralised).
    pub model: String,
    /// Strategy name (user text, neutralised).
    pub strategy: String,
    /// Posture.
    pub posture: String,
    /// Whether it meets every target for every kind (the 95% lower bound at least the confidence).
    pub meets_targets: bool,
    /// Whether it is the recommendation (the cheapest that meets the targets).
    pub recommended: bool,
    /// Share of all incidents, of every kind, meeting both targets (the y axis of the cost-risk chart).
    pub both_met_all_kinds_share: f64,
    /// Share of time the service was up (load-weighted), mean over trials.
    pub availability_share: f64,
    /// Downtime per year, mean, seconds.
    pub annual_downtime_mean_s: f64,
    /// Downtime per trial, 95th percentile, seconds.
    pub annual_downtime_p95_s: Option<f64>,
    /// Incidents per year, mean.
    pub incidents_per_year: f64,
    /// P(a year with at least one incident that lost all data).
    pub total_loss_year_share: f64,
    /// Lower end of its 95% Wilson interval.
    pub total_loss_year_low_share: f64,
    /// Upper end.
    pub total_loss_year_high_share: f64,
    /// Fixed DR cost per year (sum of the line items), USD.
    pub fixed_annual_usd: f64,
    /// Expected incident cost per year, USD.
    pub incidents_annual_mean_usd: f64,
    /// Expected total cost per year (fixed + incidents), USD.
    pub total_annual_mean_usd: f64,
    /// Standard error of that mean, USD.
    pub total_annual_std_error_usd: f64,
    /// Total annual cost, median, USD.
    pub total_annual_p50_usd: Option<f64>,
    /// 95th percentile, USD.
    pub total_annual_p95_usd: Option<f64>,
    /// 99th percentile, USD.
    pub total_annual_p99_usd: Option<f64>,
    /// Mean total annual cost in the worst 5% of years (CVaR 95), USD.
    pub total_annual_cvar95_usd: Option<f64>,
    /// Paired difference of expected annual cost against the recommended (or closest) strategy, USD.
    pub cost_vs_reference_usd: Option<f64>,
    /// Lower end of its 95% interval, USD.
    pub cost_vs_reference_low_usd: Option<f64>,
    /// Upper end, USD.
    pub cost_vs_reference_high_usd: Option<f64>,
    /// The verdict in words (neutralised).
    pub verdict: String,
}

/// Share of all incidents of every kind meeting both RTO and RPO targets,
/// with its 95% Wilson interval: the "P(meeting both targets)" of the
/// cost-against-risk chart. Pooled over kinds (each kind weighted by how
/// often it happens) rather than the worst kind, because a kind nobody can
/// meet (say `logical` against a 30 min RTO) would otherwise put every
/// strategy at 0 and hide the differences the chart is for.
pub fn both_met_all_kinds(s: &StrategySummary) -> Share {
    let met = s.kinds.iter().map(|k| k.both_met.successes).sum();
    let incidents = s.kinds.iter().map(|k| k.both_met.trials).sum();
    Share::new(met, incidents)
}

/// The rows of `strategies.csv`, in model order.
pub fn strategy_rows(results: &Results) -> Vec<StrategyRow> {
    let model = neutralise(results.provenance.model_name.as_deref().unwrap_or_default());
    let d = &results.decision;
    results
        .strategies
        .iter()
        .map(|s| {
            let verdict = d.verdicts.iter().find(|v| v.strategy == s.name);
            let diff = verdict.and_then(|v| v.cost_vs_reference);
            let c = &s.cost;
            StrategyRow {
                model: model.clone(),
                strategy: neutralise(&s.name),
                posture: s.kind.clone(),
                meets_targets: verdict.is_some_and(|v| v.meets_targets),
                recommended: d.recommended.as_ref() == Some(&s.name),
                both_met_all_kinds_share: both_met_all_kinds(s).estimate,
                availability_share: s.availability.value,
                annual_downtime_mean_s: s.annual_downtime_s.value,
                annual_downtime_p95_s: pick(&s.annual_downtime_quantiles_s, |q| q.p95.value),
                incidents_per_year: s.incidents_per_year.value,
                total_loss_year_share: s.years_with_total_data_loss.estimate,
                total_loss_year_low_share: s.years_with_total_data_loss.low,
                total_loss_year_high_share: s.years_with_total_data_loss.high,
                fixed_annual_usd: c.line_items.total_usd,
                incidents_annual_mean_usd: c.incidents_annual_usd.value,
                total_annual_mean_usd: c.total_annual_usd.value,
                total_annual_std_error_usd: c.total_annual_usd.std_error,
                total_annual_p50_usd: pick(&c.total_annual_quantiles_usd, |q| q.p50.value),
                total_annual_p95_usd: pick(&c.total_annual_quantiles_usd, |q| q.p95.value),
                total_annual_p99_usd: pick(&c.total_annual_quantiles_usd, |q| q.p99.value),
                total_annual_cvar95_usd: c.cvar95_usd,
                cost_vs_reference_usd: diff.map(|d| d.mean_usd),
                cost_vs_reference_low_usd: diff.map(|d| d.low_usd),
                cost_vs_reference_high_usd: diff.map(|d| d.high_usd),
                verdict: neutralise(&verdict.map_or(String::new(), |v| verdicts::reason(v, &results.decision))),
            }
        })
        .collect()
}

/// A number as the what-if and fit exports spell it: shortest round-trip
/// decimal, no exponent, no trailing `.0`; `inf`, `-inf` or `nan` when not
/// finite ([`crate::real::text`]).
pub fn number(x: f64) -> String {
    crate::real::text(x)
}

/// One cell of a row written with [`CsvWriter::record`]. The writer, not the
/// caller, turns it into text, so every file gets the same injection guard
/// and number format.
#[derive(Clone, Copy, Debug)]
pub enum Cell<'a> {
    /// Text, from the user or not: passed through [`neutralise`].
    Text(&'a str),
    /// A quantity: spelt by [`number`].
    Number(f64),
    /// A count or a rank.
    Count(u64),
    /// Yes or no: `true` or `false`.
    Flag(bool),
}

impl Cell<'_> {
    fn text(&self) -> String {
        match *self {
            Cell::Text(t) => neutralise(t),
            Cell::Number(x) => number(x),
            Cell::Count(n) => n.to_string(),
            Cell::Flag(b) => b.to_string(),
        }
    }
}

impl From<csv::Error> for ReportError {
    fn from(e: csv::Error) -> ReportError {
        ReportError::Serialize(Box::new(e))
    }
}

/// The one CSV writer: RFC 4180 quoting, a header row, and the injection
/// guard and number format of [`Cell`]. In memory by default ([`CsvWriter::new`],
/// then [`CsvWriter::finish`]); [`CsvWriter::to`] streams into any writer
/// (`incidents.csv` goes straight to disk).
#[derive(Debug)]
pub struct CsvWriter<W: io::Write = Vec<u8>> {
    inner: csv::Writer<W>,
}

impl CsvWriter {
    /// A writer into memory.
    pub fn new() -> CsvWriter {
        CsvWriter::to(Vec::new())
    }

    /// The text written so far, flushed.
    pub fn finish(self) -> Result<String, ReportError> {
        let bytes = self.into_inner()?;
        String::from_utf8(bytes).map_err(|e| ReportError::Serialize(Box::new(e)))
    }
}

impl Default for CsvWriter {
    fn default() -> CsvWriter {
        CsvWriter::new()
    }
}

impl<W: io::Write> CsvWriter<W> {
    /// A writer into `out`.
    pub fn to(out: W) -> CsvWriter<W> {
        CsvWriter { inner: csv::Writer::from_writer(out) }
    }

    /// A writer into `out` of rows only: [`CsvWriter::serialize`] writes no
    /// header (for the parts of a file whose header is written once, apart).
    pub fn rows_only(out: W) -> CsvWriter<W> {
        CsvWriter { inner: csv::WriterBuilder::new().has_headers(false).from_writer(out) }
    }

    /// Writes the header row of a file written with [`CsvWriter::record`]:
    /// column names with their unit, neutralised like text (some, such as a
    /// sweep's parameter paths, come from the user).
    pub fn header<S: AsRef<str>>(&mut self, columns: &[S]) -> Result<(), csv::Error> {
        self.inner.write_record(columns.iter().map(|c| neutralise(c.as_ref())))
    }

    /// Writes one row of cells.
    pub fn record(&mut self, cells: &[Cell<'_>]) -> Result<(), csv::Error> {
        self.inner.write_record(cells.iter().map(Cell::text))
    }

    /// Writes one row struct; the first one also writes the header, from the
    /// field names. User text in the struct must already be neutralised.
    pub fn serialize<R: Serialize>(&mut self, row: &R) -> Result<(), csv::Error> {
        self.inner.serialize(row)
    }

    /// Flushes buffered rows into the underlying writer.
    pub fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }

    /// Flushes and hands back the underlying writer.
    pub fn into_inner(self) -> Result<W, csv::Error> {
        self.inner.into_inner().map_err(|e| csv::Error::from(e.into_error()))
    }
}

/// Serialises row structs as CSV text, the header from the field names.
pub fn to_csv<R: Serialize>(rows: &[R]) -> Result<String, ReportError> {
    let mut writer = CsvWriter::new();
    for row in rows {
        writer.serialize(row)?;
    }
    writer.finish()
}

/// `summary.csv`, also what `drsim run --format csv` prints.
#[derive(Clone, Copy, Debug, Default)]
pub struct SummaryCsv;

impl Report for SummaryCsv {
    fn render(&self, results: &Results) -> Result<String, ReportError> {
        to_csv(&summary_rows(results))
    }
}

/// `strategies.csv`.
#[derive(Clone, Copy, Debug, Default)]
pub struct StrategiesCsv;

impl Report for StrategiesCsv {
    fn render(&self, results: &Results) -> Result<String, ReportError> {
        to_csv(&strategy_rows(results))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starters_are_quoted_and_others_left_alone() {
        for bad in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(bad), format!("'{bad}"));
        }
        assert_eq!(neutralise("warm standby"), "warm standby");
        assert_eq!(neutralise(""), "");
    }

    #[test]
    fn records_are_guarded_and_numbers_plain_and_the_header_always_written() {
        let mut w = CsvWriter::new();
        w.header(&["name", "x_usd", "n_count", "ok"]).unwrap();
        assert_eq!(w.finish().unwrap(), "name,x_usd,n_count,ok\n", "a header even with no rows");
        let mut w = CsvWriter::new();
        w.record(&[Cell::Text("=cmd()"), Cell::Number(1800.0), Cell::Count(3), Cell::Flag(true)]).unwrap();
        w.record(&[Cell::Text("a, b"), Cell::Number(f64::INFINITY), Cell::Count(0), Cell::Flag(false)]).unwrap();
        assert_eq!(w.finish().unwrap(), "'=cmd(),1800,3,true\n\"a, b\",inf,0,false\n");
    }
}
