//! Twilio Studio flow definitions (`states[]`, `initial_state`, `transitions[{event, next}]`),
//! as exported from the Studio canvas or fetched from the Flows API (`definition: {...}`).
//!
//! Each state becomes a step named after the state; each transition with a `next` an edge at
//! that `next` value. A transition without `next` ends the execution there. Only the
//! messaging part of a flow is walint's business: states that only a call (`incomingCall`)
//! leads to are left out, and a flow that only calls reach is not read at all.

use std::collections::{HashMap, HashSet, VecDeque};

use crate::model::flow::{Branch, Channel, ConversationFlow, Dialect, FlowNode, NodeType};
use crate::model::reader::{AtNode, Reader};
use crate::source::{NodeId, Tree, Value};

/// The trigger's events that start a messaging conversation (a voice call is not one).
const VOICE_EVENT: &str = "incomingCall";

/// The mapping that holds `states` and `initial_state`: the root, or the Flows API's
/// `definition`.
fn definition(tree: &Tree, root: NodeId) -> Option<NodeId> {
    let holds = |node: NodeId| {
        tree.get(node, "initial_state").is_some()
            && tree
                .get(node, "states")
                .is_some_and(|s| matches!(tree.value(s), Value::Seq(_)))
    };
    if holds(root) {
        return Some(root);
    }
    tree.get(root, "definition").filter(|&d| holds(d))
}

/// A Studio flow that messages reach (a voice-only flow is not walint's business).
pub(super) fn recognise(tree: &Tree, root: NodeId) -> bool {
    is_flow(tree, root) && !voice_only(tree, root)
}

pub(super) fn is_flow(tree: &Tree, root: NodeId) -> bool {
    definition(tree, root).is_some()
}

/// Whether only a call starts the flow: its trigger (the initial state) leads somewhere
/// on `incomingCall` alone. A few keys of one state, so recognising stays cheap.
fn voice_only(tree: &Tree, root: NodeId) -> bool {
    let Some(definition) = definition(tree, root) else {
        return false;
    };
    let Some(initial) = tree
        .get(definition, "initial_state")
        .and_then(|n| tree.as_str(n))
    else {
        return false;
    };
    let text = |node: NodeId, key: &str| tree.get(node, key).and_then(|n| tree.as_str(n));
    let states = tree
        .get(definition, "states")
        .map(|s| tree.items(s))
        .unwrap_or_default();
    let Some(&trigger) = states
        .iter()
        .find(|&&s| text(s, "name") == Some(initial) && text(s, "type") == Some("trigger"))
    else {
        return false;
    };
    let transitions = tree
        .get(trigger, "transitions")
        .map(|t| tree.items(t))
        .unwrap_or_default();
    let leads = |voice: bool| {
        transitions.iter().any(|&t| {
            tree.get(t, "next")
                .is_some_and(|n| tree.as_str(n).is_some())
                && text(t, "event").is_some_and(|e| (e == VOICE_EVENT) == voice)
        })
    };
    leads(true) && !leads(false)
}

/// A state as written, before it is lowered.
struct State {
    name: AtNode<String>,
    node: NodeId,
    kind: Option<AtNode<String>>,
    properties: Option<NodeId>,
    transitions: Vec<Transition>,
}

struct Transition {
    event: Option<AtNode<String>>,
    /// The transition's mapping.
    node: NodeId,
    next: Option<AtNode<String>>,
}

impl State {
    fn kind(&self) -> &str {
        self.kind.as_ref().map_or("", |k| k.value.as_str())
    }

    fn on(&self, event: &str) -> Option<&Transition> {
        self.transitions
            .iter()
            .find(|t| t.event.as_ref().is_some_and(|e| e.value == event))
    }
}

