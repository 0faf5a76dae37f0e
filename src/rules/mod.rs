//! The rules: a registry pairing each catalogue entry with its checks.
//!
//! Adding a rule means one YAML file in `rules/`, one function in its group file and one
//! line in [`REGISTRY`]: `rule!(WA201, Flow, flows::menu_overloaded)` registers a check that
//! receives each conversation flow of a file, typed, with the file's [`Context`]. A rule that
//! reads several kinds of document has a line per kind. A test keeps the registry and the
//! catalogue in step.

/// A registry line: `rule!(CODE, Kind, check)` for a check of documents of one kind (`Template`,
/// `Flow`, `WhatsAppFlow`, `Webhook`, `Campaign`, `TemplatesLock`, `TemplateSend`), of a whole file (`File`) or of every file
/// (`Workspace`); `rule!(CODE, Loader)` for a rule the engine reports itself.
macro_rules! rule {
    ($code:ident, Loader) => {
        $crate::rules::Rule {
            id: $crate::catalogue::RuleId::$code,
            check: $crate::rules::Check::Loader,
        }
    };
    ($code:ident, $kind:ident, $check:path) => {
        $crate::rules::Rule {
            id: $crate::catalogue::RuleId::$code,
            check: $crate::rules::Check::$kind($check),
        }
    };
}

mod campaigns;
mod flows;
pub(crate) mod graph;
mod labels;
mod links;
mod on_premises;
pub mod secrets;
mod sends;
mod templates;
mod versions;
mod webhooks;
mod whatsapp_flows;
pub mod wording;

use crate::catalogue::RuleId;
use crate::config::Config;
use crate::diagnostic::{FileFinding, FileId, Finding};
use crate::model::{
    Campaign, ConversationFlow, Document, LockDocument, Template, TemplateSend, Webhook,
    WhatsAppFlow,
};
use crate::source::Tree;
use crate::workspace::{Export, Exporter, Exports, Workspace};

/// What a document check sees besides its document: the file it is in and the file's tree.
pub struct Context<'a> {
    pub file: FileId,
    pub tree: &'a Tree,
    pub config: &'a Config,
}

/// What a whole-file check sees: the file's tree, every value of it, not only its documents.
pub struct FileContext<'a> {
    pub file: FileId,
    pub tree: &'a Tree,
    pub config: &'a Config,
    pub documents: &'a [Document],
}

/// A check of one kind of document `D`.
pub type DocumentCheck<D> = fn(&D, &Context, &mut Vec<Finding>);
pub type FileCheck = fn(&FileContext, &mut Vec<Finding>);
pub type WorkspaceCheck = fn(&Workspace, &Config, &mut Vec<FileFinding>);

#[derive(Clone, Copy)]
pub enum Check {
    /// Reported by the engine itself (parse and schema errors while loading, invalid
    /// suppressions while filtering), not by a check of its own.
    Loader,
    /// Runs once on each recognised file's whole tree, files in parallel. File checks run even
    /// when their rule is not reported: a sensitive finding must mask its secret in every
    /// report, whichever rules are selected (the findings of a disabled rule are dropped later).
    File(FileCheck),
    /// Runs on each template, files in parallel.
    Template(DocumentCheck<Template>),
    /// Runs on each conversation flow.
    Flow(DocumentCheck<ConversationFlow>),
    /// Runs on each WhatsApp Flow: a Flow JSON file, or the `flow_json` of a template's FLOW
    /// button (a document of its own tree, which `Context::tree` is then; the engine maps the
    /// findings into the string).
    WhatsAppFlow(DocumentCheck<WhatsAppFlow>),
    /// Runs on each webhook configuration.
    Webhook(DocumentCheck<Webhook>),
    /// Runs on each campaign.
    Campaign(DocumentCheck<Campaign>),
    /// Runs on each templates lock among the run's files.
    TemplatesLock(DocumentCheck<LockDocument>),
    /// Runs on each Cloud API template send.
    TemplateSend(DocumentCheck<TemplateSend>),
    /// Runs once over every file, for references across files. It sees the files'
    /// [`Exports`] (see [`export`]), not their trees and documents, which are gone by then.
    Workspace(WorkspaceCheck),
}

/// A registry line: a rule and one of its checks.
#[derive(Clone, Copy)]
pub struct Rule {
    pub id: RuleId,
    pub check: Check,
}

