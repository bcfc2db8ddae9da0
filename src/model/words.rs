//! Errors of the TOML reader in the model's words. serde describes a
//! mismatch with Rust's vocabulary ("unknown field", "expected f64",
//! "expected internally tagged enum DistSpec", "data did not match any
//! variant of untagged enum RawValue"); a model's author thinks in keys,
//! numbers, strings, tables and arrays. [`rewrite`] turns every message
//! serde's derives and the `toml` reader produce for a model into those words,
//! and an unknown key or value suggests the nearest allowed one
//! ([`nearest`]).

/// The message of a TOML/serde error about `key` (a key path such as
/// `strategy[0].backup`, empty when unknown), in the model's words.
pub fn rewrite(message: &str, key: &str) -> String {
    let message = message.trim();
    if let Some(rest) = message.strip_prefix("unknown field ") {
        return unknown("key", rest);
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        return unknown("value", rest);
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        return format!("missing key {rest}; it is required here (see docs/model-reference.md)");
    }
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(prefix) {
            if let Some((found, expected)) = rest.split_once(", expected ") {
                return mismatch(found, expected, key);
            }
        }
    }
    if let Some(rest) = message.strip_prefix("invalid length ") {
        if let Some((n, expected)) = rest.split_once(", expected ") {
            return format!("expected {}, found {n} item(s)", expected_words(expected));
        }
    }
    if message.starts_with("data did not match any variant of untagged enum") {
        return "this value has the wrong type; see docs/model-reference.md for what the key takes".to_string();
    }
    message.to_string()
}

/// `unknown field `x`, expected one of `a`, `b`` (or `expected `a` or `b``,
/// `expected `a``, `there are no fields`) as "unknown key `x`; did you mean
/// `a`? allowed: a, b".
fn unknown(what: &str, rest: &str) -> String {
    let (word, allowed) = match rest.split_once(", expected ") {
        Some((word, allowed)) => (word, ticked(allowed)),
        None => (rest.split(',').next().unwrap_or(rest), Vec::new()),
    };
    let word = word.trim_matches('`');
    let mut out = format!("unknown {what} `{word}`");
    match nearest(word, allowed.iter().map(String::as_str)) {
        Some(best) => out.push_str(&format!("; did you mean `{best}`?")),
        None => out.push(';'),
    }
    if allowed.is_empty() {
        out.push_str(" this table takes no keys");
    } else {
        out.push_str(&format!(" allowed: {}", allowed.join(", ")));
    }
    out
}

/// A value the validator does not know, with the nearest allowed one:
/// `unknown strategy kind "pilot_lite"; did you mean "pilot_light"? allowed:
/// backup_restore, pilot_light, ...`.
pub fn unknown_value(what: &str, word: &str, allowed: &[&str]) -> String {
    let hint = nearest(word, allowed.iter().copied()).map_or(String::new(), |n| format!(" did you mean \"{n}\"?"));
    format!("unknown {what} \"{word}\";{hint} allowed: {}", allowed.join(", "))
}

/// The names between backticks of serde's list of allowed names.
fn ticked(list: &str) -> Vec<String> {
    list.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

/// The allowed name nearest to `word`, when it is near enough to be the
/// intended one: a normalised Damerau-Levenshtein similarity of at least
/// 0.5 (one slip in a short key, two or three in a long one), or `word`
/// is the start of the name (`rate_per` for `rate_per_year`).
pub fn nearest<'a>(word: &str, allowed: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word_lower = word.to_lowercase();
    allowed
        .into_iter()
        .map(|name| {
            let mut score = strsim::normalized_damerau_levenshtein(&word_lower, &name.to_lowercase());
            if word.len() >= 3 && name.starts_with(&word_lower) {
                score = score.max(0.75);
            }
            (name, score)
        })
        .filter(|(_, score)| *score >= 0.5)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(name, _)| name)
}

/// serde's "invalid type/value: FOUND, expected EXPECTED" as "expected ...,
/// found ...", with a hint where a usual slip explains it.
fn mismatch(found: &str, expected: &str, key: &str) -> String {
    let found_words = found_words(found);
    let expected_words = expected_words(expected);
    let mut out = format!("expected {expected_words}, found {found_words}");
    let quoted = found.strip_prefix("string \"").and_then(|s| s.strip_suffix('"'));
    if expected.contains("DistSpec") {
        let value = match quoted {
            Some(text) => format!("\"{text}\""),
            None => found.split('`').nth(1).unwrap_or("...").to_string(),
        };
        out.push_str(&format!("; a fixed value is written {{ dist = \"fixed\", value = {value} }}"));
    } else if is_number(expected) && quoted.is_some_and(|t| t.trim().parse::<f64>().is_ok()) {
        out.push_str("; write the number without quotes");
    } else if expected == "a sequence" && found == "map" {
        // `strategy[0].backup` names the table `[[strategy.backup]]` would be.
        let table: String =
            key.split('.').map(|part| part.split('[').next().unwrap_or(part)).collect::<Vec<_>>().join(".");
        let table = if table.is_empty() { "name".to_string() } else { table };
        out.push_str(&format!("; an array of tables is written with double brackets: [[{table}]]"));
    }
    out
}

