//! A clean stop on Ctrl-C: the first interrupt asks the engine to stop
//! scheduling trials (the run then fails with [`super::EngineError::Interrupted`],
//! so no result is written and staged output is removed); a second one exits at once.

use std::sync::atomic::{AtomicBool, Ordering};

/// Exit code of a run stopped by Ctrl-C (128 + SIGINT), as shells expect.
pub const INTERRUPTED_EXIT_CODE: u8 = 130;

static STOP: AtomicBool = AtomicBool::new(false);

/// Asks every running simulation to stop scheduling trials.
pub fn request() {
    STOP.store(true, Ordering::Relaxed);
}

/// True once a stop has been asked for.
pub fn requested() -> bool {
    STOP.load(Ordering::Relaxed)
}

/// Installs the Ctrl-C handler: the first Ctrl-C calls [`request`], a second
/// one exits at once with [`INTERRUPTED_EXIT_CODE`]. Call once, from the binary.
pub fn install_handler() {
    let installed = ctrlc::set_handler(|| {
        if requested() {
            eprintln!("interrupted again: exiting now");
            std::process::exit(i32::from(INTERRUPTED_EXIT_CODE));
        }
        request();
    });
    // Without a handler Ctrl-C still ends the run; staged output is then
    // removed by the next run (see report::output).
    let _ = installed;
}
