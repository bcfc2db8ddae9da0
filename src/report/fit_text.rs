//! The summary `drsim fit` prints: the rate with its interval and what it
//! counts (a provider, every region together, or one region), how it becomes
//! the model's per-region or per-AZ `rate_per_year`, the duration fits ranked
//! by AIC with their goodness of fit, and the `[[failure]]` snippet.

use std::fmt::Write as _;

use super::failure_toml::FailureToml;
use super::{Report, ReportError};
use crate::fit::{FamilyFit, Fitted, hours, sig};

/// The printed summary of a fit.
#[derive(Clone, Copy, Debug, Default)]
pub struct FitText;

/// A family's parameters in hours, 3 significant digits (`mean 4.2`), as
/// both the summary and `fit.csv` show them.
pub fn params_text(fit: &FamilyFit) -> String {
    let v: Vec<String> = fit.params.values().iter().map(|(k, x)| format!("{k} {}", sig(*x, 3))).collect();
    v.join(", ")
}

impl Report<Fitted> for FitText {
    fn render(&self, f: &Fitted) -> Result<String, ReportError> {
        let mut out = String::new();
        let _ = writeln!(out, "{}: {} events over {:.0} years of the catalogue.", f.source, f.events, f.years);
        let _ = writeln!(
            out,
            "Rate: {}/yr for {} (95% exact Poisson interval {} to {}).",
            sig(f.rate, 3),
            f.scope.counted(),
            sig(f.interval.0, 3),
            sig(f.interval.1, 3)
        );
        let named: Vec<String> = f.regions.iter().map(|(name, n)| format!("{name} ({n})")).collect();
        let _ = writeln!(out, "Regions these incidents name: {}.", named.join(", "));
        for line in f.scope.explanation(f.rate, f.interval) {
            let _ = writeln!(out, "{line}");
        }
        let _ = writeln!(out, "\nDuration (hours) by maximum likelihood, best AIC first:");
        let _ = writeln!(
            out,
            "  {:<12} {:<30} {:>8} {:>7} {:>6} {:>7} {:>9} {:>9}",
            "family", "parameters (hours)", "AIC", "dAIC", "KS D", "KS p", "median", "p95"
        );
        let best = f.fits[0].aic;
        for fit in &f.fits {
            let _ = writeln!(
                out,
                "  {:<12} {:<30} {:>8.1} {:>7.1} {:>6.3} {:>7.3} {:>9} {:>9}",
                fit.family.name(),
                params_text(fit),
                fit.aic,
                fit.aic - best,
                fit.ks_statistic,
                fit.ks_p_value,
                hours(fit.median()),
                hours(fit.quantile(0.95))
            );
        }
        let _ = writeln!(
            out,
            "\n(KS p-values use parameters fitted to the same data, so they are optimistic; a small one still rejects.)"
        );
        let _ = writeln!(out, "\n{}", FailureToml.render(f)?);
        Ok(out)
    }
}
