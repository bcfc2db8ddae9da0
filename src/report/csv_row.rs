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
    let mut out = Vec::with_capacity(text.len() + 1);
    neutralise_into(text, &mut out);
    // Only a quote was added to UTF-8 text.
    String::from_utf8(out).unwrap_or_default()
}

/// [`neutralise`], appended to `out`.
pub fn neutralise_into(text: &str, out: &mut Vec<u8>) {
    if let Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') = text.as_bytes().first() {
        out.push(b'\'');
    }
    out.extend_from_slice(text.as_bytes());
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
    let mut out = Vec::with_capacity(24);
    number_into(x, &mut out);
    // Digits, a sign, a point or a word: ASCII.
    String::from_utf8(out).unwrap_or_default()
}

/// [`number`], appended to `out` without allocating: what a row of
/// `incidents.csv` (millions of cells) is written with.
///
/// The spelling is that of [`rounded_exactly`], the definition: the exact
/// binary value rounded to nine significant digits, then the shortest
/// decimal that reads back as the same `f64`. Done directly in [`nine_digits`]
/// for the magnitudes of seconds and dollars; a decimal of nine digits reads
/// back as an `f64` whose shortest digits are those nine (two decimals of at
/// most fifteen digits never read back as the same `f64`), so printing the
/// nine digits is printing the definition. Near-ties and far magnitudes go
/// to the definition itself.
pub fn number_into(x: f64, out: &mut Vec<u8>) {
    if let Some(word) = crate::real::non_finite(x) {
        out.extend_from_slice(word.as_bytes());
        return;
    }
    if x == 0.0 {
        out.push(b'0');
        return;
    }
    let magnitude = x.abs();
    if magnitude < 1e9 && x.fract() == 0.0 {
        // At most nine digits: already rounded, and written as an integer.
        out.extend_from_slice(itoa::Buffer::new().format(x as i64).as_bytes());
        return;
    }
    let Some((mut digits, mut exponent)) = nine_digits(magnitude) else {
        out.extend_from_slice(rounded_exactly(x).as_bytes());
        return;
    };
    while digits % 10 == 0 {
        digits /= 10;
        exponent += 1;
    }
    if x < 0.0 {
        out.push(b'-');
    }
    let mut text = itoa::Buffer::new();
    let d = text.format(digits).as_bytes();
    // Digits before the decimal point.
    let point = d.len() as i32 + exponent;
    if point <= 0 {
        out.extend_from_slice(b"0.");
        out.resize(out.len() + point.unsigned_abs() as usize, b'0');
        out.extend_from_slice(d);
    } else if (point as usize) < d.len() {
        let (whole, fraction) = d.split_at(point as usize);
        out.extend_from_slice(whole);
        out.push(b'.');
        out.extend_from_slice(fraction);
    } else {
        out.extend_from_slice(d);
        out.resize(out.len() + (point as usize - d.len()), b'0');
    }
}

/// Powers of ten held exactly by an `f64`.
const POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22,
];

/// `x` times ten to `power` (|power| at most 22) with one rounding: a
/// product or a quotient by an exact power of ten.
fn scaled(x: f64, power: i32) -> f64 {
    let ten = POWERS_OF_TEN[power.unsigned_abs() as usize];
    if power >= 0 { x * ten } else { x / ten }
}

/// A positive `x` from 1e-6 to 1e17 rounded to nine significant digits,
/// `(digits, exponent)` with the value `digits` times ten to `exponent`;
/// `None` outside that range or when the rounding cannot be decided here.
///
/// `x` scaled into [1e8, 1e9) by an exact power of ten carries one rounding
/// error, at most 2^-53 of 1e9 (1.2e-7); unless its fraction is within 1e-6
/// of a half, rounding the scaled value rounds the exact one the same way.
fn nine_digits(x: f64) -> Option<(u64, i32)> {
    if !(1e-6..1e17).contains(&x) {
        return None;
    }
    // Digits before the point, from the binary exponent (log10 2 is about
    // 78913 / 2^18), then corrected by the scaled value itself.
    let binary = ((x.to_bits() >> 52) & 0x7ff) as i32 - 1023;
    let mut before = ((binary * 78913) >> 18) + 1;
    let mut y = scaled(x, 9 - before);
    if y >= 1e9 {
        before += 1;
        y = scaled(x, 9 - before);
    } else if y < 1e8 {
        before -= 1;
        y = scaled(x, 9 - before);
    }
    if !(1e8..1e9).contains(&y) {
        return None;
    }
    let whole = y.floor();
    let fraction = y - whole;
    if (fraction - 0.5).abs() < 1e-6 {
        return None;
    }
    Some((whole as u64 + u64::from(fraction > 0.5), before - 9))
}

