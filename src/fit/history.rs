//! Reading a public incident history (CSV), classifying each incident's scope,
//! selecting records and measuring the observation window.
//!
//! The CSV has a header row naming at least these columns, in any order
//! (extra columns are ignored):
//!
//! ```text
//! date,provider,region,scope,services,duration_hours,source
//! 2011-04-21,AWS,us-east-1,single-AZ (+regional EBS API),EBS;EC2;RDS,80,https://...
//! ```
//!
//! Cells are trimmed; lines starting with `#` are comments.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use serde::Serialize;

use super::FitError;

/// One incident of the history file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OutageRecord {
    /// 1-based line number in the file (the header is line 1).
    pub line: u64,
    /// Start date, `YYYY-MM-DD`.
    pub date: String,
    /// Year of `date`.
    pub year: i32,
    /// Cloud provider, e.g. `AWS`.
    pub provider: String,
    /// Region(s) affected, free text, e.g. `us-east-1` or `us-west-1+us-west-2`.
    pub region: String,
    /// Scope of the incident, free text; see [`ScopeKind::classify`].
    pub scope: String,
    /// Services affected, `;`-separated free text.
    pub services: String,
    /// Duration of the outage of the named scope, in hours (positive).
    pub duration_hours: f64,
    /// Where the facts come from (usually a URL).
    pub source: String,
}

/// The level of failure an incident represents for disaster-recovery
/// modelling: an `Az` event is survived by a multi-AZ deployment, a `Region`
/// event is not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ScopeKind {
    /// One availability zone, zone or datacenter.
    Az,
    /// A whole region, a regional service or control plane, or wider.
    Region,
    /// Anything the rules do not recognise.
    Other,
}

impl ScopeKind {
    /// Classifies a free-text `scope` cell.
    ///
    /// The scope text is split into its *primary* part (outside parentheses)
    /// and its *notes* (inside parentheses). Matching is case-insensitive and
    /// by whole word (`single-AZ` has the word `az`, `Az01` does not). The
    /// rules, first match wins:
    ///
    /// | # | rule | kind |
    /// |---|------|------|
    /// | 1 | primary has `multi-region` or the word `global` | `Region` |
    /// | 2 | notes say `regional impact` or `region-wide impact` | `Region` |
    /// | 3 | primary has the word `az`, `zone`, `zonal`, `datacenter`, `datacentre` or `data center` | `Az` |
    /// | 4 | primary has the word `region` or `regional`, or `control plane` | `Region` |
    /// | 5 | anything else | `Other` |
    ///
    /// Rationale: the kind must say whether a multi-AZ deployment would have
    /// survived, and must match what `duration_hours` measures. A zone or
    /// datacenter failure whose notes say the *impact* was regional took the
    /// region down for its users (rule 2). Notes of the form `(+regional X
    /// API)` record a degraded regional API or control plane on the side of
    /// an AZ failure, which hampered recovery but left running workloads in
    /// other AZs up, so the event stays `Az`. `(initial region-wide)` is not
    /// rule 2 either: the region-wide phase was only the start, and the
    /// recorded duration (336 h for europe-west9 in 2023) is the zone's.
    ///
    /// Every scope in `public-outages.csv` classifies as:
    ///
    /// | scope | kind | rule |
    /// |-------|------|------|
    /// | `single-AZ` | Az | 3 |
    /// | `single-AZ power` | Az | 3 |
    /// | `single-AZ (use1-az4 power)` | Az | 3 |
    /// | `single-AZ (+regional EBS API)` | Az | 3 |
    /// | `single-AZ (+regional control plane)` | Az | 3 |
    /// | `single-AZ EBS (+regional API throttling)` | Az | 3 |
    /// | `single datacenter in one AZ` | Az | 3 |
    /// | `single AZ (cooling)` | Az | 3 |
    /// | `single AZ (Az01 network config)` | Az | 3 |
    /// | `zone -a destroyed (initial region-wide)` | Az | 3 |
    /// | `single datacenter (region-wide impact)` | Region | 2 |
    /// | `single zone (regional impact)` | Region | 2 |
    /// | `multi-region network` | Region | 1 |
    /// | `global control plane (Service Control)` | Region | 1 |
    /// | `regional service` | Region | 4 |
    /// | `regional service (internal Kinesis cell)` | Region | 4 |
    /// | `regional (control planes)` | Region | 4 |
    /// | `regional (DynamoDB DNS)` | Region | 4 |
    /// | `regional (storage config)` | Region | 4 |
    /// | `control plane (ARM)` | Region | 4 |
    pub fn classify(scope: &str) -> ScopeKind {
        let lower = scope.to_lowercase();
        let (primary, notes) = split_parentheses(&lower);
        let words: Vec<&str> = primary.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
        let has = |w: &str| words.contains(&w);
        let wider_than_region = primary.contains("multi-region") || has("global"); // rule 1
        let regional_impact = notes.contains("regional impact") || notes.contains("region-wide impact"); // rule 2
        let zonal = ["az", "zone", "zonal", "datacenter", "datacentre"].iter().any(|w| has(w))
            || primary.contains("data center"); // rule 3
        let regional = has("region") || has("regional") || primary.contains("control plane"); // rule 4
        if wider_than_region || regional_impact {
            ScopeKind::Region
        } else if zonal {
            ScopeKind::Az
        } else if regional {
            ScopeKind::Region
        } else {
            ScopeKind::Other
        }
    }

