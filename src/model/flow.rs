//! walint's conversation-flow format (spec §4.2): a chatbot as a graph of named nodes.

use super::reader::{Keyword, Reader, Spanned};
use crate::source::NodeId;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeType {
    Message,
    Menu,
    Input,
    Template,
    OptIn,
    OptOut,
    Handoff,
    Wait,
    Condition,
    End,
}

impl Keyword for NodeType {
    const WHAT: &'static str = "node type";
    const ALL: &'static [(&'static str, Self)] = &[
        ("message", NodeType::Message),
        ("menu", NodeType::Menu),
        ("input", NodeType::Input),
        ("template", NodeType::Template),
        ("opt_in", NodeType::OptIn),
        ("opt_out", NodeType::OptOut),
        ("handoff", NodeType::Handoff),
        ("wait", NodeType::Wait),
        ("condition", NodeType::Condition),
        ("end", NodeType::End),
    ];
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MenuStyle {
    Buttons,
    List,
}

impl Keyword for MenuStyle {
    const WHAT: &'static str = "menu style";
    const ALL: &'static [(&'static str, Self)] =
        &[("buttons", MenuStyle::Buttons), ("list", MenuStyle::List)];
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    Agent,
    Phone,
    Email,
    Web,
    Store,
    Form,
}

impl Keyword for Channel {
    const WHAT: &'static str = "handoff channel";
    const ALL: &'static [(&'static str, Self)] = &[
        ("agent", Channel::Agent),
        ("phone", Channel::Phone),
        ("email", Channel::Email),
        ("web", Channel::Web),
        ("store", Channel::Store),
        ("form", Channel::Form),
    ];
}

/// A reference to a template by name and language, from a flow node or a campaign.
#[derive(Clone, Debug)]
pub struct TemplateRef {
    pub node: NodeId,
    pub name: Spanned<String>,
    pub language: Spanned<String>,
}

#[derive(Clone, Debug)]
pub struct MenuOption {
    pub node: NodeId,
    pub title: Option<Spanned<String>>,
    pub description: Option<Spanned<String>>,
    pub next: Option<Spanned<String>>,
}

#[derive(Clone, Debug)]
pub struct Branch {
    pub node: NodeId,
    pub when: Option<Spanned<String>>,
    pub next: Option<Spanned<String>>,
}

#[derive(Clone, Debug)]
pub struct FlowNode {
    /// The node's key under `nodes:`.
    pub id: String,
    /// The node's mapping; its key is where "this node" findings point.
    pub node: NodeId,
    pub kind: Option<Spanned<NodeType>>,
    pub text: Option<Spanned<String>>,
    pub next: Option<Spanned<String>>,
    pub style: Option<Spanned<MenuStyle>>,
    pub options: Option<Spanned<Vec<MenuOption>>>,
    pub fallback: Option<Spanned<String>>,
    pub template: Option<TemplateRef>,
    pub channel: Option<Spanned<Channel>>,
    pub duration: Option<Spanned<String>>,
    pub branches: Vec<Branch>,
    pub otherwise: Option<Spanned<String>>,
}

impl FlowNode {
    pub fn is(&self, kind: NodeType) -> bool {
        matches!(&self.kind, Some(k) if k.value == kind)
    }

    /// Every transition out of this node, in the order they are written.
    pub fn transitions(&self) -> impl Iterator<Item = &Spanned<String>> {
        let options = self.options.iter().flat_map(|o| o.value.iter());
        self.next
            .iter()
            .chain(options.filter_map(|o| o.next.as_ref()))
            .chain(self.fallback.iter())
            .chain(self.branches.iter().filter_map(|b| b.next.as_ref()))
            .chain(self.otherwise.iter())
    }
}

/// A global keyword: `STOP: unsubscribe` jumps to `unsubscribe` from anywhere.
#[derive(Clone, Debug)]
pub struct KeywordRoute {
    pub word: String,
    /// The target node name; its key is the keyword.
    pub target: Spanned<String>,
}

