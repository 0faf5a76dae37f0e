//! Meta's message template payload, as authored and as the API returns it: a single
//! template, a list of them, or a `{"data": [...], "paging": ...}` list response.

use super::reader::{AtNode, Keyword, Reader};
use crate::diagnostic::At;
use crate::source::{NodeId, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    Authentication,
    Marketing,
    Utility,
    /// A category Meta used before 2023 (`TRANSACTIONAL`, `OTP`, `ACCOUNT_UPDATE`, ...).
    /// Meta's exports still carry them in `previous_category`, where they are read silently;
    /// as the `category` of a template they are a schema problem (WA002).
    Legacy,
}

impl Keyword for Category {
    const WHAT: &'static str = "template category";
    const ALL: &'static [(&'static str, Self)] = &[
        ("AUTHENTICATION", Category::Authentication),
        ("MARKETING", Category::Marketing),
        ("UTILITY", Category::Utility),
        ("TRANSACTIONAL", Category::Legacy),
        ("OTP", Category::Legacy),
        ("ACCOUNT_UPDATE", Category::Legacy),
        ("ALERT_UPDATE", Category::Legacy),
        ("APPOINTMENT_UPDATE", Category::Legacy),
        ("AUTO_REPLY", Category::Legacy),
        ("ISSUE_RESOLUTION", Category::Legacy),
        ("PAYMENT_UPDATE", Category::Legacy),
        ("PERSONAL_FINANCE_UPDATE", Category::Legacy),
        ("RESERVATION_UPDATE", Category::Legacy),
        ("SHIPPING_UPDATE", Category::Legacy),
        ("TICKET_UPDATE", Category::Legacy),
        ("TRANSPORTATION_UPDATE", Category::Legacy),
    ];
    const EXPECTED: &'static str = "AUTHENTICATION, MARKETING, UTILITY";
}

/// Review states Meta reports for a template (`message_template_status_update` events).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Approved,
    Pending,
    Rejected,
    Paused,
    Disabled,
    Flagged,
    InAppeal,
    Reinstated,
    PendingDeletion,
    Deleted,
    Archived,
    Unarchived,
    LimitExceeded,
    Locked,
}

impl Keyword for Status {
    const WHAT: &'static str = "template status";
    const ALL: &'static [(&'static str, Self)] = &[
        ("APPROVED", Status::Approved),
        ("PENDING", Status::Pending),
        ("REJECTED", Status::Rejected),
        ("PAUSED", Status::Paused),
        ("DISABLED", Status::Disabled),
        ("FLAGGED", Status::Flagged),
        ("IN_APPEAL", Status::InAppeal),
        ("REINSTATED", Status::Reinstated),
        ("PENDING_DELETION", Status::PendingDeletion),
        ("DELETED", Status::Deleted),
        ("ARCHIVED", Status::Archived),
        ("UNARCHIVED", Status::Unarchived),
        ("LIMIT_EXCEEDED", Status::LimitExceeded),
        ("LOCKED", Status::Locked),
    ];
}

/// `parameter_format`: omitted means positional.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParameterFormat {
    Positional,
    Named,
}

impl Keyword for ParameterFormat {
    const WHAT: &'static str = "parameter format";
    const ALL: &'static [(&'static str, Self)] = &[
        ("POSITIONAL", ParameterFormat::Positional),
        ("NAMED", ParameterFormat::Named),
    ];
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ComponentType {
    Header,
    Body,
    Footer,
    Buttons,
    Carousel,
    LimitedTimeOffer,
}

impl Keyword for ComponentType {
    const WHAT: &'static str = "component type";
    const ALL: &'static [(&'static str, Self)] = &[
        ("HEADER", ComponentType::Header),
        ("BODY", ComponentType::Body),
        ("FOOTER", ComponentType::Footer),
        ("BUTTONS", ComponentType::Buttons),
        ("CAROUSEL", ComponentType::Carousel),
        ("LIMITED_TIME_OFFER", ComponentType::LimitedTimeOffer),
    ];
}

/// A header's `format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderFormat {
    Text,
    Image,
    Video,
    Gif,
    Document,
    Location,
    Product,
}

