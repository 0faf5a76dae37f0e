//! WA408 on-premises-api-sunset: Meta's On-Premises API in a webhook or campaign
//! configuration, by the markers of `rules/data/on_premises.yaml` (its paths, its solution
//! providers' hosts, its container images) in any value of the file.

use std::net::Ipv4Addr;
use std::sync::LazyLock;

use super::secrets::each_scalar;
use super::webhooks::{is_local_name, parts};
use super::{is_placeholder, FileContext};
use crate::catalogue::RuleId;
use crate::data::{self, OnPremises, ON_PREMISES};
use crate::date::Date;
use crate::diagnostic::{At, Finding, Severity};
use crate::model::Document;
use crate::source::NodeId;

pub const CODE: RuleId = RuleId::WA408;

static DATA: LazyLock<OnPremises> = LazyLock::new(|| data::load(ON_PREMISES));

/// One marker found in a value: the bytes it covers and how it reads in a message.
#[derive(Debug, PartialEq, Eq)]
struct Marker {
    start: usize,
    end: usize,
    /// "`/v1/users/login` on `wa.acme.internal:9090` is the On-Premises client's login".
    said: String,
    source: &'static str,
    /// Only likely (a path other APIs also use, on a self-hosted host): a warning.
    likely: bool,
}

/// WA408 on-premises-api-sunset, over a webhook or campaign file.
pub fn on_premises_api_sunset(ctx: &FileContext, out: &mut Vec<Finding>) {
    let configures = ctx
        .documents
        .iter()
        .any(|d| matches!(d, Document::Webhook(_) | Document::Campaign(_)));
    if !configures {
        return;
    }
    let Some(sunset) = Date::parse(&DATA.sunset) else {
        return;
    };
    let today = ctx.config.today();
    each_scalar(ctx.tree, |node, value, _| {
        for marker in markers(value) {
            out.push(finding(node, marker, sunset, today));
        }
    });
}

fn finding(node: NodeId, marker: Marker, sunset: Date, today: Date) -> Finding {
    let past = today >= sunset;
    let when = if past {
        format!("Meta sunset the On-Premises API on {sunset}, and messages to or from its numbers are no longer delivered")
    } else {
        format!("Meta sunsets the On-Premises API on {sunset}; messages to or from its numbers are not delivered after that")
    };
    let finding = Finding::new(
        CODE,
        At::InString(node, marker.start, marker.end),
        format!("{}: {when}", marker.said),
    )
    .help(format!(
        "move the number to the Cloud API: send to https://graph.facebook.com/<version>/<phone-number-id>/messages \
         with an access token and receive the app's webhooks (see {})",
        marker.source
    ));
    if marker.likely || !past {
        finding.severity(Severity::Warning)
    } else {
        finding
    }
}

/// Every marker of a value, in the order written.
fn markers(value: &str) -> Vec<Marker> {
    let mut found = Vec::new();
    // One search rules out the values (nearly all) that hold neither a URL nor an image.
    if value.contains("://") {
        urls(value, &mut found);
    }
    if value.contains("docker.whatsapp.biz/") {
        images(value, &mut found);
    }
    found.sort_by_key(|m| m.start);
    found
}

fn urls(value: &str, found: &mut Vec<Marker>) {
    let mut from = 0;
    while let Some(at) = value.get(from..).and_then(|rest| rest.find("://")) {
        let separator = from + at;
        // The scheme starts after the last character that cannot be in one (of any width).
        let start = value[..separator]
            .char_indices()
            .rev()
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let end = value[separator..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '`'))
            .map_or(value.len(), |i| separator + i);
        let scheme = &value[start..separator];
        if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") {
            url(value, start, end, found);
        }
        from = end.max(separator + 3);
    }
}

