//! Webhook configuration rules (WA4xx).
//!
//! URLs are parsed with the `url` crate (the WHATWG URL standard, as HTTP clients and Meta's
//! servers read them): `http://0x7f.1/` is the loopback address 127.0.0.1 and
//! `https://hooks.acme.example.` is `hooks.acme.example`, which string matching would miss.
//! Messages never print a URL's credentials or query (see [`shown_url`]).

use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;

use url::{Host, Url};

use super::secrets::{entropy_bits, is_placeholder_value};
use super::{is_placeholder, Context, FileContext};
use crate::catalogue::RuleId;
use crate::data::{
    self, VerifyTokens, WebhookFields, WebhookHosts, VERIFY_TOKENS, WEBHOOK_FIELDS, WEBHOOK_HOSTS,
};
use crate::diagnostic::{Applicability, At, Edit, Finding, Fix, Severity};
use crate::model::webhook::{Environment, Origin, Webhook};
use crate::model::Document;
use crate::source::NodeId;

/// Meta's documented maximum for `override_callback_uri`.
const MAX_OVERRIDE_URI: usize = 200;
/// Subscription fields WA404 looks for.
const MESSAGES_FIELD: &str = "messages";
/// Template review and quality changes (PAUSED, DISABLED, REJECTED) arrive only here.
const TEMPLATE_STATUS_FIELD: &str = "message_template_status_update";
/// The quality drops that come before a pause; WA404 says, as an info, when none is watched.
const QUALITY_FIELDS: [&str; 2] = [
    "message_template_quality_update",
    "phone_number_quality_update",
];

static FIELDS: LazyLock<Vec<String>> =
    LazyLock::new(|| data::load::<WebhookFields>(WEBHOOK_FIELDS).fields);

/// A subscription field as Meta names it: `Some(field)` for one of Meta's (compared
/// case-insensitively), or the one a misspelling was meant to be; `None` for neither.
fn meant_field(value: &str) -> Option<&'static str> {
    let value = value.trim();
    FIELDS
        .iter()
        .find(|f| f.eq_ignore_ascii_case(value))
        .map(String::as_str)
        .or_else(|| crate::suggest::closest(value, FIELDS.iter().map(String::as_str)))
}

/// Byte ranges of a URL's parts as written: `scheme://userinfo@host:port/path?query#fragment`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Parts {
    /// Just after `://`.
    pub authority: usize,
    /// `user:password` (without the `@`), if any.
    pub userinfo: Option<(usize, usize)>,
    pub host: (usize, usize),
    /// End of the authority (start of path, query or fragment).
    pub authority_end: usize,
    pub query: Option<usize>,
    pub fragment: Option<usize>,
}

pub(super) fn parts(value: &str) -> Option<Parts> {
    let authority = value.find("://")? + 3;
    let rest = value.get(authority..)?;
    let authority_len = rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
    let authority_end = authority + authority_len;
    let text = rest.get(..authority_len)?;
    let (userinfo, host_start) = match text.rfind('@') {
        Some(at) => (Some((authority, authority + at)), authority + at + 1),
        None => (None, authority),
    };
    let host_text = value.get(host_start..authority_end)?;
    let host_len = if host_text.starts_with('[') {
        host_text.find(']').map_or(host_text.len(), |i| i + 1)
    } else {
        host_text.find(':').unwrap_or(host_text.len())
    };
    let fragment = value.find('#');
    let query = value
        .get(authority_end..)
        .and_then(|r| r.find('?'))
        .map(|i| authority_end + i)
        .filter(|&q| fragment.is_none_or(|f| q < f));
    Some(Parts {
        authority,
        userinfo,
        host: (host_start, host_start + host_len),
        authority_end,
        query,
        fragment,
    })
}

/// A URL as messages may show it: without credentials, query or fragment, which may carry
/// secrets (`https://hooks.acme.example/wa?…`).
fn shown_url(value: &str) -> String {
    let value = value.trim();
    let Some(parts) = parts(value) else {
        let cut = value.find(['?', '#', '@']).unwrap_or(value.len());
        let mut shown = value.get(..cut).unwrap_or("").to_string();
        if cut < value.len() {
            shown.push('…');
        }
        return shown;
    };
    let mut shown = value.get(..parts.authority).unwrap_or("").to_string();
    if parts.userinfo.is_some() {
        shown.push_str("…@");
    }
    let end = parts
        .query
        .or(parts.fragment)
        .unwrap_or(value.len())
        .max(parts.host.0);
    shown.push_str(value.get(parts.host.0..end).unwrap_or(""));
    if parts.query.is_some() {
        shown.push_str("?…");
    } else if parts.fragment.is_some() {
        shown.push_str("#…");
    }
    shown
}

