//! Fixes resolved like positions: each [`Edit`] a rule gives becomes bytes of the file and
//! the text written there, in the file's own style: a string's new value escaped as the
//! string is written, a YAML entry indented as its neighbours. An edit that cannot be
//! written faithfully drops the whole fix: a fix is applied as a whole or not at all.

use crate::diagnostic::{At, Edit, Fix, ResolvedFix, TextEdit};
use crate::redact::Redaction;
use crate::source::{locate_in_string_exact, nested_range, Span, Tree};

/// The bytes of `text` (parsed as `tree`) an edit replaces, and what it writes there.
pub(super) fn write_edit(text: &str, tree: &Tree, edit: &Edit) -> Option<TextEdit> {
    match edit {
        Edit::Replace { at, text: new } => match *at {
            At::InString(node, start, end) => in_string(text, tree, node, start..end, new),
            // Escaped for the inner JSON string, then (by `in_string`) for the outer one.
            At::InNested(node, written, start, end) => {
                let range = nested_range(tree, node, written, start..end)?;
                in_string(text, tree, node, range, &json_escaped(new))
            }
            At::Node(node) => verbatim(tree.span(node), new),
            At::Key(node) => verbatim(tree.key_span(node)?, new),
            At::InFile(_, span) | At::Raw(span) => verbatim(span, new),
        },
        Edit::Value { node, text: new } => {
            let len = tree.as_str(*node)?.len();
            in_string(text, tree, *node, 0..len, new)
        }
        Edit::Insert { map, key, value } => insert(text, tree, *map, key, value),
    }
}

fn verbatim(span: Span, text: &str) -> Option<TextEdit> {
    Some(TextEdit {
        span,
        text: text.to_string(),
    })
}

/// A JSON string's body (no quotes) for `value`: also a valid YAML double-quoted body.
fn json_escaped(value: &str) -> String {
    let quoted = serde_json::to_string(value).unwrap_or_default();
    quoted
        .get(1..quoted.len().saturating_sub(1))
        .unwrap_or("")
        .to_string()
}

/// Whether `new` may stand in a plain YAML scalar at `start..end` of `written` (the whole
/// plain scalar) and still read as the same characters.
fn plain_safe(written: &str, start: usize, end: usize, new: &str) -> bool {
    let before = written.get(..start).unwrap_or("");
    let after = written.get(end..).unwrap_or("");
    let whole = format!("{before}{new}{after}");
    let first = whole.chars().next();
    !whole.is_empty()
        && !whole.contains(['\n', '\r', '\t'])
        && !whole.contains(": ")
        && !whole.contains(" #")
        && !whole.ends_with(':')
        && !whole.ends_with(' ')
        && !whole.starts_with(' ')
        && !first.is_some_and(|c| "-?:,[]{}#&*!|>'\"%@`".contains(c))
        && !matches!(
            whole.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "~" | "yes" | "no" | "on" | "off"
        )
        && whole.parse::<f64>().is_err()
}

/// Bytes `range` of a string node's value replaced by `new`, written as the string is.
fn in_string(
    text: &str,
    tree: &Tree,
    node: usize,
    range: std::ops::Range<usize>,
    new: &str,
) -> Option<TextEdit> {
    let value = tree.as_str(node)?;
    let whole = tree.span(node);
    let written = text.get(whole.start..whole.end)?;
    let whole_value = range.start == 0 && range.end == value.len();
    // The whole value written anew as a double-quoted string: valid in JSON and YAML alike.
    let requoted = || {
        whole_value.then(|| TextEdit {
            span: whole,
            text: format!("\"{}\"", json_escaped(new)),
        })
    };
    let span = match locate_in_string_exact(text, tree, node, range) {
        Some(span) => span,
        None => return requoted(),
    };
    if written.starts_with('"') {
        return verbatim(span, &json_escaped(new));
    }
    if written.starts_with('\'') {
        if new.contains(['\n', '\r']) {
            return requoted();
        }
        return verbatim(span, &new.replace('\'', "''"));
    }
    if written.starts_with(['|', '>']) {
        // A block scalar: only text with no line break and no edge whitespace keeps its
        // meaning; anything else is written as a quoted string.
        if new.contains(['\n', '\r']) || new.trim() != new {
            return requoted();
        }
        return verbatim(span, new);
    }
    let (start, end) = (span.start - whole.start, span.end - whole.start);
    if plain_safe(written, start, end, new) {
        verbatim(span, new)
    } else {
        requoted()
    }
}

