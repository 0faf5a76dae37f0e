//! The auditor's report as Markdown, for a pull-request comment or a CI job summary. The
//! same content as the HTML report; the chart is a table with text bars, since Markdown
//! renderers (GitHub's among them) strip inline SVG.

use super::audit::{build, write_report};
use super::{RenderFailure, ReportInput};

const TEMPLATE: &str = include_str!("templates/report.md");

pub fn write(
    input: &ReportInput,
    failures: &mut Vec<RenderFailure>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let names = ["report.md", "report-file.md", "report-end.md"];
    write_report(names, TEMPLATE, input, &build(input), &[], failures, out)
}
