//! Fixes: every documented fix removes its finding and says how safe it is, `--diff` shows
//! them (snapshot) and changes nothing, `--fix` writes them (or prints the fixed standard
//! input), and fixing mutated files never leaves one that does not parse.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;

use walint::catalogue::{builtin, ExampleKind};
use walint::config::Config;
use walint::diagnostic::FileId;
use walint::discover::{discover, Candidate};
use walint::engine::{self, Engine, FileName, Options, StdinFile};
use walint::source::{parse, Format};

fn acme_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&common::root().join("examples/acme-shop"), dir.path());
    dir
}

/// Every file under `dir`, by path relative to it.
fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path.strip_prefix(dir).unwrap().display().to_string();
                files.insert(name, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn diff_shows_every_fix_of_the_example_shop_and_changes_nothing() {
    let dir = acme_copy();
    let before = contents(dir.path());
    let output = common::walint_in(dir.path(), &["check", "--diff", "--unsafe-fixes"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(stderr(&output), "3 fixable, 8 remaining\n");
    let diff = stdout(&output);
    // The app secret on a context line is masked, as in every report.
    assert!(!diff.contains("3f6c9e2a"), "{diff}");
    insta::assert_snapshot!(diff);
    assert_eq!(contents(dir.path()), before, "--diff wrote a file");
}

#[test]
fn fix_applies_the_safe_fixes_and_unsafe_fixes_adds_the_rest() {
    let dir = acme_copy();
    let output = common::walint_in(dir.path(), &["check", "--fix", "-f", "concise"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stderr(&output), "2 fixed, 9 remaining\n");
    let report = stdout(&output);
    assert!(
        !report.contains("WA201") && !report.contains("WA104"),
        "{report}"
    );
    assert!(report.contains("WA401"), "{report}");
    let flow = std::fs::read_to_string(dir.path().join("whatsapp/flows/support_bot.yaml")).unwrap();
    assert!(
        flow.contains("    fallback: welcome_retry\n    style: list\n"),
        "{flow}"
    );
    // Nothing safe is left to fix: --diff says so with exit 0.
    let again = common::walint_in(dir.path(), &["check", "--diff"]);
    assert_eq!(
        (again.status.code(), stdout(&again)),
        (Some(0), String::new())
    );
    assert_eq!(stderr(&again), "0 fixable, 9 remaining\n");
    let output = common::walint_in(dir.path(), &["check", "--fix", "--unsafe-fixes"]);
    assert_eq!(stderr(&output), "1 fixed, 8 remaining\n");
    let hooks = std::fs::read_to_string(dir.path().join("whatsapp/webhooks.yaml")).unwrap();
    assert!(
        hooks.contains("callback_url: https://staging-hooks"),
        "{hooks}"
    );
    // The secret was never touched: the file still holds it as written.
    assert!(hooks.contains("app_secret: 3f6c9e2a7b1d"), "{hooks}");
}

#[test]
fn fix_of_standard_input_prints_the_fixed_text() {
    let dir = tempfile::tempdir().unwrap();
    let template = r#"{"name": "order_shipped", "language": "en-US", "category": "UTILITY",
 "components": [{"type": "BODY", "text": "Your order has shipped and arrives on Friday."}]}
"#;
    let output = common::command(
        dir.path(),
        &["check", "--fix", "-", "--stdin-filename", "t.json"],
    )
    .write_stdin(template)
    .output()
    .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), template.replace("en-US", "en_US"));
    assert_eq!(stderr(&output), "1 fixed, 0 remaining\n");
    assert!(contents(dir.path()).is_empty(), "wrote a file for stdin");
}

/// An example's files in a fresh folder, linted as the catalogue test does.
struct Example {
    _dir: tempfile::TempDir,
    engine: Engine,
    files: Vec<Candidate>,
}

fn example_run(files: &[(String, String)]) -> Example {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    let root = dir.path().canonicalize().unwrap();
    let mut config = if files.iter().any(|(name, _)| name == "walint.yaml") {
        Config::load(&root.join("walint.yaml"), &builtin().unwrap()).unwrap()
    } else {
        Config {
            root: root.clone(),
            ..Config::default()
        }
    };
    config.today = walint::date::Date::new(2026, 11, 25);
    walint::discover::load_lock(&mut config, &root).unwrap();
    let found = discover(std::slice::from_ref(&root), &config, &root).unwrap();
    let engine = Engine::new(builtin().unwrap(), config, Options::default());
    Example {
        _dir: dir,
        engine,
        files: found.files,
    }
}

#[test]
fn every_fix_removes_its_finding_and_is_as_safe_as_its_rule_says() {
    let catalogue = builtin().unwrap();
    let mut problems = Vec::new();
    for rule in catalogue.rules() {
        let mut fixed_one = false;
        for example in rule
            .examples
            .iter()
            .filter(|e| e.kind == ExampleKind::Failing)
        {
            let run = example_run(&example.files);
            let outcome = engine::lint(&run.engine, &run.files, None);
            let with_fix: Vec<_> = outcome
                .diagnostics
                .iter()
                .filter(|d| d.rule == rule.id && d.is_active())
                .filter_map(|d| Some((d, d.fix.as_ref()?)))
                .collect();
            for (d, fix) in &with_fix {
                if Some(fix.applicability) != rule.autofix {
                    problems.push(format!(
                        "{} \"{}\": a {} fix, but the rule says autofix {:?}",
                        rule.code,
                        example.description,
                        fix.applicability.as_str(),
                        rule.autofix
                    ));
                }
                assert!(!fix.title.is_empty(), "{d:?}");
            }
            // Each file with a fix of the rule, fixed, then the run again on the fixed texts.
            let mut given = Vec::new();
            for file in &outcome.files {
                if !with_fix.iter().any(|(d, _)| d.file_id == file.id) {
                    continue;
                }
                let candidate = run.files.iter().find(|c| c.shown == file.path).unwrap();
                let text = std::fs::read_to_string(&candidate.path).unwrap();
                let fixed = run
                    .engine
                    .fix_text(file.id, &FileName::of(candidate), &text, true);
                assert!(
                    fixed.fixed > 0,
                    "{}: nothing fixed in {}",
                    rule.code,
                    file.path
                );
                given.push(StdinFile {
                    candidate: candidate.clone(),
                    bytes: fixed.text.into_bytes(),
                });
            }
            if given.is_empty() {
                continue;
            }
            fixed_one = true;
            let after = engine::lint_in_project(&run.engine, &run.files, &[], &given);
            let left: Vec<_> = after
                .diagnostics
                .iter()
                .filter(|d| d.rule == rule.id && d.is_active())
                .filter(|d| given.iter().any(|g| g.candidate.shown == d.file))
                .map(|d| d.message.clone())
                .collect();
            if !left.is_empty() {
                problems.push(format!(
                    "{} \"{}\": still found after its fix: {left:?}",
                    rule.code, example.description
                ));
            }
        }
        if rule.autofix.is_some() && !fixed_one {
            problems.push(format!(
                "{} says autofix {:?} but no failing example gets a fix",
                rule.code, rule.autofix
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The fixtures the property test mutates: every failing example file of a rule that has
/// fixes, and the example shop's templates, flows and webhooks.
fn fixtures() -> Vec<(String, String)> {
    let catalogue = builtin().unwrap();
    let mut fixtures: Vec<(String, String)> = catalogue
        .rules()
        .iter()
        .filter(|rule| rule.autofix.is_some())
        .flat_map(|rule| &rule.examples)
        .filter(|e| e.kind == ExampleKind::Failing)
        .flat_map(|e| e.files.iter().cloned())
        .filter(|(name, _)| name != "walint.yaml")
        .collect();
    for (name, bytes) in contents(&common::root().join("examples/acme-shop/whatsapp")) {
        fixtures.push((name, String::from_utf8(bytes).unwrap()));
    }
    fixtures
}

/// What a mutation inserts: characters that change how a string must be escaped or quoted,
/// and text that gives rules something to fix.
const INSERTS: &[&str] = &[
    "\"",
    "\\",
    "'",
    ":",
    " #",
    "\n",
    "\t",
    "é",
    "😀",
    "{{",
    "}}",
    " {{7}}",
    "http://x.example/",
    "en-US",
    " ",
    "Ünïcode",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn fixing_a_mutated_fixture_leaves_a_file_that_parses(
        pick in any::<prop::sample::Index>(),
        mutations in prop::collection::vec((any::<prop::sample::Index>(), 0..INSERTS.len()), 1..4),
    ) {
        let all = fixtures();
        let (name, text) = &all[pick.index(all.len())];
        let format = Format::from_path(name).unwrap_or(Format::Yaml);
        let mut mutated = text.clone();
        for (at, insert) in &mutations {
            let mut at = at.index(mutated.len() + 1);
            while !mutated.is_char_boundary(at) {
                at -= 1;
            }
            mutated.insert_str(at, INSERTS[*insert]);
        }
        prop_assume!(parse(&mutated, format).is_ok());
        let engine = Engine::new(builtin().unwrap(), Config::default(), Options::default());
        let file_name = FileName {
            shown: name.clone(),
            config_path: name.clone(),
            explicit: true,
        };
        let fixed = engine.fix_text(FileId::input(0), &file_name, &mutated, true);
        if let Err(error) = parse(&fixed.text, format) {
            prop_assert!(false, "{name}: fixing\n{mutated}\ngave\n{}\nwhich does not parse: {error}", fixed.text);
        }
    }
}

#[test]
fn a_fix_inside_an_embedded_flow_json_is_escaped_twice() {
    let flow = r#"{"version": "6.0", "screens": [{"id": "A", "terminal": true, "layout": {"type": "SingleColumnLayout", "children": [{"type": "TextBody", "text": "See [\"terms\"](http://acme.example/terms)", "markdown": true}, {"type": "Image", "src": "http://acme.example/logo.png"}, {"type": "Footer", "label": "Done", "on-click-action": {"name": "complete", "payload": {}}}]}}]}"#;
    let template = format!(
        r#"{{"name": "offer", "language": "en_US", "category": "MARKETING", "components": [
  {{"type": "BODY", "text": "Hi"}},
  {{"type": "BUTTONS", "buttons": [{{"type": "FLOW", "text": "Open", "flow_json": {}}}]}}]}}"#,
        serde_json::to_string(flow).unwrap()
    );
    let engine = Engine::new(builtin().unwrap(), Config::default(), Options::default());
    let name = FileName {
        shown: "offer.json".into(),
        config_path: "offer.json".into(),
        explicit: true,
    };
    let fixed = engine.fix_text(FileId::input(0), &name, &template, true);
    assert_eq!(fixed.fixed, 2);
    let value: serde_json::Value = serde_json::from_str(&fixed.text).unwrap();
    let inner = value["components"][1]["buttons"][0]["flow_json"]
        .as_str()
        .unwrap();
    assert_eq!(inner, flow.replace("http://", "https://"));
}

/// WA108's fix of a link in a Glific interactive message (JSON in a `text` string) replaces
/// the link's characters inside the inner string, after a `\"` and a `\n`: both JSONs stay
/// valid and nothing else changes. WA201 offers no `style: list` there, which is walint's
/// own key (it used to replace the whole `text` with `list`).
#[test]
fn a_fix_inside_a_glific_interactive_message_changes_only_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let name = "glific-interactive.json";
    let path = dir.path().join(name);
    std::fs::copy(
        common::root()
            .join("tests/fixtures/formats/rapidpro")
            .join(name),
        &path,
    )
    .unwrap();
    let before = std::fs::read_to_string(&path).unwrap();
    let output = common::walint_in(
        dir.path(),
        &["check", "--fix", "--unsafe-fixes", "-f", "concise", name],
    );
    assert_eq!(stderr(&output), "2 fixed, 5 remaining\n");
    let after = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        after,
        before
            .replace("see http://help", "see https://help")
            .replace("Détails: http://", "Détails: https://")
    );
    let flow: serde_json::Value = serde_json::from_str(&after).unwrap();
    let text = flow["nodes"][0]["actions"][0]["text"].as_str().unwrap();
    let message: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(
        message["body"],
        "Hi \"friend\"!\nPick a topic, or see https://help.example"
    );
    assert!(stdout(&output).contains("[WA201]"), "{}", stdout(&output));
}

fn fixture_copy(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(
        &common::root().join("tests/fixtures/fixes").join(name),
        dir.path(),
    );
    dir
}

#[test]
fn brand_and_button_label_fixes_show_as_a_diff() {
    let dir = fixture_copy("labels_and_brand");
    let before = contents(dir.path());
    let output = common::walint_in(dir.path(), &["check", "--diff", "--unsafe-fixes"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(stderr(&output), "7 fixable, 0 remaining\n");
    insta::assert_snapshot!(stdout(&output));
    assert_eq!(contents(dir.path()), before, "--diff wrote a file");
    // Without --unsafe-fixes the brand's spellings stay: WA115's fix is unsafe.
    let safe = common::walint_in(dir.path(), &["check", "--diff"]);
    assert_eq!(
        stderr(&safe),
        "4 fixable, 3 remaining (--unsafe-fixes may fix more)\n"
    );
    assert!(
        !stdout(&safe).contains("Acme Shop order"),
        "{}",
        stdout(&safe)
    );
}

#[test]
fn the_fixed_labels_and_brand_give_no_finding_and_nothing_else_changes() {
    let dir = fixture_copy("labels_and_brand");
    let mut expected = contents(dir.path());
    let edit = |expected: &mut BTreeMap<String, Vec<u8>>, file: &str, pairs: &[(&str, &str)]| {
        let mut text = String::from_utf8(expected[file].clone()).unwrap();
        for (from, to) in pairs {
            assert_eq!(text.matches(from).count(), 1, "{from:?} in {file}");
            text = text.replacen(from, to, 1);
        }
        expected.insert(file.to_string(), text.into_bytes());
    };
    edit(
        &mut expected,
        "order_shipped.json",
        &[
            ("Your ACME SHOP order", "Your Acme Shop order"),
            ("your acme-shop order", "your Acme Shop order"),
            ("shopping at AcmeShop.", "shopping at Acme Shop."),
            (r#""text": " Got it ""#, r#""text": "Got it""#),
            (r#""text": "Track\n order""#, r#""text": "Track order""#),
        ],
    );
    edit(
        &mut expected,
        "support.yaml",
        &[
            (
                r#"title: "Where is my order ""#,
                r#"title: "Where is my order""#,
            ),
            (
                r#"title: "Talk to\na person""#,
                r#"title: "Talk to a person""#,
            ),
        ],
    );
    let output = common::walint_in(dir.path(), &["check", "--fix", "--unsafe-fixes"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(stderr(&output), "7 fixed, 0 remaining\n");
    assert_eq!(contents(dir.path()), expected);
    let again = common::walint_in(dir.path(), &["check", "-f", "concise"]);
    assert_eq!(
        (again.status.code(), stdout(&again)),
        (Some(0), "No problems found in 2 files.\n".to_string())
    );
}
