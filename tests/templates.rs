//! Message template rules (WA1xx) through the real binary: each rule's failing fixture at its
//! exact place, the passing fixtures clean, sub-string spans, snapshots of every report.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{root, stdout, walint_in};

fn fixtures(name: &str) -> PathBuf {
    root().join("tests/fixtures/templates").join(name)
}

/// Template rules and schema problems only, so rules of other groups (which may look at the
/// flows or URLs in these fixtures) do not churn the snapshots.
const SELECT: [&str; 2] = ["--select", "WA1,WA002"];

/// `walint check` with the template selection and more arguments.
fn check(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["check"];
    all.extend_from_slice(&SELECT);
    all.extend_from_slice(args);
    walint_in(dir, &all)
}

fn concise(dir: &Path) -> String {
    stdout(&check(dir, &["--format", "concise"]))
}

#[test]
fn each_rule_fires_on_its_failing_fixture_at_the_offending_text() {
    let out = concise(&fixtures("fail"));
    let expected = [
        "wa002_schema.json:4:15: error[WA002] `TRANSACTIONAL` is a retired template category",
        "wa002_schema.json:8:14: error[WA002] a template has at most one BODY component",
        "wa002_schema.json:10:7: error[WA002] URL button is missing the required field `url`",
        // Keys: a misspelling is an error read as meant, an unknown key a warning.
        "wa002_keys.json:7:18: error[WA002] `example` has an unknown key `header_txt`; did you mean `header_text`?",
        "wa002_keys.json:9:51: warning[WA002] `example` has a key walint does not know, `body_text_sample_set`",
        "wa002_keys.json:12:58: warning[WA002] QUICK_REPLY button has a key walint does not know, `payload`",
        "wa002_keys.json:13:50: warning[WA002] QUICK_REPLY button has `url`, which walint knows only on URL buttons",
        "wa002_keys.json:14:85: error[WA002] URL button has an unknown key `exmple`; did you mean `example`?",
        "wa002_keys.json:15:51: error[WA002] PHONE_NUMBER button has an unknown key `phone_numbr`; did you mean `phone_number`?",
        "wa002_keys.json:16:75: warning[WA002] FLOW button has a key walint does not know, `flow_token`",
        "wa002_keys_auth.json:9:67: error[WA002] OTP button has an unknown key `autofil_text`; did you mean `autofill_text`?",
        "wa002_keys_auth.json:11:77: warning[WA002] a supported app has a key walint does not know, `app_name`",
        "wa102_name.json:2:11: error[WA102] template name `Order Shipped!`",
        "wa103_lengths.json:6:50: error[WA103] header text has 69 characters; WhatsApp allows at most 60",
        "wa103_lengths.json:9:32: error[WA103] footer text has 62 characters",
        "wa103_lengths.json:11:40: error[WA103] PHONE_NUMBER button text has 27 characters",
        "wa103_lengths.json:11:87: error[WA103] phone number has 21 characters",
        "wa104_named.yaml:8:18: error[WA104] variable name `firstName`",
        "wa104_named.yaml:8:45: error[WA104] `{{1}}` in the body text is a positional variable",
        "wa104_sequence.json:6:66: error[WA104] `{{1}` in the header text has a brace missing",
        "wa104_sequence.json:8:65: error[WA104] the body text skips {{2}}",
        "wa105_examples.json:6:34: error[WA105] DOCUMENT header has no sample asset",
        "wa105_examples.json:7:77: error[WA105] body variable `{{3}}` has no sample value",
        "wa105_examples.json:8:42: error[WA105] the sample value of `{{2}}` in the body is empty",
        "wa105_examples.json:10:85: error[WA105] URL variable `{{1}}` has no sample value",
        "wa106_folded.yaml:9:23: warning[WA106] variables `{{2}}` and `{{3}}` stand side by side",
        "wa106_placement.json:6:69: error[WA106] the header text has 2 variables",
        "wa106_placement.json:8:30: warning[WA106] the body has 3 variables and 5 other words",
        "wa106_placement.json:8:63: warning[WA106] variables `{{2}}` and `{{3}}` stand side by side",
        "wa106_placement.json:8:69: warning[WA106] the body ends with the variable `{{3}}`",
        "wa106_placement.json:11:75: error[WA106] the URL variable `{{1}}` is not at the end",
        "wa107_buttons.json:11:16: error[WA107] this QUICK_REPLY button is separated",
        "wa107_buttons.json:12:16: error[WA107] the template has 2 PHONE_NUMBER buttons",
        "wa108_links.json:6:91: warning[WA108] the body text links to `http://acme.example/refunds`",
        "wa108_links.json:9:56: warning[WA108] the URL button links to `http://acme.example/refunds/{{1}}`",
        "wa108_wa111_flow.yaml:12:59: warning[WA108] the description of option 1 of node `welcome`",
        "wa108_wa111_flow.yaml:17:19: error[WA111] the text of node `card` asks the customer for their card number (`type your card number`",
        "wa109_opt_out.json:4:15: warning[WA109] MARKETING template `garden_week` offers no way to stop",
        "wa110_category.json:6:90: warning[WA110] UTILITY template `bestellung_versandt` uses promotional wording (`Gutscheincode`)",
        "wa111_sensitive.json:6:76: error[WA111] the body text asks the customer for their contraseña (`Envíanos tu contraseña`",
        "wa112_language.json:3:46: error[WA112] language code `en-GB` is not written the way WhatsApp expects; did you mean `en_GB`?",
        "wa112_language.json:6:44: warning[WA112] WhatsApp does not support the language code `pt`; did you mean `pt_BR` or `pt_PT`?",
        "wa113_b_copy.json:2:11: error[WA113] template `appointment_reminder` (en_us) is defined twice; the first definition is in wa113_a_original.json",
        "wa114_auth.json:5:17: error[WA114] AUTHENTICATION template `login_code_legacy` has no OTP button",
        "wa114_auth.json:7:36: error[WA114] AUTHENTICATION template `login_code_legacy` has an IMAGE header",
        "wa114_auth.json:9:32: warning[WA114] AUTHENTICATION template `login_code_legacy` has its own body text",
        "wa114_auth.json:9:33: error[WA114] AUTHENTICATION template `login_code_legacy` has an emoji",
        "wa114_auth.json:10:35: error[WA114] the passcode sample has 19 characters",
        "wa114_auth.json:11:53: error[WA114] `code_expiration_minutes` is 0",
        "wa114_auth.json:21:37: error[WA114] ZERO_TAP button without `zero_tap_terms_accepted: true`",
        "wa114_auth.json:22:46: error[WA114] `acmeshop` is not an Android package name",
        "wa114_auth.json:22:76: error[WA114] signature hash `K8a%2FAINcGX7` has 13 characters",
        "wa115_brand.json:6:56: warning[WA115] `ACME SHOP` in the header text spells the brand differently from `Acme Shop`",
        "wa115_brand.json:7:56: warning[WA115] `AcmeShop` in the body text",
        "wa116_impersonal.json:6:30: info[WA116] MARKETING template `garden_week_all` has no personalisation variable",
    ];
    for line in expected {
        assert!(
            out.lines().any(|l| l.starts_with(line)),
            "missing: {line}\n{out}"
        );
    }
    for code in 102..=116 {
        assert!(
            out.contains(&format!("[WA{code}]")),
            "WA{code} never fired:\n{out}"
        );
    }
}

