//! Probability distributions of uncertain model parameters: the spec as written in the model file
//! ([`DistSpec`]), its validation, and the compiled, ready-to-sample form ([`Dist`]).

use std::path::Path;

use rand::{Rng, RngExt};
use rand_distr::Distribution;
use serde::{Deserialize, Serialize};
use statrs::distribution::ContinuousCDF;

use crate::model::duration::Duration;

/// Standard normal 0.95 quantile: ln(p95 / median) = 1.6448536… × sigma for a lognormal.
const Z95: f64 = 1.644_853_626_951_472_2;

/// The quantity a distribution is over; decides how values are written in the model: durations
/// as strings with a unit ("4h"), sampled in seconds; plain numbers (GB/h, fractions) as numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A span of time; values are duration strings and samples are seconds.
    Duration,
    /// A plain number in whatever unit the parameter documents (e.g. GB/h).
    Number,
}

/// A value as written in a model file: a duration string or a number. Which one is allowed depends
/// on the [`Unit`] of the parameter and is checked by [`Dist::compile`].
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum RawValue {
    /// A TOML number (integer or float).
    Number(f64),
    /// A TOML string, e.g. "4h".
    Text(String),
}

/// Reads a number or a string; anything else is refused with what a value
/// may be (serde's untagged derive would only say no variant matched).
impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<RawValue, D::Error> {
        struct Visitor;

        impl serde::de::Visitor<'_> for Visitor {
            type Value = RawValue;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a number or a duration string like \"30s\"")
            }

            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<RawValue, E> {
                Ok(RawValue::Number(v))
            }

            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<RawValue, E> {
                Ok(RawValue::Number(v as f64))
            }

            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<RawValue, E> {
                Ok(RawValue::Number(v as f64))
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawValue, E> {
                Ok(RawValue::Text(v.to_string()))
            }
        }

        deserializer.deserialize_any(Visitor)
    }
}

/// Writes a duration as its lossless humane string, as a model file would.
impl From<Duration> for RawValue {
    fn from(d: Duration) -> RawValue {
        RawValue::Text(format!("{d:#}"))
    }
}

/// Writes a plain number.
impl From<f64> for RawValue {
    fn from(v: f64) -> RawValue {
        RawValue::Number(v)
    }
}

/// A distribution exactly as written in the model file, before validation: a table whose `dist`
/// key names the family and whose other keys are that family's parameters. Unknown keys are
/// rejected when deserializing, so a typo like `p59` is an error rather than silently ignored.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
pub enum DistSpec {
    /// Always `value`: `{ dist = "fixed", value = "30s" }`.
    Fixed {
        /// The one value.
        value: RawValue,
    },
    /// Memoryless waiting time: `{ dist = "exponential", mean = "4h" }`.
    Exponential {
        /// The mean, > 0.
        mean: RawValue,
    },
    /// Right-skewed, positive: either `median` + `p95` or `mu` + `sigma` (of ln x, x in seconds
    /// for durations).
    Lognormal {
        /// The median (50th percentile), > 0.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        median: Option<RawValue>,
        /// The 95th percentile, > median.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        p95: Option<RawValue>,
        /// Mean of ln x, x in base units (seconds for durations).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mu: Option<f64>,
        /// Standard deviation of ln x, > 0.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sigma: Option<f64>,
    },
    /// `{ dist = "weibull", shape = 0.8, scale = "5h" }`; shape < 1 gives a decreasing hazard.
    Weibull {
        /// Shape k, > 0 (unitless).
        shape: f64,
        /// Scale lambda, > 0.
        scale: RawValue,
    },
    /// `{ dist = "gamma", shape = 2.0, scale = "1h" }`; mean = shape × scale.
    Gamma {
        /// Shape k, > 0 (unitless).
        shape: f64,
        /// Scale theta, > 0.
        scale: RawValue,
    },
    /// Every value in `[min, max)` equally likely.
    Uniform {
        /// Lower bound.
        min: RawValue,
        /// Upper bound, >= min.
        max: RawValue,
    },
    /// Beta-PERT (lambda = 4) from a three-point estimate; mean = (min + 4 mode + max) / 6.
    Pert {
        /// Optimistic value.
        min: RawValue,
        /// Most likely value, in [min, max].
        mode: RawValue,
        /// Pessimistic value.
        max: RawValue,
    },
    /// Bootstrap: resamples the observed values uniformly, with replacement, either listed in
    /// `values` or read from one column of a CSV `file` (with a header row). For durations, `unit`
    /// says what unit the file's plain numbers are in; without it each cell must be a duration
    /// string like "3h".
    Empirical {
        /// The observations, written inline.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        values: Option<Vec<RawValue>>,
        /// CSV file path, relative to the model file's directory.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        file: Option<String>,
        /// Header name of the column to use; required when the file has several columns.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        column: Option<String>,
        /// Unit of the file's numbers for durations (ms, s, m, h, d, w, y).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<String>,
    },
}

