//! Sharded runs: one shard of a big run, written as a mergeable partial
//! result, and the merge of the parts back into the unsharded tally.
//!
//! Shard `K` of `N` (K from 1) simulates the contiguous trial indices
//! `floor(T (K-1) / N) .. floor(T K / N)` of a run of `T` trials. Trial `i`
//! draws only from streams keyed by `(seed, i)`, and tallies are integers, so
//! the merged tally of all `N` parts is bit-identical to the tally of the
//! unsharded run: the merged report and exports are the same bytes.
//!
//! A part is one JSON file, [`PART_FILE`], in the shard's output directory. It
//! carries what the merge must check (format version, drsim version, model
//! hash, seed, years, strategies, trial range, total trials) and the model text
//! itself, so the merge needs nothing but the parts.

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::Model;
use crate::simulation::RunOptions;
use crate::tally::Tally;

/// Name of the partial-result file inside a shard's output directory.
pub const PART_FILE: &str = "part.json";
/// What a part file says it is, so a stray JSON file is refused.
pub const PART_FORMAT: &str = "drsim-partial-result";
/// Version of the part format; bumped on any incompatible change (2: sums of
/// squares exact in 256 bits).
pub const PART_FORMAT_VERSION: u32 = 2;
/// The array-job index variables `auto/N` reads, in order, and their base.
/// All three are taken as 0-based: Kubernetes Indexed Jobs and AWS Batch
/// array jobs count from 0; a Slurm array must be declared `--array=0-(N-1)`.
pub const INDEX_VARIABLES: [&str; 3] = ["JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX", "SLURM_ARRAY_TASK_ID"];

/// Why a shard could not be run or parts could not be merged.
#[derive(Debug, thiserror::Error)]
pub enum ShardError {
    /// `--shard` is not `K/N` or `auto/N` with 1 <= K <= N.
    #[error("--shard {spec}: {why}; allowed: K/N with 1 <= K <= N (e.g. 3/8), or auto/N")]
    Spec {
        /// The value given.
        spec: String,
        /// What is wrong with it.
        why: String,
    },
    /// `auto/N` found no array-job index variable, or a bad one.
    #[error("--shard {spec}: {why}")]
    Auto {
        /// The value given.
        spec: String,
        /// What is wrong.
        why: String,
    },
    /// A part file cannot be read; the I/O error is the source.
    #[error("{}: cannot read the partial result", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why: not a regular file, over the size limit, or the operating system's error.
        #[source]
        source: crate::input::InputError,
    },
    /// A part file is not JSON.
    ///
    /// The parser's error is kept as a field, not as the source, because the
    /// message names it mid-sentence (`not JSON (...); expected a part.json`).
    #[error("{}: cannot read the partial result: not JSON ({error}); expected a {PART_FILE}", path.display())]
    NotJson {
        /// The file.
        path: PathBuf,
        /// The JSON parser's error.
        error: serde_json::Error,
    },
    /// A part file is JSON but not a drsim partial result (no `format` key
    /// saying [`PART_FORMAT`]).
    #[error("{}: cannot read the partial result: not a drsim partial result (no \"format\": \"{PART_FORMAT}\")", path.display())]
    NotPart {
        /// The file.
        path: PathBuf,
    },
    /// A part file is in a format version this drsim does not read.
    #[error(
        "{}: cannot read the partial result: part format version {}, this drsim reads version {PART_FORMAT_VERSION}",
        path.display(),
        found.map_or_else(|| "missing".to_string(), |v| v.to_string())
    )]
    FormatVersion {
        /// The file.
        path: PathBuf,
        /// The version it says it is in, if it says.
        found: Option<u64>,
    },
    /// A part file has the right format and version but its content does not
    /// fit it; the JSON error is the source.
    #[error("{}: cannot read the partial result: damaged", path.display())]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What does not fit.
        #[source]
        source: serde_json::Error,
    },
    /// A part parses but its content contradicts itself or the model it
    /// carries (a count above the incidents, a tally of another length, a
    /// model text that does not hash to the recorded SHA-256, ...): edited,
    /// forged or written by a broken tool.
    #[error("{}: damaged: {what}", path.display())]
    Inconsistent {
        /// The file.
        path: PathBuf,
        /// What does not fit, in words.
        what: String,
    },
    /// Two parts do not belong to the same run.
    #[error("{} and {}: different {what} ({first} vs {second}); only parts of one run can be merged", a.display(), b.display())]
    Mismatch {
        /// The first part.
        a: PathBuf,
        /// The part that differs.
        b: PathBuf,
        /// What differs.
        what: &'static str,
        /// Its value in `a`.
        first: String,
        /// Its value in `b`.
        second: String,
    },
    /// A part was written by another drsim version.
    #[error("{}: written by drsim {found}, this is drsim {ours}; merge with the version that ran the shards", path.display())]
    Version {
        /// The part.
        path: PathBuf,
        /// Its version.
        found: String,
        /// This binary's version.
        ours: String,
    },
    /// Two parts cover some of the same trials.
    #[error("{} (trials {}..{}) and {} (trials {}..{}) overlap; give each shard once", a.display(), ra.start, ra.end, b.display(), rb.start, rb.end)]
    Overlap {
        /// One part.
        a: PathBuf,
        /// Its trial range.
        ra: Range<u64>,
        /// The other part.
        b: PathBuf,
        /// Its trial range.
        rb: Range<u64>,
    },
    /// Trials of the run are covered by no part.
    #[error("trials {}..{} of {total} are in no part (missing shard{}); give every shard of the run", missing.start, missing.end, after.as_ref().map_or(String::new(), |p| format!(" after {}", p.display())))]
    Missing {
        /// The uncovered trial indices.
        missing: Range<u64>,
        /// Total trials of the run.
        total: u64,
        /// The part just before the gap, if any.
        after: Option<PathBuf>,
    },
    /// The embedded model no longer parses (e.g. a file it refers to is gone).
    #[error("{}: the model embedded in the part", path.display())]
    Model {
        /// The part.
        path: PathBuf,
        /// Why it failed.
        #[source]
        source: crate::model::ModelError,
    },
}