pub(super) fn read(r: &mut Reader, root: NodeId) -> Vec<ConversationFlow> {
    let Some(definition) = definition(r.tree, root) else {
        return Vec::new();
    };
    let name = r
        .string(root, "friendly_name")
        .or_else(|| r.string(definition, "description"));
    let entry = r.string(definition, "initial_state");
    let states = read_states(r, definition);
    let Some(keep) = messaging_part(&states, entry.as_ref()) else {
        return Vec::new();
    };
    let by_name: HashMap<&str, &State> =
        states.iter().map(|s| (s.name.value.as_str(), s)).collect();
    let mut nodes = Vec::new();
    let mut seen = HashSet::new();
    for (i, state) in states.iter().enumerate() {
        if keep[i] && seen.insert(state.name.value.clone()) {
            nodes.push(lower(r, state, &by_name));
        }
    }
    vec![ConversationFlow::new(
        Dialect::TwilioStudio,
        definition,
        name,
        entry,
        None,
        Vec::new(),
        nodes,
    )]
}

fn read_states(r: &mut Reader, definition: NodeId) -> Vec<State> {
    let Some(list) = r.field(definition, "states") else {
        return Vec::new();
    };
    let mut states = Vec::new();
    for (i, item) in r
        .expect_seq(list, "states")
        .unwrap_or_default()
        .into_iter()
        .enumerate()
    {
        let Some(item) = r.expect_map(item, "states[]") else {
            continue;
        };
        let what = format!("state {} of the flow", i + 1);
        let Some(name) = r.required_string(item, "name", &what) else {
            continue;
        };
        let what = format!("state `{}`", name.value);
        let kind = r.required_string(item, "type", &what);
        let properties = r
            .field(item, "properties")
            .and_then(|p| r.expect_map(p, "properties"));
        let mut transitions = Vec::new();
        if let Some(list) = r.field(item, "transitions") {
            for t in r.expect_seq(list, "transitions").unwrap_or_default() {
                if let Some(t) = r.expect_map(t, "transitions[]") {
                    transitions.push(Transition {
                        event: r.required_string(t, "event", &format!("a transition of {what}")),
                        node: t,
                        next: r.string(t, "next"),
                    });
                }
            }
        }
        states.push(State {
            name,
            node: item,
            kind,
            properties,
            transitions,
        });
    }
    states
}

/// Which states to keep: all but those only a voice call leads to. `None` when no
/// messaging event of the trigger leads anywhere (a voice-only flow).
fn messaging_part(states: &[State], entry: Option<&AtNode<String>>) -> Option<Vec<bool>> {
    let index: HashMap<&str, usize> = states
        .iter()
        .enumerate()
        .rev()
        .map(|(i, s)| (s.name.value.as_str(), i))
        .collect();
    let trigger = entry
        .and_then(|e| index.get(e.value.as_str()).copied())
        .filter(|&i| states[i].kind() == "trigger");
    let Some(trigger) = trigger else {
        // No trigger to tell voice from messaging: keep the flow as written.
        return Some(vec![true; states.len()]);
    };
    let starts = |voice: bool| -> Vec<usize> {
        states[trigger]
            .transitions
            .iter()
            .filter(|t| {
                t.event
                    .as_ref()
                    .is_some_and(|e| (e.value == VOICE_EVENT) == voice)
            })
            .filter_map(|t| t.next.as_ref())
            .filter_map(|n| index.get(n.value.as_str()).copied())
            .collect()
    };
    let reach = |from: Vec<usize>| -> Vec<bool> {
        let mut seen = vec![false; states.len()];
        let mut queue: VecDeque<usize> = from.into_iter().collect();
        while let Some(i) = queue.pop_front() {
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            for next in states[i].transitions.iter().filter_map(|t| t.next.as_ref()) {
                if let Some(&j) = index.get(next.value.as_str()) {
                    queue.push_back(j);
                }
            }
        }
        seen
    };
    let messaging_next = states[trigger]
        .transitions
        .iter()
        .any(|t| t.next.is_some() && t.event.as_ref().is_some_and(|e| e.value != VOICE_EVENT));
    if !messaging_next {
        return None;
    }
    let messaging = reach(starts(false));
    let voice = reach(starts(true));
    Some(
        (0..states.len())
            .map(|i| i == trigger || messaging[i] || !voice[i])
            .collect(),
    )
}

