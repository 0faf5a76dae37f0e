//! The engine: checks files given as text, checks across files, and finishes a run into
//! sorted diagnostics. It never touches the file system (reading files is [`lint`]'s job, in
//! `run.rs`), so a language server can call exactly this API with the text of an editor.
//!
//! ```text
//! text ──check_text──▶ FileResult ──check_across──▶ cross-file diagnostics ──finish──▶ Outcome
//!        (load: parse, read documents;     (over the files' exports;    (suppressions, sort,
//!         check: per-file rules;            no tree is built again)      dedup, config file)
//!         resolve: positions)
//! ```
//!
//! Each input has a [`FileId`] the caller gives it; skipping a file renumbers nothing, and the
//! config file has its own ([`FileId::CONFIG`] for the run's, [`FileId::config`] for a
//! nested one). Re-checking one file is one `check_text`, after which `check_across` runs
//! again over the kept results of every file. A run over folders with several walint.yaml
//! files has an engine per config, and [`lint_run`] merges their outcomes.

mod check;
mod edits;
mod finish;
mod fixing;
mod load;
mod resolve;
mod run;

use std::sync::Arc;

pub use fixing::Fixed;
pub use load::Skipped;
pub use run::{
    check_candidate, lint, lint_in_project, lint_kept, lint_run, Kept, Relinted, StdinFile,
};

use crate::catalogue::{Catalogue, RuleId};
use crate::config::Config;
use crate::custom::CustomRules;
use crate::diagnostic::{Diagnostic, FileId};
use crate::discover::Candidate;
use crate::rules::{self, Check, DocumentChecks, FileCheck, WorkspaceCheck};
use crate::suppress::InlineIgnore;
use crate::workspace::{file_by_id, Export, Exports, SourceFile};

/// `--select` / `--ignore`: rule codes or prefixes (`WA2`, `WA201`).
#[derive(Clone, Debug, Default)]
pub struct Selection {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

impl Selection {
    pub fn allows(&self, code: &str) -> bool {
        // Case-insensitive: a Spectral rule's code has its rule's name (`SPECTRAL/body-length`).
        let matches = |p: &String| {
            code.get(..p.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(p))
        };
        (self.select.is_empty() || self.select.iter().any(matches))
            && !self.ignore.iter().any(matches)
    }
}

/// How a run treats its input beyond the config.
#[derive(Clone, Debug)]
pub struct Options {
    pub selection: Selection,
    /// Honour `# walint-ignore` comments; off for an audit run (`--no-inline-ignores`).
    pub inline_ignores: bool,
    /// The run's custom rules (`custom_rules:`), defined in the engine's catalogue.
    pub custom: Arc<CustomRules>,
    /// The id of the config file, which its own diagnostics (WA005) point into.
    pub config_file: FileId,
    /// Keep the text of each file a diagnostic points into, for what reads it after the
    /// run: a report's excerpts and UTF-16 columns, a baseline's fingerprints, fixes. Off, a
    /// file's text is let go once the file is checked (kept only with suppression comments)
    /// and the cross-file findings read again the files they land in: a JSON report of a
    /// large project holds no file's text.
    pub keep_texts: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            selection: Selection::default(),
            inline_ignores: true,
            custom: Arc::default(),
            config_file: FileId::CONFIG,
            keep_texts: true,
        }
    }
}

/// How a run names a file, besides its id: as reports show it and as config globs see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileName {
    /// Relative to the working directory, with `/` separators; the extension decides the
    /// format.
    pub shown: String,
    /// Relative to the config's folder, for per-file settings.
    pub config_path: String,
    /// Named on the command line or matched by `include`: reported (WA001) even when it does
    /// not parse and carries no walint marker.
    pub explicit: bool,
}

impl FileName {
    pub fn of(candidate: &Candidate) -> FileName {
        FileName {
            shown: candidate.shown.clone(),
            config_path: candidate.config_path.clone(),
            explicit: candidate.explicit,
        }
    }
}

