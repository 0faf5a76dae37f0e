//! Cloud API template sends: the body of `POST /{phone-number-id}/messages` with
//! `"type": "template"`, as teams keep them beside their code (request fixtures, saved
//! examples): `{"messaging_product": "whatsapp", "to": "…", "type": "template", "template":
//! {"name": "…", "language": {"code": "…"}, "components": [{"type": "body", "parameters":
//! [{"type": "text", "text": "…"}]}]}}`, one per file or a list of them.

use super::reader::{keyword_enum, AtNode, Reader, Vocabulary};
use super::LanguageCode;
use crate::diagnostic::At;
use crate::source::{NodeId, Tree, Value};

keyword_enum! {
    /// A send component's `type`.
    pub enum SendComponentType: "send component type" {
        Header = "header",
        Body = "body",
        Button = "button",
        Carousel = "carousel",
        LimitedTimeOffer = "limited_time_offer",
    }
}

keyword_enum! {
    /// A parameter's `type`.
    pub enum ParameterType: "parameter type" {
        Text = "text",
        Currency = "currency",
        DateTime = "date_time",
        Image = "image",
        Video = "video",
        Document = "document",
        Location = "location",
        Payload = "payload",
        CouponCode = "coupon_code",
        Action = "action",
        Product = "product",
        LimitedTimeOffer = "limited_time_offer",
        OrderStatus = "order_status",
    }
}

#[derive(Clone, Debug)]
pub struct TemplateSend {
    pub node: NodeId,
    /// `template`.
    pub template_node: NodeId,
    /// `template.name`.
    pub name: Option<AtNode<String>>,
    /// `template.language.code`.
    pub language: Option<AtNode<LanguageCode>>,
    /// `template.components`: what fills the template's variables.
    pub components: Vec<SendComponent>,
}

impl TemplateSend {
    pub fn name_str(&self) -> &str {
        self.name.as_ref().map_or("", |n| n.value.as_str())
    }
}

#[derive(Clone, Debug)]
pub struct SendComponent {
    pub node: NodeId,
    pub kind: Option<AtNode<SendComponentType>>,
    /// A button's `sub_type` (`quick_reply`, `url`, `copy_code`, `flow`, …) as written.
    pub sub_type: Option<AtNode<String>>,
    /// A button's `index`, the button's position in the template (`"0"` or `0`).
    pub index: Option<AtNode<u64>>,
    pub parameters: Vec<SendParameter>,
}

impl SendComponent {
    pub fn is(&self, kind: SendComponentType) -> bool {
        matches!(&self.kind, Some(k) if k.value == kind)
    }
}

#[derive(Clone, Debug)]
pub struct SendParameter {
    pub node: NodeId,
    pub kind: Option<AtNode<ParameterType>>,
    /// The variable a parameter fills in a template of named parameters (`first_name`).
    pub parameter_name: Option<AtNode<String>>,
    /// A `text` parameter's value.
    pub text: Option<AtNode<String>>,
}

impl SendParameter {
    pub fn is(&self, kind: ParameterType) -> bool {
        matches!(&self.kind, Some(k) if k.value == kind)
    }
}

/// A mapping that is a template send: a `template` mapping with a `name`, and either
/// `messaging_product` or `"type": "template"` beside it (SDK fixtures leave out one or the
/// other).
pub fn is_send(tree: &Tree, node: NodeId) -> bool {
    let says = |key: &str, value: &str| {
        tree.get(node, key)
            .and_then(|n| tree.as_str(n))
            .is_some_and(|v| v.trim().eq_ignore_ascii_case(value))
    };
    matches!(tree.value(node), Value::Map(_))
        && tree.get(node, "template").is_some_and(|t| {
            matches!(tree.value(t), Value::Map(_)) && tree.get(t, "name").is_some()
        })
        && (says("messaging_product", "whatsapp") || says("type", "template"))
}

/// A list whose every item is a template send (and that has at least one).
pub fn send_list(tree: &Tree, node: NodeId) -> Option<&[NodeId]> {
    let items = tree.items(node);
    (!items.is_empty() && items.iter().all(|&i| is_send(tree, i))).then_some(items)
}