impl DistSpec {
    /// A fixed (degenerate) distribution: always `v`.
    pub fn fixed(v: RawValue) -> Self {
        DistSpec::Fixed { value: v }
    }
}

/// Why a distribution is invalid; `key` names the offending sub-key (e.g. "p95") so the caller can
/// point at its line, or is `None` when the table as a whole is wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct DistError {
    /// The offending key inside the distribution table, if one is to blame.
    pub key: Option<String>,
    /// What is wrong and what is allowed, with the values quoted in their units.
    pub message: String,
}

/// Shorthand for an error blamed on `key`.
fn err(key: &str, message: String) -> DistError {
    DistError { key: Some(key.to_string()), message }
}

/// A validated, ready-to-sample distribution over base units (seconds for durations). Parameters
/// are precomputed once by [`Dist::compile`], so sampling allocates nothing.
#[derive(Clone, Debug)]
pub struct Dist {
    kind: Family,
}

/// The families, each with its parameters (base units) and its sampler.
#[derive(Clone, Debug)]
enum Family {
    Fixed(f64),
    Exponential { mean: f64, sampler: rand_distr::Exp<f64> },
    Lognormal { mu: f64, sigma: f64, by_median: bool, sampler: rand_distr::LogNormal<f64> },
    Weibull { shape: f64, scale: f64, sampler: rand_distr::Weibull<f64> },
    Gamma { shape: f64, scale: f64, sampler: rand_distr::Gamma<f64> },
    Uniform { min: f64, max: f64, sampler: rand_distr::Uniform<f64> },
    Pert { min: f64, mode: f64, max: f64, sampler: beta::BetaTable },
    Empirical { sorted: Vec<f64>, file: Option<String> },
}

/// Maps a sampler-construction failure (which validation should have prevented) to a DistError.
fn internal<E: std::fmt::Display>(e: E) -> DistError {
    DistError { key: None, message: format!("invalid distribution parameters: {e}") }
}

impl Family {
    fn exponential(mean: f64) -> Result<Family, DistError> {
        let sampler = rand_distr::Exp::new(1.0 / mean).map_err(internal)?;
        Ok(Family::Exponential { mean, sampler })
    }
    fn lognormal(mu: f64, sigma: f64, by_median: bool) -> Result<Family, DistError> {
        let sampler = rand_distr::LogNormal::new(mu, sigma).map_err(internal)?;
        Ok(Family::Lognormal { mu, sigma, by_median, sampler })
    }
    fn weibull(shape: f64, scale: f64) -> Result<Family, DistError> {
        let sampler = rand_distr::Weibull::new(scale, shape).map_err(internal)?;
        Ok(Family::Weibull { shape, scale, sampler })
    }
    fn gamma(shape: f64, scale: f64) -> Result<Family, DistError> {
        let sampler = rand_distr::Gamma::new(shape, scale).map_err(internal)?;
        Ok(Family::Gamma { shape, scale, sampler })
    }
    fn uniform(min: f64, max: f64) -> Result<Family, DistError> {
        if min == max {
            return Ok(Family::Fixed(min));
        }
        let sampler = rand_distr::Uniform::new(min, max).map_err(internal)?;
        Ok(Family::Uniform { min, max, sampler })
    }
    fn pert(min: f64, mode: f64, max: f64) -> Result<Family, DistError> {
        if min == max {
            return Ok(Family::Fixed(min));
        }
        let (a, b) = pert_shape(min, mode, max);
        let sampler = beta::BetaTable::new(a, b)
            .ok_or_else(|| internal(format_args!("PERT needs min <= mode <= max, got {min}, {mode}, {max}")))?;
        Ok(Family::Pert { min, mode, max, sampler })
    }
}

