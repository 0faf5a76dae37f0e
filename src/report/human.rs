//! rustc-style reports with the source snippet, through miette's graphical handler.
//!
//! miette is given an excerpt of each file (see [`super::excerpt`]), never the file: lines
//! cut to a window around the finding, control characters escaped, the header still giving
//! the finding's own line and column.

use std::borrow::Cow;
use std::fmt;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    Severity as MietteSeverity, SourceCode, SourceSpan, SpanContents,
};

use super::excerpt::{excerpt, ELLIPSIS};
use super::text::{printable, printable_line};
use super::{full_summary, RenderFailure, ReportInput};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{Position, Span};
use crate::workspace::SourceFile;

/// Width the snippets are wrapped at: fixed, so output does not depend on the terminal.
const WIDTH: usize = 100;
/// Lines shown before and after a finding's own, as miette shows them.
const CONTEXT_LINES: usize = 1;

/// What miette is given of a file: the excerpt's lines as a text of their own.
struct Window {
    name: String,
    text: String,
    /// 1-based number in the file of the window's first line.
    first_line: usize,
    /// The finding's span in `text`.
    label: SourceSpan,
    /// 0-based line and column of the finding in the file, for the header.
    start: (usize, usize),
}

impl Window {
    /// The excerpt of `span` in `file` (whose text as shown is `shown`), starting at `start`.
    fn new(file: &SourceFile, shown: &str, span: Span, start: Position) -> Window {
        let cut = excerpt(shown, &file.lines, span, CONTEXT_LINES);
        let part = |s: Span| printable_line(shown.get(s.start..s.end).unwrap_or(""));
        let mut text = String::new();
        let mut label: Option<(usize, usize)> = None;
        for line in &cut.lines {
            if line.cut_before {
                text.push_str(ELLIPSIS);
            }
            text.push_str(&part(line.before));
            let from = text.len();
            text.push_str(&part(line.marked));
            if line.in_span {
                label = Some((label.map_or(from, |(a, _)| a), text.len()));
            }
            text.push_str(&part(line.after));
            if line.cut_after {
                text.push_str(ELLIPSIS);
            }
            if line.broken {
                text.push('\n');
            }
        }
        let (a, b) = label.unwrap_or((0, 0));
        Window {
            name: printable(&file.path).into_owned(),
            text,
            first_line: cut.lines.first().map_or(1, |l| l.number),
            label: SourceSpan::new(a.into(), b - a),
            start: (start.line.saturating_sub(1), start.column.saturating_sub(1)),
        }
    }
}

impl SourceCode for Window {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let read = self.text.as_str().read_span(span, before, after)?;
        // The header names the finding's position in the file, not in the window.
        let (line, column) = if *span == self.label && before == 0 {
            self.start
        } else {
            (read.line() + self.first_line - 1, read.column())
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            read.data(),
            *read.span(),
            line,
            column,
            read.line_count(),
        )))
    }
}

struct Shown<'a> {
    diagnostic: &'a Diagnostic,
    message: Cow<'a, str>,
    help: Option<Cow<'a, str>>,
    source: Window,
    related: Vec<RelatedShown>,
}

/// A related location, rendered under the main report as rustc renders one: `note: message`
/// and its snippet. miette's own related reports would be headed `Advice:`, so each is a
/// report of its own, rendered with the theme whose advice symbol is `note:`.
struct RelatedShown {
    message: String,
    source: Window,
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Shown<'_> {}

impl miette::Diagnostic for Shown<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let d = self.diagnostic;
        Some(Box::new(format!("{}[{}] {}", d.severity, d.code, d.name)))
    }

    fn severity(&self) -> Option<MietteSeverity> {
        Some(match self.diagnostic.severity {
            Severity::Error => MietteSeverity::Error,
            Severity::Warning => MietteSeverity::Warning,
            Severity::Info => MietteSeverity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(Some("here".to_string()), self.source.label),
        )))
    }
}

impl fmt::Debug for RelatedShown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for RelatedShown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RelatedShown {}

impl miette::Diagnostic for RelatedShown {
    fn severity(&self) -> Option<MietteSeverity> {
        Some(MietteSeverity::Advice)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            None,
            self.source.label,
        ))))
    }
}

/// The handlers of a report: one for findings, one for their related locations (`note:`).
struct Handlers {
    finding: GraphicalReportHandler,
    note: GraphicalReportHandler,
}

/// One file's findings, each with its related locations.
fn render_file(input: &ReportInput, handlers: &Handlers, diagnostics: &[&Diagnostic]) -> String {
    let mut out = String::new();
    let Some(file) = diagnostics.first().and_then(|d| input.source(d.file_id)) else {
        return out;
    };
    // The text is masked already (see `crate::redact`).
    let shown = file.text.as_str();
    for &diagnostic in diagnostics {
        let related: Vec<RelatedShown> = diagnostic
            .related
            .iter()
            .filter_map(|r| {
                let other = input.source(r.file_id)?;
                let at = Position {
                    line: r.line,
                    column: r.column,
                };
                Some(RelatedShown {
                    message: printable(&r.message).into_owned(),
                    source: Window::new(other, &other.text, r.span, at),
                })
            })
            .collect();
        let shown = Shown {
            diagnostic,
            message: printable(&diagnostic.message),
            help: diagnostic.help.as_deref().map(printable),
            source: Window::new(file, shown, diagnostic.span, diagnostic.start),
            related,
        };
        if handlers.finding.render_report(&mut out, &shown).is_err() {
            out.push_str(&format!(
                "{}:{}:{}: {}[{}] {}\n",
                printable(&diagnostic.file),
                diagnostic.start.line,
                diagnostic.start.column,
                diagnostic.severity,
                diagnostic.code,
                shown.message
            ));
        }
        for note in &shown.related {
            out.push('\n');
            if handlers.note.render_report(&mut out, note).is_err() {
                out.push_str(&format!("  note: {}\n", note.message));
            }
        }
        out.push('\n');
    }
    out
}

pub fn render(input: &ReportInput, failures: &mut Vec<RenderFailure>) -> String {
    let theme = || {
        if input.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        }
    };
    let handler = |theme| {
        GraphicalReportHandler::new_themed(theme)
            .with_width(WIDTH)
            .with_links(false)
    };
    let mut note = theme();
    note.characters.advice = "note:".to_string();
    let handlers = Handlers {
        finding: handler(theme()),
        note: handler(note),
    };
    let parts = super::guard::per_file(input.active(), failures, |diagnostics| {
        render_file(input, &handlers, diagnostics)
    });
    let mut out = parts.concat();
    out.push_str(&full_summary(input));
    out.push('\n');
    out
}
