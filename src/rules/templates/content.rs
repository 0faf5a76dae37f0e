//! What templates say: WA109 marketing-without-opt-out, WA110 template-category-mismatch,
//! WA111 sensitive-data-request, WA115 brand-inconsistent, WA122 restricted-goods. The word
//! lists are data in `rules/data/`.

use std::sync::LazyLock;

use crate::catalogue::RuleId;
use crate::data;
use crate::diagnostic::{Applicability, At, Edit, Finding, Fix};
use crate::model::reader::Keyword;
use crate::model::template::{variables, ButtonType, Category, ComponentType, Field};
use crate::model::{ConversationFlow, LanguageCode, Site, Template};
use crate::rules::wording::{
    self, AreaSets, ByLanguage, FoldedText, PhraseSet, PhrasesInContext, RequestLists,
};
use crate::rules::Context;
use crate::text;

// --- WA109 marketing-without-opt-out ----------------------------------------------------------

static OPT_OUT: LazyLock<PhrasesInContext> = LazyLock::new(|| {
    let lists = wording::phrase_sets(&data::load(data::OPT_OUT_WORDING));
    PhrasesInContext::merged(lists.iter().map(|(_, set)| set))
});

/// WA109 marketing-without-opt-out: no quick reply, link button, footer or body line that
/// lets the customer stop marketing messages (word lists in `rules/data/opt_out_wording.yaml`).
pub fn marketing_without_opt_out(template: &Template, _ctx: &Context, out: &mut Vec<Finding>) {
    if !template.is(Category::Marketing) || super::is_sample(template) {
        return;
    }
    let Some(category) = &template.category else {
        return;
    };
    let mut texts: Vec<&str> = Vec::new();
    for (_, component) in template.all_components() {
        if component.is(ComponentType::Footer) || component.is(ComponentType::Body) {
            texts.extend(component.text.as_ref().map(|t| t.value.as_str()));
        }
        for button in component
            .buttons
            .iter()
            .filter(|b| b.is(ButtonType::QuickReply) || b.is(ButtonType::Url))
        {
            texts.extend(button.text.as_ref().map(|t| t.value.as_str()));
        }
    }
    let offers_opt_out = texts.iter().any(|text| {
        let folded = FoldedText::new(text);
        !OPT_OUT.find(&folded).is_empty()
    });
    if offers_opt_out {
        return;
    }
    out.push(
        Finding::new(
            RuleId::WA109,
            At::Node(category.node),
            format!(
                "MARKETING template `{}` offers no way to stop marketing messages: no opt-out button and no STOP instruction",
                template.name_str()
            ),
        )
        .help("add a QUICK_REPLY button such as \"Stop promotions\" and say so in the footer (\"Not interested? Tap Stop promotions\")"),
    );
}

// --- WA110 template-category-mismatch ---------------------------------------------------------

static PROMOTIONAL: LazyLock<ByLanguage<PhrasesInContext>> =
    LazyLock::new(|| wording::phrases_by_language(&data::load(data::PROMOTIONAL_WORDING)));

/// Byte ranges a word list must not match in: web addresses and variables.
fn masked(text: &str) -> Vec<(usize, usize)> {
    let mut ranges: Vec<(usize, usize)> =
        text::urls(text).iter().map(|u| (u.start, u.end)).collect();
    ranges.extend(variables(text).iter().map(|v| (v.start, v.end)));
    ranges
}

fn overlaps(ranges: &[(usize, usize)], start: usize, end: usize) -> bool {
    ranges.iter().any(|&(s, e)| start < e && s < end)
}