pub static REGISTRY: &[Rule] = &[
    rule!(WA001, Loader),
    rule!(WA002, Loader),
    rule!(WA003, File, secrets::hardcoded_secret),
    rule!(WA004, File, versions::deprecated_api_version),
    rule!(WA005, Loader),
    rule!(WA101, Workspace, templates::template_not_approved),
    rule!(WA102, Template, templates::template_name_invalid),
    rule!(WA103, Template, templates::template_text_too_long),
    rule!(WA104, Template, templates::template_variable_sequence),
    rule!(
        WA105,
        Template,
        templates::template_variable_example_missing
    ),
    rule!(WA106, Template, templates::template_variable_placement),
    rule!(WA107, Template, templates::template_button_limits),
    rule!(WA108, Template, links::insecure_url_in_template),
    rule!(WA108, Flow, links::insecure_url_in_flow),
    rule!(
        WA108,
        WhatsAppFlow,
        whatsapp_flows::links::insecure_url_in_flow_json
    ),
    rule!(WA109, Template, templates::marketing_without_opt_out),
    rule!(WA110, Template, templates::template_category_mismatch),
    rule!(WA111, Template, templates::sensitive_data_request),
    rule!(WA111, Flow, templates::sensitive_data_request_in_flow),
    rule!(WA112, Template, templates::invalid_language_code),
    rule!(WA113, Workspace, templates::duplicate_template),
    rule!(WA114, Template, templates::authentication_template_content),
    rule!(WA115, Template, templates::brand_inconsistent),
    rule!(WA116, Template, templates::impersonal_marketing),
    rule!(WA117, Workspace, templates::template_drift),
    rule!(WA118, Workspace, templates::template_quality_low),
    rule!(WA119, TemplatesLock, templates::templates_lock_stale),
    rule!(WA120, Template, templates::template_ttl_out_of_range),
    rule!(WA121, Template, labels::button_label_whitespace_in_template),
    rule!(WA121, Flow, labels::button_label_whitespace_in_flow),
    rule!(WA122, Template, templates::restricted_goods_in_template),
    rule!(WA122, Flow, templates::restricted_goods_in_flow),
    rule!(WA123, Template, templates::template_structure_category),
    rule!(WA124, Template, templates::template_desktop_rendering),
    rule!(WA125, Workspace, sends::parameters_match_template),
    rule!(WA126, TemplateSend, sends::parameter_text_whitespace),
    rule!(WA201, Flow, flows::menu_overloaded),
    rule!(WA202, Flow, flows::option_title_too_long),
    rule!(WA203, Flow, flows::no_human_escalation),
    rule!(WA204, Flow, flows::escalation_unreachable),
    rule!(WA205, Flow, flows::missing_fallback),
    rule!(WA206, Flow, flows::undefined_node),
    rule!(WA207, Flow, flows::unreachable_node),
    rule!(WA208, Flow, flows::dead_end),
    rule!(WA209, Workspace, flows::missing_opt_in),
    rule!(WA210, Flow, flows::no_opt_out_keyword),
    rule!(WA211, Workspace, flows::unknown_template),
    rule!(WA212, Flow, flows::outside_service_window),
    rule!(WA213, Flow, flows::menu_too_deep),
    rule!(WA214, Flow, flows::message_too_long),
    rule!(WA215, Flow, flows::duplicate_option_title),
    rule!(
        WA301,
        WhatsAppFlow,
        whatsapp_flows::structure::flow_json_structure
    ),
    rule!(
        WA302,
        WhatsAppFlow,
        whatsapp_flows::terminal::terminal_screen_footer
    ),
    rule!(
        WA303,
        WhatsAppFlow,
        whatsapp_flows::limits::flow_json_component_limits
    ),
    rule!(
        WA304,
        WhatsAppFlow,
        whatsapp_flows::navigation::unknown_screen
    ),
    rule!(
        WA305,
        WhatsAppFlow,
        whatsapp_flows::navigation::unreachable_screen
    ),
    rule!(
        WA306,
        WhatsAppFlow,
        whatsapp_flows::consent::personal_data_without_consent
    ),
    rule!(WA401, Webhook, webhooks::webhook_not_https),
    rule!(WA402, Webhook, webhooks::webhook_signature_unverified),
    rule!(WA403, Webhook, webhooks::webhook_private_address),
    rule!(WA404, File, webhooks::webhook_missing_subscription),
    rule!(WA405, Webhook, webhooks::weak_verify_token),
    rule!(WA406, Webhook, webhooks::webhook_url_invalid),
    rule!(WA407, Webhook, webhooks::webhook_unknown_field),
    rule!(WA408, File, on_premises::on_premises_api_sunset),
    rule!(WA501, Campaign, campaigns::campaign_missing_opt_in),
    rule!(WA502, Workspace, campaigns::campaign_frequency),
    rule!(WA503, Campaign, campaigns::campaign_exceeds_tier),
    rule!(WA504, Workspace, campaigns::marketing_to_us_numbers),
];

