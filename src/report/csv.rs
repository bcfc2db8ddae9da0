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
//! Every number of every CSV file is spelt by one function, [`number`]: at
//! most [`SIGNIFICANT_DIGITS`] significant digits, no exponent, no trailing
//! zeros (`1800`, `0.3`, `12345.6789`), `inf`, `-inf` or `nan` when not
//! finite. JSON keeps every digit (shortest round-trip); a CSV is read by
//! people and spreadsheets, where the 17th digit of a Monte Carlo estimate
//! is noise. Every CSV ends with the columns of [`RunColumns`] (the drsim
//! version, seed, trials and years per trial of the run it came from).

use std::io;

use serde::Serialize;

pub use super::csv_row::{SIGNIFICANT_DIGITS, neutralise, number};
use super::verdicts;
use super::{Report, ReportError};
use crate::incident::Step;
use crate::provenance::Provenance;
use crate::simulation::Results;
use crate::summary::{KindSummary, Quantiles};
use crate::whatif::sweep::Axis;

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
    /// Planned maintenance per year, mean, seconds (part of the downtime);
    /// empty when the model has no `[maintenance]`.
    pub annual_maintenance_mean_s: Option<f64>,
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
                both_met_all_kinds_share: s.both_met_all_kinds.estimate,
                availability_share: s.availability.value,
                annual_downtime_mean_s: s.annual_downtime_s.value,
                annual_downtime_p95_s: pick(&s.annual_downtime_quantiles_s, |q| q.p95.value),
                annual_maintenance_mean_s: s.annual_maintenance_s.map(|m| m.value),
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

/// The columns that end every CSV file: where its figures came from. Columns
/// rather than a comment line (not RFC 4180; pandas and spreadsheets would
/// read it as a row) or a sidecar file (lost when the CSV is printed on
/// standard output, copied, or concatenated with another run's): each row
/// then stands alone, and rows of several runs stacked in one sheet stay
/// apart. A value that does not apply (a seed in `fit.csv`) is an empty cell.
#[derive(Clone, Debug, PartialEq)]
pub struct RunColumns {
    /// drsim's version.
    pub drsim_version: String,
    /// The run's seed.
    pub seed: Option<u64>,
    /// Trials simulated (for a what-if export: per evaluated point).
    pub trials: Option<u64>,
    /// Years simulated per trial: figures named `annual` or `per_year` are
    /// per year, quantiles of a trial (`annual_downtime_p95_s`, the cost
    /// quantiles) are over trials of this length scaled to one year.
    pub years_per_trial: Option<f64>,
    /// How the trials were sampled, for an output that simulated (`None`
    /// otherwise: an empty cell): the `--variance-reduction` setting
    /// (`none` for plain sampling), whose estimates weight the trials back,
    /// and the plays of each region incident (`--region-replays`, 1 when
    /// each was played once). Raw counts (`successes`, `trials`,
    /// `incidents_count`, incidents.csv's rows) are of the trials simulated,
    /// not estimates, when the setting is not `none`.
    pub sampling: Option<(String, u32)>,
}

/// How many [`RunColumns`] end every row.
const RUN_COLUMNS: usize = 6;

impl RunColumns {
    /// Their names, in order.
    pub const NAMES: [&str; RUN_COLUMNS] =
        ["drsim_version", "seed", "trials", "years_per_trial", "variance_reduction", "region_replays"];

    /// The columns of a run described by its provenance.
    pub fn of(p: &Provenance) -> RunColumns {
        let plain = crate::world::strata::VarianceReduction::None.name();
        let how = p.variance_reduction.clone().unwrap_or_else(|| plain.to_string());
        RunColumns {
            drsim_version: p.drsim_version.clone(),
            seed: p.seed,
            trials: p.trials,
            years_per_trial: p.years_per_trial,
            sampling: p.seed.map(|_| (how, p.region_replays.unwrap_or(1))),
        }
    }