impl HeaderFormat {
    /// Formats whose sample is an uploaded asset (`example.header_handle`).
    pub fn is_media(self) -> bool {
        matches!(
            self,
            HeaderFormat::Image | HeaderFormat::Video | HeaderFormat::Gif | HeaderFormat::Document
        )
    }
}

impl Keyword for HeaderFormat {
    const WHAT: &'static str = "header format";
    const ALL: &'static [(&'static str, Self)] = &[
        ("TEXT", HeaderFormat::Text),
        ("IMAGE", HeaderFormat::Image),
        ("VIDEO", HeaderFormat::Video),
        ("GIF", HeaderFormat::Gif),
        ("DOCUMENT", HeaderFormat::Document),
        ("LOCATION", HeaderFormat::Location),
        ("PRODUCT", HeaderFormat::Product),
    ];
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ButtonType {
    QuickReply,
    Url,
    PhoneNumber,
    CopyCode,
    Otp,
    Flow,
    Catalog,
    Mpm,
    Spm,
    VoiceCall,
    App,
    CallPermissionRequest,
    RequestContactInfo,
}

impl Keyword for ButtonType {
    const WHAT: &'static str = "button type";
    const ALL: &'static [(&'static str, Self)] = &[
        ("QUICK_REPLY", ButtonType::QuickReply),
        ("URL", ButtonType::Url),
        ("PHONE_NUMBER", ButtonType::PhoneNumber),
        ("COPY_CODE", ButtonType::CopyCode),
        ("OTP", ButtonType::Otp),
        ("FLOW", ButtonType::Flow),
        ("CATALOG", ButtonType::Catalog),
        ("MPM", ButtonType::Mpm),
        ("SPM", ButtonType::Spm),
        ("VOICE_CALL", ButtonType::VoiceCall),
        ("APP", ButtonType::App),
        ("CALL_PERMISSION_REQUEST", ButtonType::CallPermissionRequest),
        ("REQUEST_CONTACT_INFO", ButtonType::RequestContactInfo),
    ];
}

/// An OTP button's `otp_type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OtpType {
    CopyCode,
    OneTap,
    ZeroTap,
}

impl Keyword for OtpType {
    const WHAT: &'static str = "OTP type";
    const ALL: &'static [(&'static str, Self)] = &[
        ("COPY_CODE", OtpType::CopyCode),
        ("ONE_TAP", OtpType::OneTap),
        ("ZERO_TAP", OtpType::ZeroTap),
    ];
}

/// A FLOW button's `flow_action`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlowAction {
    Navigate,
    DataExchange,
}

impl Keyword for FlowAction {
    const WHAT: &'static str = "flow action";
    const ALL: &'static [(&'static str, Self)] = &[
        ("NAVIGATE", FlowAction::Navigate),
        ("DATA_EXCHANGE", FlowAction::DataExchange),
    ];
}

#[derive(Clone, Debug)]
pub struct Template {
    pub node: NodeId,
    /// Meta's id, in templates read back from the API.
    pub id: Option<AtNode<String>>,
    pub name: Option<AtNode<String>>,
    pub language: Option<AtNode<String>>,
    pub category: Option<AtNode<Category>>,
    /// The category before Meta's automatic recategorisation (API exports only).
    pub previous_category: Option<AtNode<Category>>,
    pub status: Option<AtNode<Status>>,
    pub parameter_format: Option<AtNode<ParameterFormat>>,
    pub message_send_ttl_seconds: Option<AtNode<i64>>,
    /// `quality_score.score` (`GREEN`, `YELLOW`, `RED`, `UNKNOWN`) or a bare string.
    pub quality_score: Option<AtNode<String>>,
    pub rejected_reason: Option<AtNode<String>>,
    pub components: Vec<Component>,
}

/// Sample values as written, each with its node.
pub type Texts = Vec<AtNode<String>>;

/// `example` of a header or body.
#[derive(Clone, Debug, Default)]
pub struct Example {
    pub node: NodeId,
    pub header_text: Option<AtNode<Vec<AtNode<String>>>>,
    pub header_text_named_params: Option<AtNode<Vec<NamedParam>>>,
    /// `body_text: [["…", "…"]]`: rows of sample values (Meta uses the first).
    pub body_text: Option<AtNode<Vec<AtNode<Texts>>>>,
    pub body_text_named_params: Option<AtNode<Vec<NamedParam>>>,
    pub header_handle: Option<AtNode<Vec<AtNode<String>>>>,
}

