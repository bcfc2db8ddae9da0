//! `incidents.csv`: one row per simulated incident, streamed to disk as the
//! engine produces them (an [`Observer`] hears them in trial order), so memory stays flat however many trials run.
//!
//! Rows are formatted by the engine's worker threads, a chunk of trials at a
//! time ([`CsvRows`], an [`Encoder`]), and written by a writer thread of their
//! own while the next trials are simulated: the bytes and their order are
//! those of formatting one row after another on one thread. On request the
//! file is gzip-compressed (`incidents.csv.gz`): each chunk a gzip member,
//! compressed in the worker threads too; concatenated members are one valid
//! gzip file (RFC 1952, section 2.2) that `gzip -d`, Python and pandas read whole.
//!
//! Columns (stable order, units in the names; see docs/exports.md): trial,
//! strategy (neutralised user text), kind, start_s (since the trial start),
//! path, the seconds spent in each recovery step, downtime_s (load-weighted,
//! the achieved RTO), degraded_s, data_loss_s (the achieved RPO; `inf` when
//! all data was lost), data_lost_entirely, detection_delay_s (logical only),
//! failback_downtime_s, cost_usd, stratum and sampling_weight (how the
//! trial was sampled, for runs sampled by strata).

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use flate2::Compression;
use flate2::write::GzEncoder;
use serde::Serialize;

use super::csv::{CsvWriter, RunColumns, neutralise};
use super::csv_row::append_row;
use super::output::OutputError;
use crate::engine::{Encoder, Observer};
use crate::incident::{Incident, Step};
use crate::world::strata::{Stratification, VarianceReduction};

/// Rows Excel opens at most (header included): a larger CSV is cut off there.
pub const EXCEL_MAX_ROWS: u64 = 1_048_576;

/// How `incidents.csv` is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum IncidentFormat {
    /// Plain CSV, `incidents.csv`.
    #[default]
    Csv,
    /// Gzip-compressed CSV, `incidents.csv.gz` (the same rows; for files past spreadsheet size).
    CsvGz,
}

impl IncidentFormat {
    /// The file name in a result directory.
    pub fn file_name(self) -> &'static str {
        match self {
            IncidentFormat::Csv => "incidents.csv",
            IncidentFormat::CsvGz => "incidents.csv.gz",
        }
    }
}

/// The warning for a plain `incidents.csv` of `rows` data rows that Excel
/// would cut off, if it would.
pub fn excel_warning(format: IncidentFormat, rows: u64) -> Option<String> {
    (format == IncidentFormat::Csv && rows + 1 > EXCEL_MAX_ROWS).then(|| {
        format!(
            "incidents.csv has {rows} rows: Excel opens only the first {EXCEL_MAX_ROWS} (header included); \
             read it with a tool that streams (Python, R, DuckDB), or run fewer --trials"
        )
    })
}

/// The note for an `incidents.csv` (or `.csv.gz`) written by a run sampled
/// by strata (`setting`, see `world::strata`), if it was: its rows are the
/// incidents of the trials simulated, and those trials oversample rare
/// years by design (a quarter of a peak-season run's trials hold a failure
/// in a peak that 3.5% of years hold). Plain averages and counts over the
/// rows are therefore not estimates of anything; weighted by the rows'
/// `sampling_weight` they are.
pub fn stratified_warning(format: IncidentFormat, setting: VarianceReduction) -> Option<String> {
    (setting != VarianceReduction::None).then(|| {
        format!(
            "{} comes from --variance-reduction {}: its trials were sampled by strata, rare years far more often \
             than they occur, so plain averages and counts over its rows are not estimates; weight each row by its \
             sampling_weight column (docs/exports.md), read the estimates in results.json and the tables, or run \
             without --variance-reduction for a plain sample of incidents",
            format.file_name(),
            setting.name()
        )
    })
}

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
    /// The trial's stratum under `--variance-reduction` (0-based, in
    /// docs/variance.md's order); empty (`None`) for plain sampling.
    pub stratum: Option<usize>,
    /// How many plain trials the trial stands for
    /// ([`Stratification::sampling_weight`]); 1 for plain sampling.
    pub sampling_weight: f64,
}

/// How the trial of a row was sampled: its stratum and the weight that
/// takes it back to a plain sample (see [`IncidentRow`]'s fields).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrialSample {
    /// The stratum, `None` for plain sampling.
    pub stratum: Option<usize>,
    /// Plain trials it stands for.
    pub weight: f64,
}

