//! `--compare PREVIOUS.json`: this run against the JSON report of an earlier one. Findings
//! are matched by fingerprint (rule, file, pointer and offending text, never lines), so a
//! finding that moved is the same finding. Each finding of either report is in one of four
//! lists: new (open now, not open then), fixed (found then, not found now), accepted (open
//! then, suppressed or baselined now) and still open (open in both).

use std::collections::BTreeMap;

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use crate::catalogue::Severity;
use crate::diagnostic::{Counts, Diagnostic};

/// An earlier run's JSON report, as much of it as the comparison needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PreviousReport {
    /// The file as the reports name it.
    pub file: String,
    pub sha256: String,
    pub report_id: String,
    pub files: usize,
    pub findings: Vec<PreviousFinding>,
}

/// A finding of the previous report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviousFinding {
    pub rule: String,
    pub name: String,
    pub severity: Severity,
    pub message: String,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub fingerprint: String,
    /// A suppression or a baseline entry accepted it then.
    #[serde(skip_deserializing)]
    pub was_accepted: bool,
}

/// The keys that tell a JSON report from the other JSON files walint reads or writes (SARIF
/// has `runs` and `version`, a baseline `walint_baseline`), and the tool that wrote it.
#[derive(Deserialize)]
struct Probe {
    tool: Option<serde_json::Value>,
    runs: Option<IgnoredAny>,
    version: Option<IgnoredAny>,
    walint_baseline: Option<IgnoredAny>,
}

/// The JSON report's shape (`report::json`), the fields the comparison reads.
#[derive(Deserialize)]
struct JsonReport {
    summary: JsonSummary,
    diagnostics: Vec<JsonEntry>,
    run: JsonRun,
}

#[derive(Deserialize)]
struct JsonSummary {
    files: usize,
}

#[derive(Deserialize)]
struct JsonRun {
    report_id: String,
}

#[derive(Deserialize)]
struct JsonEntry {
    #[serde(flatten)]
    finding: PreviousFinding,
    /// What accepted it (`report::json`'s suppression object), or `null`.
    suppression: Option<serde_json::Map<String, serde_json::Value>>,
}

impl PreviousReport {
    /// Reads a JSON report that this version of walint wrote. `file` names it in messages
    /// and reports. Anything else (not JSON, another tool's report, SARIF, a report of
    /// another walint version, whose fingerprints and rules may differ) is an error that
    /// says which.
    pub fn parse(text: &str, file: &str, sha256: &str) -> Result<PreviousReport, String> {
        let not_ours = |why: &str| {
            format!(
                "`{file}` is not a walint JSON report ({why}); --compare reads the output of `walint check --format json`"
            )
        };
        // What the file is, read without building a tree of the whole file (up to 64 MiB):
        // is it JSON, an object, and whose.
        serde_json::from_str::<IgnoredAny>(text)
            .map_err(|e| not_ours(&format!("not valid JSON: {e}")))?;
        if !text.trim_start().starts_with('{') {
            return Err(not_ours("not a JSON object"));
        }
        let probe: Probe = serde_json::from_str(text).map_err(|e| not_ours(&e.to_string()))?;
        if probe.runs.is_some() && probe.version.is_some() {
            return Err(not_ours("it is a SARIF log"));
        }
        if probe.walint_baseline.is_some() {
            return Err(not_ours("it is a baseline, which `--baseline` reads"));
        }
        let tool = |key: &str| {
            probe
                .tool
                .as_ref()
                .and_then(|t| t.get(key))
                .and_then(|v| v.as_str())
        };
        if tool("name") != Some("walint") {
            return Err(not_ours("no `tool.name` \"walint\""));
        }
        let Some(version) = tool("version") else {
            return Err(not_ours("no `tool.version` string"));
        };
        let ours = env!("CARGO_PKG_VERSION");
        if version != ours {
            return Err(format!(
                "`{file}` is a JSON report of walint {version}, this is walint {ours}: the rules and fingerprints of another version may differ, so their findings cannot be matched; run walint {ours} on the earlier commit for a report to compare with"
            ));
        }
        let report: JsonReport = serde_json::from_str(text)
            .map_err(|e| not_ours(&format!("{e}, as walint {ours} writes it")))?;
        let id = &report.run.report_id;
        if id.len() != 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(not_ours(&format!(
                "`run.report_id` is `{}`, not a SHA-256 in hex",
                id.chars().take(80).collect::<String>()
            )));
        }
        let findings = report
            .diagnostics
            .into_iter()
            .map(|entry| PreviousFinding {
                was_accepted: entry.suppression.is_some(),
                ..entry.finding
            })
            .collect();
        Ok(PreviousReport {
            file: file.to_string(),
            sha256: sha256.to_string(),
            report_id: report.run.report_id,
            files: report.summary.files,
            findings,
        })
    }

    /// Findings that counted then, by severity, and those accepted.
    pub fn totals(&self) -> Totals {
        let mut totals = Totals::default();
        for f in &self.findings {
            totals.add(f.severity, f.was_accepted);
        }
        totals
    }
}

