//! WhatsApp Flows rules (WA3xx) over Meta's Flow JSON: in its own files, and inside the
//! `flow_json` string of a template's FLOW button, where findings are mapped back to the
//! characters of the string.
//!
//! The component catalogue (which components each version has, their limits) is data:
//! `rules/data/whatsapp_flow_components.yaml`.

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;
use std::sync::LazyLock;

use super::{Context, DocumentCheck};
use crate::catalogue::RuleId;
use crate::diagnostic::{At, FileId, Finding, Related, Severity};
use crate::model::reader::{AtNode, Reader};
use crate::model::template::ButtonType;
use crate::model::whatsapp_flow::{self, is_dynamic, Action, Component, Options, Screen};
use crate::model::{Template, WhatsAppFlow};
use crate::source::{self, Format, NodeId, Span, Tree, Value};
use crate::suggest::did_you_mean;

const STRUCTURE: RuleId = RuleId::WA301;
const TERMINAL: RuleId = RuleId::WA302;
const LIMITS: RuleId = RuleId::WA303;
const UNKNOWN_SCREEN: RuleId = RuleId::WA304;
const UNREACHABLE: RuleId = RuleId::WA305;
const CONSENT: RuleId = RuleId::WA306;
const INSECURE_URL: RuleId = RuleId::WA108;

/// [D] at most 50 components on one screen ([flow-comp]).
const MAX_COMPONENTS_PER_SCREEN: usize = 50;
/// [D] `If` nests at most 3 levels deep ([flow-comp]).
const MAX_IF_NESTING: usize = 3;
/// [D] the routing model holds at most 10 branches ([flow-json]); checked per screen as an
/// error and, as Meta's wording also reads as a cap on the whole model, in total as a warning.
const MAX_ROUTING_BRANCHES: usize = 10;
/// The only layout Meta has.
const LAYOUT: &str = "SingleColumnLayout";
/// [D] `SUCCESS` is reserved ([flow-json]).
const RESERVED_SCREEN_ID: &str = "SUCCESS";
/// [D] the JSON types a `data` field may declare ([flow-json]); `integer` is JSON Schema's
/// and accepted too.
const DATA_TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "object", "array"];
/// `input-type` values that collect personal data (WA306).
const PERSONAL_INPUT_TYPES: [&str; 2] = ["email", "phone"];

// ---------------------------------------------------------------------------------------
// Versions and the component catalogue (data)
// ---------------------------------------------------------------------------------------

/// A Flow JSON version, `major.minor`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version(pub u32, pub u32);

impl Version {
    pub fn parse(text: &str) -> Option<Version> {
        let (major, minor) = text.trim().split_once('.')?;
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(major) || !digits(minor) {
            return None;
        }
        Some(Version(major.parse().ok()?, minor.parse().ok()?))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.0, self.1)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Limit {
    max: usize,
    /// Seen only in SDK code ([S]): a warning.
    warn: bool,
    /// Where sources disagree: above this a warning, above `max` an error.
    warn_above: Option<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct OptionSpec {
    property: String,
    min: usize,
    max: usize,
    max_with_images: Option<usize>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct ComponentSpec {
    since: Option<Version>,
    required: Vec<String>,
    required_from: Vec<(String, Version)>,
    since_property: Vec<(String, Version)>,
    form_before: Option<Version>,
    text: Vec<(String, Limit)>,
    min_text: Vec<String>,
    options: Option<OptionSpec>,
    option_text: Vec<(String, Limit)>,
    per_screen: Option<usize>,
    per_flow: Option<usize>,
    enums: Vec<(String, Vec<String>)>,
}

#[derive(Debug, Default)]
struct FlowCatalogue {
    versions: Vec<Version>,
    actions: Vec<(String, Version)>,
    components: Vec<(String, ComponentSpec)>,
}

impl FlowCatalogue {
    fn component(&self, kind: &str) -> Option<&ComponentSpec> {
        self.components
            .iter()
            .find(|(name, _)| name == kind)
            .map(|(_, spec)| spec)
    }

    fn action(&self, name: &str) -> Option<Version> {
        self.actions
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, since)| *since)
    }

    fn latest(&self) -> Version {
        self.versions.last().copied().unwrap_or(Version(7, 3))
    }
}

const CATALOGUE_TEXT: &str = include_str!("../../rules/data/whatsapp_flow_components.yaml");

static CATALOGUE: LazyLock<Result<FlowCatalogue, String>> =
    LazyLock::new(|| parse_catalogue(CATALOGUE_TEXT));

/// The embedded catalogue; `None` only if the data file is broken, which a test rules out.
fn catalogue() -> Option<&'static FlowCatalogue> {
    CATALOGUE.as_ref().ok()
}

fn parse_catalogue(text: &str) -> Result<FlowCatalogue, String> {
    let tree = source::parse(text, Format::Yaml).map_err(|e| e.message)?;
    let root = *tree.documents.first().ok_or("empty catalogue")?;
    let version = |node: NodeId| -> Result<Version, String> {
        scalar(&tree, node)
            .and_then(Version::parse)
            .ok_or_else(|| format!("bad version at {}", tree.pointer(node)))
    };
    let versions = tree
        .items(tree.get(root, "versions").ok_or("no `versions`")?)
        .iter()
        .map(|&v| version(v))
        .collect::<Result<Vec<_>, _>>()?;
    let actions = tree
        .entries(tree.get(root, "actions").ok_or("no `actions`")?)
        .iter()
        .map(|e| Ok((e.key.clone(), version(e.value)?)))
        .collect::<Result<Vec<_>, String>>()?;
    let mut components = Vec::new();
    for entry in tree.entries(tree.get(root, "components").ok_or("no `components`")?) {
        let node = entry.value;
        let mut spec = ComponentSpec::default();
        for field in tree.entries(node) {
            let value = field.value;
            match field.key.as_str() {
                "since" => spec.since = Some(version(value)?),
                "required" => spec.required = strings(&tree, value),
                "min_text" => spec.min_text = strings(&tree, value),
                "required_from" => spec.required_from = versions_of(&tree, value, &version)?,
                "since_property" => spec.since_property = versions_of(&tree, value, &version)?,
                "form_before" => spec.form_before = Some(version(value)?),
                "text" => spec.text = limits(&tree, value)?,
                "option_text" => spec.option_text = limits(&tree, value)?,
                "per_screen" => spec.per_screen = Some(number(&tree, value)?),
                "per_flow" => spec.per_flow = Some(number(&tree, value)?),
                "options" => {
                    let get =
                        |key: &str| tree.get(value, key).ok_or(format!("options: no `{key}`"));
                    spec.options = Some(OptionSpec {
                        property: scalar(&tree, get("property")?)
                            .ok_or("options: bad `property`")?
                            .to_string(),
                        min: number(&tree, get("min")?)?,
                        max: number(&tree, get("max")?)?,
                        max_with_images: tree
                            .get(value, "max_with_images")
                            .map(|n| number(&tree, n))
                            .transpose()?,
                    })
                }
                "enums" => {
                    spec.enums = tree
                        .entries(value)
                        .iter()
                        .map(|e| (e.key.clone(), strings(&tree, e.value)))
                        .collect()
                }
                other => return Err(format!("component {}: unknown field `{other}`", entry.key)),
            }
        }
        components.push((entry.key.clone(), spec));
    }
    Ok(FlowCatalogue {
        versions,
        actions,
        components,
    })
}

fn scalar(tree: &Tree, node: NodeId) -> Option<&str> {
    match tree.value(node) {
        Value::String(s) | Value::Number(s) => Some(s),
        _ => None,
    }
}

fn strings(tree: &Tree, node: NodeId) -> Vec<String> {
    tree.items(node)
        .iter()
        .filter_map(|&n| scalar(tree, n).map(str::to_string))
        .collect()
}

fn number(tree: &Tree, node: NodeId) -> Result<usize, String> {
    scalar(tree, node)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("bad number at {}", tree.pointer(node)))
}

fn versions_of(
    tree: &Tree,
    map: NodeId,
    version: &dyn Fn(NodeId) -> Result<Version, String>,
) -> Result<Vec<(String, Version)>, String> {
    tree.entries(map)
        .iter()
        .map(|e| Ok((e.key.clone(), version(e.value)?)))
        .collect()
}

