//! Meta's Flow JSON (WhatsApp Flows), versions 2.1 to 7.3: screens, their layout, the
//! components on them and the actions those components run.
//!
//! The model keeps what the rules read, each value with its node. Wrong JSON types are
//! schema problems (WA002) collected while reading; everything that is Flow JSON vocabulary
//! (a missing `id`, an unknown component `type`, an action name Meta does not know) is left
//! to the WA3xx rules, which know the file's version. Properties the model does not know are
//! kept as they are: Meta adds some with every version.
//!
//! A template's FLOW button may carry a whole Flow JSON as a string (`flow_json`): it is read
//! here too, once, into a document of its own tree whose origin is that string
//! ([`read_in_string`]).

pub mod catalogue;

use super::reader::{AtNode, Reader};
use super::{Document, Embedded};
use crate::catalogue::RuleId;
use crate::diagnostic::{At, Finding};
use crate::source::{self, Format, NodeId, Tree, Value};
use catalogue::Version;

/// What reports the problems of a Flow JSON written in a string (it is not JSON, not a Flow, or
/// has values of the wrong type): WA301 flow-json-structure, not the schema rule of the file
/// the string is in.
pub const EMBEDDED_PROBLEM: RuleId = RuleId::WA301;

/// Properties that hold a component's options, list items or images.
pub const OPTION_PROPERTIES: [&str; 3] = ["data-source", "list-items", "images"];

#[derive(Clone, Debug)]
pub struct WhatsAppFlow {
    pub node: NodeId,
    /// `"major.minor"`, as written (a number is kept as its text).
    pub version: Option<AtNode<String>>,
    /// The version the flow is checked against: `version` when it reads as one; the newest
    /// the catalogue knows when there is none, it does not read, or it is newer than that.
    pub checked_version: Version,
    pub data_api_version: Option<AtNode<String>>,
    /// Only valid below Flow JSON 3.0.
    pub data_channel_uri: Option<AtNode<String>>,
    pub routing_model: Option<RoutingModel>,
    /// The `screens` list, when it is one.
    pub screens_node: Option<NodeId>,
    pub screens: Vec<Screen>,
}

impl WhatsAppFlow {
    /// The version as messages name it: as written, or the one it is checked against when
    /// none is written.
    pub fn version_text(&self) -> String {
        match &self.version {
            Some(v) => v.value.clone(),
            None => self.checked_version.to_string(),
        }
    }

    pub fn screen_ids(&self) -> Vec<&str> {
        self.screens.iter().filter_map(Screen::id).collect()
    }

    /// The first `data_exchange` action: the flow talks to an endpoint.
    pub fn data_exchange(&self) -> Option<&Action> {
        self.screens
            .iter()
            .flat_map(Screen::components)
            .flat_map(Component::all_actions)
            .find(|a| a.is("data_exchange"))
    }
}

/// `routing_model`: each screen id mapped to the screens it may go to next.
#[derive(Clone, Debug)]
pub struct RoutingModel {
    pub node: NodeId,
    pub routes: Vec<Route>,
}

#[derive(Clone, Debug)]
pub struct Route {
    /// The screen id, as the mapping's key.
    pub from: String,
    /// The list under the key; its key span is where the screen id is written.
    pub node: NodeId,
    pub to: Vec<AtNode<String>>,
}

#[derive(Clone, Debug)]
pub struct Screen {
    pub node: NodeId,
    pub id: Option<AtNode<String>>,
    pub title: Option<AtNode<String>>,
    pub terminal: Option<AtNode<bool>>,
    pub success: Option<AtNode<bool>>,
    pub refresh_on_back: Option<AtNode<bool>>,
    /// The `data` mapping's fields.
    pub data: Vec<DataField>,
    pub layout: Option<Layout>,
}

impl Screen {
    pub fn is_terminal(&self) -> bool {
        matches!(&self.terminal, Some(t) if t.value)
    }

