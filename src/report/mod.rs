//! Reports: one file per output format, all rendered from the same diagnostics and run
//! metadata. Suppressed diagnostics reach every renderer; the machine and audit formats
//! (json, sarif, markdown, html) show them with their reason, the terminal and CI views
//! (human, concise, github, gitlab, junit) leave them out.

mod audit;
pub mod compare;
mod concise;
pub mod excerpt;
mod github;
mod gitlab;
mod guard;
mod html;
mod human;
mod json;
mod junit;
mod markdown;
pub mod meta;
mod sarif;
mod statistics;
pub mod terminal;
pub mod text;

use std::io;

use crate::baseline::BaselineStats;
use crate::catalogue::{Catalogue, RuleId};
use crate::config::FailOn;
use crate::diagnostic::{Counts, Diagnostic, FileId};
use crate::workspace::SourceFile;
use compare::{Comparison, PreviousReport};

pub use guard::{RenderFailure, Rendered};
pub use meta::RunMeta;

/// Output formats of `walint check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Human,
    Concise,
    Json,
    Sarif,
    Junit,
    Github,
    Gitlab,
    Markdown,
    Html,
}

impl ReportFormat {
    /// Whether the report states which checked files differ from the commit (the audit
    /// reports and JSON do): only then does a run ask git, which costs more than checking
    /// one file.
    pub fn states_changed_files(self) -> bool {
        matches!(self, Self::Json | Self::Markdown | Self::Html)
    }

    /// Whether the report reads the text of the files its diagnostics point into: for
    /// excerpts, SARIF's UTF-16 columns, GitHub's job summary (a Markdown report).
    pub fn shows_text(self) -> bool {
        matches!(
            self,
            Self::Human | Self::Sarif | Self::Github | Self::Markdown | Self::Html
        )
    }
}

/// Everything a report needs: the run's files, its sorted diagnostics and what the run was.
pub struct ReportInput<'a> {
    /// The files checked, in id order.
    pub files: &'a [SourceFile],
    /// The config files, the run's first; diagnostics in one have its id
    /// ([`FileId::is_config`]).
    pub config_files: &'a [SourceFile],
    /// Every diagnostic, suppressed ones included (baseline matches are gone already).
    pub diagnostics: &'a [Diagnostic],
    /// Terminal colours (human format only).
    pub color: bool,
    /// Columns of the terminal the report is shown in (human format only; see
    /// [`terminal::report_width`]); `None` lays it out at a fixed width, as for a file.
    pub width: Option<usize>,
    pub fail_on: FailOn,
    pub catalogue: &'a Catalogue,
    /// The rules that ran.
    pub enabled: &'a [RuleId],
    pub baseline: Option<&'a BaselineStats>,
    /// The earlier run's JSON report, with `--compare`.
    pub previous: Option<&'a PreviousReport>,
    pub meta: &'a RunMeta,
}

impl<'a> ReportInput<'a> {
    /// Counts of the findings that count (not suppressed).
    pub fn counts(&self) -> Counts {
        Counts::of(self.diagnostics)
    }

    /// The findings that count, for the terminal and CI views.
    pub fn active(&self) -> impl Iterator<Item = &'a Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_active())
    }

    pub fn suppressed_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| !d.is_active()).count()
    }

    /// The findings the baseline hid, each suppressed by its entry (kind `baseline`).
    pub fn baselined(&self) -> &'a [Diagnostic] {
        self.baseline.map_or(&[], |b| b.accepted.as_slice())
    }

    /// Every accepted finding, suppressed or baselined, in report order.
    pub fn accepted(&self) -> Vec<&'a Diagnostic> {
        self.sorted(self.diagnostics.iter().filter(|d| !d.is_active()))
    }

    /// Every finding, accepted ones and those the baseline hid included, in report order.
    pub fn everything(&self) -> Vec<&'a Diagnostic> {
        self.sorted(self.diagnostics.iter())
    }

    /// `findings` and the baselined ones, in report order.
    fn sorted(&self, findings: impl Iterator<Item = &'a Diagnostic>) -> Vec<&'a Diagnostic> {
        let mut all: Vec<&Diagnostic> = findings.chain(self.baselined()).collect();
        all.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        all
    }

    /// This run against the previous report, with `--compare`.
    pub fn comparison(&self) -> Option<Comparison<'a>> {
        self.previous
            .map(|previous| Comparison::of(previous, &self.everything()))
    }

    /// A file by a diagnostic's `file_id`, the config file included.
    pub fn source(&self, id: FileId) -> Option<&'a SourceFile> {
        crate::workspace::file_by_id(self.files, self.config_files, id)
    }

    /// A file's place among `files`, the config files a diagnostic points into after them
    /// (as SARIF lists artifacts).
    pub fn position(&self, id: FileId) -> usize {
        if id.is_config() {
            let before = self
                .config_files_used()
                .take_while(|config| config.id != id)
                .count();
            return self.files.len() + before;
        }
        self.files
            .binary_search_by_key(&id, |f| f.id)
            .unwrap_or(self.files.len())
    }

    /// The config files some diagnostic points into, in order.
    pub fn config_files_used(&self) -> impl Iterator<Item = &'a SourceFile> + '_ {
        self.config_files
            .iter()
            .filter(|config| self.diagnostics.iter().any(|d| d.file_id == config.id))
    }

    /// True when the run fails: a finding that counts at or above `--fail-on`.
    pub fn failed(&self) -> bool {
        self.active().any(|d| self.fail_on.fails(d.severity))
    }
}

