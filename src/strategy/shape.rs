//! How much of the load an incident takes over time, beyond all-or-nothing:
//! the arithmetic behind the recovery shapes of [`crate::model::RecoveryShape`]
//! and [`crate::model::IncidentShape`].
//!
//! - After a switch, the load not served at `t` (from the switch) is the
//!   larger of the stale tail (share `s` until `L`) and the capacity
//!   shortfall (`1 - c` held for `hold`, then falling linearly to 0 over
//!   `ramp`): stale clients hit the dead site and do not use the DR side's
//!   capacity, so the two overlap rather than add. Its integral is the
//!   load-weighted downtime the switch adds ([`unserved`]).
//! - A restore queue runs `k` restores at once, each tenant taking its own
//!   draw, in rank order: tenant `i` is back when its restore ends
//!   ([`Queue`]); with a fixed time `t` the last of `n` is back at
//!   `ceil(n / k) x t`.
//! - A point-in-time restore loads the last full snapshot before the
//!   restore point and replays the log written since ([`replay_hours`]).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::model::Duration;

/// Share of the load without capacity after the switch: `level` held for
/// `hold`, then falling linearly to 0 over `ramp` (a step when `ramp` is 0).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Shortfall {
    pub level: f64,
    pub hold: Duration,
    pub ramp: Duration,
}

impl Shortfall {
    /// How long some load is short of capacity.
    pub(super) fn length(&self) -> Duration {
        if self.level > 0.0 { self.hold + self.ramp } else { Duration::ZERO }
    }
}

/// Clients that keep the old address: `share` of the load for `length` after the switch.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Tail {
    pub share: f64,
    pub length: Duration,
}

/// The load-weighted time not served over `span` after the switch: the
/// integral of `max(tail(t), shortfall(t))` for `t` in `[0, span]`, exact
/// (both are piecewise linear; each piece is split where they cross).
pub(super) fn unserved(span: Duration, shortfall: Shortfall, tail: Option<Tail>) -> Duration {
    let end = span.secs();
    let tail = tail.unwrap_or(Tail { share: 0.0, length: Duration::ZERO });
    let (hold, ramp) = (shortfall.hold.secs(), shortfall.ramp.secs());
    let mut cuts = [0.0, tail.length.secs(), hold, hold + ramp, end];
    cuts.sort_by(f64::total_cmp);
    let tail_at = |t: f64| if t < tail.length.secs() { tail.share } else { 0.0 };
    let mut total = 0.0;
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1].min(end));
        if b <= a {
            continue;
        }
        // Within (a, b) both are linear: the pieces are those at the midpoint.
        let mid = 0.5 * (a + b);
        let s = tail_at(mid);
        let f = |t: f64| {
            if mid < hold {
                shortfall.level
            } else if mid < hold + ramp {
                shortfall.level * (1.0 - (t - hold) / ramp)
            } else {
                0.0
            }
        };
        let (fa, fb) = (f(a), f(b));
        total += if (fa - s) * (fb - s) < 0.0 {
            // They cross at x: integrate the larger on each side.
            let x = a + (s - fa) / (fb - fa) * (b - a);
            let left = if fa > s { 0.5 * (fa + s) * (x - a) } else { s * (x - a) };
            let right = if fb > s { 0.5 * (s + fb) * (b - x) } else { s * (b - x) };
            left + right
        } else if fa + fb >= 2.0 * s {
            0.5 * (fa + fb) * (b - a)
        } else {
            s * (b - a)
        };
    }
    Duration::from_secs(total)
}

/// A restore queue: `concurrency` restores at once, tenants taken in rank order.
pub(super) struct Queue {
    free_at: BinaryHeap<Reverse<u64>>,
}

impl Queue {
    /// An idle queue of `concurrency` workers.
    pub(super) fn new(concurrency: u32, tenants: u32) -> Queue {
        let workers = concurrency.min(tenants).max(1) as usize;
        Queue { free_at: (0..workers).map(|_| Reverse(0)).collect() }
    }

    /// Restores the next tenant, taking `time`: when it is back, from the queue's start.
    /// Kept in whole microseconds, so ties between workers break the same way everywhere.
    pub(super) fn next(&mut self, time: Duration) -> Duration {
        let Reverse(start) = self.free_at.pop().unwrap_or(Reverse(0));
        let end = start + (time.secs() * 1e6).round().max(0.0) as u64;
        self.free_at.push(Reverse(end));
        Duration::from_secs(end as f64 / 1e6)
    }
}

