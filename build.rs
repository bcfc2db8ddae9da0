//! Records the git revision drsim is built from, for `drsim --version` and
//! provenance: `DRSIM_GIT_REVISION` is the short commit hash, with `-dirty`
//! when the work tree has uncommitted changes, or `unknown` outside a git
//! checkout (a crate tarball, a copied tree).

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn main() {
    let revision = match git(&["rev-parse", "--short=12", "HEAD"]) {
        Some(hash) if !hash.is_empty() => {
            let dirty = git(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
            if dirty { format!("{hash}-dirty") } else { hash }
        }
        _ => "unknown".to_string(),
    };
    println!("cargo:rustc-env=DRSIM_GIT_REVISION={revision}");
    // A new commit or checkout changes HEAD or the branch it points to. In a
    // linked work tree (`git worktree add`) `.git` is a file: HEAD and the
    // index are in its own git directory, the branches in the common one.
    let git_dir = git(&["rev-parse", "--git-dir"]).unwrap_or_else(|| ".git".to_string());
    let common_dir = git(&["rev-parse", "--git-common-dir"]).unwrap_or_else(|| git_dir.clone());
    let watched = [format!("{git_dir}/HEAD"), format!("{git_dir}/index"), format!("{common_dir}/refs/heads")];
    for path in watched {
        if std::path::Path::new(&path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}
