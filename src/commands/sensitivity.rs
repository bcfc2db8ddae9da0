//! `drsim sensitivity`: the tornado of one strategy, or of each in turn.

use std::fmt::Write as _;

use super::sweep::{eval_options, read_model_text, whatif_failure};
use super::{Failure, bad_input, load_model, runtime};
use crate::cli::SensitivityArgs;
use crate::format::fmt_percent;
use crate::format::fmt_usd;
use crate::report::charts::render;
use crate::report::charts::tornado::TornadoChart;
use crate::report::output::Staging;
use crate::whatif::csv::sensitivity_csv;
use crate::whatif::sensitivity::{Tornado, tornado};

/// Rows printed per strategy (the CSV has every input).
const PRINTED: usize = 15;

pub(super) fn sensitivity(args: &SensitivityArgs) -> Result<(), Failure> {
    let text = read_model_text(&args.model)?;
    let model = load_model(&args.model)?;
    let names: Vec<String> = match &args.strategy {
        Some(s) => vec![s.clone()],
        None => model.strategies.iter().map(|s| s.name.clone()).collect(),
    };
    let staging = match &args.out {
        Some(dir) => Some(Staging::begin(dir, args.force).map_err(bad_input)?),
        None => None,
    };
    let options = eval_options(&args.eval);
    let mut tornados = Vec::new();
    for name in &names {
        let t = tornado(
            &text,
            &args.model,
            name,
            args.swing,
            &options,
            |done, total| {
                if done == total || done % 10 == 0 {
                    eprintln!("sensitivity {name}: {done} of {total} inputs done");
                }
            },
            |input, e| eprintln!("warning: {} left out: {e}", input.path),
        )
        .map_err(whatif_failure)?;
        print!("{}", tornado_text(&t));
        tornados.push(t);
    }
    if let Some(staging) = staging {
        let csv = sensitivity_csv(&tornados).map_err(runtime)?;
        staging.write("sensitivity.csv", csv.as_bytes()).map_err(runtime)?;
        for t in &tornados {
            render(&TornadoChart::new(t), staging.dir()).map_err(runtime)?;
        }
        let dir = staging.commit().map_err(runtime)?;
        eprintln!("wrote {}/sensitivity.csv and the tornado charts", dir.display());
    }
    Ok(())
}

fn tornado_text(t: &Tornado) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n{}: baseline expected annual cost {}, P(targets met) {} (worst kind; required {}).",
        t.strategy,
        fmt_usd(t.baseline.expected_annual_cost_usd),
        fmt_percent(t.baseline.p_targets_met),
        fmt_percent(t.confidence)
    );
    let _ = writeln!(out, "Inputs ranked by the swing in expected annual cost between their low and high values:");
    let _ = writeln!(
        out,
        "  {:>3} {:<58} {:>16} {:>16} {:>13} {:>13} {:>11} {:>11}",
        "#", "input", "low", "high", "cost at low", "cost at high", "P met low", "P met high"
    );
    for (i, b) in t.bars.iter().take(PRINTED).enumerate() {
        let _ = writeln!(
            out,
            "  {:>3} {:<58} {:>16} {:>16} {:>13} {:>13} {:>11} {:>11}",
            i + 1,
            b.input.path,
            b.input.low_label,
            b.input.high_label,
            fmt_usd(b.low.expected_annual_cost_usd),
            fmt_usd(b.high.expected_annual_cost_usd),
            fmt_percent(b.low.p_targets_met),
            fmt_percent(b.high.p_targets_met)
        );
    }
    if t.bars.len() > PRINTED {
        let _ = writeln!(out, "  ... {} more inputs (see sensitivity.csv with --out)", t.bars.len() - PRINTED);
    }
    out
}
