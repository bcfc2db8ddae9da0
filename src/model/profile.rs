//! The load profile: when load is high, an outage costs more and loses more
//! orders. Validation here; the integral over an outage is in `crate::cost`.

use super::check::Check;
use super::limits::MAX_NUMBER;
use super::raw::RawLoadProfile;
use super::{Duration, HOURS_PER_YEAR, KeyPath, LoadProfile, Peak};

impl LoadProfile {
    /// A flat profile: every hour weighs 1.
    pub fn flat() -> LoadProfile {
        LoadProfile { hour_of_day: [1.0; 24], day_of_week: [1.0; 7], peaks: Vec::new() }
    }

    /// The multiplier in force at a time since the start of the simulated year
    /// (the profile repeats every 365 days).
    pub fn multiplier_at(&self, t: Duration) -> f64 {
        let secs = t.secs() % Duration::YEAR.secs();
        let hour_index = (secs / 3600.0) as usize;
        let hour = hour_index % 24;
        let day = (hour_index / 24) % 7;
        let mut m = self.hour_of_day[hour] * self.day_of_week[day];
        let at = Duration::from_secs(secs);
        for peak in &self.peaks {
            if at >= peak.start && at < peak.start + peak.length {
                m *= peak.multiplier;
            }
        }
        m
    }

    /// The load integrated hour by hour over one year: entry `h` is the sum of
    /// the multipliers of hours `0..h` (each taken at its middle), so the
    /// vector has [`HOURS_PER_YEAR`] + 1 entries and its last is the load-hours
    /// of a whole year (8,760 for a flat profile). Costs integrate outages
    /// with it; validation bounds the revenue of a year with its last entry.
    pub fn cumulative_hours(&self) -> Vec<f64> {
        let mut out = Vec::with_capacity(HOURS_PER_YEAR + 1);
        let mut sum = 0.0;
        out.push(0.0);
        for hour in 0..HOURS_PER_YEAR {
            sum += self.multiplier_at(Duration::from_hours(hour as f64 + 0.5));
            out.push(sum);
        }
        out
    }

    /// True when every multiplier is 1.
    pub fn is_flat(&self) -> bool {
        self.peaks.is_empty()
            && self.hour_of_day.iter().all(|&m| m == 1.0)
            && self.day_of_week.iter().all(|&m| m == 1.0)
    }
}

fn normalised<const N: usize>(v: &mut impl Check, at: KeyPath, values: Option<&Vec<f64>>) -> Option<[f64; N]> {
    let Some(values) = values else { return Some([1.0; N]) };
    if values.len() != N {
        v.problem(at, format!("{} values given; give exactly {N} multipliers", values.len()));
        return None;
    }
    if values.iter().any(|x| !x.is_finite() || *x < 0.0 || *x > MAX_NUMBER) {
        v.problem(at, format!("every multiplier must be zero or a positive number, at most {MAX_NUMBER:e}"));
        return None;
    }
    let mean = values.iter().sum::<f64>() / N as f64;
    if mean <= 0.0 {
        v.problem(at, "the multipliers are all zero; at least one must be positive".into());
        return None;
    }
    let mut out = [0.0; N];
    for (o, x) in out.iter_mut().zip(values) {
        *o = x / mean;
    }
    Some(out)
}

/// Validates a load profile. Hour-of-day and day-of-week multipliers are
/// normalised to mean 1, so `revenue_per_hour` stays the average outside peaks.
pub(super) fn load_profile(
    v: &mut impl Check,
    workload: &KeyPath,
    raw: Option<&RawLoadProfile>,
) -> Option<LoadProfile> {
    let Some(raw) = raw else { return Some(LoadProfile::flat()) };
    let at = workload.key("load_profile");
    let hours = normalised::<24>(v, at.key("hour_of_day"), raw.hour_of_day.as_ref());
    let days = normalised::<7>(v, at.key("day_of_week"), raw.day_of_week.as_ref());
    let mut peaks = Vec::new();
    let mut ok = true;
    for (i, p) in raw.peak.iter().enumerate() {
        let here = at.key("peak").index(i);
        if !(1..=365).contains(&p.start_day) {
            v.problem(here.key("start_day"), format!("day {} is not in the year; allowed: 1 to 365", p.start_day));
            ok = false;
        }
        if p.days == 0 || p.start_day + p.days > 366 {
            v.problem(
                here.key("days"),
                format!(
                    "{} days from day {} does not fit in the year; allowed: 1 to {}",
                    p.days,
                    p.start_day,
                    366 - p.start_day.min(365)
                ),
            );
            ok = false;
        }
        if !p.multiplier.is_finite() || p.multiplier < 0.0 || p.multiplier > MAX_NUMBER {
            v.problem(
                here.key("multiplier"),
                format!("{} is not allowed; allowed: zero or a positive number, at most {MAX_NUMBER:e}", p.multiplier),
            );
            ok = false;
        }
        peaks.push(Peak {
            name: p.name.clone().unwrap_or_else(|| format!("peak {}", i + 1)),
            start: Duration::DAY * f64::from(p.start_day.saturating_sub(1)),
            length: Duration::DAY * f64::from(p.days),
            multiplier: p.multiplier,
        });
    }
    Some(LoadProfile { hour_of_day: hours?, day_of_week: days?, peaks: if ok { peaks } else { return None } })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peak_multiplies_hour_and_day() {
        let mut p = LoadProfile::flat();
        p.hour_of_day[3] = 0.5;
        p.peaks.push(Peak {
            name: "bf".into(),
            start: Duration::DAY * 10.0,
            length: Duration::DAY * 7.0,
            multiplier: 5.0,
        });
        assert_eq!(p.multiplier_at(Duration::from_hours(3.5)), 0.5);
        assert_eq!(p.multiplier_at(Duration::DAY * 11.0 + Duration::from_hours(3.0)), 2.5);
        assert_eq!(p.multiplier_at(Duration::DAY * 17.0), 1.0);
        assert_eq!(p.multiplier_at(Duration::YEAR + Duration::from_hours(3.0)), 0.5);
    }
}
