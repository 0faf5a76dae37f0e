//! Conversation-flow rules (WA2xx).
//!
//! Every graph rule works on the flow's [`FlowGraph`], built once with the model, and
//! stays linear in nodes plus edges.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use super::graph::{self, MenuDepth, Role, Step};
use super::thousands;
use super::Context;
use crate::catalogue::{options, RuleId};
use crate::config::Config;
use crate::data::{self, OptOutKeywords};
use crate::diagnostic::{Applicability, At, Edit, FileFinding, FileId, Finding, Fix, Severity};
use crate::model::flow::{
    Dialect, Duration, Escalation, FlowGraph, FlowNode, MenuStyle, NodeType, Presentation,
    TextPart, Via,
};
use crate::model::reader::Keyword;
use crate::model::template::Category;
use crate::model::{AtNode, ConversationFlow, LanguageCode};
use crate::suggest;
use crate::workspace::{
    Export, ExportedFlow, ExportedTemplate, Exporter, FlowReference, NamedReference, WithoutOptIn,
    Workspace,
};

/// WhatsApp's caps (the pages rules/WA201.yaml cites): reply-button messages carry 1–3 buttons, list messages 1–10
/// rows across at most 10 sections.
const MAX_REPLY_BUTTONS: usize = 3;
const MAX_LIST_ROWS: usize = 10;
const MAX_LIST_SECTIONS: usize = 10;
/// Title and label lengths (the pages rules/WA202.yaml cites).
const MAX_BUTTON_TITLE: usize = 20;
const MAX_ROW_TITLE: usize = 24;
const MAX_ROW_DESCRIPTION: usize = 72;
const MAX_LIST_BUTTON: usize = 20;
const MAX_SECTION_TITLE: usize = 24;
/// Message lengths (the pages rules/WA214.yaml cites).
const MAX_TEXT: usize = 4096;
const MAX_INTERACTIVE_BODY: usize = 1024;
const MAX_HEADER: usize = 60;
const MAX_FOOTER: usize = 60;
/// WA206 and WA211 look for a close name at most this many times per flow or run, so a
/// file full of broken references stays linear.
const MAX_SUGGESTIONS: usize = 50;

fn chars(text: &str) -> usize {
    text.chars().count()
}

fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// Paths longer than this are shown with their middle left out, so a message stays a line.
const MAX_PATH_SHOWN: usize = 20;

/// `welcome → wait_a_day → reminder`; a long path as its first 6 and last 10 nodes around
/// `… (n more) …`.
fn path_text(flow: &ConversationFlow, path: &[usize]) -> String {
    // Only the names shown are looked at, so a long path costs no more than a short one.
    let names = |part: &[usize]| {
        let names: Vec<&str> = part
            .iter()
            .filter_map(|&i| flow.nodes.get(i))
            .map(|n| n.id.as_str())
            .collect();
        names.join(" → ")
    };
    if path.len() <= MAX_PATH_SHOWN {
        return names(path);
    }
    let (head, rest) = path.split_at(6);
    let (middle, tail) = rest.split_at(rest.len() - 10);
    format!(
        "{} → … ({} more) … → {}",
        names(head),
        middle.len(),
        names(tail)
    )
}

fn type_name(node: &FlowNode) -> &'static str {
    node.node_type().map_or("", NodeType::name)
}

/// End, handoff and opt_out nodes finish the automated conversation by design, as does a
/// step after which the platform ends the flow.
fn is_terminal(node: &FlowNode) -> bool {
    node.ends.is_some()
        || matches!(
            node.node_type(),
            Some(NodeType::End | NodeType::Handoff | NodeType::OptOut)
        )
}

/// WA201 menu-overloaded.
pub fn menu_overloaded(flow: &ConversationFlow, ctx: &Context, out: &mut Vec<Finding>) {
    let max_options = ctx.config.integer(options::WA201_MAX_OPTIONS);
    for node in flow.nodes.iter().filter(|n| n.is(NodeType::Menu)) {
        let Some(list_at) = node
            .options
            .as_ref()
            .map(AtNode::key_at)
            .or(node.sections.as_ref().map(AtNode::key_at))
        else {
            continue;
        };
        let count = node.all_options().count();
        if let Some(presentation) = &node.presentation {
            presented_menu(flow, node, presentation, count, max_options, list_at, out);
            continue;
        }
        let list = node.menu_style() == MenuStyle::List;
        let (kind, limit) = if list {
            ("list menu", MAX_LIST_ROWS)
        } else {
            ("reply-button menu", MAX_REPLY_BUTTONS)
        };
        let at = list_at;
        if let Some(sections) = node
            .sections
            .as_ref()
            .filter(|s| s.value.len() > MAX_LIST_SECTIONS)
        {
            out.push(
                Finding::new(
                    RuleId::WA201,
                    sections.key_at(),
                    format!(
                        "list menu `{}` has {} sections; WhatsApp allows at most {MAX_LIST_SECTIONS}",
                        node.id,
                        sections.value.len()
                    ),
                )
                .help("merge sections, or split the menu into a first question and follow-up menus"),
            );
        }
        if count > limit {
            let walint = flow.dialect == Dialect::Walint;
            let help = if list {
                "split the list into a first question and follow-up menus"
            } else if walint {
                "use `style: list` (up to 10 rows) or split the menu into steps"
            } else {
                "send the options as a list message (up to 10 rows) or split the menu into steps"
            };
            let mut finding = Finding::new(
                RuleId::WA201,
                at,
                format!(
                    "{kind} `{}` has {count} options; WhatsApp shows at most {limit}",
                    node.id
                ),
            )
            .help(help);
            // A list shows the same options behind one button: what the customer can answer
            // stays the same. Only walint's own format writes it as `style: list`; a
            // platform's list message is shaped otherwise.
            if !list && count <= MAX_LIST_ROWS && walint {
                let edit = match &node.style {
                    Some(style) => Edit::Replace {
                        at: style.at(),
                        text: "list".into(),
                    },
                    None => Edit::Insert {
                        map: node.node,
                        key: "style".into(),
                        value: "list".into(),
                    },
                };
                finding = finding.fix(Fix::new(
                    Applicability::Safe,
                    "use `style: list`",
                    vec![edit],
                ));
            }
            out.push(finding);
        } else if count > max_options as usize {
            out.push(
                Finding::new(
                    RuleId::WA201,
                    at,
                    format!(
                        "{kind} `{}` has {count} options; the project allows at most {max_options} (`max_options`)",
                        node.id
                    ),
                )
                .severity(Severity::Warning)
                .help("group the options or split the menu into steps"),
            );
        }
    }
}

