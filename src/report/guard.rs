//! A bug in a renderer must not cost the whole report: each file's findings are rendered
//! inside [`catch`], and a panic leaves out that file's part, names the file, and lets the
//! command line exit 2 with an internal error once every other file's findings are out.

use std::cell::{Cell, RefCell};
use std::io::{self, Write};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use serde::ser::{Serialize, SerializeSeq, Serializer};

use crate::diagnostic::Diagnostic;

/// A report rendered into memory, and the parts of it that could not be.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rendered {
    pub text: String,
    pub failures: Vec<RenderFailure>,
}

/// A renderer panicked: on the findings of `file`, or (`None`) outside any one file's part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderFailure {
    pub file: Option<String>,
    /// What the panic said, and where.
    pub message: String,
}

thread_local! {
    /// How many [`catch`] calls are running on this thread.
    static CATCHING: Cell<usize> = const { Cell::new(0) };
    /// The message of the last panic caught on this thread.
    static CAUGHT: RefCell<Option<String>> = const { RefCell::new(None) };
}

static HOOK: Once = Once::new();

/// Keeps the default panic message (and backtrace) for panics nothing catches; a panic
/// [`catch`] handles is recorded instead, for the internal error that reports it.
fn install_hook() {
    HOOK.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if CATCHING.get() == 0 {
                return default(info);
            }
            let payload = info.payload();
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic".to_string());
            let message = match info.location() {
                Some(at) => format!("{what} (at {}:{})", at.file(), at.line()),
                None => what,
            };
            CAUGHT.set(Some(message));
        }));
    });
}

/// Runs `f`; a panic in it is an `Err` with its message.
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    install_hook();
    CATCHING.set(CATCHING.get() + 1);
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    CATCHING.set(CATCHING.get() - 1);
    result.map_err(|_| {
        CAUGHT
            .take()
            .unwrap_or_else(|| "a panic without a message".to_string())
    })
}

/// `part` of each file in turn, on the file's diagnostics (consecutive ones with the same
/// file, as reports sort them), handed to `sink` as soon as it is made: a report is written
/// file by file and holds no more than one file's part. A file whose part panics is left
/// out and named in `failures`; its part never reaches `sink`, so nothing of it is written.
pub fn each_file<'a, T, E>(
    diagnostics: impl Iterator<Item = &'a Diagnostic>,
    failures: &mut Vec<RenderFailure>,
    mut part: impl FnMut(&[&'a Diagnostic]) -> T,
    mut sink: impl FnMut(T) -> Result<(), E>,
) -> Result<(), E> {
    let mut group: Vec<&'a Diagnostic> = Vec::new();
    let mut flush = |group: &mut Vec<&'a Diagnostic>| {
        let Some(first) = group.first() else {
            return Ok(());
        };
        let done = catch(|| part(group));
        let file = first.file.clone();
        group.clear();
        match done {
            Ok(done) => sink(done),
            Err(message) => {
                failures.push(RenderFailure {
                    file: Some(file),
                    message,
                });
                Ok(())
            }
        }
    };
    for diagnostic in diagnostics {
        if group
            .first()
            .is_some_and(|first| first.file_id != diagnostic.file_id)
        {
            flush(&mut group)?;
        }
        group.push(diagnostic);
    }
    flush(&mut group)
}

/// A JSON array serialised as it is made: the elements of each file's findings are built
/// under the guard ([`each_file`]) and serialised before the next file's are built, so a
/// report never holds more than one file's elements. Serialised once; a second time it is
/// an empty array.
pub struct FileSeq<'f, I, F> {
    parts: RefCell<Option<(I, F)>>,
    failures: RefCell<&'f mut Vec<RenderFailure>>,
}

impl<'f, I, F> FileSeq<'f, I, F> {
    pub fn new(diagnostics: I, part: F, failures: &'f mut Vec<RenderFailure>) -> Self {
        FileSeq {
            parts: RefCell::new(Some((diagnostics, part))),
            failures: RefCell::new(failures),
        }
    }
}

impl<'a, I, F, T> Serialize for FileSeq<'_, I, F>
where
    I: Iterator<Item = &'a Diagnostic>,
    F: FnMut(&[&'a Diagnostic]) -> Vec<T>,
    T: Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(None)?;
        if let Some((diagnostics, part)) = self.parts.borrow_mut().take() {
            let mut failures = self.failures.borrow_mut();
            each_file(diagnostics, &mut failures, part, |elements| {
                elements.iter().try_for_each(|e| seq.serialize_element(e))
            })?;
        }
        seq.end()
    }
}

/// A JSON array of what `items` yields, serialised as they come instead of collected first.
/// Serialised once; a second time it is an empty array.
pub struct LazySeq<I>(RefCell<Option<I>>);