#[test]
fn the_passing_fixtures_are_clean() {
    let output = check(&fixtures("pass"), &["--format", "concise"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    // Meta accepts the limited-time offer; WA124 only says web and desktop do not show it.
    let out = stdout(&output);
    let findings: Vec<&str> = out.lines().filter(|l| l.contains(": ")).collect();
    assert_eq!(
        findings,
        [
            "flash_offer.json:8:14: info[WA124] template `flash_offer` has a limited-time offer; WhatsApp web and desktop do not show the offer, only a note that it is not supported",
            "flash_offer.json:15:16: info[WA124] template `flash_offer` has quick replies beside a COPY_CODE button; WhatsApp desktop does not show a template that mixes quick replies with other button types and asks the customer to open it on their phone",
        ],
        "{out}"
    );
    assert!(out.contains("in 8 files."), "{out}");
}

/// The JSON diagnostic of `rule` at `line`.
fn json_at(report: &serde_json::Value, file: &str, rule: &str, line: u64) -> serde_json::Value {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file"] == file && d["rule"] == rule && d["line"] == line)
        .unwrap_or_else(|| panic!("no {rule} at {file}:{line}"))
        .clone()
}

#[test]
fn findings_inside_a_text_underline_exactly_the_offending_characters() {
    let dir = fixtures("fail");
    let output = check(&dir, &["--format", "json"]);
    let report = common::json_of(&output);
    // (file, rule, line, the characters the span must cover as written in the file)
    let cases = [
        ("wa104_sequence.json", "WA104", 6, "{{1}"),
        ("wa104_sequence.json", "WA104", 8, "{{3}}"),
        ("wa106_folded.yaml", "WA106", 9, "{{2}} {{3}}"),
        (
            "wa108_links.json",
            "WA108",
            6,
            "http://acme.example/refunds",
        ),
        (
            "wa108_wa111_flow.yaml",
            "WA108",
            12,
            "http://acme.example/pay",
        ),
        (
            "wa108_wa111_flow.yaml",
            "WA111",
            17,
            "type your card number",
        ),
        ("wa110_category.json", "WA110", 6, "Gutscheincode"),
        ("wa111_sensitive.json", "WA111", 6, "Envíanos tu contraseña"),
        ("wa115_brand.json", "WA115", 6, "ACME SHOP"),
        ("wa115_brand.json", "WA115", 7, "AcmeShop"),
    ];
    for (file, rule, line, covered) in cases {
        let d = json_at(&report, file, rule, line);
        assert_eq!(d["end_line"], d["line"], "{d}");
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let source_line: Vec<char> = text
            .lines()
            .nth(line as usize - 1)
            .unwrap()
            .chars()
            .collect();
        let start = d["column"].as_u64().unwrap() as usize - 1;
        let end = d["end_column"].as_u64().unwrap() as usize - 1;
        let shown: String = source_line[start..end].iter().collect();
        assert_eq!(shown, covered, "{file}:{line} {rule}");
        assert!(d["pointer"].as_str().unwrap().starts_with('/'), "{d}");
    }
}

#[test]
fn duplicate_templates_point_at_both_definitions() {
    let output = check(&fixtures("fail"), &["--format", "json"]);
    let report = common::json_of(&output);
    let d = json_at(&report, "wa113_b_copy.json", "WA113", 2);
    let related = d["related"].as_array().unwrap();
    assert_eq!(related.len(), 1, "{d}");
    assert_eq!(related[0]["file"], "wa113_a_original.json");
    assert_eq!(
        (related[0]["line"].as_u64(), related[0]["column"].as_u64()),
        (Some(2), Some(11))
    );
}

#[test]
fn concise_report_of_the_failing_templates() {
    insta::assert_snapshot!(concise(&fixtures("fail")));
}

#[test]
fn human_report_of_the_failing_templates() {
    insta::assert_snapshot!(stdout(&check(&fixtures("fail"), &[])));
}

#[test]
fn json_report_of_the_failing_templates() {
    let output = check(&fixtures("fail"), &["--format", "json"]);
    let text = stdout(&output);
    insta::assert_snapshot!(common::mask_report_id(&text, &text));
}

#[test]
fn the_acme_shop_draft_template_skips_a_variable() {
    let out = concise(&root().join("examples/acme-shop"));
    assert!(
        out.contains(
            "whatsapp/templates/delivery_delay.json:8:84: error[WA104] the body text skips {{2}}"
        ),
        "{out}"
    );
    // The other templates are clean: the only template findings are the two deliberate ones.
    let template_findings: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("whatsapp/templates/"))
        .collect();
    assert_eq!(template_findings.len(), 2, "{out}");
    assert!(
        template_findings[1].contains("winter_clearance.json")
            && template_findings[1].contains("[WA101]")
    );
}

#[test]
fn wording_rules_stay_quiet_on_the_clean_examples() {
    for dir in [
        "examples/clean",
        "examples/acme-shop",
        "tests/fixtures/headline",
    ] {
        let out = concise(&root().join(dir));
        for code in ["WA110", "WA111", "WA115"] {
            assert!(!out.contains(&format!("[{code}]")), "{dir}: {code}\n{out}");
        }
    }
}

#[test]
fn the_variable_ratio_is_configurable() {
    let dir = tempfile::tempdir().unwrap();
    let template = r#"{"name": "order_shipped", "language": "en_US", "category": "UTILITY",
      "components": [{"type": "BODY", "text": "Hi {{1}}, your order {{2}} has shipped today.",
                      "example": {"body_text": [["Maria", "A-1042"]]}}]}"#;
    std::fs::write(dir.path().join("t.json"), template).unwrap();
    let out = concise(dir.path());
    assert!(
        !out.contains("WA106"),
        "6 words for 2 variables pass by default:\n{out}"
    );
    std::fs::write(
        dir.path().join("walint.yaml"),
        "rules:\n  WA106: {words_per_variable: 4}\n",
    )
    .unwrap();
    let out = concise(dir.path());
    assert!(
        out.contains("t.json:2:47: warning[WA106] the body has 2 variables and 6 other words")
            && out.contains("at least 9 words"),
        "{out}"
    );
}

