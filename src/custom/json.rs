//! A document as JSON for the JSONPath queries of custom rules, and the way back: a
//! normalized path (`$['components'][1]['text']`) names a node of the spanned tree, so a
//! finding underlines exactly the value as written, in YAML or JSON.

use serde_json::{Map, Number, Value as Json};
use serde_json_path::{NormalizedPath, PathElement};

use crate::source::{NodeId, Tree, Value};

/// The value of `node` as JSON, aliases followed. A number serde_json cannot hold (`.inf`,
/// `0x1F`) stays the text it is written as.
pub fn of(tree: &Tree, node: NodeId) -> Json {
    match tree.value(node) {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(text) => number(text).unwrap_or_else(|| Json::String(text.clone())),
        Value::String(s) => Json::String(s.clone()),
        Value::Seq(items) => Json::Array(items.iter().map(|&i| of(tree, i)).collect()),
        // Without a duplicated key in the tree, every mapping's keys are distinct: each is
        // inserted without looking for it first.
        Value::Map(entries) if tree.duplicate_keys.is_empty() => {
            let mut map = Map::with_capacity(entries.len());
            for entry in entries {
                map.insert(entry.key.clone(), of(tree, entry.value));
            }
            Json::Object(map)
        }
        Value::Map(entries) => {
            let mut map = Map::with_capacity(entries.len());
            // A duplicated key is WA002's; the first value is the one the tree's `get` and so
            // every rule reads.
            for entry in entries {
                if !map.contains_key(&entry.key) {
                    map.insert(entry.key.clone(), of(tree, entry.value));
                }
            }
            Json::Object(map)
        }
        Value::Alias(_) => Json::Null,
    }
}

/// A number as written, as JSON: an integer stays one, so it equals the document's.
pub fn number(text: &str) -> Option<Json> {
    if let Ok(n) = text.parse::<i64>() {
        return Some(Json::Number(n.into()));
    }
    if let Ok(n) = text.parse::<u64>() {
        return Some(Json::Number(n.into()));
    }
    text.parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map(Json::Number)
}

/// The node of the tree a normalized path of the JSON of `root` names.
pub fn node_at(tree: &Tree, root: NodeId, path: &NormalizedPath) -> Option<NodeId> {
    path.iter()
        .try_fold(root, |node, element| child(tree, node, element))
}

/// The child of `node` a path element names: a key (the first, as in [`of`]) or an index.
pub fn child(tree: &Tree, node: NodeId, element: &PathElement) -> Option<NodeId> {
    match element {
        PathElement::Name(key) => tree.get(node, key),
        PathElement::Index(index) => tree.items(node).get(*index).copied(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{parse, Format};
    use serde_json_path::JsonPath;

    #[test]
    fn located_values_map_back_to_their_nodes_in_yaml_and_json() {
        for (text, format) in [
            (
                "name: a\ncomponents:\n  - {type: BODY, text: hi}\n  - {type: FOOTER, text: \"Reply STOP\"}\n",
                Format::Yaml,
            ),
            (
                r#"{"name": "a", "components": [{"type": "BODY", "text": "hi"}, {"type": "FOOTER", "text": "Reply STOP"}]}"#,
                Format::Json,
            ),
        ] {
            let tree = parse(text, format).unwrap();
            let root = tree.documents[0];
            let json = of(&tree, root);
            let path = JsonPath::parse("$.components[?@.type == 'FOOTER'].text").unwrap();
            let found = path.query_located(&json);
            let [located] = found.iter().collect::<Vec<_>>()[..] else {
                panic!("{found:?}");
            };
            let node = node_at(&tree, root, located.location()).unwrap();
            let span = tree.span(node);
            assert!(text[span.start..span.end].contains("Reply STOP"), "{format:?}");
            assert_eq!(tree.pointer(node), "/components/1/text");
        }
    }

    #[test]
    fn numbers_keep_their_type_and_odd_ones_their_text() {
        let tree = parse("a: 12\nb: 2.5\nc: .inf\nd: true\ne: ~\n", Format::Yaml).unwrap();
        let json = of(&tree, tree.documents[0]);
        assert_eq!(json["a"], Json::from(12));
        assert_eq!(json["b"], Json::from(2.5));
        assert_eq!(json["c"], Json::from(".inf"));
        assert_eq!(json["d"], Json::Bool(true));
        assert_eq!(json["e"], Json::Null);
    }

    #[test]
    fn a_duplicated_key_reads_as_its_first_value() {
        let tree = parse("a: 1\nb: {x: 2}\na: 3\n", Format::Yaml).unwrap();
        let json = of(&tree, tree.documents[0]);
        assert_eq!(json, serde_json::json!({"a": 1, "b": {"x": 2}}));
    }

    #[test]
    fn aliases_read_as_what_they_name() {
        let tree = parse("base: &b {x: 1}\nother: *b\n", Format::Yaml).unwrap();
        let json = of(&tree, tree.documents[0]);
        assert_eq!(json["other"]["x"], Json::from(1));
    }
}
