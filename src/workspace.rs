//! Every file of a run, and what cross-file rules read of them.
//!
//! Each file is parsed, checked and resolved on its own, then its tree and documents are
//! dropped: a run of 10,000 files never holds more than a few trees at once. What the
//! cross-file (workspace) rules need outlives them as an [`Exports`] per file: small copies of
//! the fields those rules read, and the location of every node the copies hold, so their
//! findings still resolve to a line, a column and a JSON pointer.

use std::collections::HashMap;

use crate::diagnostic::FileId;
use crate::model::campaign::FrequencyCap;
use crate::model::flow::TemplateRef;
use crate::model::send::SendComponent;
use crate::model::template::{ButtonType, Category, HeaderFormat, Status};
use crate::model::{AtNode, Kind, LanguageCode, Site};
use crate::redact::Redaction;
use crate::source::{LineIndex, NodeId, Span, Tree};

/// One file of the run, as reports see it.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The file's id in the run, which diagnostics name it by.
    pub id: FileId,
    /// Relative to the working directory, with `/` separators.
    pub path: String,
    /// Relative to the config's folder, for per-file settings.
    pub config_path: String,
    /// The text, while something may still point into it: once the run is resolved, only
    /// files a diagnostic or a related location points into keep it (empty otherwise), and
    /// none when the engine lets texts go (`engine::Options::keep_texts`): a cross-file
    /// finding then reads the file again.
    pub text: String,
    /// Line starts of `text` (empty with it).
    pub lines: LineIndex,
    /// The kind of each document read from the file, in order.
    pub kinds: Vec<Kind>,
    /// SHA-256 of the file's bytes as read (hex), for the audit report's inventory.
    pub sha256: String,
    /// Byte ranges that held secrets, masked in `text` (see [`crate::redact`]) once the file
    /// is checked: whether or not a rule reports them, no report shows them.
    pub secrets: Vec<Span>,
    /// The secrets' values, which every message, help and pointer about the file is
    /// scrubbed of.
    pub redaction: Redaction,
    /// What walint saw in the file and cannot check, as `LINE:COLUMN: note`, for
    /// `--verbose`.
    pub notes: Vec<String>,
}

impl SourceFile {
    pub fn empty(id: FileId, path: String, config_path: String) -> Self {
        SourceFile {
            id,
            path,
            config_path,
            text: String::new(),
            lines: LineIndex::new(""),
            kinds: Vec::new(),
            sha256: String::new(),
            secrets: Vec::new(),
            redaction: Redaction::default(),
            notes: Vec::new(),
        }
    }

    /// Gives back the text and its line index once nothing points into the file.
    pub fn drop_text(&mut self) {
        self.text = String::new();
        self.lines = LineIndex::new("");
    }
}

/// A file by id among `files` (in id order) and the config files (each by its own id, see
/// [`FileId::config`]).
pub fn file_by_id<'a>(
    files: &'a [SourceFile],
    config_files: &'a [SourceFile],
    id: FileId,
) -> Option<&'a SourceFile> {
    if id.is_config() {
        return config_files.iter().find(|f| f.id == id);
    }
    let at = files.binary_search_by_key(&id, |f| f.id).ok()?;
    files.get(at)
}

/// Where a node is written, kept for when its tree is gone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub span: Span,
    /// The key the node sits under, if its parent is a mapping.
    pub key_span: Option<Span>,
    pub pointer: String,
}

/// A byte offset as [`Locations`] keep it: files are at most
/// [`crate::source::MAX_FILE_BYTES`], so 32 bits hold every offset of one.
fn offset(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(u32::MAX)
}

fn span_of([start, end]: [u32; 2]) -> Span {
    Span::new(start as usize, end as usize)
}

/// [`Located::key`]'s start for a node without a key; no offset of a file reaches it.
const NO_KEY: u32 = u32::MAX;

/// The step before the first of a pointer: the root's, whose pointer is empty.
const ROOT: u32 = u32::MAX;