    pub fn id(&self) -> Option<&str> {
        self.id.as_ref().map(|id| id.value.as_str())
    }

    /// Every component of the screen, containers and their contents, in document order.
    pub fn components(&self) -> Vec<&Component> {
        let mut out = Vec::new();
        if let Some(layout) = &self.layout {
            for component in &layout.children {
                component.walk(&mut out);
            }
        }
        out
    }
}

/// One field of a screen's `data` declaration.
#[derive(Clone, Debug)]
pub struct DataField {
    pub name: String,
    /// The field's declaration (a mapping, when well formed).
    pub node: NodeId,
    pub kind: Option<AtNode<String>>,
    pub has_example: bool,
}

#[derive(Clone, Debug)]
pub struct Layout {
    pub node: NodeId,
    pub kind: Option<AtNode<String>>,
    pub children: Vec<Component>,
}

/// A string property of a component (or of an option), by its key. A property holding a
/// list of strings (markdown `text`) gives one entry per item, with `in_list` set.
#[derive(Clone, Debug)]
pub struct Property {
    pub key: String,
    pub value: AtNode<String>,
    pub in_list: bool,
}

#[derive(Clone, Debug)]
pub struct Component {
    pub node: NodeId,
    /// `type`, as written: unknown types are kept for WA301 to name.
    pub kind: Option<AtNode<String>>,
    /// String properties: `text`, `label`, `name`, `input-type`, `helper-text`, `src`, ...
    pub properties: Vec<Property>,
    pub options: Option<Options>,
    /// `on-click-action`, `on-select-action`, `on-unselect-action`, ...
    pub actions: Vec<Action>,
    /// A `Form`'s `children`.
    pub children: Vec<Component>,
    /// An `If`'s `then` and `else`, a `Switch`'s `cases`.
    pub branches: Vec<Branch>,
}

impl Component {
    pub fn kind(&self) -> &str {
        self.kind.as_ref().map_or("", |k| k.value.as_str())
    }

    pub fn is(&self, kind: &str) -> bool {
        self.kind() == kind
    }

    /// The first string value of property `key`.
    pub fn property(&self, key: &str) -> Option<&AtNode<String>> {
        self.properties
            .iter()
            .find(|p| p.key == key)
            .map(|p| &p.value)
    }

    /// This component and everything inside it, in document order.
    pub fn walk<'a>(&'a self, out: &mut Vec<&'a Component>) {
        out.push(self);
        for child in &self.children {
            child.walk(out);
        }
        for branch in &self.branches {
            for child in &branch.children {
                child.walk(out);
            }
        }
    }

    /// Every action of the component and of its options (NavigationList items).
    pub fn all_actions(&self) -> impl Iterator<Item = &Action> {
        let options = self.options.iter().flat_map(|o| match o {
            Options::Static { items, .. } => items.as_slice(),
            Options::Dynamic { .. } => &[],
        });
        self.actions
            .iter()
            .chain(options.flat_map(|item| item.actions.iter()))
    }
}

/// A branch of an `If` (`then`, `else`) or a `Switch` (one case).
#[derive(Clone, Debug)]
pub struct Branch {
    /// `then`, `else`, or the case's value.
    pub label: String,
    /// Whether this is a `Switch` case rather than an `If` branch.
    pub is_case: bool,
    /// The list of components.
    pub node: NodeId,
    pub children: Vec<Component>,
}

/// A component's options: written out, or bound to data (`"${data.options}"`).
#[derive(Clone, Debug)]
pub enum Options {
    Static {
        /// `data-source`, `list-items` or `images`.
        property: String,
        node: NodeId,
        items: Vec<OptionItem>,
    },
    Dynamic {
        property: String,
        value: AtNode<String>,
    },
}

#[derive(Clone, Debug)]
pub struct OptionItem {
    pub node: NodeId,
    /// String properties; those of nested mappings as `main-content.title`.
    pub properties: Vec<Property>,
    pub has_image: bool,
    pub actions: Vec<Action>,
}