/// The event each widget type continues on when all goes well; its other events become
/// branches.
fn main_event(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "send-and-wait-for-reply" => "incomingMessage",
        "send-message" => "sent",
        "set-variables" | "add-twiml-redirect" => "next",
        "run-function" | "make-http-request" | "run-subflow" => "success",
        _ => return None,
    })
}

fn lower(r: &mut Reader, state: &State, by_name: &HashMap<&str, &State>) -> FlowNode {
    let mut step = FlowNode::new(state.name.value.clone(), state.node);
    step.name = Some(state.name.node);
    let kind = state.kind.as_ref();
    let node_type = match state.kind() {
        "trigger" => Some(NodeType::Condition),
        "send-and-wait-for-reply" => Some(NodeType::Input),
        "send-message" => Some(NodeType::Message),
        "send-to-flex" => Some(NodeType::Handoff),
        "split-based-on" => Some(NodeType::Condition),
        _ => None,
    };
    step.kind = node_type
        .zip(kind)
        .map(|(value, k)| AtNode::new(value, k.node));
    if let Some(properties) = state.properties {
        if matches!(node_type, Some(NodeType::Input | NodeType::Message)) {
            step.text = r.string(properties, "body");
            step.content_sid = content_sid(r, properties);
            // A message of a Content template is a template send (WhatsApp delivers it
            // outside the service window too); a question still waits for the reply.
            if let Some(kind) = step.kind.as_mut().filter(|k| k.value == NodeType::Message) {
                if step.content_sid.is_some() {
                    kind.value = NodeType::Template;
                }
            }
        }
        if node_type == Some(NodeType::Handoff) {
            step.channel = kind.map(|k| AtNode::new(Channel::Agent, k.node));
            step.queue = r.string(properties, "workflow");
        }
    }
    let main = main_event(state.kind());
    for transition in &state.transitions {
        let (Some(event), Some(next)) = (&transition.event, &transition.next) else {
            continue;
        };
        if state.kind() == "trigger" && event.value == VOICE_EVENT {
            continue;
        }
        if Some(event.value.as_str()) == main && step.next.is_none() {
            step.next = Some(next.clone());
        } else if state.kind() == "split-based-on" && event.value == "noMatch" {
            step.otherwise = Some(next.clone());
        } else {
            let when = condition_words(r.tree, transition.node).unwrap_or_else(|| event.clone());
            step.branches.push(Branch {
                node: transition.node,
                when: Some(when),
                next: Some(next.clone()),
            });
        }
    }
    if node_type == Some(NodeType::Input) {
        step.fallback = reply_fallback(state, by_name);
    }
    step
}

/// The Content template a widget sends instead of its `body` (`message_type:
/// content_template` with `content_sid`, as Studio writes it).
fn content_sid(r: &mut Reader, properties: NodeId) -> Option<AtNode<String>> {
    let tree = r.tree;
    let kind = tree
        .get(properties, "message_type")
        .and_then(|t| tree.as_str(t));
    if kind.is_some_and(|k| k != "content_template") {
        return None;
    }
    r.string(properties, "content_sid")
        .filter(|sid| !sid.value.trim().is_empty())
}

/// A `match` transition's first condition, in Studio's words (`If value equal_to 1`).
fn condition_words(tree: &Tree, transition: NodeId) -> Option<AtNode<String>> {
    let condition = *tree.items(tree.get(transition, "conditions")?).first()?;
    let node = tree.get(condition, "friendly_name")?;
    Some(AtNode::new(tree.as_str(node)?.to_string(), node))
}