/// The document checks of some rules, by the kind of document they read, in registry order.
#[derive(Default)]
pub struct DocumentChecks {
    template: Vec<(RuleId, DocumentCheck<Template>)>,
    flow: Vec<(RuleId, DocumentCheck<ConversationFlow>)>,
    whatsapp_flow: Vec<(RuleId, DocumentCheck<WhatsAppFlow>)>,
    webhook: Vec<(RuleId, DocumentCheck<Webhook>)>,
    campaign: Vec<(RuleId, DocumentCheck<Campaign>)>,
    templates_lock: Vec<(RuleId, DocumentCheck<LockDocument>)>,
    template_send: Vec<(RuleId, DocumentCheck<TemplateSend>)>,
}

impl DocumentChecks {
    pub fn of<'r>(rules: impl IntoIterator<Item = &'r Rule>) -> DocumentChecks {
        let mut checks = DocumentChecks::default();
        for rule in rules {
            let id = rule.id;
            match rule.check {
                Check::Template(check) => checks.template.push((id, check)),
                Check::Flow(check) => checks.flow.push((id, check)),
                Check::WhatsAppFlow(check) => checks.whatsapp_flow.push((id, check)),
                Check::Webhook(check) => checks.webhook.push((id, check)),
                Check::Campaign(check) => checks.campaign.push((id, check)),
                Check::TemplatesLock(check) => checks.templates_lock.push((id, check)),
                Check::TemplateSend(check) => checks.template_send.push((id, check)),
                Check::Loader | Check::File(_) | Check::Workspace(_) => {}
            }
        }
        checks
    }

    /// Runs the checks of the document's kind on it.
    pub fn run(&self, document: &Document, ctx: &Context, out: &mut Vec<Finding>) {
        match document {
            Document::Template(template) => each(&self.template, template, ctx, out),
            Document::Flow(flow) => {
                // A rule runs on the formats its document says it checks (`formats:`).
                let format = flow.dialect.index();
                let checks = self.flow.iter().filter(|(id, _)| id.checks_format(format));
                each(checks, flow, ctx, out)
            }
            Document::WhatsAppFlow(flow) => each(&self.whatsapp_flow, flow, ctx, out),
            Document::Webhook(webhook) => each(&self.webhook, webhook, ctx, out),
            Document::Campaign(campaign) => each(&self.campaign, campaign, ctx, out),
            Document::TemplatesLock(lock) => each(&self.templates_lock, lock, ctx, out),
            Document::TemplateSend(send) => each(&self.template_send, send, ctx, out),
        }
    }
}

fn each<'c, D: 'c>(
    checks: impl IntoIterator<Item = &'c (RuleId, DocumentCheck<D>)>,
    document: &D,
    ctx: &Context,
    out: &mut Vec<Finding>,
) {
    for &(id, check) in checks {
        let before = out.len();
        check(document, ctx, out);
        debug_assert_own(id, &out[before..]);
    }
}

/// A check reports its own rule only: another rule's findings would escape that rule's
/// selection, severity and suppressions.
pub fn debug_assert_own<'f>(id: RuleId, found: impl IntoIterator<Item = &'f Finding>) {
    if cfg!(debug_assertions) {
        if let Some(other) = found.into_iter().find(|f| f.rule != id) {
            panic!(
                "a check of {id:?} reported a finding of {:?}: {}",
                other.rule, other.message
            );
        }
    }
}

