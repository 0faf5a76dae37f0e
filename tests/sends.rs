//! Cloud API template sends (`POST /{phone-number-id}/messages` bodies) through the real
//! binary: recognised by content, checked by WA126, and matched by custom rules as
//! `template-send` documents.

mod common;

use std::process::Output;

use common::{root, stdout, walint_in};

const SENDS: &str = "tests/fixtures/sends";

/// `file:line:col: severity[CODE]` of every finding, in report order.
fn locations(output: &Output) -> Vec<String> {
    stdout(output)
        .lines()
        .filter(|l| l.contains(": error[") || l.contains(": warning[") || l.contains(": info["))
        .map(|l| l.split(']').next().unwrap_or("").to_string() + "]")
        .collect()
}

#[test]
fn parameter_whitespace_is_found_in_each_send_of_a_file() {
    let output = walint_in(
        &root(),
        &["check", SENDS, "--no-config", "--format", "concise"],
    );
    let f = SENDS;
    assert_eq!(
        locations(&output),
        [
            // The `\n` escape in the JSON string, and the run of 5 spaces in a list of sends.
            format!("{f}/send_order_shipped.json:14:46: warning[WA126]"),
            format!("{f}/sends.yaml:15:49: warning[WA126]"),
        ]
    );
    assert!(stdout(&output).contains(
        "body parameter 3 of the `order_shipped` send has 5 spaces in a row; Meta refuses parameter text with a line break, a tab or more than 4 spaces in a row (error 132018)"
    ));
}

#[test]
fn a_custom_rule_matches_template_sends() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join(".walint/rules");
    std::fs::create_dir_all(&rules).unwrap();
    std::fs::write(
        dir.path().join("walint.yaml"),
        "custom_rules: [\".walint/rules/*.yaml\"]\n",
    )
    .unwrap();
    std::fs::write(
        rules.join("callback-data.yaml"),
        r#"code: ACME010
name: send-callback-data
severity: warning
category: template
summary: "Every template send carries our tracking id."
rationale: |
  Delivery statuses are matched to orders by biz_opaque_callback_data.
fix: |
  Add `biz_opaque_callback_data` with the order id.
sources:
  - https://acme.example/policies/tracking
controls:
  - TEMPLATE-GUIDELINES
match:
  kinds: [template-send]
  then: {field: biz_opaque_callback_data, function: defined}
  message: "the send of `{document}` has no tracking id"
examples:
  - kind: failing
    description: "no tracking id"
    files:
      send.json: |
        {"messaging_product": "whatsapp", "to": "1", "type": "template",
         "template": {"name": "a", "language": {"code": "en"}}}
  - kind: passing
    description: "with the tracking id"
    files:
      send.json: |
        {"messaging_product": "whatsapp", "to": "1", "type": "template", "biz_opaque_callback_data": "A-1",
         "template": {"name": "a", "language": {"code": "en"}}}
"#,
    )
    .unwrap();
    for name in ["send_order_shipped.json", "sends.yaml"] {
        std::fs::copy(root().join(SENDS).join(name), dir.path().join(name)).unwrap();
    }
    let output = walint_in(
        dir.path(),
        &["check", "--format", "concise", "--select", "ACME010"],
    );
    let text = stdout(&output);
    // One finding per send: the file's one, and each of the list's two.
    assert_eq!(
        text.matches("warning[ACME010] the send of `order_shipped` has no tracking id")
            .count(),
        3,
        "{text}"
    );
}
