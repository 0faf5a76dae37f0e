//! The rule catalogue: what walint knows about each rule (code, name, severity, docs, options,
//! examples), one YAML document per built-in rule in `rules/`, embedded at build time.
//!
//! A rule is named by a [`RuleId`]: the built-in ones are constants generated from `rules/`
//! (`RuleId::WA201`), so a misspelt code does not compile. The catalogue is an owned value
//! (shared as `Arc<Catalogue>`): rules defined at run time ([`Catalogue::define`]) get ids after
//! the built-in ones and are reported like them.

use std::fmt;
use std::sync::{Arc, LazyLock};

use serde::{Deserialize, Serialize};

use crate::source::{parse, Format, NodeId, Span, Tree, Value};

/// A rule of a catalogue: an index into it. The built-in rules come first, in code order, in
/// every catalogue, so their ids are constants; a rule defined at run time is only known to
/// the catalogue that defined it.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleId(u16);

impl RuleId {
    /// The id of a rule document not yet in a catalogue: [`Catalogue::define`] sets its own.
    pub const UNSET: RuleId = RuleId(0);

    /// The rule's position in its catalogue.
    pub fn index(self) -> usize {
        usize::from(self.0)
    }

    /// A rule of walint's own catalogue (`rules/WA*.yaml`), with the same id in every catalogue.
    pub fn is_builtin(self) -> bool {
        self.index() < BUILTIN_RULES
    }

    /// Whether the rule checks flows of the chatbot format `FORMAT_NAMES[format]` (its
    /// document's `formats:`); a rule defined at run time checks every format.
    pub fn checks_format(self, format: usize) -> bool {
        CHECKED_FORMATS
            .get(self.index())
            .is_none_or(|mask| mask & (1 << format) != 0)
    }
}

/// A built-in rule shows as its code (`WA201`), one defined at run time as its index.
impl fmt::Debug for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match BUILTIN_CODES.get(self.index()) {
            Some(code) => f.write_str(code),
            None => write!(f, "RuleId({})", self.0),
        }
    }
}

/// How serious a rule's findings are: its default severity, or a finding's own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    /// Every severity, highest first, as messages and the JSON Schemas list them.
    pub const ALL: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Info];

    pub fn parse(text: &str) -> Option<Severity> {
        match text.to_ascii_lowercase().as_str() {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a fix may be applied without a person looking at it: a safe fix keeps what the
/// file means (`en-US` → `en_US`); an unsafe one changes it (a template's name, a link's
/// scheme) and is only applied with `--unsafe-fixes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    Safe,
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// A rule option that is a count: a whole number within `min..=max`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IntegerOption {
    pub rule: RuleId,
    pub name: &'static str,
    pub default: u32,
    pub min: u32,
    pub max: u32,
}

/// A rule option that is a finite number within `min..=max`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NumberOption {
    pub rule: RuleId,
    pub name: &'static str,
    pub default: f64,
    pub min: f64,
    pub max: f64,
}

include!(concat!(env!("OUT_DIR"), "/catalogue.rs"));

/// The value type of a rule option (`type:` in its YAML).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptionType {
    /// A whole number from 0: a count.
    Integer,
    /// Any finite number.
    Number,
}

impl OptionType {
    pub fn as_str(self) -> &'static str {
        match self {
            OptionType::Integer => "integer",
            OptionType::Number => "number",
        }
    }
}

/// A rule option as documented: what config values are valid for it, and its default.
#[derive(Clone, Debug, PartialEq)]
pub struct OptionDoc {
    pub name: String,
    pub kind: OptionType,
    pub default: f64,
    /// The smallest valid value, when there is one.
    pub min: Option<f64>,
    /// The largest valid value, when there is one.
    pub max: Option<f64>,
    pub description: String,
}

impl OptionDoc {
    /// The smallest and largest valid values, the type's own bounds where the YAML sets none
    /// (an integer is a `u32` count).
    pub fn bounds(&self) -> (f64, f64) {
        match self.kind {
            OptionType::Integer => (
                self.min.unwrap_or(0.0),
                self.max.unwrap_or(f64::from(u32::MAX)),
            ),
            OptionType::Number => (
                self.min.unwrap_or(f64::NEG_INFINITY),
                self.max.unwrap_or(f64::INFINITY),
            ),
        }
    }

    /// The valid range in words: "from 1 to 10", "of at least 0"; empty for any number.
    pub fn range(&self) -> String {
        match (self.min, self.max, self.kind) {
            (Some(min), Some(max), _) => format!("from {min} to {max}"),
            (Some(min), None, _) => format!("of at least {min}"),
            (None, Some(max), OptionType::Integer) => format!("from 0 to {max}"),
            (None, Some(max), OptionType::Number) => format!("of at most {max}"),
            (None, None, OptionType::Integer) => "of at least 0".to_string(),
            (None, None, OptionType::Number) => String::new(),
        }
    }

    /// What a valid value is, in words: "a whole number from 1 to 10", "a number of at least 0".
    pub fn expected(&self) -> String {
        let what = match self.kind {
            OptionType::Integer => "a whole number",
            OptionType::Number => "a number",
        };
        let range = self.range();
        if range.is_empty() {
            what.to_string()
        } else {
            format!("{what} {range}")
        }
    }