/// The keys of a send body (Meta's send-messages reference); another is a warning.
const SEND_KEYS: &[&str] = &[
    "messaging_product",
    "recipient_type",
    "to",
    "type",
    "template",
    "biz_opaque_callback_data",
    "context",
];
const TEMPLATE_KEYS: &[&str] = &["name", "language", "components"];
/// `policy: deterministic` is the older form Meta's Node SDK still shows.
const LANGUAGE_KEYS: &[&str] = &["code", "policy"];
const COMPONENT_KEYS: &[&str] = &["type", "sub_type", "index", "parameters", "cards"];
const PARAMETER_KEYS: &[&str] = &[
    "type",
    "parameter_name",
    "text",
    "currency",
    "date_time",
    "image",
    "video",
    "document",
    "location",
    "payload",
    "coupon_code",
    "action",
    "product",
    "limited_time_offer",
    "order_status",
];

pub fn read(r: &mut Reader, node: NodeId) -> TemplateSend {
    const WHAT: &str = "the template send";
    r.unknown_keys(node, SEND_KEYS, WHAT, Vocabulary::Meta);
    // `is_send` holds: `template` is a mapping.
    let template_node = r.field(node, "template").unwrap_or(node);
    let what = match r
        .tree
        .get(template_node, "name")
        .and_then(|n| r.tree.as_str(n))
    {
        Some(name) => format!("the send of template `{name}`"),
        None => WHAT.to_string(),
    };
    r.unknown_keys(template_node, TEMPLATE_KEYS, &what, Vocabulary::Meta);
    let name = r.required_string(template_node, "name", &what);
    let language = match r.field(template_node, "language") {
        Some(language) => r.expect_map(language, "language").and_then(|language| {
            r.unknown_keys(language, LANGUAGE_KEYS, "`language`", Vocabulary::Meta);
            r.required_string(language, "code", "`language`")
                .map(|code| code.map(LanguageCode::new))
        }),
        None => {
            r.missing(template_node, "language", &what);
            None
        }
    };
    let components = match r.field(template_node, "components") {
        Some(list) => r
            .expect_seq(list, "components")
            .unwrap_or_default()
            .into_iter()
            .filter_map(|c| {
                r.expect_map(c, "components[]")
                    .map(|c| read_component(r, c))
            })
            .collect(),
        None => Vec::new(),
    };
    TemplateSend {
        node,
        template_node,
        name,
        language,
        components,
    }
}

fn read_component(r: &mut Reader, node: NodeId) -> SendComponent {
    r.unknown_keys(node, COMPONENT_KEYS, "a send component", Vocabulary::Meta);
    let kind = r.required_keyword::<SendComponentType>(node, "type", "a send component");
    let sub_type = r.string(node, "sub_type");
    let index = r.string(node, "index").and_then(|index| {
        match index.value.trim().parse::<u64>() {
            Ok(value) => Some(AtNode::new(value, index.node)),
            Err(_) => {
                r.problem(
                    At::Node(index.node),
                    format!(
                        "a button's `index` must be its position in the template (0, 1, …), found `{}`",
                        index.value
                    ),
                );
                None
            }
        }
    });
    let parameters = match r.field(node, "parameters") {
        Some(list) => r
            .expect_seq(list, "parameters")
            .unwrap_or_default()
            .into_iter()
            .filter_map(|p| {
                r.expect_map(p, "parameters[]")
                    .map(|p| read_parameter(r, p))
            })
            .collect(),
        None => Vec::new(),
    };
    SendComponent {
        node,
        kind,
        sub_type,
        index,
        parameters,
    }
}

