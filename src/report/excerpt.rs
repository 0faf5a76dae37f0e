//! The part of a file a report shows around a finding: the span's lines (the first
//! [`MAX_LINES`] of them) and, when asked, the lines around them. A line of up to
//! [`LINE_CHARS`] characters is shown whole; a longer one is cut to a window of
//! [`CONTEXT_CHARS`] characters either side of the span (and at most [`SPAN_CHARS`] of the
//! span). A minified file with thousands of findings on one 300 KB line gives reports that
//! grow with the findings, not with findings times the line's length, and no renderer is
//! handed a line longer than it can lay out.

use crate::source::{LineIndex, Span};

/// Characters shown on either side of a span on a long line.
pub const CONTEXT_CHARS: usize = 200;
/// Characters of a span shown on one long line; the rest is an ellipsis.
pub const SPAN_CHARS: usize = 2 * CONTEXT_CHARS;
/// Lines up to this many characters are shown whole; of a longer line around the span
/// (the one before or after it), its first this many.
pub const LINE_CHARS: usize = 2 * CONTEXT_CHARS;
/// Lines of a span shown at most: its first ones.
pub const MAX_LINES: usize = 8;
/// Stands for the text left out where a line is cut.
pub const ELLIPSIS: &str = "…";

/// One line of an excerpt: three adjacent byte ranges of the file's text, the span's part of
/// the line between what is shown of the line before and after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExcerptLine {
    /// 1-based.
    pub number: usize,
    pub before: Span,
    pub marked: Span,
    pub after: Span,
    /// Text of the line is left out before `before`.
    pub cut_before: bool,
    /// Text of the line (or of the span) is left out after `after`.
    pub cut_after: bool,
    /// A line break follows the line in the file.
    pub broken: bool,
    /// The line holds part of the span (it is not a context line).
    pub in_span: bool,
}

impl ExcerptLine {
    /// Start of what is shown of the line.
    pub fn start(&self) -> usize {
        self.before.start
    }

