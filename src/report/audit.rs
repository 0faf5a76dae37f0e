//! The auditor's report (README.md, "Output formats") as data: run metadata, summary by
//! severity and category, the policy controls with per-rule results, the file inventory with
//! hashes, and the findings with their source lines. The Markdown and HTML templates both
//! render this one structure.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::{self, Write};

use serde::Serialize;

use super::compare::{Comparison, PreviousFinding, Totals};
use super::excerpt::{excerpt, ELLIPSIS};
use super::guard;
use super::text::{printable, printable_line};
use super::{RenderFailure, ReportInput, RunMeta};
use crate::baseline::BaselineStats;
use crate::catalogue::{source_parts, CATEGORIES};
use crate::config::FailOn;
use crate::diagnostic::FileId;
use crate::diagnostic::{Counts, Diagnostic, Severity, SuppressionKind};
use crate::model::Kind;
use crate::source::Span;
use crate::templates_lock::LOCK_RULES;
use crate::workspace::SourceFile;

#[derive(Serialize)]
pub struct Audit<'a> {
    pub meta: &'a RunMeta,
    pub fail_on: &'static str,
    pub passed: bool,
    pub exit_code: u8,
    pub files: usize,
    pub counts: Counts,
    pub total: usize,
    pub suppressed: usize,
    pub baseline: Option<&'a BaselineStats>,
    pub rules_run: usize,
    pub rules_total: usize,
    pub categories: Vec<CategoryRow>,
    pub controls: Vec<ControlView>,
    /// How many controls have each status, worst first.
    pub control_counts: Vec<StatusCount>,
    pub inventory: Vec<FileView>,
    /// The config files, the run's first.
    pub configs: Vec<FileView>,
    /// Whether any file has a finding: the findings themselves are rendered file by file
    /// as the report is written ([`write_report`]), never held all at once.
    pub has_findings: bool,
    /// With `--compare`, the findings open now and not in the previous report.
    #[serde(skip)]
    new: HashSet<*const Diagnostic>,
    /// Every finding accepted by a suppression or a baseline entry, in report order.
    pub accepted: Vec<AcceptedView>,
    /// Accepted findings whose suppression or baseline entry gives no reason.
    pub accepted_without_reason: usize,
    /// The rules with a finding (accepted ones included), in catalogue order, with why they
    /// exist and where their limits and policies are written.
    pub rules_found: Vec<RuleDocView>,
    /// The controls no rule of the catalogue evidences: policy areas the checks do not cover.
    pub not_covered: Vec<NotCovered>,
    /// With `--compare`: this run against the previous report.
    pub comparison: Option<ComparisonView>,
}

#[derive(Serialize)]
pub struct ComparisonView {
    pub file: String,
    pub sha256: String,
    pub report_id: String,
    pub files: usize,
    /// What counted and what was accepted, then and now: the trend.
    pub then: Totals,
    pub now: Totals,
    pub new: Vec<ChangeRow>,
    pub fixed: Vec<ChangeRow>,
    pub accepted: Vec<ChangeRow>,
    pub still_open: Vec<ChangeRow>,
}

/// A finding in one of the comparison's lists.
#[derive(Serialize)]
pub struct ChangeRow {
    pub severity: &'static str,
    pub code: String,
    pub name: String,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub fingerprint: String,
    /// A new finding that was accepted in the previous report; a fixed one that was accepted.
    pub was_accepted: bool,
}

impl ChangeRow {
    fn of(d: &Diagnostic, was_accepted: bool) -> ChangeRow {
        ChangeRow {
            severity: d.severity.as_str(),
            code: d.code.to_string(),
            name: d.name.to_string(),
            file: printable(&d.file).into_owned(),
            line: d.start.line,
            column: d.start.column,
            message: printable(&d.message).into_owned(),
            fingerprint: d.fingerprint.clone(),
            was_accepted,
        }
    }

    /// A finding of the previous report: its texts are the file's, so escaped as any.
    fn then(f: &PreviousFinding) -> ChangeRow {
        ChangeRow {
            severity: f.severity.as_str(),
            code: printable(&f.rule).into_owned(),
            name: printable(&f.name).into_owned(),
            file: printable(&f.file).into_owned(),
            line: f.line,
            column: f.column,
            message: printable(&f.message).into_owned(),
            fingerprint: printable(&f.fingerprint).into_owned(),
            was_accepted: f.was_accepted,
        }
    }
}

