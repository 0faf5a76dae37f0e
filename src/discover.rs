//! Turning the paths on the command line into a sorted list of files to lint, and finding
//! the walint.yaml and the templates lock that apply to them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::WalkBuilder;

use crate::catalogue::Catalogue;
use crate::config::{self, Config};
use crate::read;
use crate::source::Format;
use crate::templates_lock::TemplatesLock;

/// Folders no WhatsApp configuration lives in, skipped even without a .gitignore.
const SKIPPED_DIRS: [&str; 3] = [".git", "target", "node_modules"];

/// A file to lint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub path: PathBuf,
    /// Relative to the working directory where possible, with `/` separators.
    pub shown: String,
    /// Relative to the config's folder, as include/exclude/overrides globs see it.
    pub config_path: String,
    /// Named on the command line or matched by `include`: a parse error is always reported.
    pub explicit: bool,
    /// Found while walking but cannot be read (a folder without permission, a name over
    /// the system's limit): reported (WA001) with this reason, never passed over.
    pub unreadable: Option<String>,
}

#[derive(Debug, Default)]
pub struct Discovery {
    pub files: Vec<Candidate>,
    /// Paths that could not be walked (a symlink loop, a folder without permission).
    pub warnings: Vec<String>,
    /// Folders were walked (not only files named), so `include` chose what was found.
    pub walked: bool,
    /// A walked folder holds the config's folder: every file `include` can match was seen.
    pub walked_root: bool,
    /// Per `include` pattern, whether a file found while walking matched it (`exclude`
    /// aside: a pattern that matches an excluded file is no typo).
    pub include_matched: Vec<bool>,
}

/// A path on the command line that cannot be linted: exit 2 with this message.
#[derive(Debug, PartialEq, Eq)]
pub struct MissingPath(pub String);

impl std::fmt::Display for MissingPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn globset(patterns: &[String]) -> GlobSet {
    indexed_globset(patterns).0
}

/// The patterns as one set, with the index in `patterns` of each glob of the set (patterns
/// were validated when the config was read; one that is not valid is left out).
fn indexed_globset(patterns: &[String]) -> (GlobSet, Vec<usize>) {
    let mut builder = GlobSetBuilder::new();
    let mut indices = Vec::with_capacity(patterns.len());
    for (index, pattern) in patterns.iter().enumerate() {
        if let Ok(glob) = Glob::new(pattern) {
            builder.add(glob);
            indices.push(index);
        }
    }
    match builder.build() {
        Ok(set) => (set, indices),
        Err(_) => (GlobSet::empty(), Vec::new()),
    }
}

