//! WA123 template-structure-category: the template kinds Meta keeps to MARKETING and the
//! shapes their pages fix (carousel cards, limited-time offers, catalog and multi-product
//! buttons). WA124 template-desktop-rendering: the shapes WhatsApp's web and desktop apps do
//! not show.

use crate::catalogue::RuleId;
use crate::diagnostic::{At, Finding, Severity};
use crate::model::reader::{AtNode, Keyword};
use crate::model::template::{ButtonType, Card, Category, ComponentType};
use crate::model::Template;
use crate::rules::Context;
use crate::source::NodeId;

const MAX_CARDS: usize = 10;
const MIN_CARDS: usize = 2;
/// From this many buttons on, WhatsApp desktop does not show a template (Meta's components page).
const DESKTOP_BUTTONS: usize = 4;

/// A card's components as Meta compares them: each type, a header's format, the types of
/// its buttons in order.
fn card_shape(card: &Card) -> String {
    let parts: Vec<String> = card
        .components
        .iter()
        .map(|c| {
            let kind = c.kind.as_ref().map_or("?", |k| k.value.name());
            if let Some(format) = c.format.as_ref().filter(|_| c.is(ComponentType::Header)) {
                format!("{kind} ({})", format.value.name())
            } else if c.is(ComponentType::Buttons) {
                let buttons: Vec<&str> = c
                    .buttons
                    .iter()
                    .map(|b| b.kind.as_ref().map_or("?", |k| k.value.name()))
                    .collect();
                format!("{kind} ({})", buttons.join(", "))
            } else {
                kind.to_string()
            }
        })
        .collect();
    parts.join(", ")
}

/// WA123 template-structure-category: carousels, limited-time offers, CATALOG and MPM
/// buttons only in MARKETING; 2–10 carousel cards of one shape; no footer beside a
/// limited-time offer; no COPY_CODE in UTILITY; one button in a catalog or MPM template.
pub fn template_structure_category(template: &Template, ctx: &Context, out: &mut Vec<Finding>) {
    let name = template.name_str();
    let category = template
        .category
        .as_ref()
        .filter(|c| c.value != Category::Legacy);
    let mut offer = false;
    for component in &template.components {
        let Some(kind) = &component.kind else {
            continue;
        };
        let structure = match kind.value {
            ComponentType::Carousel => Some(("a carousel", "carousel templates")),
            ComponentType::LimitedTimeOffer => {
                offer = true;
                Some(("a limited-time offer", "limited-time-offer templates"))
            }
            _ => None,
        };
        if let (Some((what, kinds)), Some(category)) = (structure, category) {
            if category.value != Category::Marketing {
                out.push(
                    Finding::new(
                        RuleId::WA123,
                        At::Node(kind.node),
                        format!(
                            "{} template `{name}` has {what}; Meta accepts {kinds} only as MARKETING",
                            category.value.name()
                        ),
                    )
                    .related(ctx.file, At::Node(category.node), "the category is set here")
                    .help("submit it as MARKETING, or send the content as a plain template"),
                );
            }
        }
        if kind.value == ComponentType::Carousel {
            carousel(component.cards.as_slice(), kind.node, out);
        }
    }
    if offer {
        if let Some(footer) = template
            .component(ComponentType::Footer)
            .and_then(|f| f.kind.as_ref())
        {
            out.push(
                Finding::new(
                    RuleId::WA123,
                    At::Node(footer.node),
                    format!("template `{name}` has a limited-time offer and a FOOTER; limited-time-offer templates have no footer"),
                )
                .help("remove the footer; put what it said into the body"),
            );
        }
    }
    let Some(buttons) = template.component(ComponentType::Buttons) else {
        return;
    };
    if template.is(Category::Utility) {
        for kind in buttons
            .buttons
            .iter()
            .filter(|b| b.is(ButtonType::CopyCode))
            .filter_map(|b| b.kind.as_ref())
        {
            out.push(
                Finding::new(
                    RuleId::WA123,
                    At::Node(kind.node),
                    format!("UTILITY template `{name}` has a COPY_CODE button; copy-code (coupon) buttons belong to MARKETING templates"),
                )
                .severity(Severity::Warning)
                .help("submit the offer as MARKETING, or remove the code button"),
            );
        }
    }
    for kind in [ButtonType::Catalog, ButtonType::Mpm] {
        let Some(first) = buttons.buttons.iter().find(|b| b.is(kind)) else {
            continue;
        };
        if let Some(category) = category.filter(|c| c.value != Category::Marketing) {
            if let Some(at) = &first.kind {
                out.push(
                    Finding::new(
                        RuleId::WA123,
                        At::Node(at.node),
                        format!(
                            "{} template `{name}` has {} {} button; catalog and multi-product templates are MARKETING",
                            category.value.name(),
                            if kind == ButtonType::Mpm { "an" } else { "a" },
                            kind.name()
                        ),
                    )
                    .related(ctx.file, At::Node(category.node), "the category is set here")
                    .severity(if kind == ButtonType::Mpm { Severity::Warning } else { Severity::Error })
                    .help("submit it as MARKETING"),
                );
            }
        }
        let count = buttons.buttons.len();
        if count > 1 {
            let extra = buttons
                .buttons
                .iter()
                .find(|b| !b.is(kind))
                .or(buttons.buttons.get(1))
                .and_then(|b| b.kind.as_ref());
            if let Some(extra) = extra {
                out.push(
                    Finding::new(
                        RuleId::WA123,
                        At::Node(extra.node),
                        format!("template `{name}` has a {} button and {count} buttons in all; a {} template carries only that one button", kind.name(), kind.name()),
                    )
                    .severity(Severity::Warning)
                    .help("remove the other buttons"),
                );
            }
        }
    }
}

