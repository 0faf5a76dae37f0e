//! Reports: one file per output format, all rendered from the same diagnostics.

mod concise;
mod human;
mod json;

use crate::diagnostic::{Counts, Diagnostic};
use crate::workspace::SourceFile;

/// Output formats of `walint check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Human,
    Concise,
    Json,
}

/// Everything a report needs: the run's files and its sorted diagnostics.
pub struct ReportInput<'a> {
    pub files: &'a [SourceFile],
    pub diagnostics: &'a [Diagnostic],
    /// Terminal colours (human format only).
    pub color: bool,
}

impl ReportInput<'_> {
    pub fn counts(&self) -> Counts {
        Counts::of(self.diagnostics)
    }
}

pub fn render(format: ReportFormat, input: &ReportInput) -> String {
    match format {
        ReportFormat::Human => human::render(input),
        ReportFormat::Concise => concise::render(input),
        ReportFormat::Json => json::render(input),
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
