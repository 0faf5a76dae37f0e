//! The rules: a registry pairing each catalogue entry with its check.
//!
//! Adding a rule means one YAML file in `rules/`, one function in its group file and one
//! line in [`REGISTRY`]; a test keeps the registry and the catalogue in step.

mod campaigns;
pub mod catalogue;
mod data;
mod flows;
mod graph;
mod links;
pub mod secrets;
mod templates;
mod versions;
mod webhooks;
mod whatsapp_flows;
mod wording;

use crate::config::Config;
use crate::diagnostic::{FileFinding, Finding};
use crate::model::Document;
use crate::source::Tree;
use crate::workspace::{Export, Exporter, Exports, Workspace};

/// What a per-document check sees.
pub struct DocumentContext<'a> {
    pub file: usize,
    pub tree: &'a Tree,
    pub config: &'a Config,
    pub document: &'a Document,
}

/// What a whole-file check sees: the file's tree, every value of it, not only its documents.
pub struct FileContext<'a> {
    pub file: usize,
    pub tree: &'a Tree,
    pub config: &'a Config,
    pub documents: &'a [Document],
}

pub type DocumentCheck = fn(&DocumentContext, &mut Vec<Finding>);
pub type FileCheck = fn(&FileContext, &mut Vec<Finding>);
pub type WorkspaceCheck = fn(&Workspace, &Config, &mut Vec<FileFinding>);

pub enum Check {
    /// Reported by the engine itself (parse and schema errors while loading, invalid
    /// suppressions while filtering), not by a check of its own.
    Loader,
    /// Runs on each document, files in parallel.
    Document(DocumentCheck),
    /// Runs once on each recognised file's whole tree, files in parallel. File checks run even
    /// when their rule is not reported: a sensitive finding must mask its secret in every
    /// report, whichever rules are selected (the findings of a disabled rule are dropped later).
    File(FileCheck),
    /// Runs once over every file, for references across files. It sees the files'
    /// [`Exports`] (see [`export`]), not their trees and documents, which are gone by then.
    Workspace(WorkspaceCheck),
}

pub struct Rule {
    pub code: &'static str,
    pub check: Check,
}