#[derive(Clone, Debug)]
pub struct ConversationFlow {
    pub node: NodeId,
    pub name: Option<Spanned<String>>,
    pub entry: Option<Spanned<String>>,
    pub keywords: Vec<KeywordRoute>,
    pub nodes: Vec<FlowNode>,
}

impl ConversationFlow {
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.id == id)
    }
}

const WHAT: &str = "flow";

pub fn read(r: &mut Reader, node: NodeId) -> ConversationFlow {
    let name = r.required_string(node, "flow", WHAT);
    let entry = r.required_string(node, "entry", WHAT);
    let mut keywords = Vec::new();
    if let Some(map) = r
        .field(node, "keywords")
        .and_then(|k| r.expect_map(k, "keywords"))
    {
        for entry in r.tree.entries(map).to_vec() {
            if let Some(target) = r.string(map, &entry.key) {
                keywords.push(KeywordRoute {
                    word: entry.key.clone(),
                    target,
                });
            }
        }
    }
    let mut nodes = Vec::new();
    match r.field(node, "nodes") {
        None => r.missing(node, "nodes", WHAT),
        Some(map) => {
            if let Some(map) = r.expect_map(map, "nodes") {
                for entry in r.tree.entries(map).to_vec() {
                    if let Some(value) = r.expect_map(entry.value, &entry.key) {
                        nodes.push(read_node(r, entry.key.clone(), value));
                    }
                }
            }
        }
    }
    ConversationFlow {
        node,
        name,
        entry,
        keywords,
        nodes,
    }
}

fn read_node(r: &mut Reader, id: String, node: NodeId) -> FlowNode {
    let what = format!("node `{id}`");
    let kind = r.required_keyword::<NodeType>(node, "type", &what);
    let options = r.field(node, "options").and_then(|list| {
        let items = r.expect_seq(list, "options")?;
        let mut options = Vec::with_capacity(items.len());
        for item in items {
            if let Some(item) = r.expect_map(item, "options[]") {
                options.push(MenuOption {
                    node: item,
                    title: r.string(item, "title"),
                    description: r.string(item, "description"),
                    next: r.string(item, "next"),
                });
            }
        }
        Some(Spanned {
            value: options,
            node: list,
        })
    });
    if matches!(&kind, Some(k) if k.value == NodeType::Menu) && options.is_none() {
        r.missing(node, "options", &what);
    }
    let template = r
        .field(node, "template")
        .and_then(|t| read_template_ref(r, t, &what));
    if matches!(&kind, Some(k) if k.value == NodeType::Template)
        && r.field(node, "template").is_none()
    {
        r.missing(node, "template", &what);
    }
    let mut branches = Vec::new();
    if let Some(list) = r.field(node, "branches") {
        for item in r.expect_seq(list, "branches").unwrap_or_default() {
            if let Some(map) = r.expect_map(item, "branches[]") {
                branches.push(Branch {
                    node: map,
                    when: r.string(map, "when"),
                    next: r.string(map, "next"),
                });
            }
        }
    }
    FlowNode {
        id,
        node,
        kind,
        text: r.string(node, "text"),
        next: r.string(node, "next"),
        style: r.keyword(node, "style"),
        options,
        fallback: r.string(node, "fallback"),
        template,
        channel: r.keyword(node, "channel"),
        duration: r.string(node, "duration"),
        branches,
        otherwise: r.string(node, "else"),
    }
}

/// `{name, language}` — both required.
pub fn read_template_ref(r: &mut Reader, node: NodeId, owner: &str) -> Option<TemplateRef> {
    let map = r.expect_map(node, "template")?;
    let what = format!("the template reference of {owner}");
    let name = r.required_string(map, "name", &what);
    let language = r.required_string(map, "language", &what);
    Some(TemplateRef {
        node: map,
        name: name?,
        language: language?,
    })
}