/// `{"param_name": "first_name", "example": "Maria"}`.
#[derive(Clone, Debug)]
pub struct NamedParam {
    pub node: NodeId,
    pub name: Option<AtNode<String>>,
    pub example: Option<AtNode<String>>,
}

#[derive(Clone, Debug)]
pub struct Component {
    pub node: NodeId,
    pub kind: Option<AtNode<ComponentType>>,
    pub format: Option<AtNode<HeaderFormat>>,
    pub text: Option<AtNode<String>>,
    pub example: Option<Example>,
    /// AUTHENTICATION body: adds Meta's security disclaimer.
    pub add_security_recommendation: Option<AtNode<bool>>,
    /// AUTHENTICATION footer: the expiry warning, 1–90 minutes.
    pub code_expiration_minutes: Option<AtNode<i64>>,
    /// The `buttons` list node, when present.
    pub buttons_node: Option<NodeId>,
    pub buttons: Vec<Button>,
    /// CAROUSEL cards.
    pub cards: Vec<Card>,
    pub limited_time_offer: Option<LimitedTimeOffer>,
}

impl Component {
    pub fn is(&self, kind: ComponentType) -> bool {
        matches!(&self.kind, Some(k) if k.value == kind)
    }
}

#[derive(Clone, Debug)]
pub struct Card {
    pub node: NodeId,
    pub components: Vec<Component>,
}

#[derive(Clone, Debug)]
pub struct LimitedTimeOffer {
    pub node: NodeId,
    pub text: Option<AtNode<String>>,
    pub has_expiration: Option<AtNode<bool>>,
}

/// One app of a ONE_TAP / ZERO_TAP button.
#[derive(Clone, Debug)]
pub struct SupportedApp {
    pub node: NodeId,
    pub package_name: Option<AtNode<String>>,
    pub signature_hash: Option<AtNode<String>>,
}

#[derive(Clone, Debug)]
pub struct Button {
    pub node: NodeId,
    pub kind: Option<AtNode<ButtonType>>,
    pub text: Option<AtNode<String>>,
    pub url: Option<AtNode<String>>,
    pub phone_number: Option<AtNode<String>>,
    /// URL: `["https://…/A-1042"]`; COPY_CODE: `"SUMMER25"` (read as a list of one).
    pub example: Option<AtNode<Vec<AtNode<String>>>>,
    pub otp_type: Option<AtNode<OtpType>>,
    pub autofill_text: Option<AtNode<String>>,
    /// The older one-app form of ONE_TAP buttons, still in Meta's v23 samples.
    pub package_name: Option<AtNode<String>>,
    pub signature_hash: Option<AtNode<String>>,
    pub supported_apps: Option<AtNode<Vec<SupportedApp>>>,
    pub zero_tap_terms_accepted: Option<AtNode<bool>>,
    pub flow_id: Option<AtNode<String>>,
    pub flow_name: Option<AtNode<String>>,
    pub flow_json: Option<AtNode<String>>,
    pub flow_action: Option<AtNode<FlowAction>>,
    pub navigate_screen: Option<AtNode<String>>,
}

impl Button {
    pub fn is(&self, kind: ButtonType) -> bool {
        matches!(&self.kind, Some(k) if k.value == kind)
    }
}

impl Template {
    pub fn is_approved(&self) -> bool {
        matches!(&self.status, Some(s) if s.value == Status::Approved)
    }

    pub fn is(&self, category: Category) -> bool {
        matches!(&self.category, Some(c) if c.value == category)
    }

    pub fn name_str(&self) -> &str {
        self.name.as_ref().map_or("", |n| n.value.as_str())
    }

    /// Named parameters when `parameter_format` says so; positional otherwise (Meta's default).
    pub fn format(&self) -> ParameterFormat {
        self.parameter_format
            .as_ref()
            .map_or(ParameterFormat::Positional, |f| f.value)
    }

    pub fn component(&self, kind: ComponentType) -> Option<&Component> {
        self.components.iter().find(|c| c.is(kind))
    }

