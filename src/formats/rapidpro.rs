//! RapidPro, TextIt, Glific and Weni flows (the nyaruka flow spec), lowered into walint's
//! conversation model.
//!
//! Read: workspace exports (`flows[]`, keyword `triggers[]`), single flow definitions
//! (`uuid` + `nodes[]`, with or without `spec_version`), Glific's exports (`flows[]` of
//! `{definition, keywords}`) and the legacy pre-v11 format (`action_sets` + `rule_sets`).
//! Each RapidPro node becomes one step per action walint understands (a message, a ticket,
//! an opt-in or opt-out), chained in order, then one for its router: the first step has the
//! node's uuid, the later ones `uuid#2`, `uuid#3`... An exit leads to its `destination_uuid`
//! (the edge is at that value); a null destination ends the flow there. A router that waits
//! for a message is a question (a menu when the message before it offers quick replies):
//! its categories are branches and its `Other` category the fallback; a timeout of the wait
//! is a step of its own, so a free-form message after a day's timeout is seen (WA212).

use std::collections::HashMap;

use crate::diagnostic::At;
use crate::model::flow::{
    Branch, ConversationFlow, Dialect, Duration, Escalation, FlowNode, KeywordRoute, MenuOption,
    MenuStyle, NodeType, Section,
};
use crate::model::reader::{AtNode, Inside, Reader, Site};
use crate::source::{self, Format, NodeId, Tree, Value};

/// WhatsApp's cap on reply buttons: RapidPro sends up to this many quick replies as buttons,
/// more as a list (courier's WhatsApp handler).
const MAX_BUTTONS: usize = 3;

fn is_map(tree: &Tree, node: NodeId) -> bool {
    matches!(tree.value(node), Value::Map(_))
}

fn has(tree: &Tree, node: NodeId, key: &str) -> bool {
    tree.get(node, key).is_some()
}

/// A flow definition: the current spec (`uuid` + `nodes`) or the legacy one.
fn is_flow(tree: &Tree, node: NodeId) -> bool {
    is_map(tree, node)
        && ((has(tree, node, "uuid") && has(tree, node, "nodes"))
            || (has(tree, node, "action_sets") && has(tree, node, "rule_sets")))
}

/// Glific's `{definition, keywords}` or a flow itself.
fn flow_of_item(tree: &Tree, item: NodeId) -> Option<NodeId> {
    if is_flow(tree, item) {
        return Some(item);
    }
    tree.get(item, "definition").filter(|&d| is_flow(tree, d))
}

pub(super) fn recognise(tree: &Tree, root: NodeId) -> bool {
    if !is_map(tree, root) {
        return false;
    }
    if is_flow(tree, root) {
        return true;
    }
    tree.get(root, "flows")
        .and_then(|flows| tree.items(flows).first().copied())
        .is_some_and(|first| flow_of_item(tree, first).is_some())
}

pub(super) fn read(r: &mut Reader, root: NodeId) -> Vec<ConversationFlow> {
    if is_flow(r.tree, root) {
        let mut flows = vec![read_flow(r, root, Vec::new())];
        judge_together(&mut flows);
        return flows;
    }
    let tree = r.tree;
    // Keyword triggers start a flow from anywhere: `{trigger_type: K, keyword, flow: {uuid}}`.
    let mut triggers: HashMap<String, Vec<AtNode<String>>> = HashMap::new();
    if let Some(list) = tree.get(root, "triggers") {
        for &trigger in tree.items(list) {
            let keyword_trigger = tree
                .get(trigger, "trigger_type")
                .and_then(|t| tree.as_str(t))
                .is_some_and(|t| t == "K" || t == "keyword");
            let flow = tree
                .get(trigger, "flow")
                .and_then(|f| tree.get(f, "uuid"))
                .and_then(|u| tree.as_str(u));
            let keyword = tree
                .get(trigger, "keyword")
                .and_then(|k| Some(AtNode::new(tree.as_str(k)?.to_string(), k)));
            if let (true, Some(flow), Some(keyword)) = (keyword_trigger, flow, keyword) {
                triggers.entry(flow.to_string()).or_default().push(keyword);
            }
        }
    }
    let Some(list) = r.field(root, "flows") else {
        return Vec::new();
    };
    let mut flows = Vec::new();
    for (i, item) in r
        .expect_seq(list, "flows")
        .unwrap_or_default()
        .into_iter()
        .enumerate()
    {
        let Some(flow) = flow_of_item(tree, item) else {
            r.problem(
                At::Node(item),
                format!(
                    "flow {} of the export is not a flow definition: it needs `uuid` and `nodes`",
                    i + 1
                ),
            );
            continue;
        };
        // Glific: `keywords: ["consent"]` next to the definition.
        let mut keywords: Vec<AtNode<String>> = tree
            .get(item, "keywords")
            .map(|k| tree.items(k))
            .unwrap_or_default()
            .iter()
            .filter_map(|&k| Some(AtNode::new(tree.as_str(k)?.to_string(), k)))
            .collect();
        if let Some(uuid) = tree.get(flow, "uuid").and_then(|u| tree.as_str(u)) {
            keywords.extend(triggers.remove(uuid).unwrap_or_default());
        }
        flows.push(read_flow(r, flow, keywords));
    }
    judge_together(&mut flows);
    flows
}

