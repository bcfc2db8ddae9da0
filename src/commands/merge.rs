//! `drsim merge`: the partial results of a sharded run (`drsim run --shard`)
//! merged into the unsharded run's output.

use super::run::{emit, gate, shard_failure as failure};
use super::{Failure, bad_input, provenance};
use crate::cli::MergeArgs;
use drsim::report::output::Staging;
use drsim::shard::{self, Part};
use drsim::simulation::results_from_tally;

pub(super) fn merge(args: &MergeArgs) -> Result<(), Failure> {
    let staging = Staging::begin(&args.out, args.force).map_err(bad_input)?;
    if args.parts.first().is_some_and(|p| super::outer::is_outer_part(p)) {
        return super::outer::merge(&args.parts, args.format, staging);
    }
    let parts = args.parts.iter().map(|p| Part::read(p)).collect::<Result<Vec<_>, _>>().map_err(failure)?;
    let merged = shard::merge(parts).map_err(failure)?;
    // Threads stay null: the shards simulated, elsewhere.
    let mut results = results_from_tally(&merged.model, &merged.options, merged.tally);
    results.provenance.invocation.command_line = provenance().invocation.command_line;
    emit(&results, &merged.model, (args.format, args.detail()), Some(staging))?;
    gate(&results, args.fail_on_miss)
}
