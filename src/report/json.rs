//! The JSON report (README.md, "Output formats": its fields and their meaning).

use serde::Serialize;

use super::guard::per_file;
use super::meta::{ChangedFile, Scope};
use super::{RenderFailure, ReportInput};
use crate::baseline::BaselineStats;
use crate::config::Attestation;
use crate::diagnostic::{Counts, Diagnostic, RelatedLocation, Severity, Suppression};

#[derive(Serialize)]
struct Report<'a> {
    tool: Tool,
    summary: Summary<'a>,
    diagnostics: Vec<Entry<'a>>,
    run: Run<'a>,
}

/// What the report is evidence of: its id, the policy data, the scope and the sign-off.
/// The time and command line are left out, so the same run gives the same JSON.
#[derive(Serialize)]
struct Run<'a> {
    report_id: &'a str,
    catalogue_version: &'a str,
    policy_date: &'a str,
    scope: &'a Scope,
    attestation: &'a Attestation,
    /// Some checked file differs from the commit checked out (the commit itself is in the
    /// audit reports): the inventory's hashes are those of the working tree.
    dirty: bool,
    changed_files: &'a [ChangedFile],
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary<'a> {
    files: usize,
    /// Findings that count (suppressed ones are not in these).
    #[serde(flatten)]
    counts: Counts,
    /// Findings accepted by a walint-ignore comment or a config override.
    #[serde(skip_serializing_if = "is_zero")]
    suppressed: usize,
    /// Only with `--baseline`.
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<&'a BaselineStats>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
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
    /// Null unless a suppression or a baseline entry accepted the finding: then its kind,
    /// reason and place (and, for a baseline entry, the day it was recorded).
    suppression: Option<&'a Suppression>,
}

fn entry(d: &Diagnostic) -> Entry<'_> {
    Entry {
        rule: &d.code,
        name: &d.name,
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
        suppression: d.suppressed.as_ref(),
    }
}

pub fn render(input: &ReportInput, failures: &mut Vec<RenderFailure>) -> String {
    // Baselined findings beside the suppressed ones: accepted, with the entry's reason.
    let mut all: Vec<&Diagnostic> = input.diagnostics.iter().chain(input.baselined()).collect();
    all.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let diagnostics = per_file(all.into_iter(), failures, |diagnostics| {
        diagnostics.iter().map(|d| entry(d)).collect::<Vec<_>>()
    });
    let report = Report {
        tool: Tool {
            name: "walint",
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: Summary {
            files: input.files.len(),
            counts: input.counts(),
            suppressed: input.suppressed_count(),
            baseline: input.baseline,
        },
        diagnostics: diagnostics.into_iter().flatten().collect(),
        run: Run {
            report_id: &input.meta.report_id,
            catalogue_version: input.meta.catalogue_version,
            policy_date: &input.meta.policy_date,
            scope: &input.meta.scope,
            attestation: &input.meta.attestation,
            dirty: input.meta.dirty,
            changed_files: &input.meta.changed_files,
        },
    };
    // Serialising these plain structs cannot fail.
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
    text.push('\n');
    text
}
