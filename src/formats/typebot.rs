//! Typebot exports (`version: "6"`, `groups[].blocks[]`, `edges[]`, `events[{type: start}]`).
//!
//! Every block becomes a step named `<group title>/<n>` (its place in the group, from 1), as
//! the builder shows it. Blocks of a group run in order; a block's `outgoingEdgeId` (and a
//! choice's or condition's item's) leads through `edges[]` to a group, or to one block of it.
//! A block with no edge goes on with the next block of its group; the last one ends the
//! conversation. Typebot asks an input again when the reply does not fit (its retry
//! message), so inputs and choices fall back to themselves.

use std::collections::{HashMap, HashSet};

use crate::diagnostic::At;
use crate::model::flow::{
    Branch, Channel, ConversationFlow, Dialect, Duration, FlowNode, MenuOption, NodeType,
    Presentation,
};
use crate::model::reader::{AtNode, Reader};
use crate::source::{NodeId, Tree, Value};

/// Typebot sends single-choice buttons this many to a message (its
/// `WHATSAPP_INTERACTIVE_GROUP_SIZE` default) and cuts their titles after 18 characters and
/// `..` when they are longer than 20.
pub const BUTTONS_PER_MESSAGE: usize = 3;

pub(super) fn recognise(tree: &Tree, root: NodeId) -> bool {
    let seq = |key: &str| {
        tree.get(root, key)
            .is_some_and(|n| matches!(tree.value(n), Value::Seq(_)))
    };
    seq("groups")
        && seq("edges")
        && (seq("events")
            || tree.get(root, "typebotId").is_some()
            || tree.get(root, "version").is_some())
}

/// Block types that are inputs: the customer answers, Typebot asks again on a reply it
/// cannot use.
const INPUTS: &[&str] = &[
    "text input",
    "number input",
    "email input",
    "url input",
    "phone number input",
    "date input",
    "time input",
    "rating input",
    "file input",
    "payment input",
];

/// Bubbles: what the customer is sent.
const BUBBLES: &[&str] = &["text", "image", "video", "audio", "embed"];

/// Integration blocks that hand the conversation to a person by default.
const HANDOFF_BLOCKS: &[&str] = &["Chatwoot", "chatwoot"];

struct Group {
    /// The step id prefix: the title, made unique.
    label: String,
    blocks: Vec<NodeId>,
    block_ids: Vec<Option<String>>,
}

struct Target {
    step: String,
    /// The value that names it.
    node: NodeId,
}

struct Export<'a> {
    tree: &'a Tree,
    groups: Vec<Group>,
    group_index: HashMap<String, usize>,
    /// Block id → (group, place in it).
    block_index: HashMap<String, (usize, usize)>,
    /// Edge id → its `to` mapping.
    edges: HashMap<String, NodeId>,
}

impl Export<'_> {
    fn step_id(&self, group: usize, place: usize) -> String {
        format!("{}/{}", self.groups[group].label, place + 1)
    }

    /// Where an edge's `to` leads: the named block, else the first block of the group.
    /// `None` for an empty group (the conversation ends there).
    fn to(&self, to: NodeId) -> Option<Target> {
        let tree = self.tree;
        let group_node = tree.get(to, "groupId");
        if let Some(block) = tree.get(to, "blockId") {
            if let Some(&(g, p)) = tree.as_str(block).and_then(|b| self.block_index.get(b)) {
                return Some(Target {
                    step: self.step_id(g, p),
                    node: block,
                });
            }
        }
        let group_node = group_node?;
        let id = tree.as_str(group_node)?;
        match self.group_index.get(id) {
            Some(&g) if self.groups[g].blocks.is_empty() => None,
            Some(&g) => Some(Target {
                step: self.step_id(g, 0),
                node: group_node,
            }),
            // An edge to a group that is not there: WA206 reports it at the value.
            None => Some(Target {
                step: id.to_string(),
                node: group_node,
            }),
        }
    }

    /// The step an `outgoingEdgeId` leads to; a problem when it names no edge.
    fn edge(&self, r: &mut Reader, owner: NodeId) -> Option<Target> {
        let id = r.string(owner, "outgoingEdgeId")?;
        match self.edges.get(&id.value) {
            Some(&to) => self.to(to),
            None => {
                r.problem(
                    At::Node(id.node),
                    format!("`outgoingEdgeId` `{}` names no edge of `edges`", id.value),
                );
                None
            }
        }
    }
}

