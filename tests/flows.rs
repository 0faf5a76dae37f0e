//! Conversation-flow rules (WA2xx) through the real binary: each rule on its failing
//! fixture at the exact place, a realistic clean flow of 48 nodes with no finding at all,
//! the path rules' messages, config options, and a generated flow of 10,000 nodes.

mod common;

use std::collections::BTreeSet;

use common::{root, stdout, walint, walint_in};

#[path = "support/big_flow.rs"]
mod big_flow;

const FAILING: &str = "tests/fixtures/flows/failing";
const CLEAN: &str = "tests/fixtures/flows/clean";

/// `file:line:col: severity[CODE]` of each finding of a concise report.
fn locations(report: &str) -> Vec<String> {
    report
        .lines()
        .filter(|l| l.contains('['))
        .filter_map(|l| l.split_once(']').map(|(head, _)| format!("{head}]")))
        .collect()
}

/// A copy of a fixture folder in a temporary directory.
fn copy_of(folder: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let source = root().join(folder);
    let mut stack = vec![source.clone()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            let target = dir.path().join(path.strip_prefix(&source).unwrap());
            if path.is_dir() {
                std::fs::create_dir_all(&target).unwrap();
                stack.push(path);
            } else {
                std::fs::copy(&path, &target).unwrap();
            }
        }
    }
    dir
}

#[test]
fn each_rule_fires_on_its_fixture_at_the_right_place() {
    let output = walint(&["check", FAILING, "--format", "concise"]);
    assert_eq!(output.status.code(), Some(1));
    let expected = [
        "wa002_flow_schema.yaml:12:9: error[WA002]",
        "wa002_flow_schema.yaml:16:15: error[WA002]",
        "wa002_flow_schema.yaml:22:3: error[WA002]",
        // 4 reply buttons: at the `options` key.
        "wa201_menu_overloaded.yaml:10:5: error[WA201]",
        // Button title, list button, section title, row title, row description: at the value.
        "wa202_option_title_too_long.yaml:11:17: error[WA202]",
        "wa202_option_title_too_long.yaml:17:13: error[WA202]",
        "wa202_option_title_too_long.yaml:20:16: error[WA202]",
        "wa202_option_title_too_long.yaml:22:21: error[WA202]",
        "wa202_option_title_too_long.yaml:23:44: error[WA202]",
        // At the entry.
        "wa203_no_human_escalation.yaml:2:8: error[WA203]",
        // At each node's key.
        "wa204_escalation_unreachable.yaml:13:3: warning[WA204]",
        "wa204_escalation_unreachable.yaml:19:3: warning[WA204]",
        "wa205_missing_fallback.yaml:7:3: warning[WA205]",
        "wa205_missing_fallback.yaml:13:3: warning[WA205]",
        // At the misspelt value: keyword, option, fallback, else.
        "wa206_undefined_node.yaml:4:9: error[WA206]",
        "wa206_undefined_node.yaml:11:40: error[WA206]",
        "wa206_undefined_node.yaml:13:15: error[WA206]",
        // What the typos cut off: one finding per region.
        "wa206_undefined_node.yaml:14:3: warning[WA207]",
        "wa206_undefined_node.yaml:18:3: warning[WA207]",
        "wa206_undefined_node.yaml:22:11: error[WA206]",
        "wa206_undefined_node.yaml:30:3: warning[WA207]",
        "wa207_unreachable_node.yaml:18:3: warning[WA207]",
        "wa208_dead_end.yaml:14:3: error[WA208]",
        // At the template name.
        "wa209_missing_opt_in.yaml:22:22: error[WA209]",
        // Flow list: no keyword at all (at `keywords`), and Stopp to a message (at its value).
        "wa210_no_opt_out_keyword.yaml:4:5: error[WA210]",
        "wa210_no_opt_out_keyword.yaml:26:14: error[WA210]",
        // A missing language is pointed at the language, a missing name at the name.
        "wa211_campaign.yaml:2:41: error[WA211]",
        "wa211_unknown_template.yaml:9:47: error[WA211]",
        "wa211_unknown_template.yaml:13:22: error[WA211]",
        "wa211_unknown_template.yaml:17:22: error[WA211]",
        "wa212_outside_service_window.yaml:23:3: error[WA212]",
        "wa212_outside_service_window.yaml:27:3: error[WA212]",
        "wa213_menu_too_deep.yaml:28:3: warning[WA213]",
        "wa214_message_too_long.yaml:9:13: error[WA214]",
        "wa214_message_too_long.yaml:10:11: error[WA214]",
        "wa214_message_too_long.yaml:17:11: error[WA214]",
    ];
    let expected: Vec<String> = expected.iter().map(|e| format!("{FAILING}/{e}")).collect();
    assert_eq!(locations(&stdout(&output)), expected);
}

