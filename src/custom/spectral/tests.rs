use super::*;

use crate::catalogue::builtin;
use crate::diagnostic::At;
use crate::model;

/// The rules of a ruleset, defined in a copy of the built-in catalogue, or its error as the
/// user sees it (`ruleset.yaml:LINE:COLUMN: message`).
fn loaded(ruleset: &str) -> Result<(Catalogue, Vec<SpectralRule>), String> {
    let mut catalogue = builtin().unwrap().as_ref().clone();
    let path = Path::new("ruleset.yaml");
    let rules = load(
        &mut catalogue,
        ruleset,
        path,
        "ruleset.yaml",
        crate::config::DEFAULT_SPECTRAL_PREFIX,
    )
    .map_err(|e| super::super::placed("ruleset.yaml", ruleset, e.span, &e.message))?;
    Ok((catalogue, rules))
}

fn refused(ruleset: &str) -> String {
    match loaded(ruleset) {
        Ok(_) => panic!("accepted: {ruleset}"),
        Err(e) => e,
    }
}

/// Each finding of the ruleset on `text`: its code, message and the text it points at.
fn findings(ruleset: &str, text: &str, format: Format) -> Vec<(String, String, String)> {
    let (catalogue, rules) = loaded(ruleset).unwrap();
    let tree = parse(text, format).unwrap();
    let contents = model::read(&tree);
    let mut out = Vec::new();
    run(&rules, &tree, &contents.documents, |_| true, &mut out);
    out.into_iter()
        .map(|f| {
            let span = match f.at {
                At::Node(n) => tree.span(n),
                At::Key(n) => tree.key_span(n).unwrap_or_default(),
                At::InString(n, s, e) => locate_in_string(text, &tree, n, s..e),
                other => panic!("{other:?}"),
            };
            (
                catalogue.rule(f.rule).code.to_string(),
                f.message,
                text[span.start..span.end].to_string(),
            )
        })
        .collect()
}

const TEMPLATE: &str = r#"{"name": "Order-Shipped", "language": "en_US", "category": "UTILITY", "status": "PAUSED",
 "components": [
   {"type": "BODY", "text": "Your order {{1}} has shipped.", "example": {"body_text": [["A-1"]]}},
   {"type": "BUTTONS", "buttons": [{"type": "URL", "text": "Track", "url": "http://shop.example/t"}]}
 ]}"#;

const RULESET: &str = r#"rules:
  template-name:
    description: Template names are snake case.
    given: "$[?(@.components && @.language)].name"
    severity: error
    then: {function: pattern, functionOptions: {match: "^[a-z0-9_]{1,512}$"}}
  template-url-https:
    given: "$.components[*].buttons[?(@.type == 'URL')]"
    severity: warn
    message: "{{property}} of a URL button is {{value}}: {{error}} ({{path}})"
    then: {field: url, function: pattern, functionOptions: {match: "/^HTTPS:/i"}}
"#;

#[test]
fn a_ruleset_runs_on_the_file_as_written_with_spectral_codes() {
    let found = findings(RULESET, TEMPLATE, Format::Json);
    assert_eq!(
        found,
        [(
            "SPECTRAL/template-url-https".to_string(),
            "url of a URL button is http://shop.example/t: does not match `/^HTTPS:/i` (#/components/1/buttons/0/url)".to_string(),
            "\"http://shop.example/t\"".to_string()
        )]
    );
    // `$[?(...)]` filters the root's children, as in jsonpath-plus: a file that lists
    // templates has its names checked.
    let list = format!("[{TEMPLATE}]");
    let found = findings(RULESET, &list, Format::Json);
    // `$.components` is not a path of a list: the URL rule finds nothing there.
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "SPECTRAL/template-name");
    // Without a message, the description is the message, as Spectral shows it.
    assert_eq!(found[0].1, "Template names are snake case.");
    assert_eq!(found[0].2, "\"Order-Shipped\"");
}

