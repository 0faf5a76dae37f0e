//! The command line: argument parsing, wiring the pipeline, exit codes.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use crate::baseline::{self, Anchor, BaselineFile, Recording};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::catalogue::{self, Catalogue, ExampleKind};
use crate::config::{self, Config, FailOn};
use crate::custom;
use crate::diagnostic::FileId;
use crate::discover::{self, Candidate};
use crate::engine::{self, Engine, Options, Outcome, Selection, StdinFile};
use crate::examples::{self, Verdict};
use crate::exit::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use crate::generate;
use crate::report::compare::PreviousReport;
use crate::report::meta::LockMeta;
use crate::report::terminal::{self, ColorChoice};
use crate::report::text::printable;
use crate::report::{self, ReportFormat, ReportInput, RunMeta};
use crate::schema::{self, Schema};
use crate::source::MAX_FILE_BYTES;
use crate::suggest::did_you_mean;
use crate::templates_command::{self, TemplatesCommand};
use crate::watch::{self, Changes, Next, Watch};

#[derive(Parser)]
#[command(
    name = "walint",
    version,
    about = "A compliance linter for WhatsApp Business Platform integrations"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Lint files and folders (default: the current folder)
    Check(CheckArgs),
    /// List every rule: code, name, severity, category, summary
    Rules {
        #[arg(short, long, value_enum, default_value = "table")]
        format: RulesFormat,
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// Show the full documentation of one rule, with examples
    Explain {
        /// A rule code (WA201) or name (menu-overloaded)
        rule: String,
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// Run the examples of custom rules: each failing one must be found where it expects,
    /// each passing one clean (exit 1 when one is not)
    Test {
        /// Rule files, or folders whose walint.yaml names them (`custom_rules:`)
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
    },
    /// Write a commented starter walint.yaml in the current folder
    Init,
    /// Record today's findings as accepted, for `check --baseline`
    Baseline(BaselineArgs),
    /// Meta's review of the templates: `pull` it into a lock file (the only network use),
    /// `status` of the repository's templates against it
    #[command(subcommand)]
    Templates(TemplatesCommand),
    /// Run the language server on standard input and output, for editors (docs/editors.md)
    Server,
    /// Print the completion script for a shell
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page walint(1), or write it and one page per subcommand into DIR
    Man {
        /// Write walint.1, walint-check.1, ... into this folder instead
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Print the JSON Schema of walint.yaml or of one of walint's formats, for editors
    /// (yaml-language-server, VS Code's YAML extension); --list names them
    Schema(SchemaArgs),
}

#[derive(clap::Args)]
struct SchemaArgs {
    /// Which schema to print
    #[arg(value_enum, required_unless_present_any = ["list", "dir"])]
    name: Option<Schema>,
    /// List the schemas: name, file and what each describes
    #[arg(long, conflicts_with_all = ["name", "dir"])]
    list: bool,
    /// Write every schema into this folder instead (config.json, flow.json, ...)
    #[arg(long, value_name = "DIR", conflicts_with = "name")]
    dir: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum RulesFormat {
    Table,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOnArg {
    Error,
    Warning,
    Info,
    Never,
}

/// Which walint.yaml names the custom rules, for the commands that list and explain rules.
#[derive(clap::Args)]
struct ConfigArgs {
    /// Use this config file (and its custom rules) instead of discovering walint.yaml
    #[arg(short, long, value_name = "FILE", conflicts_with = "no_config")]
    config: Option<PathBuf>,
    /// Ignore any walint.yaml: the built-in rules only
    #[arg(long)]
    no_config: bool,
}

/// What to lint and with which rules: shared by `check` and `baseline`.
#[derive(clap::Args)]
struct LintArgs {
    /// Files and folders to lint; `-` reads standard input (see --stdin-filename)
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Use this config file for every file, instead of the nearest walint.yaml
    #[arg(short, long, value_name = "FILE", conflicts_with = "no_config")]
    config: Option<PathBuf>,
    /// Ignore every walint.yaml
    #[arg(long)]
    no_config: bool,
    /// Only these rules: comma-separated codes, names or prefixes (WA2, WA201, menu-overloaded)
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    select: Vec<String>,
    /// Skip these rules: comma-separated codes, names or prefixes
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    ignore: Vec<String>,
    /// Disregard `# walint-ignore` comments (an audit run); config overrides still apply
    #[arg(long)]
    no_inline_ignores: bool,
    /// With PATH `-`: lint standard input as if it were the file NAME
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<PathBuf>,
    /// List the files left out (not a kind walint recognises, empty, ...) on stderr
    #[arg(short, long)]
    verbose: bool,
    /// Treat named files as files found in folders: the config's include/exclude apply and
    /// only walint's kinds are reported (for pre-commit and lint-staged)
    #[arg(long)]
    force_exclude: bool,
}

#[derive(clap::Args)]
struct CheckArgs {
    #[command(flatten)]
    lint: LintArgs,
    /// Report format
    #[arg(short, long, value_enum, default_value = "human")]
    format: ReportFormat,
    /// Colour the human report on stdout: `auto` on a terminal, as NO_COLOR, FORCE_COLOR,
    /// CLICOLOR_FORCE allow
    #[arg(long, value_enum, value_name = "WHEN", default_value = "auto")]
    color: ColorChoice,
    /// Write the report to FILE instead of stdout; FORMAT=FILE (repeatable) writes that
    /// format there and keeps the terminal report
    #[arg(short, long, value_name = "FILE|FORMAT=FILE")]
    output: Vec<String>,
    /// Lowest severity that makes the exit code 1 [default: error, or the config's fail_on]
    #[arg(long, value_enum)]
    fail_on: Option<FailOnArg>,
    /// Hide the findings recorded in this baseline file (`walint baseline`)
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Compare with an earlier run's JSON report: new, fixed, accepted and still-open
    /// findings, matched by fingerprint
    #[arg(long, value_name = "PREVIOUS.json")]
    compare: Option<PathBuf>,
    /// Count the findings per rule instead of listing them (a table; JSON with --format json)
    #[arg(long)]
    statistics: bool,
    /// With --format github: do not append the Markdown report to $GITHUB_STEP_SUMMARY
    #[arg(long)]
    no_step_summary: bool,
    /// Apply the safe fixes and report what remains; with `-`, print the fixed text
    #[arg(long)]
    fix: bool,
    /// With --fix or --diff: the unsafe fixes too (they change what the file means)
    #[arg(long)]
    unsafe_fixes: bool,
    /// Print the fixes as a unified diff and change nothing (exit 1 when there is one)
    #[arg(long, conflicts_with = "fix")]
    diff: bool,
    /// Check again after each change to the files, walint.yaml included, until Ctrl-C
    /// (human or concise report on the terminal; not with --fix, --diff, -o or `-`)
    #[arg(long)]
    watch: bool,
}

#[derive(clap::Args)]
struct BaselineArgs {
    #[command(flatten)]
    lint: LintArgs,
    /// Where to write the baseline
    #[arg(
        short,
        long,
        value_name = "FILE",
        default_value = "walint-baseline.json"
    )]
    output: PathBuf,
    /// Why these findings are accepted, recorded with each new entry (entries already in
    /// FILE keep their own reason and date)
    #[arg(long, value_name = "TEXT")]
    reason: Option<String>,
}

/// A failure to do the job at all: exit 2 with one line.
struct Fatal(String);

/// An I/O error as a reason in a sentence: "No space left on device", without the
/// "(os error 28)" the standard library appends.
fn reason(error: &io::Error) -> String {
    let text = error.to_string();
    match text.rfind(" (os error ") {
        Some(at) if text.ends_with(')') => text[..at].to_string(),
        _ => text,
    }
}

/// Standard output with every write checked: a closed stdout, a full disk or a closed pipe
/// is an error walint reports (exit 2), never a report lost without a word.
struct Stdout {
    /// Descriptor 1, or why it cannot be written.
    #[cfg(unix)]
    handle: Result<std::fs::File, io::Error>,
}

/// Whether descriptor 1 was closed when the process started. Rust's runtime puts `/dev/null`
/// in the place of a closed standard descriptor before `main`, and afterwards that stand-in
/// cannot be told from a `/dev/null` the caller chose (Python's `subprocess.DEVNULL` opens it
/// read and write, as the runtime does); so the binary probes the descriptor before the
/// runtime starts (see `src/main.rs`) and records what it saw here.
static STDOUT_CLOSED_AT_START: AtomicBool = AtomicBool::new(false);

/// Records whether descriptor 1 is open. The binary calls it from a constructor that runs
/// before Rust's runtime; it touches no part of the standard library that needs the runtime.
pub fn probe_standard_output() {
    #[cfg(unix)]
    {
        // SAFETY: F_GETFD reads the flags of descriptor 1, which need not be open; no memory
        // is involved.
        let closed = unsafe { libc::fcntl(1, libc::F_GETFD) } == -1;
        STDOUT_CLOSED_AT_START.store(closed, Ordering::Relaxed);
    }
}

impl Stdout {
    /// Claims descriptor 1 before any file is opened. Its writes go through a duplicate: the
    /// standard library's own handle takes a failing descriptor for a sink.
    fn claim() -> Stdout {
        #[cfg(unix)]
        {
            use std::os::fd::AsFd;
            let handle = io::stdout()
                .as_fd()
                .try_clone_to_owned()
                .map(std::fs::File::from)
                .and_then(|file| {
                    if STDOUT_CLOSED_AT_START.load(Ordering::Relaxed) {
                        Err(io::Error::from_raw_os_error(libc::EBADF))
                    } else {
                        Ok(file)
                    }
                });
            Stdout { handle }
        }
        #[cfg(not(unix))]
        {
            Stdout {}
        }
    }

    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        #[cfg(unix)]
        {
            let file = self.handle.as_mut().map_err(|e| {
                io::Error::from_raw_os_error(e.raw_os_error().unwrap_or(libc::EBADF))
            })?;
            file.write_all(bytes)
        }
        #[cfg(not(unix))]
        {
            let mut stdout = io::stdout().lock();
            stdout.write_all(bytes).and_then(|()| stdout.flush())
        }
    }

    /// A report: any failure, a closed pipe included, loses it and is an error.
    fn write(&mut self, text: &str) -> Result<(), Fatal> {
        self.write_all(text.as_bytes())
            .map_err(|e| Fatal(format!("cannot write standard output: {}", reason(&e))))
    }

    /// Documentation (help, rules, man pages): a reader that closed the pipe early
    /// (`walint man | head`) has what it wanted; any other failure is an error.
    fn write_doc(&mut self, bytes: &[u8]) -> Result<(), Fatal> {
        match self.write_all(bytes) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
            Err(e) => Err(Fatal(format!(
                "cannot write standard output: {}",
                reason(&e)
            ))),
            Ok(()) => Ok(()),
        }
    }
}