/// WA401 webhook-not-https.
pub fn webhook_not_https(webhook: &Webhook, _ctx: &Context, out: &mut Vec<Finding>) {
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
        let mut finding = Finding::new(
            RuleId::WA401,
            At::Node(url.node),
            format!(
                "callback URL `{}` is not HTTPS; Meta delivers webhooks only to https:// endpoints with a valid certificate",
                shown_url(value)
            ),
        )
        .help("serve the endpoint over TLS and use its https:// URL");
        let start = url.value.len() - url.value.trim_start().len();
        let plain = value
            .get(..7)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("http://"));
        if plain {
            // Unsafe: the endpoint may not serve HTTPS yet.
            finding = finding.fix(Fix::new(
                Applicability::Unsafe,
                "use https://",
                vec![Edit::Replace {
                    at: At::InString(url.node, start, start + "http://".len()),
                    text: "https://".into(),
                }],
            ));
        }
        out.push(finding);
    }
}

/// WA402 webhook-signature-unverified.
pub fn webhook_signature_unverified(webhook: &Webhook, _ctx: &Context, out: &mut Vec<Finding>) {
    // Meta's override body has no such settings: signatures are the app's concern.
    if webhook.origin != Origin::Config {
        return;
    }
    let label = webhook.label();
    let help = "verify X-Hub-Signature-256 (HMAC-SHA256 of the raw body with the app secret) on \
                every POST, set `verify_signature: true` and `app_secret: ${WA_APP_SECRET}`";
    let finding = match &webhook.verify_signature {
        // Unsafe: the receiving code must check the signature before the flag says it does.
        None => Finding::new(
            RuleId::WA402,
            webhook.anchor(),
            format!("{label} does not verify the X-Hub-Signature-256 header (`verify_signature` is not set); anyone can post forged events to it"),
        )
        .fix(Fix::new(
            Applicability::Unsafe,
            "add `verify_signature: true`",
            vec![Edit::Insert {
                map: webhook.node,
                key: "verify_signature".into(),
                value: "true".into(),
            }],
        )),
        Some(flag) if !flag.value => Finding::new(
            RuleId::WA402,
            At::Node(flag.node),
            format!("{label} has `verify_signature: false`; anyone who knows the URL can post forged events to it"),
        )
        .fix(Fix::new(
            Applicability::Unsafe,
            "set `verify_signature: true`",
            vec![Edit::Replace {
                at: At::Node(flag.node),
                text: "true".into(),
            }],
        )),
        Some(flag) => {
            let has_secret = webhook
                .app_secret
                .as_ref()
                .is_some_and(|s| !s.value.trim().is_empty());
            if has_secret {
                return;
            }
            Finding::new(
                RuleId::WA402,
                At::Key(flag.node),
                format!("{label} sets `verify_signature: true` but has no `app_secret` to compute the signature with"),
            )
        }
    };
    out.push(finding.help(help));
}

struct Hosts {
    local: Vec<String>,
    tunnels: Vec<String>,
}

static HOSTS: LazyLock<Hosts> = LazyLock::new(|| {
    let hosts: WebhookHosts = data::load(WEBHOOK_HOSTS);
    Hosts {
        local: hosts.local_suffixes,
        tunnels: hosts.tunnel_suffixes,
    }
});

/// A name that resolves only on this machine or a local network (`localhost`, `*.internal`).
pub(super) fn is_local_name(name: &str) -> bool {
    let name = name.trim_end_matches('.');
    HOSTS.local.iter().any(|s| matches_suffix(name, s))
}

fn matches_suffix(host: &str, suffix: &str) -> bool {
    let suffix = suffix.trim_start_matches('.');
    host.eq_ignore_ascii_case(suffix)
        || (host.len() > suffix.len()
            && host
                .get(host.len() - suffix.len()..)
                .is_some_and(|end| end.eq_ignore_ascii_case(suffix))
            && host.as_bytes().get(host.len() - suffix.len() - 1) == Some(&b'.'))
}

fn private_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    if ip.is_loopback() {
        Some("a loopback address")
    } else if ip.is_private() {
        Some("a private (RFC 1918) address")
    } else if ip.is_link_local() {
        Some("a link-local address")
    } else if a == 100 && (64..128).contains(&b) {
        Some("a carrier-grade NAT (RFC 6598) address")
    } else if ip.is_unspecified() || ip.is_broadcast() {
        Some("not a routable address")
    } else {
        None
    }
}

