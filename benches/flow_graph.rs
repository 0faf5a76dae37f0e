//! Times every conversation-flow rule (WA2xx) on a generated flow of 10,000 nodes and
//! 30,000 edges (tests/support/big_flow.rs), and the whole `lint` pipeline on it.
//!
//! Run with `cargo bench --bench flow_graph`. Each figure is the median of several runs.
//! "cold" runs a rule on a fresh copy of the flow, so it pays for building the flow's graph
//! (for a workspace rule: for building the files' exports, graph included); "warm" runs it
//! again on the same copy, where the graph (or the exports) is already built and shared.

use std::time::{Duration, Instant};

use walint::config::Config;
use walint::diagnostic::{FileFinding, Finding};
use walint::lint::{lint, Selection};
use walint::model::{self, Contents};
use walint::rules::catalogue::catalogue;
use walint::rules::{self, Check, DocumentContext, REGISTRY};
use walint::source::{parse, Format, LineIndex, Tree};
use walint::workspace::{SourceFile, Workspace};

#[path = "../tests/support/big_flow.rs"]
mod big_flow;

const RUNS: usize = 7;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn time<T>(f: impl FnOnce() -> T) -> (Duration, T) {
    let start = Instant::now();
    let value = f();
    (start.elapsed(), value)
}

fn ms(d: Duration) -> String {
    format!("{:9.3} ms", d.as_secs_f64() * 1000.0)
}

/// A fresh copy of a file's documents: its memos (the flow's graph) start empty.
fn fresh(file: &(String, Tree, Contents)) -> Contents {
    file.2.clone()
}

/// The flow and the template file as the workspace rules see them: their exports, built
/// from fresh documents (so the flow's graph is built again).
fn workspace(flow: &(String, Tree, Contents), template: &(String, Tree, Contents)) -> Workspace {
    let file = |(text, _, _): &(String, Tree, Contents), path: &str| SourceFile {
        path: path.to_string(),
        config_path: path.to_string(),
        text: text.clone(),
        lines: LineIndex::new(text),
        kinds: Vec::new(),
        secrets: Vec::new(),
        sha256: String::new(),
    };
    let exports = |f: &(String, Tree, Contents)| rules::export(&f.1, &fresh(f).documents);
    Workspace::new(
        vec![
            file(flow, "big_bot.yaml"),
            file(template, "spring_sale.json"),
        ],
        vec![exports(flow), exports(template)],
    )
}

