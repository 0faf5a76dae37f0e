//! Typed documents built from the spanned tree, and recognising which kind a file holds.

pub mod campaign;
pub mod flow;
mod language;
pub mod lock;
pub mod reader;
pub mod send;
pub mod template;
pub mod webhook;
pub mod whatsapp_flow;

pub use campaign::Campaign;
pub use flow::ConversationFlow;
pub use language::LanguageCode;
pub use lock::LockDocument;
pub use reader::{AtNode, Inside, Site};
pub use send::TemplateSend;
pub use template::Template;
pub use webhook::Webhook;
pub use whatsapp_flow::WhatsAppFlow;

use crate::diagnostic::{At, Finding};
use crate::source::{NodeId, Tree, Value};
use reader::Reader;
use template::ButtonType;

/// The kinds of file walint understands, each recognised by its content (README.md, "Usage").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Template,
    Flow,
    WhatsAppFlow,
    Webhook,
    Campaign,
    /// `walint templates pull`'s lock file.
    TemplatesLock,
    /// A Cloud API template send (`POST /{phone-number-id}/messages` with `type: template`).
    TemplateSend,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Template => "template",
            Kind::Flow => "flow",
            Kind::WhatsAppFlow => "whatsapp-flow",
            Kind::Webhook => "webhook",
            Kind::Campaign => "campaign",
            Kind::TemplatesLock => "templates-lock",
            Kind::TemplateSend => "template-send",
        }
    }
}

#[derive(Clone, Debug)]
pub enum Document {
    Template(Template),
    Flow(ConversationFlow),
    WhatsAppFlow(WhatsAppFlow),
    Webhook(Webhook),
    Campaign(Campaign),
    TemplatesLock(LockDocument),
    TemplateSend(TemplateSend),
}

impl Document {
    pub fn kind(&self) -> Kind {
        match self {
            Document::Template(_) => Kind::Template,
            Document::Flow(_) => Kind::Flow,
            Document::WhatsAppFlow(_) => Kind::WhatsAppFlow,
            Document::Webhook(_) => Kind::Webhook,
            Document::Campaign(_) => Kind::Campaign,
            Document::TemplatesLock(_) => Kind::TemplatesLock,
            Document::TemplateSend(_) => Kind::TemplateSend,
        }
    }
}

/// A document written as the value of a string of a file (the Flow JSON of a template FLOW
/// button's `flow_json`), read once into a tree of its own. Its nodes, and so the findings of
/// its checks and its problems, are of that tree; the engine maps them to the characters of
/// the string (`origin`).
#[derive(Clone, Debug)]
pub struct Embedded {
    /// The string node, in the file's tree, whose value is the document's text.
    pub origin: NodeId,
    /// The field the string is written under, which messages about the document start with.
    pub field: &'static str,
    pub tree: Tree,
    pub document: Document,
    /// Its schema problems, at nodes of `tree`.
    pub problems: Vec<Finding>,
}

/// What a file holds once read: its documents, the documents written inside its strings, and
/// every schema problem found on the way (those of embedded documents are theirs).
#[derive(Clone, Debug, Default)]
pub struct Contents {
    pub documents: Vec<Document>,
    pub embedded: Vec<Embedded>,
    pub problems: Vec<Finding>,
    /// A chatbot platform the file belongs to that walint recognises but does not check
    /// ("Amazon Connect flow"), when it holds nothing walint reads.
    pub not_checked: Option<&'static str>,
    /// What walint saw in the file and cannot check, each where it is written, for
    /// `--verbose` (a Twilio Studio widget that sends a Content template).
    pub notes: Vec<(At, String)>,
}

impl Contents {
    /// The file's kind: that of its first document.
    pub fn kind(&self) -> Option<Kind> {
        self.documents.first().map(Document::kind)
    }
}

fn has(tree: &Tree, node: NodeId, keys: &[&str]) -> bool {
    keys.iter().all(|k| tree.get(node, k).is_some())
}

fn is_map(tree: &Tree, node: NodeId) -> bool {
    matches!(tree.value(node), Value::Map(_))
}

fn is_template(tree: &Tree, node: NodeId) -> bool {
    is_map(tree, node) && has(tree, node, &["name", "language", "components"])
}

