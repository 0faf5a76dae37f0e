//! The modules of `src/` form no cycle: data flows one way (paths → files → documents →
//! workspace → rules → diagnostics → report), and no module reaches back into one that uses
//! it. The graph is read from the paths the sources name (`use crate::…`, `crate::…` and
//! `super::…` in code, `pub use` re-exports followed to the module that defines the item).
//!
//! A module's own submodules are part of it here: `rules` using `rules::flows` and
//! `rules::flows` using `rules::Context` is one module talking to itself, while
//! `rules::links` using `rules::templates` is an edge between the two siblings, and
//! `config` using `rules::secrets` one from `config` to `rules`.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;

/// A module path: `[]` is the crate root, `["rules", "links"]` is `crate::rules::links`.
type ModulePath = Vec<String>;

fn name(module: &[String]) -> String {
    if module.is_empty() {
        "crate".to_string()
    } else {
        module.join("::")
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Ident(String),
    /// `::`
    PathSep,
    Punct(char),
}

/// The code tokens of a Rust source, each with its line: comments, string, byte-string and
/// character literals are left out, so a path written in a doc comment or a message does
/// not count.
fn tokens(source: &str) -> Vec<(Token, usize)> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            // Block comments nest in Rust.
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if chars[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
        } else if c == '"' || ((c == 'b' || c == 'r') && starts_raw_or_byte_string(&chars, i)) {
            // Skip the prefix (`b`, `r`, `br`) and any `#`s of a raw string.
            let mut raw = false;
            while chars[i] != '"' && chars[i] != '#' {
                raw |= chars[i] == 'r';
                i += 1;
            }
            let mut hashes = 0;
            while chars[i] == '#' {
                hashes += 1;
                i += 1;
            }
            i += 1; // the opening quote
            while i < chars.len() {
                match chars[i] {
                    '\\' if !raw => i += 2,
                    '"' if (0..hashes).all(|k| at(i + 1 + k) == '#') => {
                        i += 1 + hashes;
                        break;
                    }
                    ch => {
                        if ch == '\n' {
                            line += 1;
                        }
                        i += 1;
                    }
                }
            }
        } else if c == '\'' || (c == 'b' && at(i + 1) == '\'') {
            // A character literal (`'x'`, `'\n'`, `b'{'`) or a lifetime (`'a`, `'static`).
            let quote = if c == 'b' { i + 1 } else { i };
            if at(quote + 1) == '\\' {
                i = quote + 3; // past the backslash and the escaped character
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(quote + 2) == '\'' {
                i = quote + 3;
            } else {
                i = quote + 1; // a lifetime: its name is read as an identifier next
            }
        } else if c.is_alphabetic() || c == '_' {
            if c == 'r' && at(i + 1) == '#' {
                i += 2; // a raw identifier, `r#type`
            }
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            out.push((Token::Ident(word), line));
        } else if c == ':' && at(i + 1) == ':' {
            out.push((Token::PathSep, line));
            i += 2;
        } else {
            out.push((Token::Punct(c), line));
            i += 1;
        }
    }
    out
}

/// `b"…"`, `r"…"`, `r#"…"#`, `br"…"` start at `i`.
fn starts_raw_or_byte_string(chars: &[char], i: usize) -> bool {
    let preceded_by_word = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
    if preceded_by_word {
        return false;
    }
    let mut k = i;
    if chars.get(k) == Some(&'b') {
        k += 1;
    }
    if chars.get(k) == Some(&'r') {
        k += 1;
        while chars.get(k) == Some(&'#') {
            k += 1;
        }
    }
    k > i && chars.get(k) == Some(&'"')
}

/// One path a source names, made absolute.
#[derive(Debug)]
struct Named {
    path: ModulePath,
    line: usize,
    /// `b` of `a::B as b`.
    alias: Option<String>,
}