/// WA201 on a menu the platform sends its own way: split over several messages or one per
/// option (a warning: the customer sees a degraded menu), or as numbered text (no cap).
fn presented_menu(
    flow: &ConversationFlow,
    node: &FlowNode,
    presentation: &Presentation,
    count: usize,
    max_options: u32,
    at: At,
    out: &mut Vec<Finding>,
) {
    let platform = flow.dialect.name();
    let degraded = match presentation {
        Presentation::SplitButtons(per) if count > *per => Some(format!(
            "{platform} sends the {count} choices of `{}` as {} messages of up to {per} buttons: WhatsApp shows at most {MAX_REPLY_BUTTONS} reply buttons per message, so the customer sees the menu in pieces",
            node.id,
            count.div_ceil((*per).max(1))
        )),
        Presentation::MessagePerOption if count > MAX_REPLY_BUTTONS => Some(format!(
            "{platform} sends the {count} picture choices of `{}` as {count} messages, one per choice, each with its own button",
            node.id
        )),
        _ => None,
    };
    let finding = match degraded {
        Some(message) => Finding::new(RuleId::WA201, at, message)
            .help("keep single-choice menus to 3 choices, or ask a first question and follow with a second menu"),
        None if count > max_options as usize => Finding::new(
            RuleId::WA201,
            at,
            format!(
                "menu `{}` has {count} options; the project allows at most {max_options} (`max_options`)",
                node.id
            ),
        )
        .help("group the options or split the menu into steps"),
        None => return,
    };
    out.push(finding.severity(Severity::Warning));
}

/// WA202 option-title-too-long: button titles, list rows, descriptions, the list button and
/// section titles over WhatsApp's limits.
pub fn option_title_too_long(flow: &ConversationFlow, _ctx: &Context, out: &mut Vec<Finding>) {
    for node in flow.nodes.iter().filter(|n| n.is(NodeType::Menu)) {
        if let Some(presentation) = &node.presentation {
            cut_titles(flow, node, presentation, out);
            continue;
        }
        let list = node.menu_style() == MenuStyle::List;
        let (title_what, title_limit) = if list {
            ("row title", MAX_ROW_TITLE)
        } else {
            ("button title", MAX_BUTTON_TITLE)
        };
        let mut check = |what: &str,
                         text: &crate::model::AtNode<String>,
                         limit: usize,
                         help: &str| {
            let count = chars(&text.value);
            if count > limit {
                out.push(
                    Finding::new(
                        RuleId::WA202,
                        text.at(),
                        format!(
                            "{what} `{}` of menu `{}` has {count} characters; WhatsApp allows at most {limit}",
                            text.value, node.id
                        ),
                    )
                    .help(help.to_string()),
                );
            }
        };
        let title_help = if list {
            "shorten the row title to 24 characters and move details into its `description` (72)"
        } else {
            "shorten the button title to 20 characters and move details into the menu text"
        };
        for option in node.all_options() {
            if let Some(title) = &option.title {
                check(title_what, title, title_limit, title_help);
            }
            if list {
                if let Some(description) = &option.description {
                    check(
                        "row description",
                        description,
                        MAX_ROW_DESCRIPTION,
                        "shorten the description to 72 characters; put longer explanations in the menu text",
                    );
                }
            }
        }
        if list {
            if let Some(button) = &node.button {
                check(
                    "list button label",
                    button,
                    MAX_LIST_BUTTON,
                    "shorten the label of the button that opens the list to 20 characters, e.g. \"Choose\"",
                );
            }
            for section in node.sections.iter().flat_map(|s| s.value.iter()) {
                if let Some(title) = &section.title {
                    check(
                        "section title",
                        title,
                        MAX_SECTION_TITLE,
                        "shorten the section title to 24 characters",
                    );
                }
            }
        }
    }
}

/// WA202 on a menu the platform sends its own way: split reply buttons have their titles
/// cut (Typebot keeps 18 characters and `..`; a warning); numbered text and one message per
/// option carry the titles in the text, which has no such limit.
fn cut_titles(
    flow: &ConversationFlow,
    node: &FlowNode,
    presentation: &Presentation,
    out: &mut Vec<Finding>,
) {
    if !matches!(presentation, Presentation::SplitButtons(_)) {
        return;
    }
    for title in node.all_options().filter_map(|o| o.title.as_ref()) {
        let count = chars(&title.value);
        if count <= MAX_BUTTON_TITLE {
            continue;
        }
        let shown: String = title.value.chars().take(MAX_BUTTON_TITLE - 2).collect();
        out.push(
            Finding::new(
                RuleId::WA202,
                title.at(),
                format!(
                    "button title `{}` of menu `{}` has {count} characters; WhatsApp allows {MAX_BUTTON_TITLE}, so {} shows `{shown}..`",
                    title.value,
                    node.id,
                    flow.dialect.name()
                ),
            )
            .severity(Severity::Warning)
            .help("shorten the choice to 20 characters and move details into the message before it"),
        );
    }
}

/// WA203 no-human-escalation.
pub fn no_human_escalation(flow: &ConversationFlow, ctx: &Context, out: &mut Vec<Finding>) {
    let Some(entry) = &flow.entry else { return };
    let flows = match flow.escalation {
        Escalation::Flow => 1,
        // Judged once for the whole export, at its first flow.
        Escalation::Export { first: false, .. }
        | Escalation::Export {
            hands_off: true, ..
        } => return,
        Escalation::Export { waits: false, .. } => return,
        Escalation::Export { flows, .. } => flows,
    };
    let graph = flow.graph();
    if graph.entry.is_none() {
        return;
    }
    if handoff_reachable(flow, graph) {
        return;
    }
    let handoffs: Vec<&FlowNode> = flow
        .nodes
        .iter()
        .filter(|n| n.is(NodeType::Handoff))
        .collect();
    let name = flow.display_name();
    let help = flow.dialect.handoff_help();
    let finding = if flows > 1 {
        Finding::new(
            RuleId::WA203,
            entry.at(),
            format!(
                "none of the {flows} flows of this export hands off to a person: customers can never reach one"
            ),
        )
    } else if handoffs.is_empty() {
        Finding::new(
            RuleId::WA203,
            entry.at(),
            format!("flow `{name}` has no handoff node: customers can never reach a person"),
        )
    } else {
        let names: Vec<String> = handoffs.iter().map(|h| format!("`{}`", h.id)).collect();
        let mut finding = Finding::new(
            RuleId::WA203,
            entry.at(),
            format!(
                "no handoff node is reachable from entry `{}`: {} exists but no path leads to it",
                entry.value,
                names.join(", ")
            ),
        );
        for handoff in handoffs {
            finding = finding.related(ctx.file, handoff.at(), "unreachable handoff node");
        }
        finding
    };
    out.push(finding.help(help));
}

fn handoff_reachable(flow: &ConversationFlow, graph: &FlowGraph) -> bool {
    let reached = graph::reachable_from_entry(graph);
    flow.nodes
        .iter()
        .enumerate()
        .any(|(i, n)| reached.reached(i) && n.is(NodeType::Handoff))
}

/// Where a conversation of a platform that ends when nothing follows stops: nothing but
/// asking again leads on from the step.
fn ends_here(node: &FlowNode) -> bool {
    node.edges().all(|(via, _)| via == Via::Fallback)
}

