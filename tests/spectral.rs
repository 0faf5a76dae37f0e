//! Spectral rulesets (`custom_rules: [{spectral: FILE}]`) through the real binary: a team's
//! ruleset runs unchanged, its findings at the exact line and column in every report, its
//! rules listed, explained, configured and suppressed as walint's own; what walint cannot run
//! stops the run at its line and column.

mod common;

use std::path::Path;

use common::{command, json_of, stderr, stdout, walint_in};

const FIXTURE: &str = "tests/fixtures/spectral/team";

fn fixture() -> std::path::PathBuf {
    common::root().join(FIXTURE)
}

/// A copy of the fixture in a fresh folder, to change its config or ruleset.
fn copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&fixture(), dir.path());
    dir
}

/// The concise lines of the Spectral rules' findings in `dir`.
fn spectral_findings(dir: &Path) -> Vec<String> {
    let output = walint_in(
        dir,
        &["check", "--select", "SPECTRAL", "--format", "concise"],
    );
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}",
        stderr(&output)
    );
    stdout(&output)
        .lines()
        .filter(|line| line.contains("[SPECTRAL/"))
        .map(str::to_string)
        .collect()
}

#[test]
fn a_teams_ruleset_runs_unchanged_at_exact_positions() {
    assert_eq!(
        spectral_findings(&fixture()),
        [
            "campaigns/launch.yaml:5:20: error[SPECTRAL/campaign-opt-in] `/audience/requires_opt_in` is empty or false (`false`)",
            "flows/support.yaml:12:3: info[SPECTRAL/flow-node-names] `/nodes/humanAgent` `humanAgent` is not snake case",
            "templates/OrderShipped.json:1:10: error[SPECTRAL/template-name-snake] Template names are snake case.",
            "templates/OrderShipped.json:3:29: warning[SPECTRAL/body-length] the body is longer than the maximum of 40 characters (54 characters)",
            "templates/OrderShipped.json:5:79: warning[SPECTRAL/url-buttons-https] url `http://shop.example/track` of #/components/1/buttons/0/url is not HTTPS",
            "webhooks.yaml:12:23: error[SPECTRAL/webhook-signature] `/webhooks/1/verify_signature` is empty or false (`false`)",
        ]
    );
}

#[test]
fn spectral_rules_are_listed_explained_and_in_sarif_and_the_audit_report() {
    let dir = fixture();
    let output = walint_in(&dir, &["rules"]);
    let listed = stdout(&output);
    assert!(
        listed.contains("| SPECTRAL/template-name-snake | spectral-template-name-snake | error | template | Template names are snake case. |"),
        "{listed}"
    );
    assert!(
        listed.contains("| SPECTRAL/experimental-tone |"),
        "{listed}"
    );
    let output = walint_in(&dir, &["explain", "SPECTRAL/body-length"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.starts_with("SPECTRAL/body-length spectral-body-length (warning, general)"),
        "{text}"
    );
    assert!(
        text.contains("https://acme.example/whatsapp-rules#body-length"),
        "{text}"
    );
    let output = walint_in(
        &dir,
        &["check", "--select", "SPECTRAL", "--format", "sarif"],
    );
    let sarif = json_of(&output);
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let rule = rules
        .iter()
        .find(|r| r["id"] == "SPECTRAL/webhook-signature")
        .unwrap();
    assert_eq!(
        rule["helpUri"],
        "https://acme.example/whatsapp-rules#webhook-signature"
    );
    let result = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "SPECTRAL/webhook-signature")
        .unwrap();
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(12), Some(23))
    );
    let output = walint_in(
        &dir,
        &["check", "--select", "SPECTRAL", "--format", "markdown"],
    );
    let audit = stdout(&output);
    assert!(
        audit.contains("#### error SPECTRAL/webhook-signature spectral-webhook-signature at 12:23"),
        "{audit}"
    );
}

#[test]
fn the_config_turns_rules_on_and_off_and_comments_suppress_them() {
    let dir = copy();
    // `recommended: false`: off until `rules:` gives it a severity.
    std::fs::write(
        dir.path().join("walint.yaml"),
        "custom_rules: [{spectral: .spectral.yaml}]\nrules:\n  SPECTRAL/experimental-tone: warning\n  spectral-body-length: off\n",
    )
    .unwrap();
    let flow = dir.path().join("flows/support.yaml");
    let text = std::fs::read_to_string(&flow).unwrap();
    std::fs::write(
        &flow,
        text.replace(
            "  humanAgent:\n",
            "  # walint-ignore SPECTRAL/flow-node-names: named by the contact centre\n  humanAgent:\n",
        ),
    )
    .unwrap();
    let found = spectral_findings(dir.path());
    assert!(
        found.contains(&"templates/welcome.yaml:6:29: warning[SPECTRAL/experimental-tone] `/components/0/text` must not match `/cheap/i` (it has `Cheap`)".to_string()),
        "{found:#?}"
    );
    assert!(
        !found.iter().any(|f| f.contains("body-length")),
        "{found:#?}"
    );
    assert!(
        !found.iter().any(|f| f.contains("flow-node-names")),
        "{found:#?}"
    );
    // The suppression is reported as one, as for any rule.
    let output = walint_in(
        dir.path(),
        &["check", "--select", "SPECTRAL", "--format", "json"],
    );
    let report = json_of(&output);
    let suppressed: Vec<&serde_json::Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| !d["suppression"].is_null())
        .collect();
    assert_eq!(suppressed.len(), 1, "{report:#}");
    assert_eq!(suppressed[0]["rule"], "SPECTRAL/flow-node-names");
}

