//! Times every conversation-flow rule (WA2xx) on a generated flow of 10,000 nodes and
//! 30,000 edges (tests/support/big_flow.rs), and the whole `lint` pipeline on it.
//!
//! Run with `cargo bench --bench flow_graph`. Each figure is the median of several runs.
//! The flow's graph is built with the model, so "read the flow model" includes it and a
//! file rule's time is its own. A workspace rule's "cold" time includes building the files'
//! exports; "warm" runs it again on the same exports.

use std::time::{Duration, Instant};

use walint::catalogue::builtin;
use walint::config::Config;
use walint::diagnostic::{FileFinding, FileId, Finding};
use walint::engine::{self, Engine, Options};
use walint::model::{self, Contents, Document};
use walint::rules::{self, Check, Context, Rule, REGISTRY};
use walint::source::{parse, Format, Tree};
use walint::workspace::{Exports, Workspace};

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

/// The flow and the template file as the workspace rules see them: their exports.
fn exports(flow: &(String, Tree, Contents), template: &(String, Tree, Contents)) -> [Exports; 2] {
    let exports = |f: &(String, Tree, Contents)| {
        rules::export(&f.1, &f.2.documents, &walint::config::Config::default())
    };
    [exports(flow), exports(template)]
}

fn workspace(exports: &[Exports; 2]) -> Workspace<'_> {
    Workspace::new([
        (FileId::input(0), "big_bot.yaml", &exports[0]),
        (FileId::input(1), "spring_sale.json", &exports[1]),
    ])
}

/// The conversation-flow rules' registry lines.
fn wa2() -> impl Iterator<Item = &'static Rule> {
    let catalogue = builtin().expect("catalogue");
    REGISTRY
        .iter()
        .filter(move |r| catalogue.rule(r.id).code.starts_with("WA2"))
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
    println!(
        "read the flow model (graph included) {}",
        ms(median(read_times))
    );

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
    println!("rule       cold (workspace rules: builds exports)   warm   findings");
    let mut cold_total = Duration::ZERO;
    let catalogue = builtin().expect("catalogue");
    for rule in wa2() {
        let mut cold = Vec::new();
        let mut warm = Vec::new();
        let mut findings = 0;
        for _ in 0..RUNS {
            match rule.check {
                Check::Flow(check) => {
                    let Some(Document::Flow(document)) = flow.2.documents.first() else {
                        panic!("the flow has no flow document");
                    };
                    let ctx = Context {
                        file: FileId::input(0),
                        tree: &flow.1,
                        config: &config,
                    };
                    let mut out: Vec<Finding> = Vec::new();
                    cold.push(time(|| check(document, &ctx, &mut out)).0);
                    findings = out.len();
                    let mut again: Vec<Finding> = Vec::new();
                    warm.push(time(|| check(document, &ctx, &mut again)).0);
                }
                Check::Workspace(check) => {
                    // Cold: the files' exports are built too (the search WA209 shows its
                    // paths from).
                    let (elapsed, exports) = time(|| exports(&flow, &template));
                    let ws = workspace(&exports);
                    let mut out: Vec<FileFinding> = Vec::new();
                    cold.push(elapsed + time(|| check(&ws, &config, &mut out)).0);
                    findings = out.len();
                    let mut again: Vec<FileFinding> = Vec::new();
                    warm.push(time(|| check(&ws, &config, &mut again)).0);
                }
                // No flow rule reads another kind of document, a whole file or is the
                // loader's.
                _ => {}
            }
        }
        let (cold, warm) = (median(cold), median(warm));
        cold_total += cold;
        println!(
            "{}   {}              {}          {findings}",
            catalogue.rule(rule.id).code,
            ms(cold),
            ms(warm)
        );
    }
    println!("sum of cold runs  {}", ms(cold_total));

    // Every WA2xx rule once on the flow, as `walint check` runs them, sharing its graph.
    let together: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let contents = &flow.2;
            time(|| {
                let mut out = Vec::new();
                let mut file_out = Vec::new();
                if let Some(Document::Flow(document)) = contents.documents.first() {
                    let ctx = Context {
                        file: FileId::input(0),
                        tree: &flow.1,
                        config: &config,
                    };
                    for rule in wa2() {
                        if let Check::Flow(check) = rule.check {
                            check(document, &ctx, &mut out);
                        }
                    }
                }
                // As the pipeline does: exports once the file's own rules are done.
                let exports = |f: &(String, Tree, Contents), contents: &Contents| {
                    rules::export(
                        &f.1,
                        &contents.documents,
                        &walint::config::Config::default(),
                    )
                };
                let exports = [exports(&flow, contents), exports(&template, &template.2)];
                let ws = workspace(&exports);
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
    let found =
        walint::discover::discover(std::slice::from_ref(&dir), &config, &dir).expect("discover");
    let engine = Engine::new(catalogue, config, Options::default());
    let mut diagnostics = 0;
    let pipeline: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let (elapsed, outcome) = time(|| engine::lint(&engine, &found.files, None));
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