/// Findings of one run by what they count as: by severity those that counted, and those
/// accepted (suppressed or baselined).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    #[serde(flatten)]
    pub counts: Counts,
    pub accepted: usize,
}

impl Totals {
    fn add(&mut self, severity: Severity, accepted: bool) {
        if accepted {
            self.accepted += 1;
        } else {
            self.counts.add(severity);
        }
    }
}

/// This run against the previous report. Lists are in report order.
pub struct Comparison<'a> {
    pub previous: &'a PreviousReport,
    /// This run's findings, as `previous.totals()` counts the previous report's.
    pub now: Totals,
    /// Open now, not open then. Each with whether it was accepted then.
    pub new: Vec<(&'a Diagnostic, bool)>,
    /// Found then (open or accepted), not found now.
    pub fixed: Vec<&'a PreviousFinding>,
    /// Open then, suppressed or baselined now.
    pub accepted: Vec<&'a Diagnostic>,
    /// Open then and now.
    pub still_open: Vec<&'a Diagnostic>,
}

impl<'a> Comparison<'a> {
    /// Matches `findings` (every finding of this run, accepted ones included, in report
    /// order) with the previous report's. A fingerprint found several times is matched as
    /// often as it is found on both sides, open with open and accepted with accepted first.
    pub fn of(previous: &'a PreviousReport, findings: &[&'a Diagnostic]) -> Comparison<'a> {
        #[derive(Default)]
        struct Then<'p> {
            open: Vec<&'p PreviousFinding>,
            accepted: Vec<&'p PreviousFinding>,
        }
        let mut then: BTreeMap<&str, Then> = BTreeMap::new();
        for f in &previous.findings {
            let side = then.entry(&f.fingerprint).or_default();
            if f.was_accepted {
                side.accepted.push(f);
            } else {
                side.open.push(f);
            }
        }
        // First pass: like with like (open-open is still open, accepted-accepted unchanged).
        let mut unmatched = Vec::new();
        let mut still_open = Vec::new();
        let mut now = Totals::default();
        for &d in findings {
            now.add(d.severity, !d.is_active());
            let side = then.entry(&d.fingerprint).or_default();
            let like = if d.is_active() {
                &mut side.open
            } else {
                &mut side.accepted
            };
            if like.pop().is_some() {
                if d.is_active() {
                    still_open.push(d);
                }
            } else {
                unmatched.push(d);
            }
        }
        // Second pass: a finding whose state changed, or that is new.
        let mut new = Vec::new();
        let mut accepted = Vec::new();
        for d in unmatched {
            let side = then.entry(&d.fingerprint).or_default();
            if d.is_active() {
                new.push((d, side.accepted.pop().is_some()));
            } else if side.open.pop().is_some() {
                accepted.push(d);
            }
        }
        let mut fixed: Vec<&PreviousFinding> = then
            .into_values()
            .flat_map(|side| side.open.into_iter().chain(side.accepted))
            .collect();
        fixed.sort_by(|a, b| {
            (&a.file, a.line, a.column, &a.rule, &a.message)
                .cmp(&(&b.file, b.line, b.column, &b.rule, &b.message))
        });
        Comparison {
            previous,
            now,
            new,
            fixed,
            accepted,
            still_open,
        }
    }

    /// "since ../last.json: 1 new, 2 fixed, 0 accepted, 4 still open", for summary lines.
    pub fn summary(&self) -> String {
        format!(
            "{} new, {} fixed, {} accepted, {} still open",
            self.new.len(),
            self.fixed.len(),
            self.accepted.len(),
            self.still_open.len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VERSION: &str = env!("CARGO_PKG_VERSION");
    const ID: &str = "e1c3f2c66dd6597aa06d8654435463f0c6b174ac3c37f46816a19e6ba4f0a3bf";

    fn report(diagnostics: &str) -> String {
        format!(
            r#"{{"tool": {{"name": "walint", "version": "{VERSION}"}},
               "summary": {{"files": 2, "errors": 1, "warnings": 0, "infos": 0}},
               "diagnostics": [{diagnostics}],
               "run": {{"report_id": "{ID}"}}}}"#
        )
    }

    fn entry(fingerprint: &str, accepted: bool) -> String {
        let suppression = if accepted {
            r#"{"kind": "baseline", "reason": "", "file": "b.json", "line": 3}"#
        } else {
            "null"
        };
        format!(
            r#"{{"rule": "WA201", "name": "menu-overloaded", "severity": "error",
                "message": "m", "help": null, "file": "a.yaml", "line": 1, "column": 2,
                "end_line": 1, "end_column": 3, "pointer": "/x", "fingerprint": "{fingerprint}",
                "related": [], "suppression": {suppression}}}"#
        )
    }

    #[test]
    fn a_report_of_this_version_is_read_with_what_was_accepted() {
        let text = report(&[entry("f1", false), entry("f2", true)].join(","));
        let previous = PreviousReport::parse(&text, "last.json", "00").unwrap();
        assert_eq!(previous.report_id, ID);
        assert_eq!(previous.files, 2);
        let accepted: Vec<bool> = previous.findings.iter().map(|f| f.was_accepted).collect();
        assert_eq!(accepted, [false, true]);
        assert_eq!(
            previous.totals(),
            Totals {
                counts: Counts {
                    errors: 1,
                    warnings: 0,
                    infos: 0
                },
                accepted: 1
            }
        );
    }

    #[test]
    fn anything_else_is_named_for_what_it_is() {
        let error = |text: &str| PreviousReport::parse(text, "x.json", "00").unwrap_err();
        assert!(error("{").contains("`x.json` is not a walint JSON report (not valid JSON: "));
        assert!(error("[1]").contains("(not a JSON object)"));
        assert!(error(r#"{"version": "2.1.0", "runs": []}"#).contains("it is a SARIF log"));
        assert!(error(r#"{"walint_baseline": 1, "findings": []}"#).contains("it is a baseline"));
        assert!(error(r#"{"tool": {"name": "eslint"}}"#).contains("no `tool.name` \"walint\""));
        let old = error(r#"{"tool": {"name": "walint", "version": "0.0.1"}}"#);
        assert!(
            old.starts_with(&format!(
                "`x.json` is a JSON report of walint 0.0.1, this is walint {VERSION}: "
            )),
            "{old}"
        );
        let broken = report(r#"{"rule": "WA201"}"#);
        let message = error(&broken);
        assert!(message.contains("missing field `name`"), "{message}");
        assert!(message.contains("at line "), "{message}");
        let unversioned = error(r#"{"tool": {"name": "walint", "version": 5}}"#);
        assert!(
            unversioned.contains("(no `tool.version` string)"),
            "{unversioned}"
        );
        let odd =
            report(&entry("f1", false).replace("\"suppression\": null", "\"suppression\": 5"));
        assert!(error(&odd).contains("invalid type: integer `5`, expected a map"));
        let wrong = report(&entry("f1", false).replace("\"error\"", "\"fatal\""));
        assert!(error(&wrong).contains("unknown variant `fatal`"));
        // Deep nesting: the reader skips what it does not read without recursing, and a key
        // it reads is held to serde_json's recursion limit.
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        let skipped = report("").replacen('{', &format!("{{\"x\": {}, ", deep(1_000_000)), 1);
        assert!(PreviousReport::parse(&skipped, "x.json", "00").is_ok());
        let read = format!("{{\"tool\": {}}}", deep(1_000));
        assert!(error(&read).contains("(recursion limit exceeded at line 1 column "));
        let id = report("").replace(ID, "<b>");
        assert!(error(&id).contains("(`run.report_id` is `<b>`, not a SHA-256 in hex)"));
    }

    fn now(fingerprint: &str, accepted: bool) -> Diagnostic {
        use crate::catalogue::RuleId;
        use crate::diagnostic::{FileId, Suppression, SuppressionKind};
        Diagnostic {
            message: fingerprint.into(),
            fingerprint: fingerprint.into(),
            suppressed: accepted.then(|| {
                Box::new(Suppression {
                    kind: SuppressionKind::InSource,
                    reason: "r".into(),
                    file: "a.yaml".into(),
                    line: 1,
                    accepted: None,
                })
            }),
            ..Diagnostic::sample(
                RuleId::WA201,
                ["WA201", "menu-overloaded"],
                "a.yaml",
                FileId::input(0),
            )
        }
    }

    #[test]
    fn findings_are_matched_by_fingerprint_as_often_as_they_occur() {
        // Then: a open twice, b open, c accepted, d open, e accepted.
        let then = [
            entry("a", false),
            entry("a", false),
            entry("b", false),
            entry("c", true),
            entry("d", false),
            entry("e", true),
        ];
        let previous = PreviousReport::parse(&report(&then.join(",")), "p.json", "00").unwrap();
        // Now: a open once, b accepted, c open again, e accepted still, f new.
        let current = [
            now("a", false),
            now("b", true),
            now("c", false),
            now("e", true),
            now("f", false),
        ];
        let all: Vec<&Diagnostic> = current.iter().collect();
        let comparison = Comparison::of(&previous, &all);
        let names = |list: &[&Diagnostic]| -> Vec<String> {
            list.iter().map(|d| d.fingerprint.clone()).collect()
        };
        let new: Vec<(&str, bool)> = comparison
            .new
            .iter()
            .map(|(d, was)| (d.fingerprint.as_str(), *was))
            .collect();
        assert_eq!(new, [("c", true), ("f", false)]);
        assert_eq!(names(&comparison.still_open), ["a"]);
        assert_eq!(names(&comparison.accepted), ["b"]);
        let fixed: Vec<(&str, bool)> = comparison
            .fixed
            .iter()
            .map(|f| (f.fingerprint.as_str(), f.was_accepted))
            .collect();
        assert_eq!(fixed, [("a", false), ("d", false)]);
        // Now: c and f count as errors (`Diagnostic::sample`'s severity), b and e accepted.
        let now_counts = Counts {
            errors: 3,
            warnings: 0,
            infos: 0,
        };
        assert_eq!(
            comparison.now,
            Totals {
                counts: now_counts,
                accepted: 2
            }
        );
        assert_eq!(
            comparison.summary(),
            "2 new, 2 fixed, 1 accepted, 1 still open"
        );
    }
}
