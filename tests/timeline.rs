//! `drsim timeline`: the walkthrough of one incident, checked against a hand
//! computation on a model whose every step is fixed.

mod common;

use std::process::Command;

use common::cli::temp_dir;
use common::{ModelSpec, backup_restore, fixed, outage_failure};

fn drsim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_drsim"))
}

/// Region outages of a fixed 1 day (20 a year, so trial 0 has one), backup &
/// restore with detection 2m, decision 3m, provisioning 10m, 100 GB at
/// 1000 GB/h (6m) plus validation 5m, traffic switch 4m.
fn fixed_model() -> String {
    ModelSpec::new()
        .response("detection", fixed("2m"))
        .response("decision", fixed("3m"))
        .response("traffic_switch", fixed("4m"))
        .failure(outage_failure("region", 20.0, &fixed("1d")))
        .strategy(backup_restore("br"))
        .text()
}

#[test]
fn timeline_offsets_are_the_running_sum_of_fixed_steps() {
    let dir = temp_dir("fixed");
    let model = dir.join("m.toml");
    std::fs::write(&model, fixed_model()).unwrap();
    let out = drsim()
        .args(["timeline", model.to_str().unwrap(), "--strategy", "br", "--kind", "region", "--out"])
        .arg(dir.join("out"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}\n{}", String::from_utf8_lossy(&out.stderr));
    // Hand computation: detection 2m at +0, decision 3m at +2m, provisioning
    // 10m at +5m, restore 6m + 5m = 11m at +15m, traffic switch 4m at +26m,
    // service back at +30m; downtime 30m.
    for line in [
        "+0s  detection",
        "+2m  decision",
        "+5m  provisioning",
        "+15m  restore / promote",
        "+26m  traffic switch",
        "+30m  service back",
        "downtime (load-weighted, the achieved RTO): 30m",
        "path: restored",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    for file in ["timeline.png", "timeline.svg", "timeline.txt"] {
        assert!(dir.join("out").join(file).is_file(), "{file} written");
    }
    let svg = std::fs::read_to_string(dir.join("out/timeline.svg")).unwrap();
    for text in ["region disruption under br", "detection", "provisioning", "RTO target 1h"] {
        assert!(svg.contains(text), "SVG shows {text:?}");
    }
}

#[test]
fn unknown_kind_or_strategy_is_bad_input_naming_what_is_allowed() {
    let dir = temp_dir("bad");
    let model = dir.join("m.toml");
    std::fs::write(&model, fixed_model()).unwrap();
    let out =
        drsim().args(["timeline", model.to_str().unwrap(), "--strategy", "br", "--kind", "flood"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("allowed: az, region, logical"));
    let out =
        drsim().args(["timeline", model.to_str().unwrap(), "--strategy", "nope", "--kind", "region"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("known: br"));
    // A kind the model has no failure mode for can never be found.
    let out = drsim().args(["timeline", model.to_str().unwrap(), "--strategy", "br", "--kind", "az"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no az failure mode"));
}
