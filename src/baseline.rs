//! Baselines: today's findings recorded as accepted (`walint baseline -o FILE`), so that
//! `walint check --baseline FILE` fails only on new ones.
//!
//! An entry is a fingerprint of rule + file + JSON pointer + the offending text, never a line
//! number: moving lines does not bring an old finding back, and a new finding of the same rule
//! in the same file (another pointer or another value) is still reported. File paths are
//! relative to the baseline's folder, so the file works from any working directory. Matching
//! counts: two identical findings need two entries. Entries that match nothing any more are
//! counted as fixed.
//!
//! Each entry carries the reason it was accepted and the day (`walint baseline --reason`);
//! re-recording keeps both for the findings already in the file. The findings a baseline
//! hides are not lost: the audit and JSON reports list them as accepted risks. An entry
//! without a reason still hides its finding (refusing them would fail every run of a
//! baseline recorded before reasons existed), but is reported as having none.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostic::fingerprint::fingerprint;
use crate::diagnostic::{Diagnostic, Suppression, SuppressionKind};
use crate::discover::lexical;
use crate::engine::Outcome;

/// The version of the baseline file format.
pub const FORMAT: u32 = 1;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineFile {
    /// Format version; a file of another version is refused.
    pub walint_baseline: u32,
    pub findings: Vec<Entry>,
    /// 1-based line of each entry in the file it was read from (empty for a new one).
    #[serde(skip)]
    pub lines: Vec<usize>,
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
    /// Why the finding is accepted (`walint baseline --reason`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The day the finding was first recorded, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted: Option<String>,
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
    /// Hidden findings whose entry gives no reason.
    #[serde(skip_serializing_if = "is_zero")]
    pub without_reason: usize,
    /// The hidden findings, each suppressed by its entry (kind `baseline`), sorted.
    #[serde(skip)]
    pub accepted: Vec<Diagnostic>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
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
        relative_path(&lexical(&self.cwd.join(shown)), &self.folder)
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
        reason: None,
        accepted: None,
    }
}

/// What a new recording knows beyond the findings: the reason given and today's date, and
/// the file it replaces, whose entries keep their own reason and date.
pub struct Recording<'a> {
    pub reason: Option<&'a str>,
    pub today: String,
    pub previous: Option<&'a BaselineFile>,
}

/// Records every finding that counts (suppressed ones are accepted already). A finding the
/// previous file records (by fingerprint, one entry each) keeps its entry's reason and date;
/// the others are accepted today, with the reason given.
pub fn record(outcome: &Outcome, anchor: &Anchor, recording: &Recording) -> BaselineFile {
    let mut earlier: HashMap<&str, Vec<&Entry>> = HashMap::new();
    for e in recording
        .previous
        .iter()
        .flat_map(|p| p.findings.iter())
        .rev()
    {
        earlier.entry(e.fingerprint.as_str()).or_default().push(e);
    }
    let mut findings: Vec<Entry> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.is_active())
        .map(|d| {
            let mut new = entry(d, outcome, anchor);
            let kept = earlier.get_mut(new.fingerprint.as_str()).and_then(Vec::pop);
            new.reason = kept
                .and_then(|e| e.reason.clone())
                .or_else(|| recording.reason.map(str::to_string));
            new.accepted = Some(
                kept.and_then(|e| e.accepted.clone())
                    .unwrap_or_else(|| recording.today.clone()),
            );
            new
        })
        .collect();
    findings.sort();
    BaselineFile {
        walint_baseline: FORMAT,
        findings,
        lines: Vec::new(),
    }
}

impl BaselineFile {
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    pub fn parse(text: &str) -> Result<BaselineFile, String> {
        let mut file: BaselineFile =
            serde_json::from_str(text).map_err(|e| format!("not a walint baseline: {e}"))?;
        if file.walint_baseline != FORMAT {
            return Err(format!(
                "baseline format {} is not supported (this walint reads format {FORMAT})",
                file.walint_baseline
            ));
        }
        file.lines = entry_lines(text, &file.findings);
        Ok(file)
    }
}

