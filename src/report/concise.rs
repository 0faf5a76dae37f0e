//! `path:line:col: severity[CODE] message`, one finding a line.

use std::fmt::Write;
use std::io;

use super::guard::each_file;
use super::text::printable;
use super::{full_summary, RenderFailure, ReportInput};
use crate::diagnostic::Diagnostic;

pub fn write(
    input: &ReportInput,
    failures: &mut Vec<RenderFailure>,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let part = |diagnostics: &[&Diagnostic]| {
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
    };
    each_file(input.active(), failures, part, |part| {
        out.write_all(part.as_bytes())
    })?;
    writeln!(out, "{}", full_summary(input))
}