#[test]
fn a_prefix_puts_the_rules_in_the_teams_namespace() {
    let dir = copy();
    std::fs::write(
        dir.path().join("walint.yaml"),
        "custom_rules:\n  - {spectral: .spectral.yaml, prefix: ACME}\n",
    )
    .unwrap();
    let output = walint_in(
        dir.path(),
        &[
            "check",
            "--select",
            "ACME/webhook-signature",
            "--format",
            "concise",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stdout(&output).starts_with("webhooks.yaml:12:23: error[ACME/webhook-signature] "),
        "{}",
        stdout(&output)
    );
    std::fs::write(
        dir.path().join("walint.yaml"),
        "custom_rules:\n  - {spectral: .spectral.yaml, prefix: WAX}\n",
    )
    .unwrap();
    let output = walint_in(dir.path(), &["check"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "walint: error: walint.yaml:2:40: prefix `WAX` is in walint's namespace (WA): use your team's, such as ACME\n"
    );
    std::fs::write(
        dir.path().join("walint.yaml"),
        "custom_rules:\n  - {spectral: .spectral.yml}\n",
    )
    .unwrap();
    let output = walint_in(dir.path(), &["check"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with(
            "walint: error: walint.yaml:2:16: cannot read the Spectral ruleset .spectral.yml: "
        ),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_ruleset_walint_cannot_run_stops_the_run_at_its_line() {
    let dir = copy();
    let ruleset = dir.path().join(".spectral.yaml");
    let text = std::fs::read_to_string(&ruleset).unwrap();
    for (changed, expected) in [
        (
            text.replace("function: truthy}", "function: isVerified}"),
            ".spectral.yaml:25:47: `isVerified` is not one of Spectral's core functions walint runs",
        ),
        (
            format!("functions: [isVerified]\n{text}"),
            ".spectral.yaml:1:1: custom functions are JavaScript, which walint does not run",
        ),
        (
            text.replace("extends: [[spectral:oas, off]]", "extends: [\"@acme/whatsapp-ruleset\"]"),
            ".spectral.yaml:2:11: `extends: @acme/whatsapp-ruleset` is a ruleset from npm",
        ),
        (
            text.replace("given: \"$.webhooks[*]\"", "given: \"$.webhooks[*].callback_url^\""),
            ".spectral.yaml:23:39: `given: $.webhooks[*].callback_url^`: `^` (the parent of a value) has no RFC 9535 equivalent",
        ),
    ] {
        std::fs::write(&ruleset, changed).unwrap();
        let output = walint_in(dir.path(), &["check"]);
        assert_eq!(output.status.code(), Some(2), "{expected}");
        assert!(
            stderr(&output).starts_with(&format!("walint: error: {expected}")),
            "expected {expected}\n   found {}",
            stderr(&output)
        );
    }
}

#[test]
fn walint_test_says_a_ruleset_has_no_examples_to_run() {
    let output = walint_in(&fixture(), &["test"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("7 rules of Spectral rulesets not tested: a ruleset carries no examples (SPECTRAL/body-length, "),
        "{text}"
    );
}

/// The ruleset a team wrote for templates, flows and webhooks
/// (`../shared/peers/spectral-ruleset.yaml`), run as it is on the fixture's files.
#[test]
fn the_peers_ruleset_runs_unchanged_when_present() {
    let peer = common::root().join("../shared/peers/spectral-ruleset.yaml");
    let Ok(ruleset) = std::fs::read_to_string(&peer) else {
        eprintln!("skipped: {} is not here", peer.display());
        return;
    };
    let dir = copy();
    std::fs::write(dir.path().join(".spectral.yaml"), ruleset).unwrap();
    assert_eq!(
        spectral_findings(dir.path()),
        [
            "campaigns/launch.yaml:5:20: error[SPECTRAL/campaign-opt-in] `/audience/requires_opt_in` is empty or false (`false`)",
            "templates/OrderShipped.json:5:79: warning[SPECTRAL/template-url-https] `/components/1/buttons/0/url` does not match `^https://`",
            // `$[?(...)]` filters the root's children: the templates of a file that lists them.
            "templates/batch.json:1:11: error[SPECTRAL/template-name] `/0/name` does not match `^[a-z0-9_]{1,512}$`",
            "templates/batch.json:1:82: error[SPECTRAL/template-status] `/0/status` must be one of APPROVED, not `PAUSED`",
            // A WhatsApp Flow in a template's `flow_json` is a document of its own.
            "templates/booking.json:5:165: error[SPECTRAL/flow-json-terminal-footer] flow_json: `/screens/0/layout/children` fails the schema: None of [{\"text\":\"Booked\",\"type\":\"TextBody\"}] are valid under the given schema",
            "webhooks.yaml:12:23: error[SPECTRAL/webhook-signature] `/webhooks/1/verify_signature` is empty or false (`false`)",
        ]
    );
    // Deterministic: the same bytes twice.
    let run = || {
        stdout(
            &command(dir.path(), &["check", "--format", "sarif"])
                .output()
                .unwrap(),
        )
    };
    assert_eq!(run(), run());
}
