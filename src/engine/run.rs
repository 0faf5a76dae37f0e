//! A `walint check` run: the discovered files read from disk (and standard input), checked
//! in parallel, then across files, then finished. The only part of the engine that reads
//! files.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use rayon::prelude::*;

use crate::diagnostic::FileId;
use crate::discover::Candidate;
use crate::read::{read_capped, ReadError};
use crate::source::MAX_FILE_BYTES;

use super::{Engine, FileName, FileResult, Outcome};

/// Standard input, linted as if it were the file `candidate` (`check - --stdin-filename`).
#[derive(Clone, Debug)]
pub struct StdinFile {
    pub candidate: Candidate,
    pub bytes: Vec<u8>,
}

/// Lints `candidates` (sorted, as discovery gives them) and standard input, which replaces
/// (or adds) the file of its name. Each input's id is its position among the inputs.
pub fn lint(engine: &Engine, candidates: &[Candidate], stdin: Option<&StdinFile>) -> Outcome {
    lint_in_project(
        engine,
        candidates,
        &[],
        stdin.map_or(&[], std::slice::from_ref),
    )
}

/// [`lint`] with texts given for some files (standard input, a file's fixed text), each
/// replacing (or adding) the file of its name, and with the rest of the project as context:
/// the `context` files (none of them among `candidates`) are read and checked so the cross-file rules see them (the templates
/// a named flow sends), but only the candidates' findings are reported, and only the
/// candidates are files of the outcome. This is how a run on the files a commit changes
/// (pre-commit, lint-staged) finds what a run on the whole project finds in them.
pub fn lint_in_project(
    engine: &Engine,
    candidates: &[Candidate],
    context: &[Candidate],
    given: &[StdinFile],
) -> Outcome {
    lint_run(std::slice::from_ref(engine), candidates, context, given)
}

/// [`lint_in_project`] over several projects: each candidate is checked by the engine of
/// its project (`engines[candidate.project]`, the config nearest it), the cross-file rules
/// run within each project, and the outcomes are merged. Ids follow the inputs' order over
/// every project, so one project gives what [`lint_in_project`] gives. The first engine's
/// outcome is always part of the run (its config file is the run's); another's only when
/// the project has an input.
pub fn lint_run(
    engines: &[Engine],
    candidates: &[Candidate],
    context: &[Candidate],
    given: &[StdinFile],
) -> Outcome {
    let Some(first) = engines.first() else {
        return Outcome::empty();
    };
    let (inputs, first_context) = inputs(candidates, context, given);
    // One slot per input, written in place: no per-thread vectors to grow and merge.
    let results: Vec<FileResult> = inputs
        .par_iter()
        .enumerate()
        .map(|(index, (candidate, given))| {
            let engine = engines.get(project_of(engines, candidate)).unwrap_or(first);
            check_candidate(engine, FileId::input(index), candidate, *given)
        })
        .collect();
    finish_run(engines, &inputs, results, first_context)
}

/// An input of a run: the file, and its text when it is given rather than read.
type Input<'a> = (&'a Candidate, Option<&'a [u8]>);

/// The inputs of a run in id order, each with its given text if it has one, and the id of
/// the first context file: the context files come after the inputs, so their ids tell them
/// apart.
fn inputs<'a>(
    candidates: &'a [Candidate],
    context: &'a [Candidate],
    given: &'a [StdinFile],
) -> (Vec<Input<'a>>, usize) {
    let mut inputs: Vec<Input> = candidates
        .iter()
        .filter(|c| !given.iter().any(|s| s.candidate.shown == c.shown))
        .map(|c| (c, None))
        .collect();
    if !given.is_empty() {
        inputs.extend(
            given
                .iter()
                .map(|s| (&s.candidate, Some(s.bytes.as_slice()))),
        );
        inputs.sort_by(|a, b| a.0.shown.cmp(&b.0.shown));
    }
    let first_context = inputs.len();
    inputs.extend(
        context
            .iter()
            .filter(|c| !given.iter().any(|s| s.candidate.shown == c.shown))
            .map(|c| (c, None)),
    );
    (inputs, first_context)
}

/// The project of a candidate, as an index into `engines`: one engine governs every file
/// when there is one.
fn project_of(engines: &[Engine], candidate: &Candidate) -> usize {
    if engines.len() == 1 {
        0
    } else {
        candidate.project.min(engines.len().saturating_sub(1))
    }
}

