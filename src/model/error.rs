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
#[derive(Clone, Debug, thiserror::Error)]
pub enum ModelError {
    /// The file could not be read.
    #[error("{}: cannot read the model file: {reason}", path.display())]
    Read {
        /// The path given.
        path: PathBuf,
        /// The operating system's reason.
        reason: String,
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
