//! What a team's walint.yaml names as a handoff to a person on a platform (`handoffs:`), for
//! the teams that hand over with a webhook to their helpdesk or a block walint does not know:
//! block, node or action types, webhook URLs and step names, per format. It adds to each
//! platform's own handoffs (RapidPro's `open_ticket`, Studio's `send-to-flex`, Typebot's
//! Chatwoot block, n8n's helpdesk and Chatwoot nodes), which need no setting.

use globset::{Glob, GlobMatcher};

use crate::model::flow::{Channel, ConversationFlow, Dialect, FlowNode, NodeType};
use crate::model::AtNode;
use crate::source::{NodeId, Tree};

/// The formats `handoffs:` may name: those read from a platform's export (walint's own flows
/// say `type: handoff`).
pub const FORMATS: [Dialect; 4] = [
    Dialect::RapidPro,
    Dialect::Typebot,
    Dialect::TwilioStudio,
    Dialect::N8n,
];

/// The keys of a format's entry.
pub const KEYS: &[&str] = &["types", "webhooks", "names"];

/// What counts as a handoff in one format.
#[derive(Clone, Debug, Default)]
pub struct Handoff {
    /// Block (Typebot), node (n8n), widget (Studio) or action (RapidPro) types, as written
    /// in the export's `type`.
    pub types: Vec<String>,
    /// URL globs (`*` for any text): a webhook or HTTP request to one of them hands off.
    pub webhooks: Vec<GlobMatcher>,
    /// Step names: a Typebot group's title, an n8n node's or a Studio widget's `name`.
    pub names: Vec<String>,
}

impl Handoff {
    /// A format's entry: `types`, URL globs for `webhooks` (or why one is not a glob), and
    /// `names`.
    pub fn new(
        types: Vec<String>,
        webhooks: &[String],
        names: Vec<String>,
    ) -> Result<Handoff, String> {
        let webhooks = webhooks
            .iter()
            .map(|pattern| {
                Glob::new(pattern)
                    .map(|glob| glob.compile_matcher())
                    .map_err(|e| format!("`{pattern}` is not a URL glob: {e}"))
            })
            .collect::<Result<_, _>>()?;
        Ok(Handoff {
            types,
            webhooks,
            names,
        })
    }
}

/// `handoffs:` of walint.yaml, by format.
#[derive(Clone, Debug, Default)]
pub struct Handoffs {
    by_format: Vec<(Dialect, Handoff)>,
}

impl Handoffs {
    pub fn set(&mut self, dialect: Dialect, handoff: Handoff) {
        self.by_format.retain(|(d, _)| *d != dialect);
        self.by_format.push((dialect, handoff));
    }

    fn of(&self, dialect: Dialect) -> Option<&Handoff> {
        self.by_format
            .iter()
            .find(|(d, _)| *d == dialect)
            .map(|(_, h)| h)
    }

    /// Makes a handoff of every step of `flow` the setting of its format names.
    pub fn apply(&self, tree: &Tree, flow: &mut ConversationFlow) {
        let Some(handoff) = self.of(flow.dialect) else {
            return;
        };
        let dialect = flow.dialect;
        for step in flow.nodes.iter_mut().filter(|s| !s.is(NodeType::Handoff)) {
            if let Some(at) = named_handoff(tree, dialect, step, handoff) {
                step.kind = Some(AtNode::new(NodeType::Handoff, at));
                step.channel = Some(AtNode::new(Channel::Agent, at));
            }
        }
    }
}

