//! Campaign rules (WA5xx).

use super::DocumentContext;
use crate::diagnostic::{At, Finding};
use crate::model::Document;

/// WA501 campaign-missing-opt-in.
pub fn campaign_missing_opt_in(ctx: &DocumentContext, out: &mut Vec<Finding>) {
    let Document::Campaign(campaign) = ctx.document else {
        return;
    };
    let name = campaign.name.as_ref().map_or("", |n| n.value.as_str());
    let help = "send only to people who opted in: set `audience.requires_opt_in: true` and \
                build the segment from recorded consent";
    let finding = match &campaign.audience {
        None => Finding::new(
            "WA501",
            At::Key(campaign.name.as_ref().map_or(campaign.node, |n| n.node)),
            format!("campaign `{name}` has no audience restricted to opted-in users"),
        ),
        Some(audience) => match &audience.requires_opt_in {
            Some(flag) if flag.value => return,
            Some(flag) => Finding::new(
                "WA501",
                At::Node(flag.node),
                format!(
                    "campaign `{name}` sends to an audience that is not restricted to opted-in users (`requires_opt_in: false`)"
                ),
            ),
            None => Finding::new(
                "WA501",
                At::Key(audience.node),
                format!("the audience of campaign `{name}` does not require opt-in (`requires_opt_in` is not set)"),
            ),
        },
    };
    out.push(finding.help(help));
}
