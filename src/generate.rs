//! Files generated from the command line's own clap definitions, so they cannot drift from
//! it: shell completion scripts (`walint completions SHELL`) and man pages (`walint man`).

use std::io::Write;
use std::path::{Path, PathBuf};

use clap_complete::Shell;
use clap_mangen::roff::{bold, roman, Roff};
use clap_mangen::Man;

use crate::exit::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};

/// The completion script for `shell`, for the program named `walint`.
pub fn completions(shell: Shell, mut command: clap::Command) -> Vec<u8> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "walint", &mut script);
    script
}

/// walint(1): the generated page, then what clap does not know (exit status, files,
/// environment), then pointers to the per-subcommand pages.
pub fn main_page(command: clap::Command) -> std::io::Result<Vec<u8>> {
    let mut command = command.disable_help_subcommand(true);
    command.build();
    let subcommands: Vec<String> = visible_subcommands(&command);
    let mut page = Vec::new();
    Man::new(command).render(&mut page)?;
    extra_sections(&subcommands).to_writer(&mut page)?;
    Ok(page)
}

/// walint.1 and one page per subcommand (walint-check.1, ...) into `dir`; the paths written.
pub fn man_pages(command: clap::Command, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut command = command.disable_help_subcommand(true);
    command.build();
    let mut written = Vec::new();
    let main = dir.join("walint.1");
    std::fs::File::create(&main)?.write_all(&main_page(command.clone())?)?;
    written.push(main);
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        written.push(Man::new(sub.clone()).generate_to(dir)?);
    }
    Ok(written)
}

fn visible_subcommands(command: &clap::Command) -> Vec<String> {
    command
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .map(|s| format!("walint-{}", s.get_name()))
        .collect()
}

fn extra_sections(subcommands: &[String]) -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in [
        (EXIT_CLEAN, "no finding at or above the --fail-on severity"),
        (
            EXIT_FINDINGS,
            "at least one such finding (a file that does not parse is one, WA001)",
        ),
        (
            EXIT_ERROR,
            "walint could not do its job: bad arguments, an unreadable or invalid config, \
             a path that does not exist",
        ),
    ] {
        roff.control("TP", []);
        roff.text([bold(code.to_string())]);
        roff.text([roman(meaning)]);
    }
    roff.control("SH", ["FILES"]);
    for (file, meaning) in [
        (
            "walint.yaml, .walint.yaml",
            "the configuration, looked for in the folder being checked and its parents, \
             then in the current folder and its parents; one in a folder below governs the \
             files there (walint init writes a starter)",
        ),
        (
            "walint-baseline.json",
            "the findings recorded by walint baseline, hidden by check --baseline",
        ),
        (
            "walint-templates.lock.json",
            "Meta's status of the templates, written by walint templates pull beside walint.yaml \
             (or at its templates_lock), read by check and templates status",
        ),
    ] {
        roff.control("TP", []);
        roff.text([bold(file)]);
        roff.text([roman(meaning)]);
    }
    roff.control("SH", ["ENVIRONMENT"]);
    for (variable, meaning) in [
        (
            "NO_COLOR",
            "when set and not empty, the human report has no colour",
        ),
        (
            "SOURCE_DATE_EPOCH",
            "the run's date (seconds since 1970, UTC) for the date-dependent rules and the \
             reports' timestamp, for reproducible runs",
        ),
        (
            "GITHUB_STEP_SUMMARY",
            "with --format github, the Markdown report is appended to this file",
        ),
        (
            "WHATSAPP_ACCESS_TOKEN",
            "the access token walint templates pull sends to the Graph API (never taken from \
             a flag, never printed or written)",
        ),
    ] {
        roff.control("TP", []);
        roff.text([bold(variable)]);
        roff.text([roman(meaning)]);
    }
    roff.control("SH", ["SEE ALSO"]);
    let pages: Vec<String> = subcommands.iter().map(|s| format!("{s}(1)")).collect();
    roff.text([roman(pages.join(", "))]);
    roff
}
