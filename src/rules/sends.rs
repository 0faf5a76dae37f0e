//! Template send rules: WA125 compares a Cloud API template send with the repository's
//! template of its name and language (a workspace rule: the two are usually in different
//! files), WA126 reads the parameter texts of each send.

use super::Context;
use crate::catalogue::RuleId;
use crate::config::Config;
use crate::diagnostic::{At, FileFinding, Finding};
use crate::model::flow::TemplateRef;
use crate::model::reader::{AtNode, Keyword};
use crate::model::send::{
    ParameterType, SendComponent, SendComponentType, SendParameter, TemplateSend,
};
use crate::model::template::{
    variables, ButtonType, ComponentType, HeaderFormat, ParameterFormat, VariableKind,
};
use crate::model::Template;
use crate::source::NodeId;
use crate::suggest;
use crate::workspace::{
    ExpectedButton, ExpectedHeader, ExpectedParameters, Export, ExportedSend, Exporter, Workspace,
};

/// Spaces in a row Meta still accepts in a parameter's text.
const MAX_SPACES: usize = 4;

/// Where a parameter sits, as messages name it: `body parameter 2`, `the parameter of button 1`.
fn place(component: &SendComponent, position: usize) -> String {
    let number = position + 1;
    match component.kind.as_ref().map(|k| k.value) {
        Some(SendComponentType::Header) => format!("header parameter {number}"),
        Some(SendComponentType::Body) => format!("body parameter {number}"),
        Some(SendComponentType::Button) => match &component.index {
            Some(index) => format!("parameter {number} of button {}", index.value),
            None => format!("button parameter {number}"),
        },
        _ => format!("parameter {number}"),
    }
}