    /// The value of `written` (a YAML number as written) if it is valid for this option,
    /// else why not.
    pub fn check(&self, written: &str) -> Result<f64, String> {
        let expected = self.expected();
        let value = written
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .ok_or_else(|| format!("must be {expected}, not `{written}`"))?;
        if self.kind == OptionType::Integer && value.fract() != 0.0 {
            return Err(format!("must be {expected}, not `{written}`"));
        }
        let (min, max) = self.bounds();
        if value < min || value > max {
            return Err(format!("must be {expected}, not `{written}`"));
        }
        Ok(value)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExampleKind {
    Failing,
    Passing,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Example {
    pub kind: ExampleKind,
    pub description: String,
    /// File name → content; the extension decides the format.
    pub files: Vec<(String, String)>,
    /// Where a failing example's findings of the rule are, as `FILE:LINE:COLUMN` or
    /// `FILE:LINE` (`expect:`); empty: anywhere, at least one.
    pub expect: Vec<String>,
}

/// A place an example expects a finding at: `FILE:LINE:COLUMN` or `FILE:LINE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expected {
    pub file: String,
    pub line: usize,
    pub column: Option<usize>,
}

impl Expected {
    /// Reads `promo.json:4:31` or `promo.json:4`.
    pub fn parse(written: &str) -> Option<Expected> {
        let number = |part: &str| part.parse::<usize>().ok().filter(|n| *n > 0);
        let (rest, last) = written.rsplit_once(':')?;
        let last = number(last)?;
        let (file, line, column) = match rest.rsplit_once(':') {
            Some((file, line)) if number(line).is_some() => (file, number(line)?, Some(last)),
            _ => (rest, last, None),
        };
        (!file.is_empty()).then(|| Expected {
            file: file.to_string(),
            line,
            column,
        })
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct RuleDoc {
    /// Its place in the catalogue; set when the catalogue takes the rule in.
    pub id: RuleId,
    /// `WA201`; shared with every diagnostic of the rule.
    pub code: Arc<str>,
    /// `menu-overloaded`; shared with every diagnostic of the rule.
    pub name: Arc<str>,
    pub severity: Severity,
    pub category: String,
    pub summary: String,
    pub rationale: String,
    pub fix: String,
    /// Whether its findings carry a mechanical fix (`autofix:` in its document), and how safe.
    pub autofix: Option<Applicability>,
    pub sources: Vec<String>,
    pub controls: Vec<String>,
    /// For a rule about a security weakness, how severe its findings are on the CVSS scale
    /// GitHub code scanning sorts security alerts by (`security_severity:`, above 0.0 and at
    /// most 10.0: from 9.0 critical, from 7.0 high, from 4.0 medium, else low).
    pub security_severity: Option<f64>,
    pub options: Vec<OptionDoc>,
    pub examples: Vec<Example>,
    /// For a conversation-flow rule, whether it checks each chatbot format ([`FORMAT_NAMES`]
    /// order, `formats:` in its document); empty for the other rules, which read every format.
    pub formats: Vec<Coverage>,
}

/// Whether a rule checks the flows of one chatbot format, and if not, why not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coverage {
    /// Its name in [`FORMAT_NAMES`]: `rapidpro`.
    pub format: String,
    /// Why the rule does not apply to the format, when it does not (one line).
    pub not_checked: Option<String>,
}

impl RuleDoc {
    /// What `walint check --fix` does with the rule's findings, as `explain` and SARIF's help
    /// say it.
    pub fn autofix_text(&self) -> &'static str {
        match self.autofix {
            Some(Applicability::Safe) => "Autofix: safe: `walint check --fix` applies it",
            Some(Applicability::Unsafe) => {
                "Autofix: unsafe: it changes what the file means; `walint check --fix --unsafe-fixes` applies it"
            }
            None => "Autofix: none: no mechanical fix, its findings need a person",
        }
    }
}

/// A source as a rule document writes it: its address, then an optional note on it
/// ("(updated 2026-05-21, read 2026-12-02)", "(unverified for …)"), which links leave out.
pub fn source_parts(source: &str) -> (&str, &str) {
    match source.trim().split_once(char::is_whitespace) {
        Some((address, note)) => (address, note.trim()),
        None => (source.trim(), ""),
    }
}

/// Where each built-in rule is documented (SARIF's `helpUri`, the language server's
/// `codeDescription`): `WALINT_DOCS_URL` at build time, with `{code}` for the rule's code
/// (build.rs checks it). walint has no public home yet, so a build without it links no page
/// rather than an address nobody serves.
pub const DOCS_URL: Option<&str> = option_env!("WALINT_DOCS_URL");

impl RuleDoc {
    /// The page the rule is documented at: for a built-in rule its page under `docs_url`
    /// (see [`DOCS_URL`]), for one defined at run time its first source (the team's own
    /// policy page).
    pub fn documentation(&self, docs_url: Option<&str>) -> Option<String> {
        if self.id.is_builtin() {
            docs_url
                .filter(|url| !url.is_empty())
                .map(|url| url.replace("{code}", &self.code))
        } else {
            self.sources
                .first()
                .map(|source| source_parts(source).0.to_string())
        }
    }
}

pub const CATEGORIES: &[&str] = &[
    "general",
    "template",
    "conversation-flow",
    "whatsapp-flow",
    "webhook",
    "campaign",
];

/// The fields every rule document has: `read_rule` reports a missing one.
pub const REQUIRED_FIELDS: &[&str] = &[
    "code",
    "name",
    "severity",
    "category",
    "summary",
    "rationale",
    "fix",
];

/// The fields of a rule document (a custom rule file adds `match`).
pub const FIELDS: &[&str] = &[
    "code",
    "name",
    "severity",
    "category",
    "summary",
    "rationale",
    "fix",
    "autofix",
    "sources",
    "controls",
    "security_severity",
    "options",
    "examples",
];

pub const OPTION_FIELDS: &[&str] = &["name", "type", "default", "min", "max", "description"];

/// The fields of an example of a rule document.
pub const EXAMPLE_FIELDS: &[&str] = &["kind", "description", "files", "expect"];

/// A policy clause or practice that rules evidence (`rules/controls.yaml`), or a team's own
/// control, defined by a custom rule file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Control {
    pub id: String,
    pub title: String,
    /// Where the policy is written; may be empty for a team's own control.
    pub source: String,
    /// What a team's own control asks for; empty for those of rules/controls.yaml, whose
    /// title says it.
    pub description: String,
}

pub const CONTROLS: &str = include_str!("../rules/controls.yaml");

#[derive(Clone, Debug)]
pub struct Catalogue {
    /// `rules[i]` has id `i`: the built-in rules in code order, then those defined at run time.
    rules: Vec<RuleDoc>,
    pub controls: Vec<Control>,
    /// The date of the policy data: the newest policy or limit page the rules were last
    /// checked against (`policy_date` in rules/controls.yaml), `YYYY-MM-DD`.
    pub policy_date: String,
}

static BUILTIN: LazyLock<Result<Arc<Catalogue>, String>> =
    LazyLock::new(|| Catalogue::from_rules(builtin_rule_docs(), CONTROLS).map(Arc::new));

/// The catalogue of the built-in rules, or why it is broken (which the catalogue test rules
/// out).
pub fn builtin() -> Result<Arc<Catalogue>, String> {
    BUILTIN.clone()
}

impl Catalogue {
    /// A catalogue of the rule documents given, in code order, and the controls they cite: the
    /// reading that the generated built-in rules are tested against.
    #[cfg(test)]
    pub fn from_documents(documents: &[(&str, &str)], controls: &str) -> Result<Catalogue, String> {
        let rules = documents
            .iter()
            .map(|(file, text)| parse_rule(text).map_err(|e| format!("rules/{file}: {e}")))
            .collect::<Result<Vec<_>, _>>()?;
        Catalogue::from_rules(rules, controls)
    }