/// Where a step is named a handoff (its type, its URL, its name), if it is.
fn named_handoff(
    tree: &Tree,
    dialect: Dialect,
    step: &FlowNode,
    handoff: &Handoff,
) -> Option<NodeId> {
    let text = |node: NodeId, key: &str| tree.get(node, key).filter(|&n| tree.as_str(n).is_some());
    let str_at = |node: NodeId| tree.as_str(node).unwrap_or("");
    // The objects that say what the step does: the block, node or widget; for RapidPro the
    // action, or the actions of the node a router belongs to.
    let mut objects = vec![step.node];
    if dialect == Dialect::RapidPro {
        let node = match tree.parent(step.node) {
            Some(parent) if tree.get(parent, "router") == Some(step.node) => parent,
            _ => step.node,
        };
        if let Some(actions) = tree.get(node, "actions") {
            objects.extend(tree.items(actions));
        }
    }
    for &object in &objects {
        if let Some(kind) =
            text(object, "type").filter(|&k| handoff.types.iter().any(|t| t == str_at(k)))
        {
            return Some(kind);
        }
        let url = match dialect {
            Dialect::Typebot => tree.get(object, "options").and_then(|o| {
                tree.get(o, "webhook")
                    .and_then(|w| text(w, "url"))
                    .or_else(|| text(o, "url"))
            }),
            Dialect::N8n => tree.get(object, "parameters").and_then(|p| text(p, "url")),
            Dialect::TwilioStudio => tree.get(object, "properties").and_then(|p| text(p, "url")),
            Dialect::RapidPro => text(object, "url"),
            Dialect::Walint => None,
        };
        if let Some(url) = url.filter(|&u| {
            handoff
                .webhooks
                .iter()
                .any(|g| g.is_match(str_at(u).trim()))
        }) {
            return Some(url);
        }
    }
    let name = match dialect {
        // A Typebot step is `Group title/N`.
        Dialect::Typebot => step
            .id
            .rsplit_once('/')
            .map_or(step.id.as_str(), |(title, _)| title),
        Dialect::N8n | Dialect::TwilioStudio => step.id.as_str(),
        Dialect::RapidPro | Dialect::Walint => return None,
    };
    handoff
        .names
        .iter()
        .any(|n| n == name)
        .then(|| step.name.unwrap_or(step.node))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::read_with;
    use crate::model::flow::Escalation;
    use crate::model::Document;
    use crate::source::{parse, Format};

    fn handoffs(dialect: Dialect, types: &[&str], webhooks: &[&str], names: &[&str]) -> Handoffs {
        let owned = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let mut handoffs = Handoffs::default();
        handoffs.set(
            dialect,
            Handoff::new(owned(types), &owned(webhooks), owned(names)).unwrap(),
        );
        handoffs
    }

    /// The ids of the handoff steps of the file's flows, and the flows themselves.
    fn handed_off(text: &str, handoffs: &Handoffs) -> (Vec<String>, Vec<ConversationFlow>) {
        let tree = parse(text, Format::Json).unwrap();
        let flows: Vec<ConversationFlow> = read_with(&tree, handoffs)
            .documents
            .into_iter()
            .filter_map(|d| match d {
                Document::Flow(f) => Some(f),
                _ => None,
            })
            .collect();
        let ids = flows
            .iter()
            .flat_map(|f| &f.nodes)
            .filter(|n| n.is(NodeType::Handoff))
            .map(|n| n.id.clone())
            .collect();
        (ids, flows)
    }

    const TYPEBOT: &str = r#"{"version": "6", "events": [{"id": "s", "type": "start", "outgoingEdgeId": "e"}],
  "groups": [{"id": "g", "title": "Desk", "blocks": [
    {"id": "a", "type": "Webhook", "options": {"webhook": {"url": "https://desk.acme.example/api/chats"}}},
    {"id": "b", "type": "Zendesk", "options": {}}]},
   {"id": "h", "title": "Human", "blocks": [{"id": "c", "type": "text", "content": {"richText": []}}]}],
  "edges": [{"id": "e", "from": {"eventId": "s"}, "to": {"groupId": "g"}}]}"#;

    #[test]
    fn a_typebot_block_is_a_handoff_by_type_url_or_group_title() {
        let none = Handoffs::default();
        assert!(handed_off(TYPEBOT, &none).0.is_empty());
        let by_url = handoffs(Dialect::Typebot, &[], &["https://desk.acme.example/*"], &[]);
        assert_eq!(handed_off(TYPEBOT, &by_url).0, ["Desk/1"]);
        let by_type = handoffs(Dialect::Typebot, &["Zendesk"], &[], &[]);
        assert_eq!(handed_off(TYPEBOT, &by_type).0, ["Desk/2"]);
        let by_name = handoffs(Dialect::Typebot, &[], &[], &["Human"]);
        assert_eq!(handed_off(TYPEBOT, &by_name).0, ["Human/1"]);
        // Another format's setting does not apply; nor does another URL.
        let n8n = handoffs(Dialect::N8n, &["Zendesk"], &[], &["Human"]);
        assert!(handed_off(TYPEBOT, &n8n).0.is_empty());
        let other = handoffs(Dialect::Typebot, &[], &["https://other.example/*"], &[]);
        assert!(handed_off(TYPEBOT, &other).0.is_empty());
    }

    #[test]
    fn n8n_and_studio_steps_are_handoffs_by_url_or_name() {
        let n8n = r#"{"name": "w", "nodes": [
  {"name": "Message", "type": "n8n-nodes-base.whatsAppTrigger", "parameters": {}},
  {"name": "Open ticket", "type": "n8n-nodes-base.httpRequest", "parameters": {"url": "https://desk.acme.example/api/tickets"}},
  {"name": "Ask Sam", "type": "n8n-nodes-base.slack", "parameters": {}}],
  "connections": {"Message": {"main": [[{"node": "Open ticket"}, {"node": "Ask Sam"}]]}}}"#;
        let set = handoffs(
            Dialect::N8n,
            &[],
            &["https://desk.acme.example/*"],
            &["Ask Sam"],
        );
        assert_eq!(handed_off(n8n, &set).0, ["Open ticket", "Ask Sam"]);
        let studio = r#"{"states": [
  {"name": "Trigger", "type": "trigger", "transitions": [{"event": "incomingMessage", "next": "desk"}]},
  {"name": "desk", "type": "make-http-request", "transitions": [], "properties": {"url": "https://desk.acme.example/api/chats"}}],
  "initial_state": "Trigger"}"#;
        let set = handoffs(
            Dialect::TwilioStudio,
            &[],
            &["https://desk.acme.example/*"],
            &[],
        );
        assert_eq!(handed_off(studio, &set).0, ["desk"]);
    }

    #[test]
    fn a_rapidpro_webhook_hands_the_whole_export_off() {
        let export = r#"{"version": "13", "flows": [{"uuid": "f", "name": "Help", "spec_version": "13.1.0", "nodes": [
  {"uuid": "ask", "actions": [{"type": "send_msg", "uuid": "m", "text": "Hi"}], "router": {"type": "switch", "wait": {"type": "msg"}, "categories": [{"uuid": "c", "name": "All Responses", "exit_uuid": "x"}], "default_category_uuid": "c"}, "exits": [{"uuid": "x", "destination_uuid": "desk"}]},
  {"uuid": "desk", "actions": [{"type": "call_webhook", "uuid": "w", "method": "POST", "url": "https://desk.acme.example/api/tickets"}],
   "router": {"type": "switch", "operand": "@results.webhook", "categories": [{"uuid": "s", "name": "Success", "exit_uuid": "y"}], "default_category_uuid": "s"},
   "exits": [{"uuid": "y", "destination_uuid": null}]}]}]}"#;
        let (ids, flows) = handed_off(export, &Handoffs::default());
        assert!(ids.is_empty());
        assert!(matches!(
            flows[0].escalation,
            Escalation::Export {
                hands_off: false,
                ..
            }
        ));
        let set = handoffs(
            Dialect::RapidPro,
            &[],
            &["https://desk.acme.example/*"],
            &[],
        );
        let (ids, flows) = handed_off(export, &set);
        assert_eq!(ids, ["desk"]);
        assert!(matches!(
            flows[0].escalation,
            Escalation::Export {
                hands_off: true,
                ..
            }
        ));
    }
}
