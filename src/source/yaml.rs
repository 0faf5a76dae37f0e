//! YAML → [`Tree`], from granit-parser's span-carrying event stream.

use std::collections::HashMap;

use granit_parser::{Event, Options, Parser, ScalarStyle};

use super::tree::{TreeBuilder, Value};
use super::{ParseFailure, Span, Tree, MAX_NESTING};

pub fn parse(text: &str) -> Result<Tree, ParseFailure> {
    let mut options = Options::default();
    options.flow_nesting_limit = MAX_NESTING;
    options.block_nesting_limit = MAX_NESTING;
    options.emit_comments = false;
    let mut builder = TreeBuilder::new(text);
    // granit's anchor ids → our node ids.
    let mut anchors: HashMap<usize, usize> = HashMap::new();
    let chars = CharOffsets::new(text);
    for next in Parser::new_from_str_with_options(text, options) {
        let (event, span) = next.map_err(|error| {
            let at = chars.byte(error.marker().byte_offset(), error.marker().index());
            ParseFailure {
                message: error.info().to_string(),
                span: Span::new(at, at),
            }
        })?;
        let start = chars.byte(span.start.byte_offset(), span.start.index());
        let end = chars.byte(span.end.byte_offset(), span.end.index());
        let span = Span::new(start, end);
        match event {
            Event::Scalar(value, style, anchor, tag) => {
                let plain = style == ScalarStyle::Plain && tag.is_none();
                let id = if builder.expects_key() {
                    builder.key(value.into_owned(), span)?;
                    None
                } else {
                    let value = if plain {
                        plain_scalar(&value)
                    } else {
                        Value::String(value.into_owned())
                    };
                    Some(builder.leaf(value, span)?)
                };
                if let (Some(id), true) = (id, anchor != 0) {
                    anchors.insert(anchor, id);
                }
            }
            Event::Alias(anchor) => {
                let Some(&target) = anchors.get(&anchor) else {
                    return Err(ParseFailure {
                        message: "alias to an unknown anchor".into(),
                        span,
                    });
                };
                if builder.expects_key() {
                    let key = text.get(span.start..span.end).unwrap_or("").to_string();
                    builder.key(key, span)?;
                } else {
                    builder.leaf(Value::Alias(target), span)?;
                }
            }
            Event::MappingStart(_, anchor, _) => {
                let id = builder.open_map(span.start)?;
                if anchor != 0 {
                    anchors.insert(anchor, id);
                }
            }
            Event::SequenceStart(_, anchor, _) => {
                let id = builder.open_seq(span.start)?;
                if anchor != 0 {
                    anchors.insert(anchor, id);
                }
            }
            Event::MappingEnd | Event::SequenceEnd => builder.close(end)?,
            // Anchors are document-scoped.
            Event::DocumentStart(..) => anchors.clear(),
            _ => {}
        }
    }
    Ok(builder.finish())
}

/// Resolves an untagged plain scalar by YAML 1.2's core schema.
fn plain_scalar(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ if is_number(text) => Value::Number(text.to_string()),
        _ => Value::String(text.to_string()),
    }
}

fn is_number(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits.is_empty() {
        return false;
    }
    if let Some(hex) = digits.strip_prefix("0x") {
        return !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit());
    }
    if let Some(oct) = digits.strip_prefix("0o") {
        return !oct.is_empty() && oct.chars().all(|c| ('0'..='7').contains(&c));
    }
    if matches!(digits, ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    // [0-9]*(\.[0-9]*)?([eE][-+]?[0-9]+)? with at least one digit in the mantissa.
    let (mantissa, exponent) = match digits.find(['e', 'E']) {
        Some(at) => (&digits[..at], Some(&digits[at + 1..])),
        None => (digits, None),
    };
    let mut parts = mantissa.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let fraction = parts.next().unwrap_or("");
    let mantissa_ok = (!whole.is_empty() || !fraction.is_empty())
        && whole.chars().all(|c| c.is_ascii_digit())
        && fraction.chars().all(|c| c.is_ascii_digit());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    });
    mantissa_ok && exponent_ok
}

/// Maps a marker to a byte offset: granit reports byte offsets for string input, and this
/// falls back to its character index should one ever be missing.
struct CharOffsets<'t> {
    text: &'t str,
}

impl<'t> CharOffsets<'t> {
    fn new(text: &'t str) -> Self {
        CharOffsets { text }
    }

