//! Mapping a range of a string's decoded value back to the characters in the file, so a
//! finding can underline `{{3}}` inside a body text rather than the whole text.

use std::ops::Range;

use super::{NodeId, Span, Tree, Value};

/// The source span of bytes `range` of the string value of `node`. Falls back to the whole
/// node when the written form cannot be matched to the value (e.g. folded YAML lines whose
/// text occurs more than once).
pub fn locate(text: &str, tree: &Tree, node: NodeId, range: Range<usize>) -> Span {
    locate_exact(text, tree, node, range).unwrap_or(tree.span(node))
}

/// As [`locate`], or `None` when the written form cannot be matched to the value: an edit
/// of those bytes needs the exact place, never the whole node instead.
pub fn locate_exact(text: &str, tree: &Tree, node: NodeId, range: Range<usize>) -> Option<Span> {
    let whole = tree.span(node);
    let Value::String(value) = tree.value(node) else {
        return None;
    };
    let written = text.get(whole.start..whole.end)?;
    if range.start > range.end || range.end > value.len() {
        return None;
    }
    let offsets = if written.starts_with('"') {
        escaped_offsets(written)
    } else {
        None
    };
    if let Some(offsets) = offsets.filter(|o| o.len() == value.len() + 1) {
        return Some(Span::new(
            whole.start + offsets[range.start],
            whole.start + offsets[range.end],
        ));
    }
    // Unescaped forms: the value appears verbatim, possibly between quotes.
    let body_start = usize::from(written.starts_with('\'') || written.starts_with('"'));
    if written.get(body_start..body_start + value.len()) == Some(value.as_str()) {
        let start = whole.start + body_start;
        return Some(Span::new(start + range.start, start + range.end));
    }
    // Folded or multi-line scalars: find the same occurrence of the needle in the source.
    let needle = value.get(range.clone()).filter(|n| !n.is_empty())?;
    let occurrence = value[..range.start].matches(needle).count();
    match written.match_indices(needle).nth(occurrence) {
        Some((at, _)) if value.matches(needle).count() == written.matches(needle).count() => {
            Some(Span::new(whole.start + at, whole.start + at + needle.len()))
        }
        _ => None,
    }
}

/// Bytes `range` of the decoded value of the JSON string written at bytes `written` of string
/// `node`'s decoded value (a string inside a JSON text kept in a string), as bytes of that
/// decoded value; `None` when no JSON string is written there or the range is not in it.
pub fn nested_range(
    tree: &Tree,
    node: NodeId,
    written: Span,
    range: Range<usize>,
) -> Option<Range<usize>> {
    let inner = tree.as_str(node)?.get(written.start..written.end)?;
    if !inner.starts_with('"') || range.start > range.end {
        return None;
    }
    let offsets = escaped_offsets(inner)?;
    let start = *offsets.get(range.start)?;
    // The last offset is the closing quote: one past the value's last byte.
    let end = *offsets.get(range.end)?;
    Some(written.start + start..written.start + end)
}

/// The decoded value of the JSON string written at bytes `written` of string `node`'s
/// decoded value; `None` when no JSON string is written there.
pub fn nested_str(tree: &Tree, node: NodeId, written: Span) -> Option<String> {
    let inner = tree.as_str(node)?.get(written.start..written.end)?;
    serde_json::from_str(inner).ok()
}

/// The source span of bytes `range` of the JSON string written at bytes `written` of string
/// `node`'s decoded value, through the escapes of both; the whole inner string when the
/// range cannot be mapped.
pub fn locate_nested(
    text: &str,
    tree: &Tree,
    node: NodeId,
    written: Span,
    range: Range<usize>,
) -> Span {
    let outer = nested_range(tree, node, written, range).unwrap_or(written.start..written.end);
    locate(text, tree, node, outer)
}

