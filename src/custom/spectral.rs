//! Spectral rulesets as they are (`custom_rules: [{spectral: .spectral.yaml}]`): a ruleset's
//! `rules:` run on every file walint reads, with Spectral's core functions, so a team's
//! Spectral rules for templates, flows and webhooks need no rewrite. A rule reads each
//! document of a file as written, its root (`$`) the file's root, as Spectral reads it; its
//! `formats` name walint's kinds of document. What walint cannot run as Spectral would
//! (custom JavaScript functions, `extends` from npm or a URL, `overrides`, a jsonpath-plus
//! feature without an RFC 9535 equivalent) stops the run at its line and column.
//!
//! Each rule's code is the ruleset's prefix, `/` and the rule's name (`SPECTRAL/template-name`),
//! so it is stable across runs and edits of other rules; its catalogue name is the prefix in
//! lower case, `-` and the rule's name.

mod path;

use std::path::Path;

use serde_json::Value as Json;
use serde_json_path::{JsonPath, PathElement};

use crate::catalogue::{Catalogue, RuleDoc, RuleError, RuleId, Severity};
use crate::diagnostic::Finding;
use crate::model::reader::kind_of;
use crate::model::{Document, Kind};
use crate::source::{locate_in_string, parse, Format, NodeId, Span, Tree, Value};
use crate::suggest::did_you_mean;

use super::functions::{Casing, Function, Separator};
use super::rule_file::{
    compile_pattern, known_keys, schema_validator, separator_char, string_at, Field, KIND_NAMES,
};
use super::{json, shown_value, Found, Place, Target, MAX_FOUND};

/// The keys of a ruleset walint reads; the others of Spectral's are refused by name.
const RULESET_KEYS: &[&str] = &[
    "rules",
    "extends",
    "formats",
    "aliases",
    "documentationUrl",
    "description",
    "functions",
    "functionsDir",
    "overrides",
    "parserOptions",
];
const RULE_KEYS: &[&str] = &[
    "given",
    "then",
    "description",
    "message",
    "severity",
    "formats",
    "recommended",
    "resolved",
    "documentationUrl",
];
const THEN_KEYS: &[&str] = &["field", "function", "functionOptions"];

/// Spectral's core functions that walint runs, each with the options Spectral gives it.
pub const FUNCTIONS: &[(&str, &[&str])] = &[
    ("truthy", &[]),
    ("falsy", &[]),
    ("defined", &[]),
    ("undefined", &[]),
    ("pattern", &["match", "notMatch"]),
    ("length", &["min", "max"]),
    ("enumeration", &["values"]),
    ("casing", &["type", "disallowDigits", "separator"]),
    ("alphabetical", &["keyedBy"]),
    ("xor", &["properties"]),
    ("schema", &["schema", "dialect", "allErrors"]),
];

/// Spectral's built-in rulesets: they lint OpenAPI, AsyncAPI and Arazzo documents only.
const BUILTIN_RULESETS: &[&str] = &["spectral:oas", "spectral:asyncapi", "spectral:arazzo"];

/// The message's placeholders, as Spectral names them.
const PLACEHOLDERS: &[&str] = &["value", "path", "property", "error", "description"];

/// A rule of a Spectral ruleset, compiled once per run.
#[derive(Debug)]
pub struct SpectralRule {
    pub id: RuleId,
    /// `recommended: false` or `severity: off`: it runs only when walint.yaml's `rules:`
    /// turns it on, as Spectral runs such a rule only when a ruleset enables it.
    pub off_by_default: bool,
    /// The kinds of document its `formats` name; `None`: every kind.
    kinds: Option<Vec<Kind>>,
    /// One check per `then` clause.
    checks: Vec<Check>,
    message: Option<Vec<Part>>,
    description: Option<String>,
}

/// A `then` clause with the queries of its rule's `given`. A clause on `@key` reads the keys
/// of each found value, so its queries go one level down.
#[derive(Debug)]
struct Check {
    given: Vec<JsonPath>,
    field: Field,
    /// Run in order; the first that fails is the finding (`schema` checks that the value is
    /// there first, as Spectral's does).
    functions: Vec<Function>,
}

/// A piece of a message: text, or a placeholder `{{value}}`.
#[derive(Debug)]
enum Part {
    Text(String),
    Value,
    Path,
    Property,
    Error,
    Description,
}

fn error(span: Span, message: impl Into<String>) -> RuleError {
    RuleError {
        span,
        message: message.into(),
    }
}

/// Reads the ruleset `text` (at `path`, shown as `shown`) and defines its rules in
/// `catalogue`, each under `prefix`.
pub fn load(
    catalogue: &mut Catalogue,
    text: &str,
    path: &Path,
    shown: &str,
    prefix: &str,
) -> Result<Vec<SpectralRule>, RuleError> {
    let format = Format::from_path(&path.to_string_lossy()).unwrap_or(Format::Yaml);
    let tree = parse(text, format).map_err(|e| error(e.span, e.message))?;
    let root = match tree.documents.as_slice() {
        [root] => *root,
        [] => return Err(error(Span::new(0, 0), "the Spectral ruleset is empty")),
        [_, second, ..] => {
            return Err(error(
                tree.span(*second),
                "a Spectral ruleset is one document: this second one is not read",
            ))
        }
    };
    if let Some(dup) = tree.duplicate_keys.first() {
        return Err(error(dup.second, format!("`{}` is set twice", dup.key)));
    }
    let reader = RulesetReader {
        tree: &tree,
        text,
        shown,
        aliases: Vec::new(),
    };
    reader.ruleset(catalogue, root, prefix)
}

