//! The workspace a language server checks: every file `walint check` would check in the
//! workspace's folder (read from disk, as the CLI does), with the editor's text in place of
//! the disk's for the open documents. Each file's result is kept; a change checks that one
//! file again, then the cross-file rules over the kept results of every file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::catalogue::Catalogue;
use crate::config::Config;
use crate::custom;
use crate::diagnostic::{Diagnostic, FileId};
use crate::discover::{self, Candidate};
use crate::engine::{self, Engine, FileName, FileResult, Options, Outcome};
use crate::source::Format;

/// A document open in the editor: its text is the file's, whatever the disk holds.
pub struct Document {
    /// As the client wrote it, for publishing.
    pub uri: lsp_types::Uri,
    pub text: String,
    /// Its diagnostics as last published, for code actions and hover.
    pub diagnostics: Vec<Diagnostic>,
}

struct Slot {
    candidate: Candidate,
    /// `None` while the file is neither on disk nor open (deleted, or not yet read).
    result: Option<FileResult>,
    open: Option<Document>,
    /// walint read a document of its kinds from the file: while it is edited, a text that
    /// does not parse is reported (WA001), as for a file named on the command line, rather
    /// than passed over as someone else's JSON or YAML.
    known: bool,
}

pub struct Project {
    root: PathBuf,
    engine: Engine,
    /// The walint.yaml of the workspace, when there is one.
    pub config_path: Option<PathBuf>,
    /// Why walint.yaml (or the templates lock it names) could not be read: the built-in
    /// rules run meanwhile, and the problem is shown on walint.yaml.
    pub config_error: Option<String>,
    /// By file id: slot `i` holds the file of `FileId::input(i)`.
    slots: Vec<Slot>,
    by_path: HashMap<PathBuf, usize>,
}

impl Project {
    /// The rules the workspace runs: the built-in ones and its custom rules.
    pub fn catalogue(&self) -> &Catalogue {
        self.engine.catalogue()
    }

