//! From findings to diagnostics: where an [`At`] is (byte span, line and column, JSON
//! pointer), the severity the config gives it, the rule's code and name, its fingerprint.

use crate::catalogue::Catalogue;
use crate::config::Config;
use crate::diagnostic::fingerprint::fingerprint;
use crate::diagnostic::{At, Diagnostic, Edit, FileFinding, FileId, Finding, RelatedLocation};

use super::edits::{resolve_fix, write_edit};
use crate::model::Embedded;
use crate::source::{self, Span, Tree};
use crate::workspace::{Locations, SourceFile};

/// What locates a file's nodes: its tree while the file is checked (with the text it was
/// parsed from, as written: a place inside a string is found in it), afterwards the
/// locations its exports kept.
#[derive(Clone, Copy)]
pub(super) enum Nodes<'a> {
    Tree(&'a Tree, &'a str),
    Kept(&'a Locations),
    None,
}

/// A key's span, or an empty span at the start of a node without a key.
fn key_or_start(key: Option<Span>, node: Span) -> Span {
    key.unwrap_or(Span::new(node.start, node.start))
}

/// Byte span of a location in `text`, parsed as `tree`.
fn span_in_tree(text: &str, tree: &Tree, at: At) -> Span {
    match at {
        At::Node(node) => tree.span(node),
        At::Key(node) => key_or_start(tree.key_span(node), tree.span(node)),
        At::InString(node, start, end) => source::locate_in_string(text, tree, node, start..end),
        At::InNested(node, written, start, end) => {
            source::locate_nested(text, tree, node, written, start..end)
        }
        At::InFile(_, span) | At::Raw(span) => span,
    }
}

/// Byte span and JSON pointer of a location.
pub(super) fn locate(nodes: Nodes, at: At) -> (Span, String) {
    match (nodes, at) {
        (_, At::Raw(span)) => (span, String::new()),
        (
            Nodes::Tree(tree, text),
            At::Node(node)
            | At::Key(node)
            | At::InFile(node, _)
            | At::InString(node, ..)
            | At::InNested(node, ..),
        ) => (span_in_tree(text, tree, at), tree.pointer(node)),
        (
            Nodes::Kept(kept),
            At::Node(node)
            | At::Key(node)
            | At::InFile(node, _)
            | At::InString(node, ..)
            | At::InNested(node, ..),
        ) => {
            let location = kept.get(node);
            debug_assert!(
                location.is_some(),
                "a workspace rule points at node {node}, which no export holds"
            );
            let Some(location) = location else {
                return (Span::default(), String::new());
            };
            let span = match at {
                At::Key(_) => key_or_start(location.key_span, location.span),
                At::InFile(_, span) => span,
                // Inside a string only the tree can tell; no workspace rule points there.
                _ => location.span,
            };
            (span, location.pointer)
        }
        (Nodes::None, At::InFile(_, span)) => (span, String::new()),
        (Nodes::None, _) => (Span::default(), String::new()),
    }
}

/// A finding of a document written inside a string of the file, as a finding of the file:
/// each location in the document's tree becomes bytes of the string's value (which the
/// resolving maps to the characters as written), and the message starts with the field the
/// document is written under (`flow_json: ...`).
pub(super) fn from_embedded(
    file_tree: &Tree,
    embedded: &Embedded,
    file: FileId,
    mut finding: Finding,
) -> Finding {
    let text = file_tree.as_str(embedded.origin).unwrap_or("");
    let into_string = |at: At| {
        let span = span_in_tree(text, &embedded.tree, at);
        At::InString(embedded.origin, span.start, span.end)
    };
    finding.at = into_string(finding.at);
    // An edit of the embedded document is written as that document is (escaped for its
    // strings), then written into the file's string (escaped again for it).
    finding.fix = finding.fix.take().and_then(|mut fix| {
        let edits = fix
            .edits
            .iter()
            .map(|edit| {
                let inner = write_edit(text, &embedded.tree, edit)?;
                Some(Edit::Replace {
                    at: At::InString(embedded.origin, inner.span.start, inner.span.end),
                    text: inner.text,
                })
            })
            .collect::<Option<Vec<Edit>>>()?;
        fix.edits = edits;
        Some(fix)
    });
    finding.message = format!("{}: {}", embedded.field, finding.message);
    for related in finding.related.iter_mut().filter(|r| r.file == file) {
        related.at = into_string(related.at);
    }
    finding
}