    /// A catalogue of the rules given, in code order, and the controls they cite.
    fn from_rules(mut rules: Vec<RuleDoc>, controls: &str) -> Result<Catalogue, String> {
        rules.sort_by(|a, b| a.code.cmp(&b.code));
        let (controls, policy_date) =
            parse_controls(controls).map_err(|e| format!("rules/controls.yaml: {e}"))?;
        let mut catalogue = Catalogue {
            rules: Vec::with_capacity(rules.len()),
            controls,
            policy_date,
        };
        for rule in rules {
            let code = rule.code.clone();
            catalogue
                .define(rule)
                .map_err(|e| format!("rules/{code}.yaml: {e}"))?;
        }
        Ok(catalogue)
    }

    /// Takes in a rule defined at run time (or a built-in one, while building the catalogue)
    /// and gives it the next id. Its code and name must be new, and its controls known.
    pub fn define(&mut self, mut rule: RuleDoc) -> Result<RuleId, String> {
        if let Some(other) = self.find(&rule.code).or_else(|| self.find(&rule.name)) {
            return Err(format!(
                "rule {} {} clashes with {} {}",
                rule.code, rule.name, other.code, other.name
            ));
        }
        if let Some(unknown) = rule
            .controls
            .iter()
            .find(|c| !self.controls.iter().any(|k| &k.id == *c))
        {
            let known = self.controls.iter().map(|c| c.id.as_str());
            return Err(format!(
                "unknown control `{unknown}` (not in rules/controls.yaml, and no rule file defines it){}",
                crate::suggest::did_you_mean(unknown, known)
            ));
        }
        let id = u16::try_from(self.rules.len())
            .map(RuleId)
            .map_err(|_| "too many rules".to_string())?;
        rule.id = id;
        self.rules.push(rule);
        Ok(id)
    }

    /// Takes in a team's own control (defined by a custom rule file), which rules may then
    /// cite. The same control defined again (in another file, or by a nested config) is the
    /// one control; a different one under an id taken is an error.
    pub fn define_control(&mut self, control: Control) -> Result<(), String> {
        match self.controls.iter().find(|c| c.id == control.id) {
            Some(same) if *same == control => Ok(()),
            Some(other) if other.description.is_empty() => Err(format!(
                "control `{}` is walint's own (rules/controls.yaml): cite it by its id alone",
                control.id
            )),
            Some(_) => Err(format!(
                "control `{}` is defined twice, with different titles, descriptions or sources",
                control.id
            )),
            None => {
                self.controls.push(control);
                Ok(())
            }
        }
    }

