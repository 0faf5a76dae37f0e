//! A team's own controls: a custom rule may evidence a control of rules/controls.yaml (by
//! its id) or one of the team's, defined where a rule file cites it:
//! `controls: [{id: ACME-SUPPORT, title: ..., description: ...}]`. Every rule file of a run
//! may then cite it by id, whichever file defines it; the audit reports list it beside
//! walint's controls.

use crate::catalogue::{Control, RuleError};
use crate::source::{NodeId, Span, Tree, Value};
use crate::suggest::did_you_mean;

/// The keys of a control defined in a rule file.
pub const CONTROL_KEYS: &[&str] = &["id", "title", "description", "source"];

/// The controls a rule file's tree defines, each with where it is written: the mappings of
/// its `controls:` list. A file that is no rule document defines none (reading the rule then
/// says why).
pub fn defined(tree: &Tree) -> Result<Vec<(Control, Span)>, RuleError> {
    let Some(list) = tree
        .documents
        .first()
        .and_then(|&root| tree.get(root, "controls"))
    else {
        return Ok(Vec::new());
    };
    tree.items(list)
        .iter()
        .filter(|&&item| matches!(tree.value(item), Value::Map(_)))
        .map(|&item| Ok((control(tree, item)?, tree.span(item))))
        .collect()
}

fn control(tree: &Tree, item: NodeId) -> Result<Control, RuleError> {
    for entry in tree.entries(item) {
        if !CONTROL_KEYS.contains(&entry.key.as_str()) {
            return Err(RuleError {
                span: entry.key_span,
                message: format!(
                    "unknown key `{}` in a control (one of {}){}",
                    entry.key,
                    CONTROL_KEYS.join(", "),
                    did_you_mean(&entry.key, CONTROL_KEYS.iter().copied())
                ),
            });
        }
    }
    let text = |key: &str, required: bool| -> Result<String, RuleError> {
        match tree.get(item, key) {
            Some(node) => match tree.as_str(node) {
                Some(s) if !s.trim().is_empty() => Ok(s.trim_end().to_string()),
                _ => Err(RuleError {
                    span: tree.span(node),
                    message: format!("a control's `{key}` must be a text"),
                }),
            },
            None if required => Err(RuleError {
                span: tree.span(item),
                message: format!(
                    "a control defined here needs `{key}` (id, title and description; source is optional)"
                ),
            }),
            None => Ok(String::new()),
        }
    };
    let id = text("id", true)?;
    if !is_control_id(&id) {
        let span = tree
            .get(item, "id")
            .map_or(tree.span(item), |n| tree.span(n));
        return Err(RuleError {
            span,
            message: format!(
                "control id `{id}` must be upper-case words of letters and digits joined by `-`, such as ACME-SUPPORT"
            ),
        });
    }
    Ok(Control {
        id,
        title: text("title", true)?,
        description: text("description", true)?,
        source: text("source", false)?,
    })
}

/// `ACME-SUPPORT`, `GDPR-ART7`: upper-case letters and digits, in words joined by `-`, the
/// first beginning with a letter.
fn is_control_id(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_uppercase())
        && id.split('-').all(|word| {
            !word.is_empty()
                && word
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        })
}

/// Where a rule file cites control `id`: the item of its `controls:` list (a string, or the
/// `id` of a mapping), for an unknown control's error.
pub fn cited_at(tree: &Tree, root: NodeId, id: &str) -> Option<Span> {
    let list = tree.get(root, "controls")?;
    tree.items(list).iter().find_map(|&item| {
        let node = match tree.value(item) {
            Value::Map(_) => tree.get(item, "id")?,
            _ => item,
        };
        (tree.as_str(node) == Some(id)).then(|| tree.span(node))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{parse, Format};

    fn read(text: &str) -> Result<Vec<Control>, String> {
        let tree = parse(text, Format::Yaml).unwrap();
        defined(&tree)
            .map(|found| found.into_iter().map(|(c, _)| c).collect())
            .map_err(|e| format!("{}..{}: {}", e.span.start, e.span.end, e.message))
    }

    #[test]
    fn a_mapping_in_controls_defines_a_control_and_a_string_cites_one() {
        let found = read("controls:\n  - WABP-ESCALATION\n  - {id: ACME-SUPPORT, title: Our support promise, description: A person answers within a day.}\n").unwrap();
        assert_eq!(
            found,
            [Control {
                id: "ACME-SUPPORT".into(),
                title: "Our support promise".into(),
                source: String::new(),
                description: "A person answers within a day.".into(),
            }]
        );
        assert!(read("code: X1\n").unwrap().is_empty());
    }

    #[test]
    fn a_bad_control_is_an_error_at_its_key_or_value() {
        let text = "controls:\n  - {id: ACME-SUPPORT, title: T, descripton: D}\n";
        let error = read(text).unwrap_err();
        assert!(
            error.ends_with("unknown key `descripton` in a control (one of id, title, description, source); did you mean `description`?"),
            "{error}"
        );
        let error = read("controls:\n  - {id: ACME-SUPPORT, title: T}\n").unwrap_err();
        assert!(error.contains("needs `description`"), "{error}");
        let error =
            read("controls:\n  - {id: acme support, title: T, description: D}\n").unwrap_err();
        assert!(
            error.starts_with("19..31: control id `acme support` must be"),
            "{error}"
        );
        assert!(is_control_id("GDPR-ART7") && is_control_id("ACME"));
        assert!(!is_control_id("ACME-") && !is_control_id("7UP") && !is_control_id("Acme"));
    }

    #[test]
    fn a_cited_control_is_found_at_its_item() {
        let text = "controls: [WABP-ESCALATION, {id: ACME-SUPPORT, title: T, description: D}]\n";
        let tree = parse(text, Format::Yaml).unwrap();
        let root = tree.documents[0];
        let at = cited_at(&tree, root, "ACME-SUPPORT").unwrap();
        assert_eq!(&text[at.start..at.end], "ACME-SUPPORT");
        let at = cited_at(&tree, root, "WABP-ESCALATION").unwrap();
        assert_eq!(&text[at.start..at.end], "WABP-ESCALATION");
        assert!(cited_at(&tree, root, "NONE").is_none());
    }
}