fn comparison_view(comparison: &Comparison) -> ComparisonView {
    let previous = comparison.previous;
    let rows = |list: &[&Diagnostic]| list.iter().map(|d| ChangeRow::of(d, false)).collect();
    ComparisonView {
        file: printable(&previous.file).into_owned(),
        sha256: previous.sha256.clone(),
        report_id: printable(&previous.report_id).into_owned(),
        files: previous.files,
        then: previous.totals(),
        now: comparison.now,
        new: comparison
            .new
            .iter()
            .map(|(d, was)| ChangeRow::of(d, *was))
            .collect(),
        fixed: comparison
            .fixed
            .iter()
            .map(|f| ChangeRow::then(f))
            .collect(),
        accepted: rows(&comparison.accepted),
        still_open: rows(&comparison.still_open),
    }
}

#[derive(Serialize)]
pub struct NotCovered {
    pub id: String,
    pub title: String,
}

#[derive(Serialize)]
pub struct AcceptedView {
    pub kind: &'static str,
    /// "walint-ignore comment", "config override", "baseline entry".
    pub label: &'static str,
    pub severity: &'static str,
    pub code: String,
    pub name: String,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// Empty when the baseline entry gives none.
    pub reason: String,
    /// Where it was accepted: `file:line` of the comment, override or baseline entry.
    pub by: String,
    /// The day a baseline entry was recorded.
    pub accepted: Option<String>,
    pub fingerprint: String,
}

#[derive(Serialize)]
pub struct RuleDocView {
    pub code: String,
    pub name: String,
    pub summary: String,
    /// The rationale's paragraphs, each on one line.
    pub rationale: Vec<String>,
    pub sources: Vec<SourceView>,
    pub anchor: String,
}

/// A rule's source: the address a report links, and the note the rule document adds.
#[derive(Serialize)]
pub struct SourceView {
    pub url: String,
    pub note: String,
}

/// Text in paragraphs (split at blank lines), each with its line breaks and runs of spaces
/// folded into one space.
fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

#[derive(Clone, Serialize)]
pub struct CategoryRow {
    pub name: &'static str,
    /// A text bar for Markdown, scaled to the largest category.
    pub bar: String,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub suppressed: usize,
    pub total: usize,
}

#[derive(Serialize)]
pub struct StatusCount {
    pub status: &'static str,
    pub count: usize,
}

#[derive(Serialize)]
pub struct ControlView {
    pub id: String,
    pub title: String,
    /// Empty for a team's own control without a source.
    pub source: String,
    /// What a team's own control asks for; empty for walint's.
    pub description: String,
    pub status: &'static str,
    pub rules: Vec<RuleView>,
}

#[derive(Serialize)]
pub struct RuleView {
    pub code: String,
    pub name: String,
    pub status: &'static str,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub suppressed: usize,
    pub baselined: usize,
    /// Distinct reasons with how many findings each accepted.
    pub reasons: Vec<ReasonView>,
    /// One line for tables: "2 errors", "no template files", ...
    pub detail: String,
}

#[derive(Serialize)]
pub struct ReasonView {
    pub kind: &'static str,
    pub reason: String,
    pub count: usize,
}

#[derive(Serialize)]
pub struct FileView {
    pub path: String,
    pub kind: String,
    pub findings: usize,
    pub suppressed: usize,
    pub sha256: String,
}

#[derive(Serialize)]
pub struct FileFindings {
    pub path: String,
    pub kind: String,
    pub anchor: String,
    pub items: Vec<FindingView>,
}

#[derive(Serialize)]
pub struct FindingView {
    pub severity: &'static str,
    pub code: String,
    pub name: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub message: String,
    pub help: Option<String>,
    pub pointer: String,
    pub fingerprint: String,
    pub suppression: Option<SuppressionView>,
    pub snippet: Vec<SnippetLine>,
    /// The snippet as plain text with `^` under the span, for Markdown.
    pub snippet_text: String,
    pub related: Vec<RelatedView>,
    /// With `--compare`: open now and not in the previous report.
    pub new: bool,
}

