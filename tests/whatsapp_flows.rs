//! WhatsApp Flows (Meta's Flow JSON): the WA3xx rules on fixtures in several versions, the
//! `flow_json` of template FLOW buttons, and every flow of the real corpus.

mod common;

use std::collections::BTreeSet;

use common::{root, stdout, walint_in};
use walint::config::Config;
use walint::diagnostic::FileId;
use walint::engine::{Engine, FileName, Options};
use walint::source::{parse, Format, NodeId, Tree, Value};

const FIXTURES: &str = "tests/fixtures/whatsapp_flows";

/// The WA3xx findings only: other rule groups (WA004 deprecated versions, the template rules)
/// have their own fixtures and tests.
const SELECT: [&str; 2] = ["--select", "WA3"];

fn concise(path: &str) -> (Option<i32>, String) {
    let mut args = vec!["check", path, "--format", "concise"];
    args.extend(SELECT);
    let output = walint_in(&root(), &args);
    (output.status.code(), stdout(&output))
}

#[test]
fn failing_fixtures_concise_report() {
    let (code, out) = concise(&format!("{FIXTURES}/fail"));
    assert_eq!(code, Some(1));
    insta::assert_snapshot!(out);
}

#[test]
fn a_finding_inside_flow_json_is_shown_inside_the_string() {
    let output = walint_in(
        &root(),
        &[
            "check",
            &format!("{FIXTURES}/fail/template_with_broken_flow_json.json"),
            SELECT[0],
            SELECT[1],
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn json_report_points_at_the_flow_json_of_the_button() {
    let output = walint_in(
        &root(),
        &[
            "check",
            &format!("{FIXTURES}/fail/template_with_broken_flow_json.json"),
            "--format",
            "json",
            SELECT[0],
            SELECT[1],
        ],
    );
    let report = common::json_of(&output);
    let found: Vec<(String, String, u64, u64, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["pointer"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["end_column"].as_u64().unwrap(),
            )
        })
        .collect();
    let first = "/components/1/buttons/0/flow_json".to_string();
    let second = "/components/1/buttons/1/flow_json".to_string();
    assert_eq!(
        found,
        [
            // `\"TextHeadline\"` as written in the escaped string: 16 characters.
            ("WA301".to_string(), first.clone(), 16, 183, 199),
            ("WA302".to_string(), first.clone(), 16, 305, 317),
            ("WA304".to_string(), first, 16, 357, 365),
            ("WA301".to_string(), second, 21, 62, 63),
        ]
    );
}

/// Each rule's failing fixture, at the exact place: `file:line:col: severity[CODE]`.
#[test]
fn each_rule_fires_at_the_exact_place() {
    let (_, out) = concise(&format!("{FIXTURES}/fail"));
    let expected = [
        // WA301: unknown component, its near miss, a missing property, an unknown enum, action.
        "wa301_unknown_component_v7_3.json:12:21: error[WA301] unknown component type `TextHeadline`; did you mean `TextHeading`?",
        "wa301_unknown_component_v7_3.json:16:21: error[WA301] unknown component type `textinput`; did you mean `TextInput`?",
        "wa301_unknown_component_v7_3.json:21:21: error[WA301] `TextInput` is missing the required property `name`",
        "wa301_unknown_component_v7_3.json:23:27: error[WA301] `input-type` of `TextInput` is `mail`",
        "wa301_unknown_component_v7_3.json:29:23: error[WA301] unknown action `finish`",
        // WA301 against the file's own version (3.1).
        "wa301_version_gates_v3_1.json:3:3: error[WA301] `data_channel_uri` is only valid below Flow JSON 3.0",
        "wa301_version_gates_v3_1.json:14:13: error[WA301] `markdown` on `TextBody` needs Flow JSON 5.1",
        "wa301_version_gates_v3_1.json:18:21: error[WA301] before Flow JSON 4.0, `TextInput` must sit inside a `Form`",
        "wa301_version_gates_v3_1.json:23:21: error[WA301] `If` needs Flow JSON 4.0",
        "wa301_version_gates_v3_1.json:36:23: error[WA301] action `open_url` needs Flow JSON 6.0",
        "wa301_version_gates_v3_1.json:64:22: error[WA301] global references (`${screen...}`) need Flow JSON 4.0",
        // WA301 on screens, data and the routing model.
        "wa301_screens_v6_0.json:3:3: error[WA301] routing_model has no entry screen",
        "wa301_screens_v6_0.json:5:7: error[WA301] routing_model routes screen `STEP_2` to itself",
        "wa301_screens_v6_0.json:9:7: error[WA301] routing_model lists both `STEP_2` → `SUCCESS` and `SUCCESS` → `STEP_2`",
        "wa301_screens_v6_0.json:14:19: warning[WA301] screen id `STEP_2` contains `2`",
        "wa301_screens_v6_0.json:17:9: error[WA301] data field `name` of screen `STEP_2` has no `__example__`",
        "wa301_screens_v6_0.json:26:28: error[WA301] `text` of `TextBody` mixes static text with a dynamic binding",
        "wa301_screens_v6_0.json:32:23: error[WA301] `data_exchange` needs an endpoint",
        "wa301_screens_v6_0.json:40:13: error[WA301] screen id `SUCCESS` is reserved",
        "wa301_screens_v6_0.json:58:13: error[WA301] screen `STEP_2` has no `layout`",
        "wa301_screens_v6_0.json:58:13: error[WA301] screen id `STEP_2` is used twice",
        // WA302.
        "wa302_no_terminal_v2_1.json:3:3: error[WA302] the flow has no terminal screen",
        "wa302_terminal_v5_1.json:30:23: error[WA302] the `Footer` of terminal screen `CHOOSE` navigates away",
        "wa302_terminal_v5_1.json:46:19: error[WA302] terminal screen `SUMMARY` has no `Footer`",
        // WA303.
        "wa303_limits_v6_3.json:4:5: error[WA303] routing_model gives screen `HUB` 12 next screens; Meta allows at most 10 branches",
        "wa303_limits_v6_3.json:40:21: error[WA303] `TextHeading` text has 81 characters; Meta allows at most 80",
        "wa303_limits_v6_3.json:46:13: error[WA303] `RadioButtonsGroup` has 21 options; Meta allows at most 20",
        "wa303_limits_v6_3.json:137:13: error[WA303] `ChipsSelector` has 1 option; Meta allows at least 2",
        "wa303_limits_v6_3.json:169:21: error[WA303] screen `HUB` has 3 `EmbeddedLink` components; Meta allows at most 2 per screen",
        "wa303_limits_v6_3.json:183:22: error[WA303] `TextInput` label has 26 characters; Meta allows at most 20",
        "wa303_limits_v6_3.json:198:33: error[WA303] `If` nested 4 levels deep; Meta allows at most 3",
        "wa303_limits_v6_3.json:215:22: error[WA303] `Footer` label has 41 characters; Meta allows at most 35",
        "wa303_limits_v6_3.json:261:21: error[WA303] screen `CONSENTS` has 6 `OptIn` components; Meta allows at most 5 per screen",
        "wa303_limits_v6_3.json:274:21: error[WA303] screen `CONSENTS` has 2 `Footer` components; Meta allows at most 1 per screen",
        // WA304.
        "wa304_unknown_screen_v4_0.json:5:7: error[WA304] routing_model routes `DETAILS` to screen `CONFIRMATON`, which does not exist; did you mean `CONFIRMATION`?",
        "wa304_unknown_screen_v4_0.json:8:5: error[WA304] routing_model has routes from screen `EXTRA`, which does not exist",
        "wa304_unknown_screen_v4_0.json:29:25: error[WA304] `navigate` in `Footer` goes to screen `CONFIRMATON`",
        "wa304_unknown_screen_v4_0.json:46:31: error[WA304] `${screen.DETAIL...}` refers to screen `DETAIL`",
        // WA305, WA306.
        "wa305_unreachable_v7_1.json:27:13: warning[WA305] screen `TERMS` is never reached",
        "wa306_personal_data_v7_0.json:15:27: warning[WA306] the flow collects 2 personal-data fields",
        // A file mapping case names to Flow JSONs: each entry is a flow of its own (the
        // `OptIn` of the second does not cover the email of the first).
        "collection_of_flows_v7_3.json:16:29: warning[WA306] the flow collects an email address but has no `OptIn`",
        "collection_of_flows_v7_3.json:49:27: error[WA304] `navigate` in `Footer` goes to screen `SUMARY`, which does not exist; did you mean `SUMMARY`?",
        "collection_of_flows_v7_3.json:58:15: warning[WA305] screen `SUMMARY` is never reached",
        // Inside a template's flow_json.
        "template_with_broken_flow_json.json:16:183: error[WA301] flow_json: unknown component type `TextHeadline`",
        "template_with_broken_flow_json.json:16:305: error[WA302] flow_json: the `Footer` of terminal screen `OFFER` navigates away",
        "template_with_broken_flow_json.json:16:357: error[WA304] flow_json: `navigate` in `Footer` goes to screen `CODE`",
        "template_with_broken_flow_json.json:21:62: error[WA301] flow_json is not valid Flow JSON: invalid JSON",
        // Keys inside a template's flow_json: at the key in the string, under WA301.
        "template_with_flow_json_keys.json:9:211: error[WA301] flow_json: `TextInput` has an unknown key `lable`; did you mean `label`?",
        "template_with_flow_json_keys.json:9:279: warning[WA301] flow_json: `Footer` has a key walint does not know, `accent`, so it is not checked",
    ];
    let lines: Vec<&str> = out.lines().collect();
    for want in expected {
        let want = format!("{FIXTURES}/fail/{want}");
        assert!(
            lines.iter().any(|line| line.starts_with(&want)),
            "missing: {want}\n{out}"
        );
    }
}

/// Keys of a Flow JSON file: a close misspelling is an error read as the key it was meant to
/// be (no WA301 "missing" follows), an unknown key a warning, one that only other components
/// take named as such.
#[test]
fn unknown_and_misspelt_keys_of_a_flow_json_file() {
    let output = walint_in(
        &root(),
        &[
            "check",
            &format!("{FIXTURES}/fail/wa002_keys_v7_3.json"),
            "--format",
            "concise",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let out = stdout(&output);
    assert!(
        out.lines()
            .filter(|l| l.contains("[WA"))
            .all(|l| l.contains("[WA002]")),
        "{out}"
    );
    insta::assert_snapshot!(out);
}

#[test]
fn passing_fixtures_in_every_version_are_clean() {
    let (code, out) = concise(&format!("{FIXTURES}/pass"));
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(out.trim(), "No problems found in 8 files.");
    // Of every rule, not only WA3xx; versions Meta no longer accepts for new publishes are
    // WA004's business (a warning), and 2.1 and 4.0 are kept here on purpose.
    let output = walint_in(
        &root(),
        &["check", &format!("{FIXTURES}/pass"), "--format", "concise"],
    );
    let out = stdout(&output);
    for line in out.lines().filter(|l| l.contains("[WA")) {
        assert!(
            line.contains("warning[WA004]") && (line.contains("/v2_1_") || line.contains("/v4_0_")),
            "{out}"
        );
    }
}

/// Every object with `version` and `screens` under `node`, named by its path, with its
/// text exactly as written.
fn flows_in(tree: &Tree, text: &str, node: NodeId, name: String, out: &mut Vec<(String, String)>) {
    match tree.value(node) {
        Value::Map(entries) => {
            if tree.get(node, "version").is_some() && tree.get(node, "screens").is_some() {
                let span = tree.span(node);
                out.push((name, text[span.start..span.end].to_string()));
                return;
            }
            for entry in entries {
                flows_in(
                    tree,
                    text,
                    entry.value,
                    format!("{name}__{}", entry.key),
                    out,
                );
            }
        }
        Value::Seq(items) => {
            for (i, &item) in items.iter().enumerate() {
                flows_in(tree, text, item, format!("{name}__{i}"), out);
            }
        }
        _ => {}
    }
}

/// Every Flow of the real corpus, including those that SDK test data keeps several to a
/// file, each written to a file of its own: no false WA001/WA002/WA301 (so no key Meta uses
/// is unknown to walint), and no error but the one true mistake found, which the corpus as
/// it is shows inside its collection file too.
#[test]
fn every_flow_of_the_real_corpus_is_checked_without_false_errors() {
    let corpus = root().join("../shared/corpus/real");
    if !corpus.is_dir() {
        eprintln!("skipped: {} does not exist (CI has it)", corpus.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut count = 0;
    let mut files: Vec<_> = std::fs::read_dir(corpus.join("flows"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let tree = parse(&text, Format::Json).unwrap();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let mut flows = Vec::new();
        flows_in(&tree, &text, tree.documents[0], stem, &mut flows);
        for (name, flow) in flows {
            // As written: a nested flow keeps its indentation, so its lines and columns
            // are those of the corpus file shifted up.
            std::fs::write(dir.path().join(format!("{name}.json")), flow).unwrap();
            count += 1;
        }
    }
    assert!(count >= 38, "only {count} flows found");
    let args = [
        "check",
        "--format",
        "concise",
        "--fail-on",
        "never",
        "--select",
        "WA002,WA3",
    ];
    let output = walint_in(dir.path(), &args);
    let out = stdout(&output);
    assert!(
        out.ends_with(&format!("in {count} files.\n")),
        "every flow is recognised: {out}"
    );
    for line in out.lines() {
        for code in ["[WA001]", "[WA002]", "[WA301]"] {
            assert!(!line.contains(code), "false {code}: {line}");
        }
    }
    let errors: BTreeSet<&str> = out.lines().filter(|l| l.contains(": error[")).collect();
    // pywa's NavigationList fixture navigates to FOURTH_SCREEN, which it never defines.
    assert_eq!(
        errors,
        BTreeSet::from([
            "pywa_flows-v6_2_examples__navigation_list.json:83:31: error[WA304] `navigate` in `NavigationList` goes to screen `FOURTH_SCREEN`, which does not exist; did you mean `FIFTH_SCREEN`?"
        ]),
        "{out}"
    );
    insta::assert_snapshot!(out);

    // The corpus as it is: Flow JSON files and templates with a flow_json FLOW button.
    let output = walint_in(
        &corpus,
        &["check", "--format", "json", "--fail-on", "never"],
    );
    let report = common::json_of(&output);
    let errors: Vec<(&str, &str, u64, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"].as_str().unwrap().starts_with("WA3") && d["severity"] == "error")
        .map(|d| {
            (
                d["file"].as_str().unwrap(),
                d["pointer"].as_str().unwrap(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [(
            "flows/pywa_flows-v6_2_examples.json",
            "/navigation_list/screens/0/layout/children/0/list-items/2/on-click-action/next/name",
            125,
            31
        )]
    );
}

/// Runs every rule of one file on a text, as the engine does.
fn run_every_rule(text: &str) {
    let catalogue = walint::catalogue::builtin().unwrap();
    let engine = Engine::new(catalogue, Config::default(), Options::default());
    let name = FileName {
        shown: "flow.json".into(),
        config_path: "flow.json".into(),
        explicit: true,
    };
    engine.check_text(FileId::input(0), &name, text);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// Mutated Flow JSON (files, and inside a template's flow_json) never makes a rule panic.
    #[test]
    fn the_flow_rules_never_panic_on_mutated_flows(
        file in 0usize..4,
        edits in proptest::collection::vec((proptest::prelude::any::<proptest::sample::Index>(), proptest::prelude::any::<u8>()), 1..8),
    ) {
        let sources = [
            include_str!("fixtures/whatsapp_flows/pass/v7_3_endpoint_booking.json"),
            include_str!("fixtures/whatsapp_flows/pass/v6_2_navigation_list.json"),
            include_str!("fixtures/whatsapp_flows/fail/wa303_limits_v6_3.json"),
            include_str!("fixtures/whatsapp_flows/fail/template_with_broken_flow_json.json"),
        ];
        let mut bytes = sources[file].as_bytes().to_vec();
        for (index, byte) in edits {
            let at = index.index(bytes.len());
            bytes[at] = byte;
        }
        if let Ok(text) = std::str::from_utf8(&bytes) {
            run_every_rule(text);
        }
    }
}
