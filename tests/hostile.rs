//! Hostile input found by an outside test campaign (issue 14): each case once made walint
//! panic, run out of memory, lose its report or print what it should not. The real binary
//! on files made for each case.

mod common;

use std::path::Path;

use common::{stderr, stdout, walint_in, walint_sh};

/// Every format, written in one run: the main one on stdout, the others to files.
const FORMATS: [&str; 9] = [
    "human", "concise", "json", "sarif", "junit", "github", "gitlab", "markdown", "html",
];

/// `check --format human FILES... -o FORMAT=out.FORMAT` for the other eight formats; the
/// reports by format.
fn every_format(dir: &Path, script: &str, files: &[&str]) -> (Option<i32>, Vec<(String, Vec<u8>)>) {
    let mut args = vec!["check", "--fail-on", "info", "--format", "human"];
    let targets: Vec<String> = FORMATS[1..]
        .iter()
        .map(|f| format!("{f}=out.{f}"))
        .collect();
    for target in &targets {
        args.extend(["-o", target.as_str()]);
    }
    args.extend_from_slice(files);
    let output = walint_sh(dir, script, &args);
    assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
    let mut reports = vec![("human".to_string(), output.stdout.clone())];
    for format in &FORMATS[1..] {
        let text = std::fs::read(dir.join(format!("out.{format}"))).unwrap_or_else(|e| {
            panic!("no {format} report ({e}): {}", stderr(&output));
        });
        reports.push((format.to_string(), text));
    }
    (output.status.code(), reports)
}

/// `n` MARKETING templates without opt-out or variable (WA109 and WA116 each), minified on
/// one line, as Meta's list response is when saved straight from the API.
fn one_line_templates(n: usize) -> String {
    let templates: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"name":"spring_sale_{i}","language":"en_US","category":"MARKETING","status":"APPROVED","components":[{{"type":"BODY","text":"Big sale today, visit our shop!"}}]}}"#
            )
        })
        .collect();
    format!("{{\"data\":[{}]}}", templates.join(","))
}

#[test]
fn two_thousand_templates_on_one_line_give_small_reports_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let text = one_line_templates(2000);
    assert!(text.len() > 280_000 && !text.contains('\n'));
    std::fs::write(dir.path().join("templates.json"), &text).unwrap();
    // 512 MiB of address space: the run once needed gigabytes (1.35 GB of SARIF alone).
    let (code, reports) = every_format(
        dir.path(),
        "ulimit -v 524288 && exec \"$0\" \"$@\"",
        &["templates.json"],
    );
    assert_eq!(code, Some(1));
    let findings = 4000;
    for (format, report) in &reports {
        // Each finding shows at most a window of its line, never the 300 KB line itself.
        assert!(
            report.len() < findings * 3000,
            "{format}: {} bytes for {findings} findings",
            report.len()
        );
        let longest = report.split(|&b| b == b'\n').map(<[u8]>::len).max();
        assert!(
            longest < Some(20_000),
            "{format}: a line of {longest:?} bytes"
        );
    }
    let json: serde_json::Value = serde_json::from_slice(&reports[2].1).unwrap();
    assert_eq!(json["diagnostics"].as_array().map(Vec::len), Some(findings));
}

#[test]
fn a_finding_past_column_65535_is_shown_in_the_default_format() {
    let dir = tempfile::tempdir().unwrap();
    let text = one_line_templates(600);
    assert!(text.len() > 66_000);
    std::fs::write(dir.path().join("all.json"), &text).unwrap();
    let output = walint_in(dir.path(), &["check", "all.json"]);
    // Once a panic inside miette (`Formatting argument out of range`), the report lost.
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let out = stdout(&output);
    let last_column = out
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("╭─[all.json:1:"))
        .filter_map(|c| c.trim_end_matches(']').parse::<usize>().ok())
        .max();
    assert!(last_column > Some(90_000), "{last_column:?}");
    assert!(
        out.contains("Found 1200 problems"),
        "{}",
        &out[out.len() - 300..]
    );
    // The snippet is a window with an ellipsis on each side, not the 80 KB line.
    let snippet = out
        .lines()
        .find(|l| l.starts_with(" 1 │ …"))
        .expect("a cut snippet line");
    assert!(
        snippet.ends_with('…') && snippet.chars().count() < 500,
        "{snippet}"
    );
}

