//! Addressing any model parameter by a dotted path and setting it by editing
//! the model's TOML text (comments and layout kept), then re-validating.
//!
//! A path names a key the way the model file nests it, with two shortcuts for
//! the arrays of tables: `strategy.NAME.…` picks the `[[strategy]]` whose
//! `name` is NAME, and `failure.KIND.…` the `[[failure]]` whose `kind` is KIND.
//! Examples: `strategy.backup-restore.backup.interval`,
//! `strategy.warm-standby.capacity_fraction`, `workload.dataset_gb`,
//! `failure.region.rate_per_year`, `failure.az.duration.median`,
//! `targets.rpo`, `costs.transfer_usd_per_gb`.
//!
//! A value is written in the type of the value it replaces: a duration string
//! stays a string (`2h`), a number a number. Setting a distribution (a table
//! with a `dist` key) to a plain value makes it fixed at that value; a value
//! starting with `{` is taken as a whole inline table (a new distribution).
//! A key the file leaves out (e.g. a step a strategy inherits) is added.
//! Whatever is set, the whole model is validated again, so a bad value is
//! reported with the path and value that caused it.

use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Item, TableLike, Value};

use crate::model::{Model, ModelError};

/// Why a parameter could not be set.
#[derive(Debug, thiserror::Error)]
pub enum ParamError {
    /// The model text is not TOML.
    #[error("{}: not valid TOML", path.display())]
    Toml {
        /// The model file.
        path: PathBuf,
        /// The parser's error (its message points at the line and column).
        #[source]
        source: toml_edit::TomlError,
    },
    /// The path does not name a key of the model.
    #[error("{param}: {why}")]
    BadPath {
        /// The path as given.
        param: String,
        /// What is wrong and what exists.
        why: String,
    },
    /// The value does not fit the key's type.
    #[error("{param}={value}: {why}")]
    BadValue {
        /// The path.
        param: String,
        /// The value as given.
        value: String,
        /// What is wrong and what is allowed.
        why: String,
    },
    /// The edited model is not valid.
    #[error("with {assignments}")]
    Invalid {
        /// The assignments made, `PATH=VALUE, ...`.
        assignments: String,
        /// The validation problems.
        #[source]
        source: ModelError,
    },
}

/// One assignment `PATH=VALUE`.
#[derive(Clone, Debug, PartialEq)]
pub struct Assignment {
    /// The parameter's path.
    pub path: String,
    /// The value as TOML-ish text (`2h`, `0.5`, `{ dist = "fixed", value = 3.0 }`).
    pub value: String,
}

impl std::fmt::Display for Assignment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}={}", self.path, self.value)
    }
}

/// Parses the model text, keeping its comments and layout.
pub fn parse_document(text: &str, path: &Path) -> Result<DocumentMut, ParamError> {
    text.parse::<DocumentMut>().map_err(|e| ParamError::Toml { path: path.to_path_buf(), source: e })
}

fn bad_path(param: &str, why: impl Into<String>) -> ParamError {
    ParamError::BadPath { param: param.to_string(), why: why.into() }
}

/// The table of `parent[array]` (an array of tables) whose `id_key` is
/// `id`: `label` names the array in messages (`[[strategy]]`), `example`
/// shows how to name one (`strategy.NAME.KEY`).
#[allow(clippy::too_many_arguments)]
fn pick<'a>(
    parent: &'a mut toml_edit::Table,
    array: &str,
    id_key: &str,
    id: Option<&str>,
    param: &str,
    label: &str,
    example: &str,
    missing: &str,
) -> Result<&'a mut toml_edit::Table, ParamError> {
    let Some(id) = id else {
        return Err(bad_path(param, format!("say which {array}: `{example}`")));
    };
    let Some(tables) = parent.get_mut(array).and_then(Item::as_array_of_tables_mut) else {
        return Err(bad_path(param, format!("the model has no {label}{missing}")));
    };
    let known: Vec<String> =
        tables.iter().filter_map(|t| t.get(id_key).and_then(Item::as_str).map(str::to_string)).collect();
    match tables.iter_mut().find(|t| t.get(id_key).and_then(Item::as_str) == Some(id)) {
        Some(t) => Ok(t),
        None => Err(bad_path(
            param,
            format!("no {label} with {id_key} = \"{id}\";{} known: {}", did_you_mean(id, &known), known.join(", ")),
        )),
    }
}

