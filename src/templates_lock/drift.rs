//! Template drift: where a template's components in the repository differ from the
//! components Meta approved (as the lock holds them). Customers get Meta's copy, so a
//! repository edit that was never submitted is text nobody receives.
//!
//! Components are matched by type (HEADER, BODY, FOOTER, BUTTONS, CAROUSEL,
//! LIMITED_TIME_OFFER), buttons and carousel cards by position. Compared is what the customer
//! sees: `text`, a header's `format`, a button's type, `text`, `url` and `phone_number`, and
//! (when both sides have them) the authentication settings and other button fields. Samples
//! (`example`) are not compared. A field the repository leaves out is not compared either:
//! Meta fills in generated text (an authentication template's body and footer, an OTP
//! button's URL). Text compares exactly, apart from surrounding whitespace and line endings;
//! enumerations compare case-insensitively.

use serde_json::Value as Json;

use crate::source::{NodeId, Tree, Value};

/// The first difference found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Drift {
    /// The repository's node the difference is at.
    pub node: NodeId,
    /// What differs: "BODY `text`", "BUTTONS button 2 `url`", "the FOOTER component".
    pub place: String,
    /// The repository's value as shown in messages (`nothing` when it has none).
    pub repository: String,
    /// Meta's approved value, likewise.
    pub approved: String,
}

impl Drift {
    /// One sentence for messages and the status table.
    pub fn describe(&self) -> String {
        format!(
            "{} differs from what Meta approved: the repository has {}, Meta has {}",
            self.place, self.repository, self.approved
        )
    }
}

/// Fields of a component compared even when Meta's copy lacks them.
const COMPONENT_FIELDS: [&str; 2] = ["format", "text"];
/// Fields of a component compared when both sides have them.
const COMPONENT_SETTINGS: [&str; 2] = ["add_security_recommendation", "code_expiration_minutes"];
/// Fields of a button compared even when Meta's copy lacks them.
const BUTTON_FIELDS: [&str; 3] = ["text", "url", "phone_number"];
/// Fields of a button compared when both sides have them.
const BUTTON_SETTINGS: [&str; 3] = ["otp_type", "autofill_text", "flow_action"];
/// Enumerations: compared case-insensitively.
const KEYWORDS: [&str; 4] = ["type", "format", "otp_type", "flow_action"];

/// The first place where the repository's `components` (a node of `tree`) differ from
/// Meta's `approved` components; `None` when they agree on everything compared.
pub fn first_difference(tree: &Tree, components: NodeId, approved: &Json) -> Option<Drift> {
    let empty = Vec::new();
    let approved = approved.as_array().unwrap_or(&empty);
    compare_components(tree, components, approved, "")
}

fn compare_components(
    tree: &Tree,
    components: NodeId,
    approved: &[Json],
    prefix: &str,
) -> Option<Drift> {
    let items = tree.items(components);
    let mut used = vec![false; approved.len()];
    for &component in items {
        let kind = component_type(tree, component);
        let matched = approved.iter().enumerate().position(|(i, a)| {
            !used[i]
                && a.get("type")
                    .and_then(Json::as_str)
                    .is_some_and(|t| t.eq_ignore_ascii_case(&kind))
        });
        let Some(index) = matched else {
            return Some(Drift {
                node: tree.get(component, "type").unwrap_or(component),
                place: format!("{prefix}the {kind} component"),
                repository: "one".into(),
                approved: "none".into(),
            });
        };
        used[index] = true;
        let theirs = &approved[index];
        let place = format!("{prefix}{kind}");
        if let Some(drift) = compare_component(tree, component, theirs, &place) {
            return Some(drift);
        }
    }
    let missing = approved
        .iter()
        .zip(&used)
        .find(|(_, used)| !**used)
        .map(|(a, _)| a.get("type").and_then(Json::as_str).unwrap_or("untyped"));
    missing.map(|kind| Drift {
        node: components,
        place: format!("{prefix}the {} component", kind.to_ascii_uppercase()),
        repository: "none".into(),
        approved: "one".into(),
    })
}

fn component_type(tree: &Tree, component: NodeId) -> String {
    tree.get(component, "type")
        .and_then(|t| tree.as_str(t))
        .unwrap_or("untyped")
        .to_ascii_uppercase()
}

fn compare_component(tree: &Tree, ours: NodeId, theirs: &Json, place: &str) -> Option<Drift> {
    compare_fields(
        tree,
        ours,
        theirs,
        place,
        &COMPONENT_FIELDS,
        &COMPONENT_SETTINGS,
    )
    .or_else(|| compare_buttons(tree, ours, theirs, place))
    .or_else(|| compare_cards(tree, ours, theirs, place))
    .or_else(|| {
        let offer = tree.get(ours, "limited_time_offer")?;
        let theirs = theirs.get("limited_time_offer").unwrap_or(&Json::Null);
        compare_fields(
            tree,
            offer,
            theirs,
            &format!("{place} offer"),
            &["text"],
            &["has_expiration"],
        )
    })
}