fn private_v6(ip: Ipv6Addr) -> Option<&'static str> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return private_v4(v4);
    }
    let first = ip.segments()[0];
    if ip.is_loopback() {
        Some("a loopback address")
    } else if ip.is_unspecified() {
        Some("not a routable address")
    } else if first & 0xfe00 == 0xfc00 {
        Some("a unique local (RFC 4193) address")
    } else if first & 0xffc0 == 0xfe80 {
        Some("a link-local address")
    } else {
        None
    }
}

/// Why Meta's servers cannot (or must not) reach this host, if so.
fn unreachable_host(host: &Host<String>) -> Option<String> {
    match host {
        Host::Ipv4(ip) => private_v4(*ip).map(str::to_string),
        Host::Ipv6(ip) => private_v6(*ip).map(str::to_string),
        Host::Domain(name) => {
            let name = name.trim_end_matches('.');
            if let Some(suffix) = HOSTS.local.iter().find(|s| matches_suffix(name, s)) {
                return Some(if suffix == "localhost" {
                    "this machine".to_string()
                } else {
                    format!("a local-network name (.{suffix})")
                });
            }
            HOSTS
                .tunnels
                .iter()
                .find(|s| matches_suffix(name, s))
                .map(|s| format!("a developer tunnel or request inspector ({s})"))
        }
    }
}

fn environment_of(ctx: &Context, webhook: &Webhook) -> Option<Environment> {
    webhook
        .environment
        .as_ref()
        .map(|e| e.value)
        .or(ctx.config.environment)
}

/// WA403 webhook-private-address.
pub fn webhook_private_address(webhook: &Webhook, ctx: &Context, out: &mut Vec<Finding>) {
    if environment_of(ctx, webhook) != Some(Environment::Production) {
        return;
    }
    let Some(url) = &webhook.callback_url else {
        return;
    };
    if is_placeholder(&url.value) {
        return;
    }
    let Ok(parsed) = Url::parse(url.value.trim()) else {
        return;
    };
    let Some(host) = parsed.host().map(|h| h.to_owned()) else {
        return;
    };
    let Some(why) = unreachable_host(&host) else {
        return;
    };
    let leading = url.value.len() - url.value.trim_start().len();
    let at = match parts(url.value.trim()) {
        Some(p) if p.host.1 > p.host.0 => {
            At::InString(url.node, leading + p.host.0, leading + p.host.1)
        }
        _ => At::Node(url.node),
    };
    let source = if webhook.environment.is_some() {
        ""
    } else {
        " (production per walint.yaml)"
    };
    out.push(
        Finding::new(
            RuleId::WA403,
            at,
            format!(
                "{} sends production events to `{host}`, {why}{source}; Meta's servers cannot reach it, or customers' messages leave your infrastructure",
                webhook.label()
            ),
        )
        .help("point production webhooks at a public HTTPS host you operate; keep tunnels and local addresses for development"),
    );
}

/// WA404 webhook-missing-subscription, over a whole file: the subscriptions of an app's
/// webhooks are judged together, since an app may split them (an inbound webhook for
/// `messages`, an operations one for template events). The webhooks of one environment in
/// a file are one app's; a field is missing when none of them subscribes to it, or when a
/// webhook misspells it (`mesages`: it meant to subscribe there).
pub fn webhook_missing_subscription(ctx: &FileContext, out: &mut Vec<Finding>) {
    // Template fields always go to the app callback, never to an override.
    let webhooks: Vec<&Webhook> = ctx
        .documents
        .iter()
        .filter_map(|d| match d {
            Document::Webhook(w) if w.origin == Origin::Config => Some(w),
            _ => None,
        })
        .collect();
    let mut judged: Vec<Option<Environment>> = Vec::new();
    for webhook in &webhooks {
        let environment = webhook.environment.as_ref().map(|e| e.value);
        if judged.contains(&environment) {
            continue;
        }
        judged.push(environment);
        let app: Vec<&Webhook> = webhooks
            .iter()
            .filter(|w| w.environment.as_ref().map(|e| e.value) == environment)
            .copied()
            .collect();
        app_subscriptions(&app, out);
    }
}

