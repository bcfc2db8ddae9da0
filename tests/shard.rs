//! Sharded runs through the real binary: shards run as separate processes,
//! merged, equal the unsharded run byte for byte (results.json: but for its
//! `invocation`); the merge refuses parts of
//! different runs, overlapping parts and missing parts; `auto/N` takes the
//! shard index from each array-job engine's variable.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::cli::{drsim, ok, temp_dir};

const MODEL: &str = "models/securecart-monolith.toml";
/// Not a multiple of 4, so the shards are of unequal size.
const TRIALS: &str = "2003";

fn shard(k: &str, dir: &Path, extra: &[&str]) -> Command {
    let mut c = drsim();
    c.args(["run", MODEL, "--trials", TRIALS, "--quiet", "--shard", k, "--out"]).arg(dir).args(extra);
    c
}

/// Every file under `dir`, by path relative to it, with its bytes.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.insert(path.strip_prefix(root).unwrap().to_path_buf(), fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Runs the 4 shards of the default run (with `extra` options) as 4
/// concurrent processes; returns their directories.
fn four_parts(root: &Path, extra: &[&str]) -> Vec<PathBuf> {
    let dirs: Vec<PathBuf> = (1..=4).map(|k| root.join(format!("part-{k}"))).collect();
    let children: Vec<_> =
        dirs.iter().enumerate().map(|(i, d)| shard(&format!("{}/4", i + 1), d, extra).spawn().unwrap()).collect();
    for child in children {
        ok(child.wait_with_output().unwrap());
    }
    dirs
}

fn merge(parts: &[PathBuf], out: &Path) -> Output {
    drsim().args(["merge", "--format", "json", "--out"]).arg(out).args(parts).output().unwrap()
}

fn refused(out: Output, words: &[&str]) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "expected a bad-input refusal, got: {err}");
    for w in words {
        assert!(err.contains(w), "message lacks {w:?}: {err}");
    }
}

/// Two results.json texts are the same run: byte for byte once their
/// `invocation` (command line, threads: how each was produced) is set aside,
/// as docs/exports.md says. The merged one has no thread count (the shards
/// simulated) and the merge's command line.
fn same_results(single: &[u8], merged: &[u8], what: &str) {
    let parse = |bytes: &[u8]| serde_json::from_slice::<serde_json::Value>(bytes).unwrap();
    let (mut single, mut merged) = (parse(single), parse(merged));
    let (s, m) = (single["invocation"].take(), merged["invocation"].take());
    assert_eq!(single, merged, "{what} differs beyond its invocation");
    assert!(s["threads"].as_u64().is_some_and(|t| t >= 1), "{s}");
    assert!(m["threads"].is_null(), "{m}");
    assert_eq!(s["command_line"][1], "run");
    assert_eq!(m["command_line"][1], "merge");
}

#[test]
fn four_shard_processes_merged_equal_the_single_run_byte_for_byte() {
    four_shards_equal_the_single_run("equal", &[]);
}

/// Replayed recoveries (conditional Monte Carlo) keep integer sums per
/// stratum and kind, so they merge exactly too, crossed with strata.
#[test]
fn replayed_and_stratified_shards_merge_into_the_single_run_byte_for_byte() {
    let extra = ["--region-replays", "8", "--variance-reduction", "stratified"];
    four_shards_equal_the_single_run("replayed", &extra);
    let root = temp_dir("replayed-mixed");
    let (a, b) = (root.join("a"), root.join("b"));
    ok(shard("1/2", &a, &["--region-replays", "8"]).output().unwrap());
    ok(shard("2/2", &b, &["--region-replays", "4"]).output().unwrap());
    refused(merge(&[a, b], &root.join("m")), &["region replays", "8", "4"]);
    fs::remove_dir_all(&root).unwrap();
}

fn four_shards_equal_the_single_run(name: &str, extra: &[&str]) {
    let root = temp_dir(name);
    let single_dir = root.join("single");
    let single = ok(drsim()
        .args(["run", MODEL, "--trials", TRIALS, "--quiet", "--format", "json", "--out"])
        .arg(&single_dir)
        .args(extra)
        .output()
        .unwrap());
    let parts = four_parts(&root, extra);
    let merged_dir = root.join("merged");
    // Parts given out of order: the merge sorts them by trial range.
    let shuffled = [parts[2].clone(), parts[0].clone(), parts[3].clone(), parts[1].clone()];
    let merged = ok(merge(&shuffled, &merged_dir));
    assert!(!single.stdout.is_empty());
    same_results(&single.stdout, &merged.stdout, "stdout");
    let (a, b) = (files(&single_dir), files(&merged_dir));
    assert!(!a.is_empty());
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>(), "different files");
    for (name, bytes) in &a {
        if name.as_os_str() == "results.json" {
            same_results(bytes, &b[name], "results.json");
        } else {
            assert!(bytes == &b[name], "{} differs", name.display());
        }
    }
    fs::remove_dir_all(&root).unwrap();
}

