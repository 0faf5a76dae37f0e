//! The searches rules share over a conversation flow's graph (built with the model,
//! `model::flow::FlowGraph`) and over any other graph of successors.
//!
//! Global keywords are edges from every node: every search expands them once, so nothing
//! here is worse than linear in nodes plus edges.

use std::collections::VecDeque;

use crate::model::flow::FlowGraph;

/// What a search does on meeting a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Enter the node and go on from it.
    Pass,
    /// Enter the node but go no further.
    Stop,
    /// Never enter the node.
    Avoid,
}

/// A node's part in the depth of menus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// A menu: one more question before an answer.
    Menu,
    /// Routing the customer does not see (conditions, waits).
    Pass,
    /// An answer or a person: the count starts again after it.
    Answer,
}

const NONE: usize = usize::MAX;

/// The result of a breadth-first search: for each reached node, its predecessor on a
/// shortest path from one of the starts.
#[derive(Clone, Debug)]
pub struct Paths {
    parent: Vec<usize>,
}

impl Paths {
    pub fn reached(&self, node: usize) -> bool {
        self.parent.get(node).is_some_and(|&p| p != NONE)
    }

    /// The path from the start that reaches `node` first, to `node`; empty if unreached.
    pub fn path(&self, node: usize) -> Vec<usize> {
        if !self.reached(node) {
            return Vec::new();
        }
        let mut path = vec![node];
        let mut current = node;
        while let Some(&previous) = self.parent.get(current) {
            if previous == current || previous == NONE || path.len() > self.parent.len() {
                break;
            }
            path.push(previous);
            current = previous;
        }
        path.reverse();
        path
    }

    /// Calls `visit(node, path)` for every reached node, in no particular order, with the
    /// path [`Paths::path`] gives it. The tree of shortest paths is walked once, keeping the
    /// current path: linear in the nodes, however long the paths are.
    pub fn for_each_path(&self, mut visit: impl FnMut(usize, &[usize])) {
        let n = self.parent.len();
        let is_start = |node: usize| self.parent.get(node) == Some(&node);
        // Children in compressed rows, from the parents.
        let mut starts = vec![0usize; n + 1];
        for (node, &parent) in self.parent.iter().enumerate() {
            if parent != NONE && !is_start(node) && parent < n {
                starts[parent + 1] += 1;
            }
        }
        for i in 0..n {
            starts[i + 1] += starts[i];
        }
        let mut fill = starts.clone();
        let mut children = vec![0usize; starts[n]];
        for (node, &parent) in self.parent.iter().enumerate() {
            if parent != NONE && !is_start(node) && parent < n {
                children[fill[parent]] = node;
                fill[parent] += 1;
            }
        }
        let mut path = Vec::new();
        // (node, index of its next child to visit)
        let mut stack: Vec<(usize, usize)> = Vec::new();
        for start in (0..n).filter(|&node| is_start(node)) {
            path.push(start);
            visit(start, &path);
            stack.push((start, starts[start]));
            while let Some((node, next)) = stack.last_mut() {
                if *next < starts[*node + 1] {
                    let child = children[*next];
                    *next += 1;
                    path.push(child);
                    visit(child, &path);
                    stack.push((child, starts[child]));
                } else {
                    stack.pop();
                    path.pop();
                }
            }
        }
    }

    /// How many nodes were reached.
    #[cfg(test)]
    pub fn count(&self) -> usize {
        self.parent.iter().filter(|&&p| p != NONE).count()
    }
}

/// What the searches walk: nodes `0..len()`, each with its own successors, and the targets
/// every node leads to (a flow's global keywords), which a search expands once. A flow's
/// [`FlowGraph`] is one; so is any other graph a rule builds (a WhatsApp Flow's screens).
pub trait Successors {
    fn len(&self) -> usize;
    /// The node's own successors, in order.
    fn successors(&self, node: usize) -> impl Iterator<Item = usize> + '_;
    /// The targets of edges from every node; none unless the graph has such edges.
    fn targets_from_every_node(&self) -> impl Iterator<Item = usize> + '_ {
        std::iter::empty()
    }
}

impl Successors for FlowGraph {
    fn len(&self) -> usize {
        FlowGraph::len(self)
    }

    fn successors(&self, node: usize) -> impl Iterator<Item = usize> + '_ {
        self.out(node).iter().map(|e| e.to)
    }

    fn targets_from_every_node(&self) -> impl Iterator<Item = usize> + '_ {
        self.keywords().iter().map(|e| e.to)
    }
}

