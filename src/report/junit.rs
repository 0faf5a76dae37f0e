//! JUnit XML for CI test dashboards: one testsuite per file, one failing testcase per finding
//! at or above `--fail-on`, one passing testcase for a file without such a finding.
//! Suppressed findings and findings below the threshold are not test failures.

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::ReportInput;
use crate::diagnostic::{Diagnostic, FileId};

/// The name of the passing testcase of a clean file.
const CLEAN: &str = "walint";

fn failure(d: &Diagnostic) -> TestCase {
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
    let mut description = format!(
        "{}:{}:{}: {}[{}] {}",
        d.file, d.start.line, d.start.column, d.severity, d.code, d.message
    );
    if let Some(help) = &d.help {
        description.push_str(&format!("\nhelp: {help}"));
    }
    status
        .set_message(d.message.as_str())
        .set_type(&*d.code)
        .set_description(description);
    let mut case = TestCase::new(
        format!(
            "{} {} at {}:{}",
            d.code, d.name, d.start.line, d.start.column
        ),
        status,
    );
    case.set_classname(d.file.as_str());
    case
}

pub fn render(input: &ReportInput) -> String {
    let mut report = Report::new("walint");
    let mut files: Vec<(FileId, &str)> = input
        .files
        .iter()
        .map(|f| (f.id, f.path.as_str()))
        .collect();
    if let Some(config) = input.config_file {
        if input.active().any(|d| d.file_id == FileId::CONFIG) {
            files.push((FileId::CONFIG, config.path.as_str()));
        }
    }
    for (id, path) in files {
        let mut suite = TestSuite::new(path);
        let failures: Vec<TestCase> = input
            .active()
            .filter(|d| d.file_id == id && input.fail_on.fails(d.severity))
            .map(failure)
            .collect();
        if failures.is_empty() {
            let mut case = TestCase::new(CLEAN, TestCaseStatus::success());
            case.set_classname(path);
            suite.add_test_case(case);
        } else {
            suite.add_test_cases(failures);
        }
        report.add_test_suite(suite);
    }
    report.to_string().unwrap_or_else(|error| {
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- walint: cannot write JUnit: {error} -->\n")
    })
}