#[test]
fn rules_join_the_catalogue_under_the_prefix() {
    let (catalogue, rules) = loaded(RULESET).unwrap();
    let doc = catalogue.rule(rules[0].id);
    assert_eq!(
        (&*doc.code, &*doc.name),
        ("SPECTRAL/template-name", "spectral-template-name")
    );
    assert_eq!(doc.severity, Severity::Error);
    assert_eq!(doc.summary, "Template names are snake case.");
    assert_eq!(catalogue.rule(rules[1].id).severity, Severity::Warning);
    assert!(!rules[0].off_by_default);
    let mut other = builtin().unwrap().as_ref().clone();
    let acme = load(&mut other, RULESET, Path::new("r.yaml"), "r.yaml", "ACME").unwrap();
    assert_eq!(&*other.rule(acme[0].id).code, "ACME/template-name");
}

#[test]
fn severities_and_rules_turned_off() {
    let ruleset = |severity: &str| {
        format!("rules:\n  a:\n    given: $.name\n    severity: {severity}\n    then: {{function: truthy}}\n")
    };
    for (written, severity, off) in [
        ("error", Severity::Error, false),
        ("0", Severity::Error, false),
        ("warn", Severity::Warning, false),
        ("1", Severity::Warning, false),
        ("info", Severity::Info, false),
        ("hint", Severity::Info, false),
        ("3", Severity::Info, false),
        ("off", Severity::Warning, true),
    ] {
        let (catalogue, rules) = loaded(&ruleset(written)).unwrap();
        assert_eq!(catalogue.rule(rules[0].id).severity, severity, "{written}");
        assert_eq!(rules[0].off_by_default, off, "{written}");
    }
    let (catalogue, rules) = loaded(
        "rules:\n  a:\n    given: $.name\n    recommended: false\n    then: {function: truthy}\n",
    )
    .unwrap();
    assert!(rules[0].off_by_default);
    assert!(catalogue
        .rule(rules[0].id)
        .rationale
        .contains("turns it off"));
    assert!(refused(&ruleset("warning")).starts_with(
        "ruleset.yaml:4:15: `severity: warning` is not one of error, warn, info, hint, off or 0 to 3"
    ));
}

#[test]
fn key_fields_check_each_key_of_the_found_value() {
    let ruleset = r#"rules:
  node-names:
    given: "$.nodes"
    then: {field: "@key", function: casing, functionOptions: {type: snake}}
"#;
    let flow = "flow: bot\nentry: hi\nnodes:\n  hi: {type: end}\n  sayBye: {type: end}\n";
    let found = findings(ruleset, flow, Format::Yaml);
    assert_eq!(
        found,
        [(
            "SPECTRAL/node-names".to_string(),
            "`/nodes/sayBye` `sayBye` is not snake case".to_string(),
            "sayBye".to_string()
        )]
    );
}

#[test]
fn schema_alphabetical_xor_and_lodash_fields() {
    let ruleset = r#"rules:
  terminal-footer:
    given: "$.screens[?(@.terminal == true)].layout"
    then:
      field: children
      function: schema
      functionOptions:
        schema: {type: array, contains: {type: object, properties: {type: {const: Footer}}, required: [type]}}
  sorted-screens:
    given: "$.screens"
    then: {function: alphabetical, functionOptions: {keyedBy: id}}
  first-child:
    given: "$.screens[*]"
    then: {field: "layout.children[0].type", function: enumeration, functionOptions: {values: [TextHeading, TextBody]}}
"#;
    let flow = r#"{"version": "7.0", "screens": [
  {"id": "WELCOME", "terminal": true, "layout": {"type": "SingleColumnLayout", "children": [{"type": "TextBody", "text": "Hi"}]}},
  {"id": "DONE", "terminal": true, "layout": {"type": "SingleColumnLayout"}}
]}"#;
    let found = findings(ruleset, flow, Format::Json);
    let codes: Vec<(&str, &str)> = found
        .iter()
        .map(|(c, m, _)| (c.as_str(), m.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            ("SPECTRAL/terminal-footer", "`/screens/0/layout/children` fails the schema: None of [{\"text\":\"Hi\",\"type\":\"TextBody\"}] are valid under the given schema"),
            // A missing value fails `schema`, as Spectral's "must exist".
            ("SPECTRAL/terminal-footer", "`/screens/1/layout/children` is missing"),
            ("SPECTRAL/sorted-screens", "`/screens` is not in alphabetical order of `id`: `WELCOME` must be placed after `DONE`"),
        ],
        "{found:?}"
    );
    // The first screen out of order, and the key a missing value would be under.
    assert!(
        found[2].2.starts_with("{\"id\": \"WELCOME\""),
        "{}",
        found[2].2
    );
    assert_eq!(found[1].2, "\"layout\"");
}

