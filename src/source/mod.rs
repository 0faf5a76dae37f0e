//! A file's text, its line index, and the format-neutral spanned tree parsed from it.

mod json;
mod scalar;
mod tree;
mod yaml;

pub use scalar::{
    locate as locate_in_string, locate_exact as locate_in_string_exact, locate_nested,
    nested_range, nested_str,
};

pub use tree::{Entry, NodeId, Tree, Value};

use std::fmt;

/// Files larger than this are reported, not parsed: no real template or flow comes close.
pub const MAX_FILE_BYTES: u64 = 5 * 1024 * 1024;
/// Collections nested deeper than this are a parse error, in both formats.
pub const MAX_NESTING: usize = 128;
/// Upper bound on the number of nodes a document may expand to once aliases are followed.
pub const ALIAS_EXPANSION_BUDGET: u64 = 1_000_000;
/// Upper bound on a document's depth once aliases are followed (each alias may name a deep
/// node that itself holds aliases), so walks that follow aliases cannot exhaust the stack.
pub const MAX_EXPANDED_DEPTH: usize = 2 * MAX_NESTING;

/// A half-open byte range into a file's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span {
            start,
            end: end.max(start),
        }
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// The syntax a file is parsed with, chosen by its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Yaml,
}

impl Format {
    pub fn from_path(path: &str) -> Option<Format> {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".json") {
            Some(Format::Json)
        } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            Some(Format::Yaml)
        } else {
            None
        }
    }
}

/// Why a text could not become a tree; `span` is where the parser stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseFailure {
    pub message: String,
    pub span: Span,
}

impl fmt::Display for ParseFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Parses `text` in `format` into a spanned tree.
pub fn parse(text: &str, format: Format) -> Result<Tree, ParseFailure> {
    let (result, syntax) = match format {
        Format::Json => (json::parse(text), "JSON"),
        Format::Yaml => (yaml::parse(text), "YAML"),
    };
    result.map_err(|failure| {
        let mut chars = failure.message.chars();
        let first = chars
            .next()
            .map(|c| c.to_lowercase().to_string())
            .unwrap_or_default();
        ParseFailure {
            message: format!("invalid {syntax}: {first}{}", chars.as_str()),
            span: failure.span,
        }
    })
}

/// Byte offsets of line starts, to turn a byte offset into a 1-based line and column.
#[derive(Clone, Debug)]
pub struct LineIndex {
    /// 32 bits are plenty (linted files are at most [`MAX_FILE_BYTES`]) and halve the index,
    /// which every file a report shows keeps until the end of the run.
    starts: Vec<u32>,
    /// One bit per line: set when the line holds a non-ASCII byte. On an ASCII line a
    /// column is a byte difference, so a minified JSON file with thousands of findings on
    /// one long line does not count its characters once per finding.
    non_ascii: Vec<u64>,
}

