//! GitLab Code Quality: a JSON array of issues (CodeClimate's format as GitLab reads it),
//! for the merge-request widget. Suppressed findings are left out.

use serde::Serialize;

use super::guard::per_file;
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

pub fn render(input: &ReportInput, failures: &mut Vec<RenderFailure>) -> String {
    let issues: Vec<Issue> = per_file(input.active(), failures, |diagnostics| {
        diagnostics.iter().map(|d| issue(d)).collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect();
    let mut text = serde_json::to_string_pretty(&issues).unwrap_or_default();
    text.push('\n');
    text
}
