//! GitLab Code Quality: a JSON array of issues (CodeClimate's format as GitLab reads it),
//! for the merge-request widget. Suppressed findings are left out.

use std::io;

use serde::Serialize;

use super::guard::{write_json, FileSeq};
use super::{RenderFailure, ReportInput};
use crate::diagnostic::{Diagnostic, Severity};

#[derive(Serialize)]
struct Issue<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    description: String,
    check_name: &'a str,
    fingerprint: &'a str,
    severity: &'static str,
    categories: [&'static str; 1],
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

/// GitLab's levels are info, minor, major, critical and blocker. A walint error is a message
/// Meta refuses or a policy breach that risks the number: critical. Blocker is left for
/// nothing, as walint has no level above error.
fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "critical",
        Severity::Warning => "major",
        Severity::Info => "info",
    }
}

fn issue(d: &Diagnostic) -> Issue<'_> {
    Issue {
        kind: "issue",
        description: format!("{} {}: {}", d.code, d.name, d.message),
        check_name: &d.code,
        fingerprint: &d.fingerprint,
        severity: severity(d.severity),
        categories: ["Bug Risk"],
        location: Location {
            path: &d.file,
            lines: Lines {
                begin: d.start.line,
                end: d.end.line,
            },
        },
    }
}

pub fn write<'a>(
    input: &ReportInput<'a>,
    failures: &mut Vec<RenderFailure>,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let issues = FileSeq::new(
        input.active(),
        |diagnostics: &[&'a Diagnostic]| diagnostics.iter().map(|d| issue(d)).collect(),
        failures,
    );
    write_json(out, &issues)
}
