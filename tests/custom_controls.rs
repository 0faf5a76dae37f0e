//! A team's own controls through the real binary: a rule file defines one in its
//! `controls:`, any rule of the run cites it, the audit reports list it with its rules, and
//! an unknown control is exit 2 at its line.

mod common;

use std::path::Path;

use common::{stderr, stdout, walint_in};

fn worked() -> std::path::PathBuf {
    common::root().join("tests/fixtures/custom/worked")
}

#[test]
fn the_audit_reports_list_a_custom_control_with_the_rules_that_evidence_it() {
    let output = walint_in(&worked(), &["check", "--format", "markdown"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let audit = stdout(&output);
    let row = audit
        .lines()
        .find(|line| line.starts_with("| **ACME-SUPPORT-PROMISE**"))
        .unwrap_or_else(|| panic!("no row for ACME-SUPPORT-PROMISE:\n{audit}"));
    assert_eq!(
        row,
        "| **ACME-SUPPORT-PROMISE**<br>Acme support promise: a person answers every customer who types AGENT<br>Every bot, on every platform, tells customers that AGENT gets them a person, and answers AGENT with a handoff.<br>[policy source](https://acme.example/policies/support) | failed | ACME002 agent-keyword: **failed** (1 error)<br>ACME006 agent-told: **failed** (2 warnings) |"
    );
    let output = walint_in(&worked(), &["check", "--format", "html"]);
    let html = stdout(&output);
    assert!(
        html.contains("<tr id=\"control-ACME-SUPPORT-PROMISE\">\n<td><b>ACME-SUPPORT-PROMISE</b><br><span class=\"detail\">Acme support promise: a person answers every customer who types AGENT</span><br><span class=\"detail\">Every bot, on every platform, tells customers that AGENT gets them a person, and answers AGENT with a handoff.</span>"),
        "{html}"
    );
}

/// A project with these rule files (name → text) and the config that loads them.
fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join(".walint/rules");
    std::fs::create_dir_all(&rules).unwrap();
    for (name, text) in files {
        std::fs::write(rules.join(name), text).unwrap();
    }
    std::fs::write(
        dir.path().join("walint.yaml"),
        "custom_rules: [\".walint/rules/*.yaml\"]\n",
    )
    .unwrap();
    dir
}

fn rule(code: &str, name: &str, controls: &str) -> String {
    format!(
        "code: {code}\nname: {name}\nseverity: error\ncategory: webhook\nsummary: \"S.\"\nrationale: \"R.\"\nfix: \"F.\"\ncontrols:\n{controls}match:\n  then: {{field: callback_url, function: defined}}\n"
    )
}

fn error_of(dir: &Path) -> String {
    let output = walint_in(dir, &["check"]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    stderr(&output)
}

#[test]
fn an_unknown_or_clashing_control_is_exit_2_at_its_line() {
    let defines = "  - id: ACME-HOSTS\n    title: \"Our hosts only\"\n    description: \"Webhooks call back to our own servers.\"\n";
    let dir = project(&[
        ("a.yaml", &rule("ACME001", "a-rule", "  - ACME-HOSTS\n")),
        ("b.yaml", &rule("ACME002", "b-rule", defines)),
        ("c.yaml", &rule("ACME003", "c-rule", "  - ACME-HOST\n")),
    ]);
    // a.yaml cites the control b.yaml defines, loaded after it: fine. c.yaml misspells it.
    assert_eq!(
        error_of(dir.path()),
        "walint: error: .walint/rules/c.yaml:9:5: unknown control `ACME-HOST` (not in rules/controls.yaml, and no rule file defines it); did you mean `ACME-HOSTS`?\n"
    );
    let other =
        "  - id: ACME-HOSTS\n    title: \"Other hosts\"\n    description: \"Something else.\"\n";
    let dir = project(&[
        ("b.yaml", &rule("ACME002", "b-rule", defines)),
        ("c.yaml", &rule("ACME003", "c-rule", other)),
    ]);
    assert_eq!(
        error_of(dir.path()),
        "walint: error: .walint/rules/c.yaml:9:5: control `ACME-HOSTS` is defined twice, with different titles, descriptions or sources\n"
    );
    let walints = "  - id: WABP-OPT-IN\n    title: \"Mine\"\n    description: \"Mine.\"\n";
    let dir = project(&[("b.yaml", &rule("ACME002", "b-rule", walints))]);
    assert_eq!(
        error_of(dir.path()),
        "walint: error: .walint/rules/b.yaml:9:5: control `WABP-OPT-IN` is walint's own (rules/controls.yaml): cite it by its id alone\n"
    );
}

#[test]
fn one_rule_file_is_tested_with_the_controls_its_folder_defines() {
    // agent-keyword.yaml cites ACME-SUPPORT-PROMISE, which agent-told.yaml beside it defines.
    let output = walint_in(&worked(), &["test", ".walint/rules/agent-keyword.yaml"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("2 examples of 1 rule: 2 validated"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn a_nested_projects_own_control_is_the_runs_and_a_clash_names_its_config() {
    let defines = "  - id: ACME-HOSTS\n    title: \"Our hosts only\"\n    description: \"Webhooks call back to our own servers.\"\n";
    let hook = "webhooks:\n  - name: inbound\n    callback_url: https://hooks.acme.example/wa\n    verify_token: ${WA_VERIFY_TOKEN}\n    app_secret: ${WA_APP_SECRET}\n    verify_signature: true\n    fields: [messages]\n";
    let dir = tempfile::tempdir().unwrap();
    for (project, code) in [("a", "ACME001"), ("b", "ACME002")] {
        let rules = dir.path().join(project).join(".walint/rules");
        std::fs::create_dir_all(&rules).unwrap();
        std::fs::write(
            rules.join("r.yaml"),
            rule(code, &format!("rule-{project}"), defines),
        )
        .unwrap();
        std::fs::write(
            dir.path().join(project).join("walint.yaml"),
            "custom_rules: [\".walint/rules/*.yaml\"]\n",
        )
        .unwrap();
        std::fs::write(dir.path().join(project).join("webhooks.yaml"), hook).unwrap();
    }
    // Both projects define the same control: the run holds it once, evidenced by both rules.
    let output = walint_in(dir.path(), &["check", "--format", "markdown"]);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}",
        stderr(&output)
    );
    let audit = stdout(&output);
    let rows: Vec<&str> = audit
        .lines()
        .filter(|l| l.starts_with("| **ACME-HOSTS**"))
        .collect();
    assert_eq!(rows.len(), 1, "{audit}");
    assert!(
        rows[0].contains("ACME001 rule-a: **passed**<br>ACME002 rule-b: **passed**"),
        "{}",
        rows[0]
    );
    // b's differs: the run stops, naming b's config.
    let other = defines.replace("Our hosts only", "Other hosts");
    std::fs::write(
        dir.path().join("b/.walint/rules/r.yaml"),
        rule("ACME002", "rule-b", &other),
    )
    .unwrap();
    let output = walint_in(dir.path(), &["check"]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    assert_eq!(
        stderr(&output),
        "walint: error: b/walint.yaml: control `ACME-HOSTS` is defined twice, with different titles, descriptions or sources\n"
    );
}