/// Standard output as an [`io::Write`], for a report written through a buffer: every write
/// is checked as [`Stdout::write`] checks it.
struct StdoutWriter<'o>(&'o mut Stdout);

impl io::Write for StdoutWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.write_all(bytes).map(|()| bytes.len())
    }

    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.0.write_all(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A line on standard error. Nothing is left to tell when that fails, so it does not panic.
fn warn(line: &str) {
    let _ = writeln!(io::stderr(), "{line}");
}

pub fn main() -> ExitCode {
    let mut out = Stdout::claim();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) if error.use_stderr() => {
            let _ = error.print();
            return ExitCode::from(EXIT_ERROR);
        }
        // --help and --version: the text goes to standard output, checked as every report.
        Err(error) => {
            let text = if io::stdout().is_terminal() {
                error.render().ansi().to_string()
            } else {
                error.render().to_string()
            };
            return match out.write_doc(text.as_bytes()) {
                Ok(()) => ExitCode::from(EXIT_CLEAN),
                Err(Fatal(message)) => {
                    warn(&format!("walint: error: {message}"));
                    ExitCode::from(EXIT_ERROR)
                }
            };
        }
    };
    let result = catalogue::builtin()
        .map_err(Fatal)
        .and_then(|catalogue| match cli.command {
            Command::Check(args) => check(args, catalogue, &mut out),
            Command::Rules { format, config } => with_custom_rules(&config, &catalogue)
                .and_then(|catalogue| rules(format, &catalogue, &mut out)),
            Command::Explain { rule, config } => with_custom_rules(&config, &catalogue)
                .and_then(|catalogue| explain(&rule, &catalogue, &mut out)),
            Command::Test { paths } => test_rules(&paths, &catalogue, &mut out),
            Command::Init => init(&catalogue, &mut out),
            Command::Baseline(args) => record_baseline(args, catalogue),
            Command::Templates(command) => {
                templates_command::run(command, &catalogue).map_err(Fatal)
            }
            Command::Server => crate::server::run(catalogue).map_err(Fatal),
            Command::Completions { shell } => out
                .write_doc(&generate::completions(shell, Cli::command()))
                .map(|()| EXIT_CLEAN),
            Command::Man { dir } => man(dir.as_deref(), &mut out),
            Command::Schema(args) => print_schema(&args, &catalogue, &mut out),
        });
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Fatal(message)) => {
            warn(&format!("walint: error: {}", printable(&message)));
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn load_config(
    args: &LintArgs,
    cwd: &Path,
    catalogue: &Arc<Catalogue>,
) -> Result<(Config, custom::Loaded), Fatal> {
    // The run's own config: the folder being checked first (its own walint.yaml), then the
    // current folder; those nearer a file below it are read as the files are found. For
    // standard input, the folder of the name it stands for.
    let first = args
        .paths
        .first()
        .map(|p| match (&args.stdin_filename, p.as_os_str() == "-") {
            (Some(name), true) => cwd.join(name),
            _ => cwd.join(p),
        })
        .unwrap_or(cwd.to_path_buf());
    let start = if first.is_dir() {
        first
    } else {
        first
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or(cwd.to_path_buf())
    };
    discover::load_config(
        args.config.as_deref(),
        args.no_config,
        &start,
        cwd,
        catalogue,
    )
    .map_err(Fatal)
}

/// The built-in catalogue with the custom rules of the current folder's walint.yaml.
fn with_custom_rules(
    args: &ConfigArgs,
    catalogue: &Arc<Catalogue>,
) -> Result<Arc<Catalogue>, Fatal> {
    let cwd = current_dir()?;
    discover::load_config(
        args.config.as_deref(),
        args.no_config,
        &cwd,
        &cwd,
        catalogue,
    )
    .map(|(_, loaded)| loaded.catalogue)
    .map_err(Fatal)
}

fn current_dir() -> Result<PathBuf, Fatal> {
    discover::working_folder().map_err(Fatal)
}

/// What a run's findings are for.
#[derive(Clone, Copy)]
enum Purpose {
    /// Failing the run (`check`), at `--fail-on` when it is given; `keep_texts` when what
    /// follows the run reads the files' texts (see [`keeps_texts`]).
    Gate {
        fail_on: Option<FailOnArg>,
        keep_texts: bool,
    },
    /// Being recorded (`baseline`).
    Record,
}

/// Config, discovery and the lint run itself, as `check` and `baseline` share them.
fn run_lint(
    args: &LintArgs,
    cwd: &Path,
    catalogue: Arc<Catalogue>,
    purpose: Purpose,
) -> Result<(Inputs, Outcome), Fatal> {
    let inputs = prepare_warned(args, cwd, catalogue, purpose)?;
    let outcome = engine::lint_run(
        &inputs.engines,
        &inputs.files,
        &inputs.context,
        inputs.stdin.as_slice(),
    );
    for line in run_warnings(args, &inputs, &outcome) {
        warn(&line);
    }
    Ok((inputs, outcome))
}

/// What a run says on standard error once it is done: with `--verbose` the files left
/// out, that it checked nothing when it did, and the templates it could not see.
fn run_warnings(args: &LintArgs, inputs: &Inputs, outcome: &Outcome) -> Vec<String> {
    let mut lines = Vec::new();
    if args.verbose {
        for (path, reason) in &outcome.skipped {
            lines.push(format!("walint: skipped {}: {reason}", printable(path)));
        }
        for file in &outcome.files {
            for note in &file.notes {
                lines.push(format!("walint: note: {}:{note}", printable(&file.path)));
            }
        }
    }
    // The templates lock is checked in every run; it is not what the paths were for.
    let checked = outcome
        .files
        .iter()
        .filter(|f| !inputs.lock_shown.contains(&f.path))
        .count();
    if checked == 0 {
        lines.push(nothing_checked(
            &inputs.paths,
            inputs.stdin.is_some(),
            outcome.skipped.len(),
        ));
    }
    if let Some(unseen) = &outcome.templates_unseen {
        lines.push(templates_unseen(unseen, inputs.catalogue()));
    }
    lines
}

/// The note of a run whose flows and campaigns send templates it cannot see: once, not a
/// finding per reference.
fn templates_unseen(unseen: &engine::TemplatesUnseen, catalogue: &Catalogue) -> String {
    let codes: Vec<&str> = unseen
        .rules
        .iter()
        .map(|&rule| &*catalogue.rule(rule).code)
        .collect();
    let codes = match codes.as_slice() {
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        [] => String::new(),
    };
    let count = |n: usize, what: &str| match n {
        1 => format!("1 {what}"),
        n => format!("{n} {what}s"),
    };
    format!(
        "walint: note: no template file is in the run or its project, so {codes} did not check {} in {} (check the templates' folder too)",
        count(unseen.references, "template reference"),
        count(unseen.files, "file"),
    )
}

/// What a run lints, and the engines it lints with.
struct Inputs {
    /// One per project (see [`discover::Configs`]), the run's config's first; all share the
    /// run's catalogue.
    engines: Vec<Engine>,
    files: Vec<Candidate>,
    /// The rest of the projects, read for the cross-file rules only (a run on some files).
    context: Vec<Candidate>,
    stdin: Option<StdinFile>,
    /// The paths named (standard input aside), and the templates locks as shown: what the
    /// warning of a run that checked nothing names.
    paths: Vec<PathBuf>,
    lock_shown: Vec<String>,
}

impl Inputs {
    /// The engine of the run's config.
    fn engine(&self) -> &Engine {
        &self.engines[0]
    }

    /// The engine of a file's project.
    fn engine_of(&self, candidate: &Candidate) -> &Engine {
        self.engines.get(candidate.project).unwrap_or(self.engine())
    }

    fn catalogue(&self) -> &Catalogue {
        self.engine().catalogue()
    }
}

/// [`prepare`], its warnings on standard error as they come before the lint (and before
/// the error that stops it, if one does).
fn prepare_warned(
    args: &LintArgs,
    cwd: &Path,
    catalogue: Arc<Catalogue>,
    purpose: Purpose,
) -> Result<Inputs, Fatal> {
    let mut warnings = Vec::new();
    let prepared = prepare(args, cwd, catalogue, purpose, &mut warnings);
    for warning in &warnings {
        warn(warning);
    }
    prepared
}

/// Config, rule selection, standard input and discovery: everything before the lint. What
/// it warns of goes to `warnings`, in order, for standard error (`check --watch` prints it
/// after clearing the screen).
fn prepare(
    args: &LintArgs,
    cwd: &Path,
    catalogue: Arc<Catalogue>,
    purpose: Purpose,
    warnings: &mut Vec<String>,
) -> Result<Inputs, Fatal> {
    let (mut config, loaded) = load_config(args, cwd, &catalogue)?;
    discover::load_lock(&mut config, cwd).map_err(Fatal)?;
    // `--config` and `--no-config` name the one config of every file.
    let fixed = args.config.is_some() || args.no_config;
    let mut configs = discover::Configs::new(config, loaded, fixed, catalogue, cwd);
    let stdin_project = stdin_project(args, &mut configs, cwd)?;
    let paths: Vec<PathBuf> = args
        .paths
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .cloned()
        .collect();
    let mut discovery = discover::discover_in(&paths, &mut configs, cwd)
        .map_err(|refused| Fatal(refused.to_string()))?;
    if args.force_exclude {
        discover::force_exclude(&mut discovery.files, |project| configs.config(project));
    }
    warnings.extend(
        discovery
            .warnings
            .iter()
            .map(|warning| format!("walint: warning: {}", printable(warning))),
    );
    // The run's config first, then the nested ones in path order.
    let mut order: Vec<usize> = (0..discovery.include_matched.len()).collect();
    order.sort_by_key(|&project| (project != 0, configs.config(project).path.clone()));
    for project in order {
        let matched = &discovery.include_matched[project];
        let config = configs.config(project);
        // The run's config is checked whatever was found; a nested one when a file found
        // while walking is its.
        let matched = match matched {
            Some(matched) => matched.clone(),
            None if project == 0 => vec![false; config.include.len()],
            None => continue,
        };
        let walked_root = discovery.walked_root.get(project).copied().unwrap_or(false);
        check_include(discovery.walked, walked_root, &matched, config, warnings)?;
    }
    let mut files = discovery.files;
    let mut used = vec![false; configs.projects().len()];
    used[0] = true;
    for project in files.iter().map(|c| c.project).chain(stdin_project) {
        used[project] = true;
    }
    let mut context = Vec::new();
    for (project, &in_run) in used.iter().enumerate() {
        let walked_root = discovery.walked_root.get(project).copied().unwrap_or(false);
        if in_run && !walked_root {
            context.extend(project_context(&mut configs, project, cwd, &files)?);
        }
    }
    let mut lock_shown = Vec::new();
    for (project, &in_run) in used.iter().enumerate() {
        let config = configs.config(project);
        if in_run && config.lock.is_some() {
            let path = config.templates_lock_path();
            lock_shown.push(discover::shown(&path, cwd));
            with_lock(&mut files, path, project, config, cwd);
        }
    }
    used.resize(configs.projects().len(), false);
    let run = configs.into_run(&used).map_err(Fatal)?;
    for candidate in files.iter_mut().chain(&mut context) {
        run.renumber(candidate);
    }
    if let Purpose::Gate { fail_on, .. } = purpose {
        run_wide_settings(&run.projects, fail_on, cwd, warnings);
    }
    let select = rule_codes(&args.select, &run.catalogue)?;
    let ignore = rule_codes(&args.ignore, &run.catalogue)?;
    // Read once the arguments are known to be good: a bad one is said without waiting.
    let stdin = match stdin_project {
        Some(project) => {
            let project = run.renumber.get(project).copied().unwrap_or(0);
            Some(read_stdin(args, project, run.config(project), cwd)?)
        }
        None => None,
    };
    let selection = Selection { select, ignore };
    let engines = run
        .projects
        .into_iter()
        .enumerate()
        .map(|(project, (config, custom))| {
            let options = Options {
                selection: selection.clone(),
                inline_ignores: !args.no_inline_ignores,
                custom,
                config_file: FileId::config(project),
                keep_texts: match purpose {
                    Purpose::Gate { keep_texts, .. } => keep_texts,
                    // A baseline's fingerprints are of the offending text.
                    Purpose::Record => true,
                },
            };
            Engine::new(run.catalogue.clone(), config, options)
        })
        .collect();
    Ok(Inputs {
        engines,
        files,
        context,
        stdin,
        paths,
        lock_shown,
    })
}

/// A nested config's settings that only the run's config (or the command line) gives: said
/// once each, at the key, when its value is not the run's.
fn run_wide_settings(
    projects: &[(Config, Arc<custom::CustomRules>)],
    arg: Option<FailOnArg>,
    cwd: &Path,
    warnings: &mut Vec<String>,
) {
    let Some(((run, _), nested)) = projects.split_first() else {
        return;
    };
    let fail_on = fail_on_of(arg, run);
    let source = match (arg, run.fail_on) {
        (Some(_), _) => "--fail-on".to_string(),
        (None, Some(_)) => format!("from {}", printable(&run.shown)),
        (None, None) => "the default".to_string(),
    };
    // A project of the run's with no file of it has the defaults: nothing to say.
    for (config, _) in nested.iter().filter(|(config, _)| config.path.is_some()) {
        let folder = match discover::shown(&config.root, cwd) {
            folder if folder.is_empty() => ".".to_string(),
            folder => folder,
        };
        let shown = printable(&config.shown);
        let at = |key: &str| match config.keys_at.get(key) {
            Some((line, column)) => format!("{shown}:{line}:{column}: "),
            None => format!("{shown}: "),
        };
        if let Some(own) = config.fail_on.filter(|&own| own != fail_on) {
            warnings.push(format!(
                "walint: warning: {}`fail_on: {}` is not used: `fail_on` is the run's, and this run fails on {} ({source}); run walint in `{}` for its own",
                at("fail_on"),
                fail_on_word(own),
                fail_on_word(fail_on),
                printable(&folder),
            ));
        }
        if config.keys_at.contains_key("report") && config.report != run.report {
            let whose = if run.keys_at.contains_key("report") {
                format!("this run's is {}'s", printable(&run.shown))
            } else {
                "this run has none".to_string()
            };
            warnings.push(format!(
                "walint: warning: {}`report` is not used: the audit reports' sign-off block is the run's, and {whose}; run walint in `{}` for its own",
                at("report"),
                printable(&folder),
            ));
        }
    }
}

/// `--select` / `--ignore` as codes or prefixes: each item trimmed (`"WA201, WA209"`), a
/// rule's name (`menu-overloaded`) as its code, as `explain` and the config take them.
fn rule_codes(items: &[String], catalogue: &Catalogue) -> Result<Vec<String>, Fatal> {
    let mut codes = Vec::with_capacity(items.len());
    for item in items.iter().map(|i| i.trim()).filter(|i| !i.is_empty()) {
        if let Some(rule) = catalogue.find(item) {
            codes.push(rule.code.to_string());
            continue;
        }
        let prefix = item.to_ascii_uppercase();
        let starts = |code: &str| {
            code.get(..prefix.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(&prefix))
        };
        if !catalogue.rules().iter().any(|r| starts(&r.code)) {
            let known = catalogue.rules().iter().flat_map(|r| [&*r.code, &*r.name]);
            return Err(Fatal(format!(
                "no rule matches `{item}`{}; `walint rules` lists them",
                did_you_mean(item, known)
            )));
        }
        codes.push(prefix);
    }
    Ok(codes)
}

/// The files of a project a run on some of its files reads as context for the cross-file
/// rules (the templates a named flow sends): what a run on the config's folder would check
/// of the project (a nested project's files are its own), less the run's own files. Without
/// a config there is no project to read.
fn project_context(
    configs: &mut discover::Configs,
    project: usize,
    cwd: &Path,
    files: &[Candidate],
) -> Result<Vec<Candidate>, Fatal> {
    let config = configs.config(project);
    if config.path.is_none() {
        return Ok(Vec::new());
    }
    let root = config.root.clone();
    // What cannot be read of it (a nested config) stops the run, as in a run of the folder.
    let found = discover::discover_in(std::slice::from_ref(&root), configs, cwd)
        .map_err(|refused| Fatal(refused.to_string()))?;
    let own: std::collections::HashSet<PathBuf> = files
        .iter()
        .map(|f| cwd.join(&f.path))
        .map(|path| path.canonicalize().unwrap_or(path))
        .collect();
    Ok(found
        .files
        .into_iter()
        .filter(|f| {
            let path = cwd.join(&f.path);
            f.project == project && !own.contains(&path.canonicalize().unwrap_or(path))
        })
        .collect())
}

/// The warning of a run that checked no file: a gate that passes on nothing says so.
fn nothing_checked(paths: &[PathBuf], stdin: bool, skipped: usize) -> String {
    let mut named: Vec<String> = paths
        .iter()
        .map(|p| format!("`{}`", printable(&discover::path_text(p))))
        .collect();
    if stdin {
        named.push("standard input".into());
    }
    let hold = if named.len() == 1 { "holds" } else { "hold" };
    let left_out = match skipped {
        0 => String::new(),
        1 => "; 1 file was left out (`--verbose` says why)".into(),
        n => format!("; {n} files were left out (`--verbose` says why)"),
    };
    format!(
        "walint: warning: no file checked: {} {hold} no file walint checks{left_out}",
        named.join(", ")
    )
}

/// `include` patterns that match no file found in the folders walked: when none matches,
/// nothing was checked because of the config (a typo such as `whatsap/**`), which is an
/// error; a pattern among others that matches nothing is a warning at the pattern.
/// `matched` says which patterns of `config` (a project's) a file found while walking matched;
/// `walked_root`, that its whole folder was walked.
fn check_include(
    walked: bool,
    walked_root: bool,
    matched: &[bool],
    config: &Config,
    warnings: &mut Vec<String>,
) -> Result<(), Fatal> {
    if !walked || config.include.is_empty() {
        return Ok(());
    }
    let at = |index: usize| match config.include_at.get(index) {
        Some((line, column)) if !config.shown.is_empty() => {
            format!("{}:{line}:{column}: ", config.shown)
        }
        _ => String::new(),
    };
    let hint = |pattern: &str| include_hint(pattern, &config.root);
    if matched.iter().all(|matched| !matched) {
        let patterns: Vec<String> = config
            .include
            .iter()
            .map(|p| serde_json::Value::from(p.as_str()).to_string())
            .collect();
        let hints: String = config.include.iter().map(|p| hint(p)).collect();
        return Err(Fatal(format!(
            "{}no file matched include [{}], so nothing was checked{hints}",
            at(0),
            patterns.join(", ")
        )));
    }
    if walked_root {
        for (index, pattern) in config.include.iter().enumerate() {
            if !matched.get(index).copied().unwrap_or(true) {
                warnings.push(format!(
                    "walint: warning: {}no file matched include `{}`{}",
                    at(index),
                    printable(pattern),
                    hint(pattern)
                ));
            }
        }
    }
    Ok(())
}

/// "; did you mean `whatsapp/**`?" when the pattern's first folder does not exist in the
/// config's folder and one of its folders is spelt closely.
fn include_hint(pattern: &str, root: &Path) -> String {
    let Some((first, rest)) = pattern.split_once('/') else {
        return String::new();
    };
    if first.contains(['*', '?', '[', '{']) || root.join(first).is_dir() {
        return String::new();
    }
    let Ok(entries) = std::fs::read_dir(root) else {
        return String::new();
    };
    let folders: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    match crate::suggest::closest(first, folders.iter().map(String::as_str)) {
        Some(folder) => format!("; did you mean `{folder}/{rest}`?"),
        None => String::new(),
    }
}

/// The templates lock is a file of every run that has one, wherever the paths point: its
/// age is checked (WA119) and the audit reports list it among the evidence.
fn with_lock(
    files: &mut Vec<Candidate>,
    path: PathBuf,
    project: usize,
    config: &Config,
    cwd: &Path,
) {
    let canonical = path.canonicalize().ok();
    let same = |candidate: &Candidate| {
        candidate.path == path
            || (candidate.path.file_name() == path.file_name()
                && candidate.path.canonicalize().ok() == canonical)
    };
    if files.iter().any(same) {
        return;
    }
    let candidate = Candidate {
        shown: discover::shown(&path, cwd),
        config_path: config.relative(&path),
        path,
        explicit: true,
        unreadable: None,
        project,
    };
    let at = files.partition_point(|c| c.shown < candidate.shown);
    files.insert(at, candidate);
}

/// With `-` among the paths, the project of standard input: that of the folder of the name
/// `--stdin-filename` gives it, else of the current folder.
fn stdin_project(
    args: &LintArgs,
    configs: &mut discover::Configs,
    cwd: &Path,
) -> Result<Option<usize>, Fatal> {
    let wanted = args.paths.iter().any(|p| p.as_os_str() == "-");
    if !wanted {
        return match &args.stdin_filename {
            Some(_) => Err(Fatal(
                "--stdin-filename needs `-` among the paths (walint check - --stdin-filename NAME)"
                    .into(),
            )),
            None => Ok(None),
        };
    }
    let name = args.stdin_filename.as_deref().unwrap_or(Path::new("stdin"));
    configs
        .governing_file(&cwd.join(name))
        .map(Some)
        .map_err(Fatal)
}

/// Standard input as the file `--stdin-filename` names (by default `stdin.json` when it
/// starts like JSON, else `stdin.yaml`), of `project`, whose config is `config`.
fn read_stdin(
    args: &LintArgs,
    project: usize,
    config: &Config,
    cwd: &Path,
) -> Result<StdinFile, Fatal> {
    // The limit and one byte at most: `cat /dev/zero | walint check -` ends.
    let bytes = crate::read::read_stream_capped(std::io::stdin().lock(), MAX_FILE_BYTES)
        .map_err(|e| Fatal(format!("cannot read standard input: {e}")))?;
    let name = match &args.stdin_filename {
        Some(name) => name.clone(),
        None => {
            let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
            PathBuf::from(if matches!(first, Some(b'{' | b'[')) {
                "stdin.json"
            } else {
                "stdin.yaml"
            })
        }
    };
    let path = cwd.join(&name);
    Ok(StdinFile {
        candidate: Candidate {
            shown: discover::shown(&path, cwd),
            config_path: config.relative(&path),
            path,
            explicit: true,
            unreadable: None,
            project,
        },
        bytes,
    })
}

/// A baseline file, read within the size limit and parsed, with its SHA-256.
fn read_baseline(path: &Path) -> Result<(BaselineFile, String), Fatal> {
    let shown = discover::path_text(path);
    let (bytes, size) = crate::read::read_capped(path, MAX_FILE_BYTES)
        .map_err(|e| Fatal(format!("cannot read baseline `{shown}`: {e}")))?;
    if size > MAX_FILE_BYTES {
        return Err(Fatal(format!(
            "baseline `{shown}` is larger than {} MiB",
            MAX_FILE_BYTES / 1_048_576
        )));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| Fatal(format!("baseline `{shown}` is not UTF-8 text")))?;
    let sha256 = crate::diagnostic::fingerprint::sha256(text.as_bytes());
    BaselineFile::parse(&text)
        .map(|file| (file, sha256))
        .map_err(|e| Fatal(format!("{}: {e}", path.display())))
}

/// The largest report `--compare` reads: a JSON report grows with the findings (about 600
/// bytes each), so a run with 100,000 findings still fits.
const MAX_PREVIOUS_BYTES: u64 = 64 * 1024 * 1024;

/// `--compare`'s JSON report of an earlier run, read within the size limit.
fn read_previous(path: &Path, cwd: &Path) -> Result<PreviousReport, Fatal> {
    let shown = discover::path_text(path);
    let (bytes, size) = crate::read::read_capped(path, MAX_PREVIOUS_BYTES).map_err(|e| {
        Fatal(format!(
            "cannot read the report to compare with `{shown}`: {e}"
        ))
    })?;
    if size > MAX_PREVIOUS_BYTES {
        return Err(Fatal(format!(
            "the report to compare with `{shown}` is larger than {} MiB",
            MAX_PREVIOUS_BYTES / 1_048_576
        )));
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        Fatal(format!(
            "`{shown}` is not UTF-8 text, so not a walint JSON report"
        ))
    })?;
    let sha256 = crate::diagnostic::fingerprint::sha256(text.as_bytes());
    let name = discover::shown(&cwd.join(path), cwd);
    PreviousReport::parse(&text, &printable(&name), &sha256).map_err(Fatal)
}

