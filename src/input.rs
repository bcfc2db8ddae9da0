//! Reading the files a user hands drsim (the model, empirical CSVs, shard
//! parts, incident histories): regular files only, and never more than a
//! documented size, so `/dev/zero`, a FIFO nobody writes to or a runaway
//! file gets a clear error at once instead of a hang or an out-of-memory
//! abort. The checks come before the file is opened (opening a FIFO blocks).
//! Standard input (`drsim check -`) is read under the same size limit.

use std::fs::File;
use std::io::{IsTerminal, Read};
use std::path::Path;

/// The name messages give standard input when a model is read from it
/// (`drsim check -`): `<stdin>:12:5: targets.rto: ...`.
pub const STDIN_NAME: &str = "<stdin>";

/// The largest model file drsim reads: 16 MiB (the bundled models are under 10 KB).
pub const MODEL_LIMIT_BYTES: u64 = 16 << 20;
/// The largest data file drsim reads (an empirical CSV, an incident history,
/// a shard's part): 256 MiB.
pub const DATA_LIMIT_BYTES: u64 = 256 << 20;

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// A directory, device, FIFO or socket.
    #[error("not a regular file (it is a {kind})")]
    NotRegular {
        /// What it is instead.
        kind: &'static str,
    },
    /// Standard input is a terminal: nothing was piped in, and waiting for
    /// typed input would look like a hang.
    #[error("standard input is a terminal; pipe the file in, e.g. `drsim check - < model.toml`")]
    Terminal,
    /// Over the limit for its kind of file.
    #[error("larger than the {} MiB allowed", limit_bytes >> 20)]
    TooLarge {
        /// The limit, bytes.
        limit_bytes: u64,
    },
    /// The operating system refused (missing, permissions, not UTF-8 text, ...).
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// What a non-regular file is, for the message.
fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "FIFO";
        }
        if t.is_char_device() || t.is_block_device() {
            return "device";
        }
        if t.is_socket() {
            return "socket";
        }
    }
    if meta.is_dir() { "directory" } else { "special file" }
}

/// Opens `path` for reading at most `limit_bytes` (links followed).
///
/// # Errors
/// [`InputError::NotRegular`] before opening anything that is not a regular
/// file; [`InputError::TooLarge`] when its size is over the limit;
/// [`InputError::Io`] when it cannot be inspected or opened.
pub fn open(path: &Path, limit_bytes: u64) -> Result<impl Read, InputError> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(InputError::NotRegular { kind: kind_of(&meta) });
    }
    if meta.len() > limit_bytes {
        return Err(InputError::TooLarge { limit_bytes });
    }
    // A file that grows while it is read is cut at the limit and refused by `read`.
    Ok(File::open(path)?.take(limit_bytes + 1))
}

/// The bytes of `path`, as [`open`] allows.
///
/// # Errors
/// As [`open`]; [`InputError::TooLarge`] also when the file grew past the
/// limit while it was read.
pub fn read(path: &Path, limit_bytes: u64) -> Result<Vec<u8>, InputError> {
    read_bounded(open(path, limit_bytes)?, limit_bytes)
}

/// Every byte of `reader`, refusing more than `limit_bytes` (at most one
/// byte past the limit is read).
fn read_bounded(reader: impl Read, limit_bytes: u64) -> Result<Vec<u8>, InputError> {
    let mut bytes = Vec::new();
    reader.take(limit_bytes + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit_bytes {
        return Err(InputError::TooLarge { limit_bytes });
    }
    Ok(bytes)
}

/// `bytes` as UTF-8 text.
fn utf8(bytes: Vec<u8>) -> Result<String, InputError> {
    String::from_utf8(bytes)
        .map_err(|_| InputError::Io(std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text")))
}

/// The UTF-8 text of `path`, as [`read`] allows.
///
/// # Errors
/// As [`read`]; [`InputError::Io`] of kind `InvalidData` when it is not UTF-8.
pub fn read_text(path: &Path, limit_bytes: u64) -> Result<String, InputError> {
    utf8(read(path, limit_bytes)?)
}

/// The UTF-8 text of `reader` (standard input, for one), at most `limit_bytes`.
///
/// # Errors
/// [`InputError::TooLarge`] past the limit; [`InputError::Io`] when reading
/// fails or the text is not UTF-8.
pub fn read_text_from(reader: impl Read, limit_bytes: u64) -> Result<String, InputError> {
    utf8(read_bounded(reader, limit_bytes)?)
}

/// The UTF-8 text of standard input, at most `limit_bytes`, as
/// [`read_text_from`] reads it.
///
/// # Errors
/// [`InputError::Terminal`] when standard input is a terminal (nothing was
/// piped in); otherwise as [`read_text_from`].
pub fn read_stdin_text(limit_bytes: u64) -> Result<String, InputError> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Err(InputError::Terminal);
    }
    read_text_from(stdin.lock(), limit_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_are_read_and_others_refused_before_opening() {
        let dir = std::env::temp_dir().join(format!("drsim-input-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("m.toml");
        std::fs::write(&file, "x = 1\n").unwrap();
        assert_eq!(read_text(&file, 100).unwrap(), "x = 1\n");
        assert!(matches!(read(&file, 3), Err(InputError::TooLarge { limit_bytes: 3 })));
        assert!(matches!(read(&dir, 100), Err(InputError::NotRegular { kind: "directory" })));
        #[cfg(unix)]
        {
            assert!(matches!(read(Path::new("/dev/zero"), 100), Err(InputError::NotRegular { kind: "device" })));
            let fifo = dir.join("fifo");
            let made = std::process::Command::new("mkfifo").arg(&fifo).status();
            if made.is_ok_and(|s| s.success()) {
                // Would block forever if it were opened.
                assert!(matches!(read(&fifo, 100), Err(InputError::NotRegular { kind: "FIFO" })));
            }
        }
        assert_eq!(
            InputError::TooLarge { limit_bytes: MODEL_LIMIT_BYTES }.to_string(),
            "larger than the 16 MiB allowed"
        );
        assert_eq!(read_text_from(&b"x = 1\n"[..], 6).unwrap(), "x = 1\n");
        assert!(matches!(read_text_from(&b"x = 1\n"[..], 5), Err(InputError::TooLarge { limit_bytes: 5 })));
        std::fs::write(&file, [0xff, 0xfe]).unwrap();
        assert!(read_text(&file, 100).unwrap_err().to_string().contains("not UTF-8"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