/// What the workspace rules read of a file's documents: the templates, flows and campaigns,
/// each cut down to the fields those rules use, with the location of every node kept.
pub fn export(tree: &Tree, documents: &[Document], config: &Config) -> Exports {
    let mut x = Exporter::new(tree);
    for document in documents {
        let export = match document {
            Document::Template(template) => {
                Export::Template(Box::new(templates::export(template, &mut x, config)))
            }
            Document::Flow(flow) => Export::Flow(flows::export(flow, &mut x)),
            Document::Campaign(campaign) => {
                Export::Campaign(Box::new(campaigns::export(campaign, &mut x)))
            }
            Document::TemplateSend(send) => Export::Send(Box::new(sends::export(send, &mut x))),
            Document::WhatsAppFlow(_) | Document::Webhook(_) | Document::TemplatesLock(_) => {
                continue
            }
        };
        x.push(export);
    }
    x.finish()
}

/// A placeholder for a value filled in at deploy time (`${URL}`, `<YOUR_URL>`, `{{url}}`).
pub(crate) fn is_placeholder(value: &str) -> bool {
    let value = value.trim();
    value.is_empty()
        || (value.contains('{') && (value.contains("${") || value.contains("{{")))
        || (value.starts_with('<') && value.ends_with('>'))
}