impl TrialSample {
    /// A trial of plain sampling: no stratum, weight 1.
    pub const PLAIN: TrialSample = TrialSample { stratum: None, weight: 1.0 };

    /// How trial `trial` was sampled under `design` (plain when `None`).
    pub fn of(design: Option<&Stratification>, trial: u64) -> TrialSample {
        design.map_or(TrialSample::PLAIN, |d| {
            let stratum = d.stratum_of(trial);
            TrialSample { stratum: Some(stratum), weight: d.sampling_weight(stratum) }
        })
    }
}

impl<'a> IncidentRow<'a> {
    /// The row of one incident of the strategy named `strategy` (already
    /// neutralised) in a trial sampled as `sample` says.
    pub fn new(trial: u64, strategy: &'a str, i: &Incident, sample: TrialSample) -> IncidentRow<'a> {
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
            stratum: sample.stratum,
            sampling_weight: sample.weight,
        }
    }
}

/// Formats incidents as `incidents.csv` rows without the header (the
/// [`Encoder`] the engine runs in its worker threads), compressed to one gzip
/// member per call for [`IncidentFormat::CsvGz`].
#[derive(Debug)]
pub struct CsvRows {
    /// Strategy names in model order, neutralised.
    strategies: Vec<String>,
    /// The run's columns, at the end of every row.
    run: RunColumns,
    /// The same, as the bytes that end every row ([`RunColumns::row_tail`]).
    run_tail: Vec<u8>,
    format: IncidentFormat,
    /// The run's stratified design, `None` for plain sampling: each row's
    /// stratum and sampling weight.
    design: Option<Stratification>,
}

impl CsvRows {
    /// Wraps raw CSV bytes as the file holds them: as they are, or as one gzip member.
    fn pack(&self, raw: Vec<u8>) -> Vec<u8> {
        match self.format {
            IncidentFormat::Csv => raw,
            IncidentFormat::CsvGz => {
                // Fast compression keeps up with the simulation on every core;
                // a CSV of numbers still shrinks several times.
                let mut gz = GzEncoder::new(Vec::with_capacity(raw.len() / 4), Compression::fast());
                // Writing into memory cannot fail.
                gz.write_all(&raw).and_then(|()| gz.finish()).unwrap_or_default()
            }
        }
    }

    /// The raw CSV rows of `incidents`, appended to `out`: each row's cells
    /// written straight into `out` (no text per cell), then the run's columns.
    fn rows(&self, incidents: &[(u64, usize, Incident)], out: &mut Vec<u8>) {
        for (trial, strategy, incident) in incidents {
            let name = self.strategies.get(*strategy).map_or("", String::as_str);
            // Every field is a number, a boolean or text: it cannot fail.
            let sample = TrialSample::of(self.design.as_ref(), *trial);
            let _ = append_row(&IncidentRow::new(*trial, name, incident, sample), &self.run_tail, out);
        }
    }

    /// The header line (the field names of [`IncidentRow`]).
    fn header(&self) -> Vec<u8> {
        let mut w = CsvWriter::new().with_run(&self.run);
        let _ = w.serialize(&IncidentRow::new(
            0,
            "",
            &Incident::new(crate::model::DisruptionKind::Az, crate::model::SimTime::ZERO),
            TrialSample::PLAIN,
        ));
        let bytes = w.into_inner().unwrap_or_default();
        let end = bytes.iter().position(|&b| b == b'\n').map_or(bytes.len(), |at| at + 1);
        bytes[..end].to_vec()
    }
}

impl Encoder for CsvRows {
    fn encode(&self, incidents: &[(u64, usize, Incident)], out: &mut Vec<u8>) {
        if incidents.is_empty() {
            return;
        }
        match self.format {
            IncidentFormat::Csv => {
                out.reserve(incidents.len() * ROW_BYTES);
                self.rows(incidents, out);
            }
            IncidentFormat::CsvGz => {
                let mut raw = Vec::with_capacity(incidents.len() * ROW_BYTES);
                self.rows(incidents, &mut raw);
                out.extend_from_slice(&self.pack(raw));
            }
        }
    }
}

/// Bytes reserved per row: most rows of SecureCart fit (about 190).
const ROW_BYTES: usize = 224;

/// Chunks of bytes queued for the writer thread: enough to keep it busy
/// while a window of trials is simulated, few enough to bound memory.
const QUEUED_CHUNKS: usize = 64;

/// The writer thread has the file synced each time this many bytes were
/// written, so writeback overlaps the simulation and the final sync has
/// little left.
const SYNC_EVERY_BYTES: u64 = 256 << 20;

