//! `walint templates pull` and `walint templates status`: Meta's review of the templates,
//! fetched into the lock file, and the repository's templates shown against it. `check`
//! never goes online; it reads the lock these commands keep.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use clap::{Subcommand, ValueEnum};
use serde::Serialize;

use crate::catalogue::Catalogue;
use crate::config::Config;
use crate::discover::{self, load_config, working_folder};
use crate::exit::{EXIT_CLEAN, EXIT_FINDINGS};
use crate::graph_api::{self, Client, Limits, Token, DEFAULT_BASE_URL};
use crate::model::reader::Keyword;
use crate::model::webhook::GraphVersion;
use crate::model::{self, Document};
use crate::source::{self, Format, LineIndex, MAX_FILE_BYTES};
use crate::templates_lock::drift::{self, Drift};
use crate::templates_lock::{LockedTemplate, TemplatesLock};

/// The Graph API version a pull uses unless `--graph-api-version` or
/// `meta.graph_api_version` names one.
pub const DEFAULT_GRAPH_API_VERSION: &str = "v23.0";

#[derive(Subcommand)]
pub enum TemplatesCommand {
    /// Fetch every template of the WhatsApp Business Account into the lock file (the token
    /// comes from WHATSAPP_ACCESS_TOKEN only)
    Pull(PullArgs),
    /// The repository's templates against the lock: Meta's status, quality and drift
    Status(StatusArgs),
}

/// Which walint.yaml, as `check` takes it.
#[derive(clap::Args)]
pub struct ConfigArgs {
    /// Use this config file instead of discovering walint.yaml
    #[arg(short, long, value_name = "FILE", conflicts_with = "no_config")]
    config: Option<PathBuf>,
    /// Ignore any walint.yaml
    #[arg(long)]
    no_config: bool,
}

