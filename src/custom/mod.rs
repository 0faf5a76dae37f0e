//! Custom rules: a team's own rules, written as data beside its configuration
//! (`custom_rules:` in walint.yaml). Each rule file holds one rule in the schema of
//! `rules/WA*.yaml` plus a `match` block: the kinds of document it reads, JSONPath queries
//! (`given`) over each document as written (or over a conversation flow's format-neutral
//! model, `model: true`), conditions on the document (`where`), and the functions each found
//! value must pass (`then`), or conversation functions that search a flow's graph. The rules join the run's catalogue, so they
//! are selected, configured, suppressed, baselined and reported as the built-in ones are;
//! their findings point at the value a query found, in the user's own file.

mod controls;
mod conversation;
mod functions;
pub mod json;
mod rule_file;
pub mod spectral;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::GlobBuilder;
use serde_json::Value as Json;
use serde_json_path::PathElement;

use crate::catalogue::{Catalogue, RuleError, RuleId};
use crate::config::{RuleSource, RuleSourceKind};
use crate::diagnostic::{At, Finding};
use crate::model::{Document, LanguageCode, Site};
use crate::source::{parse, Entry, Format, LineIndex, NodeId, Span, Tree, Value, MAX_FILE_BYTES};

use conversation::{ModelJson, Seg};
use functions::{Failure, Function};
use rule_file::{Field, Matcher};

pub use controls::CONTROL_KEYS;
pub use conversation::STEP_KEYS;
pub use functions::{Casing, FUNCTIONS};
pub use rule_file::{KIND_NAMES, MATCH_KEYS, THEN_KEYS};

/// At most this many values of one query are checked in a document: a query such as `$..*`
/// over a document at the size limit stays bounded in time and in findings.
const MAX_FOUND: usize = 1_000;

/// A custom rule of the run: its catalogue id and its compiled match block.
#[derive(Debug)]
pub struct CustomRule {
    pub id: RuleId,
    matcher: Matcher,
}

/// The custom rules of a run, compiled once.
#[derive(Debug, Default)]
pub struct CustomRules {
    rules: Vec<CustomRule>,
    /// The rules of Spectral rulesets: they read each file's documents as a whole.
    spectral: Vec<spectral::SpectralRule>,
}

/// A run's catalogue (the built-in rules and the custom ones) and its custom rules.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub catalogue: Arc<Catalogue>,
    pub rules: Arc<CustomRules>,
}

impl Loaded {
    /// A run without custom rules.
    pub fn builtin(catalogue: Arc<Catalogue>) -> Loaded {
        Loaded {
            catalogue,
            rules: Arc::default(),
        }
    }
}

/// What places a problem: the file as shown, and a line and column in it.
fn placed(shown: &str, text: &str, span: Span, message: &str) -> String {
    let at = LineIndex::new(text).position(text, span.start);
    format!("{shown}:{}:{}: {message}", at.line, at.column)
}

