//! Checking: one file's rules on its text (its tree and documents go before the next file is
//! read), and the cross-file rules over every checked file's exports.

use crate::diagnostic::{At, Diagnostic, FileFinding, FileId, Finding};
use crate::model::Document;
use crate::redact::Redaction;
use crate::rules::{self, debug_assert_own, secrets, Context, FileContext};
use crate::source::Span;
use crate::workspace::{Exports, SourceFile, Workspace};

use super::load::{self, Loaded, Refused, PARSE_ERROR};
use super::resolve::{from_embedded, resolve, Nodes};
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
        let size = bytes.len() as u64;
        self.check_read(id, name, bytes, Some(size))
    }

    /// As [`Engine::check_bytes`], for bytes a bounded reader read of a file of `size` bytes
    /// (`None`: more than it read).
    pub fn check_read(
        &self,
        id: FileId,
        name: &FileName,
        bytes: Vec<u8>,
        size: Option<u64>,
    ) -> FileResult {
        match load::decode(bytes, size, name.explicit) {
            Ok(text) => self.check_decoded(id, name, text),
            Err(refused) => self.refused(id, name, refused),
        }
    }

    /// A file that could not be read: WA001 says why.
    pub fn unreadable(&self, id: FileId, name: &FileName, error: &std::io::Error) -> FileResult {
        self.cannot_read(id, name, format!("cannot read file: {error}"))
    }

    /// A file walint was handed but cannot read (not a regular file): WA001 with `message`.
    pub fn cannot_read(&self, id: FileId, name: &FileName, message: String) -> FileResult {
        FileResult::Checked(self.check_loaded(Loaded::unreadable(id, name, message)))
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
        let handoffs = &self.config.handoffs;
        match load::load(
            id,
            name,
            text,
            self.inline_ignores,
            &self.catalogue,
            handoffs,
        ) {
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
            mut contents,
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
                self.custom
                    .run(document, tree, |rule| self.is_enabled(rule), &mut findings);
            }
            self.custom.run_files(
                tree,
                &contents.documents,
                |rule| self.is_enabled(rule),
                &mut findings,
            );
            // Documents written inside strings: checked on their own trees, their findings
            // then mapped into the strings.
            for mut embedded in std::mem::take(&mut contents.embedded) {
                let mut found = std::mem::take(&mut embedded.problems);
                let inner = Context {
                    file: id,
                    tree: &embedded.tree,
                    config: &self.config,
                };
                self.document_checks
                    .run(&embedded.document, &inner, &mut found);
                self.custom.run(
                    &embedded.document,
                    &embedded.tree,
                    |rule| self.is_enabled(rule),
                    &mut found,
                );
                self.custom.run_files(
                    &embedded.tree,
                    std::slice::from_ref(&embedded.document),
                    |rule| self.is_enabled(rule),
                    &mut found,
                );
                findings.extend(
                    found
                        .into_iter()
                        .map(|finding| from_embedded(tree, &embedded, id, finding)),
                );
            }
        }
        // Secrets: every one written anywhere in the text (a comment, a file that does not
        // parse), and those WA003 found in values. The file's text is masked once, here:
        // resolving and every report read the masked text; only a place inside a string is
        // found in the text as written.
        let mut secrets = secrets::find_in_text(&file.text);
        {
            let nodes = tree
                .as_ref()
                .map_or(Nodes::None, |tree| Nodes::Tree(tree, &file.text));
            for finding in findings.iter().filter(|f| f.sensitive) {
                let (span, _) = super::resolve::locate(nodes, finding.at);
                let value = file.text.get(span.start..span.end).unwrap_or("");
                secrets.push((span, secrets::kind_of(value)));
            }
        }
        secrets.sort_by_key(|(span, _)| (span.start, std::cmp::Reverse(span.end)));
        secrets.dedup_by(|later, earlier| {
            let overlaps = later.0.start < earlier.0.end;
            if overlaps {
                earlier.0.end = earlier.0.end.max(later.0.end);
            }
            overlaps
        });
        let written = if secrets.is_empty() {
            None
        } else {
            let written = file.text.clone();
            file.redaction = Redaction::apply(&mut file.text, &secrets, secrets::redact);
            file.secrets = secrets.iter().map(|(span, _)| *span).collect();
            Some(written)
        };
        let mut ignores = ignores;
        for reason in ignores.iter_mut().filter_map(|i| i.reason.as_mut()) {
            file.redaction.scrub_in_place(reason);
        }
        let written_text = written.as_deref().unwrap_or(&file.text);
        let nodes = tree
            .as_ref()
            .map_or(Nodes::None, |tree| Nodes::Tree(tree, written_text));
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
        file.notes = contents
            .notes
            .iter()
            .map(|(at, note)| {
                let (span, _) = super::resolve::locate(nodes, *at);
                let at = file.lines.position(written_text, span.start);
                let mut note = format!("{}:{}: {note}", at.line, at.column);
                file.redaction.scrub_in_place(&mut note);
                note
            })
            .collect();
        let exports = match &tree {
            Some(tree) if !self.workspace_checks.is_empty() => {
                rules::export(tree, &contents.documents, &self.config)
            }
            _ => Exports::default(),
        };
        file.kinds = contents.documents.iter().map(Document::kind).collect();
        // Suppression comments are matched with the run's diagnostics at its end, in the text.
        let pointed_into = !diagnostics.is_empty() || !exports.documents.is_empty();
        if ignores.is_empty() && !(self.keep_texts && pointed_into) {
            // Nothing reads the text any more: a cross-file finding reads the file again.
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
    /// resolves the findings in the files `wanted` names with the locations the exports
    /// kept: no file is parsed again. A finding in another file is dropped before it is
    /// resolved: a language server re-checking one open document of a large workspace
    /// resolves only that document's findings. A file whose text was let go (see
    /// [`Options::keep_texts`](super::Options)) is read again with `read_again`, one file's
    /// findings at a time; one that changed since it was checked gets a WA001 instead.
    pub fn check_across<'a>(
        &self,
        files: impl IntoIterator<Item = &'a CheckedFile>,
        wanted: impl Fn(FileId) -> bool,
        read_again: impl Fn(FileId) -> Option<Vec<u8>>,
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
        let checked = |id: FileId| {
            let at = files.binary_search_by_key(&id, |f| f.file.id).ok()?;
            files.get(at).copied()
        };
        // A cross-file message may quote another file's value: scrubbed of every file's
        // secrets.
        let mut every = Redaction::default();
        for file in &files {
            every.extend(&file.file.redaction);
        }
        findings.retain(|f| wanted(f.file) && self.is_enabled(f.finding.rule));
        // By file (stably: each file's findings in the rules' order), so that a text read
        // again is held for one file's findings only.
        findings.sort_by_key(|f| f.file);
        let mut diagnostics = Vec::with_capacity(findings.len());
        let mut findings = findings.into_iter().peekable();
        while let Some(first) = findings.next() {
            let mut group = vec![first];
            while let Some(next) = findings.next_if(|f| f.file == group[0].file) {
                group.push(next);
            }
            let (again, changed) = texts_again(&group, checked, &read_again);
            let file = group[0].file;
            if changed.contains(&file) {
                // Its findings cannot be placed: the file gets one WA001 instead.
                let finding = Finding::new(
                    PARSE_ERROR,
                    At::Raw(Span::default()),
                    "the file changed while walint checked it: check again",
                );
                let unlocated = |id: FileId| Some((&checked(id)?.file, Nodes::None));
                let found = FileFinding { file, finding };
                diagnostics.extend(resolve(unlocated, &self.config, &self.catalogue, found));
                continue;
            }
            let located = |id: FileId| {
                let kept = checked(id)?;
                let file = match again.iter().find(|f| f.id == id) {
                    Some(file) => file,
                    // A related place in a file that changed is left out.
                    None if changed.contains(&id) => return None,
                    None => &kept.file,
                };
                Some((file, Nodes::Kept(&kept.exports.locations)))
            };
            diagnostics.extend(group.into_iter().filter_map(|f| {
                let mut diagnostic = resolve(located, &self.config, &self.catalogue, f)?;
                every.scrub_in_place(&mut diagnostic.message);
                if let Some(help) = &mut diagnostic.help {
                    every.scrub_in_place(help);
                }
                for related in &mut diagnostic.related {
                    every.scrub_in_place(&mut related.message);
                }
                Some(diagnostic)
            }));
        }
        diagnostics
    }
}

