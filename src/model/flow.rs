//! walint's conversation-flow format (docs/formats/walint-flow.md): a chatbot as a graph of
//! named nodes.
//!
//! A file holds one flow (`flow:`, `entry:`, `keywords:`, `nodes:`) or a list of them under
//! `flows:` (recognised in `model::read`). Every field keeps its node, so rules can point at
//! it; every schema problem becomes a WA002 finding and reading goes on.

use std::collections::HashSet;

use super::reader::{keyword_enum, AtNode, Inside, Keyword, Reader, Site, Vocabulary};
use super::LanguageCode;
use crate::diagnostic::At;
use crate::source::NodeId;

mod graph;
pub use graph::{Edge, FlowGraph};

keyword_enum! {
    pub enum NodeType: "node type" {
        Message = "message",
        Menu = "menu",
        Input = "input",
        Template = "template",
        OptIn = "opt_in",
        OptOut = "opt_out",
        Handoff = "handoff",
        Wait = "wait",
        Condition = "condition",
        End = "end",
    }
}

keyword_enum! {
    pub enum MenuStyle: "menu style" {
        Buttons = "buttons",
        List = "list",
    }
}

keyword_enum! {
    /// How a `handoff` node reaches a person (the escalation paths the WhatsApp Business
    /// Messaging Policy lists).
    pub enum Channel: "handoff channel" {
        Agent = "agent",
        Phone = "phone",
        Email = "email",
        Web = "web",
        Store = "store",
        Form = "form",
    }
}

/// How a platform sends a menu's options on WhatsApp where it does not follow walint's
/// own `style` (reply buttons up to 3, a list up to 10).
#[derive(Clone, Debug, PartialEq)]
pub enum Presentation {
    /// As many reply-button messages as the options need, this many buttons each (Typebot's
    /// single choice), titles cut to fit.
    SplitButtons(usize),
    /// One message per option, each with one button (Typebot's picture choice).
    MessagePerOption,
    /// Numbered lines of a text message, answered by typing (Typebot's multiple choice,
    /// Twilio Studio's text menus): not capped.
    NumberedText,
    /// The buttons of a Twilio Content template, named by its SID: walint cannot see them.
    ContentTemplate(AtNode<String>),
}

/// A reference to a template by name and language, from a flow node or a campaign.
#[derive(Clone, Debug)]
pub struct TemplateRef {
    pub node: NodeId,
    pub name: AtNode<String>,
    pub language: AtNode<LanguageCode>,
}

#[derive(Clone, Debug)]
pub struct MenuOption {
    pub node: NodeId,
    /// Where inside the string `node` the option is written, when it is (see [`Inside`]).
    pub inside: Option<Inside>,
    pub title: Option<AtNode<String>>,
    pub description: Option<AtNode<String>>,
    pub next: Option<AtNode<String>>,
}

/// A section of a list menu (`sections: [{title, options}]`), as WhatsApp list messages
/// group their rows.
#[derive(Clone, Debug)]
pub struct Section {
    pub node: NodeId,
    /// Where inside the string `node` the section is written, when it is.
    pub inside: Option<Inside>,
    pub title: Option<AtNode<String>>,
    pub options: Vec<MenuOption>,
}

impl MenuOption {
    pub fn site(&self) -> Site {
        Site {
            node: self.node,
            inside: self.inside,
        }
    }
}

