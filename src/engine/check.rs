//! Checking: one file's rules on its text (its tree and documents go before the next file is
//! read), and the cross-file rules over every checked file's exports.

use crate::diagnostic::{Diagnostic, FileFinding, FileId};
use crate::model::Document;
use crate::rules::{self, debug_assert_own, Context, FileContext};
use crate::workspace::{Exports, Workspace};

use super::load::{self, Loaded, Refused};
use super::resolve::{resolve, Nodes};
use super::{CheckedFile, Engine, FileName, FileResult};

impl Engine {
    /// Checks one file's text as `name` says it is called: parse, read its documents, run its
    /// own rules and resolve their findings. No file system access: the text is all it reads.
    pub fn check_text(&self, id: FileId, name: &FileName, text: &str) -> FileResult {
        match load::check_size(text, name.explicit) {
            Ok(()) => self.check_decoded(id, name, text.to_string()),
            Err(refused) => self.refused(id, name, refused),
        }
    }

    /// Checks one file's bytes as read from disk or standard input: text that is too large
    /// or not UTF-8 is left out, or reported (WA001) when it is walint's or asked for.
    pub fn check_bytes(&self, id: FileId, name: &FileName, bytes: Vec<u8>) -> FileResult {
        match load::decode(bytes, name.explicit) {
            Ok(text) => self.check_decoded(id, name, text),
            Err(refused) => self.refused(id, name, refused),
        }
    }

    /// A file that could not be read: WA001 says why.
    pub fn unreadable(&self, id: FileId, name: &FileName, error: &std::io::Error) -> FileResult {
        let loaded = Loaded::unreadable(id, name, format!("cannot read file: {error}"));
        FileResult::Checked(self.check_loaded(loaded))
    }

    fn refused(&self, id: FileId, name: &FileName, refused: Refused) -> FileResult {
        match refused {
            Refused::Unreadable(message) => {
                FileResult::Checked(self.check_loaded(Loaded::unreadable(id, name, message)))
            }
            Refused::Skipped(reason) => FileResult::Skipped {
                id,
                path: name.shown.clone(),
                reason,
            },
        }
    }

    fn check_decoded(&self, id: FileId, name: &FileName, text: String) -> FileResult {
        match load::load(id, name, text, self.inline_ignores, &self.catalogue) {
            Ok(loaded) => FileResult::Checked(self.check_loaded(loaded)),
            Err(reason) => FileResult::Skipped {
                id,
                path: name.shown.clone(),
                reason,
            },
        }
    }

    /// Runs every per-file check on a loaded file and resolves its findings, so its tree and
    /// documents can go.
    fn check_loaded(&self, loaded: Loaded) -> CheckedFile {
        let Loaded {
            mut file,
            tree,
            contents,
            mut findings,
            ignores,
        } = loaded;
        let id = file.id;
        if let Some(tree) = &tree {
            let ctx = FileContext {
                file: id,
                tree,
                config: &self.config,
                documents: &contents.documents,
            };
            for &(rule, check) in &self.file_checks {
                let before = findings.len();
                check(&ctx, &mut findings);
                debug_assert_own(rule, &findings[before..]);
            }
            let ctx = Context {
                file: id,
                tree,
                config: &self.config,
            };
            for document in &contents.documents {
                self.document_checks.run(document, &ctx, &mut findings);
            }
        }
        let nodes = tree.as_ref().map_or(Nodes::None, Nodes::Tree);
        // Secrets are masked before any rule or report sees the file again.
        for finding in findings.iter().filter(|f| f.sensitive) {
            let (span, _) = super::resolve::locate(&file.text, nodes, finding.at);
            file.secrets.push(span);
        }
        let mut diagnostics: Vec<Diagnostic> = findings
            .into_iter()
            .filter(|finding| self.is_enabled(finding.rule))
            .filter_map(|finding| {
                // A file's own checks point into the file only.
                let files = |i: FileId| (i == id).then_some((&file, nodes));
                resolve(
                    files,
                    &self.config,
                    &self.catalogue,
                    FileFinding { file: id, finding },
                )
            })
            .collect();
        // Kept until every file is checked: no room for growth.
        diagnostics.shrink_to_fit();
        let exports = match &tree {
            Some(tree) if !self.workspace_checks.is_empty() => {
                rules::export(tree, &contents.documents)
            }
            _ => Exports::default(),
        };
        file.kinds = contents.documents.iter().map(Document::kind).collect();
        if diagnostics.is_empty() && ignores.is_empty() && exports.documents.is_empty() {
            // Nothing can point into the file any more.
            file.drop_text();
        }
        CheckedFile {
            file,
            diagnostics,
            ignores,
            exports,
        }
    }

    /// Runs the cross-file rules over the exports of checked files (in any order) and
    /// resolves their findings with the locations the exports kept: no file is read or
    /// parsed again.
    pub fn check_across<'a>(
        &self,
        files: impl IntoIterator<Item = &'a CheckedFile>,
    ) -> Vec<Diagnostic> {
        if self.workspace_checks.is_empty() {
            return Vec::new();
        }
        let mut files: Vec<&CheckedFile> = files.into_iter().collect();
        files.sort_by_key(|f| f.file.id);
        let workspace = Workspace::new(
            files
                .iter()
                .map(|f| (f.file.id, f.file.path.as_str(), &f.exports)),
        );
        let mut findings = Vec::new();
        for &(rule, check) in &self.workspace_checks {
            let before = findings.len();
            check(&workspace, &self.config, &mut findings);
            debug_assert_own(rule, findings[before..].iter().map(|f| &f.finding));
        }
        let located = |id: FileId| {
            let at = files.binary_search_by_key(&id, |f| f.file.id).ok()?;
            let checked = files.get(at)?;
            Some((&checked.file, Nodes::Kept(&checked.exports.locations)))
        };
        findings
            .into_iter()
            .filter(|f| self.is_enabled(f.finding.rule))
            .filter_map(|f| resolve(located, &self.config, &self.catalogue, f))
            .collect()
    }
}
