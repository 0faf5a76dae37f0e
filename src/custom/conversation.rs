//! Custom rules over conversation flows in any input format: the format-neutral model as
//! JSON (`model: true`), each value with the place in the user's file it was read from, and
//! the two conversation functions, which search the flow's graph with the shared linear
//! searches of `rules::graph`.

use serde_json::{json, Map, Value as Json};

use crate::diagnostic::At;
use crate::model::flow::{ConversationFlow, Dialect, FlowGraph, FlowNode, MenuStyle, NodeType};
use crate::model::reader::Keyword;
use crate::model::{AtNode, Site};
use crate::rules::graph::{self, Step};
use crate::rules::wording::{ByLanguage, FoldedText, PhraseSet};
use crate::source::Tree;

use super::functions::Pattern;

/// At most this many steps of one flow are reported by one conversation function.
const MAX_STEPS: usize = 1_000;
/// A path longer than this is shown with its middle cut out.
const SHOWN_PATH: usize = 8;

/// A flow as the model reads it, as JSON. The place in the user's file each value was read
/// from is found by walking the flow along the value's path ([`ModelJson::site`]), so
/// building the JSON records nothing beside it.
pub struct ModelJson<'f> {
    pub json: Json,
    flow: &'f ConversationFlow,
}

/// A step of a path into the model's JSON: a key or an index.
#[derive(Clone, Copy, Debug)]
pub enum Seg<'a> {
    Name(&'a str),
    Index(usize),
}

/// The name `format` gives a dialect in the model's JSON.
pub fn format_name(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Walint => "walint",
        Dialect::RapidPro => "rapidpro",
        Dialect::Typebot => "typebot",
        Dialect::TwilioStudio => "twilio-studio",
        Dialect::N8n => "n8n",
    }
}

/// `key: text` in `map` when the value is there.
fn text(map: &mut Map<String, Json>, key: &str, value: Option<&AtNode<String>>) {
    if let Some(value) = value {
        map.insert(key.into(), Json::String(value.value.clone()));
    }
}

fn step_json(step: &FlowNode) -> Json {
    let mut map = Map::new();
    map.insert("id".into(), Json::String(step.id.clone()));
    if let Some(kind) = &step.kind {
        map.insert("kind".into(), Json::String(kind.value.name().into()));
    }
    text(&mut map, "text", step.text.as_ref());
    text(&mut map, "header", step.header.as_ref());
    text(&mut map, "footer", step.footer.as_ref());
    text(&mut map, "button", step.button.as_ref());
    if step.options.is_some() || step.sections.is_some() {
        let style = match step.menu_style() {
            MenuStyle::Buttons => "buttons",
            MenuStyle::List => "list",
        };
        map.insert("style".into(), Json::String(style.into()));
        let options: Vec<Json> = step
            .all_options()
            .map(|option| {
                let mut o = Map::new();
                text(&mut o, "title", option.title.as_ref());
                text(&mut o, "description", option.description.as_ref());
                text(&mut o, "next", option.next.as_ref());
                Json::Object(o)
            })
            .collect();
        map.insert("options".into(), Json::Array(options));
    }
    if let Some(sections) = &step.sections {
        let titles: Vec<Json> = sections
            .value
            .iter()
            .map(|section| {
                let mut s = Map::new();
                text(&mut s, "title", section.title.as_ref());
                Json::Object(s)
            })
            .collect();
        map.insert("sections".into(), Json::Array(titles));
    }
    text(&mut map, "next", step.next.as_ref());
    text(&mut map, "fallback", step.fallback.as_ref());
    if let Some(template) = &step.template {
        let mut t = Map::new();
        text(&mut t, "name", Some(&template.name));
        t.insert(
            "language".into(),
            Json::String(template.language.value.to_string()),
        );
        map.insert("template".into(), Json::Object(t));
    }
    if let Some(channel) = &step.channel {
        map.insert("channel".into(), Json::String(channel.value.name().into()));
    }
    text(&mut map, "contact", step.contact.as_ref());
    text(&mut map, "queue", step.queue.as_ref());
    text(&mut map, "save_as", step.save_as.as_ref());
    if let Some(duration) = &step.duration {
        map.insert("wait".into(), Json::String(duration.value.text.clone()));
    }
    if !step.branches.is_empty() {
        let branches: Vec<Json> = step
            .branches
            .iter()
            .map(|branch| {
                let mut b = Map::new();
                text(&mut b, "when", branch.when.as_ref());
                text(&mut b, "next", branch.next.as_ref());
                Json::Object(b)
            })
            .collect();
        map.insert("branches".into(), Json::Array(branches));
    }
    text(&mut map, "else", step.otherwise.as_ref());
    if step.ends.is_some() {
        map.insert("ends".into(), Json::Bool(true));
    }
    text(&mut map, "unprompted", step.unprompted.as_ref());
    Json::Object(map)
}