fn check(args: CheckArgs, catalogue: Arc<Catalogue>, out: &mut Stdout) -> Result<u8, Fatal> {
    if args.watch {
        watch_usage(&args)?;
    }
    let cwd = current_dir()?;
    let outputs = parse_outputs(&args)?;
    if args.statistics && report::statistics(args.format).is_none() {
        return Err(Fatal(format!(
            "`--statistics` prints a table (--format human or concise) or JSON (--format json), not {}; to write both, `--statistics -o {}=FILE`",
            format_name(args.format),
            format_name(args.format)
        )));
    }
    let previous = match &args.compare {
        Some(path) => Some(read_previous(path, &cwd)?),
        None => None,
    };
    let baseline = match &args.baseline {
        Some(path) => {
            let (file, sha256) = read_baseline(path)?;
            Some((path.clone(), file, sha256))
        }
        None => None,
    };
    if args.watch {
        let given = Given {
            cwd: &cwd,
            outputs,
            previous: previous.as_ref(),
            baseline: baseline.as_ref(),
        };
        return watch(&args, &given, catalogue, out);
    }
    let fixing = args.fix || args.diff;
    let purpose = Purpose::Gate {
        fail_on: args.fail_on,
        keep_texts: fixing || keeps_texts(&args, &outputs, baseline.is_some()),
    };
    let (inputs, outcome, fixed) = if fixing {
        let inputs = prepare_warned(&args.lint, &cwd, catalogue, purpose)?;
        let first = engine::lint_run(
            &inputs.engines,
            &inputs.files,
            &inputs.context,
            inputs.stdin.as_slice(),
        );
        let fixes = fix_files(&inputs, &first, args.unsafe_fixes)?;
        if args.fix {
            for (path, text) in &fixes.write {
                std::fs::write(path, text).map_err(|e| {
                    Fatal(format!(
                        "cannot write `{}`: {}",
                        discover::path_text(path),
                        reason(&e)
                    ))
                })?;
            }
        }
        // What remains: the run again, on the fixed texts.
        let outcome = engine::lint_run(
            &inputs.engines,
            &inputs.files,
            &inputs.context,
            &fixes.given,
        );
        let remaining = outcome.diagnostics.iter().filter(|d| d.is_active()).count();
        if args.diff {
            out.write(&fixes.diff)?;
            warn(&format!(
                "{} fixable, {remaining} remaining{}",
                fixes.fixed,
                if args.unsafe_fixes || fixes.fixed == 0 {
                    ""
                } else {
                    " (--unsafe-fixes may fix more)"
                }
            ));
            return Ok(if fixes.fixed > 0 {
                EXIT_FINDINGS
            } else {
                EXIT_CLEAN
            });
        }
        if let Some(text) = &fixes.stdin {
            // `--fix -`: the fixed text is the output; what remains is said on stderr.
            out.write(text)?;
            warn(&format!("{} fixed, {remaining} remaining", fixes.fixed));
            let fail_on = fail_on_of(args.fail_on, inputs.engine().config());
            let failed = outcome
                .diagnostics
                .iter()
                .any(|d| d.is_active() && fail_on.fails(d.severity));
            return Ok(if failed { EXIT_FINDINGS } else { EXIT_CLEAN });
        }
        (inputs, outcome, Some(fixes.fixed))
    } else {
        let (inputs, outcome) = run_lint(&args.lint, &cwd, catalogue, purpose)?;
        (inputs, outcome, None)
    };
    let given = Given {
        cwd: &cwd,
        outputs,
        previous: previous.as_ref(),
        baseline: baseline.as_ref(),
    };
    report_run(&args, &given, &inputs, outcome, fixed, out)
}