#[test]
fn concise_report_of_the_flow_fixtures() {
    let output = walint(&["check", FAILING, "--format", "concise"]);
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn path_rules_show_the_path_in_sentences() {
    let args = |format: &str| -> Vec<String> {
        vec![
            "check".into(),
            format!("{FAILING}/wa209_missing_opt_in.yaml"),
            format!("{FAILING}/wa212_outside_service_window.yaml"),
            format!("{FAILING}/wa213_menu_too_deep.yaml"),
            format!("{FAILING}/templates"),
            "--format".into(),
            format.into(),
        ]
    };
    let run = |format: &str| {
        let args = args(format);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        stdout(&walint(&args))
    };
    let text = run("concise");
    for sentence in [
        "error[WA209] customers who go welcome → status → upsell receive the marketing template \
         `spring_sale` without having agreed to marketing messages: no opt_in node asks for consent on the way",
        "error[WA212] message `reminder` sends a free-form message 2d after the customer's last reply \
         (welcome → wait_a_day → check_cart → reminder); outside the 24-hour customer service window \
         WhatsApp delivers only templates",
        "warning[WA213] menu `sizes` is the 4th menu in a row before any answer \
         (welcome → clothing → jackets → sizes); the project allows at most 3 (`max_depth`)",
    ] {
        assert!(text.contains(sentence), "{sentence}\n{text}");
    }
    insta::assert_snapshot!(run("human"));
}

#[test]
fn the_clean_flow_has_no_finding() {
    let output = walint(&["check", CLEAN]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).contains("No problems found in 5 files."));
    let flow = std::fs::read_to_string(root().join(CLEAN).join("support_bot.yaml")).unwrap();
    let nodes = flow
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   ") && l.ends_with(':'))
        .count();
    assert!(nodes >= 40, "{nodes} nodes");
}

/// One change to the clean flow, and the finding it must cause.
fn mutated(replacements: &[(&str, &str)], config: Option<&str>) -> String {
    let dir = copy_of(CLEAN);
    let path = dir.path().join("support_bot.yaml");
    let mut flow = std::fs::read_to_string(&path).unwrap();
    for (from, to) in replacements {
        assert!(flow.contains(from), "{from}");
        flow = flow.replacen(from, to, 1);
    }
    std::fs::write(&path, flow).unwrap();
    if let Some(config) = config {
        std::fs::write(dir.path().join("walint.yaml"), config).unwrap();
    }
    stdout(&walint_in(dir.path(), &["check", "--format", "concise"]))
}

#[test]
fn the_clean_flow_is_clean_for_a_reason() {
    // Without the AGENT and MENU keywords, answers that only end the chat trap the customer.
    let text = mutated(
        &[("  AGENT: agent_chat\n", ""), ("  MENU: welcome\n", "")],
        None,
    );
    assert!(
        text.contains("warning[WA204] no handoff can be reached from message `goodbye` any more"),
        "{text}"
    );
    // Without the opt-in, the weekend offers are marketing without consent.
    let text = mutated(&[("type: opt_in", "type: message")], None);
    assert!(
        text.contains(
            "error[WA209] customers who go welcome → offers_consent → offers_check → offers_send"
        ),
        "{text}"
    );
    // A plain-text reminder after the 26h wait is outside the service window.
    let text = mutated(
        &[(
            "    type: template\n    template: {name: fitting_reminder, language: en_US}",
            "    type: message\n    text: \"See you tomorrow!\"",
        )],
        None,
    );
    assert!(
        text.contains("error[WA212] message `fitting_reminder` sends a free-form message 26h"),
        "{text}"
    );
    // No opt-out word left.
    let text = mutated(
        &[
            ("  STOP: unsubscribe\n", ""),
            ("  UNSUBSCRIBE: unsubscribe\n", ""),
            ("  PARAR: unsubscribe\n", ""),
            ("  STOPP: unsubscribe\n", ""),
        ],
        None,
    );
    assert!(
        text.contains("error[WA210] flow `nordwind_support`"),
        "{text}"
    );
    // A stricter menu depth.
    let text = mutated(&[], Some("rules:\n  WA213: {max_depth: 1}\n"));
    assert!(
        text.contains("warning[WA213] menu `returns_menu` is the 2nd menu in a row before any answer (welcome → returns_menu); the project allows at most 1 (`max_depth`)"),
        "{text}"
    );
}