/// Loads the custom rules of `sources` (relative to `root`, the config's folder) into a copy
/// of `catalogue`. `shown` names a file as reports do; `in_config` places a problem of an
/// entry in the config. A rule file that cannot be read, does not parse or holds a bad rule
/// is an error at its line and column: the run stops rather than check without the rule.
pub fn load(
    sources: &[RuleSource],
    root: &Path,
    catalogue: &Arc<Catalogue>,
    shown: &dyn Fn(&Path) -> String,
    in_config: &dyn Fn(Span, String) -> String,
) -> Result<Loaded, String> {
    if sources.is_empty() {
        return Ok(Loaded::builtin(catalogue.clone()));
    }
    let mut extended = (**catalogue).clone();
    // The controls the rule files define first: any rule of the run may cite them. A file
    // that cannot be read is skipped here; reading its rule below says why.
    for source in sources {
        if !matches!(source.kind, RuleSourceKind::Files) {
            continue;
        }
        for path in expand(root, &source.path).unwrap_or_default() {
            if let Ok(text) = read_text(&path) {
                define_controls(&mut extended, &text, &path)
                    .map_err(|e| placed(&shown(&path), &text, e.span, &e.message))?;
            }
        }
    }
    let mut rules = Vec::new();
    let mut from_spectral = Vec::new();
    for source in sources {
        match source.kind {
            RuleSourceKind::Files => {
                let files =
                    expand(root, &source.path).map_err(|why| in_config(source.span, why))?;
                if files.is_empty() {
                    return Err(in_config(
                        source.span,
                        format!("`custom_rules: {}` matches no file", source.path),
                    ));
                }
                for path in files {
                    let shown = shown(&path);
                    let text = read_text(&path).map_err(|why| format!("{shown}: {why}"))?;
                    let rule = define(&mut extended, &text, &path)
                        .map_err(|e| placed(&shown, &text, e.span, &e.message))?;
                    rules.push(rule);
                }
            }
            RuleSourceKind::Spectral => {
                let path = root.join(&source.path);
                let shown = shown(&path);
                let text = read_text(&path).map_err(|why| {
                    let ruleset = format!("the Spectral ruleset {shown}");
                    let why = why
                        .replace("cannot read rule file", &format!("cannot read {ruleset}"))
                        .replace("a rule file", &ruleset);
                    in_config(source.span, why)
                })?;
                let prefix = source
                    .prefix
                    .as_deref()
                    .unwrap_or(crate::config::DEFAULT_SPECTRAL_PREFIX);
                let loaded = spectral::load(&mut extended, &text, &path, &shown, prefix)
                    .map_err(|e| placed(&shown, &text, e.span, &e.message))?;
                from_spectral.extend(loaded);
            }
        }
    }
    Ok(Loaded {
        catalogue: Arc::new(extended),
        rules: Arc::new(CustomRules {
            rules,
            spectral: from_spectral,
        }),
    })
}

/// Whether `path` is a file that the `custom_rules` globs name under `root`: a rule file of
/// the run, which `check --watch` reads the config again for when it changes.
pub fn names(sources: &[RuleSource], root: &Path, path: &Path) -> bool {
    let Ok(relative) = path.strip_prefix(root) else {
        return false;
    };
    sources.iter().any(|source| {
        GlobBuilder::new(&source.path)
            .literal_separator(true)
            .build()
            .is_ok_and(|glob| glob.compile_matcher().is_match(relative))
    })
}

/// Loads one rule file (`walint test RULE.yaml`) into a copy of `catalogue`, with the
/// controls the rule files of its folder define; `shown` names it in an error, which is at
/// its line and column.
pub fn load_file(path: &Path, shown: &str, catalogue: &Arc<Catalogue>) -> Result<Loaded, String> {
    let mut extended = (**catalogue).clone();
    let text = read_text(path).map_err(|why| format!("{shown}: {why}"))?;
    // The rule files beside it are its set: the controls they define may be cited.
    for sibling in siblings(path) {
        if let Ok(text) = read_text(&sibling) {
            let shown = discover_shown(&sibling, path, shown);
            define_controls(&mut extended, &text, &sibling)
                .map_err(|e| placed(&shown, &text, e.span, &e.message))?;
        }
    }
    define_controls(&mut extended, &text, path)
        .map_err(|e| placed(shown, &text, e.span, &e.message))?;
    let rule =
        define(&mut extended, &text, path).map_err(|e| placed(shown, &text, e.span, &e.message))?;
    Ok(Loaded {
        catalogue: Arc::new(extended),
        rules: Arc::new(CustomRules {
            rules: vec![rule],
            spectral: Vec::new(),
        }),
    })
}

/// The other YAML and JSON files of a rule file's folder, sorted.
fn siblings(path: &Path) -> Vec<PathBuf> {
    let Some(folder) = path.parent() else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.as_path() != path
                && p.is_file()
                && p.extension()
                    .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        })
        .collect();
    found.sort();
    found
}