fn at(value: &Option<AtNode<String>>) -> Option<Site> {
    value.as_ref().map(AtNode::site)
}

/// Where a value of a step's JSON was read from (`path` below the step).
fn step_site(step: &FlowNode, path: &[Seg]) -> Option<Site> {
    match path {
        [] | [Seg::Name("id")] => Some(Site::node(step.node)),
        [Seg::Name(key)] => match *key {
            "kind" => step.kind.as_ref().map(AtNode::site),
            "text" => at(&step.text),
            "header" => at(&step.header),
            "footer" => at(&step.footer),
            "button" => at(&step.button),
            "options" => step
                .options
                .as_ref()
                .map(AtNode::site)
                .or(step.sections.as_ref().map(AtNode::site)),
            "sections" => step.sections.as_ref().map(AtNode::site),
            "next" => at(&step.next),
            "fallback" => at(&step.fallback),
            "template" => step.template.as_ref().map(|t| Site::node(t.node)),
            "channel" => step.channel.as_ref().map(AtNode::site),
            "contact" => at(&step.contact),
            "queue" => at(&step.queue),
            "save_as" => at(&step.save_as),
            "wait" => step.duration.as_ref().map(AtNode::site),
            "else" => at(&step.otherwise),
            "ends" => step.ends.map(Site::node),
            "unprompted" => at(&step.unprompted),
            _ => None,
        },
        [Seg::Name("options"), Seg::Index(i), rest @ ..] => {
            let option = step.all_options().nth(*i)?;
            match rest {
                [] => Some(option.site()),
                [Seg::Name("title")] => at(&option.title),
                [Seg::Name("description")] => at(&option.description),
                [Seg::Name("next")] => at(&option.next),
                _ => None,
            }
        }
        [Seg::Name("sections"), Seg::Index(i), rest @ ..] => {
            let section = step.sections.as_ref()?.value.get(*i)?;
            match rest {
                [] => Some(section.site()),
                [Seg::Name("title")] => at(&section.title),
                _ => None,
            }
        }
        [Seg::Name("template"), Seg::Name("name")] => step.template.as_ref().map(|t| t.name.site()),
        [Seg::Name("template"), Seg::Name("language")] => {
            step.template.as_ref().map(|t| t.language.site())
        }
        [Seg::Name("branches"), Seg::Index(i), rest @ ..] => {
            let branch = step.branches.get(*i)?;
            match rest {
                [] => Some(Site::node(branch.node)),
                [Seg::Name("when")] => at(&branch.when),
                [Seg::Name("next")] => at(&branch.next),
                _ => None,
            }
        }
        _ => None,
    }
}

