//! `walint check --watch` as a person uses it: the real binary on a folder, a report, a file
//! changed, the next report, walint.yaml edited (broken, then mended), Ctrl-C. Every wait
//! has a time limit and the child is killed at the end whatever happened, so the test
//! cannot hang.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

/// The longest any one report may take to come.
const WAIT: Duration = Duration::from_secs(30);

const TEMPLATE: &str = r#"{"name": "order_shipped", "language": "en_US", "category": "UTILITY", "status": "APPROVED",
 "components": [{"type": "BODY", "text": "Your order has shipped and arrives on Friday."}]}
"#;

const FLOW: &str = "flow: bot\nentry: hi\nkeywords: {STOP: out, AGENT: human}\nnodes:\n  hi:\n    type: template\n    template: {name: order_shipped, language: en_US}\n    next: human\n  human: {type: handoff}\n  out: {type: opt_out}\n";

/// The watching child, killed when the test ends however it ends.
struct Watching {
    child: Child,
    stdout: Receiver<String>,
    stderr: Receiver<String>,
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Each line a child's stream prints, sent as it comes.
fn lines(stream: impl std::io::Read + Send + 'static) -> Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    receiver
}

fn watch(dir: &Path, args: &[&str]) -> Watching {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("walint"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", common::EPOCH)
        .env_remove("GITHUB_STEP_SUMMARY")
        .args(["check", "--watch"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = lines(child.stdout.take().unwrap());
    let stderr = lines(child.stderr.take().unwrap());
    Watching {
        child,
        stdout,
        stderr,
    }
}

impl Watching {
    /// The lines standard error prints up to the next one that says walint is watching
    /// again.
    fn next_run(&self) -> Vec<String> {
        let mut lines = Vec::new();
        self.until(&self.stderr, &mut lines, |line| {
            line.ends_with("watching for changes (Ctrl-C to stop)")
        });
        lines
    }

    /// The report standard output printed, up to its summary line. (Standard error says a
    /// run is done after its report, but the two streams are read apart.)
    fn report(&self) -> String {
        let mut lines = Vec::new();
        self.until(&self.stdout, &mut lines, |line| {
            line.starts_with("Found ") || line.starts_with("No problems found")
        });
        lines.join("\n")
    }

    fn until(
        &self,
        stream: &Receiver<String>,
        lines: &mut Vec<String>,
        last: impl Fn(&str) -> bool,
    ) {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match stream.recv_timeout(left) {
                Ok(line) => {
                    let done = last(&line);
                    lines.push(line);
                    if done {
                        return;
                    }
                }
                Err(_) => panic!("no end of the run within {WAIT:?}; so far: {lines:?}"),
            }
        }
    }
}

/// Written as editors save: a new file renamed over the old one, so that no run sees it
/// half written. (The temporary file is no kind walint checks: it starts no run.)
fn write(path: &Path, text: &str) {
    let temporary = path.with_extension("tmp");
    std::fs::write(&temporary, text).unwrap();
    std::fs::rename(&temporary, path).unwrap();
}

#[test]
fn a_change_is_reported_in_the_next_run_and_a_config_edit_reloads_the_config() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("order_shipped.json");
    write(&template, TEMPLATE);
    write(&dir.path().join("bot.yaml"), FLOW);
    let watching = watch(dir.path(), &["-f", "concise"]);

    let errors = watching.next_run();
    let report = watching.report();
    assert_eq!(
        errors,
        ["walint: read 2 files; watching for changes (Ctrl-C to stop)"]
    );
    assert_eq!(report, "No problems found in 2 files.");

    // A file walint does not check starts no run. The template is renamed: it alone is
    // read again, and the flow, kept from the last run, no longer finds the template.
    std::fs::write(dir.path().join("notes.txt"), "to do\n").unwrap();
    write(&template, &TEMPLATE.replace("order_shipped", "order_sent"));
    let errors = watching.next_run();
    let report = watching.report();
    assert_eq!(
        errors,
        ["walint: read 1 of 2 files again; watching for changes (Ctrl-C to stop)"]
    );
    assert!(
        report.starts_with("bot.yaml:7:22: error[WA211] "),
        "{report}"
    );
    assert!(
        report.ends_with("Found 1 problem (1 error, 0 warnings, 0 infos) in 2 files."),
        "{report}"
    );

    // A broken walint.yaml is shown, and the watch goes on.
    let config = dir.path().join("walint.yaml");
    write(&config, "rules:\n  WA211: of\n");
    let errors = watching.next_run();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors[0].starts_with("walint: error: walint.yaml:2:10: "),
        "{errors:?}"
    );

    // Mended, it applies to every file, read again with it (walint.yaml among them, not a
    // kind walint checks).
    write(&config, "rules:\n  WA211: off\n");
    let errors = watching.next_run();
    let report = watching.report();
    assert_eq!(
        errors,
        ["walint: read 3 files; watching for changes (Ctrl-C to stop)"]
    );
    assert_eq!(report, "No problems found in 2 files.");

    stop(watching);
}

/// Ctrl-C ends the watch with exit 0 (where signals are sent); elsewhere the child is killed.
#[cfg(unix)]
fn stop(mut watching: Watching) {
    let pid = watching.child.id() as libc::pid_t;
    // SAFETY: kill only sends a signal to the child this test started and still holds.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(status) = watching.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "still running after Ctrl-C");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0), "{status:?}");
}

#[cfg(not(unix))]
fn stop(watching: Watching) {
    drop(watching);
}

#[test]
fn watch_refuses_what_would_write_files_read_stdin_or_not_suit_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("order_shipped.json"), TEMPLATE);
    for (args, why) in [
        (&["--fix"][..], "--fix, --diff and --unsafe-fixes"),
        (&["--diff"][..], "--fix, --diff and --unsafe-fixes"),
        (&["-o", "report.txt"][..], "--output"),
        (&["-o", "json=report.json"][..], "--output"),
        (&["-"][..], "`-` (standard input)"),
        (&["-f", "json"][..], "--format other than human or concise"),
    ] {
        let mut all = vec!["check", "--watch"];
        all.extend(args);
        let output = common::walint_in(dir.path(), &all);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = common::stderr(&output);
        assert!(
            stderr.starts_with(&format!("walint: error: --watch cannot be used with {why}")),
            "{args:?}: {stderr}"
        );
        assert!(common::stdout(&output).is_empty());
    }
    // A problem of the first run is an error, as without --watch.
    let output = common::walint_in(dir.path(), &["check", "--watch", "missing/"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        common::stderr(&output),
        "walint: error: path `missing/` does not exist\n"
    );
}