/// One shard of a run: `index` of `count`, 0-based internally.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShardSpec {
    /// 0-based shard index (`K - 1`).
    pub index: u64,
    /// Number of shards `N`.
    pub count: u64,
}

impl ShardSpec {
    /// Parses `K/N` (K from 1) or `auto/N`, which takes the 0-based index
    /// from the first of [`INDEX_VARIABLES`] that `env` returns.
    pub fn parse(spec: &str, env: impl Fn(&str) -> Option<String>) -> Result<ShardSpec, ShardError> {
        let bad = |why: String| ShardError::Spec { spec: spec.to_string(), why };
        let (k, n) = spec.split_once('/').ok_or_else(|| bad("no '/'".into()))?;
        let count: u64 = n.trim().parse().map_err(|_| bad(format!("N = {n:?} is not a whole number")))?;
        if count == 0 {
            return Err(bad("N must be at least 1".into()));
        }
        if k.trim() == "auto" {
            return Self::from_env(spec, count, env);
        }
        let k: u64 = k.trim().parse().map_err(|_| bad(format!("K = {k:?} is not a whole number or auto")))?;
        if k == 0 || k > count {
            return Err(bad(format!("K = {k} is outside 1..={count}")));
        }
        Ok(ShardSpec { index: k - 1, count })
    }

    fn from_env(spec: &str, count: u64, env: impl Fn(&str) -> Option<String>) -> Result<ShardSpec, ShardError> {
        let auto = |why: String| ShardError::Auto { spec: spec.to_string(), why };
        let Some((name, value)) = INDEX_VARIABLES.iter().find_map(|&v| env(v).map(|x| (v, x))) else {
            return Err(auto(format!(
                "none of {} is set; run it as an array job (Kubernetes Indexed Job, AWS Batch array job, Slurm \
                 array) or give the shard explicitly as K/{count}",
                INDEX_VARIABLES.join(", ")
            )));
        };
        let index: u64 = value.trim().parse().map_err(|_| auto(format!("{name}={value:?} is not a whole number")))?;
        if index >= count {
            let hint = if name == "SLURM_ARRAY_TASK_ID" {
                format!("; declare the Slurm array as --array=0-{}", count - 1)
            } else {
                String::new()
            };
            return Err(auto(format!(
                "{name}={index} is outside 0..={} (0-based) for {count} shards{hint}",
                count - 1
            )));
        }
        Ok(ShardSpec { index, count })
    }

    /// The contiguous trial indices of this shard in a run of `trials` trials.
    pub fn trials(&self, trials: u64) -> Range<u64> {
        let at = |i: u64| (u128::from(trials) * u128::from(i) / u128::from(self.count)) as u64;
        at(self.index)..at(self.index + 1)
    }
}

