//! Campaign rules (WA5xx).

use super::{thousands, Context};
use crate::catalogue::{options, RuleId};
use crate::config::Config;
use crate::date::Date;
use crate::diagnostic::{At, FileFinding, FileId, Finding};
use crate::model::campaign::{FrequencyCap, MessagingTier};
use crate::model::template::Category;
use crate::model::Campaign;
use crate::workspace::{Export, ExportedCampaign, Exporter, Workspace};

/// WA501 campaign-missing-opt-in.
pub fn campaign_missing_opt_in(campaign: &Campaign, _ctx: &Context, out: &mut Vec<Finding>) {
    let name = campaign.name.as_ref().map_or("", |n| n.value.as_str());
    let help = "send only to people who opted in: set `audience.requires_opt_in: true` and \
                build the segment from recorded consent";
    let finding = match &campaign.audience {
        None => Finding::new(
            RuleId::WA501,
            At::Key(campaign.name.as_ref().map_or(campaign.node, |n| n.node)),
            format!("campaign `{name}` has no audience restricted to opted-in users"),
        ),
        Some(audience) => match &audience.requires_opt_in {
            Some(flag) if flag.value => return,
            Some(flag) => Finding::new(
                RuleId::WA501,
                At::Node(flag.node),
                format!(
                    "campaign `{name}` sends to an audience that is not restricted to opted-in users (`requires_opt_in: false`)"
                ),
            ),
            None => Finding::new(
                RuleId::WA501,
                At::Key(audience.node),
                format!("the audience of campaign `{name}` does not require opt-in (`requires_opt_in` is not set)"),
            ),
        },
    };
    out.push(finding.help(help));
}

/// What cross-file rules read of a campaign.
pub(crate) fn export(campaign: &Campaign, x: &mut Exporter) -> ExportedCampaign {
    ExportedCampaign {
        node: x.node(campaign.node),
        name: x.optional(&campaign.name),
        template: campaign.template.as_ref().map(|t| x.template_ref(t)),
        frequency_cap: campaign.frequency_cap.as_ref().map(|cap| FrequencyCap {
            node: x.node(cap.node),
            max_messages: x.optional(&cap.max_messages),
            per: x.optional(&cap.per),
            per_seconds: cap.per_seconds,
        }),
        countries: campaign
            .audience
            .as_ref()
            .and_then(|a| a.countries.as_ref())
            .map(|countries| countries.iter().map(|c| x.value(c)).collect()),
    }
}

/// Whether a campaign's template is known to be something other than MARKETING.
fn template_category(
    workspace: &Workspace,
    campaign: &ExportedCampaign,
) -> Option<(FileId, Category)> {
    let reference = campaign.template.as_ref()?;
    let (file, template) = workspace.template_of(reference)?;
    Some((file, template.category.as_ref()?.value))
}

fn campaign_name(campaign: &Campaign) -> &str {
    campaign.name.as_ref().map_or("", |n| n.value.as_str())
}

/// Where a finding about the whole campaign points: the `campaign:` key.
fn campaign_anchor(campaign: &ExportedCampaign) -> At {
    At::Key(campaign.name.as_ref().map_or(campaign.node, |n| n.node))
}

/// `2`, `0.9`, `7`: a weekly rate for messages.
fn rate(value: f64) -> String {
    if (value - value.round()).abs() < 0.05 {
        format!("{}", value.round() as u64)
    } else {
        format!("{value:.1}")
    }
}

const WEEK: u64 = 7 * 86_400;