    /// The workspace of `root` as it is on disk.
    pub fn load(root: &Path, catalogue: &Arc<Catalogue>) -> Project {
        let mut config_error = None;
        let (mut config, loaded) = match discover::load_config(None, false, root, root, catalogue) {
            Ok(loaded) => loaded,
            Err(error) => {
                config_error = Some(error);
                let config = Config {
                    root: root.to_path_buf(),
                    ..Config::default()
                };
                (config, custom::Loaded::builtin(catalogue.clone()))
            }
        };
        let config_path = config
            .path
            .clone()
            .or_else(|| crate::config::discover(root));
        if let Err(error) = discover::load_lock(&mut config, root) {
            config_error.get_or_insert(error);
        }
        let candidates = discover::discover(&[root.to_path_buf()], &config, root)
            .map(|found| found.files)
            .unwrap_or_default();
        let options = Options {
            custom: loaded.rules,
            ..Options::default()
        };
        let engine = Engine::new(loaded.catalogue, config, options);
        let results: Vec<FileResult> = candidates
            .par_iter()
            .enumerate()
            .map(|(index, candidate)| {
                engine::check_candidate(&engine, FileId::input(index), candidate, None)
            })
            .collect();
        let slots: Vec<Slot> = candidates
            .into_iter()
            .zip(results)
            .map(|(candidate, result)| Slot {
                candidate,
                known: result.checked().is_some_and(|c| !c.file.kinds.is_empty()),
                result: Some(result),
                open: None,
            })
            .collect();
        let by_path = slots
            .iter()
            .enumerate()
            .map(|(index, slot)| (canonical(&slot.candidate.path), index))
            .collect();
        Project {
            root: root.to_path_buf(),
            engine,
            config_path,
            config_error,
            slots,
            by_path,
        }
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether `path` is the workspace's config file.
    pub fn is_config(&self, path: &Path) -> bool {
        match &self.config_path {
            Some(config) => canonical(path) == canonical(config),
            None => {
                let named = path
                    .file_name()
                    .is_some_and(|name| crate::config::FILE_NAMES.iter().any(|n| name == *n));
                named && path.parent().map(canonical) == Some(canonical(&self.root))
            }
        }
    }

    /// Opens `path` with the editor's text; false when walint does not check the file (not
    /// JSON or YAML, or excluded by the config).
    pub fn open(&mut self, path: &Path, uri: lsp_types::Uri, text: String) -> bool {
        let Some(index) = self.slot_of(path) else {
            return false;
        };
        self.check(index, Some(text.as_bytes()));
        self.slots[index].open = Some(Document {
            uri,
            text,
            diagnostics: Vec::new(),
        });
        true
    }

    /// The open document's text changed; false when it is not a document walint checks.
    pub fn change(&mut self, path: &Path, text: String) -> bool {
        let Some(&index) = self.by_path.get(&canonical(path)) else {
            return false;
        };
        if self.slots[index].open.is_none() {
            return false;
        }
        self.check(index, Some(text.as_bytes()));
        if let Some(document) = &mut self.slots[index].open {
            document.text = text;
        }
        true
    }

    /// The document is closed: from now on the file is what the disk holds.
    pub fn close(&mut self, path: &Path) -> bool {
        let Some(&index) = self.by_path.get(&canonical(path)) else {
            return false;
        };
        self.slots[index].open = None;
        self.check(index, None);
        true
    }

    /// A file changed on disk (created, written, deleted); an open document keeps the
    /// editor's text.
    pub fn disk_changed(&mut self, path: &Path) {
        if let Some(index) = self.slot_of(path) {
            if self.slots[index].open.is_none() {
                self.check(index, None);
            }
        }
    }

    /// Checks the file of slot `index` again: the `given` text, else the disk's.
    fn check(&mut self, index: usize, given: Option<&[u8]>) {
        let slot = &mut self.slots[index];
        let id = FileId::input(index);
        slot.result = match given {
            Some(_) => {
                let candidate = Candidate {
                    explicit: slot.candidate.explicit || slot.known,
                    ..slot.candidate.clone()
                };
                Some(engine::check_candidate(&self.engine, id, &candidate, given))
            }
            // Deleted: it no longer takes part in the run.
            None if !slot.candidate.path.exists() => None,
            None => Some(engine::check_candidate(
                &self.engine,
                id,
                &slot.candidate,
                None,
            )),
        };
        let read = slot.result.as_ref().and_then(FileResult::checked);
        slot.known |= read.is_some_and(|c| !c.file.kinds.is_empty());
    }

    /// The open documents, by path.
    pub fn documents(&self) -> impl Iterator<Item = (&Path, &Document)> {
        self.slots
            .iter()
            .filter_map(|slot| Some((slot.candidate.path.as_path(), slot.open.as_ref()?)))
    }

    pub fn document(&self, path: &Path) -> Option<&Document> {
        let index = *self.by_path.get(&canonical(path))?;
        self.slots[index].open.as_ref()
    }

    /// The file's name in the run, for fixing its text.
    pub fn name(&self, path: &Path) -> Option<(FileId, FileName)> {
        let index = *self.by_path.get(&canonical(path))?;
        Some((
            FileId::input(index),
            FileName::of(&self.slots[index].candidate),
        ))
    }

    /// The file of `id` and its text as the run checked it (masked secrets keep every
    /// offset), when it kept the text.
    pub fn file_text(&self, id: FileId) -> Option<(&Path, &str)> {
        let slot = self.slot_by_id(id)?;
        if let Some(document) = &slot.open {
            return Some((slot.candidate.path.as_path(), document.text.as_str()));
        }
        let checked = slot.result.as_ref()?.checked()?;
        let text = checked.file.text.as_str();
        (!text.is_empty()).then_some((slot.candidate.path.as_path(), text))
    }

    /// The path of the file of `id`.
    pub fn path(&self, id: FileId) -> Option<&Path> {
        Some(&self.slot_by_id(id)?.candidate.path)
    }

    fn slot_by_id(&self, id: FileId) -> Option<&Slot> {
        self.slots.get(id.index()?)
    }

    /// Runs the cross-file rules over every file and finishes the open documents: their
    /// diagnostics are kept in each document (and returned, by path, for publishing).
    pub fn check_open(&mut self) -> Vec<(PathBuf, Vec<Diagnostic>)> {
        let open: Vec<FileResult> = self
            .slots
            .iter()
            .filter(|slot| slot.open.is_some())
            .filter_map(|slot| slot.result.clone())
            .collect();
        let ids: Vec<FileId> = open.iter().map(FileResult::id).collect();
        let across = self.across(|id| ids.contains(&id));
        let outcome = self.engine.finish(open, across);
        let mut published = Vec::new();
        for (index, slot) in self.slots.iter_mut().enumerate() {
            let Some(document) = &mut slot.open else {
                continue;
            };
            let id = FileId::input(index);
            document.diagnostics = outcome
                .diagnostics
                .iter()
                .filter(|d| d.file_id == id && d.is_active())
                .cloned()
                .collect();
            published.push((slot.candidate.path.clone(), document.diagnostics.clone()));
        }
        published
    }

    /// The whole workspace finished, as `walint check` in its folder would: what the config
    /// file's diagnostics need (an override that matches no finding is only known so).
    pub fn check_all(&self) -> Outcome {
        let across = self.across(|_| true);
        let results = self
            .slots
            .iter()
            .filter_map(|slot| slot.result.clone())
            .collect();
        self.engine.finish(results, across)
    }

    /// The cross-file diagnostics of the files `wanted` names.
    fn across(&self, wanted: impl Fn(FileId) -> bool) -> Vec<Diagnostic> {
        self.engine.check_across(
            self.slots
                .iter()
                .filter_map(|slot| slot.result.as_ref()?.checked()),
            wanted,
            // The server's engine keeps the texts: nothing is read again.
            |_| None,
        )
    }

    /// The slot of `path`, made for a file the workspace did not have (created since, or
    /// outside the workspace's folder) when walint checks such a file.
    fn slot_of(&mut self, path: &Path) -> Option<usize> {
        let key = canonical(path);
        if let Some(&index) = self.by_path.get(&key) {
            return Some(index);
        }
        let shown = discover::shown(path, &self.root);
        Format::from_path(&shown)?;
        let config = self.engine.config();
        let mut candidates = vec![Candidate {
            path: path.to_path_buf(),
            config_path: config.relative(path),
            shown,
            explicit: false,
            unreadable: None,
            project: 0,
        }];
        // As a file found in the folder: the config's include and exclude apply.
        discover::force_exclude(&mut candidates, |_| config);
        let candidate = candidates.pop()?;
        let index = self.slots.len();
        self.slots.push(Slot {
            candidate,
            result: None,
            open: None,
            known: false,
        });
        self.by_path.insert(key, index);
        Some(index)
    }
}

/// The path by which two names of one file are the same key.
fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}