/// The cross-file rules within each project over its files, context files included; then
/// each project finished with the findings of its inputs (before `first_context`) only, and
/// the outcomes merged. `results` are in the order of `inputs`.
fn finish_run(
    engines: &[Engine],
    inputs: &[Input],
    results: Vec<FileResult>,
    first_context: usize,
) -> Outcome {
    let first_context_id = FileId::input(first_context);
    let reported = |id: FileId| id < first_context_id;
    // Each project's results, in id order: its inputs, then its context. One project's are
    // the run's as they are: a copy would hold them twice at the run's memory peak.
    let by_project: Vec<Vec<FileResult>> = if engines.len() == 1 {
        vec![results]
    } else {
        let mut by_project: Vec<Vec<FileResult>> = engines.iter().map(|_| Vec::new()).collect();
        for (result, (candidate, _)) in results.into_iter().zip(inputs) {
            by_project[project_of(engines, candidate)].push(result);
        }
        by_project
    };
    let mut outcomes = Vec::with_capacity(engines.len());
    for (project, (engine, mut results)) in engines.iter().zip(by_project).enumerate() {
        let reported_count = results.partition_point(|r| reported(r.id()));
        if project > 0 && reported_count == 0 {
            continue;
        }
        let checked = || results.iter().filter_map(FileResult::checked);
        let across = engine.check_across(
            checked(),
            |id| reported(id) || id.is_config(),
            |id| read_again(inputs, id),
        );
        let unseen = engine.templates_unseen(checked(), reported);
        results.truncate(reported_count);
        let mut outcome = engine.finish(results, across);
        outcome.templates_unseen = unseen;
        outcomes.push(outcome);
    }
    Outcome::merge(outcomes)
}

/// The bytes of an input read again (a given text is given again), for the cross-file
/// findings in a file whose text was let go.
fn read_again(inputs: &[Input], id: FileId) -> Option<Vec<u8>> {
    let (candidate, given) = inputs.get(id.index()?)?;
    match given {
        Some(bytes) => Some(bytes.to_vec()),
        None => read_capped(&candidate.path, MAX_FILE_BYTES)
            .ok()
            .map(|(bytes, _)| bytes),
    }
}

/// What a run kept of each file it read from disk, so that the next run with the same
/// engines (`check --watch`) reads and checks again only the files that changed.
#[derive(Default)]
pub struct Kept {
    files: HashMap<PathBuf, KeptFile>,
}

struct KeptFile {
    candidate: Candidate,
    /// The file's size and time of change before it was read; `None` when they could not
    /// be read, and the file is then always read again.
    stamp: Option<Stamp>,
    result: FileResult,
}

/// What tells a file written since it was read, with the path events of the watch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
}

fn stamp(path: &Path) -> Option<Stamp> {
    let metadata = std::fs::metadata(path).ok()?;
    Some(Stamp {
        len: metadata.len(),
        modified: metadata.modified().ok(),
    })
}

impl Kept {
    /// Forgets every file: the next run reads them all (the config changed).
    pub fn clear(&mut self) {
        self.files.clear();
    }
}

/// A run that reuses what the last one kept: the outcome, and how many inputs it read.
pub struct Relinted {
    pub outcome: Outcome,
    /// Inputs read and checked (the rest were kept from the last run).
    pub read: usize,
    pub inputs: usize,
}

