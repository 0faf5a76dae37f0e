//! Message template rules (WA1xx). The variable rules (WA104–WA106) live in
//! `templates/variables.rs`, the wording rules (WA109–WA111, WA115, WA122) in
//! `templates/content.rs`, the structure rules (WA123, WA124) in `templates/structure.rs`; all of
//! them read texts through [`Template::texts`].

mod content;
mod lock;
mod structure;
mod variables;

pub use content::{
    brand_inconsistent, marketing_without_opt_out, restricted_goods_in_flow,
    restricted_goods_in_template, sensitive_data_request, sensitive_data_request_in_flow,
    template_category_mismatch,
};
pub use lock::{template_drift, template_quality_low, templates_lock_stale};
pub use structure::{template_desktop_rendering, template_structure_category};
pub use variables::{
    template_variable_example_missing, template_variable_placement, template_variable_sequence,
};

use std::collections::HashMap;
use std::sync::LazyLock;

use super::thousands;
use super::{is_placeholder, is_written_placeholder, Context};
use crate::catalogue::RuleId;
use crate::config::Config;
use crate::data::{self, Languages};
use crate::diagnostic::{Applicability, At, Edit, FileFinding, FileId, Finding, Fix, Severity};
use crate::model::flow::TemplateRef;
use crate::model::reader::{AtNode, Keyword};
use crate::model::template::{
    variables, Button, ButtonType, Category, ComponentType, Field, HeaderFormat, OtpType, Status,
    TextField, Variable, VariableKind,
};
use crate::model::{LanguageCode, Template};
use crate::text;
use crate::workspace::{Export, ExportedTemplate, Exporter, Workspace};

/// What cross-file rules read of a template.
pub(crate) fn export(template: &Template, x: &mut Exporter, config: &Config) -> ExportedTemplate {
    ExportedTemplate {
        drift: lock::drift_of(template, x, config),
        node: x.node(template.node),
        name: x.optional(&template.name),
        language: x.optional(&template.language),
        category: x.optional(&template.category),
        status: x.optional(&template.status),
        parameters: super::sends::expected_parameters(template, x),
    }
}

/// WA101 template-not-approved: references to templates that cannot be sent, and
/// stand-alone templates Meta has rejected, paused or disabled. With a templates lock, Meta's
/// status comes from it (`lock.rs`); without one, from the repository's `status` fields.
pub fn template_not_approved(workspace: &Workspace, config: &Config, out: &mut Vec<FileFinding>) {
    if let Some(lock) = &config.lock {
        return lock::not_approved(workspace, lock, out);
    }
    for (file, document) in workspace.documents() {
        match document {
            Export::Flow(flow) => {
                for reference in &flow.references {
                    check_reference(workspace, file, &reference.template, out);
                }
            }
            Export::Campaign(campaign) => {
                if let Some(reference) = &campaign.template {
                    check_reference(workspace, file, reference, out);
                }
            }
            // A send's template may live only at Meta: WA125 compares the ones it finds.
            Export::Send(_) => {}
            Export::Template(template) => {
                let Some(status) = &template.status else {
                    continue;
                };
                if matches!(
                    status.value,
                    Status::Rejected | Status::Paused | Status::Disabled
                ) {
                    let name = template.name.as_ref().map_or("", |n| n.value.as_str());
                    out.push(FileFinding {
                        file,
                        finding: Finding::new(
                            RuleId::WA101,
                            At::Node(status.node),
                            format!(
                                "template `{name}` is {}; Meta refuses to send it",
                                status.value.name()
                            ),
                        )
                        .severity(Severity::Warning)
                        .help("fix the template and resubmit it, or delete it from the repository"),
                    });
                }
            }
        }
    }
}

fn check_reference(
    workspace: &Workspace,
    file: FileId,
    reference: &TemplateRef,
    out: &mut Vec<FileFinding>,
) {
    let (name, language) = (&reference.name.value, &reference.language.value);
    let Some((template_file, template)) = workspace.template_of(reference) else {
        return;
    };
    if template.is_approved() {
        return;
    }
    let (state, related_at) = match &template.status {
        Some(status) => (format!("is {}", status.value.name()), At::Node(status.node)),
        None => (
            "has no status (it has never been through Meta's review)".to_string(),
            At::Key(template.node),
        ),
    };
    out.push(FileFinding {
        file,
        finding: Finding::new(
            RuleId::WA101,
            At::Node(reference.name.node),
            format!("template `{name}` ({language}) {state}; only APPROVED templates can be sent"),
        )
        .help("submit the template for review and wait for APPROVED, or use an approved template")
        .related(
            template_file,
            related_at,
            format!("`{name}` ({language}) is defined here"),
        ),
    });
}

// ---------------------------------------------------------------------------------------
// Per-template rules (WA102–WA116). Each number comes from a page its rule's YAML lists under
// `sources:` (rules/WA1xx.yaml). Tags: [D] documented by Meta, an error; [S] seen only in SDK
// code and [U] uncertain (reported only, or inferred), warnings.
// ---------------------------------------------------------------------------------------