pub static REGISTRY: &[Rule] = &[
    Rule {
        code: "WA001",
        check: Check::Loader,
    },
    Rule {
        code: "WA002",
        check: Check::Loader,
    },
    Rule {
        code: "WA003",
        check: Check::File(secrets::hardcoded_secret),
    },
    Rule {
        code: "WA004",
        check: Check::File(versions::deprecated_api_version),
    },
    Rule {
        code: "WA005",
        check: Check::Loader,
    },
    Rule {
        code: "WA101",
        check: Check::Workspace(templates::template_not_approved),
    },
    Rule {
        code: "WA102",
        check: Check::Document(templates::template_name_invalid),
    },
    Rule {
        code: "WA103",
        check: Check::Document(templates::template_text_too_long),
    },
    Rule {
        code: "WA104",
        check: Check::Document(templates::template_variable_sequence),
    },
    Rule {
        code: "WA105",
        check: Check::Document(templates::template_variable_example_missing),
    },
    Rule {
        code: "WA106",
        check: Check::Document(templates::template_variable_placement),
    },
    Rule {
        code: "WA107",
        check: Check::Document(templates::template_button_limits),
    },
    Rule {
        code: "WA108",
        check: Check::Document(links::insecure_url),
    },
    Rule {
        code: "WA108",
        check: Check::Document(whatsapp_flows::insecure_url_in_flow_json),
    },
    Rule {
        code: "WA109",
        check: Check::Document(templates::marketing_without_opt_out),
    },
    Rule {
        code: "WA110",
        check: Check::Document(templates::template_category_mismatch),
    },
    Rule {
        code: "WA111",
        check: Check::Document(templates::sensitive_data_request),
    },
    Rule {
        code: "WA112",
        check: Check::Document(templates::invalid_language_code),
    },
    Rule {
        code: "WA113",
        check: Check::Workspace(templates::duplicate_template),
    },
    Rule {
        code: "WA114",
        check: Check::Document(templates::authentication_template_content),
    },
    Rule {
        code: "WA115",
        check: Check::Document(templates::brand_inconsistent),
    },
    Rule {
        code: "WA116",
        check: Check::Document(templates::impersonal_marketing),
    },
    Rule {
        code: "WA201",
        check: Check::Document(flows::menu_overloaded),
    },
    Rule {
        code: "WA202",
        check: Check::Document(flows::option_title_too_long),
    },
    Rule {
        code: "WA203",
        check: Check::Document(flows::no_human_escalation),
    },
    Rule {
        code: "WA204",
        check: Check::Document(flows::escalation_unreachable),
    },
    Rule {
        code: "WA205",
        check: Check::Document(flows::missing_fallback),
    },
    Rule {
        code: "WA206",
        check: Check::Document(flows::undefined_node),
    },
    Rule {
        code: "WA207",
        check: Check::Document(flows::unreachable_node),
    },
    Rule {
        code: "WA208",
        check: Check::Document(flows::dead_end),
    },
    Rule {
        code: "WA209",
        check: Check::Workspace(flows::missing_opt_in),
    },
    Rule {
        code: "WA210",
        check: Check::Document(flows::no_opt_out_keyword),
    },
    Rule {
        code: "WA211",
        check: Check::Workspace(flows::unknown_template),
    },
    Rule {
        code: "WA212",
        check: Check::Document(flows::outside_service_window),
    },
    Rule {
        code: "WA213",
        check: Check::Document(flows::menu_too_deep),
    },
    Rule {
        code: "WA214",
        check: Check::Document(flows::message_too_long),
    },
    Rule {
        code: "WA301",
        check: Check::Document(whatsapp_flows::flow_json_structure),
    },
    Rule {
        code: "WA302",
        check: Check::Document(whatsapp_flows::terminal_screen_footer),
    },
    Rule {
        code: "WA303",
        check: Check::Document(whatsapp_flows::component_limits),
    },
    Rule {
        code: "WA304",
        check: Check::Document(whatsapp_flows::unknown_screen),
    },
    Rule {
        code: "WA305",
        check: Check::Document(whatsapp_flows::unreachable_screen),
    },
    Rule {
        code: "WA306",
        check: Check::Document(whatsapp_flows::personal_data_without_consent),
    },
    Rule {
        code: "WA401",
        check: Check::Document(webhooks::webhook_not_https),
    },
    Rule {
        code: "WA402",
        check: Check::Document(webhooks::webhook_signature_unverified),
    },
    Rule {
        code: "WA403",
        check: Check::Document(webhooks::webhook_private_address),
    },
    Rule {
        code: "WA404",
        check: Check::Document(webhooks::webhook_missing_subscription),
    },
    Rule {
        code: "WA405",
        check: Check::Document(webhooks::weak_verify_token),
    },
    Rule {
        code: "WA406",
        check: Check::Document(webhooks::webhook_url_invalid),
    },
    Rule {
        code: "WA501",
        check: Check::Document(campaigns::campaign_missing_opt_in),
    },
    Rule {
        code: "WA502",
        check: Check::Workspace(campaigns::campaign_frequency),
    },
    Rule {
        code: "WA503",
        check: Check::Document(campaigns::campaign_exceeds_tier),
    },
    Rule {
        code: "WA504",
        check: Check::Workspace(campaigns::marketing_to_us_numbers),
    },
];

/// What the workspace rules read of a file's documents: the templates, flows and campaigns,
/// each cut down to the fields those rules use, with the location of every node kept.
pub fn export(tree: &Tree, documents: &[Document]) -> Exports {
    let mut x = Exporter::new(tree);
    for document in documents {
        let export = match document {
            Document::Template(template) => Export::Template(templates::export(template, &mut x)),
            Document::Flow(flow) => Export::Flow(flows::export(flow, &mut x)),
            Document::Campaign(campaign) => Export::Campaign(campaigns::export(campaign, &mut x)),
            Document::WhatsAppFlow(_) | Document::Webhook(_) => continue,
        };
        x.push(export);
    }
    x.finish()
}

/// A placeholder for a value filled in at deploy time (`${URL}`, `<YOUR_URL>`, `{{url}}`).
pub(crate) fn is_placeholder(value: &str) -> bool {
    let value = value.trim();
    value.is_empty()
        || value.contains("${")
        || value.contains("{{")
        || (value.starts_with('<') && value.ends_with('>'))
}

/// `4203` → `4,203`: counts a reader compares with a limit.
pub(crate) fn thousands(n: impl std::fmt::Display) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && c.is_ascii_digit() && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Runs document checks on a text as the engine would, for the rules' unit tests: the
/// schema problems of the text, and the findings of `checks` on each of its documents.
#[cfg(test)]
pub(crate) fn check_text(
    text: &str,
    format: crate::source::Format,
    checks: &[DocumentCheck],
) -> (Vec<Finding>, Vec<Finding>) {
    let Ok(tree) = crate::source::parse(text, format) else {
        panic!("test input does not parse: {text}");
    };
    let contents = crate::model::read(&tree);
    let config = Config::default();
    let mut out = Vec::new();
    for document in &contents.documents {
        let ctx = DocumentContext {
            file: 0,
            tree: &tree,
            config: &config,
            document,
        };
        for check in checks {
            check(&ctx, &mut out);
        }
    }
    (contents.problems, out)
}
