//! Uncertain inputs: parameters whose value is not known exactly, each given
//! a distribution of plausible values for a two-level (outer) Monte Carlo.
//!
//! The model's `[uncertain]` table maps a parameter's path (as `drsim sweep`
//! addresses it, e.g. `failure.region.rate_per_year`) to either
//!
//! * a distribution in the model's syntax (`{ dist = "uniform", min = 0.01,
//!   max = 0.06 }`; durations as strings), or
//! * a rate with its 95% interval as `drsim fit` prints it
//!   (`{ estimate = 0.6, low = 0.27, high = 1.14 }`), read as the gamma
//!   distribution whose 2.5% and 97.5% quantiles are `low` and `high`. A gamma
//!   is the shape of the posterior of a Poisson rate: with `n` events in `T`
//!   years, the exact interval `drsim fit` prints is close to the quantiles of
//!   Gamma(n + 1/2, 1/T) (Jeffreys' prior), so matching the two ends recovers
//!   that posterior without knowing `n` and `T`.
//!
//! The value written at the path stays the model's point value: a run without
//! an outer loop ignores this table, so marking an input uncertain moves no
//! figure until the outer loop is asked for. The paths themselves are checked
//! against the model when the outer loop starts (`crate::whatif::outer`),
//! since addressing a parameter is what-if machinery.

use std::path::Path;

use serde::Deserialize;
use statrs::distribution::ContinuousCDF;

use super::dist::{Dist, DistSpec, RawValue, Unit};

/// Largest number of uncertain inputs a model may give.
pub const MAX_UNCERTAIN: usize = 64;

/// One uncertain input.
#[derive(Clone, Debug)]
pub struct Uncertain {
    /// The parameter's path, e.g. `failure.region.rate_per_year`.
    pub path: String,
    /// The distribution its value is drawn from, in base units (seconds for durations).
    pub dist: Dist,
    /// Whether the value is a duration (written back as `"…s"`) or a plain number.
    pub unit: Unit,
    /// How it was given, for reports: `gamma matching 95% interval 0.27 to 1.14 (estimate 0.6)`.
    pub described: String,
}

impl Uncertain {
    /// The value drawn for one outer draw as model text: a duration string
    /// in seconds (`"5400s"`) or a number, in full precision.
    pub fn write(&self, x: f64) -> String {
        match self.unit {
            Unit::Duration => format!("\"{x:?}s\""),
            Unit::Number => format!("{x:?}"),
        }
    }
}

/// Where `[uncertain]`'s entry for `path` is written in `text`: 1-based
/// line and column (1:1 if it cannot be found), for messages that name it.
pub fn position(text: &str, path: &str) -> (usize, usize) {
    let at = super::span::KeyPath::root().key("uncertain").key(path);
    toml_edit::Document::parse(text)
        .ok()
        .and_then(|d| at.locate(&d))
        .map_or((1, 1), |r| super::span::line_column(text, r.start))
}

/// A rate with its 95% interval, as `drsim fit` prints it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Interval {
    estimate: f64,
    low: f64,
    high: f64,
}

const SHAPE_RANGE: (f64, f64) = (1e-2, 1e7);

/// The gamma distribution (shape, scale) whose 2.5% and 97.5% quantiles are
/// `low` and `high`: the shape solves q(0.975)/q(0.025) = high/low (the ratio
/// falls as the shape grows), the scale then places both ends.
pub fn gamma_matching(low: f64, high: f64) -> Result<(f64, f64), String> {
    let quantiles = |k: f64| match statrs::distribution::Gamma::new(k, 1.0) {
        Ok(g) => (g.inverse_cdf(0.025), g.inverse_cdf(0.975)),
        Err(_) => (f64::NAN, f64::NAN),
    };
    let ratio = |k: f64| {
        let (a, b) = quantiles(k);
        (b / a).ln()
    };
    let target = (high / low).ln();
    let (mut lo, mut hi) = (SHAPE_RANGE.0.ln(), SHAPE_RANGE.1.ln());
    if ratio(lo.exp()).partial_cmp(&target) != Some(std::cmp::Ordering::Greater) {
        return Err(format!(
            "the interval {low} to {high} is too wide for a gamma distribution (high/low at most 1e30)"
        ));
    }
    if ratio(hi.exp()).partial_cmp(&target) != Some(std::cmp::Ordering::Less) {
        return Err(format!("the interval {low} to {high} is too narrow (high/low at least 1.003)"));
    }
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if ratio(mid.exp()) > target { lo = mid } else { hi = mid }
    }
    let shape = (0.5 * (lo + hi)).exp();
    let (a, b) = quantiles(shape);
    let scale = ((low * high) / (a * b)).sqrt();
    Ok((shape, scale))
}