    /// How they end a row written with [`super::csv_row::append_row`]: a
    /// comma, then the cells quoted as the `csv` crate quotes them, without
    /// the line end.
    pub fn row_tail(&self) -> Vec<u8> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        // Writing into memory cannot fail.
        let _ = writer.write_record(self.cells());
        let mut bytes = writer.into_inner().unwrap_or_default();
        bytes.pop();
        bytes.insert(0, b',');
        bytes
    }

    fn cells(&self) -> [String; RUN_COLUMNS] {
        let (how, plays) = match &self.sampling {
            Some((how, plays)) => (neutralise(how), plays.to_string()),
            None => (String::new(), String::new()),
        };
        [
            neutralise(&self.drsim_version),
            self.seed.map_or(String::new(), |s| s.to_string()),
            self.trials.map_or(String::new(), |t| t.to_string()),
            self.years_per_trial.map_or(String::new(), number),
            how,
            plays,
        ]
    }
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
    /// The cells of [`RunColumns`] appended to every row, if any.
    run: Option<[String; RUN_COLUMNS]>,
    /// Whether [`CsvWriter::serialize`] has written the header.
    wrote_header: bool,
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

impl CsvWriter {
    /// A writer into memory, its header row written: `columns`, then the
    /// [`RunColumns`] of `provenance`, which also end every row (none when
    /// `None`). The start of every file written with [`CsvWriter::record`]
    /// from an analysis that may carry its provenance.
    pub fn with_header<S: AsRef<str>>(provenance: Option<&Provenance>, columns: &[S]) -> Result<CsvWriter, csv::Error> {
        let mut w = CsvWriter::new();
        if let Some(p) = provenance {
            w = w.with_run(&RunColumns::of(p));
        }
        w.header(columns)?;
        Ok(w)
    }

    /// A writer into memory for a what-if grid in long format (`sweep.csv`,
    /// `plan_sweep.csv`), its header written: one column per swept path,
    /// then `columns`, then the [`RunColumns`] as in [`CsvWriter::with_header`].
    /// Each row starts with [`grid_cells`] of its point.
    pub fn grid(provenance: Option<&Provenance>, axes: &[Axis], columns: &[&str]) -> Result<CsvWriter, csv::Error> {
        let mut header: Vec<&str> = axes.iter().map(|a| a.path.as_str()).collect();
        header.extend(columns);
        CsvWriter::with_header(provenance, &header)
    }
}

/// The first cells of a row of a what-if grid ([`CsvWriter::grid`]): the
/// point's value on each axis, as written on the command line.
pub fn grid_cells(values: &[String]) -> Vec<Cell<'_>> {
    values.iter().map(|v| Cell::Text(v)).collect()
}

impl Default for CsvWriter {
    fn default() -> CsvWriter {
        CsvWriter::new()
    }
}

impl<W: io::Write> CsvWriter<W> {
    /// A writer into `out`.
    pub fn to(out: W) -> CsvWriter<W> {
        CsvWriter { inner: csv::Writer::from_writer(out), run: None, wrote_header: false }
    }

    /// Ends the header and every row with the [`RunColumns`].
    pub fn with_run(mut self, run: &RunColumns) -> CsvWriter<W> {
        self.run = Some(run.cells());
        self
    }

    fn write<I: IntoIterator<Item = String>>(&mut self, cells: I, run: Vec<String>) -> Result<(), csv::Error> {
        self.inner.write_record(cells.into_iter().chain(run))
    }

    /// A writer into `out` of rows only: [`CsvWriter::serialize`] writes no
    /// header (for the parts of a file whose header is written once, apart).
    pub fn rows_only(out: W) -> CsvWriter<W> {
        CsvWriter { inner: csv::Writer::from_writer(out), run: None, wrote_header: true }
    }

    /// Writes the header row of a file written with [`CsvWriter::record`]:
    /// column names with their unit, neutralised like text (some, such as a
    /// sweep's parameter paths, come from the user).
    pub fn header<S: AsRef<str>>(&mut self, columns: &[S]) -> Result<(), csv::Error> {
        let run = self.run_names();
        self.write(columns.iter().map(|c| neutralise(c.as_ref())), run)
    }

