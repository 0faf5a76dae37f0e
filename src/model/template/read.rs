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
    "degrees_of_freedom_spec",
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
/// `example` of a header or body, and one named parameter's sample in it.
const EXAMPLE_KEYS: &[&str] = &[
    "header_text",
    "header_text_named_params",
    "body_text",
    "body_text_named_params",
    "header_handle",
];
const NAMED_PARAM_KEYS: &[&str] = &["param_name", "example"];
const CARD_KEYS: &[&str] = &["components"];
const LIMITED_TIME_OFFER_KEYS: &[&str] = &["text", "has_expiration"];
/// One app of a ONE_TAP or ZERO_TAP button, and a URL button's `app_deep_link` (Marketing
/// Messages Lite API).
const SUPPORTED_APP_KEYS: &[&str] = &["package_name", "signature_hash"];
const APP_DEEP_LINK_KEYS: &[&str] = &[
    "meta_app_id",
    "android_deep_link",
    "android_fallback_playstore_url",
];

/// The keys of each button type, in Meta's template components, authentication and Flows
/// pages and its OpenAPI examples, and in pywa's button classes where Meta's pages list none
/// (CATALOG, MPM, SPM, VOICE_CALL, CALL_PERMISSION_REQUEST, REQUEST_CONTACT_INFO; APP as a
/// labelled button). An OTP button takes those of all three `otp_type`s.
const BUTTON_KEYS: &[(ButtonType, &[&str])] = &[
    (ButtonType::QuickReply, &["type", "text"]),
    (
        ButtonType::Url,
        &["type", "text", "url", "example", "app_deep_link"],
    ),
    (ButtonType::PhoneNumber, &["type", "text", "phone_number"]),
    (ButtonType::CopyCode, &["type", "example"]),
    (
        ButtonType::Otp,
        &[
            "type",
            "otp_type",
            "text",
            "autofill_text",
            "package_name",
            "signature_hash",
            "supported_apps",
            "zero_tap_terms_accepted",
        ],
    ),
    (
        ButtonType::Flow,
        &[
            "type",
            "text",
            "flow_id",
            "flow_name",
            "flow_json",
            "flow_action",
            "navigate_screen",
            "icon",
        ],
    ),
    (ButtonType::Catalog, &["type", "text"]),
    (ButtonType::Mpm, &["type", "text"]),
    (ButtonType::Spm, &["type", "text"]),
    (ButtonType::VoiceCall, &["type", "text"]),
    (ButtonType::App, &["type", "text"]),
    (ButtonType::CallPermissionRequest, &["type"]),
    (ButtonType::RequestContactInfo, &["type", "text"]),
];

