//! Writing result directories safely: all or nothing.
//!
//! Files are written into a hidden staging directory beside the target
//! (`.NAME.partial-XXXXXX`, an unpredictable name made by the `tempfile`
//! crate, so runs in different containers sharing a volume never collide),
//! which is renamed into place only when every file is complete, and the
//! parent directory is synced after the rename. A crash, a signal or a kill at
//! any moment leaves either the previous results or none under the target
//! name, never a mix. A run removes only the staging directory it created:
//! on an error or a signal (SIGINT, SIGTERM, SIGHUP) it is removed; after a
//! `kill -9` it stays, hidden, and the next run says so rather than deleting
//! what may be a live run's staging on a shared volume. An existing
//! target is replaced only with `force`, and only when it is a previous drsim
//! output: every finished directory carries a manifest ([`MANIFEST`]) listing
//! the files drsim wrote, and `force` refuses a target without one, a target
//! holding anything the manifest does not list (the model, the user's notes),
//! and the current directory or any directory that contains it. Refusals
//! happen in [`Staging::begin`], before any simulation time is spent, and
//! again at [`Staging::commit`].

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The manifest file every finished output directory carries: a header line,
/// then the name of each file drsim wrote there, one per line. `--force`
/// replaces a directory only while it holds nothing but these files.
pub const MANIFEST: &str = ".drsim-output";

/// The manifest's first line.
const MANIFEST_HEADER: &str =
    "# drsim output directory: --force replaces it only while it holds just the files listed below";

/// Why results could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The target exists and `--force` was not given.
    #[error("{}: already exists; pass --force to replace it", path.display())]
    Exists {
        /// The target directory.
        path: PathBuf,
    },
    /// `--force` was given but the target is not something drsim may replace.
    #[error("{}: {why}; --force replaces only a previous drsim output directory, so choose another --out or remove it yourself", path.display())]
    NotReplaceable {
        /// The target directory.
        path: PathBuf,
        /// What makes it unsafe to replace.
        why: String,
    },
    /// A file system operation failed (permissions, full disk, ...).
    #[error("{}: {action}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What was being done.
        action: &'static str,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
}

fn io<'a>(path: &'a Path, action: &'static str) -> impl FnOnce(std::io::Error) -> OutputError + 'a {
    move |source| OutputError::Io { path: path.to_path_buf(), action, source }
}

/// A directory of results being written. Dropping it before
/// [`Staging::commit`] removes the staging directory (and nothing else).
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    /// Removed on drop until committed.
    staging: Option<tempfile::TempDir>,
    force: bool,
}