impl Section {
    pub fn site(&self) -> Site {
        Site {
            node: self.node,
            inside: self.inside,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Branch {
    pub node: NodeId,
    pub when: Option<AtNode<String>>,
    pub next: Option<AtNode<String>>,
}

/// A `wait` duration such as `30m`, `26h`, `2d` or `1d12h`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Duration {
    pub seconds: u64,
    /// As written, for messages.
    pub text: String,
}

impl Duration {
    pub const DAY: u64 = 24 * 60 * 60;

    /// The units a duration is written in, in lower case (any case is read), with their
    /// seconds. The JSON Schemas' duration pattern is made from this table too.
    pub const UNITS: &'static [(&'static [&'static str], u64)] = &[
        (&["s", "sec", "secs", "second", "seconds"], 1),
        (&["m", "min", "mins", "minute", "minutes"], 60),
        (&["h", "hr", "hrs", "hour", "hours"], 60 * 60),
        (&["d", "day", "days"], Self::DAY),
        (&["w", "week", "weeks"], 7 * Self::DAY),
    ];

    /// Reads `<amount><unit>` pairs, e.g. `26h`, `1d12h` or `2 days`. Units: `s`, `m`, `h`,
    /// `d`, `w` and their English words (`min`, `hours`, `days`, ...).
    pub fn parse(text: &str) -> Result<Duration, String> {
        let written = text.trim();
        if written.is_empty() {
            return Err("is empty".into());
        }
        let mut seconds: u64 = 0;
        let mut rest = written;
        while !rest.is_empty() {
            let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            let (number, after) = rest.split_at(digits);
            let after = after.trim_start();
            let letters = after.len() - after.trim_start_matches(|c: char| c.is_alphabetic()).len();
            let (word, after) = after.split_at(letters);
            if number.is_empty() {
                return Err(match (word.is_empty(), after.chars().next()) {
                    (false, _) => format!("has the unit `{word}` without a number"),
                    (true, Some(c)) => format!("has `{c}`, which is not a number or a unit"),
                    (true, None) => "is empty".into(),
                });
            }
            if word.is_empty() {
                return Err("has a number without a unit".into());
            }
            let word_lower = word.to_lowercase();
            let Some(&(_, unit)) = Self::UNITS
                .iter()
                .find(|(words, _)| words.contains(&word_lower.as_str()))
            else {
                return Err(format!(
                    "has `{word}`, which is not a unit (s, m, h, d or w)"
                ));
            };
            seconds = number
                .parse::<u64>()
                .ok()
                .and_then(|n| n.checked_mul(unit))
                .and_then(|s| s.checked_add(seconds))
                .ok_or("is too large")?;
            rest = after.trim_start();
        }
        Ok(Duration {
            seconds,
            text: written.to_string(),
        })
    }
}

/// Which key of a node a transition is written under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    Next,
    /// `options[i].next` (rows of every section counted in order).
    Option(usize),
    Fallback,
    /// `branches[i].next`.
    Branch(usize),
    Else,
    /// A global keyword, which leads to its target from every node.
    Keyword,
}

#[derive(Clone, Debug)]
pub struct FlowNode {
    /// The node's key under `nodes:`.
    pub id: String,
    /// The node's mapping; its key is where "this node" findings point, unless `name` is set.
    pub node: NodeId,
    /// The value that names the step when its key does not (a Twilio Studio state's or an
    /// n8n node's `name`, in a list): where "this node" findings point instead.
    pub name: Option<NodeId>,
    pub kind: Option<AtNode<NodeType>>,
    pub text: Option<AtNode<String>>,
    pub next: Option<AtNode<String>>,
    /// Menus: `buttons` (the default) or `list`; `sections:` implies a list.
    pub style: Option<AtNode<MenuStyle>>,
    pub options: Option<AtNode<Vec<MenuOption>>>,
    /// List menus may group their rows in sections instead of one `options` list.
    pub sections: Option<AtNode<Vec<Section>>>,
    /// The label of the button that opens a list menu.
    pub button: Option<AtNode<String>>,
    /// Interactive messages (menus): optional text header and footer.
    pub header: Option<AtNode<String>>,
    pub footer: Option<AtNode<String>>,
    pub fallback: Option<AtNode<String>>,
    pub template: Option<TemplateRef>,
    /// A template sent by name only, as RapidPro's `send_msg` names it (without a language):
    /// WA209 and WA211 look it up by name.
    pub template_name: Option<AtNode<String>>,
    /// A Twilio Content template the step sends, by its SID: its buttons or list live in
    /// Twilio's Content API, not in the flow.
    pub content_sid: Option<AtNode<String>>,
    /// Handoffs: how the person is reached (agent by default), and where.
    pub channel: Option<AtNode<Channel>>,
    pub contact: Option<AtNode<String>>,
    pub queue: Option<AtNode<String>>,
    /// Inputs: the variable the answer is stored in.
    pub save_as: Option<AtNode<String>>,
    pub duration: Option<AtNode<Duration>>,
    pub branches: Vec<Branch>,
    pub otherwise: Option<AtNode<String>>,
    /// The platform ends the flow after this step, as RapidPro does at an exit whose
    /// `destination_uuid` is null: the value that says so. walint's own format ends with an
    /// `end` node instead.
    pub ends: Option<NodeId>,
    /// How the platform presents the menu, when it is not `style`.
    pub presentation: Option<Presentation>,
    /// Set on a step that starts the conversation without a customer message (an n8n
    /// schedule or form trigger): what starts it, at the value that says so. The customer
    /// service window is closed there until the customer writes.
    pub unprompted: Option<AtNode<String>>,
}

impl FlowNode {
    /// A step with nothing but its id and node, for readers of foreign formats to fill in.
    pub fn new(id: String, node: NodeId) -> Self {
        FlowNode {
            id,
            node,
            name: None,
            kind: None,
            text: None,
            next: None,
            style: None,
            options: None,
            sections: None,
            button: None,
            header: None,
            footer: None,
            fallback: None,
            template: None,
            template_name: None,
            content_sid: None,
            channel: None,
            contact: None,
            queue: None,
            save_as: None,
            duration: None,
            branches: Vec::new(),
            otherwise: None,
            presentation: None,
            unprompted: None,
            ends: None,
        }
    }

    /// Where a finding about the whole step points: its name, as the format writes it.
    pub fn at(&self) -> At {
        self.name.map_or(At::Key(self.node), At::Node)
    }

    pub fn is(&self, kind: NodeType) -> bool {
        matches!(&self.kind, Some(k) if k.value == kind)
    }

    pub fn node_type(&self) -> Option<NodeType> {
        self.kind.as_ref().map(|k| k.value)
    }

    /// The style a menu is sent as: the written one, else a list when it has sections,
    /// else reply buttons.
    pub fn menu_style(&self) -> MenuStyle {
        match (&self.style, &self.sections) {
            (Some(style), _) => style.value,
            (None, Some(_)) => MenuStyle::List,
            (None, None) => MenuStyle::Buttons,
        }
    }

    /// Every option of a menu: `options`, then the rows of each section.
    pub fn all_options(&self) -> impl Iterator<Item = &MenuOption> {
        let plain = self.options.iter().flat_map(|o| o.value.iter());
        let sections = self
            .sections
            .iter()
            .flat_map(|s| s.value.iter())
            .flat_map(|s| s.options.iter());
        plain.chain(sections)
    }