/// Whether the webhook subscribes to `name`, a misspelling (`mesages`, which WA407 reports)
/// read as the field it was meant to be.
fn subscribes(webhook: &Webhook, name: &str) -> bool {
    webhook
        .fields
        .iter()
        .flatten()
        .any(|f| meant_field(&f.value) == Some(name))
}

/// The subscriptions of one app's webhooks, in file order.
fn app_subscriptions(app: &[&Webhook], out: &mut Vec<Finding>) {
    let with_fields: Vec<(&Webhook, NodeId)> = app
        .iter()
        .filter_map(|w| Some((*w, w.fields_node?)))
        .collect();
    let Some(&(first, first_node)) = with_fields.first() else {
        for webhook in app {
            out.push(
                Finding::new(
                    RuleId::WA404,
                    webhook.anchor(),
                    format!("{} subscribes to no fields: it receives neither messages nor status events", webhook.label()),
                )
                .help(format!("subscribe at least to `fields: [{MESSAGES_FIELD}, {TEMPLATE_STATUS_FIELD}]`")),
            );
        }
        return;
    };
    let who = if with_fields.len() == 1 {
        format!("{} does not subscribe", first.label())
    } else {
        let names: Vec<String> = with_fields.iter().map(|(w, _)| w.label()).collect();
        format!("none of {} subscribes", names.join(", "))
    };
    for (field, consequence, help) in [
        (
            MESSAGES_FIELD,
            "customers' messages and the delivery status of yours never arrive",
            "",
        ),
        (
            TEMPLATE_STATUS_FIELD,
            "templates Meta pauses, disables or rejects go unnoticed",
            " (it is delivered to the app's main callback)",
        ),
    ] {
        if app.iter().any(|w| subscribes(w, field)) {
            continue;
        }
        out.push(
            Finding::new(
                RuleId::WA404,
                At::Node(first_node),
                format!("{who} to `{field}`: {consequence}"),
            )
            .help(format!("add `{field}` to `fields`{help}")),
        );
    }
    let unwatched: Vec<&str> = QUALITY_FIELDS
        .into_iter()
        .filter(|field| !app.iter().any(|w| subscribes(w, field)))
        .collect();
    if !unwatched.is_empty() {
        let list: Vec<String> = unwatched.iter().map(|f| format!("`{f}`")).collect();
        out.push(
            Finding::new(
                RuleId::WA404,
                At::Node(first_node),
                format!(
                    "{who} to {}: the quality drops of templates and of the number, which come before Meta pauses a template, go unnoticed",
                    list.join(" or ")
                ),
            )
            .severity(Severity::Info)
            .help(format!("add {} to `fields`", list.join(" and "))),
        );
    }
}

/// WA407 webhook-unknown-field: a subscription field Meta does not send, with the field a
/// misspelling was meant to be.
pub fn webhook_unknown_field(webhook: &Webhook, _ctx: &Context, out: &mut Vec<Finding>) {
    for field in webhook.fields.iter().flatten() {
        let value = field.value.trim();
        if is_placeholder(value) || FIELDS.iter().any(|f| f.eq_ignore_ascii_case(value)) {
            continue;
        }
        let (message, help) = match meant_field(value) {
            Some(meant) => (
                format!("{} subscribes to `{value}`, which is not a WhatsApp Business Account webhook field; did you mean `{meant}`?", webhook.label()),
                format!("write `{meant}`"),
            ),
            None => (
                format!("{} subscribes to `{value}`, which is not a WhatsApp Business Account webhook field: Meta sends nothing under it", webhook.label()),
                "use one of the fields Meta lists (`walint explain WA407` names them)".to_string(),
            ),
        };
        out.push(Finding::new(RuleId::WA407, At::Node(field.node), message).help(help));
    }
}

struct TokenRules {
    min_length: usize,
    min_entropy: f64,
    min_distinct: usize,
}

static TOKENS: LazyLock<TokenRules> = LazyLock::new(|| {
    let tokens: VerifyTokens = data::load(VERIFY_TOKENS);
    TokenRules {
        min_length: tokens.min_length,
        min_entropy: tokens.min_entropy_bits,
        min_distinct: tokens.min_distinct,
    }
});

/// Why a verify token is weak, if it is.
fn weak_token(token: &str) -> Option<String> {
    let chars = token.chars().count();
    let rules = &*TOKENS;
    if is_placeholder_value(token) {
        return Some(format!(
            "is a well-known placeholder ({chars} characters) that anyone can guess"
        ));
    }
    if chars < rules.min_length {
        return Some(format!(
            "has {chars} characters; use at least {}",
            rules.min_length
        ));
    }
    let mut distinct: Vec<char> = token.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < rules.min_distinct || entropy_bits(token) < rules.min_entropy {
        return Some(format!(
            "is predictable: {chars} characters but only {} different ones",
            distinct.len()
        ));
    }
    None
}