/// For a double-quoted string with backslash escapes (JSON, or single-line YAML), the source
/// offset of each byte of the decoded value, plus one past the end.
fn escaped_offsets(written: &str) -> Option<Vec<usize>> {
    let bytes = written.as_bytes();
    let mut offsets = Vec::with_capacity(written.len());
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                offsets.push(i);
                return Some(offsets);
            }
            b'\n' | b'\r' => return None,
            b'\\' => {
                let escape = *bytes.get(i + 1)?;
                let (decoded_len, written_len) = match escape {
                    b'u' => {
                        let code = u32::from_str_radix(written.get(i + 2..i + 6)?, 16).ok()?;
                        if (0xD800..0xDC00).contains(&code) {
                            // A surrogate pair: two escapes, one 4-byte character.
                            (4, 12)
                        } else {
                            (char::from_u32(code)?.len_utf8(), 6)
                        }
                    }
                    b'x' => (
                        char::from_u32(u32::from_str_radix(written.get(i + 2..i + 4)?, 16).ok()?)?
                            .len_utf8(),
                        4,
                    ),
                    _ => (1, 2),
                };
                offsets.extend(std::iter::repeat_n(i, decoded_len));
                i += written_len;
            }
            _ => {
                let ch = written.get(i..)?.chars().next()?;
                for k in 0..ch.len_utf8() {
                    offsets.push(i + k);
                }
                i += ch.len_utf8();
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{parse, Format};

    fn underline(text: &str, format: Format, pointer: &str, needle: &str) -> String {
        let tree = parse(text, format).unwrap();
        let node = tree.lookup(tree.documents[0], pointer).unwrap();
        let value = tree.as_str(node).unwrap().to_string();
        let start = value.find(needle).unwrap();
        let span = locate(text, &tree, node, start..start + needle.len());
        text[span.start..span.end].to_string()
    }

    #[test]
    fn json_strings_with_escapes() {
        let text = r#"{"t": "Hi \"you\" \u00e9 {{1}} and {{2}}"}"#;
        assert_eq!(underline(text, Format::Json, "/t", "{{2}}"), "{{2}}");
        assert_eq!(underline(text, Format::Json, "/t", "é"), "\\u00e9");
        let pair = r#"{"t": "\ud83d\ude00 {{1}}"}"#;
        assert_eq!(underline(pair, Format::Json, "/t", "{{1}}"), "{{1}}");
    }

    /// Bytes of a string inside a JSON text kept in a string map through the escapes of
    /// both: `\\\"` (a quote of the inner string), `\\n`, `\\ud83d\\ude00` (an inner
    /// surrogate pair), `\u00e9` (an escape of the outer string) and raw UTF-8.
    #[test]
    fn a_string_inside_a_string_maps_through_both_escapes() {
        let text = r#"{"t": "{\"a\":\"\\\"Hi\\\"\\n\\ud83d\\ude00 caf\u00e9 🍫 {{1}}\"}"}"#;
        let tree = parse(text, Format::Json).unwrap();
        let node = tree.lookup(tree.documents[0], "/t").unwrap();
        let outer = tree.as_str(node).unwrap();
        let written = Span::new(outer.find(":").unwrap() + 1, outer.len() - 1);
        let inner = "\"Hi\"\n😀 café 🍫 {{1}}";
        assert_eq!(nested_str(&tree, node, written).as_deref(), Some(inner));
        let shown = |needle: &str| {
            let start = inner.find(needle).unwrap();
            let span = locate_nested(text, &tree, node, written, start..start + needle.len());
            text[span.start..span.end].to_string()
        };
        assert_eq!(shown("{{1}}"), "{{1}}");
        assert_eq!(shown("Hi"), "Hi");
        assert_eq!(shown("😀"), r#"\\ud83d\\ude00"#);
        assert_eq!(shown("é"), r#"\u00e9"#);
        assert_eq!(shown("🍫"), "🍫");
        assert_eq!(shown("\"Hi\""), r#"\\\"Hi\\\""#);
        // Past the inner value's end, or where no string is written: the whole inner string.
        let whole = locate(text, &tree, node, written.start..written.end);
        assert_eq!(locate_nested(text, &tree, node, written, 0..100), whole);
        let key = Span::new(1, 4);
        assert_eq!(nested_range(&tree, node, key, 0..1), Some(2..3));
        assert_eq!(nested_range(&tree, node, Span::new(0, 1), 0..0), None);
    }

    #[test]
    fn yaml_plain_quoted_and_folded() {
        assert_eq!(
            underline("t: Hi {{1}} there\n", Format::Yaml, "/t", "{{1}}"),
            "{{1}}"
        );
        assert_eq!(
            underline("t: 'It''s {{1}}'\n", Format::Yaml, "/t", "{{1}}"),
            "{{1}}"
        );
        let folded = "t: >\n  Hello {{1}},\n  see {{2}}.\n";
        assert_eq!(underline(folded, Format::Yaml, "/t", "{{2}}"), "{{2}}");
    }

    #[test]
    fn repeated_text_maps_the_same_occurrence() {
        let text = "t: >\n  a b\n  a\n";
        let tree = parse(text, Format::Yaml).unwrap();
        let node = tree.lookup(tree.documents[0], "/t").unwrap();
        // Value "a b a\n": its second "a" is the second "a" as written.
        let span = locate(text, &tree, node, 4..5);
        assert_eq!(span.start, text.rfind('a').unwrap());
    }

    #[test]
    fn text_that_cannot_be_matched_falls_back_to_the_whole_value() {
        // Folding turns the line break into a space: "a b" is not written anywhere.
        let text = "t: >\n  a\n  b\n";
        let tree = parse(text, Format::Yaml).unwrap();
        let node = tree.lookup(tree.documents[0], "/t").unwrap();
        assert_eq!(locate(text, &tree, node, 0..3), tree.span(node));
    }
}