    /// Writes one row of cells.
    pub fn record(&mut self, cells: &[Cell<'_>]) -> Result<(), csv::Error> {
        let run = self.run_cells();
        self.write(cells.iter().map(Cell::text), run)
    }

    /// Writes one row struct ([`super::csv_row`]: numbers by [`number`], text
    /// neutralised); the first one also writes the header, from the field names.
    pub fn serialize<R: Serialize>(&mut self, row: &R) -> Result<(), csv::Error> {
        let cells = super::csv_row::cells(row).map_err(|e| csv::Error::from(io::Error::other(e)))?;
        if !self.wrote_header {
            self.wrote_header = true;
            let run = self.run_names();
            self.write(cells.iter().map(|(name, _)| name.to_string()), run)?;
        }
        let run = self.run_cells();
        self.write(cells.into_iter().map(|(_, cell)| cell), run)
    }

    fn run_names(&self) -> Vec<String> {
        self.run.as_ref().map_or(Vec::new(), |_| RunColumns::NAMES.iter().map(|n| n.to_string()).collect())
    }

    fn run_cells(&self) -> Vec<String> {
        self.run.as_ref().map_or(Vec::new(), |r| r.to_vec())
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

/// Serialises row structs as CSV text, the header from the field names, the
/// [`RunColumns`] at the end of each row.
pub fn to_csv<R: Serialize>(rows: &[R], run: &RunColumns) -> Result<String, ReportError> {
    let mut writer = CsvWriter::new().with_run(run);
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
        to_csv(&summary_rows(results), &RunColumns::of(&results.provenance))
    }
}

/// `strategies.csv`.
#[derive(Clone, Copy, Debug, Default)]
pub struct StrategiesCsv;

impl Report for StrategiesCsv {
    fn render(&self, results: &Results) -> Result<String, ReportError> {
        to_csv(&strategy_rows(results), &RunColumns::of(&results.provenance))
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
    fn numbers_have_at_most_nine_significant_digits_and_no_noise() {
        for (x, want) in [
            (1800.0, "1800"),
            (0.1 + 0.2, "0.3"),
            (0.25, "0.25"),
            (1234567.891, "1234567.89"),
            (87.79677712345678, "87.7967771"),
            (315_360_000.4, "315360000"),
            (0.000123456789123, "0.000123456789"),
            (-2455.480631234, "-2455.48063"),
            (-0.0, "0"),
            (1e-12, "0.000000000001"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
        ] {
            assert_eq!(number(x), want, "{x:?}");
        }
        // Within half a unit of the ninth digit of the exact value.
        for x in [std::f64::consts::PI * 1e7, 2.0f64.sqrt() / 3.0, 0.987654321987] {
            let back: f64 = number(x).parse().unwrap();
            assert!((back - x).abs() <= 5e-9 * x.abs(), "{x} -> {back}");
        }
    }

    #[test]
    fn run_columns_end_the_header_and_every_row() {
        let run = RunColumns {
            drsim_version: "0.3.0".into(),
            seed: Some(7),
            trials: None,
            years_per_trial: Some(3.0),
            sampling: Some(("peak-season".into(), 4)),
        };
        let mut w = CsvWriter::new().with_run(&run);
        w.header(&["x_s"]).unwrap();
        w.record(&[Cell::Number(0.5)]).unwrap();
        assert_eq!(
            w.finish().unwrap(),
            "x_s,drsim_version,seed,trials,years_per_trial,variance_reduction,region_replays\n\
             0.5,0.3.0,7,,3,peak-season,4\n"
        );
        #[derive(Serialize)]
        struct Row {
            y_usd: f64,
        }
        assert_eq!(
            to_csv(&[Row { y_usd: 1.0 / 3.0 }], &RunColumns { sampling: None, ..run }).unwrap(),
            "y_usd,drsim_version,seed,trials,years_per_trial,variance_reduction,region_replays\n\
             0.333333333,0.3.0,7,,3,,\n"
        );
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
