//! `walint check --statistics`: how many findings each rule has, most first, instead of the
//! findings themselves (as ruff's `--statistics`). Suppressed findings are not counted, as
//! the terminal views leave them out.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use super::text::printable;
use super::{full_summary, ReportInput};
use crate::catalogue::Applicability;
use crate::diagnostic::{Counts, Severity};

/// One rule at one severity (a rule such as WA101 reports at several).
#[derive(Serialize)]
struct Row<'a> {
    rule: &'a str,
    name: &'a str,
    severity: Severity,
    count: usize,
    /// Findings `walint check --fix` fixes.
    fixable: usize,
    /// Findings only `--fix --unsafe-fixes` fixes (the fix changes what the file means).
    unsafe_fixable: usize,
}

/// Most findings first; ties by code, then severity (errors first).
fn rows<'a>(input: &ReportInput<'a>) -> Vec<Row<'a>> {
    let mut by_rule: BTreeMap<(&str, std::cmp::Reverse<Severity>), Row> = BTreeMap::new();
    for d in input.active() {
        let row = by_rule
            .entry((&d.code, std::cmp::Reverse(d.severity)))
            .or_insert(Row {
                rule: &d.code,
                name: &d.name,
                severity: d.severity,
                count: 0,
                fixable: 0,
                unsafe_fixable: 0,
            });
        row.count += 1;
        match d.fix.as_ref().map(|fix| fix.applicability) {
            Some(Applicability::Safe) => row.fixable += 1,
            Some(Applicability::Unsafe) => row.unsafe_fixable += 1,
            None => {}
        }
    }
    let mut rows: Vec<Row> = by_rule.into_values().collect();
    // A stable sort keeps the map's order (code, then severity) among equal counts.
    rows.sort_by_key(|row| std::cmp::Reverse(row.count));
    rows
}

/// The table: count, code, severity, name and how many `--fix` fixes, then the summary line.
pub fn render_text(input: &ReportInput) -> String {
    let rows = rows(input);
    let count_width = rows.iter().map(|r| r.count.to_string().len()).max();
    let name_width = rows.iter().map(|r| r.name.chars().count()).max();
    let mut out = String::new();
    for row in &rows {
        let fixable = match (row.fixable, row.unsafe_fixable) {
            (0, 0) => String::new(),
            (n, 0) => format!("  ({n} fixable with --fix)"),
            (0, u) => format!("  ({u} fixable with --fix --unsafe-fixes)"),
            (n, u) => format!("  ({n} fixable with --fix, {u} more with --unsafe-fixes)"),
        };
        let line = format!(
            "{:>cw$}  {}  {:<7}  {:<nw$}{fixable}",
            row.count,
            printable(row.rule),
            row.severity.to_string(),
            printable(row.name),
            cw = count_width.unwrap_or(1),
            nw = name_width.unwrap_or(0),
        );
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let _ = writeln!(out, "{}", full_summary(input));
    out
}

#[derive(Serialize)]
struct Statistics<'a> {
    statistics: Vec<Row<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    #[serde(flatten)]
    counts: Counts,
}

/// `{"statistics": [{rule, name, severity, count, fixable, unsafe_fixable}], "summary":
/// {files, errors, warnings, infos}}`.
pub fn render_json(input: &ReportInput) -> String {
    let statistics = Statistics {
        statistics: rows(input),
        summary: Summary {
            files: input.files.len(),
            counts: input.counts(),
        },
    };
    // Serialising these plain structs cannot fail.
    let mut text = serde_json::to_string_pretty(&statistics).unwrap_or_default();
    text.push('\n');
    text
}