/// The variables of a text that are real variables (not broken placeholders).
fn valid_variables(text: &str) -> Vec<Variable> {
    variables(text)
        .into_iter()
        .filter(|v| !matches!(v.kind, VariableKind::Malformed(_)))
        .collect()
}

fn shown(v: &Variable, text: &str) -> String {
    text.get(v.start..v.end).unwrap_or("").to_string()
}

/// A sample of a template, such as Meta's own documentation shows: its name is a placeholder
/// (`<TEMPLATE_NAME>`) for the reader to fill in. Rules about what a real template of the
/// business does for its customers (opt-out, personalisation) leave samples alone.
pub(crate) fn is_sample(template: &Template) -> bool {
    template
        .name
        .as_ref()
        .is_some_and(|name| is_written_placeholder(&name.value))
}

/// Texts that may hold variables: header, body and card bodies.
pub(crate) fn variable_texts(template: &Template) -> Vec<TextField<'_>> {
    template
        .texts()
        .into_iter()
        .filter(|f| matches!(f.field, Field::Header | Field::Body | Field::CardBody))
        .collect()
}

// --- WA102 template-name-invalid ----------------------------------------------------------

const MAX_NAME: usize = 512;

/// WA102 template-name-invalid: `^[a-z0-9_]{1,512}$`.
pub fn template_name_invalid(template: &Template, _ctx: &Context, out: &mut Vec<Finding>) {
    let Some(name) = &template.name else { return };
    let value = &name.value;
    if is_written_placeholder(value) {
        return;
    }
    let help =
        "template names use only lowercase letters, digits and underscores, e.g. `order_shipped`";
    if value.is_empty() {
        out.push(
            Finding::new(RuleId::WA102, At::Node(name.node), "template name is empty").help(help),
        );
        return;
    }
    let length = value.chars().count();
    if length > MAX_NAME {
        out.push(
            Finding::new(
                RuleId::WA102,
                At::Node(name.node),
                format!(
                    "template name has {} characters; Meta allows at most {MAX_NAME}",
                    thousands(length)
                ),
            )
            .help("shorten the name"),
        );
    }
    let mut bad: Vec<char> = Vec::new();
    for c in value.chars() {
        if !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || bad.contains(&c)) {
            bad.push(c);
        }
    }
    if bad.is_empty() {
        return;
    }
    let listed: Vec<String> = bad
        .iter()
        .take(5)
        .map(|&c| match c {
            ' ' => "a space".to_string(),
            c => format!("`{c}`"),
        })
        .collect();
    let mut suggestion = String::new();
    for c in value.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            suggestion.push(c);
        } else if (c == '_' || !c.is_alphanumeric()) && !suggestion.ends_with('_') {
            suggestion.push('_');
        }
    }
    let suggestion = suggestion.trim_matches('_');
    let help = if suggestion.is_empty() {
        help.to_string()
    } else {
        format!("rename it, e.g. to `{suggestion}`")
    };
    let mut finding = Finding::new(
        RuleId::WA102,
        At::Node(name.node),
        format!(
            "template name `{value}` may use only lowercase letters, digits and underscores; it contains {}",
            listed.join(", ")
        ),
    )
    .help(help);
    if !suggestion.is_empty() && suggestion.len() <= MAX_NAME {
        // Unsafe: the name is the template's identity at Meta and in every flow that sends it.
        finding = finding.fix(Fix::new(
            Applicability::Unsafe,
            format!("rename the template to `{suggestion}`"),
            vec![Edit::Value {
                node: name.node,
                text: suggestion.to_string(),
            }],
        ));
    }
    out.push(finding);
}

// --- WA103 template-text-too-long -----------------------------------------------------------

/// WA103 template-text-too-long: header 60, body 1024, card body 160, footer 60, button
/// labels 25, URL 2000, phone number 20, copy code 15 ([D]); FLOW/CATALOG/MPM/SPM labels 25
/// and the limited-time-offer text 16 are only seen in SDKs ([S], warnings).
pub fn template_text_too_long(template: &Template, _ctx: &Context, out: &mut Vec<Finding>) {
    let mut check = |what: &str, text: &AtNode<String>, limit: usize, documented: bool| {
        let length = text.value.chars().count();
        if length <= limit {
            return;
        }
        let mut finding = Finding::new(
            RuleId::WA103,
            At::Node(text.node),
            format!(
                "{what} has {} characters; WhatsApp allows at most {limit}",
                thousands(length)
            ),
        )
        .help(match length - limit {
            1 => "shorten it by 1 character".to_string(),
            over => format!("shorten it by {} characters", thousands(over)),
        });
        if !documented {
            finding = finding.severity(Severity::Warning);
        }
        out.push(finding);
    };
    for field in template.texts() {
        let (limit, documented) = match field.field {
            Field::Header => (60, true),
            Field::Body => (1024, true),
            Field::CardBody => (160, true),
            Field::Footer => (60, true),
            Field::AutofillText => (25, true),
            Field::Url => (2000, true),
            Field::OfferText => (16, false),
            Field::ButtonText => continue,
        };
        check(&field.what, field.text, limit, documented);
    }
    for button in template.all_buttons() {
        let Some(kind) = button.kind.as_ref().map(|k| k.value) else {
            continue;
        };
        if let Some(text) = &button.text {
            let documented = matches!(
                kind,
                ButtonType::QuickReply
                    | ButtonType::Url
                    | ButtonType::PhoneNumber
                    | ButtonType::Otp
                    | ButtonType::CopyCode
            );
            check(
                &format!("{} button text", kind.name()),
                text,
                25,
                documented,
            );
        }
        if let Some(phone) = &button.phone_number {
            check("phone number", phone, 20, true);
        }
        if kind == ButtonType::CopyCode {
            if let Some(code) = button.example.as_ref().and_then(|e| e.value.first()) {
                check("copy code", code, 15, true);
            }
        }
    }
}

