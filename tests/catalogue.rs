//! The catalogue and the registry stay in step, and every documented example behaves as
//! documented when run through the real engine.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use walint::catalogue::{builtin, Example, ExampleKind, CATEGORIES};
use walint::examples::{self, Run, Verdict};
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

/// Runs an example through the code `walint test` runs custom rules' examples with, on a
/// fixed day so no documented example expires with a Graph API version.
fn run_example(example: &Example) -> Run {
    let catalogue = builtin().unwrap();
    examples::run(
        example,
        &catalogue,
        &Arc::default(),
        walint::date::Date::new(2026, 11, 25),
    )
    .unwrap()
}

#[test]
fn documented_examples_fail_and_pass_as_documented() {
    let catalogue = builtin().unwrap();
    let mut problems = Vec::new();
    for rule in catalogue.rules() {
        for example in &rule.examples {
            let run = run_example(example);
            match run.verdict(rule, example) {
                Verdict::Validated => {}
                Verdict::Missing { places, .. } => problems.push(format!(
                    "{} {:?} example \"{}\" is missing {places:?} (found {:?})",
                    rule.code,
                    example.kind,
                    example.description,
                    run.codes()
                )),
                Verdict::Noisy(findings) => problems.push(format!(
                    "{} {:?} example \"{}\" is noisy: {findings:?}",
                    rule.code, example.kind, example.description
                )),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The built-in catalogue holds its examples to more than `walint test` does: a passing
/// example is clean of every rule, not only of its own.
#[test]
fn passing_examples_are_clean_of_every_rule() {
    let catalogue = builtin().unwrap();
    for rule in catalogue.rules() {
        for example in rule
            .examples
            .iter()
            .filter(|e| e.kind == ExampleKind::Passing)
        {
            let codes = run_example(example).codes();
            assert!(
                codes.is_empty(),
                "{} passing example \"{}\" has findings {codes:?}",
                rule.code,
                example.description
            );
        }
    }
}

/// The chatbot formats an example's files are written in, as the readers recognise them.
fn formats_of(example: &Example) -> BTreeSet<&'static str> {
    let mut formats = BTreeSet::new();
    for (name, text) in &example.files {
        let Some(format) = walint::source::Format::from_path(name) else {
            continue;
        };
        let Ok(tree) = walint::source::parse(text, format) else {
            continue;
        };
        for document in walint::formats::read(&tree).documents {
            if let walint::model::Document::Flow(flow) = document {
                formats.insert(flow.dialect.key());
            }
        }
    }
    formats
}

/// A rule's `formats:` is what its examples show: each format it checks has a failing and a
/// passing example written in it (which the tests above run), and no example is written in a
/// format it does not check (where the engine does not run it).
#[test]
fn the_formats_a_rule_checks_are_those_its_examples_are_written_in() {
    let catalogue = builtin().unwrap();
    let mut problems = Vec::new();
    for rule in catalogue.rules().iter().filter(|r| !r.formats.is_empty()) {
        let checked: BTreeSet<&str> = rule
            .formats
            .iter()
            .filter(|c| c.not_checked.is_none())
            .map(|c| c.format.as_str())
            .collect();
        for kind in [ExampleKind::Failing, ExampleKind::Passing] {
            let shown: BTreeSet<&str> = rule
                .examples
                .iter()
                .filter(|e| e.kind == kind)
                .flat_map(formats_of)
                .collect();
            if shown != checked {
                problems.push(format!(
                    "{}: checks {checked:?}, its {kind:?} examples are written in {shown:?}",
                    rule.code
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
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

/// The CVSS 3.1 base score of a vector of scope `S:U` (`AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N`),
/// by the specification's formula; `None` for a vector it does not read.
fn cvss_base_score(vector: &str) -> Option<f64> {
    let metrics: Vec<(&str, &str)> = vector
        .split('/')
        .map(|part| part.split_once(':'))
        .collect::<Option<_>>()?;
    let metric = |name: &str, values: &[(&str, f64)]| {
        let (_, value) = metrics.iter().find(|(n, _)| *n == name)?;
        values.iter().find(|(v, _)| v == value).map(|(_, w)| *w)
    };
    let impact = |name: &str| metric(name, &[("H", 0.56), ("L", 0.22), ("N", 0.0)]);
    if metrics.len() != 8 || metric("S", &[("U", 0.0)]).is_none() {
        return None;
    }
    let exploitability = 8.22
        * metric("AV", &[("N", 0.85), ("A", 0.62), ("L", 0.55), ("P", 0.2)])?
        * metric("AC", &[("L", 0.77), ("H", 0.44)])?
        * metric("PR", &[("N", 0.85), ("L", 0.62), ("H", 0.27)])?
        * metric("UI", &[("N", 0.85), ("R", 0.62)])?;
    let iss = 1.0 - (1.0 - impact("C")?) * (1.0 - impact("I")?) * (1.0 - impact("A")?);
    let score = 6.42 * iss + exploitability;
    // The specification's round-up to one decimal, in integers against float error.
    let hundred_thousandths = (score.min(10.0) * 100_000.0).round() as i64;
    let tenths = (hundred_thousandths + 9_999) / 10_000;
    Some(if iss <= 0.0 {
        0.0
    } else {
        tenths as f64 / 10.0
    })
}

#[test]
fn the_cvss_formula_gives_the_specifications_scores() {
    for (vector, score) in [
        ("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
        ("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5),
        ("AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", 3.1),
        ("AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8),
    ] {
        assert_eq!(cvss_base_score(vector), Some(score), "{vector}");
    }
    assert_eq!(cvss_base_score("AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"), None);
    assert_eq!(cvss_base_score("AV:N/AC:L"), None);
}

/// GitHub code scanning treats a rule with a `security-severity` as a security rule and sorts
/// its alerts by the score. Each score in rules/*.yaml is the CVSS 3.1 base score of the
/// vector its comment gives, with the reason; a rule with a security control (OWASP-*) that
/// has none says why not.
#[test]
fn security_severities_are_the_cvss_scores_their_documents_give() {
    let catalogue = builtin().unwrap();
    let readme = readme_joined();
    let mut scored = Vec::new();
    for rule in catalogue.rules() {
        let (_, text) = walint::catalogue::RULE_DOCUMENTS
            .iter()
            .find(|(file, _)| *file == format!("{}.yaml", rule.code))
            .unwrap();
        let code = &rule.code;
        let Some(score) = rule.security_severity else {
            if rule.controls.iter().any(|c| c.starts_with("OWASP-")) {
                assert!(
                    text.contains("\n# No security_severity: "),
                    "{code} has a security control but no security_severity, and no comment saying why"
                );
            }
            continue;
        };
        let vector = text
            .split("# security_severity, the CVSS 3.1 base score of ")
            .nth(1)
            .and_then(|rest| rest.split(":\n").next())
            .unwrap_or_else(|| panic!("{code}: no CVSS vector above its security_severity"));
        assert_eq!(
            cvss_base_score(vector),
            Some(score),
            "{code}: security_severity {score} is not the score of {vector}"
        );
        // README.md's "GitHub Actions" lists them with their scores.
        let listed = format!("{code} {} {score:.1}", rule.name);
        assert!(
            readme.contains(&listed),
            "README.md does not list `{listed}`"
        );
        scored.push(&**code);
    }
    assert_eq!(
        scored,
        ["WA003", "WA108", "WA111", "WA401", "WA402", "WA403", "WA405"]
    );
}

/// README.md with its lines joined, as Markdown reads a paragraph.
fn readme_joined() -> String {
    std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .unwrap()
        .split('\n')
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
}
