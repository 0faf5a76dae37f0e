//! The format-neutral spanned tree both parsers produce.
//!
//! Nodes live in one arena and refer to each other by index. YAML aliases stay references
//! (`Value::Alias`), and the builder charges every alias with the size of what it points
//! at, so a document that would expand past [`ALIAS_EXPANSION_BUDGET`] nodes is refused
//! before anything walks it.

use std::collections::HashMap;
use std::fmt::Write;

use super::{ParseFailure, Span, ALIAS_EXPANSION_BUDGET, MAX_EXPANDED_DEPTH, MAX_NESTING};

pub type NodeId = usize;

const NO_PARENT: usize = usize::MAX;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// A number as written, so no precision is lost before a rule decides what it needs.
    Number(String),
    String(String),
    Seq(Vec<NodeId>),
    Map(Vec<Entry>),
    /// A YAML alias: the node it refers to.
    Alias(NodeId),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: NodeId,
}

#[derive(Clone, Debug)]
struct Node {
    value: Value,
    span: Span,
    parent: usize,
    /// Index of this node in its parent's entries or items.
    slot: usize,
}

/// A key that appears twice in one mapping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DuplicateKey {
    pub key: String,
    pub first: Span,
    pub second: Span,
    /// The mapping that holds both.
    pub map: NodeId,
}

#[derive(Clone, Debug, Default)]
pub struct Tree {
    nodes: Vec<Node>,
    /// One root per document (YAML streams may hold several).
    pub documents: Vec<NodeId>,
    pub duplicate_keys: Vec<DuplicateKey>,
}

impl Tree {
    /// The node's value, with aliases followed.
    pub fn value(&self, id: NodeId) -> &Value {
        &self.nodes[self.resolve(id)].value
    }

    /// Follows an alias to the node it names. Alias targets are always complete, earlier
    /// nodes (the builder refuses recursive aliases), so this terminates.
    pub fn resolve(&self, mut id: NodeId) -> NodeId {
        while let Value::Alias(target) = self.nodes[id].value {
            id = target;
        }
        id
    }

    /// Where the node is written (for an alias: the `*name` token).
    pub fn span(&self, id: NodeId) -> Span {
        self.nodes[id].span
    }

    /// The span of the key under which the node sits, if its parent is a mapping.
    pub fn key_span(&self, id: NodeId) -> Option<Span> {
        let node = &self.nodes[id];
        if node.parent == NO_PARENT {
            return None;
        }
        match &self.nodes[node.parent].value {
            Value::Map(entries) => entries.get(node.slot).map(|e| e.key_span),
            _ => None,
        }
    }

    pub fn parent(&self, id: NodeId) -> Option<NodeId> {
        let parent = self.nodes[id].parent;
        (parent != NO_PARENT).then_some(parent)
    }

    /// The mapping's value for `key` (the first, if the key is duplicated).
    pub fn get(&self, map: NodeId, key: &str) -> Option<NodeId> {
        match self.value(map) {
            Value::Map(entries) => entries.iter().find(|e| e.key == key).map(|e| e.value),
            _ => None,
        }
    }