/// The table a path starts in and the keys left to walk: the document, or
/// the `[[strategy]]`, `[[failure]]`, `[[service]]` or a service's
/// `[[service.strategy]]` the path names.
fn root<'a, 'p, 's>(
    doc: &'a mut DocumentMut,
    param: &str,
    segs: &'p [&'s str],
) -> Result<(&'a mut dyn TableLike, &'p [&'s str]), ParamError> {
    let is_platform = doc.contains_key("service");
    let table = doc.as_table_mut();
    match segs.first() {
        Some(&"strategy") => {
            // A platform's candidates live under its services: say where.
            let missing = if is_platform {
                "; a platform model's candidates are `service.SERVICE.strategy.NAME.KEY`"
            } else {
                ""
            };
            let t = pick(
                table,
                "strategy",
                "name",
                segs.get(1).copied(),
                param,
                "[[strategy]]",
                "strategy.NAME.KEY",
                missing,
            )?;
            Ok((t as &mut dyn TableLike, &segs[2..]))
        }
        Some(&"failure") => {
            let t = pick(table, "failure", "kind", segs.get(1).copied(), param, "[[failure]]", "failure.KIND.KEY", "")?;
            Ok((t as &mut dyn TableLike, &segs[2..]))
        }
        Some(&"service") => {
            let service = segs.get(1).copied();
            let t = pick(table, "service", "name", service, param, "[[service]]", "service.NAME.KEY", "")?;
            if segs.get(2) != Some(&"strategy") {
                return Ok((t as &mut dyn TableLike, &segs[2..]));
            }
            let name = service.unwrap_or_default();
            let label = format!("[[service.strategy]] in service \"{name}\"");
            let example = format!("service.{name}.strategy.NAME.KEY");
            let t = pick(t, "strategy", "name", segs.get(3).copied(), param, &label, &example, "")?;
            Ok((t as &mut dyn TableLike, segs.get(4..).unwrap_or(&[])))
        }
        _ => Ok((table as &mut dyn TableLike, segs)),
    }
}

/// The table holding the path's last key, and that key.
fn locate<'a>(doc: &'a mut DocumentMut, param: &'a str) -> Result<(&'a mut dyn TableLike, &'a str), ParamError> {
    let segs: Vec<&str> = param.split('.').map(str::trim).collect();
    if segs.iter().any(|s| s.is_empty()) {
        return Err(bad_path(param, "empty part in the path; write e.g. `strategy.NAME.backup.interval`"));
    }
    let (mut table, rest) = root(doc, param, &segs)?;
    let Some((last, walk)) = rest.split_last() else {
        return Err(bad_path(param, "the path names a whole table; name one of its keys"));
    };
    for (i, seg) in walk.iter().enumerate() {
        let here = segs[..segs.len() - rest.len() + i].join(".");
        let keys: Vec<String> = table.iter().map(|(k, _)| k.to_string()).collect();
        table = match table.get_mut(seg) {
            Some(item) => item
                .as_table_like_mut()
                .ok_or_else(|| bad_path(param, format!("`{here}.{seg}` is a value, not a table")))?,
            None => {
                return Err(bad_path(
                    param,
                    format!(
                        "no key `{seg}` under `{here}`;{} keys there: {}",
                        did_you_mean(seg, &keys),
                        keys.join(", ")
                    ),
                ));
            }
        };
    }
    Ok((table, *last))
}