    fn byte(&self, byte: Option<usize>, char_index: usize) -> usize {
        match byte {
            Some(byte) => byte.min(self.text.len()),
            None => self
                .text
                .char_indices()
                .nth(char_index)
                .map(|(at, _)| at)
                .unwrap_or(self.text.len()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    #[test]
    fn keys_and_values_keep_their_spans() {
        let text = "flow: bot\nnodes:\n  welcome:\n    type: menu\n";
        let tree = parse(text).unwrap();
        let root = tree.documents[0];
        let ty = tree.lookup(root, "/nodes/welcome/type").unwrap();
        assert_eq!(slice(text, tree.span(ty)), "menu");
        assert_eq!(slice(text, tree.key_span(ty).unwrap()), "type");
        assert_eq!(tree.pointer(ty), "/nodes/welcome/type");
    }

    #[test]
    fn pointers_escape_tilde_and_slash_and_find_their_node_again() {
        let text = "a/b:\n  \"~c/~\": [x, y]\n  plain: z\n";
        let tree = parse(text).unwrap();
        let root = tree.documents[0];
        let list = tree.get(tree.get(root, "a/b").unwrap(), "~c/~").unwrap();
        let y = tree.items(list)[1];
        assert_eq!(tree.pointer(y), "/a~1b/~0c~1~0/1");
        assert_eq!(tree.lookup(root, &tree.pointer(y)), Some(y));
        assert_eq!(tree.pointer(root), "");
    }

    #[test]
    fn plain_scalars_follow_the_core_schema() {
        let tree = parse("a: 1\nb: true\nc: ~\nd: '1'\ne: 1.5e3\nf: v23.0\n").unwrap();
        let root = tree.documents[0];
        let get = |k| tree.value(tree.get(root, k).unwrap()).clone();
        assert_eq!(get("a"), Value::Number("1".into()));
        assert_eq!(get("b"), Value::Bool(true));
        assert_eq!(get("c"), Value::Null);
        assert_eq!(get("d"), Value::String("1".into()));
        assert_eq!(get("e"), Value::Number("1.5e3".into()));
        assert_eq!(get("f"), Value::String("v23.0".into()));
    }

    #[test]
    fn duplicate_keys_are_recorded_with_both_spans() {
        let text = "a: 1\nb: 2\na: 3\n";
        let tree = parse(text).unwrap();
        let dup = &tree.duplicate_keys[0];
        assert_eq!(dup.key, "a");
        assert_eq!(dup.first.start, 0);
        assert_eq!(dup.second.start, 10);
    }

    #[test]
    fn duplicate_keys_of_a_long_mapping_point_at_the_first_one() {
        // Past the keys read one by one, the index must still find the first of each.
        let keys = (0..40).map(|i| match i {
            20 | 30 => "k3".to_string(),
            35 => "k25".to_string(),
            i => format!("k{i}"),
        });
        let text: String = keys.map(|k| format!("{k}: 1\n")).collect();
        let tree = parse(&text).unwrap();
        let found: Vec<(&str, &str, usize)> = tree
            .duplicate_keys
            .iter()
            .map(|d| {
                let line = text[..d.second.start].matches('\n').count();
                (d.key.as_str(), slice(&text, d.first), line)
            })
            .collect();
        assert_eq!(
            found,
            [("k3", "k3", 20), ("k3", "k3", 30), ("k25", "k25", 35)]
        );
        let first_k3 = text.find("k3:").unwrap();
        assert!(tree.duplicate_keys[..2]
            .iter()
            .all(|d| d.first.start == first_k3));
        let first_k25 = text.find("k25:").unwrap();
        assert_eq!(tree.duplicate_keys[2].first.start, first_k25);
    }

    #[test]
    fn aliases_stay_references() {
        let text = "base: &b {x: 1}\nuse: *b\n";
        let tree = parse(text).unwrap();
        let root = tree.documents[0];
        let used = tree.get(root, "use").unwrap();
        assert!(matches!(tree.value(used), Value::Map(_)));
        assert_eq!(slice(text, tree.span(used)), "*b");
    }

    #[test]
    fn alias_bomb_is_refused_quickly() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for level in 1..10 {
            let refs = vec![format!("*a{}", level - 1); 9].join(", ");
            text.push_str(&format!("a{level}: &a{level} [{refs}]\n"));
        }
        // The budget counts expanded nodes, so the refusal comes at the alias that passes it
        // (on the line of a6, 9^7 nodes), before the rest is read: no clock needed.
        let error = parse(&text).unwrap_err();
        assert!(
            error.message.contains("alias expansion budget"),
            "{error:?}"
        );
        let a6 = text.find("a6:").unwrap()..text.find("a7:").unwrap();
        assert!(a6.contains(&error.span.start), "{error:?}");
    }

    #[test]
    fn aliases_cannot_nest_a_document_without_bound() {
        // Each anchor nests 100 levels and holds the previous one: 300+ levels once expanded.
        let mut text = String::new();
        for level in 0..4 {
            let inner = if level == 0 {
                "x".to_string()
            } else {
                format!("*a{}", level - 1)
            };
            text.push_str(&format!(
                "a{level}: &a{level} {}{inner}{}\n",
                "[".repeat(100),
                "]".repeat(100)
            ));
        }
        let error = parse(&text).unwrap_err();
        assert!(
            error.message.contains("deeper than 256 levels"),
            "{error:?}"
        );
        // Two levels of aliases stay well inside the bound.
        let shallow = "a: &a [1, [2]]\nb: &b [*a, *a]\nc: [*b]\n";
        assert!(parse(shallow).is_ok());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(100_000);
        assert!(parse(&text).is_err());
        let block: String = (0..300).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
        assert!(parse(&block).is_err());
    }

    #[test]
    fn syntax_errors_carry_a_position() {
        let text = "a: [1, 2\nb: 3\n";
        let error = parse(text).unwrap_err();
        assert!(error.span.start > 0, "{error:?}");
    }

    #[test]
    fn several_documents_become_several_roots() {
        let tree = parse("a: 1\n---\nb: 2\n").unwrap();
        assert_eq!(tree.documents.len(), 2);
    }
}
