//! The CI gate never passes silently: one test (or a few) per item of the issue that made
//! walint a merge gate, each reproduced on walint 0.1 first. Every test runs the real binary;
//! `WALINT_BIN=/path/to/old/walint cargo test --test gate` shows them failing on an old build.

mod common;

use std::path::Path;
use std::process::Output;

use common::{stderr, stdout, walint_in};
use serde_json::Value;

/// A folder holding `files` (path → content), folders created as needed.
fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, content) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    dir
}

/// The JSON report of `walint check ARGS --format json` in `dir`, with the run's output.
fn json_report(dir: &Path, args: &[&str]) -> (Value, Output) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let output = walint_in(dir, &all);
    (common::json_of(&output), output)
}

/// `(rule, file, line)` of every diagnostic of a JSON report.
fn findings(report: &Value) -> Vec<(String, String, u64)> {
    report["diagnostics"]
        .as_array()
        .map(|all| {
            all.iter()
                .map(|d| {
                    (
                        d["rule"].as_str().unwrap_or("").to_string(),
                        d["file"].as_str().unwrap_or("").to_string(),
                        d["line"].as_u64().unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

fn template(name: &str, category: &str, body: &str) -> String {
    format!(
        r#"{{"name": "{name}", "language": "en_US", "category": "{category}", "status": "APPROVED",
  "components": [{{"type": "BODY", "text": "{body}"}}]}}
"#
    )
}

// 8. WA111 reads the whole sentence, not four words after the request.

#[test]
fn item_8_a_request_far_before_the_card_number_is_found_and_advice_is_not() {
    let dir = project(&[
        (
            "order_help.json",
            &template(
                "order_help",
                "UTILITY",
                "Please send your order number and the card number you paid with.",
            ),
        ),
        (
            "card_advice.json",
            &template(
                "card_advice",
                "UTILITY",
                "Your order is on its way. We never ask for your card number.",
            ),
        ),
    ]);
    let (report, _) = json_report(dir.path(), &[]);
    let found: Vec<(String, String)> = findings(&report)
        .into_iter()
        .map(|(rule, file, _)| (rule, file))
        .collect();
    assert_eq!(
        found,
        [("WA111".to_string(), "order_help.json".to_string())],
        "{report:#}"
    );
}

// 3. Rule options have a type and a range; a value outside them is exit 2 at the value.
// The cases of the hostile-input issue (item 10) are among them.

#[test]
fn item_3_an_option_of_the_wrong_type_or_out_of_range_is_exit_2_at_the_value() {
    let flow = "flow: bot\nentry: a\nkeywords: {STOP: out}\nnodes:\n  a: {type: handoff}\n  out: {type: opt_out}\n";
    for (setting, at, message) in [
        (
            "WA201: {max_options: five}",
            "2:24",
            "`WA201.max_options` must be a whole number from 1 to 10, not the string `five`",
        ),
        ("WA201: {max_options: 5.5}", "2:24", "not `5.5`"),
        (
            "WA201: {max_options: 99999999999999999999}",
            "2:24",
            "not `99999999999999999999`",
        ),
        ("WA201: {max_options: -1}", "2:24", "not `-1`"),
        ("WA201: {max_options: 0}", "2:24", "not `0`"),
        (
            "WA213: {max_depth: 99999999999999999999}",
            "2:22",
            "`WA213.max_depth` must be a whole number of at least 1",
        ),
        (
            "WA502: {max_per_week: -2}",
            "2:25",
            "`WA502.max_per_week` must be a number of at least 0, not `-2`",
        ),
    ] {
        let dir = project(&[
            ("walint.yaml", &format!("rules:\n  {setting}\n")),
            ("bot.yaml", flow),
        ]);
        let output = walint_in(dir.path(), &["check"]);
        assert_eq!(code(&output), 2, "{setting}: {}", stderr(&output));
        let error = stderr(&output);
        assert!(
            error.starts_with(&format!("walint: error: walint.yaml:{at}: "))
                && error.contains(message),
            "{setting}: {error}"
        );
    }
    let dir = project(&[
        (
            "walint.yaml",
            "overrides:\n  - files: [\"*.yaml\"]\n    pointer: 5\n    rules: {WA203: off}\n    reason: legacy\n",
        ),
        ("bot.yaml", flow),
    ]);
    let output = walint_in(dir.path(), &["check"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("walint.yaml:3:14: `pointer` must be a JSON pointer"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn item_3_explain_shows_each_option_type_and_range_and_does_what_it_says() {
    let explained = walint_in(&common::root(), &["explain", "WA201"]);
    let text = stdout(&explained);
    assert!(
        text.contains("max_options: a whole number from 1 to 10, default 5"),
        "{text}"
    );
    assert!(
        text.contains("reply buttons too when it is set below 3"),
        "{text}"
    );
    // What explain says, the rule does: three reply buttons over `max_options: 2` warn.
    let dir = project(&[
        ("walint.yaml", "rules:\n  WA201: {max_options: 2}\n"),
        (
            "bot.yaml",
            "flow: bot\nentry: a\nkeywords: {STOP: out}\nnodes:\n  a:\n    type: menu\n    text: Hi\n    options:\n      - {title: A, next: h}\n      - {title: B, next: h}\n      - {title: C, next: h}\n    fallback: h\n  h: {type: handoff}\n  out: {type: opt_out}\n",
        ),
    ]);
    let (report, _) = json_report(dir.path(), &[]);
    let menu = &report["diagnostics"][0];
    assert_eq!(menu["rule"], "WA201", "{report:#}");
    assert_eq!(menu["severity"], "warning");
}

const FLOW: &str = "flow: bot\nentry: a\nkeywords: {STOP: out}\nnodes:\n  a: {type: handoff}\n  out: {type: opt_out}\n";

// 1. Nothing checked is never a silent pass.

#[test]
fn item_1_an_include_that_matches_nothing_is_exit_2_in_every_format() {
    let dir = project(&[
        ("walint.yaml", "include: [\"whatsap/**\"]\n"),
        ("whatsapp/bot.yaml", FLOW),
    ]);
    for format in ["human", "json", "sarif", "github"] {
        let output = walint_in(dir.path(), &["check", "--format", format]);
        assert_eq!(code(&output), 2, "{format}: {}", stdout(&output));
        assert_eq!(
            stderr(&output),
            "walint: error: walint.yaml:1:11: no file matched include [\"whatsap/**\"], so nothing was checked; did you mean `whatsapp/**`?\n",
            "{format}"
        );
    }
}

#[test]
fn item_1_one_include_pattern_that_matches_nothing_is_a_warning_at_it() {
    let dir = project(&[
        (
            "walint.yaml",
            "include:\n  - \"whatsapp/**\"\n  - \"templtes/**\"\n",
        ),
        ("whatsapp/bot.yaml", FLOW),
    ]);
    let output = walint_in(dir.path(), &["check"]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    assert_eq!(
        stderr(&output),
        "walint: warning: walint.yaml:3:5: no file matched include `templtes/**`\n"
    );
    // A run of one subfolder cannot tell: the other pattern may match elsewhere.
    let output = walint_in(dir.path(), &["check", "whatsapp"]);
    assert_eq!(stderr(&output), "");
}

#[test]
fn item_1_paths_that_hold_no_file_walint_recognises_are_said_on_stderr() {
    let dir = project(&[
        ("docs/notes.yaml", "title: notes\n"),
        ("docs/readme.txt", "hello\n"),
    ]);
    let output = walint_in(dir.path(), &["check", "docs"]);
    assert_eq!(code(&output), 0);
    assert_eq!(
        stderr(&output),
        "walint: warning: no file checked: `docs` holds no file walint checks; 1 file was left out (`--verbose` says why)\n"
    );
    let output = walint_in(dir.path(), &["check", "--verbose", "docs/notes.yaml"]);
    assert_eq!(
        stderr(&output),
        "walint: skipped docs/notes.yaml: not a kind walint recognises\nwalint: warning: no file checked: `docs/notes.yaml` holds no file walint checks; 1 file was left out (`--verbose` says why)\n"
    );
    // A run that checks a file says nothing of the kind.
    let dir = project(&[("bot.yaml", FLOW)]);
    assert_eq!(stderr(&walint_in(dir.path(), &["check"])), "");
}

// 7. `-o NAME=FILE` with a NAME that is not a format.

#[test]
fn item_7_an_output_for_an_unknown_format_is_exit_2_and_a_path_with_equals_is_a_file() {
    let dir = project(&[("bot.yaml", FLOW)]);
    let output = walint_in(dir.path(), &["check", "-o", "pdf=report.pdf"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).starts_with(
            "walint: error: `--output pdf=report.pdf`: unknown format `pdf`; expected one of human, concise, json, sarif,"
        ),
        "{}",
        stderr(&output)
    );
    assert!(!dir.path().join("pdf=report.pdf").exists());
    let output = walint_in(dir.path(), &["check", "-o", "sarf=out.sarif"]);
    assert!(
        stderr(&output).contains("unknown format `sarf`; did you mean `sarif`?"),
        "{}",
        stderr(&output)
    );
    let output = walint_in(
        dir.path(),
        &["check", "-o", "./a=b.json", "--format", "json"],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let written = std::fs::read_to_string(dir.path().join("a=b.json")).unwrap();
    assert!(written.contains("\"diagnostics\": []"), "{written}");
}

// 2. Unknown keys and misspelt values in walint's formats are errors with "did you mean";
// in Meta's, an unknown key is a warning and a close misspelling an error.

/// `(rule, severity, line:column, message)` of every diagnostic of a JSON report.
fn detailed(report: &Value) -> Vec<(String, String, String, String)> {
    report["diagnostics"]
        .as_array()
        .map(|all| {
            all.iter()
                .map(|d| {
                    (
                        d["rule"].as_str().unwrap_or("").to_string(),
                        d["severity"].as_str().unwrap_or("").to_string(),
                        format!("{}:{}", d["line"], d["column"]),
                        d["message"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn error(at: &str, message: &str) -> (String, String, String, String) {
    ("WA002".into(), "error".into(), at.into(), message.into())
}

#[test]
fn item_2_misspelt_keys_of_a_flow_are_errors_at_the_key_and_nothing_follows_from_them() {
    let dir = project(&[(
        "bot.yaml",
        "flow: bot\nentry: a\nkeywords: {STOP: out, AGENT: human}\nnodes:\n  a:\n    type: menu\n    text: Hi\n    optoins:\n      - {title: Order, next: ask}\n    fallbak: human\n  human: {type: handoff, queue: support}\n  ask: {type: inptu, text: Order number?, next: human, fallback: human}\n  out: {type: opt_out, colour: red}\n",
    )]);
    let (report, output) = json_report(dir.path(), &[]);
    assert_eq!(code(&output), 1);
    assert_eq!(
        detailed(&report),
        [
            error("8:5", "node `a` has an unknown key `optoins`; did you mean `options`?"),
            error("10:5", "node `a` has an unknown key `fallbak`; did you mean `fallback`?"),
            error(
                "12:15",
                "unknown node type `inptu`; did you mean `input`? (one of message, menu, input, template, opt_in, opt_out, handoff, wait, condition, end)"
            ),
            error(
                "13:24",
                "node `out` has an unknown key `colour`; its keys are type, text, next, style, options, sections, button, header, footer, fallback, template, channel, contact, queue, save_as, duration, branches, else"
            ),
        ],
        "{report:#}"
    );
}

#[test]
fn item_2_misspelt_keys_of_webhooks_and_campaigns_are_errors_without_knock_on_findings() {
    let dir = project(&[
        (
            "webhooks.yaml",
            "webhooks:\n  - name: inbound\n    environment: production\n    callback_url: https://hooks.acme.example/whatsapp\n    verify_token: ${WA_VERIFY_TOKEN}\n    app_secret: ${WA_APP_SECRET}\n    verify_signatur: true\n    feilds: [messages, message_template_status_update, message_template_quality_update, phone_number_quality_update]\n    graph_api_version: v23.0\n",
        ),
        (
            "promo.yaml",
            "campaign: promo\ntemplate: {name: promo, language: en_US}\naudiance:\n  segment: subscribers\n  requires_opt_in: true\n  estimated_size: 100\n  countries: [DE]\nmessaging_tier: 2000\nfrequency_cap: {max_messages: 1, per: 7d}\n",
        ),
        (
            "promo.json",
            &template("promo", "UTILITY", "Your order has shipped and arrives on Friday."),
        ),
    ]);
    let (report, _) = json_report(dir.path(), &[]);
    let found = detailed(&report);
    assert!(
        found.contains(&error(
            "3:1",
            "the campaign has an unknown key `audiance`; did you mean `audience`?"
        )),
        "{report:#}"
    );
    assert!(
        found.contains(&error(
            "7:5",
            "webhook `inbound` has an unknown key `verify_signatur`; did you mean `verify_signature`?"
        )),
        "{report:#}"
    );
    assert!(
        found.contains(&error(
            "8:5",
            "webhook `inbound` has an unknown key `feilds`; did you mean `fields`?"
        )),
        "{report:#}"
    );
    // The misspelt keys are read as what they were meant to be: no "not set" finding.
    let rules: Vec<&str> = found.iter().map(|(rule, ..)| rule.as_str()).collect();
    assert!(rules.iter().all(|r| *r == "WA002"), "{report:#}");
}

#[test]
fn item_2_in_meta_templates_an_unknown_key_warns_and_a_misspelling_is_an_error() {
    let dir = project(&[(
        "order.json",
        "{\"name\": \"order\", \"language\": \"en_US\", \"category\": \"UTILTY\", \"status\": \"APPROVED\",\n \"internal_note\": \"ours\", \"parameter_fromat\": \"POSITIONAL\",\n \"components\": [{\"type\": \"BODY\", \"text\": \"Your order has shipped.\", \"exmaple\": {}}]}\n",
    )]);
    let (report, _) = json_report(dir.path(), &[]);
    assert_eq!(
        detailed(&report),
        [
            error(
                "1:52",
                "unknown template category `UTILTY`; did you mean `UTILITY`? (one of AUTHENTICATION, MARKETING, UTILITY)"
            ),
            (
                "WA002".into(),
                "warning".into(),
                "2:2".into(),
                "template `order` has a key walint does not know, `internal_note`, so it is not checked".into()
            ),
            error(
                "2:27",
                "template `order` has an unknown key `parameter_fromat`; did you mean `parameter_format`?"
            ),
            error(
                "3:69",
                "a component has an unknown key `exmaple`; did you mean `example`?"
            ),
        ],
        "{report:#}"
    );
}

// 4. A run on some files of a project reads the rest of it as context.

#[test]
fn item_4_a_named_file_gets_the_cross_file_findings_of_a_whole_project_run() {
    let acme = common::root().join("examples/acme-shop");
    let bot = "whatsapp/flows/support_bot.yaml";
    let (whole, _) = json_report(&acme, &[]);
    let in_whole: Vec<(String, String, u64)> = findings(&whole)
        .into_iter()
        .filter(|(_, file, _)| file == bot)
        .collect();
    let rules: Vec<&str> = in_whole.iter().map(|(rule, ..)| rule.as_str()).collect();
    // Findings that need the templates: the check below would pass on nothing otherwise.
    assert!(
        rules
            .iter()
            .any(|r| ["WA101", "WA209", "WA211"].contains(r)),
        "{rules:?}"
    );
    let (named, output) = json_report(&acme, &[bot]);
    assert_eq!(findings(&named), in_whole, "{}", stderr(&output));
    // Only the named file is reported and counted.
    assert_eq!(named["summary"]["files"], 1, "{named:#}");
}

// 11. `--select` / `--ignore` take names as `explain` does, and spaces.

#[test]
fn item_11_select_and_ignore_take_rule_names_and_spaced_lists() {
    let dir = project(&[(
        "bot.yaml",
        "flow: bot\nentry: a\nnodes:\n  a:\n    type: menu\n    text: Hi\n    options:\n      - {title: A, next: b}\n      - {title: B, next: b}\n      - {title: C, next: b}\n      - {title: D, next: b}\n    fallback: b\n  b: {type: end}\n",
    )]);
    let rules = |args: &[&str]| -> Vec<String> {
        let (report, output) = json_report(dir.path(), args);
        assert_ne!(code(&output), 2, "{args:?}: {}", stderr(&output));
        let mut rules: Vec<String> = findings(&report).into_iter().map(|(r, ..)| r).collect();
        rules.dedup();
        rules
    };
    let by_code = rules(&["--select", "WA201"]);
    assert_eq!(by_code, ["WA201"]);
    assert_eq!(rules(&["--select", "menu-overloaded"]), by_code);
    let all = rules(&[]);
    assert!(all.len() > 1, "{all:?}");
    let spaced = rules(&["--select", "WA201, WA203"]);
    assert!(
        spaced.contains(&"WA201".to_string()) && spaced.contains(&"WA203".to_string()),
        "{spaced:?}"
    );
    assert!(!rules(&["--ignore", "menu-overloaded, WA203"])
        .iter()
        .any(|r| r == "WA201" || r == "WA203"));
    let output = walint_in(dir.path(), &["check", "--select", "menu-overlaoded"]);
    assert_eq!(code(&output), 2);
    assert_eq!(
        stderr(&output),
        "walint: error: no rule matches `menu-overlaoded`; did you mean `menu-overloaded`?; `walint rules` lists them\n"
    );
}

// 12. `--format github` prints only workflow commands on stdout; 6. the job summary can be
// turned off.

#[test]
fn item_12_github_stdout_is_workflow_commands_only_and_item_6_no_step_summary_writes_none() {
    let dir = project(&[(
        "bot.yaml",
        "flow: bot\nentry: a\nnodes:\n  a: {type: message, text: Hi, next: b}\n  b: {type: end}\n",
    )]);
    let summary = dir.path().join("summary.md");
    let output = common::command(dir.path(), &["check", "--format", "github"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    let out = stdout(&output);
    assert!(!out.is_empty());
    assert!(out.lines().all(|line| line.starts_with("::")), "{out}");
    assert!(stderr(&output).starts_with("Found "), "{}", stderr(&output));
    assert!(std::fs::read_to_string(&summary)
        .unwrap()
        .starts_with("# walint compliance report"));
    std::fs::remove_file(&summary).unwrap();
    let output = common::command(
        dir.path(),
        &["check", "--format", "github", "--no-step-summary"],
    )
    .env("GITHUB_STEP_SUMMARY", &summary)
    .output()
    .unwrap();
    assert_eq!(code(&output), 1);
    assert!(!summary.exists());
}

// 16. The repository cites its own documents: no section of a document it does not hold, and
// every `docs/…md` or `rules/…yaml` it names exists. (This test reads the repository's text
// instead of running the binary.)

/// The repository's own text: sources, tests, docs, rule documents, README and CONTRIBUTING.
fn repository_texts() -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() && path.file_name().is_some_and(|name| name != "snapshots") {
                walk(&path, out);
            } else if path
                .extension()
                .is_some_and(|ext| ["rs", "md", "yaml", "yml", "sh"].iter().any(|e| ext == *e))
            {
                out.push(path);
            }
        }
    }
    let root = common::root();
    let mut paths = vec![
        root.join("README.md"),
        root.join("CONTRIBUTING.md"),
        root.join("build.rs"),
    ];
    for dir in [
        "src", "tests", "docs", "rules", "bench", "benches", "examples",
    ] {
        walk(&root.join(dir), &mut paths);
    }
    paths.sort();
    paths
        .into_iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).ok()?;
            let name = path.strip_prefix(&root).ok()?.display().to_string();
            Some((name, text))
        })
        .collect()
}

#[test]
fn item_16_the_repository_cites_only_documents_it_holds() {
    let root = common::root();
    // Spelt in pieces so that this file does not match itself.
    let outside = regex::Regex::new(&format!(
        r"(?i)\b(spec|facts)\s*{}|{}|{}",
        '\u{a7}',
        ["product", "-spec", r"\.md"].concat(),
        ["whatsapp-platform", "-facts", r"\.md"].concat(),
    ))
    .unwrap();
    let cited = regex::Regex::new(
        r"\b(docs/[a-z0-9_/-]+\.md|rules/(?:WA[0-9]{3}|controls|data/[a-z0-9_]+)\.yaml)\b",
    )
    .unwrap();
    let mut wrong = Vec::new();
    let texts = repository_texts();
    assert!(texts.len() > 100, "read {} files", texts.len());
    for (name, text) in &texts {
        for (number, line) in text.lines().enumerate() {
            if let Some(found) = outside.find(line) {
                wrong.push(format!("{name}:{}: cites `{}`", number + 1, found.as_str()));
            }
            for path in cited.find_iter(line) {
                if !root.join(path.as_str()).is_file() {
                    wrong.push(format!(
                        "{name}:{}: `{}` does not exist",
                        number + 1,
                        path.as_str()
                    ));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

// 9. `--color auto|always|never`, and the environment's NO_COLOR, FORCE_COLOR and
// CLICOLOR_FORCE (a CI log is not a terminal, and may still show colours).

#[test]
fn item_9_color_follows_the_flag_then_no_color_force_color_and_clicolor_force() {
    let dir = project(&[(
        "bot.yaml",
        "flow: bot\nentry: a\nnodes:\n  a: {type: message, text: Hi}\n",
    )]);
    let coloured = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = vec!["check"];
        all.extend_from_slice(args);
        let mut command = common::command(dir.path(), &all);
        for name in [
            "NO_COLOR",
            "FORCE_COLOR",
            "CLICOLOR_FORCE",
            "CLICOLOR",
            "TERM",
        ] {
            command.env_remove(name);
        }
        command.envs(env.iter().copied());
        let output = command.output().unwrap();
        assert_eq!(code(&output), 1, "{}", stderr(&output));
        stdout(&output).contains('\u{1b}')
    };
    // Standard output is a pipe here, as in a CI log.
    assert!(!coloured(&[], &[]));
    assert!(coloured(&[], &[("FORCE_COLOR", "1")]));
    assert!(coloured(&[], &[("CLICOLOR_FORCE", "1")]));
    assert!(!coloured(&[], &[("FORCE_COLOR", "0")]));
    assert!(!coloured(&[], &[("NO_COLOR", "1"), ("FORCE_COLOR", "1")]));
    assert!(coloured(&["--color", "always"], &[("NO_COLOR", "1")]));
    assert!(!coloured(&["--color", "never"], &[("FORCE_COLOR", "1")]));
    assert!(!coloured(&["--color=always", "--format", "concise"], &[]));
    // A report written to a file is plain text (the one on stdout is coloured), and a
    // misspelt choice is exit 2.
    assert!(coloured(
        &["--color", "always", "-o", "human=report.txt"],
        &[]
    ));
    let written = std::fs::read_to_string(dir.path().join("report.txt")).unwrap();
    assert!(
        written.contains("WA2") && !written.contains('\u{1b}'),
        "{written}"
    );
    let wrong = walint_in(dir.path(), &["check", "--color", "sometimes"]);
    assert_eq!(code(&wrong), 2);
    assert!(
        stderr(&wrong).contains("[possible values: auto, always, never]"),
        "{}",
        stderr(&wrong)
    );
}

// 15. `--statistics` counts the findings per rule (as ruff's), and a related location is a
// `note:`, not miette's `Advice:`.

#[test]
fn item_15_statistics_count_every_finding_per_rule_and_severity_most_first() {
    let root = common::root();
    let fixture = root.join("tests/fixtures/headline");
    let (report, _) = json_report(&fixture, &[]);
    let mut expected: std::collections::BTreeMap<(String, String), u64> = Default::default();
    for d in report["diagnostics"].as_array().unwrap() {
        let key = (
            d["rule"].as_str().unwrap().to_string(),
            d["severity"].as_str().unwrap().to_string(),
        );
        *expected.entry(key).or_default() += 1;
    }
    assert!(expected.len() > 5, "{expected:?}");

    let (stats, output) = json_report(&fixture, &["--statistics"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let rows = stats["statistics"].as_array().unwrap();
    let counted: std::collections::BTreeMap<(String, String), u64> = rows
        .iter()
        .map(|r| {
            (
                (
                    r["rule"].as_str().unwrap().to_string(),
                    r["severity"].as_str().unwrap().to_string(),
                ),
                r["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(counted, expected);
    assert_eq!(
        stats["summary"],
        serde_json::json!({"files": 10, "errors": 15, "warnings": 9, "infos": 1})
    );
    let counts: Vec<u64> = rows.iter().map(|r| r["count"].as_u64().unwrap()).collect();
    assert!(
        counts.windows(2).all(|pair| pair[0] >= pair[1]),
        "{counts:?}"
    );

    // The table: count, code, severity, name, what --fix fixes; the summary line last.
    let table = walint_in(&fixture, &["check", "--statistics"]);
    assert_eq!(code(&table), 1);
    let text = stdout(&table);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), rows.len() + 1, "{text}");
    assert_eq!(lines[0], "2  WA002  error    schema-violation");
    assert!(
        lines.contains(&"1  WA201  error    menu-overloaded               (1 fixable with --fix)"),
        "{text}"
    );
    assert!(lines.contains(&"2  WA401  error    webhook-not-https             (2 fixable with --fix --unsafe-fixes)"), "{text}");
    assert_eq!(
        lines.last(),
        Some(&"Found 25 problems (15 errors, 9 warnings, 1 info) in 10 files.")
    );
    // Deterministic, and the other outputs are still written whole.
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("walint.sarif");
    let sarif_arg = format!("sarif={}", sarif.display());
    let with_file = walint_in(&fixture, &["check", "--statistics", "-o", &sarif_arg]);
    assert_eq!(with_file.stdout, table.stdout);
    let log: Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(log["runs"][0]["results"].as_array().map(Vec::len), Some(25));
    // A format statistics have no shape in is exit 2, saying what works.
    let wrong = walint_in(&fixture, &["check", "--statistics", "--format", "sarif"]);
    assert_eq!(code(&wrong), 2);
    assert!(
        stderr(&wrong).contains("`--statistics -o sarif=FILE`"),
        "{}",
        stderr(&wrong)
    );
}

#[test]
fn item_15_a_related_location_is_a_note_under_its_finding() {
    let fixture = common::root().join("tests/fixtures/reports");
    let output = walint_in(&fixture, &["check"]);
    let text = stdout(&output);
    assert!(!text.contains("Advice"), "{text}");
    let at = text
        .find("  note: `summer_deals` is a MARKETING template\n")
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        text[at..]
            .lines()
            .nth(1)
            .is_some_and(|l| l.ends_with("[templates/summer_deals.json:4:15]")),
        "{text}"
    );
    assert!(text[..at].ends_with("before `deals`\n\n"), "{text}");
}

/// Every `name="..."` of a JUnit report's testcases, in order.
fn testcase_names(xml: &str) -> Vec<String> {
    xml.split("<testcase ")
        .skip(1)
        .filter_map(|case| {
            let start = case.find("name=\"")? + 6;
            let len = case[start..].find('"')?;
            Some(case[start..start + len].to_string())
        })
        .collect()
}

// 13. JUnit testcase names stay the same when the lines above a finding move.
#[test]
fn item_13_junit_testcase_names_are_stable_when_lines_move() {
    let body =
        "Send us your card number and the PIN of your card now. Please send your password too.";
    let text = template("card_request", "UTILITY", body);
    let dir = project(&[("whatsapp/templates/card_request.json", &text)]);
    let junit = |dir: &Path| stdout(&walint_in(dir, &["check", "--format", "junit"]));
    let before = junit(dir.path());
    let names = testcase_names(&before);
    assert!(!names.is_empty(), "{before}");
    assert!(
        names
            .iter()
            .all(|n| n.contains(" at /") && !n.contains(':')),
        "names carry the JSON pointer, not the line: {names:?}"
    );
    // Two findings of one rule at one place get distinct names.
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "{names:?}");

    std::fs::write(
        dir.path().join("whatsapp/templates/card_request.json"),
        format!("\n\n\n{text}"),
    )
    .unwrap();
    let after = junit(dir.path());
    assert_eq!(testcase_names(&after), names, "{after}");
    // The line moved with the text, and the message says where it is now.
    assert!(before.contains("message=\"line 2, column"), "{before}");
    assert!(after.contains("message=\"line 5, column"), "{after}");
}

// 10. The human report is laid out to the terminal's width (`COLUMNS`, else the terminal's
// size), and a long line is cut around the finding so that it fits, the underline still
// under the marked text.

/// A template list written as one minified JSON line of about 14,000 characters, as Meta's
/// API returns it: a plain http:// link near its start, one in a Japanese template in its
/// middle (wide characters on both sides of it) and one at its very end.
fn minified_templates() -> String {
    let template = |name: &str, language: &str, body: &str| {
        format!(
            r#"{{"name":"{name}","language":"{language}","category":"UTILITY","components":[{{"type":"BODY","text":"{body}","example":{{"body_text":[["A-1042"]]}}}}]}}"#
        )
    };
    let filler = |i: usize| {
        template(
            &format!("order_update_{i}"),
            "en_US",
            "Your order {{1}} is on its way.",
        )
    };
    let mut list = vec![template(
        "first",
        "en_US",
        "See {{1}} at http://acme.example/first today.",
    )];
    list.extend((0..38).map(filler));
    list.push(template(
        "order_update_ja",
        "ja",
        "ご注文{{1}}の配送状況は http://acme.example/ja/track でご確認いただけます。お届けまで今しばらくお待ちください。",
    ));
    list.extend((38..77).map(filler));
    list.push(
        r#"{"name":"last","language":"en_US","category":"UTILITY","components":[{"type":"BODY","text":"Your order {{1}} is on its way.","example":{"body_text":[["A-1042"]]}},{"type":"FOOTER","text":"http://acme.example/last"}]}"#
            .to_string(),
    );
    let line = format!(r#"{{"data":[{}]}}"#, list.join(","));
    let length = line.chars().count();
    assert!((14_000..14_500).contains(&length), "{length}");
    line
}

/// Columns `text` takes in a terminal.
fn terminal_columns(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// The human report of `dir` with `COLUMNS` set to `columns` (unset when `None`).
fn human_at(dir: &Path, columns: Option<&str>) -> String {
    let mut command = common::command(dir, &["check"]);
    if let Some(columns) = columns {
        command.env("COLUMNS", columns);
    }
    let output = command.output().unwrap();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    stdout(&output)
}

/// For each source line of `report`'s snippets (` 1 │ …`) that holds a link, the column of
/// the link's start in that line and the column where the underline below it starts.
fn link_and_underline_columns(report: &str) -> Vec<(usize, usize)> {
    let lines: Vec<&str> = report.lines().collect();
    lines
        .windows(2)
        .filter_map(|pair| {
            pair[0].strip_prefix(" 1 │ ")?;
            let at = pair[0].find("http://")?;
            let link = terminal_columns(&pair[0][..at]);
            let mark = pair[1].find('─')?;
            Some((link, terminal_columns(&pair[1][..mark])))
        })
        .collect()
}

#[test]
fn item_10_a_minified_line_is_cut_to_the_terminal_width_around_each_finding() {
    let line = minified_templates();
    let dir = project(&[("whatsapp/templates/all.json", &line)]);
    // Where each link is in the file: the header of its finding says so (columns count
    // characters).
    let columns: Vec<usize> = line
        .match_indices("http://")
        .map(|(at, _)| line[..at].chars().count() + 1)
        .collect();
    assert_eq!(columns.len(), 3);
    for width in [60, 200] {
        let report = human_at(dir.path(), Some(&width.to_string()));
        assert!(report.contains("Found 3 problems"), "{report}");
        for row in report.lines() {
            assert!(
                terminal_columns(row) <= width,
                "{} columns at COLUMNS={width}: {row}",
                terminal_columns(row)
            );
        }
        for column in &columns {
            let header = format!("[whatsapp/templates/all.json:1:{column}]");
            assert!(report.contains(&header), "{header} at {width}: {report}");
        }
        let marks = link_and_underline_columns(&report);
        assert_eq!(marks.len(), 3, "{report}");
        for (link, underline) in marks {
            assert_eq!(link, underline, "COLUMNS={width}:\n{report}");
        }
        insta::assert_snapshot!(format!("item_10_columns_{width}"), report);
    }
    // The wide report shows more of the line around each finding than the narrow one.
    let shown = |report: &str| {
        report
            .lines()
            .filter(|l| l.contains("http://"))
            .map(terminal_columns)
            .sum::<usize>()
    };
    let narrow = human_at(dir.path(), Some("60"));
    let wide = human_at(dir.path(), Some("200"));
    assert!(shown(&narrow) < shown(&wide));
    // A COLUMNS below what a snippet needs is read as 40; one that is no number is ignored.
    let tiny = human_at(dir.path(), Some("8"));
    assert!(
        tiny.lines()
            .filter(|l| l.contains("http://"))
            .all(|l| terminal_columns(l) <= 40),
        "{tiny}"
    );
    let fixed = human_at(dir.path(), None);
    assert_eq!(human_at(dir.path(), Some("wide")), fixed);
    // Not in a terminal and no COLUMNS: the fixed layout, each line the window of 200
    // characters either side of a finding that every report shows.
    let longest = fixed.lines().map(terminal_columns).max().unwrap_or(0);
    assert!(longest > 400, "{fixed}");
    assert_eq!(link_and_underline_columns(&fixed).len(), 3, "{fixed}");
    for (link, underline) in link_and_underline_columns(&fixed) {
        assert_eq!(link, underline, "{fixed}");
    }
}

// 14. SARIF for code scanning: security rules tagged `security` with GitHub's
// `security-severity`, the whole rule as `help`, and relative URIs that start from
// `%SRCROOT%`, which `originalUriBaseIds` describes.

const WEBHOOKS: &str = "webhooks:
  - name: inbound
    environment: production
    callback_url: http://hooks.shop.example/whatsapp
    verify_token: ${WA_VERIFY_TOKEN}
    app_secret: 3f1c9a7e5b2d4f60a8c1e9b7d3f5a2c4
    verify_signature: false
    fields: [messages, message_template_quality_update, phone_number_quality_update]
";

const HOST_RULE: &str = "code: ACME010
name: our-webhook-hosts
severity: error
category: webhook
summary: \"Webhooks call our own hosts only.\"
rationale: |
  Security requires every callback to end at our API gateway, where requests are logged.
fix: |
  Point the callback at hooks.acme.example.
sources:
  - https://acme.example/policies/webhooks
controls:
  - OWASP-TLS
security_severity: 6.1
match:
  kinds: [webhook]
  then:
    field: callback_url
    function: pattern
    options: {match: \"^https://hooks\\\\.acme\\\\.example/\"}
";

#[test]
fn item_14_sarif_carries_what_code_scanning_reads() {
    let dir = project(&[
        ("config/webhooks.yaml", WEBHOOKS),
        ("walint.yaml", "custom_rules: [\"rules/*.yaml\"]\n"),
        ("rules/host.yaml", HOST_RULE),
    ]);
    let output = walint_in(dir.path(), &["check", "--format", "sarif"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let log = common::json_of(&output);
    let run = &log["runs"][0];
    // What GitHub shows and sorts by, per rule: tags, the security severity, the help.
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let shown: Vec<Value> = rules
        .iter()
        .map(|r| {
            let mut shown = serde_json::json!({"id": r["id"], "properties": r["properties"]});
            if let Some(uri) = r.get("helpUri") {
                shown["helpUri"] = uri.clone();
            }
            shown
        })
        .collect();
    insta::assert_json_snapshot!("item_14_rules_for_code_scanning", shown);
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        let doc = walint::catalogue::builtin().unwrap();
        let markdown = rule["help"]["markdown"].as_str().unwrap();
        let text = rule["help"]["text"].as_str().unwrap();
        for part in ["How to fix", "Sources", &format!("`walint explain {id}`")] {
            assert!(
                markdown.contains(part) && text.contains(part),
                "{id}: {part}"
            );
        }
        if let Some(doc) = doc.find(id) {
            assert!(
                markdown.starts_with(&format!("**{}**", doc.summary)),
                "{id}"
            );
            assert!(
                markdown.contains(&doc.rationale) && markdown.contains(&doc.fix),
                "{id}"
            );
            // A built-in rule's page has no public address yet (WALINT_DOCS_URL at build
            // time gives one): no helpUri rather than a policy page in its place.
            assert!(rule.get("helpUri").is_none(), "{id}");
        }
        // GitHub counts a rule with a score as a security rule only with the tag.
        let tags = rule["properties"]["tags"].as_array().unwrap();
        let scored = rule["properties"].get("security-severity").is_some();
        assert_eq!(tags.contains(&Value::from("security")), scored, "{id}");
        assert_eq!(tags.first(), Some(&rule["properties"]["category"]), "{id}");
    }
    // Every relative URI starts from %SRCROOT%, which the run describes.
    assert!(run["originalUriBaseIds"]["%SRCROOT%"]["description"]["text"].is_string());
    assert!(run["originalUriBaseIds"]["%SRCROOT%"].get("uri").is_none());
    let locations = || {
        let artifacts = run["artifacts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| &a["location"]);
        let results = run["results"].as_array().unwrap().iter().flat_map(|r| {
            r["locations"]
                .as_array()
                .unwrap()
                .iter()
                .chain(r["relatedLocations"].as_array().into_iter().flatten())
                .map(|l| &l["physicalLocation"]["artifactLocation"])
        });
        artifacts.chain(results).collect::<Vec<_>>()
    };
    // The file, and the place of each of the 5 findings in it.
    assert_eq!(locations().len(), 6, "{log}");
    for location in locations() {
        assert_eq!(location["uriBaseId"], "%SRCROOT%", "{location}");
        assert!(!location["uri"].as_str().unwrap().starts_with('/'));
    }
    // A file outside the folder walint runs in is a file URI of its own, with no base.
    let absolute = dir.path().join("config/webhooks.yaml");
    let elsewhere = tempfile::tempdir().unwrap();
    let output = walint_in(
        elsewhere.path(),
        &["check", "--format", "sarif", absolute.to_str().unwrap()],
    );
    let log = common::json_of(&output);
    let location = &log["runs"][0]["artifacts"][0]["location"];
    assert!(
        location["uri"].as_str().unwrap().starts_with("file:///"),
        "{location}"
    );
    assert!(location.get("uriBaseId").is_none(), "{location}");
}
