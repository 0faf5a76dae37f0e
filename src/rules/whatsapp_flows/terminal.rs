//! WA302 terminal-screen-footer: a flow needs a terminal screen, and every terminal screen a
//! `Footer` that finishes the flow rather than navigating away.

use crate::catalogue::RuleId;
use crate::diagnostic::{At, Finding};
use crate::model::whatsapp_flow::{Component, Screen};
use crate::model::WhatsAppFlow;
use crate::rules::Context;

/// WA302 terminal-screen-footer.
pub fn terminal_screen_footer(flow: &WhatsAppFlow, _ctx: &Context, out: &mut Vec<Finding>) {
    if flow.screens.is_empty() {
        return;
    }
    if !flow.screens.iter().any(Screen::is_terminal) {
        let at = flow.screens_node.map_or(At::Key(flow.node), At::Key);
        out.push(
            Finding::new(
                RuleId::WA302,
                at,
                "the flow has no terminal screen: no screen sets `\"terminal\": true`, so it can never be completed",
            )
            .help("mark the last screen `\"terminal\": true` and give it a `Footer` whose action is `complete`"),
        );
    }
    for screen in flow.screens.iter().filter(|s| s.is_terminal()) {
        let components = screen.components();
        let footers: Vec<&&Component> = components.iter().filter(|c| c.is("Footer")).collect();
        let name = screen.id().unwrap_or("?");
        if footers.is_empty() {
            let at = screen
                .terminal
                .as_ref()
                .map_or(At::Key(screen.node), |t| At::Node(t.node));
            out.push(
                Finding::new(
                    RuleId::WA302,
                    at,
                    format!("terminal screen `{name}` has no `Footer`; Meta requires one on every terminal screen"),
                )
                .help("add a `Footer` whose `on-click-action` is `complete`"),
            );
        }
        for footer in footers {
            for action in footer.actions.iter().filter(|a| a.is("navigate")) {
                let at = action
                    .name
                    .as_ref()
                    .map_or(At::Key(action.node), |n| At::Node(n.node));
                out.push(
                    Finding::new(
                        RuleId::WA302,
                        at,
                        format!("the `Footer` of terminal screen `{name}` navigates away, so the flow can never finish"),
                    )
                    .help("use `complete` (or `data_exchange` with an endpoint) on a terminal screen's Footer"),
                );
            }
        }
    }
}
