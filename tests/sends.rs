//! Cloud API template sends (`POST /{phone-number-id}/messages` bodies) through the real
//! binary: recognised by content, compared with the repository's templates (WA125), their
//! parameter texts checked (WA126), and matched by custom rules as `template-send` documents.

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
fn each_send_is_checked_against_the_template_of_another_file() {
    let output = walint_in(
        &root(),
        &["check", SENDS, "--no-config", "--format", "concise"],
    );
    assert_eq!(output.status.code(), Some(1));
    let f = SENDS;
    assert_eq!(
        locations(&output),
        [
            // The image header and the URL button's variable left out: at `template`.
            format!("{f}/send_missing.json:5:3: error[WA125]"),
            format!("{f}/send_missing.json:5:3: error[WA125]"),
            // Two body parameters for three variables: at the body's `type`.
            format!("{f}/send_missing.json:9:16: error[WA125]"),
            // The `\n` escape in the JSON string.
            format!("{f}/send_parcel_shipped.json:14:46: warning[WA126]"),
            // A misspelt variable name, and a parameter that names none.
            format!("{f}/send_welcome_member.json:10:44: error[WA125]"),
            format!("{f}/send_welcome_member.json:11:18: error[WA125]"),
            // A document for the image header, an image for a body variable, the URL button
            // filled as a quick reply, a button the template does not have.
            format!("{f}/send_wrong_types.yaml:10:27: error[WA125]"),
            format!("{f}/send_wrong_types.yaml:14:18: error[WA125]"),
            format!("{f}/send_wrong_types.yaml:17:17: error[WA125]"),
            format!("{f}/send_wrong_types.yaml:22:14: error[WA125]"),
            // The run of 5 spaces in the first of a list of sends; the second fits.
            format!("{f}/sends.yaml:15:49: warning[WA126]"),
        ]
    );
    let text = stdout(&output);
    for message in [
        "the `parcel_shipped` (en_US) send gives 2 body parameters; the template has 3 variables in its body ({{1}}, {{2}}, {{3}}): Meta refuses the send (error 132000)",
        "the `parcel_shipped` (en_US) send gives 0 header parameters; the template has an IMAGE header, filled by one parameter: Meta refuses the send (error 132012)",
        "body parameter 1 of the `welcome_member` (en_US) send fills `frist_name`, which the template's body does not have ({{first_name}}, {{plan}}); did you mean `first_name`?",
        "the `parcel_shipped` (en_US) send fills button 1; the template has 1 button (index 0)",
        "body parameter 3 of the `parcel_shipped` send has 5 spaces in a row; Meta refuses parameter text with a line break, a tab or more than 4 spaces in a row (error 132018)",
    ] {
        assert!(text.contains(message), "{message}\n{text}");
    }
}

#[test]
fn the_template_is_shown_beside_the_send_and_a_send_alone_is_not_judged() {
    let f = SENDS;
    let missing = format!("{f}/send_missing.json");
    let template = format!("{f}/parcel_shipped.json");
    let output = walint_in(&root(), &["check", &missing, &template, "--no-config"]);
    let text = stdout(&output);
    assert!(
        text.contains("note: the template's header is here"),
        "{text}"
    );
    assert!(
        text.contains(&format!("{f}/parcel_shipped.json:7:5]")),
        "{text}"
    );
    // Without the template file there is nothing to compare with.
    let output = walint_in(
        &root(),
        &["check", &missing, "--no-config", "--format", "concise"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
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
    for name in ["send_parcel_shipped.json", "sends.yaml"] {
        std::fs::copy(root().join(SENDS).join(name), dir.path().join(name)).unwrap();
    }
    let output = walint_in(
        dir.path(),
        &["check", "--format", "concise", "--select", "ACME010"],
    );
    let text = stdout(&output);
    // One finding per send: the file's one, and each of the list's two.
    assert_eq!(
        text.matches("warning[ACME010] the send of `parcel_shipped` has no tracking id")
            .count(),
        3,
        "{text}"
    );
}
