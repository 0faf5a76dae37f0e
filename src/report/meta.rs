//! What the audit reports say about the run itself: tool and catalogue version and hash,
//! config and its hash, git commit, command line and time (`SOURCE_DATE_EPOCH` when set).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::catalogue::Catalogue;
use crate::config::Attestation;
use crate::date::rfc3339;
use crate::diagnostic::fingerprint::hex;
use crate::templates_lock::TemplatesLock;
use crate::workspace::SourceFile;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RunMeta {
    pub tool: &'static str,
    pub version: &'static str,
    /// The catalogue ships inside the binary: its version is the tool's.
    pub catalogue_version: &'static str,
    pub catalogue_rules: usize,
    /// SHA-256 of the embedded rule documents and controls.
    pub catalogue_sha256: String,
    pub config: Option<String>,
    pub config_sha256: Option<String>,
    pub git_commit: Option<String>,
    /// `walint` and the arguments as given, quoted for a POSIX shell.
    pub command_line: String,
    /// RFC 3339, UTC.
    pub timestamp: String,
    /// The timestamp came from `SOURCE_DATE_EPOCH`.
    pub reproducible: bool,
    /// The templates lock the run read Meta's status from, when it had one.
    pub templates_lock: Option<LockMeta>,
    /// The date of the catalogue's policy data.
    pub policy_date: String,
    /// What the run was asked to check, and what it left out.
    pub scope: Scope,
    /// SHA-256 of the `--baseline` file, when there is one.
    pub baseline_sha256: Option<String>,
    /// The sign-off block, from walint.yaml `report:`.
    pub attestation: Attestation,
    /// SHA-256 over what the findings depend on: see [`report_id`]. Empty until computed.
    pub report_id: String,
    /// Some checked file differs from `git_commit`: the inventory's hashes are those of the
    /// working tree, not of the commit.
    pub dirty: bool,
    /// The checked files that differ from `git_commit`, in report order.
    pub changed_files: Vec<ChangedFile>,
}

/// A checked file that is not as `git_commit` has it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChangedFile {
    pub path: String,
    /// `modified` (changed or staged since the commit) or `untracked` (not in it, ignored
    /// files included).
    pub change: &'static str,
}

/// Up to this many checked files are named to `git diff` one by one.
const MAX_PATHSPECS: usize = 256;

/// Which of `checked` (paths as the reports show them, relative to `cwd`) differ from the
/// commit checked out: `git diff --name-only HEAD` for changed files, `git ls-files` for
/// the tracked ones. `None` when git cannot tell (no git program, no commit yet). A path
/// outside `cwd` (`../`) is left out: git lists only what is under `cwd`.
pub fn changed_files<'a>(
    cwd: &Path,
    checked: impl IntoIterator<Item = &'a str>,
) -> Option<Vec<ChangedFile>> {
    let git = |args: &[&str]| -> Option<BTreeSet<String>> {
        let output = std::process::Command::new("git")
            .args(args)
            .current_dir(cwd)
            .stderr(std::process::Stdio::null())
            .output()
            .ok()?;
        output.status.success().then(|| {
            output
                .stdout
                .split(|b| *b == 0)
                .filter(|p| !p.is_empty())
                .map(|p| String::from_utf8_lossy(p).into_owned())
                .collect()
        })
    };
    let checked: Vec<&str> = checked
        .into_iter()
        .filter(|path| !path.starts_with("../") && !Path::new(path).is_absolute())
        .collect();
    // Nothing git could tell about (a file named by an absolute path, or outside `cwd`): no
    // need to have git look over the whole checkout.
    if checked.is_empty() {
        return Some(Vec::new());
    }
    // A few files are compared as themselves: `git diff` then looks at those, not at every
    // file of the repository (a one-file check in a large checkout). Many are compared as
    // the folder.
    let pathspecs: Vec<String> = if (1..=MAX_PATHSPECS).contains(&checked.len()) {
        checked.iter().map(|p| format!(":(literal){p}")).collect()
    } else {
        vec![".".to_string()]
    };
    let mut diff = vec!["diff", "--name-only", "-z", "--relative", "HEAD", "--"];
    diff.extend(pathspecs.iter().map(String::as_str));
    let modified = git(&diff)?;
    let mut ls_files = vec!["ls-files", "-z", "--"];
    ls_files.extend(pathspecs.iter().map(String::as_str));
    let tracked = git(&ls_files)?;
    let mut changed = Vec::new();
    for path in checked {
        let change = if !tracked.contains(path) {
            "untracked"
        } else if modified.contains(path) {
            "modified"
        } else {
            continue;
        };
        changed.push(ChangedFile {
            path: path.to_string(),
            change,
        });
    }
    Some(changed)
}

