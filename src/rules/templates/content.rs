//! What templates say: WA109 marketing-without-opt-out, WA110 template-category-mismatch,
//! WA111 sensitive-data-request, WA115 brand-inconsistent. The word lists are data in
//! `rules/data/`.

use std::sync::LazyLock;

use crate::catalogue::RuleId;
use crate::diagnostic::{At, Finding};
use crate::model::reader::Keyword;
use crate::model::template::{variables, ButtonType, Category, ComponentType, Field};
use crate::model::{ConversationFlow, Template};
use crate::rules::wording::{self, ByLanguage, FoldedText, PhraseSet, RequestLists};
use crate::rules::Context;
use crate::source::NodeId;
use crate::text;

// --- WA109 marketing-without-opt-out ----------------------------------------------------------

static OPT_OUT: LazyLock<PhraseSet> = LazyLock::new(|| {
    let lists = wording::phrase_lists(include_str!("../../../rules/data/opt_out_wording.yaml"))
        .unwrap_or_default();
    PhraseSet::merged(lists.iter().map(|(_, set)| set))
});

/// WA109 marketing-without-opt-out: no quick reply, footer or body line that lets the
/// customer stop marketing messages (word lists in `rules/data/opt_out_wording.yaml`).
pub fn marketing_without_opt_out(template: &Template, _ctx: &Context, out: &mut Vec<Finding>) {
    if !template.is(Category::Marketing) {
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
            .filter(|b| b.is(ButtonType::QuickReply))
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

static PROMOTIONAL: LazyLock<ByLanguage<PhraseSet>> = LazyLock::new(|| {
    wording::phrases_by_language(include_str!("../../../rules/data/promotional_wording.yaml"))
});

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
    let language = template.language.as_ref().map(|l| l.value.as_str());
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

static SENSITIVE: LazyLock<ByLanguage<RequestLists>> = LazyLock::new(|| {
    wording::requests_by_language(include_str!("../../../rules/data/sensitive_requests.yaml"))
});

pub(crate) fn sensitive_finding(
    node: NodeId,
    text: &str,
    language: Option<&str>,
    what: &str,
) -> Option<Finding> {
    let lists = SENSITIVE.for_language(language);
    let (start, end, subject) = wording::sensitive_request(text, lists)?;
    let subject = text.get(subject..end).unwrap_or("");
    Some(
        Finding::new(
            RuleId::WA111,
            At::InString(node, start, end),
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
    let language = template.language.as_ref().map(|l| l.value.as_str());
    for field in template.texts() {
        if field.field == Field::Url {
            continue;
        }
        out.extend(sensitive_finding(
            field.text.node,
            &field.text.value,
            language,
            &field.what,
        ));
    }
}

/// WA111 sensitive-data-request in a conversation flow's node texts.
pub fn sensitive_data_request_in_flow(
    flow: &ConversationFlow,
    _ctx: &Context,
    out: &mut Vec<Finding>,
) {
    for node in &flow.nodes {
        if let Some(text) = &node.text {
            let what = format!("text of node `{}`", node.id);
            out.extend(sensitive_finding(text.node, &text.value, None, &what));
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
                )),
            );
        }
    }
}
