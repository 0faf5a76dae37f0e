//! WA303 flow-json-component-limits: how many components a screen and a flow may hold, how
//! long their texts may be, how many options a list may offer, how deep `If`s nest and how
//! many branches the routing model has. The per-component numbers are the catalogue's.

use std::collections::HashMap;

use crate::catalogue::RuleId;
use crate::diagnostic::{At, Finding, Severity};
use crate::model::reader::AtNode;
use crate::model::whatsapp_flow::catalogue::{catalogue, FlowCatalogue, Limit};
use crate::model::whatsapp_flow::{is_dynamic, Component, Options};
use crate::model::WhatsAppFlow;
use crate::rules::Context;
use crate::source::{Tree, Value};

/// [D] at most 50 components on one screen ([flow-comp]).
const MAX_COMPONENTS_PER_SCREEN: usize = 50;
/// [D] `If` nests at most 3 levels deep ([flow-comp]).
const MAX_IF_NESTING: usize = 3;
/// [D] the routing model holds at most 10 branches ([flow-json]); checked per screen as an
/// error and, as Meta's wording also reads as a cap on the whole model, in total as a warning.
const MAX_ROUTING_BRANCHES: usize = 10;

/// How many components of `list` match `pred`, counting `Form` contents and, for `If` and
/// `Switch`, only the branch with most (only one branch shows at a time).
fn count(list: &[Component], pred: &dyn Fn(&Component) -> bool) -> usize {
    list.iter()
        .map(|c| {
            usize::from(pred(c))
                + count(&c.children, pred)
                + c.branches
                    .iter()
                    .map(|b| count(&b.children, pred))
                    .max()
                    .unwrap_or(0)
        })
        .sum()
}

fn char_count(text: &str) -> usize {
    text.chars().count()
}

/// WA303 flow-json-component-limits.
pub fn flow_json_component_limits(flow: &WhatsAppFlow, ctx: &Context, out: &mut Vec<Finding>) {
    let Some(catalogue) = catalogue() else { return };
    let mut per_flow: HashMap<&str, Vec<&Component>> = HashMap::new();
    for screen in &flow.screens {
        let Some(layout) = &screen.layout else {
            continue;
        };
        let name = screen.id().unwrap_or("?");
        let total = count(&layout.children, &|c| {
            !matches!(c.kind(), "Form" | "If" | "Switch")
        });
        if total > MAX_COMPONENTS_PER_SCREEN {
            let at = ctx
                .tree
                .get(layout.node, "children")
                .map_or(At::Key(layout.node), At::Key);
            out.push(
                Finding::new(
                    RuleId::WA303,
                    at,
                    format!("screen `{name}` has {total} components; Meta allows at most {MAX_COMPONENTS_PER_SCREEN} per screen"),
                )
                .help("split the screen in two"),
            );
        }
        let components = screen.components();
        for (kind, spec) in &catalogue.components {
            let Some(max) = spec.per_screen else { continue };
            let found = count(&layout.children, &|c| c.is(kind));
            if found > max {
                let Some(last) = components.iter().rev().find(|c| c.is(kind)) else {
                    continue;
                };
                let at = last
                    .kind
                    .as_ref()
                    .map_or(At::Key(last.node), |k| At::Node(k.node));
                out.push(
                    Finding::new(
                        RuleId::WA303,
                        at,
                        format!(
                            "screen `{name}` has {found} `{kind}` components; Meta allows at most {max} per screen"
                        ),
                    )
                    .help(if max == 1 {
                        format!("keep one `{kind}` on the screen")
                    } else {
                        format!("keep at most {max} and move the others to another screen")
                    }),
                );
            }
        }
        for component in &components {
            per_flow
                .entry(component.kind())
                .or_default()
                .push(component);
            property_limits(ctx.tree, catalogue, component, out);
        }
        if_nesting(&layout.children, 0, out);
    }
    for (kind, spec) in &catalogue.components {
        let Some(max) = spec.per_flow else { continue };
        let Some(found) = per_flow.get(kind.as_str()) else {
            continue;
        };
        if found.len() > max {
            if let Some(last) = found.last() {
                let at = last
                    .kind
                    .as_ref()
                    .map_or(At::Key(last.node), |k| At::Node(k.node));
                out.push(
                    Finding::new(
                        RuleId::WA303,
                        at,
                        format!("the flow has {} `{kind}` components; Meta allows at most {max} per flow", found.len()),
                    )
                    .help(format!("keep at most {max} `{kind}` components in the flow")),
                );
            }
        }
    }
    routing_branches(flow, out);
}