/// A sibling of the rule file shown as `shown` names it: in the same folder.
fn discover_shown(sibling: &Path, path: &Path, shown: &str) -> String {
    let name = sibling
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let own = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    match shown.strip_suffix(own.as_str()) {
        Some(folder) => format!("{folder}{name}"),
        None => name,
    }
}

fn read_text(path: &Path) -> Result<String, String> {
    let (bytes, size) = crate::read::read_capped(path, MAX_FILE_BYTES)
        .map_err(|e| format!("cannot read rule file: {e}"))?;
    if size > MAX_FILE_BYTES {
        return Err(format!(
            "a rule file is at most {} MiB",
            MAX_FILE_BYTES / 1_048_576
        ));
    }
    String::from_utf8(bytes).map_err(|_| "a rule file is UTF-8 text".to_string())
}

/// The files a `custom_rules` glob names under `root`, sorted. Only the folder the glob's
/// literal part names is walked.
fn expand(root: &Path, pattern: &str) -> Result<Vec<PathBuf>, String> {
    let glob = GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| format!("bad glob `{pattern}`: {e}"))?
        .compile_matcher();
    let literal: Vec<&str> = pattern
        .split('/')
        .take_while(|part| !part.contains(['*', '?', '[', '{']))
        .collect();
    let base = root.join(literal.join("/"));
    if base.is_file() {
        return Ok(vec![base]);
    }
    let mut found = Vec::new();
    let mut folders = vec![base];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                folders.push(path);
            } else if path
                .strip_prefix(root)
                .is_ok_and(|relative| glob.is_match(relative))
            {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Defines in `catalogue` the controls a rule file defines (`controls: [{id, title,
/// description}]`). A file that does not parse defines none: defining its rule says why.
fn define_controls(catalogue: &mut Catalogue, text: &str, path: &Path) -> Result<(), RuleError> {
    let format = Format::from_path(&path.to_string_lossy()).unwrap_or(Format::Yaml);
    let Ok(tree) = parse(text, format) else {
        return Ok(());
    };
    for (control, span) in controls::defined(&tree)? {
        catalogue
            .define_control(control)
            .map_err(|message| RuleError { span, message })?;
    }
    Ok(())
}

/// Reads one rule file and defines its rule in `catalogue`.
fn define(catalogue: &mut Catalogue, text: &str, path: &Path) -> Result<CustomRule, RuleError> {
    let at_start = Span::new(0, 0);
    let format = Format::from_path(&path.to_string_lossy()).unwrap_or(Format::Yaml);
    let tree = parse(text, format).map_err(|e| RuleError {
        span: e.span,
        message: e.message,
    })?;
    let (root, more) = match tree.documents.as_slice() {
        [root, more @ ..] => (*root, more),
        [] => {
            return Err(RuleError {
                span: at_start,
                message: "the rule file is empty".into(),
            })
        }
    };
    if let Some(&second) = more.first() {
        return Err(RuleError {
            span: tree.span(second),
            message: "a rule file holds one rule: put this one in a file of its own".into(),
        });
    }
    if let Some(dup) = tree.duplicate_keys.first() {
        return Err(RuleError {
            span: dup.second,
            message: format!("`{}` is set twice", dup.key),
        });
    }
    let (doc, matcher) = rule_file::read(&tree, text, root)?;
    let field_span = |key: &str| tree.get(root, key).map_or(at_start, |n| tree.span(n));
    if let Some(problem) = code_problem(&doc.code) {
        return Err(RuleError {
            span: field_span("code"),
            message: problem,
        });
    }
    if !doc
        .name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(RuleError {
            span: field_span("name"),
            message: format!(
                "rule name `{}` must be kebab-case: lower-case letters, digits and `-`",
                doc.name
            ),
        });
    }
    let id = catalogue.define(doc).map_err(|message| {
        let span = if message.starts_with("unknown control") {
            // At the item that cites it: the id is the message's first `quoted` word.
            let id = message.split('`').nth(1).unwrap_or("");
            controls::cited_at(&tree, root, id).unwrap_or_else(|| field_span("controls"))
        } else if message.contains(" clashes with ") {
            field_span("code")
        } else {
            field_span("")
        };
        RuleError { span, message }
    })?;
    Ok(CustomRule { id, matcher })
}

