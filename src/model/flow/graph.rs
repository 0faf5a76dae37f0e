//! The graph of a conversation flow, built once when the flow is read or lowered.
//!
//! Nodes are the flow's nodes by index. Each edge keeps the node of the value that creates
//! it (`next: track` → the `track` string, whose key is `next`), so a rule can point at the
//! exact transition. Global keywords are edges from every node: they are kept once, as
//! targets. The searches over it are the rules' (`rules::graph`).

use std::collections::HashMap;

use super::{FlowNode, KeywordRoute, Via};
use crate::model::AtNode;
use crate::source::NodeId;

/// A transition to an existing node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edge {
    pub to: usize,
    /// The value naming the target; its key (`next`, `fallback`, a keyword) created the edge.
    pub at: NodeId,
    pub via: Via,
}

#[derive(Clone, Debug, Default)]
pub struct FlowGraph {
    /// Out-edges of node `i` are `edges[offsets[i]..offsets[i + 1]]`, in written order.
    offsets: Vec<usize>,
    edges: Vec<Edge>,
    /// Keyword edges, which lead to their target from every node (`at`: the keyword's
    /// value, whose key is the keyword).
    keywords: Vec<Edge>,
    pub entry: Option<usize>,
    /// Node ids to indices; a duplicated id names its first node.
    index: HashMap<String, usize>,
}

impl FlowGraph {
    pub fn new(
        nodes: &[FlowNode],
        keywords: &[KeywordRoute],
        entry: Option<&AtNode<String>>,
    ) -> Self {
        let mut index = HashMap::with_capacity(nodes.len());
        for (i, node) in nodes.iter().enumerate() {
            index.entry(node.id.clone()).or_insert(i);
        }
        let mut offsets = Vec::with_capacity(nodes.len() + 1);
        let mut edges = Vec::new();
        for node in nodes {
            offsets.push(edges.len());
            edges.extend(node.edges().filter_map(|(via, target)| {
                Some(Edge {
                    to: *index.get(target.value.as_str())?,
                    at: target.node,
                    via,
                })
            }));
        }
        offsets.push(edges.len());
        let keywords = keywords
            .iter()
            .filter_map(|k| {
                Some(Edge {
                    to: *index.get(k.target.value.as_str())?,
                    at: k.target.node,
                    via: Via::Keyword,
                })
            })
            .collect();
        let entry = entry.and_then(|e| index.get(e.value.as_str()).copied());
        FlowGraph {
            offsets,
            edges,
            keywords,
            entry,
            index,
        }
    }

    /// A graph from adjacency lists, with node 0 as the entry: the searches' tests build
    /// their graphs by hand. Edge `at` is a made-up node id.
    #[cfg(test)]
    pub fn from_adjacency(adjacency: &[&[usize]], keywords: &[usize]) -> Self {
        let mut offsets = Vec::new();
        let mut edges = Vec::new();
        for (from, targets) in adjacency.iter().enumerate() {
            offsets.push(edges.len());
            for (i, &to) in targets.iter().enumerate() {
                edges.push(Edge {
                    to,
                    at: from * 100 + i,
                    via: Via::Next,
                });
            }
        }
        offsets.push(edges.len());
        let keywords = keywords
            .iter()
            .map(|&to| Edge {
                to,
                at: 0,
                via: Via::Keyword,
            })
            .collect();
        FlowGraph {
            offsets,
            edges,
            keywords,
            entry: Some(0),
            index: (0..adjacency.len()).map(|i| (format!("n{i}"), i)).collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// A flow without nodes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The index of the node with this id.
    pub fn resolve(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// The node's own transitions to existing nodes (keywords not included).
    pub fn out(&self, node: usize) -> &[Edge] {
        match (self.offsets.get(node), self.offsets.get(node + 1)) {
            (Some(&start), Some(&end)) => self.edges.get(start..end).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// Keyword edges, from every node.
    pub fn keywords(&self) -> &[Edge] {
        &self.keywords
    }
}

#[cfg(test)]
mod tests {
    use crate::model::flow::Via;

    #[test]
    fn builds_edges_with_the_node_that_creates_them() {
        let text = "flow: f\nentry: a\nkeywords: {STOP: c, HELP: nowhere}\nnodes:\n  a: {type: menu, options: [{title: x, next: b}, {title: y, next: ghost}], fallback: a}\n  b: {type: message, text: hi, next: c}\n  c: {type: end}\n";
        let tree = crate::source::parse(text, crate::source::Format::Yaml).unwrap();
        let contents = crate::model::read(&tree);
        let crate::model::Document::Flow(flow) = &contents.documents[0] else {
            panic!("not a flow");
        };
        let g = flow.graph();
        assert_eq!(g.len(), 3);
        assert!(!g.is_empty());
        assert_eq!(g.entry, Some(0));
        let out: Vec<(usize, Via, String)> = g
            .out(0)
            .iter()
            .map(|e| (e.to, e.via, tree.pointer(e.at)))
            .collect();
        assert_eq!(
            out,
            [
                (1, Via::Option(0), "/nodes/a/options/0/next".to_string()),
                (0, Via::Fallback, "/nodes/a/fallback".to_string()),
            ]
        );
        let keywords: Vec<(usize, String)> = g
            .keywords()
            .iter()
            .map(|e| (e.to, tree.pointer(e.at)))
            .collect();
        // `HELP: nowhere` names no node: it is WA206's finding, not an edge.
        assert_eq!(keywords, [(2, "/keywords/STOP".to_string())]);
        assert_eq!(g.resolve("b"), Some(1));
        assert_eq!(g.resolve("ghost"), None);
        assert!(g.out(7).is_empty());
    }
}
