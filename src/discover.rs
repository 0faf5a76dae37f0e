//! Turning the paths on the command line into a sorted list of files to lint, and finding
//! the walint.yaml and the templates lock that apply to them.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::WalkBuilder;

use crate::catalogue::{Catalogue, RuleDoc, RuleId};
use crate::config::{self, Config};
use crate::custom;
use crate::read;
use crate::source::{Format, LineIndex};
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
    /// The project whose config governs it (see [`Configs`]); 0 is the run's config.
    pub project: usize,
}

#[derive(Debug, Default)]
pub struct Discovery {
    pub files: Vec<Candidate>,
    /// Paths that could not be walked (a symlink loop, a folder without permission).
    pub warnings: Vec<String>,
    /// Folders were walked (not only files named), so `include` chose what was found.
    pub walked: bool,
    /// By project: a walked folder holds the config's folder, so every file `include` can
    /// match was seen.
    pub walked_root: Vec<bool>,
    /// By project, per `include` pattern: whether a file found while walking matched it
    /// (`exclude` aside: a pattern that matches an excluded file is no typo); `None` for a
    /// project no file found while walking belongs to.
    pub include_matched: Vec<Option<Vec<bool>>>,
}

/// Why the files of a run cannot be found: a path on the command line that cannot be linted,
/// or a walint.yaml that governs some of them and cannot be read. Exit 2 with this message.
#[derive(Debug, PartialEq, Eq)]
pub struct Refused(pub String);

impl std::fmt::Display for Refused {
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
    catalogue: &Arc<Catalogue>,
) -> Result<(Config, custom::Loaded), String> {
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
    let Some(path) = path else {
        let config = Config {
            root: cwd.to_path_buf(),
            ..Config::default()
        };
        return Ok((config, custom::Loaded::builtin(catalogue.clone())));
    };
    load_config_file(&path, cwd, catalogue)
}

/// The config file at `path`, its custom rules loaded into a copy of `catalogue`.
fn load_config_file(
    path: &Path,
    cwd: &Path,
    catalogue: &Arc<Catalogue>,
) -> Result<(Config, custom::Loaded), String> {
    let shown_config = shown(path, cwd);
    let placed = |mut e: config::ConfigError| {
        e.path = shown_config.clone();
        e.to_string()
    };
    let text = Config::read(path).map_err(placed)?;
    // The custom rules first: `rules:` and `overrides:` may name them.
    let sources = config::custom_rule_sources(&text, &shown_config, catalogue).map_err(placed)?;
    let folder = Config::folder_of(path);
    let folder = folder.canonicalize().unwrap_or(folder);
    let in_config = |span: crate::source::Span, message: String| {
        let text = crate::source::strip_bom(&text);
        let at = LineIndex::new(text).position(text, span.start);
        format!("{shown_config}:{}:{}: {message}", at.line, at.column)
    };
    let loaded = custom::load(
        &sources,
        &folder,
        catalogue,
        &|file| shown(file, cwd),
        &in_config,
    )?;
    let mut config = Config::from_text(path, text, &loaded.catalogue).map_err(placed)?;
    config.root = folder;
    config.shown = shown_config;
    Ok((config, loaded))
}

/// `path` made absolute against `cwd`, with `.` and `..` resolved by name (a link is not
/// followed), so the folders above it are its ancestors.
pub fn absolute(path: &Path, cwd: &Path) -> PathBuf {
    lexical(&cwd.join(path))
}

/// `path` without `.` and with `..` folded, by name: a link is not followed.
pub fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// A walint.yaml of a run and what it loaded. Its project is its folder and every folder
/// below it without a walint.yaml of its own: it governs the files there.
pub struct Project {
    pub config: Config,
    /// Its catalogue (the built-in rules and its own custom rules) and custom rules.
    pub loaded: custom::Loaded,
}