    /// The model's name for this kind: `"az"`, `"region"` or `"other"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ScopeKind::Az => "az",
            ScopeKind::Region => "region",
            ScopeKind::Other => "other",
        }
    }
}

impl fmt::Display for ScopeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ScopeKind {
    type Err = String;

    /// Parses `az` (or `zone`), `region` or `other`, case-insensitively.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "az" | "zone" => Ok(ScopeKind::Az),
            "region" => Ok(ScopeKind::Region),
            "other" => Ok(ScopeKind::Other),
            _ => Err(format!("unknown scope kind {s:?}: expected az, region or other")),
        }
    }
}

/// Splits lower-cased scope text into (text outside parentheses, text inside).
fn split_parentheses(s: &str) -> (String, String) {
    let (mut outside, mut inside) = (String::new(), String::new());
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '(' => {
                depth += 1;
                inside.push(' ');
            }
            ')' if depth > 0 => {
                depth -= 1;
                inside.push(' ');
            }
            _ if depth > 0 => inside.push(c),
            _ => outside.push(c),
        }
    }
    (outside, inside)
}

/// The shortest outage a history may give, in hours (3.6 ms): shorter
/// records are noise, and the range keeps the fit and its chart finite
/// (durations of 1e-308 and 1e308 hours gave an infinite scale and a chart
/// that never finished).
pub const MIN_DURATION_HOURS: f64 = 1e-6;
/// The longest outage a history may give, in hours (1,000 years).
pub const MAX_DURATION_HOURS: f64 = 8_760_000.0;

const COLUMNS: [&str; 7] = ["date", "provider", "region", "scope", "services", "duration_hours", "source"];

/// Reads a history CSV (format in the [module docs](self)).
///
/// Every row must have a valid `date` (`YYYY-MM-DD`), a non-empty
/// `provider` and `scope`, and a `duration_hours` from [`MIN_DURATION_HOURS`]
/// to [`MAX_DURATION_HOURS`]. Errors
/// name the file and line, and for a bad cell the column and its text;
/// a header lacking required columns is reported with all the missing names.
/// A file with a header and no rows gives an empty vector.
pub fn read_history(path: &Path) -> Result<Vec<OutageRecord>, FitError> {
    let file = path.display().to_string();
    let bytes = read_history_bytes(path)?;
    parse_history(&bytes, &file)
}

/// The bytes of a history file, as [`read_history`] reads them (regular
/// files only, at most [`crate::input::DATA_LIMIT_BYTES`]): to hash the very
/// bytes that are parsed with [`parse_history`].
pub fn read_history_bytes(path: &Path) -> Result<Vec<u8>, FitError> {
    crate::input::read(path, crate::input::DATA_LIMIT_BYTES)
        .map_err(|source| FitError::Io { file: path.display().to_string(), source })
}

