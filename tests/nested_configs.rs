//! Nested configs: a run over a folder that holds several walint.yaml files checks each file
//! with the nearest one (its brand, severities, overrides, custom rules), runs the cross-file
//! rules within each project, and keeps the run-wide settings (`fail_on`, `report`) of the
//! run's own config, saying so when a nested config sets another value.

mod common;

use std::fs;
use std::path::Path;

use common::{json_of, root, stderr, stdout, walint_in};
use sha2::Digest;

const SHOPS: &str = "tests/fixtures/nested/shops";

/// `file:line:column: severity[CODE]` of each finding of a concise report.
fn locations(report: &str) -> Vec<String> {
    report
        .lines()
        .filter(|line| !line.starts_with("Found ") && !line.starts_with("No problems"))
        .map(|line| line.split(']').next().unwrap_or(line).to_string() + "]")
        .collect()
}

fn concise(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["check", "--format", "concise"];
    all.extend(args);
    walint_in(dir, &all)
}

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = dir.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
}

#[test]
fn each_project_is_checked_with_its_own_config_as_in_its_own_folder() {
    let shops = root().join(SHOPS);
    let output = concise(&shops, &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
    assert_eq!(
        locations(&stdout(&output)),
        [
            // shop_a: WA210 is an info there; its brand is Acme Shop.
            "shop_a/flows/bot.yaml:3:1: info[WA210]",
            "shop_a/flows/bot.yaml:17:22: error[WA209]",
            // `beta_promo` is shop_b's template, not one of shop_a's project.
            "shop_a/flows/bot.yaml:22:22: error[WA211]",
            "shop_a/templates/acme_deals.json:7:51: warning[WA115]",
            // shop_b: the default severity, its own brand, its own override.
            "shop_b/flows/bot.yaml:3:1: error[WA210]",
            "shop_b/flows/bot.yaml:13:22: error[WA101]",
            "shop_b/templates/beta_promo.json:7:47: warning[WA115]",
            "shop_b/walint.yaml:5:13: warning[WA005]",
        ]
    );
    // What a run in each project's folder finds, with the folder in front.
    let from_parent = stdout(&output);
    for shop in ["shop_a", "shop_b"] {
        let alone = concise(&shops.join(shop), &[]);
        let ours: Vec<String> = locations(&from_parent)
            .into_iter()
            .filter(|l| l.starts_with(&format!("{shop}/")))
            .collect();
        let theirs: Vec<String> = locations(&stdout(&alone))
            .into_iter()
            .map(|l| format!("{shop}/{l}"))
            .collect();
        assert_eq!(ours, theirs, "{shop}");
    }
    assert!(from_parent.ends_with("Found 8 problems (4 errors, 3 warnings, 1 info) in 4 files.\n"));
}

#[test]
fn no_config_and_config_override_every_nested_config() {
    let shops = root().join(SHOPS);
    // No config: one project of every file, so shop_a's flow sees shop_b's template.
    let none = concise(&shops, &["--no-config"]);
    assert_eq!(
        locations(&stdout(&none)),
        [
            "shop_a/flows/bot.yaml:3:1: error[WA210]",
            "shop_a/flows/bot.yaml:17:22: error[WA209]",
            "shop_a/flows/bot.yaml:22:22: error[WA101]",
            "shop_b/flows/bot.yaml:3:1: error[WA210]",
            "shop_b/flows/bot.yaml:13:22: error[WA101]",
        ]
    );
    // One config for every file: shop_b's brand and override, wherever the file is.
    let one = concise(&shops, &["-c", "shop_b/walint.yaml"]);
    let found = locations(&stdout(&one));
    assert!(
        found.contains(&"shop_b/templates/beta_promo.json:7:47: warning[WA115]".to_string()),
        "{found:?}"
    );
    assert!(
        found.contains(&"shop_a/flows/bot.yaml:3:1: error[WA210]".to_string()),
        "{found:?}"
    );
    assert!(
        !found.iter().any(|l| l.starts_with("shop_a/templates/")),
        "{found:?}"
    );
}

#[test]
fn named_files_of_two_projects_read_each_projects_files_as_context() {
    let nested = root().join("tests/fixtures/nested");
    let output = concise(
        &nested,
        &["shops/shop_a/flows/bot.yaml", "shops/shop_b/flows/bot.yaml"],
    );
    assert_eq!(
        locations(&stdout(&output)),
        [
            "shops/shop_a/flows/bot.yaml:3:1: info[WA210]",
            "shops/shop_a/flows/bot.yaml:17:22: error[WA209]",
            "shops/shop_a/flows/bot.yaml:22:22: error[WA211]",
            "shops/shop_b/flows/bot.yaml:3:1: error[WA210]",
            "shops/shop_b/flows/bot.yaml:13:22: error[WA101]",
            "shops/shop_b/walint.yaml:5:13: warning[WA005]",
        ]
    );
    assert_eq!(stderr(&output), "");
}

#[test]
fn the_reports_name_every_config_of_the_run() {
    let shops = root().join(SHOPS);
    let json = json_of(&walint_in(&shops, &["check", "--format", "json"]));
    let nested = &json["run"]["scope"]["nested"];
    let configs: Vec<&str> = nested
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["config"].as_str().unwrap())
        .collect();
    assert_eq!(configs, ["shop_a/walint.yaml", "shop_b/walint.yaml"]);
    let text = fs::read(shops.join("shop_b/walint.yaml")).unwrap();
    let sha256 = format!("{:x}", sha2::Sha256::digest(&text));
    assert_eq!(nested[1]["config_sha256"], sha256.as_str());
    assert_eq!(nested[1]["include"], serde_json::json!([]));

    // SARIF: the nested config a finding points into is an artifact, and the finding's
    // location names it by index.
    let sarif = json_of(&walint_in(&shops, &["check", "--format", "sarif"]));
    let run = &sarif["runs"][0];
    let artifacts: Vec<&str> = run["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["location"]["uri"].as_str().unwrap())
        .collect();
    let config = artifacts
        .iter()
        .position(|uri| *uri == "shop_b/walint.yaml")
        .unwrap();
    let result = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "WA005")
        .unwrap();
    let location = &result["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(location["uri"], "shop_b/walint.yaml");
    assert_eq!(location["index"], config);

    // The audit report's scope lists them.
    let markdown = stdout(&walint_in(&shops, &["check", "--format", "markdown"]));
    let row = markdown
        .lines()
        .find(|l| l.starts_with("| Nested configs |"))
        .unwrap();
    assert!(row.contains("`shop_a/walint.yaml`"), "{row}");
    assert!(row.contains("`shop_b/walint.yaml`"), "{row}");
    assert!(markdown.contains("| `shop_b/walint.yaml` | walint config | 1 |"));
}

const QUIET_FLOW: &str = "flow: sub_bot\nentry: welcome\nkeywords: {STOP: out, AGENT: human}\nnodes:\n  welcome:\n    type: menu\n    text: \"Hi! How can we help?\"\n    options:\n      - {title: \"Talk to a person\", next: human}\n      - {title: \"Stop messages\", next: out}\n  human: {type: handoff, queue: support}\n  out: {type: opt_out, text: \"You're unsubscribed.\"}\n";

#[test]
fn a_nested_config_does_not_change_the_runs_own_settings_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "walint.yaml",
                "fail_on: error\nreport:\n  organisation: Parent Ltd\n",
            ),
            (
                "sub/walint.yaml",
                "# The sub-team's gate.\nfail_on: warning\nreport:\n  organisation: Sub Ltd\n",
            ),
            ("sub/flows/bot.yaml", QUIET_FLOW),
        ],
    );
    let alone = concise(&dir.path().join("sub"), &[]);
    let found = locations(&stdout(&alone));
    assert_eq!(found, ["flows/bot.yaml:5:3: warning[WA205]"]);
    // In its own folder, its fail_on fails the run on the warning.
    assert_eq!(alone.status.code(), Some(1));
    assert_eq!(stderr(&alone), "");

    let parent = concise(dir.path(), &[]);
    assert_eq!(
        locations(&stdout(&parent)),
        ["sub/flows/bot.yaml:5:3: warning[WA205]"]
    );
    // From the parent, the run's fail_on: error decides, once said.
    assert_eq!(parent.status.code(), Some(0));
    assert_eq!(
        stderr(&parent),
        "walint: warning: sub/walint.yaml:2:1: `fail_on: warning` is not used: `fail_on` is the run's, and this run fails on error (from walint.yaml); run walint in `sub` for its own\n\
         walint: warning: sub/walint.yaml:3:1: `report` is not used: the audit reports' sign-off block is the run's, and this run's is walint.yaml's; run walint in `sub` for its own\n"
    );
    // `--fail-on warning` is the nested config's value: nothing to say of fail_on.
    let cli = concise(dir.path(), &["--fail-on", "warning"]);
    assert_eq!(cli.status.code(), Some(1));
    assert!(!stderr(&cli).contains("fail_on"), "{}", stderr(&cli));
    // The audit reports carry the run's sign-off block.
    let json = json_of(&walint_in(dir.path(), &["check", "--format", "json"]));
    assert_eq!(json["run"]["attestation"]["organisation"], "Parent Ltd");
}