// --- WA107 template-button-limits -------------------------------------------------------------

const MAX_BUTTONS: usize = 10;
const MAX_CARD_BUTTONS: usize = 2;

/// WA107 template-button-limits: at most 10 buttons, 2 URL, 1 phone number, 1 copy code
/// ([D]), 1 voice call ([S]); quick replies in one block, each with its own label; at most 2
/// buttons per carousel card.
pub fn template_button_limits(template: &Template, ctx: &Context, out: &mut Vec<Finding>) {
    for component in template
        .components
        .iter()
        .filter(|c| c.is(ComponentType::Buttons))
    {
        let buttons = &component.buttons;
        if buttons.len() > MAX_BUTTONS {
            let at = component
                .buttons_node
                .map_or(At::Key(component.node), At::Node);
            out.push(
                Finding::new(
                    RuleId::WA107,
                    at,
                    format!(
                        "the template has {} buttons; WhatsApp allows at most {MAX_BUTTONS}",
                        buttons.len()
                    ),
                )
                .help(
                    "keep the most useful buttons; a list of choices can go into a WhatsApp Flow",
                ),
            );
        }
        for (kind, cap, documented) in [
            (ButtonType::Url, 2, true),
            (ButtonType::PhoneNumber, 1, true),
            (ButtonType::CopyCode, 1, true),
            (ButtonType::VoiceCall, 1, false),
        ] {
            let of_kind: Vec<&Button> = buttons.iter().filter(|b| b.is(kind)).collect();
            if of_kind.len() > cap {
                let Some(extra) = of_kind.get(cap).and_then(|b| b.kind.as_ref()) else {
                    continue;
                };
                let mut finding = Finding::new(
                    RuleId::WA107,
                    At::Node(extra.node),
                    format!(
                        "the template has {} {} buttons; WhatsApp allows at most {cap}",
                        of_kind.len(),
                        kind.name()
                    ),
                )
                .help("remove the extra buttons");
                if !documented {
                    finding = finding.severity(Severity::Warning);
                }
                out.push(finding);
            }
        }
        // Quick replies form one block, before or after every other button.
        let mut seen_quick_reply = false;
        let mut separator: Option<&Button> = None;
        for button in buttons {
            if button.is(ButtonType::QuickReply) {
                if let (true, Some(between)) = (seen_quick_reply, separator) {
                    let between = between.kind.as_ref().map_or("another", |k| k.value.name());
                    if let Some(kind) = &button.kind {
                        out.push(
                            Finding::new(
                                RuleId::WA107,
                                At::Node(kind.node),
                                format!("this QUICK_REPLY button is separated from the other quick replies by a {between} button; quick replies must stay together"),
                            )
                            .help("put all QUICK_REPLY buttons together, before or after the other buttons"),
                        );
                    }
                    break;
                }
                seen_quick_reply = true;
            } else if seen_quick_reply && separator.is_none() {
                separator = Some(button);
            }
        }
    }
    for (card, component) in template.all_components() {
        if component.is(ComponentType::Buttons) {
            duplicate_quick_replies(ctx.file, card, &component.buttons, out);
        }
        let Some(card) = card else { continue };
        if component.is(ComponentType::Buttons) && component.buttons.len() > MAX_CARD_BUTTONS {
            let at = component
                .buttons_node
                .map_or(At::Key(component.node), At::Node);
            out.push(
                Finding::new(
                    RuleId::WA107,
                    at,
                    format!(
                        "carousel card {} has {} buttons; WhatsApp allows at most {MAX_CARD_BUTTONS} per card",
                        card + 1,
                        component.buttons.len()
                    ),
                )
                .help("keep two buttons per card"),
            );
        }
    }
}

/// Two QUICK_REPLY buttons of one message (the template, or one carousel card) with the same
/// label: the customer cannot tell them apart, and the reply carries only the label and the
/// payload. A warning: Meta's template pages do not say it refuses them.
fn duplicate_quick_replies(
    file: FileId,
    card: Option<usize>,
    buttons: &[Button],
    out: &mut Vec<Finding>,
) {
    let mut seen: HashMap<&str, &AtNode<String>> = HashMap::new();
    for text in buttons
        .iter()
        .filter(|b| b.is(ButtonType::QuickReply))
        .filter_map(|b| b.text.as_ref())
    {
        let label = text.value.trim();
        let Some(first) = seen.get(label) else {
            seen.insert(label, text);
            continue;
        };
        let place = card.map_or(String::new(), |i| format!(" on carousel card {}", i + 1));
        out.push(
            Finding::new(
                RuleId::WA107,
                At::Node(text.node),
                format!("two QUICK_REPLY buttons{place} are labelled `{label}`; each quick reply needs its own label"),
            )
            .severity(Severity::Warning)
            .related(
                file,
                At::Node(first.node),
                "the first quick reply with this label",
            )
            .help("give each quick reply its own label, or remove the repeated one"),
        );
    }
}