/// The files `group`'s findings point into (related places included) whose texts were let
/// go, read again with `read_again`; and the ids of those that changed since they were
/// checked (or cannot be read any more).
fn texts_again<'a>(
    group: &[FileFinding],
    checked: impl Fn(FileId) -> Option<&'a CheckedFile>,
    read_again: impl Fn(FileId) -> Option<Vec<u8>>,
) -> (Vec<SourceFile>, Vec<FileId>) {
    let mut ids: Vec<FileId> = group
        .iter()
        .flat_map(|f| std::iter::once(f.file).chain(f.finding.related.iter().map(|r| r.file)))
        .filter(|&id| checked(id).is_some_and(|c| c.file.text.is_empty()))
        .collect();
    ids.sort();
    ids.dedup();
    let mut again = Vec::with_capacity(ids.len());
    let mut changed = Vec::new();
    for id in ids {
        let restored = checked(id)
            .zip(read_again(id))
            .and_then(|(c, bytes)| load::read_again(&c.file, bytes));
        match restored {
            Some(file) => again.push(file),
            None => changed.push(id),
        }
    }
    (again, changed)
}

#[cfg(test)]
mod tests {
    use crate::catalogue::builtin;
    use crate::config::Config;
    use crate::diagnostic::{Diagnostic, FileId};
    use crate::engine::{Engine, FileName, Options, Selection};

