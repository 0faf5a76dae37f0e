//! Reading a custom rule file: the fields every rule document has (as `rules/WA*.yaml`),
//! read by the catalogue's own reader, and the `match` block, compiled once per run. Every
//! problem is reported at its key or value in the rule file.

use serde_json::Value as Json;
use serde_json_path::JsonPath;

use crate::catalogue::{read_rule, RuleDoc, RuleError};
use crate::model::Kind;
use crate::rules::wording::{ByLanguage, PhraseSet};
use crate::source::{locate_in_string, NodeId, Span, Tree, Value};
use crate::suggest::did_you_mean;

use super::conversation::{FlowFunction, StepMatcher, STEP_KEYS};
use super::functions::{self, Casing, Function, Pattern, Separator, FUNCTIONS, SEPARATOR_KEYS};
use super::json;
use crate::model::flow::NodeType;
use crate::model::reader::Keyword;

/// The compiled `match` block of a rule.
#[derive(Debug)]
pub struct Matcher {
    pub kinds: Vec<Kind>,
    /// `given` and `where` read a conversation flow's format-neutral model rather than the
    /// document as written (`model: true`).
    pub model: bool,
    /// JSONPath queries over each document; `$` when the rule names none.
    pub given: Vec<JsonPath>,
    /// Conditions the document must meet (`category == MARKETING`), all of them.
    pub filters: Vec<Filter>,
    pub then: Vec<Then>,
    /// The conversation functions, checked once on each flow.
    pub flow_checks: Vec<FlowFunction>,
    /// The message, with `{value}`, `{path}`, `{document}` and `{reason}` filled in.
    pub message: Option<String>,
}

/// `PATH == VALUE` or `PATH != VALUE` of a `where` condition.
#[derive(Debug)]
pub struct Filter {
    pub path: JsonPath,
    pub equal: bool,
    pub value: Json,
}

impl Filter {
    /// `==`: some value at the path equals the value; `!=`: none does.
    pub fn holds(&self, document: &Json) -> bool {
        let found = self.path.query(document).iter().any(|v| *v == &self.value);
        found == self.equal
    }
}

/// One check of a `then`: a function on a field of each value `given` finds.
#[derive(Debug)]
pub struct Then {
    pub field: Field,
    pub function: Function,
}

/// Which value of a found one a function looks at.
#[derive(Debug)]
pub enum Field {
    /// The found value itself.
    Itself,
    /// The key the found value is under (`@key`).
    Key,
    /// A path of keys below it (`footer.text`, `$.footer.text`).
    Path(Vec<String>),
}

pub const MATCH_KEYS: &[&str] = &["kinds", "model", "given", "where", "then", "message"];
pub const THEN_KEYS: &[&str] = &["field", "function", "options"];
/// The kinds of document a rule may match, as rule files name them.
pub const KIND_NAMES: &[(&str, Kind)] = &[
    ("template", Kind::Template),
    ("conversation-flow", Kind::Flow),
    ("flow", Kind::Flow),
    ("whatsapp-flow", Kind::WhatsAppFlow),
    ("webhook", Kind::Webhook),
    ("campaign", Kind::Campaign),
    // The lock lists every template Meta holds: the one document a count of them is in.
    ("templates-lock", Kind::TemplatesLock),
    ("template-send", Kind::TemplateSend),
];

/// A rule file's rule and its compiled match block.
pub fn read(tree: &Tree, text: &str, root: NodeId) -> Result<(RuleDoc, Matcher), RuleError> {
    let doc = read_rule(tree, root, &["match"])?;
    let at_start = Span::new(tree.span(root).start, tree.span(root).start);
    let block = tree.get(root, "match").ok_or_else(|| {
        error(
            at_start,
            "a custom rule needs a `match` block (kinds, given, then)",
        )
    })?;
    let reader = BlockReader { tree, text };
    let matcher = reader.matcher(block, &doc)?;
    Ok((doc, matcher))
}

fn error(span: Span, message: impl Into<String>) -> RuleError {
    RuleError {
        span,
        message: message.into(),
    }
}

struct BlockReader<'a> {
    tree: &'a Tree,
    text: &'a str,
}