#[derive(Serialize)]
pub struct SuppressionView {
    pub kind: &'static str,
    pub label: &'static str,
    pub reason: String,
    pub file: String,
    pub line: usize,
}

#[derive(Serialize)]
pub struct RelatedView {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

#[derive(Serialize)]
pub struct SnippetLine {
    pub number: usize,
    pub before: String,
    pub marked: String,
    pub after: String,
}

fn fail_on_word(fail_on: FailOn) -> &'static str {
    match fail_on {
        FailOn::At(severity) => severity.as_str(),
        FailOn::Never => "never",
    }
}

fn file_kind(file: &SourceFile) -> String {
    let kinds: BTreeSet<&str> = file.kinds.iter().map(|k| k.as_str()).collect();
    if kinds.is_empty() {
        "unparsed".to_string()
    } else {
        kinds.into_iter().collect::<Vec<_>>().join(", ")
    }
}

/// The document kind a rule category is about; `None` for rules about any file.
fn category_kind(category: &str) -> Option<Kind> {
    match category {
        "template" => Some(Kind::Template),
        "conversation-flow" => Some(Kind::Flow),
        "whatsapp-flow" => Some(Kind::WhatsAppFlow),
        "webhook" => Some(Kind::Webhook),
        "campaign" => Some(Kind::Campaign),
        _ => None,
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// How bad a status is, to pick a control's status from its rules' statuses.
fn rank(status: &str) -> u8 {
    match status {
        "failed" => 7,
        "suppressed" => 6,
        "baseline" => 5,
        "advisory" => 4,
        "passed" => 3,
        "not applicable" => 2,
        "not run" => 1,
        _ => 0,
    }
}

/// The lines a finding points at (the first ones of a longer span), its span marked, each
/// cut to the excerpt's window around the span. Cut by byte offsets on the text as reports
/// may show it (`shown`: secrets masked, same byte layout), so a masked secret never leaks.
fn snippet(file: &SourceFile, shown: &str, d: &Diagnostic) -> (Vec<SnippetLine>, String) {
    let mut lines = Vec::new();
    if file.text.is_empty() {
        return (lines, String::new());
    }
    let part = |s: Span| printable_line(shown.get(s.start..s.end).unwrap_or("")).into_owned();
    let cut = excerpt(shown, &file.lines, d.span, 0);
    for line in cut.span_lines() {
        let mut before = String::new();
        if line.cut_before {
            before.push_str(ELLIPSIS);
        }
        before.push_str(&part(line.before));
        let mut marked = part(line.marked);
        let mut after = part(line.after);
        if line.cut_after {
            // Nothing shown after the span: the span itself was cut.
            if line.after.is_empty() {
                marked.push_str(ELLIPSIS);
            } else {
                after.push_str(ELLIPSIS);
            }
        }
        lines.push(SnippetLine {
            number: line.number,
            before,
            marked,
            after,
        });
    }
    let width = lines.last().map_or(1, |l| l.number.to_string().len());
    let mut text = String::new();
    for line in &lines {
        text.push_str(&format!(
            "{:>width$} | {}{}{}\n",
            line.number, line.before, line.marked, line.after
        ));
        let pad: String = line
            .before
            .chars()
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let carets = "^".repeat(line.marked.chars().count().max(1));
        text.push_str(&format!("{:>width$} | {pad}{carets}\n", ""));
    }
    (lines, text)
}

/// A finding as the audit reports show it; `shown` is its file's text as reports may show it.
fn finding(file: Option<&SourceFile>, shown: &str, d: &Diagnostic, new: bool) -> FindingView {
    let (snippet, snippet_text) = file.map(|file| snippet(file, shown, d)).unwrap_or_default();
    let text = |s: &str| printable(s).into_owned();
    FindingView {
        severity: d.severity.as_str(),
        code: d.code.to_string(),
        name: d.name.to_string(),
        line: d.start.line,
        column: d.start.column,
        end_line: d.end.line,
        end_column: d.end.column,
        message: text(&d.message),
        help: d.help.as_deref().map(text),
        pointer: text(&d.pointer),
        fingerprint: d.fingerprint.clone(),
        suppression: d.suppressed.as_ref().map(|s| SuppressionView {
            kind: s.kind.as_str(),
            label: s.kind.describe(),
            reason: text(&s.reason),
            file: text(&s.file),
            line: s.line,
        }),
        snippet,
        snippet_text,
        related: d
            .related
            .iter()
            .map(|r| RelatedView {
                file: text(&r.file),
                line: r.line,
                column: r.column,
                message: text(&r.message),
            })
            .collect(),
        new,
    }
}

fn anchor(path: &str) -> String {
    let slug: String = path
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("file-{slug}")
}

/// One file's part of the findings: `diagnostics` are the file's, in report order.
fn file_findings(input: &ReportInput, audit: &Audit, diagnostics: &[&Diagnostic]) -> FileFindings {
    let Some(first) = diagnostics.first() else {
        return FileFindings {
            path: String::new(),
            kind: String::new(),
            anchor: String::new(),
            items: Vec::new(),
        };
    };
    let file = input.source(first.file_id);
    let shown = file.map_or("", |f| f.text.as_str());
    let kind = match file {
        Some(_) if first.file_id.is_config() => "walint config".to_string(),
        Some(file) => file_kind(file),
        None => String::new(),
    };
    FileFindings {
        path: printable(&first.file).into_owned(),
        kind,
        anchor: anchor(&first.file),
        items: diagnostics
            .iter()
            .map(|d| {
                let new = audit.new.contains(&(*d as *const Diagnostic));
                finding(file, shown, d, new)
            })
            .collect(),
    }
}

pub fn build<'a>(input: &'a ReportInput) -> Audit<'a> {
    let catalogue = input.catalogue;
    let counts = input.counts();
    let category_of = |code: &str| {
        catalogue
            .find(code)
            .map_or("general", |doc| doc.category.as_str())
    };

    let mut categories: Vec<CategoryRow> = CATEGORIES
        .iter()
        .map(|name| CategoryRow {
            name,
            bar: String::new(),
            errors: 0,
            warnings: 0,
            infos: 0,
            suppressed: 0,
            total: 0,
        })
        .collect();
    for d in input.diagnostics {
        let category = category_of(&d.code);
        if let Some(row) = categories.iter_mut().find(|r| r.name == category) {
            if d.is_active() {
                match d.severity {
                    Severity::Error => row.errors += 1,
                    Severity::Warning => row.warnings += 1,
                    Severity::Info => row.infos += 1,
                }
            } else {
                row.suppressed += 1;
            }
            row.total += 1;
        }
    }

    let widest = categories.iter().map(|r| r.total).max().unwrap_or(0);
    for row in &mut categories {
        if row.total > 0 {
            row.bar = "█".repeat((row.total * 20).div_ceil(widest.max(1)));
        }
    }

    let kinds: BTreeSet<Kind> = input
        .files
        .iter()
        .flat_map(|f| f.kinds.iter().copied())
        .collect();
    let rule_view = |code: &str| -> Option<RuleView> {
        let doc = catalogue.find(code)?;
        let mine: Vec<&Diagnostic> = input
            .diagnostics
            .iter()
            .filter(|d| d.code == doc.code)
            .collect();
        let count = |severity: Severity| {
            mine.iter()
                .filter(|d| d.is_active() && d.severity == severity)
                .count()
        };
        let (errors, warnings, infos) = (
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Info),
        );
        let mut reasons: BTreeMap<(SuppressionKind, String), usize> = BTreeMap::new();
        for d in &mine {
            if let Some(s) = &d.suppressed {
                *reasons.entry((s.kind, s.reason.clone())).or_default() += 1;
            }
        }
        let suppressed = reasons.values().sum();
        let baselined = input
            .baseline
            .and_then(|b| b.hidden_by_rule.get(&*doc.code).copied())
            .unwrap_or(0);
        let ran = input.enabled.contains(&doc.id);
        let without_lock = LOCK_RULES.contains(&doc.id) && input.meta.templates_lock.is_none();
        let applicable = !without_lock
            && match category_kind(&doc.category) {
                Some(kind) => kinds.contains(&kind),
                None => !input.files.is_empty(),
            };
        // Errors and warnings fail a control; infos alone are advice.
        let status = if !ran {
            "not run"
        } else if errors + warnings > 0 {
            "failed"
        } else if suppressed > 0 {
            "suppressed"
        } else if baselined > 0 {
            "baseline"
        } else if infos > 0 {
            "advisory"
        } else if !applicable {
            "not applicable"
        } else {
            "passed"
        };
        let mut parts = Vec::new();
        for (n, word) in [(errors, "error"), (warnings, "warning"), (infos, "info")] {
            if n > 0 {
                parts.push(plural(n, word));
            }
        }
        if suppressed > 0 {
            parts.push(format!("{suppressed} suppressed"));
        }
        if baselined > 0 {
            parts.push(format!("{baselined} in baseline"));
        }
        let detail = match status {
            "not run" => "disabled in this run (--select, --ignore or config)".to_string(),
            "not applicable" if without_lock => "no templates lock".to_string(),
            "not applicable" => match category_kind(&doc.category) {
                Some(kind) => format!("no {} files checked", kind.as_str()),
                None => "no files checked".to_string(),
            },
            "passed" => "no findings".to_string(),
            _ => parts.join(", "),
        };
        Some(RuleView {
            code: doc.code.to_string(),
            name: doc.name.to_string(),
            status,
            errors,
            warnings,
            infos,
            suppressed,
            baselined,
            reasons: reasons
                .into_iter()
                .map(|((kind, reason), count)| ReasonView {
                    kind: kind.describe(),
                    reason,
                    count,
                })
                .collect(),
            detail,
        })
    };
    let controls: Vec<ControlView> = catalogue
        .controls
        .iter()
        .map(|control| {
            let rules: Vec<RuleView> = catalogue
                .rules()
                .iter()
                .filter(|r| r.controls.contains(&control.id))
                .filter_map(|r| rule_view(&r.code))
                .collect();
            // A control no rule of this catalogue evidences yet is "not covered".
            let status = rules
                .iter()
                .map(|r| r.status)
                .max_by_key(|s| rank(s))
                .unwrap_or("not covered");
            ControlView {
                id: control.id.clone(),
                title: control.title.clone(),
                source: control.source.clone(),
                description: control.description.clone(),
                status,
                rules,
            }
        })
        .collect();
    let mut control_counts: Vec<StatusCount> = Vec::new();
    for control in &controls {
        match control_counts
            .iter_mut()
            .find(|c| c.status == control.status)
        {
            Some(entry) => entry.count += 1,
            None => control_counts.push(StatusCount {
                status: control.status,
                count: 1,
            }),
        }
    }
    control_counts.sort_by_key(|c| std::cmp::Reverse(rank(c.status)));

    let per_file = |id: FileId| {
        let mine = input.diagnostics.iter().filter(|d| d.file_id == id);
        let active = mine.clone().filter(|d| d.is_active()).count();
        (active, mine.count() - active)
    };
    let inventory = input
        .files
        .iter()
        .map(|file| {
            let (findings, suppressed) = per_file(file.id);
            FileView {
                path: printable(&file.path).into_owned(),
                kind: file_kind(file),
                findings,
                suppressed,
                sha256: file.sha256.clone(),
            }
        })
        .collect();
    let configs = input
        .config_files
        .iter()
        .map(|file| {
            let (findings, suppressed) = per_file(file.id);
            FileView {
                path: printable(&file.path).into_owned(),
                kind: "walint config".to_string(),
                findings,
                suppressed,
                sha256: file.sha256.clone(),
            }
        })
        .collect();

    let comparison = input.comparison();
    let new: HashSet<*const Diagnostic> = comparison
        .iter()
        .flat_map(|c| c.new.iter().map(|(d, _)| *d as *const Diagnostic))
        .collect();

    let text = |s: &str| printable(s).into_owned();
    let accepted: Vec<AcceptedView> = input
        .accepted()
        .into_iter()
        .filter_map(|d| {
            let s = d.suppressed.as_ref()?;
            Some(AcceptedView {
                kind: s.kind.as_str(),
                label: s.kind.describe(),
                severity: d.severity.as_str(),
                code: d.code.to_string(),
                name: d.name.to_string(),
                file: text(&d.file),
                line: d.start.line,
                column: d.start.column,
                message: text(&d.message),
                reason: text(&s.reason),
                by: format!("{}:{}", text(&s.file), s.line),
                accepted: s.accepted.clone(),
                fingerprint: d.fingerprint.clone(),
            })
        })
        .collect();
    let accepted_without_reason = accepted.iter().filter(|a| a.reason.is_empty()).count();
    let found: BTreeSet<&str> = input
        .diagnostics
        .iter()
        .chain(input.baselined())
        .map(|d| &*d.code)
        .collect();
    let rules_found = catalogue
        .rules()
        .iter()
        .filter(|r| found.contains(&*r.code))
        .map(|r| RuleDocView {
            code: r.code.to_string(),
            name: r.name.to_string(),
            summary: paragraphs(&r.summary).join(" "),
            rationale: paragraphs(&r.rationale),
            sources: r
                .sources
                .iter()
                .map(|source| {
                    let (url, note) = source_parts(source);
                    SourceView {
                        url: url.to_string(),
                        note: note.to_string(),
                    }
                })
                .collect(),
            anchor: format!("rule-{}", r.code),
        })
        .collect();

    let not_covered = controls
        .iter()
        .filter(|c| c.rules.is_empty())
        .map(|c| NotCovered {
            id: c.id.clone(),
            title: c.title.clone(),
        })
        .collect();

    let passed = !input.failed();
    Audit {
        meta: input.meta,
        fail_on: fail_on_word(input.fail_on),
        passed,
        exit_code: if passed { 0 } else { 1 },
        files: input.files.len(),
        counts,
        total: counts.errors + counts.warnings + counts.infos,
        suppressed: input.suppressed_count(),
        baseline: input.baseline,
        rules_run: input.enabled.len(),
        rules_total: catalogue.rules().len(),
        categories,
        controls,
        control_counts,
        inventory,
        configs,
        has_findings: !input.diagnostics.is_empty(),
        new,
        accepted,
        accepted_without_reason,
        rules_found,
        not_covered,
        comparison: comparison.as_ref().map(comparison_view),
    }
}