fn text_of(tree: &Tree, node: NodeId, out: &mut String) {
    match tree.value(node) {
        Value::Map(_) => {
            if let Some(text) = tree.get(node, "text").and_then(|t| tree.as_str(t)) {
                out.push_str(text);
            }
            if let Some(children) = tree.get(node, "children") {
                text_of(tree, children, out);
            }
        }
        Value::Seq(items) => {
            for &item in items {
                text_of(tree, item, out);
            }
        }
        _ => {}
    }
}

/// A text bubble's rich text as the customer reads it: paragraphs on lines of their own.
fn rich_text(tree: &Tree, block: NodeId) -> Option<AtNode<String>> {
    let content = tree.get(block, "content")?;
    let rich = tree.get(content, "richText")?;
    let mut lines = Vec::new();
    for &paragraph in tree.items(rich) {
        let mut line = String::new();
        text_of(tree, paragraph, &mut line);
        lines.push(line);
    }
    Some(AtNode::new(lines.join("\n"), rich))
}

pub(super) fn read(r: &mut Reader, root: NodeId) -> Vec<ConversationFlow> {
    let tree = r.tree;
    let mut export = Export {
        tree,
        groups: Vec::new(),
        group_index: HashMap::new(),
        block_index: HashMap::new(),
        edges: HashMap::new(),
    };
    let mut labels = HashSet::new();
    let group_list = r.field(root, "groups");
    for (i, group) in group_list
        .and_then(|g| r.expect_seq(g, "groups"))
        .unwrap_or_default()
        .into_iter()
        .enumerate()
    {
        let Some(group) = r.expect_map(group, "groups[]") else {
            continue;
        };
        let what = format!("group {}", i + 1);
        let Some(id) = r.required_string(group, "id", &what) else {
            continue;
        };
        let title = r
            .string(group, "title")
            .map(|t| t.value)
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| format!("Group {}", i + 1));
        let label = if labels.insert(title.clone()) {
            title
        } else {
            format!("{title} ({})", id.value)
        };
        let blocks = match r.field(group, "blocks") {
            Some(list) => r.expect_seq(list, "blocks").unwrap_or_default(),
            None => Vec::new(),
        };
        let g = export.groups.len();
        let mut block_ids = Vec::with_capacity(blocks.len());
        for (p, &block) in blocks.iter().enumerate() {
            let block_id = r.expect_map(block, "blocks[]").and_then(|b| {
                r.required_string(b, "id", &format!("block {} of group `{label}`", p + 1))
            });
            if let Some(block_id) = &block_id {
                export
                    .block_index
                    .entry(block_id.value.clone())
                    .or_insert((g, p));
            }
            block_ids.push(block_id.map(|b| b.value));
        }
        export.group_index.entry(id.value).or_insert(g);
        export.groups.push(Group {
            label,
            blocks,
            block_ids,
        });
    }
    if let Some(list) = r.field(root, "edges") {
        for edge in r.expect_seq(list, "edges").unwrap_or_default() {
            let Some(edge) = r.expect_map(edge, "edges[]") else {
                continue;
            };
            let id = r.required_string(edge, "id", "an edge");
            let to = match r.field(edge, "to") {
                Some(to) => r.expect_map(to, "to"),
                None => {
                    r.missing(edge, "to", "an edge");
                    None
                }
            };
            if let (Some(id), Some(to)) = (id, to) {
                export.edges.entry(id.value).or_insert(to);
            }
        }
    }
    let entry = start(r, &export, root);
    let mut nodes = Vec::new();
    for g in 0..export.groups.len() {
        for p in 0..export.groups[g].blocks.len() {
            if export.groups[g].block_ids[p].is_some() {
                nodes.push(lower(r, &export, g, p));
            }
        }
    }
    vec![ConversationFlow::new(
        Dialect::Typebot,
        root,
        r.string(root, "name"),
        entry,
        None,
        Vec::new(),
        nodes,
    )]
}

/// The step the start event leads to (older exports: the `start` block's edge).
fn start(r: &mut Reader, export: &Export, root: NodeId) -> Option<AtNode<String>> {
    let tree = r.tree;
    let event = tree
        .get(root, "events")
        .map(|e| tree.items(e))
        .unwrap_or_default()
        .iter()
        .copied()
        .find(|&e| tree.get(e, "type").and_then(|t| tree.as_str(t)) == Some("start"));
    let owner = event.or_else(|| {
        export
            .groups
            .iter()
            .flat_map(|g| g.blocks.iter().copied())
            .find(|&b| tree.get(b, "type").and_then(|t| tree.as_str(t)) == Some("start"))
    })?;
    let target = export.edge(r, owner)?;
    Some(AtNode::new(target.step, target.node))
}