    /// Every component, including those inside carousel cards, with the card index.
    pub fn all_components(&self) -> impl Iterator<Item = (Option<usize>, &Component)> {
        self.components.iter().flat_map(|c| {
            std::iter::once((None, c)).chain(
                c.cards
                    .iter()
                    .enumerate()
                    .flat_map(|(i, card)| card.components.iter().map(move |c| (Some(i), c))),
            )
        })
    }

    /// Every button, including those of carousel cards.
    pub fn all_buttons(&self) -> impl Iterator<Item = &Button> {
        self.all_components().flat_map(|(_, c)| c.buttons.iter())
    }
}

const WHAT: &str = "template";

pub fn read(r: &mut Reader, node: NodeId) -> Template {
    let name = r.required_string(node, "name", WHAT);
    let language = r.required_string(node, "language", WHAT);
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

/// What a `{{…}}` placeholder holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VariableKind {
    /// `{{1}}`, `{{2}}`, …
    Positional(u32),
    /// `{{first_name}}`: letters, digits and underscores, not only digits. Whether the name
    /// is one Meta accepts (lowercase letters and underscores) is for the rules to say.
    Named(String),
    /// Something that looks meant as a variable but is not one.
    Malformed(Malformed),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Malformed {
    /// `{{ 1 }}`, `{{#}}`, `{{}}`, `{{first-name}}`: not a number or a name.
    Content,
    /// `{{1` with no `}}` before the next brace or the end of the line.
    Unclosed,
    /// `{{1}` or `{1}}` or `{1}`: braces missing.
    MissingBrace,
    /// `{{{1}}}`: braces doubled up.
    ExtraBraces,
    /// `}}` that closes nothing.
    StrayClose,
}

/// A placeholder found in a text: bytes `start..end` of the decoded text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variable {
    pub start: usize,
    pub end: usize,
    pub kind: VariableKind,
}

