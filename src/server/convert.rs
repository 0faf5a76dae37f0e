//! Between walint's byte offsets and the protocol's positions: lines from 0 and columns in
//! UTF-16 code units (what LSP counts unless a client negotiates otherwise), file paths and
//! `file:` URIs, and walint's diagnostics and fixes as the protocol's types.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types as lsp;

use crate::diagnostic::{Diagnostic, RelatedLocation, Severity, TextEdit};
use crate::source::{LineIndex, Span};

/// A text as an editor holds it, with the line index walint's offsets are turned by.
/// Offsets are of the text after a byte-order mark, as the engine reads it; an editor that
/// keeps the mark counts it on the first line.
pub struct Text<'a> {
    body: &'a str,
    lines: LineIndex,
    /// UTF-16 units of a byte-order mark before `body` (0 or 1).
    bom: u32,
}

impl<'a> Text<'a> {
    pub fn new(text: &'a str) -> Text<'a> {
        let (body, bom) = match text.strip_prefix('\u{feff}') {
            Some(rest) => (rest, 1),
            None => (text, 0),
        };
        Text {
            body,
            lines: LineIndex::new(body),
            bom,
        }
    }

    /// The protocol position of byte `offset` of the text after the mark.
    pub fn position(&self, offset: usize) -> lsp::Position {
        let line = self.lines.line_number(offset.min(self.body.len())) - 1;
        let column = self.lines.utf16_column(self.body, offset) - 1;
        let bom = if line == 0 { self.bom } else { 0 };
        lsp::Position::new(to_u32(line), to_u32(column).saturating_add(bom))
    }

    pub fn range(&self, span: Span) -> lsp::Range {
        lsp::Range::new(self.position(span.start), self.position(span.end))
    }

    /// The byte offset (of the text after the mark) of a protocol position; a position past
    /// the end of its line is the line's end, one past the last line the text's end.
    pub fn offset(&self, position: lsp::Position) -> usize {
        let line = position.line as usize + 1;
        if line > self.lines.line_count() {
            return self.body.len();
        }
        let span = self.lines.line_span(self.body, line);
        let bom = if line == 1 { self.bom } else { 0 };
        let mut units = position.character.saturating_sub(bom) as usize;
        for (at, c) in self.body[span.start..span.end].char_indices() {
            if units < c.len_utf16() {
                return span.start + at;
            }
            units -= c.len_utf16();
        }
        span.end
    }

    /// The protocol position of 1-based `line` and `column` counted in characters, as
    /// walint's messages give them; a column past the line's end is its end.
    pub fn char_position(&self, line: usize, column: usize) -> lsp::Position {
        if line == 0 || line > self.lines.line_count() {
            return self.position(self.body.len());
        }
        let span = self.lines.line_span(self.body, line);
        let line_text = &self.body[span.start..span.end];
        let at = line_text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line_text.len(), |(at, _)| at);
        self.position(span.start + at)
    }

    /// The range of the whole text, mark included.
    pub fn whole(&self) -> lsp::Range {
        let start = lsp::Position::new(0, 0);
        lsp::Range::new(start, self.position(self.body.len()))
    }

    /// The indentation of the line holding `offset`.
    pub fn indentation(&self, offset: usize) -> &'a str {
        let line = self.lines.line_number(offset.min(self.body.len()));
        let span = self.lines.line_span(self.body, line);
        let text = &self.body[span.start..span.end];
        &text[..text.len() - text.trim_start_matches([' ', '\t']).len()]
    }

    /// The start of the line holding `offset`.
    pub fn line_start(&self, offset: usize) -> usize {
        let line = self.lines.line_number(offset.min(self.body.len()));
        self.lines.line_span(self.body, line).start
    }
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// The path of a `file:` URI; `None` for any other scheme (an unsaved buffer).
pub fn uri_to_path(uri: &lsp::Uri) -> Option<PathBuf> {
    url::Url::parse(uri.as_str()).ok()?.to_file_path().ok()
}

pub fn path_to_uri(path: &Path) -> Option<lsp::Uri> {
    let url = url::Url::from_file_path(path).ok()?;
    lsp::Uri::from_str(url.as_str()).ok()
}

pub fn severity(severity: Severity) -> lsp::DiagnosticSeverity {
    match severity {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
    }
}

/// A related location as the protocol has it: its file's text when the server has it, else
/// the line and column walint resolved (which count characters, as UTF-16 does for all but
/// the characters outside the Basic Multilingual Plane).
pub fn related(
    related: &RelatedLocation,
    uri: lsp::Uri,
    text: Option<&Text>,
) -> lsp::DiagnosticRelatedInformation {
    let range = match text {
        Some(text) => text.range(related.span),
        None => {
            let at = |line: usize, column: usize| {
                lsp::Position::new(
                    to_u32(line.saturating_sub(1)),
                    to_u32(column.saturating_sub(1)),
                )
            };
            lsp::Range::new(
                at(related.line, related.column),
                at(related.end_line, related.end_column),
            )
        }
    };
    lsp::DiagnosticRelatedInformation {
        location: lsp::Location { uri, range },
        message: related.message.clone(),
    }
}

