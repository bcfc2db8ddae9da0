//! How one CSV cell is spelt ([`number`], [`neutralise`]), and a row struct
//! turned into cells: its field names (the header) and each field's text. The [`super::csv::CsvWriter`] writes rows through this
//! instead of the `csv` crate's own serde support so that every number of
//! every CSV file is spelt by the one function [`super::csv::number`]
//! (significant digits, `inf`/`nan`) and every text cell passes the
//! formula-injection guard, whatever the row struct is.
//!
//! A row is a struct of scalars: numbers, booleans, text, and `Option`s of
//! them (`None` is an empty cell, "no value"). Anything else (a nested
//! struct, a sequence, a map) is a programming error reported as a
//! serialisation error.

use std::fmt;

use serde::Serialize;
use serde::ser::{self, Impossible};

/// Neutralises spreadsheet formula injection: a cell starting with `=`, `+`,
/// `-`, `@`, tab or carriage return is prefixed with a single quote, so
/// Excel, LibreOffice and Google Sheets show it as text instead of running it
/// (the OWASP "CSV injection" advice).
pub fn neutralise(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

/// Significant digits of a number in a CSV file. Nine keep a second of
/// resolution in a start time ten years into a trial (3.15e8 s) and a cent
/// on a cost below $10M, far below the Monte Carlo error of any figure,
/// while dropping the float noise of the last digits (`0.30000000000000004`
/// is written `0.3`). JSON keeps the exact binary value.
pub const SIGNIFICANT_DIGITS: usize = 9;

/// A number as every CSV file spells it: rounded to [`SIGNIFICANT_DIGITS`]
/// significant digits, written without exponent and without trailing zeros
/// (`1800`, `0.25`, `1234567.89`, `0.000123456789`); `-0` is `0`; `inf`,
/// `-inf` or `nan` when not finite ([`crate::real::text`]).
pub fn number(x: f64) -> String {
    if !x.is_finite() {
        return crate::real::text(x);
    }
    // `{:.8e}` rounds the exact binary value to nine significant digits
    // (correctly rounded); parsing it back and printing the shortest
    // round-trip decimal drops the trailing zeros and the exponent.
    let rounded: f64 = format!("{x:.prec$e}", prec = SIGNIFICANT_DIGITS - 1).parse().unwrap_or(x);
    if rounded == 0.0 { "0".to_string() } else { crate::real::text(rounded) }
}

/// Why a row could not be turned into cells: it is not a flat struct of scalars.
#[derive(Debug)]
pub struct RowError(String);

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a CSV row: {}", self.0)
    }
}

impl std::error::Error for RowError {}

impl ser::Error for RowError {
    fn custom<T: fmt::Display>(msg: T) -> RowError {
        RowError(msg.to_string())
    }
}

/// The cells of one row struct: `(column name, cell text)` in field order.
pub fn cells<R: Serialize>(row: &R) -> Result<Vec<(&'static str, String)>, RowError> {
    row.serialize(RowSerializer)
}

fn unsupported<T>(what: &str) -> Result<T, RowError> {
    Err(RowError(format!("{what} is not a CSV cell")))
}

/// Serialises the row struct itself.
struct RowSerializer;

