//! The pipeline: load each file, run the rules, resolve findings into sorted diagnostics.

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::diagnostic::{At, Diagnostic, FileFinding, Finding, RelatedLocation};
use crate::discover::Candidate;
use crate::model;
use crate::rules::catalogue::Catalogue;
use crate::rules::{Check, DocumentContext, FileContext, REGISTRY};
use crate::source::{self, Format, Span, MAX_FILE_BYTES};
use crate::workspace::{SourceFile, Workspace};

pub const PARSE_ERROR: &str = "WA001";

/// Text that marks a file as meant for walint, so a parse error in it is worth reporting.
const MARKERS: [&str; 8] = [
    "\"components\"",
    "components:",
    "\"screens\"",
    "screens:",
    "webhooks:",
    "nodes:",
    "campaign:",
    "override_callback_uri",
];

/// `--select` / `--ignore`: rule codes or prefixes (`WA2`, `WA201`).
#[derive(Clone, Debug, Default)]
pub struct Selection {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

impl Selection {
    pub fn allows(&self, code: &str) -> bool {
        let matches = |p: &String| code.starts_with(&p.to_ascii_uppercase());
        (self.select.is_empty() || self.select.iter().any(matches))
            && !self.ignore.iter().any(matches)
    }
}

pub struct Outcome {
    pub workspace: Workspace,
    pub diagnostics: Vec<Diagnostic>,
}

fn has_marker(text: &str) -> bool {
    MARKERS.iter().any(|m| text.contains(m))
}

/// Reads and parses one file; returns it with its WA001/WA002 findings.
fn load(candidate: &Candidate) -> Option<(SourceFile, Vec<Finding>)> {
    let shown = candidate.shown.clone();
    let unreadable = |message: String| {
        Some((
            SourceFile::empty(shown.clone(), candidate.config_path.clone()),
            vec![Finding::new(PARSE_ERROR, At::Raw(Span::default()), message)],
        ))
    };
    let format = Format::from_path(&shown).unwrap_or(Format::Yaml);
    let size = match std::fs::metadata(&candidate.path) {
        Ok(metadata) => metadata.len(),
        Err(error) => return unreadable(format!("cannot read file: {error}")),
    };
    let bytes = match std::fs::read(&candidate.path) {
        Ok(bytes) => bytes,
        Err(error) => return unreadable(format!("cannot read file: {error}")),
    };
    if size > MAX_FILE_BYTES {
        let marked = has_marker(&String::from_utf8_lossy(&bytes));
        return if candidate.explicit || marked {
            unreadable(format!(
                "file is {:.1} MiB; walint reads files up to {} MiB",
                size as f64 / 1_048_576.0,
                MAX_FILE_BYTES / 1_048_576
            ))
        } else {
            None
        };
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let marked = has_marker(&String::from_utf8_lossy(error.as_bytes()));
            return if candidate.explicit || marked {
                unreadable(format!(
                    "not UTF-8 text (invalid byte at offset {})",
                    error.utf8_error().valid_up_to()
                ))
            } else {
                None
            };
        }
    };
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    if text.trim().is_empty() {
        return None;
    }
    let lines = source::LineIndex::new(&text);
    let mut file = SourceFile {
        path: shown,
        config_path: candidate.config_path.clone(),
        lines,
        tree: None,
        contents: model::Contents::default(),
        secrets: Vec::new(),
        text,
    };
    match source::parse(&file.text, format) {
        Err(failure) => {
            if !(candidate.explicit || has_marker(&file.text)) {
                return None;
            }
            let finding = Finding::new(PARSE_ERROR, At::Raw(failure.span), failure.message);
            Some((file, vec![finding]))
        }
        Ok(tree) => {
            let contents = model::read(&tree);
            if contents.documents.is_empty() {
                return None;
            }
            let mut findings = contents.problems.clone();
            for duplicate in &tree.duplicate_keys {
                let first = file.lines.position(&file.text, duplicate.first.start);
                findings.push(
                    Finding::new(
                        model::reader::SCHEMA_VIOLATION,
                        At::Text(duplicate.map, duplicate.second),
                        format!(
                            "duplicate key `{}`: already defined at line {}, column {}; walint reads the first one",
                            duplicate.key, first.line, first.column
                        ),
                    )
                    .help("remove or rename one of the two keys"),
                );
            }
            file.tree = Some(tree);
            file.contents = contents;
            Some((file, findings))
        }
    }
}