/// Writes the report in `format` to `out` as it is rendered, file by file: no format but
/// JUnit holds the whole document in memory. Each file's findings are rendered on their own
/// and written once complete: should a renderer panic on one file, the report holds every
/// other file's findings and the failures returned name it. A panic outside any one file's
/// part is a failure without a file; what was written before it is no whole report (the
/// command line empties a report file then, see `cli`). An error is one of `out`.
pub fn write(
    format: ReportFormat,
    input: &ReportInput,
    out: &mut dyn io::Write,
) -> io::Result<Vec<RenderFailure>> {
    let mut failures = Vec::new();
    let whole = guard::catch(|| {
        let failures = &mut failures;
        match format {
            ReportFormat::Human => human::write(input, failures, out),
            ReportFormat::Concise => concise::write(input, failures, out),
            ReportFormat::Json => json::write(input, failures, out),
            ReportFormat::Sarif => sarif::write(input, failures, out),
            ReportFormat::Junit => junit::write(input, failures, out),
            ReportFormat::Github => github::write(input, failures, out),
            ReportFormat::Gitlab => gitlab::write(input, failures, out),
            ReportFormat::Markdown => markdown::write(input, failures, out),
            ReportFormat::Html => html::write(input, failures, out),
        }
    });
    match whole {
        Ok(written) => written.map(|()| failures),
        Err(message) => Ok(vec![RenderFailure {
            file: None,
            message,
        }]),
    }
}

/// The report in `format`, in memory ([`write`] into a buffer): for what needs the whole
/// text (the job summary, which is cut to GitHub's limit) and for tests. A panic outside
/// any one file's part leaves the text empty.
pub fn render(format: ReportFormat, input: &ReportInput) -> Rendered {
    let mut bytes = Vec::new();
    let failures = match write(format, input, &mut bytes) {
        Ok(failures) => failures,
        // A buffer takes every write: only serialising can fail here.
        Err(error) => vec![RenderFailure {
            file: None,
            message: error.to_string(),
        }],
    };
    if failures.iter().any(|f| f.file.is_none()) {
        bytes.clear();
    }
    // Every renderer writes `str`s only.
    let text = String::from_utf8(bytes)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned());
    Rendered { text, failures }
}

/// What `--statistics` prints in place of the report in `format`: a table for the text
/// formats, JSON for `json`; `None` for a format statistics have no shape in.
pub fn statistics(format: ReportFormat) -> Option<fn(&ReportInput) -> String> {
    match format {
        ReportFormat::Human | ReportFormat::Concise => Some(statistics::render_text),
        ReportFormat::Json => Some(statistics::render_json),
        _ => None,
    }
}

/// "3 errors, 1 warning" — the shared summary wording.
pub fn summary_line(counts: Counts, files: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let total = counts.errors + counts.warnings + counts.infos;
    if total == 0 {
        return format!("No problems found in {}.", plural(files, "file"));
    }
    format!(
        "Found {} ({}, {}, {}) in {}.",
        plural(total, "problem"),
        plural(counts.errors, "error"),
        plural(counts.warnings, "warning"),
        plural(counts.infos, "info"),
        plural(files, "file"),
    )
}

/// The summary line with what suppressions and the baseline hid, when they hid anything.
/// Plain text: the baseline's file name is escaped as every text report escapes names.
pub fn full_summary(input: &ReportInput) -> String {
    let mut line = summary_line(input.counts(), input.files.len());
    let suppressed = input.suppressed_count();
    if suppressed > 0 {
        line.push_str(&format!(
            " {suppressed} suppressed with a reason (listed in the json, sarif, markdown and html reports)."
        ));
    }
    if let Some(baseline) = input.baseline {
        let reasonless = match baseline.without_reason {
            0 => String::new(),
            n => format!(" ({n} without a reason)"),
        };
        line.push_str(&format!(
            " Baseline {}: {} hidden{reasonless}, {} fixed.",
            text::printable(&baseline.file),
            baseline.hidden,
            baseline.fixed
        ));
    }
    if let Some(comparison) = input.comparison() {
        line.push_str(&format!(
            " Since {}: {}.",
            text::printable(&comparison.previous.file),
            comparison.summary()
        ));
    }
    line
}
