//! Webhook configuration rules (WA4xx).

use super::{is_placeholder, DocumentContext};
use crate::diagnostic::{At, Finding};
use crate::model::Document;

/// WA401 webhook-not-https.
pub fn webhook_not_https(ctx: &DocumentContext, out: &mut Vec<Finding>) {
    let Document::Webhook(webhook) = ctx.document else {
        return;
    };
    let Some(url) = &webhook.callback_url else {
        return;
    };
    if is_placeholder(&url.value) {
        return;
    }
    let value = url.value.trim();
    let is_https = value
        .get(..8)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"));
    if !is_https {
        out.push(
            Finding::new(
                "WA401",
                At::Node(url.node),
                format!(
                    "callback URL `{value}` is not HTTPS; Meta delivers webhooks only to https:// endpoints with a valid certificate"
                ),
            )
            .help("serve the endpoint over TLS and use its https:// URL"),
        );
    }
}