/// WA204 escalation-unreachable: each node a customer can reach from which no handoff can
/// be reached any more. Silent when WA203 already reports that no handoff is reachable.
pub fn escalation_unreachable(flow: &ConversationFlow, _ctx: &Context, out: &mut Vec<Finding>) {
    let graph = flow.graph();
    if graph.entry.is_none() || !handoff_reachable(flow, graph) {
        return;
    }
    let reached = graph::reachable_from_entry(graph);
    // Where the conversation ends by itself, the customer's next message starts it again
    // from the entry, which leads to a handoff: an end is as good as a way to a person.
    let restarts = flow.dialect.ends_when_nothing_follows();
    let handoffs: Vec<bool> = flow
        .nodes
        .iter()
        .map(|n| n.is(NodeType::Handoff) || (restarts && ends_here(n)))
        .collect();
    let can_escalate = graph::reaches(graph, &handoffs, true);
    for (i, node) in flow.nodes.iter().enumerate() {
        let dead_end = node.transitions().next().is_none();
        if !reached.reached(i)
            || can_escalate.get(i).copied().unwrap_or(true)
            || node.kind.is_none()
            || is_terminal(node)
            || dead_end
        {
            continue;
        }
        out.push(
            Finding::new(
                RuleId::WA204,
                node.at(),
                format!(
                    "no handoff can be reached from {} `{}` any more: a customer who gets here can no longer ask for a person",
                    type_name(node),
                    node.id
                ),
            )
            .help(flow.dialect.escalation_help()),
        );
    }
}

/// WA205 missing-fallback.
pub fn missing_fallback(flow: &ConversationFlow, _ctx: &Context, out: &mut Vec<Finding>) {
    for node in &flow.nodes {
        if node.fallback.is_some() {
            continue;
        }
        let lacks = flow.dialect.no_fallback();
        let message = match node.node_type() {
            Some(NodeType::Menu) => format!(
                "menu `{}` {lacks}: a customer who types an answer instead of tapping an option gets no reply",
                node.id
            ),
            Some(NodeType::Input) => format!(
                "input `{}` {lacks}: an answer the bot cannot use leads nowhere",
                node.id
            ),
            _ => continue,
        };
        out.push(
            Finding::new(RuleId::WA205, node.at(), message).help(flow.dialect.fallback_help()),
        );
    }
}

fn via_key(via: Via) -> String {
    match via {
        Via::Next => "`next`".into(),
        Via::Option(i) => format!("option {}", i + 1),
        Via::Fallback => "`fallback`".into(),
        Via::Branch(i) => format!("branch {}", i + 1),
        Via::Else => "`else`".into(),
        Via::Keyword => "keyword".into(),
    }
}

/// WA206 undefined-node: the entry, a transition or a keyword naming a node that does not
/// exist.
pub fn undefined_node(flow: &ConversationFlow, _ctx: &Context, out: &mut Vec<Finding>) {
    let graph = flow.graph();
    let mut suggestions = 0;
    let mut suggest = |name: &str| -> String {
        if suggestions >= MAX_SUGGESTIONS {
            return String::new();
        }
        suggestions += 1;
        suggest::did_you_mean(name, flow.nodes.iter().map(|n| n.id.as_str()))
    };
    let flow_name = flow.display_name();
    let help = |name: &str| flow.dialect.undefined_help(name);
    if let Some(entry) = &flow.entry {
        if graph.resolve(&entry.value).is_none() {
            let hint = suggest(&entry.value);
            out.push(
                Finding::new(
                    RuleId::WA206,
                    entry.at(),
                    format!(
                        "entry `{}` is not a node of flow `{flow_name}`{hint}",
                        entry.value
                    ),
                )
                .help(help(&entry.value)),
            );
        }
    }
    for keyword in &flow.keywords {
        if graph.resolve(&keyword.target.value).is_none() {
            let hint = suggest(&keyword.target.value);
            out.push(
                Finding::new(
                    RuleId::WA206,
                    keyword.target.at(),
                    format!(
                        "keyword `{}` leads to `{}`, which is not a node of flow `{flow_name}`{hint}",
                        keyword.word, keyword.target.value
                    ),
                )
                .help(help(&keyword.target.value)),
            );
        }
    }
    for node in &flow.nodes {
        for (via, target) in node.edges() {
            if graph.resolve(&target.value).is_some() {
                continue;
            }
            let hint = suggest(&target.value);
            out.push(
                Finding::new(
                    RuleId::WA206,
                    target.at(),
                    format!(
                        "{} of node `{}` leads to `{}`, which is not a node of flow `{flow_name}`{hint}",
                        via_key(via),
                        node.id,
                        target.value
                    ),
                )
                .help(help(&target.value)),
            );
        }
    }
}

/// WA207 unreachable-node: one finding per unreachable region, at the node that leads into
/// it, naming the nodes after it; a region that is a cycle is reported at its first node.
pub fn unreachable_node(flow: &ConversationFlow, _ctx: &Context, out: &mut Vec<Finding>) {
    let Some(entry) = &flow.entry else { return };
    let graph = flow.graph();
    if graph.entry.is_none() {
        return;
    }
    let reached = graph::reachable_from_entry(graph);
    let n = flow.nodes.len();
    let unreachable: Vec<bool> = (0..n).map(|i| !reached.reached(i)).collect();
    // Roots first: unreachable nodes no other unreachable node leads to.
    let mut led_to = vec![false; n];
    for from in (0..n).filter(|&i| unreachable[i]) {
        for edge in graph.out(from).iter().filter(|e| e.to != from) {
            led_to[edge.to] = true;
        }
    }
    let roots = (0..n).filter(|&i| unreachable[i] && !led_to[i]);
    let rest = (0..n).filter(|&i| unreachable[i] && led_to[i]);
    let mut covered = vec![false; n];
    for root in roots.chain(rest) {
        if covered[root] {
            continue;
        }
        // Every unreachable node after this one, not yet told about.
        covered[root] = true;
        let mut after = Vec::new();
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            for edge in graph.out(node) {
                if unreachable[edge.to] && !covered[edge.to] {
                    covered[edge.to] = true;
                    after.push(edge.to);
                    stack.push(edge.to);
                }
            }
        }
        let Some(node) = flow.nodes.get(root) else {
            continue;
        };
        let tail = match after.len() {
            0 => String::new(),
            count => {
                after.sort_unstable();
                let mut names: Vec<String> = after
                    .iter()
                    .take(5)
                    .filter_map(|&i| flow.nodes.get(i))
                    .map(|n| format!("`{}`", n.id))
                    .collect();
                if count > 5 {
                    names.push(format!("{} more", count - 5));
                }
                let nodes = if count == 1 { "node" } else { "nodes" };
                format!(
                    ", nor to the {count} {nodes} after it ({})",
                    names.join(", ")
                )
            }
        };
        out.push(
            Finding::new(
                RuleId::WA207,
                node.at(),
                format!(
                    "node `{}` is unreachable: no path from entry `{}` leads to it{tail}",
                    node.id, entry.value
                ),
            )
            .help(flow.dialect.unreachable_help()),
        );
    }
}