/// [`Exporter`]'s mark of a tree node whose segment is not written yet.
const NO_STEP: u32 = u32::MAX;

/// A node's location as kept: 24 bytes, its pointer a chain of [`Step`]s shared with the
/// other nodes of the file (siblings share their parent's).
#[derive(Clone, Copy, Debug)]
struct Located {
    node: u32,
    span: [u32; 2],
    /// `[NO_KEY, NO_KEY]` when the node sits under no key.
    key: [u32; 2],
    /// The last step of its pointer ([`ROOT`] for a root).
    step: u32,
}

/// One segment of the file's pointers: the step before it ([`ROOT`] for a child of a root,
/// else always an earlier step) and where its text (`/options`, `/3`) ends in
/// [`Locations::segments`], starting where the previous step's ends.
#[derive(Clone, Copy, Debug)]
struct Step {
    parent: u32,
    end: u32,
}

/// The locations of the nodes a file's exports hold, by node. A run keeps one per file to
/// the end, so they are kept small: offsets in 32 bits, and each pointer segment written
/// once for all the nodes under it.
#[derive(Clone, Debug, Default)]
pub struct Locations {
    /// Sorted by node, each node once.
    nodes: Box<[Located]>,
    steps: Box<[Step]>,
    /// The steps' texts, one after the other.
    segments: Box<str>,
}

impl Locations {
    pub fn get(&self, node: NodeId) -> Option<Location> {
        let node = u32::try_from(node).ok()?;
        let at = self.nodes.binary_search_by_key(&node, |l| l.node).ok()?;
        let located = self.nodes.get(at)?;
        Some(Location {
            span: span_of(located.span),
            key_span: (located.key[0] != NO_KEY).then(|| span_of(located.key)),
            pointer: self.pointer(located.step),
        })
    }

    /// The pointer that ends with step `last`: its steps' texts from the root down.
    fn pointer(&self, last: u32) -> String {
        let mut path = Vec::new();
        let mut next = Some(last);
        while let Some(step) = next {
            let Some(kept) = self.steps.get(step as usize) else {
                break;
            };
            path.push(step as usize);
            next = (kept.parent < step).then_some(kept.parent);
        }
        let mut pointer = String::new();
        for &step in path.iter().rev() {
            let start = step
                .checked_sub(1)
                .and_then(|before| self.steps.get(before))
                .map_or(0, |before| before.end as usize);
            let end = self.steps.get(step).map_or(start, |s| s.end as usize);
            pointer.push_str(self.segments.get(start..end).unwrap_or(""));
        }
        pointer
    }
}

/// A template as cross-file rules see it: what names it, and whether and what it may send.
#[derive(Clone, Debug)]
pub struct ExportedTemplate {
    pub node: NodeId,
    pub name: Option<AtNode<String>>,
    pub language: Option<AtNode<LanguageCode>>,
    pub category: Option<AtNode<Category>>,
    pub status: Option<AtNode<Status>>,
    /// Where the components first differ from what Meta approved, when the run has a
    /// templates lock that holds the template (WA117).
    pub drift: Option<Box<ExportedDrift>>,
    /// What a send of the template fills (WA125).
    pub parameters: ExpectedParameters,
}

/// What a send must fill of a template: its header, the variables of its body and its
/// buttons, each with the node it is defined at (located).
#[derive(Clone, Debug, Default)]
pub struct ExpectedParameters {
    /// `parameter_format: named`: each parameter names the variable it fills.
    pub named: bool,
    pub header: Option<ExpectedHeader>,
    /// The BODY's node and its variables, each once, in order (`1`, `2` or `first_name`).
    pub body: Option<(NodeId, Vec<String>)>,
    /// The BUTTONS component's buttons, in order: a send fills them by index.
    pub buttons: Vec<ExpectedButton>,
    /// A carousel's cards carry parameters of their own, which WA125 does not compare.
    pub carousel: bool,
}