/// Reads the path (or use tree) that starts at `tokens[i]`, relative to `prefix`, into `out`;
/// returns the index after it. `a::b`, `a::{b, c::{d, self}}`, `a::*`, `a::b as c`.
fn use_tree(
    tokens: &[(Token, usize)],
    mut i: usize,
    mut prefix: ModulePath,
    out: &mut Vec<Named>,
) -> usize {
    let line = tokens.get(i).map_or(0, |t| t.1);
    loop {
        match tokens.get(i).map(|t| &t.0) {
            Some(Token::Ident(word)) if word == "self" => i += 1,
            Some(Token::Ident(word)) if word == "super" => {
                prefix.pop();
                i += 1;
            }
            Some(Token::Ident(word)) => {
                prefix.push(word.clone());
                i += 1;
            }
            Some(Token::Punct('{')) => {
                i += 1;
                loop {
                    match tokens.get(i).map(|t| &t.0) {
                        Some(Token::Punct('}')) | None => return i + 1,
                        Some(Token::Punct(',')) => i += 1,
                        _ => i = use_tree(tokens, i, prefix.clone(), out).max(i + 1),
                    }
                }
            }
            Some(Token::Punct('*')) => {
                i += 1;
                break;
            }
            _ => break,
        }
        if tokens.get(i).map(|t| &t.0) != Some(&Token::PathSep) {
            break;
        }
        i += 1;
    }
    let mut alias = None;
    if let (Some(Token::Ident(word)), Some(Token::Ident(name))) =
        (tokens.get(i).map(|t| &t.0), tokens.get(i + 1).map(|t| &t.0))
    {
        if word == "as" {
            alias = Some(name.clone());
            i += 2;
        }
    }
    out.push(Named {
        path: prefix,
        line,
        alias,
    });
    i
}

/// What one source file names: every absolute path of its code, and its re-exports
/// (`pub use a::B`: `B` of this module is `a::B`), relative paths read as its submodules'.
#[derive(Debug, Default)]
struct Source {
    named: Vec<Named>,
    reexports: BTreeMap<String, ModulePath>,
}

