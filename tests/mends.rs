//! Behaviour kept through the removal of duplicated logic: the outer loop,
//! called as a library, refuses an `[uncertain]` path that names nothing
//! with the same message `drsim check` gives (line, column, the nearest key
//! the model sets), before any draw is simulated.

mod common;

use std::path::Path;

use common::*;
use drsim::simulation::RunOptions;
use drsim::whatif::{WhatIfError, outer};

fn with_uncertain(entry: &str) -> String {
    ModelSpec::new()
        .failure(logical_failure(1.0, &fixed("2h")))
        .strategy(backup_restore("br"))
        .raw(&format!("[uncertain]\n{entry}\n"))
        .text()
}

#[test]
fn the_outer_loop_refuses_a_path_that_names_nothing_as_check_does() {
    let text = with_uncertain("\"failure.logical.rate_per_yaer\" = { dist = \"uniform\", min = 0.5, max = 1.0 }");
    let path = Path::new("m.toml");
    let options = RunOptions { trials: 10, years: 1.0, seed: 1, threads: Some(1) };
    let mut simulated = 0;
    let e = outer::run(&text, path, &[], 0..3, &options, |_| simulated += 1).unwrap_err();
    assert!(matches!(e, WhatIfError::Request(_)), "{e:?}");
    assert_eq!(simulated, 0, "refused before any draw");
    let line = text.lines().position(|l| l.contains("rate_per_yaer")).unwrap() + 1;
    let said = e.to_string();
    assert!(
        said.starts_with(&format!("m.toml:{line}:1: uncertain.\"failure.logical.rate_per_yaer\": ")),
        "file:line:col and key: {said}"
    );
    assert!(said.contains("did you mean `rate_per_year`?"), "{said}");
    let model = drsim::model::Model::from_str_at(&text, path).unwrap();
    let check = drsim::whatif::uncertain_check::check(&text, path, &model).unwrap_err().to_string();
    assert_eq!(said, check, "the same words as drsim check");
}

#[test]
fn the_outer_loop_leaves_a_draw_out_of_range_to_the_draw_that_reaches_it() {
    let text = with_uncertain("\"targets.confidence\" = { dist = \"uniform\", min = 0.5, max = 1.5 }");
    let path = Path::new("m.toml");
    let options = RunOptions { trials: 10, years: 1.0, seed: 20_260_101, threads: Some(1) };
    let e = outer::run(&text, path, &[], 0..40, &options, |_| {}).unwrap_err().to_string();
    assert!(e.starts_with("outer draw "), "{e}");
}
