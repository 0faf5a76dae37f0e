//! What the fuzz targets share: one fuzz input as a file walint lints, and a report of it.
//!
//! The first byte of an input picks the file's name (and so its syntax), the rest is the
//! file. Each target checks that walint neither panics nor hangs on it; libFuzzer reports a
//! panic as a crash and an input that takes over `-timeout` seconds as a hang.

use std::path::PathBuf;
use std::sync::OnceLock;

use walint::catalogue::{self, RuleId};
use walint::config::{Attestation, Config, FailOn};
use walint::diagnostic::{Diagnostic, Severity};
use walint::discover::Candidate;
use walint::engine::{self, Engine, Options, Outcome, StdinFile};
use walint::model::reader::Reader;
use walint::model::Document;
use walint::report::compare::{PreviousFinding, PreviousReport};
use walint::report::meta::{ChangedFile, Scope};
use walint::report::{self, ReportFormat, ReportInput, RunMeta};
use walint::source::{self, Format, Position, Span, Tree};

/// One engine for the whole process: the built-in catalogue, the default config.
fn the_engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let catalogue = catalogue::builtin().expect("the embedded catalogue loads");
        Engine::new(catalogue, Config::default(), Options::default())
    })
}

/// The name the first byte picks: JSON or YAML.
fn name_for(selector: u8) -> &'static str {
    if selector % 2 == 0 {
        "fuzz.yaml"
    } else {
        "fuzz.json"
    }
}

/// Lints `bytes` as the file `name`, through everything a file on disk goes through (size
/// and UTF-8 checks, parsing, reading, every rule, suppressions) but the disk.
pub fn lint_file(name: &str, bytes: &[u8]) -> Outcome {
    let stdin = StdinFile {
        candidate: Candidate {
            path: PathBuf::from(name),
            shown: name.to_string(),
            config_path: name.to_string(),
            explicit: true,
            unreadable: None,
            project: 0,
        },
        bytes: bytes.to_vec(),
    };
    engine::lint(the_engine(), &[], Some(&stdin))
}

/// The loader target: one input, linted.
pub fn load(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let outcome = lint_file(name_for(selector), rest);
    for d in &outcome.diagnostics {
        assert!(d.start <= d.end || d.span.is_empty(), "{d:?}");
    }
}

/// A format reader target: the text parsed in `format`, then read into walint's documents.
pub fn read(format: Format, data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(tree) = source::parse(text, format) else {
        return;
    };
    for &root in &tree.documents {
        let _ = tree.pointer(root);
    }
    let contents = walint::model::read(&tree);
    for document in &contents.documents {
        let _ = Document::kind(document);
    }
}

/// The `--compare` reader target: the input as an earlier run's JSON report. Whatever it
/// is, the reader says what or reads it; a report it reads has a report id in hex.
pub fn read_previous_report(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(previous) = PreviousReport::parse(text, "previous.json", "") {
        assert_eq!(previous.report_id.len(), 64);
    }
}

/// The tree of an input, in the syntax its first byte picks.
pub fn tree_of(data: &[u8]) -> Option<Tree> {
    let (&selector, rest) = data.split_first()?;
    let text = std::str::from_utf8(rest).ok()?;
    let format = Format::from_path(name_for(selector))?;
    source::parse(text, format).ok()
}

/// A model reader target: `read` on every document root and every mapping of the tree,
/// whether or not walint would recognise it as that kind.
pub fn read_as<T>(data: &[u8], read: impl Fn(&mut Reader, usize) -> T) {
    let Some(tree) = tree_of(data) else {
        return;
    };
    let mut reader = Reader::new(&tree);
    for node in 0..tree.node_count() {
        let _ = read(&mut reader, node);
    }
}

