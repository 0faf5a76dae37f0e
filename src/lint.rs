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
use crate::suppress::{self, InlineIgnore, SUPPRESSION_INVALID};
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

/// Standard input, linted as if it were the file `candidate` (`check - --stdin-filename`).
#[derive(Clone, Debug)]
pub struct StdinFile {
    pub candidate: Candidate,
    pub bytes: Vec<u8>,
}

/// How a run treats its input beyond the config.
#[derive(Clone, Debug)]
pub struct LintOptions {
    pub selection: Selection,
    /// Honour `# walint-ignore` comments; off for an audit run (`--no-inline-ignores`).
    pub inline_ignores: bool,
    /// Replaces (or adds) the file of the same name.
    pub stdin: Option<StdinFile>,
}

impl Default for LintOptions {
    fn default() -> Self {
        LintOptions {
            selection: Selection::default(),
            inline_ignores: true,
            stdin: None,
        }
    }
}

pub struct Outcome {
    pub workspace: Workspace,
    /// Every finding, sorted; suppressed ones carry their suppression.
    pub diagnostics: Vec<Diagnostic>,
    /// Codes of the rules that ran, in catalogue order.
    pub enabled: Vec<&'static str>,
    /// The config file, when there is one; diagnostics in it (WA005 about an override) have
    /// `file_index == workspace.files.len()`.
    pub config_file: Option<SourceFile>,
}

impl Outcome {
    /// A file of the run by a diagnostic's `file_index`, the config file included.
    pub fn source(&self, index: usize) -> Option<&SourceFile> {
        self.workspace.files.get(index).or_else(|| {
            (index == self.workspace.files.len())
                .then_some(self.config_file.as_ref())
                .flatten()
        })
    }
}

fn has_marker(text: &str) -> bool {
    MARKERS.iter().any(|m| text.contains(m))
}

/// A loaded file with its WA001/WA002 findings and its suppression comments.
type Loaded = (SourceFile, Vec<Finding>, Vec<InlineIgnore>);

/// Reads (unless `given`) and parses one file.
fn load(
    candidate: &Candidate,
    given: Option<&[u8]>,
    options: &LintOptions,
    catalogue: &'static Catalogue,
) -> Option<Loaded> {
    let shown = candidate.shown.clone();
    let unreadable = |message: String| {
        Some((
            SourceFile::empty(shown.clone(), candidate.config_path.clone()),
            vec![Finding::new(PARSE_ERROR, At::Raw(Span::default()), message)],
            Vec::new(),
        ))
    };
    let format = Format::from_path(&shown).unwrap_or(Format::Yaml);
    let bytes = match given {
        Some(bytes) => bytes.to_vec(),
        None => match std::fs::read(&candidate.path) {
            Ok(bytes) => bytes,
            Err(error) => return unreadable(format!("cannot read file: {error}")),
        },
    };
    let size = bytes.len() as u64;
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
    let sha256 = hex(&Sha256::digest(&bytes));
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
        sha256,
    };
    let ignores = |file: &SourceFile| {
        if options.inline_ignores && format == Format::Yaml {
            suppress::inline_ignores(&file.text, file.tree.as_ref(), &file.lines, catalogue)
        } else {
            Vec::new()
        }
    };
    match source::parse(&file.text, format) {
        Err(failure) => {
            if !(candidate.explicit || has_marker(&file.text)) {
                return None;
            }
            let finding = Finding::new(PARSE_ERROR, At::Raw(failure.span), failure.message);
            let ignores = ignores(&file);
            Some((file, vec![finding], ignores))
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
            let ignores = ignores(&file);
            Some((file, findings, ignores))
        }
    }
}

/// Lints `candidates` with inline suppressions honoured and no standard input.
pub fn lint(
    candidates: &[Candidate],
    config: &Config,
    selection: &Selection,
    catalogue: &'static Catalogue,
) -> Outcome {
    let options = LintOptions {
        selection: selection.clone(),
        ..LintOptions::default()
    };
    lint_with(candidates, config, &options, catalogue)
}