/// The first whitespace Meta refuses in a parameter's text: its byte range and what it is.
fn refused_whitespace(text: &str) -> Option<(usize, usize, String)> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                return Some((i, i + 2, "a line break".to_string()))
            }
            b'\n' | b'\r' => return Some((i, i + 1, "a line break".to_string())),
            b'\t' => return Some((i, i + 1, "a tab".to_string())),
            b' ' => {
                let run = bytes[i..].iter().take_while(|&&c| c == b' ').count();
                if run > MAX_SPACES {
                    return Some((i, i + run, format!("{run} spaces in a row")));
                }
                i += run;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// WA126 template-parameter-whitespace: a text parameter with a line break, a tab or more
/// than 4 spaces in a row, which Meta refuses at send time.
pub fn parameter_text_whitespace(send: &TemplateSend, _ctx: &Context, out: &mut Vec<Finding>) {
    for component in &send.components {
        for (position, parameter) in component.parameters.iter().enumerate() {
            let (true, Some(text)) = (parameter.is(ParameterType::Text), &parameter.text) else {
                continue;
            };
            let Some((start, end, what)) = refused_whitespace(&text.value) else {
                continue;
            };
            out.push(
                Finding::new(
                    RuleId::WA126,
                    At::InString(text.node, start, end),
                    format!(
                        "{} of the `{}` send has {what}; Meta refuses parameter text with a line break, a tab or more than {MAX_SPACES} spaces in a row (error 132018)",
                        place(component, position),
                        send.name_str()
                    ),
                )
                .help(
                    "put the line break in the template's own text, or join the parts with a space or a separator (` · `, ` | `); collapse runs of spaces",
                ),
            );
        }
    }
}

/// What a send must fill of a template (WA125), read once when the template is exported.
pub(crate) fn expected_parameters(template: &Template, x: &mut Exporter) -> ExpectedParameters {
    let header = template
        .component(ComponentType::Header)
        .map(|header| ExpectedHeader {
            node: x.node(header.node),
            format: header.format.as_ref().map(|f| f.value),
            variables: variable_names(header.text.as_ref()),
        });
    let body = template
        .component(ComponentType::Body)
        .map(|body| (x.node(body.node), variable_names(body.text.as_ref())));
    let buttons = template
        .component(ComponentType::Buttons)
        .map(|component| {
            component
                .buttons
                .iter()
                .map(|button| ExpectedButton {
                    node: x.node(button.node),
                    kind: button.kind.as_ref().map(|k| k.value),
                    variables: variable_names(button.url.as_ref()).len(),
                })
                .collect()
        })
        .unwrap_or_default();
    ExpectedParameters {
        named: template.format() == ParameterFormat::Named,
        header,
        body,
        buttons,
        carousel: template.component(ComponentType::Carousel).is_some(),
    }
}

/// The variables of a text, each once, in order: `1`, `2` or `first_name`.
fn variable_names(text: Option<&AtNode<String>>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for variable in text.map(|t| variables(&t.value)).unwrap_or_default() {
        let name = match variable.kind {
            VariableKind::Positional(n) => n.to_string(),
            VariableKind::Named(name) => name,
            VariableKind::Malformed(_) => continue,
        };
        if !names.contains(&name) {
            names.push(name);
        }
    }
    // Kept with the template's exports to the end of the run: no spare capacity.
    names.shrink_to_fit();
    names
}

/// What cross-file rules read of a template send: the template it names and every
/// component and parameter, located (a parameter's text is WA126's, not kept).
pub(crate) fn export(send: &TemplateSend, x: &mut Exporter) -> ExportedSend {
    let template = match (&send.name, &send.language) {
        (Some(name), Some(language)) => Some(TemplateRef {
            node: x.node(send.template_node),
            name: x.value(name),
            language: x.value(language),
        }),
        _ => None,
    };
    let components = send
        .components
        .iter()
        .map(|c| SendComponent {
            node: x.node(c.node),
            kind: x.optional(&c.kind),
            sub_type: x.optional(&c.sub_type),
            index: x.optional(&c.index),
            parameters: c
                .parameters
                .iter()
                .map(|p| SendParameter {
                    node: x.node(p.node),
                    kind: x.optional(&p.kind),
                    parameter_name: x.optional(&p.parameter_name),
                    text: None,
                })
                .collect(),
        })
        .collect();
    ExportedSend {
        node: x.node(send.node),
        template,
        components,
    }
}

/// `1 parameter`, `2 parameters`.
fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// `{{1}}, {{2}}`.
fn listed(variables: &[String]) -> String {
    let shown: Vec<String> = variables.iter().map(|v| format!("{{{{{v}}}}}")).collect();
    shown.join(", ")
}

/// The parameter type a header of this format is filled with; `None` when walint does not
/// know it for certain (a GIF header).
fn header_parameter(format: HeaderFormat) -> Option<ParameterType> {
    match format {
        HeaderFormat::Text => Some(ParameterType::Text),
        HeaderFormat::Image => Some(ParameterType::Image),
        HeaderFormat::Video => Some(ParameterType::Video),
        HeaderFormat::Document => Some(ParameterType::Document),
        HeaderFormat::Location => Some(ParameterType::Location),
        HeaderFormat::Product => Some(ParameterType::Product),
        HeaderFormat::Gif => None,
    }
}

/// Body parameters Meta fills a variable with.
const BODY_PARAMETERS: [ParameterType; 3] = [
    ParameterType::Text,
    ParameterType::Currency,
    ParameterType::DateTime,
];

/// One way a send does not fit its template: where, what, and the template's part it is
/// measured against.
struct Mismatch {
    at: At,
    message: String,
    template_node: NodeId,
    template_part: &'static str,
}

/// WA125 template-send-parameters: a send's parameters against the repository's template of
/// its name and language: how many each of the header, body and buttons has, and of which
/// type, and the names of a template of named parameters.
pub fn parameters_match_template(
    workspace: &Workspace,
    _config: &Config,
    out: &mut Vec<FileFinding>,
) {
    for (file, document) in workspace.documents() {
        let Export::Send(send) = document else {
            continue;
        };
        let Some(reference) = &send.template else {
            continue;
        };
        let Some((template_file, template)) = workspace.template_of(reference) else {
            continue;
        };
        let expected = &template.parameters;
        // A carousel's cards carry their own parameters, not compared.
        if expected.carousel {
            continue;
        }
        let label = format!(
            "the `{}` ({}) send",
            reference.name.value, reference.language.value
        );
        let mut mismatches = Vec::new();
        header_mismatches(
            send,
            reference,
            expected,
            template.node,
            &label,
            &mut mismatches,
        );
        body_mismatches(
            send,
            reference,
            expected,
            template.node,
            &label,
            &mut mismatches,
        );
        button_mismatches(
            send,
            reference,
            expected,
            template.node,
            &label,
            &mut mismatches,
        );
        for mismatch in mismatches {
            let finding = Finding::new(RuleId::WA125, mismatch.at, mismatch.message)
                .help(
                    "give each variable of the template exactly one parameter of its type, in the template's order; \
                     after editing the template, update every send that uses it",
                )
                .related(
                    template_file,
                    At::Node(mismatch.template_node),
                    format!("the template's {} is here", mismatch.template_part),
                );
            out.push(FileFinding { file, finding });
        }
    }
}

/// Where a finding about one of the send's components points: its `type`.
fn at_component(component: &SendComponent) -> At {
    At::Node(component.kind.as_ref().map_or(component.node, |k| k.node))
}

fn at_parameter(parameter: &SendParameter) -> At {
    At::Node(parameter.kind.as_ref().map_or(parameter.node, |k| k.node))
}

fn header_mismatches(
    send: &ExportedSend,
    reference: &TemplateRef,
    expected: &ExpectedParameters,
    template_node: NodeId,
    label: &str,
    out: &mut Vec<Mismatch>,
) {
    let given = send
        .components
        .iter()
        .find(|c| c.is(SendComponentType::Header));
    let parameters = given.map_or(&[][..], |c| c.parameters.as_slice());
    let at_send = given.map_or(At::Key(reference.node), at_component);
    let Some(header) = &expected.header else {
        if !parameters.is_empty() {
            out.push(Mismatch {
                at: at_send,
                message: format!(
                    "{label} gives {}; the template has no header: Meta refuses the send (error 132000)",
                    count(parameters.len(), "header parameter")
                ),
                template_node,
                template_part: "definition",
            });
        }
        return;
    };
    // A header without its `format` is WA002's: what it takes is not known.
    let Some(format) = header.format else {
        return;
    };
    let wanted = if format == HeaderFormat::Text {
        header.variables.len()
    } else {
        1
    };
    if parameters.len() != wanted {
        let has = if format == HeaderFormat::Text {
            match header.variables.len() {
                0 => "a TEXT header without a variable".to_string(),
                _ => format!("a TEXT header with {}", listed(&header.variables)),
            }
        } else {
            let name = format.name();
            let article = if name.starts_with(['A', 'E', 'I', 'O', 'U']) {
                "an"
            } else {
                "a"
            };
            format!("{article} {name} header, filled by one parameter")
        };
        let code = if format.is_media() && parameters.is_empty() {
            "132012"
        } else {
            "132000"
        };
        out.push(Mismatch {
            at: at_send,
            message: format!(
                "{label} gives {}; the template has {has}: Meta refuses the send (error {code})",
                count(parameters.len(), "header parameter")
            ),
            template_node: header.node,
            template_part: "header",
        });
        return;
    }
    if expected.named && format == HeaderFormat::Text {
        for (position, parameter) in parameters.iter().enumerate() {
            out.extend(unnamed(
                parameter,
                "header",
                position + 1,
                &header.variables,
                header.node,
                label,
            ));
        }
    }
    let Some(kind) = header_parameter(format) else {
        return;
    };
    for parameter in parameters {
        let Some(given) = &parameter.kind else {
            continue;
        };
        if given.value != kind {
            out.push(Mismatch {
                at: at_parameter(parameter),
                message: format!(
                    "the header parameter of {label} is `{}`; the template's {} header takes `{}`: Meta refuses the send (error 132012)",
                    given.value.name(),
                    format.name(),
                    kind.name()
                ),
                template_node: header.node,
                template_part: "header",
            });
        }
    }
}

fn body_mismatches(
    send: &ExportedSend,
    reference: &TemplateRef,
    expected: &ExpectedParameters,
    template_node: NodeId,
    label: &str,
    out: &mut Vec<Mismatch>,
) {
    let given = send
        .components
        .iter()
        .find(|c| c.is(SendComponentType::Body));
    let parameters = given.map_or(&[][..], |c| c.parameters.as_slice());
    let (body_node, variables) = match &expected.body {
        Some((node, variables)) => (*node, variables.as_slice()),
        None => (template_node, &[][..]),
    };
    if parameters.len() != variables.len() {
        let has = match variables.len() {
            0 => "no variable in its body".to_string(),
            n => format!(
                "{} in its body ({})",
                count(n, "variable"),
                listed(variables)
            ),
        };
        out.push(Mismatch {
            at: given.map_or(At::Key(reference.node), at_component),
            message: format!(
                "{label} gives {}; the template has {has}: Meta refuses the send (error 132000)",
                count(parameters.len(), "body parameter")
            ),
            template_node: body_node,
            template_part: "body",
        });
    }
    for (position, parameter) in parameters.iter().enumerate() {
        let number = position + 1;
        if let Some(kind) = &parameter.kind {
            if !BODY_PARAMETERS.contains(&kind.value) {
                out.push(Mismatch {
                    at: at_parameter(parameter),
                    message: format!(
                        "body parameter {number} of {label} is `{}`; a body variable takes `text`, `currency` or `date_time`: Meta refuses the send (error 132012)",
                        kind.value.name()
                    ),
                    template_node: body_node,
                    template_part: "body",
                });
                continue;
            }
        }
        if expected.named {
            out.extend(unnamed(
                parameter, "body", number, variables, body_node, label,
            ));
        }
    }
}

/// In a template of named parameters, a header or body parameter that names no variable of
/// its part, or one the part does not have.
fn unnamed(
    parameter: &SendParameter,
    part: &'static str,
    number: usize,
    variables: &[String],
    template_node: NodeId,
    label: &str,
) -> Option<Mismatch> {
    if variables.is_empty() {
        return None;
    }
    let message = match &parameter.parameter_name {
        None => format!(
            "{part} parameter {number} of {label} has no `parameter_name`; the template's variables are named ({}), and each parameter says which it fills",
            listed(variables)
        ),
        Some(name) if !variables.contains(&name.value) => {
            let meant = suggest::closest(&name.value, variables.iter().map(String::as_str))
                .map_or(String::new(), |m| format!("; did you mean `{m}`?"));
            format!(
                "{part} parameter {number} of {label} fills `{}`, which the template's {part} does not have ({}){meant}",
                name.value,
                listed(variables)
            )
        }
        Some(_) => return None,
    };
    let at = parameter
        .parameter_name
        .as_ref()
        .map_or(at_parameter(parameter), |n| At::Node(n.node));
    Some(Mismatch {
        at,
        message,
        template_node,
        template_part: part,
    })
}

fn button_mismatches(
    send: &ExportedSend,
    reference: &TemplateRef,
    expected: &ExpectedParameters,
    template_node: NodeId,
    label: &str,
    out: &mut Vec<Mismatch>,
) {
    let given: Vec<&SendComponent> = send
        .components
        .iter()
        .filter(|c| c.is(SendComponentType::Button))
        .collect();
    for component in &given {
        let Some(index) = &component.index else {
            continue;
        };
        let Some(button) = usize::try_from(index.value)
            .ok()
            .and_then(|i| expected.buttons.get(i))
        else {
            out.push(Mismatch {
                at: At::Node(index.node),
                message: format!(
                    "{label} fills button {}; the template has {}",
                    index.value,
                    match expected.buttons.len() {
                        0 => "no buttons".to_string(),
                        1 => "1 button (index 0)".to_string(),
                        n => format!("{n} buttons (index 0 to {})", n - 1),
                    }
                ),
                template_node,
                template_part: "definition",
            });
            continue;
        };
        let sub_type = component
            .sub_type
            .as_ref()
            .and_then(|s| ButtonType::parse(&s.value).map(|kind| (kind, s)));
        if let (Some((kind, written)), Some(defined)) = (sub_type, button.kind) {
            if kind != defined {
                out.push(Mismatch {
                    at: At::Node(written.node),
                    message: format!(
                        "button {} of {label} is filled as `{}`; the template's button {} is {}",
                        index.value,
                        written.value,
                        index.value,
                        defined.name()
                    ),
                    template_node: button.node,
                    template_part: "button",
                });
                continue;
            }
        }
        if button.kind == Some(ButtonType::Url) && component.parameters.len() != button.variables {
            out.push(Mismatch {
                at: at_component(component),
                message: format!(
                    "{label} gives {} for button {}; the template's URL button {}: Meta refuses the send (error 132000)",
                    count(component.parameters.len(), "parameter"),
                    index.value,
                    if button.variables == 0 {
                        "has a fixed URL".to_string()
                    } else {
                        format!("ends in {}", count(button.variables, "variable"))
                    }
                ),
                template_node: button.node,
                template_part: "button",
            });
        }
    }
    for (index, button) in expected.buttons.iter().enumerate() {
        let filled = given
            .iter()
            .any(|c| c.index.as_ref().is_some_and(|i| i.value == index as u64));
        if button.kind == Some(ButtonType::Url) && button.variables > 0 && !filled {
            out.push(Mismatch {
                at: At::Key(reference.node),
                message: format!(
                    "{label} gives no parameter for button {index}; the template's URL button ends in a variable: Meta refuses the send (error 132000)"
                ),
                template_node: button.node,
                template_part: "button",
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::check_text;
    use crate::source::Format;

    #[test]
    fn finds_the_first_refused_whitespace() {
        assert_eq!(
            refused_whitespace("Maria\nSilva"),
            Some((5, 6, "a line break".to_string()))
        );
        assert_eq!(
            refused_whitespace("a\r\nb"),
            Some((1, 3, "a line break".to_string()))
        );
        assert_eq!(
            refused_whitespace("Order\t1042"),
            Some((5, 6, "a tab".to_string()))
        );
        assert_eq!(
            refused_whitespace("Total:     12 EUR"),
            Some((6, 11, "5 spaces in a row".to_string()))
        );
        // Four spaces are still accepted.
        assert_eq!(refused_whitespace("Total:    12 EUR"), None);
        assert_eq!(refused_whitespace("Maria Silva"), None);
    }

    #[test]
    fn points_at_the_whitespace_inside_the_parameter_text() {
        let text = r#"{"messaging_product": "whatsapp", "to": "4915112345678", "type": "template",
 "template": {"name": "order_shipped", "language": {"code": "en_US"}, "components": [
  {"type": "body", "parameters": [{"type": "text", "text": "Maria"}, {"type": "text", "text": "Linen shirt\nsize M"}]},
  {"type": "button", "sub_type": "url", "index": "0", "parameters": [{"type": "text", "text": "A-1042\t"}]},
  {"type": "button", "sub_type": "quick_reply", "index": "1", "parameters": [{"type": "payload", "payload": "a\nb"}]}
 ]}}"#;
        let rule = crate::rules::REGISTRY
            .iter()
            .find(|r| r.id == RuleId::WA126)
            .copied()
            .unwrap();
        let (problems, found) = check_text(text, Format::Json, &[rule]);
        assert!(problems.is_empty(), "{problems:?}");
        let found: Vec<(&str, At)> = found.iter().map(|f| (f.message.as_str(), f.at)).collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0]
            .0
            .starts_with("body parameter 2 of the `order_shipped` send has a line break"));
        assert!(matches!(found[0].1, At::InString(_, 11, 12)));
        assert!(found[1]
            .0
            .starts_with("parameter 1 of button 0 of the `order_shipped` send has a tab"));
    }
    /// WA125's messages on one send against one template, each file read as the engine does.
    fn mismatches(template: &str, send: &str) -> Vec<String> {
        let config = crate::config::Config::default();
        let read = |text: &str| {
            let tree = crate::source::parse(text, Format::Json).unwrap();
            let contents = crate::model::read(&tree);
            assert!(contents.problems.is_empty(), "{:?}", contents.problems);
            crate::rules::export(&tree, &contents.documents, &config)
        };
        let (template, send) = (read(template), read(send));
        let workspace = Workspace::new([
            (
                crate::diagnostic::FileId::input(0),
                "template.json",
                &template,
            ),
            (crate::diagnostic::FileId::input(1), "send.json", &send),
        ]);
        let mut out = Vec::new();
        parameters_match_template(&workspace, &config, &mut out);
        out.into_iter().map(|f| f.finding.message).collect()
    }

    const ORDER: &str = r#"{"name": "order", "language": "en_US", "category": "UTILITY", "components": [
      {"type": "HEADER", "format": "TEXT", "text": "Order {{1}}", "example": {"header_text": ["A-1"]}},
      {"type": "BODY", "text": "Hi {{1}}, {{2}} is on its way, {{1}}.", "example": {"body_text": [["Maria", "A-1"]]}},
      {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Stop"},
        {"type": "URL", "text": "Track", "url": "https://a.example/t/{{1}}", "example": ["https://a.example/t/A-1"]}]}]}"#;

    fn send(components: &str) -> String {
        format!(
            r#"{{"messaging_product": "whatsapp", "to": "1", "type": "template", "template": {{"name": "order", "language": {{"code": "en-US"}}, "components": [{components}]}}}}"#
        )
    }

    #[test]
    fn a_send_that_fits_its_template_is_clean() {
        let fits = send(
            r#"{"type": "header", "parameters": [{"type": "text", "text": "A-1"}]},
               {"type": "body", "parameters": [{"type": "text", "text": "Maria"}, {"type": "currency", "currency": {"fallback_value": "$5", "code": "USD", "amount_1000": 5000}}]},
               {"type": "button", "sub_type": "url", "index": "1", "parameters": [{"type": "text", "text": "A-1"}]}"#,
        );
        assert_eq!(mismatches(ORDER, &fits), Vec::<String>::new());
        // Another template's send, or one the repository does not define, is not judged.
        let other = fits.replace(r#""name": "order""#, r#""name": "other""#);
        assert_eq!(mismatches(ORDER, &other), Vec::<String>::new());
    }

    #[test]
    fn counts_types_and_buttons_are_compared() {
        let wrong = send(
            r#"{"type": "body", "parameters": [{"type": "text", "text": "Maria"}, {"type": "video", "video": {"link": "https://a.example/v.mp4"}}, {"type": "text", "text": "x"}]},
               {"type": "button", "sub_type": "url", "index": "0", "parameters": [{"type": "text", "text": "A-1"}]},
               {"type": "button", "sub_type": "quick_reply", "index": "2", "parameters": [{"type": "payload", "payload": "x"}]}"#,
        );
        assert_eq!(
            mismatches(ORDER, &wrong),
            [
                "the `order` (en-US) send gives 0 header parameters; the template has a TEXT header with {{1}}: Meta refuses the send (error 132000)",
                "the `order` (en-US) send gives 3 body parameters; the template has 2 variables in its body ({{1}}, {{2}}): Meta refuses the send (error 132000)",
                "body parameter 2 of the `order` (en-US) send is `video`; a body variable takes `text`, `currency` or `date_time`: Meta refuses the send (error 132012)",
                "button 0 of the `order` (en-US) send is filled as `url`; the template's button 0 is QUICK_REPLY",
                "the `order` (en-US) send fills button 2; the template has 2 buttons (index 0 to 1)",
                "the `order` (en-US) send gives no parameter for button 1; the template's URL button ends in a variable: Meta refuses the send (error 132000)",
            ]
        );
    }

    #[test]
    fn media_headers_and_named_parameters() {
        let photo = r#"{"name": "order", "language": "en_US", "category": "UTILITY", "parameter_format": "named", "components": [
          {"type": "HEADER", "format": "IMAGE", "example": {"header_handle": ["h"]}},
          {"type": "BODY", "text": "Hi {{first_name}}, order {{order_id}} is packed.", "example": {"body_text_named_params": [{"param_name": "first_name", "example": "Maria"}, {"param_name": "order_id", "example": "A-1"}]}}]}"#;
        let named = send(
            r#"{"type": "body", "parameters": [{"type": "text", "parameter_name": "frist_name", "text": "Maria"}, {"type": "text", "text": "A-1"}]}"#,
        );
        assert_eq!(
            mismatches(photo, &named),
            [
                "the `order` (en-US) send gives 0 header parameters; the template has an IMAGE header, filled by one parameter: Meta refuses the send (error 132012)",
                "body parameter 1 of the `order` (en-US) send fills `frist_name`, which the template's body does not have ({{first_name}}, {{order_id}}); did you mean `first_name`?",
                "body parameter 2 of the `order` (en-US) send has no `parameter_name`; the template's variables are named ({{first_name}}, {{order_id}}), and each parameter says which it fills",
            ]
        );
        let document = send(
            r#"{"type": "header", "parameters": [{"type": "document", "document": {"link": "https://a.example/a.pdf"}}]},
               {"type": "body", "parameters": [{"type": "text", "parameter_name": "first_name", "text": "Maria"}, {"type": "text", "parameter_name": "order_id", "text": "A-1"}]}"#,
        );
        assert_eq!(
            mismatches(photo, &document),
            ["the header parameter of the `order` (en-US) send is `document`; the template's IMAGE header takes `image`: Meta refuses the send (error 132012)"]
        );
    }
    #[test]
    fn a_named_text_header_parameter_names_its_variable() {
        let named = r#"{"name": "order", "language": "en_US", "category": "UTILITY", "parameter_format": "named", "components": [
          {"type": "HEADER", "format": "TEXT", "text": "Order {{order_id}}", "example": {"header_text_named_params": [{"param_name": "order_id", "example": "A-1"}]}},
          {"type": "BODY", "text": "Your order has been packed and leaves today."}]}"#;
        let unnamed =
            send(r#"{"type": "header", "parameters": [{"type": "text", "text": "A-1"}]}"#);
        assert_eq!(
            mismatches(named, &unnamed),
            ["header parameter 1 of the `order` (en-US) send has no `parameter_name`; the template's variables are named ({{order_id}}), and each parameter says which it fills"]
        );
        let fits = send(
            r#"{"type": "header", "parameters": [{"type": "text", "parameter_name": "order_id", "text": "A-1"}]}"#,
        );
        assert_eq!(mismatches(named, &fits), Vec::<String>::new());
    }
}
