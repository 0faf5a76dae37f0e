//! The rules that read the templates lock (`walint templates pull`): WA101 from Meta's
//! status, WA117 template-drift, WA118 template-quality-low, WA119 templates-lock-stale.
//! Without a lock, WA101 reads the repository's `status` fields (`templates.rs`) and the
//! others find nothing.

use std::collections::HashMap;

use crate::catalogue::RuleId;
use crate::config::Config;
use crate::date::{parse_rfc3339, Date};
use crate::diagnostic::{At, FileFinding, FileId, Finding, Severity};
use crate::model::flow::TemplateRef;
use crate::model::reader::Keyword;
use crate::model::{LanguageCode, LockDocument, Template};
use crate::rules::Context;
use crate::templates_lock::{drift, LockedTemplate, TemplatesLock};
use crate::workspace::{Export, ExportedDrift, ExportedTemplate, Exporter, Workspace};

/// Statuses whose components are ones Meta approved (a paused template keeps them).
const APPROVED_CONTENT: [&str; 2] = ["APPROVED", "PAUSED"];
/// Statuses Meta refuses to send, reported on templates nothing sends.
const REFUSED: [&str; 3] = ["REJECTED", "PAUSED", "DISABLED"];

/// The template's first difference from Meta's approved components, for WA117.
pub(crate) fn drift_of(
    template: &Template,
    x: &mut Exporter,
    config: &Config,
) -> Option<Box<ExportedDrift>> {
    let lock = config.lock.as_ref()?;
    let (name, language) = (template.name.as_ref()?, template.language.as_ref()?);
    let locked = lock.find(&name.value, language.value.as_str())?;
    if !APPROVED_CONTENT.contains(&locked.status.as_str()) {
        return None;
    }
    let tree = x.tree();
    let components = tree.get(template.node, "components")?;
    let found = drift::first_difference(tree, components, &locked.components)?;
    Some(Box::new(ExportedDrift {
        node: x.node(found.node),
        place: found.place,
        repository: found.repository,
        approved: found.approved,
    }))
}

/// "the templates lock of 2026-01-01"
fn lock_date(lock: &TemplatesLock) -> String {
    Date::from_unix_seconds(lock.fetched_at_seconds()).to_string()
}

/// Every template reference of the flows and campaigns: the file and the reference.
fn references<'w>(workspace: &'w Workspace) -> Vec<(FileId, &'w TemplateRef)> {
    workspace
        .documents()
        .flat_map(|(file, document)| document.template_references().map(move |r| (file, r)))
        .collect()
}

fn label(name: &str, language: &LanguageCode) -> String {
    format!("`{name}` ({language})")
}

/// Meta's status as a message shows it: `PAUSED`, `REJECTED (reason: PROMOTIONAL)`.
fn meta_status(locked: &LockedTemplate) -> String {
    match &locked.rejected_reason {
        Some(reason) => format!("{} (reason: {reason})", locked.status),
        None => locked.status.clone(),
    }
}

fn refused_help(status: &str) -> &'static str {
    match status {
        "PAUSED" => "Meta paused it for low quality: fix what customers complain about and wait for it to be unpaused, or send another template",
        "REJECTED" => "fix the template and resubmit it, or send an approved template",
        "DISABLED" => "Meta disabled it for good: create a new template and send that",
        "PENDING" | "IN_APPEAL" => "wait for Meta's review (up to 24 hours), or send an approved template",
        _ => "send an approved template instead",
    }
}