/// The configs of a run: the run's own (project 0: `--config`, else the walint.yaml found
/// from the first path or the current folder, else the defaults) and each walint.yaml nearer
/// a file, found as the folders are walked. The nearest config governs a file, as in ruff:
/// a nested config replaces its parent's for its folder (nothing is inherited), unless the
/// parent's `exclude` matches it, which leaves its folder to the parent.
pub struct Configs {
    projects: Vec<Project>,
    /// `--config` or `--no-config`: project 0 governs every file.
    fixed: bool,
    /// By folder (see [`absolute`]): the project of the nearest walint.yaml in it or above
    /// it, `None` when there is none.
    nearest: HashMap<PathBuf, Option<usize>>,
    /// By config file (see [`absolute`]): its project.
    by_file: HashMap<PathBuf, usize>,
    /// What nested configs' custom rules are loaded into: the built-in rules.
    builtin: Arc<Catalogue>,
    cwd: PathBuf,
}

impl Configs {
    /// The configs of a run whose own config is `run`; nested ones are read as the files
    /// they govern are found. With `fixed`, `run` governs every file.
    pub fn new(
        run: Config,
        loaded: custom::Loaded,
        fixed: bool,
        builtin: Arc<Catalogue>,
        cwd: &Path,
    ) -> Configs {
        let mut by_file = HashMap::new();
        if let Some(path) = &run.path {
            by_file.insert(absolute(path, cwd), 0);
        }
        Configs {
            projects: vec![Project {
                config: run,
                loaded,
            }],
            fixed,
            nearest: HashMap::new(),
            by_file,
            builtin,
            cwd: cwd.to_path_buf(),
        }
    }

    /// One config for every file.
    pub fn single(config: Config, catalogue: Arc<Catalogue>, cwd: &Path) -> Configs {
        let loaded = custom::Loaded::builtin(catalogue.clone());
        Configs::new(config, loaded, true, catalogue, cwd)
    }

    pub fn config(&self, project: usize) -> &Config {
        let project = self.projects.get(project).unwrap_or(&self.projects[0]);
        &project.config
    }

    pub fn projects(&self) -> &[Project] {
        &self.projects
    }

    /// The project whose config governs the files of `folder`: the nearest walint.yaml's,
    /// read the first time, else the run's.
    pub fn governing(&mut self, folder: &Path) -> Result<usize, String> {
        if self.fixed {
            return Ok(0);
        }
        let folder = absolute(folder, &self.cwd);
        Ok(self.nearest(&folder)?.unwrap_or(0))
    }

    /// The project of `path`'s folder, for a file.
    pub fn governing_file(&mut self, path: &Path) -> Result<usize, String> {
        let folder = absolute(path, &self.cwd);
        match folder.parent() {
            Some(parent) => self.governing(parent),
            None => Ok(0),
        }
    }

    fn nearest(&mut self, folder: &Path) -> Result<Option<usize>, String> {
        // The folders from `folder` up to the first one already known, resolved top down:
        // each needs its parent's answer.
        let mut pending = Vec::new();
        let mut above = None;
        for ancestor in folder.ancestors() {
            if let Some(&known) = self.nearest.get(ancestor) {
                above = known;
                break;
            }
            pending.push(ancestor.to_path_buf());
        }
        for folder in pending.into_iter().rev() {
            let here = config::FILE_NAMES
                .iter()
                .map(|name| folder.join(name))
                .find(|candidate| candidate.symlink_metadata().is_ok());
            if let Some(file) = here {
                above = Some(match self.by_file.get(&file) {
                    Some(&project) => project,
                    None => match above.filter(|&parent| self.excludes(parent, &file)) {
                        Some(parent) => parent,
                        None => self.load(&file)?,
                    },
                });
            }
            self.nearest.insert(folder, above);
        }
        Ok(above)
    }

    /// Whether the config of `project` excludes the file `path`.
    fn excludes(&self, project: usize, path: &Path) -> bool {
        let config = self.config(project);
        globset(&config.exclude).is_match(config.relative(path))
    }

    fn load(&mut self, file: &Path) -> Result<usize, String> {
        let (mut config, loaded) = load_config_file(file, &self.cwd, &self.builtin)?;
        load_lock(&mut config, &self.cwd)?;
        let project = self.projects.len();
        if project >= crate::diagnostic::MAX_CONFIGS {
            return Err(format!(
                "{}: a run reads at most {} config files",
                config.shown,
                crate::diagnostic::MAX_CONFIGS
            ));
        }
        self.projects.push(Project { config, loaded });
        self.by_file.insert(file.to_path_buf(), project);
        Ok(project)
    }