    /// The diagnostics of the rules `select` picks on a template file's text.
    fn check(text: &str, select: &[&str]) -> Vec<Diagnostic> {
        let selection = Selection {
            select: select.iter().map(|s| s.to_string()).collect(),
            ignore: Vec::new(),
        };
        let options = Options {
            selection,
            ..Options::default()
        };
        let engine = Engine::new(builtin().unwrap(), Config::default(), options);
        let name = FileName {
            shown: "offer.json".into(),
            config_path: "offer.json".into(),
            explicit: true,
        };
        let result = engine.check_text(FileId::input(0), &name, text);
        result.checked().unwrap().diagnostics.clone()
    }

    /// A template with one FLOW button carrying `flow_json` (the Flow JSON's text).
    fn template(flow_json: &str) -> String {
        let escaped = serde_json::to_string(flow_json).unwrap();
        format!(
            r#"{{"name": "offer", "language": "en_US", "category": "MARKETING", "components": [
                {{"type": "BODY", "text": "Hi"}},
                {{"type": "BUTTONS", "buttons": [{{"type": "FLOW", "text": "Open", "flow_json": {escaped}}}]}}]}}"#
        )
    }

    fn shown<'t>(text: &'t str, d: &Diagnostic) -> &'t str {
        &text[d.span.start..d.span.end]
    }

    #[test]
    fn the_findings_of_a_flow_json_point_into_the_string_as_written() {
        let flow = r#"{"version": "6.0", "screens": [{"id": "A", "terminal": true, "layout": {"type": "SingleColumnLayout", "children": [
            {"type": "TextBody", "markdown": true, "text": "See [terms](http://acme.example/terms)"},
            {"type": "Image", "src": "http://acme.example/logo.png"},
            {"type": "Footer", "label": "Done", "on-click-action": {"name": "complete", "payload": {}}}]}}]}"#;
        let text = template(&flow.replace('\n', " "));
        let found = check(&text, &["WA108"]);
        let spans: Vec<&str> = found.iter().map(|d| shown(&text, d)).collect();
        assert_eq!(
            spans,
            [
                "http://acme.example/terms",
                "\\\"http://acme.example/logo.png\\\""
            ]
        );
        assert!(found[0].message.starts_with("flow_json: "), "{found:?}");
        assert_eq!(found[0].pointer, "/components/1/buttons/0/flow_json");
        assert_eq!(found[0].start.line, 3);
    }

    #[test]
    fn related_locations_of_a_flow_json_point_into_the_string_too() {
        let screen = r#"{"id": "A", "terminal": true, "layout": {"type": "SingleColumnLayout", "children": [{"type": "Footer", "label": "Done", "on-click-action": {"name": "complete", "payload": {}}}]}}"#;
        let text = template(&format!(
            r#"{{"version": "7.3", "screens": [{screen}, {screen}]}}"#
        ));
        let found = check(&text, &["WA301"]);
        let [duplicate] = found.as_slice() else {
            panic!("{found:?}");
        };
        assert_eq!(duplicate.message, "flow_json: screen id `A` is used twice");
        let first = &duplicate.related[0];
        assert_eq!(first.message, "first used here");
        assert!(first.span.start < duplicate.span.start);
        assert_eq!(&text[first.span.start..first.span.end], "\\\"A\\\"");
        assert_eq!(shown(&text, duplicate), "\\\"A\\\"");
    }

    #[test]
    fn a_flow_json_that_is_not_a_flow_is_the_structure_rule_s_alone() {
        let not_json = template(r#"{"version": "7.3", "screens": [}"#);
        let found = check(&not_json, &["WA3"]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].message,
            "flow_json is not valid Flow JSON: invalid JSON: unexpected close brace"
        );
        assert_eq!(shown(&not_json, &found[0]), "}");
        let not_a_flow = template(r#"{"name": "x"}"#);
        let found = check(&not_a_flow, &["WA3"]);
        let messages: Vec<&str> = found.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            ["flow_json holds no Flow JSON: it needs `version` and `screens`"]
        );
        // Wrong types are WA301's too, not the schema rule of the template file.
        let wrong_type = template(
            r#"{"version": "7.3", "screens": [{"id": "A", "terminal": "yes", "layout": {"type": "SingleColumnLayout", "children": []}}]}"#,
        );
        let found = check(&wrong_type, &["WA002", "WA301"]);
        let messages: Vec<(&str, &str)> = found
            .iter()
            .map(|d| (&*d.code, d.message.as_str()))
            .collect();
        assert_eq!(
            messages,
            [(
                "WA301",
                "flow_json: `terminal` must be true or false, found a string"
            )]
        );
        assert_eq!(shown(&wrong_type, &found[0]), "\\\"yes\\\"");
        // Other rules alone report none of it.
        for text in [&not_json, &not_a_flow, &wrong_type] {
            assert!(check(text, &["WA304", "WA305", "WA306"]).is_empty());
        }
    }

    #[test]
    fn a_flow_named_by_id_or_name_is_not_read() {
        for button in [r#""flow_name": "survey""#, r#""flow_id": "123""#] {
            let text = format!(
                r#"{{"name": "t", "language": "en", "category": "UTILITY", "components": [
                    {{"type": "BODY", "text": "Hi"}},
                    {{"type": "BUTTONS", "buttons": [{{"type": "FLOW", "text": "Open", {button}}}]}}]}}"#
            );
            assert!(check(&text, &["WA3", "WA108"]).is_empty());
        }
    }
}

