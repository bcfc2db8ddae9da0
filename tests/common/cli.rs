//! Running the built binary the way a user does, from the repository root, so
//! paths in its output are the relative `models/...` paths typed.

use std::process::Output;

/// The repository root.
pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Runs drsim with `args` (and `stdin`, if any) from the repository root and
/// returns its output, whatever its exit code.
pub fn run_drsim(args: &[&str], stdin: Option<Vec<u8>>) -> Output {
    let mut cmd = assert_cmd::Command::new(env!("CARGO_BIN_EXE_drsim"));
    cmd.current_dir(ROOT).args(args);
    if let Some(input) = stdin {
        cmd.write_stdin(input);
    }
    cmd.output().expect("drsim runs")
}

/// A drsim command started from the repository root, with none of the
/// shard index variables of the environment (`--shard` reads them, and a CI
/// job's own sharding must not leak into the runs a test compares).
pub fn drsim() -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_drsim"));
    c.current_dir(ROOT);
    for v in drsim::shard::INDEX_VARIABLES {
        c.env_remove(v);
    }
    c
}

/// `out`, once asserted to be a success (its standard error in the message).
pub fn ok(out: Output) -> Output {
    assert!(out.status.success(), "drsim failed: {}", String::from_utf8_lossy(&out.stderr));
    out
}

/// Runs drsim as [`run_drsim`] does and asserts it exited with `code` and
/// did not panic (the command line and both streams in the message).
pub fn exits(code: i32, args: &[&str], stdin: Option<Vec<u8>>) -> Output {
    let out = run_drsim(args, stdin);
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        out.status.code(),
        Some(code),
        "drsim {} ({})\nstdout:\n{stdout}\nstderr:\n{stderr}",
        args.join(" "),
        out.status
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    out
}

/// The standard output of drsim run with `args` as [`run_drsim`] does; it must succeed.
pub fn stdout_of(args: &[&str]) -> String {
    String::from_utf8(exits(0, args, None).stdout).expect("stdout is UTF-8")
}

/// A path in the temporary directory for case `name` of this test file,
/// unique to the process, with nothing there: an `--out` directory drsim
/// creates. Removed, with whatever was written there, when the returned
/// [`TempPath`] is dropped, so test runs leave nothing behind.
pub fn temp_path(name: &str) -> TempPath {
    let dir = std::env::temp_dir().join(format!("drsim-{}-{}-{name}", env!("CARGO_CRATE_NAME"), std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    TempPath(dir)
}

/// [`temp_path`], created: an empty directory.
pub fn temp_dir(name: &str) -> TempPath {
    let dir = temp_path(name);
    std::fs::create_dir_all(&dir.0).unwrap();
    dir
}

/// A test's directory under the temporary directory, removed when dropped.
#[derive(Debug)]
pub struct TempPath(std::path::PathBuf);

impl std::ops::Deref for TempPath {
    type Target = std::path::Path;
    fn deref(&self) -> &std::path::Path {
        &self.0
    }
}

impl AsRef<std::path::Path> for TempPath {
    fn as_ref(&self) -> &std::path::Path {
        &self.0
    }
}

impl AsRef<std::ffi::OsStr> for TempPath {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.0.as_os_str()
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A results.json without its `invocation` (how it was produced): the
/// figures two runs are compared by.
pub fn results_figures(bytes: &[u8]) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
    v["invocation"].take();
    v
}

/// [`assert_four_shards_merge`] of 2,003 trials of
/// `models/securecart-monolith.toml` under `--variance-reduction setting`,
/// whose single run says it used `setting`.
pub fn assert_setting_shards_merge(setting: &str) {
    let root = temp_dir(&format!("{setting}-shards"));
    let model = "models/securecart-monolith.toml";
    let run = ["run", model, "--trials", "2003", "--quiet", "--variance-reduction", setting];
    let (single, _) = assert_four_shards_merge(&run, &root);
    let says = format!("\"variance_reduction\": \"{setting}\"");
    assert!(String::from_utf8_lossy(&single.stdout).contains(&says), "{setting}");
    std::fs::remove_dir_all(&root).unwrap();
}

/// Runs `run` (the arguments of a `drsim run`) whole with `--format json`,
/// and as its 4 shards, concurrent processes writing `root/part-1` to
/// `root/part-4`; merges the parts into `root/merged`, asserts that the
/// merged figures are the single run's, and returns the single run's output
/// and the parts' directories.
pub fn assert_four_shards_merge(run: &[&str], root: &std::path::Path) -> (Output, Vec<std::path::PathBuf>) {
    let single = ok(drsim().args(run).args(["--format", "json"]).output().unwrap());
    let dirs: Vec<std::path::PathBuf> = (1..=4).map(|k| root.join(format!("part-{k}"))).collect();
    let children: Vec<_> = dirs
        .iter()
        .enumerate()
        .map(|(i, d)| drsim().args(run).args(["--shard", &format!("{}/4", i + 1), "--out"]).arg(d).spawn().unwrap())
        .collect();
    for child in children {
        ok(child.wait_with_output().unwrap());
    }
    let merged =
        ok(drsim().args(["merge", "--format", "json", "--out"]).arg(root.join("merged")).args(&dirs).output().unwrap());
    assert_eq!(results_figures(&single.stdout), results_figures(&merged.stdout));
    (single, dirs)
}