/// The markers of the URL `value[start..end]`.
fn url(value: &str, start: usize, end: usize, found: &mut Vec<Marker>) {
    let text = &value[start..end];
    let Some(p) = parts(text) else {
        return;
    };
    let host = text.get(p.host.0..p.host.1).unwrap_or("");
    let authority = text.get(p.host.0..p.authority_end).unwrap_or("");
    let path_end = p.query.or(p.fragment).unwrap_or(text.len());
    let path = text.get(p.authority_end..path_end).unwrap_or("");
    let host_name = host.trim_end_matches('.');
    for known in &DATA.hosts {
        if host_name.eq_ignore_ascii_case(&known.host) {
            found.push(Marker {
                start: start + p.host.0,
                end: start + p.host.1,
                said: format!("`{host_name}` is {}", known.what),
                source: &known.source,
                likely: false,
            });
            return;
        }
    }
    let at_path = |len: usize| (start + p.authority_end, start + p.authority_end + len);
    if let Some(known) = DATA.paths.iter().find(|k| path_is(path, &k.path)) {
        let (from, to) = at_path(known.path.len());
        found.push(Marker {
            start: from,
            end: to,
            said: format!("`{}` on `{authority}` is {}", known.path, known.what),
            source: &known.source,
            likely: false,
        });
        return;
    }
    // A host filled in at deploy time (`${WA_HOST}`) may be anyone's.
    let self_hosted = !is_placeholder(host)
        && (p.authority_end > p.host.1 // an explicit port
            || host.starts_with('[')
            || host_name.parse::<Ipv4Addr>().is_ok()
            || !host_name.contains('.')
            || is_local_name(host_name));
    if !self_hosted {
        return;
    }
    if let Some(known) = DATA
        .self_hosted_paths
        .iter()
        .find(|k| path_is(path, &k.path))
    {
        let (from, to) = at_path(known.path.len());
        found.push(Marker {
            start: from,
            end: to,
            said: format!(
                "`{}` on the self-hosted `{authority}` looks like {}",
                known.path, known.what
            ),
            source: &known.source,
            likely: true,
        });
    }
}

/// Whether a URL path is `marker` or below it (`/v1/messages/wamid.1` is below `/v1/messages`),
/// ASCII case ignored.
fn path_is(path: &str, marker: &str) -> bool {
    path.get(..marker.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(marker))
        && matches!(path.as_bytes().get(marker.len()), None | Some(b'/'))
}