    /// End of what is shown of the line.
    pub fn end(&self) -> usize {
        self.after.end
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Excerpt {
    pub lines: Vec<ExcerptLine>,
    /// Every character of the span is shown: no line of it cut or left out.
    pub complete: bool,
}

impl Excerpt {
    /// The lines that hold the span.
    pub fn span_lines(&self) -> impl Iterator<Item = &ExcerptLine> {
        self.lines.iter().filter(|l| l.in_span)
    }
}

/// Offset `count` characters after `from`, at most `to`.
fn forward(text: &str, from: usize, to: usize, count: usize) -> usize {
    text.get(from..to)
        .and_then(|part| part.char_indices().nth(count))
        .map_or(to, |(i, _)| from + i)
}

/// Offset `count` characters before `to`, at least `from`.
fn back(text: &str, from: usize, to: usize, count: usize) -> usize {
    if count == 0 {
        return to;
    }
    text.get(from..to)
        .and_then(|part| part.char_indices().rev().nth(count - 1))
        .map_or(from, |(i, _)| from + i)
}

fn floor(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// One line around its part `a..b` of the span: whole when it is short, else up to
/// [`CONTEXT_CHARS`] before the part, up to [`SPAN_CHARS`] of it and, unless it was cut, up
/// to `after_chars` after it.
fn cut(
    text: &str,
    number: usize,
    line: Span,
    (a, b): (usize, usize),
    after_chars: usize,
) -> ExcerptLine {
    let short = forward(text, line.start, line.end, LINE_CHARS) == line.end;
    let (before_start, marked_end, after_end) = if short {
        (line.start, b, line.end)
    } else {
        let before_start = back(text, line.start, a, CONTEXT_CHARS);
        let marked_end = forward(text, a, b, SPAN_CHARS);
        let after_end = if marked_end < b {
            marked_end
        } else {
            forward(text, b, line.end, after_chars)
        };
        (before_start, marked_end, after_end)
    };
    ExcerptLine {
        number,
        before: Span::new(before_start, a),
        marked: Span::new(a, marked_end),
        after: Span::new(marked_end, after_end),
        cut_before: before_start > line.start,
        cut_after: after_end < line.end,
        broken: line.end < text.len(),
        in_span: true,
    }
}

/// The excerpt of `span` in `text` with `context` lines on either side of it.
pub fn excerpt(text: &str, lines: &LineIndex, span: Span, context: usize) -> Excerpt {
    let start = floor(text, span.start);
    let end = floor(text, span.end.max(start));
    let first = lines.line_number(start);
    let last = lines.line_number(end);
    let shown_last = last.min(first + MAX_LINES - 1);
    let mut out = Vec::new();
    let mut complete = shown_last == last;
    let context_line = |number: usize| {
        let line = lines.line_span(text, number);
        ExcerptLine {
            in_span: false,
            ..cut(text, number, line, (line.start, line.start), LINE_CHARS)
        }
    };
    for number in first.saturating_sub(context).max(1)..first {
        out.push(context_line(number));
    }
    for number in first..=shown_last {
        let line = lines.line_span(text, number);
        let a = if number == first { start } else { line.start };
        let b = if number == last { end } else { line.end };
        let (a, b) = (a.clamp(line.start, line.end), b.clamp(line.start, line.end));
        let shown = cut(text, number, line, (a, b), CONTEXT_CHARS);
        complete &= shown.marked.end == b;
        out.push(shown);
    }
    // After the span, unless lines of it were left out.
    if shown_last == last {
        for number in last + 1..=(last + context).min(lines.line_count()) {
            out.push(context_line(number));
        }
    }
    Excerpt {
        lines: out,
        complete,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts<'a>(text: &'a str, line: &ExcerptLine) -> (&'a str, &'a str, &'a str) {
        let at = |s: Span| &text[s.start..s.end];
        (at(line.before), at(line.marked), at(line.after))
    }

    #[test]
    fn short_lines_are_shown_whole_with_their_context() {
        let text = "a: 1\nbb: 22\nc: 3\nd: 4\n";
        let index = LineIndex::new(text);
        let span = Span::new(9, 11);
        let shown = excerpt(text, &index, span, 1);
        assert!(shown.complete);
        let numbers: Vec<usize> = shown.lines.iter().map(|l| l.number).collect();
        assert_eq!(numbers, [1, 2, 3]);
        assert_eq!(parts(text, &shown.lines[0]), ("", "", "a: 1"));
        assert_eq!(parts(text, &shown.lines[1]), ("bb: ", "22", ""));
        assert!(shown.lines.iter().all(|l| !l.cut_before && !l.cut_after));
    }

    #[test]
    fn a_line_of_up_to_line_chars_is_shown_whole() {
        let text = format!("{}SPAN{}", "x".repeat(250), "y".repeat(146));
        let index = LineIndex::new(&text);
        let line = excerpt(&text, &index, Span::new(250, 254), 1).lines[0];
        assert_eq!(parts(&text, &line), (&text[..250], "SPAN", &text[254..]));
        let longer = format!("{text}{}", "y".repeat(100));
        let index = LineIndex::new(&longer);
        let line = excerpt(&longer, &index, Span::new(250, 254), 1).lines[0];
        assert!(line.cut_before && line.cut_after);
    }

    #[test]
    fn a_long_line_is_cut_to_a_window_around_the_span() {
        let text = format!("{}SPAN{}", "x".repeat(100_000), "y".repeat(100_000));
        let index = LineIndex::new(&text);
        let shown = excerpt(&text, &index, Span::new(100_000, 100_004), 1);
        assert_eq!(shown.lines.len(), 1);
        let line = shown.lines[0];
        let (before, marked, after) = parts(&text, &line);
        assert_eq!(before.len(), CONTEXT_CHARS);
        assert_eq!(marked, "SPAN");
        assert_eq!(after.len(), CONTEXT_CHARS);
        assert!(line.cut_before && line.cut_after && shown.complete);
    }

    #[test]
    fn windows_count_characters_not_bytes() {
        let text = format!("{}é{}", "é".repeat(300), "ü".repeat(300));
        let index = LineIndex::new(&text);
        let start = 300 * 2;
        let shown = excerpt(&text, &index, Span::new(start, start + 2), 0);
        let (before, marked, after) = parts(&text, &shown.lines[0]);
        assert_eq!(before.chars().count(), CONTEXT_CHARS);
        assert_eq!(marked, "é");
        assert_eq!(after.chars().count(), CONTEXT_CHARS);
    }

    #[test]
    fn a_long_span_is_cut_and_marked_incomplete() {
        let text = "z".repeat(10_000);
        let index = LineIndex::new(&text);
        let shown = excerpt(&text, &index, Span::new(10, 9_000), 1);
        let line = shown.lines[0];
        assert_eq!(line.marked.len(), SPAN_CHARS);
        assert!(line.after.is_empty() && line.cut_after && !shown.complete);
    }

    #[test]
    fn a_span_over_many_lines_shows_its_first_lines() {
        let text = "k: v\n".repeat(50);
        let index = LineIndex::new(&text);
        let shown = excerpt(&text, &index, Span::new(5, text.len() - 1), 1);
        assert!(!shown.complete);
        assert_eq!(shown.span_lines().count(), MAX_LINES);
        assert_eq!(shown.lines.first().map(|l| l.number), Some(1));
        assert_eq!(shown.lines.last().map(|l| l.number), Some(1 + MAX_LINES));
    }

    #[test]
    fn offsets_inside_a_character_or_past_the_end_are_safe() {
        let text = "ñame: x";
        let index = LineIndex::new(text);
        let shown = excerpt(text, &index, Span::new(1, 99), 1);
        assert_eq!(parts(text, &shown.lines[0]), ("", "ñame: x", ""));
        let empty = excerpt("", &LineIndex::new(""), Span::new(3, 4), 1);
        assert_eq!(empty.lines.len(), 1);
    }
}