#[test]
fn without_a_brand_in_the_config_wa115_is_silent() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixtures("fail").join("wa115_brand.json"),
        dir.path().join("wa115_brand.json"),
    )
    .unwrap();
    assert!(!concise(dir.path()).contains("WA115"));
}

#[test]
fn every_template_rule_has_a_full_explain_page() {
    for code in 102..=116 {
        let code = format!("WA{code}");
        let output = walint_in(&root(), &["explain", &code]);
        assert_eq!(output.status.code(), Some(0), "{code}");
        let page = stdout(&output);
        for part in [
            "Why",
            "How to fix",
            "Sources",
            "Failing example",
            "Passing example",
        ] {
            assert!(page.contains(part), "{code} explain lacks {part}:\n{page}");
        }
    }
}

/// A misspelt key of a button or an example is one WA002, read as the key it was meant to
/// be: no rule reports the field missing or the variable without a sample.
#[test]
fn a_misspelt_template_key_has_no_knock_on_findings() {
    let output = walint_in(
        &fixtures("fail"),
        &[
            "check",
            "--format",
            "concise",
            "wa002_keys.json",
            "wa002_keys_auth.json",
            // Five buttons are WA124's information on desktop rendering, not a knock-on.
            "--ignore",
            "WA124",
        ],
    );
    let out = stdout(&output);
    let findings: Vec<&str> = out.lines().filter(|l| l.contains("[WA")).collect();
    assert_eq!(findings.len(), 9, "{out}");
    assert!(findings.iter().all(|l| l.contains("[WA002]")), "{out}");
}