impl Staging {
    /// Starts writing results for `target`. Fails at once if `target` exists
    /// and `force` is false, before any simulation time is spent.
    ///
    /// With `force`, an existing target must pass [`check_replaceable`].
    pub fn begin(target: &Path, force: bool) -> Result<Staging, OutputError> {
        if target.file_name().is_none() {
            return Err(OutputError::NotReplaceable {
                path: target.to_path_buf(),
                why: "ends in `.` or `..`, so it names no directory of its own".into(),
            });
        }
        if exists(target) {
            if !force {
                return Err(OutputError::Exists { path: target.to_path_buf() });
            }
            check_replaceable(target)?;
        }
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target.file_name().map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
        fs::create_dir_all(&parent).map_err(io(&parent, "cannot create the parent directory"))?;
        let prefix = format!(".{name}.partial-");
        let staging = tempfile::Builder::new()
            .prefix(&prefix)
            .tempdir_in(&parent)
            .map_err(io(&parent, "cannot create the staging directory"))?;
        // Others' staging directories are never touched: on a shared volume
        // one may belong to a live run in another container.
        if let Ok(entries) = fs::read_dir(&parent) {
            let mut others: Vec<String> = entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(&prefix) && Some(std::ffi::OsStr::new(n)) != staging.path().file_name())
                .collect();
            others.sort();
            if let Some(first) = others.first() {
                eprintln!(
                    "note: {} holds {first}{}: staging left by a run that was killed, or another run writing now; \
                     remove it once no run is writing there",
                    parent.display(),
                    if others.len() > 1 { format!(" and {} more", others.len() - 1) } else { String::new() }
                );
            }
        }
        Ok(Staging { target: target.to_path_buf(), staging: Some(staging), force })
    }

    /// The directory to write into until [`Staging::commit`].
    pub fn dir(&self) -> &Path {
        self.staging.as_ref().map_or(&self.target, |t| t.path())
    }

    /// The final directory.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Writes one file completely (flushed and synced) into the staging directory.
    ///
    /// An error names the file as the user will find it, `TARGET/NAME` (not
    /// the hidden staging directory), with the operating system's reason:
    /// `results/summary.csv: cannot write: No space left on device (os error 28)`.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<PathBuf, OutputError> {
        let path = self.dir().join(name);
        let shown = self.target.join(name);
        let mut file = fs::File::create(&path).map_err(io(&shown, "cannot create"))?;
        file.write_all(bytes).map_err(io(&shown, "cannot write"))?;
        file.sync_all().map_err(io(&shown, "cannot flush to disk"))?;
        Ok(path)
    }

    /// Writes the manifest, then moves the finished directory into place,
    /// replacing the old one (with `force`, and only if it is still a previous
    /// drsim output: it is checked again here, as it may have changed while the
    /// simulation ran).
    pub fn commit(mut self) -> Result<PathBuf, OutputError> {
        self.write_manifest()?;
        let replacing = exists(&self.target);
        if replacing {
            if !self.force {
                return Err(OutputError::Exists { path: self.target.clone() });
            }
            check_replaceable(&self.target)?;
        }
        // From here the staging directory is ours to move: it is no longer
        // removed on drop, so every error path below cleans up by hand.
        let staging = self.staging.take().map(tempfile::TempDir::keep).unwrap_or_default();
        let old = staging.with_file_name(
            staging.file_name().map_or_else(|| "old".into(), |n| n.to_string_lossy().replace(".partial-", ".old-")),
        );
        if replacing {
            if let Err(e) = fs::rename(&self.target, &old) {
                let _ = fs::remove_dir_all(&staging);
                return Err(io(&self.target, "cannot move the old results aside")(e));
            }
        }
        if let Err(e) = fs::rename(&staging, &self.target) {
            let _ = fs::remove_dir_all(&staging);
            if replacing {
                // Put the old results back, unless a concurrent run has put
                // its own complete results there meanwhile.
                if fs::rename(&old, &self.target).is_err() {
                    let _ = fs::remove_dir_all(&old);
                }
            }
            return Err(io(&self.target, "cannot move the new results into place")(e));
        }
        if replacing {
            let _ = fs::remove_dir_all(&old);
        }
        // The rename is durable only once the parent directory is synced.
        let parent = match self.target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if let Ok(dir) = fs::File::open(&parent) {
            dir.sync_all().map_err(io(&parent, "cannot flush the directory to disk"))?;
        }
        Ok(self.target.clone())
    }
}

impl Staging {
    /// Lists every entry of the staging directory in [`MANIFEST`].
    fn write_manifest(&self) -> Result<(), OutputError> {
        let mut names = entry_names(self.dir())?;
        names.retain(|n| n != MANIFEST);
        names.sort();
        let mut text = format!("{MANIFEST_HEADER}\n");
        for name in names {
            text.push_str(&name);
            text.push('\n');
        }
        self.write(MANIFEST, text.as_bytes()).map(|_| ())
    }
}

/// Whether anything (a file, a directory, a dangling link) is at `path`.
fn exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

/// The names of the entries of directory `dir`.
fn entry_names(dir: &Path) -> Result<Vec<String>, OutputError> {
    let entries = fs::read_dir(dir).map_err(io(dir, "cannot list"))?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(io(dir, "cannot list"))?;
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    Ok(names)
}

