use super::*;

use crate::catalogue::builtin;
use crate::model;
use crate::source::Format;

const HEADER: &str = r#"code: ACME001
name: marketing-stop-footer
severity: warning
category: template
summary: "Marketing templates end with our STOP footer."
rationale: "Legal wants every marketing message to say how to stop them, in the same words."
fix: "Add a FOOTER component with the text `Reply STOP to unsubscribe`."
sources: ["https://acme.example/policies/marketing"]
controls: [TEMPLATE-GUIDELINES]
"#;

const MATCH: &str = r#"match:
  kinds: [template]
  where: category == MARKETING
  given: "$.components[?@.type == 'FOOTER']"
  then:
    field: text
    function: pattern
    options: {match: "Reply STOP to unsubscribe$"}
  message: "template `{document}`: the footer `{value}` {reason}"
"#;

/// A rule file: the header and a match block.
fn rule(block: &str) -> String {
    format!("{HEADER}{block}")
}

const PROMO: &str = r#"{"name": "promo", "language": "en_US", "category": "MARKETING",
 "components": [
   {"type": "BODY", "text": "Our sale starts today."},
   {"type": "FOOTER", "text": "Reply STOP to opt out"}
 ]}"#;

/// The rule of `rule` defined in a copy of the built-in catalogue, or its error as the user
/// sees it (`rule.yaml:LINE:COLUMN: message`).
fn defined(rule: &str) -> Result<(Catalogue, CustomRule), String> {
    let mut catalogue = (*builtin().unwrap()).clone();
    let found = define(&mut catalogue, rule, Path::new("rule.yaml"))
        .map_err(|e| placed("rule.yaml", rule, e.span, &e.message))?;
    Ok((catalogue, found))
}

/// The findings of `rule` on a document text: message and the text they underline.
fn findings(rule: &str, text: &str, format: Format) -> Vec<(String, String)> {
    let (_, rule) = defined(rule).unwrap();
    let rules = CustomRules {
        rules: vec![rule],
        ..CustomRules::default()
    };
    let tree = parse(text, format).unwrap();
    let contents = model::read(&tree);
    let mut out = Vec::new();
    for document in &contents.documents {
        rules.run(document, &tree, |_| true, &mut out);
    }
    out.into_iter()
        .map(|f| {
            let span = match f.at {
                At::Node(n) => tree.span(n),
                At::Key(n) => tree.key_span(n).unwrap_or_default(),
                At::InString(n, s, e) => crate::source::locate_in_string(text, &tree, n, s..e),
                other => panic!("{other:?}"),
            };
            (f.message, text[span.start..span.end].to_string())
        })
        .collect()
}

#[test]
fn a_rule_file_defines_a_rule_after_the_built_in_ones() {
    let (catalogue, rule) = defined(&rule(MATCH)).unwrap();
    let doc = catalogue.rule(rule.id);
    assert_eq!(
        (&*doc.code, &*doc.name),
        ("ACME001", "marketing-stop-footer")
    );
    assert_eq!(rule.id.index(), builtin().unwrap().rules().len());
    assert_eq!(
        catalogue.find("marketing-stop-footer").map(|r| r.id),
        Some(rule.id)
    );
}

#[test]
fn findings_point_at_the_value_the_query_found() {
    let found = findings(&rule(MATCH), PROMO, Format::Json);
    assert_eq!(
        found,
        [(
            "template `promo`: the footer `Reply STOP to opt out` does not match `Reply STOP to unsubscribe$`".to_string(),
            "\"Reply STOP to opt out\"".to_string()
        )]
    );
    // A passing footer, and a template the `where` leaves out.
    let good = PROMO.replace("to opt out", "to unsubscribe");
    assert!(findings(&rule(MATCH), &good, Format::Json).is_empty());
    let utility = PROMO.replace("MARKETING", "UTILITY");
    assert!(findings(&rule(MATCH), &utility, Format::Json).is_empty());
}

#[test]
fn the_same_rule_reads_yaml_as_written() {
    let yaml = "name: promo\nlanguage: en_US\ncategory: MARKETING\ncomponents:\n  - type: BODY\n    text: Our sale starts today.\n  - type: FOOTER\n    text: Reply STOP to opt out\n";
    let found = findings(&rule(MATCH), yaml, Format::Yaml);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].1, "Reply STOP to opt out");
}

#[test]
fn a_missing_field_is_reported_at_the_value_that_lacks_it() {
    let block = "match:\n  kinds: [template]\n  given: \"$.components[*]\"\n  then: {field: text, function: defined}\n";
    let text = "name: promo\nlanguage: en_US\ncomponents:\n  - type: BODY\n    text: hi\n  - type: FOOTER\n";
    let found = findings(&rule(block), text, Format::Yaml);
    assert_eq!(
        found,
        [(
            "`/components/1/text` is missing".to_string(),
            "type: FOOTER".to_string()
        )]
    );
    // A value under a key: the key.
    let block = "match:\n  kinds: [template]\n  given: \"$.example\"\n  then: {field: body_text, function: defined}\n";
    let text = "name: promo\nlanguage: en_US\ncomponents: []\nexample: {}\n";
    let found = findings(&rule(block), text, Format::Yaml);
    assert_eq!(
        found,
        [(
            "`/example/body_text` is missing".to_string(),
            "example".to_string()
        )]
    );
}

