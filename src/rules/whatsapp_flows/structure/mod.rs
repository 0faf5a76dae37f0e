//! WA301 flow-json-structure: what Meta would refuse when the flow is uploaded. The flow as a
//! whole and its routing model here; each screen in [`screens`], each component and action in
//! [`components`]. What each version has is the catalogue's (`model::whatsapp_flow::catalogue`).

mod components;
mod screens;

use std::collections::{HashMap, HashSet};

use super::for_each_string;
use crate::catalogue::RuleId;
use crate::diagnostic::{At, Finding};
use crate::model::whatsapp_flow::catalogue::{catalogue, Version};
use crate::model::WhatsAppFlow;
use crate::rules::Context;
use crate::source::NodeId;

/// WA301 flow-json-structure.
pub fn flow_json_structure(flow: &WhatsAppFlow, ctx: &Context, out: &mut Vec<Finding>) {
    let Some(catalogue) = catalogue() else { return };
    if let Some(version) = &flow.version {
        if Version::parse(&version.value).is_none() {
            out.push(
                Finding::new(
                    RuleId::WA301,
                    At::Node(version.node),
                    format!(
                        "Flow JSON version `{}` is not a version; Meta expects a \"major.minor\" string such as \"{}\"",
                        version.value,
                        catalogue.latest()
                    ),
                )
                .help(format!("set `\"version\": \"{}\"`", catalogue.latest())),
            );
        }
    }
    if let Some(screens) = flow.screens_node {
        if ctx.tree.items(screens).is_empty() {
            out.push(
                Finding::new(RuleId::WA301, At::Node(screens), "the flow has no screens")
                    .help("add at least one screen with an `id` and a `layout`"),
            );
        }
    }
    if let Some(uri) = &flow.data_channel_uri {
        if flow.checked_version >= Version(3, 0) {
            out.push(
                Finding::new(
                    RuleId::WA301,
                    At::Key(uri.node),
                    format!(
                        "`data_channel_uri` is only valid below Flow JSON 3.0; this flow is version {}",
                        flow.version_text()
                    ),
                )
                .help("remove it and set the endpoint as `endpoint_uri` through the Flows API"),
            );
        }
    }
    if flow.data_api_version.is_none() {
        if let Some(action) = flow.data_exchange() {
            let at = action
                .name
                .as_ref()
                .map_or(At::Key(action.node), |n| At::Node(n.node));
            out.push(
                Finding::new(
                    RuleId::WA301,
                    at,
                    "`data_exchange` needs an endpoint, but the flow declares no `data_api_version`",
                )
                .help("add `\"data_api_version\": \"4.0\"` and a `routing_model`, or use `navigate`/`complete` in a flow without an endpoint"),
            );
        }
    }
    routing_structure(flow, out);
    let mut seen: HashMap<&str, NodeId> = HashMap::new();
    for screen in &flow.screens {
        screens::screen_structure(flow, ctx, catalogue, screen, out);
        if let Some(id) = &screen.id {
            if let Some(&first) = seen.get(id.value.as_str()) {
                out.push(
                    Finding::new(
                        RuleId::WA301,
                        At::Node(id.node),
                        format!("screen id `{}` is used twice", id.value),
                    )
                    .help("give every screen its own id")
                    .related(ctx.file, At::Node(first), "first used here"),
                );
            } else {
                seen.insert(&id.value, id.node);
            }
        }
    }
    if flow.checked_version < Version(4, 0) {
        // Global references `${screen.X.form.y}` arrived with 4.0.
        for_each_string(ctx.tree, flow.node, &mut |node, value| {
            if let Some(start) = value.find("${screen.") {
                out.push(
                    Finding::new(
                        RuleId::WA301,
                        At::InString(node, start, start + "${screen.".len()),
                        format!(
                            "global references (`${{screen...}}`) need Flow JSON 4.0 or later; this flow is version {}",
                            flow.version_text()
                        ),
                    )
                    .help("raise `version`, or pass the value on in the `navigate` payload"),
                );
            }
        });
    }
}

