//! WA108 insecure-url: plain `http://` links in templates (texts and URL buttons) and in
//! conversation flows (every text of a node: text, header, footer, list button, section
//! titles, option titles and descriptions).

use super::Context;
use crate::catalogue::RuleId;
use crate::diagnostic::{Applicability, Edit, Finding, Fix};
use crate::model::template::Field;
use crate::model::Site;
use crate::model::{ConversationFlow, Template};
use crate::text::urls;

/// `http://` at bytes `start..` of a string value made `https://`: unsafe, as the site may
/// not serve HTTPS.
fn to_https(site: Site, start: usize) -> Fix {
    Fix::new(
        Applicability::Unsafe,
        "link over https://",
        vec![Edit::Replace {
            at: site.at_bytes(start, start + "http://".len()),
            text: "https://".into(),
        }],
    )
}

fn insecure_links(site: Site, text: &str, what: &dyn Fn() -> String, out: &mut Vec<Finding>) {
    for link in urls(text).into_iter().filter(|l| l.insecure) {
        let what = what();
        let shown = text.get(link.start..link.end).unwrap_or("");
        out.push(
            Finding::new(
                RuleId::WA108,
                site.at_bytes(link.start, link.end),
                format!("the {what} links to `{shown}` over plain HTTP"),
            )
            .help("serve the page over HTTPS and link to https://…; a plain http:// link can be read and changed on the way")
            .fix(to_https(site, link.start)),
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
                        url.at_bytes(start, end),
                        format!(
                            "the URL button links to `{}` over plain HTTP",
                            value.trim_end()
                        ),
                    )
                    .help("serve the page over HTTPS and change the button's link to https://…")
                    .fix(to_https(url.site(), start)),
                );
            }
            continue;
        }
        insecure_links(
            field.text.site(),
            &field.text.value,
            &|| field.what.clone(),
            out,
        );
    }
}

/// WA108 insecure-url, in every text of a conversation flow's nodes.
pub fn insecure_url_in_flow(flow: &ConversationFlow, _ctx: &Context, out: &mut Vec<Finding>) {
    for node in &flow.nodes {
        for text in node.texts() {
            insecure_links(text.text.site(), &text.text.value, &|| text.what(), out);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::At;
    use crate::rules::check_text;
    use crate::source::{parse, Format};

    /// Every text of a flow node is read: each place an `http://` link can hide, as
    /// (pointer of the string, the link's bytes in it, message).
    #[test]
    fn every_text_of_a_flow_node_is_searched_for_plain_http_links() {
        let yaml = r#"flow: f
entry: a
nodes:
  a:
    type: menu
    style: list
    header: "See http://h.example"
    text: "Hi"
    footer: "Terms: http://f.example"
    button: "http://b.example"
    sections:
      - title: "http://s.example"
        options:
          - {title: "Go http://t.example", description: "Or http://d.example", next: b}
    fallback: a
  b:
    type: menu
    text: "Read http://x.example"
    options:
      - {title: "x", description: "at http://o.example", next: b}
    fallback: b
"#;
        let tree = parse(yaml, Format::Yaml).unwrap();
        let rule = rule!(WA108, Flow, super::insecure_url_in_flow);
        let (problems, findings) = check_text(yaml, Format::Yaml, &[rule]);
        assert!(problems.is_empty(), "{problems:?}");
        let found: Vec<(String, usize, usize, String)> = findings
            .iter()
            .map(|f| match f.at {
                At::InString(node, start, end) => {
                    (tree.pointer(node), start, end, f.message.clone())
                }
                ref other => panic!("{other:?}"),
            })
            .collect();
        let expected = [
            ("/nodes/a/header", 4, 20, "the header of node `a` links to `http://h.example` over plain HTTP"),
            ("/nodes/a/footer", 7, 23, "the footer of node `a` links to `http://f.example` over plain HTTP"),
            ("/nodes/a/button", 0, 16, "the list button label of node `a` links to `http://b.example` over plain HTTP"),
            ("/nodes/a/sections/0/title", 0, 16, "the title of section 1 of node `a` links to `http://s.example` over plain HTTP"),
            ("/nodes/a/sections/0/options/0/title", 3, 19, "the title of option 1 of section 1 of node `a` links to `http://t.example` over plain HTTP"),
            ("/nodes/a/sections/0/options/0/description", 3, 19, "the description of option 1 of section 1 of node `a` links to `http://d.example` over plain HTTP"),
            ("/nodes/b/text", 5, 21, "the text of node `b` links to `http://x.example` over plain HTTP"),
            ("/nodes/b/options/0/description", 3, 19, "the description of option 1 of node `b` links to `http://o.example` over plain HTTP"),
        ];
        let expected: Vec<(String, usize, usize, String)> = expected
            .iter()
            .map(|(p, s, e, m)| (p.to_string(), *s, *e, m.to_string()))
            .collect();
        assert_eq!(found, expected);
    }
}
