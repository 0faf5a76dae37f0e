//! The auditor's report as one self-contained HTML page: inline CSS and an inline SVG chart,
//! no script and no request leaving the page, readable when printed. Byte for byte the same
//! for the same input when `SOURCE_DATE_EPOCH` fixes the timestamp.

use std::fmt::Write;

use super::audit::{build, render_template, CategoryRow};
use super::{RenderFailure, ReportInput};

const TEMPLATE: &str = include_str!("templates/report.html");

const WIDTH: usize = 720;
const LABEL: usize = 150;
const BAR_AREA: usize = 500;
const ROW: usize = 30;
const TOP: usize = 34;

/// Segments of a bar: label, CSS class, colour, count.
fn segments(row: &CategoryRow) -> [(&'static str, &'static str, usize); 4] {
    [
        ("errors", "#c92a2a", row.errors),
        ("warnings", "#e8590c", row.warnings),
        ("infos", "#1971c2", row.infos),
        ("suppressed", "url(#hatch)", row.suppressed),
    ]
}

/// A horizontal stacked bar per category, one colour per severity (suppressed hatched grey).
pub fn chart(rows: &[CategoryRow]) -> String {
    let height = TOP + rows.len() * ROW + 8;
    let widest = rows.iter().map(|r| r.total).max().unwrap_or(0);
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" role=\"img\" aria-labelledby=\"chart-title\">\n<title id=\"chart-title\">Findings by category and severity</title>\n<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#ced4da\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#868e96\" stroke-width=\"2\"/></pattern></defs>\n"
    );
    // Legend.
    let mut x = LABEL;
    for (label, colour, _) in segments(&CategoryRow {
        name: "",
        bar: String::new(),
        errors: 0,
        warnings: 0,
        infos: 0,
        suppressed: 0,
        total: 0,
    }) {
        let _ = writeln!(
            svg,
            "<rect x=\"{x}\" y=\"6\" width=\"12\" height=\"12\" fill=\"{colour}\"/><text x=\"{}\" y=\"16\" class=\"legend\">{label}</text>",
            x + 16
        );
        x += 110;
    }
    for (i, row) in rows.iter().enumerate() {
        let y = TOP + i * ROW;
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"label\">{}</text>",
            LABEL - 10,
            y + 15,
            row.name
        );
        let _ = writeln!(
            svg,
            "<rect x=\"{LABEL}\" y=\"{y}\" width=\"{BAR_AREA}\" height=\"20\" fill=\"#f1f3f5\"/>"
        );
        let mut offset = 0;
        for (label, colour, count) in segments(row) {
            if count == 0 || widest == 0 {
                continue;
            }
            let width = (count * BAR_AREA).div_ceil(widest).max(2);
            let _ = writeln!(
                svg,
                "<rect x=\"{}\" y=\"{y}\" width=\"{width}\" height=\"20\" fill=\"{colour}\"><title>{}: {count} {label}</title></rect>",
                LABEL + offset,
                row.name
            );
            offset += width;
        }
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{}\" class=\"count\">{}</text>",
            LABEL + BAR_AREA + 10,
            y + 15,
            row.total
        );
    }
    svg.push_str("</svg>");
    svg
}

pub fn render(input: &ReportInput, failures: &mut Vec<RenderFailure>) -> String {
    let audit = build(input, failures);
    let chart = chart(&audit.categories);
    render_template("report.html", TEMPLATE, &audit, &chart)
}