#[test]
fn max_depth_is_read_from_the_config() {
    let dir = copy_of(FAILING);
    let file = "wa213_menu_too_deep.yaml";
    let before = stdout(&walint_in(
        dir.path(),
        &["check", file, "--format", "concise"],
    ));
    assert!(before.contains("[WA213]"), "{before}");
    std::fs::write(
        dir.path().join("walint.yaml"),
        "rules:\n  WA213: {max_depth: 4}\n",
    )
    .unwrap();
    let after = walint_in(dir.path(), &["check", file, "--format", "concise"]);
    assert_eq!(after.status.code(), Some(0), "{}", stdout(&after));
    std::fs::write(
        dir.path().join("walint.yaml"),
        "rules:\n  WA213: {max_depth: 2}\n",
    )
    .unwrap();
    let stricter = stdout(&walint_in(
        dir.path(),
        &["check", file, "--format", "concise"],
    ));
    assert!(
        stricter.contains("menu `jackets` is the 3rd menu in a row before any answer (welcome → clothing → jackets)"),
        "{stricter}"
    );
}

#[test]
fn related_locations_point_at_the_templates() {
    let output = walint(&[
        "check",
        &format!("{FAILING}/wa211_unknown_template.yaml"),
        &format!("{FAILING}/wa211_campaign.yaml"),
        &format!("{FAILING}/templates"),
        "--format",
        "json",
    ]);
    let value = common::json_of(&output);
    let found: Vec<(String, String, Vec<String>)> = value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let related = d["related"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    format!(
                        "{}:{}: {}",
                        r["file"].as_str().unwrap(),
                        r["line"],
                        r["message"].as_str().unwrap()
                    )
                })
                .collect();
            (
                d["pointer"].as_str().unwrap().to_string(),
                d["help"].as_str().unwrap_or("").to_string(),
                related,
            )
        })
        .collect();
    let shipped = found
        .iter()
        .find(|(p, _, _)| p == "/nodes/shipped/template/language")
        .unwrap();
    assert!(
        shipped.1.starts_with("did you mean language `de`?"),
        "{shipped:?}"
    );
    assert_eq!(
        shipped.2,
        [
            format!(
                "{FAILING}/templates/order_shipped.json:4: `order_shipped` (en_US) is defined here"
            ),
            format!(
                "{FAILING}/templates/order_shipped.json:14: `order_shipped` (de) is defined here"
            ),
        ]
    );
    let label = found
        .iter()
        .find(|(p, _, _)| p == "/nodes/label/template/name")
        .unwrap();
    assert!(
        label.1.starts_with("did you mean `return_label`?"),
        "{label:?}"
    );
    assert_eq!(
        label.2,
        [format!(
            "{FAILING}/templates/order_shipped.json:23: `return_label` (en_US) is defined here"
        )]
    );
    let survey = found
        .iter()
        .find(|(p, _, _)| p == "/nodes/survey/template/name")
        .unwrap();
    assert!(survey.2.is_empty(), "{survey:?}");
    let campaign = found
        .iter()
        .find(|(p, _, _)| p == "/template/language")
        .unwrap();
    assert!(
        campaign.1.starts_with("did you mean language `en_US`?"),
        "{campaign:?}"
    );
}

#[test]
fn without_template_files_unknown_templates_are_not_guessed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join(FAILING).join("wa211_unknown_template.yaml"),
        dir.path().join("flow.yaml"),
    )
    .unwrap();
    let text = stdout(&walint_in(dir.path(), &["check", "--format", "concise"]));
    assert!(!text.contains("WA211"), "{text}");
}

#[test]
fn a_flow_of_ten_thousand_nodes() {
    let (flow, edges) = big_flow::flow();
    assert_eq!(edges, 30_000);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("big_bot.yaml"), &flow).unwrap();
    std::fs::write(dir.path().join("spring_sale.json"), big_flow::SPRING_SALE).unwrap();
    let output = walint_in(dir.path(), &["check", "--format", "json"]);
    let value = common::json_of(&output);
    let found: BTreeSet<(String, String)> = value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["pointer"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let typo_menu = big_flow::TYPO_FROM - big_flow::TYPO_FROM % 2;
    let expected: BTreeSet<(String, String)> = [
        ("WA206", format!("/nodes/n{typo_menu}/options/1/next")),
        ("WA207", "/nodes/orphan".to_string()),
        ("WA208", "/nodes/dead_end".to_string()),
        ("WA209", "/nodes/promo/template/name".to_string()),
        ("WA211", "/nodes/survey/template/name".to_string()),
        ("WA212", "/nodes/reminder".to_string()),
    ]
    .into_iter()
    .map(|(rule, pointer)| (rule.to_string(), pointer))
    .collect();
    assert_eq!(found, expected);
    let message = |rule: &str| -> String {
        value["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["rule"] == rule)
            .map(|d| d["message"].as_str().unwrap().to_string())
            .unwrap()
    };
    let opt_in = message("WA209");
    assert!(
        opt_in.starts_with("customers who go n0 → ") && opt_in.contains(" → promo receive"),
        "{opt_in}"
    );
    let window = message("WA212");
    assert!(
        window.contains("n0 → ") && window.contains(" → wait_two_days → reminder)"),
        "{window}"
    );
}
