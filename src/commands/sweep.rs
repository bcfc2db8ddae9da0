//! `drsim sweep`: a grid of parameter values, or `--find` a threshold.

use std::fmt::Write as _;

use anyhow::anyhow;

use super::{Failure, bad_input, runtime};
use crate::cli::{EvalArgs, Format, SweepArgs};
use crate::format::fmt_percent;
use crate::format::fmt_usd;
use crate::report::charts::render;
use crate::report::charts::sweep::SweepChart;
use crate::report::output::Staging;
use crate::simulation::RunOptions;
use crate::whatif::sweep::{Axis, Direction, Found, Sweep, find, parse_find, sweep as run_sweep};
use crate::whatif::{WhatIfError, csv::sweep_csv, param::parse_set};

/// Sorts a what-if error into bad input or a runtime failure.
pub(super) fn whatif_failure(e: WhatIfError) -> Failure {
    match e {
        WhatIfError::Simulation(_) => runtime(e),
        _ => bad_input(e),
    }
}

/// Reads a model file's text, tagging failures as bad input.
pub(super) fn read_model_text(path: &std::path::Path) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|e| bad_input(anyhow!("{}: cannot read the model file: {e}", path.display())))
}

/// The run options of every evaluation of a sweep or a sensitivity run (one-year trials).
pub(super) fn eval_options(eval: &EvalArgs) -> RunOptions {
    RunOptions { trials: eval.trials, years: 1.0, seed: eval.seed, threads: eval.threads.map(|t| t as usize) }
}

pub(super) fn sweep(args: &SweepArgs) -> Result<(), Failure> {
    let text = read_model_text(&args.model)?;
    let options = eval_options(&args.eval);
    if let Some(spec) = &args.find {
        if !args.sets.is_empty() {
            return Err(bad_input(anyhow!("--find and --set: give one or the other")));
        }
        let (path, low, high) = parse_find(spec).map_err(whatif_failure)?;
        let found = find(&text, &args.model, &path, &low, &high, &options, |e| {
            eprintln!(
                "  {path} = {:<12} {}",
                e.value,
                if e.point.meets_targets { "meets the targets" } else { "misses" }
            );
        })
        .map_err(whatif_failure)?;
        print!("{}", found_text(&found));
        return Ok(());
    }
    if args.sets.is_empty() {
        return Err(bad_input(anyhow!(
            "give at least one --set PATH=V1,V2,... (e.g. --set strategy.NAME.backup.interval=30m,1h,2h) or --find PATH=LOW..HIGH"
        )));
    }
    let axes = args
        .sets
        .iter()
        .map(|s| parse_set(s).map(|(path, values)| Axis { path, values }))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad_input(anyhow!("--set {e}")))?;
    if matches!(args.format, Format::Markdown) {
        return Err(bad_input(anyhow!("--format markdown: not available for sweep; use table, csv or json")));
    }
    let staging = match &args.out {
        Some(dir) => Some(Staging::begin(dir, args.force).map_err(bad_input)?),
        None => None,
    };
    let result = run_sweep(&text, &args.model, &axes, &options, |done, total| {
        eprintln!("sweep: point {done} of {total} done");
    })
    .map_err(whatif_failure)?;
    let csv = sweep_csv(&result).map_err(runtime)?;
    match args.format {
        Format::Table | Format::Markdown => print!("{}", sweep_table(&result)),
        Format::Csv => print!("{csv}"),
        Format::Json => println!("{}", serde_json::to_string_pretty(&result).map_err(runtime)?),
    }
    if let Some(staging) = staging {
        staging.write("sweep.csv", csv.as_bytes()).map_err(runtime)?;
        let chart = SweepChart { sweep: &result };
        render(&chart, staging.dir()).map_err(runtime)?;
        let dir = staging.commit().map_err(runtime)?;
        eprintln!("wrote {}/sweep.csv and {}.png/.svg", dir.display(), chart_name());
    }
    Ok(())
}

fn chart_name() -> &'static str {
    crate::report::charts::sweep::NAME
}

/// The readable table: one block per grid point, one row per strategy.
pub fn sweep_table(s: &Sweep) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "P(RTO met), P(RPO met): worst kind, estimate [95% lower bound]; required {} for every kind.",
        fmt_percent(s.confidence)
    );
    for p in &s.points {
        let set: Vec<String> = s.axes.iter().zip(&p.values).map(|(a, v)| format!("{} = {v}", a.path)).collect();
        let _ = writeln!(out, "\n{}", set.join(", "));
        let _ = writeln!(
            out,
            "  {:<20} {:>20} {:>20} {:>14} {:>14}  verdict",
            "strategy", "P(RTO met)", "P(RPO met)", "cost/yr", "P95 cost/yr"
        );
        for st in &p.strategies {
            let share = |w: crate::whatif::WorstShare| format!("{} [{}]", fmt_percent(w.estimate), fmt_percent(w.low));
            let _ = writeln!(
                out,
                "  {:<20} {:>20} {:>20} {:>14} {:>14}  {}",
                st.strategy,
                share(st.rto_met),
                share(st.rpo_met),
                fmt_usd(st.expected_annual_cost_usd),
                fmt_usd(st.p95_annual_cost_usd),
                if st.meets_targets { "meets" } else { "misses" }
            );
        }
    }
    out
}

fn found_text(f: &Found) -> String {
    let mut out = String::new();
    match (f.direction, &f.value) {
        (Some(d), Some(v)) => {
            let what = match d {
                Direction::Largest => "Largest",
                Direction::Smallest => "Smallest",
            };
            let _ = writeln!(
                out,
                "{what} {} at which {} still meets the targets: {v} (the next value tried, {}, misses; resolution {}).",
                f.path,
                f.strategy,
                f.failing.as_deref().unwrap_or("-"),
                f.resolution
            );
        }
        _ => {
            let both = f.evaluations.iter().take(2).all(|e| e.point.meets_targets);
            let _ = writeln!(
                out,
                "{} {} at both ends of the range: no threshold inside it; widen the range.",
                f.strategy,
                if both { "meets the targets" } else { "misses the targets" }
            );
        }
    }
    out
}