/// Reads one entry of `[uncertain]`; the error says what is wrong and what is allowed.
pub(super) fn entry(path: &str, value: &toml::Value, base_dir: &Path) -> Result<Uncertain, (Option<String>, String)> {
    const ALLOWED: &str = "allowed: a rate with its 95% interval { estimate = E, low = L, high = H } (as `drsim fit` prints it), or a distribution { dist = \"...\", ... } (see docs/model-reference.md)";
    let Some(table) = value.as_table() else {
        return Err((None, format!("expected a table, found {}; {ALLOWED}", value.type_str())));
    };
    if path.split('.').any(|s| s.trim().is_empty()) {
        return Err((None, format!("`{path}` is not a parameter path; write e.g. \"failure.region.rate_per_year\"")));
    }
    if table.contains_key("estimate") {
        let i: Interval = value
            .clone()
            .try_into()
            .map_err(|e: toml::de::Error| (None, format!("{}; {ALLOWED}", e.message().trim())))?;
        for (key, x) in [("estimate", i.estimate), ("low", i.low), ("high", i.high)] {
            if !(x.is_finite() && x > 0.0 && x <= super::limits::MAX_NUMBER) {
                return Err((Some(key.into()), format!("{x} must be a positive number")));
            }
        }
        if !(i.low < i.estimate && i.estimate < i.high) {
            return Err((
                Some("estimate".into()),
                format!("low ({}) < estimate ({}) < high ({}) must hold", i.low, i.estimate, i.high),
            ));
        }
        let (shape, scale) = gamma_matching(i.low, i.high).map_err(|m| (Some("low".into()), m))?;
        let spec = DistSpec::Gamma { shape, scale: RawValue::Number(scale) };
        let dist = Dist::compile(&spec, Unit::Number, base_dir).map_err(|e| (e.key, e.message))?;
        let described = format!(
            "gamma(shape {shape:.3}, scale {scale:.4}) matching the 95% interval {} to {} (estimate {})",
            i.low, i.high, i.estimate
        );
        return Ok(Uncertain { path: path.to_string(), dist, unit: Unit::Number, described });
    }
    if !table.contains_key("dist") {
        return Err((None, format!("neither `estimate` nor `dist` given; {ALLOWED}")));
    }
    let spec: DistSpec =
        value.clone().try_into().map_err(|e: toml::de::Error| (None, e.message().trim().to_string()))?;
    let is_duration =
        table.iter().any(|(k, v)| !["dist", "file", "column", "unit"].contains(&k.as_str()) && v.is_str());
    let unit = if is_duration { Unit::Duration } else { Unit::Number };
    let dist = Dist::compile(&spec, unit, base_dir).map_err(|e| (e.key, e.message))?;
    let described = dist.describe(unit);
    Ok(Uncertain { path: path.to_string(), dist, unit, described })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gamma_matches_both_ends_of_the_interval() {
        let (k, theta) = gamma_matching(0.27, 1.14).unwrap();
        let g = statrs::distribution::Gamma::new(k, 1.0 / theta).unwrap();
        assert!((g.inverse_cdf(0.025) - 0.27).abs() < 1e-6, "{k} {theta}");
        assert!((g.inverse_cdf(0.975) - 1.14).abs() < 1e-6, "{k} {theta}");
        // 9 region events in 15 years give this interval (Jeffreys' posterior Gamma(9.5, 1/15));
        // the exact interval is wider than that posterior's, so the matching gamma is a little wider.
        assert!((k - 7.885).abs() < 0.01, "shape {k}");
        assert!((k * theta - 0.6).abs() < 0.06, "mean {}", k * theta);
    }

    #[test]
    fn too_narrow_or_wide_intervals_are_refused() {
        assert!(gamma_matching(1.0, 1.000_001).unwrap_err().contains("too narrow"));
        assert!(gamma_matching(1e-200, 1e200).unwrap_err().contains("too wide"));
    }
}