#[derive(clap::Args)]
pub struct PullArgs {
    #[command(flatten)]
    config: ConfigArgs,
    /// The WhatsApp Business Account id [default: `meta.waba_id` of walint.yaml]
    #[arg(long, value_name = "ID")]
    waba_id: Option<String>,
    /// The Graph API version [default: `meta.graph_api_version` of walint.yaml, else v23.0]
    #[arg(long, value_name = "VERSION")]
    graph_api_version: Option<String>,
    /// The Graph API's address: a BSP's proxy, or a local stub (https://, or http:// to a
    /// loopback address only)
    #[arg(long, value_name = "URL", default_value = DEFAULT_BASE_URL)]
    graph_url: String,
    /// The lock file [default: `templates_lock` of walint.yaml, else
    /// walint-templates.lock.json beside it]
    #[arg(long, value_name = "FILE")]
    lock: Option<PathBuf>,
    /// Write nothing; exit 1 when the lock would change (for a scheduled CI job)
    #[arg(long)]
    check: bool,
    /// Seconds each call to the Graph API may take
    #[arg(long, value_name = "SECONDS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=600))]
    timeout: u64,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum StatusFormat {
    Table,
    Json,
}

#[derive(clap::Args)]
pub struct StatusArgs {
    /// Files and folders holding the repository's templates
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    config: ConfigArgs,
    /// The lock file [default: `templates_lock` of walint.yaml, else
    /// walint-templates.lock.json beside it]
    #[arg(long, value_name = "FILE")]
    lock: Option<PathBuf>,
    #[arg(short, long, value_enum, default_value = "table")]
    format: StatusFormat,
}

pub fn run(command: TemplatesCommand, catalogue: &Arc<Catalogue>) -> Result<u8, String> {
    let cwd = working_folder()?;
    match command {
        TemplatesCommand::Pull(args) => pull(&args, &cwd, catalogue),
        TemplatesCommand::Status(args) => status(&args, &cwd, catalogue),
    }
}

fn config_for(
    args: &ConfigArgs,
    start: &Path,
    cwd: &Path,
    catalogue: &Arc<Catalogue>,
) -> Result<Config, String> {
    load_config(
        args.config.as_deref(),
        args.no_config,
        start,
        cwd,
        catalogue,
    )
    .map(|(config, _)| config)
}

/// `--lock`, else the config's.
fn lock_path(given: Option<&Path>, config: &Config, cwd: &Path) -> PathBuf {
    given.map_or_else(|| config.templates_lock_path(), |p| cwd.join(p))
}

fn pull(args: &PullArgs, cwd: &Path, catalogue: &Arc<Catalogue>) -> Result<u8, String> {
    let config = config_for(&args.config, cwd, cwd, catalogue)?;
    let waba_id = match (&args.waba_id, &config.meta.waba_id) {
        (Some(id), _) => {
            let id = id.trim();
            if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!(
                    "`--waba-id {id}`: a WhatsApp Business Account id is a number"
                ));
            }
            id.to_string()
        }
        (None, Some(id)) => id.clone(),
        (None, None) => {
            return Err(
                "which WhatsApp Business Account? Pass --waba-id or set `meta: {waba_id: ...}` in walint.yaml"
                    .into(),
            )
        }
    };
    let version = match (&args.graph_api_version, &config.meta.graph_api_version) {
        (Some(v), _) => GraphVersion::parse(v)
            .ok_or_else(|| format!("`--graph-api-version {v}` must look like v23.0"))?
            .to_string(),
        (None, Some(v)) => v.clone(),
        (None, None) => DEFAULT_GRAPH_API_VERSION.to_string(),
    };
    let base = graph_api::base_url(&args.graph_url)?;
    let path = lock_path(args.lock.as_deref(), &config, cwd);
    let shown = discover::shown(&path, cwd);
    let token = Token::from_env()?;
    let limits = Limits {
        timeout: Duration::from_secs(args.timeout),
        ..Limits::default()
    };
    let client = Client::new(base, token, limits);
    let items = client
        .message_templates(&waba_id, &version)
        .map_err(|e| e.to_string())?;
    let lock = TemplatesLock::from_api(&waba_id, &version, fetched_at(), &items)?;
    let previous = TemplatesLock::read(&path, &shown);
    if args.check {
        return Ok(match previous {
            Ok(Some(previous)) => {
                let changes = previous.changes(&lock);
                if changes.is_empty() {
                    println!("{shown} is up to date: {}.", summary(&lock));
                    EXIT_CLEAN
                } else {
                    println!("{shown} is out of date; `walint templates pull` would change:");
                    for change in changes {
                        println!("  {change}");
                    }
                    EXIT_FINDINGS
                }
            }
            Ok(None) => {
                println!(
                    "{shown} does not exist; `walint templates pull` writes it ({}).",
                    summary(&lock)
                );
                EXIT_FINDINGS
            }
            Err(error) => {
                println!("{error}; `walint templates pull` would replace it.");
                EXIT_FINDINGS
            }
        });
    }
    let changes = match previous {
        Ok(Some(previous)) => previous.changes(&lock),
        Ok(None) => Vec::new(),
        Err(error) => {
            eprintln!("walint: warning: replacing {shown}: {error}");
            Vec::new()
        }
    };
    lock.write(&path)?;
    println!("Wrote {shown}: {}.", summary(&lock));
    for change in changes {
        println!("  {change}");
    }
    Ok(EXIT_CLEAN)
}

/// `SOURCE_DATE_EPOCH` when set, else now, as RFC 3339.
fn fetched_at() -> String {
    let seconds = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        });
    crate::date::rfc3339(seconds)
}

