//! Simulated time: the [`Duration`] type and its humane text form ("1h 30m", "90s", "2d").

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Div, Mul};
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Units accepted by [`Duration::parse`], as (spelling, seconds). Years are 365 days.
const UNITS: &[(&str, f64)] = &[
    ("ms", 0.001),
    ("s", 1.0),
    ("sec", 1.0),
    ("secs", 1.0),
    ("second", 1.0),
    ("seconds", 1.0),
    ("m", 60.0),
    ("min", 60.0),
    ("mins", 60.0),
    ("minute", 60.0),
    ("minutes", 60.0),
    ("h", 3600.0),
    ("hr", 3600.0),
    ("hrs", 3600.0),
    ("hour", 3600.0),
    ("hours", 3600.0),
    ("d", 86_400.0),
    ("day", 86_400.0),
    ("days", 86_400.0),
    ("w", 604_800.0),
    ("week", 604_800.0),
    ("weeks", 604_800.0),
    ("y", 31_536_000.0),
    ("yr", 31_536_000.0),
    ("yrs", 31_536_000.0),
    ("year", 31_536_000.0),
    ("years", 31_536_000.0),
];

/// The short list of units quoted in error messages.
const ALLOWED: &str = "ms, s, m, h, d, w, y";

/// Units used when displaying a duration, largest first, as (suffix, seconds).
use crate::format::DISPLAY_UNITS;

/// Seconds in one unit spelled `name` (any spelling accepted by [`Duration::parse`], e.g. "h",
/// "hours", "ms"), or `None` for an unknown unit. Used to scale plain numbers read from files.
pub(crate) fn unit_secs(name: &str) -> Option<f64> {
    UNITS.iter().find(|(n, _)| *n == name).map(|&(_, s)| s)
}

/// A non-negative, finite span of simulated time, stored as f64 seconds: a length of time (an
/// outage's length, a step, a target). Instants of a trial are [`crate::model::SimTime`], so the
/// two cannot be mixed up. f64 seconds keep millisecond precision over centuries of simulated
/// time, which is ample for recovery models.
#[derive(Clone, Copy, Debug, Default, PartialEq, PartialOrd)]
pub struct Duration(f64);

/// Why a duration could not be built or parsed. Every message quotes the input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DurationError {
    /// The text was empty or only whitespace.
    #[error("empty duration: expected a number with a unit, like \"90s\", \"15m\", \"4h\" or \"2d\"")]
    Empty,
    /// The text had a minus sign.
    #[error("invalid duration \"{input}\": negative durations are not allowed")]
    Negative {
        /// The text as given.
        input: String,
    },
    /// A number was followed by a unit that is not known.
    #[error("invalid duration \"{input}\": unknown unit \"{unit}\" (allowed: {ALLOWED})")]
    UnknownUnit {
        /// The text as given.
        input: String,
        /// The unknown unit.
        unit: String,
    },
    /// A number had no unit after it (only the bare "0" may omit it).
    #[error("invalid duration \"{input}\": missing unit after \"{number}\" (allowed: {ALLOWED})")]
    MissingUnit {
        /// The text as given.
        input: String,
        /// The number that lacks a unit.
        number: String,
    },
    /// A `-` after a part: durations are written as a sum of parts, without signs.
    #[error(
        "invalid duration \"{input}\": unexpected '-' at \"{found}\"; write the parts without signs, like \"1h 30m\""
    )]
    Unexpected {
        /// The text as given.
        input: String,
        /// The rest of the text from the `-`.
        found: String,
    },
    /// Something other than a number stood where a number was expected.
    #[error("invalid duration \"{input}\": expected a number at \"{found}\", like \"90s\" or \"1h 30m\"")]
    Syntax {
        /// The text as given.
        input: String,
        /// The rest of the text from the offending position.
        found: String,
    },
    /// The total does not fit in an f64 number of seconds.
    #[error("invalid duration \"{input}\": too large")]
    TooLarge {
        /// The text as given.
        input: String,
    },
    /// A number of seconds was negative, NaN or infinite.
    #[error("invalid duration of {secs} seconds: must be finite and not negative")]
    InvalidSeconds {
        /// The rejected number of seconds.
        secs: f64,
    },
}

impl Duration {
    /// No time at all.
    pub const ZERO: Duration = Duration(0.0);
    /// One second.
    pub const SECOND: Duration = Duration(1.0);
    /// One minute (60 s).
    pub const MINUTE: Duration = Duration(60.0);
    /// One hour (3600 s).
    pub const HOUR: Duration = Duration(3600.0);
    /// One day (86 400 s).
    pub const DAY: Duration = Duration(86_400.0);
    /// Seven days (604 800 s).
    pub const WEEK: Duration = Duration(604_800.0);
    /// One year of exactly 365 days, the unit of annualised metrics.
    pub const YEAR: Duration = Duration(31_536_000.0);