    /// The run's catalogue and each project's config and custom rules under its ids: the
    /// catalogue of project 0 with the custom rules of the other projects `used` marks
    /// taken in. A project not used gets the defaults: no file of the run is its.
    pub fn into_run(self, used: &[bool]) -> Result<RunConfigs, String> {
        // Nested configs in path order, whatever order the folders were walked in: the ids
        // of their files and custom rules, and so every report, depend on it.
        let mut order: Vec<usize> = (1..self.projects.len()).collect();
        order.sort_by(|&a, &b| {
            self.projects[a]
                .config
                .path
                .cmp(&self.projects[b].config.path)
        });
        order.insert(0, 0);
        let mut renumber = vec![0; order.len()];
        for (new, &old) in order.iter().enumerate() {
            renumber[old] = new;
        }
        let used: Vec<bool> = order
            .iter()
            .map(|&old| used.get(old).copied().unwrap_or(false))
            .collect();
        let mut slots: Vec<Option<Project>> = self.projects.into_iter().map(Some).collect();
        let mut projects = order.iter().filter_map(|&old| slots[old].take());
        let Some(first) = projects.next() else {
            return Err("no config".into());
        };
        let mut catalogue = first.loaded.catalogue.clone();
        // Who defined each custom rule of the run's catalogue, for a clash.
        let mut owners: Vec<(RuleId, String)> = catalogue
            .rules()
            .iter()
            .filter(|r| !r.id.is_builtin())
            .map(|r| (r.id, first.config.shown.clone()))
            .collect();
        let mut out = vec![(first.config, first.loaded.rules)];
        for (index, mut project) in projects.enumerate() {
            if !used.get(index + 1).copied().unwrap_or(false) {
                let config = Config {
                    root: project.config.root,
                    ..Config::default()
                };
                out.push((config, Arc::default()));
                continue;
            }
            let own = &project.loaded.catalogue;
            let custom: Vec<&RuleDoc> = own.rules().iter().filter(|r| !r.id.is_builtin()).collect();
            if !custom.is_empty() {
                let run = Arc::make_mut(&mut catalogue);
                // The team's own controls the project's rules may cite, before its rules.
                for control in &own.controls {
                    run.define_control(control.clone())
                        .map_err(|why| format!("{}: {why}", project.config.shown))?;
                }
                let mut ids = Vec::with_capacity(custom.len());
                for rule in custom {
                    let id = match run.adopt(rule) {
                        Ok(id) => id,
                        Err(why) => {
                            let other = run.find(&rule.code).or_else(|| run.find(&rule.name));
                            let owner = other
                                .and_then(|o| owners.iter().find(|(id, _)| *id == o.id))
                                .zip(other);
                            return Err(match owner {
                                Some(((_, owner), other)) => format!(
                                    "{}: custom rule {} {} is not the rule {owner} defines as {} {}: one run holds one rule of a code and a name (load the same rule file in both, or rename one)",
                                    project.config.shown, rule.code, rule.name, other.code, other.name
                                ),
                                None => format!(
                                    "{}: custom rule {}: {why}",
                                    project.config.shown, rule.code
                                ),
                            });
                        }
                    };
                    if !owners.iter().any(|(known, _)| *known == id) {
                        owners.push((id, project.config.shown.clone()));
                    }
                    ids.push((rule.id, id));
                }
                let map = |id: RuleId| {
                    ids.iter()
                        .find(|(own, _)| *own == id)
                        .map_or(id, |(_, run)| *run)
                };
                project.config.remap_rules(map);
                // Loaded here, so held nowhere else.
                if let Some(rules) = Arc::get_mut(&mut project.loaded.rules) {
                    rules.remap(map);
                }
            }
            out.push((project.config, project.loaded.rules));
        }
        Ok(RunConfigs {
            catalogue,
            projects: out,
            renumber,
        })
    }
}

/// The configs of a run, ready for its engines: one catalogue, and each project's config and
/// custom rules by the catalogue's ids, the nested ones in path order.
pub struct RunConfigs {
    pub catalogue: Arc<Catalogue>,
    pub projects: Vec<(Config, Arc<custom::CustomRules>)>,
    /// By a project's number in [`Configs`], its number here (a candidate's new `project`).
    pub renumber: Vec<usize>,
}