/// Why a custom rule's code is not one: codes are letters then digits (`ACME001`), in the
/// team's own namespace, never walint's `WA`.
fn code_problem(code: &str) -> Option<String> {
    let letters = code.chars().take_while(char::is_ascii_uppercase).count();
    let digits = code[letters..]
        .chars()
        .take_while(char::is_ascii_digit)
        .count();
    if letters == 0 || digits == 0 || letters + digits != code.len() {
        return Some(format!(
            "rule code `{code}` must be upper-case letters then digits, such as ACME001"
        ));
    }
    if code.starts_with("WA") {
        return Some(format!(
            "rule code `{code}` is in walint's namespace (WA): use your team's prefix, such as ACME001"
        ));
    }
    None
}

/// The node a document is read from.
fn root_of(document: &Document) -> NodeId {
    match document {
        Document::Template(t) => t.node,
        Document::Flow(f) => f.node,
        Document::WhatsAppFlow(f) => f.node,
        Document::Webhook(w) => w.node,
        Document::Campaign(c) => c.node,
        Document::TemplatesLock(l) => l.node,
        Document::TemplateSend(s) => s.node,
    }
}

/// The language of a document's texts, for phrase lists by language.
fn language_of(document: &Document) -> Option<&LanguageCode> {
    match document {
        Document::Template(t) => t.language.as_ref().map(|l| &l.value),
        _ => None,
    }
}

/// The document's name, for `{document}` in messages.
fn name_of(document: &Document) -> &str {
    let name = match document {
        Document::Template(t) => t.name.as_ref(),
        Document::Flow(f) => f.name.as_ref(),
        Document::Webhook(w) => w.name.as_ref(),
        Document::Campaign(c) => c.name.as_ref(),
        Document::TemplateSend(s) => s.name.as_ref(),
        Document::WhatsAppFlow(_) | Document::TemplatesLock(_) => None,
    };
    name.map_or("", |n| n.value.as_str())
}

