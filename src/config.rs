//! walint.yaml: discovery, parsing with exact error positions, and per-path rule settings.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::catalogue::{Catalogue, IntegerOption, NumberOption, RuleDoc, RuleId};
use crate::date::{self, Date};
use crate::diagnostic::Severity;
use crate::formats::handoff::{self, Handoffs};
use crate::model::flow::{Dialect, Duration};
use crate::model::reader::Keyword;
use crate::model::webhook::{Environment, GraphVersion};
use crate::source::MAX_FILE_BYTES;
use crate::source::{parse, Format, LineIndex, NodeId, Span, Tree, Value};
use crate::suggest::did_you_mean;
use crate::templates_lock::{TemplatesLock, DEFAULT_FILE as DEFAULT_LOCK_FILE};

pub const FILE_NAMES: [&str; 2] = ["walint.yaml", ".walint.yaml"];

pub(crate) const TOP_KEYS: &[&str] = &[
    "include",
    "exclude",
    "fail_on",
    "brand",
    "environment",
    "rules",
    "overrides",
    "meta",
    "templates_lock",
    "templates_lock_max_age",
    "custom_rules",
    "report",
    "handoffs",
];
pub(crate) const META_KEYS: &[&str] = &["waba_id", "graph_api_version"];
pub(crate) const REPORT_KEYS: &[&str] = &["organisation", "prepared_by", "reviewer"];
pub(crate) const OVERRIDE_KEYS: &[&str] = &["files", "pointer", "rules", "reason"];
/// The keys of a rule's mapping under `rules:` besides its options.
pub(crate) const RULE_SETTING_KEYS: &[&str] = &["off", "severity"];

/// The lowest severity that fails a run; `Never` never does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    At(Severity),
    Never,
}

impl FailOn {
    /// The values `fail_on` (and `--fail-on`) take, in the order messages list them.
    pub const NAMES: &'static [&'static str] = &["error", "warning", "info", "never"];

    pub fn parse(text: &str) -> Option<FailOn> {
        match text.to_ascii_lowercase().as_str() {
            "never" => Some(FailOn::Never),
            other => Severity::parse(other).map(FailOn::At),
        }
    }

    pub fn fails(self, severity: Severity) -> bool {
        match self {
            FailOn::At(threshold) => severity >= threshold,
            FailOn::Never => false,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RuleSetting {
    pub off: bool,
    pub severity: Option<Severity>,
    /// Option values by name, each checked against the option's type and range when read.
    pub options: BTreeMap<String, f64>,
}

/// `overrides:` — rule settings for some files, optionally below one JSON pointer. A rule
/// turned `off` here is a suppression: its findings stay in the audit reports with `reason`.
#[derive(Clone, Debug)]
pub struct Override {
    pub files: GlobSet,
    /// The `files` patterns as written, for messages.
    pub patterns: Vec<String>,
    pub pointer: Option<String>,
    pub rules: BTreeMap<RuleId, RuleSetting>,
    pub reason: Option<String>,
    /// Where the override item starts in the config text.
    pub span: Span,
    /// Where each rule code is written under the override's `rules:`.
    pub rule_spans: BTreeMap<RuleId, Span>,
}

impl Override {
    /// Applies to a finding in `relative` (path from the config's folder) at `pointer`.
    pub fn applies(&self, relative: &str, pointer: &str) -> bool {
        self.files.is_match(relative)
            && self.pointer.as_deref().is_none_or(|p| {
                let p = p.trim_end_matches('/');
                p.is_empty() || pointer == p || pointer.starts_with(&format!("{p}/"))
            })
    }

    /// Turns `rule` off (a suppression, when the override gives a reason).
    pub fn turns_off(&self, rule: RuleId) -> bool {
        self.rules.get(&rule).is_some_and(|r| r.off)
    }
}

#[derive(Clone, Debug, Default)]
pub struct Config {
    /// The file it was read from, if any.
    pub path: Option<PathBuf>,
    /// The config's text, for reports that point into it (WA005) and its hash.
    pub text: String,
    /// The config's path as reports show it (relative to the working directory).
    pub shown: String,
    /// Globs are matched against paths relative to this folder.
    pub root: PathBuf,
    pub include: Vec<String>,
    /// Where each `include` pattern is written: (line, column), for "matched no file".
    pub include_at: Vec<(usize, usize)>,
    pub exclude: Vec<String>,
    pub fail_on: Option<FailOn>,
    pub brand: Option<String>,
    pub environment: Option<Environment>,
    pub rules: BTreeMap<RuleId, RuleSetting>,
    pub overrides: Vec<Override>,
    /// The day date-dependent rules check against; `None` is the run's date
    /// ([`crate::date::today`]). Tests pin it so documented examples never expire.
    pub today: Option<Date>,
    /// `meta:`: the WhatsApp Business Account `walint templates pull` reads.
    pub meta: MetaSettings,
    /// `report:`: who the audit reports are for and who signs them off.
    pub report: Attestation,
    /// `templates_lock:` as written, relative to the config's folder.
    pub templates_lock: Option<String>,
    /// `templates_lock_max_age:`; `None` is the default, [`DEFAULT_LOCK_MAX_AGE_DAYS`].
    pub templates_lock_max_age: Option<Duration>,
    /// The templates lock of the run (`walint templates pull`), when there is one: Meta's
    /// status of each template, which WA101, WA117 and WA118 read. Read by
    /// [`crate::discover::load_lock`], not by [`Config::load`].
    pub lock: Option<Arc<TemplatesLock>>,
    /// `custom_rules:`: where the team's own rules are, in order. Loaded into the run's
    /// catalogue before the rest of the config is read ([`custom_rule_sources`]).
    pub custom_rules: Vec<RuleSource>,
    /// Where each top-level key is written: (line, column), for messages about a setting.
    pub keys_at: BTreeMap<String, (usize, usize)>,
    /// `handoffs:`: what else counts as a handoff to a person, per chatbot format.
    pub handoffs: Handoffs,
}

/// One entry of `custom_rules:`, relative to the config's folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleSource {
    pub kind: RuleSourceKind,
    /// The glob or path as written.
    pub path: String,
    /// Where the entry is written in the config.
    pub span: Span,
    /// `prefix:` of a Spectral ruleset: its rules' codes are `PREFIX/NAME`
    /// ([`DEFAULT_SPECTRAL_PREFIX`] without one).
    pub prefix: Option<String>,
}

/// The keys of a `custom_rules` entry that names a Spectral ruleset.
const SPECTRAL_ENTRY_KEYS: &[&str] = &["spectral", "prefix"];

/// The prefix of a Spectral rule's code unless the config names one (`prefix:`).
pub const DEFAULT_SPECTRAL_PREFIX: &str = "SPECTRAL";

/// Whether `prefix` may prefix Spectral rules' codes: upper-case letters and digits, a
/// letter first, not walint's `WA`.
pub fn spectral_prefix_problem(prefix: &str) -> Option<String> {
    let well_formed = prefix
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_uppercase())
        && prefix
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if !well_formed {
        return Some(format!(
            "prefix `{prefix}` must be upper-case letters and digits, such as ACME"
        ));
    }
    if prefix.starts_with("WA") {
        return Some(format!(
            "prefix `{prefix}` is in walint's namespace (WA): use your team's, such as ACME"
        ));
    }
    None
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleSourceKind {
    /// `".walint/rules/*.yaml"`: rule files, one rule each.
    Files,
    /// `{spectral: .spectral.yaml}`: a Spectral ruleset's `rules:`.
    Spectral,
}

/// How old a templates lock may grow before `check` says so, unless configured.
pub const DEFAULT_LOCK_MAX_AGE_DAYS: u64 = 7;

/// `meta: {waba_id, graph_api_version}`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MetaSettings {
    /// Digits only.
    pub waba_id: Option<String>,
    /// Normalised (`v23.0`).
    pub graph_api_version: Option<String>,
}

