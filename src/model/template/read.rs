//! Reading a template from the tree: every field with its node, every schema problem (WA002)
//! collected on the way.

use super::{
    Button, ButtonType, Card, Category, Component, ComponentType, Example, HeaderFormat,
    LimitedTimeOffer, NamedParam, SupportedApp, Template,
};
use crate::diagnostic::At;
use crate::model::reader::{AtNode, Keyword, Reader, Vocabulary};
use crate::model::LanguageCode;
use crate::source::{NodeId, Value};

const WHAT: &str = "template";

/// The keys of a template and of a component in Meta's payloads and API responses. Meta
/// adds fields, so another key is a warning, and an error only as a misspelling of one of
/// these (WA002).
const TEMPLATE_KEYS: &[&str] = &[
    "name",
    "language",
    "category",
    "status",
    "components",
    "parameter_format",
    "message_send_ttl_seconds",
    "id",
    "quality_score",
    "rejected_reason",
    "previous_category",
    "sub_category",
    "allow_category_change",
    "cta_url_link_tracking_opted_out",
    "library_template_name",
    "correct_category",
];
const COMPONENT_KEYS: &[&str] = &[
    "type",
    "format",
    "text",
    "example",
    "buttons",
    "add_security_recommendation",
    "code_expiration_minutes",
    "cards",
    "limited_time_offer",
];

pub fn read(r: &mut Reader, node: NodeId) -> Template {
    let what = match r.tree.get(node, "name").and_then(|n| r.tree.as_str(n)) {
        Some(name) => format!("template `{name}`"),
        None => WHAT.to_string(),
    };
    r.unknown_keys(node, TEMPLATE_KEYS, &what, Vocabulary::Meta);
    let name = r.required_string(node, "name", WHAT);
    let language = r
        .required_string(node, "language", WHAT)
        .map(|l| l.map(LanguageCode::new));
    let category = r.required_keyword::<Category>(node, "category", WHAT);
    if let Some(category) = &category {
        if category.value == Category::Legacy {
            retired_category(r, category.node);
        }
    }
    let previous_category = r.keyword(node, "previous_category");
    let status = r.keyword(node, "status");
    let parameter_format = r.keyword(node, "parameter_format");
    let message_send_ttl_seconds = r.integer(node, "message_send_ttl_seconds");
    let id = r.string(node, "id");
    let quality_score = match r.field(node, "quality_score") {
        Some(q) if r.is_map(q) => r.string(q, "score"),
        Some(_) => r.string(node, "quality_score"),
        None => None,
    };
    let rejected_reason = r.string(node, "rejected_reason");
    let mut components = Vec::new();
    match r.field(node, "components") {
        None => r.missing(node, "components", WHAT),
        Some(list) => {
            if let Some(items) = r.expect_seq(list, "components") {
                for item in items {
                    if let Some(map) = r.expect_map(item, "components[]") {
                        components.push(read_component(r, map));
                    }
                }
                check_component_set(r, list, &components, category.as_ref());
            }
        }
    }
    Template {
        node,
        id,
        name,
        language,
        category,
        previous_category,
        status,
        parameter_format,
        message_send_ttl_seconds,
        quality_score,
        rejected_reason,
        components,
    }
}

/// A pre-2023 category as `category`: Meta refuses it now, and says which one replaced it.
fn retired_category(r: &mut Reader, node: NodeId) {
    let written = r.tree.as_str(node).unwrap_or("").to_string();
    let replacement = if written.eq_ignore_ascii_case("OTP") {
        "AUTHENTICATION"
    } else {
        "UTILITY"
    };
    r.problem_with_help(
        At::Node(node),
        format!(
            "`{written}` is a retired template category; Meta accepts only AUTHENTICATION, MARKETING or UTILITY"
        ),
        format!(
            "the current categories are AUTHENTICATION (one-time passcodes), MARKETING (promotions) and UTILITY (updates the customer asked for); `{written}` templates are now {replacement}"
        ),
    );
}

