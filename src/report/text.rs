//! Text from the linted files (values in messages, source lines, file names) made safe to
//! print: a control character or a bidirectional override in a file must not move the
//! cursor, recolour or retitle a terminal, or reorder what a reviewer reads.

use std::borrow::Cow;

/// Whether `c` is escaped when shown: C0 and C1 controls, DEL, the Unicode line and
/// paragraph separators, and the bidirectional embedding, override and isolate marks.
fn is_hazard(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\u{1b}' => out.push_str("\\e"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\0' => out.push_str("\\0"),
        other => out.push_str(&format!("\\u{{{:x}}}", other as u32)),
    }
}

/// `text` with every hazardous character escaped as Rust writes it (`\e`, `\n`, `\u{7}`);
/// borrowed when there is none, which is nearly always.
pub fn printable(text: &str) -> Cow<'_, str> {
    escape(text, false)
}

/// As [`printable`], but tabs stay: in a source line they are indentation, which the
/// snippet renderers lay out themselves.
pub fn printable_line(text: &str) -> Cow<'_, str> {
    escape(text, true)
}

fn escape(text: &str, keep_tabs: bool) -> Cow<'_, str> {
    let hazard = |c: char| is_hazard(c) && !(keep_tabs && c == '\t');
    if !text.chars().any(hazard) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hazard(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_as_rust_writes_them() {
        assert_eq!(
            printable("a\u{1b}[31mb\nc\u{7}d\u{0}\t"),
            "a\\e[31mb\\nc\\u{7}d\\0\\t"
        );
        assert_eq!(printable("\u{9b}2J\u{7f}"), "\\u{9b}2J\\u{7f}");
        assert_eq!(printable("abc\u{202e}fed"), "abc\\u{202e}fed");
    }

    #[test]
    fn ordinary_text_is_borrowed() {
        assert!(matches!(printable("crème brûlée `x`"), Cow::Borrowed(_)));
    }

    #[test]
    fn source_lines_keep_their_tabs() {
        assert_eq!(printable_line("\tkey: \u{1b}x"), "\tkey: \\ex");
    }
}