fn read_source(module: &[String], text: &str) -> Source {
    let tokens = tokens(text);
    let mut source = Source::default();
    // Inline modules (`mod tests { … }`) with the brace depth they opened at: `super::`
    // inside one is the file's own module.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0;
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i].0 {
            Token::Punct('{') => depth += 1,
            Token::Punct('}') => {
                depth -= 1;
                if inline.last().is_some_and(|&(_, d)| d == depth) {
                    inline.pop();
                }
            }
            Token::Ident(word) if word == "mod" => {
                if let (Some((Token::Ident(name), _)), Some((Token::Punct('{'), _))) =
                    (tokens.get(i + 1), tokens.get(i + 2))
                {
                    inline.push((name.clone(), depth));
                    depth += 1;
                    i += 3;
                    continue;
                }
            }
            Token::Ident(word) if word == "pub" && inline.is_empty() => {
                // `pub use …;` or `pub(crate) use …;` of the file's own module: a relative
                // path starts at one of its submodules.
                let mut k = i + 1;
                if tokens.get(k).map(|t| &t.0) == Some(&Token::Punct('(')) {
                    while tokens.get(k).is_some_and(|t| t.0 != Token::Punct(')')) {
                        k += 1;
                    }
                    k += 1;
                }
                if tokens.get(k).map(|t| &t.0) == Some(&Token::Ident("use".into())) {
                    let (prefix, start) = match tokens.get(k + 1).map(|t| &t.0) {
                        Some(Token::Ident(w)) if w == "crate" => (Vec::new(), k + 3),
                        _ => (module.to_vec(), k + 1),
                    };
                    let before = source.named.len();
                    i = use_tree(&tokens, start, prefix, &mut source.named);
                    for named in &source.named[before..] {
                        let shown = named.alias.clone().or_else(|| named.path.last().cloned());
                        if let Some(shown) = shown.filter(|_| named.path.as_slice() != module) {
                            source.reexports.insert(shown, named.path.clone());
                        }
                    }
                    continue;
                }
            }
            Token::Ident(word)
                if (word == "crate" || word == "super" || word == "self")
                    && tokens.get(i + 1).map(|t| &t.0) == Some(&Token::PathSep)
                    && (i == 0 || tokens[i - 1].0 != Token::PathSep) =>
            {
                let (prefix, start) = if word == "crate" {
                    (Vec::new(), i + 2)
                } else {
                    let mut current = module.to_vec();
                    current.extend(inline.iter().map(|(name, _)| name.clone()));
                    (current, i)
                };
                i = use_tree(&tokens, start, prefix, &mut source.named);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    source
}

/// An edge of the graph with the first place that makes it.
#[derive(Debug, Clone)]
struct Witness {
    file: String,
    line: usize,
    path: String,
}

struct Graph {
    edges: BTreeMap<ModulePath, BTreeMap<ModulePath, Witness>>,
}

/// The module a path lands in: its longest prefix that is a module, following re-exports.
fn resolve(
    path: &[String],
    modules: &BTreeMap<ModulePath, Source>,
    hops: usize,
) -> Option<ModulePath> {
    let module = (0..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|prefix| modules.contains_key(prefix))?;
    if hops > 0 {
        if let Some(item) = path.get(module.len()) {
            if let Some(target) = modules[&module].reexports.get(item) {
                let mut through = target.clone();
                through.extend(path[module.len() + 1..].iter().cloned());
                if let Some(found) = resolve(&through, modules, hops - 1) {
                    return Some(found);
                }
            }
        }
    }
    Some(module)
}

/// The graph of some sources, given as `(module path, file name, text)`.
fn graph(files: &[(ModulePath, String, String)]) -> Graph {
    let modules: BTreeMap<ModulePath, Source> = files
        .iter()
        .map(|(module, _, text)| (module.clone(), read_source(module, text)))
        .collect();
    let mut edges: BTreeMap<ModulePath, BTreeMap<ModulePath, Witness>> = BTreeMap::new();
    for (module, file, _) in files {
        edges.entry(module.clone()).or_default();
        for named in &modules[module].named {
            let Some(target) = resolve(&named.path, &modules, 8) else {
                continue;
            };
            if target.starts_with(module) || module.starts_with(&target) {
                continue; // itself, one of its submodules or one of its parents
            }
            let common = module
                .iter()
                .zip(&target)
                .take_while(|(a, b)| a == b)
                .count();
            let from = module[..=common].to_vec();
            let to = target[..=common].to_vec();
            edges
                .entry(from)
                .or_default()
                .entry(to)
                .or_insert_with(|| Witness {
                    file: file.clone(),
                    line: named.line,
                    path: named.path.join("::"),
                });
        }
    }
    Graph { edges }
}

impl Graph {
    fn has_edge(&self, from: &str, to: &str) -> bool {
        let split = |s: &str| s.split("::").map(String::from).collect::<ModulePath>();
        self.edges
            .get(&split(from))
            .is_some_and(|targets| targets.contains_key(&split(to)))
    }

    /// The shortest cycle through each module that is on one, each described once.
    fn cycles(&self) -> Vec<String> {
        let mut seen: BTreeSet<BTreeSet<ModulePath>> = BTreeSet::new();
        let mut out = Vec::new();
        for start in self.edges.keys() {
            // Breadth-first from `start`'s targets back to `start`.
            let mut previous: BTreeMap<&ModulePath, &ModulePath> = BTreeMap::new();
            let mut queue: VecDeque<&ModulePath> = VecDeque::new();
            queue.push_back(start);
            let mut found = false;
            'search: while let Some(at) = queue.pop_front() {
                for next in self.edges.get(at).into_iter().flat_map(|t| t.keys()) {
                    if next == start {
                        previous.insert(start, at);
                        found = true;
                        break 'search;
                    }
                    if !previous.contains_key(next) {
                        previous.insert(next, at);
                        queue.push_back(next);
                    }
                }
            }
            if !found {
                continue;
            }
            let mut cycle = vec![start];
            let mut at = previous[start];
            while at != start {
                cycle.push(at);
                at = previous[at];
            }
            cycle.reverse();
            let members: BTreeSet<ModulePath> = cycle.iter().map(|m| (*m).clone()).collect();
            if !seen.insert(members) {
                continue;
            }
            let mut text = String::new();
            for (k, from) in cycle.iter().enumerate() {
                let to = cycle[(k + 1) % cycle.len()];
                let witness = &self.edges[*from][to];
                text.push_str(&format!(
                    "  {} → {}  ({}:{} names {})\n",
                    name(from),
                    name(to),
                    witness.file,
                    witness.line,
                    witness.path
                ));
            }
            out.push(text);
        }
        out
    }
}