fn limits(tree: &Tree, map: NodeId) -> Result<Vec<(String, Limit)>, String> {
    tree.entries(map)
        .iter()
        .map(|e| {
            let limit = match tree.value(e.value) {
                Value::Map(_) => Limit {
                    max: number(tree, tree.get(e.value, "max").ok_or("limit without `max`")?)?,
                    warn: matches!(
                        tree.get(e.value, "warn").map(|w| tree.value(w)),
                        Some(Value::Bool(true))
                    ),
                    warn_above: tree
                        .get(e.value, "warn_above")
                        .map(|n| number(tree, n))
                        .transpose()?,
                },
                _ => Limit {
                    max: number(tree, e.value)?,
                    warn: false,
                    warn_above: None,
                },
            };
            Ok((e.key.clone(), limit))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Every Flow JSON of a document: its own, or the `flow_json` of template FLOW buttons
// ---------------------------------------------------------------------------------------

/// One Flow JSON document, as the checks see it.
pub struct FlowDoc<'a> {
    pub tree: &'a Tree,
    pub flow: &'a WhatsAppFlow,
    /// The file's version, or the newest known when it has none or an unreadable one.
    pub version: Version,
    pub file: FileId,
}

impl<'a> FlowDoc<'a> {
    fn new(flow: &'a WhatsAppFlow, ctx: &Context<'a>) -> Self {
        FlowDoc {
            tree: ctx.tree,
            flow,
            version: effective_version(flow),
            file: ctx.file,
        }
    }

    fn version_text(&self) -> String {
        match &self.flow.version {
            Some(v) => v.value.clone(),
            None => self.version.to_string(),
        }
    }

    fn screen_ids(&self) -> Vec<&str> {
        self.flow.screens.iter().filter_map(Screen::id).collect()
    }

    fn uses_data_exchange(&self) -> Option<&Action> {
        self.flow
            .screens
            .iter()
            .flat_map(Screen::components)
            .flat_map(Component::all_actions)
            .find(|a| a.is("data_exchange"))
    }
}

/// Runs the WhatsApp Flow check `check` of rule `rule` on each FLOW button's `flow_json` of a
/// template, mapping findings into the string. Problems of the embedded text itself (not
/// JSON, not a Flow, wrong types) are reported once, by the structure rule.
pub fn each_embedded(
    template: &Template,
    ctx: &Context,
    rule: RuleId,
    check: DocumentCheck<WhatsAppFlow>,
    out: &mut Vec<Finding>,
) {
    for button in template.components.iter().flat_map(|c| &c.buttons) {
        if !matches!(&button.kind, Some(k) if k.value == ButtonType::Flow) {
            continue;
        }
        let Some(node) = ctx.tree.get(button.node, "flow_json") else {
            continue;
        };
        let Some(text) = ctx.tree.as_str(node) else {
            continue;
        };
        embedded(ctx, node, text, rule, check, out);
    }
}

/// Checks the Flow JSON held by string node `outer`, mapping findings into the string.
fn embedded(
    ctx: &Context,
    outer: NodeId,
    text: &str,
    rule: RuleId,
    check: DocumentCheck<WhatsAppFlow>,
    out: &mut Vec<Finding>,
) {
    let report_problems = rule == STRUCTURE;
    let tree = match source::parse(text, Format::Json) {
        Ok(tree) => tree,
        Err(failure) => {
            if report_problems {
                let end = failure.span.end.max(failure.span.start + 1).min(text.len());
                out.push(
                    Finding::new(
                        STRUCTURE,
                        At::InString(outer, failure.span.start.min(end), end),
                        format!("flow_json is not valid Flow JSON: {}", failure.message),
                    )
                    .help("`flow_json` must hold the whole Flow JSON as one escaped JSON string"),
                );
            }
            return;
        }
    };
    let Some(&root) = tree.documents.first() else {
        return;
    };
    let is_flow = matches!(tree.value(root), Value::Map(_))
        && tree.get(root, "version").is_some()
        && tree.get(root, "screens").is_some();
    if !is_flow {
        if report_problems {
            out.push(
                Finding::new(
                    STRUCTURE,
                    At::Node(outer),
                    "flow_json holds no Flow JSON: it needs `version` and `screens`",
                )
                .help("put the Flow JSON (`{\"version\": \"7.3\", \"screens\": [...]}`) in `flow_json`, or use `flow_id` or `flow_name`"),
            );
        }
        return;
    }
    let mut reader = Reader::new(&tree);
    let flow = whatsapp_flow::read(&mut reader, root);
    let mut inner = Vec::new();
    if report_problems {
        inner.extend(reader.problems.into_iter().map(|mut p| {
            p.rule = STRUCTURE;
            p
        }));
    }
    let inner_ctx = Context {
        file: ctx.file,
        tree: &tree,
        config: ctx.config,
    };
    check(&flow, &inner_ctx, &mut inner);
    for mut finding in inner {
        finding.at = map_into(&tree, text, outer, finding.at);
        finding.message = format!("flow_json: {}", finding.message);
        finding.related = finding
            .related
            .into_iter()
            .map(|related| Related {
                at: if related.file == ctx.file {
                    map_into(&tree, text, outer, related.at)
                } else {
                    related.at
                },
                ..related
            })
            .collect();
        out.push(finding);
    }
}

/// A location in the embedded tree as bytes of the outer string's value.
fn map_into(inner: &Tree, text: &str, outer: NodeId, at: At) -> At {
    let span = match at {
        At::Node(node) => inner.span(node),
        At::Key(node) => inner.key_span(node).unwrap_or_else(|| {
            let span = inner.span(node);
            Span::new(span.start, span.start)
        }),
        At::InString(node, start, end) => source::locate_in_string(text, inner, node, start..end),
        At::InFile(_, span) | At::Raw(span) => span,
    };
    At::InString(outer, span.start, span.end)
}

fn effective_version(flow: &WhatsAppFlow) -> Version {
    let latest = catalogue().map_or(Version(7, 3), FlowCatalogue::latest);
    flow.version
        .as_ref()
        .and_then(|v| Version::parse(&v.value))
        .map_or(latest, |v| v.min(latest))
}

// ---------------------------------------------------------------------------------------
// The rules
// ---------------------------------------------------------------------------------------

/// WA301 flow-json-structure.
pub fn flow_json_structure(flow: &WhatsAppFlow, ctx: &Context, out: &mut Vec<Finding>) {
    structure(&FlowDoc::new(flow, ctx), out);
}

/// WA302 terminal-screen-footer.
pub fn terminal_screen_footer(flow: &WhatsAppFlow, ctx: &Context, out: &mut Vec<Finding>) {
    terminal(&FlowDoc::new(flow, ctx), out);
}

/// WA303 flow-json-component-limits.
pub fn component_limits(flow: &WhatsAppFlow, ctx: &Context, out: &mut Vec<Finding>) {
    limits_check(&FlowDoc::new(flow, ctx), out);
}

/// WA304 unknown-screen.
pub fn unknown_screen(flow: &WhatsAppFlow, ctx: &Context, out: &mut Vec<Finding>) {
    unknown_screens(&FlowDoc::new(flow, ctx), out);
}

/// WA305 unreachable-screen.
pub fn unreachable_screen(flow: &WhatsAppFlow, ctx: &Context, out: &mut Vec<Finding>) {
    unreachable(&FlowDoc::new(flow, ctx), out);
}

/// WA306 personal-data-without-consent.
pub fn personal_data_without_consent(flow: &WhatsAppFlow, ctx: &Context, out: &mut Vec<Finding>) {
    consent(&FlowDoc::new(flow, ctx), out);
}

/// WA108 insecure-url, for Flow JSON (and `flow_json` in templates). Registered beside the
/// template and conversation-flow checks of WA108.
pub fn insecure_url_in_flow_json(flow: &WhatsAppFlow, ctx: &Context, out: &mut Vec<Finding>) {
    insecure_urls(&FlowDoc::new(flow, ctx), out);
}

// ----- WA301 ---------------------------------------------------------------------------

fn structure(doc: &FlowDoc, out: &mut Vec<Finding>) {
    let Some(catalogue) = catalogue() else { return };
    let flow = doc.flow;
    if let Some(version) = &flow.version {
        if Version::parse(&version.value).is_none() {
            out.push(
                Finding::new(
                    STRUCTURE,
                    At::Node(version.node),
                    format!(
                        "Flow JSON version `{}` is not a version; Meta expects a \"major.minor\" string such as \"{}\"",
                        version.value,
                        catalogue.latest()
                    ),
                )
                .help(format!("set `\"version\": \"{}\"`", catalogue.latest())),
            );
        }
    }
    if let Some(screens) = flow.screens_node {
        if doc.tree.items(screens).is_empty() {
            out.push(
                Finding::new(STRUCTURE, At::Node(screens), "the flow has no screens")
                    .help("add at least one screen with an `id` and a `layout`"),
            );
        }
    }
    if let Some(uri) = &flow.data_channel_uri {
        if doc.version >= Version(3, 0) {
            out.push(
                Finding::new(
                    STRUCTURE,
                    At::Key(uri.node),
                    format!(
                        "`data_channel_uri` is only valid below Flow JSON 3.0; this flow is version {}",
                        doc.version_text()
                    ),
                )
                .help("remove it and set the endpoint as `endpoint_uri` through the Flows API"),
            );
        }
    }
    if flow.data_api_version.is_none() {
        if let Some(action) = doc.uses_data_exchange() {
            let at = action
                .name
                .as_ref()
                .map_or(At::Key(action.node), |n| At::Node(n.node));
            out.push(
                Finding::new(
                    STRUCTURE,
                    at,
                    "`data_exchange` needs an endpoint, but the flow declares no `data_api_version`",
                )
                .help("add `\"data_api_version\": \"4.0\"` and a `routing_model`, or use `navigate`/`complete` in a flow without an endpoint"),
            );
        }
    }
    routing_structure(doc, out);
    let mut seen: HashMap<&str, NodeId> = HashMap::new();
    for screen in &flow.screens {
        screen_structure(doc, catalogue, screen, out);
        if let Some(id) = &screen.id {
            if let Some(&first) = seen.get(id.value.as_str()) {
                out.push(
                    Finding::new(
                        STRUCTURE,
                        At::Node(id.node),
                        format!("screen id `{}` is used twice", id.value),
                    )
                    .help("give every screen its own id")
                    .related(doc.file, At::Node(first), "first used here"),
                );
            } else {
                seen.insert(&id.value, id.node);
            }
        }
    }
    if doc.version < Version(4, 0) {
        // Global references `${screen.X.form.y}` arrived with 4.0.
        for_each_string(doc.tree, flow.node, &mut |node, value| {
            if let Some(start) = value.find("${screen.") {
                out.push(
                    Finding::new(
                        STRUCTURE,
                        At::InString(node, start, start + "${screen.".len()),
                        format!(
                            "global references (`${{screen...}}`) need Flow JSON 4.0 or later; this flow is version {}",
                            doc.version_text()
                        ),
                    )
                    .help("raise `version`, or pass the value on in the `navigate` payload"),
                );
            }
        });
    }
}

fn routing_structure(doc: &FlowDoc, out: &mut Vec<Finding>) {
    let Some(model) = &doc.flow.routing_model else {
        return;
    };
    let mut edges: HashSet<(&str, &str)> = HashSet::new();
    let mut inbound: HashSet<&str> = HashSet::new();
    for route in &model.routes {
        for target in &route.to {
            if target.value == route.from {
                out.push(
                    Finding::new(
                        STRUCTURE,
                        At::Node(target.node),
                        format!("routing_model routes screen `{}` to itself", route.from),
                    )
                    .help("remove the screen from its own list"),
                );
                continue;
            }
            edges.insert((route.from.as_str(), target.value.as_str()));
            inbound.insert(target.value.as_str());
        }
    }
    for route in &model.routes {
        for target in &route.to {
            let (a, b) = (route.from.as_str(), target.value.as_str());
            // Report each pair once, at the edge written second.
            if a < b || !edges.contains(&(b, a)) {
                continue;
            }
            out.push(
                Finding::new(
                    STRUCTURE,
                    At::Node(target.node),
                    format!(
                        "routing_model lists both `{b}` → `{a}` and `{a}` → `{b}`; list forward routes only, going back is implied"
                    ),
                )
                .help(format!("remove `{b}` from the list of `{a}`")),
            );
        }
    }
    let has_entry = model.routes.is_empty()
        || model
            .routes
            .iter()
            .any(|r| !inbound.contains(r.from.as_str()));
    if !has_entry {
        out.push(
            Finding::new(
                STRUCTURE,
                At::Key(model.node),
                "routing_model has no entry screen: every screen in it has a route leading to it",
            )
            .help("the first screen must not be the target of any route; remove the routes back to it"),
        );
    }
}

fn screen_structure(
    doc: &FlowDoc,
    catalogue: &FlowCatalogue,
    screen: &Screen,
    out: &mut Vec<Finding>,
) {
    let tree = doc.tree;
    match &screen.id {
        None => {
            if tree.get(screen.node, "id").is_none() {
                out.push(
                    Finding::new(STRUCTURE, At::Key(screen.node), "screen has no `id`")
                        .help("give the screen an `id` of capital letters and underscores, e.g. `\"id\": \"WELCOME\"`"),
                );
            }
        }
        Some(id) if id.value == RESERVED_SCREEN_ID => out.push(
            Finding::new(
                STRUCTURE,
                At::Node(id.node),
                "screen id `SUCCESS` is reserved by Meta and cannot name a screen",
            )
            .help("rename the screen, e.g. `CONFIRMATION`, and every reference to it"),
        ),
        Some(id) if id.value.trim().is_empty() => out.push(
            Finding::new(STRUCTURE, At::Node(id.node), "screen id is empty")
                .help("give the screen an `id` of capital letters and underscores, e.g. `\"id\": \"WELCOME\"`"),
        ),
        Some(id) => {
            if let Some((at, ch)) = id
                .value
                .char_indices()
                .find(|(_, c)| !(c.is_ascii_alphabetic() || *c == '_'))
            {
                out.push(
                    Finding::new(
                        STRUCTURE,
                        At::InString(id.node, at, at + ch.len_utf8()),
                        format!(
                            "screen id `{}` contains `{ch}`; Meta's Flow Builder accepts only letters and underscores in screen ids",
                            id.value
                        ),
                    )
                    .severity(Severity::Warning)
                    .help("use letters and underscores only, e.g. `STEP_TWO` instead of `STEP_2`"),
                );
            }
        }
    }
    let screen_name = screen.id().unwrap_or("?");
    for field in &screen.data {
        if !matches!(tree.value(field.node), Value::Map(_)) {
            out.push(
                Finding::new(
                    STRUCTURE,
                    At::Node(field.node),
                    format!(
                        "data field `{}` of screen `{screen_name}` must declare its `type` and `__example__`",
                        field.name
                    ),
                )
                .help("write e.g. `\"name\": {\"type\": \"string\", \"__example__\": \"Maria\"}`"),
            );
            continue;
        }
        if let Some(kind) = &field.kind {
            if !DATA_TYPES.contains(&kind.value.as_str()) {
                out.push(Finding::new(
                    STRUCTURE,
                    At::Node(kind.node),
                    format!(
                        "data field `{}` has type `{}`; Flow JSON types are string, number, boolean, object and array{}",
                        field.name,
                        kind.value,
                        did_you_mean(&kind.value, DATA_TYPES)
                    ),
                ));
            }
        } else if tree.get(field.node, "type").is_none() {
            out.push(
                Finding::new(
                    STRUCTURE,
                    At::Key(field.node),
                    format!(
                        "data field `{}` of screen `{screen_name}` has no `type`",
                        field.name
                    ),
                )
                .help("declare the field's JSON type: string, number, boolean, object or array"),
            );
        }
        if !field.has_example {
            out.push(
                Finding::new(
                    STRUCTURE,
                    At::Key(field.node),
                    format!(
                        "data field `{}` of screen `{screen_name}` has no `__example__`; Meta requires one for every field",
                        field.name
                    ),
                )
                .help("add a sample value, e.g. `\"__example__\": \"Maria\"`"),
            );
        }
    }
    let Some(layout) = &screen.layout else {
        if tree.get(screen.node, "layout").is_none() {
            let at = screen
                .id
                .as_ref()
                .map_or(At::Key(screen.node), |id| At::Node(id.node));
            out.push(
                Finding::new(
                    STRUCTURE,
                    at,
                    format!("screen `{screen_name}` has no `layout`"),
                )
                .help("add `\"layout\": {\"type\": \"SingleColumnLayout\", \"children\": [...]}`"),
            );
        }
        return;
    };
    match &layout.kind {
        Some(kind) if kind.value != LAYOUT => out.push(Finding::new(
            STRUCTURE,
            At::Node(kind.node),
            format!(
                "layout type `{}` does not exist; the only layout is `{LAYOUT}`",
                kind.value
            ),
        )),
        None if tree.get(layout.node, "type").is_none() => out.push(
            Finding::new(
                STRUCTURE,
                At::Key(layout.node),
                format!("the layout of screen `{screen_name}` has no `type`"),
            )
            .help(format!("add `\"type\": \"{LAYOUT}\"`")),
        ),
        _ => {}
    }
    if tree.get(layout.node, "children").is_none() {
        out.push(
            Finding::new(
                STRUCTURE,
                At::Key(layout.node),
                format!("the layout of screen `{screen_name}` has no `children`"),
            )
            .help("list the screen's components under `children`"),
        );
    }
    let place = Place {
        in_form: false,
        if_depth: 0,
        in_branch: false,
    };
    for component in &layout.children {
        component_structure(doc, catalogue, component, place, out);
    }
    screen_composition(doc, screen, out);
}

/// Where a component sits.
#[derive(Clone, Copy)]
struct Place {
    in_form: bool,
    /// How many `If`s contain it.
    if_depth: usize,
    /// Inside an `If` branch or a `Switch` case.
    in_branch: bool,
}

fn component_structure(
    doc: &FlowDoc,
    catalogue: &FlowCatalogue,
    component: &Component,
    place: Place,
    out: &mut Vec<Finding>,
) {
    let tree = doc.tree;
    let version = doc.version;
    let Some(kind) = &component.kind else {
        if tree.get(component.node, "type").is_none() {
            out.push(
                Finding::new(
                    STRUCTURE,
                    At::Key(component.node),
                    "component has no `type`",
                )
                .help("name the component, e.g. `\"type\": \"TextBody\"`"),
            );
        }
        return;
    };
    let name = kind.value.as_str();
    let type_at = At::Node(kind.node);
    match catalogue.component(name) {
        None => {
            let known = catalogue.components.iter().map(|(n, _)| n.as_str());
            out.push(
                Finding::new(
                    STRUCTURE,
                    type_at,
                    format!("unknown component type `{name}`{}", did_you_mean(name, known)),
                )
                .help("use one of Meta's Flow JSON components (TextHeading, TextBody, TextInput, RadioButtonsGroup, Dropdown, Footer, ...); types are case-sensitive"),
            );
        }
        Some(spec) => {
            if let Some(since) = spec.since.filter(|&since| version < since) {
                out.push(
                    Finding::new(
                        STRUCTURE,
                        type_at,
                        format!(
                            "`{name}` needs Flow JSON {since} or later; this flow is version {}",
                            doc.version_text()
                        ),
                    )
                    .help(format!(
                        "raise `version` to {since} or later, or use another component"
                    )),
                );
            }
            for property in &spec.required {
                if tree.get(component.node, property).is_none() {
                    out.push(
                        Finding::new(
                            STRUCTURE,
                            type_at,
                            format!("`{name}` is missing the required property `{property}`"),
                        )
                        .help(format!("add `{property}` to the `{name}`")),
                    );
                }
            }
            for (property, since) in &spec.required_from {
                if version >= *since && tree.get(component.node, property).is_none() {
                    out.push(
                        Finding::new(
                            STRUCTURE,
                            type_at,
                            format!(
                                "`{name}` is missing `{property}`, required from Flow JSON {since} (this flow is version {})",
                                doc.version_text()
                            ),
                        )
                        .help(format!("add `{property}` to the `{name}`")),
                    );
                }
            }
            for (property, since) in &spec.since_property {
                if version < *since {
                    if let Some(node) = tree.get(component.node, property) {
                        out.push(
                            Finding::new(
                                STRUCTURE,
                                At::Key(node),
                                format!(
                                    "`{property}` on `{name}` needs Flow JSON {since} or later; this flow is version {}",
                                    doc.version_text()
                                ),
                            )
                            .help(format!("raise `version` to {since}, or remove `{property}`")),
                        );
                    }
                }
            }
            if let Some(before) = spec.form_before {
                if version < before && !place.in_form {
                    out.push(
                        Finding::new(
                            STRUCTURE,
                            type_at,
                            format!(
                                "before Flow JSON {before}, `{name}` must sit inside a `Form`; this flow is version {}",
                                doc.version_text()
                            ),
                        )
                        .help(format!("wrap the inputs in a `Form`, or raise `version` to {before}")),
                    );
                }
            }
            for (property, allowed) in &spec.enums {
                let Some(value) = component.property(property) else {
                    continue;
                };
                if is_dynamic(&value.value) || allowed.iter().any(|a| a == &value.value) {
                    continue;
                }
                out.push(Finding::new(
                    STRUCTURE,
                    At::Node(value.node),
                    format!(
                        "`{property}` of `{name}` is `{}`; Meta accepts {}{}",
                        value.value,
                        allowed.join(", "),
                        did_you_mean(&value.value, allowed.iter().map(String::as_str))
                    ),
                ));
            }
        }
    }
    for property in component.properties.iter().filter(|p| p.key != "condition") {
        binding_structure(doc, name, property, out);
    }
    if component.is("TextInput") {
        if let Some(pattern) = tree.get(component.node, "pattern") {
            if tree.get(component.node, "helper-text").is_none() {
                out.push(
                    Finding::new(
                        STRUCTURE,
                        At::Key(pattern),
                        "a `TextInput` with a `pattern` needs a `helper-text` telling the user the expected format",
                    )
                    .help("add `\"helper-text\"`, e.g. \"E.g. 1993-08-04\""),
                );
            }
        }
    }
    if component.is("Footer") {
        let has = |key: &str| tree.get(component.node, key).is_some();
        if has("center-caption") && (has("left-caption") || has("right-caption")) {
            out.push(
                Finding::new(
                    STRUCTURE,
                    type_at,
                    "a `Footer` takes `left-caption` with `right-caption`, or `center-caption` alone, not both kinds",
                )
                .help("remove `center-caption` or the left/right captions"),
            );
        }
        if place.if_depth > 1 {
            out.push(
                Finding::new(
                    STRUCTURE,
                    type_at,
                    "a `Footer` inside an `If` must be in a top-level `If`, not in a nested one",
                )
                .help("move the `Footer` up into the outermost `If`, in both `then` and `else`"),
            );
        }
    }
    if component.is("ChipsSelector") && place.in_branch && version < Version(7, 1) {
        out.push(Finding::new(
            STRUCTURE,
            type_at,
            format!(
                "`ChipsSelector` inside `If` or `Switch` needs Flow JSON 7.1 or later; this flow is version {}",
                doc.version_text()
            ),
        ));
    }
    for action in &component.actions {
        action_structure(doc, catalogue, name, action, out);
    }
    if let Some(Options::Static { items, .. }) = &component.options {
        for item in items {
            for action in &item.actions {
                action_structure(doc, catalogue, name, action, out);
            }
        }
    }
    match name {
        "If" => if_structure(doc, component, place, out),
        "Switch" => {
            let cases = tree.get(component.node, "cases");
            if let Some(cases) = cases
                .filter(|&c| tree.entries(c).is_empty() && matches!(tree.value(c), Value::Map(_)))
            {
                out.push(
                    Finding::new(STRUCTURE, At::Node(cases), "`Switch` has no `cases`")
                        .help("add at least one case: `\"cases\": {\"value\": [components]}`"),
                );
            }
        }
        _ => {}
    }
    let inner = Place {
        in_form: place.in_form || name == "Form",
        if_depth: place.if_depth + usize::from(name == "If"),
        in_branch: place.in_branch || name == "If" || name == "Switch",
    };
    for child in &component.children {
        component_structure(doc, catalogue, child, inner, out);
    }
    for branch in &component.branches {
        for child in &branch.children {
            component_structure(doc, catalogue, child, inner, out);
        }
    }
}

/// `${data.x}` bindings: a property is either static text, one whole binding, or (from 6.0)
/// a backtick expression; static text around a binding is a compile error.
fn binding_structure(
    doc: &FlowDoc,
    component: &str,
    property: &whatsapp_flow::Property,
    out: &mut Vec<Finding>,
) {
    let value = property.value.value.trim();
    if value.starts_with('`') {
        if doc.version < Version(6, 0) {
            out.push(
                Finding::new(
                    STRUCTURE,
                    At::Node(property.value.node),
                    format!(
                        "`{}` of `{component}` is a nested expression (backticks), which needs Flow JSON 6.0 or later; this flow is version {}",
                        property.key,
                        doc.version_text()
                    ),
                )
                .help("raise `version` to 6.0, or compute the value in the endpoint or the payload"),
            );
        }
        return;
    }
    let Some(start) = value.find("${") else {
        return;
    };
    let whole = value.starts_with("${")
        && value.ends_with('}')
        && value.matches("${").count() == 1
        && value.matches('}').count() == 1;
    if whole {
        return;
    }
    let offset = property.value.value.find("${").unwrap_or(start);
    let end = property.value.value[offset..]
        .find('}')
        .map_or(property.value.value.len(), |e| offset + e + 1);
    out.push(
        Finding::new(
            STRUCTURE,
            At::InString(property.value.node, offset, end),
            format!(
                "`{}` of `{component}` mixes static text with a dynamic binding; Meta refuses that at compile time",
                property.key
            ),
        )
        .help(if doc.version >= Version(6, 0) {
            "wrap the whole value in backticks, e.g. \"`'Hello ' ${data.name}`\", or bind one whole `${data...}` value"
        } else {
            "bind one whole `${data...}` value and build the text in the endpoint or the payload (backtick expressions need 6.0)"
        }),
    );
}

fn if_structure(doc: &FlowDoc, component: &Component, place: Place, out: &mut Vec<Finding>) {
    let branch = |label: &str| component.branches.iter().find(|b| b.label == label);
    let then = branch("then");
    if let Some(then) = then {
        if doc.tree.items(then.node).is_empty()
            && matches!(doc.tree.value(then.node), Value::Seq(_))
        {
            out.push(
                Finding::new(
                    STRUCTURE,
                    At::Node(then.node),
                    "`then` of an `If` must not be empty",
                )
                .help("put the components to show under `then`, or remove the `If`"),
            );
        }
    }
    let has_footer = |label: &str| {
        branch(label).is_some_and(|b| {
            let mut all = Vec::new();
            for c in &b.children {
                c.walk(&mut all);
            }
            all.iter().any(|c| c.is("Footer"))
        })
    };
    let (in_then, in_else) = (has_footer("then"), has_footer("else"));
    if in_then != in_else && place.if_depth == 0 {
        let missing = if in_then { "else" } else { "then" };
        let at = component
            .kind
            .as_ref()
            .map_or(At::Key(component.node), |k| At::Node(k.node));
        out.push(
            Finding::new(
                STRUCTURE,
                at,
                format!("`If` has a `Footer` in one branch only: `{missing}` has none (Meta: \"Missing Footer inside one of the if branches\")"),
            )
            .help("give both `then` and `else` a `Footer`, or move the `Footer` out of the `If`"),
        );
    }
}

fn action_structure(
    doc: &FlowDoc,
    catalogue: &FlowCatalogue,
    component: &str,
    action: &Action,
    out: &mut Vec<Finding>,
) {
    let Some(name) = &action.name else {
        if doc.tree.get(action.node, "name").is_none() {
            out.push(
                Finding::new(
                    STRUCTURE,
                    At::Key(action.node),
                    format!("`{}` of `{component}` has no `name`", action.key),
                )
                .help(
                    "name the action: navigate, complete, data_exchange, update_data or open_url",
                ),
            );
        }
        return;
    };
    let known = catalogue.actions.iter().map(|(n, _)| n.as_str());
    match catalogue.action(&name.value) {
        None => out.push(Finding::new(
            STRUCTURE,
            At::Node(name.node),
            format!(
                "unknown action `{}`; Flow JSON actions are navigate, complete, data_exchange, update_data and open_url{}",
                name.value,
                did_you_mean(&name.value, known)
            ),
        )),
        Some(since) if doc.version < since => out.push(
            Finding::new(
                STRUCTURE,
                At::Node(name.node),
                format!(
                    "action `{}` needs Flow JSON {since} or later; this flow is version {}",
                    name.value,
                    doc.version_text()
                ),
            )
            .help(format!("raise `version` to {since}")),
        ),
        Some(_) => {}
    }
    match name.value.as_str() {
        "navigate" => {
            let named = action.next.as_ref().is_some_and(|n| n.name.is_some());
            if !named {
                out.push(
                    Finding::new(
                        STRUCTURE,
                        At::Node(name.node),
                        "`navigate` has no `next` screen",
                    )
                    .help("add `\"next\": {\"type\": \"screen\", \"name\": \"<SCREEN_ID>\"}`"),
                );
            }
        }
        "open_url" if action.url.is_none() => out.push(
            Finding::new(STRUCTURE, At::Node(name.node), "`open_url` has no `url`")
                .help("add the `url` to open"),
        ),
        _ => {}
    }
}

/// Rules about what may share a screen: NavigationList, RichText.
fn screen_composition(doc: &FlowDoc, screen: &Screen, out: &mut Vec<Finding>) {
    let all = screen.components();
    let footer_may_join = doc.version >= Version(6, 3);
    // Counted once: a screen may hold many components.
    let besides_lists = all.iter().filter(|c| !c.is("NavigationList")).count();
    let besides_rich_text = all
        .iter()
        .filter(|c| !(c.is("RichText") || (footer_may_join && c.is("Footer"))))
        .count();
    for component in &all {
        let Some(kind) = &component.kind else {
            continue;
        };
        match kind.value.as_str() {
            "NavigationList" => {
                if screen.is_terminal() {
                    out.push(
                        Finding::new(
                            STRUCTURE,
                            At::Node(kind.node),
                            format!(
                                "`NavigationList` cannot be on a terminal screen (`{}`)",
                                screen.id().unwrap_or("?")
                            ),
                        )
                        .help("move the list to a screen before the terminal one"),
                    );
                }
                if besides_lists > 0 {
                    out.push(
                        Finding::new(
                            STRUCTURE,
                            At::Node(kind.node),
                            "`NavigationList` cannot share its screen with other components",
                        )
                        .help("put the other components on a screen of their own"),
                    );
                }
            }
            "RichText" if besides_rich_text > 0 => {
                let wording = if footer_may_join {
                    "except a `Footer`"
                } else {
                    "before Flow JSON 6.3, not even with a `Footer`"
                };
                out.push(
                    Finding::new(
                        STRUCTURE,
                        At::Node(kind.node),
                        format!("`RichText` must be alone on its screen ({wording})"),
                    )
                    .help("put the other components on a screen of their own"),
                );
            }
            _ => {}
        }
    }
}

/// Calls `f` on every string value under `node`, with its node.
fn for_each_string(tree: &Tree, node: NodeId, f: &mut dyn FnMut(NodeId, &str)) {
    let mut stack = vec![node];
    while let Some(current) = stack.pop() {
        match tree.value(current) {
            Value::String(s) => f(current, s),
            Value::Seq(items) => stack.extend(items.iter().rev()),
            Value::Map(entries) => stack.extend(entries.iter().rev().map(|e| e.value)),
            _ => {}
        }
    }
}

// ----- WA302 ---------------------------------------------------------------------------

fn terminal(doc: &FlowDoc, out: &mut Vec<Finding>) {
    let flow = doc.flow;
    if flow.screens.is_empty() {
        return;
    }
    if !flow.screens.iter().any(Screen::is_terminal) {
        let at = flow.screens_node.map_or(At::Key(flow.node), At::Key);
        out.push(
            Finding::new(
                TERMINAL,
                at,
                "the flow has no terminal screen: no screen sets `\"terminal\": true`, so it can never be completed",
            )
            .help("mark the last screen `\"terminal\": true` and give it a `Footer` whose action is `complete`"),
        );
    }
    for screen in flow.screens.iter().filter(|s| s.is_terminal()) {
        let components = screen.components();
        let footers: Vec<&&Component> = components.iter().filter(|c| c.is("Footer")).collect();
        let name = screen.id().unwrap_or("?");
        if footers.is_empty() {
            let at = screen
                .terminal
                .as_ref()
                .map_or(At::Key(screen.node), |t| At::Node(t.node));
            out.push(
                Finding::new(
                    TERMINAL,
                    at,
                    format!("terminal screen `{name}` has no `Footer`; Meta requires one on every terminal screen"),
                )
                .help("add a `Footer` whose `on-click-action` is `complete`"),
            );
        }
        for footer in footers {
            for action in footer.actions.iter().filter(|a| a.is("navigate")) {
                let at = action
                    .name
                    .as_ref()
                    .map_or(At::Key(action.node), |n| At::Node(n.node));
                out.push(
                    Finding::new(
                        TERMINAL,
                        at,
                        format!("the `Footer` of terminal screen `{name}` navigates away, so the flow can never finish"),
                    )
                    .help("use `complete` (or `data_exchange` with an endpoint) on a terminal screen's Footer"),
                );
            }
        }
    }
}

// ----- WA303 ---------------------------------------------------------------------------

/// How many components of `list` match `pred`, counting `Form` contents and, for `If` and
/// `Switch`, only the branch with most (only one branch shows at a time).
fn count(list: &[Component], pred: &dyn Fn(&Component) -> bool) -> usize {
    list.iter()
        .map(|c| {
            usize::from(pred(c))
                + count(&c.children, pred)
                + c.branches
                    .iter()
                    .map(|b| count(&b.children, pred))
                    .max()
                    .unwrap_or(0)
        })
        .sum()
}

fn char_count(text: &str) -> usize {
    text.chars().count()
}

fn limits_check(doc: &FlowDoc, out: &mut Vec<Finding>) {
    let Some(catalogue) = catalogue() else { return };
    let mut per_flow: HashMap<&str, Vec<&Component>> = HashMap::new();
    for screen in &doc.flow.screens {
        let Some(layout) = &screen.layout else {
            continue;
        };
        let name = screen.id().unwrap_or("?");
        let total = count(&layout.children, &|c| {
            !matches!(c.kind(), "Form" | "If" | "Switch")
        });
        if total > MAX_COMPONENTS_PER_SCREEN {
            let at = doc
                .tree
                .get(layout.node, "children")
                .map_or(At::Key(layout.node), At::Key);
            out.push(
                Finding::new(
                    LIMITS,
                    at,
                    format!("screen `{name}` has {total} components; Meta allows at most {MAX_COMPONENTS_PER_SCREEN} per screen"),
                )
                .help("split the screen in two"),
            );
        }
        let components = screen.components();
        for (kind, spec) in &catalogue.components {
            let Some(max) = spec.per_screen else { continue };
            let found = count(&layout.children, &|c| c.is(kind));
            if found > max {
                let Some(last) = components.iter().rev().find(|c| c.is(kind)) else {
                    continue;
                };
                let at = last
                    .kind
                    .as_ref()
                    .map_or(At::Key(last.node), |k| At::Node(k.node));
                out.push(
                    Finding::new(
                        LIMITS,
                        at,
                        format!(
                            "screen `{name}` has {found} `{kind}` components; Meta allows at most {max} per screen"
                        ),
                    )
                    .help(if max == 1 {
                        format!("keep one `{kind}` on the screen")
                    } else {
                        format!("keep at most {max} and move the others to another screen")
                    }),
                );
            }
        }
        for component in &components {
            per_flow
                .entry(component.kind())
                .or_default()
                .push(component);
            component_limits_of(doc, catalogue, component, out);
        }
        if_nesting(&layout.children, 0, out);
    }
    for (kind, spec) in &catalogue.components {
        let Some(max) = spec.per_flow else { continue };
        let Some(found) = per_flow.get(kind.as_str()) else {
            continue;
        };
        if found.len() > max {
            if let Some(last) = found.last() {
                let at = last
                    .kind
                    .as_ref()
                    .map_or(At::Key(last.node), |k| At::Node(k.node));
                out.push(
                    Finding::new(
                        LIMITS,
                        at,
                        format!("the flow has {} `{kind}` components; Meta allows at most {max} per flow", found.len()),
                    )
                    .help(format!("keep at most {max} `{kind}` components in the flow")),
                );
            }
        }
    }
    routing_limits(doc, out);
}

fn text_limit(what: String, value: &AtNode<String>, limit: Limit, out: &mut Vec<Finding>) {
    if is_dynamic(&value.value) {
        return;
    }
    let length = char_count(&value.value);
    let soft = limit
        .warn_above
        .filter(|&soft| length > soft && length <= limit.max);
    if length <= limit.max && soft.is_none() {
        return;
    }
    let message = match soft {
        Some(soft) => format!(
            "{what} has {length} characters; Meta's current reference allows at most {soft} (older versions and SDKs {})",
            limit.max
        ),
        None if limit.warn => format!(
            "{what} has {length} characters; WhatsApp SDKs allow at most {}",
            limit.max
        ),
        None => format!("{what} has {length} characters; Meta allows at most {}", limit.max),
    };
    let target = soft.unwrap_or(limit.max);
    let mut finding = Finding::new(LIMITS, At::Node(value.node), message)
        .help(format!("shorten it to {target} characters or fewer"));
    if limit.warn || soft.is_some() {
        finding = finding.severity(Severity::Warning);
    }
    out.push(finding);
}

fn component_limits_of(
    doc: &FlowDoc,
    catalogue: &FlowCatalogue,
    component: &Component,
    out: &mut Vec<Finding>,
) {
    let name = component.kind();
    let Some(spec) = catalogue.component(name) else {
        return;
    };
    for property in component.properties.iter().filter(|p| !p.in_list) {
        if let Some((_, limit)) = spec.text.iter().find(|(key, _)| *key == property.key) {
            text_limit(
                format!("`{name}` {}", property.key),
                &property.value,
                *limit,
                out,
            );
        }
    }
    for key in &spec.min_text {
        let Some(node) = doc.tree.get(component.node, key) else {
            continue;
        };
        let blank = match doc.tree.value(node) {
            Value::String(s) => s.trim().is_empty(),
            Value::Seq(items) => items.is_empty(),
            _ => false,
        };
        if blank {
            out.push(
                Finding::new(
                    LIMITS,
                    At::Node(node),
                    format!("`{name}` {key} is empty; Meta rejects blank text"),
                )
                .help("write the text, or remove the component"),
            );
        }
    }
    let (
        Some(option_spec),
        Some(Options::Static {
            property,
            node,
            items,
        }),
    ) = (&spec.options, &component.options)
    else {
        return;
    };
    if *property != option_spec.property {
        return;
    }
    let with_images = items.iter().any(|i| i.has_image);
    let max = match option_spec.max_with_images {
        Some(cap) if with_images => cap,
        _ => option_spec.max,
    };
    let found = items.len();
    if found < option_spec.min || found > max {
        let bound = if found < option_spec.min {
            format!("at least {}", option_spec.min)
        } else if with_images && option_spec.max_with_images.is_some() {
            format!("at most {max} when an option has an image")
        } else {
            format!("at most {max}")
        };
        out.push(
            Finding::new(
                LIMITS,
                At::Key(*node),
                format!(
                    "`{name}` has {found} {}; Meta allows {bound}",
                    plural(found, property)
                ),
            )
            .help(if found < option_spec.min {
                "add options, or use another component".to_string()
            } else {
                format!("keep {max} or fewer, or load them from the endpoint in steps")
            }),
        );
    }
    for item in items {
        for property in &item.properties {
            if let Some((_, limit)) = spec
                .option_text
                .iter()
                .find(|(key, _)| *key == property.key)
            {
                text_limit(
                    format!("`{name}` option {}", property.key),
                    &property.value,
                    *limit,
                    out,
                );
            }
        }
    }
}

fn plural(count: usize, property: &str) -> String {
    match (property, count) {
        ("data-source", 1) => "option".into(),
        ("data-source", _) => "options".into(),
        ("list-items", 1) => "list item".into(),
        ("list-items", _) => "list items".into(),
        ("images", 1) => "image".into(),
        ("images", _) => "images".into(),
        (other, _) => format!("`{other}` entries"),
    }
}

fn if_nesting(list: &[Component], depth: usize, out: &mut Vec<Finding>) {
    for component in list {
        let inner = depth + usize::from(component.is("If"));
        if component.is("If") && inner == MAX_IF_NESTING + 1 {
            let at = component
                .kind
                .as_ref()
                .map_or(At::Key(component.node), |k| At::Node(k.node));
            out.push(
                Finding::new(
                    LIMITS,
                    at,
                    format!(
                        "`If` nested {inner} levels deep; Meta allows at most {MAX_IF_NESTING}"
                    ),
                )
                .help("flatten the conditions, e.g. with `&&` or a `Switch`"),
            );
        }
        if_nesting(&component.children, inner, out);
        for branch in &component.branches {
            if_nesting(&branch.children, inner, out);
        }
    }
}

fn routing_limits(doc: &FlowDoc, out: &mut Vec<Finding>) {
    let Some(model) = &doc.flow.routing_model else {
        return;
    };
    let mut total = 0;
    for route in &model.routes {
        total += route.to.len();
        if route.to.len() > MAX_ROUTING_BRANCHES {
            out.push(
                Finding::new(
                    LIMITS,
                    At::Key(route.node),
                    format!(
                        "routing_model gives screen `{}` {} next screens; Meta allows at most {MAX_ROUTING_BRANCHES} branches",
                        route.from,
                        route.to.len()
                    ),
                )
                .help("split the choice over two screens"),
            );
        }
    }
    if total > MAX_ROUTING_BRANCHES
        && model
            .routes
            .iter()
            .all(|r| r.to.len() <= MAX_ROUTING_BRANCHES)
    {
        out.push(
            Finding::new(
                LIMITS,
                At::Key(model.node),
                format!("routing_model has {total} branches in all; Meta's reference caps the routing model at {MAX_ROUTING_BRANCHES} branches"),
            )
            .severity(Severity::Warning)
            .help("check the flow in Meta's Flow Builder; if it is refused, split it into two flows"),
        );
    }
}

// ----- WA304 ---------------------------------------------------------------------------

/// " did you mean ...?" among the screen ids; skipped for huge flows, where comparing every
/// unknown name with every id would cost too much.
fn suggest_screen(name: &str, ids: &[&str]) -> String {
    if ids.len() > 200 {
        return String::new();
    }
    did_you_mean(name, ids.iter().copied())
}

fn unknown_screens(doc: &FlowDoc, out: &mut Vec<Finding>) {
    let ids = doc.screen_ids();
    let known: HashSet<&str> = ids.iter().copied().collect();
    let exists = |name: &str| known.contains(name);
    let listing = || {
        let shown: Vec<String> = ids.iter().take(8).map(|i| format!("`{i}`")).collect();
        if shown.is_empty() {
            "the flow has no screens".to_string()
        } else {
            format!(
                "screens are {}{}",
                shown.join(", "),
                if ids.len() > 8 { ", ..." } else { "" }
            )
        }
    };
    let unknown = |name: &str, node: NodeId, what: String| {
        Finding::new(
            UNKNOWN_SCREEN,
            At::Node(node),
            format!(
                "{what} screen `{name}`, which does not exist{}",
                suggest_screen(name, &ids)
            ),
        )
        .help(format!("name an existing screen ({})", listing()))
    };
    for screen in &doc.flow.screens {
        for component in screen.components() {
            for action in component.all_actions() {
                let Some(target) = action.next.as_ref().and_then(|n| n.screen()) else {
                    continue;
                };
                if !exists(&target.value) && !is_dynamic(&target.value) {
                    out.push(unknown(
                        &target.value,
                        target.node,
                        format!("`navigate` in `{}` goes to", component.kind()),
                    ));
                }
            }
        }
    }
    if let Some(model) = &doc.flow.routing_model {
        for route in &model.routes {
            if !exists(&route.from) {
                out.push(
                    Finding::new(
                        UNKNOWN_SCREEN,
                        At::Key(route.node),
                        format!(
                            "routing_model has routes from screen `{}`, which does not exist{}",
                            route.from,
                            suggest_screen(&route.from, &ids)
                        ),
                    )
                    .help(format!("name an existing screen ({})", listing())),
                );
            }
            for target in &route.to {
                if !exists(&target.value) {
                    out.push(unknown(
                        &target.value,
                        target.node,
                        format!("routing_model routes `{}` to", route.from),
                    ));
                }
            }
        }
    }
    for_each_string(doc.tree, doc.flow.node, &mut |node, value| {
        let mut from = 0;
        while let Some(found) = value.get(from..).and_then(|rest| rest.find("${screen.")) {
            let start = from + found + "${screen.".len();
            let rest = value.get(start..).unwrap_or("");
            let length = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            let name = &rest[..length];
            if !name.is_empty() && !exists(name) {
                out.push(
                    Finding::new(
                        UNKNOWN_SCREEN,
                        At::InString(node, start, start + length),
                        format!(
                            "`${{screen.{name}...}}` refers to screen `{name}`, which does not exist{}",
                            suggest_screen(name, &ids)
                        ),
                    )
                    .help(format!("name an existing screen ({})", listing())),
                );
            }
            from = start + length;
        }
    });
}

// ----- WA305 ---------------------------------------------------------------------------

fn unreachable(doc: &FlowDoc, out: &mut Vec<Finding>) {
    let flow = doc.flow;
    // Without a routing model, an endpoint may open any screen: nothing to say.
    if flow.routing_model.is_none() && doc.uses_data_exchange().is_some() {
        return;
    }
    // A duplicated id names its first screen (WA301 reports the second).
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, screen) in flow.screens.iter().enumerate() {
        if let Some(id) = screen.id() {
            index.entry(id).or_insert(i);
        }
    }
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); flow.screens.len()];
    for (i, screen) in flow.screens.iter().enumerate() {
        for component in screen.components() {
            for action in component.all_actions() {
                if let Some(&target) = action
                    .next
                    .as_ref()
                    .and_then(|n| n.screen())
                    .and_then(|t| index.get(t.value.as_str()))
                {
                    edges[i].push(target);
                }
            }
        }
    }
    let mut entries = vec![0];
    if let Some(model) = &flow.routing_model {
        let mut inbound = HashSet::new();
        for route in &model.routes {
            let Some(&from) = index.get(route.from.as_str()) else {
                continue;
            };
            for target in &route.to {
                if let Some(&to) = index.get(target.value.as_str()) {
                    if to != from {
                        edges[from].push(to);
                        inbound.insert(to);
                    }
                }
            }
        }
        entries.extend(
            model
                .routes
                .iter()
                .filter_map(|r| index.get(r.from.as_str()).copied())
                .filter(|i| !inbound.contains(i)),
        );
    }
    let mut reached = vec![false; flow.screens.len()];
    let mut queue: VecDeque<usize> = VecDeque::new();
    for entry in entries {
        if entry < reached.len() && !reached[entry] {
            reached[entry] = true;
            queue.push_back(entry);
        }
    }
    while let Some(screen) = queue.pop_front() {
        for &next in &edges[screen] {
            if !reached[next] {
                reached[next] = true;
                queue.push_back(next);
            }
        }
    }
    let first = flow.screens.first().and_then(Screen::id).unwrap_or("?");
    for (screen, _) in flow.screens.iter().zip(&reached).filter(|(_, r)| !**r) {
        let Some(id) = &screen.id else { continue };
        out.push(
            Finding::new(
                UNREACHABLE,
                At::Node(id.node),
                format!(
                    "screen `{}` is never reached: no `navigate` action or routing_model route leads to it from `{first}`",
                    id.value
                ),
            )
            .help("add a `navigate` action or a routing_model route to it, or remove the screen"),
        );
    }
}