impl OptionItem {
    pub fn property(&self, key: &str) -> Option<&AtNode<String>> {
        self.properties
            .iter()
            .find(|p| p.key == key)
            .map(|p| &p.value)
    }
}

#[derive(Clone, Debug)]
pub struct Action {
    /// The action mapping.
    pub node: NodeId,
    /// The property it sits under (`on-click-action`).
    pub key: String,
    pub name: Option<AtNode<String>>,
    pub next: Option<Next>,
    /// `open_url`'s `url`.
    pub url: Option<AtNode<String>>,
}

impl Action {
    pub fn is(&self, name: &str) -> bool {
        matches!(&self.name, Some(n) if n.value == name)
    }
}

/// `navigate`'s `next`: `{"type": "screen", "name": "<ID>"}`.
#[derive(Clone, Debug)]
pub struct Next {
    pub node: NodeId,
    pub kind: Option<AtNode<String>>,
    pub name: Option<AtNode<String>>,
}

impl Next {
    /// The screen this names, unless `type` says it is something else (a plugin).
    pub fn screen(&self) -> Option<&AtNode<String>> {
        let is_screen = self
            .kind
            .as_ref()
            .is_none_or(|k| k.value.eq_ignore_ascii_case("screen"));
        self.name.as_ref().filter(|_| is_screen)
    }
}

/// Whether a string value is bound at run time (`${data.x}`, or a backtick expression) so
/// its length and spelling are only known then.
pub fn is_dynamic(value: &str) -> bool {
    value.contains("${") || value.trim_start().starts_with('`')
}

/// Reads one Flow JSON document.
pub fn read(r: &mut Reader, node: NodeId) -> WhatsAppFlow {
    let version = r.string(node, "version");
    let latest = catalogue::catalogue().map_or(Version(7, 3), |c| c.latest());
    let checked_version = version
        .as_ref()
        .and_then(|v| Version::parse(&v.value))
        .map_or(latest, |v| v.min(latest));
    let data_api_version = r.string(node, "data_api_version");
    let data_channel_uri = r.string(node, "data_channel_uri");
    let routing_model = r
        .field(node, "routing_model")
        .filter(|&n| !is_null(r.tree, n))
        .and_then(|n| read_routing_model(r, n));
    let mut screens = Vec::new();
    let mut screens_node = None;
    if let Some(list) = r.field(node, "screens") {
        if let Some(items) = r.expect_seq(list, "screens") {
            screens_node = Some(list);
            for item in items {
                if let Some(map) = r.expect_map(item, "screens[]") {
                    screens.push(read_screen(r, map));
                }
            }
        }
    }
    WhatsAppFlow {
        node,
        version,
        checked_version,
        data_api_version,
        data_channel_uri,
        routing_model,
        screens_node,
        screens,
    }
}

/// Reads the Flow JSON written in string node `node` of `tree` (a template FLOW button's
/// `flow_json`, named `field` in messages) into a document of its own tree, its schema
/// problems reported by [`EMBEDDED_PROBLEM`]. Text that is not JSON, or not a Flow, is one
/// problem at the string; a string that holds no JSON value at all (`""`) is nothing.
pub fn read_in_string(
    tree: &Tree,
    node: NodeId,
    field: &'static str,
) -> Option<Result<Embedded, Finding>> {
    let text = tree.as_str(node)?;
    let inner = match source::parse(text, Format::Json) {
        Ok(inner) => inner,
        Err(failure) => {
            let end = failure.span.end.max(failure.span.start + 1).min(text.len());
            return Some(Err(Finding::new(
                EMBEDDED_PROBLEM,
                At::InString(node, failure.span.start.min(end), end),
                format!("{field} is not valid Flow JSON: {}", failure.message),
            )
            .help(format!(
                "`{field}` must hold the whole Flow JSON as one escaped JSON string"
            ))));
        }
    };
    let root = *inner.documents.first()?;
    let is_flow = matches!(inner.value(root), Value::Map(_))
        && inner.get(root, "version").is_some()
        && inner.get(root, "screens").is_some();
    if !is_flow {
        return Some(Err(Finding::new(
            EMBEDDED_PROBLEM,
            At::Node(node),
            format!("{field} holds no Flow JSON: it needs `version` and `screens`"),
        )
        .help(format!("put the Flow JSON (`{{\"version\": \"7.3\", \"screens\": [...]}}`) in `{field}`, or use `flow_id` or `flow_name`"))));
    }
    let mut r = Reader::new(&inner);
    let flow = read(&mut r, root);
    let mut problems = r.problems;
    for problem in &mut problems {
        problem.rule = EMBEDDED_PROBLEM;
    }
    Some(Ok(Embedded {
        origin: node,
        field,
        document: Document::WhatsAppFlow(flow),
        problems,
        tree: inner,
    }))
}

