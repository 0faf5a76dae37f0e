//! WA301 on one component (and what it contains): its type and required properties for the
//! flow's version, where it may sit, its bindings and its actions.

use crate::catalogue::RuleId;
use crate::diagnostic::{At, Finding};
use crate::model::whatsapp_flow::catalogue::{FlowCatalogue, Version};
use crate::model::whatsapp_flow::{is_dynamic, Action, Component, Options, Property};
use crate::model::WhatsAppFlow;
use crate::rules::Context;
use crate::source::{Tree, Value};
use crate::suggest::did_you_mean;

/// Where a component sits.
#[derive(Clone, Copy)]
pub(super) struct Place {
    in_form: bool,
    /// How many `If`s contain it.
    if_depth: usize,
    /// Inside an `If` branch or a `Switch` case.
    in_branch: bool,
}

impl Place {
    /// Directly in a screen's layout.
    pub(super) const TOP: Place = Place {
        in_form: false,
        if_depth: 0,
        in_branch: false,
    };
}

pub(super) fn component_structure(
    flow: &WhatsAppFlow,
    ctx: &Context,
    catalogue: &FlowCatalogue,
    component: &Component,
    place: Place,
    out: &mut Vec<Finding>,
) {
    let tree = ctx.tree;
    let version = flow.checked_version;
    let Some(kind) = &component.kind else {
        if tree.get(component.node, "type").is_none() {
            out.push(
                Finding::new(
                    RuleId::WA301,
                    At::Key(component.node),
                    "component has no `type`",
                )
                .help("name the component, e.g. `\"type\": \"TextBody\"`"),
            );
        }
        return;
    };
    let name = kind.value.as_str();
    let type_at = At::Node(kind.node);
    match catalogue.component(name) {
        None => {
            let known = catalogue.components.iter().map(|(n, _)| n.as_str());
            out.push(
                Finding::new(
                    RuleId::WA301,
                    type_at,
                    format!("unknown component type `{name}`{}", did_you_mean(name, known)),
                )
                .help("use one of Meta's Flow JSON components (TextHeading, TextBody, TextInput, RadioButtonsGroup, Dropdown, Footer, ...); types are case-sensitive"),
            );
        }
        Some(spec) => {
            if let Some(since) = spec.since.filter(|&since| version < since) {
                out.push(
                    Finding::new(
                        RuleId::WA301,
                        type_at,
                        format!(
                            "`{name}` needs Flow JSON {since} or later; this flow is version {}",
                            flow.version_text()
                        ),
                    )
                    .help(format!(
                        "raise `version` to {since} or later, or use another component"
                    )),
                );
            }
            for property in &spec.required {
                if component.get(property).is_none() {
                    out.push(
                        Finding::new(
                            RuleId::WA301,
                            type_at,
                            format!("`{name}` is missing the required property `{property}`"),
                        )
                        .help(format!("add `{property}` to the `{name}`")),
                    );
                }
            }
            for (property, since) in &spec.required_from {
                if version >= *since && component.get(property).is_none() {
                    out.push(
                        Finding::new(
                            RuleId::WA301,
                            type_at,
                            format!(
                                "`{name}` is missing `{property}`, required from Flow JSON {since} (this flow is version {})",
                                flow.version_text()
                            ),
                        )
                        .help(format!("add `{property}` to the `{name}`")),
                    );
                }
            }
            for (property, since) in &spec.since_property {
                if version < *since {
                    if let Some(node) = component.get(property) {
                        out.push(
                            Finding::new(
                                RuleId::WA301,
                                At::Key(node),
                                format!(
                                    "`{property}` on `{name}` needs Flow JSON {since} or later; this flow is version {}",
                                    flow.version_text()
                                ),
                            )
                            .help(format!("raise `version` to {since}, or remove `{property}`")),
                        );
                    }
                }
            }
            if let Some(before) = spec.form_before {
                if version < before && !place.in_form {
                    out.push(
                        Finding::new(
                            RuleId::WA301,
                            type_at,
                            format!(
                                "before Flow JSON {before}, `{name}` must sit inside a `Form`; this flow is version {}",
                                flow.version_text()
                            ),
                        )
                        .help(format!("wrap the inputs in a `Form`, or raise `version` to {before}")),
                    );
                }
            }
            for (property, allowed) in &spec.enums {
                let Some(value) = component.property(property) else {
                    continue;
                };
                if is_dynamic(&value.value) || allowed.iter().any(|a| a == &value.value) {
                    continue;
                }
                out.push(Finding::new(
                    RuleId::WA301,
                    At::Node(value.node),
                    format!(
                        "`{property}` of `{name}` is `{}`; Meta accepts {}{}",
                        value.value,
                        allowed.join(", "),
                        did_you_mean(&value.value, allowed.iter().map(String::as_str))
                    ),
                ));
            }
        }
    }
    for property in component.properties.iter().filter(|p| p.key != "condition") {
        binding_structure(flow, name, property, out);
    }
    if component.is("TextInput") {
        if let Some(pattern) = component.get("pattern") {
            if component.get("helper-text").is_none() {
                out.push(
                    Finding::new(
                        RuleId::WA301,
                        At::Key(pattern),
                        "a `TextInput` with a `pattern` needs a `helper-text` telling the user the expected format",
                    )
                    .help("add `\"helper-text\"`, e.g. \"E.g. 1993-08-04\""),
                );
            }
        }
    }
    if component.is("Footer") {
        let has = |key: &str| component.get(key).is_some();
        if has("center-caption") && (has("left-caption") || has("right-caption")) {
            out.push(
                Finding::new(
                    RuleId::WA301,
                    type_at,
                    "a `Footer` takes `left-caption` with `right-caption`, or `center-caption` alone, not both kinds",
                )
                .help("remove `center-caption` or the left/right captions"),
            );
        }
        if place.if_depth > 1 {
            out.push(
                Finding::new(
                    RuleId::WA301,
                    type_at,
                    "a `Footer` inside an `If` must be in a top-level `If`, not in a nested one",
                )
                .help("move the `Footer` up into the outermost `If`, in both `then` and `else`"),
            );
        }
    }
    if component.is("ChipsSelector") && place.in_branch && version < Version(7, 1) {
        out.push(Finding::new(
            RuleId::WA301,
            type_at,
            format!(
                "`ChipsSelector` inside `If` or `Switch` needs Flow JSON 7.1 or later; this flow is version {}",
                flow.version_text()
            ),
        ));
    }
    for action in &component.actions {
        action_structure(flow, ctx, catalogue, name, action, out);
    }
    if let Some(Options::Static { items, .. }) = &component.options {
        for item in items {
            for action in &item.actions {
                action_structure(flow, ctx, catalogue, name, action, out);
            }
        }
    }
    match name {
        "If" => if_structure(tree, component, place, out),
        "Switch" => {
            let cases = component.get("cases");
            if let Some(cases) = cases
                .filter(|&c| tree.entries(c).is_empty() && matches!(tree.value(c), Value::Map(_)))
            {
                out.push(
                    Finding::new(RuleId::WA301, At::Node(cases), "`Switch` has no `cases`")
                        .help("add at least one case: `\"cases\": {\"value\": [components]}`"),
                );
            }
        }
        _ => {}
    }
    let inner = Place {
        in_form: place.in_form || name == "Form",
        if_depth: place.if_depth + usize::from(name == "If"),
        in_branch: place.in_branch || name == "If" || name == "Switch",
    };
    for child in &component.children {
        component_structure(flow, ctx, catalogue, child, inner, out);
    }
    for branch in &component.branches {
        for child in &branch.children {
            component_structure(flow, ctx, catalogue, child, inner, out);
        }
    }
}