/// WA101 from the lock: a reference to a template Meta does not hold as APPROVED is an error;
/// a template Meta refuses to send, or whose `status` in the repository disagrees with
/// Meta's, is a warning at the template.
pub(crate) fn not_approved(
    workspace: &Workspace,
    lock: &TemplatesLock,
    out: &mut Vec<FileFinding>,
) {
    let date = lock_date(lock);
    for (file, reference) in references(workspace) {
        let (name, language) = (&reference.name.value, &reference.language.value);
        // A template no file defines is WA211's.
        let Some((template_file, template)) = workspace.template_of(reference) else {
            continue;
        };
        let message = match lock.find(name, language.as_str()) {
            Some(locked) if locked.status == "APPROVED" => continue,
            Some(locked) => {
                let mut message = format!(
                    "template {} is {} at Meta (templates lock of {date}); only APPROVED templates can be sent",
                    label(name, language),
                    meta_status(locked)
                );
                if let Some(ours) = &template.status {
                    if !ours.value.name().eq_ignore_ascii_case(&locked.status) {
                        message.push_str(&format!(
                            "; the repository's `status` says {}",
                            ours.value.name()
                        ));
                    }
                }
                (message, refused_help(&locked.status))
            }
            None => (
                format!(
                    "template {} is not in the templates lock of WhatsApp Business Account {} ({date}): it was never submitted to Meta, or was deleted; only APPROVED templates can be sent",
                    label(name, language),
                    lock.waba_id
                ),
                "submit it for review and run `walint templates pull` once Meta approves it, or send an approved template",
            ),
        };
        out.push(FileFinding {
            file,
            finding: Finding::new(RuleId::WA101, At::Node(reference.name.node), message.0)
                .help(message.1)
                .related(
                    template_file,
                    At::Key(template.node),
                    format!("{} is defined here", label(name, language)),
                ),
        });
    }
    for (file, document) in workspace.documents() {
        let Export::Template(template) = document else {
            continue;
        };
        if let Some(finding) = template_against_lock(template, lock, &date) {
            out.push(FileFinding { file, finding });
        }
    }
}

/// A template Meta refuses to send, or whose own `status` disagrees with Meta's.
fn template_against_lock(
    template: &ExportedTemplate,
    lock: &TemplatesLock,
    date: &str,
) -> Option<Finding> {
    let (name, language) = (template.name.as_ref()?, template.language.as_ref()?);
    let label = label(&name.value, &language.value);
    let ours = template.status.as_ref();
    let at = ours.map_or(At::Node(name.node), |s| At::Node(s.node));
    let Some(locked) = lock.find(&name.value, language.value.as_str()) else {
        let ours = ours?;
        return Some(
            Finding::new(
                RuleId::WA101,
                at,
                format!(
                    "template {label} says `status: {}`, but it is not in the templates lock of {date}: it was never submitted to Meta, or was deleted",
                    ours.value.name()
                ),
            )
            .severity(Severity::Warning)
            .help("remove `status` from the file: the lock holds Meta's status (`walint templates pull`)"),
        );
    };
    let disagrees = ours.filter(|s| !s.value.name().eq_ignore_ascii_case(&locked.status));
    let refused = REFUSED.contains(&locked.status.as_str());
    let mut message = match (refused, disagrees) {
        (true, _) => format!(
            "template {label} is {} at Meta (templates lock of {date}); Meta refuses to send it",
            meta_status(locked)
        ),
        (false, Some(_)) => format!(
            "template {label} is {} at Meta (templates lock of {date})",
            locked.status
        ),
        (false, None) => return None,
    };
    if let Some(ours) = disagrees {
        message.push_str(&format!(
            "; the repository's `status` says {}",
            ours.value.name()
        ));
    }
    let help = if disagrees.is_some() {
        "remove `status` from the file (or set it to Meta's): the lock holds Meta's status"
    } else {
        refused_help(&locked.status)
    };
    Some(
        Finding::new(RuleId::WA101, at, message)
            .severity(Severity::Warning)
            .help(help),
    )
}

/// WA117 template-drift: a template whose components differ from what Meta approved. An
/// error at each reference that sends it; a warning at the difference when nothing does.
pub fn template_drift(workspace: &Workspace, _config: &Config, out: &mut Vec<FileFinding>) {
    // Drift is known only of templates a lock holds: most runs (and every re-check in an
    // editor without a lock) have none, and need no index of the references.
    let drifted = |document: &Export| matches!(document, Export::Template(t) if t.drift.is_some());
    if !workspace.documents().any(|(_, document)| drifted(document)) {
        return;
    }
    let mut sent: HashMap<(&str, &str), Vec<(FileId, &TemplateRef)>> = HashMap::new();
    for (file, reference) in references(workspace) {
        sent.entry((&reference.name.value, reference.language.value.as_str()))
            .or_default()
            .push((file, reference));
    }
    for (template_file, document) in workspace.documents() {
        let Export::Template(template) = document else {
            continue;
        };
        let (Some(drift), Some(name), Some(language)) =
            (&template.drift, &template.name, &template.language)
        else {
            continue;
        };
        let label = label(&name.value, &language.value);
        let help = "submit the edit to Meta and run `walint templates pull` once it is approved, or put back the approved text (`walint templates status` shows both)";
        match sent.get(&(name.value.as_str(), language.value.as_str())) {
            Some(references) => {
                for &(file, reference) in references {
                    out.push(FileFinding {
                        file,
                        finding: Finding::new(
                            RuleId::WA117,
                            At::Node(reference.name.node),
                            format!(
                                "template {label} differs from what Meta approved: {} is {} in the repository, {} at Meta; customers get Meta's version",
                                drift.place, drift.repository, drift.approved
                            ),
                        )
                        .help(help)
                        .related(
                            template_file,
                            At::Node(drift.node),
                            format!("the repository's {}", drift.place),
                        ),
                    });
                }
            }
            None => out.push(FileFinding {
                file: template_file,
                finding: Finding::new(
                    RuleId::WA117,
                    At::Node(drift.node),
                    format!(
                        "{} of template {label} differs from what Meta approved: the repository has {}, Meta has {}",
                        drift.place, drift.repository, drift.approved
                    ),
                )
                .severity(Severity::Warning)
                .help(help),
            }),
        }
    }
}