/// What the run checked and with which rules, as the audit reports state it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Scope {
    /// The paths as given on the command line (`-` for standard input).
    pub paths: Vec<String>,
    /// The config's `include` and `exclude` globs.
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    /// `--select` and `--ignore`, as given.
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    /// Rules walint.yaml turns off.
    pub rules_off: Vec<String>,
    /// False with `--no-inline-ignores`.
    pub inline_ignores: bool,
    pub force_exclude: bool,
    /// Files found but not checked, with the reason (the `--verbose` list).
    pub skipped: Vec<SkippedFile>,
    /// The walint.yaml files below the run's that govern some of the files checked, each
    /// with its own globs and rules (none in a run of one config).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub nested: Vec<NestedConfig>,
}

/// A nested walint.yaml of the run: what it says of the files of its folder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NestedConfig {
    pub config: String,
    pub config_sha256: String,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub rules_off: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SkippedFile {
    pub path: String,
    pub reason: String,
}

/// The report id: SHA-256 over the inventory (each file's path and hash, the config's
/// included), the catalogue hash, the config hash and the options that change findings
/// (the scope without the skipped list, `--fail-on`, the baseline's hash, and the nested
/// configs with their hashes). The same files
/// checked the same way give the same id, whatever the format, time or output file.
pub fn report_id(meta: &RunMeta, files: &[SourceFile], fail_on: &str) -> String {
    #[derive(Serialize)]
    struct Options<'a> {
        paths: &'a [String],
        include: &'a [String],
        exclude: &'a [String],
        select: &'a [String],
        ignore: &'a [String],
        rules_off: &'a [String],
        inline_ignores: bool,
        force_exclude: bool,
        fail_on: &'a str,
        baseline_sha256: Option<&'a str>,
        #[serde(skip_serializing_if = "<[_]>::is_empty")]
        nested: &'a [NestedConfig],
    }
    let scope = &meta.scope;
    let options = Options {
        paths: &scope.paths,
        include: &scope.include,
        exclude: &scope.exclude,
        select: &scope.select,
        ignore: &scope.ignore,
        rules_off: &scope.rules_off,
        inline_ignores: scope.inline_ignores,
        force_exclude: scope.force_exclude,
        fail_on,
        baseline_sha256: meta.baseline_sha256.as_deref(),
        nested: &scope.nested,
    };
    let mut hasher = Sha256::new();
    let mut part = |label: &str, value: &str| {
        for text in [label, value] {
            hasher.update(text.as_bytes());
            hasher.update([0]);
        }
    };
    for file in files {
        part("file", &file.path);
        part("sha256", &file.sha256);
    }
    part("catalogue", &meta.catalogue_sha256);
    part("config", meta.config_sha256.as_deref().unwrap_or(""));
    part(
        "options",
        &serde_json::to_string(&options).unwrap_or_default(),
    );
    hex(&hasher.finalize())
}

/// What the audit reports say of the templates lock: which snapshot of Meta's review the
/// findings rest on, and each template's status in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LockMeta {
    pub file: String,
    pub sha256: String,
    pub waba_id: String,
    pub graph_api_version: String,
    pub fetched_at: String,
    /// The run's templates, then those only Meta has; by name and language.
    pub templates: Vec<LockedRow>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LockedRow {
    pub name: String,
    pub language: String,
    /// Where the repository defines it; `None` for a template only Meta has.
    pub file: Option<String>,
    /// Meta's status; `None` when the lock does not hold the template.
    pub status: Option<String>,
    pub quality: Option<String>,
    pub rejected_reason: Option<String>,
}

