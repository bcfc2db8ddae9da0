//! What `drsim sweep --find` says: a line per value tried while it bisects
//! (on standard error, as progress) and the threshold it found, or why there
//! is none inside the range.

use std::fmt::Write as _;

use super::{Report, ReportError};
use crate::whatif::sweep::{Direction, Evaluation, Found};

/// The result of a `--find` search, printed on standard output.
#[derive(Clone, Copy, Debug, Default)]
pub struct FoundText;

impl Report<Found> for FoundText {
    fn render(&self, f: &Found) -> Result<String, ReportError> {
        let mut out = String::new();
        match (f.direction, &f.value) {
            (Some(d), Some(v)) => {
                let what = match d {
                    Direction::Largest => "Largest",
                    Direction::Smallest => "Smallest",
                };
                let _ = writeln!(
                    out,
                    "{what} {} at which {} still meets the targets: {v} (the next value tried, {}, misses; resolution {}).",
                    f.path,
                    f.strategy,
                    f.failing.as_deref().unwrap_or("-"),
                    f.resolution
                );
            }
            _ => {
                let both = f.evaluations.iter().take(2).all(|e| e.point.meets_targets);
                let _ = writeln!(
                    out,
                    "{} {} at both ends of the range: no threshold inside it; widen the range.",
                    f.strategy,
                    if both { "meets the targets" } else { "misses the targets" }
                );
            }
        }
        Ok(out)
    }
}

/// One value tried by the search, as a progress line (no newline): the
/// parameter path, the value and whether the strategy met the targets there.
pub fn evaluation_line(path: &str, e: &Evaluation) -> String {
    format!("  {path} = {:<12} {}", e.value, if e.point.meets_targets { "meets the targets" } else { "misses" })
}