/// Whether the reports of a check, or its baseline, read the texts of the files its
/// diagnostics point into: excerpts, SARIF's UTF-16 columns, GitHub's job summary (Markdown)
/// and a baseline's fingerprints do; JSON and the others do not, and a run for them lets each
/// file's text go once it is checked.
fn keeps_texts(
    args: &CheckArgs,
    outputs: &[(ReportFormat, Option<PathBuf>)],
    baseline: bool,
) -> bool {
    baseline
        || outputs.iter().enumerate().any(|(index, (format, _))| {
            // `--statistics` replaces the main report (the first) with its table.
            let replaced = args.statistics && index == 0;
            format.shows_text() && !replaced
        })
}

/// What a check reads before it runs, for the report of each run (one, or one per change
/// with `--watch`).
struct Given<'a> {
    cwd: &'a Path,
    outputs: Vec<(ReportFormat, Option<PathBuf>)>,
    previous: Option<&'a PreviousReport>,
    baseline: Option<&'a (PathBuf, BaselineFile, String)>,
}

/// Options `--watch` is read with, checked before the first run: each report goes to the
/// terminal, and nothing the watch itself writes may start another run.
fn watch_usage(args: &CheckArgs) -> Result<(), Fatal> {
    let refused = if args.fix || args.diff || args.unsafe_fixes {
        Some("--fix, --diff and --unsafe-fixes: fixing writes the files the watch reads; run `walint check --fix` once, then watch")
    } else if !args.output.is_empty() {
        Some("--output: each run's report replaces the last on the terminal; write a report file with a run of its own")
    } else if args.lint.paths.iter().any(|p| p.as_os_str() == "-") {
        Some("`-` (standard input): standard input is read once; name the files to watch")
    } else if !matches!(args.format, ReportFormat::Human | ReportFormat::Concise) {
        Some("--format other than human or concise: the watch is for a person at a terminal; machine formats come from a run of their own")
    } else {
        None
    };
    match refused {
        Some(why) => Err(Fatal(format!("--watch cannot be used with {why}"))),
        None => Ok(()),
    }
}

