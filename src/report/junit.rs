//! JUnit XML for CI test dashboards: one testsuite per file, one failing testcase per finding
//! at or above `--fail-on`, one passing testcase for a file without such a finding.
//! Suppressed findings and findings below the threshold are not test failures. Control
//! characters, which XML 1.0 cannot carry at all, are escaped as in the text reports.

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::guard::catch;
use super::text::printable;
use super::{RenderFailure, ReportInput};
use crate::diagnostic::{Diagnostic, FileId};

/// The name of the passing testcase of a clean file.
const CLEAN: &str = "walint";

/// A failing testcase's name: the rule and the JSON pointer of what it is about, so the name
/// stays the same when lines above move and dashboards keep its history; `(2)`, `(3)` tell
/// apart findings of one rule at one place. The line is in the message.
fn case_name(d: &Diagnostic, seen: &mut std::collections::HashMap<String, usize>) -> String {
    let place = if d.pointer.is_empty() {
        "the document".to_string()
    } else {
        printable(&d.pointer).into_owned()
    };
    let name = format!("{} {} at {place}", d.code, d.name);
    let count = seen.entry(name.clone()).or_insert(0);
    *count += 1;
    if *count == 1 {
        name
    } else {
        format!("{name} ({count})")
    }
}

fn failure(d: &Diagnostic, name: String) -> TestCase {
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
    let message = format!(
        "line {}, column {}: {}",
        d.start.line,
        d.start.column,
        printable(&d.message)
    );
    let mut description = format!(
        "{}:{}:{}: {}[{}] {}",
        printable(&d.file),
        d.start.line,
        d.start.column,
        d.severity,
        d.code,
        printable(&d.message),
    );
    if let Some(help) = &d.help {
        description.push_str(&format!("\nhelp: {}", printable(help)));
    }
    status
        .set_message(message.as_str())
        .set_type(&*d.code)
        .set_description(description);
    let mut case = TestCase::new(name, status);
    case.set_classname(printable(&d.file).as_ref());
    case
}

/// quick-junit builds the whole document before it is written; the report holds only the
/// findings at or above `--fail-on` and a line per clean file, so it is written in one go.
pub fn write(
    input: &ReportInput,
    failures: &mut Vec<RenderFailure>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut report = Report::new("walint");
    let mut files: Vec<(FileId, &str)> = input
        .files
        .iter()
        .map(|f| (f.id, f.path.as_str()))
        .collect();
    for config in input.config_files {
        if input.active().any(|d| d.file_id == config.id) {
            files.push((config.id, config.path.as_str()));
        }
    }
    for (index, path) in files {
        let suite = catch(|| {
            let path = printable(path);
            let mut suite = TestSuite::new(path.as_ref());
            let mut seen = std::collections::HashMap::new();
            let failures: Vec<TestCase> = input
                .active()
                .filter(|d| d.file_id == index && input.fail_on.fails(d.severity))
                .map(|d| failure(d, case_name(d, &mut seen)))
                .collect();
            if failures.is_empty() {
                let mut case = TestCase::new(CLEAN, TestCaseStatus::success());
                case.set_classname(path.as_ref());
                suite.add_test_case(case);
            } else {
                suite.add_test_cases(failures);
            }
            suite
        });
        match suite {
            Ok(suite) => {
                report.add_test_suite(suite);
            }
            Err(message) => failures.push(RenderFailure {
                file: Some(path.to_string()),
                message,
            }),
        }
    }
    let text = report.to_string().unwrap_or_else(|error| {
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- walint: cannot write JUnit: {error} -->\n")
    });
    out.write_all(text.as_bytes())
}