/// WA118 template-quality-low: a reference to an approved template rated YELLOW or RED.
pub fn template_quality_low(workspace: &Workspace, config: &Config, out: &mut Vec<FileFinding>) {
    let Some(lock) = &config.lock else {
        return;
    };
    let date = lock_date(lock);
    for (file, reference) in references(workspace) {
        let (name, language) = (&reference.name.value, &reference.language.value);
        let Some(locked) = lock.find(name, language.as_str()) else {
            continue;
        };
        let quality = locked.quality.as_deref().unwrap_or("");
        let outlook = match quality {
            "RED" => "in danger of being paused or disabled soon",
            "YELLOW" => "it may be paused next",
            _ => continue,
        };
        if locked.status != "APPROVED" {
            continue; // WA101 reports it.
        }
        let mut finding = Finding::new(
            RuleId::WA118,
            At::Node(reference.name.node),
            format!(
                "template {} is rated {quality} by Meta (templates lock of {date}): {outlook}",
                label(name, language)
            ),
        )
        .help("find out why customers block or ignore it, improve the text or the audience, or move the flow to a better-rated template");
        if let Some((template_file, template)) = workspace.template_of(reference) {
            finding = finding.related(
                template_file,
                At::Key(template.node),
                format!("{} is defined here", label(name, language)),
            );
        }
        out.push(FileFinding { file, finding });
    }
}

/// WA119 templates-lock-stale: a lock older than `templates_lock_max_age`, or pulled for
/// another WhatsApp Business Account than `meta.waba_id`. Its age counts to the start of the
/// run's day (UTC), so a run is reproducible with `SOURCE_DATE_EPOCH`.
pub fn templates_lock_stale(lock: &LockDocument, ctx: &Context, out: &mut Vec<Finding>) {
    let config = ctx.config;
    if let (Some(ours), Some(theirs)) = (&config.meta.waba_id, &lock.waba_id) {
        if *ours != theirs.value {
            out.push(
                Finding::new(
                    RuleId::WA119,
                    At::Node(theirs.node),
                    format!(
                        "the templates lock is of WhatsApp Business Account {}, but walint.yaml's `meta.waba_id` is {ours}",
                        theirs.value
                    ),
                )
                .help("run `walint templates pull` to fetch this account's templates"),
            );
        }
    }
    let Some(fetched) = &lock.fetched_at else {
        return;
    };
    let Some(seconds) = parse_rfc3339(&fetched.value) else {
        return;
    };
    let age = config.today().unix_seconds() - seconds;
    let max = i64::try_from(config.templates_lock_max_age_seconds()).unwrap_or(i64::MAX);
    if age <= max {
        return;
    }
    let allowed = config.templates_lock_max_age.as_ref().map_or_else(
        || format!("{} days", crate::config::DEFAULT_LOCK_MAX_AGE_DAYS),
        |d| d.text.clone(),
    );
    out.push(
        Finding::new(
            RuleId::WA119,
            At::Node(fetched.node),
            format!(
                "the templates lock was pulled on {}, {} ago; its status of Meta's templates may be out of date (`templates_lock_max_age` is {allowed})",
                Date::from_unix_seconds(seconds),
                age_text(age)
            ),
        )
        .help("run `walint templates pull` and commit the lock; a scheduled `walint templates pull --check` says when it is out of date"),
    );
}

/// `36 hours`, `12 days`.
fn age_text(seconds: i64) -> String {
    let hours = seconds / 3600;
    if hours < 48 {
        format!("{hours} hours")
    } else {
        format!("{} days", hours / 24)
    }
}
