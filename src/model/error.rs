//! Errors from reading and validating a model file.

use std::fmt;
use std::path::PathBuf;

/// One thing wrong with a model, located in its file.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// The model file.
    pub path: PathBuf,
    /// 1-based line, when known.
    pub line: usize,
    /// 1-based column, when known.
    pub column: usize,
    /// The key the problem is about, e.g. `strategy[1].replication_lag.p95`.
    pub key: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.path.display(), self.line, self.column)?;
        if !self.key.is_empty() {
            write!(f, "{}: ", self.key)?;
        }
        f.write_str(&self.message)
    }
}

/// Why a model could not be loaded.
///
/// Not `Clone`: a read failure keeps the [`std::io::Error`] itself as its
/// source, so callers can inspect it (e.g. its kind).
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The file could not be read; the I/O error is the source.
    #[error("{}: cannot read the model file", path.display())]
    Read {
        /// The path given.
        path: PathBuf,
        /// Why: not a regular file, over the size limit, or the operating system's error.
        #[source]
        source: crate::input::InputError,
    },
    /// The file was read but is not a valid model; every problem found is listed.
    #[error("{}", render(problems))]
    Invalid {
        /// Each problem with its position.
        problems: Vec<Problem>,
    },
}

fn render(problems: &[Problem]) -> String {
    let lines: Vec<String> = problems.iter().map(Problem::to_string).collect();
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;
    use std::path::Path;

    use super::ModelError;
    use crate::model::Model;

    #[test]
    fn a_read_failure_keeps_the_io_error_as_its_source() {
        let err = Model::load(Path::new("/nonexistent/drsim/model.toml")).unwrap_err();
        assert!(matches!(err, ModelError::Read { .. }), "{err}");
        assert_eq!(err.to_string(), "/nonexistent/drsim/model.toml: cannot read the model file");
        let source = err.source().expect("the I/O error is kept");
        let input = source.downcast_ref::<crate::input::InputError>().expect("an InputError");
        assert!(matches!(input, crate::input::InputError::Io(e) if e.kind() == std::io::ErrorKind::NotFound));
        // The chain, as the binary prints it, reads as the message used to.
        let shown = format!("{:#}", anyhow::Error::from(err));
        assert!(shown.starts_with("/nonexistent/drsim/model.toml: cannot read the model file: "), "{shown}");
        assert!(shown.ends_with("(os error 2)"), "{shown}");
    }
}