/// A file that maps case names to templates (pywa's `examples.json`) holds one template per
/// entry: each is checked, and its findings point inside it, through its key.
#[test]
fn a_collection_of_templates_is_checked_entry_by_entry() {
    let output = check(&fixtures("collection"), &["--format", "json"]);
    let report = common::json_of(&output);
    let found: Vec<(&str, u64, u64, &str)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["pointer"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [("WA103", 19, 34, "/order_delayed/components/1/text")]
    );
}

/// The templates SDK test data keeps several to a file (pywa's `examples.json`): every key
/// they use is one walint knows. Skipped where ../shared is absent.
#[test]
fn every_key_of_the_real_template_collections_is_known() {
    let corpus = root().join("../shared/corpus/real/templates");
    if !corpus.is_dir() {
        eprintln!("skipped: {} does not exist", corpus.display());
        return;
    }
    let mut files: Vec<String> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("pywa_"))
        .collect();
    files.sort();
    assert!(files.len() >= 4, "only {files:?}");
    let mut args = vec!["check", "--select", "WA002", "--format", "concise"];
    args.extend(files.iter().map(String::as_str));
    let output = walint_in(&corpus, &args);
    assert_eq!(
        stdout(&output),
        format!("No problems found in {} files.\n", files.len())
    );
}