/// [`lint_run`] (without given texts) reading again only the files that `changed` names,
/// whose size, time of change or project differ from the last run's, or that it did not
/// have; every other file's result is the last run's, numbered as this run's input. The
/// outcome is the one a fresh run on the files as they are gives. The caller clears `kept`
/// when the engines change (a config was edited).
pub fn lint_kept(
    engines: &[Engine],
    candidates: &[Candidate],
    context: &[Candidate],
    kept: &mut Kept,
    changed: &(dyn Fn(&Path) -> bool + Sync),
) -> Relinted {
    let Some(first) = engines.first() else {
        return Relinted {
            outcome: Outcome::empty(),
            read: 0,
            inputs: 0,
        };
    };
    let (inputs, first_context) = inputs(candidates, context, &[]);
    // Each input with what the last run kept of it, taken out: a kept result is moved into
    // this run, not copied.
    let mut old = std::mem::take(&mut kept.files);
    let last: Vec<Option<KeptFile>> = inputs
        .iter()
        .map(|(candidate, _)| old.remove(&candidate.path))
        .collect();
    let checked: Vec<(FileResult, Option<Stamp>, bool)> = inputs
        .par_iter()
        .zip(last)
        .enumerate()
        .map(|(index, ((candidate, _), last))| {
            let id = FileId::input(index);
            let now = stamp(&candidate.path);
            let same = last.filter(|k| {
                k.candidate == **candidate
                    && k.stamp.is_some()
                    && k.stamp == now
                    && !changed(&candidate.path)
            });
            match same {
                Some(k) => (k.result.renumbered(id), now, false),
                None => {
                    let engine = engines.get(project_of(engines, candidate)).unwrap_or(first);
                    (check_candidate(engine, id, candidate, None), now, true)
                }
            }
        })
        .collect();
    let read = checked.iter().filter(|(_, _, read)| *read).count();
    // A copy of each result is kept for the next run: the outcome takes the results.
    kept.files = inputs
        .par_iter()
        .zip(&checked)
        .map(|((candidate, _), (result, stamp, _))| {
            let file = KeptFile {
                candidate: (*candidate).clone(),
                stamp: *stamp,
                result: result.clone(),
            };
            (candidate.path.clone(), file)
        })
        .collect::<Vec<_>>()
        .into_iter()
        .collect();
    let results: Vec<FileResult> = checked.into_iter().map(|(result, _, _)| result).collect();
    Relinted {
        inputs: results.len(),
        outcome: finish_run(engines, &inputs, results, first_context),
        read,
    }
}

