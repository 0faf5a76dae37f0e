//! rustc-style reports with the source snippet, through miette's graphical handler.

use std::fmt;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, Severity as MietteSeverity,
    SourceSpan,
};

use super::{full_summary, ReportInput};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::Span;
use crate::workspace::SourceFile;

/// Width the snippets are wrapped at: fixed, so output does not depend on the terminal.
const WIDTH: usize = 100;

struct Shown<'a> {
    diagnostic: &'a Diagnostic,
    source: NamedSource<String>,
    related: Vec<RelatedShown>,
}

/// A related location in another file, rendered as a note under the main report.
struct RelatedShown {
    message: String,
    source: NamedSource<String>,
    span: SourceSpan,
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
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
        self.diagnostic
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = source_span(self.diagnostic.span);
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(Some("here".to_string()), span),
        )))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|r| r as &dyn miette::Diagnostic),
        ))
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
            None, self.span,
        ))))
    }
}

fn source_span(span: Span) -> SourceSpan {
    SourceSpan::new(span.start.into(), span.len())
}

/// The file as the report shows it: secrets masked (see `SourceFile::shown_text`).
fn named(file: &SourceFile) -> NamedSource<String> {
    NamedSource::new(file.path.clone(), file.shown_text().into_owned())
}

pub fn render(input: &ReportInput) -> String {
    let theme = if input.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(WIDTH)
        .with_links(false);
    let mut out = String::new();
    for diagnostic in input.active() {
        let Some(file) = input.source(diagnostic.file_id) else {
            continue;
        };
        let related = diagnostic
            .related
            .iter()
            .filter_map(|r| {
                let other = input.source(r.file_id)?;
                Some(RelatedShown {
                    message: r.message.clone(),
                    source: named(other),
                    span: source_span(r.span),
                })
            })
            .collect();
        let shown = Shown {
            diagnostic,
            source: named(file),
            related,
        };
        if handler.render_report(&mut out, &shown).is_err() {
            out.push_str(&format!(
                "{}:{}:{}: {}[{}] {}\n",
                diagnostic.file,
                diagnostic.start.line,
                diagnostic.start.column,
                diagnostic.severity,
                diagnostic.code,
                diagnostic.message
            ));
        }
        out.push('\n');
    }
    out.push_str(&full_summary(input));
    out.push('\n');
    out
}
