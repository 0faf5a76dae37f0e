//! WhatsApp Flows rules (WA3xx, and WA108 for Flow JSON) over Meta's Flow JSON, one file per
//! group: [`structure`] (WA301), [`terminal`] (WA302), [`limits`] (WA303), [`navigation`]
//! (WA304, WA305), [`consent`] (WA306) and [`links`] (WA108).
//!
//! Each check receives a [`WhatsAppFlow`](crate::model::WhatsAppFlow) read once by the model:
//! a Flow JSON file, or the `flow_json` of a template's FLOW button, whose findings the engine
//! maps into the string. What each version has (components, actions, limits) is the model's
//! catalogue, `model::whatsapp_flow::catalogue`.

pub mod consent;
pub mod limits;
pub mod links;
pub mod navigation;
pub mod structure;
pub mod terminal;

use crate::source::{NodeId, Tree, Value};

/// Calls `f` on every string value under `node`, with its node.
fn for_each_string(tree: &Tree, node: NodeId, f: &mut dyn FnMut(NodeId, &str)) {
    let mut stack = vec![node];
    while let Some(current) = stack.pop() {
        match tree.value(current) {
            Value::String(s) => f(current, s),
            Value::Seq(items) => stack.extend(items.iter().rev()),
            Value::Map(entries) => stack.extend(entries.iter().rev().map(|e| e.value)),
            _ => {}
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use crate::diagnostic::{At, Finding};
    use crate::rules::{check_text, Rule};
    use crate::source::{parse, Format};

    /// WA108's check of Flow JSON alone (not its template and conversation-flow checks).
    pub const INSECURE_URL_RULE: Rule =
        rule!(WA108, WhatsAppFlow, super::links::insecure_url_in_flow_json);

    const ALL: [Rule; 7] = [
        rule!(WA301, WhatsAppFlow, super::structure::flow_json_structure),
        rule!(WA302, WhatsAppFlow, super::terminal::terminal_screen_footer),
        rule!(
            WA303,
            WhatsAppFlow,
            super::limits::flow_json_component_limits
        ),
        rule!(WA304, WhatsAppFlow, super::navigation::unknown_screen),
        rule!(WA305, WhatsAppFlow, super::navigation::unreachable_screen),
        rule!(
            WA306,
            WhatsAppFlow,
            super::consent::personal_data_without_consent
        ),
        INSECURE_URL_RULE,
    ];

    /// Runs one check on a Flow JSON document and returns the findings.
    pub fn run(text: &str, rule: Rule) -> Vec<Finding> {
        check_text(text, Format::Json, &[rule]).1
    }

    /// The text each finding points at.
    pub fn spans(text: &str, findings: &[Finding]) -> Vec<String> {
        let tree = parse(text, Format::Json).unwrap();
        findings
            .iter()
            .map(|f| {
                let span = match f.at {
                    At::Node(n) => tree.span(n),
                    At::Key(n) => tree.key_span(n).unwrap_or_default(),
                    At::InString(n, s, e) => crate::source::locate_in_string(text, &tree, n, s..e),
                    At::InFile(_, s) | At::Raw(s) => s,
                    At::InNested(..) => panic!("a Flow JSON has no string inside a string: {f:?}"),
                };
                text[span.start..span.end].to_string()
            })
            .collect()
    }

    /// Every WA3xx (and WA108) finding on a document, as `CODE severity message`.
    pub fn all(text: &str) -> Vec<String> {
        let catalogue = crate::catalogue::builtin().unwrap();
        let mut found = Vec::new();
        for check in ALL {
            for f in run(text, check) {
                let severity = f.severity.map_or("", |s| s.as_str());
                let code = &catalogue.rule(f.rule).code;
                found.push(format!("{code} {severity} {}", f.message));
            }
        }
        found
    }

    /// A one-screen terminal flow of `version` with `children` (JSON text).
    pub fn one_screen(version: &str, children: &str) -> String {
        format!(
            r#"{{"version": "{version}", "screens": [{{"id": "MAIN", "title": "Main", "terminal": true,
                "layout": {{"type": "SingleColumnLayout", "children": [{children}]}}}}]}}"#
        )
    }

    pub const COMPLETE: &str = r#"{"type": "Footer", "label": "Done", "on-click-action": {"name": "complete", "payload": {}}}"#;

    #[test]
    fn flow_json_written_as_yaml_is_checked_too() {
        let text = "version: '7.3'\nscreens:\n  - id: MAIN\n    terminal: true\n    layout:\n      type: SingleColumnLayout\n      children:\n        - type: TextHeadline\n          text: Hi\n";
        let (problems, out) = check_text(text, Format::Yaml, &ALL[..2]);
        assert!(problems.is_empty(), "{problems:?}");
        let messages: Vec<&str> = out.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "unknown component type `TextHeadline`; did you mean `TextHeading`?",
                "terminal screen `MAIN` has no `Footer`; Meta requires one on every terminal screen",
            ]
        );
        let At::Node(node) = out[0].at else {
            panic!("{:?}", out[0].at)
        };
        // The same text parses to the same node ids.
        let tree = parse(text, Format::Yaml).unwrap();
        let span = tree.span(node);
        assert_eq!(&text[span.start..span.end], "TextHeadline");
    }

    #[test]
    fn odd_shapes_never_panic() {
        for text in [
            r#"{"version": 7.3, "screens": [[], 1, null, {"id": 5, "layout": []}, {"layout": {"children": {"a": 1}}}]}"#,
            r#"{"version": "7.3", "screens": {}, "routing_model": []}"#,
            r#"{"version": "7.3", "screens": [], "routing_model": {"A": "B", "B": [1, null], "C": null}}"#,
            r#"{"version": "", "screens": [{"id": "", "layout": {"type": 1, "children": [{"type": "If", "then": {}, "else": 3}, {"type": "Switch", "cases": []}, {"type": "Footer", "on-click-action": "complete"}, {"type": "EmbeddedLink", "text": "a", "on-click-action": {"name": "navigate", "next": "B"}}, {"type": "Dropdown", "data-source": [1, "x", {"image": 1}]}]}}]}"#,
            r#"{"version": "2.1", "screens": [{"id": "A", "layout": {"type": "SingleColumnLayout", "children": [{"type": "TextBody", "text": "${screen.", "markdown": true}, {"type": "TextBody", "text": "[x](http://"}]}}]}"#,
        ] {
            let _ = all(text);
        }
    }

    #[test]
    fn huge_flows_are_checked_in_linear_time() {
        let screens: Vec<String> = (0..5000)
            .map(|i| {
                format!(
                    r#"{{"id": "S{i}", "layout": {{"type": "SingleColumnLayout", "children": [
                        {{"type": "NavigationList", "name": "n", "list-items": []}},
                        {{"type": "NavigationList", "name": "m", "list-items": []}},
                        {{"type": "Footer", "label": "Go", "on-click-action": {{"name": "navigate", "next": {{"type": "screen", "name": "MISSING{i}"}}}}}}]}}}}"#
                )
            })
            .collect();
        let flow = format!(
            r#"{{"version": "7.3", "screens": [{}]}}"#,
            screens.join(",")
        );
        // Every screen's problems are found (the cost is measured by the benches, not here).
        let found = all(&flow);
        assert!(found.len() > 5000);
    }
}