/// `key: value` added after a mapping's last entry.
fn insert(text: &str, tree: &Tree, map: usize, key: &str, value: &str) -> Option<TextEdit> {
    let span = tree.span(map);
    let flow = text.get(span.start..)?.starts_with('{');
    let quoted_key = serde_json::to_string(key).ok()?;
    let last = tree.entries(map).last();
    if flow {
        // JSON, or a YAML flow mapping: `"key": value` reads the same in both.
        return Some(match last {
            Some(entry) => {
                let end = tree.span(entry.value).end;
                TextEdit {
                    span: Span::new(end, end),
                    text: format!(", {quoted_key}: {value}"),
                }
            }
            None => TextEdit {
                span: Span::new(span.start + 1, span.start + 1),
                text: format!("{quoted_key}: {value}"),
            },
        });
    }
    // A block mapping: the new entry on its own line, at the last key's column, after the
    // line where the last entry's value ends (a trailing comment stays on its line).
    let entry = last?;
    let line_start = text
        .get(..entry.key_span.start)?
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let column = text.get(line_start..entry.key_span.start)?.chars().count();
    let value_end = tree.span(entry.value).end.max(entry.key_span.end);
    let line_end = text
        .get(value_end..)?
        .find(['\n', '\r'])
        .map_or(text.len(), |i| value_end + i);
    let break_ = if text.get(line_end..)?.starts_with("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let key = if plain_safe(key, 0, key.len(), key) {
        key.to_string()
    } else {
        quoted_key
    };
    Some(TextEdit {
        span: Span::new(line_end, line_end),
        text: format!("{break_}{}{key}: {value}", " ".repeat(column)),
    })
}