/// WA208 dead-end: a node that does not finish the conversation and has no transition.
/// Keywords do not count as a way out: a customer cannot guess them.
pub fn dead_end(flow: &ConversationFlow, _ctx: &Context, out: &mut Vec<Finding>) {
    let implicit_end = flow.dialect.ends_when_nothing_follows();
    for node in &flow.nodes {
        if node.kind.is_none() || is_terminal(node) {
            continue;
        }
        if implicit_end {
            // The customer's answer must lead somewhere; asking again does not count.
            let waits = matches!(node.node_type(), Some(NodeType::Menu | NodeType::Input));
            if !waits || !ends_here(node) {
                continue;
            }
        } else if node.transitions().next().is_some() {
            continue;
        }
        let missing = match node.node_type() {
            _ if implicit_end => "nothing follows the customer's answer",
            Some(NodeType::Menu) => "no option leads anywhere and it has no `fallback`",
            Some(NodeType::Condition) => "no branch leads anywhere and it has no `else`",
            _ => flow.dialect.no_next(),
        };
        out.push(
            Finding::new(
                RuleId::WA208,
                node.at(),
                format!(
                    "{} `{}` is a dead end: {missing}, so the conversation stops here without an end, a handoff or an opt-out",
                    type_name(node),
                    node.id
                ),
            )
            .help(flow.dialect.dead_end_help()),
        );
    }
}

/// What cross-file rules read of a flow: each node's template reference, and for `template`
/// nodes the way WA209 shows from the entry avoiding every `opt_in` node.
pub(crate) fn export(flow: &ConversationFlow, x: &mut Exporter) -> ExportedFlow {
    let sends = |node: &FlowNode| {
        (node.template.is_some() || node.template_name.is_some()) && node.is(NodeType::Template)
    };
    let mut paths: Vec<Option<Box<WithoutOptIn>>> = Vec::new();
    // WA209 reads the paths of the formats it checks only (`formats:` in its document).
    if RuleId::WA209.checks_format(flow.dialect.index()) && flow.nodes.iter().any(sends) {
        let graph = flow.graph();
        let starts: Vec<usize> = graph.entry.into_iter().collect();
        let avoiding_opt_in = graph::search(graph, &starts, true, |n| {
            if flow.nodes.get(n).is_some_and(|n| n.is(NodeType::OptIn)) {
                Step::Avoid
            } else {
                Step::Pass
            }
        });
        paths = vec![None; flow.nodes.len()];
        avoiding_opt_in.for_each_path(|index, path| {
            if let (Some(slot), Some(node)) = (paths.get_mut(index), flow.nodes.get(index)) {
                if sends(node) {
                    *slot = Some(Box::new(WithoutOptIn {
                        node_id: node.id.as_str().into(),
                        path: path_text(flow, path).into_boxed_str(),
                    }));
                }
            }
        });
    }
    let mut references = flow
        .nodes
        .iter()
        .enumerate()
        .filter_map(|(index, node)| {
            Some(FlowReference {
                template: x.template_ref(node.template.as_ref()?),
                without_opt_in: paths.get_mut(index).and_then(Option::take),
            })
        })
        .collect::<Vec<_>>();
    references.shrink_to_fit();
    let mut named = flow
        .nodes
        .iter()
        .enumerate()
        .filter_map(|(index, node)| {
            Some(NamedReference {
                name: x.value(node.template_name.as_ref()?),
                without_opt_in: paths.get_mut(index).and_then(Option::take),
            })
        })
        .collect::<Vec<_>>();
    named.shrink_to_fit();
    ExportedFlow { references, named }
}

/// WA209 missing-opt-in: a path from the entry to a MARKETING template avoiding every
/// `opt_in` node.
pub fn missing_opt_in(workspace: &Workspace, _config: &Config, out: &mut Vec<FileFinding>) {
    for (file, document) in workspace.documents() {
        let Export::Flow(flow) = document else {
            continue;
        };
        for node in &flow.references {
            let Some(way) = &node.without_opt_in else {
                continue;
            };
            let reference = &node.template;
            let Some((template_file, template)) = workspace.template_of(reference) else {
                continue;
            };
            if !matches!(&template.category, Some(c) if c.value == Category::Marketing) {
                continue;
            }
            let help = format!(
                "ask for consent first: route the path through an `opt_in` node before `{}`",
                way.node_id
            );
            out.push(opt_in_missing(
                file,
                &reference.name,
                &way.path,
                help,
                template_file,
                template,
            ));
        }
        // RapidPro names a template without its language: a MARKETING one of that name.
        for node in &flow.named {
            let Some(way) = &node.without_opt_in else {
                continue;
            };
            let marketing = workspace
                .named(&node.name.value)
                .into_iter()
                .find(|(_, t, _)| matches!(&t.category, Some(c) if c.value == Category::Marketing));
            let Some((template_file, template, _)) = marketing else {
                continue;
            };
            let help = format!(
                "ask for consent first: on the way to `{}`, add the contact to an opt-in group (`add_contact_groups`) or set their `settings` field to `optin`, as Glific records consent",
                way.node_id
            );
            out.push(opt_in_missing(
                file,
                &node.name,
                &way.path,
                help,
                template_file,
                template,
            ));
        }
    }
}

/// WA209's finding at a reference to the MARKETING template `template` that customers who go
/// `path` receive.
fn opt_in_missing(
    file: FileId,
    name: &AtNode<String>,
    path: &str,
    help: String,
    template_file: FileId,
    template: &ExportedTemplate,
) -> FileFinding {
    FileFinding {
        file,
        finding: Finding::new(
            RuleId::WA209,
            name.at(),
            format!(
                "customers who go {path} receive the marketing template `{}` without having agreed to marketing messages: no opt_in node asks for consent on the way",
                name.value
            ),
        )
        .help(help)
        .related(
            template_file,
            template.category.as_ref().map_or(At::Node(template.node), AtNode::at),
            format!("`{}` is a MARKETING template", name.value),
        ),
    }
}

/// The opt-out words of `rules/data/opt_out_keywords.yaml`, normalised.
static OPT_OUT_WORDS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    let data: OptOutKeywords = data::load(data::OPT_OUT_KEYWORDS);
    data.opt_out_keywords
        .iter()
        .map(|word| normalise_keyword(word))
        .collect()
});

/// Case, spaces, hyphens and underscores do not matter: `Opt-Out` is `OPTOUT`.
fn normalise_keyword(word: &str) -> String {
    word.chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != '_')
        .flat_map(char::to_uppercase)
        .collect()
}

fn is_opt_out_word(word: &str) -> bool {
    OPT_OUT_WORDS.contains(&normalise_keyword(word))
}

