//! The pipeline: load each file, run the rules, resolve findings into sorted diagnostics.

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::diagnostic::{At, Diagnostic, FileFinding, Finding, RelatedLocation};
use crate::discover::Candidate;
use crate::model::{self, Document};
use crate::rules::catalogue::Catalogue;
use crate::rules::{
    self, Check, DocumentCheck, DocumentContext, FileCheck, FileContext, WorkspaceCheck, REGISTRY,
};
use crate::source::{self, Format, Span, Tree, MAX_FILE_BYTES};
use crate::suppress::{self, InlineIgnore, SUPPRESSION_INVALID};
use crate::workspace::{Exports, Locations, SourceFile, Workspace};

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
    /// The files checked; only those a diagnostic points into keep their text.
    pub files: Vec<SourceFile>,
    /// Every finding, sorted; suppressed ones carry their suppression.
    pub diagnostics: Vec<Diagnostic>,
    /// Codes of the rules that ran, in catalogue order.
    pub enabled: Vec<&'static str>,
    /// The config file, when there is one; diagnostics in it (WA005 about an override) have
    /// `file_index == files.len()`.
    pub config_file: Option<SourceFile>,
    /// Files found but left out, with the reason, in path order.
    pub skipped: Vec<(String, Skipped)>,
}

impl Outcome {
    /// A file of the run by a diagnostic's `file_index`, the config file included.
    pub fn source(&self, index: usize) -> Option<&SourceFile> {
        self.files.get(index).or_else(|| {
            (index == self.files.len())
                .then_some(self.config_file.as_ref())
                .flatten()
        })
    }
}

/// Why a file was left out of the run (shown with `--verbose`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Skipped {
    /// Over the size limit, with no walint marker and not named on the command line.
    TooLarge,
    /// Not UTF-8, with no walint marker and not named on the command line.
    NotText,
    Empty,
    /// Does not parse, with no walint marker and not named on the command line.
    Unparsable,
    /// Parses, but holds nothing walint recognises.
    NotRecognised,
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Skipped::TooLarge => "larger than 5 MiB and not a walint file",
            Skipped::NotText => "not UTF-8 text and not a walint file",
            Skipped::Empty => "empty",
            Skipped::Unparsable => "does not parse and carries no walint marker",
            Skipped::NotRecognised => "not a kind walint recognises",
        })
    }
}

fn has_marker(text: &str) -> bool {
    MARKERS.iter().any(|m| text.contains(m))
}

/// A file as read: its tree and documents (none if it did not parse), its WA001/WA002
/// findings and its suppression comments.
struct Loaded {
    file: SourceFile,
    tree: Option<Tree>,
    contents: model::Contents,
    findings: Vec<Finding>,
    ignores: Vec<InlineIgnore>,
}

/// Reads (unless `given`) and parses one file.
fn load(
    candidate: &Candidate,
    given: Option<&[u8]>,
    options: &LintOptions,
    catalogue: &'static Catalogue,
) -> Result<Loaded, Skipped> {
    let shown = candidate.shown.clone();
    let unreadable = |message: String| {
        Ok(Loaded {
            file: SourceFile::empty(shown.clone(), candidate.config_path.clone()),
            tree: None,
            contents: model::Contents::default(),
            findings: vec![Finding::new(PARSE_ERROR, At::Raw(Span::default()), message)],
            ignores: Vec::new(),
        })
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
            Err(Skipped::TooLarge)
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
                Err(Skipped::NotText)
            };
        }
    };
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    if text.trim().is_empty() {
        return Err(Skipped::Empty);
    }
    let lines = source::LineIndex::new(&text);
    let file = SourceFile {
        path: shown,
        config_path: candidate.config_path.clone(),
        lines,
        kinds: Vec::new(),
        secrets: Vec::new(),
        text,
        sha256,
    };
    let ignores = |file: &SourceFile, tree: Option<&Tree>| {
        if options.inline_ignores && format == Format::Yaml {
            suppress::inline_ignores(&file.text, tree, &file.lines, catalogue)
        } else {
            Vec::new()
        }
    };
    match source::parse(&file.text, format) {
        Err(failure) => {
            if !(candidate.explicit || has_marker(&file.text)) {
                return Err(Skipped::Unparsable);
            }
            let finding = Finding::new(PARSE_ERROR, At::Raw(failure.span), failure.message);
            let ignores = ignores(&file, None);
            Ok(Loaded {
                file,
                tree: None,
                contents: model::Contents::default(),
                findings: vec![finding],
                ignores,
            })
        }
        Ok(tree) => {
            let contents = model::read(&tree);
            if contents.documents.is_empty() {
                return Err(Skipped::NotRecognised);
            }
            let mut findings = contents.problems.clone();
            for duplicate in &tree.duplicate_keys {
                let first = file.lines.position(&file.text, duplicate.first.start);
                findings.push(
                    Finding::new(
                        model::reader::SCHEMA_VIOLATION,
                        At::InFile(duplicate.map, duplicate.second),
                        format!(
                            "duplicate key `{}`: already defined at line {}, column {}; walint reads the first one",
                            duplicate.key, first.line, first.column
                        ),
                    )
                    .help("remove or rename one of the two keys"),
                );
            }
            let ignores = ignores(&file, Some(&tree));
            Ok(Loaded {
                file,
                tree: Some(tree),
                contents,
                findings,
                ignores,
            })
        }
    }
}

