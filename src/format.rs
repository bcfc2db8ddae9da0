//! Number formatting at the ground floor: durations, percentages and money
//! as every human-readable output prints them. Any layer may use these (the
//! model's `Duration` prints through [`fmt_seconds`]); none of them knows a
//! model or a result type, so nothing here looks up at another layer.

/// Display units, largest first: name and seconds. A year is 365 days.
pub const DISPLAY_UNITS: [(&str, f64); 5] =
    [("y", 31_536_000.0), ("d", 86_400.0), ("h", 3600.0), ("m", 60.0), ("s", 1.0)];

/// A non-negative, finite number of seconds, short and humane: the two
/// largest units (`1h 30m`, `2d 4h`), seconds below a minute to the
/// millisecond (`1.5s`), milliseconds below a second (`250ms`).
///
/// Rounds to the smaller of the two units shown; values below a microsecond
/// print as plain seconds.
pub fn fmt_seconds(s: f64) -> String {
    if s == 0.0 {
        return "0s".to_string();
    }
    let r = (s * 1e6).round() / 1e6;
    if r == 0.0 {
        return format!("{s}s");
    }
    if r < 1.0 {
        return format!("{}ms", trim_decimals(r * 1000.0, 3));
    }
    if r < 60.0 {
        return format!("{}s", trim_decimals(r, 3));
    }
    let index = |v: f64| DISPLAY_UNITS.iter().position(|&(_, u)| v >= u).unwrap_or(4);
    let second = DISPLAY_UNITS[(index(r) + 1).min(4)].1;
    let rounded = (r / second).round() * second;
    let i = index(rounded);
    let (big_name, big) = DISPLAY_UNITS[i];
    let (small_name, small) = DISPLAY_UNITS[(i + 1).min(4)];
    let a = (rounded / big).floor();
    let b = ((rounded - a * big) / small).round();
    if b == 0.0 || i == 4 { format!("{a}{big_name}") } else { format!("{a}{big_name} {b}{small_name}") }
}

/// `v` with at most `decimals` decimals and no trailing zeros ("2.5", "250", "0.125").
pub fn trim_decimals(v: f64, decimals: usize) -> String {
    let text = format!("{v:.decimals$}");
    if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_string() } else { text }
}

/// A duration in seconds as [`fmt_seconds`] prints it; infinite means all
/// data lost (`all data`); negative and NaN print as `0s`, above `f64::MAX`
/// as its value.
pub fn fmt_duration_s(secs: f64) -> String {
    if secs.is_infinite() && secs > 0.0 {
        return "all data".to_string();
    }
    fmt_seconds(if secs >= 0.0 { secs.min(f64::MAX) } else { 0.0 })
}

/// A fraction as a percentage with enough digits to tell 99.9% from 99.99%:
/// one decimal outside [99%, 100%), up to six inside it.
pub fn fmt_percent(x: f64) -> String {
    let pct = x * 100.0;
    if (99.0..100.0).contains(&pct) {
        let digits = (-(100.0 - pct).log10()).ceil().clamp(1.0, 5.0) as usize + 1;
        format!("{pct:.digits$}%")
    } else {
        format!("{pct:.1}%")
    }
}

/// USD rounded to the dollar with thousands separators: `$1,234,567`, `-$5`.
pub fn fmt_usd(x: f64) -> String {
    let negative = x < 0.0;
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{}${out}", if negative { "-" } else { "" })
}

/// A magnitude to three significant digits with a k, M or B suffix, no
/// currency sign: `950`, `41.5k`, `2.61M`, `1.20B` (negative with `-`).
pub fn fmt_short(x: f64) -> String {
    let a = x.abs();
    let sign = if x < 0.0 { "-" } else { "" };
    let (v, unit) = if a < 999.5 {
        return format!("{sign}{a:.0}");
    } else if a < 999_500.0 {
        (a / 1e3, "k")
    } else if a < 999_500_000.0 {
        (a / 1e6, "M")
    } else {
        (a / 1e9, "B")
    };
    let decimals = if v < 9.995 {
        2
    } else if v < 99.95 {
        1
    } else {
        0
    };
    format!("{sign}{v:.decimals$}{unit}")
}

/// USD to three significant digits: `$950`, `$41.5k`, `$2.61M` (see [`fmt_short`]).
pub fn fmt_usd_short(x: f64) -> String {
    let s = fmt_short(x);
    match s.strip_prefix('-') {
        Some(rest) => format!("-${rest}"),
        None => format!("${s}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_keep_the_nines() {
        assert_eq!(fmt_percent(0.5), "50.0%");
        assert_eq!(fmt_percent(0.9995), "99.950%");
        assert_eq!(fmt_percent(0.99), "99.00%");
        assert_eq!(fmt_percent(1.0), "100.0%");
    }

    #[test]
    fn durations_show_two_units_and_all_data() {
        assert_eq!(fmt_duration_s(0.0), "0s");
        assert_eq!(fmt_duration_s(0.25), "250ms");
        assert_eq!(fmt_duration_s(90.0), "1m 30s");
        assert_eq!(fmt_duration_s(5400.0), "1h 30m");
        assert_eq!(fmt_duration_s(3.0 * 86_400.0 + 3600.0), "3d 1h");
        assert_eq!(fmt_duration_s(f64::INFINITY), "all data");
        assert_eq!(fmt_duration_s(-1.0), "0s");
    }

    #[test]
    fn short_amounts_keep_three_significant_digits() {
        assert_eq!(fmt_usd_short(0.0), "$0");
        assert_eq!(fmt_usd_short(949.6), "$950");
        assert_eq!(fmt_usd_short(999.6), "$1.00k");
        assert_eq!(fmt_usd_short(41_480.0), "$41.5k");
        assert_eq!(fmt_usd_short(363_187.0), "$363k");
        assert_eq!(fmt_usd_short(999_700.0), "$1.00M");
        assert_eq!(fmt_usd_short(2_611_866.0), "$2.61M");
        assert_eq!(fmt_usd_short(-1_234_567_890.0), "-$1.23B");
        assert_eq!(fmt_short(82_000.0), "82.0k");
    }

    #[test]
    fn dollars_have_thousands_separators() {
        assert_eq!(fmt_usd(0.0), "$0");
        assert_eq!(fmt_usd(1_234_567.4), "$1,234,567");
        assert_eq!(fmt_usd(-999.6), "-$1,000");
    }
}
