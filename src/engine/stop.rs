//! A clean stop: once asked (the binary asks on SIGINT, SIGTERM or SIGHUP),
//! the engine stops scheduling trials and the run fails with
//! [`super::EngineError::Interrupted`], so no result is written and staged
//! output is removed. The library only reads the flag; installing signal
//! handlers is the binary's job (`main.rs`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock};

/// Exit code of a run stopped by Ctrl-C (128 + SIGINT), as shells expect.
pub const INTERRUPTED_EXIT_CODE: u8 = 130;

static STOP: LazyLock<Arc<AtomicBool>> = LazyLock::new(|| Arc::new(AtomicBool::new(false)));

/// The shared stop flag, for a signal handler to set.
pub fn flag() -> Arc<AtomicBool> {
    Arc::clone(&STOP)
}

/// Asks every running simulation to stop scheduling trials.
pub fn request() {
    STOP.store(true, Ordering::Relaxed);
}

/// True once a stop has been asked for.
pub fn requested() -> bool {
    STOP.load(Ordering::Relaxed)
}