fn is_null(tree: &Tree, node: NodeId) -> bool {
    matches!(tree.value(node), Value::Null)
}

fn read_routing_model(r: &mut Reader, node: NodeId) -> Option<RoutingModel> {
    let map = r.expect_map(node, "routing_model")?;
    let mut routes = Vec::new();
    for entry in r.tree.entries(map).to_vec() {
        let to = if is_null(r.tree, entry.value) {
            Vec::new()
        } else {
            r.strings(map, &entry.key).unwrap_or_default()
        };
        routes.push(Route {
            from: entry.key.clone(),
            node: entry.value,
            to,
        });
    }
    Some(RoutingModel { node: map, routes })
}

fn read_screen(r: &mut Reader, node: NodeId) -> Screen {
    let id = r.string(node, "id");
    let title = r.string(node, "title");
    let terminal = r.bool(node, "terminal");
    let success = r.bool(node, "success");
    let refresh_on_back = r.bool(node, "refresh_on_back");
    let mut data = Vec::new();
    if let Some(map) = r
        .field(node, "data")
        .filter(|&n| !is_null(r.tree, n))
        .and_then(|n| r.expect_map(n, "data"))
    {
        for entry in r.tree.entries(map).to_vec() {
            let field = entry.value;
            let is_map = r.is_map(field);
            data.push(DataField {
                name: entry.key.clone(),
                node: field,
                kind: if is_map {
                    r.string(field, "type")
                } else {
                    None
                },
                has_example: is_map && r.field(field, "__example__").is_some(),
            });
        }
    }
    let layout = r
        .field(node, "layout")
        .and_then(|n| r.expect_map(n, "layout"))
        .map(|map| Layout {
            node: map,
            kind: r.string(map, "type"),
            children: read_components(r, map, "children"),
        });
    Screen {
        node,
        id,
        title,
        terminal,
        success,
        refresh_on_back,
        data,
        layout,
    }
}

/// The components listed under `key` of `map`.
fn read_components(r: &mut Reader, map: NodeId, key: &str) -> Vec<Component> {
    let Some(list) = r.field(map, key).filter(|&n| !is_null(r.tree, n)) else {
        return Vec::new();
    };
    read_component_list(r, list, key)
}

fn read_component_list(r: &mut Reader, list: NodeId, key: &str) -> Vec<Component> {
    let mut out = Vec::new();
    for item in r.expect_seq(list, key).unwrap_or_default() {
        if let Some(map) = r.expect_map(item, &format!("{key}[]")) {
            out.push(read_component(r, map));
        }
    }
    out
}