/// A path as text that names it exactly, with `/` separators. On Unix a name is bytes: a
/// byte that is not part of UTF-8 text, and a backslash (never a separator there), is
/// written `\xNN` (`caf\xe9.yaml`), so no two files look alike and the name can be traced
/// back (SARIF turns the escapes back into the bytes). A backslash in the result is always
/// such an escape.
pub fn path_text(path: &Path) -> String {
    #[cfg(unix)]
    {
        use std::fmt::Write;
        use std::os::unix::ffi::OsStrExt;
        let mut out = String::new();
        for chunk in path.as_os_str().as_bytes().utf8_chunks() {
            for c in chunk.valid().chars() {
                if c == '\\' {
                    out.push_str("\\x5c");
                } else {
                    out.push(c);
                }
            }
            for byte in chunk.invalid() {
                let _ = write!(out, "\\x{byte:02x}");
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        path.to_string_lossy().replace('\\', "/")
    }
}

/// `path` as reports name it: relative to `cwd` where it is inside it, as [`path_text`].
pub fn shown(path: &Path, cwd: &Path) -> String {
    let relative = path.strip_prefix(cwd).unwrap_or(path);
    let text = path_text(relative);
    let mut text = text.as_str();
    while let Some(rest) = text.strip_prefix("./") {
        text = rest;
    }
    text.to_string()
}

/// The config of a run: `explicit` (`--config`), none (`--no-config`), or the walint.yaml
/// discovered from `start`, then from `cwd`.
pub fn load_config(
    explicit: Option<&Path>,
    no_config: bool,
    start: &Path,
    cwd: &Path,
    catalogue: &Catalogue,
) -> Result<Config, String> {
    let path = if no_config {
        None
    } else if let Some(path) = explicit {
        // The real reason: missing, a broken or looping link, or not a regular file.
        let shown = path_text(path);
        match std::fs::metadata(path) {
            Ok(metadata) => {
                if let Some(what) = read::what_it_is(metadata.file_type()) {
                    return Err(format!(
                        "config file `{shown}` is not a regular file ({what})"
                    ));
                }
            }
            Err(error) if path.symlink_metadata().is_ok() => {
                return Err(format!(
                    "config file `{shown}` is a symbolic link that leads nowhere: {}",
                    read::reason(&error)
                ));
            }
            Err(_) => return Err(format!("config file `{shown}` does not exist")),
        }
        Some(path.to_path_buf())
    } else {
        config::discover(start).or_else(|| config::discover(cwd))
    };
    match path {
        None => Ok(Config {
            root: cwd.to_path_buf(),
            ..Config::default()
        }),
        Some(path) => {
            let shown = shown(&path, cwd);
            let mut config = Config::load(&path, catalogue).map_err(|mut e| {
                e.path = shown.clone();
                e.to_string()
            })?;
            config.root = config.root.canonicalize().unwrap_or(config.root);
            config.shown = shown;
            Ok(config)
        }
    }
}

/// Reads the run's lock (`templates_lock:`, else the default file beside the config) into
/// `config.lock`; the lock's path when there is one. `cwd` is where paths in errors are
/// relative to. A lock that cannot be read is an error: `check` must not quietly fall back
/// on the repository's stale `status` fields.
pub fn load_lock(config: &mut Config, cwd: &Path) -> Result<Option<PathBuf>, String> {
    let path = config.templates_lock_path();
    let shown = shown(&path, cwd);
    match TemplatesLock::read(&path, &shown)? {
        Some(lock) => {
            config.lock = Some(Arc::new(lock));
            Ok(Some(path))
        }
        None if config.templates_lock.is_some() => Err(format!(
            "walint.yaml names the templates lock `{}`, which does not exist; `walint templates pull` writes it",
            shown
        )),
        None => Ok(None),
    }
}

/// The current folder, canonical when it can be.
pub fn working_folder() -> Result<PathBuf, String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current folder: {e}"))?;
    Ok(cwd.canonicalize().unwrap_or(cwd))
}

pub fn discover(paths: &[PathBuf], config: &Config, cwd: &Path) -> Result<Discovery, MissingPath> {
    let (include, include_indices) = indexed_globset(&config.include);
    let exclude = globset(&config.exclude);
    let mut found: BTreeMap<String, Candidate> = BTreeMap::new();
    let mut warnings = Vec::new();
    let mut include_matched = vec![false; config.include.len()];
    let (mut walked, mut walked_root) = (false, false);
    let root = config.root.canonicalize().unwrap_or(config.root.clone());
    for path in paths {
        let metadata = std::fs::metadata(path);
        if let (Err(error), Err(_)) = (&metadata, std::fs::symlink_metadata(path)) {
            let shown = path_text(path);
            return Err(MissingPath(match error.kind() {
                std::io::ErrorKind::NotFound => format!("path `{shown}` does not exist"),
                _ => format!("cannot read `{shown}`: {}", read::reason(error)),
            }));
        }
        if !path.is_dir() {
            let shown = shown(path, cwd);
            found.insert(
                shown.clone(),
                Candidate {
                    path: path.clone(),
                    config_path: config.relative(&cwd.join(path)),
                    shown,
                    explicit: true,
                    unreadable: None,
                },
            );
            continue;
        }
        // A folder named on the command line that cannot be listed: nothing of it would be
        // checked, which is no pass.
        if let Err(error) = std::fs::read_dir(path) {
            return Err(MissingPath(format!(
                "cannot read folder `{}`: {}",
                path_text(path),
                read::reason(&error)
            )));
        }
        walked = true;
        let folder = cwd.join(path);
        walked_root |= root.starts_with(folder.canonicalize().unwrap_or(folder));
        let walker = WalkBuilder::new(path)
            .hidden(false)
            .follow_links(true)
            .require_git(false)
            .filter_entry(|entry| {
                let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                !(is_dir
                    && entry.depth() > 0
                    && SKIPPED_DIRS.contains(&&*entry.file_name().to_string_lossy()))
            })
            .build();
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    // A linted-looking file that cannot be opened (a dangling symlink) is
                    // handed on, so loading reports it with the OS error; a folder that
                    // cannot be read (no permission, a name too long) is reported as
                    // unreadable; a symlink loop is a warning, its target linted once.
                    match unreadable_file(&error) {
                        Some((path, _)) if Format::from_path(&path_text(&path)).is_some() => {
                            let shown = shown(&path, cwd);
                            found.entry(shown.clone()).or_insert(Candidate {
                                config_path: config.relative(&cwd.join(&path)),
                                path,
                                shown,
                                explicit: true,
                                unreadable: None,
                            });
                        }
                        Some((path, reason)) if !path.is_file() => {
                            let shown = shown(&path, cwd);
                            found.entry(shown.clone()).or_insert(Candidate {
                                config_path: config.relative(&cwd.join(&path)),
                                path,
                                shown,
                                explicit: true,
                                unreadable: Some(format!("cannot read folder: {reason}")),
                            });
                        }
                        _ => warnings.push(error.to_string()),
                    }
                    continue;
                }
            };
            if entry.file_type().is_some_and(|t| t.is_dir()) {
                continue;
            }
            let shown = shown(entry.path(), cwd);
            if Format::from_path(&shown).is_none() {
                continue;
            }
            let relative = config.relative(&cwd.join(entry.path()));
            let matches = include.matches(&relative);
            for index in &matches {
                if let Some(&pattern) = include_indices.get(*index) {
                    include_matched[pattern] = true;
                }
            }
            if exclude.is_match(&relative) {
                continue;
            }
            let included = !matches.is_empty();
            if !config.include.is_empty() && !included {
                continue;
            }
            found.entry(shown.clone()).or_insert(Candidate {
                path: entry.into_path(),
                shown,
                config_path: relative,
                explicit: included,
                unreadable: None,
            });
        }
    }
    // Each real file once (through a symlinked folder it is found twice), under the first
    // of its names in path order.
    let mut seen = std::collections::HashSet::new();
    let files = found
        .into_values()
        .filter(|candidate| match std::fs::canonicalize(&candidate.path) {
            Ok(real) => seen.insert(real),
            Err(_) => true,
        })
        .collect();
    Ok(Discovery {
        files,
        warnings,
        walked,
        walked_root,
        include_matched,
    })
}

