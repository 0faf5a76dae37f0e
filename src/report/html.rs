//! The auditor's report as one self-contained HTML page: inline CSS and an inline SVG chart,
//! no script and no request leaving the page, readable when printed. Byte for byte the same
//! for the same input when `SOURCE_DATE_EPOCH` fixes the timestamp.

use std::fmt::Write;

use super::audit::{build, write_report, CategoryRow, ComparisonView};
use super::compare::Totals;
use super::{RenderFailure, ReportInput};

const TEMPLATE: &str = include_str!("templates/report.html");

const WIDTH: usize = 720;
const LABEL: usize = 150;
const BAR_AREA: usize = 500;
const ROW: usize = 30;
const TOP: usize = 34;

/// What a chart is of: its element ids (one page may hold two charts), its title and the
/// word for its hatched segment.
pub struct ChartKind {
    pub id: &'static str,
    pub hatch_id: &'static str,
    pub title: &'static str,
    pub hatched: &'static str,
}

/// The findings by category, suppressed ones hatched.
const CATEGORIES: ChartKind = ChartKind {
    id: "chart",
    hatch_id: "hatch",
    title: "Findings by category and severity",
    hatched: "suppressed",
};

/// The previous report and this run (`--compare`), accepted findings hatched.
const TREND: ChartKind = ChartKind {
    id: "trend",
    hatch_id: "trend-hatch",
    title: "Findings of the previous report and of this run",
    hatched: "accepted",
};

/// Segments of a bar: label, colour, count.
fn segments<'a>(
    kind: &ChartKind,
    row: &CategoryRow,
    hatch: &'a str,
) -> [(&'static str, &'a str, usize); 4] {
    [
        ("errors", "#c92a2a", row.errors),
        ("warnings", "#e8590c", row.warnings),
        ("infos", "#1971c2", row.infos),
        (kind.hatched, hatch, row.suppressed),
    ]
}

/// A horizontal stacked bar per row, one colour per severity (the last segment hatched grey).
pub fn chart(kind: &ChartKind, rows: &[CategoryRow]) -> String {
    let height = TOP + rows.len() * ROW + 8;
    let widest = rows.iter().map(|r| r.total).max().unwrap_or(0);
    let id = kind.id;
    let hatch_id = kind.hatch_id;
    let hatch = format!("url(#{hatch_id})");
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" role=\"img\" aria-labelledby=\"{id}-title\">\n<title id=\"{id}-title\">{}</title>\n<defs><pattern id=\"{hatch_id}\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#ced4da\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#868e96\" stroke-width=\"2\"/></pattern></defs>\n",
        kind.title
    );
    // Legend.
    let mut x = LABEL;
    let empty = CategoryRow {
        name: "",
        bar: String::new(),
        errors: 0,
        warnings: 0,
        infos: 0,
        suppressed: 0,
        total: 0,
    };
    for (label, colour, _) in segments(kind, &empty, &hatch) {
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
        for (label, colour, count) in segments(kind, row, &hatch) {
            if count == 0 || widest == 0 {
                continue;
            }
            let width = (count * BAR_AREA).div_ceil(widest).max(2);
            let _ = writeln!(
                svg,
                "<rect x=\"{}\" y=\"{y}\" width=\"{width}\" height=\"20\" fill=\"{colour}\"><title>{}: {count} {}</title></rect>",
                LABEL + offset,
                row.name,
                // "1 error", "1 suppressed".
                if count == 1 { label.strip_suffix('s').unwrap_or(label) } else { label }
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

/// The trend's two bars: the previous report's findings and this run's.
fn trend_rows(comparison: &ComparisonView) -> [CategoryRow; 2] {
    let row = |name, t: &Totals| CategoryRow {
        name,
        bar: String::new(),
        errors: t.counts.errors,
        warnings: t.counts.warnings,
        infos: t.counts.infos,
        suppressed: t.accepted,
        total: t.counts.errors + t.counts.warnings + t.counts.infos + t.accepted,
    };
    [
        row("previous report", &comparison.then),
        row("this run", &comparison.now),
    ]
}

pub fn write(
    input: &ReportInput,
    failures: &mut Vec<RenderFailure>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let audit = build(input);
    let mut charts = vec![("categories", chart(&CATEGORIES, &audit.categories))];
    if let Some(comparison) = &audit.comparison {
        charts.push(("trend", chart(&TREND, &trend_rows(comparison))));
    }
    let names = ["report.html", "report-file.html", "report-end.html"];
    write_report(names, TEMPLATE, input, &audit, &charts, failures, out)
}
