//! The seven worked rules of docs/custom-rules.md are tests: the rule files of
//! tests/fixtures/custom/worked are the documented text exactly, `walint test` validates each
//! of their examples, and `walint check` there finds what the page shows.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use common::{stderr, stdout, walint_in};

fn fixture() -> PathBuf {
    common::root().join("tests/fixtures/custom/worked")
}

fn page() -> String {
    std::fs::read_to_string(common::root().join("docs/custom-rules.md")).unwrap()
}

/// The page's YAML blocks that are rule files: each opens with `# .walint/rules/NAME`.
fn documented_rules(page: &str) -> BTreeMap<String, String> {
    let mut rules = BTreeMap::new();
    for block in page.split("```yaml\n").skip(1) {
        let Some((body, _)) = block.split_once("```") else {
            continue;
        };
        if let Some(name) = body
            .lines()
            .next()
            .and_then(|first| first.strip_prefix("# .walint/rules/"))
        {
            rules.insert(name.to_string(), body.to_string());
        }
    }
    rules
}

#[test]
fn the_fixture_rule_files_are_the_documented_text() {
    let documented = documented_rules(&page());
    let folder = fixture().join(".walint/rules");
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        files.insert(name, std::fs::read_to_string(&path).unwrap());
    }
    assert_eq!(
        documented.keys().collect::<Vec<_>>(),
        [
            "agent-keyword.yaml",
            "agent-told.yaml",
            "brand-tone.yaml",
            "privacy-before-promo.yaml",
            "stop-footer.yaml",
            "templates-per-category.yaml",
            "webhook-hosts.yaml"
        ]
    );
    for (name, text) in &documented {
        assert_eq!(
            files.get(name),
            Some(text),
            "docs/custom-rules.md's {name} is not tests/fixtures/custom/worked/.walint/rules/{name}"
        );
    }
    assert_eq!(
        files.len(),
        documented.len(),
        "a fixture rule the page does not show"
    );
}

#[test]
fn walint_test_validates_every_example_of_the_worked_rules() {
    let output = walint_in(&fixture(), &["test"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn walint_check_finds_what_the_page_shows() {
    let output = walint_in(&fixture(), &["check", "--format", "concise"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    insta::assert_snapshot!(text);
    let page = page();
    let findings: Vec<&str> = text.lines().filter(|l| l.contains('[')).collect();
    assert_eq!(findings.len(), 7, "{text}");
    let shown = format!("```text\n{}\n```", findings.join("\n"));
    assert!(
        page.contains(&shown),
        "docs/custom-rules.md does not show:\n{shown}"
    );
}