impl<'f> ModelJson<'f> {
    pub fn of(flow: &'f ConversationFlow) -> ModelJson<'f> {
        let mut map = Map::new();
        text(&mut map, "name", flow.name.as_ref());
        map.insert("format".into(), json!(format_name(flow.dialect)));
        text(&mut map, "entry", flow.entry.as_ref());
        let keywords: Vec<Json> = flow
            .keywords
            .iter()
            .map(|keyword| json!({"word": keyword.word, "target": keyword.target.value}))
            .collect();
        map.insert("keywords".into(), Json::Array(keywords));
        let steps: Vec<Json> = flow.nodes.iter().map(step_json).collect();
        map.insert("steps".into(), Json::Array(steps));
        ModelJson {
            json: Json::Object(map),
            flow,
        }
    }

    /// Where the model value at `path` was read from, if it was read from the file (not
    /// `format` or a menu's `style`, which the model works out).
    pub fn site(&self, path: &[Seg]) -> Option<Site> {
        let flow = self.flow;
        match path {
            [] => Some(Site::node(flow.node)),
            [Seg::Name("name")] => at(&flow.name),
            [Seg::Name("entry")] => at(&flow.entry),
            [Seg::Name("keywords")] => flow.keywords_node.map(Site::node),
            // A keyword's word is the key its target is written under.
            [Seg::Name("keywords"), Seg::Index(i), rest @ ..] => {
                let keyword = flow.keywords.get(*i)?;
                match rest {
                    [] | [Seg::Name("word" | "target")] => Some(keyword.target.site()),
                    _ => None,
                }
            }
            [Seg::Name("steps"), Seg::Index(i), rest @ ..] => step_site(flow.nodes.get(*i)?, rest),
            _ => None,
        }
    }

    /// Where the value at `path` is written, or the nearest value above it that is (the
    /// flow at the top): where a value the model works out, or a missing one, is shown.
    pub fn nearest(&self, path: &[Seg]) -> Site {
        (0..=path.len())
            .rev()
            .find_map(|n| self.site(&path[..n]))
            .unwrap_or(Site::node(self.flow.node))
    }
}

/// Which steps a conversation function looks for: every condition written must hold.
#[derive(Debug)]
pub struct StepMatcher {
    pub kinds: Vec<NodeType>,
    pub id: Option<Pattern>,
    /// Phrases one of which a text of the step has (case-folded, on word boundaries).
    pub text: Option<(Box<ByLanguage<PhraseSet>>, Vec<String>)>,
    pub template: Option<Pattern>,
}

/// The keys of a step matcher, as rule files write them.
pub const STEP_KEYS: &[&str] = &["kind", "id", "text", "template"];

impl StepMatcher {
    pub fn matches(&self, step: &FlowNode) -> bool {
        (self.kinds.is_empty() || step.node_type().is_some_and(|k| self.kinds.contains(&k)))
            && self.id.as_ref().is_none_or(|p| p.regex.is_match(&step.id))
            && self.template.as_ref().is_none_or(|p| {
                step.template
                    .as_ref()
                    .is_some_and(|t| p.regex.is_match(&t.name.value))
            })
            && self.text.as_ref().is_none_or(|(phrases, _)| {
                let phrases = phrases.for_language(None);
                step.texts().iter().any(|t| {
                    !phrases
                        .find_in(&FoldedText::new(&t.text.value), 0, usize::MAX)
                        .is_empty()
                })
            })
    }

    /// The steps it names, in words: "a step of kind `handoff` whose text has `agent`".
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.kinds.is_empty() {
            let kinds: Vec<String> = self
                .kinds
                .iter()
                .map(|k| format!("`{}`", k.name()))
                .collect();
            parts.push(format!("of kind {}", kinds.join(" or ")));
        }
        if let Some(id) = &self.id {
            parts.push(format!("with an id matching `{}`", id.written));
        }
        if let Some(template) = &self.template {
            parts.push(format!(
                "sending a template matching `{}`",
                template.written
            ));
        }
        if let Some((_, written)) = &self.text {
            let phrases: Vec<String> = written.iter().map(|p| format!("`{p}`")).collect();
            parts.push(format!("whose text has {}", phrases.join(" or ")));
        }
        if parts.is_empty() {
            return "a step".into();
        }
        format!("a step {}", parts.join(" and "))
    }
}

/// A function of the whole flow: it searches the flow's graph from its entry.
#[derive(Debug)]
pub enum FlowFunction {
    /// Every path from the entry to a `to` step passes a `through` step.
    EveryPathPasses {
        to: StepMatcher,
        through: StepMatcher,
    },
    /// Some `step` is reachable from the entry.
    Reachable { step: StepMatcher },
}