/// `report: {organisation, prepared_by, reviewer}`: the sign-off block of the audit reports.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Attestation {
    pub organisation: Option<String>,
    pub prepared_by: Option<String>,
    pub reviewer: Option<String>,
}

/// A config file that cannot be used: exit 2 with the file, line and a suggestion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.path, self.message)
        } else {
            write!(
                f,
                "{}:{}:{}: {}",
                self.path, self.line, self.column, self.message
            )
        }
    }
}

/// The `custom_rules:` of a config's text, read before the rest: the rules they define must be
/// in the catalogue the config's `rules:` and `overrides:` name rules from.
pub fn custom_rule_sources(
    text: &str,
    shown: &str,
    catalogue: &Catalogue,
) -> Result<Vec<RuleSource>, ConfigError> {
    let text = crate::source::strip_bom(text);
    let lines = LineIndex::new(text);
    let error = |span: Span, message: String| {
        let at = lines.position(text, span.start);
        ConfigError {
            path: shown.to_string(),
            line: at.line,
            column: at.column,
            message,
        }
    };
    let tree = parse(text, Format::Yaml).map_err(|e| error(e.span, e.message))?;
    let Some(node) = tree
        .documents
        .first()
        .and_then(|&root| tree.get(root, "custom_rules"))
    else {
        return Ok(Vec::new());
    };
    let read = ConfigReader {
        tree: &tree,
        error: &error,
        catalogue,
    };
    read.custom_rules(node)
}

/// The first walint.yaml or .walint.yaml in `start` or one of its parents.
pub fn discover(start: &Path) -> Option<PathBuf> {
    start.ancestors().find_map(|folder| {
        FILE_NAMES
            .iter()
            .map(|name| folder.join(name))
            // Whatever is there by that name, so one that cannot be read (a broken link,
            // a FIFO) is an error that says why, not a silent fall-back to the defaults.
            .find(|candidate| candidate.symlink_metadata().is_ok())
    })
}

impl Config {
    pub fn load(path: &Path, catalogue: &Catalogue) -> Result<Config, ConfigError> {
        let text = Config::read(path)?;
        Config::from_text(path, text, catalogue)
    }

