//! `check --force-exclude`: what pre-commit and lint-staged run, naming every changed JSON
//! and YAML file. Named files then follow the rules of files found in folders.

mod common;

use std::fs;
use std::path::Path;

use common::{stdout, walint_in};

/// JSON with comments (tsconfig.json) and a Helm template: neither parses, neither is
/// walint's business.
fn write_foreign_files(dir: &Path) {
    fs::write(
        dir.join("tsconfig.json"),
        "{\n  // strict mode\n  \"compilerOptions\": {\"strict\": true,},\n}\n",
    )
    .unwrap();
    fs::create_dir_all(dir.join("chart/templates")).unwrap();
    fs::write(
        dir.join("chart/templates/configmap.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-config\n",
    )
    .unwrap();
}

const FOREIGN: [&str; 2] = ["tsconfig.json", "chart/templates/configmap.yaml"];

#[test]
fn named_files_that_are_not_walints_kinds_are_left_out() {
    let dir = tempfile::tempdir().unwrap();
    write_foreign_files(dir.path());
    let mut args = vec!["check", "--format", "concise"];
    args.extend(FOREIGN);

    // Named without the flag, each is a parse error: the user asked for them.
    let output = walint_in(dir.path(), &args);
    assert_eq!(output.status.code(), Some(1));
    let report = stdout(&output);
    for file in FOREIGN {
        assert!(report.contains(&format!("{file}:")), "{report}");
    }

    args.push("--force-exclude");
    let output = walint_in(dir.path(), &args);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}

#[test]
fn named_files_follow_the_configs_include_and_exclude() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_foreign_files(root);
    fs::write(
        root.join("walint.yaml"),
        "include: [\"whatsapp/**\"]\nexclude: [\"**/fixtures/**\"]\n",
    )
    .unwrap();
    fs::create_dir_all(root.join("whatsapp/fixtures")).unwrap();
    fs::create_dir_all(root.join("docs")).unwrap();
    // Included: a file that does not parse is still reported, marker or not.
    fs::write(root.join("whatsapp/broken.yaml"), "key: [1, 2\n").unwrap();
    // Excluded, and outside include: a webhook on plain HTTP that a named run would report.
    let webhook = "webhooks:\n  - name: inbound\n    callback_url: http://hooks.example.com/wa\n";
    fs::write(root.join("whatsapp/fixtures/webhooks.yaml"), webhook).unwrap();
    fs::write(root.join("docs/webhooks.yaml"), webhook).unwrap();
    let named = [
        "whatsapp/broken.yaml",
        "whatsapp/fixtures/webhooks.yaml",
        "docs/webhooks.yaml",
        "tsconfig.json",
        "chart/templates/configmap.yaml",
    ];
    let mut args = vec!["check", "--format", "concise"];
    args.extend(named);

    let report = stdout(&walint_in(root, &args));
    assert!(
        report.contains("docs/webhooks.yaml:3:19: error[WA401]"),
        "{report}"
    );
    assert!(
        report.contains("whatsapp/fixtures/webhooks.yaml:"),
        "{report}"
    );

    args.push("--force-exclude");
    let output = walint_in(root, &args);
    assert_eq!(output.status.code(), Some(1));
    let report = stdout(&output);
    let findings: Vec<&str> = report.lines().filter(|l| l.contains(": error[")).collect();
    assert_eq!(findings.len(), 1, "{report}");
    assert!(
        findings[0].starts_with("whatsapp/broken.yaml:1:") && findings[0].contains("[WA001]"),
        "{report}"
    );
}