/// WA124 template-desktop-rendering: WhatsApp desktop does not show a template with 4 or more
/// buttons, or with quick replies beside other buttons; web and desktop do not show a
/// limited-time offer. The template is valid, so this is information for whoever chooses it.
pub fn template_desktop_rendering(template: &Template, _ctx: &Context, out: &mut Vec<Finding>) {
    let name = template.name_str();
    if let Some(offer) = template
        .component(ComponentType::LimitedTimeOffer)
        .and_then(|c| c.kind.as_ref())
    {
        out.push(
            Finding::new(
                RuleId::WA124,
                At::Node(offer.node),
                format!("template `{name}` has a limited-time offer; WhatsApp web and desktop do not show the offer, only a note that it is not supported"),
            )
            .help("say the offer and its end date in the body too, for customers who read WhatsApp on a computer"),
        );
    }
    let Some(buttons) = template.component(ComponentType::Buttons) else {
        return;
    };
    let count = buttons.buttons.len();
    if count >= DESKTOP_BUTTONS {
        if let Some(at) = buttons
            .buttons
            .get(DESKTOP_BUTTONS - 1)
            .and_then(|b| b.kind.as_ref())
        {
            out.push(
                Finding::new(
                    RuleId::WA124,
                    At::Node(at.node),
                    format!("template `{name}` has {count} buttons; WhatsApp desktop does not show a template with {DESKTOP_BUTTONS} or more buttons and asks the customer to open it on their phone"),
                )
                .help("keep 3 buttons or fewer if your customers read WhatsApp on a computer"),
            );
        }
        return;
    }
    let typed: Vec<&AtNode<ButtonType>> = buttons
        .buttons
        .iter()
        .filter_map(|b| b.kind.as_ref())
        .collect();
    let Some(first) = typed.first() else {
        return;
    };
    let first_is_reply = first.value == ButtonType::QuickReply;
    let Some(other) = typed
        .iter()
        .find(|k| (k.value == ButtonType::QuickReply) != first_is_reply)
    else {
        return;
    };
    let action = if first_is_reply { other } else { first };
    out.push(
        Finding::new(
            RuleId::WA124,
            At::Node(other.node),
            format!("template `{name}` has quick replies beside a {} button; WhatsApp desktop does not show a template that mixes quick replies with other button types and asks the customer to open it on their phone", action.value.name()),
        )
        .help("use only quick replies, or only call-to-action buttons, if your customers read WhatsApp on a computer"),
    );
}

