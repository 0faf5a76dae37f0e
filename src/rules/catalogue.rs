//! The rule catalogue: one YAML document per rule in `rules/`, embedded at build time.

use std::sync::LazyLock;

use crate::diagnostic::Severity;
use crate::model::reader::{AtNode, Reader};
use crate::source::{parse, Format, NodeId, Tree, Value};

include!(concat!(env!("OUT_DIR"), "/catalogue.rs"));

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionDoc {
    pub name: String,
    pub default: String,
    pub description: String,
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
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleDoc {
    pub code: String,
    pub name: String,
    pub severity: Severity,
    pub category: String,
    pub summary: String,
    pub rationale: String,
    pub fix: String,
    pub sources: Vec<String>,
    pub controls: Vec<String>,
    pub options: Vec<OptionDoc>,
    pub examples: Vec<Example>,
}

pub const CATEGORIES: &[&str] = &[
    "general",
    "template",
    "conversation-flow",
    "whatsapp-flow",
    "webhook",
    "campaign",
];

const FIELDS: &[&str] = &[
    "code",
    "name",
    "severity",
    "category",
    "summary",
    "rationale",
    "fix",
    "sources",
    "controls",
    "options",
    "examples",
];

/// A policy clause or practice that rules evidence (`rules/controls.yaml`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Control {
    pub id: String,
    pub title: String,
    pub source: String,
}

const CONTROLS: &str = include_str!("../../rules/controls.yaml");

#[derive(Debug)]
pub struct Catalogue {
    pub rules: Vec<RuleDoc>,
    pub controls: Vec<Control>,
}

static CATALOGUE: LazyLock<Result<Catalogue, String>> =
    LazyLock::new(|| Catalogue::from_documents(RULE_DOCUMENTS, CONTROLS));

/// The embedded catalogue, or why it is broken (which the catalogue test rules out).
pub fn catalogue() -> Result<&'static Catalogue, String> {
    CATALOGUE.as_ref().map_err(Clone::clone)
}

impl Catalogue {
    pub fn from_documents(documents: &[(&str, &str)], controls: &str) -> Result<Catalogue, String> {
        let mut rules = documents
            .iter()
            .map(|(file, text)| parse_rule(text).map_err(|e| format!("rules/{file}: {e}")))
            .collect::<Result<Vec<_>, _>>()?;
        rules.sort_by(|a, b| a.code.cmp(&b.code));
        let controls = parse_controls(controls).map_err(|e| format!("rules/controls.yaml: {e}"))?;
        for rule in &rules {
            if let Some(unknown) = rule
                .controls
                .iter()
                .find(|c| !controls.iter().any(|k| &k.id == *c))
            {
                return Err(format!(
                    "rules/{}.yaml: unknown control `{unknown}`",
                    rule.code
                ));
            }
        }
        Ok(Catalogue { rules, controls })
    }

    /// A rule by code (`WA201`) or name (`menu-overloaded`), case-insensitively.
    pub fn find(&self, code_or_name: &str) -> Option<&RuleDoc> {
        self.rules.iter().find(|r| {
            r.code.eq_ignore_ascii_case(code_or_name) || r.name.eq_ignore_ascii_case(code_or_name)
        })
    }
}

fn parse_rule(text: &str) -> Result<RuleDoc, String> {
    let tree = parse(text, Format::Yaml).map_err(|e| e.message)?;
    let root = *tree.documents.first().ok_or("empty document")?;
    let mut r = Reader::new(&tree);
    for entry in tree.entries(root) {
        if !FIELDS.contains(&entry.key.as_str()) {
            return Err(format!("unknown field `{}`", entry.key));
        }
    }
    let text_field = |r: &mut Reader, key: &str| -> Result<String, String> {
        r.required_string(root, key, "rule")
            .map(|s| s.value.trim_end().to_string())
            .ok_or_else(|| format!("missing or invalid `{key}`"))
    };
    let code = text_field(&mut r, "code")?;
    let name = text_field(&mut r, "name")?;
    let severity = text_field(&mut r, "severity")?;
    let severity = Severity::parse(&severity).ok_or(format!("bad severity `{severity}`"))?;
    let category = text_field(&mut r, "category")?;
    if !CATEGORIES.contains(&category.as_str()) {
        return Err(format!("unknown category `{category}`"));
    }
    let summary = text_field(&mut r, "summary")?;
    let rationale = text_field(&mut r, "rationale")?;
    let fix = text_field(&mut r, "fix")?;
    let strings = |r: &mut Reader, key: &str| -> Vec<String> {
        r.strings(root, key)
            .unwrap_or_default()
            .into_iter()
            .map(|s: AtNode<String>| s.value)
            .collect()
    };
    let sources = strings(&mut r, "sources");
    let controls = strings(&mut r, "controls");
    let options = tree
        .get(root, "options")
        .map(|list| read_options(&tree, list))
        .transpose()?
        .unwrap_or_default();
    let examples = tree
        .get(root, "examples")
        .map(|list| read_examples(&tree, list))
        .transpose()?
        .unwrap_or_default();
    if let Some(problem) = r.problems.first() {
        return Err(problem.message.clone());
    }
    Ok(RuleDoc {
        code,
        name,
        severity,
        category,
        summary,
        rationale,
        fix,
        sources,
        controls,
        options,
        examples,
    })
}

fn parse_controls(document: &str) -> Result<Vec<Control>, String> {
    let tree = parse(document, Format::Yaml).map_err(|e| e.message)?;
    let root = *tree.documents.first().ok_or("empty document")?;
    let list = tree.get(root, "controls").ok_or("no `controls` list")?;
    tree.items(list)
        .iter()
        .map(|&item| {
            Ok(Control {
                id: text(&tree, item, "id")?,
                title: text(&tree, item, "title")?,
                source: text(&tree, item, "source")?,
            })
        })
        .collect()
}

fn text(tree: &Tree, map: NodeId, key: &str) -> Result<String, String> {
    match tree.get(map, key).map(|n| tree.value(n)) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(n.clone()),
        _ => Err(format!("`{key}` must be a string")),
    }
}

fn read_options(tree: &Tree, list: NodeId) -> Result<Vec<OptionDoc>, String> {
    tree.items(list)
        .iter()
        .map(|&item| {
            Ok(OptionDoc {
                name: text(tree, item, "name")?,
                default: text(tree, item, "default")?,
                description: text(tree, item, "description")?,
            })
        })
        .collect()
}

fn read_examples(tree: &Tree, list: NodeId) -> Result<Vec<Example>, String> {
    tree.items(list)
        .iter()
        .map(|&item| {
            let kind = match text(tree, item, "kind")?.as_str() {
                "failing" => ExampleKind::Failing,
                "passing" => ExampleKind::Passing,
                other => return Err(format!("example kind `{other}`")),
            };
            let files_node = tree.get(item, "files").ok_or("example without `files`")?;
            let files = tree
                .entries(files_node)
                .iter()
                .map(|e| Ok((e.key.clone(), text(tree, files_node, &e.key)?)))
                .collect::<Result<Vec<_>, String>>()?;
            Ok(Example {
                kind,
                description: text(tree, item, "description").unwrap_or_default(),
                files,
            })
        })
        .collect()
}
