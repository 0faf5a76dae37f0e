//! Reads typed fields out of the spanned tree, collecting every schema problem (WA002)
//! instead of stopping at the first.

use crate::catalogue::RuleId;
use crate::diagnostic::{At, Finding, Severity};
use crate::source::{NodeId, Span, Tree, Value};
use crate::suggest::closest;

pub const SCHEMA_VIOLATION: RuleId = RuleId::WA002;

/// A value read from the tree, with the node it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct AtNode<T> {
    pub value: T,
    pub node: NodeId,
    /// Set when the value is written inside the string `node` rather than being it (Glific
    /// keeps an interactive message as JSON in a `text` string): where in that string.
    pub inside: Option<Inside>,
}

/// Where a value is written inside a string node that holds a JSON text of its own: bytes of
/// the string's decoded value (that JSON text). A string value read from there is the
/// decoded JSON string written at `value`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Inside {
    /// The value as written (a JSON string with its quotes, an object, a list).
    pub value: Span,
    /// The key it is written under, when it has one.
    pub key: Option<Span>,
}

/// Where a value of a model is written in the user's file: a node, or a part of a string
/// node's value (see [`Inside`]). Rules say where with its `At`s, so a finding lands on the
/// characters of the value either way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Site {
    pub node: NodeId,
    pub inside: Option<Inside>,
}

impl Site {
    /// A node's value itself.
    pub fn node(node: NodeId) -> Site {
        Site { node, inside: None }
    }

    /// The value.
    pub fn at(self) -> At {
        match self.inside {
            None => At::Node(self.node),
            Some(inside) => At::InString(self.node, inside.value.start, inside.value.end),
        }
    }

    /// The key the value sits under (the value itself inside a string, when it has none).
    pub fn key_at(self) -> At {
        match self.inside {
            None => At::Key(self.node),
            Some(inside) => {
                let key = inside.key.unwrap_or(inside.value);
                At::InString(self.node, key.start, key.end)
            }
        }
    }

    /// Bytes `start..end` of the value, a string's decoded value.
    pub fn at_bytes(self, start: usize, end: usize) -> At {
        match self.inside {
            None => At::InString(self.node, start, end),
            Some(inside) => At::InNested(self.node, inside.value, start, end),
        }
    }
}

impl<T> AtNode<T> {
    /// A value that is the node's own.
    pub fn new(value: T, node: NodeId) -> Self {
        AtNode {
            value,
            node,
            inside: None,
        }
    }

    /// A value written at `site`.
    pub fn at_site(value: T, site: Site) -> Self {
        AtNode {
            value,
            node: site.node,
            inside: site.inside,
        }
    }

    /// The value made into another, at the same place.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> AtNode<U> {
        AtNode {
            value: f(self.value),
            node: self.node,
            inside: self.inside,
        }
    }

    pub fn site(&self) -> Site {
        Site {
            node: self.node,
            inside: self.inside,
        }
    }

    /// Where a finding about the value points (see [`Site::at`]).
    pub fn at(&self) -> At {
        self.site().at()
    }

    /// Where a finding about the key the value sits under points (see [`Site::key_at`]).
    pub fn key_at(&self) -> At {
        self.site().key_at()
    }

    /// Where a finding about bytes `start..end` of the (string) value points.
    pub fn at_bytes(&self, start: usize, end: usize) -> At {
        self.site().at_bytes(start, end)
    }
}

/// A closed set of values compared case-insensitively, as Meta's payloads mix cases.
pub trait Keyword: Sized + Copy + 'static {
    const WHAT: &'static str;
    const ALL: &'static [(&'static str, Self)];
    /// What an error message offers instead of an unknown value; empty means all of `ALL`.
    const EXPECTED: &'static str = "";

    fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(text))
            .map(|(_, value)| *value)
    }

    fn name(self) -> &'static str
    where
        Self: PartialEq,
    {
        Self::ALL
            .iter()
            .find(|(_, value)| *value == self)
            .map(|(name, _)| *name)
            .unwrap_or("")
    }
}