/// A conversation function's finding: where, the step it is about (`{value}`), and why.
pub struct FlowFailure {
    pub at: At,
    pub step: Option<String>,
    /// Its JSON pointer in the model (`/steps/3`, `/entry`).
    pub pointer: String,
    pub reason: String,
}

/// The steps of `targets` reached without entering a step of `guards`, each with the
/// shortest such path: one breadth-first search, then one walk of its tree of paths. Paths
/// start at the entry or at a keyword's target, as a keyword can be the first thing a
/// customer sends; so the keywords need no expanding from each step.
fn unguarded(graph: &FlowGraph, targets: &[bool], guards: &[bool]) -> Vec<(usize, Vec<usize>)> {
    let keyword_targets = graph.keywords().iter().map(|k| k.to);
    let starts: Vec<usize> = graph.entry.into_iter().chain(keyword_targets).collect();
    let flag = |flags: &[bool], i: usize| flags.get(i).copied().unwrap_or(false);
    let paths = graph::search(graph, &starts, false, |i| {
        if flag(guards, i) {
            Step::Avoid
        } else {
            Step::Pass
        }
    });
    let mut found = Vec::new();
    paths.for_each_path(|node, path| {
        if flag(targets, node) {
            found.push((node, shown_path(path)));
        }
    });
    found.sort_by_key(|(node, _)| *node);
    found
}

/// A path as shown: all of it, or its first and last steps around a cut (`usize::MAX`).
fn shown_path(path: &[usize]) -> Vec<usize> {
    if path.len() <= SHOWN_PATH {
        return path.to_vec();
    }
    let head = SHOWN_PATH / 2;
    let tail = SHOWN_PATH - head - 1;
    let mut shown = path[..head].to_vec();
    shown.push(usize::MAX);
    shown.extend_from_slice(&path[path.len() - tail..]);
    shown
}

/// `` `welcome` → `offers` → `promo` `` from the entry, `` keyword SALE → `promo` `` from a
/// keyword's target: the path's start, then its steps.
fn path_text(flow: &ConversationFlow, path: &[usize]) -> String {
    let graph = flow.graph();
    let id = |i: usize| flow.nodes.get(i).map_or("?", |n| n.id.as_str());
    let mut out = String::new();
    if let Some(&start) = path.first().filter(|&&s| Some(s) != graph.entry) {
        let word = flow
            .keywords
            .iter()
            .find(|k| graph.resolve(&k.target.value) == Some(start))
            .map_or("", |k| k.word.as_str());
        out.push_str(&format!("keyword {word} → "));
    }
    for (i, &step) in path.iter().enumerate() {
        if i > 0 {
            out.push_str(" → ");
        }
        if step == usize::MAX {
            out.push('…');
        } else {
            out.push_str(&format!("`{}`", id(step)));
        }
    }
    out
}

/// Where a finding about a step is shown: its key (walint's `nodes:`), or its value.
fn at_step(tree: &Tree, step: &FlowNode) -> At {
    if tree.key_span(step.node).is_some() {
        At::Key(step.node)
    } else {
        At::Node(step.node)
    }
}

