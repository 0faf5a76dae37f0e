//! The graph of a conversation flow, built once per flow, and the searches rules share.

use std::collections::{HashMap, VecDeque};

use crate::model::ConversationFlow;

pub struct FlowGraph {
    /// Outgoing edges of each node, by node index, to existing nodes only.
    pub edges: Vec<Vec<usize>>,
    /// Targets of global keywords: reachable from every node.
    pub keyword_targets: Vec<usize>,
    pub entry: Option<usize>,
}

impl FlowGraph {
    pub fn new(flow: &ConversationFlow) -> Self {
        let index: HashMap<&str, usize> = flow
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.as_str(), i))
            .collect();
        let resolve = |name: &str| index.get(name).copied();
        let edges = flow
            .nodes
            .iter()
            .map(|node| {
                node.transitions()
                    .filter_map(|t| resolve(&t.value))
                    .collect()
            })
            .collect();
        let mut keyword_targets: Vec<usize> = flow
            .keywords
            .iter()
            .filter_map(|k| resolve(&k.target.value))
            .collect();
        keyword_targets.sort_unstable();
        keyword_targets.dedup();
        FlowGraph {
            edges,
            keyword_targets,
            entry: flow.entry.as_ref().and_then(|e| resolve(&e.value)),
        }
    }

    /// Breadth-first search from the entry that never enters a `blocked` node, following
    /// keywords from every visited node. Returns each node's predecessor on a shortest path
    /// (`Some(self)` for the entry), or `None` where unreached.
    pub fn search(&self, blocked: &dyn Fn(usize) -> bool) -> Vec<Option<usize>> {
        let mut parent = vec![None; self.edges.len()];
        let Some(entry) = self.entry else {
            return parent;
        };
        if blocked(entry) {
            return parent;
        }
        parent[entry] = Some(entry);
        let mut queue = VecDeque::from([entry]);
        let mut keywords_taken = false;
        while let Some(node) = queue.pop_front() {
            let keyword_edges: &[usize] = if keywords_taken {
                &[]
            } else {
                // Keywords lead to the same targets from every node: expand them once.
                keywords_taken = true;
                &self.keyword_targets
            };
            for &next in self.edges[node].iter().chain(keyword_edges) {
                if parent[next].is_none() && !blocked(next) {
                    parent[next] = Some(node);
                    queue.push_back(next);
                }
            }
        }
        parent
    }

    /// The path from the entry to `target` through a predecessor table from [`search`].
    pub fn path(parent: &[Option<usize>], target: usize) -> Vec<usize> {
        let mut path = vec![target];
        let mut current = target;
        while let Some(previous) = parent[current] {
            if previous == current || path.len() > parent.len() {
                break;
            }
            path.push(previous);
            current = previous;
        }
        path.reverse();
        path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(edges: Vec<Vec<usize>>, keywords: Vec<usize>) -> FlowGraph {
        FlowGraph {
            edges,
            keyword_targets: keywords,
            entry: Some(0),
        }
    }

    #[test]
    fn search_avoids_blocked_nodes_and_reports_shortest_paths() {
        // 0 → 1 → 3, 0 → 2 → 3; 2 is blocked.
        let g = graph(vec![vec![1, 2], vec![3], vec![3], vec![]], vec![]);
        let parent = g.search(&|n| n == 2);
        assert_eq!(parent[2], None);
        assert_eq!(FlowGraph::path(&parent, 3), vec![0, 1, 3]);
    }

    #[test]
    fn keywords_are_edges_from_every_node() {
        let g = graph(vec![vec![], vec![], vec![]], vec![2]);
        let parent = g.search(&|_| false);
        assert_eq!(parent[2], Some(0));
        assert_eq!(parent[1], None);
    }

    #[test]
    fn search_is_linear_on_a_large_graph() {
        let n = 100_000;
        let edges = (0..n)
            .map(|i| vec![(i + 1) % n, (i * 7) % n, (i * 13) % n])
            .collect();
        let g = graph(edges, vec![n - 1]);
        let parent = g.search(&|_| false);
        assert!(parent.iter().all(Option::is_some));
    }
}