/// WA210 no-opt-out-keyword: no STOP (or similar) keyword leads to an `opt_out` node; each
/// opt-out word that leads elsewhere is reported where it is written.
pub fn no_opt_out_keyword(flow: &ConversationFlow, ctx: &Context, out: &mut Vec<Finding>) {
    let graph = flow.graph();
    let opt_out_node = flow.nodes.iter().find(|n| n.is(NodeType::OptOut));
    let mut honoured = false;
    let mut misrouted = Vec::new();
    for keyword in flow.keywords.iter().filter(|k| is_opt_out_word(&k.word)) {
        // A keyword to no node at all is WA206's finding.
        let Some(target) = graph.resolve(&keyword.target.value) else {
            honoured = true;
            continue;
        };
        match flow.nodes.get(target) {
            Some(node) if node.is(NodeType::OptOut) => honoured = true,
            Some(node) => misrouted.push((keyword, node)),
            None => {}
        }
    }
    for (keyword, node) in misrouted {
        let mut finding = Finding::new(
            RuleId::WA210,
            keyword.target.at(),
            format!(
                "keyword `{}` leads to {} node `{}`, not to an opt_out node: the customer's request to stop is not recorded",
                keyword.word,
                type_name(node),
                node.id
            ),
        )
        .help(match opt_out_node {
            Some(o) => format!("let `{}` lead to the opt_out node `{}`", keyword.word, o.id),
            None => format!(
                "add an `opt_out` node and let `{}` lead to it",
                keyword.word
            ),
        });
        if let Some(o) = opt_out_node {
            finding = finding.related(ctx.file, o.at(), "the flow's opt_out node");
        }
        out.push(finding);
    }
    if honoured || flow.keywords.iter().any(|k| is_opt_out_word(&k.word)) {
        return;
    }
    let at = match (flow.keywords_node, &flow.name) {
        (Some(keywords), _) => At::Key(keywords),
        (None, Some(name)) => name.at(),
        (None, None) => At::Key(flow.node),
    };
    let target = opt_out_node.map_or("unsubscribe", |o| o.id.as_str());
    let mut finding = Finding::new(
        RuleId::WA210,
        at,
        format!(
            "flow `{}` has no STOP keyword leading to an opt_out node: customers cannot stop the messages by sending STOP (or UNSUBSCRIBE, PARAR, STOPP, ARRÊT ...)",
            flow.display_name()
        ),
    )
    .help(format!(
        "add `keywords: {{STOP: {target}}}` (and the word your customers use, e.g. PARAR or STOPP) leading to an `opt_out` node"
    ));
    if let Some(o) = opt_out_node {
        finding = finding.related(ctx.file, o.at(), "an opt_out node a keyword could lead to");
    }
    out.push(finding);
}

/// The language to suggest for `language` among those a template exists in: one of the
/// same base language first (`de` → `de_DE`, `en_GB` → `en_US`), else the closest spelling.
fn closest_language<'a>(language: &LanguageCode, languages: &[&'a LanguageCode]) -> &'a str {
    languages
        .iter()
        .find(|l| l.same_language(language))
        .map(|l| l.as_str())
        .or_else(|| suggest::closest(language.as_str(), languages.iter().map(|l| l.as_str())))
        .or(languages.first().map(|l| l.as_str()))
        .unwrap_or("")
}

/// WA211 unknown-template: a flow or campaign naming a template (name + language) that no
/// template file of the run defines. Silent when the run holds no template at all: the
/// templates then live only in Meta's manager, and every reference would be reported.
pub fn unknown_template(workspace: &Workspace, _config: &Config, out: &mut Vec<FileFinding>) {
    if !workspace.has_templates() {
        return;
    }
    // Sorted for suggestions once a reference names no template at all.
    let mut names: Option<Vec<&str>> = None;
    let mut suggestions = 0;
    for (file, document) in workspace.documents() {
        for reference in document.template_references() {
            let (name, language) = (&reference.name.value, &reference.language.value);
            if workspace.template_of(reference).is_some() {
                continue;
            }
            let others = workspace.named(name);
            // Defined in other languages: the language is what is wrong.
            let finding = if !others.is_empty() {
                let mut languages: Vec<&LanguageCode> = others.iter().map(|(_, _, l)| *l).collect();
                languages.sort_unstable();
                languages.dedup();
                let closest = closest_language(language, &languages);
                let languages: Vec<&str> = languages.iter().map(|l| l.as_str()).collect();
                let mut finding = Finding::new(
                        RuleId::WA211,
                        reference.language.at(),
                        format!(
                            "template `{name}` has no {language} version in the template files; it is defined in {}",
                            languages.join(", ")
                        ),
                    )
                    .help(format!(
                        "did you mean language `{closest}`? Otherwise add and submit the {language} translation of `{name}`"
                    ));
                for (other_file, template, other_language) in others.iter().take(3) {
                    finding = finding.related(
                        *other_file,
                        template
                            .language
                            .as_ref()
                            .map_or(At::Node(template.node), AtNode::at),
                        format!("`{name}` ({other_language}) is defined here"),
                    );
                }
                finding
            } else {
                let close = if suggestions < MAX_SUGGESTIONS {
                    suggestions += 1;
                    let names = names.get_or_insert_with(|| workspace.template_names());
                    suggest::closest(name, names.iter().copied())
                } else {
                    None
                };
                let mut finding = Finding::new(
                    RuleId::WA211,
                    reference.name.at(),
                    format!("no template file defines template `{name}` ({language})"),
                );
                let defined = close.map(|c| (c, workspace.named(c)));
                match defined.filter(|(_, defined)| !defined.is_empty()) {
                        Some((close, defined)) => {
                            let same_language = defined
                                .iter()
                                .find(|(_, _, l)| l.matches(language))
                                .or(defined.first());
                            finding = finding.help(format!(
                                "did you mean `{close}`? Otherwise add the template file for `{name}` ({language})"
                            ));
                            if let Some((other_file, template, other_language)) = same_language {
                                finding = finding.related(
                                    *other_file,
                                    template.name.as_ref().map_or(At::Node(template.node), AtNode::at),
                                    format!("`{close}` ({other_language}) is defined here"),
                                );
                            }
                            finding
                        }
                        None => finding.help(
                            "add the template (Meta's template JSON) to the repository, or correct the name and language",
                        ),
                    }
            };
            out.push(FileFinding { file, finding });
        }
    }
    // RapidPro names a template without its language: a definition in any language counts.
    for (file, document) in workspace.documents() {
        let Export::Flow(flow) = document else {
            continue;
        };
        for reference in &flow.named {
            let name = &reference.name.value;
            if !workspace.named(name).is_empty() {
                continue;
            }
            let close = if suggestions < MAX_SUGGESTIONS {
                suggestions += 1;
                let names = names.get_or_insert_with(|| workspace.template_names());
                suggest::closest(name, names.iter().copied())
            } else {
                None
            };
            let finding = Finding::new(
                RuleId::WA211,
                reference.name.at(),
                format!("no template file defines template `{name}` (in any language)"),
            );
            let finding = match close {
                Some(close) => finding.help(format!(
                    "did you mean `{close}`? Otherwise add the template file for `{name}`"
                )),
                None => finding.help(
                    "add the template (Meta's template JSON) to the repository, or correct the name the `send_msg` gives",
                ),
            };
            out.push(FileFinding { file, finding });
        }
    }
}

/// What a node sends that needs an open customer service window.
fn sends_free_form(node: &FlowNode) -> bool {
    match node.node_type() {
        Some(NodeType::Message | NodeType::Menu) => true,
        // An input without text only waits for the reply (e.g. to a template's buttons).
        Some(
            NodeType::Input
            | NodeType::OptIn
            | NodeType::OptOut
            | NodeType::Handoff
            | NodeType::End,
        ) => node.text.is_some(),
        _ => false,
    }
}

/// Nodes that wait for the customer's reply: after it, the window is open again.
fn waits_for_reply(node: &FlowNode) -> bool {
    matches!(
        node.node_type(),
        Some(NodeType::Menu | NodeType::Input | NodeType::OptIn)
    )
}