fn read_component(r: &mut Reader, node: NodeId) -> Component {
    let kind = r.string(node, "type");
    let properties = string_properties(r.tree, node, "");
    let mut actions = Vec::new();
    let mut options = None;
    for entry in r.tree.entries(node).to_vec() {
        if entry.key.ends_with("-action") {
            if let Some(action) = read_action(r, entry.value, &entry.key) {
                actions.push(action);
            }
        } else if options.is_none() && OPTION_PROPERTIES.contains(&entry.key.as_str()) {
            options = read_options(r, entry.value, &entry.key);
        }
    }
    let kind_name = kind.as_ref().map_or("", |k| k.value.as_str());
    let mut children = Vec::new();
    let mut branches = Vec::new();
    match kind_name {
        "If" => {
            for label in ["then", "else"] {
                if let Some(list) = r.field(node, label).filter(|&n| !is_null(r.tree, n)) {
                    branches.push(Branch {
                        label: label.to_string(),
                        is_case: false,
                        node: list,
                        children: read_component_list(r, list, label),
                    });
                }
            }
        }
        "Switch" => {
            if let Some(cases) = r
                .field(node, "cases")
                .filter(|&n| !is_null(r.tree, n))
                .and_then(|n| r.expect_map(n, "cases"))
            {
                for entry in r.tree.entries(cases).to_vec() {
                    branches.push(Branch {
                        label: entry.key.clone(),
                        is_case: true,
                        node: entry.value,
                        children: read_component_list(r, entry.value, &entry.key),
                    });
                }
            }
        }
        _ => children = read_components(r, node, "children"),
    }
    Component {
        node,
        kind,
        properties,
        options,
        actions,
        children,
        branches,
    }
}

/// Every string (or list-of-strings) property of a mapping; nested mappings one level deep
/// with their key as a prefix (`main-content.title`) when `prefix` is empty.
fn string_properties(tree: &Tree, map: NodeId, prefix: &str) -> Vec<Property> {
    let mut out = Vec::new();
    for entry in tree.entries(map) {
        let key = if prefix.is_empty() {
            entry.key.clone()
        } else {
            format!("{prefix}.{}", entry.key)
        };
        match tree.value(entry.value) {
            Value::String(s) => out.push(Property {
                key,
                value: AtNode {
                    value: s.clone(),
                    node: entry.value,
                },
                in_list: false,
            }),
            Value::Seq(items) => {
                for &item in items {
                    if let Value::String(s) = tree.value(item) {
                        out.push(Property {
                            key: key.clone(),
                            value: AtNode {
                                value: s.clone(),
                                node: item,
                            },
                            in_list: true,
                        });
                    }
                }
            }
            Value::Map(_) if prefix.is_empty() && !entry.key.ends_with("-action") => {
                out.extend(string_properties(tree, entry.value, &entry.key));
            }
            _ => {}
        }
    }
    out
}

fn read_options(r: &mut Reader, node: NodeId, key: &str) -> Option<Options> {
    match r.tree.value(node) {
        Value::String(s) => Some(Options::Dynamic {
            property: key.to_string(),
            value: AtNode {
                value: s.clone(),
                node,
            },
        }),
        Value::Seq(items) => {
            let items = items.clone();
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                if let Some(map) = r.expect_map(item, &format!("{key}[]")) {
                    let mut actions = Vec::new();
                    for entry in r.tree.entries(map).to_vec() {
                        if entry.key.ends_with("-action") {
                            actions.extend(read_action(r, entry.value, &entry.key));
                        }
                    }
                    let has_image = r.tree.get(map, "image").is_some()
                        || r.tree
                            .get(map, "start")
                            .is_some_and(|s| r.tree.get(s, "image").is_some());
                    out.push(OptionItem {
                        node: map,
                        properties: string_properties(r.tree, map, ""),
                        has_image,
                        actions,
                    });
                }
            }
            Some(Options::Static {
                property: key.to_string(),
                node,
                items: out,
            })
        }
        Value::Null => None,
        _ => {
            r.problem(
                crate::diagnostic::At::Node(node),
                format!("`{key}` must be a list or a `${{data...}}` reference"),
            );
            None
        }
    }
}

