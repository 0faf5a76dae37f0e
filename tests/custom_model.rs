//! Custom rules over the conversation model (`model: true`) through the real binary: one
//! rule reads the flows of every format walint knows and finds each value in its own file.

mod common;

use common::{stderr, stdout, walint_in};

const RULE: &str = r#"code: ACME020
name: our-team
severity: error
category: conversation-flow
summary: "Bots offer `our team`, never `a person`."
rationale: "The brand book."
fix: "Say `our team`."
sources: ["https://acme.example/brand"]
match:
  kinds: [conversation-flow]
  model: true
  given: "$.steps[*].options[*]"
  then: {field: title, function: contains_phrase, options: {none: [person]}}
  message: "{document} ({path}): {reason}"
"#;

#[test]
fn one_model_rule_finds_the_option_title_in_every_format_where_it_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let formats = common::root().join("tests/fixtures/formats");
    for format in ["rapidpro", "typebot", "twilio-studio", "n8n"] {
        common::copy_dir(&formats.join(format), &dir.path().join(format));
    }
    std::fs::copy(
        common::root().join("tests/fixtures/custom/worked/flows/support.yaml"),
        dir.path().join("support.yaml"),
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join(".walint/rules")).unwrap();
    std::fs::write(dir.path().join(".walint/rules/our-team.yaml"), RULE).unwrap();
    std::fs::write(
        dir.path().join("walint.yaml"),
        "custom_rules: [\".walint/rules/*.yaml\"]\n",
    )
    .unwrap();
    let output = walint_in(
        dir.path(),
        &["check", "--format", "concise", "--select", "ACME020"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    let findings: Vec<&str> = text.lines().filter(|l| l.contains("[ACME020]")).collect();
    // Each at the `person` of the option's title as the file writes it: a row title inside
    // the JSON of a Glific interactive message's `text`, a RapidPro quick reply, a Typebot
    // choice item's content, a walint option's title.
    assert_eq!(
        findings,
        [
            "rapidpro/glific-interactive.json:21:620: error[ACME020] Bakery feedback (/steps/1/options/2/title): contains `person`",
            "rapidpro/support.json:21:28: error[ACME020] Support (/steps/1/options/1/title): contains `person`",
            "support.yaml:10:28: error[ACME020] support_bot (/steps/0/options/0/title): contains `person`",
            "typebot/bottle-shop.json:17:53: error[ACME020] Bottle shop (/steps/1/options/1/title): contains `person`",
            "typebot/clean.json:17:53: error[ACME020] Clean (/steps/1/options/1/title): contains `person`",
            "typebot/support.json:19:53: error[ACME020] Support (/steps/1/options/3/title): contains `person`",
        ]
    );
}

/// bench/custom-rules.sh times these 20 rules: they stay valid rules, and each kind of
/// function runs (a broken one would make the benchmark time an error).
#[test]
fn the_benchmarks_twenty_custom_rules_load_and_run() {
    let rules = common::root().join("bench/custom-rules/rules");
    assert_eq!(std::fs::read_dir(&rules).unwrap().count(), 20);
    let config = common::root().join("bench/custom-rules/walint.yaml");
    let fixtures = common::root().join("tests/fixtures");
    let output = walint_in(
        &fixtures,
        &[
            "check",
            "--config",
            config.to_str().unwrap(),
            "--format",
            "concise",
            "--select",
            "BENCH",
            "flows",
            "formats",
            "templates",
            "webhooks",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("[BENCH"), "{}", stdout(&output));
}