fn main() {
    let (text, edges) = big_flow::flow();
    println!(
        "flow: {} nodes, {edges} edges, {:.1} MiB of YAML",
        big_flow::NODES,
        text.len() as f64 / 1_048_576.0
    );

    let parse_times: Vec<Duration> = (0..RUNS)
        .map(|_| time(|| parse(&text, Format::Yaml)).0)
        .collect();
    let tree = parse(&text, Format::Yaml).expect("the generated flow parses");
    let read_times: Vec<Duration> = (0..RUNS).map(|_| time(|| model::read(&tree)).0).collect();
    let contents = model::read(&tree);
    println!("parse YAML          {}", ms(median(parse_times)));
    println!("read the flow model {}", ms(median(read_times)));

    let template_tree = parse(big_flow::SPRING_SALE, Format::Json).expect("template parses");
    let template_contents = model::read(&template_tree);
    let flow = (text.clone(), tree, contents);
    let template = (
        big_flow::SPRING_SALE.to_string(),
        template_tree,
        template_contents,
    );
    let config = Config::default();

    println!();
    println!("rule       cold (builds the graph)   warm (graph shared)   findings");
    let mut cold_total = Duration::ZERO;
    for rule in REGISTRY.iter().filter(|r| r.code.starts_with("WA2")) {
        let mut cold = Vec::new();
        let mut warm = Vec::new();
        let mut findings = 0;
        for _ in 0..RUNS {
            match rule.check {
                Check::Document(check) => {
                    let contents = fresh(&flow);
                    let Some(document) = contents.documents.first() else {
                        panic!("the flow has no document");
                    };
                    let ctx = DocumentContext {
                        file: 0,
                        tree: &flow.1,
                        config: &config,
                        document,
                    };
                    let mut out: Vec<Finding> = Vec::new();
                    cold.push(time(|| check(&ctx, &mut out)).0);
                    findings = out.len();
                    let mut again: Vec<Finding> = Vec::new();
                    warm.push(time(|| check(&ctx, &mut again)).0);
                }
                Check::Workspace(check) => {
                    // Cold: the files' exports are built too (the flow's graph, and the
                    // search WA209 shows its paths from).
                    let (elapsed, ws) = time(|| workspace(&flow, &template));
                    let mut out: Vec<FileFinding> = Vec::new();
                    cold.push(elapsed + time(|| check(&ws, &config, &mut out)).0);
                    findings = out.len();
                    let mut again: Vec<FileFinding> = Vec::new();
                    warm.push(time(|| check(&ws, &config, &mut again)).0);
                }
                // No flow rule is a whole-file or loader check.
                Check::File(_) | Check::Loader => {}
            }
        }
        let (cold, warm) = (median(cold), median(warm));
        cold_total += cold;
        println!(
            "{}   {}              {}          {findings}",
            rule.code,
            ms(cold),
            ms(warm)
        );
    }
    println!("sum of cold runs  {}", ms(cold_total));

    // Every WA2xx rule once on one fresh copy, as `walint check` runs them: the first rule
    // builds the graph and the others share it.
    let together: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let contents = fresh(&flow);
            time(|| {
                let mut out = Vec::new();
                let mut file_out = Vec::new();
                let wa2 = || REGISTRY.iter().filter(|r| r.code.starts_with("WA2"));
                if let Some(document) = contents.documents.first() {
                    let ctx = DocumentContext {
                        file: 0,
                        tree: &flow.1,
                        config: &config,
                        document,
                    };
                    for rule in wa2() {
                        if let Check::Document(check) = rule.check {
                            check(&ctx, &mut out);
                        }
                    }
                }
                // As the pipeline does: exports once the file's own rules are done.
                let exports = |f: &(String, Tree, Contents), contents: &Contents| {
                    rules::export(&f.1, &contents.documents)
                };
                let file = |path: &str| SourceFile::empty(path.to_string(), path.to_string());
                let ws = Workspace::new(
                    vec![file("big_bot.yaml"), file("spring_sale.json")],
                    vec![exports(&flow, &contents), exports(&template, &template.2)],
                );
                for rule in wa2() {
                    if let Check::Workspace(check) = rule.check {
                        check(&ws, &config, &mut file_out);
                    }
                }
                out.len() + file_out.len()
            })
            .0
        })
        .collect();
    println!("all WA2xx rules, graph shared   {}", ms(median(together)));

    // The whole pipeline, from the files on disk to sorted diagnostics.
    let dir = std::env::temp_dir().join(format!("walint-flow-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary folder");
    std::fs::write(dir.join("big_bot.yaml"), &text).expect("write flow");
    std::fs::write(dir.join("spring_sale.json"), big_flow::SPRING_SALE).expect("write template");
    let config = Config {
        root: dir.clone(),
        ..Config::default()
    };
    let catalogue = catalogue().expect("catalogue");
    let found =
        walint::discover::discover(std::slice::from_ref(&dir), &config, &dir).expect("discover");
    let mut diagnostics = 0;
    let pipeline: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let (elapsed, outcome) =
                time(|| lint(&found.files, &config, &Selection::default(), catalogue));
            diagnostics = outcome.diagnostics.len();
            elapsed
        })
        .collect();
    println!(
        "walint check (read, parse, all rules, report data) {}  ({diagnostics} findings)",
        ms(median(pipeline))
    );
    let _ = std::fs::remove_dir_all(&dir);
}