/// A renderer target: the input linted, plus one finding at a span the engine would never
/// give (past the text, inside a character, reversed), then rendered in `format`.
pub fn render(format: ReportFormat, data: &[u8]) {
    let [selector, a, b, c, d, rest @ ..] = data else {
        return;
    };
    let mut outcome = lint_file(name_for(*selector), rest);
    if let Some(file) = outcome.files.first() {
        let start = usize::from(u16::from_le_bytes([*a, *b]));
        let end = start + usize::from(u16::from_le_bytes([*c, *d]) % 2048);
        let message: String = String::from_utf8_lossy(rest).chars().take(80).collect();
        let at = |line| Position { line, column: 1 };
        outcome.diagnostics.push(Diagnostic {
            rule: RuleId::WA001,
            code: "WA001".into(),
            name: "parse-error".into(),
            severity: Severity::Error,
            message,
            help: Some("`a` | <b> & \u{1b}[31m".to_string()),
            file: file.path.clone(),
            file_id: file.id,
            span: Span { start, end },
            start: at(usize::from(*a)),
            end: at(usize::from(*c)),
            pointer: "/x~1y".to_string(),
            fingerprint: "0".repeat(16),
            related: Vec::new(),
            suppressed: None,
            fix: None,
        });
    }
    let catalogue = the_engine().catalogue();
    let meta = RunMeta {
        tool: "walint",
        version: "0",
        catalogue_version: "0",
        catalogue_rules: catalogue.rules().len(),
        catalogue_sha256: String::new(),
        config: None,
        config_sha256: None,
        git_commit: None,
        command_line: "walint check fuzz".to_string(),
        timestamp: "2026-01-01T00:00:00Z".to_string(),
        reproducible: true,
        templates_lock: None,
        policy_date: catalogue.policy_date.clone(),
        scope: Scope {
            paths: vec!["fuzz".to_string()],
            inline_ignores: selector & 4 != 0,
            ..Scope::default()
        },
        baseline_sha256: None,
        // The report's own texts from walint.yaml and git carry what a user may write there.
        attestation: Attestation {
            organisation: Some("<b>&</b> \u{1b}[31m".to_string()),
            prepared_by: None,
            reviewer: None,
        },
        report_id: "0".repeat(64),
        dirty: selector & 8 != 0,
        changed_files: outcome
            .files
            .iter()
            .map(|f| ChangedFile {
                path: f.path.clone(),
                change: "modified",
            })
            .collect(),
    };
    // `--compare`: the previous report had the run's findings, each of them fixed since or
    // still open, with the input's text in the fields the reports show of a fixed one.
    let hostile: String = String::from_utf8_lossy(rest).chars().take(80).collect();
    let previous = PreviousReport {
        file: hostile.clone(),
        sha256: String::new(),
        report_id: hostile.clone(),
        files: 1,
        findings: outcome
            .diagnostics
            .iter()
            .enumerate()
            .map(|(i, d)| PreviousFinding {
                rule: d.code.to_string(),
                name: hostile.clone(),
                severity: d.severity,
                message: hostile.clone(),
                file: hostile.clone(),
                line: i,
                column: usize::MAX,
                fingerprint: if i % 2 == 0 {
                    d.fingerprint.clone()
                } else {
                    hostile.clone()
                },
                was_accepted: i % 3 == 0,
            })
            .collect(),
    };
    let input = ReportInput {
        files: &outcome.files,
        config_files: &outcome.config_files,
        diagnostics: &outcome.diagnostics,
        color: selector & 2 != 0,
        // Any width, narrower than a terminal can be too: cutting lines to it never panics.
        width: (selector & 32 != 0).then_some(usize::from(*d)),
        fail_on: FailOn::At(Severity::Info),
        catalogue,
        enabled: &outcome.enabled,
        baseline: None,
        previous: (selector & 16 != 0).then_some(&previous),
        meta: &meta,
    };
    let rendered = report::render(format, &input);
    // A renderer's panic is caught per file and reported: for the fuzzer it is a crash.
    assert!(rendered.failures.is_empty(), "{:?}", rendered.failures);
}
