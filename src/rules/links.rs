//! Links in texts, and WA108 insecure-url: plain `http://` links in templates (texts and URL
//! buttons) and in conversation flows (node texts, menu option titles and descriptions).

use super::templates::{text_fields, Field};
use super::Context;
use crate::catalogue::RuleId;
use crate::diagnostic::{At, Finding};
use crate::model::{ConversationFlow, Template};
use crate::source::NodeId;

/// A web address found in a text: bytes `start..end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Link {
    pub start: usize,
    pub end: usize,
    /// Written with `http://` (not `https://`, not a bare `www.`).
    pub insecure: bool,
}

/// Every `http://`, `https://` and `www.` address of a text. An address starts at a word
/// boundary and runs to white space or a quote or angle bracket; trailing sentence
/// punctuation and WhatsApp formatting marks (`*bold*`) are not part of it.
pub fn urls(text: &str) -> Vec<Link> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let boundary = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        let rest = &bytes[i..];
        let starts_with = |prefix: &[u8]| {
            rest.len() >= prefix.len() && rest[..prefix.len()].eq_ignore_ascii_case(prefix)
        };
        let (scheme, insecure) = if !boundary {
            (0, false)
        } else if starts_with(b"http://") {
            (7, true)
        } else if starts_with(b"https://") {
            (8, false)
        } else if starts_with(b"www.") {
            (4, false)
        } else {
            (0, false)
        };
        if scheme == 0 {
            i += 1;
            continue;
        }
        let mut end = i + scheme;
        while end < bytes.len()
            && !bytes[end].is_ascii_whitespace()
            && !matches!(bytes[end], b'"' | b'\'' | b'<' | b'>')
        {
            // Stop at non-ASCII white space too (no-break space); other characters are
            // part of the address (internationalised paths).
            let Some(c) = text[end..].chars().next() else {
                break;
            };
            if c.is_whitespace() {
                break;
            }
            end += c.len_utf8();
        }
        let mut trimmed = end;
        while trimmed > i + scheme {
            let last = bytes[trimmed - 1];
            let unbalanced_paren = last == b')' && !text[i..trimmed].contains('(');
            if matches!(
                last,
                b'.' | b',' | b';' | b':' | b'!' | b'?' | b'*' | b'_' | b'~' | b']'
            ) || unbalanced_paren
            {
                trimmed -= 1;
            } else {
                break;
            }
        }
        if trimmed > i + scheme {
            out.push(Link {
                start: i,
                end: trimmed,
                insecure,
            });
        }
        i = end.max(i + 1);
    }
    out
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
            .help("serve the page over HTTPS and link to https://…; a plain http:// link can be read and changed on the way"),
        );
    }
}

/// WA108 insecure-url, in a template's texts and URL buttons.
pub fn insecure_url_in_template(template: &Template, _ctx: &Context, out: &mut Vec<Finding>) {
    for field in text_fields(template) {
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
                    .help("serve the page over HTTPS and change the button's link to https://…"),
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn found(text: &str) -> Vec<(&str, bool)> {
        urls(text)
            .into_iter()
            .map(|l| (&text[l.start..l.end], l.insecure))
            .collect()
    }

    #[test]
    fn finds_links_without_trailing_punctuation() {
        assert_eq!(
            found("See http://acme.example/a?b=1. Or *https://x.example/y*, www.acme.example!"),
            vec![
                ("http://acme.example/a?b=1", true),
                ("https://x.example/y", false),
                ("www.acme.example", false),
            ]
        );
        assert_eq!(
            found("(see HTTP://Acme.example/x)"),
            vec![("HTTP://Acme.example/x", true)]
        );
        assert_eq!(
            found("https://en.wikipedia.org/wiki/Foo_(bar)"),
            vec![("https://en.wikipedia.org/wiki/Foo_(bar)", false)]
        );
        assert!(found("xhttp://no http:// nohttps").is_empty());
    }

    proptest! {
        #[test]
        fn never_panics(text in "(\\PC|[ :/.wh])*") {
            for l in urls(&text) {
                prop_assert!(text.get(l.start..l.end).is_some());
            }
        }
    }
}