/// The flows of one export reach a person together (see [`Escalation`]).
pub(super) fn judge_together(flows: &mut [ConversationFlow]) {
    let any = |f: fn(&FlowNode) -> bool| flows.iter().any(|flow| flow.nodes.iter().any(f));
    let hands_off = any(|n| n.is(NodeType::Handoff));
    let waits = any(|n| matches!(n.node_type(), Some(NodeType::Menu | NodeType::Input)));
    let count = flows.len();
    for (i, flow) in flows.iter_mut().enumerate() {
        flow.escalation = Escalation::Export {
            flows: count,
            first: i == 0,
            hands_off,
            waits,
        };
    }
}

/// A step with only its id, node and kind.
/// Links each of `steps` (the steps one export node became, never none) to the one after
/// it, and gives the index of the last, which leads where the export node's exit does.
fn chain(steps: &mut [FlowNode]) -> usize {
    for i in 1..steps.len() {
        steps[i - 1].next = Some(AtNode::new(steps[i].id.clone(), steps[i].node));
    }
    steps.len().saturating_sub(1)
}

fn step(id: String, node: NodeId, kind: Option<AtNode<NodeType>>) -> FlowNode {
    FlowNode {
        kind,
        ..FlowNode::new(id, node)
    }
}

fn kind(value: NodeType, node: NodeId) -> Option<AtNode<NodeType>> {
    Some(AtNode::new(value, node))
}

fn read_flow(r: &mut Reader, flow: NodeId, keywords: Vec<AtNode<String>>) -> ConversationFlow {
    let name = r.string(flow, "name");
    let mut lowered = Lowered::default();
    if r.field(flow, "nodes").is_some() {
        read_nodes(r, flow, &mut lowered);
    } else {
        read_legacy(r, flow, &mut lowered);
    }
    let keywords = match &lowered.entry {
        Some(entry) => keywords
            .into_iter()
            .map(|word| KeywordRoute {
                word: word.value,
                target: AtNode::new(entry.value.clone(), word.node),
            })
            .collect(),
        None => Vec::new(),
    };
    ConversationFlow::new(
        Dialect::RapidPro,
        flow,
        name,
        lowered.entry,
        None,
        keywords,
        lowered.steps,
    )
}

#[derive(Default)]
struct Lowered {
    entry: Option<AtNode<String>>,
    steps: Vec<FlowNode>,
    /// Quick replies of a node's last message, by the node its exit leads to: the
    /// question there reads the answer (RapidPro's "send message" then "wait for response").
    offers: HashMap<String, Offered>,
}

/// A node's exits by uuid: where each leads (`None`: the flow ends there) and the value that
/// says so.
struct Exits(HashMap<String, (Option<AtNode<String>>, NodeId)>);

impl Exits {
    fn read(r: &mut Reader, node: NodeId) -> (Exits, Vec<NodeId>) {
        let mut by_uuid = HashMap::new();
        let mut order = Vec::new();
        let items = r
            .field(node, "exits")
            .and_then(|e| r.expect_seq(e, "exits"))
            .unwrap_or_default();
        for exit in items {
            if !r.is_map(exit) {
                continue;
            }
            order.push(exit);
            let destination = r.string(exit, "destination_uuid");
            let uuid = r.string(exit, "uuid").map(|u| u.value).unwrap_or_default();
            let at = r.field(exit, "destination_uuid").unwrap_or(exit);
            by_uuid.entry(uuid).or_insert((destination, at));
        }
        (Exits(by_uuid), order)
    }

    fn get(&self, uuid: &str) -> Option<&(Option<AtNode<String>>, NodeId)> {
        self.0.get(uuid)
    }
}

/// Quick replies a message offers, waiting for the router that reads the answer.
struct Offered {
    /// How they are sent, at the value that decides it.
    style: AtNode<MenuStyle>,
    /// Where the choices are written: `quick_replies`, an interactive message's `options` or
    /// `items`.
    list: Site,
    options: Vec<MenuOption>,
    sections: Vec<Section>,
    button: Option<AtNode<String>>,
}

fn read_nodes(r: &mut Reader, flow: NodeId, out: &mut Lowered) {
    let Some(list) = r.field(flow, "nodes") else {
        return;
    };
    let items = r.expect_seq(list, "nodes").unwrap_or_default();
    for (i, node) in items.into_iter().enumerate() {
        let Some(node) = r.expect_map(node, "nodes[]") else {
            continue;
        };
        let Some(uuid) = r.required_string(node, "uuid", &format!("node {} of the flow", i + 1))
        else {
            continue;
        };
        if out.entry.is_none() {
            out.entry = Some(uuid.clone());
        }
        read_node(r, node, uuid.value, out);
    }
    for question in &mut out.steps {
        if question.is(NodeType::Input) {
            if let Some(offered) = out.offers.remove(&question.id) {
                offer(question, offered);
            }
        }
    }
}