fn compare_buttons(tree: &Tree, ours: NodeId, theirs: &Json, place: &str) -> Option<Drift> {
    let list = tree.get(ours, "buttons")?;
    let empty = Vec::new();
    let approved = theirs
        .get("buttons")
        .and_then(Json::as_array)
        .unwrap_or(&empty);
    let buttons = tree.items(list);
    if buttons.len() != approved.len() {
        return Some(Drift {
            node: list,
            place: format!("{place} `buttons`"),
            repository: count(buttons.len(), "button"),
            approved: count(approved.len(), "button"),
        });
    }
    for (i, (&button, theirs)) in buttons.iter().zip(approved).enumerate() {
        let place = format!("{place} button {}", i + 1);
        let our_type = tree
            .get(button, "type")
            .and_then(|t| tree.as_str(t))
            .unwrap_or("")
            .to_ascii_uppercase();
        let their_type = theirs
            .get("type")
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_ascii_uppercase();
        // Meta reads an OTP button back as the URL button it generates for it.
        let otp = our_type == "OTP";
        if our_type != their_type && !(otp && their_type == "URL") {
            return Some(Drift {
                node: tree.get(button, "type").unwrap_or(button),
                place: format!("{place} `type`"),
                repository: our_type,
                approved: their_type,
            });
        }
        let fields: &[&str] = if otp { &["text"] } else { &BUTTON_FIELDS };
        if let Some(drift) = compare_fields(tree, button, theirs, &place, fields, &BUTTON_SETTINGS)
        {
            return Some(drift);
        }
    }
    None
}

fn compare_cards(tree: &Tree, ours: NodeId, theirs: &Json, place: &str) -> Option<Drift> {
    let list = tree.get(ours, "cards")?;
    let empty = Vec::new();
    let approved = theirs
        .get("cards")
        .and_then(Json::as_array)
        .unwrap_or(&empty);
    let cards = tree.items(list);
    if cards.len() != approved.len() {
        return Some(Drift {
            node: list,
            place: format!("{place} `cards`"),
            repository: count(cards.len(), "card"),
            approved: count(approved.len(), "card"),
        });
    }
    for (i, (&card, theirs)) in cards.iter().zip(approved).enumerate() {
        let Some(components) = tree.get(card, "components") else {
            continue;
        };
        let empty = Vec::new();
        let approved = theirs
            .get("components")
            .and_then(Json::as_array)
            .unwrap_or(&empty);
        let prefix = format!("{place} card {} ", i + 1);
        if let Some(drift) = compare_components(tree, components, approved, &prefix) {
            return Some(drift);
        }
    }
    None
}

/// Compares `always` fields the repository writes (Meta lacking one is a difference) and
/// `when_both` fields both sides write.
fn compare_fields(
    tree: &Tree,
    ours: NodeId,
    theirs: &Json,
    place: &str,
    always: &[&str],
    when_both: &[&str],
) -> Option<Drift> {
    for &field in always.iter().chain(when_both) {
        let Some(node) = tree.get(ours, field) else {
            continue;
        };
        let their_value = theirs.get(field);
        if their_value.is_none() && when_both.contains(&field) {
            continue;
        }
        let keyword = KEYWORDS.contains(&field);
        if !same(tree.value(node), their_value, keyword) {
            return Some(Drift {
                node,
                place: format!("{place} `{field}`"),
                repository: shown_ours(tree.value(node)),
                approved: their_value.map_or_else(|| "nothing".to_string(), shown_theirs),
            });
        }
    }
    None
}

fn same(ours: &Value, theirs: Option<&Json>, keyword: bool) -> bool {
    let Some(theirs) = theirs else {
        return false;
    };
    match (ours, theirs) {
        (Value::String(a), Json::String(b)) if keyword => a.trim().eq_ignore_ascii_case(b.trim()),
        (Value::String(a), Json::String(b)) => normalise(a) == normalise(b),
        (Value::Bool(a), Json::Bool(b)) => a == b,
        (Value::Number(a), Json::Number(b)) => {
            a.parse::<f64>().ok() == b.as_f64() || a.trim() == b.to_string()
        }
        (Value::Number(a), Json::String(b)) => a.trim() == b.trim(),
        (Value::String(a), Json::Number(b)) => a.trim() == b.to_string(),
        (Value::Null, Json::Null) => true,
        _ => false,
    }
}

fn normalise(text: &str) -> String {
    text.replace("\r\n", "\n").trim().to_string()
}

fn shown_ours(value: &Value) -> String {
    match value {
        Value::String(s) => quoted(s),
        Value::Number(n) => n.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        _ => "a structure".into(),
    }
}

fn shown_theirs(value: &Json) -> String {
    match value {
        Json::String(s) => quoted(s),
        Json::Number(n) => n.to_string(),
        Json::Bool(b) => b.to_string(),
        Json::Null => "null".into(),
        _ => "a structure".into(),
    }
}

