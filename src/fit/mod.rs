//! Fitting an outage model (arrival rate and duration distribution) from a
//! public incident history, for `drsim fit`.
//!
//! * [`history`] reads the incident CSV, classifies each incident's scope as
//!   AZ- or region-level, filters the records and measures the observation
//!   window.
//! * [`mle`] fits the duration distribution by maximum likelihood
//!   (exponential, lognormal, Weibull, gamma), ranks the fits by AIC and runs
//!   a Kolmogorov-Smirnov goodness-of-fit test.
//! * [`rate`] says what the fitted rate counts (a provider, every region
//!   together, or one region) and turns it into the model's per-region or
//!   per-AZ `rate_per_year` when the user gives the divisors.
//! * [`failure_snippet`] renders the result as a `[[failure]]` TOML snippet in
//!   the model's units (durations are strings in hours, e.g. `"3.2h"`).
//!
//! The arrival-rate confidence interval (exact Poisson) is computed by the
//! caller from the event count and the exposure in years.

pub mod history;
pub mod mle;
pub mod rate;

#[cfg(test)]
mod tests;

pub use history::{
    Filter, OutageRecord, ScopeKind, observation_years, parse_history, read_history, read_history_bytes, region_counts,
    select,
};
pub use mle::{Family, FamilyFit, Params, fit, fit_all, kolmogorov_sf, ks_test};
pub use rate::{Conversion, RateScope};

use std::fmt::Write as _;