/// Breadth-first search from `starts` (in order). `step` decides for each node met whether
/// the search enters it and goes on from it; starts are subject to it too. With
/// `keywords`, the keyword targets count as successors of every entered node.
pub fn search(
    graph: &impl Successors,
    starts: &[usize],
    keywords: bool,
    step: impl Fn(usize) -> Step,
) -> Paths {
    let n = graph.len();
    let mut parent = vec![NONE; n];
    let mut queue = VecDeque::new();
    for &start in starts {
        if start < n && parent[start] == NONE && step(start) != Step::Avoid {
            parent[start] = start;
            queue.push_back(start);
        }
    }
    let mut keywords_taken = !keywords;
    while let Some(node) = queue.pop_front() {
        if step(node) == Step::Stop {
            continue;
        }
        let mut enter = |next: usize| {
            if next < n && parent[next] == NONE && step(next) != Step::Avoid {
                parent[next] = node;
                queue.push_back(next);
            }
        };
        graph.successors(node).for_each(&mut enter);
        if !keywords_taken {
            // Keywords lead to the same targets from every node: expand them once.
            keywords_taken = true;
            graph.targets_from_every_node().for_each(&mut enter);
        }
    }
    Paths { parent }
}

/// Forward reachability from `starts` over the graph's own edges: what can be got to.
pub fn reachable(graph: &impl Successors, starts: &[usize]) -> Paths {
    search(graph, starts, false, |_| Step::Pass)
}

/// Forward reachability from the entry, keywords included: the nodes a customer can get to.
pub fn reachable_from_entry(graph: &FlowGraph) -> Paths {
    let starts: Vec<usize> = graph.entry.into_iter().collect();
    search(graph, &starts, true, |_| Step::Pass)
}

/// Reverse reachability: the nodes from which some node in `targets` can be reached
/// (targets included). With `keywords`, a keyword edge leads from every node to its target.
pub fn reaches(graph: &FlowGraph, targets: &[bool], keywords: bool) -> Vec<bool> {
    let n = graph.len();
    // Predecessors in compressed rows, built in two linear passes.
    let mut counts = vec![0usize; n + 1];
    for node in 0..n {
        for edge in graph.out(node) {
            counts[edge.to + 1] += 1;
        }
    }
    for i in 0..n {
        counts[i + 1] += counts[i];
    }
    let starts = counts.clone();
    let mut fill = counts;
    let mut predecessors = vec![0usize; starts[n]];
    for node in 0..n {
        for edge in graph.out(node) {
            predecessors[fill[edge.to]] = node;
            fill[edge.to] += 1;
        }
    }
    let mut seen: Vec<bool> = (0..n)
        .map(|i| targets.get(i).copied().unwrap_or(false))
        .collect();
    let mut queue: VecDeque<usize> = (0..n).filter(|&i| seen[i]).collect();
    while let Some(node) = queue.pop_front() {
        for &previous in &predecessors[starts[node]..starts[node + 1]] {
            if !seen[previous] {
                seen[previous] = true;
                queue.push_back(previous);
            }
        }
    }
    // A keyword target that reaches a target makes every node reach it: send the keyword.
    if keywords && graph.keywords().iter().any(|k| seen[k.to]) {
        seen.iter_mut().for_each(|s| *s = true);
    }
    seen
}

/// The number of menus a customer goes through in a row to get to each node, on the
/// shortest way from the entry: an answer (or a person) starts the count again, a menu adds
/// one, routing adds nothing. `depth[i]` is `None` where the entry does not lead.
#[derive(Clone, Debug)]
pub struct MenuDepth {
    pub depth: Vec<Option<u32>>,
    parent: Vec<usize>,
}

impl MenuDepth {
    /// The menus (and routing) in a row that lead to `node`, starting after the last answer.
    pub fn chain(&self, node: usize, role: impl Fn(usize) -> Role) -> Vec<usize> {
        let mut chain = Vec::new();
        let mut current = node;
        while chain.len() <= self.parent.len() {
            chain.push(current);
            match self.parent.get(current) {
                Some(&previous) if previous != current && previous != NONE => {
                    if role(previous) == Role::Answer {
                        break;
                    }
                    current = previous;
                }
                _ => break,
            }
        }
        chain.reverse();
        chain
    }
}