/// ` did you mean `NAME`?` when one of `known` is near `word`, else nothing.
fn did_you_mean(word: &str, known: &[String]) -> String {
    crate::model::nearest(word, known.iter().map(String::as_str))
        .map_or(String::new(), |n| format!(" did you mean `{n}`?"))
}

/// The keys the file sets in the table holding `param`'s last key, with the
/// one nearest that key if it is near (a typo's likely intent).
pub fn keys_beside(doc: &mut DocumentMut, param: &str) -> Result<(Vec<String>, Option<String>), ParamError> {
    let param_owned = param.to_string();
    let (table, key) = locate(doc, &param_owned)?;
    let keys: Vec<String> = table.iter().map(|(k, _)| k.to_string()).collect();
    let near = crate::model::nearest(key, keys.iter().map(String::as_str)).map(str::to_string);
    Ok((keys, near))
}

/// The current value at `param`, if the file sets it.
pub fn get(doc: &mut DocumentMut, param: &str) -> Result<Option<Value>, ParamError> {
    let param_owned = param.to_string();
    let (table, key) = locate(doc, &param_owned)?;
    Ok(table.get(key).and_then(Item::as_value).cloned())
}

/// Parses `raw` as a TOML value, or `None` if it is not one.
fn toml_value(raw: &str) -> Option<Value> {
    raw.trim().parse::<Value>().ok()
}

/// The new value for `raw`, in the type of `old`.
fn convert(old: Option<&Value>, raw: &str, param: &str) -> Result<Value, ParamError> {
    let bad = |why: &str| ParamError::BadValue { param: param.into(), value: raw.into(), why: why.into() };
    let raw_t = raw.trim();
    if raw_t.starts_with('{') || raw_t.starts_with('[') {
        return toml_value(raw_t).ok_or_else(|| bad("not a valid TOML inline table or array"));
    }
    let unquoted = raw_t.trim_matches('"');
    Ok(match old {
        Some(Value::String(_)) => Value::from(unquoted),
        Some(Value::Integer(_)) => match unquoted.parse::<i64>() {
            Ok(i) => Value::from(i),
            Err(_) => Value::from(unquoted.parse::<f64>().map_err(|_| bad("expected a number"))?),
        },
        Some(Value::Float(_)) => Value::from(unquoted.parse::<f64>().map_err(|_| bad("expected a number"))?),
        Some(Value::Boolean(_)) => Value::from(unquoted.parse::<bool>().map_err(|_| bad("expected true or false"))?),
        Some(Value::InlineTable(t)) if t.contains_key("dist") => {
            let value = match unquoted.parse::<f64>() {
                Ok(x) => Value::from(x),
                Err(_) => Value::from(unquoted),
            };
            let mut fixed = toml_edit::InlineTable::new();
            fixed.insert("dist", Value::from("fixed"));
            fixed.insert("value", value);
            Value::InlineTable(fixed)
        }
        Some(_) => return Err(bad("this key holds a table or array; give a whole `{ ... }` or `[ ... ]` value")),
        // A key the file leaves out: a TOML number or boolean as such, anything else as a string.
        None => match toml_value(unquoted) {
            Some(v @ (Value::Integer(_) | Value::Float(_) | Value::Boolean(_))) => v,
            _ => Value::from(unquoted),
        },
    })
}

/// Sets one parameter in the document.
pub fn set(doc: &mut DocumentMut, a: &Assignment) -> Result<(), ParamError> {
    let (table, key) = locate(doc, &a.path)?;
    let old = table.get(key).and_then(Item::as_value).cloned();
    if old.is_none() && table.get(key).is_some() {
        return Err(bad_path(&a.path, "names a table; name one of its keys"));
    }
    let mut new = convert(old.as_ref(), &a.value, &a.path)?;
    if let Some(old) = &old {
        *new.decor_mut() = old.decor().clone();
    }
    table.insert(key, Item::Value(new));
    Ok(())
}

/// The model text with every assignment applied, in order.
pub fn apply(text: &str, path: &Path, assignments: &[Assignment]) -> Result<String, ParamError> {
    let mut doc = parse_document(text, path)?;
    for a in assignments {
        set(&mut doc, a)?;
    }
    Ok(doc.to_string())
}