fn button_keys(kind: ButtonType) -> &'static [&'static str] {
    BUTTON_KEYS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(&[], |(_, keys)| keys)
}

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
            r.unknown_keys(card, CARD_KEYS, "a carousel card", Vocabulary::Meta);
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
        .map(|o| {
            r.unknown_keys(
                o,
                LIMITED_TIME_OFFER_KEYS,
                "`limited_time_offer`",
                Vocabulary::Meta,
            );
            LimitedTimeOffer {
                node: o,
                text: r.string(o, "text"),
                has_expiration: r.bool(o, "has_expiration"),
            }
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
    Some(AtNode::new(value, node))
}

fn read_named_params(r: &mut Reader, map: NodeId, key: &str) -> Option<AtNode<Vec<NamedParam>>> {
    let list = r.field(map, key)?;
    let items = r.expect_seq(list, key)?;
    let mut params = Vec::with_capacity(items.len());
    for item in items {
        if let Some(param) = r.expect_map(item, &format!("{key}[]")) {
            r.unknown_keys(
                param,
                NAMED_PARAM_KEYS,
                "a named parameter sample",
                Vocabulary::Meta,
            );
            params.push(NamedParam {
                node: param,
                name: r.required_string(param, "param_name", "named parameter sample"),
                example: r.required_string(param, "example", "named parameter sample"),
            });
        }
    }
    Some(AtNode::new(params, list))
}

fn read_example(r: &mut Reader, node: NodeId) -> Example {
    r.unknown_keys(node, EXAMPLE_KEYS, "`example`", Vocabulary::Meta);
    let body_text = r.field(node, "body_text").and_then(|list| {
        let rows = r.expect_seq(list, "body_text")?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            match r.tree.value(row) {
                Value::Seq(_) => {
                    let mut values = Vec::new();
                    for item in r.tree.items(row).to_vec() {
                        match r.tree.value(item) {
                            Value::String(s) | Value::Number(s) => {
                                values.push(AtNode::new(s.clone(), item))
                            }
                            _ => {
                                r.problem(
                                    At::Node(item),
                                    "`body_text` sample values must be strings".into(),
                                );
                            }
                        }
                    }
                    out.push(AtNode::new(values, row));
                }
                _ => r.problem(
                    At::Node(row),
                    "`body_text` must be a list of lists, e.g. [[\"Maria\", \"A-1042\"]]".into(),
                ),
            }
        }
        Some(AtNode::new(out, list))
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
    button_keys_known(r, map);
    let kind = r.required_keyword::<ButtonType>(map, "type", "button");
    let supported_apps = r.field(map, "supported_apps").and_then(|list| {
        let items = r.expect_seq(list, "supported_apps")?;
        let mut apps = Vec::with_capacity(items.len());
        for item in items {
            if let Some(app) = r.expect_map(item, "supported_apps[]") {
                r.unknown_keys(app, SUPPORTED_APP_KEYS, "a supported app", Vocabulary::Meta);
                apps.push(SupportedApp {
                    node: app,
                    package_name: r.required_string(app, "package_name", "supported app"),
                    signature_hash: r.required_string(app, "signature_hash", "supported app"),
                });
            }
        }
        Some(AtNode::new(apps, list))
    });
    if let Some(link) = r.field(map, "app_deep_link").filter(|&l| r.is_map(l)) {
        r.unknown_keys(
            link,
            APP_DEEP_LINK_KEYS,
            "`app_deep_link`",
            Vocabulary::Meta,
        );
    }
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

/// Reports the keys of a button that its type does not have. The type is taken as written,
/// before it is read: a button whose `type` is missing, misspelt or unknown is held to the
/// keys of every type, so `tpye` is still read as `type`.
fn button_keys_known(r: &mut Reader, map: NodeId) {
    let written = r
        .tree
        .get(map, "type")
        .and_then(|t| r.tree.as_str(t))
        .and_then(ButtonType::parse);
    let Some(kind) = written else {
        let mut all: Vec<&str> = Vec::new();
        for key in BUTTON_KEYS.iter().flat_map(|(_, keys)| keys.iter()) {
            if !all.contains(key) {
                all.push(key);
            }
        }
        r.unknown_keys(map, &all, "a button", Vocabulary::Meta);
        return;
    };
    let what = format!("{} button", kind.name());
    r.unknown_keys_of_kind(map, button_keys(kind), &what, Vocabulary::Meta, |key| {
        let kinds: Vec<&str> = BUTTON_KEYS
            .iter()
            .filter(|(_, keys)| keys.contains(&key))
            .map(|(k, _)| k.name())
            .collect();
        (!kinds.is_empty()).then(|| format!("{} buttons", and_list(&kinds)))
    });
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{At, Severity};
    use crate::source::{parse, Format};

    /// `(severity, JSON pointer of the value, the key as written, message)` of each problem
    /// at a key, and the template read.
    fn read_text(text: &str) -> (Template, Vec<(Severity, String, String, String)>) {
        let tree = parse(text, Format::Json).unwrap();
        let mut r = Reader::new(&tree);
        let template = read(&mut r, tree.documents[0]);
        let problems = r
            .problems
            .iter()
            .map(|p| {
                let At::Key(node) = p.at else {
                    return (
                        Severity::Error,
                        String::new(),
                        String::new(),
                        p.message.clone(),
                    );
                };
                let span = tree.key_span(node).unwrap_or(tree.span(node));
                (
                    p.severity.unwrap_or(Severity::Error),
                    tree.pointer(node),
                    text[span.start..span.end].to_string(),
                    p.message.clone(),
                )
            })
            .collect();
        (template, problems)
    }

    fn template(components: &str) -> String {
        format!(
            r#"{{"name": "t", "language": "en_US", "category": "MARKETING", "components": [{components}]}}"#
        )
    }

    #[test]
    fn every_button_type_is_held_to_its_own_keys() {
        let (template, problems) = read_text(&template(
            r#"{"type": "BODY", "text": "Hi"},
               {"type": "BUTTONS", "buttons": [
                 {"type": "QUICK_REPLY", "text": "Stop", "payload": "STOP"},
                 {"type": "URL", "text": "Shop", "url": "https://a.example/{{1}}", "exmple": ["x"],
                  "app_deep_link": {"meta_app_id": 1, "android_deep_link": "a://b", "ios_link": "c"}},
                 {"type": "PHONE_NUMBER", "text": "Call", "phone_numbr": "+4930123456"},
                 {"type": "COPY_CODE", "example": "SAVE10", "text": "Copy"},
                 {"type": "FLOW", "text": "Go", "flow_nmae": "survey", "icon": "REVIEW"},
                 {"type": "CATALOG", "text": "View", "icon": "PROMOTION"},
                 {"type": "VOICE_CALL", "text": "Call us"},
                 {"tpye": "MPM", "text": "Items"}
               ]}"#,
        ));
        let (w, e) = (Severity::Warning, Severity::Error);
        let b = "/components/1/buttons";
        assert_eq!(
            problems,
            [
                (w, format!("{b}/0/payload"), "\"payload\"".into(), "QUICK_REPLY button has a key walint does not know, `payload`, so it is not checked".into()),
                (e, format!("{b}/1/exmple"), "\"exmple\"".into(), "URL button has an unknown key `exmple`; did you mean `example`?".into()),
                (w, format!("{b}/1/app_deep_link/ios_link"), "\"ios_link\"".into(), "`app_deep_link` has a key walint does not know, `ios_link`, so it is not checked".into()),
                (e, format!("{b}/2/phone_numbr"), "\"phone_numbr\"".into(), "PHONE_NUMBER button has an unknown key `phone_numbr`; did you mean `phone_number`?".into()),
                (w, format!("{b}/3/text"), "\"text\"".into(), "COPY_CODE button has `text`, which walint knows only on QUICK_REPLY, URL, PHONE_NUMBER, OTP, FLOW, CATALOG, MPM, SPM, VOICE_CALL, APP and REQUEST_CONTACT_INFO buttons, so it is not checked".into()),
                (e, format!("{b}/4/flow_nmae"), "\"flow_nmae\"".into(), "FLOW button has an unknown key `flow_nmae`; did you mean `flow_name`?".into()),
                (w, format!("{b}/5/icon"), "\"icon\"".into(), "CATALOG button has `icon`, which walint knows only on FLOW buttons, so it is not checked".into()),
                (e, format!("{b}/7/tpye"), "\"tpye\"".into(), "a button has an unknown key `tpye`; did you mean `type`?".into()),
            ]
        );
        // Each misspelling is read as the key it was meant to be: no "missing" follows.
        let buttons = &template.components[1].buttons;
        assert_eq!(buttons[1].example.as_ref().unwrap().value[0].value, "x");
        assert_eq!(
            buttons[2].phone_number.as_ref().unwrap().value,
            "+4930123456"
        );
        assert_eq!(buttons[4].flow_name.as_ref().unwrap().value, "survey");
        assert!(buttons[7].is(ButtonType::Mpm));
    }

    #[test]
    fn otp_buttons_take_the_keys_of_every_otp_type_and_their_apps_are_checked() {
        let (template, problems) = read_text(&template(
            r#"{"type": "BODY", "add_security_recommendation": true},
               {"type": "BUTTONS", "buttons": [
                 {"type": "OTP", "otp_type": "ZERO_TAP", "text": "Copy", "autofill_text": "Fill",
                  "package_name": "com.a.b", "signature_hash": "K8a/AINcGX7",
                  "zero_tap_terms_accepted": true,
                  "supported_apps": [{"package_name": "com.a.b", "signatur_hash": "K8a/AINcGX7", "app_name": "A"}]}
               ]}"#,
        ).replace("MARKETING", "AUTHENTICATION"));
        let apps = "/components/1/buttons/0/supported_apps/0";
        assert_eq!(
            problems,
            [
                (Severity::Error, format!("{apps}/signatur_hash"), "\"signatur_hash\"".into(), "a supported app has an unknown key `signatur_hash`; did you mean `signature_hash`?".into()),
                (Severity::Warning, format!("{apps}/app_name"), "\"app_name\"".into(), "a supported app has a key walint does not know, `app_name`, so it is not checked".into()),
            ]
        );
        let app = &template.components[1].buttons[0]
            .supported_apps
            .as_ref()
            .unwrap()
            .value[0];
        assert_eq!(app.signature_hash.as_ref().unwrap().value, "K8a/AINcGX7");
    }

    #[test]
    fn examples_cards_and_limited_time_offers_are_checked() {
        let (template, problems) = read_text(&template(
            r#"{"type": "HEADER", "format": "TEXT", "text": "Hi {{name}}",
                "example": {"header_text_named_params": [{"param_name": "name", "exampel": "Maria"}]}},
               {"type": "LIMITED_TIME_OFFER", "limited_time_offer": {"text": "Ends soon", "has_expiraton": true}},
               {"type": "BODY", "text": "Our sale, {{1}}", "example": {"body_txt": [["Maria"]], "body_text_sample": "x"}},
               {"type": "CAROUSEL", "cards": [{"components": [{"type": "BODY", "text": "Card"}], "card_index": 0}]}"#,
        ));
        let (w, e) = (Severity::Warning, Severity::Error);
        assert_eq!(
            problems,
            [
                (e, "/components/0/example/header_text_named_params/0/exampel".into(), "\"exampel\"".into(), "a named parameter sample has an unknown key `exampel`; did you mean `example`?".into()),
                (e, "/components/1/limited_time_offer/has_expiraton".into(), "\"has_expiraton\"".into(), "`limited_time_offer` has an unknown key `has_expiraton`; did you mean `has_expiration`?".into()),
                (e, "/components/2/example/body_txt".into(), "\"body_txt\"".into(), "`example` has an unknown key `body_txt`; did you mean `body_text`?".into()),
                (w, "/components/2/example/body_text_sample".into(), "\"body_text_sample\"".into(), "`example` has a key walint does not know, `body_text_sample`, so it is not checked".into()),
                (w, "/components/3/cards/0/card_index".into(), "\"card_index\"".into(), "a carousel card has a key walint does not know, `card_index`, so it is not checked".into()),
            ]
        );
        let header = &template.components[0];
        let sample = &header.example.as_ref().unwrap().header_text_named_params;
        assert_eq!(
            sample.as_ref().unwrap().value[0]
                .example
                .as_ref()
                .unwrap()
                .value,
            "Maria"
        );
        let offer = template.components[1].limited_time_offer.as_ref().unwrap();
        assert_eq!(offer.has_expiration.as_ref().map(|h| h.value), Some(true));
        let body = template.components[2].example.as_ref().unwrap();
        assert_eq!(
            body.body_text.as_ref().unwrap().value[0].value[0].value,
            "Maria"
        );
    }

    #[test]
    fn the_button_tables_cover_every_button_type() {
        for (_, kind) in ButtonType::ALL {
            assert!(button_keys(*kind).contains(&"type"), "{kind:?}");
        }
        assert_eq!(and_list(&["A"]), "A");
        assert_eq!(and_list(&["A", "B", "C"]), "A, B and C");
    }
}
