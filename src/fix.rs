//! Applying resolved fixes to a file's text, and showing what they change as a unified diff.
//! Fixes are applied whole: one that overlaps a fix already taken waits for the next pass
//! (the engine checks the fixed text again), so no edit ever lands on bytes another changed.

use crate::diagnostic::{ResolvedFix, TextEdit};

/// A text with some fixes applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    pub text: String,
    /// The fixes taken, in the order given.
    pub taken: Vec<usize>,
}

fn overlap(a: &TextEdit, b: &TextEdit) -> bool {
    // Two insertions at one point, or an insertion at an edge of a replacement, would
    // depend on their order: they overlap too.
    let (a, b) = (a.span, b.span);
    a.start < b.end && b.start < a.end || a.start == b.start || a.end == b.end
}

/// `text` with every fix of `fixes` that overlaps no fix taken before it; the fixes' edits
/// are sorted and never overlap each other (the engine resolves them so).
pub fn apply(text: &str, fixes: &[&ResolvedFix]) -> Applied {
    let mut taken = Vec::new();
    let mut edits: Vec<&TextEdit> = Vec::new();
    for (index, fix) in fixes.iter().enumerate() {
        let fits = fix.edits.iter().all(|edit| {
            edit.span.end <= text.len()
                && text.is_char_boundary(edit.span.start)
                && text.is_char_boundary(edit.span.end)
                && !edits.iter().any(|other| overlap(edit, other))
        });
        if fits && !fix.edits.is_empty() {
            taken.push(index);
            edits.extend(&fix.edits);
        }
    }
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for edit in edits {
        out.push_str(&text[at..edit.span.start]);
        out.push_str(&edit.text);
        at = edit.span.end;
    }
    out.push_str(&text[at..]);
    Applied { text: out, taken }
}

/// A unified diff of `before` and `after` for the file `path`, with three lines of context;
/// empty when they are equal.
pub fn unified_diff(path: &str, before: &str, after: &str) -> String {
    if before == after {
        return String::new();
    }
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .missing_newline_hint(true)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Applicability;
    use crate::source::Span;

    fn fix(edits: &[(usize, usize, &str)]) -> ResolvedFix {
        ResolvedFix {
            title: "t".into(),
            applicability: Applicability::Safe,
            edits: edits
                .iter()
                .map(|&(start, end, text)| TextEdit {
                    span: Span::new(start, end),
                    text: text.into(),
                })
                .collect(),
        }
    }

    #[test]
    fn fixes_apply_from_any_order_and_an_overlapping_one_waits() {
        let text = "abcdefgh";
        let first = fix(&[(6, 8, "GH"), (0, 1, "A")]);
        let second = fix(&[(2, 4, "CD")]);
        let clash = fix(&[(3, 5, "x")]);
        let applied = apply(text, &[&first, &second, &clash]);
        assert_eq!(applied.text, "AbCDefGH");
        assert_eq!(applied.taken, [0, 1]);
        // Taken in the order given: the clash first, and the other waits.
        assert_eq!(apply(text, &[&first, &clash, &second]).text, "AbcxfGH");
        // Two insertions at one point would depend on their order: one waits.
        let here = fix(&[(4, 4, "1")]);
        let there = fix(&[(4, 4, "2")]);
        assert_eq!(apply(text, &[&here, &there]).text, "abcd1efgh");
        // An edit past the text (a stale fix) is not applied.
        assert_eq!(
            apply(text, &[&fix(&[(7, 9, "z")])]).taken,
            Vec::<usize>::new()
        );
    }

    #[test]
    fn the_diff_names_the_file_and_shows_the_changed_lines() {
        let diff = unified_diff("t.yaml", "a: 1\nb: 2\n", "a: 1\nb: 3\n");
        assert_eq!(
            diff,
            "--- a/t.yaml\n+++ b/t.yaml\n@@ -1,2 +1,2 @@\n a: 1\n-b: 2\n+b: 3\n"
        );
        assert_eq!(unified_diff("t.yaml", "a\n", "a\n"), "");
    }
}