/// A text in quotes, shortened to 60 characters.
fn quoted(text: &str) -> String {
    let text = text.trim();
    match text.char_indices().nth(60) {
        Some((at, _)) => format!("\"{}…\"", &text[..at]),
        None => format!("\"{text}\""),
    }
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{parse, Format};
    use serde_json::json;

    fn drift(repository: &str, approved: Json) -> Option<Drift> {
        let tree = parse(repository, Format::Json).unwrap();
        let components = tree.get(tree.documents[0], "components").unwrap();
        first_difference(&tree, components, &approved)
    }

    const REPOSITORY: &str = r#"{"components": [
        {"type": "header", "format": "text", "text": "Order {{1}}"},
        {"type": "BODY", "text": "Hi {{1}}, your order is on its way.", "example": {"body_text": [["Ana"]]}},
        {"type": "BUTTONS", "buttons": [{"type": "URL", "text": "Track", "url": "https://acme.example/t/{{1}}"}]}
    ]}"#;

    fn approved() -> Json {
        json!([
            {"type": "HEADER", "format": "TEXT", "text": "Order {{1}}"},
            {"type": "BODY", "text": "Hi {{1}}, your order is on its way.", "example": {"body_text": [["Maria"]]}},
            {"type": "BUTTONS", "buttons": [{"type": "URL", "text": "Track", "url": "https://acme.example/t/{{1}}"}]}
        ])
    }

    #[test]
    fn the_same_template_has_no_drift_whatever_the_samples_and_case() {
        assert_eq!(drift(REPOSITORY, approved()), None);
    }

    #[test]
    fn an_edited_body_names_the_component_field_and_both_texts() {
        let mut meta = approved();
        meta[1]["text"] = json!("Hi {{1}}, your order has shipped.");
        let found = drift(REPOSITORY, meta).unwrap();
        assert_eq!(found.place, "BODY `text`");
        assert_eq!(
            found.describe(),
            "BODY `text` differs from what Meta approved: the repository has \"Hi {{1}}, your order is on its way.\", Meta has \"Hi {{1}}, your order has shipped.\""
        );
    }

    #[test]
    fn components_and_buttons_added_or_removed_are_drift() {
        let mut meta = approved();
        meta.as_array_mut().unwrap().remove(0);
        assert_eq!(
            drift(REPOSITORY, meta).unwrap().place,
            "the HEADER component"
        );
        let mut meta = approved();
        meta.as_array_mut()
            .unwrap()
            .push(json!({"type": "FOOTER", "text": "Acme"}));
        let found = drift(REPOSITORY, meta).unwrap();
        assert_eq!(
            (found.repository.as_str(), found.approved.as_str()),
            ("none", "one")
        );
        assert_eq!(found.place, "the FOOTER component");
        let mut meta = approved();
        meta[2]["buttons"][0]["url"] = json!("https://acme.example/track/{{1}}");
        assert_eq!(
            drift(REPOSITORY, meta).unwrap().place,
            "BUTTONS button 1 `url`"
        );
        let mut meta = approved();
        meta[2]["buttons"]
            .as_array_mut()
            .unwrap()
            .push(json!({"type": "QUICK_REPLY", "text": "Stop"}));
        let found = drift(REPOSITORY, meta).unwrap();
        assert_eq!(found.describe(), "BUTTONS `buttons` differs from what Meta approved: the repository has 1 button, Meta has 2 buttons");
    }

    #[test]
    fn text_meta_generates_for_authentication_is_not_drift() {
        let repository = r#"{"components": [
            {"type": "BODY", "add_security_recommendation": true},
            {"type": "FOOTER", "code_expiration_minutes": 10},
            {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "COPY_CODE", "text": "Copy code"}]}
        ]}"#;
        let meta = json!([
            {"type": "BODY", "text": "*{{1}}* is your verification code. For your security, do not share this code.", "add_security_recommendation": true},
            {"type": "FOOTER", "text": "This code expires in 10 minutes.", "code_expiration_minutes": 10},
            {"type": "BUTTONS", "buttons": [{"type": "URL", "text": "Copy code", "url": "https://www.whatsapp.com/otp/code/?otp_type=COPY_CODE&code=otp{{1}}"}]}
        ]);
        assert_eq!(drift(repository, meta.clone()), None);
        let mut longer = meta;
        longer[1]["code_expiration_minutes"] = json!(5);
        assert_eq!(
            drift(repository, longer).unwrap().place,
            "FOOTER `code_expiration_minutes`"
        );
    }

    #[test]
    fn carousel_cards_are_compared_card_by_card() {
        let repository = r#"{"components": [{"type": "CAROUSEL", "cards": [
            {"components": [{"type": "BODY", "text": "Card one"}]},
            {"components": [{"type": "BODY", "text": "Card two"}]}
        ]}]}"#;
        let meta = json!([{"type": "CAROUSEL", "cards": [
            {"components": [{"type": "BODY", "text": "Card one"}]},
            {"components": [{"type": "BODY", "text": "Card 2"}]}
        ]}]);
        assert_eq!(
            drift(repository, meta).unwrap().place,
            "CAROUSEL card 2 BODY `text`"
        );
    }
}