#[test]
fn a_report_that_cannot_be_written_is_exit_2_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("c.yaml"),
        "campaign: x\ntemplate: {name: a, language: en}\n",
    )
    .unwrap();
    // The template it sends is in the run: no note about templates it cannot see.
    std::fs::write(
        dir.path().join("a.json"),
        r#"{"name": "a", "language": "en", "category": "UTILITY", "components": [{"type": "BODY", "text": "Your order has shipped."}]}"#,
    )
    .unwrap();
    let full = "exec \"$0\" \"$@\" > /dev/full";
    for args in [
        &["check"][..],
        &["check", "--format", "json"],
        &["rules"],
        &["rules", "--format", "json"],
        &["explain", "WA201"],
        &["init"],
        &["--help"],
    ] {
        let output = walint_sh(dir.path(), full, args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert_eq!(
            stderr(&output),
            "walint: error: cannot write standard output: No space left on device\n",
            "{args:?}"
        );
    }
    // A closed stdout: the report is not silently dropped either.
    for args in [&["check"][..], &["rules"]] {
        let output = walint_sh(dir.path(), "exec \"$0\" \"$@\" >&-", args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains("cannot write standard output: Bad file descriptor"),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    // /dev/null is a sink the user chose: the exit code is the run's.
    let output = walint_sh(dir.path(), "exec \"$0\" \"$@\" > /dev/null", &["check"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    // Opened read and write, as Python's `subprocess.DEVNULL` and Rust's `Stdio::null()` open
    // it, it is still the caller's sink, not a closed stdout.
    let output = walint_sh(dir.path(), "exec \"$0\" \"$@\" 1<> /dev/null", &["check"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let output = std::process::Command::new(assert_cmd::cargo::cargo_bin("walint"))
        .current_dir(dir.path())
        .arg("check")
        .stdout(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
}

#[cfg(unix)]
#[test]
fn control_characters_from_files_and_names_are_escaped_in_every_text_format() {
    let dir = tempfile::tempdir().unwrap();
    // A name that retitles the terminal, and one that starts a new line of output.
    let name = "x\u{1b}]0;pwned\u{7}.json";
    std::fs::write(
        dir.path().join(name),
        r#"{"name": "sale\u001b[2J", "language": "en_US", "category": "UTILITY", "components": [{"type": "BODY", "text": "Your order shipped"}]}"#,
    )
    .unwrap();
    let broken = "a\nb.yaml";
    std::fs::write(
        dir.path().join(broken),
        "campaign: x\ntemplate: {name: a, language: en}\n# note \u{1b}[31m red\n",
    )
    .unwrap();
    let (_, reports) = every_format(dir.path(), "exec \"$0\" \"$@\"", &[name, broken]);
    for (format, report) in &reports {
        let text = String::from_utf8_lossy(report);
        if ["json", "sarif", "gitlab"].contains(&format.as_str()) {
            // JSON escapes them itself.
            assert!(!report.contains(&0x1b), "{format}");
            continue;
        }
        assert!(
            !report.contains(&0x1b) && !report.contains(&0x07),
            "{format}: {text}"
        );
        assert!(text.contains("sale\\e[2J"), "{format}: {text}");
        assert!(text.contains("x\\e]0;pwned\\u{7}.json"), "{format}: {text}");
        assert!(text.contains("a\\nb.yaml"), "{format}: {text}");
    }
    // The comment's escape sequence is in the human snippet, escaped.
    let human = String::from_utf8_lossy(&reports[0].1);
    assert!(human.contains("# note \\e[31m red"), "{human}");
}

#[test]
fn a_carriage_return_alone_is_a_line_break_for_positions() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("c.yaml"),
        "campaign: ok\rtemplate: {name: a, language: en}\raudience: {requires_opt_in: false}\r",
    )
    .unwrap();
    let output = walint_in(dir.path(), &["check", "--format", "concise"]);
    assert!(
        stdout(&output).contains("c.yaml:3:29: error[WA501]"),
        "{}",
        stdout(&output)
    );
    let output = walint_in(dir.path(), &["check"]);
    let human = stdout(&output);
    assert!(
        human.contains(" 3 │ audience: {requires_opt_in: false}"),
        "{human}"
    );
}

#[test]
fn raw_control_characters_in_json_strings_are_wa001_at_the_character() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("t.json"),
        "{\"name\": \"order\tshipped\", \"language\": \"en_US\", \"category\": \"UTILITY\",\n \"components\": [{\"type\": \"BODY\", \"text\": \"line one\nline two\"}]}",
    )
    .unwrap();
    let output = walint_in(dir.path(), &["check", "--format", "concise"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains(
            "t.json:1:16: error[WA001] invalid JSON: control character U+0009 (tab) written raw inside a string; JSON requires it escaped, as `\\t`"
        ),
        "{}",
        stdout(&output)
    );
}

#[cfg(unix)]
#[test]
fn a_name_that_is_not_utf8_is_shown_escaped_and_sarif_has_its_bytes() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.yaml");
    std::fs::write(
        dir.path().join(name),
        "campaign: ok\ntemplate: {name: a, language: en}\naudience: {requires_opt_in: false}\n",
    )
    .unwrap();
    let output = walint_in(dir.path(), &["check", "--format", "concise"]);
    assert!(
        stdout(&output).contains("caf\\xe9.yaml:3:29: error[WA501]"),
        "{}",
        stdout(&output)
    );
    let output = walint_in(dir.path(), &["check", "--format", "sarif"]);
    let sarif = common::json_of(&output);
    let run = &sarif["runs"][0];
    assert_eq!(run["artifacts"][0]["location"]["uri"], "caf%E9.yaml");
    // Named on the command line, it is an argument that is not UTF-8 either: the audit
    // report's metadata quotes it escaped (this once panicked reading the arguments).
    let output = common::command(dir.path(), &["check", "--format", "markdown"])
        .arg(name)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let markdown = stdout(&output);
    assert!(markdown.contains("caf\\xe9.yaml"), "{markdown}");
    assert!(markdown.contains("### `caf\\xe9.yaml`"), "{markdown}");
}

#[test]
fn markdown_code_spans_show_their_text_as_written() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("t.json"),
        r#"{"name": "order<b>", "language": "en_US", "category": "UTILITY", "components": [{"type": "BODY", "text": "Your order shipped"}]}"#,
    )
    .unwrap();
    let output = walint_in(dir.path(), &["check", "--format", "markdown"]);
    let markdown = stdout(&output);
    assert!(
        markdown.contains("template name `order<b>` may use only"),
        "{markdown}"
    );
    assert!(!markdown.contains("`&lt;"), "{markdown}");
    // The HTML report still escapes it.
    let output = walint_in(dir.path(), &["check", "--format", "html"]);
    let html = stdout(&output);
    assert!(html.contains("<code>order&lt;b&gt;</code>"), "{html}");
    assert!(!html.contains("order<b>"));
}

/// A realistic Meta access token, different for each place it is planted.
fn token(tag: char) -> String {
    format!("EAAG{tag}m0PX4ZCpsBAKZBqZAhZCZCZAvWQZDZD1x9yKZBqs8Jd7ZAnZCmBZAwLZBZC5Xk3{tag}")
}

#[test]
fn no_secret_shows_in_any_format_nor_in_the_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let (query, name, comment, key, broken, body) = (
        token('Q'),
        token('N'),
        token('C'),
        token('K'),
        token('B'),
        token('T'),
    );
    let password = "Hunter2Correct9Horse";
    let verify = "k8Jq2vX9pLm4nR7sT1wY";
    let app_secret = "6dca4e8f0b2a4c1d9e7f3a5b8c0d2e4f";
    std::fs::write(
        dir.path().join("webhooks.yaml"),
        format!(
            "# rotated on Monday, the old one was {comment}\nwebhooks:\n  - name: {name}\n    callback_url: http://hooks.acme.example/wa?access_token={query}\n    verify_token: \"{verify}\"\n    app_secret: {app_secret}\n  - name: second\n    callback_url: http://bot:{password}@hooks.acme.example/wa\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("template.json"),
        format!(
            r#"{{"name": "{name}", "language": "en_US", "category": "MARKETING", "components": [{{"type": "BODY", "text": "Sale! http://shop.example/?t={body} today"}}]}}"#
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("keyed.yaml"),
        format!("campaign: x\ntemplate: {{name: a, language: en}}\naudience:\n  {key}: true\n"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("broken.json"),
        format!("{{\"components\": [{{\"access_token\": \"{broken}\" \"type\": \"BODY\"}}]}}"),
    )
    .unwrap();
    let (_, reports) = every_format(dir.path(), "exec \"$0\" \"$@\"", &["."]);
    let baseline = walint_in(dir.path(), &["baseline", "-o", "baseline.json"]);
    assert_eq!(baseline.status.code(), Some(0), "{}", stderr(&baseline));
    let mut all = reports;
    all.push((
        "baseline".to_string(),
        std::fs::read(dir.path().join("baseline.json")).unwrap(),
    ));
    let secrets = [
        &query[..],
        &name,
        &comment,
        &key,
        &broken,
        &body,
        password,
        verify,
        app_secret,
    ];
    for (format, report) in &all {
        let text = String::from_utf8_lossy(report).to_lowercase();
        assert!(text.len() > 500, "{format}: {text}");
        for secret in secrets {
            // Whole, or any 12 characters of it, in any letter case.
            let secret = secret.to_lowercase();
            for start in 0..=secret.len().saturating_sub(12) {
                let piece = &secret[start..(start + 12).min(secret.len())];
                assert!(
                    !text.contains(piece),
                    "{format} shows `{piece}` of a secret:\n{}",
                    &text[text.find(piece).unwrap().saturating_sub(300)..]
                        [..600.min(text.len() - text.find(piece).unwrap().saturating_sub(300))]
                );
            }
        }
    }
    // The findings are all there, masked: the HTTP webhooks, the token used as a name, the
    // parse error right after a secret.
    let json: serde_json::Value = serde_json::from_slice(&all[2].1).unwrap();
    let rules: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["rule"].as_str())
        .collect();
    for rule in ["WA001", "WA003", "WA102", "WA401"] {
        assert!(rules.contains(&rule), "{rule} missing: {rules:?}");
    }
}

const CAMPAIGN: &str =
    "campaign: ok\ntemplate: {name: a, language: en}\naudience: {requires_opt_in: false}\n";

fn mkfifo(path: &Path) -> bool {
    std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

#[cfg(unix)]
#[test]
fn fifos_and_devices_are_not_read_anywhere() {
    let dir = tempfile::tempdir().unwrap();
    if !mkfifo(&dir.path().join("x.yaml")) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("t.json")).unwrap();
    std::fs::write(dir.path().join("c.yaml"), CAMPAIGN).unwrap();
    // Found while walking, and named: WA001 each, the rest linted, in well under the time
    // limit (a FIFO once blocked forever, /dev/zero grew memory until killed).
    for args in [&["."][..], &["x.yaml", "t.json", "c.yaml"]] {
        let mut all = vec!["check", "--format", "concise"];
        all.extend_from_slice(args);
        let output = walint_in(dir.path(), &all);
        let out = stdout(&output);
        assert!(
            out.contains("x.yaml:1:1: error[WA001] not a regular file (a named pipe)"),
            "{out}"
        );
        assert!(
            out.contains("t.json:1:1: error[WA001] not a regular file (a character device)"),
            "{out}"
        );
        assert!(out.contains("c.yaml:3:29: error[WA501]"), "{out}");
    }
    // As the config, or the baseline: exit 2 with the reason.
    for (args, message) in [
        (
            &["check", "-c", "x.yaml", "c.yaml"][..],
            "config file `x.yaml` is not a regular file (a named pipe)",
        ),
        (
            &["check", "-c", ".", "c.yaml"],
            "config file `.` is not a regular file (a folder)",
        ),
        (
            &["check", "-c", "/dev/zero", "c.yaml"],
            "config file `/dev/zero` is not a regular file (a character device)",
        ),
        (
            &["check", "--baseline", "x.yaml", "c.yaml"],
            "cannot read baseline `x.yaml`: not a regular file (a named pipe)",
        ),
    ] {
        let output = walint_in(dir.path(), args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&output).contains(message),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    // A walint.yaml that is a FIFO, a dangling or a looping link is no reason to use the
    // defaults.
    std::fs::rename(dir.path().join("x.yaml"), dir.path().join("walint.yaml")).unwrap();
    let output = walint_in(dir.path(), &["check", "c.yaml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("not a regular file (a named pipe)"),
        "{}",
        stderr(&output)
    );
    std::fs::remove_file(dir.path().join("walint.yaml")).unwrap();
    std::os::unix::fs::symlink("walint.yaml", dir.path().join("walint.yaml")).unwrap();
    let output = walint_in(dir.path(), &["check", "c.yaml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("a symbolic link that leads nowhere"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn standard_input_is_read_up_to_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let endless = "exec head -c 6000000 /dev/zero | \"$0\" \"$@\"";
    let output = walint_sh(dir.path(), endless, &["check", "--format", "concise", "-"]);
    assert!(
        stdout(&output)
            .contains("error[WA001] file is larger than 5 MiB; walint reads files up to 5 MiB"),
        "{}",
        stdout(&output)
    );
}

#[cfg(unix)]
#[test]
fn a_folder_that_cannot_be_read_is_never_a_clean_pass() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::write(locked.join("c.yaml"), CAMPAIGN).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    // Root reads any folder: run as nobody where walint runs as root.
    let as_user = if is_root() {
        "exec setpriv --reuid=nobody --regid=nogroup --clear-groups \"$0\" \"$@\""
    } else {
        "exec \"$0\" \"$@\""
    };
    let output = walint_sh(dir.path(), as_user, &["check", "--format", "concise", "."]);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    if stderr(&output).contains("setpriv") {
        eprintln!(
            "skipped: setpriv cannot change user here: {}",
            stderr(&output)
        );
        return;
    }
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("locked:1:1: error[WA001] cannot read folder:"),
        "{}",
        stdout(&output)
    );
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let output = walint_sh(dir.path(), as_user, &["check", "locked"]);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("cannot read folder `locked`: Permission denied"),
        "{}",
        stderr(&output)
    );
    // A path over the system's limit, named: exit 2 with the reason, not "0 files".
    let long = vec!["d".repeat(200); 25].join("/");
    let output = walint_in(dir.path(), &["check", &long]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("File name too long"),
        "{}",
        stderr(&output)
    );
}

/// Whether this process runs as root (who reads folders whatever their mode).
fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

#[cfg(unix)]
#[test]
fn a_file_seen_through_a_symlinked_folder_is_linted_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("templates")).unwrap();
    std::fs::write(
        dir.path().join("templates/promo.json"),
        r#"{"name": "promo", "language": "en_US", "category": "UTILITY", "components": [{"type": "BODY", "text": "Your order shipped"}]}"#,
    )
    .unwrap();
    std::os::unix::fs::symlink("templates", dir.path().join("current")).unwrap();
    let output = walint_in(dir.path(), &["check", "--format", "json", "."]);
    let json = common::json_of(&output);
    assert_eq!(json["summary"]["files"], 1, "{json}");
    // No false duplicate (WA113) of the file with itself.
    assert_eq!(
        json["diagnostics"].as_array().map(Vec::len),
        Some(0),
        "{json}"
    );
}

#[test]
fn utf16_and_utf32_files_are_named_for_what_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let mut utf16 = vec![0xff, 0xfe];
    for unit in CAMPAIGN.encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    std::fs::write(dir.path().join("c16.yaml"), &utf16).unwrap();
    let mut utf32 = vec![0, 0, 0xfe, 0xff];
    for c in CAMPAIGN.chars() {
        utf32.extend((c as u32).to_be_bytes());
    }
    std::fs::write(dir.path().join("c32.yaml"), &utf32).unwrap();
    // Found while walking, each carries a walint marker: both reported.
    let output = walint_in(dir.path(), &["check", "--format", "concise"]);
    let out = stdout(&output);
    assert!(
        out.contains("c16.yaml:1:1: error[WA001] UTF-16 (little-endian) text; walint reads UTF-8: convert it, e.g. with `iconv -f UTF-16 -t UTF-8`"),
        "{out}"
    );
    assert!(
        out.contains("c32.yaml:1:1: error[WA001] UTF-32 (big-endian) text; walint reads UTF-8"),
        "{out}"
    );
}