fn is_number(expected: &str) -> bool {
    matches!(expected, "f64" | "f32" | "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64")
}

/// What serde says a key expected, in the model's words.
fn expected_words(expected: &str) -> String {
    let words = match expected {
        "f64" | "f32" => "a number",
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number, 0 or more",
        "i8" | "i16" | "i32" | "i64" => "a whole number",
        "a boolean" | "bool" => "true or false",
        "a string" | "a borrowed string" | "string" => "a string in quotes",
        "a sequence" => "an array [...]",
        "a map" | "map" => "a table",
        "variant identifier" | "field identifier" => "a name in quotes",
        "a character" | "char" => "a single character in quotes",
        e if e.contains("internally tagged enum DistSpec") => "a distribution table",
        e if e.starts_with("struct ") => "a table",
        e if e.contains("enum ") => "one of the documented values (see docs/model-reference.md)",
        other => other,
    };
    words.to_string()
}

/// What serde says it found, in the model's words.
fn found_words(found: &str) -> String {
    let inner = || found.split('`').nth(1).unwrap_or_default().to_string();
    if let Some(text) = found.strip_prefix("string ") {
        format!("the string {text}")
    } else if found.starts_with("integer ") || found.starts_with("floating point ") {
        format!("the number {}", inner())
    } else if found.starts_with("boolean ") {
        inner()
    } else {
        match found {
            "sequence" => "an array".to_string(),
            "map" => "a table".to_string(),
            "unit value" | "option" => "nothing".to_string(),
            other => other.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No message of these shapes leaks a Rust word.
    const RUST_WORDS: [&str; 10] =
        ["field", "variant", "enum", "struct", "f64", "u32", "sequence", "map", "DistSpec", "RawValue"];

    fn rewrite_(message: &str) -> String {
        rewrite(message, "")
    }

    fn clean(message: &str) {
        let got = rewrite_(message);
        for word in RUST_WORDS {
            assert!(!got.contains(word), "{message:?} -> {got:?} still says {word:?}");
        }
    }

    #[test]
    fn unknown_keys_suggest_the_nearest_allowed_one() {
        assert_eq!(
            rewrite_("unknown field `rate_per_yr`, expected one of `kind`, `rate_per_year`, `duration`"),
            "unknown key `rate_per_yr`; did you mean `rate_per_year`? allowed: kind, rate_per_year, duration"
        );
        assert_eq!(
            rewrite_("unknown field `foo`, expected `failure_probability` or `drift`"),
            "unknown key `foo`; allowed: failure_probability, drift"
        );
        assert_eq!(
            rewrite_("unknown field `p59`, expected one of `median`, `p95`, `mu`, `sigma`").split(" allowed").next(),
            Some("unknown key `p59`; did you mean `p95`?")
        );
        assert_eq!(
            rewrite_("unknown variant `fixd`, expected one of `fixed`, `exponential`"),
            "unknown value `fixd`; did you mean `fixed`? allowed: fixed, exponential"
        );
        assert_eq!(nearest("nme", ["name", "kind"]), Some("name"));
        assert_eq!(nearest("workloads", ["workload", "targets"]), Some("workload"));
        assert_eq!(nearest("zzz", ["name", "kind"]), None);
    }

    #[test]
    fn type_mismatches_speak_of_numbers_strings_tables_and_arrays() {
        assert_eq!(
            rewrite_("invalid type: string \"0.5\", expected f64"),
            "expected a number, found the string \"0.5\"; write the number without quotes"
        );
        assert_eq!(
            rewrite_("invalid type: string \"1m\", expected internally tagged enum DistSpec"),
            "expected a distribution table, found the string \"1m\"; a fixed value is written { dist = \"fixed\", value = \"1m\" }"
        );
        assert_eq!(
            rewrite_("invalid value: integer `-3`, expected u32"),
            "expected a whole number, 0 or more, found the number -3"
        );
        assert_eq!(
            rewrite("invalid type: map, expected a sequence", "strategy"),
            "expected an array [...], found a table; an array of tables is written with double brackets: [[strategy]]"
        );
        assert_eq!(
            rewrite_("invalid type: integer `5`, expected struct RawReliability"),
            "expected a table, found the number 5"
        );
        assert_eq!(
            rewrite_("missing field `dist`"),
            "missing key `dist`; it is required here (see docs/model-reference.md)"
        );
        for m in [
            "invalid type: boolean `true`, expected a string",
            "invalid type: floating point `3.5`, expected u32",
            "invalid type: sequence, expected f64",
            "invalid type: integer `3`, expected variant identifier",
            "data did not match any variant of untagged enum RawValue",
            "unknown field `x`, there are no fields",
        ] {
            clean(m);
        }
    }
}