    /// Every text of the node the customer reads, in the order of the message: header,
    /// text, footer, the list button, then each option's title and description (`options`,
    /// then each section's title and rows).
    pub fn texts<'f>(&'f self) -> Vec<NodeText<'f>> {
        let mut out = Vec::new();
        let mut push = |part: TextPart, text: Option<&'f AtNode<String>>| {
            if let Some(text) = text {
                out.push(NodeText {
                    node: &self.id,
                    part,
                    text,
                });
            }
        };
        push(TextPart::Header, self.header.as_ref());
        push(TextPart::Text, self.text.as_ref());
        push(TextPart::Footer, self.footer.as_ref());
        push(TextPart::Button, self.button.as_ref());
        let options = self.options.iter().flat_map(|o| o.value.iter());
        for (index, option) in options.enumerate() {
            let at = OptionAt {
                section: None,
                index,
            };
            push(TextPart::OptionTitle(at), option.title.as_ref());
            push(TextPart::OptionDescription(at), option.description.as_ref());
        }
        let sections = self.sections.iter().flat_map(|s| s.value.iter());
        for (number, section) in sections.enumerate() {
            push(TextPart::SectionTitle(number), section.title.as_ref());
            for (index, option) in section.options.iter().enumerate() {
                let at = OptionAt {
                    section: Some(number),
                    index,
                };
                push(TextPart::OptionTitle(at), option.title.as_ref());
                push(TextPart::OptionDescription(at), option.description.as_ref());
            }
        }
        out
    }

    /// Every transition out of this node with the key it is written under, in the order
    /// they are written.
    pub fn edges(&self) -> impl Iterator<Item = (Via, &AtNode<String>)> {
        let options = self
            .all_options()
            .enumerate()
            .filter_map(|(i, o)| o.next.as_ref().map(|n| (Via::Option(i), n)));
        let branches = self
            .branches
            .iter()
            .enumerate()
            .filter_map(|(i, b)| b.next.as_ref().map(|n| (Via::Branch(i), n)));
        self.next
            .iter()
            .map(|n| (Via::Next, n))
            .chain(options)
            .chain(self.fallback.iter().map(|n| (Via::Fallback, n)))
            .chain(branches)
            .chain(self.otherwise.iter().map(|n| (Via::Else, n)))
    }

    /// Every transition out of this node, in the order they are written.
    pub fn transitions(&self) -> impl Iterator<Item = &AtNode<String>> {
        self.edges().map(|(_, target)| target)
    }
}

/// Which part of a node's message a text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextPart {
    Header,
    Text,
    Footer,
    /// The label of the button that opens a list menu.
    Button,
    /// The title of a list section (by position, from 0).
    SectionTitle(usize),
    OptionTitle(OptionAt),
    OptionDescription(OptionAt),
}

/// Where an option is written: `options[index]`, or `sections[section].options[index]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OptionAt {
    pub section: Option<usize>,
    pub index: usize,
}

/// A text of a flow node with which part of the message it is, for the rules that read
/// every text (as a template's `texts()`).
#[derive(Clone, Copy, Debug)]
pub struct NodeText<'f> {
    /// The node's id.
    pub node: &'f str,
    pub part: TextPart,
    pub text: &'f AtNode<String>,
}

impl NodeText<'_> {
    /// What the text is, for messages: "text of node `welcome`", "title of option 2 of
    /// section 1 of node `welcome`".
    pub fn what(&self) -> String {
        let node = self.node;
        let option = |at: &OptionAt| match at.section {
            None => format!("option {} of node `{node}`", at.index + 1),
            Some(s) => format!(
                "option {} of section {} of node `{node}`",
                at.index + 1,
                s + 1
            ),
        };
        match &self.part {
            TextPart::Header => format!("header of node `{node}`"),
            TextPart::Text => format!("text of node `{node}`"),
            TextPart::Footer => format!("footer of node `{node}`"),
            TextPart::Button => format!("list button label of node `{node}`"),
            TextPart::SectionTitle(s) => format!("title of section {} of node `{node}`", s + 1),
            TextPart::OptionTitle(at) => format!("title of {}", option(at)),
            TextPart::OptionDescription(at) => format!("description of {}", option(at)),
        }
    }
}

/// A global keyword: `STOP: unsubscribe` jumps to `unsubscribe` from anywhere.
#[derive(Clone, Debug)]
pub struct KeywordRoute {
    pub word: String,
    /// The target node name; its key is the keyword.
    pub target: AtNode<String>,
}

/// The format a flow was written in. Rules say what to change in that format's own words:
/// "add an `Other` category to this router" for RapidPro, "add `fallback:`" for walint's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Dialect {
    /// walint's own `flow:`/`nodes:` YAML.
    #[default]
    Walint,
    /// RapidPro, TextIt, Glific and Weni (the nyaruka flow spec).
    RapidPro,
    Typebot,
    TwilioStudio,
    N8n,
}

impl Dialect {
    /// Every format, in the order of the catalogue's `FORMAT_NAMES` (a rule's `formats:`).
    pub const ALL: [Dialect; 5] = [
        Dialect::Walint,
        Dialect::RapidPro,
        Dialect::Typebot,
        Dialect::TwilioStudio,
        Dialect::N8n,
    ];