/// What `--watch` says on standard error after each run, until Ctrl-C.
const WATCHING: &str = "watching for changes (Ctrl-C to stop)";

/// `check --watch`: a run, then a run again after each burst of changes until Ctrl-C (exit
/// 0). A problem that stops the first run is an error, as without `--watch`; later, one
/// (walint.yaml made invalid by an edit) is shown and the watch waits for the next change.
fn watch(
    args: &CheckArgs,
    given: &Given,
    catalogue: Arc<Catalogue>,
    out: &mut Stdout,
) -> Result<u8, Fatal> {
    let mut watch = Watch::start().map_err(|e| Fatal(format!("cannot watch for changes: {e}")))?;
    let env = |name: &str| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned());
    let mut state = Watched {
        clear: terminal::clears_screen(env, io::stdout().is_terminal()),
        started: false,
        kept: engine::Kept::default(),
        last: None,
    };
    let mut changes = Changes::default();
    loop {
        watch_run(
            args, given, &catalogue, &mut watch, &mut state, &changes, out,
        )?;
        changes = match watch.next() {
            Next::Changed(changes) => changes,
            Next::Stop => {
                // The shell's prompt on a line of its own, not after the terminal's `^C`.
                if io::stderr().is_terminal() {
                    warn("");
                }
                return Ok(EXIT_CLEAN);
            }
        };
    }
}

/// What the watch keeps from one run to the next.
struct Watched {
    /// Clear the screen before each report.
    clear: bool,
    /// The first run got past its config and discovery.
    started: bool,
    kept: engine::Kept,
    /// The last run that was reported, `None` before the first and after a failed one.
    last: Option<LastRun>,
}

/// What decides whether a run has anything new to report.
#[derive(PartialEq)]
struct LastRun {
    /// Each project's config file and text, the run's first: when one changes, or one comes
    /// or goes (a walint.yaml created in a subfolder), every file is checked again.
    configs: Vec<(Option<PathBuf>, String)>,
    inputs: Vec<Candidate>,
}

/// One run of the watch, on the files as they are, reading again only those that changed:
/// nothing is printed when no file walint checks changed.
fn watch_run(
    args: &CheckArgs,
    given: &Given,
    catalogue: &Arc<Catalogue>,
    watch: &mut Watch,
    state: &mut Watched,
    changes: &Changes,
    out: &mut Stdout,
) -> Result<(), Fatal> {
    for error in &changes.errors {
        warn(&format!("walint: warning: watching: {}", printable(error)));
    }
    let cwd = given.cwd;
    let mut warnings = Vec::new();
    let purpose = Purpose::Gate {
        fail_on: args.fail_on,
        keep_texts: keeps_texts(args, &given.outputs, given.baseline.is_some()),
    };
    let inputs = match prepare(&args.lint, cwd, catalogue.clone(), purpose, &mut warnings) {
        Ok(inputs) => inputs,
        Err(fatal) if !state.started => {
            for warning in &warnings {
                warn(warning);
            }
            return Err(fatal);
        }
        Err(Fatal(message)) => {
            if state.clear {
                out.write(terminal::CLEAR_SCREEN)?;
            }
            for warning in &warnings {
                warn(warning);
            }
            warn(&format!("walint: error: {}", printable(&message)));
            warn(&format!("walint: {WATCHING}"));
            state.last = None;
            return Ok(());
        }
    };
    state.started = true;
    for problem in watch.set(watch_roots(&args.lint, &inputs, cwd)) {
        warn(&format!("walint: warning: {}", printable(&problem)));
    }
    let configs = || inputs.engines.iter().map(Engine::config);
    let last = LastRun {
        configs: configs()
            .map(|config| (config.path.clone(), config.text.clone()))
            .collect(),
        inputs: inputs
            .files
            .iter()
            .chain(&inputs.context)
            .cloned()
            .collect(),
    };
    // Each project's templates lock and custom rules are read with its config: other
    // files' results depend on them.
    let read_with_config = |config: &Config| {
        let root = watch::absolute(cwd, &config.root);
        changes.names(&watch::absolute(cwd, &config.templates_lock_path()))
            || changes
                .paths
                .iter()
                .any(|path| custom::names(&config.custom_rules, &root, path))
    };
    let reload = changes.rescan
        || state.last.as_ref().map(|l| &l.configs) != Some(&last.configs)
        || configs().any(read_with_config);
    if reload {
        state.kept.clear();
    }
    let changed = |path: &Path| changes.names(&watch::absolute(cwd, path));
    let run = engine::lint_kept(
        &inputs.engines,
        &inputs.files,
        &inputs.context,
        &mut state.kept,
        &changed,
    );
    if run.read == 0 && state.last.as_ref() == Some(&last) {
        return Ok(());
    }
    if state.clear {
        out.write(terminal::CLEAR_SCREEN)?;
    }
    for warning in warnings
        .iter()
        .chain(&run_warnings(&args.lint, &inputs, &run.outcome))
    {
        warn(warning);
    }
    report_run(args, given, &inputs, run.outcome, None, out)?;
    let s = if run.inputs == 1 { "" } else { "s" };
    warn(&if state.last.is_none() {
        format!("walint: read {} file{s}; {WATCHING}", run.inputs)
    } else {
        format!(
            "walint: read {} of {} file{s} again; {WATCHING}",
            run.read, run.inputs
        )
    });
    state.last = Some(last);
    Ok(())
}

/// The folders a watched check reads: the paths named (a file's folder, for editors that
/// save by renaming a new file over the old one), where a walint.yaml is or would be found
/// (a folder named is watched whole, so a nested one is seen come and go; above a path
/// named, the folders up to the current one), each project's templates lock's folder, and
/// a whole project when the run reads its other files (cross-file context, custom rules).
fn watch_roots(args: &LintArgs, inputs: &Inputs, cwd: &Path) -> Vec<(PathBuf, bool)> {
    let folder_of = |path: &Path| path.parent().map(Path::to_path_buf);
    // `--config` and `--no-config` fix the config of every file: no walint.yaml is looked for.
    let fixed = args.config.is_some() || args.no_config;
    let mut roots = Vec::new();
    for path in &inputs.paths {
        let path = watch::absolute(cwd, path);
        if path.is_dir() {
            roots.push((path.clone(), true));
        } else if let Some(folder) = folder_of(&path) {
            roots.push((folder, false));
        }
        if !fixed {
            let above = path.ancestors().skip(1).take_while(|a| a.starts_with(cwd));
            roots.extend(above.map(|folder| (folder.to_path_buf(), false)));
        }
    }
    if !fixed {
        roots.push((cwd.to_path_buf(), false));
    }
    for (project, engine) in inputs.engines.iter().enumerate() {
        let config = engine.config();
        if let Some(path) = &config.path {
            roots.extend(folder_of(&cwd.join(path)).map(|f| (f, false)));
        }
        roots.extend(folder_of(&cwd.join(config.templates_lock_path())).map(|f| (f, false)));
        let has_context = inputs.context.iter().any(|c| c.project == project);
        if has_context || !config.custom_rules.is_empty() {
            roots.push((cwd.join(&config.root), true));
        }
    }
    roots
}

/// The reports of a finished run, and its exit code.
fn report_run(
    args: &CheckArgs,
    given: &Given,
    inputs: &Inputs,
    mut outcome: Outcome,
    fixed: Option<usize>,
    out: &mut Stdout,
) -> Result<u8, Fatal> {
    let cwd = given.cwd;
    let engine = inputs.engine();
    let (config, catalogue) = (engine.config(), engine.catalogue());
    let baseline_sha256 = given.baseline.map(|(_, _, sha256)| sha256.clone());
    let stats = given.baseline.map(|(path, file, _)| {
        let anchor = Anchor::new(path, cwd);
        let shown = discover::shown(&cwd.join(path), cwd);
        baseline::apply(&mut outcome, file, &anchor, shown)
    });
    let mut meta = RunMeta::collect(
        cwd,
        outcome.config_files.iter().find(|f| f.id == FileId::CONFIG),
        catalogue,
        // Arguments need not be UTF-8 (a file name), and may hold control characters:
        // escaped as names are.
        std::env::args_os()
            .skip(1)
            .map(|arg| printable(&discover::path_text(Path::new(&arg))).into_owned()),
    );
    meta.templates_lock = lock_meta(inputs, &outcome, cwd);
    meta.baseline_sha256 = baseline_sha256;
    meta.attestation = config.report.clone();
    meta.scope = scope(&args.lint, inputs, &outcome);
    let states_changed_files = given
        .outputs
        .iter()
        .any(|(format, _)| format.states_changed_files());
    if states_changed_files && meta.git_commit.is_some() {
        let checked = outcome
            .files
            .iter()
            .chain(&outcome.config_files)
            .map(|f| f.path.as_str());
        if let Some(changed) = report::meta::changed_files(cwd, checked) {
            meta.dirty = !changed.is_empty();
            meta.changed_files = changed;
        }
    }
    let fail_on = fail_on_of(args.fail_on, config);
    meta.report_id = report::meta::report_id(&meta, &outcome.files, fail_on_word(fail_on));
    let color_on_stdout = terminal::use_color(
        args.color,
        |name| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned()),
        io::stdout().is_terminal(),
    );
    let width_on_stdout = terminal::report_width(
        |name| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned()),
        terminal::terminal_columns,
    );
    let mut failed_parts = Vec::new();
    for (index, (format, target)) in given.outputs.iter().cloned().enumerate() {
        // A report written to a file is plain text, at the fixed width.
        let color = target.is_none() && color_on_stdout;
        let width = width_on_stdout.filter(|_| target.is_none());
        let input = ReportInput {
            files: &outcome.files,
            config_files: &outcome.config_files,
            diagnostics: &outcome.diagnostics,
            color,
            width,
            fail_on,
            catalogue,
            enabled: &outcome.enabled,
            baseline: stats.as_ref(),
            previous: given.previous,
            meta: &meta,
        };
        if format == ReportFormat::Github {
            // The job summary is a courtesy: failing to write it must not fail the job.
            if !args.no_step_summary {
                if let Err(Fatal(message)) = append_step_summary(&input) {
                    warn(&format!("walint: warning: {message}"));
                }
            }
            // Standard output holds workflow commands only; the totals are for the log.
            if target.is_none() {
                warn(&report::full_summary(&input));
            }
        }
        // `--statistics` replaces the main report (`--format`); `-o FORMAT=FILE` ones stay.
        let statistics = report::statistics(format).filter(|_| args.statistics && index == 0);
        let write = |out: &mut dyn Write| match statistics {
            Some(render) => out
                .write_all(render(&input).as_bytes())
                .map(|()| Vec::new()),
            None => report::write(format, &input, out),
        };
        let failures = match target {
            Some(path) => write_report_file(&path, write)?,
            None => write_standard_output(out, write)?,
        };
        failed_parts.extend(failures.into_iter().map(|f| (format, f)));
    }
    if !failed_parts.is_empty() {
        // Every other finding is out; the missing ones make the run an error, not a pass.
        for (format, failure) in &failed_parts {
            let format = format_name(*format);
            let what = match &failure.file {
                Some(file) => format!(
                    "the {format} report leaves out the findings of `{}`",
                    printable(file)
                ),
                None => format!("cannot render the {format} report"),
            };
            warn(&format!(
                "walint: internal error: {what}: {}; please report this bug",
                printable(&failure.message)
            ));
        }
        return Ok(EXIT_ERROR);
    }
    if let Some(fixed) = fixed {
        let remaining = outcome.diagnostics.iter().filter(|d| d.is_active()).count();
        warn(&format!("{fixed} fixed, {remaining} remaining"));
    }
    let failed = outcome
        .diagnostics
        .iter()
        .any(|d| d.is_active() && fail_on.fails(d.severity));
    Ok(if failed { EXIT_FINDINGS } else { EXIT_CLEAN })
}