fn images(value: &str, found: &mut Vec<Marker>) {
    for known in &DATA.images {
        let mut from = 0;
        while let Some(at) = value.get(from..).and_then(|rest| rest.find(&known.image)) {
            let start = from + at;
            let end = start + known.image.len();
            // `docker.whatsapp.biz/web:v2.53.1`, not `docker.whatsapp.biz/webhooks`.
            let whole = matches!(value.as_bytes().get(end), None | Some(b':' | b'@'))
                || value[end..].starts_with(char::is_whitespace);
            if whole {
                found.push(Marker {
                    start,
                    end,
                    said: format!("`{}` is {}", known.image, known.what),
                    source: &known.source,
                    likely: false,
                });
            }
            from = end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::diagnostic::FileId;
    use crate::source::{parse, Format};

    fn said(value: &str) -> Vec<(String, bool, &str)> {
        markers(value)
            .into_iter()
            .map(|m| {
                let covered = value.get(m.start..m.end).unwrap_or("");
                (m.said, m.likely, covered)
            })
            .collect()
    }

    #[test]
    fn a_wide_character_before_a_scheme_is_stepped_over_whole() {
        // The proptest of tests/fixes.rs found `httpé://`: `é` is two bytes.
        assert!(said("httpé://eu.hooks.acme.example/whatsapp").is_empty());
        let found = said("€https://waba.360dialog.io/v1/messages");
        assert!(
            matches!(found.as_slice(), [(_, false, "waba.360dialog.io")]),
            "{found:?}"
        );
    }

    #[test]
    fn each_marker_is_found_where_it_is_written() {
        let value = "https://admin:pw@wa.acme.internal:9090/v1/users/login";
        assert_eq!(
            said(value),
            [(
                "`/v1/users/login` on `wa.acme.internal:9090` is the On-Premises client's login"
                    .to_string(),
                false,
                "/v1/users/login"
            )]
        );
        let found = said("POST https://waba.360dialog.io/v1/messages");
        let [(message, false, "waba.360dialog.io")] = found.as_slice() else {
            panic!("{found:?}");
        };
        assert!(message.starts_with("`waba.360dialog.io` is 360dialog's"));
        let found = said("image: docker.whatsapp.biz/web:v2.53.1 and docker.whatsapp.biz/coreapp");
        let covered: Vec<&str> = found.iter().map(|(_, _, c)| *c).collect();
        assert_eq!(
            covered,
            ["docker.whatsapp.biz/web", "docker.whatsapp.biz/coreapp"]
        );
        // The send endpoint's name is shared: only on a self-hosted host, and only likely.
        for value in [
            "https://10.0.4.7/v1/messages",
            "https://wacore:443/v1/messages/",
            "http://waweb/v1/contacts",
            "https://wa.acme.internal/v1/messages/wamid.1",
        ] {
            let found = said(value);
            assert!(
                matches!(found.as_slice(), [(_, true, path)] if path.starts_with("/v1/")),
                "{value}: {found:?}"
            );
        }
    }

    #[test]
    fn cloud_api_and_other_providers_are_not_on_premises() {
        for value in [
            "https://graph.facebook.com/v24.0/102290129340398/messages",
            "https://waba-v2.360dialog.io/messages",
            "https://api.nexmo.com/v1/messages",
            "https://${WA_HOST}/v1/messages",
            "https://hooks.acme.example/whatsapp/v1/messages",
            "https://wa.acme.internal:9090/v1/messagesx",
            "https://wa.acme.internal:9090/v2/messages",
            "docker.whatsapp.biz/webhooks",
            "see /v1/users/login",
            "ftp://wa:21/v1/messages",
        ] {
            assert_eq!(said(value), [], "{value}");
        }
    }

    fn run(text: &str, format: Format, today: &str) -> Vec<Finding> {
        let tree = parse(text, format).unwrap();
        let contents = crate::model::read(&tree);
        let config = Config {
            today: Date::parse(today),
            ..Config::default()
        };
        let ctx = FileContext {
            file: FileId::input(0),
            tree: &tree,
            config: &config,
            documents: &contents.documents,
        };
        let mut out = Vec::new();
        on_premises_api_sunset(&ctx, &mut out);
        out
    }

    const CAMPAIGN: &str = "campaign: restock\ntemplate: {name: restock, language: en_US}\nsender:\n  endpoint: https://wa.acme.internal:9090/v1/users/login\n";

    #[test]
    fn an_error_after_the_sunset_a_warning_before() {
        let [after] = run(CAMPAIGN, Format::Yaml, "2026-01-01")
            .try_into()
            .unwrap();
        assert_eq!(after.severity, None, "the rule's own severity, an error");
        assert!(after
            .message
            .contains("Meta sunset the On-Premises API on 2025-10-23"));
        let At::InString(_, start, end) = after.at else {
            panic!("{after:?}");
        };
        assert_eq!(
            &"https://wa.acme.internal:9090/v1/users/login"[start..end],
            "/v1/users/login"
        );
        let [before] = run(CAMPAIGN, Format::Yaml, "2025-06-01")
            .try_into()
            .unwrap();
        assert_eq!(before.severity, Some(Severity::Warning));
        assert!(before
            .message
            .contains("Meta sunsets the On-Premises API on 2025-10-23"));
    }

    #[test]
    fn only_webhook_and_campaign_files_are_read() {
        let flow = "flow: f\nentry: a\nnodes:\n  a: {type: end, text: 'https://wa.acme.internal:9090/v1/users/login'}\n";
        assert!(run(flow, Format::Yaml, "2026-01-01").is_empty());
    }
}