#[test]
fn aliases_name_paths_that_rules_extend() {
    let ruleset = r##"aliases:
  Buttons: ["$.components[*].buttons"]
  UrlButtons: ["#Buttons[?(@.type == 'URL')]"]
rules:
  url-https:
    given: "#UrlButtons.url"
    then: {function: pattern, functionOptions: {match: "^https://"}}
"##;
    let found = findings(ruleset, TEMPLATE, Format::Json);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].2, "\"http://shop.example/t\"");
    let unknown = ruleset.replace("#UrlButtons.url", "#UrlButton.url");
    assert!(
        refused(&unknown).starts_with(
            "ruleset.yaml:6:13: unknown alias `#UrlButton`; did you mean `UrlButtons`?"
        ),
        "{}",
        refused(&unknown)
    );
}

#[test]
fn formats_narrow_a_rule_to_walint_kinds() {
    let ruleset = r#"formats: [webhook]
rules:
  named:
    given: "$..name"
    then: {function: casing, functionOptions: {type: kebab}}
  template-named:
    formats: [template]
    given: "$.name"
    then: {function: casing, functionOptions: {type: kebab}}
"#;
    let found = findings(ruleset, TEMPLATE, Format::Json);
    let codes: Vec<&str> = found.iter().map(|(c, _, _)| c.as_str()).collect();
    assert_eq!(codes, ["SPECTRAL/template-named"]);
    let (catalogue, rules) = loaded(ruleset).unwrap();
    assert_eq!(catalogue.rule(rules[0].id).category, "webhook");
    assert!(
        refused(&ruleset.replace("[webhook]", "[oas3]")).starts_with(
            "ruleset.yaml:1:11: `oas3` is a Spectral format of documents walint does not read"
        )
    );
}