/// WA110 template-category-mismatch: promotional wording in a UTILITY or AUTHENTICATION
/// template (word lists in `rules/data/promotional_wording.yaml`).
pub fn template_category_mismatch(template: &Template, _ctx: &Context, out: &mut Vec<Finding>) {
    let Some(category) = template
        .category
        .as_ref()
        .filter(|c| matches!(c.value, Category::Utility | Category::Authentication))
    else {
        return;
    };
    let language = template.language.as_ref().map(|l| &l.value);
    for field in template.texts() {
        if field.field == Field::Url {
            continue;
        }
        let text = &field.text.value;
        let folded = FoldedText::new(text);
        let masked = masked(text);
        let hit = PROMOTIONAL
            .for_language(language)
            .find(&folded)
            .into_iter()
            .find(|m| !overlaps(&masked, m.start, m.end));
        let Some(hit) = hit else { continue };
        // `% off` reads better with its number: underline `20% off`.
        let mut start = hit.start;
        if text.get(start..).is_some_and(|rest| rest.starts_with('%')) {
            while start > 0
                && text
                    .as_bytes()
                    .get(start - 1)
                    .is_some_and(|b| b.is_ascii_digit() || *b == b'.' || *b == b',')
            {
                start -= 1;
            }
        }
        let hit = wording::Match { start, ..hit };
        out.push(
            Finding::new(
                RuleId::WA110,
                At::InString(field.text.node, hit.start, hit.end),
                format!(
                    "{} template `{}` uses promotional wording (`{}`) in its {}; Meta approves such templates as MARKETING",
                    category.value.name(),
                    template.name_str(),
                    text.get(hit.start..hit.end).unwrap_or(hit.phrase),
                    field.what
                ),
            )
            .help("keep UTILITY templates to the update the customer asked for, or submit the template as MARKETING"),
        );
    }
}

// --- WA111 sensitive-data-request -------------------------------------------------------------

static SENSITIVE: LazyLock<ByLanguage<RequestLists>> =
    LazyLock::new(|| wording::requests_by_language(&data::load(data::SENSITIVE_REQUESTS)));

pub(crate) fn sensitive_finding(
    site: Site,
    text: &str,
    language: Option<&LanguageCode>,
    what: impl FnOnce() -> String,
) -> Option<Finding> {
    let lists = SENSITIVE.for_language(language);
    let (start, end, subject) = wording::sensitive_request(text, lists)?;
    let subject = text.get(subject..end).unwrap_or("");
    // Named only when there is a finding: most texts have none.
    let what = what();
    Some(
        Finding::new(
            RuleId::WA111,
            site.at_bytes(start, end),
            format!(
                "the {what} asks the customer for their {subject} (`{}`); WhatsApp's policy forbids asking for card numbers, PINs, passwords or national ID numbers in a chat",
                text.get(start..end).unwrap_or("")
            ),
        )
        .help("never collect such data in the chat: link to your own secure page (payment, login) instead"),
    )
}

/// WA111 sensitive-data-request in a template (word lists in
/// `rules/data/sensitive_requests.yaml`).
pub fn sensitive_data_request(template: &Template, _ctx: &Context, out: &mut Vec<Finding>) {
    let language = template.language.as_ref().map(|l| &l.value);
    for field in template.texts() {
        if field.field == Field::Url {
            continue;
        }
        out.extend(sensitive_finding(
            field.text.site(),
            &field.text.value,
            language,
            || field.what.clone(),
        ));
    }
}

/// WA111 sensitive-data-request in every text of a conversation flow's nodes.
pub fn sensitive_data_request_in_flow(
    flow: &ConversationFlow,
    _ctx: &Context,
    out: &mut Vec<Finding>,
) {
    for node in &flow.nodes {
        for text in node.texts() {
            out.extend(sensitive_finding(
                text.text.site(),
                &text.text.value,
                None,
                || text.what(),
            ));
        }
    }
}

// --- WA115 brand-inconsistent -----------------------------------------------------------------

/// WA115 brand-inconsistent: `brand:` from walint.yaml spelled another way as a word.
pub fn brand_inconsistent(template: &Template, ctx: &Context, out: &mut Vec<Finding>) {
    let Some(brand) = ctx
        .config
        .brand
        .as_deref()
        .map(str::trim)
        .filter(|b| !b.is_empty())
    else {
        return;
    };
    for field in template.texts() {
        if field.field == Field::Url {
            continue;
        }
        let text = &field.text.value;
        let masked = masked(text);
        for (start, end) in wording::brand_variants(text, brand) {
            if overlaps(&masked, start, end) {
                continue;
            }
            out.push(
                Finding::new(
                    RuleId::WA115,
                    At::InString(field.text.node, start, end),
                    format!(
                        "`{}` in the {} spells the brand differently from `{brand}`",
                        text.get(start..end).unwrap_or(""),
                        field.what
                    ),
                )
                .help(format!(
                    "write the brand as configured in walint.yaml: `{brand}`"
                ))
                // Unsafe: a brand that is also a word (Orange, Apple) is matched where the
                // text means the word, and the fix would change what the sentence says.
                .fix(Fix::new(
                    Applicability::Unsafe,
                    format!("write `{brand}`"),
                    vec![Edit::Replace {
                        at: At::InString(field.text.node, start, end),
                        text: brand.to_string(),
                    }],
                )),
            );
        }
    }
}