/// Resolves a finding to a diagnostic; `files` gives a file by id with what locates its
/// nodes. `None` only for a finding in a file `files` does not know.
pub(super) fn resolve<'a>(
    files: impl Fn(FileId) -> Option<(&'a SourceFile, Nodes<'a>)>,
    config: &Config,
    catalogue: &Catalogue,
    found: FileFinding,
) -> Option<Diagnostic> {
    let FileFinding { file: id, finding } = found;
    let (file, nodes) = files(id)?;
    let doc = catalogue.rule(finding.rule);
    let (span, pointer) = locate(nodes, finding.at);
    let fix = finding.fix.and_then(|fix| {
        let write = |edit: &Edit| match (nodes, edit) {
            (Nodes::Tree(tree, text), edit) => write_edit(text, tree, edit),
            // Without the tree only byte ranges can be written.
            (
                _,
                Edit::Replace {
                    at: At::Raw(span) | At::InFile(_, span),
                    text,
                },
            ) => Some(crate::diagnostic::TextEdit {
                span: *span,
                text: text.clone(),
            }),
            _ => None,
        };
        resolve_fix(fix, write, &file.secrets, &file.redaction)
    });
    let severity = config
        .severity_for(finding.rule, &file.config_path, &pointer)
        .or(finding.severity)
        .unwrap_or(doc.severity);
    let start = file.lines.position(&file.text, span.start);
    let end = file.lines.position(&file.text, span.end);
    // The file's text is masked: the fingerprint is of the redacted form, as is every word
    // of the diagnostic (a key in the pointer, a value in the message).
    let offending = file.text.get(span.start..span.end).unwrap_or("");
    let scrub = |text: &mut String| file.redaction.scrub_in_place(text);
    let mut pointer = pointer;
    scrub(&mut pointer);
    let mut message = finding.message;
    scrub(&mut message);
    let mut help = finding.help;
    if let Some(help) = &mut help {
        scrub(help);
    }
    let related = finding
        .related
        .iter()
        .filter_map(|related| {
            let (other, nodes) = files(related.file)?;
            let (span, _) = locate(nodes, related.at);
            let start = other.lines.position(&other.text, span.start);
            let end = other.lines.position(&other.text, span.end);
            Some(RelatedLocation {
                file: other.path.clone(),
                file_id: related.file,
                span,
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                message: {
                    let mut message = related.message.clone();
                    file.redaction.scrub_in_place(&mut message);
                    other.redaction.scrub_in_place(&mut message);
                    message
                },
            })
        })
        .collect();
    Some(Diagnostic {
        rule: finding.rule,
        code: doc.code.clone(),
        name: doc.name.clone(),
        severity,
        fingerprint: fingerprint(&doc.code, &file.path, &pointer, offending),
        message,
        help,
        file: file.path.clone(),
        file_id: id,
        span,
        start,
        end,
        pointer,
        related,
        suppressed: None,
        fix: fix.map(Box::new),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model;
    use crate::source::{parse, Format};
    use crate::workspace::Export;

    const TEXT: &str = "campaign: sale\ntemplate: {name: promo, language: en_US}\n";

    #[test]
    fn kept_locations_resolve_as_the_tree_does() {
        let tree = parse(TEXT, Format::Yaml).unwrap();
        let contents = model::read(&tree);
        let exports = crate::rules::export(
            &tree,
            &contents.documents,
            &crate::config::Config::default(),
        );
        let Some(Export::Campaign(campaign)) = exports.documents.first() else {
            panic!("{:?}", exports.documents);
        };
        let name = campaign.name.as_ref().unwrap().node;
        let language = campaign.template.as_ref().unwrap().language.node;
        let kept = Nodes::Kept(&exports.locations);
        for at in [
            At::Node(name),
            At::Key(name),
            At::Key(campaign.node),
            At::Node(language),
            At::InFile(language, Span::new(3, 5)),
        ] {
            assert_eq!(
                locate(kept, at),
                locate(Nodes::Tree(&tree, TEXT), at),
                "{at:?}"
            );
        }
        let (span, pointer) = locate(kept, At::Key(name));
        assert_eq!(&TEXT[span.start..span.end], "campaign");
        assert_eq!(pointer, "/campaign");
    }

    #[test]
    fn without_nodes_only_byte_ranges_locate() {
        let span = Span::new(2, 4);
        assert_eq!(locate(Nodes::None, At::Raw(span)), (span, String::new()));
        assert_eq!(
            locate(Nodes::None, At::InFile(0, span)),
            (span, String::new())
        );
        assert_eq!(
            locate(Nodes::None, At::Node(0)),
            (Span::default(), String::new())
        );
    }
}