// --- WA112 invalid-language-code --------------------------------------------------------------

static LANGUAGES: LazyLock<Vec<LanguageCode>> = LazyLock::new(|| {
    let data: Languages = data::load(data::LANGUAGES);
    data.languages.into_iter().map(LanguageCode::new).collect()
});

/// `ll`, `lll` or `ll_CC`: the shape of a language code.
fn well_formed(code: &str) -> bool {
    let mut parts = code.split('_');
    let language = parts.next().unwrap_or("");
    let region = parts.next();
    parts.next().is_none()
        && (2..=3).contains(&language.len())
        && language.bytes().all(|b| b.is_ascii_lowercase())
        && region.is_none_or(|r| r.len() == 2 && r.bytes().all(|b| b.is_ascii_uppercase()))
}

/// WA112 invalid-language-code: the codes of `rules/data/languages.yaml`.
pub fn invalid_language_code(template: &Template, _ctx: &Context, out: &mut Vec<Finding>) {
    let Some(language) = &template.language else {
        return;
    };
    let code = language.value.as_str();
    if LANGUAGES.contains(&language.value) || is_written_placeholder(code) {
        return;
    }
    let trimmed = LanguageCode::new(code.trim());
    if let Some(listed) = LANGUAGES.iter().find(|l| l.matches(&trimmed)) {
        out.push(
            Finding::new(
                RuleId::WA112,
                At::Node(language.node),
                format!("language code `{code}` is not written the way WhatsApp expects; did you mean `{listed}`?"),
            )
            .help(format!("write `{listed}`: language in lower case, region in upper case, joined by `_`"))
            .fix(Fix::new(
                Applicability::Safe,
                format!("write `{listed}`"),
                vec![Edit::Value { node: language.node, text: listed.to_string() }],
            )),
        );
        return;
    }
    let regional: Vec<&str> = LANGUAGES
        .iter()
        .filter(|l| l.same_language(&language.value))
        .map(LanguageCode::as_str)
        .collect();
    let suggestion = if !regional.is_empty() {
        let listed: Vec<String> = regional.iter().take(4).map(|l| format!("`{l}`")).collect();
        format!("; did you mean {}?", listed.join(" or "))
    } else {
        crate::suggest::did_you_mean(code, LANGUAGES.iter().map(LanguageCode::as_str))
    };
    let mut finding = Finding::new(
        RuleId::WA112,
        At::Node(language.node),
        format!("WhatsApp does not support the language code `{code}`{suggestion}"),
    )
    .help("use one of the codes on Meta's supported-languages page, e.g. `en_US`, `de`, `pt_BR`");
    if well_formed(code) {
        // A well-formed code missing from the list may be a newer language (the list is
        // an SDK's copy of Meta's page): a warning, not an error.
        finding = finding.severity(Severity::Warning);
    }
    out.push(finding);
}

// --- WA113 duplicate-template -----------------------------------------------------------------

/// WA113 duplicate-template: the same name and language defined twice, in one file or two.
pub fn duplicate_template(workspace: &Workspace, _config: &Config, out: &mut Vec<FileFinding>) {
    for (file, document) in workspace.documents() {
        let Export::Template(template) = document else {
            continue;
        };
        let (Some(name), Some(language)) = (&template.name, &template.language) else {
            continue;
        };
        if is_placeholder(&name.value) {
            continue;
        }
        // The workspace's first definition of the name and language; every other is a copy.
        let Some((first_file, original)) = workspace
            .template(&name.value, &language.value)
            .filter(|(_, first)| !std::ptr::eq(*first, &**template))
        else {
            continue;
        };
        let where_ = if first_file == file {
            "earlier in this file".to_string()
        } else {
            format!("in {}", workspace.path(first_file))
        };
        let original_at = original
            .name
            .as_ref()
            .map_or(At::Key(original.node), |n| At::Node(n.node));
        out.push(FileFinding {
            file,
            finding: Finding::new(
                RuleId::WA113,
                At::Node(name.node),
                format!(
                    "template `{}` ({}) is defined twice; the first definition is {where_}",
                    name.value, language.value
                ),
            )
            .help("keep one definition per name and language: delete the copy, or rename it")
            .related(
                first_file,
                original_at,
                format!(
                    "`{}` ({}) is first defined here",
                    name.value, language.value
                ),
            ),
        });
    }
}

// --- WA114 authentication-template-content ----------------------------------------------------

/// Pictographic characters (emoji) Meta does not allow in authentication templates.
fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0x3030 | 0x303D)
}

