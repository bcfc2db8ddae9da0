//! `drsim fit --format json`: the fitted outage model as data: the rate with
//! its 95% exact Poisson interval and every duration family fitted, best AIC
//! first (durations in hours, as `fit.csv`), and the `[[failure]]` snippet.
//! Fields are only ever added. With a provenance (as `drsim fit` writes it),
//! a `provenance` object comes first. A figure that is not finite (a
//! Kolmogorov-Smirnov p-value that cannot be computed, the infinite mean of a
//! heavy tail) is spelt `"inf"`/`"nan"` as in fit.csv (see [`crate::real`]).

use std::collections::BTreeMap;

use serde::Serialize;

use super::failure_toml::FailureToml;
use super::json::pretty;
use super::{Report, ReportError};
use crate::fit::Fitted;
use crate::provenance::Provenance;

/// The JSON of a [`Fitted`] history, with the provenance of the fit if given.
#[derive(Clone, Copy, Debug, Default)]
pub struct FitJson<'p> {
    /// Where the fit came from (the history file's SHA-256, the command line).
    pub provenance: Option<&'p Provenance>,
}

/// The document as written.
#[derive(Serialize)]
struct FitDocument<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    provenance: Option<&'a Provenance>,
    /// The file and the filters given.
    source: &'a str,
    /// The kind the snippet declares.
    kind: &'a str,
    /// What the rate counts (e.g. every region of the provider together).
    rate_counts: String,
    /// The rate as a model's `rate_per_year` means it (per region or per AZ);
    /// `null` when the divisor (`--regions`, `--azs`) was not given.
    model_rate_per_year: Option<f64>,
    events: u64,
    years: f64,
    rate_per_year: f64,
    rate_low95_per_year: f64,
    rate_high95_per_year: f64,
    durations_hours: &'a [f64],
    fits: Vec<JsonFit>,
    /// The `[[failure]]` snippet, as failure.toml holds it.
    failure_toml: String,
}

#[derive(Serialize)]
struct JsonFit {
    family: &'static str,
    /// Maximum-likelihood estimates, hours (lognormal: `mu`, `sigma` of ln hours).
    parameters_hours: BTreeMap<&'static str, f64>,
    /// Their standard errors; `null` where the information matrix gives none.
    parameter_std_errors: BTreeMap<&'static str, f64>,
    #[serde(with = "crate::real::plain")]
    log_likelihood: f64,
    #[serde(with = "crate::real::plain")]
    aic: f64,
    #[serde(with = "crate::real::plain")]
    delta_aic: f64,
    #[serde(with = "crate::real::plain")]
    ks_d: f64,
    /// Optimistic: the parameters were fitted to the same data.
    #[serde(with = "crate::real::plain")]
    ks_p: f64,
    #[serde(with = "crate::real::plain")]
    mean_hours: f64,
    #[serde(with = "crate::real::plain")]
    median_hours: f64,
    #[serde(with = "crate::real::plain")]
    p95_hours: f64,
}

impl Report<Fitted> for FitJson<'_> {
    fn render(&self, f: &Fitted) -> Result<String, ReportError> {
        let best = f.fits.first().map_or(0.0, |b| b.aic);
        let fits = f
            .fits
            .iter()
            .map(|fit| JsonFit {
                family: fit.family.name(),
                parameters_hours: fit.params.values().into_iter().collect(),
                parameter_std_errors: fit.param_std_errors.values().into_iter().collect(),
                log_likelihood: fit.log_likelihood,
                aic: fit.aic,
                delta_aic: fit.aic - best,
                ks_d: fit.ks_statistic,
                ks_p: fit.ks_p_value,
                mean_hours: fit.mean(),
                median_hours: fit.median(),
                p95_hours: fit.quantile(0.95),
            })
            .collect();
        pretty(&FitDocument {
            provenance: self.provenance,
            source: &f.source,
            kind: f.scope.kind_name(),
            rate_counts: f.scope.counted(),
            model_rate_per_year: f.scope.model_rate(f.rate),
            events: f.events,
            years: f.years,
            rate_per_year: f.rate,
            rate_low95_per_year: f.interval.0,
            rate_high95_per_year: f.interval.1,
            durations_hours: &f.durations,
            fits,
            failure_toml: FailureToml.render(f)?,
        })
    }
}
