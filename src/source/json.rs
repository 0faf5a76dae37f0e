//! Strict JSON → [`Tree`], through jsonc-parser with every leniency switched off.

use jsonc_parser::ast::{self, ObjectPropName};
use jsonc_parser::{CollectOptions, ParseOptions};

use super::tree::{TreeBuilder, Value};
use super::{ParseFailure, Span, Tree};

pub fn parse(text: &str) -> Result<Tree, ParseFailure> {
    let strict = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let parsed =
        jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &strict).map_err(|error| {
            let range = error.range();
            ParseFailure {
                message: error.kind().to_string(),
                span: Span::new(range.start, range.end),
            }
        })?;
    let mut builder = TreeBuilder::new(text);
    if let Some(value) = &parsed.value {
        add(&mut builder, text, value)?;
    }
    Ok(builder.finish())
}

/// RFC 8259 §7: a control character (U+0000 to U+001F) inside a string must be escaped.
/// jsonc-parser takes one written raw; Meta's API does not.
fn raw_control(text: &str, literal: Span) -> Result<(), ParseFailure> {
    let Some(written) = text.get(literal.start..literal.end) else {
        return Ok(());
    };
    let Some(at) = written.bytes().position(|b| b < 0x20) else {
        return Ok(());
    };
    let byte = written.as_bytes()[at];
    let (name, escape) = match byte {
        b'\t' => (" (tab)", "\\t".to_string()),
        b'\n' => (" (line feed)", "\\n".to_string()),
        b'\r' => (" (carriage return)", "\\r".to_string()),
        0 => (" (NUL)", "\\u0000".to_string()),
        other => ("", format!("\\u{other:04X}")),
    };
    let start = literal.start + at;
    Err(ParseFailure {
        message: format!(
            "control character U+{byte:04X}{name} written raw inside a string; JSON requires it escaped, as `{escape}`"
        ),
        span: Span::new(start, start + 1),
    })
}

/// Recursion depth is bounded by jsonc-parser's own nesting cap and by the builder's.
fn add(builder: &mut TreeBuilder, text: &str, value: &ast::Value) -> Result<(), ParseFailure> {
    let range = |r: &jsonc_parser::common::Range| Span::new(r.start, r.end);
    match value {
        ast::Value::StringLit(s) => {
            raw_control(text, range(&s.range))?;
            builder.leaf(Value::String(s.value.to_string()), range(&s.range))?;
        }
        ast::Value::NumberLit(n) => {
            builder.leaf(Value::Number(n.value.to_string()), range(&n.range))?;
        }
        ast::Value::BooleanLit(b) => {
            builder.leaf(Value::Bool(b.value), range(&b.range))?;
        }
        ast::Value::NullKeyword(n) => {
            builder.leaf(Value::Null, range(&n.range))?;
        }
        ast::Value::Array(array) => {
            builder.open_seq(array.range.start)?;
            for element in &array.elements {
                add(builder, text, element)?;
            }
            builder.close(array.range.end)?;
        }
        ast::Value::Object(object) => {
            builder.open_map(object.range.start)?;
            for property in &object.properties {
                let (key, span) = match &property.name {
                    ObjectPropName::String(s) => (s.value.to_string(), range(&s.range)),
                    ObjectPropName::Word(w) => (w.value.to_string(), range(&w.range)),
                };
                raw_control(text, span)?;
                builder.key(key, span)?;
                add(builder, text, &property.value)?;
            }
            builder.close(object.range.end)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_keys_keep_spans() {
        let text = r#"{"name": "x", "components": [{"type": "BODY"}]}"#;
        let tree = parse(text).unwrap();
        let ty = tree
            .lookup(tree.documents[0], "/components/0/type")
            .unwrap();
        let span = tree.span(ty);
        assert_eq!(&text[span.start..span.end], "\"BODY\"");
        let key = tree.key_span(ty).unwrap();
        assert_eq!(&text[key.start..key.end], "\"type\"");
    }

    #[test]
    fn comments_and_trailing_commas_are_errors() {
        assert!(parse("{\"a\": 1, // c\n}").is_err());
        let error = parse("{\"a\": 1,}").unwrap_err();
        assert_eq!(error.span.start, 7, "{error:?}");
    }

    #[test]
    fn raw_control_characters_in_strings_are_errors_at_the_character() {
        let text = "{\"name\": \"a\tb\"}";
        let error = parse(text).unwrap_err();
        assert_eq!(error.span, Span::new(11, 12), "{error:?}");
        assert!(error.message.contains("U+0009 (tab)"), "{error:?}");
        assert!(error.message.contains("`\\t`"), "{error:?}");
        let error = parse("{\"k\u{1b}\": 1}").unwrap_err();
        assert_eq!(error.span, Span::new(3, 4));
        assert!(error.message.contains("`\\u001B`"), "{error:?}");
        // Escaped, and between tokens, they are fine.
        assert!(parse("{\n\t\"a\": \"x\\ty\\n\"\r\n}").is_ok());
    }

    #[test]
    fn duplicate_keys_are_recorded() {
        let tree = parse(r#"{"a": 1, "a": 2}"#).unwrap();
        assert_eq!(tree.duplicate_keys.len(), 1);
    }

    #[test]
    fn deep_nesting_is_an_error() {
        let text = "[".repeat(100_000);
        assert!(parse(&text).is_err());
    }
}
