//! The auditor's report as Markdown, for a pull-request comment or a CI job summary. The
//! same content as the HTML report; the chart is a table with text bars, since Markdown
//! renderers (GitHub's among them) strip inline SVG.

use super::audit::{build, render_template};
use super::{RenderFailure, ReportInput};

const TEMPLATE: &str = include_str!("templates/report.md");

pub fn render(input: &ReportInput, failures: &mut Vec<RenderFailure>) -> String {
    render_template("report.md", TEMPLATE, &build(input, failures), &[])
}