/// An enum of a closed set of values and its [`Keyword`] table, each variant with the
/// spellings it is written as (the first is its name):
///
/// ```ignore
/// keyword_enum! {
///     /// A FLOW button's `flow_action`.
///     pub enum FlowAction: "flow action" {
///         Navigate = "NAVIGATE",
///         DataExchange = "DATA_EXCHANGE",
///     }
/// }
/// ```
///
/// `pub enum Category: "template category", expected "AUTHENTICATION, MARKETING, UTILITY"`
/// sets what an error message offers instead of every spelling, and
/// `Legacy = "TRANSACTIONAL" | "OTP"` gives a variant several spellings.
macro_rules! keyword_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident : $what:literal $(, expected $expected:literal)? {
            $(
                $(#[$variant_meta:meta])*
                $variant:ident = $first:literal $(| $more:literal)*
            ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name {
            $(
                $(#[$variant_meta])*
                $variant,
            )+
        }

        impl $crate::model::reader::Keyword for $name {
            const WHAT: &'static str = $what;
            const ALL: &'static [(&'static str, Self)] = &[
                $(
                    ($first, $name::$variant),
                    $(($more, $name::$variant),)*
                )+
            ];
            $(const EXPECTED: &'static str = $expected;)?
        }
    };
}
pub(crate) use keyword_enum;

/// Whose vocabulary a mapping's keys are, which decides how an unknown key is reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vocabulary {
    /// walint's own formats (flows, webhooks, campaigns): every key is walint's, so an
    /// unknown one is an error.
    Walint,
    /// Meta's formats (templates, Flow JSON), which gain fields over time: an unknown key is
    /// a warning, a close misspelling of a known one an error.
    Meta,
}

pub struct Reader<'t> {
    pub tree: &'t Tree,
    pub problems: Vec<Finding>,
    /// Misspelt keys read as the key they were meant to be, once reported (`optoins` as
    /// `options`), so no "missing the required field" and no rule's knock-on finding follows
    /// from the typo: (mapping, the known key, the value written under the misspelling).
    misspelt: Vec<(NodeId, String, NodeId)>,
}

/// What a value is, in words, for "must be X, found Y".
pub(crate) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Seq(_) => "a list",
        Value::Map(_) => "a mapping",
        Value::Alias(_) => "an alias",
    }
}

impl<'t> Reader<'t> {
    pub fn new(tree: &'t Tree) -> Self {
        Reader {
            tree,
            problems: Vec::new(),
            misspelt: Vec::new(),
        }
    }

    /// Reports every key of `map` that is not in `known` (WA002 at the key, with "did you
    /// mean" when one is close). A misspelling of a known key that `map` does not have is
    /// read as that key from then on. Call it before reading the mapping's fields.
    pub fn unknown_keys<K: AsRef<str>>(
        &mut self,
        map: NodeId,
        known: &[K],
        what: &str,
        vocabulary: Vocabulary,
    ) {
        self.unknown_keys_of_kind(map, known, what, vocabulary, |_| None);
    }

    /// [`Self::unknown_keys`] for a mapping whose keys depend on its kind (a button's `type`,
    /// a Flow component's): `elsewhere` names the other kinds that have a key this one lacks
    /// ("URL buttons"). Such a key is a word of the format in the wrong place, never taken
    /// for a misspelling of one of this kind's keys.
    pub fn unknown_keys_of_kind<K: AsRef<str>>(
        &mut self,
        map: NodeId,
        known: &[K],
        what: &str,
        vocabulary: Vocabulary,
        elsewhere: impl Fn(&str) -> Option<String>,
    ) {
        let Value::Map(entries) = self.tree.value(map) else {
            return;
        };
        for entry in entries {
            if known.iter().any(|k| k.as_ref() == entry.key) {
                continue;
            }
            let unknown = |message: String| {
                let finding = Finding::new(SCHEMA_VIOLATION, At::Key(entry.value), message);
                match vocabulary {
                    Vocabulary::Walint => finding,
                    Vocabulary::Meta => finding.severity(Severity::Warning),
                }
            };
            if let Some(kinds) = elsewhere(&entry.key) {
                self.problems.push(unknown(format!(
                    "{what} has `{}`, which walint knows only on {kinds}, so it is not checked",
                    entry.key
                )));
                continue;
            }
            let meant = closest(&entry.key, known.iter().map(AsRef::as_ref))
                .filter(|meant| self.tree.get(map, meant).is_none());
            let finding = match meant {
                Some(meant) => {
                    if !self
                        .misspelt
                        .iter()
                        .any(|(m, k, _)| *m == map && k == meant)
                    {
                        self.misspelt.push((map, meant.to_string(), entry.value));
                    }
                    Finding::new(
                        SCHEMA_VIOLATION,
                        At::Key(entry.value),
                        format!(
                            "{what} has an unknown key `{}`; did you mean `{meant}`?",
                            entry.key
                        ),
                    )
                }
                None => match vocabulary {
                    Vocabulary::Walint => {
                        let all: Vec<&str> = known.iter().map(AsRef::as_ref).collect();
                        unknown(format!(
                            "{what} has an unknown key `{}`; its keys are {}",
                            entry.key,
                            all.join(", ")
                        ))
                    }
                    Vocabulary::Meta => unknown(format!(
                        "{what} has a key walint does not know, `{}`, so it is not checked",
                        entry.key
                    )),
                },
            };
            self.problems.push(finding);
        }
    }