/// HTML-escapes running Markdown text: no raw HTML gets through (GitHub shows the entities
/// as the characters).
fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `text` as one Markdown code span. Nothing inside a code span is markup, so it is not
/// escaped (an entity would show literally); the delimiter is a run of backticks longer
/// than any inside, padded with a space where the text starts or ends with one.
fn code_span(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    let ticks = "`".repeat(longest_tick_run(text) + 1);
    let pad = if text.starts_with(['`', ' ']) || text.ends_with(['`', ' ']) {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{text}{pad}{ticks}")
}

fn longest_tick_run(text: &str) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

/// Markdown for a message: its `backtick spans` as code spans, as written; the rest
/// HTML-escaped, with `escape` applied to each part (table cells escape pipes). An odd
/// backtick is shown as one.
fn message_markdown(text: &str, escape: impl Fn(String) -> String) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    if parts.len() % 2 == 0 {
        return escape(html_escape(text).replace('`', "\\`"));
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                escape(code_span(part))
            } else {
                escape(html_escape(part))
            }
        })
        .collect()
}

/// A table cell's pipes and line breaks (GitHub reads `\|` as a pipe inside code spans too).
fn cell_escape(text: String) -> String {
    text.replace('|', "\\|")
        .replace("\r\n", "<br>")
        .replace('\n', "<br>")
}