fn text_limit(what: String, value: &AtNode<String>, limit: Limit, out: &mut Vec<Finding>) {
    if is_dynamic(&value.value) {
        return;
    }
    let length = char_count(&value.value);
    let soft = limit
        .warn_above
        .filter(|&soft| length > soft && length <= limit.max);
    if length <= limit.max && soft.is_none() {
        return;
    }
    let message = match soft {
        Some(soft) => format!(
            "{what} has {length} characters; Meta's current reference allows at most {soft} (older versions and SDKs {})",
            limit.max
        ),
        None if limit.warn => format!(
            "{what} has {length} characters; WhatsApp SDKs allow at most {}",
            limit.max
        ),
        None => format!("{what} has {length} characters; Meta allows at most {}", limit.max),
    };
    let target = soft.unwrap_or(limit.max);
    let mut finding = Finding::new(RuleId::WA303, At::Node(value.node), message)
        .help(format!("shorten it to {target} characters or fewer"));
    if limit.warn || soft.is_some() {
        finding = finding.severity(Severity::Warning);
    }
    out.push(finding);
}

/// The limits of one component's own properties: text lengths, blank text, how many options.
fn property_limits(
    tree: &Tree,
    catalogue: &FlowCatalogue,
    component: &Component,
    out: &mut Vec<Finding>,
) {
    let name = component.kind();
    let Some(spec) = catalogue.component(name) else {
        return;
    };
    for property in component.properties.iter().filter(|p| !p.in_list) {
        if let Some((_, limit)) = spec.text.iter().find(|(key, _)| *key == property.key) {
            text_limit(
                format!("`{name}` {}", property.key),
                &property.value,
                *limit,
                out,
            );
        }
    }
    for key in &spec.min_text {
        let Some(node) = component.get(key) else {
            continue;
        };
        let blank = match tree.value(node) {
            Value::String(s) => s.trim().is_empty(),
            Value::Seq(items) => items.is_empty(),
            _ => false,
        };
        if blank {
            out.push(
                Finding::new(
                    RuleId::WA303,
                    At::Node(node),
                    format!("`{name}` {key} is empty; Meta rejects blank text"),
                )
                .help("write the text, or remove the component"),
            );
        }
    }
    let (
        Some(option_spec),
        Some(Options::Static {
            property,
            node,
            items,
        }),
    ) = (&spec.options, &component.options)
    else {
        return;
    };
    if *property != option_spec.property {
        return;
    }
    let with_images = items.iter().any(|i| i.has_image);
    let max = match option_spec.max_with_images {
        Some(cap) if with_images => cap,
        _ => option_spec.max,
    };
    let found = items.len();
    if found < option_spec.min || found > max {
        let bound = if found < option_spec.min {
            format!("at least {}", option_spec.min)
        } else if with_images && option_spec.max_with_images.is_some() {
            format!("at most {max} when an option has an image")
        } else {
            format!("at most {max}")
        };
        out.push(
            Finding::new(
                RuleId::WA303,
                At::Key(*node),
                format!(
                    "`{name}` has {found} {}; Meta allows {bound}",
                    plural(found, property)
                ),
            )
            .help(if found < option_spec.min {
                "add options, or use another component".to_string()
            } else {
                format!("keep {max} or fewer, or load them from the endpoint in steps")
            }),
        );
    }
    for item in items {
        for property in &item.properties {
            if let Some((_, limit)) = spec
                .option_text
                .iter()
                .find(|(key, _)| *key == property.key)
            {
                text_limit(
                    format!("`{name}` option {}", property.key),
                    &property.value,
                    *limit,
                    out,
                );
            }
        }
    }
}

fn plural(count: usize, property: &str) -> String {
    match (property, count) {
        ("data-source", 1) => "option".into(),
        ("data-source", _) => "options".into(),
        ("list-items", 1) => "list item".into(),
        ("list-items", _) => "list items".into(),
        ("images", 1) => "image".into(),
        ("images", _) => "images".into(),
        (other, _) => format!("`{other}` entries"),
    }
}

