//! Stage-by-stage timing of walint's pipeline on a folder.
//!
//! Usage: `cargo bench --bench pipeline -- DIR`
//!
//! Each stage is run once as a warm-up and then 5 times; the table shows the median.
//! Rendering a report is left out (its API moves; it took 0.3 ms for 10,000 files): the
//! end-to-end figure of `bench/run.sh` includes it.
//! Ratios are relative to reading every discovered file in parallel, the floor any
//! linter that looks at every byte has to pay.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use walint::catalogue::builtin;
use walint::config::Config;
use walint::discover::{discover, Candidate};
use walint::engine::{self, Engine, Options};
use walint::source::{parse, Format, Tree};

const WARMUP: usize = 1;
const RUNS: usize = 5;

/// Runs `f` once to warm caches, then `RUNS` times, and returns the median duration.
/// The value `f` returns is dropped outside the timed region.
fn median<T>(mut f: impl FnMut() -> T) -> Duration {
    for _ in 0..WARMUP {
        black_box(f());
    }
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            let value = f();
            let elapsed = start.elapsed();
            black_box(value);
            elapsed
        })
        .collect();
    times.sort();
    times[RUNS / 2]
}

fn read_all_sequential(files: &[Candidate]) -> u64 {
    files
        .iter()
        .map(|c| std::fs::read(&c.path).map_or(0, |b| b.len() as u64))
        .sum()
}

fn read_all_parallel(files: &[Candidate]) -> u64 {
    files
        .par_iter()
        .map(|c| std::fs::read(&c.path).map_or(0, |b| b.len() as u64))
        .sum()
}

/// Read, decode and parse one file the way `lint` does; `None` when it is skipped or fails.
fn read_and_parse(candidate: &Candidate) -> Option<Tree> {
    let format = Format::from_path(&candidate.path.to_string_lossy()).unwrap_or(Format::Yaml);
    let bytes = std::fs::read(&candidate.path).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    parse(text, format).ok()
}

struct Row {
    stage: &'static str,
    /// Files the stage handles, for files/s.
    files: usize,
    time: Duration,
}

/// Like [`median`], but only `f` is timed; `setup` runs before each call, untimed.
fn median_after<S, T>(mut setup: impl FnMut() -> S, mut f: impl FnMut(S) -> T) -> Duration {
    let mut times: Vec<Duration> = (0..WARMUP + RUNS)
        .map(|_| {
            let input = setup();
            let start = Instant::now();
            let value = f(input);
            let elapsed = start.elapsed();
            black_box(value);
            elapsed
        })
        .skip(WARMUP)
        .collect();
    times.sort();
    times[RUNS / 2]
}

fn is_format(candidate: &Candidate, format: Format) -> bool {
    Format::from_path(&candidate.path.to_string_lossy()) == Some(format)
}

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; the first other argument is the folder.
    let dir = match std::env::args().skip(1).find(|a| !a.starts_with("--")) {
        Some(dir) => PathBuf::from(dir),
        None => {
            eprintln!("usage: cargo bench --bench pipeline -- DIR");
            return ExitCode::from(2);
        }
    };
    if !dir.is_dir() {
        eprintln!("pipeline: `{}` is not a folder", dir.display());
        return ExitCode::from(2);
    }
    let catalogue = match builtin() {
        Ok(catalogue) => catalogue,
        Err(error) => {
            eprintln!("pipeline: broken rule catalogue: {error}");
            return ExitCode::from(2);
        }
    };
    let cwd = std::env::current_dir().expect("current folder");
    let cwd = cwd.canonicalize().unwrap_or(cwd);
    let config = Config {
        root: cwd.clone(),
        ..Config::default()
    };
    let paths = vec![dir.clone()];
    let engine = Engine::new(catalogue, config.clone(), Options::default());
    let lint = |files: &[Candidate]| engine::lint(&engine, files, None);
    let run_discover =
        |paths: &[PathBuf], cwd: &Path| discover(paths, &config, cwd).expect("the folder exists");

    let files = run_discover(&paths, &cwd).files;
    let json: Vec<Candidate> = files
        .iter()
        .filter(|c| is_format(c, Format::Json))
        .cloned()
        .collect();
    let yaml: Vec<Candidate> = files
        .iter()
        .filter(|c| is_format(c, Format::Yaml))
        .cloned()
        .collect();
    let bytes = read_all_sequential(&files);
    let parsed = files.par_iter().filter_map(read_and_parse).count();
    let outcome = lint(&files);
    let linted = outcome.files.len();
    let diagnostics = outcome.diagnostics.len();
    drop(outcome);

    println!("walint pipeline benchmark");
    println!("folder:      {}", dir.display());
    println!(
        "files:       {} discovered ({} JSON, {} YAML), {} parsed, {} linted, {} diagnostics",
        files.len(),
        json.len(),
        yaml.len(),
        parsed,
        linted,
        diagnostics
    );
    println!("bytes:       {:.1} MiB", bytes as f64 / 1_048_576.0);
    println!("threads:     {}", rayon::current_num_threads());
    println!("runs:        median of {RUNS} after {WARMUP} warm-up");
    println!();

    let parse_all = |files: &[Candidate]| {
        files
            .par_iter()
            .filter_map(read_and_parse)
            .collect::<Vec<Tree>>()
    };
    let n = files.len();
    let rows = vec![
        Row {
            stage: "(a) discover",
            files: n,
            time: median(|| run_discover(&paths, &cwd)),
        },
        Row {
            stage: "(b) read, sequential",
            files: n,
            time: median(|| read_all_sequential(&files)),
        },
        Row {
            stage: "(b) read, parallel",
            files: n,
            time: median(|| read_all_parallel(&files)),
        },
        Row {
            stage: "(c) read + parse, parallel",
            files: n,
            time: median(|| parse_all(&files)),
        },
        Row {
            stage: "(c) ... JSON files only",
            files: json.len(),
            time: median(|| parse_all(&json)),
        },
        Row {
            stage: "(c) ... YAML files only",
            files: yaml.len(),
            time: median(|| parse_all(&yaml)),
        },
        Row {
            stage: "(d) lint",
            files: n,
            time: median(|| lint(&files)),
        },
        Row {
            stage: "(d) dropping lint's Outcome",
            files: n,
            time: median_after(|| lint(&files), drop),
        },
        Row {
            stage: "(e) discover + lint + drop",
            files: n,
            time: median(|| {
                let found = run_discover(&paths, &cwd);
                drop(lint(&found.files));
            }),
        },
    ];

    let baseline = rows
        .iter()
        .find(|r| r.stage == "(b) read, parallel")
        .map(|r| r.time.as_secs_f64())
        .unwrap_or(f64::NAN);
    println!(
        "{:<30} {:>7} {:>10} {:>10} {:>8}",
        "stage", "files", "median ms", "files/s", "x read"
    );
    println!("{}", "-".repeat(30 + 1 + 7 + 1 + 10 + 1 + 10 + 1 + 8));
    for row in &rows {
        let seconds = row.time.as_secs_f64();
        let per_second = if seconds > 0.0 {
            row.files as f64 / seconds
        } else {
            f64::INFINITY
        };
        println!(
            "{:<30} {:>7} {:>10.1} {:>10.0} {:>8.2}",
            row.stage,
            row.files,
            seconds * 1000.0,
            per_second,
            seconds / baseline
        );
    }
    println!();
    println!("x read: median time over the median of (b) read, parallel.");
    ExitCode::SUCCESS
}