fn long_wait(node: &FlowNode) -> Option<&Duration> {
    node.duration
        .as_ref()
        .map(|d| &d.value)
        .filter(|d| node.is(NodeType::Wait) && d.seconds >= Duration::DAY)
}

/// WA212 outside-service-window: free-form messages after a wait of 24 h or more, or in a
/// conversation that something other than the customer started (an n8n schedule), before
/// the customer has replied. One search from all such starts at once.
pub fn outside_service_window(flow: &ConversationFlow, ctx: &Context, out: &mut Vec<Finding>) {
    let is_start: Vec<bool> = flow
        .nodes
        .iter()
        .map(|n| long_wait(n).is_some() || n.unprompted.is_some())
        .collect();
    let starts: Vec<usize> = (0..is_start.len()).filter(|&i| is_start[i]).collect();
    if starts.is_empty() {
        return;
    }
    let graph = flow.graph();
    // Keywords are the customer writing: they open the window, so they are not followed.
    let after_start = graph::search(graph, &starts, false, |n| match flow.nodes.get(n) {
        Some(node) if waits_for_reply(node) => Step::Stop,
        _ => Step::Pass,
    });
    let from_entry = graph::reachable_from_entry(graph);
    for (i, node) in flow.nodes.iter().enumerate() {
        if !after_start.reached(i)
            || (is_start[i] && node.unprompted.is_none())
            || !sends_free_form(node)
        {
            continue;
        }
        let tail = after_start.path(i);
        let Some(&start) = tail.first() else { continue };
        let Some(opener) = flow.nodes.get(start) else {
            continue;
        };
        let mut path = from_entry.path(start);
        path.pop();
        path.extend(&tail);
        let (when, related) = match (long_wait(opener), &opener.unprompted) {
            (Some(duration), _) => (
                format!("{} after the customer's last reply", duration.text),
                opener.duration.as_ref().map(|d| {
                    (
                        d.at(),
                        "the customer service window closes during this wait",
                    )
                }),
            ),
            (None, Some(by)) => (
                format!(
                    "in a conversation {} started, before the customer has written",
                    by.value
                ),
                Some((
                    by.at(),
                    "this starts the conversation without a customer message",
                )),
            ),
            (None, None) => continue,
        };
        let mut finding = Finding::new(
            RuleId::WA212,
            node.at(),
            format!(
                "{} `{}` sends a free-form message {when} ({}); outside the 24-hour customer service window WhatsApp delivers only templates",
                type_name(node),
                node.id,
                path_text(flow, &path)
            ),
        )
        .help(flow.dialect.service_window_help());
        if let Some((at, note)) = related {
            finding = finding.related(ctx.file, at, note);
        }
        out.push(finding);
    }
}

fn depth_role(node: Option<&FlowNode>) -> Role {
    match node.and_then(FlowNode::node_type) {
        Some(NodeType::Menu) => Role::Menu,
        Some(NodeType::Condition | NodeType::Wait) => Role::Pass,
        _ => Role::Answer,
    }
}

/// WA213 menu-too-deep: the first menu that makes more than `max_depth` menus in a row
/// before any answer or person.
pub fn menu_too_deep(flow: &ConversationFlow, ctx: &Context, out: &mut Vec<Finding>) {
    let limit = ctx.config.integer(options::WA213_MAX_DEPTH);
    let graph = flow.graph();
    if graph.entry.is_none() {
        return;
    }
    let asks_separately = flow.dialect.asks_in_a_step_of_its_own();
    let role = |n: usize| match depth_role(flow.nodes.get(n)) {
        // A platform's message whose only way on is a menu asks that menu's question.
        Role::Answer
            if asks_separately
                && flow.nodes.get(n).is_some_and(|m| m.is(NodeType::Message))
                && !graph.out(n).is_empty()
                && graph
                    .out(n)
                    .iter()
                    .all(|e| flow.nodes.get(e.to).is_some_and(|m| m.is(NodeType::Menu))) =>
        {
            Role::Pass
        }
        other => other,
    };
    let depths: MenuDepth = graph::menu_depth(graph, role);
    for (i, node) in flow.nodes.iter().enumerate() {
        if role(i) != Role::Menu
            || depths.depth.get(i).copied().flatten() != Some(limit.saturating_add(1))
        {
            continue;
        }
        let chain = depths.chain(i, role);
        out.push(
            Finding::new(
                RuleId::WA213,
                node.at(),
                format!(
                    "menu `{}` is the {} menu in a row before any answer ({}); the project allows at most {limit} (`max_depth`)",
                    node.id,
                    ordinal(limit.saturating_add(1)),
                    path_text(flow, &chain)
                ),
            )
            .help(
                "answer sooner: merge menus (a list holds up to 10 rows), answer directly, or \
                 ask for free text with an `input` node",
            ),
        );
    }
}

/// WA214 message-too-long: text messages over 4096 characters, interactive bodies over
/// 1024 (a list body is a warning up to 4096, where Meta's pages disagree), headers and
/// footers over 60. Titles, descriptions and the list button are WA202's.
pub fn message_too_long(flow: &ConversationFlow, _ctx: &Context, out: &mut Vec<Finding>) {
    for node in &flow.nodes {
        let Some(kind) = node.node_type() else {
            continue;
        };
        if kind == NodeType::Template {
            continue; // the template's own text is checked with the template
        }
        let menu = kind == NodeType::Menu;
        for text in node.texts() {
            let finding = match text.part {
                TextPart::Text => body_too_long(node, menu, text.text),
                // Only interactive messages (menus) have a header and a footer.
                TextPart::Header if menu => part_too_long(node, "header", text.text, MAX_HEADER),
                TextPart::Footer if menu => part_too_long(node, "footer", text.text, MAX_FOOTER),
                _ => None,
            };
            out.extend(finding);
        }
    }
}

/// WA214 on a node's `text`: the limit of the message it is sent as.
fn body_too_long(node: &FlowNode, menu: bool, text: &AtNode<String>) -> Option<Finding> {
    let count = chars(&text.value);
    let list = menu && node.menu_style() == MenuStyle::List;
    let finding = if menu && !list && count > MAX_INTERACTIVE_BODY {
        Finding::new(
            RuleId::WA214,
            text.at(),
            format!(
                "text of menu `{}` has {} characters; WhatsApp allows at most {} in a reply-button message",
                node.id,
                thousands(count),
                MAX_INTERACTIVE_BODY
            ),
        )
    } else if count > MAX_TEXT {
        Finding::new(
            RuleId::WA214,
            text.at(),
            format!(
                "text of {} `{}` has {} characters; WhatsApp allows at most {MAX_TEXT}",
                type_name(node),
                node.id,
                thousands(count)
            ),
        )
    } else if list && count > MAX_INTERACTIVE_BODY {
        Finding::new(
            RuleId::WA214,
            text.at(),
            format!(
                "text of list menu `{}` has {} characters; Meta's API reference allows {} in a list message (its list guide says {MAX_TEXT})",
                node.id,
                thousands(count),
                MAX_INTERACTIVE_BODY
            ),
        )
        .severity(Severity::Warning)
    } else {
        return None;
    };
    Some(
        finding.help(
            "shorten the text, or split it into a message node followed by the menu or question",
        ),
    )
}