    /// Takes in a rule another catalogue defined at run time (a nested config's custom rule):
    /// its id here, the same one when this catalogue holds the same rule already (two
    /// configs that load one rule file), else a new one. A different rule of the same code
    /// or name is an error.
    pub fn adopt(&mut self, rule: &RuleDoc) -> Result<RuleId, String> {
        if let Some(same) = self.find(&rule.code).filter(|r| {
            let mut theirs = rule.clone();
            theirs.id = r.id;
            **r == theirs
        }) {
            return Ok(same.id);
        }
        self.define(rule.clone())
    }

    /// Every rule, by id: the built-in ones in code order, then those defined at run time.
    pub fn rules(&self) -> &[RuleDoc] {
        &self.rules
    }

    /// The rule of an id. Ids come from this catalogue (or are built in), so each names one.
    pub fn rule(&self, id: RuleId) -> &RuleDoc {
        &self.rules[id.index()]
    }

    /// The title of control `id`, or empty for an id the catalogue does not have.
    pub fn control_title(&self, id: &str) -> &str {
        self.controls
            .iter()
            .find(|c| c.id == id)
            .map_or("", |c| c.title.as_str())
    }

    /// A rule by code (`WA201`) or name (`menu-overloaded`), case-insensitively.
    pub fn find(&self, code_or_name: &str) -> Option<&RuleDoc> {
        self.rules.iter().find(|r| {
            r.code.eq_ignore_ascii_case(code_or_name) || r.name.eq_ignore_ascii_case(code_or_name)
        })
    }
}

/// A built-in rule document as the catalogue reads it: a custom rule's fields and
/// `formats:`, which build.rs checks (each format named once, under `checked` or with the
/// reason under `not_checked`).
#[cfg(test)]
fn parse_rule(text: &str) -> Result<RuleDoc, String> {
    let tree = parse(text, Format::Yaml).map_err(|e| e.message)?;
    let root = *tree.documents.first().ok_or("empty document")?;
    let mut rule = read_rule(&tree, root, &["formats"]).map_err(|e| e.message)?;
    if let Some(formats) = tree.get(root, "formats") {
        let checked = tree
            .get(formats, "checked")
            .map_or(&[][..], |c| tree.items(c));
        let not_checked = tree
            .get(formats, "not_checked")
            .map_or(&[][..], |n| tree.entries(n));
        rule.formats = FORMAT_NAMES
            .iter()
            .map(|format| Coverage {
                format: format.to_string(),
                not_checked: match checked.iter().any(|&c| tree.as_str(c) == Some(format)) {
                    true => None,
                    false => not_checked
                        .iter()
                        .find(|e| e.key == *format)
                        .and_then(|e| tree.as_str(e.value))
                        .map(|why| why.trim().to_string()),
                },
            })
            .collect();
    }
    Ok(rule)
}

/// A problem of a rule document, at the key or value it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleError {
    pub span: Span,
    pub message: String,
}

impl RuleError {
    fn at(span: Span, message: impl Into<String>) -> RuleError {
        RuleError {
            span,
            message: message.into(),
        }
    }
}

