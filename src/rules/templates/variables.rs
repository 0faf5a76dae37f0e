//! Template variables: WA104 template-variable-sequence, WA105
//! template-variable-example-missing, WA106 template-variable-placement.

use super::{shown, valid_variables};
use crate::catalogue::{options, RuleId};
use crate::diagnostic::{Applicability, At, Edit, Finding, Fix, Severity};
use crate::model::reader::{AtNode, Keyword};
use crate::model::template::{
    variables, ButtonType, Category, ComponentType, Field, Malformed, NamedParam, ParameterFormat,
    TextField, Variable, VariableKind,
};
use crate::model::Template;
use crate::rules::wording::word_count;
use crate::rules::Context;
use crate::source::NodeId;

// --- WA104 template-variable-sequence -------------------------------------------------------

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
pub fn template_variable_sequence(template: &Template, _ctx: &Context, out: &mut Vec<Finding>) {
    let format = template.format();
    for field in template.texts() {
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
                    RuleId::WA104,
                    At::InString(node, v.start, v.end),
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
                            RuleId::WA104,
                            At::InString(node, v.start, v.end),
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
        check_numbering(&field, &found, samples_of(template, node), out);
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
                            RuleId::WA104,
                            At::InString(node, v.start, v.end),
                            format!("variable name `{name}` may use only lowercase letters and underscores"),
                        )
                        .help(format!("rename it, e.g. `{{{{{}}}}}`", snake_case(name))),
                    );
                } else if name.len() > 20 {
                    out.push(
                        Finding::new(
                            RuleId::WA104,
                            At::InString(node, v.start, v.end),
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
                        RuleId::WA104,
                        At::InString(node, v.start, v.end),
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
                        RuleId::WA104,
                        At::InString(node, v.start, v.end),
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

/// How many sample values a header or body text has (in the first row of a body's), when it
/// has an example.
fn samples_of(template: &Template, text: NodeId) -> Option<usize> {
    let cards = template.components.iter().flat_map(|c| &c.cards);
    let mut components = template
        .components
        .iter()
        .chain(cards.flat_map(|card| &card.components));
    let component = components.find(|c| c.text.as_ref().is_some_and(|t| t.node == text))?;
    let example = component.example.as_ref()?;
    if let Some(header) = &example.header_text {
        return Some(header.value.len());
    }
    example
        .body_text
        .as_ref()
        .map(|rows| rows.value.first().map_or(0, |row| row.value.len()))
}

/// `{{1}}, {{3}}` renumbered `{{1}}, {{2}}`: each number becomes its rank among those used,
/// so the order stays and a sample list with one value per variable stays in step. With
/// another count of samples there is no telling which sample goes, and no fix.
fn close_gaps(
    node: NodeId,
    positional: &[(u32, &Variable)],
    distinct: &[u32],
    samples: Option<usize>,
) -> Option<Fix> {
    if samples.is_some_and(|count| count != 0 && count != distinct.len()) {
        return None;
    }
    let edits = positional
        .iter()
        .filter_map(|(n, v)| {
            let rank = distinct.iter().position(|d| d == n)? + 1;
            (rank as u32 != *n).then(|| Edit::Replace {
                at: At::InString(node, v.start, v.end),
                text: format!("{{{{{rank}}}}}"),
            })
        })
        .collect();
    Some(Fix::new(
        Applicability::Safe,
        format!(
            "renumber the variables {{{{1}}}} to {{{{{}}}}}",
            distinct.len()
        ),
        edits,
    ))
}

fn check_numbering(
    field: &TextField,
    found: &[Variable],
    samples: Option<usize>,
    out: &mut Vec<Finding>,
) {
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
                RuleId::WA104,
                At::InString(node, zero.start, zero.end),
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
        let mut finding = Finding::new(
            RuleId::WA104,
            At::InString(node, after_gap.start, after_gap.end),
            format!(
                "the {} skips {}: its variables are {}; number them {{{{1}}}} to {{{{{}}}}} without gaps",
                field.what,
                skipped.join(", "),
                used.join(", "),
                distinct.len()
            ),
        )
        .help("renumber the variables and their samples so they run 1, 2, 3, ...");
        if let Some(fix) = close_gaps(node, &positional, &distinct, samples) {
            finding = finding.fix(fix);
        }
        out.push(finding);
        return;
    }
    // First appearances should come in order: {{1}} before {{2}} before {{3}}.
    let mut highest = 0u32;
    for (n, v) in &positional {
        if *n > highest + 1 {
            out.push(
                Finding::new(
                    RuleId::WA104,
                    At::InString(node, v.start, v.end),
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
pub fn template_variable_example_missing(
    template: &Template,
    _ctx: &Context,
    out: &mut Vec<Finding>,
) {
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
                                RuleId::WA105,
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
                        RuleId::WA105,
                        At::InString(url.node, v.start, v.end),
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
                            RuleId::WA105,
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
                        RuleId::WA105,
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
    text: &AtNode<String>,
    samples: Option<(NodeId, &[AtNode<String>])>,
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
                    RuleId::WA105,
                    At::InString(text.node, first.start, first.end),
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
                        At::InString(text.node, v.start, v.end)
                    });
                out.push(
                    Finding::new(
                        RuleId::WA105,
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
                    RuleId::WA105,
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
                            RuleId::WA105,
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
    text: &AtNode<String>,
    samples: Option<&AtNode<Vec<NamedParam>>>,
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
                    RuleId::WA105,
                    At::InString(text.node, first.start, first.end),
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
                    RuleId::WA105,
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
                    RuleId::WA105,
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
                    RuleId::WA105,
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
                    RuleId::WA105,
                    At::InString(text.node, v.start, v.end),
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

/// Characters that do not count as text around a dangling variable.
fn is_filler(c: char) -> bool {
    c.is_whitespace()
        || (c.is_ascii_punctuation() && !matches!(c, '{' | '}'))
        || matches!(c, '¡' | '¿' | '…' | '«' | '»')
}

/// What is wrong with the fixed part of a URL button's link before its first variable: the
/// link is only the variable, has no `http(s)://`, or the variable is (part of) the host,
/// which Meta's dynamic URLs never vary. A missing scheme is a warning: Meta's pages show
/// only full `https://` links but do not say that others are refused.
fn url_base_problem(url: &str, first: &Variable) -> Option<(&'static str, Severity)> {
    let base = url.get(..first.start).unwrap_or("").trim_start();
    if base.is_empty() {
        return Some(("is only a variable", Severity::Error));
    }
    let lower = base.to_ascii_lowercase();
    let Some(rest) = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
    else {
        return Some(("does not start with `https://`", Severity::Warning));
    };
    if rest.contains(['/', '?', '#']) {
        return None;
    }
    // The variable follows the host directly: complete only if it has a dot and does not
    // end in one (`https://acme.example{{1}}`; not `https://{{1}}` or `https://shop.{{1}}`).
    let complete = rest.contains('.') && !rest.ends_with(['.', '-']) && !rest.starts_with('.');
    (!complete).then_some(("has a variable in its host", Severity::Error))
}

/// WA106 template-variable-placement: dangling and side-by-side variables, too many
/// variables for the text; variables where WhatsApp takes none (footer, a second header
/// variable, a URL variable that is not at the end) are errors.
pub fn template_variable_placement(template: &Template, ctx: &Context, out: &mut Vec<Finding>) {
    let per_variable = ctx.config.number(options::WA106_WORDS_PER_VARIABLE);
    for field in template.texts() {
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
                        RuleId::WA106,
                        At::InString(node, v.start, v.end),
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
                        RuleId::WA106,
                        At::InString(node, v.start, v.end),
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
                            RuleId::WA106,
                            At::InString(node, v.start, v.end),
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
                            RuleId::WA106,
                            At::InString(node, v.start, v.end),
                            format!("the URL variable `{}` is not at the end of the URL; WhatsApp appends the value to the URL", shown(v, text)),
                        )
                        .severity(Severity::Error)
                        .help("move the variable to the very end, e.g. `https://acme.example/track/{{1}}`"),
                    );
                } else if let Some((problem, severity)) = url_base_problem(text, &vars[0]) {
                    let v = &vars[0];
                    out.push(
                        Finding::new(
                            RuleId::WA106,
                            At::InString(node, v.start, v.end),
                            format!(
                                "the URL `{text}` {problem}; WhatsApp appends the value of `{}` to a fixed address, `https://` and a host before the variable",
                                shown(v, text)
                            ),
                        )
                        .severity(severity)
                        .help("write the fixed part of the link out, e.g. `https://acme.example/track/{{1}}`, and let the variable carry only its end"),
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
                        RuleId::WA106,
                        At::InString(node, a.start, b.end),
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
                    RuleId::WA106,
                    At::InString(node, first.start, first.end),
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
                        RuleId::WA106,
                        At::InString(node, last.start, last.end),
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
                    RuleId::WA106,
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

#[cfg(test)]
mod tests {
    use crate::catalogue::RuleId;
    use crate::diagnostic::{At, Severity};
    use crate::rules::{check_text, REGISTRY};
    use crate::source::Format;

    /// WA106's findings on a utility template with one URL button linking to `url`: the
    /// message, the severity and the bytes of the URL it points at.
    fn url_findings(url: &str) -> Vec<(String, Option<Severity>, (usize, usize))> {
        let text = format!(
            r#"{{"name": "t", "language": "en_US", "category": "UTILITY", "components": [{{"type": "BODY", "text": "Your order has shipped and arrives on Friday."}}, {{"type": "BUTTONS", "buttons": [{{"type": "URL", "text": "Track", "url": "{url}", "example": ["https://acme.example/track/A-1042"]}}]}}]}}"#
        );
        let rules: Vec<_> = REGISTRY
            .iter()
            .filter(|r| r.id == RuleId::WA106)
            .copied()
            .collect();
        let (problems, out) = check_text(&text, Format::Json, &rules);
        assert!(problems.is_empty(), "{problems:?}");
        out.into_iter()
            .map(|f| {
                let At::InString(_, start, end) = f.at else {
                    panic!("not in the URL: {:?}", f.at)
                };
                (f.message, f.severity, (start, end))
            })
            .collect()
    }

    #[test]
    fn a_url_button_varies_only_the_end_of_a_fixed_address() {
        assert_eq!(
            url_findings("{{1}}"),
            [(
                "the URL `{{1}}` is only a variable; WhatsApp appends the value of `{{1}}` to a fixed address, `https://` and a host before the variable".to_string(),
                Some(Severity::Error),
                (0, 5)
            )]
        );
        assert_eq!(
            url_findings("https://{{1}}"),
            [(
                "the URL `https://{{1}}` has a variable in its host; WhatsApp appends the value of `{{1}}` to a fixed address, `https://` and a host before the variable".to_string(),
                Some(Severity::Error),
                (8, 13)
            )]
        );
        for host in ["https://shop.{{1}}", "HTTPS://acme{{1}}", " https://.{{1}}"] {
            let found = url_findings(host);
            assert_eq!(found.len(), 1, "{host}");
            assert!(found[0].0.contains("in its host"), "{host}: {found:?}");
        }
        let found = url_findings("acme.example/track/{{1}}");
        assert_eq!(found.len(), 1);
        assert!(found[0].0.contains("does not start with `https://`"));
        assert_eq!(found[0].1, Some(Severity::Warning));
        for fine in [
            "https://acme.example/track/{{1}}",
            "https://acme.example?order={{1}}",
            "https://acme.example#{{1}}",
            "http://acme.example/{{1}}",
            "https://acme.example{{1}}",
            "https://acme.example/track",
        ] {
            assert_eq!(url_findings(fine), [], "{fine}");
        }
    }
}