/// Every module of the library crate (`src/main.rs` is the binary, which sees the library
/// from outside).
fn library_sources() -> Vec<(ModulePath, String, String)> {
    fn walk(dir: &Path, module: &[String], out: &mut Vec<(ModulePath, String, String)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            let stem = path.file_stem().unwrap().to_string_lossy().to_string();
            if path.is_dir() {
                let mut inner = module.to_vec();
                inner.push(stem);
                walk(&path, &inner, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let mut this = module.to_vec();
                match (module.is_empty(), stem.as_str()) {
                    (true, "main") => continue,
                    (true, "lib") | (false, "mod") => {}
                    _ => this.push(stem),
                }
                let shown = path
                    .strip_prefix(env!("CARGO_MANIFEST_DIR"))
                    .unwrap_or(&path)
                    .display()
                    .to_string();
                out.push((this, shown, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &[],
        &mut out,
    );
    out
}

#[test]
fn the_module_graph_has_no_cycle() {
    let graph = graph(&library_sources());
    // The reading works: the edges every run depends on are there.
    for (from, to) in [
        ("engine", "rules"),
        ("rules", "model"),
        ("model", "source"),
        ("report", "diagnostic"),
        ("rules", "text"),
        ("rules::templates", "rules::wording"),
    ] {
        assert!(graph.has_edge(from, to), "no edge {from} → {to} was found");
    }
    let cycles = graph.cycles();
    assert!(
        cycles.is_empty(),
        "the module graph has cycles:\n{}",
        cycles.join("\n")
    );
}

fn modules(files: &[(&str, &str)]) -> Vec<(ModulePath, String, String)> {
    files
        .iter()
        .map(|(module, text)| {
            let path: ModulePath = if module.is_empty() {
                Vec::new()
            } else {
                module.split("::").map(String::from).collect()
            };
            (path, format!("{module}.rs"), text.to_string())
        })
        .collect()
}

#[test]
fn a_cycle_through_a_use_tree_and_a_path_in_code_is_found() {
    let graph = graph(&modules(&[
        ("", "pub mod a; pub mod b; pub mod c;"),
        ("a", "use crate::{b::{self, Thing}, c};"),
        ("b", "fn f() { let x = 1; }"),
        ("c", "fn g() -> u8 { crate::a::h() }"),
    ]));
    assert!(graph.has_edge("a", "b"));
    let cycles = graph.cycles();
    assert_eq!(cycles.len(), 1, "{cycles:?}");
    assert!(cycles[0].contains("a → c") && cycles[0].contains("c → a"));
    assert!(cycles[0].contains("c.rs:1 names a::h"), "{}", cycles[0]);
}

#[test]
fn siblings_inside_a_module_are_compared_and_parents_are_not() {
    let graph = graph(&modules(&[
        ("", "pub mod rules;"),
        (
            "rules",
            "mod links; mod templates; pub struct Context; fn run() { links::f(); }",
        ),
        (
            "rules::links",
            "use super::templates::text_fields; use super::Context;",
        ),
        ("rules::templates", "use super::{links, Context};"),
    ]));
    assert!(!graph.has_edge("rules::links", "rules"));
    let cycles = graph.cycles();
    assert_eq!(cycles.len(), 1, "{cycles:?}");
    assert!(cycles[0].contains("rules::links → rules::templates"));
}

#[test]
fn comments_strings_and_test_modules_do_not_make_edges() {
    let graph = graph(&modules(&[
        ("", "pub mod a; pub mod b;"),
        (
            "a",
            "/// Uses [`crate::b::X`].\nfn f() -> &'static str { let c = '\"'; \"crate::b::Y\" }\n/* crate::b::Z /* nested */ crate::b::W */\nconst R: &str = r#\"crate::b::V\"#;\nmod tests { use super::f; }",
        ),
        ("b", "use crate::a::f;"),
    ]));
    assert!(!graph.has_edge("a", "b"));
    assert!(graph.has_edge("b", "a"));
    assert!(graph.cycles().is_empty());
}

#[test]
fn re_exports_are_followed_to_the_module_that_defines_the_item() {
    let graph = graph(&modules(&[
        ("", "pub mod model;"),
        (
            "model",
            "pub mod flow; pub mod template; pub use template::Template;",
        ),
        ("model::flow", "use crate::model::Template;"),
        ("model::template", "pub struct Template;"),
    ]));
    assert!(graph.has_edge("model::flow", "model::template"));
}
