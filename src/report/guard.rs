//! A bug in a renderer must not cost the whole report: each file's findings are rendered
//! inside [`catch`], and a panic leaves out that file's part, names the file, and lets the
//! command line exit 2 with an internal error once every other file's findings are out.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use crate::diagnostic::Diagnostic;

/// A report as rendered, and the parts of it that could not be.
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
/// file, as reports sort them). A file whose part panics is left out and named in `failures`.
pub fn per_file<'a, T>(
    diagnostics: impl Iterator<Item = &'a Diagnostic>,
    failures: &mut Vec<RenderFailure>,
    mut part: impl FnMut(&[&'a Diagnostic]) -> T,
) -> Vec<T> {
    let mut parts = Vec::new();
    let mut group: Vec<&'a Diagnostic> = Vec::new();
    let mut flush = |group: &mut Vec<&'a Diagnostic>, parts: &mut Vec<T>| {
        let Some(first) = group.first() else {
            return;
        };
        match catch(|| part(group)) {
            Ok(done) => parts.push(done),
            Err(message) => failures.push(RenderFailure {
                file: Some(first.file.clone()),
                message,
            }),
        }
        group.clear();
    };
    for diagnostic in diagnostics {
        if group
            .first()
            .is_some_and(|first| first.file_id != diagnostic.file_id)
        {
            flush(&mut group, &mut parts);
        }
        group.push(diagnostic);
    }
    flush(&mut group, &mut parts);
    parts
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
        let parts = per_file(all.iter(), &mut failures, |group| {
            if group[0].file == "b.json" {
                panic!("renderer bug");
            }
            format!("{}×{}", group[0].file, group.len())
        });
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