/// A value as `{value}` shows it: its text, cut at 100 characters.
fn shown_value(value: Option<&Json>) -> String {
    let Some(value) = value else {
        return String::new();
    };
    let text = functions::text_of(value);
    match text.char_indices().nth(100) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// `template` with each `{name}` of `fields` filled in, in one pass: a value that itself
/// holds `{path}` stays as it is. Other braces are kept.
fn interpolate(template: &str, fields: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let field = after.find('}').and_then(|close| {
            let name = &after[..close];
            fields
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, value)| (close, *value))
        });
        match field {
            Some((close, value)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

impl CustomRules {
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty() && self.spectral.is_empty()
    }

    /// The ids of the rule files' rules, in the order they were loaded: the rules with
    /// examples for `walint test` (a Spectral ruleset has none).
    pub fn ids(&self) -> impl Iterator<Item = RuleId> + '_ {
        self.rules.iter().map(|r| r.id)
    }

    /// The ids of the Spectral rulesets' rules, in the order they were loaded.
    pub fn spectral_ids(&self) -> impl Iterator<Item = RuleId> + '_ {
        self.spectral.iter().map(|r| r.id)
    }

    /// Whether one of these rules has the id `rule`.
    pub fn defines(&self, rule: RuleId) -> bool {
        self.rules.iter().any(|r| r.id == rule) || self.spectral.iter().any(|r| r.id == rule)
    }

    /// Whether `rule` is a Spectral rule its ruleset turns off (`recommended: false`,
    /// `severity: off`): it runs only when walint.yaml's `rules:` names it.
    pub fn off_by_default(&self, rule: RuleId) -> bool {
        self.spectral
            .iter()
            .any(|r| r.id == rule && r.off_by_default)
    }

    /// The same rules under the ids `map` gives them: those of the run's catalogue, which
    /// took them in from the catalogue they were loaded into ([`Catalogue::adopt`]).
    pub fn remap(&mut self, map: impl Fn(RuleId) -> RuleId) {
        for rule in &mut self.rules {
            rule.id = map(rule.id);
        }
        for rule in &mut self.spectral {
            rule.id = map(rule.id);
        }
    }

    /// Runs the Spectral rules `enabled` allows on a file's tree, whose documents walint
    /// read are `documents`: each rule reads every document of the file as written.
    pub fn run_files(
        &self,
        tree: &Tree,
        documents: &[Document],
        enabled: impl Fn(RuleId) -> bool,
        out: &mut Vec<Finding>,
    ) {
        if !self.spectral.is_empty() {
            spectral::run(&self.spectral, tree, documents, enabled, out);
        }
    }

    /// Runs the rules `enabled` allows that read documents of this kind on one document of
    /// `tree`. The document is made JSON once, for all of them.
    pub fn run(
        &self,
        document: &Document,
        tree: &Tree,
        enabled: impl Fn(RuleId) -> bool,
        out: &mut Vec<Finding>,
    ) {
        let kind = document.kind();
        let root = root_of(document);
        let flow = match document {
            Document::Flow(flow) => Some(flow),
            _ => None,
        };
        let mut as_json: Option<Json> = None;
        let mut as_model: Option<ModelJson> = None;
        for rule in &self.rules {
            if !rule.matcher.kinds.contains(&kind) || !enabled(rule.id) {
                continue;
            }
            let model = match flow {
                Some(flow) if rule.matcher.model => {
                    Some(&*as_model.get_or_insert_with(|| ModelJson::of(flow)))
                }
                _ => None,
            };
            let json = match model {
                Some(model) => &model.json,
                None => &*as_json.get_or_insert_with(|| json::of(tree, root)),
            };
            if !rule.matcher.filters.iter().all(|f| f.holds(json)) {
                continue;
            }
            if !rule.matcher.then.is_empty() {
                for given in &rule.matcher.given {
                    for found in given.query_located(json).iter().take(MAX_FOUND) {
                        let place = match model {
                            Some(model) => {
                                let path: Vec<Seg> = found
                                    .location()
                                    .iter()
                                    .map(|element| match element {
                                        PathElement::Name(name) => Seg::Name(name),
                                        PathElement::Index(index) => Seg::Index(*index),
                                    })
                                    .collect();
                                Place::Model {
                                    site: model.site(&path),
                                    under: model.nearest(&path),
                                    path,
                                    model,
                                }
                            }
                            None => match json::node_at(tree, root, found.location()) {
                                Some(node) => Place::File(node),
                                None => continue,
                            },
                        };
                        let key = found.location().last().map(|last| match last {
                            PathElement::Name(name) => Json::String(name.to_string()),
                            PathElement::Index(index) => Json::from(*index),
                        });
                        let on = Found {
                            place,
                            value: found.node(),
                            key: key.as_ref(),
                        };
                        rule.check(&on, document, tree, out);
                    }
                }
            }
            if let Some(flow) = flow {
                for function in &rule.matcher.flow_checks {
                    for failure in function.check(flow, tree) {
                        let message = rule.message(
                            failure.step.as_deref().unwrap_or(""),
                            &failure.pointer,
                            document,
                            &failure.reason,
                        );
                        out.push(Finding::new(rule.id, failure.at, message));
                    }
                }
            }
        }
    }
}

/// A checked value's JSON pointer, for `{path}`: a node's in the file, or a path in the
/// model, with keys below it that are not there.
enum Pointer<'a> {
    File(NodeId, &'a [String]),
    Model(&'a [Seg<'a>], &'a [String]),
}

impl Pointer<'_> {
    fn text(&self, tree: &Tree) -> String {
        let mut text = match self {
            Pointer::File(node, _) => tree.pointer(*node),
            Pointer::Model(path, _) => {
                let mut text = String::new();
                for seg in *path {
                    text.push('/');
                    match seg {
                        Seg::Name(name) => text.push_str(&escaped(name)),
                        Seg::Index(index) => text.push_str(&index.to_string()),
                    }
                }
                text
            }
        };
        let (Pointer::File(_, keys) | Pointer::Model(_, keys)) = self;
        for key in *keys {
            text.push('/');
            text.push_str(&escaped(key));
        }
        text
    }
}

