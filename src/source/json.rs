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
        add(&mut builder, value)?;
    }
    Ok(builder.finish())
}

/// Recursion depth is bounded by jsonc-parser's own nesting cap and by the builder's.
fn add(builder: &mut TreeBuilder, value: &ast::Value) -> Result<(), ParseFailure> {
    let range = |r: &jsonc_parser::common::Range| Span::new(r.start, r.end);
    match value {
        ast::Value::StringLit(s) => {
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
                add(builder, element)?;
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
                builder.key(key, span)?;
                add(builder, &property.value)?;
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