/// `${data.x}` bindings: a property is either static text, one whole binding, or (from 6.0)
/// a backtick expression; static text around a binding is a compile error.
fn binding_structure(
    flow: &WhatsAppFlow,
    component: &str,
    property: &Property,
    out: &mut Vec<Finding>,
) {
    let value = property.value.value.trim();
    if value.starts_with('`') {
        if flow.checked_version < Version(6, 0) {
            out.push(
                Finding::new(
                    RuleId::WA301,
                    At::Node(property.value.node),
                    format!(
                        "`{}` of `{component}` is a nested expression (backticks), which needs Flow JSON 6.0 or later; this flow is version {}",
                        property.key,
                        flow.version_text()
                    ),
                )
                .help("raise `version` to 6.0, or compute the value in the endpoint or the payload"),
            );
        }
        return;
    }
    let Some(start) = value.find("${") else {
        return;
    };
    let whole = value.starts_with("${")
        && value.ends_with('}')
        && value.matches("${").count() == 1
        && value.matches('}').count() == 1;
    if whole {
        return;
    }
    let offset = property.value.value.find("${").unwrap_or(start);
    let end = property.value.value[offset..]
        .find('}')
        .map_or(property.value.value.len(), |e| offset + e + 1);
    out.push(
        Finding::new(
            RuleId::WA301,
            At::InString(property.value.node, offset, end),
            format!(
                "`{}` of `{component}` mixes static text with a dynamic binding; Meta refuses that at compile time",
                property.key
            ),
        )
        .help(if flow.checked_version >= Version(6, 0) {
            "wrap the whole value in backticks, e.g. \"`'Hello ' ${data.name}`\", or bind one whole `${data...}` value"
        } else {
            "bind one whole `${data...}` value and build the text in the endpoint or the payload (backtick expressions need 6.0)"
        }),
    );
}

