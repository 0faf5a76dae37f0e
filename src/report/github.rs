//! GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` annotation a finding
//! that counts, escaped as the Actions toolkit does, and nothing else: the CLI writes the
//! summary line to standard error and appends the Markdown report to `$GITHUB_STEP_SUMMARY`
//! when it is set.

use std::fmt::Write;
use std::io;

use super::guard::each_file;
use super::text::printable;
use super::{RenderFailure, ReportInput};
use crate::diagnostic::{Diagnostic, Severity};

/// Escapes a command's message (`%`, CR, LF), as `escapeData` in @actions/core.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property value (also `:` and `,`), as `escapeProperty` in @actions/core.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

pub fn write(
    input: &ReportInput,
    failures: &mut Vec<RenderFailure>,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let part = |diagnostics: &[&Diagnostic]| {
        let mut out = String::new();
        for d in diagnostics {
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            // Control characters from the files are escaped before the toolkit's escaping,
            // so only the line break before `help:` is a real one.
            let mut message = printable(&d.message).into_owned();
            if let Some(help) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(&printable(help));
            }
            let _ = writeln!(
                out,
                "::{command} file={},line={},endLine={},col={},endColumn={},title={}::{}",
                escape_property(&printable(&d.file)),
                d.start.line,
                d.end.line,
                d.start.column,
                d.end.column,
                escape_property(&format!("{} {}", d.code, d.name)),
                escape_data(&message)
            );
        }
        out
    };
    each_file(input.active(), failures, part, |part| {
        out.write_all(part.as_bytes())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_actions_toolkit() {
        assert_eq!(escape_data("100% done\r\nnext"), "100%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
