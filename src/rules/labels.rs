//! WA121 button-label-whitespace: spaces at either end of a button label, or a line break in
//! it, in templates (every button's `text`) and conversation flows (reply button titles, the
//! label of the button that opens a list).

use super::Context;
use crate::catalogue::RuleId;
use crate::diagnostic::{Applicability, At, Edit, Finding, Fix};
use crate::model::flow::{MenuStyle, NodeType, Presentation};
use crate::model::template::Field;
use crate::model::{AtNode, ConversationFlow, Template};

/// WA121 in a template: the text of each button, carousel cards' included.
pub fn button_label_whitespace_in_template(
    template: &Template,
    _ctx: &Context,
    out: &mut Vec<Finding>,
) {
    for field in template.texts() {
        if field.field == Field::ButtonText {
            out.extend(label_whitespace(field.text, &field.what));
        }
    }
}

/// WA121 in a conversation flow: the titles of a menu's reply buttons, and the label of the
/// button that opens a list.
pub fn button_label_whitespace_in_flow(
    flow: &ConversationFlow,
    _ctx: &Context,
    out: &mut Vec<Finding>,
) {
    for node in flow.nodes.iter().filter(|n| n.is(NodeType::Menu)) {
        let buttons = match &node.presentation {
            Some(presentation) => matches!(presentation, Presentation::SplitButtons(_)),
            None => node.menu_style() == MenuStyle::Buttons,
        };
        if buttons {
            for (index, option) in node.all_options().enumerate() {
                if let Some(title) = &option.title {
                    let what = format!("title of reply button {} of menu `{}`", index + 1, node.id);
                    out.extend(label_whitespace(title, &what));
                }
            }
        } else if let Some(button) = &node.button {
            let what = format!("list button label of menu `{}`", node.id);
            out.extend(label_whitespace(button, &what));
        }
    }
}

fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0b}' | '\u{0c}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// The finding of a label with whitespace at an end or a line break inside, with the fix
/// that writes it on one line. A label of whitespace alone is left to the rules on empty
/// labels: trimming it would leave nothing.
fn label_whitespace(label: &AtNode<String>, what: &str) -> Option<Finding> {
    let text = label.value.as_str();
    let inner = text.trim();
    if inner.is_empty() {
        return None;
    }
    let lead = text.len() - text.trim_start().len();
    let trail_start = lead + inner.len();
    // Each run of whitespace inside that holds a line break, as byte ranges of `text`.
    let mut breaks = Vec::new();
    let mut run: Option<(usize, bool)> = None;
    for (offset, c) in inner.char_indices() {
        let at = lead + offset;
        match (&mut run, c.is_whitespace()) {
            (Some((_, has_break)), true) => *has_break |= is_line_break(c),
            (None, true) => run = Some((at, is_line_break(c))),
            (Some((start, has_break)), false) => {
                if *has_break {
                    breaks.push((*start, at));
                }
                run = None;
            }
            (None, false) => {}
        }
    }
    let mut problems = Vec::new();
    let mut edits = Vec::new();
    let mut first = None;
    if lead > 0 {
        problems.push(format!("starts with {}", describe(&text[..lead])));
        edits.push((0, lead, ""));
        first.get_or_insert((0, lead));
    }
    if !breaks.is_empty() {
        problems.push(if breaks.len() == 1 {
            "has a line break".to_string()
        } else {
            format!("has {} line breaks", breaks.len())
        });
        first.get_or_insert(breaks[0]);
        edits.extend(breaks.iter().map(|&(start, end)| (start, end, " ")));
    }
    if trail_start < text.len() {
        problems.push(format!("ends with {}", describe(&text[trail_start..])));
        first.get_or_insert((trail_start, text.len()));
        edits.push((trail_start, text.len(), ""));
    }
    let (start, end) = first?;
    let fixed: String = {
        let mut fixed = String::with_capacity(text.len());
        let mut at = 0;
        for &(start, end, with) in &edits {
            fixed.push_str(&text[at..start]);
            fixed.push_str(with);
            at = end;
        }
        fixed.push_str(&text[at..]);
        fixed
    };
    let edits = edits
        .into_iter()
        .map(|(start, end, with)| Edit::Replace {
            at: At::InString(label.node, start, end),
            text: with.into(),
        })
        .collect();
    Some(
        Finding::new(
            RuleId::WA121,
            At::InString(label.node, start, end),
            format!(
                "`{}`, the {what}, {}; {}",
                escaped(text),
                problems.join(" and "),
                if breaks.is_empty() {
                    "whitespace at a label's ends counts against its length limit"
                } else {
                    "a button shows its label on one line"
                }
            ),
        )
        .help(format!("write the label as `{}`", escaped(&fixed)))
        .fix(Fix::new(
            Applicability::Safe,
            format!("write `{}`", escaped(&fixed)),
            edits,
        )),
    )
}

