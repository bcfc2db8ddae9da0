//! Checks a model's `[uncertain]` table against the model itself, so that
//! `drsim check` and `drsim run` refuse what the outer loop would trip on:
//! an entry whose path names no value the model sets (a typo: the nearest
//! key the file sets there is suggested), or whose distribution reaches
//! values the key does not allow (a probability above 1, a negative rate, a
//! duration where a number belongs).
//!
//! The range is checked by writing the distribution's two ends into the
//! model at the path and validating it as the outer loop would
//! ([`param::model_with`]), so "what is allowed" is the model's own rule for
//! that key. The ends are the distribution's 1e-6 and 1 - 1e-6 quantiles:
//! values draws really reach (a lognormal's lower limit, 0, is never drawn,
//! so a positive key may take one).

use std::path::Path;

use super::param::{self, Assignment, ParamError};
use crate::model::{Duration, Model, ModelError, Problem, Unit, uncertain};

/// The share of draws beyond the ends checked, for unbounded distributions.
const TAIL: f64 = 1e-6;

/// The problems of the model's `[uncertain]` entries (empty when every one
/// names a value the model sets and stays in its range), each at the entry's
/// line and column in `text`, keyed `uncertain."PATH"`.
pub fn problems(text: &str, path: &Path, model: &Model) -> Vec<Problem> {
    entry_problems(text, path, model, true)
}

/// The problems of the `[uncertain]` entries whose path names no value the
/// model sets, as in [`problems`] but with the ranges left unchecked: what
/// the outer loop refuses before it draws (a draw out of range is reported
/// with the draw that reached it).
pub fn path_problems(text: &str, path: &Path, model: &Model) -> Vec<Problem> {
    entry_problems(text, path, model, false)
}

/// The entries' problems, their ranges checked when `ranges`.
fn entry_problems(text: &str, path: &Path, model: &Model, ranges: bool) -> Vec<Problem> {
    if model.uncertain.is_empty() {
        return Vec::new();
    }
    let Ok(mut doc) = param::parse_document(text, path) else { return Vec::new() };
    let mut out = Vec::new();
    for u in &model.uncertain {
        let message = match param::get(&mut doc, &u.path) {
            Err(ParamError::BadPath { why, .. }) => Some(format!("no such value in the model: {why}")),
            Err(e) => Some(e.to_string()),
            Ok(None) => Some(match param::keys_beside(&mut doc, &u.path) {
                Ok((keys, near)) => format!(
                    "the model sets no value at this path;{} allowed: a key the model sets there ({}); an uncertain input needs its point value written in the model too",
                    near.map_or(String::new(), |n| format!(" did you mean `{n}`?")),
                    keys.join(", ")
                ),
                Err(e) => e.to_string(),
            }),
            Ok(Some(_)) => ranges.then(|| out_of_range(text, path, u)).flatten(),
        };
        if let Some(message) = message {
            let (line, column) = uncertain::position(text, &u.path);
            out.push(Problem {
                path: path.to_path_buf(),
                line,
                column,
                key: format!("uncertain.\"{}\"", u.path),
                message,
            });
        }
    }
    out
}

/// [`problems`] as a result: `ModelError::Invalid` when there are any.
pub fn check(text: &str, path: &Path, model: &Model) -> Result<(), ModelError> {
    let problems = problems(text, path, model);
    if problems.is_empty() { Ok(()) } else { Err(ModelError::Invalid { problems }) }
}

/// The value as it reads: a duration in its units, a number as written.
fn shown(u: &uncertain::Uncertain, x: f64) -> String {
    match u.unit {
        Unit::Duration => Duration::from_secs(x).to_string(),
        Unit::Number => format!("{x}"),
    }
}

/// Why a draw at either end of the entry's distribution makes the model
/// invalid, if one does.
fn out_of_range(text: &str, path: &Path, u: &uncertain::Uncertain) -> Option<String> {
    let ends = [("lower", u.dist.quantile(TAIL)), ("upper", u.dist.quantile(1.0 - TAIL))];
    for (which, x) in ends {
        if !x.is_finite() {
            continue;
        }
        let set = [Assignment { path: u.path.clone(), value: u.write(x) }];
        let why = match param::model_with(text, path, &set) {
            Ok(_) => continue,
            Err(ParamError::Invalid { source: ModelError::Invalid { problems }, .. }) => problems
                .iter()
                .map(|p| if p.key.is_empty() { p.message.clone() } else { format!("{}: {}", p.key, p.message) })
                .collect::<Vec<_>>()
                .join("; "),
            Err(ParamError::BadValue { why, .. }) => why,
            Err(e) => e.to_string(),
        };
        return Some(format!(
            "draws reach {} (the {which} end of {}: one draw in a million goes further), a value this key does not take: {why}",
            shown(u, x),
            u.described
        ));
    }
    None
}
