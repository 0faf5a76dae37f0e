//! Conversation-flow rules (WA2xx).

use super::graph::FlowGraph;
use super::DocumentContext;
use crate::config::Config;
use crate::diagnostic::{At, FileFinding, Finding, Severity};
use crate::model::flow::{FlowNode, MenuStyle, NodeType};
use crate::model::template::Category;
use crate::model::{ConversationFlow, Document};
use crate::workspace::Workspace;

/// WhatsApp's caps: reply-button messages carry 1–3 buttons, list messages 1–10 rows.
const MAX_REPLY_BUTTONS: usize = 3;
const MAX_LIST_ROWS: usize = 10;
const DEFAULT_MAX_OPTIONS: f64 = 5.0;

fn flow_of<'a>(ctx: &DocumentContext<'a>) -> Option<&'a ConversationFlow> {
    match ctx.document {
        Document::Flow(flow) => Some(flow),
        _ => None,
    }
}

/// WA201 menu-overloaded.
pub fn menu_overloaded(ctx: &DocumentContext, out: &mut Vec<Finding>) {
    let Some(flow) = flow_of(ctx) else { return };
    let max_options = ctx
        .config
        .number("WA201", "max_options", DEFAULT_MAX_OPTIONS);
    for node in flow.nodes.iter().filter(|n| n.is(NodeType::Menu)) {
        let Some(options) = &node.options else {
            continue;
        };
        let count = options.value.len();
        let list = matches!(&node.style, Some(s) if s.value == MenuStyle::List);
        let (kind, limit) = if list {
            ("list menu", MAX_LIST_ROWS)
        } else {
            ("reply-button menu", MAX_REPLY_BUTTONS)
        };
        let at = At::Key(options.node);
        if count > limit {
            let help = if list {
                "split the list into a first question and follow-up menus"
            } else {
                "use `style: list` (up to 10 rows) or split the menu into steps"
            };
            out.push(
                Finding::new(
                    "WA201",
                    at,
                    format!(
                        "{kind} `{}` has {count} options; WhatsApp shows at most {limit}",
                        node.id
                    ),
                )
                .help(help),
            );
        } else if count as f64 > max_options {
            out.push(
                Finding::new(
                    "WA201",
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

/// WA203 no-human-escalation.
pub fn no_human_escalation(ctx: &DocumentContext, out: &mut Vec<Finding>) {
    let Some(flow) = flow_of(ctx) else { return };
    let Some(entry) = &flow.entry else { return };
    let graph = FlowGraph::new(flow);
    if graph.entry.is_none() {
        return;
    }
    let reached = graph.search(&|_| false);
    let handoffs: Vec<&FlowNode> = flow
        .nodes
        .iter()
        .filter(|n| n.is(NodeType::Handoff))
        .collect();
    if flow
        .nodes
        .iter()
        .enumerate()
        .any(|(i, n)| reached[i].is_some() && n.is(NodeType::Handoff))
    {
        return;
    }
    let name = flow
        .name
        .as_ref()
        .map(|n| n.value.as_str())
        .unwrap_or("flow");
    let help = "add a `handoff` node (agent, phone, email, web, store or form) and a way to it, \
                e.g. a menu option or a global keyword such as `AGENT: human`";
    let finding = if handoffs.is_empty() {
        Finding::new(
            "WA203",
            At::Node(entry.node),
            format!("flow `{name}` has no handoff node: customers can never reach a person"),
        )
    } else {
        let names: Vec<String> = handoffs.iter().map(|h| format!("`{}`", h.id)).collect();
        let mut finding = Finding::new(
            "WA203",
            At::Node(entry.node),
            format!(
                "no handoff node is reachable from entry `{}`: {} exists but no path leads to it",
                entry.value,
                names.join(", ")
            ),
        );
        for handoff in handoffs {
            finding = finding.related(ctx.file, At::Key(handoff.node), "unreachable handoff node");
        }
        finding
    };
    out.push(finding.help(help));
}

/// WA209 missing-opt-in: a path from the entry to a MARKETING template avoiding every
/// `opt_in` node.
pub fn missing_opt_in(workspace: &Workspace, _config: &Config, out: &mut Vec<FileFinding>) {
    for (file, document) in workspace.documents() {
        let Document::Flow(flow) = document else {
            continue;
        };
        let graph = FlowGraph::new(flow);
        let mut parent = None;
        for (index, node) in flow.nodes.iter().enumerate() {
            let Some(reference) = &node.template else {
                continue;
            };
            if !node.is(NodeType::Template) {
                continue;
            }
            let Some((template_file, template)) =
                workspace.template(&reference.name.value, &reference.language.value)
            else {
                continue;
            };
            if !matches!(&template.category, Some(c) if c.value == Category::Marketing) {
                continue;
            }
            let parent =
                parent.get_or_insert_with(|| graph.search(&|n| flow.nodes[n].is(NodeType::OptIn)));
            if parent[index].is_none() {
                continue;
            }
            let path: Vec<&str> = FlowGraph::path(parent, index)
                .into_iter()
                .map(|i| flow.nodes[i].id.as_str())
                .collect();
            out.push(FileFinding {
                file,
                finding: Finding::new(
                    "WA209",
                    At::Node(reference.name.node),
                    format!(
                        "marketing template `{}` is sent without consent: the path {} passes no opt_in node",
                        reference.name.value,
                        path.join(" → ")
                    ),
                )
                .help(format!(
                    "ask for consent first: route the path through an `opt_in` node before `{}`",
                    node.id
                ))
                .related(
                    template_file,
                    At::Node(template.category.as_ref().map_or(template.node, |c| c.node)),
                    format!("`{}` is a MARKETING template", reference.name.value),
                ),
            });
        }
    }
}