#[derive(Clone, Debug)]
pub struct ExpectedHeader {
    pub node: NodeId,
    /// `None` when the header has no (known) `format`.
    pub format: Option<HeaderFormat>,
    /// A TEXT header's variables.
    pub variables: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct ExpectedButton {
    pub node: NodeId,
    pub kind: Option<ButtonType>,
    /// The variables of a URL button's `url`.
    pub variables: usize,
}

/// A template's first difference from Meta's approved components.
#[derive(Clone, Debug)]
pub struct ExportedDrift {
    /// The repository's node that differs (located).
    pub node: NodeId,
    pub place: String,
    pub repository: String,
    pub approved: String,
}

impl ExportedTemplate {
    pub fn is_approved(&self) -> bool {
        matches!(&self.status, Some(s) if s.value == Status::Approved)
    }
}

/// A template reference of a conversation flow's node.
#[derive(Clone, Debug)]
pub struct FlowReference {
    pub template: TemplateRef,
    /// For a `template` node: the way WA209 shows to it; `None` when every way passes an
    /// `opt_in` node, or the node is of another type.
    pub without_opt_in: Option<Box<WithoutOptIn>>,
}

/// The shortest way from a flow's entry to a node that passes no `opt_in` node. Boxed in the
/// exports and only there when there is one: most references never need it.
#[derive(Clone, Debug)]
pub struct WithoutOptIn {
    /// The id of the node the way leads to.
    pub node_id: Box<str>,
    /// As WA209 shows it (`welcome → promo`).
    pub path: Box<str>,
}

/// A template a conversation flow's node sends by name only (RapidPro names no language).
#[derive(Clone, Debug)]
pub struct NamedReference {
    pub name: AtNode<String>,
    /// As [`FlowReference::without_opt_in`].
    pub without_opt_in: Option<Box<WithoutOptIn>>,
}

/// A conversation flow as cross-file rules see it: the templates it sends.
#[derive(Clone, Debug, Default)]
pub struct ExportedFlow {
    /// Every node's template reference, in the order the nodes are written.
    pub references: Vec<FlowReference>,
    /// The templates its nodes send by name only, in the order the nodes are written.
    pub named: Vec<NamedReference>,
}

/// A campaign as cross-file rules see it.
#[derive(Clone, Debug)]
pub struct ExportedCampaign {
    pub node: NodeId,
    pub name: Option<AtNode<String>>,
    pub template: Option<TemplateRef>,
    pub frequency_cap: Option<FrequencyCap>,
    /// `audience.countries`.
    pub countries: Option<Vec<AtNode<String>>>,
}

impl ExportedCampaign {
    pub fn name_str(&self) -> &str {
        self.name.as_ref().map_or("", |n| n.value.as_str())
    }
}

/// A Cloud API template send as cross-file rules see it: the template it names and the
/// parameters of its components.
#[derive(Clone, Debug)]
pub struct ExportedSend {
    pub node: NodeId,
    /// `template.name` and `template.language.code`, when both are there.
    pub template: Option<TemplateRef>,
    pub components: Vec<SendComponent>,
}

/// One document of a file, as cross-file rules see it. A run keeps every file's to the end:
/// the large kinds are boxed, so a flow's export (two vectors) is not the size of a
/// template's (448 bytes).
#[derive(Clone, Debug)]
pub enum Export {
    Template(Box<ExportedTemplate>),
    Flow(ExportedFlow),
    Campaign(Box<ExportedCampaign>),
    Send(Box<ExportedSend>),
}

impl Export {
    /// The template references of a flow (its nodes', in order) or a campaign; none for a
    /// template.
    pub fn template_references(&self) -> impl Iterator<Item = &TemplateRef> {
        let (flow, campaign): (&[FlowReference], _) = match self {
            Export::Flow(flow) => (&flow.references, None),
            Export::Campaign(campaign) => (&[], campaign.template.as_ref()),
            // A send names a template too, but one that may well live only at Meta: the
            // reference rules (WA101, WA211, ...) are about flows and campaigns.
            Export::Template(_) | Export::Send(_) => (&[], None),
        };
        flow.iter().map(|r| &r.template).chain(campaign)
    }
}

/// What cross-file rules read of one file: its documents' exports, in document order, and
/// where each node they hold is written.
#[derive(Clone, Debug, Default)]
pub struct Exports {
    pub documents: Vec<Export>,
    pub locations: Locations,
}

/// Builds a file's [`Exports`]: every node that goes into an export passes through
/// [`Exporter::node`], which records its location while the tree is at hand.
pub struct Exporter<'t> {
    tree: &'t Tree,
    documents: Vec<Export>,
    nodes: Vec<Located>,
    steps: Vec<Step>,
    segments: String,
    /// By tree node, the step of its segment once written ([`NO_STEP`] before), so the
    /// nodes under it share it; sized to the tree at the first node recorded.
    step_of: Vec<u32>,
}

