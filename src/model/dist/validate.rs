//! Validation of a [`DistSpec`] into the compiled [`Family`] behind [`super::Dist::compile`]: unit
//! conversion of written values, the per-family rules, and reading empirical CSV files. Every
//! error says what is wrong and what is allowed, quotes values with their units, and names the key.

use std::path::Path;

use super::{DistError, DistSpec, Family, RawValue, Unit, Z95, err, exact};
use crate::model::duration::{Duration, unit_secs};
use crate::model::limits;

/// An error blamed on `key`, as a `Result`.
fn fail<T>(key: &str, message: String) -> Result<T, DistError> {
    Err(err(key, message))
}

/// The largest value of a parameter in base units: the longest duration or
/// the largest plain number a model may give (docs/model-reference.md, Limits).
fn max_value(unit: Unit) -> f64 {
    match unit {
        Unit::Duration => limits::max_duration().secs(),
        Unit::Number => limits::MAX_NUMBER,
    }
}

/// The problem with a value (base units) above [`max_value`], if it is.
fn too_large(v: f64, unit: Unit) -> Option<String> {
    match unit {
        Unit::Duration => limits::duration_problem(Duration::from_secs(v)),
        Unit::Number => limits::number_problem(v, limits::MAX_NUMBER),
    }
}

/// Checks that a compiled distribution's P99 stays within [`max_value`]: a
/// tail that reaches infinity (lognormal `mu = 800`, a Weibull of tiny shape)
/// would make sums of draws, costs and the lint's P99 infinite.
pub(super) fn check_tail(dist: &super::Dist, unit: Unit) -> Result<(), DistError> {
    let p99 = dist.quantile(0.99);
    if p99 <= max_value(unit) {
        return Ok(());
    }
    let (shown, allowed) = match unit {
        Unit::Duration => {
            let years = p99 / Duration::YEAR.secs();
            let shown = if years.is_finite() { format!("{years:e} years") } else { "infinite".to_string() };
            (shown, format!("{:e} years", limits::MAX_DURATION_YEARS))
        }
        Unit::Number => {
            let shown = if p99.is_finite() { format!("{p99:e}") } else { "infinite".to_string() };
            (shown, format!("{:e}", limits::MAX_NUMBER))
        }
    };
    let message = format!("its P99 is {shown}; allowed: a distribution whose P99 is at most {allowed}");
    Err(DistError { key: None, message })
}

/// Converts one written value to base units; `label` is how messages name it (`"values[2]"`).
fn value(raw: &RawValue, key: &str, label: &str, unit: Unit) -> Result<f64, DistError> {
    let v = value_unchecked(raw, key, label, unit)?;
    match too_large(v, unit) {
        Some(problem) => fail(key, format!("{label}: {problem}")),
        None => Ok(v),
    }
}

/// [`value`] without the upper limit.
fn value_unchecked(raw: &RawValue, key: &str, label: &str, unit: Unit) -> Result<f64, DistError> {
    match (raw, unit) {
        (RawValue::Text(t), Unit::Duration) => {
            Duration::parse(t).map(Duration::secs).map_err(|e| err(key, format!("{label}: {e}")))
        }
        (RawValue::Number(n), Unit::Duration) => {
            fail(key, format!("{label}: expected a duration with a unit, like \"30s\" (got the number {n})"))
        }
        (RawValue::Number(n), Unit::Number) if n.is_finite() && *n >= 0.0 => Ok(*n),
        (RawValue::Number(n), Unit::Number) => fail(key, format!("{label}: must be a finite number >= 0 (got {n})")),
        (RawValue::Text(t), Unit::Number) => fail(key, format!("{label}: expected a number (got the string \"{t}\")")),
    }
}

/// Checks that `v` (already in base units) is strictly positive.
fn positive(key: &str, v: f64, unit: Unit) -> Result<f64, DistError> {
    if v > 0.0 {
        return Ok(v);
    }
    fail(key, format!("{key} must be larger than 0 (got {})", exact(v, unit)))
}

/// The largest gamma shape: its quantile function (statrs) does not return
/// for shapes near 1e16 (shared/cases/hardening.md K2), and at 1e6 the
/// coefficient of variation is already 0.1%.
const MAX_GAMMA_SHAPE: f64 = 1e6;

