//! Running a rule's documented examples: each failing example must be found (at the places
//! its `expect:` names, when it names some), each passing one must be clean of the rule.
//! `walint test` runs a team's custom rules through this, and the project's own tests run the
//! built-in catalogue through it too, so both are held to the same standard.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::catalogue::{Catalogue, Example, ExampleKind, Expected, RuleDoc};
use crate::config::Config;
use crate::custom::CustomRules;
use crate::date::Date;
use crate::diagnostic::Diagnostic;
use crate::discover;
use crate::engine::{self, Engine, Options};

/// What an example's run showed about its rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A failing example found where it expects, a passing one clean.
    Validated,
    /// A finding of the rule the example does not expect: on a passing example, or on a
    /// failing one away from its `expect:` places. Each as `FILE:LINE:COLUMN: message`.
    Noisy(Vec<String>),
    /// A failing example without the finding it expects: the places not found (`FILE:LINE`
    /// or `FILE:LINE:COLUMN`; none when it expects one anywhere), and the rule's findings
    /// elsewhere, as [`Verdict::Noisy`] shows them.
    Missing {
        places: Vec<String>,
        found: Vec<String>,
    },
}

impl Verdict {
    pub fn is_validated(&self) -> bool {
        *self == Verdict::Validated
    }
}

/// An example's run: every active finding of every rule, in report order.
pub struct Run {
    pub diagnostics: Vec<Diagnostic>,
}

impl Run {
    /// The codes of the findings that count (a finding suppressed with a reason is accepted).
    pub fn codes(&self) -> Vec<String> {
        self.diagnostics
            .iter()
            .map(|d| d.code.to_string())
            .collect()
    }

    /// What the run shows about `rule`, whose example `example` is.
    pub fn verdict(&self, rule: &RuleDoc, example: &Example) -> Verdict {
        let own: Vec<&Diagnostic> = self
            .diagnostics
            .iter()
            .filter(|d| d.code == rule.code)
            .collect();
        let shown = |d: &&Diagnostic| {
            format!(
                "{}:{}:{}: {}",
                d.file, d.start.line, d.start.column, d.message
            )
        };
        if example.kind == ExampleKind::Passing {
            return if own.is_empty() {
                Verdict::Validated
            } else {
                Verdict::Noisy(own.iter().map(shown).collect())
            };
        }
        if example.expect.is_empty() {
            return if own.is_empty() {
                Verdict::Missing {
                    places: Vec::new(),
                    found: Vec::new(),
                }
            } else {
                Verdict::Validated
            };
        }
        let places: Vec<Expected> = example
            .expect
            .iter()
            .filter_map(|place| Expected::parse(place))
            .collect();
        let at = |d: &Diagnostic, place: &Expected| {
            d.file == place.file
                && d.start.line == place.line
                && place.column.is_none_or(|c| c == d.start.column)
        };
        let missing: Vec<String> = example
            .expect
            .iter()
            .zip(&places)
            .filter(|(_, place)| !own.iter().any(|d| at(d, place)))
            .map(|(written, _)| written.clone())
            .collect();
        if !missing.is_empty() {
            return Verdict::Missing {
                places: missing,
                found: own.iter().map(shown).collect(),
            };
        }
        let unexpected: Vec<String> = own
            .iter()
            .filter(|d| !places.iter().any(|place| at(d, place)))
            .map(shown)
            .collect();
        if unexpected.is_empty() {
            Verdict::Validated
        } else {
            Verdict::Noisy(unexpected)
        }
    }
}

/// A folder of its own for an example's files, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Scratch, String> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let base = std::env::temp_dir();
        // A name no other run of walint (another process, another thread) has taken.
        for _ in 0..1_000 {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let path = base.join(format!("walint-example-{}-{n}", std::process::id()));
            match std::fs::create_dir(&path) {
                Ok(()) => return Ok(Scratch(path)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    return Err(format!(
                        "cannot make a folder for the examples in {}: {e}",
                        base.display()
                    ))
                }
            }
        }
        Err(format!(
            "cannot make a folder for the examples in {}",
            base.display()
        ))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Writes an example's files to a fresh folder and lints it as `walint check` would there,
/// with every rule of `catalogue` (the custom ones `custom` defines included), the example's
/// own walint.yaml and templates lock if it has them, and `today` for the rules that read
/// the date (the real day when `None`).
pub fn run(
    example: &Example,
    catalogue: &Arc<Catalogue>,
    custom: &Arc<CustomRules>,
    today: Option<Date>,
) -> Result<Run, String> {
    let scratch = Scratch::new()?;
    for (name, content) in &example.files {
        let path = contained(&scratch.0, name)
            .ok_or_else(|| format!("example file `{name}` must be a relative path"))?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot write example file `{name}`: {e}"))?;
        }
        std::fs::write(&path, content)
            .map_err(|e| format!("cannot write example file `{name}`: {e}"))?;
    }
    let root = scratch
        .0
        .canonicalize()
        .map_err(|e| format!("cannot read the examples' folder: {e}"))?;
    let mut config = if example.files.iter().any(|(name, _)| name == "walint.yaml") {
        Config::load(&root.join("walint.yaml"), catalogue)
            .map_err(|e| format!("the example's {e}"))?
    } else {
        Config {
            root: root.clone(),
            ..Config::default()
        }
    };
    config.today = today;
    discover::load_lock(&mut config, &root)?;
    let found = discover::discover(std::slice::from_ref(&root), &config, &root)
        .map_err(|refused| refused.to_string())?;
    let options = Options {
        custom: custom.clone(),
        ..Options::default()
    };
    let engine = Engine::new(catalogue.clone(), config, options);
    let outcome = engine::lint(&engine, &found.files, None);
    Ok(Run {
        diagnostics: outcome
            .diagnostics
            .into_iter()
            .filter(Diagnostic::is_active)
            .collect(),
    })
}

/// `name` under `root`, when it stays there: relative, without `..`.
fn contained(root: &Path, name: &str) -> Option<PathBuf> {
    let relative = Path::new(name);
    let normal = relative
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)));
    (normal && !name.is_empty()).then(|| root.join(relative))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_example_file_stays_in_its_folder() {
        let root = Path::new("/tmp/x");
        assert_eq!(contained(root, "a/b.json"), Some(root.join("a/b.json")));
        for outside in ["../a.json", "/etc/passwd", "a/../../b", ""] {
            assert_eq!(contained(root, outside), None, "{outside}");
        }
    }

    #[test]
    fn expected_places_are_file_line_and_column_or_file_and_line() {
        let place = |file: &str, line, column| Expected {
            file: file.into(),
            line,
            column,
        };
        assert_eq!(
            Expected::parse("promo.json:4:31"),
            Some(place("promo.json", 4, Some(31)))
        );
        assert_eq!(
            Expected::parse("flows/a.yaml:7"),
            Some(place("flows/a.yaml", 7, None))
        );
        for wrong in ["promo.json", "promo.json:0", ":4:2", "promo.json:x", "4"] {
            assert_eq!(Expected::parse(wrong), None, "{wrong}");
        }
    }
}
