//! `drsim run --outer`: the two-level Monte Carlo over a model's uncertain
//! inputs, whole or one shard of it, and the merge of its shards.

use anyhow::anyhow;

use super::sweep::{eval_provenance, read_model_text, whatif_failure};
use super::{Failure, bad_input, runtime, say};
use crate::cli::{Format, RunArgs};
use drsim::engine::Observer;
use drsim::model::Model;
use drsim::provenance::Provenance;
use drsim::report::Report;
use drsim::report::outer_csv::OuterCsv;
use drsim::report::outer_json::OuterJson;
use drsim::report::outer_markdown::OuterMarkdown;
use drsim::report::outer_text::OuterText;
use drsim::report::output::Staging;
use drsim::report::progress::Progress;
use drsim::shard::ShardSpec;
use drsim::whatif::outer::{self, OuterSummary};
use drsim::whatif::outer_part::{self, OUTER_PART_FILE, OUTER_PART_FORMAT, OUTER_PART_FORMAT_VERSION, OuterPart};

/// The file `--out` gets: the summary as JSON, with its provenance.
pub const OUTER_FILE: &str = "outer.json";
/// The spread of each figure across outer draws, as CSV (docs/exports.md).
pub const OUTER_CSV_FILE: &str = "outer.csv";
/// The design-doc section on the decision under uncertain inputs.
pub const OUTER_REPORT_FILE: &str = "report.md";

/// Flag combinations `--outer` cannot work with, refused before anything runs.
pub(super) fn check_flags(args: &RunArgs) -> Result<(), Failure> {
    let refuse = |why: &str| Err(bad_input(anyhow!("{why}")));
    if args.precision.is_some() {
        return refuse("--outer and --precision cannot be combined: give the inner trials per draw with --trials");
    }
    if args.incidents {
        return refuse("--outer and --incidents cannot be combined: an outer loop keeps each draw's figures only");
    }
    if !matches!(args.format, Format::Table | Format::Json) {
        return refuse("--outer: --format table or json (the outer loop's summary has no CSV or Markdown form)");
    }
    Ok(())
}

/// Runs the outer loop (or the shard `--shard` names) and reports it.
pub(super) fn run_outer(args: &RunArgs, model: &Model) -> Result<(), Failure> {
    check_flags(args)?;
    let text = read_model_text(&args.model)?;
    let options = args.options();
    let total = args.outer.unwrap_or(outer::DEFAULT_DRAWS);
    let shard = match &args.shard {
        Some(spec) => Some(ShardSpec::parse(spec, |name| std::env::var(name).ok()).map_err(bad_input)?),
        None => None,
    };
    let draws = shard.map_or(0..total, |s| s.trials(total));
    let staging = match &args.out {
        Some(dir) => Some(Staging::begin(dir, args.force).map_err(bad_input)?),
        None => None,
    };
    let mut progress = Progress::new(draws.end - draws.start, args.quiet);
    let mut done = 0;
    let figures = outer::run(&text, &args.model, &args.strategies, draws.clone(), &options, |_| {
        done += 1;
        progress.progress(done, draws.end - draws.start);
    })
    .map_err(whatif_failure)?;
    progress.finish();
    let provenance = eval_provenance(&text, &args.model, &options);
    if let Some(spec) = shard {
        let Some(staging) = staging else {
            return Err(bad_input(anyhow!("--shard needs --out DIR: where to write the partial result")));
        };
        let part = OuterPart {
            format: OUTER_PART_FORMAT.into(),
            format_version: OUTER_PART_FORMAT_VERSION,
            drsim_version: drsim::provenance::VERSION.into(),
            model_path: args.model.display().to_string(),
            model_sha256: drsim::provenance::sha256_hex(text.as_bytes()),
            model_text: text,
            seed: options.seed,
            years: options.years,
            inner_trials: options.trials,
            total_draws: total,
            shard: spec.index + 1,
            shards: spec.count,
            strategies: args.strategies.clone(),
            draws: figures,
        };
        staging.write(OUTER_PART_FILE, &part.to_json()).map_err(runtime)?;
        if !args.quiet {
            eprintln!(
                "shard {}/{}: outer draws {}..{} of {total} written to {}",
                part.shard,
                part.shards,
                draws.start,
                draws.end,
                staging.dir().join(OUTER_PART_FILE).display()
            );
        }
        return staging.commit().map(|_| ()).map_err(runtime);
    }
    let summary = outer::summarize(model, &args.strategies, options.trials, &figures);
    emit(&summary, &provenance, args.format, staging)
}

/// Prints the summary in `format` and writes [`OUTER_FILE`],
/// [`OUTER_CSV_FILE`] and [`OUTER_REPORT_FILE`] into `staging`: how an outer
/// run and the merge of its shards both end.
pub(super) fn emit(
    summary: &OuterSummary,
    provenance: &Provenance,
    format: Format,
    staging: Option<Staging>,
) -> Result<(), Failure> {
    let json = OuterJson { provenance: Some(provenance) }.render(summary).map_err(runtime)?;
    match format {
        Format::Json => say(&json)?,
        _ => say(OuterText.render(summary).map_err(runtime)?)?,
    }
    if let Some(staging) = staging {
        staging.write(OUTER_FILE, json.as_bytes()).map_err(runtime)?;
        let csv = OuterCsv { provenance: Some(provenance) }.render(summary).map_err(runtime)?;
        staging.write(OUTER_CSV_FILE, csv.as_bytes()).map_err(runtime)?;
        staging
            .write(OUTER_REPORT_FILE, OuterMarkdown.render(summary).map_err(runtime)?.as_bytes())
            .map_err(runtime)?;
        staging.commit().map_err(runtime)?;
    }
    Ok(())
}

/// Whether `path` (a part directory or file) holds an outer loop's part.
pub(super) fn is_outer_part(path: &std::path::Path) -> bool {
    path.join(OUTER_PART_FILE).is_file() || path.file_name().is_some_and(|n| n == OUTER_PART_FILE)
}

/// `drsim merge` of an outer loop's parts.
pub(super) fn merge(parts: &[std::path::PathBuf], format: Format, staging: Staging) -> Result<(), Failure> {
    if !matches!(format, Format::Table | Format::Json) {
        return Err(bad_input(anyhow!("merging an outer loop: --format table or json")));
    }
    let read = parts.iter().map(|p| OuterPart::read(p)).collect::<Result<Vec<_>, _>>().map_err(bad_input)?;
    let merged = outer_part::merge(read).map_err(bad_input)?;
    let first = &merged.first;
    let summary = outer::summarize(&merged.model, &first.strategies, first.inner_trials, &merged.draws);
    let options = drsim::simulation::RunOptions {
        trials: first.inner_trials,
        years: first.years,
        seed: first.seed,
        threads: None,
    };
    let provenance = eval_provenance(&first.model_text, &merged.model.source.path, &options);
    emit(&summary, &provenance, format, Some(staging))
}
