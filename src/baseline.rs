//! Baselines: today's findings recorded as accepted (`walint baseline -o FILE`), so that
//! `walint check --baseline FILE` fails only on new ones.
//!
//! An entry is a fingerprint of rule + file + JSON pointer + the offending text, never a line
//! number: moving lines does not bring an old finding back, and a new finding of the same rule
//! in the same file (another pointer or another value) is still reported. File paths are
//! relative to the baseline's folder, so the file works from any working directory. Matching
//! counts: two identical findings need two entries. Entries that match nothing any more are
//! counted as fixed.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostic::fingerprint::fingerprint;
use crate::diagnostic::Diagnostic;
use crate::engine::Outcome;

/// The version of the baseline file format.
pub const FORMAT: u32 = 1;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineFile {
    /// Format version; a file of another version is refused.
    pub walint_baseline: u32,
    pub findings: Vec<Entry>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    pub rule: String,
    /// Relative to the baseline file's folder, with `/` separators.
    pub file: String,
    pub pointer: String,
    /// rule + file + pointer + offending text, hashed; what matching compares.
    pub fingerprint: String,
    /// For people reading the file; not compared.
    pub message: String,
}

/// What applying a baseline did, for the summary lines and the audit reports.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BaselineStats {
    /// The baseline file as given on the command line.
    pub file: String,
    /// Entries in the file.
    pub entries: usize,
    /// Findings hidden because the baseline records them.
    pub hidden: usize,
    /// Hidden findings by rule code.
    pub hidden_by_rule: BTreeMap<String, usize>,
    /// Entries of files in this run that match no finding any more.
    pub fixed: usize,
}

/// Where the baseline lives and how the run's paths relate to it.
pub struct Anchor {
    /// The baseline file's folder, absolute.
    pub folder: PathBuf,
    /// The working directory, absolute: diagnostics' paths are relative to it.
    pub cwd: PathBuf,
}

impl Anchor {
    pub fn new(baseline: &Path, cwd: &Path) -> Anchor {
        let absolute = cwd.join(baseline);
        let folder = absolute
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| cwd.to_path_buf());
        let folder = folder.canonicalize().unwrap_or(folder);
        Anchor {
            folder,
            cwd: cwd.to_path_buf(),
        }
    }

    /// A run path (relative to the working directory) relative to the baseline's folder.
    fn relative(&self, shown: &str) -> String {
        relative_path(&normalize(&self.cwd.join(shown)), &self.folder)
    }
}

fn entry(diagnostic: &Diagnostic, outcome: &Outcome, anchor: &Anchor) -> Entry {
    let file = anchor.relative(&diagnostic.file);
    let offending = outcome
        .source(diagnostic.file_id)
        .and_then(|f| f.text.get(diagnostic.span.start..diagnostic.span.end))
        .unwrap_or("");
    Entry {
        rule: diagnostic.code.to_string(),
        fingerprint: fingerprint(&diagnostic.code, &file, &diagnostic.pointer, offending),
        file,
        pointer: diagnostic.pointer.clone(),
        message: diagnostic.message.clone(),
    }
}

/// Records every finding that counts (suppressed ones are accepted already).
pub fn record(outcome: &Outcome, anchor: &Anchor) -> BaselineFile {
    let mut findings: Vec<Entry> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.is_active())
        .map(|d| entry(d, outcome, anchor))
        .collect();
    findings.sort();
    BaselineFile {
        walint_baseline: FORMAT,
        findings,
    }
}

impl BaselineFile {
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    pub fn parse(text: &str) -> Result<BaselineFile, String> {
        let file: BaselineFile =
            serde_json::from_str(text).map_err(|e| format!("not a walint baseline: {e}"))?;
        if file.walint_baseline != FORMAT {
            return Err(format!(
                "baseline format {} is not supported (this walint reads format {FORMAT})",
                file.walint_baseline
            ));
        }
        Ok(file)
    }
}

/// Removes the findings the baseline records (each entry hides at most one finding) and
/// returns what it did. Suppressed findings are left alone: they are accepted already.
pub fn apply(
    outcome: &mut Outcome,
    baseline: &BaselineFile,
    anchor: &Anchor,
    shown: String,
) -> BaselineStats {
    let mut remaining: HashMap<&str, usize> = HashMap::new();
    for e in &baseline.findings {
        *remaining.entry(e.fingerprint.as_str()).or_default() += 1;
    }
    let mut stats = BaselineStats {
        file: shown,
        entries: baseline.findings.len(),
        ..BaselineStats::default()
    };
    let mut keep = Vec::with_capacity(outcome.diagnostics.len());
    for diagnostic in &outcome.diagnostics {
        let hidden = diagnostic.is_active() && {
            let fingerprint = entry(diagnostic, outcome, anchor).fingerprint;
            match remaining.get_mut(fingerprint.as_str()) {
                Some(count) if *count > 0 => {
                    *count -= 1;
                    true
                }
                _ => false,
            }
        };
        if hidden {
            stats.hidden += 1;
            *stats
                .hidden_by_rule
                .entry(diagnostic.code.to_string())
                .or_default() += 1;
        }
        keep.push(!hidden);
    }
    let mut flags = keep.into_iter();
    outcome.diagnostics.retain(|_| flags.next().unwrap_or(true));
    // Fixed: entries left over whose file was checked in this run, or is gone.
    let checked: BTreeSet<String> = outcome
        .files
        .iter()
        .map(|f| anchor.relative(&f.path))
        .collect();
    for e in &baseline.findings {
        if let Some(count) = remaining.get_mut(e.fingerprint.as_str()) {
            if *count > 0 && (checked.contains(&e.file) || !anchor.folder.join(&e.file).exists()) {
                *count -= 1;
                stats.fixed += 1;
            }
        }
    }
    stats
}

/// `path` without `.` and with `..` folded, lexically.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` relative to `base` (both absolute), with `..` where needed and `/` separators.
fn relative_path(path: &Path, base: &Path) -> String {
    let path: Vec<Component> = path.components().collect();
    let base: Vec<Component> = base.components().collect();
    let common = path.iter().zip(&base).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = Vec::new();
    for _ in common..base.len() {
        parts.push("..".into());
    }
    for component in path.iter().skip(common) {
        parts.push(crate::discover::path_text(Path::new(component.as_os_str())));
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_relative_to_the_baseline_folder() {
        let base = Path::new("/repo");
        assert_eq!(relative_path(Path::new("/repo/a/b.yaml"), base), "a/b.yaml");
        assert_eq!(
            relative_path(Path::new("/other/c.yaml"), base),
            "../other/c.yaml"
        );
        assert_eq!(
            normalize(Path::new("/repo/x/../a/./b.yaml")),
            PathBuf::from("/repo/a/b.yaml")
        );
    }

    #[test]
    fn another_format_is_refused() {
        let error = BaselineFile::parse("{\"walint_baseline\": 2, \"findings\": []}").unwrap_err();
        assert!(error.contains("format 2"), "{error}");
        assert!(BaselineFile::parse("[]").is_err());
    }
}
