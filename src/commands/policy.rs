//! `drsim import-policy` and `drsim export-policy`: AWS Resilience Hub
//! resiliency policies read into a model's `[targets]`, and written from
//! them. What a conversion cannot carry over is printed on standard error
//! (`warning:` when an RTO or RPO is changed or dropped, `note:` otherwise);
//! `--strict` refuses the lossy ones.

use anyhow::anyhow;

use super::{Failure, bad_input, load_model, runtime, say};
use crate::cli::{ExportPolicyArgs, ImportPolicyArgs};
use drsim::model::Probability;
use drsim::policy::{self, DataLocation, ExportOptions, Notice, Tier};
use drsim::report::Report;
use drsim::report::policy_json::PolicyJson;
use drsim::report::targets_toml::TargetsToml;

/// Prints the notices; with `strict`, refuses when one is lossy.
fn report_notices(notices: &[Notice], strict: bool, source: &str) -> Result<(), Failure> {
    let lossy: Vec<&str> = notices.iter().filter(|n| n.lossy).map(|n| n.message.as_str()).collect();
    if strict && !lossy.is_empty() {
        return Err(bad_input(anyhow!(
            "{source}: not converted with --strict, {} target(s) cannot be carried over:\n  {}",
            lossy.len(),
            lossy.join("\n  ")
        )));
    }
    for n in notices {
        eprintln!("{}: {}", if n.lossy { "warning" } else { "note" }, n.message);
    }
    Ok(())
}

pub(super) fn import_policy(args: &ImportPolicyArgs) -> Result<(), Failure> {
    let confidence = Probability::new(args.confidence).filter(|p| p.get() > 0.0 && p.get() < 1.0).ok_or_else(|| {
        bad_input(anyhow!("--confidence {}: allowed: a share strictly between 0 and 1, e.g. 0.99", args.confidence))
    })?;
    let read = policy::read(&args.file).map_err(bad_input)?;
    let imported = policy::import(&read, confidence);
    report_notices(&imported.notices, args.strict, &args.file.display().to_string())?;
    say(&TargetsToml.render(&imported).map_err(runtime)?)?;
    Ok(())
}

pub(super) fn export_policy(args: &ExportPolicyArgs) -> Result<(), Failure> {
    let tier = match &args.tier {
        None => None,
        Some(t) => Some(Tier::parse(t).ok_or_else(|| bad_input(anyhow!("--tier {t}: allowed: {}", Tier::allowed())))?),
    };
    let data_location = match &args.data_location {
        None => None,
        Some(d) => Some(
            DataLocation::parse(d)
                .ok_or_else(|| bad_input(anyhow!("--data-location {d}: allowed: {}", DataLocation::allowed())))?,
        ),
    };
    let model = load_model(&args.model)?;
    let name = args.name.clone().unwrap_or_else(|| policy::policy_name_from(&model.workload.name));
    let options = ExportOptions {
        name,
        tier: tier.unwrap_or(Tier::NotApplicable),
        description: args.description.clone(),
        data_location,
    };
    let exported =
        policy::export(&model.targets, &options).map_err(|e| bad_input(anyhow!("{}: {e}", args.model.display())))?;
    let mut notices = exported.notices;
    if tier.is_none() {
        notices
            .push(Notice { lossy: false, message: "no --tier given: tier NotApplicable (drsim has no tiers)".into() });
    }
    report_notices(&notices, args.strict, &args.model.display().to_string())?;
    say(&PolicyJson { map_only: args.map_only }.render(&exported.policy).map_err(runtime)?)?;
    Ok(())
}