    /// The text of the config file at `path`, within the size limit and UTF-8.
    pub fn read(path: &Path) -> Result<String, ConfigError> {
        let shown = path.to_string_lossy().replace('\\', "/");
        let failed = |message: String| ConfigError {
            path: shown.clone(),
            line: 0,
            column: 0,
            message,
        };
        let (bytes, size) = crate::read::read_capped(path, MAX_FILE_BYTES)
            .map_err(|e| failed(format!("cannot read config: {e}")))?;
        if size > MAX_FILE_BYTES {
            return Err(failed(format!(
                "config is larger than {} MiB",
                MAX_FILE_BYTES / 1_048_576
            )));
        }
        String::from_utf8(bytes).map_err(|e| {
            failed(format!(
                "config is not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ))
        })
    }

    /// The config read from `path` (whose `text` is given), its rules named from `catalogue`.
    pub fn from_text(
        path: &Path,
        text: String,
        catalogue: &Catalogue,
    ) -> Result<Config, ConfigError> {
        let shown = path.to_string_lossy().replace('\\', "/");
        let root = Config::folder_of(path);
        let mut config = Config::parse(&text, &shown, catalogue)?;
        config.path = Some(path.to_path_buf());
        config.shown = shown;
        config.text = text;
        config.root = root;
        Ok(config)
    }

    /// The folder a config file's globs and paths are relative to.
    pub fn folder_of(path: &Path) -> PathBuf {
        path.parent()
            .map(Path::to_path_buf)
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| PathBuf::from("."))
    }

    pub fn parse(text: &str, shown: &str, catalogue: &Catalogue) -> Result<Config, ConfigError> {
        let text = crate::source::strip_bom(text);
        let lines = LineIndex::new(text);
        let error = |span: Span, message: String| {
            let at = lines.position(text, span.start);
            ConfigError {
                path: shown.to_string(),
                line: at.line,
                column: at.column,
                message,
            }
        };
        let tree = parse(text, Format::Yaml).map_err(|e| error(e.span, e.message))?;
        let mut config = Config {
            root: PathBuf::from("."),
            ..Config::default()
        };
        let Some(&root) = tree.documents.first() else {
            return Ok(config);
        };
        if matches!(tree.value(root), Value::Null) {
            return Ok(config);
        }
        let read = ConfigReader {
            tree: &tree,
            error: &error,
            catalogue,
        };
        let top = read.map(root, "the config")?;
        if let Some(dup) = tree.duplicate_keys.first() {
            return Err(error(dup.second, format!("`{}` is set twice", dup.key)));
        }
        for entry in top {
            let node = entry.value;
            let at = lines.position(text, entry.key_span.start);
            config
                .keys_at
                .insert(entry.key.clone(), (at.line, at.column));
            match entry.key.as_str() {
                "include" => {
                    config.include = read.globs(node, "include")?;
                    let items = match tree.value(node) {
                        Value::Seq(items) => items.clone(),
                        _ => vec![node],
                    };
                    config.include_at = items
                        .into_iter()
                        .map(|item| {
                            let at = lines.position(text, tree.span(item).start);
                            (at.line, at.column)
                        })
                        .collect();
                }
                "exclude" => config.exclude = read.globs(node, "exclude")?,
                "fail_on" => {
                    let value = read.string(node, "fail_on")?;
                    config.fail_on = Some(FailOn::parse(&value).ok_or_else(|| {
                        let options = FailOn::NAMES.iter().copied();
                        error(
                            tree.span(node),
                            format!(
                                "`fail_on` must be error, warning, info or never, not `{value}`{}",
                                did_you_mean(&value, options)
                            ),
                        )
                    })?);
                }
                "brand" => config.brand = Some(read.string(node, "brand")?),
                "environment" => {
                    let value = read.string(node, "environment")?;
                    config.environment = Some(Environment::parse(&value).ok_or_else(|| {
                        let options = Environment::ALL.iter().map(|(n, _)| *n);
                        error(
                            tree.span(node),
                            format!(
                                "`environment` must be production, staging or development, not `{value}`{}",
                                did_you_mean(&value, options)
                            ),
                        )
                    })?);
                }
                "rules" => config.rules = read.rules(node)?,
                "overrides" => config.overrides = read.overrides(node)?,
                "meta" => config.meta = read.meta(node)?,
                "custom_rules" => config.custom_rules = read.custom_rules(node)?,
                "report" => config.report = read.attestation(node)?,
                "handoffs" => config.handoffs = read.handoffs(node)?,
                "templates_lock" => {
                    let value = read.string(node, "templates_lock")?;
                    if value.trim().is_empty() {
                        return Err(error(
                            tree.span(node),
                            "`templates_lock` must name a file".into(),
                        ));
                    }
                    config.templates_lock = Some(value);
                }
                "templates_lock_max_age" => {
                    let value = read.string(node, "templates_lock_max_age")?;
                    let age = Duration::parse(&value)
                        .and_then(|d| {
                            if d.seconds == 0 {
                                Err("is zero".to_string())
                            } else {
                                Ok(d)
                            }
                        })
                        .map_err(|why| {
                            error(
                                tree.span(node),
                                format!("`templates_lock_max_age: {value}` {why}; write a duration such as 7d or 36h"),
                            )
                        })?;
                    config.templates_lock_max_age = Some(age);
                }
                other => {
                    return Err(error(
                        entry.key_span,
                        format!(
                            "unknown key `{other}`{}",
                            did_you_mean(other, TOP_KEYS.iter().copied())
                        ),
                    ))
                }
            }
        }
        Ok(config)
    }

    /// The severity configured for one finding: the last matching override that sets one
    /// wins over `rules:`. `relative` is the file's path relative to the config's folder.
    pub fn severity_for(&self, rule: RuleId, relative: &str, pointer: &str) -> Option<Severity> {
        self.overrides
            .iter()
            .rev()
            .filter(|o| o.applies(relative, pointer))
            .find_map(|o| o.rules.get(&rule).and_then(|r| r.severity))
            .or_else(|| self.rules.get(&rule).and_then(|r| r.severity))
    }

    /// The same settings with every rule named by the id `map` gives it: the ids of the
    /// run's catalogue, for a config read with a catalogue of its own (custom rules).
    pub fn remap_rules(&mut self, map: impl Fn(RuleId) -> RuleId) {
        let remap = |rules: &mut BTreeMap<RuleId, RuleSetting>| {
            *rules = std::mem::take(rules)
                .into_iter()
                .map(|(id, setting)| (map(id), setting))
                .collect();
        };
        remap(&mut self.rules);
        for rule in &mut self.overrides {
            remap(&mut rule.rules);
            rule.rule_spans = std::mem::take(&mut rule.rule_spans)
                .into_iter()
                .map(|(id, span)| (map(id), span))
                .collect();
        }
    }

    /// Whether `rules:` turns a rule off.
    pub fn turns_off(&self, rule: RuleId) -> bool {
        self.rules.get(&rule).is_some_and(|r| r.off)
    }

    /// The override that suppresses one finding: the last matching one that turns `rule`
    /// off and gives a reason (an override without a reason suppresses nothing; WA005).
    pub fn suppression_for(&self, rule: RuleId, relative: &str, pointer: &str) -> Option<usize> {
        self.overrides
            .iter()
            .enumerate()
            .rev()
            .find(|(_, o)| o.reason.is_some() && o.turns_off(rule) && o.applies(relative, pointer))
            .map(|(index, _)| index)
    }

    /// An absolute `path` relative to the config's folder, as globs see it.
    pub fn relative(&self, path: &Path) -> String {
        let relative = path.strip_prefix(&self.root).unwrap_or(path);
        let shown = relative.to_string_lossy().replace('\\', "/");
        shown
            .strip_prefix("./")
            .map(str::to_string)
            .unwrap_or(shown)
    }

    /// Where the templates lock is: `templates_lock:`, else [`DEFAULT_LOCK_FILE`] beside
    /// the config (in the working folder without one).
    pub fn templates_lock_path(&self) -> PathBuf {
        self.root
            .join(self.templates_lock.as_deref().unwrap_or(DEFAULT_LOCK_FILE))
    }

    /// `templates_lock_max_age` in seconds.
    pub fn templates_lock_max_age_seconds(&self) -> u64 {
        self.templates_lock_max_age
            .as_ref()
            .map_or(DEFAULT_LOCK_MAX_AGE_DAYS * Duration::DAY, |d| d.seconds)
    }

    pub fn today(&self) -> Date {
        self.today.unwrap_or_else(date::today)
    }

    /// The value the config gives a rule option, if any (valid: checked when read).
    fn option_value(&self, rule: RuleId, name: &str) -> Option<f64> {
        self.rules
            .get(&rule)
            .and_then(|r| r.options.get(name))
            .copied()
    }

    /// A count option of a rule (`options::WA201_MAX_OPTIONS`): the config's value or the
    /// option's default. The clamp only guards a value set in code, not read from a file.
    pub fn integer(&self, option: IntegerOption) -> u32 {
        self.option_value(option.rule, option.name)
            .map_or(option.default, |n| {
                n.clamp(f64::from(option.min), f64::from(option.max)) as u32
            })
    }

    /// A number option of a rule (`options::WA502_MAX_PER_WEEK`): the config's value or the
    /// option's default.
    pub fn number(&self, option: NumberOption) -> f64 {
        self.option_value(option.rule, option.name)
            .map_or(option.default, |n| n.clamp(option.min, option.max))
    }
}

struct ConfigReader<'a, E: Fn(Span, String) -> ConfigError> {
    tree: &'a Tree,
    error: &'a E,
    catalogue: &'a Catalogue,
}