impl LockMeta {
    /// `templates` are the run's (name, language, file), in any order.
    pub fn new(
        lock: &TemplatesLock,
        file: String,
        sha256: String,
        templates: impl IntoIterator<Item = (String, String, String)>,
    ) -> LockMeta {
        let mut rows: Vec<LockedRow> = templates
            .into_iter()
            .map(|(name, language, path)| {
                let locked = lock.find(&name, &language);
                LockedRow {
                    status: locked.map(|l| l.status.clone()),
                    quality: locked.and_then(|l| l.quality.clone()),
                    rejected_reason: locked.and_then(|l| l.rejected_reason.clone()),
                    file: Some(path),
                    name,
                    language,
                }
            })
            .collect();
        for locked in &lock.templates {
            if !rows
                .iter()
                .any(|r| r.name == locked.name && r.language == locked.language)
            {
                rows.push(LockedRow {
                    name: locked.name.clone(),
                    language: locked.language.clone(),
                    file: None,
                    status: Some(locked.status.clone()),
                    quality: locked.quality.clone(),
                    rejected_reason: locked.rejected_reason.clone(),
                });
            }
        }
        rows.sort_by(|a, b| {
            (&a.name, &a.language, a.file.is_none(), &a.file).cmp(&(
                &b.name,
                &b.language,
                b.file.is_none(),
                &b.file,
            ))
        });
        rows.dedup();
        LockMeta {
            file,
            sha256,
            waba_id: lock.waba_id.clone(),
            graph_api_version: lock.graph_api_version.clone(),
            fetched_at: lock.fetched_at.clone(),
            templates: rows,
        }
    }
}

impl RunMeta {
    /// Gathers the run's metadata. `args` are the arguments after the program name.
    pub fn collect(
        cwd: &Path,
        config: Option<&SourceFile>,
        catalogue: &Catalogue,
        args: impl IntoIterator<Item = String>,
    ) -> RunMeta {
        let epoch = std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .and_then(|v| v.trim().parse::<i64>().ok());
        let seconds = epoch.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        });
        RunMeta {
            tool: "walint",
            version: env!("CARGO_PKG_VERSION"),
            catalogue_version: env!("CARGO_PKG_VERSION"),
            catalogue_rules: catalogue.rules().len(),
            catalogue_sha256: catalogue_sha256(),
            config: config.map(|c| c.path.clone()),
            config_sha256: config.map(|c| c.sha256.clone()),
            git_commit: git_commit(cwd),
            command_line: command_line(args),
            timestamp: rfc3339(seconds),
            reproducible: epoch.is_some(),
            templates_lock: None,
            policy_date: catalogue.policy_date.clone(),
            scope: Scope::default(),
            baseline_sha256: None,
            attestation: Attestation::default(),
            report_id: String::new(),
            dirty: false,
            changed_files: Vec::new(),
        }
    }
}

/// SHA-256 over every embedded rule document (name and text, in file order) and controls.yaml,
/// computed by build.rs.
pub fn catalogue_sha256() -> String {
    crate::catalogue::CATALOGUE_SHA256.to_string()
}

