//! Heap memory of walint's pipeline on a folder: what each stage holds at its peak and what
//! it keeps for the next.
//!
//! Usage: `cargo bench --bench memory -- DIR [--max-mib N]`
//!
//! A counting allocator tracks the bytes live on the heap (as requested, without the
//! allocator's own overhead). With `--max-mib N` the bench fails (exit 1) when the peak of
//! discovering, linting and rendering the JSON report exceeds N MiB: a memory regression
//! guard that does not depend on the machine's speed or load. The process's peak RSS
//! (`walint check`'s own figure is in `bench/run.sh`) adds the program, thread stacks, the
//! allocator's overhead and fragmentation to the heap peak.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

use walint::catalogue::{builtin, Catalogue};
use walint::config::{Config, FailOn};
use walint::diagnostic::Severity;
use walint::discover::discover;
use walint::engine::{self, Engine, Options, Outcome};
use walint::report::{self, ReportFormat, ReportInput, RunMeta};

/// The system allocator, counting the bytes it hands out.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let live = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to the system allocator unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            grew(layout.size());
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { System.dealloc(pointer, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc_zeroed(layout) };
        if !pointer.is_null() {
            grew(layout.size());
        }
        pointer
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, size: usize) -> *mut u8 {
        let moved = unsafe { System.realloc(pointer, layout, size) };
        if !moved.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            grew(size);
        }
        moved
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn mib(bytes: usize) -> String {
    format!("{:7.1} MiB", bytes as f64 / 1_048_576.0)
}

/// Runs `f` and returns its value with the highest live heap reached while it ran.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    PEAK.store(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
    let value = f();
    (value, PEAK.load(Ordering::Relaxed))
}

/// Peak resident set size of this process so far (Linux), for comparison.
fn peak_rss() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(format!("{:7.1} MiB", kib / 1024.0))
}

/// A sink that counts the bytes of a report, as `walint check -o /dev/null` writes it.
struct Counted(usize);

impl std::io::Write for Counted {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0 += bytes.len();
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Writes the report in `format` as `walint check` does, through a buffer of its size, and
/// returns its size in bytes.
fn render(format: ReportFormat, outcome: &Outcome, meta: &RunMeta, catalogue: &Catalogue) -> usize {
    let input = ReportInput {
        files: &outcome.files,
        config_files: &outcome.config_files,
        diagnostics: &outcome.diagnostics,
        color: false,
        width: None,
        fail_on: FailOn::At(Severity::Error),
        catalogue,
        enabled: &outcome.enabled,
        baseline: None,
        previous: None,
        meta,
    };
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, Counted(0));
    // Writing to the counter cannot fail; a renderer's failure would show as a short report.
    let _ = report::write(format, &input, &mut out);
    match out.into_inner() {
        Ok(counted) => counted.0,
        Err(_) => 0,
    }
}

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; the first other argument is the folder.
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let mut dir = None;
    let mut max_mib = None;
    while let Some(arg) = args.next() {
        if arg == "--max-mib" {
            max_mib = args.next().and_then(|n| n.parse::<f64>().ok());
            if max_mib.is_none() {
                eprintln!("memory: --max-mib needs a number");
                return ExitCode::from(2);
            }
        } else if dir.is_none() {
            dir = Some(PathBuf::from(arg));
        }
    }
    let Some(dir) = dir.filter(|d| d.is_dir()) else {
        eprintln!("usage: cargo bench --bench memory -- DIR [--max-mib N]");
        return ExitCode::from(2);
    };
    let catalogue = match builtin() {
        Ok(catalogue) => catalogue,
        Err(error) => {
            eprintln!("memory: broken rule catalogue: {error}");
            return ExitCode::from(2);
        }
    };
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let cwd = cwd.canonicalize().unwrap_or(cwd);
    let config = Config {
        root: cwd.clone(),
        ..Config::default()
    };
    // As `walint check --format json` lints: each file's text let go once it is checked. The
    // reports that show texts are rendered from a second run that keeps them.
    let json_options = Options {
        keep_texts: false,
        ..Options::default()
    };
    let engine = Engine::new(catalogue.clone(), config.clone(), json_options);
    let start = LIVE.load(Ordering::Relaxed);

    let (found, discover_peak) = peak_of(|| discover(std::slice::from_ref(&dir), &config, &cwd));
    let Ok(found) = found else {
        eprintln!("memory: `{}` vanished", dir.display());
        return ExitCode::from(2);
    };
    let after_discover = LIVE.load(Ordering::Relaxed);
    let (outcome, lint_peak) = peak_of(|| engine::lint(&engine, &found.files, None));
    let after_lint = LIVE.load(Ordering::Relaxed);
    let meta = RunMeta::collect(&cwd, None, &catalogue, ["check".to_string()]);
    let (json_bytes, json_peak) =
        peak_of(|| render(ReportFormat::Json, &outcome, &meta, &catalogue));

    drop(outcome);
    let engine = Engine::new(catalogue.clone(), config.clone(), Options::default());
    let (outcome, texts_peak) = peak_of(|| engine::lint(&engine, &found.files, None));
    let after_texts = LIVE.load(Ordering::Relaxed);

    let shown = outcome.files.iter().filter(|f| !f.text.is_empty()).count();
    println!("walint memory benchmark");
    println!("folder:       {}", dir.display());
    println!(
        "files:        {} discovered, {} linted, {} diagnostics; for the reports that show texts {shown} keep theirs",
        found.files.len(),
        outcome.files.len(),
        outcome.diagnostics.len()
    );
    println!();
    println!("{:<34} {:>12} {:>12}", "stage", "peak heap", "kept after");
    println!("{}", "-".repeat(60));
    println!(
        "{:<34} {} {}",
        "discover",
        mib(discover_peak - start),
        mib(after_discover - start)
    );
    println!(
        "{:<34} {} {}",
        "lint (load, check, resolve, sort)",
        mib(lint_peak - start),
        mib(after_lint - start)
    );
    println!(
        "{:<34} {} {}",
        format!("render json ({:.1} MiB)", json_bytes as f64 / 1_048_576.0),
        mib(json_peak - start),
        mib(after_lint - start)
    );
    println!(
        "{:<34} {} {}",
        "lint, keeping texts",
        mib(texts_peak - start),
        mib(after_texts - start)
    );
    let formats = [
        ("render human", ReportFormat::Human),
        ("render sarif", ReportFormat::Sarif),
        ("render markdown", ReportFormat::Markdown),
        ("render html", ReportFormat::Html),
    ];
    for (name, format) in formats {
        let (bytes, peak) = peak_of(|| render(format, &outcome, &meta, &catalogue));
        let name = format!("{name} ({:.1} MiB)", bytes as f64 / 1_048_576.0);
        println!(
            "{:<34} {} {}",
            name,
            mib(peak - start),
            mib(after_texts - start)
        );
    }
    let check_peak = discover_peak.max(lint_peak).max(json_peak) - start;
    println!();
    println!(
        "peak heap of `walint check --format json`: {}",
        mib(check_peak).trim()
    );
    if let Some(rss) = peak_rss() {
        println!("peak RSS of this benchmark process:       {}", rss.trim());
    }
    match max_mib {
        Some(max) if check_peak as f64 / 1_048_576.0 > max => {
            println!("OVER the budget of {max} MiB");
            ExitCode::FAILURE
        }
        Some(max) => {
            println!("within the budget of {max} MiB");
            ExitCode::SUCCESS
        }
        None => ExitCode::SUCCESS,
    }
}