impl BlockReader<'_> {
    fn span(&self, node: NodeId) -> Span {
        self.tree.span(node)
    }

    fn entries(&self, node: NodeId, what: &str, keys: &[&str]) -> Result<(), RuleError> {
        if !matches!(self.tree.value(node), Value::Map(_)) {
            return Err(error(self.span(node), format!("{what} must be a mapping")));
        }
        known_keys(self.tree, node, what, keys)
    }

    fn string(&self, node: NodeId, what: &str) -> Result<&str, RuleError> {
        string_at(self.tree, node, what)
    }

    /// A string or a list of strings, each with its node.
    fn strings(&self, node: NodeId, what: &str) -> Result<Vec<(NodeId, &str)>, RuleError> {
        let items: Vec<NodeId> = match self.tree.value(node) {
            Value::Seq(items) => items.clone(),
            _ => vec![node],
        };
        items
            .into_iter()
            .map(|item| Ok((item, self.string(item, what)?)))
            .collect()
    }

    fn matcher(&self, block: NodeId, doc: &RuleDoc) -> Result<Matcher, RuleError> {
        self.entries(block, "`match`", MATCH_KEYS)?;
        let tree = self.tree;
        let kinds = match tree.get(block, "kinds") {
            Some(node) => self
                .strings(node, "`kinds`")?
                .into_iter()
                .map(|(item, name)| {
                    KIND_NAMES
                        .iter()
                        .find(|(n, _)| *n == name)
                        .map(|(_, kind)| *kind)
                        .ok_or_else(|| {
                            let names = KIND_NAMES.iter().map(|(n, _)| *n);
                            error(
                                self.span(item),
                                format!(
                                    "unknown kind `{name}` (template, conversation-flow, whatsapp-flow, webhook, campaign, templates-lock, template-send){}",
                                    did_you_mean(name, names)
                                ),
                            )
                        })
                })
                .collect::<Result<Vec<_>, _>>()?,
            None => match KIND_NAMES.iter().find(|(n, _)| *n == doc.category) {
                Some((_, kind)) => vec![*kind],
                None => {
                    return Err(error(
                        self.span(block),
                        format!(
                            "a rule of category `{}` names the documents it reads: `kinds: [template]`",
                            doc.category
                        ),
                    ))
                }
            },
        };
        let model = match tree.get(block, "model") {
            None => false,
            Some(node) => match tree.value(node) {
                Value::Bool(b) => *b,
                _ => return Err(error(self.span(node), "`model` must be true or false")),
            },
        };
        let only_flows = |node: NodeId, what: &str| {
            if kinds.iter().all(|k| *k == Kind::Flow) {
                return Ok(());
            }
            let kind = tree.get(block, "kinds").unwrap_or(node);
            Err(error(
                self.span(kind),
                format!("{what} reads conversation flows only: write `kinds: [conversation-flow]`"),
            ))
        };
        if let Some(node) = tree.get(block, "model").filter(|_| model) {
            only_flows(node, "`model: true`")?;
        }
        let given = match tree.get(block, "given") {
            Some(node) => self
                .strings(node, "`given`")?
                .into_iter()
                .map(|(item, path)| self.json_path(item, path))
                .collect::<Result<Vec<_>, _>>()?,
            None => vec![JsonPath::parse("$").map_err(|e| error(self.span(block), e.to_string()))?],
        };
        let filters = match tree.get(block, "where") {
            Some(node) => self
                .strings(node, "a `where` condition")?
                .into_iter()
                .map(|(item, condition)| self.filter(item, condition))
                .collect::<Result<Vec<_>, _>>()?,
            None => Vec::new(),
        };
        let then_node = tree.get(block, "then").ok_or_else(|| {
            error(
                self.span(block),
                "`match` needs `then`: the function each found value must pass",
            )
        })?;
        let then_items: Vec<NodeId> = match tree.value(then_node) {
            Value::Seq(items) => items.clone(),
            _ => vec![then_node],
        };
        let mut then = Vec::new();
        let mut flow_checks = Vec::new();
        for item in then_items {
            match self.then(item)? {
                Clause::Value(clause) => then.push(clause),
                Clause::Flow(function) => {
                    only_flows(item, "a conversation function")?;
                    flow_checks.push(function);
                }
            }
        }
        if let Some(node) = tree.get(block, "given").filter(|_| then.is_empty()) {
            return Err(error(
                self.span(node),
                "a conversation function searches the whole flow: `given` is not read, leave it out",
            ));
        }
        let message = tree
            .get(block, "message")
            .map(|node| self.string(node, "`message`").map(str::to_string))
            .transpose()?;
        Ok(Matcher {
            kinds,
            model,
            given,
            filters,
            then,
            flow_checks,
            message,
        })
    }

    /// An RFC 9535 JSONPath; a syntax error points at its character in the rule file.
    fn json_path(&self, node: NodeId, path: &str) -> Result<JsonPath, RuleError> {
        JsonPath::parse(path).map_err(|e| {
            let at = path
                .char_indices()
                .nth(e.position().saturating_sub(1))
                .map_or(path.len(), |(i, _)| i);
            let end = path[at..].chars().next().map_or(at, |c| at + c.len_utf8());
            error(
                locate_in_string(self.text, self.tree, node, at..end),
                format!("invalid JSONPath `{path}`: {}", e.message()),
            )
        })
    }

    fn filter(&self, node: NodeId, condition: &str) -> Result<Filter, RuleError> {
        let (left, equal, right) = match (condition.find("!="), condition.find("==")) {
            (Some(at), _) => (&condition[..at], false, &condition[at + 2..]),
            (None, Some(at)) => (&condition[..at], true, &condition[at + 2..]),
            (None, None) => {
                return Err(error(
                    self.span(node),
                    format!("`where: {condition}` is not a condition: write `FIELD == VALUE` or `FIELD != VALUE`, e.g. `category == MARKETING`"),
                ))
            }
        };
        let left = left.trim();
        let written = if left.starts_with('$') {
            left.to_string()
        } else {
            format!("$.{left}")
        };
        let path = JsonPath::parse(&written).map_err(|e| {
            error(
                self.span(node),
                format!(
                    "`where: {condition}`: `{left}` is not a field: {}",
                    e.message()
                ),
            )
        })?;
        let right = right.trim();
        let value = match right {
            "true" => Json::Bool(true),
            "false" => Json::Bool(false),
            "null" => Json::Null,
            _ => json::number(right).unwrap_or_else(|| Json::String(unquote(right).to_string())),
        };
        Ok(Filter { path, equal, value })
    }

    fn then(&self, node: NodeId) -> Result<Clause, RuleError> {
        self.entries(node, "a `then` clause", THEN_KEYS)?;
        let tree = self.tree;
        let conversation = tree
            .get(node, "function")
            .and_then(|f| tree.as_str(f))
            .filter(|name| CONVERSATION_FUNCTIONS.contains(name));
        if let Some(name) = conversation {
            if let Some(field) = tree.get(node, "field") {
                return Err(error(
                    tree.key_span(field).unwrap_or_else(|| self.span(field)),
                    format!("`{name}` searches the whole flow: it reads no `field`"),
                ));
            }
            let options = tree.get(node, "options");
            return self.flow_function(node, name, options).map(Clause::Flow);
        }
        let field = match tree.get(node, "field") {
            None => Field::Itself,
            Some(field) => {
                let written = self.string(field, "`field`")?;
                if written == "@key" {
                    Field::Key
                } else {
                    let path = written.strip_prefix("$.").unwrap_or(written);
                    if path.is_empty() || path.split('.').any(str::is_empty) {
                        return Err(error(
                            self.span(field),
                            format!("`field: {written}` is not a field: write a key (`text`), keys joined by dots (`footer.text`) or `@key`"),
                        ));
                    }
                    Field::Path(path.split('.').map(str::to_string).collect())
                }
            }
        };
        let function_node = tree.get(node, "function").ok_or_else(|| {
            error(
                self.span(node),
                format!(
                    "a `then` clause needs a `function`: {}",
                    functions::names().collect::<Vec<_>>().join(", ")
                ),
            )
        })?;
        let name = self.string(function_node, "`function`")?;
        let options = tree.get(node, "options");
        let function = self.function(function_node, name, options)?;
        Ok(Clause::Value(Then { field, function }))
    }

    /// `every_path_passes` (`to`, `through`) or `reachable` (`step`), their options step
    /// matchers.
    fn flow_function(
        &self,
        clause: NodeId,
        name: &str,
        options: Option<NodeId>,
    ) -> Result<FlowFunction, RuleError> {
        let allowed = FUNCTIONS
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(&[][..], |(_, o)| *o);
        let Some(options) = options else {
            return Err(error(
                self.span(clause),
                format!("`{name}` needs `options`: {}", allowed.join(", ")),
            ));
        };
        self.entries(options, &format!("the options of `{name}`"), allowed)?;
        let step = |key: &str| {
            let node = self.tree.get(options, key).ok_or_else(|| {
                error(
                    self.span(options),
                    format!(
                        "`{name}` needs `{key}`: the steps it looks for, e.g. `{{kind: handoff}}`"
                    ),
                )
            })?;
            self.step_matcher(node, key)
        };
        Ok(match name {
            "every_path_passes" => FlowFunction::EveryPathPasses {
                to: step("to")?,
                through: step("through")?,
            },
            _ => FlowFunction::Reachable {
                step: step("step")?,
            },
        })
    }

    /// A step matcher: `kind` (one or a list), `id` and `template` (regular expressions),
    /// `text` (phrases); at least one of them.
    fn step_matcher(&self, node: NodeId, key: &str) -> Result<StepMatcher, RuleError> {
        self.entries(node, &format!("`{key}`"), STEP_KEYS)?;
        let tree = self.tree;
        let kinds = match tree.get(node, "kind") {
            None => Vec::new(),
            Some(list) => self
                .strings(list, "a step kind")?
                .into_iter()
                .map(|(item, written)| {
                    NodeType::parse(written).ok_or_else(|| {
                        let names = NodeType::ALL.iter().map(|(n, _)| *n);
                        error(
                            self.span(item),
                            format!(
                                "unknown step kind `{written}` (one of {}){}",
                                names.clone().collect::<Vec<_>>().join(", "),
                                did_you_mean(written, names)
                            ),
                        )
                    })
                })
                .collect::<Result<_, _>>()?,
        };
        let id = tree.get(node, "id").map(|n| self.pattern(n)).transpose()?;
        let template = tree
            .get(node, "template")
            .map(|n| self.pattern(n))
            .transpose()?;
        let text = match tree.get(node, "text") {
            None => None,
            Some(list) => {
                let written: Vec<String> = self
                    .strings(list, "a phrase")?
                    .into_iter()
                    .map(|(_, p)| p.to_string())
                    .collect();
                Some((self.phrases(list)?, written))
            }
        };
        if kinds.is_empty() && id.is_none() && template.is_none() && text.is_none() {
            return Err(error(
                self.span(node),
                format!(
                    "`{key}` needs one of {}: the steps it names",
                    STEP_KEYS.join(", ")
                ),
            ));
        }
        Ok(StepMatcher {
            kinds,
            id,
            text,
            template,
        })
    }

    fn function(
        &self,
        at: NodeId,
        name: &str,
        options: Option<NodeId>,
    ) -> Result<Function, RuleError> {
        let Some(&(_, allowed)) = FUNCTIONS.iter().find(|(n, _)| *n == name) else {
            return Err(error(
                self.span(at),
                format!(
                    "unknown function `{name}` (one of {}){}",
                    functions::names().collect::<Vec<_>>().join(", "),
                    did_you_mean(name, functions::names())
                ),
            ));
        };
        let option = |key: &str| options.and_then(|o| self.tree.get(o, key));
        match options {
            Some(node) if allowed.is_empty() => {
                return Err(error(self.span(node), format!("`{name}` takes no options")))
            }
            Some(node) => self.entries(node, &format!("the options of `{name}`"), allowed)?,
            None => {}
        }
        let needs = |what: &str| {
            error(
                self.span(options.unwrap_or(at)),
                format!("`{name}` needs {what}"),
            )
        };
        Ok(match name {
            "truthy" => Function::Truthy,
            "falsy" => Function::Falsy,
            "defined" => Function::Defined,
            "undefined" => Function::Undefined,
            "pattern" => {
                let matches = option("match").map(|n| self.pattern(n)).transpose()?;
                let not_matches = option("not_match").map(|n| self.pattern(n)).transpose()?;
                if matches.is_none() && not_matches.is_none() {
                    return Err(needs("`match` or `not_match`"));
                }
                Function::Pattern {
                    matches,
                    not_matches,
                }
            }
            "length" => {
                let min = option("min").map(|n| self.number(n, "min")).transpose()?;
                let max = option("max").map(|n| self.number(n, "max")).transpose()?;
                if min.is_none() && max.is_none() {
                    return Err(needs("`min` or `max`"));
                }
                Function::Length { min, max }
            }
            "enumeration" => {
                let list = option("values").ok_or_else(|| needs("`values`: the allowed values"))?;
                let items = self.tree.items(list);
                if !matches!(self.tree.value(list), Value::Seq(_)) || items.is_empty() {
                    return Err(error(
                        self.span(list),
                        "`values` must be a list of the allowed values",
                    ));
                }
                Function::Enumeration {
                    values: items.iter().map(|&i| json::of(self.tree, i)).collect(),
                }
            }
            "casing" => {
                let kind = option("type").ok_or_else(|| {
                    needs(&format!("`type`: one of {}", Casing::NAMES.join(", ")))
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
                let disallow_digits =
                    match option("disallow_digits").map(|n| (n, self.tree.value(n))) {
                        None => false,
                        Some((_, Value::Bool(b))) => *b,
                        Some((n, _)) => {
                            return Err(error(
                                self.span(n),
                                "`disallow_digits` must be true or false",
                            ))
                        }
                    };
                let separator = option("separator").map(|n| self.separator(n)).transpose()?;
                Function::Casing {
                    casing,
                    disallow_digits,
                    separator,
                }
            }
            "alphabetical" => Function::Alphabetical {
                keyed_by: option("keyed_by")
                    .map(|n| self.string(n, "`keyed_by`").map(str::to_string))
                    .transpose()?,
            },
            "xor" => {
                let list = option("properties")
                    .ok_or_else(|| needs("`properties`: the keys of which exactly one is set"))?;
                let properties = self.strings(list, "a property")?;
                if !matches!(self.tree.value(list), Value::Seq(_)) || properties.len() < 2 {
                    return Err(error(
                        self.span(list),
                        "`properties` must be a list of at least two keys",
                    ));
                }
                Function::Xor {
                    properties: properties.into_iter().map(|(_, p)| p.to_string()).collect(),
                }
            }
            "json_schema" => {
                let schema = option("schema").ok_or_else(|| {
                    needs("`schema`: the JSON Schema the value must be valid against")
                })?;
                let validator = schema_validator(self.tree, schema, None)?;
                Function::JsonSchema {
                    validator: Box::new(validator),
                }
            }
            _ => {
                let any = option("any").map(|n| self.phrases(n)).transpose()?;
                let none = option("none").map(|n| self.phrases(n)).transpose()?;
                if any.is_none() && none.is_none() {
                    return Err(needs("`any` (one of these phrases must be there) or `none` (none of them may be)"));
                }
                Function::ContainsPhrase { any, none }
            }
        })
    }

    /// `separator: {char: "/", allow_leading: true}` of `casing`.
    fn separator(&self, node: NodeId) -> Result<Separator, RuleError> {
        self.entries(node, "`separator`", SEPARATOR_KEYS)?;
        let char = separator_char(self.tree, node)?;
        let allow_leading = match self.tree.get(node, "allow_leading") {
            None => false,
            Some(n) => match self.tree.value(n) {
                Value::Bool(b) => *b,
                _ => return Err(error(self.span(n), "`allow_leading` must be true or false")),
            },
        };
        Ok(Separator {
            char,
            allow_leading,
        })
    }

    fn pattern(&self, node: NodeId) -> Result<Pattern, RuleError> {
        let written = self.string(node, "a pattern")?;
        compile_pattern(written, written, self.span(node))
    }

    fn number(&self, node: NodeId, key: &str) -> Result<f64, RuleError> {
        match self.tree.value(node) {
            Value::Number(n) => n.parse::<f64>().ok().filter(|n| n.is_finite() && *n >= 0.0),
            _ => None,
        }
        .ok_or_else(|| error(self.span(node), format!("`{key}` must be a number from 0")))
    }

    /// A list of phrases for every language, or lists by language (`en: [...]`, `de: [...]`)
    /// of which a document uses its language's and English.
    fn phrases(&self, node: NodeId) -> Result<Box<ByLanguage<PhraseSet>>, RuleError> {
        let list = |node: NodeId| -> Result<PhraseSet, RuleError> {
            let items = self.strings(node, "a phrase")?;
            if items.iter().all(|(_, p)| p.trim().is_empty()) {
                return Err(error(
                    self.span(node),
                    "a phrase list needs at least one phrase",
                ));
            }
            Ok(PhraseSet::new(items.into_iter().map(|(_, p)| p)))
        };
        let lists: Vec<(String, PhraseSet)> = match self.tree.value(node) {
            Value::Map(entries) => entries
                .iter()
                .map(|e| Ok((e.key.clone(), list(e.value)?)))
                .collect::<Result<_, RuleError>>()?,
            _ => vec![("en".to_string(), list(node)?)],
        };
        Ok(Box::new(ByLanguage::new(&lists, |parts| {
            PhraseSet::merged(parts.iter().copied())
        })))
    }
}

/// A `then` clause: a function of the found value, or a conversation function of the flow.
enum Clause {
    Value(Then),
    Flow(FlowFunction),
}

/// The functions that search a conversation flow's graph rather than read a value.
const CONVERSATION_FUNCTIONS: &[&str] = &["every_path_passes", "reachable"];

/// `"MARKETING"` or `'MARKETING'` → `MARKETING`.
fn unquote(text: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = text.strip_prefix(quote).and_then(|t| t.strip_suffix(quote)) {
            return inner;
        }
    }
    text
}