/// A file once checked: the diagnostics of its own rules, and what the run keeps of it.
/// A language server keeps one per file of the workspace and finishes copies of them.
#[derive(Clone, Debug)]
pub struct CheckedFile {
    /// Its text only while something may point into it (a diagnostic, a suppression, an
    /// export), and with [`Options::keep_texts`] off only with suppressions.
    pub file: SourceFile,
    /// Resolved, in rule order; suppressions are applied by [`Engine::finish`].
    pub diagnostics: Vec<Diagnostic>,
    pub ignores: Vec<InlineIgnore>,
    /// What the cross-file rules read of it.
    pub exports: Exports,
}

/// What checking one file gave.
// Most results are checked files: boxing them would add an allocation each and save nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum FileResult {
    Checked(CheckedFile),
    /// Left out of the run (shown with `--verbose`).
    Skipped {
        id: FileId,
        path: String,
        reason: Skipped,
    },
}

impl FileResult {
    pub fn id(&self) -> FileId {
        match self {
            FileResult::Checked(checked) => checked.file.id,
            FileResult::Skipped { id, .. } => *id,
        }
    }

    pub fn checked(&self) -> Option<&CheckedFile> {
        match self {
            FileResult::Checked(checked) => Some(checked),
            FileResult::Skipped { .. } => None,
        }
    }

    /// The same result as the file of `id`: a run that keeps results (`check --watch`)
    /// numbers its files anew when one comes or goes.
    pub fn renumbered(mut self, id: FileId) -> FileResult {
        match &mut self {
            FileResult::Checked(checked) => {
                let old = std::mem::replace(&mut checked.file.id, id);
                for diagnostic in &mut checked.diagnostics {
                    if diagnostic.file_id == old {
                        diagnostic.file_id = id;
                    }
                    for related in &mut diagnostic.related {
                        if related.file_id == old {
                            related.file_id = id;
                        }
                    }
                }
            }
            FileResult::Skipped { id: old, .. } => *old = id,
        }
        self
    }
}

/// A finished run.
pub struct Outcome {
    /// The files checked, in id order; only those a diagnostic points into keep their text
    /// (with [`Options::keep_texts`] off, only those that also have suppression comments).
    pub files: Vec<SourceFile>,
    /// Every finding, sorted; suppressed ones carry their suppression.
    pub diagnostics: Vec<Diagnostic>,
    /// The rules that ran, in catalogue order.
    pub enabled: Vec<RuleId>,
    /// The config files of the run that are files (the run's own first, then nested ones),
    /// each with its own id ([`FileId::config`]).
    pub config_files: Vec<SourceFile>,
    /// Files found but left out, with the reason, in id order.
    pub skipped: Vec<(String, Skipped)>,
    /// With a templates lock: every template of the run and its file, for the audit
    /// reports' inventory of Meta's status (empty without a lock).
    pub templates: Vec<TemplateSeen>,
    /// Template references the rules that read templates could not check, because the
    /// project holds no template file at all (set by [`lint_run`]).
    pub templates_unseen: Option<TemplatesUnseen>,
}

/// Template references of the reported files that no template could be looked up for: the
/// run, its project included, holds no template file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TemplatesUnseen {
    pub references: usize,
    /// The reported files that hold them.
    pub files: usize,
    /// The rules that would have checked them, in catalogue order.
    pub rules: Vec<RuleId>,
}

/// A template of the run: its name, language and file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateSeen {
    pub file: FileId,
    pub name: String,
    pub language: String,
}

impl Outcome {
    fn empty() -> Outcome {
        Outcome {
            files: Vec::new(),
            diagnostics: Vec::new(),
            enabled: Vec::new(),
            config_files: Vec::new(),
            skipped: Vec::new(),
            templates: Vec::new(),
            templates_unseen: None,
        }
    }

