//! Backup schedules as arithmetic: the last usable backup before a time is
//! computed from the schedule, never enqueued, so a year of hourly backups
//! costs nothing until an incident asks for one.
//!
//! Jobs run at `anchor + k * interval` for every integer `k` (the schedule
//! predates the trial). Job `k` succeeds with `job_success` and its copy
//! reaches the DR region after a `copy_delay` draw; both come from a stream
//! keyed by `(seed, trial, interval, k)`, so every strategy with the same
//! schedule sees the same jobs.

use crate::model::{BackupPolicy, Duration, SimTime};
use crate::world::seed::BackupJobs;
use rand::RngExt;

/// Where the restore point must be found.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Query {
    /// The snapshot must have been taken strictly before this time (the damage or the failure).
    pub taken_before: SimTime,
    /// For a restore in the DR region: the copy must have arrived by this time.
    pub copy_arrived_by: Option<SimTime>,
    /// When the restore runs: backups older than the retention then are gone.
    pub restore_at: SimTime,
}

/// Identifies the trial whose job outcomes are asked for.
#[derive(Clone, Copy, Debug)]
pub(crate) struct JobStream {
    /// The trial's job streams.
    pub streams: BackupJobs,
    /// The world's schedule anchor.
    pub anchor: SimTime,
}

#[cfg(test)]
impl JobStream {
    /// The jobs of trial `trial` of a run with master seed `seed`.
    pub(crate) fn new(seed: u64, trial: u64, anchor: SimTime) -> JobStream {
        JobStream { streams: BackupJobs::new(seed, trial), anchor }
    }
}

/// The data-loss window of a restore: time from the newest backup matching
/// `query` to `query.taken_before`; `None` when no backup within retention
/// matches. Computed in seconds so backups from before the trial start work.
pub(crate) fn loss_window(policy: &BackupPolicy, jobs: JobStream, query: Query) -> Option<Duration> {
    loss_window_before(policy, jobs, query, query.taken_before.secs())
}

/// [`loss_window`] among the jobs taken strictly before `before` seconds of
/// trial time (at most `query.taken_before`; negative before the trial
/// start), the window still counted to `query.taken_before`: the next older
/// restore point when a newer one turned out unusable (`attempts.rs`).
pub(crate) fn loss_window_before(
    policy: &BackupPolicy,
    jobs: JobStream,
    query: Query,
    before: f64,
) -> Option<Duration> {
    let interval = policy.interval.secs();
    let interval_ms = crate::num::round_i64(interval * 1000.0) as u64;
    let oldest = query.restore_at.secs() - policy.retention.secs();
    // The newest job k with anchor + k * interval < before.
    let mut k = crate::num::ceil_i64((before - jobs.anchor.secs()) / interval) - 1;
    loop {
        let taken = jobs.anchor.secs() + k as f64 * interval;
        if taken < oldest {
            return None;
        }
        // The copy delay is the job's second draw; it is drawn only when a
        // copy is asked for (the job's stream is its own, so skipping it
        // changes nothing else).
        let mut rng = jobs.streams.rng(interval_ms, k);
        let succeeded = rng.random::<f64>() < policy.job_success.get();
        if succeeded && query.copy_arrived_by.is_none_or(|by| taken + policy.copy_delay.sample(&mut rng) <= by.secs()) {
            return Some(Duration::from_secs(query.taken_before.secs() - taken));
        }
        k -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Dist, Probability};

    /// The instant `h` hours into the trial.
    fn hours(h: f64) -> SimTime {
        SimTime::after_start(Duration::from_hours(h))
    }

    fn policy(interval_h: f64, copy_h: f64, success: f64) -> BackupPolicy {
        BackupPolicy {
            interval: Duration::from_hours(interval_h),
            job_success: Probability::new(success).unwrap(),
            copy_to_dr_region: true,
            copy_delay: Dist::fixed(copy_h * 3600.0),
            retention: Duration::DAY * 7.0,
            cold_after: None,
            immutable: false,
            encrypted: true,
        }
    }

    #[test]
    fn window_is_copy_delay_plus_time_since_the_job() {
        // Jobs at 0.25h + k; copy takes 0.5h. At t = 3.0h the newest job whose
        // copy has landed is the one at 2.25h (2.25 + 0.5 <= 3): window 0.75h.
        let jobs = JobStream::new(1, 0, hours(0.25));
        let at = hours(3.0);
        let q = Query { taken_before: at, copy_arrived_by: Some(at), restore_at: at };
        let w = loss_window(&policy(1.0, 0.5, 1.0), jobs, q).unwrap();
        assert!((w.hours() - 0.75).abs() < 1e-9);
        // At 2.5h the 2.25h copy has not landed: the 1.25h job is used.
        let at = hours(2.5);
        let q = Query { taken_before: at, copy_arrived_by: Some(at), restore_at: at };
        assert!((loss_window(&policy(1.0, 0.5, 1.0), jobs, q).unwrap().hours() - 1.25).abs() < 1e-9);
    }

    #[test]
    fn backups_before_the_trial_count_and_retention_expires_them() {
        let jobs = JobStream::new(1, 0, hours(0.5));
        let at = hours(0.25);
        let q = Query { taken_before: at, copy_arrived_by: None, restore_at: at };
        assert!((loss_window(&policy(1.0, 0.0, 1.0), jobs, q).unwrap().hours() - 0.75).abs() < 1e-9);
        let q = Query { taken_before: at, copy_arrived_by: None, restore_at: at + Duration::DAY * 8.0 };
        assert_eq!(loss_window(&policy(1.0, 0.0, 1.0), jobs, q), None);
    }

    #[test]
    fn failed_jobs_are_skipped() {
        let jobs = JobStream::new(1, 0, SimTime::ZERO);
        let at = SimTime::after_start(Duration::DAY * 3.0);
        let q = Query { taken_before: at, copy_arrived_by: None, restore_at: at };
        assert_eq!(loss_window(&policy(1.0, 0.0, 0.0), jobs, q), None);
        let w = loss_window(&policy(1.0, 0.0, 0.5), jobs, q).unwrap();
        assert!(w.hours() >= 1.0 - 1e-9 && (w.hours() - w.hours().round()).abs() < 1e-6);
    }
}