/// At most one header, body, footer and buttons component, and a body (Meta's only
/// required component).
fn check_component_set(
    r: &mut Reader,
    list: NodeId,
    components: &[Component],
    category: Option<&AtNode<Category>>,
) {
    for kind in [
        ComponentType::Header,
        ComponentType::Body,
        ComponentType::Footer,
        ComponentType::Buttons,
    ] {
        let mut same = components.iter().filter(|c| c.is(kind));
        let first = same.next();
        if let (Some(_), Some(second)) = (first, same.next()) {
            let name = kind.name();
            if let Some(k) = &second.kind {
                r.problem(
                    At::Node(k.node),
                    format!("a template has at most one {name} component; this is the second"),
                );
            }
        }
    }
    if !components.iter().any(|c| c.is(ComponentType::Body))
        && components.iter().all(|c| c.kind.is_some())
    {
        let at = if components.is_empty() {
            At::Node(list)
        } else {
            At::Key(list)
        };
        r.problem(
            at,
            "template has no BODY component; the body is required".into(),
        );
    }
    let needs_body_text = matches!(
        category.map(|c| c.value),
        Some(Category::Marketing | Category::Utility)
    );
    if needs_body_text {
        for body in components.iter().filter(|c| c.is(ComponentType::Body)) {
            if body.text.is_none() && r.field(body.node, "text").is_none() {
                r.missing(body.node, "text", "BODY component");
            }
        }
    }
}

fn read_component(r: &mut Reader, node: NodeId) -> Component {
    r.unknown_keys(node, COMPONENT_KEYS, "a component", Vocabulary::Meta);
    let kind = r.required_keyword::<ComponentType>(node, "type", "component");
    let is = |k: ComponentType| matches!(&kind, Some(s) if s.value == k);
    let format = if is(ComponentType::Header) {
        r.required_keyword::<HeaderFormat>(node, "format", "HEADER component")
    } else {
        r.keyword(node, "format")
    };
    let text = r.string(node, "text");
    if is(ComponentType::Header)
        && matches!(&format, Some(f) if f.value == HeaderFormat::Text)
        && text.is_none()
        && r.field(node, "text").is_none()
    {
        r.missing(node, "text", "TEXT header");
    }
    if is(ComponentType::Footer)
        && r.field(node, "text").is_none()
        && r.field(node, "code_expiration_minutes").is_none()
    {
        r.missing(node, "text", "FOOTER component");
    }
    let example = r
        .field(node, "example")
        .and_then(|e| r.expect_map(e, "example"))
        .map(|e| read_example(r, e));
    let add_security_recommendation = r.bool(node, "add_security_recommendation");
    let code_expiration_minutes = r.integer(node, "code_expiration_minutes");
    let mut buttons = Vec::new();
    let buttons_node = r.field(node, "buttons");
    if let Some(list) = buttons_node {
        for item in r.expect_seq(list, "buttons").unwrap_or_default() {
            if let Some(map) = r.expect_map(item, "buttons[]") {
                buttons.push(read_button(r, map));
            }
        }
    } else if is(ComponentType::Buttons) {
        r.missing(node, "buttons", "BUTTONS component");
    }
    let mut cards = Vec::new();
    if let Some(list) = r.field(node, "cards") {
        for item in r.expect_seq(list, "cards").unwrap_or_default() {
            let Some(card) = r.expect_map(item, "cards[]") else {
                continue;
            };
            let mut components = Vec::new();
            match r.field(card, "components") {
                None => r.missing(card, "components", "carousel card"),
                Some(list) => {
                    for item in r.expect_seq(list, "components").unwrap_or_default() {
                        if let Some(map) = r.expect_map(item, "components[]") {
                            components.push(read_component(r, map));
                        }
                    }
                }
            }
            cards.push(Card {
                node: card,
                components,
            });
        }
    } else if is(ComponentType::Carousel) {
        r.missing(node, "cards", "CAROUSEL component");
    }
    let limited_time_offer = r
        .field(node, "limited_time_offer")
        .and_then(|o| r.expect_map(o, "limited_time_offer"))
        .map(|o| LimitedTimeOffer {
            node: o,
            text: r.string(o, "text"),
            has_expiration: r.bool(o, "has_expiration"),
        });
    Component {
        node,
        kind,
        format,
        text,
        example,
        add_security_recommendation,
        code_expiration_minutes,
        buttons_node,
        buttons,
        cards,
        limited_time_offer,
    }
}

fn node_texts(r: &mut Reader, map: NodeId, key: &str) -> Option<AtNode<Vec<AtNode<String>>>> {
    let node = r.field(map, key)?;
    let value = r.texts(map, key)?;
    Some(AtNode { value, node })
}

