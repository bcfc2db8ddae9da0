//! `drsim check --format sarif`: the audit as a SARIF 2.1.0 log, the format
//! code-scanning tools read (GitHub code scanning's `upload-sarif`, IDE
//! SARIF viewers). One run; its tool driver lists a rule for every audit
//! code and one for an invalid model; each finding or problem is a result
//! with the rule's id, a level, a message and the model file's location
//! (its path as given, as a relative URI, and the line and column of the key).
//!
//! The types are `serde-sarif`'s, generated from the SARIF 2.1.0 JSON schema.

use std::path::Path;

use serde_sarif::sarif::{
    ArtifactLocation, Location, Message, MultiformatMessageString, PhysicalLocation, Region, ReportingConfiguration,
    ReportingDescriptor, Result as SarifResult, ResultLevel, Run, Sarif, Tool, ToolComponent,
};

use super::json::pretty;
use super::{Report, ReportError};
use crate::lint::{Audit, Code, span};

/// The SARIF schema the log names (the one GitHub's documentation uses).
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The rule of a model that cannot be loaded.
pub const INVALID_MODEL_RULE: &str = "invalid-model";

/// The SARIF log of a [`drsim check`](Audit).
#[derive(Clone, Copy, Debug, Default)]
pub struct CheckSarif;

/// `text` as a sentence: capitalised, ending in a full stop.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    let first = chars.next().map(|c| c.to_uppercase().collect::<String>()).unwrap_or_default();
    let rest = chars.as_str();
    if rest.ends_with('.') { format!("{first}{rest}") } else { format!("{first}{rest}.") }
}

/// The rules, in the order `ruleIndex` counts: every audit code, then
/// [`INVALID_MODEL_RULE`].
fn rules() -> Vec<ReportingDescriptor> {
    let text = |t: &str| MultiformatMessageString::builder().text(t).build();
    let mut rules: Vec<ReportingDescriptor> = Code::ALL
        .iter()
        .map(|code| {
            ReportingDescriptor::builder()
                .id(code.name())
                .short_description(text(code.title()))
                .full_description(text(&sentence(code.why())))
                .help(text(&format!("{} See \"Audit findings\" in docs/errors.md.", sentence(code.why()))))
                .default_configuration(ReportingConfiguration::builder().level("warning").build())
                .build()
        })
        .collect();
    rules.push(
        ReportingDescriptor::builder()
            .id(INVALID_MODEL_RULE)
            .short_description(text("The model is not a valid drsim model"))
            .full_description(text(
                "The file is not TOML, or a key is unknown, missing, of the wrong type or out of its allowed range; \
                 nothing can be simulated until it is fixed.",
            ))
            .help(text("See docs/model-reference.md for every key and docs/errors.md for the message format."))
            .default_configuration(ReportingConfiguration::builder().level("error").build())
            .build(),
    );
    rules
}

/// `path` as a URI reference: `/` separators, every byte outside RFC 3986's
/// unreserved characters percent-encoded (`<stdin>` is `%3Cstdin%3E`); an
/// absolute path becomes a `file://` URI, a relative one stays relative (code
/// scanning resolves it against the repository root).
pub fn uri_of(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let text = text.strip_prefix("./").unwrap_or(&text);
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    if path.is_absolute() {
        format!("file://{}", if out.starts_with('/') { out } else { format!("/{out}") })
    } else {
        out
    }
}

/// A result of rule `index` at `line:column` of the model (no region when unknown).
fn result(
    audit: &Audit<'_>,
    index: usize,
    level: ResultLevel,
    text: String,
    at: Option<(usize, usize)>,
) -> SarifResult {
    let artifact = ArtifactLocation::builder().uri(uri_of(audit.path)).build();
    let physical = match at {
        Some((line, column)) => PhysicalLocation::builder()
            .artifact_location(artifact)
            .region(Region::builder().start_line(line as i64).start_column(column as i64).build())
            .build(),
        None => PhysicalLocation::builder().artifact_location(artifact).build(),
    };
    let id = if index < Code::ALL.len() { Code::ALL[index].name() } else { INVALID_MODEL_RULE };
    SarifResult::builder()
        .rule_id(id)
        .rule_index(index as i64)
        .level(level)
        .message(Message::builder().text(text).build())
        .locations(vec![Location::builder().physical_location(physical).build()])
        .build()
}

impl Report<Audit<'_>> for CheckSarif {
    fn render(&self, audit: &Audit<'_>) -> Result<String, ReportError> {
        let finding_level = || if audit.strict { ResultLevel::Error } else { ResultLevel::Warning };
        let mut results: Vec<SarifResult> = audit
            .problems
            .iter()
            .map(|p| {
                let text = if p.key.is_empty() { p.message.clone() } else { format!("{}: {}", p.key, p.message) };
                result(audit, Code::ALL.len(), ResultLevel::Error, text, Some((p.line, p.column)))
            })
            .collect();
        results.extend(audit.findings.iter().map(|f| {
            let index = Code::ALL.iter().position(|c| *c == f.code).unwrap_or(0);
            result(audit, index, finding_level(), format!("{}: {}", f.key, f.message), span(audit.text, &f.key))
        }));
        let driver = ToolComponent::builder()
            .name("drsim")
            .full_name(concat!("drsim ", env!("CARGO_PKG_VERSION"), " check"))
            .version(env!("CARGO_PKG_VERSION"))
            .semantic_version(env!("CARGO_PKG_VERSION"))
            .rules(rules())
            .build();
        let run = Run::builder()
            .tool(Tool::builder().driver(driver).build())
            .results(results)
            .column_kind("unicodeCodePoints")
            .build();
        let log = Sarif::builder().schema(SCHEMA_URI).version("2.1.0").runs(vec![run]).build();
        pretty(&log)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri_of(Path::new("models/securecart-monolith.toml")), "models/securecart-monolith.toml");
        assert_eq!(uri_of(Path::new("./models/my model.toml")), "models/my%20model.toml");
        assert_eq!(uri_of(Path::new(crate::input::STDIN_NAME)), "%3Cstdin%3E");
        #[cfg(unix)]
        assert_eq!(uri_of(Path::new("/srv/m.toml")), "file:///srv/m.toml");
    }
}