    /// The key the entry of `map` whose value is `value` is read as: the known key it
    /// misspells ([`Self::unknown_keys`]), or none when it is read as written.
    pub fn read_as(&self, map: NodeId, value: NodeId) -> Option<&str> {
        self.misspelt
            .iter()
            .find(|(m, _, v)| *m == map && *v == value)
            .map(|(_, known, _)| known.as_str())
    }

    pub fn problem(&mut self, at: At, message: String) {
        self.problems
            .push(Finding::new(SCHEMA_VIOLATION, at, message));
    }

    /// A schema problem with a line on how to fix it.
    pub fn problem_with_help(&mut self, at: At, message: String, help: String) {
        self.problems
            .push(Finding::new(SCHEMA_VIOLATION, at, message).help(help));
    }

    fn wrong_type(&mut self, node: NodeId, field: &str, expected: &str) {
        let found = kind_of(self.tree.value(node));
        self.problem(
            At::Node(node),
            format!("`{field}` must be {expected}, found {found}"),
        );
    }

    /// Reports a missing required field at the key of the mapping that lacks it.
    pub fn missing(&mut self, map: NodeId, field: &str, what: &str) {
        self.problem(
            At::Key(map),
            format!("{what} is missing the required field `{field}`"),
        );
    }

    pub fn is_map(&self, node: NodeId) -> bool {
        matches!(self.tree.value(node), Value::Map(_))
    }

    /// The node itself if it is a mapping; a type problem otherwise.
    pub fn expect_map(&mut self, node: NodeId, field: &str) -> Option<NodeId> {
        if self.is_map(node) {
            Some(node)
        } else {
            self.wrong_type(node, field, "a mapping");
            None
        }
    }

    pub fn expect_seq(&mut self, node: NodeId, field: &str) -> Option<Vec<NodeId>> {
        match self.tree.value(node) {
            Value::Seq(items) => Some(items.clone()),
            _ => {
                self.wrong_type(node, field, "a list");
                None
            }
        }
    }

    /// The value of `key` in `map`, or of its reported misspelling ([`Self::unknown_keys`]).
    pub fn field(&self, map: NodeId, key: &str) -> Option<NodeId> {
        self.tree.get(map, key).or_else(|| {
            self.misspelt
                .iter()
                .find(|(m, k, _)| *m == map && *k == key)
                .map(|(_, _, value)| *value)
        })
    }

    /// A field whose value is not null.
    fn present(&self, map: NodeId, key: &str) -> Option<NodeId> {
        self.field(map, key)
            .filter(|&node| !matches!(self.tree.value(node), Value::Null))
    }

    pub fn string(&mut self, map: NodeId, key: &str) -> Option<AtNode<String>> {
        let node = self.present(map, key)?;
        match self.tree.value(node) {
            Value::String(s) => Some(AtNode::new(s.clone(), node)),
            // A number or boolean where text is expected is almost always meant as text
            // (YAML reads `language: no` or `name: 2024` that way); keep it as written.
            Value::Number(n) => Some(AtNode::new(n.clone(), node)),
            _ => {
                self.wrong_type(node, key, "a string");
                None
            }
        }
    }

