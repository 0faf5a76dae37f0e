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

const GLIFIC: &str = "tests/fixtures/formats/rapidpro/glific-interactive.json";

/// Glific keeps an interactive message as JSON in the `text` string of a
/// `send_interactive_msg`: a finding on a value of it lands on that value inside the
/// string, through the escapes of both strings (`\"` and `\n` before a link, `\u00e9`
/// written in the file, `\u00e8` and a `\ud83d\ude1e` pair written in the inner JSON, raw
/// accents and emoji), on a list and on a quick-reply message. Before, each was at the start
/// of the `text` string (WA108 at bytes of the outer string that are not the link).
#[test]
fn glific_interactive_findings_land_inside_the_text_string() {
    assert_eq!(
        concise(GLIFIC),
        format!(
            "{GLIFIC}:21:113: warning[WA108] the text of node `a1b2c3d4-0000-4000-8000-000000000010` links to `http://help.example` over plain HTTP\n\
             {GLIFIC}:21:234: error[WA202] section title `Café & pâtisserie questions` of menu `a1b2c3d4-0000-4000-8000-000000000020` has 27 characters; WhatsApp allows at most 24\n\
             {GLIFIC}:21:422: error[WA202] row title `Pains au chocolat très frais 🍫🥐` of menu `a1b2c3d4-0000-4000-8000-000000000020` has 31 characters; WhatsApp allows at most 24\n\
             {GLIFIC}:21:491: warning[WA108] the description of option 2 of section 1 of node `a1b2c3d4-0000-4000-8000-000000000020` links to `http://bakery.example/pains` over plain HTTP\n\
             {GLIFIC}:105:150: error[WA201] reply-button menu `a1b2c3d4-0000-4000-8000-000000000050` has 4 options; WhatsApp shows at most 3\n\
             {GLIFIC}:105:269: error[WA215] menu `a1b2c3d4-0000-4000-8000-000000000050` has two reply buttons titled `Great`; titles must be unique within a message\n\
             {GLIFIC}:105:309: error[WA202] button title `😞 Pas très satisfait·e` of menu `a1b2c3d4-0000-4000-8000-000000000050` has 22 characters; WhatsApp allows at most 20\n\
             Found 7 problems (5 errors, 2 warnings, 0 infos) in 1 file.\n"
        )
    );
    let output = walint(&["check", GLIFIC]);
    insta::assert_snapshot!("human_glific_interactive", stdout(&output));
}

