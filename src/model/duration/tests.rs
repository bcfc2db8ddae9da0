//! Tests of `duration`: parsing, display and serde.
use super::*;

#[test]
fn parse_valid_table() {
    let cases: &[(&str, f64)] = &[
        ("0", 0.0),
        (" 0 ", 0.0),
        ("0s", 0.0),
        ("90s", 90.0),
        ("500ms", 0.5),
        ("1.5h", 5400.0),
        ("1h30m", 5400.0),
        ("1h 30m", 5400.0),
        ("  1 h 30 min ", 5400.0),
        ("2d", 172_800.0),
        ("1w", 604_800.0),
        ("1y", 31_536_000.0),
        ("2 years", 63_072_000.0),
        ("3 hours 15 minutes 2 seconds", 11_702.0),
        ("1hr 1sec", 3601.0),
        (".5m", 30.0),
        ("15 mins", 900.0),
    ];
    for &(text, secs) in cases {
        assert_eq!(Duration::parse(text), Ok(Duration::from_secs(secs)), "{text}");
        assert_eq!(text.parse::<Duration>().map(Duration::secs), Ok(secs), "{text}");
    }
}

#[test]
fn parse_invalid_table() {
    let cases: &[(&str, &str)] = &[
        ("-3h", "invalid duration \"-3h\": negative durations are not allowed"),
        (
            "1h -3m",
            "invalid duration \"1h -3m\": unexpected '-' at \"-3m\"; write the parts without signs, like \"1h 30m\"",
        ),
        ("5 parsecs", "invalid duration \"5 parsecs\": unknown unit \"parsecs\" (allowed: ms, s, m, h, d, w, y)"),
        ("", "empty duration: expected a number with a unit, like \"90s\", \"15m\", \"4h\" or \"2d\""),
        ("   ", "empty duration: expected a number with a unit, like \"90s\", \"15m\", \"4h\" or \"2d\""),
        ("3", "invalid duration \"3\": missing unit after \"3\" (allowed: ms, s, m, h, d, w, y)"),
        ("1h 30", "invalid duration \"1h 30\": missing unit after \"30\" (allowed: ms, s, m, h, d, w, y)"),
        ("h", "invalid duration \"h\": expected a number at \"h\", like \"90s\" or \"1h 30m\""),
        ("1.2.3s", "invalid duration \"1.2.3s\": expected a number at \"1.2.3s\", like \"90s\" or \"1h 30m\""),
    ];
    for &(text, message) in cases {
        let err = Duration::parse(text).unwrap_err();
        assert_eq!(err.to_string(), message, "{text}");
    }
    let huge = format!("{}y", "9".repeat(400));
    assert_eq!(Duration::parse(&huge), Err(DurationError::TooLarge { input: huge.clone() }));
    assert!(matches!(Duration::parse("1e3s"), Err(DurationError::UnknownUnit { .. })));
    assert!(matches!(Duration::parse("5H"), Err(DurationError::UnknownUnit { .. })));
}

#[test]
fn try_from_secs_rejects_bad_numbers() {
    assert_eq!(Duration::try_from_secs(2.0), Ok(Duration::from_secs(2.0)));
    for bad in [-1.0, f64::NAN, f64::INFINITY] {
        assert!(Duration::try_from_secs(bad).is_err(), "{bad}");
    }
}

#[test]
fn display_table() {
    let cases: &[(f64, &str)] = &[
        (0.0, "0s"),
        (0.25, "250ms"),
        (0.0005, "0.5ms"),
        (2.5, "2.5s"),
        (59.0, "59s"),
        (59.9999999, "1m"),
        (90.0, "1m 30s"),
        (3599.6, "1h"),
        (5400.0, "1h 30m"),
        (5415.0, "1h 30m"),
        (3.0 * 86_400.0 + 4.0 * 3600.0, "3d 4h"),
        (3.0 * 86_400.0 + 4.0 * 3600.0 + 59.0, "3d 4h"),
        (86_400.0, "1d"),
        (31_536_000.0, "1y"),
        (400.0 * 86_400.0, "1y 35d"),
    ];
    for &(secs, text) in cases {
        assert_eq!(Duration::from_secs(secs).to_string(), text, "{secs}");
    }
}

#[test]
fn exact_display_round_trips() {
    for secs in [0.0, 0.1, 15.25, 5415.0, 5415.25, 1e-9, 123_456_789.123, 31_536_000.0] {
        let d = Duration::from_secs(secs);
        assert_eq!(Duration::parse(&format!("{d:#}")), Ok(d), "{secs}");
    }
    assert_eq!(format!("{:#}", Duration::from_secs(5415.25)), "1h 30m 15.25s");
}

#[test]
fn arithmetic() {
    let h = Duration::HOUR;
    assert_eq!(h + Duration::MINUTE * 30.0, Duration::from_minutes(90.0));
    assert_eq!(Duration::MINUTE.saturating_sub(h), Duration::ZERO);
    assert_eq!(h.saturating_sub(Duration::MINUTE).minutes(), 59.0);
    assert_eq!(Duration::DAY / Duration::HOUR, 24.0);
    assert_eq!((Duration::DAY / 24.0).hours(), 1.0);
    assert_eq!(h.min(Duration::DAY), h);
    assert_eq!(h.max(Duration::DAY).days(), 1.0);
    assert_eq!(Duration::YEAR.years(), 1.0);
    let total: Duration = [h, h, Duration::from_hours(1.0)].iter().sum();
    assert_eq!(total, Duration::from_hours(3.0));
    let mut acc = Duration::ZERO;
    acc += Duration::from_days(1.0);
    assert_eq!(acc, Duration::DAY);
}

#[derive(Debug, PartialEq, Deserialize, Serialize)]
struct Holder {
    t: Duration,
}

#[test]
fn serde_round_trip_via_toml() {
    let h: Holder = toml::from_str("t = \"1h 30m 15s\"").unwrap();
    assert_eq!(h.t.secs(), 5415.0);
    let text = toml::to_string(&h).unwrap();
    assert_eq!(text.trim(), "t = \"1h 30m 15s\"");
    assert_eq!(toml::from_str::<Holder>(&text).unwrap(), h);
    let json = serde_json::to_string(&h).unwrap();
    assert_eq!(serde_json::from_str::<Holder>(&json).unwrap(), h);
}

#[test]
fn serde_rejects_numbers_and_bad_text() {
    for text in ["t = 90", "t = 1.5"] {
        let err = toml::from_str::<Holder>(text).unwrap_err().to_string();
        assert!(err.contains(NUMBER_GIVEN), "{err}");
    }
    let err = toml::from_str::<Holder>("t = \"5 parsecs\"").unwrap_err().to_string();
    assert!(err.contains("unknown unit \"parsecs\""), "{err}");
}

#[test]
fn a_minus_after_a_part_is_a_syntax_error_not_a_negative_duration() {
    let e = Duration::parse("1h-30m").unwrap_err().to_string();
    assert_eq!(
        e,
        "invalid duration \"1h-30m\": unexpected '-' at \"-30m\"; write the parts without signs, like \"1h 30m\""
    );
    assert!(Duration::parse("-5m").unwrap_err().to_string().contains("negative durations are not allowed"));
}