impl<'a, E: Fn(Span, String) -> ConfigError> ConfigReader<'a, E> {
    fn map(&self, node: NodeId, what: &str) -> Result<&'a [crate::source::Entry], ConfigError> {
        match self.tree.value(node) {
            Value::Map(entries) => Ok(entries),
            _ => Err((self.error)(
                self.tree.span(node),
                format!("{what} must be a mapping"),
            )),
        }
    }

    fn string(&self, node: NodeId, key: &str) -> Result<String, ConfigError> {
        match self.tree.value(node) {
            Value::String(s) => Ok(s.clone()),
            Value::Number(n) => Ok(n.clone()),
            _ => Err((self.error)(
                self.tree.span(node),
                format!("`{key}` must be a string"),
            )),
        }
    }

    /// An override's `pointer`: an RFC 6901 JSON pointer (`/components/0/text`, or empty for
    /// the whole file), as every report writes them.
    fn pointer(&self, node: NodeId) -> Result<String, ConfigError> {
        let span = self.tree.span(node);
        let problem = match self.tree.value(node) {
            Value::String(p) => match json_pointer_problem(p) {
                None => return Ok(p.clone()),
                Some(why) => format!("`pointer: {p}` is not a JSON pointer: {why}"),
            },
            other => format!(
                "`pointer` must be a JSON pointer such as /components/0/text, not {}",
                crate::model::reader::kind_of(other)
            ),
        };
        Err((self.error)(span, problem))
    }

    fn meta(&self, node: NodeId) -> Result<MetaSettings, ConfigError> {
        let mut meta = MetaSettings::default();
        for entry in self.map(node, "`meta`")? {
            let span = self.tree.span(entry.value);
            match entry.key.as_str() {
                "waba_id" => {
                    let value = self.string(entry.value, "meta.waba_id")?;
                    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
                        return Err((self.error)(
                            span,
                            format!("`meta.waba_id` must be the WhatsApp Business Account's id, a number, not `{value}`"),
                        ));
                    }
                    meta.waba_id = Some(value);
                }
                "graph_api_version" => {
                    let value = self.string(entry.value, "meta.graph_api_version")?;
                    let version = GraphVersion::parse(&value).ok_or_else(|| {
                        (self.error)(
                            span,
                            format!("`meta.graph_api_version` must look like v23.0, not `{value}`"),
                        )
                    })?;
                    meta.graph_api_version = Some(version.to_string());
                }
                other => {
                    return Err((self.error)(
                        entry.key_span,
                        format!(
                            "unknown key `meta.{other}`{}",
                            did_you_mean(other, META_KEYS.iter().copied())
                        ),
                    ))
                }
            }
        }
        Ok(meta)
    }

    fn custom_rules(&self, node: NodeId) -> Result<Vec<RuleSource>, ConfigError> {
        let items: Vec<NodeId> = match self.tree.value(node) {
            Value::Seq(items) => items.clone(),
            Value::String(_) | Value::Map(_) => vec![node],
            _ => return Err((self.error)(
                self.tree.span(node),
                "`custom_rules` must be a list of rule file globs and `{spectral: FILE}` entries"
                    .into(),
            )),
        };
        items
            .into_iter()
            .map(|item| match self.tree.value(item) {
                Value::String(pattern) => {
                    Glob::new(pattern).map_err(|e| {
                        (self.error)(self.tree.span(item), format!("bad glob `{pattern}`: {e}"))
                    })?;
                    Ok(RuleSource {
                        kind: RuleSourceKind::Files,
                        path: pattern.clone(),
                        span: self.tree.span(item),
                        prefix: None,
                    })
                }
                Value::Map(entries) => {
                    if let Some(entry) = entries
                        .iter()
                        .find(|e| !SPECTRAL_ENTRY_KEYS.contains(&e.key.as_str()))
                    {
                        return Err((self.error)(
                            entry.key_span,
                            format!(
                                "unknown key `custom_rules.{}`{}",
                                entry.key,
                                did_you_mean(&entry.key, SPECTRAL_ENTRY_KEYS.iter().copied())
                            ),
                        ));
                    }
                    let Some(file) = entries.iter().find(|e| e.key == "spectral") else {
                        return Err((self.error)(
                            self.tree.span(item),
                            "a `custom_rules` entry that is a mapping is `{spectral: FILE}`, with an optional `prefix`".into(),
                        ));
                    };
                    let prefix = match entries.iter().find(|e| e.key == "prefix") {
                        None => None,
                        Some(entry) => {
                            let prefix = self.string(entry.value, "prefix")?;
                            if let Some(problem) = spectral_prefix_problem(&prefix) {
                                return Err((self.error)(self.tree.span(entry.value), problem));
                            }
                            Some(prefix)
                        }
                    };
                    Ok(RuleSource {
                        kind: RuleSourceKind::Spectral,
                        path: self.string(file.value, "spectral")?,
                        span: self.tree.span(file.value),
                        prefix,
                    })
                }
                other => Err((self.error)(
                    self.tree.span(item),
                    format!(
                        "a `custom_rules` entry is a glob of rule files or `{{spectral: FILE}}`, not {}",
                        crate::model::reader::kind_of(other)
                    ),
                )),
            })
            .collect()
    }

    fn attestation(&self, node: NodeId) -> Result<Attestation, ConfigError> {
        let mut report = Attestation::default();
        for entry in self.map(node, "`report`")? {
            let field = match entry.key.as_str() {
                "organisation" => &mut report.organisation,
                "prepared_by" => &mut report.prepared_by,
                "reviewer" => &mut report.reviewer,
                other => {
                    return Err((self.error)(
                        entry.key_span,
                        format!(
                            "unknown key `report.{other}`{}",
                            did_you_mean(other, REPORT_KEYS.iter().copied())
                        ),
                    ))
                }
            };
            let key = format!("report.{}", entry.key);
            let value = match self.tree.value(entry.value) {
                Value::String(s) => s.trim().to_string(),
                other => {
                    return Err((self.error)(
                        self.tree.span(entry.value),
                        format!(
                            "`{key}` must be a name, a string, not {}",
                            crate::model::reader::kind_of(other)
                        ),
                    ))
                }
            };
            if value.is_empty() {
                return Err((self.error)(
                    self.tree.span(entry.value),
                    format!(
                        "`{key}` is empty: name a person or an organisation, or leave the key out"
                    ),
                ));
            }
            *field = Some(value);
        }
        Ok(report)
    }

    fn globs(&self, node: NodeId, key: &str) -> Result<Vec<String>, ConfigError> {
        let items: Vec<NodeId> = match self.tree.value(node) {
            Value::Seq(items) => items.clone(),
            Value::String(_) => vec![node],
            _ => {
                return Err((self.error)(
                    self.tree.span(node),
                    format!("`{key}` must be a list of glob patterns"),
                ))
            }
        };
        items
            .into_iter()
            .map(|item| {
                let pattern = self.string(item, key)?;
                Glob::new(&pattern).map_err(|e| {
                    (self.error)(self.tree.span(item), format!("bad glob `{pattern}`: {e}"))
                })?;
                Ok(pattern)
            })
            .collect()
    }

    /// `handoffs: {FORMAT: {types: [...], webhooks: [URL globs], names: [...]}}`.
    fn handoffs(&self, node: NodeId) -> Result<Handoffs, ConfigError> {
        let mut handoffs = Handoffs::default();
        let formats = || handoff::FORMATS.iter().map(|d| d.key());
        for entry in self.map(node, "`handoffs`")? {
            let Some(&dialect) = handoff::FORMATS.iter().find(|d| d.key() == entry.key) else {
                let why = if entry.key == "walint" {
                    ": walint's own flows mark a handoff with `type: handoff`".to_string()
                } else {
                    did_you_mean(&entry.key, formats())
                };
                return Err((self.error)(
                    entry.key_span,
                    format!(
                        "unknown format `handoffs.{}`{why} (the formats are {})",
                        entry.key,
                        formats().collect::<Vec<_>>().join(", ")
                    ),
                ));
            };
            let what = format!("handoffs.{}", entry.key);
            let (mut types, mut webhooks, mut names) = (Vec::new(), Vec::new(), Vec::new());
            for field in self.map(entry.value, &format!("`{what}`"))? {
                let key = format!("{what}.{}", field.key);
                let list = match field.key.as_str() {
                    "types" => &mut types,
                    "webhooks" => &mut webhooks,
                    "names" if dialect == Dialect::RapidPro => {
                        return Err((self.error)(
                            field.key_span,
                            format!("`{key}`: RapidPro nodes have no names; name the handoff by `types` or `webhooks`"),
                        ))
                    }
                    "names" => &mut names,
                    other => {
                        return Err((self.error)(
                            field.key_span,
                            format!(
                                "unknown key `{what}.{other}`{}",
                                did_you_mean(other, handoff::KEYS.iter().copied())
                            ),
                        ))
                    }
                };
                let items: Vec<NodeId> = match self.tree.value(field.value) {
                    Value::Seq(items) => items.clone(),
                    Value::String(_) => vec![field.value],
                    _ => {
                        return Err((self.error)(
                            self.tree.span(field.value),
                            format!("`{key}` must be a list of texts"),
                        ))
                    }
                };
                for item in items {
                    let text = self.string(item, &key)?;
                    if field.key == "webhooks" {
                        handoff::Handoff::new(Vec::new(), std::slice::from_ref(&text), Vec::new())
                            .map_err(|e| {
                                (self.error)(self.tree.span(item), format!("`{key}`: {e}"))
                            })?;
                    }
                    list.push(text);
                }
            }
            let entry = handoff::Handoff::new(types, &webhooks, names)
                .map_err(|e| (self.error)(self.tree.span(entry.value), format!("`{what}`: {e}")))?;
            handoffs.set(dialect, entry);
        }
        Ok(handoffs)
    }

    fn rules(&self, node: NodeId) -> Result<BTreeMap<RuleId, RuleSetting>, ConfigError> {
        Ok(self
            .rules_with_spans(node)?
            .into_iter()
            .map(|(code, (setting, _))| (code, setting))
            .collect())
    }

    /// The rule settings of a `rules:` mapping, each with the span of its code.
    fn rules_with_spans(
        &self,
        node: NodeId,
    ) -> Result<BTreeMap<RuleId, (RuleSetting, Span)>, ConfigError> {
        let mut rules = BTreeMap::new();
        for entry in self.map(node, "`rules`")? {
            let Some(doc) = self.catalogue.find(&entry.key) else {
                let names = self
                    .catalogue
                    .rules()
                    .iter()
                    .flat_map(|r| [&*r.code, &*r.name]);
                return Err((self.error)(
                    entry.key_span,
                    format!(
                        "unknown rule `{}`{}",
                        entry.key,
                        did_you_mean(&entry.key, names)
                    ),
                ));
            };
            let setting = self.rule_setting(entry.value, doc)?;
            rules.insert(doc.id, (setting, entry.key_span));
        }
        Ok(rules)
    }

    fn rule_setting(&self, node: NodeId, doc: &RuleDoc) -> Result<RuleSetting, ConfigError> {
        let span = self.tree.span(node);
        let mut setting = RuleSetting::default();
        match self.tree.value(node) {
            Value::String(s) if s.eq_ignore_ascii_case("off") => setting.off = true,
            Value::Bool(false) => setting.off = true,
            Value::Bool(true) => {}
            Value::String(s) => {
                setting.severity = Some(Severity::parse(s).ok_or_else(|| {
                    (self.error)(
                        span,
                        format!(
                            "`{}` must be off, error, warning, info or a mapping, not `{s}`",
                            doc.code
                        ),
                    )
                })?)
            }
            Value::Map(entries) => {
                for entry in entries {
                    let value = self.tree.value(entry.value);
                    let value_span = self.tree.span(entry.value);
                    match (entry.key.as_str(), value) {
                        ("off", Value::Bool(b)) => setting.off = *b,
                        ("severity", Value::String(s)) => {
                            setting.severity = Some(Severity::parse(s).ok_or_else(|| {
                                (self.error)(
                                    value_span,
                                    format!(
                                        "severity must be error, warning or info, not `{s}`{}",
                                        did_you_mean(s, ["error", "warning", "info"])
                                    ),
                                )
                            })?)
                        }
                        ("off" | "severity", _) => {
                            return Err((self.error)(
                                value_span,
                                format!("bad value for `{}` of {}", entry.key, doc.code),
                            ))
                        }
                        (option, value) => {
                            let Some(option_doc) = doc.options.iter().find(|o| o.name == option)
                            else {
                                let known = RULE_SETTING_KEYS
                                    .iter()
                                    .copied()
                                    .chain(doc.options.iter().map(|o| o.name.as_str()));
                                return Err((self.error)(
                                    entry.key_span,
                                    format!(
                                        "{} has no option `{option}`{}",
                                        doc.code,
                                        did_you_mean(option, known)
                                    ),
                                ));
                            };
                            let checked = match value {
                                Value::Number(n) => option_doc.check(n),
                                Value::String(s) => Err(format!(
                                    "must be {}, not the string `{s}`",
                                    option_doc.expected()
                                )),
                                other => Err(format!(
                                    "must be {}, not {}",
                                    option_doc.expected(),
                                    crate::model::reader::kind_of(other)
                                )),
                            };
                            let value = checked.map_err(|why| {
                                (self.error)(value_span, format!("`{}.{option}` {why}", doc.code))
                            })?;
                            setting.options.insert(option.to_string(), value);
                        }
                    }
                }
            }
            _ => {
                return Err((self.error)(
                    span,
                    format!("`{}` must be off, a severity or a mapping", doc.code),
                ))
            }
        }
        Ok(setting)
    }

    fn overrides(&self, node: NodeId) -> Result<Vec<Override>, ConfigError> {
        let Value::Seq(items) = self.tree.value(node) else {
            return Err((self.error)(
                self.tree.span(node),
                "`overrides` must be a list".into(),
            ));
        };
        items
            .iter()
            .map(|&item| {
                let mut files = GlobSetBuilder::new();
                let mut has_files = false;
                let mut result = Override {
                    files: GlobSet::empty(),
                    patterns: Vec::new(),
                    pointer: None,
                    rules: BTreeMap::new(),
                    reason: None,
                    span: self.tree.span(item),
                    rule_spans: BTreeMap::new(),
                };
                for entry in self.map(item, "an override")? {
                    match entry.key.as_str() {
                        "files" => {
                            for pattern in self.globs(entry.value, "files")? {
                                if let Ok(glob) = Glob::new(&pattern) {
                                    files.add(glob);
                                    has_files = true;
                                    result.patterns.push(pattern);
                                }
                            }
                        }
                        "pointer" => result.pointer = Some(self.pointer(entry.value)?),
                        "rules" => {
                            for (rule, (setting, span)) in self.rules_with_spans(entry.value)? {
                                result.rule_spans.insert(rule, span);
                                result.rules.insert(rule, setting);
                            }
                        }
                        "reason" => {
                            let reason = self.string(entry.value, "reason")?;
                            result.reason = Some(reason).filter(|r| !r.trim().is_empty());
                        }
                        other => {
                            return Err((self.error)(
                                entry.key_span,
                                format!(
                                    "unknown override key `{other}`{}",
                                    did_you_mean(other, OVERRIDE_KEYS.iter().copied())
                                ),
                            ))
                        }
                    }
                }
                if !has_files {
                    return Err((self.error)(
                        self.tree.span(item),
                        "an override needs `files`".into(),
                    ));
                }
                result.files = files
                    .build()
                    .map_err(|e| (self.error)(self.tree.span(item), format!("bad glob: {e}")))?;
                Ok(result)
            })
            .collect()
    }
}