fn routing_structure(flow: &WhatsAppFlow, out: &mut Vec<Finding>) {
    let Some(model) = &flow.routing_model else {
        return;
    };
    let mut edges: HashSet<(&str, &str)> = HashSet::new();
    let mut inbound: HashSet<&str> = HashSet::new();
    for route in &model.routes {
        for target in &route.to {
            if target.value == route.from {
                out.push(
                    Finding::new(
                        RuleId::WA301,
                        At::Node(target.node),
                        format!("routing_model routes screen `{}` to itself", route.from),
                    )
                    .help("remove the screen from its own list"),
                );
                continue;
            }
            edges.insert((route.from.as_str(), target.value.as_str()));
            inbound.insert(target.value.as_str());
        }
    }
    for route in &model.routes {
        for target in &route.to {
            let (a, b) = (route.from.as_str(), target.value.as_str());
            // Report each pair once, at the edge written second.
            if a < b || !edges.contains(&(b, a)) {
                continue;
            }
            out.push(
                Finding::new(
                    RuleId::WA301,
                    At::Node(target.node),
                    format!(
                        "routing_model lists both `{b}` → `{a}` and `{a}` → `{b}`; list forward routes only, going back is implied"
                    ),
                )
                .help(format!("remove `{b}` from the list of `{a}`")),
            );
        }
    }
    let has_entry = model.routes.is_empty()
        || model
            .routes
            .iter()
            .any(|r| !inbound.contains(r.from.as_str()));
    if !has_entry {
        out.push(
            Finding::new(
                RuleId::WA301,
                At::Key(model.node),
                "routing_model has no entry screen: every screen in it has a route leading to it",
            )
            .help("the first screen must not be the target of any route; remove the routes back to it"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::check_text;
    use crate::rules::whatsapp_flows::tests::{all, one_screen, COMPLETE};
    use crate::source::Format;

    /// A misspelt key is one schema problem (WA002), read as the key it was meant to be: no
    /// rule reports the property missing, and the rules check it under its meant name.
    #[test]
    fn a_misspelt_property_is_reported_once_and_checked_as_meant() {
        let text = r#"{"version": "7.3", "screens": [{"id": "MAIN", "title": "Main", "terminal": true,
            "layout": {"type": "SingleColumnLayout", "chidlren": [
              {"type": "TextInput", "name": "order", "lable": "The number of your last order", "patern": "[0-9]+"},
              {"type": "Dropdown", "name": "d", "label": "Pick", "data-sorce": [{"id": "1", "title": "One"}]},
              {"type": "EmbeddedLink", "txt": "", "on-click-acton": {"name": "navigate", "next": {"type": "screen", "name": "MAIN"}}},
              {"type": "Footer", "label": "Done", "on-click-action": {"name": "complete", "payload": {}}}]}}]}"#;
        let (problems, _) = check_text(text, Format::Json, &[]);
        let misspelt: Vec<&str> = problems
            .iter()
            .map(|p| p.message.split('`').nth(3).unwrap_or(""))
            .collect();
        assert_eq!(
            misspelt,
            [
                "chidlren",
                "lable",
                "patern",
                "data-sorce",
                "txt",
                "on-click-acton"
            ],
            "{problems:?}"
        );
        let found = all(text);
        assert_eq!(
            found,
            [
                "WA301  a `TextInput` with a `pattern` needs a `helper-text` telling the user the expected format",
                "WA303  `TextInput` label has 29 characters; Meta allows at most 20",
                "WA303  `EmbeddedLink` text is empty; Meta rejects blank text",
            ]
        );
    }

    #[test]
    fn versions_beyond_the_catalogue_use_the_newest_and_garbage_is_reported() {
        let chips = format!(
            r#"{{"type": "ChipsSelector", "name": "c", "label": "Pick", "data-source": [{{"id": "a", "title": "A"}}, {{"id": "b", "title": "B"}}]}}, {COMPLETE}"#
        );
        assert!(all(&one_screen("8.0", &chips)).is_empty());
        let found = all(&one_screen("seven", &chips));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("`seven` is not a version"), "{found:?}");
        let found = all(&one_screen("6.2", &chips));
        assert!(found[0].contains("needs Flow JSON 6.3"), "{found:?}");
    }
}
