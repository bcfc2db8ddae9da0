//! Charts for slides: on every bundled model the cost-against-risk labels
//! stay inside the plot and clear of each other and of every point, and a
//! strategy keeps its colour whatever else the model holds.

use drsim::model::Model;
use drsim::report::charts::cost_risk::{CostRiskChart, PixelBox, place_labels};
use drsim::report::charts::strategy_slots;
use drsim::simulation::{Results, RunOptions, simulate};

fn bundled() -> Vec<(String, Results)> {
    let mut paths: Vec<_> = std::fs::read_dir("models")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 3, "the bundled models");
    paths
        .iter()
        .map(|p| {
            let model = Model::load(p).unwrap();
            let results = simulate(&model, &RunOptions { trials: 2_000, ..RunOptions::default() }).unwrap();
            (p.display().to_string(), results)
        })
        .collect()
}

#[test]
fn cost_risk_labels_never_collide_nor_leave_the_plot_on_any_bundled_model() {
    for (name, results) in bundled() {
        let layout = CostRiskChart::new(&results).layout().unwrap();
        let n = layout.labels.len();
        assert_eq!(n, results.strategies.len(), "{name}: a label per strategy");
        for (i, label) in layout.labels.iter().enumerate() {
            assert!(layout.plot.contains(label), "{name}: label {i} {label:?} leaves the plot {:?}", layout.plot);
            for (j, other) in layout.labels.iter().enumerate().skip(i + 1) {
                assert!(!label.overlaps(other), "{name}: labels {i} and {j} overlap: {label:?} {other:?}");
            }
            assert!(!label.overlaps(&layout.required_line), "{name}: label {i} sits on the required line");
            for (j, marker) in layout.markers.iter().enumerate() {
                assert!(!label.overlaps(marker), "{name}: label {i} covers point {j}");
            }
        }
    }
}

#[test]
fn crowded_points_get_labels_on_free_sides() {
    // Two points 10 px apart in the plot's top-right corner, a third far away:
    // the right side is outside, so the labels go left, one above the other.
    let plot = PixelBox { left: 0, top: 0, right: 1000, bottom: 600 };
    let anchors = [(980, 30), (975, 40), (100, 300)];
    let sizes = [(300, 30), (300, 30), (120, 30)];
    let boxes = place_labels(plot, &anchors, &sizes, 16, &[0, 1, 2], &[]);
    for (i, b) in boxes.iter().enumerate() {
        assert!(plot.contains(b), "{i}: {b:?}");
        for (j, o) in boxes.iter().enumerate().skip(i + 1) {
            assert!(!b.overlaps(o), "{i} and {j}");
        }
    }
    assert_eq!(boxes[2].left, 100 + 16 + 8, "a lone point's label sits right of it");
}

#[test]
fn a_strategy_has_one_colour_in_every_bundled_model() {
    let mut seen: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for (name, results) in bundled() {
        for (s, slot) in results.strategies.iter().zip(strategy_slots(&results)) {
            let before = *seen.entry(s.name.clone()).or_insert(slot);
            assert_eq!(before, slot, "{name}: {} changed colour", s.name);
        }
    }
}