fn lower(r: &mut Reader, export: &Export, g: usize, p: usize) -> FlowNode {
    let tree = r.tree;
    let group = &export.groups[g];
    let block = group.blocks[p];
    let mut step = FlowNode::new(export.step_id(g, p), block);
    let kind = r.string(block, "type");
    let kind_name = kind.as_ref().map_or("", |k| k.value.as_str());
    let at = |value: NodeType| kind.as_ref().map(|k| AtNode::new(value, k.node));
    // Where the block goes when nothing else leads on: the next block of the group.
    let fall_through =
        (p + 1 < group.blocks.len()).then(|| AtNode::new(export.step_id(g, p + 1), block));
    let own_edge = export.edge(r, block).map(|t| AtNode::new(t.step, t.node));
    let onward = own_edge.clone().or(fall_through.clone());
    let options = tree.get(block, "options");
    let again = AtNode::new(step.id.clone(), block);
    match kind_name {
        "text" => {
            step.kind = at(NodeType::Message);
            step.text = rich_text(tree, block);
            step.next = onward;
        }
        k if BUBBLES.contains(&k) => {
            step.kind = at(NodeType::Message);
            step.next = onward;
        }
        "choice input" | "picture choice input" => {
            step.kind = at(NodeType::Menu);
            let multiple = options
                .and_then(|o| tree.get(o, "isMultipleChoice"))
                .is_some_and(|m| matches!(tree.value(m), Value::Bool(true)));
            step.presentation = Some(if multiple {
                Presentation::NumberedText
            } else if kind_name == "picture choice input" {
                Presentation::MessagePerOption
            } else {
                Presentation::SplitButtons(BUTTONS_PER_MESSAGE)
            });
            let title_key = if kind_name == "choice input" {
                "content"
            } else {
                "title"
            };
            let mut menu = Vec::new();
            if let Some(items) = tree.get(block, "items") {
                for &item in tree.items(items) {
                    let next = export
                        .edge(r, item)
                        .map(|t| AtNode::new(t.step, t.node))
                        .or(onward.clone());
                    menu.push(MenuOption {
                        node: item,
                        inside: None,
                        title: r.string(item, title_key),
                        description: r.string(item, "description"),
                        next,
                    });
                }
                step.options = Some(AtNode::new(menu, items));
            }
            step.fallback = Some(again);
        }
        k if INPUTS.contains(&k) => {
            step.kind = at(NodeType::Input);
            step.next = onward;
            step.fallback = Some(again);
            if let Some(options) = options {
                step.save_as = r.string(options, "variableId");
            }
        }
        "Condition" => {
            step.kind = at(NodeType::Condition);
            if let Some(items) = tree.get(block, "items") {
                for (i, &item) in tree.items(items).iter().enumerate() {
                    let next = export.edge(r, item).map(|t| AtNode::new(t.step, t.node));
                    step.branches.push(Branch {
                        node: item,
                        when: Some(AtNode::new(format!("condition {}", i + 1), item)),
                        next,
                    });
                }
            }
            step.otherwise = onward;
        }
        "Wait" => {
            step.kind = at(NodeType::Wait);
            step.duration = options.and_then(|o| wait_duration(tree, o));
            step.next = onward;
        }
        "Jump" => {
            step.next = options
                .and_then(|o| export.to(o))
                .map(|t| AtNode::new(t.step, t.node));
        }
        "Typebot link" => {
            let here = options
                .and_then(|o| tree.get(o, "typebotId"))
                .and_then(|t| tree.as_str(t))
                == Some("current");
            // The linked group (or typebot) runs, then this one goes on after the link.
            step.next = onward;
            if let Some(t) = options.filter(|_| here).and_then(|o| export.to(o)) {
                step.branches.push(Branch {
                    node: t.node,
                    when: None,
                    next: Some(AtNode::new(t.step, t.node)),
                });
            }
        }
        k if HANDOFF_BLOCKS.contains(&k) => {
            step.kind = at(NodeType::Handoff);
            step.channel = kind.as_ref().map(|k| AtNode::new(Channel::Agent, k.node));
            step.next = onward;
        }
        _ => step.next = onward,
    }
    step
}