impl<'t> Exporter<'t> {
    pub fn new(tree: &'t Tree) -> Self {
        Exporter {
            tree,
            documents: Vec::new(),
            nodes: Vec::new(),
            steps: Vec::new(),
            segments: String::new(),
            step_of: Vec::new(),
        }
    }

    /// The file's tree, for exports computed from more than read values (template drift).
    pub fn tree(&self) -> &'t Tree {
        self.tree
    }

    /// The node, its location recorded.
    pub fn node(&mut self, node: NodeId) -> NodeId {
        // A tree of a file of at most MAX_FILE_BYTES has far fewer nodes than 2^32.
        if let Ok(id) = u32::try_from(node) {
            let span = self.tree.span(node);
            let key = self
                .tree
                .key_span(node)
                .map_or([NO_KEY, NO_KEY], |k| [offset(k.start), offset(k.end)]);
            let step = self.step(node);
            self.nodes.push(Located {
                node: id,
                span: [offset(span.start), offset(span.end)],
                key,
                step,
            });
        }
        node
    }

    /// The last step of a node's pointer, written with those of its ancestors that are not
    /// yet: the node and its ancestors up to the first with a step (or the root), then their
    /// segments from the top down.
    fn step(&mut self, node: NodeId) -> u32 {
        if self.step_of.is_empty() {
            self.step_of = vec![NO_STEP; self.tree.node_count()];
        }
        let mut missing = Vec::new();
        let mut current = node;
        let mut before = ROOT;
        while let Some(parent) = self.tree.parent(current) {
            if let Some(&step) = self.step_of.get(current).filter(|&&s| s != NO_STEP) {
                before = step;
                break;
            }
            missing.push(current);
            current = parent;
        }
        for &id in missing.iter().rev() {
            self.tree.push_segment(id, &mut self.segments);
            let step = offset(self.steps.len());
            self.steps.push(Step {
                parent: before,
                end: offset(self.segments.len()),
            });
            if let Some(slot) = self.step_of.get_mut(id) {
                *slot = step;
            }
            before = step;
        }
        before
    }

    /// A copy of a read value, its node's location recorded.
    pub fn value<T: Clone>(&mut self, value: &AtNode<T>) -> AtNode<T> {
        let node = self.node(value.node);
        AtNode::at_site(
            value.value.clone(),
            Site {
                node,
                inside: value.inside,
            },
        )
    }

    pub fn optional<T: Clone>(&mut self, value: &Option<AtNode<T>>) -> Option<AtNode<T>> {
        value.as_ref().map(|v| self.value(v))
    }

    pub fn template_ref(&mut self, reference: &TemplateRef) -> TemplateRef {
        TemplateRef {
            node: self.node(reference.node),
            name: self.value(&reference.name),
            language: self.value(&reference.language),
        }
    }

    pub fn push(&mut self, export: Export) {
        self.documents.push(export);
    }

    pub fn finish(mut self) -> Exports {
        self.nodes.sort_by_key(|l| l.node);
        self.nodes.dedup_by_key(|l| l.node);
        self.documents.shrink_to_fit();
        Exports {
            documents: self.documents,
            locations: Locations {
                nodes: self.nodes.into_boxed_slice(),
                steps: self.steps.into_boxed_slice(),
                segments: self.segments.into_boxed_str(),
            },
        }
    }
}