/// A message in a Markdown table cell.
fn cell(text: String) -> String {
    message_markdown(&text, cell_escape)
}

/// A message in running Markdown text.
fn md(text: String) -> String {
    message_markdown(&text, |part| part)
}

/// A value (a path, a command line) as a code span.
fn code(text: String) -> String {
    code_span(&text)
}

/// A value as a code span in a table cell.
fn code_cell(text: String) -> String {
    cell_escape(code_span(&text))
}

/// HTML-escapes `text` and shows its `backtick spans` as `<code>`, as the terminal shows them
/// as written: the one bit of markup walint's messages use.
fn ticks(text: String) -> minijinja::Value {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;");
    let parts: Vec<&str> = escaped.split('`').collect();
    let html = if parts.len() % 2 == 1 {
        parts
            .iter()
            .enumerate()
            .map(|(i, part)| {
                if i % 2 == 1 {
                    format!("<code>{part}</code>")
                } else {
                    part.to_string()
                }
            })
            .collect()
    } else {
        escaped
    };
    minijinja::Value::from_safe_string(html)
}

/// A catalogue URL for an HTML attribute or text: quotes and markup escaped, slashes left as
/// they are (the default escaping writes `/` as an entity); a URL that is not http(s) is
/// not linked.
fn href(url: String) -> minijinja::Value {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return minijinja::Value::from_safe_string("#".into());
    }
    minijinja::Value::from_safe_string(
        url.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#x27;"),
    )
}

