//! Maximum-likelihood fits of outage-duration distributions, AIC ranking and
//! the Kolmogorov-Smirnov goodness-of-fit test.
//!
//! All parameters are in the caller's unit of the data (hours for `drsim
//! fit`): exponential `mean`, Weibull and gamma `scale` are in that unit;
//! lognormal `mu`, `sigma` are of ln(x in that unit).

use std::f64::consts::{LN_2, PI, SQRT_2};
use std::fmt;

use serde::Serialize;
use statrs::function::erf::{erfc, erfc_inv};
use statrs::function::gamma::{digamma, gamma_lr, ln_gamma};

use super::FitError;
pub use super::numeric::kolmogorov_sf;
use super::numeric::{gamma_quantile, hessian_std_errors, safeguarded_newton, trigamma};

/// A family of positive continuous distributions for outage durations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// Exponential, parameter `mean`.
    Exponential,
    /// Lognormal, parameters `mu`, `sigma` of ln x.
    Lognormal,
    /// Weibull, parameters `shape`, `scale`.
    Weibull,
    /// Gamma, parameters `shape`, `scale`.
    Gamma,
}

impl Family {
    /// All families, in the order [`fit_all`] tries them.
    pub const ALL: [Family; 4] = [Family::Exponential, Family::Lognormal, Family::Weibull, Family::Gamma];

