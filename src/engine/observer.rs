//! Observers: everything that watches a run without changing it (the
//! progress bar, the streamed incident CSV, the invariant checker, the
//! timeline's incident finder, test collectors).
//!
//! An observer only reads: the figures of a run are the same with any set of
//! observers. What an observer asks for decides how the engine drives the
//! trials (see [`super::Engine::run`]): with none the hot path is the plain
//! parallel one; one that wants incidents gets them in trial order.

use std::sync::Arc;

use crate::incident::Incident;

/// Turns the incidents of a chunk of trials into bytes (rows of an export),
/// run by the engine in its worker threads so that formatting keeps pace
/// with simulating. The bytes must depend only on the incidents given.
pub trait Encoder: Send + Sync {
    /// Appends the encoding of `incidents` (trial, strategy index, incident;
    /// in the order an observer would hear them) to `out`.
    fn encode(&self, incidents: &[(u64, usize, Incident)], out: &mut Vec<u8>);
}

/// Watches a run. Every method has a default that ignores the event, so an
/// observer implements only what it needs.
pub trait Observer: Send {
    /// Whether [`Observer::incident`] should be called. The engine then hands
    /// incidents over in trial order (then strategy order, then as
    /// simulated), on any thread count, buffering a bounded window of trials.
    fn wants_incidents(&self) -> bool {
        false
    }

    /// One incident of strategy number `strategy` (model order) in trial `trial`.
    fn incident(&mut self, _trial: u64, _strategy: usize, _incident: &Incident) {}

    /// An encoder of incidents the engine may run in its worker threads:
    /// when there is one, the engine hands this observer the encoded bytes of
    /// each chunk of trials through [`Observer::encoded`] (in trial order)
    /// instead of calling [`Observer::incident`] for each incident.
    fn encoder(&self) -> Option<Arc<dyn Encoder>> {
        None
    }

    /// The bytes this observer's [`Observer::encoder`] made of the next chunk
    /// of `incidents` incidents, in trial order.
    fn encoded(&mut self, _bytes: Vec<u8>, _incidents: u64) {}

    /// `done` of the `planned` trials of the run are simulated (called a few
    /// hundred times per run at most; `planned` is the upper bound of a
    /// precision-stopped run).
    fn progress(&mut self, _done: u64, _planned: u64) {}

    /// After each batch of a precision-stopped run: trials so far and the
    /// precision reached (the largest 95% half-width or relative standard
    /// error, as `Simulation::precision` defines it).
    fn batch(&mut self, _trials: u64, _reached: f64) {}

    /// True when this observer has seen all it needs; the run stops at the
    /// next chunk boundary once every observer wanting incidents says so
    /// (the timeline's finder stops at its first incident).
    fn satisfied(&self) -> bool {
        false
    }
}

/// The observers of one run, asked together.
pub struct Observers<'a> {
    list: Vec<&'a mut dyn Observer>,
}

impl<'a> Observers<'a> {
    /// The given observers, in the order they will hear each event.
    pub fn new(list: Vec<&'a mut dyn Observer>) -> Observers<'a> {
        Observers { list }
    }

    /// True when there is no observer: the engine takes its plain path.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Whether any observer wants incidents.
    pub fn want_incidents(&self) -> bool {
        self.list.iter().any(|o| o.wants_incidents())
    }

    /// Whether the run may stop: some observer wants incidents and every one
    /// that does is satisfied.
    pub fn satisfied(&self) -> bool {
        let mut wanting = self.list.iter().filter(|o| o.wants_incidents()).peekable();
        wanting.peek().is_some() && wanting.all(|o| o.satisfied())
    }

    /// Hands an incident to every observer that wants incidents.
    pub fn incident(&mut self, trial: u64, strategy: usize, incident: &Incident) {
        for o in self.list.iter_mut().filter(|o| o.wants_incidents()) {
            o.incident(trial, strategy, incident);
        }
    }

    /// The encoder of each observer that wants incidents and has one, in
    /// observer order (`None` for the others).
    pub fn encoders(&self) -> Vec<Option<Arc<dyn Encoder>>> {
        self.list.iter().map(|o| if o.wants_incidents() { o.encoder() } else { None }).collect()
    }

    /// Hands a chunk's incidents over: each observer with an encoder gets its
    /// bytes (`encoded`, aligned with [`Observers::encoders`]), every other
    /// observer that wants incidents gets them one by one.
    pub fn chunk(&mut self, incidents: &[(u64, usize, Incident)], encoded: Vec<Option<Vec<u8>>>) {
        let count = incidents.len() as u64;
        let mut encoded = encoded.into_iter();
        for o in self.list.iter_mut() {
            let bytes = encoded.next().flatten();
            if !o.wants_incidents() {
                continue;
            }
            match bytes {
                Some(bytes) => o.encoded(bytes, count),
                None => {
                    for (trial, strategy, incident) in incidents {
                        o.incident(*trial, *strategy, incident);
                    }
                }
            }
        }
    }

    /// Reports progress to every observer.
    pub fn progress(&mut self, done: u64, planned: u64) {
        for o in &mut self.list {
            o.progress(done, planned);
        }
    }

    /// Reports a finished precision batch to every observer.
    pub fn batch(&mut self, trials: u64, reached: f64) {
        for o in &mut self.list {
            o.batch(trials, reached);
        }
    }
}

impl std::fmt::Debug for Observers<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Observers({})", self.list.len())
    }
}