pub fn lint(
    candidates: &[Candidate],
    config: &Config,
    selection: &Selection,
    catalogue: &'static Catalogue,
) -> Outcome {
    let enabled =
        |code: &str| selection.allows(code) && !config.rules.get(code).is_some_and(|r| r.off);
    let loaded: Vec<(SourceFile, Vec<Finding>)> =
        candidates.par_iter().filter_map(load).collect::<Vec<_>>();
    let document_checks: Vec<_> = REGISTRY
        .iter()
        .filter(|rule| enabled(rule.code))
        .filter_map(|rule| match rule.check {
            Check::Document(check) => Some(check),
            _ => None,
        })
        .collect();
    // Every file check runs, enabled or not: see `Check::File`.
    let file_checks: Vec<_> = REGISTRY
        .iter()
        .filter_map(|rule| match rule.check {
            Check::File(check) => Some(check),
            _ => None,
        })
        .collect();
    let mut findings: Vec<FileFinding> = loaded
        .par_iter()
        .enumerate()
        .flat_map_iter(|(index, (file, loader_findings))| {
            let mut out = loader_findings.clone();
            if let Some(tree) = &file.tree {
                let ctx = FileContext {
                    file: index,
                    tree,
                    config,
                    documents: &file.contents.documents,
                };
                for check in &file_checks {
                    check(&ctx, &mut out);
                }
                for document in &file.contents.documents {
                    let ctx = DocumentContext {
                        file: index,
                        tree,
                        config,
                        document,
                    };
                    for check in &document_checks {
                        check(&ctx, &mut out);
                    }
                }
            }
            out.into_iter().map(move |finding| FileFinding {
                file: index,
                finding,
            })
        })
        .collect();
    let mut files: Vec<SourceFile> = loaded.into_iter().map(|(file, _)| file).collect();
    // Secrets are masked before any rule or report sees the files again.
    for found in findings.iter().filter(|f| f.finding.sensitive) {
        if let Some(file) = files.get_mut(found.file) {
            let (span, _) = locate(file, found.finding.at);
            file.secrets.push(span);
        }
    }
    let workspace = Workspace::new(files);
    for rule in REGISTRY.iter().filter(|rule| enabled(rule.code)) {
        if let Check::Workspace(check) = rule.check {
            check(&workspace, config, &mut findings);
        }
    }
    let mut diagnostics: Vec<Diagnostic> = findings
        .into_iter()
        .filter(|f| selection.allows(f.finding.code))
        .filter_map(|f| resolve(&workspace, config, catalogue, f))
        .collect();
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup_by(|a, b| a.sort_key() == b.sort_key() && a.end == b.end);
    Outcome {
        workspace,
        diagnostics,
    }
}

/// Byte span and JSON pointer of a location.
fn locate(file: &SourceFile, at: At) -> (Span, String) {
    let Some(tree) = &file.tree else {
        let span = match at {
            At::Raw(span) | At::Text(_, span) => span,
            _ => Span::default(),
        };
        return (span, String::new());
    };
    match at {
        At::Node(node) => (tree.span(node), tree.pointer(node)),
        At::Key(node) => (
            tree.key_span(node).unwrap_or_else(|| {
                let span = tree.span(node);
                Span::new(span.start, span.start)
            }),
            tree.pointer(node),
        ),
        At::Text(node, span) => (span, tree.pointer(node)),
        At::Within(node, start, end) => (
            source::locate_in_string(&file.text, tree, node, start..end),
            tree.pointer(node),
        ),
        At::Raw(span) => (span, String::new()),
    }
}

fn resolve(
    workspace: &Workspace,
    config: &Config,
    catalogue: &'static Catalogue,
    found: FileFinding,
) -> Option<Diagnostic> {
    let FileFinding {
        file: index,
        finding,
    } = found;
    let file = workspace.files.get(index)?;
    let doc = catalogue.find(finding.code)?;
    let (span, pointer) = locate(file, finding.at);
    let setting = config.setting_for(finding.code, &file.config_path, &pointer);
    if setting.is_some_and(|s| s.off) {
        return None;
    }
    let severity = setting
        .and_then(|s| s.severity)
        .or(finding.severity)
        .unwrap_or(doc.severity);
    let start = file.lines.position(&file.text, span.start);
    let end = file.lines.position(&file.text, span.end);
    let offending = file.text.get(span.start..span.end).unwrap_or("");
    let related = finding
        .related
        .iter()
        .filter_map(|related| {
            let other = workspace.files.get(related.file)?;
            let (span, _) = locate(other, related.at);
            let start = other.lines.position(&other.text, span.start);
            let end = other.lines.position(&other.text, span.end);
            Some(RelatedLocation {
                file: other.path.clone(),
                file_index: related.file,
                span,
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                message: related.message.clone(),
            })
        })
        .collect();
    Some(Diagnostic {
        code: finding.code,
        name: static_name(doc),
        severity,
        fingerprint: fingerprint(finding.code, &file.path, &pointer, offending),
        message: finding.message,
        help: finding.help,
        file: file.path.clone(),
        file_index: index,
        span,
        start,
        end,
        pointer,
        related,
    })
}

fn static_name(doc: &'static crate::rules::catalogue::RuleDoc) -> &'static str {
    doc.name.as_str()
}

/// Stable when lines move: rule, file, pointer and the offending text, never positions.
fn fingerprint(code: &str, path: &str, pointer: &str, offending: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [code, path, pointer, offending] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hasher
        .finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}