/// Parses the bytes of a history CSV named `file` in messages; as [`read_history`].
pub fn parse_history(bytes: &[u8], file: &str) -> Result<Vec<OutageRecord>, FitError> {
    let file = file.to_string();
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).comment(Some(b'#')).from_reader(bytes);
    let headers = reader.headers().map_err(|e| csv_error(&file, e))?.clone();
    let find = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let missing: Vec<&str> = COLUMNS.iter().copied().filter(|c| find(c).is_none()).collect();
    if !missing.is_empty() {
        return Err(FitError::MissingColumns {
            file,
            missing: missing.join(", "),
            found: headers.iter().collect::<Vec<_>>().join(", "),
        });
    }
    let idx: Vec<usize> = COLUMNS.iter().filter_map(|c| find(c)).collect();

    let mut records = Vec::new();
    for row in reader.records() {
        let row = row.map_err(|e| csv_error(&file, e))?;
        let line = row.position().map_or(0, |p| p.line());
        let cell = |i: usize| row.get(idx[i]).unwrap_or("").to_string();
        let bad = |column: &'static str, text: String, reason: &'static str| FitError::BadField {
            file: file.clone(),
            line,
            column,
            text,
            reason,
        };
        let date = cell(0);
        let year =
            parse_date(&date).ok_or_else(|| bad("date", date.clone(), "not a valid date in the form YYYY-MM-DD"))?;
        let provider = cell(1);
        if provider.is_empty() {
            return Err(bad("provider", provider, "empty"));
        }
        let scope = cell(3);
        if scope.is_empty() {
            return Err(bad("scope", scope, "empty"));
        }
        let text = cell(5);
        let duration_hours = match text.parse::<f64>() {
            Ok(d) if (MIN_DURATION_HOURS..=MAX_DURATION_HOURS).contains(&d) => d,
            Ok(d) if d.is_finite() && d > 0.0 => {
                return Err(bad(
                    "duration_hours",
                    text,
                    "outside the range allowed: 1e-6 to 8760000 hours (3.6 ms to 1000 years)",
                ));
            }
            Ok(_) => return Err(bad("duration_hours", text, "not a positive finite number")),
            Err(_) => return Err(bad("duration_hours", text, "not a number")),
        };
        records.push(OutageRecord {
            line,
            date,
            year,
            provider,
            region: cell(2),
            scope,
            services: cell(4),
            duration_hours,
            source: cell(6),
        });
    }
    Ok(records)
}

fn csv_error(file: &str, e: csv::Error) -> FitError {
    let line = e.position().map_or(0, |p| p.line());
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("row has {len} cells but the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => "invalid UTF-8".to_string(),
        _ => e.to_string(),
    };
    match e.into_kind() {
        csv::ErrorKind::Io(source) => FitError::Io { file: file.to_string(), source: source.into() },
        _ => FitError::Csv { file: file.to_string(), line, message },
    }
}

/// Parses a strict `YYYY-MM-DD` date (checking the day against the month,
/// leap years included) and returns its year.
fn parse_date(s: &str) -> Option<i32> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = &s[r];
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days).contains(&day).then_some(year as i32)
}

/// Which records to keep; `None` fields match everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Keep only records whose scope classifies as this kind.
    pub kind: Option<ScopeKind>,
    /// Keep only this provider (case-insensitive exact match).
    pub provider: Option<String>,
    /// Keep only records whose region cell contains this text
    /// (case-insensitive substring, so `us-west-2` matches `us-west-1+us-west-2`).
    pub region: Option<String>,
}

impl Filter {
    /// Whether `r` passes the filter.
    pub fn matches(&self, r: &OutageRecord) -> bool {
        self.kind.is_none_or(|k| ScopeKind::classify(&r.scope) == k)
            && self.provider.as_ref().is_none_or(|p| r.provider.trim().eq_ignore_ascii_case(p.trim()))
            && self.region.as_ref().is_none_or(|g| r.region.to_lowercase().contains(&g.trim().to_lowercase()))
    }
}

/// The records that pass `f`, in file order.
pub fn select<'a>(records: &'a [OutageRecord], f: &Filter) -> Vec<&'a OutageRecord> {
    records.iter().filter(|r| f.matches(r)).collect()
}

/// Length of the observation window in years: whole calendar years, from
/// Jan 1 of the earliest record's year to Dec 31 of the latest record's year
/// (`last - first + 1`; `0.0` for no records).
///
/// Whole calendar years are used because a catalogue is compiled per year
/// and its coverage is not the span between its events: the span from the
/// first to the last event covers only `n - 1` inter-arrival gaps and would
/// overstate the rate (grossly so for few events).
///
/// Pass the records that define the *catalogue's* coverage, normally all
/// records of the provider (filtered by provider only), not just the events
/// of one kind or region: a window that starts at the first selected event
/// biases the rate upward.
pub fn observation_years(records: &[&OutageRecord]) -> f64 {
    let first = records.iter().map(|r| r.year).min();
    let last = records.iter().map(|r| r.year).max();
    match (first, last) {
        (Some(a), Some(b)) => f64::from(b - a + 1),
        _ => 0.0,
    }
}

/// The regions `records` name, with how many records name each, most first
/// (ties by name). A region cell naming several regions (`us-west-1+us-west-2`,
/// or `;`-separated) counts once for each, so the counts may add up to more
/// than the records.
pub fn region_counts(records: &[&OutageRecord]) -> Vec<(String, u64)> {
    let mut counts: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
    for r in records {
        let mut names: Vec<&str> = r.region.split(['+', ';']).map(str::trim).filter(|n| !n.is_empty()).collect();
        names.sort_unstable();
        names.dedup();
        for name in names {
            *counts.entry(name.to_string()).or_insert(0) += 1;
        }
    }
    let mut out: Vec<(String, u64)> = counts.into_iter().collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}