impl FlowFunction {
    /// The findings of the function on `flow`. A flow whose entry names no step has no path
    /// to judge (WA002 or WA206 says why).
    pub fn check(&self, flow: &ConversationFlow, tree: &Tree) -> Vec<FlowFailure> {
        let graph = flow.graph();
        let (Some(entry), Some(_)) = (&flow.entry, graph.entry) else {
            return Vec::new();
        };
        let flags =
            |m: &StepMatcher| -> Vec<bool> { flow.nodes.iter().map(|n| m.matches(n)).collect() };
        match self {
            FlowFunction::EveryPathPasses { to, through } => {
                let targets = flags(to);
                if !targets.contains(&true) {
                    return Vec::new();
                }
                let guards = flags(through);
                unguarded(graph, &targets, &guards)
                    .into_iter()
                    .take(MAX_STEPS)
                    .filter_map(|(i, path)| {
                        let step = flow.nodes.get(i)?;
                        Some(FlowFailure {
                            at: at_step(tree, step),
                            step: Some(step.id.clone()),
                            pointer: format!("/steps/{i}"),
                            reason: format!(
                                "step `{}` is reached without passing {}: {}",
                                step.id,
                                through.describe(),
                                path_text(flow, &path)
                            ),
                        })
                    })
                    .collect()
            }
            FlowFunction::Reachable { step } => {
                let targets = flags(step);
                let reached = graph::reachable_from_entry(graph);
                if (0..targets.len()).any(|i| targets[i] && reached.reached(i)) {
                    return Vec::new();
                }
                let unreached: Vec<String> = flow
                    .nodes
                    .iter()
                    .zip(&targets)
                    .filter(|(_, &t)| t)
                    .map(|(n, _)| format!("`{}`", n.id))
                    .collect();
                let wanted = step.describe();
                let wanted = wanted.trim_start_matches("a ");
                let reason = if unreached.is_empty() {
                    format!(
                        "no {wanted} is reachable from the entry `{}`: the flow has none",
                        entry.value
                    )
                } else {
                    let shown: Vec<&str> = unreached.iter().take(5).map(String::as_str).collect();
                    let more = if unreached.len() > 5 {
                        format!(" and {} more", unreached.len() - 5)
                    } else {
                        String::new()
                    };
                    let exist = if unreached.len() == 1 {
                        "exists"
                    } else {
                        "exist"
                    };
                    format!(
                        "no {wanted} is reachable from the entry `{}`: {}{more} {exist} but no path leads to it",
                        entry.value,
                        shown.join(", ")
                    )
                };
                vec![FlowFailure {
                    at: entry.at(),
                    step: None,
                    pointer: "/entry".into(),
                    reason,
                }]
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::catalogue::builtin;
    use crate::custom::{define, placed, CustomRules};
    use crate::source::{parse, Format};

    fn graph(adjacency: &[&[usize]], keywords: &[usize]) -> FlowGraph {
        FlowGraph::from_adjacency(adjacency, keywords)
    }

    fn flags(n: usize, set: &[usize]) -> Vec<bool> {
        (0..n).map(|i| set.contains(&i)).collect()
    }

    #[test]
    fn a_target_behind_a_guard_on_every_path_passes() {
        // 0 → 1 (guard) → 2 (target); 0 → 3 → 1.
        let g = graph(&[&[1, 3], &[2], &[], &[1]], &[]);
        assert!(unguarded(&g, &flags(4, &[2]), &flags(4, &[1])).is_empty());
        // A way round the guard: 3 → 2.
        let g = graph(&[&[1, 3], &[2], &[], &[2]], &[]);
        assert_eq!(
            unguarded(&g, &flags(4, &[2]), &flags(4, &[1])),
            [(2, vec![0, 3, 2])]
        );
        // A target that is itself a guard has passed it.
        assert!(unguarded(&g, &flags(4, &[2]), &flags(4, &[2])).is_empty());
        // A guard at the entry guards everything.
        assert!(unguarded(&g, &flags(4, &[2, 3]), &flags(4, &[0])).is_empty());
    }

    #[test]
    fn a_keyword_leads_round_every_guard_even_as_the_first_message() {
        // 0 → 1 (guard) → 2 (target); keyword → 3 → 2.
        let g = graph(&[&[1], &[2], &[], &[2]], &[3]);
        assert_eq!(
            unguarded(&g, &flags(4, &[2]), &flags(4, &[1])),
            [(2, vec![3, 2])]
        );
        // Even when the entry is the guard: a customer may send the keyword first.
        assert_eq!(
            unguarded(&g, &flags(4, &[2]), &flags(4, &[0])),
            [(2, vec![3, 2])]
        );
        // A keyword target that is a guard guards what lies behind it.
        assert!(unguarded(&g, &flags(4, &[2]), &flags(4, &[1, 3])).is_empty());
    }

    #[test]
    fn every_path_passes_is_linear_on_a_long_chain_of_targets() {
        // 200,000 steps in a row, each a target: a search per target would take minutes.
        let n = 200_000;
        let adjacency: Vec<Vec<usize>> = (0..n)
            .map(|i| if i + 1 < n { vec![i + 1] } else { vec![] })
            .collect();
        let refs: Vec<&[usize]> = adjacency.iter().map(Vec::as_slice).collect();
        let g = graph(&refs, &[]);
        let found = unguarded(&g, &vec![true; n], &vec![false; n]);
        assert_eq!(found.len(), n);
        let (last, path) = &found[n - 1];
        assert_eq!(*last, n - 1);
        // The shown path is cut: its first steps, a gap, its last ones.
        assert_eq!(path.len(), SHOWN_PATH);
        assert_eq!(path[..4], [0, 1, 2, 3]);
        assert_eq!(path[4], usize::MAX);
        assert_eq!(path[SHOWN_PATH - 1], n - 1);
    }

    const HEADER: &str = r#"code: ACME010
name: house-flow-rule
severity: error
category: conversation-flow
summary: "A house rule about bots."
rationale: "Our support promise."
fix: "Change the bot."
sources: ["https://acme.example/policies/support"]
"#;

    fn rule_error(block: &str) -> String {
        let text = format!("{HEADER}{block}");
        let mut catalogue = (*builtin().unwrap()).clone();
        match define(&mut catalogue, &text, Path::new("rule.yaml")) {
            Ok(_) => panic!("the rule was read"),
            Err(e) => placed("rule.yaml", &text, e.span, &e.message),
        }
    }

    /// The findings of a rule with `block` on a file of any format: message and the text it
    /// underlines.
    fn findings(block: &str, text: &str, format: Format) -> Vec<(String, String)> {
        let rule = format!("{HEADER}{block}");
        let mut catalogue = (*builtin().unwrap()).clone();
        let rule = define(&mut catalogue, &rule, Path::new("rule.yaml"))
            .map_err(|e| placed("rule.yaml", &rule, e.span, &e.message))
            .unwrap();
        let rules = CustomRules {
            rules: vec![rule],
            ..CustomRules::default()
        };
        let tree = parse(text, format).unwrap();
        let contents = crate::formats::read(&tree);
        assert!(!contents.documents.is_empty(), "no document in {text}");
        let mut out = Vec::new();
        for document in &contents.documents {
            rules.run(document, &tree, |_| true, &mut out);
        }
        out.into_iter()
            .map(|f| {
                let span = match f.at {
                    At::Node(n) => tree.span(n),
                    At::Key(n) => tree.key_span(n).unwrap_or_default(),
                    At::InString(n, s, e) => crate::source::locate_in_string(text, &tree, n, s..e),
                    At::InNested(n, w, s, e) => {
                        crate::source::locate_nested(text, &tree, n, w, s..e)
                    }
                    other => panic!("{other:?}"),
                };
                (f.message, text[span.start..span.end].to_string())
            })
            .collect()
    }

    const WALINT: &str = "flow: support_bot
entry: welcome
keywords:
  SALE: promo
nodes:
  welcome:
    type: menu
    text: Hi, how can we help?
    options:
      - {title: Offers, next: consent}
      - {title: Talk to a person, next: human}
    fallback: welcome
  consent:
    type: opt_in
    text: May we send you offers?
    next: promo
  promo:
    type: template
    template: {name: spring_sale, language: en_US}
    next: done
  human:
    type: handoff
    queue: support
  done:
    type: end
";

    const TWILIO: &str = include_str!("../../tests/fixtures/formats/twilio-studio/support.json");
    const TYPEBOT: &str = include_str!("../../tests/fixtures/formats/typebot/clean.json");

    #[test]
    fn one_model_query_reads_every_format_and_points_into_each_file() {
        let block = r#"match:
  kinds: [conversation-flow]
  model: true
  given: "$.steps[?@.kind == 'handoff']"
  then: {field: id, function: pattern, options: {not_match: "^(agent|human)$"}}
  message: "{document} `{value}` at {path}: {reason}"
"#;
        assert_eq!(
            findings(block, WALINT, Format::Yaml),
            [(
                "support_bot `human` at /steps/3/id: must not match `^(agent|human)$` (it has `human`)".to_string(),
                // The id is the step's key: a step's own value has no node of its own, so
                // the finding is at the step's mapping.
                "type: handoff\n    queue: support".to_string()
            )]
        );
        let found = findings(block, TWILIO, Format::Json);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].0.starts_with("Support `agent` at /steps/"),
            "{found:?}"
        );
        assert!(found[0].1.contains("\"name\": \"agent\""), "{found:?}");
    }

    #[test]
    fn a_model_text_is_underlined_where_it_is_written() {
        let block = r#"match:
  kinds: [conversation-flow]
  model: true
  given: "$.steps[*].options[*]"
  then: {field: title, function: contains_phrase, options: {none: [person]}}
"#;
        assert_eq!(
            findings(block, WALINT, Format::Yaml),
            [(
                "`/steps/0/options/1/title` contains `person`".to_string(),
                "person".to_string()
            )]
        );
        // A missing field of the model is found at the value above it in the file.
        let block = r#"match:
  kinds: [conversation-flow]
  model: true
  given: "$.steps[?@.kind == 'handoff']"
  then: {field: queue, function: defined}
"#;
        let found = findings(block, TYPEBOT, Format::Json);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].1.starts_with("{\"id\": \"b-chatwoot\""),
            "{found:?}"
        );
    }

    /// Glific keeps an interactive message as JSON in a `text` string: a model value read
    /// from it is underlined inside the string, through its escapes, and a missing field at
    /// the value above it there (the option's object).
    #[test]
    fn a_model_text_inside_a_glific_message_is_underlined_inside_the_string() {
        let glific = r#"{"uuid": "f", "name": "Help", "nodes": [
  {"uuid": "a", "actions": [{"type": "send_interactive_msg", "text": "{\"type\":\"quick_reply\",\"content\":{\"text\":\"\\\"Hi\\\"\"},\"options\":[{\"title\":\"Caf\u00e9\"},{\"title\":\"A \\u00e9 person\"}]}"}],
   "exits": [{"uuid": "e", "destination_uuid": "b"}]},
  {"uuid": "b", "router": {"type": "switch", "wait": {"type": "msg"}, "categories": []}, "exits": []}]}"#;
        let block = r#"match:
  kinds: [conversation-flow]
  model: true
  given: "$.steps[*].options[*]"
  then: {field: title, function: contains_phrase, options: {none: [person]}}
