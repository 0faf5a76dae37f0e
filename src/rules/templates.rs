//! Message template rules (WA1xx).

use crate::config::Config;
use crate::diagnostic::{At, FileFinding, Finding, Severity};
use crate::model::flow::TemplateRef;
use crate::model::reader::Keyword;
use crate::model::template::Status;
use crate::model::Document;
use crate::workspace::Workspace;

/// WA101 template-not-approved: references to templates that cannot be sent, and
/// stand-alone templates Meta has rejected, paused or disabled.
pub fn template_not_approved(workspace: &Workspace, _config: &Config, out: &mut Vec<FileFinding>) {
    for (file, document) in workspace.documents() {
        match document {
            Document::Flow(flow) => {
                for reference in flow.nodes.iter().filter_map(|n| n.template.as_ref()) {
                    check_reference(workspace, file, reference, out);
                }
            }
            Document::Campaign(campaign) => {
                if let Some(reference) = &campaign.template {
                    check_reference(workspace, file, reference, out);
                }
            }
            Document::Template(template) => {
                let Some(status) = &template.status else {
                    continue;
                };
                if matches!(
                    status.value,
                    Status::Rejected | Status::Paused | Status::Disabled
                ) {
                    let name = template.name.as_ref().map_or("", |n| n.value.as_str());
                    out.push(FileFinding {
                        file,
                        finding: Finding::new(
                            "WA101",
                            At::Node(status.node),
                            format!(
                                "template `{name}` is {}; Meta refuses to send it",
                                status.value.name()
                            ),
                        )
                        .severity(Severity::Warning)
                        .help("fix the template and resubmit it, or delete it from the repository"),
                    });
                }
            }
            _ => {}
        }
    }
}

fn check_reference(
    workspace: &Workspace,
    file: usize,
    reference: &TemplateRef,
    out: &mut Vec<FileFinding>,
) {
    let (name, language) = (&reference.name.value, &reference.language.value);
    let Some((template_file, template)) = workspace.template(name, language) else {
        return;
    };
    if template.is_approved() {
        return;
    }
    let (state, related_at) = match &template.status {
        Some(status) => (format!("is {}", status.value.name()), At::Node(status.node)),
        None => (
            "has no status (it has never been through Meta's review)".to_string(),
            At::Key(template.node),
        ),
    };
    out.push(FileFinding {
        file,
        finding: Finding::new(
            "WA101",
            At::Node(reference.name.node),
            format!("template `{name}` ({language}) {state}; only APPROVED templates can be sent"),
        )
        .help("submit the template for review and wait for APPROVED, or use an approved template")
        .related(
            template_file,
            related_at,
            format!("`{name}` ({language}) is defined here"),
        ),
    });
}
