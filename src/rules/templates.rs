//! Message template rules (WA1xx).

use std::collections::HashMap;
use std::sync::LazyLock;

use super::wording::{self, word_count, ByLanguage, FoldedText, PhraseSet, RequestLists};
use super::{is_placeholder, links, DocumentContext};
use crate::config::Config;
use crate::diagnostic::{At, FileFinding, Finding, Severity};
use crate::model::flow::TemplateRef;
use crate::model::reader::{Keyword, Spanned};
use crate::model::template::{
    variables, Button, ButtonType, Category, ComponentType, HeaderFormat, Malformed, NamedParam,
    OtpType, ParameterFormat, Status, Variable, VariableKind,
};
use crate::model::{Document, Template};
use crate::source::NodeId;
use crate::workspace::Workspace;

/// WA101 template-not-approved: references to templates that cannot be sent, and
/// stand-alone templates Meta has rejected, paused or disabled.
pub fn template_not_approved(workspace: &Workspace, _config: &Config, out: &mut Vec<FileFinding>) {
    for (file, document) in workspace.documents() {
        match document {
            Document::Flow(flow) => {
                for reference in flow.nodes.iter().filter_map(|n| n.template.as_ref()) {
                    check_reference(workspace, file, reference, out);
                }
            }
            Document::Campaign(campaign) => {
                if let Some(reference) = &campaign.template {
                    check_reference(workspace, file, reference, out);
                }
            }
            Document::Template(template) => {
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
                            "WA101",
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
            _ => {}
        }
    }
}

fn check_reference(
    workspace: &Workspace,
    file: usize,
    reference: &TemplateRef,
    out: &mut Vec<FileFinding>,
) {
    let (name, language) = (&reference.name.value, &reference.language.value);
    let Some((template_file, template)) = workspace.template(name, language) else {
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
            "WA101",
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
// Per-template rules (WA102–WA116). Numbers come from docs/whatsapp-platform-facts.md §1:
// [D] documented limits are errors, [S]/[U] ones warnings.
// ---------------------------------------------------------------------------------------

fn template_of<'a>(ctx: &DocumentContext<'a>) -> Option<&'a Template> {
    match ctx.document {
        Document::Template(template) => Some(template),
        _ => None,
    }
}

/// `1,203` for counts a reader compares with a limit.
pub(crate) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Which text of a template a field is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Field {
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
pub(crate) struct TextField<'t> {
    pub field: Field,
    /// "body text", "carousel card 2 body text", "QUICK_REPLY button text", ...
    pub what: String,
    pub text: &'t Spanned<String>,
}

/// Every text of a template customers read: header, body, footer, card bodies, button
/// labels, URLs and the limited-time-offer text.
pub(crate) fn text_fields(template: &Template) -> Vec<TextField<'_>> {
    let mut out = Vec::new();
    for (card, component) in template.all_components() {
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

// --- WA102 template-name-invalid ----------------------------------------------------------

const MAX_NAME: usize = 512;

/// WA102 template-name-invalid: `^[a-z0-9_]{1,512}$`.
pub fn template_name_invalid(ctx: &DocumentContext, out: &mut Vec<Finding>) {
    let Some(template) = template_of(ctx) else {
        return;
    };
    let Some(name) = &template.name else { return };
    let value = &name.value;
    if is_placeholder(value) && !value.trim().is_empty() {
        return;
    }
    let help =
        "template names use only lowercase letters, digits and underscores, e.g. `order_shipped`";
    if value.is_empty() {
        out.push(Finding::new("WA102", At::Node(name.node), "template name is empty").help(help));
        return;
    }
    let length = value.chars().count();
    if length > MAX_NAME {
        out.push(
            Finding::new(
                "WA102",
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
    out.push(
        Finding::new(
            "WA102",
            At::Node(name.node),
            format!(
                "template name `{value}` may use only lowercase letters, digits and underscores; it contains {}",
                listed.join(", ")
            ),
        )
        .help(help),
    );
}

// --- WA103 template-text-too-long -----------------------------------------------------------

/// WA103 template-text-too-long: header 60, body 1024, card body 160, footer 60, button
/// labels 25, URL 2000, phone number 20, copy code 15 ([D]); FLOW/CATALOG/MPM/SPM labels 25
/// and the limited-time-offer text 16 are only seen in SDKs ([S], warnings).
pub fn template_text_too_long(ctx: &DocumentContext, out: &mut Vec<Finding>) {
    let Some(template) = template_of(ctx) else {
        return;
    };
    let mut check = |what: &str, text: &Spanned<String>, limit: usize, documented: bool| {
        let length = text.value.chars().count();
        if length <= limit {
            return;
        }
        let mut finding = Finding::new(
            "WA103",
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
    for field in text_fields(template) {
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

// --- WA104 template-variable-sequence -------------------------------------------------------

/// Texts that may hold variables: header, body and card bodies.
fn variable_texts(template: &Template) -> Vec<TextField<'_>> {
    text_fields(template)
        .into_iter()
        .filter(|f| matches!(f.field, Field::Header | Field::Body | Field::CardBody))
        .collect()
}

/// `firstName2` → `first_name`: a name Meta accepts.
fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() && !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
        if c.is_ascii_alphabetic() || c == '_' {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

fn is_named_ok(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

/// `{{ 1 }}` → `{{1}}`: what a broken placeholder was probably meant to be.
fn repaired(written: &str) -> Option<String> {
    let inner: String = written
        .chars()
        .filter(|c| !matches!(c, '{' | '}'))
        .collect();
    let inner = inner.trim();
    let ok = !inner.is_empty() && (inner.bytes().all(|b| b.is_ascii_digit()) || is_named_ok(inner));
    ok.then(|| format!("{{{{{inner}}}}}"))
}

/// WA104 template-variable-sequence: broken placeholders, positional variables not numbered
/// 1..n, named variables with bad names, and variables of the other kind than the template's
/// `parameter_format`.
pub fn template_variable_sequence(ctx: &DocumentContext, out: &mut Vec<Finding>) {
    let Some(template) = template_of(ctx) else {
        return;
    };
    let format = template.format();
    for field in text_fields(template) {
        let text = &field.text.value;
        let node = field.text.node;
        let found = variables(text);
        for v in &found {
            let written = shown(v, text);
            let VariableKind::Malformed(kind) = &v.kind else {
                continue;
            };
            let problem = match kind {
                Malformed::Content => "is not a valid variable",
                Malformed::Unclosed => "is not closed with `}}`",
                Malformed::MissingBrace => "has a brace missing",
                Malformed::ExtraBraces => "has extra braces",
                Malformed::StrayClose => "closes no variable",
            };
            let help = match repaired(&written) {
                Some(fixed) if *kind != Malformed::StrayClose => format!("write `{fixed}`"),
                _ => "a variable is `{{` followed by a number (`{{1}}`) or a lowercase name (`{{first_name}}`) and `}}`".to_string(),
            };
            out.push(
                Finding::new(
                    "WA104",
                    At::Within(node, v.start, v.end),
                    format!("`{written}` in the {} {problem}", field.what),
                )
                .help(help),
            );
        }
        if field.field == Field::Url {
            for v in found
                .iter()
                .filter(|v| !matches!(v.kind, VariableKind::Malformed(_)))
            {
                if v.kind != VariableKind::Positional(1) {
                    out.push(
                        Finding::new(
                            "WA104",
                            At::Within(node, v.start, v.end),
                            format!("the URL button variable is `{}`; it must be `{{{{1}}}}`", shown(v, text)),
                        )
                        .help("write the URL variable as `{{1}}`, whatever the template's parameter format"),
                    );
                }
            }
            continue;
        }
        if !matches!(field.field, Field::Header | Field::Body | Field::CardBody) {
            continue;
        }
        check_variable_kinds(&field, &found, format, out);
        check_numbering(&field, &found, out);
    }
}

fn check_variable_kinds(
    field: &TextField,
    found: &[Variable],
    format: ParameterFormat,
    out: &mut Vec<Finding>,
) {
    let text = &field.text.value;
    let node = field.text.node;
    let mut reported_mismatch = false;
    for v in found {
        match (&v.kind, format) {
            (VariableKind::Named(name), ParameterFormat::Named) => {
                if !is_named_ok(name) {
                    out.push(
                        Finding::new(
                            "WA104",
                            At::Within(node, v.start, v.end),
                            format!("variable name `{name}` may use only lowercase letters and underscores"),
                        )
                        .help(format!("rename it, e.g. `{{{{{}}}}}`", snake_case(name))),
                    );
                } else if name.len() > 20 {
                    out.push(
                        Finding::new(
                            "WA104",
                            At::Within(node, v.start, v.end),
                            format!(
                                "variable name `{name}` has {} characters; SDKs allow at most 20",
                                name.len()
                            ),
                        )
                        .severity(Severity::Warning)
                        .help("use a shorter name"),
                    );
                }
            }
            (VariableKind::Named(_), ParameterFormat::Positional) if !reported_mismatch => {
                reported_mismatch = true;
                out.push(
                    Finding::new(
                        "WA104",
                        At::Within(node, v.start, v.end),
                        format!(
                            "`{}` in the {} is a named variable, but the template is positional (no `parameter_format: named`)",
                            shown(v, text),
                            field.what
                        ),
                    )
                    .help("add `\"parameter_format\": \"named\"` and samples in `body_text_named_params`, or number the variables `{{1}}`, `{{2}}`, ..."),
                );
            }
            (VariableKind::Positional(_), ParameterFormat::Named) if !reported_mismatch => {
                reported_mismatch = true;
                out.push(
                    Finding::new(
                        "WA104",
                        At::Within(node, v.start, v.end),
                        format!(
                            "`{}` in the {} is a positional variable, but the template uses `parameter_format: named`",
                            shown(v, text),
                            field.what
                        ),
                    )
                    .help("name every variable (`{{first_name}}`), or drop `parameter_format: named`"),
                );
            }
            _ => {}
        }
    }
}

fn check_numbering(field: &TextField, found: &[Variable], out: &mut Vec<Finding>) {
    let text = &field.text.value;
    let node = field.text.node;
    let positional: Vec<(u32, &Variable)> = found
        .iter()
        .filter_map(|v| match v.kind {
            VariableKind::Positional(n) => Some((n, v)),
            _ => None,
        })
        .collect();
    if positional.is_empty() {
        return;
    }
    if let Some((_, zero)) = positional.iter().find(|(n, _)| *n == 0) {
        out.push(
            Finding::new(
                "WA104",
                At::Within(node, zero.start, zero.end),
                format!(
                    "`{}` in the {}: positional variables start at {{{{1}}}}",
                    shown(zero, text),
                    field.what
                ),
            )
            .help("number the variables {{1}}, {{2}}, ... in the order they appear"),
        );
        return;
    }
    let mut distinct: Vec<u32> = positional.iter().map(|(n, _)| *n).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let missing: Vec<u32> = {
        let mut missing = Vec::new();
        let mut expected = 1u32;
        for &n in &distinct {
            while expected < n && missing.len() < 3 {
                missing.push(expected);
                expected += 1;
            }
            expected = n.saturating_add(1);
        }
        missing
    };
    if let Some(&first_missing) = missing.first() {
        let (_, after_gap) = positional
            .iter()
            .find(|(n, _)| *n > first_missing)
            .copied()
            .unwrap_or(positional[0]);
        let skipped: Vec<String> = missing.iter().map(|n| format!("{{{{{n}}}}}")).collect();
        let used: Vec<String> = distinct
            .iter()
            .take(8)
            .map(|n| format!("{{{{{n}}}}}"))
            .collect();
        out.push(
            Finding::new(
                "WA104",
                At::Within(node, after_gap.start, after_gap.end),
                format!(
                    "the {} skips {}: its variables are {}; number them {{{{1}}}} to {{{{{}}}}} without gaps",
                    field.what,
                    skipped.join(", "),
                    used.join(", "),
                    distinct.len()
                ),
            )
            .help("renumber the variables and their samples so they run 1, 2, 3, ..."),
        );
        return;
    }
    // First appearances should come in order: {{1}} before {{2}} before {{3}}.
    let mut highest = 0u32;
    for (n, v) in &positional {
        if *n > highest + 1 {
            out.push(
                Finding::new(
                    "WA104",
                    At::Within(node, v.start, v.end),
                    format!(
                        "`{}` comes before `{{{{{}}}}}` in the {}; Meta expects variables numbered in the order they appear",
                        shown(v, text),
                        highest + 1,
                        field.what
                    ),
                )
                .severity(Severity::Warning)
                .help("renumber the variables in reading order and reorder their samples to match"),
            );
            return;
        }
        highest = highest.max(*n);
    }
}

// --- WA105 template-variable-example-missing --------------------------------------------------

/// WA105 template-variable-example-missing: every variable needs a sample value, in the
/// example block its component uses, and a media header needs a sample asset.
pub fn template_variable_example_missing(ctx: &DocumentContext, out: &mut Vec<Finding>) {
    let Some(template) = template_of(ctx) else {
        return;
    };
    let format = template.format();
    for (card, component) in template.all_components() {
        let prefix = card.map_or(String::new(), |i| format!("carousel card {} ", i + 1));
        let kind = component.kind.as_ref().map(|k| k.value);
        let example = component.example.as_ref();
        match kind {
            Some(ComponentType::Header) => {
                if let Some(f) = component.format.as_ref().filter(|f| f.value.is_media()) {
                    let handles = example.and_then(|e| e.header_handle.as_ref());
                    if handles.is_none_or(|h| h.value.iter().all(|v| v.value.trim().is_empty())) {
                        out.push(
                            Finding::new(
                                "WA105",
                                At::Node(f.node),
                                format!(
                                    "{prefix}{} header has no sample asset (`example.header_handle`)",
                                    f.value.name()
                                ),
                            )
                            .help("upload a sample with the Resumable Upload API and put its `4::…` handle in `example.header_handle`"),
                        );
                    }
                }
                if let Some(text) = &component.text {
                    let what = format!("{prefix}header");
                    match format {
                        ParameterFormat::Positional => positional_samples(
                            &what,
                            text,
                            example
                                .and_then(|e| e.header_text.as_ref())
                                .map(|h| (h.node, h.value.as_slice())),
                            "example.header_text",
                            out,
                        ),
                        ParameterFormat::Named => named_samples(
                            &what,
                            text,
                            example.and_then(|e| e.header_text_named_params.as_ref()),
                            "example.header_text_named_params",
                            out,
                        ),
                    }
                }
            }
            Some(ComponentType::Body) => {
                let Some(text) = &component.text else {
                    continue;
                };
                let what = format!("{prefix}body");
                match format {
                    ParameterFormat::Positional => {
                        let rows = example.and_then(|e| e.body_text.as_ref());
                        let first = rows
                            .and_then(|r| r.value.first())
                            .map(|row| (row.node, row.value.as_slice()));
                        let first = match (rows, first) {
                            (Some(rows), None) => Some((rows.node, &[][..])),
                            (_, first) => first,
                        };
                        positional_samples(&what, text, first, "example.body_text", out);
                    }
                    ParameterFormat::Named => named_samples(
                        &what,
                        text,
                        example.and_then(|e| e.body_text_named_params.as_ref()),
                        "example.body_text_named_params",
                        out,
                    ),
                }
            }
            _ => {}
        }
        for button in component.buttons.iter().filter(|b| b.is(ButtonType::Url)) {
            let Some(url) = &button.url else { continue };
            let vars = valid_variables(&url.value);
            let samples = button.example.as_ref();
            match (vars.first(), samples) {
                (Some(v), None) => out.push(
                    Finding::new(
                        "WA105",
                        At::Within(url.node, v.start, v.end),
                        format!(
                            "URL variable `{}` has no sample value (`example`)",
                            shown(v, &url.value)
                        ),
                    )
                    .help("add `\"example\": [\"https://…/A-1042\"]` with a full sample URL"),
                ),
                (Some(v), Some(s)) if s.value.iter().all(|x| x.value.trim().is_empty()) => out
                    .push(
                        Finding::new(
                            "WA105",
                            At::Node(s.node),
                            format!(
                                "the sample of URL variable `{}` is empty",
                                shown(v, &url.value)
                            ),
                        )
                        .help("put a full sample URL in `example`"),
                    ),
                (None, Some(s)) if !s.value.is_empty() => out.push(
                    Finding::new(
                        "WA105",
                        At::Node(s.node),
                        "URL button has a sample value but its URL has no variable",
                    )
                    .severity(Severity::Warning)
                    .help("remove `example`, or end the URL with `{{1}}`"),
                ),
                _ => {}
            }
        }
    }
}

/// Positional variables against one row of sample values.
fn positional_samples(
    what: &str,
    text: &Spanned<String>,
    samples: Option<(NodeId, &[Spanned<String>])>,
    field: &str,
    out: &mut Vec<Finding>,
) {
    let vars: Vec<(u32, Variable)> = variables(&text.value)
        .into_iter()
        .filter_map(|v| match v.kind {
            VariableKind::Positional(n) => Some((n, v)),
            _ => None,
        })
        .collect();
    let mut distinct: Vec<u32> = vars.iter().map(|(n, _)| *n).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let count = distinct.len();
    // Named or broken placeholders are WA104's business; do not also count their samples.
    let has_other_placeholders = variables(&text.value)
        .iter()
        .any(|v| !matches!(v.kind, VariableKind::Positional(_)));
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("1 {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    match samples {
        None if count > 0 => {
            let (_, first) = &vars[0];
            out.push(
                Finding::new(
                    "WA105",
                    At::Within(text.node, first.start, first.end),
                    format!(
                        "the {what} has {} but no sample values (`{field}`)",
                        plural(count, "variable")
                    ),
                )
                .help(format!(
                    "add `{field}` with one realistic sample value per variable, in order"
                )),
            );
        }
        Some((node, values)) => {
            if values.len() < count {
                // The first variable without a value, by its place in the sorted numbering.
                let missing = distinct.get(values.len()).copied().unwrap_or(0);
                let at = vars
                    .iter()
                    .find(|(n, _)| *n == missing)
                    .map_or(At::Node(text.node), |(_, v)| {
                        At::Within(text.node, v.start, v.end)
                    });
                out.push(
                    Finding::new(
                        "WA105",
                        at,
                        format!(
                            "{what} variable `{{{{{missing}}}}}` has no sample value: `{field}` has {} for {}",
                            plural(values.len(), "value"),
                            plural(count, "variable")
                        ),
                    )
                    .help("add one sample value per variable, in order"),
                );
            } else if values.len() > count && !has_other_placeholders {
                let mut finding = Finding::new(
                    "WA105",
                    At::Node(node),
                    format!(
                        "`{field}` has {} for {} in the {what}",
                        plural(values.len(), "value"),
                        plural(count, "variable")
                    ),
                )
                .help("give exactly one sample value per variable");
                if count == 0 {
                    finding = finding.severity(Severity::Warning);
                }
                out.push(finding);
            }
            for (i, value) in values.iter().enumerate().take(count) {
                if value.value.trim().is_empty() {
                    out.push(
                        Finding::new(
                            "WA105",
                            At::Node(value.node),
                            format!(
                                "the sample value of `{{{{{}}}}}` in the {what} is empty",
                                i + 1
                            ),
                        )
                        .help("give a realistic sample, e.g. a name or an order number"),
                    );
                }
            }
        }
        None => {}
    }
}

/// Named variables against `[{param_name, example}]`.
fn named_samples(
    what: &str,
    text: &Spanned<String>,
    samples: Option<&Spanned<Vec<NamedParam>>>,
    field: &str,
    out: &mut Vec<Finding>,
) {
    let vars: Vec<(String, Variable)> = variables(&text.value)
        .into_iter()
        .filter_map(|v| match &v.kind {
            VariableKind::Named(name) => Some((name.clone(), v)),
            _ => None,
        })
        .collect();
    let Some(samples) = samples else {
        if let Some((_, first)) = vars.first() {
            out.push(
                Finding::new(
                    "WA105",
                    At::Within(text.node, first.start, first.end),
                    format!("the {what} has named variables but no samples (`{field}`)"),
                )
                .help(format!("add `{field}`: [{{\"param_name\": \"…\", \"example\": \"…\"}}] for each variable")),
            );
        }
        return;
    };
    let mut seen: Vec<&str> = Vec::new();
    for param in &samples.value {
        let Some(name) = &param.name else { continue };
        if seen.contains(&name.value.as_str()) {
            out.push(
                Finding::new(
                    "WA105",
                    At::Node(name.node),
                    format!(
                        "`{}` has two samples in `{field}`; parameter names must be unique",
                        name.value
                    ),
                )
                .help("keep one sample per name"),
            );
            continue;
        }
        seen.push(&name.value);
        if !vars.iter().any(|(n, _)| *n == name.value) {
            out.push(
                Finding::new(
                    "WA105",
                    At::Node(name.node),
                    format!(
                        "the sample for `{}` matches no variable in the {what}",
                        name.value
                    ),
                )
                .help("remove the sample or fix its `param_name`"),
            );
        }
        if let Some(example) = param.example.as_ref().filter(|e| e.value.trim().is_empty()) {
            out.push(
                Finding::new(
                    "WA105",
                    At::Node(example.node),
                    format!("the sample value of `{}` is empty", name.value),
                )
                .help("give a realistic sample value"),
            );
        }
    }
    let mut reported: Vec<&str> = Vec::new();
    for (name, v) in &vars {
        if !seen.contains(&name.as_str()) && !reported.contains(&name.as_str()) {
            reported.push(name);
            out.push(
                Finding::new(
                    "WA105",
                    At::Within(text.node, v.start, v.end),
                    format!("{what} variable `{{{{{name}}}}}` has no sample in `{field}`"),
                )
                .help(format!(
                    "add {{\"param_name\": \"{name}\", \"example\": \"…\"}}"
                )),
            );
        }
    }
}

// --- WA106 template-variable-placement --------------------------------------------------------

const DEFAULT_WORDS_PER_VARIABLE: f64 = 2.0;

/// Characters that do not count as text around a dangling variable.
fn is_filler(c: char) -> bool {
    c.is_whitespace()
        || (c.is_ascii_punctuation() && !matches!(c, '{' | '}'))
        || matches!(c, '¡' | '¿' | '…' | '«' | '»')
}

/// WA106 template-variable-placement: dangling and side-by-side variables, too many
/// variables for the text; variables where WhatsApp takes none (footer, a second header
/// variable, a URL variable that is not at the end) are errors.
pub fn template_variable_placement(ctx: &DocumentContext, out: &mut Vec<Finding>) {
    let Some(template) = template_of(ctx) else {
        return;
    };
    let per_variable = ctx
        .config
        .number("WA106", "words_per_variable", DEFAULT_WORDS_PER_VARIABLE)
        .max(0.0);
    for field in text_fields(template) {
        let text = &field.text.value;
        let node = field.text.node;
        let vars = valid_variables(text);
        if vars.is_empty() {
            continue;
        }
        match field.field {
            Field::Footer => {
                let v = &vars[0];
                out.push(
                    Finding::new(
                        "WA106",
                        At::Within(node, v.start, v.end),
                        format!(
                            "the footer has a variable `{}`; footers are plain text",
                            shown(v, text)
                        ),
                    )
                    .severity(Severity::Error)
                    .help("move the variable into the body, or write the footer out"),
                );
                continue;
            }
            Field::Header if vars.len() > 1 => {
                let v = &vars[1];
                out.push(
                    Finding::new(
                        "WA106",
                        At::Within(node, v.start, v.end),
                        format!(
                            "the header text has {} variables; WhatsApp allows at most 1",
                            vars.len()
                        ),
                    )
                    .severity(Severity::Error)
                    .help("keep one variable in the header and move the others into the body"),
                );
            }
            Field::Url => {
                if vars.len() > 1 {
                    let v = &vars[1];
                    out.push(
                        Finding::new(
                            "WA106",
                            At::Within(node, v.start, v.end),
                            format!(
                                "the URL has {} variables; a URL button takes 1, at the end",
                                vars.len()
                            ),
                        )
                        .severity(Severity::Error)
                        .help("build the varying part of the URL into one value for `{{1}}`"),
                    );
                } else if vars[0].end != text.trim_end().len() {
                    let v = &vars[0];
                    out.push(
                        Finding::new(
                            "WA106",
                            At::Within(node, v.start, v.end),
                            format!("the URL variable `{}` is not at the end of the URL; WhatsApp appends the value to the URL", shown(v, text)),
                        )
                        .severity(Severity::Error)
                        .help("move the variable to the very end, e.g. `https://acme.example/track/{{1}}`"),
                    );
                }
                continue;
            }
            Field::ButtonText | Field::AutofillText | Field::OfferText => continue,
            _ => {}
        }
        for pair in vars.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            if text
                .get(a.end..b.start)
                .is_some_and(|gap| gap.trim().is_empty())
            {
                out.push(
                    Finding::new(
                        "WA106",
                        At::Within(node, a.start, b.end),
                        format!(
                            "variables `{}` and `{}` stand side by side in the {}; Meta rejects variables with no text between them",
                            shown(a, text),
                            shown(b, text),
                            field.what
                        ),
                    )
                    .help("put words or punctuation between them, or merge them into one variable"),
                );
            }
        }
        // An AUTHENTICATION body is Meta's fixed text ("*{{1}}* is your verification code"),
        // which exports carry as written; its placement is Meta's choice, not the author's.
        if field.field != Field::Body || template.is(Category::Authentication) {
            continue;
        }
        let content_start = text
            .char_indices()
            .find(|&(_, c)| !is_filler(c))
            .map(|(i, _)| i);
        let first = &vars[0];
        if content_start == Some(first.start) {
            out.push(
                Finding::new(
                    "WA106",
                    At::Within(node, first.start, first.end),
                    format!("the body starts with the variable `{}`; Meta rejects a body that starts or ends with a variable", shown(first, text)),
                )
                .help("start the body with fixed text, e.g. `Hi {{1}}, …`"),
            );
        }
        if let Some(last) = vars.last() {
            let after = text.get(last.end..).unwrap_or("");
            if after.chars().all(is_filler) {
                out.push(
                    Finding::new(
                        "WA106",
                        At::Within(node, last.start, last.end),
                        format!("the body ends with the variable `{}`; Meta rejects a body that starts or ends with a variable", shown(last, text)),
                    )
                    .help("end the body with fixed text after the variable, e.g. a closing sentence"),
                );
            }
        }
        let mut fixed = String::with_capacity(text.len());
        let mut from = 0;
        for v in &vars {
            fixed.push_str(text.get(from..v.start).unwrap_or(""));
            fixed.push(' ');
            from = v.end;
        }
        fixed.push_str(text.get(from..).unwrap_or(""));
        let words = word_count(&fixed);
        let needed = (per_variable * vars.len() as f64).ceil() as usize + 1;
        if words < needed {
            out.push(
                Finding::new(
                    "WA106",
                    At::Node(node),
                    format!(
                        "the body has {} and {} other words; Meta rejects templates with too many variables for their length (walint asks for at least {needed} words)",
                        if vars.len() == 1 { "1 variable".to_string() } else { format!("{} variables", vars.len()) },
                        words
                    ),
                )
                .help("add fixed text around the variables, or use fewer variables"),
            );
        }
    }
}

// --- WA107 template-button-limits -------------------------------------------------------------

const MAX_BUTTONS: usize = 10;
const MAX_CARD_BUTTONS: usize = 2;

/// WA107 template-button-limits: at most 10 buttons, 2 URL, 1 phone number, 1 copy code
/// ([D]), 1 voice call ([S]); quick replies in one block; at most 2 buttons per carousel card.
pub fn template_button_limits(ctx: &DocumentContext, out: &mut Vec<Finding>) {
    let Some(template) = template_of(ctx) else {
        return;
    };
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
                    "WA107",
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
                    "WA107",
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
                                "WA107",
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
        let Some(card) = card else { continue };
        if component.is(ComponentType::Buttons) && component.buttons.len() > MAX_CARD_BUTTONS {
            let at = component
                .buttons_node
                .map_or(At::Key(component.node), At::Node);
            out.push(
                Finding::new(
                    "WA107",
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

// --- WA109 marketing-without-opt-out ----------------------------------------------------------

static OPT_OUT: LazyLock<PhraseSet> = LazyLock::new(|| {
    let lists = wording::phrase_lists(include_str!("../../rules/data/opt_out_wording.yaml"))
        .unwrap_or_default();
    PhraseSet::merged(lists.iter().map(|(_, set)| set))
});

/// WA109 marketing-without-opt-out: no quick reply, footer or body line that lets the
/// customer stop marketing messages (word lists in `rules/data/opt_out_wording.yaml`).
pub fn marketing_without_opt_out(ctx: &DocumentContext, out: &mut Vec<Finding>) {
    let Some(template) = template_of(ctx) else {
        return;
    };
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
            "WA109",
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
    wording::phrases_by_language(include_str!("../../rules/data/promotional_wording.yaml"))
});

/// Byte ranges a word list must not match in: web addresses and variables.
fn masked(text: &str) -> Vec<(usize, usize)> {
    let mut ranges: Vec<(usize, usize)> =
        links::urls(text).iter().map(|u| (u.start, u.end)).collect();
    ranges.extend(variables(text).iter().map(|v| (v.start, v.end)));
    ranges
}

fn overlaps(ranges: &[(usize, usize)], start: usize, end: usize) -> bool {
    ranges.iter().any(|&(s, e)| start < e && s < end)
}

/// WA110 template-category-mismatch: promotional wording in a UTILITY or AUTHENTICATION
/// template (word lists in `rules/data/promotional_wording.yaml`).
pub fn template_category_mismatch(ctx: &DocumentContext, out: &mut Vec<Finding>) {
    let Some(template) = template_of(ctx) else {
        return;
    };
    let Some(category) = template
        .category
        .as_ref()
        .filter(|c| matches!(c.value, Category::Utility | Category::Authentication))
    else {
        return;
    };
    let language = template.language.as_ref().map(|l| l.value.as_str());
    for field in text_fields(template) {
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
                "WA110",
                At::Within(field.text.node, hit.start, hit.end),
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
    wording::requests_by_language(include_str!("../../rules/data/sensitive_requests.yaml"))
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
            "WA111",
            At::Within(node, start, end),
            format!(
                "the {what} asks the customer for their {subject} (`{}`); WhatsApp's policy forbids asking for card numbers, PINs, passwords or national ID numbers in a chat",
                text.get(start..end).unwrap_or("")
            ),
        )
        .help("never collect such data in the chat: link to your own secure page (payment, login) instead"),
    )
}

/// WA111 sensitive-data-request in a template (word lists in
/// `rules/data/sensitive_requests.yaml`); conversation flows are checked too.
pub fn sensitive_data_request(ctx: &DocumentContext, out: &mut Vec<Finding>) {
    match ctx.document {
        Document::Template(template) => {
            let language = template.language.as_ref().map(|l| l.value.as_str());
            for field in text_fields(template) {
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
        Document::Flow(flow) => {
            for node in &flow.nodes {
                if let Some(text) = &node.text {
                    let what = format!("text of node `{}`", node.id);
                    out.extend(sensitive_finding(text.node, &text.value, None, &what));
                }
            }
        }
        _ => {}
    }
}

// --- WA112 invalid-language-code --------------------------------------------------------------

static LANGUAGES: LazyLock<Vec<String>> = LazyLock::new(|| {
    let yaml = include_str!("../../rules/data/languages.yaml");
    crate::source::parse(yaml, crate::source::Format::Yaml)
        .ok()
        .and_then(|tree| {
            let root = *tree.documents.first()?;
            let list = tree.get(root, "languages")?;
            let codes = wording::strings(&tree, list).ok()?;
            Some(codes.into_iter().map(str::to_string).collect())
        })
        .unwrap_or_default()
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
pub fn invalid_language_code(ctx: &DocumentContext, out: &mut Vec<Finding>) {
    let Some(template) = template_of(ctx) else {
        return;
    };
    let Some(language) = &template.language else {
        return;
    };
    let code = language.value.as_str();
    if LANGUAGES.iter().any(|l| l == code) || (is_placeholder(code) && !code.trim().is_empty()) {
        return;
    }
    let normalised = code.trim().replace('-', "_");
    if let Some(listed) = LANGUAGES
        .iter()
        .find(|l| l.eq_ignore_ascii_case(&normalised))
    {
        out.push(
            Finding::new(
                "WA112",
                At::Node(language.node),
                format!("language code `{code}` is not written the way WhatsApp expects; did you mean `{listed}`?"),
            )
            .help(format!("write `{listed}`: language in lower case, region in upper case, joined by `_`")),
        );
        return;
    }
    let prefix = wording::language_prefix(code);
    let regional: Vec<&str> = LANGUAGES
        .iter()
        .filter(|l| wording::language_prefix(l) == prefix)
        .map(String::as_str)
        .collect();
    let suggestion = if !regional.is_empty() {
        let listed: Vec<String> = regional.iter().take(4).map(|l| format!("`{l}`")).collect();
        format!("; did you mean {}?", listed.join(" or "))
    } else {
        crate::suggest::did_you_mean(code, LANGUAGES.iter().map(String::as_str))
    };
    let mut finding = Finding::new(
        "WA112",
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
    let mut first: HashMap<(String, String), (usize, &Template)> = HashMap::new();
    for (file, document) in workspace.documents() {
        let Document::Template(template) = document else {
            continue;
        };
        let (Some(name), Some(language)) = (&template.name, &template.language) else {
            continue;
        };
        if is_placeholder(&name.value) {
            continue;
        }
        let key = (
            name.value.clone(),
            language.value.to_ascii_lowercase().replace('-', "_"),
        );
        match first.get(&key) {
            None => {
                first.insert(key, (file, template));
            }
            Some(&(first_file, original)) => {
                let where_ = if first_file == file {
                    "earlier in this file".to_string()
                } else {
                    format!("in {}", workspace.files[first_file].path)
                };
                let original_at = original
                    .name
                    .as_ref()
                    .map_or(At::Key(original.node), |n| At::Node(n.node));
                out.push(FileFinding {
                    file,
                    finding: Finding::new(
                        "WA113",
                        At::Node(name.node),
                        format!(
                            "template `{}` ({}) is defined twice; the first definition is {where_}",
                            name.value, language.value
                        ),
                    )
                    .help(
                        "keep one definition per name and language: delete the copy, or rename it",
                    )
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
pub fn authentication_template_content(ctx: &DocumentContext, out: &mut Vec<Finding>) {
    let Some(template) = template_of(ctx) else {
        return;
    };
    let name = template.name_str();
    if !template.is(Category::Authentication) {
        if !template.is(Category::Legacy) {
            for button in template.all_buttons().filter(|b| b.is(ButtonType::Otp)) {
                if let Some(kind) = &button.kind {
                    out.push(
                        Finding::new(
                            "WA114",
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
            "WA114",
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
    for component in &template.components {
        if let Some(format) = component
            .format
            .as_ref()
            .filter(|f| component.is(ComponentType::Header) && f.value != HeaderFormat::Text)
        {
            out.push(
                Finding::new(
                    "WA114",
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
                        "WA114",
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
                            "WA114",
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
                        "WA114",
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
    for field in text_fields(template) {
        if field.field == Field::Url {
            continue;
        }
        let text = &field.text.value;
        if let Some(url) = links::urls(text).first() {
            out.push(
                Finding::new(
                    "WA114",
                    At::Within(field.text.node, url.start, url.end),
                    format!("AUTHENTICATION template `{name}` has a link in its {}; authentication templates may not contain URLs", field.what),
                )
                .help("remove the link"),
            );
        }
        if let Some((i, c)) = text.char_indices().find(|&(_, c)| is_emoji(c)) {
            out.push(
                Finding::new(
                    "WA114",
                    At::Within(field.text.node, i, i + c.len_utf8()),
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
                        "WA114",
                        At::Node(kind.node),
                        format!("AUTHENTICATION template `{name}` has a URL button; authentication templates may not contain URLs"),
                    )
                    .help("remove the URL button; the OTP button is the only call to action"),
                );
            }
        }
        check_one_tap(button, out);
    }
    if let Some(ttl) = &template.message_send_ttl_seconds {
        if ttl.value != -1 && !(30..=900).contains(&ttl.value) {
            out.push(
                Finding::new(
                    "WA114",
                    At::Node(ttl.node),
                    format!("`message_send_ttl_seconds` is {}; authentication templates take 30 to 900 seconds (or -1)", ttl.value),
                )
                .help("a passcode is useless after a few minutes: use e.g. 600"),
            );
        }
    }
}

/// An app's package name and signature hash, from `supported_apps` or the older one-app form.
type AppFields<'a> = (Option<&'a Spanned<String>>, Option<&'a Spanned<String>>);

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
                        "WA114",
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
                    "WA114",
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
                    "WA114",
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
                    "WA114",
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
                "WA114",
                At::Node(otp.node),
                "ZERO_TAP button without `zero_tap_terms_accepted: true`; Meta refuses zero-tap until its terms are accepted",
            )
            .help("review Meta's zero-tap terms and set `zero_tap_terms_accepted: true`"),
        );
    }
}

// --- WA115 brand-inconsistent -----------------------------------------------------------------

/// WA115 brand-inconsistent: `brand:` from walint.yaml spelled another way as a word.
pub fn brand_inconsistent(ctx: &DocumentContext, out: &mut Vec<Finding>) {
    let Some(template) = template_of(ctx) else {
        return;
    };
    let Some(brand) = ctx
        .config
        .brand
        .as_deref()
        .map(str::trim)
        .filter(|b| !b.is_empty())
    else {
        return;
    };
    for field in text_fields(template) {
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
                    "WA115",
                    At::Within(field.text.node, start, end),
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

// --- WA116 impersonal-marketing ---------------------------------------------------------------

/// WA116 impersonal-marketing: a MARKETING template with no variable at all.
pub fn impersonal_marketing(ctx: &DocumentContext, out: &mut Vec<Finding>) {
    let Some(template) = template_of(ctx) else {
        return;
    };
    if !template.is(Category::Marketing) {
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
            "WA116",
            At::Node(body.node),
            format!(
                "MARKETING template `{}` has no personalisation variable: every customer gets the same text",
                template.name_str()
            ),
        )
        .help("address the customer or their order, e.g. `Hi {{1}}, the {{2}} you looked at is back` with sample values"),
    );
}
