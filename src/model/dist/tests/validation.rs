//! Validation tests of `dist`: one test per rule, each checking the key and the message.

use super::*;

fn assert_error(e: DistError, key: Option<&str>, needle: &str) {
    assert_eq!(e.key.as_deref(), key, "{e}");
    assert!(e.message.contains(needle), "{:?} lacks {needle:?}", e.message);
}

#[test]
fn err_duration_written_as_number() {
    let e = error(r#"{ dist = "fixed", value = 30 }"#, Unit::Duration);
    assert_error(e, Some("value"), "expected a duration with a unit, like \"30s\"");
}

#[test]
fn err_number_written_as_string() {
    let e = error(r#"{ dist = "exponential", mean = "4h" }"#, Unit::Number);
    assert_error(e, Some("mean"), "expected a number");
}

#[test]
fn err_number_negative_or_not_finite() {
    for v in ["-1", "inf", "nan"] {
        let e = error(&format!(r#"{{ dist = "uniform", min = {v}, max = 2 }}"#), Unit::Number);
        assert_error(e, Some("min"), "must be a finite number >= 0");
    }
}

#[test]
fn err_bad_duration_text() {
    let e = error(r#"{ dist = "fixed", value = "-3h" }"#, Unit::Duration);
    assert_error(e, Some("value"), "negative durations are not allowed");
    let e = error(r#"{ dist = "fixed", value = "5 parsecs" }"#, Unit::Duration);
    assert_error(e, Some("value"), "unknown unit \"parsecs\"");
}

#[test]
fn err_exponential_mean_not_positive() {
    let e = error(r#"{ dist = "exponential", mean = "0s" }"#, Unit::Duration);
    assert_eq!(e.message, "mean must be larger than 0 (got 0s)");
}

#[test]
fn err_lognormal_needs_exactly_one_form() {
    let e = error(r#"{ dist = "lognormal", median = "1h" }"#, Unit::Duration);
    assert_eq!(e.message, "lognormal needs either median and p95, or mu and sigma (got: median)");
    let e = error(r#"{ dist = "lognormal", median = "1h", p95 = "2h", mu = 1.0, sigma = 1.0 }"#, Unit::Duration);
    assert_error(e, Some("mu"), "(got: median, p95, mu, sigma)");
    let e = error(r#"{ dist = "lognormal" }"#, Unit::Duration);
    assert_error(e, None, "(got: none)");
}

#[test]
fn err_lognormal_median_not_positive() {
    let e = error(r#"{ dist = "lognormal", median = "0s", p95 = "1h" }"#, Unit::Duration);
    assert_error(e, Some("median"), "median must be larger than 0");
}

#[test]
fn err_lognormal_p95_not_above_median() {
    let e = error(r#"{ dist = "lognormal", median = "10s", p95 = "5s" }"#, Unit::Duration);
    assert_eq!(e, err("p95", "p95 (5s) must be larger than median (10s)".to_string()));
}

#[test]
fn err_lognormal_sigma_not_positive() {
    let e = error(r#"{ dist = "lognormal", mu = 1.0, sigma = 0.0 }"#, Unit::Duration);
    assert_error(e, Some("sigma"), "sigma must be a finite number larger than 0 (got 0)");
}

#[test]
fn err_shape_not_positive() {
    for family in ["weibull", "gamma"] {
        let e = error(&format!(r#"{{ dist = "{family}", shape = -1.0, scale = "1h" }}"#), Unit::Duration);
        assert_error(e, Some("shape"), "shape must be a finite number larger than 0 (got -1)");
    }
}

#[test]
fn err_scale_not_positive() {
    for family in ["weibull", "gamma"] {
        let e = error(&format!(r#"{{ dist = "{family}", shape = 1.0, scale = "0" }}"#), Unit::Duration);
        assert_error(e, Some("scale"), "scale must be larger than 0 (got 0s)");
    }
}

#[test]
fn err_uniform_min_above_max() {
    let e = error(r#"{ dist = "uniform", min = "2m", max = "1m" }"#, Unit::Duration);
    assert_eq!(e.message, "min (2m) must not be larger than max (1m)");
}

#[test]
fn err_pert_order() {
    let e = error(r#"{ dist = "pert", min = "5m", mode = "1m", max = "20m" }"#, Unit::Duration);
    assert_eq!(e, err("mode", "mode (1m) must not be smaller than min (5m)".to_string()));
    let e = error(r#"{ dist = "pert", min = "5m", mode = "30m", max = "20m" }"#, Unit::Duration);
    assert_eq!(e.message, "mode (30m) must not be larger than max (20m)");
    let e = error(r#"{ dist = "pert", min = "30m", mode = "25m", max = "20m" }"#, Unit::Duration);
    assert_eq!(e.message, "min (30m) must not be larger than max (20m)");
}

#[test]
fn err_empirical_empty_values() {
    let e = error(r#"{ dist = "empirical", values = [] }"#, Unit::Duration);
    assert_error(e, Some("values"), "values must not be empty");
    let e = error(r#"{ dist = "empirical", values = ["1h", 3] }"#, Unit::Duration);
    assert_error(e, Some("values"), "values[1]: expected a duration with a unit");
}

#[test]
fn err_empirical_values_xor_file() {
    let e = error(r#"{ dist = "empirical", values = ["1h"], file = "a.csv" }"#, Unit::Duration);
    assert_error(e, Some("file"), "either values or file, not both");
    let e = error(r#"{ dist = "empirical" }"#, Unit::Duration);
    assert_error(e, None, "empirical needs values");
    let e = error(r#"{ dist = "empirical", values = ["1h"], unit = "h" }"#, Unit::Duration);
    assert_error(e, Some("unit"), "unit is only used together with file");
}

#[test]
fn err_empirical_missing_file() {
    let e = error(r#"{ dist = "empirical", file = "no/such/file.csv" }"#, Unit::Duration);
    assert_error(e, Some("file"), "cannot open empirical data file \"no/such/file.csv\"");
}

#[test]
fn err_empirical_missing_header() {
    let e = compile_file("nohdr", "2.5\n3\n", r#", unit = "h""#, Unit::Duration).unwrap_err();
    assert_eq!(e.message, "durations.csv:1: expected a header row naming the column, found \"2.5\"");
}

#[test]
fn err_empirical_column_required_or_unknown() {
    let csv = "id,hours\na,1\n";
    let e = compile_file("nocol", csv, r#", unit = "h""#, Unit::Duration).unwrap_err();
    assert_error(e, Some("column"), "durations.csv has 2 columns (id, hours); choose one");
    let e = compile_file("badcol", csv, r#", column = "hrs", unit = "h""#, Unit::Duration).unwrap_err();
    assert_error(e, Some("column"), "column \"hrs\" not found in durations.csv; its columns are: id, hours");
}

#[test]
fn err_empirical_bad_row() {
    let csv = "hours\n1\n2\nabc\n";
    let e = compile_file("badrow", csv, r#", unit = "h""#, Unit::Duration).unwrap_err();
    assert_eq!(e.message, "durations.csv:4: cannot read \"abc\" in column \"hours\": expected a number");
    let e = compile_file("negrow", "hours\n-1\n", r#", unit = "h""#, Unit::Duration).unwrap_err();
    assert_error(e, Some("file"), "durations.csv:2: cannot read \"-1\"");
    let e = compile_file("norows", "hours\n", r#", unit = "h""#, Unit::Duration).unwrap_err();
    assert_error(e, Some("file"), "has a header but no data rows");
}

#[test]
fn err_empirical_unit() {
    let e = compile_file("badunit", "x\n1\n", r#", unit = "fortnight""#, Unit::Duration).unwrap_err();
    assert_error(e, Some("unit"), "unknown unit \"fortnight\" (allowed: ms, s, m, h, d, w, y)");
    let e = compile_file("numunit", "x\n1\n", r#", unit = "h""#, Unit::Number).unwrap_err();
    assert_error(e, Some("unit"), "only allowed for durations");
}