    pub fn required_string(
        &mut self,
        map: NodeId,
        key: &str,
        what: &str,
    ) -> Option<AtNode<String>> {
        if self.present(map, key).is_none() {
            self.missing(map, key, what);
            return None;
        }
        self.string(map, key)
    }

    pub fn bool(&mut self, map: NodeId, key: &str) -> Option<AtNode<bool>> {
        let node = self.present(map, key)?;
        match self.tree.value(node) {
            Value::Bool(b) => Some(AtNode::new(*b, node)),
            _ => {
                self.wrong_type(node, key, "true or false");
                None
            }
        }
    }

    pub fn unsigned(&mut self, map: NodeId, key: &str) -> Option<AtNode<u64>> {
        let node = self.present(map, key)?;
        match self.tree.value(node) {
            Value::Number(n) => match n.replace('_', "").parse::<u64>() {
                Ok(value) => Some(AtNode::new(value, node)),
                Err(_) => {
                    self.wrong_type(node, key, "a whole number of at least 0");
                    None
                }
            },
            _ => {
                self.wrong_type(node, key, "a whole number");
                None
            }
        }
    }

    /// A whole number that may be negative (`message_send_ttl_seconds: -1`).
    pub fn integer(&mut self, map: NodeId, key: &str) -> Option<AtNode<i64>> {
        let node = self.present(map, key)?;
        match self.tree.value(node) {
            Value::Number(n) => match n.replace('_', "").parse::<i64>() {
                Ok(value) => Some(AtNode::new(value, node)),
                Err(_) => {
                    self.wrong_type(node, key, "a whole number");
                    None
                }
            },
            _ => {
                self.wrong_type(node, key, "a whole number");
                None
            }
        }
    }

    /// Text items of a list, or a single text taken as a list of one; numbers are kept as
    /// written (YAML reads an unquoted `800` as a number), anything else is reported.
    pub fn texts(&mut self, map: NodeId, key: &str) -> Option<Vec<AtNode<String>>> {
        let node = self.present(map, key)?;
        let items = match self.tree.value(node) {
            Value::String(_) | Value::Number(_) => vec![node],
            Value::Seq(items) => items.clone(),
            _ => {
                self.wrong_type(node, key, "a list of strings");
                return None;
            }
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match self.tree.value(item) {
                Value::String(s) | Value::Number(s) => out.push(AtNode::new(s.clone(), item)),
                _ => self.wrong_type(item, key, "a list of strings"),
            }
        }
        Some(out)
    }

    /// A value of a closed set. One outside it is reported, with "did you mean" when it is
    /// close to one (`inptu`, `UTILTY`), and read as absent: a guess at the value would
    /// check the node as something its other fields may not fit.
    pub fn keyword<K: Keyword>(&mut self, map: NodeId, key: &str) -> Option<AtNode<K>> {
        let text = self.string(map, key)?;
        if let Some(value) = K::parse(&text.value) {
            return Some(AtNode::new(value, text.node));
        }
        let expected = if K::EXPECTED.is_empty() {
            let all: Vec<&str> = K::ALL.iter().map(|(name, _)| *name).collect();
            all.join(", ")
        } else {
            K::EXPECTED.to_string()
        };
        let meant = closest(&text.value, K::ALL.iter().map(|(name, _)| *name));
        let choice = match meant {
            Some(name) => format!("did you mean `{name}`? (one of {expected})"),
            None => format!("expected one of {expected}"),
        };
        self.problem(
            At::Node(text.node),
            format!("unknown {} `{}`; {choice}", K::WHAT, text.value),
        );
        None
    }

    pub fn required_keyword<K: Keyword>(
        &mut self,
        map: NodeId,
        key: &str,
        what: &str,
    ) -> Option<AtNode<K>> {
        if self.present(map, key).is_none() {
            self.missing(map, key, what);
            return None;
        }
        self.keyword(map, key)
    }

    /// A list of strings; non-string items are reported and skipped.
    pub fn strings(&mut self, map: NodeId, key: &str) -> Option<Vec<AtNode<String>>> {
        let node = self.present(map, key)?;
        let items = self.expect_seq(node, key)?;
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match self.tree.value(item) {
                Value::String(s) => out.push(AtNode::new(s.clone(), item)),
                _ => self.wrong_type(item, key, "a list of strings"),
            }
        }
        Some(out)
    }
}