/// WA502 campaign-frequency: no frequency cap, or more marketing messages per user per week
/// than the `max_per_week` option allows. Campaigns whose template is known to be UTILITY or
/// AUTHENTICATION are transactional and not checked.
pub fn campaign_frequency(workspace: &Workspace, config: &Config, out: &mut Vec<FileFinding>) {
    let max_per_week = config.number(options::WA502_MAX_PER_WEEK);
    for (file, document) in workspace.documents() {
        let Export::Campaign(campaign) = document else {
            continue;
        };
        if template_category(workspace, campaign)
            .is_some_and(|(_, category)| category != Category::Marketing)
        {
            continue;
        }
        let name = campaign.name_str();
        let finding = match &campaign.frequency_cap {
            None => Finding::new(
                RuleId::WA502,
                campaign_anchor(campaign),
                format!("campaign `{name}` has no frequency cap; nothing limits how many marketing messages one person receives"),
            )
            .help(format!(
                "add `frequency_cap: {{max_messages: {}, per: 7d}}` (at most {} a week, the configured maximum)",
                rate(max_per_week),
                rate(max_per_week)
            )),
            Some(cap) => {
                let (Some(max), Some(per), Some(seconds)) =
                    (&cap.max_messages, &cap.per, cap.per_seconds)
                else {
                    continue;
                };
                let weekly = max.value as f64 * WEEK as f64 / seconds as f64;
                if weekly <= max_per_week + 1e-9 {
                    continue;
                }
                Finding::new(
                    RuleId::WA502,
                    At::Node(max.node),
                    format!(
                        "campaign `{name}` allows {} marketing messages per person per week ({} per {}); the configured maximum is {}",
                        rate(weekly),
                        max.value,
                        per.value.trim(),
                        rate(max_per_week)
                    ),
                )
                .help("lower `max_messages` or widen `per`: people who get too many promotions block and report the number, which lowers its quality rating")
            }
        };
        out.push(FileFinding { file, finding });
    }
}

/// WA503 campaign-exceeds-tier.
pub fn campaign_exceeds_tier(campaign: &Campaign, ctx: &Context, out: &mut Vec<Finding>) {
    let (Some(audience), Some(tier)) = (&campaign.audience, &campaign.messaging_tier) else {
        return;
    };
    let Some(size) = &audience.estimated_size else {
        return;
    };
    let MessagingTier::Limited(limit) = tier.value else {
        return;
    };
    if size.value <= limit {
        return;
    }
    out.push(
        Finding::new(
            RuleId::WA503,
            At::Node(size.node),
            format!(
                "campaign `{}` targets about {} people, but the portfolio's messaging limit is {} people in 24 hours",
                campaign_name(campaign),
                thousands(size.value),
                thousands(limit)
            ),
        )
        .help("split the send over several days, or raise the limit first (it grows after verification and sustained high-quality sends)")
        .related(ctx.file, At::Node(tier.node), "the messaging limit is set here"),
    );
}

/// Meta stopped delivering marketing templates to US numbers on this day.
const US_MARKETING_STOP: (i32, u32, u32) = (2025, 4, 1);

/// WA504 marketing-to-us-numbers.
pub fn marketing_to_us_numbers(workspace: &Workspace, config: &Config, out: &mut Vec<FileFinding>) {
    let (y, m, d) = US_MARKETING_STOP;
    let stop = Date::new(y, m, d);
    if stop.is_some_and(|stop| config.today() < stop) {
        return;
    }
    for (file, document) in workspace.documents() {
        let Export::Campaign(campaign) = document else {
            continue;
        };
        let Some((template_file, Category::Marketing)) = template_category(workspace, campaign)
        else {
            continue;
        };
        let Some(countries) = &campaign.countries else {
            continue;
        };
        let Some(us) = countries
            .iter()
            .find(|c| c.value.trim().eq_ignore_ascii_case("US"))
        else {
            continue;
        };
        let Some(reference) = &campaign.template else {
            continue;
        };
        let template = &reference.name.value;
        let mut finding = Finding::new(
            RuleId::WA504,
            At::Node(us.node),
            format!(
                "campaign `{}` sends the MARKETING template `{template}` to US numbers; Meta has not delivered marketing templates to US numbers since April 1, 2025",
                campaign.name_str()
            ),
        )
        .help("remove US from the audience (those messages are not delivered), or reach US customers through another channel");
        if let Some((_, t)) = workspace.template_of(reference) {
            if let Some(category) = &t.category {
                finding = finding.related(
                    template_file,
                    At::Node(category.node),
                    format!("`{template}` is a MARKETING template"),
                );
            }
        }
        out.push(FileFinding { file, finding });
    }
}