/// The size of the buffer a report is written through: a report of many megabytes goes out
/// in a few hundred writes.
const REPORT_BUFFER: usize = 64 * 1024;

/// Whether a report's failures include one outside any file's part: what was written of it
/// is then no whole report.
fn lost_whole(failures: &[report::RenderFailure]) -> bool {
    failures.iter().any(|f| f.file.is_none())
}

/// Writes a report to `path` as `write` renders it. On an error (a write error, or a renderer
/// failing outside one file's part) the file is left empty, never half a report: as it was
/// when the report was rendered whole before the file was written.
fn write_report_file(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<Vec<report::RenderFailure>>,
) -> Result<Vec<report::RenderFailure>, Fatal> {
    let cannot = |e: &io::Error| {
        Fatal(format!(
            "cannot write `{}`: {}",
            discover::path_text(path),
            reason(e)
        ))
    };
    let file = std::fs::File::create(path).map_err(|e| cannot(&e))?;
    let mut out = io::BufWriter::with_capacity(REPORT_BUFFER, file);
    // The failures, and whether the file holds the whole report.
    let written = write(&mut out).and_then(|failures| {
        if lost_whole(&failures) {
            return Ok((failures, false));
        }
        out.flush().map(|()| (failures, true))
    });
    if let Ok((failures, true)) = written {
        return Ok(failures);
    }
    // What is buffered is dropped unwritten, and what was written goes (best effort: a
    // device such as /dev/null cannot be truncated, and holds nothing anyway).
    let (file, _) = out.into_parts();
    let _ = file.set_len(0);
    match written {
        Ok((failures, _)) => Ok(failures),
        Err(error) => Err(cannot(&error)),
    }
}

/// Writes a report to standard output as `write` renders it. A renderer failing outside
/// one file's part leaves what was already written (standard output cannot be taken back)
/// and drops what is buffered; the run then ends with an internal error.
fn write_standard_output(
    out: &mut Stdout,
    write: impl FnOnce(&mut dyn Write) -> io::Result<Vec<report::RenderFailure>>,
) -> Result<Vec<report::RenderFailure>, Fatal> {
    let cannot = |e: &io::Error| Fatal(format!("cannot write standard output: {}", reason(e)));
    let mut buffered = io::BufWriter::with_capacity(REPORT_BUFFER, StdoutWriter(out));
    let failures = write(&mut buffered).map_err(|e| cannot(&e))?;
    if lost_whole(&failures) {
        let _ = buffered.into_parts();
        return Ok(failures);
    }
    buffered.flush().map_err(|e| cannot(&e))?;
    Ok(failures)
}

/// `fail_on` as written.
fn fail_on_word(fail_on: FailOn) -> &'static str {
    match fail_on {
        FailOn::At(severity) => severity.as_str(),
        FailOn::Never => "never",
    }
}

fn fail_on_of(arg: Option<FailOnArg>, config: &Config) -> FailOn {
    match arg {
        Some(FailOnArg::Error) => FailOn::At(crate::diagnostic::Severity::Error),
        Some(FailOnArg::Warning) => FailOn::At(crate::diagnostic::Severity::Warning),
        Some(FailOnArg::Info) => FailOn::At(crate::diagnostic::Severity::Info),
        Some(FailOnArg::Never) => FailOn::Never,
        None => config
            .fail_on
            .unwrap_or(FailOn::At(crate::diagnostic::Severity::Error)),
    }
}

/// What `--fix` and `--diff` do to the files of a run.
struct FileFixes {
    /// Files to write: the run's own files only, each with its fixed text.
    write: Vec<(PathBuf, String)>,
    /// The fixed texts, for the run again (standard input among them, fixed or not).
    given: Vec<StdinFile>,
    /// Standard input fixed, when it was among the inputs.
    stdin: Option<String>,
    /// The unified diff of every change, of the masked texts: no secret is shown.
    diff: String,
    fixed: usize,
}

/// The fixes of a finished run applied to its files' texts as read again: a file that
/// changed on disk since it was checked is left alone.
fn fix_files(inputs: &Inputs, outcome: &Outcome, unsafe_fixes: bool) -> Result<FileFixes, Fatal> {
    let mut fixes = FileFixes {
        write: Vec::new(),
        given: Vec::new(),
        stdin: None,
        diff: String::new(),
        fixed: 0,
    };
    let wanted = |d: &crate::diagnostic::Diagnostic| {
        d.is_active()
            && d.fix.as_ref().is_some_and(|f| {
                unsafe_fixes || f.applicability == crate::diagnostic::Applicability::Safe
            })
    };
    for file in &outcome.files {
        let from_stdin = inputs
            .stdin
            .as_ref()
            .filter(|s| s.candidate.shown == file.path);
        let has_fixes = outcome
            .diagnostics
            .iter()
            .any(|d| d.file_id == file.id && wanted(d));
        if !has_fixes {
            if let Some(stdin) = from_stdin {
                fixes.given.push(stdin.clone());
                fixes.stdin = Some(String::from_utf8_lossy(&stdin.bytes).into_owned());
            }
            continue;
        }
        let (candidate, bytes) = match from_stdin {
            Some(stdin) => (&stdin.candidate, stdin.bytes.clone()),
            None => {
                let Some(candidate) = inputs.files.iter().find(|c| c.shown == file.path) else {
                    continue;
                };
                match crate::read::read_capped(&candidate.path, MAX_FILE_BYTES) {
                    Ok((bytes, _)) => (candidate, bytes),
                    Err(error) => {
                        warn(&format!(
                            "walint: warning: not fixing `{}`: {error}",
                            printable(&file.path)
                        ));
                        continue;
                    }
                }
            }
        };
        let unchanged = crate::diagnostic::fingerprint::sha256(&bytes) == file.sha256;
        let Some(text) = String::from_utf8(bytes).ok().filter(|_| unchanged) else {
            warn(&format!(
                "walint: warning: not fixing `{}`: it changed since it was checked",
                printable(&file.path)
            ));
            continue;
        };
        let name = engine::FileName::of(candidate);
        let result = inputs
            .engine_of(candidate)
            .fix_text(file.id, &name, &text, unsafe_fixes);
        fixes.fixed += result.fixed;
        fixes.diff.push_str(&crate::fix::unified_diff(
            &file.path,
            &result.masked_before,
            &result.masked_after,
        ));
        if from_stdin.is_some() {
            fixes.stdin = Some(result.text.clone());
        } else if result.text != text {
            fixes
                .write
                .push((candidate.path.clone(), result.text.clone()));
        }
        fixes.given.push(StdinFile {
            candidate: candidate.clone(),
            bytes: result.text.into_bytes(),
        });
    }
    Ok(fixes)
}

/// What the run was asked to check, for the audit reports' scope.
fn scope(args: &LintArgs, inputs: &Inputs, outcome: &Outcome) -> report::meta::Scope {
    let text = |p: &Path| printable(&discover::path_text(p)).into_owned();
    let catalogue = inputs.catalogue();
    let rules_off = |config: &Config| {
        catalogue
            .rules()
            .iter()
            .filter(|r| config.turns_off(r.id))
            .map(|r| r.code.to_string())
            .collect()
    };
    let config = inputs.engine().config();
    // The nested configs of the run: those of a project with a file in it.
    let nested = inputs
        .engines
        .iter()
        .enumerate()
        .skip(1)
        .filter_map(|(project, engine)| {
            let file = outcome
                .config_files
                .iter()
                .find(|f| f.id == FileId::config(project))?;
            let config = engine.config();
            Some(report::meta::NestedConfig {
                config: printable(&file.path).into_owned(),
                config_sha256: file.sha256.clone(),
                include: config.include.clone(),
                exclude: config.exclude.clone(),
                rules_off: rules_off(config),
            })
        })
        .collect();
    report::meta::Scope {
        paths: args.paths.iter().map(|p| text(p)).collect(),
        include: config.include.clone(),
        exclude: config.exclude.clone(),
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        rules_off: rules_off(config),
        inline_ignores: !args.no_inline_ignores,
        force_exclude: args.force_exclude,
        skipped: outcome
            .skipped
            .iter()
            .map(|(path, reason)| report::meta::SkippedFile {
                path: printable(path).into_owned(),
                reason: reason.to_string(),
            })
            .collect(),
        nested,
    }
}

/// A format's name as `--format` takes it.
fn format_name(format: ReportFormat) -> String {
    format
        .to_possible_value()
        .map_or_else(String::new, |v| v.get_name().to_string())
}

