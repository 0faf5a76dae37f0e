//! Navigation between screens: WA304 unknown-screen (a `navigate`, a routing_model route or a
//! `${screen.<ID>...}` reference naming no screen) and WA305 unreachable-screen (a screen no
//! navigation leads to), the latter with the shared graph searches.

use std::collections::{HashMap, HashSet};

use super::for_each_string;
use crate::catalogue::RuleId;
use crate::diagnostic::{At, Finding};
use crate::model::whatsapp_flow::{is_dynamic, Screen};
use crate::model::WhatsAppFlow;
use crate::rules::graph::{self, Successors};
use crate::rules::Context;
use crate::source::NodeId;
use crate::suggest::did_you_mean;

/// " did you mean ...?" among the screen ids; skipped for huge flows, where comparing every
/// unknown name with every id would cost too much.
fn suggest_screen(name: &str, ids: &[&str]) -> String {
    if ids.len() > 200 {
        return String::new();
    }
    did_you_mean(name, ids.iter().copied())
}

/// WA304 unknown-screen.
pub fn unknown_screen(flow: &WhatsAppFlow, ctx: &Context, out: &mut Vec<Finding>) {
    let ids = flow.screen_ids();
    let known: HashSet<&str> = ids.iter().copied().collect();
    let exists = |name: &str| known.contains(name);
    let listing = || {
        let shown: Vec<String> = ids.iter().take(8).map(|i| format!("`{i}`")).collect();
        if shown.is_empty() {
            "the flow has no screens".to_string()
        } else {
            format!(
                "screens are {}{}",
                shown.join(", "),
                if ids.len() > 8 { ", ..." } else { "" }
            )
        }
    };
    let unknown = |name: &str, node: NodeId, what: String| {
        Finding::new(
            RuleId::WA304,
            At::Node(node),
            format!(
                "{what} screen `{name}`, which does not exist{}",
                suggest_screen(name, &ids)
            ),
        )
        .help(format!("name an existing screen ({})", listing()))
    };
    for screen in &flow.screens {
        for component in screen.components() {
            for action in component.all_actions() {
                let Some(target) = action.next.as_ref().and_then(|n| n.screen()) else {
                    continue;
                };
                if !exists(&target.value) && !is_dynamic(&target.value) {
                    out.push(unknown(
                        &target.value,
                        target.node,
                        format!("`navigate` in `{}` goes to", component.kind()),
                    ));
                }
            }
        }
    }
    if let Some(model) = &flow.routing_model {
        for route in &model.routes {
            if !exists(&route.from) {
                out.push(
                    Finding::new(
                        RuleId::WA304,
                        At::Key(route.node),
                        format!(
                            "routing_model has routes from screen `{}`, which does not exist{}",
                            route.from,
                            suggest_screen(&route.from, &ids)
                        ),
                    )
                    .help(format!("name an existing screen ({})", listing())),
                );
            }
            for target in &route.to {
                if !exists(&target.value) {
                    out.push(unknown(
                        &target.value,
                        target.node,
                        format!("routing_model routes `{}` to", route.from),
                    ));
                }
            }
        }
    }
    for_each_string(ctx.tree, flow.node, &mut |node, value| {
        let mut from = 0;
        while let Some(found) = value.get(from..).and_then(|rest| rest.find("${screen.")) {
            let start = from + found + "${screen.".len();
            let rest = value.get(start..).unwrap_or("");
            let length = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            let name = &rest[..length];
            if !name.is_empty() && !exists(name) {
                out.push(
                    Finding::new(
                        RuleId::WA304,
                        At::InString(node, start, start + length),
                        format!(
                            "`${{screen.{name}...}}` refers to screen `{name}`, which does not exist{}",
                            suggest_screen(name, &ids)
                        ),
                    )
                    .help(format!("name an existing screen ({})", listing())),
                );
            }
            from = start + length;
        }
    });
}

