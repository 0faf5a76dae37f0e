//! Meta's message template payload, as authored and as the API returns it: a single
//! template, a list of them, or a `{"data": [...], "paging": ...}` list response.
//! The types are here, the closed sets of values in `keywords.rs`, reading in `read.rs` and
//! the `{{…}}` placeholders of texts in `variables.rs`.

mod keywords;
mod read;
mod variables;

pub use keywords::{
    ButtonType, Category, ComponentType, FlowAction, HeaderFormat, OtpType, ParameterFormat, Status,
};
pub use read::read;
pub use variables::{variables, Malformed, Variable, VariableKind};

use super::reader::{AtNode, Keyword};
use crate::source::NodeId;

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

    /// Every text of the template customers read: header, body, footer, card bodies, button
    /// labels, URLs and the limited-time-offer text, in the order they are written.
    pub fn texts(&self) -> Vec<TextField<'_>> {
        let mut out = Vec::new();
        for (card, component) in self.all_components() {
            let prefix = card.map_or(String::new(), |i| format!("carousel card {} ", i + 1));
            if let Some(text) = &component.text {
                let field = match component.kind.as_ref().map(|k| k.value) {
                    Some(ComponentType::Header) => Some(Field::Header),
                    Some(ComponentType::Body) if card.is_some() => Some(Field::CardBody),
                    Some(ComponentType::Body) => Some(Field::Body),
                    Some(ComponentType::Footer) => Some(Field::Footer),
                    _ => None,
                };
                if let Some(field) = field {
                    let name = match field {
                        Field::Header => "header",
                        Field::Footer => "footer",
                        _ => "body",
                    };
                    out.push(TextField {
                        field,
                        what: format!("{prefix}{name} text"),
                        text,
                    });
                }
            }
            if let Some(text) = component
                .limited_time_offer
                .as_ref()
                .and_then(|o| o.text.as_ref())
            {
                out.push(TextField {
                    field: Field::OfferText,
                    what: "limited-time offer text".into(),
                    text,
                });
            }
            for button in &component.buttons {
                let kind = button.kind.as_ref().map_or("", |k| k.value.name());
                if let Some(text) = &button.text {
                    out.push(TextField {
                        field: Field::ButtonText,
                        what: format!("{prefix}{kind} button text"),
                        text,
                    });
                }
                if let Some(text) = &button.autofill_text {
                    out.push(TextField {
                        field: Field::AutofillText,
                        what: format!("{prefix}{kind} button autofill text"),
                        text,
                    });
                }
                if let Some(url) = &button.url {
                    out.push(TextField {
                        field: Field::Url,
                        what: format!("{prefix}URL button link"),
                        text: url,
                    });
                }
            }
        }
        out
    }
}

/// Which text of a template a [`TextField`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Header,
    Body,
    Footer,
    /// A carousel card's body.
    CardBody,
    ButtonText,
    AutofillText,
    Url,
    OfferText,
}

/// A text of a template with what it is, for the rules that read every text.
pub struct TextField<'t> {
    pub field: Field,
    /// "body text", "carousel card 2 body text", "QUICK_REPLY button text", ...
    pub what: String,
    pub text: &'t AtNode<String>,
}