/// What the run keeps of a file once it is checked: its tree and documents are gone.
struct Checked {
    file: SourceFile,
    /// The file's own findings, resolved, numbered with its position among the inputs.
    diagnostics: Vec<Diagnostic>,
    ignores: Vec<InlineIgnore>,
    exports: Exports,
}

/// What every file is checked with.
struct Checks<'a> {
    config: &'a Config,
    options: &'a LintOptions,
    catalogue: &'static Catalogue,
    file: Vec<FileCheck>,
    document: Vec<DocumentCheck>,
    /// Whether a workspace rule runs, so files must export what those rules read.
    export: bool,
}

/// Loads one file, runs every per-file check on it and resolves its findings, so its tree
/// and documents can go before the next file is read. `index` is the file's position among
/// the inputs; the run renumbers its diagnostics once skipped files are gone.
fn check(
    index: usize,
    candidate: &Candidate,
    given: Option<&[u8]>,
    checks: &Checks,
) -> Result<Checked, Skipped> {
    let Loaded {
        mut file,
        tree,
        contents,
        mut findings,
        ignores,
    } = load(candidate, given, checks.options, checks.catalogue)?;
    if let Some(tree) = &tree {
        let ctx = FileContext {
            file: index,
            tree,
            config: checks.config,
            documents: &contents.documents,
        };
        for check in &checks.file {
            check(&ctx, &mut findings);
        }
        for document in &contents.documents {
            let ctx = DocumentContext {
                file: index,
                tree,
                config: checks.config,
                document,
            };
            for check in &checks.document {
                check(&ctx, &mut findings);
            }
        }
    }
    let nodes = tree.as_ref().map_or(Nodes::None, Nodes::Tree);
    // Secrets are masked before any rule or report sees the file again.
    for finding in findings.iter().filter(|f| f.sensitive) {
        let (span, _) = locate(&file.text, nodes, finding.at);
        file.secrets.push(span);
    }
    let selection = &checks.options.selection;
    let mut diagnostics: Vec<Diagnostic> = findings
        .into_iter()
        .filter(|finding| selection.allows(finding.code))
        .filter_map(|finding| {
            let found = FileFinding {
                file: index,
                finding,
            };
            // A file's own checks point into the file only.
            let files = |i: usize| (i == index).then_some((&file, nodes));
            resolve(files, checks.config, checks.catalogue, found)
        })
        .collect();
    // Kept until every file is checked: no room for growth.
    diagnostics.shrink_to_fit();
    let exports = match &tree {
        Some(tree) if checks.export => rules::export(tree, &contents.documents),
        _ => Exports::default(),
    };
    file.kinds = contents.documents.iter().map(Document::kind).collect();
    if diagnostics.is_empty() && ignores.is_empty() && exports.documents.is_empty() {
        // Nothing can point into the file any more.
        file.drop_text();
    }
    Ok(Checked {
        file,
        diagnostics,
        ignores,
        exports,
    })
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

/// The whole pipeline: load and check each file, check across files, resolve, suppress,
/// sort.
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
    let workspace_checks: Vec<WorkspaceCheck> = REGISTRY
        .iter()
        .filter(|rule| enabled(rule.code))
        .filter_map(|rule| match rule.check {
            Check::Workspace(check) => Some(check),
            _ => None,
        })
        .collect();
    let checks = Checks {
        config,
        options,
        catalogue,
        // Every file check runs, enabled or not: see `Check::File`.
        file: REGISTRY
            .iter()
            .filter_map(|rule| match rule.check {
                Check::File(check) => Some(check),
                _ => None,
            })
            .collect(),
        document: REGISTRY
            .iter()
            .filter(|rule| enabled(rule.code))
            .filter_map(|rule| match rule.check {
                Check::Document(check) => Some(check),
                _ => None,
            })
            .collect(),
        export: !workspace_checks.is_empty(),
    };
    // One slot per input, written in place: no per-thread vectors to grow and merge.
    let checked: Vec<Result<Checked, Skipped>> = inputs
        .par_iter()
        .enumerate()
        .map(|(index, (candidate, given))| check(index, candidate, *given, &checks))
        .collect();

    // Files are numbered once the skipped ones are gone.
    let count = checked.iter().filter(|c| c.is_ok()).count();
    let skipped: Vec<(String, Skipped)> = inputs
        .iter()
        .zip(&checked)
        .filter_map(|((candidate, _), c)| c.as_ref().err().map(|s| (candidate.shown.clone(), *s)))
        .collect();
    let mut files = Vec::with_capacity(count);
    let mut exports = Vec::with_capacity(count);
    let mut ignores = Vec::with_capacity(count);
    let mut own = Vec::with_capacity(count);
    for (index, mut file) in checked.into_iter().flatten().enumerate() {
        for diagnostic in &mut file.diagnostics {
            diagnostic.file_index = index;
            for related in &mut diagnostic.related {
                related.file_index = index;
            }
        }
        files.push(file.file);
        exports.push(file.exports);
        ignores.push(file.ignores);
        own.push(file.diagnostics);
    }
    let workspace = Workspace::new(files, exports);
    let mut findings = Vec::new();
    for check in workspace_checks {
        check(&workspace, config, &mut findings);
    }
    let located = |i: usize| {
        let nodes = workspace.locations(i).map_or(Nodes::None, Nodes::Kept);
        Some((workspace.files.get(i)?, nodes))
    };
    let across: Vec<Diagnostic> = findings
        .into_iter()
        .filter(|f| selection.allows(f.finding.code))
        .filter_map(|f| resolve(located, config, catalogue, f))
        .collect();
    let mut files = workspace.into_files();
    // One list, once the exports are gone: each file's own diagnostics, then those of the
    // cross-file rules.
    let mut diagnostics =
        Vec::with_capacity(own.iter().map(Vec::len).sum::<usize>() + across.len());
    diagnostics.extend(own.into_iter().flatten());
    diagnostics.extend(across);
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup_by(|a, b| a.sort_key() == b.sort_key() && a.end == b.end);

    let applied = suppress::apply(&mut diagnostics, &files, &ignores, config, &enabled);
    let config_file = config.path.as_ref().map(|_| {
        let text = config.text.clone();
        SourceFile {
            path: config.shown.clone(),
            config_path: String::new(),
            lines: source::LineIndex::new(&text),
            kinds: Vec::new(),
            sha256: hex(&Sha256::digest(text.as_bytes())),
            secrets: Vec::new(),
            text,
        }
    });
    if enabled(SUPPRESSION_INVALID) {
        // Suppression comments are raw text: no node to locate.
        let unlocated = |i: usize| Some((files.get(i)?, Nodes::None));
        for found in applied.findings {
            if let Some(mut diagnostic) = resolve(unlocated, config, catalogue, found) {
                if let Some(source) = files.get(diagnostic.file_index) {
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
                    code: doc.code.as_str(),
                    name: doc.name.as_str(),
                    severity,
                    fingerprint: fingerprint(SUPPRESSION_INVALID, &file.path, "", offending),
                    message: problem.message,
                    help: Some(problem.help),
                    file: file.path.clone(),
                    file_index: files.len(),
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
    // Reports show the text of the files diagnostics point into, and no other.
    let mut shown = vec![false; files.len()];
    for diagnostic in &diagnostics {
        let related = diagnostic.related.iter().map(|r| r.file_index);
        for index in std::iter::once(diagnostic.file_index).chain(related) {
            if let Some(shown) = shown.get_mut(index) {
                *shown = true;
            }
        }
    }
    for (file, shown) in files.iter_mut().zip(shown) {
        if !shown {
            file.drop_text();
        }
    }
    let enabled_codes = catalogue
        .rules
        .iter()
        .map(|r| r.code.as_str())
        .filter(|code| enabled(code))
        .collect();
    Outcome {
        files,
        diagnostics,
        enabled: enabled_codes,
        config_file,
        skipped,
    }
}

/// What locates a file's nodes: its tree while the file is checked, afterwards the
/// locations its exports kept.
#[derive(Clone, Copy)]
enum Nodes<'a> {
    Tree(&'a Tree),
    Kept(&'a Locations),
    None,
}

/// Byte span and JSON pointer of a location.
fn locate(text: &str, nodes: Nodes, at: At) -> (Span, String) {
    // A key's span, or an empty span at the start of a node without a key.
    let key = |key: Option<Span>, node: Span| key.unwrap_or(Span::new(node.start, node.start));
    match (nodes, at) {
        (_, At::Raw(span)) => (span, String::new()),
        (Nodes::Tree(tree), At::Node(node)) => (tree.span(node), tree.pointer(node)),
        (Nodes::Tree(tree), At::Key(node)) => (
            key(tree.key_span(node), tree.span(node)),
            tree.pointer(node),
        ),
        (Nodes::Tree(tree), At::InFile(node, span)) => (span, tree.pointer(node)),
        (Nodes::Tree(tree), At::InString(node, start, end)) => (
            source::locate_in_string(text, tree, node, start..end),
            tree.pointer(node),
        ),
        (
            Nodes::Kept(kept),
            At::Node(node) | At::Key(node) | At::InFile(node, _) | At::InString(node, ..),
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
                At::Key(_) => key(location.key_span, location.span),
                At::InFile(_, span) => span,
                // Inside a string only the tree can tell; no workspace rule points there.
                _ => location.span,
            };
            (span, location.pointer.clone())
        }
        (Nodes::None, At::InFile(_, span)) => (span, String::new()),
        (Nodes::None, _) => (Span::default(), String::new()),
    }
}

/// Resolves a finding to a diagnostic; `files` gives a file by index with what locates its
/// nodes.
fn resolve<'a>(
    files: impl Fn(usize) -> Option<(&'a SourceFile, Nodes<'a>)>,
    config: &Config,
    catalogue: &'static Catalogue,
    found: FileFinding,
) -> Option<Diagnostic> {
    let FileFinding {
        file: index,
        finding,
    } = found;
    let (file, nodes) = files(index)?;
    let doc = catalogue.find(finding.code)?;
    let (span, pointer) = locate(&file.text, nodes, finding.at);
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
            let (other, nodes) = files(related.file)?;
            let (span, _) = locate(&other.text, nodes, related.at);
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
        name: doc.name.as_str(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::parse;
    use crate::workspace::Export;

    const TEXT: &str = "campaign: sale\ntemplate: {name: promo, language: en_US}\n";

    #[test]
    fn kept_locations_resolve_as_the_tree_does() {
        let tree = parse(TEXT, Format::Yaml).unwrap();
        let contents = model::read(&tree);
        let exports = rules::export(&tree, &contents.documents);
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
                locate(TEXT, kept, at),
                locate(TEXT, Nodes::Tree(&tree), at),
                "{at:?}"
            );
        }
        let (span, pointer) = locate(TEXT, kept, At::Key(name));
        assert_eq!(&TEXT[span.start..span.end], "campaign");
        assert_eq!(pointer, "/campaign");
    }

    #[test]
    fn without_nodes_only_byte_ranges_locate() {
        let span = Span::new(2, 4);
        assert_eq!(
            locate(TEXT, Nodes::None, At::Raw(span)),
            (span, String::new())
        );
        assert_eq!(
            locate(TEXT, Nodes::None, At::InFile(0, span)),
            (span, String::new())
        );
        assert_eq!(
            locate(TEXT, Nodes::None, At::Node(0)),
            (Span::default(), String::new())
        );
    }
}
