//! `drsim run --shard` and `drsim merge`: one shard of a big run written as a
//! partial result, and the parts merged into the unsharded run's output.

use anyhow::anyhow;

use super::run::emit;
use super::{Failure, bad_input, runtime};
use crate::cli::{MergeArgs, RunArgs};
use crate::engine;
use crate::model::Model;
use crate::report::output::Staging;
use crate::shard::{self, PART_FILE, Part, ShardError, ShardSpec};
use crate::simulation::results_from_tally;

/// Every shard error is about the user's input (a bad spec, bad or
/// mismatched parts): exit code 2.
fn failure(e: ShardError) -> Failure {
    bad_input(e)
}

/// Runs shard `spec` of the run `args` describes and writes its part into `--out`.
pub(super) fn run_shard(model: &Model, args: &RunArgs, spec: &str) -> Result<(), Failure> {
    let spec = ShardSpec::parse(spec, |name| std::env::var(name).ok()).map_err(failure)?;
    let Some(out) = &args.out else {
        return Err(bad_input(anyhow!("--shard needs --out DIR: where to write the partial result")));
    };
    if args.precision.is_some() {
        return Err(bad_input(anyhow!("--shard and --precision cannot be combined: give --trials for the whole run")));
    }
    if args.incidents {
        return Err(bad_input(anyhow!("--shard and --incidents cannot be combined yet")));
    }
    let staging = Staging::begin(out, args.force).map_err(bad_input)?;
    // The model text travels in the part, so the merge needs nothing else; it
    // must be the text that was parsed (same hash).
    let text = std::fs::read_to_string(&args.model).map_err(|e| runtime(anyhow!("{}: {e}", args.model.display())))?;
    let options = args.options();
    let range = spec.trials(options.trials);
    let tally = engine::run(model, &options.engine_config(), range.clone()).map_err(runtime)?;
    let part = Part::new(model, text, &options, spec, tally);
    if part.model_sha256 != sha256_of(&part.model_text, model) {
        return Err(runtime(anyhow!("{}: the model file changed while the shard ran", args.model.display())));
    }
    staging.write(PART_FILE, &part.to_json()).map_err(runtime)?;
    let dir = staging.commit().map_err(runtime)?;
    if !args.quiet {
        eprintln!(
            "shard {}/{}: trials {}..{} of {} written to {}",
            part.shard,
            part.shards,
            range.start,
            range.end,
            options.trials,
            dir.join(PART_FILE).display()
        );
    }
    Ok(())
}

/// The hash the model would have if parsed from `text` (its own on success).
fn sha256_of(text: &str, model: &Model) -> String {
    Model::from_str_at(text, &model.source.path).map_or_else(|_| String::new(), |m| m.source.sha256)
}

pub(super) fn merge(args: &MergeArgs) -> Result<(), Failure> {
    let staging = Staging::begin(&args.out, args.force).map_err(bad_input)?;
    let parts = args.parts.iter().map(|p| Part::read(p)).collect::<Result<Vec<_>, _>>().map_err(failure)?;
    let merged = shard::merge(parts).map_err(failure)?;
    let results = results_from_tally(&merged.model, &merged.options, merged.tally);
    emit(&results, &merged.model, args.format, Some(staging))
}
