//! Findings as rules report them, and diagnostics as reports print them.

pub mod fingerprint;

use std::sync::Arc;

use serde::Serialize;

pub use crate::catalogue::{Applicability, Severity};

use crate::catalogue::RuleId;
use crate::source::{NodeId, Position, Span};

/// A file of a run, as findings and diagnostics name it. The engine gives each input its id
/// before reading it, and skipping a file renumbers nothing; each config file of the run has
/// its own, from the top of the range down.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(u32);

/// Ids at the top of the range are config files': a run reads at most this many.
pub const MAX_CONFIGS: usize = 1 << 16;

impl FileId {
    /// The run's config file (walint.yaml), which diagnostics about its overrides point into.
    pub const CONFIG: FileId = FileId(u32::MAX);

    /// The id of the input at `index` of a run (never a config file's).
    pub fn input(index: usize) -> FileId {
        let last = u32::MAX - MAX_CONFIGS as u32;
        FileId(u32::try_from(index).unwrap_or(last).min(last))
    }

    /// The id of the run's config file at `index`: the run's own is 0 ([`FileId::CONFIG`]),
    /// nested ones follow.
    pub fn config(index: usize) -> FileId {
        FileId(u32::MAX - index.min(MAX_CONFIGS - 1) as u32)
    }

    /// Whether this is a config file's id.
    pub fn is_config(self) -> bool {
        self.0 > u32::MAX - MAX_CONFIGS as u32
    }

    /// The position among the inputs of an input's id; `None` for a config file.
    pub fn index(self) -> Option<usize> {
        (!self.is_config()).then_some(self.0 as usize)
    }
}

/// Where in a document a finding points. Rules say *what* they complain about; the engine
/// turns it into a line and a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum At {
    /// The value of a node.
    Node(NodeId),
    /// The key under which a node sits (the node itself when it has no key).
    Key(NodeId),
    /// Bytes `start..end` of a string node's decoded value (`{{3}}` inside a body text),
    /// relative to the value; the engine maps them to the characters as written in the file.
    InString(NodeId, usize, usize),
    /// Bytes `start..end` of the decoded value of the JSON string written at bytes `Span` of a
    /// string node's decoded value (a title in the JSON text Glific keeps in a `text` string);
    /// the engine maps them through both strings' escapes to the characters in the file.
    InNested(NodeId, Span, usize, usize),
    /// Bytes of the file itself (absolute), reported with the pointer of a node.
    InFile(NodeId, Span),
    /// A byte range with no node, e.g. where a parser stopped.
    Raw(Span),
}

/// A location in another (or the same) file, shown beside a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub file: FileId,
    pub at: At,
    pub message: String,
}

/// What a rule reports: the engine adds the rule's code, name, severity and the position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: RuleId,
    pub message: String,
    pub help: Option<String>,
    pub at: At,
    /// A severity other than the rule's default, for rules with graded findings.
    pub severity: Option<Severity>,
    pub related: Vec<Related>,
    /// The location holds a secret: reports mask its characters wherever they show source,
    /// and the message must show only a redacted form of it.
    pub sensitive: bool,
    /// A mechanical change that makes the finding go away.
    pub fix: Option<Fix>,
}

impl Finding {
    pub fn new(rule: RuleId, at: At, message: impl Into<String>) -> Self {
        Finding {
            rule,
            message: message.into(),
            help: None,
            at,
            severity: None,
            related: Vec::new(),
            sensitive: false,
            fix: None,
        }
    }

    pub fn fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }

    /// Marks the finding's location as a secret to be masked in every report.
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    pub fn related(mut self, file: FileId, at: At, message: impl Into<String>) -> Self {
        self.related.push(Related {
            file,
            at,
            message: message.into(),
        });
        self
    }
}

/// One change of a fix, located as findings are: the engine turns it into bytes of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edit {
    /// What `at` locates is replaced by `text`. For [`At::InString`] the text is the new
    /// value of those bytes of the string, which the engine writes as the string is written
    /// (escaped inside a JSON or double-quoted string, inside a string inside a string for an
    /// embedded Flow JSON); otherwise it is written as is.
    Replace { at: At, text: String },
    /// A string node's whole value replaced by `text`, written as the string is.
    Value { node: NodeId, text: String },
    /// `key: value` added to a mapping after its last entry: indented as that entry in YAML,
    /// a new member in JSON. `value` is written as is (`true`, `list`).
    Insert {
        map: NodeId,
        key: String,
        value: String,
    },
}

/// A mechanical change that makes a finding go away, as a rule reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What it does, for people: "write `en_US`".
    pub title: String,
    pub edits: Vec<Edit>,
    pub applicability: Applicability,
}

impl Fix {
    pub fn new(applicability: Applicability, title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            title: title.into(),
            edits,
            applicability,
        }
    }
}

/// Bytes `span` of the file replaced by `text`, as written.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct TextEdit {
    #[serde(skip)]
    pub span: Span,
    pub text: String,
}

