//! walint's outbound campaign format (spec §4.5).

use super::flow::{read_template_ref, TemplateRef};
use super::reader::{Reader, Spanned};
use crate::diagnostic::At;
use crate::source::{NodeId, Value};

#[derive(Clone, Debug)]
pub struct Audience {
    pub node: NodeId,
    pub segment: Option<Spanned<String>>,
    pub requires_opt_in: Option<Spanned<bool>>,
    pub estimated_size: Option<Spanned<u64>>,
    pub countries: Option<Vec<Spanned<String>>>,
}

#[derive(Clone, Debug)]
pub struct FrequencyCap {
    pub node: NodeId,
    pub max_messages: Option<Spanned<u64>>,
    pub per: Option<Spanned<String>>,
}

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
    pub name: Option<Spanned<String>>,
    pub template: Option<TemplateRef>,
    pub audience: Option<Audience>,
    pub messaging_tier: Option<Spanned<MessagingTier>>,
    pub frequency_cap: Option<FrequencyCap>,
}

const WHAT: &str = "campaign";

pub fn read(r: &mut Reader, node: NodeId) -> Campaign {
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
        .map(|a| Audience {
            node: a,
            segment: r.string(a, "segment"),
            requires_opt_in: r.bool(a, "requires_opt_in"),
            estimated_size: r.unsigned(a, "estimated_size"),
            countries: r.strings(a, "countries"),
        });
    let frequency_cap = r
        .field(node, "frequency_cap")
        .and_then(|f| r.expect_map(f, "frequency_cap"))
        .map(|f| FrequencyCap {
            node: f,
            max_messages: r.unsigned(f, "max_messages"),
            per: r.string(f, "per"),
        });
    Campaign {
        node,
        name,
        template,
        audience,
        messaging_tier: read_tier(r, node),
        frequency_cap,
    }
}

fn read_tier(r: &mut Reader, node: NodeId) -> Option<Spanned<MessagingTier>> {
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
    value.map(|value| Spanned { value, node: tier })
}
