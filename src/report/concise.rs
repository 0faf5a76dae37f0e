//! `path:line:col: severity[CODE] message`, one finding a line.

use std::fmt::Write;

use super::{full_summary, ReportInput};

pub fn render(input: &ReportInput) -> String {
    let mut out = String::new();
    for d in input.active() {
        let _ = writeln!(
            out,
            "{}:{}:{}: {}[{}] {}",
            d.file, d.start.line, d.start.column, d.severity, d.code, d.message
        );
    }
    let _ = writeln!(out, "{}", full_summary(input));
    out
}