    /// The format's name in rule documents (`formats:`) and walint.yaml.
    pub fn key(self) -> &'static str {
        match self {
            Dialect::Walint => "walint",
            Dialect::RapidPro => "rapidpro",
            Dialect::Typebot => "typebot",
            Dialect::TwilioStudio => "twilio-studio",
            Dialect::N8n => "n8n",
        }
    }

    /// Its place in [`Dialect::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// Whether a step with nothing after it ends the conversation the platform's way (a
    /// null destination, a group's last block, a transition without `next`, a node without
    /// connections), rather than being a dead end, and the customer's next message starts
    /// it again from the entry. Only steps that wait for the customer are dead ends there
    /// (WA208), and an end keeps the way to a person open (WA204).
    pub fn ends_when_nothing_follows(self) -> bool {
        !matches!(self, Dialect::Walint)
    }

    /// Whether a menu's question is a message step of its own before the menu (a RapidPro
    /// `send_msg` with quick replies before the router that waits, a Typebot text bubble
    /// before its choice input), rather than the menu's own text (WA213 does not count it
    /// as an answer).
    pub fn asks_in_a_step_of_its_own(self) -> bool {
        matches!(self, Dialect::RapidPro | Dialect::Typebot)
    }

    /// How to message a customer whose service window is closed (WA212).
    pub fn service_window_help(self) -> &'static str {
        match self {
            Dialect::Walint => "send an approved template here (a `template` node, e.g. with a quick-reply button) and continue with free-form messages once the customer has replied",
            Dialect::RapidPro => "send a WhatsApp template here (a `send_msg` with a template) and continue with free-form messages once the customer has replied",
            Dialect::Typebot => "start again from a WhatsApp template (Typebot cannot send one itself: send it from your WhatsApp Business account) and continue once the customer has replied",
            Dialect::TwilioStudio => "send an approved Content template here (a `send-message` widget with a content SID) and continue once the customer has replied",
            Dialect::N8n => "send an approved template here (the WhatsApp node's `Send Template` operation) and continue with free-form messages once the customer has replied",
        }
    }

    /// The platform's name, as its users know it.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Walint => "walint flow",
            Dialect::RapidPro => "RapidPro",
            Dialect::Typebot => "Typebot",
            Dialect::TwilioStudio => "Twilio Studio",
            Dialect::N8n => "n8n",
        }
    }

    /// What a step lacks when nothing handles an unexpected answer (WA205).
    pub fn no_fallback(self) -> &'static str {
        match self {
            Dialect::Walint => "has no `fallback`",
            Dialect::RapidPro => "has no destination for its default (`Other`) category",
            Dialect::Typebot => "has no way on for other answers",
            Dialect::TwilioStudio => "has no `noMatch` transition",
            Dialect::N8n => "has no fallback output",
        }
    }

    /// What a step lacks when it leads nowhere (WA208).
    pub fn no_next(self) -> &'static str {
        match self {
            Dialect::Walint => "it has no `next`",
            Dialect::RapidPro => "none of its exits has a destination",
            Dialect::Typebot => "no edge leaves it",
            Dialect::TwilioStudio => "no transition has a `next`",
            Dialect::N8n => "its output is connected to nothing",
        }
    }

    /// How to give a menu or question somewhere to go for an answer it does not expect
    /// (WA205).
    pub fn fallback_help(self) -> &'static str {
        match self {
            Dialect::Walint => "add `fallback: <node>` pointing at a node that explains the choices again or hands off to a person",
            Dialect::RapidPro => "connect the router's `Other` category (its `default_category_uuid`) to a node that explains the choices again or opens a ticket",
            Dialect::Typebot => "add an item (or the input's retry message) for unexpected answers that leads to a block explaining the choices again or handing off to a person",
            Dialect::TwilioStudio => "connect the `noMatch` transition of the split to a widget that explains the choices again or sends the customer to Flex",
            Dialect::N8n => "add a fallback output (the Switch node's `fallbackOutput`) leading to a node that explains the choices again or hands off to a person",
        }
    }

    /// How to reach a person (WA203, WA204).
    pub fn handoff_help(self) -> &'static str {
        match self {
            Dialect::Walint => "add a `handoff` node (agent, phone, email, web, store or form) and a way to it, e.g. a menu option or a global keyword such as `AGENT: human`",
            Dialect::RapidPro => "add an `open_ticket` action (or a message with a phone number, email or link to a person) and a way to it, e.g. a quick reply or an AGENT keyword trigger",
            Dialect::Typebot => "add a way to a person, e.g. a choice leading to a Chatwoot block or a webhook to your helpdesk (name it as a handoff in walint.yaml)",
            Dialect::TwilioStudio => "add a `send-to-flex` widget and a transition to it, e.g. a condition of a split on the customer's reply",
            Dialect::N8n => "add a node that hands the conversation to a person (Chatwoot, your helpdesk; name it as a handoff in walint.yaml) and a connection to it",
        }
    }

    /// How to keep a way to a person from a step that has lost it (WA204).
    pub fn escalation_help(self) -> &'static str {
        match self {
            Dialect::Walint => "add an option or fallback that leads to a handoff node, or a global keyword such as `AGENT: human`, which works from every node",
            Dialect::RapidPro => "add a category or quick reply that leads to an `open_ticket` node, or an AGENT keyword trigger, which works from every node",
            Dialect::Typebot => "add a choice that leads to the block that hands off to a person",
            Dialect::TwilioStudio => "add a condition (or the `noMatch` transition) that leads to a `send-to-flex` widget",
            Dialect::N8n => "connect an output of this node to the node that hands off to a person",
        }
    }

    /// How to let a step lead on (WA208).
    pub fn dead_end_help(self) -> &'static str {
        match self {
            Dialect::Walint => "add `next` to the node that should follow, or end the conversation with an `end` node",
            Dialect::RapidPro => "connect the exits of this node (their `destination_uuid`) to the node that should follow",
            Dialect::Typebot => "connect this block to the group that should follow",
            Dialect::TwilioStudio => "give the transition a `next` widget",
            Dialect::N8n => "connect this node's output to the node that should follow",
        }
    }

    /// How to lead to an unreachable step (WA207).
    pub fn unreachable_help(self) -> &'static str {
        match self {
            Dialect::Walint => "lead to it from another node (a menu option, `next`, `fallback`) or a keyword, or delete it",
            Dialect::RapidPro => "connect an exit of another node (its `destination_uuid`) to it, or delete it",
            Dialect::Typebot => "connect an edge of another block to its group, or delete it",
            Dialect::TwilioStudio => "name it as the `next` of a transition of another widget, or delete it",
            Dialect::N8n => "connect another node's output to it, or delete it",
        }
    }

    /// How to fix a transition to a step that does not exist (WA206).
    pub fn undefined_help(self, name: &str) -> String {
        match self {
            Dialect::Walint => format!("correct the name, or add a node `{name}` under `nodes:`"),
            Dialect::RapidPro => format!("point the exit at the uuid of a node of this flow, or set it to null to end the flow there (no node has uuid `{name}`)"),
            Dialect::Typebot => format!("point the edge at a group or block of this typebot (none has id `{name}`)"),
            Dialect::TwilioStudio => format!("correct the name, or add a state `{name}` to `states`"),
            Dialect::N8n => format!("correct the node name in `connections`, or add a node `{name}`"),
        }
    }
}