/// The definition of [`number`] for a finite `x`: `{:.8e}` rounds the exact
/// binary value to nine significant digits (correctly rounded); reading it
/// back and printing the shortest round-trip decimal drops the trailing
/// zeros and the exponent. Slow (three conversions); [`number_into`] comes
/// here only for ties and the ends of the range.
fn rounded_exactly(x: f64) -> String {
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
    row.serialize(RowSerializer(Named(Vec::new())))
}

/// Appends one row struct to `out` as a CSV line: its cells spelt as
/// [`cells`] spells them, quoted as the `csv` crate quotes them (only when a
/// cell holds a comma, a quote or a line break), then `tail` (bytes ending
/// the line before its `\n`, such as the run's columns with their leading
/// comma). The same bytes as writing the cells with the `csv` crate, with no
/// allocation: what the millions of rows of `incidents.csv` are written with.
pub fn append_row<R: Serialize>(row: &R, tail: &[u8], out: &mut Vec<u8>) -> Result<(), RowError> {
    let start = out.len();
    let appended = Appended { out, fields: 0, quoting: csv_core::Writer::new() };
    let fields = row.serialize(RowSerializer(appended))?;
    if fields == 1 && tail.is_empty() && out.len() == start {
        // A record of one empty field is written `""` (else it would be a blank line).
        out.extend_from_slice(b"\"\"");
    }
    out.extend_from_slice(tail);
    out.push(b'\n');
    Ok(())
}

fn unsupported<T>(what: &str) -> Result<T, RowError> {
    Err(RowError(format!("{what} is not a CSV cell")))
}

/// Where the cells of a row struct go, field by field.
trait Sink {
    /// What the row becomes.
    type Ok;

    /// Takes the field named `key`.
    fn field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<(), RowError>;

    /// The row, once every field was taken.
    fn done(self) -> Self::Ok;
}

