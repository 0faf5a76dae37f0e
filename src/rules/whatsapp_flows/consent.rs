//! WA306 personal-data-without-consent: a flow that asks for an email address or a phone
//! number needs an `OptIn` asking for consent.

use crate::catalogue::RuleId;
use crate::diagnostic::{At, Finding};
use crate::model::WhatsAppFlow;
use crate::rules::Context;

/// `input-type` values that collect personal data.
const PERSONAL_INPUT_TYPES: [&str; 2] = ["email", "phone"];

/// WA306 personal-data-without-consent.
pub fn personal_data_without_consent(flow: &WhatsAppFlow, ctx: &Context, out: &mut Vec<Finding>) {
    let mut personal = Vec::new();
    for screen in &flow.screens {
        for component in screen.components() {
            if component.is("OptIn") {
                return;
            }
            if !component.is("TextInput") {
                continue;
            }
            if let Some(kind) = component.property("input-type") {
                if PERSONAL_INPUT_TYPES
                    .iter()
                    .any(|p| p.eq_ignore_ascii_case(&kind.value))
                {
                    personal.push(kind);
                }
            }
        }
    }
    let Some((first, rest)) = personal.split_first() else {
        return;
    };
    let what = match personal.len() {
        1 if first.value.eq_ignore_ascii_case("email") => "an email address".to_string(),
        1 => "a phone number".to_string(),
        n => format!("{n} personal-data fields (email or phone)"),
    };
    let mut finding = Finding::new(
        RuleId::WA306,
        At::Node(first.node),
        format!("the flow collects {what} but has no `OptIn` component asking for consent"),
    )
    .help("add an `OptIn` (\"I agree to be contacted ...\", ideally with a Read more link to your privacy policy) on the screen that collects the data");
    for other in rest {
        finding = finding.related(
            ctx.file,
            At::Node(other.node),
            format!("also collects `{}`", other.value),
        );
    }
    out.push(finding);
}
