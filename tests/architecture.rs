//! The layers of `docs/architecture.md`, kept true: every source file's
//! `crate::`, `super::` and `self::` paths are read (as text, outside comments,
//! strings and test modules) and resolved to the file they name; the test
//! fails on an import from a higher layer and on a cycle between files.
//!
//! A module's root file (`mod.rs`) may use its own submodules (they are its
//! parts); every other edge counts. `main.rs` and `lib.rs` are the top and
//! the table of contents, so they are not read. `cli` and `commands` belong
//! to the binary (declared in `main.rs`) and reach the library as `drsim::`,
//! which is read like `crate::`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, bottom first: a module may import from its own layer and the
/// ones below, never from one above. The same table is in docs/architecture.md.
const LAYERS: &[&[&str]] = &[
    &["num", "format", "input", "real", "provenance"],
    &["stats"],
    &["model", "fit", "policy"],
    &["world"],
    &["incident", "cost"],
    &["strategy"],
    &["tally"],
    &["engine"],
    &["summary", "stratified"],
    &["decision"],
    &["simulation"],
    &["lint", "shard", "timeline", "whatif", "platform"],
    &["report"],
    &["harden", "cli"],
    &["commands"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// A source file and the module path it defines (`["world", "site"]`).
struct Source {
    path: PathBuf,
    module: Vec<String>,
    is_root: bool,
    text: String,
}

fn sources() -> Vec<Source> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src is readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel: Vec<String> = path
                .strip_prefix(&src)
                .expect("under src")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().trim_end_matches(".rs").to_string())
                .collect();
            if rel == ["main"] || rel == ["lib"] {
                continue;
            }
            // Unit tests kept in their own files (`mod tests;`) test their parent.
            if rel.iter().any(|c| c == "tests") {
                continue;
            }
            let is_root = rel.last().is_some_and(|c| c == "mod");
            let module: Vec<String> = rel.into_iter().filter(|c| c != "mod").collect();
            let text = std::fs::read_to_string(&path).expect("readable");
            out.push(Source { path, module, is_root, text });
        }
    }
    out.sort_by(|a, b| a.module.cmp(&b.module));
    out
}

/// The code of a file without comments, string and char literals, and
/// without its test module (from `#[cfg(test)]` followed by `mod` to the end).
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &text[i..];
        if rest.starts_with("//") {
            i += rest.find('\n').unwrap_or(rest.len());
        } else if rest.starts_with("/*") {
            i += rest.find("*/").map_or(rest.len(), |e| e + 2);
        } else if let Some(raw) = rest.strip_prefix("r#\"") {
            i += 3 + raw.find("\"#").map_or(raw.len(), |e| e + 2);
            out.push_str("\"\"");
        } else if bytes[i] == b'"' {
            let mut j = i + 1;
            while j < bytes.len() && bytes[j] != b'"' {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            out.push_str("\"\"");
            i = j + 1;
        } else if bytes[i] == b'\'' && rest.len() >= 3 && (rest.as_bytes()[2] == b'\'' || rest.as_bytes()[1] == b'\\') {
            // A char literal ('a', '\n', '\''); lifetimes ('a) are left alone.
            let end = rest[2..].find('\'').map_or(rest.len(), |e| e + 3);
            i += end;
            out.push_str("' '");
        } else {
            let c = rest.chars().next().expect("a char");
            out.push(c);
            i += c.len_utf8();
        }
    }
    let cut = out
        .match_indices("#[cfg(test)]")
        .find(|(at, m)| out[at + m.len()..].trim_start().starts_with("mod "))
        .map_or(out.len(), |(at, _)| at);
    out.truncate(cut);
    out
}