/// A key as a JSON pointer writes it (RFC 6901).
fn escaped(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Where a value a `given` query found was read from.
enum Place<'a> {
    /// The node of the document as written.
    File(NodeId),
    /// A value of a flow's model at `pointer`: where it was read from (`None` for a value the
    /// model makes up, such as `format`), else the nearest value above it that was read.
    Model {
        site: Option<Site>,
        under: Site,
        path: Vec<Seg<'a>>,
        model: &'a ModelJson<'a>,
    },
}

/// A value a `given` query found, with where it was read from.
struct Found<'a> {
    place: Place<'a>,
    value: &'a Json,
    /// The key or index it is under; `None` for the document itself.
    key: Option<&'a Json>,
}

impl CustomRule {
    fn check(&self, found: &Found, document: &Document, tree: &Tree, out: &mut Vec<Finding>) {
        for then in &self.matcher.then {
            let target = Target::of(found, &then.field, tree);
            let Some(failure) = target.check(&then.function, tree, language_of(document)) else {
                continue;
            };
            let message = self.message(
                &shown_value(target.value),
                &target.pointer.text(tree),
                document,
                &failure.reason,
            );
            out.push(Finding::new(self.id, target.at(&failure, tree), message));
        }
    }

    /// The rule's message for a finding, its fields filled in.
    fn message(&self, value: &str, path: &str, document: &Document, reason: &str) -> String {
        let template = self
            .matcher
            .message
            .as_deref()
            .unwrap_or("`{path}` {reason}");
        interpolate(
            template,
            &[
                ("value", value),
                ("path", path),
                ("document", name_of(document)),
                ("reason", reason),
            ],
        )
    }
}

/// The value a `then` clause's function reads of a found one: the value (`None`: not
/// there), where it is written, its pointer, where a missing one would be written (under
/// the deepest key that is there), and whether a string's bytes are those of the value as
/// written.
struct Target<'a> {
    value: Option<&'a Json>,
    site: Option<Site>,
    /// Made into text only for a finding.
    pointer: Pointer<'a>,
    under: Site,
    as_written: bool,
}

