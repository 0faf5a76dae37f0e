//! rustc-style reports with the source snippet, through miette's graphical handler.
//!
//! miette is given an excerpt of each file (see [`super::excerpt`]), never the file: lines
//! cut to a window around the finding, control characters escaped, the header still giving
//! the finding's own line and column. When the terminal's width is known (`COLUMNS`, or the
//! terminal's size: see [`super::terminal::report_width`]) the report is wrapped to it and
//! each line of a snippet is cut further, around the marked part, so that it fits: miette
//! never wraps a source line, and a terminal that does wraps the underline away from its
//! text.

use std::borrow::Cow;
use std::fmt;

use unicode_width::UnicodeWidthChar;

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

/// Width the report is wrapped at when the terminal's is not known (a CI log, a file): fixed,
/// so that output does not depend on where it is read. Snippet lines are then cut only as
/// [`excerpt`] cuts them.
const WIDTH: usize = 100;
/// Lines shown before and after a finding's own, as miette shows them.
const CONTEXT_LINES: usize = 1;
/// Narrowest width the report is laid out in, however narrow the terminal says it is: the
/// gutter, a marked word and an ellipsis either side still fit.
const MIN_WIDTH: usize = 40;
/// The label under a finding's span.
const LABEL: &str = "here";
/// Columns miette lays a tab out in at most (it advances to the next multiple of 4).
const TAB_COLUMNS: usize = 4;

/// Columns `c` takes in a terminal, as miette counts them (a tab at its widest).
fn char_columns(c: char) -> usize {
    if c == '\t' {
        TAB_COLUMNS
    } else {
        c.width().unwrap_or(0)
    }
}

fn columns(text: &str) -> usize {
    text.chars().map(char_columns).sum()
}

/// The first characters of `text` that take at most `room` columns.
fn head(text: &str, room: usize) -> &str {
    let mut used = 0;
    for (at, c) in text.char_indices() {
        used += char_columns(c);
        if used > room {
            return &text[..at];
        }
    }
    text
}

/// The last characters of `text` that take at most `room` columns, without a combining
/// mark whose base character was left out (it would sit on the ellipsis).
fn tail(text: &str, room: usize) -> &str {
    let mut used = 0;
    let mut start = text.len();
    for (at, c) in text.char_indices().rev() {
        used += char_columns(c);
        if used > room {
            break;
        }
        start = at;
    }
    text[start..].trim_start_matches(|c: char| char_columns(c) == 0)
}

/// How the lines of a snippet are fitted to the terminal.
#[derive(Clone, Copy, Debug)]
struct Fit {
    /// The terminal's columns.
    width: usize,
    /// Columns the label line takes past the middle of the span's underline (`╰── here`);
    /// 0 for a span without a label.
    label: usize,
}

/// What of one line a snippet shows: the text before the span's part of it, that part and
/// the text after it, and whether text of the line is left out before and after (each then
/// shown as an ellipsis).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Parts<'a> {
    before: &'a str,
    marked: &'a str,
    after: &'a str,
    cut_before: bool,
    cut_after: bool,
}

impl<'a> Parts<'a> {
    /// Columns taken by what precedes the marked part, its ellipsis included.
    fn start(&self) -> usize {
        usize::from(self.cut_before) + columns(self.before)
    }

    fn end(&self) -> usize {
        columns(self.after) + usize::from(self.cut_after)
    }