#[test]
fn a_nested_config_that_cannot_be_read_stops_the_run_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("sub/walint.yaml", "brand: Acme\nexlude: [\"legacy/**\"]\n"),
            ("sub/flows/bot.yaml", QUIET_FLOW),
        ],
    );
    let output = concise(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "walint: error: sub/walint.yaml:2:1: unknown key `exlude`; did you mean `exclude`?\n"
    );
    assert_eq!(stdout(&output), "");
}

#[test]
fn a_folder_the_parent_excludes_keeps_the_parents_config() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("walint.yaml", "exclude: [\"legacy/**\"]\n"),
            ("flows/bot.yaml", QUIET_FLOW),
            // Not walint's business: its config is not even read.
            ("legacy/walint.yaml", "not: [a, walint, config\n"),
            (
                "legacy/flows/old.yaml",
                "flow: old\nentry: a\nnodes:\n  a: {type: menuu}\n",
            ),
        ],
    );
    let output = concise(dir.path(), &[]);
    assert_eq!(stderr(&output), "");
    assert_eq!(
        locations(&stdout(&output)),
        ["flows/bot.yaml:5:3: warning[WA205]"]
    );
}

#[test]
fn a_nested_project_runs_its_own_custom_rules_and_two_projects_may_share_one() {
    let rule = fs::read_to_string(
        root().join("tests/fixtures/custom/acme/.walint/rules/marketing-stop-footer.yaml"),
    )
    .unwrap();
    let promo = r#"{"name": "promo", "language": "en_US", "category": "MARKETING", "components": [{"type": "BODY", "text": "Hi {{1}}, our sale starts today.", "example": {"body_text": [["Ana"]]}}, {"type": "FOOTER", "text": "Reply STOP to opt out"}]}"#;
    let config = "custom_rules: [\"rules/*.yaml\"]\nrules:\n  ACME001: warning\n";
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("a/walint.yaml", config),
            ("a/rules/stop.yaml", &rule),
            ("a/promo.json", promo),
            ("b/walint.yaml", config),
            ("b/rules/stop.yaml", &rule),
            ("b/promo.json", promo),
            // A project without the rule: its template is not held to it.
            ("c/walint.yaml", "brand: Acme\n"),
            ("c/promo.json", promo),
        ],
    );
    let output = concise(dir.path(), &["--select", "ACME001"]);
    assert_eq!(stderr(&output), "");
    assert_eq!(
        locations(&stdout(&output)),
        [
            "a/promo.json:1:206: warning[ACME001]",
            "b/promo.json:1:206: warning[ACME001]",
        ]
    );

    // Another rule under the same code is an error that names both configs.
    let other = rule.replace("Marketing templates end", "Marketing templates always end");
    write(dir.path(), &[("b/rules/stop.yaml", &other)]);
    let output = concise(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "walint: error: b/walint.yaml: custom rule ACME001 marketing-stop-footer is not the rule a/walint.yaml defines as ACME001 marketing-stop-footer: one run holds one rule of a code and a name (load the same rule file in both, or rename one)\n"
    );
}