impl<'a> Target<'a> {
    fn of(found: &'a Found<'a>, field: &'a Field, tree: &Tree) -> Target<'a> {
        let (value, site, pointer, under) = match (&found.place, field) {
            (
                Place::Model {
                    site, under, path, ..
                },
                Field::Itself,
            ) => (Some(found.value), *site, Pointer::Model(path, &[]), *under),
            (Place::Model { under, path, .. }, Field::Key) => {
                (found.key, None, Pointer::Model(path, &[]), *under)
            }
            (Place::Model { path, model, .. }, Field::Path(keys)) => {
                let mut value = Some(found.value);
                let mut below = path.clone();
                for key in keys {
                    // A key of a mapping, or the index of a list's item (`options.0.title`).
                    let index = key.parse::<usize>().ok();
                    value = value.and_then(|v| match (v, index) {
                        (Json::Array(items), Some(i)) => {
                            below.push(Seg::Index(i));
                            items.get(i)
                        }
                        _ => {
                            below.push(Seg::Name(key));
                            v.get(key)
                        }
                    });
                }
                let site = model.site(&below).filter(|_| value.is_some());
                let under = model.nearest(&below);
                (value, site, Pointer::Model(path, keys), under)
            }
            (&Place::File(node), Field::Itself) => (
                Some(found.value),
                Some(Site::node(node)),
                Pointer::File(node, &[]),
                Site::node(node),
            ),
            (&Place::File(node), Field::Key) => {
                (found.key, None, Pointer::File(node, &[]), Site::node(node))
            }
            (&Place::File(found_node), Field::Path(keys)) => {
                let mut value = Some(found.value);
                let mut node = Some(found_node);
                let mut under = found_node;
                for key in keys {
                    // A key of a mapping, or the index of a list's item (`buttons.0.url`).
                    let index = || key.parse::<usize>().ok();
                    value = value.and_then(|v| match v {
                        Json::Array(items) => index().and_then(|i| items.get(i)),
                        _ => v.get(key),
                    });
                    node = node.and_then(|n| match tree.value(n) {
                        Value::Seq(items) => index().and_then(|i| items.get(i).copied()),
                        _ => tree.get(n, key),
                    });
                    if let Some(n) = node {
                        under = n;
                    }
                }
                let pointer = match node {
                    Some(n) => Pointer::File(n, &[]),
                    None => Pointer::File(found_node, keys),
                };
                let site = node.filter(|_| value.is_some()).map(Site::node);
                (value, site, pointer, Site::node(under))
            }
        };
        // Bytes of a model's text are bytes of the value as written only when the model
        // kept the text as it is written (a platform's text may be assembled from parts).
        let as_written = match (&found.place, site, value) {
            (Place::File(_), _, _) => true,
            (Place::Model { .. }, Some(site), Some(Json::String(text))) => {
                written_text(tree, site).as_deref() == Some(text.as_str())
            }
            _ => false,
        };
        Target {
            value,
            site,
            pointer,
            under,
            as_written,
        }
    }

    /// Why the value fails `function`. A mapping is sorted by its keys as written, which
    /// its JSON no longer keeps in order.
    fn check(
        &self,
        function: &Function,
        tree: &Tree,
        language: Option<&LanguageCode>,
    ) -> Option<Failure> {
        // The keys as written are the tree's; a mapping inside a string's JSON text is not.
        let node = self.site.filter(|s| s.inside.is_none()).map(|s| s.node);
        if let (Function::Alphabetical { .. }, Some(Json::Object(_)), Some(node)) =
            (function, self.value, node)
        {
            let keys = written_keys(tree, node)
                .into_iter()
                .map(|entry| Json::String(entry.key.clone()))
                .collect();
            return function.check(Some(&Json::Array(keys)), language);
        }
        function.check(self.value, language)
    }

    /// Where a failure is: the text matched in a string, the item out of order, the value,
    /// or (for one not there, or a key) the key it would be (or is) written under.
    fn at(&self, failure: &Failure, tree: &Tree) -> At {
        let within = failure.within.filter(|_| self.as_written);
        let under = self.under;
        match (self.site, within, failure.item) {
            (Some(site), Some((start, end)), _) => site.at_bytes(start, end),
            (
                Some(Site {
                    node: n,
                    inside: None,
                }),
                None,
                Some(item),
            ) => match tree.value(n) {
                Value::Map(_) => written_keys(tree, n)
                    .get(item)
                    .map_or(At::Node(n), |entry| At::Key(entry.value)),
                _ => tree
                    .items(n)
                    .get(item)
                    .map_or(At::Node(n), |&i| At::Node(i)),
            },
            (Some(site), None, _) => site.at(),
            (None, _, _) if under.inside.is_some() || tree.key_span(under.node).is_some() => {
                under.key_at()
            }
            (None, _, _) => under.at(),
        }
    }
}

/// The string written at `site`: a string node's value, or the JSON string written inside one.
fn written_text(tree: &Tree, site: Site) -> Option<String> {
    match site.inside {
        None => tree.as_str(site.node).map(str::to_string),
        Some(inside) => crate::source::nested_str(tree, site.node, inside.value),
    }
}

/// A mapping's entries in the order written, each key once (the first, as [`json::of`] and
/// every rule read it).
fn written_keys(tree: &Tree, node: NodeId) -> Vec<&Entry> {
    let mut seen = std::collections::HashSet::new();
    tree.entries(node)
        .iter()
        .filter(|entry| seen.insert(entry.key.as_str()))
        .collect()
}

#[cfg(test)]
mod tests;