/// Why `pointer` is not an RFC 6901 JSON pointer, if it is not one: it is empty or starts
/// with `/`, and `~` is only ever `~0` (a `~`) or `~1` (a `/`).
fn json_pointer_problem(pointer: &str) -> Option<&'static str> {
    if !pointer.is_empty() && !pointer.starts_with('/') {
        return Some("it must start with `/` (or be empty for the whole file)");
    }
    let mut rest = pointer;
    while let Some(at) = rest.find('~') {
        rest = &rest[at + 1..];
        if !rest.starts_with(['0', '1']) {
            return Some("`~` must be followed by 0 (for `~`) or 1 (for `/`)");
        }
    }
    None
}

/// The commented starter config `walint init` writes.
pub const STARTER: &str = include_str!("starter.yaml");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{builtin, options};

    fn config(text: &str) -> Config {
        Config::parse(text, "walint.yaml", &builtin().unwrap()).unwrap()
    }

    #[test]
    fn an_override_pointer_covers_a_value_and_what_is_under_it() {
        let config = config(
            "overrides:\n  - files: [\"t/*.json\"]\n    pointer: /components/0\n    rules: {WA101: off}\n    reason: kept\n",
        );
        let found =
            |path: &str, pointer: &str| config.suppression_for(RuleId::WA101, path, pointer);
        assert_eq!(found("t/a.json", "/components/0"), Some(0));
        assert_eq!(found("t/a.json", "/components/0/text"), Some(0));
        assert_eq!(found("t/a.json", "/components/01"), None);
        assert_eq!(found("t/a.json", "/components"), None);
        assert_eq!(found("u/a.json", "/components/0"), None);
        assert_eq!(
            config.suppression_for(RuleId::WA201, "t/a.json", "/components/0"),
            None
        );
        let rule = &config.overrides[0];
        assert_eq!(rule.patterns, ["t/*.json"]);
        assert_eq!(rule.rule_spans[&RuleId::WA101], Span::new(74, 79));
    }

    #[test]
    fn an_override_without_reason_suppresses_nothing_but_severities_apply() {
        let config = config(
            "rules:\n  WA201: warning\noverrides:\n  - files: [\"legacy/**\"]\n    rules: {WA201: off, WA101: info}\n",
        );
        assert_eq!(
            config.suppression_for(RuleId::WA201, "legacy/a.yaml", ""),
            None
        );
        assert_eq!(
            config.severity_for(RuleId::WA101, "legacy/a.yaml", ""),
            Some(Severity::Info)
        );
        assert_eq!(
            config.severity_for(RuleId::WA201, "legacy/a.yaml", ""),
            Some(Severity::Warning)
        );
        assert_eq!(config.severity_for(RuleId::WA101, "new/a.yaml", ""), None);
    }

    #[test]
    fn typed_options_read_the_config_or_fall_back_to_the_yaml_default() {
        let none = Config::default();
        assert_eq!(none.integer(options::WA201_MAX_OPTIONS), 5);
        assert_eq!(none.integer(options::WA213_MAX_DEPTH), 3);
        assert_eq!(none.number(options::WA502_MAX_PER_WEEK), 2.0);
        let set = config("rules:\n  WA201: {max_options: 7}\n  WA502: {max_per_week: 0.5}\n");
        assert_eq!(set.integer(options::WA201_MAX_OPTIONS), 7);
        assert_eq!(set.number(options::WA502_MAX_PER_WEEK), 0.5);
    }

    #[test]
    fn an_option_value_outside_its_type_or_range_is_an_error_at_the_value() {
        let error = |text: &str| {
            Config::parse(text, "walint.yaml", &builtin().unwrap())
                .unwrap_err()
                .to_string()
        };
        let cases = [
            ("WA201: {max_options: five}", 24, "`WA201.max_options` must be a whole number from 1 to 10, not the string `five`"),
            ("WA201: {max_options: 5.5}", 24, "`WA201.max_options` must be a whole number from 1 to 10, not `5.5`"),
            ("WA201: {max_options: 99999999999999999999}", 24, "`WA201.max_options` must be a whole number from 1 to 10, not `99999999999999999999`"),
            ("WA201: {max_options: -1}", 24, "`WA201.max_options` must be a whole number from 1 to 10, not `-1`"),
            ("WA201: {max_options: 0}", 24, "`WA201.max_options` must be a whole number from 1 to 10, not `0`"),
            ("WA201: {max_options: 11}", 24, "`WA201.max_options` must be a whole number from 1 to 10, not `11`"),
            ("WA201: {max_options: true}", 24, "`WA201.max_options` must be a whole number from 1 to 10, not a boolean"),
            ("WA213: {max_depth: 99999999999999999999}", 22, "`WA213.max_depth` must be a whole number of at least 1, not `99999999999999999999`"),
            ("WA213: {max_depth: 2.7}", 22, "`WA213.max_depth` must be a whole number of at least 1, not `2.7`"),
            ("WA106: {words_per_variable: -1}", 31, "`WA106.words_per_variable` must be a number of at least 0, not `-1`"),
            ("WA502: {max_per_week: often}", 25, "`WA502.max_per_week` must be a number of at least 0, not the string `often`"),
            ("WA502: {max_per_week: .nan}", 25, "`WA502.max_per_week` must be a number of at least 0, not `.nan`"),
        ];
        for (rule, column, message) in cases {
            assert_eq!(
                error(&format!("rules:\n  {rule}\n")),
                format!("walint.yaml:2:{column}: {message}"),
                "{rule}"
            );
        }
        let fine = config("rules:\n  WA201: {max_options: 10}\n  WA213: {max_depth: 1000}\n  WA502: {max_per_week: 0.5}\n");
        assert_eq!(fine.integer(options::WA201_MAX_OPTIONS), 10);
        assert_eq!(fine.integer(options::WA213_MAX_DEPTH), 1000);
        assert_eq!(fine.number(options::WA502_MAX_PER_WEEK), 0.5);
    }

    #[test]
    fn an_override_pointer_must_be_a_json_pointer() {
        let error = |pointer: &str| {
            let text = format!("overrides:\n  - files: [\"*.json\"]\n    pointer: {pointer}\n    rules: {{WA101: off}}\n    reason: kept\n");
            Config::parse(&text, "walint.yaml", &builtin().unwrap())
                .err()
                .map(|e| e.to_string())
        };
        assert_eq!(
            error("5").as_deref(),
            Some("walint.yaml:3:14: `pointer` must be a JSON pointer such as /components/0/text, not a number")
        );
        assert_eq!(
            error("components/0").as_deref(),
            Some("walint.yaml:3:14: `pointer: components/0` is not a JSON pointer: it must start with `/` (or be empty for the whole file)")
        );
        assert_eq!(
            error("/a~2b").as_deref(),
            Some("walint.yaml:3:14: `pointer: /a~2b` is not a JSON pointer: `~` must be followed by 0 (for `~`) or 1 (for `/`)")
        );
        assert_eq!(error("/components/0/text"), None);
        assert_eq!(error("/nodes/a~1b~0c"), None);
        assert_eq!(error("''"), None);
    }

    #[test]
    fn the_report_attestation_is_read_and_checked() {
        let catalogue = crate::catalogue::builtin().unwrap();
        let parsed = Config::parse(
            "report:\n  organisation: Northwind Travel\n  prepared_by: \"Ana Silva\"\n  reviewer: J. Okafor\n",
            "walint.yaml",
            &catalogue,
        )
        .unwrap();
        assert_eq!(
            parsed.report.organisation.as_deref(),
            Some("Northwind Travel")
        );
        assert_eq!(parsed.report.prepared_by.as_deref(), Some("Ana Silva"));
        assert_eq!(parsed.report.reviewer.as_deref(), Some("J. Okafor"));
        let error = |text: &str| {
            Config::parse(text, "walint.yaml", &catalogue)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            error("report:\n  reviwer: J. Okafor\n"),
            "walint.yaml:2:3: unknown key `report.reviwer`; did you mean `reviewer`?"
        );
        assert!(error("report:\n  reviewer: [a, b]\n")
            .starts_with("walint.yaml:2:13: `report.reviewer` must be a name, a string, not "));
        assert!(error("report:\n  reviewer: \"\"\n").contains("`report.reviewer` is empty"));
        assert!(error("report: Northwind\n").contains("`report` must be a mapping"));
    }

    #[test]
    fn meta_and_the_templates_lock_are_read_and_checked() {
        let config = config(
            "meta:\n  waba_id: 102290129340398\n  graph_api_version: V23.0\ntemplates_lock: locks/meta.json\ntemplates_lock_max_age: 36h\n",
        );
        assert_eq!(config.meta.waba_id.as_deref(), Some("102290129340398"));
        assert_eq!(config.meta.graph_api_version.as_deref(), Some("v23.0"));
        assert_eq!(
            config.templates_lock_path(),
            Path::new("./locks/meta.json").to_path_buf()
        );
        assert_eq!(config.templates_lock_max_age_seconds(), 36 * 3600);
        let defaults = Config::default();
        assert_eq!(defaults.templates_lock_max_age_seconds(), 7 * 86_400);
        assert!(defaults
            .templates_lock_path()
            .ends_with("walint-templates.lock.json"));

        let error = |text: &str| {
            Config::parse(text, "walint.yaml", &builtin().unwrap())
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            error("meta:\n  waba: 1\n"),
            "walint.yaml:2:3: unknown key `meta.waba`; did you mean `waba_id`?"
        );
        assert!(
            error("meta: {waba_id: acme}\n").contains("must be the WhatsApp Business Account's id")
        );
        assert!(error("meta: {graph_api_version: latest}\n").contains("must look like v23.0"));
        assert!(error("templates_lock_max_age: 7\n").contains("has a number without a unit"));
        assert!(error("templates_lock_max_age: 0d\n").contains("is zero"));
        assert!(error("templates_lock: ''\n").contains("must name a file"));
    }
}