/// A partial result: the tally of one shard and what identifies its run.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Part {
    /// Always [`PART_FORMAT`].
    pub format: String,
    /// [`PART_FORMAT_VERSION`] when written.
    pub format_version: u32,
    /// Version of the drsim that ran the shard.
    pub drsim_version: String,
    /// The workload's name.
    pub model_name: String,
    /// The model file as given to `drsim run`.
    pub model_path: String,
    /// SHA-256 of the model file.
    pub model_sha256: String,
    /// The model file's text, so the merge needs nothing but the parts.
    pub model_text: String,
    /// Master seed.
    pub seed: u64,
    /// Years per trial.
    pub years: f64,
    /// The strategies simulated, in model order.
    pub strategies: Vec<String>,
    /// Trials of the whole run.
    pub trials_total: u64,
    /// This shard, from 1.
    pub shard: u64,
    /// Number of shards.
    pub shards: u64,
    /// First trial index of this shard.
    pub trial_start: u64,
    /// One past the last trial index of this shard.
    pub trial_end: u64,
    /// The shard's exact totals.
    pub tally: Tally,
    /// `stratified` when the shard sampled by strata (its tally then holds
    /// one tally per stratum); absent for plain sampling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variance_reduction: Option<String>,
}

impl Part {
    /// Describes shard `spec` of a run of `model` (read from `model_text`) with `options`.
    pub fn new(model: &Model, model_text: String, options: &RunOptions, spec: ShardSpec, tally: Tally) -> Part {
        let range = spec.trials(options.trials);
        Part {
            format: PART_FORMAT.to_string(),
            format_version: PART_FORMAT_VERSION,
            drsim_version: env!("CARGO_PKG_VERSION").to_string(),
            model_name: model.workload.name.clone(),
            model_path: model.source.path.display().to_string(),
            model_sha256: model.source.sha256.clone(),
            model_text,
            seed: options.seed,
            years: options.years,
            strategies: model.strategies.iter().map(|s| s.name.clone()).collect(),
            trials_total: options.trials,
            shard: spec.index + 1,
            shards: spec.count,
            trial_start: range.start,
            trial_end: range.end,
            variance_reduction: crate::world::strata::VarianceReduction::of_strata(tally.strata.len())
                .filter(|&v| v != crate::world::strata::VarianceReduction::None)
                .map(|v| v.name().to_string()),
            tally,
        }
    }

    /// The part as JSON.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Reads a part from a shard's output directory or from the part file itself.
    pub fn read(path: &Path) -> Result<(PathBuf, Part), ShardError> {
        let file = if path.is_dir() { path.join(PART_FILE) } else { path.to_path_buf() };
        let bytes = crate::input::read(&file, crate::input::DATA_LIMIT_BYTES)
            .map_err(|source| ShardError::Read { path: file.clone(), source })?;
        let part = Part::from_bytes(&bytes, &file)?;
        Ok((file, part))
    }

