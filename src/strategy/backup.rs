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
    /// Silent breakage of the pipeline, when the policy has a breakage rate.
    pub breakage: Option<Breakage>,
}

/// A backup pipeline that can break silently and stays broken until a
/// verification finds it: a restore test, or a real restore. After each
/// verification at `v`, the next breakage comes `Exp(rate)` later (a Poisson
/// process, memoryless), drawn from a stream keyed by the schedule and `v`;
/// every job from the breakage to the next verification fails. Jobs taken
/// before the last verification before the trial count as sound.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Breakage {
    /// Breakages per second.
    pub rate_per_s: f64,
    /// Restore tests at `phase + j * interval` for every integer `j`.
    pub tests: Option<(SimTime, Duration)>,
    /// The last verification before the trial (a restore test or restore
    /// then), seconds from the trial start: negative (a `SimTime` cannot be).
    pub verified_before_trial_s: f64,
    /// The last real restore so far in this trial.
    pub last_restore: Option<SimTime>,
}

impl Breakage {
    /// The last verification at or before `t` (seconds from the trial start);
    /// `None` before the pre-trial verification.
    fn last_verification(&self, t: f64) -> Option<f64> {
        let mut v = self.verified_before_trial_s;
        if let Some((phase, interval)) = self.tests {
            let i = interval.secs();
            v = v.max(phase.secs() + ((t - phase.secs()) / i).floor() * i);
        }
        if let Some(r) = self.last_restore.filter(|r| r.secs() <= t) {
            v = v.max(r.secs());
        }
        (v <= t).then_some(v)
    }

    /// Whether the job taken at `taken` (seconds) fell in a broken spell.
    fn broken(&self, streams: BackupJobs, interval_ms: u64, taken: f64) -> bool {
        let Some(v) = self.last_verification(taken) else { return false };
        let mut rng = streams.breakage_rng(interval_ms, crate::num::round_i64(v * 1000.0));
        let e: f64 = rand_distr::Distribution::sample(&rand_distr::Exp1, &mut rng);
        taken >= v + e / self.rate_per_s
    }
}

#[cfg(test)]
impl JobStream {
    /// The jobs of trial `trial` of a run with master seed `seed`.
    pub(crate) fn new(seed: u64, trial: u64, anchor: SimTime) -> JobStream {
        JobStream { streams: BackupJobs::new(seed, trial), anchor, breakage: None }
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
        let succeeded = rng.random::<f64>() < policy.job_success.get()
            && !jobs.breakage.is_some_and(|b| b.broken(jobs.streams, interval_ms, taken));
        // The copy's own success is its third draw, made only when it can fail.
        let copied = |rng: &mut crate::world::seed::SimRng| {
            taken + policy.copy_delay.sample(rng) <= query.copy_arrived_by.map_or(f64::INFINITY, |by| by.secs())
                && (policy.copy_success.get() >= 1.0 || rng.random::<f64>() < policy.copy_success.get())
        };
        if succeeded && (query.copy_arrived_by.is_none() || copied(&mut rng)) {
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
            vault: crate::model::Vault::SameAccount,
            copy_success: Probability::ONE,
            breakage_rate_per_year: 0.0,
            restore_test_interval: None,
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

    /// A pipeline last verified `a` before the trial, breaking at rate
    /// `lambda` and never tested: the job at `t` is broken with probability
    /// `1 - exp(-lambda (t + a))` (the first breakage after the verification
    /// is exponential). Over 20,000 trials the share is within 4 standard errors.
    #[test]
    fn a_silent_breakage_stays_until_verified() {
        let day = Duration::DAY.secs();
        let (lambda_per_year, a_days, t_days) = (1.0, 100.0, 50.0);
        let breakage = Breakage {
            rate_per_s: lambda_per_year / Duration::YEAR.secs(),
            tests: None,
            verified_before_trial_s: -a_days * day,
            last_restore: None,
        };
        let n = 20_000;
        let broken =
            (0..n).filter(|&trial| breakage.broken(BackupJobs::new(7, trial), 86_400_000, t_days * day)).count() as f64
                / n as f64;
        let p = 1.0 - (-lambda_per_year * (a_days + t_days) / 365.0f64).exp();
        let se = (p * (1.0 - p) / n as f64).sqrt();
        assert!((broken - p).abs() < 4.0 * se, "{broken} vs {p}");
        // A restore test between repairs it: jobs after the test are broken
        // only by a breakage after the test.
        let tested = Breakage { tests: Some((SimTime::after_start(Duration::DAY * 45.0), Duration::YEAR)), ..breakage };
        let broken = (0..n).filter(|&trial| tested.broken(BackupJobs::new(7, trial), 86_400_000, t_days * day)).count()
            as f64
            / n as f64;
        let p = 1.0 - (-lambda_per_year * 5.0 / 365.0f64).exp();
        let se = (p * (1.0 - p) / n as f64).sqrt();
        assert!((broken - p).abs() < 4.0 * se, "{broken} vs {p}");
    }

    /// A copy that fails on its own (copy_success) is skipped like a failed
    /// job: with copies always failing, no restore point reaches the DR region.
    #[test]
    fn failed_copies_are_skipped() {
        let jobs = JobStream::new(1, 0, SimTime::ZERO);
        let at = SimTime::after_start(Duration::DAY * 3.0);
        let q = Query { taken_before: at, copy_arrived_by: Some(at), restore_at: at };
        let mut p = policy(1.0, 0.0, 1.0);
        p.copy_success = Probability::ZERO;
        assert_eq!(loss_window(&p, jobs, q), None);
        p.copy_success = Probability::ONE;
        assert!(loss_window(&p, jobs, q).is_some());
    }
}