/// An [`Observer`] writing `incidents.csv` (or `incidents.csv.gz`): the
/// engine formats the rows ([`CsvRows`]), a writer thread writes them. An
/// observer cannot fail, so the first write error is kept and returned by
/// [`IncidentCsv::finish`]; later bytes are dropped.
pub struct IncidentCsv {
    path: PathBuf,
    rows_encoder: Arc<CsvRows>,
    header: Option<Vec<u8>>,
    sender: Option<SyncSender<Vec<u8>>>,
    writer: Option<JoinHandle<Result<File, std::io::Error>>>,
    /// Incidents heard one at a time ([`Observer::incident`]), not yet encoded.
    pending: Vec<(u64, usize, Incident)>,
    rows: u64,
}

impl IncidentCsv {
    /// Creates `path` (inside the staging directory) for the given strategy
    /// names, in model order, as plain CSV of a plain run; every row ends with the run's columns.
    pub fn create(path: &Path, strategies: &[String], run: &RunColumns) -> Result<IncidentCsv, OutputError> {
        IncidentCsv::create_as(path, strategies, run, IncidentFormat::Csv, None)
    }

    /// Creates `path` (inside the staging directory) in `format` for the
    /// given strategy names, in model order, and starts its writer thread.
    /// `design` is the run's stratified design (`None` for plain sampling),
    /// which gives every row its stratum and sampling weight.
    pub fn create_as(
        path: &Path,
        strategies: &[String],
        run: &RunColumns,
        format: IncidentFormat,
        design: Option<&Stratification>,
    ) -> Result<IncidentCsv, OutputError> {
        let io = |action, source| OutputError::Io { path: path.to_path_buf(), action, source };
        let file = File::create(path).map_err(|source| io("cannot create", source))?;
        let (sender, receiver) = sync_channel(QUEUED_CHUNKS);
        let writer = std::thread::Builder::new()
            .name("incidents writer".into())
            .spawn(move || write_chunks(file, receiver, SYNC_EVERY_BYTES))
            .map_err(|source| io("cannot start the writer thread for", source))?;
        let rows_encoder = Arc::new(CsvRows {
            strategies: strategies.iter().map(|s| neutralise(s)).collect(),
            run: run.clone(),
            run_tail: run.row_tail(),
            format,
            design: design.cloned(),
        });
        Ok(IncidentCsv {
            path: path.to_path_buf(),
            header: Some(rows_encoder.header()),
            rows_encoder,
            sender: Some(sender),
            writer: Some(writer),
            pending: Vec::new(),
            rows: 0,
        })
    }

    /// Queues bytes for the writer thread, the header before the first rows.
    fn send(&mut self, bytes: Vec<u8>) {
        if bytes.is_empty() {
            return;
        }
        let Some(sender) = &self.sender else { return };
        if let Some(header) = self.header.take() {
            // The writer thread only stops receiving after an error, which
            // `finish` reports.
            let _ = sender.send(self.rows_encoder.pack(header));
        }
        let _ = sender.send(bytes);
    }

    /// Encodes and queues the incidents heard one at a time.
    fn flush_pending(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let mut bytes = Vec::new();
        self.rows_encoder.encode(&self.pending, &mut bytes);
        self.pending.clear();
        self.send(bytes);
    }

    /// Waits for the writer, flushes and syncs the file; returns the rows
    /// written or the first error.
    pub fn finish(mut self) -> Result<u64, OutputError> {
        self.flush_pending();
        if self.header.is_some() && self.rows_encoder.format == IncidentFormat::CsvGz {
            // No incident: an empty gzip member, so the file is still gzip.
            let empty = self.rows_encoder.pack(Vec::new());
            if let Some(sender) = &self.sender {
                let _ = sender.send(empty);
            }
        }
        drop(self.sender.take());
        let io = |source| OutputError::Io { path: self.path.clone(), action: "cannot write", source };
        let Some(writer) = self.writer.take() else { return Ok(self.rows) };
        let file = writer.join().unwrap_or_else(|_| Err(std::io::Error::other("the writer thread panicked")));
        file.and_then(|f| f.sync_all()).map_err(io)?;
        Ok(self.rows)
    }
}