/// A list whose every item is a template (and that has at least one).
fn template_list(tree: &Tree, node: NodeId) -> Option<&[NodeId]> {
    let items = tree.items(node);
    (!items.is_empty() && items.iter().all(|&i| is_template(tree, i))).then_some(items)
}

/// Recognises the kind of one document root by its content, never its file name.
pub fn recognise(tree: &Tree, root: NodeId) -> Option<Kind> {
    if template_list(tree, root).is_some() {
        return Some(Kind::Template);
    }
    if send::send_list(tree, root).is_some() {
        return Some(Kind::TemplateSend);
    }
    if !is_map(tree, root) {
        return None;
    }
    if is_template(tree, root) {
        return Some(Kind::Template);
    }
    if let Some(data) = tree.get(root, "data") {
        if template_list(tree, data).is_some() {
            return Some(Kind::Template);
        }
    }
    if has(tree, root, &["lock_version", "fetched_at", "templates"]) {
        return Some(Kind::TemplatesLock);
    }
    if has(tree, root, &["flow", "nodes"]) || flow_list(tree, root).is_some() {
        return Some(Kind::Flow);
    }
    if is_whatsapp_flow(tree, root) {
        return Some(Kind::WhatsAppFlow);
    }
    if has(tree, root, &["webhooks"]) || has(tree, root, &["override_callback_uri"]) {
        return Some(Kind::Webhook);
    }
    if has(tree, root, &["campaign", "template"]) {
        return Some(Kind::Campaign);
    }
    if send::is_send(tree, root) {
        return Some(Kind::TemplateSend);
    }
    collection(tree, root).map(|(kind, _)| kind)
}

fn is_whatsapp_flow(tree: &Tree, node: NodeId) -> bool {
    is_map(tree, node) && has(tree, node, &["version", "screens"])
}

/// A collection (pywa's examples): a map of case names to documents whose every value is a
/// template, or every value a Flow JSON, by the test a document of its own passes; each value
/// is read as a document of its own. A map of anything else, even one odd value, is none.
fn collection(tree: &Tree, root: NodeId) -> Option<(Kind, Vec<NodeId>)> {
    let values: Vec<NodeId> = tree.entries(root).iter().map(|e| e.value).collect();
    if values.is_empty() {
        return None;
    }
    [
        (Kind::Template, is_template as fn(&Tree, NodeId) -> bool),
        (Kind::WhatsAppFlow, is_whatsapp_flow),
    ]
    .into_iter()
    .find(|(_, is)| values.iter().all(|&v| is(tree, v)))
    .map(|(kind, _)| (kind, values))
}

/// `flows: [...]`, a list of flows in one file.
fn flow_list(tree: &Tree, root: NodeId) -> Option<&[NodeId]> {
    let items = tree.items(tree.get(root, "flows")?);
    (!items.is_empty() && items.iter().all(|&i| has(tree, i, &["flow", "nodes"]))).then_some(items)
}