/// Checks a unitless parameter (shape, sigma): finite and > 0.
fn positive_number(key: &str, x: f64) -> Result<f64, DistError> {
    if x.is_finite() && x > 0.0 {
        return Ok(x);
    }
    fail(key, format!("{key} must be a finite number larger than 0 (got {x})"))
}

/// Validates `spec` for a parameter of the given `unit`; `base_dir` resolves relative CSV paths.
pub(super) fn compile(spec: &DistSpec, unit: Unit, base_dir: &Path) -> Result<Family, DistError> {
    let v = |raw: &RawValue, key: &str| value(raw, key, key, unit);
    match spec {
        DistSpec::Fixed { value } => Ok(Family::Fixed(v(value, "value")?)),
        DistSpec::Exponential { mean } => Family::exponential(positive("mean", v(mean, "mean")?, unit)?),
        DistSpec::Lognormal { median, p95, mu, sigma } => match (median, p95, mu, sigma) {
            (Some(median), Some(p95), None, None) => {
                let median = positive("median", v(median, "median")?, unit)?;
                let p95 = v(p95, "p95")?;
                if p95 <= median {
                    let (p, m) = (exact(p95, unit), exact(median, unit));
                    return fail("p95", format!("p95 ({p}) must be larger than median ({m})"));
                }
                Family::lognormal(median.ln(), (p95 / median).ln() / Z95, true)
            }
            (None, None, Some(mu), Some(sigma)) => {
                if !mu.is_finite() {
                    return fail("mu", format!("mu must be a finite number (got {mu})"));
                }
                Family::lognormal(*mu, positive_number("sigma", *sigma)?, false)
            }
            _ => {
                let present = [
                    ("median", median.is_some()),
                    ("p95", p95.is_some()),
                    ("mu", mu.is_some()),
                    ("sigma", sigma.is_some()),
                ];
                let given: Vec<&str> = present.iter().filter(|p| p.1).map(|p| p.0).collect();
                let mixed = (median.is_some() || p95.is_some()) && (mu.is_some() || sigma.is_some());
                let key = mixed.then(|| if mu.is_some() { "mu" } else { "sigma" }.to_string());
                let got = if given.is_empty() { "none".to_string() } else { given.join(", ") };
                let message = format!("lognormal needs either median and p95, or mu and sigma (got: {got})");
                Err(DistError { key, message })
            }
        },
        DistSpec::Weibull { shape, scale } => {
            Family::weibull(positive_number("shape", *shape)?, positive("scale", v(scale, "scale")?, unit)?)
        }
        DistSpec::Gamma { shape, scale } => {
            let shape = positive_number("shape", *shape)?;
            if shape > MAX_GAMMA_SHAPE {
                return fail(
                    "shape",
                    format!(
                        "shape must be at most {MAX_GAMMA_SHAPE:e} (got {shape:e}); a gamma that narrow is its mean to \
                         within 0.1%: use dist = \"fixed\""
                    ),
                );
            }
            Family::gamma(shape, positive("scale", v(scale, "scale")?, unit)?)
        }
        DistSpec::Uniform { min, max } => {
            let (min, max) = (v(min, "min")?, v(max, "max")?);
            if min > max {
                let (a, b) = (exact(min, unit), exact(max, unit));
                return fail("max", format!("min ({a}) must not be larger than max ({b})"));
            }
            Family::uniform(min, max)
        }
        DistSpec::Pert { min, mode, max } => {
            let (min, mode, max) = (v(min, "min")?, v(mode, "mode")?, v(max, "max")?);
            let (a, m, b) = (exact(min, unit), exact(mode, unit), exact(max, unit));
            if min > max {
                return fail("max", format!("min ({a}) must not be larger than max ({b})"));
            }
            if mode < min {
                return fail("mode", format!("mode ({m}) must not be smaller than min ({a})"));
            }
            if mode > max {
                return fail("mode", format!("mode ({m}) must not be larger than max ({b})"));
            }
            Family::pert(min, mode, max)
        }
        DistSpec::Empirical { values, file, column, unit: unit_name } => {
            let mut sorted = match (values, file) {
                (Some(_), Some(_)) => {
                    let message = "empirical takes either values or file, not both";
                    return fail("file", message.to_string());
                }
                (None, None) => {
                    let message = "empirical needs values = [...] or file = \"path.csv\"";
                    return Err(DistError { key: None, message: message.to_string() });
                }
                (Some(values), None) => {
                    for (key, given) in [("column", column), ("unit", unit_name)] {
                        if given.is_some() {
                            return fail(key, format!("{key} is only used together with file"));
                        }
                    }
                    if values.is_empty() {
                        return fail("values", "values must not be empty".to_string());
                    }
                    let label = |i: usize| format!("values[{i}]");
                    let parsed = values.iter().enumerate();
                    let parsed = parsed.map(|(i, raw)| value(raw, "values", &label(i), unit));
                    parsed.collect::<Result<Vec<f64>, DistError>>()?
                }
                (None, Some(path)) => {
                    let (column, unit_name) = (column.as_deref(), unit_name.as_deref());
                    read_csv(path, column, unit_name, unit, base_dir)?
                }
            };
            sorted.sort_by(f64::total_cmp);
            let file = file.clone();
            Ok(Family::Empirical { sorted, file })
        }
    }
}

