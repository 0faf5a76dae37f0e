//! WA004 deprecated-api-version: Graph API versions past their end of life (in
//! `graph_api_version` fields and in Graph URLs anywhere), and Flow JSON versions Meta no
//! longer accepts. Tables: `rules/data/graph_api_versions.yaml`, and the Flow JSON versions of
//! the WhatsApp Flow model's catalogue (`rules/data/flow_json_versions.yaml`).

use std::sync::LazyLock;

use super::secrets::each_scalar;
use super::FileContext;
use crate::catalogue::{options, RuleId};
use crate::data::{self, GraphApiVersions, GRAPH_API_VERSIONS};
use crate::date::Date;
use crate::diagnostic::{At, Finding, Severity};
use crate::model::webhook::GraphVersion;
use crate::model::whatsapp_flow::catalogue::{catalogue, Support, Version};
use crate::model::{Document, WhatsAppFlow};
use crate::source::{NodeId, Tree};

pub const CODE: RuleId = RuleId::WA004;

/// Fields that name the Graph API version a deployment calls.
const VERSION_KEYS: [&str; 2] = ["graph_api_version", "cloud_api_version"];
const GRAPH_HOSTS: [&str; 2] = ["graph.facebook.com/", "graph.instagram.com/"];

#[derive(Clone, Debug)]
struct Release {
    version: GraphVersion,
    introduced: Option<Date>,
    available_until: Option<Date>,
}

struct GraphTable {
    /// Newest first.
    releases: Vec<Release>,
}

static GRAPH: LazyLock<GraphTable> = LazyLock::new(|| {
    let table: GraphApiVersions = data::load(GRAPH_API_VERSIONS);
    let mut releases: Vec<Release> = table
        .versions
        .iter()
        .filter_map(|release| {
            Some(Release {
                version: GraphVersion::parse(&release.version)?,
                introduced: release.introduced.as_deref().and_then(Date::parse),
                available_until: release.available_until.as_deref().and_then(Date::parse),
            })
        })
        .collect();
    releases.sort_by_key(|r| std::cmp::Reverse(r.version));
    GraphTable { releases }
});

/// Why a Graph API version no longer works on `today`, if it does not.
fn graph_expired(version: GraphVersion, today: Date) -> Option<String> {
    let table = &GRAPH.releases;
    if let Some(release) = table.iter().find(|r| r.version == version) {
        let until = release.available_until?;
        return (today >= until).then(|| format!("Meta stopped serving it on {until}"));
    }
    let oldest = table.last()?;
    if version < oldest.version {
        let until = oldest.available_until?;
        return (today >= until).then(|| {
            format!(
                "it is older than {}, which Meta stopped serving on {until}",
                oldest.version
            )
        });
    }
    None
}

/// The day a served Graph API version stops being served, and the days left until then, when
/// that is at most `window` days after `today`.
fn graph_expiring(version: GraphVersion, today: Date, window: u32) -> Option<(Date, i64)> {
    let until = GRAPH
        .releases
        .iter()
        .find(|r| r.version == version)?
        .available_until?;
    let days = (until.unix_seconds() - today.unix_seconds()) / 86_400;
    (days > 0 && days <= i64::from(window)).then_some((until, days))
}

fn expiring_finding(at: At, written: &str, until: Date, days: i64, today: Date) -> Finding {
    let upgrade = newest(today).map_or("a current version".to_string(), |v| v.to_string());
    let days = if days == 1 {
        "1 day".to_string()
    } else {
        format!("{days} days")
    };
    Finding::new(
        CODE,
        at,
        format!("Graph API version `{written}` expires in {days}: Meta stops serving it on {until}"),
    )
    .severity(Severity::Info)
    .help(format!(
        "plan the move to {upgrade} before {until}; `expiry_warning_days` sets how early walint says so"
    ))
}

/// The oldest version still served on `today`: what to upgrade to at the very least.
fn oldest_served(today: Date) -> Option<GraphVersion> {
    GRAPH
        .releases
        .iter()
        .rev()
        .find(|r| r.available_until.is_none_or(|until| today < until))
        .map(|r| r.version)
}

/// The newest version released by `today`.
fn newest(today: Date) -> Option<GraphVersion> {
    GRAPH
        .releases
        .iter()
        .find(|r| r.introduced.is_some_and(|introduced| introduced <= today))
        .map(|r| r.version)
}