/// 0-1 breadth-first search for [`MenuDepth`]; linear in nodes plus edges.
pub fn menu_depth(graph: &FlowGraph, role: impl Fn(usize) -> Role) -> MenuDepth {
    let n = graph.len();
    let mut depth: Vec<Option<u32>> = vec![None; n];
    let mut parent = vec![NONE; n];
    let reachable = reachable_from_entry(graph);
    let cost = |node: usize| u32::from(role(node) == Role::Menu);
    let mut queue = VecDeque::new();
    // Every answer the customer can get to starts the count again.
    for node in (0..n).filter(|&i| reachable.reached(i) && role(i) == Role::Answer) {
        depth[node] = Some(0);
        parent[node] = node;
        queue.push_back(node);
    }
    // The entry, and keyword targets (a keyword can be the first thing a customer sends).
    let keyword_targets = graph.keywords().iter().map(|k| k.to);
    for start in graph.entry.into_iter().chain(keyword_targets) {
        let d = cost(start);
        if depth[start].is_none_or(|old| d < old) {
            depth[start] = Some(d);
            parent[start] = start;
            if d == 0 {
                queue.push_front(start);
            } else {
                queue.push_back(start);
            }
        }
    }
    let mut done = vec![false; n];
    while let Some(node) = queue.pop_front() {
        if std::mem::replace(&mut done[node], true) {
            continue;
        }
        let Some(here) = depth[node] else { continue };
        let here = if role(node) == Role::Answer { 0 } else { here };
        for edge in graph.out(node) {
            let next = edge.to;
            if role(next) == Role::Answer {
                continue; // already a start at 0
            }
            let weight = cost(next);
            let candidate = here + weight;
            if depth[next].is_none_or(|old| candidate < old) {
                depth[next] = Some(candidate);
                parent[next] = node;
                if weight == 0 {
                    queue.push_front(next);
                } else {
                    queue.push_back(next);
                }
            }
        }
    }
    MenuDepth { depth, parent }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(adjacency: &[&[usize]], keywords: &[usize]) -> FlowGraph {
        FlowGraph::from_adjacency(adjacency, keywords)
    }

    #[test]
    fn every_path_is_walked_once_as_path_gives_it() {
        // Two starts, a cycle, a node avoided and one never reached.
        let g = graph(&[&[1, 2], &[3], &[3, 4], &[1], &[], &[4], &[0]], &[]);
        let paths = search(&g, &[0, 5], false, |n| {
            if n == 2 {
                Step::Avoid
            } else {
                Step::Pass
            }
        });
        let mut seen = Vec::new();
        paths.for_each_path(|node, path| {
            assert_eq!(path, paths.path(node).as_slice(), "node {node}");
            seen.push(node);
        });
        seen.sort_unstable();
        assert_eq!(seen, [0, 1, 3, 4, 5]);
        assert_eq!(paths.path(3), [0, 1, 3]);
    }

    #[test]
    fn search_avoids_nodes_and_reports_shortest_paths() {
        // 0 → 1 → 3, 0 → 2 → 3; 2 is avoided.
        let g = graph(&[&[1, 2], &[3], &[3], &[]], &[]);
        let paths = search(&g, &[0], true, |n| {
            if n == 2 {
                Step::Avoid
            } else {
                Step::Pass
            }
        });
        assert!(!paths.reached(2));
        assert_eq!(paths.path(3), vec![0, 1, 3]);
        assert!(paths.path(2).is_empty());
    }

    #[test]
    fn search_enters_stop_nodes_but_goes_no_further() {
        let g = graph(&[&[1], &[2], &[]], &[]);
        let paths = search(&g, &[0], false, |n| {
            if n == 1 {
                Step::Stop
            } else {
                Step::Pass
            }
        });
        assert!(paths.reached(1));
        assert!(!paths.reached(2));
    }

    #[test]
    fn search_from_several_starts_finds_the_nearest() {
        let g = graph(&[&[2], &[3], &[4], &[4], &[]], &[]);
        let paths = search(&g, &[0, 1], false, |_| Step::Pass);
        assert_eq!(paths.path(4), vec![0, 2, 4]);
        assert_eq!(paths.path(3), vec![1, 3]);
        assert_eq!(paths.count(), 5);
    }

    #[test]
    fn keywords_are_edges_targets_from_every_node() {
        let g = graph(&[&[], &[], &[]], &[2]);
        let paths = reachable_from_entry(&g);
        assert_eq!(paths.path(2), vec![0, 2]);
        assert!(!paths.reached(1));
        let without = search(&g, &[0], false, |_| Step::Pass);
        assert!(!without.reached(2));
    }

    #[test]
    fn reverse_reachability_to_a_set() {
        // 0 → 1 → 2, 3 → 3 (a loop), 4 alone; target {2}.
        let g = graph(&[&[1], &[2], &[], &[3], &[]], &[]);
        let targets = [false, false, true, false, false];
        assert_eq!(
            reaches(&g, &targets, true),
            [true, true, true, false, false]
        );
    }

    #[test]
    fn a_keyword_to_a_target_reaches_it_from_everywhere() {
        let g = graph(&[&[1], &[], &[3], &[]], &[2]);
        let targets = [false, false, false, true];
        assert!(reaches(&g, &targets, true).iter().all(|&r| r));
        assert_eq!(reaches(&g, &targets, false), [false, false, true, true]);
        // A keyword to a node that leads nowhere helps nobody.
        let g = graph(&[&[1], &[], &[], &[]], &[2]);
        assert_eq!(reaches(&g, &targets, true), [false, false, false, true]);
    }

    #[test]
    fn menu_depth_counts_menus_in_a_row_and_restarts_after_answers() {
        // 0 menu → 1 menu → 2 menu → 3 answer → 4 menu → 5 pass → 6 menu
        let g = graph(&[&[1], &[2], &[3], &[4], &[5], &[6], &[]], &[]);
        let roles = [
            Role::Menu,
            Role::Menu,
            Role::Menu,
            Role::Answer,
            Role::Menu,
            Role::Pass,
            Role::Menu,
        ];
        let role = |n: usize| roles[n];
        let d = menu_depth(&g, role);
        let depths: Vec<Option<u32>> = d.depth.clone();
        assert_eq!(
            depths,
            [
                Some(1),
                Some(2),
                Some(3),
                Some(0),
                Some(1),
                Some(1),
                Some(2)
            ]
        );
        assert_eq!(d.chain(2, role), vec![0, 1, 2]);
        assert_eq!(d.chain(6, role), vec![4, 5, 6]);
    }

    #[test]
    fn menu_depth_takes_the_shortest_way_and_keywords() {
        // 0 menu → 1 menu → 2 menu → 3 menu; 0 → 3 directly too. Keyword to 2.
        let g = graph(&[&[1, 3], &[2], &[3], &[]], &[2]);
        let d = menu_depth(&g, |_| Role::Menu);
        assert_eq!(d.depth, [Some(1), Some(2), Some(1), Some(2)]);
        // Unreached nodes have no depth.
        let g = graph(&[&[], &[0]], &[]);
        let d = menu_depth(&g, |_| Role::Menu);
        assert_eq!(d.depth, [Some(1), None]);
    }

    #[test]
    fn searches_are_linear_on_a_large_graph() {
        let n = 200_000;
        let adjacency: Vec<Vec<usize>> = (0..n)
            .map(|i| vec![(i + 1) % n, (i * 7) % n, (i * 13) % n])
            .collect();
        let lists: Vec<&[usize]> = adjacency.iter().map(Vec::as_slice).collect();
        let g = graph(&lists, &[n - 1]);
        let start = std::time::Instant::now();
        assert_eq!(reachable_from_entry(&g).count(), n);
        let mut targets = vec![false; n];
        targets[n / 2] = true;
        assert!(reaches(&g, &targets, false).iter().all(|&r| r));
        let d = menu_depth(&g, |i| if i % 5 == 0 { Role::Answer } else { Role::Menu });
        assert!(d.depth.iter().all(Option::is_some));
        // Generous: quadratic work on 200,000 nodes would take minutes.
        assert!(start.elapsed().as_secs() < 20);
    }

    /// A graph that is not a conversation flow's: nodes and their successors, nothing else.
    struct Adjacency(Vec<Vec<usize>>);

    impl Successors for Adjacency {
        fn len(&self) -> usize {
            self.0.len()
        }

        fn successors(&self, node: usize) -> impl Iterator<Item = usize> + '_ {
            self.0[node].iter().copied()
        }
    }

    #[test]
    fn any_graph_of_successors_is_searched_alike() {
        // 0 → 1 → 2 ⇄ 0, and 3 → 0 that nothing reaches; an edge to 9 leads nowhere.
        let graph = Adjacency(vec![vec![1, 9], vec![2], vec![0], vec![0]]);
        let paths = reachable(&graph, &[0]);
        assert_eq!(
            (0..4).map(|n| paths.reached(n)).collect::<Vec<_>>(),
            [true, true, true, false]
        );
        assert_eq!(paths.path(2), [0, 1, 2]);
        // Starts outside the graph are ignored.
        assert_eq!(reachable(&graph, &[7]).count(), 0);
        assert_eq!(reachable(&graph, &[3]).count(), 4);
    }
}
