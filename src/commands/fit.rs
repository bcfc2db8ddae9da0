//! `drsim fit`: an outage model (rate and duration distribution) fitted from
//! an incident history, printed and written as a `[[failure]]` snippet.

use std::fmt::Write as _;

use anyhow::anyhow;

use super::{Failure, bad_input, runtime};
use crate::cli::FitArgs;
use crate::fit::{
    FamilyFit, Filter, ScopeKind, failure_snippet_ranked, fit_all, observation_years, read_history, select, sig,
};
use crate::report::charts::fit::FitChart;
use crate::report::charts::render;
use crate::report::output::Staging;
use crate::stats::poisson_exact_interval;

/// Everything `drsim fit` found.
struct Fitted {
    source: String,
    events: u64,
    years: f64,
    rate: f64,
    interval: (f64, f64),
    durations: Vec<f64>,
    fits: Vec<FamilyFit>,
    kind: &'static str,
}

pub(super) fn fit(args: &FitArgs) -> Result<(), Failure> {
    let kind = match args.kind.as_deref().map(str::trim) {
        None => None,
        Some(k) if k.eq_ignore_ascii_case("az") => Some(ScopeKind::Az),
        Some(k) if k.eq_ignore_ascii_case("region") => Some(ScopeKind::Region),
        Some(k) => return Err(bad_input(anyhow!("--kind {k}: allowed: az or region"))),
    };
    let staging = match &args.out {
        Some(dir) => Some(Staging::begin(dir, args.force).map_err(bad_input)?),
        None => None,
    };
    let records = read_history(&args.data).map_err(bad_input)?;
    // The catalogue's coverage is measured on every record of the provider
    // (see `observation_years`), not on the selected kind or region.
    let coverage = select(&records, &Filter { provider: args.provider.clone(), ..Filter::default() });
    let chosen = select(&records, &Filter { kind, provider: args.provider.clone(), region: args.region.clone() });
    let mut source = args.data.display().to_string();
    for (flag, value) in [("--provider", &args.provider), ("--kind", &args.kind), ("--region", &args.region)] {
        if let Some(v) = value {
            let _ = write!(source, " {flag} {v}");
        }
    }
    if chosen.len() < 2 {
        return Err(bad_input(anyhow!(
            "{source}: {} incident(s) match; at least 2 are needed to fit a duration distribution",
            chosen.len()
        )));
    }
    let events = chosen.len() as u64;
    let years = observation_years(&coverage);
    let durations: Vec<f64> = chosen.iter().map(|r| r.duration_hours).collect();
    let fits = fit_all(&durations);
    if fits.is_empty() {
        return Err(bad_input(anyhow!("{source}: no distribution family could be fitted to the {events} durations")));
    }
    if kind.is_none() {
        eprintln!(
            "note: no --kind given: AZ and region incidents are fitted together; the snippet says kind = \"region\""
        );
    }
    let fitted = Fitted {
        events,
        years,
        rate: events as f64 / years,
        interval: poisson_exact_interval(events, years, 0.95),
        durations,
        fits,
        kind: kind.map_or("region", ScopeKind::as_str),
        source,
    };
    print!("{}", report(&fitted));
    if let Some(staging) = staging {
        staging.write("fit.csv", fit_csv(&fitted).map_err(runtime)?.as_bytes()).map_err(runtime)?;
        staging.write("failure.toml", snippet(&fitted).as_bytes()).map_err(runtime)?;
        let title = format!("Outage durations: {} ({} events)", fitted.source, fitted.events);
        render(&FitChart { title, data_hours: &fitted.durations, fits: &fitted.fits }, staging.dir())
            .map_err(runtime)?;
        let dir = staging.commit().map_err(runtime)?;
        eprintln!("wrote {0}/fit.csv, {0}/failure.toml and {0}/fit.png/.svg", dir.display());
    }
    Ok(())
}

fn snippet(f: &Fitted) -> String {
    failure_snippet_ranked(f.kind, f.rate, f.interval, f.events, f.years, &f.fits, &f.source)
}

fn params_text(fit: &FamilyFit) -> String {
    let v: Vec<String> = fit.params.values().iter().map(|(k, x)| format!("{k} {}", sig(*x, 3))).collect();
    v.join(", ")
}

fn report(f: &Fitted) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}: {} events over {:.0} years of the catalogue.", f.source, f.events, f.years);
    let _ = writeln!(
        out,
        "Rate: {}/yr (95% exact Poisson interval {} to {}).",
        sig(f.rate, 3),
        sig(f.interval.0, 3),
        sig(f.interval.1, 3)
    );
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
            crate::fit::hours(fit.median()),
            crate::fit::hours(fit.quantile(0.95))
        );
    }
    let _ = writeln!(
        out,
        "\n(KS p-values use parameters fitted to the same data, so they are optimistic; a small one still rejects.)"
    );
    let _ = writeln!(out, "\n{}", snippet(f));
    out
}

/// `fit.csv`: one row per family, best AIC first; durations in hours.
fn fit_csv(f: &Fitted) -> Result<String, anyhow::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "family",
        "parameters_hours",
        "aic",
        "delta_aic",
        "ks_d",
        "ks_p",
        "mean_hours",
        "median_hours",
        "p95_hours",
        "events",
        "years",
        "rate_per_year",
        "rate_low95_per_year",
        "rate_high95_per_year",
    ])?;
    let best = f.fits[0].aic;
    for fit in &f.fits {
        w.write_record([
            fit.family.name().to_string(),
            params_text(fit),
            fit.aic.to_string(),
            (fit.aic - best).to_string(),
            fit.ks_statistic.to_string(),
            fit.ks_p_value.to_string(),
            fit.mean().to_string(),
            fit.median().to_string(),
            fit.quantile(0.95).to_string(),
            f.events.to_string(),
            f.years.to_string(),
            f.rate.to_string(),
            f.interval.0.to_string(),
            f.interval.1.to_string(),
        ])?;
    }
    Ok(String::from_utf8(w.into_inner().map_err(|e| anyhow!(e.to_string()))?)?)
}