struct RulesetReader<'a> {
    tree: &'a Tree,
    text: &'a str,
    shown: &'a str,
    /// `aliases:`: each name with its paths as RFC 9535 queries.
    aliases: Vec<(String, Vec<String>)>,
}

impl<'a> RulesetReader<'a> {
    fn span(&self, node: NodeId) -> Span {
        self.tree.span(node)
    }

    fn keys(&self, node: NodeId, what: &str, keys: &[&str]) -> Result<(), RuleError> {
        if !matches!(self.tree.value(node), Value::Map(_)) {
            return Err(error(
                self.span(node),
                format!(
                    "{what} is a mapping, not {}",
                    kind_of(self.tree.value(node))
                ),
            ));
        }
        known_keys(self.tree, node, what, keys)
    }

    fn string(&self, node: NodeId, what: &str) -> Result<&'a str, RuleError> {
        string_at(self.tree, node, what)
    }

    fn boolean(&self, node: NodeId, what: &str) -> Result<bool, RuleError> {
        match self.tree.value(node) {
            Value::Bool(b) => Ok(*b),
            other => Err(error(
                self.span(node),
                format!("{what} must be true or false, not {}", kind_of(other)),
            )),
        }
    }

    /// A string or a list of strings, each with its node.
    fn strings(&self, node: NodeId, what: &str) -> Result<Vec<(NodeId, &'a str)>, RuleError> {
        let items: Vec<NodeId> = match self.tree.value(node) {
            Value::Seq(items) => items.clone(),
            _ => vec![node],
        };
        items
            .into_iter()
            .map(|item| Ok((item, self.string(item, what)?)))
            .collect()
    }

    fn ruleset(
        mut self,
        catalogue: &mut Catalogue,
        root: NodeId,
        prefix: &str,
    ) -> Result<Vec<SpectralRule>, RuleError> {
        let tree = self.tree;
        self.keys(root, "a Spectral ruleset", RULESET_KEYS)?;
        for entry in tree.entries(root) {
            let refused = match entry.key.as_str() {
                "functions" | "functionsDir" => Some(
                    "custom functions are JavaScript, which walint does not run: write the check with a core function (truthy, falsy, defined, undefined, pattern, length, enumeration, casing, alphabetical, xor, schema) or as a walint rule file",
                ),
                "overrides" => Some(
                    "`overrides` is not read: set the rules of some files in walint.yaml's `overrides:`, by the rules' codes (`SPECTRAL/NAME`)",
                ),
                "parserOptions" => Some(
                    "`parserOptions` is not read: walint reports duplicate keys itself (WA002)",
                ),
                _ => None,
            };
            if let Some(message) = refused {
                return Err(error(entry.key_span, message));
            }
        }
        if let Some(extends) = tree.get(root, "extends") {
            self.extends(extends)?;
        }
        let formats = tree
            .get(root, "formats")
            .map(|node| self.formats(node))
            .transpose()?;
        let documentation = tree
            .get(root, "documentationUrl")
            .map(|node| self.string(node, "`documentationUrl`"))
            .transpose()?;
        if let Some(node) = tree.get(root, "description") {
            self.string(node, "`description`")?;
        }
        if let Some(node) = tree.get(root, "aliases") {
            self.aliases = self.aliases(node)?;
        }
        let start = Span::new(self.span(root).start, self.span(root).start);
        let rules = tree
            .get(root, "rules")
            .ok_or_else(|| error(start, "the Spectral ruleset has no `rules:` to run"))?;
        if !matches!(tree.value(rules), Value::Map(_)) || tree.entries(rules).is_empty() {
            return Err(error(
                self.span(rules),
                "`rules` is a mapping of rule names to rules (given, then)",
            ));
        }
        let mut out = Vec::new();
        for entry in tree.entries(rules) {
            let name = entry.key.as_str();
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            {
                return Err(error(
                    entry.key_span,
                    format!("rule name `{name}` makes no walint code: use letters, digits, `-`, `_` and `.`"),
                ));
            }
            let rule = self.rule(entry.value, name, formats.as_deref())?;
            let code = format!("{prefix}/{name}");
            let sources = match (rule.documentation.as_deref(), documentation) {
                (Some(url), _) => vec![url.to_string()],
                (None, Some(url)) => vec![format!("{url}#{name}")],
                (None, None) => Vec::new(),
            };
            let doc = self.document(&code, name, prefix, &rule, sources);
            let id = catalogue
                .define(doc)
                .map_err(|message| error(entry.key_span, message))?;
            out.push(SpectralRule {
                id,
                off_by_default: rule.off,
                kinds: rule.kinds,
                checks: rule.checks,
                message: rule.message,
                description: rule.description,
            });
        }
        Ok(out)
    }

    /// The catalogue's document of a rule: what `walint rules`, `explain`, SARIF and the
    /// audit report show of it.
    fn document(
        &self,
        code: &str,
        name: &str,
        prefix: &str,
        rule: &ReadRule,
        sources: Vec<String>,
    ) -> RuleDoc {
        let category = match rule.kinds.as_deref() {
            Some([kind, more @ ..]) if more.iter().all(|k| category(*k) == category(*kind)) => {
                category(*kind)
            }
            _ => "general",
        };
        let functions: Vec<&str> = rule.functions.iter().map(String::as_str).collect();
        let mut rationale = format!(
            "A rule of the Spectral ruleset {}: `given` {} and `then` {}.",
            self.shown,
            rule.given.join(", "),
            functions.join(", ")
        );
        if rule.off {
            rationale.push_str(
                " The ruleset turns it off (`recommended: false` or `severity: off`): it runs when walint.yaml's `rules:` gives it a severity.",
            );
        }
        RuleDoc {
            id: RuleId::UNSET,
            code: code.into(),
            name: format!("{}-{name}", prefix.to_ascii_lowercase()).into(),
            severity: rule.severity,
            category: category.to_string(),
            summary: rule
                .description
                .clone()
                .unwrap_or_else(|| format!("Spectral rule `{name}` of {}.", self.shown)),
            rationale,
            fix: format!(
                "Change the value the finding points at so that it passes the rule, or change the rule `{name}` in {}.",
                self.shown
            ),
            autofix: None,
            sources,
            controls: Vec::new(),
            security_severity: None,
            options: Vec::new(),
            examples: Vec::new(),
            formats: Vec::new(),
        }
    }

    /// `extends`: only Spectral's built-in rulesets, which lint OpenAPI, AsyncAPI and Arazzo
    /// documents and so add nothing on WhatsApp files, as Spectral itself finds nothing of
    /// theirs there.
    fn extends(&self, node: NodeId) -> Result<(), RuleError> {
        let items: Vec<NodeId> = match self.tree.value(node) {
            Value::Seq(items) => items.clone(),
            _ => vec![node],
        };
        for item in items {
            // `[spectral:oas, off]`: a ruleset and how much of it.
            let (name_node, how) = match self.tree.value(item) {
                Value::Seq(pair) => match pair.as_slice() {
                    [name, how] => (*name, Some(*how)),
                    _ => return Err(error(
                        self.span(item),
                        "an `extends` entry is a ruleset or `[ruleset, off | recommended | all]`",
                    )),
                },
                _ => (item, None),
            };
            let name = self.string(name_node, "an `extends` ruleset")?;
            if let Some(how) = how {
                let written = self.string(how, "how much of a ruleset")?;
                if !["off", "recommended", "all"].contains(&written) {
                    return Err(error(
                        self.span(how),
                        format!(
                            "`{written}` is not how much of a ruleset: off, recommended or all{}",
                            did_you_mean(written, ["off", "recommended", "all"])
                        ),
                    ));
                }
            }
            if BUILTIN_RULESETS.contains(&name) {
                continue;
            }
            let why = if name.starts_with("spectral:") {
                format!(
                    "unknown built-in ruleset `{name}` (spectral:oas, spectral:asyncapi, spectral:arazzo){}",
                    did_you_mean(name, BUILTIN_RULESETS.iter().copied())
                )
            } else if name.contains("://") {
                format!("`extends: {name}`: walint fetches no ruleset from the network: copy its rules into this ruleset")
            } else if name.starts_with(['.', '/'])
                || name.ends_with(".yaml")
                || name.ends_with(".yml")
                || name.ends_with(".json")
            {
                format!("`extends: {name}`: walint reads one ruleset file: name `{name}` in walint.yaml's `custom_rules:` as a `{{spectral: FILE}}` entry of its own")
            } else {
                format!("`extends: {name}` is a ruleset from npm, which walint does not install: copy its rules into this ruleset")
            };
            return Err(error(self.span(name_node), why));
        }
        Ok(())
    }

    /// `formats`: walint's kinds of document. Spectral's own formats are of documents walint
    /// does not read: a rule narrowed to them would never run.
    fn formats(&self, node: NodeId) -> Result<Vec<Kind>, RuleError> {
        let kinds = || {
            KIND_NAMES
                .iter()
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !matches!(self.tree.value(node), Value::Seq(_)) {
            return Err(error(
                self.span(node),
                format!(
                    "`formats` is a list of walint's kinds of document: {}",
                    kinds()
                ),
            ));
        }
        let mut found = Vec::new();
        for (item, name) in self.strings(node, "a format")? {
            let Some(&(_, kind)) = KIND_NAMES.iter().find(|(n, _)| *n == name) else {
                let names = KIND_NAMES.iter().map(|(n, _)| *n);
                let spectral = ["oas", "asyncapi", "json-schema", "arazzo"]
                    .iter()
                    .any(|f| name.starts_with(f));
                let why = if spectral {
                    format!("`{name}` is a Spectral format of documents walint does not read, so the rule would never run: name walint's kinds ({})", kinds())
                } else {
                    format!(
                        "unknown format `{name}` ({}){}",
                        kinds(),
                        did_you_mean(name, names)
                    )
                };
                return Err(error(self.span(item), why));
            };
            if !found.contains(&kind) {
                found.push(kind);
            }
        }
        Ok(found)
    }

    /// `aliases:`: a name for one path or a list of them (`given: "#PathItem.get"`).
    fn aliases(&self, node: NodeId) -> Result<Vec<(String, Vec<String>)>, RuleError> {
        if !matches!(self.tree.value(node), Value::Map(_)) {
            return Err(error(
                self.span(node),
                "`aliases` is a mapping of names to paths",
            ));
        }
        let mut aliases: Vec<(String, Vec<String>)> = Vec::new();
        for entry in self.tree.entries(node) {
            let name = entry.key.as_str();
            let well_formed = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'));
            if !well_formed {
                return Err(error(
                    entry.key_span,
                    format!("alias name `{name}` is a letter, then letters, digits, `_` and `-`"),
                ));
            }
            if matches!(self.tree.value(entry.value), Value::Map(_)) {
                return Err(error(
                    self.span(entry.value),
                    "an alias by format (`targets`) is not read: give the alias its paths",
                ));
            }
            let mut paths = Vec::new();
            for (item, written) in self.strings(entry.value, "an alias's path")? {
                // An alias may use one defined above it.
                paths.extend(self.given(item, written, &aliases)?);
            }
            aliases.push((name.to_string(), paths));
        }
        Ok(aliases)
    }

    /// One `given` path (or alias use) as RFC 9535 queries, refused at its characters when
    /// it cannot be one.
    fn given(
        &self,
        node: NodeId,
        written: &str,
        aliases: &[(String, Vec<String>)],
    ) -> Result<Vec<String>, RuleError> {
        let at =
            |range: std::ops::Range<usize>| locate_in_string(self.text, self.tree, node, range);
        let refused = |r: path::Refusal| {
            error(
                at(r.at.clone()),
                format!("`given: {written}`: {}", r.message),
            )
        };
        // What the translation writes is RFC 9535 by construction; a query it still cannot
        // run is said at the path, with what it became.
        let runnable = |rfc: String| {
            match JsonPath::parse(&rfc) {
            Ok(_) => Ok(rfc),
            Err(e) => Err(error(
                self.span(node),
                format!(
                    "`given: {written}` reads as `{rfc}`, which is not a JSONPath walint can run: {}",
                    e.message()
                ),
            )),
        }
        };
        let Some(used) = written.strip_prefix('#') else {
            return Ok(vec![runnable(path::translate(written).map_err(refused)?)?]);
        };
        let len = used.find(['.', '[']).unwrap_or(used.len());
        let name = &used[..len];
        let Some((_, paths)) = aliases.iter().find(|(n, _)| n == name) else {
            let names = aliases.iter().map(|(n, _)| n.as_str());
            return Err(error(
                at(0..1 + len),
                format!("unknown alias `#{name}`{}", did_you_mean(name, names)),
            ));
        };
        let rest = path::translate_segments(&used[len..], 1 + len).map_err(refused)?;
        paths
            .iter()
            .map(|p| runnable(format!("{p}{rest}")))
            .collect()
    }

    fn rule(
        &self,
        node: NodeId,
        name: &str,
        formats: Option<&[Kind]>,
    ) -> Result<ReadRule, RuleError> {
        let tree = self.tree;
        let overrides = format!(
            "`{name}` sets a rule of an extended ruleset, whose rules walint does not load: define the rule here (`given`, `then`) or remove it"
        );
        if !matches!(tree.value(node), Value::Map(_)) {
            return Err(error(self.span(node), overrides));
        }
        self.keys(node, &format!("rule `{name}`"), RULE_KEYS)?;
        let (Some(given_node), Some(then_node)) = (tree.get(node, "given"), tree.get(node, "then"))
        else {
            let missing = if tree.get(node, "given").is_none() && tree.get(node, "then").is_none() {
                overrides
            } else if tree.get(node, "given").is_none() {
                format!("rule `{name}` needs `given`: the paths of the values it checks")
            } else {
                format!("rule `{name}` needs `then`: the function each found value must pass")
            };
            let key = tree.key_span(node).unwrap_or_else(|| self.span(node));
            return Err(error(key, missing));
        };
        let (severity, off) = match tree.get(node, "severity") {
            None => (Severity::Warning, false),
            Some(n) => self.severity(n)?,
        };
        let recommended = tree
            .get(node, "recommended")
            .map(|n| self.boolean(n, "`recommended`"))
            .transpose()?
            .unwrap_or(true);
        // walint resolves no `$ref`: a rule reads the document as written either way.
        if let Some(n) = tree.get(node, "resolved") {
            self.boolean(n, "`resolved`")?;
        }
        let kinds = match tree.get(node, "formats") {
            Some(n) => Some(self.formats(n)?),
            None => formats.map(<[Kind]>::to_vec),
        };
        let text = |key: &str| {
            tree.get(node, key)
                .map(|n| self.string(n, &format!("`{key}`")).map(str::to_string))
                .transpose()
        };
        let description = text("description")?;
        let documentation = text("documentationUrl")?;
        let message = tree
            .get(node, "message")
            .map(|n| self.message(n))
            .transpose()?;
        let mut given = Vec::new();
        let mut given_written = Vec::new();
        for (item, written) in self.strings(given_node, "a `given` path")? {
            given.extend(self.given(item, written, &self.aliases)?);
            given_written.push(format!("`{written}`"));
        }
        let then_items: Vec<NodeId> = match tree.value(then_node) {
            Value::Seq(items) => items.clone(),
            _ => vec![then_node],
        };
        if then_items.is_empty() {
            return Err(error(
                self.span(then_node),
                "`then` needs at least one function",
            ));
        }
        let mut checks = Vec::new();
        let mut functions = Vec::new();
        for item in then_items {
            let (check, function) = self.then(item, &given)?;
            checks.push(check);
            functions.push(format!("`{function}`"));
        }
        Ok(ReadRule {
            severity,
            off: off || !recommended,
            kinds,
            checks,
            message,
            description,
            documentation,
            given: given_written,
            functions,
        })
    }

    /// `severity`: error, warn, info, hint (walint's info: it has no lower one), 0 to 3, or
    /// off.
    fn severity(&self, node: NodeId) -> Result<(Severity, bool), RuleError> {
        let written = match self.tree.value(node) {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.clone(),
            other => {
                return Err(error(
                    self.span(node),
                    format!(
                        "`severity` is error, warn, info, hint, off or 0 to 3, not {}",
                        kind_of(other)
                    ),
                ))
            }
        };
        Ok(match written.as_str() {
            "error" | "0" => (Severity::Error, false),
            "warn" | "1" => (Severity::Warning, false),
            "info" | "2" | "hint" | "3" => (Severity::Info, false),
            "off" | "-1" => (Severity::Warning, true),
            _ => {
                let names = ["error", "warn", "info", "hint", "off"];
                return Err(error(
                    self.span(node),
                    format!(
                        "`severity: {written}` is not one of error, warn, info, hint, off or 0 to 3{}",
                        did_you_mean(&written, names)
                    ),
                ));
            }
        })
    }

    /// A message with Spectral's placeholders (`{{value}}`), read once.
    fn message(&self, node: NodeId) -> Result<Vec<Part>, RuleError> {
        let written = self.string(node, "`message`")?;
        let mut parts = Vec::new();
        let mut rest = written;
        let mut offset = 0;
        while let Some(open) = rest.find("{{") {
            let Some(close) = rest[open..].find("}}") else {
                break;
            };
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_string()));
            }
            let inner = rest[open + 2..open + close].trim();
            let part = match inner {
                "value" => Part::Value,
                "path" => Part::Path,
                "property" => Part::Property,
                "error" => Part::Error,
                "description" => Part::Description,
                _ => {
                    let start = offset + open;
                    let span =
                        locate_in_string(self.text, self.tree, node, start..start + close + 2);
                    return Err(error(
                        span,
                        format!(
                            "unknown placeholder `{{{{{inner}}}}}` (one of {}){}",
                            PLACEHOLDERS
                                .iter()
                                .map(|p| format!("{{{{{p}}}}}"))
                                .collect::<Vec<_>>()
                                .join(", "),
                            did_you_mean(inner, PLACEHOLDERS.iter().copied())
                        ),
                    ));
                }
            };
            parts.push(part);
            offset += open + close + 2;
            rest = &rest[open + close + 2..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_string()));
        }
        Ok(parts)
    }

    /// One `then` clause over the rule's queries; also the function's name, for the rule's
    /// rationale.
    fn then(&self, node: NodeId, given: &[String]) -> Result<(Check, String), RuleError> {
        let tree = self.tree;
        self.keys(node, "a `then` clause", THEN_KEYS)?;
        let field = match tree.get(node, "field") {
            None => Field::Itself,
            Some(n) => self.field(n)?,
        };
        // `@key` checks each key of the found value: the values one level down, by key.
        let given: Vec<String> = match field {
            Field::Key => given.iter().map(|g| format!("{g}.*")).collect(),
            _ => given.to_vec(),
        };
        let given = given
            .iter()
            .map(|g| {
                JsonPath::parse(g).map_err(|e| {
                    error(
                        self.span(tree.get(node, "field").unwrap_or(node)),
                        format!("`{g}` is not a JSONPath walint can run: {}", e.message()),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let function_node = tree.get(node, "function").ok_or_else(|| {
            error(
                self.span(node),
                "a `then` clause needs a `function`: one of Spectral's core functions",
            )
        })?;
        let name = self.string(function_node, "`function`")?;
        let options = tree
            .get(node, "functionOptions")
            .filter(|&n| !matches!(tree.value(n), Value::Null));
        let functions = self.function(function_node, name, options)?;
        Ok((
            Check {
                given,
                field,
                functions,
            },
            name.to_string(),
        ))
    }

    /// `field`: `@key`, a key path as lodash's `get` reads it (`a.b`, `a[0]`, `a['b']`), or
    /// `$.a.b`.
    fn field(&self, node: NodeId) -> Result<Field, RuleError> {
        let written = self.string(node, "`field`")?;
        if written == "@key" {
            return Ok(Field::Key);
        }
        let path = written.strip_prefix("$.").unwrap_or(written);
        let refuse = |why: &str| error(self.span(node), format!("`field: {written}`: {why}"));
        if written.starts_with('$')
            && (path.starts_with(['$', '.', '[']) || path.contains(['*', '?']))
        {
            return Err(refuse(
                "a JSONPath `field` that finds several values is not read: put the query into `given`",
            ));
        }
        let mut keys = Vec::new();
        let mut rest = path;
        while !rest.is_empty() {
            if let Some(inside) = rest.strip_prefix('[') {
                let close = inside
                    .find(']')
                    .ok_or_else(|| refuse("a `[` is not closed"))?;
                let key = inside[..close].trim();
                let unquoted = ['\'', '"']
                    .iter()
                    .find_map(|q| key.strip_prefix(*q).and_then(|k| k.strip_suffix(*q)));
                match unquoted {
                    Some(k) => keys.push(k.to_string()),
                    None if !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit()) => {
                        keys.push(key.to_string())
                    }
                    None => return Err(refuse("`[...]` holds an index or a quoted key")),
                }
                rest = &inside[close + 1..];
                rest = rest.strip_prefix('.').unwrap_or(rest);
            } else {
                let len = rest.find(['.', '[']).unwrap_or(rest.len());
                if len == 0 {
                    return Err(refuse("a key is empty"));
                }
                keys.push(rest[..len].to_string());
                rest = &rest[len..];
                if let Some(after) = rest.strip_prefix('.') {
                    if after.is_empty() {
                        return Err(refuse("a key is empty"));
                    }
                    rest = after;
                }
            }
        }
        if keys.is_empty() {
            return Err(refuse("a key is empty"));
        }
        if keys.iter().any(|k| k.contains(['*', '?', '^', '~'])) {
            return Err(refuse(
                "a `field` names one value: put wildcards and filters into `given`",
            ));
        }
        Ok(Field::Path(keys))
    }

    fn function(
        &self,
        at: NodeId,
        name: &str,
        options: Option<NodeId>,
    ) -> Result<Vec<Function>, RuleError> {
        let names = || FUNCTIONS.iter().map(|(n, _)| *n);
        let Some(&(_, allowed)) = FUNCTIONS.iter().find(|(n, _)| *n == name) else {
            return Err(error(
                self.span(at),
                format!(
                    "`{name}` is not one of Spectral's core functions walint runs ({}): a custom JavaScript function is not run; write the check with one of these or as a walint rule file{}",
                    names().collect::<Vec<_>>().join(", "),
                    did_you_mean(name, names())
                ),
            ));
        };
        match options {
            Some(node) if allowed.is_empty() => {
                return Err(error(
                    self.span(node),
                    format!("`{name}` takes no functionOptions"),
                ))
            }
            Some(node) => self.keys(node, &format!("the functionOptions of `{name}`"), allowed)?,
            None => {}
        }
        let option = |key: &str| options.and_then(|o| self.tree.get(o, key));
        let needs = |what: &str| {
            error(
                self.span(options.unwrap_or(at)),
                format!("`{name}` needs {what}"),
            )
        };
        Ok(match name {
            "truthy" => vec![Function::Truthy],
            "falsy" => vec![Function::Falsy],
            "defined" => vec![Function::Defined],
            "undefined" => vec![Function::Undefined],
            "pattern" => {
                let matches = option("match").map(|n| self.pattern(n)).transpose()?;
                let not_matches = option("notMatch").map(|n| self.pattern(n)).transpose()?;
                if matches.is_none() && not_matches.is_none() {
                    return Err(needs("`match` or `notMatch` in its functionOptions"));
                }
                vec![Function::Pattern {
                    matches,
                    not_matches,
                }]
            }
            "length" => {
                let number = |key: &str| {
                    option(key)
                        .map(|n| match self.tree.value(n) {
                            Value::Number(text) => text
                                .parse::<f64>()
                                .ok()
                                .filter(|v| v.is_finite())
                                .ok_or_else(|| {
                                    error(self.span(n), format!("`{key}` must be a number"))
                                }),
                            other => Err(error(
                                self.span(n),
                                format!("`{key}` must be a number, not {}", kind_of(other)),
                            )),
                        })
                        .transpose()
                };
                let (min, max) = (number("min")?, number("max")?);
                if min.is_none() && max.is_none() {
                    return Err(needs("`min` or `max` in its functionOptions"));
                }
                vec![Function::Length { min, max }]
            }
            "enumeration" => {
                let list = option("values")
                    .ok_or_else(|| needs("`values` in its functionOptions: the allowed values"))?;
                if !matches!(self.tree.value(list), Value::Seq(_)) {
                    return Err(error(
                        self.span(list),
                        "`values` must be a list of the allowed values",
                    ));
                }
                vec![Function::Enumeration {
                    values: self
                        .tree
                        .items(list)
                        .iter()
                        .map(|&i| json::of(self.tree, i))
                        .collect(),
                }]
            }
            "casing" => {
                let kind = option("type").ok_or_else(|| {
                    needs(&format!(
                        "`type` in its functionOptions: one of {}",
                        Casing::NAMES.join(", ")
                    ))
                })?;
                let written = self.string(kind, "`type`")?;
                let casing = Casing::parse(written).ok_or_else(|| {
                    error(
                        self.span(kind),
                        format!(
                            "unknown casing `{written}` (one of {}){}",
                            Casing::NAMES.join(", "),
                            did_you_mean(written, Casing::NAMES.iter().copied())
                        ),
                    )
                })?;
                let disallow_digits = option("disallowDigits")
                    .map(|n| self.boolean(n, "`disallowDigits`"))
                    .transpose()?
                    .unwrap_or(false);
                let separator = option("separator").map(|n| self.separator(n)).transpose()?;
                vec![Function::Casing {
                    casing,
                    disallow_digits,
                    separator,
                }]
            }
            "alphabetical" => vec![Function::Alphabetical {
                keyed_by: option("keyedBy")
                    .map(|n| self.string(n, "`keyedBy`").map(str::to_string))
                    .transpose()?,
            }],
            "xor" => {
                let list = option("properties").ok_or_else(|| {
                    needs(
                        "`properties` in its functionOptions: the keys of which exactly one is set",
                    )
                })?;
                let properties = self.strings(list, "a property")?;
                if !matches!(self.tree.value(list), Value::Seq(_)) || properties.len() < 2 {
                    return Err(error(
                        self.span(list),
                        "`properties` must be a list of at least two keys",
                    ));
                }
                vec![Function::Xor {
                    properties: properties.into_iter().map(|(_, p)| p.to_string()).collect(),
                }]
            }
            _ => {
                let schema = option("schema").ok_or_else(|| {
                    needs("`schema` in its functionOptions: the JSON Schema the value must be valid against")
                })?;
                let draft = match option("dialect") {
                    None => None,
                    Some(n) => self.dialect(n)?,
                };
                if let Some(n) = option("allErrors") {
                    self.boolean(n, "`allErrors`")?;
                }
                // Spectral's default dialect, when the schema names none, is draft 7.
                let names_one = self.tree.get(schema, "$schema").is_some();
                let draft = draft.or((!names_one).then_some(jsonschema::Draft::Draft7));
                let validator = schema_validator(self.tree, schema, draft)?;
                // A missing value fails `schema` in Spectral: it must exist.
                vec![
                    Function::Defined,
                    Function::JsonSchema {
                        validator: Box::new(validator),
                    },
                ]
            }
        })
    }

    /// `dialect`: `auto` (the schema's `$schema`, else draft 7) or a draft.
    fn dialect(&self, node: NodeId) -> Result<Option<jsonschema::Draft>, RuleError> {
        let written = self.string(node, "`dialect`")?;
        let names = [
            "auto",
            "draft4",
            "draft6",
            "draft7",
            "draft2019-09",
            "draft2020-12",
        ];
        Ok(match written {
            "auto" => None,
            "draft4" => Some(jsonschema::Draft::Draft4),
            "draft6" => Some(jsonschema::Draft::Draft6),
            "draft7" => Some(jsonschema::Draft::Draft7),
            "draft2019-09" => Some(jsonschema::Draft::Draft201909),
            "draft2020-12" => Some(jsonschema::Draft::Draft202012),
            _ => {
                return Err(error(
                    self.span(node),
                    format!(
                        "unknown dialect `{written}` (one of {}){}",
                        names.join(", "),
                        did_you_mean(written, names)
                    ),
                ))
            }
        })
    }

    fn separator(&self, node: NodeId) -> Result<Separator, RuleError> {
        self.keys(node, "`separator`", &["char", "allowLeading"])?;
        let char = separator_char(self.tree, node)?;
        let allow_leading = self
            .tree
            .get(node, "allowLeading")
            .map(|n| self.boolean(n, "`allowLeading`"))
            .transpose()?
            .unwrap_or(false);
        Ok(Separator {
            char,
            allow_leading,
        })
    }

    /// A JavaScript regular expression (`^x`, or `/^x/i` with flags) for the `regex` crate.
    fn pattern(&self, node: NodeId) -> Result<super::functions::Pattern, RuleError> {
        let written = self.string(node, "a pattern")?;
        let source = javascript_regex(written)
            .map_err(|why| error(self.span(node), format!("`{written}`: {why}")))?;
        compile_pattern(&source, written, self.span(node))
    }
}

/// A rule as read, before it joins the catalogue.
struct ReadRule {
    severity: Severity,
    off: bool,
    kinds: Option<Vec<Kind>>,
    checks: Vec<Check>,
    message: Option<Vec<Part>>,
    description: Option<String>,
    documentation: Option<String>,
    /// The `given` paths and functions as written, for the rule's rationale.
    given: Vec<String>,
    functions: Vec<String>,
}

fn category(kind: Kind) -> &'static str {
    match kind {
        Kind::Template | Kind::TemplatesLock | Kind::TemplateSend => "template",
        Kind::Flow => "conversation-flow",
        Kind::WhatsAppFlow => "whatsapp-flow",
        Kind::Webhook => "webhook",
        Kind::Campaign => "campaign",
    }
}

/// A JavaScript regular expression as the `regex` crate writes it: `/source/flags` is read
/// as Spectral reads it (`i`, `m`, `s` become inline flags; `g`, `u`, `y`, `d` change nothing
/// a test sees), and the classes that are ASCII in JavaScript stay ASCII (`\d`, `\w`, `\b`
/// are Unicode-aware in the `regex` crate). Look-around and back-references have no
/// equivalent: the `regex` crate refuses them when the rule is read.
fn javascript_regex(written: &str) -> Result<String, String> {
    let (source, flags) = match written.strip_prefix('/').and_then(|rest| {
        let close = rest.rfind('/')?;
        let flags = &rest[close + 1..];
        (close > 0 && flags.chars().all(|c| c.is_ascii_lowercase()))
            .then(|| (&rest[..close], flags))
    }) {
        Some(split) => split,
        None => (written, ""),
    };
    let mut inline = String::new();
    for flag in flags.chars() {
        match flag {
            'i' | 'm' | 's' => {
                if !inline.contains(flag) {
                    inline.push(flag);
                }
            }
            'g' | 'u' | 'y' | 'd' => {}
            other => {
                return Err(format!(
                    "the flag `{other}` has no equivalent (i, m, s, g, u, y, d)"
                ))
            }
        }
    }
    let mut out = String::with_capacity(source.len() + 8);
    if !inline.is_empty() {
        out.push_str(&format!("(?{inline})"));
    }
    let mut in_class = false;
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(e) = chars.next() else {
                    out.push('\\');
                    break;
                };
                let class = |inside: &str, outside: &str| {
                    if in_class {
                        inside.to_string()
                    } else {
                        outside.to_string()
                    }
                };
                let translated = match e {
                    'd' => class("[:digit:]", "[0-9]"),
                    'D' => class("[:^digit:]", "[^0-9]"),
                    'w' => class("[:word:]", "[0-9A-Za-z_]"),
                    'W' => class("[:^word:]", "[^0-9A-Za-z_]"),
                    'b' if in_class => "\\x08".into(),
                    'b' => "(?-u:\\b)".into(),
                    'B' => "(?-u:\\B)".into(),
                    '/' => "/".into(),
                    other => format!("\\{other}"),
                };
                out.push_str(&translated);
            }
            '[' if in_class => out.push_str("\\["),
            '[' => {
                in_class = true;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    chars.next();
                    out.push('^');
                }
                // A `]` first is a literal in the `regex` crate, an empty class in
                // JavaScript: write it escaped so it reads the same in both.
                if chars.peek() == Some(&']') {
                    return Err("an empty class `[]` has no equivalent".into());
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            // Set operations of the `regex` crate's classes are literal in JavaScript.
            '&' | '~' | '-' if in_class && chars.peek() == Some(&c) => {
                chars.next();
                out.push_str(&format!("\\{c}\\{c}"));
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

impl SpectralRule {
    /// Runs the rule on one document of a file (`root`), whose JSON is `json` and which
    /// holds documents of `kinds`.
    fn run(&self, tree: &Tree, root: NodeId, kinds: &[Kind], json: &Json, out: &mut Vec<Finding>) {
        if let Some(wanted) = &self.kinds {
            if !kinds.iter().any(|k| wanted.contains(k)) {
                return;
            }
        }
        for check in &self.checks {
            for given in &check.given {
                for found in given.query_located(json).iter().take(MAX_FOUND) {
                    let Some(node) = json::node_at(tree, root, found.location()) else {
                        continue;
                    };
                    // A key as Spectral hands it to a function: an index as its text too.
                    let key = found.location().last().map(|last| match last {
                        PathElement::Name(name) => Json::String(name.to_string()),
                        PathElement::Index(index) => Json::String(index.to_string()),
                    });
                    let found = Found {
                        place: Place::File(node),
                        value: found.node(),
                        key: key.as_ref(),
                    };
                    let target = Target::of(&found, &check.field, tree);
                    let failure = check
                        .functions
                        .iter()
                        .find_map(|function| target.check(function, tree, None));
                    let Some(failure) = failure else {
                        continue;
                    };
                    let property = match &check.field {
                        Field::Path(keys) => keys.last().cloned().unwrap_or_default(),
                        Field::Itself | Field::Key => key
                            .as_ref()
                            .map(super::functions::text_of)
                            .unwrap_or_default(),
                    };
                    let message = self.message(&target, tree, &failure.reason, &property);
                    out.push(Finding::new(self.id, target.at(&failure, tree), message));
                }
            }
        }
    }

    /// The finding's message: the rule's, its description, or the path and what failed.
    fn message(&self, target: &Target, tree: &Tree, reason: &str, property: &str) -> String {
        let Some(parts) = &self.message else {
            return match &self.description {
                Some(description) => description.clone(),
                None => format!("`{}` {reason}", target.pointer.text(tree)),
            };
        };
        let mut out = String::new();
        for part in parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Value => out.push_str(&shown_value(target.value)),
                Part::Path => {
                    out.push('#');
                    out.push_str(&target.pointer.text(tree));
                }
                Part::Property => out.push_str(property),
                Part::Error => out.push_str(reason),
                Part::Description => out.push_str(self.description.as_deref().unwrap_or("")),
            }
        }
        out.trim().to_string()
    }
}

/// Runs `rules` (those `enabled` allows) on every document of a file: each of the tree's
/// roots that holds a document walint reads, with the kinds of the documents in it.
pub(super) fn run(
    rules: &[SpectralRule],
    tree: &Tree,
    documents: &[Document],
    enabled: impl Fn(RuleId) -> bool,
    out: &mut Vec<Finding>,
) {
    if rules.iter().all(|r| !enabled(r.id)) {
        return;
    }
    for &root in &tree.documents {
        let span = tree.span(root);
        let kinds: Vec<Kind> = documents
            .iter()
            .filter(|d| {
                let inner = tree.span(super::root_of(d));
                span.start <= inner.start && inner.end <= span.end
            })
            .map(Document::kind)
            .collect();
        if kinds.is_empty() {
            continue;
        }
        let json = json::of(tree, root);
        for rule in rules.iter().filter(|r| enabled(r.id)) {
            rule.run(tree, root, &kinds, &json, out);
        }
    }
}

#[cfg(test)]
mod tests;
