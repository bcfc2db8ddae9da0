//! The progress bar of long runs: trials done, trials per second and the
//! time left, on standard error. None when standard error is not a terminal
//! (pipes, CI logs, tests) or with `--quiet`.
//!
//! It is an [`Observer`] of the simulation: the figures are the same with or
//! without it.

use std::io::IsTerminal;
use std::time::Duration as StdDuration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use crate::engine::Observer;

/// A progress bar over trials, or nothing.
#[derive(Clone, Debug)]
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A bar for `total` trials, shown only when stderr is a terminal and not `quiet`.
    pub fn new(total: u64, quiet: bool) -> Progress {
        if quiet || !std::io::stderr().is_terminal() {
            return Progress::hidden();
        }
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr_with_hz(8));
        let style = ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {human_pos}/{human_len} trials · {rate} · ETA {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .with_key("rate", |state: &ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(w, "{:.0} trials/s", state.per_sec());
        });
        bar.set_style(style);
        bar.enable_steady_tick(StdDuration::from_millis(250));
        Progress { bar: Some(bar) }
    }

    /// A progress that shows nothing.
    pub fn hidden() -> Progress {
        Progress { bar: None }
    }

    /// Whether a bar is shown.
    pub fn is_visible(&self) -> bool {
        self.bar.is_some()
    }

    /// Sets the trials done.
    pub fn set(&self, done: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(done);
        }
    }

    /// Removes the bar from the terminal.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Observer for Progress {
    fn progress(&mut self, done: u64, _planned: u64) {
        self.set(done);
    }
}
