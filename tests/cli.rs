//! The real binary on fixture folders: output formats (snapshots), exit codes, options.

mod common;

use std::process::Output;

use common::{root, stderr, stdout, walint, walint_in};

const HEADLINE: &str = "tests/fixtures/headline";

#[test]
fn human_report_of_the_headline_fixtures() {
    let output = walint(&["check", HEADLINE]);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn concise_report_of_the_headline_fixtures() {
    let output = walint(&["check", HEADLINE, "--format", "concise"]);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn json_report_of_the_headline_fixtures() {
    let output = walint(&["check", HEADLINE, "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    // README's JSON format: exactly these fields, in every diagnostic (`suppression` is null unless a
    // walint-ignore comment or a config override accepted the finding).
    let fields = [
        "rule",
        "name",
        "severity",
        "message",
        "help",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "pointer",
        "fingerprint",
        "related",
        "suppression",
    ];
    for diagnostic in value["diagnostics"].as_array().unwrap() {
        let keys: Vec<&str> = diagnostic
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        assert_eq!(keys.len(), fields.len(), "{keys:?}");
        for field in fields {
            assert!(diagnostic.get(field).is_some(), "missing {field}");
        }
    }
    assert_eq!(value["summary"]["files"], 10);
    insta::assert_snapshot!(common::mask_report_id(&text, &text));
}

#[test]
fn the_acme_shop_example_shows_each_deliberate_mistake() {
    let output = walint(&["check", "examples/acme-shop", "--format", "concise"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    for code in [
        "WA003", "WA101", "WA201", "WA203", "WA209", "WA401", "WA501", "WA504",
    ] {
        assert!(
            text.contains(&format!("[{code}]")),
            "{code} missing:\n{text}"
        );
    }
    insta::assert_snapshot!(text);
}

#[test]
fn the_acme_shop_mistakes_sit_under_their_mistake_comments() {
    // Each deliberate mistake is marked `# MISTAKE: CODE` on the line above the finding.
    let output = walint(&["check", "examples/acme-shop", "--format", "json"]);
    let value = common::json_of(&output);
    for d in value["diagnostics"].as_array().unwrap() {
        let file = d["file"].as_str().unwrap();
        if !file.ends_with(".yaml") {
            continue;
        }
        let text = std::fs::read_to_string(root().join(file)).unwrap();
        let line = d["line"].as_u64().unwrap() as usize;
        let above = text.lines().nth(line - 2).unwrap_or("");
        let rule = d["rule"].as_str().unwrap();
        assert!(
            above.contains(&format!("MISTAKE: {rule}")),
            "{file}:{line} {rule} is not under its MISTAKE comment: {above:?}"
        );
    }
}

#[test]
fn the_clean_example_passes() {
    let output = walint(&["check", "examples/clean"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).contains("No problems found in 4 files."));
}

#[test]
fn output_is_byte_identical_across_runs() {
    for format in ["human", "concise", "json"] {
        let first = walint(&["check", HEADLINE, "--format", format]);
        let second = walint(&["check", HEADLINE, "--format", format]);
        assert_eq!(first.stdout, second.stdout, "{format}");
    }
}

#[test]
fn diagnostics_are_sorted_by_file_line_column_rule() {
    let output = walint(&["check", HEADLINE, "--format", "json"]);
    let value = common::json_of(&output);
    let keys: Vec<(String, u64, u64, String)> = value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

#[test]
fn fingerprints_survive_moved_lines() {
    let dir = tempfile::tempdir().unwrap();
    let campaign = std::fs::read_to_string(root().join(HEADLINE).join("campaign.yaml")).unwrap();
    std::fs::write(dir.path().join("c.yaml"), &campaign).unwrap();
    let before = walint_in(dir.path(), &["check", "--format", "json"]);
    std::fs::write(
        dir.path().join("c.yaml"),
        format!("# a comment\n\n{campaign}"),
    )
    .unwrap();
    let after = walint_in(dir.path(), &["check", "--format", "json"]);
    let get = |o: &Output| {
        let v = common::json_of(o);
        let d = &v["diagnostics"][0];
        (
            d["fingerprint"].as_str().unwrap().to_string(),
            d["line"].as_u64().unwrap(),
        )
    };
    let (fp_before, line_before) = get(&before);
    let (fp_after, line_after) = get(&after);
    assert_eq!(fp_before, fp_after);
    assert_eq!(line_after, line_before + 2);
}

#[test]
fn a_missing_path_is_exit_2_with_one_line() {
    let output = walint(&["check", "no/such/folder"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("no/such/folder"), "{err}");
}

#[test]
fn fail_on_sets_the_threshold() {
    // The REJECTED template alone is a warning.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join(HEADLINE).join("templates/meta_list.json"),
        dir.path().join("t.json"),
    )
    .unwrap();
    assert_eq!(walint_in(dir.path(), &["check"]).status.code(), Some(0));
    let warning = walint_in(dir.path(), &["check", "--fail-on", "warning"]);
    assert_eq!(warning.status.code(), Some(1));
    let never = walint(&["check", HEADLINE, "--fail-on", "never"]);
    assert_eq!(never.status.code(), Some(0));
}

#[test]
fn select_and_ignore_take_codes_and_prefixes() {
    let only_flows = walint(&["check", HEADLINE, "--format", "concise", "--select", "WA2"]);
    let text = stdout(&only_flows);
    assert!(text.contains("[WA201]") && text.contains("[WA209]"));
    assert!(!text.contains("[WA401]") && !text.contains("[WA001]"));
    let ignored = walint(&[
        "check",
        HEADLINE,
        "--format",
        "concise",
        "--ignore",
        "WA201,WA4",
    ]);
    let text = stdout(&ignored);
    assert!(!text.contains("[WA201]") && !text.contains("[WA401]"));
    assert!(text.contains("[WA209]"));
    let unknown = walint(&["check", HEADLINE, "--select", "WA9"]);
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn output_file_and_several_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("report.json");
    let concise = dir.path().join("report.txt");
    let output = walint(&[
        "check",
        HEADLINE,
        "--format",
        "concise",
        "-o",
        &format!("json={}", json.display()),
        "-o",
        concise.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).is_empty());
    assert!(std::fs::read_to_string(&concise)
        .unwrap()
        .contains("error[WA201]"));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(report["tool"]["name"], "walint");
}

#[test]
fn config_is_discovered_and_applied() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("flows")).unwrap();
    std::fs::copy(
        root().join(HEADLINE).join("flows/shop_bot.yaml"),
        dir.path().join("flows/shop_bot.yaml"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("walint.yaml"),
        "rules:\n  WA201: {severity: warning, max_options: 10}\n  WA209: off\n",
    )
    .unwrap();
    let output = walint_in(&dir.path().join("flows"), &["check", "--format", "concise"]);
    let text = stdout(&output);
    assert!(
        text.contains("warning[WA201] reply-button menu `welcome`"),
        "{text}"
    );
    assert!(
        !text.contains("list menu `status`"),
        "max_options 10 allows 6 rows: {text}"
    );
    assert!(!text.contains("WA209"), "{text}");
    let ignored = walint_in(
        &dir.path().join("flows"),
        &["check", "--no-config", "--format", "concise"],
    );
    assert!(stdout(&ignored).contains("warning[WA201] list menu `status`"));
}

#[test]
fn bad_config_is_exit_2_with_position_and_suggestion() {
    let output = walint(&[
        "check",
        HEADLINE,
        "-c",
        "tests/fixtures/headline/config/walint-misspelt.yaml",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("tests/fixtures/headline/config/walint-misspelt.yaml:2:1"),
        "{err}"
    );
    assert!(
        err.contains("unknown key `exlude`; did you mean `exclude`?"),
        "{err}"
    );

    let dir = tempfile::tempdir().unwrap();
    for (config, expected) in [
        (
            "rules:\n  WA2011: off\n",
            "unknown rule `WA2011`; did you mean `WA201`?",
        ),
        (
            "rules:\n  WA201: {max_option: 3}\n",
            "WA201 has no option `max_option`; did you mean `max_options`?",
        ),
        ("fail_on: warn\n", "did you mean `warning`?"),
        (
            "environment: prod\n",
            "`environment` must be production, staging or development",
        ),
        ("include: [\n", "walint.yaml:"),
    ] {
        std::fs::write(dir.path().join("walint.yaml"), config).unwrap();
        let output = walint_in(dir.path(), &["check"]);
        assert_eq!(output.status.code(), Some(2), "{config}");
        assert!(
            stderr(&output).contains(expected),
            "{config}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn include_makes_parse_errors_reportable() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("settings.json"), "{\"a\": 1,}").unwrap();
    let quiet = walint_in(dir.path(), &["check"]);
    assert_eq!(
        quiet.status.code(),
        Some(0),
        "no marker, not included: skipped"
    );
    std::fs::write(dir.path().join("walint.yaml"), "include: [\"*.json\"]\n").unwrap();
    let reported = walint_in(dir.path(), &["check", "--format", "concise"]);
    assert_eq!(reported.status.code(), Some(1));
    assert!(stdout(&reported).contains("settings.json:1:8: error[WA001]"));
}

#[test]
fn rules_lists_the_catalogue() {
    let table = walint(&["rules"]);
    assert_eq!(table.status.code(), Some(0));
    insta::assert_snapshot!(stdout(&table));
    let json = walint(&["rules", "--format", "json"]);
    let value = common::json_of(&json);
    let first = &value["rules"][0];
    let keys: Vec<&str> = first
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(keys, ["category", "code", "name", "severity", "summary"]);
}

#[test]
fn explain_shows_the_whole_entry() {
    let by_code = walint(&["explain", "WA201"]);
    assert_eq!(by_code.status.code(), Some(0));
    let text = stdout(&by_code);
    for part in [
        "menu-overloaded",
        "Why",
        "How to fix",
        "max_options",
        "Failing example",
        "Passing example",
    ] {
        assert!(text.contains(part), "{part}");
    }
    let by_name = walint(&["explain", "menu-overloaded"]);
    assert_eq!(by_name.stdout, by_code.stdout);
    let unknown = walint(&["explain", "menu-overload"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("did you mean `menu-overloaded`?"));
}

#[test]
fn explain_and_rules_say_which_chatbot_formats_a_flow_rule_checks() {
    let text = stdout(&walint(&["explain", "WA210"]));
    assert!(text.contains(
        "\nFormats\n  walint: checked\n  rapidpro: not checked: STOP is a keyword trigger"
    ));
    assert!(text.contains("\n  n8n: not checked: n8n has no global keywords"));
    // A rule about templates reads every format and says nothing of them.
    assert!(!stdout(&walint(&["explain", "WA101"])).contains("Formats"));
    let value = common::json_of(&walint(&["rules", "--format", "json"]));
    let rules = value["rules"].as_array().unwrap();
    let wa203 = rules.iter().find(|r| r["code"] == "WA203").unwrap();
    assert_eq!(
        wa203["formats"]["checked"],
        serde_json::json!(["walint", "rapidpro", "typebot", "twilio-studio", "n8n"])
    );
    let wa201 = rules.iter().find(|r| r["code"] == "WA201").unwrap();
    assert!(wa201["formats"]["not_checked"]["n8n"]
        .as_str()
        .unwrap()
        .contains("no menu"));
    let wa101 = rules.iter().find(|r| r["code"] == "WA101").unwrap();
    assert!(wa101.get("formats").is_none());
}

#[test]
fn init_writes_a_starter_config_once() {
    let dir = tempfile::tempdir().unwrap();
    let first = walint_in(dir.path(), &["init"]);
    assert_eq!(first.status.code(), Some(0));
    let written = std::fs::read_to_string(dir.path().join("walint.yaml")).unwrap();
    assert!(written.starts_with("# walint configuration"));
    // The schema its modeline names is there, the one `walint schema config` prints.
    assert!(written.contains("\n# yaml-language-server: $schema=.walint/schemas/config.json\n"));
    let schema = std::fs::read_to_string(dir.path().join(".walint/schemas/config.json")).unwrap();
    assert_eq!(schema, stdout(&walint(&["schema", "config"])));
    // The starter config is itself valid.
    let check = walint_in(dir.path(), &["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    let again = walint_in(dir.path(), &["init"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("already exists"));
}

#[test]
fn no_color_when_not_a_terminal() {
    let output = walint(&["check", HEADLINE]);
    assert!(!stdout(&output).contains('\u{1b}'));
}

#[test]
fn verbose_lists_the_files_left_out_and_why() {
    let quiet = walint(&["check", HEADLINE, "--format", "concise"]);
    assert!(stderr(&quiet).is_empty(), "{}", stderr(&quiet));
    let verbose = walint(&["check", HEADLINE, "--format", "concise", "--verbose"]);
    assert_eq!(verbose.stdout, quiet.stdout);
    assert_eq!(
        stderr(&verbose),
        "walint: skipped tests/fixtures/headline/config/walint-misspelt.yaml: not a kind walint recognises\n\
         walint: skipped tests/fixtures/headline/tsconfig.json: does not parse and carries no walint marker\n"
    );
}