/// The templates lock as the audit reports show it, with the run's templates against it:
/// the run's config's lock and the templates of its project (a nested project's lock is
/// among the files checked).
fn lock_meta(inputs: &Inputs, outcome: &Outcome, cwd: &Path) -> Option<LockMeta> {
    let config = inputs.engine().config();
    let lock = config.lock.as_ref()?;
    let shown = discover::shown(&config.templates_lock_path(), cwd);
    let sha256 = outcome
        .files
        .iter()
        .find(|f| f.path == shown)
        .map(|f| f.sha256.clone())
        .unwrap_or_default();
    let of_project: std::collections::HashSet<&str> = inputs
        .files
        .iter()
        .chain(inputs.stdin.as_ref().map(|s| &s.candidate))
        .filter(|c| c.project == 0)
        .map(|c| c.shown.as_str())
        .collect();
    let templates = outcome.templates.iter().filter_map(|t| {
        let file = outcome.source(t.file)?;
        let path = file.path.as_str();
        (inputs.engines.len() == 1 || of_project.contains(path))
            .then(|| (t.name.clone(), t.language.clone(), file.path.clone()))
    });
    Some(LockMeta::new(lock, shown, sha256, templates))
}

/// In GitHub Actions, the Markdown report goes to the job summary as well.
fn append_step_summary(input: &ReportInput) -> Result<(), Fatal> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    // A renderer failure is reported with the github report's own.
    let text = capped_summary(report::render(ReportFormat::Markdown, input).text);
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| {
            Fatal(format!(
                "cannot write GITHUB_STEP_SUMMARY `{}`: {e}",
                Path::new(&path).display()
            ))
        })?;
    file.write_all(text.as_bytes())
        .map_err(|e| Fatal(format!("cannot write GITHUB_STEP_SUMMARY: {e}")))
}

/// GitHub refuses a job summary over 1 MiB (1,048,576 bytes); walint's stays below this.
const STEP_SUMMARY_LIMIT: usize = 1_000_000;

/// The Markdown report cut to [`STEP_SUMMARY_LIMIT`]: the totals and controls come first in
/// it, so they stay; the findings are cut before the first one that does not fit, and a
/// last line says how many more the full report holds.
fn capped_summary(text: String) -> String {
    if text.len() <= STEP_SUMMARY_LIMIT {
        return text;
    }
    // Room for the closing line.
    let mut budget = STEP_SUMMARY_LIMIT - 512;
    while !text.is_char_boundary(budget) {
        budget -= 1;
    }
    let head = &text[..budget];
    let cut = head
        .rfind("\n#### ")
        .or_else(|| head.rfind('\n'))
        .map_or(0, |at| at + 1);
    let more = text[cut..]
        .lines()
        .filter(|line| line.starts_with("#### "))
        .count();
    let s = if more == 1 { "" } else { "s" };
    format!(
        "{}\n---\n\n**The job summary stops here, below GitHub's 1 MiB limit: {more} more finding{s} are in the full report** (`walint check --format markdown`, or the SARIF log).\n",
        &text[..cut]
    )
}

fn record_baseline(args: BaselineArgs, catalogue: Arc<Catalogue>) -> Result<u8, Fatal> {
    let cwd = current_dir()?;
    let reason = args.reason.as_deref().map(str::trim);
    if reason == Some("") {
        return Err(Fatal(
            "--reason is empty: say why these findings are accepted, and by whom".into(),
        ));
    }
    // The file being replaced: its entries keep their reason and date. One that is not a
    // baseline is not overwritten.
    let previous = if args.output.is_file() {
        Some(
            read_baseline(&args.output)
                .map(|(file, _)| file)
                .map_err(|Fatal(e)| {
                    Fatal(format!(
                        "{e}; not overwriting it (remove it or choose another -o FILE)"
                    ))
                })?,
        )
    } else {
        None
    };
    let (_, outcome) = run_lint(&args.lint, &cwd, catalogue, Purpose::Record)?;
    let anchor = Anchor::new(&args.output, &cwd);
    let recording = Recording {
        reason,
        today: crate::date::today().to_string(),
        previous: previous.as_ref(),
    };
    let recorded = baseline::record(&outcome, &anchor, &recording);
    std::fs::write(&args.output, recorded.to_json())
        .map_err(|e| Fatal(format!("cannot write `{}`: {e}", args.output.display())))?;
    let n = recorded.findings.len();
    let file = discover::path_text(&args.output);
    warn(&format!(
        "Recorded {n} finding{} in {file}; `walint check --baseline {file}` hides them.",
        if n == 1 { "" } else { "s" },
    ));
    let reasonless = recorded
        .findings
        .iter()
        .filter(|e| e.reason.is_none())
        .count();
    if reasonless > 0 {
        warn(&format!(
            "walint: warning: {reasonless} of them accepted without a reason; the audit reports say so (`walint baseline --reason TEXT` records one)"
        ));
    }
    Ok(EXIT_CLEAN)
}

/// `-o FILE` sends the main report to FILE; `-o FORMAT=FILE` adds a report and keeps the
/// main one on stdout.
fn parse_outputs(args: &CheckArgs) -> Result<Vec<(ReportFormat, Option<PathBuf>)>, Fatal> {
    let mut main_target = None;
    let mut extra = Vec::new();
    for output in &args.output {
        let split = match output.split_once('=') {
            Some((name, path)) => match ReportFormat::from_str(name, true) {
                Ok(format) => Some((format, path)),
                // A word before `=` is meant as a format: `pdf=report.pdf` is not a file
                // name anyone wants. A path (`./a=b.json`) is still a file.
                Err(_) if looks_like_format(name) => {
                    let formats: Vec<String> = ReportFormat::value_variants()
                        .iter()
                        .filter_map(|f| f.to_possible_value())
                        .map(|v| v.get_name().to_string())
                        .collect();
                    // walint writes no PDF itself: a browser prints the HTML report.
                    let pdf = if name.eq_ignore_ascii_case("pdf") {
                        "; for a PDF, print the html report with headless Chromium (docs/reports.md)"
                    } else {
                        ""
                    };
                    return Err(Fatal(format!(
                        "`--output {output}`: unknown format `{name}`{}; expected one of {} (a file name with `=` in it is written `./{output}`){pdf}",
                        did_you_mean(name, formats.iter().map(String::as_str)),
                        formats.join(", ")
                    )));
                }
                Err(_) => None,
            },
            None => None,
        };
        match split {
            Some((format, path)) => extra.push((format, Some(PathBuf::from(path)))),
            None if main_target.is_none() => main_target = Some(PathBuf::from(output)),
            None => {
                return Err(Fatal(format!(
                    "`--output {output}`: only one plain FILE is allowed; name the format of the others (json=FILE)"
                )))
            }
        }
    }
    let mut outputs = vec![(args.format, main_target)];
    outputs.extend(extra);
    Ok(outputs)
}

/// A format name's shape: a word of letters, digits, `-` and `_`, not a path.
fn looks_like_format(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn rules(format: RulesFormat, catalogue: &Catalogue, out: &mut Stdout) -> Result<u8, Fatal> {
    let text = match format {
        RulesFormat::Json => {
            let rules: Vec<serde_json::Value> = catalogue
                .rules()
                .iter()
                .map(|r| {
                    let mut rule = serde_json::json!({
                        "code": &*r.code,
                        "name": &*r.name,
                        "severity": r.severity,
                        "category": r.category,
                        "summary": r.summary,
                    });
                    // A conversation-flow rule says which chatbot formats it checks.
                    if !r.formats.is_empty() {
                        let checked: Vec<&str> = r
                            .formats
                            .iter()
                            .filter(|c| c.not_checked.is_none())
                            .map(|c| c.format.as_str())
                            .collect();
                        let not_checked: serde_json::Map<String, serde_json::Value> = r
                            .formats
                            .iter()
                            .filter_map(|c| Some((c.format.clone(), c.not_checked.clone()?.into())))
                            .collect();
                        rule["formats"] =
                            serde_json::json!({"checked": checked, "not_checked": not_checked});
                    }
                    rule
                })
                .collect();
            let mut text = serde_json::to_string_pretty(&serde_json::json!({ "rules": rules }))
                .unwrap_or_default();
            text.push('\n');
            text
        }
        RulesFormat::Table => rules_table(catalogue),
    };
    out.write_doc(text.as_bytes())?;
    Ok(EXIT_CLEAN)
}

/// The rule list as a Markdown table, readable in a terminal and pasteable into docs.
pub fn rules_table(catalogue: &Catalogue) -> String {
    let mut text = String::from("| code | name | severity | category | summary |\n");
    text.push_str("| --- | --- | --- | --- | --- |\n");
    for r in catalogue.rules() {
        text.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            r.code,
            r.name,
            r.severity,
            r.category,
            r.summary.replace('|', "\\|")
        ));
    }
    text
}

fn explain(rule: &str, catalogue: &Catalogue, out: &mut Stdout) -> Result<u8, Fatal> {
    let Some(doc) = catalogue.find(rule) else {
        let names = catalogue.rules().iter().flat_map(|r| [&*r.code, &*r.name]);
        return Err(Fatal(format!(
            "unknown rule `{rule}`{}; `walint rules` lists them",
            did_you_mean(rule, names)
        )));
    };
    let mut text = format!(
        "{} {} ({}, {})\n\n{}\n\nWhy\n{}\n\nHow to fix\n{}\n",
        doc.code, doc.name, doc.severity, doc.category, doc.summary, doc.rationale, doc.fix
    );
    text.push_str(doc.autofix_text());
    text.push('\n');
    if !doc.formats.is_empty() {
        text.push_str("\nFormats\n");
        for coverage in &doc.formats {
            match &coverage.not_checked {
                None => text.push_str(&format!("  {}: checked\n", coverage.format)),
                Some(why) => text.push_str(&format!("  {}: not checked: {why}\n", coverage.format)),
            }
        }
    }
    if !doc.options.is_empty() {
        text.push_str("\nOptions (walint.yaml `rules:`)\n");
        for option in &doc.options {
            // The same words a config value outside the range is refused with.
            text.push_str(&format!(
                "  {}: {}, default {}\n    {}\n",
                option.name,
                option.expected(),
                option.default,
                option.description
            ));
        }
    }
    if !doc.controls.is_empty() {
        text.push_str("\nControls\n");
        for id in &doc.controls {
            let title = catalogue.control_title(id);
            text.push_str(&format!("  {id}: {title}\n"));
        }
    }
    if !doc.sources.is_empty() {
        text.push_str("\nSources\n");
        for source in &doc.sources {
            text.push_str(&format!("  {source}\n"));
        }
    }
    for example in &doc.examples {
        let kind = match example.kind {
            ExampleKind::Failing => "Failing example",
            ExampleKind::Passing => "Passing example",
        };
        text.push_str(&format!("\n{kind}: {}\n", example.description));
        for (name, content) in &example.files {
            text.push_str(&format!("--- {name}\n{content}"));
            if !content.ends_with('\n') {
                text.push('\n');
            }
        }
    }
    out.write_doc(text.as_bytes())?;
    Ok(EXIT_CLEAN)
}