/// The validated model with every assignment applied.
pub fn model_with(text: &str, path: &Path, assignments: &[Assignment]) -> Result<Model, ParamError> {
    let edited = apply(text, path, assignments)?;
    Model::from_str_at(&edited, path).map_err(|source| ParamError::Invalid {
        assignments: assignments.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
        source,
    })
}

/// Parses `PATH=V1,V2,...` into the path and its values. Commas inside
/// `{ }` or `[ ]` do not split.
pub fn parse_set(spec: &str) -> Result<(String, Vec<String>), ParamError> {
    let Some((path, values)) = spec.split_once('=') else {
        return Err(bad_path(spec, "expected PATH=V1,V2,..., e.g. strategy.NAME.backup.interval=30m,1h,2h"));
    };
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in values.char_indices() {
        match c {
            '{' | '[' => depth += 1,
            '}' | ']' => depth -= 1,
            ',' if depth == 0 => {
                out.push(values[start..i].trim().to_string());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(values[start..].trim().to_string());
    if out.iter().any(String::is_empty) {
        return Err(bad_path(path.trim(), format!("empty value in `{values}`; give V1,V2,...")));
    }
    Ok((path.trim().to_string(), out))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"
[workload]
dataset_gb = 100.0 # GB

[[failure]]
kind = "az"
duration = { dist = "lognormal", median = "4h", p95 = "30h" }

[[strategy]]
name = "br"

[strategy.backup]
interval = "1h" # hourly
"#;

    fn edit(path: &str, value: &str) -> Result<String, ParamError> {
        apply(TEXT, Path::new("m.toml"), &[Assignment { path: path.into(), value: value.into() }])
    }

    #[test]
    fn sets_values_in_their_type_and_keeps_comments() {
        assert!(edit("strategy.br.backup.interval", "2h").unwrap().contains("interval = \"2h\" # hourly"));
        assert!(edit("workload.dataset_gb", "250").unwrap().contains("dataset_gb = 250.0 # GB"));
        assert!(edit("failure.az.duration.median", "5h").unwrap().contains("median = \"5h\""));
        let fixed = edit("failure.az.duration", "3h").unwrap();
        assert!(fixed.contains(r#"duration = { dist = "fixed", value = "3h" }"#), "{fixed}");
        assert!(
            edit("strategy.br.detection", "{ dist = \"fixed\", value = \"1m\" }").unwrap().contains("detection = {")
        );
    }

    #[test]
    fn bad_paths_say_what_exists() {
        let e = edit("strategy.nope.backup.interval", "1h").unwrap_err().to_string();
        assert!(e.contains("known: br"), "{e}");
        let e = edit("strategy.br.bakup.interval", "1h").unwrap_err().to_string();
        assert!(e.contains("no key `bakup`") && e.contains("backup"), "{e}");
        let e = edit("workload.dataset_gb", "lots").unwrap_err().to_string();
        assert!(e.contains("expected a number"), "{e}");
    }

    #[test]
    fn set_lists_split_outside_braces() {
        let (p, v) = parse_set("a.b={ dist = \"uniform\", min = 1, max = 2 },3").unwrap();
        assert_eq!(p, "a.b");
        assert_eq!(v, vec!["{ dist = \"uniform\", min = 1, max = 2 }".to_string(), "3".to_string()]);
        assert!(parse_set("a.b").is_err());
        assert!(parse_set("a.b=1,,2").is_err());
    }

    #[test]
    fn toml_errors_are_kept_as_the_source() {
        use std::error::Error as _;
        let err = parse_document("a = = 1", Path::new("m.toml")).unwrap_err();
        assert_eq!(err.to_string(), "m.toml: not valid TOML");
        assert!(err.source().is_some_and(|s| s.is::<toml_edit::TomlError>()), "{err:?}");
    }
}
