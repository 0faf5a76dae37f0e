//! Chatbot platforms' exports, through the real binary.

mod common;

use common::{stderr, stdout, walint};

#[test]
fn a_platform_walint_does_not_check_is_named_with_verbose() {
    let path = "tests/fixtures/formats/amazon-connect/transfer.json";
    let output = walint(&["check", path, "--format", "concise", "--verbose"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "No problems found in 0 files.\n");
    assert_eq!(
        stderr(&output),
        format!(
            "walint: skipped {path}: recognised: Amazon Connect flow; not checked\n\
             walint: warning: no file checked: `{path}` holds no file walint checks; 1 file was left out (`--verbose` says why)\n"
        )
    );
}

#[test]
fn rapidpro_export_findings_land_on_the_export_values() {
    let output = walint(&[
        "check",
        "tests/fixtures/formats/rapidpro/store-locator.json",
        "--format",
        "concise",
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    let places: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split(": ").next())
        .filter(|p| p.contains(".json:"))
        .collect();
    assert_eq!(
        places,
        [
            "tests/fixtures/formats/rapidpro/store-locator.json:13:19",
            "tests/fixtures/formats/rapidpro/store-locator.json:19:15",
            "tests/fixtures/formats/rapidpro/store-locator.json:44:11",
            "tests/fixtures/formats/rapidpro/store-locator.json:152:35",
            "tests/fixtures/formats/rapidpro/store-locator.json:167:13",
        ],
        "{text}"
    );
    for rule in ["WA203", "WA201", "WA205", "WA206", "WA212"] {
        assert!(text.contains(&format!("[{rule}]")), "{rule}: {text}");
    }
    assert!(text.contains("list menu `a0000000-0000-4000-8000-000000000002` has 11 options; WhatsApp shows at most 10"));
    assert!(text.contains("its default (`Other`) category"));
}

#[test]
fn a_clean_rapidpro_export_passes() {
    let output = walint(&[
        "check",
        "tests/fixtures/formats/rapidpro/support.json",
        "--format",
        "concise",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}

/// The real exports in `../shared/corpus/real/chatbots` (when present): every RapidPro,
/// Glific and legacy flow is read without a parse or schema error.
#[test]
fn rapidpro_corpus_reads_without_wa001_or_wa002() {
    let corpus = common::root().join("../shared/corpus/real/chatbots");
    let dirs = [corpus.join("rapidpro"), corpus.join("rapidpro-legacy")];
    if !dirs.iter().all(|d| d.is_dir()) {
        eprintln!("skipped: no corpus at {}", corpus.display());
        return;
    }
    let args: Vec<&str> = ["check", "--format", "concise", "--verbose"]
        .into_iter()
        .chain(dirs.iter().filter_map(|d| d.to_str()))
        .collect();
    let output = walint(&args);
    let text = stdout(&output);
    assert!(
        !text.contains("[WA001]") && !text.contains("[WA002]"),
        "{text}"
    );
    // Only Glific's webhook samples (no flow) are left out.
    let messages = stderr(&output);
    let skipped: Vec<&str> = messages.lines().filter(|l| l.contains("skipped")).collect();
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert!(
        skipped[0].contains("glific_flow-webhook.json"),
        "{skipped:?}"
    );
}