// --- WA122 restricted-goods ------------------------------------------------------------------

/// WA122's lists and the policy clause of each area.
struct Commerce {
    clauses: data::CommerceAreas<String>,
    offers: ByLanguage<PhrasesInContext>,
    goods: ByLanguage<AreaSets>,
    /// Every area's phrases in one set: a text none of them is in (most texts) is read once
    /// instead of once per area.
    any_goods: ByLanguage<PhraseSet>,
}

static COMMERCE: LazyLock<Commerce> = LazyLock::new(|| {
    let wording: data::CommerceWording = data::load(data::COMMERCE_WORDING);
    let goods = wording::areas_by_language(&wording.languages);
    Commerce {
        offers: wording::phrases_by_language(&wording.offers),
        any_goods: goods.map(|areas| PhraseSet::merged(areas.iter().map(|(_, set)| &set.phrases))),
        goods,
        clauses: wording.areas,
    }
});

/// Byte ranges of chatbot expressions (`@results.beer`, `@contact.name`, `@(upper(x))`, as
/// RapidPro writes them): a value the flow fills in, not its wording. An `@` after a letter
/// or digit is an e-mail address.
fn expressions(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let after_word = i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        if bytes[i] != b'@' || after_word {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i + 1;
        if bytes.get(end) == Some(&b'(') {
            let mut depth = 0usize;
            while let Some(&b) = bytes.get(end) {
                end += 1;
                match b {
                    b'(' => depth += 1,
                    b')' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
            }
        } else {
            while bytes
                .get(end)
                .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.'))
            {
                end += 1;
            }
            // A sentence's full stop after the expression is not part of it.
            while end > start + 1 && bytes[end - 1] == b'.' {
                end -= 1;
            }
        }
        if end > start + 1 {
            out.push((start, end));
        }
        i = end.max(start + 1);
    }
    out
}

/// One text of a message WA122 reads, with what it is for the message.
struct MessageText<'t> {
    site: Site,
    text: &'t str,
    /// Named only for a finding: most texts have none.
    what: Box<dyn Fn() -> String + 't>,
}

