//! The catalogue and the registry stay in step, and every documented example behaves as
//! documented when run through the real engine.

use std::collections::BTreeSet;
use std::path::PathBuf;

use walint::catalogue::{builtin, ExampleKind, CATEGORIES};
use walint::config::Config;
use walint::discover::discover;
use walint::engine::{self, Engine, Options};
use walint::rules::REGISTRY;

#[test]
fn every_registered_rule_has_a_catalogue_entry_and_vice_versa() {
    let catalogue = builtin().expect("the embedded catalogue parses");
    // A rule may have several checks (one per document kind), but exactly one entry.
    let registered: BTreeSet<&str> = REGISTRY
        .iter()
        .map(|r| &*catalogue.rule(r.id).code)
        .collect();
    let documented: BTreeSet<&str> = catalogue.rules().iter().map(|r| &*r.code).collect();
    assert_eq!(
        documented.len(),
        catalogue.rules().len(),
        "a code is documented twice"
    );
    let undocumented: Vec<_> = registered.difference(&documented).collect();
    let unimplemented: Vec<_> = documented.difference(&registered).collect();
    assert!(
        undocumented.is_empty(),
        "registered without rules/*.yaml: {undocumented:?}"
    );
    assert!(
        unimplemented.is_empty(),
        "documented but not registered: {unimplemented:?}"
    );
}

#[test]
fn every_entry_is_complete() {
    let catalogue = builtin().unwrap();
    for rule in catalogue.rules() {
        let code = &rule.code;
        assert!(
            code.len() == 5 && code.starts_with("WA"),
            "{code}: bad code"
        );
        assert!(
            rule.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit()),
            "{code}: name must be kebab-case"
        );
        assert!(
            CATEGORIES.contains(&rule.category.as_str()),
            "{code}: category"
        );
        for (field, text) in [
            ("summary", &rule.summary),
            ("rationale", &rule.rationale),
            ("fix", &rule.fix),
        ] {
            assert!(text.trim().len() > 20, "{code}: {field} is too short");
        }
        assert!(!rule.sources.is_empty(), "{code}: no sources");
        assert!(
            rule.sources.iter().all(|s| s.starts_with("https://")),
            "{code}: sources must be https URLs"
        );
        assert!(!rule.controls.is_empty(), "{code}: no controls");
        for control in &rule.controls {
            assert!(
                catalogue.controls.iter().any(|c| &c.id == control),
                "{code}: unknown control {control}"
            );
        }
        for kind in [ExampleKind::Failing, ExampleKind::Passing] {
            assert!(
                rule.examples.iter().any(|e| e.kind == kind),
                "{code}: no {kind:?} example"
            );
        }
    }
}

/// Writes an example's files to a fresh folder and lints it (with the example's own
/// walint.yaml and templates lock, if it has them); returns the codes of the findings that count (a finding
/// suppressed with a reason is accepted, not found).
fn run_example(files: &[(String, String)]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    let root = dir.path().canonicalize().unwrap();
    // A fixed day, so no documented example expires with a Graph API version. An example
    // may carry its own walint.yaml (a rule that reads `brand` or an option).
    let mut config = if files.iter().any(|(name, _)| name == "walint.yaml") {
        Config::load(&root.join("walint.yaml"), &builtin().unwrap()).unwrap()
    } else {
        Config {
            root: root.clone(),
            ..Config::default()
        }
    };
    config.today = walint::date::Date::new(2026, 11, 25);
    // An example may carry a templates lock (the rules that read Meta's status).
    walint::discover::load_lock(&mut config, &root).unwrap();
    let found = discover(std::slice::from_ref(&root), &config, &root).unwrap();
    let engine = Engine::new(builtin().unwrap(), config, Options::default());
    let outcome = engine::lint(&engine, &found.files, None);
    outcome
        .diagnostics
        .iter()
        .filter(|d| d.is_active())
        .map(|d| d.code.to_string())
        .collect()
}

#[test]
fn documented_examples_fail_and_pass_as_documented() {
    let catalogue = builtin().unwrap();
    let mut problems = Vec::new();
    for rule in catalogue.rules() {
        for example in &rule.examples {
            let codes = run_example(&example.files);
            let fired = codes.iter().any(|code| **code == *rule.code);
            match example.kind {
                ExampleKind::Failing if !fired => problems.push(format!(
                    "{} failing example \"{}\" is missed (found {codes:?})",
                    rule.code, example.description
                )),
                ExampleKind::Passing if fired => problems.push(format!(
                    "{} passing example \"{}\" is flagged (noisy)",
                    rule.code, example.description
                )),
                _ => {}
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn passing_examples_are_clean_of_every_rule() {
    let catalogue = builtin().unwrap();
    for rule in catalogue.rules() {
        for example in rule
            .examples
            .iter()
            .filter(|e| e.kind == ExampleKind::Passing)
        {
            let codes = run_example(&example.files);
            assert!(
                codes.is_empty(),
                "{} passing example \"{}\" has findings {codes:?}",
                rule.code,
                example.description
            );
        }
    }
}

#[test]
fn catalogue_files_are_named_after_their_code() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules");
    let catalogue = builtin().unwrap();
    for rule in catalogue.rules() {
        assert!(
            dir.join(format!("{}.yaml", rule.code)).is_file(),
            "{}",
            rule.code
        );
    }
}

#[test]
fn the_readme_rules_table_matches_the_catalogue() {
    let readme =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    let start = readme
        .find("<!-- rules-table")
        .expect("README has a rules table");
    let body_start = start + readme[start..].find('\n').unwrap() + 1;
    let end = readme.find("<!-- end rules-table -->").unwrap();
    let expected = walint::cli::rules_table(&builtin().unwrap());
    assert_eq!(
        &readme[body_start..end],
        expected,
        "README.md's rules table is out of date; paste the output of `walint rules`"
    );
}
