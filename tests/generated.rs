//! `walint completions SHELL` and `walint man`: generated from the clap definitions, checked
//! by the programs that read them (bash, man).

mod common;

use std::path::Path;
use std::process::Command;

use common::{stderr, stdout, walint};

const SHELLS: [&str; 5] = ["bash", "zsh", "fish", "powershell", "elvish"];

#[test]
fn every_shell_gets_a_completion_script_naming_the_subcommands_and_options() {
    for shell in SHELLS {
        let output = walint(&["completions", shell]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{shell}: {}",
            stderr(&output)
        );
        let script = stdout(&output);
        // fish spells long options `-l fail-on`.
        for word in [
            "walint", "check", "baseline", "explain", "fail-on", "format",
        ] {
            assert!(script.contains(word), "{shell} script lacks `{word}`");
        }
        assert_eq!(script, stdout(&walint(&["completions", shell])), "{shell}");
    }
}

#[test]
fn an_unknown_shell_is_a_usage_error_listing_the_shells() {
    let output = walint(&["completions", "tcsh"]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    for shell in ["bash", "elvish", "fish", "powershell", "zsh"] {
        assert!(message.contains(shell), "{message}");
    }
}

/// Runs `script` with bash; its stdout.
fn bash(script: &str) -> String {
    let output = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", script])
        .output()
        .expect("bash runs");
    assert!(
        output.status.success(),
        "bash failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn bash_accepts_the_bash_script_and_it_completes_subcommands_and_values() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("walint.bash");
    std::fs::write(&path, stdout(&walint(&["completions", "bash"]))).unwrap();
    let path = path.display();
    bash(&format!("bash -n '{path}'"));

    // What bash's programmable completion asks when the user presses Tab.
    let complete = |words: &[&str]| {
        let list = words
            .iter()
            .map(|w| format!("'{w}'"))
            .collect::<Vec<_>>()
            .join(" ");
        let current = words.last().unwrap();
        let previous = words[words.len() - 2];
        bash(&format!(
            "source '{path}'; COMP_WORDS=({list}); COMP_CWORD={}; \
             _walint walint '{current}' '{previous}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            words.len() - 1
        ))
    };
    let subcommands = complete(&["walint", ""]);
    for name in [
        "check",
        "rules",
        "explain",
        "init",
        "baseline",
        "completions",
        "man",
        "schema",
    ] {
        assert!(subcommands.lines().any(|l| l == name), "{subcommands}");
    }
    assert_eq!(
        complete(&["walint", "check", "--fail-on", ""]),
        "error\nwarning\ninfo\nnever\n"
    );
    let formats = complete(&["walint", "check", "--format", ""]);
    assert!(formats.lines().any(|l| l == "sarif"), "{formats}");
    assert_eq!(
        complete(&["walint", "completions", "f"]),
        "fish\n",
        "shell names complete"
    );
    assert_eq!(
        complete(&["walint", "schema", "f"]),
        "flow\n",
        "schema names complete"
    );
}

/// zsh and fish read their scripts (`zsh -n`, `fish --no-execute`), and fish completes with
/// its script, when those shells are installed (.ci/run installs them and sets
/// WALINT_REQUIRE_SHELLS, so there a missing shell fails).
#[test]
fn zsh_and_fish_accept_their_scripts_and_fish_completes_with_it() {
    let required = std::env::var_os("WALINT_REQUIRE_SHELLS").is_some();
    let dir = tempfile::tempdir().unwrap();
    for (shell, check) in [("zsh", "-n"), ("fish", "--no-execute")] {
        if Command::new(shell).arg("--version").output().is_err() {
            assert!(
                !required,
                "WALINT_REQUIRE_SHELLS is set but {shell} cannot be run"
            );
            eprintln!("skipped: {shell} is not installed");
            continue;
        }
        let path = dir.path().join(format!("walint.{shell}"));
        std::fs::write(&path, stdout(&walint(&["completions", shell]))).unwrap();
        let output = Command::new(shell).arg(check).arg(&path).output().unwrap();
        assert!(
            output.status.success(),
            "{shell} {check}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        if shell == "fish" {
            let complete = |line: &str| {
                let script = format!(
                    "source '{}'; complete --do-complete '{line}'",
                    path.display()
                );
                let output = Command::new("fish")
                    .args(["--no-config", "-c", &script])
                    .output()
                    .unwrap();
                String::from_utf8(output.stdout).unwrap()
            };
            let values: Vec<String> = complete("walint check --fail-on ")
                .lines()
                .map(|l| l.split('\t').next().unwrap_or("").to_string())
                .collect();
            assert_eq!(values, ["error", "info", "never", "warning"]);
            let subcommands = complete("walint ");
            assert!(
                subcommands.lines().any(|l| l.starts_with("check")),
                "{subcommands}"
            );
        }
    }
}

#[test]
fn the_man_page_is_roff_generated_from_the_command_line() {
    let output = walint(&["man"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let page = stdout(&output);
    assert!(page.contains(".TH walint 1"), "{page}");
    for section in [
        "NAME",
        "SYNOPSIS",
        "SUBCOMMANDS",
        "\"EXIT STATUS\"",
        "FILES",
    ] {
        assert!(page.contains(&format!(".SH {section}\n")), "no {section}");
    }
    for sub in ["check", "baseline", "completions", "man", "schema"] {
        assert!(page.contains(&format!("walint\\-{sub}(1)")), "no {sub}");
    }
    assert_eq!(
        page,
        stdout(&walint(&["man"])),
        "byte-identical on every run"
    );
}

#[test]
fn man_dir_writes_one_page_per_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("man1");
    let output = walint(&["man", "--dir", target.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let mut names: Vec<String> = std::fs::read_dir(&target)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let expected = [
        "walint-baseline.1",
        "walint-check.1",
        "walint-completions.1",
        "walint-explain.1",
        "walint-init.1",
        "walint-man.1",
        "walint-rules.1",
        "walint-schema.1",
        "walint-server.1",
        "walint-templates.1",
        "walint-test.1",
        "walint.1",
    ];
    assert_eq!(names, expected);
    assert_eq!(stdout(&output).lines().count(), expected.len());
    let check = std::fs::read_to_string(target.join("walint-check.1")).unwrap();
    assert!(check.contains("\\-\\-fail\\-on"), "{check}");
    assert_eq!(
        std::fs::read_to_string(target.join("walint.1")).unwrap(),
        stdout(&walint(&["man"])),
        "walint.1 is the page `walint man` prints"
    );

    let blocked = dir.path().join("a-file");
    std::fs::write(&blocked, "").unwrap();
    let output = walint(&["man", "--dir", blocked.join("man1").to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).starts_with("walint: error: cannot write man pages to"));
}

/// `man -l FILE` as a reader would see it, with groff's warnings on; None without man.
fn render_with_man(page: &Path) -> Option<String> {
    let output = Command::new("man")
        .args(["--warnings", "-E", "UTF-8", "-l"])
        .arg(page)
        .env("MANWIDTH", "100")
        .env("MAN_DISABLE_SECCOMP", "1")
        .env("LC_ALL", "C.UTF-8")
        .output()
        .ok()?;
    let warnings = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && warnings.trim().is_empty(),
        "man -l {}: {warnings}",
        page.display()
    );
    Some(String::from_utf8(output.stdout).unwrap())
}

#[test]
fn man_renders_every_page_without_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let output = walint(&["man", "--dir", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0));
    let Some(main) = render_with_man(&dir.path().join("walint.1")) else {
        // .ci/run installs man-db and sets WALINT_REQUIRE_MAN: there, a missing man fails.
        assert!(
            std::env::var_os("WALINT_REQUIRE_MAN").is_none(),
            "WALINT_REQUIRE_MAN is set but `man` cannot be run"
        );
        eprintln!("skipped: `man` is not installed (apt-get install man-db)");
        return;
    };
    assert!(main.contains("walint-check(1)"), "{main}");
    assert!(main.contains("EXIT STATUS"), "{main}");
    let check = render_with_man(&dir.path().join("walint-check.1")).unwrap();
    assert!(check.contains("--fail-on <FAIL_ON>"), "{check}");
    assert!(check.contains("sarif"), "{check}");
    for line in stdout(&output).lines() {
        render_with_man(Path::new(line)).unwrap();
    }
}
