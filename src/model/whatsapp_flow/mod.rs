//! Meta's Flow JSON (WhatsApp Flows), versions 2.1 to 7.3: screens, their layout, the
//! components on them and the actions those components run.
//!
//! The model keeps what the rules read, each value with its node. Wrong JSON types and keys
//! the catalogue does not list are schema problems (WA002) collected while reading: Meta adds
//! keys with every version, so an unknown one is a warning, and only a close misspelling of a
//! known one is an error, read from then on as the key it was meant to be. Everything else
//! that is Flow JSON vocabulary (a missing `id`, an unknown component `type`, an action name
//! Meta does not know, a property newer than the file's version) is left to the WA3xx rules,
//! which know the file's version. Properties the model does not read are kept as they are.
//!
//! A template's FLOW button may carry a whole Flow JSON as a string (`flow_json`): it is read
//! here too, once, into a document of its own tree whose origin is that string
//! ([`read_in_string`]).

pub mod catalogue;

use super::reader::{AtNode, Reader, Vocabulary};
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
    /// The value of `children`, when there is one.
    pub children_node: Option<NodeId>,
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
    /// Every key with its value, a misspelt key under the key it is read as (`lable` as
    /// `label`), so no rule reports the misspelt property missing.
    pub keys: Vec<(String, NodeId)>,
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

    /// The value of property `key`, of any type.
    pub fn get(&self, key: &str) -> Option<NodeId> {
        self.keys.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
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
    known_keys(r, node, "flow", "the Flow JSON");
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

/// Reports the keys of `map` that part `part` of a Flow JSON does not have (the catalogue's
/// `keys`).
fn known_keys(r: &mut Reader, map: NodeId, part: &str, what: &str) {
    if let Some(keys) = catalogue::catalogue().and_then(|c| c.keys(part)) {
        r.unknown_keys(map, keys, what, Vocabulary::Meta);
    }
}

/// The keys of a mapping, each under the key it is read as.
fn read_keys(r: &Reader, map: NodeId) -> Vec<(String, NodeId)> {
    r.tree
        .entries(map)
        .iter()
        .map(|entry| {
            let key = r.read_as(map, entry.value).unwrap_or(&entry.key);
            (key.to_string(), entry.value)
        })
        .collect()
}

fn read_screen(r: &mut Reader, node: NodeId) -> Screen {
    let what = match r.tree.get(node, "id").and_then(|id| r.tree.as_str(id)) {
        Some(id) => format!("screen `{id}`"),
        None => "a screen".to_string(),
    };
    known_keys(r, node, "screen", &what);
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
        .map(|map| {
            known_keys(r, map, "layout", &format!("the layout of {what}"));
            Layout {
                node: map,
                kind: r.string(map, "type"),
                children_node: r.field(map, "children"),
                children: read_components(r, map, "children"),
            }
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
    component_keys_known(r, node);
    let kind = r.string(node, "type");
    let kind_name = kind.as_ref().map_or("", |k| k.value.as_str()).to_string();
    let keys = read_keys(r, node);
    let properties = string_properties(r, node, "");
    let mut actions = Vec::new();
    let mut options = None;
    for (key, value) in &keys {
        if key.ends_with("-action") {
            if let Some(action) = read_action(r, *value, key, &kind_name) {
                actions.push(action);
            }
        } else if options.is_none() && OPTION_PROPERTIES.contains(&key.as_str()) {
            options = read_options(r, *value, key, &kind_name);
        }
    }
    let kind_name = kind_name.as_str();
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
        keys,
        properties,
        options,
        actions,
        children,
        branches,
    }
}

/// Reports the keys of a component that its type does not have. The type is taken as
/// written, before it is read: a component without one is held to the keys of every
/// component, so `tpye` is still read as `type`; one of a type Meta does not have is left to
/// WA301, which names the type.
fn component_keys_known(r: &mut Reader, node: NodeId) {
    let Some(catalogue) = catalogue::catalogue() else {
        return;
    };
    match r.tree.get(node, "type").map(|t| r.tree.value(t)) {
        Some(Value::String(kind)) => {
            if let Some(spec) = catalogue.component(kind) {
                let what = format!("`{kind}`");
                r.unknown_keys_of_kind(node, &spec.properties, &what, Vocabulary::Meta, |key| {
                    catalogue.components_with(key)
                });
            }
        }
        Some(_) => {}
        None => {
            let all = catalogue.any_component_keys();
            r.unknown_keys(node, &all, "a component", Vocabulary::Meta);
        }
    }
}

/// Every string (or list-of-strings) property of a mapping, each under the key it is read
/// as; nested mappings one level deep with their key as a prefix (`main-content.title`) when
/// `prefix` is empty.
fn string_properties(r: &Reader, map: NodeId, prefix: &str) -> Vec<Property> {
    let tree = r.tree;
    let mut out = Vec::new();
    for entry in tree.entries(map) {
        let read_as = r.read_as(map, entry.value).unwrap_or(&entry.key);
        let key = if prefix.is_empty() {
            read_as.to_string()
        } else {
            format!("{prefix}.{read_as}")
        };
        match tree.value(entry.value) {
            Value::String(s) => out.push(Property {
                key,
                value: AtNode::new(s.clone(), entry.value),
                in_list: false,
            }),
            Value::Seq(items) => {
                for &item in items {
                    if let Value::String(s) = tree.value(item) {
                        out.push(Property {
                            key: key.clone(),
                            value: AtNode::new(s.clone(), item),
                            in_list: true,
                        });
                    }
                }
            }
            Value::Map(_) if prefix.is_empty() && !key.ends_with("-action") => {
                out.extend(string_properties(r, entry.value, &key));
            }
            _ => {}
        }
    }
    out
}

fn read_options(r: &mut Reader, node: NodeId, key: &str, component: &str) -> Option<Options> {
    match r.tree.value(node) {
        Value::String(s) => Some(Options::Dynamic {
            property: key.to_string(),
            value: AtNode::new(s.clone(), node),
        }),
        Value::Seq(items) => {
            let items = items.clone();
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                if let Some(map) = r.expect_map(item, &format!("{key}[]")) {
                    let what = format!("a `{key}` item of `{component}`");
                    known_keys(r, map, key, &what);
                    let mut actions = Vec::new();
                    for (item_key, value) in read_keys(r, map) {
                        let part = format!("{key}.{item_key}");
                        if item_key.ends_with("-action") {
                            actions.extend(read_action(r, value, &item_key, component));
                        } else if r.is_map(value) {
                            known_keys(r, value, &part, &format!("`{item_key}` of {what}"));
                        }
                    }
                    let has_image = r.field(map, "image").is_some()
                        || r.field(map, "start")
                            .is_some_and(|s| r.field(s, "image").is_some());
                    out.push(OptionItem {
                        node: map,
                        properties: string_properties(r, map, ""),
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

fn read_action(r: &mut Reader, node: NodeId, key: &str, component: &str) -> Option<Action> {
    if is_null(r.tree, node) {
        return None;
    }
    let map = r.expect_map(node, key)?;
    let what = format!("`{key}` of `{component}`");
    known_keys(r, map, "action", &what);
    let name = r.string(map, "name");
    let next = r
        .field(map, "next")
        .filter(|&n| !is_null(r.tree, n))
        .and_then(|n| r.expect_map(n, "next"))
        .map(|next| {
            known_keys(r, next, "next", &format!("`next` of {what}"));
            Next {
                node: next,
                kind: r.string(next, "type"),
                name: r.string(next, "name"),
            }
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

    /// `(warning?, JSON pointer, message)` of each problem, which must sit at a key.
    fn keyed_problems(text: &str) -> (WhatsAppFlow, Vec<(bool, String, String)>) {
        let tree = parse(text, Format::Json).unwrap();
        let mut r = Reader::new(&tree);
        let flow = read(&mut r, tree.documents[0]);
        let problems = r
            .problems
            .iter()
            .map(|p| {
                let At::Key(node) = p.at else {
                    panic!("not at a key: {}", p.message);
                };
                let warning = p.severity == Some(crate::diagnostic::Severity::Warning);
                (warning, tree.pointer(node), p.message.clone())
            })
            .collect();
        (flow, problems)
    }

    #[test]
    fn keys_of_every_part_are_checked_and_misspellings_are_read_as_meant() {
        let (flow, problems) = keyed_problems(
            r#"{"version": "7.3", "data_api_verison": "4.0", "name": "support",
                "screens": [{"id": "A", "termnal": true, "theme": "dark",
                  "layout": {"type": "SingleColumnLayout", "chidlren": [
                    {"type": "TextInput", "name": "order", "lable": "Order number"},
                    {"type": "TextArea", "name": "note", "label": "Note", "max-chars": 80},
                    {"type": "TextBody", "text": "Hi", "text-align": "start"},
                    {"tpye": "TextCaption", "text": "Small print"},
                    {"type": "Dropdown", "name": "d", "label": "Pick", "data-source": [
                      {"id": "1", "titel": "One", "icon": "x"}]},
                    {"type": "NavigationList", "name": "n", "list-items": [
                      {"id": "1", "main-content": {"tilte": "Go"},
                       "on-click-action": {"name": "navigate", "next": {"type": "screen", "nmae": "A"}}}]},
                    {"type": "Footer", "label": "Done", "on-click-acton": {"name": "complete", "paylod": {}}}]}}]}"#,
        );
        let c = "/screens/0/layout/chidlren";
        let expected: [(bool, String, &str); 14] = [
            (false, "/data_api_verison".into(), "the Flow JSON has an unknown key `data_api_verison`; did you mean `data_api_version`?"),
            (true, "/name".into(), "the Flow JSON has a key walint does not know, `name`, so it is not checked"),
            (false, "/screens/0/termnal".into(), "screen `A` has an unknown key `termnal`; did you mean `terminal`?"),
            (true, "/screens/0/theme".into(), "screen `A` has a key walint does not know, `theme`, so it is not checked"),
            (false, c.into(), "the layout of screen `A` has an unknown key `chidlren`; did you mean `children`?"),
            (false, format!("{c}/0/lable"), "`TextInput` has an unknown key `lable`; did you mean `label`?"),
            (true, format!("{c}/1/max-chars"), "`TextArea` has `max-chars`, which walint knows only on `TextInput`, so it is not checked"),
            (true, format!("{c}/2/text-align"), "`TextBody` has a key walint does not know, `text-align`, so it is not checked"),
            (false, format!("{c}/3/tpye"), "a component has an unknown key `tpye`; did you mean `type`?"),
            (false, format!("{c}/4/data-source/0/titel"), "a `data-source` item of `Dropdown` has an unknown key `titel`; did you mean `title`?"),
            (true, format!("{c}/4/data-source/0/icon"), "a `data-source` item of `Dropdown` has a key walint does not know, `icon`, so it is not checked"),
            (false, format!("{c}/5/list-items/0/main-content/tilte"), "`main-content` of a `list-items` item of `NavigationList` has an unknown key `tilte`; did you mean `title`?"),
            (false, format!("{c}/5/list-items/0/on-click-action/next/nmae"), "`next` of `on-click-action` of `NavigationList` has an unknown key `nmae`; did you mean `name`?"),
            (false, format!("{c}/6/on-click-acton"), "`Footer` has an unknown key `on-click-acton`; did you mean `on-click-action`?"),
        ];
        let mut expected: Vec<(bool, String, String)> = expected
            .into_iter()
            .map(|(w, p, m)| (w, p, m.to_string()))
            .collect();
        expected.push((
            false,
            format!("{c}/6/on-click-acton/paylod"),
            "`on-click-action` of `Footer` has an unknown key `paylod`; did you mean `payload`?"
                .into(),
        ));
        assert_eq!(problems, expected);
        // Every misspelling is read as the key it was meant to be.
        assert_eq!(flow.data_api_version.unwrap().value, "4.0");
        let screen = &flow.screens[0];
        assert!(screen.is_terminal());
        let layout = screen.layout.as_ref().unwrap();
        assert!(layout.children_node.is_some());
        let components = screen.components();
        assert_eq!(components.len(), 7);
        assert_eq!(
            components[0].property("label").unwrap().value,
            "Order number"
        );
        assert!(components[0].get("label").is_some());
        assert!(components[3].is("TextCaption"));
        let Some(Options::Static { items, .. }) = &components[4].options else {
            panic!("no options");
        };
        assert_eq!(items[0].property("title").unwrap().value, "One");
        let Some(Options::Static { items, .. }) = &components[5].options else {
            panic!("no list items");
        };
        assert_eq!(items[0].property("main-content.title").unwrap().value, "Go");
        let next = items[0].actions[0].next.as_ref().unwrap();
        assert_eq!(next.screen().unwrap().value, "A");
        let footer = components[6];
        assert_eq!(footer.actions[0].key, "on-click-action");
        assert!(footer.get("on-click-action").is_some());
    }

    #[test]
    fn a_component_of_a_type_meta_does_not_have_is_left_to_wa301() {
        let (_, problems) = keyed_problems(
            r#"{"version": "7.3", "screens": [{"id": "A", "layout": {"type": "SingleColumnLayout",
                 "children": [{"type": "TextHeadline", "txt": "Hi"}, {"type": 3, "lable": "x"}]}}]}"#,
        );
        assert!(problems.is_empty(), "{problems:?}");
    }
}
