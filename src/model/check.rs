//! The validator's interface for the modules that check parts of a model
//! (`costs`, `posture`, `profile`): report a problem at a key, or read a
//! required distribution. Its own file so that those modules and the
//! validator that implements it do not import each other.

use super::dist::{Dist, DistSpec};
use super::span::KeyPath;
use super::{Probability, Unit};

/// Reports problems and reads distributions while a model is validated.
pub(super) trait Check {
    /// Records a problem at key `at`.
    fn problem(&mut self, at: KeyPath, message: String);
    /// The distribution at `at`, validated for `unit`; `None` (and a problem) if missing or invalid.
    fn required_dist(&mut self, at: KeyPath, spec: Option<&DistSpec>, unit: Unit, what: &str) -> Option<Dist>;
}

/// The distribution at `at` when the model gives one: `Some(None)` when it
/// gives none, `None` (and a problem) when the one given is invalid.
pub(super) fn optional_dist(
    v: &mut impl Check,
    at: KeyPath,
    spec: Option<&DistSpec>,
    unit: Unit,
    what: &str,
) -> Option<Option<Dist>> {
    match spec {
        None => Some(None),
        Some(spec) => v.required_dist(at, Some(spec), unit, what).map(Some),
    }
}

/// The probability at `at`, `default` when the model gives none; `None`
/// (and a problem) when it is not a number from 0 to 1.
pub(super) fn probability(v: &mut impl Check, at: KeyPath, value: Option<f64>, default: f64) -> Option<Probability> {
    let value = value.unwrap_or(default);
    let p = Probability::new(value);
    if p.is_none() {
        v.problem(at, format!("{value} is not a probability; allowed: a number from 0 to 1"));
    }
    p
}