/// The Beta shape parameters (alpha, beta) of a Beta-PERT with lambda 4: X = min + (max - min) B,
/// B ~ Beta(1 + 4 (mode - min) / range, 1 + 4 (max - mode) / range); both are >= 1.
fn pert_shape(min: f64, mode: f64, max: f64) -> (f64, f64) {
    let range = max - min;
    (1.0 + 4.0 * (mode - min) / range, 1.0 + 4.0 * (max - mode) / range)
}

/// A value in base units, quoted losslessly for error messages ("1h 30m", "2.5").
fn exact(v: f64, unit: Unit) -> String {
    match unit {
        Unit::Duration => format!("{:#}", Duration::from_secs(v.max(0.0))),
        Unit::Number => format!("{v}"),
    }
}

/// A value in base units, rounded for humane descriptions ("3h", "0.333333").
fn short(v: f64, unit: Unit) -> String {
    match unit {
        Unit::Duration if v.is_finite() => Duration::from_secs(v.max(0.0)).to_string(),
        Unit::Number if v != 0.0 && v.is_finite() => {
            let decimals = (5 - v.abs().log10().floor() as i64).clamp(0, 12) as usize;
            let text = format!("{v:.decimals$}");
            match text.contains('.') {
                true => text.trim_end_matches('0').trim_end_matches('.').to_string(),
                false => text,
            }
        }
        _ => format!("{v}"),
    }
}

impl Dist {
    /// Validates `spec` for a parameter of the given `unit` and precomputes its sampler.
    /// `base_dir` resolves relative `file` paths of empirical distributions (normally the model
    /// file's directory). Errors say what is wrong, what is allowed, and name the offending key.
    pub fn compile(spec: &DistSpec, unit: Unit, base_dir: &Path) -> Result<Dist, DistError> {
        let dist = validate::compile(spec, unit, base_dir).map(|kind| Dist { kind })?;
        validate::check_tail(&dist, unit)?;
        Ok(dist)
    }

    /// A distribution that always yields `value` (base units; must be finite and >= 0, checked by
    /// `debug_assert!`, negatives and NaN become 0 in release).
    pub fn fixed(value: f64) -> Dist {
        debug_assert!(value.is_finite() && value >= 0.0, "invalid fixed value {value}");
        Dist { kind: Family::Fixed(if value >= 0.0 { value } else { 0.0 }) }
    }

