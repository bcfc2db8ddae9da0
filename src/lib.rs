//! drsim: a discrete-event Monte Carlo simulator and cost/risk modeler for
//! cloud disaster-recovery strategies.
//!
//! Data flows one way: a [`model::Model`] (parsed and validated) is run by the
//! [`engine`] into a [`tally::Tally`] (exact, mergeable totals), summarised by
//! [`summary`], judged by [`decision`] and written by [`report`].
//!
//! ```no_run
//! use drsim::{model::Model, simulation::{RunOptions, simulate}};
//! let model = Model::load(std::path::Path::new("models/securecart-monolith.toml")).unwrap();
//! let results = simulate(&model, &RunOptions::default()).unwrap();
//! println!("{}", results.strategies[0].name);
//! ```

#![warn(missing_docs)]

pub mod cost;
pub mod decision;
pub mod engine;
pub mod fit;
pub mod format;
#[doc(hidden)]
pub mod harden;
pub mod incident;
pub mod input;
pub mod lint;
pub mod model;
pub mod num;
pub mod platform;
pub mod policy;
pub mod provenance;
pub mod real;
pub mod report;
pub mod shard;
pub mod simulation;
pub mod stats;
pub mod strategy;
pub mod stratified;
pub mod summary;
pub mod tally;
pub mod timeline;
pub mod whatif;
pub mod world;