/// WA405 weak-verify-token.
pub fn weak_verify_token(webhook: &Webhook, _ctx: &Context, out: &mut Vec<Finding>) {
    let Some(token) = &webhook.verify_token else {
        return;
    };
    // References are filled in at deploy time; only literals can be judged.
    if is_placeholder(&token.value) {
        return;
    }
    if let Some(why) = weak_token(token.value.trim()) {
        out.push(
            Finding::new(
                RuleId::WA405,
                At::InString(token.node, 0, token.value.len()),
                format!("the verify token of {} {why}", webhook.label()),
            )
            .help("generate a random token of 32 characters or more (e.g. `openssl rand -hex 32`), keep it in the environment and reference it: ${WA_VERIFY_TOKEN}")
            .sensitive(),
        );
    }
}

/// WA406 webhook-url-invalid.
pub fn webhook_url_invalid(webhook: &Webhook, _ctx: &Context, out: &mut Vec<Finding>) {
    let Some(url) = &webhook.callback_url else {
        return;
    };
    if is_placeholder(&url.value) {
        return;
    }
    let label = webhook.label();
    let raw = url.value.as_str();
    let field = match webhook.origin {
        Origin::Config => "callback_url",
        Origin::MetaOverride => "override_callback_uri",
    };
    let finding = |at: At, message: String, help: &str| {
        Finding::new(RuleId::WA406, at, message).help(help.to_string())
    };
    if webhook.origin == Origin::MetaOverride {
        let chars = raw.chars().count();
        if chars > MAX_OVERRIDE_URI {
            out.push(finding(
                At::Node(url.node),
                format!(
                    "`{field}` has {chars} characters; Meta accepts at most {MAX_OVERRIDE_URI}"
                ),
                "use a shorter path or host for the override endpoint",
            ));
        }
    }
    if let Some(bad) = raw
        .trim()
        .chars()
        .find(|c| c.is_whitespace() || c.is_control())
    {
        out.push(finding(
            At::Node(url.node),
            format!(
                "the {field} of {label} contains {}; a URL cannot",
                describe_char(bad)
            ),
            "remove the character, or percent-encode it if it belongs to the path",
        ));
        return;
    }
    let value = raw.trim();
    let leading = raw.len() - raw.trim_start().len();
    let parsed = match Url::parse(value) {
        Ok(parsed) => parsed,
        Err(error) => {
            out.push(finding(
                At::Node(url.node),
                format!(
                    "the {field} of {label}, `{}`, is not a valid absolute URL: {error}",
                    shown_url(value)
                ),
                "write the full URL Meta should call, e.g. https://hooks.example.com/whatsapp",
            ));
            return;
        }
    };
    let Some(parts) = parts(value) else {
        return;
    };
    if parsed.host_str().is_none_or(str::is_empty) {
        out.push(finding(
            At::Node(url.node),
            format!(
                "the {field} of {label}, `{}`, has no host",
                shown_url(value)
            ),
            "write the full URL Meta should call, e.g. https://hooks.example.com/whatsapp",
        ));
        return;
    }
    if let Some((start, end)) = parts.userinfo {
        out.push(finding(
            At::InString(url.node, leading + start, leading + end),
            format!("the {field} of {label} carries credentials before its host (`…@`); they end up in logs and Meta does not send them as authentication"),
            "remove the credentials from the URL; authenticate requests by their X-Hub-Signature-256 signature",
        ));
    }
    if let Some(start) = parts.fragment {
        out.push(finding(
            At::InString(url.node, leading + start, leading + value.len()),
            format!(
                "the {field} of {label} has a fragment (`#…`), which is never sent to the server"
            ),
            "remove the `#…` part; route by path or query instead",
        ));
    }
}

