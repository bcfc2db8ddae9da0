//! The validator's interface for the modules that check parts of a model
//! (`costs`, `posture`, `profile`): report a problem at a key, or read a
//! required distribution. Its own file so that those modules and the
//! validator that implements it do not import each other.

use super::Unit;
use super::dist::{Dist, DistSpec};
use super::span::KeyPath;

/// Reports problems and reads distributions while a model is validated.
pub(super) trait Check {
    /// Records a problem at key `at`.
    fn problem(&mut self, at: KeyPath, message: String);
    /// The distribution at `at`, validated for `unit`; `None` (and a problem) if missing or invalid.
    fn required_dist(&mut self, at: KeyPath, spec: Option<&DistSpec>, unit: Unit, what: &str) -> Option<Dist>;
}