/// WA214 on a menu's header or footer.
fn part_too_long(
    node: &FlowNode,
    what: &str,
    text: &AtNode<String>,
    limit: usize,
) -> Option<Finding> {
    let count = chars(&text.value);
    (count > limit).then(|| {
        Finding::new(
            RuleId::WA214,
            text.at(),
            format!(
                "{what} of menu `{}` has {count} characters; WhatsApp allows at most {limit}",
                node.id
            ),
        )
        .help(format!("shorten the {what} to {limit} characters"))
    })
}

/// WA215 duplicate-option-title: two options of one interactive message with the same
/// title. Reply buttons must have unique titles (Meta's reply-buttons page); for list rows
/// only SDKs say so (a warning). A platform that splits its buttons over several messages
/// (Typebot) is judged per message, on the titles as it cuts them; numbered text and one
/// message per option carry no buttons to confuse.
pub fn duplicate_option_title(flow: &ConversationFlow, ctx: &Context, out: &mut Vec<Finding>) {
    for node in flow.nodes.iter().filter(|n| n.is(NodeType::Menu)) {
        let titles: Vec<&AtNode<String>> = node
            .all_options()
            .filter_map(|o| o.title.as_ref())
            .collect();
        let list = node.menu_style() == MenuStyle::List;
        let messages: Vec<&[&AtNode<String>]> = match &node.presentation {
            None => vec![&titles],
            Some(Presentation::SplitButtons(per_message)) => {
                titles.chunks((*per_message).max(1)).collect()
            }
            Some(_) => continue,
        };
        let cut = node.presentation.is_some();
        for message in messages {
            let mut seen: HashMap<String, &AtNode<String>> = HashMap::new();
            for title in message {
                let sent = if cut {
                    cut_title(&title.value)
                } else {
                    title.value.trim().to_string()
                };
                let Some(first) = seen.get(&sent) else {
                    seen.insert(sent, title);
                    continue;
                };
                let (what, severity) = if list {
                    ("list rows", Severity::Warning)
                } else {
                    ("reply buttons", Severity::Error)
                };
                let shown = if sent == title.value {
                    format!("`{sent}`")
                } else {
                    format!("`{}` (sent as `{sent}`)", title.value)
                };
                out.push(
                    Finding::new(
                        RuleId::WA215,
                        title.at(),
                        format!(
                            "menu `{}` has two {what} titled {shown}; titles must be unique within a message",
                            node.id
                        ),
                    )
                    .severity(severity)
                    .related(ctx.file, first.at(), "the first option with this title")
                    .help("give each option its own title, so the customer and the webhook's reply can tell them apart"),
                );
            }
        }
    }
}