/// Where a template is defined: the file's position in the workspace, and the document's in
/// the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct TemplateLocation {
    file: usize,
    document: usize,
}

/// One file as cross-file rules see it.
struct WorkspaceFile<'a> {
    id: FileId,
    path: &'a str,
    exports: &'a Exports,
}

/// What cross-file rules read: every checked file's exports, in file id order, and the
/// templates by name and language. It borrows the exports, so a caller that keeps them (a
/// language server) can check across files again after re-checking one.
pub struct Workspace<'a> {
    files: Vec<WorkspaceFile<'a>>,
    /// Templates by name, each name's definitions in file and document order with their
    /// language. Keys borrow the exports and languages compare in place, so a lookup (run
    /// for every reference of every flow and campaign, again after each edit in a language
    /// server) allocates nothing.
    templates: HashMap<&'a str, Vec<(&'a LanguageCode, TemplateLocation)>>,
    /// The definition each template reference of the run names, found once when the
    /// workspace is built, since several rules ask for every reference: by the reference's
    /// address in the exports the workspace borrows, sorted.
    resolved: Vec<(usize, Option<TemplateLocation>)>,
}

/// A reference's key in [`Workspace::resolved`].
fn address(reference: &TemplateRef) -> usize {
    std::ptr::from_ref(reference) as usize
}

impl<'a> Workspace<'a> {
    /// The workspace of some files: each its id, path (as reports show it) and exports.
    pub fn new(files: impl IntoIterator<Item = (FileId, &'a str, &'a Exports)>) -> Self {
        let mut files: Vec<WorkspaceFile<'a>> = files
            .into_iter()
            .map(|(id, path, exports)| WorkspaceFile { id, path, exports })
            .collect();
        files.sort_by_key(|f| f.id);
        let mut templates: HashMap<&'a str, Vec<_>> = HashMap::new();
        for (file, exported) in files.iter().enumerate() {
            let exports: &'a Exports = exported.exports;
            for (document, export) in exports.documents.iter().enumerate() {
                if let Export::Template(t) = export {
                    if let (Some(name), Some(language)) = (&t.name, &t.language) {
                        templates
                            .entry(name.value.as_str())
                            .or_default()
                            .push((&language.value, TemplateLocation { file, document }));
                    }
                }
            }
        }
        let mut workspace = Workspace {
            files,
            templates,
            resolved: Vec::new(),
        };
        let mut resolved: Vec<_> = workspace
            .documents()
            .flat_map(|(_, document)| document.template_references())
            .map(|reference| {
                let (name, language) = (&reference.name.value, &reference.language.value);
                (address(reference), workspace.find(name, language))
            })
            .collect();
        resolved.sort_unstable_by_key(|(address, _)| *address);
        workspace.resolved = resolved;
        workspace
    }

    /// Every exported document of the run with the id of its file, in file order.
    pub fn documents(&self) -> impl Iterator<Item = (FileId, &Export)> {
        self.files
            .iter()
            .flat_map(|f| f.exports.documents.iter().map(move |d| (f.id, d)))
    }

    /// The first definition of a template, with its file's id; languages compare as
    /// [`LanguageCode::matches`] does.
    pub fn template(
        &self,
        name: &str,
        language: &LanguageCode,
    ) -> Option<(FileId, &ExportedTemplate)> {
        self.located(self.find(name, language)?)
    }