/// The writer thread: writes every chunk received, in order, and has the
/// file synced each time `sync_every` more bytes were written; after an
/// error it keeps receiving (so the engine never blocks) and returns that
/// error.
///
/// Chunks go straight to the file, one `write` each (no buffer between: a
/// chunk is a few hundred rows, hundreds of kilobytes, and copying it again
/// would only cost time).
fn write_chunks(mut out: File, chunks: Receiver<Vec<u8>>, sync_every: u64) -> Result<File, std::io::Error> {
    let mut error = None;
    let syncer = Syncer::start(&out).map_err(|e| error = Some(e)).ok();
    let (mut written, mut synced) = (0u64, 0u64);
    for bytes in chunks.iter() {
        if error.is_some() {
            continue;
        }
        written += bytes.len() as u64;
        error = out.write_all(&bytes).err();
        if written - synced >= sync_every {
            if let Some(syncer) = &syncer {
                syncer.request();
            }
            synced = written;
        }
    }
    let synced = syncer.map_or(Ok(()), Syncer::finish);
    match error {
        Some(e) => Err(e),
        None => synced.map(|()| out),
    }
}

/// Syncs a file from a thread of its own when asked, so that the writer
/// never waits for the disk: on a 2-core machine with a virtual disk each
/// sync of 256 MB took 0.12 s, long enough for the writer's queue to fill
/// and the engine's threads to wait (`strace -f -T -e trace=fdatasync`).
struct Syncer {
    requests: SyncSender<()>,
    thread: JoinHandle<Result<(), std::io::Error>>,
}

impl Syncer {
    /// Starts the thread, with a handle of its own on `file`.
    fn start(file: &File) -> Result<Syncer, std::io::Error> {
        let file = file.try_clone()?;
        let (requests, asked) = sync_channel::<()>(1);
        let thread = std::thread::Builder::new().name("incidents sync".into()).spawn(move || {
            for () in asked.iter() {
                file.sync_data()?;
            }
            Ok(())
        })?;
        Ok(Syncer { requests, thread })
    }

    /// Asks for a sync of everything written so far. A request already
    /// waiting is served later and covers this one, so this one is then
    /// dropped; after a failed sync the thread is gone and
    /// [`Syncer::finish`] returns the error.
    fn request(&self) {
        let _ = self.requests.try_send(());
    }

    /// Waits for the syncs asked for; the first error, if any.
    fn finish(self) -> Result<(), std::io::Error> {
        let Syncer { requests, thread } = self;
        drop(requests);
        thread.join().unwrap_or_else(|_| Err(std::io::Error::other("the sync thread panicked")))
    }
}

impl Observer for IncidentCsv {
    fn wants_incidents(&self) -> bool {
        true
    }

    fn incident(&mut self, trial: u64, strategy: usize, incident: &Incident) {
        self.pending.push((trial, strategy, *incident));
        self.rows += 1;
        if self.pending.len() >= 4096 {
            self.flush_pending();
        }
    }

    fn encoder(&self) -> Option<Arc<dyn Encoder>> {
        Some(self.rows_encoder.clone())
    }

    fn encoded(&mut self, bytes: Vec<u8>, incidents: u64) {
        self.flush_pending();
        self.rows += incidents;
        self.send(bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sends `chunks` to a writer of `file` that asks for a sync after every
    /// byte, and returns what it returned.
    fn write_all(file: File, chunks: &[&[u8]]) -> Result<File, std::io::Error> {
        let (sender, receiver) = sync_channel(2);
        let writer = std::thread::spawn(move || write_chunks(file, receiver, 1));
        for chunk in chunks {
            sender.send(chunk.to_vec()).unwrap();
        }
        drop(sender);
        writer.join().unwrap()
    }

    #[test]
    fn every_chunk_is_written_in_order_while_syncs_run_beside() {
        let dir = std::env::temp_dir().join(format!("drsim-write-chunks-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("incidents.csv");
        let chunks: Vec<Vec<u8>> = (0..200).map(|i| format!("row {i}\n").repeat(i % 7 + 1).into_bytes()).collect();
        let refs: Vec<&[u8]> = chunks.iter().map(Vec::as_slice).collect();
        write_all(File::create(&path).unwrap(), &refs).expect("written and synced");
        assert_eq!(std::fs::read(&path).unwrap(), chunks.concat());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_write_error_is_returned_after_every_chunk_was_received() {
        // `/dev/full` refuses every write with "No space left on device".
        let Ok(full) = File::options().write(true).open("/dev/full") else { return };
        let error = write_all(full, &[b"a\n", b"b\n", b"c\n"]).expect_err("a full device fails the write");
        assert_eq!(error.raw_os_error(), Some(28), "{error}");
    }
}