    /// One outcome of the outcomes of several projects, over files none of them shares:
    /// everything in the order one outcome has it.
    fn merge(mut outcomes: Vec<Outcome>) -> Outcome {
        if outcomes.len() < 2 {
            return outcomes.pop().unwrap_or_else(Outcome::empty);
        }
        let mut merged = Outcome::empty();
        for outcome in outcomes {
            merged.files.extend(outcome.files);
            merged.diagnostics.extend(outcome.diagnostics);
            merged.enabled.extend(outcome.enabled);
            merged.config_files.extend(outcome.config_files);
            merged.skipped.extend(outcome.skipped);
            merged.templates.extend(outcome.templates);
            if let Some(unseen) = outcome.templates_unseen {
                let all = merged.templates_unseen.get_or_insert_with(Default::default);
                all.references += unseen.references;
                all.files += unseen.files;
                all.rules.extend(unseen.rules);
            }
        }
        merged.files.sort_by_key(|f| f.id);
        merged
            .diagnostics
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        merged.enabled.sort_unstable();
        merged.enabled.dedup();
        // The run's config first: ids count down from it.
        merged.config_files.sort_by_key(|f| std::cmp::Reverse(f.id));
        // Inputs are numbered in path order, so path order is id order.
        merged.skipped.sort_by(|a, b| a.0.cmp(&b.0));
        merged.templates.sort_by_key(|t| t.file);
        if let Some(unseen) = &mut merged.templates_unseen {
            unseen.rules.sort_unstable();
            unseen.rules.dedup();
        }
        merged
    }

    /// A file of the run by id, the config files included.
    pub fn source(&self, id: FileId) -> Option<&SourceFile> {
        file_by_id(&self.files, &self.config_files, id)
    }
}

/// Checks files with one catalogue, config and selection.
pub struct Engine {
    catalogue: Arc<Catalogue>,
    config: Config,
    inline_ignores: bool,
    /// By rule id: the selection allows the rule and the config does not turn it off.
    enabled: Vec<bool>,
    /// Every file check, enabled or not: see [`Check::File`].
    file_checks: Vec<(RuleId, FileCheck)>,
    document_checks: DocumentChecks,
    workspace_checks: Vec<(RuleId, WorkspaceCheck)>,
    custom: Arc<CustomRules>,
    config_file: FileId,
    keep_texts: bool,
}

impl Engine {
    pub fn new(catalogue: Arc<Catalogue>, config: Config, options: Options) -> Engine {
        let enabled: Vec<bool> = catalogue
            .rules()
            .iter()
            .map(|rule| {
                // A Spectral rule its ruleset turns off runs when `rules:` names it.
                let off = config.turns_off(rule.id)
                    || (options.custom.off_by_default(rule.id)
                        && !config.rules.contains_key(&rule.id));
                options.selection.allows(&rule.code) && !off
            })
            .collect();
        let is_enabled = |id: RuleId| enabled.get(id.index()).copied().unwrap_or(false);
        let file_checks = rules::REGISTRY
            .iter()
            .filter_map(|rule| match rule.check {
                Check::File(check) => Some((rule.id, check)),
                _ => None,
            })
            .collect();
        let document_checks =
            DocumentChecks::of(rules::REGISTRY.iter().filter(|rule| is_enabled(rule.id)));
        let workspace_checks = rules::REGISTRY
            .iter()
            .filter(|rule| is_enabled(rule.id))
            .filter_map(|rule| match rule.check {
                Check::Workspace(check) => Some((rule.id, check)),
                _ => None,
            })
            .collect();
        Engine {
            catalogue,
            config,
            inline_ignores: options.inline_ignores,
            enabled,
            file_checks,
            document_checks,
            workspace_checks,
            custom: options.custom,
            config_file: options.config_file,
            keep_texts: options.keep_texts,
        }
    }

