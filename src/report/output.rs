//! Writing result directories safely: all or nothing.
//!
//! Files are written into a hidden staging directory beside the target
//! (`.NAME.partial-PID`), which is renamed into place only when every file is
//! complete. A crash, Ctrl-C or kill at any moment leaves either the previous
//! results or none under the target name, never a mix; a killed run leaves
//! at most the staging directory, which the next run removes. An existing
//! target is replaced only with `force`.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why results could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The target exists and `--force` was not given.
    #[error("{}: already exists; pass --force to replace it", path.display())]
    Exists {
        /// The target directory.
        path: PathBuf,
    },
    /// A file system operation failed (permissions, full disk, ...).
    #[error("{}: {action}: {reason}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What was being done.
        action: &'static str,
        /// The operating system's reason.
        reason: String,
    },
}

fn io<'a>(path: &'a Path, action: &'static str) -> impl FnOnce(std::io::Error) -> OutputError + 'a {
    move |e| OutputError::Io { path: path.to_path_buf(), action, reason: e.to_string() }
}

/// A directory of results being written.
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    staging: PathBuf,
    force: bool,
    committed: bool,
}

impl Staging {
    /// Starts writing results for `target`. Fails at once if `target` exists
    /// and `force` is false, before any simulation time is spent.
    pub fn begin(target: &Path, force: bool) -> Result<Staging, OutputError> {
        if target.exists() && !force {
            return Err(OutputError::Exists { path: target.to_path_buf() });
        }
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target.file_name().map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
        fs::create_dir_all(&parent).map_err(io(&parent, "cannot create the parent directory"))?;
        // Leftovers of killed runs for the same target are removed first.
        if let Ok(entries) = fs::read_dir(&parent) {
            let prefix = format!(".{name}.partial-");
            for entry in entries.flatten() {
                if entry.file_name().to_string_lossy().starts_with(&prefix) {
                    let _ = fs::remove_dir_all(entry.path());
                }
            }
        }
        let staging = parent.join(format!(".{name}.partial-{}", std::process::id()));
        fs::create_dir_all(&staging).map_err(io(&staging, "cannot create the staging directory"))?;
        Ok(Staging { target: target.to_path_buf(), staging, force, committed: false })
    }

    /// The directory to write into until [`Staging::commit`].
    pub fn dir(&self) -> &Path {
        &self.staging
    }

    /// The final directory.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Writes one file completely (flushed and synced) into the staging directory.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<PathBuf, OutputError> {
        let path = self.staging.join(name);
        let mut file = fs::File::create(&path).map_err(io(&path, "cannot create"))?;
        file.write_all(bytes).map_err(io(&path, "cannot write"))?;
        file.sync_all().map_err(io(&path, "cannot flush to disk"))?;
        Ok(path)
    }

    /// Moves the finished directory into place, replacing the old one (with `force`).
    pub fn commit(mut self) -> Result<PathBuf, OutputError> {
        let old = self.staging.with_file_name(
            self.staging
                .file_name()
                .map_or_else(|| "old".into(), |n| n.to_string_lossy().replace(".partial-", ".old-")),
        );
        let replacing = self.target.exists();
        if replacing {
            if !self.force {
                return Err(OutputError::Exists { path: self.target.clone() });
            }
            fs::rename(&self.target, &old).map_err(io(&self.target, "cannot move the old results aside"))?;
        }
        fs::rename(&self.staging, &self.target).map_err(io(&self.target, "cannot move the new results into place"))?;
        self.committed = true;
        if replacing {
            let _ = fs::remove_dir_all(&old);
        }
        Ok(self.target.clone())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("drsim-output-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn nothing_appears_until_commit_and_abandoned_staging_is_removed() {
        let target = temp("a").join("out");
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
        let target = temp("b").join("out");
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
}