fn if_structure(tree: &Tree, component: &Component, place: Place, out: &mut Vec<Finding>) {
    let branch = |label: &str| component.branches.iter().find(|b| b.label == label);
    let then = branch("then");
    if let Some(then) = then {
        if tree.items(then.node).is_empty() && matches!(tree.value(then.node), Value::Seq(_)) {
            out.push(
                Finding::new(
                    RuleId::WA301,
                    At::Node(then.node),
                    "`then` of an `If` must not be empty",
                )
                .help("put the components to show under `then`, or remove the `If`"),
            );
        }
    }
    let has_footer = |label: &str| {
        branch(label).is_some_and(|b| {
            let mut all = Vec::new();
            for c in &b.children {
                c.walk(&mut all);
            }
            all.iter().any(|c| c.is("Footer"))
        })
    };
    let (in_then, in_else) = (has_footer("then"), has_footer("else"));
    if in_then != in_else && place.if_depth == 0 {
        let missing = if in_then { "else" } else { "then" };
        let at = component
            .kind
            .as_ref()
            .map_or(At::Key(component.node), |k| At::Node(k.node));
        out.push(
            Finding::new(
                RuleId::WA301,
                at,
                format!("`If` has a `Footer` in one branch only: `{missing}` has none (Meta: \"Missing Footer inside one of the if branches\")"),
            )
            .help("give both `then` and `else` a `Footer`, or move the `Footer` out of the `If`"),
        );
    }
}

fn action_structure(
    flow: &WhatsAppFlow,
    ctx: &Context,
    catalogue: &FlowCatalogue,
    component: &str,
    action: &Action,
    out: &mut Vec<Finding>,
) {
    let Some(name) = &action.name else {
        if ctx.tree.get(action.node, "name").is_none() {
            out.push(
                Finding::new(
                    RuleId::WA301,
                    At::Key(action.node),
                    format!("`{}` of `{component}` has no `name`", action.key),
                )
                .help(
                    "name the action: navigate, complete, data_exchange, update_data or open_url",
                ),
            );
        }
        return;
    };
    let known = catalogue.actions.iter().map(|(n, _)| n.as_str());
    match catalogue.action(&name.value) {
        None => out.push(Finding::new(
            RuleId::WA301,
            At::Node(name.node),
            format!(
                "unknown action `{}`; Flow JSON actions are navigate, complete, data_exchange, update_data and open_url{}",
                name.value,
                did_you_mean(&name.value, known)
            ),
        )),
        Some(since) if flow.checked_version < since => out.push(
            Finding::new(
                RuleId::WA301,
                At::Node(name.node),
                format!(
                    "action `{}` needs Flow JSON {since} or later; this flow is version {}",
                    name.value,
                    flow.version_text()
                ),
            )
            .help(format!("raise `version` to {since}")),
        ),
        Some(_) => {}
    }
    match name.value.as_str() {
        "navigate" => {
            let named = action.next.as_ref().is_some_and(|n| n.name.is_some());
            if !named {
                out.push(
                    Finding::new(
                        RuleId::WA301,
                        At::Node(name.node),
                        "`navigate` has no `next` screen",
                    )
                    .help("add `\"next\": {\"type\": \"screen\", \"name\": \"<SCREEN_ID>\"}`"),
                );
            }
        }
        "open_url" if action.url.is_none() => out.push(
            Finding::new(
                RuleId::WA301,
                At::Node(name.node),
                "`open_url` has no `url`",
            )
            .help("add the `url` to open"),
        ),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::whatsapp_flows::tests::{all, one_screen, COMPLETE};

    #[test]
    fn a_footer_in_both_branches_of_an_if_is_one_footer() {
        let both = format!(
            r#"{{"type": "If", "condition": "${{data.a}}", "then": [{COMPLETE}], "else": [{COMPLETE}]}}"#
        );
        assert!(all(&one_screen("7.3", &both)).is_empty());
        let one = format!(
            r#"{{"type": "If", "condition": "${{data.a}}", "then": [{COMPLETE}], "else": [{{"type": "TextBody", "text": "x"}}]}}"#
        );
        let found = all(&one_screen("7.3", &one));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("`else` has none"), "{found:?}");
        let twice = format!("{COMPLETE}, {both}");
        let found = all(&one_screen("7.3", &twice));
        assert!(
            found
                .iter()
                .any(|f| f.contains("has 2 `Footer` components")),
            "{found:?}"
        );
    }

    #[test]
    fn bound_values_are_not_measured_or_counted() {
        let children = format!(
            r#"{{"type": "TextHeading", "text": "${{data.very_long_heading_that_is_bound_at_run_time_and_cannot_be_measured_here}}"}},
               {{"type": "Dropdown", "name": "d", "label": "Pick", "data-source": "${{data.items}}"}},
               {{"type": "TextBody", "text": "`'Hello ' ${{data.name}}`"}}, {COMPLETE}"#
        );
        assert!(all(&one_screen("7.3", &children)).is_empty());
        // Backtick expressions arrived with 6.0.
        let found = all(&one_screen("5.1", &children));
        assert!(
            found.iter().any(|f| f.contains("needs Flow JSON 6.0")),
            "{found:?}"
        );
    }
}