#[test]
fn merge_refuses_parts_of_other_runs_overlaps_and_gaps() {
    let root = temp_dir("refuse");
    let parts = four_parts(&root, &[]);
    let out = root.join("merged");

    // Missing: shard 3 of 4 is absent.
    refused(merge(&[parts[0].clone(), parts[1].clone(), parts[3].clone()], &out), &["trials 1001..1502", "missing"]);
    // Overlapping: shard 2 twice.
    let twice = [parts[0].clone(), parts[1].clone(), parts[1].clone(), parts[2].clone(), parts[3].clone()];
    refused(merge(&twice, &out), &["overlap"]);
    // Another seed.
    let seed = root.join("seed");
    ok(shard("2/4", &seed, &["--seed", "7"]).output().unwrap());
    refused(merge(&[parts[0].clone(), seed, parts[2].clone(), parts[3].clone()], &out), &["different seed", "7"]);
    // Another model: the same model with one more comment line.
    let other_model = root.join("other.toml");
    let text = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(MODEL)).unwrap();
    fs::write(&other_model, format!("# edited\n{text}")).unwrap();
    let model = root.join("model");
    ok(drsim()
        .args(["run"])
        .arg(&other_model)
        .args(["--trials", TRIALS, "--quiet", "--shard", "2/4", "--out"])
        .arg(&model)
        .output()
        .unwrap());
    refused(merge(&[parts[0].clone(), model, parts[2].clone(), parts[3].clone()], &out), &["different model"]);
    // Another drsim version.
    let file = parts[1].join("part.json");
    let mut part: serde_json::Value = serde_json::from_slice(&fs::read(&file).unwrap()).unwrap();
    part["drsim_version"] = "0.0.1-old".into();
    fs::write(&file, serde_json::to_vec(&part).unwrap()).unwrap();
    refused(merge(&parts, &out), &["written by drsim 0.0.1-old"]);
    // Not a part at all.
    refused(merge(&[root.join("other.toml")], &out), &["not JSON"]);
    assert!(!out.exists(), "a refused merge writes nothing");
    fs::remove_dir_all(&root).unwrap();
}

#[test]
fn auto_shard_reads_each_array_job_engines_zero_based_index() {
    let root = temp_dir("auto");
    let range = |dir: &Path| {
        let part: serde_json::Value = serde_json::from_slice(&fs::read(dir.join("part.json")).unwrap()).unwrap();
        (part["trial_start"].as_u64().unwrap(), part["trial_end"].as_u64().unwrap(), part["shard"].as_u64().unwrap())
    };
    for var in drsim::shard::INDEX_VARIABLES {
        let dir = root.join(var);
        // Index 1 (0-based) of 4 is shard 2/4: trials floor(2003/4)..floor(2003*2/4).
        ok(shard("auto/4", &dir, &[]).env(var, "1").output().unwrap());
        assert_eq!(range(&dir), (500, 1001, 2), "{var}");
        refused(shard("auto/4", &root.join("x"), &[]).env(var, "4").output().unwrap(), &[var, "outside 0..=3"]);
    }
    refused(shard("auto/4", &root.join("y"), &[]).output().unwrap(), &["JOB_COMPLETION_INDEX"]);
    fs::remove_dir_all(&root).unwrap();
}

/// A part whose content was edited, forged or written by a broken tool is
/// refused with `PART: damaged: ...` naming the contradiction
/// (shared/cases/hardening.md K6), never merged into figures.
#[test]
fn merge_refuses_parts_that_contradict_themselves_or_their_model() {
    let root = temp_dir("damaged");
    let parts = four_parts(&root, &[]);
    let original = fs::read_to_string(parts[0].join("part.json")).unwrap();
    type Edit = fn(&mut serde_json::Value);
    let cases: [(&str, Edit, &str); 8] = [
        (
            "rto-met-above-incidents",
            |v| {
                let k = &mut v["tally"]["strategies"][0]["kinds"][1];
                k["rto_met"] = serde_json::json!(k["incidents"].as_u64().unwrap() * 10 + 1);
            },
            "more than its",
        ),
        ("trials-zero", |v| v["tally"]["trials"] = serde_json::json!(0), "the tally counts 0 trials"),
        ("years-zero", |v| v["years"] = serde_json::json!(0.0), "years per trial"),
        ("years-huge", |v| v["years"] = serde_json::json!(1e300), "to 1000"),
        ("unknown-strategy", |v| v["strategies"] = serde_json::json!(["nope"]), "not strategies of its model"),
        ("no-strategy-tallies", |v| v["tally"]["strategies"] = serde_json::json!([]), "does not have the shape"),
        (
            "model-text-edited",
            |v| {
                let text = v["model_text"].as_str().unwrap().replacen("name", "name ", 1);
                v["model_text"] = serde_json::json!(text);
            },
            "hashes to",
        ),
        ("range-past-total", |v| v["trial_end"] = serde_json::json!(1_000_000), "does not fit a run"),
    ];
    for (name, edit, says) in cases {
        let mut value: serde_json::Value = serde_json::from_str(&original).unwrap();
        edit(&mut value);
        fs::write(parts[0].join("part.json"), serde_json::to_string(&value).unwrap()).unwrap();
        let out = merge(&parts, &root.join(format!("merged-{name}")));
        refused(out, &["part-1/part.json: damaged: ", says]);
        assert!(!root.join(format!("merged-{name}")).exists(), "{name}: nothing written");
    }
    fs::remove_dir_all(&root).unwrap();
}
