//! The sources of the figures are in the repository: every
//! `sources.md#anchor` that a file cites (the models' comments, the docs, the
//! code's doc comments) names a section of `docs/sources.md`, and no file
//! points at the design notes that users do not have.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Every file of the repository, skipping version control and build output.
fn files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::from(ROOT)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable directory") {
            let entry = entry.expect("directory entry");
            let kind = entry.file_type().expect("file type");
            let name = entry.file_name();
            if kind.is_dir() {
                if !matches!(name.to_str(), Some(".git" | "target")) {
                    stack.push(entry.path());
                }
            } else if kind.is_file() {
                out.push(entry.path());
            }
        }
    }
    out.sort();
    out
}

/// The anchors `docs/sources.md` defines, written `<a id="NAME"></a>`.
fn defined_anchors() -> BTreeSet<String> {
    let text = std::fs::read_to_string(Path::new(ROOT).join("docs/sources.md")).expect("docs/sources.md exists");
    text.split("<a id=\"").skip(1).map(|rest| rest.split('"').next().unwrap_or("").to_string()).collect()
}

/// The anchors after each `sources.md#` in `text`.
fn cited_anchors(text: &str) -> Vec<String> {
    text.split("sources.md#")
        .skip(1)
        .map(|rest| rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect())
        .collect()
}

#[test]
fn every_cited_anchor_exists_in_docs_sources_md() {
    let defined = defined_anchors();
    assert!(defined.len() >= 10, "docs/sources.md defines only {defined:?}");
    let mut cited = 0;
    let mut missing = Vec::new();
    // This file names the pattern itself; it cites nothing.
    let this_file = Path::new(ROOT).join(file!());
    for path in files().into_iter().filter(|p| *p != this_file) {
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        for anchor in cited_anchors(&text) {
            cited += 1;
            if !defined.contains(&anchor) {
                missing.push(format!("{}: sources.md#{anchor}", path.display()));
            }
        }
    }
    assert!(missing.is_empty(), "cited anchors missing from docs/sources.md:\n{}", missing.join("\n"));
    // The bundled models cite it, so the check above is not vacuous.
    assert!(cited >= 30, "only {cited} citations of docs/sources.md found");
}

#[test]
fn every_bundled_model_cites_docs_sources_md() {
    for entry in std::fs::read_dir(Path::new(ROOT).join("models")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(!cited_anchors(&text).is_empty(), "{} cites no section of docs/sources.md", path.display());
        }
    }
}

#[test]
fn no_file_cites_the_unpublished_reference_notes() {
    // Spelled in two pieces so this file does not match itself.
    let needle = concat!("REFERENCE", ".md");
    let offenders: Vec<String> = files()
        .into_iter()
        .filter(|p| std::fs::read(p).is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes())))
        .map(|p| p.display().to_string())
        .collect();
    assert!(offenders.is_empty(), "files citing {needle}, which users do not have:\n{}", offenders.join("\n"));
}

#[test]
fn anchors_are_unique_and_listed_in_the_contents() {
    let text = std::fs::read_to_string(Path::new(ROOT).join("docs/sources.md")).unwrap();
    let ids: Vec<&str> = text.split("<a id=\"").skip(1).map(|rest| rest.split('"').next().unwrap_or("")).collect();
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "duplicate anchors in docs/sources.md: {ids:?}");
    for id in ids {
        assert!(text.contains(&format!("(#{id})")), "docs/sources.md never links to its own section #{id}");
    }
}