/// A value written as a placeholder for the reader to fill in (`<TEMPLATE_NAME>`,
/// `{{flow-name}}` in Meta's own samples): [`is_placeholder`], but not empty, since an empty
/// value is a mistake of its own.
pub(crate) fn is_written_placeholder(value: &str) -> bool {
    !value.trim().is_empty() && is_placeholder(value)
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

/// Runs the document checks of some registry lines on a text as the engine would, for the
/// rules' unit tests: the schema problems of the text, and the findings of `rules` on each of
/// its documents. Documents written inside its strings (a template's `flow_json`) are left
/// out: mapping their findings into the string is the engine's, tested there.
#[cfg(test)]
pub(crate) fn check_text(
    text: &str,
    format: crate::source::Format,
    rules: &[Rule],
) -> (Vec<Finding>, Vec<Finding>) {
    let Ok(tree) = crate::source::parse(text, format) else {
        panic!("test input does not parse: {text}");
    };
    let contents = crate::model::read(&tree);
    let config = Config::default();
    let checks = DocumentChecks::of(rules);
    let mut out = Vec::new();
    let ctx = Context {
        file: FileId::input(0),
        tree: &tree,
        config: &config,
    };
    for document in &contents.documents {
        checks.run(document, &ctx, &mut out);
    }
    (contents.problems, out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::At;
    use crate::model::template::{Category, Status};
    use crate::model::LanguageCode;
    use crate::source::{parse, Format};

    /// A WA201 check that reports WA202: a copy-paste slip the engine must catch.
    fn reports_another_rule(flow: &ConversationFlow, _ctx: &Context, out: &mut Vec<Finding>) {
        out.push(Finding::new(RuleId::WA202, At::Key(flow.node), "slip"));
    }

    #[test]
    #[should_panic(expected = "a check of WA201 reported a finding of WA202")]
    #[cfg(debug_assertions)]
    fn a_check_that_reports_another_rule_is_caught() {
        let rule = rule!(WA201, Flow, reports_another_rule);
        check_text(
            "flow: f\nentry: a\nnodes: {a: {type: end}}\n",
            Format::Yaml,
            &[rule],
        );
    }

    #[test]
    fn checks_receive_the_documents_of_their_kind_only() {
        let flow = "flow: f\nentry: a\nnodes: {a: {type: menu, text: hi, options: [{title: a, next: a}, {title: b, next: a}, {title: c, next: a}, {title: d, next: a}]}}\n";
        let template =
            r#"{"name": "x", "language": "en", "components": [{"type": "BODY", "text": "hi"}]}"#;
        let every_flow_rule: Vec<Rule> = REGISTRY
            .iter()
            .filter(|r| matches!(r.check, Check::Flow(_)))
            .copied()
            .collect();
        let (_, on_flow) = check_text(flow, Format::Yaml, &every_flow_rule);
        assert!(on_flow.iter().any(|f| f.rule == RuleId::WA201));
        let (_, on_template) = check_text(template, Format::Json, &every_flow_rule);
        assert!(on_template.is_empty(), "{on_template:?}");
    }

    #[test]
    fn a_flow_rule_runs_only_on_the_formats_its_document_checks() {
        // No STOP keyword: WA210 fires on walint's format, which it checks, and on no other.
        let flow = "flow: f\nentry: a\nnodes: {a: {type: end}}\n";
        let tree = parse(flow, Format::Yaml).unwrap();
        let contents = crate::model::read(&tree);
        let [Document::Flow(read)] = contents.documents.as_slice() else {
            panic!("{:?}", contents.documents);
        };
        let checks = DocumentChecks::of(&[rule!(WA210, Flow, flows::no_opt_out_keyword)]);
        let config = Config::default();
        let ctx = Context {
            file: FileId::input(0),
            tree: &tree,
            config: &config,
        };
        for dialect in crate::model::flow::Dialect::ALL {
            let mut flow = read.clone();
            flow.dialect = dialect;
            let mut out = Vec::new();
            checks.run(&Document::Flow(flow), &ctx, &mut out);
            assert_eq!(
                out.len(),
                usize::from(dialect.key() == "walint"),
                "{dialect:?}"
            );
            assert_eq!(RuleId::WA210.checks_format(dialect.index()), out.len() == 1);
        }
    }

    const FLOW: &str = "flow: bot\nentry: hi\nnodes:\n  hi:\n    type: template\n    template: {name: promo, language: en_US}\n    next: bye\n  bye: {type: end}\n";
    const TEMPLATE: &str = r#"{"name": "promo", "language": "en-us", "category": "MARKETING", "status": "PAUSED", "components": []}"#;

    fn exports(text: &str, format: Format) -> (Tree, Exports) {
        let tree = parse(text, format).unwrap();
        let contents = crate::model::read(&tree);
        let exports = export(&tree, &contents.documents, &Config::default());
        (tree, exports)
    }

    #[test]
    fn every_node_an_export_holds_is_located_as_the_tree_locates_it() {
        let (tree, exports) = exports(FLOW, Format::Yaml);
        let [Export::Flow(flow)] = exports.documents.as_slice() else {
            panic!("{:?}", exports.documents);
        };
        let [reference] = flow.references.as_slice() else {
            panic!("{:?}", flow.references);
        };
        let way = reference.without_opt_in.as_deref().unwrap();
        assert_eq!((&*way.node_id, &*way.path), ("hi", "hi"));
        let nodes = [
            reference.template.node,
            reference.template.name.node,
            reference.template.language.node,
        ];
        for node in nodes {
            let location = exports.locations.get(node).unwrap();
            assert_eq!(location.span, tree.span(node));
            assert_eq!(location.key_span, tree.key_span(node));
            assert_eq!(location.pointer, tree.pointer(node));
        }
        let name = exports.locations.get(reference.template.name.node).unwrap();
        assert_eq!(name.pointer, "/nodes/hi/template/name");
        assert_eq!(&FLOW[name.span.start..name.span.end], "promo");
        // A node no export holds has no location.
        assert!(exports.locations.get(tree.documents[0]).is_none());
    }

    #[test]
    fn only_templates_flows_and_campaigns_are_exported() {
        let (_, webhook) = exports("webhooks:\n  - name: a\n", Format::Yaml);
        assert!(webhook.documents.is_empty());
        let (_, template) = exports(TEMPLATE, Format::Json);
        let [Export::Template(t)] = template.documents.as_slice() else {
            panic!("{:?}", template.documents);
        };
        assert!(!t.is_approved());
        assert_eq!(
            t.category.as_ref().map(|c| c.value),
            Some(Category::Marketing)
        );
    }

    #[test]
    fn templates_are_found_by_name_and_language_across_files() {
        let (_, flow) = exports(FLOW, Format::Yaml);
        let (_, template) = exports(TEMPLATE, Format::Json);
        // Ids need not be consecutive (skipped files keep theirs) nor come in order.
        let (bot, promo) = (FileId::input(3), FileId::input(1));
        let workspace =
            Workspace::new([(bot, "bot.yaml", &flow), (promo, "promo.json", &template)]);
        // Language codes compare case-insensitively, `-` as `_`.
        let (file, found) = workspace
            .template("promo", &LanguageCode::new("en_US"))
            .unwrap();
        assert_eq!(file, promo);
        assert_eq!(workspace.path(file), "promo.json");
        assert_eq!(found.status.as_ref().map(|s| s.value), Some(Status::Paused));
        assert!(workspace
            .template("promo", &LanguageCode::new("de"))
            .is_none());
        let files: Vec<FileId> = workspace.documents().map(|(file, _)| file).collect();
        assert_eq!(files, [promo, bot], "documents come in file order");
    }
}