/// "12 templates of WhatsApp Business Account 1 (Graph API v23.0): 10 APPROVED, 2 PAUSED"
fn summary(lock: &TemplatesLock) -> String {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for template in &lock.templates {
        match counts.iter_mut().find(|(s, _)| *s == template.status) {
            Some((_, n)) => *n += 1,
            None => counts.push((&template.status, 1)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let n = lock.templates.len();
    let mut text = format!(
        "{n} template{} of WhatsApp Business Account {} (Graph API {})",
        if n == 1 { "" } else { "s" },
        lock.waba_id,
        lock.graph_api_version
    );
    if !counts.is_empty() {
        let parts: Vec<String> = counts.iter().map(|(s, n)| format!("{n} {s}")).collect();
        text.push_str(": ");
        text.push_str(&parts.join(", "));
    }
    text
}

/// One line of `templates status`.
#[derive(Serialize)]
struct StatusRow {
    name: String,
    language: String,
    /// Where the repository defines it; `null` for a template only Meta has.
    file: Option<String>,
    line: Option<usize>,
    repository_status: Option<String>,
    /// `null`: not in the lock (never submitted, or deleted).
    meta_status: Option<String>,
    quality: Option<String>,
    rejected_reason: Option<String>,
    drift: Option<DriftRow>,
}

#[derive(Serialize)]
struct DriftRow {
    place: String,
    repository: String,
    approved: String,
    message: String,
}

impl From<Drift> for DriftRow {
    fn from(drift: Drift) -> Self {
        DriftRow {
            message: drift.describe(),
            place: drift.place,
            repository: drift.repository,
            approved: drift.approved,
        }
    }
}

#[derive(Serialize)]
struct LockSummary<'a> {
    file: &'a str,
    waba_id: &'a str,
    graph_api_version: &'a str,
    fetched_at: &'a str,
}

fn status(args: &StatusArgs, cwd: &Path, catalogue: &Arc<Catalogue>) -> Result<u8, String> {
    let first = args
        .paths
        .first()
        .map(|p| cwd.join(p))
        .unwrap_or(cwd.to_path_buf());
    let start = if first.is_dir() {
        first
    } else {
        first.parent().map_or(cwd.to_path_buf(), Path::to_path_buf)
    };
    let config = config_for(&args.config, &start, cwd, catalogue)?;
    let path = lock_path(args.lock.as_deref(), &config, cwd);
    let shown = discover::shown(&path, cwd);
    let lock = TemplatesLock::read(&path, &shown)?.ok_or_else(|| {
        format!("no templates lock at {shown}; `walint templates pull` writes it")
    })?;
    let discovery =
        discover::discover(&args.paths, &config, cwd).map_err(|refused| refused.to_string())?;
    for warning in &discovery.warnings {
        eprintln!("walint: warning: {warning}");
    }
    let mut rows = Vec::new();
    let mut unreadable = 0;
    for candidate in &discovery.files {
        match repository_templates(&candidate.path, &candidate.shown, &lock) {
            Some(found) => rows.extend(found),
            None => unreadable += 1,
        }
    }
    for locked in &lock.templates {
        let in_repository = rows
            .iter()
            .any(|r| r.name == locked.name && r.language == locked.language);
        if !in_repository {
            rows.push(lock_only_row(locked));
        }
    }
    rows.sort_by(|a, b| {
        (&a.name, &a.language, a.file.is_none(), &a.file, a.line).cmp(&(
            &b.name,
            &b.language,
            b.file.is_none(),
            &b.file,
            b.line,
        ))
    });
    let summary = LockSummary {
        file: &shown,
        waba_id: &lock.waba_id,
        graph_api_version: &lock.graph_api_version,
        fetched_at: &lock.fetched_at,
    };
    let text = match args.format {
        StatusFormat::Json => {
            let mut text = serde_json::to_string_pretty(&serde_json::json!({
                "lock": summary,
                "templates": rows,
            }))
            .unwrap_or_default();
            text.push('\n');
            text
        }
        StatusFormat::Table => status_table(&summary, &rows),
    };
    print!("{text}");
    if unreadable > 0 {
        eprintln!(
            "walint: warning: {unreadable} file{} could not be read or parsed; `walint check` says why",
            if unreadable == 1 { "" } else { "s" }
        );
    }
    Ok(EXIT_CLEAN)
}

/// The templates one file defines, each against the lock; `None` when the file cannot be
/// read or parsed (`check` reports why). Files that are not templates give no rows.
fn repository_templates(path: &Path, shown: &str, lock: &TemplatesLock) -> Option<Vec<StatusRow>> {
    // Regular files only, and no larger than `check` reads: a FIFO or device never blocks.
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_FILE_BYTES {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let text = source::strip_bom(&text);
    if text.trim().is_empty() {
        return Some(Vec::new());
    }
    let format = Format::from_path(shown).unwrap_or(Format::Yaml);
    let tree = source::parse(text, format).ok()?;
    let lines = LineIndex::new(text);
    let contents = model::read(&tree);
    let rows = contents
        .documents
        .iter()
        .filter_map(|document| {
            let Document::Template(template) = document else {
                return None;
            };
            let name = template.name.as_ref()?.value.clone();
            let language = template.language.as_ref()?.value.as_str().to_string();
            let locked = lock.find(&name, &language);
            let drift = locked.and_then(|locked| {
                let components = tree.get(template.node, "components")?;
                drift::first_difference(&tree, components, &locked.components)
            });
            Some(StatusRow {
                line: Some(lines.position(text, tree.span(template.node).start).line),
                file: Some(shown.to_string()),
                repository_status: template.status.as_ref().map(|s| s.value.name().to_string()),
                meta_status: locked.map(|l| l.status.clone()),
                quality: locked.and_then(|l| l.quality.clone()),
                rejected_reason: locked.and_then(|l| l.rejected_reason.clone()),
                drift: drift.map(DriftRow::from),
                name,
                language,
            })
        })
        .collect();
    Some(rows)
}

fn lock_only_row(locked: &LockedTemplate) -> StatusRow {
    StatusRow {
        name: locked.name.clone(),
        language: locked.language.clone(),
        file: None,
        line: None,
        repository_status: None,
        meta_status: Some(locked.status.clone()),
        quality: locked.quality.clone(),
        rejected_reason: locked.rejected_reason.clone(),
        drift: None,
    }
}

/// The status table, in Markdown so it reads in a terminal and pastes into a pull request.
fn status_table(lock: &LockSummary, rows: &[StatusRow]) -> String {
    let mut text = format!(
        "Templates lock {}: WhatsApp Business Account {}, Graph API {}, fetched {}\n\n",
        lock.file, lock.waba_id, lock.graph_api_version, lock.fetched_at
    );
    text.push_str("| name | language | repository file | Meta status | quality | drift |\n");
    text.push_str("| --- | --- | --- | --- | --- | --- |\n");
    let cell = |s: &str| s.replace('|', "\\|");
    for row in rows {
        let file = match (&row.file, row.line) {
            (Some(file), Some(line)) => format!("{file}:{line}"),
            (Some(file), None) => file.clone(),
            (None, _) => "– (only at Meta)".to_string(),
        };
        let mut status = match &row.meta_status {
            Some(status) => status.clone(),
            None => "not in the lock (never submitted, or deleted)".to_string(),
        };
        if let Some(reason) = &row.rejected_reason {
            status.push_str(&format!(" ({reason})"));
        }
        match (&row.repository_status, &row.meta_status) {
            (Some(ours), Some(theirs)) if !ours.eq_ignore_ascii_case(theirs) => {
                status.push_str(&format!("; the repository says {ours}"));
            }
            _ => {}
        }
        let drift = row.drift.as_ref().map_or("–", |d| d.place.as_str());
        text.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            cell(&row.name),
            cell(&row.language),
            cell(&file),
            cell(&status),
            cell(row.quality.as_deref().unwrap_or("–")),
            cell(drift)
        ));
    }
    let in_repository = rows.iter().filter(|r| r.file.is_some()).count();
    let missing = rows
        .iter()
        .filter(|r| r.file.is_some() && r.meta_status.is_none())
        .count();
    let drifted = rows.iter().filter(|r| r.drift.is_some()).count();
    let only_meta = rows.len() - in_repository;
    text.push_str(&format!(
        "\n{in_repository} in the repository ({missing} not in the lock, {drifted} drifted from what Meta approved); {only_meta} only at Meta.\n"
    ));
    text
}