/// The fields of a rule document besides `extra` (which a caller reads itself: a custom
/// rule's `match`), each checked for its type.
pub fn read_rule(tree: &Tree, root: NodeId, extra: &[&str]) -> Result<RuleDoc, RuleError> {
    let start = Span::new(tree.span(root).start, tree.span(root).start);
    if !matches!(tree.value(root), Value::Map(_)) {
        return Err(RuleError::at(
            tree.span(root),
            "a rule document is a mapping",
        ));
    }
    for entry in tree.entries(root) {
        if !FIELDS.contains(&entry.key.as_str()) && !extra.contains(&entry.key.as_str()) {
            let known = FIELDS.iter().chain(extra).copied();
            return Err(RuleError::at(
                entry.key_span,
                format!(
                    "unknown field `{}`{}",
                    entry.key,
                    crate::suggest::did_you_mean(&entry.key, known)
                ),
            ));
        }
    }
    let text_field = |key: &str| -> Result<(String, Span), RuleError> {
        match tree.get(root, key).map(|n| (tree.value(n), n)) {
            Some((Value::String(s), n)) if !s.trim().is_empty() => {
                Ok((s.trim_end().to_string(), tree.span(n)))
            }
            Some((_, n)) => Err(RuleError::at(
                tree.span(n),
                format!("`{key}` must be a text"),
            )),
            None => Err(RuleError::at(start, format!("missing `{key}`"))),
        }
    };
    let (code, _) = text_field("code")?;
    let (name, _) = text_field("name")?;
    let (severity, severity_span) = text_field("severity")?;
    let severity = Severity::parse(&severity).ok_or_else(|| {
        RuleError::at(
            severity_span,
            format!(
                "severity must be error, warning or info, not `{severity}`{}",
                crate::suggest::did_you_mean(&severity, ["error", "warning", "info"])
            ),
        )
    })?;
    let (category, category_span) = text_field("category")?;
    if !CATEGORIES.contains(&category.as_str()) {
        return Err(RuleError::at(
            category_span,
            format!(
                "unknown category `{category}`{}",
                crate::suggest::did_you_mean(&category, CATEGORIES.iter().copied())
            ),
        ));
    }
    let strings = |key: &str| -> Result<Vec<String>, RuleError> {
        let Some(list) = tree.get(root, key) else {
            return Ok(Vec::new());
        };
        let wrong =
            |n: NodeId| RuleError::at(tree.span(n), format!("`{key}` must be a list of strings"));
        let Value::Seq(items) = tree.value(list) else {
            return Err(wrong(list));
        };
        items
            .iter()
            .map(|&item| match tree.value(item) {
                Value::String(s) => Ok(s.clone()),
                // A custom rule's own control, defined where it is cited (`{id, title,
                // description}`): cited by its id here; the custom rule reader defines it.
                Value::Map(_) if key == "controls" => tree
                    .get(item, "id")
                    .and_then(|n| tree.as_str(n))
                    .map(str::to_string)
                    .ok_or_else(|| wrong(item)),
                _ => Err(wrong(item)),
            })
            .collect()
    };
    let at_field = |key: &str, message: String| {
        let span = tree.get(root, key).map_or(start, |n| tree.span(n));
        RuleError::at(span, message)
    };
    let options = tree
        .get(root, "options")
        .map(|list| read_options(tree, list))
        .transpose()
        .map_err(|e| at_field("options", e))?
        .unwrap_or_default();
    let examples = tree
        .get(root, "examples")
        .map(|list| read_examples(tree, list))
        .transpose()
        .map_err(|e| at_field("examples", e))?
        .unwrap_or_default();
    Ok(RuleDoc {
        id: RuleId(0),
        code: code.into(),
        name: name.into(),
        severity,
        category,
        summary: text_field("summary")?.0,
        rationale: text_field("rationale")?.0,
        fix: text_field("fix")?.0,
        autofix: match tree.get(root, "autofix").map(|n| tree.value(n)) {
            None => None,
            Some(Value::String(s)) if s == "safe" => Some(Applicability::Safe),
            Some(Value::String(s)) if s == "unsafe" => Some(Applicability::Unsafe),
            Some(_) => {
                return Err(at_field(
                    "autofix",
                    "`autofix` must be `safe` or `unsafe`".into(),
                ))
            }
        },
        sources: strings("sources")?,
        controls: strings("controls")?,
        security_severity: tree
            .get(root, "security_severity")
            .map(|node| {
                security_severity(tree.value(node)).map_err(|e| RuleError::at(tree.span(node), e))
            })
            .transpose()?,
        options,
        examples,
        formats: Vec::new(),
    })
}

/// A `security_severity`: a score above 0.0 and at most 10.0 with at most one decimal, as
/// CVSS scores are written (GitHub reads 0.0 as no severity at all).
fn security_severity(value: &Value) -> Result<f64, String> {
    let wrong = || {
        "`security_severity` must be a number above 0.0 and at most 10.0, with at most one \
         decimal (a CVSS score such as 7.5)"
            .to_string()
    };
    let Value::Number(text) = value else {
        return Err(wrong());
    };
    let (whole, decimal) = text.split_once('.').unwrap_or((text, "0"));
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(decimal) || decimal.len() > 1 {
        return Err(wrong());
    }
    match text.parse::<f64>() {
        Ok(score) if score > 0.0 && score <= 10.0 => Ok(score),
        _ => Err(wrong()),
    }
}

/// The controls and the policy data's date.
fn parse_controls(document: &str) -> Result<(Vec<Control>, String), String> {
    let tree = parse(document, Format::Yaml).map_err(|e| e.message)?;
    let root = *tree.documents.first().ok_or("empty document")?;
    let date = text(&tree, root, "policy_date")?;
    if crate::date::Date::parse(&date).is_none() {
        return Err(format!("`policy_date: {date}` is not a date (YYYY-MM-DD)"));
    }
    let list = tree.get(root, "controls").ok_or("no `controls` list")?;
    let controls = tree
        .items(list)
        .iter()
        .map(|&item| {
            Ok(Control {
                id: text(&tree, item, "id")?,
                title: text(&tree, item, "title")?,
                source: text(&tree, item, "source")?,
                description: String::new(),
            })
        })
        .collect::<Result<_, String>>()?;
    Ok((controls, date))
}

fn text(tree: &Tree, map: NodeId, key: &str) -> Result<String, String> {
    match tree.get(map, key).map(|n| tree.value(n)) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(n.clone()),
        _ => Err(format!("`{key}` must be a string")),
    }
}

/// A number of an option's entry: `default`, `min` or `max`.
fn number(tree: &Tree, map: NodeId, key: &str, kind: OptionType) -> Result<Option<f64>, String> {
    let Some(node) = tree.get(map, key) else {
        return Ok(None);
    };
    let value = match tree.value(node) {
        Value::Number(n) => n.parse::<f64>().ok().filter(|n| n.is_finite()),
        _ => None,
    };
    match (value, kind) {
        (Some(n), OptionType::Integer)
            if n >= 0.0 && n.fract() == 0.0 && n <= f64::from(u32::MAX) =>
        {
            Ok(Some(n))
        }
        (Some(n), OptionType::Number) => Ok(Some(n)),
        _ => Err(format!(
            "`{key}` of an {} option must be {}",
            kind.as_str(),
            match kind {
                OptionType::Integer => "a whole number from 0",
                OptionType::Number => "a finite number",
            }
        )),
    }
}