// ----- WA306 ---------------------------------------------------------------------------

fn consent(doc: &FlowDoc, out: &mut Vec<Finding>) {
    let mut personal = Vec::new();
    for screen in &doc.flow.screens {
        for component in screen.components() {
            if component.is("OptIn") {
                return;
            }
            if !component.is("TextInput") {
                continue;
            }
            if let Some(kind) = component.property("input-type") {
                if PERSONAL_INPUT_TYPES
                    .iter()
                    .any(|p| p.eq_ignore_ascii_case(&kind.value))
                {
                    personal.push(kind);
                }
            }
        }
    }
    let Some((first, rest)) = personal.split_first() else {
        return;
    };
    let what = match personal.len() {
        1 if first.value.eq_ignore_ascii_case("email") => "an email address".to_string(),
        1 => "a phone number".to_string(),
        n => format!("{n} personal-data fields (email or phone)"),
    };
    let mut finding = Finding::new(
        CONSENT,
        At::Node(first.node),
        format!("the flow collects {what} but has no `OptIn` component asking for consent"),
    )
    .help("add an `OptIn` (\"I agree to be contacted ...\", ideally with a Read more link to your privacy policy) on the screen that collects the data");
    for other in rest {
        finding = finding.related(
            doc.file,
            At::Node(other.node),
            format!("also collects `{}`", other.value),
        );
    }
    out.push(finding);
}

