//! `path:line:col: severity[CODE] message`, one finding a line.

use std::fmt::Write;

use super::guard::per_file;
use super::text::printable;
use super::{full_summary, RenderFailure, ReportInput};

pub fn render(input: &ReportInput, failures: &mut Vec<RenderFailure>) -> String {
    let parts = per_file(input.active(), failures, |diagnostics| {
        let mut out = String::new();
        for d in diagnostics {
            let _ = writeln!(
                out,
                "{}:{}:{}: {}[{}] {}",
                printable(&d.file),
                d.start.line,
                d.start.column,
                d.severity,
                d.code,
                printable(&d.message)
            );
        }
        out
    });
    let mut out = parts.concat();
    let _ = writeln!(out, "{}", full_summary(input));
    out
}