/// `check --force-exclude`: the files named on the command line follow the rules of files
/// found in folders, for tools that name every changed file (pre-commit, lint-staged): the
/// config's `exclude` and `include` apply, and a file that does not parse is reported only
/// when `include` matches it or it carries a walint marker (a `tsconfig.json` with comments
/// or a Helm template is not walint's business). Files found in folders already follow
/// these rules, so applying them to every candidate changes only the named ones.
pub fn force_exclude(files: &mut Vec<Candidate>, config: &Config) {
    let include = globset(&config.include);
    let exclude = globset(&config.exclude);
    files.retain_mut(|file| {
        if exclude.is_match(&file.config_path) {
            return false;
        }
        let included = include.is_match(&file.config_path);
        file.explicit = included;
        config.include.is_empty() || included
    });
}

/// The path the walker could not open, with the reason, unless the error is a loop.
fn unreadable_file(error: &ignore::Error) -> Option<(PathBuf, String)> {
    match error {
        ignore::Error::WithPath { path, err } => io_reason(err).map(|r| (path.clone(), r)),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            unreadable_file(err)
        }
        _ => None,
    }
}

fn io_reason(error: &ignore::Error) -> Option<String> {
    match error {
        ignore::Error::Io(error) => Some(read::reason(error)),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            io_reason(err)
        }
        _ => None,
    }
}