/// Every `{{…}}` placeholder of a text, and everything that looks like a broken one, in
/// order. One pass, linear in the text; all delimiters are ASCII, so every range falls on
/// character boundaries.
pub fn variables(text: &str) -> Vec<Variable> {
    let bytes = text.as_bytes();
    let len = bytes.len();
    let at = |i: usize| bytes.get(i).copied();
    let mut out = Vec::new();
    let mut i = 0;
    while i < len {
        if at(i) == Some(b'{') && at(i + 1) == Some(b'{') {
            let open = i;
            let content_start = i + 2;
            let mut k = content_start;
            while k < len && !matches!(bytes[k], b'{' | b'}' | b'\n') {
                k += 1;
            }
            if at(k) == Some(b'}') && at(k + 1) == Some(b'}') {
                let content = &text[content_start..k];
                let mut start = open;
                let mut end = k + 2;
                while start > 0 && at(start - 1) == Some(b'{') {
                    start -= 1;
                }
                while at(end) == Some(b'}') {
                    end += 1;
                }
                let kind = if start != open || end != k + 2 {
                    VariableKind::Malformed(Malformed::ExtraBraces)
                } else {
                    classify(content)
                };
                out.push(Variable { start, end, kind });
                i = end;
            } else if at(k) == Some(b'}') {
                out.push(Variable {
                    start: open,
                    end: k + 1,
                    kind: VariableKind::Malformed(Malformed::MissingBrace),
                });
                i = k + 1;
            } else if k == content_start && at(k) == Some(b'{') {
                // `{{{`: look again one brace later; the run is reported as ExtraBraces.
                i += 1;
            } else {
                let end = content_start + text[content_start..k].trim_end().len();
                out.push(Variable {
                    start: open,
                    end: end.max(content_start),
                    kind: VariableKind::Malformed(Malformed::Unclosed),
                });
                i = k.max(i + 1);
            }
        } else if at(i) == Some(b'{') && at(i + 1).is_some_and(|b| b.is_ascii_digit()) {
            // `{1}` or `{1}}`: a positional variable with a brace missing.
            let mut k = i + 1;
            while at(k).is_some_and(|b| b.is_ascii_digit()) {
                k += 1;
            }
            if at(k) == Some(b'}') {
                let mut end = k + 1;
                while at(end) == Some(b'}') {
                    end += 1;
                }
                out.push(Variable {
                    start: i,
                    end,
                    kind: VariableKind::Malformed(Malformed::MissingBrace),
                });
                i = end;
            } else {
                i = k;
            }
        } else if at(i) == Some(b'}') && at(i + 1) == Some(b'}') {
            let mut end = i + 2;
            while at(end) == Some(b'}') {
                end += 1;
            }
            out.push(Variable {
                start: i,
                end,
                kind: VariableKind::Malformed(Malformed::StrayClose),
            });
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

fn classify(content: &str) -> VariableKind {
    if !content.is_empty() && content.bytes().all(|b| b.is_ascii_digit()) {
        return match content.parse::<u32>() {
            Ok(n) => VariableKind::Positional(n),
            Err(_) => VariableKind::Malformed(Malformed::Content),
        };
    }
    if !content.is_empty()
        && content
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return VariableKind::Named(content.to_string());
    }
    VariableKind::Malformed(Malformed::Content)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn kinds(text: &str) -> Vec<(&str, VariableKind)> {
        variables(text)
            .into_iter()
            .map(|v| (&text[v.start..v.end], v.kind))
            .collect()
    }

    #[test]
    fn finds_positional_and_named_variables_with_their_ranges() {
        let text = "Hi {{1}}, order {{2}} ships {{ship_date}}.";
        assert_eq!(
            kinds(text),
            vec![
                ("{{1}}", VariableKind::Positional(1)),
                ("{{2}}", VariableKind::Positional(2)),
                ("{{ship_date}}", VariableKind::Named("ship_date".into())),
            ]
        );
        assert_eq!(variables("price ${{2}}")[0].start, 7);
        assert!(variables("no variables here {} { } }").is_empty());
    }

    #[test]
    fn ranges_are_bytes_of_the_decoded_text() {
        let text = "Olá {{1}}, código {{2}}";
        let found = variables(text);
        assert_eq!(&text[found[0].start..found[0].end], "{{1}}");
        assert_eq!(&text[found[1].start..found[1].end], "{{2}}");
    }

    #[test]
    fn reports_broken_placeholders() {
        use Malformed::*;
        let cases = [
            ("Hi {{ 1 }}!", "{{ 1 }}", Content),
            ("Hi {{#}}!", "{{#}}", Content),
            ("Hi {{}}!", "{{}}", Content),
            ("Hi {{first-name}}", "{{first-name}}", Content),
            ("Hi {{1}, bye", "{{1}", MissingBrace),
            ("Hi {1}}, bye", "{1}}", MissingBrace),
            ("Hi {1}, bye", "{1}", MissingBrace),
            ("Hi {{{1}}}, bye", "{{{1}}}", ExtraBraces),
            ("Hi {{1 and more", "{{1 and more", Unclosed),
            ("Hi 1}} there", "}}", StrayClose),
        ];
        for (text, shown, kind) in cases {
            assert_eq!(
                kinds(text),
                vec![(shown, VariableKind::Malformed(kind))],
                "{text}"
            );
        }
        // A broken placeholder does not swallow the next good one.
        assert_eq!(
            kinds("{{1 then {{2}}"),
            vec![
                ("{{1 then", VariableKind::Malformed(Unclosed)),
                ("{{2}}", VariableKind::Positional(2)),
            ]
        );
        assert_eq!(
            kinds("{{99999999999}}"),
            vec![("{{99999999999}}", VariableKind::Malformed(Content))]
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        #[test]
        fn no_text_makes_the_variable_parser_panic(text in "(\\PC|[{}\n])*") {
            let mut last = 0;
            for v in variables(&text) {
                prop_assert!(v.start < v.end && v.end <= text.len());
                prop_assert!(v.start >= last, "ranges are in order and do not overlap");
                prop_assert!(text.is_char_boundary(v.start) && text.is_char_boundary(v.end));
                last = v.end;
            }
        }

        #[test]
        fn brace_soup_never_panics(text in "[{}a1 _#\n]{0,64}") {
            for v in variables(&text) {
                prop_assert!(text.get(v.start..v.end).is_some());
            }
        }
    }
}