    pub fn entries(&self, map: NodeId) -> &[Entry] {
        match self.value(map) {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn items(&self, seq: NodeId) -> &[NodeId] {
        match self.value(seq) {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    pub fn as_str(&self, id: NodeId) -> Option<&str> {
        match self.value(id) {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The RFC 6901 JSON pointer of a node, e.g. `/nodes/welcome/options/3`.
    pub fn pointer(&self, id: NodeId) -> String {
        // The nodes from here up, then their segments written from the root down into one
        // string: no string per segment (every exported node gets a pointer).
        let mut path = Vec::new();
        let mut current = id;
        while let Some(parent) = self.parent(current) {
            path.push(current);
            current = parent;
        }
        let mut pointer = String::new();
        for &id in path.iter().rev() {
            self.push_segment(id, &mut pointer);
        }
        pointer
    }

    /// Appends the last segment of a node's pointer, with its `/` (`/options`, `/3`): nothing
    /// for a root. A node's pointer is its parent's followed by it.
    pub fn push_segment(&self, id: NodeId, pointer: &mut String) {
        let node = &self.nodes[id];
        if node.parent == NO_PARENT {
            return;
        }
        pointer.push('/');
        match &self.nodes[node.parent].value {
            Value::Map(entries) => {
                let key = entries.get(node.slot).map_or("", |e| e.key.as_str());
                if key.bytes().any(|b| b == b'~' || b == b'/') {
                    for c in key.chars() {
                        match c {
                            '~' => pointer.push_str("~0"),
                            '/' => pointer.push_str("~1"),
                            c => pointer.push(c),
                        }
                    }
                } else {
                    pointer.push_str(key);
                }
            }
            // Writing into a String cannot fail.
            _ => {
                let _ = write!(pointer, "{}", node.slot);
            }
        }
    }

    /// The node an RFC 6901 pointer names within document `root`.
    pub fn lookup(&self, root: NodeId, pointer: &str) -> Option<NodeId> {
        if pointer.is_empty() {
            return Some(root);
        }
        let mut current = root;
        for raw in pointer.strip_prefix('/')?.split('/') {
            let segment = raw.replace("~1", "/").replace("~0", "~");
            current = match self.value(current) {
                Value::Map(entries) => entries.iter().find(|e| e.key == segment)?.value,
                Value::Seq(items) => *items.get(segment.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(current)
    }

    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// The entries of mapping `id` as written so far, aliases not followed.
    fn entries_of(&self, id: NodeId) -> &[Entry] {
        match self.nodes.get(id).map(|node| &node.value) {
            Some(Value::Map(entries)) => entries,
            _ => &[],
        }
    }
}

/// Keys of a mapping up to this many are checked for duplicates by reading its entries; a
/// longer mapping indexes them, so a mapping of many keys is not read once per key.
const SCANNED_KEYS: usize = 16;

enum FrameKind {
    Map {
        pending_key: Option<(String, Span)>,
        /// Each key's first span, filled once the mapping has [`SCANNED_KEYS`] entries.
        seen: HashMap<String, Span>,
    },
    Seq,
}

struct Frame {
    node: NodeId,
    kind: FrameKind,
    /// Expanded size of the children so far, aliases counted at their target's size.
    size: u64,
    /// Expanded depth of the deepest child so far, aliases followed.
    depth: usize,
    /// A collection used as a mapping key (YAML complex key): it becomes that key's text.
    as_key: bool,
}

/// Builds a [`Tree`] from a stream of open/leaf/close calls, in document order.
pub(super) struct TreeBuilder<'t> {
    text: &'t str,
    tree: Tree,
    stack: Vec<Frame>,
    /// Expanded size and depth of each closed node; `None` while a collection is open.
    expansions: Vec<Option<Expansion>>,
}

/// What a node would become with its aliases followed: how many nodes, how deep.
#[derive(Clone, Copy)]
struct Expansion {
    size: u64,
    depth: usize,
}

impl<'t> TreeBuilder<'t> {
    pub fn new(text: &'t str) -> Self {
        TreeBuilder {
            text,
            tree: Tree::default(),
            stack: Vec::new(),
            expansions: Vec::new(),
        }
    }

    /// True when the next node is a mapping key rather than a value.
    pub fn expects_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame {
                kind: FrameKind::Map {
                    pending_key: None,
                    ..
                },
                ..
            })
        )
    }

    pub fn key(&mut self, key: String, span: Span) -> Result<(), ParseFailure> {
        let map = self.stack.last().map(|f| f.node).unwrap_or(NO_PARENT);
        if let Some(Frame {
            kind: FrameKind::Map { pending_key, seen },
            ..
        }) = self.stack.last_mut()
        {
            let entries = self.tree.entries_of(map);
            let first = if entries.len() < SCANNED_KEYS {
                entries.iter().find(|e| e.key == key).map(|e| e.key_span)
            } else {
                if seen.is_empty() {
                    for entry in entries {
                        seen.entry(entry.key.clone()).or_insert(entry.key_span);
                    }
                }
                let first = seen.get(&key).copied();
                if first.is_none() {
                    seen.insert(key.clone(), span);
                }
                first
            };
            if let Some(first) = first {
                self.tree.duplicate_keys.push(DuplicateKey {
                    key: key.clone(),
                    first,
                    second: span,
                    map,
                });
            }
            *pending_key = Some((key, span));
            Ok(())
        } else {
            Err(ParseFailure {
                message: "mapping key outside a mapping".into(),
                span,
            })
        }
    }

    pub fn leaf(&mut self, value: Value, span: Span) -> Result<NodeId, ParseFailure> {
        let expansion = match value {
            Value::Alias(target) => match self.expansions.get(target).copied().flatten() {
                Some(expansion) => expansion,
                None => {
                    return Err(ParseFailure {
                        message: "recursive alias: an alias refers to a node that contains it"
                            .into(),
                        span,
                    })
                }
            },
            _ => Expansion { size: 1, depth: 1 },
        };
        let id = self.push_node(value, span)?;
        self.expansions.push(Some(expansion));
        self.charge(expansion, span)?;
        Ok(id)
    }

    pub fn open_map(&mut self, start: usize) -> Result<NodeId, ParseFailure> {
        self.open(
            Value::Map(Vec::new()),
            FrameKind::Map {
                pending_key: None,
                seen: HashMap::new(),
            },
            start,
        )
    }

    pub fn open_seq(&mut self, start: usize) -> Result<NodeId, ParseFailure> {
        self.open(Value::Seq(Vec::new()), FrameKind::Seq, start)
    }

    fn open(
        &mut self,
        value: Value,
        kind: FrameKind,
        start: usize,
    ) -> Result<NodeId, ParseFailure> {
        let span = Span::new(start, start);
        if self.stack.len() >= MAX_NESTING {
            return Err(ParseFailure {
                message: format!("nesting deeper than {MAX_NESTING} levels"),
                span,
            });
        }
        let as_key = self.expects_key();
        let id = if as_key {
            self.detached(value, span)
        } else {
            self.push_node(value, span)?
        };
        self.expansions.push(None);
        self.stack.push(Frame {
            node: id,
            kind,
            size: 0,
            depth: 0,
            as_key,
        });
        Ok(id)
    }

    pub fn close(&mut self, end: usize) -> Result<(), ParseFailure> {
        let Some(frame) = self.stack.pop() else {
            return Err(ParseFailure {
                message: "unbalanced end of collection".into(),
                span: Span::new(end, end),
            });
        };
        // A block collection ends where its last entry does: the parser's end event stands
        // at the next token, which may be a line (or many) further on. A flow collection
        // ends with its bracket.
        let start = self.tree.nodes[frame.node].span.start;
        let bytes = self.text.as_bytes();
        let bracket = |at: Option<usize>| at.and_then(|i| bytes.get(i)).copied();
        let block = !matches!(bracket(Some(start)), Some(b'{' | b'['))
            && !matches!(bracket(end.checked_sub(1)), Some(b'}' | b']'));
        let last_end = match &self.tree.nodes[frame.node].value {
            Value::Map(entries) => entries
                .last()
                .map(|e| self.tree.nodes[e.value].span.end.max(e.key_span.end)),
            Value::Seq(items) => items.last().map(|&i| self.tree.nodes[i].span.end),
            _ => None,
        };
        let end = match last_end {
            Some(last) if block => last.min(end),
            _ => end,
        };
        let node = &mut self.tree.nodes[frame.node];
        node.span = Span::new(start, end);
        // Collections grow by doubling while they fill; give the slack back, as every
        // thread holds a tree while its file is checked.
        match &mut node.value {
            Value::Map(entries) => entries.shrink_to_fit(),
            Value::Seq(items) => items.shrink_to_fit(),
            _ => {}
        }
        let span = node.span;
        let expansion = Expansion {
            size: frame.size + 1,
            depth: frame.depth + 1,
        };
        self.expansions[frame.node] = Some(expansion);
        if frame.as_key {
            let key = self
                .text
                .get(span.start..span.end)
                .unwrap_or("")
                .to_string();
            self.key(key, span)
        } else {
            self.charge(expansion, span)
        }
    }

    /// Adds a finished child's expansion to its parent, enforcing the alias budgets: every
    /// walk over the tree that follows aliases is bounded in work and in recursion depth.
    fn charge(&mut self, child: Expansion, span: Span) -> Result<(), ParseFailure> {
        let depth = self.stack.len() + child.depth;
        if depth > MAX_EXPANDED_DEPTH {
            return Err(ParseFailure {
                message: format!(
                    "aliases nest the document deeper than {MAX_EXPANDED_DEPTH} levels"
                ),
                span,
            });
        }
        let total = match self.stack.last_mut() {
            Some(frame) => {
                frame.size = frame.size.saturating_add(child.size);
                frame.depth = frame.depth.max(child.depth);
                frame.size
            }
            None => child.size,
        };
        if total > ALIAS_EXPANSION_BUDGET {
            return Err(ParseFailure {
                message: format!(
                    "alias expansion budget exceeded: the document would expand to more than {ALIAS_EXPANSION_BUDGET} nodes"
                ),
                span,
            });
        }
        Ok(())
    }

    fn detached(&mut self, value: Value, span: Span) -> NodeId {
        self.tree.nodes.push(Node {
            value,
            span,
            parent: NO_PARENT,
            slot: 0,
        });
        self.tree.nodes.len() - 1
    }

    fn push_node(&mut self, value: Value, span: Span) -> Result<NodeId, ParseFailure> {
        let id = self.tree.nodes.len();
        let Some(frame) = self.stack.last_mut() else {
            self.tree.nodes.push(Node {
                value,
                span,
                parent: NO_PARENT,
                slot: 0,
            });
            self.tree.documents.push(id);
            return Ok(id);
        };
        let parent = frame.node;
        let slot = match (&mut frame.kind, &mut self.tree.nodes[parent].value) {
            (FrameKind::Map { pending_key, .. }, Value::Map(entries)) => {
                let Some((key, key_span)) = pending_key.take() else {
                    return Err(ParseFailure {
                        message: "mapping value without a key".into(),
                        span,
                    });
                };
                entries.push(Entry {
                    key,
                    key_span,
                    value: id,
                });
                entries.len() - 1
            }
            (FrameKind::Seq, Value::Seq(items)) => {
                items.push(id);
                items.len() - 1
            }
            _ => {
                return Err(ParseFailure {
                    message: "inconsistent collection".into(),
                    span,
                })
            }
        };
        self.tree.nodes.push(Node {
            value,
            span,
            parent,
            slot,
        });
        Ok(id)
    }

    pub fn finish(mut self) -> Tree {
        self.tree.nodes.shrink_to_fit();
        self.tree
    }
}
