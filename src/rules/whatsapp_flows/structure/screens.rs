//! WA301 on one screen: its id, its `data` declaration, its layout, and what may share it.

use super::components::{component_structure, Place};
use crate::catalogue::RuleId;
use crate::diagnostic::{At, Finding, Severity};
use crate::model::whatsapp_flow::catalogue::{FlowCatalogue, Version};
use crate::model::whatsapp_flow::Screen;
use crate::model::WhatsAppFlow;
use crate::rules::Context;
use crate::source::Value;
use crate::suggest::did_you_mean;

/// The only layout Meta has.
const LAYOUT: &str = "SingleColumnLayout";
/// [D] `SUCCESS` is reserved ([flow-json]).
const RESERVED_SCREEN_ID: &str = "SUCCESS";
/// [D] the JSON types a `data` field may declare ([flow-json]); `integer` is JSON Schema's
/// and accepted too.
const DATA_TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "object", "array"];

pub(super) fn screen_structure(
    flow: &WhatsAppFlow,
    ctx: &Context,
    catalogue: &FlowCatalogue,
    screen: &Screen,
    out: &mut Vec<Finding>,
) {
    let tree = ctx.tree;
    match &screen.id {
        None => {
            if tree.get(screen.node, "id").is_none() {
                out.push(
                    Finding::new(RuleId::WA301, At::Key(screen.node), "screen has no `id`")
                        .help("give the screen an `id` of capital letters and underscores, e.g. `\"id\": \"WELCOME\"`"),
                );
            }
        }
        Some(id) if id.value == RESERVED_SCREEN_ID => out.push(
            Finding::new(
                RuleId::WA301,
                At::Node(id.node),
                "screen id `SUCCESS` is reserved by Meta and cannot name a screen",
            )
            .help("rename the screen, e.g. `CONFIRMATION`, and every reference to it"),
        ),
        Some(id) if id.value.trim().is_empty() => out.push(
            Finding::new(RuleId::WA301, At::Node(id.node), "screen id is empty")
                .help("give the screen an `id` of capital letters and underscores, e.g. `\"id\": \"WELCOME\"`"),
        ),
        Some(id) => {
            if let Some((at, ch)) = id
                .value
                .char_indices()
                .find(|(_, c)| !(c.is_ascii_alphabetic() || *c == '_'))
            {
                out.push(
                    Finding::new(
                        RuleId::WA301,
                        At::InString(id.node, at, at + ch.len_utf8()),
                        format!(
                            "screen id `{}` contains `{ch}`; Meta's Flow Builder accepts only letters and underscores in screen ids",
                            id.value
                        ),
                    )
                    .severity(Severity::Warning)
                    .help("use letters and underscores only, e.g. `STEP_TWO` instead of `STEP_2`"),
                );
            }
        }
    }
    let screen_name = screen.id().unwrap_or("?");
    for field in &screen.data {
        if !matches!(tree.value(field.node), Value::Map(_)) {
            out.push(
                Finding::new(
                    RuleId::WA301,
                    At::Node(field.node),
                    format!(
                        "data field `{}` of screen `{screen_name}` must declare its `type` and `__example__`",
                        field.name
                    ),
                )
                .help("write e.g. `\"name\": {\"type\": \"string\", \"__example__\": \"Maria\"}`"),
            );
            continue;
        }
        if let Some(kind) = &field.kind {
            if !DATA_TYPES.contains(&kind.value.as_str()) {
                out.push(Finding::new(
                    RuleId::WA301,
                    At::Node(kind.node),
                    format!(
                        "data field `{}` has type `{}`; Flow JSON types are string, number, boolean, object and array{}",
                        field.name,
                        kind.value,
                        did_you_mean(&kind.value, DATA_TYPES)
                    ),
                ));
            }
        } else if tree.get(field.node, "type").is_none() {
            out.push(
                Finding::new(
                    RuleId::WA301,
                    At::Key(field.node),
                    format!(
                        "data field `{}` of screen `{screen_name}` has no `type`",
                        field.name
                    ),
                )
                .help("declare the field's JSON type: string, number, boolean, object or array"),
            );
        }
        if !field.has_example {
            out.push(
                Finding::new(
                    RuleId::WA301,
                    At::Key(field.node),
                    format!(
                        "data field `{}` of screen `{screen_name}` has no `__example__`; Meta requires one for every field",
                        field.name
                    ),
                )
                .help("add a sample value, e.g. `\"__example__\": \"Maria\"`"),
            );
        }
    }
    let Some(layout) = &screen.layout else {
        if tree.get(screen.node, "layout").is_none() {
            let at = screen
                .id
                .as_ref()
                .map_or(At::Key(screen.node), |id| At::Node(id.node));
            out.push(
                Finding::new(
                    RuleId::WA301,
                    at,
                    format!("screen `{screen_name}` has no `layout`"),
                )
                .help("add `\"layout\": {\"type\": \"SingleColumnLayout\", \"children\": [...]}`"),
            );
        }
        return;
    };
    match &layout.kind {
        Some(kind) if kind.value != LAYOUT => out.push(Finding::new(
            RuleId::WA301,
            At::Node(kind.node),
            format!(
                "layout type `{}` does not exist; the only layout is `{LAYOUT}`",
                kind.value
            ),
        )),
        None if tree.get(layout.node, "type").is_none() => out.push(
            Finding::new(
                RuleId::WA301,
                At::Key(layout.node),
                format!("the layout of screen `{screen_name}` has no `type`"),
            )
            .help(format!("add `\"type\": \"{LAYOUT}\"`")),
        ),
        _ => {}
    }
    if layout.children_node.is_none() {
        out.push(
            Finding::new(
                RuleId::WA301,
                At::Key(layout.node),
                format!("the layout of screen `{screen_name}` has no `children`"),
            )
            .help("list the screen's components under `children`"),
        );
    }
    for component in &layout.children {
        component_structure(flow, ctx, catalogue, component, Place::TOP, out);
    }
    screen_composition(flow, screen, out);
}