/// Reads every recognised document of a tree.
pub fn read(tree: &Tree) -> Contents {
    let mut r = Reader::new(tree);
    let mut documents = Vec::new();
    for &root in &tree.documents {
        let Some(kind) = recognise(tree, root) else {
            continue;
        };
        match kind {
            Kind::Template => {
                let items: Vec<NodeId> = if let Some(items) = template_list(tree, root) {
                    items.to_vec()
                } else if is_template(tree, root) {
                    vec![root]
                } else if let Some(items) =
                    tree.get(root, "data").and_then(|d| template_list(tree, d))
                {
                    items.to_vec()
                } else {
                    collection(tree, root)
                        .map(|(_, values)| values)
                        .unwrap_or_default()
                };
                for item in items {
                    documents.push(Document::Template(template::read(&mut r, item)));
                }
            }
            Kind::Flow => match flow_list(tree, root) {
                Some(items) => {
                    for &item in items {
                        documents.push(Document::Flow(flow::read(&mut r, item)));
                    }
                }
                None => documents.push(Document::Flow(flow::read(&mut r, root))),
            },
            Kind::WhatsAppFlow => {
                let values = if is_whatsapp_flow(tree, root) {
                    vec![root]
                } else {
                    collection(tree, root)
                        .map(|(_, values)| values)
                        .unwrap_or_default()
                };
                for value in values {
                    documents.push(Document::WhatsAppFlow(whatsapp_flow::read(&mut r, value)));
                }
            }
            Kind::Webhook => {
                if tree.get(root, "webhooks").is_some() {
                    for webhook in webhook::read_list(&mut r, root) {
                        documents.push(Document::Webhook(webhook));
                    }
                } else {
                    documents.push(Document::Webhook(webhook::read_meta_override(&mut r, root)));
                }
            }
            Kind::Campaign => documents.push(Document::Campaign(campaign::read(&mut r, root))),
            Kind::TemplatesLock => {
                documents.push(Document::TemplatesLock(lock::read(&mut r, root)))
            }
            Kind::TemplateSend => {
                let items = send::send_list(tree, root).map_or_else(|| vec![root], <[_]>::to_vec);
                for item in items {
                    documents.push(Document::TemplateSend(send::read(&mut r, item)));
                }
            }
        }
    }
    let mut problems = r.problems;
    let mut embedded = Vec::new();
    for document in &documents {
        let Document::Template(template) = document else {
            continue;
        };
        for button in template.components.iter().flat_map(|c| &c.buttons) {
            let Some(node) = button
                .is(ButtonType::Flow)
                .then(|| tree.get(button.node, "flow_json"))
                .flatten()
            else {
                continue;
            };
            match whatsapp_flow::read_in_string(tree, node, "flow_json") {
                Some(Ok(flow)) => embedded.push(flow),
                Some(Err(problem)) => problems.push(problem),
                None => {}
            }
        }
    }
    Contents {
        documents,
        embedded,
        problems,
        not_checked: None,
        notes: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{parse, Format};

    fn kind_of(text: &str, format: Format) -> Option<Kind> {
        let tree = parse(text, format).unwrap();
        recognise(&tree, tree.documents[0])
    }

    #[test]
    fn recognises_each_kind_by_content() {
        let template = r#"{"name": "a", "language": "en", "components": []}"#;
        assert_eq!(kind_of(template, Format::Json), Some(Kind::Template));
        assert_eq!(
            kind_of(&format!("[{template}]"), Format::Json),
            Some(Kind::Template)
        );
        assert_eq!(
            kind_of(
                &format!(r#"{{"data": [{template}], "paging": {{}}}}"#),
                Format::Json
            ),
            Some(Kind::Template)
        );
        assert_eq!(
            kind_of("flow: a\nnodes: {}\n", Format::Yaml),
            Some(Kind::Flow)
        );
        assert_eq!(
            kind_of("version: '7.0'\nscreens: []\n", Format::Yaml),
            Some(Kind::WhatsAppFlow)
        );
        assert_eq!(kind_of("webhooks: []\n", Format::Yaml), Some(Kind::Webhook));
        assert_eq!(
            kind_of(r#"{"override_callback_uri": "x"}"#, Format::Json),
            Some(Kind::Webhook)
        );
        assert_eq!(
            kind_of("campaign: a\ntemplate: {}\n", Format::Yaml),
            Some(Kind::Campaign)
        );
        assert_eq!(
            kind_of(
                r#"{"object": "whatsapp_business_account", "entry": []}"#,
                Format::Json
            ),
            None
        );
        assert_eq!(kind_of(r#"{"compilerOptions": {}}"#, Format::Json), None);
    }

    #[test]
    fn a_map_of_templates_or_of_flow_jsons_is_a_collection_of_documents() {
        let template = r#"{"name": "a", "language": "en", "components": []}"#;
        let flow = r#"{"version": "7.3", "screens": []}"#;
        let text = format!(r#"{{"first": {template}, "second": {template}}}"#);
        let tree = parse(&text, Format::Json).unwrap();
        let contents = read(&tree);
        let pointers: Vec<String> = contents
            .documents
            .iter()
            .map(|d| match d {
                Document::Template(t) => tree.pointer(t.node),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(pointers, ["/first", "/second"]);
        let tree = parse(&format!(r#"{{"only": {flow}}}"#), Format::Json).unwrap();
        let contents = read(&tree);
        let [Document::WhatsAppFlow(only)] = contents.documents.as_slice() else {
            panic!("{:?}", contents.documents);
        };
        assert_eq!(tree.pointer(only.node), "/only");
        // Every value must be a document of the same kind: one odd value, a mix, nothing at
        // all or a map of webhook payloads is no collection.
        for text in [
            format!(r#"{{"a": {template}, "b": {{"name": "x"}}}}"#),
            format!(r#"{{"a": {template}, "b": "text"}}"#),
            format!(r#"{{"a": {template}, "b": {flow}}}"#),
            format!(r#"{{"a": [{template}]}}"#),
            "{}".to_string(),
            r#"{"message": {"object": "whatsapp_business_account", "entry": []}}"#.to_string(),
        ] {
            assert_eq!(kind_of(&text, Format::Json), None, "{text}");
        }
    }

    #[test]
    fn collects_every_schema_problem() {
        let text = "flow: bot\nnodes:\n  a: {type: menuu}\n  b: {next: 3}\n  c: {type: menu}\n";
        let tree = parse(text, Format::Yaml).unwrap();
        let contents = read(&tree);
        let messages: Vec<&str> = contents
            .problems
            .iter()
            .map(|p| p.message.as_str())
            .collect();
        assert_eq!(messages.len(), 4, "{messages:#?}");
        assert!(messages[0].contains("missing the required field `entry`"));
        assert!(messages[1].contains("unknown node type `menuu`; did you mean `menu`?"));
        assert!(messages[2].contains("node `b` is missing the required field `type`"));
        assert!(messages[3].contains("node `c` is missing the required field `options`"));
    }

    #[test]
    fn a_flow_json_is_read_once_into_a_document_of_its_own_tree() {
        let button = |kind: &str, flow_json: &str| {
            format!(
                r#"{{"type": "{kind}", "text": "Open", "url": "https://a.example", "flow_json": {flow_json}}}"#
            )
        };
        let flow = r#""{\"version\": \"7.3\", \"screens\": [{\"terminal\": \"yes\"}]}""#;
        let buttons = [
            button("FLOW", flow),
            button("flow", r#""{\"name\": \"x\"}""#),
            button("URL", flow),
            button("FLOW", r#""""#),
            button("FLOW", "3"),
        ];
        let text = format!(
            r#"{{"name": "a", "language": "en", "components": [{{"type": "BUTTONS", "buttons": [{}]}}]}}"#,
            buttons.join(", ")
        );
        let tree = parse(&text, Format::Json).unwrap();
        let contents = read(&tree);
        // The FLOW buttons' strings only; an empty one holds nothing to read.
        let [embedded] = contents.embedded.as_slice() else {
            panic!("{:?}", contents.embedded);
        };
        let Document::WhatsAppFlow(flow) = &embedded.document else {
            panic!("{:?}", embedded.document);
        };
        assert_eq!(flow.screens.len(), 1);
        assert_eq!(
            tree.pointer(embedded.origin),
            "/components/0/buttons/0/flow_json"
        );
        assert_eq!(embedded.field, "flow_json");
        // Its problems are of its own tree, and WA301's.
        let [problem] = embedded.problems.as_slice() else {
            panic!("{:?}", embedded.problems);
        };
        assert_eq!(problem.rule, crate::catalogue::RuleId::WA301);
        let crate::diagnostic::At::Node(node) = problem.at else {
            panic!("{problem:?}");
        };
        assert_eq!(embedded.tree.pointer(node), "/screens/0/terminal");
        let messages: Vec<&str> = contents
            .problems
            .iter()
            .filter(|p| p.rule == crate::catalogue::RuleId::WA301)
            .map(|p| p.message.as_str())
            .collect();
        assert_eq!(
            messages,
            ["flow_json holds no Flow JSON: it needs `version` and `screens`"]
        );
    }

    #[test]
    fn enums_compare_case_insensitively() {
        let text = r#"{"name": "a", "language": "en", "category": "marketing", "components": [{"type": "body", "text": "hi"}]}"#;
        let tree = parse(text, Format::Json).unwrap();
        let contents = read(&tree);
        assert!(contents.problems.is_empty(), "{:?}", contents.problems);
    }
}