/// The JSON report's line and columns (characters) and SARIF's (UTF-16 code units, so an
/// emoji counts two) span exactly the offending characters inside the string, as written;
/// the pointer is the `text` string's.
#[test]
fn glific_interactive_positions_in_json_and_sarif() {
    let file = std::fs::read_to_string(common::root().join(GLIFIC)).unwrap();
    let lines: Vec<&str> = file.lines().collect();
    let written = |line: u64, column: u64, end_column: u64| -> String {
        let chars = lines[line as usize - 1].chars();
        chars
            .skip(column as usize - 1)
            .take((end_column - column) as usize)
            .collect()
    };
    let json = common::json_of(&walint(&["check", GLIFIC, "--format", "json"]));
    let found: Vec<(String, String, u64, u64, String)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let at = |key: &str| d[key].as_u64().unwrap();
            assert_eq!(at("line"), at("end_line"), "{d}");
            (
                d["rule"].as_str().unwrap().to_string(),
                d["pointer"].as_str().unwrap().to_string(),
                at("line"),
                at("column"),
                written(at("line"), at("column"), at("end_column")),
            )
        })
        .collect();
    let list = "/nodes/0/actions/0/text";
    let quick = "/nodes/2/actions/0/text";
    let expected: Vec<(&str, &str, u64, u64, &str)> = vec![
        ("WA108", list, 21, 113, "http://help.example"),
        (
            "WA202",
            list,
            21,
            234,
            r#"\"Caf\u00e9 & pâtisserie questions\""#,
        ),
        (
            "WA202",
            list,
            21,
            422,
            r#"\"Pains au chocolat tr\\u00e8s frais 🍫🥐\""#,
        ),
        ("WA108", list, 21, 491, "http://bakery.example/pains"),
        ("WA201", quick, 105, 150, r#"\"options\""#),
        ("WA215", quick, 105, 269, r#"\"Great\""#),
        (
            "WA202",
            quick,
            105,
            309,
            r#"\"\\ud83d\\ude1e Pas très satisfait·e\""#,
        ),
    ];
    let expected: Vec<(String, String, u64, u64, String)> = expected
        .into_iter()
        .map(|(r, p, l, c, w)| (r.into(), p.into(), l, c, w.into()))
        .collect();
    assert_eq!(found, expected);
    // WA215's second place is the first `Great`.
    let related = &json["diagnostics"][5]["related"][0];
    assert_eq!(
        (related["line"].as_u64(), related["column"].as_u64()),
        (Some(105), Some(192))
    );
    let sarif = common::json_of(&walint(&["check", GLIFIC, "--format", "sarif"]));
    let regions: Vec<(String, u64, u64, u64, String)> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let region = &r["locations"][0]["physicalLocation"]["region"];
            let at = |key: &str| region[key].as_u64().unwrap();
            (
                r["ruleId"].as_str().unwrap().to_string(),
                at("startLine"),
                at("startColumn"),
                at("endColumn"),
                region["snippet"]["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let utf16: Vec<(String, u64, u64, u64, String)> = found
        .iter()
        .map(|(rule, _, line, column, text)| {
            let before: String = lines[*line as usize - 1]
                .chars()
                .take(*column as usize - 1)
                .collect();
            let start = before.encode_utf16().count() as u64 + 1;
            let end = start + text.encode_utf16().count() as u64;
            (rule.clone(), *line, start, end, text.clone())
        })
        .collect();
    assert_eq!(regions, utf16);
    // The row title's two emoji are two UTF-16 units each: its SARIF end is 2 past JSON's.
    assert_eq!((regions[2].2, regions[2].3), (422, 465));
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

/// `walint check PATH --format concise`: its findings, one a line.
fn concise(path: &str) -> String {
    let output = walint(&["check", path, "--format", "concise"]);
    stdout(&output)
}

#[test]
fn typebot_menus_are_checked_as_typebot_sends_them() {
    assert_eq!(
        concise("tests/fixtures/formats/typebot/support.json"),
        "tests/fixtures/formats/typebot/support.json:15:11: warning[WA201] Typebot sends the 4 choices of `Welcome/2` as 2 messages of up to 3 buttons: WhatsApp shows at most 3 reply buttons per message, so the customer sees the menu in pieces\n\
         tests/fixtures/formats/typebot/support.json:17:43: warning[WA202] button title `Return something I bought` of menu `Welcome/2` has 25 characters; WhatsApp allows 20, so Typebot shows `Return something I..`\n\
         tests/fixtures/formats/typebot/support.json:30:9: error[WA208] menu `Track/3` is a dead end: nothing follows the customer's answer, so the conversation stops here without an end, a handoff or an opt-out\n\
         Found 3 problems (1 error, 2 warnings, 0 infos) in 1 file.\n"
    );
}

/// Typebot sends 3 buttons a message, titles cut to 18 characters and `..`: two long titles
/// that start alike collide in one message; a title repeated in the next message does not.
#[test]
fn typebot_duplicate_titles_are_judged_per_message_as_sent() {
    let out = concise("tests/fixtures/formats/typebot/duplicate_titles.json");
    let wa215: Vec<&str> = out.lines().filter(|l| l.contains("[WA215]")).collect();
    assert_eq!(
        wa215,
        ["tests/fixtures/formats/typebot/duplicate_titles.json:18:43: error[WA215] menu `Welcome/2` has two reply buttons titled `Return something I sold` (sent as `Return something I..`); titles must be unique within a message"]
    );
}

#[test]
fn typebot_a_bot_with_a_way_to_a_person_passes() {
    assert_eq!(
        concise("tests/fixtures/formats/typebot/clean.json"),
        "No problems found in 1 file.\n"
    );
}

/// A chatbot export's texts are read for restricted goods like walint's own flows: the finding
/// lands on the word in the export. Each Typebot block is a message of its own, and only a
/// message that sells is read: the choices (`Vodka and gin`) make no offer themselves.
#[test]
fn typebot_texts_are_read_for_the_commerce_policy() {
    assert_eq!(
        concise("tests/fixtures/formats/typebot/bottle-shop.json"),
        "tests/fixtures/formats/typebot/bottle-shop.json:11:67: warning[WA122] the text of node `Welcome/1` names `wine` in an offer (`Order`): the WhatsApp Commerce Policy does not allow buying, selling or promoting \"Alcohol\" on WhatsApp\n\
         Found 1 problem (0 errors, 1 warning, 0 infos) in 1 file.\n"
    );
}

#[test]
fn twilio_studio_transitions_are_checked_where_they_are_written() {
    let path = "tests/fixtures/formats/twilio-studio/support.json";
    let output = walint(&["check", path, "--format", "concise"]);
    assert_eq!(
        stdout(&output),
        format!(
            "{path}:16:15: warning[WA205] input `ask` has no `noMatch` transition: an answer the bot cannot use leads nowhere\n\
             {path}:36:15: warning[WA204] no handoff can be reached from message `sales` any more: a customer who gets here can no longer ask for a person\n\
             {path}:38:49: error[WA206] `next` of node `sales` leads to `goodbye`, which is not a node of flow `Support`\n\
             Found 3 problems (1 error, 2 warnings, 0 infos) in 1 file.\n"
        )
    );
    let human = walint(&["check", path]);
    assert!(
        stdout(&human).contains("connect the `noMatch` transition of the split"),
        "{}",
        stdout(&human)
    );
}

#[test]
fn n8n_a_scheduled_free_form_message_is_outside_the_service_window() {
    let path = "tests/fixtures/formats/n8n/reminder.json";
    let output = concise(path);
    assert!(
        output.contains(&format!("{path}:6:25: error[WA212] message `Remind customer` sends a free-form message in a conversation a schedule started, before the customer has written (Every morning → Open orders → Remind customer)")),
        "{output}"
    );
    let template = concise("tests/fixtures/formats/n8n/template-reminder.json");
    assert!(!template.contains("WA212"), "{template}");
}

#[test]
fn n8n_and_twilio_studio_files_that_are_not_walints_business_are_named_with_verbose() {
    for (path, reason) in [
        (
            "tests/fixtures/formats/n8n/no-whatsapp.json",
            "n8n workflow without WhatsApp nodes",
        ),
        (
            "tests/fixtures/formats/twilio-studio/voice.json",
            "Twilio Studio voice flow",
        ),
    ] {
        let output = walint(&["check", path, "--format", "concise", "--verbose"]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert_eq!(
            stderr(&output),
            format!(
                "walint: skipped {path}: recognised: {reason}; not checked\n\
                 walint: warning: no file checked: `{path}` holds no file walint checks; 1 file was left out (`--verbose` says why)\n"
            )
        );
    }
}

/// Typebot has no handoff block of its own: the team's walint.yaml names its helpdesk's
/// webhook as one (`handoffs:`), and the menu's way to it is a way to a person.
#[test]
fn walint_yaml_names_what_hands_off_on_a_platform() {
    let dir = "tests/fixtures/handoffs/typebot";
    assert_eq!(
        stdout(&walint(&["check", dir, "--format", "concise"])),
        "No problems found in 1 file.\n"
    );
    let without = walint(&["check", dir, "--format", "concise", "--no-config"]);
    assert!(
        stdout(&without)
            .contains("support.json:39:71: error[WA203] flow `Helpdesk` has no handoff node"),
        "{}",
        stdout(&without)
    );
    // A misspelt format or key is a config error that says what was meant.
    let project = tempfile::tempdir().unwrap();
    std::fs::copy(
        format!("{dir}/support.json"),
        project.path().join("support.json"),
    )
    .unwrap();
    for (config, said) in [
        (
            "handoffs:\n  typebt: {webhooks: [x]}\n",
            "walint.yaml:2:3: unknown format `handoffs.typebt`; did you mean `typebot`?",
        ),
        (
            "handoffs:\n  typebot: {webhook: [x]}\n",
            "walint.yaml:2:13: unknown key `handoffs.typebot.webhook`; did you mean `webhooks`?",
        ),
        (
            "handoffs:\n  rapidpro: {names: [Agent]}\n",
            "`handoffs.rapidpro.names`: RapidPro nodes have no names",
        ),
    ] {
        std::fs::write(project.path().join("walint.yaml"), config).unwrap();
        let output = walint(&["check", project.path().to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(2), "{config}");
        assert!(
            stderr(&output).contains(said),
            "{config}: {}",
            stderr(&output)
        );
    }
}

/// A Studio widget that sends a Content template names it by SID only: `--verbose` says that
/// its buttons are out of walint's sight, at the SID; a run without it says nothing.
#[test]
fn twilio_studio_content_templates_are_named_with_verbose() {
    let path = "tests/fixtures/formats/twilio-studio/content-menu.json";
    let output = walint(&["check", path, "--format", "concise", "--verbose"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(
        stderr(&output),
        format!(
            "walint: note: {path}:17:24: `menu` sends the Content template `HX0123456789abcdef0123456789abcdef`: its buttons or list, if it has any, live in Twilio's Content API, not in the flow, so walint does not count or measure them (WA201, WA202, WA215)\n"
        )
    );
    let quiet = walint(&["check", path, "--format", "concise"]);
    assert_eq!(stderr(&quiet), "");
}

#[test]
fn typebot_twilio_studio_and_n8n_human_output() {
    for (name, path) in [
        ("typebot", "tests/fixtures/formats/typebot/support.json"),
        (
            "twilio_studio",
            "tests/fixtures/formats/twilio-studio/support.json",
        ),
        ("n8n", "tests/fixtures/formats/n8n/reminder.json"),
    ] {
        let output = walint(&["check", path]);
        insta::assert_snapshot!(format!("human_{name}"), stdout(&output));
    }
}

/// The real exports in `../shared/corpus/real/chatbots` (when present): every Typebot,
/// Twilio Studio and WhatsApp n8n file is read, without a parse error or a schema problem,
/// but for the republished n8n workflows whose connections name nodes by id.
#[test]
fn typebot_twilio_studio_and_n8n_real_exports_are_read() {
    let corpus = common::root().join("../shared/corpus/real/chatbots");
    if !corpus.is_dir() {
        eprintln!("skipped: {} is not here", corpus.display());
        return;
    }
    for (folder, checked) in [("typebot", 9), ("twilio-studio", 3), ("n8n", 14)] {
        let dir = corpus.join(folder);
        let dir = dir.to_str().unwrap();
        let output = walint(&["check", dir, "--format", "json"]);
        let report = common::json_of(&output);
        assert_eq!(report["summary"]["files"], checked, "{folder}");
        for finding in report["diagnostics"].as_array().unwrap() {
            let rule = finding["rule"].as_str().unwrap();
            let message = finding["message"].as_str().unwrap();
            assert!(
                rule != "WA001" && (rule != "WA002" || message.contains("names nodes by id")),
                "{folder}: {finding}"
            );
        }
    }
}