// --- A run that cannot see a referenced template ------------------------------------------

const TWO_REFERENCES: &str = "flow: shop\nentry: a\nkeywords: {STOP: out, AGENT: human}\nnodes:\n  a: {type: template, template: {name: promo, language: en_US}, next: b}\n  b: {type: template, template: {name: receipt, language: en_US}, next: human}\n  human: {type: handoff, queue: support}\n  out: {type: opt_out, text: \"You're unsubscribed.\"}\n";

const NOTE: &str = "walint: note: no template file is in the run or its project, so WA101, WA209, WA211 and WA504 did not check 3 template references in 2 files (check the templates' folder too)\n";

#[test]
fn a_run_that_holds_no_template_its_flows_send_says_so_once() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("flows/a.yaml", TWO_REFERENCES),
            ("flows/b.yaml", &TWO_REFERENCES.replace("flow: shop", "flow: other").replace(
                "  b: {type: template, template: {name: receipt, language: en_US}, next: human}\n",
                "  b: {type: message, text: \"Thanks!\", next: human}\n",
            )),
        ],
    );
    let output = concise(dir.path(), &[]);
    assert_eq!(stderr(&output), NOTE);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    // The rules that would read the templates are off: nothing is missed.
    let off = concise(dir.path(), &["--select", "WA2", "--ignore", "WA209,WA211"]);
    assert_eq!(stderr(&off), "");
    // With WA209 alone, the note names it alone.
    let one = concise(dir.path(), &["--select", "WA209"]);
    assert!(
        stderr(&one).contains(", so WA209 did not check 3 template references in 2 files"),
        "{}",
        stderr(&one)
    );

    // One template in the run: the rules read it, and report what is missing.
    write(
        dir.path(),
        &[(
            "templates/promo.json",
            r#"{"name": "promo", "language": "en_US", "category": "UTILITY", "status": "APPROVED", "components": [{"type": "BODY", "text": "Your order has shipped."}]}"#,
        )],
    );
    let output = concise(dir.path(), &[]);
    assert_eq!(stderr(&output), "");
    assert_eq!(
        locations(&stdout(&output)),
        ["flows/a.yaml:6:40: error[WA211]"]
    );
    // A named flow reads the project's templates as context: no note.
    write(dir.path(), &[("walint.yaml", "brand: Acme\n")]);
    let named = concise(dir.path(), &["flows/a.yaml"]);
    assert_eq!(stderr(&named), "");
    assert_eq!(
        locations(&stdout(&named)),
        ["flows/a.yaml:6:40: error[WA211]"]
    );
    // Without a config, a named flow's run holds no template: the note says so.
    let alone = concise(dir.path(), &["--no-config", "flows/a.yaml"]);
    assert_eq!(
        stderr(&alone),
        NOTE.replace(
            "3 template references in 2 files",
            "2 template references in 1 file"
        )
    );
}