/// The line of each entry in `text`: where its fingerprint is written (the n-th time for the
/// n-th entry of one fingerprint). Fingerprints are hex, so they are written as they are.
fn entry_lines(text: &str, findings: &[Entry]) -> Vec<usize> {
    let mut from: HashMap<&str, usize> = HashMap::new();
    findings
        .iter()
        .map(|e| {
            let quoted = format!("\"{}\"", e.fingerprint);
            let start = from.get(e.fingerprint.as_str()).copied().unwrap_or(0);
            match text.get(start..).and_then(|rest| rest.find(&quoted)) {
                Some(at) => {
                    let at = start + at;
                    from.insert(&e.fingerprint, at + quoted.len());
                    text[..at].matches('\n').count() + 1
                }
                None => 1,
            }
        })
        .collect()
}

/// Moves the findings the baseline records (each entry hides at most one finding) out of
/// the run into the returned stats, each suppressed by its entry, and counts the rest.
/// Suppressed findings are left alone: they are accepted already.
pub fn apply(
    outcome: &mut Outcome,
    baseline: &BaselineFile,
    anchor: &Anchor,
    shown: String,
) -> BaselineStats {
    // Each fingerprint's entries, first entry last (taken with `pop`).
    let mut remaining: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, e) in baseline.findings.iter().enumerate().rev() {
        remaining.entry(e.fingerprint.as_str()).or_default().push(i);
    }
    let mut stats = BaselineStats {
        file: shown,
        entries: baseline.findings.len(),
        ..BaselineStats::default()
    };
    let mut keep = Vec::with_capacity(outcome.diagnostics.len());
    for diagnostic in &outcome.diagnostics {
        let matched = if diagnostic.is_active() {
            let fingerprint = entry(diagnostic, outcome, anchor).fingerprint;
            remaining.get_mut(fingerprint.as_str()).and_then(Vec::pop)
        } else {
            None
        };
        if let Some(index) = matched {
            let e = &baseline.findings[index];
            stats.hidden += 1;
            *stats
                .hidden_by_rule
                .entry(diagnostic.code.to_string())
                .or_default() += 1;
            if e.reason.is_none() {
                stats.without_reason += 1;
            }
            let mut accepted = diagnostic.clone();
            accepted.suppressed = Some(Box::new(Suppression {
                kind: SuppressionKind::Baseline,
                reason: e.reason.clone().unwrap_or_default(),
                file: stats.file.clone(),
                line: baseline.lines.get(index).copied().unwrap_or(1),
                accepted: e.accepted.clone(),
            }));
            stats.accepted.push(accepted);
        }
        keep.push(matched.is_none());
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
        if let Some(left) = remaining.get_mut(e.fingerprint.as_str()) {
            if !left.is_empty()
                && (checked.contains(&e.file) || !anchor.folder.join(&e.file).exists())
            {
                left.pop();
                stats.fixed += 1;
            }
        }
    }
    stats
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
            lexical(Path::new("/repo/x/../a/./b.yaml")),
            PathBuf::from("/repo/a/b.yaml")
        );
    }

    #[test]
    fn each_entry_knows_its_line_even_when_two_share_a_fingerprint() {
        let text = "{\"walint_baseline\": 1, \"findings\": [\n {\"rule\": \"WA201\", \"file\": \"a\", \"pointer\": \"\", \"fingerprint\": \"ab\", \"message\": \"\"},\n {\"rule\": \"WA201\", \"file\": \"a\", \"pointer\": \"\", \"fingerprint\": \"ab\", \"message\": \"\", \"reason\": \"known\"}\n]}";
        let file = BaselineFile::parse(text).unwrap();
        assert_eq!(file.lines, [2, 3]);
        assert_eq!(file.findings[0].reason, None);
        assert_eq!(file.findings[1].reason.as_deref(), Some("known"));
    }

    #[test]
    fn another_format_is_refused() {
        let error = BaselineFile::parse("{\"walint_baseline\": 2, \"findings\": []}").unwrap_err();
        assert!(error.contains("format 2"), "{error}");
        assert!(BaselineFile::parse("[]").is_err());
    }
}