/// A 1-based line and column; `column` counts Unicode characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0u32];
        let mut non_ascii: Vec<u64> = Vec::new();
        // One line at a time: memchr finds the next break and `is_ascii` checks the line, both
        // many bytes at a step, as every file is indexed.
        let mut start = 0;
        loop {
            let end = memchr::memchr2(b'\n', b'\r', &bytes[start..]).map(|i| start + i);
            if !bytes[start..end.unwrap_or(bytes.len())].is_ascii() {
                let line = starts.len() - 1;
                if non_ascii.len() <= line / 64 {
                    non_ascii.resize(line / 64 + 1, 0);
                }
                non_ascii[line / 64] |= 1 << (line % 64);
            }
            let Some(end) = end else { break };
            // A line ends at LF, CRLF, or a CR alone (old Mac files), as YAML and editors see it.
            let next = if bytes[end] == b'\r' && bytes.get(end + 1) == Some(&b'\n') {
                end + 2
            } else {
                end + 1
            };
            // A text past 4 GiB (never a linted file) is indexed up to there.
            let Ok(next_start) = u32::try_from(next) else {
                break;
            };
            starts.push(next_start);
            start = next;
        }
        non_ascii.resize(starts.len().div_ceil(64), 0);
        LineIndex { starts, non_ascii }
    }

    fn is_ascii(&self, line: usize) -> bool {
        self.non_ascii
            .get(line / 64)
            .is_some_and(|word| word & (1 << (line % 64)) == 0)
    }

    /// Byte offset where 0-based `line` starts.
    fn start(&self, line: usize) -> Option<usize> {
        self.starts.get(line).map(|&start| start as usize)
    }

    /// 0-based line number of the line containing `offset`.
    fn line_of(&self, offset: usize) -> usize {
        match self
            .starts
            .binary_search(&u32::try_from(offset).unwrap_or(u32::MAX))
        {
            Ok(line) => line,
            Err(next) => next.saturating_sub(1),
        }
    }

    /// 1-based number of the line holding `offset`.
    pub fn line_number(&self, offset: usize) -> usize {
        self.line_of(offset) + 1
    }

    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.start(line).unwrap_or(0).min(offset);
        let column = if self.is_ascii(line) {
            offset - start
        } else {
            text[start..offset].chars().count()
        };
        Position {
            line: line + 1,
            column: column + 1,
        }
    }

    /// Column in UTF-16 code units, as SARIF and LSP count them.
    pub fn utf16_column(&self, text: &str, offset: usize) -> usize {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.start(line).unwrap_or(0).min(offset);
        if self.is_ascii(line) {
            return offset - start + 1;
        }
        text[start..offset].encode_utf16().count() + 1
    }

    /// The byte range of 1-based `line`, without its line break.
    pub fn line_span(&self, text: &str, line: usize) -> Span {
        let bytes = text.as_bytes();
        let start = self.start(line.saturating_sub(1)).unwrap_or(text.len());
        // The next line starts after this one's break: LF, CR, or CRLF.
        let mut end = self.start(line).map(|s| s - 1).unwrap_or(text.len());
        if bytes.get(end) == Some(&b'\n') && end > start && bytes.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        Span::new(start, end.min(text.len()))
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Strips a leading UTF-8 byte-order mark, which both parsers would otherwise trip on.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index as a byte-at-a-time reading defines it.
    fn reference(text: &str) -> (Vec<u32>, Vec<bool>) {
        let bytes = text.as_bytes();
        let mut starts = vec![0u32];
        let mut non_ascii = vec![false];
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                starts.push(u32::try_from(i + 1).unwrap());
                non_ascii.push(false);
            } else if !b.is_ascii() {
                *non_ascii.last_mut().unwrap() = true;
            }
        }
        (starts, non_ascii)
    }

    #[test]
    fn the_index_agrees_with_a_byte_at_a_time_reading() {
        let pieces = ["a", "é", "\n", "\r", "\r\n", "\n\r", "x y", "日本", ""];
        let mut texts: Vec<String> = Vec::new();
        // Every text of up to four pieces, and 130 lines to cross a word of the bit set.
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for d in pieces {
                        texts.push([a, b, c, d].concat());
                    }
                }
            }
        }
        texts.push("line\n".repeat(70) + "ü\n" + &"x\r\n".repeat(60) + "ß");
        for text in &texts {
            let index = LineIndex::new(text);
            let (starts, non_ascii) = reference(text);
            assert_eq!(index.starts, starts, "{text:?}");
            assert_eq!(index.non_ascii.len(), starts.len().div_ceil(64), "{text:?}");
            for (line, &wide) in non_ascii.iter().enumerate() {
                assert_eq!(index.is_ascii(line), !wide, "{text:?} line {line}");
            }
        }
    }

    #[test]
    fn positions_count_characters_not_bytes() {
        let text = "a: 1\nnäme: \"x\"\n";
        let index = LineIndex::new(text);
        let offset = text.find('"').unwrap();
        assert_eq!(
            index.position(text, offset),
            Position { line: 2, column: 7 }
        );
        assert_eq!(index.position(text, 0), Position { line: 1, column: 1 });
    }

    #[test]
    fn ascii_and_non_ascii_lines_past_the_first_64_agree_with_counting() {
        let text: String = (0..200)
            .map(|i| {
                if i % 3 == 0 {
                    format!("k{i}: \"é{i}\"\n")
                } else {
                    format!("k{i}: x{i}\n")
                }
            })
            .collect();
        let index = LineIndex::new(&text);
        for (offset, _) in text.char_indices() {
            let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let expected = text[line_start..offset].chars().count() + 1;
            assert_eq!(
                index.position(&text, offset).column,
                expected,
                "at {offset}"
            );
            let utf16 = text[line_start..offset].encode_utf16().count() + 1;
            assert_eq!(index.utf16_column(&text, offset), utf16, "at {offset}");
        }
    }

    #[test]
    fn utf16_columns_count_surrogate_pairs_twice() {
        let text = "x: \"😀y\"";
        let index = LineIndex::new(text);
        let offset = text.find('y').unwrap();
        assert_eq!(index.position(text, offset).column, 6);
        assert_eq!(index.utf16_column(text, offset), 7);
    }

    #[test]
    fn a_carriage_return_alone_ends_a_line() {
        let text = "flow: x\rnodes:\r  a: 1\r\nb: 2";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        let offset = text.find("a:").unwrap();
        assert_eq!(
            index.position(text, offset),
            Position { line: 3, column: 3 }
        );
        let lines: Vec<&str> = (1..=4)
            .map(|n| index.line_span(text, n))
            .map(|s| &text[s.start..s.end])
            .collect();
        assert_eq!(lines, ["flow: x", "nodes:", "  a: 1", "b: 2"]);
        assert_eq!(index.line_number(text.find('b').unwrap()), 4);
    }

    #[test]
    fn line_span_excludes_line_break() {
        let text = "one\r\ntwo\nthree";
        let index = LineIndex::new(text);
        assert_eq!(
            &text[index.line_span(text, 1).start..index.line_span(text, 1).end],
            "one"
        );
        assert_eq!(
            &text[index.line_span(text, 3).start..index.line_span(text, 3).end],
            "three"
        );
    }

    #[test]
    fn an_index_without_its_text_answers_without_panicking() {
        let text = "a: 1\nb: 2\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 3);
        assert_eq!(index.position(text, 7), Position { line: 2, column: 3 });
        // A file whose text was given back: every offset is at its start.
        let empty = LineIndex::new("");
        assert_eq!(empty.position("", 7), Position { line: 1, column: 1 });
        assert_eq!(index.position("", 7), Position { line: 1, column: 1 });
        assert_eq!(index.utf16_column("", 7), 1);
        assert_eq!(empty.line_span("", 3), Span::new(0, 0));
    }

    #[test]
    fn bom_is_stripped() {
        assert_eq!(strip_bom("\u{feff}{}"), "{}");
        assert_eq!(strip_bom("{}"), "{}");
    }
}