/// What walint reports on the real templates of ../shared (skipped where it is absent).
#[test]
fn the_real_template_corpus() {
    let corpus = root().join("../shared/corpus/real/templates");
    if !corpus.is_dir() {
        eprintln!("skipped: {} does not exist", corpus.display());
        return;
    }
    let out = concise(&corpus);
    assert!(!out.contains("[WA001]"), "{out}");
    insta::assert_snapshot!(out);
}

mod never_panics {
    use proptest::prelude::*;
    use walint::catalogue::builtin;
    use walint::config::Config;
    use walint::diagnostic::FileId;
    use walint::engine::{Engine, FileName, Options};

    /// Runs every rule of one file on its text, as the engine does.
    fn check_all(text: &str, brand: Option<&str>) {
        let config = Config {
            brand: brand.map(str::to_string),
            ..Config::default()
        };
        let engine = Engine::new(builtin().unwrap(), config, Options::default());
        let name = FileName {
            shown: "template.json".into(),
            config_path: "template.json".into(),
            explicit: true,
        };
        engine.check_text(FileId::input(0), &name, text);
    }

    fn text() -> impl Strategy<Value = String> {
        "([a-zA-Z0-9 .,!?%$#*_~-]|\\{|\\}|\\{\\{1\\}\\}|\\{\\{x\\}\\}|http://a.b/|https://|www\\.|é|ß|İ|🔐|\u{2019}|\n){0,40}"
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn no_template_text_makes_a_rule_panic(
            header in text(), body in text(), footer in text(), label in text(), url in text(),
            category in prop::sample::select(vec!["MARKETING", "UTILITY", "AUTHENTICATION", "TRANSACTIONAL", "x"]),
            format in prop::sample::select(vec!["positional", "named", "bogus"]),
            brand in prop::option::of(text()),
        ) {
            let template = serde_json::json!({
                "name": label, "language": header, "category": category,
                "parameter_format": format, "message_send_ttl_seconds": -5,
                "components": [
                    {"type": "HEADER", "format": "TEXT", "text": header, "example": {"header_text": [body]}},
                    {"type": "BODY", "text": body, "example": {"body_text": [[label], []]}},
                    {"type": "FOOTER", "text": footer, "code_expiration_minutes": 100},
                    {"type": "BUTTONS", "buttons": [
                        {"type": "URL", "text": label, "url": url, "example": [url]},
                        {"type": "QUICK_REPLY", "text": footer},
                        {"type": "OTP", "otp_type": "ZERO_TAP", "supported_apps": [{"package_name": label, "signature_hash": url}]},
                        {"type": "URL", "text": label, "url": body}
                    ]},
                    {"type": "CAROUSEL", "cards": [{"components": [
                        {"type": "BODY", "text": url},
                        {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": body}]}
                    ]}]}
                ]
            });
            check_all(&template.to_string(), brand.as_deref());
        }
    }
}