/// Every path a `use` declaration names, braces expanded: `crate::a::{b, c::D}`
/// gives `crate::a::b` and `crate::a::c::D`.
fn expand_use(tree: &str) -> Vec<String> {
    let tree: String = tree.split_whitespace().collect();
    let Some(open) = tree.find('{') else {
        return vec![tree.split(" as ").next().unwrap_or(&tree).to_string()];
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .flat_map(|p| {
            expand_use(p)
                .into_iter()
                .map(|q| if q == "self" { prefix.trim_end_matches("::").to_string() } else { format!("{prefix}{q}") })
        })
        .collect()
}

/// Every `crate::`, `super::` and `self::` path of a file's code.
fn paths_in(code: &str) -> Vec<String> {
    // The binary's modules (`cli`, `commands`) name the library `drsim::`.
    let code = code.replace("drsim::", "crate::");
    let code = code.as_str();
    let mut paths = Vec::new();
    let mut rest = code;
    let mut code_without_uses = String::new();
    // `use` declarations, with their braces.
    while let Some(at) = rest.find("use ") {
        let before = rest[..at].chars().last();
        code_without_uses.push_str(&rest[..at]);
        let after = &rest[at + 4..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            code_without_uses.push_str("use ");
            rest = after;
            continue;
        }
        let Some(end) = after.find(';') else { break };
        let tree = after[..end].trim();
        if tree.starts_with("crate::") || tree.starts_with("super::") || tree.starts_with("self::") {
            paths.extend(expand_use(tree));
        }
        rest = &after[end + 1..];
    }
    code_without_uses.push_str(rest);
    let code = code_without_uses.as_str();
    // Paths written inline in code (`crate::report::fmt_percent(x)`).
    for root in ["crate::", "super::"] {
        for (at, _) in code.match_indices(root) {
            let before = code[..at].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let path: String =
                code[at..].chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect();
            paths.push(path.trim_end_matches(':').to_string());
        }
    }
    paths
}

/// The module path a `crate::`/`super::`/`self::` path starts from, made absolute.
fn absolute(path: &str, source: &Source) -> Vec<String> {
    let mut segments: Vec<&str> = path.split("::").collect();
    // The module that `super`/`self` are relative to: a file's own module.
    let mut base: Vec<String> = source.module.clone();
    match segments.first() {
        Some(&"crate") => {
            base.clear();
            segments.remove(0);
        }
        Some(&"self") => {
            segments.remove(0);
        }
        _ => {
            while segments.first() == Some(&"super") {
                segments.remove(0);
                base.pop();
            }
        }
    }
    base.extend(segments.into_iter().map(str::to_string));
    base
}

#[test]
fn no_upward_import_and_no_cycle() {
    let sources = sources();
    let by_module: BTreeMap<Vec<String>, usize> =
        sources.iter().enumerate().map(|(i, s)| (s.module.clone(), i)).collect();
    let mut edges: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    let mut problems = Vec::new();
    for (from, source) in sources.iter().enumerate() {
        let top = &source.module[0];
        let Some(own) = layer_of(top) else {
            problems.push(format!(
                "{}: module `{top}` is in no layer (tests/architecture.rs, docs/architecture.md)",
                source.path.display()
            ));
            continue;
        };
        for path in paths_in(&code_only(&source.text)) {
            let target = absolute(&path, source);
            // The longest prefix that is a file.
            let Some(to) = (1..=target.len()).rev().find_map(|n| by_module.get(&target[..n]).copied()) else {
                continue;
            };
            if to == from {
                continue;
            }
            let dest = &sources[to];
            let child = source.is_root && dest.module.starts_with(&source.module);
            if !child {
                edges.entry(from).or_default().insert(to);
            }
            let theirs = layer_of(&dest.module[0]).unwrap_or(usize::MAX);
            if theirs > own {
                problems.push(format!(
                    "upward import: {} (layer {own}, `{top}`) uses {path} from {} (layer {theirs})",
                    source.path.display(),
                    dest.path.display()
                ));
            }
        }
    }
    for cycle in cycles(sources.len(), &edges) {
        let names: Vec<String> = cycle.iter().map(|&i| sources[i].path.display().to_string()).collect();
        problems.push(format!("cycle: {}", names.join(" -> ")));
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let problems: BTreeSet<String> =
        problems.into_iter().map(|p| p.replace(&format!("{}/", root.display()), "")).collect();
    let problems: Vec<String> = problems.into_iter().collect();
    assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));
}

/// The strongly connected components of more than one file (Tarjan).
fn cycles(n: usize, edges: &BTreeMap<usize, BTreeSet<usize>>) -> Vec<Vec<usize>> {
    struct State<'a> {
        edges: &'a BTreeMap<usize, BTreeSet<usize>>,
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        found: Vec<Vec<usize>>,
    }
    fn visit(s: &mut State<'_>, v: usize) {
        s.index[v] = Some(s.next);
        s.low[v] = s.next;
        s.next += 1;
        s.stack.push(v);
        s.on_stack[v] = true;
        let targets: Vec<usize> = s.edges.get(&v).map(|t| t.iter().copied().collect()).unwrap_or_default();
        for w in targets {
            match s.index[w] {
                None => {
                    visit(s, w);
                    s.low[v] = s.low[v].min(s.low[w]);
                }
                Some(iw) if s.on_stack[w] => s.low[v] = s.low[v].min(iw),
                Some(_) => {}
            }
        }
        if Some(s.low[v]) == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack[w] = false;
                component.push(w);
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort_unstable();
                s.found.push(component);
            }
        }
    }
    let mut s = State {
        edges,
        index: vec![None; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        next: 0,
        found: Vec::new(),
    };
    for v in 0..n {
        if s.index[v].is_none() {
            visit(&mut s, v);
        }
    }
    s.found
}

#[test]
fn the_reader_sees_through_braces_comments_and_strings() {
    assert_eq!(expand_use("crate::a::{b, c::{D, self}}"), ["crate::a::b", "crate::a::c::D", "crate::a::c"]);
    let code =
        code_only("// crate::x::y\nlet s = \"crate::z\"; use crate::w::V;\n#[cfg(test)]\nmod tests { use crate::t; }");
    assert_eq!(paths_in(&code), ["crate::w::V"]);
    assert_eq!(paths_in("fn f() { crate::report::fmt(1); }"), ["crate::report::fmt"]);
}

#[test]
fn every_top_level_module_has_a_layer_and_the_doc_lists_them() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/architecture.md"))
        .expect("docs/architecture.md exists");
    for module in LAYERS.iter().flat_map(|l| l.iter()) {
        assert!(doc.contains(&format!("`{module}`")), "docs/architecture.md does not name `{module}`");
    }
}