/// Collects the fields of the row struct.
struct Fields(Vec<(&'static str, String)>);

impl ser::SerializeStruct for Fields {
    type Ok = Vec<(&'static str, String)>;
    type Error = RowError;

    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<(), RowError> {
        self.0.push((key, value.serialize(CellSerializer)?));
        Ok(())
    }

    fn end(self) -> Result<Self::Ok, RowError> {
        Ok(self.0)
    }
}

macro_rules! not_a_row {
    ($($method:ident($($arg:ty),*)),* $(,)?) => {
        $(fn $method(self, $(_: $arg),*) -> Result<Self::Ok, RowError> {
            unsupported(concat!("a row given as ", stringify!($method)))
        })*
    };
}

/// The arms both serialisers refuse: sequences, tuples, maps and enums with
/// data, each named in the error by the given words.
macro_rules! not_compound {
    (sequence: $seq:literal, tuple: $tuple:literal, map: $map:literal, enum: $enum:literal) => {
        fn serialize_newtype_variant<T: ?Sized + Serialize>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<Self::Ok, RowError> {
            unsupported($enum)
        }

        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, RowError> {
            unsupported($seq)
        }

        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, RowError> {
            unsupported($tuple)
        }

        fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, RowError> {
            unsupported($tuple)
        }

        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, RowError> {
            unsupported($enum)
        }

        fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, RowError> {
            unsupported($map)
        }

        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, RowError> {
            unsupported($enum)
        }
    };
}

impl ser::Serializer for RowSerializer {
    type Ok = Vec<(&'static str, String)>;
    type Error = RowError;
    type SerializeSeq = Impossible<Self::Ok, RowError>;
    type SerializeTuple = Impossible<Self::Ok, RowError>;
    type SerializeTupleStruct = Impossible<Self::Ok, RowError>;
    type SerializeTupleVariant = Impossible<Self::Ok, RowError>;
    type SerializeMap = Impossible<Self::Ok, RowError>;
    type SerializeStruct = Fields;
    type SerializeStructVariant = Impossible<Self::Ok, RowError>;

    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Fields, RowError> {
        Ok(Fields(Vec::with_capacity(len)))
    }

    not_a_row!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
        serialize_none(),
        serialize_unit(),
        serialize_unit_struct(&'static str),
        serialize_unit_variant(&'static str, u32, &'static str),
    );

    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<Self::Ok, RowError> {
        unsupported("an optional row")
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, value: &T) -> Result<Self::Ok, RowError> {
        value.serialize(self)
    }

    not_compound!(sequence: "a sequence row", tuple: "a tuple row", map: "a map row", enum: "an enum row");
}

/// Serialises one field into its cell text.
struct CellSerializer;

impl ser::Serializer for CellSerializer {
    type Ok = String;
    type Error = RowError;
    type SerializeSeq = Impossible<String, RowError>;
    type SerializeTuple = Impossible<String, RowError>;
    type SerializeTupleStruct = Impossible<String, RowError>;
    type SerializeTupleVariant = Impossible<String, RowError>;
    type SerializeMap = Impossible<String, RowError>;
    type SerializeStruct = Impossible<String, RowError>;
    type SerializeStructVariant = Impossible<String, RowError>;

    fn serialize_bool(self, v: bool) -> Result<String, RowError> {
        Ok(v.to_string())
    }

    fn serialize_i8(self, v: i8) -> Result<String, RowError> {
        Ok(v.to_string())
    }

    fn serialize_i16(self, v: i16) -> Result<String, RowError> {
        Ok(v.to_string())
    }

    fn serialize_i32(self, v: i32) -> Result<String, RowError> {
        Ok(v.to_string())
    }

    fn serialize_i64(self, v: i64) -> Result<String, RowError> {
        Ok(v.to_string())
    }

    fn serialize_u8(self, v: u8) -> Result<String, RowError> {
        Ok(v.to_string())
    }

    fn serialize_u16(self, v: u16) -> Result<String, RowError> {
        Ok(v.to_string())
    }

    fn serialize_u32(self, v: u32) -> Result<String, RowError> {
        Ok(v.to_string())
    }

    fn serialize_u64(self, v: u64) -> Result<String, RowError> {
        Ok(v.to_string())
    }

    fn serialize_f32(self, v: f32) -> Result<String, RowError> {
        Ok(number(f64::from(v)))
    }

    fn serialize_f64(self, v: f64) -> Result<String, RowError> {
        Ok(number(v))
    }

    fn serialize_char(self, v: char) -> Result<String, RowError> {
        Ok(neutralise(&v.to_string()))
    }

    fn serialize_str(self, v: &str) -> Result<String, RowError> {
        // The non-finite spellings of crate::real come here as text and must
        // stay bare: `-inf` is a number, not a formula.
        match v {
            "inf" | "-inf" | "nan" => Ok(v.to_string()),
            _ => Ok(neutralise(v)),
        }
    }

    fn serialize_bytes(self, _: &[u8]) -> Result<String, RowError> {
        unsupported("bytes")
    }

    fn serialize_none(self) -> Result<String, RowError> {
        Ok(String::new())
    }

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<String, RowError> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<String, RowError> {
        Ok(String::new())
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<String, RowError> {
        Ok(String::new())
    }

    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<String, RowError> {
        Ok(neutralise(variant))
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, value: &T) -> Result<String, RowError> {
        value.serialize(self)
    }

    not_compound!(sequence: "a sequence", tuple: "a tuple", map: "a map", enum: "an enum with data");

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, RowError> {
        unsupported("a nested struct")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Row<'a> {
        name: &'a str,
        count: u64,
        x_s: f64,
        #[serde(with = "crate::real::optional")]
        y_s: Option<f64>,
        z_usd: Option<f64>,
        ok: bool,
    }

    #[test]
    fn fields_become_named_cells_with_the_one_number_format() {
        let row = Row { name: "=cmd()", count: 3, x_s: 0.1 + 0.2, y_s: Some(f64::NEG_INFINITY), z_usd: None, ok: true };
        let got = cells(&row).unwrap();
        let want =
            [("name", "'=cmd()"), ("count", "3"), ("x_s", "0.3"), ("y_s", "-inf"), ("z_usd", ""), ("ok", "true")];
        assert_eq!(got.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>(), want);
    }

    #[test]
    fn anything_but_a_flat_struct_is_refused() {
        assert!(cells(&1.0).is_err());
        assert!(cells(&vec![1.0]).is_err());
        #[derive(Serialize)]
        struct Nested {
            inner: Vec<f64>,
        }
        assert!(cells(&Nested { inner: vec![] }).is_err());
        // Each serialiser names what it refused: the row, or the field.
        assert_eq!(cells(&vec![1.0]).unwrap_err().to_string(), "not a CSV row: a sequence row is not a CSV cell");
        assert_eq!(
            cells(&Nested { inner: vec![] }).unwrap_err().to_string(),
            "not a CSV row: a sequence is not a CSV cell"
        );
    }
}