/// A string of a rule file or a Spectral ruleset, or an error at it naming what it is instead.
/// The first key of the mapping `node` that is not one of `keys`, as an error at that key
/// with "did you mean" (rule files and Spectral rulesets alike).
pub(super) fn known_keys(
    tree: &Tree,
    node: NodeId,
    what: &str,
    keys: &[&str],
) -> Result<(), RuleError> {
    for entry in tree.entries(node) {
        if !keys.contains(&entry.key.as_str()) {
            return Err(error(
                entry.key_span,
                format!(
                    "unknown key `{}` in {what}{}",
                    entry.key,
                    did_you_mean(&entry.key, keys.iter().copied())
                ),
            ));
        }
    }
    Ok(())
}

pub(super) fn string_at<'t>(
    tree: &'t Tree,
    node: NodeId,
    what: &str,
) -> Result<&'t str, RuleError> {
    tree.as_str(node).ok_or_else(|| {
        error(
            tree.span(node),
            format!(
                "{what} must be a string, not {}",
                crate::model::reader::kind_of(tree.value(node))
            ),
        )
    })
}

/// The `char` of a `casing` separator (in rule files and Spectral rulesets): one character.
pub(super) fn separator_char(tree: &Tree, separator: NodeId) -> Result<char, RuleError> {
    let char_node = tree.get(separator, "char").ok_or_else(|| {
        error(
            tree.span(separator),
            "`separator` needs `char`: the character between words",
        )
    })?;
    let written = string_at(tree, char_node, "`char`")?;
    let mut chars = written.chars();
    match (chars.next(), chars.next()) {
        (Some(char), None) => Ok(char),
        _ => Err(error(
            tree.span(char_node),
            format!("`char` is one character, not `{written}`"),
        )),
    }
}