#[test]
fn a_change_in_a_nested_project_is_reported_with_its_own_config() {
    // Two projects: the top one turns WA211 off, the nested `shop` makes it a warning.
    // Each flow sends a template of its own project only.
    let dir = tempfile::tempdir().unwrap();
    let shop = dir.path().join("shop");
    std::fs::create_dir(&shop).unwrap();
    write(&dir.path().join("walint.yaml"), "rules:\n  WA211: off\n");
    write(&dir.path().join("order_shipped.json"), TEMPLATE);
    write(&dir.path().join("bot.yaml"), FLOW);
    let shop_config = shop.join("walint.yaml");
    write(&shop_config, "rules:\n  WA211: warning\n");
    let shop_template = shop.join("order_shipped.json");
    write(&shop_template, TEMPLATE);
    write(&shop.join("bot.yaml"), FLOW);
    let watching = watch(dir.path(), &["-f", "concise"]);
    assert_eq!(
        watching.next_run(),
        ["walint: read 6 files; watching for changes (Ctrl-C to stop)"]
    );
    assert_eq!(watching.report(), "No problems found in 4 files.");

    // The shop's template renamed: its flow no longer finds it (the top project's template
    // of that name is another project's), and the finding has the shop's severity.
    write(
        &shop_template,
        &TEMPLATE.replace("order_shipped", "order_sent"),
    );
    assert_eq!(
        watching.next_run(),
        ["walint: read 1 of 6 files again; watching for changes (Ctrl-C to stop)"]
    );
    let report = watching.report();
    assert!(
        report.starts_with("shop/bot.yaml:7:22: warning[WA211] "),
        "{report}"
    );
    assert!(
        report.ends_with("Found 1 problem (0 errors, 1 warning, 0 infos) in 4 files."),
        "{report}"
    );

    // The shop's template gone: its project holds none, which the run says once, as a run
    // of its own would.
    std::fs::remove_file(&shop_template).unwrap();
    let errors = watching.next_run();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors[0].starts_with("walint: note: no template file is in the run or its project, so "),
        "{errors:?}"
    );
    assert_eq!(
        errors[1],
        "walint: read 0 of 5 files again; watching for changes (Ctrl-C to stop)"
    );
    assert_eq!(watching.report(), "No problems found in 3 files.");

    // Back, then the nested walint.yaml edited (walint.yaml files are among the files
    // read): every file is read again with it.
    write(
        &shop_template,
        &TEMPLATE.replace("order_shipped", "order_sent"),
    );
    assert_eq!(
        watching.next_run(),
        ["walint: read 1 of 6 files again; watching for changes (Ctrl-C to stop)"]
    );
    let report = watching.report();
    assert!(
        report.starts_with("shop/bot.yaml:7:22: warning[WA211] "),
        "{report}"
    );
    write(&shop_config, "rules:\n  WA211: error\n");
    let errors = watching.next_run();
    assert_eq!(
        errors,
        ["walint: read 6 of 6 files again; watching for changes (Ctrl-C to stop)"]
    );
    let report = watching.report();
    assert!(
        report.starts_with("shop/bot.yaml:7:22: error[WA211] "),
        "{report}"
    );

    stop(watching);
}