fn graph_finding(at: At, written: &str, why: String, today: Date) -> Finding {
    let upgrade = match (oldest_served(today), newest(today)) {
        (Some(oldest), Some(newest)) if oldest != newest => {
            format!("move to {newest} (at least {oldest}, the oldest version still served)")
        }
        (_, Some(newest)) => format!("move to {newest}"),
        _ => "move to a current version".to_string(),
    };
    Finding::new(
        CODE,
        at,
        format!("Graph API version `{written}` is past its end of life: {why}"),
    )
    .help(format!(
        "{upgrade}; calls to an expired version are answered by the oldest version still served, \
         whose behaviour your code was not tested against"
    ))
}

/// `v17.0` right after a Graph host in a URL: the byte range of the version segment.
fn graph_url_versions(value: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    // Every host starts so: one search rules out the values (nearly all) that name none.
    if !value.contains("graph.") {
        return out;
    }
    for host in GRAPH_HOSTS {
        let mut from = 0;
        while let Some(found) = value.get(from..).and_then(|rest| rest.find(host)) {
            let start = from + found + host.len();
            let rest = value.get(start..).unwrap_or("");
            let len = rest
                .find(|c: char| matches!(c, '/' | '?' | '#' | '"' | '\'') || c.is_whitespace())
                .unwrap_or(rest.len());
            if rest.starts_with(['v', 'V']) && len > 1 {
                out.push((start, start + len));
            }
            from = start;
        }
    }
    out
}

/// WA004 deprecated-api-version, over a whole file: Graph API versions in any value, and the
/// `version` of each Flow JSON document.
pub fn deprecated_api_version(ctx: &FileContext, out: &mut Vec<Finding>) {
    graph_api_version(ctx, out);
    for document in ctx.documents {
        if let Document::WhatsAppFlow(flow) = document {
            flow_json_version(flow, out);
        }
    }
}

/// Whether a value is a cursor link of an API response (`paging.next`, `paging.previous`):
/// a URL Meta returned, with the version it was asked in, not one the project calls.
fn is_paging_link(tree: &Tree, node: NodeId, key: Option<&str>) -> bool {
    key.is_some_and(|k| matches!(k, "next" | "previous"))
        && tree
            .parent(node)
            .and_then(|paging| tree.parent(paging).map(|owner| (paging, owner)))
            .is_some_and(|(paging, owner)| {
                tree.entries(owner)
                    .iter()
                    .any(|e| e.value == paging && e.key == "paging")
            })
}

/// The Graph API: `graph_api_version` fields and Graph URLs in any value but the paging
/// links of API responses.
fn graph_api_version(ctx: &FileContext, out: &mut Vec<Finding>) {
    let today = ctx.config.today();
    let window = ctx.config.integer(options::WA004_EXPIRY_WARNING_DAYS);
    each_scalar(ctx.tree, |node, value, key| {
        if is_paging_link(ctx.tree, node, key) {
            return;
        }
        if key.is_some_and(|k| VERSION_KEYS.iter().any(|v| k.eq_ignore_ascii_case(v))) {
            if let Some(version) = GraphVersion::parse(value) {
                if let Some(why) = graph_expired(version, today) {
                    out.push(graph_finding(At::Node(node), value.trim(), why, today));
                } else if let Some((until, days)) = graph_expiring(version, today, window) {
                    out.push(expiring_finding(
                        At::Node(node),
                        value.trim(),
                        until,
                        days,
                        today,
                    ));
                }
            }
            return;
        }
        for (start, end) in graph_url_versions(value) {
            let written = value.get(start..end).unwrap_or("");
            let Some(version) = GraphVersion::parse(written) else {
                continue;
            };
            let at = At::InString(node, start, end);
            if let Some(why) = graph_expired(version, today) {
                out.push(graph_finding(at, written, why, today));
            } else if let Some((until, days)) = graph_expiring(version, today, window) {
                out.push(expiring_finding(at, written, until, days, today));
            }
        }
    });
}