/// A rule's fix as edits of the file: `None` when an edit cannot be written, two edits
/// overlap, or an edit touches a secret or would write one (a fix preview shows what it
/// writes, and a secret is never shown).
pub(super) fn resolve_fix(
    fix: Fix,
    write: impl Fn(&Edit) -> Option<TextEdit>,
    secrets: &[Span],
    redaction: &Redaction,
) -> Option<ResolvedFix> {
    let mut edits = fix
        .edits
        .iter()
        .map(write)
        .collect::<Option<Vec<TextEdit>>>()?;
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    let overlapping = edits
        .windows(2)
        .any(|pair| pair[1].span.start < pair[0].span.end);
    let touches_secret = edits.iter().any(|edit| {
        secrets
            .iter()
            .any(|s| edit.span.start < s.end && s.start < edit.span.end.max(edit.span.start + 1))
    });
    let writes_secret = edits
        .iter()
        .any(|edit| redaction.scrub(&edit.text) != edit.text);
    let title_secret = redaction.scrub(&fix.title) != fix.title;
    if edits.is_empty() || overlapping || touches_secret || writes_secret || title_secret {
        return None;
    }
    Some(ResolvedFix {
        title: fix.title,
        applicability: fix.applicability,
        edits,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{parse, Format};

    /// `text` with the edit applied, and whether it still parses.
    fn edited(text: &str, format: Format, edit: impl Fn(&Tree) -> Edit) -> String {
        let tree = parse(text, format).unwrap();
        let written = write_edit(text, &tree, &edit(&tree)).expect("an edit");
        let mut out = text.to_string();
        out.replace_range(written.span.start..written.span.end, &written.text);
        parse(&out, format).unwrap_or_else(|e| panic!("{out}: {e}"));
        out
    }

    fn string_at(tree: &Tree, pointer: &str, new: &str) -> Edit {
        Edit::Value {
            node: tree.lookup(tree.documents[0], pointer).unwrap(),
            text: new.into(),
        }
    }

    /// A string inside a JSON text kept in a string (Glific's interactive message): the new
    /// text is escaped for the inner string, then for the outer one, and both still parse.
    #[test]
    fn an_edit_inside_a_string_in_a_string_is_escaped_for_both() {
        let json = r#"{"t": "{\"title\":\"Caf\u00e9 \\\"x\\\" http://a\"}"}"#;
        let out = edited(json, Format::Json, |tree| {
            let node = tree.lookup(tree.documents[0], "/t").unwrap();
            let inner = tree.as_str(node).unwrap();
            let start = inner.find(":\"").unwrap() + 1;
            // Bytes of `http` in the inner value `Café "x" http://a`.
            let at = "Café \"x\" ".len();
            Edit::Replace {
                at: At::InNested(node, Span::new(start, inner.len() - 1), at, at + 4),
                text: "say \"hi\"\n".into(),
            }
        });
        let outer: serde_json::Value = serde_json::from_str(&out).unwrap();
        let inner: serde_json::Value = serde_json::from_str(outer["t"].as_str().unwrap()).unwrap();
        assert_eq!(inner["title"], "Café \"x\" say \"hi\"\n://a");
        // Only the four characters of `http` were replaced; the `\u00e9` is still written so.
        assert!(
            out.contains(r#"Caf\u00e9 \\\"x\\\" say \\\"hi\\\"\\n://a"#),
            "{out}"
        );
    }

    #[test]
    fn a_string_value_is_written_in_the_style_it_has() {
        let json = r#"{"t": "a \"b\" c"}"#;
        assert_eq!(
            edited(json, Format::Json, |t| string_at(t, "/t", "say \"hi\"\n")),
            r#"{"t": "say \"hi\"\n"}"#
        );
        assert_eq!(
            edited("t: 'abc'\n", Format::Yaml, |t| string_at(t, "/t", "it's")),
            "t: 'it''s'\n"
        );
        // Escapes in the value as written: the whole value is written anew.
        assert_eq!(
            edited("t: 'it''s'\n", Format::Yaml, |t| string_at(
                t, "/t", "it's ok"
            )),
            "t: \"it's ok\"\n"
        );
        assert_eq!(
            edited("t: en-US\n", Format::Yaml, |t| string_at(t, "/t", "en_US")),
            "t: en_US\n"
        );
        // A plain scalar that would read otherwise is quoted.
        assert_eq!(
            edited("t: abc\n", Format::Yaml, |t| string_at(t, "/t", "a: b")),
            "t: \"a: b\"\n"
        );
        assert_eq!(
            edited("t: abc\n", Format::Yaml, |t| string_at(t, "/t", "true")),
            "t: \"true\"\n"
        );
    }

    #[test]
    fn part_of_a_string_is_replaced_where_it_is_written() {
        let json = r#"{"t": "see \u00e9 http://x.example"}"#;
        let edit = |tree: &Tree| {
            let node = tree.lookup(tree.documents[0], "/t").unwrap();
            let at = tree.as_str(node).unwrap().find("http").unwrap();
            Edit::Replace {
                at: At::InString(node, at, at + 7),
                text: "https://".into(),
            }
        };
        assert_eq!(
            edited(json, Format::Json, edit),
            r#"{"t": "see \u00e9 https://x.example"}"#
        );
    }

    #[test]
    fn an_entry_goes_after_a_nested_block_value_not_after_the_next_sibling() {
        // The mapping's last value is a block sequence, and a blank line with spaces stands
        // before the next node: the new key belongs after the sequence's last item.
        let yaml = "nodes:\n  a:\n    type: menu\n    options:\n      - {title: A, next: b}\n      - {title: B, next: b}\n  \n  b: human\n";
        let insert = |tree: &Tree| Edit::Insert {
            map: tree.lookup(tree.documents[0], "/nodes/a").unwrap(),
            key: "style".into(),
            value: "list".into(),
        };
        assert_eq!(
            edited(yaml, Format::Yaml, insert),
            "nodes:\n  a:\n    type: menu\n    options:\n      - {title: A, next: b}\n      - {title: B, next: b}\n    style: list\n  \n  b: human\n"
        );
    }

    #[test]
    fn an_entry_is_inserted_as_its_neighbours_are_written() {
        let yaml = "webhooks:\n  - name: a\n    url: x # note\n  - name: b\n";
        let insert = |tree: &Tree| Edit::Insert {
            map: tree.lookup(tree.documents[0], "/webhooks/0").unwrap(),
            key: "verify_signature".into(),
            value: "true".into(),
        };
        assert_eq!(
            edited(yaml, Format::Yaml, insert),
            "webhooks:\n  - name: a\n    url: x # note\n    verify_signature: true\n  - name: b\n"
        );
        let crlf = "a:\r\n  b: 1\r\n";
        let insert = |tree: &Tree| Edit::Insert {
            map: tree.lookup(tree.documents[0], "/a").unwrap(),
            key: "c".into(),
            value: "2".into(),
        };
        assert_eq!(
            edited(crlf, Format::Yaml, insert),
            "a:\r\n  b: 1\r\n  c: 2\r\n"
        );
        let json = r#"{"a": {"b": 1}, "e": {}}"#;
        let into = |pointer: &'static str| {
            move |tree: &Tree| Edit::Insert {
                map: tree.lookup(tree.documents[0], pointer).unwrap(),
                key: "c".into(),
                value: "true".into(),
            }
        };
        assert_eq!(
            edited(json, Format::Json, into("/a")),
            r#"{"a": {"b": 1, "c": true}, "e": {}}"#
        );
        assert_eq!(
            edited(json, Format::Json, into("/e")),
            r#"{"a": {"b": 1}, "e": {"c": true}}"#
        );
    }

    #[test]
    fn a_fix_with_overlapping_edits_or_a_secret_is_dropped() {
        let edits = |spans: &[(usize, usize)]| Fix {
            title: "t".into(),
            applicability: crate::diagnostic::Applicability::Safe,
            edits: spans
                .iter()
                .map(|&(s, e)| Edit::Replace {
                    at: At::Raw(Span::new(s, e)),
                    text: "x".into(),
                })
                .collect(),
        };
        let write = |edit: &Edit| match edit {
            Edit::Replace {
                at: At::Raw(span),
                text,
            } => verbatim(*span, text),
            _ => None,
        };
        let none = Redaction::default();
        assert!(resolve_fix(edits(&[(0, 2), (4, 5)]), write, &[], &none).is_some());
        assert!(resolve_fix(edits(&[(0, 3), (2, 5)]), write, &[], &none).is_none());
        assert!(resolve_fix(edits(&[(0, 2)]), write, &[Span::new(1, 4)], &none).is_none());
        let mut text = "token EAABsecretsecret1234".to_string();
        let redaction =
            Redaction::apply(&mut text, &[(Span::new(6, 26), ())], |_, _| "EAAB…".into());
        let mut writes = edits(&[(0, 1)]);
        writes.edits[0] = Edit::Replace {
            at: At::Raw(Span::new(0, 1)),
            text: "EAABsecretsecret1234".into(),
        };
        assert!(resolve_fix(writes, write, &[], &redaction).is_none());
    }
}
