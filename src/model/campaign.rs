//! walint's outbound campaign format (`campaign:`; rules/WA501.yaml to WA504.yaml show it).

use super::flow::{read_template_ref, TemplateRef};
use super::reader::{AtNode, Reader, Vocabulary};
use crate::diagnostic::At;
use crate::source::{NodeId, Value};

#[derive(Clone, Debug)]
pub struct Audience {
    pub node: NodeId,
    pub segment: Option<AtNode<String>>,
    pub requires_opt_in: Option<AtNode<bool>>,
    pub estimated_size: Option<AtNode<u64>>,
    pub countries: Option<Vec<AtNode<String>>>,
}

#[derive(Clone, Debug)]
pub struct FrequencyCap {
    pub node: NodeId,
    pub max_messages: Option<AtNode<u64>>,
    /// The window as written (`7d`).
    pub per: Option<AtNode<String>>,
    /// The window in seconds, when `per` is a valid duration.
    pub per_seconds: Option<u64>,
}

/// A duration like `30m`, `24h`, `7d` or `2w`, in seconds.
pub fn parse_window(text: &str) -> Option<u64> {
    let text = text.trim();
    let unit_at = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(unit_at);
    let number: u64 = number.parse().ok()?;
    let unit = unit.trim();
    let &(_, seconds) = WINDOW_UNITS
        .iter()
        .find(|(words, _)| words.contains(&unit))?;
    number.checked_mul(seconds).filter(|&s| s > 0)
}

/// The units of a frequency cap's window (`per`), as written (case matters), with their
/// seconds. The campaign schema's pattern for `per` is made from this table too.
pub const WINDOW_UNITS: &[(&[&str], u64)] = &[
    (&["m", "min"], 60),
    (&["h"], 3_600),
    (&["d"], 86_400),
    (&["w"], 604_800),
];

/// Business-initiated conversations a portfolio may open in 24 hours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessagingTier {
    Limited(u64),
    Unlimited,
}

pub const TIERS: [u64; 4] = [250, 2_000, 10_000, 100_000];

#[derive(Clone, Debug)]
pub struct Campaign {
    pub node: NodeId,
    pub name: Option<AtNode<String>>,
    pub template: Option<TemplateRef>,
    pub audience: Option<Audience>,
    pub messaging_tier: Option<AtNode<MessagingTier>>,
    pub frequency_cap: Option<FrequencyCap>,
}

const WHAT: &str = "campaign";

/// The keys of each mapping of the format; any other is reported (WA002). `sender` holds
/// how the campaign is sent (endpoint, credentials): the model does not read it, the
/// secrets and Graph API version rules check it as every text of the file.
pub(crate) const CAMPAIGN_KEYS: &[&str] = &[
    "campaign",
    "template",
    "audience",
    "messaging_tier",
    "frequency_cap",
    "sender",
];
pub(crate) const AUDIENCE_KEYS: &[&str] =
    &["segment", "requires_opt_in", "estimated_size", "countries"];
pub(crate) const FREQUENCY_CAP_KEYS: &[&str] = &["max_messages", "per"];

pub fn read(r: &mut Reader, node: NodeId) -> Campaign {
    r.unknown_keys(node, CAMPAIGN_KEYS, "the campaign", Vocabulary::Walint);
    let name = r.required_string(node, "campaign", WHAT);
    let template = match r.field(node, "template") {
        Some(t) => read_template_ref(r, t, "the campaign"),
        None => {
            r.missing(node, "template", WHAT);
            None
        }
    };
    let audience = r
        .field(node, "audience")
        .and_then(|a| r.expect_map(a, "audience"))
        .map(|a| {
            r.unknown_keys(a, AUDIENCE_KEYS, "the audience", Vocabulary::Walint);
            Audience {
                node: a,
                segment: r.string(a, "segment"),
                requires_opt_in: r.bool(a, "requires_opt_in"),
                estimated_size: r.unsigned(a, "estimated_size"),
                countries: r.strings(a, "countries"),
            }
        });
    let frequency_cap = r
        .field(node, "frequency_cap")
        .and_then(|f| r.expect_map(f, "frequency_cap"))
        .map(|f| read_frequency_cap(r, f));
    Campaign {
        node,
        name,
        template,
        audience,
        messaging_tier: read_tier(r, node),
        frequency_cap,
    }
}

fn read_frequency_cap(r: &mut Reader, node: NodeId) -> FrequencyCap {
    const WHAT: &str = "the frequency cap";
    r.unknown_keys(node, FREQUENCY_CAP_KEYS, WHAT, Vocabulary::Walint);
    let max_messages = if r.field(node, "max_messages").is_some() {
        r.unsigned(node, "max_messages")
    } else {
        r.missing(node, "max_messages", WHAT);
        None
    };
    let per = r.required_string(node, "per", WHAT);
    let per_seconds = per.as_ref().and_then(|p| {
        let seconds = parse_window(&p.value);
        if seconds.is_none() {
            r.problem(
                At::Node(p.node),
                format!(
                    "`per` must be a duration like 7d, 24h or 1w, found `{}`",
                    p.value
                ),
            );
        }
        seconds
    });
    FrequencyCap {
        node,
        max_messages,
        per,
        per_seconds,
    }
}

fn read_tier(r: &mut Reader, node: NodeId) -> Option<AtNode<MessagingTier>> {
    let tier = r.field(node, "messaging_tier")?;
    let value = match r.tree.value(tier) {
        Value::String(s) if s.eq_ignore_ascii_case("unlimited") => Some(MessagingTier::Unlimited),
        Value::Number(n) => n
            .replace('_', "")
            .parse::<u64>()
            .ok()
            .filter(|n| TIERS.contains(n))
            .map(MessagingTier::Limited),
        _ => None,
    };
    if value.is_none() {
        r.problem(
            At::Node(tier),
            "`messaging_tier` must be one of 250, 2000, 10000, 100000 or unlimited".into(),
        );
    }
    value.map(|value| AtNode::new(value, tier))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{parse, Format};

    #[test]
    fn windows_are_durations() {
        assert_eq!(parse_window("7d"), Some(604_800));
        assert_eq!(parse_window("24h"), Some(86_400));
        assert_eq!(parse_window("1w"), Some(604_800));
        assert_eq!(parse_window("30m"), Some(1_800));
        assert_eq!(parse_window("0d"), None);
        assert_eq!(parse_window("7"), None);
        assert_eq!(parse_window("a week"), None);
        assert_eq!(parse_window("99999999999999999999d"), None);
    }

    #[test]
    fn frequency_cap_problems_are_schema_violations() {
        let text =
            "campaign: a\ntemplate: {name: a, language: en_US}\nfrequency_cap: {per: weekly}\n";
        let tree = parse(text, Format::Yaml).unwrap();
        let contents = crate::model::read(&tree);
        let messages: Vec<&str> = contents
            .problems
            .iter()
            .map(|p| p.message.as_str())
            .collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].contains("missing the required field `max_messages`"));
        assert!(messages[1].contains("`per` must be a duration"));
    }
}