/// An OTP button as authored, or as Meta stores it after creation (a URL button whose link
/// carries the code).
fn is_otp_button(button: &Button) -> bool {
    button.is(ButtonType::Otp)
        || (button.is(ButtonType::Url)
            && button
                .url
                .as_ref()
                .is_some_and(|u| u.value.to_ascii_lowercase().contains("otp")))
}

fn valid_package_name(name: &str) -> bool {
    let segments: Vec<&str> = name.split('.').collect();
    name.len() <= 224
        && segments.len() >= 2
        && segments.iter().all(|s| {
            s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

fn valid_signature_hash(hash: &str) -> bool {
    hash.len() == 11
        && hash
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
}

/// WA114 authentication-template-content: AUTHENTICATION templates carry an OTP button and
/// no media, URLs or emojis; expiry 1–90 minutes, TTL 30–900 s; one-tap apps well formed.
/// An OTP button outside AUTHENTICATION is reported too.
pub fn authentication_template_content(
    template: &Template,
    _ctx: &Context,
    out: &mut Vec<Finding>,
) {
    let name = template.name_str();
    if !template.is(Category::Authentication) {
        if !template.is(Category::Legacy) {
            for button in template.all_buttons().filter(|b| b.is(ButtonType::Otp)) {
                if let Some(kind) = &button.kind {
                    out.push(
                        Finding::new(
                            RuleId::WA114,
                            At::Node(kind.node),
                            format!("template `{name}` has an OTP button but is not in the AUTHENTICATION category; only authentication templates may deliver one-time passcodes"),
                        )
                        .help("submit passcode messages as AUTHENTICATION templates"),
                    );
                }
            }
        }
        return;
    }
    let Some(category) = &template.category else {
        return;
    };
    if !template.all_buttons().any(is_otp_button) {
        let at = template
            .component(ComponentType::Buttons)
            .map_or(At::Node(category.node), |c| {
                At::Key(c.buttons_node.unwrap_or(c.node))
            });
        let mut finding = Finding::new(
            RuleId::WA114,
            at,
            format!("AUTHENTICATION template `{name}` has no OTP button; Meta requires a copy-code, one-tap or zero-tap button"),
        )
        .help("add {\"type\": \"BUTTONS\", \"buttons\": [{\"type\": \"OTP\", \"otp_type\": \"COPY_CODE\", \"text\": \"Copy code\"}]}");
        if template.status.is_some() {
            // Read back from the API: an older template Meta still holds (e.g. one moved to
            // AUTHENTICATION from a retired category); a new one like it would be refused.
            finding = finding
                .severity(Severity::Warning)
                .help("Meta refuses new authentication templates without an OTP button: recreate it with {\"type\": \"OTP\", \"otp_type\": \"COPY_CODE\"} before editing it");
        }
        out.push(finding);
    }
    // A template read back from the API (it has a status) carries Meta's generated footer
    // text; one with a header, free footer or other buttons is a legacy template Meta moved
    // into AUTHENTICATION, already told to be recreated (no OTP button).
    let authored = template.status.is_none();
    for component in &template.components {
        if component.is(ComponentType::Header) && authored {
            let text_header = component
                .format
                .as_ref()
                .map_or(component.text.is_some(), |f| f.value == HeaderFormat::Text);
            if text_header {
                let at = component
                    .format
                    .as_ref()
                    .map_or(At::Key(component.node), |f| At::Node(f.node));
                out.push(
                    Finding::new(
                        RuleId::WA114,
                        at,
                        format!("AUTHENTICATION template `{name}` has a TEXT header; authentication templates have no header, only Meta's fixed body, its security recommendation and the code expiry"),
                    )
                    .help("remove the header"),
                );
            }
        }
        if let Some(text) = component
            .text
            .as_ref()
            .filter(|_| component.is(ComponentType::Footer) && authored)
        {
            out.push(
                Finding::new(
                    RuleId::WA114,
                    At::Node(text.node),
                    format!("AUTHENTICATION template `{name}` has its own footer text `{}`; the footer of an authentication template carries only `code_expiration_minutes`, which Meta turns into its expiry warning", text.value),
                )
                .help("remove `text`; set `code_expiration_minutes` (1 to 90) for Meta's \"This code expires in N minutes.\""),
            );
        }
        if let Some(format) = component
            .format
            .as_ref()
            .filter(|f| component.is(ComponentType::Header) && f.value != HeaderFormat::Text)
        {
            out.push(
                Finding::new(
                    RuleId::WA114,
                    At::Node(format.node),
                    format!(
                        "AUTHENTICATION template `{name}` has {} {} header; authentication templates carry no media",
                        if matches!(format.value, HeaderFormat::Image) { "an" } else { "a" },
                        format.value.name()
                    ),
                )
                .help("remove the header"),
            );
        }
        if component.is(ComponentType::Body) {
            // Templates read back from the API (they have a status) carry Meta's generated
            // text; only an authored body text is the author's own.
            if let Some(text) = component
                .text
                .as_ref()
                .filter(|_| template.status.is_none())
            {
                out.push(
                    Finding::new(
                        RuleId::WA114,
                        At::Node(text.node),
                        format!("AUTHENTICATION template `{name}` has its own body text; Meta uses the fixed text \"<code> is your verification code\""),
                    )
                    .severity(Severity::Warning)
                    .help("remove `text`; set `add_security_recommendation: true` for Meta's security disclaimer"),
                );
            }
            let samples = component
                .example
                .as_ref()
                .and_then(|e| e.body_text.as_ref())
                .and_then(|rows| rows.value.first());
            for value in samples.iter().flat_map(|row| row.value.iter()) {
                let length = value.value.chars().count();
                if length > 15 {
                    out.push(
                        Finding::new(
                            RuleId::WA114,
                            At::Node(value.node),
                            format!("the passcode sample has {length} characters; authentication parameters are at most 15"),
                        )
                        .help("use a code of at most 15 characters"),
                    );
                }
            }
        }
        if let Some(minutes) = &component.code_expiration_minutes {
            if !(1..=90).contains(&minutes.value) {
                out.push(
                    Finding::new(
                        RuleId::WA114,
                        At::Node(minutes.node),
                        format!(
                            "`code_expiration_minutes` is {}; Meta accepts 1 to 90",
                            minutes.value
                        ),
                    )
                    .help("give the code's lifetime in minutes, between 1 and 90"),
                );
            }
        }
    }
    for field in template.texts() {
        if field.field == Field::Url {
            continue;
        }
        let text = &field.text.value;
        if let Some(url) = text::urls(text).first() {
            out.push(
                Finding::new(
                    RuleId::WA114,
                    At::InString(field.text.node, url.start, url.end),
                    format!("AUTHENTICATION template `{name}` has a link in its {}; authentication templates may not contain URLs", field.what),
                )
                .help("remove the link"),
            );
        }
        if let Some((i, c)) = text.char_indices().find(|&(_, c)| is_emoji(c)) {
            out.push(
                Finding::new(
                    RuleId::WA114,
                    At::InString(field.text.node, i, i + c.len_utf8()),
                    format!("AUTHENTICATION template `{name}` has an emoji in its {}; authentication templates may not contain emojis", field.what),
                )
                .help("remove the emoji"),
            );
        }
    }
    for button in template.all_buttons() {
        if button.is(ButtonType::Url) && !is_otp_button(button) {
            if let Some(kind) = &button.kind {
                out.push(
                    Finding::new(
                        RuleId::WA114,
                        At::Node(kind.node),
                        format!("AUTHENTICATION template `{name}` has a URL button; authentication templates may not contain URLs"),
                    )
                    .help("remove the URL button; the OTP button is the only call to action"),
                );
            }
        } else if authored && !button.is(ButtonType::Otp) {
            if let Some(kind) = &button.kind {
                out.push(
                    Finding::new(
                        RuleId::WA114,
                        At::Node(kind.node),
                        format!("AUTHENTICATION template `{name}` has a {} button; authentication templates carry only their OTP button", kind.value.name()),
                    )
                    .help("remove the button; the OTP button is the only call to action"),
                );
            }
        }
        check_one_tap(button, out);
    }
    if let Some(ttl) = &template.message_send_ttl_seconds {
        if ttl.value != -1 && !(30..=900).contains(&ttl.value) {
            out.push(
                Finding::new(
                    RuleId::WA114,
                    At::Node(ttl.node),
                    format!("`message_send_ttl_seconds` is {}; authentication templates take 30 to 900 seconds (or -1)", ttl.value),
                )
                .help("a passcode is useless after a few minutes: use e.g. 600"),
            );
        }
    }
}

/// An app's package name and signature hash, from `supported_apps` or the older one-app form.
type AppFields<'a> = (Option<&'a AtNode<String>>, Option<&'a AtNode<String>>);

/// ONE_TAP and ZERO_TAP buttons name the apps that may autofill the code.
fn check_one_tap(button: &Button, out: &mut Vec<Finding>) {
    let Some(otp) = &button.otp_type else { return };
    if otp.value == OtpType::CopyCode {
        return;
    }
    let apps: Vec<AppFields> = match &button.supported_apps {
        Some(apps) => {
            if apps.value.len() > 5 {
                out.push(
                    Finding::new(
                        RuleId::WA114,
                        At::Node(apps.node),
                        format!(
                            "`supported_apps` lists {} apps; Meta allows at most 5",
                            apps.value.len()
                        ),
                    )
                    .help("keep the five apps that matter"),
                );
            }
            apps.value
                .iter()
                .map(|a| (a.package_name.as_ref(), a.signature_hash.as_ref()))
                .collect()
        }
        None if button.package_name.is_some() || button.signature_hash.is_some() => {
            vec![(button.package_name.as_ref(), button.signature_hash.as_ref())]
        }
        None => {
            out.push(
                Finding::new(
                    RuleId::WA114,
                    At::Node(otp.node),
                    format!("{} button has no `supported_apps`; Meta needs the Android app that autofills the code", otp.value.name()),
                )
                .help("add `supported_apps: [{\"package_name\": \"com.example.app\", \"signature_hash\": \"<11 characters>\"}]`"),
            );
            Vec::new()
        }
    };
    for (package, hash) in apps {
        if let Some(package) = package.filter(|p| !valid_package_name(&p.value)) {
            out.push(
                Finding::new(
                    RuleId::WA114,
                    At::Node(package.node),
                    format!("`{}` is not an Android package name", package.value),
                )
                .help("use the app's package name, e.g. `com.example.shop`: two or more dot-separated parts, each starting with a letter"),
            );
        }
        if let Some(hash) = hash.filter(|h| !valid_signature_hash(&h.value)) {
            let encoded = if hash.value.contains('%') {
                " (it looks URL-encoded: write `%2F` as `/`)"
            } else {
                ""
            };
            out.push(
                Finding::new(
                    RuleId::WA114,
                    At::Node(hash.node),
                    format!(
                        "signature hash `{}` has {} characters; it must be exactly 11 characters of A-Z, a-z, 0-9, +, / and ={encoded}",
                        hash.value,
                        hash.value.chars().count()
                    ),
                )
                .help("compute the app signing key hash as Meta's zero-tap guide describes"),
            );
        }
    }
    if otp.value == OtpType::ZeroTap
        && !button
            .zero_tap_terms_accepted
            .as_ref()
            .is_some_and(|t| t.value)
    {
        out.push(
            Finding::new(
                RuleId::WA114,
                At::Node(otp.node),
                "ZERO_TAP button without `zero_tap_terms_accepted: true`; Meta refuses zero-tap until its terms are accepted",
            )
            .help("review Meta's zero-tap terms and set `zero_tap_terms_accepted: true`"),
        );
    }
}

// --- WA116 impersonal-marketing ---------------------------------------------------------------

/// WA116 impersonal-marketing: a MARKETING template with no variable at all.
pub fn impersonal_marketing(template: &Template, _ctx: &Context, out: &mut Vec<Finding>) {
    if !template.is(Category::Marketing) || is_sample(template) {
        return;
    }
    let personal = variable_texts(template)
        .iter()
        .any(|f| !valid_variables(&f.text.value).is_empty());
    if personal {
        return;
    }
    let Some(body) = template
        .component(ComponentType::Body)
        .and_then(|b| b.text.as_ref())
    else {
        return;
    };
    out.push(
        Finding::new(
            RuleId::WA116,
            At::Node(body.node),
            format!(
                "MARKETING template `{}` has no personalisation variable: every customer gets the same text",
                template.name_str()
            ),
        )
        .help("address the customer or their order, e.g. `Hi {{1}}, the {{2}} you looked at is back` with sample values"),
    );
}

// --- WA120 template-ttl-out-of-range ----------------------------------------------------------

/// WA120 template-ttl-out-of-range: `message_send_ttl_seconds` within its category's range,
/// UTILITY 30–43,200 s and MARKETING 43,200–2,592,000 s, or `-1` ([D], Meta's time-to-live
/// page; AUTHENTICATION's 30–900 s is WA114's).
pub fn template_ttl_out_of_range(template: &Template, _ctx: &Context, out: &mut Vec<Finding>) {
    let (Some(ttl), Some(category)) = (&template.message_send_ttl_seconds, &template.category)
    else {
        return;
    };
    let (min, max, advice) = match category.value {
        Category::Utility => (
            30,
            43_200,
            "a utility update is stale after 12 hours: use e.g. 3600, or -1 for Meta's default",
        ),
        Category::Marketing => (
            43_200,
            2_592_000,
            "use 12 hours (43200) to 30 days (2592000), or -1 for Meta's default",
        ),
        _ => return,
    };
    if ttl.value == -1 || (min..=max).contains(&ttl.value) {
        return;
    }
    out.push(
        Finding::new(
            RuleId::WA120,
            At::Node(ttl.node),
            format!(
                "`message_send_ttl_seconds` is {}; {} templates take {} to {} seconds (or -1)",
                thousands(ttl.value),
                category.value.name(),
                thousands(min),
                thousands(max)
            ),
        )
        .help(advice),
    );
}

#[cfg(test)]
mod tests {
    use crate::catalogue::RuleId;
    use crate::diagnostic::{At, Severity};
    use crate::rules::{check_text, REGISTRY};
    use crate::source::{parse, Format};

    fn ttl_findings(category: &str, ttl: i64) -> Vec<String> {
        let text = format!(
            r#"{{"name": "t", "language": "en_US", "category": "{category}", "message_send_ttl_seconds": {ttl}, "components": [{{"type": "BODY", "text": "Hi there"}}]}}"#
        );
        let rules: Vec<_> = REGISTRY
            .iter()
            .filter(|r| r.id == RuleId::WA120)
            .copied()
            .collect();
        let (_, out) = check_text(&text, Format::Json, &rules);
        out.into_iter().map(|f| f.message).collect()
    }

    /// WA107 on a template's buttons, and on a carousel card's: a repeated quick-reply label
    /// (trimmed) is a warning at the repeat, related to the first.
    #[test]
    fn quick_replies_have_their_own_labels() {
        let text = r#"{"name": "t", "language": "en_US", "category": "MARKETING", "components": [
          {"type": "BODY", "text": "Our spring collection is here."},
          {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Stop promotions"}, {"type": "QUICK_REPLY", "text": "Tell me more"}, {"type": "QUICK_REPLY", "text": "Stop promotions "}, {"type": "URL", "text": "Tell me more", "url": "https://acme.example"}]},
          {"type": "CAROUSEL", "cards": [{"components": [{"type": "HEADER", "format": "IMAGE"}, {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Buy"}, {"type": "QUICK_REPLY", "text": "Buy"}]}]}]}]}"#;
        let rules: Vec<_> = REGISTRY
            .iter()
            .filter(|r| r.id == RuleId::WA107)
            .copied()
            .collect();
        let (_, out) = check_text(text, Format::Json, &rules);
        let tree = parse(text, Format::Json).unwrap();
        let pointer = |at: &At| match at {
            At::Node(id) => tree.pointer(*id),
            other => panic!("{other:?}"),
        };
        let found: Vec<_> = out
            .iter()
            .map(|f| {
                (
                    f.message.as_str(),
                    f.severity,
                    pointer(&f.at),
                    pointer(&f.related[0].at),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                (
                    "two QUICK_REPLY buttons are labelled `Stop promotions`; each quick reply needs its own label",
                    Some(Severity::Warning),
                    "/components/1/buttons/2/text".to_string(),
                    "/components/1/buttons/0/text".to_string()
                ),
                (
                    "two QUICK_REPLY buttons on carousel card 1 are labelled `Buy`; each quick reply needs its own label",
                    Some(Severity::Warning),
                    "/components/2/cards/0/components/1/buttons/1/text".to_string(),
                    "/components/2/cards/0/components/1/buttons/0/text".to_string()
                ),
            ]
        );
    }

    /// WA114: an authored AUTHENTICATION template has no TEXT header, no footer text and no
    /// button but its OTP button; the same template read back from the API (a legacy one
    /// Meta moved, with a status) is told only that it has no OTP button.
    #[test]
    fn an_authentication_template_has_only_metas_parts() {
        let template = |status: &str| {
            format!(
                r#"{{"name": "login", "language": "en_US", "category": "AUTHENTICATION",{status} "components": [
                  {{"type": "HEADER", "format": "TEXT", "text": "Your code"}},
                  {{"type": "BODY", "add_security_recommendation": true}},
                  {{"type": "FOOTER", "text": "Not you? Tap below", "code_expiration_minutes": 10}},
                  {{"type": "BUTTONS", "buttons": [{{"type": "OTP", "otp_type": "COPY_CODE", "text": "Copy code"}}, {{"type": "QUICK_REPLY", "text": "Not me"}}, {{"type": "PHONE_NUMBER", "text": "Call us", "phone_number": "+4930123456"}}]}}]}}"#
            )
        };
        let rules: Vec<_> = REGISTRY
            .iter()
            .filter(|r| r.id == RuleId::WA114)
            .copied()
            .collect();
        let authored = template("");
        let (problems, out) = check_text(&authored, Format::Json, &rules);
        assert!(problems.is_empty(), "{problems:?}");
        let tree = parse(&authored, Format::Json).unwrap();
        let found: Vec<_> = out
            .iter()
            .map(|f| {
                let At::Node(id) = f.at else {
                    panic!("{:?}", f.at)
                };
                (f.message.as_str(), tree.pointer(id))
            })
            .collect();
        assert_eq!(
            found,
            [
                ("AUTHENTICATION template `login` has a TEXT header; authentication templates have no header, only Meta's fixed body, its security recommendation and the code expiry", "/components/0/format".to_string()),
                ("AUTHENTICATION template `login` has its own footer text `Not you? Tap below`; the footer of an authentication template carries only `code_expiration_minutes`, which Meta turns into its expiry warning", "/components/2/text".to_string()),
                ("AUTHENTICATION template `login` has a QUICK_REPLY button; authentication templates carry only their OTP button", "/components/3/buttons/1/type".to_string()),
                ("AUTHENTICATION template `login` has a PHONE_NUMBER button; authentication templates carry only their OTP button", "/components/3/buttons/2/type".to_string()),
            ]
        );
        let (_, out) = check_text(&template(r#" "status": "APPROVED","#), Format::Json, &rules);
        assert_eq!(
            out.iter().map(|f| f.message.as_str()).collect::<Vec<_>>(),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn ttl_ranges_by_category() {
        assert_eq!(
            ttl_findings("UTILITY", 86_400),
            ["`message_send_ttl_seconds` is 86,400; UTILITY templates take 30 to 43,200 seconds (or -1)"]
        );
        for ok in [30, 43_200, -1] {
            assert!(ttl_findings("UTILITY", ok).is_empty(), "{ok}");
        }
        assert_eq!(ttl_findings("UTILITY", 29).len(), 1);
        assert_eq!(ttl_findings("MARKETING", 3_600).len(), 1);
        assert_eq!(ttl_findings("MARKETING", 2_592_001).len(), 1);
        for ok in [43_200, 2_592_000, -1] {
            assert!(ttl_findings("MARKETING", ok).is_empty(), "{ok}");
        }
        // AUTHENTICATION's range is WA114's.
        assert!(ttl_findings("AUTHENTICATION", 86_400).is_empty());
    }
}
