//! `drsim fit`: an outage model (rate and duration distribution) fitted from
//! an incident history, printed and written as a `[[failure]]` snippet.

use std::fmt::Write as _;

use anyhow::anyhow;

use super::{Failure, bad_input, provenance, runtime, say, stage_out};
use crate::cli::{FitArgs, TextFormat};
use drsim::fit::{
    Filter, Fitted, RateScope, ScopeKind, fit_all, observation_years, parse_history, read_history_bytes, region_counts,
    select,
};
use drsim::report::Report;
use drsim::report::charts::fit::FitChart;
use drsim::report::charts::render;
use drsim::report::failure_toml::FailureToml;
use drsim::report::fit_csv::FitCsv;
use drsim::report::fit_json::FitJson;
use drsim::report::fit_text::FitText;
use drsim::report::json::Json;
use drsim::stats::poisson_exact_interval;

pub(super) fn fit(args: &FitArgs) -> Result<(), Failure> {
    let kind = match args.kind.as_deref().map(str::trim) {
        None => None,
        Some(k) if k.eq_ignore_ascii_case("az") => Some(ScopeKind::Az),
        Some(k) if k.eq_ignore_ascii_case("region") => Some(ScopeKind::Region),
        Some(k) => return Err(bad_input(anyhow!("--kind {k}: allowed: az or region"))),
    };
    if args.azs.is_some() && kind != Some(ScopeKind::Az) {
        return Err(bad_input(anyhow!("--azs: only --kind az takes it (a region rate_per_year is per region)")));
    }
    let staging = stage_out(args.out.as_deref(), args.force)?;
    let bytes = read_history_bytes(&args.data).map_err(bad_input)?;
    let records = parse_history(&bytes, &args.data.display().to_string()).map_err(bad_input)?;
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
    let regions = region_counts(&chosen);
    if let Some(filter) = &args.region {
        // The rate counts one region only if the filter names one region.
        let needle = filter.trim().to_lowercase();
        let matched: Vec<&str> =
            regions.iter().map(|(name, _)| name.as_str()).filter(|n| n.to_lowercase().contains(&needle)).collect();
        if matched.len() > 1 {
            return Err(bad_input(anyhow!(
                "--region {filter} matches {} regions ({}): give one region's full name",
                matched.len(),
                matched.join(", ")
            )));
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
        scope: RateScope {
            kind: kind.unwrap_or(ScopeKind::Region),
            provider: args.provider.clone(),
            region: args.region.clone(),
            regions: args.regions,
            azs: args.azs,
        },
        regions,
        source,
    };
    let provenance = provenance().with_data(&args.data.display().to_string(), &drsim::provenance::sha256_hex(&bytes));
    let text = match args.format {
        TextFormat::Text => FitText.render(&fitted),
        TextFormat::Json => FitJson { provenance: Some(&provenance) }.render(&fitted),
    };
    say(&text.map_err(runtime)?)?;
    if let Some(staging) = staging {
        staging
            .write("fit.csv", FitCsv { provenance: Some(&provenance) }.render(&fitted).map_err(runtime)?.as_bytes())
            .map_err(runtime)?;
        staging.write("failure.toml", FailureToml.render(&fitted).map_err(runtime)?.as_bytes()).map_err(runtime)?;
        staging.write("fit.provenance.json", Json.render(&provenance).map_err(runtime)?.as_bytes()).map_err(runtime)?;
        let title = format!("Outage durations: {} ({} events)", fitted.source, fitted.events);
        render(&FitChart { title, data_hours: &fitted.durations, fits: &fitted.fits }, &staging).map_err(runtime)?;
        let dir = staging.commit().map_err(runtime)?;
        eprintln!("wrote {0}/fit.csv, {0}/fit.provenance.json, {0}/failure.toml and {0}/fit.png/.svg", dir.display());
    }
    Ok(())
}
