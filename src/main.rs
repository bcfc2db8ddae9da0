//! The `drsim` binary: parses arguments, calls the library, maps errors to
//! exit codes (0 success, 1 runtime failure, 2 bad input or usage, 3 audit
//! findings with `drsim check --strict`, 4 targets missed with
//! `--fail-on-miss`, 128 + the signal number after a clean stop on SIGINT,
//! SIGTERM or SIGHUP; see `cli::EXIT_CODES`).

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

mod cli;
mod commands;

use clap::Parser;
use cli::Cli;
use drsim::engine::stop;

/// The signals that stop a run cleanly: Ctrl-C, and what kubelet, Slurm
/// (`scancel`, time limits), AWS Batch/ECS, Spot interruptions and
/// `docker stop` send (SIGTERM), and a closed terminal (SIGHUP).
#[cfg(unix)]
const STOP_SIGNALS: [(i32, &str); 3] = [
    (signal_hook::consts::SIGINT, "interrupted"),
    (signal_hook::consts::SIGTERM, "terminated (SIGTERM)"),
    (signal_hook::consts::SIGHUP, "hung up (SIGHUP)"),
];
#[cfg(not(unix))]
const STOP_SIGNALS: [(i32, &str); 2] =
    [(signal_hook::consts::SIGINT, "interrupted"), (signal_hook::consts::SIGTERM, "terminated (SIGTERM)")];

/// Installs the handlers: the first stop signal asks the engine to stop
/// (the run then ends cleanly: staged output removed, nothing half-written);
/// a second one exits at once with 128 + its number. Returns the number of
/// the signal that arrived, 0 while none has.
fn install_stop_handlers() -> Arc<AtomicUsize> {
    let which = Arc::new(AtomicUsize::new(0));
    for (signal, _) in STOP_SIGNALS {
        // Order matters: the shutdown is armed only once the flag is set.
        let _ = signal_hook::flag::register_conditional_shutdown(signal, 128 + signal, stop::flag());
        let _ = signal_hook::flag::register(signal, stop::flag());
        let _ = signal_hook::flag::register_usize(signal, Arc::clone(&which), signal as usize);
    }
    which
}

/// How long a stop may take before the process exits anyway: a run checks
/// the stop flag between trials, and one trial normally takes microseconds,
/// but a pathological model can make one trial take minutes.
const STOP_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

/// Exits with 128 + the signal when a stop was asked for and the run has not
/// ended within [`STOP_GRACE`] (the staging directory is then left, as after
/// `kill -9`).
fn watch_for_a_stuck_stop(signal: Arc<AtomicUsize>) {
    std::thread::spawn(move || {
        while !stop::requested() {
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        std::thread::sleep(STOP_GRACE);
        let number = signal.load(Ordering::SeqCst) as i32;
        eprintln!("the run did not stop within {} s of the signal; exiting now", STOP_GRACE.as_secs());
        std::process::exit(if number > 0 { 128 + number } else { i32::from(stop::INTERRUPTED_EXIT_CODE) });
    });
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let signal = install_stop_handlers();
    watch_for_a_stuck_stop(Arc::clone(&signal));
    match commands::execute(cli) {
        Ok(()) => ExitCode::from(cli::EXIT_SUCCESS),
        Err(_) if stop::requested() => {
            let number = signal.load(Ordering::SeqCst) as i32;
            let what = STOP_SIGNALS.iter().find(|(s, _)| *s == number).map_or("interrupted", |(_, w)| *w);
            eprintln!("{what}: stopped cleanly, no results written");
            let code = if number > 0 { 128 + number } else { i32::from(stop::INTERRUPTED_EXIT_CODE) };
            ExitCode::from(u8::try_from(code).unwrap_or(stop::INTERRUPTED_EXIT_CODE))
        }
        Err(failure) => {
            eprintln!("error: {:#}", failure.error());
            ExitCode::from(failure.exit_code())
        }
    }
}