fn read_options(tree: &Tree, list: NodeId) -> Result<Vec<OptionDoc>, String> {
    tree.items(list)
        .iter()
        .map(|&item| {
            let name = text(tree, item, "name")?;
            if let Some(unknown) = tree
                .entries(item)
                .iter()
                .find(|e| !OPTION_FIELDS.contains(&e.key.as_str()))
            {
                return Err(format!("option `{name}`: unknown field `{}`", unknown.key));
            }
            let kind = match text(tree, item, "type")?.as_str() {
                "integer" => OptionType::Integer,
                "number" => OptionType::Number,
                other => {
                    return Err(format!(
                        "option `{name}`: unknown type `{other}` (integer or number)"
                    ))
                }
            };
            let at =
                |key| number(tree, item, key, kind).map_err(|e| format!("option `{name}`: {e}"));
            let default = at("default")?.ok_or(format!("option `{name}` has no `default`"))?;
            let (min, max) = (at("min")?, at("max")?);
            if min.is_some_and(|m| default < m) || max.is_some_and(|m| default > m) {
                return Err(format!("option `{name}`: the default is out of its range"));
            }
            Ok(OptionDoc {
                name,
                kind,
                default,
                min,
                max,
                description: text(tree, item, "description")?,
            })
        })
        .collect()
}

