//! WA108 insecure-url: plain `http://` links in templates (texts and URL buttons) and in
//! conversation flows (node texts, menu option titles and descriptions).

use super::Context;
use crate::catalogue::RuleId;
use crate::diagnostic::{Applicability, At, Edit, Finding, Fix};
use crate::model::template::Field;
use crate::model::{ConversationFlow, Template};
use crate::source::NodeId;
use crate::text::urls;

/// `http://` at bytes `start..` of a string node's value made `https://`: unsafe, as the site
/// may not serve HTTPS.
fn to_https(node: NodeId, start: usize) -> Fix {
    Fix::new(
        Applicability::Unsafe,
        "link over https://",
        vec![Edit::Replace {
            at: At::InString(node, start, start + "http://".len()),
            text: "https://".into(),
        }],
    )
}

fn insecure_links(node: NodeId, text: &str, what: &str, out: &mut Vec<Finding>) {
    for link in urls(text).into_iter().filter(|l| l.insecure) {
        let shown = text.get(link.start..link.end).unwrap_or("");
        out.push(
            Finding::new(
                RuleId::WA108,
                At::InString(node, link.start, link.end),
                format!("the {what} links to `{shown}` over plain HTTP"),
            )
            .help("serve the page over HTTPS and link to https://…; a plain http:// link can be read and changed on the way")
            .fix(to_https(node, link.start)),
        );
    }
}

/// WA108 insecure-url, in a template's texts and URL buttons.
pub fn insecure_url_in_template(template: &Template, _ctx: &Context, out: &mut Vec<Finding>) {
    for field in template.texts() {
        if field.field == Field::Url {
            // A URL button's link is the whole value.
            let url = field.text;
            let value = url.value.trim_start();
            if value
                .get(..7)
                .is_some_and(|s| s.eq_ignore_ascii_case("http://"))
            {
                let start = url.value.len() - value.len();
                let end = start + value.trim_end().len();
                out.push(
                    Finding::new(
                        RuleId::WA108,
                        At::InString(url.node, start, end),
                        format!(
                            "the URL button links to `{}` over plain HTTP",
                            value.trim_end()
                        ),
                    )
                    .help("serve the page over HTTPS and change the button's link to https://…")
                    .fix(to_https(url.node, start)),
                );
            }
            continue;
        }
        insecure_links(field.text.node, &field.text.value, &field.what, out);
    }
}

/// WA108 insecure-url, in a conversation flow's texts and menu options.
pub fn insecure_url_in_flow(flow: &ConversationFlow, _ctx: &Context, out: &mut Vec<Finding>) {
    for node in &flow.nodes {
        if let Some(text) = &node.text {
            insecure_links(
                text.node,
                &text.value,
                &format!("text of node `{}`", node.id),
                out,
            );
        }
        for (i, option) in node.options.iter().flat_map(|o| o.value.iter()).enumerate() {
            if let Some(title) = &option.title {
                let what = format!("title of option {} of node `{}`", i + 1, node.id);
                insecure_links(title.node, &title.value, &what, out);
            }
            if let Some(description) = &option.description {
                let what = format!("description of option {} of node `{}`", i + 1, node.id);
                insecure_links(description.node, &description.value, &what, out);
            }
        }
    }
}