    /// A duration of `s` seconds. `s` must be finite and >= 0 (checked by `debug_assert!`); in
    /// release builds negative and NaN inputs become zero and +infinity becomes `f64::MAX`, so the
    /// invariant holds without a branch on every hot-path arithmetic result.
    pub fn from_secs(s: f64) -> Duration {
        debug_assert!(s.is_finite() && s >= 0.0, "invalid duration: {s} seconds");
        if s >= 0.0 { Duration(s.min(f64::MAX)) } else { Duration::ZERO }
    }

    /// A duration of `s` seconds, or an error if `s` is negative, NaN or infinite. Use this for
    /// values that come from outside the program.
    pub fn try_from_secs(s: f64) -> Result<Duration, DurationError> {
        if s.is_finite() && s >= 0.0 { Ok(Duration(s)) } else { Err(DurationError::InvalidSeconds { secs: s }) }
    }

    /// A duration of `m` minutes (same rules as [`Duration::from_secs`]).
    pub fn from_minutes(m: f64) -> Duration {
        Duration::from_secs(m * 60.0)
    }

    /// A duration of `h` hours (same rules as [`Duration::from_secs`]).
    pub fn from_hours(h: f64) -> Duration {
        Duration::from_secs(h * 3600.0)
    }

    /// A duration of `d` days of 24 h (same rules as [`Duration::from_secs`]).
    pub fn from_days(d: f64) -> Duration {
        Duration::from_secs(d * 86_400.0)
    }

    /// Length in seconds.
    pub fn secs(self) -> f64 {
        self.0
    }

    /// Length in minutes.
    pub fn minutes(self) -> f64 {
        self.0 / 60.0
    }

    /// Length in hours.
    pub fn hours(self) -> f64 {
        self.0 / 3600.0
    }

    /// Length in days of 24 h.
    pub fn days(self) -> f64 {
        self.0 / 86_400.0
    }

    /// Length in years of 365 days.
    pub fn years(self) -> f64 {
        self.0 / Duration::YEAR.0
    }

    /// Parses the humane form used in model files: optional surrounding whitespace, then one or
    /// more `<number><unit>` parts, optionally separated by spaces ("1h30m", "1h 30m", "1.5h",
    /// "500ms", "2d", "1w", "1y"). Numbers are non-negative decimals; units are ms, s (sec, secs,
    /// second, seconds), m (min, mins, minute, minutes), h (hr, hrs, hour, hours), d (day, days),
    /// w (week, weeks) and y (yr, yrs, year, years; 365 days). The bare "0" needs no unit.
    pub fn parse(text: &str) -> Result<Duration, DurationError> {
        let s = text.trim();
        if s.is_empty() {
            return Err(DurationError::Empty);
        }
        let input = || text.to_string();
        let mut total = 0.0;
        let mut parts = 0;
        let mut rest = s;
        loop {
            rest = rest.trim_start();
            if rest.is_empty() {
                break;
            }
            if rest.starts_with('-') {
                // A leading minus is a negative duration; one after a part
                // ("1h-30m") is a stray character, not arithmetic.
                if parts == 0 {
                    return Err(DurationError::Negative { input: input() });
                }
                return Err(DurationError::Unexpected { input: input(), found: rest.to_string() });
            }
            let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
            let number = &rest[..num_len];
            let value: f64 =
                number.parse().map_err(|_| DurationError::Syntax { input: input(), found: rest.to_string() })?;
            rest = rest[num_len..].trim_start();
            let unit_len = rest
                .find(|c: char| c.is_whitespace() || c.is_ascii_digit() || c == '.' || c == '-')
                .unwrap_or(rest.len());
            let unit = &rest[..unit_len];
            if unit.is_empty() {
                if parts == 0 && rest.is_empty() && value == 0.0 {
                    return Ok(Duration::ZERO);
                }
                return Err(DurationError::MissingUnit { input: input(), number: number.to_string() });
            }
            let factor =
                unit_secs(unit).ok_or_else(|| DurationError::UnknownUnit { input: input(), unit: unit.to_string() })?;
            total += value * factor;
            parts += 1;
            rest = &rest[unit_len..];
        }
        if total.is_finite() { Ok(Duration(total)) } else { Err(DurationError::TooLarge { input: input() }) }
    }

    /// `self - other`, or zero if `other` is longer: the time left of `self` after `other`.
    pub fn saturating_sub(self, other: Duration) -> Duration {
        Duration((self.0 - other.0).max(0.0))
    }

    /// The shorter of two durations.
    pub fn min(self, other: Duration) -> Duration {
        Duration(self.0.min(other.0))
    }