/// A code fence longer than any run of backticks in `text`.
fn fence(text: String) -> String {
    "`".repeat((longest_tick_run(&text) + 1).max(3))
}

/// The line that opens a template's part per file, and the line that closes it.
const EACH_FILE: &str =
    "{# each file: the part below is rendered once per file, with its findings as `group` #}\n";
const END_EACH_FILE: &str = "{# end of each file #}\n";

/// A report template in its three parts: what comes before the findings, one file's
/// findings (marked by [`EACH_FILE`] and [`END_EACH_FILE`], each on a line of its own; block
/// tags trim the line break after them, so the marker lines stand where the loop over the
/// files stood and the parts written one after the other are the document it gave), and
/// what comes after.
fn template_parts(source: &str) -> Option<(&str, &str, &str)> {
    let (head, rest) = source.split_once(EACH_FILE)?;
    let (file, tail) = rest.split_once(END_EACH_FILE)?;
    Some((head, file, tail))
}

/// `out` as minijinja writes to it: the first write error is kept, to be reported as the
/// error it is rather than as a template error; the last byte tells whether the document
/// ends its last line.
struct Sink<'o> {
    out: &'o mut dyn io::Write,
    error: Option<io::Error>,
    last: Option<u8>,
}

impl io::Write for Sink<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.write_all(bytes).map(|()| bytes.len())
    }

    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self.out.write_all(bytes) {
            Ok(()) => {
                if let Some(&last) = bytes.last() {
                    self.last = Some(last);
                }
                Ok(())
            }
            Err(error) => {
                let kind = error.kind();
                self.error.get_or_insert(error);
                Err(kind.into())
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Why writing a report stopped.
enum Stop {
    Write(io::Error),
    Template(minijinja::Error),
}

/// Writes an embedded report template over the audit data to `out`: what comes before the
/// findings, then each file's findings as soon as they are rendered (under the guard: a
/// file whose part panics is left out and named in `failures`), then the rest. `names` are
/// the three parts' template names, whose extension picks the escaping; `charts` are
/// trusted SVG markup, each under its name in `charts`.
pub fn write_report(
    names: [&'static str; 3],
    source: &'static str,
    input: &ReportInput,
    audit: &Audit,
    charts: &[(&'static str, String)],
    failures: &mut Vec<RenderFailure>,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let mut sink = Sink {
        out,
        error: None,
        last: None,
    };
    let written = write_parts(names, source, input, audit, charts, failures, &mut sink);
    if let Some(error) = sink.error.take() {
        return Err(error);
    }
    match written {
        Ok(()) => {}
        Err(Stop::Write(error)) => return Err(error),
        // The templates are embedded and tested; this is for a broken build only.
        Err(Stop::Template(error)) => {
            let [name, ..] = names;
            return writeln!(sink, "walint: cannot render the {name} report: {error}");
        }
    }
    if sink.last != Some(b'\n') {
        sink.write_all(b"\n")?;
    }
    Ok(())
}

fn write_parts(
    [head_name, file_name, tail_name]: [&'static str; 3],
    source: &'static str,
    input: &ReportInput,
    audit: &Audit,
    charts: &[(&'static str, String)],
    failures: &mut Vec<RenderFailure>,
    sink: &mut Sink,
) -> Result<(), Stop> {
    let mut env = minijinja::Environment::new();
    if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
    {
        env.set_syntax(syntax);
    }
    env.add_filter("cell", cell);
    env.add_filter("md", md);
    env.add_filter("code", code);
    env.add_filter("code_cell", code_cell);
    env.add_filter("fence", fence);
    env.add_filter("ticks", ticks);
    env.add_filter("href", href);
    let Some((head, file, tail)) = template_parts(source) else {
        return Err(Stop::Template(minijinja::Error::new(
            minijinja::ErrorKind::TemplateNotFound,
            "the template marks no part per file",
        )));
    };
    for (name, part) in [(head_name, head), (file_name, file), (tail_name, tail)] {
        env.add_template(name, part).map_err(Stop::Template)?;
    }
    let context = minijinja::context! {
        r => minijinja::Value::from(minijinja::value::Serde(audit)),
        charts => charts
            .iter()
            .map(|(name, svg)| (*name, minijinja::Value::from_safe_string(svg.clone())))
            .collect::<BTreeMap<_, _>>(),
    };
    let template = |name| env.get_template(name).map_err(Stop::Template);
    template(head_name)?
        .render_captured_to(&context, &mut *sink)
        .map_err(Stop::Template)?;
    let each = template(file_name)?;
    guard::each_file(
        input.diagnostics.iter(),
        failures,
        |diagnostics| {
            let group = file_findings(input, audit, diagnostics);
            each.render(minijinja::context! { group => minijinja::Value::from(minijinja::value::Serde(&group)) })
        },
        |part| {
            let part = part.map_err(Stop::Template)?;
            sink.write_all(part.as_bytes()).map_err(Stop::Write)
        },
    )?;
    template(tail_name)?
        .render_captured_to(&context, &mut *sink)
        .map_err(Stop::Template)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_template_has_one_part_per_file_between_what_comes_before_and_after() {
        for source in [
            include_str!("templates/report.html"),
            include_str!("templates/report.md"),
        ] {
            let (head, file, tail) = template_parts(source).unwrap();
            assert!(head.contains("{% if not r.has_findings %}"));
            // The part per file reads its file's findings and nothing of the whole run.
            assert!(file.contains("{% for f in group.items %}"), "{file}");
            assert!(!file.contains("r."), "{file}");
            for other in [head, tail] {
                assert!(!other.contains("group."), "{other}");
                assert!(!other.contains(EACH_FILE) && !other.contains(END_EACH_FILE));
            }
        }
        assert!(template_parts("no parts").is_none());
    }

    #[test]
    fn backtick_spans_become_code_in_html() {
        assert_eq!(
            ticks("menu `a<b>` has 4 options".into()).to_string(),
            "menu <code>a&lt;b&gt;</code> has 4 options"
        );
        assert_eq!(ticks("odd ` tick".into()).to_string(), "odd ` tick");
    }

    #[test]
    fn markdown_code_spans_are_not_html_escaped() {
        assert_eq!(
            md("image `<img src=x>` & more".into()),
            "image `<img src=x>` &amp; more"
        );
        assert_eq!(md("odd ` <b>".into()), "odd \\` &lt;b&gt;");
        assert_eq!(code("a``b".into()), "```a``b```");
        assert_eq!(code("`x".into()), "`` `x ``");
        assert_eq!(code_cell("a|b".into()), "`a\\|b`");
        assert_eq!(cell("`a|<b>` | c".into()), "`a\\|<b>` \\| c");
    }

    #[test]
    fn urls_keep_their_slashes_and_lose_their_quotes() {
        assert_eq!(
            href("https://a.example/p?q=1&r=\"x\"".into()).to_string(),
            "https://a.example/p?q=1&amp;r=&quot;x&quot;"
        );
        assert_eq!(href("javascript:alert(1)".into()).to_string(), "#");
    }

    #[test]
    fn markdown_cells_and_fences_are_escaped() {
        assert_eq!(cell("a | b\n<c>".into()), "a \\| b<br>&lt;c&gt;");
        assert_eq!(fence("no ticks".into()), "```");
        assert_eq!(fence("x ```` y".into()), "`````");
    }
}