#[test]
fn a_named_flow_of_the_example_reads_its_templates_and_needs_no_note() {
    let acme = root().join("examples/acme-shop");
    let output = concise(&acme, &["whatsapp/flows/support_bot.yaml"]);
    assert_eq!(stderr(&output), "");
    assert_eq!(
        locations(&stdout(&output)),
        [
            "whatsapp/flows/support_bot.yaml:71:5: error[WA201]",
            "whatsapp/flows/support_bot.yaml:88:22: error[WA101]",
            "whatsapp/flows/support_bot.yaml:133:22: error[WA209]",
        ]
    );
}

#[test]
fn the_readmes_check_of_the_examples_runs_acme_shop_with_its_own_config() {
    let output = walint_in(&root(), &["check", "examples/", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let json = json_of(&output);
    assert_eq!(
        json["run"]["scope"]["nested"][0]["config"],
        "examples/acme-shop/walint.yaml"
    );
    assert_eq!(
        json["run"]["scope"]["nested"][0]["include"],
        serde_json::json!(["whatsapp/**"])
    );
    // What a run in examples/acme-shop finds there, and examples/clean stays clean.
    let parent = locations(&stdout(&concise(&root(), &["examples/"])));
    let alone = locations(&stdout(&concise(&root().join("examples/acme-shop"), &[])));
    let alone: Vec<String> = alone
        .iter()
        .map(|l| format!("examples/acme-shop/{l}"))
        .collect();
    assert_eq!(parent, alone);
    // Its `include` applies: its own walint.yaml is no longer a file found and skipped.
    let verbose = concise(&root(), &["examples/", "--verbose"]);
    assert_eq!(stderr(&verbose), "");
    let without = concise(&root(), &["examples/", "--verbose", "--no-config"]);
    assert!(
        stderr(&without).contains("walint: skipped examples/acme-shop/walint.yaml"),
        "{}",
        stderr(&without)
    );
}