    /// One draw in base units (seconds for durations). Finite and >= 0 for valid specs: any
    /// negative or NaN result of floating-point rounding is clamped to 0. A fixed distribution
    /// returns its value without consuming randomness; every other family consumes the stream in
    /// the same way for the same parameters, so runs are reproducible from a seed.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let x = match &self.kind {
            Family::Fixed(v) => return *v,
            Family::Exponential { sampler, .. } => sampler.sample(rng),
            Family::Lognormal { sampler, .. } => sampler.sample(rng),
            Family::Weibull { sampler, .. } => sampler.sample(rng),
            Family::Gamma { sampler, .. } => sampler.sample(rng),
            Family::Uniform { sampler, .. } => sampler.sample(rng),
            Family::Pert { min, max, sampler, .. } => sampler.sample(rng) * (max - min) + min,
            Family::Empirical { sorted, .. } => sorted[rng.random_range(0..sorted.len())],
        };
        x.max(0.0)
    }

    /// One draw as a [`Duration`], for distributions compiled with [`Unit::Duration`].
    pub fn sample_duration<R: Rng + ?Sized>(&self, rng: &mut R) -> Duration {
        Duration::from_secs(self.sample(rng).min(f64::MAX))
    }

    /// The analytic mean in base units (empirical: the average of the observations).
    pub fn mean(&self) -> f64 {
        match &self.kind {
            Family::Fixed(v) => *v,
            Family::Exponential { mean, .. } => *mean,
            Family::Lognormal { mu, sigma, .. } => (mu + sigma * sigma / 2.0).exp(),
            Family::Weibull { shape, scale, .. } => scale * statrs::function::gamma::gamma(1.0 + 1.0 / shape),
            Family::Gamma { shape, scale, .. } => shape * scale,
            Family::Uniform { min, max, .. } => (min + max) / 2.0,
            Family::Pert { min, mode, max, .. } => (min + 4.0 * mode + max) / 6.0,
            Family::Empirical { sorted, .. } => sorted.iter().sum::<f64>() / sorted.len() as f64,
        }
    }

    /// The value below which a fraction `p` of draws fall (inverse CDF), in base units. `p` is
    /// clamped to [0, 1]; `quantile(1.0)` is +infinity for unbounded families. Closed forms where
    /// they exist; statrs' numeric inverses for gamma and PERT (Beta); empirical uses the
    /// nearest-rank method (the smallest observation with at least `p` of the data at or below it).
    pub fn quantile(&self, p: f64) -> f64 {
        debug_assert!((0.0..=1.0).contains(&p), "quantile probability {p} outside [0, 1]");
        let p = if p >= 0.0 { p.min(1.0) } else { 0.0 };
        match &self.kind {
            Family::Fixed(v) => *v,
            Family::Exponential { mean, .. } => -mean * (-p).ln_1p(),
            Family::Lognormal { mu, sigma, .. } => match statrs::distribution::LogNormal::new(*mu, *sigma) {
                Ok(d) => d.inverse_cdf(p),
                Err(_) => f64::NAN,
            },
            Family::Weibull { shape, scale, .. } => scale * (-(-p).ln_1p()).powf(1.0 / shape),
            Family::Gamma { shape, scale, .. } => match statrs::distribution::Gamma::new(*shape, 1.0 / scale) {
                Ok(d) => d.inverse_cdf(p),
                Err(_) => f64::NAN,
            },
            Family::Uniform { min, max, .. } => min + p * (max - min),
            Family::Pert { min, mode, max, .. } => {
                let (a, b) = pert_shape(*min, *mode, *max);
                match statrs::distribution::Beta::new(a, b) {
                    Ok(d) => min + (max - min) * d.inverse_cdf(p),
                    Err(_) => f64::NAN,
                }
            }
            Family::Empirical { sorted, .. } => {
                let rank = (p * sorted.len() as f64).ceil() as usize;
                sorted[rank.clamp(1, sorted.len()) - 1]
            }
        }
    }

    /// `P(X <= x)`, the cumulative distribution function at `x` (base units), in [0, 1]. Closed
    /// forms where they exist, statrs for the lognormal, gamma and PERT (Beta); empirical: the
    /// share of observations at or below `x`, so that it matches [`Self::quantile`]'s nearest rank.
    pub fn cdf(&self, x: f64) -> f64 {
        if x.is_nan() {
            return 0.0;
        }
        let p = match &self.kind {
            Family::Fixed(v) => f64::from(u8::from(x >= *v)),
            Family::Exponential { mean, .. } => -(-x.max(0.0) / mean).exp_m1(),
            Family::Lognormal { mu, sigma, .. } => {
                statrs::distribution::LogNormal::new(*mu, *sigma).map_or(f64::NAN, |d| d.cdf(x.max(0.0)))
            }
            Family::Weibull { shape, scale, .. } => -(-(x.max(0.0) / scale).powf(*shape)).exp_m1(),
            Family::Gamma { shape, scale, .. } => {
                statrs::distribution::Gamma::new(*shape, 1.0 / scale).map_or(f64::NAN, |d| d.cdf(x.max(0.0)))
            }
            Family::Uniform { min, max, .. } => (x - min) / (max - min),
            Family::Pert { min, mode, max, .. } => {
                let (a, b) = pert_shape(*min, *mode, *max);
                let at = ((x - min) / (max - min)).clamp(0.0, 1.0);
                statrs::distribution::Beta::new(a, b).map_or(f64::NAN, |d| d.cdf(at))
            }
            Family::Empirical { sorted, .. } => sorted.partition_point(|&v| v <= x) as f64 / sorted.len() as f64,
        };
        if p.is_nan() { 0.0 } else { p.clamp(0.0, 1.0) }
    }

    /// One draw of `X` given `X > threshold` (`above`) or given `X <= threshold`, in base units,
    /// by inversion: `quantile(u)` with `u` uniform over the condition's share of probability
    /// (`cdf_at` is [`Self::cdf`] of `threshold`, computed once by the caller). A value that
    /// rounding puts on the wrong side of the threshold, or at +infinity, is drawn again, so the
    /// law is the exact conditional one. The caller must make sure the condition has positive
    /// probability (`cdf_at < 1` for `above`, `> 0` otherwise); if it has none, the threshold
    /// itself is returned after 64 draws rather than looping forever.
    pub fn sample_given<R: Rng + ?Sized>(&self, threshold: f64, cdf_at: f64, above: bool, rng: &mut R) -> f64 {
        let (low, high) = if above { (cdf_at, 1.0) } else { (0.0, cdf_at) };
        for _ in 0..64 {
            let u: f64 = rng.random();
            let x = self.quantile(low + (high - low) * u);
            if x.is_finite() && x >= 0.0 && (x > threshold) == above {
                return x;
            }
        }
        threshold
    }

    /// `Some(value)` if every draw is the same value (fixed, or a uniform/PERT with min == max).
    pub fn is_fixed(&self) -> Option<f64> {
        match self.kind {
            Family::Fixed(v) => Some(v),
            _ => None,
        }
    }

    /// The same distribution with every value multiplied by `factor` (finite and >= 0, checked by
    /// `debug_assert!`; negatives become 0), e.g. 1.2 for a +20% sensitivity run. A factor of 0
    /// gives fixed 0. Should the scaled parameters overflow f64, the result is fixed at the
    /// scaled mean.
    pub fn scaled(&self, factor: f64) -> Dist {
        debug_assert!(factor.is_finite() && factor >= 0.0, "invalid scale factor {factor}");
        if factor.is_nan() || factor <= 0.0 {
            return Dist::fixed(0.0);
        }
        let f = factor;
        let kind = match &self.kind {
            Family::Fixed(v) => Ok(Family::Fixed(v * f)),
            Family::Exponential { mean, .. } => Family::exponential(mean * f),
            Family::Lognormal { mu, sigma, by_median, .. } => Family::lognormal(mu + f.ln(), *sigma, *by_median),
            Family::Weibull { shape, scale, .. } => Family::weibull(*shape, scale * f),
            Family::Gamma { shape, scale, .. } => Family::gamma(*shape, scale * f),
            Family::Uniform { min, max, .. } => Family::uniform(min * f, max * f),
            Family::Pert { min, mode, max, .. } => Family::pert(min * f, mode * f, max * f),
            Family::Empirical { sorted, file } => {
                Ok(Family::Empirical { sorted: sorted.iter().map(|v| v * f).collect(), file: file.clone() })
            }
        };
        let fallback = || Family::Fixed((self.mean() * f).min(f64::MAX));
        Dist { kind: kind.unwrap_or_else(|_| fallback()) }
    }

    /// Short humane text for reports, with values in `unit`: "fixed 30s", "exponential(mean 4h)",
    /// "lognormal(median 3h, p95 12h)", "pert(min 5m, mode 10m, max 20m)", "empirical(3 values,
    /// 2h to 3d 8h)". Values are rounded for reading.
    pub fn describe(&self, unit: Unit) -> String {
        let s = |v: f64| short(v, unit);
        match &self.kind {
            Family::Fixed(v) => format!("fixed {}", s(*v)),
            Family::Exponential { mean, .. } => format!("exponential(mean {})", s(*mean)),
            Family::Lognormal { mu, sigma, by_median: true, .. } => {
                format!("lognormal(median {}, p95 {})", s(mu.exp()), s((mu + Z95 * sigma).exp()))
            }
            Family::Lognormal { mu, sigma, .. } => {
                format!("lognormal(mu {}, sigma {})", short(*mu, Unit::Number), short(*sigma, Unit::Number))
            }
            Family::Weibull { shape, scale, .. } => {
                format!("weibull(shape {}, scale {})", short(*shape, Unit::Number), s(*scale))
            }
            Family::Gamma { shape, scale, .. } => {
                format!("gamma(shape {}, scale {})", short(*shape, Unit::Number), s(*scale))
            }
            Family::Uniform { min, max, .. } => format!("uniform(min {}, max {})", s(*min), s(*max)),
            Family::Pert { min, mode, max, .. } => {
                format!("pert(min {}, mode {}, max {})", s(*min), s(*mode), s(*max))
            }
            Family::Empirical { sorted, file } => {
                let from = file.as_ref().map(|f| format!(" from {f}")).unwrap_or_default();
                let (lo, hi) = (sorted[0], sorted[sorted.len() - 1]);
                format!("empirical({} values{from}, {} to {})", sorted.len(), s(lo), s(hi))
            }
        }
    }
}

mod validate;

mod beta;

mod renewal;

#[cfg(test)]
mod tests;