#[test]
fn a_forbidden_phrase_is_underlined_inside_the_string() {
    let block = r#"match:
  kinds: [template]
  given: "$.components[?@.type == 'BODY']"
  then:
    field: text
    function: contains_phrase
    options: {none: [globex, initech corp]}
  message: "template `{document}`: {reason}"
"#;
    let text = r#"{"name": "promo", "language": "en", "components": [{"type": "BODY", "text": "Cheaper than\nInitech  Corp, really."}]}"#;
    let found = findings(&rule(block), text, Format::Json);
    assert_eq!(
        found,
        [(
            "template `promo`: contains `Initech  Corp`".to_string(),
            "Initech  Corp".to_string()
        )]
    );
}

#[test]
fn the_key_of_a_value_can_be_checked() {
    let block = r#"match:
  kinds: [conversation-flow]
  given: "$.nodes.*"
  then: {field: "@key", function: casing, options: {type: snake}}
  message: "flow {document}: node {reason}"
"#;
    let flow = "flow: bot\nentry: hi\nnodes:\n  hi: {type: end}\n  sayBye: {type: end}\n";
    let found = findings(&rule(block), flow, Format::Yaml);
    assert_eq!(
        found,
        [(
            "flow bot: node `sayBye` is not snake case".to_string(),
            "sayBye".to_string()
        )]
    );
}

/// The error a rule file gets, as the user sees it.
fn refused(rule: &str) -> String {
    match defined(rule) {
        Ok(_) => panic!("accepted: {rule}"),
        Err(e) => e,
    }
}

#[test]
fn bad_rules_are_refused_at_their_line_and_column_with_a_suggestion() {
    let full = rule(MATCH);
    let cases = [
        (full.replace("code: ACME001", "code: WA901"), "rule.yaml:1:7: rule code `WA901` is in walint's namespace"),
        (full.replace("code: ACME001", "code: acme-1"), "rule.yaml:1:7: rule code `acme-1` must be upper-case letters then digits"),
        (full.replace("name: marketing-stop-footer", "name: menu-overloaded"), "rule.yaml:1:7: rule ACME001 menu-overloaded clashes with WA201 menu-overloaded"),
        (full.replace("function: pattern", "function: patern"), "rule.yaml:16:15: unknown function `patern` (one of truthy, falsy, defined, undefined, pattern, length, enumeration, casing, alphabetical, xor, contains_phrase, json_schema, every_path_passes, reachable); did you mean `pattern`?"),
        (full.replace("{match:", "{mach:"), "rule.yaml:17:15: unknown key `mach` in the options of `pattern`; did you mean `match`?"),
        (full.replace("Reply STOP to unsubscribe$", "Reply (STOP"), "rule.yaml:17:22: invalid regular expression `Reply (STOP`: unclosed group"),
        (full.replace("[?@.type == 'FOOTER']", "[?@.type === 'FOOTER']"), "rule.yaml:13:31: invalid JSONPath `$.components[?@.type === 'FOOTER']`: in long-hand segment, expected closing ']'"),
        (full.replace("kinds: [template]", "kinds: [templates]"), "rule.yaml:11:11: unknown kind `templates` (template, conversation-flow, whatsapp-flow, webhook, campaign, templates-lock, template-send); did you mean `template`?"),
        (full.replace("  given:", "  gven:"), "rule.yaml:13:3: unknown key `gven` in `match`; did you mean `given`?"),
        (full.replace("summary:", "sumary:"), "rule.yaml:5:1: unknown field `sumary`; did you mean `summary`?"),
        (full.replace("where: category == MARKETING", "where: category = MARKETING"), "rule.yaml:12:10: `where: category = MARKETING` is not a condition"),
        (full.replace("controls: [TEMPLATE-GUIDELINES]", "controls: [ACME-LEGAL]"), "rule.yaml:9:12: unknown control `ACME-LEGAL`"),
        (full.replace("severity: warning", "severity: warn"), "rule.yaml:3:11: severity must be error, warning or info, not `warn`; did you mean `warning`?"),
        (full.split("match:").next().unwrap().to_string(), "rule.yaml:1:1: a custom rule needs a `match` block"),
        (format!("{full}---\n{full}"), "rule.yaml:20:1: a rule file holds one rule"),
    ];
    for (rule, expected) in cases {
        let found = refused(&rule);
        assert!(
            found.starts_with(expected),
            "expected {expected}\n   found {found}"
        );
    }
}

const SCHEMA_BLOCK: &str = r#"match:
  kinds: [template]
  given: "$.components[*]"
  then:
    function: json_schema
    options:
      schema:
        type: object
        required: [type]
        properties:
          text: {type: string, maxLength: 12}
"#;