/// Checks that `--force` may replace the existing `target`: a real directory
/// (not a link), neither the current directory nor one that contains it,
/// holding a [`MANIFEST`] and nothing that the manifest does not list.
///
/// # Errors
/// [`OutputError::NotReplaceable`] saying which rule failed and naming the
/// first foreign entry; [`OutputError::Io`] when the directory cannot be read.
pub fn check_replaceable(target: &Path) -> Result<(), OutputError> {
    let refuse = |why: String| OutputError::NotReplaceable { path: target.to_path_buf(), why };
    let meta = fs::symlink_metadata(target).map_err(io(target, "cannot inspect"))?;
    if meta.file_type().is_symlink() {
        return Err(refuse("is a symbolic link".into()));
    }
    if !meta.is_dir() {
        return Err(refuse("is not a directory".into()));
    }
    let real = fs::canonicalize(target).map_err(io(target, "cannot resolve"))?;
    if let Ok(cwd) = std::env::current_dir().and_then(fs::canonicalize) {
        if cwd.starts_with(&real) {
            return Err(refuse("is the current directory or contains it".into()));
        }
    }
    let manifest = target.join(MANIFEST);
    let listed = match fs::read_to_string(&manifest) {
        Ok(text) if text.starts_with(MANIFEST_HEADER) => text,
        _ => return Err(refuse(format!("has no {MANIFEST} manifest, so it is not a drsim output directory"))),
    };
    let listed: Vec<&str> = listed.lines().skip(1).collect();
    let mut foreign: Vec<String> =
        entry_names(target)?.into_iter().filter(|n| n != MANIFEST && !listed.contains(&n.as_str())).collect();
    foreign.sort();
    if let Some(first) = foreign.first() {
        let more = if foreign.len() > 1 { format!(" and {} other entries", foreign.len() - 1) } else { String::new() };
        return Err(refuse(format!("holds {first}{more} that drsim did not write")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh directory under the temporary one, removed when dropped.
    fn temp() -> tempfile::TempDir {
        tempfile::Builder::new().prefix("drsim-output-").tempdir().unwrap()
    }

    #[test]
    fn nothing_appears_until_commit_and_abandoned_staging_is_removed() {
        let root_a = temp();
        let target = root_a.path().join("out");
        {
            let s = Staging::begin(&target, false).unwrap();
            s.write("x.csv", b"a,b\n").unwrap();
            assert!(!target.exists());
        }
        assert!(!target.exists());
        let s = Staging::begin(&target, false).unwrap();
        s.write("x.csv", b"a,b\n").unwrap();
        s.commit().unwrap();
        assert_eq!(fs::read(target.join("x.csv")).unwrap(), b"a,b\n");
        let leftovers: Vec<_> = fs::read_dir(target.parent().unwrap()).unwrap().flatten().collect();
        assert_eq!(leftovers.len(), 1, "only the target remains");
    }

    #[test]
    fn existing_target_needs_force_and_is_replaced_whole() {
        let root_b = temp();
        let target = root_b.path().join("out");
        let s = Staging::begin(&target, false).unwrap();
        s.write("old.csv", b"old").unwrap();
        s.commit().unwrap();
        assert!(matches!(Staging::begin(&target, false), Err(OutputError::Exists { .. })));
        let s = Staging::begin(&target, true).unwrap();
        s.write("new.csv", b"new").unwrap();
        s.commit().unwrap();
        assert!(target.join("new.csv").exists());
        assert!(!target.join("old.csv").exists(), "no mix of old and new");
    }

    fn refused(target: &Path) -> String {
        match Staging::begin(target, true) {
            Err(e @ OutputError::NotReplaceable { .. }) => e.to_string(),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn force_never_replaces_what_drsim_did_not_write() {
        // A directory the user made: no manifest.
        let root_c = temp();
        let proj = root_c.path().join("proj");
        fs::create_dir_all(&proj).unwrap();
        fs::write(proj.join("m.toml"), "x").unwrap();
        assert!(refused(&proj).contains("no .drsim-output manifest"));
        assert!(proj.join("m.toml").exists());
        // A previous output with a file the user added afterwards.
        let root_d = temp();
        let out = root_d.path().join("out");
        let s = Staging::begin(&out, false).unwrap();
        s.write("a.csv", b"a").unwrap();
        s.commit().unwrap();
        fs::write(out.join("notes.txt"), "mine").unwrap();
        assert!(refused(&out).contains("holds notes.txt"));
        fs::remove_file(out.join("notes.txt")).unwrap();
        Staging::begin(&out, true).unwrap().commit().unwrap();
        assert!(!out.join("a.csv").exists());
        // A plain file.
        let root_e = temp();
        let file = root_e.path().join("f");
        fs::write(&file, "x").unwrap();
        assert!(refused(&file).contains("not a directory"));
    }

    #[test]
    fn manifest_lists_every_file_written() {
        let root_f = temp();
        let out = root_f.path().join("out");
        let s = Staging::begin(&out, false).unwrap();
        s.write("b.csv", b"b").unwrap();
        fs::write(s.dir().join("chart.png"), b"png").unwrap();
        s.commit().unwrap();
        let manifest = fs::read_to_string(out.join(MANIFEST)).unwrap();
        assert_eq!(manifest.lines().skip(1).collect::<Vec<_>>(), ["b.csv", "chart.png"]);
    }
}
