//! How every machine-readable output (JSON and CSV) spells a number that is
//! not finite, so that a file never says "no value" when it means "infinite".
//!
//! A finite number is written as a number. An infinite or undefined one is
//! written as the text `inf`, `-inf` or `nan` (in JSON a string, in CSV a
//! bare cell): the spellings pandas' `read_csv` and Python's `float()` read
//! back as the float itself, that a spreadsheet shows as the word, and that a
//! JSON Schema can list (`enum`). "No value" (no incidents, so no quantile)
//! stays `null` in JSON and an empty cell in CSV. The choice is documented in
//! docs/exports.md.
//!
//! Fields that can be infinite (the achieved RPO of an incident that lost
//! all data, and every quantile of it) are serialised through [`plain`] or
//! [`optional`] and described in the JSON Schema as [`Real`]; the CSV cells
//! written by hand use [`text`].

use std::borrow::Cow;

use serde::{Deserialize, Deserializer, Serializer};

/// The spelling of a non-finite `x` (`inf`, `-inf`, `nan`), or `None` when
/// it is finite.
pub fn non_finite(x: f64) -> Option<&'static str> {
    if x.is_nan() {
        Some("nan")
    } else if x == f64::INFINITY {
        Some("inf")
    } else if x == f64::NEG_INFINITY {
        Some("-inf")
    } else {
        None
    }
}

/// The number as a CSV cell: shortest round-trip decimal without exponent and
/// without a trailing `.0` when finite, [`non_finite`]'s spelling otherwise.
pub fn text(x: f64) -> String {
    match non_finite(x) {
        Some(word) => word.to_string(),
        None => format!("{x}"),
    }
}

/// The spelled-out values, as they are read back.
fn parse(word: &str) -> Option<f64> {
    match word {
        "inf" => Some(f64::INFINITY),
        "-inf" => Some(f64::NEG_INFINITY),
        "nan" => Some(f64::NAN),
        _ => None,
    }
}

/// A number or its non-finite spelling, as read back.
#[derive(Deserialize)]
#[serde(untagged)]
enum Spelled<'a> {
    Number(f64),
    #[serde(borrow)]
    Word(Cow<'a, str>),
}

fn from_spelled<E: serde::de::Error>(value: Spelled<'_>) -> Result<f64, E> {
    match value {
        Spelled::Number(x) => Ok(x),
        Spelled::Word(w) => parse(&w).ok_or_else(|| E::custom(format!("{w:?}: expected a number, inf, -inf or nan"))),
    }
}

/// `#[serde(with = "crate::real::plain")]` for an `f64` that may be infinite.
pub mod plain {
    use super::*;

    /// A number when finite, the string `inf`, `-inf` or `nan` otherwise.
    pub fn serialize<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
        match non_finite(*x) {
            Some(word) => s.serialize_str(word),
            None => s.serialize_f64(*x),
        }
    }

    /// Reads what [`serialize`] writes.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        from_spelled(Spelled::deserialize(d)?)
    }
}

/// `#[serde(with = "crate::real::optional")]` for an `Option<f64>` that may
/// be infinite: `None` is `null` (no value), the rest as [`plain`].
pub mod optional {
    use super::*;

    /// `null`, a number, or the string `inf`, `-inf` or `nan`.
    pub fn serialize<S: Serializer>(x: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        match x {
            Some(x) => plain::serialize(x, s),
            None => s.serialize_none(),
        }
    }

    /// Reads what [`serialize`] writes.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        Option::<Spelled<'_>>::deserialize(d)?.map(from_spelled).transpose()
    }
}

/// The JSON Schema of a number that may be infinite or undefined
/// (`#[schemars(with = "crate::real::Real")]`; `Option<Real>` for one that
/// may also be absent).
pub struct Real;

impl schemars::JsonSchema for Real {
    fn schema_name() -> Cow<'static, str> {
        "Real".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A number; infinite or undefined values are the strings \"inf\", \"-inf\" and \"nan\".",
            "anyOf": [
                { "type": "number" },
                { "type": "string", "enum": ["inf", "-inf", "nan"] }
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, Debug)]
    struct Row {
        #[serde(with = "plain")]
        x: f64,
        #[serde(with = "optional")]
        y: Option<f64>,
    }

    #[test]
    fn non_finite_values_are_spelled_and_read_back() {
        for (x, json) in [
            (1800.0, "1800.0"),
            (0.25, "0.25"),
            (f64::INFINITY, "\"inf\""),
            (f64::NEG_INFINITY, "\"-inf\""),
            (f64::NAN, "\"nan\""),
        ] {
            let row = Row { x, y: Some(x) };
            let text = serde_json::to_string(&row).unwrap();
            assert_eq!(text, format!("{{\"x\":{json},\"y\":{json}}}"));
            let back: Row = serde_json::from_str(&text).unwrap();
            assert!(back.x.to_bits() == x.to_bits() || (x.is_nan() && back.x.is_nan()), "{x}");
        }
        let none: Row = serde_json::from_str("{\"x\":1,\"y\":null}").unwrap();
        assert_eq!(none.y, None);
        assert!(serde_json::from_str::<Row>("{\"x\":\"Infinity\",\"y\":null}").is_err());
    }

    #[test]
    fn csv_cells_spell_them_the_same_way() {
        assert_eq!(
            [text(1800.0), text(0.5), text(f64::INFINITY), text(f64::NEG_INFINITY), text(f64::NAN)],
            ["1800", "0.5", "inf", "-inf", "nan"]
        );
        let mut w = csv::Writer::from_writer(Vec::new());
        w.serialize(Row { x: f64::INFINITY, y: None }).unwrap();
        let out = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert_eq!(out, "x,y\ninf,\n", "serde rows spell it as the hand-written cells do");
    }
}
