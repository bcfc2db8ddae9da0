//! The first incident of one disruption kind under one strategy in the
//! trials of a seed, found by simulating trials 0, 1, 2, ... exactly as
//! `drsim run` simulates them: the input of `drsim timeline`, a Game Day
//! walkthrough for a design review.

use crate::engine::Observer;
use crate::incident::Incident;
use crate::model::{DisruptionKind, Model};
use crate::simulation::{RunOptions, Simulation, SimulationError};

/// Trials searched before giving up.
pub const MAX_TRIALS: u64 = 100_000;

/// One incident to walk through, and where it came from.
#[derive(Clone, Debug)]
pub struct Walkthrough<'m> {
    /// The model (with only the walked strategy kept).
    pub model: &'m Model,
    /// The strategy's name.
    pub strategy: String,
    /// The master seed.
    pub seed: u64,
    /// The trial the incident happened in.
    pub trial: u64,
    /// The incident.
    pub incident: Incident,
}

/// Keeps the first incident of one kind: the earliest in the first trial that has one.
struct First {
    kind: DisruptionKind,
    found: Option<(u64, Incident)>,
}

impl Observer for First {
    fn wants_incidents(&self) -> bool {
        true
    }

    fn satisfied(&self) -> bool {
        self.found.is_some()
    }

    fn incident(&mut self, trial: u64, _strategy: usize, incident: &Incident) {
        // Within the first trial that has one, the earliest by start time
        // (the engine hands a trial's incidents over by cause, not by time).
        let earlier = match &self.found {
            None => true,
            Some((t, found)) => *t == trial && incident.start < found.start,
        };
        if incident.kind == self.kind && earlier {
            self.found = Some((trial, *incident));
        }
    }
}

/// The first incident of `kind` under the model's first strategy, with its
/// trial: trials `0..MAX_TRIALS` of the seed are simulated in order (in
/// parallel chunks, handed over in trial order) until one has such an incident.
///
/// # Errors
/// The simulation's (threads, Ctrl-C).
pub fn first_incident(
    model: &Model,
    kind: DisruptionKind,
    seed: u64,
) -> Result<Option<(u64, Incident)>, SimulationError> {
    let mut first = First { kind, found: None };
    let options = RunOptions { seed, trials: MAX_TRIALS, ..RunOptions::default() };
    Simulation::new(model, options).observe(&mut first).run()?;
    Ok(first.found)
}
