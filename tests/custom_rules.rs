//! Custom rules (`custom_rules:` in walint.yaml) through the real binary: found at the value
//! their query names, and treated as the built-in rules are by selection, config, inline
//! suppressions, the baseline, `rules`, `explain` and every report format.

mod common;

use common::{command, stderr, stdout, walint_in};

const FIXTURE: &str = "tests/fixtures/custom/acme";

/// A copy of the fixture in a fresh folder, to change its config or rules.
fn copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&common::root().join(FIXTURE), dir.path());
    dir
}

fn fixture() -> std::path::PathBuf {
    common::root().join(FIXTURE)
}

#[test]
fn a_custom_rule_reports_the_value_its_query_found() {
    let output = walint_in(&fixture(), &["check", "--format", "concise"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("templates/promo.json:4:31: error[ACME001] template `promo`: the footer `Reply STOP to opt out` does not match `Reply STOP to unsubscribe$`"),
        "{text}"
    );
    // The passing footer and the UTILITY template the `where` leaves out.
    assert_eq!(text.matches("ACME001").count(), 1, "{text}");
}

#[test]
fn a_custom_rule_is_selected_ignored_and_configured_as_a_built_in_one() {
    let dir = fixture();
    let codes = |args: &[&str]| {
        let mut all = vec!["check", "--format", "concise"];
        all.extend_from_slice(args);
        let output = walint_in(&dir, &all);
        (
            output.status.code(),
            stdout(&output).matches("ACME001").count(),
        )
    };
    assert_eq!(codes(&["--select", "ACME001"]), (Some(1), 1));
    assert_eq!(codes(&["--select", "acme"]), (Some(1), 1));
    assert_eq!(codes(&["--ignore", "ACME"]).1, 0);
    let output = walint_in(&dir, &["check", "--select", "ACME9"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no rule matches `ACME9`"),
        "{}",
        stderr(&output)
    );
    // The config's `rules:` and `overrides:` name it.
    let copied = copy();
    let config = "custom_rules: [\".walint/rules/*.yaml\"]\nrules:\n  ACME001: warning\n";
    std::fs::write(copied.path().join("walint.yaml"), config).unwrap();
    let output = walint_in(
        copied.path(),
        &["check", "--select", "ACME", "--format", "concise"],
    );
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stdout(&output).contains("warning[ACME001]"),
        "{}",
        stdout(&output)
    );
    let config = "custom_rules: [\".walint/rules/*.yaml\"]\nrules:\n  marketing-stop-footer: off\n";
    std::fs::write(copied.path().join("walint.yaml"), config).unwrap();
    let output = walint_in(
        copied.path(),
        &["check", "--select", "ACME", "--format", "concise"],
    );
    assert_eq!(output.status.code(), Some(0));
    assert!(!stdout(&output).contains("ACME001"), "{}", stdout(&output));
}

#[test]
fn inline_suppressions_and_the_baseline_cover_custom_findings() {
    let dir = copy();
    let output = walint_in(
        dir.path(),
        &["check", "--select", "ACME", "--format", "json"],
    );
    let report = common::json_of(&output);
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let suppressed: Vec<&serde_json::Value> = diagnostics
        .iter()
        .filter(|d| !d["suppression"].is_null())
        .collect();
    assert_eq!(suppressed.len(), 1, "{report:#}");
    assert_eq!(suppressed[0]["file"], "templates/welcome.yaml");
    assert_eq!(suppressed[0]["rule"], "ACME001");
    // A suppression of a custom rule that matches nothing is WA005's, as for any rule.
    let welcome = dir.path().join("templates/welcome.yaml");
    let text = std::fs::read_to_string(&welcome).unwrap();
    std::fs::write(
        &welcome,
        text.replace("reply STOP\"", "Reply STOP to unsubscribe\""),
    )
    .unwrap();
    let output = walint_in(dir.path(), &["check", "--format", "concise"]);
    assert!(
        stdout(&output).contains("templates/welcome.yaml:8:21: warning[WA005] `# walint-ignore ACME001` matches no ACME001 finding"),
        "{}",
        stdout(&output)
    );
    // The baseline records the finding and hides it next time.
    let output = walint_in(
        dir.path(),
        &["baseline", "--select", "ACME", "-o", "baseline.json"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let baseline = std::fs::read_to_string(dir.path().join("baseline.json")).unwrap();
    assert!(baseline.contains("ACME001"), "{baseline}");
    let output = walint_in(
        dir.path(),
        &["check", "--select", "ACME", "--baseline", "baseline.json"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}

#[test]
fn sarif_and_the_audit_report_describe_the_custom_rule() {
    let dir = fixture();
    let output = walint_in(&dir, &["check", "--select", "ACME", "--format", "sarif"]);
    let sarif = common::json_of(&output);
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let rule = rules.iter().find(|r| r["id"] == "ACME001").unwrap();
    assert_eq!(rule["name"], "marketing-stop-footer");
    assert_eq!(
        rule["shortDescription"]["text"],
        "Marketing templates end with our STOP footer."
    );
    assert_eq!(rule["helpUri"], "https://acme.example/policies/marketing");
    let result = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "ACME001" && r["suppressions"].is_null())
        .unwrap();
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(4), Some(31))
    );
    let output = walint_in(&dir, &["check", "--format", "markdown"]);
    let audit = stdout(&output);
    let control = audit
        .lines()
        .find(|line| line.contains("TEMPLATE-GUIDELINES") && line.contains("ACME001"));
    assert!(control.is_some(), "{audit}");
}

#[test]
fn rules_and_explain_list_the_custom_rules_of_the_config() {
    let dir = fixture();
    let output = walint_in(&dir, &["rules"]);
    assert!(
        stdout(&output).contains("| ACME001 | marketing-stop-footer | error | template |"),
        "{}",
        stdout(&output)
    );
    let output = walint_in(&dir, &["rules", "--no-config"]);
    assert!(!stdout(&output).contains("ACME001"));
    let output = walint_in(&dir, &["explain", "marketing-stop-footer"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.starts_with("ACME001 marketing-stop-footer (error, template)"),
        "{text}"
    );
    assert!(
        text.contains("Failing example: a marketing footer in other words"),
        "{text}"
    );
}

#[test]
fn a_bad_rule_file_stops_the_run_at_its_line_and_column() {
    let dir = copy();
    let rule = dir.path().join(".walint/rules/marketing-stop-footer.yaml");
    let text = std::fs::read_to_string(&rule).unwrap();
    std::fs::write(&rule, text.replace("function: pattern", "function: regex")).unwrap();
    let output = walint_in(dir.path(), &["check"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "walint: error: .walint/rules/marketing-stop-footer.yaml:20:15: unknown function `regex` (one of truthy, falsy, defined, undefined, pattern, length, enumeration, casing, alphabetical, xor, contains_phrase, json_schema, every_path_passes, reachable)\n"
    );
    std::fs::write(&rule, text.replace("code: ACME001", "code: WA999")).unwrap();
    let output = walint_in(dir.path(), &["rules"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with("walint: error: .walint/rules/marketing-stop-footer.yaml:1:7: rule code `WA999` is in walint's namespace"),
        "{}",
        stderr(&output)
    );
    // A glob that names no file is said, at its place in the config.
    std::fs::write(
        dir.path().join("walint.yaml"),
        "custom_rules:\n  - \"rules/*.yml\"\n",
    )
    .unwrap();
    let output = command(dir.path(), &["check"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "walint: error: walint.yaml:2:5: `custom_rules: rules/*.yml` matches no file\n"
    );
    std::fs::write(
        dir.path().join("walint.yaml"),
        "custom_rules:\n  - {spectrall: x.yaml}\n",
    )
    .unwrap();
    let output = walint_in(dir.path(), &["check"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains(
            "walint.yaml:2:6: unknown key `custom_rules.spectrall`; did you mean `spectral`?"
        ),
        "{}",
        stderr(&output)
    );
}