impl<I> LazySeq<I> {
    pub fn new(items: I) -> Self {
        LazySeq(RefCell::new(Some(items)))
    }
}

impl<I> Serialize for LazySeq<I>
where
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(None)?;
        if let Some(items) = self.0.borrow_mut().take() {
            for item in items {
                seq.serialize_element(&item)?;
            }
        }
        seq.end()
    }
}

/// `value` as pretty JSON and a line break, written to `out` as it is serialised: the same
/// bytes as `serde_json::to_string_pretty` and a `\n`, without the whole text in memory.
pub fn write_json(out: &mut dyn Write, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::RuleId;
    use crate::diagnostic::FileId;

    fn diagnostic(file: &str, index: usize) -> Diagnostic {
        Diagnostic::sample(
            RuleId::WA001,
            ["WA001", "parse-error"],
            file,
            FileId::input(index),
        )
    }

    #[test]
    fn a_panic_on_one_file_keeps_the_other_files_parts() {
        let all = [
            diagnostic("a.json", 0),
            diagnostic("a.json", 0),
            diagnostic("b.json", 1),
            diagnostic("c.json", 2),
        ];
        let mut failures = Vec::new();
        let mut parts = Vec::new();
        let written = each_file(
            all.iter(),
            &mut failures,
            |group| {
                if group[0].file == "b.json" {
                    panic!("renderer bug");
                }
                format!("{}×{}", group[0].file, group.len())
            },
            |part| {
                parts.push(part);
                Ok::<(), ()>(())
            },
        );
        assert_eq!(written, Ok(()));
        assert_eq!(parts, ["a.json×2", "c.json×1"]);
        assert_eq!(failures.len(), 1);
        assert_eq!(failures[0].file.as_deref(), Some("b.json"));
        assert!(
            failures[0]
                .message
                .starts_with("renderer bug (at src/report/guard.rs:"),
            "{failures:?}"
        );
    }

    #[test]
    fn a_sink_error_stops_at_that_file() {
        let all = [diagnostic("a.json", 0), diagnostic("b.json", 1)];
        let mut sunk = Vec::new();
        let written = each_file(
            all.iter(),
            &mut Vec::new(),
            |group| group[0].file.clone(),
            |file| {
                sunk.push(file.clone());
                Err(file)
            },
        );
        assert_eq!(written, Err("a.json".to_string()));
        assert_eq!(sunk, ["a.json"]);
    }

    #[test]
    fn a_streamed_array_is_the_pretty_json_of_the_parts_that_did_not_panic() {
        let all = [
            diagnostic("a.json", 0),
            diagnostic("a.json", 0),
            diagnostic("b.json", 1),
            diagnostic("c.json", 2),
        ];
        let mut failures = Vec::new();
        let seq = FileSeq::new(
            all.iter(),
            |group: &[&Diagnostic]| {
                if group[0].file == "b.json" {
                    panic!("renderer bug");
                }
                group.iter().map(|d| d.file.clone()).collect()
            },
            &mut failures,
        );
        #[derive(serde::Serialize)]
        struct Doc<L> {
            before: u8,
            list: L,
        }
        let mut out = Vec::new();
        write_json(
            &mut out,
            &Doc {
                before: 1,
                list: seq,
            },
        )
        .unwrap();
        let expected = Doc {
            before: 1,
            list: ["a.json", "a.json", "c.json"],
        };
        let mut expected = serde_json::to_string_pretty(&expected).unwrap();
        expected.push('\n');
        assert_eq!(String::from_utf8(out).unwrap(), expected);
        assert_eq!(failures.len(), 1);
        assert_eq!(failures[0].file.as_deref(), Some("b.json"));
    }

    #[test]
    fn empty_streamed_arrays_are_written_as_collected_ones() {
        let mut failures = Vec::new();
        let none: [Diagnostic; 0] = [];
        let seq = FileSeq::new(
            none.iter(),
            |group: &[&Diagnostic]| group.iter().map(|d| d.file.clone()).collect(),
            &mut failures,
        );
        let lazy = LazySeq::new(std::iter::empty::<u8>());
        let mut out = Vec::new();
        write_json(&mut out, &(seq, lazy, LazySeq::new(1..3))).unwrap();
        let empty: [u8; 0] = [];
        let expected = serde_json::to_string_pretty(&(empty, empty, [1, 2])).unwrap() + "\n";
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }

    #[test]
    fn catch_passes_results_through_and_nests() {
        assert_eq!(catch(|| 7), Ok(7));
        let outer = catch(|| {
            let inner = catch(|| -> u8 { panic!("inner") });
            assert!(inner.is_err());
            panic!("outer {}", 1)
        });
        assert!(matches!(outer, Err(m) if m.starts_with("outer 1")));
    }
}
