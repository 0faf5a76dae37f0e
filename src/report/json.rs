//! The JSON report (README.md, "Output formats": its fields and their meaning).

use std::io;

use serde::Serialize;

use super::compare::{Comparison, PreviousFinding, Totals};
use super::guard::{write_json, FileSeq};
use super::meta::{ChangedFile, Scope};
use super::{RenderFailure, ReportInput};
use crate::baseline::BaselineStats;
use crate::config::Attestation;
use crate::diagnostic::{Counts, Diagnostic, RelatedLocation, Severity, Suppression};

#[derive(Serialize)]
struct Report<'a, D> {
    tool: Tool,
    summary: Summary<'a>,
    /// Serialised file by file as it is written ([`FileSeq`]).
    diagnostics: D,
    run: Run<'a>,
    /// Only with `--compare`.
    #[serde(skip_serializing_if = "Option::is_none")]
    comparison: Option<ComparisonJson<'a>>,
}

/// `--compare`: the previous report, the four totals, and each list: this run's findings
/// by fingerprint, the fixed ones as the previous report had them.
#[derive(Serialize)]
struct ComparisonJson<'a> {
    previous: PreviousJson<'a>,
    totals: ChangeTotals,
    new: Vec<NewJson<'a>>,
    fixed: &'a [&'a PreviousFinding],
    accepted: Vec<&'a str>,
    still_open: Vec<&'a str>,
}

#[derive(Serialize)]
struct PreviousJson<'a> {
    file: &'a str,
    sha256: &'a str,
    report_id: &'a str,
    files: usize,
    #[serde(flatten)]
    totals: Totals,
}

#[derive(Serialize)]
struct ChangeTotals {
    new: usize,
    fixed: usize,
    accepted: usize,
    still_open: usize,
}

#[derive(Serialize)]
struct NewJson<'a> {
    fingerprint: &'a str,
    /// Accepted in the previous report, open now (its suppression or baseline entry went).
    was_accepted: bool,
}

fn comparison_json<'a>(comparison: &'a Comparison<'a>) -> ComparisonJson<'a> {
    let previous = comparison.previous;
    let fingerprints =
        |list: &[&'a Diagnostic]| list.iter().map(|d| d.fingerprint.as_str()).collect();
    ComparisonJson {
        previous: PreviousJson {
            file: &previous.file,
            sha256: &previous.sha256,
            report_id: &previous.report_id,
            files: previous.files,
            totals: previous.totals(),
        },
        totals: ChangeTotals {
            new: comparison.new.len(),
            fixed: comparison.fixed.len(),
            accepted: comparison.accepted.len(),
            still_open: comparison.still_open.len(),
        },
        new: comparison
            .new
            .iter()
            .map(|(d, was_accepted)| NewJson {
                fingerprint: &d.fingerprint,
                was_accepted: *was_accepted,
            })
            .collect(),
        fixed: &comparison.fixed,
        accepted: fingerprints(&comparison.accepted),
        still_open: fingerprints(&comparison.still_open),
    }
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
        suppression: d.suppressed.as_deref(),
    }
}

pub fn write<'a>(
    input: &ReportInput<'a>,
    failures: &mut Vec<RenderFailure>,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    // Baselined findings beside the suppressed ones: accepted, with the entry's reason.
    let everything = input.everything();
    let diagnostics = FileSeq::new(
        everything.into_iter(),
        |diagnostics: &[&'a Diagnostic]| diagnostics.iter().map(|d| entry(d)).collect(),
        failures,
    );
    let comparison = input.comparison();
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
        diagnostics,
        run: Run {
            report_id: &input.meta.report_id,
            catalogue_version: input.meta.catalogue_version,
            policy_date: &input.meta.policy_date,
            scope: &input.meta.scope,
            attestation: &input.meta.attestation,
            dirty: input.meta.dirty,
            changed_files: &input.meta.changed_files,
        },
        comparison: comparison.as_ref().map(comparison_json),
    };
    write_json(out, &report)
}