fn read_examples(tree: &Tree, list: NodeId) -> Result<Vec<Example>, String> {
    tree.items(list)
        .iter()
        .map(|&item| {
            if let Some(unknown) = tree
                .entries(item)
                .iter()
                .find(|e| !EXAMPLE_FIELDS.contains(&e.key.as_str()))
            {
                return Err(format!(
                    "unknown field `{}` of an example{}",
                    unknown.key,
                    crate::suggest::did_you_mean(&unknown.key, EXAMPLE_FIELDS.iter().copied())
                ));
            }
            let kind = match text(tree, item, "kind")?.as_str() {
                "failing" => ExampleKind::Failing,
                "passing" => ExampleKind::Passing,
                other => {
                    return Err(format!(
                        "example kind `{other}` (failing or passing){}",
                        crate::suggest::did_you_mean(other, ["failing", "passing"])
                    ))
                }
            };
            let files_node = tree.get(item, "files").ok_or("example without `files`")?;
            let files = tree
                .entries(files_node)
                .iter()
                .map(|e| {
                    let relative = std::path::Path::new(&e.key)
                        .components()
                        .all(|c| matches!(c, std::path::Component::Normal(_)));
                    if !relative || e.key.is_empty() {
                        return Err(format!(
                            "example file `{}` must be a path inside the example's folder, such as `templates/promo.json`",
                            e.key
                        ));
                    }
                    Ok((e.key.clone(), text(tree, files_node, &e.key)?))
                })
                .collect::<Result<Vec<_>, String>>()?;
            let expect = match tree.get(item, "expect") {
                None => Vec::new(),
                Some(_) if kind == ExampleKind::Passing => {
                    return Err("a passing example expects no finding: `expect` is for failing ones".into())
                }
                Some(node) => {
                    let items: Vec<NodeId> = match tree.value(node) {
                        Value::Seq(items) => items.clone(),
                        _ => vec![node],
                    };
                    items
                        .iter()
                        .map(|&place| match tree.value(place) {
                            Value::String(s) if Expected::parse(s).is_some() => Ok(s.clone()),
                            _ => Err(format!(
                                "`expect` lists places as `FILE:LINE:COLUMN` or `FILE:LINE` (promo.json:4:31), not `{}`",
                                tree.as_str(place).unwrap_or("a value that is not a text")
                            )),
                        })
                        .collect::<Result<Vec<_>, String>>()?
                }
            };
            Ok(Example {
                kind,
                description: text(tree, item, "description").unwrap_or_default(),
                files,
                expect,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_ids_name_their_rules() {
        let catalogue = builtin().unwrap();
        assert_eq!(catalogue.rules().len(), BUILTIN_RULES);
        for (index, rule) in catalogue.rules().iter().enumerate() {
            assert_eq!(rule.id.index(), index);
            assert_eq!(catalogue.rule(rule.id).code, rule.code);
            assert_eq!(format!("{:?}", rule.id), *rule.code);
        }
        assert_eq!(&*catalogue.rule(RuleId::WA201).code, "WA201");
        assert_eq!(&*catalogue.rule(RuleId::WA201).name, "menu-overloaded");
        assert_eq!(&*catalogue.rule(RuleId::WA504).code, "WA504");
        assert!(RuleId::WA001.is_builtin() && RuleId::WA504.is_builtin());
    }

    #[test]
    fn the_generated_rules_are_those_the_documents_read_as() {
        let parsed = Catalogue::from_documents(RULE_DOCUMENTS, CONTROLS).unwrap();
        let generated = builtin().unwrap();
        assert_eq!(parsed.rules().len(), generated.rules().len());
        for (parsed, generated) in parsed.rules().iter().zip(generated.rules()) {
            assert_eq!(
                parsed, generated,
                "build.rs reads {} otherwise",
                parsed.code
            );
        }
        assert_eq!(parsed.controls, generated.controls);
    }

    #[test]
    fn a_source_is_its_address_and_a_note() {
        assert_eq!(
            source_parts("https://a.example/p (updated 2026-05-21, read 2026-12-02)"),
            (
                "https://a.example/p",
                "(updated 2026-05-21, read 2026-12-02)"
            )
        );
        assert_eq!(
            source_parts(" https://a.example/p "),
            ("https://a.example/p", "")
        );
        // Every source of the catalogue starts with an address a report can link.
        for rule in builtin().unwrap().rules() {
            for source in &rule.sources {
                let (address, _) = source_parts(source);
                assert!(
                    address.starts_with("https://") && !address.contains(['(', ')']),
                    "{}: source `{source}` does not start with an https address",
                    rule.code
                );
            }
        }
    }

    #[test]
    fn the_catalogue_sha256_is_that_of_the_embedded_documents() {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        for (name, text) in RULE_DOCUMENTS {
            for part in [*name, *text] {
                hasher.update(part.as_bytes());
                hasher.update([0]);
            }
        }
        hasher.update(b"controls.yaml\0");
        hasher.update(CONTROLS.as_bytes());
        let hex: String = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(CATALOGUE_SHA256, hex);
    }

    #[test]
    fn the_typed_options_are_those_of_the_yaml() {
        let catalogue = builtin().unwrap();
        let integers = [
            options::WA004_EXPIRY_WARNING_DAYS,
            options::WA201_MAX_OPTIONS,
            options::WA213_MAX_DEPTH,
        ];
        let numbers = [
            options::WA106_WORDS_PER_VARIABLE,
            options::WA502_MAX_PER_WEEK,
        ];
        let documented = |rule: RuleId, name: &str| {
            let doc = catalogue.rule(rule).options.iter().find(|o| o.name == name);
            doc.unwrap_or_else(|| panic!("{rule:?} has no option {name}"))
                .clone()
        };
        for option in integers {
            let doc = documented(option.rule, option.name);
            assert_eq!(doc.kind, OptionType::Integer);
            assert_eq!(doc.default, f64::from(option.default));
            assert_eq!(doc.min.unwrap_or(0.0), f64::from(option.min));
            assert_eq!(
                doc.max.unwrap_or(f64::from(u32::MAX)),
                f64::from(option.max)
            );
        }
        for option in numbers {
            let doc = documented(option.rule, option.name);
            assert_eq!(doc.kind, OptionType::Number);
            assert_eq!(doc.default, option.default);
            assert_eq!(doc.min.unwrap_or(f64::NEG_INFINITY), option.min);
            assert_eq!(doc.max.unwrap_or(f64::INFINITY), option.max);
        }
        let count: usize = catalogue.rules().iter().map(|r| r.options.len()).sum();
        assert_eq!(
            count,
            integers.len() + numbers.len(),
            "an option without a test"
        );
        assert_eq!(options::WA201_MAX_OPTIONS.default, 5);
        assert_eq!(options::WA213_MAX_DEPTH.default, 3);
        assert_eq!(options::WA004_EXPIRY_WARNING_DAYS.default, 90);
    }

    fn runtime_rule(code: &str, name: &str) -> RuleDoc {
        let mut rule = builtin().unwrap().rule(RuleId::WA201).clone();
        rule.code = code.into();
        rule.name = name.into();
        rule
    }

    #[test]
    fn a_rule_another_catalogue_defined_is_adopted_once_and_a_different_one_clashes() {
        // Two nested configs' catalogues, each with its own rules.
        let mut a = (*builtin().unwrap()).clone();
        let acme = a.define(runtime_rule("ACME001", "acme-menu")).unwrap();
        let mut b = (*builtin().unwrap()).clone();
        b.define(runtime_rule("BETA001", "beta-menu")).unwrap();
        let same = b.define(runtime_rule("ACME001", "acme-menu")).unwrap();
        let mut run = a.clone();
        let beta = run.adopt(b.rule(RuleId(BUILTIN_RULES as u16))).unwrap();
        assert_eq!(beta.index(), BUILTIN_RULES + 1);
        // The same rule under another id there: the run's id.
        assert_eq!(run.adopt(b.rule(same)).unwrap(), acme);
        assert!(!acme.is_builtin() && RuleId::WA201.is_builtin());
        let mut other = runtime_rule("ACME001", "acme-menu");
        other.summary = "another rule".into();
        assert!(run
            .adopt(&other)
            .unwrap_err()
            .contains("clashes with ACME001"));
        assert_eq!(run.rules().len(), BUILTIN_RULES + 2);
    }

    #[test]
    fn rules_defined_at_run_time_get_ids_after_the_built_in_ones() {
        let mut catalogue = (*builtin().unwrap()).clone();
        let id = catalogue
            .define(runtime_rule("ACME001", "acme-menu"))
            .unwrap();
        assert_eq!(id.index(), BUILTIN_RULES);
        assert!(!id.is_builtin());
        assert_eq!(format!("{id:?}"), format!("RuleId({BUILTIN_RULES})"));
        assert_eq!(&*catalogue.rule(id).code, "ACME001");
        assert_eq!(catalogue.find("acme-menu").map(|r| r.id), Some(id));
        // A built-in id still names the same rule.
        assert_eq!(&*catalogue.rule(RuleId::WA201).code, "WA201");
        let clash = catalogue.define(runtime_rule("acme001", "other"));
        assert!(clash.unwrap_err().contains("clashes with ACME001"));
        let clash = catalogue.define(runtime_rule("ACME002", "menu-overloaded"));
        assert!(clash.unwrap_err().contains("clashes with WA201"));
    }

    #[test]
    fn a_security_severity_is_a_cvss_score() {
        let rule = |score: &str| {
            parse_rule(&format!(
                "code: X1\nname: x\nseverity: error\ncategory: general\nsummary: s\nrationale: r\nfix: f\nsecurity_severity: {score}\n"
            ))
        };
        for (written, score) in [("9.0", 9.0), ("7.5", 7.5), ("10", 10.0), ("0.1", 0.1)] {
            assert_eq!(rule(written).unwrap().security_severity, Some(score));
        }
        for wrong in [
            "0.0", "0", "10.1", "11", "-1.0", "7.25", "high", "\"7.5\"", "1e1", "[7]",
        ] {
            let found = rule(wrong).unwrap_err();
            assert!(
                found.contains("above 0.0 and at most 10.0"),
                "{wrong}: {found}"
            );
        }
        let without = parse_rule("code: X1\nname: x\nseverity: error\ncategory: general\nsummary: s\nrationale: r\nfix: f\n");
        assert_eq!(without.unwrap().security_severity, None);
    }

    #[test]
    fn an_example_is_read_with_its_expected_places_and_nothing_unknown() {
        let rule = |example: &str| {
            parse_rule(&format!(
                "code: X1\nname: x\nseverity: error\ncategory: general\nsummary: s\nrationale: r\nfix: f\nexamples:\n  - {{{example}}}\n"
            ))
        };
        let read = rule("kind: failing, files: {a.json: '{}'}, expect: ['a.json:1:1', 'a.json:2']")
            .unwrap();
        assert_eq!(read.examples[0].expect, ["a.json:1:1", "a.json:2"]);
        let read = rule("kind: failing, files: {a.json: '{}'}, expect: a.json:3").unwrap();
        assert_eq!(read.examples[0].expect, ["a.json:3"]);
        for (example, error) in [
            (
                "kind: failing, files: {}, expct: [a.json:1]",
                "unknown field `expct` of an example; did you mean `expect`?",
            ),
            ("kind: faling, files: {}", "did you mean `failing`?"),
            (
                "kind: failing, files: {}, expect: [a.json]",
                "`FILE:LINE:COLUMN` or `FILE:LINE` (promo.json:4:31), not `a.json`",
            ),
            (
                "kind: passing, files: {}, expect: [a.json:1]",
                "a passing example expects no finding",
            ),
            (
                "kind: passing, files: {../a.json: '{}'}",
                "example file `../a.json` must be a path inside the example's folder",
            ),
        ] {
            let found = rule(example).unwrap_err();
            assert!(found.contains(error), "{example}: {found}");
        }
    }

    #[test]
    fn every_required_field_is_required_by_the_reader() {
        for missing in REQUIRED_FIELDS {
            let document: String = REQUIRED_FIELDS
                .iter()
                .filter(|f| *f != missing)
                .map(|f| match *f {
                    "severity" => "severity: error\n".to_string(),
                    "category" => "category: general\n".to_string(),
                    other => format!("{other}: x\n"),
                })
                .collect();
            let error = parse_rule(&document).unwrap_err();
            assert!(
                error.contains(&format!("missing `{missing}`")),
                "{missing}: {error}"
            );
        }
    }

    #[test]
    fn option_types_and_ranges_are_checked() {
        let rule = |option: &str| {
            format!(
                "code: X1\nname: x\nseverity: error\ncategory: general\nsummary: s\nrationale: r\nfix: f\noptions:\n  - {{name: n, description: d, {option}}}\n"
            )
        };
        let parsed = parse_rule(&rule("type: integer, default: 4, min: 1, max: 9")).unwrap();
        assert_eq!(parsed.options[0].kind, OptionType::Integer);
        assert_eq!(
            (
                parsed.options[0].default,
                parsed.options[0].min,
                parsed.options[0].max
            ),
            (4.0, Some(1.0), Some(9.0))
        );
        for (option, error) in [
            ("type: integer, default: 2.5", "a whole number from 0"),
            ("type: integer, default: -1", "a whole number from 0"),
            ("type: number, default: \"2\"", "a finite number"),
            ("type: text, default: 2", "unknown type `text`"),
            ("type: integer, default: 12, max: 10", "out of its range"),
            ("type: number", "has no `default`"),
            ("type: number, default: 1, step: 2", "unknown field `step`"),
        ] {
            let found = parse_rule(&rule(option)).unwrap_err();
            assert!(found.contains(error), "{option}: {found}");
        }
    }
}