    /// Lower-case name as the model spells it (`"lognormal"`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Family::Exponential => "exponential",
            Family::Lognormal => "lognormal",
            Family::Weibull => "weibull",
            Family::Gamma => "gamma",
        }
    }

    /// Number of free parameters (the `k` of AIC).
    pub fn num_params(self) -> usize {
        match self {
            Family::Exponential => 1,
            _ => 2,
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Parameters of a fitted distribution, in the data's unit.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "dist", rename_all = "lowercase")]
pub enum Params {
    /// Exponential with the given mean.
    Exponential {
        /// Mean (= 1 / rate).
        mean: f64,
    },
    /// Lognormal: ln x is normal with mean `mu` and standard deviation `sigma`.
    Lognormal {
        /// Mean of ln x.
        mu: f64,
        /// Standard deviation of ln x.
        sigma: f64,
    },
    /// Weibull: CDF 1 - exp(-(x/scale)^shape).
    Weibull {
        /// Shape k.
        shape: f64,
        /// Scale λ.
        scale: f64,
    },
    /// Gamma: density x^(shape-1) e^(-x/scale) / (Γ(shape) scale^shape).
    Gamma {
        /// Shape k.
        shape: f64,
        /// Scale θ (mean = shape × scale).
        scale: f64,
    },
}

impl Params {
    /// The family these parameters belong to.
    pub fn family(&self) -> Family {
        match self {
            Params::Exponential { .. } => Family::Exponential,
            Params::Lognormal { .. } => Family::Lognormal,
            Params::Weibull { .. } => Family::Weibull,
            Params::Gamma { .. } => Family::Gamma,
        }
    }

    /// The parameters as (name, value) pairs, in declaration order.
    pub fn values(&self) -> Vec<(&'static str, f64)> {
        match *self {
            Params::Exponential { mean } => vec![("mean", mean)],
            Params::Lognormal { mu, sigma } => vec![("mu", mu), ("sigma", sigma)],
            Params::Weibull { shape, scale } | Params::Gamma { shape, scale } => {
                vec![("shape", shape), ("scale", scale)]
            }
        }
    }

    /// Log density at `x` (`-inf` outside the support or for invalid parameters).
    pub fn ln_pdf(&self, x: f64) -> f64 {
        if x <= 0.0 || !self.is_valid() {
            return f64::NEG_INFINITY;
        }
        let lx = x.ln();
        match *self {
            Params::Exponential { mean } => -mean.ln() - x / mean,
            Params::Lognormal { mu, sigma } => {
                let z = (lx - mu) / sigma;
                -lx - sigma.ln() - 0.5 * (2.0 * PI).ln() - 0.5 * z * z
            }
            Params::Weibull { shape, scale } => {
                let t = lx - scale.ln();
                shape.ln() - scale.ln() + (shape - 1.0) * t - (shape * t).exp()
            }
            Params::Gamma { shape, scale } => -ln_gamma(shape) - shape * scale.ln() + (shape - 1.0) * lx - x / scale,
        }
    }

    /// Sum of [`ln_pdf`](Self::ln_pdf) over `data`.
    pub fn log_likelihood(&self, data: &[f64]) -> f64 {
        data.iter().map(|&x| self.ln_pdf(x)).sum()
    }

    /// Cumulative distribution function.
    pub fn cdf(&self, x: f64) -> f64 {
        if x.is_nan() {
            return f64::NAN;
        }
        if x <= 0.0 {
            return 0.0;
        }
        if x.is_infinite() {
            return 1.0;
        }
        match *self {
            Params::Exponential { mean } => -(-x / mean).exp_m1(),
            Params::Lognormal { mu, sigma } => 0.5 * erfc(-(x.ln() - mu) / (sigma * SQRT_2)),
            Params::Weibull { shape, scale } => -(-(x / scale).powf(shape)).exp_m1(),
            Params::Gamma { shape, scale } => gamma_lr(shape, x / scale),
        }
    }

    /// Quantile function (inverse CDF): `0` for `p <= 0`, `+inf` for `p >= 1`.
    pub fn quantile(&self, p: f64) -> f64 {
        if p.is_nan() {
            return f64::NAN;
        }
        if p <= 0.0 {
            return 0.0;
        }
        if p >= 1.0 {
            return f64::INFINITY;
        }
        match *self {
            Params::Exponential { mean } => -mean * (-p).ln_1p(),
            Params::Lognormal { mu, sigma } => (mu - sigma * SQRT_2 * erfc_inv(2.0 * p)).exp(),
            Params::Weibull { shape, scale } => scale * (-(-p).ln_1p()).powf(1.0 / shape),
            Params::Gamma { shape, scale } => scale * gamma_quantile(shape, p),
        }
    }

    /// Mean of the distribution.
    pub fn mean(&self) -> f64 {
        match *self {
            Params::Exponential { mean } => mean,
            Params::Lognormal { mu, sigma } => (mu + 0.5 * sigma * sigma).exp(),
            Params::Weibull { shape, scale } => scale * ln_gamma(1.0 + 1.0 / shape).exp(),
            Params::Gamma { shape, scale } => shape * scale,
        }
    }

    /// Median of the distribution.
    pub fn median(&self) -> f64 {
        match *self {
            Params::Exponential { mean } => mean * LN_2,
            Params::Lognormal { mu, .. } => mu.exp(),
            Params::Weibull { shape, scale } => scale * LN_2.powf(1.0 / shape),
            Params::Gamma { .. } => self.quantile(0.5),
        }
    }

    fn is_valid(&self) -> bool {
        let ok = |v: f64| v.is_finite() && v > 0.0;
        match *self {
            Params::Exponential { mean } => ok(mean),
            Params::Lognormal { mu, sigma } => mu.is_finite() && ok(sigma),
            Params::Weibull { shape, scale } | Params::Gamma { shape, scale } => ok(shape) && ok(scale),
        }
    }

    /// The same family with new values of its two parameters (shape, scale).
    fn with_two(&self, a: f64, b: f64) -> Params {
        match self {
            Params::Weibull { .. } => Params::Weibull { shape: a, scale: b },
            Params::Gamma { .. } => Params::Gamma { shape: a, scale: b },
            Params::Lognormal { .. } => Params::Lognormal { mu: a, sigma: b },
            Params::Exponential { .. } => Params::Exponential { mean: a },
        }
    }
}

/// One family fitted by maximum likelihood, with its diagnostics.
#[derive(Clone, Debug, Serialize)]
pub struct FamilyFit {
    /// The family.
    pub family: Family,
    /// Maximum-likelihood estimates.
    pub params: Params,
    /// Log-likelihood at the estimates.
    pub log_likelihood: f64,
    /// Akaike information criterion, 2k - 2 lnL (lower is better).
    pub aic: f64,
    /// Kolmogorov-Smirnov statistic D of the data against the fitted CDF.
    pub ks_statistic: f64,
    /// Asymptotic KS p-value; optimistic (too large) because the parameters
    /// were estimated from the same data (see [`ks_test`]).
    pub ks_p_value: f64,
    /// Standard errors of the estimates, in the same shape as `params` (each
    /// field holds the standard error of that parameter), from the observed
    /// Fisher information. NaN where the information matrix is not positive
    /// definite.
    pub param_std_errors: Params,
}

impl FamilyFit {
    /// CDF of the fitted distribution.
    pub fn cdf(&self, x: f64) -> f64 {
        self.params.cdf(x)
    }
    /// Quantile of the fitted distribution.
    pub fn quantile(&self, p: f64) -> f64 {
        self.params.quantile(p)
    }
    /// Mean of the fitted distribution.
    pub fn mean(&self) -> f64 {
        self.params.mean()
    }
    /// Median of the fitted distribution.
    pub fn median(&self) -> f64 {
        self.params.median()
    }
}

/// Fits `family` to `data` by maximum likelihood.
///
/// Needs at least 2 values, all positive and finite (otherwise an error, no
/// value is dropped silently). Estimators:
/// * exponential: mean = sample mean;
/// * lognormal: mu, sigma = mean and standard deviation (divisor n) of ln x;
/// * Weibull: shape solves the profile-likelihood equation
///   Σ x^k ln x / Σ x^k - 1/k - mean(ln x) = 0 by Newton's method safeguarded
///   by a bracket with bisection; scale = (mean x^k)^(1/k);
/// * gamma: shape solves ln k - ψ(k) = ln(mean x) - mean(ln x) by the same
///   safeguarded Newton from Minka's starting point; scale = mean / k.
///
/// Standard errors: closed forms for exponential (mean/√n) and lognormal
/// (σ/√n, σ/√(2n)); the inverse of the numerical Hessian of the
/// log-likelihood for Weibull and gamma.
pub fn fit(family: Family, data: &[f64]) -> Result<FamilyFit, FitError> {
    validate(data)?;
    let n = data.len() as f64;
    let logs: Vec<f64> = data.iter().map(|x| x.ln()).collect();
    let mean_ln = logs.iter().sum::<f64>() / n;
    // Logs centred on their mean, for numerically stable sums.
    let centred: Vec<f64> = logs.iter().map(|l| l - mean_ln).collect();
    let var_ln = centred.iter().map(|t| t * t).sum::<f64>() / n;
    let degenerate = |family: Family| FitError::Degenerate {
        family: family.name(),
        reason: "all durations are equal, so the spread is zero",
    };
    let params = match family {
        Family::Exponential => Params::Exponential { mean: data.iter().sum::<f64>() / n },
        Family::Lognormal => {
            if var_ln <= 0.0 {
                return Err(degenerate(family));
            }
            Params::Lognormal { mu: mean_ln, sigma: var_ln.sqrt() }
        }
        Family::Weibull => {
            if var_ln <= 0.0 {
                return Err(degenerate(family));
            }
            let shape = weibull_shape(&centred, var_ln.sqrt())?;
            let t_max = centred.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let mean_pow = centred.iter().map(|t| (shape * (t - t_max)).exp()).sum::<f64>() / n;
            let ln_scale = mean_ln + t_max + mean_pow.ln() / shape;
            Params::Weibull { shape, scale: ln_scale.exp() }
        }
        Family::Gamma => {
            // s = ln(mean x) - mean(ln x) = ln(mean(x / geometric mean)).
            let s = (centred.iter().map(|t| t.exp_m1()).sum::<f64>() / n).ln_1p();
            if s.is_nan() || s <= 0.0 {
                return Err(degenerate(family));
            }
            let shape = gamma_shape(s)?;
            Params::Gamma { shape, scale: data.iter().sum::<f64>() / n / shape }
        }
    };
    let log_likelihood = params.log_likelihood(data);
    if !log_likelihood.is_finite() || !params.is_valid() {
        return Err(FitError::NoConvergence { family: family.name(), why: format!("non-finite estimate {params:?}") });
    }
    let param_std_errors = match params {
        Params::Exponential { mean } => Params::Exponential { mean: mean / n.sqrt() },
        Params::Lognormal { sigma, .. } => Params::Lognormal { mu: sigma / n.sqrt(), sigma: sigma / (2.0 * n).sqrt() },
        Params::Weibull { shape, scale } | Params::Gamma { shape, scale } => {
            let (a, b) = hessian_std_errors(|a, b| params.with_two(a, b).log_likelihood(data), shape, scale);
            params.with_two(a, b)
        }
    };
    let mut sorted = data.to_vec();
    sorted.sort_by(f64::total_cmp);
    let (ks_statistic, ks_p_value) = ks_test(&sorted, |x| params.cdf(x));
    Ok(FamilyFit {
        family,
        params,
        log_likelihood,
        aic: 2.0 * family.num_params() as f64 - 2.0 * log_likelihood,
        ks_statistic,
        ks_p_value,
        param_std_errors,
    })
}

/// Fits every family of [`Family::ALL`] and returns those that converged,
/// sorted by AIC ascending (best first). Empty if the data are invalid.
pub fn fit_all(data: &[f64]) -> Vec<FamilyFit> {
    let mut fits: Vec<FamilyFit> = Family::ALL.iter().filter_map(|&f| fit(f, data).ok()).collect();
    fits.sort_by(|a, b| a.aic.total_cmp(&b.aic));
    fits
}

/// One-sample Kolmogorov-Smirnov test of `sorted_data` (ascending) against
/// `cdf`. Returns the statistic D = sup |F_n(x) - F(x)| and its asymptotic
/// p-value Q_KS(λ), λ = (√n + 0.12 + 0.11/√n) D (Stephens' small-sample
/// correction; see [`kolmogorov_sf`]). Ties are handled correctly.
///
/// The p-value assumes `cdf` was fixed in advance. When its parameters were
/// estimated from the same data (as in [`fit`]) the fitted CDF hugs the data,
/// D is stochastically smaller and the p-value is optimistic (too large):
/// a small p-value is still evidence against the family, a large one is weak
/// evidence for it. Empty data give `(NaN, NaN)`.
pub fn ks_test(sorted_data: &[f64], cdf: impl Fn(f64) -> f64) -> (f64, f64) {
    debug_assert!(sorted_data.is_sorted(), "ks_test: data must be sorted");
    if sorted_data.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let n = sorted_data.len() as f64;
    let mut d = 0.0f64;
    for (i, &x) in sorted_data.iter().enumerate() {
        let f = cdf(x);
        let below = i as f64 / n; // F_n just below x
        let above = (i + 1) as f64 / n; // F_n at x
        d = d.max(f - below).max(above - f);
    }
    let sn = n.sqrt();
    (d, kolmogorov_sf((sn + 0.12 + 0.11 / sn) * d))
}

fn validate(data: &[f64]) -> Result<(), FitError> {
    if data.len() < 2 {
        return Err(FitError::TooFewData { count: data.len() });
    }
    match data.iter().position(|&x| !(x.is_finite() && x > 0.0)) {
        Some(index) => Err(FitError::BadDatum { index, value: data[index] }),
        None => Ok(()),
    }
}

/// Weibull shape from the profile-likelihood equation, in terms of the
/// centred logs t = ln x - mean(ln x):  g(k) = Σ w t / Σ w - 1/k, w = e^(k t).
/// g is increasing, with g' = Var_w(t) + 1/k².
fn weibull_shape(centred: &[f64], sd_ln: f64) -> Result<f64, FitError> {
    let t_max = centred.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let g = |k: f64| {
        let (mut s0, mut s1, mut s2) = (0.0, 0.0, 0.0);
        for &t in centred {
            let w = (k * (t - t_max)).exp();
            s0 += w;
            s1 += w * t;
            s2 += w * t * t;
        }
        let m = s1 / s0;
        (m - 1.0 / k, (s2 / s0 - m * m).max(0.0) + 1.0 / (k * k))
    };
    // Moment start: the sd of ln x for a Weibull is π / (k √6).
    safeguarded_newton("weibull", PI / (6f64.sqrt() * sd_ln), g)
}

/// Gamma shape solving ln k - ψ(k) = s, s = ln(mean x) - mean(ln x) > 0.
/// h(k) = s - ln k + ψ(k) is increasing, with h' = ψ'(k) - 1/k.
fn gamma_shape(s: f64) -> Result<f64, FitError> {
    let h = |k: f64| (s - k.ln() + digamma(k), trigamma(k) - 1.0 / k);
    // Minka (2002), "Estimating a Gamma distribution", starting point.
    let k0 = (3.0 - s + ((s - 3.0) * (s - 3.0) + 24.0 * s).sqrt()) / (12.0 * s);
    safeguarded_newton("gamma", k0, h)
}
