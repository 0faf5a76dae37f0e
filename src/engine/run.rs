//! A `walint check` run: the discovered files read from disk (and standard input), checked
//! in parallel, then across files, then finished. The only part of the engine that reads
//! files.

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
    // One engine governs every file when there is one.
    let project_of = |candidate: &Candidate| {
        if engines.len() == 1 {
            0
        } else {
            candidate.project.min(engines.len() - 1)
        }
    };
    let mut inputs: Vec<(&Candidate, Option<&[u8]>)> = candidates
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
    // The context files come after the inputs, so their ids tell them apart.
    let first_context = inputs.len();
    inputs.extend(
        context
            .iter()
            .filter(|c| !given.iter().any(|s| s.candidate.shown == c.shown))
            .map(|c| (c, None)),
    );
    // One slot per input, written in place: no per-thread vectors to grow and merge.
    let results: Vec<FileResult> = inputs
        .par_iter()
        .enumerate()
        .map(|(index, (candidate, given))| {
            let engine = engines.get(project_of(candidate)).unwrap_or(first);
            check_candidate(engine, FileId::input(index), candidate, *given)
        })
        .collect();
    let first_context_id = FileId::input(first_context);
    let reported = |id: FileId| id < first_context_id;
    // Each project's results, in id order: its inputs, then its context.
    let mut by_project: Vec<Vec<FileResult>> = engines.iter().map(|_| Vec::new()).collect();
    for (result, (candidate, _)) in results.into_iter().zip(&inputs) {
        by_project[project_of(candidate)].push(result);
    }
    let mut outcomes = Vec::with_capacity(engines.len());
    for (project, (engine, mut results)) in engines.iter().zip(by_project).enumerate() {
        let inputs = results.partition_point(|r| reported(r.id()));
        if project > 0 && inputs == 0 {
            continue;
        }
        let checked = || results.iter().filter_map(FileResult::checked);
        let mut across = engine.check_across(checked());
        let unseen = engine.templates_unseen(checked(), reported);
        results.truncate(inputs);
        across.retain(|d| reported(d.file_id) || d.file_id.is_config());
        let mut outcome = engine.finish(results, across);
        outcome.templates_unseen = unseen;
        outcomes.push(outcome);
    }
    Outcome::merge(outcomes)
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