#[test]
fn what_walint_cannot_run_is_refused_at_its_line_and_column() {
    let base = "rules:\n  a:\n    given: \"$.name\"\n    then: {function: truthy}\n";
    let cases = [
        (format!("functions: [isTemplate]\n{base}"), "ruleset.yaml:1:1: custom functions are JavaScript"),
        (format!("functionsDir: ./functions\n{base}"), "ruleset.yaml:1:1: custom functions are JavaScript"),
        (format!("overrides: []\n{base}"), "ruleset.yaml:1:1: `overrides` is not read"),
        (format!("extends: [\"@acme/spectral-rules\"]\n{base}"), "ruleset.yaml:1:11: `extends: @acme/spectral-rules` is a ruleset from npm"),
        (format!("extends: https://acme.example/r.yaml\n{base}"), "ruleset.yaml:1:10: `extends: https://acme.example/r.yaml`: walint fetches no ruleset"),
        (format!("extends: [[spectral:oass, off]]\n{base}"), "ruleset.yaml:1:12: unknown built-in ruleset `spectral:oass`"),
        (format!("rulez: {{}}\n{base}"), "ruleset.yaml:1:1: unknown key `rulez` in a Spectral ruleset; did you mean `rules`?"),
        (base.replace("function: truthy", "function: isSnake"), "ruleset.yaml:4:22: `isSnake` is not one of Spectral's core functions walint runs"),
        (base.replace("function: truthy", "function: truthy, functionOptions: {x: 1}"), "ruleset.yaml:4:47: `truthy` takes no functionOptions"),
        (base.replace("function: truthy", "function: pattern, functionOptions: {mach: x}"), "ruleset.yaml:4:49: unknown key `mach` in the functionOptions of `pattern`; did you mean `match`?"),
        (base.replace("function: truthy", "function: pattern, functionOptions: {match: \"(?=x)\"}"), "ruleset.yaml:4:56: invalid regular expression `(?=x)`: look-around"),
        (base.replace("$.name", "$.items[01]"), "ruleset.yaml:3:12: `given: $.items[01]` reads as `$.items[01]`, which is not a JSONPath walint can run"),
        (base.replace("$.name", "$.name^"), "ruleset.yaml:3:19: `given: $.name^`: `^` (the parent of a value)"),
        (base.replace("$.name", "$.components[?(@.text.match(/x/))]"), "ruleset.yaml:3:35: `given: $.components[?(@.text.match(/x/))]`: `.match(...)`"),
        (base.replace("    given", "    severity: warn\n    gven"), "ruleset.yaml:4:5: unknown key `gven` in rule `a`; did you mean `given`?"),
        (base.replace("    then: {function: truthy}\n", "    message: \"{{valeu}} is bad\"\n    then: {function: truthy}\n"), "ruleset.yaml:4:15: unknown placeholder `{{valeu}}`"),
        (base.replace("then: {function: truthy}", "then: {field: \"$..x\", function: truthy}"), "ruleset.yaml:4:19: `field: $..x`: a JSONPath `field`"),
        ("rules:\n  operation-tags: off\n".to_string(), "ruleset.yaml:2:19: `operation-tags` sets a rule of an extended ruleset"),
        ("rules:\n  \"a b\":\n    given: $\n    then: {function: truthy}\n".to_string(), "ruleset.yaml:2:3: rule name `a b` makes no walint code"),
        ("extends: [[spectral:oas, off]]\n".to_string(), "ruleset.yaml:1:1: the Spectral ruleset has no `rules:` to run"),
        (base.replace("  a:", "  template-name:\n    given: $\n    then: {function: truthy}\n  TEMPLATE-NAME:"), "ruleset.yaml:5:3: rule SPECTRAL/TEMPLATE-NAME spectral-TEMPLATE-NAME clashes with SPECTRAL/template-name"),
    ];
    for (ruleset, expected) in cases {
        let found = refused(&ruleset);
        assert!(
            found.starts_with(expected),
            "expected {expected}\n   found {found}"
        );
    }
}

#[test]
fn built_in_rulesets_of_other_documents_add_no_rule() {
    for extends in [
        "spectral:oas",
        "[[spectral:oas, off]]",
        "[spectral:asyncapi, [spectral:oas, all]]",
    ] {
        let ruleset = format!(
            "extends: {extends}\nrules:\n  a:\n    given: $.name\n    then: {{function: truthy}}\n"
        );
        let (_, rules) = loaded(&ruleset).unwrap();
        assert_eq!(rules.len(), 1, "{extends}");
    }
}

#[test]
fn javascript_regular_expressions_read_as_spectral_reads_them() {
    let matches = |pattern: &str, text: &str| {
        regex::Regex::new(&javascript_regex(pattern).unwrap())
            .unwrap()
            .is_match(text)
    };
    assert!(matches("/^stop$/i", "STOP"));
    assert!(!matches("^stop$", "STOP"));
    assert!(matches("/^a.b$/s", "a\nb"));
    // JavaScript's classes are ASCII: an Arabic-Indic digit is not `\d`, nor `é` `\w`.
    assert!(matches("^\\d+$", "42"));
    assert!(!matches("^\\d+$", "٤٢"));
    assert!(!matches("^\\w+$", "café"));
    assert!(matches("^[\\w-]+$", "order-id_2"));
    assert!(!matches("^[^\\d]+$", "a1"));
    assert!(matches("\\bstop\\b", "reply stop now"));
    assert!(matches("^https:\\/\\/", "https://a"));
    // A path with slashes is not mistaken for flags.
    assert!(matches("/api/v1", "/api/v1"));
    assert!(javascript_regex("/x/v")
        .unwrap_err()
        .contains("the flag `v`"));
}