fn command_line(args: impl IntoIterator<Item = String>) -> String {
    std::iter::once("walint".to_string())
        .chain(args.into_iter().map(|a| shell_quote(&a)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn shell_quote(arg: &str) -> String {
    let safe = !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./=:,@%+".contains(c));
    if safe {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

/// The commit checked out in the repository around `start`, read from `.git` directly (a
/// worktree's `gitdir:` file, loose refs and packed-refs), else from `git rev-parse HEAD`.
/// `None` outside a repository or before the first commit.
pub fn git_commit(start: &Path) -> Option<String> {
    let dot_git = start
        .ancestors()
        .map(|folder| folder.join(".git"))
        .find(|candidate| candidate.exists())?;
    read_head(&dot_git).or_else(|| {
        let output = std::process::Command::new("git")
            .args(["rev-parse", "--verify", "-q", "HEAD"])
            .current_dir(start)
            .stderr(std::process::Stdio::null())
            .output()
            .ok()?;
        let text = String::from_utf8(output.stdout).ok()?;
        let text = text.trim();
        (output.status.success() && is_object_id(text)).then(|| text.to_string())
    })
}

fn read_head(dot_git: &Path) -> Option<String> {
    let git_dir = if dot_git.is_dir() {
        dot_git.to_path_buf()
    } else {
        let text = std::fs::read_to_string(dot_git).ok()?;
        let target = text.trim().strip_prefix("gitdir:")?.trim();
        let parent = dot_git.parent().unwrap_or(Path::new("."));
        parent.join(target)
    };
    let head = std::fs::read_to_string(git_dir.join("HEAD")).ok()?;
    let head = head.trim();
    let Some(reference) = head.strip_prefix("ref:").map(str::trim) else {
        return is_object_id(head).then(|| head.to_string());
    };
    let common: PathBuf = std::fs::read_to_string(git_dir.join("commondir"))
        .ok()
        .map(|c| git_dir.join(c.trim()))
        .unwrap_or_else(|| git_dir.clone());
    for folder in [&git_dir, &common] {
        if let Ok(text) = std::fs::read_to_string(folder.join(reference)) {
            let id = text.trim();
            if is_object_id(id) {
                return Some(id.to_string());
            }
        }
    }
    let packed = std::fs::read_to_string(common.join("packed-refs")).ok()?;
    packed.lines().find_map(|line| {
        let (id, name) = line.split_once(' ')?;
        (name.trim() == reference && is_object_id(id)).then(|| id.to_string())
    })
}

fn is_object_id(text: &str) -> bool {
    (text.len() == 40 || text.len() == 64) && text.chars().all(|c| c.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_git_cannot_list_ask_git_nothing() {
        // No git could run in a folder that does not exist: the answer comes without it.
        let nowhere = Path::new("/nonexistent/walint-checkout");
        let changed = changed_files(nowhere, ["/elsewhere/promo.json", "../bot.yaml"]);
        assert_eq!(changed, Some(Vec::new()));
    }

    #[test]
    fn arguments_are_quoted_only_when_needed() {
        let args = ["check", "-o", "html=my report.html", "it's"].map(String::from);
        assert_eq!(
            command_line(args),
            r"walint check -o 'html=my report.html' 'it'\''s'"
        );
    }

    #[test]
    fn git_commit_from_loose_refs_packed_refs_and_worktrees() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let id = "0123456789abcdef0123456789abcdef01234567";
        let other = "89abcdef0123456789abcdef0123456789abcdef";
        std::fs::create_dir_all(root.join(".git/refs/heads")).unwrap();
        std::fs::write(root.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
        std::fs::write(root.join(".git/refs/heads/main"), format!("{id}\n")).unwrap();
        std::fs::create_dir_all(root.join("sub/dir")).unwrap();
        assert_eq!(git_commit(&root.join("sub/dir")).as_deref(), Some(id));
        // Packed refs.
        std::fs::write(root.join(".git/HEAD"), "ref: refs/heads/packed\n").unwrap();
        std::fs::write(
            root.join(".git/packed-refs"),
            format!("# pack-refs with: peeled\n{other} refs/heads/packed\n"),
        )
        .unwrap();
        assert_eq!(read_head(&root.join(".git")).as_deref(), Some(other));
        // A worktree: `.git` is a file naming its git dir, whose commondir holds the refs.
        let wt = root.join("wt");
        std::fs::create_dir_all(root.join(".git/worktrees/wt")).unwrap();
        std::fs::create_dir_all(&wt).unwrap();
        std::fs::write(wt.join(".git"), "gitdir: ../.git/worktrees/wt\n").unwrap();
        std::fs::write(
            root.join(".git/worktrees/wt/HEAD"),
            "ref: refs/heads/main\n",
        )
        .unwrap();
        std::fs::write(root.join(".git/worktrees/wt/commondir"), "../..\n").unwrap();
        assert_eq!(read_head(&wt.join(".git")).as_deref(), Some(id));
        // Detached.
        std::fs::write(root.join(".git/HEAD"), format!("{other}\n")).unwrap();
        assert_eq!(read_head(&root.join(".git")).as_deref(), Some(other));
    }

    #[test]
    fn no_repository_is_no_commit() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read_head(&dir.path().join(".git")), None);
    }
}