/// Checks one file of a run: `given` bytes (standard input, an editor's text) when there are
/// some, else the file as it is on disk, never more than the limit and one byte of it.
pub fn check_candidate(
    engine: &Engine,
    id: FileId,
    candidate: &Candidate,
    given: Option<&[u8]>,
) -> FileResult {
    let name = FileName::of(candidate);
    if let Some(reason) = &candidate.unreadable {
        return engine.cannot_read(id, &name, reason.clone());
    }
    match given {
        // Standard input was read up to the limit and one byte: longer is "over".
        Some(bytes) => {
            let size = bytes.len() as u64;
            let size = (size <= MAX_FILE_BYTES).then_some(size);
            engine.check_read(id, &name, bytes.to_vec(), size)
        }
        // Regular files only.
        None => match read_capped(&candidate.path, MAX_FILE_BYTES) {
            Ok((bytes, size)) => engine.check_read(id, &name, bytes, Some(size)),
            Err(ReadError::Io(error)) => engine.unreadable(id, &name, &error),
            Err(refused @ ReadError::BrokenLink(_)) => {
                engine.cannot_read(id, &name, format!("cannot read file: {refused}"))
            }
            Err(refused) => engine.cannot_read(id, &name, refused.to_string()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::builtin;
    use crate::config::Config;
    use crate::engine::Options;

    const TEMPLATE: &str = r#"{"name": "promo", "language": "en_US", "category": "UTILITY", "status": "APPROVED", "components": [{"type": "BODY", "text": "Your order has shipped and arrives on Friday."}]}"#;
    const FLOW: &str = "flow: bot\nentry: hi\nkeywords: {STOP: out, AGENT: human}\nnodes:\n  hi:\n    type: template\n    template: {name: promo, language: en_US}\n    next: human\n  human: {type: handoff}\n  out: {type: opt_out}\n";

    fn found(root: &Path, config: &Config) -> Vec<Candidate> {
        crate::discover::discover(&[root.to_path_buf()], config, root)
            .unwrap()
            .files
    }

    /// What tells two outcomes apart: each finding with its file's id and its related ids.
    fn seen(outcome: &Outcome) -> Vec<(String, String, FileId, Vec<FileId>)> {
        outcome
            .diagnostics
            .iter()
            .map(|d| {
                let related = d.related.iter().map(|r| r.file_id).collect();
                (d.file.clone(), d.code.to_string(), d.file_id, related)
            })
            .collect()
    }

    #[test]
    fn a_kept_run_reads_only_new_and_changed_files_and_equals_a_fresh_run() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::write(root.join("a.json"), TEMPLATE).unwrap();
        std::fs::write(root.join("c.yaml"), FLOW).unwrap();
        let config = Config {
            root: root.clone(),
            ..Config::default()
        };
        let engine = Engine::new(builtin().unwrap(), config.clone(), Options::default());
        let mut kept = Kept::default();
        let nothing = |_: &Path| false;
        let first = lint_kept(
            std::slice::from_ref(&engine),
            &found(&root, &config),
            &[],
            &mut kept,
            &nothing,
        );
        assert_eq!((first.read, first.inputs), (2, 2));
        assert!(first.outcome.diagnostics.is_empty());
        // A second definition of the template comes between the two: the flow's id moves
        // from 1 to 2 and its kept result is numbered anew, not read again.
        std::fs::write(root.join("b.json"), TEMPLATE).unwrap();
        let files = found(&root, &config);
        let again = lint_kept(
            std::slice::from_ref(&engine),
            &files,
            &[],
            &mut kept,
            &nothing,
        );
        assert_eq!((again.read, again.inputs), (1, 3));
        let fresh = lint(&engine, &files, None);
        assert_eq!(seen(&again.outcome), seen(&fresh));
        assert!(
            seen(&fresh)
                .iter()
                .any(|(file, code, _, related)| file.ends_with("b.json")
                    && code == "WA113"
                    && !related.is_empty()),
            "{:?}",
            seen(&fresh)
        );
        // A file the caller names as changed is read again, whatever its size and time.
        let flow = root.join("c.yaml");
        let named = |path: &Path| path == flow;
        let third = lint_kept(
            std::slice::from_ref(&engine),
            &files,
            &[],
            &mut kept,
            &named,
        );
        assert_eq!(third.read, 1);
        assert_eq!(seen(&third.outcome), seen(&fresh));
    }

    /// The engines of a run of `root` with its nested configs, and its files, as
    /// `walint check` makes them.
    fn projects(root: &Path) -> (Vec<Engine>, Vec<Candidate>) {
        let catalogue = builtin().unwrap();
        let config = Config {
            root: root.to_path_buf(),
            ..Config::default()
        };
        let loaded = crate::custom::Loaded::builtin(catalogue.clone());
        let mut configs = crate::discover::Configs::new(config, loaded, false, catalogue, root);
        let found = crate::discover::discover_in(&[root.to_path_buf()], &mut configs, root);
        let mut files = found.unwrap().files;
        let used = vec![true; configs.projects().len()];
        let run = configs.into_run(&used).unwrap();
        for candidate in &mut files {
            run.renumber(candidate);
        }
        let engines = run
            .projects
            .into_iter()
            .enumerate()
            .map(|(project, (config, custom))| {
                let options = Options {
                    custom,
                    config_file: FileId::config(project),
                    ..Options::default()
                };
                Engine::new(run.catalogue.clone(), config, options)
            })
            .collect();
        (engines, files)
    }

    #[test]
    fn a_kept_run_over_nested_projects_equals_a_fresh_run() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let shop = root.join("shop");
        std::fs::create_dir(&shop).unwrap();
        std::fs::write(root.join("a.json"), TEMPLATE).unwrap();
        std::fs::write(root.join("c.yaml"), FLOW).unwrap();
        std::fs::write(shop.join("walint.yaml"), "rules:\n  WA211: warning\n").unwrap();
        std::fs::write(shop.join("a.json"), TEMPLATE.replace("promo", "other")).unwrap();
        std::fs::write(shop.join("c.yaml"), FLOW).unwrap();
        let (engines, files) = projects(&root);
        assert_eq!(engines.len(), 2);
        let mut kept = Kept::default();
        let nothing = |_: &Path| false;
        let first = lint_kept(&engines, &files, &[], &mut kept, &nothing);
        let fresh = lint_run(&engines, &files, &[], &[]);
        assert_eq!(seen(&first.outcome), seen(&fresh));
        // The shop's flow misses its template, though the top project has one of that name,
        // and the finding has the shop's severity.
        let severities: Vec<(&str, &str)> = fresh
            .diagnostics
            .iter()
            .map(|d| (d.file.as_str(), d.severity.as_str()))
            .collect();
        assert_eq!(severities, [("shop/c.yaml", "warning")]);
        // The shop's template gone: only the shop's files change ids, one file is gone, and
        // the run says its project has no template, as a fresh run does.
        std::fs::remove_file(shop.join("a.json")).unwrap();
        let (engines, files) = projects(&root);
        let again = lint_kept(&engines, &files, &[], &mut kept, &nothing);
        assert_eq!(again.read, 0);
        let fresh = lint_run(&engines, &files, &[], &[]);
        assert_eq!(seen(&again.outcome), seen(&fresh));
        assert!(fresh.templates_unseen.is_some());
        assert_eq!(again.outcome.templates_unseen, fresh.templates_unseen);
    }
}
