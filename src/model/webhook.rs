//! Webhook configurations: walint's `webhooks:` format (rules/WA401.yaml to WA406.yaml) and Meta's
//! `POST /{waba-id}/subscribed_apps` body (`override_callback_uri`, `verify_token`).

use super::reader::{keyword_enum, AtNode, Reader, Vocabulary};
use crate::diagnostic::At;
use crate::source::NodeId;

keyword_enum! {
    pub enum Environment: "environment" {
        Production = "production",
        Staging = "staging",
        Development = "development",
    }
}

/// Where a webhook definition comes from: the two formats carry different fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// An entry of walint's `webhooks:` list.
    Config,
    /// Meta's `subscribed_apps` override body: only a URI and a verify token. Signature
    /// checking and field subscriptions belong to the app, not to this payload.
    MetaOverride,
}

/// A Graph API version as written (`v23.0`, or `23.0`), with its numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct GraphVersion {
    pub major: u32,
    pub minor: u32,
}

impl GraphVersion {
    /// What [`GraphVersion::parse`] reads, as a regular expression (ECMA-262, for the JSON
    /// Schemas); a test holds the two to the same strings.
    pub const PATTERN: &'static str = r"^\s*[vV]?[0-9]{1,4}\.[0-9]{1,4}\s*$";

    /// `v23.0`, `V23.0` or `23.0` (Meta's path segment is `^v[0-9]+\.[0-9]+$`).
    pub fn parse(text: &str) -> Option<GraphVersion> {
        let text = text.trim();
        let digits = text
            .strip_prefix('v')
            .or_else(|| text.strip_prefix('V'))
            .unwrap_or(text);
        let (major, minor) = digits.split_once('.')?;
        let number = |s: &str| {
            (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse::<u32>().ok())
                .flatten()
        };
        Some(GraphVersion {
            major: number(major)?,
            minor: number(minor)?,
        })
    }
}

impl std::fmt::Display for GraphVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "v{}.{}", self.major, self.minor)
    }
}

#[derive(Clone, Debug)]
pub struct Webhook {
    pub node: NodeId,
    pub origin: Origin,
    pub name: Option<AtNode<String>>,
    pub environment: Option<AtNode<Environment>>,
    /// `callback_url`, or `override_callback_uri` in Meta's payload.
    pub callback_url: Option<AtNode<String>>,
    pub verify_token: Option<AtNode<String>>,
    pub app_secret: Option<AtNode<String>>,
    pub verify_signature: Option<AtNode<bool>>,
    /// The subscribed fields (`messages`, `message_template_status_update`, ...).
    pub fields: Option<Vec<AtNode<String>>>,
    /// The node of the `fields` list itself, for findings about what it lacks.
    pub fields_node: Option<NodeId>,
    pub graph_api_version: Option<AtNode<String>>,
}

impl Webhook {
    /// The node a finding about the whole webhook points at: the key of its `name`, else of
    /// its URL, else the entry itself.
    pub fn anchor(&self) -> At {
        match (&self.name, &self.callback_url) {
            (Some(name), _) => At::Key(name.node),
            (None, Some(url)) => At::Key(url.node),
            (None, None) => At::Key(self.node),
        }
    }

    /// `webhook `inbound`` for messages, or `the webhook override` for Meta's payload.
    pub fn label(&self) -> String {
        match (&self.name, self.origin) {
            (Some(name), _) => format!("webhook `{}`", name.value),
            (None, Origin::MetaOverride) => "the webhook override".to_string(),
            (None, Origin::Config) => "the webhook".to_string(),
        }
    }
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

/// The keys of a webhook entry; any other is reported (WA002).
pub(crate) const WEBHOOK_KEYS: &[&str] = &[
    "name",
    "environment",
    "callback_url",
    "verify_token",
    "app_secret",
    "verify_signature",
    "fields",
    "graph_api_version",
];

fn read_one(r: &mut Reader, node: NodeId) -> Webhook {
    let what = match r.tree.get(node, "name").and_then(|n| r.tree.as_str(n)) {
        Some(name) => format!("webhook `{name}`"),
        None => "the webhook".to_string(),
    };
    r.unknown_keys(node, WEBHOOK_KEYS, &what, Vocabulary::Walint);
    let fields_node = r.field(node, "fields");
    Webhook {
        node,
        origin: Origin::Config,
        name: r.string(node, "name"),
        environment: r.keyword(node, "environment"),
        callback_url: r.required_string(node, "callback_url", "webhook"),
        verify_token: r.string(node, "verify_token"),
        app_secret: r.string(node, "app_secret"),
        verify_signature: r.bool(node, "verify_signature"),
        fields: r.strings(node, "fields"),
        fields_node,
        graph_api_version: read_version(r, node),
    }
}

/// `graph_api_version`, which must look like Meta's path segment (`v23.0`).
fn read_version(r: &mut Reader, node: NodeId) -> Option<AtNode<String>> {
    let version = r.string(node, "graph_api_version")?;
    let templated = version.value.contains("${") || version.value.contains("{{");
    if GraphVersion::parse(&version.value).is_none() && !templated {
        r.problem(
            At::Node(version.node),
            format!(
                "`graph_api_version` must look like `v23.0`, found `{}`",
                version.value
            ),
        );
    }
    Some(version)
}

/// Meta's `POST /{waba-id}/subscribed_apps` body: `{override_callback_uri, verify_token}`.
pub fn read_meta_override(r: &mut Reader, node: NodeId) -> Webhook {
    Webhook {
        node,
        origin: Origin::MetaOverride,
        name: None,
        environment: None,
        callback_url: r.string(node, "override_callback_uri"),
        verify_token: r.string(node, "verify_token"),
        app_secret: None,
        verify_signature: None,
        fields: None,
        fields_node: None,
        graph_api_version: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_versions_parse_as_meta_writes_them() {
        assert_eq!(
            GraphVersion::parse("v23.0"),
            Some(GraphVersion {
                major: 23,
                minor: 0
            })
        );
        assert_eq!(GraphVersion::parse("17.0").map(|v| v.major), Some(17));
        assert_eq!(GraphVersion::parse("v2.12").map(|v| v.minor), Some(12));
        assert_eq!(GraphVersion::parse("latest"), None);
        assert_eq!(GraphVersion::parse("v23"), None);
        assert_eq!(GraphVersion::parse("v23.0.1"), None);
        assert_eq!(GraphVersion::parse("v-1.0"), None);
        assert_eq!(GraphVersion::parse("v99999999999.0"), None);
    }

    #[test]
    fn the_schema_pattern_reads_what_parse_reads() {
        let pattern = regex::Regex::new(GraphVersion::PATTERN).unwrap();
        for text in [
            "v23.0",
            "V23.0",
            "23.0",
            " v2.12 ",
            "v9999.9999",
            "v10000.0",
            "latest",
            "v23",
            "v23.0.1",
            "v-1.0",
            "v.1",
            "vv23.0",
            "v23.0x",
            "",
        ] {
            assert_eq!(
                pattern.is_match(text),
                GraphVersion::parse(text).is_some(),
                "{text:?}"
            );
        }
    }
}