    /// The first definition of the template `reference` names, as [`Workspace::template`]
    /// finds it.
    pub fn template_of(&self, reference: &TemplateRef) -> Option<(FileId, &ExportedTemplate)> {
        let location = match self
            .resolved
            .binary_search_by_key(&address(reference), |(address, _)| *address)
        {
            Ok(at) => self.resolved.get(at)?.1?,
            // Not one of the workspace's own references.
            Err(_) => self.find(&reference.name.value, &reference.language.value)?,
        };
        self.located(location)
    }

    fn find(&self, name: &str, language: &LanguageCode) -> Option<TemplateLocation> {
        let (_, location) = self
            .templates
            .get(name)?
            .iter()
            .find(|(defined, _)| defined.matches(language))?;
        Some(*location)
    }

    /// Every definition of templates named `name`, in file and document order: its file's
    /// id, the template and its language.
    pub fn named(&self, name: &str) -> Vec<(FileId, &ExportedTemplate, &LanguageCode)> {
        let Some(definitions) = self.templates.get(name) else {
            return Vec::new();
        };
        definitions
            .iter()
            .filter_map(|&(language, location)| {
                let (file, template) = self.located(location)?;
                Some((file, template, language))
            })
            .collect()
    }

    /// The names of the run's templates (those with a name and a language), sorted.
    pub fn template_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.templates.keys().copied().collect();
        names.sort_unstable();
        names
    }

    pub fn has_templates(&self) -> bool {
        !self.templates.is_empty()
    }

    fn located(&self, location: TemplateLocation) -> Option<(FileId, &ExportedTemplate)> {
        let file = self.files.get(location.file)?;
        match file.exports.documents.get(location.document)? {
            Export::Template(t) => Some((file.id, t)),
            _ => None,
        }
    }

    /// A file's path as reports show it (empty for a file not in the workspace).
    pub fn path(&self, file: FileId) -> &str {
        self.files
            .binary_search_by_key(&file, |f| f.id)
            .ok()
            .and_then(|i| self.files.get(i))
            .map_or("", |f| f.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{parse, Format};

    #[test]
    fn every_recorded_node_is_located_as_its_tree_locates_it() {
        let text = r#"{"a~b": {"c/d": [1, {"e": 2}], "f": 3}, "g": [[4]], "": 5}"#;
        let tree = parse(text, Format::Json).unwrap();
        let mut x = Exporter::new(&tree);
        // Out of order and twice, children before their parents, and the root.
        let nodes: Vec<NodeId> = (0..tree.node_count())
            .rev()
            .chain(0..tree.node_count())
            .collect();
        for &node in &nodes {
            x.node(node);
        }
        let exports = x.finish();
        for node in 0..tree.node_count() {
            let location = exports.locations.get(node).unwrap();
            assert_eq!(location.span, tree.span(node), "{node}");
            assert_eq!(location.key_span, tree.key_span(node), "{node}");
            assert_eq!(location.pointer, tree.pointer(node), "{node}");
        }
        assert!(exports.locations.get(tree.node_count()).is_none());
        // Each segment is kept once, however many nodes sit under it.
        assert_eq!(exports.locations.steps.len(), tree.node_count() - 1);
        let pointers: Vec<String> = (0..tree.node_count()).map(|n| tree.pointer(n)).collect();
        assert!(
            pointers.contains(&"/a~0b/c~1d/1/e".to_string()),
            "{pointers:?}"
        );
        assert!(pointers.contains(&"/".to_string()), "{pointers:?}");
    }

    #[test]
    fn a_node_no_export_holds_has_no_location() {
        let tree = parse("a: {b: 1}\nc: 2\n", Format::Yaml).unwrap();
        let mut x = Exporter::new(&tree);
        let b = tree
            .get(tree.get(tree.documents[0], "a").unwrap(), "b")
            .unwrap();
        x.node(b);
        let exports = x.finish();
        let location = exports.locations.get(b).unwrap();
        assert_eq!(location.pointer, "/a/b");
        assert!(exports.locations.get(tree.documents[0]).is_none());
        let c = tree.get(tree.documents[0], "c").unwrap();
        assert!(exports.locations.get(c).is_none());
    }
}