// ----- WA108 (Flow JSON) -----------------------------------------------------------------

fn is_http(value: &str) -> bool {
    value
        .trim_start()
        .get(..7)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("http://"))
}

fn insecure_urls(doc: &FlowDoc, out: &mut Vec<Finding>) {
    let finding = |at: At, what: &str, url: &str| {
        Finding::new(
            INSECURE_URL,
            at,
            format!("{what} `{url}` is not https: the link travels unencrypted"),
        )
        .help("use an https:// URL")
    };
    if let Some(uri) = &doc.flow.data_channel_uri {
        if is_http(&uri.value) {
            out.push(finding(At::Node(uri.node), "data_channel_uri", &uri.value));
        }
    }
    for screen in &doc.flow.screens {
        for component in screen.components() {
            let kind = component.kind();
            for action in component.all_actions() {
                if let Some(url) = action.url.as_ref().filter(|u| is_http(&u.value)) {
                    out.push(finding(
                        At::Node(url.node),
                        &format!("`open_url` of `{kind}` opens"),
                        &url.value,
                    ));
                }
            }
            let options = component.options.iter().flat_map(|o| match o {
                Options::Static { items, .. } => items.as_slice(),
                Options::Dynamic { .. } => &[],
            });
            let properties = component
                .properties
                .iter()
                .chain(options.flat_map(|i| i.properties.iter()));
            for property in properties {
                let value = &property.value.value;
                if is_http(value) {
                    out.push(finding(
                        At::Node(property.value.node),
                        &format!("`{}` of `{kind}`", property.key),
                        value,
                    ));
                    continue;
                }
                // Markdown links: `[text](http://...)`.
                let mut from = 0;
                while let Some(found) = value.get(from..).and_then(|rest| rest.find("](")) {
                    let start = from + found + 2;
                    let rest = value.get(start..).unwrap_or("");
                    let end = start + rest.find([')', ' ']).unwrap_or(rest.len());
                    let url = value.get(start..end).unwrap_or("");
                    if is_http(url) {
                        out.push(finding(
                            At::InString(property.value.node, start, end),
                            &format!("link in `{kind}` {}", property.key),
                            url,
                        ));
                    }
                    from = end.max(start);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Rule;
    use crate::source::parse;

    #[test]
    fn the_component_catalogue_parses_and_knows_every_component() {
        let catalogue = parse_catalogue(CATALOGUE_TEXT).unwrap();
        assert_eq!(catalogue.versions.first(), Some(&Version(2, 1)));
        assert_eq!(catalogue.latest(), Version(7, 3));
        for name in [
            "TextHeading",
            "TextSubheading",
            "TextBody",
            "TextCaption",
            "RichText",
            "TextInput",
            "TextArea",
            "CheckboxGroup",
            "RadioButtonsGroup",
            "Dropdown",
            "ChipsSelector",
            "DatePicker",
            "CalendarPicker",
            "OptIn",
            "EmbeddedLink",
            "NavigationList",
            "Image",
            "ImageCarousel",
            "PhotoPicker",
            "DocumentPicker",
            "If",
            "Switch",
            "Form",
            "Footer",
        ] {
            let spec = catalogue
                .component(name)
                .unwrap_or_else(|| panic!("{name}"));
            assert!(spec.since.is_some(), "{name}");
        }
        assert_eq!(catalogue.action("open_url"), Some(Version(6, 0)));
        let dropdown = catalogue.component("Dropdown").unwrap();
        assert_eq!(
            dropdown.options.as_ref().unwrap().max_with_images,
            Some(100)
        );
        let picker = catalogue.component("PhotoPicker").unwrap();
        assert!(picker.text.iter().all(|(_, l)| l.warn));
    }

    #[test]
    fn versions_parse_and_compare() {
        assert_eq!(Version::parse("7.3"), Some(Version(7, 3)));
        assert_eq!(Version::parse(" 2.1"), Some(Version(2, 1)));
        assert!(Version::parse("7").is_none());
        assert!(Version::parse("v7.3").is_none());
        assert!(Version::parse("7.3.1").is_none());
        assert!(Version(6, 3) < Version(7, 0));
        assert!(Version(6, 10) > Version(6, 3));
    }

    /// Runs one check on a document (a Flow JSON or a template) and returns the findings.
    fn run(text: &str, rule: Rule) -> Vec<Finding> {
        crate::rules::check_text(text, Format::Json, &[rule]).1
    }

    fn spans(text: &str, findings: &[Finding]) -> Vec<String> {
        let tree = parse(text, Format::Json).unwrap();
        findings
            .iter()
            .map(|f| {
                let span = match f.at {
                    At::Node(n) => tree.span(n),
                    At::Key(n) => tree.key_span(n).unwrap_or_default(),
                    At::InString(n, s, e) => source::locate_in_string(text, &tree, n, s..e),
                    At::InFile(_, s) | At::Raw(s) => s,
                };
                text[span.start..span.end].to_string()
            })
            .collect()
    }

    const HTTP_FLOW: &str = r#"{"version": "6.0", "screens": [{"id": "A", "terminal": true,
        "layout": {"type": "SingleColumnLayout", "children": [
          {"type": "TextBody", "markdown": true, "text": "See [terms](http://acme.example/terms) or [faq](https://acme.example/faq)"},
          {"type": "Image", "src": "http://acme.example/logo.png"},
          {"type": "EmbeddedLink", "text": "Privacy", "on-click-action": {"name": "open_url", "url": "http://acme.example/privacy"}},
          {"type": "Footer", "label": "Done", "on-click-action": {"name": "complete", "payload": {}}}]}}]}"#;

    #[test]
    fn insecure_urls_in_flow_json_are_found_where_written() {
        let findings = run(HTTP_FLOW, INSECURE_URL_RULE);
        assert!(findings.iter().all(|f| f.rule == RuleId::WA108));
        assert_eq!(
            spans(HTTP_FLOW, &findings),
            [
                "http://acme.example/terms",
                "\"http://acme.example/logo.png\"",
                "\"http://acme.example/privacy\"",
            ]
        );
    }

    #[test]
    fn insecure_urls_inside_a_template_flow_json_point_into_the_string() {
        let flow = HTTP_FLOW.replace('\n', " ");
        let escaped = serde_json::to_string(&flow).unwrap();
        let template = format!(
            r#"{{"name": "offer", "language": "en_US", "category": "MARKETING", "components": [
                {{"type": "BODY", "text": "Hi"}},
                {{"type": "BUTTONS", "buttons": [{{"type": "FLOW", "text": "Open", "flow_json": {escaped}}}]}}]}}"#
        );
        let findings = run(&template, INSECURE_URL_RULE);
        let found = spans(&template, &findings);
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[0], "http://acme.example/terms");
        assert_eq!(found[1], "\\\"http://acme.example/logo.png\\\"");
        assert!(findings[0].message.starts_with("flow_json: "));
    }

    #[test]
    fn https_and_dynamic_urls_are_fine() {
        let flow = HTTP_FLOW.replace("http://", "https://");
        assert!(run(&flow, INSECURE_URL_RULE).is_empty());
    }

    /// WA108's check of Flow JSON alone (not its template and conversation-flow checks).
    const INSECURE_URL_RULE: Rule = rule!(WA108, WhatsAppFlow, insecure_url_in_flow_json);

    const ALL: [Rule; 7] = [
        rule!(WA301, WhatsAppFlow, flow_json_structure),
        rule!(WA302, WhatsAppFlow, terminal_screen_footer),
        rule!(WA303, WhatsAppFlow, component_limits),
        rule!(WA304, WhatsAppFlow, unknown_screen),
        rule!(WA305, WhatsAppFlow, unreachable_screen),
        rule!(WA306, WhatsAppFlow, personal_data_without_consent),
        INSECURE_URL_RULE,
    ];

    /// Every WA3xx (and WA108) finding on a document, as `CODE severity message`.
    fn all(text: &str) -> Vec<String> {
        let mut found = Vec::new();
        for check in ALL {
            for f in run(text, check) {
                let severity = f.severity.map_or("", |s| s.as_str());
                let catalogue = crate::catalogue::builtin().unwrap();
                let code = &catalogue.rule(f.rule).code;
                found.push(format!("{code} {severity} {}", f.message));
            }
        }
        found
    }

    /// A one-screen terminal flow of `version` with `children` (JSON text).
    fn one_screen(version: &str, children: &str) -> String {
        format!(
            r#"{{"version": "{version}", "screens": [{{"id": "MAIN", "title": "Main", "terminal": true,
                "layout": {{"type": "SingleColumnLayout", "children": [{children}]}}}}]}}"#
        )
    }

    const COMPLETE: &str = r#"{"type": "Footer", "label": "Done", "on-click-action": {"name": "complete", "payload": {}}}"#;

    #[test]
    fn a_footer_in_both_branches_of_an_if_is_one_footer() {
        let both = format!(
            r#"{{"type": "If", "condition": "${{data.a}}", "then": [{COMPLETE}], "else": [{COMPLETE}]}}"#
        );
        assert!(all(&one_screen("7.3", &both)).is_empty());
        let one = format!(
            r#"{{"type": "If", "condition": "${{data.a}}", "then": [{COMPLETE}], "else": [{{"type": "TextBody", "text": "x"}}]}}"#
        );
        let found = all(&one_screen("7.3", &one));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("`else` has none"), "{found:?}");
        let twice = format!("{COMPLETE}, {both}");
        let found = all(&one_screen("7.3", &twice));
        assert!(
            found
                .iter()
                .any(|f| f.contains("has 2 `Footer` components")),
            "{found:?}"
        );
    }

    #[test]
    fn bound_values_are_not_measured_or_counted() {
        let children = format!(
            r#"{{"type": "TextHeading", "text": "${{data.very_long_heading_that_is_bound_at_run_time_and_cannot_be_measured_here}}"}},
               {{"type": "Dropdown", "name": "d", "label": "Pick", "data-source": "${{data.items}}"}},
               {{"type": "TextBody", "text": "`'Hello ' ${{data.name}}`"}}, {COMPLETE}"#
        );
        assert!(all(&one_screen("7.3", &children)).is_empty());
        // Backtick expressions arrived with 6.0.
        let found = all(&one_screen("5.1", &children));
        assert!(
            found.iter().any(|f| f.contains("needs Flow JSON 6.0")),
            "{found:?}"
        );
    }

    #[test]
    fn versions_beyond_the_catalogue_use_the_newest_and_garbage_is_reported() {
        let chips = format!(
            r#"{{"type": "ChipsSelector", "name": "c", "label": "Pick", "data-source": [{{"id": "a", "title": "A"}}, {{"id": "b", "title": "B"}}]}}, {COMPLETE}"#
        );
        assert!(all(&one_screen("8.0", &chips)).is_empty());
        let found = all(&one_screen("seven", &chips));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("`seven` is not a version"), "{found:?}");
        let found = all(&one_screen("6.2", &chips));
        assert!(found[0].contains("needs Flow JSON 6.3"), "{found:?}");
    }

    #[test]
    fn dropdown_caps_depend_on_images() {
        let options = |n: usize, image: bool| {
            let items: Vec<String> = (0..n)
                .map(|i| {
                    let image = if image {
                        r#", "image": "iVBORw0K""#
                    } else {
                        ""
                    };
                    format!(r#"{{"id": "{i}", "title": "Option {i}"{image}}}"#)
                })
                .collect();
            format!(
                r#"{{"type": "Dropdown", "name": "d", "label": "Pick", "data-source": [{}]}}, {COMPLETE}"#,
                items.join(",")
            )
        };
        assert!(all(&one_screen("7.3", &options(150, false))).is_empty());
        let found = all(&one_screen("7.3", &options(101, true)));
        assert_eq!(
            found,
            ["WA303  `Dropdown` has 101 options; Meta allows at most 100 when an option has an image"]
        );
        let found = all(&one_screen("7.3", &options(201, false)));
        assert_eq!(
            found,
            ["WA303  `Dropdown` has 201 options; Meta allows at most 200"]
        );
    }

    #[test]
    fn routing_branches_per_screen_are_errors_and_in_total_a_warning() {
        let screens: Vec<String> = ["A", "B", "C", "D", "E", "F", "G", "H"]
            .iter()
            .map(|id| {
                format!(
                    r#"{{"id": "{id}", "terminal": true, "layout": {{"type": "SingleColumnLayout", "children": [{COMPLETE}]}}}}"#
                )
            })
            .collect();
        let flow = format!(
            r#"{{"version": "7.3", "routing_model": {{"A": ["B", "C", "D", "E", "F", "G"], "B": ["C", "D", "E", "F", "G", "H"]}},
                "screens": [{}]}}"#,
            screens.join(",")
        );
        let found = all(&flow);
        assert_eq!(
            found,
            ["WA303 warning routing_model has 12 branches in all; Meta's reference caps the routing model at 10 branches"]
        );
    }

    #[test]
    fn reachability_follows_navigation_and_routes_and_gives_up_on_endpoints() {
        let screen = |id: &str, terminal: bool, footer: &str| {
            format!(
                r#"{{"id": "{id}", "terminal": {terminal}, "layout": {{"type": "SingleColumnLayout", "children": [{footer}]}}}}"#
            )
        };
        let exchange = r#"{"type": "Footer", "label": "Go", "on-click-action": {"name": "data_exchange", "payload": {}}}"#;
        // An endpoint with no routing model may open any screen.
        let flow = format!(
            r#"{{"version": "7.3", "data_api_version": "4.0", "screens": [{}, {}]}}"#,
            screen("ONE", false, exchange),
            screen("TWO", true, COMPLETE)
        );
        assert!(all(&flow).is_empty(), "{:?}", all(&flow));
        // With one, its routes are the edges.
        let flow = format!(
            r#"{{"version": "7.3", "data_api_version": "4.0", "routing_model": {{"ONE": ["TWO"], "TWO": []}},
                "screens": [{}, {}, {}]}}"#,
            screen("ONE", false, exchange),
            screen("TWO", true, COMPLETE),
            screen("THREE", true, COMPLETE)
        );
        let found = all(&flow);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("WA305  screen `THREE` is never reached"));
    }

    #[test]
    fn rich_text_and_navigation_lists_keep_to_themselves() {
        let rich = format!(r#"{{"type": "RichText", "text": ["Terms"]}}, {COMPLETE}"#);
        assert!(all(&one_screen("6.3", &rich)).is_empty());
        let found = all(&one_screen("6.2", &rich));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("`RichText` must be alone"));
        let list = r#"{"type": "NavigationList", "name": "n", "list-items": [{"id": "a", "main-content": {"title": "A"}, "on-click-action": {"name": "complete", "payload": {}}}]}"#;
        let found = all(&one_screen("6.2", list));
        assert!(
            found
                .iter()
                .any(|f| f.contains("cannot be on a terminal screen")),
            "{found:?}"
        );
        let found = all(&one_screen("6.2", &format!("{list}, {COMPLETE}")));
        assert!(
            found.iter().any(|f| f.contains("cannot share its screen")),
            "{found:?}"
        );
    }

    #[test]
    fn embedded_flow_json_that_is_not_a_flow_is_structure_and_references_are_left_alone() {
        let template = |button: &str| {
            format!(
                r#"{{"name": "t", "language": "en", "category": "UTILITY", "components": [
                    {{"type": "BODY", "text": "Hi"}}, {{"type": "BUTTONS", "buttons": [{button}]}}]}}"#
            )
        };
        let found = all(&template(
            r#"{"type": "FLOW", "text": "Open", "flow_json": "{\"name\": \"x\"}"}"#,
        ));
        assert_eq!(
            found,
            ["WA301  flow_json holds no Flow JSON: it needs `version` and `screens`"]
        );
        let found = all(&template(
            r#"{"type": "FLOW", "text": "Open", "flow_json": "{\"version\": \"7.3\", \"screens\": [{\"id\": \"A\", \"terminal\": \"yes\", \"layout\": {\"type\": \"SingleColumnLayout\", \"children\": []}}]}"}"#,
        ));
        assert!(
            found.contains(
                &"WA301  flow_json: `terminal` must be true or false, found a string".to_string()
            ),
            "{found:?}"
        );
        assert!(all(&template(
            r#"{"type": "FLOW", "text": "Open", "flow_name": "survey"}"#
        ))
        .is_empty());
        assert!(all(&template(
            r#"{"type": "FLOW", "text": "Open", "flow_id": "123"}"#
        ))
        .is_empty());
    }

    #[test]
    fn flow_json_written_as_yaml_is_checked_too() {
        let text = "version: '7.3'\nscreens:\n  - id: MAIN\n    terminal: true\n    layout:\n      type: SingleColumnLayout\n      children:\n        - type: TextHeadline\n          text: Hi\n";
        let (problems, out) = crate::rules::check_text(
            text,
            Format::Yaml,
            &[
                rule!(WA301, WhatsAppFlow, flow_json_structure),
                rule!(WA302, WhatsAppFlow, terminal_screen_footer),
            ],
        );
        assert!(problems.is_empty(), "{problems:?}");
        let messages: Vec<&str> = out.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "unknown component type `TextHeadline`; did you mean `TextHeading`?",
                "terminal screen `MAIN` has no `Footer`; Meta requires one on every terminal screen",
            ]
        );
        let At::Node(node) = out[0].at else {
            panic!("{:?}", out[0].at)
        };
        // The same text parses to the same node ids.
        let tree = parse(text, Format::Yaml).unwrap();
        let span = tree.span(node);
        assert_eq!(&text[span.start..span.end], "TextHeadline");
    }

    #[test]
    fn odd_shapes_never_panic() {
        for text in [
            r#"{"version": 7.3, "screens": [[], 1, null, {"id": 5, "layout": []}, {"layout": {"children": {"a": 1}}}]}"#,
            r#"{"version": "7.3", "screens": {}, "routing_model": []}"#,
            r#"{"version": "7.3", "screens": [], "routing_model": {"A": "B", "B": [1, null], "C": null}}"#,
            r#"{"version": "", "screens": [{"id": "", "layout": {"type": 1, "children": [{"type": "If", "then": {}, "else": 3}, {"type": "Switch", "cases": []}, {"type": "Footer", "on-click-action": "complete"}, {"type": "EmbeddedLink", "text": "a", "on-click-action": {"name": "navigate", "next": "B"}}, {"type": "Dropdown", "data-source": [1, "x", {"image": 1}]}]}}]}"#,
            r#"{"version": "2.1", "screens": [{"id": "A", "layout": {"type": "SingleColumnLayout", "children": [{"type": "TextBody", "text": "${screen.", "markdown": true}, {"type": "TextBody", "text": "[x](http://"}]}}]}"#,
        ] {
            let _ = all(text);
        }
    }

    #[test]
    fn huge_flows_are_checked_in_linear_time() {
        let screens: Vec<String> = (0..5000)
            .map(|i| {
                format!(
                    r#"{{"id": "S{i}", "layout": {{"type": "SingleColumnLayout", "children": [
                        {{"type": "NavigationList", "name": "n", "list-items": []}},
                        {{"type": "NavigationList", "name": "m", "list-items": []}},
                        {{"type": "Footer", "label": "Go", "on-click-action": {{"name": "navigate", "next": {{"type": "screen", "name": "MISSING{i}"}}}}}}]}}}}"#
                )
            })
            .collect();
        let flow = format!(
            r#"{{"version": "7.3", "screens": [{}]}}"#,
            screens.join(",")
        );
        let started = std::time::Instant::now();
        let found = all(&flow);
        assert!(found.len() > 5000);
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
    }
}