/// Cells as `(column name, cell text)`.
struct Named(Vec<(&'static str, String)>);

impl Sink for Named {
    type Ok = Vec<(&'static str, String)>;

    fn field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<(), RowError> {
        let mut text = Vec::new();
        value.serialize(CellSerializer(&mut text))?;
        self.0.push((key, String::from_utf8(text).map_err(|e| RowError(e.to_string()))?));
        Ok(())
    }

    fn done(self) -> Self::Ok {
        self.0
    }
}

/// Cells appended to a line of CSV: the number of fields is the result.
struct Appended<'a> {
    out: &'a mut Vec<u8>,
    fields: usize,
    /// The `csv` crate's own rule for which cells need quotes.
    quoting: csv_core::Writer,
}

impl Sink for Appended<'_> {
    type Ok = usize;

    fn field<T: ?Sized + Serialize>(&mut self, _: &'static str, value: &T) -> Result<(), RowError> {
        if self.fields > 0 {
            self.out.push(b',');
        }
        self.fields += 1;
        let at = self.out.len();
        let text = value.serialize(CellSerializer(self.out))?;
        if text && self.quoting.should_quote(&self.out[at..]) {
            let cell = self.out.split_off(at);
            self.out.push(b'"');
            let inside = self.out.len();
            // Each byte at most doubled (a quote is written twice).
            self.out.resize(inside + 2 * cell.len(), 0);
            let (_, _, written) = csv_core::quote(&cell, &mut self.out[inside..], b'"', b'\\', true);
            self.out.truncate(inside + written);
            self.out.push(b'"');
        }
        Ok(())
    }

    fn done(self) -> usize {
        self.fields
    }
}

/// Serialises the row struct itself.
struct RowSerializer<S>(S);

/// Collects the fields of the row struct.
struct Fields<S>(S);

impl<S: Sink> ser::SerializeStruct for Fields<S> {
    type Ok = S::Ok;
    type Error = RowError;

    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<(), RowError> {
        self.0.field(key, value)
    }

    fn end(self) -> Result<Self::Ok, RowError> {
        Ok(self.0.done())
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

impl<S: Sink> ser::Serializer for RowSerializer<S> {
    type Ok = S::Ok;
    type Error = RowError;
    type SerializeSeq = Impossible<Self::Ok, RowError>;
    type SerializeTuple = Impossible<Self::Ok, RowError>;
    type SerializeTupleStruct = Impossible<Self::Ok, RowError>;
    type SerializeTupleVariant = Impossible<Self::Ok, RowError>;
    type SerializeMap = Impossible<Self::Ok, RowError>;
    type SerializeStruct = Fields<S>;
    type SerializeStructVariant = Impossible<Self::Ok, RowError>;

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Fields<S>, RowError> {
        Ok(Fields(self.0))
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

/// Serialises one field: appends its cell text (unquoted) to the buffer;
/// the result says whether it is text (numbers and booleans never need quotes).
struct CellSerializer<'a>(&'a mut Vec<u8>);

impl CellSerializer<'_> {
    fn integer(self, v: impl itoa::Integer) -> Result<bool, RowError> {
        self.0.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
        Ok(false)
    }
}

impl ser::Serializer for CellSerializer<'_> {
    type Ok = bool;
    type Error = RowError;
    type SerializeSeq = Impossible<bool, RowError>;
    type SerializeTuple = Impossible<bool, RowError>;
    type SerializeTupleStruct = Impossible<bool, RowError>;
    type SerializeTupleVariant = Impossible<bool, RowError>;
    type SerializeMap = Impossible<bool, RowError>;
    type SerializeStruct = Impossible<bool, RowError>;
    type SerializeStructVariant = Impossible<bool, RowError>;

    fn serialize_bool(self, v: bool) -> Result<bool, RowError> {
        self.0.extend_from_slice(if v { b"true" } else { b"false" });
        Ok(false)
    }

    fn serialize_i8(self, v: i8) -> Result<bool, RowError> {
        self.integer(v)
    }

    fn serialize_i16(self, v: i16) -> Result<bool, RowError> {
        self.integer(v)
    }

    fn serialize_i32(self, v: i32) -> Result<bool, RowError> {
        self.integer(v)
    }

    fn serialize_i64(self, v: i64) -> Result<bool, RowError> {
        self.integer(v)
    }

    fn serialize_u8(self, v: u8) -> Result<bool, RowError> {
        self.integer(v)
    }

    fn serialize_u16(self, v: u16) -> Result<bool, RowError> {
        self.integer(v)
    }

    fn serialize_u32(self, v: u32) -> Result<bool, RowError> {
        self.integer(v)
    }

    fn serialize_u64(self, v: u64) -> Result<bool, RowError> {
        self.integer(v)
    }

    fn serialize_f32(self, v: f32) -> Result<bool, RowError> {
        number_into(f64::from(v), self.0);
        Ok(false)
    }

    fn serialize_f64(self, v: f64) -> Result<bool, RowError> {
        number_into(v, self.0);
        Ok(false)
    }

    fn serialize_char(self, v: char) -> Result<bool, RowError> {
        neutralise_into(v.encode_utf8(&mut [0; 4]), self.0);
        Ok(true)
    }

    fn serialize_str(self, v: &str) -> Result<bool, RowError> {
        // The non-finite spellings of crate::real come here as text and must
        // stay bare: `-inf` is a number, not a formula.
        match v {
            "inf" | "-inf" | "nan" => self.0.extend_from_slice(v.as_bytes()),
            _ => neutralise_into(v, self.0),
        }
        Ok(true)
    }

    fn serialize_bytes(self, _: &[u8]) -> Result<bool, RowError> {
        unsupported("bytes")
    }

    fn serialize_none(self) -> Result<bool, RowError> {
        Ok(false)
    }

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<bool, RowError> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<bool, RowError> {
        Ok(false)
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<bool, RowError> {
        Ok(false)
    }

    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<bool, RowError> {
        neutralise_into(variant, self.0);
        Ok(true)
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, value: &T) -> Result<bool, RowError> {
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

    /// `number_into` against its definition, [`rounded_exactly`].
    fn same_as_the_definition(x: f64) {
        let mut fast = Vec::new();
        number_into(x, &mut fast);
        let want = if x.is_finite() { rounded_exactly(x) } else { crate::real::text(x) };
        assert_eq!(String::from_utf8(fast).unwrap(), want, "{x:e} ({:#x})", x.to_bits());
    }

    #[test]
    fn numbers_are_spelt_as_their_definition_everywhere() {
        use rand::rngs::Xoshiro256PlusPlus;
        use rand::{Rng, RngExt, SeedableRng};
        // Edges: zeros, the integer fast path's limit, the ends of the range
        // and of the fast path, powers of ten, sevens and nines that carry.
        let mut edges = vec![
            0.0,
            -0.0,
            1e-7,
            1e21,
            1e-300,
            1e300,
            9.99999999e299,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            f64::EPSILON,
            5e-324,
            999_999_999.0,
            999_999_999.5,
            1e9,
            1e9 + 1.0,
            -1e9,
            0.1 + 0.2,
            9.999_999_995,
            9.999_999_994_999,
            0.999_999_999_5,
            123_456_789.5,
            1_234_567_895.0,
            2.0f64.powi(53),
            2.0f64.powi(63),
            2.0f64.powi(64) + 4096.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        for e in -320..=308 {
            let p = 10f64.powi(e);
            edges.extend([p, -p, p * 0.999_999_999_5, p * 1.000_000_000_5, p * 9.999_999_999]);
        }
        for x in edges {
            same_as_the_definition(x);
        }
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(19);
        for _ in 0..200_000 {
            // Any bit pattern (every magnitude, subnormals, non-finite).
            same_as_the_definition(f64::from_bits(rng.next_u64()));
            // Seconds and dollars as the exports hold them.
            let scale = 10f64.powi(rng.random_range(-9..13));
            same_as_the_definition(rng.random::<f64>() * scale);
            // Decimals of ten digits ending in 5: ties of the nine-digit
            // rounding in their shortest digits (rarely in the exact value).
            let tie = (rng.random_range(100_000_000u64..1_000_000_000) * 10 + 5) as f64;
            same_as_the_definition(tie * 10f64.powi(rng.random_range(-20..20)));
            // Whole numbers (counts of seconds), around the integer fast path.
            same_as_the_definition(rng.random_range(-3e9..3e9f64).round());
        }
    }

    #[test]
    fn rows_appended_are_the_bytes_the_csv_crate_writes() {
        let rows = [
            Row { name: "=cmd()", count: 3, x_s: 0.1 + 0.2, y_s: Some(f64::NEG_INFINITY), z_usd: None, ok: true },
            Row { name: "a, \"b\"", count: 0, x_s: -1e-7, y_s: Some(1e21), z_usd: Some(-0.0), ok: false },
            Row { name: "line\nbreak", count: u64::MAX, x_s: 1234567.891, y_s: None, z_usd: Some(5e-324), ok: true },
            Row { name: "", count: 1, x_s: f64::NAN, y_s: Some(f64::INFINITY), z_usd: Some(2.5), ok: false },
            Row { name: "\rx", count: 7, x_s: 315_360_000.4, y_s: Some(0.0), z_usd: Some(1e300), ok: true },
        ];
        for tail in [&b""[..], b",0.5.0,7,,3", b",\"a,b\""] {
            let mut want = csv::Writer::from_writer(Vec::new());
            let mut got = Vec::new();
            for row in &rows {
                let mut record: Vec<Vec<u8>> = cells(row).unwrap().into_iter().map(|(_, c)| c.into_bytes()).collect();
                let mut tail_cells =
                    csv::ReaderBuilder::new().has_headers(false).from_reader(tail.get(1..).unwrap_or(b""));
                if let Some(Ok(extra)) = tail_cells.byte_records().next() {
                    record.extend(extra.iter().map(<[u8]>::to_vec));
                }
                want.write_record(&record).unwrap();
                append_row(row, tail, &mut got).unwrap();
            }
            assert_eq!(String::from_utf8(got).unwrap(), String::from_utf8(want.into_inner().unwrap()).unwrap());
        }
        // One empty field alone is written as the csv crate writes it.
        #[derive(Serialize)]
        struct One {
            z: Option<f64>,
        }
        let mut got = Vec::new();
        append_row(&One { z: None }, b"", &mut got).unwrap();
        let mut want = csv::Writer::from_writer(Vec::new());
        want.write_record([""]).unwrap();
        assert_eq!(got, want.into_inner().unwrap());
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