/// Hours a point-in-time restore to the instant `target_s` spends on the
/// log: the log written since the last full snapshot (taken at
/// `anchor_s + j x interval`) at `log_gb_per_hour`, replayed at `replay_gb_per_hour`.
pub(super) fn replay_hours(
    target_s: f64,
    anchor_s: f64,
    interval: Duration,
    log_gb_per_hour: f64,
    replay_gb_per_hour: f64,
) -> f64 {
    let since = (target_s - anchor_s).rem_euclid(interval.secs());
    Duration::from_secs(since).hours() * log_gb_per_hour / replay_gb_per_hour
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(x: f64) -> Duration {
        Duration::from_hours(x)
    }

    fn close(a: Duration, b: f64) -> bool {
        (a.secs() - b).abs() < 1e-6 * b.max(1.0)
    }

    #[test]
    fn a_tail_alone_adds_share_times_length() {
        let none = Shortfall { level: 0.0, hold: Duration::ZERO, ramp: Duration::ZERO };
        let tail = Tail { share: 0.1, length: h(2.0) };
        assert!(close(unserved(h(6.0), none, Some(tail)), 0.1 * 7200.0));
        // Cut short by the primary's return.
        assert!(close(unserved(h(1.0), none, Some(tail)), 0.1 * 3600.0));
    }

    #[test]
    fn a_linear_ramp_matches_the_closed_form() {
        // (1 - c)(span - span^2 / 2R) over a span shorter than the ramp.
        let f = Shortfall { level: 0.5, hold: Duration::ZERO, ramp: h(2.0) };
        let span: f64 = 3600.0;
        assert!(close(unserved(h(1.0), f, None), 0.5 * (span - span * span / (2.0 * 7200.0))));
        assert!(close(unserved(h(5.0), f, None), 0.5 * 3600.0));
    }

    #[test]
    fn a_step_holds_the_shortfall_for_the_whole_stall() {
        let f = Shortfall { level: 0.5, hold: h(4.0), ramp: Duration::ZERO };
        assert!(close(unserved(h(12.0), f, None), 0.5 * 4.0 * 3600.0));
        assert_eq!(f.length(), h(4.0));
    }

    #[test]
    fn a_tail_and_a_shortfall_overlap_rather_than_add() {
        // Tail 0.2 for 2 h; shortfall 0.5 falling to 0 over 2 h (below 0.2 after 1.2 h).
        let f = Shortfall { level: 0.5, hold: Duration::ZERO, ramp: h(2.0) };
        let tail = Tail { share: 0.2, length: h(2.0) };
        // Shortfall area above the crossing at 1.2 h: 0.5 (0.5 + 0.2) 1.2 h; then 0.2 x 0.8 h.
        let expected = (0.5 * (0.5 + 0.2) * 1.2 + 0.2 * 0.8) * 3600.0;
        assert!(close(unserved(h(6.0), f, Some(tail)), expected), "{:?}", unserved(h(6.0), f, Some(tail)));
    }

    #[test]
    fn a_queue_of_fixed_restores_ends_at_ceil_n_over_k_times_t() {
        for (n, k) in [(883u32, 85u32), (10, 3), (5, 10), (1, 1)] {
            let mut q = Queue::new(k, n);
            let t = h(12.0);
            let times: Vec<Duration> = (0..n).map(|_| q.next(t)).collect();
            let last = times.iter().copied().fold(Duration::ZERO, Duration::max);
            assert!(close(last, f64::from(n.div_ceil(k)) * 12.0 * 3600.0), "{n} {k}");
            // Tenant of rank r (1-based) is back at ceil(r / k) x t.
            for (i, back) in times.iter().enumerate() {
                assert!(close(*back, f64::from((i as u32 + 1).div_ceil(k)) * 12.0 * 3600.0));
            }
        }
    }

    #[test]
    fn replay_grows_with_the_time_since_the_full_snapshot() {
        // Snapshots daily at 01:00; restoring to 07:00 replays 6 h of log at 10 GB/h, replayed at 60 GB/h.
        let r = replay_hours(7.0 * 3600.0, 3600.0, Duration::DAY, 10.0, 60.0);
        assert!((r - 1.0).abs() < 1e-9);
        // Just before the next snapshot: almost a day of log.
        let r = replay_hours(25.0 * 3600.0 - 1.0, 3600.0, Duration::DAY, 10.0, 60.0);
        assert!((r - 4.0).abs() < 1e-3);
    }
}