/// `secondsToWaitFor`, when written as a number of seconds (it may be a variable).
fn wait_duration(tree: &Tree, options: NodeId) -> Option<AtNode<Duration>> {
    let node = tree.get(options, "secondsToWaitFor")?;
    let text = match tree.value(node) {
        Value::String(s) | Value::Number(s) => s.trim(),
        _ => return None,
    };
    let seconds = text.parse::<u64>().ok()?;
    Some(AtNode::new(
        Duration {
            seconds,
            text: written_seconds(seconds),
        },
        node,
    ))
}

/// `90000` seconds as `25h`, `172800` as `2d`: how walint writes durations.
fn written_seconds(seconds: u64) -> String {
    match seconds {
        s if s >= Duration::DAY && s % Duration::DAY == 0 => format!("{}d", s / Duration::DAY),
        s if s >= 3600 && s % 3600 == 0 => format!("{}h", s / 3600),
        s if s >= 60 && s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::flow::Via;

    use crate::formats::testing::edges;

    fn lowered(text: &str) -> (Vec<ConversationFlow>, Vec<String>) {
        crate::formats::testing::lowered(text, recognise, read)
    }

    const BOT: &str = r#"{
  "version": "6",
  "name": "Shop",
  "events": [{"id": "ev", "type": "start", "outgoingEdgeId": "e0"}],
  "groups": [
    {"id": "g1", "title": "Welcome", "blocks": [
      {"id": "b1", "type": "text", "content": {"richText": [
        {"type": "p", "children": [{"text": "Hi "}, {"text": "there", "bold": true}]},
        {"type": "p", "children": [{"text": "How can we help?"}]}]}},
      {"id": "b2", "type": "choice input", "items": [
        {"id": "i1", "content": "Track my order", "outgoingEdgeId": "e1"},
        {"id": "i2", "content": "Talk to a person please", "outgoingEdgeId": "e2"},
        {"id": "i3", "content": "Nothing"}]},
      {"id": "b3", "type": "text", "content": {"richText": [{"type": "p", "children": [{"text": "Bye"}]}]}}]},
    {"id": "g2", "title": "Track", "blocks": [
      {"id": "b4", "type": "text input", "options": {"variableId": "v1"}, "outgoingEdgeId": "e3"}]},
    {"id": "g3", "title": "Agent", "blocks": [
      {"id": "b5", "type": "Chatwoot", "options": {}}]},
    {"id": "g4", "title": "Check", "blocks": [
      {"id": "b6", "type": "Condition", "items": [{"id": "c1", "outgoingEdgeId": "e4", "content": {}}]},
      {"id": "b7", "type": "Wait", "options": {"secondsToWaitFor": "90000"}},
      {"id": "b8", "type": "Jump", "options": {"groupId": "g1", "blockId": "b2"}}]},
    {"id": "g5", "title": "", "blocks": [
      {"id": "b9", "type": "Typebot link", "options": {"typebotId": "current", "groupId": "g2"}},
      {"id": "b10", "type": "text", "content": {"richText": []}}]}
  ],
  "edges": [
    {"id": "e0", "from": {"eventId": "ev"}, "to": {"groupId": "g1"}},
    {"id": "e1", "from": {"blockId": "b2", "itemId": "i1"}, "to": {"groupId": "g2"}},
    {"id": "e2", "from": {"blockId": "b2", "itemId": "i2"}, "to": {"groupId": "g3"}},
    {"id": "e3", "from": {"blockId": "b4"}, "to": {"groupId": "g4"}},
    {"id": "e4", "from": {"blockId": "b6", "itemId": "c1"}, "to": {"groupId": "g3", "blockId": "b5"}}
  ]
}"#;

    #[test]
    fn a_typebot_lowers_to_its_blocks_and_edges() {
        let (flows, problems) = lowered(BOT);
        assert!(problems.is_empty(), "{problems:?}");
        let flow = &flows[0];
        assert_eq!(flow.display_name(), "Shop");
        assert_eq!(flow.entry.as_ref().unwrap().value, "Welcome/1");
        let ids: Vec<&str> = flow.nodes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "Welcome/1",
                "Welcome/2",
                "Welcome/3",
                "Track/1",
                "Agent/1",
                "Check/1",
                "Check/2",
                "Check/3",
                "Group 5/1",
                "Group 5/2"
            ]
        );
        let kinds: Vec<Option<NodeType>> = flow.nodes.iter().map(FlowNode::node_type).collect();
        assert_eq!(
            kinds,
            [
                Some(NodeType::Message),
                Some(NodeType::Menu),
                Some(NodeType::Message),
                Some(NodeType::Input),
                Some(NodeType::Handoff),
                Some(NodeType::Condition),
                Some(NodeType::Wait),
                None,
                None,
                Some(NodeType::Message)
            ]
        );
        assert_eq!(
            flow.nodes[0].text.as_ref().unwrap().value,
            "Hi there\nHow can we help?"
        );
        assert_eq!(
            edges(&flow.nodes[0]),
            [(Via::Next, "Welcome/2".to_string())]
        );
        // An item without an edge goes on with the next block of the group.
        assert_eq!(
            edges(&flow.nodes[1]),
            [
                (Via::Option(0), "Track/1".to_string()),
                (Via::Option(1), "Agent/1".to_string()),
                (Via::Option(2), "Welcome/3".to_string()),
                (Via::Fallback, "Welcome/2".to_string())
            ]
        );
        assert_eq!(
            flow.nodes[1].presentation,
            Some(Presentation::SplitButtons(BUTTONS_PER_MESSAGE))
        );
        // The last block of a group without an edge ends the conversation.
        assert!(edges(&flow.nodes[2]).is_empty());
        assert_eq!(
            edges(&flow.nodes[3]),
            [
                (Via::Next, "Check/1".to_string()),
                (Via::Fallback, "Track/1".to_string())
            ]
        );
        assert_eq!(
            edges(&flow.nodes[5]),
            [
                (Via::Branch(0), "Agent/1".to_string()),
                (Via::Else, "Check/2".to_string())
            ]
        );
        let wait = flow.nodes[6].duration.as_ref().unwrap();
        assert_eq!(
            (wait.value.seconds, wait.value.text.as_str()),
            (90_000, "25h")
        );
        assert_eq!(
            edges(&flow.nodes[7]),
            [(Via::Next, "Welcome/2".to_string())]
        );
        // A link runs the linked group, then goes on after itself.
        assert_eq!(
            edges(&flow.nodes[8]),
            [
                (Via::Next, "Group 5/2".to_string()),
                (Via::Branch(0), "Track/1".to_string())
            ]
        );
    }

    #[test]
    fn broken_edges_are_reported_at_their_values() {
        let text = BOT
            .replace(r#""outgoingEdgeId": "e3""#, r#""outgoingEdgeId": "nope""#)
            .replace(r#""to": {"groupId": "g2"}"#, r#""to": {"groupId": "gone"}"#);
        let (flows, problems) = lowered(&text);
        assert_eq!(
            problems,
            ["`outgoingEdgeId` `nope` names no edge of `edges`"]
        );
        let track = &flows[0].nodes[1];
        // The edge to a missing group keeps the group id, for WA206 to report.
        assert_eq!(
            track
                .all_options()
                .next()
                .unwrap()
                .next
                .as_ref()
                .unwrap()
                .value,
            "gone"
        );
        assert!(flows[0].nodes[3].next.is_none());
    }

    #[test]
    fn multiple_and_picture_choices_are_presented_their_own_way() {
        let text = r#"{"version": "6", "events": [], "edges": [], "groups": [{"id": "g", "title": "G", "blocks": [
          {"id": "a", "type": "choice input", "options": {"isMultipleChoice": true}, "items": [{"id": "x", "content": "One"}]},
          {"id": "b", "type": "picture choice input", "items": [{"id": "y", "title": "Red", "pictureSrc": "https://x/y.png"}]}]}]}"#;
        let (flows, _) = lowered(text);
        assert_eq!(
            flows[0].nodes[0].presentation,
            Some(Presentation::NumberedText)
        );
        assert_eq!(
            flows[0].nodes[1].presentation,
            Some(Presentation::MessagePerOption)
        );
        assert_eq!(
            flows[0].nodes[1]
                .all_options()
                .next()
                .unwrap()
                .title
                .as_ref()
                .unwrap()
                .value,
            "Red"
        );
        assert!(flows[0].entry.is_none());
    }

    #[test]
    fn durations_are_written_as_walint_writes_them() {
        assert_eq!(written_seconds(172_800), "2d");
        assert_eq!(written_seconds(7200), "2h");
        assert_eq!(written_seconds(90), "90s");
        assert_eq!(written_seconds(120), "2m");
    }
}