    /// The longer of two durations.
    pub fn max(self, other: Duration) -> Duration {
        Duration(self.0.max(other.0))
    }

    /// Total order, for sorting.
    pub fn total_cmp(&self, other: &Duration) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }

    /// Short humane text: at most the two most significant units, rounded ("1h 30m").
    fn short_text(self) -> String {
        crate::format::fmt_seconds(self.0)
    }

    /// Lossless humane text: every unit down to (fractional) seconds ("1h 30m 15.25s"); falls back
    /// to plain seconds when the split would not parse back to exactly the same value.
    fn exact_text(self) -> String {
        let s = self.0;
        if s == 0.0 {
            return "0s".to_string();
        }
        let mut rest = s;
        let mut parts = Vec::new();
        for &(name, unit) in &DISPLAY_UNITS[..4] {
            if rest >= unit {
                let n = (rest / unit).floor();
                rest -= n * unit;
                parts.push(format!("{n}{name}"));
            }
        }
        if rest != 0.0 || parts.is_empty() {
            parts.push(format!("{rest}s"));
        }
        let text = parts.join(" ");
        match Duration::parse(&text) {
            Ok(d) if d == self => text,
            _ => format!("{s}s"),
        }
    }
}

impl Add for Duration {
    type Output = Duration;
    /// The sum of two durations (saturates at `f64::MAX` seconds in release builds).
    fn add(self, rhs: Duration) -> Duration {
        // Both are >= 0 and not NaN (the type's invariant), so is the sum:
        // only the clamp of `from_secs` at f64::MAX can apply.
        let s = self.0 + rhs.0;
        Duration(if s <= f64::MAX { s } else { f64::MAX })
    }
}

impl AddAssign for Duration {
    fn add_assign(&mut self, rhs: Duration) {
        *self = *self + rhs;
    }
}

impl Mul<f64> for Duration {
    type Output = Duration;
    /// The duration scaled by a factor that must be finite and >= 0 (`debug_assert!`).
    fn mul(self, factor: f64) -> Duration {
        debug_assert!(factor >= 0.0, "negative duration factor {factor}");
        Duration::from_secs(self.0 * factor)
    }
}

impl Div<f64> for Duration {
    type Output = Duration;
    /// The duration divided by a divisor that must be > 0 (`debug_assert!`).
    fn div(self, divisor: f64) -> Duration {
        debug_assert!(divisor > 0.0, "duration divisor {divisor} must be > 0");
        Duration::from_secs(self.0 / divisor)
    }
}

impl Div<Duration> for Duration {
    type Output = f64;
    /// The ratio of two durations (e.g. downtime / year); NaN or infinite if `rhs` is zero.
    fn div(self, rhs: Duration) -> f64 {
        self.0 / rhs.0
    }
}

impl Sum for Duration {
    fn sum<I: Iterator<Item = Duration>>(iter: I) -> Duration {
        iter.fold(Duration::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Duration> for Duration {
    fn sum<I: Iterator<Item = &'a Duration>>(iter: I) -> Duration {
        iter.copied().sum()
    }
}

/// Humane text. `{}` gives at most the two most significant units, rounded ("1h 30m", "3d 4h",
/// "2.5s", "250ms", "0s"); `{:#}` gives every unit, lossless ("1h 30m 15.25s"), and is what
/// serialization writes. Both forms parse back with [`Duration::parse`].
impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() { f.pad(&self.exact_text()) } else { f.pad(&self.short_text()) }
    }
}

impl FromStr for Duration {
    type Err = DurationError;
    fn from_str(s: &str) -> Result<Duration, DurationError> {
        Duration::parse(s)
    }
}

/// Serialized as the lossless humane string (`{:#}`), e.g. "1h 30m".
impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format!("{self:#}"))
    }
}

/// The message for a duration written as a bare number.
const NUMBER_GIVEN: &str = "expected a duration with a unit, like \"90s\", \"15m\", \"4h\" or \"2d\"";

struct DurationVisitor;

impl serde::de::Visitor<'_> for DurationVisitor {
    type Value = Duration;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a duration with a unit, like \"90s\", \"15m\", \"4h\" or \"2d\"")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Duration, E> {
        Duration::parse(v).map_err(E::custom)
    }
    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Duration, E> {
        Err(E::custom(NUMBER_GIVEN))
    }
    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Duration, E> {
        Err(E::custom(NUMBER_GIVEN))
    }
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Duration, E> {
        Err(E::custom(NUMBER_GIVEN))
    }
}

/// Accepts only strings in the [`Duration::parse`] form: a bare number is ambiguous about its unit
/// and is rejected with "expected a duration with a unit, like \"90s\", ...".
impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
        deserializer.deserialize_any(DurationVisitor)
    }
}

#[cfg(test)]
mod tests;