/// A diagnostic of `text`'s file; its help follows the message on a line of its own, and
/// its code links to `documentation`, the rule's page, when there is one.
pub fn diagnostic(
    diagnostic: &Diagnostic,
    text: &Text,
    related: Vec<lsp::DiagnosticRelatedInformation>,
    documentation: Option<&str>,
) -> lsp::Diagnostic {
    let message = match &diagnostic.help {
        Some(help) => format!("{}\nhelp: {help}", diagnostic.message),
        None => diagnostic.message.clone(),
    };
    lsp::Diagnostic {
        range: text.range(diagnostic.span),
        severity: Some(severity(diagnostic.severity)),
        code: Some(lsp::NumberOrString::String(diagnostic.code.to_string())),
        code_description: documentation
            .and_then(|page| lsp::Uri::from_str(page).ok())
            .map(|href| lsp::CodeDescription { href }),
        source: Some("walint".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

pub fn edits(edits: &[TextEdit], text: &Text) -> Vec<lsp::TextEdit> {
    edits
        .iter()
        .map(|edit| lsp::TextEdit::new(text.range(edit.span), edit.text.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_units_and_lines_end_at_lf_crlf_or_cr() {
        // `é` is one unit, `😀` two; the byte offsets are of the UTF-8 text.
        let text = Text::new("a: é😀x\r\nb: 1\rc: 2\n");
        let x = "a: é😀".len();
        assert_eq!(text.position(x), lsp::Position::new(0, 6));
        assert_eq!(text.offset(lsp::Position::new(0, 6)), x);
        let b = "a: é😀x\r\n".len();
        assert_eq!(text.position(b), lsp::Position::new(1, 0));
        let c = "a: é😀x\r\nb: 1\r".len();
        assert_eq!(text.position(c + 3), lsp::Position::new(2, 3));
        assert_eq!(text.offset(lsp::Position::new(2, 3)), c + 3);
        // Past the end of a line, and past the last line.
        assert_eq!(text.offset(lsp::Position::new(1, 99)), b + 4);
        assert_eq!(
            text.offset(lsp::Position::new(9, 0)),
            "a: é😀x\r\nb: 1\rc: 2\n".len()
        );
        assert_eq!(text.whole().end, lsp::Position::new(3, 0));
        // walint's own line:column counts characters: `x` is the sixth.
        assert_eq!(text.char_position(1, 6), lsp::Position::new(0, 6));
        assert_eq!(text.char_position(2, 40), lsp::Position::new(1, 4));
    }

    #[test]
    fn a_diagnostic_links_its_rule_page_when_there_is_one() {
        let text = Text::new("a: 1\n");
        let finding = Diagnostic::sample(
            crate::catalogue::RuleId::WA201,
            ["WA201", "menu-overloaded"],
            "a.yaml",
            crate::diagnostic::FileId::input(0),
        );
        let page = "https://git.example.com/walint/blob/v0.1.0/rules/WA201.yaml";
        let shown = diagnostic(&finding, &text, Vec::new(), Some(page));
        assert_eq!(
            shown.code_description.map(|d| d.href.as_str().to_string()),
            Some(page.to_string())
        );
        assert_eq!(
            diagnostic(&finding, &text, Vec::new(), None).code_description,
            None
        );
        // Text that is no URI links nothing rather than failing the diagnostic.
        let broken = diagnostic(&finding, &text, Vec::new(), Some("not a uri at all"));
        assert_eq!(broken.code_description, None);
    }

    #[test]
    fn a_byte_order_mark_counts_on_the_first_line_only() {
        let text = Text::new("\u{feff}a: 1\nb: 2\n");
        assert_eq!(text.position(0), lsp::Position::new(0, 1));
        assert_eq!(text.offset(lsp::Position::new(0, 1)), 0);
        assert_eq!(text.position(5), lsp::Position::new(1, 0));
    }

    #[test]
    fn indentation_and_line_start_are_of_the_offsets_line() {
        let text = Text::new("nodes:\n  \thi:\n    type: end\n");
        let hi = "nodes:\n  \t".len();
        assert_eq!(text.indentation(hi + 1), "  \t");
        assert_eq!(text.line_start(hi + 1), "nodes:\n".len());
    }

    #[test]
    fn file_uris_and_paths_convert_both_ways_and_other_schemes_have_no_path() {
        let path = Path::new("/tmp/a dir/bot.yaml");
        let uri = path_to_uri(path).unwrap();
        assert_eq!(uri.as_str(), "file:///tmp/a%20dir/bot.yaml");
        assert_eq!(uri_to_path(&uri).as_deref(), Some(path));
        let untitled = lsp::Uri::from_str("untitled:Untitled-1").unwrap();
        assert_eq!(uri_to_path(&untitled), None);
    }
}
