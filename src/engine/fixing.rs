//! Fixing one file's text: its fixes applied, the fixed text checked again and fixed again
//! (a fix that overlapped another waits for the next pass), until nothing is left to fix.
//! Suppressed findings are not fixed, and nothing here reads or writes a file.

use crate::diagnostic::{Applicability, FileId};

use super::{Engine, FileName};

/// Passes at most: each applies at least one fix, and fixes do not undo each other, so a
/// file needs as many passes as it has fixes stacked on one place.
const MAX_PASSES: usize = 10;

/// A file's text after its fixes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fixed {
    /// The fixed text, as written (secrets included: it is the user's own file).
    pub text: String,
    /// The text before and after with every secret masked: what a preview may show.
    pub masked_before: String,
    pub masked_after: String,
    /// Fixes applied.
    pub fixed: usize,
}

impl Engine {
    /// Applies the fixes of `text`'s findings (the unsafe ones too when `unsafe_fixes`).
    /// A byte-order mark is kept; the fixes apply to the text after it.
    pub fn fix_text(&self, id: FileId, name: &FileName, text: &str, unsafe_fixes: bool) -> Fixed {
        let (bom, body) = match text.strip_prefix('\u{feff}') {
            Some(rest) => ("\u{feff}", rest),
            None => ("", text),
        };
        let mut real = body.to_string();
        let mut masked: Option<String> = None;
        let mut masked_before = None;
        let mut fixed = 0;
        for _ in 0..MAX_PASSES {
            let result = self.check_text(id, name, &format!("{bom}{real}"));
            let outcome = self.finish(vec![result], Vec::new());
            let fixes: Vec<_> = outcome
                .diagnostics
                .iter()
                .filter(|d| d.is_active() && d.file_id == id)
                .filter_map(|d| d.fix.as_deref())
                .filter(|f| unsafe_fixes || f.applicability == Applicability::Safe)
                .collect();
            if fixes.is_empty() {
                break;
            }
            // The masked text of the first pass; later passes apply the same edits to it,
            // which never touch a secret and keep every offset.
            let shown = masked.take().unwrap_or_else(|| {
                outcome
                    .source(id)
                    .map(|f| f.text.clone())
                    .filter(|t| t.len() == real.len())
                    .unwrap_or_else(|| real.clone())
            });
            masked_before.get_or_insert_with(|| shown.clone());
            let applied = crate::fix::apply(&real, &fixes);
            if applied.taken.is_empty() {
                masked = Some(shown);
                break;
            }
            let taken: Vec<_> = applied.taken.iter().map(|&i| fixes[i]).collect();
            masked = Some(crate::fix::apply(&shown, &taken).text);
            fixed += applied.taken.len();
            real = applied.text;
        }
        let masked_before = masked_before.unwrap_or_else(|| real.clone());
        Fixed {
            masked_after: masked.unwrap_or_else(|| masked_before.clone()),
            masked_before,
            text: format!("{bom}{real}"),
            fixed,
        }
    }
}