/// Where `walint init` writes the JSON Schemas the starter config's modeline names.
const INIT_SCHEMAS: &str = ".walint/schemas";

/// `walint test`: every example of the custom rules `paths` name, each validated, noisy (a
/// finding it does not expect) or missing (a finding it expects and does not get).
fn test_rules(
    paths: &[PathBuf],
    catalogue: &Arc<Catalogue>,
    out: &mut Stdout,
) -> Result<u8, Fatal> {
    let cwd = current_dir()?;
    let mut sets = Vec::new();
    for path in paths {
        let full = cwd.join(path);
        let is_config = full
            .file_name()
            .is_some_and(|name| config::FILE_NAMES.iter().any(|n| name == *n));
        let loaded = if full.is_dir() || is_config {
            let (explicit, start) = match is_config {
                true => (Some(full.as_path()), full.parent().unwrap_or(&cwd)),
                false => (None, full.as_path()),
            };
            let (config, loaded) =
                discover::load_config(explicit, false, start, &cwd, catalogue).map_err(Fatal)?;
            if loaded.rules.is_empty() {
                let named = match config.path.as_deref() {
                    Some(file) => format!(
                        "{} names no custom rule (`custom_rules:`)",
                        discover::shown(file, &cwd)
                    ),
                    None => format!(
                        "no walint.yaml governs {}, so no custom rule is named",
                        printable(&discover::shown(&full, &cwd))
                    ),
                };
                return Err(Fatal(format!("nothing to test: {named}")));
            }
            loaded
        } else if full.is_file() {
            custom::load_file(&full, &discover::shown(&full, &cwd), catalogue).map_err(Fatal)?
        } else {
            return Err(Fatal(format!(
                "{}: no such file or folder",
                printable(&path.to_string_lossy())
            )));
        };
        sets.push(loaded);
    }
    let mut text = String::new();
    let (mut validated, mut failed, mut examples, mut rules) = (0, 0, 0, 0);
    let mut tested: Vec<&str> = Vec::new();
    for loaded in &sets {
        let mut ids: Vec<_> = loaded.rules.ids().collect();
        ids.sort_by_key(|&id| loaded.catalogue.rule(id).code.clone());
        for id in ids {
            let rule = loaded.catalogue.rule(id);
            // Two paths may name one rule (a folder and its rule file): tested once.
            if tested.contains(&&*rule.code) {
                continue;
            }
            tested.push(&rule.code);
            rules += 1;
            text.push_str(&format!("{} {}\n", rule.code, rule.name));
            if rule.examples.is_empty() {
                failed += 1;
                text.push_str(
                    "  untested   the rule has no `examples:` (a failing and a passing one)\n",
                );
            }
            for (index, example) in rule.examples.iter().enumerate() {
                examples += 1;
                let run = examples::run(example, &loaded.catalogue, &loaded.rules, None)
                    .map_err(|e| Fatal(format!("{} example {}: {e}", rule.code, index + 1)))?;
                let kind = match example.kind {
                    ExampleKind::Failing => "failing",
                    ExampleKind::Passing => "passing",
                };
                let described = match example.description.as_str() {
                    "" => String::new(),
                    d => format!(" \"{}\"", printable(d)),
                };
                let head = format!("{kind} example {}{described}", index + 1);
                match run.verdict(rule, example) {
                    Verdict::Validated => {
                        validated += 1;
                        text.push_str(&format!("  validated  {head}\n"));
                    }
                    Verdict::Noisy(findings) => {
                        failed += 1;
                        text.push_str(&format!(
                            "  noisy      {head}: a finding it does not expect\n"
                        ));
                        for finding in findings {
                            text.push_str(&format!("               {}\n", printable(&finding)));
                        }
                    }
                    Verdict::Missing { places, found } => {
                        failed += 1;
                        let at = if places.is_empty() { "" } else { " at" };
                        text.push_str(&format!(
                            "  missing    {head}: no finding of {}{at}\n",
                            rule.code
                        ));
                        for place in places {
                            text.push_str(&format!("               {}\n", printable(&place)));
                        }
                        if !found.is_empty() {
                            text.push_str("             but found\n");
                        }
                        for finding in found {
                            text.push_str(&format!("               {}\n", printable(&finding)));
                        }
                    }
                }
            }
        }
    }
    let plural = |n: usize, what: &str| match n {
        1 => format!("1 {what}"),
        n => format!("{n} {what}s"),
    };
    // A Spectral ruleset has no examples to run: said, so no rule passes for tested.
    let mut spectral: Vec<&str> = sets
        .iter()
        .flat_map(|loaded| {
            loaded
                .rules
                .spectral_ids()
                .map(|id| &*loaded.catalogue.rule(id).code)
        })
        .collect();
    spectral.sort_unstable();
    spectral.dedup();
    if !spectral.is_empty() {
        text.push_str(&format!(
            "\n{} of Spectral rulesets not tested: a ruleset carries no examples ({})\n",
            plural(spectral.len(), "rule"),
            spectral.join(", ")
        ));
    }
    text.push_str(&format!(
        "\n{} of {}: {validated} validated, {failed} failed\n",
        plural(examples, "example"),
        plural(rules, "rule"),
    ));
    out.write(&text)?;
    Ok(if failed == 0 {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    })
}

fn init(catalogue: &Catalogue, out: &mut Stdout) -> Result<u8, Fatal> {
    if let Some(existing) = config::FILE_NAMES.iter().find(|n| Path::new(n).exists()) {
        return Err(Fatal(format!(
            "{existing} already exists; not overwriting it"
        )));
    }
    std::fs::write(config::FILE_NAMES[0], config::STARTER)
        .map_err(|e| Fatal(format!("cannot write walint.yaml: {e}")))?;
    schema::write_all(Path::new(INIT_SCHEMAS), catalogue).map_err(|e| {
        Fatal(format!(
            "wrote walint.yaml, but cannot write the schemas to `{INIT_SCHEMAS}`: {}",
            reason(&e)
        ))
    })?;
    out.write(&format!(
        "Wrote walint.yaml, and in {INIT_SCHEMAS}/ the JSON Schemas editors complete walint's files with. Run `walint check` to lint this folder.\n"
    ))?;
    Ok(EXIT_CLEAN)
}

fn print_schema(args: &SchemaArgs, catalogue: &Catalogue, out: &mut Stdout) -> Result<u8, Fatal> {
    if args.list {
        let width = Schema::ALL
            .iter()
            .map(|s| s.name().len())
            .max()
            .unwrap_or(0);
        let files = Schema::ALL
            .iter()
            .map(|s| s.file_name().len())
            .max()
            .unwrap_or(0);
        let mut text = String::new();
        for schema in Schema::ALL {
            text.push_str(&format!(
                "{:width$}  schemas/{:files$}  {}\n",
                schema.name(),
                schema.file_name(),
                schema.summary()
            ));
        }
        out.write_doc(text.as_bytes())?;
        return Ok(EXIT_CLEAN);
    }
    if let Some(dir) = &args.dir {
        let written = schema::write_all(dir, catalogue).map_err(|e| {
            Fatal(format!(
                "cannot write the schemas to `{}`: {}",
                dir.display(),
                reason(&e)
            ))
        })?;
        for path in written {
            out.write_doc(format!("{}\n", discover::path_text(&path)).as_bytes())?;
        }
        return Ok(EXIT_CLEAN);
    }
    match args.name {
        Some(name) => out.write_doc(name.text(catalogue).as_bytes())?,
        None => {
            return Err(Fatal(
                "name a schema (`walint schema --list` lists them)".into(),
            ))
        }
    }
    Ok(EXIT_CLEAN)
}

fn man(dir: Option<&Path>, out: &mut Stdout) -> Result<u8, Fatal> {
    match dir {
        None => {
            let page = generate::main_page(Cli::command())
                .map_err(|e| Fatal(format!("cannot render the man page: {e}")))?;
            out.write_doc(&page)?;
        }
        Some(dir) => {
            let written = generate::man_pages(Cli::command(), dir).map_err(|e| {
                Fatal(format!(
                    "cannot write man pages to `{}`: {e}",
                    dir.display()
                ))
            })?;
            for path in written {
                out.write_doc(format!("{}\n", discover::path_text(&path)).as_bytes())?;
            }
        }
    }
    Ok(EXIT_CLEAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_step_summary_is_cut_before_a_finding_below_the_limit_and_says_how_many_more() {
        let finding = format!(
            "#### error WA201 menu-overloaded at 1:1\n\n{}\n\n",
            "x".repeat(500)
        );
        let text = format!(
            "# walint compliance report\n\n## Findings\n\n{}",
            finding.repeat(3000)
        );
        let capped = capped_summary(text.clone());
        assert!(capped.len() <= STEP_SUMMARY_LIMIT, "{}", capped.len());
        assert!(capped.starts_with("# walint compliance report\n\n## Findings\n\n#### "));
        let shown = capped.matches("#### ").count();
        let last = capped.lines().last().unwrap_or("");
        assert!(
            last.contains(&format!(
                "{} more findings are in the full report",
                3000 - shown
            )),
            "{last}"
        );
        // Each finding shown is whole: the cut is at the start of a heading.
        assert!(capped.contains(&format!("{}\n---\n", "x".repeat(500) + "\n\n")));
        // Under the limit, nothing changes.
        assert_eq!(capped_summary(finding.clone()), finding);
    }
}