/// Where a person can be reached from (WA203): walint's flows each on their own; the flows
/// of one platform export together, as a conversation may go on in any of them. On a
/// platform, a flow that never waits for the customer holds nobody: their replies reach the
/// platform's inbox, where people answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Escalation {
    #[default]
    Flow,
    Export {
        /// How many flows the export holds.
        flows: usize,
        /// This is its first flow, where a finding about the whole export is reported.
        first: bool,
        /// Some flow of the export hands off to a person.
        hands_off: bool,
        /// Some flow of the export waits for the customer's reply.
        waits: bool,
    },
}

#[derive(Clone, Debug)]
pub struct ConversationFlow {
    pub node: NodeId,
    /// The format it was read from, whose words rules use in their help.
    pub dialect: Dialect,
    pub escalation: Escalation,
    pub name: Option<AtNode<String>>,
    pub entry: Option<AtNode<String>>,
    /// The `keywords` mapping, if written.
    pub keywords_node: Option<NodeId>,
    pub keywords: Vec<KeywordRoute>,
    /// The nodes in the order written; a node id written twice is read once (the first).
    pub nodes: Vec<FlowNode>,
    /// The graph of `nodes`, `keywords` and `entry` as they were read.
    graph: FlowGraph,
}

impl ConversationFlow {
    /// A flow of these parts, with its graph built once.
    pub fn new(
        dialect: Dialect,
        node: NodeId,
        name: Option<AtNode<String>>,
        entry: Option<AtNode<String>>,
        keywords_node: Option<NodeId>,
        keywords: Vec<KeywordRoute>,
        nodes: Vec<FlowNode>,
    ) -> Self {
        let graph = FlowGraph::new(&nodes, &keywords, entry.as_ref());
        ConversationFlow {
            node,
            dialect,
            escalation: Escalation::Flow,
            name,
            entry,
            keywords_node,
            keywords,
            nodes,
            graph,
        }
    }

    /// The flow's graph, shared by every rule.
    pub fn graph(&self) -> &FlowGraph {
        &self.graph
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.id == id)
    }

    /// The flow's name, or `flow` when it has none.
    pub fn display_name(&self) -> &str {
        self.name.as_ref().map_or("flow", |n| n.value.as_str())
    }
}

const WHAT: &str = "flow";

/// The keys of each mapping of the format; any other is reported (WA002).
pub(crate) const FLOW_KEYS: &[&str] = &["flow", "entry", "keywords", "nodes"];
pub(crate) const NODE_KEYS: &[&str] = &[
    "type", "text", "next", "style", "options", "sections", "button", "header", "footer",
    "fallback", "template", "channel", "contact", "queue", "save_as", "duration", "branches",
    "else",
];
pub(crate) const OPTION_KEYS: &[&str] = &["title", "description", "next"];
pub(crate) const SECTION_KEYS: &[&str] = &["title", "options"];
pub(crate) const BRANCH_KEYS: &[&str] = &["when", "next"];
pub(crate) const TEMPLATE_REF_KEYS: &[&str] = &["name", "language"];