impl RunConfigs {
    /// The config of a project (numbered as here).
    pub fn config(&self, project: usize) -> &Config {
        let (config, _) = self.projects.get(project).unwrap_or(&self.projects[0]);
        config
    }

    /// A candidate of the [`Configs`] numbering, numbered as here.
    pub fn renumber(&self, candidate: &mut Candidate) {
        candidate.project = self.renumber.get(candidate.project).copied().unwrap_or(0);
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

/// The files of `paths` under one config, `config` (no nested walint.yaml is read).
pub fn discover(paths: &[PathBuf], config: &Config, cwd: &Path) -> Result<Discovery, Refused> {
    let catalogue = crate::catalogue::builtin().map_err(Refused)?;
    let mut configs = Configs::single(config.clone(), catalogue, cwd);
    discover_in(paths, &mut configs, cwd)
}

/// The files of `paths`, each with the project of its config: the nearest walint.yaml's
/// `include` and `exclude` choose among the files of its folder.
pub fn discover_in(
    paths: &[PathBuf],
    configs: &mut Configs,
    cwd: &Path,
) -> Result<Discovery, Refused> {
    let mut found: BTreeMap<String, Candidate> = BTreeMap::new();
    let mut warnings = Vec::new();
    // By project: its include and exclude globs, and which include patterns matched.
    let mut globs: Vec<Option<ProjectGlobs>> = Vec::new();
    let mut walked_folders = Vec::new();
    for path in paths {
        let metadata = std::fs::metadata(path);
        if let (Err(error), Err(_)) = (&metadata, std::fs::symlink_metadata(path)) {
            let shown = path_text(path);
            return Err(Refused(match error.kind() {
                std::io::ErrorKind::NotFound => format!("path `{shown}` does not exist"),
                _ => format!("cannot read `{shown}`: {}", read::reason(error)),
            }));
        }
        if !path.is_dir() {
            let shown = shown(path, cwd);
            let project = configs.governing_file(path).map_err(Refused)?;
            found.insert(
                shown.clone(),
                Candidate {
                    path: path.clone(),
                    config_path: configs.config(project).relative(&cwd.join(path)),
                    shown,
                    explicit: true,
                    unreadable: None,
                    project,
                },
            );
            continue;
        }
        // A folder named on the command line that cannot be listed: nothing of it would be
        // checked, which is no pass.
        if let Err(error) = std::fs::read_dir(path) {
            return Err(Refused(format!(
                "cannot read folder `{}`: {}",
                path_text(path),
                read::reason(&error)
            )));
        }
        let folder = cwd.join(path);
        walked_folders.push(folder.canonicalize().unwrap_or(folder));
        let walker = WalkBuilder::new(path)
            .hidden(false)
            .follow_links(true)
            .require_git(false)
            // Folders in name order: the nested configs are met, and read, in one order.
            .sort_by_file_name(|a, b| a.cmp(b))
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
                        Some((path, reason)) => {
                            let linted = Format::from_path(&path_text(&path)).is_some();
                            if !linted && path.is_file() {
                                warnings.push(error.to_string());
                                continue;
                            }
                            let shown = shown(&path, cwd);
                            let project = configs.governing_file(&path).map_err(Refused)?;
                            found.entry(shown.clone()).or_insert(Candidate {
                                config_path: configs.config(project).relative(&cwd.join(&path)),
                                path,
                                shown,
                                explicit: true,
                                unreadable: (!linted)
                                    .then(|| format!("cannot read folder: {reason}")),
                                project,
                            });
                        }
                        None => warnings.push(error.to_string()),
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
            let project = configs.governing_file(entry.path()).map_err(Refused)?;
            if globs.len() <= project {
                globs.resize_with(project + 1, || None);
            }
            let config = configs.config(project);
            let project_globs = globs[project].get_or_insert_with(|| ProjectGlobs::of(config));
            let relative = config.relative(&cwd.join(entry.path()));
            let matches = project_globs.include.matches(&relative);
            for index in &matches {
                if let Some(&pattern) = project_globs.include_indices.get(*index) {
                    project_globs.matched[pattern] = true;
                }
            }
            if project_globs.exclude.is_match(&relative) {
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
                project,
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
    let projects = configs.projects();
    let walked_root = projects
        .iter()
        .map(|project| {
            let root = &project.config.root;
            let root = root.canonicalize().unwrap_or(root.clone());
            walked_folders.iter().any(|folder| root.starts_with(folder))
        })
        .collect();
    let mut include_matched: Vec<Option<Vec<bool>>> = globs
        .into_iter()
        .map(|globs| globs.map(|g| g.matched))
        .collect();
    include_matched.resize(projects.len(), None);
    Ok(Discovery {
        files,
        warnings,
        walked: !walked_folders.is_empty(),
        walked_root,
        include_matched,
    })
}

/// A project's `include` and `exclude` as glob sets, and which include patterns matched a
/// file found while walking.
struct ProjectGlobs {
    include: GlobSet,
    include_indices: Vec<usize>,
    exclude: GlobSet,
    matched: Vec<bool>,
}

impl ProjectGlobs {
    fn of(config: &Config) -> ProjectGlobs {
        let (include, include_indices) = indexed_globset(&config.include);
        ProjectGlobs {
            include,
            include_indices,
            exclude: globset(&config.exclude),
            matched: vec![false; config.include.len()],
        }
    }
}

/// `check --force-exclude`: the files named on the command line follow the rules of files
/// found in folders, for tools that name every changed file (pre-commit, lint-staged): the
/// config's `exclude` and `include` apply, and a file that does not parse is reported only
/// when `include` matches it or it carries a walint marker (a `tsconfig.json` with comments
/// or a Helm template is not walint's business). Files found in folders already follow
/// these rules, so applying them to every candidate changes only the named ones.
/// Each file follows the config of its project (`config_of`).
pub fn force_exclude<'c>(files: &mut Vec<Candidate>, config_of: impl Fn(usize) -> &'c Config) {
    let mut globs: HashMap<usize, (GlobSet, GlobSet)> = HashMap::new();
    files.retain_mut(|file| {
        let config = config_of(file.project);
        let (include, exclude) = globs
            .entry(file.project)
            .or_insert_with(|| (globset(&config.include), globset(&config.exclude)));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_is_made_absolute_by_name() {
        let cwd = Path::new("/work/repo");
        assert_eq!(
            absolute(Path::new("./a/../b/c"), cwd),
            PathBuf::from("/work/repo/b/c")
        );
        assert_eq!(absolute(Path::new("../x"), cwd), PathBuf::from("/work/x"));
        assert_eq!(
            absolute(Path::new("/etc/./y"), cwd),
            PathBuf::from("/etc/y")
        );
    }

    #[test]
    fn the_nearest_config_governs_a_folder_unless_its_parent_excludes_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        for (path, text) in [
            ("walint.yaml", "exclude: [\"legacy/**\"]\n"),
            ("a/walint.yaml", "brand: A\n"),
            ("a/b/.keep", ""),
            ("c/.keep", ""),
            // Excluded by the parent: never read, so its error stops nothing.
            ("legacy/walint.yaml", "not: [valid\n"),
        ] {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let catalogue = crate::catalogue::builtin().unwrap();
        let configs = |fixed: bool| {
            let (config, loaded) = load_config(None, false, &root, &root, &catalogue).unwrap();
            Configs::new(config, loaded, fixed, catalogue.clone(), &root)
        };
        let mut nested = configs(false);
        assert_eq!(nested.governing(&root.join("c")), Ok(0));
        assert_eq!(nested.governing(&root.join("a/b")), Ok(1));
        assert_eq!(nested.governing(&root.join("a")), Ok(1));
        assert_eq!(nested.governing_file(&root.join("a/b/x.yaml")), Ok(1));
        assert_eq!(nested.governing(&root.join("legacy")), Ok(0));
        assert_eq!(nested.projects().len(), 2);
        assert_eq!(nested.config(1).brand.as_deref(), Some("A"));
        // `--config` or `--no-config`: one config for every folder, no other read.
        let mut fixed = configs(true);
        assert_eq!(fixed.governing(&root.join("a/b")), Ok(0));
        assert_eq!(fixed.projects().len(), 1);
    }
}