#[cfg(test)]
mod workspace_index {
    // The engine's exports as cross-file rules read them through the workspace's index.
    use crate::catalogue::builtin;
    use crate::config::Config;
    use crate::diagnostic::FileId;
    use crate::engine::{CheckedFile, Engine, FileName, FileResult, Options};
    use crate::model::flow::TemplateRef;
    use crate::workspace::Workspace;

    fn checked(engine: &Engine, index: usize, shown: &str, text: &str) -> CheckedFile {
        let name = FileName {
            shown: shown.into(),
            config_path: shown.into(),
            explicit: true,
        };
        match engine.check_text(FileId::input(index), &name, text) {
            FileResult::Checked(checked) => checked,
            FileResult::Skipped { reason, .. } => panic!("{shown} skipped: {reason:?}"),
        }
    }

    fn template(language: &str) -> String {
        format!(
            r#"{{"name": "promo", "language": "{language}", "category": "MARKETING", "status": "APPROVED",
                "components": [{{"type": "BODY", "text": "Our sale starts today. Reply STOP to opt out."}}]}}"#
        )
    }

    const FLOW: &str = "flow: bot\nentry: a\nnodes:\n  a:\n    type: template\n    template: {name: promo, language: en-us}\n    next: b\n  b:\n    type: template\n    template: {name: promo, language: de}\n";

    #[test]
    fn a_reference_finds_the_first_definition_of_its_name_and_language() {
        let engine = Engine::new(builtin().unwrap(), Config::default(), Options::default());
        let files = [
            checked(&engine, 0, "en.json", &template("en_US")),
            checked(&engine, 1, "pt.json", &template("pt_BR")),
            checked(&engine, 2, "copy.json", &template("en_US")),
            checked(&engine, 3, "bot.yaml", FLOW),
        ];
        let workspace = Workspace::new(
            files
                .iter()
                .map(|f| (f.file.id, f.file.path.as_str(), &f.exports)),
        );
        let references: Vec<&TemplateRef> = workspace
            .documents()
            .flat_map(|(_, document)| document.template_references())
            .collect();
        assert_eq!(references.len(), 2);
        // `en-us` is `en_US`, and the first file defining it wins over the copy.
        let (file, _) = workspace.template_of(references[0]).unwrap();
        assert_eq!(file, FileId::input(0));
        assert!(workspace.template_of(references[1]).is_none());
        // A reference the workspace does not hold is looked up by its name and language.
        let copy = references[0].clone();
        assert_eq!(
            workspace.template_of(&copy).map(|(file, _)| file),
            Some(FileId::input(0))
        );
        let languages: Vec<(FileId, &str)> = workspace
            .named("promo")
            .into_iter()
            .map(|(file, _, language)| (file, language.as_str()))
            .collect();
        assert_eq!(
            languages,
            [
                (FileId::input(0), "en_US"),
                (FileId::input(1), "pt_BR"),
                (FileId::input(2), "en_US")
            ]
        );
        assert_eq!(workspace.template_names(), ["promo"]);
    }
}
