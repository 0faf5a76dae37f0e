//! WA108 insecure-url in Flow JSON: `http://` in `open_url` actions, `data_channel_uri`, image
//! sources and markdown links of any component or option.

use crate::catalogue::RuleId;
use crate::diagnostic::{Applicability, At, Edit, Finding, Fix};
use crate::model::whatsapp_flow::Options;
use crate::model::WhatsAppFlow;
use crate::rules::Context;
use crate::source::NodeId;

fn is_http(value: &str) -> bool {
    value
        .trim_start()
        .get(..7)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("http://"))
}

/// `http://` at byte `start` of a string node's value made `https://`: unsafe, as the site
/// may not serve HTTPS.
fn to_https(node: NodeId, value: &str, start: usize) -> Fix {
    let start = start + (value[start..].len() - value[start..].trim_start().len());
    Fix::new(
        Applicability::Unsafe,
        "link over https://",
        vec![Edit::Replace {
            at: At::InString(node, start, start + "http://".len()),
            text: "https://".into(),
        }],
    )
}

/// WA108 insecure-url, for Flow JSON (and `flow_json` in templates). Registered beside the
/// template and conversation-flow checks of WA108.
pub fn insecure_url_in_flow_json(flow: &WhatsAppFlow, _ctx: &Context, out: &mut Vec<Finding>) {
    let finding = |at: At, what: &str, url: &str| {
        Finding::new(
            RuleId::WA108,
            at,
            format!("{what} `{url}` is not https: the link travels unencrypted"),
        )
        .help("use an https:// URL")
    };
    if let Some(uri) = &flow.data_channel_uri {
        if is_http(&uri.value) {
            out.push(
                finding(At::Node(uri.node), "data_channel_uri", &uri.value)
                    .fix(to_https(uri.node, &uri.value, 0)),
            );
        }
    }
    for screen in &flow.screens {
        for component in screen.components() {
            let kind = component.kind();
            for action in component.all_actions() {
                if let Some(url) = action.url.as_ref().filter(|u| is_http(&u.value)) {
                    out.push(
                        finding(
                            At::Node(url.node),
                            &format!("`open_url` of `{kind}` opens"),
                            &url.value,
                        )
                        .fix(to_https(url.node, &url.value, 0)),
                    );
                }
            }
            let options = component.options.iter().flat_map(|o| match o {
                Options::Static { items, .. } => items.as_slice(),
                Options::Dynamic { .. } => &[],
            });
            let properties = component
                .properties
                .iter()
                .chain(options.flat_map(|i| i.properties.iter()));
            for property in properties {
                let value = &property.value.value;
                if is_http(value) {
                    out.push(
                        finding(
                            At::Node(property.value.node),
                            &format!("`{}` of `{kind}`", property.key),
                            value,
                        )
                        .fix(to_https(property.value.node, value, 0)),
                    );
                    continue;
                }
                // Markdown links: `[text](http://...)`.
                let mut from = 0;
                while let Some(found) = value.get(from..).and_then(|rest| rest.find("](")) {
                    let start = from + found + 2;
                    let rest = value.get(start..).unwrap_or("");
                    let end = start + rest.find([')', ' ']).unwrap_or(rest.len());
                    let url = value.get(start..end).unwrap_or("");
                    if is_http(url) {
                        out.push(
                            finding(
                                At::InString(property.value.node, start, end),
                                &format!("link in `{kind}` {}", property.key),
                                url,
                            )
                            .fix(to_https(
                                property.value.node,
                                value,
                                start,
                            )),
                        );
                    }
                    from = end.max(start);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::catalogue::RuleId;
    use crate::rules::whatsapp_flows::tests::{run, spans, INSECURE_URL_RULE};

    const HTTP_FLOW: &str = r#"{"version": "6.0", "screens": [{"id": "A", "terminal": true,
        "layout": {"type": "SingleColumnLayout", "children": [
          {"type": "TextBody", "markdown": true, "text": "See [terms](http://acme.example/terms) or [faq](https://acme.example/faq)"},
          {"type": "Image", "src": "http://acme.example/logo.png"},
          {"type": "EmbeddedLink", "text": "Privacy", "on-click-action": {"name": "open_url", "url": "http://acme.example/privacy"}},
          {"type": "Footer", "label": "Done", "on-click-action": {"name": "complete", "payload": {}}}]}}]}"#;

    #[test]
    fn insecure_urls_in_flow_json_are_found_where_written() {
        let findings = run(HTTP_FLOW, INSECURE_URL_RULE);
        assert!(findings.iter().all(|f| f.rule == RuleId::WA108));
        assert_eq!(
            spans(HTTP_FLOW, &findings),
            [
                "http://acme.example/terms",
                "\"http://acme.example/logo.png\"",
                "\"http://acme.example/privacy\"",
            ]
        );
    }

    #[test]
    fn https_and_dynamic_urls_are_fine() {
        let flow = HTTP_FLOW.replace("http://", "https://");
        assert!(run(&flow, INSECURE_URL_RULE).is_empty());
    }
}