/// "a space", "3 spaces", "a line break", "whitespace": what a run at an end is.
fn describe(run: &str) -> String {
    let count = run.chars().count();
    if run.chars().all(|c| c == ' ') {
        return if count == 1 {
            "a space".into()
        } else {
            format!("{count} spaces")
        };
    }
    if run.chars().any(is_line_break) {
        return "a line break".into();
    }
    if run.chars().all(|c| c == '\t') {
        return "a tab".into();
    }
    "whitespace".into()
}

/// The label on one line of a message: line breaks and tabs as `\n`, `\r`, `\t`.
fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_line_break(c) => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::catalogue::RuleId;
    use crate::rules::{check_text, REGISTRY};
    use crate::source::Format;

    fn findings(text: &str, format: Format) -> Vec<(String, String)> {
        let rules: Vec<_> = REGISTRY
            .iter()
            .filter(|r| r.id == RuleId::WA121)
            .copied()
            .collect();
        let (problems, out) = check_text(text, format, &rules);
        assert!(problems.is_empty(), "{problems:?}");
        out.into_iter()
            .map(|f| {
                let fix = f.fix.map(|f| f.title).unwrap_or_default();
                (f.message, fix)
            })
            .collect()
    }

    fn template(buttons: &str) -> String {
        format!(
            r#"{{"name": "t", "language": "en_US", "category": "UTILITY", "components": [{{"type": "BODY", "text": "Your order has shipped."}}, {{"type": "BUTTONS", "buttons": {buttons}}}]}}"#
        )
    }

    #[test]
    fn each_problem_of_a_template_button_label_is_named_and_the_fix_writes_it_on_one_line() {
        let found = findings(
            &template(
                r#"[{"type": "QUICK_REPLY", "text": "  Got it"}, {"type": "QUICK_REPLY", "text": "Track \n\n order\n"}, {"type": "QUICK_REPLY", "text": "Fine"}, {"type": "QUICK_REPLY", "text": " "}]"#,
            ),
            Format::Json,
        );
        assert_eq!(
            found,
            [
                (
                    "`  Got it`, the QUICK_REPLY button text, starts with 2 spaces; whitespace at a label's ends counts against its length limit".to_string(),
                    "write `Got it`".to_string()
                ),
                (
                    "`Track \\n\\n order\\n`, the QUICK_REPLY button text, has a line break and ends with a line break; a button shows its label on one line".to_string(),
                    "write `Track order`".to_string()
                ),
            ]
        );
    }

    #[test]
    fn reply_button_titles_and_a_list_button_are_read_but_list_rows_are_not() {
        let flow = "flow: f\nentry: a\nnodes:\n  a:\n    type: menu\n    text: Hi\n    options:\n      - {title: \"Yes \", next: b}\n      - {title: \"No\", next: b}\n  b:\n    type: menu\n    style: list\n    button: \"\\tChoose\"\n    text: Pick\n    options:\n      - {title: \" Row\", next: a}\n";
        let found = findings(flow, Format::Yaml);
        let messages: Vec<&str> = found.iter().map(|(m, _)| m.as_str()).collect();
        assert_eq!(
            messages,
            [
                "`Yes `, the title of reply button 1 of menu `a`, ends with a space; whitespace at a label's ends counts against its length limit",
                "`\\tChoose`, the list button label of menu `b`, starts with a tab; whitespace at a label's ends counts against its length limit",
            ]
        );
    }
}