/// WA122 on one message (a template, a flow node): when it sells or promotes (`marketing`,
/// or a phrase of an offer in any of its texts), a finding for the first phrase of each
/// Commerce Policy area in each text, outside links, variables and expressions.
fn restricted_goods(
    texts: &[MessageText],
    language: Option<&LanguageCode>,
    marketing: Option<&str>,
    out: &mut Vec<Finding>,
) {
    let goods = COMMERCE.goods.for_language(language);
    let folded: Vec<FoldedText> = texts.iter().map(|t| FoldedText::new(t.text)).collect();
    // No phrase of any area anywhere: nothing an area's own reading could find.
    let any_goods = COMMERCE.any_goods.for_language(language);
    if folded
        .iter()
        .all(|text| any_goods.find_in(text, 0, usize::MAX).is_empty())
    {
        return;
    }
    let read: Vec<(FoldedText, Vec<(usize, usize)>)> = texts
        .iter()
        .zip(folded)
        .map(|(t, folded)| {
            let mut masked = masked(t.text);
            masked.extend(expressions(t.text));
            (folded, masked)
        })
        .collect();
    let outside = |found: Vec<wording::Match<'static>>, masked: &[(usize, usize)]| {
        found
            .into_iter()
            .find(|m| !overlaps(masked, m.start, m.end))
    };
    let mut hits = Vec::new();
    for (text, (folded, masked)) in texts.iter().zip(&read) {
        for (area, set) in goods {
            if let Some(hit) = outside(set.find(folded), masked) {
                hits.push((text, *area, hit));
            }
        }
    }
    if hits.is_empty() {
        return;
    }
    let context = match marketing {
        Some(category) => format!("in a {category} template"),
        None => {
            let offers = COMMERCE.offers.for_language(language);
            let offer = texts
                .iter()
                .zip(&read)
                .find_map(|(text, (folded, masked))| {
                    outside(offers.find(folded), masked)
                        .map(|m| text.text.get(m.start..m.end).unwrap_or(m.phrase))
                });
            let Some(offer) = offer else { return };
            format!("in an offer (`{offer}`)")
        }
    };
    for (text, area, hit) in hits {
        let clause = COMMERCE
            .clauses
            .entries()
            .into_iter()
            .find(|(key, _)| *key == area)
            .map_or("", |(_, clause)| clause.as_str());
        out.push(
            Finding::new(
                RuleId::WA122,
                text.site.at_bytes(hit.start, hit.end),
                format!(
                    "the {} names `{}` {context}: the WhatsApp Commerce Policy does not allow buying, selling or promoting \"{clause}\" on WhatsApp",
                    (text.what)(),
                    text.text.get(hit.start..hit.end).unwrap_or(hit.phrase),
                ),
            )
            .help("do not offer these goods on WhatsApp (no catalog, payment or order for them); a text that names them without offering them may stay, with a walint-ignore comment that says why"),
        );
    }
}

/// WA122 restricted-goods in a template (word lists in `rules/data/commerce_wording.yaml`).
pub fn restricted_goods_in_template(template: &Template, _ctx: &Context, out: &mut Vec<Finding>) {
    let texts: Vec<MessageText> = template
        .texts()
        .into_iter()
        .filter(|field| field.field != Field::Url)
        .map(|field| MessageText {
            site: field.text.site(),
            text: &field.text.value,
            what: Box::new(move || format!("{} of template `{}`", field.what, template.name_str())),
        })
        .collect();
    let marketing = template
        .is(Category::Marketing)
        .then(|| Category::Marketing.name());
    let language = template.language.as_ref().map(|l| &l.value);
    restricted_goods(&texts, language, marketing, out);
}

