//! Instants of trial time: [`SimTime`], a point on a trial's clock, apart from
//! [`Duration`], a length of time.
//!
//! An outage starts and ends at instants; how long it lasts is a length. Kept
//! as two types, the compiler accepts only the operations that mean something:
//! instant + length = instant, instant - length = instant, instant - instant =
//! length, and comparisons of instants. Adding two instants, or passing an
//! offset counted from the loss of service where a trial time is expected,
//! does not compile.
//!
//! `SimTime` wraps a `Duration` (the length since the trial start) and every
//! operation is the `Duration` operation on it, so figures are the same f64
//! arithmetic, bit for bit, as when instants were plain durations.

use std::ops::{Add, Sub};

use super::Duration;

/// An instant of simulated time: the length since the start of the trial, in f64
/// seconds (non-negative and finite, as [`Duration`] is). Ordered like the
/// numbers it holds; [`SimTime::total_cmp`] sorts.
#[derive(Clone, Copy, Debug, Default, PartialEq, PartialOrd)]
#[repr(transparent)]
pub struct SimTime(Duration);

impl SimTime {
    /// The start of the trial.
    pub const ZERO: SimTime = SimTime(Duration::ZERO);

    /// The instant `s` seconds after the trial start. `s` must be finite and >= 0
    /// (same rules as [`Duration::from_secs`]).
    pub fn from_secs(s: f64) -> SimTime {
        SimTime(Duration::from_secs(s))
    }

    /// The instant `offset` after the trial start. Exactly the offset's bits, which
    /// `SimTime::ZERO + offset` would not keep for a `-0.0` offset.
    pub fn after_start(offset: Duration) -> SimTime {
        SimTime(offset)
    }

    /// Seconds since the trial start.
    pub fn secs(self) -> f64 {
        self.0.secs()
    }

    /// The length of time from the trial start to this instant (e.g. to read it
    /// in days and hours of the simulated year).
    pub fn since_start(self) -> Duration {
        self.0
    }

    /// The length of time from `earlier` to this instant, or zero if `earlier` is
    /// later: what is left of an interval after a point inside or beyond it.
    pub fn saturating_since(self, earlier: SimTime) -> Duration {
        self.0.saturating_sub(earlier.0)
    }

    /// The earlier of two instants.
    pub fn min(self, other: SimTime) -> SimTime {
        SimTime(self.0.min(other.0))
    }

    /// The later of two instants.
    pub fn max(self, other: SimTime) -> SimTime {
        SimTime(self.0.max(other.0))
    }

    /// Total order, for sorting.
    pub fn total_cmp(&self, other: &SimTime) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

impl Add<Duration> for SimTime {
    type Output = SimTime;
    /// The instant `rhs` later (saturates at `f64::MAX` seconds, as [`Duration`] addition does).
    fn add(self, rhs: Duration) -> SimTime {
        SimTime(self.0 + rhs)
    }
}

impl Sub<Duration> for SimTime {
    type Output = SimTime;
    /// The instant `rhs` earlier, or the trial start if that is before it.
    fn sub(self, rhs: Duration) -> SimTime {
        SimTime(self.0.saturating_sub(rhs))
    }
}

impl Sub<SimTime> for SimTime {
    type Output = Duration;
    /// The length of time from `earlier` to this instant. `earlier` must not be
    /// later (checked by `debug_assert!`); in release builds it saturates at zero
    /// like [`SimTime::saturating_since`], which is the form to use when the
    /// order is not known.
    fn sub(self, earlier: SimTime) -> Duration {
        debug_assert!(earlier <= self, "instant {:?} s is after {:?} s", earlier.secs(), self.secs());
        self.saturating_since(earlier)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: f64) -> SimTime {
        SimTime::from_secs(s)
    }

    #[test]
    fn instant_plus_length_is_the_f64_sum() {
        for (t, d) in [(0.0, 0.0), (1.5, 2.25), (0.1, 0.2), (31_536_000.0, 1e-3), (1e300, 1e-300)] {
            let sum = at(t) + Duration::from_secs(d);
            assert_eq!(sum.secs().to_bits(), (t + d).to_bits(), "{t} + {d}");
            assert_eq!(sum.since_start(), Duration::from_secs(t) + Duration::from_secs(d));
        }
        // Saturates at the largest finite number, as Duration addition does.
        assert_eq!((at(f64::MAX) + Duration::from_secs(f64::MAX)).secs(), f64::MAX);
    }

    #[test]
    fn instant_minus_length_saturates_at_the_trial_start() {
        assert_eq!(at(10.0) - Duration::from_secs(4.0), at(6.0));
        assert_eq!(at(4.0) - Duration::from_secs(4.0), SimTime::ZERO);
        assert_eq!(at(4.0) - Duration::from_secs(10.0), SimTime::ZERO);
        assert_eq!((at(0.3) - Duration::from_secs(0.1)).secs().to_bits(), (0.3f64 - 0.1).to_bits());
    }

    #[test]
    fn instant_minus_instant_is_a_length() {
        assert_eq!(at(10.0) - at(4.0), Duration::from_secs(6.0));
        assert_eq!(at(4.0) - at(4.0), Duration::ZERO);
        assert_eq!(at(10.0).saturating_since(at(4.0)), Duration::from_secs(6.0));
        assert_eq!(at(4.0).saturating_since(at(10.0)), Duration::ZERO);
        let (a, b) = (0.7, 0.3);
        assert_eq!((at(a) - at(b)).secs().to_bits(), (a - b).to_bits());
        // Back and forth: (t + d) - t recovers d exactly when no rounding happens.
        assert_eq!((at(3600.0) + Duration::HOUR) - at(3600.0), Duration::HOUR);
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "is after")]
    fn subtracting_a_later_instant_is_a_bug() {
        let _ = at(1.0) - at(2.0);
    }

    #[test]
    fn instants_order_like_their_seconds() {
        assert!(SimTime::ZERO < at(5e-324));
        assert!(at(1.0) < at(2.0) && at(2.0) > at(1.0) && at(2.0) >= at(2.0));
        assert_eq!(at(1.0).min(at(2.0)), at(1.0));
        assert_eq!(at(1.0).max(at(2.0)), at(2.0));
        let mut times = vec![at(3.0), SimTime::ZERO, at(f64::MAX), at(1.0), at(1.0)];
        times.sort_by(SimTime::total_cmp);
        assert_eq!(times, vec![SimTime::ZERO, at(1.0), at(1.0), at(3.0), at(f64::MAX)]);
    }

    #[test]
    fn the_trial_start_is_zero_and_offsets_keep_their_bits() {
        assert_eq!(SimTime::ZERO.secs(), 0.0);
        assert_eq!(SimTime::default(), SimTime::ZERO);
        assert_eq!(SimTime::ZERO.since_start(), Duration::ZERO);
        for s in [0.0, 5e-324, 1.0, 31_536_000.0, f64::MAX] {
            let d = Duration::from_secs(s);
            assert_eq!(SimTime::after_start(d).since_start().secs().to_bits(), s.to_bits());
            assert_eq!(SimTime::after_start(d), at(s));
        }
    }

    #[test]
    fn is_as_small_as_the_f64_it_wraps() {
        assert_eq!(std::mem::size_of::<SimTime>(), std::mem::size_of::<f64>());
    }
}