/// 2 to 10 cards, all of the first card's shape.
fn carousel(cards: &[Card], at: NodeId, out: &mut Vec<Finding>) {
    if cards.len() > MAX_CARDS {
        let node = cards.get(MAX_CARDS).map_or(at, |c| c.node);
        out.push(
            Finding::new(
                RuleId::WA123,
                At::Node(node),
                format!(
                    "the carousel has {} cards; WhatsApp allows at most {MAX_CARDS}",
                    cards.len()
                ),
            )
            .help("keep the ten cards that matter most"),
        );
    } else if cards.len() < MIN_CARDS {
        out.push(
            Finding::new(
                RuleId::WA123,
                At::Node(at),
                format!(
                    "the carousel has {} card{}; Meta asks for at least {MIN_CARDS}",
                    cards.len(),
                    if cards.len() == 1 { "" } else { "s" }
                ),
            )
            .severity(Severity::Warning)
            .help("add a second card, or send one card's content as a media template"),
        );
    }
    let Some((first, rest)) = cards.split_first() else {
        return;
    };
    let shape = card_shape(first);
    for (i, card) in rest.iter().enumerate() {
        let other = card_shape(card);
        if other != shape {
            out.push(
                Finding::new(
                    RuleId::WA123,
                    At::Node(card.node),
                    format!(
                        "carousel card {} has {other}; card 1 has {shape}; every card must have the same components",
                        i + 2
                    ),
                )
                .help("give every card the same header format, body and button types"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::catalogue::RuleId;
    use crate::diagnostic::{At, Severity};
    use crate::rules::{check_text, REGISTRY};
    use crate::source::{parse, Format};

    /// WA123's findings on a template: message, severity, pointer.
    fn findings(category: &str, components: &str) -> Vec<(String, Option<Severity>, String)> {
        findings_of(RuleId::WA123, category, components)
    }

    /// `rule`'s findings on a template of `category` with a body and `components`.
    fn findings_of(
        rule: RuleId,
        category: &str,
        components: &str,
    ) -> Vec<(String, Option<Severity>, String)> {
        let text = format!(
            r#"{{"name": "t", "language": "en_US", "category": "{category}", "components": [{{"type": "BODY", "text": "Hi {{{{1}}}}, here is this week's news.", "example": {{"body_text": [["Maria"]]}}}}, {components}]}}"#
        );
        let rules: Vec<_> = REGISTRY.iter().filter(|r| r.id == rule).copied().collect();
        let (problems, out) = check_text(&text, Format::Json, &rules);
        assert!(problems.is_empty(), "{problems:?}");
        let tree = parse(&text, Format::Json).unwrap();
        out.into_iter()
            .map(|f| {
                let At::Node(id) = f.at else {
                    panic!("{:?}", f.at)
                };
                (f.message, f.severity, tree.pointer(id))
            })
            .collect()
    }

    fn card(format: &str, buttons: &str) -> String {
        format!(
            r#"{{"components": [{{"type": "HEADER", "format": "{format}"}}, {{"type": "BODY", "text": "A card"}}, {{"type": "BUTTONS", "buttons": [{buttons}]}}]}}"#
        )
    }

    const URL: &str = r#"{"type": "URL", "text": "Shop", "url": "https://acme.example"}"#;
    const REPLY: &str = r#"{"type": "QUICK_REPLY", "text": "Stop promotions"}"#;

    #[test]
    fn carousels_are_marketing_with_two_to_ten_cards_built_alike() {
        let alike = [card("IMAGE", URL), card("IMAGE", URL)].join(", ");
        assert_eq!(
            findings(
                "MARKETING",
                &format!(r#"{{"type": "CAROUSEL", "cards": [{alike}]}}"#)
            ),
            []
        );
        assert_eq!(
            findings("UTILITY", &format!(r#"{{"type": "CAROUSEL", "cards": [{alike}]}}"#)),
            [(
                "UTILITY template `t` has a carousel; Meta accepts carousel templates only as MARKETING".to_string(),
                None,
                "/components/1/type".to_string()
            )]
        );
        let eleven = vec![card("IMAGE", URL); 11].join(", ");
        assert_eq!(
            findings(
                "MARKETING",
                &format!(r#"{{"type": "CAROUSEL", "cards": [{eleven}]}}"#)
            ),
            [(
                "the carousel has 11 cards; WhatsApp allows at most 10".to_string(),
                None,
                "/components/1/cards/10".to_string()
            )]
        );
        let one = card("IMAGE", URL);
        assert_eq!(
            findings(
                "MARKETING",
                &format!(r#"{{"type": "CAROUSEL", "cards": [{one}]}}"#)
            ),
            [(
                "the carousel has 1 card; Meta asks for at least 2".to_string(),
                Some(Severity::Warning),
                "/components/1/type".to_string()
            )]
        );
        let differ = [
            card("IMAGE", URL),
            card("IMAGE", &format!("{URL}, {REPLY}")),
            card("VIDEO", URL),
        ]
        .join(", ");
        let found = findings(
            "MARKETING",
            &format!(r#"{{"type": "CAROUSEL", "cards": [{differ}]}}"#),
        );
        assert_eq!(
            found.iter().map(|f| (f.0.as_str(), f.2.as_str())).collect::<Vec<_>>(),
            [
                ("carousel card 2 has HEADER (IMAGE), BODY, BUTTONS (URL, QUICK_REPLY); card 1 has HEADER (IMAGE), BODY, BUTTONS (URL); every card must have the same components", "/components/1/cards/1"),
                ("carousel card 3 has HEADER (VIDEO), BODY, BUTTONS (URL); card 1 has HEADER (IMAGE), BODY, BUTTONS (URL); every card must have the same components", "/components/1/cards/2"),
            ]
        );
    }

    #[test]
    fn offers_codes_and_catalogs_keep_their_shape() {
        let offer = r#"{"type": "LIMITED_TIME_OFFER", "limited_time_offer": {"text": "Ends soon", "has_expiration": true}}, {"type": "FOOTER", "text": "Terms apply"}"#;
        assert_eq!(
            findings("UTILITY", offer)
                .into_iter()
                .map(|f| (f.0, f.2))
                .collect::<Vec<_>>(),
            [
                ("UTILITY template `t` has a limited-time offer; Meta accepts limited-time-offer templates only as MARKETING".to_string(), "/components/1/type".to_string()),
                ("template `t` has a limited-time offer and a FOOTER; limited-time-offer templates have no footer".to_string(), "/components/2/type".to_string()),
            ]
        );
        let code =
            r#"{"type": "BUTTONS", "buttons": [{"type": "COPY_CODE", "example": "SPRING25"}]}"#;
        assert_eq!(
            findings("UTILITY", code),
            [(
                "UTILITY template `t` has a COPY_CODE button; copy-code (coupon) buttons belong to MARKETING templates".to_string(),
                Some(Severity::Warning),
                "/components/1/buttons/0/type".to_string()
            )]
        );
        assert_eq!(findings("MARKETING", code), []);
        let catalog = format!(
            r#"{{"type": "BUTTONS", "buttons": [{{"type": "CATALOG", "text": "View catalog"}}, {REPLY}]}}"#
        );
        assert_eq!(
            findings("UTILITY", &catalog),
            [
                ("UTILITY template `t` has a CATALOG button; catalog and multi-product templates are MARKETING".to_string(), Some(Severity::Error), "/components/1/buttons/0/type".to_string()),
                ("template `t` has a CATALOG button and 2 buttons in all; a CATALOG template carries only that one button".to_string(), Some(Severity::Warning), "/components/1/buttons/1/type".to_string()),
            ]
        );
        let mpm = r#"{"type": "BUTTONS", "buttons": [{"type": "MPM", "text": "View items"}]}"#;
        assert_eq!(findings("MARKETING", mpm), []);
        assert_eq!(findings("UTILITY", mpm)[0].1, Some(Severity::Warning));
    }

    /// WA124's findings on a template with `buttons` (JSON button objects) and no offer.
    fn desktop(buttons: &[&str]) -> Vec<(String, String)> {
        findings_of(
            RuleId::WA124,
            "MARKETING",
            &format!(
                r#"{{"type": "BUTTONS", "buttons": [{}]}}"#,
                buttons.join(", ")
            ),
        )
        .into_iter()
        .map(|f| (f.0, f.2))
        .collect()
    }

    #[test]
    fn desktop_skips_four_buttons_and_quick_replies_beside_other_buttons() {
        assert_eq!(desktop(&[REPLY, REPLY, REPLY]), []);
        assert_eq!(desktop(&[URL, URL]), []);
        assert_eq!(
            desktop(&[REPLY, REPLY, REPLY, REPLY]),
            [("template `t` has 4 buttons; WhatsApp desktop does not show a template with 4 or more buttons and asks the customer to open it on their phone".to_string(), "/components/1/buttons/3/type".to_string())]
        );
        assert_eq!(
            desktop(&[REPLY, REPLY, URL]),
            [("template `t` has quick replies beside a URL button; WhatsApp desktop does not show a template that mixes quick replies with other button types and asks the customer to open it on their phone".to_string(), "/components/1/buttons/2/type".to_string())]
        );
        let found = desktop(&[URL, REPLY]);
        assert_eq!(
            found.iter().map(|f| f.1.as_str()).collect::<Vec<_>>(),
            ["/components/1/buttons/1/type"]
        );
        assert!(found[0].0.contains("beside a URL button"), "{found:?}");
        // Four buttons that also mix kinds are told once, by count.
        assert_eq!(desktop(&[URL, REPLY, REPLY, REPLY]).len(), 1);
        // Carousel cards' buttons are not the template's buttons.
        let cards = [
            card("IMAGE", &format!("{URL}, {REPLY}")),
            card("IMAGE", &format!("{URL}, {REPLY}")),
        ]
        .join(", ");
        assert_eq!(
            findings_of(
                RuleId::WA124,
                "MARKETING",
                &format!(r#"{{"type": "CAROUSEL", "cards": [{cards}]}}"#)
            ),
            []
        );
    }

    #[test]
    fn web_and_desktop_do_not_show_a_limited_time_offer() {
        let offer = r#"{"type": "LIMITED_TIME_OFFER", "limited_time_offer": {"text": "Ends soon", "has_expiration": true}}"#;
        assert_eq!(
            findings_of(RuleId::WA124, "MARKETING", offer),
            [(
                "template `t` has a limited-time offer; WhatsApp web and desktop do not show the offer, only a note that it is not supported".to_string(),
                None,
                "/components/1/type".to_string()
            )]
        );
    }
}
