//! Template send rules: WA126 on the parameter texts of a Cloud API template send.

use super::Context;
use crate::catalogue::RuleId;
use crate::diagnostic::{At, Finding};
use crate::model::send::{ParameterType, SendComponent, SendComponentType, TemplateSend};

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
}