/// A regular expression of the `regex` crate (`source`), shown as the rule wrote it
/// (`written`); a syntax error is at `span`, the pattern in the rule file.
pub(super) fn compile_pattern(
    source: &str,
    written: &str,
    span: Span,
) -> Result<Pattern, RuleError> {
    let regex = regex::RegexBuilder::new(source)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| {
            let reason = match &e {
                regex::Error::Syntax(text) => {
                    let last = text.lines().last().unwrap_or("").trim();
                    last.strip_prefix("error: ").unwrap_or(last).to_string()
                }
                other => other.to_string(),
            };
            error(
                span,
                format!("invalid regular expression `{written}`: {reason}"),
            )
        })?;
    Ok(Pattern {
        regex,
        written: written.to_string(),
    })
}

/// The JSON Schema written at `schema`, compiled for `draft` (`None`: the one its `$schema`
/// names, else 2020-12). A schema that breaks its draft's meta-schema is reported at the part
/// of it that does: the error's instance path is a pointer into the schema. Its `pattern`s
/// run on the `regex` crate, as `pattern` does: linear in the text, so no schema can hang a
/// run.
pub(super) fn schema_validator(
    tree: &Tree,
    schema: NodeId,
    draft: Option<jsonschema::Draft>,
) -> Result<jsonschema::Validator, RuleError> {
    let written = json::of(tree, schema);
    let mut options =
        jsonschema::options().with_pattern_options(jsonschema::PatternOptions::regex());
    if let Some(draft) = draft {
        options = options.with_draft(draft);
    }
    options.build(&written).map_err(|e| {
        let pointer = e.instance_path().as_str();
        let within = pointer
            .split('/')
            .skip(1)
            .map(|part| part.replace("~1", "/").replace("~0", "~"))
            .try_fold(schema, |node, part| match tree.value(node) {
                Value::Seq(items) => part
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| items.get(i).copied()),
                _ => tree.get(node, &part),
            })
            .unwrap_or(schema);
        let at = if pointer.is_empty() {
            String::new()
        } else {
            format!(" at `{pointer}`")
        };
        error(tree.span(within), format!("invalid JSON Schema{at}: {e}"))
    })
}