"#;
        assert_eq!(
            findings(block, glific, Format::Json),
            [(
                "`/steps/1/options/1/title` contains `person`".to_string(),
                "person".to_string()
            )]
        );
        let block = r#"match:
  kinds: [conversation-flow]
  model: true
  given: "$.steps[*].options[0]"
  then: {field: description, function: defined}
"#;
        assert_eq!(
            findings(block, glific, Format::Json),
            [(
                "`/steps/1/options/0/description` is missing".to_string(),
                r#"{\"title\":\"Caf\u00e9\"}"#.to_string()
            )]
        );
    }

    const EVERY_PATH: &str = r#"match:
  kinds: [conversation-flow]
  then:
    function: every_path_passes
    options:
      to: {template: "_sale$"}
      through: {kind: opt_in}
  message: "flow `{document}`: {reason}"
"#;

    #[test]
    fn every_path_passes_names_the_step_and_the_path_that_skips_the_guard() {
        // The SALE keyword leads to the promo from the welcome menu, past the opt-in.
        assert_eq!(
            findings(EVERY_PATH, WALINT, Format::Yaml),
            [(
                "flow `support_bot`: step `promo` is reached without passing a step of kind `opt_in`: keyword SALE → `promo`".to_string(),
                "promo".to_string()
            )]
        );
        let guarded = WALINT.replace("keywords:\n  SALE: promo\n", "");
        assert!(findings(EVERY_PATH, &guarded, Format::Yaml).is_empty());
        let skipped = guarded.replace("next: consent", "next: promo");
        assert_eq!(
            findings(EVERY_PATH, &skipped, Format::Yaml)[0].0,
            "flow `support_bot`: step `promo` is reached without passing a step of kind `opt_in`: `welcome` → `promo`"
        );
    }

    #[test]
    fn reachable_is_judged_from_the_entry_in_every_format() {
        let block = r#"match:
  kinds: [conversation-flow]
  then: {function: reachable, options: {step: {kind: handoff}}}
"#;
        assert!(findings(block, WALINT, Format::Yaml).is_empty());
        assert!(findings(block, TWILIO, Format::Json).is_empty());
        let cut = WALINT.replace("      - {title: Talk to a person, next: human}\n", "");
        assert_eq!(
            findings(block, &cut, Format::Yaml),
            [(
                "`/entry` no step of kind `handoff` is reachable from the entry `welcome`: `human` exists but no path leads to it".to_string(),
                "welcome".to_string()
            )]
        );
        let none = cut.replace("type: handoff", "type: message\n    text: bye");
        assert_eq!(
            findings(block, &none, Format::Yaml)[0].0,
            "`/entry` no step of kind `handoff` is reachable from the entry `welcome`: the flow has none"
        );
        // Phrases and ids: a step whose text says "agent", or an id like `human`.
        let block = r#"match:
  kinds: [conversation-flow]
  then: {function: reachable, options: {step: {text: [talk to a person], id: "^wel"}}}
"#;
        assert!(findings(block, WALINT, Format::Yaml).is_empty());
    }

    #[test]
    fn a_bad_conversation_rule_is_an_error_at_its_line() {
        assert_eq!(
            rule_error("match:\n  kinds: [conversation-flow]\n  then: {function: reachable, options: {step: {kind: handof}}}\n"),
            "rule.yaml:11:54: unknown step kind `handof` (one of message, menu, input, template, opt_in, opt_out, handoff, wait, condition, end); did you mean `handoff`?"
        );
        assert_eq!(
            rule_error("match:\n  kinds: [conversation-flow]\n  then: {function: reachable, options: {step: {kinds: handoff}}}\n"),
            "rule.yaml:11:48: unknown key `kinds` in `step`; did you mean `kind`?"
        );
        assert_eq!(
            rule_error("match:\n  kinds: [template]\n  then: {function: reachable, options: {step: {kind: handoff}}}\n"),
            "rule.yaml:10:10: a conversation function reads conversation flows only: write `kinds: [conversation-flow]`"
        );
        assert_eq!(
            rule_error("match:\n  kinds: [conversation-flow]\n  given: $.nodes\n  then: {function: reachable, options: {step: {kind: handoff}}}\n"),
            "rule.yaml:11:10: a conversation function searches the whole flow: `given` is not read, leave it out"
        );
        assert_eq!(
            rule_error("match:\n  kinds: [conversation-flow]\n  then: {field: x, function: reachable, options: {step: {kind: handoff}}}\n"),
            "rule.yaml:11:10: `reachable` searches the whole flow: it reads no `field`"
        );
        assert_eq!(
            rule_error("match:\n  kinds: [conversation-flow]\n  then: {function: every_path_passes, options: {to: {kind: template}}}\n"),
            "rule.yaml:11:48: `every_path_passes` needs `through`: the steps it looks for, e.g. `{kind: handoff}`"
        );
        assert_eq!(
            rule_error("match:\n  kinds: [conversation-flow]\n  then: {function: reachable, options: {step: {}}}\n"),
            "rule.yaml:11:47: `step` needs one of kind, id, text, template: the steps it names"
        );
        assert_eq!(
            rule_error("match:\n  kinds: [webhook]\n  model: true\n  then: {function: defined}\n"),
            "rule.yaml:10:10: `model: true` reads conversation flows only: write `kinds: [conversation-flow]`"
        );
    }
}