/// Reads the observations of an empirical distribution from one column of a CSV file with a
/// header row. Numbers are scaled by `unit_name` for durations; without a unit, duration cells must
/// be duration strings. Errors name the file (and line) and the offending text.
fn read_csv(
    path: &str,
    column: Option<&str>,
    unit_name: Option<&str>,
    unit: Unit,
    base_dir: &Path,
) -> Result<Vec<f64>, DistError> {
    let scale = match (unit, unit_name) {
        (Unit::Duration, Some(name)) => match unit_secs(name) {
            Some(secs) => Some(secs),
            None => {
                let message = format!("unknown unit \"{name}\" (allowed: ms, s, m, h, d, w, y)");
                return fail("unit", message);
            }
        },
        (Unit::Duration, None) => None,
        (Unit::Number, Some(name)) => {
            let message = format!("unit \"{name}\" is only allowed for durations; this parameter is a plain number");
            return fail("unit", message);
        }
        (Unit::Number, None) => Some(1.0),
    };
    let parse = |cell: &str| -> Result<f64, String> {
        let v = match scale {
            Some(factor) => match cell.parse::<f64>() {
                Ok(v) if v.is_finite() && v >= 0.0 => Ok(v * factor),
                Ok(_) => Err("expected a finite number >= 0".to_string()),
                Err(_) => Err("expected a number".to_string()),
            },
            None => Duration::parse(cell).map(Duration::secs).map_err(|e| e.to_string()),
        }?;
        // After scaling by the unit: "1e300" hours is an infinite duration.
        if !v.is_finite() {
            return Err("too large once scaled by the unit".to_string());
        }
        too_large(v, unit).map_or(Ok(v), Err)
    };
    let full = base_dir.join(path);
    let file = crate::input::open(&full, crate::input::DATA_LIMIT_BYTES).map_err(|e| {
        let shown = full.display();
        err("file", format!("cannot open empirical data file \"{path}\" ({shown}): {e}"))
    })?;
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(file);
    let headers = reader.headers();
    let headers = headers.map_err(|e| err("file", format!("{path}: {e}")))?.clone();
    if headers.is_empty() {
        return fail("file", format!("{path} is empty: expected a header row, then one value per row"));
    }
    let names = headers.iter().collect::<Vec<_>>().join(", ");
    let col = match column {
        Some(c) => match headers.iter().position(|h| h == c) {
            Some(i) => i,
            None => {
                let message = format!("column \"{c}\" not found in {path}; its columns are: {names}");
                return fail("column", message);
            }
        },
        None if headers.len() == 1 => 0,
        None => {
            let n = headers.len();
            let message = format!("{path} has {n} columns ({names}); choose one with column = \"...\"");
            return fail("column", message);
        }
    };
    let title = headers.get(col).unwrap_or("");
    if title.is_empty() || parse(title).is_ok() {
        let message = format!("{path}:1: expected a header row naming the column, found \"{title}\"");
        return fail("file", message);
    }
    let mut values = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| err("file", format!("{path}: {e}")))?;
        let line = record.position().map_or(0, |p| p.line());
        let cell = record.get(col).unwrap_or("");
        let v = parse(cell).map_err(|why| {
            let message = format!("{path}:{line}: cannot read \"{cell}\" in column \"{title}\": {why}");
            err("file", message)
        })?;
        values.push(v);
    }
    if values.is_empty() {
        return fail("file", format!("{path} has a header but no data rows"));
    }
    Ok(values)
}
