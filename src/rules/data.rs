//! Rule data (`rules/data/*.yaml`): word lists, host lists and version tables, embedded at build
//! time and read with walint's own YAML loader. A test loads every file, so a broken data file
//! fails the build's tests rather than a user's run.

use crate::source::{parse, Format, NodeId, Tree, Value};

/// One embedded data document.
pub struct Data {
    tree: Tree,
    root: Option<NodeId>,
}

impl Data {
    /// Parses an embedded file; a broken one reads as empty (and fails `every_data_file_loads`).
    pub fn load(text: &str) -> Data {
        let tree = parse(text, Format::Yaml).unwrap_or_default();
        let root = tree.documents.first().copied();
        Data { tree, root }
    }

    #[cfg(test)]
    pub fn is_loaded(&self) -> bool {
        self.root
            .is_some_and(|root| !self.tree.entries(root).is_empty())
    }

    fn node(&self, key: &str) -> Option<NodeId> {
        self.tree.get(self.root?, key)
    }

    /// A scalar as text (strings, and numbers as written).
    fn text_of(&self, node: NodeId) -> Option<String> {
        match self.tree.value(node) {
            Value::String(s) | Value::Number(s) => Some(s.clone()),
            _ => None,
        }
    }

    pub fn text(&self, key: &str) -> Option<String> {
        self.text_of(self.node(key)?)
    }

    pub fn number(&self, key: &str) -> Option<f64> {
        self.text(key)?.parse().ok()
    }

    /// A list of scalars, as text.
    pub fn list(&self, key: &str) -> Vec<String> {
        self.node(key)
            .map(|list| {
                self.tree
                    .items(list)
                    .iter()
                    .filter_map(|&item| self.text_of(item))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A list of two numbers, `[min, max]`.
    pub fn range(&self, key: &str) -> Option<(usize, usize)> {
        let list = self.list(key);
        match list.as_slice() {
            [min, max] => Some((min.parse().ok()?, max.parse().ok()?)),
            _ => None,
        }
    }

    /// A list of mappings whose values are scalars, each as `(key, text)` pairs.
    pub fn records(&self, key: &str) -> Vec<Vec<(String, String)>> {
        let Some(list) = self.node(key) else {
            return Vec::new();
        };
        self.tree
            .items(list)
            .iter()
            .map(|&item| {
                self.tree
                    .entries(item)
                    .iter()
                    .filter_map(|e| Some((e.key.clone(), self.text_of(e.value)?)))
                    .collect()
            })
            .collect()
    }
}

pub const SECRETS: &str = include_str!("../../rules/data/secrets.yaml");
pub const VERIFY_TOKENS: &str = include_str!("../../rules/data/verify_tokens.yaml");
pub const WEBHOOK_HOSTS: &str = include_str!("../../rules/data/webhook_hosts.yaml");
pub const GRAPH_API_VERSIONS: &str = include_str!("../../rules/data/graph_api_versions.yaml");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_data_file_loads() {
        for (name, text) in [
            ("secrets", SECRETS),
            ("verify_tokens", VERIFY_TOKENS),
            ("webhook_hosts", WEBHOOK_HOSTS),
            ("graph_api_versions", GRAPH_API_VERSIONS),
        ] {
            let data = Data::load(text);
            assert!(data.is_loaded(), "rules/data/{name}.yaml does not load");
        }
        let secrets = Data::load(SECRETS);
        assert_eq!(secrets.range("app_token_secret_length"), Some((27, 40)));
        assert_eq!(secrets.number("app_secret_hex_length"), Some(32.0));
        assert!(secrets
            .list("secret_key_words")
            .contains(&"token".to_string()));
        let versions = Data::load(GRAPH_API_VERSIONS);
        assert!(versions.records("versions").len() > 20);
    }
}