fn read_node(r: &mut Reader, node: NodeId, uuid: String, out: &mut Lowered) {
    let first = out.steps.len();
    let id = |n: usize| {
        if n == 0 {
            uuid.clone()
        } else {
            format!("{uuid}#{}", n + 1)
        }
    };
    let mut offered: Option<Offered> = None;
    let actions = r
        .field(node, "actions")
        .and_then(|a| r.expect_seq(a, "actions"))
        .unwrap_or_default();
    for action in actions {
        if !r.is_map(action) {
            continue;
        }
        let n = out.steps.len() - first;
        if let Some(lowered) = read_action(r, action, id(n), &mut offered) {
            out.steps.push(lowered);
        }
    }
    let (exits, order) = Exits::read(r, node);
    let router = r.field(node, "router").filter(|&n| r.is_map(n));
    let mut timeout = None;
    if let Some(router) = router {
        let n = out.steps.len() - first;
        let (mut lowered, pause) = read_router(r, router, id(n), &exits, offered.take());
        // After `open_ticket` the router only tells whether the ticket opened: part of the
        // handoff, not a step of the conversation.
        if out.steps[first..].iter().any(|s| s.is(NodeType::Handoff)) {
            lowered.kind = None;
        }
        out.steps.push(lowered);
        timeout = pause;
    } else if out.steps.len() == first {
        // Only actions walint does not read (webhooks, fields, subflows): a step that passes on.
        out.steps.push(step(id(0), node, None));
    }
    // Chain the steps of this node; the last one leads where the node's exit does.
    let last = chain(&mut out.steps[first..]) + first;
    out.steps.extend(timeout);
    if router.is_none() {
        let exit = order
            .first()
            .and_then(|&e| {
                let uuid = r.tree.get(e, "uuid").and_then(|u| r.tree.as_str(u))?;
                exits.get(uuid).cloned()
            })
            .or_else(|| {
                let e = *order.first()?;
                Some((None, r.tree.get(e, "destination_uuid").unwrap_or(e)))
            });
        let step = &mut out.steps[last];
        match exit {
            Some((Some(destination), _)) => {
                if let Some(offered) = offered {
                    out.offers
                        .entry(destination.value.clone())
                        .or_insert(offered);
                }
                step.next = Some(destination);
            }
            Some((None, at)) => step.ends = Some(at),
            None => step.ends = Some(node),
        }
    }
}

/// The name of the Meta template a `send_msg` sends: `template.name` (spec 13.5 on) or
/// `templating.template.name` (before). RapidPro names no language: the channel picks the
/// contact's.
fn template_name(r: &mut Reader, action: NodeId) -> Option<AtNode<String>> {
    let tree = r.tree;
    let map = |node: Option<NodeId>| node.filter(|&n| is_map(tree, n));
    let template = map(tree.get(action, "template")).or_else(|| {
        map(map(tree.get(action, "templating")).and_then(|t| tree.get(t, "template")))
    })?;
    r.string(template, "name")
}

/// A `text` that is a string, and its node.
fn text(r: &mut Reader, action: NodeId) -> Option<AtNode<String>> {
    r.string(action, "text")
}

fn read_action(
    r: &mut Reader,
    action: NodeId,
    id: String,
    offered: &mut Option<Offered>,
) -> Option<FlowNode> {
    let tree = r.tree;
    let kind_of = tree.get(action, "type").and_then(|t| tree.as_str(t))?;
    let type_node = tree.get(action, "type")?;
    match kind_of {
        "send_msg" => {
            let templated = ["templating", "template"]
                .iter()
                .any(|k| tree.get(action, k).is_some_and(|t| is_map(tree, t)));
            let mut lowered = step(
                id,
                action,
                kind(
                    if templated {
                        NodeType::Template
                    } else {
                        NodeType::Message
                    },
                    type_node,
                ),
            );
            lowered.text = text(r, action);
            if templated {
                lowered.template_name = template_name(r, action);
            }
            let replies = quick_replies(r, action);
            if !replies.is_empty() {
                let list = tree.get(action, "quick_replies").unwrap_or(action);
                let style = if replies.len() > MAX_BUTTONS {
                    MenuStyle::List
                } else {
                    MenuStyle::Buttons
                };
                *offered = Some(Offered {
                    style: AtNode::new(style, list),
                    list: Site::node(list),
                    options: replies,
                    sections: Vec::new(),
                    button: None,
                });
            }
            Some(lowered)
        }
        "send_interactive_msg" => {
            let mut lowered = step(id, action, kind(NodeType::Message, type_node));
            let text = text(r, action)?;
            match interactive(r, &text) {
                Some((body, menu)) => {
                    lowered.text = body;
                    if menu.options.len() + menu.sections.len() > 0 {
                        *offered = Some(menu);
                    }
                }
                None => lowered.text = Some(text),
            }
            Some(lowered)
        }
        "open_ticket" => Some(step(id, action, kind(NodeType::Handoff, type_node))),
        "set_contact_status" => {
            let stopped = tree
                .get(action, "status")
                .and_then(|s| tree.as_str(s))
                .is_some_and(|s| s.eq_ignore_ascii_case("stopped"));
            stopped.then(|| step(id, action, kind(NodeType::OptOut, type_node)))
        }
        // Glific's consent conventions: the `settings` field set to optin/optout, or the
        // contact added to an opt-in/opt-out group.
        "set_contact_field" => {
            let settings = tree
                .get(action, "field")
                .and_then(|f| tree.get(f, "key"))
                .and_then(|k| tree.as_str(k))
                .is_some_and(|k| k == "settings");
            let value = tree.get(action, "value").and_then(|v| tree.as_str(v));
            consent(value.filter(|_| settings)).map(|k| step(id, action, kind(k, type_node)))
        }
        "add_contact_groups" => {
            let groups = tree
                .get(action, "groups")
                .map(|g| tree.items(g))
                .unwrap_or_default();
            let names = groups
                .iter()
                .filter_map(|&g| tree.get(g, "name").and_then(|n| tree.as_str(n)));
            names
                .filter_map(|n| consent(Some(n)))
                .next()
                .map(|k| step(id, action, kind(k, type_node)))
        }
        _ => None,
    }
}

