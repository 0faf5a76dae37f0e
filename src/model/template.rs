//! Meta's message template payload, as authored and as the API returns it.

use super::reader::{Keyword, Reader, Spanned};
use crate::source::NodeId;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    Authentication,
    Marketing,
    Utility,
    /// A category Meta used before 2023 (`TRANSACTIONAL`, `OTP`, `ACCOUNT_UPDATE`, ...):
    /// exports of old templates still carry them, so they are read, not refused.
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
    ];
}

#[derive(Clone, Debug)]
pub struct Template {
    pub node: NodeId,
    pub name: Option<Spanned<String>>,
    pub language: Option<Spanned<String>>,
    pub category: Option<Spanned<Category>>,
    pub status: Option<Spanned<Status>>,
    pub components: Vec<Component>,
}

#[derive(Clone, Debug)]
pub struct Component {
    pub node: NodeId,
    pub kind: Option<Spanned<ComponentType>>,
    pub text: Option<Spanned<String>>,
    pub buttons: Vec<Button>,
}

#[derive(Clone, Debug)]
pub struct Button {
    pub node: NodeId,
    pub kind: Option<Spanned<ButtonType>>,
    pub text: Option<Spanned<String>>,
    pub url: Option<Spanned<String>>,
}

impl Template {
    pub fn is_approved(&self) -> bool {
        matches!(&self.status, Some(s) if s.value == Status::Approved)
    }
}

const WHAT: &str = "template";

pub fn read(r: &mut Reader, node: NodeId) -> Template {
    let name = r.required_string(node, "name", WHAT);
    let language = r.required_string(node, "language", WHAT);
    let category = r.required_keyword(node, "category", WHAT);
    let status = r.keyword(node, "status");
    let mut components = Vec::new();
    match r.field(node, "components") {
        None => r.missing(node, "components", WHAT),
        Some(list) => {
            for item in r.expect_seq(list, "components").unwrap_or_default() {
                if let Some(map) = r.expect_map(item, "components[]") {
                    components.push(read_component(r, map));
                }
            }
        }
    }
    Template {
        node,
        name,
        language,
        category,
        status,
        components,
    }
}

fn read_component(r: &mut Reader, node: NodeId) -> Component {
    let kind = r.required_keyword(node, "type", "component");
    let text = r.string(node, "text");
    let mut buttons = Vec::new();
    if let Some(list) = r.field(node, "buttons") {
        for item in r.expect_seq(list, "buttons").unwrap_or_default() {
            if let Some(map) = r.expect_map(item, "buttons[]") {
                buttons.push(Button {
                    node: map,
                    kind: r.required_keyword(map, "type", "button"),
                    text: r.string(map, "text"),
                    url: r.string(map, "url"),
                });
            }
        }
    }
    Component {
        node,
        kind,
        text,
        buttons,
    }
}