/// Everything that can go wrong while reading a history file or fitting it.
#[derive(Debug, thiserror::Error)]
pub enum FitError {
    /// The history file could not be opened or read.
    #[error("cannot read {file}")]
    Io {
        /// Path of the file, as given.
        file: String,
        /// Why: not a regular file, over the size limit, or the operating system's error.
        #[source]
        source: crate::input::InputError,
    },
    /// The CSV itself is malformed (e.g. a row with the wrong number of cells).
    #[error("{file}:{line}: malformed CSV: {message}")]
    Csv {
        /// Path of the file, as given.
        file: String,
        /// 1-based line number in the file (the header is line 1).
        line: u64,
        /// What the CSV reader reported.
        message: String,
    },
    /// The header row lacks one or more required columns.
    #[error("{file}: missing column(s) {missing} in the header (found: {found})")]
    MissingColumns {
        /// Path of the file, as given.
        file: String,
        /// The missing column names, comma-separated.
        missing: String,
        /// The column names that the header does have, comma-separated.
        found: String,
    },
    /// A cell could not be parsed.
    #[error("{file}:{line}: column {column}: {reason}: {text:?}")]
    BadField {
        /// Path of the file, as given.
        file: String,
        /// 1-based line number in the file (the header is line 1).
        line: u64,
        /// Name of the offending column.
        column: &'static str,
        /// The offending cell text.
        text: String,
        /// Why the text was rejected.
        reason: &'static str,
    },
    /// Fewer than two observations were given to a fit.
    #[error("need at least 2 durations to fit a distribution, got {count}")]
    TooFewData {
        /// How many observations were given.
        count: usize,
    },
    /// An observation is zero, negative, infinite or NaN.
    #[error("duration #{index} is {value}; every duration must be positive and finite")]
    BadDatum {
        /// 0-based index of the observation.
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// The data admit no finite maximum-likelihood estimate for this family
    /// (e.g. all observations are equal, so the spread parameter is zero).
    #[error("cannot fit {family}: {reason}")]
    Degenerate {
        /// Name of the family.
        family: &'static str,
        /// Why the fit is degenerate.
        reason: &'static str,
    },
    /// The iterative solver for a shape parameter failed to converge.
    #[error("{family} fit did not converge: {why}")]
    NoConvergence {
        /// Name of the family.
        family: &'static str,
        /// What went wrong, in our words (there is no underlying error).
        why: String,
    },
}

/// Everything `drsim fit` found in an incident history: the arrival rate
/// with its interval and the duration fits, as the reports read them
/// (`fit.csv`, `failure.toml`, the printed summary, the chart).
#[derive(Clone, Debug)]
pub struct Fitted {
    /// Where the incidents came from: the file and the filters given
    /// (`DATA.csv --kind region`), for titles and the snippet's comment.
    pub source: String,
    /// Incidents selected.
    pub events: u64,
    /// Years the catalogue covers (see [`observation_years`]).
    pub years: f64,
    /// Incidents per year, counted as [`Fitted::scope`] says (not
    /// necessarily per region or per AZ).
    pub rate: f64,
    /// The rate's 95% exact Poisson interval.
    pub interval: (f64, f64),
    /// The selected incidents' durations, hours.
    pub durations: Vec<f64>,
    /// The duration fits, best AIC first (never empty).
    pub fits: Vec<FamilyFit>,
    /// What the rate counts, the kind the snippet declares, and the divisors
    /// that turn the rate into the model's `rate_per_year`.
    pub scope: RateScope,
    /// The regions the selected incidents name, with how many incidents
    /// name each, most first (see [`history::region_counts`]).
    pub regions: Vec<(String, u64)>,
}

/// Renders a fitted outage model as a `[[failure]]` TOML snippet.
///
/// Same as [`failure_snippet_ranked`] with `best` as the only fit, so the
/// header comment names no runner-up.
pub fn failure_snippet(
    scope: &RateScope,
    rate_per_year: f64,
    rate_interval: (f64, f64),
    events: u64,
    years: f64,
    best: &FamilyFit,
    source: &str,
) -> String {
    failure_snippet_ranked(scope, rate_per_year, rate_interval, events, years, std::slice::from_ref(best), source)
}

/// Renders a fitted outage model as a `[[failure]]` TOML snippet.
///
/// `rate_per_year` is the fitted rate, counted as `scope` says; the snippet's
/// `rate_per_year` key is per AZ or per region, as in a model, so it holds
/// the rate divided by the scope's divisors, or is left commented out (`# rate_per_year = ?`)
/// when a divisor is missing, with the comment saying which flag supplies it.
/// `ranked` is the output of [`fit_all`] (sorted by AIC, best first; it must
/// not be empty); the second entry, if any, is named as the runner-up in the
/// header comment. Durations are written in the model's units: strings in
/// hours with 3 significant digits. A lognormal is written as its `median`
/// and `p95` (a comment gives the equivalent `mu`, `sigma` of ln(seconds));
/// Weibull and gamma as `shape` and `scale`; exponential as `mean`.
///
/// ```text
/// # Fitted by `drsim fit` from DATA.csv --provider AWS --kind az --region us-east-1: 6 events over 15.0 years.
/// # Rate 0.4/yr for us-east-1, all its AZs together (95% exact Poisson interval 0.147-0.871).
/// # rate_per_year is per AZ: 0.4/yr / 6 AZs (--azs) = 0.0667/yr
/// # (95% interval 0.0245 to 0.145), assuming incidents strike every AZ alike.
/// # Duration: lognormal by MLE, AIC 48.7 (next: exponential 49.3), KS D = 0.23, p = 0.85.
/// [[failure]]
/// kind = "az"
/// rate_per_year = 0.0667   # per AZ
/// duration = { dist = "lognormal", median = "8.82h", p95 = "57.5h" }
/// # lognormal as mu, sigma of ln(seconds): mu = 10.4, sigma = 1.14
/// ```
///
/// # Panics
/// If `ranked` is empty.
pub fn failure_snippet_ranked(
    scope: &RateScope,
    rate_per_year: f64,
    rate_interval: (f64, f64),
    events: u64,
    years: f64,
    ranked: &[FamilyFit],
    source: &str,
) -> String {
    let best = ranked.first().expect("failure_snippet_ranked: no fit given");
    let one_line = |s: &str| s.replace(['\n', '\r'], " ");
    let mut out = String::new();
    // `write!` into a String cannot fail.
    let _ = writeln!(out, "# Fitted by `drsim fit` from {}: {events} events over {years:.1} years.", one_line(source));
    let _ = writeln!(
        out,
        "# Rate {}/yr for {} (95% exact Poisson interval {}-{}).",
        sig(rate_per_year, 3),
        one_line(&scope.counted()),
        sig(rate_interval.0, 3),
        sig(rate_interval.1, 3),
    );
    for line in scope.explanation(rate_per_year, rate_interval) {
        let _ = writeln!(out, "# {}", one_line(&line));
    }
    let next = match ranked.get(1) {
        Some(n) => format!(" (next: {} {:.1})", n.family.name(), n.aic),
        None => String::new(),
    };
    let p = if best.ks_p_value < 0.001 { "p < 0.001".to_string() } else { format!("p = {}", sig(best.ks_p_value, 2)) };
    let _ = writeln!(
        out,
        "# Duration: {} by MLE, AIC {:.1}{next}, KS D = {:.2}, {p}.",
        best.family.name(),
        best.aic,
        best.ks_statistic
    );
    if best.ks_p_value < 0.05 {
        let _ = writeln!(out, "# Warning: the KS test rejects the best family at 5%; treat the duration as rough.");
    }
    let _ = writeln!(out, "[[failure]]");
    let _ = writeln!(out, "kind = \"{}\"", scope.kind_name());
    match scope.model_rate(rate_per_year) {
        Some(r) => {
            let _ = writeln!(out, "rate_per_year = {}   # {}", toml_float(r), scope.per());
        }
        None => {
            let _ = writeln!(out, "# rate_per_year = ?   # {}: see above", scope.per());
        }
    }
    let duration = match best.params {
        Params::Exponential { mean } => {
            format!("{{ dist = \"exponential\", mean = \"{}\" }}", hours(mean))
        }
        Params::Lognormal { .. } => format!(
            "{{ dist = \"lognormal\", median = \"{}\", p95 = \"{}\" }}",
            hours(best.median()),
            hours(best.quantile(0.95))
        ),
        Params::Weibull { shape, scale } => {
            format!("{{ dist = \"weibull\", shape = {}, scale = \"{}\" }}", toml_float(shape), hours(scale))
        }
        Params::Gamma { shape, scale } => {
            format!("{{ dist = \"gamma\", shape = {}, scale = \"{}\" }}", toml_float(shape), hours(scale))
        }
    };
    let _ = writeln!(out, "duration = {duration}");
    if let Params::Lognormal { mu, sigma } = best.params {
        let _ = writeln!(
            out,
            "# lognormal as mu, sigma of ln(seconds): mu = {}, sigma = {}",
            sig(mu + SECONDS_PER_HOUR.ln(), 3),
            sig(sigma, 3)
        );
    }
    out
}

const SECONDS_PER_HOUR: f64 = 3600.0;

/// Formats a duration in hours as a model duration string with 3 significant
/// digits and no trailing zeros, e.g. `3.2` → `"3.2h"`, `336.4` → `"336h"`.
pub fn hours(h: f64) -> String {
    format!("{}h", sig(h, 3))
}

/// Formats `x` with `digits` significant digits in plain decimal notation,
/// dropping trailing zeros after the decimal point (`0.8571` → `"0.857"`,
/// `80.0` → `"80"`, `12345.0` → `"12300"`). Non-finite values print as Rust
/// prints them.
pub fn sig(x: f64, digits: u32) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let digits = digits.max(1) as i32;
    let round_to = |v: f64| {
        let e = v.abs().log10().floor() as i32;
        let unit = 10f64.powi(e - digits + 1);
        ((v / unit).round() * unit, e)
    };
    let (mut r, _) = round_to(x);
    // Rounding can carry into a new decade (9.996 → 10.0): take the exponent
    // of the rounded value.
    let (r2, e) = round_to(r);
    r = r2;
    let decimals = (digits - 1 - e).max(0) as usize;
    let mut s = format!("{r:.decimals$}");
    if s.contains('.') {
        s = s.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    s
}

/// A TOML float literal with 3 significant digits; always has a decimal
/// point so it reads back as a float.
fn toml_float(x: f64) -> String {
    if x.is_nan() {
        return "nan".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    let s = sig(x, 3);
    if s.contains('.') { s } else { format!("{s}.0") }
}

/// Numerical routines behind [`mle`]: the Kolmogorov distribution, a
/// safeguarded Newton root finder, the gamma quantile, trigamma and the
/// numerical Hessian.
mod numeric {
    use std::f64::consts::PI;

    use statrs::function::gamma::{gamma_lr, gamma_ur};

    use super::FitError;

    /// Survival function of the Kolmogorov distribution,
    /// Q_KS(λ) = 2 Σ_{j≥1} (-1)^(j-1) exp(-2 j² λ²), clamped to [0, 1].
    ///
    /// For λ < 1.18, where that alternating series converges slowly, the
    /// equivalent 1 - (√(2π)/λ) Σ_{j≥1} exp(-(2j-1)² π² / (8 λ²)) is summed.
    pub fn kolmogorov_sf(lambda: f64) -> f64 {
        if lambda.is_nan() {
            return f64::NAN;
        }
        if lambda < 0.1 {
            return 1.0;
        }
        let mut sum = 0.0;
        if lambda < 1.18 {
            let c = PI * PI / (8.0 * lambda * lambda);
            for j in 1..=20 {
                let m = (2 * j - 1) as f64;
                let term = (-m * m * c).exp();
                sum += term;
                if term < 1e-17 * sum {
                    break;
                }
            }
            (1.0 - (2.0 * PI).sqrt() / lambda * sum).clamp(0.0, 1.0)
        } else {
            let mut sign = 1.0;
            for j in 1..=100 {
                let j = j as f64;
                let term = (-2.0 * j * j * lambda * lambda).exp();
                sum += sign * term;
                if term < 1e-17 * sum.abs() {
                    break;
                }
                sign = -sign;
            }
            (2.0 * sum).clamp(0.0, 1.0)
        }
    }

    /// Finds the root of an increasing function `f` (value, derivative) by
    /// Newton's method, falling back to bisection whenever a step leaves the
    /// bracket. Starts at `x0 > 0`; widens the bracket by halving / doubling.
    pub(super) fn safeguarded_newton(
        family: &'static str,
        x0: f64,
        f: impl Fn(f64) -> (f64, f64),
    ) -> Result<f64, FitError> {
        let fail = |why: &str| FitError::NoConvergence { family, why: why.to_string() };
        let (mut lo, mut hi) = (x0, x0);
        for _ in 0..2000 {
            if f(lo).0 <= 0.0 {
                break;
            }
            lo /= 2.0;
        }
        for _ in 0..2000 {
            if f(hi).0 >= 0.0 {
                break;
            }
            hi *= 2.0;
        }
        if !(f(lo).0 <= 0.0 && f(hi).0 >= 0.0) {
            return Err(fail("could not bracket the shape parameter"));
        }
        let mut x = x0;
        for _ in 0..500 {
            let (v, dv) = f(x);
            if v.is_nan() {
                return Err(fail("the likelihood equation evaluated to NaN"));
            }
            if v == 0.0 {
                return Ok(x);
            }
            if v < 0.0 {
                lo = x;
            } else {
                hi = x;
            }
            let newton = x - v / dv;
            let next = if newton.is_finite() && newton > lo && newton < hi { newton } else { 0.5 * (lo + hi) };
            if (next - x).abs() <= 1e-13 * x || hi - lo <= 1e-13 * x {
                return Ok(next);
            }
            x = next;
        }
        Err(fail("no convergence in 500 iterations"))
    }

    /// Quantile of the standard gamma distribution (scale 1) for 0 < p < 1, by
    /// bisection on a logarithmic scale; in the upper half the survival function
    /// is inverted instead of the CDF, for accuracy in the tail.
    pub(super) fn gamma_quantile(shape: f64, p: f64) -> f64 {
        if !(shape.is_finite() && shape > 0.0) {
            return f64::NAN;
        }
        // Whether z lies below the quantile.
        let below = |z: f64| {
            if p <= 0.5 { gamma_lr(shape, z) < p } else { gamma_ur(shape, z) > 1.0 - p }
        };
        let (mut lo, mut hi) = (shape, shape);
        while !below(lo) {
            lo /= 2.0;
            if lo == 0.0 {
                return 0.0;
            }
        }
        while below(hi) {
            hi *= 2.0;
            if hi.is_infinite() {
                return f64::INFINITY;
            }
        }
        for _ in 0..300 {
            // Geometric midpoint while the bracket is wide, arithmetic after.
            let mid = if hi > 4.0 * lo { (lo * hi).sqrt() } else { 0.5 * (lo + hi) };
            if mid <= lo || mid >= hi {
                break;
            }
            if below(mid) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        0.5 * (lo + hi)
    }

    /// Trigamma ψ'(x) for x > 0: recurrence up to x ≥ 10, then the asymptotic
    /// series 1/x + 1/(2x²) + 1/(6x³) - 1/(30x⁵) + 1/(42x⁷) - 1/(30x⁹).
    pub(super) fn trigamma(mut x: f64) -> f64 {
        let mut acc = 0.0;
        while x < 10.0 {
            acc += 1.0 / (x * x);
            x += 1.0;
        }
        let t = 1.0 / x;
        let t2 = t * t;
        acc + t + 0.5 * t2 + t * t2 * (1.0 / 6.0 - t2 * (1.0 / 30.0 - t2 * (1.0 / 42.0 - t2 / 30.0)))
    }

    /// Standard errors of (a, b) from the inverse of the observed information,
    /// i.e. of minus the Hessian of `ll` at the estimate, by central differences
    /// with relative steps of 1e-4. NaN if the Hessian is not negative definite.
    pub(super) fn hessian_std_errors(ll: impl Fn(f64, f64) -> f64, a: f64, b: f64) -> (f64, f64) {
        let (ha, hb) = (1e-4 * a.abs(), 1e-4 * b.abs());
        let f0 = ll(a, b);
        let faa = (ll(a + ha, b) - 2.0 * f0 + ll(a - ha, b)) / (ha * ha);
        let fbb = (ll(a, b + hb) - 2.0 * f0 + ll(a, b - hb)) / (hb * hb);
        let fab = (ll(a + ha, b + hb) - ll(a + ha, b - hb) - ll(a - ha, b + hb) + ll(a - ha, b - hb)) / (4.0 * ha * hb);
        let det = faa * fbb - fab * fab;
        if !(det > 0.0 && faa < 0.0) {
            return (f64::NAN, f64::NAN);
        }
        // (-H)^-1 = [[-fbb, fab], [fab, -faa]] / det.
        ((-fbb / det).sqrt(), (-faa / det).sqrt())
    }
}
