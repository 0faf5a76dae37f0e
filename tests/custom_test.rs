//! `walint test` through the real binary: each example of a custom rule is validated, noisy
//! (a finding it does not expect) or missing (a finding it expects and does not get), with
//! exit 1 on any failure and exit 2 on a bad rule file; `check` does not run the examples.

mod common;

use std::path::PathBuf;

use common::{stderr, stdout, walint_in};

fn fixture(name: &str) -> PathBuf {
    common::root().join("tests/fixtures/custom/test").join(name)
}

#[test]
fn every_example_validated_is_exit_0() {
    let output = walint_in(&fixture("validated"), &["test"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn a_finding_on_a_passing_example_is_noisy_and_exit_1() {
    let output = walint_in(&fixture("noisy"), &["test"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn a_failing_example_without_its_expected_finding_is_missing_and_exit_1() {
    let output = walint_in(&fixture("missing"), &["test"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn a_bad_rule_file_is_exit_2_at_its_line_for_test_and_check() {
    for command in ["test", "check"] {
        let output = walint_in(&fixture("bad"), &[command]);
        assert_eq!(output.status.code(), Some(2), "{command}");
        assert!(
            stderr(&output).contains(".walint/rules/webhook-hosts.yaml:13:15: unknown function `patern` (one of truthy, falsy, defined, undefined, pattern, length, enumeration, casing, alphabetical, xor, contains_phrase, json_schema, every_path_passes, reachable); did you mean `pattern`?"),
            "{command}: {}",
            stderr(&output)
        );
        assert_eq!(stdout(&output), "", "{command}");
    }
}

#[test]
fn check_validates_rule_files_but_does_not_run_their_examples() {
    // The noisy and missing rules are well formed: `check` has nothing against them.
    for name in ["noisy", "missing"] {
        let output = walint_in(&fixture(name), &["check"]);
        assert_eq!(output.status.code(), Some(0), "{name}: {}", stderr(&output));
    }
}

#[test]
fn a_rule_file_or_a_config_is_tested_as_named() {
    let dir = fixture("validated");
    let output = walint_in(&dir, &["test", ".walint/rules/webhook-hosts.yaml"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with("ACME010 webhook-hosts\n"), "{text}");
    assert!(
        text.ends_with("\n3 examples of 1 rule: 3 validated, 0 failed\n"),
        "{text}"
    );
    // A folder and a rule file it loads: each rule once.
    let output = walint_in(
        &dir,
        &["test", "walint.yaml", ".walint/rules/webhook-hosts.yaml"],
    );
    assert!(
        stdout(&output).ends_with("\n5 examples of 2 rules: 5 validated, 0 failed\n"),
        "{}",
        stdout(&output)
    );
    // From elsewhere: the folder's own walint.yaml.
    let output = walint_in(
        &common::root(),
        &["test", "tests/fixtures/custom/test/noisy"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
}

#[test]
fn nothing_to_test_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("walint.yaml"), "fail_on: error\n").unwrap();
    let output = walint_in(dir.path(), &["test"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "walint: error: nothing to test: walint.yaml names no custom rule (`custom_rules:`)\n"
    );
    let output = walint_in(dir.path(), &["test", "nowhere.yaml"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "walint: error: nowhere.yaml: no such file or folder\n"
    );
}

#[test]
fn a_rule_without_examples_is_untested_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let rule =
        std::fs::read_to_string(fixture("validated").join(".walint/rules/webhook-hosts.yaml"))
            .unwrap();
    let without = &rule[..rule.find("examples:").unwrap()];
    std::fs::write(dir.path().join("hosts.yaml"), without).unwrap();
    let output = walint_in(dir.path(), &["test", "hosts.yaml"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "ACME010 webhook-hosts\n  untested   the rule has no `examples:` (a failing and a passing one)\n\n0 examples of 1 rule: 0 validated, 1 failed\n"
    );
}