fn describe_char(c: char) -> String {
    match c {
        ' ' => "a space".to_string(),
        '\t' => "a tab".to_string(),
        '\n' | '\r' => "a line break".to_string(),
        other => format!("the character U+{:04X}", u32::from(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_are_named_with_the_field_they_were_meant_to_be() {
        let yaml = "webhooks:\n  - name: inbound\n    callback_url: https://hooks.acme.example/wa\n    fields: [message, Messages, delivery_receipts, \"${EXTRA_FIELD}\", phone_number_quality_updates, calls]\n";
        let tree = crate::source::parse(yaml, crate::source::Format::Yaml).unwrap();
        let rule = rule!(WA407, Webhook, super::webhook_unknown_field);
        let (problems, findings) =
            crate::rules::check_text(yaml, crate::source::Format::Yaml, &[rule]);
        assert!(problems.is_empty(), "{problems:?}");
        let found: Vec<(String, String)> = findings
            .iter()
            .map(|f| match f.at {
                At::Node(node) => (tree.pointer(node), f.message.clone()),
                ref other => panic!("{other:?}"),
            })
            .collect();
        let expected = [
            ("/webhooks/0/fields/0", "webhook `inbound` subscribes to `message`, which is not a WhatsApp Business Account webhook field; did you mean `messages`?"),
            ("/webhooks/0/fields/2", "webhook `inbound` subscribes to `delivery_receipts`, which is not a WhatsApp Business Account webhook field: Meta sends nothing under it"),
            ("/webhooks/0/fields/4", "webhook `inbound` subscribes to `phone_number_quality_updates`, which is not a WhatsApp Business Account webhook field; did you mean `phone_number_quality_update`?"),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(p, m)| (p.to_string(), m.to_string()))
            .collect();
        assert_eq!(found, expected);
    }

    fn host_of(url: &str) -> Host<String> {
        Url::parse(url).unwrap().host().unwrap().to_owned()
    }

    #[test]
    fn shows_urls_without_credentials_or_query() {
        assert_eq!(
            shown_url("https://bot:pw@hooks.acme.example/wa?token=abc"),
            "https://…@hooks.acme.example/wa?…"
        );
        assert_eq!(
            shown_url("http://hooks.acme.example/wa"),
            "http://hooks.acme.example/wa"
        );
        assert_eq!(
            shown_url("hooks.acme.example/wa#x"),
            "hooks.acme.example/wa…"
        );
    }

    #[test]
    fn finds_private_and_tunnel_hosts() {
        for url in [
            "https://localhost:3000/wa",
            "https://api.localhost/wa",
            "https://127.0.0.1/wa",
            "https://0x7f.1/wa",
            "https://10.1.2.3/wa",
            "https://172.20.0.5/wa",
            "https://192.168.1.10/wa",
            "https://169.254.1.1/wa",
            "https://100.64.0.1/wa",
            "https://[::1]/wa",
            "https://[fd12:3456::1]/wa",
            "https://[fe80::1]/wa",
            "https://[::ffff:10.0.0.1]/wa",
            "https://printer.local/wa",
            "https://hooks.internal/wa",
            "https://abc123.ngrok-free.app/wa",
            "https://ABC.NGROK.IO./wa",
            "https://quiet-fox.trycloudflare.com/wa",
            "https://shy-cat-42.loca.lt/wa",
        ] {
            assert!(unreachable_host(&host_of(url)).is_some(), "{url}");
        }
        for url in [
            "https://hooks.acme.example/wa",
            "https://8.8.8.8/wa",
            "https://[2001:db8::1]/wa",
            "https://notngrok.io/wa",
            "https://localhost.acme.example/wa",
            "https://172.32.0.1/wa",
        ] {
            assert!(unreachable_host(&host_of(url)).is_none(), "{url}");
        }
    }

    #[test]
    fn url_parts_as_written() {
        let url = "https://u:p@[::1]:8443/a?b#c";
        let p = parts(url).unwrap();
        assert_eq!(&url[p.userinfo.unwrap().0..p.userinfo.unwrap().1], "u:p");
        assert_eq!(&url[p.host.0..p.host.1], "[::1]");
        assert_eq!(&url[p.fragment.unwrap()..], "#c");
        assert_eq!(&url[p.query.unwrap()..p.fragment.unwrap()], "?b");
    }

    #[test]
    fn weak_tokens() {
        assert!(weak_token("test").is_some());
        assert!(weak_token("YOUR_VERIFY_TOKEN_PLACEHOLDER").is_some());
        assert!(weak_token("my-verify-token").is_some());
        assert!(weak_token("abc123xyz").unwrap().contains("9 characters"));
        assert!(weak_token("aaaaaaaaaaaaaaaaaaaaaaaa").is_some());
        assert!(weak_token("1212121212121212").is_some());
        assert!(weak_token("k8Jq2vX9pLm4nR7sT1wY").is_none());
    }
}
