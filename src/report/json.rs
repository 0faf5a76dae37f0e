//! The JSON report of spec §2.

use serde::Serialize;

use super::ReportInput;
use crate::diagnostic::{Counts, RelatedLocation, Severity};

#[derive(Serialize)]
struct Report<'a> {
    tool: Tool,
    summary: Summary,
    diagnostics: Vec<Entry<'a>>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    #[serde(flatten)]
    counts: Counts,
}

#[derive(Serialize)]
struct Entry<'a> {
    rule: &'a str,
    name: &'a str,
    severity: Severity,
    message: &'a str,
    help: Option<&'a str>,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    pointer: &'a str,
    fingerprint: &'a str,
    related: &'a [RelatedLocation],
}

pub fn render(input: &ReportInput) -> String {
    let report = Report {
        tool: Tool {
            name: "walint",
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: Summary {
            files: input.files.len(),
            counts: input.counts(),
        },
        diagnostics: input
            .diagnostics
            .iter()
            .map(|d| Entry {
                rule: d.code,
                name: d.name,
                severity: d.severity,
                message: &d.message,
                help: d.help.as_deref(),
                file: &d.file,
                line: d.start.line,
                column: d.start.column,
                end_line: d.end.line,
                end_column: d.end.column,
                pointer: &d.pointer,
                fingerprint: &d.fingerprint,
                related: &d.related,
            })
            .collect(),
    };
    // Serialising these plain structs cannot fail.
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
    text.push('\n');
    text
}
