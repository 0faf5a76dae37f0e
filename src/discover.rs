//! Turning the paths on the command line into a sorted list of files to lint.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::WalkBuilder;

use crate::config::Config;
use crate::read;
use crate::source::Format;

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
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        // Patterns were validated when the config was read.
        if let Ok(glob) = Glob::new(pattern) {
            builder.add(glob);
        }
    }
    builder.build().unwrap_or_else(|_| GlobSet::empty())
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

pub fn discover(paths: &[PathBuf], config: &Config, cwd: &Path) -> Result<Discovery, MissingPath> {
    let include = globset(&config.include);
    let exclude = globset(&config.exclude);
    let mut found: BTreeMap<String, Candidate> = BTreeMap::new();
    let mut warnings = Vec::new();
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
            if exclude.is_match(&relative) {
                continue;
            }
            let included = include.is_match(&relative);
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
    Ok(Discovery { files, warnings })
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