/// The whole pipeline: load, check, resolve, suppress, sort.
pub fn lint_with(
    candidates: &[Candidate],
    config: &Config,
    options: &LintOptions,
    catalogue: &'static Catalogue,
) -> Outcome {
    let selection = &options.selection;
    let enabled =
        |code: &str| selection.allows(code) && !config.rules.get(code).is_some_and(|r| r.off);
    let mut inputs: Vec<(&Candidate, Option<&[u8]>)> = candidates
        .iter()
        .filter(|c| {
            options
                .stdin
                .as_ref()
                .is_none_or(|s| s.candidate.shown != c.shown)
        })
        .map(|c| (c, None))
        .collect();
    if let Some(stdin) = &options.stdin {
        inputs.push((&stdin.candidate, Some(stdin.bytes.as_slice())));
        inputs.sort_by(|a, b| a.0.shown.cmp(&b.0.shown));
    }
    let loaded: Vec<Loaded> = inputs
        .par_iter()
        .filter_map(|(candidate, given)| load(candidate, *given, options, catalogue))
        .collect::<Vec<_>>();
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
        .flat_map_iter(|(index, (file, loader_findings, _))| {
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
    let (mut files, ignores): (Vec<SourceFile>, Vec<Vec<InlineIgnore>>) = loaded
        .into_iter()
        .map(|(file, _, ignores)| (file, ignores))
        .unzip();
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

    let applied = suppress::apply(
        &mut diagnostics,
        &workspace.files,
        &ignores,
        config,
        &enabled,
    );
    let config_file = config.path.as_ref().map(|_| {
        let text = config.text.clone();
        SourceFile {
            path: config.shown.clone(),
            config_path: String::new(),
            lines: source::LineIndex::new(&text),
            tree: None,
            contents: model::Contents::default(),
            sha256: hex(&Sha256::digest(text.as_bytes())),
            secrets: Vec::new(),
            text,
        }
    });
    if enabled(SUPPRESSION_INVALID) {
        for found in applied.findings {
            if let Some(mut diagnostic) = resolve(&workspace, config, catalogue, found) {
                if let Some(source) = workspace.files.get(diagnostic.file_index) {
                    diagnostic.suppressed = suppress::external(config, source, &diagnostic);
                }
                diagnostics.push(diagnostic);
            }
        }
        if let (Some(file), Some(doc)) = (&config_file, catalogue.find(SUPPRESSION_INVALID)) {
            let severity = config
                .severity_for(SUPPRESSION_INVALID, "", "")
                .unwrap_or(doc.severity);
            for problem in applied.config_diagnostics {
                let start = file.lines.position(&file.text, problem.span.start);
                let end = file.lines.position(&file.text, problem.span.end);
                let offending = file
                    .text
                    .get(problem.span.start..problem.span.end)
                    .unwrap_or("");
                diagnostics.push(Diagnostic {
                    code: static_code(doc),
                    name: static_name(doc),
                    severity,
                    fingerprint: fingerprint(SUPPRESSION_INVALID, &file.path, "", offending),
                    message: problem.message,
                    help: Some(problem.help),
                    file: file.path.clone(),
                    file_index: workspace.files.len(),
                    span: problem.span,
                    start,
                    end,
                    pointer: String::new(),
                    related: Vec::new(),
                    suppressed: None,
                });
            }
        }
        diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
    let enabled_codes = catalogue
        .rules
        .iter()
        .map(|r| static_code(r))
        .filter(|code| enabled(code))
        .collect();
    Outcome {
        workspace,
        diagnostics,
        enabled: enabled_codes,
        config_file,
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
    let severity = config
        .severity_for(finding.code, &file.config_path, &pointer)
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
        suppressed: None,
    })
}

fn static_name(doc: &'static crate::rules::catalogue::RuleDoc) -> &'static str {
    doc.name.as_str()
}

fn static_code(doc: &'static crate::rules::catalogue::RuleDoc) -> &'static str {
    doc.code.as_str()
}

/// Stable when lines move: rule, file, pointer and the offending text, never positions.
pub fn fingerprint(code: &str, path: &str, pointer: &str, offending: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [code, path, pointer, offending] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hex(&hasher.finalize()[..8])
}

/// Lowercase hexadecimal of some bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