/// WA122 restricted-goods in every text of a conversation flow's nodes, each node a message.
pub fn restricted_goods_in_flow(flow: &ConversationFlow, _ctx: &Context, out: &mut Vec<Finding>) {
    for node in &flow.nodes {
        let node_texts = node.texts();
        let texts: Vec<MessageText> = node_texts
            .iter()
            .map(|text| MessageText {
                site: text.text.site(),
                text: &text.text.value,
                what: Box::new(move || text.what()),
            })
            .collect();
        restricted_goods(&texts, None, None, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::catalogue::RuleId;
    use crate::rules::{check_text, REGISTRY};
    use crate::source::Format;

    /// The findings of rule `code` on a template in `language` and `category`, with `body`,
    /// `footer` and `buttons` (a JSON list).
    fn findings(
        code: RuleId,
        name: &str,
        category: &str,
        language: &str,
        body: &str,
        footer: &str,
        buttons: &str,
    ) -> Vec<String> {
        // Test texts hold no quotes or backslashes: a JSON string is the text in quotes.
        let footer = if footer.is_empty() {
            String::new()
        } else {
            format!(r#", {{"type": "FOOTER", "text": "{footer}"}}"#)
        };
        let buttons = if buttons.is_empty() {
            String::new()
        } else {
            format!(r#", {{"type": "BUTTONS", "buttons": {buttons}}}"#)
        };
        let text = format!(
            r#"{{"name": "{name}", "language": "{language}", "category": "{category}", "components": [{{"type": "BODY", "text": "{body}"}}{footer}{buttons}]}}"#
        );
        let rules: Vec<_> = REGISTRY.iter().filter(|r| r.id == code).copied().collect();
        let (problems, out) = check_text(&text, Format::Json, &rules);
        assert!(problems.is_empty(), "{problems:?}");
        out.into_iter().map(|f| f.message).collect()
    }

    fn promotional(language: &str, body: &str) -> Vec<String> {
        findings(RuleId::WA110, "update", "UTILITY", language, body, "", "")
    }

    #[test]
    fn everyday_words_are_not_promotional_wording() {
        // A Chilean payslip, a Brazilian bill settlement.
        assert_eq!(
            promotional(
                "es_CL",
                "Tu liquidación de sueldo de marzo ya está disponible."
            ),
            Vec::<String>::new()
        );
        assert_eq!(
            promotional("pt_BR", "A liquidação da fatura {{1}} foi confirmada."),
            Vec::<String>::new()
        );
        // A class year, a job promotion.
        assert_eq!(
            promotional(
                "es_MX",
                "La ceremonia de la promoción 2026 es el viernes {{1}}."
            ),
            Vec::<String>::new()
        );
        assert_eq!(
            promotional(
                "en_US",
                "Congratulations on your promotion, {{1}}: your new badge is ready."
            ),
            Vec::<String>::new()
        );
        assert_eq!(
            promotional(
                "fr",
                "La remise des diplômes de la promotion 2026 a lieu le {{1}}."
            ),
            Vec::<String>::new()
        );
        assert_eq!(
            promotional(
                "pt_BR",
                "Parabéns pela promoção, {{1}}! Seu novo contrato está pronto."
            ),
            Vec::<String>::new()
        );
        assert_eq!(
            promotional(
                "en_US",
                "Your appointment is on {{1}}. No need to hurry, we hold it for 15 minutes."
            ),
            Vec::<String>::new()
        );
        // An opt-out confirmation, which Meta allows as utility.
        assert_eq!(promotional("en_US", "You have been unsubscribed from promotions. You will no longer receive promotional messages from {{1}}."), Vec::<String>::new());
    }

    #[test]
    fn sales_wording_stays_promotional_in_context() {
        for (language, body, phrase) in [
            (
                "es_CL",
                "Liquidación total: todo a mitad de precio, {{1}}.",
                "Liquidación total",
            ),
            (
                "pt_BR",
                "Aproveite a promoção de inverno, {{1}}!",
                "Aproveite a promoção",
            ),
            ("en_US", "Hi {{1}}, get 50% off your next order.", "50% off"),
            (
                "en_US",
                "Hurry, {{1}}: our promotion ends tonight.",
                "Hurry",
            ),
            (
                "en_US",
                "Hi {{1}}, our promotion ends tonight.",
                "our promotion",
            ),
            (
                "fr",
                "Bonjour {{1}}, nos promotions de printemps sont là.",
                "nos promotions",
            ),
        ] {
            let out = promotional(language, body);
            assert!(
                out.len() == 1 && out[0].contains(&format!("(`{phrase}`)")),
                "{body}: {out:?}"
            );
        }
    }

    fn opt_out_missing(body: &str, footer: &str, buttons: &str) -> bool {
        !findings(
            RuleId::WA109,
            "spring_sale",
            "MARKETING",
            "en_US",
            body,
            footer,
            buttons,
        )
        .is_empty()
    }

    #[test]
    fn opt_outs_are_found_in_link_buttons_and_more_languages() {
        let body = "Hi {{1}}, the spring collection is here.";
        let link = |label: &str| {
            format!(
                r#"[{{"type": "URL", "text": "{label}", "url": "https://acme.example/prefs"}}]"#
            )
        };
        assert!(!opt_out_missing(body, "", &link("Unsubscribe")));
        assert!(!opt_out_missing(body, "", &link("Manage preferences")));
        assert!(opt_out_missing(body, "", &link("Shop the collection")));
        for footer in [
            "Non vuoi più ricevere messaggi? Rispondi ANNULLA",
            "Geen berichten meer? Antwoord STOP",
            "Mesaj almak istemiyorsanız İPTAL yazın",
            "لإلغاء الاشتراك أرسل توقف",
            "सदस्यता रद्द करने के लिए STOP भेजें",
        ] {
            assert!(!opt_out_missing(body, footer, ""), "{footer}");
        }
    }

    #[test]
    fn everyday_words_are_no_opt_out() {
        let body = "Hi {{1}}, the spring collection is here.";
        for footer in [
            "Stop by our store this weekend",
            "Precios a la baja en toda la tienda",
            "Vamos sair para jantar?",
        ] {
            assert!(opt_out_missing(body, footer, ""), "{footer}");
        }
    }

    #[test]
    fn samples_of_meta_documentation_are_not_the_business_templates() {
        // `<TEMPLATE_NAME>` and `{{flow-name}}`, as Meta's Postman samples write them.
        for name in ["<TEMPLATE_NAME>", "{{template-name}}"] {
            for code in [RuleId::WA109, RuleId::WA116] {
                let out = findings(
                    code,
                    name,
                    "MARKETING",
                    "en_US",
                    "Check out this new offer",
                    "",
                    "",
                );
                assert!(out.is_empty(), "{code:?} {name}: {out:?}");
            }
        }
        let out = findings(
            RuleId::WA116,
            "new_offer",
            "MARKETING",
            "en_US",
            "Check out this new offer",
            "",
            "",
        );
        assert_eq!(out.len(), 1);
    }

    fn sensitive(body: &str) -> Vec<String> {
        findings(
            RuleId::WA111,
            "account_update",
            "UTILITY",
            "en_IN",
            body,
            "",
            "",
        )
    }

    #[test]
    fn what_the_business_sends_and_harmless_numbers_are_no_request() {
        // An Indian PIN code is a postal code.
        assert_eq!(
            sensitive("Please share your PIN code so we can check delivery to {{1}}."),
            Vec::<String>::new()
        );
        assert_eq!(
            sensitive("Hi {{1}}, we will send your new password by email."),
            Vec::<String>::new()
        );
        assert_eq!(
            sensitive("We'll soon share your card details with you on the portal, {{1}}."),
            Vec::<String>::new()
        );
        // A business's tax ID on a B2B invoice.
        assert_eq!(
            sensitive("To issue invoice {{1}}, please share your tax ID."),
            Vec::<String>::new()
        );
    }

    #[test]
    fn real_requests_are_caught_with_a_negation_elsewhere() {
        for body in [
            "Don't forget to send your card number and CVV to confirm order {{1}}.",
            "We need you to send your PIN to unlock order {{1}}.",
            "Please share your ATM PIN code to verify order {{1}}.",
            "Will you send your password, {{1}}?",
        ] {
            assert_eq!(sensitive(body).len(), 1, "{body}");
        }
    }

    /// WA111 reads every text of a flow node, not only `text`: the header, footer, list
    /// button, section titles and each option's title and description.
    #[test]
    fn every_text_of_a_flow_node_is_read_for_sensitive_requests() {
        let yaml = r#"flow: f
entry: a
nodes:
  a:
    type: menu
    style: list
    header: "Please send us your card number"
    text: "Hi"
    footer: "Send your PIN to unlock"
    button: "Send your password"
    sections:
      - title: "Share your CVV"
        options:
          - {title: "x", description: "Please send your card number", next: a}
    fallback: a
  b:
    type: menu
    text: "Choose"
    options:
      - {title: "Send your PIN", next: b}
    fallback: b
"#;
        let tree = crate::source::parse(yaml, Format::Yaml).unwrap();
        let rules: Vec<_> = REGISTRY
            .iter()
            .filter(|r| r.id == RuleId::WA111)
            .copied()
            .collect();
        let (problems, findings) = check_text(yaml, Format::Yaml, &rules);
        assert!(problems.is_empty(), "{problems:?}");
        let found: Vec<String> = findings
            .iter()
            .map(|f| match f.at {
                crate::diagnostic::At::InString(node, ..) => tree.pointer(node),
                ref other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            found,
            [
                "/nodes/a/header",
                "/nodes/a/footer",
                "/nodes/a/button",
                "/nodes/a/sections/0/title",
                "/nodes/a/sections/0/options/0/description",
                "/nodes/b/options/0/title",
            ]
        );
        assert!(findings[0]
            .message
            .starts_with("the header of node `a` asks the customer for their card number"));
    }

    fn goods(category: &str, language: &str, body: &str) -> Vec<String> {
        findings(RuleId::WA122, "offer", category, language, body, "", "")
    }

    /// The words WA122 names in its findings: what is between the first pair of backticks
    /// after "names".
    fn named(out: &[String]) -> Vec<String> {
        out.iter()
            .filter_map(|m| m.split("names `").nth(1)?.split('`').next())
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn everyday_words_are_no_restricted_goods() {
        // A MARKETING template promotes by itself: only the goods lists decide here.
        for (language, body) in [
            ("en_US", "Send us a screenshot of the spot where the teapot broke, {{1}}."),
            ("en_US", "The wine red jacket is back, {{1}}: we have begun restocking, better late than never."),
            ("en_US", "Adult sizes and adult tickets are ready, {{1}}. The alphabet puzzle evaporates the boredom."),
            ("en_US", "A hot glue gun, a massage gun and weed killer for your garden, {{1}}: you bet!"),
            ("en_US", "Root beer and ginger beer for the kids' party, {{1}}. Our best bet: the tobacco brown sofa."),
            ("en_US", "Grab the bullet points of our booster shot guide, {{1}}, and book one of the free slots."),
            ("de", "Ihr Paket liegt im Lager, {{1}}. Tickets für Erwachsene kosten 12 €, wetten, dass es gefällt?"),
            ("es_MX", "Hola {{1}}, vino a la tienda tu pedido: arma tu combo con zapatos color tabaco."),
            ("es_ES", "La pistola de silicona y la granada de postre, {{1}}: apostamos por la calidad."),
            ("pt_BR", "Olá {{1}}, o vestido vinho chegou. Acompanhantes permitidos: 1. A marca aposta em você."),
            ("fr", "Bonjour {{1}}, votre colis vous attend au bureau de tabac. Valise à roulettes et jus de grenade."),
            ("id", "Halo {{1}}, tiket dewasa sudah siap. Kawasan bebas asap rokok, ikut arak-arakan besok."),
        ] {
            assert_eq!(goods("MARKETING", language, body), Vec::<String>::new(), "{body}");
        }
    }

    #[test]
    fn restricted_goods_are_found_in_every_area_and_language() {
        for (language, body, word, clause) in [
            (
                "en_US",
                "Hi {{1}}, our craft beer selection is in.",
                "craft beer",
                "Alcohol",
            ),
            (
                "en_US",
                "Hi {{1}}, new vape flavours this week.",
                "vape",
                "Tobacco items and related paraphernalia",
            ),
            (
                "en_US",
                "Hi {{1}}, handguns and ammo at the range shop.",
                "handguns",
                "Weapons, ammunition, or explosives",
            ),
            (
                "en_US",
                "Hi {{1}}, claim 50 free spins today.",
                "free spins",
                "Real-money gambling",
            ),
            (
                "en_US",
                "Hi {{1}}, cannabis gummies are back.",
                "cannabis",
                "Drugs, whether prescription, recreational, or otherwise",
            ),
            (
                "en_US",
                "Hi {{1}}, sex toys for the weekend.",
                "sex toys",
                "Adult products or services",
            ),
            (
                "de",
                "Hallo {{1}}, neue Zigaretten im Sortiment.",
                "Zigaretten",
                "Tobacco items and related paraphernalia",
            ),
            (
                "es_MX",
                "Hola {{1}}, apuestas deportivas para el clásico.",
                "apuestas deportivas",
                "Real-money gambling",
            ),
            (
                "pt_BR",
                "Olá {{1}}, cerveja gelada para o jogo.",
                "cerveja",
                "Alcohol",
            ),
            (
                "fr",
                "Bonjour {{1}}, nos armes à feu de chasse.",
                "armes à feu",
                "Weapons, ammunition, or explosives",
            ),
            (
                "id",
                "Halo {{1}}, rokok elektrik rasa baru.",
                "rokok elektrik",
                "Tobacco items and related paraphernalia",
            ),
        ] {
            let out = goods("MARKETING", language, body);
            assert_eq!(named(&out), [word], "{body}: {out:?}");
            assert!(
                out[0].ends_with(&format!("promoting \"{clause}\" on WhatsApp")),
                "{out:?}"
            );
        }
        // A German word is read in German text (and in flows), not in English text.
        assert!(goods("MARKETING", "en_US", "Hallo {{1}}, Zigaretten.").is_empty());
    }

    #[test]
    fn restricted_goods_count_only_in_a_message_that_sells_or_promotes() {
        // Named without an offer: a utility text about a questionnaire.
        assert!(goods(
            "UTILITY",
            "en_US",
            "Hi {{1}}, you told us you smoke 10 cigarettes a day."
        )
        .is_empty());
        let out = goods(
            "UTILITY",
            "en_US",
            "Hi {{1}}, your order of 6 craft beers has shipped.",
        );
        assert_eq!(named(&out), ["beers"]);
        assert!(out[0].contains("in an offer (`order`)"), "{out:?}");
        let out = goods("MARKETING", "en_US", "Hi {{1}}, vodka tasting on Friday.");
        assert!(
            out[0].contains("`vodka` in a MARKETING template"),
            "{out:?}"
        );
        // "in order to" is no offer.
        assert!(goods(
            "UTILITY",
            "en_US",
            "In order to help, {{1}}: how many cigarettes a day?"
        )
        .is_empty());
    }

    #[test]
    fn restricted_goods_are_not_read_in_links_variables_or_expressions() {
        let out = goods(
            "MARKETING",
            "en_US",
            "Hi {{beer_name}}, see https://acme.example/wine and @results.beer for your order.",
        );
        assert!(out.is_empty(), "{out:?}");
        assert_eq!(
            super::expressions("Hi @contact.name, @(upper(results.beer)). Mail help@acme.example."),
            [(3, 16), (18, 40)]
        );
    }

    /// WA122 reads every text of a flow node and points at the phrase; an offer in one text of
    /// a node (its header) makes the node's other texts an offer too.
    #[test]
    fn every_text_of_a_flow_node_is_read_for_restricted_goods() {
        let yaml = r#"flow: f
entry: a
nodes:
  a:
    type: menu
    style: list
    header: "Weekend deals"
    text: "Order before 6 pm for delivery tonight"
    button: "See wines"
    sections:
      - title: "Tabaco"
        options:
          - {title: "Rolling papers", description: "Cerveja gelada", next: b}
    fallback: b
  b:
    type: menu
    text: "How many cigarettes a day?"
    options:
      - {title: "1 to 10 cigarettes", next: a}
    fallback: a
"#;
        let tree = crate::source::parse(yaml, Format::Yaml).unwrap();
        let rules: Vec<_> = REGISTRY
            .iter()
            .filter(|r| r.id == RuleId::WA122)
            .copied()
            .collect();
        let (problems, findings) = check_text(yaml, Format::Yaml, &rules);
        assert!(problems.is_empty(), "{problems:?}");
        let found: Vec<(String, usize, usize)> = findings
            .iter()
            .map(|f| match f.at {
                crate::diagnostic::At::InString(node, start, end) => {
                    (tree.pointer(node), start, end)
                }
                ref other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            found,
            [
                ("/nodes/a/button".to_string(), 4, 9),
                ("/nodes/a/sections/0/title".to_string(), 0, 6),
                ("/nodes/a/sections/0/options/0/title".to_string(), 0, 14),
                (
                    "/nodes/a/sections/0/options/0/description".to_string(),
                    0,
                    7
                ),
            ]
        );
        assert_eq!(
            findings[0].message,
            "the list button label of node `a` names `wines` in an offer (`deals`): the WhatsApp Commerce Policy does not allow buying, selling or promoting \"Alcohol\" on WhatsApp"
        );
    }

    #[test]
    fn a_phrase_belongs_to_one_commerce_policy_area() {
        let wording: crate::data::CommerceWording =
            crate::data::load(crate::data::COMMERCE_WORDING);
        let mut seen: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
        for (language, areas) in &wording.languages.0 {
            for (area, list) in areas.entries() {
                for phrase in &list.phrases {
                    let before = seen.insert(phrase.to_lowercase(), area);
                    assert!(
                        before.is_none_or(|a| a == area),
                        "{language}: `{phrase}` is in {area} and {before:?}"
                    );
                }
            }
        }
    }
}
