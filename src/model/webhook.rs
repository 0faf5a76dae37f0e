//! Webhook configurations: walint's `webhooks:` format and Meta's `subscribed_apps` body.

use super::reader::{Keyword, Reader, Spanned};
use crate::source::NodeId;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Environment {
    Production,
    Staging,
    Development,
}

impl Keyword for Environment {
    const WHAT: &'static str = "environment";
    const ALL: &'static [(&'static str, Self)] = &[
        ("production", Environment::Production),
        ("staging", Environment::Staging),
        ("development", Environment::Development),
    ];
}

#[derive(Clone, Debug)]
pub struct Webhook {
    pub node: NodeId,
    pub name: Option<Spanned<String>>,
    pub environment: Option<Spanned<Environment>>,
    /// `callback_url`, or `override_callback_uri` in Meta's payload.
    pub callback_url: Option<Spanned<String>>,
    pub verify_token: Option<Spanned<String>>,
    pub app_secret: Option<Spanned<String>>,
    pub verify_signature: Option<Spanned<bool>>,
    pub fields: Option<Vec<Spanned<String>>>,
    pub graph_api_version: Option<Spanned<String>>,
}

/// `webhooks: [...]`, each entry a webhook.
pub fn read_list(r: &mut Reader, node: NodeId) -> Vec<Webhook> {
    let Some(list) = r.field(node, "webhooks") else {
        return Vec::new();
    };
    let items = r.expect_seq(list, "webhooks").unwrap_or_default();
    let mut webhooks = Vec::with_capacity(items.len());
    for item in items {
        if let Some(item) = r.expect_map(item, "webhooks[]") {
            webhooks.push(read_one(r, item));
        }
    }
    webhooks
}

fn read_one(r: &mut Reader, node: NodeId) -> Webhook {
    Webhook {
        node,
        name: r.string(node, "name"),
        environment: r.keyword(node, "environment"),
        callback_url: r.required_string(node, "callback_url", "webhook"),
        verify_token: r.string(node, "verify_token"),
        app_secret: r.string(node, "app_secret"),
        verify_signature: r.bool(node, "verify_signature"),
        fields: r.strings(node, "fields"),
        graph_api_version: r.string(node, "graph_api_version"),
    }
}

/// Meta's `POST /{waba-id}/subscribed_apps` body: `{override_callback_uri, verify_token}`.
pub fn read_meta_override(r: &mut Reader, node: NodeId) -> Webhook {
    Webhook {
        node,
        name: None,
        environment: None,
        callback_url: r.string(node, "override_callback_uri"),
        verify_token: r.string(node, "verify_token"),
        app_secret: None,
        verify_signature: None,
        fields: None,
        graph_api_version: None,
    }
}
