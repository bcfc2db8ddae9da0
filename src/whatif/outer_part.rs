//! Sharded outer loops: shard `K` of `N` runs the contiguous outer draws
//! `floor(D (K-1) / N) .. floor(D K / N)` of a `D`-draw run (the split
//! [`crate::shard::ShardSpec`] makes of trials) and writes their headline
//! figures as [`OUTER_PART_FILE`]; [`merge`] puts the parts back in draw
//! order. Each draw depends only on the seed and its index, and its figures
//! travel as exact JSON numbers, so the merged draws are the unsharded run's,
//! bit for bit, and so is every figure summarised from them.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::outer::DrawFigures;
use crate::model::Model;

/// Name of the outer loop's partial-result file inside a shard's output directory.
pub const OUTER_PART_FILE: &str = "outer-part.json";
/// What an outer part says it is.
pub const OUTER_PART_FORMAT: &str = "drsim-outer-partial-result";
/// Version of the format; bumped on any incompatible change.
pub const OUTER_PART_FORMAT_VERSION: u32 = 1;

/// The draws of one shard of an outer loop, with what the merge must check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OuterPart {
    /// Always [`OUTER_PART_FORMAT`].
    pub format: String,
    /// [`OUTER_PART_FORMAT_VERSION`].
    pub format_version: u32,
    /// drsim's version that wrote it.
    pub drsim_version: String,
    /// The model file's path as given.
    pub model_path: String,
    /// SHA-256 of the model text.
    pub model_sha256: String,
    /// The model text, so the merge needs nothing else.
    pub model_text: String,
    /// Master seed.
    pub seed: u64,
    /// Years per trial.
    pub years: f64,
    /// Inner trials per draw.
    pub inner_trials: u64,
    /// Outer draws of the whole run.
    pub total_draws: u64,
    /// This shard, 1-based.
    pub shard: u64,
    /// Shards of the run.
    pub shards: u64,
    /// The strategies simulated (empty: all).
    pub strategies: Vec<String>,
    /// The shard's draws, in order.
    pub draws: Vec<DrawFigures>,
}

/// Why outer parts could not be merged.
#[derive(Debug, thiserror::Error)]
pub enum OuterPartError {
    /// A part cannot be read or parsed.
    #[error("{}: cannot read the outer partial result: {why}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        why: String,
    },
    /// Parts do not belong together, or leave draws out.
    #[error("{0}")]
    Mismatch(String),
}

impl OuterPart {
    /// Reads a part from a shard's output directory or the file itself.
    pub fn read(path: &Path) -> Result<(PathBuf, OuterPart), OuterPartError> {
        let file = if path.is_dir() { path.join(OUTER_PART_FILE) } else { path.to_path_buf() };
        let bad = |why: String| OuterPartError::Read { path: file.clone(), why };
        let bytes = crate::input::read(&file, crate::input::DATA_LIMIT_BYTES).map_err(|e| bad(e.to_string()))?;
        let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| bad(format!("not JSON ({e})")))?;
        if value.get("format").and_then(|f| f.as_str()) != Some(OUTER_PART_FORMAT) {
            return Err(bad(format!("not a drsim outer partial result (no \"format\": \"{OUTER_PART_FORMAT}\")")));
        }
        if value.get("format_version").and_then(serde_json::Value::as_u64) != Some(u64::from(OUTER_PART_FORMAT_VERSION))
        {
            return Err(bad(format!("this drsim reads format version {OUTER_PART_FORMAT_VERSION}")));
        }
        let part: OuterPart = serde_json::from_value(value).map_err(|e| bad(format!("damaged ({e})")))?;
        Ok((file, part))
    }

    /// The part as JSON.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}

/// The parts merged: the model they carry and every draw in order.
#[derive(Debug)]
pub struct MergedOuter {
    /// The model, parsed from the text the parts carry.
    pub model: Model,
    /// The first part (its settings are every part's).
    pub first: OuterPart,
    /// Every draw, in order.
    pub draws: Vec<DrawFigures>,
}

/// Merges the parts of one sharded outer loop.
///
/// # Errors
/// [`OuterPartError::Mismatch`] when parts differ in model, seed, years,
/// inner trials, draws, shards or strategies, or the draws they hold leave a
/// gap or overlap; the embedded model not parsing.
pub fn merge(parts: Vec<(PathBuf, OuterPart)>) -> Result<MergedOuter, OuterPartError> {
    let mut parts = parts;
    parts.sort_by_key(|(_, p)| p.draws.first().map_or(u64::MAX, |d| d.draw));
    let Some((first_path, first)) = parts.first().cloned() else {
        return Err(OuterPartError::Mismatch("no parts to merge".into()));
    };
    let key = |p: &OuterPart| {
        (
            p.model_sha256.clone(),
            p.seed,
            p.years.to_bits(),
            p.inner_trials,
            p.total_draws,
            p.shards,
            p.strategies.clone(),
            p.drsim_version.clone(),
        )
    };
    let mut draws = Vec::new();
    for (path, p) in &parts {
        if key(p) != key(&first) {
            return Err(OuterPartError::Mismatch(format!(
                "{} and {}: different runs (model, seed, years, trials, draws, shards, strategies or drsim version differ); only parts of one run can be merged",
                first_path.display(),
                path.display()
            )));
        }
        for d in &p.draws {
            if d.draw != draws.len() as u64 {
                return Err(OuterPartError::Mismatch(format!(
                    "{}: starts or continues at outer draw {} where draw {} was expected: a part is missing or repeated",
                    path.display(),
                    d.draw,
                    draws.len()
                )));
            }
            draws.push(d.clone());
        }
    }
    if draws.len() as u64 != first.total_draws {
        return Err(OuterPartError::Mismatch(format!(
            "the parts hold outer draws 0..{} of {}: a part is missing",
            draws.len(),
            first.total_draws
        )));
    }
    if crate::provenance::sha256_hex(first.model_text.as_bytes()) != first.model_sha256 {
        return Err(OuterPartError::Mismatch(format!(
            "{}: damaged: the model text does not match its SHA-256",
            first_path.display()
        )));
    }
    let model = Model::from_str_at(&first.model_text, Path::new(&first.model_path)).map_err(|e| {
        OuterPartError::Mismatch(format!("{}: the model embedded in the part: {e}", first_path.display()))
    })?;
    Ok(MergedOuter { model, first, draws })
}