/// A title as a platform that splits buttons sends it: trimmed, and over 20 characters cut to
/// 18 and `..` (WA202).
fn cut_title(title: &str) -> String {
    let title = title.trim();
    if chars(title) <= MAX_BUTTON_TITLE {
        return title.to_string();
    }
    let mut cut: String = title.chars().take(MAX_BUTTON_TITLE - 2).collect();
    cut.push_str("..");
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Document;
    use crate::rules::Rule;
    use crate::source::{parse, Format};

    /// The messages of one registry line's check on a flow written in YAML.
    fn run(rule: Rule, yaml: &str) -> Vec<String> {
        let (problems, findings) = super::super::check_text(yaml, Format::Yaml, &[rule]);
        assert!(problems.is_empty(), "{problems:?}");
        findings.into_iter().map(|f| f.message).collect()
    }

    const HEAD: &str = "flow: f\nentry: a\nkeywords: {STOP: out, AGENT: human}\nnodes:\n  human: {type: handoff}\n  out: {type: opt_out}\n  done: {type: end}\n";

    #[test]
    fn an_unreachable_cycle_is_reported_once() {
        let yaml = format!("{HEAD}  a: {{type: message, text: hi, next: done}}\n  b: {{type: message, text: x, next: c}}\n  c: {{type: message, text: y, next: b}}\n");
        assert_eq!(
            run(rule!(WA207, Flow, unreachable_node), &yaml),
            ["node `b` is unreachable: no path from entry `a` leads to it, nor to the 1 node after it (`c`)"]
        );
    }

    #[test]
    fn the_service_window_closes_after_a_day_and_opens_with_a_reply() {
        let flow = |duration: &str| {
            format!(
                "{HEAD}  a: {{type: wait, duration: {duration}, next: b}}\n  b: {{type: message, text: hi, next: m}}\n  m: {{type: menu, text: q, options: [{{title: x, next: c}}], fallback: c}}\n  c: {{type: message, text: after the reply, next: done}}\n"
            )
        };
        assert!(run(rule!(WA212, Flow, outside_service_window), &flow("23h59m")).is_empty());
        let found = run(rule!(WA212, Flow, outside_service_window), &flow("1d"));
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with(
            "message `b` sends a free-form message 1d after the customer's last reply (a → b)"
        ));
        assert!(found[1].starts_with("menu `m` sends"), "{found:?}");
        // A keyword is the customer writing: what it leads to is inside a new window.
        let keyword = "flow: f\nentry: a\nkeywords: {STOP: out, AGENT: human}\nnodes:\n  a: {type: wait, duration: 2d, next: t}\n  t: {type: template, template: {name: x, language: en}, next: done}\n  human: {type: handoff, text: An agent will reply here.}\n  out: {type: opt_out, text: Bye}\n  done: {type: end}\n";
        assert!(run(rule!(WA212, Flow, outside_service_window), keyword).is_empty());
    }

    #[test]
    fn routing_between_menus_keeps_them_in_a_row() {
        let yaml = format!(
            "{HEAD}  a: {{type: menu, text: q, options: [{{title: x, next: b}}], fallback: a}}\n  b: {{type: condition, branches: [{{when: v, next: c}}], else: c}}\n  c: {{type: menu, text: q, options: [{{title: x, next: d}}], fallback: a}}\n  d: {{type: wait, duration: 5m, next: e}}\n  e: {{type: menu, text: q, options: [{{title: x, next: f}}], fallback: a}}\n  f: {{type: menu, text: q, options: [{{title: x, next: done}}], fallback: a}}\n"
        );
        assert_eq!(
            run(rule!(WA213, Flow, menu_too_deep), &yaml),
            ["menu `f` is the 4th menu in a row before any answer (a → b → c → d → e → f); the project allows at most 3 (`max_depth`)"]
        );
    }

    #[test]
    fn escalation_is_checked_only_where_customers_get() {
        // `trap` loops without a way out; `dead` is WA208's; `lost` is WA207's.
        let yaml = "flow: f\nentry: a\nkeywords: {STOP: out}\nnodes:\n  a: {type: menu, text: q, options: [{title: x, next: human}, {title: y, next: trap}, {title: z, next: dead}], fallback: a}\n  trap: {type: input, text: q, next: trap, fallback: trap}\n  dead: {type: message, text: bye}\n  lost: {type: message, text: x, next: lost}\n  human: {type: handoff}\n  out: {type: opt_out}\n";
        assert_eq!(
            run(rule!(WA204, Flow, escalation_unreachable), yaml),
            ["no handoff can be reached from input `trap` any more: a customer who gets here can no longer ask for a person"]
        );
        assert_eq!(run(rule!(WA208, Flow, dead_end), yaml).len(), 1);
    }

    #[test]
    fn conditions_and_menus_with_a_way_out_are_no_dead_ends() {
        let yaml = format!(
            "{HEAD}  a: {{type: condition, branches: [{{when: v, next: b}}]}}\n  b: {{type: menu, text: q, options: [{{title: x, next: done}}]}}\n"
        );
        assert!(run(rule!(WA208, Flow, dead_end), &yaml).is_empty());
    }

    #[test]
    fn opt_out_words_are_matched_loosely_and_undefined_targets_left_to_wa206() {
        let spaced = "flow: f\nentry: a\nkeywords: {Opt-Out: out}\nnodes:\n  a: {type: end}\n  out: {type: opt_out}\n";
        assert!(run(rule!(WA210, Flow, no_opt_out_keyword), spaced).is_empty());
        let undefined = "flow: f\nentry: a\nkeywords: {STOP: gone}\nnodes:\n  a: {type: end}\n";
        assert!(run(rule!(WA210, Flow, no_opt_out_keyword), undefined).is_empty());
        assert_eq!(run(rule!(WA206, Flow, undefined_node), undefined).len(), 1);
    }

    #[test]
    fn the_opt_out_word_list_is_read() {
        for word in [
            "STOP",
            "stop",
            "Unsubscribe",
            "opt-out",
            "STOPP",
            "parar",
            "Sair",
            "ARRÊT",
            "arrêt",
            "BERHENTI",
        ] {
            assert!(is_opt_out_word(word), "{word}");
        }
        for word in ["AGENT", "MENU", "CANCEL", "HELP"] {
            assert!(!is_opt_out_word(word), "{word}");
        }
        assert!(OPT_OUT_WORDS.len() > 30);
    }

    #[test]
    fn languages_are_suggested_by_their_base_first() {
        let closest = |language: &str, languages: &[&str]| {
            let languages: Vec<LanguageCode> =
                languages.iter().map(|l| LanguageCode::new(*l)).collect();
            let languages: Vec<&LanguageCode> = languages.iter().collect();
            closest_language(&LanguageCode::new(language), &languages).to_string()
        };
        assert_eq!(closest("de", &["en_US", "de_DE"]), "de_DE");
        assert_eq!(closest("en-GB", &["de_DE", "en_US"]), "en_US");
        assert_eq!(closest("pt_BR", &["es", "fr"]), "es");
        assert_eq!(closest("pt_BR", &[]), "");
    }

    #[test]
    fn long_paths_leave_out_their_middle() {
        let yaml = (0..30)
            .map(|i| format!("  n{i}: {{type: message, text: x, next: n{}}}\n", i + 1))
            .collect::<String>();
        let tree = parse(&format!("flow: f\nentry: n0\nnodes:\n{yaml}"), Format::Yaml).unwrap();
        let contents = crate::model::read(&tree);
        let Document::Flow(flow) = &contents.documents[0] else {
            panic!("not a flow");
        };
        let short: Vec<usize> = (0..3).collect();
        assert_eq!(path_text(flow, &short), "n0 → n1 → n2");
        let all: Vec<usize> = (0..30).collect();
        assert_eq!(
            path_text(flow, &all),
            "n0 → n1 → n2 → n3 → n4 → n5 → … (14 more) … → n20 → n21 → n22 → n23 → n24 → n25 → n26 → n27 → n28 → n29"
        );
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(thousands(4203), "4,203");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(ordinal(1), "1st");
        assert_eq!(ordinal(4), "4th");
        assert_eq!(ordinal(12), "12th");
        assert_eq!(ordinal(22), "22nd");
    }

    /// WA215: reply buttons of one menu are unique as sent (trimmed), an error at the second
    /// with the first related; list rows are compared across sections, a warning.
    #[test]
    fn duplicate_option_titles_within_one_message() {
        let buttons = format!(
            "{HEAD}  a:\n    type: menu\n    text: q\n    options:\n      - {{title: Yes, next: done}}\n      - {{title: No, next: done}}\n      - {{title: ' Yes', next: human}}\n    fallback: a\n"
        );
        let (problems, found) = super::super::check_text(
            &buttons,
            Format::Yaml,
            &[rule!(WA215, Flow, duplicate_option_title)],
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(found.len(), 1);
        let tree = parse(&buttons, Format::Yaml).unwrap();
        let pointer = |at: &At| match at {
            At::Node(id) => tree.pointer(*id),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            found[0].message,
            "menu `a` has two reply buttons titled ` Yes` (sent as `Yes`); titles must be unique within a message"
        );
        assert_eq!(found[0].severity, Some(Severity::Error));
        assert_eq!(pointer(&found[0].at), "/nodes/a/options/2/title");
        assert_eq!(pointer(&found[0].related[0].at), "/nodes/a/options/0/title");

        let rows = format!(
            "{HEAD}  a:\n    type: menu\n    text: q\n    button: Choose\n    sections:\n      - title: Berlin\n        options: [{{title: Mitte, next: done}}]\n      - title: Hamburg\n        options: [{{title: Altona, next: done}}, {{title: Mitte, next: done}}]\n    fallback: a\n"
        );
        let (_, found) = super::super::check_text(
            &rows,
            Format::Yaml,
            &[rule!(WA215, Flow, duplicate_option_title)],
        );
        assert_eq!(
            found
                .iter()
                .map(|f| (f.message.as_str(), f.severity))
                .collect::<Vec<_>>(),
            [(
                "menu `a` has two list rows titled `Mitte`; titles must be unique within a message",
                Some(Severity::Warning)
            )]
        );
        let unique = format!(
            "{HEAD}  a:\n    type: menu\n    text: q\n    options:\n      - {{title: Yes, next: done}}\n      - {{title: yes please, next: done}}\n    fallback: a\n"
        );
        assert_eq!(
            run(rule!(WA215, Flow, duplicate_option_title), &unique),
            Vec::<String>::new()
        );
    }

    /// WA214 takes the texts of a node from its one view: a list menu with sections has its
    /// header and footer judged as well as its text; a header written on a node that is not
    /// an interactive message is not judged by the menu limit.
    #[test]
    fn message_length_reads_every_text_of_the_node() {
        let long = "x".repeat(61);
        let yaml = format!(
            "{HEAD}  a:\n    type: menu\n    header: {long}\n    text: q\n    footer: {long}\n    sections:\n      - title: s\n        options: [{{title: x, next: b}}]\n    fallback: a\n  b: {{type: message, header: {long}, text: hi, next: done}}\n"
        );
        assert_eq!(
            run(rule!(WA214, Flow, message_too_long), &yaml),
            [
                "header of menu `a` has 61 characters; WhatsApp allows at most 60",
                "footer of menu `a` has 61 characters; WhatsApp allows at most 60",
            ]
        );
    }
}
