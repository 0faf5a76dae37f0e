//! Chatbot platforms walint recognises but does not check: their files are named as such
//! (`--verbose`) rather than left as unknown. A few top-level keys each, nothing deeper.

use crate::source::{NodeId, Tree, Value};

fn has(tree: &Tree, root: NodeId, key: &str) -> bool {
    tree.get(root, key).is_some()
}

/// A list whose first item is a mapping with `key` (Rasa's `rules: [{rule: ...}]`).
fn first_item_has(tree: &Tree, list: Option<NodeId>, key: &str) -> bool {
    list.and_then(|l| tree.items(l).first().copied())
        .is_some_and(|item| has(tree, item, key))
}

/// The platform a document root belongs to, as "<platform> <what>".
pub(super) fn recognise(tree: &Tree, root: NodeId) -> Option<&'static str> {
    if !matches!(tree.value(root), Value::Map(_)) {
        return None;
    }
    let has = |key| has(tree, root, key);
    if has("StartAction") && has("Actions") {
        return Some("Amazon Connect flow");
    }
    if has("startNode") && has("nodes") {
        return Some("Botpress flow");
    }
    if has("project") && has("diagrams") && has("version") {
        return Some("Voiceflow project");
    }
    if has("webhookUsed") && has("responses") {
        return Some("Dialogflow intent");
    }
    if has("googleAssistant") {
        return Some("Dialogflow agent");
    }
    if has("displayName") && (has("transitionRoutes") || has("eventHandlers")) {
        return Some("Dialogflow CX flow");
    }
    if has("version")
        && (has("nlu")
            || has("stories")
            || (has("intents") && has("responses"))
            || first_item_has(tree, tree.get(root, "rules"), "rule"))
    {
        return Some("Rasa file");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{parse, Format};

    fn platform(text: &str, format: Format) -> Option<&'static str> {
        let tree = parse(text, format).unwrap();
        recognise(&tree, tree.documents[0])
    }

    #[test]
    fn each_platform_by_its_keys() {
        let json = Format::Json;
        let yaml = Format::Yaml;
        assert_eq!(
            platform(
                r#"{"Version": "2019-10-30", "StartAction": "a", "Actions": []}"#,
                json
            ),
            Some("Amazon Connect flow")
        );
        assert_eq!(
            platform(
                r#"{"version": "0.0.1", "startNode": "entry", "nodes": []}"#,
                json
            ),
            Some("Botpress flow")
        );
        assert_eq!(
            platform(r#"{"project": {}, "version": {}, "diagrams": {}}"#, json),
            Some("Voiceflow project")
        );
        assert_eq!(
            platform(
                r#"{"name": "Default Welcome Intent", "responses": [], "webhookUsed": false}"#,
                json
            ),
            Some("Dialogflow intent")
        );
        assert_eq!(
            platform(r#"{"language": "en", "googleAssistant": {}}"#, json),
            Some("Dialogflow agent")
        );
        assert_eq!(
            platform(
                r#"{"displayName": "Default Start Flow", "transitionRoutes": []}"#,
                json
            ),
            Some("Dialogflow CX flow")
        );
        assert_eq!(
            platform("version: \"3.1\"\nnlu:\n- intent: greet\n", yaml),
            Some("Rasa file")
        );
        assert_eq!(
            platform(
                "version: \"3.1\"\nrules:\n- rule: say hi\n  steps: []\n",
                yaml
            ),
            Some("Rasa file")
        );
        // Keys other files share are not enough.
        assert_eq!(platform("version: 2\nrules:\n- name: x\n", yaml), None);
        assert_eq!(platform(r#"{"version": "1", "nodes": []}"#, json), None);
        assert_eq!(platform("[1, 2]", json), None);
    }
}