    /// Parses the bytes of a part file; `file` names it in errors. Checks the
    /// format and its version, and the JSON shape; [`Part::check`] checks the content.
    ///
    /// # Errors
    /// [`ShardError::NotJson`], [`ShardError::NotPart`], [`ShardError::FormatVersion`]
    /// or [`ShardError::Damaged`], naming `file`.
    pub fn from_bytes(bytes: &[u8], file: &Path) -> Result<Part, ShardError> {
        let path = || file.to_path_buf();
        let value: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|error| ShardError::NotJson { path: path(), error })?;
        if value.get("format").and_then(|f| f.as_str()) != Some(PART_FORMAT) {
            return Err(ShardError::NotPart { path: path() });
        }
        let version = value.get("format_version").and_then(|v| v.as_u64());
        if version != Some(u64::from(PART_FORMAT_VERSION)) {
            return Err(ShardError::FormatVersion { path: path(), found: version });
        }
        serde_json::from_value(value).map_err(|source| ShardError::Damaged { path: path(), source })
    }

    fn range(&self) -> Range<u64> {
        self.trial_start..self.trial_end
    }

    /// Checks that the part agrees with itself and with the model it
    /// carries: the model text hashes to `model_sha256` and defines every
    /// strategy named, in model order; the years per trial are in range; the
    /// trial range fits the run; and the tally has the shape of the model and
    /// counts that fit each other (no count above the incidents it counts).
    ///
    /// # Errors
    /// [`ShardError::Inconsistent`] naming the first contradiction found;
    /// [`ShardError::Model`] when the carried model text is not a valid model.
    pub fn check(&self, path: &Path) -> Result<Model, ShardError> {
        let damaged = |what: String| ShardError::Inconsistent { path: path.to_path_buf(), what };
        let model = Model::from_str_at(&self.model_text, Path::new(&self.model_path))
            .map_err(|source| ShardError::Model { path: path.to_path_buf(), source })?;
        if model.source.sha256 != self.model_sha256 {
            return Err(damaged(format!(
                "the model text hashes to {}, not to the recorded model_sha256 {}",
                &model.source.sha256[..12],
                &self.model_sha256[..self.model_sha256.len().min(12)]
            )));
        }
        let known: Vec<&str> = model.strategies.iter().map(|s| s.name.as_str()).collect();
        let mut in_order = known.iter().filter(|k| self.strategies.iter().any(|s| s == *k));
        if self.strategies.is_empty() || !self.strategies.iter().all(|s| in_order.next() == Some(&s.as_str())) {
            return Err(damaged(format!(
                "strategies [{}] are not strategies of its model in model order (the model has: {})",
                self.strategies.join(", "),
                known.join(", ")
            )));
        }
        RunOptions { trials: self.trials_total, years: self.years, seed: self.seed, threads: None }
            .validate()
            .map_err(|e| damaged(format!("years per trial: {e}")))?;
        if !(self.trial_start <= self.trial_end && self.trial_end <= self.trials_total) {
            return Err(damaged(format!(
                "trial range {}..{} does not fit a run of {} trials",
                self.trial_start, self.trial_end, self.trials_total
            )));
        }
        let t = &self.tally;
        if t.trials != self.trial_end - self.trial_start {
            return Err(damaged(format!(
                "the tally counts {} trials, its range {}..{} holds {}",
                t.trials,
                self.trial_start,
                self.trial_end,
                self.trial_end - self.trial_start
            )));
        }
        let horizon = (crate::model::Duration::YEAR * self.years).secs();
        if t.horizon_s.to_bits() != horizon.to_bits() {
            return Err(damaged(format!("the tally's horizon {} s is not {} years", t.horizon_s, self.years)));
        }
        let n = self.strategies.len();
        let kinds = crate::model::DisruptionKind::COUNT;
        if t.strategies.len() != n
            || t.paired_cost_usd.len() != n * n.saturating_sub(1) / 2
            || t.rto_s.len() != kinds
            || t.rpo_s.len() != kinds
            || t.strategies.iter().any(|s| s.kinds.len() != kinds)
        {
            return Err(damaged(format!("the tally does not have the shape of {n} strategies and {kinds} kinds")));
        }
        if !(1..=crate::engine::replay::MAX_PLAYS).contains(&t.region_plays)
            || t.strata.iter().any(|s| s.region_plays != t.region_plays)
        {
            return Err(damaged(format!(
                "its region replays {} are not a whole number from 1 to {} shared by every stratum",
                t.region_plays,
                crate::engine::replay::MAX_PLAYS
            )));
        }
        // A stratified part keeps its trials in one tally per stratum.
        let stratified = self.variance_reduction.is_some();
        if stratified != t.is_stratified()
            || (stratified
                && self.variance_reduction.as_deref().and_then(crate::world::strata::VarianceReduction::of_name)
                    != crate::world::strata::VarianceReduction::of_strata(t.strata.len()))
            || t.strata.iter().map(|s| s.trials).sum::<u64>() != if stratified { t.trials } else { 0 }
        {
            return Err(damaged(format!(
                "its strata do not match its variance reduction {}",
                self.variance_reduction.as_deref().unwrap_or("none")
            )));
        }
        let tallies: Vec<&Tally> = if stratified { t.strata.iter().collect() } else { vec![t] };
        for t in tallies {
            if t.strategies.len() != n
                || t.paired_cost_usd.len() != n * n.saturating_sub(1) / 2
                || t.strategies.iter().any(|s| s.kinds.len() != kinds)
            {
                return Err(damaged(format!("a stratum does not have the shape of {n} strategies and {kinds} kinds")));
            }
            self.check_counts(t).map_err(damaged)?;
        }
        Ok(model)
    }

    /// The per-trial and per-incident counts of one tally add up.
    fn check_counts(&self, t: &Tally) -> Result<(), String> {
        let damaged = |what: String| what;
        for (name, s) in self.strategies.iter().zip(&t.strategies) {
            if s.trials_with_total_loss > t.trials || s.trial_incidents.count() != t.trials {
                return Err(damaged(format!("{name}: per-trial counts do not match {} trials", t.trials)));
            }
            for (kind, k) in crate::model::DisruptionKind::ALL.iter().zip(&s.kinds) {
                let counts = [("rto_met", k.rto_met), ("rpo_met", k.rpo_met), ("both_met", k.both_met)];
                let counts = counts.into_iter().chain([("data_lost_entirely", k.data_lost_entirely)]);
                for (what, count) in counts {
                    if count > k.incidents {
                        return Err(damaged(format!(
                            "{name} {kind}: {what} is {count}, more than its {} incidents",
                            k.incidents
                        )));
                    }
                }
                let paths: u64 = k.paths.iter().sum();
                if paths != k.incidents || k.downtime_s.count() != k.incidents || k.data_loss_s.count() != k.incidents {
                    return Err(damaged(format!(
                        "{name} {kind}: its paths, downtimes and data losses do not add up to its {} incidents",
                        k.incidents
                    )));
                }
            }
        }
        Ok(())
    }
}