/// A fix as the engine resolved it: edits of the file's bytes, sorted, none overlapping
/// another, none touching a secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResolvedFix {
    pub title: String,
    pub applicability: Applicability,
    pub edits: Vec<TextEdit>,
}

/// A finding of a cross-file rule, with the file it belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileFinding {
    pub file: FileId,
    pub finding: Finding,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RelatedLocation {
    pub file: String,
    #[serde(skip)]
    pub file_id: FileId,
    #[serde(skip)]
    pub span: Span,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub message: String,
}

/// Where a suppression was written: in the linted file itself, or outside it (config
/// `overrides`), or the baseline that accepted the finding. The first two names are SARIF's
/// `suppression.kind` values; baselined findings never reach SARIF (it has `baselineState`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SuppressionKind {
    /// A `# walint-ignore` comment in the file.
    InSource,
    /// A config `overrides` entry.
    External,
    /// An entry of the `--baseline` file.
    Baseline,
}

impl SuppressionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SuppressionKind::InSource => "inSource",
            SuppressionKind::External => "external",
            SuppressionKind::Baseline => "baseline",
        }
    }

    /// Words for people: "walint-ignore comment" / "config override".
    pub fn describe(self) -> &'static str {
        match self {
            SuppressionKind::InSource => "walint-ignore comment",
            SuppressionKind::External => "config override",
            SuppressionKind::Baseline => "baseline entry",
        }
    }
}

/// Why a diagnostic is not counted: who suppressed it, where, and the reason they gave.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Suppression {
    pub kind: SuppressionKind,
    pub reason: String,
    /// The file holding the comment, the config override or the baseline entry.
    pub file: String,
    /// 1-based line of the comment, of the override or of the baseline entry.
    pub line: usize,
    /// The day a baseline entry was recorded (`YYYY-MM-DD`); only baseline entries have one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted: Option<String>,
}

/// A finding resolved to a file, line and column, ready for any report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: RuleId,
    /// The rule's code (`WA201`), shared with its catalogue entry.
    pub code: Arc<str>,
    /// The rule's name (`menu-overloaded`), shared with its catalogue entry.
    pub name: Arc<str>,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    /// Path relative to the working directory, with `/` separators.
    pub file: String,
    /// The file of the run it points into, for renderers that show source.
    pub file_id: FileId,
    pub span: Span,
    pub start: Position,
    pub end: Position,
    pub pointer: String,
    pub fingerprint: String,
    pub related: Vec<RelatedLocation>,
    /// Set when a walint-ignore comment or a config override accepted the finding: it stays
    /// in the JSON, SARIF and audit reports with its reason, but no longer counts. Boxed, as
    /// are fixes: few findings have one, and every finding is kept to the end of the run.
    pub suppressed: Option<Box<Suppression>>,
    /// The finding's fix, when it has one the engine could write into the file.
    pub fix: Option<Box<ResolvedFix>>,
}

impl Diagnostic {
    /// Counts towards the exit code and the terminal views.
    pub fn is_active(&self) -> bool {
        self.suppressed.is_none()
    }

    /// The order every report uses: file, line, column, rule, then message for ties.
    pub fn sort_key(&self) -> (&str, Position, &str, &str) {
        (&self.file, self.start, &self.code, &self.message)
    }

    /// A finding of `rule` (`code` and `name` as the catalogue has them) at 1:1 of `file`,
    /// for the reports' unit tests to fill in.
    #[cfg(test)]
    pub(crate) fn sample(
        rule: RuleId,
        [code, name]: [&str; 2],
        file: &str,
        file_id: FileId,
    ) -> Diagnostic {
        let at = Position { line: 1, column: 1 };
        Diagnostic {
            rule,
            code: code.into(),
            name: name.into(),
            severity: Severity::Error,
            message: "m".into(),
            help: None,
            file: file.into(),
            file_id,
            span: Span::default(),
            start: at,
            end: at,
            pointer: String::new(),
            fingerprint: String::new(),
            related: Vec::new(),
            suppressed: None,
            fix: None,
        }
    }
}

/// Counts by severity of the findings that count (not suppressed), as the summary lines and
/// JSON report them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Counts {
    pub fn of(diagnostics: &[Diagnostic]) -> Counts {
        let mut counts = Counts::default();
        for d in diagnostics.iter().filter(|d| d.is_active()) {
            counts.add(d.severity);
        }
        counts
    }

    /// Counts one more finding at `severity`.
    pub fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => self.infos += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_ids_count_down_from_the_top_and_no_input_reaches_them() {
        assert_eq!(FileId::config(0), FileId::CONFIG);
        assert!(FileId::config(1) < FileId::CONFIG);
        assert!(FileId::config(MAX_CONFIGS - 1).is_config());
        // An index past the range stays the last config id, not an input's.
        assert_eq!(FileId::config(usize::MAX), FileId::config(MAX_CONFIGS - 1));
        let last = FileId::input(usize::MAX);
        assert!(!last.is_config() && last < FileId::config(MAX_CONFIGS - 1));
        assert_eq!(FileId::input(7).index(), Some(7));
        assert_eq!(FileId::config(3).index(), None);
    }
}