    /// The line cut to `room` columns around its marked part, which keeps its place relative
    /// to the text it is shown with, so the underline miette draws under it is right. The
    /// label line under a span (`label` columns past the underline's middle) must fit as
    /// well. The line's start stays when the part is near it; else context goes half before
    /// the part and half after it, the rest of a short side to the other. A part too wide to
    /// show whole keeps its start, after a little of what precedes it.
    fn fit(self, room: usize, label: usize) -> Parts<'a> {
        let marked = columns(self.marked);
        let label_end = |start: usize| start + marked.max(1) / 2 + label;
        let label_fits = |start: usize| label == 0 || label_end(start) <= room;
        if self.start() + marked + self.end() <= room && label_fits(self.start()) {
            return self;
        }
        if marked + 2 > room {
            let (before, cut_before) = self.keep_before(room / 4);
            let used = usize::from(cut_before) + columns(before);
            return Parts {
                before,
                marked: head(self.marked, room.saturating_sub(used + 1)),
                after: "",
                cut_before,
                cut_after: true,
            };
        }
        let free = room - marked;
        let half = free / 2;
        // The line's start (a YAML key, its indentation) is kept when a quarter of the room
        // is still left after the span.
        let mut before_room = if self.start() + self.end().min(free / 4) <= free {
            self.start()
        } else if self.end() <= free - half {
            free - self.end()
        } else {
            half
        };
        if label > 0 {
            before_room = before_room.min(room.saturating_sub(marked.max(1) / 2 + label));
        }
        let (before, cut_before) = self.keep_before(before_room);
        let used = usize::from(cut_before) + columns(before);
        let (after, cut_after) = self.keep_after(free.saturating_sub(used));
        Parts {
            before,
            marked: self.marked,
            after,
            cut_before,
            cut_after,
        }
    }

    /// What of the text before the marked part fits in `room` columns, ellipsis included.
    fn keep_before(&self, room: usize) -> (&'a str, bool) {
        if self.start() <= room {
            (self.before, self.cut_before)
        } else {
            (tail(self.before, room.saturating_sub(1)), true)
        }
    }

    /// What of the text after the marked part fits in `room` columns, ellipsis included.
    fn keep_after(&self, room: usize) -> (&'a str, bool) {
        if self.end() <= room {
            (self.after, self.cut_after)
        } else {
            (head(self.after, room.saturating_sub(1)), true)
        }
    }
}

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
    /// The excerpt of `span` in `file` (whose text as shown is `shown`), starting at `start`;
    /// with `fit`, each line cut to the terminal's width.
    fn new(
        file: &SourceFile,
        shown: &str,
        span: Span,
        start: Position,
        fit: Option<Fit>,
    ) -> Window {
        let cut = excerpt(shown, &file.lines, span, CONTEXT_LINES);
        let part = |s: Span| printable_line(shown.get(s.start..s.end).unwrap_or(""));
        // What miette puts before a line's text: ` 12 │ `, and for a span over several lines
        // the arrows that mark it (whose label is then drawn there, not under the text).
        let number_columns = cut.lines.last().map_or(1, |l| l.number).to_string().len();
        let several = cut.span_lines().count() > 1;
        let gutter = number_columns + 4 + if several { 4 } else { 0 };
        let mut text = String::new();
        let mut label: Option<(usize, usize)> = None;
        for line in &cut.lines {
            let (before, marked, after) = (part(line.before), part(line.marked), part(line.after));
            let mut parts = Parts {
                before: &before,
                marked: &marked,
                after: &after,
                cut_before: line.cut_before,
                cut_after: line.cut_after,
            };
            if let Some(fit) = fit {
                let label = if line.in_span && !several {
                    fit.label
                } else {
                    0
                };
                parts = parts.fit(fit.width.saturating_sub(gutter), label);
            }
            if parts.cut_before {
                text.push_str(ELLIPSIS);
            }
            text.push_str(parts.before);
            let from = text.len();
            text.push_str(parts.marked);
            if line.in_span {
                label = Some((label.map_or(from, |(a, _)| a), text.len()));
            }
            text.push_str(parts.after);
            if parts.cut_after {
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
            LabeledSpan::new_primary_with_span(Some(LABEL.to_string()), self.source.label),
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

/// The terminal's width, when it is known, at least [`MIN_WIDTH`].
fn width(input: &ReportInput) -> Option<usize> {
    input.width.map(|width| width.max(MIN_WIDTH))
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
    let fit = width(input).map(|width| Fit {
        width,
        label: 4 + columns(LABEL),
    });
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
                // A note's span has no label, only its underline.
                let fit = width(input).map(|width| Fit { width, label: 0 });
                Some(RelatedShown {
                    message: printable(&r.message).into_owned(),
                    source: Window::new(other, &other.text, r.span, at, fit),
                })
            })
            .collect();
        let shown = Shown {
            diagnostic,
            message: printable(&diagnostic.message),
            help: diagnostic.help.as_deref().map(printable),
            source: Window::new(file, shown, diagnostic.span, diagnostic.start, fit),
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

pub fn write(
    input: &ReportInput,
    failures: &mut Vec<RenderFailure>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let theme = || {
        if input.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        }
    };
    let handler = |theme| {
        GraphicalReportHandler::new_themed(theme)
            .with_width(width(input).unwrap_or(WIDTH))
            .with_links(false)
    };
    let mut note = theme();
    note.characters.advice = "note:".to_string();
    let handlers = Handlers {
        finding: handler(theme()),
        note: handler(note),
    };
    super::guard::each_file(
        input.active(),
        failures,
        |diagnostics| render_file(input, &handlers, diagnostics),
        |part| out.write_all(part.as_bytes()),
    )?;
    writeln!(out, "{}", full_summary(input))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts<'a>(before: &'a str, marked: &'a str, after: &'a str) -> Parts<'a> {
        Parts {
            before,
            marked,
            after,
            cut_before: false,
            cut_after: false,
        }
    }

    fn shown(p: &Parts) -> String {
        let dots = |cut: bool| if cut { ELLIPSIS } else { "" };
        format!(
            "{}{}{}{}{}",
            dots(p.cut_before),
            p.before,
            p.marked,
            p.after,
            dots(p.cut_after)
        )
    }

    /// The label line of `fitted` (`label` columns past the underline's middle) ends within
    /// `room`, and so does the line.
    fn assert_fits(fitted: &Parts, room: usize, label: usize) {
        let line = shown(fitted);
        assert!(
            columns(&line) <= room,
            "{} > {room}: {line}",
            columns(&line)
        );
        if label > 0 {
            let end = fitted.start() + columns(fitted.marked).max(1) / 2 + label;
            assert!(end <= room, "label ends at {end} > {room}: {line}");
        }
    }

    #[test]
    fn a_line_that_fits_is_left_alone() {
        let line = parts("  text: \"", "http://a.example", "\"");
        assert_eq!(line.fit(60, 8), line);
    }

    #[test]
    fn a_long_line_is_cut_either_side_of_the_span_and_the_span_keeps_its_column() {
        let before = "x".repeat(500);
        let after = "y".repeat(500);
        let fitted = parts(&before, "http://a.example/t", &after).fit(55, 8);
        assert_fits(&fitted, 55, 8);
        assert!(fitted.cut_before && fitted.cut_after);
        assert_eq!(fitted.marked, "http://a.example/t");
        // The rest of the room is shared between the two sides.
        let (b, a) = (fitted.start(), fitted.end());
        assert!(b.abs_diff(a) <= 1 && b + a + 18 == 55, "{b} + {a}");
        assert!(before.ends_with(fitted.before) && after.starts_with(fitted.after));
    }

    #[test]
    fn the_start_of_the_line_stays_when_the_span_is_near_it() {
        let after = "y".repeat(500);
        let before = format!("    text: \"{}", "x".repeat(80));
        let fitted = parts(&before, "http://a.example", &after).fit(150, 8);
        assert_eq!((fitted.before, fitted.cut_before), (before.as_str(), false));
        assert_eq!(columns(&shown(&fitted)), 150);
        // Further in, it goes: a quarter of the room is kept for what follows the span.
        let before = format!("    text: \"{}", "x".repeat(120));
        let fitted = parts(&before, "http://a.example", &after).fit(150, 8);
        assert!(
            fitted.cut_before && fitted.end() >= (150 - 16) / 4,
            "{}",
            shown(&fitted)
        );
    }

    #[test]
    fn a_short_side_leaves_its_room_to_the_other() {
        let after = "y".repeat(500);
        let fitted = parts("{\"a\": \"", "SPAN", &after).fit(40, 8);
        assert_eq!((fitted.before, fitted.cut_before), ("{\"a\": \"", false));
        assert_eq!(columns(&shown(&fitted)), 40);
        let before = "x".repeat(500);
        let fitted = parts(&before, "SPAN", "\"}").fit(40, 0);
        assert_eq!((fitted.after, fitted.cut_after), ("\"}", false));
        assert_eq!(columns(&shown(&fitted)), 40);
    }

    #[test]
    fn a_span_at_the_end_of_a_long_line_leaves_room_for_its_label() {
        let before = "x".repeat(500);
        let fitted = parts(&before, "SPAN", "").fit(40, 8);
        assert_fits(&fitted, 40, 8);
        assert_eq!(fitted.start() + 2 + 8, 40);
        // Without a label (a note's span) the line is filled.
        let fitted = parts(&before, "SPAN", "").fit(40, 0);
        assert_eq!(columns(&shown(&fitted)), 40);
    }

    #[test]
    fn wide_characters_take_two_columns_and_are_never_split() {
        let before = "注文".repeat(200);
        let after = "確認".repeat(200);
        for room in 30..=61 {
            let fitted = parts(&before, "http://a.example", &after).fit(room, 8);
            assert_fits(&fitted, room, 8);
            assert_eq!(fitted.marked, "http://a.example");
            assert!(before.ends_with(fitted.before) && after.starts_with(fitted.after));
            // Nothing is left over that a narrow character could have used.
            assert!(
                columns(&shown(&fitted)) + 2 > room,
                "{room}: {}",
                shown(&fitted)
            );
        }
        let fitted = parts(&before, "ご注文", &after).fit(31, 8);
        assert_eq!(fitted.marked, "ご注文");
        assert_fits(&fitted, 31, 8);
    }

    #[test]
    fn a_combining_mark_is_not_left_without_its_letter() {
        // `e` + U+0301 (combining acute): cutting between them would put the accent on the
        // ellipsis.
        let before = format!("{}e\u{301}", "x".repeat(100));
        let fitted = parts(&before, "SPAN", "").fit(30, 0);
        let first = fitted.before.chars().next().unwrap();
        assert!(char_columns(first) > 0, "{:?}", fitted.before);
        let fitted = Parts {
            before: "\u{301}abc",
            ..parts("", "SPAN", "")
        };
        assert_eq!(tail(fitted.before, 3), "abc");
        assert_eq!(tail("e\u{301}abc", 4), "e\u{301}abc");
    }

    #[test]
    fn tabs_count_at_their_widest() {
        let before = "\t".repeat(50);
        let fitted = parts(&before, "SPAN", "").fit(40, 0);
        assert_fits(&fitted, 40, 0);
        assert_eq!(fitted.before.len(), (40 - 4 - 1) / TAB_COLUMNS);
    }

    #[test]
    fn a_span_too_wide_for_the_line_shows_its_start_after_a_little_context() {
        let marked = "m".repeat(1_000);
        let fitted = parts("{\"text\": \"", &marked, "\"}").fit(50, 8);
        assert_fits(&fitted, 50, 8);
        assert_eq!(fitted.before, "{\"text\": \"");
        assert!(marked.starts_with(fitted.marked) && fitted.cut_after && fitted.after.is_empty());
        let before = "b".repeat(1_000);
        let fitted = parts(&before, &marked, "").fit(50, 8);
        assert_fits(&fitted, 50, 8);
        assert_eq!(fitted.start(), 50 / 4);
    }

    #[test]
    fn every_shape_of_line_fits_its_room() {
        let texts = [
            "",
            "ab",
            "é",
            "漢字",
            "a\tb",
            &"x".repeat(90),
            &"é漢".repeat(40),
        ];
        for before in texts {
            for marked in texts {
                for after in texts {
                    for (cut_before, cut_after) in [(false, false), (true, true)] {
                        for room in [24, 37, 60, 200] {
                            for label in [0, 8] {
                                let line = Parts {
                                    cut_before,
                                    cut_after,
                                    ..parts(before, marked, after)
                                };
                                let fitted = line.fit(room, label);
                                assert_fits(&fitted, room, label);
                                // The marked part is whole or its start, and the sides are
                                // what is next to it.
                                assert!(marked.starts_with(fitted.marked));
                                assert!(fitted.marked == marked || fitted.cut_after);
                                assert!(before.ends_with(fitted.before));
                                assert!(after.starts_with(fitted.after));
                                assert!(fitted.cut_before || fitted.before == before);
                                assert!(fitted.cut_after || fitted.after == after);
                            }
                        }
                    }
                }
            }
        }
    }
}