/// Meta's Flow JSON `version`.
fn flow_json_version(flow: &WhatsAppFlow, out: &mut Vec<Finding>) {
    let (Some(version), Some(catalogue)) = (&flow.version, catalogue()) else {
        return;
    };
    let Some(number) = Version::parse(&version.value) else {
        return;
    };
    let written = version.value.trim();
    let (oldest_sent, oldest_published) = (
        catalogue.oldest(Support::Send),
        catalogue.oldest(Support::Publish),
    );
    let shown = |version: Option<Version>| version.map_or(String::new(), |v| v.to_string());
    let message = if oldest_sent.is_some_and(|oldest| number < oldest) {
        format!(
            "Flow JSON version {written} is no longer accepted by Meta; the oldest version it still sends is {}",
            shown(oldest_sent)
        )
    } else if catalogue.support(written) == Some(Support::Send)
        && oldest_published.is_some_and(|oldest| number < oldest)
    {
        format!(
            "Flow JSON version {written} can no longer be published; Meta publishes {} and later",
            shown(oldest_published)
        )
    } else {
        return;
    };
    out.push(
        Finding::new(CODE, At::Node(version.node), message).help(format!(
            "migrate the flow to Flow JSON {} (Meta's recommended version) and publish it again",
            catalogue.recommended
        )),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> GraphVersion {
        GraphVersion::parse(text).unwrap()
    }

    fn day(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn graph_versions_expire_on_their_date() {
        assert_eq!(graph_expired(v("v17.0"), day("2025-09-11")), None);
        assert!(graph_expired(v("v17.0"), day("2025-09-12")).is_some());
        assert!(graph_expired(v("v2.0"), day("2025-01-01"))
            .unwrap()
            .contains("older than v2.9"));
        // No end date published yet, or newer than the table: never expired.
        assert_eq!(graph_expired(v("v26.0"), day("2040-01-01")), None);
        assert_eq!(graph_expired(v("v99.0"), day("2040-01-01")), None);
        assert_eq!(oldest_served(day("2025-09-12")), Some(v("v18.0")));
        assert_eq!(newest(day("2026-01-01")), Some(v("v24.0")));
        assert_eq!(newest(day("2026-07-29")), Some(v("v26.0")));
    }

    #[test]
    fn paging_links_of_api_responses_are_data_not_configuration() {
        // Meta's message_templates response: `paging.next` carries the version it was asked in.
        let text = r#"{"data": [], "paging": {"cursors": {"after": "MQZDZD"}, "next": "https://graph.facebook.com/v15.0/1/message_templates?after=MQZDZD", "previous": "https://graph.facebook.com/v15.0/1/message_templates"}, "next": "https://graph.facebook.com/v15.0/1/messages"}"#;
        let tree = crate::source::parse(text, crate::source::Format::Json).unwrap();
        let config = crate::config::Config::default();
        let ctx = FileContext {
            file: crate::diagnostic::FileId::input(0),
            tree: &tree,
            config: &config,
            documents: &[],
        };
        let mut out = Vec::new();
        deprecated_api_version(&ctx, &mut out);
        let pointers: Vec<String> = out
            .iter()
            .map(|f| match f.at {
                At::InString(node, ..) => tree.pointer(node),
                _ => String::new(),
            })
            .collect();
        // A `next` outside `paging` is still a URL the project wrote.
        assert_eq!(pointers, ["/next"]);
    }

    #[test]
    fn versions_near_their_end_are_announced_with_the_date() {
        // v21.0 is served until 2027-01-21.
        assert_eq!(
            graph_expiring(v("v21.0"), day("2026-12-02"), 90),
            Some((day("2027-01-21"), 50))
        );
        // 91 days before: not yet.
        assert_eq!(graph_expiring(v("v21.0"), day("2026-10-22"), 90), None);
        assert_eq!(graph_expiring(v("v21.0"), day("2026-12-02"), 49), None);
        assert_eq!(
            graph_expiring(v("v21.0"), day("2027-01-20"), 90),
            Some((day("2027-01-21"), 1))
        );
        // Expired on its day (WA004's warning), or no end date yet.
        assert_eq!(graph_expiring(v("v21.0"), day("2027-01-21"), 90), None);
        assert_eq!(graph_expiring(v("v26.0"), day("2027-01-01"), 730), None);
        let finding = expiring_finding(
            At::Node(0),
            "v21.0",
            day("2027-01-21"),
            50,
            day("2026-12-02"),
        );
        assert_eq!(
            finding.message,
            "Graph API version `v21.0` expires in 50 days: Meta stops serving it on 2027-01-21"
        );
        assert_eq!(finding.severity, Some(Severity::Info));
    }

    #[test]
    fn finds_versions_in_graph_urls() {
        let url = "https://graph.facebook.com/v17.0/1234/messages";
        let found = graph_url_versions(url);
        assert_eq!(found.len(), 1);
        assert_eq!(&url[found[0].0..found[0].1], "v17.0");
        assert!(graph_url_versions("https://graph.facebook.com/me").is_empty());
        assert!(graph_url_versions("see graph.facebook.com/").is_empty());
    }
}