fn read_parameter(r: &mut Reader, node: NodeId) -> SendParameter {
    r.unknown_keys(node, PARAMETER_KEYS, "a parameter", Vocabulary::Meta);
    let kind = r.required_keyword::<ParameterType>(node, "type", "a parameter");
    let text = r.string(node, "text");
    if matches!(&kind, Some(k) if k.value == ParameterType::Text) && text.is_none() {
        r.missing(node, "text", "a text parameter");
    }
    SendParameter {
        node,
        kind,
        parameter_name: r.string(node, "parameter_name"),
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{self, Document, Kind};
    use crate::source::{parse, Format};

    const SEND: &str = r#"{"messaging_product": "whatsapp", "to": "4915112345678", "type": "template",
  "template": {"name": "order_shipped", "language": {"code": "en_US"}, "components": [
    {"type": "header", "parameters": [{"type": "image", "image": {"link": "https://cdn.acme.example/a.png"}}]},
    {"type": "body", "parameters": [{"type": "text", "parameter_name": "first_name", "text": "Maria"}]},
    {"type": "button", "sub_type": "url", "index": "0", "parameters": [{"type": "text", "text": "A-1042"}]}]}}"#;

    fn kind_of(text: &str, format: Format) -> Option<Kind> {
        let tree = parse(text, format).unwrap();
        model::recognise(&tree, tree.documents[0])
    }

    #[test]
    fn a_send_is_recognised_by_its_content_alone_or_in_a_list() {
        assert_eq!(kind_of(SEND, Format::Json), Some(Kind::TemplateSend));
        assert_eq!(
            kind_of(&format!("[{SEND}, {SEND}]"), Format::Json),
            Some(Kind::TemplateSend)
        );
        // SDK fixtures leave out `messaging_product` or `type`; one of them is enough.
        assert_eq!(
            kind_of(
                "type: template\ntemplate: {name: a, language: {code: en}}\n",
                Format::Yaml
            ),
            Some(Kind::TemplateSend)
        );
        for text in [
            // A text message, a template without a name, a campaign, a template definition.
            r#"{"messaging_product": "whatsapp", "type": "text", "text": {"body": "hi"}}"#,
            r#"{"messaging_product": "whatsapp", "type": "template", "template": {"language": {"code": "en"}}}"#,
            r#"{"template": {"name": "a", "language": {"code": "en"}}}"#,
        ] {
            assert_eq!(kind_of(text, Format::Json), None, "{text}");
        }
        assert_eq!(
            kind_of(
                "campaign: a\ntype: template\ntemplate: {name: a, language: en}\n",
                Format::Yaml
            ),
            Some(Kind::Campaign)
        );
    }

    #[test]
    fn reads_every_component_and_parameter_with_its_node() {
        let tree = parse(SEND, Format::Json).unwrap();
        let contents = model::read(&tree);
        assert!(contents.problems.is_empty(), "{:?}", contents.problems);
        let [Document::TemplateSend(send)] = contents.documents.as_slice() else {
            panic!("{:?}", contents.documents);
        };
        assert_eq!(send.name_str(), "order_shipped");
        assert_eq!(
            send.language.as_ref().unwrap().value,
            LanguageCode::new("en_US")
        );
        let kinds: Vec<Option<SendComponentType>> = send
            .components
            .iter()
            .map(|c| c.kind.as_ref().map(|k| k.value))
            .collect();
        use SendComponentType::*;
        assert_eq!(kinds, [Some(Header), Some(Body), Some(Button)]);
        let body = &send.components[1].parameters[0];
        assert!(body.is(ParameterType::Text));
        assert_eq!(body.parameter_name.as_ref().unwrap().value, "first_name");
        assert_eq!(
            tree.pointer(body.text.as_ref().unwrap().node),
            "/template/components/1/parameters/0/text"
        );
        let button = &send.components[2];
        assert_eq!(button.index.as_ref().map(|i| i.value), Some(0));
        assert_eq!(button.sub_type.as_ref().unwrap().value, "url");
    }

    #[test]
    fn schema_problems_are_said_at_the_value() {
        let text = r#"{"messaging_product": "whatsapp", "type": "template", "template": {"name": "a", "language": "en_US", "components": [
  {"type": "bdoy", "parameters": [{"type": "txt", "text": "x"}, {"type": "text"}]},
  {"type": "button", "index": "first", "parameters": []}]}}"#;
        let tree = parse(text, Format::Json).unwrap();
        let contents = model::read(&tree);
        let messages: Vec<&str> = contents
            .problems
            .iter()
            .map(|p| p.message.as_str())
            .collect();
        assert_eq!(
            messages,
            [
                "`language` must be a mapping, found a string",
                "unknown send component type `bdoy`; did you mean `body`? (one of header, body, button, carousel, limited_time_offer)",
                "unknown parameter type `txt`; did you mean `text`? (one of text, currency, date_time, image, video, document, location, payload, coupon_code, action, product, limited_time_offer, order_status)",
                "a text parameter is missing the required field `text`",
                "a button's `index` must be its position in the template (0, 1, …), found `first`",
            ]
        );
    }
}
