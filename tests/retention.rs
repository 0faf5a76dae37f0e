//! What a run keeps of its files for the reports: the text only of files a diagnostic or a
//! related location points into (an engine that keeps texts, as these tests run), the
//! document kinds of every file.

use std::path::Path;

use walint::catalogue::builtin;
use walint::config::Config;
use walint::discover::discover;
use walint::engine::{self, Engine, Options, Outcome};
use walint::model::Kind;

fn run(dir: &Path) -> Outcome {
    let root = dir.canonicalize().unwrap();
    let mut config = Config {
        root: root.clone(),
        ..Config::default()
    };
    config.today = walint::date::Date::new(2026, 11, 25);
    let found = discover(std::slice::from_ref(&root), &config, &root).unwrap();
    let engine = Engine::new(builtin().unwrap(), config, Options::default());
    engine::lint(&engine, &found.files, None)
}

/// The clean example in a temporary folder, `deals_bot.yaml` changed by `edit`.
fn clean_example(edit: impl Fn(String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/clean");
    for entry in std::fs::read_dir(example).unwrap() {
        let path = entry.unwrap().path();
        let mut text = std::fs::read_to_string(&path).unwrap();
        if path.ends_with("deals_bot.yaml") {
            text = edit(text);
        }
        std::fs::write(dir.path().join(path.file_name().unwrap()), text).unwrap();
    }
    dir
}

fn file<'a>(outcome: &'a Outcome, name: &str) -> &'a walint::workspace::SourceFile {
    outcome
        .files
        .iter()
        .find(|f| f.path.ends_with(name))
        .unwrap_or_else(|| panic!("{name} was not linted"))
}

#[test]
fn a_clean_run_keeps_no_text_but_every_kind() {
    let dir = clean_example(|text| text);
    let outcome = run(dir.path());
    assert!(outcome.diagnostics.is_empty(), "{:?}", outcome.diagnostics);
    assert_eq!(outcome.files.len(), 4);
    for file in &outcome.files {
        assert!(file.text.is_empty(), "{} kept its text", file.path);
        assert_eq!(file.lines.line_count(), 1, "{}", file.path);
        assert_eq!(file.sha256.len(), 64, "{}", file.path);
    }
    assert_eq!(file(&outcome, "deals_bot.yaml").kinds, [Kind::Flow]);
    assert_eq!(file(&outcome, "weekly_deals.json").kinds, [Kind::Template]);
    assert_eq!(
        file(&outcome, "weekly_deals_campaign.yaml").kinds,
        [Kind::Campaign]
    );
    assert_eq!(file(&outcome, "webhooks.yaml").kinds, [Kind::Webhook]);
}

#[test]
fn files_diagnostics_point_into_keep_their_text_even_through_a_related_location() {
    // The deals menu option skips the consent step: WA209 in the bot, with the template's
    // category as related location; the template itself has no finding.
    let dir = clean_example(|text| {
        text.replace(
            "{title: \"Weekly deals\", next: consent}",
            "{title: \"Weekly deals\", next: deals}",
        )
    });
    let outcome = run(dir.path());
    let wa209 = outcome
        .diagnostics
        .iter()
        .find(|d| &*d.code == "WA209")
        .expect("WA209 fires");
    assert!(wa209.file.ends_with("deals_bot.yaml"));
    assert_eq!(wa209.pointer, "/nodes/deals/template/name");
    let [related] = wa209.related.as_slice() else {
        panic!("{:?}", wa209.related);
    };
    assert!(related.file.ends_with("weekly_deals.json"));
    assert_eq!((related.line, related.column), (4, 15));
    assert!(outcome
        .diagnostics
        .iter()
        .all(|d| !d.file.ends_with("weekly_deals.json")));

    let template = file(&outcome, "weekly_deals.json");
    assert!(template.text.contains("\"category\": \"MARKETING\""));
    assert!(!file(&outcome, "deals_bot.yaml").text.is_empty());
    assert!(file(&outcome, "webhooks.yaml").text.is_empty());
    assert!(file(&outcome, "weekly_deals_campaign.yaml").text.is_empty());
}