pub fn read(r: &mut Reader, node: NodeId) -> ConversationFlow {
    let name_for_keys = r
        .tree
        .get(node, "flow")
        .and_then(|n| r.tree.as_str(n))
        .map_or_else(|| WHAT.to_string(), |n| format!("flow `{n}`"));
    r.unknown_keys(node, FLOW_KEYS, &name_for_keys, Vocabulary::Walint);
    let name = r.required_string(node, "flow", WHAT);
    let entry = r.required_string(node, "entry", WHAT);
    let mut keywords = Vec::new();
    let keywords_node = r
        .field(node, "keywords")
        .and_then(|k| r.expect_map(k, "keywords"));
    if let Some(map) = keywords_node {
        let mut seen = HashSet::new();
        for entry in r.tree.entries(map).to_vec() {
            if !seen.insert(entry.key.clone()) {
                continue;
            }
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
                let mut seen = HashSet::new();
                for entry in r.tree.entries(map).to_vec() {
                    // A duplicate key is reported by the loader; the first one counts.
                    if !seen.insert(entry.key.clone()) {
                        continue;
                    }
                    if let Some(value) = r.expect_map(entry.value, &entry.key) {
                        nodes.push(read_node(r, entry.key.clone(), value));
                    }
                }
            }
        }
    }
    ConversationFlow::new(
        Dialect::Walint,
        node,
        name,
        entry,
        keywords_node,
        keywords,
        nodes,
    )
}

fn read_options(r: &mut Reader, list: NodeId, owner: &str) -> Option<Vec<MenuOption>> {
    let items = r.expect_seq(list, "options")?;
    let mut options = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        if let Some(item) = r.expect_map(item, "options[]") {
            let what = format!("option {} of {owner}", i + 1);
            r.unknown_keys(item, OPTION_KEYS, &what, Vocabulary::Walint);
            options.push(MenuOption {
                node: item,
                inside: None,
                title: r.required_string(item, "title", &what),
                description: r.string(item, "description"),
                next: r.required_string(item, "next", &what),
            });
        }
    }
    Some(options)
}

fn read_sections(r: &mut Reader, list: NodeId, owner: &str) -> Option<Vec<Section>> {
    let items = r.expect_seq(list, "sections")?;
    let mut sections = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let Some(item) = r.expect_map(item, "sections[]") else {
            continue;
        };
        let what = format!("section {} of {owner}", i + 1);
        r.unknown_keys(item, SECTION_KEYS, &what, Vocabulary::Walint);
        let title = r.string(item, "title");
        let options = match r.field(item, "options") {
            Some(list) => read_options(r, list, &what).unwrap_or_default(),
            None => {
                r.missing(item, "options", &what);
                Vec::new()
            }
        };
        sections.push(Section {
            node: item,
            inside: None,
            title,
            options,
        });
    }
    Some(sections)
}

fn read_duration(r: &mut Reader, node: NodeId) -> Option<AtNode<Duration>> {
    let text = r.string(node, "duration")?;
    match Duration::parse(&text.value) {
        Ok(value) => Some(AtNode::new(value, text.node)),
        Err(why) => {
            r.problem(
                At::Node(text.node),
                format!(
                    "`duration` `{}` {why}; write a number with a unit, like 30m, 26h or 2d",
                    text.value
                ),
            );
            None
        }
    }
}

fn read_node(r: &mut Reader, id: String, node: NodeId) -> FlowNode {
    let what = format!("node `{id}`");
    r.unknown_keys(node, NODE_KEYS, &what, Vocabulary::Walint);
    let kind = r.required_keyword::<NodeType>(node, "type", &what);
    let kind_is = |k: NodeType| matches!(&kind, Some(s) if s.value == k);
    let options = r
        .field(node, "options")
        .and_then(|list| read_options(r, list, &what).map(|value| AtNode::new(value, list)));
    let sections = r
        .field(node, "sections")
        .and_then(|list| read_sections(r, list, &what).map(|value| AtNode::new(value, list)));
    let style = r.keyword::<MenuStyle>(node, "style");
    if kind_is(NodeType::Menu) {
        match (&options, &sections) {
            (None, None) => r.missing(node, "options", &what),
            (Some(_), Some(s)) => r.problem(
                At::Key(s.node),
                format!("{what} has both `options` and `sections`; a menu uses one of them"),
            ),
            _ => {}
        }
        if let (Some(s), Some(style)) = (&sections, &style) {
            if style.value == MenuStyle::Buttons {
                r.problem(
                    At::Key(s.node),
                    format!("{what} has `sections`, which only list menus have (`style: list`)"),
                );
            }
        }
    }
    let template = r
        .field(node, "template")
        .and_then(|t| read_template_ref(r, t, &what));
    if kind_is(NodeType::Template) && r.field(node, "template").is_none() {
        r.missing(node, "template", &what);
    }
    let mut branches = Vec::new();
    if let Some(list) = r.field(node, "branches") {
        for (i, item) in r
            .expect_seq(list, "branches")
            .unwrap_or_default()
            .into_iter()
            .enumerate()
        {
            if let Some(map) = r.expect_map(item, "branches[]") {
                let branch = format!("branch {} of {what}", i + 1);
                r.unknown_keys(map, BRANCH_KEYS, &branch, Vocabulary::Walint);
                branches.push(Branch {
                    node: map,
                    when: r.required_string(map, "when", &branch),
                    next: r.required_string(map, "next", &branch),
                });
            }
        }
    } else if kind_is(NodeType::Condition) {
        r.missing(node, "branches", &what);
    }
    let text = if kind_is(NodeType::Message) {
        r.required_string(node, "text", &what)
    } else {
        r.string(node, "text")
    };
    let duration = if kind_is(NodeType::Wait) && r.field(node, "duration").is_none() {
        r.missing(node, "duration", &what);
        None
    } else {
        read_duration(r, node)
    };
    let channel = r.keyword::<Channel>(node, "channel");
    let contact = r.string(node, "contact");
    if let Some(channel) = &channel {
        if kind_is(NodeType::Handoff) && channel.value != Channel::Agent && contact.is_none() {
            r.problem(
                At::Key(node),
                format!(
                    "{what} hands off by {} but has no `contact` (the number, address or link customers use)",
                    channel.value.name()
                ),
            );
        }
    }
    FlowNode {
        id,
        node,
        name: None,
        kind,
        text,
        next: r.string(node, "next"),
        style,
        options,
        sections,
        button: r.string(node, "button"),
        header: r.string(node, "header"),
        footer: r.string(node, "footer"),
        fallback: r.string(node, "fallback"),
        template,
        template_name: None,
        content_sid: None,
        channel,
        contact,
        queue: r.string(node, "queue"),
        save_as: r.string(node, "save_as"),
        duration,
        branches,
        otherwise: r.string(node, "else"),
        ends: None,
        presentation: None,
        unprompted: None,
    }
}

