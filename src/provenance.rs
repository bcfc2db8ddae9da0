//! Where an output came from: the one [`Provenance`] every machine-readable
//! output carries (`results.json`, the `*.provenance.json` beside the CSV
//! files of `sweep`, `sensitivity` and `fit`, and any JSON report that embeds
//! it), so a figure can be traced to the build, the input file, the options
//! and the command that produced it.
//!
//! The fields that decide the figures (the build, the input's SHA-256, the
//! seed, trials and years) sit at the top level; the ones that describe one
//! invocation and may differ between runs that produce the same figures (the
//! command line, the worker threads) sit in [`Invocation`]. A sharded run
//! merged with `drsim merge` equals the unsharded run in everything but its
//! `invocation`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// drsim's version (the Cargo package version).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The git revision drsim was built from: the short commit hash, with
/// `-dirty` when the work tree had uncommitted changes, `unknown` outside a
/// git checkout (set by `build.rs`).
pub const GIT_REVISION: &str = env!("DRSIM_GIT_REVISION");

/// The SHA-256 of `bytes`, 64 lowercase hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Where an output came from: enough to reproduce every figure in it.
///
/// Outputs of a model (`run`, `merge`, `sweep`, `sensitivity`) have the
/// `model_*` fields; `fit` has the `data_*` fields of its incident history
/// instead. Simulated outputs have `seed`, `trials` and `years_per_trial`.
/// Absent fields are left out of the JSON (never `null`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Provenance {
    /// drsim's version.
    pub drsim_version: String,
    /// The git revision drsim was built from (`unknown` outside a git checkout).
    pub git_revision: String,
    /// The workload's name, from the model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_name: Option<String>,
    /// The model file as given on the command line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_path: Option<String>,
    /// SHA-256 of the model file's bytes, lowercase hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_sha256: Option<String>,
    /// The input data file (`fit`: the incident history) as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_path: Option<String>,
    /// SHA-256 of the data file's bytes, lowercase hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_sha256: Option<String>,
    /// Master seed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Trials simulated (`sweep`, `sensitivity`: per evaluated point).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trials: Option<u64>,
    /// Years per trial.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub years_per_trial: Option<f64>,
    /// The variance reduction the figures were estimated with
    /// (`stratified`, `crossed`, `late-detection`, `peak-season` or `coincidence`); absent for plain sampling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variance_reduction: Option<String>,
    /// Plays of each `region` incident, outage and recovery (`--region-replays`,
    /// conditional Monte Carlo of the shares of region incidents meeting
    /// their targets); absent when each is played once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_replays: Option<u32>,
    /// How this output was produced; may differ between outputs with the same figures.
    pub invocation: Invocation,
}

/// How one output was produced: what may differ between two outputs with
/// identical figures (a run on another machine, a merged sharded run).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Invocation {
    /// The command line, program name first, one argument per item (not
    /// UTF-8 parts replaced by U+FFFD); empty when drsim was used as a library.
    pub command_line: Vec<String>,
    /// Worker threads that simulated; `null` when nothing was simulated in
    /// this process (`fit`, `merge`: the shards ran elsewhere).
    pub threads: Option<u64>,
}

impl Provenance {
    /// The provenance of this build: version and git revision, nothing else yet.
    pub fn of_build() -> Provenance {
        Provenance {
            drsim_version: VERSION.to_string(),
            git_revision: GIT_REVISION.to_string(),
            ..Provenance::default()
        }
    }

    /// The same, with the model's name, path as given and file SHA-256.
    pub fn with_model(mut self, name: &str, path: &str, sha256: &str) -> Provenance {
        self.model_name = Some(name.to_string());
        self.model_path = Some(path.to_string());
        self.model_sha256 = Some(sha256.to_string());
        self
    }

    /// The same, with the seed, the trials and the years per trial.
    pub fn with_run(mut self, seed: u64, trials: u64, years_per_trial: f64) -> Provenance {
        self.seed = Some(seed);
        self.trials = Some(trials);
        self.years_per_trial = Some(years_per_trial);
        self
    }

    /// The same, with the variance reduction of the figures (`None`: plain).
    pub fn with_variance_reduction(mut self, how: Option<&str>) -> Provenance {
        self.variance_reduction = how.map(str::to_string);
        self
    }

    /// The same, with the plays of each region incident (1: once, recorded as absent).
    pub fn with_region_replays(mut self, plays: u32) -> Provenance {
        self.region_replays = (plays > 1).then_some(plays);
        self
    }

    /// How the figures were estimated beyond plain sampling, for a report's
    /// header: `" · stratified sampling"`, `" · region incidents played 8
    /// times"` (both, in that order), or empty for plain sampling.
    pub fn estimation_note(&self) -> String {
        let mut note = String::new();
        if let Some(how) = &self.variance_reduction {
            note.push_str(&format!(" · {how} sampling"));
        }
        if let Some(plays) = self.region_replays {
            note.push_str(&format!(" · region incidents played {plays} times"));
        }
        note
    }

    /// The same, with the worker threads that simulated.
    pub fn with_threads(mut self, threads: usize) -> Provenance {
        self.invocation.threads = Some(threads as u64);
        self
    }

    /// The same, with the input data file's path as given and its SHA-256.
    pub fn with_data(mut self, path: &str, sha256: &str) -> Provenance {
        self.data_path = Some(path.to_string());
        self.data_sha256 = Some(sha256.to_string());
        self
    }

    /// The same, with the command line (program name first).
    pub fn with_command_line(mut self, args: impl IntoIterator<Item = String>) -> Provenance {
        self.invocation.command_line = args.into_iter().collect();
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_is_of_the_bytes_in_lowercase_hex() {
        // The SHA-256 of "abc" (FIPS 180-2, appendix B.1).
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn absent_fields_are_left_out_and_the_invocation_is_always_there() {
        let p = Provenance::of_build();
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["drsim_version"], VERSION);
        assert!(json.get("seed").is_none() && json.get("model_sha256").is_none(), "{json}");
        assert_eq!(json["invocation"], serde_json::json!({ "command_line": [], "threads": null }));
        let run = p.with_model("m", "m.toml", "ab").with_run(7, 100, 1.0).with_command_line(["drsim".to_string()]);
        let back: Provenance = serde_json::from_value(serde_json::to_value(&run).unwrap()).unwrap();
        assert_eq!(back, run);
    }
}