    pub fn catalogue(&self) -> &Arc<Catalogue> {
        &self.catalogue
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The rule runs and is reported.
    pub fn is_enabled(&self, rule: RuleId) -> bool {
        self.enabled.get(rule.index()).copied().unwrap_or(false)
    }

    /// The template references of the reported files (`reported`) that the rules reading
    /// templates could not look up, when `files` (every checked file of the project, context
    /// included) hold no template at all; `None` when they hold one, or nothing is missed.
    pub fn templates_unseen<'a>(
        &self,
        files: impl IntoIterator<Item = &'a CheckedFile>,
        reported: impl Fn(FileId) -> bool,
    ) -> Option<TemplatesUnseen> {
        let mut unseen = TemplatesUnseen::default();
        for checked in files {
            let mut references = 0;
            for export in &checked.exports.documents {
                match export {
                    Export::Template(_) => return None,
                    Export::Flow(flow) => references += flow.references.len(),
                    Export::Campaign(campaign) => {
                        references += usize::from(campaign.template.is_some());
                    }
                    Export::Send(_) => {}
                }
            }
            if references > 0 && reported(checked.file.id) {
                unseen.references += references;
                unseen.files += 1;
            }
        }
        // With a templates lock, WA101 reads Meta's status from it instead.
        let lock = self.config.lock.is_some();
        unseen.rules = [RuleId::WA101, RuleId::WA209, RuleId::WA211, RuleId::WA504]
            .into_iter()
            .filter(|&rule| self.is_enabled(rule) && !(lock && rule == RuleId::WA101))
            .collect();
        (unseen.references > 0 && !unseen.rules.is_empty()).then_some(unseen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::builtin;

    const FLOW: &str = "flow: bot\nentry: hi\nkeywords: {STOP: out, AGENT: human}\nnodes:\n  hi:\n    type: template\n    template: {name: promo, language: en_US}\n    next: human\n  human: {type: handoff}\n  out: {type: opt_out}\n";
    const TEMPLATE: &str = r#"{"name": "promo", "language": "en_US", "category": "UTILITY", "status": "APPROVED", "components": [{"type": "BODY", "text": "Your order has shipped and arrives on Friday."}]}"#;

    fn engine(config: Config) -> Engine {
        Engine::new(builtin().unwrap(), config, Options::default())
    }

    fn name(path: &str) -> FileName {
        FileName {
            shown: path.into(),
            config_path: path.into(),
            explicit: false,
        }
    }

    fn codes(diagnostics: &[Diagnostic]) -> Vec<(FileId, &str)> {
        diagnostics.iter().map(|d| (d.file_id, &*d.code)).collect()
    }

    #[test]
    fn text_is_checked_without_the_file_system_and_ids_stay_as_given() {
        let engine = engine(Config::default());
        // The paths exist nowhere: only the text is read.
        let results = vec![
            engine.check_text(FileId::input(0), &name("nowhere/bot.yaml"), FLOW),
            engine.check_text(FileId::input(1), &name("nowhere/notes.yaml"), "a: 1\n"),
            engine.check_text(FileId::input(2), &name("nowhere/promo.json"), TEMPLATE),
        ];
        assert!(matches!(
            &results[1],
            FileResult::Skipped {
                reason: Skipped::NotRecognised,
                ..
            }
        ));
        let across = engine.check_across(
            results.iter().filter_map(FileResult::checked),
            |_| true,
            |_| None,
        );
        let outcome = engine.finish(results, across);
        assert_eq!(
            outcome.skipped,
            [("nowhere/notes.yaml".to_string(), Skipped::NotRecognised)]
        );
        // The skipped file keeps its id: nothing after it is renumbered.
        let ids: Vec<FileId> = outcome.files.iter().map(|f| f.id).collect();
        assert_eq!(ids, [FileId::input(0), FileId::input(2)]);
        assert_eq!(
            outcome.source(FileId::input(2)).map(|f| f.path.as_str()),
            Some("nowhere/promo.json")
        );
        assert!(outcome.source(FileId::input(1)).is_none());
        assert!(
            outcome.diagnostics.is_empty(),
            "{:?}",
            codes(&outcome.diagnostics)
        );
    }

    #[test]
    fn one_file_is_checked_again_and_the_cross_file_rules_rerun_on_the_kept_results() {
        let engine = engine(Config::default());
        let bot = FileId::input(0);
        let promo = FileId::input(1);
        let mut results = vec![
            engine.check_text(bot, &name("bot.yaml"), FLOW),
            engine.check_text(promo, &name("promo.json"), TEMPLATE),
        ];
        let across = |results: &[FileResult]| {
            engine.check_across(
                results.iter().filter_map(FileResult::checked),
                |_| true,
                |_| None,
            )
        };
        assert!(across(&results).is_empty());
        // The template is renamed in the editor: only its text is checked again, and the
        // flow's reference (WA211) now names no template of the run.
        let renamed = TEMPLATE.replace("\"promo\"", "\"promo_v2\"");
        results[1] = engine.check_text(promo, &name("promo.json"), &renamed);
        let found = across(&results);
        assert_eq!(codes(&found), [(bot, "WA211")]);
        assert_eq!(found[0].start.line, 7, "{:?}", found[0]);
        assert_eq!(found[0].pointer, "/nodes/hi/template/name");
        // Only the findings of the files asked for are resolved (an editor's open document).
        let checked = || results.iter().filter_map(FileResult::checked);
        assert!(engine
            .check_across(checked(), |id| id == promo, |_| None)
            .is_empty());
        assert_eq!(
            codes(&engine.check_across(checked(), |id| id == bot, |_| None)),
            [(bot, "WA211")]
        );
    }

    #[test]
    fn config_diagnostics_point_into_the_config_file_by_its_own_id() {
        let text = "overrides:\n  - files: [\"*.yaml\"]\n    rules: {WA203: off}\n";
        let mut config = Config::parse(text, "walint.yaml", &builtin().unwrap()).unwrap();
        config.path = Some("walint.yaml".into());
        config.shown = "walint.yaml".into();
        config.text = text.into();
        let engine = engine(config);
        let results = vec![engine.check_text(FileId::input(0), &name("bot.yaml"), FLOW)];
        let outcome = engine.finish(results, Vec::new());
        assert_eq!(codes(&outcome.diagnostics), [(FileId::CONFIG, "WA005")]);
        let d = &outcome.diagnostics[0];
        assert_eq!(
            (d.file.as_str(), d.start.line, d.start.column),
            ("walint.yaml", 3, 13)
        );
        assert_eq!(
            outcome.source(FileId::CONFIG).map(|f| f.path.as_str()),
            Some("walint.yaml")
        );
    }

    #[test]
    fn a_rule_turned_off_in_the_config_reports_nothing_even_from_a_whole_file_check() {
        let secret = "webhooks:\n  - name: a\n    callback_url: https://hooks.example/wa\n    app_secret: \"8f3a9c2e7b1d4f6a0c5e9b2d7f1a3c8e\"\n";
        let on = engine(Config::default());
        let found = on.check_text(FileId::input(0), &name("hooks.yaml"), secret);
        let checked = found.checked().unwrap();
        assert!(checked.diagnostics.iter().any(|d| d.rule == RuleId::WA003));
        let config =
            Config::parse("rules:\n  WA003: off\n", "walint.yaml", &builtin().unwrap()).unwrap();
        let off = engine(config);
        let found = off.check_text(FileId::input(0), &name("hooks.yaml"), secret);
        let checked = found.checked().unwrap();
        assert!(checked.diagnostics.iter().all(|d| d.rule != RuleId::WA003));
        // The check still ran: the secret stays masked in every report.
        assert_eq!(checked.file.secrets.len(), 1);
    }

    #[test]
    fn a_rule_defined_at_run_time_is_resolved_like_a_built_in_one() {
        let mut catalogue = (*builtin().unwrap()).clone();
        let mut doc = catalogue.rule(RuleId::WA201).clone();
        doc.code = "ACME001".into();
        doc.name = "acme-menu-style".into();
        doc.severity = crate::diagnostic::Severity::Info;
        let acme = catalogue.define(doc).unwrap();
        let catalogue = Arc::new(catalogue);
        let config =
            Config::parse("rules:\n  ACME001: warning\n", "walint.yaml", &catalogue).unwrap();
        let engine = Engine::new(catalogue, config, Options::default());
        assert!(engine.is_enabled(acme));
        let tree = crate::source::parse(FLOW, crate::source::Format::Yaml).unwrap();
        let file = SourceFile {
            id: FileId::input(0),
            path: "bot.yaml".into(),
            config_path: "bot.yaml".into(),
            lines: crate::source::LineIndex::new(FLOW),
            text: FLOW.into(),
            kinds: Vec::new(),
            sha256: String::new(),
            secrets: Vec::new(),
            redaction: Default::default(),
            notes: Vec::new(),
        };
        let node = tree.get(tree.documents[0], "entry").unwrap();
        let finding = crate::diagnostic::Finding::new(acme, crate::diagnostic::At::Node(node), "x");
        let found = crate::diagnostic::FileFinding {
            file: file.id,
            finding,
        };
        let located =
            |id: FileId| (id == file.id).then_some((&file, resolve::Nodes::Tree(&tree, FLOW)));
        let diagnostic =
            resolve::resolve(located, engine.config(), engine.catalogue(), found).unwrap();
        assert_eq!(
            (&*diagnostic.code, &*diagnostic.name),
            ("ACME001", "acme-menu-style")
        );
        assert_eq!(diagnostic.severity, crate::diagnostic::Severity::Warning);
        assert_eq!(
            (diagnostic.start.line, diagnostic.pointer.as_str()),
            (2, "/entry")
        );
    }

    #[test]
    fn a_file_whose_text_was_let_go_is_read_again_for_its_cross_file_findings() {
        let keeping = engine(Config::default());
        let options = Options {
            keep_texts: false,
            ..Options::default()
        };
        let letting_go = Engine::new(builtin().unwrap(), Config::default(), options);
        // A byte-order mark, a masked secret and a line before the finding that is not ASCII.
        let flow = format!("\u{feff}# token EAAGm0PX4ZCpsBAKZBqZAhZCZCZAvWQZDZD1x9yKZBqs8Jd7ZAnZCmBZAwLZBZC5Xk3\n# ñandú\n{FLOW}");
        let renamed = TEMPLATE.replace("\"promo\"", "\"promo_v2\"");
        let texts = [flow.clone(), renamed];
        let check = |engine: &Engine| -> Vec<FileResult> {
            ["bot.yaml", "promo.json"]
                .iter()
                .zip(&texts)
                .enumerate()
                .map(|(i, (path, text))| engine.check_text(FileId::input(i), &name(path), text))
                .collect()
        };
        let (kept, let_go) = (check(&keeping), check(&letting_go));
        let checked = |results: &[FileResult]| -> Vec<CheckedFile> {
            results
                .iter()
                .filter_map(FileResult::checked)
                .cloned()
                .collect()
        };
        assert!(checked(&let_go).iter().all(|c| c.file.text.is_empty()));
        // Read again, a text is masked as it was when it was checked.
        let bot = &checked(&let_go)[0].file;
        let again = load::read_again(bot, flow.as_bytes().to_vec()).unwrap();
        assert_eq!(again.text, checked(&kept)[0].file.text);
        assert!(!again.text.contains("EAAG"), "{}", again.text);
        let expected = keeping.check_across(&checked(&kept), |_| true, |_| None);
        assert_eq!(codes(&expected), [(FileId::input(0), "WA211")]);
        assert_eq!(expected[0].start.line, 9);
        let given = |id: FileId| Some(texts.get(id.index()?)?.as_bytes().to_vec());
        let found = letting_go.check_across(&checked(&let_go), |_| true, given);
        assert_eq!(found, expected);

        // The flow changed on disk since it was checked, or cannot be read: its finding
        // cannot be placed, and the file says so.
        let edited = flow.replace("entry: hi", "entry: hello");
        let changed = |id: FileId| match id.index() {
            Some(0) => Some(edited.as_bytes().to_vec()),
            _ => given(id),
        };
        for found in [
            letting_go.check_across(&checked(&let_go), |_| true, changed),
            letting_go.check_across(&checked(&let_go), |_| true, |_| None),
        ] {
            assert_eq!(codes(&found), [(FileId::input(0), "WA001")]);
            assert!(found[0].message.contains("changed while walint checked it"));
            assert_eq!((found[0].start.line, found[0].start.column), (1, 1));
        }
    }
}
