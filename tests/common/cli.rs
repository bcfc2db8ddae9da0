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