/// `{name, language}` — both required.
pub fn read_template_ref(r: &mut Reader, node: NodeId, owner: &str) -> Option<TemplateRef> {
    let map = r.expect_map(node, "template")?;
    let what = format!("the template reference of {owner}");
    r.unknown_keys(map, TEMPLATE_REF_KEYS, &what, Vocabulary::Walint);
    let name = r.required_string(map, "name", &what);
    let language = r.required_string(map, "language", &what);
    Some(TemplateRef {
        node: map,
        name: name?,
        language: language?.map(LanguageCode::new),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model;
    use crate::source::{parse, Format};

    fn read_flow(text: &str) -> (Vec<ConversationFlow>, Vec<String>) {
        let tree = parse(text, Format::Yaml).unwrap();
        let contents = model::read(&tree);
        let flows = contents
            .documents
            .into_iter()
            .filter_map(|d| match d {
                model::Document::Flow(f) => Some(f),
                _ => None,
            })
            .collect();
        let problems = contents.problems.into_iter().map(|p| p.message).collect();
        (flows, problems)
    }

    #[test]
    fn the_formats_are_those_of_the_dialects() {
        let keys: Vec<&str> = Dialect::ALL.iter().map(|d| d.key()).collect();
        assert_eq!(keys, crate::catalogue::FORMAT_NAMES);
        for (index, dialect) in Dialect::ALL.iter().enumerate() {
            assert_eq!(dialect.index(), index);
        }
    }

    #[test]
    fn durations_take_units_and_combinations() {
        let seconds = |t: &str| Duration::parse(t).map(|d| d.seconds);
        assert_eq!(seconds("30m"), Ok(1800));
        assert_eq!(seconds("26h"), Ok(26 * 3600));
        assert_eq!(seconds("2d"), Ok(2 * 86_400));
        assert_eq!(seconds("1d12h"), Ok(36 * 3600));
        assert_eq!(seconds("1w"), Ok(7 * 86_400));
        assert_eq!(seconds(" 90S "), Ok(90));
        assert_eq!(seconds("1d 12h"), Ok(36 * 3600));
        assert!(seconds("").is_err());
        assert!(seconds("3600").unwrap_err().contains("without a unit"));
        assert!(seconds("h").unwrap_err().contains("without a number"));
        assert_eq!(seconds("2 days"), Ok(2 * 86_400));
        assert_eq!(seconds("1 hour 30 min"), Ok(5400));
        assert!(seconds("2 fortnights")
            .unwrap_err()
            .contains("`fortnights`"));
        assert!(seconds("-2h").unwrap_err().contains("`-`"));
        assert!(seconds("99999999999999999999d")
            .unwrap_err()
            .contains("too large"));
        assert!(seconds("9999999999999999w")
            .unwrap_err()
            .contains("too large"));
    }

    #[test]
    fn reads_every_node_type_and_its_fields() {
        let text = r#"
flow: bot
entry: welcome
keywords: {STOP: bye, AGENT: human}
nodes:
  welcome:
    type: menu
    style: list
    button: "Choose"
    header: "Acme"
    footer: "Reply STOP to opt out"
    text: "Hi"
    sections:
      - title: "Orders"
        options:
          - {title: "Track", description: "Where is it?", next: ask}
      - title: "Help"
        options:
          - {title: "Person", next: human}
    fallback: welcome
  ask: {type: input, text: "Order number?", save_as: order_id, next: check, fallback: ask}
  check:
    type: condition
    branches:
      - {when: "order.found", next: later}
    else: human
  later: {type: wait, duration: 26h, next: promo}
  promo: {type: template, template: {name: spring_sale, language: en_US}, next: done}
  human: {type: handoff, channel: phone, contact: "+49 30 1234567", queue: support}
  bye: {type: opt_out}
  done: {type: end}
"#;
        let (flows, problems) = read_flow(text);
        assert!(problems.is_empty(), "{problems:?}");
        let flow = &flows[0];
        assert_eq!(flow.keywords.len(), 2);
        let welcome = &flow.nodes[0];
        assert_eq!(welcome.menu_style(), MenuStyle::List);
        assert_eq!(welcome.all_options().count(), 2);
        let edges: Vec<(Via, &str)> = welcome
            .edges()
            .map(|(via, t)| (via, t.value.as_str()))
            .collect();
        assert_eq!(
            edges,
            [
                (Via::Option(0), "ask"),
                (Via::Option(1), "human"),
                (Via::Fallback, "welcome")
            ]
        );
        assert_eq!(welcome.button.as_ref().unwrap().value, "Choose");
        assert_eq!(flow.nodes[1].save_as.as_ref().unwrap().value, "order_id");
        let check: Vec<Via> = flow.nodes[2].edges().map(|(via, _)| via).collect();
        assert_eq!(check, [Via::Branch(0), Via::Else]);
        assert_eq!(
            flow.nodes[3].duration.as_ref().unwrap().value.seconds,
            26 * 3600
        );
        let human = &flow.nodes[5];
        assert_eq!(human.channel.as_ref().unwrap().value, Channel::Phone);
        assert_eq!(human.contact.as_ref().unwrap().value, "+49 30 1234567");
        assert_eq!(human.queue.as_ref().unwrap().value, "support");
    }

    #[test]
    fn schema_problems_of_flow_nodes() {
        let text = r#"
flow: bot
entry: a
nodes:
  a: {type: wait, duration: 2 sleeps, next: b}
  b: {type: wait}
  c: {type: condition, else: a}
  d: {type: handoff, channel: email}
  e: {type: message}
  f:
    type: menu
    style: buttons
    sections:
      - options: [{title: "x"}]
  g: {type: menu, options: [{next: a}], sections: []}
"#;
        let (_, problems) = read_flow(text);
        let expected = [
            "`duration` `2 sleeps` has `sleeps`, which is not a unit (s, m, h, d or w); write a number with a unit, like 30m, 26h or 2d",
            "node `b` is missing the required field `duration`",
            "node `c` is missing the required field `branches`",
            "node `d` hands off by email but has no `contact` (the number, address or link customers use)",
            "node `e` is missing the required field `text`",
            "option 1 of section 1 of node `f` is missing the required field `next`",
            "node `f` has `sections`, which only list menus have (`style: list`)",
            "option 1 of node `g` is missing the required field `title`",
            "node `g` has both `options` and `sections`; a menu uses one of them",
        ];
        assert_eq!(problems, expected);
    }

    #[test]
    fn a_node_written_twice_is_read_once() {
        let (flows, _) = read_flow(
            "flow: bot\nentry: a\nnodes:\n  a: {type: end}\n  a: {type: message, text: x}\n",
        );
        assert_eq!(flows[0].nodes.len(), 1);
        assert!(flows[0].nodes[0].is(NodeType::End));
    }

    #[test]
    fn a_file_may_hold_a_list_of_flows() {
        let text = "flows:\n  - flow: one\n    entry: a\n    nodes: {a: {type: end}}\n  - flow: two\n    entry: b\n    nodes: {b: {type: end}}\n";
        let (flows, problems) = read_flow(text);
        assert!(problems.is_empty(), "{problems:?}");
        let names: Vec<&str> = flows.iter().map(|f| f.display_name()).collect();
        assert_eq!(names, ["one", "two"]);
    }

    #[test]
    fn a_node_lists_every_text_the_customer_reads() {
        let text = "flow: f\nentry: a\nnodes:\n  a:\n    type: menu\n    style: list\n    header: H\n    text: T\n    footer: F\n    button: B\n    sections:\n      - title: S\n        options: [{title: R, description: D, next: a}]\n    fallback: a\n  b: {type: menu, text: T, options: [{title: O, next: a}, {title: P, description: Q, next: a}]}\n";
        let (flows, problems) = read_flow(text);
        assert!(problems.is_empty(), "{problems:?}");
        let texts = |node: &FlowNode| -> Vec<(String, String)> {
            node.texts()
                .iter()
                .map(|t| (t.what(), t.text.value.clone()))
                .collect()
        };
        let owned = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(w, v)| (w.to_string(), v.to_string()))
                .collect()
        };
        assert_eq!(
            texts(&flows[0].nodes[0]),
            owned(&[
                ("header of node `a`", "H"),
                ("text of node `a`", "T"),
                ("footer of node `a`", "F"),
                ("list button label of node `a`", "B"),
                ("title of section 1 of node `a`", "S"),
                ("title of option 1 of section 1 of node `a`", "R"),
                ("description of option 1 of section 1 of node `a`", "D"),
            ])
        );
        assert_eq!(
            texts(&flows[0].nodes[1]),
            owned(&[
                ("text of node `b`", "T"),
                ("title of option 1 of node `b`", "O"),
                ("title of option 2 of node `b`", "P"),
                ("description of option 2 of node `b`", "Q"),
            ])
        );
        let parts: Vec<TextPart> = flows[0].nodes[1].texts().iter().map(|t| t.part).collect();
        let at = |index| OptionAt {
            section: None,
            index,
        };
        assert_eq!(
            parts,
            [
                TextPart::Text,
                TextPart::OptionTitle(at(0)),
                TextPart::OptionTitle(at(1)),
                TextPart::OptionDescription(at(1)),
            ]
        );
    }
}
