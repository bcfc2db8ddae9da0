//! Key paths into the model file and their positions, so every error can say
//! `file:line:column` and which key it is about.

use std::fmt;

/// One step of a key path: a table key or an array index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    /// A key in a table.
    Key(String),
    /// An index in an array (of tables).
    Index(usize),
}

/// A path to a value in the model file, such as `strategy[1].replication_lag.p95`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyPath(Vec<Segment>);

impl KeyPath {
    /// The root of the document.
    pub fn root() -> KeyPath {
        KeyPath(Vec::new())
    }

    /// This path extended by a key.
    pub fn key(&self, key: &str) -> KeyPath {
        let mut next = self.0.clone();
        next.push(Segment::Key(key.to_string()));
        KeyPath(next)
    }

    /// This path extended by an array index.
    pub fn index(&self, index: usize) -> KeyPath {
        let mut next = self.0.clone();
        next.push(Segment::Index(index));
        KeyPath(next)
    }

    /// The segments, outermost first.
    pub fn segments(&self) -> &[Segment] {
        &self.0
    }

    /// Finds the byte range of this path in a parsed document: the key itself
    /// where the last segment is a key, else the value. Falls back to the
    /// nearest ancestor that exists, so a missing key points at its table.
    pub(crate) fn locate(&self, doc: &toml_edit::Document<&str>) -> Option<std::ops::Range<usize>> {
        let mut item: &toml_edit::Item = doc.as_item();
        let mut best = item.span();
        for segment in &self.0 {
            match segment {
                Segment::Key(k) => {
                    let Some(table) = item.as_table_like() else { break };
                    let Some((key, value)) = table.get_key_value(k) else { break };
                    best = key.span().or_else(|| value.span()).or(best);
                    item = value;
                }
                Segment::Index(i) => {
                    let Some(next) = item.get(*i) else { break };
                    best = next.span().or(best);
                    item = next;
                }
            }
        }
        best
    }
}

impl KeyPath {
    /// The most specific key whose text (key through value, or a table's
    /// header) contains byte `offset`: names the key of a parse error that
    /// only carries a position (wrong type, unknown or missing field).
    pub(crate) fn at_offset(doc: &toml_edit::Document<&str>, offset: usize) -> Option<KeyPath> {
        let mut best: Option<(usize, KeyPath)> = None;
        visit(doc.as_item(), &KeyPath::root(), offset, &mut best);
        best.map(|(_, path)| path)
    }
}

/// The table whose header line (`[name]` or `[[name]]`) holds byte `offset`,
/// e.g. `workload` or `strategy[2]`: where a missing-field error points.
pub(crate) fn header_at(text: &str, offset: usize) -> Option<KeyPath> {
    let (line, _) = line_column(text, offset);
    let header = text.lines().nth(line - 1)?.trim();
    let (name, array) = if let Some(inner) = header.strip_prefix("[[") {
        (inner.split("]]").next()?.trim(), true)
    } else {
        (header.strip_prefix('[')?.split(']').next()?.trim(), false)
    };
    // `[strategy.backup]` belongs to the latest `[[strategy]]` before it.
    let headers_before = |prefix: &str| {
        let same = format!("[[{prefix}]]");
        text.lines().take(line - 1).filter(|l| l.trim().starts_with(&same)).count()
    };
    let parts: Vec<&str> = name.split('.').map(|p| p.trim().trim_matches('"')).collect();
    let mut path = KeyPath::root();
    for (i, part) in parts.iter().enumerate() {
        path = path.key(part);
        let prefix = parts[..=i].join(".");
        let last = i + 1 == parts.len();
        match (last && array, headers_before(&prefix)) {
            (true, n) => path = path.index(n),
            (false, n) if n > 0 => path = path.index(n - 1),
            _ => {}
        }
    }
    Some(path)
}

fn visit(item: &toml_edit::Item, at: &KeyPath, offset: usize, best: &mut Option<(usize, KeyPath)>) {
    if let Some(table) = item.as_table_like() {
        for (name, _) in table.iter() {
            let Some((key, value)) = table.get_key_value(name) else { continue };
            let path = at.key(name);
            let start = key.span().map(|r| r.start).or_else(|| value.span().map(|r| r.start));
            let end = value.span().map(|r| r.end).or_else(|| key.span().map(|r| r.end));
            if let (Some(start), Some(end)) = (start, end) {
                let width = end.saturating_sub(start);
                if (start..end.max(start + 1)).contains(&offset) && best.as_ref().is_none_or(|(w, _)| width <= *w) {
                    *best = Some((width, path.clone()));
                }
            }
            visit(value, &path, offset, best);
        }
    } else if let Some(tables) = item.as_array_of_tables() {
        for (i, t) in tables.iter().enumerate() {
            let path = at.index(i);
            if let Some(r) = t.span() {
                let width = r.end.saturating_sub(r.start);
                if r.contains(&offset) && best.as_ref().is_none_or(|(w, _)| width <= *w) {
                    *best = Some((width, path.clone()));
                }
            }
            visit(&toml_edit::Item::Table(t.clone()), &path, offset, best);
        }
    } else if let Some(array) = item.as_array() {
        for (i, v) in array.iter().enumerate() {
            visit(&toml_edit::Item::Value(v.clone()), &at.index(i), offset, best);
        }
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for segment in &self.0 {
            match segment {
                Segment::Key(k) => {
                    if !first {
                        f.write_str(".")?;
                    }
                    f.write_str(k)?;
                }
                Segment::Index(i) => write!(f, "[{i}]")?,
            }
            first = false;
        }
        Ok(())
    }
}

/// 1-based line and column of a byte offset in `text` (columns count characters).
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_from_one() {
        let text = "a = 1\nbb = 2\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        assert_eq!(line_column(text, 9), (2, 4));
    }

    #[test]
    fn locate_finds_nested_keys_and_array_tables() {
        let text =
            "[x]\na = 1\n\n[[s]]\nname = \"p\"\n[[s]]\nname = \"q\"\nlag = { dist = \"fixed\", value = \"1s\" }\n";
        let doc = toml_edit::Document::parse(text).unwrap();
        let at = |p: &KeyPath| line_column(text, p.locate(&doc).unwrap().start);
        assert_eq!(at(&KeyPath::root().key("x").key("a")), (2, 1));
        assert_eq!(at(&KeyPath::root().key("s").index(1).key("name")), (7, 1));
        assert_eq!(at(&KeyPath::root().key("s").index(1).key("lag").key("value")), (8, 25));
        assert_eq!(KeyPath::root().key("s").index(1).key("lag").to_string(), "s[1].lag");
    }
}
