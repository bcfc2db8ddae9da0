//! `incidents.csv`: one row per simulated incident, streamed to disk as the
//! engine produces them (an [`Observer`] hears them in trial order), so memory stays flat however many trials run.
//!
//! Columns (stable order, units in the names; see docs/exports.md): trial,
//! strategy (neutralised user text), kind, start_s (since the trial start),
//! path, the seconds spent in each recovery step, downtime_s (load-weighted,
//! the achieved RTO), degraded_s, data_loss_s (the achieved RPO; `inf` when
//! all data was lost), data_lost_entirely, detection_delay_s (logical only),
//! failback_downtime_s, cost_usd.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::csv::{CsvWriter, RunColumns, neutralise};
use super::output::OutputError;
use crate::engine::Observer;
use crate::incident::{Incident, Step};

/// One row of `incidents.csv`.
#[derive(Clone, Debug, Serialize)]
pub struct IncidentRow<'a> {
    /// Trial index (0-based; the same trial under every strategy saw the same world).
    pub trial: u64,
    /// Strategy name (neutralised).
    pub strategy: &'a str,
    /// Disruption kind.
    pub kind: &'static str,
    /// When service was lost (logical: when the damage began), seconds since the trial start.
    pub start_s: f64,
    /// How the incident ended.
    pub path: &'static str,
    /// Seconds in detection.
    pub detection_s: f64,
    /// Seconds in decision (declaring, policy wait).
    pub decision_s: f64,
    /// Seconds provisioning or scaling up.
    pub provisioning_s: f64,
    /// Seconds restoring or promoting data.
    pub restore_s: f64,
    /// Seconds switching traffic.
    pub traffic_switch_s: f64,
    /// Seconds waiting for the primary.
    pub waiting_s: f64,
    /// Load-weighted downtime (achieved RTO), seconds.
    pub downtime_s: f64,
    /// Time with partial service, seconds.
    pub degraded_s: f64,
    /// Window of writes lost (achieved RPO), seconds; infinite (`inf`) when all data was lost.
    #[serde(with = "crate::real::plain")]
    pub data_loss_s: f64,
    /// Whether all data was lost.
    pub data_lost_entirely: bool,
    /// Logical only: time from the damage to its discovery, seconds.
    pub detection_delay_s: f64,
    /// Interruption of the planned failback, seconds.
    pub failback_downtime_s: f64,
    /// Cost of the incident (revenue, orders, response), USD.
    pub cost_usd: f64,
}

impl<'a> IncidentRow<'a> {
    /// The row of one incident of the strategy named `strategy` (already neutralised).
    pub fn new(trial: u64, strategy: &'a str, i: &Incident) -> IncidentRow<'a> {
        let step = |s: Step| i.steps[s as usize].secs();
        IncidentRow {
            trial,
            strategy,
            kind: i.kind.name(),
            start_s: i.start.secs(),
            path: i.path.name(),
            detection_s: step(Step::Detection),
            decision_s: step(Step::Decision),
            provisioning_s: step(Step::Provisioning),
            restore_s: step(Step::Restore),
            traffic_switch_s: step(Step::TrafficSwitch),
            waiting_s: step(Step::Waiting),
            downtime_s: i.downtime.secs(),
            degraded_s: i.degraded.secs(),
            data_loss_s: i.data_loss.secs(),
            data_lost_entirely: i.data_loss.is_total(),
            detection_delay_s: i.detection_delay.secs(),
            failback_downtime_s: i.failback_downtime.secs(),
            cost_usd: i.cost_usd,
        }
    }
}

/// An [`Observer`] writing `incidents.csv` row by row. An observer
/// cannot fail, so the first write error is kept and returned by
/// [`IncidentCsv::finish`]; later incidents are dropped.
pub struct IncidentCsv {
    path: PathBuf,
    strategies: Vec<String>,
    writer: Option<CsvWriter<BufWriter<File>>>,
    error: Option<String>,
    rows: u64,
}

impl IncidentCsv {
    /// Creates `path` (inside the staging directory) for the given strategy
    /// names, in model order; every row ends with the run's columns.
    pub fn create(path: &Path, strategies: &[String], run: &RunColumns) -> Result<IncidentCsv, OutputError> {
        let file = File::create(path).map_err(|source| OutputError::Io {
            path: path.to_path_buf(),
            action: "cannot create",
            source,
        })?;
        Ok(IncidentCsv {
            path: path.to_path_buf(),
            strategies: strategies.iter().map(|s| neutralise(s)).collect(),
            writer: Some(CsvWriter::to(BufWriter::with_capacity(1 << 20, file)).with_run(run)),
            error: None,
            rows: 0,
        })
    }

    /// Flushes and syncs the file; returns the rows written or the first error.
    pub fn finish(mut self) -> Result<u64, OutputError> {
        let io = |path: &Path, source: std::io::Error| OutputError::Io {
            path: path.to_path_buf(),
            action: "cannot write",
            source,
        };
        // Errors of the CSV and buffer layers carry an I/O error's text;
        // they become I/O errors of their own with that text.
        let text = |e: &dyn std::fmt::Display| std::io::Error::other(e.to_string());
        if let Some(e) = self.error.take() {
            return Err(io(&self.path, text(&e)));
        }
        if let Some(w) = self.writer.take() {
            let file = w.into_inner().map_err(|e| io(&self.path, text(&e)))?;
            let file = file.into_inner().map_err(|e| io(&self.path, e.into_error()))?;
            file.sync_all().map_err(|e| io(&self.path, e))?;
        }
        Ok(self.rows)
    }
}

impl Observer for IncidentCsv {
    fn wants_incidents(&self) -> bool {
        true
    }

    fn incident(&mut self, trial: u64, strategy: usize, incident: &Incident) {
        if self.error.is_some() {
            return;
        }
        let name = self.strategies.get(strategy).map_or("", String::as_str);
        let row = IncidentRow::new(trial, name, incident);
        if let Some(w) = self.writer.as_mut() {
            if let Err(e) = w.serialize(&row) {
                self.error = Some(e.to_string());
                let _ = w.flush();
            }
        }
        self.rows += 1;
    }
}