fn read_action(r: &mut Reader, node: NodeId, key: &str) -> Option<Action> {
    if is_null(r.tree, node) {
        return None;
    }
    let map = r.expect_map(node, key)?;
    let name = r.string(map, "name");
    let next = r
        .field(map, "next")
        .filter(|&n| !is_null(r.tree, n))
        .and_then(|n| r.expect_map(n, "next"))
        .map(|next| Next {
            node: next,
            kind: r.string(next, "type"),
            name: r.string(next, "name"),
        });
    let url = r.string(map, "url");
    Some(Action {
        node: map,
        key: key.to_string(),
        name,
        next,
        url,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{parse, Format};

    fn flow(text: &str) -> (WhatsAppFlow, Vec<String>) {
        let tree = parse(text, Format::Json).unwrap();
        let mut r = Reader::new(&tree);
        let flow = read(&mut r, tree.documents[0]);
        let problems = r.problems.iter().map(|p| p.message.clone()).collect();
        (flow, problems)
    }

    #[test]
    fn reads_screens_components_and_actions() {
        let (flow, problems) = flow(
            r#"{"version": "7.3", "data_api_version": "4.0",
                "routing_model": {"A": ["B"], "B": []},
                "screens": [
                  {"id": "A", "data": {"x": {"type": "string", "__example__": "1"}},
                   "layout": {"type": "SingleColumnLayout", "children": [
                     {"type": "Form", "name": "f", "children": [
                       {"type": "RadioButtonsGroup", "name": "r", "label": "Pick",
                        "data-source": [{"id": "1", "title": "One"}]},
                       {"type": "If", "condition": "${form.r} == '1'",
                        "then": [{"type": "TextBody", "text": ["a", "b"]}]}]},
                     {"type": "Footer", "label": "Next", "on-click-action":
                       {"name": "navigate", "next": {"type": "screen", "name": "B"}, "payload": {}}}]}},
                  {"id": "B", "terminal": true, "layout": {"type": "SingleColumnLayout", "children": [
                     {"type": "Footer", "label": "Done", "on-click-action": {"name": "complete"}}]}}]}"#,
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(flow.version.unwrap().value, "7.3");
        assert_eq!(flow.routing_model.unwrap().routes.len(), 2);
        let a = &flow.screens[0];
        assert_eq!(a.data[0].name, "x");
        assert!(a.data[0].has_example);
        let kinds: Vec<&str> = a.components().iter().map(|c| c.kind()).collect();
        assert_eq!(
            kinds,
            ["Form", "RadioButtonsGroup", "If", "TextBody", "Footer"]
        );
        let footer = a.components()[4];
        let next = footer.actions[0].next.as_ref().unwrap();
        assert_eq!(next.screen().unwrap().value, "B");
        let body = a.components()[3];
        assert_eq!(body.properties.iter().filter(|p| p.in_list).count(), 2);
        assert!(flow.screens[1].is_terminal());
    }

    #[test]
    fn wrong_types_are_schema_problems_and_reading_goes_on() {
        let (flow, problems) = flow(
            r#"{"version": "7.3", "screens": [
                 {"id": "A", "terminal": "yes", "layout": {"type": "SingleColumnLayout",
                   "children": [3, {"type": "Dropdown", "data-source": 5}]}},
                 "oops"]}"#,
        );
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert_eq!(flow.screens.len(), 1);
        assert_eq!(flow.screens[0].components().len(), 1);
    }

    #[test]
    fn dynamic_options_and_values() {
        let (flow, _) = flow(
            r#"{"version": "6.0", "screens": [{"id": "A", "layout": {"type": "SingleColumnLayout",
                 "children": [{"type": "Dropdown", "data-source": "${data.items}"}]}}]}"#,
        );
        let component = flow.screens[0].components()[0];
        assert!(matches!(component.options, Some(Options::Dynamic { .. })));
        assert!(is_dynamic("${data.x}"));
        assert!(is_dynamic("`${form.a} ' ' ${form.b}`"));
        assert!(!is_dynamic("Hello"));
    }
}