/// Where a reply the flow cannot use goes: the `noMatch` of the split that reads this
/// widget's reply next; every reply when nothing after it checks the reply.
fn reply_fallback(state: &State, by_name: &HashMap<&str, &State>) -> Option<AtNode<String>> {
    let next = state.on("incomingMessage")?.next.as_ref()?;
    let Some(split) = by_name
        .get(next.value.as_str())
        .filter(|s| s.kind() == "split-based-on")
    else {
        return Some(next.clone());
    };
    split.on("noMatch").and_then(|t| t.next.clone())
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

    const MENU: &str = r#"{
  "description": "Support",
  "initial_state": "Trigger",
  "flags": {"allow_concurrent_calls": true},
  "states": [
    {"name": "Trigger", "type": "trigger", "properties": {},
     "transitions": [{"event": "incomingMessage", "next": "ask"}, {"event": "incomingCall", "next": "greet"}]},
    {"name": "ask", "type": "send-and-wait-for-reply",
     "properties": {"body": "Reply 1 for sales, 2 for support", "timeout": "3600"},
     "transitions": [{"event": "incomingMessage", "next": "route"}, {"event": "timeout"}, {"event": "deliveryFailure", "next": "ask"}]},
    {"name": "route", "type": "split-based-on", "properties": {"input": "{{widgets.ask.inbound.Body}}"},
     "transitions": [
       {"event": "noMatch", "next": "ask"},
       {"event": "match", "next": "agent", "conditions": [{"friendly_name": "If value equal_to 1", "type": "equal_to", "value": "1", "arguments": ["{{widgets.ask.inbound.Body}}"]}]},
       {"event": "match", "next": "bye", "conditions": [{"friendly_name": "If value equal_to 2", "type": "equal_to", "value": "2", "arguments": ["{{widgets.ask.inbound.Body}}"]}]}]},
    {"name": "bye", "type": "send-message", "properties": {"body": "Bye"}, "transitions": [{"event": "sent"}, {"event": "failed"}]},
    {"name": "agent", "type": "send-to-flex", "properties": {"workflow": "WW123"}, "transitions": [{"event": "callComplete"}]},
    {"name": "greet", "type": "say-play", "properties": {"say": "Hello"}, "transitions": [{"event": "audioComplete"}]}
  ]
}"#;

    #[test]
    fn a_menu_flow_lowers_to_its_states_and_transitions() {
        let (flows, problems) = lowered(MENU);
        assert!(problems.is_empty(), "{problems:?}");
        let flow = &flows[0];
        assert_eq!(flow.display_name(), "Support");
        assert_eq!(flow.entry.as_ref().unwrap().value, "Trigger");
        let ids: Vec<&str> = flow.nodes.iter().map(|n| n.id.as_str()).collect();
        // `greet` only answers calls.
        assert_eq!(ids, ["Trigger", "ask", "route", "bye", "agent"]);
        let kinds: Vec<Option<NodeType>> = flow.nodes.iter().map(FlowNode::node_type).collect();
        assert_eq!(
            kinds,
            [
                Some(NodeType::Condition),
                Some(NodeType::Input),
                Some(NodeType::Condition),
                Some(NodeType::Message),
                Some(NodeType::Handoff)
            ]
        );
        assert_eq!(edges(&flow.nodes[0]), [(Via::Branch(0), "ask".to_string())]);
        assert_eq!(
            edges(&flow.nodes[1]),
            [
                (Via::Next, "route".to_string()),
                (Via::Fallback, "ask".to_string()),
                (Via::Branch(0), "ask".to_string())
            ]
        );
        assert_eq!(
            edges(&flow.nodes[2]),
            [
                (Via::Branch(0), "agent".to_string()),
                (Via::Branch(1), "bye".to_string()),
                (Via::Else, "ask".to_string())
            ]
        );
        let when = flow.nodes[2].branches[0].when.as_ref().unwrap();
        assert_eq!(when.value, "If value equal_to 1");
        assert!(edges(&flow.nodes[3]).is_empty());
        assert_eq!(
            flow.nodes[1].text.as_ref().unwrap().value,
            "Reply 1 for sales, 2 for support"
        );
        assert_eq!(flow.nodes[4].queue.as_ref().unwrap().value, "WW123");
    }

    #[test]
    fn a_content_template_is_read_by_its_sid_and_its_message_is_a_template_send() {
        let text = r#"{"states": [
  {"name": "Trigger", "type": "trigger", "transitions": [{"event": "incomingMessage", "next": "ask"}]},
  {"name": "ask", "type": "send-and-wait-for-reply", "transitions": [{"event": "incomingMessage", "next": "promo"}],
   "properties": {"message_type": "content_template", "content_sid": "HX1"}},
  {"name": "promo", "type": "send-message", "transitions": [{"event": "sent", "next": "plain"}],
   "properties": {"message_type": "content_template", "content_sid": "HX2"}},
  {"name": "plain", "type": "send-message", "transitions": [{"event": "sent"}],
   "properties": {"message_type": "text", "body": "Hi", "content_sid": "HX3"}}],
  "initial_state": "Trigger"}"#;
        let (flows, problems) = lowered(text);
        assert!(problems.is_empty(), "{problems:?}");
        let read: Vec<(Option<NodeType>, Option<&str>)> = flows[0].nodes[1..]
            .iter()
            .map(|n| {
                (
                    n.node_type(),
                    n.content_sid.as_ref().map(|s| s.value.as_str()),
                )
            })
            .collect();
        assert_eq!(
            read,
            [
                (Some(NodeType::Input), Some("HX1")),
                (Some(NodeType::Template), Some("HX2")),
                (Some(NodeType::Message), None)
            ]
        );
    }

    #[test]
    fn a_split_without_no_match_leaves_the_question_without_fallback() {
        let text = MENU.replace(
            r#"{"event": "noMatch", "next": "ask"}"#,
            r#"{"event": "noMatch"}"#,
        );
        let (flows, _) = lowered(&text);
        assert!(flows[0].nodes[1].fallback.is_none());
        assert!(flows[0].nodes[2].otherwise.is_none());
    }

    #[test]
    fn a_question_whose_reply_is_not_checked_takes_every_reply() {
        let text = r#"{"initial_state": "Trigger", "states": [
          {"name": "Trigger", "type": "trigger", "transitions": [{"event": "incomingMessage", "next": "name"}]},
          {"name": "name", "type": "send-and-wait-for-reply", "properties": {"body": "Your name?"},
           "transitions": [{"event": "incomingMessage", "next": "thanks"}]},
          {"name": "thanks", "type": "send-message", "properties": {"body": "Thanks"}, "transitions": [{"event": "sent"}]}
        ]}"#;
        let (flows, _) = lowered(text);
        assert_eq!(flows[0].nodes[1].fallback.as_ref().unwrap().value, "thanks");
    }

    #[test]
    fn a_voice_only_flow_is_not_recognised() {
        let text = r#"{"initial_state": "Trigger", "states": [
          {"name": "Trigger", "type": "trigger", "transitions": [{"event": "incomingMessage"}, {"event": "incomingCall", "next": "hello"}]},
          {"name": "hello", "type": "say-play", "transitions": [{"event": "audioComplete"}]}
        ]}"#;
        let tree = parse(text, Format::Json).unwrap();
        assert!(is_flow(&tree, tree.documents[0]));
        assert!(!recognise(&tree, tree.documents[0]));
    }

    #[test]
    fn the_flows_api_shape_is_read_and_bad_states_are_reported() {
        let text = r#"{"friendly_name": "api", "definition": {"initial_state": "Trigger", "states": [
          {"name": "Trigger", "type": "trigger", "transitions": [{"event": "incomingMessage", "next": "gone"}]},
          {"type": "send-message"},
          {"name": "x", "type": "send-message", "transitions": [{"next": "Trigger"}]},
          7
        ]}}"#;
        let (flows, problems) = lowered(text);
        assert_eq!(flows[0].display_name(), "api");
        assert_eq!(
            problems,
            [
                "state 2 of the flow is missing the required field `name`",
                "a transition of state `x` is missing the required field `event`",
                "`states[]` must be a mapping, found a number",
            ]
        );
        // The undefined target is WA206's to report, at the `next` value.
        assert_eq!(
            edges(&flows[0].nodes[0]),
            [(Via::Branch(0), "gone".to_string())]
        );
    }
}