fn if_nesting(list: &[Component], depth: usize, out: &mut Vec<Finding>) {
    for component in list {
        let inner = depth + usize::from(component.is("If"));
        if component.is("If") && inner == MAX_IF_NESTING + 1 {
            let at = component
                .kind
                .as_ref()
                .map_or(At::Key(component.node), |k| At::Node(k.node));
            out.push(
                Finding::new(
                    RuleId::WA303,
                    at,
                    format!(
                        "`If` nested {inner} levels deep; Meta allows at most {MAX_IF_NESTING}"
                    ),
                )
                .help("flatten the conditions, e.g. with `&&` or a `Switch`"),
            );
        }
        if_nesting(&component.children, inner, out);
        for branch in &component.branches {
            if_nesting(&branch.children, inner, out);
        }
    }
}

fn routing_branches(flow: &WhatsAppFlow, out: &mut Vec<Finding>) {
    let Some(model) = &flow.routing_model else {
        return;
    };
    let mut total = 0;
    for route in &model.routes {
        total += route.to.len();
        if route.to.len() > MAX_ROUTING_BRANCHES {
            out.push(
                Finding::new(
                    RuleId::WA303,
                    At::Key(route.node),
                    format!(
                        "routing_model gives screen `{}` {} next screens; Meta allows at most {MAX_ROUTING_BRANCHES} branches",
                        route.from,
                        route.to.len()
                    ),
                )
                .help("split the choice over two screens"),
            );
        }
    }
    if total > MAX_ROUTING_BRANCHES
        && model
            .routes
            .iter()
            .all(|r| r.to.len() <= MAX_ROUTING_BRANCHES)
    {
        out.push(
            Finding::new(
                RuleId::WA303,
                At::Key(model.node),
                format!("routing_model has {total} branches in all; Meta's reference caps the routing model at {MAX_ROUTING_BRANCHES} branches"),
            )
            .severity(Severity::Warning)
            .help("check the flow in Meta's Flow Builder; if it is refused, split it into two flows"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::whatsapp_flows::tests::{all, one_screen, COMPLETE};

    #[test]
    fn dropdown_caps_depend_on_images() {
        let options = |n: usize, image: bool| {
            let items: Vec<String> = (0..n)
                .map(|i| {
                    let image = if image {
                        r#", "image": "iVBORw0K""#
                    } else {
                        ""
                    };
                    format!(r#"{{"id": "{i}", "title": "Option {i}"{image}}}"#)
                })
                .collect();
            format!(
                r#"{{"type": "Dropdown", "name": "d", "label": "Pick", "data-source": [{}]}}, {COMPLETE}"#,
                items.join(",")
            )
        };
        assert!(all(&one_screen("7.3", &options(150, false))).is_empty());
        let found = all(&one_screen("7.3", &options(101, true)));
        assert_eq!(
            found,
            ["WA303  `Dropdown` has 101 options; Meta allows at most 100 when an option has an image"]
        );
        let found = all(&one_screen("7.3", &options(201, false)));
        assert_eq!(
            found,
            ["WA303  `Dropdown` has 201 options; Meta allows at most 200"]
        );
    }

    #[test]
    fn routing_branches_per_screen_are_errors_and_in_total_a_warning() {
        let screens: Vec<String> = ["A", "B", "C", "D", "E", "F", "G", "H"]
            .iter()
            .map(|id| {
                format!(
                    r#"{{"id": "{id}", "terminal": true, "layout": {{"type": "SingleColumnLayout", "children": [{COMPLETE}]}}}}"#
                )
            })
            .collect();
        let flow = format!(
            r#"{{"version": "7.3", "routing_model": {{"A": ["B", "C", "D", "E", "F", "G"], "B": ["C", "D", "E", "F", "G", "H"]}},
                "screens": [{}]}}"#,
            screens.join(",")
        );
        let found = all(&flow);
        assert_eq!(
            found,
            ["WA303 warning routing_model has 12 branches in all; Meta's reference caps the routing model at 10 branches"]
        );
    }
}