/// A merged run: the model (rebuilt from the parts), its options and the total tally.
#[derive(Debug)]
pub struct Merged {
    /// The model, with the parts' strategy selection applied.
    pub model: Model,
    /// Trials, years and seed of the run.
    pub options: RunOptions,
    /// The merged tally, equal to the unsharded run's.
    pub tally: Tally,
}

/// Checks that `parts` are all the shards of one run, once each, and merges them.
pub fn merge(mut parts: Vec<(PathBuf, Part)>) -> Result<Merged, ShardError> {
    let ours = env!("CARGO_PKG_VERSION");
    for (path, p) in &parts {
        if p.drsim_version != ours {
            return Err(ShardError::Version { path: path.clone(), found: p.drsim_version.clone(), ours: ours.into() });
        }
    }
    for (path, p) in &parts {
        p.check(path)?;
    }
    let Some((first_path, first)) = parts.first() else {
        return Err(ShardError::Missing { missing: 0..0, total: 0, after: None });
    };
    for (path, p) in &parts[1..] {
        let mismatch = |what, a: String, b: String| ShardError::Mismatch {
            a: first_path.clone(),
            b: path.clone(),
            what,
            first: a,
            second: b,
        };
        if p.model_sha256 != first.model_sha256 {
            let name =
                |q: &Part| format!("{} sha256 {}", q.model_path, &q.model_sha256[..q.model_sha256.len().min(12)]);
            return Err(mismatch("model", name(first), name(p)));
        }
        if p.seed != first.seed {
            return Err(mismatch("seed", first.seed.to_string(), p.seed.to_string()));
        }
        if p.years.to_bits() != first.years.to_bits() {
            return Err(mismatch("years per trial", first.years.to_string(), p.years.to_string()));
        }
        if p.strategies != first.strategies {
            return Err(mismatch("strategies", first.strategies.join(","), p.strategies.join(",")));
        }
        if p.variance_reduction != first.variance_reduction {
            let name = |q: &Part| q.variance_reduction.clone().unwrap_or_else(|| "none".to_string());
            return Err(mismatch("variance reduction", name(first), name(p)));
        }
        if p.tally.region_plays != first.tally.region_plays {
            return Err(mismatch(
                "region replays",
                first.tally.region_plays.to_string(),
                p.tally.region_plays.to_string(),
            ));
        }
        if p.trials_total != first.trials_total {
            return Err(mismatch("total trials", first.trials_total.to_string(), p.trials_total.to_string()));
        }
    }
    parts.sort_by_key(|(_, p)| (p.trial_start, p.trial_end));
    let total = parts[0].1.trials_total;
    let mut covered = 0;
    let mut previous: Option<usize> = None;
    for (i, (path, p)) in parts.iter().enumerate() {
        if p.trial_start > covered {
            let after = previous.map(|j| parts[j].0.clone());
            return Err(ShardError::Missing { missing: covered..p.trial_start, total, after });
        }
        if let Some(j) = previous.filter(|_| p.trial_start < covered) {
            let (a, q) = &parts[j];
            return Err(ShardError::Overlap { a: a.clone(), ra: q.range(), b: path.clone(), rb: p.range() });
        }
        covered = p.trial_end;
        previous = Some(i);
    }
    if covered < total {
        let after = previous.map(|j| parts[j].0.clone());
        return Err(ShardError::Missing { missing: covered..total, total, after });
    }
    let (path, first) = &parts[0];
    let mut model = Model::from_str_at(&first.model_text, Path::new(&first.model_path))
        .map_err(|source| ShardError::Model { path: path.clone(), source })?;
    model.strategies.retain(|s| first.strategies.contains(&s.name));
    let options = RunOptions { trials: total, years: first.years, seed: first.seed, threads: None };
    let mut tally = match &first.variance_reduction {
        Some(name) => {
            let strata = crate::world::strata::VarianceReduction::of_name(name).map_or(0, |v| v.strata());
            Tally::stratified(&model, options.engine_config().horizon, strata)
        }
        None => Tally::new(&model, options.engine_config().horizon),
    }
    .with_region_plays(first.tally.region_plays);
    for (_, p) in &parts {
        tally.merge(&p.tally);
    }
    Ok(Merged { model, options, tally })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    #[test]
    fn shards_split_trials_into_contiguous_ranges_covering_all() {
        // 10 trials in 4 shards: floor(10 k / 4) = 0, 2, 5, 7, 10.
        let ranges: Vec<Range<u64>> = (0..4).map(|index| ShardSpec { index, count: 4 }.trials(10)).collect();
        assert_eq!(ranges, vec![0..2, 2..5, 5..7, 7..10]);
        assert_eq!(ShardSpec { index: 2, count: 3 }.trials(1), 0..1);
    }

    #[test]
    fn explicit_spec_is_one_based() {
        let none = env(&[]);
        assert_eq!(ShardSpec::parse("1/4", &none).unwrap(), ShardSpec { index: 0, count: 4 });
        assert_eq!(ShardSpec::parse("4/4", &none).unwrap(), ShardSpec { index: 3, count: 4 });
        for bad in ["0/4", "5/4", "1/0", "a/4", "3", "1/x"] {
            let e = ShardSpec::parse(bad, &none).unwrap_err().to_string();
            assert!(e.contains("allowed: K/N"), "{bad}: {e}");
        }
    }

    #[test]
    fn auto_reads_each_engines_zero_based_index() {
        for var in INDEX_VARIABLES {
            let vars = [(var, "2")];
            assert_eq!(ShardSpec::parse("auto/4", env(&vars)).unwrap(), ShardSpec { index: 2, count: 4 }, "{var}");
            let vars = [(var, "4")];
            let e = ShardSpec::parse("auto/4", env(&vars)).unwrap_err().to_string();
            assert!(e.contains(var) && e.contains("outside 0..=3"), "{e}");
        }
        let e = ShardSpec::parse("auto/4", env(&[])).unwrap_err().to_string();
        assert!(e.contains("none of JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX, SLURM_ARRAY_TASK_ID"), "{e}");
        let e = ShardSpec::parse("auto/4", env(&[("SLURM_ARRAY_TASK_ID", "4")])).unwrap_err().to_string();
        assert!(e.contains("--array=0-3"), "{e}");
        let e = ShardSpec::parse("auto/4", env(&[("JOB_COMPLETION_INDEX", "x")])).unwrap_err().to_string();
        assert!(e.contains("not a whole number"), "{e}");
    }

    #[test]
    fn read_failures_keep_the_underlying_error_as_their_source() {
        use std::error::Error as _;
        let missing = Part::read(Path::new("/nonexistent/drsim/part.json")).unwrap_err();
        assert!(matches!(missing, ShardError::Read { .. }), "{missing}");
        let input =
            missing.source().and_then(|s| s.downcast_ref::<crate::input::InputError>()).expect("the cause is kept");
        assert!(matches!(input, crate::input::InputError::Io(e) if e.kind() == std::io::ErrorKind::NotFound));

        let dir = std::env::temp_dir().join(format!("drsim-shard-read-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let damaged = dir.join("damaged.json");
        std::fs::write(&damaged, format!(r#"{{"format": "{PART_FORMAT}", "format_version": {PART_FORMAT_VERSION}}}"#))
            .unwrap();
        let err = Part::read(&damaged).unwrap_err();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(matches!(err, ShardError::Damaged { .. }), "{err}");
        assert!(err.source().is_some_and(|s| s.is::<serde_json::Error>()), "{err:?}");
        // Printed as the binary prints it, the message reads as it always did.
        let shown = format!("{:#}", anyhow::Error::from(err));
        assert!(shown.ends_with(": cannot read the partial result: damaged: missing field `drsim_version`"), "{shown}");
    }
}