#[test]
fn a_value_is_checked_against_a_json_schema_and_the_first_error_named() {
    let text = "name: promo\nlanguage: en_US\ncomponents:\n  - {type: BODY, text: Hello there}\n  - {type: FOOTER, text: Reply STOP to opt out}\n  - {text: Hi}\n";
    let found = findings(&rule(SCHEMA_BLOCK), text, Format::Yaml);
    assert_eq!(
        found,
        [
            (
                "`/components/1` fails the schema at `/text`: \"Reply STOP to opt out\" is longer than 12 characters".to_string(),
                "{type: FOOTER, text: Reply STOP to opt out}".to_string()
            ),
            (
                "`/components/2` fails the schema: \"type\" is a required property".to_string(),
                "{text: Hi}".to_string()
            ),
        ]
    );
}

#[test]
fn an_invalid_json_schema_is_refused_at_the_schema() {
    let rule = rule(SCHEMA_BLOCK);
    let found = refused(&rule.replace("type: object", "type: objekt"));
    assert!(
        found.starts_with(
            "rule.yaml:17:15: invalid JSON Schema at `/type`: \"objekt\" is not valid"
        ),
        "{found}"
    );
    // Patterns compile with the linear-time `regex` crate: a look-around is refused.
    let found = refused(&rule.replace("maxLength: 12", "pattern: \"^(?!x)\""));
    assert!(
        found.starts_with("rule.yaml:") && found.contains("invalid JSON Schema"),
        "{found}"
    );
    let found = refused(&rule.replace("      schema:\n", "      schema: 3\n      other:\n"));
    assert!(
        found.starts_with("rule.yaml:17:7: unknown key `other` in the options of `json_schema`"),
        "{found}"
    );
}

#[test]
fn messages_fill_in_their_fields_once() {
    let fields = [("value", "{path}"), ("path", "/a")];
    assert_eq!(
        interpolate("`{value}` at {path} {other}", &fields),
        "`{path}` at /a {other}"
    );
}

#[test]
fn globs_name_the_files_under_their_literal_folder() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join(".walint/rules");
    std::fs::create_dir_all(rules.join("more")).unwrap();
    for name in ["b.yaml", "a.yaml", "notes.txt", "more/c.yaml"] {
        std::fs::write(rules.join(name), "").unwrap();
    }
    let names = |pattern: &str| -> Vec<String> {
        expand(dir.path(), pattern)
            .unwrap()
            .iter()
            .map(|p| {
                p.strip_prefix(dir.path())
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect()
    };
    assert_eq!(
        names(".walint/rules/*.yaml"),
        [".walint/rules/a.yaml", ".walint/rules/b.yaml"]
    );
    assert_eq!(names(".walint/rules/**/*.yaml").len(), 3);
    assert_eq!(names(".walint/rules/a.yaml"), [".walint/rules/a.yaml"]);
    assert!(names("elsewhere/*.yaml").is_empty());
}

#[test]
fn alphabetical_points_at_the_first_key_or_item_out_of_order() {
    // A mapping is sorted by its keys as written (its JSON keeps no order).
    let block = r#"match:
  kinds: [conversation-flow]
  given: "$.nodes"
  then: {function: alphabetical}
"#;
    let flow =
        "flow: bot\nentry: hi\nnodes:\n  hi: {type: end}\n  bye: {type: end}\n  zed: {type: end}\n";
    let found = findings(&rule(block), flow, Format::Yaml);
    assert_eq!(
        found,
        [(
            "`/nodes` is not in alphabetical order: `hi` must be placed after `bye`".to_string(),
            "hi".to_string()
        )]
    );
    let block = r#"match:
  kinds: [template]
  given: "$.components[?@.type == 'BUTTONS'].buttons"
  then: {function: alphabetical, options: {keyed_by: text}}
"#;
    let template = r#"{"name": "a", "language": "en_US", "category": "UTILITY", "components": [
  {"type": "BODY", "text": "Hi"},
  {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Yes"}, {"type": "QUICK_REPLY", "text": "No"}]}]}"#;
    let found = findings(&rule(block), template, Format::Json);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1, r#"{"type": "QUICK_REPLY", "text": "Yes"}"#);
}

#[test]
fn xor_is_read_from_a_rule_file_and_refuses_a_single_property() {
    let block = r#"match:
  kinds: [template]
  given: "$.components[*].buttons[?@.type == 'URL']"
  then: {function: xor, options: {properties: [url, phone_number]}}
"#;
    let template = r#"{"name": "a", "language": "en_US", "category": "UTILITY", "components": [
  {"type": "BUTTONS", "buttons": [{"type": "URL", "text": "Go"}]}]}"#;
    let found = findings(&rule(block), template, Format::Json);
    assert_eq!(
        found,
        [(
            "`/components/0/buttons/0` sets none of `url`, `phone_number`: exactly one of them must be set".to_string(),
            r#"{"type": "URL", "text": "Go"}"#.to_string()
        )]
    );
    let one = rule(&block.replace("[url, phone_number]", "[url]"));
    assert!(
        refused(&one).contains("`properties` must be a list of at least two keys"),
        "{}",
        refused(&one)
    );
}