fn read_named_params(r: &mut Reader, map: NodeId, key: &str) -> Option<AtNode<Vec<NamedParam>>> {
    let list = r.field(map, key)?;
    let items = r.expect_seq(list, key)?;
    let mut params = Vec::with_capacity(items.len());
    for item in items {
        if let Some(param) = r.expect_map(item, &format!("{key}[]")) {
            params.push(NamedParam {
                node: param,
                name: r.required_string(param, "param_name", "named parameter sample"),
                example: r.required_string(param, "example", "named parameter sample"),
            });
        }
    }
    Some(AtNode {
        value: params,
        node: list,
    })
}

fn read_example(r: &mut Reader, node: NodeId) -> Example {
    let body_text = r.field(node, "body_text").and_then(|list| {
        let rows = r.expect_seq(list, "body_text")?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            match r.tree.value(row) {
                Value::Seq(_) => {
                    let mut values = Vec::new();
                    for item in r.tree.items(row).to_vec() {
                        match r.tree.value(item) {
                            Value::String(s) | Value::Number(s) => values.push(AtNode {
                                value: s.clone(),
                                node: item,
                            }),
                            _ => {
                                r.problem(
                                    At::Node(item),
                                    "`body_text` sample values must be strings".into(),
                                );
                            }
                        }
                    }
                    out.push(AtNode {
                        value: values,
                        node: row,
                    });
                }
                _ => r.problem(
                    At::Node(row),
                    "`body_text` must be a list of lists, e.g. [[\"Maria\", \"A-1042\"]]".into(),
                ),
            }
        }
        Some(AtNode {
            value: out,
            node: list,
        })
    });
    Example {
        node,
        header_text: node_texts(r, node, "header_text"),
        header_text_named_params: read_named_params(r, node, "header_text_named_params"),
        body_text,
        body_text_named_params: read_named_params(r, node, "body_text_named_params"),
        header_handle: node_texts(r, node, "header_handle"),
    }
}

fn read_button(r: &mut Reader, map: NodeId) -> Button {
    let kind = r.required_keyword::<ButtonType>(map, "type", "button");
    let supported_apps = r.field(map, "supported_apps").and_then(|list| {
        let items = r.expect_seq(list, "supported_apps")?;
        let mut apps = Vec::with_capacity(items.len());
        for item in items {
            if let Some(app) = r.expect_map(item, "supported_apps[]") {
                apps.push(SupportedApp {
                    node: app,
                    package_name: r.required_string(app, "package_name", "supported app"),
                    signature_hash: r.required_string(app, "signature_hash", "supported app"),
                });
            }
        }
        Some(AtNode {
            value: apps,
            node: list,
        })
    });
    let button = Button {
        node: map,
        text: r.string(map, "text"),
        url: r.string(map, "url"),
        phone_number: r.string(map, "phone_number"),
        example: node_texts(r, map, "example"),
        otp_type: r.keyword(map, "otp_type"),
        autofill_text: r.string(map, "autofill_text"),
        package_name: r.string(map, "package_name"),
        signature_hash: r.string(map, "signature_hash"),
        supported_apps,
        zero_tap_terms_accepted: r.bool(map, "zero_tap_terms_accepted"),
        flow_id: r.string(map, "flow_id"),
        flow_name: r.string(map, "flow_name"),
        flow_json: r.string(map, "flow_json"),
        flow_action: r.keyword(map, "flow_action"),
        navigate_screen: r.string(map, "navigate_screen"),
        kind,
    };
    let Some(kind) = button.kind.as_ref().map(|k| k.value) else {
        return button;
    };
    let what = format!("{} button", kind.name());
    let required: &[&str] = match kind {
        ButtonType::QuickReply => &["text"],
        ButtonType::Url => &["text", "url"],
        ButtonType::PhoneNumber => &["text", "phone_number"],
        ButtonType::CopyCode => &["example"],
        ButtonType::Otp => &["otp_type"],
        ButtonType::Flow => &["text"],
        _ => &[],
    };
    for key in required {
        if r.field(map, key).is_none() {
            r.missing(map, key, &what);
        }
    }
    if kind == ButtonType::Flow
        && ["flow_id", "flow_name", "flow_json"]
            .iter()
            .all(|k| r.field(map, k).is_none())
    {
        r.problem(
            At::Key(map),
            format!("{what} needs one of `flow_id`, `flow_name` or `flow_json`"),
        );
    }
    button
}