/// Rules about what may share a screen: NavigationList, RichText.
fn screen_composition(flow: &WhatsAppFlow, screen: &Screen, out: &mut Vec<Finding>) {
    let all = screen.components();
    let footer_may_join = flow.checked_version >= Version(6, 3);
    // Counted once: a screen may hold many components.
    let besides_lists = all.iter().filter(|c| !c.is("NavigationList")).count();
    let besides_rich_text = all
        .iter()
        .filter(|c| !(c.is("RichText") || (footer_may_join && c.is("Footer"))))
        .count();
    for component in &all {
        let Some(kind) = &component.kind else {
            continue;
        };
        match kind.value.as_str() {
            "NavigationList" => {
                if screen.is_terminal() {
                    out.push(
                        Finding::new(
                            RuleId::WA301,
                            At::Node(kind.node),
                            format!(
                                "`NavigationList` cannot be on a terminal screen (`{}`)",
                                screen.id().unwrap_or("?")
                            ),
                        )
                        .help("move the list to a screen before the terminal one"),
                    );
                }
                if besides_lists > 0 {
                    out.push(
                        Finding::new(
                            RuleId::WA301,
                            At::Node(kind.node),
                            "`NavigationList` cannot share its screen with other components",
                        )
                        .help("put the other components on a screen of their own"),
                    );
                }
            }
            "RichText" if besides_rich_text > 0 => {
                let wording = if footer_may_join {
                    "except a `Footer`"
                } else {
                    "before Flow JSON 6.3, not even with a `Footer`"
                };
                out.push(
                    Finding::new(
                        RuleId::WA301,
                        At::Node(kind.node),
                        format!("`RichText` must be alone on its screen ({wording})"),
                    )
                    .help("put the other components on a screen of their own"),
                );
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::whatsapp_flows::tests::{all, one_screen, COMPLETE};

    #[test]
    fn rich_text_and_navigation_lists_keep_to_themselves() {
        let rich = format!(r#"{{"type": "RichText", "text": ["Terms"]}}, {COMPLETE}"#);
        assert!(all(&one_screen("6.3", &rich)).is_empty());
        let found = all(&one_screen("6.2", &rich));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("`RichText` must be alone"));
        let list = r#"{"type": "NavigationList", "name": "n", "list-items": [{"id": "a", "main-content": {"title": "A"}, "on-click-action": {"name": "complete", "payload": {}}}]}"#;
        let found = all(&one_screen("6.2", list));
        assert!(
            found
                .iter()
                .any(|f| f.contains("cannot be on a terminal screen")),
            "{found:?}"
        );
        let found = all(&one_screen("6.2", &format!("{list}, {COMPLETE}")));
        assert!(
            found.iter().any(|f| f.contains("cannot share its screen")),
            "{found:?}"
        );
    }
}