/// WA305 unreachable-screen.
pub fn unreachable_screen(flow: &WhatsAppFlow, _ctx: &Context, out: &mut Vec<Finding>) {
    // Without a routing model, an endpoint may open any screen: nothing to say.
    if flow.routing_model.is_none() && flow.data_exchange().is_some() {
        return;
    }
    let screens = Screens::new(flow);
    let reached = graph::reachable(&screens, &screens.entries);
    let first = flow.screens.first().and_then(Screen::id).unwrap_or("?");
    for (i, screen) in flow.screens.iter().enumerate() {
        let Some(id) = screen.id.as_ref().filter(|_| !reached.reached(i)) else {
            continue;
        };
        out.push(
            Finding::new(
                RuleId::WA305,
                At::Node(id.node),
                format!(
                    "screen `{}` is never reached: no `navigate` action or routing_model route leads to it from `{first}`",
                    id.value
                ),
            )
            .help("add a `navigate` action or a routing_model route to it, or remove the screen"),
        );
    }
}

/// The screens of a flow by index, with an edge for each `navigate` action and routing_model
/// route between them.
struct Screens {
    next: Vec<Vec<usize>>,
    /// The first screen, and the routing model's entries (screens no route leads to).
    entries: Vec<usize>,
}

impl Screens {
    fn new(flow: &WhatsAppFlow) -> Screens {
        // A duplicated id names its first screen (WA301 reports the second).
        let mut index: HashMap<&str, usize> = HashMap::new();
        for (i, screen) in flow.screens.iter().enumerate() {
            if let Some(id) = screen.id() {
                index.entry(id).or_insert(i);
            }
        }
        let mut next: Vec<Vec<usize>> = vec![Vec::new(); flow.screens.len()];
        for (i, screen) in flow.screens.iter().enumerate() {
            for component in screen.components() {
                for action in component.all_actions() {
                    if let Some(&target) = action
                        .next
                        .as_ref()
                        .and_then(|n| n.screen())
                        .and_then(|t| index.get(t.value.as_str()))
                    {
                        next[i].push(target);
                    }
                }
            }
        }
        let mut entries = vec![0];
        if let Some(model) = &flow.routing_model {
            let mut inbound = HashSet::new();
            for route in &model.routes {
                let Some(&from) = index.get(route.from.as_str()) else {
                    continue;
                };
                for target in &route.to {
                    if let Some(&to) = index.get(target.value.as_str()) {
                        if to != from {
                            next[from].push(to);
                            inbound.insert(to);
                        }
                    }
                }
            }
            entries.extend(
                model
                    .routes
                    .iter()
                    .filter_map(|r| index.get(r.from.as_str()).copied())
                    .filter(|i| !inbound.contains(i)),
            );
        }
        Screens { next, entries }
    }
}

impl Successors for Screens {
    fn len(&self) -> usize {
        self.next.len()
    }

    fn successors(&self, screen: usize) -> impl Iterator<Item = usize> + '_ {
        self.next.get(screen).into_iter().flatten().copied()
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::whatsapp_flows::tests::{all, COMPLETE};

    #[test]
    fn reachability_follows_navigation_and_routes_and_gives_up_on_endpoints() {
        let screen = |id: &str, terminal: bool, footer: &str| {
            format!(
                r#"{{"id": "{id}", "terminal": {terminal}, "layout": {{"type": "SingleColumnLayout", "children": [{footer}]}}}}"#
            )
        };
        let exchange = r#"{"type": "Footer", "label": "Go", "on-click-action": {"name": "data_exchange", "payload": {}}}"#;
        // An endpoint with no routing model may open any screen.
        let flow = format!(
            r#"{{"version": "7.3", "data_api_version": "4.0", "screens": [{}, {}]}}"#,
            screen("ONE", false, exchange),
            screen("TWO", true, COMPLETE)
        );
        assert!(all(&flow).is_empty(), "{:?}", all(&flow));
        // With one, its routes are the edges.
        let flow = format!(
            r#"{{"version": "7.3", "data_api_version": "4.0", "routing_model": {{"ONE": ["TWO"], "TWO": []}},
                "screens": [{}, {}, {}]}}"#,
            screen("ONE", false, exchange),
            screen("TWO", true, COMPLETE),
            screen("THREE", true, COMPLETE)
        );
        let found = all(&flow);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("WA305  screen `THREE` is never reached"));
    }
}