/// `optin`, `Opt-in contacts`: consent given or withdrawn.
fn consent(text: Option<&str>) -> Option<NodeType> {
    let folded: String = text?
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    if folded.starts_with("optin") {
        Some(NodeType::OptIn)
    } else if folded.starts_with("optout") {
        Some(NodeType::OptOut)
    } else {
        None
    }
}

/// `quick_replies`: strings, or (spec 14) `{text}` objects.
fn quick_replies(r: &mut Reader, action: NodeId) -> Vec<MenuOption> {
    let tree = r.tree;
    let Some(list) = tree.get(action, "quick_replies") else {
        return Vec::new();
    };
    tree.items(list)
        .iter()
        .filter_map(|&item| {
            let node = if is_map(tree, item) {
                tree.get(item, "text")?
            } else {
                item
            };
            Some(MenuOption {
                node: item,
                inside: None,
                title: Some(AtNode::new(tree.as_str(node)?.to_string(), node)),
                description: None,
                next: None,
            })
        })
        .collect()
}

/// Glific's interactive message, a JSON text in the action's `text`: its body and the
/// choices it offers, each value placed where it is written inside the `text` string.
/// `None` when the text is not JSON (a plain message); a JSON text that does not parse is a
/// schema problem at the place it stops.
fn interactive(r: &mut Reader, text: &AtNode<String>) -> Option<(Option<AtNode<String>>, Offered)> {
    if !text.value.trim_start().starts_with('{') {
        return None;
    }
    let inner = match source::parse(&text.value, Format::Json) {
        Ok(tree) => tree,
        Err(failure) => {
            let end = failure
                .span
                .end
                .max(failure.span.start + 1)
                .min(text.value.len());
            r.problem(
                At::InString(text.node, failure.span.start.min(end), end),
                format!(
                    "the `text` of this send_interactive_msg is not valid interactive message JSON: {}",
                    failure.message
                ),
            );
            return None;
        }
    };
    let root = *inner.documents.first()?;
    // The inner tree's spans are bytes of the `text` string's value.
    let site = |node: NodeId| Site {
        node: text.node,
        inside: Some(Inside {
            value: inner.span(node),
            key: inner.key_span(node),
        }),
    };
    let string = |map: NodeId, key: &str| {
        let value = inner.get(map, key)?;
        Some(AtNode::at_site(
            inner.as_str(value)?.to_string(),
            site(value),
        ))
    };
    let option = |o: NodeId| MenuOption {
        node: text.node,
        inside: site(o).inside,
        title: string(o, "title"),
        description: string(o, "description"),
        next: None,
    };
    let items = |list: Option<NodeId>| list.map(|l| inner.items(l)).unwrap_or_default();
    let kind = inner.get(root, "type");
    let list = kind.and_then(|k| inner.as_str(k)) == Some("list");
    let style = AtNode::at_site(
        if list {
            MenuStyle::List
        } else {
            MenuStyle::Buttons
        },
        site(kind.unwrap_or(root)),
    );
    if list {
        let written = inner.get(root, "items");
        let sections = items(written)
            .iter()
            .map(|&section| Section {
                node: text.node,
                inside: site(section).inside,
                title: string(section, "title"),
                options: items(inner.get(section, "options"))
                    .iter()
                    .map(|&o| option(o))
                    .collect(),
            })
            .collect();
        let button = items(inner.get(root, "globalButtons"))
            .first()
            .and_then(|&b| string(b, "title"));
        return Some((
            string(root, "body"),
            Offered {
                style,
                list: site(written.unwrap_or(root)),
                options: Vec::new(),
                sections,
                button,
            },
        ));
    }
    let body = inner.get(root, "content").and_then(|c| string(c, "text"));
    let written = inner.get(root, "options");
    let options = items(written).iter().map(|&o| option(o)).collect();
    Some((
        body,
        Offered {
            style,
            list: site(written.unwrap_or(root)),
            options,
            sections: Vec::new(),
            button: None,
        },
    ))
}

/// The choices a message offers, on the question that reads the answer: a menu.
fn offer(question: &mut FlowNode, offered: Offered) {
    if let Some(kind) = &mut question.kind {
        kind.value = NodeType::Menu;
    }
    question.style = Some(offered.style);
    if offered.sections.is_empty() {
        question.options = Some(AtNode::at_site(offered.options, offered.list));
    } else {
        question.sections = Some(AtNode::at_site(offered.sections, offered.list));
    }
    question.button = offered.button;
}

/// `86400` seconds as `1d`, for messages.
fn duration_text(seconds: u64) -> String {
    match seconds {
        s if s > 0 && s % Duration::DAY == 0 => format!("{}d", s / Duration::DAY),
        s if s > 0 && s % 3600 == 0 => format!("{}h", s / 3600),
        s if s > 0 && s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

fn read_router(
    r: &mut Reader,
    router: NodeId,
    id: String,
    exits: &Exits,
    offered: Option<Offered>,
) -> (FlowNode, Option<FlowNode>) {
    let tree = r.tree;
    let wait = tree.get(router, "wait").filter(|&w| is_map(tree, w));
    let has_cases = tree
        .get(router, "cases")
        .is_some_and(|c| !tree.items(c).is_empty());
    let default = tree
        .get(router, "default_category_uuid")
        .and_then(|d| tree.as_str(d));
    let timeout_category = wait
        .and_then(|w| tree.get(w, "timeout"))
        .and_then(|t| tree.get(t, "category_uuid"))
        .and_then(|c| tree.as_str(c));
    let type_node = tree.get(router, "type").unwrap_or(router);
    let node_type = match (wait, &offered) {
        (Some(_), Some(_)) => NodeType::Menu,
        (Some(_), None) => NodeType::Input,
        (None, _) => NodeType::Condition,
    };
    let mut lowered = step(id.clone(), router, kind(node_type, type_node));
    if let Some(offered) = offered {
        offer(&mut lowered, offered);
    }
    let categories = r
        .field(router, "categories")
        .and_then(|c| r.expect_seq(c, "categories"))
        .unwrap_or_default();
    let mut all_end = true;
    let mut first_end = None;
    let mut timeout_step = None;
    for category in categories {
        if !r.is_map(category) {
            continue;
        }
        let uuid = tree.get(category, "uuid").and_then(|u| tree.as_str(u));
        let name = r.string(category, "name");
        let Some(exit_uuid) = r.string(category, "exit_uuid") else {
            continue;
        };
        let Some((destination, at)) = exits.get(&exit_uuid.value).cloned() else {
            r.problem(
                At::Node(exit_uuid.node),
                format!(
                    "category `{}` leads to exit `{}`, which is not an exit of this node",
                    name.as_ref().map_or("", |n| n.value.as_str()),
                    exit_uuid.value
                ),
            );
            continue;
        };
        if destination.is_some() {
            all_end = false;
        } else if first_end.is_none() {
            first_end = Some(at);
        }
        if uuid.is_some() && uuid == timeout_category {
            // The timeout of the wait: a step of its own, then where its category leads.
            if let Some(timeout) = wait.and_then(|w| tree.get(w, "timeout")) {
                let seconds = r.unsigned(timeout, "seconds");
                let mut pause = step(
                    format!("{id}#timeout"),
                    timeout,
                    kind(NodeType::Wait, timeout),
                );
                pause.duration = seconds.map(|s| {
                    s.map(|seconds| Duration {
                        seconds,
                        text: duration_text(seconds),
                    })
                });
                match destination {
                    Some(destination) => pause.next = Some(destination),
                    None => pause.ends = Some(at),
                }
                lowered.branches.push(Branch {
                    node: category,
                    when: name,
                    next: Some(AtNode::new(pause.id.clone(), timeout)),
                });
                timeout_step = Some(pause);
                continue;
            }
        }
        if uuid.is_some() && uuid == default && wait.is_some() {
            // `Other` (or, without cases, `All Responses`): what any other answer does.
            if !has_cases {
                lowered.next = destination.clone();
            }
            lowered.fallback = destination;
            continue;
        }
        if uuid.is_some() && uuid == default {
            lowered.otherwise = destination;
            continue;
        }
        lowered.branches.push(Branch {
            node: category,
            when: name,
            next: destination,
        });
    }
    // A condition whose every category ends the flow ends it; a question that ignores every
    // answer is a dead end walint reports.
    if all_end && wait.is_none() {
        lowered.ends = first_end.or(Some(router));
    }
    (lowered, timeout_step)
}

/// Legacy flows (before spec 11): `action_sets` (messages, `destination`) and `rule_sets`
/// (`wait_message` questions and expressions, each rule a category with a `destination`).
fn read_legacy(r: &mut Reader, flow: NodeId, out: &mut Lowered) {
    let tree = r.tree;
    let language = tree
        .get(flow, "base_language")
        .and_then(|l| tree.as_str(l))
        .map(str::to_string);
    out.entry = r.string(flow, "entry");
    let destination = |r: &mut Reader, map: NodeId| -> Result<AtNode<String>, NodeId> {
        r.string(map, "destination")
            .ok_or_else(|| tree.get(map, "destination").unwrap_or(map))
    };
    let sets = r
        .field(flow, "action_sets")
        .and_then(|a| r.expect_seq(a, "action_sets"))
        .unwrap_or_default();
    for set in sets {
        let Some(uuid) = r.required_string(set, "uuid", "action set") else {
            continue;
        };
        let first = out.steps.len();
        let actions = tree
            .get(set, "actions")
            .map(|a| tree.items(a))
            .unwrap_or_default();
        for &action in actions {
            let type_node = tree.get(action, "type");
            let kind_of = type_node.and_then(|t| tree.as_str(t));
            if !matches!(kind_of, Some("reply" | "send")) {
                continue;
            }
            let n = out.steps.len() - first;
            let id = if n == 0 {
                uuid.value.clone()
            } else {
                format!("{}#{}", uuid.value, n + 1)
            };
            let mut lowered = step(
                id,
                action,
                kind(NodeType::Message, type_node.unwrap_or(action)),
            );
            lowered.text = legacy_text(tree, action, language.as_deref());
            out.steps.push(lowered);
        }
        if out.steps.len() == first {
            out.steps.push(step(uuid.value.clone(), set, None));
        }
        let last = chain(&mut out.steps[first..]) + first;
        match destination(r, set) {
            Ok(next) => out.steps[last].next = Some(next),
            Err(at) => out.steps[last].ends = Some(at),
        }
    }
    let rule_sets = r
        .field(flow, "rule_sets")
        .and_then(|a| r.expect_seq(a, "rule_sets"))
        .unwrap_or_default();
    for set in rule_sets {
        let Some(uuid) = r.required_string(set, "uuid", "rule set") else {
            continue;
        };
        let type_node = tree.get(set, "ruleset_type").unwrap_or(set);
        let waits = tree
            .as_str(type_node)
            .is_some_and(|t| t.starts_with("wait_"));
        let mut lowered = step(
            uuid.value,
            set,
            kind(
                if waits {
                    NodeType::Input
                } else {
                    NodeType::Condition
                },
                type_node,
            ),
        );
        let rules = tree
            .get(set, "rules")
            .map(|x| tree.items(x))
            .unwrap_or_default();
        let mut all_end = true;
        for &rule in rules {
            let catch_all = tree
                .get(rule, "test")
                .and_then(|t| tree.get(t, "type"))
                .and_then(|t| tree.as_str(t))
                .is_some_and(|t| t == "true");
            let next = destination(r, rule).ok();
            all_end &= next.is_none();
            if catch_all {
                if waits {
                    if rules.len() == 1 {
                        lowered.next = next.clone();
                    }
                    lowered.fallback = next;
                } else {
                    lowered.otherwise = next;
                }
                continue;
            }
            let when = tree.get(rule, "category").and_then(|c| {
                legacy_translation(tree, c, language.as_deref())
                    .map(|(value, node)| AtNode::new(value, node))
            });
            lowered.branches.push(Branch {
                node: rule,
                when,
                next,
            });
        }
        if all_end && !waits {
            lowered.ends = Some(set);
        }
        out.steps.push(lowered);
    }
}

/// A legacy `msg`: a text, or its translations by language (the base language's first).
fn legacy_text(tree: &Tree, action: NodeId, language: Option<&str>) -> Option<AtNode<String>> {
    let msg = tree.get(action, "msg")?;
    legacy_translation(tree, msg, language).map(|(value, node)| AtNode::new(value, node))
}

fn legacy_translation(
    tree: &Tree,
    node: NodeId,
    language: Option<&str>,
) -> Option<(String, NodeId)> {
    if let Some(text) = tree.as_str(node) {
        return Some((text.to_string(), node));
    }
    let chosen = language
        .and_then(|l| tree.get(node, l))
        .or_else(|| tree.get(node, "base"))
        .or_else(|| tree.entries(node).first().map(|e| e.value))?;
    Some((tree.as_str(chosen)?.to_string(), chosen))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats;
    use crate::model::flow::Via;
    use crate::model::Document;
    use crate::source::parse;

    const EXPORT: &str = r#"{"version": "13", "flows": [{
  "uuid": "f1", "name": "Help", "spec_version": "13.1.0", "nodes": [
    {"uuid": "ask", "actions": [
        {"type": "send_msg", "uuid": "m1", "text": "Hi!"},
        {"type": "send_msg", "uuid": "m2", "text": "Need a person?", "quick_replies": ["Yes", "No"]}],
     "exits": [{"uuid": "e1", "destination_uuid": "wait"}]},
    {"uuid": "wait", "router": {"type": "switch", "wait": {"type": "msg", "timeout": {"seconds": 86400, "category_uuid": "c4"}},
        "default_category_uuid": "c3",
        "cases": [{"uuid": "k1", "type": "has_any_word", "arguments": ["yes"], "category_uuid": "c1"}],
        "categories": [
          {"uuid": "c1", "name": "Yes", "exit_uuid": "x1"},
          {"uuid": "c2", "name": "No", "exit_uuid": "x2"},
          {"uuid": "c3", "name": "Other", "exit_uuid": "x3"},
          {"uuid": "c4", "name": "No Response", "exit_uuid": "x4"}]},
     "exits": [{"uuid": "x1", "destination_uuid": "ticket"}, {"uuid": "x2", "destination_uuid": null},
               {"uuid": "x3", "destination_uuid": "ask"}, {"uuid": "x4", "destination_uuid": "ask"}]},
    {"uuid": "ticket", "actions": [{"type": "open_ticket", "uuid": "t1", "body": "help"}],
     "exits": [{"uuid": "x5"}]}
  ]}],
  "triggers": [{"trigger_type": "K", "keyword": "help", "flow": {"uuid": "f1", "name": "Help"}}]}"#;

    fn flows(text: &str) -> (Tree, Vec<ConversationFlow>, Vec<String>) {
        let tree = parse(text, Format::Json).unwrap();
        let contents = formats::read(&tree);
        let flows = contents
            .documents
            .into_iter()
            .filter_map(|d| match d {
                Document::Flow(f) => Some(f),
                _ => None,
            })
            .collect();
        let problems = contents.problems.into_iter().map(|p| p.message).collect();
        (tree, flows, problems)
    }

    #[test]
    fn an_export_lowers_into_steps_edges_and_an_entry() {
        let (tree, flows, problems) = flows(EXPORT);
        assert!(problems.is_empty(), "{problems:?}");
        let [flow] = flows.as_slice() else {
            panic!("{flows:?}")
        };
        assert_eq!(flow.dialect, Dialect::RapidPro);
        assert_eq!(flow.entry.as_ref().unwrap().value, "ask");
        let steps: Vec<(&str, Option<NodeType>)> = flow
            .nodes
            .iter()
            .map(|n| (n.id.as_str(), n.node_type()))
            .collect();
        assert_eq!(
            steps,
            [
                ("ask", Some(NodeType::Message)),
                ("ask#2", Some(NodeType::Message)),
                ("wait", Some(NodeType::Menu)),
                ("wait#timeout", Some(NodeType::Wait)),
                ("ticket", Some(NodeType::Handoff)),
            ]
        );
        let edges = |i: usize| -> Vec<(Via, &str)> {
            flow.nodes[i]
                .edges()
                .map(|(via, t)| (via, t.value.as_str()))
                .collect()
        };
        assert_eq!(edges(0), [(Via::Next, "ask#2")]);
        assert_eq!(edges(1), [(Via::Next, "wait")]);
        assert_eq!(
            edges(2),
            [
                (Via::Fallback, "ask"),
                (Via::Branch(0), "ticket"),
                (Via::Branch(2), "wait#timeout"),
            ]
        );
        assert_eq!(edges(3), [(Via::Next, "ask")]);
        assert!(edges(4).is_empty());
        // The edge is the `destination_uuid` value; a null one ends the flow there.
        assert_eq!(
            tree.pointer(flow.nodes[1].next.as_ref().unwrap().node),
            "/flows/0/nodes/0/exits/0/destination_uuid"
        );
        assert_eq!(flow.nodes[2].branches[1].next, None);
        assert!(flow.nodes[4].ends.is_some());
        // The quick replies of the message are the menu's options, sent as buttons.
        let menu = &flow.nodes[2];
        let titles: Vec<&str> = menu
            .all_options()
            .filter_map(|o| o.title.as_ref())
            .map(|t| t.value.as_str())
            .collect();
        assert_eq!(titles, ["Yes", "No"]);
        assert_eq!(menu.menu_style(), MenuStyle::Buttons);
        assert_eq!(
            flow.nodes[3]
                .duration
                .as_ref()
                .map(|d| d.value.text.as_str()),
            Some("1d")
        );
        let keyword = &flow.keywords[0];
        assert_eq!(
            (keyword.word.as_str(), keyword.target.value.as_str()),
            ("help", "ask")
        );
        assert_eq!(tree.pointer(keyword.target.node), "/triggers/0/keyword");
    }

    #[test]
    fn more_than_three_quick_replies_are_a_list() {
        let replies: Vec<String> = (1..=4).map(|i| format!("\"{i}\"")).collect();
        let text = format!(
            r#"{{"uuid": "f", "nodes": [
  {{"uuid": "a", "actions": [{{"type": "send_msg", "text": "Pick", "quick_replies": [{}]}}], "router": {{"type": "switch", "wait": {{"type": "msg"}}, "categories": []}}, "exits": []}}]}}"#,
            replies.join(", ")
        );
        let (_, flows, _) = flows(&text);
        assert_eq!(flows[0].nodes[1].menu_style(), MenuStyle::List);
    }

    #[test]
    fn a_template_is_named_before_and_after_spec_13_5() {
        let text = r#"{"uuid": "f", "nodes": [
  {"uuid": "a", "actions": [
    {"type": "send_msg", "text": "Hi", "templating": {"uuid": "t", "template": {"uuid": "u", "name": "affirmation"}, "variables": []}},
    {"type": "send_msg", "text": "Hi", "template": {"uuid": "u", "name": "spring_sale"}, "template_variables": []},
    {"type": "send_msg", "text": "Hi", "templating": null}],
   "exits": [{"uuid": "x"}]}]}"#;
        let (tree, flows, problems) = flows(text);
        assert!(problems.is_empty(), "{problems:?}");
        let names: Vec<Option<(&str, String)>> = flows[0]
            .nodes
            .iter()
            .map(|n| {
                let name = n.template_name.as_ref()?;
                Some((name.value.as_str(), tree.pointer(name.node)))
            })
            .collect();
        assert_eq!(
            names,
            [
                Some((
                    "affirmation",
                    "/nodes/0/actions/0/templating/template/name".into()
                )),
                Some(("spring_sale", "/nodes/0/actions/1/template/name".into())),
                None
            ]
        );
        assert!(
            flows[0].nodes[0].is(NodeType::Template) && flows[0].nodes[2].is(NodeType::Message)
        );
    }

    #[test]
    fn glific_interactive_messages_and_consent() {
        let text = r#"{"name": "optin", "uuid": "f", "nodes": [
  {"uuid": "a", "actions": [{"type": "send_interactive_msg", "text": "{\"type\":\"quick_reply\",\"content\":{\"type\":\"text\",\"text\":\"OK?\"},\"options\":[{\"type\":\"text\",\"title\":\"Yes\"}]}"}],
   "exits": [{"uuid": "e", "destination_uuid": "b"}]},
  {"uuid": "b", "router": {"type": "switch", "wait": {"type": "msg"}, "default_category_uuid": "c", "categories": [{"uuid": "c", "name": "All Responses", "exit_uuid": "x"}]},
   "exits": [{"uuid": "x", "destination_uuid": "c"}]},
  {"uuid": "c", "actions": [{"type": "set_contact_field", "field": {"key": "settings", "name": "Settings"}, "value": "optin"},
                            {"type": "add_contact_groups", "groups": [{"name": "Optout contacts"}]}],
   "exits": [{"uuid": "y", "destination_uuid": null}]}]}"#;
        let (tree, flows, problems) = flows(text);
        assert!(problems.is_empty(), "{problems:?}");
        let flow = &flows[0];
        let kinds: Vec<Option<NodeType>> = flow.nodes.iter().map(FlowNode::node_type).collect();
        assert_eq!(
            kinds,
            [
                Some(NodeType::Message),
                Some(NodeType::Menu),
                Some(NodeType::OptIn),
                Some(NodeType::OptOut)
            ]
        );
        assert_eq!(flow.nodes[0].text.as_ref().unwrap().value, "OK?");
        let option = flow.nodes[1].all_options().next().unwrap();
        let title = option.title.as_ref().unwrap();
        assert_eq!(title.value, "Yes");
        // At the `text` string, and inside it at the title as the JSON text writes it.
        assert_eq!(tree.pointer(title.node), "/nodes/0/actions/0/text");
        let json = tree.as_str(title.node).unwrap();
        let written = |inside: Option<Inside>| {
            let span = inside.unwrap().value;
            &json[span.start..span.end]
        };
        assert_eq!(written(title.inside), "\"Yes\"");
        assert_eq!(written(option.inside), r#"{"type":"text","title":"Yes"}"#);
        let menu = &flow.nodes[1];
        assert_eq!(
            written(menu.style.as_ref().unwrap().inside),
            "\"quick_reply\""
        );
        let options = menu.options.as_ref().unwrap().inside.unwrap();
        assert_eq!(
            &json[options.key.unwrap().start..options.key.unwrap().end],
            "\"options\""
        );
        // "All Responses" without cases: any answer goes on.
        assert_eq!(flow.nodes[1].next.as_ref().unwrap().value, "c");
        assert_eq!(flow.nodes[1].fallback.as_ref().unwrap().value, "c");
    }

    /// A `text` that starts like JSON but does not parse is a schema problem where the
    /// JSON text stops, inside the string.
    #[test]
    fn a_glific_text_that_is_not_json_is_a_problem_where_it_stops() {
        let text = r#"{"uuid": "f", "nodes": [{"uuid": "a", "actions": [{"type": "send_interactive_msg", "text": "{\"type\":\"list\",,}"}], "exits": []}]}"#;
        let tree = parse(text, Format::Json).unwrap();
        let contents = formats::read(&tree);
        let [problem] = contents.problems.as_slice() else {
            panic!("{:?}", contents.problems)
        };
        let node = tree
            .lookup(tree.documents[0], "/nodes/0/actions/0/text")
            .unwrap();
        assert!(
            problem
                .message
                .contains("not valid interactive message JSON"),
            "{problem:?}"
        );
        let At::InString(at, start, end) = problem.at else {
            panic!("{problem:?}")
        };
        assert_eq!((at, &tree.as_str(node).unwrap()[start..end]), (node, ","));
    }

    #[test]
    fn legacy_action_and_rule_sets() {
        let text = r#"{"version": 7, "base_language": "eng", "entry": "a",
  "action_sets": [{"uuid": "a", "destination": "r", "actions": [{"type": "reply", "msg": {"eng": "How many?"}}]},
                  {"uuid": "bye", "destination": null, "actions": [{"type": "reply", "msg": {"eng": "Bye"}}]}],
  "rule_sets": [{"uuid": "r", "ruleset_type": "wait_message", "rules": [
      {"test": {"type": "between", "min": "1", "max": "8"}, "category": {"eng": "1 - 8"}, "destination": "bye"},
      {"test": {"type": "true"}, "category": {"eng": "Other"}, "destination": "a"}]}]}"#;
        let (_, flows, problems) = flows(text);
        assert!(problems.is_empty(), "{problems:?}");
        let flow = &flows[0];
        assert_eq!(flow.entry.as_ref().unwrap().value, "a");
        let a = &flow.nodes[0];
        assert_eq!(a.text.as_ref().unwrap().value, "How many?");
        assert_eq!(a.next.as_ref().unwrap().value, "r");
        assert!(flow.nodes[1].ends.is_some());
        let r = &flow.nodes[2];
        assert!(r.is(NodeType::Input));
        assert_eq!(r.fallback.as_ref().unwrap().value, "a");
        assert_eq!(r.branches[0].when.as_ref().unwrap().value, "1 - 8");
    }

    #[test]
    fn a_node_without_uuid_is_a_schema_problem_and_the_rest_is_read() {
        let text = r#"{"uuid": "f", "nodes": [{"actions": []}, {"uuid": "b", "actions": [], "exits": []}]}"#;
        let (_, flows, problems) = flows(text);
        assert_eq!(
            problems,
            ["node 1 of the flow is missing the required field `uuid`"]
        );
        assert_eq!(flows[0].nodes.len(), 1);
        assert_eq!(flows[0].entry.as_ref().unwrap().value, "b");
    }

    #[test]
    fn recognised_by_content_only() {
        let yes = |t: &str| {
            let tree = parse(t, Format::Json).unwrap();
            recognise(&tree, tree.documents[0])
        };
        assert!(yes(r#"{"uuid": "f", "nodes": []}"#));
        assert!(yes(
            r#"{"flows": [{"definition": {"uuid": "f", "nodes": []}, "keywords": []}]}"#
        ));
        assert!(yes(r#"{"action_sets": [], "rule_sets": []}"#));
        assert!(!yes(r#"{"flows": [{"name": "x"}]}"#));
        assert!(!yes(r#"{"nodes": []}"#));
        assert!(!yes(r#"[{"uuid": "f", "nodes": []}]"#));
    }
}
